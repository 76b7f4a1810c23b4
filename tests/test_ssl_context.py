"""SSL module surface: constants, exceptions and Context, on every build."""

import gc
import os
import warnings
import weakref

import pytest

from conftest import assert_memory_flat, memory_test, GEN, LIB
from pyossl import SSL, crypto
from ssl_helpers import handshake_memory, memory_pair, server_context


# ------------------------------------------------------------ constants --

SPEC_CONSTANTS = [
    "SSLv2_METHOD", "SSLv3_METHOD", "SSLv23_METHOD", "TLSv1_METHOD",
    "TLSv1_1_METHOD", "TLSv1_2_METHOD", "TLS_METHOD", "TLS_SERVER_METHOD",
    "TLS_CLIENT_METHOD", "VERIFY_NONE", "VERIFY_PEER",
    "VERIFY_FAIL_IF_NO_PEER_CERT", "VERIFY_CLIENT_ONCE", "FILETYPE_PEM",
    "FILETYPE_ASN1", "OP_SINGLE_DH_USE", "OP_SINGLE_ECDH_USE",
    "OP_EPHEMERAL_RSA", "OP_NO_TICKET", "OP_NO_COMPRESSION", "OP_NO_SSLv2",
    "OP_NO_SSLv3", "OP_NO_TLSv1", "OP_NO_TLSv1_1", "OP_NO_TLSv1_2",
    "OP_ALL", "OP_CIPHER_SERVER_PREFERENCE", "OP_MICROSOFT_SESS_ID_BUG",
    "OP_NETSCAPE_CHALLENGE_BUG", "OP_NETSCAPE_REUSE_CIPHER_CHANGE_BUG",
    "OP_SSLREF2_REUSE_CERT_TYPE_BUG", "OP_MICROSOFT_BIG_SSLV3_BUFFER",
    "OP_MSIE_SSLV2_RSA_PADDING", "OP_SSLEAY_080_CLIENT_DH_BUG",
    "OP_TLS_D5_BUG", "OP_TLS_BLOCK_PADDING_BUG",
    "OP_DONT_INSERT_EMPTY_FRAGMENTS", "OP_TLS_ROLLBACK_BUG",
    "OP_PKCS1_CHECK_1", "OP_PKCS1_CHECK_2", "OP_NETSCAPE_CA_DN_BUG",
    "OP_NETSCAPE_DEMO_CIPHER_CHANGE_BUG", "OP_NO_QUERY_MTU",
    "OP_COOKIE_EXCHANGE", "MODE_RELEASE_BUFFERS", "MODE_AUTO_RETRY",
    "MODE_ENABLE_PARTIAL_WRITE", "MODE_ACCEPT_MOVING_WRITE_BUFFER",
    "SESS_CACHE_OFF", "SESS_CACHE_CLIENT", "SESS_CACHE_SERVER",
    "SESS_CACHE_BOTH", "SESS_CACHE_NO_AUTO_CLEAR",
    "SESS_CACHE_NO_INTERNAL_LOOKUP", "SESS_CACHE_NO_INTERNAL_STORE",
    "SESS_CACHE_NO_INTERNAL", "SSLEAY_VERSION", "SSLEAY_CFLAGS",
    "SSLEAY_BUILT_ON", "SSLEAY_PLATFORM", "SSLEAY_DIR",
    "OPENSSL_VERSION_NUMBER", "SENT_SHUTDOWN", "RECEIVED_SHUTDOWN",
    "SSL_ST_CONNECT", "SSL_ST_ACCEPT", "SSL_ST_MASK", "SSL_ST_INIT",
    "SSL_ST_BEFORE", "SSL_ST_OK", "SSL_ST_RENEGOTIATE", "SSL_CB_LOOP",
    "SSL_CB_EXIT", "SSL_CB_READ", "SSL_CB_WRITE", "SSL_CB_ALERT",
    "SSL_CB_READ_ALERT", "SSL_CB_WRITE_ALERT", "SSL_CB_ACCEPT_LOOP",
    "SSL_CB_ACCEPT_EXIT", "SSL_CB_CONNECT_LOOP", "SSL_CB_CONNECT_EXIT",
    "SSL_CB_HANDSHAKE_START", "SSL_CB_HANDSHAKE_DONE", "SSL3_VERSION",
    "TLS1_VERSION", "TLS1_1_VERSION", "TLS1_2_VERSION",
]


