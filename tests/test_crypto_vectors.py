"""Real-world certificates and requests from the cryptography_vectors
package load and report the right fields."""

import os

import pytest

from pyossl import crypto
from pyossl.crypto import FILETYPE_ASN1, FILETYPE_PEM

vectors = pytest.importorskip("cryptography_vectors")
X509_DIR = os.path.join(os.path.dirname(vectors.__file__), "x509")


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
    "ee-pss-sha1-cert.pem", "scottishpower-bitstring-dn.pem",
    "badasn1time.pem", "custom/invalid_version.pem",
    "custom/rsa_pss_cert_invalid_mgf.der", "custom/cp_invalid.pem",
    "custom/nc_ip_invalid_length.pem", "custom/bad_country.pem",
    "belgian-eid-invalid-visiblestring.pem",
    "custom/invalid_utf8_common_name.pem"])
def test_load_and_print_everything(name):
    try:
        cert = load(name)
    except crypto.Error:
        pytest.skip("this OpenSSL refuses %s" % name)
    cert.get_subject().get_components()
    cert.get_issuer().get_components()
    repr(cert.get_subject())
    cert.get_serial_number()
    cert.get_version()
    for getter in (cert.get_notBefore, cert.get_notAfter, cert.has_expired,
                   cert.get_pubkey):
        try:
            getter()
        except crypto.Error as exc:
            assert exc.args[0]      # never an empty error list
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
    try:
        assert crypto.dump_certificate(crypto.FILETYPE_TEXT, cert)
    except crypto.Error as exc:     # 1.1.1 cannot print a bad time
        assert exc.args[0]


@pytest.mark.parametrize("name", ["requests/rsa_sha256.pem",
                                  "requests/ec_sha256.pem",
                                  "requests/dsa_sha1.pem"])
def test_requests(name):
    with open(os.path.join(X509_DIR, name), "rb") as f:
        req = crypto.load_certificate_request(FILETYPE_PEM, f.read())
    assert req.verify(req.get_pubkey())
    assert req.get_subject().C == "US"
    assert req.get_subject().CN == "cryptography.io"


# CPython's Lib/test/nullbytecert.pem: NUL bytes inside the subject CN and
# inside DNS, email and URI subjectAltNames (CVE-2013-4073 test vector).
NULL_BYTE_SAN_PEM = b"""-----BEGIN CERTIFICATE-----
MIIE2DCCA8CgAwIBAgIBADANBgkqhkiG9w0BAQUFADCBxTELMAkGA1UEBhMCVVMx
DzANBgNVBAgMBk9yZWdvbjESMBAGA1UEBwwJQmVhdmVydG9uMSMwIQYDVQQKDBpQ
eXRob24gU29mdHdhcmUgRm91bmRhdGlvbjEgMB4GA1UECwwXUHl0aG9uIENvcmUg
RGV2ZWxvcG1lbnQxJDAiBgNVBAMMG251bGwucHl0aG9uLm9yZwBleGFtcGxlLm9y
ZzEkMCIGCSqGSIb3DQEJARYVcHl0aG9uLWRldkBweXRob24ub3JnMB4XDTEzMDgw
NzEzMTE1MloXDTEzMDgwNzEzMTI1MlowgcUxCzAJBgNVBAYTAlVTMQ8wDQYDVQQI
DAZPcmVnb24xEjAQBgNVBAcMCUJlYXZlcnRvbjEjMCEGA1UECgwaUHl0aG9uIFNv
ZnR3YXJlIEZvdW5kYXRpb24xIDAeBgNVBAsMF1B5dGhvbiBDb3JlIERldmVsb3Bt
ZW50MSQwIgYDVQQDDBtudWxsLnB5dGhvbi5vcmcAZXhhbXBsZS5vcmcxJDAiBgkq
hkiG9w0BCQEWFXB5dGhvbi1kZXZAcHl0aG9uLm9yZzCCASIwDQYJKoZIhvcNAQEB
BQADggEPADCCAQoCggEBALXq7cn7Rn1vO3aA3TrzA5QLp6bb7B3f/yN0CJ2XFj+j
pHs+Gw6WWSUDpybiiKnPec33BFawq3kyblnBMjBU61ioy5HwQqVkJ8vUVjGIUq3P
vX/wBmQfzCe4o4uM89gpHyUL9UYGG8oCRa17dgqcv7u5rg0Wq2B1rgY+nHwx3JIv
KRrgSwyRkGzpN8WQ1yrXlxWjgI9de0mPVDDUlywcWze1q2kwaEPTM3hLAmD1PESA
oY/n8A/RXoeeRs9i/Pm/DGUS8ZPINXk/yOzsR/XvvkTVroIeLZqfmFpnZeF0cHzL
08LODkVJJ9zjLdT7SA4vnne4FEbAxDbKAq5qkYzaL4UCAwEAAaOB0DCBzTAMBgNV
HRMBAf8EAjAAMB0GA1UdDgQWBBSIWlXAUv9hzVKjNQ/qWpwkOCL3XDALBgNVHQ8E
BAMCBeAwgZAGA1UdEQSBiDCBhYIeYWx0bnVsbC5weXRob24ub3JnAGV4YW1wbGUu
Y29tgSBudWxsQHB5dGhvbi5vcmcAdXNlckBleGFtcGxlLm9yZ4YpaHR0cDovL251
bGwucHl0aG9uLm9yZwBodHRwOi8vZXhhbXBsZS5vcmeHBMAAAgGHECABDbgAAAAA
AAAAAAAAAAEwDQYJKoZIhvcNAQEFBQADggEBAKxPRe99SaghcI6IWT7UNkJw9aO9
i9eo0Fj2MUqxpKbdb9noRDy2CnHWf7EIYZ1gznXPdwzSN4YCjV5d+Q9xtBaowT0j
HPERs1ZuytCNNJTmhyqZ8q6uzMLoht4IqH/FBfpvgaeC5tBTnTT0rD5A/olXeimk
kX4LxlEx5RAvpGB2zZVRGr6LobD9rVK91xuHYNIxxxfEGE8tCCWjp0+3ksri9SXx
VHWBnbM9YaL32u3hxm8sYB/Yb8WSBavJCWJJqRStVRHM1koZlJmXNx2BX4vPo6iW
RFEIPQsFZRLrtnCAiEhyT8bC2s/Njlu6ly9gtJZWSV46Q3ZjBL4q9sHKqZQ=
-----END CERTIFICATE-----
"""


def test_nul_bytes_in_names_are_not_truncated():
    cert = crypto.load_certificate(FILETYPE_PEM, NULL_BYTE_SAN_PEM)
    assert cert.get_subject().CN == "null.python.org\x00example.org"
    assert (b"CN", b"null.python.org\x00example.org") in (
        cert.get_subject().get_components())
    san = str(extensions(cert)[b"subjectAltName"])
    assert san.rstrip("\n") == (
        "DNS:altnull.python.org\x00example.com, "
        "email:null@python.org\x00user@example.org, "
        "URI:http://null.python.org\x00http://example.org, "
        "IP Address:192.0.2.1, IP Address:2001:DB8:0:0:0:0:0:1")


def test_unparsable_time():
    cert = load("badasn1time.pem")
    assert cert.get_notBefore() == b"20110321092552Z"
    with pytest.raises(crypto.Error):
        cert.get_notAfter()
    with pytest.raises(crypto.Error):
        cert.has_expired()


def test_bad_country_is_read_as_is():
    cert = load("custom/bad_country.pem")
    assert cert.get_subject().C == "too long"
