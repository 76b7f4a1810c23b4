"""What every part of :mod:`pyossl.crypto` shares: its exception, the file
types, digest and cipher lookup, reading and writing through memory BIOs,
ASN.1 times and integers, new references to shared objects, and the lazy
import of ``cryptography``."""

import os
import struct
from ctypes import byref, c_char, c_int, c_void_p, string_at
from typing import NoReturn, Optional, Union

from .._binding import layouts
from .._runtime.convert import c_string_arg
from .._runtime.errors import clear_error_queue, make_assert
from .._runtime.errors import raise_current_error
from .._runtime.library import lib
from .._runtime.ownership import Owner
from .._runtime.scoped import MemBIO, scoped, write_mem


class Error(Exception):
    """An error occurred in an ``OpenSSL.crypto`` API.

    Its single argument is a list of ``(library, function, reason)``
    string tuples taken from OpenSSL's error queue.
    """


class CertificateBase(Owner):
    """The base of :class:`pyossl.crypto.X509`, for the modules that X509
    itself depends on (extensions take a certificate as issuer or subject):
    they test ``isinstance(obj, CertificateBase)`` without importing it."""


# What the byte-string and file-name arguments accept (for annotations).
BufferArg = Union[str, bytes, bytearray, memoryview]
PathArg = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

FILETYPE_PEM = 1
FILETYPE_ASN1 = 2
# FILETYPE_TEXT is a pyOpenSSL invention: "human readable" output.
FILETYPE_TEXT = 2 ** 16 - 1

openssl_assert = make_assert(Error)
clear = clear_error_queue


def raise_error(function: str = "",
                reason: Optional[str] = None) -> NoReturn:
    """Raise :class:`Error` from the queue, or with *reason* (or one naming
    *function*) when OpenSSL queued nothing: never ``Error([])``."""
    raise_current_error(Error, function, reason)


def check_filetype(type, with_text=False):
    """Refuse a file type other than PEM, ASN.1 (and text if allowed)."""
    if with_text:
        if type not in (FILETYPE_PEM, FILETYPE_ASN1, FILETYPE_TEXT):
            raise ValueError("type argument must be FILETYPE_PEM, "
                             "FILETYPE_ASN1, or FILETYPE_TEXT")
    elif type not in (FILETYPE_PEM, FILETYPE_ASN1):
        raise ValueError(
            "type argument must be FILETYPE_PEM or FILETYPE_ASN1")


def _by_name(getter, name, what, unknown):
    try:
        name = c_string_arg(name, what)
    except ValueError:      # a NUL byte: C would look up a shorter name
        raise ValueError(unknown) from None
    found = getter(name)
    if not found:
        clear()
        raise ValueError(unknown)
    return found


def digest_by_name(name):
    """The ``EVP_MD*`` named by *name* (``str`` or ``bytes``).

    :raises TypeError: for any other type.
    :raises ValueError: for a name OpenSSL does not know (or one with a NUL
        byte, which C would cut short).
    """
    return _by_name(lib.EVP_get_digestbyname, name, "digest",
                    "No such digest method")


def cipher_by_name(name):
    """The ``EVP_CIPHER*`` named by *name*; see :func:`digest_by_name`."""
    return _by_name(lib.EVP_get_cipherbyname, name, "cipher",
                    "Invalid cipher name")


def write_to_bio(name, *args):
    """Run ``lib.<name>(bio, *args)`` on a fresh memory BIO; return the
    bytes written."""
    data = write_mem(getattr(lib, name), *args)
    if data is None:
        raise_error(name, "cannot write the object")
    # Printing an odd extension can succeed and still leave errors.
    clear()
    return data


def read_from_bio(pem_name, der_name, type, data):
    """A new handle read by ``lib.<pem_name>`` (PEM) or ``lib.<der_name>``
    (ASN.1) from *data*; :class:`Error` when there is none."""
    with MemBIO(data) as bio:
        if type == FILETYPE_PEM:
            ptr = getattr(lib, pem_name)(bio.ptr, None, None, None)
        else:
            ptr = getattr(lib, der_name)(bio.ptr, None)
    if not ptr:
        raise_error(pem_name if type == FILETYPE_PEM else der_name)
    clear()
    return ptr


