"""Behaviour the spec's changelog (001, 16.0.0 and 16.1.0) promises.

tests/test_spec_names.py checks that every documented name exists; this
file checks the items the changelog names explicitly, over real handshakes
between two memory-BIO connections.
"""

import socket

import pytest

from conftest import GEN
from pyossl import SSL, crypto
from pyossl._runtime.errors import error_queue


def _read(path):
    with open(path, "rb") as f:
        return f.read()


@pytest.fixture(scope="module")
def material(pki):
    class M:
        ca_cert = crypto.load_certificate(crypto.FILETYPE_PEM,
                                          _read(pki.ca_cert))
        ca_key = crypto.load_privatekey(crypto.FILETYPE_PEM,
                                        _read(pki.ca_key))
        server_cert = crypto.load_certificate(crypto.FILETYPE_PEM,
                                              _read(pki.server_cert))
        server_key = crypto.load_privatekey(crypto.FILETYPE_PEM,
                                            _read(pki.server_key))
    return M


def _pair(material, server_setup=None):
    server_ctx = SSL.Context(SSL.SSLv23_METHOD)
    server_ctx.use_certificate(material.server_cert)
    server_ctx.use_privatekey(material.server_key)
    if server_setup is not None:
        server_setup(server_ctx)
    client_ctx = SSL.Context(SSL.SSLv23_METHOD)
    server = SSL.Connection(server_ctx, None)
    server.set_accept_state()
    client = SSL.Connection(client_ctx, None)
    client.set_connect_state()
    return server, client


def _pump(a, b):
    moved = False
    for src, dst in ((a, b), (b, a)):
        try:
            data = src.bio_read(65536)
        except SSL.WantReadError:
            continue
        if data:
            dst.bio_write(data)
            moved = True
    return moved


def _handshake(server, client):
    for _ in range(50):
        for conn in (client, server):
            try:
                conn.do_handshake()
            except SSL.WantReadError:
                pass
        if not _pump(client, server):
            break
    client.do_handshake()
    server.do_handshake()


def _deliver(sender, receiver, data):
    sender.send(data)
    receiver.bio_write(sender.bio_read(65536))


# ------------------------------------------------------------ 16.1.0 -------

def test_dump_privatekey_text(material):
    """16.1.0: dump_privatekey() with FILETYPE_TEXT (memory leak fixed)."""
    text = crypto.dump_privatekey(crypto.FILETYPE_TEXT, material.server_key)
    assert b"Private-Key: (2048 bit" in text  # "RSA Private-Key" on 1.1
    assert error_queue() == []


def test_crl_in_verify_context(material):
    """16.1.0: "Enable use of CRL (and more) in verify context"."""
    store = crypto.X509Store()
    store.add_cert(material.ca_cert)
    ctx = crypto.X509StoreContext(store, material.server_cert)
    assert ctx.verify_certificate() is None

    revoked = crypto.Revoked()
    revoked.set_serial(b"%x" % material.server_cert.get_serial_number())
    revoked.set_reason(b"keyCompromise")
    revoked.set_rev_date(b"20200101000000Z")
    crl = crypto.CRL()
    crl.add_revoked(revoked)
    pem = crl.export(material.ca_cert, material.ca_key, crypto.FILETYPE_PEM,
                     days=10, digest=b"sha256")
    store.add_crl(crypto.load_crl(crypto.FILETYPE_PEM, pem))
    store.set_flags(crypto.X509StoreFlags.CRL_CHECK)
    ctx = crypto.X509StoreContext(store, material.server_cert)
    with pytest.raises(crypto.X509StoreContextError) as info:
        ctx.verify_certificate()
    assert info.value.certificate.get_serial_number() == \
        material.server_cert.get_serial_number()
    assert error_queue() == []


def test_pkey_cryptography_round_trip(material):
    """16.1.0: PKey from/to cryptography objects."""
    pytest.importorskip("cryptography")
    key = material.server_key.to_cryptography_key()
    assert key.key_size == 2048
    again = crypto.PKey.from_cryptography_key(key)
    assert crypto.dump_privatekey(crypto.FILETYPE_PEM, again) == \
        crypto.dump_privatekey(crypto.FILETYPE_PEM, material.server_key)
    public = crypto.PKey.from_cryptography_key(key.public_key())
    assert public.bits() == 2048
    with pytest.raises(TypeError):
        crypto.PKey.from_cryptography_key(object())


