"""The pyOpenSSL 2x additions to ``SSL`` (issue 12, section 1): module names,
new Context and Connection methods, ``as_cryptography=``, ``cryptography``
objects accepted, and the set_default_verify_paths fallback; with pyossl,
stdlib ``ssl`` and ``openssl`` peers."""

import os
import re
import ssl
import threading

import pytest

from conftest import GEN, run_openssl
from modern_support import (BUILD_VERSION, OpenSSLProcess, assert_needs,
                            free_port, needs_cli)
from pyossl import SSL, crypto
from ssl_helpers import (client_context, handshake_memory, memory_pair,
                         server_context, socket_pair, transfer_memory)

SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def _cryptography():
    return pytest.importorskip("cryptography.x509")


def _thread(func, *args):
    out = {}

    def run():
        try:
            out["value"] = func(*args)
        except BaseException as exc:         # noqa: B902 - re-raised
            out["error"] = exc
    t = threading.Thread(target=run, daemon=True)
    t.start()

    def join():
        t.join(20)
        assert not t.is_alive(), "peer hung"
        if "error" in out:
            raise out["error"]
        return out.get("value")
    return join


@pytest.fixture(scope="module")
def chain_pki(pki, tmp_path_factory):
    """Root (the ``pki`` CA) -> intermediate CA -> leaf for localhost.

    Paths: ``intermediate``, ``leaf``, ``leaf_key``, ``leaf_chain`` (leaf
    then intermediate).
    """
    d = tmp_path_factory.mktemp("chain")
    out = type("ChainPKI", (), {})()
    ikey, icsr, icert = d / "int.key", d / "int.csr", d / "int.pem"
    run_openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256",
                "-keyout", ikey, "-out", icsr,
                "-subj", "/O=pyossl tests/CN=pyossl intermediate CA")
    ext = d / "int.ext"
    ext.write_text("basicConstraints=critical,CA:TRUE\n"
                   "keyUsage=critical,keyCertSign,cRLSign\n")
    run_openssl("x509", "-req", "-in", icsr, "-CA", pki.ca_cert, "-CAkey",
                pki.ca_key, "-CAcreateserial", "-days", "825", "-sha256",
                "-extfile", ext, "-out", icert)
    lkey, lcsr, lcert = d / "leaf.key", d / "leaf.csr", d / "leaf.pem"
    run_openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256",
                "-keyout", lkey, "-out", lcsr,
                "-subj", "/O=pyossl tests/CN=localhost")
    lext = d / "leaf.ext"
    lext.write_text("basicConstraints=CA:FALSE\n"
                    "subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    run_openssl("x509", "-req", "-in", lcsr, "-CA", icert, "-CAkey", ikey,
                "-CAcreateserial", "-days", "825", "-sha256",
                "-extfile", lext, "-out", lcert)
    chain = d / "leaf-chain.pem"
    chain.write_bytes(lcert.read_bytes() + icert.read_bytes())
    out.intermediate, out.leaf, out.leaf_key = str(icert), str(lcert), \
        str(lkey)
    out.leaf_chain = str(chain)
    return out


def _load(path):
    with open(path, "rb") as f:
        return crypto.load_certificate(crypto.FILETYPE_PEM, f.read())


def _key(path):
    with open(path, "rb") as f:
        return crypto.load_privatekey(crypto.FILETYPE_PEM, f.read())


def _der(cert):
    return crypto.dump_certificate(crypto.FILETYPE_ASN1, cert)


# ---------------------------------------------------------------- module --

SELECTORS = ["OPENSSL_VERSION", "OPENSSL_CFLAGS", "OPENSSL_PLATFORM",
             "OPENSSL_DIR", "OPENSSL_BUILT_ON"]


@pytest.mark.parametrize("name", SELECTORS)
def test_version_selectors(name):
    value = getattr(SSL, name)
    assert type(value) is int
    assert value == getattr(SSL, "SSLEAY_" + name.split("_", 1)[1])
    assert name in SSL.__all__


def test_openssl_version_texts():
    assert "OpenSSL_version" in SSL.__all__
    version = SSL.OpenSSL_version(SSL.OPENSSL_VERSION)
    assert type(version) is bytes
    assert version.startswith(b"OpenSSL " + BUILD_VERSION.encode())
    assert version == SSL.SSLeay_version(SSL.SSLEAY_VERSION)
    assert SSL.OpenSSL_version(SSL.OPENSSL_DIR).startswith(b"OPENSSLDIR: ")
    assert SSL.OpenSSL_version(SSL.OPENSSL_CFLAGS).startswith(b"compiler: ")
    assert SSL.OpenSSL_version(SSL.OPENSSL_PLATFORM).startswith(
        b"platform: ")
    assert SSL.OpenSSL_version(SSL.OPENSSL_BUILT_ON).startswith(
        b"built on: ")


