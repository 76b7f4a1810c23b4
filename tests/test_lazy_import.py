"""The lazy facades (``pyossl/_facade.py``, docs/internals.rst "The layout").

Importing :mod:`pyossl.SSL`, :mod:`pyossl.crypto` or :mod:`pyossl.rand`
loads no OpenSSL and imports no implementation module; the first use of a
name imports what provides it.  The names, their identity and
``__module__``, ``__all__``, ``from ... import *`` and the loader's
:exc:`ImportError` (now at first use) stay as the eager modules had them,
also when several threads use a name first at the same time.

Each check runs in a child interpreter (a fresh ``sys.modules``), which
inherits the build under test (``PYOSSL_OPENSSL_DIR``...).
"""

import ast
import importlib
import os
import subprocess
import sys
import textwrap

import pytest

import pyossl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FACADES = ("pyossl.SSL", "pyossl.crypto", "pyossl.rand")


def run_code(code, *args, env_update=None, ok=True, flags=()):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [ROOT] + [p for p in [env.get("PYTHONPATH")] if p])
    env.update(env_update or {})
    proc = subprocess.run(
        [sys.executable] + list(flags) + ["-c", textwrap.dedent(code)]
        + list(args), env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=180)
    if ok:
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_importing_the_facades_loads_nothing():
    out = run_code("""
        import sys
        import pyossl.SSL, pyossl.crypto, pyossl.rand
        from pyossl import SSL, crypto, rand
        loaded = sorted(m for m in sys.modules
                        if m.startswith(("pyossl.", "ctypes", "_ctypes")))
        print(" ".join(loaded))
    """).stdout.split()
    assert out == ["pyossl.SSL", "pyossl._facade", "pyossl.crypto",
                   "pyossl.rand", "pyossl.version"]


def test_importing_the_facades_imports_no_other_module():
    """Not even typing (``-S``: no site, whose .pth files may import it):
    on a plain interpreter the import costs less than ``import ssl``."""
    out = run_code("""
        import sys
        before = set(sys.modules)
        import pyossl.SSL, pyossl.crypto, pyossl.rand
        print(" ".join(sorted(set(sys.modules) - before)))
        pyossl.use_openssl                   # the package's own names
        assert "typing" in sys.modules and "ctypes" not in sys.modules
    """, flags=["-S"]).stdout.split()
    assert out == ["pyossl", "pyossl.SSL", "pyossl._facade", "pyossl.crypto",
                   "pyossl.rand", "pyossl.version"]


def test_package_names_are_the_api_modules():
    from pyossl import _api
    for name in ("use_openssl", "openssl_info", "install_as_openssl",
                 "OpenSSLInfo", "TrustInfo", "ProvidersInfo"):
        assert getattr(pyossl, name) is getattr(_api, name)
        assert getattr(pyossl, name).__module__ == "pyossl"
    assert pyossl.StrPath is _api.StrPath
    assert set(pyossl.__all__) <= set(dir(pyossl))


def test_first_use_imports_what_provides_the_name():
    run_code("""
        import sys
        from pyossl import SSL, crypto
        assert "pyossl._runtime.library" not in sys.modules
        ctx = SSL.Context(SSL.TLS_METHOD)
        assert "pyossl._runtime.library" in sys.modules
        assert "pyossl._ssl.context" in sys.modules
        # not needed for a Context: imported when first used
        assert "pyossl._ssl.connection" not in sys.modules
        assert "pyossl._crypto.pkcs12" not in sys.modules
        SSL.Connection(ctx, None)
        assert "pyossl._ssl.connection" in sys.modules
        assert "Connection" in vars(SSL)      # later: a plain lookup
    """)


