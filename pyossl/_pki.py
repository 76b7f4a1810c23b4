"""crypto, part 2: trust stores and verification, CRLs, PKCS#7, PKCS#12, SPKI.

Imported at the bottom of :mod:`pyossl.crypto`; every public name listed in
``__all__`` is re-exported there.
"""

import calendar
import ctypes
import datetime
import os
import warnings
from ctypes import byref, c_int, c_void_p, string_at
from typing import Any, Iterable, List, Optional, Tuple, Union

from ._util import (MemBIO, clear_error_queue, error_queue, keep, lib, own,
                    path_bytes, text, text_to_bytes_and_warn)
from .crypto import (FILETYPE_ASN1, FILETYPE_PEM, FILETYPE_TEXT, Error, PKey,
                     X509, X509Name, _digest_by_name, _get_asn1_time,
                     _openssl_assert, _raise_current_error, _set_asn1_time,
                     _x509_new_ref)

__all__ = [
    "X509Store", "X509StoreType", "X509StoreContext", "X509StoreContextError",
    "X509StoreFlags", "Revoked", "CRL", "CRLType", "load_crl", "dump_crl",
    "PKCS7", "PKCS7Type", "load_pkcs7_data", "PKCS12", "PKCS12Type",
    "load_pkcs12", "NetscapeSPKI", "NetscapeSPKIType",
]

_UNSPECIFIED: Any = object()

# What the byte-string and file-name arguments accept.
_Buffer = Union[str, bytes, bytearray, memoryview]
_Path = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]

_C_LONG_MAX = (1 << (8 * ctypes.sizeof(ctypes.c_long) - 1)) - 1
_C_LONG_MIN = -_C_LONG_MAX - 1
_C_ULONG_MAX = (1 << (8 * ctypes.sizeof(ctypes.c_ulong))) - 1
_C_INT_MAX = 0x7FFFFFFF

# Bound once: nothing below looks a symbol up per call.
_sk_num = lib.sk_num
_sk_value = lib.sk_value
_sk_push = lib.sk_push
_sk_free = lib.sk_free
_sk_pop_free = lib.sk_pop_free
_X509_free = lib.X509_free
_X509_FREE_ADDR = ctypes.cast(lib.X509_free, c_void_p).value


def _pop_free_x509_stack(stack):
    """Free a ``STACK_OF(X509)`` that owns one reference to each element."""
    _sk_pop_free(stack, _X509_FREE_ADDR)


def _check_int(value, name, low, high):
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("%s must be an integer" % (name,))
    if not low <= value <= high:
        raise OverflowError("%s is out of range" % (name,))
    return value


def _digest(digest):
    """The ``EVP_MD*`` named by *digest* (bytes or str).

    :raises TypeError: for any other type.
    :raises ValueError: for a name OpenSSL does not know.
    """
    if isinstance(digest, str):
        digest = digest.encode("utf-8")
    if isinstance(digest, bytes) and b"\0" in digest:
        raise ValueError("No such digest method")
    return _digest_by_name(digest)


def _check_private(pkey):
    """Refuse a public-only key before OpenSSL signs with it (1.0.2 would
    crash).  An uninitialised :class:`PKey` is left to OpenSSL, which
    fails cleanly (:class:`Error`, as in pyOpenSSL)."""
    if pkey._only_public:
        raise ValueError("Key only has public part")


def _as_buffer(buffer):
    if isinstance(buffer, str):
        buffer = buffer.encode("ascii")
    if not isinstance(buffer, (bytes, bytearray, memoryview)):
        raise TypeError("buffer must be a byte string")
    return bytes(buffer)


def _new_time(when):
    """A new ``ASN1_TIME`` (the caller frees it) holding *when*.

    :param bytes when: ``YYYYMMDDhhmmssZ``, or with a ``+hhmm``/``-hhmm``
        offset instead of ``Z`` (ASN.1 GeneralizedTime).
    :raises TypeError: if *when* is not bytes.
    :raises ValueError: if it is not such a time.
    """
    if isinstance(when, bytes) and b"\0" in when:
        raise ValueError("Invalid string")
    asn1 = lib.ASN1_TIME_new()
    _openssl_assert(asn1)
    try:
        _set_asn1_time(asn1, when)
    except BaseException:
        lib.ASN1_TIME_free(asn1)
        raise
    return asn1


def _x509_stack(certificates, what="certificates"):
    """A new ``STACK_OF(X509)`` holding a reference to each certificate.

    :return: the stack (free it with :func:`_pop_free_x509_stack`).
    :raises TypeError: if an element is not an :class:`X509`.
    """
    certificates = list(certificates)
    for cert in certificates:
        if not isinstance(cert, X509):
            raise TypeError("%s must only contain X509 instances" % (what,))
    stack = lib.sk_new_null()
    _openssl_assert(stack)
    for cert in certificates:
        ref = _x509_new_ref(cert._x509)
        if _sk_push(stack, ref) <= 0:
            _X509_free(ref)
            _pop_free_x509_stack(stack)
            _raise_current_error()
    return stack


def _take_x509_stack(stack):
    """Wrap every element of a stack of new references; free the stack.

    :return: a list of :class:`X509`.
    """
    result = []
    try:
        count = _sk_num(stack)
        for i in range(count):
            ptr = _sk_value(stack, i)
            try:
                result.append(X509._from_raw_x509_ptr(ptr))
            except BaseException:
                for j in range(i, count):       # not wrapped yet: ours
                    _X509_free(_sk_value(stack, j))
                raise
    finally:
        _sk_free(stack)
    return result


# ------------------------------------------------------------ X509Store --

def _is_duplicate_error():
    """Whether the queued error is "already in hash table" (before 1.1.0i)."""
    code = lib.ERR_peek_last_error()
    lib_x509 = getattr(lib, "ERR_LIB_X509", None)
    if not code or lib_x509 is None:
        return False
    return (((code >> 24) & 0xFF) == lib_x509 and
            (code & 0xFFF) == lib.X509_R_CERT_ALREADY_IN_HASH_TABLE)