def test_openssl_version_arguments():
    assert SSL.OpenSSL_version(9999) == b"not available"
    with pytest.raises(TypeError):
        SSL.OpenSSL_version("OPENSSL_VERSION")


def test_crypto_classes_are_reexported():
    for name in ("PKey", "X509", "X509Name", "X509Store"):
        assert getattr(SSL, name) is getattr(crypto, name)


# Every name pyOpenSSL 26.x defines.
CODE_NAMES = [
    "OK", "ERR_UNABLE_TO_GET_ISSUER_CERT", "ERR_UNABLE_TO_GET_CRL",
    "ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE",
    "ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE",
    "ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY", "ERR_CERT_SIGNATURE_FAILURE",
    "ERR_CRL_SIGNATURE_FAILURE", "ERR_CERT_NOT_YET_VALID",
    "ERR_CERT_HAS_EXPIRED", "ERR_CRL_NOT_YET_VALID", "ERR_CRL_HAS_EXPIRED",
    "ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD", "ERR_ERROR_IN_CERT_NOT_AFTER_FIELD",
    "ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD", "ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD",
    "ERR_OUT_OF_MEM", "ERR_DEPTH_ZERO_SELF_SIGNED_CERT",
    "ERR_SELF_SIGNED_CERT_IN_CHAIN", "ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE", "ERR_CERT_CHAIN_TOO_LONG",
    "ERR_CERT_REVOKED", "ERR_INVALID_CA", "ERR_PATH_LENGTH_EXCEEDED",
    "ERR_INVALID_PURPOSE", "ERR_CERT_UNTRUSTED", "ERR_CERT_REJECTED",
    "ERR_SUBJECT_ISSUER_MISMATCH", "ERR_AKID_SKID_MISMATCH",
    "ERR_AKID_ISSUER_SERIAL_MISMATCH", "ERR_KEYUSAGE_NO_CERTSIGN",
    "ERR_UNABLE_TO_GET_CRL_ISSUER", "ERR_UNHANDLED_CRITICAL_EXTENSION",
    "ERR_KEYUSAGE_NO_CRL_SIGN", "ERR_UNHANDLED_CRITICAL_CRL_EXTENSION",
    "ERR_INVALID_NON_CA", "ERR_PROXY_PATH_LENGTH_EXCEEDED",
    "ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE", "ERR_PROXY_CERTIFICATES_NOT_ALLOWED",
    "ERR_INVALID_EXTENSION", "ERR_INVALID_POLICY_EXTENSION",
    "ERR_NO_EXPLICIT_POLICY", "ERR_DIFFERENT_CRL_SCOPE",
    "ERR_UNSUPPORTED_EXTENSION_FEATURE", "ERR_UNNESTED_RESOURCE",
    "ERR_PERMITTED_VIOLATION", "ERR_EXCLUDED_VIOLATION", "ERR_SUBTREE_MINMAX",
    "ERR_UNSUPPORTED_CONSTRAINT_TYPE", "ERR_UNSUPPORTED_CONSTRAINT_SYNTAX",
    "ERR_UNSUPPORTED_NAME_SYNTAX", "ERR_CRL_PATH_VALIDATION_ERROR",
    "ERR_HOSTNAME_MISMATCH", "ERR_EMAIL_MISMATCH", "ERR_IP_ADDRESS_MISMATCH",
    "ERR_APPLICATION_VERIFICATION",
]


def test_verification_codes_names():
    codes = SSL.X509VerificationCodes
    assert "X509VerificationCodes" in SSL.__all__
    for name in CODE_NAMES:
        assert type(getattr(codes, name)) is int, name
    values = [getattr(codes, name) for name in CODE_NAMES]
    assert len(set(values)) == len(values)


def _cert(subject, issuer_cert, issuer_key, key, ca=None, days=(0, 3600),
          pathlen=None):
    cert = crypto.X509()
    cert.set_version(2)
    cert.set_serial_number(abs(hash(subject)) % 10 ** 9 + 1)
    cert.get_subject().CN = subject
    cert.set_issuer((issuer_cert or cert).get_subject())
    cert.gmtime_adj_notBefore(days[0])
    cert.gmtime_adj_notAfter(days[1])
    cert.set_pubkey(key)
    if ca is not None:
        value = b"CA:TRUE" if ca else b"CA:FALSE"
        if pathlen is not None:
            value += b", pathlen:%d" % pathlen
        cert.add_extensions([crypto.X509Extension(b"basicConstraints", True,
                                                  value)])
    cert.sign(issuer_key or key, "sha256")
    return cert


