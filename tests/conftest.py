"""Shared fixtures: the loaded build, and a PKI made with the openssl command.

The build under test is whatever the environment names (PYOSSL_OPENSSL_DIR
or PYOSSL_LIBCRYPTO/PYOSSL_LIBSSL, set by tools/test-matrix), else the
system's.  The ``openssl`` *command* used to make files and to act as a
peer is always the system one: it is a separate process, so any build can
talk to it.
"""

import ctypes
import os
import platform
import shutil
import subprocess
import sys

import pytest

from pyossl import _loader

LIB = _loader.load()
GEN = LIB.generation          # 0 = 1.0.2, 1 = 1.1.x, 2 = 3.x
OPENSSL_CLI = shutil.which("openssl")
# Whether the build under test is the system's (no build named by env var).
SYSTEM_BUILD = not any(os.environ.get(var) for var in (
    "PYOSSL_OPENSSL_DIR", "PYOSSL_LIBCRYPTO", "PYOSSL_LIBSSL"))

#: Marks a memory-flatness test: it runs once per interpreter matrix, on the
#: system build, under CPython on Linux (RSS read from /proc; off CPython RSS
#: follows the collector's schedule rather than leaks).
memory_test = pytest.mark.skipif(
    not (SYSTEM_BUILD and sys.platform.startswith("linux")
         and platform.python_implementation() == "CPython"),
    reason="memory-flatness loops run on the system build, under CPython "
           "on Linux")


