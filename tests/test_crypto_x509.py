"""crypto.X509: fields, dates, signing, digests, extensions, serialization,
interop with the openssl command."""

import gc
import weakref

import pytest

from conftest import requires_cli, run_openssl
from pyossl import crypto
from pyossl._crypto import common as _common
from pyossl.crypto import (FILETYPE_ASN1, FILETYPE_PEM, FILETYPE_TEXT, Error,
                           PKey, X509, X509Extension, dump_certificate,
                           load_certificate, load_privatekey)




def make_cert(key, cn="pyossl", serial=1, issuer=None, issuer_key=None,
              extensions=()):
    cert = X509()
    cert.set_version(2)
    cert.set_serial_number(serial)
    cert.get_subject().CN = cn
    cert.get_subject().O = "pyossl tests"
    cert.set_issuer(issuer.get_subject() if issuer else cert.get_subject())
    cert.gmtime_adj_notBefore(-60)
    cert.gmtime_adj_notAfter(3600)
    cert.set_pubkey(key)
    cert.add_extensions(list(extensions))
    cert.sign(issuer_key or key, "sha256")
    return cert


@pytest.fixture(scope="module")
def cert(key):
    return make_cert(key)


# --------------------------------------------------------------- fields --

def test_type_alias():
    assert crypto.X509Type is X509


def test_empty_certificate():
    cert = X509()
    assert cert.get_version() == 0
    assert cert.get_serial_number() == 0
    assert cert.get_notBefore() is None
    assert cert.get_notAfter() is None
    assert cert.get_subject().get_components() == []
    assert cert.get_extension_count() == 0
    with pytest.raises(ValueError):
        cert.get_signature_algorithm()
    with pytest.raises(Error):
        cert.get_pubkey()
    with pytest.raises(ValueError):     # issue 12: no notAfter time
        cert.has_expired()


@pytest.mark.parametrize("version", [0, 1, 2])
def test_version(version):
    cert = X509()
    cert.set_version(version)
    assert cert.get_version() == version


@pytest.mark.parametrize("bad, exc", [("2", TypeError), (None, TypeError),
                                      (1.0, TypeError),
                                      (2 ** 80, OverflowError)])
def test_version_bad(bad, exc):
    with pytest.raises(exc):
        X509().set_version(bad)


@pytest.mark.parametrize("serial", [0, 1, 0x7F, 0x80, 2 ** 31, 2 ** 64 + 3,
                                    2 ** 159 - 1, 17 ** 60])
def test_serial_number(serial):
    cert = X509()
    cert.set_serial_number(serial)
    assert cert.get_serial_number() == serial


def test_serial_number_survives_serialization(key):
    cert = make_cert(key, serial=2 ** 120 + 5)
    again = load_certificate(FILETYPE_ASN1,
                             dump_certificate(FILETYPE_ASN1, cert))
    assert again.get_serial_number() == 2 ** 120 + 5


@pytest.mark.parametrize("bad", ["1", 1.5, None, b"\x01"])
def test_serial_number_wrong_type(bad):
    with pytest.raises(TypeError):
        X509().set_serial_number(bad)


def test_serial_number_negative():
    cert = X509()
    with pytest.raises(Error):
        cert.set_serial_number(-1)
    assert cert.get_serial_number() == 0


def test_pubkey(key, cert):
    pub = cert.get_pubkey()
    assert pub._only_public and pub.bits() == 2048
    assert crypto.dump_publickey(FILETYPE_PEM, pub) == crypto.dump_publickey(
        FILETYPE_PEM, key)


@pytest.mark.parametrize("bad", [None, "key", X509()])
def test_set_pubkey_bad(bad):
    with pytest.raises(TypeError):
        X509().set_pubkey(bad)


def test_dates():
    cert = X509()
    cert.set_notBefore(b"20200102030405Z")
    cert.set_notAfter(b"21000102030405Z")
    assert cert.get_notBefore() == b"20200102030405Z"
    assert cert.get_notAfter() == b"21000102030405Z"
    assert not cert.has_expired()
    cert.set_notAfter(b"20010101000000Z")
    assert cert.has_expired()


def test_dates_with_offset():
    cert = X509()
    cert.set_notBefore(b"20200102030405+0100")
    value = cert.get_notBefore()
    assert value.startswith(b"2020010203")


def test_utctime_is_converted(pki):
    cert = load_certificate(FILETYPE_PEM, pki.read("server_cert"))
    before = cert.get_notBefore()
    assert len(before) == 15 and before.endswith(b"Z")
    assert before[:2] == b"20"


@pytest.mark.parametrize("bad", [b"", b"yesterday", b"2020",
                                 b"20201301000000Z", b"20200102030475Z"])
