"""crypto.X509Req and crypto.X509Extension."""

import gc

import pytest

from conftest import requires_cli, run_openssl
from pyossl import crypto
from pyossl.crypto import (FILETYPE_ASN1, FILETYPE_PEM, FILETYPE_TEXT, Error,
                           PKey, X509, X509Extension, X509Req,
                           dump_certificate_request, load_certificate_request)




@pytest.fixture(scope="module")
def req(key):
    r = X509Req()
    r.get_subject().CN = "request.example"
    r.get_subject().O = "pyossl"
    r.set_pubkey(key)
    r.add_extensions([
        X509Extension(b"basicConstraints", False, b"CA:FALSE"),
        X509Extension(b"subjectAltName", False, b"DNS:request.example")])
    r.sign(key, "sha256")
    return r


@pytest.fixture(scope="module")
def cert(key):
    c = X509()
    c.get_subject().CN = "issuer"
    c.set_issuer(c.get_subject())
    c.set_pubkey(key)
    c.gmtime_adj_notBefore(0)
    c.gmtime_adj_notAfter(60)
    c.sign(key, "sha256")
    return c


# ------------------------------------------------------------------ X509Req --

def test_type_alias():
    assert crypto.X509ReqType is X509Req
    assert crypto.X509ExtensionType is X509Extension


def test_new_request():
    r = X509Req()
    assert r.get_version() == 0
    assert r.get_subject().get_components() == []
    assert r.get_extensions() == []
    with pytest.raises(Error):
        r.get_pubkey()


def test_version():
    r = X509Req()
    r.set_version(0)
    assert r.get_version() == 0
    with pytest.raises(TypeError):
        r.set_version("0")
    with pytest.raises(OverflowError):
        r.set_version(2 ** 100)


def test_pubkey(req, key):
    pub = req.get_pubkey()
    assert pub._only_public and pub.bits() == 2048
    with pytest.raises(TypeError):
        X509Req().set_pubkey(None)


def test_verify(req, key, other_key):
    assert req.verify(key) is True
    assert req.verify(req.get_pubkey()) is True
    with pytest.raises(Error):
        req.verify(other_key)
    with pytest.raises(TypeError):
        req.verify(None)


def test_verify_unsigned(key):
    r = X509Req()
    r.set_pubkey(key)
    with pytest.raises(Error):
        r.verify(key)


def test_sign_bad(req, key):
    r = X509Req()
    r.set_pubkey(key)
    with pytest.raises(ValueError):
        r.sign(key, "nope")
    with pytest.raises(ValueError):
        r.sign(req.get_pubkey(), "sha256")
    with pytest.raises(ValueError):
        r.sign(PKey(), "sha256")
    with pytest.raises(TypeError):
        r.sign("key", "sha256")


def test_extensions(req):
    exts = req.get_extensions()
    assert [e.get_short_name() for e in exts] == [b"basicConstraints",
                                                  b"subjectAltName"]
    assert str(exts[1]) == "DNS:request.example"
    del req
    gc.collect()
    assert str(exts[0]) == "CA:FALSE"


def test_add_extensions_bad():
    r = X509Req()
    with pytest.raises(ValueError):
        r.add_extensions([object()])
    with pytest.raises(TypeError):
        r.add_extensions(None)
    assert r.get_extensions() == []


@pytest.mark.parametrize("filetype", [FILETYPE_PEM, FILETYPE_ASN1])
def test_round_trip(req, key, filetype):
    data = dump_certificate_request(filetype, req)
    again = load_certificate_request(filetype, data)
    assert again.get_subject() == req.get_subject()
    assert again.verify(key)
    assert dump_certificate_request(filetype, again) == data
    assert len(again.get_extensions()) == 2


def test_dump_text(req):
    text = dump_certificate_request(FILETYPE_TEXT, req)
    assert b"Certificate Request:" in text
    assert b"request.example" in text


def test_load_text_buffer(req):
    pem = dump_certificate_request(FILETYPE_PEM, req).decode("ascii")
    assert load_certificate_request(FILETYPE_PEM, pem).get_subject().CN == (
        "request.example")


@pytest.mark.parametrize("filetype", [FILETYPE_PEM, FILETYPE_ASN1])
@pytest.mark.parametrize("data", [b"", b"nonsense", b"\x30\x03\x02\x01\x00"])
def test_load_garbage(filetype, data):
    with pytest.raises(Error):
        load_certificate_request(filetype, data)


