"""Reading and writing certificates, requests and keys (PEM, DER, text),
with the passphrase callback of encrypted PEM keys."""

from ctypes import c_void_p, cast, memmove
from typing import Any, Optional, Union

from .._binding.decls_core import PEM_PASSWORD_CB
from .._runtime.callbacks import (callback, callback_failed, check_callbacks,
                                  handles)
from .._runtime.convert import buffer_arg
from .._runtime.library import lib
from .._runtime.scoped import MemBIO
from .common import (FILETYPE_ASN1, FILETYPE_PEM, Error, check_filetype,
                     cipher_by_name, clear, openssl_assert, raise_error,
                     read_from_bio, write_to_bio)
from .certificates import X509, X509Req
from .keys import PKey


def load_certificate(type: int, buffer: Union[str, bytes]) -> "X509":
    """Load a certificate from a buffer

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1)

    :param bytes buffer: The buffer the certificate is stored in

    :return: The X509 object
    """
    buffer = buffer_arg(buffer)
    check_filetype(type)
    return X509._from_owned(read_from_bio("PEM_read_bio_X509", "d2i_X509_bio", type, buffer))


def dump_certificate(type: int, cert: "X509") -> bytes:
    """Dump a certificate to a buffer

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1, or
        FILETYPE_TEXT)
    :param cert: The certificate to dump
    :return: The buffer with the dumped certificate in
    """
    if not isinstance(cert, X509):
        raise TypeError("cert must be an X509 instance")
    check_filetype(type, with_text=True)
    if type == FILETYPE_PEM:
        return write_to_bio("PEM_write_bio_X509", cert._x509)
    if type == FILETYPE_ASN1:
        return write_to_bio("i2d_X509_bio", cert._x509)
    return write_to_bio("X509_print_ex", cert._x509, 0, 0)


def load_certificate_request(type: int,
                             buffer: Union[str, bytes]) -> "X509Req":
    """Load a certificate request from a buffer

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1)
    :param buffer: The buffer the certificate request is stored in
    :return: The X509Req object
    """
    buffer = buffer_arg(buffer)
    check_filetype(type)
    return X509Req._from_owned(read_from_bio("PEM_read_bio_X509_REQ", "d2i_X509_REQ_bio", type, buffer))


def dump_certificate_request(type: int, req: "X509Req") -> bytes:
    """Dump a certificate request to a buffer

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1,
        FILETYPE_TEXT)
    :param req: The certificate request to dump
    :return: The buffer with the dumped certificate request in
    """
    if not isinstance(req, X509Req):
        raise TypeError("req must be an X509Req instance")
    check_filetype(type, with_text=True)
    if type == FILETYPE_PEM:
        return write_to_bio("PEM_write_bio_X509_REQ", req._req)
    if type == FILETYPE_ASN1:
        return write_to_bio("i2d_X509_REQ_bio", req._req)
    return write_to_bio("X509_REQ_print_ex", req._req, 0, 0)


class _PassphraseHelper(object):
    """Where the one PEM password thunk finds the passphrase of this call."""

    __slots__ = ("passphrase", "key")

    def __init__(self, type, passphrase):
        if type != FILETYPE_PEM and passphrase is not None:
            raise ValueError(
                "only FILETYPE_PEM key format supports encryption")
        if not (passphrase is None or isinstance(passphrase, bytes)
                or callable(passphrase)):
            raise TypeError("Last argument must be string or callable")
        self.passphrase = passphrase
        self.key = None

    def __enter__(self):
        self.key = handles.new(self)
        return self.key

    def __exit__(self, *exc):
        handles.free(self.key)


@callback(PEM_PASSWORD_CB, 0)
def _passphrase_callback(buf, size, rwflag, userdata):
    helper = handles.get(userdata)
    if helper is None or helper.passphrase is None:
        return 0            # no passphrase: fail instead of prompting
    passphrase = helper.passphrase
    if isinstance(passphrase, bytes):
        result = passphrase[:size]      # as OpenSSL's default callback
    else:
        result = passphrase(rwflag)
        if not isinstance(result, bytes):
            raise ValueError("String expected")
        if len(result) > size:
            raise ValueError("passphrase returned by callback is too long")
    memmove(buf, result, len(result))
    return len(result)


_passphrase_cb_ptr = cast(_passphrase_callback, c_void_p).value


