"""The pyOpenSSL 2x additions to ``crypto`` (issue 12, section 1):
X509StoreFlags.PARTIAL_CHAIN, X509StoreContextError's ``errors`` and
``str()`` beside 16.1's ``args``, and ``cryptography`` certificates and CRLs
in X509Store.add_cert / add_crl."""

import datetime

import pytest

from pyossl import SSL, crypto
from ssl_helpers import (client_context, handshake_memory, memory_pair,
                         server_context)


def _load(path):
    with open(path, "rb") as f:
        return crypto.load_certificate(crypto.FILETYPE_PEM, f.read())


def _cryptography():
    return pytest.importorskip("cryptography.x509")


def _der(cert):
    return crypto.dump_certificate(crypto.FILETYPE_ASN1, cert)


# ---------------------------------------------------------- PARTIAL_CHAIN --

def test_partial_chain_value():
    assert crypto.X509StoreFlags.PARTIAL_CHAIN == 0x80000
    assert type(crypto.X509StoreFlags.PARTIAL_CHAIN) is int


def test_partial_chain_trusts_a_non_root(pki):
    leaf = _load(pki.server_cert)
    store = crypto.X509Store()
    store.add_cert(leaf)                 # the leaf itself, not its CA
    with pytest.raises(crypto.X509StoreContextError):
        crypto.X509StoreContext(store, leaf).verify_certificate()
    store.set_flags(crypto.X509StoreFlags.PARTIAL_CHAIN)
    crypto.X509StoreContext(store, leaf).verify_certificate()
    chain = crypto.X509StoreContext(store, leaf).get_verified_chain()
    assert [_der(c) for c in chain] == [_der(leaf)]


def test_partial_chain_pins_a_server_certificate(pki):
    cctx = SSL.Context(SSL.TLS_METHOD)
    store = cctx.get_cert_store()
    store.add_cert(_load(pki.server_cert))
    store.set_flags(crypto.X509StoreFlags.PARTIAL_CHAIN)
    cctx.set_verify(SSL.VERIFY_PEER)
    server, client = memory_pair(server_context(pki), cctx)
    handshake_memory(server, client)
    # Without the flag the same pin is not enough.
    cctx2 = SSL.Context(SSL.TLS_METHOD)
    cctx2.get_cert_store().add_cert(_load(pki.server_cert))
    cctx2.set_verify(SSL.VERIFY_PEER)
    server, client = memory_pair(server_context(pki), cctx2)
    with pytest.raises(SSL.Error):
        handshake_memory(server, client)


# ---------------------------------------------------- X509StoreContextError --

def _failure(pki):
    store = crypto.X509Store()           # trusts nothing
    cert = _load(pki.server_cert)
    with pytest.raises(crypto.X509StoreContextError) as excinfo:
        crypto.X509StoreContext(store, cert).verify_certificate()
    return excinfo.value, cert


def test_error_args_are_16_1s(pki):
    error, cert = _failure(pki)
    code = SSL.X509VerificationCodes.ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    assert error.args == ([code, 0, "unable to get local issuer "
                                    "certificate"],)


def test_error_str_errors_and_certificate_are_26s(pki):
    error, cert = _failure(pki)
    assert str(error) == "unable to get local issuer certificate"
    assert error.errors == error.args[0]
    assert isinstance(error.certificate, crypto.X509)
    assert _der(error.certificate) == _der(cert)


def test_error_depth_of_an_intermediate_failure(pki):
    # The CA is given as untrusted chain material: the failure is at depth 1
    # (self-signed certificate in the chain).
    store = crypto.X509Store()
    cert = _load(pki.server_cert)
    ca = _load(pki.ca_cert)
    with pytest.raises(crypto.X509StoreContextError) as excinfo:
        crypto.X509StoreContext(store, cert, [ca]).verify_certificate()
    error = excinfo.value
    assert error.errors[0] == \
        SSL.X509VerificationCodes.ERR_SELF_SIGNED_CERT_IN_CHAIN
    assert error.errors[1] == 1
    assert str(error) == error.errors[2]
    assert _der(error.certificate) == _der(ca)