def _failure(trusted, cert, chain=()):
    store = crypto.X509Store()
    for c in trusted:
        store.add_cert(c)
    with pytest.raises(crypto.X509StoreContextError) as excinfo:
        crypto.X509StoreContext(store, cert, list(chain)).verify_certificate()
    return excinfo.value


@pytest.fixture(scope="module")
def keys(pki):
    return _key(pki.ca_key), _key(pki.server_key), _key(pki.client_key)


def test_verification_codes_from_real_failures(keys):
    # Values that would be wrong for the loaded build name another failure
    # (ERR_INVALID_CA is 24 before 3.0 and 79 from 3.0 on).
    codes = SSL.X509VerificationCodes
    ca_key, key, other_key = keys
    root = _cert("root", None, None, ca_key, ca=True)
    leaf = _cert("leaf", root, ca_key, key, ca=False)
    cases = [
        ([], leaf, [], codes.ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY),
        ([], root, [], codes.ERR_DEPTH_ZERO_SELF_SIGNED_CERT),
        ([], leaf, [root], codes.ERR_SELF_SIGNED_CERT_IN_CHAIN),
        ([root], _cert("old", root, ca_key, key, ca=False,
                       days=(-7200, -3600)), [], codes.ERR_CERT_HAS_EXPIRED),
        ([root], _cert("young", root, ca_key, key, ca=False,
                       days=(3600, 7200)), [], codes.ERR_CERT_NOT_YET_VALID),
    ]
    not_ca = _cert("not a CA", root, ca_key, other_key, ca=False)
    cases.append(([root], _cert("below", not_ca, other_key, key, ca=False),
                  [not_ca], codes.ERR_INVALID_CA))
    # (1.0.2 checks path lengths of untrusted certificates only.)
    limited = _cert("limited", root, ca_key, other_key, ca=True, pathlen=0)
    middle = _cert("middle", limited, other_key, key, ca=True)
    cases.append(([root], _cert("deep", middle, key, other_key, ca=False),
                  [limited, middle], codes.ERR_PATH_LENGTH_EXCEEDED))
    for trusted, cert, chain, code in cases:
        error = _failure(trusted, cert, chain)
        assert error.errors[0] == code, (code, str(error))
    assert codes.OK == 0
    assert codes.ERR_APPLICATION_VERIFICATION == 50


def test_verify_callback_receives_pyopenssl_codes(pki):
    got = []

    def verify(conn, cert, errnum, depth, ok):
        got.append(errnum)
        return ok

    cctx = SSL.Context(SSL.TLS_METHOD)
    cctx.set_verify(SSL.VERIFY_PEER, verify)       # no trusted roots
    server, client = memory_pair(server_context(pki), cctx)
    with pytest.raises(SSL.Error):
        handshake_memory(server, client)
    assert got[0] == \
        SSL.X509VerificationCodes.ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY


# --------------------------------------------------------------- Context --

def test_tls13_ciphersuites(pki):
    if GEN == 0:
        with pytest.raises(NotImplementedError) as excinfo:
            SSL.Context(SSL.TLS_METHOD).set_tls13_ciphersuites(
                b"TLS_AES_128_GCM_SHA256")
        assert_needs(excinfo, "1.1.1")
        return
    sctx = server_context(pki)
    sctx.set_tls13_ciphersuites(b"TLS_CHACHA20_POLY1305_SHA256")
    server, client = memory_pair(sctx, client_context(pki))
    handshake_memory(server, client)
    assert client.get_protocol_version_name() == "TLSv1.3"
    assert client.get_cipher_name() == "TLS_CHACHA20_POLY1305_SHA256"


def test_tls13_ciphersuites_with_stdlib_client(pki):
    if GEN == 0:
        pytest.skip("1.0.2 has no TLS 1.3")
    ssock, csock = socket_pair()
    sctx = server_context(pki)
    sctx.set_tls13_ciphersuites(b"TLS_AES_256_GCM_SHA384")
    server = SSL.Connection(sctx, ssock)
    server.set_accept_state()
    stdctx = ssl.create_default_context(cafile=pki.ca_cert)

    def stdlib_client():
        with stdctx.wrap_socket(csock, server_hostname="localhost") as tls:
            tls.recv(10)
            return tls.cipher()[0]

    join = _thread(stdlib_client)
    server.do_handshake()
    server.sendall(b"x")
    assert join() == "TLS_AES_256_GCM_SHA384"
    ssock.close()


@pytest.mark.parametrize("bad, exc", [
    ("TLS_AES_128_GCM_SHA256", TypeError),
    (b"NOT_A_SUITE", SSL.Error),
    (b"TLS_AES_128_GCM_SHA256\0junk", ValueError)])
