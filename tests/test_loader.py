"""The loader: each way of naming a build, each bad case, detection, binding.

Loading happens once per process, so each case runs in a child Python.
The other builds are found where tools/test-matrix put them
($PYOSSL_BUILDS_CACHE, default ~/.cache/pyossl-builds).
"""

import ctypes
import glob
import json
import os
import subprocess
import sys
import threading

import pytest

from pyossl import _loader
from pyossl._binding import records
from pyossl._binding import table as _table
from pyossl._runtime.errors import clear_error_queue, error_queue
from pyossl._runtime.library import lib

CACHE = os.path.expanduser(os.environ.get(
    "PYOSSL_BUILDS_CACHE", os.path.join("~", ".cache", "pyossl-builds")))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

EXPECTED = {"openssl-1.0.2q": (0x1000211F, "1.0.2"),
            "openssl-1.1.1g": (0x1010107F, "1.1.x"),
            "openssl-3.5.8": (0x30500080, "3.x")}


def build_dir(name):
    d = os.path.join(CACHE, name)
    if not glob.glob(os.path.join(d, "libssl*")):
        pytest.skip("build %s not provisioned (run tools/test-matrix)" % name)
    return d


def build_files(name):
    d = build_dir(name)
    crypto = [p for p in glob.glob(os.path.join(d, "libcrypto*"))]
    ssl = [p for p in glob.glob(os.path.join(d, "libssl*"))]
    return crypto[0], ssl[0]


def child(code, env_update=(), unset=True):
    env = dict(os.environ)
    if unset:
        for var in ("PYOSSL_LIBCRYPTO", "PYOSSL_LIBSSL", "PYOSSL_OPENSSL_DIR",
                    "LD_LIBRARY_PATH"):
            env.pop(var, None)
    env.update(dict(env_update))
    env["PYTHONPATH"] = ROOT
    return subprocess.run([sys.executable, "-c", code], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120)


INFO = "import json, pyossl; print(json.dumps(pyossl.openssl_info()))"


def info_of(env_update=(), code=INFO):
    proc = child(code, env_update)
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout.decode().strip().splitlines()[-1])


def import_error_of(env_update=(), code=INFO):
    proc = child(code, env_update)
    assert proc.returncode != 0
    err = proc.stderr.decode()
    assert "ImportError" in err, err
    return err


# ------------------------------------------------------- ways of naming --

def test_automatic_finds_system_openssl():
    info = info_of()
    assert info["how"] in ("ctypes.util.find_library", "well-known name")
    assert info["table"] in ("1.1.x", "3.x")
    assert os.path.isabs(info["libssl"])


def test_automatic_search_tries_well_known_names_before_find_library(
        monkeypatch):
    """Newest generation first; ctypes.util.find_library (subprocess and
    ``ldconfig -p``) only after every well-known name."""
    if sys.platform in ("win32", "darwin"):
        pytest.skip("the soname list is the Linux/Unix search")
    assert [c for c, s in _loader.SONAMES] == [
        "libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.so.1.0.2",
        "libcrypto.so.10", "libcrypto.so.1.0.0"]
    asked = []
    monkeypatch.setattr(_loader, "_find_library_pair",
                        lambda: asked.append(1) or ("libcrypto.so.3",
                                                    "libssl.so.3"))
    candidates = _loader._automatic_candidates()
    first = next(candidates)
    assert first == ("libcrypto.so.3", "libssl.so.3", "well-known name")
    assert asked == []          # not before the caller asks for more
    rest = list(candidates)
    assert asked == [1]
    # find_library's answer duplicates a name already tried: not repeated.
    assert [c for c, s, how in rest] == [c for c, s in _loader.SONAMES[1:]]


