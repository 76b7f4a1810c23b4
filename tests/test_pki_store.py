"""crypto part 2: X509Store, X509StoreContext, X509StoreFlags, CRL, Revoked.

Inputs come from the openssl command (the session ``pki`` fixture plus a
small ``openssl ca`` set-up made here), and the CRLs of the
cryptography_vectors package.
"""

import datetime
import gc
import os
import re
import warnings

import pytest

import conftest
from conftest import assert_memory_flat, memory_test, GEN, run_openssl
from pyossl import crypto
from pyossl._binding import layouts
from pyossl._runtime.errors import error_queue
from pyossl.crypto import (CRL, FILETYPE_ASN1, FILETYPE_PEM, FILETYPE_TEXT,
                           Error, PKey, Revoked, X509, X509Store,
                           X509StoreContext, X509StoreContextError,
                           X509StoreFlags, dump_crl, load_crl)


def _read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def _read_text(path):
    with open(path) as f:
        return f.read()


pytestmark = conftest.requires_cli()

# X509_V_ERR_* codes (identical in every version)
UNABLE_TO_GET_CRL = 3
CRL_SIGNATURE_FAILURE = 8
CERT_HAS_EXPIRED = 10
UNABLE_TO_GET_ISSUER_CERT_LOCALLY = 20
CERT_REVOKED = 23


def vectors_dir():
    try:
        import cryptography_vectors
    except ImportError:
        pytest.skip("cryptography_vectors is not installed")
    return os.path.dirname(cryptography_vectors.__file__)


def cert_of(path):
    with open(path, "rb") as f:
        return crypto.load_certificate(FILETYPE_PEM, f.read())


def key_of(path):
    with open(path, "rb") as f:
        return crypto.load_privatekey(FILETYPE_PEM, f.read())


def pem(cert):
    return crypto.dump_certificate(FILETYPE_PEM, cert)


CA_CONFIG = """\
[ ca ]
default_ca = here
[ here ]
dir = {dir}
database = $dir/index.txt
new_certs_dir = $dir
serial = $dir/serial
crlnumber = $dir/crlnumber
certificate = {cert}
private_key = {key}
default_md = sha256
default_days = 30
default_crl_days = 30
policy = anything
unique_subject = no
[ anything ]
commonName = supplied
"""


class CA(object):
    """Files made with ``openssl ca`` and friends."""


@pytest.fixture(scope="module")
def ca(pki, tmp_path_factory):
    d = tmp_path_factory.mktemp("ca")
    c = CA()
    c.dir = str(d)
    p = lambda name: os.path.join(c.dir, name)   # noqa: E731
    open(p("index.txt"), "w").close()
    with open(p("serial"), "w") as f:
        f.write("1000\n")
    with open(p("crlnumber"), "w") as f:
        f.write("01\n")
    c.config = p("ca.cnf")
    with open(c.config, "w") as f:
        f.write(CA_CONFIG.format(dir=c.dir, cert=pki.ca_cert, key=pki.ca_key))

    # an intermediate CA under the session CA, and a leaf under it
    c.inter_key, c.inter_csr, c.inter = p("inter.key"), p("inter.csr"), \
        p("inter.pem")
    run_openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256",
                "-keyout", c.inter_key, "-out", c.inter_csr,
                "-subj", "/O=pyossl tests/CN=pyossl intermediate")
    with open(p("inter.ext"), "w") as f:
        f.write("basicConstraints=critical,CA:TRUE\n"
                "keyUsage=critical,keyCertSign,cRLSign\n")
    run_openssl("x509", "-req", "-in", c.inter_csr, "-CA", pki.ca_cert,
                "-CAkey", pki.ca_key, "-set_serial", "77", "-days", "900",
                "-sha256", "-extfile", p("inter.ext"), "-out", c.inter)
    c.leaf_key, c.leaf_csr, c.leaf = p("leaf.key"), p("leaf.csr"), \
        p("leaf.pem")
    run_openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-sha256",
                "-keyout", c.leaf_key, "-out", c.leaf_csr,
                "-subj", "/O=pyossl tests/CN=leaf.example")
    run_openssl("x509", "-req", "-in", c.leaf_csr, "-CA", c.inter,
                "-CAkey", c.inter_key, "-set_serial", "78", "-days", "100",
                "-sha256", "-out", c.leaf)

    # an expired leaf under the session CA
    c.expired = p("expired.pem")
    run_openssl("ca", "-config", c.config, "-batch", "-notext",
                "-in", c.leaf_csr, "-startdate", "20200101000000Z",
                "-enddate", "20200201000000Z", "-out", c.expired)

    # revoke the session client certificate and publish a CRL
    run_openssl("ca", "-config", c.config, "-revoke", pki.client_cert,
                "-crl_reason", "keyCompromise")
    c.crl = p("crl.pem")
    run_openssl("ca", "-config", c.config, "-gencrl", "-out", c.crl)
    c.crl_der = p("crl.der")
    run_openssl("crl", "-in", c.crl, "-outform", "DER", "-out", c.crl_der)
    c.client_serial = run_openssl(
        "x509", "-in", pki.client_cert, "-noout", "-serial").strip().split(
        b"=")[1]
    return c


