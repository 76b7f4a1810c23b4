"""Reading and writing certificates, requests and keys (PEM, DER, text),
and the passphrases of encrypted PEM keys (obtained in Python before the C
call and handed to OpenSSL's default callback: no passphrase thunk)."""

from typing import Any, Optional, Union

from .._runtime import providers
from .._runtime.convert import buffer_arg
from .._runtime.errors import error_queue, peek_codes
from .._runtime.library import lib
from .._runtime.scoped import MemBIO, write_mem
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
    # PEM and DER: the encoders queue errors only when they fail, so a
    # success needs no ERR_clear_error (write_mem: the short form of
    # write_to_bio, inlined on this hot path).
    if type == FILETYPE_PEM:
        data = write_mem(lib.PEM_write_bio_X509, cert._x509)
        if data is None:
            raise_error("PEM_write_bio_X509", "cannot write the object")
        return data
    if type == FILETYPE_ASN1:
        data = write_mem(lib.i2d_X509_bio, cert._x509)
        if data is None:
            raise_error("i2d_X509_bio", "cannot write the object")
        return data
    check_filetype(type, with_text=True)
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


# OpenSSL's PEM passphrase buffer (PEM_BUFSIZE): the longest passphrase a
# callback may return (pyOpenSSL: ValueError beyond it), and where
# OpenSSL's default callback cuts a longer bytes passphrase.
_PEM_BUFSIZE = 1024


def _check_passphrase(type, passphrase):
    if type != FILETYPE_PEM and passphrase is not None:
        raise ValueError("only FILETYPE_PEM key format supports encryption")
    if not (passphrase is None or isinstance(passphrase, bytes)
            or callable(passphrase)):
        raise TypeError("Last argument must be string or callable")


def _passphrase_bytes(passphrase, rwflag):
    """The passphrase as the NUL-terminated bytes OpenSSL's default
    callback (``PEM_def_callback``) copies: obtained here, in Python,
    before the C call, so no Python code runs inside it and no Python
    return value is ever used as a length by C.

    :param passphrase: bytes, or a callable called as pyOpenSSL calls it,
        with *rwflag* (0 to read, 1 to write).
    :raises ValueError: the callable returned something else than bytes
        ("String expected"), more than OpenSSL's buffer holds, or a value
        with a NUL byte (which C would cut short).
    """
    if isinstance(passphrase, bytes):
        result = passphrase[:_PEM_BUFSIZE]     # as PEM_def_callback does
    else:
        result = passphrase(rwflag)
        if not isinstance(result, bytes):
            raise ValueError("String expected")
        if len(result) > _PEM_BUFSIZE:
            raise ValueError("passphrase returned by callback is too long")
    if b"\0" in result:
        raise ValueError("passphrase must not contain a NUL byte")
    return result


def _is_encrypted_pem(data):
    """Whether PEM *data* holds an encrypted key (traditional
    ``Proc-Type: 4,ENCRYPTED`` or PKCS #8 ``ENCRYPTED PRIVATE KEY``)."""
    return b"ENCRYPTED" in data


def _legacy_cipher_failure():
    """Whether the queued failure is OpenSSL 3's "unsupported" (an
    algorithm of a provider that is not loaded)."""
    wanted = getattr(lib, "ERR_R_UNSUPPORTED", None)
    if wanted is None or not lib.since("3.0"):
        return False
    return any(code and lib.ERR_GET_REASON(code) == wanted
               for code in peek_codes())


def load_privatekey(type: int, buffer: Union[str, bytes],
                    passphrase: Any = None) -> PKey:
    """Load a private key from a buffer

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1)
    :param buffer: The buffer the key is stored in
    :param passphrase: (optional) if encrypted PEM format, this can be
        either the passphrase to use, or a callback for providing the
        passphrase.  A callback is called (with ``0``, as pyOpenSSL calls
        it) only when the PEM data is encrypted, before OpenSSL reads it.

    :return: The PKey object
    """
    buffer = buffer_arg(buffer)
    _check_passphrase(type, passphrase)
    check_filetype(type)
    if type == FILETYPE_PEM:
        if not _is_encrypted_pem(buffer):
            secret = None
        elif passphrase is None:
            secret = b""            # fail instead of prompting on a tty
        else:
            secret = _passphrase_bytes(passphrase, 0)
        pkey = _read_pem_key(buffer, secret)
    else:
        with MemBIO(buffer) as bio:
            pkey = lib.d2i_PrivateKey_bio(bio.ptr, None)
    if not pkey:
        raise_error("load_privatekey", "no private key could be read")
    clear()
    return PKey._from_owned(pkey)


