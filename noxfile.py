"""pyossl's test command: nox sessions.

Quick check (the default sessions: the whole suite once per OpenSSL build,
on the Python that runs nox)::

    python3 -m pip install nox uv
    nox

The full matrix, which CI (``.ci/run``) runs: the builds, PyPy 3 and the
oldest and newest CPython that pyenv has (system build), the docs with
``-W``, mypy, and the packaging checks::

    nox -t ci                                # missing interpreters: skipped
    PYOSSL_INSTALL_PYPY=1 nox -t ci --error-on-missing-interpreters   # CI

Sessions: ``nox -l``.  Pass pytest arguments after ``--``
(``nox -s tests-3.6.5 -- -x tests/test_loader.py``).

* Without pytest arguments a test session runs the suite on
  ``PYOSSL_TEST_WORKERS`` pytest-xdist workers (default ``auto``: one per
  CPU; ``0`` runs it in one process), each worker taking whole test files
  (``--dist loadfile``: a module's fixtures are made once).  The timing
  tests (interrupts, hangs) run in child processes with generous timeouts,
  so a busy second worker slows them but does not change what they assert.

* A missing interpreter is skipped with a message; with
  ``--error-on-missing-interpreters`` (nox's default when ``CI`` is set) it
  is an error.  nox never downloads an interpreter here.
* Nothing is installed outside ``.nox/`` and the builds cache, except that
  ``PYOSSL_INSTALL_PYPY=1`` lets the ``pypy3-provision`` session run
  ``apt-get install pypy3`` when pypy3 is missing.
* The OpenSSL builds are unpacked once into ``$PYOSSL_BUILDS_CACHE``
  (default ``~/.cache/pyossl-builds``) by ``tools/openssl_builds.py``.
* Virtual environments are reused between runs (``reuse_venv = "yes"``)
  and made with uv when it is installed (its cache links packages instead
  of copying them), else with virtualenv.
"""

import glob
import os
import shutil
import sys
import tarfile
import tempfile

import nox

ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import openssl_builds  # noqa: E402

nox.needs_version = ">=2025.5.1"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.download_python = "never"

#: The variables that name an OpenSSL build; each session sets its own.
BUILD_VARIABLES = ("PYOSSL_OPENSSL_DIR", "PYOSSL_LIBCRYPTO", "PYOSSL_LIBSSL")
PYTEST = ["-p", "no:cacheprovider"]
#: pytest's arguments when none are given after ``--``.
DEFAULT_PYTEST_ARGS = ["-q", "-n", os.environ.get("PYOSSL_TEST_WORKERS",
                                                  "auto"),
                       "--dist", "loadfile"]
#: What the packaging session runs from the unpacked sdist.
SDIST_TESTS = ["tests/test_docs.py", "tests/test_examples.py",
               "tests/test_diagnostics.py", "tests/test_loader.py",
               "tests/test_typing.py"]


def install_for_tests(session, binary_only=False):
    """The package (editable) with its ``test`` extra."""
    args = ["-e", ".[test]"]
    if binary_only:
        # Interpreters without a compiler toolchain for Rust: take
        # cryptography only as a wheel (pip's resolver then picks the newest
        # release that has one for this interpreter).
        args += ["--only-binary", "cryptography"]
    session.install(*args)


def run_suite(session, build, default_args=None):
    """Run pytest on *build* ("system" or a folder name of BUILDS) with the
    session's arguments, else *default_args* (else the whole suite)."""
    # The loader tests load every build, whichever one is under test.
    folders = openssl_builds.provision_all()
    env = dict.fromkeys(BUILD_VARIABLES)       # None: unset
    if build != "system":
        if build not in folders:
            session.error("OpenSSL build %s could not be provisioned" % build)
        env["PYOSSL_OPENSSL_DIR"] = folders[build]
    env["PYTHONFAULTHANDLER"] = "1"
    # Byte code cached in the session's folder, for pytest's rewritten test
    # modules and the few hundred child interpreters the suite starts (each
    # compiles pyossl afresh without it); the checkout stays clean.
    env["PYTHONDONTWRITEBYTECODE"] = None
    env["PYTHONPYCACHEPREFIX"] = os.path.join(session.create_tmp(),
                                              "pycache")
    env["PYOSSL_BUILDS_CACHE"] = openssl_builds.CACHE
    session.run("python", "-c", "import sys, platform; print("
                "platform.python_implementation(), sys.version)")
    # A temporary folder of the session's own: pytest's default one is
    # shared by every pytest run of the user, and a run prunes the folders
    # of older runs -- also those of a run still going on beside it.
    basetemp = os.path.join(session.create_tmp(), "pytest")
    session.run("python", "-m", "pytest", *PYTEST, "--basetemp", basetemp,
                *(session.posargs or default_args or DEFAULT_PYTEST_ARGS),
                env=env)