def test_tls13_ciphersuites_arguments(bad, exc):
    ctx = SSL.Context(SSL.TLS_METHOD)
    with pytest.raises(NotImplementedError if GEN == 0 else exc):
        ctx.set_tls13_ciphersuites(bad)


def test_clear_mode():
    ctx = SSL.Context(SSL.TLS_METHOD)
    mode = ctx.set_mode(SSL.MODE_RELEASE_BUFFERS)
    assert mode & SSL.MODE_RELEASE_BUFFERS
    cleared = ctx.clear_mode(SSL.MODE_RELEASE_BUFFERS)
    assert type(cleared) is int
    assert cleared == mode & ~SSL.MODE_RELEASE_BUFFERS
    assert ctx.clear_mode(0) == cleared


@pytest.mark.parametrize("bad, exc", [("1", TypeError), (None, TypeError),
                                      (2 ** 70, OverflowError)])
def test_clear_mode_arguments(bad, exc):
    with pytest.raises(exc):
        SSL.Context(SSL.TLS_METHOD).clear_mode(bad)


def test_clear_mode_changes_behaviour(pki):
    # Without MODE_ENABLE_PARTIAL_WRITE (set by default), a write larger
    # than the memory BIO accepts is still taken whole: observable as the
    # return value of send.
    ctx = server_context(pki)
    ctx.clear_mode(SSL.MODE_ENABLE_PARTIAL_WRITE)
    server, client = memory_pair(ctx, client_context(pki))
    handshake_memory(server, client)
    data = b"y" * 100000
    assert server.send(data) == len(data)


# ------------------------------------------------------ per connection --

def test_connection_set_options(pki):
    option = SSL.OP_NO_TLSv1_2 if GEN == 0 else SSL.OP_NO_TLSv1_3
    cctx = client_context(pki)
    if GEN == 0:
        cctx.set_min_proto_version(SSL.TLS1_1_VERSION)
    server, client = memory_pair(server_context(pki), cctx)
    mask = client.set_options(option)
    assert type(mask) is int and mask & option
    handshake_memory(server, client)
    assert client.get_protocol_version_name() == (
        "TLSv1.1" if GEN == 0 else "TLSv1.2")
    # Only that connection: another one from the same context is not
    # limited.
    server2, client2 = memory_pair(server_context(pki), cctx)
    handshake_memory(server2, client2)
    assert client2.get_protocol_version_name() == (
        "TLSv1.2" if GEN == 0 else "TLSv1.3")


@pytest.mark.parametrize("bad, exc", [("1", TypeError), (1.0, TypeError),
                                      (-1, OverflowError),
                                      (2 ** 64, OverflowError)])
def test_connection_set_options_arguments(bad, exc):
    conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    with pytest.raises(exc):
        conn.set_options(bad)


def test_connection_info_callback(pki):
    ctx_calls, conn_calls = [], []
    sctx = server_context(pki)
    sctx.set_info_callback(lambda c, w, r: ctx_calls.append(c))
    server, client = memory_pair(sctx, client_context(pki))
    server.set_info_callback(
        lambda conn, where, ret: conn_calls.append((conn, where, ret)))
    other, other_client = memory_pair(sctx, client_context(pki))
    handshake_memory(server, client)
    handshake_memory(other, other_client)
    assert conn_calls and all(c is server for c, _, _ in conn_calls)
    wheres = [w for _, w, _ in conn_calls]
    assert any(w & SSL.SSL_CB_HANDSHAKE_START for w in wheres)
    assert any(w & SSL.SSL_CB_HANDSHAKE_DONE for w in wheres)
    # The connection's callback replaces the context's for that connection
    # only.
    assert ctx_calls and all(c is other for c in ctx_calls)


def test_connection_info_callback_exception_propagates(pki):
    class Boom(Exception):
        pass

    def callback(conn, where, ret):
        if where & SSL.SSL_CB_HANDSHAKE_DONE:
            raise Boom()

    server, client = memory_pair(server_context(pki), client_context(pki))
    client.set_info_callback(callback)
    with pytest.raises(Boom):
        handshake_memory(server, client)


def test_connection_info_callback_must_be_callable():
    conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    with pytest.raises(TypeError):
        conn.set_info_callback("not callable")


def _bare_server_connection():
    server = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    server.set_accept_state()
    return server


def test_connection_use_certificate_and_key(pki):
    server = _bare_server_connection()
    server.use_certificate(_load(pki.server_cert))
    server.use_privatekey(_key(pki.server_key))
    client = SSL.Connection(client_context(pki), None)
    client.set_connect_state()
    handshake_memory(server, client)
    assert client.get_peer_certificate().get_subject().CN == "localhost"
    assert transfer_memory(client, server, b"hi") == b"hi"


