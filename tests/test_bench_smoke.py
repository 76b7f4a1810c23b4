"""Smoke run of benchmarks/: every workload with tiny iteration counts.

Nothing here measures or asserts speed; a test fails only if a workload
errors or its result is wrong (each workload runs once with its check:
data intact, session really resumed, accessor results equal to values
computed without the library).  The pyossl workloads run in this process
on the build under test; stdlib ``ssl`` on the interpreter's OpenSSL;
pyOpenSSL only where it is installed (this interpreter or the venv
benchmarks/run keeps); the C limit only where gcc and OpenSSL headers are.
"""

import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys

import pytest

from conftest import OPENSSL_CLI

try:
    import tracemalloc  # noqa: F401
except ImportError:             # PyPy
    tracemalloc = None
needs_tracemalloc = pytest.mark.skipif(
    tracemalloc is None,
    reason="the memory workload measures with tracemalloc, which this "
           "interpreter (PyPy) lacks")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH_DIR = os.path.join(REPO, "benchmarks")


def _load(name, path):
    loader = importlib.machinery.SourceFileLoader(name, path)
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


bench = _load("bench_ssl", os.path.join(BENCH_DIR, "bench_ssl.py"))
sys.modules.setdefault("bench_ssl", bench)
driver = _load("bench_run", os.path.join(BENCH_DIR, "run"))

pytestmark = pytest.mark.skipif(OPENSSL_CLI is None,
                                reason="the openssl command (to make the "
                                "benchmark certificate) is not installed")