def _build_session(build):
    def session_func(session):
        install_for_tests(session)
        run_suite(session, build)
    session_func.__doc__ = "The test suite on %s, with this Python." % (
        "the system's OpenSSL" if build == "system"
        else build.replace("openssl-", "OpenSSL "))
    return session_func


# One session per OpenSSL build, on the Python that runs nox (default).
for _build in ["system"] + list(openssl_builds.BUILDS):
    nox.session(_build_session(_build),
                name="tests-" + _build.replace("openssl-", ""),
                python=None, tags=["builds", "ci"])


# ---------------------------------------------------- other interpreters --

@nox.session(name="pypy3-provision", python=False, default=False)
def pypy3_provision(session):
    """Install Debian's pypy3 if PYOSSL_INSTALL_PYPY=1 and it is missing."""
    if shutil.which("pypy3"):
        return
    if os.environ.get("PYOSSL_INSTALL_PYPY") == "1":
        if not openssl_builds.install_pypy():
            session.warn("pypy3 could not be installed")
        return
    session.log("pypy3 is not installed: tests-pypy3 will not find it "
                "(PYOSSL_INSTALL_PYPY=1 lets this session apt-get install it)")


@nox.session(name="tests-pypy3", python="pypy3", default=False,
             tags=["interpreters", "ci"], requires=["pypy3-provision"])
def tests_pypy3(session):
    """The test suite on PyPy 3, with the system's OpenSSL."""
    install_for_tests(session, binary_only=True)
    run_suite(session, "system")


#: The safety tests (issue 10) that tests-pypy3-builds runs on PyPy with
#: every downloaded build (tests-pypy3 runs the whole suite on the system's).
PYPY_BUILD_TESTS = ["tests/test_boundary_interrupts.py",
                    "tests/test_beyond_interrupts.py",
                    "tests/test_boundary_lost_calls.py",
                    "tests/test_boundary_copy.py",
                    "tests/test_boundary_fuzz.py",
                    "tests/test_boundary_inputs.py", "tests/test_util.py",
                    "tests/test_psk.py", "tests/test_ssl_callbacks.py",
                    "tests/test_loader.py"]


@nox.session(name="tests-pypy3-builds", python="pypy3", default=False,
             tags=["interpreters", "ci"], requires=["pypy3-provision"])
def tests_pypy3_builds(session):
    """The safety tests (callbacks under interrupts, lost calls, 1.0.2
    locking, copies, bad input, fuzzed loaders) on PyPy 3 with each
    downloaded OpenSSL build."""
    install_for_tests(session, binary_only=True)
    for build in openssl_builds.BUILDS:
        session.log("PyPy with %s" % build)
        run_suite(session, build, PYPY_BUILD_TESTS + DEFAULT_PYTEST_ARGS)


def _pyenv_session(label, version, interpreter):
    def session_func(session):
        install_for_tests(session, binary_only=True)
        run_suite(session, "system")
    session_func.__doc__ = ("The test suite on the %s CPython that pyenv has "
                            "(%s), with the system's OpenSSL." % (label, version))
    return session_func


_extremes = openssl_builds.pyenv_extremes() or [
    ("oldest", "3.8", "3.8"), ("newest", "3.13", "3.13")]
