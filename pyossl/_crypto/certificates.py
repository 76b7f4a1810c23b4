"""Certificates (:class:`X509`) and certificate signing requests
(:class:`X509Req`), and stacks of certificates."""

from ctypes import byref, c_char, c_uint
from typing import Any, Iterable, List, Optional, Union

from .._runtime import stacks
from .._runtime.convert import INT_MAX, c_long_arg
from .._runtime.library import lib
from .._runtime.ownership import Owner
from .common import (FILETYPE_ASN1, CertificateBase, Error,
                     asn1_integer_to_int, clear, cryptography, digest_by_name,
                     get_asn1_time, int_to_asn1_integer, openssl_assert,
                     raise_error, read_from_bio, set_asn1_time, write_to_bio,
                     x509_new_ref)
from .extensions import X509Extension
from .keys import PKey, signing_key
from .names import X509Name


# X509.digest's output buffer (the type made once; create_string_buffer
# would check its argument and build the type on every call).
_MD_BUFFER = c_char * lib.EVP_MAX_MD_SIZE

# The getters of the live X509Name views (X509Name._live_view): a view looks
# its name up on every use, since set_subject/set_issuer replace (and free)
# the X509_NAME and a view must never dangle.

def _subject_of(cert):
    ptr = lib.X509_get_subject_name(cert._x509)
    openssl_assert(ptr)
    return ptr


def _issuer_of(cert):
    ptr = lib.X509_get_issuer_name(cert._x509)
    openssl_assert(ptr)
    return ptr


def _request_subject_of(req):
    ptr = lib.X509_REQ_get_subject_name(req._req)
    openssl_assert(ptr)
    return ptr