def load_privatekey(type: int, buffer: Union[str, bytes],
                    passphrase: Any = None) -> PKey:
    """Load a private key from a buffer

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1)
    :param buffer: The buffer the key is stored in
    :param passphrase: (optional) if encrypted PEM format, this can be
        either the passphrase to use, or a callback for providing the
        passphrase.

    :return: The PKey object
    """
    buffer = buffer_arg(buffer)
    helper = _PassphraseHelper(type, passphrase)
    check_filetype(type)
    with MemBIO(buffer) as bio:
        if type == FILETYPE_PEM:
            with helper as key:
                pkey = lib.PEM_read_bio_PrivateKey(
                    bio.ptr, None, _passphrase_cb_ptr, key)
            if callback_failed():
                if pkey:
                    lib.EVP_PKEY_free(pkey)
                check_callbacks()
        else:
            pkey = lib.d2i_PrivateKey_bio(bio.ptr, None)
    if not pkey:
        raise_error()
    clear()
    return PKey._from_owned(pkey)


def dump_privatekey(type: int, pkey: PKey,
                    cipher: Optional[Union[str, bytes]] = None,
                    passphrase: Any = None) -> bytes:
    """Dump the private key *pkey* into a buffer string encoded with the type
    *type*.  Optionally (if *type* is :const:`FILETYPE_PEM`) encrypting it
    using *cipher* and *passphrase*.

    :param type: The file type (one of :const:`FILETYPE_PEM`,
        :const:`FILETYPE_ASN1`, or :const:`FILETYPE_TEXT`)
    :param PKey pkey: The PKey to dump
    :param cipher: (optional) if encrypted PEM format, the cipher to use
    :param passphrase: (optional) if encrypted PEM format, this can be either
        the passphrase to use, or a callback for providing the passphrase.

    :return: The buffer with the dumped key in
    :rtype: bytes
    """
    if not isinstance(pkey, PKey):
        raise TypeError("pkey must be a PKey instance")
    if cipher is not None:
        if passphrase is None:
            raise TypeError(
                "if a value is given for cipher "
                "one must also be given for passphrase")
        cipher_obj = cipher_by_name(cipher)
    else:
        cipher_obj = None
    helper = _PassphraseHelper(type, passphrase)
    check_filetype(type, with_text=True)
    if pkey._only_public:
        raise Error([("crypto", "dump_privatekey",
                      "the key has no private part")])
    with MemBIO() as bio:
        if type == FILETYPE_PEM:
            with helper as key:
                ok = lib.PEM_write_bio_PrivateKey(
                    bio.ptr, pkey._pkey, cipher_obj, None, 0,
                    _passphrase_cb_ptr, key)
            check_callbacks()
        elif type == FILETYPE_ASN1:
            ok = lib.i2d_PrivateKey_bio(bio.ptr, pkey._pkey)
        else:
            ok = lib.EVP_PKEY_print_private(bio.ptr, pkey._pkey, 0, None)
        openssl_assert(ok > 0)
        clear()
        return bio.data()


def load_publickey(type: int, buffer: Union[str, bytes]) -> PKey:
    """Load a public key from a buffer.

    :param type: The file type (one of :data:`FILETYPE_PEM`,
        :data:`FILETYPE_ASN1`).
    :param buffer: The buffer the key is stored in.
    :type buffer: str or bytes
    :return: The PKey object.
    :rtype: :class:`PKey`
    """
    buffer = buffer_arg(buffer)
    check_filetype(type)
    return PKey._from_owned(read_from_bio("PEM_read_bio_PUBKEY", "d2i_PUBKEY_bio", type, buffer), _only_public=True)


def dump_publickey(type: int, pkey: PKey) -> bytes:
    """Dump a public key to a buffer.

    :param type: The file type (one of :data:`FILETYPE_PEM` or
        :data:`FILETYPE_ASN1`).
    :param PKey pkey: The public key to dump
    :return: The buffer with the dumped key in it.
    :rtype: bytes
    """
    if not isinstance(pkey, PKey):
        raise TypeError("pkey must be a PKey instance")
    check_filetype(type)
    if type == FILETYPE_PEM:
        return write_to_bio("PEM_write_bio_PUBKEY", pkey._pkey)
    return write_to_bio("i2d_PUBKEY_bio", pkey._pkey)