# ------------------------------------------------------------ 16.0.0 -------

# Context.set_session_id, load_client_ca, Connection.renegotiate and
# renegotiate_pending (fixed in 16.0.0) are exercised over real handshakes in
# tests/test_ssl_context.py and tests/test_ssl_callbacks.py.


def test_connection_get_app_data_before_set(material):
    """16.0.0: get_app_data() before set_app_data() is None (not
    AttributeError)."""
    conn = SSL.Connection(SSL.Context(SSL.SSLv23_METHOD), None)
    assert conn.get_app_data() is None
    conn.set_app_data(conn)
    assert conn.get_app_data() is conn


def test_dump_and_load_publickey(material):
    """16.0.0: dump_publickey()/load_publickey()."""
    for kind in (crypto.FILETYPE_PEM, crypto.FILETYPE_ASN1):
        dumped = crypto.dump_publickey(kind, material.server_key)
        loaded = crypto.load_publickey(kind, dumped)
        assert crypto.dump_publickey(kind, loaded) == dumped
        assert loaded.bits() == 2048
    with pytest.raises(crypto.Error):
        crypto.load_publickey(crypto.FILETYPE_PEM, b"garbage")
    assert error_queue() == []


def test_dump_crl(material):
    """16.0.0: dump_crl() in every file type."""
    crl = crypto.CRL()
    crl.set_lastUpdate(b"20200101000000Z")
    crl.set_nextUpdate(b"20300101000000Z")
    crl.sign(material.ca_cert, material.ca_key, b"sha256")
    pem = crypto.dump_crl(crypto.FILETYPE_PEM, crl)
    assert pem.startswith(b"-----BEGIN X509 CRL-----")
    der = crypto.dump_crl(crypto.FILETYPE_ASN1, crl)
    assert crypto.dump_crl(
        crypto.FILETYPE_ASN1, crypto.load_crl(crypto.FILETYPE_PEM, pem)) == der
    assert b"Certificate Revocation List" in crypto.dump_crl(
        crypto.FILETYPE_TEXT, crl)
    with pytest.raises(ValueError):
        crypto.dump_crl(100, crl)


def test_get_state_string(material):
    """16.0.0: Connection.get_state_string() (SSL_state_string_long)."""
    server, client = _pair(material)
    _handshake(server, client)
    state = client.get_state_string()
    assert state == b"SSL negotiation finished successfully"
    assert server.get_state_string() == state


def test_recv_and_recv_into_msg_peek(material):
    """16.0.0: socket.MSG_PEEK for recv() and recv_into()."""
    server, client = _pair(material)
    _handshake(server, client)
    _deliver(client, server, b"hello world")
    assert server.recv(5, socket.MSG_PEEK) == b"hello"
    buf = bytearray(5)
    assert server.recv_into(buf, 5, socket.MSG_PEEK) == 5
    assert bytes(buf) == b"hello"
    assert server.recv(11) == b"hello world"  # still there after peeking
    _deliver(client, server, b"abc")
    buf = bytearray(10)
    assert server.recv_into(buf) == 3
    assert bytes(buf[:3]) == b"abc"


def test_protocol_version(material):
    """16.0.0: get_protocol_version() and get_protocol_version_name()."""
    server, client = _pair(material)
    _handshake(server, client)
    name = client.get_protocol_version_name()
    assert name == server.get_protocol_version_name()
    assert name == ("TLSv1.3" if GEN >= 1 else "TLSv1.2")
    assert client.get_protocol_version() == \
        (0x0304 if GEN >= 1 else 0x0303)