class X509Store(object):
    """
    An X.509 store.

    An X.509 store is used to describe a context in which to verify a
    certificate. A description of a context may include a set of
    certificates to trust, a set of certificate revocation lists,
    verification flags and more.

    An X.509 store, being only a description, cannot be used by itself to
    verify a certificate. To carry out the actual verification process, see
    :class:`X509StoreContext`.
    """

    _store: int      # the C handle (set by own(), or borrowed)

    def __init__(self) -> None:
        store = lib.X509_STORE_new()
        _openssl_assert(store)
        own(self, store, lib.X509_STORE_free, "_store")

    @classmethod
    def _from_raw_store_ptr(cls, ptr, owner):
        """Wrap a borrowed ``X509_STORE*`` that *owner* keeps alive.

        Used by :meth:`pyossl.SSL.Context.get_cert_store`; the view keeps a
        reference to *owner* and never frees the store.
        """
        store = cls.__new__(cls)
        store._store = ptr
        keep(store, owner)
        return store

    def add_cert(self, cert: X509) -> None:
        """
        Adds a trusted certificate to this store.

        Adding a certificate with this method adds this certificate as a
        *trusted* certificate.  Adding one that the store already holds is
        not an error.

        :param X509 cert: The certificate to add to this store.
        :raises TypeError: If the certificate is not an :class:`X509`.
        :raises Error: If OpenSSL was unhappy with your certificate.
        :return: ``None`` if the certificate was added successfully.
        """
        if not isinstance(cert, X509):
            raise TypeError("cert must be an X509 instance")
        if not lib.X509_STORE_add_cert(self._store, cert._x509):
            if _is_duplicate_error():
                clear_error_queue()
                return
            _raise_current_error()

    def add_crl(self, crl: "CRL") -> None:
        """
        Add a certificate revocation list to this store.

        The certificate revocation lists added to a store will only be used
        if the associated flags are configured to check certificate
        revocation lists.

        .. versionadded:: 16.1.0

        :param CRL crl: The certificate revocation list to add to this
            store.
        :raises TypeError: If *crl* is not a :class:`CRL`.
        :return: ``None`` if the certificate revocation list was added
            successfully.
        """
        if not isinstance(crl, CRL):
            raise TypeError("crl must be a CRL instance")
        if not lib.X509_STORE_add_crl(self._store, crl._crl):
            if _is_duplicate_error():
                clear_error_queue()
                return
            _raise_current_error()

    def set_flags(self, flags: int) -> None:
        """
        Set verification flags to this store.

        Verification flags can be combined by oring them together.

        .. note::

          Setting a verification flag sometimes requires clients to add
          additional information to the store, otherwise a suitable error
          will be raised.

          For example, in setting flags to enable CRL checking a
          suitable CRL must be added to the store otherwise an error will be
          raised.

        .. versionadded:: 16.1.0

        :param int flags: The verification flags to set on this store.
            See :class:`X509StoreFlags` for available constants.
        :raises TypeError: If *flags* is not an integer.
        :raises OverflowError: If it is negative or too large.
        :return: ``None`` if the verification flags were successfully set.
        """
        _check_int(flags, "flags", 0, _C_ULONG_MAX)
        _openssl_assert(lib.X509_STORE_set_flags(self._store, flags) != 0)

    def set_time(self, vfy_time: datetime.datetime) -> None:
        """
        Set the time against which the certificates are verified.

        Normally the current time is used.  (Beyond pyOpenSSL 16.1; added in
        its 17.0.)

        :param datetime.datetime vfy_time: The verification time; a naive
            value is taken as UTC.
        :raises TypeError: If *vfy_time* is not a :class:`datetime.datetime`.
        :return: ``None`` if the verification time was successfully set.
        """
        if not isinstance(vfy_time, datetime.datetime):
            raise TypeError("vfy_time must be a datetime.datetime")
        if vfy_time.tzinfo is not None:
            vfy_time = vfy_time.astimezone(datetime.timezone.utc)
        seconds = calendar.timegm(vfy_time.timetuple())
        param = lib.X509_VERIFY_PARAM_new()
        _openssl_assert(param)
        try:
            lib.X509_VERIFY_PARAM_set_time(param, seconds)
            _openssl_assert(lib.X509_STORE_set1_param(self._store, param))
        finally:
            lib.X509_VERIFY_PARAM_free(param)

    def load_locations(self, cafile: Optional[_Path],
                       capath: Optional[_Path] = None) -> None:
        """
        Let the store know where to find trusted certificates (PEM).

        If *capath* is passed, it must be a directory prepared with
        ``c_rehash`` (``openssl rehash``).  Either, but not both, of
        *cafile* or *capath* may be ``None``.  Call this method several
        times to add more locations; a *cafile* may hold CRLs as well.
        (Beyond pyOpenSSL 16.1; added in its 20.0.)

        :param cafile: A file of PEM certificates (``bytes`` or ``str``).
        :param capath: A directory of hashed certificate files.
        :raises TypeError: If a location is not ``bytes``, ``str`` or a
            path-like object.
        :raises ValueError: If a location contains a NUL byte.
        :raises Error: If both are ``None`` or a location cannot be used.
        :return: ``None`` if the locations were set successfully.
        """
        cafile = None if cafile is None else path_bytes(cafile, "cafile")
        capath = None if capath is None else path_bytes(capath, "capath")
        for value in (cafile, capath):
            if value is not None and b"\0" in value:
                raise ValueError("embedded null byte")
        if cafile is None and capath is None:
            raise Error([("x509 certificate routines", "load_locations",
                          "cafile and capath are both None")])
        if not lib.X509_STORE_load_locations(self._store, cafile, capath):
            _raise_current_error()


X509StoreType = X509Store


class X509StoreFlags(object):
    """
    Flags for X509 verification, used to change the behavior of
    :class:`X509Store`.

    See `OpenSSL Verification Flags`_ for details.  Each value is the one
    the loaded OpenSSL defines:

    * ``CB_ISSUER_CHECK`` is ``0x1`` on OpenSSL 1.0.2.  OpenSSL 1.1.0 removed
      the issuer-check callback and defines the flag as ``0``, so there it is
      ``0`` and setting it changes nothing.
    * ``NOTIFY_POLICY`` is ``0x800`` in every supported version (newer
      pyOpenSSL releases dropped the name because other TLS libraries lack
      it; OpenSSL still defines it).

    .. _OpenSSL Verification Flags:
        https://www.openssl.org/docs/manmaster/man3/X509_VERIFY_PARAM_set_flags.html
    """

    CRL_CHECK = lib.X509_V_FLAG_CRL_CHECK
    CRL_CHECK_ALL = lib.X509_V_FLAG_CRL_CHECK_ALL
    IGNORE_CRITICAL = lib.X509_V_FLAG_IGNORE_CRITICAL
    X509_STRICT = lib.X509_V_FLAG_X509_STRICT
    ALLOW_PROXY_CERTS = lib.X509_V_FLAG_ALLOW_PROXY_CERTS
    POLICY_CHECK = lib.X509_V_FLAG_POLICY_CHECK
    EXPLICIT_POLICY = lib.X509_V_FLAG_EXPLICIT_POLICY
    INHIBIT_MAP = lib.X509_V_FLAG_INHIBIT_MAP
    NOTIFY_POLICY = lib.X509_V_FLAG_NOTIFY_POLICY
    CHECK_SS_SIGNATURE = lib.X509_V_FLAG_CHECK_SS_SIGNATURE
    CB_ISSUER_CHECK = lib.X509_V_FLAG_CB_ISSUER_CHECK


