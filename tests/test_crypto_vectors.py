"""Real-world certificates and requests from the cryptography_vectors
package load and report the right fields."""

import os

import pytest

from pyossl import crypto
from pyossl._util import lib
from pyossl.crypto import FILETYPE_ASN1, FILETYPE_PEM

vectors = pytest.importorskip("cryptography_vectors")
X509_DIR = os.path.join(os.path.dirname(vectors.__file__), "x509")


@pytest.fixture(autouse=True)
def empty_error_queue():
    lib.ERR_clear_error()
    yield
    assert lib.ERR_peek_error() == 0, "error queue left non-empty"


def load(name):
    path = os.path.join(X509_DIR, name)
    with open(path, "rb") as f:
        data = f.read()
    filetype = FILETYPE_ASN1 if name.endswith(".der") else FILETYPE_PEM
    return crypto.load_certificate(filetype, data)


def extensions(cert):
    result = {}
    for i in range(cert.get_extension_count()):
        ext = cert.get_extension(i)
        result[ext.get_short_name()] = ext
    return result


def test_cryptography_io():
    cert = load("cryptography.io.pem")
    assert cert.get_subject().CN == "www.cryptography.io"
    assert cert.get_subject().OU == "GT48742965"
    issuer = cert.get_issuer()
    assert (issuer.C, issuer.O, issuer.CN) == (
        "US", "GeoTrust Inc.", "RapidSSL SHA256 CA - G3")
    assert cert.get_serial_number() == 0x3F20
    assert cert.get_notBefore() == b"20141015120932Z"
    assert cert.get_notAfter() == b"20181116011503Z"
    assert cert.has_expired()
    assert cert.get_version() == 2
    assert cert.get_signature_algorithm() == b"sha256WithRSAEncryption"
    exts = extensions(cert)
    assert str(exts[b"subjectAltName"]) == (
        "DNS:www.cryptography.io, DNS:cryptography.io")
    assert str(exts[b"basicConstraints"]) == "CA:FALSE"
    assert exts[b"basicConstraints"].get_critical()
    assert cert.get_pubkey().bits() == 4096


def test_wildcard_san():
    cert = load("wildcard_san.pem")
    assert cert.get_subject().CN == "*.langui.sh"
    assert cert.get_issuer().emailAddress == "ca@trustwave.com"
    assert cert.get_serial_number() == int(
        "065C8C4066B8CAC89AC895D5A3635AA27943DF", 16)
    assert str(extensions(cert)[b"subjectAltName"]) == (
        "DNS:*.langui.sh, DNS:langui.sh, DNS:*.saseliminator.com, "
        "DNS:saseliminator.com")


def test_ecdsa_root():
    cert = load("ecdsa_root.pem")
    assert cert.get_subject() == cert.get_issuer()
    assert cert.get_subject().CN == "DigiCert Global Root G3"
    assert cert.get_notAfter() == b"20380115120000Z"
    assert not cert.has_expired()
    key = cert.get_pubkey()
    assert key.type() == crypto.TYPE_EC and key.bits() == 384
    assert cert.get_signature_algorithm() == b"ecdsa-with-SHA384"
    assert str(extensions(cert)[b"basicConstraints"]) == "CA:TRUE"


def test_letsencrypt_pathlen():
    cert = load("letsencryptx3.pem")
    assert cert.get_subject().O == "Let's Encrypt"
    assert str(extensions(cert)[b"basicConstraints"]) == "CA:TRUE, pathlen:0"


def test_v1_certificate():
    cert = load("v1_cert.pem")
    assert cert.get_version() == 0
    assert cert.get_extension_count() == 0
    assert cert.get_serial_number() == 0x18
    assert cert.get_notBefore() == b"19950619233312Z"
    assert cert.get_subject().CN == "SSLeay/rsa test cert"


def test_negative_serial():
    cert = load("custom/negative_serial.pem")
    assert cert.get_serial_number() == -0x04316693ED


def test_all_supported_names():
    cert = load("custom/all_supported_names.pem")
    subject = cert.get_subject()
    # Attribute access returns the first of repeated fields.
    assert subject.C == "AU"
    assert subject.ST == "California"
    assert subject.commonName == "CN 0"
    assert subject.title == "Title IX"
    assert subject.pseudonym == "Guy Incognito 0"
    components = subject.get_components()
    assert (b"generationQualifier", b"Dreamcast") in components
    assert (b"emailAddress", b"test3@test.local") in components
    assert len(components) == 30


def test_utf8_names():
    cert = load("utf8-dnsname.pem")
    assert cert.get_subject().O == "Biztosítás.hu Kft."
    san = str(extensions(cert)[b"subjectAltName"])
    assert "DNS:biztosítás.hu" in san


def test_mixed_san():
    cert = load("custom/san_email_dns_ip_dirname_uri.pem")
    san = str(extensions(cert)[b"subjectAltName"])
    assert san.startswith("email:user@cryptography.io, DNS:cryptography.io, "
                          "IP Address:127.0.0.1, IP Address:FF:0:0:0:0:0:0:0")
    assert "dirCN" in san
    assert san.endswith("URI:https://cryptography.io")


@pytest.mark.parametrize("name", [
    "san_edipartyname.der", "san_x400address.der", "bigoid.pem",
    "custom/san_other_name.pem", "custom/san_registered_id.pem",
    "custom/post2000utctime.pem", "accvraiz1.pem", "e-trust.ru.der",
    "department-of-state-root.pem", "unique_identifier.pem",
    "ee-pss-sha1-cert.pem", "scottishpower-bitstring-dn.pem"])
def test_load_and_print_everything(name):
    try:
        cert = load(name)
    except crypto.Error:
        pytest.skip("this OpenSSL refuses %s" % name)
    cert.get_subject().get_components()
    cert.get_issuer().get_components()
    repr(cert.get_subject())
    cert.get_serial_number()
    cert.get_notBefore()
    cert.get_notAfter()
    for i in range(cert.get_extension_count()):
        ext = cert.get_extension(i)
        ext.get_short_name()
        ext.get_data()
        try:
            str(ext)
        except crypto.Error:
            pass
    try:
        cert.get_signature_algorithm()
    except ValueError:
        pass
    assert crypto.dump_certificate(FILETYPE_ASN1, cert)
    assert crypto.dump_certificate(crypto.FILETYPE_TEXT, cert)


@pytest.mark.parametrize("name", ["requests/rsa_sha256.pem",
                                  "requests/ec_sha256.pem",
                                  "requests/dsa_sha1.pem"])
def test_requests(name):
    with open(os.path.join(X509_DIR, name), "rb") as f:
        req = crypto.load_certificate_request(FILETYPE_PEM, f.read())
    assert req.verify(req.get_pubkey())
    assert req.get_subject().C == "US"
    assert req.get_subject().CN == "cryptography.io"