def test_automatic_search_follows_the_loader_path(tmp_path):
    """A well-known name is looked up by dlopen's normal search
    (LD_LIBRARY_PATH first), and finding it needs no ctypes.util."""
    if sys.platform in ("win32", "darwin"):
        pytest.skip("the soname list is the Linux/Unix search")
    crypto, ssl = build_files("openssl-3.5.8")
    os.symlink(crypto, str(tmp_path / "libcrypto.so.3"))
    os.symlink(ssl, str(tmp_path / "libssl.so.3"))
    code = ("import json, sys, pyossl; info = pyossl.openssl_info(); "
            "info['util'] = 'ctypes.util' in sys.modules; "
            "print(json.dumps(info))")
    info = info_of({"LD_LIBRARY_PATH": os.pathsep.join(
        [str(tmp_path), os.path.dirname(crypto)])}, code)
    assert info["how"] == "well-known name"
    assert info["version_number"] == EXPECTED["openssl-3.5.8"][0]
    assert info["util"] is False


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_directory_variable(name):
    d = build_dir(name)
    info = info_of({"PYOSSL_OPENSSL_DIR": d})
    number, table = EXPECTED[name]
    assert info["version_number"] == number
    assert info["table"] == table
    assert info["libssl"].startswith(os.path.realpath(d))
    assert info["symbols_missing"] == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_file_variables(name):
    crypto, ssl = build_files(name)
    info = info_of({"PYOSSL_LIBCRYPTO": crypto, "PYOSSL_LIBSSL": ssl,
                    "LD_LIBRARY_PATH": os.path.dirname(crypto)})
    assert info["version_number"] == EXPECTED[name][0]
    assert info["how"] == "PYOSSL_LIBCRYPTO/PYOSSL_LIBSSL"


def test_use_openssl_wins_over_environment():
    crypto, ssl = build_files("openssl-1.1.1g")
    other = build_dir("openssl-1.0.2q")
    code = ("import json, pyossl; pyossl.use_openssl(libcrypto=%r, "
            "libssl=%r); print(json.dumps(pyossl.openssl_info()))"
            % (crypto, ssl))
    info = info_of({"PYOSSL_OPENSSL_DIR": other}, code)
    assert info["version_number"] == 0x1010107F
    assert info["how"] == "use_openssl()"


def test_use_openssl_directory():
    d = build_dir("openssl-3.5.8")
    code = ("import json, pyossl; pyossl.use_openssl(directory=%r); "
            "print(json.dumps(pyossl.openssl_info()))" % d)
    assert info_of((), code)["version_number"] == 0x30500080


def test_use_openssl_after_load_is_an_error():
    import pyossl
    with pytest.raises(RuntimeError, match="already loaded"):
        pyossl.use_openssl(libcrypto="/nonexistent/a", libssl="/nonexistent/b")


def test_use_openssl_needs_both_files():
    import pyossl
    with pytest.raises(ValueError):
        pyossl.use_openssl(libcrypto="/x")
    with pytest.raises(ValueError):
        pyossl.use_openssl(libcrypto="/x", libssl="/y", directory="/z")


# ------------------------------------------------------------ bad cases --

def test_missing_file():
    err = import_error_of({"PYOSSL_LIBCRYPTO": "/nonexistent/libcrypto.so",
                           "PYOSSL_LIBSSL": "/nonexistent/libssl.so"})
    assert "does not exist" in err and "/nonexistent/libcrypto.so" in err


def test_only_one_file_variable():
    err = import_error_of({"PYOSSL_LIBSSL": "/nonexistent/libssl.so"})
    assert "set both PYOSSL_LIBCRYPTO and PYOSSL_LIBSSL" in err


def test_folder_without_openssl(tmp_path):
    err = import_error_of({"PYOSSL_OPENSSL_DIR": str(tmp_path)})
    assert "no libcrypto shared library" in err


def test_not_a_folder():
    err = import_error_of({"PYOSSL_OPENSSL_DIR": "/nonexistent-folder"})
    assert "is not a folder" in err


def test_file_that_is_not_openssl():
    d = build_dir("openssl-1.1.1g")
    libz = glob.glob(os.path.join(d, "libz*"))[0]
    _, ssl = build_files("openssl-1.1.1g")
    err = import_error_of({"PYOSSL_LIBCRYPTO": libz, "PYOSSL_LIBSSL": ssl})
    assert "is not an OpenSSL libcrypto" in err and libz in err


def test_libssl_and_libcrypto_from_different_builds():
    crypto, _ = build_files("openssl-3.5.8")
    _, ssl = build_files("openssl-1.1.1g")
    err = import_error_of({"PYOSSL_LIBCRYPTO": crypto, "PYOSSL_LIBSSL": ssl})
    assert "different builds" in err
    assert "1.1.1g" in err and "3.5.8" in err