class X509(CertificateBase):
    """An X.509 certificate."""

    _x509: int      # the owned C handle
    _handle_attr = "_x509"
    _handle_free = "X509_free"

    def __init__(self) -> None:
        x509 = lib.X509_new()
        openssl_assert(x509)
        self._own(x509)


    def to_cryptography(self) -> Any:
        """Export as a ``cryptography`` certificate.

        :rtype: ``cryptography.x509.Certificate``
        :raises ImportError: if ``cryptography`` is not installed.

        .. versionadded:: 17.1.0
        """
        x509 = cryptography("x509")
        return x509.load_der_x509_certificate(
            write_to_bio("i2d_X509_bio", self._x509))

    @classmethod
    def from_cryptography(cls, crypto_cert: Any) -> "X509":
        """Construct based on a ``cryptography`` *crypto_cert*.

        :param crypto_cert: A ``cryptography`` X.509 certificate.
        :type crypto_cert: ``cryptography.x509.Certificate``
        :rtype: X509

        .. versionadded:: 17.1.0
        """
        x509 = cryptography("x509")
        serialization = cryptography("serialization")
        if not isinstance(crypto_cert, x509.Certificate):
            raise TypeError("Must be a certificate")
        der = crypto_cert.public_bytes(serialization.Encoding.DER)
        return X509._from_owned(read_from_bio(
            "PEM_read_bio_X509", "d2i_X509_bio", FILETYPE_ASN1, der))

    def set_version(self, version: int) -> None:
        """Set the version number of the certificate.

        :param version: The version number of the certificate.
        :type version: :py:class:`int`

        :return: ``None``
        """
        c_long_arg(version, "version")
        openssl_assert(lib.X509_set_version(self._x509, version) == 1)

    def get_version(self) -> int:
        """Return the version number of the certificate.

        :return: The version number of the certificate.
        :rtype: :py:class:`int`
        """
        return lib.X509_get_version(self._x509)

    def get_pubkey(self) -> "PKey":
        """Get the public key of the certificate.

        :return: The public key.
        :rtype: :py:class:`PKey`
        """
        pkey = lib.X509_get_pubkey(self._x509)
        if not pkey:
            raise_error()
        key = PKey._from_owned(pkey)
        key._only_public = True     # not a keyword: **state costs ~0.2 µs
        return key

    def set_pubkey(self, pkey: "PKey") -> None:
        """Set the public key of the certificate.

        :param pkey: The public key.
        :type pkey: :py:class:`PKey`

        :return: :py:data:`None`
        """
        if not isinstance(pkey, PKey):
            raise TypeError("pkey must be a PKey instance")
        openssl_assert(lib.X509_set_pubkey(self._x509, pkey._pkey) == 1)

    def sign(self, pkey: "PKey", digest: Union[str, bytes]) -> None:
        """Sign the certificate using the supplied key and digest type.

        :param pkey: The key to sign with.
        :type pkey: :py:class:`PKey`

        :param digest: The name of the message digest to use.
        :type digest: :py:class:`bytes`

        :return: :py:data:`None`
        """
        signing_key(pkey)
        md = digest_by_name(digest)
        openssl_assert(lib.X509_sign(self._x509, pkey._pkey, md) > 0)

    def get_signature_algorithm(self) -> bytes:
        """Return the signature algorithm used in the certificate.

        :return: The name of the algorithm.
        :rtype: :py:class:`bytes`

        :raises ValueError: If the signature algorithm is undefined.

        .. versionadded:: 0.13
        """
        nid = lib.X509_get_signature_nid(self._x509)
        if nid == lib.NID_undef:
            clear()
            raise ValueError("Undefined signature algorithm")
        return lib.OBJ_nid2ln(nid)

    def digest(self, digest_name: Union[str, bytes]) -> bytes:
        """Return the digest of the X509 object.

        :param digest_name: The name of the digest algorithm to use.
        :type digest_name: :py:class:`bytes`

        :return: The digest of the object, formatted as
            ``b":"``-delimited hex pairs.
        :rtype: :py:class:`bytes`
        """
        md = digest_by_name(digest_name)
        buf = _MD_BUFFER()
        length = c_uint(len(buf))
        openssl_assert(lib.X509_digest(self._x509, md, buf, byref(length))
                        == 1)
        return buf.raw[:length.value].hex(":").upper().encode("ascii")

    def subject_name_hash(self) -> int:
        """Return the hash of the X509 subject.

        :return: The hash of the subject.
        :rtype: :py:class:`int`
        """
        return lib.X509_subject_name_hash(self._x509)

    def set_serial_number(self, serial: int) -> None:
        """Set the serial number of the certificate.

        :param serial: The new serial number.
        :type serial: :py:class:`int`

        :return: :py:data`None`
        :raises Error: for a negative serial number.
        """
        if not isinstance(serial, int):
            raise TypeError("serial must be an integer")
        if serial < 0:
            raise Error([("x509", "set_serial_number",
                          "serial number must not be negative")])
        integer = int_to_asn1_integer(serial)
        try:
            openssl_assert(lib.X509_set_serialNumber(self._x509, integer)
                            == 1)
        finally:
            lib.ASN1_INTEGER_free(integer)

    def get_serial_number(self) -> int:
        """Return the serial number of this certificate.

        :return: The serial number.
        :rtype: int
        """
        return asn1_integer_to_int(lib.X509_get_serialNumber(self._x509))

    def gmtime_adj_notAfter(self, amount: int) -> None:
        """Adjust the time stamp on which the certificate stops being valid.

        :param int amount: The number of seconds by which to adjust the
            timestamp.
        :return: ``None``
        """
        c_long_arg(amount, "amount")
        openssl_assert(lib.X509_gmtime_adj(lib.X509_getm_notAfter(self._x509),
                                            amount))

    def gmtime_adj_notBefore(self, amount: int) -> None:
        """Adjust the timestamp on which the certificate starts being valid.

        :param amount: The number of seconds by which to adjust the timestamp.
        :return: ``None``
        """
        c_long_arg(amount, "amount")
        openssl_assert(lib.X509_gmtime_adj(
            lib.X509_getm_notBefore(self._x509), amount))

    def has_expired(self) -> bool:
        """Check whether the certificate has expired.

        :return: ``True`` if the certificate has expired, ``False`` otherwise.
        :rtype: bool
        :raises ValueError: if the certificate has no notAfter time, or
            OpenSSL cannot read it.
        """
        not_after = self.get_notAfter()
        if not_after is None:
            raise ValueError("the certificate has no notAfter time")
        result = lib.X509_cmp_current_time(lib.X509_getm_notAfter(self._x509))
        if result == 0:         # OpenSSL cannot read the time
            clear()
            raise ValueError("invalid notAfter time %r" % (not_after,))
        return result < 0

    def get_notBefore(self) -> Optional[bytes]:
        """Get the timestamp at which the certificate starts being valid.

        The timestamp is formatted as an ASN.1 GENERALIZEDTIME::

            YYYYMMDDhhmmssZ
            YYYYMMDDhhmmss+hhmm
            YYYYMMDDhhmmss-hhmm

        :return: A timestamp string, or ``None`` if there is none.
        :rtype: bytes or NoneType
        """
        return get_asn1_time(lib.X509_getm_notBefore(self._x509))

    def set_notBefore(self, when: bytes) -> None:
        """Set the timestamp at which the certificate starts being valid.

        The timestamp is formatted as an ASN.1 GENERALIZEDTIME::

            YYYYMMDDhhmmssZ
            YYYYMMDDhhmmss+hhmm
            YYYYMMDDhhmmss-hhmm

        :param bytes when: A timestamp string.
        :return: ``None``
        """
        set_asn1_time(lib.X509_getm_notBefore(self._x509), when)

    def get_notAfter(self) -> Optional[bytes]:
        """Get the timestamp at which the certificate stops being valid.

        The timestamp is formatted as an ASN.1 GENERALIZEDTIME::

            YYYYMMDDhhmmssZ
            YYYYMMDDhhmmss+hhmm
            YYYYMMDDhhmmss-hhmm

        :return: A timestamp string, or ``None`` if there is none.
        :rtype: bytes or NoneType
        """
        return get_asn1_time(lib.X509_getm_notAfter(self._x509))

    def set_notAfter(self, when: bytes) -> None:
        """Set the timestamp at which the certificate stops being valid.

        The timestamp is formatted as an ASN.1 GENERALIZEDTIME::

            YYYYMMDDhhmmssZ
            YYYYMMDDhhmmss+hhmm
            YYYYMMDDhhmmss-hhmm

        :param bytes when: A timestamp string.
        :return: ``None``
        """
        set_asn1_time(lib.X509_getm_notAfter(self._x509), when)

    def get_issuer(self) -> "X509Name":
        """Return the issuer of this certificate.

        This creates a new :class:`X509Name` that wraps the underlying issuer
        name field on the certificate. Modifying it will modify the underlying
        certificate, and will have the effect of modifying any other
        :class:`X509Name` that refers to this issuer.

        :return: The issuer of this certificate.
        :rtype: :class:`X509Name`
        """
        return X509Name._live_view(self, _issuer_of)

    def set_issuer(self, issuer: "X509Name") -> None:
        """Set the issuer of this certificate.

        :param issuer: The issuer.
        :type issuer: :py:class:`X509Name`

        :return: ``None``
        """
        self._set_name(lib.X509_set_issuer_name, issuer)

    def get_subject(self) -> "X509Name":
        """Return the subject of this certificate.

        This creates a new :py:class:`X509Name` that wraps the underlying
        subject name field on the certificate. Modifying it will modify the
        underlying certificate, and will have the effect of modifying any
        other :py:class:`X509Name` that refers to this subject.

        :return: The subject of this certificate.
        :rtype: :py:class:`X509Name`
        """
        return X509Name._live_view(self, _subject_of)

    def set_subject(self, subject: "X509Name") -> None:
        """Set the subject of this certificate.

        :param subject: The subject.
        :type subject: :py:class:`X509Name`

        :return: ``None``
        """
        self._set_name(lib.X509_set_subject_name, subject)

    def _set_name(self, setter, name):
        if not isinstance(name, X509Name):
            raise TypeError("name must be an X509Name")
        openssl_assert(setter(self._x509, name._name) == 1)

    def get_extension_count(self) -> int:
        """Get the number of extensions on this certificate.

        :return: The number of extensions.
        :rtype: :py:class:`int`

        .. versionadded:: 0.12
        """
        return lib.X509_get_ext_count(self._x509)

    def add_extensions(self,
                       extensions: Iterable["X509Extension"]) -> None:
        """Add extensions to the certificate.

        :param extensions: The extensions to add.
        :type extensions: An iterable of :py:class:`X509Extension` objects.
        :return: ``None``
        """
        for ext in extensions:
            if not isinstance(ext, X509Extension):
                raise ValueError("One of the elements is not an X509Extension")
            if not lib.X509_add_ext(self._x509, ext._extension, -1):
                raise_error()

    def get_extension(self, index: int) -> "X509Extension":
        """Get a specific extension of the certificate by index.

        Extensions on a certificate are kept in order. The index
        parameter selects which extension will be returned.

        :param int index: The index of the extension to retrieve.
        :return: The extension at the specified index.
        :rtype: :py:class:`X509Extension`
        :raises IndexError: If the extension index was out of bounds.

        .. versionadded:: 0.12
        """
        if not isinstance(index, int):
            raise TypeError("index must be an integer")
        # The range of a C int is checked here (ctypes would truncate);
        # X509_get_ext itself returns NULL for an index past the last
        # extension (and queues nothing): no X509_get_ext_count call.
        if not 0 <= index <= INT_MAX:
            raise IndexError("extension index out of bounds")
        ext = lib.X509_get_ext(self._x509, index)
        if not ext:
            clear()
            raise IndexError("extension index out of bounds")
        copy = lib.X509_EXTENSION_dup(ext)
        if not copy:
            raise_error("X509_EXTENSION_dup")
        return X509Extension._from_owned(copy)