@pytest.mark.parametrize("name", FACADES)
def test_names_identity_and_module(name):
    """Every name is the implementation's object; documented classes and
    functions report the facade as their module, as the eager facades
    made them do."""
    facade = importlib.import_module(name)
    with open(facade.__file__, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    # the static imports type checkers see (under TYPE_CHECKING) name the
    # same objects the facade gives at run time
    checked = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and \
                node.module not in ("_facade", "_loader"):  # _loader: Lib
            source = importlib.import_module("pyossl." + node.module)
            for alias in node.names:
                if alias.name == "*":
                    for star in source.__all__:
                        assert getattr(facade, star) is \
                            getattr(source, star), star
                        checked += 1
                    continue
                mine = alias.asname or alias.name
                assert getattr(facade, mine) is getattr(source, alias.name), \
                    mine
                checked += 1
    assert checked >= len(facade.__all__) // 2
    for public in facade.__all__:
        obj = getattr(facade, public)
        if isinstance(obj, type) and public.endswith("Type"):
            assert obj is getattr(facade, public[:-4])
    assert set(facade.__all__) <= set(dir(facade))


def test_module_and_qualname_are_the_facades():
    from pyossl import SSL, crypto, rand
    from pyossl._ssl import context
    from pyossl._crypto import certificates, keys
    assert SSL.Context is context.Context
    assert SSL.ContextType is SSL.Context
    assert SSL.Context.__module__ == "pyossl.SSL"
    assert SSL.Context.__qualname__ == "Context"
    assert SSL.Error.__module__ == "pyossl.SSL"
    assert SSL.OpenSSL_version.__module__ == "pyossl.SSL"
    assert crypto.X509 is certificates.X509
    assert crypto.X509.__module__ == "pyossl.crypto"
    assert crypto.dump_certificate.__module__ == "pyossl.crypto"
    assert keys._EllipticCurve.__module__ == "pyossl.crypto"
    assert rand.bytes.__module__ == "pyossl.rand"
    # SSL's crypto classes are crypto's (documented there)
    assert SSL.X509 is crypto.X509 and SSL.PKey is crypto.PKey
    assert crypto._lib is importlib.import_module(
        "pyossl._runtime.library").lib


def test_classes_are_renamed_before_their_name_is_used():
    """An exception the implementation raises reports pyossl.SSL even if
    the program never named SSL.Error; so does the SSL.X509 type."""
    out = run_code("""
        from pyossl import SSL
        ctx = SSL.Context(SSL.TLS_METHOD)
        try:
            ctx.use_certificate_file("/nonexistent/cert.pem")
        except Exception as exc:
            print(type(exc).__module__, type(exc).__qualname__)
        from pyossl import crypto
        print(type(crypto.get_elliptic_curves().pop()).__module__)
        print(SSL.X509.__module__)
    """).stdout.split()
    assert out == ["pyossl.SSL", "Error", "pyossl.crypto", "pyossl.crypto"]


def test_star_import_and_all():
    out = run_code("""
        import sys
        from pyossl import SSL
        namespace = {}
        exec("from pyossl.SSL import *", namespace)
        assert set(namespace) - {"__builtins__"} == set(SSL.__all__)
        assert "OP_NO_TICKET" in SSL.__all__
        exec("from pyossl.crypto import *; from pyossl.rand import *", {})
        import pyossl.crypto
        print(len(SSL.__all__), len(pyossl.crypto.__all__))
    """).stdout.split()
    from pyossl import SSL, crypto
    from pyossl._ssl import constants
    assert int(out[0]) == len(SSL.__all__)
    assert set(constants.__all__) <= set(SSL.__all__)
    assert int(out[1]) == len(crypto.__all__)


def test_unknown_names():
    run_code("""
        import sys
        from pyossl import SSL, crypto, rand
        for module in (SSL, crypto, rand):
            assert not hasattr(module, "__path__")
            assert not hasattr(module, "_not_a_name")
        assert "pyossl._runtime.library" not in sys.modules
        assert not hasattr(crypto, "not_a_name")
        assert not hasattr(rand, "not_a_name")
        assert "pyossl._runtime.library" not in sys.modules
        # SSL's constants depend on the build: asking loads it
        assert not hasattr(SSL, "not_a_name")
        assert not hasattr(SSL, "c_int_arg")     # constants' own import
        try:
            SSL.not_a_name
        except AttributeError as exc:
            assert "pyossl.SSL" in str(exc) and "not_a_name" in str(exc)
    """)


def test_loader_errors_surface_at_first_use():
    """Without a usable OpenSSL the import succeeds and the first use
    raises the loader's ImportError, with the same text as
    openssl_info(), every time."""
    proc = run_code("""
        import pyossl
        try:
            pyossl.openssl_info()
        except ImportError as exc:
            expected = str(exc)
        else:
            raise AssertionError("loaded")
        from pyossl import SSL, crypto, rand
        import pyossl.SSL
        for use in ("SSL.Context", "crypto.X509", "rand.bytes",
                    "SSL.TLS_METHOD", "SSL.__all__",
                    "__import__('pyossl.SSL').SSL.Connection"):
            for attempt in (1, 2):
                try:
                    eval(use)
                except ImportError as exc:
                    assert str(exc) == expected, (use, str(exc))
                else:
                    raise AssertionError(use)
        try:
            from pyossl.SSL import Context
        except ImportError as exc:
            assert str(exc) == expected
        print(expected)
        from pyossl.crypto import X509
    """, env_update={"PYOSSL_LIBCRYPTO": "/nonexistent/libcrypto.so",
                     "PYOSSL_LIBSSL": "/nonexistent/libssl.so"}, ok=False)
    assert proc.returncode == 1, proc.stderr
    assert "/nonexistent/libcrypto.so" in proc.stdout
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: ") and \
        last[len("ImportError: "):] == proc.stdout.strip()


def test_build_may_be_chosen_after_importing_the_facades():
    info = pyossl.openssl_info()
    run_code("""
        import sys, pyossl
        from pyossl import SSL
        pyossl.use_openssl(libcrypto=sys.argv[1], libssl=sys.argv[2])
        SSL.Context(SSL.TLS_METHOD)
        assert pyossl.openssl_info()["libssl"] == sys.argv[2]
    """, info["libcrypto"], info["libssl"])


@pytest.mark.parametrize("round_", range(3))
def test_threads_using_a_name_first_at_once(round_):
    """Threads that use names first at the same moment all get the fully
    executed objects, renamed, and no error."""
    run_code("""
        import sys, threading
        from pyossl import SSL, crypto
        N = 8
        start = threading.Barrier(N)
        seen, errors = [], []
        def use(i):
            start.wait()
            try:
                if i % 3 == 0:
                    ctx = SSL.Context(SSL.TLS_METHOD)
                    SSL.Connection(ctx, None)
                    got = SSL.Context
                elif i % 3 == 1:
                    got = SSL.Context
                    crypto.X509()
                else:
                    crypto.load_certificate
                    got = SSL.ContextType
                assert got.__module__ == "pyossl.SSL", got.__module__
                assert SSL.Error.__module__ == "pyossl.SSL"
                assert crypto.X509.__module__ == "pyossl.crypto"
                seen.append(got)
            except BaseException as exc:
                errors.append(repr(exc))
        threads = [threading.Thread(target=use, args=(i,))
                   for i in range(N)]
        for t in threads: t.start()
        for t in threads: t.join()
        assert not errors, errors
        from pyossl._ssl.context import Context
        assert len(seen) == N and all(c is Context for c in seen)
    """)


def test_dropin_renames_lazily_resolved_names():
    run_code("""
        import sys, pyossl
        from pyossl import SSL, crypto
        SSL.Error                           # resolved before the switch
        pyossl.install_as_openssl()
        assert SSL.Error.__module__ == "OpenSSL.SSL"
        import OpenSSL.SSL, OpenSSL.crypto
        assert OpenSSL.SSL is SSL
        assert SSL.Connection.__module__ == "OpenSSL.SSL"
        assert SSL.X509.__module__ == "OpenSSL.crypto"
        assert crypto.X509Store.__module__ == "OpenSSL.crypto"
        import pyossl.rand
        assert pyossl.rand.Error.__module__ == "OpenSSL.rand"
    """)
