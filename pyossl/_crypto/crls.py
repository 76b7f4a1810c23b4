"""Certificate revocation: :class:`Revoked`, :class:`CRL`, and reading and
writing CRLs."""

import warnings
from ctypes import byref, c_void_p
from typing import Any, List, Optional, Tuple, Union

from .._runtime import stacks
from .._runtime.convert import buffer_arg, c_integer, int_arg
from .._runtime.library import lib
from .._runtime.ownership import Owner
from .._runtime.scoped import MemBIO, scoped
from .certificates import X509
from .common import (FILETYPE_ASN1, FILETYPE_PEM, BufferArg,
                     check_filetype, clear, digest_by_name, get_asn1_time,
                     new_asn1_time, openssl_assert, raise_error,
                     read_from_bio)
from .keys import PKey, signing_key
from .names import X509Name

_UNSPECIFIED: Any = object()


class Revoked(Owner):
    """
    A certificate revocation.
    """

    _revoked: int    # the owned C handle
    _handle_attr = "_revoked"
    _handle_free = "X509_REVOKED_free"

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
        openssl_assert(revoked)
        self._own(revoked)


    def set_serial(self, hex_str: bytes) -> None:
        """
        Set the serial number.

        The serial number is formatted as a hexadecimal number encoded in
        ASCII.  Only the hexadecimal digits up to the first other
        character are used, as in pyOpenSSL (``b"31ppp"`` sets ``0x31``).

        :param bytes hex_str: The new serial number.
        :raises TypeError: If *hex_str* is not bytes.
        :raises ValueError: If it does not start with a hexadecimal digit,
            or contains a NUL byte.
        :return: ``None``
        """
        if not isinstance(hex_str, bytes):
            raise TypeError("hex_str must be a byte string")
        if b"\0" in hex_str:
            # A C string: pyOpenSSL's C call would stop at the NUL.
            raise ValueError("hex_str must not contain a NUL byte")
        bn = c_void_p()
        # As pyOpenSSL (BN_hex2bn): the hex digits up to the first other
        # byte count (b"31ppp" is 0x31); none at all is an error.
        digits = len(hex_str) - len(hex_str.lstrip(b"0123456789abcdefABCDEF"))
        if digits == 0:
            raise ValueError("bad hex string")
        hex_str = hex_str[:digits]
        if digits > 0x10000:
            raise ValueError("bad hex string")
        parsed = lib.BN_hex2bn(byref(bn), hex_str)
        try:
            if not parsed or parsed != len(hex_str):
                clear()
                raise ValueError("bad hex string")
            serial = lib.BN_to_ASN1_INTEGER(bn, None)
            openssl_assert(serial)
        finally:
            if bn.value:
                lib.BN_free(bn)
        try:
            openssl_assert(
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
        openssl_assert(serial)
        with MemBIO() as bio:
            openssl_assert(lib.i2a_ASN1_INTEGER(bio.ptr, serial) >= 0)
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
        openssl_assert(enum)
        with scoped(enum, lib.ASN1_ENUMERATED_free):
            openssl_assert(lib.ASN1_ENUMERATED_set(enum, code))
            self._delete_reason()
            openssl_assert(lib.X509_REVOKED_add1_ext_i2d(
                self._revoked, lib.NID_crl_reason, enum, 0, 0) == 1)

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
                    clear()
                    openssl_assert(lib.ASN1_STRING_print(
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
        with new_asn1_time(when) as asn1:
            openssl_assert(lib.X509_REVOKED_set_revocationDate(
                self._revoked, asn1) == 1)

    def get_rev_date(self) -> Optional[bytes]:
        """
        Get the revocation timestamp.

        :return: The timestamp of the revocation, as ASN.1 GENERALIZEDTIME,
            or ``None`` if it has none.
        :rtype: bytes
        """
        return get_asn1_time(
            lib.X509_REVOKED_get0_revocationDate(self._revoked))


# ---------------------------------------------------------------- CRL --

class CRL(Owner):
    """
    A certificate revocation list.
    """

    _crl: int        # the owned C handle
    _handle_attr = "_crl"
    _handle_free = "X509_CRL_free"

    def __init__(self) -> None:
        crl = lib.X509_CRL_new()
        openssl_assert(crl)
        self._own(crl)


    def get_revoked(self) -> Optional[Tuple[Revoked, ...]]:
        """
        Return the revocations in this certificate revocation list.

        These revocations will be provided by value, not by reference.
        That means it's okay to mutate them: it won't affect this CRL.

        :return: The revocations in this CRL, or ``None`` if it has none.
        :rtype: :class:`tuple` of :class:`Revoked`
        """
        results = []
        for revoked in stacks.items(lib.X509_CRL_get_REVOKED(self._crl)):
            copy = lib.X509_REVOKED_dup(revoked)
            openssl_assert(copy)
            results.append(Revoked._from_owned(copy))
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
        openssl_assert(copy)
        if not lib.X509_CRL_add0_revoked(self._crl, copy):
            lib.X509_REVOKED_free(copy)
            raise_error()

    def get_issuer(self) -> X509Name:
        """
        Get the CRL's issuer.

        .. versionadded:: 16.1.0

        :return: A copy of the issuer's name.
        :rtype: X509Name
        """
        name = lib.X509_CRL_get_issuer(self._crl)
        openssl_assert(name)
        return X509Name._from_copy(name)

    def set_version(self, version: int) -> None:
        """
        Set the CRL version.

        .. versionadded:: 16.1.0

        :param int version: The version of the CRL (0 for v1, 1 for v2).
        :raises TypeError: If *version* is not an integer.
        :return: ``None``
        """
        c_integer(version, "long", "version", strict=True)
        openssl_assert(lib.X509_CRL_set_version(self._crl, version) != 0)

    def _set_time(self, setter, when):
        with new_asn1_time(when) as asn1:
            openssl_assert(setter(self._crl, asn1) == 1)

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
        signing_key(issuer_key, "issuer_key", initialized=False)
        md = digest_by_name(digest)
        self._sign(issuer_cert, issuer_key, md)

    def _sign(self, cert, key, md):
        openssl_assert(lib.X509_CRL_set_issuer_name(
            self._crl, lib.X509_get_subject_name(cert._x509)) == 1)
        openssl_assert(lib.X509_CRL_sort(self._crl))
        if not lib.X509_CRL_sign(self._crl, key._pkey, md):
            raise_error()

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
        check_filetype(type, with_text=True)
        c_integer(int_arg(days, "days") * 86400, "long", "days * 86400")
        signing_key(key, "key", initialized=False)
        if digest is _UNSPECIFIED:
            warnings.warn(
                "The default message digest (md5) is deprecated.  "
                "Pass the name of a message digest explicitly.",
                category=DeprecationWarning, stacklevel=2)
            digest = b"md5"
        md = digest_by_name(digest)

        when = lib.ASN1_TIME_new()
        openssl_assert(when)
        with scoped(when, lib.ASN1_TIME_free):
            openssl_assert(lib.X509_gmtime_adj(when, 0))
            openssl_assert(lib.X509_CRL_set1_lastUpdate(self._crl, when))
            openssl_assert(lib.X509_gmtime_adj(when, days * 86400))
            openssl_assert(lib.X509_CRL_set1_nextUpdate(self._crl, when))
        self._sign(cert, key, md)
        return dump_crl(type, self)


CRLType = CRL


def load_crl(type: int, buffer: BufferArg) -> CRL:
    """
    Load Certificate Revocation List (CRL) data from a string *buffer*.
    *buffer* encoded with the type *type*.

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1)
    :param buffer: The buffer the CRL is stored in
    :raises ValueError: If *type* is not one of those.
    :raises Error: If *buffer* holds no CRL of that type.
    :return: The CRL object
    """
    buffer = buffer_arg(buffer)
    check_filetype(type)
    return CRL._from_owned(read_from_bio(
        "PEM_read_bio_X509_CRL", "d2i_X509_CRL_bio", type, buffer))


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
    check_filetype(type, with_text=True)
    if type == FILETYPE_PEM:
        write = lib.PEM_write_bio_X509_CRL
    elif type == FILETYPE_ASN1:
        write = lib.i2d_X509_CRL_bio
    else:
        write = lib.X509_CRL_print
    with MemBIO() as bio:
        if write(bio.ptr, crl._crl) != 1:
            raise_error("dump_crl", "cannot write the CRL")
        # Printing a CRL with an extension that does not decode succeeds
        # and leaves errors behind: a success leaves the queue empty.
        clear()
        return bio.data()