def test_connection_use_cryptography_certificate_and_key(pki):
    x509 = _cryptography()
    from cryptography.hazmat.primitives import serialization
    with open(pki.server_cert, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    with open(pki.server_key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    server = _bare_server_connection()
    server.use_certificate(cert)
    server.use_privatekey(key)
    client = SSL.Connection(client_context(pki), None)
    client.set_connect_state()
    handshake_memory(server, client)
    assert client.get_peer_certificate(as_cryptography=True) == cert


def test_connection_use_private_key_that_does_not_match(pki):
    server = _bare_server_connection()
    server.use_certificate(_load(pki.server_cert))
    with pytest.raises(SSL.Error):
        server.use_privatekey(_key(pki.client_key))


@pytest.mark.parametrize("method", ["use_certificate", "use_privatekey"])
@pytest.mark.parametrize("bad", [object(), b"PEM bytes", None])
def test_connection_use_wrong_types(method, bad):
    conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    with pytest.raises(TypeError):
        getattr(conn, method)(bad)


# --------------------------------------------------- keying material --

def _tls_pair(pki, tls13=None):
    cctx = client_context(pki)
    if tls13 is False and GEN >= 1:
        cctx.set_max_proto_version(SSL.TLS1_2_VERSION)
    server, client = memory_pair(server_context(pki), cctx)
    handshake_memory(server, client)
    return server, client


@pytest.mark.parametrize("tls13", [False, True])
def test_export_keying_material_agrees(pki, tls13):
    if tls13 and GEN == 0:
        pytest.skip("1.0.2 has no TLS 1.3")
    server, client = _tls_pair(pki, tls13)
    label = b"EXPERIMENTAL-pyossl"
    a = client.export_keying_material(label, 64)
    assert type(a) is bytes and len(a) == 64
    assert a == server.export_keying_material(label, 64)
    with_context = client.export_keying_material(label, 64, b"ctx")
    assert with_context == server.export_keying_material(label, 64, b"ctx")
    assert with_context != a
    assert client.export_keying_material(label, 64, b"") != with_context
    assert client.export_keying_material(b"EXPERIMENTAL-other", 64) != a
    assert client.export_keying_material(label, 1) == \
        server.export_keying_material(label, 1)


def test_export_keying_material_before_handshake():
    conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    with pytest.raises(SSL.Error) as excinfo:
        conn.export_keying_material(b"EXPERIMENTAL-x", 16)
    assert excinfo.value.args[0], "Error without a reason"


@pytest.mark.parametrize("args, exc", [
    (("EXPERIMENTAL-x", 16), TypeError),
    ((b"EXPERIMENTAL-x", "16"), TypeError),
    ((b"EXPERIMENTAL-x", 16, "ctx"), TypeError),
    ((b"EXPERIMENTAL-x", -1), ValueError),
    ((b"EXPERIMENTAL-x", 2 ** 64), OverflowError),
])
def test_export_keying_material_arguments(pki, args, exc):
    server, client = _tls_pair(pki)
    with pytest.raises(exc):
        client.export_keying_material(*args)


@needs_cli
@pytest.mark.parametrize("tls13", [False, True])
def test_export_keying_material_matches_openssl(pki, tls13):
    if tls13 and GEN == 0:
        pytest.skip("1.0.2 has no TLS 1.3")
    port = free_port()
    with OpenSSLProcess("s_server", "-accept", "127.0.0.1:%d" % port,
                        "-cert", pki.server_cert, "-key", pki.server_key,
                        "-naccept", "1", "-tls1_3" if tls13 else "-tls1_2",
                        "-keymatexport", "EXPERIMENTAL-pyossl",
                        "-keymatexportlen", "48") as peer:
        sock = peer.wait_for_tcp(port)
        client = SSL.Connection(client_context(pki), sock)
        client.set_connect_state()
        client.do_handshake()
        mine = client.export_keying_material(b"EXPERIMENTAL-pyossl", 48)
        client.sendall(b"x\n")
        client.shutdown()
        sock.close()
        out = peer.finish()
    match = re.search(rb"Keying material: ([0-9A-F]+)", out)
    assert match, out
    assert bytes.fromhex(match.group(1).decode()) == mine


# ----------------------------------------------------------------- group --

def test_group_name(pki):
    if GEN == 0:
        with pytest.raises(NotImplementedError) as excinfo:
            SSL.Connection(SSL.Context(SSL.TLS_METHOD), None).get_group_name()
        assert_needs(excinfo, "1.1.1")
        return
    curve = crypto.get_elliptic_curve("prime256v1")
    sctx = server_context(pki)
    sctx.set_tmp_ecdh(curve)
    cctx = client_context(pki)
    cctx.set_tmp_ecdh(curve)
    server, client = memory_pair(sctx, cctx)
    assert client.get_group_name() is None
    handshake_memory(server, client)
    assert client.get_group_name() == "secp256r1"
    assert server.get_group_name() == "secp256r1"


def test_group_name_without_a_group(pki):
    sctx = server_context(pki)
    sctx.set_cipher_list(b"AES128-SHA256")         # RSA key exchange
    cctx = client_context(pki)
    cctx.set_max_proto_version(SSL.TLS1_2_VERSION)
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    if GEN == 0:
        with pytest.raises(NotImplementedError):
            client.get_group_name()
        return
    assert client.get_group_name() is None


@needs_cli
@pytest.mark.parametrize("group, name", [("X25519", "x25519"),
                                         ("P-256", "secp256r1"),
                                         ("P-384", "secp384r1")])
def test_group_name_with_openssl_s_server(pki, group, name):
    if GEN == 0 and group == "X25519":
        pytest.skip("1.0.2 has no X25519")
    port = free_port()
    with OpenSSLProcess("s_server", "-accept", "127.0.0.1:%d" % port,
                        "-cert", pki.server_cert, "-key", pki.server_key,
                        "-naccept", "1", "-groups", group) as peer:
        sock = peer.wait_for_tcp(port)
        client = SSL.Connection(client_context(pki), sock)
        client.set_connect_state()
        client.do_handshake()
        if GEN == 0:
            with pytest.raises(NotImplementedError) as excinfo:
                client.get_group_name()
            assert_needs(excinfo, "1.1.1")
        else:
            assert client.get_group_name() == name
        client.shutdown()
        sock.close()


# ---------------------------------------------------------------- chains --

def _chain_pair(pki, chain_pki):
    sctx = SSL.Context(SSL.TLS_METHOD)
    sctx.use_certificate_chain_file(chain_pki.leaf_chain)
    sctx.use_privatekey_file(chain_pki.leaf_key)
    server, client = memory_pair(sctx, client_context(pki))
    handshake_memory(server, client)
    return server, client


def test_verified_chain(pki, chain_pki):
    server, client = _chain_pair(pki, chain_pki)
    if GEN == 0:
        with pytest.raises(NotImplementedError) as excinfo:
            client.get_verified_chain()
        assert_needs(excinfo, "1.1.0")
        return
    sent = client.get_peer_cert_chain()
    verified = client.get_verified_chain()
    expected = [_load(p) for p in (chain_pki.leaf, chain_pki.intermediate,
                                   pki.ca_cert)]
    assert [_der(c) for c in sent] == [_der(c) for c in expected[:2]]
    assert [_der(c) for c in verified] == [_der(c) for c in expected]
    assert all(isinstance(c, crypto.X509) for c in verified)
    # No client certificate: nothing verified on the server.
    assert server.get_verified_chain() is None


def test_verified_chain_before_handshake():
    conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    if GEN == 0:
        with pytest.raises(NotImplementedError):
            conn.get_verified_chain()
        return
    assert conn.get_verified_chain() is None
    assert conn.get_verified_chain(as_cryptography=True) is None


def test_as_cryptography(pki, chain_pki):
    x509 = _cryptography()
    sctx = SSL.Context(SSL.TLS_METHOD)
    sctx.use_certificate_chain_file(chain_pki.leaf_chain)
    sctx.use_privatekey_file(chain_pki.leaf_key)
    sctx.set_verify(SSL.VERIFY_PEER, lambda *args: True)
    sctx.load_client_ca(pki.ca_cert.encode())
    cctx = client_context(pki)
    cctx.use_certificate_file(pki.client_cert)
    cctx.use_privatekey_file(pki.client_key)
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)

    mine = client.get_certificate(as_cryptography=True)
    assert isinstance(mine, x509.Certificate)
    assert mine == client.get_certificate().to_cryptography()
    peer = client.get_peer_certificate(as_cryptography=True)
    assert isinstance(peer, x509.Certificate)
    assert peer == _load(chain_pki.leaf).to_cryptography()
    chain = client.get_peer_cert_chain(as_cryptography=True)
    assert [c.public_bytes(_pem()) for c in chain] == \
        [c.to_cryptography().public_bytes(_pem())
         for c in client.get_peer_cert_chain()]
    if GEN >= 1:
        verified = client.get_verified_chain(as_cryptography=True)
        assert len(verified) == 3
        assert all(isinstance(c, x509.Certificate) for c in verified)
    names = client.get_client_ca_list(as_cryptography=True)
    assert names and all(isinstance(n, x509.Name) for n in names)
    assert [n.public_bytes() for n in names] == \
        [n.der() for n in client.get_client_ca_list()]
    assert names[0] == _load(pki.ca_cert).to_cryptography().subject
    # False gives pyossl objects, as without the argument.
    assert isinstance(client.get_peer_certificate(as_cryptography=False),
                      crypto.X509)


def _pem():
    from cryptography.hazmat.primitives.serialization import Encoding
    return Encoding.PEM


def test_as_cryptography_when_absent():
    _cryptography()
    conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    assert conn.get_certificate(as_cryptography=True) is None
    assert conn.get_peer_certificate(as_cryptography=True) is None
    assert conn.get_peer_cert_chain(as_cryptography=True) is None
    assert conn.get_client_ca_list(as_cryptography=True) == []


@pytest.mark.parametrize("method", ["get_certificate", "get_peer_certificate",
                                    "get_peer_cert_chain",
                                    "get_client_ca_list"])
def test_as_cryptography_is_keyword_only(method):
    conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    with pytest.raises(TypeError):
        getattr(conn, method)(True)


# ------------------------------------------ cryptography objects accepted --

def _crypto_objects(pki):
    x509 = _cryptography()
    from cryptography.hazmat.primitives import serialization
    with open(pki.server_cert, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    with open(pki.server_key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    with open(pki.ca_cert, "rb") as f:
        ca = x509.load_pem_x509_certificate(f.read())
    return cert, key, ca


def test_context_accepts_cryptography_certificate_and_key(pki):
    cert, key, ca = _crypto_objects(pki)
    sctx = SSL.Context(SSL.TLS_METHOD)
    sctx.use_certificate(cert)
    sctx.use_privatekey(key)
    sctx.check_privatekey()
    sctx.add_extra_chain_cert(ca)
    server, client = memory_pair(sctx, client_context(pki))
    handshake_memory(server, client)
    chain = client.get_peer_cert_chain(as_cryptography=True)
    assert chain == [cert, ca]


@pytest.mark.parametrize("curve", ["ec", "ed25519"])
def test_context_accepts_other_cryptography_keys(pki, curve):
    x509 = _cryptography()
    import datetime
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519
    if curve == "ec":
        key = ec.generate_private_key(ec.SECP256R1())
        algorithm = hashes.SHA256()
    else:
        if GEN == 0:
            pytest.skip("1.0.2 has no Ed25519")
        key = ed25519.Ed25519PrivateKey.generate()
        algorithm = None
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME,
                                         "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(7)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, algorithm))
    sctx = SSL.Context(SSL.TLS_METHOD)
    sctx.use_certificate(cert)
    sctx.use_privatekey(key)
    sctx.check_privatekey()
    cctx = SSL.Context(SSL.TLS_METHOD)
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    assert client.get_peer_certificate(as_cryptography=True) == cert


def test_context_client_cas_from_cryptography(pki):
    x509 = _cryptography()
    cert, key, ca = _crypto_objects(pki)
    other = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME,
                                          "other CA")])
    sctx = server_context(pki)
    sctx.set_client_ca_list([ca.subject, other,
                             _load(pki.other_ca_cert).get_subject()])
    server, client = memory_pair(sctx, client_context(pki))
    assert server.get_client_ca_list(as_cryptography=True) == [
        ca.subject, other,
        _load(pki.other_ca_cert).to_cryptography().subject]
    sctx2 = server_context(pki)
    sctx2.add_client_ca(ca)
    sctx2.set_verify(SSL.VERIFY_PEER, lambda *args: True)
    server, client = memory_pair(sctx2, client_context(pki))
    handshake_memory(server, client)
    assert client.get_client_ca_list(as_cryptography=True) == [ca.subject]