@pytest.fixture(scope="module")
def ca_cert(pki):
    return cert_of(pki.ca_cert)


@pytest.fixture(scope="module")
def ca_key(pki):
    return key_of(pki.ca_key)


def store_of(*certs):
    store = X509Store()
    for cert in certs:
        store.add_cert(cert)
    return store


def verify_error(store, cert, chain=None):
    with pytest.raises(X509StoreContextError) as info:
        X509StoreContext(store, cert, chain).verify_certificate()
    return info.value


# ------------------------------------------------------------- names --

def test_old_type_names_are_the_classes():
    assert crypto.X509StoreType is X509Store
    assert crypto.CRLType is CRL
    assert crypto.PKCS7Type is crypto.PKCS7
    assert crypto.PKCS12Type is crypto.PKCS12
    assert crypto.NetscapeSPKIType is crypto.NetscapeSPKI
    for name in crypto.__all__:
        obj = getattr(crypto, name)
        if isinstance(obj, type):
            assert obj.__module__ == "pyossl.crypto", name


def test_store_flags_have_the_builds_values():
    assert X509StoreFlags.CRL_CHECK == 0x4
    assert X509StoreFlags.CRL_CHECK_ALL == 0x8
    assert X509StoreFlags.IGNORE_CRITICAL == 0x10
    assert X509StoreFlags.X509_STRICT == 0x20
    assert X509StoreFlags.ALLOW_PROXY_CERTS == 0x40
    assert X509StoreFlags.POLICY_CHECK == 0x80
    assert X509StoreFlags.EXPLICIT_POLICY == 0x100
    assert X509StoreFlags.INHIBIT_MAP == 0x400
    assert X509StoreFlags.NOTIFY_POLICY == 0x800
    assert X509StoreFlags.CHECK_SS_SIGNATURE == 0x4000
    assert X509StoreFlags.CB_ISSUER_CHECK == (0x1 if GEN == 0 else 0)


# -------------------------------------------------------- X509Store --

def test_add_cert_rejects_non_certificates():
    store = X509Store()
    for bad in (None, b"cert", 3, object()):
        with pytest.raises(TypeError):
            store.add_cert(bad)


def test_add_same_certificate_twice_is_fine(ca_cert):
    store = X509Store()
    store.add_cert(ca_cert)
    store.add_cert(ca_cert)
    store.add_cert(crypto.load_certificate(FILETYPE_PEM, pem(ca_cert)))


def test_add_crl_rejects_non_crls(ca_cert):
    with pytest.raises(TypeError):
        X509Store().add_crl(ca_cert)
    with pytest.raises(TypeError):
        X509Store().add_crl(None)


def test_set_flags_checks_its_argument():
    store = X509Store()
    store.set_flags(X509StoreFlags.CRL_CHECK | X509StoreFlags.X509_STRICT)
    store.set_flags(0)
    with pytest.raises(TypeError):
        store.set_flags("4")
    with pytest.raises(TypeError):
        store.set_flags(None)
    with pytest.raises(OverflowError):
        store.set_flags(-1)
    with pytest.raises(OverflowError):
        store.set_flags(1 << 80)