def rss_kib():
    """This process's resident set size in KiB (Linux ``/proc``)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
        "fsmblks", "uordblks", "fordblks", "keepcost")]


def _c_heap_reader():
    """A function returning the bytes malloc has handed out and not got
    back (glibc 2.33+ ``mallinfo2``: in-use chunks of the main arena plus
    mmapped chunks), or None where that cannot be read precisely (another
    C library, or an interpreter other than CPython, whose collector
    allocates through malloc on its own schedule)."""
    if not (sys.platform.startswith("linux")
            and platform.python_implementation() == "CPython"):
        return None
    try:
        mallinfo2 = ctypes.CDLL(None).mallinfo2
    except (OSError, AttributeError):
        return None
    mallinfo2.restype = _MallInfo2
    mallinfo2.argtypes = []

    def in_use():
        info = mallinfo2()
        return info.uordblks + info.hblkhd
    return in_use


C_HEAP_IN_USE = _c_heap_reader()
#: Leak budgets of :func:`assert_memory_flat` for a whole measured run.
#: Measured on CPython 3.11 / OpenSSL 3.0 (system build): 0-4 KiB of C heap
#: and 3-5 Python blocks of growth over 1,000-5,000 cycles of the memory
#: tests' loops; leaking one X509_NAME per cycle adds >= 100 bytes a cycle.
C_HEAP_BUDGET = 64 * 1024
PY_BLOCKS_BUDGET = 100


def assert_memory_flat(cycle, count, rss_count, rss_limit_kib, warmup=None,
                       collect_every=0):
    """Call *cycle* *count* times after a warm-up and assert that nothing
    it allocates stays allocated.

    Where the C heap can be read exactly (:data:`C_HEAP_IN_USE`: glibc,
    CPython), the C heap (everything OpenSSL and CPython allocate through
    malloc) may grow by at most :data:`C_HEAP_BUDGET` bytes over the
    *count* cycles, and CPython's allocated blocks by at most
    :data:`PY_BLOCKS_BUDGET`: a leak of a few dozen bytes per cycle fails.
    Elsewhere the loop runs *rss_count* times (more cycles, since RSS moves
    in pages and arenas) and only the RSS bound applies.  The RSS may grow
    by less than *rss_limit_kib* KiB in both cases.  *collect_every* > 0:
    ``gc.collect()`` every that many cycles (PyPy frees wrappers only when
    its collector runs).  Returns the growth measured (a dict), for the
    test's output.
    """
    import gc
    if C_HEAP_IN_USE is None:
        count = rss_count
    if warmup is None:
        warmup = min(2000, max(100, count // 10))
    for _ in range(warmup):           # allocator, caches, first-use tables
        cycle()
    gc.collect()
    rss_before = rss_kib()
    if C_HEAP_IN_USE is not None:       # CPython (sys.getallocatedblocks)
        blocks_before = sys.getallocatedblocks()
        heap_before = C_HEAP_IN_USE()
    for i in range(count):
        cycle()
        if collect_every and i % collect_every == 0:
            gc.collect()
    gc.collect()
    growth = {"cycles": count,
              "rss_kib": rss_kib() - rss_before}
    if C_HEAP_IN_USE is not None:
        growth["c_heap"] = C_HEAP_IN_USE() - heap_before
        growth["py_blocks"] = sys.getallocatedblocks() - blocks_before
    print("memory growth over %d cycles: %r" % (count, growth))
    assert growth["rss_kib"] < rss_limit_kib, (
        "RSS grew by %d KiB over %d cycles" % (growth["rss_kib"], count))
    if C_HEAP_IN_USE is not None:
        assert growth["c_heap"] < C_HEAP_BUDGET, (
            "the C heap grew by %d bytes over %d cycles (%.1f a cycle)" % (
                growth["c_heap"], count, growth["c_heap"] / float(count)))
        assert growth["py_blocks"] < PY_BLOCKS_BUDGET, (
            "%d more Python blocks allocated after %d cycles" % (
                growth["py_blocks"], count))
    return growth


def pytest_report_header(config):
    return "pyossl OpenSSL: %s (table %s, found by %s)" % (
        LIB.describe(), LIB.table, LIB.how)


@pytest.fixture(scope="session")
def lib():
    """The bound library (pyossl._loader.Lib)."""
    return LIB


def requires_cli():
    return pytest.mark.skipif(OPENSSL_CLI is None,
                              reason="the openssl command is not installed")


def run_openssl(*args, **kwargs):
    """Run the openssl command; return its stdout (bytes)."""
    if OPENSSL_CLI is None:
        pytest.skip("the openssl command is not installed")
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)     # the CLI uses the system build
    proc = subprocess.run([OPENSSL_CLI] + [str(a) for a in args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env, **kwargs)
    if proc.returncode != 0:
        raise AssertionError("openssl %s failed: %s" % (
            " ".join(map(str, args)), proc.stderr.decode(errors="replace")))
    return proc.stdout


class PKI(object):
    """Files of a small PKI made by the openssl command (PEM).

    Attributes (paths): ``ca_cert``, ``ca_key``, ``server_cert``,
    ``server_key``, ``client_cert``, ``client_key``, ``other_ca_cert``,
    ``other_ca_key``, ``other_server_cert``, ``other_server_key``,
    ``chain`` (server cert followed by the CA cert); and ``read(name)``.
    Keys are 2048-bit RSA, signatures SHA-256, so every build's default
    security level accepts them.  Server certificates are for
    ``localhost`` and 127.0.0.1.
    """

    def __init__(self, directory):
        self.dir = str(directory)

    def path(self, name):
        return os.path.join(self.dir, name)

    def read(self, name):
        with open(getattr(self, name), "rb") as f:
            return f.read()


def _make_ca(pki, prefix, cn):
    key, cert = pki.path(prefix + "ca.key"), pki.path(prefix + "ca.pem")
    run_openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256",
                "-keyout", key, "-out", cert, "-days", "3650",
                "-subj", "/C=US/O=pyossl tests/CN=%s" % cn,
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return key, cert


def _make_leaf(pki, prefix, cn, ca_key, ca_cert, ext):
    key = pki.path(prefix + ".key")
    csr = pki.path(prefix + ".csr")
    cert = pki.path(prefix + ".pem")
    extfile = pki.path(prefix + ".ext")
    with open(extfile, "w") as f:
        f.write(ext)
    run_openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256",
                "-keyout", key, "-out", csr,
                "-subj", "/C=US/O=pyossl tests/CN=%s" % cn)
    run_openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
                "-CAcreateserial", "-days", "825", "-sha256",
                "-extfile", extfile, "-out", cert)
    return key, cert


@pytest.fixture(scope="session")
def pki(tmp_path_factory):
    """A CA, a server and a client certificate, and a second CA/server."""
    p = PKI(tmp_path_factory.mktemp("pki"))
    p.ca_key, p.ca_cert = _make_ca(p, "", "pyossl test CA")
    server_ext = ("basicConstraints=CA:FALSE\n"
                  "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                  "extendedKeyUsage=serverAuth\n")
    p.server_key, p.server_cert = _make_leaf(
        p, "server", "localhost", p.ca_key, p.ca_cert, server_ext)
    p.client_key, p.client_cert = _make_leaf(
        p, "client", "pyossl test client", p.ca_key, p.ca_cert,
        "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n")
    p.other_ca_key, p.other_ca_cert = _make_ca(p, "other-", "other test CA")
    p.other_server_key, p.other_server_cert = _make_leaf(
        p, "other-server", "other.example", p.other_ca_key,
        p.other_ca_cert,
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:other.example\n")
    p.chain = p.path("server-chain.pem")
    with open(p.chain, "wb") as out:
        for name in (p.server_cert, p.ca_cert):
            with open(name, "rb") as f:
                out.write(f.read())
    return p


@pytest.fixture(autouse=True)
def error_queue_left_empty():
    """Every test starts with, and must leave, an empty OpenSSL error queue
    on the test's thread (no stale entries from any pyossl call)."""
    LIB.ERR_clear_error()
    yield
    stale = []
    while True:
        code = LIB.ERR_get_error()
        if not code:
            break
        stale.append(hex(code))
    assert stale == [], "OpenSSL error queue left non-empty: %s" % stale


def pytest_addoption(parser):
    """``--fuzz-count N``: mutants per loader for tests/test_boundary_fuzz.py
    (default: the ``PYOSSL_FUZZ_COUNT`` environment variable, else a few
    thousand)."""
    parser.addoption(
        "--fuzz-count", type=int, default=None, metavar="N",
        help="mutants per loader in tests/test_boundary_fuzz.py "
             "(default: $PYOSSL_FUZZ_COUNT or 3000)")


# ------------------------------------------------------------------ keys --
# One RSA key per test module (generating one costs time); the crypto tests
# ask for it as ``rsa_key`` or ``key``, and for a second one as
# ``other_key``.

def new_rsa_key(bits=2048):
    from pyossl import crypto
    key = crypto.PKey()
    key.generate_key(crypto.TYPE_RSA, bits)
    return key


@pytest.fixture(scope="module")
def rsa_key():
    return new_rsa_key()


@pytest.fixture(scope="module")
def key(rsa_key):
    return rsa_key


@pytest.fixture(scope="module")
def other_key():
    return new_rsa_key()