class X509StoreContextError(Exception):
    """
    An exception raised when an error occurred while verifying a certificate
    using :meth:`X509StoreContext.verify_certificate`.

    Its only argument is ``[error number, depth, reason]``: OpenSSL's
    ``X509_V_ERR_*`` code, the depth in the chain where verification
    failed (0 is the certificate being verified) and OpenSSL's text for
    the code.

    :ivar certificate: The certificate which caused verificate failure.
    :type certificate: :class:`X509`
    """

    def __init__(self, message: List[Any],
                 certificate: Optional[X509]) -> None:
        super(X509StoreContextError, self).__init__(message)
        self.certificate = certificate


class X509StoreContext(object):
    """
    An X.509 store context.

    An X.509 store context is used to carry out the actual verification
    process of a certificate in a described context. For describing such a
    context, see :class:`X509Store`.

    :ivar _store_ctx: The underlying X509_STORE_CTX structure used by this
        instance.  It is dynamically allocated and automatically garbage
        collected.
    :ivar _store: See the ``store`` ``__init__`` parameter.
    :ivar _cert: See the ``certificate`` ``__init__`` parameter.
    :param X509Store store: The certificates which will be trusted for the
        purposes of any verifications.
    :param X509 certificate: The certificate to be verified.
    :param chain: Untrusted certificates that may be used to build the
        chain (intermediates), or ``None``.  Beyond pyOpenSSL 16.1 (added in
        its 20.0).
    :type chain: iterable of :class:`X509`
    :raises TypeError: If an argument has the wrong type.
    """

    _store_ctx: int  # the owned C handle (set by own())
    _chain: Optional[int]

    def __init__(self, store: X509Store, certificate: X509,
                 chain: Optional[Iterable[X509]] = None) -> None:
        if not isinstance(store, X509Store):
            raise TypeError("store must be an X509Store instance")
        if not isinstance(certificate, X509):
            raise TypeError("certificate must be an X509 instance")
        self._chain = None
        if chain is not None:
            chain = list(chain)
            if chain:
                own(self, _x509_stack(chain, "chain"), _pop_free_x509_stack,
                    "_chain")
        ctx = lib.X509_STORE_CTX_new()
        _openssl_assert(ctx)
        own(self, ctx, lib.X509_STORE_CTX_free, "_store_ctx")
        self._store = store
        self._cert = certificate
        # Initialise once to report a bad setup now, as pyOpenSSL does; the
        # context is set up afresh for every verification and left clean in
        # between, so it never points at a store that set_store replaced.
        self._init()
        lib.X509_STORE_CTX_cleanup(self._store_ctx)

    def _init(self):
        if lib.X509_STORE_CTX_init(self._store_ctx, self._store._store,
                                   self._cert._x509, self._chain) <= 0:
            lib.X509_STORE_CTX_cleanup(self._store_ctx)
            _raise_current_error()

    def _exception_from_context(self):
        ctx = self._store_ctx
        code = lib.X509_STORE_CTX_get_error(ctx)
        depth = lib.X509_STORE_CTX_get_error_depth(ctx)
        if code == lib.X509_V_OK:
            # A failure that is not a verification result (no memory, bad
            # setup): report OpenSSL's error queue.
            return Error(error_queue())
        clear_error_queue()
        reason = text(lib.X509_verify_cert_error_string(code))
        current = lib.X509_STORE_CTX_get_current_cert(ctx)
        cert = (X509._from_raw_x509_ptr(_x509_new_ref(current))
                if current else None)
        return X509StoreContextError([code, depth, reason], cert)

    def _verify(self, want_chain):
        self._init()
        try:
            if lib.X509_verify_cert(self._store_ctx) <= 0:
                raise self._exception_from_context()
            if not want_chain:
                return None
            stack = lib.X509_STORE_CTX_get1_chain(self._store_ctx)
            _openssl_assert(stack)
            return _take_x509_stack(stack)
        finally:
            lib.X509_STORE_CTX_cleanup(self._store_ctx)

    def set_store(self, store: X509Store) -> None:
        """
        Set the context's X.509 store.

        .. versionadded:: 0.15

        :param X509Store store: The store description which will be used
            for the purposes of any *future* verifications.
        :raises TypeError: If *store* is not an :class:`X509Store`.
        """
        if not isinstance(store, X509Store):
            raise TypeError("store must be an X509Store instance")
        self._store = store

    def verify_certificate(self) -> None:
        """
        Verify a certificate in a context.

        .. versionadded:: 0.15

        :raises X509StoreContextError: If an error occurred when validating
            a certificate in the context. Sets ``certificate`` attribute to
            indicate which certificate caused the error.
        :return: ``None``
        """
        self._verify(False)

    def get_verified_chain(self) -> List[X509]:
        """
        Verify the certificate and return the chain that was built.

        Beyond pyOpenSSL 16.1 (added in its 20.0).

        :return: The verified chain, the certificate first and the trust
            anchor last.
        :rtype: :class:`list` of :class:`X509`
        :raises X509StoreContextError: As :meth:`verify_certificate`.
        """
        return self._verify(True)


# ------------------------------------------------------------ Revoked --

