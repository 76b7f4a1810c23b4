"""Netscape signed public keys and challenges: :class:`NetscapeSPKI`."""

from ctypes import string_at
from typing import Optional, Union

from .._runtime.convert import INT_MAX, buffer_arg
from .._runtime.library import lib
from .._runtime.ownership import Owner
from .._runtime.scoped import scoped
from .common import (BufferArg, digest_by_name, openssl_assert, raise_error)
from .keys import PKey, signing_key


class NetscapeSPKI(Owner):
    """
    A Netscape SPKI object (a signed public key and challenge, SPKAC).

    :param enc: A base64-encoded SPKAC to decode (as produced by
        ``openssl spkac`` or an HTML ``<keygen>`` element), or ``None``
        for an empty object.
    :type enc: ``bytes`` or ``None``
    :raises Error: If *enc* cannot be decoded.
    """

    _spki: int       # the owned C handle
    _handle_attr = "_spki"
    _handle_free = "NETSCAPE_SPKI_free"

    def __init__(self, enc: Optional[BufferArg] = None) -> None:
        if enc is None:
            spki = lib.NETSCAPE_SPKI_new()
            openssl_assert(spki)
        else:
            enc = buffer_arg(enc)
            if len(enc) > INT_MAX:
                raise ValueError("enc is too long")
            spki = lib.NETSCAPE_SPKI_b64_decode(enc, len(enc))
            if not spki:
                raise_error()
        self._own(spki)

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
        signing_key(pkey)
        md = digest_by_name(digest)
        if lib.NETSCAPE_SPKI_sign(self._spki, pkey._pkey, md) <= 0:
            raise_error()

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
            raise_error()
        return True

    def b64_encode(self) -> bytes:
        """
        Generate a base64 encoded representation of this SPKI object.

        :return: The base64 encoded string.
        :rtype: :py:class:`bytes`
        """
        encoded = lib.NETSCAPE_SPKI_b64_encode(self._spki)
        if not encoded:
            raise_error()
        with scoped(encoded, lib.OPENSSL_free):
            return string_at(encoded)

    def get_pubkey(self) -> PKey:
        """
        Get the public key of this certificate.

        :return: The public key.
        :rtype: :py:class:`PKey`
        :raises Error: If the SPKI holds no usable key.
        """
        pkey = lib.NETSCAPE_SPKI_get_pubkey(self._spki)
        if not pkey:
            raise_error()
        return PKey._from_owned(pkey, _only_public=True)

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
            raise_error()


NetscapeSPKIType = NetscapeSPKI