TINY = 2
BUILD_VARS = ("PYOSSL_OPENSSL_DIR", "PYOSSL_LIBCRYPTO", "PYOSSL_LIBSSL")


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A cache directory with the benchmark certificate."""
    path = tmp_path_factory.mktemp("bench-cache")
    bench.make_cert(str(path / "bench-cert.pem"), str(path / "bench-key.pem"))
    return path


@pytest.fixture(scope="module")
def cert(cache):
    return str(cache / "bench-cert.pem"), str(cache / "bench-key.pem")


@pytest.fixture(scope="module")
def pyossl_api(cert):
    from pyossl import SSL, crypto
    api = bench.OpenSSLAPI("pyossl", SSL, crypto, *cert)
    api.setup()
    return api


@pytest.fixture(scope="module")
def stdlib_api(cert):
    api = bench.StdlibAPI(*cert)
    api.setup()
    return api


def _run_workload(api, key):
    skipped = api.workloads()
    if key in skipped:
        pytest.skip(skipped[key])
    run = getattr(api, key)
    assert run(TINY, check=True) >= 0
    assert run(TINY) >= 0


@pytest.mark.parametrize("key", list(bench.WORKLOADS))
def test_pyossl_workload(pyossl_api, key):
    _run_workload(pyossl_api, key)


def test_pyossl_runs_every_workload_but_missing_protocols(pyossl_api):
    """Only a protocol the build lacks (TLS 1.3 on 1.0.2) may skip one."""
    for key, reason in pyossl_api.workloads().items():
        assert key in ("hs13",) and "TLS1_3_VERSION" in reason, (key, reason)


@pytest.mark.parametrize("key", bench.TLS_WORKLOADS)
def test_stdlib_workload(stdlib_api, key):
    _run_workload(stdlib_api, key)


@needs_tracemalloc
def test_pyossl_memory(pyossl_api):
    out = bench.measure_memory(pyossl_api, 4, 1)
    for field in ("idle", "established", "idle_python"):
        assert isinstance(out[field], float)


def _child_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO
    return env


@needs_tracemalloc
def test_bench_cli(cert, tmp_path):
    """bench_ssl.py as benchmarks/run starts it: pyossl (on the build under
    test) and stdlib, every workload, JSON out; then --mem."""
    out = tmp_path / "out.json"
    subprocess.check_call(
        [sys.executable, os.path.join(BENCH_DIR, "bench_ssl.py"),
         "--impl", "pyossl,stdlib", "--repeats", "1", "--scale", "0.0001",
         "--cert", cert[0], "--key", cert[1], "--json", str(out)],
        env=_child_env(), stderr=subprocess.DEVNULL)
    data = json.loads(out.read_text())
    for impl in ("pyossl", "stdlib"):
        got = data["impls"][impl]
        assert set(got["results"]) | set(got["skipped"]) == set(
            bench.WORKLOADS)
    subprocess.check_call(
        [sys.executable, os.path.join(BENCH_DIR, "bench_ssl.py"),
         "--impl", "pyossl", "--mem", "3", "1",
         "--cert", cert[0], "--key", cert[1], "--json", str(out)],
        env=_child_env(), stderr=subprocess.DEVNULL)
    assert "idle" in json.loads(out.read_text())["impls"]["pyossl"]["memory"]


def _pyopenssl_python():
    """An interpreter with pyOpenSSL, or None."""
    candidates = [os.path.join(driver.CACHE, "venv", "bin", "python"),
                  sys.executable]
    for python in candidates:
        if not os.path.exists(python):
            continue
        if subprocess.call([python, "-c", "import OpenSSL.SSL"],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL) == 0:
            return python
    return None


def test_pyopenssl_workloads(cert, tmp_path):
    python = _pyopenssl_python()
    if python is None:
        pytest.skip("pyOpenSSL is not installed here nor in %s "
                    "(benchmarks/run creates that venv)"
                    % os.path.join(driver.CACHE, "venv"))
    out = tmp_path / "out.json"
    env = dict(os.environ)
    for var in BUILD_VARS + ("PYTHONPATH",):
        env.pop(var, None)
    subprocess.check_call(
        [python, os.path.join(BENCH_DIR, "bench_ssl.py"),
         "--impl", "pyopenssl", "--repeats", "1", "--scale", "0.0001",
         "--cert", cert[0], "--key", cert[1], "--json", str(out)],
        env=env, stderr=subprocess.DEVNULL)
    got = json.loads(out.read_text())["impls"]["pyopenssl"]
    assert set(got["results"]) | set(got["skipped"]) == set(bench.WORKLOADS)


@pytest.fixture(scope="module")
def climit(cache):
    try:
        return driver.build_climit(str(cache))
    except RuntimeError as exc:
        pytest.skip("no C limit here: %s" % exc)


def test_climit(climit, cert):
    """The C program (always on the system OpenSSL): every workload once
    with its checks (resumption, X25519), and the memory mode."""
    env = dict(os.environ)
    for var in BUILD_VARS + ("LD_LIBRARY_PATH",):
        env.pop(var, None)
    out = subprocess.check_output(
        [climit, cert[0], cert[1], "1"] + [
            "%s=%d" % (k, TINY) for k in bench.WORKLOADS],
        env=env, universal_newlines=True)
    timed = {line.split()[1] for line in out.splitlines()
             if line.startswith("time ")}
    assert timed == set(bench.WORKLOADS)
    assert "group X25519" in out.splitlines()
    out = subprocess.check_output(
        [climit, cert[0], cert[1], "--mem", "3", "1"], env=env,
        universal_newlines=True)
    assert "mem idle 3" in out


@needs_tracemalloc
def test_driver(cache, cert):
    """benchmarks/run end to end, tiny: every column it can make here
    (pyOpenSSL only from an existing venv; pyossl-alt = the build under
    test when it is not the system one) and the ratio table."""
    args = [sys.executable, os.path.join(BENCH_DIR, "run"),
            "--cache", str(cache), "--rounds", "1", "--repeats", "1",
            "--scale", "0.0001", "--import-runs", "1", "--mem-idle", "3",
            "--mem-pairs", "1", "--json", str(cache / "run.json")]
    venv = os.path.join(driver.CACHE, "venv")
    python = os.path.join(venv, "bin", "python")
    if _pyopenssl_python() == python:       # never installs anything
        args += ["--venv", venv]
    else:
        args.append("--no-pyopenssl")
    if os.environ.get("PYOSSL_OPENSSL_DIR"):
        args += ["--pyossl-openssl-dir", os.environ["PYOSSL_OPENSSL_DIR"]]
    out = subprocess.check_output(args, env=dict(os.environ),
                                  stderr=subprocess.DEVNULL,
                                  universal_newlines=True)
    assert "| workload" in out
    data = json.loads((cache / "run.json").read_text())
    assert data["rounds"][0]["pyossl"]["import_ms"] > 0
    assert "idle" in data["rounds"][0]["pyossl"]["memory"]
