"""``cryptography`` objects where pyOpenSSL 2x takes them, and back.

pyOpenSSL 2x accepts ``cryptography`` certificates, private keys and CRLs in
``Context.use_certificate`` and its neighbours, and returns ``cryptography``
objects when asked (``as_cryptography=True``).  pyossl does both while still
taking its own objects without a warning (16.1's API stays).

``cryptography`` stays optional: it is never imported here unless the
caller already imported it (an object cannot be a ``cryptography`` one
otherwise) or asked for a ``cryptography`` result.  Conversions go through
DER, so the two libraries never share a C object.
"""

import sys
from ctypes import byref, c_char, c_void_p, cast
from typing import Any

from .._runtime.library import lib
from .certificates import X509
from .common import FILETYPE_ASN1, cryptography, openssl_assert
from .keys import PKey, _is_crypto_private_key
from .names import X509Name


def _loaded_x509():
    """``cryptography.x509`` if ``cryptography`` is imported, else None."""
    if "cryptography.x509" not in sys.modules:
        return None
    return cryptography("x509")


def certificate_arg(obj: Any, what: str) -> X509:
    """*obj* as an :class:`X509`: itself, or a copy of a
    ``cryptography.x509.Certificate``.

    :raises TypeError: for anything else.
    """
    if isinstance(obj, X509):
        return obj
    x509 = _loaded_x509()
    if x509 is not None and isinstance(obj, x509.Certificate):
        return X509.from_cryptography(obj)
    raise TypeError("%s must be an X509 or a cryptography.x509.Certificate, "
                    "not %s" % (what, type(obj).__name__))


def private_key_arg(obj: Any, what: str) -> PKey:
    """*obj* as a :class:`PKey`: itself, or a copy of a ``cryptography``
    private key (RSA, DSA, EC, Ed25519, Ed448).

    :raises TypeError: for anything else (a public key too).
    """
    if isinstance(obj, PKey):
        return obj
    if "cryptography" in sys.modules and _is_crypto_private_key(obj):
        return PKey.from_cryptography_key(obj)
    raise TypeError("%s must be a PKey or a cryptography private key, not %s"
                    % (what, type(obj).__name__))


def name_arg(obj: Any, what: str) -> X509Name:
    """*obj* as an :class:`X509Name`: itself, or a copy of a
    ``cryptography.x509.Name``.

    :raises TypeError: for anything else.
    """
    if isinstance(obj, X509Name):
        return obj
    x509 = _loaded_x509()
    if x509 is not None and isinstance(obj, x509.Name):
        der = obj.public_bytes()
        buf = (c_char * len(der)).from_buffer_copy(der)
        cursor = cast(buf, c_void_p)
        ptr = lib.d2i_X509_NAME(None, byref(cursor), len(der))
        openssl_assert(ptr, "d2i_X509_NAME")
        return X509Name._from_owned(ptr)
    raise TypeError("%s must be an X509Name or a cryptography.x509.Name, "
                    "not %s" % (what, type(obj).__name__))


def crl_arg(obj: Any, what: str) -> Any:
    """*obj* as a :class:`~pyossl.crypto.CRL`: itself, or a copy of a
    ``cryptography.x509.CertificateRevocationList``.

    :raises TypeError: for anything else.
    """
    from .crls import CRL, load_crl
    if isinstance(obj, CRL):
        return obj
    x509 = _loaded_x509()
    if x509 is not None and isinstance(obj, x509.CertificateRevocationList):
        encoding = cryptography("serialization").Encoding.DER
        return load_crl(FILETYPE_ASN1, obj.public_bytes(encoding))
    raise TypeError("%s must be a CRL or a cryptography.x509."
                    "CertificateRevocationList, not %s"
                    % (what, type(obj).__name__))


def _tlv(tag, body):
    """One DER element."""
    size = len(body)
    if size < 0x80:
        head = bytes((size,))
    else:
        raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
        head = bytes((0x80 | len(raw),)) + raw
    return bytes((tag,)) + head + body


# rsaEncryption and sha256WithRSAEncryption, with NULL parameters.
_RSA = _tlv(0x30, bytes.fromhex("06092a864886f70d010101") + b"\x05\x00")
_SHA256_RSA = _tlv(0x30, bytes.fromhex("06092a864886f70d01010b") + b"\x05\x00")


def name_to_cryptography(name: X509Name) -> Any:
    """A ``cryptography.x509.Name`` equal (DER for DER) to *name*.

    ``cryptography`` 49 and later parse a name (``Name.from_bytes``); with an
    older one the name is read back from a minimal certificate request that
    carries it (its key and signature are never looked at).
    """
    x509 = cryptography("x509")
    der = name.der()
    from_bytes = getattr(x509.Name, "from_bytes", None)
    if from_bytes is not None:
        return from_bytes(der)
    spki = _tlv(0x30, _RSA + _tlv(0x03, b"\x00"))
    info = _tlv(0x30, b"\x02\x01\x00" + der + spki + b"\xa0\x00")
    request = _tlv(0x30, info + _SHA256_RSA + _tlv(0x03, b"\x00"))
    return x509.load_der_x509_csr(request).subject


__all__ = ["certificate_arg", "private_key_arg", "name_arg", "crl_arg",
           "name_to_cryptography"]