class Revoked(object):
    """
    A certificate revocation.
    """

    _revoked: int    # the owned C handle (set by own())

    # The reason names of OCSP_crl_reason_str / `openssl ca -crl_reason`,
    # in the order of their codes; "removeFromCRL" (8) is left out.
    _crl_reasons = [
        b"unspecified",
        b"keyCompromise",
        b"CACompromise",
        b"affiliationChanged",
        b"superseded",
        b"cessationOfOperation",
        b"certificateHold",
    ]

    def __init__(self) -> None:
        revoked = lib.X509_REVOKED_new()
        _openssl_assert(revoked)
        own(self, revoked, lib.X509_REVOKED_free, "_revoked")

    @classmethod
    def _from_raw_revoked_ptr(cls, ptr):
        """Take ownership of the ``X509_REVOKED*`` *ptr*."""
        revoked = cls.__new__(cls)
        own(revoked, ptr, lib.X509_REVOKED_free, "_revoked")
        return revoked

    def set_serial(self, hex_str: bytes) -> None:
        """
        Set the serial number.

        The serial number is formatted as a hexadecimal number encoded in
        ASCII.

        :param bytes hex_str: The new serial number.
        :raises TypeError: If *hex_str* is not bytes.
        :raises ValueError: If it is not a hexadecimal number.
        :return: ``None``
        """
        if not isinstance(hex_str, bytes):
            raise TypeError("hex_str must be a byte string")
        bn = c_void_p()
        if len(hex_str) > 0x10000 or b"\0" in hex_str:
            raise ValueError("bad hex string")
        parsed = lib.BN_hex2bn(byref(bn), hex_str)
        try:
            if not parsed or parsed != len(hex_str):
                clear_error_queue()
                raise ValueError("bad hex string")
            serial = lib.BN_to_ASN1_INTEGER(bn, None)
            _openssl_assert(serial)
        finally:
            if bn.value:
                lib.BN_free(bn)
        try:
            _openssl_assert(
                lib.X509_REVOKED_set_serialNumber(self._revoked, serial) == 1)
        finally:
            lib.ASN1_INTEGER_free(serial)

    def get_serial(self) -> bytes:
        """
        Get the serial number.

        The serial number is formatted as a hexadecimal number encoded in
        ASCII.

        :return: The serial number.
        :rtype: bytes
        """
        serial = lib.X509_REVOKED_get0_serialNumber(self._revoked)
        _openssl_assert(serial)
        with MemBIO() as bio:
            _openssl_assert(lib.i2a_ASN1_INTEGER(bio.ptr, serial) >= 0)
            return bio.data()

    def _delete_reason(self):
        nid = lib.NID_crl_reason
        for i in range(lib.X509_REVOKED_get_ext_count(self._revoked)):
            ext = lib.X509_REVOKED_get_ext(self._revoked, i)
            if lib.OBJ_obj2nid(lib.X509_EXTENSION_get_object(ext)) == nid:
                removed = lib.X509_REVOKED_delete_ext(self._revoked, i)
                if removed:
                    lib.X509_EXTENSION_free(removed)
                break

    def set_reason(self, reason: Optional[bytes]) -> None:
        """
        Set the reason of this revocation.

        If *reason* is ``None``, delete the reason instead.

        :param reason: The reason string (case and spaces are ignored).
        :type reason: :class:`bytes` or ``None``
        :raises TypeError: If *reason* is neither bytes nor ``None``.
        :raises ValueError: If it is not one of :meth:`all_reasons`.
        :return: ``None``

        .. seealso::

            :meth:`all_reasons`, which gives you a list of all supported
            reasons which you might pass to this method.
        """
        if reason is None:
            self._delete_reason()
            return
        if not isinstance(reason, bytes):
            raise TypeError("reason must be None or a byte string")
        wanted = reason.lower().replace(b" ", b"")
        codes = [r.lower() for r in self._crl_reasons]
        if wanted not in codes:
            raise ValueError("%r is not a revocation reason" % (reason,))
        code = codes.index(wanted)
        enum = lib.ASN1_ENUMERATED_new()
        _openssl_assert(enum)
        try:
            _openssl_assert(lib.ASN1_ENUMERATED_set(enum, code))
            self._delete_reason()
            _openssl_assert(lib.X509_REVOKED_add1_ext_i2d(
                self._revoked, lib.NID_crl_reason, enum, 0, 0) == 1)
        finally:
            lib.ASN1_ENUMERATED_free(enum)

    def get_reason(self) -> Optional[bytes]:
        """
        Get the reason of this revocation.

        :return: The reason as OpenSSL prints it (e.g. ``b"Key
            Compromise"``), or ``None`` if there is none.
        :rtype: bytes or NoneType

        .. seealso::

            :meth:`all_reasons`, which gives you a list of all supported
            reasons this method might return.
        """
        nid = lib.NID_crl_reason
        for i in range(lib.X509_REVOKED_get_ext_count(self._revoked)):
            ext = lib.X509_REVOKED_get_ext(self._revoked, i)
            if lib.OBJ_obj2nid(lib.X509_EXTENSION_get_object(ext)) != nid:
                continue
            with MemBIO() as bio:
                if not lib.X509V3_EXT_print(bio.ptr, ext, 0, 0):
                    clear_error_queue()
                    _openssl_assert(lib.ASN1_STRING_print(
                        bio.ptr, lib.X509_EXTENSION_get_data(ext)))
                return bio.data()
        return None

    def all_reasons(self) -> List[bytes]:
        """
        Return a list of all the supported reason strings.

        This list is a copy; modifying it does not change the supported
        reason strings.

        :return: A list of reason strings.
        :rtype: :class:`list` of :class:`bytes`
        """
        return self._crl_reasons[:]

    def set_rev_date(self, when: bytes) -> None:
        """
        Set the revocation timestamp.

        :param bytes when: The timestamp of the revocation,
            as ASN.1 GENERALIZEDTIME (``YYYYMMDDhhmmssZ``).
        :raises TypeError: If *when* is not bytes.
        :raises ValueError: If it is not such a time.
        :return: ``None``
        """
        asn1 = _new_time(when)
        try:
            _openssl_assert(lib.X509_REVOKED_set_revocationDate(
                self._revoked, asn1) == 1)
        finally:
            lib.ASN1_TIME_free(asn1)

    def get_rev_date(self) -> Optional[bytes]:
        """
        Get the revocation timestamp.

        :return: The timestamp of the revocation, as ASN.1 GENERALIZEDTIME,
            or ``None`` if it has none.
        :rtype: bytes
        """
        return _get_asn1_time(
            lib.X509_REVOKED_get0_revocationDate(self._revoked))


# ---------------------------------------------------------------- CRL --

