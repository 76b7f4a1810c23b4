"""Bad input and odd object lifetimes: clean exceptions, no crash, no stale
errors."""

import copy
import gc
import pickle
import weakref

import pytest

from pyossl import crypto
from pyossl._crypto import common as _common
from pyossl.crypto import (FILETYPE_ASN1, FILETYPE_PEM, FILETYPE_TEXT, Error,
                           PKey, X509, X509Extension, X509Name, X509Req)



def attempt(func, *args):
    """Call; return the exception type or the result (never crash)."""
    try:
        return func(*args)
    except (Error, ValueError, TypeError) as exc:
        return type(exc)


def test_everything_on_an_empty_certificate(key):
    cert = X509()
    for filetype in (FILETYPE_PEM, FILETYPE_ASN1, FILETYPE_TEXT):
        attempt(crypto.dump_certificate, filetype, cert)
    assert attempt(cert.get_pubkey) is Error
    attempt(cert.digest, "sha256")     # 3.5 cannot encode an empty cert
    assert isinstance(cert.subject_name_hash(), int)
    assert attempt(crypto.verify, cert, b"x" * 256, b"data", "sha256") is Error
    attempt(X509Extension, b"subjectKeyIdentifier", False, b"hash", cert)
    attempt(X509Extension, b"authorityKeyIdentifier", False, b"keyid:always",
            None, cert)
    attempt(X509Extension, b"authorityKeyIdentifier", False,
            b"issuer:always", None, cert)
    store_pem = attempt(crypto.dump_certificate, FILETYPE_PEM, cert)
    if isinstance(store_pem, bytes):
        attempt(crypto.load_certificate, FILETYPE_PEM, store_pem)
    if attempt(cert.sign, key, "sha256") is None:      # 3.x refuses
        assert cert.get_signature_algorithm() == b"sha256WithRSAEncryption"


def test_everything_on_an_empty_request(key):
    req = X509Req()
    for filetype in (FILETYPE_PEM, FILETYPE_ASN1, FILETYPE_TEXT):
        attempt(crypto.dump_certificate_request, filetype, req)
    assert attempt(req.get_pubkey) is Error
    assert attempt(req.verify, key) is Error
    assert req.get_extensions() == []
    attempt(X509Extension, b"subjectKeyIdentifier", False, b"hash")


def test_everything_on_an_empty_key(key):
    empty = PKey()
    assert attempt(crypto.dump_privatekey, FILETYPE_PEM, empty) is Error
    assert attempt(crypto.dump_privatekey, FILETYPE_ASN1, empty) is Error
    assert attempt(crypto.dump_publickey, FILETYPE_PEM, empty) is Error
    assert attempt(crypto.sign, empty, b"x", "sha256") is Error
    cert = X509()
    assert attempt(cert.set_pubkey, empty) is Error
    req = X509Req()
    assert attempt(req.set_pubkey, empty) is Error
    with pytest.raises(Error):
        PKey.to_cryptography_key(empty) if _has_cryptography() else (
            crypto.dump_privatekey(FILETYPE_ASN1, empty))


def _has_cryptography():
    try:
        import cryptography  # noqa: F401
        return True
    except ImportError:
        return False


def test_wrong_key_type_for_request_verify(key):
    req = X509Req()
    req.set_pubkey(key)
    req.sign(key, "sha256")
    dsa = PKey()
    dsa.generate_key(crypto.TYPE_DSA, 1024)
    with pytest.raises(Error):
        req.verify(dsa)


def test_dsa_key_with_sha512_certificate(key):
    dsa = PKey()
    dsa.generate_key(crypto.TYPE_DSA, 1024)
    cert = X509()
    cert.set_pubkey(dsa)
    try:
        cert.sign(dsa, "sha512")
    except Error:
        pass


@pytest.mark.parametrize("make", [
    X509, X509Req, PKey,
    lambda: X509().get_subject(),
    lambda: X509Name(X509().get_subject()),
    lambda: X509Extension(b"basicConstraints", False, b"CA:FALSE")])
