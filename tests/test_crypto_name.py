"""crypto.X509Name: attributes, components, hash, DER, copies, comparison."""

import gc

import pytest

from conftest import requires_cli, run_openssl
from pyossl import crypto
from pyossl._runtime.library import lib
from pyossl.crypto import FILETYPE_PEM, Error, X509, X509Name, X509Req


def new_name(**attrs):
    name = X509Name(X509().get_subject())
    for key, value in attrs.items():
        setattr(name, key, value)
    return name


def test_type_alias():
    assert crypto.X509NameType is X509Name


@pytest.mark.parametrize("short, long_", [
    ("C", "countryName"), ("ST", "stateOrProvinceName"),
    ("L", "localityName"), ("O", "organizationName"),
    ("OU", "organizationalUnitName"), ("CN", "commonName")])
def test_short_and_long_names(short, long_):
    name = new_name()
    value = "US" if short == "C" else "value of " + short
    setattr(name, short, value)
    assert getattr(name, long_) == value
    setattr(name, long_, "ZZ" if short == "C" else "other")
    assert getattr(name, short) == ("ZZ" if short == "C" else "other")
    assert len(name.get_components()) == 1


def test_other_known_names():
    name = new_name(emailAddress="me@example.com", serialNumber="1234",
                    title="Dr", givenName="Ada", surname="Lovelace",
                    domainComponent="example", UID="ada")
    assert name.emailAddress == "me@example.com"
    assert name.title == "Dr"
    assert name.GN == "Ada"
    assert name.SN == "Lovelace"
    assert name.DC == "example"
    assert name.serialNumber == "1234"
    assert name.UID == "ada"


def test_absent_field_is_none():
    name = new_name(CN="x")
    assert name.O is None
    assert name.emailAddress is None


def test_unknown_attribute():
    name = new_name()
    with pytest.raises(AttributeError):
        name.no_such_field
    with pytest.raises(AttributeError):
        name.no_such_field = "x"
    with pytest.raises(AttributeError):
        getattr(name, "")


def test_bytes_and_text_values():
    name = new_name()
    name.CN = b"bytes value"
    assert name.CN == "bytes value"
    name.O = "Zürich – 東京"
    assert name.O == "Zürich – 東京"
    value = "Zürich – 東京".encode("utf-8")
    assert (b"O", value) in name.get_components()


@pytest.mark.parametrize("bad", [None, 12, 1.5, ["x"]])
def test_bad_value_type(bad):
    name = new_name(CN="keep")
    with pytest.raises(TypeError):
        name.CN = bad
    assert name.CN == "keep"


def test_nul_byte_is_refused():
    # issue 10: pyOpenSSL's C call would cut the value at the NUL (the
    # CVE-2026-40475 class); pyossl refuses it and leaves the name as it was
    name = new_name()
    name.CN = "keep"
    with pytest.raises(ValueError):
        name.CN = b"evil.example\x00.good.example"
    with pytest.raises(ValueError):
        name.CN = "evil.example\x00.good.example"
    assert name.CN == "keep"


def test_value_openssl_refuses():
    name = new_name()
    with pytest.raises(Error):
        name.C = "USA"      # countryName must be two characters
    assert name.C is None
    name.C = "US"
    with pytest.raises(Error):
        name.C = "USA"
    assert name.C == "US"   # unchanged after a refused value


def test_replacing_moves_entry_last():
    name = new_name(CN="a", O="b")
    name.CN = "c"
    assert name.get_components() == [(b"O", b"b"), (b"CN", b"c")]


def test_setting_replaces_existing_entry():
    name = new_name(CN="one")
    name.CN = "two"
    assert name.get_components() == [(b"CN", b"two")]


def test_get_components_order_and_types():
    name = new_name(C="US", O="org", CN="host")
    assert name.get_components() == [(b"C", b"US"), (b"O", b"org"),
                                     (b"CN", b"host")]


def test_copy_is_independent():
    cert = X509()
    cert.get_subject().CN = "original"
    copy = X509Name(cert.get_subject())
    copy.CN = "copy"
    assert cert.get_subject().CN == "original"
    del cert
    gc.collect()
    assert copy.CN == "copy"


@pytest.mark.parametrize("bad", [None, "CN=x", 5, X509()])
def test_copy_constructor_bad(bad):
    with pytest.raises(TypeError):
        X509Name(bad)


def test_comparison():
    a = new_name(CN="a")
    a2 = new_name(CN="a")
    b = new_name(CN="b")
    assert a == a2 and not a != a2
    assert a != b and not a == b
    assert (a < b) != (a > b)
    assert a <= a2 and a >= a2
    assert a != "a"
    with pytest.raises(TypeError):
        a < "a"


def test_not_hashable():
    with pytest.raises(TypeError):
        hash(new_name(CN="x"))


def test_repr():
    name = new_name(C="US", CN="host")
    assert repr(name) == "<X509Name object '/C=US/CN=host'>"


@requires_cli()
def test_der_and_hash_match_openssl(pki):
    cert = crypto.load_certificate(FILETYPE_PEM, pki.read("ca_cert"))
    subject = cert.get_subject()
    expected = int(run_openssl("x509", "-in", pki.ca_cert, "-noout",
                               "-subject_hash").strip(), 16)
    assert subject.hash() == expected
    der = subject.der()
    assert der[0] == 0x30
    parsed = run_openssl("asn1parse", "-inform", "DER", input=der)
    assert b"pyossl test CA" in parsed
    assert X509Name(subject).der() == der


def test_empty_name():
    name = new_name()
    assert name.get_components() == []
    assert name.der() == b"\x30\x00"
    assert isinstance(name.hash(), int)
    assert repr(name) == "<X509Name object '/'>" or "X509Name" in repr(name)


def test_request_subject_is_live_view():
    req = X509Req()
    subject = req.get_subject()
    subject.CN = "req"
    assert req.get_subject().CN == "req"
    del req
    gc.collect()
    assert subject.CN == "req"


def test_borrowed_and_copied_names():
    cert = X509()
    cert.get_subject().CN = "raw"
    ptr = lib.X509_get_subject_name(cert._x509)
    view = X509Name._borrowed(ptr, cert)
    assert cert in view._depends_on and view._name == ptr
    view.O = "through view"
    assert cert.get_subject().O == "through view"
    copy = X509Name._from_copy(ptr)
    assert copy._name != ptr and copy == view
    copy.CN = "copy"
    assert cert.get_subject().CN == "raw"


def test_many_attributes_round_trip():
    name = new_name()
    for i in range(50):
        name.OU = "unit %d" % i
    assert name.OU == "unit 49"
    assert len(name.get_components()) == 1


def test_der_encoding_matches_pyopenssl():
    # the exact bytes pyOpenSSL's own test suite expects
    name = new_name(C="US", CN="foo")
    assert name.der() == (b"0\x1b1\x0b0\t\x06\x03U\x04\x06\x13\x02US1\x0c0\n"
                          b"\x06\x03U\x04\x03\x0c\x03foo")


def test_empty_values():
    name = new_name()
    name.title = ""
    assert name.title == ""
    with pytest.raises(Error):
        name.CN = ""        # OpenSSL requires at least one character
    assert name.CN is None


def test_attribute_lookup_is_cached_but_exact():
    name = new_name(CN="x")
    for _ in range(3):
        assert name.CN == "x" and name.commonName == "x"
        with pytest.raises(AttributeError):
            name.notAnAttribute