class CRL(object):
    """
    A certificate revocation list.
    """

    _crl: int        # the owned C handle (set by own())

    def __init__(self) -> None:
        crl = lib.X509_CRL_new()
        _openssl_assert(crl)
        own(self, crl, lib.X509_CRL_free, "_crl")

    @classmethod
    def _from_raw_crl_ptr(cls, ptr):
        """Take ownership of the ``X509_CRL*`` *ptr*."""
        crl = cls.__new__(cls)
        own(crl, ptr, lib.X509_CRL_free, "_crl")
        return crl

    def get_revoked(self) -> Optional[Tuple[Revoked, ...]]:
        """
        Return the revocations in this certificate revocation list.

        These revocations will be provided by value, not by reference.
        That means it's okay to mutate them: it won't affect this CRL.

        :return: The revocations in this CRL, or ``None`` if it has none.
        :rtype: :class:`tuple` of :class:`Revoked`
        """
        stack = lib.X509_CRL_get_REVOKED(self._crl)
        if not stack:
            return None
        results = []
        for i in range(_sk_num(stack)):
            copy = lib.X509_REVOKED_dup(_sk_value(stack, i))
            _openssl_assert(copy)
            results.append(Revoked._from_raw_revoked_ptr(copy))
        return tuple(results) or None

    def add_revoked(self, revoked: Revoked) -> None:
        """
        Add a revoked (by value not reference) to the CRL structure

        This revocation will be added by value, not by reference. That
        means it's okay to mutate it after adding: it won't affect
        this CRL.

        :param Revoked revoked: The new revocation.
        :raises TypeError: If *revoked* is not a :class:`Revoked`.
        :return: ``None``
        """
        if not isinstance(revoked, Revoked):
            raise TypeError("revoked must be a Revoked instance")
        copy = lib.X509_REVOKED_dup(revoked._revoked)
        _openssl_assert(copy)
        if not lib.X509_CRL_add0_revoked(self._crl, copy):
            lib.X509_REVOKED_free(copy)
            _raise_current_error()

    def get_issuer(self) -> X509Name:
        """
        Get the CRL's issuer.

        .. versionadded:: 16.1.0

        :return: A copy of the issuer's name.
        :rtype: X509Name
        """
        name = lib.X509_CRL_get_issuer(self._crl)
        _openssl_assert(name)
        return X509Name._from_raw_name_ptr(name, None)

    def set_version(self, version: int) -> None:
        """
        Set the CRL version.

        .. versionadded:: 16.1.0

        :param int version: The version of the CRL (0 for v1, 1 for v2).
        :raises TypeError: If *version* is not an integer.
        :return: ``None``
        """
        _check_int(version, "version", _C_LONG_MIN, _C_LONG_MAX)
        _openssl_assert(lib.X509_CRL_set_version(self._crl, version) != 0)

    def _set_time(self, setter, when):
        asn1 = _new_time(when)
        try:
            _openssl_assert(setter(self._crl, asn1) == 1)
        finally:
            lib.ASN1_TIME_free(asn1)

    def set_lastUpdate(self, when: bytes) -> None:
        """
        Set when the CRL was last updated.

        The timestamp is formatted as an ASN.1 GENERALIZEDTIME::

            YYYYMMDDhhmmssZ
            YYYYMMDDhhmmss+hhmm
            YYYYMMDDhhmmss-hhmm

        .. versionadded:: 16.1.0

        :param bytes when: A timestamp string.
        :raises TypeError: If *when* is not bytes.
        :raises ValueError: If it is not such a time.
        :return: ``None``
        """
        self._set_time(lib.X509_CRL_set1_lastUpdate, when)

    def set_nextUpdate(self, when: bytes) -> None:
        """
        Set when the CRL will next be updated.

        The timestamp is formatted as an ASN.1 GENERALIZEDTIME::

            YYYYMMDDhhmmssZ
            YYYYMMDDhhmmss+hhmm
            YYYYMMDDhhmmss-hhmm

        .. versionadded:: 16.1.0

        :param bytes when: A timestamp string.
        :raises TypeError: If *when* is not bytes.
        :raises ValueError: If it is not such a time.
        :return: ``None``
        """
        self._set_time(lib.X509_CRL_set1_nextUpdate, when)

    def sign(self, issuer_cert: X509, issuer_key: PKey,
             digest: Union[str, bytes]) -> None:
        """
        Sign the CRL.

        Signing a CRL enables clients to associate the CRL itself with an
        issuer. Before a CRL is meaningful to other OpenSSL functions, it
        must be signed by an issuer.

        This method implicitly sets the issuer's name based on the issuer
        certificate and private key used to sign the CRL.

        .. versionadded:: 16.1.0

        :param X509 issuer_cert: The issuer's certificate.
        :param PKey issuer_key: The issuer's private key.
        :param bytes digest: The digest method to sign the CRL with.
        :raises TypeError: If an argument has the wrong type.
        :raises ValueError: If *digest* names no digest, or the key has no
            private part.
        :raises Error: If OpenSSL cannot sign with the key.
        :return: ``None``
        """
        if not isinstance(issuer_cert, X509):
            raise TypeError("issuer_cert must be an X509 instance")
        if not isinstance(issuer_key, PKey):
            raise TypeError("issuer_key must be a PKey instance")
        _check_private(issuer_key)
        md = _digest(digest)
        self._sign(issuer_cert, issuer_key, md)

    def _sign(self, cert, key, md):
        _openssl_assert(lib.X509_CRL_set_issuer_name(
            self._crl, lib.X509_get_subject_name(cert._x509)) == 1)
        _openssl_assert(lib.X509_CRL_sort(self._crl))
        if not lib.X509_CRL_sign(self._crl, key._pkey, md):
            _raise_current_error()

    def export(self, cert: X509, key: PKey, type: int = FILETYPE_PEM,
               days: int = 100,
               digest: Union[str, bytes] = _UNSPECIFIED,
               ) -> bytes:
        """
        Export the CRL as a string.

        Sets the last update to now and the next update to *days* days from
        now, the issuer to *cert*'s subject, and signs with *key*.

        :param X509 cert: The certificate used to sign the CRL.
        :param PKey key: The key used to sign the CRL.
        :param int type: The export format, either :data:`FILETYPE_PEM`,
            :data:`FILETYPE_ASN1`, or :data:`FILETYPE_TEXT`.
        :param int days: The number of days until the next update of this
            CRL.
        :param bytes digest: The name of the message digest to use (eg
            ``b"sha256"``).  Omitting it means ``b"md5"`` with a
            :class:`DeprecationWarning`, as in pyOpenSSL 16.1.
        :raises TypeError: If an argument has the wrong type.
        :raises ValueError: If *type* or *digest* is unknown, or the key has
            no private part.
        :rtype: bytes
        """
        if not isinstance(cert, X509):
            raise TypeError("cert must be an X509 instance")
        if not isinstance(key, PKey):
            raise TypeError("key must be a PKey instance")
        if not isinstance(type, int):
            raise TypeError("type must be an integer")
        if type not in (FILETYPE_PEM, FILETYPE_ASN1, FILETYPE_TEXT):
            raise ValueError(
                "type argument must be FILETYPE_PEM, FILETYPE_ASN1, or "
                "FILETYPE_TEXT")
        _check_int(days, "days", _C_LONG_MIN // 86400, _C_LONG_MAX // 86400)
        _check_private(key)
        if digest is _UNSPECIFIED:
            warnings.warn(
                "The default message digest (md5) is deprecated.  "
                "Pass the name of a message digest explicitly.",
                category=DeprecationWarning, stacklevel=2)
            digest = b"md5"
        md = _digest(digest)

        when = lib.ASN1_TIME_new()
        _openssl_assert(when)
        try:
            _openssl_assert(lib.X509_gmtime_adj(when, 0))
            _openssl_assert(lib.X509_CRL_set1_lastUpdate(self._crl, when))
            _openssl_assert(lib.X509_gmtime_adj(when, days * 86400))
            _openssl_assert(lib.X509_CRL_set1_nextUpdate(self._crl, when))
        finally:
            lib.ASN1_TIME_free(when)
        self._sign(cert, key, md)
        return dump_crl(type, self)


CRLType = CRL


def load_crl(type: int, buffer: _Buffer) -> CRL:
    """
    Load Certificate Revocation List (CRL) data from a string *buffer*.
    *buffer* encoded with the type *type*.

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1)
    :param buffer: The buffer the CRL is stored in
    :raises ValueError: If *type* is not one of those.
    :raises Error: If *buffer* holds no CRL of that type.
    :return: The CRL object
    """
    buffer = _as_buffer(buffer)
    with MemBIO(buffer) as bio:
        if type == FILETYPE_PEM:
            crl = lib.PEM_read_bio_X509_CRL(bio.ptr, None, None, None)
        elif type == FILETYPE_ASN1:
            crl = lib.d2i_X509_CRL_bio(bio.ptr, None)
        else:
            raise ValueError(
                "type argument must be FILETYPE_PEM or FILETYPE_ASN1")
    if not crl:
        _raise_current_error()
    return CRL._from_raw_crl_ptr(crl)


def dump_crl(type: int, crl: CRL) -> bytes:
    """
    Dump a certificate revocation list to a buffer.

    :param type: The file type (one of ``FILETYPE_PEM``, ``FILETYPE_ASN1``,
        or ``FILETYPE_TEXT``).
    :param CRL crl: The CRL to dump.
    :raises TypeError: If *crl* is not a :class:`CRL`.
    :raises ValueError: If *type* is not one of those.
    :return: The buffer with the CRL.
    :rtype: bytes
    """
    if not isinstance(crl, CRL):
        raise TypeError("crl must be a CRL instance")
    if type == FILETYPE_PEM:
        write = lib.PEM_write_bio_X509_CRL
    elif type == FILETYPE_ASN1:
        write = lib.i2d_X509_CRL_bio
    elif type == FILETYPE_TEXT:
        write = lib.X509_CRL_print
    else:
        raise ValueError(
            "type argument must be FILETYPE_PEM, FILETYPE_ASN1, or "
            "FILETYPE_TEXT")
    with MemBIO() as bio:
        if write(bio.ptr, crl._crl) != 1:
            _raise_current_error()
        return bio.data()


# -------------------------------------------------------------- PKCS7 --

class PKCS7(object):
    """
    A PKCS #7 structure (``ContentInfo``), as read by
    :func:`load_pkcs7_data`.  ``PKCS7()`` makes an empty one, whose type is
    undefined.
    """

    _pkcs7: int      # the owned C handle (set by own())

    def __init__(self) -> None:
        p7 = lib.PKCS7_new()
        _openssl_assert(p7)
        own(self, p7, lib.PKCS7_free, "_pkcs7")

    @classmethod
    def _from_raw_pkcs7_ptr(cls, ptr):
        p7 = cls.__new__(cls)
        own(p7, ptr, lib.PKCS7_free, "_pkcs7")
        return p7

    def type_is_signed(self) -> bool:
        """
        Check if this NID_pkcs7_signed object

        :return: True if the PKCS7 is of type signed
        """
        return bool(lib.PKCS7_type_is_signed(self._pkcs7))

    def type_is_enveloped(self) -> bool:
        """
        Check if this NID_pkcs7_enveloped object

        :returns: True if the PKCS7 is of type enveloped
        """
        return bool(lib.PKCS7_type_is_enveloped(self._pkcs7))

    def type_is_signedAndEnveloped(self) -> bool:
        """
        Check if this NID_pkcs7_signedAndEnveloped object

        :returns: True if the PKCS7 is of type signedAndEnveloped
        """
        return bool(lib.PKCS7_type_is_signedAndEnveloped(self._pkcs7))

    def type_is_data(self) -> bool:
        """
        Check if this NID_pkcs7_data object

        :return: True if the PKCS7 is of type data
        """
        return bool(lib.PKCS7_type_is_data(self._pkcs7))

    def get_type_name(self) -> bytes:
        """
        Returns the type name of the PKCS7 structure

        :return: A string with the typename (e.g. ``b"pkcs7-signedData"``)
        :rtype: bytes
        """
        name = lib.OBJ_nid2sn(lib.PKCS7_type_nid(self._pkcs7))
        return name if name is not None else b"UNDEF"


PKCS7Type = PKCS7


def load_pkcs7_data(type: int, buffer: _Buffer) -> PKCS7:
    """
    Load pkcs7 data from the string *buffer* encoded with the type
    *type*.

    :param type: The file type (one of FILETYPE_PEM or FILETYPE_ASN1)
    :param buffer: The buffer with the pkcs7 data.
    :raises ValueError: If *type* is not one of those.
    :raises Error: If *buffer* holds no PKCS #7 structure of that type.
    :return: The PKCS7 object
    """
    buffer = _as_buffer(buffer)
    with MemBIO(buffer) as bio:
        if type == FILETYPE_PEM:
            p7 = lib.PEM_read_bio_PKCS7(bio.ptr, None, None, None)
        elif type == FILETYPE_ASN1:
            p7 = lib.d2i_PKCS7_bio(bio.ptr, None)
        else:
            raise ValueError(
                "type argument must be FILETYPE_PEM or FILETYPE_ASN1")
    if not p7:
        _raise_current_error()
    return PKCS7._from_raw_pkcs7_ptr(p7)


# ------------------------------------------------------------- PKCS12 --

def _load_legacy_provider():
    """Whether OpenSSL 3's "legacy" provider can be used for PKCS #12.

    It is loaded into a private library context (never the process's
    default one, never in FIPS mode): see :mod:`pyossl._runtime.providers`.
    """
    from ._runtime import providers
    return providers.legacy_available()


def _needs_provider():
    """Whether the queued failure is "algorithm not in a loaded provider"."""
    wanted = getattr(lib, "ERR_R_UNSUPPORTED", None)
    if wanted is None:
        return False
    return any(code and (code & 0x7FFFFF) == wanted
               for code in (lib.ERR_peek_error(), lib.ERR_peek_last_error()))


def _parse_pkcs12(p12, passphrase):
    key, cert, cas = c_void_p(), c_void_p(), c_void_p()
    ok = lib.PKCS12_parse(p12, passphrase, byref(key), byref(cert),
                          byref(cas))
    return ok, key.value, cert.value, cas.value


class PKCS12(object):
    """
    A PKCS #12 archive.
    """

    def __init__(self) -> None:
        self._pkey: Optional[PKey] = None
        self._cert: Optional[X509] = None
        self._cacerts: Optional[List[X509]] = None
        self._friendlyname: Optional[bytes] = None

    def get_certificate(self) -> Optional[X509]:
        """
        Get the certificate in the PKCS #12 structure.

        :return: The certificate, or ``None`` if there is none.
        :rtype: :py:class:`X509` or ``None``
        """
        return self._cert

    def set_certificate(self, cert: Optional[X509]) -> None:
        """
        Set the certificate in the PKCS #12 structure.

        :param cert: The new certificate, or ``None`` to unset it.
        :type cert: :py:class:`X509` or ``None``
        :raises TypeError: If *cert* is neither.
        :return: ``None``
        """
        if cert is not None and not isinstance(cert, X509):
            raise TypeError("cert must be an X509 instance")
        self._cert = cert

    def get_privatekey(self) -> Optional[PKey]:
        """
        Get the private key in the PKCS #12 structure.

        :return: The private key, or ``None`` if there is none.
        :rtype: :py:class:`PKey`
        """
        return self._pkey

    def set_privatekey(self, pkey: Optional[PKey]) -> None:
        """
        Set the certificate portion of the PKCS #12 structure.

        :param pkey: The new private key, or ``None`` to unset it.
        :type pkey: :py:class:`PKey` or ``None``
        :raises TypeError: If *pkey* is neither.
        :return: ``None``
        """
        if pkey is not None and not isinstance(pkey, PKey):
            raise TypeError("pkey must be a PKey instance")
        self._pkey = pkey

    def get_ca_certificates(self) -> Optional[Tuple[X509, ...]]:
        """
        Get the CA certificates in the PKCS #12 structure.

        :return: A tuple with the CA certificates in the chain, or
            ``None`` if there are none.
        :rtype: :py:class:`tuple` of :py:class:`X509` or ``None``
        """
        if self._cacerts is not None:
            return tuple(self._cacerts)
        return None

    def set_ca_certificates(self,
                            cacerts: Optional[Iterable[X509]]) -> None:
        """
        Replace or set the CA certificates within the PKCS12 object.

        :param cacerts: The new CA certificates, or ``None`` to
            unset them.
        :type cacerts: An iterable of :py:class:`X509` or ``None``
        :raises TypeError: If an element is not an :class:`X509`.
        :return: ``None``
        """
        if cacerts is None:
            self._cacerts = None
            return
        cacerts = list(cacerts)
        for cert in cacerts:
            if not isinstance(cert, X509):
                raise TypeError("iterable must only contain X509 instances")
        self._cacerts = cacerts

    def set_friendlyname(self, name: Optional[bytes]) -> None:
        """
        Set the friendly name in the PKCS #12 structure.

        :param name: The new friendly name, or ``None`` to unset.
        :type name: :py:class:`bytes` or ``None``
        :raises TypeError: If *name* is neither.
        :return: ``None``
        """
        if name is not None and not isinstance(name, bytes):
            raise TypeError(
                "name must be a byte string or None (not %r)" % (name,))
        self._friendlyname = name

    def get_friendlyname(self) -> Optional[bytes]:
        """
        Get the friendly name in the PKCS# 12 structure.

        :returns: The friendly name,  or ``None`` if there is none.
        :rtype: :py:class:`bytes` or ``None``
        """
        return self._friendlyname

    def export(self, passphrase: Optional[Union[str, bytes]] = None,
               iter: int = 2048, maciter: int = 1) -> bytes:
        """
        Dump a PKCS12 object as a string.

        Keys and certificates are encrypted with
        pbeWithSHA1And3-KeyTripleDES-CBC (as pyOpenSSL does), which every
        OpenSSL version reads without extra providers.

        For more information, see the ``PKCS12_create()`` man page.

        :param passphrase: The passphrase used to encrypt the structure.
            Unlike some other passphrase arguments, this *must* be a string,
            not a callback.
        :type passphrase: ``bytes``
        :param iter: Number of times to repeat the encryption step.
        :type iter: ``int``
        :param maciter: Number of times to repeat the MAC step.
        :type maciter: ``int``
        :raises TypeError: If an argument has the wrong type.
        :raises Error: If OpenSSL refuses (e.g. the key does not match the
            certificate).
        :return: The string representation of the PKCS #12 structure.
        :rtype: ``bytes``
        """
        passphrase = text_to_bytes_and_warn("passphrase", passphrase)
        if passphrase is not None and not isinstance(passphrase, bytes):
            raise TypeError("passphrase must be a byte string or None")
        if passphrase is not None and b"\0" in passphrase:
            raise ValueError("passphrase must not contain NUL bytes")
        _check_int(iter, "iter", -_C_INT_MAX - 1, _C_INT_MAX)
        _check_int(maciter, "maciter", -_C_INT_MAX - 1, _C_INT_MAX)
        name = self._friendlyname
        if name is not None and b"\0" in name:
            raise ValueError("friendly name must not contain NUL bytes")
        pkey = self._pkey._pkey if self._pkey is not None else None
        cert = self._cert._x509 if self._cert is not None else None
        cas = None
        if self._cacerts is not None:
            cas = _x509_stack(self._cacerts)
        try:
            nid = lib.NID_pbe_WithSHA1And3_Key_TripleDES_CBC
            p12 = lib.PKCS12_create(passphrase, name, pkey, cert, cas, nid,
                                    nid, iter, maciter, 0)
        finally:
            if cas is not None:
                _pop_free_x509_stack(cas)
        if not p12:
            _raise_current_error()
        try:
            with MemBIO() as bio:
                if lib.i2d_PKCS12_bio(bio.ptr, p12) != 1:
                    _raise_current_error()
                return bio.data()
        finally:
            lib.PKCS12_free(p12)


PKCS12Type = PKCS12


def load_pkcs12(buffer: _Buffer,
                passphrase: Optional[Union[str, bytes]] = None) -> PKCS12:
    """
    Load pkcs12 data from the string *buffer*. If the pkcs12 structure is
    encrypted, a *passphrase* must be included.  The MAC is always
    checked and thus required.

    See also the man page for the C function ``PKCS12_parse()``.

    On OpenSSL 3, files protected with the algorithms of older exports
    (RC2, DES, RC4) need OpenSSL's "legacy" provider; pyossl loads it, with
    "default", into a library context of its own the first time such a file
    is met and reads those files there, leaving the process's default
    context as it was.  In FIPS mode it never does: such files raise
    :exc:`Error`.

    :param buffer: The buffer the certificate is stored in
    :param passphrase: (Optional) The password to decrypt the PKCS12 lump
    :raises TypeError: If an argument has the wrong type.
    :raises Error: If the data is not PKCS #12, the passphrase is wrong,
        or the file needs the legacy provider and the build has none.
    :returns: The PKCS12 object
    """
    passphrase = text_to_bytes_and_warn("passphrase", passphrase)
    if passphrase is not None and not isinstance(passphrase, bytes):
        raise TypeError("passphrase must be a byte string or None")
    buffer = _as_buffer(buffer)
    # A missing and an empty password are different things in PKCS #12;
    # OpenSSL tries both when given NULL.
    if not passphrase:
        passphrase = None
    elif b"\0" in passphrase:
        raise ValueError("passphrase must not contain NUL bytes")

    with MemBIO(buffer) as bio:
        p12 = lib.d2i_PKCS12_bio(bio.ptr, None)
    if not p12:
        _raise_current_error()
    try:
        ok, key, cert, cas = _parse_pkcs12(p12, passphrase)
        if not ok and _needs_provider():
            # An algorithm of a provider that is not loaded (OpenSSL 3):
            # try again with "legacy", in pyossl's private library context.
            first = error_queue()
            from ._runtime import providers
            with providers.legacy_scope() as available:
                if available:
                    ok, key, cert, cas = _parse_pkcs12(p12, passphrase)
            if not available:
                raise Error([(
                    "pyossl", "load_pkcs12",
                    "this PKCS #12 file uses algorithms (RC2, DES, RC4) "
                    "that OpenSSL 3 provides only in its 'legacy' provider, "
                    "which %s cannot use: %s" % (
                        lib.describe(), providers.legacy_refusal()))] + first)
        if not ok:
            _raise_current_error()
    finally:
        lib.PKCS12_free(p12)
    # Every output is a new reference: wrap each exactly once.
    clear_error_queue()
    pykey = pycert = friendlyname = None
    pycas = []
    try:
        if key:
            pykey, key = PKey._from_raw_pkey_ptr(key), None
        if cert:
            length = c_int(0)
            alias = lib.X509_alias_get0(cert, byref(length))
            if alias:
                friendlyname = string_at(alias, length.value)
            pycert, cert = X509._from_raw_x509_ptr(cert), None
        if cas:
            pycas, cas = _take_x509_stack(cas), None
    finally:
        if key:
            lib.EVP_PKEY_free(key)
        if cert:
            _X509_free(cert)
        if cas:
            _pop_free_x509_stack(cas)

    pkcs12 = PKCS12()
    pkcs12._pkey = pykey
    pkcs12._cert = pycert
    pkcs12._cacerts = pycas or None
    pkcs12._friendlyname = friendlyname
    return pkcs12


# ------------------------------------------------------- NetscapeSPKI --

class NetscapeSPKI(object):
    """
    A Netscape SPKI object (a signed public key and challenge, SPKAC).

    :param enc: A base64-encoded SPKAC to decode (as produced by
        ``openssl spkac`` or an HTML ``<keygen>`` element), or ``None``
        for an empty object.
    :type enc: ``bytes`` or ``None``
    :raises Error: If *enc* cannot be decoded.
    """

    _spki: int       # the owned C handle (set by own())

    def __init__(self, enc: Optional[_Buffer] = None) -> None:
        if enc is None:
            spki = lib.NETSCAPE_SPKI_new()
            _openssl_assert(spki)
        else:
            enc = _as_buffer(enc)
            if len(enc) > _C_INT_MAX:
                raise ValueError("enc is too long")
            spki = lib.NETSCAPE_SPKI_b64_decode(enc, len(enc))
            if not spki:
                _raise_current_error()
        own(self, spki, lib.NETSCAPE_SPKI_free, "_spki")

    def sign(self, pkey: PKey, digest: Union[str, bytes]) -> None:
        """
        Sign the certificate request with this key and digest type.

        :param pkey: The private key to sign with.
        :type pkey: :py:class:`PKey`
        :param digest: The message digest to use.
        :type digest: :py:class:`bytes`
        :raises TypeError: If *pkey* is not a :class:`PKey`.
        :raises ValueError: If it has no private part, or *digest* names no
            digest.
        :return: ``None``
        """
        if not isinstance(pkey, PKey):
            raise TypeError("pkey must be a PKey instance")
        if pkey._only_public:
            raise ValueError("Key has only public part")
        if not getattr(pkey, "_initialized", True):
            raise ValueError("Key is uninitialized")
        md = _digest(digest)
        if lib.NETSCAPE_SPKI_sign(self._spki, pkey._pkey, md) <= 0:
            _raise_current_error()

    def verify(self, key: PKey) -> bool:
        """
        Verifies a signature on a certificate request.

        :param PKey key: The public key that signature is supposedly from.
        :return: ``True`` if the signature is correct.
        :rtype: bool
        :raises TypeError: If *key* is not a :class:`PKey`.
        :raises Error: If the signature is invalid, or there was a problem
            verifying the signature.
        """
        if not isinstance(key, PKey):
            raise TypeError("key must be a PKey instance")
        if lib.NETSCAPE_SPKI_verify(self._spki, key._pkey) <= 0:
            _raise_current_error()
        return True

    def b64_encode(self) -> bytes:
        """
        Generate a base64 encoded representation of this SPKI object.

        :return: The base64 encoded string.
        :rtype: :py:class:`bytes`
        """
        encoded = lib.NETSCAPE_SPKI_b64_encode(self._spki)
        if not encoded:
            _raise_current_error()
        try:
            return string_at(encoded)
        finally:
            lib.OPENSSL_free(encoded)

    def get_pubkey(self) -> PKey:
        """
        Get the public key of this certificate.

        :return: The public key.
        :rtype: :py:class:`PKey`
        :raises Error: If the SPKI holds no usable key.
        """
        pkey = lib.NETSCAPE_SPKI_get_pubkey(self._spki)
        if not pkey:
            _raise_current_error()
        return PKey._from_raw_pkey_ptr(pkey, only_public=True)

    def set_pubkey(self, pkey: PKey) -> None:
        """
        Set the public key of the certificate

        :param pkey: The public key
        :type pkey: :py:class:`PKey`
        :raises TypeError: If *pkey* is not a :class:`PKey`.
        :return: ``None``
        """
        if not isinstance(pkey, PKey):
            raise TypeError("pkey must be a PKey instance")
        if lib.NETSCAPE_SPKI_set_pubkey(self._spki, pkey._pkey) != 1:
            _raise_current_error()


NetscapeSPKIType = NetscapeSPKI


def _publish():
    # crypto.py re-exports this module with ``from ._pki import *``; when
    # this module is imported first, that star-import runs before the names
    # above exist, so put them into crypto here as well.
    from . import crypto
    for name in __all__:
        setattr(crypto, name, globals()[name])


_publish()