@pytest.mark.parametrize("name", SPEC_CONSTANTS)
def test_constant_is_an_int(name):
    value = getattr(SSL, name)
    assert isinstance(value, int)
    assert name in SSL.__all__


def test_option_values_follow_the_loaded_generation():
    # The 1.0.2 SINGLE_DH_USE bit means ENABLE_MIDDLEBOX_COMPAT in 1.1.1.
    if GEN == 0:
        assert SSL.OP_SINGLE_DH_USE == 0x00100000
        assert SSL.OP_SINGLE_ECDH_USE == 0x00080000
        assert SSL.OP_NO_SSLv2 == 0x01000000
        assert SSL.OP_ALL == 0x80000BFF
        assert not hasattr(SSL, "OP_NO_TLSv1_3")
    else:
        assert SSL.OP_SINGLE_DH_USE == 0
        assert SSL.OP_SINGLE_ECDH_USE == 0
        assert SSL.OP_NO_SSLv2 == 0
        assert SSL.OP_NO_TLSv1_3 == 0x20000000
        assert SSL.OP_ENABLE_MIDDLEBOX_COMPAT == 0x00100000
        assert SSL.OP_ALL == (0x80000854 if GEN == 1 else 0x80000850)
    assert hasattr(SSL, "OP_IGNORE_UNEXPECTED_EOF") == (GEN >= 2)
    assert SSL.OP_NO_TICKET == 0x4000
    assert SSL.OP_CIPHER_SERVER_PREFERENCE == 0x400000


def test_default_options_read_back_as_set():
    ctx = SSL.Context(SSL.SSLv23_METHOD)
    before = ctx.set_options(0)
    after = ctx.set_options(SSL.OP_NO_TICKET | SSL.OP_CIPHER_SERVER_PREFERENCE)
    assert after == before | SSL.OP_NO_TICKET | SSL.OP_CIPHER_SERVER_PREFERENCE
    assert ctx.set_options(SSL.OP_ALL) & SSL.OP_ALL == SSL.OP_ALL


def test_every_op_constant_is_accepted():
    ctx = SSL.Context(SSL.TLS_METHOD)
    for name in dir(SSL):
        if name.startswith("OP_"):
            value = getattr(SSL, name)
            if value:
                assert ctx.set_options(value) & value == value, name


def test_set_mode_returns_new_mask():
    ctx = SSL.Context(SSL.TLS_METHOD)
    mode = ctx.set_mode(SSL.MODE_RELEASE_BUFFERS)
    assert mode & SSL.MODE_RELEASE_BUFFERS
    assert mode & SSL.MODE_ENABLE_PARTIAL_WRITE     # set by Context()


def test_mode_no_compression_sets_the_option():
    ctx = SSL.Context(SSL.TLS_METHOD)
    assert ctx.set_mode(SSL.MODE_NO_COMPRESSION) & SSL.MODE_NO_COMPRESSION
    assert ctx.set_options(0) & SSL.OP_NO_COMPRESSION


@pytest.mark.parametrize("meth", ["set_options", "set_mode", "set_timeout",
                                  "set_verify_depth",
                                  "set_session_cache_mode"])
@pytest.mark.parametrize("bad", [None, "1", 1.0])
def test_int_setters_reject_non_ints(meth, bad):
    with pytest.raises(TypeError):
        getattr(SSL.Context(SSL.TLS_METHOD), meth)(bad)