X509Type = X509


class X509Req(Owner):
    """An X.509 certificate signing requests."""

    _req: int      # the owned C handle
    _handle_attr = "_req"
    _handle_free = "X509_REQ_free"

    def __init__(self) -> None:
        req = lib.X509_REQ_new()
        openssl_assert(req)
        self._own(req)
        # Default to version 0.
        self.set_version(0)


    def to_cryptography(self) -> Any:
        """Export as a ``cryptography`` certificate signing request.

        :rtype: ``cryptography.x509.CertificateSigningRequest``

        .. versionadded:: 17.1.0
        """
        x509 = cryptography("x509")
        return x509.load_der_x509_csr(
            write_to_bio("i2d_X509_REQ_bio", self._req))

    @classmethod
    def from_cryptography(cls, crypto_req: Any) -> "X509Req":
        """Construct based on a ``cryptography`` *crypto_req*.

        :param crypto_req: A ``cryptography`` X.509 certificate signing
            request.
        :type crypto_req: ``cryptography.x509.CertificateSigningRequest``
        :rtype: X509Req

        .. versionadded:: 17.1.0
        """
        x509 = cryptography("x509")
        serialization = cryptography("serialization")
        if not isinstance(crypto_req, x509.CertificateSigningRequest):
            raise TypeError("Must be a certificate signing request")
        der = crypto_req.public_bytes(serialization.Encoding.DER)
        return X509Req._from_owned(read_from_bio(
            "PEM_read_bio_X509_REQ", "d2i_X509_REQ_bio", FILETYPE_ASN1, der))

    def set_pubkey(self, pkey: "PKey") -> None:
        """Set the public key of the certificate signing request.

        :param pkey: The public key to use.
        :type pkey: :py:class:`PKey`

        :return: ``None``
        """
        if not isinstance(pkey, PKey):
            raise TypeError("pkey must be a PKey instance")
        openssl_assert(lib.X509_REQ_set_pubkey(self._req, pkey._pkey) == 1)

    def get_pubkey(self) -> "PKey":
        """Get the public key of the certificate signing request.

        :return: The public key.
        :rtype: :py:class:`PKey`
        """
        pkey = lib.X509_REQ_get_pubkey(self._req)
        if not pkey:
            raise_error()
        return PKey._from_owned(pkey, _only_public=True)

    def set_version(self, version: int) -> None:
        """Set the version subfield (RFC 2459, section 4.1.2.1) of the
        certificate request.

        :param int version: The version number.
        :return: ``None``
        """
        c_long_arg(version, "version")
        openssl_assert(lib.X509_REQ_set_version(self._req, version) == 1)

    def get_version(self) -> int:
        """Get the version subfield (RFC 2459, section 4.1.2.1) of the
        certificate request.

        :return: The value of the version subfield.
        :rtype: :py:class:`int`
        """
        return lib.X509_REQ_get_version(self._req)

    def get_subject(self) -> "X509Name":
        """Return the subject of this certificate signing request.

        This creates a new :class:`X509Name` that wraps the underlying subject
        name field on the certificate signing request. Modifying it will
        modify the underlying signing request, and will have the effect of
        modifying any other :class:`X509Name` that refers to this subject.

        :return: The subject of this certificate signing request.
        :rtype: :class:`X509Name`
        """
        return X509Name._live_view(self, _request_subject_of)

    def add_extensions(self,
                       extensions: Iterable["X509Extension"]) -> None:
        """Add extensions to the certificate signing request.

        :param extensions: The X.509 extensions to add.
        :type extensions: iterable of :py:class:`X509Extension`
        :return: ``None``
        """
        extensions = list(extensions)
        for ext in extensions:
            if not isinstance(ext, X509Extension):
                raise ValueError("One of the elements is not an X509Extension")
        stack = lib.sk_new_null()
        openssl_assert(stack)
        try:
            for ext in extensions:
                openssl_assert(lib.sk_push(stack, ext._extension) > 0)
            openssl_assert(lib.X509_REQ_add_extensions(self._req, stack) == 1)
        finally:
            lib.sk_free(stack)      # the extensions themselves stay ours

    def get_extensions(self) -> List["X509Extension"]:
        """Get X.509 extensions in the certificate signing request.

        :return: The X.509 extensions in this request.
        :rtype: :py:class:`list` of :py:class:`X509Extension` objects.

        .. versionadded:: 0.15
        """
        stack = lib.X509_REQ_get_extensions(self._req)
        if not stack:
            clear()
            return []
        # The stack and its elements are new: each one is taken over.
        return stacks.take_all(stack, X509Extension._from_owned,
                               lib.X509_EXTENSION_free)

    def sign(self, pkey: "PKey", digest: Union[str, bytes]) -> None:
        """Sign the certificate signing request with this key and digest type.

        :param pkey: The key pair to sign with.
        :type pkey: :py:class:`PKey`
        :param digest: The name of the message digest to use for the signature,
            e.g. ``b"sha256"``.
        :type digest: :py:class:`bytes`
        :return: ``None``
        """
        signing_key(pkey)
        md = digest_by_name(digest)
        openssl_assert(lib.X509_REQ_sign(self._req, pkey._pkey, md) > 0)

    def verify(self, pkey: "PKey") -> bool:
        """Verifies the signature on this certificate signing request.

        :param PKey key: A public key.

        :return: ``True`` if the signature is correct.
        :rtype: bool

        :raises Error: If the signature is invalid or there is
            a problem verifying the signature.
        """
        if not isinstance(pkey, PKey):
            raise TypeError("pkey must be a PKey instance")
        result = lib.X509_REQ_verify(self._req, pkey._pkey)
        if result <= 0:
            raise_error()
        return True


