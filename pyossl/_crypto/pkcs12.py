"""PKCS #12 archives: :class:`PKCS12` and :func:`load_pkcs12`."""

from ctypes import byref, c_int, c_void_p, string_at
from typing import Iterable, List, Optional, Tuple, Union

from .._runtime import providers
from .._runtime.convert import buffer_arg, c_integer
from .._runtime.errors import error_queue, peek_codes
from .._runtime.library import lib
from .._runtime.scoped import MemBIO, scoped
from .._runtime.text import text_to_bytes_and_warn
from .certificates import (X509, free_x509_stack, take_x509_stack,
                           x509_stack)
from .common import BufferArg, Error, clear, raise_error
from .keys import PKey


def _load_legacy_provider():
    """Whether OpenSSL 3's "legacy" provider can be used for PKCS #12.

    It is loaded into a private library context (never the process's
    default one, never in FIPS mode): see :mod:`pyossl._runtime.providers`.
    """
    return providers.legacy_available()


def _needs_provider():
    """Whether the queued failure is "algorithm not in a loaded provider"."""
    wanted = getattr(lib, "ERR_R_UNSUPPORTED", None)
    if wanted is None:
        return False
    return any(code and lib.ERR_GET_REASON(code) == wanted
               for code in peek_codes())


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
        c_integer(iter, "int", "iter", strict=True)
        c_integer(maciter, "int", "maciter", strict=True)
        name = self._friendlyname
        if name is not None and b"\0" in name:
            raise ValueError("friendly name must not contain NUL bytes")
        pkey = self._pkey._pkey if self._pkey is not None else None
        cert = self._cert._x509 if self._cert is not None else None
        cas = None
        if self._cacerts is not None:
            cas = x509_stack(self._cacerts)
        try:
            nid = lib.NID_pbe_WithSHA1And3_Key_TripleDES_CBC
            p12 = lib.PKCS12_create(passphrase, name, pkey, cert, cas, nid,
                                    nid, iter, maciter, 0)
        finally:
            if cas is not None:
                free_x509_stack(cas)
        if not p12:
            raise_error()
        with scoped(p12, lib.PKCS12_free), MemBIO() as bio:
            if lib.i2d_PKCS12_bio(bio.ptr, p12) != 1:
                raise_error()
            return bio.data()


PKCS12Type = PKCS12


def load_pkcs12(buffer: BufferArg,
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
    buffer = buffer_arg(buffer)
    # A missing and an empty password are different things in PKCS #12;
    # OpenSSL tries both when given NULL.
    if not passphrase:
        passphrase = None
    elif b"\0" in passphrase:
        raise ValueError("passphrase must not contain NUL bytes")

    with MemBIO(buffer) as bio:
        p12 = lib.d2i_PKCS12_bio(bio.ptr, None)
    if not p12:
        raise_error()
    try:
        ok, key, cert, cas = _parse_pkcs12(p12, passphrase)
        if not ok and _needs_provider():
            # An algorithm of a provider that is not loaded (OpenSSL 3):
            # try again with "legacy", in pyossl's private library context.
            first = error_queue()
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
            raise_error()
    finally:
        lib.PKCS12_free(p12)
    # Every output is a new reference: wrap each exactly once.
    clear()
    pykey = pycert = friendlyname = None
    pycas = []
    try:
        if key:
            pykey, key = PKey._from_owned(key), None
        if cert:
            length = c_int(0)
            alias = lib.X509_alias_get0(cert, byref(length))
            if alias:
                friendlyname = string_at(alias, length.value)
            pycert, cert = X509._from_owned(cert), None
        if cas:
            pycas, cas = take_x509_stack(cas), None
    finally:
        if key:
            lib.EVP_PKEY_free(key)
        if cert:
            lib.X509_free(cert)
        if cas:
            free_x509_stack(cas)

    pkcs12 = PKCS12()
    pkcs12._pkey = pykey
    pkcs12._cert = pycert
    pkcs12._cacerts = pycas or None
    pkcs12._friendlyname = friendlyname
    return pkcs12