def test_string_mask_via_private_lib():
    """16.0.0: names are stored as UTF8String by default; the changelog's
    way back, ``crypto._lib.ASN1_STRING_set_default_mask_asc(b"default")``,
    works (raw C call: returns 1, or 0 for an unknown mask)."""
    def der_of(value):
        name = crypto.X509Name(crypto.X509().get_subject())
        name.CN = value
        return name.der()

    assert b"\x0c\x02\xc3\xa9" in der_of(u"\xe9")  # UTF8String
    set_mask = crypto._lib.ASN1_STRING_set_default_mask_asc
    try:
        assert set_mask(b"default") == 1
        assert b"\x0c" not in der_of(u"\xe9")[-4:]  # T61String now
        assert set_mask(b"not-a-mask") == 0
    finally:
        assert set_mask(b"utf8only") == 1
    assert b"\x0c\x02\xc3\xa9" in der_of(u"\xe9")
    assert error_queue() == []


# ------------------------------------------- documented exceptions (001) ---

def test_x509_get_extension_index_error(material):
    """X509.get_extension: "IndexError - If the extension index was out of
    bounds"."""
    cert = material.server_cert
    count = cert.get_extension_count()
    assert count >= 1
    assert isinstance(cert.get_extension(count - 1), crypto.X509Extension)
    for index in (count, -1, 10 ** 6):
        with pytest.raises(IndexError):
            cert.get_extension(index)
    assert error_queue() == []


def test_x509_get_signature_algorithm(material):
    """get_signature_algorithm: "ValueError - If the signature algorithm is
    undefined" (an unsigned certificate)."""
    assert material.server_cert.get_signature_algorithm() == \
        b"sha256WithRSAEncryption"
    with pytest.raises(ValueError):
        crypto.X509().get_signature_algorithm()
    assert error_queue() == []


def test_req_and_spki_verify_raise_error(material):
    """X509Req.verify and NetscapeSPKI.verify: "Error - If the signature is
    invalid"."""
    other = crypto.PKey()
    other.generate_key(crypto.TYPE_RSA, 2048)
    req = crypto.X509Req()
    req.set_pubkey(material.server_key)
    req.sign(material.server_key, "sha256")
    assert req.verify(material.server_key)
    with pytest.raises(crypto.Error):
        req.verify(other)
    spki = crypto.NetscapeSPKI()
    spki.set_pubkey(material.server_key)
    spki.sign(material.server_key, "sha256")
    assert spki.verify(material.server_key)
    with pytest.raises(crypto.Error):
        spki.verify(other)
    assert error_queue() == []


def test_store_errors(material):
    """X509Store.add_cert: TypeError for a non-X509; verify_certificate:
    X509StoreContextError for an untrusted chain."""
    store = crypto.X509Store()
    with pytest.raises(TypeError):
        store.add_cert(b"not a certificate")
    ctx = crypto.X509StoreContext(store, material.server_cert)
    with pytest.raises(crypto.X509StoreContextError) as info:
        ctx.verify_certificate()
    assert info.value.certificate.get_subject().CN == "localhost"
    assert error_queue() == []


def test_pkey_check_and_generate_key_errors(material):
    """PKey.check: True when consistent, TypeError for a key type that
    cannot be checked; generate_key: TypeError/ValueError for bad
    arguments."""
    assert material.server_key.check() is True
    dsa = crypto.PKey()
    dsa.generate_key(crypto.TYPE_DSA, 1024)
    with pytest.raises(TypeError):
        dsa.check()
    public = crypto.load_publickey(
        crypto.FILETYPE_PEM,
        crypto.dump_publickey(crypto.FILETYPE_PEM, material.server_key))
    with pytest.raises(TypeError):
        public.check()
    key = crypto.PKey()
    with pytest.raises(TypeError):
        key.generate_key(crypto.TYPE_RSA, "2048")
    with pytest.raises(TypeError):
        key.generate_key("RSA", 2048)
    with pytest.raises(ValueError):
        key.generate_key(crypto.TYPE_RSA, -1)
    assert error_queue() == []


def test_get_elliptic_curve():
    """get_elliptic_curve: a member of get_elliptic_curves(); "If the named
    curve is not supported then ValueError is raised"."""
    curves = crypto.get_elliptic_curves()
    assert curves
    curve = crypto.get_elliptic_curve(u"prime256v1")
    assert curve in curves and curve.name == u"prime256v1"
    with pytest.raises(ValueError):
        crypto.get_elliptic_curve(u"no-such-curve")
    assert error_queue() == []