# ------------------------------------------------------------- ref counts --

_X509_up_ref = lib.X509_up_ref
_EVP_PKEY_up_ref = lib.EVP_PKEY_up_ref


def x509_new_ref(ptr):
    """A new reference to the borrowed ``X509*`` *ptr* (the caller owns it).

    ``X509_up_ref`` (on 1.0.2 a table macro over the reference count, whose
    layout is verified at load): the same certificate object is shared,
    not copied, so views and identity behave alike on every version.
    """
    _X509_up_ref(ptr)
    return ptr


def pkey_new_ref(ptr):
    """A new reference to the borrowed ``EVP_PKEY*`` *ptr* (caller owns
    it); see :func:`x509_new_ref`."""
    _EVP_PKEY_up_ref(ptr)
    return ptr


# ------------------------------------------------------------ ASN.1 --

# The ASN1_STRING fields read in place (layouts.ASN1_STRING, verified at
# load): one Python-level read instead of ASN1_STRING_length / _type /
# _get0_data calls.  None if the layout did not verify (the calls then).
_asn1_head = layouts.asn1_string_head()


def asn1_string_bytes(string):
    """The content bytes of the ``ASN1_STRING*`` *string*."""
    if _asn1_head is not None:
        head = _asn1_head(string)
        length = head.length
        if length <= 0 or not head.data:
            return b""
        return string_at(head.data, length)
    length = lib.ASN1_STRING_length(string)
    if length <= 0:
        return b""
    return string_at(lib.ASN1_STRING_get0_data(string), length)


# ASN1_TIME_to_tm (1.1.1+) parses a time with the same code and checks as
# ASN1_TIME_to_generalizedtime, which then prints the struct tm as below:
# one call instead of four (convert, two reads, free).  A struct tm starts
# with nine ints (tm_sec .. tm_isdst) on every supported platform; the
# buffer is larger than any struct tm.
_TM = c_int * 32
_tm_head = struct.Struct("6i").unpack_from     # tm_sec .. tm_year
_ASN1_TIME_to_tm = (lib.ASN1_TIME_to_tm if lib.available("ASN1_TIME_to_tm")
                    else None)
_V_ASN1_GENERALIZEDTIME = lib.V_ASN1_GENERALIZEDTIME
_V_ASN1_UTCTIME = lib.V_ASN1_UTCTIME
_UTC13 = c_char * 13
_ASN1_UTCTIME_check = (lib.ASN1_UTCTIME_check if _ASN1_TIME_to_tm is not None
                       else None)
_fast_utc = _ASN1_UTCTIME_check is not None