def _read_pem_key(buffer, secret):
    with MemBIO(buffer) as bio:
        pkey = lib.PEM_read_bio_PrivateKey(bio.ptr, None, None, secret)
    if not pkey and secret is not None and _legacy_cipher_failure():
        # Encrypted with a cipher of OpenSSL 3's "legacy" provider
        # (blowfish...): read it in pyossl's private context, where it is
        # loaded (never in FIPS mode); the key lives in that context.
        first = error_queue()
        with providers.legacy_scope() as available:
            if available:
                with MemBIO(buffer) as bio:
                    pkey = lib.PEM_read_bio_PrivateKey(bio.ptr, None, None,
                                                       secret)
        if not available:
            raise Error([(
                "pyossl", "load_privatekey",
                "the key is encrypted with a cipher of OpenSSL 3's "
                "'legacy' provider, which %s cannot use: %s" % (
                    lib.describe(), providers.legacy_refusal()))] + first)
    return pkey


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
        the passphrase to use, or a callback for providing the passphrase
        (called with ``1``, as pyOpenSSL calls it).

    On OpenSSL 3, the ciphers of its "legacy" provider that pyOpenSSL
    accepted (``blowfish``, ``cast``, ``des``...) work too: the key is
    written with "legacy" loaded in pyossl's private library context, never
    in the process's default one, and never in FIPS mode (as for
    :func:`load_pkcs12`).

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
    _check_passphrase(type, passphrase)
    check_filetype(type, with_text=True)
    if pkey._only_public:
        raise Error([("crypto", "dump_privatekey",
                      "the key has no private part")])
    if type == FILETYPE_PEM:
        secret = None
        if cipher_obj is not None:
            secret = _passphrase_bytes(passphrase, 1)
        return _write_pem_key(pkey, cipher_obj, secret)
    with MemBIO() as bio:
        if type == FILETYPE_ASN1:
            ok = lib.i2d_PrivateKey_bio(bio.ptr, pkey._pkey)
        else:
            ok = lib.EVP_PKEY_print_private(bio.ptr, pkey._pkey, 0, None)
        openssl_assert(ok > 0, "dump_privatekey")
        clear()
        return bio.data()


def _write_pem_key(pkey, cipher, secret):
    """PEM of *pkey*, encrypted with *cipher* (or not) under *secret*,
    which OpenSSL's default callback reads (cb NULL, u = the bytes)."""
    def write(handle):
        with MemBIO() as bio:
            ok = lib.PEM_write_bio_PrivateKey(bio.ptr, handle, cipher,
                                              None, 0, None, secret)
            return ok, (bio.data() if ok > 0 else None)
    ok, data = write(pkey._pkey)
    if ok <= 0 and cipher is not None and _legacy_cipher_failure():
        # A cipher of OpenSSL 3's "legacy" provider.  OpenSSL encrypts in
        # the key's own library context, so the key is copied (through
        # memory) into pyossl's private context, where "legacy" is loaded,
        # and that copy is written.
        first = error_queue()
        der = write_to_bio("i2d_PKCS8PrivateKey_bio", pkey._pkey, None,
                           None, 0, None, None)
        with providers.legacy_scope() as available:
            if available:
                with MemBIO(der) as bio:
                    copy = lib.d2i_PrivateKey_bio(bio.ptr, None)
                if not copy:
                    raise_error("d2i_PrivateKey_bio")
                try:
                    ok, data = write(copy)
                finally:
                    lib.EVP_PKEY_free(copy)
        if not available:
            raise Error([(
                "pyossl", "dump_privatekey",
                "this cipher is in OpenSSL 3's 'legacy' provider, which "
                "%s cannot use: %s" % (lib.describe(),
                                       providers.legacy_refusal()))]
                + first)
    if ok <= 0:
        raise_error("PEM_write_bio_PrivateKey", "cannot write the key")
    clear()
    return data


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