def test_error_constructed_the_16_1_way():
    cert = crypto.X509()
    error = crypto.X509StoreContextError([10, 2, "certificate has expired"],
                                         cert)
    assert error.args == ([10, 2, "certificate has expired"],)
    assert str(error) == "certificate has expired"
    assert error.errors == [10, 2, "certificate has expired"]
    assert error.certificate is cert


def test_error_constructed_the_26_way():
    cert = crypto.X509()
    error = crypto.X509StoreContextError("certificate has expired",
                                         [10, 2, "certificate has expired"],
                                         cert)
    assert str(error) == "certificate has expired"
    assert error.args == ("certificate has expired",)
    assert error.errors == [10, 2, "certificate has expired"]
    assert error.certificate is cert


def test_error_is_still_an_exception_subclass():
    assert issubclass(crypto.X509StoreContextError, Exception)
    assert not issubclass(crypto.X509StoreContextError, crypto.Error)


# ------------------------------------------------ cryptography objects --

def test_add_cert_accepts_cryptography_certificate(pki):
    x509 = _cryptography()
    with open(pki.ca_cert, "rb") as f:
        ca = x509.load_pem_x509_certificate(f.read())
    store = crypto.X509Store()
    store.add_cert(ca)
    store.add_cert(ca)                   # a duplicate is not an error
    crypto.X509StoreContext(store, _load(pki.server_cert)) \
        .verify_certificate()


@pytest.mark.parametrize("bad", [object(), b"PEM", None, "text"])
def test_add_cert_wrong_types(bad):
    with pytest.raises(TypeError):
        crypto.X509Store().add_cert(bad)


def _crypto_crl(pki, revoke):
    x509 = _cryptography()
    from cryptography.hazmat.primitives import hashes, serialization
    with open(pki.ca_cert, "rb") as f:
        ca = x509.load_pem_x509_certificate(f.read())
    with open(pki.ca_key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateRevocationListBuilder()
               .issuer_name(ca.subject)
               .last_update(now - datetime.timedelta(hours=1))
               .next_update(now + datetime.timedelta(days=1)))
    for serial in revoke:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial)
            .revocation_date(now - datetime.timedelta(minutes=5)).build())
    return builder.sign(key, hashes.SHA256())


def _store_with_crl(pki, crl):
    store = crypto.X509Store()
    store.add_cert(_load(pki.ca_cert))
    store.add_crl(crl)
    store.set_flags(crypto.X509StoreFlags.CRL_CHECK)
    return store


def test_add_crl_accepts_cryptography_crl(pki):
    server = _load(pki.server_cert)
    revoked = _crypto_crl(pki, [server.get_serial_number()])
    store = _store_with_crl(pki, revoked)
    with pytest.raises(crypto.X509StoreContextError) as excinfo:
        crypto.X509StoreContext(store, server).verify_certificate()
    assert excinfo.value.errors[0] == \
        SSL.X509VerificationCodes.ERR_CERT_REVOKED
    assert str(excinfo.value) == "certificate revoked"
    # An empty CRL lets it through; the client certificate was never listed.
    store = _store_with_crl(pki, _crypto_crl(pki, []))
    crypto.X509StoreContext(store, server).verify_certificate()


def test_add_crl_still_accepts_pyossl_crl(pki):
    server = _load(pki.server_cert)
    der = _crypto_crl(pki, [server.get_serial_number()]).public_bytes(
        __import__("cryptography.hazmat.primitives.serialization",
                   fromlist=["Encoding"]).Encoding.DER)
    crl = crypto.load_crl(crypto.FILETYPE_ASN1, der)
    store = _store_with_crl(pki, crl)
    with pytest.raises(crypto.X509StoreContextError):
        crypto.X509StoreContext(store, server).verify_certificate()


def test_crl_check_over_tls(pki):
    server_cert = _load(pki.server_cert)
    cctx = client_context(pki)
    store = cctx.get_cert_store()
    store.add_crl(_crypto_crl(pki, [server_cert.get_serial_number()]))
    store.set_flags(crypto.X509StoreFlags.CRL_CHECK)
    server, client = memory_pair(server_context(pki), cctx)
    with pytest.raises(SSL.Error):
        handshake_memory(server, client)


@pytest.mark.parametrize("bad", [object(), b"DER", None])
def test_add_crl_wrong_types(bad):
    with pytest.raises(TypeError):
        crypto.X509Store().add_crl(bad)