X509ReqType = X509Req


# ------------------------------------------------------------- stacks --

def x509_stack(certificates, what="certificates"):
    """A new ``STACK_OF(X509)`` holding a reference to each certificate.

    :return: the stack (free it with :func:`free_x509_stack`).
    :raises TypeError: if an element is not an :class:`X509`.
    """
    certificates = list(certificates)
    for cert in certificates:
        if not isinstance(cert, X509):
            raise TypeError("%s must only contain X509 instances" % (what,))
    stack = lib.sk_new_null()
    openssl_assert(stack)
    for cert in certificates:
        ref = x509_new_ref(cert._x509)
        if lib.sk_push(stack, ref) <= 0:
            lib.X509_free(ref)
            free_x509_stack(stack)
            raise_error()
    return stack


def take_x509_stack(stack):
    """Wrap every element of a stack of new references; free the stack.

    :return: a list of :class:`X509`.
    """
    return stacks.take_all(stack, X509._from_owned, lib.X509_free)


def free_x509_stack(stack):
    """Free a ``STACK_OF(X509)`` that owns one reference to each element."""
    stacks.pop_free(stack, lib.X509_free)


def x509_from_borrowed(ptr):
    """An :class:`X509` with a reference of its own to the borrowed *ptr*."""
    return X509._from_owned(x509_new_ref(ptr))