def test_set_date_invalid(bad):
    cert = X509()
    with pytest.raises(ValueError):
        cert.set_notBefore(bad)


@pytest.mark.parametrize("bad", ["20200102030405Z", None, 20200102030405])
def test_set_date_not_bytes(bad):
    with pytest.raises(TypeError):
        X509().set_notAfter(bad)


def test_gmtime_adj():
    cert = X509()
    cert.gmtime_adj_notBefore(0)
    cert.gmtime_adj_notAfter(10)
    assert cert.get_notBefore() < cert.get_notAfter()
    assert not cert.has_expired()
    cert.gmtime_adj_notAfter(-3600)
    assert cert.has_expired()


@pytest.mark.parametrize("bad, exc", [("10", TypeError), (None, TypeError),
                                      (2 ** 70, OverflowError)])
def test_gmtime_adj_bad(bad, exc):
    with pytest.raises(exc):
        X509().gmtime_adj_notBefore(bad)
    with pytest.raises(exc):
        X509().gmtime_adj_notAfter(bad)


# ---------------------------------------------------------------- names --

def test_subject_view_modifies_certificate():
    cert = X509()
    subject = cert.get_subject()
    subject.CN = "first"
    assert cert.get_subject().CN == "first"
    other_view = cert.get_subject()
    subject.CN = "second"
    assert other_view.CN == "second"
    assert other_view == subject


def test_subject_view_keeps_certificate_alive():
    cert = X509()
    cert.get_subject().CN = "alive"
    ref = weakref.ref(cert)
    name = cert.get_subject()
    del cert
    gc.collect()
    assert ref() is not None
    assert name.CN == "alive"
    name.O = "still"
    assert ref().get_subject().O == "still"


def test_views_survive_set_subject_and_set_issuer():
    cert = X509()
    subject = cert.get_subject()
    issuer = cert.get_issuer()
    new = X509().get_subject()
    new.CN = "replacement"
    cert.set_subject(new)
    cert.set_issuer(new)
    gc.collect()
    # The old names were freed by OpenSSL; the views follow the new ones.
    assert subject.CN == "replacement"
    assert issuer.CN == "replacement"
    new.CN = "changed later"
    assert subject.CN == "replacement"      # set_* copies the name


def test_issuer(cert):
    assert cert.get_issuer().CN == "pyossl"
    assert cert.get_issuer() == cert.get_subject()


@pytest.mark.parametrize("bad", [None, "CN=x", X509()])
def test_set_subject_bad(bad):
    with pytest.raises(TypeError):
        X509().set_subject(bad)
    with pytest.raises(TypeError):
        X509().set_issuer(bad)


def test_subject_name_hash(pki):
    cert = load_certificate(FILETYPE_PEM, pki.read("ca_cert"))
    expected = int(run_openssl("x509", "-in", pki.ca_cert, "-noout",
                               "-subject_hash").strip(), 16)
    assert cert.subject_name_hash() == expected
    assert cert.get_subject().hash() == expected


# ------------------------------------------------------ signing, digests --

def test_sign_and_signature_algorithm(key):
    cert = make_cert(key)
    assert cert.get_signature_algorithm() == b"sha256WithRSAEncryption"
    cert.sign(key, b"sha384")
    assert cert.get_signature_algorithm() == b"sha384WithRSAEncryption"


def test_sign_bad_arguments(key, cert):
    with pytest.raises(TypeError):
        cert.sign(None, "sha256")
    with pytest.raises(ValueError):
        cert.sign(key, "no-such-digest")
    with pytest.raises(ValueError):
        cert.sign(cert.get_pubkey(), "sha256")
    with pytest.raises(ValueError):
        cert.sign(PKey(), "sha256")
    with pytest.raises(TypeError):
        cert.sign(key, None)


def test_sign_unset_certificate(key):
    cert = X509()
    # OpenSSL signs whatever is there (an empty tbsCertificate) or refuses;
    # either way no crash and a clean queue.
    try:
        cert.sign(key, "sha256")
    except Error:
        pass


@pytest.mark.parametrize("name, length", [("md5", 16), ("sha1", 20),
                                          (b"sha256", 32), ("SHA512", 64)])
def test_digest(cert, name, length):
    digest = cert.digest(name)
    parts = digest.split(b":")
    assert len(parts) == length
    assert all(len(p) == 2 and p == p.upper() for p in parts)


def test_digest_matches_openssl(pki):
    cert = load_certificate(FILETYPE_PEM, pki.read("server_cert"))
    out = run_openssl("x509", "-in", pki.server_cert, "-noout",
                      "-fingerprint", "-sha256")
    assert out.strip().split(b"=", 1)[1] == cert.digest("sha256")


def test_digest_unknown(cert):
    with pytest.raises(ValueError):
        cert.digest("sha-17")
    with pytest.raises(TypeError):
        cert.digest(None)