def test_set_time_checks_its_argument():
    with pytest.raises(TypeError):
        X509Store().set_time(12345)


def test_load_locations(pki, ca, tmp_path):
    store = X509Store()
    store.load_locations(pki.ca_cert)
    X509StoreContext(store, cert_of(pki.server_cert)).verify_certificate()
    store = X509Store()
    store.load_locations(pki.ca_cert.encode())
    X509StoreContext(store, cert_of(pki.server_cert)).verify_certificate()


def test_load_locations_bad_input(tmp_path):
    store = X509Store()
    with pytest.raises(Error):
        store.load_locations(str(tmp_path / "missing.pem"))
    with pytest.raises(Error):
        store.load_locations(None, None)
    with pytest.raises(TypeError):
        store.load_locations(42)
    with pytest.raises(ValueError):
        store.load_locations(b"a\0b")


def test_store_view_of_an_ssl_context(pki, ca_cert):
    """Context.get_cert_store() shares the context's store and keeps the
    context alive."""
    from pyossl import SSL
    context = SSL.Context(SSL.SSLv23_METHOD)
    store = context.get_cert_store()
    assert isinstance(store, X509Store)
    del context
    gc.collect()
    store.add_cert(ca_cert)
    store.set_flags(0)
    X509StoreContext(store, cert_of(pki.server_cert)).verify_certificate()


# ------------------------------------------------- X509StoreContext --

def test_context_rejects_bad_arguments(ca_cert):
    store = X509Store()
    with pytest.raises(TypeError):
        X509StoreContext(None, ca_cert)
    with pytest.raises(TypeError):
        X509StoreContext(store, None)
    with pytest.raises(TypeError):
        X509StoreContext(store, b"cert")
    with pytest.raises(TypeError):
        X509StoreContext(store, ca_cert, [ca_cert, "x"])
    ctx = X509StoreContext(store, ca_cert)
    with pytest.raises(TypeError):
        ctx.set_store(ca_cert)


def test_self_signed_root_verifies(ca_cert):
    ctx = X509StoreContext(store_of(ca_cert), ca_cert)
    assert ctx.verify_certificate() is None
    assert ctx.verify_certificate() is None      # again: fresh set-up


def test_server_cert_verifies_against_its_ca(pki, ca_cert):
    X509StoreContext(store_of(ca_cert),
                     cert_of(pki.server_cert)).verify_certificate()


def test_chain_with_intermediate_in_store(ca, ca_cert):
    store = store_of(ca_cert, cert_of(ca.inter))
    X509StoreContext(store, cert_of(ca.leaf)).verify_certificate()


def test_chain_with_untrusted_intermediate(ca, ca_cert):
    leaf, inter = cert_of(ca.leaf), cert_of(ca.inter)
    ctx = X509StoreContext(store_of(ca_cert), leaf, [inter])
    ctx.verify_certificate()
    chain = ctx.get_verified_chain()
    assert [pem(c) for c in chain] == [pem(leaf), pem(inter), pem(ca_cert)]
    del ctx
    gc.collect()
    assert [c.get_subject().CN for c in chain] == [
        "leaf.example", "pyossl intermediate", "pyossl test CA"]


def test_missing_intermediate_fails_at_the_leaf(ca, ca_cert):
    leaf = cert_of(ca.leaf)
    err = verify_error(store_of(ca_cert), leaf)
    code, depth, reason = err.args[0]
    assert code == UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    assert depth == 0
    assert isinstance(reason, str) and "issuer" in reason
    assert pem(err.certificate) == pem(leaf)
    assert isinstance(err.certificate, X509)


def test_empty_store_rejects(ca_cert):
    err = verify_error(X509Store(), ca_cert)
    assert err.args[0][0] != 0
    assert pem(err.certificate) == pem(ca_cert)


def test_expired_leaf(ca, ca_cert):
    expired = cert_of(ca.expired)
    err = verify_error(store_of(ca_cert), expired)
    assert err.args[0][:2] == [CERT_HAS_EXPIRED, 0]
    assert "expired" in err.args[0][2]
    assert pem(err.certificate) == pem(expired)