def test_ambiguous_folder(tmp_path):
    for name in ("openssl-1.1.1g", "openssl-3.5.8"):
        for path in glob.glob(os.path.join(build_dir(name), "lib*")):
            os.symlink(path, str(tmp_path / os.path.basename(path)))
    err = import_error_of({"PYOSSL_OPENSSL_DIR": str(tmp_path)})
    assert "more than one libcrypto" in err


@pytest.mark.parametrize("number,text,message", [
    (0x1000107F, "OpenSSL 1.0.1g 7 Apr 2014", "1.0.1g"),
    (0x0090819F, "OpenSSL 0.9.8zh 3 Dec 2015", "0.9.8"),
    (0x20000000, "LibreSSL 3.3.6", "LibreSSL"),
    (0x1010107F, "BoringSSL", "BoringSSL"),
])
def test_unsupported_versions_are_refused(number, text, message):
    with pytest.raises(ImportError) as info:
        _loader.classify(number, text)
    assert message in str(info.value)
    assert "1.0.2, 1.1.x, or 3.0 and later" in str(info.value)


@pytest.mark.parametrize("number,gen,string", [
    (0x1000211F, records.G102, "1.0.2q"),
    (0x1010107F, records.G11, "1.1.1g"),
    (0x101010BF, records.G11, "1.1.1k"),
    (0x30000130, records.G3, "3.0.19"),
    (0x300000A0, records.G3, "3.0.10"),   # two-digit patch (oscrypto#75)
    (0x30500080, records.G3, "3.5.8"),
    (0x40000000, records.G3, "4.0.0"),    # later majors are "3.x"
])
def test_version_numbers(number, gen, string):
    assert _loader.classify(number, "OpenSSL " + string) == gen
    assert _loader.version_string(number) == string


# ---------------------------------------------------- the loaded build --

def test_version_detected_from_number(lib):
    assert lib.version_num == _loader.read_version(lib._crypto)[0]
    assert lib.version_string in lib.version_text
    assert lib.table == records.GENERATION_NAMES[lib.generation]


def test_every_declared_symbol_resolves(lib):
    assert lib.missing == [], "not exported by %s: %s" % (
        lib.describe(), lib.missing)


# Named like pointer getters, but they return a status (int) and hand the
# pointer back through an out-parameter.
_STATUS_GETTERS = ("SSL_client_hello_get0_ext", "X509_NAME_get0_der",
                   "SSL_client_hello_get1_extensions_present")


def test_no_pointer_result_defaults_to_int():
    for rec in _table.DECLARATIONS:
        if isinstance(rec, records.Fn) and rec.name not in _STATUS_GETTERS:
            assert rec.restype is not ctypes.c_int or not (
                rec.name.endswith("_new") or "_get0_" in rec.name
                or "_get1_" in rec.name or rec.name.startswith("d2i_")
                or rec.name.startswith("PEM_read")), rec


def test_declarations_have_argtypes_and_restype(lib):
    for name, cname in lib.bound.items():
        func = getattr(lib, name)
        if cname == "macro":
            continue
        assert func.argtypes is not None, name
        assert func.restype is not ctypes.c_int or True  # set explicitly
    assert "ERR_get_error" in lib.bound


def test_renamed_symbols_reached_under_one_name(lib):
    # SSLeay on 1.0.2, OpenSSL_version_num since 1.1.0
    assert lib.OpenSSL_version_num() == lib.version_num
    assert lib.bound["OpenSSL_version_num"] == (
        "SSLeay" if lib.generation == records.G102 else "OpenSSL_version_num")
    assert lib.bound["sk_num"] == (
        "sk_num" if lib.generation == records.G102 else "OPENSSL_sk_num")


def test_missing_optional_symbol_raises_not_implemented(lib):
    stub = _loader._stub(lib, "SSL_frobnicate")
    with pytest.raises(NotImplementedError, match="SSL_frobnicate"):
        stub()


def test_version_text_selectors(lib):
    assert lib.OpenSSL_version(lib.SSLEAY_VERSION).startswith(b"OpenSSL")
    assert lib.OpenSSL_version(lib.SSLEAY_DIR).startswith(b"OPENSSLDIR")