@pytest.mark.parametrize("method", ["use_certificate", "use_privatekey",
                                    "add_extra_chain_cert", "add_client_ca"])
@pytest.mark.parametrize("bad", [object(), "text", None])
def test_context_wrong_types(method, bad):
    with pytest.raises(TypeError):
        getattr(SSL.Context(SSL.TLS_METHOD), method)(bad)


def test_context_set_client_ca_list_wrong_types():
    with pytest.raises(TypeError):
        SSL.Context(SSL.TLS_METHOD).set_client_ca_list([object()])


def test_context_refuses_cryptography_public_key(pki):
    _cryptography()
    from cryptography.hazmat.primitives.asymmetric import ec
    public = ec.generate_private_key(ec.SECP256R1()).public_key()
    with pytest.raises(TypeError):
        SSL.Context(SSL.TLS_METHOD).use_privatekey(public)


def test_pyossl_objects_still_accepted_without_warning(pki, recwarn):
    sctx = SSL.Context(SSL.TLS_METHOD)
    sctx.use_certificate(_load(pki.server_cert))
    sctx.use_privatekey(_key(pki.server_key))
    sctx.add_extra_chain_cert(_load(pki.ca_cert))
    sctx.add_client_ca(_load(pki.ca_cert))
    sctx.set_client_ca_list([_load(pki.ca_cert).get_subject()])
    assert not [w for w in recwarn.list
                if issubclass(w.category, DeprecationWarning)]


