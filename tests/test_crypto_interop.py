"""to/from the optional ``cryptography`` package, elliptic curves, threads."""

import threading

import pytest

from conftest import GEN, run_openssl
from pyossl import crypto
from pyossl._runtime.library import lib
from pyossl.crypto import (FILETYPE_ASN1, FILETYPE_PEM, TYPE_DSA, TYPE_RSA,
                           PKey, X509, X509Req)



@pytest.fixture(scope="module")
def cert(rsa_key):
    c = X509()
    c.set_version(2)
    c.set_serial_number(4242)
    c.get_subject().CN = "interop"
    c.set_issuer(c.get_subject())
    c.gmtime_adj_notBefore(0)
    c.gmtime_adj_notAfter(600)
    c.set_pubkey(rsa_key)
    c.sign(rsa_key, "sha256")
    return c


# ------------------------------------------------------------ cryptography --

@pytest.fixture(scope="module")
def cg():
    return pytest.importorskip("cryptography")


def test_key_to_cryptography(cg, rsa_key):
    from cryptography.hazmat.primitives.asymmetric import rsa
    ckey = rsa_key.to_cryptography_key()
    assert isinstance(ckey, rsa.RSAPrivateKey)
    assert ckey.key_size == 2048
    pub = crypto.load_publickey(
        FILETYPE_PEM, crypto.dump_publickey(FILETYPE_PEM, rsa_key))
    cpub = pub.to_cryptography_key()
    assert isinstance(cpub, rsa.RSAPublicKey)
    assert cpub.public_numbers() == ckey.public_key().public_numbers()


def test_key_from_cryptography(cg):
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
    for ckey, type_, bits in [
            (rsa.generate_private_key(65537, 2048), TYPE_RSA, 2048),
            (dsa.generate_private_key(1024), TYPE_DSA, 1024),
            (ec.generate_private_key(ec.SECP256R1()), crypto.TYPE_EC, 256)]:
        key = PKey.from_cryptography_key(ckey)
        assert not key._only_public
        assert (key.type(), key.bits()) == (type_, bits)
        pub = PKey.from_cryptography_key(ckey.public_key())
        assert pub._only_public and pub.bits() == bits
        # a signature made by pyossl verifies with cryptography
        assert key.to_cryptography_key().public_key().public_numbers() == (
            ckey.public_key().public_numbers())


def test_key_from_cryptography_wrong_type(cg, cert):
    for bad in (None, "key", cert, cert.to_cryptography()):
        with pytest.raises(TypeError):
            PKey.from_cryptography_key(bad)


def test_ed25519_from_cryptography(cg):
    if GEN == 0:
        pytest.skip("Ed25519 needs OpenSSL 1.1.1+")
    from cryptography.hazmat.primitives.asymmetric import ed25519
    key = PKey.from_cryptography_key(ed25519.Ed25519PrivateKey.generate())
    assert key.type() == 1087
    assert isinstance(key.to_cryptography_key(), ed25519.Ed25519PrivateKey)


def test_certificate_to_from_cryptography(cg, cert):
    ccert = cert.to_cryptography()
    assert ccert.serial_number == 4242
    assert ccert.subject.rfc4514_string() == "CN=interop"
    back = X509.from_cryptography(ccert)
    assert back.digest("sha256") == cert.digest("sha256")
    with pytest.raises(TypeError):
        X509.from_cryptography(cert)
    with pytest.raises(TypeError):
        X509.from_cryptography(None)


def test_request_to_from_cryptography(cg, rsa_key):
    req = X509Req()
    req.get_subject().CN = "csr"
    req.set_pubkey(rsa_key)
    req.sign(rsa_key, "sha256")
    creq = req.to_cryptography()
    assert creq.is_signature_valid
    back = X509Req.from_cryptography(creq)
    assert back.get_subject().CN == "csr"
    assert back.verify(rsa_key)
    with pytest.raises(TypeError):
        X509Req.from_cryptography(req)


def test_signature_verified_by_cryptography(cg, rsa_key):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    signature = crypto.sign(rsa_key, b"message", "sha256")
    rsa_key.to_cryptography_key().public_key().verify(
        signature, b"message", padding.PKCS1v15(), hashes.SHA256())


# ------------------------------------------------------------------ curves --

def test_elliptic_curves():
    curves = crypto.get_elliptic_curves()
    assert isinstance(curves, set)
    names = {c.name for c in curves}
    assert {"prime256v1", "secp384r1"} <= names
    assert all(isinstance(n, str) for n in names)


def test_get_elliptic_curve():
    curve = crypto.get_elliptic_curve("prime256v1")
    assert curve.name == "prime256v1"
    assert curve == crypto.get_elliptic_curve("prime256v1")
    assert curve != crypto.get_elliptic_curve("secp384r1")
    assert curve in crypto.get_elliptic_curves()
    assert len({curve, crypto.get_elliptic_curve("prime256v1")}) == 1
    assert repr(curve) == "<Curve 'prime256v1'>"
    assert curve != "prime256v1"


@pytest.mark.parametrize("bad", ["no-such-curve", "", b"prime256v1", None])
def test_get_elliptic_curve_unknown(bad):
    with pytest.raises(ValueError):
        crypto.get_elliptic_curve(bad)


def test_curves_set_is_a_copy():
    curves = crypto.get_elliptic_curves()
    curves.clear()
    assert crypto.get_elliptic_curves()


# ------------------------------------------------------------------ misc --

@pytest.mark.parametrize("name", ["md5", "sha1", "sha224", "sha256", "sha384",
                                  "sha512", b"sha256", "SHA256"])
def test_digest_names(cert, name):
    assert cert.digest(name)


def test_error_is_exception():
    assert issubclass(crypto.Error, Exception)
    assert crypto.FILETYPE_PEM == 1 and crypto.FILETYPE_ASN1 == 2
    assert crypto.FILETYPE_TEXT == 2 ** 16 - 1


def test_threads_share_nothing_unsafe(rsa_key, cert):
    """Many threads loading, signing and dumping at once."""
    pem = crypto.dump_certificate(FILETYPE_PEM, cert)
    key_pem = crypto.dump_privatekey(FILETYPE_PEM, rsa_key, "aes-128-cbc",
                                     b"pw")
    errors = []

    def work():
        try:
            for i in range(30):
                c = crypto.load_certificate(FILETYPE_PEM, pem)
                c.get_subject().CN = "thread %d" % i
                k = crypto.load_privatekey(FILETYPE_PEM, key_pem,
                                           lambda w: b"pw")
                c.sign(k, "sha256")
                sig = crypto.sign(k, b"x", "sha256")
                crypto.verify(c, sig, b"x", "sha256")
                assert crypto.load_certificate(
                    FILETYPE_ASN1, crypto.dump_certificate(FILETYPE_ASN1, c)
                ).get_subject().CN == "thread %d" % i
                try:
                    crypto.load_certificate(FILETYPE_PEM, b"garbage")
                except crypto.Error:
                    pass
                assert lib.ERR_peek_error() == 0
        except BaseException as exc:  # noqa: B902
            errors.append(exc)
        finally:
            if GEN == 0:
                lib.ERR_remove_thread_state(None)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_openssl_cli_key_types_load():
    for args in (["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
                 ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]):
        pem = run_openssl("genpkey", *args)
        key = crypto.load_privatekey(FILETYPE_PEM, pem)
        assert crypto.load_privatekey(
            FILETYPE_ASN1, crypto.dump_privatekey(FILETYPE_ASN1, key)
        ).bits() == key.bits()