def test_ssleay_version():
    text = SSL.SSLeay_version(SSL.SSLEAY_VERSION)
    assert isinstance(text, bytes)
    assert text.startswith(b"OpenSSL")
    for kind in (SSL.SSLEAY_CFLAGS, SSL.SSLEAY_BUILT_ON, SSL.SSLEAY_PLATFORM,
                 SSL.SSLEAY_DIR):
        assert isinstance(SSL.SSLeay_version(kind), bytes)
    assert SSL.OPENSSL_VERSION_NUMBER == LIB.version_num
    with pytest.raises(TypeError):
        SSL.SSLeay_version("x")


def test_exception_hierarchy():
    for exc in (SSL.WantReadError, SSL.WantWriteError,
                SSL.WantX509LookupError, SSL.ZeroReturnError,
                SSL.SysCallError):
        assert issubclass(exc, SSL.Error)
    assert issubclass(SSL.Error, Exception)
    assert SSL.ContextType is SSL.Context
    assert SSL.ConnectionType is SSL.Connection


# -------------------------------------------------------------- methods --

def test_methods_available_on_this_build():
    for method in (SSL.SSLv23_METHOD, SSL.TLSv1_METHOD, SSL.TLSv1_1_METHOD,
                   SSL.TLSv1_2_METHOD, SSL.TLS_METHOD, SSL.TLS_SERVER_METHOD,
                   SSL.TLS_CLIENT_METHOD):
        assert isinstance(SSL.Context(method), SSL.Context)


def test_sslv2_is_not_available():
    # None of the builds tested enables SSLv2 (1.0.2q exports a stub).
    with pytest.raises(ValueError, match="No such protocol"):
        SSL.Context(SSL.SSLv2_METHOD)


def test_sslv3_only_where_built():
    if LIB.available("SSLv3_method") and LIB.SSLv3_method():
        assert SSL.Context(SSL.SSLv3_METHOD)
    else:
        with pytest.raises(ValueError, match="No such protocol"):
            SSL.Context(SSL.SSLv3_METHOD)


@pytest.mark.parametrize("bad", [0, 13, -1, 2 ** 40])
def test_unknown_method(bad):
    with pytest.raises(ValueError, match="No such protocol"):
        SSL.Context(bad)


@pytest.mark.parametrize("bad", [None, "TLS", 3.0, True])
def test_method_must_be_int(bad):
    with pytest.raises(TypeError):
        SSL.Context(bad)


def test_proto_version_range():
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_min_proto_version(SSL.TLS1_2_VERSION)
    ctx.set_max_proto_version(SSL.TLS1_2_VERSION)
    ctx.set_min_proto_version(0)
    ctx.set_max_proto_version(0)
    with pytest.raises(SSL.Error):
        ctx.set_min_proto_version(0x7777)
    with pytest.raises(TypeError):
        ctx.set_max_proto_version("TLSv1.2")


def test_min_proto_version_on_102_uses_options():
    if GEN != 0:
        pytest.skip("1.0.2 emulates min/max versions with OP_NO_* bits")
    ctx = SSL.Context(SSL.SSLv23_METHOD)
    ctx.set_min_proto_version(SSL.TLS1_2_VERSION)
    options = ctx.set_options(0)
    assert options & SSL.OP_NO_TLSv1 and options & SSL.OP_NO_TLSv1_1
    assert not options & SSL.OP_NO_TLSv1_2
    ctx.set_min_proto_version(0)
    assert not ctx.set_options(0) & SSL.OP_NO_TLSv1


# ------------------------------------------------------ simple settings --

def test_timeout():
    ctx = SSL.Context(SSL.TLS_METHOD)
    default = ctx.get_timeout()
    assert default in (300, 7200)   # 7200 for the 1.1.1+ flexible method
    assert ctx.set_timeout(1234) == default
    assert ctx.get_timeout() == 1234


