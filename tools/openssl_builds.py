"""Provision the OpenSSL builds that pyossl is tested on (used by noxfile.py).

Each build is a shared libcrypto/libssl pair bundled in a manylinux wheel on
PyPI (auditwheel's ``.libs`` folder).  :func:`provision` downloads that wheel
once with ``pip download`` (binary only, for the wheel's own platform tags:
nothing is built or installed) and unpacks its shared libraries into
``$PYOSSL_BUILDS_CACHE/<name>`` (default ``~/.cache/pyossl-builds``), the
folder given to pyossl as ``PYOSSL_OPENSSL_DIR``.  A folder already there is
reused as it is.

Also: :func:`pyenv_extremes` (the oldest and newest CPython that pyenv has)
and :func:`install_pypy` (Debian's pypy3, only when asked for).

Command line (for people and CI)::

    python3 tools/openssl_builds.py [--list] [NAME ...]   # provision, print paths
    python3 tools/openssl_builds.py --install-pypy        # apt-get install pypy3
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import zipfile

CACHE = os.path.expanduser(os.environ.get(
    "PYOSSL_BUILDS_CACHE", os.path.join("~", ".cache", "pyossl-builds")))


class Build(object):
    """Where one build comes from.

    :param requirement: the pip requirement of the wheel that bundles it.
    :param python_version: ``pip download --python-version`` of that wheel.
    :param abi: its ABI tag; ``platform``: its platform tag.
    :param folder: the folder inside the wheel holding the libraries.
    :param version_number: ``OpenSSL_version_num()`` of the build.
    """

    def __init__(self, requirement, python_version, abi, platform, folder,
                 version_number):
        self.requirement = requirement
        self.python_version = python_version
        self.abi = abi
        self.platform = platform
        self.folder = folder
        self.version_number = version_number


#: Every downloaded build, by folder name.  The system's OpenSSL is the
#: fifth build; it needs no provisioning.  OpenSSL 4.x joins when a wheel
#: bundles it as a shared library.
BUILDS = {
    "openssl-1.0.2q": Build("psycopg2-binary==2.7.7", "37", "cp37m",
                            "manylinux1_x86_64", "psycopg2/.libs",
                            0x1000211F),
    "openssl-1.1.1g": Build("psycopg2-binary==2.8.6", "38", "cp38",
                            "manylinux1_x86_64", "psycopg2_binary.libs",
                            0x1010107F),
    "openssl-3.5.8": Build("psycopg2-binary==2.9.13", "311", "cp311",
                           "manylinux2014_x86_64", "psycopg2_binary.libs",
                           0x30500080),
    "openssl-3.6.5": Build("pycurl==7.49.0", "312", "cp312",
                           "manylinux_2_28_x86_64", "pycurl.libs",
                           0x30600050),
}


def log(message):
    print("[openssl-builds] " + message, file=sys.stderr, flush=True)


def build_dir(name):
    """The folder of build *name* (it may not be provisioned yet)."""
    return os.path.join(CACHE, name)


def is_provisioned(name):
    return bool(glob.glob(os.path.join(build_dir(name), "libssl*")))


def _pip():
    """A command that runs pip (this Python's, else one on PATH)."""
    try:
        import pip  # noqa: F401
        return [sys.executable, "-m", "pip"]
    except ImportError:
        pass
    for exe in ("pip3", "pip"):
        if shutil.which(exe):
            return [exe]
    raise RuntimeError("pip is needed to download the OpenSSL builds "
                       "(python3 -m ensurepip)")


def provision(name):
    """Download and unpack build *name* unless it is there; return its folder.

    :raises RuntimeError: when the wheel cannot be had (no index reachable).
    """
    build = BUILDS[name]
    dest = build_dir(name)
    if is_provisioned(name):
        return dest
    if not sys.platform.startswith("linux"):
        raise RuntimeError("the downloaded builds are Linux x86_64 "
                           "libraries; %s cannot run here" % name)
    wheels = os.path.join(CACHE, "wheels", name)
    os.makedirs(wheels, exist_ok=True)
    if not glob.glob(os.path.join(wheels, "*.whl")):
        log("downloading %s for %s" % (build.requirement, name))
        cmd = _pip() + [
            "download", "--quiet", "--no-deps", "--only-binary=:all:",
            "--python-version", build.python_version, "--implementation",
            "cp", "--abi", build.abi, "--platform", build.platform,
            "-d", wheels, build.requirement]
        if subprocess.call(cmd) != 0:
            raise RuntimeError("could not download %s (%s)"
                               % (build.requirement, " ".join(cmd)))
    wheel = sorted(glob.glob(os.path.join(wheels, "*.whl")))[0]
    tmp = dest + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    with zipfile.ZipFile(wheel) as zf:
        for member in zf.namelist():
            if member.startswith(build.folder + "/") and ".so" in member:
                target = os.path.join(tmp, os.path.basename(member))
                with zf.open(member) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
    if not glob.glob(os.path.join(tmp, "libssl*")):
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError("%s has no libssl in %s/" % (wheel, build.folder))
    shutil.rmtree(dest, ignore_errors=True)
    os.rename(tmp, dest)
    log("%s unpacked into %s" % (name, dest))
    return dest


def provision_all():
    """Provision every build; return {name: folder} of those that could be."""
    found = {}
    for name in BUILDS:
        try:
            found[name] = provision(name)
        except (RuntimeError, OSError) as exc:
            log("could not provision %s: %s" % (name, exc))
    return found


def pyenv_extremes(minimum=(3, 8)):
    """The oldest and newest CPython (>= *minimum*) that pyenv has.

    :return: a list of ``(label, version, executable)``, oldest first;
        empty when pyenv is not there.
    """
    try:
        root = subprocess.check_output(["pyenv", "root"], text=True,
                                       stderr=subprocess.DEVNULL).strip()
        names = subprocess.check_output(["pyenv", "versions", "--bare"],
                                        text=True,
                                        stderr=subprocess.DEVNULL).split()
    except (OSError, subprocess.CalledProcessError):
        return []
    found = []
    for name in names:
        match = re.match(r"^(\d+)\.(\d+)\.(\d+)$", name)
        if not match:
            continue
        version = tuple(int(part) for part in match.groups())
        exe = os.path.join(root, "versions", name, "bin", "python3")
        if version[:2] >= minimum and os.path.exists(exe):
            found.append((version, name, exe))
    found.sort()
    if not found:
        return []
    picks = [("oldest", found[0])]
    if len(found) > 1:
        picks.append(("newest", found[-1]))
    return [(label, name, exe) for label, (_, name, exe) in picks]


def install_pypy():
    """Install Debian's pypy3 with apt-get (called only when asked for).

    :return: the pypy3 executable, or ``None`` when it could not be had.
    """
    pypy = shutil.which("pypy3")
    if pypy:
        return pypy
    if not shutil.which("apt-get"):
        log("pypy3 is missing and there is no apt-get here")
        return None
    apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "-n", "apt-get"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    packages = ["pypy3", "pypy3-venv"]
    log("installing %s with %s" % (" ".join(packages), " ".join(apt)))
    if subprocess.call(apt + ["install", "-y", "-q"] + packages, env=env):
        subprocess.call(apt + ["update", "-q"], env=env)
        subprocess.call(apt + ["install", "-y", "-q"] + packages, env=env)
    return shutil.which("pypy3")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="builds (default: all)")
    parser.add_argument("--list", action="store_true",
                        help="print the builds and their state only")
    parser.add_argument("--install-pypy", action="store_true",
                        help="install Debian's pypy3 (apt-get) if missing")
    args = parser.parse_args(argv)
    if args.install_pypy:
        pypy = install_pypy()
        print(pypy or "pypy3: not available")
        return 0 if pypy else 1
    names = args.names or list(BUILDS)
    status = 0
    for name in names:
        if name not in BUILDS:
            parser.error("unknown build %r (known: %s)"
                         % (name, ", ".join(BUILDS)))
        if args.list:
            print("%-16s %s%s" % (name, build_dir(name), "" if
                                  is_provisioned(name) else " (missing)"))
            continue
        try:
            print("%-16s %s" % (name, provision(name)))
        except (RuntimeError, OSError) as exc:
            print("%-16s FAILED: %s" % (name, exc))
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