def test_macros_are_python_functions(lib):
    bio = lib.BIO_new(lib.BIO_s_mem())
    try:
        assert lib.BIO_write(bio, b"hello", 5) == 5
        assert lib.BIO_pending(bio) == 5
        out = ctypes.c_void_p()
        assert lib.BIO_get_mem_data(bio, ctypes.byref(out)) == 5
        assert ctypes.string_at(out.value, 5) == b"hello"
    finally:
        lib.BIO_free(bio)


# -------------------------------------------------------------- errors --

def _fail_once():
    """Make libcrypto put a real error on the queue (open a missing file)."""
    bio = lib.BIO_new_file(b"/nonexistent/pyossl-test", b"rb")
    assert not bio


def test_error_queue_is_drained_into_tuples():
    clear_error_queue()
    _fail_once()
    errors = error_queue()
    assert errors, "BIO_new_file should have queued an error"
    for entry in errors:
        assert isinstance(entry, tuple) and len(entry) == 3
        assert all(isinstance(part, str) for part in entry)
    assert lib.ERR_peek_error() == 0
    assert error_queue() == []


def test_error_from_one_call_never_appears_in_the_next():
    from pyossl._runtime.errors import raise_current_error

    class Boom(Exception):
        pass
    _fail_once()
    with pytest.raises(Boom) as first:
        raise_current_error(Boom)
    assert first.value.args[0]
    with pytest.raises(Boom) as second:
        raise_current_error(Boom)
    # Nothing of the first failure: only pyossl's own "no reason" entry.
    assert [e[0] for e in second.value.args[0]] == ["pyossl"]


def test_function_name_is_empty_string_on_3x():
    _fail_once()
    errors = error_queue()
    if lib.generation == records.G3:
        assert all(func == "" for _, func, _ in errors)
    else:
        assert any(func for _, func, _ in errors)


# ----------------------------------------------------------- threading --

def test_locking_callbacks_installed_on_102(lib):
    if lib.generation != records.G102:
        pytest.skip("locking callbacks exist only in OpenSSL 1.0.x")
    assert lib.CRYPTO_get_locking_callback()
    # The native callback where it can be made (x86-64 Linux), else the
    # Python one (pyossl/_runtime/locking.py).
    assert lib.python_locking != ("native" in lib.locking), lib.locking


def test_libcrypto_from_eight_threads():
    """Use libcrypto (digests, BIOs, error queue) from 8 threads at once."""
    sha = ctypes.create_string_buffer(b"x" * 4096)
    problems = []

    def work():
        try:
            for _ in range(300):
                bio = lib.BIO_new(lib.BIO_s_mem())
                lib.BIO_write(bio, sha, 4096)
                assert lib.BIO_pending(bio) == 4096
                lib.BIO_free(bio)
                _fail_once()
                assert error_queue()
        except Exception as exc:  # pragma: no cover - reported below
            problems.append(exc)
    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert problems == []


def test_each_name_declared_once_per_generation():
    """The one table: no name has two records for the same generation."""
    seen = {}
    for rec in _table.DECLARATIONS:
        if isinstance(rec, records.Const):
            gens = [g for g, v in rec.values.items() if v is not None]
        else:
            gens = rec.gens
        for gen in gens:
            key = (type(rec).__name__ == "Const", rec.name, gen)
            assert key not in seen, "%s declared twice for %s" % (
                rec.name, records.GENERATION_NAMES[gen])
            seen[key] = rec


_FIRST_USE_RACE = r"""
import random, sys, threading
sys.setswitchinterval(1e-6)
from pyossl._runtime.library import lib
names = list(lib._pending or ())
errors = []
def worker(seed):
    order = names[:]
    random.Random(seed).shuffle(order)
    for name in order:
        try:
            getattr(lib, name)
        except AttributeError:
            errors.append(name)
        except NotImplementedError:
            pass
threads = [threading.Thread(target=worker, args=(i,)) for i in range(12)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(names), len(errors), errors[:5])
"""


def test_first_use_of_a_name_from_many_threads():
    # Names are bound on first use; a thread whose lookup missed while
    # another was binding the same name must get it, not AttributeError
    # (seen on PyPy: a verify callback's first X509_STORE_CTX call).
    for _ in range(4):
        res = child(_FIRST_USE_RACE, unset=False)
        assert res.returncode == 0, res.stderr.decode()[-2000:]
        count, errors, sample = res.stdout.decode().split(" ", 2)
        assert int(count) > 100 and errors == "0", res.stdout