def test_verify_mode_and_depth():
    ctx = SSL.Context(SSL.TLS_METHOD)
    assert ctx.get_verify_mode() == SSL.VERIFY_NONE
    ctx.set_verify(SSL.VERIFY_PEER | SSL.VERIFY_CLIENT_ONCE,
                   lambda *args: True)
    assert ctx.get_verify_mode() == SSL.VERIFY_PEER | SSL.VERIFY_CLIENT_ONCE
    ctx.set_verify(SSL.VERIFY_PEER)
    assert ctx.get_verify_mode() == SSL.VERIFY_PEER
    ctx.set_verify_depth(7)
    assert ctx.get_verify_depth() == 7
    with pytest.raises(TypeError):
        ctx.set_verify(None, lambda *a: True)
    with pytest.raises(TypeError):
        ctx.set_verify(SSL.VERIFY_PEER, "not callable")


def test_session_cache_mode():
    ctx = SSL.Context(SSL.TLS_METHOD)
    assert ctx.get_session_cache_mode() == SSL.SESS_CACHE_SERVER
    assert ctx.set_session_cache_mode(SSL.SESS_CACHE_OFF) == \
        SSL.SESS_CACHE_SERVER
    assert ctx.get_session_cache_mode() == SSL.SESS_CACHE_OFF


def test_session_id():
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_session_id(b"pyossl")
    with pytest.raises(SSL.Error):
        ctx.set_session_id(b"x" * 33)
    with pytest.raises(TypeError):
        ctx.set_session_id(5)
    with pytest.warns(DeprecationWarning):
        ctx.set_session_id("text")


def test_app_data():
    ctx = SSL.Context(SSL.TLS_METHOD)
    assert ctx.get_app_data() is None
    marker = object()
    ctx.set_app_data(marker)
    assert ctx.get_app_data() is marker


def test_cipher_list():
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_cipher_list(b"ECDHE-RSA-AES128-GCM-SHA256")
    conn = SSL.Connection(ctx, None)
    names = conn.get_cipher_list()
    assert "ECDHE-RSA-AES128-GCM-SHA256" in names
    assert all(isinstance(n, str) for n in names)
    with pytest.raises(SSL.Error):
        ctx.set_cipher_list(b"imaginary-cipher")
    with pytest.raises(TypeError):
        ctx.set_cipher_list(object())
    with pytest.warns(DeprecationWarning):
        ctx.set_cipher_list("DEFAULT")


def test_ciphersuites():
    ctx = SSL.Context(SSL.TLS_METHOD)
    if not LIB.available("SSL_CTX_set_ciphersuites"):
        with pytest.raises(NotImplementedError):
            ctx.set_ciphersuites(b"TLS_AES_128_GCM_SHA256")
        return
    ctx.set_ciphersuites(b"TLS_AES_128_GCM_SHA256")
    assert "TLS_AES_128_GCM_SHA256" in SSL.Connection(ctx).get_cipher_list()
    with pytest.raises(SSL.Error):
        ctx.set_ciphersuites(b"NOPE")
    with pytest.raises(TypeError):
        ctx.set_ciphersuites("TLS_AES_128_GCM_SHA256")


# -------------------------------------------------- certificates and keys --

def test_certificate_and_key_files(pki):
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.use_certificate_file(pki.server_cert)
    ctx.use_privatekey_file(pki.server_key.encode())
    ctx.check_privatekey()


def test_asn1_files(pki, tmp_path):
    der_cert = tmp_path / "cert.der"
    der_key = tmp_path / "key.der"
    cert = crypto.load_certificate(crypto.FILETYPE_PEM,
                                   pki.read("server_cert"))
    key = crypto.load_privatekey(crypto.FILETYPE_PEM, pki.read("server_key"))
    der_cert.write_bytes(crypto.dump_certificate(crypto.FILETYPE_ASN1, cert))
    der_key.write_bytes(crypto.dump_privatekey(crypto.FILETYPE_ASN1, key))
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.use_certificate_file(str(der_cert), SSL.FILETYPE_ASN1)
    ctx.use_privatekey_file(str(der_key), SSL.FILETYPE_ASN1)
    ctx.check_privatekey()