for _label, _version, _exe in _extremes:
    nox.session(_pyenv_session(_label, _version, _exe),
                name="tests-cpython-" + _label, python=_exe, default=False,
                tags=["interpreters", "ci"])


# ------------------------------------------------- docs, types, packaging --

@nox.session(python=None, default=False, tags=["ci"])
def docs(session):
    """Build the HTML documentation with warnings as errors."""
    session.install("-e", ".[docs]")
    session.run("python", "tools/build-docs")


@nox.session(python=None, default=False, tags=["ci"])
def typing(session):
    """mypy on pyossl/, then mypy --strict on user code of the whole API."""
    # hatchling's editable install is a .pth entry, which mypy follows.
    session.install("-e", ".[check,cryptography]")
    session.run("python", "tools/check-types", "--user")
    session.run("python", "tools/check-types")


@nox.session(python=None, default=False, tags=["ci"])
def packaging(session):
    """Build the sdist and wheel, check them, install the wheel offline.

    ``python -m build``; ``twine check``; the sdist holds the tests, docs,
    examples and changelog and its own test suite passes; the wheel holds
    the licence and ``py.typed``; in a fresh venv, ``pip install --no-index``
    of the wheel and ``python -m pyossl`` there.
    """
    session.install("build", "twine", "pytest", "hypothesis", "cryptography",
                    "cryptography_vectors", "sphinx")
    work = tempfile.mkdtemp(prefix="pyossl-packaging-")
    try:
        dist = os.path.join(work, "dist")
        session.run("python", "-m", "build", "--outdir", dist, ROOT)
        sdists = glob.glob(os.path.join(dist, "pyossl-*.tar.gz"))
        wheels = glob.glob(os.path.join(dist, "pyossl-*.whl"))
        if len(sdists) != 1 or len(wheels) != 1:
            session.error("expected one sdist and one wheel in %s" % dist)
        session.run("python", "-m", "twine", "check", "--strict",
                    sdists[0], wheels[0])
        for path in sdists + wheels:
            session.log("%s: %.1f KiB" % (os.path.basename(path),
                                          os.path.getsize(path) / 1024.0))
        session.run("python", os.path.join(ROOT, "tools", "check-dist"),
                    sdists[0], wheels[0])

        # The air-gapped path: a fresh venv, the wheel, no index.
        venv = os.path.join(work, "venv")
        session.run(sys.executable, "-m", "venv", venv)
        python = os.path.join(venv, "bin", "python")
        # No index, no find-links, no pip configuration: only the wheel.
        offline = {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1",
                   "PIP_FIND_LINKS": None, "PIP_EXTRA_INDEX_URL": None,
                   "PIP_INDEX_URL": None}
        offline.update(dict.fromkeys(BUILD_VARIABLES))
        session.run(python, "-m", "pip", "install", "--no-index", wheels[0],
                    env=offline, external=True)
        with session.chdir(work):
            session.run(python, "-m", "pyossl", env=offline, external=True)
            session.run(python, "-m", "pyossl", "--json", "--no-handshake",
                        env=offline, external=True)

        # The sdist runs its own tests: every test module is there and
        # imports (collection), and the tests that need its other parts
        # (conftest, docs, examples, the builds tooling) pass.  The whole
        # suite runs in the tests-* sessions.
        with tarfile.open(sdists[0]) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(work, filter="data")
            else:
                tar.extractall(work)
        unpacked = sdists[0][:-len(".tar.gz")]
        unpacked = os.path.join(work, os.path.basename(unpacked))
        openssl_builds.provision_all()
        env = dict.fromkeys(BUILD_VARIABLES)
        env["PYOSSL_BUILDS_CACHE"] = openssl_builds.CACHE
        with session.chdir(unpacked):
            session.run("python", "-m", "pytest", *PYTEST, "-q",
                        "--collect-only", env=env, silent=True)
            session.run("python", "-m", "pytest", *PYTEST, "-q",
                        "--basetemp", os.path.join(work, "pytest"), *(
                            session.posargs or SDIST_TESTS), env=env)
    finally:
        shutil.rmtree(work, ignore_errors=True)