def test_set_time_makes_a_leaf_expire(pki, ca_cert):
    server = cert_of(pki.server_cert)
    store = store_of(ca_cert)
    X509StoreContext(store, server).verify_certificate()
    later = datetime.datetime.now(datetime.timezone.utc).replace(
        tzinfo=None) + datetime.timedelta(days=1000)
    store.set_time(later)
    err = verify_error(store, server)
    assert err.args[0][:2] == [CERT_HAS_EXPIRED, 0]
    store = store_of(ca_cert)
    store.set_time(datetime.datetime.now(datetime.timezone.utc))
    X509StoreContext(store, server).verify_certificate()
    store = store_of(ca_cert)
    store.set_time(datetime.datetime.now(datetime.timezone(
        datetime.timedelta(hours=5))) + datetime.timedelta(days=1000))
    assert verify_error(store, server).args[0][0] == CERT_HAS_EXPIRED


def test_leaf_from_another_ca(pki, ca_cert):
    other = cert_of(pki.other_server_cert)
    err = verify_error(store_of(ca_cert), other)
    assert err.args[0][1] == 0
    assert pem(err.certificate) == pem(other)
    assert err.certificate.get_subject().CN == "other.example"


def test_set_store_switches_trust(pki, ca_cert):
    server = cert_of(pki.server_cert)
    ctx = X509StoreContext(store_of(cert_of(pki.other_ca_cert)), server)
    with pytest.raises(X509StoreContextError):
        ctx.verify_certificate()
    ctx.set_store(store_of(ca_cert))
    gc.collect()
    ctx.verify_certificate()
    ctx.set_store(X509Store())
    with pytest.raises(X509StoreContextError):
        ctx.verify_certificate()


def test_context_keeps_store_and_cert_alive(pki):
    ctx = X509StoreContext(store_of(cert_of(pki.ca_cert)),
                           cert_of(pki.server_cert),
                           [cert_of(pki.client_cert)])
    gc.collect()
    ctx.verify_certificate()
    assert len(ctx.get_verified_chain()) == 2


# ------------------------------------------------------- CRL checks --

def test_crl_check_rejects_revoked_and_accepts_others(pki, ca, ca_cert):
    crl = load_crl(FILETYPE_PEM, _read_bytes(ca.crl))
    store = store_of(ca_cert)
    store.add_crl(crl)
    store.add_crl(crl)                            # twice is fine
    store.set_flags(X509StoreFlags.CRL_CHECK)
    client = cert_of(pki.client_cert)
    err = verify_error(store, client)
    assert err.args[0][:2] == [CERT_REVOKED, 0]
    assert pem(err.certificate) == pem(client)
    X509StoreContext(store, cert_of(pki.server_cert)).verify_certificate()


def test_crl_check_without_a_crl(pki, ca_cert):
    store = store_of(ca_cert)
    store.set_flags(X509StoreFlags.CRL_CHECK)
    err = verify_error(store, cert_of(pki.server_cert))
    assert err.args[0][0] == UNABLE_TO_GET_CRL


def test_crl_made_by_pyossl_revokes(pki, ca, ca_cert, ca_key):
    revoked = Revoked()
    revoked.set_serial(ca.client_serial)
    revoked.set_rev_date(b"20240101000000Z")
    revoked.set_reason(b"keyCompromise")
    crl = CRL()
    crl.add_revoked(revoked)
    crl.set_version(1)
    data = crl.export(ca_cert, ca_key, FILETYPE_PEM, days=10,
                      digest=b"sha256")
    store = store_of(ca_cert)
    store.add_crl(load_crl(FILETYPE_PEM, data))
    store.set_flags(X509StoreFlags.CRL_CHECK)
    assert verify_error(store, cert_of(pki.client_cert)).args[0][0] == \
        CERT_REVOKED
    X509StoreContext(store, cert_of(pki.server_cert)).verify_certificate()
    # the same CRL object can be put in a store directly
    store = store_of(ca_cert)
    store.add_crl(crl)
    store.set_flags(X509StoreFlags.CRL_CHECK | X509StoreFlags.CRL_CHECK_ALL)
    assert verify_error(store, cert_of(pki.client_cert)).args[0][0] == \
        CERT_REVOKED