def test_mismatched_key(pki):
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.use_certificate_file(pki.server_cert)
    with pytest.raises(SSL.Error):
        ctx.use_privatekey_file(pki.client_key)
        ctx.check_privatekey()


def test_check_privatekey_without_key():
    with pytest.raises(SSL.Error):
        SSL.Context(SSL.TLS_METHOD).check_privatekey()


@pytest.mark.parametrize("meth", ["use_certificate_file",
                                  "use_privatekey_file",
                                  "use_certificate_chain_file",
                                  "load_verify_locations"])
def test_missing_files(meth, tmp_path):
    ctx = SSL.Context(SSL.TLS_METHOD)
    with pytest.raises(SSL.Error):
        getattr(ctx, meth)(str(tmp_path / "missing.pem"))


@pytest.mark.parametrize("meth", ["use_certificate_file",
                                  "use_privatekey_file",
                                  "use_certificate_chain_file"])
def test_garbage_files(meth, tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_bytes(os.urandom(300))
    with pytest.raises(SSL.Error):
        getattr(SSL.Context(SSL.TLS_METHOD), meth)(str(junk))


@pytest.mark.parametrize("meth", ["use_certificate_file",
                                  "use_privatekey_file",
                                  "use_certificate_chain_file",
                                  "load_verify_locations", "load_tmp_dh"])
@pytest.mark.parametrize("bad", [None, 5, object()])
def test_file_arguments_must_be_paths(meth, bad):
    ctx = SSL.Context(SSL.TLS_METHOD)
    if meth == "load_verify_locations" and bad is None:
        with pytest.raises(SSL.Error):
            ctx.load_verify_locations(None, None)
        return
    with pytest.raises(TypeError):
        getattr(ctx, meth)(bad)


def test_filetype_must_be_int(pki):
    ctx = SSL.Context(SSL.TLS_METHOD)
    with pytest.raises(TypeError):
        ctx.use_certificate_file(pki.server_cert, "PEM")
    with pytest.raises(TypeError):
        ctx.use_privatekey_file(pki.server_key, None)


def test_certificate_chain_file(pki):
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.use_certificate_chain_file(pki.chain)
    ctx.use_privatekey_file(pki.server_key)
    ctx.check_privatekey()


def test_objects(pki):
    cert = crypto.load_certificate(crypto.FILETYPE_PEM,
                                   pki.read("server_cert"))
    key = crypto.load_privatekey(crypto.FILETYPE_PEM, pki.read("server_key"))
    ca = crypto.load_certificate(crypto.FILETYPE_PEM, pki.read("ca_cert"))
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.use_certificate(cert)
    ctx.use_privatekey(key)
    ctx.add_extra_chain_cert(ca)
    ctx.check_privatekey()
    for meth in ("use_certificate", "use_privatekey",
                 "add_extra_chain_cert"):
        with pytest.raises(TypeError):
            getattr(ctx, meth)(object())
    with pytest.raises(TypeError):
        ctx.use_certificate(key)
    with pytest.raises(TypeError):
        ctx.use_privatekey(cert)


def test_load_verify_locations_directory(pki, tmp_path):
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.load_verify_locations(None, str(tmp_path))
    ctx.load_verify_locations(pki.ca_cert, None)


def test_default_verify_paths():
    SSL.Context(SSL.TLS_METHOD).set_default_verify_paths()


def test_cert_store_is_shared(pki):
    ctx = SSL.Context(SSL.TLS_METHOD)
    store = ctx.get_cert_store()
    ca = crypto.load_certificate(crypto.FILETYPE_PEM, pki.read("ca_cert"))
    store.add_cert(ca)
    ref = weakref.ref(ctx)
    del ctx
    for _ in range(3):    # PyPy runs __del__ a collection later
        gc.collect()
    assert ref() is not None      # the store view keeps its context alive
    del store
    for _ in range(3):    # PyPy runs __del__ a collection later
        gc.collect()
    assert ref() is None


def test_client_ca_settings(pki):
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.load_client_ca(pki.ca_cert.encode())
    ca = crypto.load_certificate(crypto.FILETYPE_PEM, pki.read("ca_cert"))
    ctx.add_client_ca(ca)
    ctx.set_client_ca_list([ca.get_subject()])
    ctx.set_client_ca_list([])
    with pytest.raises(TypeError):
        ctx.set_client_ca_list([ca])
    with pytest.raises(TypeError):
        ctx.add_client_ca(ca.get_subject())
    with pytest.raises(SSL.Error):
        ctx.load_client_ca(b"/nonexistent/ca.pem")
    with pytest.warns(DeprecationWarning):
        ctx.load_client_ca(pki.ca_cert)


def test_set_tmp_ecdh():
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_tmp_ecdh(crypto.get_elliptic_curve("prime256v1"))
    with pytest.raises(TypeError):
        ctx.set_tmp_ecdh("prime256v1")


def test_set_tmp_ecdh_accepts_every_curve():
    # As with pyOpenSSL: no curve of get_elliptic_curves() is an error; one
    # OpenSSL cannot use for TLS key exchange is a RuntimeWarning.
    unusable = []
    for curve in sorted(crypto.get_elliptic_curves(), key=lambda c: c.name):
        ctx = SSL.Context(SSL.TLS_METHOD)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ctx.set_tmp_ecdh(curve)
        if caught:
            assert [w.category for w in caught] == [RuntimeWarning]
            assert curve.name in str(caught[0].message)
            unusable.append(curve.name)
    assert "prime256v1" not in unusable
    assert "secp384r1" not in unusable


def test_set_tmp_ecdh_unusable_curve_keeps_the_curves(pki):
    unusable = None
    for curve in crypto.get_elliptic_curves():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            SSL.Context(SSL.TLS_METHOD).set_tmp_ecdh(curve)
        if caught:
            unusable = curve
            break
    if unusable is None:
        pytest.skip("this build can use every curve it lists")
    sctx = server_context(pki)
    sctx.set_tmp_ecdh(crypto.get_elliptic_curve("prime256v1"))
    with pytest.warns(RuntimeWarning):
        sctx.set_tmp_ecdh(unusable)
    server, client = memory_pair(sctx, SSL.Context(SSL.TLS_METHOD))
    handshake_memory(server, client)


def test_load_tmp_dh(tmp_path):
    dh = tmp_path / "dh.pem"
    # RFC 7919 ffdhe2048, so no slow parameter generation is needed.
    dh.write_bytes(DH_PARAMS)
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.load_tmp_dh(str(dh))
    with pytest.raises(SSL.Error):
        ctx.load_tmp_dh(str(tmp_path / "missing.pem"))
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"junk")
    with pytest.raises(SSL.Error):
        ctx.load_tmp_dh(str(junk))


DH_PARAMS = b"""-----BEGIN DH PARAMETERS-----
MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz
+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a
87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7
YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi
7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD
ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==
-----END DH PARAMETERS-----
"""


def test_passwd_cb_wrong_type():
    ctx = SSL.Context(SSL.TLS_METHOD)
    with pytest.raises(TypeError):
        ctx.set_passwd_cb(None)


def test_context_is_freed():
    ctx = SSL.Context(SSL.TLS_METHOD)
    ref = weakref.ref(ctx)
    del ctx
    gc.collect()
    assert ref() is None


@memory_test
def test_many_contexts_memory_flat():
    """Context + Connection create/drop: 2,000 measured exactly
    (``conftest.assert_memory_flat``), else 20,000 by RSS."""
    def cycle():
        SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    assert_memory_flat(cycle, 2000, 20000, 20 * 1024, warmup=500)