# ------------------------------------------------------------ extensions --

def test_extensions(key):
    exts = [X509Extension(b"basicConstraints", True, b"CA:TRUE, pathlen:0"),
            X509Extension(b"subjectAltName", False,
                          b"DNS:a.example, IP:127.0.0.1")]
    cert = make_cert(key, extensions=exts)
    assert cert.get_extension_count() == 2
    bc = cert.get_extension(0)
    assert bc.get_short_name() == b"basicConstraints"
    assert bc.get_critical() == 1
    assert str(bc) == "CA:TRUE, pathlen:0"
    san = cert.get_extension(1)
    assert san.get_critical() == 0
    assert str(san) == "DNS:a.example, IP Address:127.0.0.1"
    assert san.get_data() == exts[1].get_data()


def test_get_extension_out_of_range(cert):
    for index in (cert.get_extension_count(), -1, 2 ** 40):
        with pytest.raises(IndexError):
            cert.get_extension(index)
    with pytest.raises(TypeError):
        cert.get_extension("0")


def test_extension_outlives_certificate(key):
    cert = make_cert(key, extensions=[
        X509Extension(b"basicConstraints", False, b"CA:FALSE")])
    ext = cert.get_extension(0)
    del cert
    gc.collect()
    assert str(ext) == "CA:FALSE"


def test_add_extensions_bad(cert):
    with pytest.raises(ValueError):
        X509().add_extensions(["basicConstraints"])
    with pytest.raises(TypeError):
        X509().add_extensions(None)


# --------------------------------------------------------- serialization --

@pytest.mark.parametrize("filetype", [FILETYPE_PEM, FILETYPE_ASN1])
def test_round_trip(cert, filetype):
    data = dump_certificate(filetype, cert)
    again = load_certificate(filetype, data)
    assert dump_certificate(filetype, again) == data
    assert again.get_subject() == cert.get_subject()
    assert again.digest("sha256") == cert.digest("sha256")


def test_load_text_pem(cert):
    pem = dump_certificate(FILETYPE_PEM, cert).decode("ascii")
    assert load_certificate(FILETYPE_PEM, pem).get_subject().CN == "pyossl"


def test_dump_text(cert):
    text = dump_certificate(FILETYPE_TEXT, cert)
    assert b"Certificate:" in text
    assert b"CN=pyossl" in text.replace(b" = ", b"=")


@pytest.mark.parametrize("filetype", [FILETYPE_PEM, FILETYPE_ASN1])
@pytest.mark.parametrize("data", [b"", b"junk", b"\x30\x82\xff\xff\x00",
                                  b"-----BEGIN CERTIFICATE-----\nQUJD\n"
                                  b"-----END CERTIFICATE-----\n"])
def test_load_garbage(filetype, data):
    with pytest.raises(Error):
        load_certificate(filetype, data)