def test_crl_signed_by_the_wrong_key(pki, ca_cert):
    crl = CRL()
    revoked = Revoked()
    revoked.set_serial(b"01")
    revoked.set_rev_date(b"20240101000000Z")
    crl.add_revoked(revoked)
    # issuer name is our CA's, the signature is the other CA's
    crl.set_lastUpdate(b"20240101000000Z")
    crl.set_nextUpdate(b"20990101000000Z")
    crl.sign(ca_cert, key_of(pki.other_ca_key), b"sha256")
    assert crl.get_issuer() == ca_cert.get_subject()
    store = store_of(ca_cert)
    store.add_crl(crl)
    store.set_flags(X509StoreFlags.CRL_CHECK)
    err = verify_error(store, cert_of(pki.server_cert))
    assert err.args[0][0] in (CRL_SIGNATURE_FAILURE, UNABLE_TO_GET_CRL)


# ------------------------------------------------------------ CRLs --

def test_openssl_ca_crl_loads(pki, ca):
    crl = load_crl(FILETYPE_PEM, _read_bytes(ca.crl))
    der = load_crl(FILETYPE_ASN1, _read_bytes(ca.crl_der))
    assert dump_crl(FILETYPE_ASN1, crl) == dump_crl(FILETYPE_ASN1, der)
    assert crl.get_issuer().CN == "pyossl test CA"
    (revoked,) = crl.get_revoked()
    assert revoked.get_serial() == ca.client_serial
    assert revoked.get_reason() == b"Key Compromise"
    assert re.match(br"^\d{14}Z$", revoked.get_rev_date())
    text = dump_crl(FILETYPE_TEXT, crl)
    assert b"Certificate Revocation List" in text
    assert ca.client_serial in text
    assert dump_crl(FILETYPE_PEM, crl).startswith(b"-----BEGIN X509 CRL")


def test_pyossl_crl_read_by_openssl(pki, ca, ca_cert, ca_key, tmp_path):
    crl = CRL()
    for serial, reason in ((b"0A", b"keyCompromise"), (b"3AB", None),
                           (b"DEADBEEF", b"certificate hold")):
        revoked = Revoked()
        revoked.set_serial(serial)
        revoked.set_rev_date(b"20240229120000Z")
        revoked.set_reason(reason)
        crl.add_revoked(revoked)
    path = tmp_path / "ours.pem"
    path.write_bytes(crl.export(ca_cert, ca_key, FILETYPE_PEM, 30,
                                b"sha256"))
    text = run_openssl("crl", "-in", path, "-noout", "-text")
    assert b"Issuer: C = US, O = pyossl tests, CN = pyossl test CA" in text \
        or b"pyossl test CA" in text
    for serial in (b"0A", b"03AB", b"DEADBEEF"):
        assert b"Serial Number: " + serial in text
    assert b"Key Compromise" in text and b"Certificate Hold" in text
    # the signature checks out with the CA certificate
    proc = run_openssl("crl", "-in", path, "-noout", "-CAfile", pki.ca_cert)
    assert proc == b""
    der = tmp_path / "ours.der"
    der.write_bytes(crl.export(ca_cert, ca_key, FILETYPE_ASN1, 30,
                               b"sha256"))
    run_openssl("crl", "-in", der, "-inform", "DER", "-noout",
                "-CAfile", pki.ca_cert)
    assert b"Last Update" in crl.export(ca_cert, ca_key, FILETYPE_TEXT, 30,
                                        b"sha256")


