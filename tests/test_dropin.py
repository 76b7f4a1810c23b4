"""The drop-in switches: ``pyossl.install_as_openssl()``, ``python -m pyossl
run``, the start-up ``.pth`` recipe, ``pyossl.debug`` and the pyOpenSSL
compatibility distribution in ``compat/pyopenssl``.

Every check runs in a child interpreter, so this process's ``sys.modules``
never gets an ``OpenSSL`` entry; the child inherits the build under test
(``PYOSSL_OPENSSL_DIR``...).  The third-party clients are in
``test_dropin_clients.py``.
"""

import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMPAT = os.path.join(ROOT, "compat", "pyopenssl")


def child_env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [ROOT] + [p for p in [env.get("PYTHONPATH")] if p])
    env.update(extra)
    return env


def run(args, cwd=None, env=None, timeout=180):
    """Run a child process; return it (stdout and stderr as text)."""
    return subprocess.run(args, cwd=cwd, env=env or child_env(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout)


def run_code(code, *args, **kwargs):
    """Run *code* in a child interpreter; assert it succeeds; its stdout."""
    proc = run([sys.executable, "-c", textwrap.dedent(code)] + list(args),
               **kwargs)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


# ------------------------------------------------------ install_as_openssl --


def test_openssl_names_are_pyossl_modules():
    out = run_code("""
        import sys, pyossl
        assert "pyossl._dropin" not in sys.modules   # import pyossl is cheap
        pyossl.install_as_openssl()
        import OpenSSL, OpenSSL.SSL, OpenSSL.crypto, OpenSSL.rand
        import OpenSSL.version, OpenSSL.debug, OpenSSL._util
        from OpenSSL import SSL, crypto, rand
        from OpenSSL._util import lib
        import pyossl.SSL, pyossl.crypto, pyossl.rand, pyossl.debug
        import pyossl._runtime.library
        from pyossl import _dropin
        for name, target in (("SSL", "SSL"), ("crypto", "crypto"),
                             ("rand", "rand"), ("debug", "debug"),
                             ("_util", "_runtime.library")):
            module = sys.modules["pyossl." + target]
            assert sys.modules["OpenSSL." + name] is module
            assert getattr(OpenSSL, name) is module
        assert SSL is pyossl.SSL and crypto is pyossl.crypto
        assert rand is pyossl.rand and lib is pyossl._runtime.library.lib
        assert OpenSSL.SSL.Error is pyossl.SSL.Error
        assert OpenSSL.crypto.X509 is pyossl.crypto.X509
        # pyOpenSSL's __init__ names, with the compatibility version.
        assert sorted(OpenSSL.__all__) == sorted([
            "SSL", "crypto", "__author__", "__copyright__", "__email__",
            "__license__", "__summary__", "__title__", "__uri__",
            "__version__"])
        assert OpenSSL.__version__ == OpenSSL.version.__version__
        assert OpenSSL.__version__ == _dropin.COMPAT_VERSION
        assert OpenSSL.__version__ == "%s+pyossl.%s" % (
            _dropin.PYOPENSSL_API_VERSION, pyossl.__version__)
        assert pyossl.version.__version__ == pyossl.__version__
        # OpenSSL.<not a pyOpenSSL module> is not aliased.
        for name in ("OpenSSL._loader", "OpenSSL._pki", "OpenSSL.nothing"):
            try:
                __import__(name)
            except ModuleNotFoundError:
                pass
            else:
                raise AssertionError(name)
        try:
            OpenSSL.nothing
        except AttributeError:
            pass
        else:
            raise AssertionError("OpenSSL.nothing")
        print(OpenSSL.__version__)
    """)
    assert "+pyossl." in out


def test_classes_report_pyopenssl_module_names():
    run_code("""
        import pyossl
        pyossl.install_as_openssl()
        from OpenSSL import SSL, crypto, rand
        import pyossl.crypto, pyossl.SSL
        ctx = SSL.Context(SSL.TLS_METHOD)
        conn = SSL.Connection(ctx, None)
        # trustme recognises pyOpenSSL contexts this way
        assert getattr(ctx, "__module__", "").startswith("OpenSSL")
        for cls in (SSL.Context, SSL.Connection, SSL.Session, SSL.Error,
                    SSL.WantReadError, SSL.ZeroReturnError, SSL.SysCallError):
            assert cls.__module__ == "OpenSSL.SSL", cls
        for cls in (crypto.X509, crypto.PKey, crypto.X509Name, crypto.X509Req,
                    crypto.X509Extension, crypto.X509Store,
                    crypto.X509StoreContext, crypto.X509StoreContextError,
                    crypto.X509StoreFlags, crypto.CRL, crypto.Revoked,
                    crypto.PKCS12, crypto.PKCS7, crypto.NetscapeSPKI,
                    crypto.Error):
            assert cls.__module__ == "OpenSSL.crypto", cls
        assert type(crypto.get_elliptic_curves().pop()).__module__ == \\
            "OpenSSL.crypto"
        assert rand.Error.__module__ == "OpenSSL.rand"
        assert "OpenSSL.crypto.X509 object" in repr(crypto.X509())
        # one class, two names: isinstance and except work across them
        assert isinstance(conn, pyossl.SSL.Connection)
        try:
            crypto.load_certificate(crypto.FILETYPE_PEM, b"nonsense")
        except pyossl.crypto.Error as exc:
            assert type(exc).__module__ == "OpenSSL.crypto"
    """)


def test_renaming_when_pyossl_was_imported_first():
    run_code("""
        import pyossl, pyossl.SSL, pyossl.crypto
        assert pyossl.SSL.Context.__module__ == "pyossl.SSL"
        pyossl.install_as_openssl()
        assert pyossl.SSL.Context.__module__ == "OpenSSL.SSL"
        assert pyossl.crypto.X509Store.__module__ == "OpenSSL.crypto"
        import OpenSSL.SSL
        assert OpenSSL.SSL is pyossl.SSL
    """)


def test_switch_loads_nothing_and_renames_on_first_import():
    # The hook renames pyossl's classes whichever name imports them first,
    # and the switch loads no OpenSSL, so the build can be chosen after it.
    import pyossl
    info = pyossl.openssl_info()
    run_code("""
        import sys, pyossl
        pyossl.install_as_openssl()
        assert "pyossl._runtime.library" not in sys.modules
        assert "pyossl.SSL" not in sys.modules
        pyossl.use_openssl(libcrypto=sys.argv[1], libssl=sys.argv[2])
        import pyossl.crypto                    # by pyossl's own name
        assert pyossl.crypto.X509.__module__ == "OpenSSL.crypto"
        assert pyossl.crypto.X509Store.__module__ == "OpenSSL.crypto"
        assert pyossl.openssl_info()["libssl"] == sys.argv[2]
        # the renamed classes' module is findable under its new name
        assert sys.modules["OpenSSL.crypto"] is pyossl.crypto
        import typing
        typing.get_type_hints(pyossl.crypto.X509)
        from OpenSSL import SSL
        assert SSL.Context.__module__ == "OpenSSL.SSL"
    """, info["libcrypto"], info["libssl"])


def test_switch_is_idempotent_and_thread_safe():
    run_code("""
        import sys, threading, pyossl
        from pyossl import _dropin
        start = threading.Barrier(16)
        errors = []
        def install():
            start.wait()
            try:
                pyossl.install_as_openssl()
                import OpenSSL.SSL
                assert OpenSSL.SSL.Context.__module__ == "OpenSSL.SSL"
            except BaseException as exc:
                errors.append(exc)
        threads = [threading.Thread(target=install) for _ in range(16)]
        for t in threads: t.start()
        for t in threads: t.join()
        assert not errors, errors
        package = sys.modules["OpenSSL"]
        pyossl.install_as_openssl()
        assert sys.modules["OpenSSL"] is package
        assert sum(isinstance(f, _dropin._Finder) for f in sys.meta_path) == 1
        assert _dropin.installed()
    """)


def fake_pyopenssl(tmp_path):
    """A package named OpenSSL that is not pyossl (pyOpenSSL's place)."""
    folder = tmp_path / "site" / "OpenSSL"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("__version__ = '26.4.0'\n")
    (folder / "SSL.py").write_text("class Context(object): pass\n")
    return str(tmp_path / "site")


def test_refuses_when_the_real_pyopenssl_is_imported(tmp_path):
    site = fake_pyopenssl(tmp_path)
    out = run_code("""
        import sys
        sys.path.insert(0, sys.argv[1])
        import OpenSSL.SSL                     # "the real pyOpenSSL"
        import pyossl
        try:
            pyossl.install_as_openssl()
        except ImportError as exc:
            print(exc)
        else:
            raise AssertionError("install_as_openssl accepted pyOpenSSL")
        assert "pyossl._dropin" in sys.modules
        assert OpenSSL.SSL.Context.__module__ == "OpenSSL.SSL"
        import pyossl.SSL
        assert pyossl.SSL.Context.__module__ == "pyossl.SSL"  # untouched
        # Still refused on a second try, and from python -m pyossl run.
        from pyossl import _dropin
        try:
            _dropin.install_as_openssl()
        except ImportError:
            pass
        else:
            raise AssertionError("second call accepted pyOpenSSL")
    """, site)
    assert "already imported" in out
    assert os.path.join(site, "OpenSSL") in out
    assert "before anything imports OpenSSL" in out


def test_shadows_an_installed_but_unimported_pyopenssl(tmp_path):
    site = fake_pyopenssl(tmp_path)
    run_code("""
        import sys
        sys.path.insert(0, sys.argv[1])
        import pyossl
        pyossl.install_as_openssl()
        import OpenSSL, OpenSSL.SSL, pyossl.SSL
        assert OpenSSL.SSL is pyossl.SSL
        assert OpenSSL.__version__.endswith("+pyossl." + pyossl.__version__)
    """, site)


def test_traceback_names_pyopenssl_exceptions():
    proc = run([sys.executable, "-c", textwrap.dedent("""
        import pyossl
        pyossl.install_as_openssl()
        from OpenSSL import crypto
        crypto.load_privatekey(crypto.FILETYPE_PEM, b"not a key")
    """)])
    assert proc.returncode == 1
    assert "OpenSSL.crypto.Error: [" in proc.stderr


# --------------------------------------------------------------- debug --


def test_debug_prints_versions_and_paths():
    proc = run([sys.executable, "-m", "pyossl.debug"])
    assert proc.returncode == 0, proc.stderr
    import pyossl
    info = pyossl.openssl_info()
    out = proc.stdout
    assert "pyossl: %s" % pyossl.__version__ in out
    assert "libssl: %s" % info["libssl"] in out
    assert "libcrypto: %s" % info["libcrypto"] in out
    assert "OpenSSL: %s (0x%08x)" % (info["version"],
                                     info["version_number"]) in out
    assert "Python executable: %s" % sys.executable in out
    assert "import OpenSSL gives:" in out


def test_debug_reports_an_unloadable_build(tmp_path):
    proc = run([sys.executable, "-m", "pyossl.debug"],
               env=child_env(PYOSSL_OPENSSL_DIR=str(tmp_path)))
    assert proc.returncode == 1
    assert "OpenSSL: not loaded:" in proc.stdout


def test_debug_under_the_openssl_name():
    proc = run([sys.executable, "-m", "pyossl._dropin", "-m",
                "OpenSSL.debug"])
    assert proc.returncode == 0, proc.stderr
    assert "import OpenSSL gives: pyossl (install_as_openssl is active)" \
        in proc.stdout


# ------------------------------------------------ python -m pyossl run --

SCRIPT = '''\
"""A program written for pyOpenSSL: it imports OpenSSL and never pyossl."""
import sys
from OpenSSL import SSL, crypto

def handshake():
    key = crypto.PKey()
    key.generate_key(crypto.TYPE_RSA, 2048)
    cert = crypto.X509()
    cert.get_subject().CN = "localhost"
    cert.set_serial_number(1)
    cert.gmtime_adj_notBefore(0)
    cert.gmtime_adj_notAfter(3600)
    cert.set_issuer(cert.get_subject())
    cert.set_pubkey(key)
    cert.sign(key, "sha256")
    sctx = SSL.Context(SSL.TLS_METHOD)
    sctx.use_privatekey(key)
    sctx.use_certificate(cert)
    server = SSL.Connection(sctx, None)
    server.set_accept_state()
    client = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    client.set_connect_state()
    for _ in range(10):
        for a, b in ((client, server), (server, client)):
            try:
                a.do_handshake()
            except SSL.WantReadError:
                pass
            try:
                b.bio_write(a.bio_read(65536))
            except SSL.WantReadError:
                pass
    return client.get_peer_certificate().get_subject().CN

if __name__ == "__main__":
    print("argv", sys.argv[1:])
    print("name", __name__)
    print("path0", sys.path[0])
    print("module", SSL.Context.__module__,
          type(SSL.Context(SSL.TLS_METHOD)).__module__)
    print("pyossl", sys.modules["OpenSSL.SSL"].__spec__.name)
    print("peer", handshake())
    if len(sys.argv) > 1 and sys.argv[1] == "exit":
        sys.exit(int(sys.argv[2]))
    if len(sys.argv) > 1 and sys.argv[1] == "raise":
        raise RuntimeError("raised by the program")
'''


def _bio_pump_script(tmp_path):
    folder = tmp_path / "prog"
    folder.mkdir()
    (folder / "prog.py").write_text(SCRIPT)
    return folder


def _require_switch(kind):
    """``python -m pyossl run`` (the command) or ``python -m pyossl._dropin``
    (the module behind it)."""
    if kind == "command":
        return [sys.executable, "-m", "pyossl", "run"]
    return [sys.executable, "-m", "pyossl._dropin"]


@pytest.mark.parametrize("kind", ["command", "module"])
def test_run_a_script_unmodified(kind, tmp_path):
    switch = _require_switch(kind)
    folder = _bio_pump_script(tmp_path)
    proc = run(switch + [str(folder / "prog.py"), "a", "--b", "c"],
               cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "argv ['a', '--b', 'c']" in out
    assert "name __main__" in out
    assert "path0 %s" % folder in out
    assert "module OpenSSL.SSL OpenSSL.SSL" in out
    assert "pyossl pyossl.SSL" in out
    assert "peer localhost" in out


@pytest.mark.parametrize("kind", ["command", "module"])
def test_run_a_module_unmodified(kind, tmp_path):
    switch = _require_switch(kind)
    folder = _bio_pump_script(tmp_path)
    proc = run(switch + ["-m", "prog", "x"], cwd=str(folder))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "argv ['x']" in proc.stdout
    assert "name __main__" in proc.stdout
    assert "path0 %s" % folder in proc.stdout
    assert "peer localhost" in proc.stdout


@pytest.mark.parametrize("kind", ["command", "module"])
def test_run_passes_exit_status_and_exceptions(kind, tmp_path):
    switch = _require_switch(kind)
    prog = str(_bio_pump_script(tmp_path) / "prog.py")
    proc = run(switch + [prog, "exit", "7"])
    assert proc.returncode == 7, proc.stderr
    proc = run(switch + [prog, "raise"])
    assert proc.returncode == 1
    assert "RuntimeError: raised by the program" in proc.stderr
    proc = run(switch + [str(tmp_path / "missing.py")])
    assert proc.returncode == 2
    assert "can't open file" in proc.stderr
    proc = run(switch + ["--help"])
    assert proc.returncode == 0 and "usage:" in proc.stdout
    proc = run(switch)
    assert proc.returncode == 2 and "usage:" in proc.stderr


def test_run_refuses_a_program_started_with_pyopenssl(tmp_path):
    # A sitecustomize that imports "the real pyOpenSSL" before the switch.
    site = fake_pyopenssl(tmp_path)
    (tmp_path / "site" / "sitecustomize.py").write_text("import OpenSSL\n")
    prog = str(_bio_pump_script(tmp_path) / "prog.py")
    env = child_env()
    env["PYTHONPATH"] = site + os.pathsep + env["PYTHONPATH"]
    proc = run(_require_switch("module") + [prog], env=env)
    assert proc.returncode == 2
    assert "already imported" in proc.stderr


# --------------------------------------- start-up switch (.pth recipe) --

PTH_LINE = ('import os; os.environ.get("PYOSSL_AS_OPENSSL") == "1" and '
            '__import__("pyossl").install_as_openssl()\n')


def make_venv(path):
    """An empty venv (no pip inside); children get pyossl from PYTHONPATH."""
    proc = run([sys.executable, "-m", "venv", "--without-pip", str(path)])
    if proc.returncode != 0:
        pytest.skip("cannot make a venv here: %s" % proc.stderr.strip())
    python = path / ("Scripts" if os.name == "nt" else "bin") / "python"
    proc = run([str(python), "-c", "import sysconfig; "
                "print(sysconfig.get_paths()['purelib'])"])
    purelib = proc.stdout.strip()
    return str(python), purelib


def test_startup_pth_recipe(tmp_path):
    # The docs' recipe: a .pth file in site-packages that installs the switch
    # at interpreter start-up when PYOSSL_AS_OPENSSL=1.
    python, purelib = make_venv(tmp_path / "venv")
    with open(os.path.join(purelib, "pyossl-as-openssl.pth"), "w") as f:
        f.write(PTH_LINE)
    prog = str(_bio_pump_script(tmp_path) / "prog.py")
    proc = run([python, prog, "arg"], env=child_env(PYOSSL_AS_OPENSSL="1"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "peer localhost" in proc.stdout
    assert "module OpenSSL.SSL OpenSSL.SSL" in proc.stdout
    # Without the variable nothing changes (pyOpenSSL is not installed here,
    # or it is the real one).
    proc = run([python, "-c", "import sys, pyossl; "
                "print('pyossl._dropin' in sys.modules)"],
               env=child_env(PYOSSL_AS_OPENSSL=""))
    assert proc.stdout.strip() == "False", proc.stderr


# ---------------------------------- the pyOpenSSL compatibility package --


needs_compat = pytest.mark.skipif(
    not os.path.isdir(COMPAT),
    reason="compat/pyopenssl is not in this tree (an sdist without it)")


def compat_metadata():
    with open(os.path.join(COMPAT, "pyproject.toml")) as f:
        text = f.read()
    version = re.search(r'^version = "([^"]+)"', text, re.M).group(1)
    deps = re.search(r'^dependencies = \[([^\]]*)\]', text, re.M).group(1)
    return version, deps


@needs_compat
def test_compat_version_matches_the_switch():
    import pyossl
    from pyossl import _dropin
    version, deps = compat_metadata()
    assert version == _dropin.COMPAT_VERSION
    assert '"pyossl==%s"' % pyossl.__version__ in deps
    packaging = pytest.importorskip("packaging.requirements")
    # Satisfies current dependents' requirements (Twisted's tls extra) and
    # sorts above the pyOpenSSL release of the same number.
    for requirement in ("pyopenssl>=25.3", "pyOpenSSL>=0.14",
                        "pyopenssl>=%s" % _dropin.PYOPENSSL_API_VERSION):
        spec = packaging.Requirement(requirement).specifier
        assert spec.contains(version), requirement
    from packaging.version import Version
    assert Version(version) > Version(_dropin.PYOPENSSL_API_VERSION)


def require_pip(python_option=False):
    """Skip unless this interpreter has pip (with ``--python`` if asked)."""
    proc = run([sys.executable, "-m", "pip", "--version"])
    if proc.returncode != 0:
        pytest.skip("pip is not installed in this environment")
    if python_option:
        version = tuple(int(x) for x in re.findall(
            r"\d+", proc.stdout.split()[1])[:2])
        if version < (22, 3):
            pytest.skip("pip %s has no --python option (22.3 needed)"
                        % proc.stdout.split()[1])


def _build_compat_wheel(tmp_path):
    """Build the compatibility wheel from a copy of compat/pyopenssl."""
    require_pip()
    try:
        import setuptools
    except ImportError:
        pytest.skip("setuptools is not installed")
    has_bdist_wheel = True
    try:
        import wheel  # noqa: F401
    except ImportError:
        major_minor = tuple(int(x) for x in re.findall(
            r"\d+", setuptools.__version__)[:2])
        has_bdist_wheel = major_minor >= (70, 1)
    if not has_bdist_wheel:
        pytest.skip("building a wheel offline needs the 'wheel' package or "
                    "setuptools >= 70.1 (pip install -e '.[test]')")
    source = tmp_path / "src"
    shutil.copytree(COMPAT, str(source),
                    ignore=shutil.ignore_patterns("build", "*.egg-info"))
    out = tmp_path / "wheels"
    proc = run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                "--no-build-isolation", "--no-index", "-w", str(out),
                str(source)])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheels = list(out.glob("*.whl"))
    assert len(wheels) == 1, wheels
    return str(wheels[0])


@pytest.fixture(scope="module")
def compat_wheel(tmp_path_factory):
    """A getter of the compatibility wheel, built once for the module (a
    test calls it after its own skips, so nothing is built for a test that
    skips)."""
    built = []

    def get():
        if not built:
            built.append(_build_compat_wheel(
                tmp_path_factory.mktemp("compat-wheel")))
        return built[0]
    return get


def _pip_for(python, *args):
    return run([sys.executable, "-m", "pip", "--python", python,
                "--disable-pip-version-check"] + list(args))


@needs_compat
def test_compat_distribution_installs_and_stands_in(tmp_path, compat_wheel):
    from pyossl import _dropin
    wheel = compat_wheel()
    assert os.path.basename(wheel).startswith(
        "pyOpenSSL-%s-py3-none-any" % _dropin.COMPAT_VERSION) or \
        os.path.basename(wheel).startswith(
            "pyopenssl-%s-py3-none-any" % _dropin.COMPAT_VERSION)
    require_pip(python_option=True)
    python, purelib = make_venv(tmp_path / "venv")
    proc = _pip_for(python, "install", "--no-index", "--no-deps", wheel)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # import OpenSSL gives pyossl, no call needed, in a program that never
    # names pyossl; python -m OpenSSL.debug works.
    prog = str(_bio_pump_script(tmp_path) / "prog.py")
    proc = run([python, prog])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "peer localhost" in proc.stdout
    assert "module OpenSSL.SSL OpenSSL.SSL" in proc.stdout
    proc = run([python, "-c", "import importlib.metadata as m, OpenSSL, "
                "OpenSSL.SSL, pyossl.SSL; assert OpenSSL.SSL is pyossl.SSL; "
                "print(OpenSSL.__file__); print(m.version('pyOpenSSL')); "
                "print(OpenSSL.__version__)"])
    assert proc.returncode == 0, proc.stderr
    file_, dist_version, version = proc.stdout.split()
    assert file_.startswith(purelib)
    assert dist_version == version == _dropin.COMPAT_VERSION
    proc = run([python, "-m", "OpenSSL.debug"])
    assert proc.returncode == 0, proc.stderr
    assert "import OpenSSL gives: pyossl (install_as_openssl is active)" \
        in proc.stdout
    # The shipped stubs point type checkers at pyossl's annotations.
    names = sorted(os.listdir(os.path.join(purelib, "OpenSSL")))
    assert {"py.typed", "SSL.pyi", "crypto.pyi"} <= set(names)


@needs_compat
def test_compat_distribution_satisfies_twisted_tls(tmp_path, compat_wheel):
    """pip's resolver takes the compatibility distribution for Twisted's
    ``tls`` extra (``pyopenssl>=25.3``) and would install nothing else."""
    from importlib import metadata
    try:
        metadata.version("Twisted")
        metadata.version("pyossl")
    except Exception as exc:
        pytest.skip("needs Twisted and pyossl installed as distributions "
                    "(pip install -e '.[test]'): %s" % exc)
    try:
        metadata.version("pyOpenSSL")
    except Exception:
        pass
    else:
        pytest.skip("pyOpenSSL itself is installed in this environment")
    wheel = compat_wheel()
    # A dry run in this environment, offered only the compatibility wheel.
    proc = run([sys.executable, "-m", "pip", "install", "--dry-run",
                "--disable-pip-version-check", "--no-index", "--find-links",
                os.path.dirname(wheel), "twisted[tls]"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from pyossl import _dropin
    would = re.search(r"^Would install (.*)$", proc.stdout, re.M)
    assert would, proc.stdout
    assert would.group(1).split() == [
        "pyOpenSSL-%s" % _dropin.COMPAT_VERSION], proc.stdout


def test_uv_override_keeps_pyopenssl_out(tmp_path):
    """The docs' uv recipe: an override with a marker that never holds
    removes the ``pyopenssl`` requirement of Twisted's ``tls`` extra."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed")
    from importlib import metadata
    try:
        metadata.version("Twisted")
        metadata.version("service_identity")
    except Exception as exc:
        pytest.skip("needs Twisted and service_identity installed: %s" % exc)
    try:
        metadata.version("pyOpenSSL")
    except Exception:
        pass
    else:
        pytest.skip("pyOpenSSL itself is installed in this environment")
    overrides = tmp_path / "overrides.txt"
    overrides.write_text("pyopenssl ; sys_platform == 'never'\n")
    proc = run([uv, "pip", "install", "--offline", "--dry-run", "--python",
                sys.executable, "--overrides", str(overrides),
                "twisted[tls]"])
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "pyopenssl" not in output.lower(), output