def test_copy_shares_and_stays_valid(make):
    obj = make()
    dup = copy.copy(obj)
    del obj
    gc.collect()
    # using the copy after the original is gone must be safe
    if isinstance(dup, X509):
        dup.get_subject().CN = "copy"
        assert dup.get_subject().CN == "copy"
    elif isinstance(dup, X509Req):
        dup.get_subject().CN = "copy"
        assert dup.get_version() == 0
    elif isinstance(dup, PKey):
        assert dup.bits() == 0
    elif isinstance(dup, X509Name):
        dup.CN = "copy"
        assert dup.CN == "copy"
    else:
        assert str(dup) == "CA:FALSE"


@pytest.mark.parametrize("make", [X509, X509Req, PKey,
                                  lambda: X509().get_subject()])
def test_deepcopy_and_pickle_refused(make):
    obj = make()
    with pytest.raises(TypeError):
        copy.deepcopy(obj)
    with pytest.raises(TypeError):
        pickle.dumps(obj)


def test_copy_of_key_is_same_key(key):
    dup = copy.copy(key)
    assert dup._pkey == key._pkey
    assert crypto.dump_privatekey(FILETYPE_PEM, dup) == crypto.dump_privatekey(
        FILETYPE_PEM, key)


def test_objects_are_collected():
    cert = X509()
    subject = cert.get_subject()
    refs = [weakref.ref(cert), weakref.ref(subject)]
    del cert, subject
    for _ in range(3):    # PyPy runs __del__ a collection later
        gc.collect()
    assert [r() for r in refs] == [None, None]


def test_views_of_collected_request_and_certificate():
    names = []
    for _ in range(50):
        cert = X509()
        cert.get_subject().CN = "n"
        names.append(cert.get_subject())
        req = X509Req()
        req.get_subject().CN = "r"
        names.append(req.get_subject())
    for _ in range(3):    # PyPy runs __del__ a collection later
        gc.collect()
    assert [n.CN for n in names] == ["n", "r"] * 50


def test_error_carries_tuples():
    with pytest.raises(Error) as info:
        crypto.load_certificate(FILETYPE_PEM, b"nope")
    errors = info.value.args[0]
    assert isinstance(errors, list) and errors
    assert all(isinstance(e, tuple) and len(e) == 3 for e in errors)


def test_legacy_private_key_formats_from_1x(key):
    # traditional and PKCS#8 PEM both load on every build
    pem = crypto.dump_privatekey(FILETYPE_PEM, key)
    assert pem.startswith((b"-----BEGIN RSA PRIVATE KEY-----",
                           b"-----BEGIN PRIVATE KEY-----"))
    assert crypto.load_privatekey(FILETYPE_PEM, pem).bits() == 2048


def test_cryptography_missing(monkeypatch, key):
    import sys
    for name in list(sys.modules):
        if name == "cryptography" or name.startswith("cryptography."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "cryptography", None)
    with pytest.raises(ImportError) as info:
        key.to_cryptography_key()
    assert "cryptography" in str(info.value)
    with pytest.raises(ImportError):
        X509().to_cryptography()
    with pytest.raises(ImportError):
        PKey.from_cryptography_key(object())


def test_new_refs_outlive_the_original(key):
    cert = X509()
    cert.get_subject().CN = "shared"
    other_cert = X509._from_owned(_common.x509_new_ref(cert._x509))
    other_key = PKey._from_owned(_common.pkey_new_ref(key._pkey))
    del cert
    gc.collect()
    assert other_cert.get_subject().CN == "shared"
    assert other_key.bits() == 2048
    other_cert.get_subject().O = "still shared"
    assert other_cert.get_subject().O == "still shared"


def test_many_new_refs_are_balanced():
    cert = X509()
    wrappers = [X509._from_owned(_common.x509_new_ref(cert._x509))
                for _ in range(100)]
    del cert
    gc.collect()
    for w in wrappers[:-1]:
        w.get_subject().CN = "x"
    del wrappers[:-1]
    gc.collect()
    assert wrappers[0].get_subject().CN == "x"