# ------------------------------------------- set_default_verify_paths --

def _system_root():
    """The first certificate of the system bundle."""
    if not os.path.isfile(SYSTEM_BUNDLE):
        pytest.skip("no system CA bundle at %s" % SYSTEM_BUNDLE)
    with open(SYSTEM_BUNDLE, "rb") as f:
        pem = f.read()
    end = pem.index(b"-----END CERTIFICATE-----") + 25
    return crypto.load_certificate(crypto.FILETYPE_PEM, pem[:end])


def _trusts(ctx, cert):
    try:
        crypto.X509StoreContext(ctx.get_cert_store(),
                                cert).verify_certificate()
        return True
    except crypto.X509StoreContextError:
        return False


def _openssldir():
    text = SSL.OpenSSL_version(SSL.OPENSSL_DIR).decode()
    return text.split('"')[1]


@pytest.fixture
def no_cert_env(monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def test_default_verify_paths_find_the_system_roots(no_cert_env):
    # On builds whose OPENSSLDIR does not exist here (the downloaded 1.0.2,
    # 1.1.1 and 3.5 builds) only the fallback can find them.
    root = _system_root()
    ctx = SSL.Context(SSL.TLS_METHOD)
    assert not _trusts(ctx, root)
    ctx.set_default_verify_paths()
    assert _trusts(ctx, root)


def test_default_verify_paths_fallback_is_needed_here():
    # Records which builds the previous test exercises the fallback on.
    directory = _openssldir()
    has_certs = (os.path.isfile(os.path.join(directory, "cert.pem"))
                 or os.path.isdir(os.path.join(directory, "certs")))
    if has_certs:
        pytest.skip("this build's OPENSSLDIR (%s) holds certificates: "
                    "no fallback" % directory)
    assert not os.path.exists(os.path.join(directory, "cert.pem"))


def test_ssl_cert_file_is_used_and_disables_the_fallback(pki, monkeypatch,
                                                         tmp_path):
    root = _system_root()
    monkeypatch.setenv("SSL_CERT_FILE", pki.ca_cert)
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))      # empty
    cctx = SSL.Context(SSL.TLS_METHOD)
    cctx.set_default_verify_paths()
    assert not _trusts(cctx, root)
    cctx.set_verify(SSL.VERIFY_PEER)
    server, client = memory_pair(server_context(pki), cctx)
    handshake_memory(server, client)
    assert client.get_peer_certificate().get_subject().CN == "localhost"