def test_load_dump_bad_arguments(req):
    with pytest.raises(ValueError):
        load_certificate_request(FILETYPE_TEXT, b"x")
    with pytest.raises(TypeError):
        load_certificate_request(FILETYPE_PEM, None)
    with pytest.raises(ValueError):
        dump_certificate_request(99, req)
    with pytest.raises(TypeError):
        dump_certificate_request(FILETYPE_PEM, X509())


@requires_cli()
def test_openssl_reads_our_request(req, tmp_path):
    path = tmp_path / "req.pem"
    path.write_bytes(dump_certificate_request(FILETYPE_PEM, req))
    out = run_openssl("req", "-in", path, "-noout", "-verify", "-text")
    assert b"request.example" in out


@requires_cli()
def test_we_read_openssl_request(tmp_path):
    key_path, req_path = tmp_path / "k.pem", tmp_path / "r.pem"
    run_openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout",
                key_path, "-out", req_path, "-subj", "/C=DE/CN=cli.example",
                "-addext", "subjectAltName=DNS:cli.example")
    r = load_certificate_request(FILETYPE_PEM, req_path.read_bytes())
    key = crypto.load_privatekey(FILETYPE_PEM, key_path.read_bytes())
    assert r.verify(key)
    assert r.get_subject().C == "DE"
    assert [str(e) for e in r.get_extensions()] == ["DNS:cli.example"]


# ------------------------------------------------------------ X509Extension --

@pytest.mark.parametrize("name, critical, value, text", [
    (b"basicConstraints", True, b"CA:TRUE, pathlen:0", "CA:TRUE, pathlen:0"),
    (b"basicConstraints", False, b"CA:FALSE", "CA:FALSE"),
    (b"keyUsage", True, b"digitalSignature, keyEncipherment",
     "Digital Signature, Key Encipherment"),
    (b"extendedKeyUsage", False, b"serverAuth, clientAuth",
     "TLS Web Server Authentication, TLS Web Client Authentication"),
    (b"subjectAltName", False, b"DNS:a.example, IP:127.0.0.1",
     "DNS:a.example, IP Address:127.0.0.1"),
    (b"subjectAltName", False, b"email:me@example.com, URI:https://x.example/",
     "email:me@example.com, URI:https://x.example/"),
    (b"nsComment", False, b"hello", "hello"),
])
def test_extension(name, critical, value, text):
    ext = X509Extension(name, critical, value)
    assert ext.get_short_name() == name
    assert ext.get_critical() == (1 if critical else 0)
    assert str(ext) == text
    data = ext.get_data()
    assert isinstance(data, bytes) and data[0] in (0x30, 0x03, 0x16, 0x0c)


def test_subject_key_identifier(cert):
    ext = X509Extension(b"subjectKeyIdentifier", False, b"hash", subject=cert)
    assert ext.get_short_name() == b"subjectKeyIdentifier"
    assert len(str(ext).split(":")) == 20


def test_authority_key_identifier(cert):
    ski = X509Extension(b"subjectKeyIdentifier", False, b"hash", subject=cert)
    c = X509()
    c.add_extensions([ski])
    c.set_pubkey(cert.get_pubkey())
    aki = X509Extension(b"authorityKeyIdentifier", False, b"keyid:always",
                        issuer=c)
    assert str(ski) in str(aki)


def test_subject_key_identifier_without_subject():
    with pytest.raises(Error):
        X509Extension(b"subjectKeyIdentifier", False, b"hash")


@pytest.mark.parametrize("name, value", [
    (b"noSuchExtension", b"x"), (b"basicConstraints", b"bogus:yes"),
    (b"subjectAltName", b"nonsense"), (b"keyUsage", b"flying"),
    (b"", b"")])
def test_extension_invalid(name, value):
    with pytest.raises(Error):
        X509Extension(name, False, value)


@pytest.mark.parametrize("args", [
    ("basicConstraints", False, b"CA:TRUE"),
    (b"basicConstraints", False, "CA:TRUE"),
    (None, False, b"CA:TRUE"), (b"basicConstraints", False, None)])
def test_extension_wrong_types(args):
    with pytest.raises(TypeError):
        X509Extension(*args)


def test_extension_subject_issuer_types():
    with pytest.raises(TypeError):
        X509Extension(b"subjectKeyIdentifier", False, b"hash", subject="x")
    with pytest.raises(TypeError):
        X509Extension(b"authorityKeyIdentifier", False, b"keyid",
                      issuer=PKey())


def test_san_with_nul_byte_is_not_truncated():
    ext = X509Extension(b"subjectAltName", False,
                        b"DNS:a.example, email:x@y.example")
    assert str(ext) == "DNS:a.example, email:x@y.example"