def test_load_truncated(cert):
    der = dump_certificate(FILETYPE_ASN1, cert)
    for cut in (1, 10, len(der) // 2, len(der) - 1):
        with pytest.raises(Error):
            load_certificate(FILETYPE_ASN1, der[:cut])


def test_load_bad_arguments():
    with pytest.raises(ValueError):
        load_certificate(FILETYPE_TEXT, b"x")
    with pytest.raises(TypeError):
        load_certificate(FILETYPE_PEM, None)
    with pytest.raises(TypeError):
        load_certificate(FILETYPE_PEM, 5)


def test_dump_bad_arguments(cert):
    with pytest.raises(ValueError):
        dump_certificate(7, cert)
    with pytest.raises(TypeError):
        dump_certificate(FILETYPE_PEM, None)
    with pytest.raises(TypeError):
        dump_certificate(FILETYPE_PEM, PKey())


def test_x509_new_ref(cert):
    ptr = _common.x509_new_ref(cert._x509)
    other = X509._from_owned(ptr)
    assert other._x509 == cert._x509
    del other
    gc.collect()
    assert cert.get_subject().CN == "pyossl"


# ----------------------------------------------------- openssl command --

@requires_cli()
def test_openssl_made_certificate(pki):
    ca = load_certificate(FILETYPE_PEM, pki.read("ca_cert"))
    server = load_certificate(FILETYPE_PEM, pki.read("server_cert"))
    assert server.get_subject().CN == "localhost"
    assert server.get_issuer() == ca.get_subject()
    assert ca.get_subject().O == "pyossl tests"
    assert server.get_version() == 2
    serial = run_openssl("x509", "-in", pki.server_cert, "-noout", "-serial")
    assert server.get_serial_number() == int(serial.split(b"=")[1], 16)
    names = [server.get_extension(i).get_short_name()
             for i in range(server.get_extension_count())]
    san = server.get_extension(names.index(b"subjectAltName"))
    assert str(san) == "DNS:localhost, IP Address:127.0.0.1"
    key = load_privatekey(FILETYPE_PEM, pki.read("server_key"))
    assert crypto.dump_publickey(FILETYPE_PEM, key) == crypto.dump_publickey(
        FILETYPE_PEM, server.get_pubkey())
    assert not server.has_expired()


@requires_cli()
def test_openssl_accepts_our_certificates(tmp_path, key, other_key):
    ca = make_cert(key, cn="pyossl CA", extensions=[
        X509Extension(b"basicConstraints", True, b"CA:TRUE"),
        X509Extension(b"keyUsage", True, b"keyCertSign, cRLSign")])
    ca_ski = X509Extension(b"subjectKeyIdentifier", False, b"hash",
                           subject=ca)
    ca = make_cert(key, cn="pyossl CA", extensions=[
        X509Extension(b"basicConstraints", True, b"CA:TRUE"),
        X509Extension(b"keyUsage", True, b"keyCertSign, cRLSign"), ca_ski])
    leaf = make_cert(other_key, cn="leaf.example", serial=77, issuer=ca,
                     issuer_key=key, extensions=[
                         X509Extension(b"subjectAltName", False,
                                       b"DNS:leaf.example"),
                         X509Extension(b"authorityKeyIdentifier", False,
                                       b"keyid:always", issuer=ca)])
    (tmp_path / "ca.pem").write_bytes(dump_certificate(FILETYPE_PEM, ca))
    (tmp_path / "leaf.pem").write_bytes(dump_certificate(FILETYPE_PEM, leaf))
    out = run_openssl("verify", "-CAfile", tmp_path / "ca.pem",
                      tmp_path / "leaf.pem")
    assert out.strip().endswith(b"OK")
    text = run_openssl("x509", "-in", tmp_path / "leaf.pem", "-noout",
                       "-text")
    assert b"DNS:leaf.example" in text
    assert b"Serial Number: 77" in text


# ----------------------------------------------------- signatures (sign) --

@pytest.fixture(scope="module")
def ec_material():
    pem = run_openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                      "ec_paramgen_curve:P-256")
    key = load_privatekey(FILETYPE_PEM, pem)
    return key, make_cert(key, cn="ec")


@pytest.fixture(scope="module")
def dsa_material():
    key = PKey()
    key.generate_key(crypto.TYPE_DSA, 1024)
    return key, make_cert(key, cn="dsa")


@pytest.mark.parametrize("which", ["rsa", "dsa", "ec"])
@pytest.mark.parametrize("digest", ["sha256", b"sha1", "SHA512"])
def test_sign_verify(request, key, cert, which, digest):
    if which == "rsa":
        skey, scert = key, cert
    else:
        skey, scert = request.getfixturevalue(which + "_material")
    data = b"some data to sign \x00\xff"
    signature = crypto.sign(skey, data, digest)
    assert crypto.verify(scert, signature, data, digest) is None
    with pytest.raises(Error):
        crypto.verify(scert, signature, data + b"!", digest)
    bad = bytearray(signature)
    bad[len(bad) // 2] ^= 0x40
    with pytest.raises(Error):
        crypto.verify(scert, bytes(bad), data, digest)


def test_verify_with_wrong_certificate(key, other_key, cert):
    other = make_cert(other_key)
    signature = crypto.sign(key, b"data", "sha256")
    with pytest.raises(Error):
        crypto.verify(other, signature, b"data", "sha256")


def test_sign_verify_bad_arguments(key, cert):
    with pytest.raises(ValueError):
        crypto.sign(key, b"data", "no-digest")
    with pytest.raises(ValueError):
        crypto.verify(cert, b"sig", b"data", "no-digest")
    with pytest.raises(TypeError):
        crypto.sign(None, b"data", "sha256")
    with pytest.raises(Error):
        crypto.sign(cert.get_pubkey(), b"data", "sha256")
    with pytest.raises(Error):
        crypto.sign(PKey(), b"data", "sha256")
    with pytest.raises(TypeError):
        crypto.sign(key, 12, "sha256")
    with pytest.raises(TypeError):
        crypto.verify(None, b"sig", b"data", "sha256")
    with pytest.raises(TypeError):
        crypto.verify(cert, None, b"data", "sha256")
    with pytest.raises(Error):
        crypto.verify(cert, b"", b"data", "sha256")
    with pytest.raises(Error):
        crypto.verify(X509(), b"sig", b"data", "sha256")


def test_sign_text_data_warns(key, cert):
    with pytest.warns(DeprecationWarning):
        signature = crypto.sign(key, "text data", "sha256")
    with pytest.warns(DeprecationWarning):
        crypto.verify(cert, signature, "text data", "sha256")