def test_export_checks_arguments(ca_cert, ca_key):
    crl = CRL()
    with pytest.raises(TypeError):
        crl.export(None, ca_key, digest=b"sha256")
    with pytest.raises(TypeError):
        crl.export(ca_cert, ca_cert, digest=b"sha256")
    with pytest.raises(TypeError):
        crl.export(ca_cert, ca_key, "PEM", digest=b"sha256")
    with pytest.raises(ValueError):
        crl.export(ca_cert, ca_key, 100, digest=b"sha256")
    with pytest.raises(TypeError):
        crl.export(ca_cert, ca_key, FILETYPE_PEM, "10", digest=b"sha256")
    with pytest.raises(OverflowError):
        crl.export(ca_cert, ca_key, FILETYPE_PEM, 1 << 70, digest=b"sha256")
    with pytest.raises(ValueError):
        crl.export(ca_cert, ca_key, digest=b"no-such-digest")
    with pytest.raises(TypeError):
        crl.export(ca_cert, ca_key, digest=256)


def test_export_without_digest_warns_and_uses_md5(ca_cert, ca_key):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = CRL().export(ca_cert, ca_key)
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    text = dump_crl(FILETYPE_TEXT, load_crl(FILETYPE_PEM, data))
    assert b"md5WithRSAEncryption" in text


def test_export_with_public_only_key(ca_cert):
    public = crypto.load_publickey(
        FILETYPE_PEM, crypto.dump_publickey(FILETYPE_PEM, ca_cert.get_pubkey()))
    with pytest.raises(ValueError):
        CRL().export(ca_cert, public, digest=b"sha256")
    with pytest.raises(ValueError):
        CRL().sign(ca_cert, public, b"sha256")
    with pytest.raises(Error):
        CRL().export(ca_cert, PKey(), digest=b"sha256")
    with pytest.raises(Error):
        CRL().export(X509(), PKey(), digest=b"sha256")
    with pytest.raises(Error):
        CRL().sign(ca_cert, PKey(), b"sha256")


def test_sign_checks_arguments(ca_cert, ca_key):
    crl = CRL()
    with pytest.raises(TypeError):
        crl.sign(None, ca_key, b"sha256")
    with pytest.raises(TypeError):
        crl.sign(ca_cert, None, b"sha256")
    with pytest.raises(ValueError):
        crl.sign(ca_cert, ca_key, b"sha-nothing")
    crl.sign(ca_cert, ca_key, "sha256")
    assert crl.get_issuer().CN == "pyossl test CA"


def test_get_revoked_empty_is_none():
    assert CRL().get_revoked() is None


def test_add_and_get_revoked_are_by_value():
    crl = CRL()
    revoked = Revoked()
    revoked.set_serial(b"01")
    revoked.set_rev_date(b"20240101000000Z")
    crl.add_revoked(revoked)
    revoked.set_serial(b"02")
    crl.add_revoked(revoked)
    got = crl.get_revoked()
    assert isinstance(got, tuple)
    assert [r.get_serial() for r in got] == [b"01", b"02"]
    got[0].set_serial(b"FF")
    assert [r.get_serial() for r in crl.get_revoked()] == [b"01", b"02"]
    del crl
    gc.collect()
    assert got[1].get_serial() == b"02"
    with pytest.raises(TypeError):
        CRL().add_revoked(b"01")


def test_set_version_and_times():
    crl = CRL()
    crl.set_version(1)
    crl.set_lastUpdate(b"20240101000000Z")
    crl.set_nextUpdate(b"20240201000000Z")
    crl.set_nextUpdate(b"20240201000000+0100")
    for setter in (crl.set_lastUpdate, crl.set_nextUpdate):
        with pytest.raises(TypeError):
            setter("20240101000000Z")
        with pytest.raises(ValueError):
            setter(b"yesterday")
        with pytest.raises(ValueError):
            setter(b"20240101\x00000000Z")
    with pytest.raises(TypeError):
        crl.set_version("1")
    with pytest.raises(OverflowError):
        crl.set_version(1 << 70)


def test_get_issuer_is_a_copy(ca, ca_cert):
    crl = load_crl(FILETYPE_PEM, _read_bytes(ca.crl))
    name = crl.get_issuer()
    del crl
    gc.collect()
    assert name == ca_cert.get_subject()


