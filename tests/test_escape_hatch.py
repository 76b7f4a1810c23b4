"""``pyossl.raw``: the documented escape hatch (raw pointers as ints, the
bound library, one more C function) and its ownership rules."""

import ctypes
import gc

import pytest

from conftest import GEN, LIB
from pyossl import SSL, crypto, raw
from ssl_helpers import (client_context, handshake_memory, memory_pair,
                         server_context)



def load_cert(pki):
    return crypto.load_certificate(crypto.FILETYPE_PEM, pki.read("server_cert"))


def load_key(pki):
    return crypto.load_privatekey(crypto.FILETYPE_PEM, pki.read("server_key"))


def test_lib_is_the_bound_library():
    assert raw.lib is crypto._lib
    assert raw.lib.available("SSL_CTX_new")


def test_pointers_are_ints_of_the_right_objects(pki):
    ctx = server_context(pki)
    server, client = memory_pair(ctx, client_context(pki))
    handshake_memory(server, client)
    cert, key = load_cert(pki), load_key(pki)
    session = client.get_session()
    store = ctx.get_cert_store()
    for obj in (ctx, server, cert, key, session, store):
        ptr = raw.pointer(obj)
        assert type(ptr) is int and ptr != 0
    get_ssl_ctx = raw.function("SSL_get_SSL_CTX", ctypes.c_void_p,
                               [ctypes.c_void_p])
    assert get_ssl_ctx(raw.pointer(server)) == raw.pointer(ctx)
    get_version = raw.function("SSL_get_version", ctypes.c_char_p,
                               [ctypes.c_void_p])
    assert get_version(raw.pointer(server)).decode() == \
        server.get_protocol_version_name()
    get_store = raw.function("SSL_CTX_get_cert_store", ctypes.c_void_p,
                             [ctypes.c_void_p])
    assert get_store(raw.pointer(ctx)) == raw.pointer(store)


@pytest.mark.parametrize("bad", [None, 3, "ctx", object(), crypto.X509Name])
def test_pointer_refuses_other_objects(bad):
    with pytest.raises(TypeError):
        raw.pointer(bad)


def test_function_declares_one_more_call(pki):
    """X509_check_host: a C call pyossl does not wrap."""
    check_host = raw.function(
        "X509_check_host", ctypes.c_int,
        [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint,
         ctypes.c_void_p], library="crypto")
    cert = load_cert(pki)
    ptr = raw.pointer(cert)
    assert check_host(ptr, b"localhost", 9, 0, None) == 1
    assert check_host(ptr, b"example.org", 11, 0, None) == 0


def test_function_gives_a_fresh_object():
    first = raw.function("SSL_CTX_new", ctypes.c_void_p, [ctypes.c_void_p])
    second = raw.function("SSL_CTX_new", ctypes.c_void_p, [ctypes.c_void_p])
    assert first is not second
    assert first is not raw.lib.SSL_CTX_new
    first.argtypes = [ctypes.c_char_p]          # the user's object only
    assert raw.lib.SSL_CTX_new.argtypes == [ctypes.c_void_p]


def test_function_argument_checks():
    with pytest.raises(TypeError):
        raw.function("SSL_CTX_new")                     # restype required
    with pytest.raises(ValueError):
        raw.function("SSL_CTX_new", ctypes.c_void_p, [ctypes.c_void_p],
                     library="libfoo")
    with pytest.raises(NotImplementedError) as info:
        raw.function("SSL_no_such_function", ctypes.c_int, [])
    assert "SSL_no_such_function" in str(info.value)
    assert LIB.version_string in str(info.value)
    with pytest.raises(NotImplementedError):
        # libcrypto symbols are not looked up through libssl
        raw.function("X509_check_host", ctypes.c_int, [], library="ssl")


@pytest.mark.skipif(GEN == 0, reason="no security levels before 1.1.0")
def test_settings_made_in_c_are_seen_by_pyossl(pki):
    set_level = raw.function("SSL_CTX_set_security_level", None,
                             [ctypes.c_void_p, ctypes.c_int])
    get_level = raw.function("SSL_CTX_get_security_level", ctypes.c_int,
                             [ctypes.c_void_p])
    ctx = client_context(pki)
    set_level(raw.pointer(ctx), 0)
    assert get_level(raw.pointer(ctx)) == 0
    server, client = memory_pair(server_context(pki), ctx)
    handshake_memory(server, client)


def test_x509_from_pointer_takes_its_own_reference(pki):
    get0_cert = raw.function("SSL_CTX_get0_certificate", ctypes.c_void_p,
                             [ctypes.c_void_p])
    ctx = server_context(pki)
    borrowed = get0_cert(raw.pointer(ctx))
    cert = raw.x509_from_pointer(borrowed)
    assert isinstance(cert, crypto.X509)
    assert raw.pointer(cert) == borrowed
    del ctx
    gc.collect()
    assert cert.get_subject().CN == "localhost"      # still alive


def test_pkey_from_pointer_takes_its_own_reference(pki):
    key = load_key(pki)
    again = raw.pkey_from_pointer(raw.pointer(key))
    assert isinstance(again, crypto.PKey)
    bits = key.bits()
    del key
    gc.collect()
    assert again.bits() == bits
    assert again.check()


@pytest.mark.parametrize("bad", [0, None, -1, "0x1234"])
def test_from_pointer_refuses_bad_values(bad):
    for make in (raw.x509_from_pointer, raw.pkey_from_pointer):
        with pytest.raises((TypeError, ValueError)):
            make(bad)


def test_pop_errors_drains_the_queue(tmp_path):
    use_file = raw.function("SSL_CTX_use_certificate_file", ctypes.c_int,
                            [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int])
    ctx = SSL.Context(SSL.TLS_METHOD)
    missing = str(tmp_path / "missing.pem").encode()
    assert use_file(raw.pointer(ctx), missing, 1) == 0
    errors = raw.pop_errors()
    assert errors and all(len(e) == 3 for e in errors)
    assert all(isinstance(part, str) for e in errors for part in e)
    assert raw.pop_errors() == []


def test_pointer_of_a_freed_handle_is_refused():
    ctx = SSL.Context(SSL.TLS_METHOD)
    conn = SSL.Connection(ctx, None)
    ptr = raw.pointer(conn)
    assert ptr
    # An object that no longer owns a handle (not reachable through the
    # public API today; simulated as a subclass instance never initialised).
    blank = SSL.Connection.__new__(SSL.Connection)
    with pytest.raises(ValueError):
        raw.pointer(blank)
