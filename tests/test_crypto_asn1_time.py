"""X509.get_notBefore/get_notAfter read a UTCTime in place (issue 15): the
result, or the error, must be what OpenSSL's own conversion
(``ASN1_TIME_to_generalizedtime``) gives for the same bytes, valid or not,
on every build."""

from ctypes import string_at

import pytest
from hypothesis import given, settings, strategies as st

from pyossl import crypto
from pyossl._crypto.common import get_asn1_time
from pyossl._runtime.library import lib

V_ASN1_UTCTIME = 23

CASES = [
    b"491231235959Z", b"500101000000Z", b"000229120000Z", b"010229120000Z",
    b"491331235959Z", b"4912312359590", b"49123123595Z", b"491231236000Z",
    b"491231246959Z", b"49123123595aZ", b"991231235959Z", b"0001010000Z",
    b"000101000000+0100", b"000101000000-2359", b"A91231235959Z",
    b"490231235959Z", b"400431000000Z", b"", b"Z", b"0" * 13,
    b"49123123595\x00Z",
]


@pytest.fixture
def utctime():
    value = lib.ASN1_TIME_new()
    lib.X509_gmtime_adj(value, 0)       # a UTCTime until 2049
    assert lib.ASN1_STRING_type(value) == V_ASN1_UTCTIME
    yield value
    lib.ASN1_TIME_free(value)


def _reference(value):
    converted = lib.ASN1_TIME_to_generalizedtime(value, None)
    if not converted:
        lib.ERR_clear_error()
        return "error"
    try:
        return string_at(lib.ASN1_STRING_get0_data(converted),
                         lib.ASN1_STRING_length(converted))
    finally:
        lib.ASN1_STRING_free(converted)


def _ours(value):
    try:
        return get_asn1_time(value)
    except crypto.Error:
        return "error"


def _check(value, content):
    assert lib.ASN1_STRING_set(value, content, len(content)) == 1
    assert lib.ASN1_STRING_type(value) == V_ASN1_UTCTIME
    expected = None if not content else _reference(value)
    assert _ours(value) == expected, content


@pytest.mark.parametrize("content", CASES)
def test_utctime_as_openssl_converts_it(utctime, content):
    _check(utctime, content)


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.text("0123456789Z+-", min_size=11, max_size=17).map(str.encode),
    st.binary(min_size=13, max_size=13)))
def test_any_utctime_as_openssl_converts_it(content):
    value = lib.ASN1_TIME_new()
    try:
        lib.X509_gmtime_adj(value, 0)
        _check(value, content)
    finally:
        lib.ASN1_TIME_free(value)