def test_load_crl_bad_input():
    for kind in (FILETYPE_PEM, FILETYPE_ASN1):
        with pytest.raises(Error):
            load_crl(kind, b"this is not a CRL")
        with pytest.raises(Error):
            load_crl(kind, b"")
    with pytest.raises(Error):
        load_crl(FILETYPE_PEM, b"-----BEGIN X509 CRL-----\nAAAA\n"
                               b"-----END X509 CRL-----\n")
    with pytest.raises(ValueError):
        load_crl(FILETYPE_TEXT, b"whatever")
    with pytest.raises(TypeError):
        load_crl(FILETYPE_PEM, None)


def test_load_crl_accepts_text(ca):
    crl = load_crl(FILETYPE_PEM, _read_text(ca.crl))
    assert len(crl.get_revoked()) == 1


def test_dump_crl_bad_input(ca):
    crl = load_crl(FILETYPE_PEM, _read_bytes(ca.crl))
    with pytest.raises(ValueError):
        dump_crl(99, crl)
    with pytest.raises(TypeError):
        dump_crl(FILETYPE_PEM, b"crl")


# ----------------------------------------------------------- Revoked --

def test_revoked_serial():
    revoked = Revoked()
    revoked.set_serial(b"10b")
    assert revoked.get_serial() == b"010B"
    revoked.set_serial(b"0")
    assert revoked.get_serial() == b"00"
    # As pyOpenSSL (issue 12): the hex digits up to the first other byte
    for prefix, serial in ((b"12 34", b"12"), (b"10g", b"10"),
                           (b"31ppp", b"31")):
        revoked.set_serial(prefix)
        assert revoked.get_serial() == serial
    big = b"1" * 40
    revoked.set_serial(big)
    assert revoked.get_serial().replace(b"\\\n", b"") == big
    for bad in (b"", b"xyz", b"pqrst", b"1\x002"):
        with pytest.raises(ValueError):
            revoked.set_serial(bad)
    for bad in ("10", 16, None):
        with pytest.raises(TypeError):
            revoked.set_serial(bad)
    assert revoked.get_serial().replace(b"\\\n", b"") == big


def test_revoked_reasons():
    revoked = Revoked()
    assert revoked.get_reason() is None
    reasons = revoked.all_reasons()
    assert reasons[:2] == [b"unspecified", b"keyCompromise"]
    assert len(reasons) == 7
    reasons.append(b"junk")
    assert len(revoked.all_reasons()) == 7
    for reason in revoked.all_reasons():
        for _ in range(2):
            assert revoked.set_reason(reason) is None
            got = revoked.get_reason()
            assert got.lower().replace(b" ", b"") == reason.lower()
    revoked.set_reason(b"Key Compromise")
    assert revoked.get_reason() == b"Key Compromise"
    revoked.set_reason(None)
    assert revoked.get_reason() is None
    revoked.set_reason(None)
    with pytest.raises(ValueError):
        revoked.set_reason(b"because")
    with pytest.raises(TypeError):
        revoked.set_reason("keyCompromise")
    with pytest.raises(TypeError):
        revoked.set_reason(1)


def test_revoked_dates():
    revoked = Revoked()
    revoked.set_rev_date(b"20240229120000Z")
    assert revoked.get_rev_date() == b"20240229120000Z"
    revoked.set_rev_date(b"20990101000000Z")
    assert revoked.get_rev_date() == b"20990101000000Z"
    with pytest.raises(ValueError):
        revoked.set_rev_date(b"2024")
    with pytest.raises(TypeError):
        revoked.set_rev_date(None)
    assert revoked.get_rev_date() == b"20990101000000Z"


# ------------------------------------------------ cryptography_vectors --

def vector(*parts):
    path = os.path.join(vectors_dir(), *parts)
    with open(path, "rb") as f:
        return f.read()


def test_vectors_crl_all_reasons():
    crl = load_crl(FILETYPE_PEM, vector("x509", "custom",
                                        "crl_all_reasons.pem"))
    reasons = [r.get_reason() for r in crl.get_revoked()]
    assert b"Key Compromise" in reasons
    assert len(reasons) >= 7
    assert all(r.get_serial() and r.get_rev_date() for r in crl.get_revoked())