def test_ssl_cert_dir_alone_disables_the_fallback(monkeypatch, tmp_path):
    root = _system_root()
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))      # empty
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_default_verify_paths()
    default_file = os.path.join(_openssldir(), "cert.pem")
    if os.path.isfile(default_file):
        pytest.skip("this build's default CA file %s exists" % default_file)
    assert not _trusts(ctx, root)


def test_default_paths_do_not_trust_a_private_ca(pki, no_cert_env):
    _system_root()
    cctx = SSL.Context(SSL.TLS_METHOD)
    cctx.set_default_verify_paths()
    cctx.set_verify(SSL.VERIFY_PEER)
    server, client = memory_pair(server_context(pki), cctx)
    with pytest.raises(SSL.Error):
        handshake_memory(server, client)


@needs_cli
def test_default_verify_paths_verify_openssl_s_server(pki, monkeypatch,
                                                      tmp_path):
    monkeypatch.setenv("SSL_CERT_FILE", pki.ca_cert)
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    port = free_port()
    with OpenSSLProcess("s_server", "-accept", "127.0.0.1:%d" % port,
                        "-cert", pki.server_cert, "-key", pki.server_key,
                        "-naccept", "1") as peer:
        sock = peer.wait_for_tcp(port)
        ctx = SSL.Context(SSL.TLS_METHOD)
        ctx.set_default_verify_paths()
        ctx.set_verify(SSL.VERIFY_PEER)
        client = SSL.Connection(ctx, sock)
        client.set_connect_state()
        client.do_handshake()
        client.shutdown()
        sock.close()
