"""Signatures over data: :func:`sign` and :func:`verify`."""

from ctypes import byref, c_uint, create_string_buffer
from typing import Union

from .._runtime.library import lib
from .._runtime.scoped import scoped
from .._runtime.text import text_to_bytes_and_warn
from .certificates import X509
from .common import Error, digest_by_name, openssl_assert, raise_error
from .keys import PKey


def _digest_context(md):
    """A scoped ``EVP_MD_CTX`` initialised for the digest *md*."""
    ctx = scoped(lib.EVP_MD_CTX_new(), lib.EVP_MD_CTX_free)
    openssl_assert(ctx.ptr)
    if lib.EVP_DigestInit_ex(ctx.ptr, md, None) != 1:
        ctx.__exit__(None, None, None)
        raise_error("EVP_DigestInit_ex")
    return ctx


def sign(pkey: PKey, data: bytes, digest: Union[str, bytes]) -> bytes:
    """Sign a data string using the given key and message digest.

    :param pkey: PKey to sign with
    :param data: data to be signed
    :param digest: message digest to use
    :return: signature

    .. versionadded:: 0.11
    """
    data = text_to_bytes_and_warn("data", data)
    if not isinstance(data, bytes):
        raise TypeError("data must be bytes")
    if not isinstance(pkey, PKey):
        raise TypeError("pkey must be a PKey instance")
    md = digest_by_name(digest)
    if pkey._only_public or not pkey._initialized:
        # OpenSSL 1.0.2 would dereference the missing private part.
        raise Error([("crypto", "sign", "the key has no private part")])
    length = lib.EVP_PKEY_size(pkey._pkey)
    openssl_assert(length > 0)
    buf = create_string_buffer(length)
    out_len = c_uint(0)
    with _digest_context(md) as ctx:
        openssl_assert(lib.EVP_DigestUpdate(ctx, data, len(data)) == 1)
        openssl_assert(lib.EVP_SignFinal(ctx, buf, byref(out_len),
                                         pkey._pkey) == 1)
    return buf.raw[:out_len.value]


def verify(cert: "X509", signature: bytes, data: bytes,
           digest: Union[str, bytes]) -> None:
    """Verify a signature.

    :param cert: signing certificate (X509 object)
    :param signature: signature returned by sign function
    :param data: data to be verified
    :param digest: message digest to use
    :return: ``None`` if the signature is correct, raise exception otherwise.

    .. versionadded:: 0.11
    """
    data = text_to_bytes_and_warn("data", data)
    if not isinstance(cert, X509):
        raise TypeError("cert must be an X509 instance")
    if not isinstance(signature, bytes) or not isinstance(data, bytes):
        raise TypeError("signature and data must be bytes")
    md = digest_by_name(digest)
    pkey = lib.X509_get_pubkey(cert._x509)
    if not pkey:
        raise_error()
    with scoped(pkey, lib.EVP_PKEY_free), _digest_context(md) as ctx:
        openssl_assert(lib.EVP_DigestUpdate(ctx, data, len(data)) == 1)
        result = lib.EVP_VerifyFinal(ctx, signature, len(signature), pkey)
    if result != 1:
        raise_error()