def test_vectors_crl_empty_and_others():
    crl = load_crl(FILETYPE_PEM, vector("x509", "custom", "crl_empty.pem"))
    assert crl.get_revoked() is None
    for name in ("valid_signature_crl.pem", "crl_no_next_update.pem",
                 "crl_ian_aia_aki.pem", "crl_idp_fullname_only.pem"):
        crl = load_crl(FILETYPE_PEM, vector("x509", "custom", name))
        assert crl.get_issuer() is not None
        assert dump_crl(FILETYPE_TEXT, crl)
    crl = load_crl(FILETYPE_PEM, vector("x509", "custom",
                                        "crl_almost_10k.pem"))
    assert len(crl.get_revoked()) > 9000


def test_vectors_bad_crls():
    with pytest.raises(Error):
        load_crl(FILETYPE_ASN1, vector("x509", "custom",
                                       "crl_empty_no_sequence.der")[:-3])


# ----------------------------------------------------------- threads --

def test_threads_each_with_their_own_objects(pki, ca, ca_cert):
    """Stores, contexts and CRLs used from many threads at once."""
    import threading
    crl_pem = _read_bytes(ca.crl)
    server_pem, client_pem = _read_bytes(pki.server_cert), \
        _read_bytes(pki.client_cert)
    leaf, inter = cert_of(ca.leaf), cert_of(ca.inter)
    failures = []

    def work():
        try:
            for _ in range(40):
                store = store_of(ca_cert)
                store.add_crl(load_crl(FILETYPE_PEM, crl_pem))
                store.set_flags(X509StoreFlags.CRL_CHECK)
                server = crypto.load_certificate(FILETYPE_PEM, server_pem)
                client = crypto.load_certificate(FILETYPE_PEM, client_pem)
                X509StoreContext(store, server).verify_certificate()
                err = verify_error(store, client)
                assert err.args[0][0] == CERT_REVOKED
                assert pem(err.certificate) == client_pem
                chain = X509StoreContext(store_of(ca_cert), leaf,
                                         [inter]).get_verified_chain()
                assert len(chain) == 3
                revoked = load_crl(FILETYPE_PEM, crl_pem).get_revoked()[0]
                assert revoked.get_reason() == b"Key Compromise"
            assert error_queue() == []
        except BaseException as exc:       # reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


# --------------------------------------------------- struct layouts --

def test_struct_layouts_are_verified_at_load(lib):
    """Every layout the build needs was checked against it at load (the
    1.0.2 CRL/revocation layouts among them)."""
    assert lib.layouts == layouts.verify(lib)
    assert "GENERAL_NAME" in lib.layouts and "PKCS7" in lib.layouts
    if lib.generation == 0:
        assert {"X509_CRL_INFO", "X509_REVOKED"} <= set(lib.layouts)


# ------------------------------------------------------------ memory --

@memory_test
def test_memory_stays_flat(pki, ca, ca_cert, ca_key):
    """Store + context + CRL + Revoked create/verify/drop: 400 rounds
    measured exactly (``conftest.assert_memory_flat``), else 4,000 by
    RSS."""
    crl_pem = _read_bytes(ca.crl)
    leaf, inter = cert_of(ca.leaf), cert_of(ca.inter)
    client = cert_of(pki.client_cert)

    def round_trip():
        store = X509Store()
        store.add_cert(ca_cert)
        crl = load_crl(FILETYPE_PEM, crl_pem)
        store.add_crl(crl)
        ctx = X509StoreContext(store, leaf, [inter])
        assert len(ctx.get_verified_chain()) == 3
        store.set_flags(X509StoreFlags.CRL_CHECK)
        try:
            X509StoreContext(store, client).verify_certificate()
        except X509StoreContextError as e:
            assert e.certificate is not None
        (revoked,) = crl.get_revoked()
        revoked.set_reason(b"superseded")
        revoked.get_serial()
        fresh = CRL()
        fresh.add_revoked(revoked)
        fresh.set_lastUpdate(b"20240101000000Z")
        fresh.sign(ca_cert, ca_key, b"sha256")
        dump_crl(FILETYPE_ASN1, fresh)
        fresh.get_issuer()

    assert_memory_flat(round_trip, 400, 4000, 8 * 1024, warmup=150)