def get_asn1_time(timestamp):
    """An ``ASN1_TIME*`` as GENERALIZEDTIME bytes (``None`` when unset)."""
    if not timestamp:
        return None
    utc = None
    if _asn1_head is not None:
        head = _asn1_head(timestamp)
        length = head.length
        if length == 0:
            return None
        kind = head.type
        if kind == _V_ASN1_GENERALIZEDTIME:
            data = head.data
            return string_at(data, length) if length > 0 and data else b""
        if kind == _V_ASN1_UTCTIME and length == 13 and _fast_utc:
            data = head.data
            if data:
                utc = _UTC13.from_address(data).raw
    else:
        if lib.ASN1_STRING_length(timestamp) == 0:
            return None
        if lib.ASN1_STRING_type(timestamp) == _V_ASN1_GENERALIZEDTIME:
            return asn1_string_bytes(timestamp)
    if _ASN1_TIME_to_tm is not None:
        if utc is not None and utc[12] == 0x5A:
            # The usual YYMMDDhhmmssZ.  ASN1_UTCTIME_check is the parser of
            # ASN1_TIME_to_tm run without a struct tm (1.1.1+: the same
            # function; for a time ending in Z the checks do not depend on
            # the struct), and a valid such time converts to its own digits
            # after the century (RFC 5280: YY < 50 is 20YY): the bytes the
            # struct tm would format to, without the struct.
            if not _ASN1_UTCTIME_check(timestamp):
                raise_error("ASN1_TIME_to_tm", "invalid time")
            return (b"19" if utc[0] >= 0x35 else b"20") + utc
        tm = _TM()
        if not _ASN1_TIME_to_tm(timestamp, tm):
            raise_error("ASN1_TIME_to_tm", "invalid time")
        sec, mins, hour, mday, mon, year = _tm_head(tm)
        year += 1900
        if 1000 <= year <= 9999:
            # YYYYMMDDhhmmss as one 14-digit number: one format, not six.
            return b"%dZ" % (((((year * 100 + mon + 1) * 100 + mday) * 100
                               + hour) * 100 + mins) * 100 + sec)
        return b"%04d%02d%02d%02d%02d%02dZ" % (
            year, mon + 1, mday, hour, mins, sec)
    generalized = lib.ASN1_TIME_to_generalizedtime(timestamp, None)
    if not generalized:
        raise_error("ASN1_TIME_to_generalizedtime", "invalid time")
    with scoped(generalized, lib.ASN1_STRING_free):
        return asn1_string_bytes(generalized)


def set_asn1_time(boundary, when):
    """Set the ``ASN1_TIME*`` *boundary* from GENERALIZEDTIME bytes."""
    if not isinstance(when, bytes):
        raise TypeError("when must be a byte string")
    if b"\0" in when:          # C would read the time up to the NUL only
        raise ValueError("Invalid string")
    if not lib.ASN1_GENERALIZEDTIME_set_string(boundary, when):
        clear()
        raise ValueError("Invalid string")


def new_asn1_time(when):
    """A scoped new ``ASN1_TIME`` holding *when* (``with new_asn1_time(w)
    as t:``).

    :param bytes when: ``YYYYMMDDhhmmssZ``, or with a ``+hhmm``/``-hhmm``
        offset instead of ``Z`` (ASN.1 GeneralizedTime).
    :raises TypeError: if *when* is not bytes.
    :raises ValueError: if it is not such a time.
    """
    if isinstance(when, bytes) and b"\0" in when:
        raise ValueError("Invalid string")
    asn1 = scoped(lib.ASN1_TIME_new(), lib.ASN1_TIME_free)
    openssl_assert(asn1.ptr)
    try:
        set_asn1_time(asn1.ptr, when)
    except BaseException:
        asn1.__exit__(None, None, None)
        raise
    return asn1


def asn1_integer_to_int(integer):
    bn = lib.ASN1_INTEGER_to_BN(integer, None)
    if not bn:
        raise_error("ASN1_INTEGER_to_BN")
    with scoped(bn, lib.BN_free):
        hex_ptr = lib.BN_bn2hex(bn)
        openssl_assert(hex_ptr)
        with scoped(hex_ptr, lib.OPENSSL_free):
            return int(string_at(hex_ptr), 16)


def int_to_asn1_integer(value):
    """A new ``ASN1_INTEGER*`` for the non-negative int *value*."""
    bn = c_void_p()
    if not lib.BN_hex2bn(byref(bn), b"%x" % value) or not bn.value:
        raise_error("BN_hex2bn")
    with scoped(bn.value, lib.BN_free):
        integer = lib.BN_to_ASN1_INTEGER(bn, None)
        if not integer:
            raise_error("BN_to_ASN1_INTEGER")
        return integer


# ------------------------------------------------------------ cryptography --

def cryptography(module):
    """``cryptography.x509`` or ``cryptography...serialization`` (optional,
    imported when first needed)."""
    try:
        if module == "x509":
            from cryptography import x509
            return x509
        from cryptography.hazmat.primitives import serialization
        return serialization
    except ImportError as exc:
        raise ImportError(
            "this needs the optional 'cryptography' package (%s)" % (exc,))
