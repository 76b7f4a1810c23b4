"""The SSL-specific parts of OpenSSL: :class:`Context` and :class:`Connection`.

pyOpenSSL 16.1's ``OpenSSL.SSL`` API over ctypes.  Layout: constants,
exceptions, callback thunks (one module-level ``CFUNCTYPE`` per callback
kind, dispatching to Python objects through weak maps keyed by the
``SSL*``/``SSL_CTX*`` pointer), :class:`Session`, :class:`Context`,
:class:`Connection`.
"""

import socket as _socket_module
import sys
import weakref
from ctypes import (addressof, byref, c_char, c_int, c_ubyte, c_uint,
                    c_void_p, cast, create_string_buffer, memmove, string_at)
from errno import EBADF, errorcode

from typing import (TYPE_CHECKING, Any, Callable, List, NoReturn, Optional,
                    Sequence, Tuple, Union)

from . import _decls_ssl as _d
from . import _ffi_decls
from . import _util
from ._ffi_decls import PEM_PASSWORD_CB
from ._util import lib as _lib
from ._runtime.convert import writable_buffer as _writable_buffer

__all__ = [
    "OPENSSL_VERSION_NUMBER", "SSLEAY_VERSION", "SSLEAY_CFLAGS",
    "SSLEAY_PLATFORM", "SSLEAY_DIR", "SSLEAY_BUILT_ON", "SENT_SHUTDOWN",
    "RECEIVED_SHUTDOWN", "SSLv2_METHOD", "SSLv3_METHOD", "SSLv23_METHOD",
    "TLSv1_METHOD", "TLSv1_1_METHOD", "TLSv1_2_METHOD", "TLS_METHOD",
    "TLS_SERVER_METHOD", "TLS_CLIENT_METHOD", "SSL3_VERSION",
    "TLS1_VERSION", "TLS1_1_VERSION", "TLS1_2_VERSION",
    "VERIFY_PEER", "VERIFY_FAIL_IF_NO_PEER_CERT", "VERIFY_CLIENT_ONCE",
    "VERIFY_NONE", "FILETYPE_PEM", "FILETYPE_ASN1",
    "SESS_CACHE_OFF", "SESS_CACHE_CLIENT", "SESS_CACHE_SERVER",
    "SESS_CACHE_BOTH", "SESS_CACHE_NO_AUTO_CLEAR",
    "SESS_CACHE_NO_INTERNAL_LOOKUP", "SESS_CACHE_NO_INTERNAL_STORE",
    "SESS_CACHE_NO_INTERNAL", "SSL_ST_CONNECT", "SSL_ST_ACCEPT",
    "SSL_ST_MASK", "SSL_CB_LOOP", "SSL_CB_EXIT", "SSL_CB_READ",
    "SSL_CB_WRITE", "SSL_CB_ALERT", "SSL_CB_READ_ALERT",
    "SSL_CB_WRITE_ALERT", "SSL_CB_ACCEPT_LOOP", "SSL_CB_ACCEPT_EXIT",
    "SSL_CB_CONNECT_LOOP", "SSL_CB_CONNECT_EXIT", "SSL_CB_HANDSHAKE_START",
    "SSL_CB_HANDSHAKE_DONE", "NO_OVERLAPPING_PROTOCOLS",
    "Error", "WantReadError", "WantWriteError", "WantX509LookupError",
    "ZeroReturnError", "SysCallError", "SSLeay_version", "Session",
    "Context", "ContextType", "Connection", "ConnectionType",
]

if TYPE_CHECKING:                                    # pragma: no cover
    import os

    from ._pki import X509Store
    from .crypto import PKey, X509, X509Name

_GEN = _lib.generation

# Types used in the annotations of the public API.
_Path = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
_Data = Union[bytes, bytearray, memoryview, str]
_PassphraseCallback = Callable[[int, bool, Any], bytes]
_VerifyCallback = Callable[["Connection", "X509", int, int, int], Any]

# ------------------------------------------------------------- constants --

OPENSSL_VERSION_NUMBER = _lib.version_num
SSLEAY_VERSION = _lib.SSLEAY_VERSION
SSLEAY_CFLAGS = _lib.SSLEAY_CFLAGS
SSLEAY_PLATFORM = _lib.SSLEAY_PLATFORM
SSLEAY_DIR = _lib.SSLEAY_DIR
SSLEAY_BUILT_ON = _lib.SSLEAY_BUILT_ON

SENT_SHUTDOWN = _lib.SSL_SENT_SHUTDOWN
RECEIVED_SHUTDOWN = _lib.SSL_RECEIVED_SHUTDOWN

SSLv2_METHOD = 1
SSLv3_METHOD = 2
SSLv23_METHOD = 3
TLSv1_METHOD = 4
TLSv1_1_METHOD = 5
TLSv1_2_METHOD = 6
TLS_METHOD = 7
TLS_SERVER_METHOD = 8
TLS_CLIENT_METHOD = 9

SSL3_VERSION = _lib.SSL3_VERSION
TLS1_VERSION = _lib.TLS1_VERSION
TLS1_1_VERSION = _lib.TLS1_1_VERSION
TLS1_2_VERSION = _lib.TLS1_2_VERSION

FILETYPE_PEM = _lib.SSL_FILETYPE_PEM
FILETYPE_ASN1 = _lib.SSL_FILETYPE_ASN1

VERIFY_NONE = _lib.SSL_VERIFY_NONE
VERIFY_PEER = _lib.SSL_VERIFY_PEER
VERIFY_FAIL_IF_NO_PEER_CERT = _lib.SSL_VERIFY_FAIL_IF_NO_PEER_CERT
VERIFY_CLIENT_ONCE = _lib.SSL_VERIFY_CLIENT_ONCE

SESS_CACHE_OFF = _lib.SSL_SESS_CACHE_OFF
SESS_CACHE_CLIENT = _lib.SSL_SESS_CACHE_CLIENT
SESS_CACHE_SERVER = _lib.SSL_SESS_CACHE_SERVER
SESS_CACHE_BOTH = _lib.SSL_SESS_CACHE_BOTH
SESS_CACHE_NO_AUTO_CLEAR = _lib.SSL_SESS_CACHE_NO_AUTO_CLEAR
SESS_CACHE_NO_INTERNAL_LOOKUP = _lib.SSL_SESS_CACHE_NO_INTERNAL_LOOKUP
SESS_CACHE_NO_INTERNAL_STORE = _lib.SSL_SESS_CACHE_NO_INTERNAL_STORE
SESS_CACHE_NO_INTERNAL = _lib.SSL_SESS_CACHE_NO_INTERNAL

SSL_ST_CONNECT = _lib.SSL_ST_CONNECT
SSL_ST_ACCEPT = _lib.SSL_ST_ACCEPT
SSL_ST_MASK = _lib.SSL_ST_MASK

SSL_CB_LOOP = _lib.SSL_CB_LOOP
SSL_CB_EXIT = _lib.SSL_CB_EXIT
SSL_CB_READ = _lib.SSL_CB_READ
SSL_CB_WRITE = _lib.SSL_CB_WRITE
SSL_CB_ALERT = _lib.SSL_CB_ALERT
SSL_CB_READ_ALERT = _lib.SSL_CB_READ_ALERT
SSL_CB_WRITE_ALERT = _lib.SSL_CB_WRITE_ALERT
SSL_CB_ACCEPT_LOOP = _lib.SSL_CB_ACCEPT_LOOP
SSL_CB_ACCEPT_EXIT = _lib.SSL_CB_ACCEPT_EXIT
SSL_CB_CONNECT_LOOP = _lib.SSL_CB_CONNECT_LOOP
SSL_CB_CONNECT_EXIT = _lib.SSL_CB_CONNECT_EXIT
SSL_CB_HANDSHAKE_START = _lib.SSL_CB_HANDSHAKE_START
SSL_CB_HANDSHAKE_DONE = _lib.SSL_CB_HANDSHAKE_DONE


# Options and modes every supported generation defines (values from the
# per-generation tables); the rest are added by _export_prefixed below.
MODE_ENABLE_PARTIAL_WRITE = _lib.SSL_MODE_ENABLE_PARTIAL_WRITE
MODE_ACCEPT_MOVING_WRITE_BUFFER = _lib.SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
MODE_AUTO_RETRY = _lib.SSL_MODE_AUTO_RETRY
MODE_NO_AUTO_CHAIN = _lib.SSL_MODE_NO_AUTO_CHAIN
MODE_RELEASE_BUFFERS = _lib.SSL_MODE_RELEASE_BUFFERS
MODE_SEND_CLIENTHELLO_TIME = _lib.SSL_MODE_SEND_CLIENTHELLO_TIME
MODE_SEND_SERVERHELLO_TIME = _lib.SSL_MODE_SEND_SERVERHELLO_TIME
MODE_SEND_FALLBACK_SCSV = _lib.SSL_MODE_SEND_FALLBACK_SCSV
OP_MICROSOFT_SESS_ID_BUG = _lib.SSL_OP_MICROSOFT_SESS_ID_BUG
OP_NETSCAPE_CHALLENGE_BUG = _lib.SSL_OP_NETSCAPE_CHALLENGE_BUG
OP_NETSCAPE_REUSE_CIPHER_CHANGE_BUG = _lib.SSL_OP_NETSCAPE_REUSE_CIPHER_CHANGE_BUG
OP_SSLREF2_REUSE_CERT_TYPE_BUG = _lib.SSL_OP_SSLREF2_REUSE_CERT_TYPE_BUG
OP_MICROSOFT_BIG_SSLV3_BUFFER = _lib.SSL_OP_MICROSOFT_BIG_SSLV3_BUFFER
OP_MSIE_SSLV2_RSA_PADDING = _lib.SSL_OP_MSIE_SSLV2_RSA_PADDING
OP_SSLEAY_080_CLIENT_DH_BUG = _lib.SSL_OP_SSLEAY_080_CLIENT_DH_BUG
OP_TLS_D5_BUG = _lib.SSL_OP_TLS_D5_BUG
OP_TLS_BLOCK_PADDING_BUG = _lib.SSL_OP_TLS_BLOCK_PADDING_BUG
OP_SINGLE_ECDH_USE = _lib.SSL_OP_SINGLE_ECDH_USE
OP_SINGLE_DH_USE = _lib.SSL_OP_SINGLE_DH_USE
OP_EPHEMERAL_RSA = _lib.SSL_OP_EPHEMERAL_RSA
OP_NO_SSLv2 = _lib.SSL_OP_NO_SSLv2
OP_PKCS1_CHECK_1 = _lib.SSL_OP_PKCS1_CHECK_1
OP_PKCS1_CHECK_2 = _lib.SSL_OP_PKCS1_CHECK_2
OP_NETSCAPE_CA_DN_BUG = _lib.SSL_OP_NETSCAPE_CA_DN_BUG
OP_NETSCAPE_DEMO_CIPHER_CHANGE_BUG = _lib.SSL_OP_NETSCAPE_DEMO_CIPHER_CHANGE_BUG
OP_LEGACY_SERVER_CONNECT = _lib.SSL_OP_LEGACY_SERVER_CONNECT
OP_TLSEXT_PADDING = _lib.SSL_OP_TLSEXT_PADDING
OP_SAFARI_ECDHE_ECDSA_BUG = _lib.SSL_OP_SAFARI_ECDHE_ECDSA_BUG
OP_DONT_INSERT_EMPTY_FRAGMENTS = _lib.SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS
OP_NO_QUERY_MTU = _lib.SSL_OP_NO_QUERY_MTU
OP_COOKIE_EXCHANGE = _lib.SSL_OP_COOKIE_EXCHANGE
OP_NO_TICKET = _lib.SSL_OP_NO_TICKET
OP_CISCO_ANYCONNECT = _lib.SSL_OP_CISCO_ANYCONNECT
OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION = _lib.SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION
OP_NO_COMPRESSION = _lib.SSL_OP_NO_COMPRESSION
OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION = _lib.SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION
OP_CIPHER_SERVER_PREFERENCE = _lib.SSL_OP_CIPHER_SERVER_PREFERENCE
OP_TLS_ROLLBACK_BUG = _lib.SSL_OP_TLS_ROLLBACK_BUG
OP_NO_SSLv3 = _lib.SSL_OP_NO_SSLv3
OP_NO_TLSv1 = _lib.SSL_OP_NO_TLSv1
OP_NO_TLSv1_2 = _lib.SSL_OP_NO_TLSv1_2
OP_NO_TLSv1_1 = _lib.SSL_OP_NO_TLSv1_1
OP_NO_DTLSv1 = _lib.SSL_OP_NO_DTLSv1
OP_NO_DTLSv1_2 = _lib.SSL_OP_NO_DTLSv1_2
OP_CRYPTOPRO_TLSEXT_BUG = _lib.SSL_OP_CRYPTOPRO_TLSEXT_BUG
OP_ALL = _lib.SSL_OP_ALL


def _export_prefixed(prefix, c_prefix):
    """Module constants for every ``c_prefix*`` constant this build defines.

    Their values come from the per-generation tables; a name the loaded
    generation does not define is absent.
    """
    names = []
    for c_name, value in sorted(_lib.constants.items()):
        if c_name.startswith(c_prefix):
            name = prefix + c_name[len(c_prefix):]
            globals()[name] = value
            names.append(name)
    return names


# OP_*: every option of the table for this generation.  Options that newer
# OpenSSL releases retired (OP_SINGLE_DH_USE, OP_NO_SSLv2, ...) are 0 on
# 1.1.0+; options newer than the loaded generation (OP_NO_TLSv1_3 on 1.0.2,
# OP_IGNORE_UNEXPECTED_EOF before 3.0) are absent.
__all__ += _export_prefixed("OP_", "SSL_OP_")
# MODE_*: the same for modes.
__all__ += _export_prefixed("MODE_", "SSL_MODE_")
if TYPE_CHECKING:                                    # pragma: no cover
    # For type checkers: the OP_*/MODE_* names that _export_prefixed()
    # defines at run time on some supported OpenSSL generation but not on
    # every one (a name the loaded generation lacks is absent).
    MODE_ASYNC: int
    OP_ALLOW_CLIENT_RENEGOTIATION: int
    OP_ALLOW_NO_DHE_KEX: int
    OP_CLEANSE_PLAINTEXT: int
    OP_DISABLE_TLSEXT_CA_NAMES: int
    OP_ENABLE_KTLS: int
    OP_ENABLE_MIDDLEBOX_COMPAT: int
    OP_IGNORE_UNEXPECTED_EOF: int
    OP_NO_ANTI_REPLAY: int
    OP_NO_ENCRYPT_THEN_MAC: int
    OP_NO_EXTENDED_MASTER_SECRET: int
    OP_NO_RENEGOTIATION: int
    OP_NO_TLSv1_3: int
    OP_PRIORITIZE_CHACHA: int

# The 0.14 documentation names MODE_NO_COMPRESSION "for set_mode() to
# disable compression".  OpenSSL has no such mode: pyossl gives it a bit no
# OpenSSL mode uses, and Context.set_mode() turns it into OP_NO_COMPRESSION.
MODE_NO_COMPRESSION = 0x40000000
__all__.append("MODE_NO_COMPRESSION")
if getattr(_lib, "TLS1_3_VERSION", None) is not None:
    TLS1_3_VERSION = _lib.TLS1_3_VERSION
    __all__.append("TLS1_3_VERSION")
if getattr(_lib, "SSL_VERIFY_POST_HANDSHAKE", None) is not None:
    VERIFY_POST_HANDSHAKE = _lib.SSL_VERIFY_POST_HANDSHAKE
    __all__.append("VERIFY_POST_HANDSHAKE")
if getattr(_lib, "SSL_SESS_CACHE_UPDATE_TIME", None) is not None:
    SESS_CACHE_UPDATE_TIME = _lib.SSL_SESS_CACHE_UPDATE_TIME
    __all__.append("SESS_CACHE_UPDATE_TIME")


def SSLeay_version(type: int) -> bytes:
    """Return a string describing the version of OpenSSL in use.

    :param type: One of the ``SSLEAY_*`` constants defined in this
        module.
    :return: The description.
    :rtype: bytes
    """
    if not isinstance(type, int):
        raise TypeError("type must be an integer")
    return _lib.OpenSSL_version(type) or b""


# ------------------------------------------------------------ exceptions --

class Error(Exception):
    """An error occurred in an :mod:`pyossl.SSL` API.

    When raised directly, its argument is the list of ``(lib, function,
    reason)`` string tuples drained from OpenSSL's error queue.
    """


class WantReadError(Error):
    """The operation needs more data from the transport: call it again
    with the same arguments once the socket is readable (or, with memory
    BIOs, after :meth:`Connection.bio_write`)."""


class WantWriteError(Error):
    """The operation must write to the transport first: call it again
    once the socket is writable."""


class WantX509LookupError(Error):
    """An application callback asked to be called again."""


class ZeroReturnError(Error):
    """The TLS connection was closed cleanly by the peer (close_notify)."""


class SysCallError(Error):
    """An I/O error with nothing on OpenSSL's error queue.

    The argument is a pair ``(errnum, errstr)``; ``(-1, 'Unexpected EOF')``
    when the peer closed the transport without a TLS closure alert.
    """


def _raise_error_queue():
    _util.raise_current_error(Error)


def _synthetic_error(function, reason):
    _util.clear_error_queue()
    return Error([("SSL routines", function, reason)])


# ---------------------------------------------------- helpers for crypto --

def _crypto():
    from . import crypto
    return crypto


def _x509_from_borrowed(ptr):
    """An :class:`pyossl.crypto.X509` with its own reference to *ptr*."""
    crypto = _crypto()
    return crypto.X509._from_raw_x509_ptr(crypto._x509_new_ref(ptr))


def _text(value):
    return value.decode("utf-8") if value else None


def _path(value, name):
    return _util.path_bytes(value, name)


# ------------------------------------------------------- bound functions --
# The I/O path uses these module globals: no attribute lookups on ``lib``.
_SSL_read = _lib.SSL_read
_SSL_peek = _lib.SSL_peek
_SSL_write = _lib.SSL_write
_SSL_do_handshake = _lib.SSL_do_handshake
_SSL_get_error = _lib.SSL_get_error
_SSL_pending = _lib.SSL_pending
_BIO_read = _lib.BIO_read
_BIO_write = _lib.BIO_write
_BIO_ctrl_pending = _lib.BIO_ctrl_pending
_BIO_test_flags = _lib.BIO_test_flags
_BIO_RETRY_FLAGS = (_ffi_decls.BIO_FLAGS_READ | _ffi_decls.BIO_FLAGS_WRITE
                    | _ffi_decls.BIO_FLAGS_IO_SPECIAL
                    | _ffi_decls.BIO_FLAGS_SHOULD_RETRY)
_ERR_peek_error = _lib.ERR_peek_error
_callback_failed = _util.callback_failed
_check_callbacks = _util.check_callbacks
_ensure_hook = _util.ensure_hook
_ERR_clear_error = _lib.ERR_clear_error
_SSL_is_init_finished = _lib.SSL_is_init_finished

_ERROR_WANT_READ = _lib.SSL_ERROR_WANT_READ
_ERROR_WANT_WRITE = _lib.SSL_ERROR_WANT_WRITE
_ERROR_ZERO_RETURN = _lib.SSL_ERROR_ZERO_RETURN
_ERROR_WANT_X509_LOOKUP = _lib.SSL_ERROR_WANT_X509_LOOKUP
_ERROR_SYSCALL = _lib.SSL_ERROR_SYSCALL
_ERROR_SSL = _lib.SSL_ERROR_SSL
_ERROR_NONE = _lib.SSL_ERROR_NONE
_MSG_PEEK = getattr(_socket_module, "MSG_PEEK", 2)
_INT_MAX = 2147483647
_BIO_CHUNK = 65536
_READ_CHUNK = 16384     # the largest TLS record plaintext

if _lib.available("errno_location"):
    _errno_location = _lib.errno_location

    def _last_errno():
        return c_int.from_address(_errno_location()).value
else:                                          # pragma: no cover
    def _last_errno():
        return 0


def _is_unexpected_eof(code):
    """3.0+: whether the queued error *code* is "unexpected eof"."""
    if _GEN < 2 or code & 0x80000000:
        return False
    return (((code >> 23) & 0xFF) == _lib.ERR_LIB_SSL
            and (code & 0x7FFFFF) == _lib.SSL_R_UNEXPECTED_EOF_WHILE_READING)


def _system_errno(code):
    """3.0+: the errno of a system error on the queue, or ``None``."""
    if _GEN >= 2 and code & 0x80000000:
        return code & 0x7FFFFFFF
    return None


def _buffer_pointer(buf, what="data"):
    """``(pointer, length, keepalive)`` for bytes-like *buf* without a copy.

    ``bytes`` are passed as they are; writable buffers through
    ``c_char.from_buffer``; a read-only memoryview is copied once.
    :raises TypeError: for anything that is not bytes-like.
    """
    if isinstance(buf, bytes):
        return buf, len(buf), buf
    if isinstance(buf, str):
        buf = _util.text_to_bytes_and_warn(what, buf)
        return buf, len(buf), buf
    try:
        view = memoryview(buf)
    except TypeError:
        raise TypeError("%s must be a memoryview, buffer or byte string"
                        % what)
    size = view.nbytes
    if size > _INT_MAX:
        raise ValueError("Cannot send more than 2**31-1 bytes at once.")
    if not size:
        return None, 0, None
    if view.readonly or not view.c_contiguous:
        data = view.tobytes()
        return data, size, data
    anchor = c_char.from_buffer(view)
    return addressof(anchor), size, anchor


# ------------------------------------------------------------- callbacks --
# SSL* -> Connection and SSL_CTX* -> Context, for the callback thunks.
_connections: "weakref.WeakValueDictionary[int, Connection]" = \
    weakref.WeakValueDictionary()
_contexts: "weakref.WeakValueDictionary[int, Context]" = \
    weakref.WeakValueDictionary()
_STORE_SSL_IDX = _lib.SSL_get_ex_data_X509_STORE_CTX_idx()
_X509_V_OK = _lib.X509_V_OK
_X509_V_ERR_APPLICATION_VERIFICATION = 50


def _connection_of(args, position=0):
    """The :class:`Connection` whose ``SSL*`` is C argument *position* of
    a lost thunk call (``None`` if unknown)."""
    if args is None:
        return None
    return _connections.get(args[position])


def _poison_connection(args, position=0):
    # on_lost rescue: C went on with an undefined result; the connection
    # must not be used any more (check_callbacks also poisons it, this
    # covers a caller that never reaches check_callbacks).
    conn = _connection_of(args, position)
    if conn is not None and conn._callback_lost is None:
        conn._callback_lost = Error([(
            "pyossl", "callback", "a callback was interrupted")])


def _poison_verifying_connection(args):
    if args is None:
        return
    try:
        ssl = _lib.X509_STORE_CTX_get_ex_data(args[1], _STORE_SSL_IDX)
    except BaseException:  # noqa: B902 - a rescue must not raise
        return
    _poison_connection((ssl,))


@_util.callback(_d.VERIFY_CB, 0, on_lost=_poison_verifying_connection)
def _verify_thunk(ok, store_ctx):
    # Fail closed whatever happens to this Python code (see
    # pyossl._runtime.callbacks): OpenSSL records each failure in the store
    # before calling back; only an explicit accept by the user's callback
    # clears it.  A failure still recorded when a later certificate is
    # reported as good means an earlier call never completed (its result
    # was undefined), so the chain is rejected here, and Connection checks
    # the verify result once the handshake is complete.
    errnum = _lib.X509_STORE_CTX_get_error(store_ctx)
    if ok and errnum != _X509_V_OK:
        return 0
    try:
        ssl = _lib.X509_STORE_CTX_get_ex_data(store_ctx, _STORE_SSL_IDX)
        conn = _connections.get(ssl)
        callback = conn._verify_callback if conn is not None else None
        if callback is None:
            raise Error([("SSL routines", "verify_callback",
                          "no Python verify callback for this connection")])
        cert_ptr = _lib.X509_STORE_CTX_get_current_cert(store_ctx)
        cert = _x509_from_borrowed(cert_ptr) if cert_ptr else None
        depth = _lib.X509_STORE_CTX_get_error_depth(store_ctx)
        accepted = bool(callback(conn, cert, errnum, depth, ok))
    except BaseException:
        _reject(store_ctx)
        raise
    if accepted:
        _lib.X509_STORE_CTX_set_error(store_ctx, _X509_V_OK)
        return 1
    _reject(store_ctx)
    return 0


def _reject(store_ctx):
    # Never leave "X509_V_OK" on a rejected chain: every build then fails
    # the handshake.
    if _lib.X509_STORE_CTX_get_error(store_ctx) == _X509_V_OK:
        _lib.X509_STORE_CTX_set_error(store_ctx,
                                      _X509_V_ERR_APPLICATION_VERIFICATION)


@_util.callback(PEM_PASSWORD_CB, 0)
def _passwd_thunk(buf, size, rwflag, userdata):
    ctx = _contexts.get(userdata)
    if ctx is None or ctx._passphrase_callback is None:
        return 0
    result = ctx._passphrase_callback(size, bool(rwflag),
                                      ctx._passphrase_userdata)
    if not isinstance(result, bytes):
        raise ValueError("String expected")
    result = result[:size]
    memmove(buf, result, len(result))
    return len(result)


@_util.callback(_d.INFO_CB, None)
def _info_thunk(ssl, where, ret):
    conn = _connections.get(ssl)
    if conn is None:
        return
    callback = conn._context._info_callback
    if callback is not None:
        callback(conn, where, ret)


@_util.callback(_d.SERVERNAME_CB, _lib.SSL_TLSEXT_ERR_ALERT_FATAL)
def _servername_thunk(ssl, alert, arg):
    conn = _connections.get(ssl)
    ctx = _contexts.get(arg)
    if conn is None or ctx is None:
        return _lib.SSL_TLSEXT_ERR_OK
    callback = ctx._tlsext_servername_callback
    if callback is not None:
        callback(conn)
    return _lib.SSL_TLSEXT_ERR_OK


NO_OVERLAPPING_PROTOCOLS = object()


def _parse_protocols(ptr, length):
    data = string_at(ptr, length) if length else b""
    protocols = []
    i = 0
    while i < len(data):
        n = data[i]
        protocols.append(data[i + 1:i + 1 + n])
        i += 1 + n
    return protocols


def _encode_protocols(protos):
    out = []
    for proto in protos:
        if not isinstance(proto, bytes):
            raise TypeError("protocols must be byte strings")
        if not 0 < len(proto) < 256:
            raise ValueError("each protocol must be 1 to 255 bytes long")
        out.append(bytes((len(proto),)))
        out.append(proto)
    return b"".join(out)


def _set_selection(conn, out, outlen, chosen, wide_len):
    """Point ``*out``/``*outlen`` at *chosen*, kept alive on *conn*."""
    keep = create_string_buffer(chosen, len(chosen) or 1)
    conn._selection_keepalive = keep
    c_void_p.from_address(out).value = addressof(keep)
    if wide_len:
        c_uint.from_address(outlen).value = len(chosen)
    else:
        c_ubyte.from_address(outlen).value = len(chosen)


@_util.callback(_d.SELECT_CB, _lib.SSL_TLSEXT_ERR_ALERT_FATAL)
def _alpn_select_thunk(ssl, out, outlen, in_, inlen, arg):
    conn = _connections.get(ssl)
    ctx = _contexts.get(arg)
    if conn is None or ctx is None or ctx._alpn_select_callback is None:
        return _lib.SSL_TLSEXT_ERR_NOACK
    chosen = ctx._alpn_select_callback(conn, _parse_protocols(in_, inlen))
    if chosen is NO_OVERLAPPING_PROTOCOLS:
        return _lib.SSL_TLSEXT_ERR_NOACK
    if not isinstance(chosen, bytes):
        raise TypeError("ALPN callback must return a bytestring or the "
                        "special NO_OVERLAPPING_PROTOCOLS sentinel value.")
    if not chosen or len(chosen) > 255:
        return _lib.SSL_TLSEXT_ERR_ALERT_FATAL
    _set_selection(conn, out, outlen, chosen, False)
    return _lib.SSL_TLSEXT_ERR_OK


@_util.callback(_d.ADVERTISE_CB, _lib.SSL_TLSEXT_ERR_ALERT_FATAL)
def _npn_advertise_thunk(ssl, out, outlen, arg):
    conn = _connections.get(ssl)
    ctx = _contexts.get(arg)
    if conn is None or ctx is None or ctx._npn_advertise_callback is None:
        return _lib.SSL_TLSEXT_ERR_NOACK
    protos = _encode_protocols(ctx._npn_advertise_callback(conn))
    _set_selection(conn, out, outlen, protos, True)
    return _lib.SSL_TLSEXT_ERR_OK


@_util.callback(_d.SELECT_CB, _lib.SSL_TLSEXT_ERR_ALERT_FATAL)
def _npn_select_thunk(ssl, out, outlen, in_, inlen, arg):
    conn = _connections.get(ssl)
    ctx = _contexts.get(arg)
    if conn is None or ctx is None or ctx._npn_select_callback is None:
        return _lib.SSL_TLSEXT_ERR_ALERT_FATAL
    chosen = ctx._npn_select_callback(conn, _parse_protocols(in_, inlen))
    if not isinstance(chosen, bytes):
        raise TypeError("NPN select callback must return a bytestring")
    if len(chosen) > 255:
        raise ValueError("the selected protocol is longer than 255 bytes")
    _set_selection(conn, out, outlen, chosen, False)
    return _lib.SSL_TLSEXT_ERR_OK


@_util.callback(_d.KEYLOG_CB, None)
def _keylog_thunk(ssl, line):
    conn = _connections.get(ssl)
    if conn is None:
        return
    callback = conn._context._keylog_callback
    if callback is not None:
        callback(conn, line)


def _address(thunk):
    return cast(thunk, c_void_p).value


_VERIFY_FP = _address(_verify_thunk)
_PASSWD_FP = _address(_passwd_thunk)
_INFO_FP = _address(_info_thunk)
_SERVERNAME_FP = _address(_servername_thunk)
_ALPN_FP = _address(_alpn_select_thunk)
_NPN_ADVERTISE_FP = _address(_npn_advertise_thunk)
_NPN_SELECT_FP = _address(_npn_select_thunk)
_KEYLOG_FP = _address(_keylog_thunk)


def _requires(name, feature):
    """Decorator: raise ``NotImplementedError(feature)`` without *name*."""
    def decorate(func):
        if _lib.available(name):
            return func

        def unavailable(*args, **kwargs):
            raise NotImplementedError("%s not available" % feature)
        unavailable.__name__ = func.__name__
        unavailable.__doc__ = func.__doc__
        return unavailable
    return decorate


# --------------------------------------------------------------- Session --

class Session(object):
    """A TLS session: connection parameters that a later connection to the
    same peer can resume (see :meth:`Connection.get_session` and
    :meth:`Connection.set_session`).

    .. versionadded:: 0.14
    """

    _session: Optional[int] = None


# --------------------------------------------------------------- Context --

def _method_factories():
    """method constant -> (method function, fixed protocol version or 0)."""
    available = _lib.available
    table = {}
    if _GEN == 0:
        names = {
            SSLv2_METHOD: "SSLv2_method", SSLv3_METHOD: "SSLv3_method",
            SSLv23_METHOD: "SSLv23_method", TLSv1_METHOD: "TLSv1_method",
            TLSv1_1_METHOD: "TLSv1_1_method",
            TLSv1_2_METHOD: "TLSv1_2_method",
            TLS_METHOD: "SSLv23_method",
            TLS_SERVER_METHOD: "SSLv23_server_method",
            TLS_CLIENT_METHOD: "SSLv23_client_method",
        }
        for ident, name in names.items():
            if available(name):
                table[ident] = (getattr(_lib, name), 0)
        return table
    # 1.1.0+: the version-specific methods are deprecated (and gone in
    # 4.0): use the flexible method pinned to one protocol version.
    tls = _lib.TLS_method
    table[SSLv23_METHOD] = (tls, 0)
    table[TLS_METHOD] = (tls, 0)
    table[TLS_SERVER_METHOD] = (_lib.TLS_server_method, 0)
    table[TLS_CLIENT_METHOD] = (_lib.TLS_client_method, 0)
    table[TLSv1_METHOD] = (tls, TLS1_VERSION)
    table[TLSv1_1_METHOD] = (tls, TLS1_1_VERSION)
    table[TLSv1_2_METHOD] = (tls, TLS1_2_VERSION)
    if available("SSLv3_method"):
        table[SSLv3_METHOD] = (_lib.SSLv3_method, 0)
    return table


_METHODS = _method_factories()

# 1.0.2 has no min/max protocol version: emulated with the OP_NO_* bits.
_VERSION_OPTIONS = [
    (_lib.SSL3_VERSION, _lib.SSL_OP_NO_SSLv3),
    (_lib.TLS1_VERSION, _lib.SSL_OP_NO_TLSv1),
    (_lib.TLS1_1_VERSION, _lib.SSL_OP_NO_TLSv1_1),
    (_lib.TLS1_2_VERSION, _lib.SSL_OP_NO_TLSv1_2),
]


class Context(object):
    """The parameters for setting up new TLS connections.

    :param method: One of :const:`SSLv2_METHOD`, :const:`SSLv3_METHOD`,
        :const:`SSLv23_METHOD`, :const:`TLSv1_METHOD`,
        :const:`TLSv1_1_METHOD`, :const:`TLSv1_2_METHOD`,
        :const:`TLS_METHOD`, :const:`TLS_SERVER_METHOD` or
        :const:`TLS_CLIENT_METHOD`.
    :raises TypeError: if *method* is not an integer.
    :raises ValueError: if the loaded OpenSSL lacks *method*.
    """

    _context: int
    _passphrase_callback: Optional[_PassphraseCallback]
    _passphrase_userdata: Any
    _verify_callback: Optional[_VerifyCallback]
    _info_callback: Optional[Callable[..., Any]]
    _keylog_callback: Optional[Callable[..., Any]]
    _tlsext_servername_callback: Optional[Callable[..., Any]]
    _alpn_select_callback: Optional[Callable[..., Any]]
    _npn_advertise_callback: Optional[Callable[..., Any]]
    _npn_select_callback: Optional[Callable[..., Any]]

    def __init__(self, method: int) -> None:
        if not isinstance(method, int) or isinstance(method, bool):
            raise TypeError("method must be an integer")
        try:
            factory, version = _METHODS[method]
        except KeyError:
            raise ValueError("No such protocol")
        method_ptr = factory()
        if not method_ptr:
            _util.clear_error_queue()
            raise ValueError("No such protocol")
        ctx = _lib.SSL_CTX_new(method_ptr)
        if not ctx:
            _raise_error_queue()
        _util.own(self, ctx, _lib.SSL_CTX_free, "_context")
        _contexts[ctx] = self
        self._passphrase_callback = None
        self._passphrase_userdata = None
        self._verify_callback = None
        self._info_callback = None
        self._keylog_callback = None
        self._tlsext_servername_callback = None
        self._alpn_select_callback = None
        self._npn_advertise_callback = None
        self._npn_select_callback = None
        self._app_data = None
        self._min_version = 0
        self._max_version = 0
        if _GEN == 0:
            _lib.SSL_CTX_set_ecdh_auto(ctx, 1)
        _lib.SSL_CTX_set_mode(ctx, _lib.SSL_MODE_ENABLE_PARTIAL_WRITE)
        if version:
            self.set_min_proto_version(version)
            self.set_max_proto_version(version)

    # -- protocol versions -------------------------------------------------

    def _apply_version_options(self):
        mask = 0
        for version, option in _VERSION_OPTIONS:
            if ((self._min_version and version < self._min_version)
                    or (self._max_version and version > self._max_version)):
                mask |= option
        every = 0
        for _, option in _VERSION_OPTIONS:
            every |= option
        _lib.SSL_CTX_clear_options(self._context, every & ~mask)
        _lib.SSL_CTX_set_options(self._context, mask)

    def _set_proto_version(self, version, which):
        if not isinstance(version, int):
            raise TypeError("version must be an integer")
        if _GEN == 0:
            known = [v for v, _ in _VERSION_OPTIONS]
            if version and version not in known:
                raise _synthetic_error("SSL_CTX_set_%s_proto_version" % which,
                                       "unknown protocol version")
            setattr(self, "_%s_version" % which, version)
            self._apply_version_options()
            return
        setter = (_lib.SSL_CTX_set_min_proto_version if which == "min"
                  else _lib.SSL_CTX_set_max_proto_version)
        if setter(self._context, version) != 1:
            raise _synthetic_error("SSL_CTX_set_%s_proto_version" % which,
                                   "unknown protocol version")

    def set_min_proto_version(self, version: int) -> None:
        """Set the lowest protocol version connections may use.

        :param version: :const:`TLS1_VERSION`, :const:`TLS1_2_VERSION`, ...
            or 0 for the lowest version the library supports.
        :raises Error: for a version the build does not know.
        :return: None
        """
        self._set_proto_version(version, "min")

    def set_max_proto_version(self, version: int) -> None:
        """Set the highest protocol version connections may use.

        :param version: :const:`TLS1_2_VERSION`, :const:`TLS1_3_VERSION`, ...
            or 0 for the highest version the library supports.
        :raises Error: for a version the build does not know.
        :return: None
        """
        self._set_proto_version(version, "max")

    # -- verification locations ------------------------------------------

    def load_verify_locations(self, cafile: Optional[_Path],
                              capath: Optional[_Path] = None) -> None:
        """Let OpenSSL know where to find trusted certificates (PEM).

        :param cafile: A file of certificates (``bytes`` or ``str``), or
            ``None``.
        :param capath: A directory prepared with ``c_rehash`` (``bytes`` or
            ``str``), or ``None``.  Not both may be ``None``.
        :raises Error: if neither location can be loaded.
        :return: None
        """
        cafile = None if cafile is None else _path(cafile, "cafile")
        capath = None if capath is None else _path(capath, "capath")
        if not _lib.SSL_CTX_load_verify_locations(self._context, cafile,
                                                  capath):
            _raise_error_queue()

    def set_default_verify_paths(self) -> None:
        """Use the platform's default CA certificates for verification.

        :return: None
        """
        if not _lib.SSL_CTX_set_default_verify_paths(self._context):
            _raise_error_queue()
        _util.clear_error_queue()

    # -- passphrases ------------------------------------------------------

    def set_passwd_cb(self, callback: _PassphraseCallback,
                      userdata: Any = None) -> None:
        """Set the passphrase callback, used when a private key with a
        passphrase is loaded.

        :param callback: Called as ``callback(maxlen, verify, userdata)``;
            *maxlen* is the longest passphrase OpenSSL accepts (a longer one
            is truncated), *verify* is true when the passphrase is being
            chosen (and should be asked twice).  It must return the
            passphrase as ``bytes``; a false value means failure.
        :param userdata: (optional) Passed to *callback* as its third
            argument.
        :raises TypeError: if *callback* is not callable.
        :return: None
        """
        if not callable(callback):
            raise TypeError("callback must be callable")
        self._passphrase_callback = callback
        self._passphrase_userdata = userdata
        _lib.SSL_CTX_set_default_passwd_cb(self._context, _PASSWD_FP)
        _lib.SSL_CTX_set_default_passwd_cb_userdata(self._context,
                                                    self._context)

    # -- certificates and keys ------------------------------------------

    def _fail_with_callbacks(self):
        _check_callbacks()
        _raise_error_queue()

    def use_certificate_chain_file(self, certfile: _Path) -> None:
        """Load a certificate chain (PEM): the first certificate is this
        side's, the rest its chain.

        :param certfile: The file name (``bytes`` or ``str``).
        :raises Error: if the file cannot be loaded.
        :return: None
        """
        certfile = _path(certfile, "certfile")
        if not _lib.SSL_CTX_use_certificate_chain_file(self._context,
                                                       certfile):
            self._fail_with_callbacks()

    def use_certificate_file(self, certfile: _Path,
                             filetype: int = FILETYPE_PEM) -> None:
        """Load the first certificate found in a file.

        :param certfile: The file name (``bytes`` or ``str``).
        :param filetype: (optional) :const:`FILETYPE_PEM` (the default) or
            :const:`FILETYPE_ASN1`.
        :raises Error: if the file cannot be loaded.
        :return: None
        """
        certfile = _path(certfile, "certfile")
        if not isinstance(filetype, int):
            raise TypeError("filetype must be an integer")
        if not _lib.SSL_CTX_use_certificate_file(self._context, certfile,
                                                 filetype):
            _raise_error_queue()

    def use_certificate(self, cert: "X509") -> None:
        """Use a certificate.

        :param cert: An :class:`pyossl.crypto.X509`.
        :raises TypeError: if *cert* is not an X509.
        :return: None
        """
        if not isinstance(cert, _crypto().X509):
            raise TypeError("cert must be an X509 instance")
        if not _lib.SSL_CTX_use_certificate(self._context, cert._x509):
            _raise_error_queue()

    def add_extra_chain_cert(self, certobj: "X509") -> None:
        """Add a certificate to the chain presented with this side's
        certificate.

        :param certobj: An :class:`pyossl.crypto.X509`.
        :raises TypeError: if *certobj* is not an X509.
        :return: None
        """
        if not isinstance(certobj, _crypto().X509):
            raise TypeError("certobj must be an X509 instance")
        copy = _lib.X509_dup(certobj._x509)
        if not copy:
            _raise_error_queue()
        if not _lib.SSL_CTX_add_extra_chain_cert(self._context, copy):
            _lib.X509_free(copy)
            _raise_error_queue()

    def use_privatekey_file(self, keyfile: _Path,
                            filetype: int = FILETYPE_PEM) -> None:
        """Load the first private key found in a file.

        :param keyfile: The file name (``bytes`` or ``str``).
        :param filetype: (optional) :const:`FILETYPE_PEM` (the default) or
            :const:`FILETYPE_ASN1`.
        :raises Error: if the key cannot be loaded (or its passphrase is
            wrong); an exception raised by the passphrase callback is
            re-raised.
        :return: None
        """
        keyfile = _path(keyfile, "keyfile")
        if not isinstance(filetype, int):
            raise TypeError("filetype must be an integer")
        if not _lib.SSL_CTX_use_PrivateKey_file(self._context, keyfile,
                                                filetype):
            self._fail_with_callbacks()
        _check_callbacks()

    def use_privatekey(self, pkey: "PKey") -> None:
        """Use a private key.

        :param pkey: A :class:`pyossl.crypto.PKey`.
        :raises TypeError: if *pkey* is not a PKey.
        :return: None
        """
        if not isinstance(pkey, _crypto().PKey):
            raise TypeError("pkey must be a PKey instance")
        if not _lib.SSL_CTX_use_PrivateKey(self._context, pkey._pkey):
            self._fail_with_callbacks()

    def check_privatekey(self) -> None:
        """Check that the private key matches the certificate.

        :raises Error: if they do not match (or one is missing).
        :return: None
        """
        if not _lib.SSL_CTX_check_private_key(self._context):
            _raise_error_queue()

    # -- client CAs -------------------------------------------------------

    def load_client_ca(self, cafile: bytes) -> None:
        """Load the CA names sent to clients when asking for a client
        certificate (does not make them trusted).

        :param cafile: A PEM file of CA certificates (``bytes``; ``str`` is
            accepted with a :class:`DeprecationWarning`).
        :raises Error: if the file cannot be read.
        :return: None
        """
        cafile = _util.text_to_bytes_and_warn("cafile", cafile)
        if not isinstance(cafile, bytes):
            raise TypeError("cafile must be a byte string")
        ca_list = _lib.SSL_load_client_CA_file(cafile)
        if not ca_list:
            _raise_error_queue()
        _lib.SSL_CTX_set_client_CA_list(self._context, ca_list)

    def set_client_ca_list(
            self, certificate_authorities: Sequence["X509Name"]) -> None:
        """Replace the CA names sent to clients asking for a certificate.

        :param certificate_authorities: A sequence of
            :class:`pyossl.crypto.X509Name`.
        :raises TypeError: for anything that is not an X509Name.
        :return: None
        """
        X509Name = _crypto().X509Name
        names = list(certificate_authorities)
        for name in names:
            if not isinstance(name, X509Name):
                raise TypeError(
                    "client CAs must be X509Name objects, not %s objects"
                    % type(name).__name__)
        stack = _lib.sk_new_null()
        if not stack:
            _raise_error_queue()
        try:
            for name in names:
                copy = _lib.X509_NAME_dup(name._name)
                if not copy:
                    _raise_error_queue()
                if not _lib.sk_push(stack, copy):
                    _lib.X509_NAME_free(copy)
                    _raise_error_queue()
        except BaseException:
            _lib.sk_pop_free(stack, cast(_lib.X509_NAME_free, c_void_p))
            raise
        _lib.SSL_CTX_set_client_CA_list(self._context, stack)

    def add_client_ca(self, certificate_authority: "X509") -> None:
        """Add a CA certificate's subject to the names sent to clients
        asking for a certificate.

        :param certificate_authority: An :class:`pyossl.crypto.X509`.
        :raises TypeError: if it is not an X509.
        :return: None
        """
        if not isinstance(certificate_authority, _crypto().X509):
            raise TypeError("certificate_authority must be an X509 instance")
        if _lib.SSL_CTX_add_client_CA(self._context,
                                      certificate_authority._x509) != 1:
            _raise_error_queue()

    # -- sessions ---------------------------------------------------------

    def set_session_id(self, buf: bytes) -> None:
        """Set the session id context in which sessions may be reused.

        :param bytes buf: The session id context (at most 32 bytes).
        :raises Error: if it is too long.
        :return: None
        """
        buf = _util.text_to_bytes_and_warn("buf", buf)
        if not isinstance(buf, bytes):
            raise TypeError("buf must be a byte string")
        if _lib.SSL_CTX_set_session_id_context(self._context, buf,
                                               len(buf)) != 1:
            _raise_error_queue()

    def set_session_cache_mode(self, mode: int) -> int:
        """Set the behaviour of the session cache.

        :param mode: One or more of the ``SESS_CACHE_*`` flags (or-ed).
        :return: The previously set mode.

        .. versionadded:: 0.14
        """
        if not isinstance(mode, int):
            raise TypeError("mode must be an integer")
        return _lib.SSL_CTX_set_session_cache_mode(self._context, mode)

    def get_session_cache_mode(self) -> int:
        """Get the session cache mode.

        :return: The ``SESS_CACHE_*`` flags in use.

        .. versionadded:: 0.14
        """
        return _lib.SSL_CTX_get_session_cache_mode(self._context)

    def set_timeout(self, timeout: int) -> int:
        """Set the lifetime of new sessions.

        :param timeout: In whole seconds (default 300).
        :return: The previous timeout.
        """
        if not isinstance(timeout, int):
            raise TypeError("timeout must be an integer")
        return _lib.SSL_CTX_set_timeout(self._context, timeout)

    def get_timeout(self) -> int:
        """Get the session lifetime set by :meth:`set_timeout`.

        :return: Seconds (default 300).
        """
        return _lib.SSL_CTX_get_timeout(self._context)

    # -- verification -----------------------------------------------------

    def set_verify(self, mode: int,
                   callback: Optional[_VerifyCallback] = None) -> None:
        """Set the verification mode and the verification callback.

        :param mode: :const:`VERIFY_NONE` or :const:`VERIFY_PEER`, the
            latter optionally or-ed with :const:`VERIFY_FAIL_IF_NO_PEER_CERT`
            and :const:`VERIFY_CLIENT_ONCE`.
        :param callback: Called as ``callback(connection, x509, errnum,
            depth, ok)`` for each certificate of the peer's chain; a true
            result accepts it, a false one (or an exception, re-raised from
            the call that drove the handshake) rejects the peer.  ``None``
            keeps OpenSSL's own verdict.
        :raises TypeError: if *mode* is not an integer or *callback* is not
            callable.
        :return: None
        """
        if not isinstance(mode, int):
            raise TypeError("mode must be an integer")
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable")
        self._verify_callback = callback
        _lib.SSL_CTX_set_verify(self._context, mode,
                                _VERIFY_FP if callback is not None else None)

    def set_verify_depth(self, depth: int) -> None:
        """Set the maximum depth of the peer's certificate chain.

        :param depth: An integer.
        :return: None
        """
        if not isinstance(depth, int):
            raise TypeError("depth must be an integer")
        _lib.SSL_CTX_set_verify_depth(self._context, depth)

    def get_verify_mode(self) -> int:
        """Get the verification mode set by :meth:`set_verify`.

        :return: The mode.
        """
        return _lib.SSL_CTX_get_verify_mode(self._context)

    def get_verify_depth(self) -> int:
        """Get the depth set by :meth:`set_verify_depth`.

        :return: The depth.
        """
        return _lib.SSL_CTX_get_verify_depth(self._context)

    def get_cert_store(self) -> Optional["X509Store"]:
        """Get the certificate store of this context, to add trusted
        certificates without :meth:`load_verify_locations`.

        :return: A :class:`pyossl.crypto.X509Store` (sharing the context's
            store), or ``None``.
        """
        store = _lib.SSL_CTX_get_cert_store(self._context)
        if not store:
            return None
        from ._pki import X509Store    # what crypto.X509Store is
        return X509Store._from_raw_store_ptr(store, self)

    # -- key exchange ------------------------------------------------------

    def load_tmp_dh(self, dhfile: _Path) -> None:
        """Load Diffie-Hellman parameters for ephemeral DH key exchange.

        :param dhfile: A PEM file of DH parameters (``bytes`` or ``str``).
        :raises Error: if it cannot be read.
        :return: None
        """
        dhfile = _path(dhfile, "dhfile")
        bio = _lib.BIO_new_file(dhfile, b"r")
        if not bio:
            _raise_error_queue()
        try:
            if _GEN < 2:
                dh = _lib.PEM_read_bio_DHparams(bio, None, None, None)
                if not dh:
                    _raise_error_queue()
                try:
                    if _lib.SSL_CTX_set_tmp_dh(self._context, dh) != 1:
                        _raise_error_queue()
                finally:
                    _lib.DH_free(dh)
            else:
                pkey = _lib.PEM_read_bio_Parameters(bio, None)
                if not pkey:
                    _raise_error_queue()
                if _lib.SSL_CTX_set0_tmp_dh_pkey(self._context, pkey) != 1:
                    _lib.EVP_PKEY_free(pkey)
                    _raise_error_queue()
        finally:
            _lib.BIO_free(bio)

    def set_tmp_ecdh(self, curve: Any) -> None:
        """Select the curve used for ECDHE key exchange.

        :param curve: A curve object from
            :func:`pyossl.crypto.get_elliptic_curve` or
            :func:`pyossl.crypto.get_elliptic_curves`.
        :return: None
        """
        name = getattr(curve, "name", None)
        if not isinstance(name, str):
            raise TypeError("curve must be an elliptic curve object")
        if _lib.SSL_CTX_set1_groups_list(self._context,
                                         name.encode("ascii")) != 1:
            _raise_error_queue()

    # -- ciphers, options, modes -------------------------------------------

    def set_cipher_list(self, cipher_list: bytes) -> None:
        """Set the cipher list (TLS 1.2 and below).

        :param bytes cipher_list: An OpenSSL cipher string.
        :raises Error: if no cipher matches.
        :return: None
        """
        cipher_list = _util.text_to_bytes_and_warn("cipher_list", cipher_list)
        if not isinstance(cipher_list, bytes):
            raise TypeError("cipher_list must be a byte string.")
        if b"\0" in cipher_list:
            raise ValueError("cipher_list must not contain NUL bytes")
        if _lib.SSL_CTX_set_cipher_list(self._context, cipher_list) != 1:
            _raise_error_queue()
        if _GEN >= 1:
            # TLS 1.3 suites are configured apart and always listed: a
            # string matching nothing else must still be an error.
            ciphers = Connection(self, None).get_cipher_list()
            if ciphers and all(c.startswith("TLS_") and c.count("_") >= 3
                               and "WITH" not in c for c in ciphers):
                raise _synthetic_error("SSL_CTX_set_cipher_list",
                                       "no cipher match")

    @_requires("SSL_CTX_set_ciphersuites", "TLS 1.3 ciphersuites")
    def set_ciphersuites(self, ciphersuites: bytes) -> None:
        """Set the TLS 1.3 ciphersuites (OpenSSL 1.1.1+).

        :param bytes ciphersuites: e.g. ``b"TLS_AES_128_GCM_SHA256"``.
        :raises Error: if none is known.
        :return: None
        """
        if not isinstance(ciphersuites, bytes):
            raise TypeError("ciphersuites must be a byte string.")
        if _lib.SSL_CTX_set_ciphersuites(self._context, ciphersuites) != 1:
            _raise_error_queue()

    def set_options(self, options: int) -> int:
        """Add options (``OP_*``); options set before are kept.

        :param options: The options to add.
        :return: The new option bit mask.
        """
        if not isinstance(options, int):
            raise TypeError("options must be an integer")
        return _lib.SSL_CTX_set_options(self._context, options)

    def set_mode(self, mode: int) -> int:
        """Add modes (``MODE_*``); modes set before are kept.

        :param mode: The modes to add.
        :return: The new mode bit mask.
        """
        if not isinstance(mode, int):
            raise TypeError("mode must be an integer")
        extra = mode & MODE_NO_COMPRESSION
        if extra:
            _lib.SSL_CTX_set_options(self._context, _lib.SSL_OP_NO_COMPRESSION)
            mode &= ~MODE_NO_COMPRESSION
        return _lib.SSL_CTX_set_mode(self._context, mode) | extra

    # -- callbacks --------------------------------------------------------

    def set_info_callback(
            self, callback: Callable[["Connection", int, int], Any]) -> None:
        """Set the information callback, called during handshakes.

        :param callback: Called as ``callback(connection, where, ret)``.
        :return: None
        """
        if not callable(callback):
            raise TypeError("callback must be callable")
        self._info_callback = callback
        _lib.SSL_CTX_set_info_callback(self._context, _INFO_FP)

    @_requires("SSL_CTX_set_keylog_callback", "Key logging")
    def set_keylog_callback(
            self, callback: Callable[["Connection", bytes], Any]) -> None:
        """Set the TLS key logging callback (OpenSSL 1.1.1+).

        :param callback: Called as ``callback(connection, line)`` with one
            NSS key log line (``bytes``) whenever key material is made.
        :return: None
        """
        if not callable(callback):
            raise TypeError("callback must be callable")
        self._keylog_callback = callback
        _lib.SSL_CTX_set_keylog_callback(self._context, _KEYLOG_FP)

    def set_tlsext_servername_callback(
            self, callback: Callable[["Connection"], Any]) -> None:
        """Set the callback for clients that send a server name (SNI).

        :param callback: Called as ``callback(connection)``; it may call
            :meth:`Connection.set_context`.  An exception aborts the
            handshake and is re-raised.
        :return: None

        .. versionadded:: 0.13
        """
        if not callable(callback):
            raise TypeError("callback must be callable")
        self._tlsext_servername_callback = callback
        _lib.SSL_CTX_set_tlsext_servername_callback(self._context,
                                                    _SERVERNAME_FP)
        _lib.SSL_CTX_set_tlsext_servername_arg(self._context, self._context)

    @_requires("SSL_CTX_set_alpn_protos", "ALPN")
    def set_alpn_protos(self, protos: Sequence[bytes]) -> None:
        """Set the protocols a client offers by ALPN.

        :param protos: A list of byte strings, e.g. ``[b'h2', b'http/1.1']``.
        :return: None
        """
        data = _encode_protocols(protos)
        if _lib.SSL_CTX_set_alpn_protos(self._context, data, len(data)) != 0:
            _raise_error_queue()

    @_requires("SSL_CTX_set_alpn_select_cb", "ALPN")
    def set_alpn_select_callback(
            self, callback: Callable[["Connection", List[bytes]], Any]
    ) -> None:
        """Set the server's ALPN selection callback.

        :param callback: Called as ``callback(connection, offered)`` with
            the offered protocols (list of ``bytes``); returns the chosen
            one, :data:`NO_OVERLAPPING_PROTOCOLS` to go on without ALPN, or
            ``b""`` to abort the handshake.
        :return: None
        """
        if not callable(callback):
            raise TypeError("callback must be callable")
        self._alpn_select_callback = callback
        _lib.SSL_CTX_set_alpn_select_cb(self._context, _ALPN_FP,
                                        self._context)

    @_requires("SSL_CTX_set_next_protos_advertised_cb", "NPN")
    def set_npn_advertise_callback(
            self, callback: Callable[["Connection"], List[bytes]]) -> None:
        """Set the server's NPN callback giving the advertised protocols.

        :param callback: Called as ``callback(connection)``; returns a list
            of byte strings.
        :return: None

        .. versionadded:: 0.15
        """
        if not callable(callback):
            raise TypeError("callback must be callable")
        self._npn_advertise_callback = callback
        _lib.SSL_CTX_set_next_protos_advertised_cb(
            self._context, _NPN_ADVERTISE_FP, self._context)

    @_requires("SSL_CTX_set_next_proto_select_cb", "NPN")
    def set_npn_select_callback(
            self, callback: Callable[["Connection", List[bytes]], bytes]
    ) -> None:
        """Set the client's NPN callback choosing among offered protocols.

        :param callback: Called as ``callback(connection, offered)``;
            returns one of the offered byte strings.
        :return: None

        .. versionadded:: 0.15
        """
        if not callable(callback):
            raise TypeError("callback must be callable")
        self._npn_select_callback = callback
        _lib.SSL_CTX_set_next_proto_select_cb(
            self._context, _NPN_SELECT_FP, self._context)

    # -- application data -------------------------------------------------

    def get_app_data(self) -> Any:
        """Get the application data set by :meth:`set_app_data`.

        :return: The data (``None`` by default).
        """
        return self._app_data

    def set_app_data(self, data: Any) -> None:
        """Associate any Python object with this context.

        :param data: The object.
        :return: None
        """
        self._app_data = data


ContextType = Context


# ------------------------------------------------------------ Connection --

def _as_fd(obj):
    fd = obj
    if not isinstance(fd, int):
        meth = getattr(obj, "fileno", None)
        if meth is not None:
            fd = meth()
    if not isinstance(fd, int):
        raise TypeError("argument must be an int, or have a fileno() method.")
    if fd < 0:
        raise ValueError(
            "file descriptor cannot be a negative integer (%i)" % (fd,))
    return fd


def _make_key_material_readers():
    """``(client_random, server_random, master_key)`` readers.

    1.1.0+ has accessors.  1.0.2 has none: the randoms are read from the
    public structs at the LP64 offsets recorded in the notes (section 7),
    after checking neighbouring fields against their accessors (``None``
    where the layout does not match), and the master key from
    ``SSL_SESSION_print``.
    """
    if _GEN >= 1:
        def reader(func, obj):
            size = func(obj, None, 0)
            if not size:
                return None
            buf = create_string_buffer(size)
            func(obj, buf, size)
            return buf.raw
        return (lambda ssl, s: reader(_lib.SSL_get_client_random, ssl),
                lambda ssl, s: reader(_lib.SSL_get_server_random, ssl),
                lambda ssl, s: reader(_lib.SSL_SESSION_get_master_key, s))
    import ctypes
    lp64 = (ctypes.sizeof(c_void_p) == 8 and ctypes.sizeof(ctypes.c_long) == 8
            and sys.platform != "win32")

    def s3(ssl):
        # struct ssl_st (1.0.2, LP64): version @0, rbio @16, state @72,
        # s3 @128.  Check the fields that have accessors before trusting
        # the one that has none.
        if not lp64:
            return None
        if (c_int.from_address(ssl).value != _lib.SSL_version(ssl)
                or c_void_p.from_address(ssl + 16).value
                != _lib.SSL_get_rbio(ssl)
                or c_int.from_address(ssl + 72).value != _lib.SSL_state(ssl)):
            return None
        return c_void_p.from_address(ssl + 128).value

    def client_random(ssl, session):
        state = s3(ssl)
        return string_at(state + 196, 32) if state else None

    def server_random(ssl, session):
        state = s3(ssl)
        return string_at(state + 164, 32) if state else None

    def master_key(ssl, session):
        # Layout-free: the "Master-Key:" line of SSL_SESSION_print.
        with _util.MemBIO() as bio:
            _lib.SSL_SESSION_print(bio.ptr, session)
            text = bio.data()
        for line in text.splitlines():
            line = line.strip()
            if line.startswith(b"Master-Key:"):
                value = line.split(b":", 1)[1].strip()
                return bytes.fromhex(value.decode("ascii")) or None
        return None
    return client_random, server_random, master_key


_client_random, _server_random, _master_key = _make_key_material_readers()


class Connection(object):
    """A TLS connection over a socket or over a pair of memory BIOs.

    :param context: The :class:`Context` to use.
    :param socket: The transport: a socket (anything with a ``fileno()``
        method), or ``None`` for a memory-BIO connection driven with
        :meth:`bio_read`/:meth:`bio_write`.
    :raises TypeError: if *context* is not a :class:`Context`.
    """

    _ssl: int
    _socket: Any = None
    _into_ssl: Optional[int] = None
    _from_ssl: Optional[int] = None
    _rbuf: Optional[Tuple[int, memoryview, Any]] = None
    _selection_keepalive: Any = None
    _verify_callback: Optional[_VerifyCallback]
    _callback_lost: Optional[BaseException] = None
    _verify_unchecked = True

    def __init__(self, context: Context, socket: Any = None) -> None:
        if not isinstance(context, Context):
            raise TypeError("context must be a Context instance")
        fd = None if socket is None else _as_fd(socket)
        ssl = _lib.SSL_new(context._context)
        if not ssl:
            _raise_error_queue()
        _util.own(self, ssl, _lib.SSL_free, "_ssl")
        _lib.SSL_set_mode(ssl, _lib.SSL_MODE_AUTO_RETRY)
        self._context = context
        # Callbacks registered with the first context stay in force after
        # set_context (OpenSSL keeps it as the session context).
        self._initial_context = context
        self._app_data = None
        self._verify_callback = context._verify_callback
        _connections[ssl] = self
        if socket is None:
            into_ssl = _lib.BIO_new(_lib.BIO_s_mem())
            from_ssl = _lib.BIO_new(_lib.BIO_s_mem())
            if not into_ssl or not from_ssl:
                for bio in (into_ssl, from_ssl):
                    if bio:
                        _lib.BIO_free(bio)
                _raise_error_queue()
            # SSL_free frees both BIOs.
            _lib.SSL_set_bio(ssl, into_ssl, from_ssl)
            self._into_ssl = into_ssl
            self._from_ssl = from_ssl
        else:
            self._socket = socket
            if _lib.SSL_set_fd(ssl, fd) != 1:
                _raise_error_queue()

    def __getattr__(self, name):
        """Look up unknown attributes on the wrapped socket (as pyOpenSSL
        does); :data:`AttributeError` on a memory-BIO connection."""
        sock = self.__dict__.get("_socket")
        if sock is None or name.startswith("__"):
            raise AttributeError("'%s' object has no attribute '%s'" % (
                self.__class__.__name__, name))
        return getattr(sock, name)

    # -- errors -----------------------------------------------------------

    def _enter(self):
        """Before a C call that can run the handshake (and so callbacks):
        refuse a connection a lost callback left in an unknown state, make
        sure pyossl's unraisable hook sees escaped thunk exceptions, and
        clear the error queue (``SSL_get_error`` reads it)."""
        if self._callback_lost is not None:
            self._refuse_lost()
        _ensure_hook()
        _ERR_clear_error()

    def _leave(self, ssl):
        """After such a call succeeded: re-raise a callback's exception, and
        once the handshake is complete, check that no certificate failure
        went through without an explicit accept (fail closed)."""
        if _callback_failed():
            _check_callbacks(self)
        if self._verify_unchecked and _SSL_is_init_finished(ssl):
            self._verify_unchecked = False
            self._check_verified(ssl)

    def _refuse_lost(self):
        raise Error([("pyossl", "Connection",
                      "a callback of this connection was interrupted (%r) "
                      "while OpenSSL waited for its result; the connection "
                      "is in an unknown state and cannot be used"
                      % (self._callback_lost,))])

    def _check_verified(self, ssl):
        # The verify thunk clears the store's error only for certificates
        # the Python callback explicitly accepted; a failure still
        # recorded here went through without one (a lost callback).
        if (self._verify_callback is None
                or not _lib.SSL_get_verify_mode(ssl) & VERIFY_PEER):
            return
        result = _lib.SSL_get_verify_result(ssl)
        if result != _X509_V_OK:
            self._callback_lost = self._callback_lost or Error([(
                "pyossl", "verify", "certificate verify failed: %s"
                % _text(_lib.X509_verify_cert_error_string(result)))])
            self._refuse_lost()

    def _raise_ssl_error(self, ssl, result):
        _check_callbacks(self)
        error = _SSL_get_error(ssl, result)
        if error == _ERROR_WANT_READ:
            raise WantReadError()
        if error == _ERROR_WANT_WRITE:
            raise WantWriteError()
        if error == _ERROR_ZERO_RETURN:
            raise ZeroReturnError()
        if error == _ERROR_WANT_X509_LOOKUP:
            raise WantX509LookupError()
        if error == _ERROR_SYSCALL:
            errno = _last_errno() if self._socket is not None else 0
            code = _ERR_peek_error()
            if code == 0:
                if result < 0 and errno:
                    raise SysCallError(errno, errorcode.get(errno))
                raise SysCallError(-1, "Unexpected EOF")
            sys_errno = _system_errno(code)
            if sys_errno is not None:
                _util.clear_error_queue()
                raise SysCallError(sys_errno, errorcode.get(sys_errno))
            _raise_error_queue()
        if error == _ERROR_NONE:
            return
        if error == _ERROR_SSL and _is_unexpected_eof(_ERR_peek_error()):
            _util.clear_error_queue()
            raise SysCallError(-1, "Unexpected EOF")
        _raise_error_queue()

    def _check_socket(self):
        # A closed Python socket's descriptor may already belong to another
        # file: never let OpenSSL read or write it.
        fileno = getattr(self._socket, "fileno", None)
        if fileno is not None and fileno() < 0:
            raise SysCallError(EBADF, errorcode[EBADF])

    # -- context ---------------------------------------------------------

    def get_context(self) -> Context:
        """Get the :class:`Context` of this connection.

        :return: The context.
        """
        return self._context

    def set_context(self, context: Context) -> None:
        """Switch this connection to another :class:`Context` (e.g. from a
        server name callback, to present another certificate).

        :param context: The new context.
        :raises TypeError: if it is not a :class:`Context`.
        :return: None
        """
        if not isinstance(context, Context):
            raise TypeError("context must be a Context instance")
        _lib.SSL_set_SSL_CTX(self._ssl, context._context)
        self._context = context

    # -- verification (per connection) -----------------------------------

    def set_verify(self, mode: int,
                   callback: Optional[_VerifyCallback] = None) -> None:
        """Set the verification mode and callback of this connection only
        (see :meth:`Context.set_verify`).

        :param mode: The ``VERIFY_*`` flags.
        :param callback: The verify callback, or ``None``.
        :return: None
        """
        if not isinstance(mode, int):
            raise TypeError("mode must be an integer")
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable")
        self._verify_callback = callback
        _lib.SSL_set_verify(self._ssl, mode,
                            _VERIFY_FP if callback is not None else None)

    def get_verify_mode(self) -> int:
        """Get this connection's verification mode.

        :return: The ``VERIFY_*`` flags.
        """
        return _lib.SSL_get_verify_mode(self._ssl)

    # -- server name -----------------------------------------------------

    def get_servername(self) -> Optional[bytes]:
        """Get the server name the client sent (SNI).

        :return: The name (``bytes``), or ``None``.

        .. versionadded:: 0.13
        """
        name = _lib.SSL_get_servername(self._ssl,
                                       _lib.TLSEXT_NAMETYPE_host_name)
        return name if name else None

    def set_tlsext_host_name(self, name: bytes) -> None:
        """Set the server name to send in the client hello (SNI).

        :param bytes name: The host name.
        :raises TypeError: if *name* is not bytes or contains a NUL byte.
        :return: None

        .. versionadded:: 0.13
        """
        if not isinstance(name, bytes):
            raise TypeError("name must be a byte string")
        if b"\0" in name:
            raise TypeError("name must not contain NUL byte")
        if _lib.SSL_set_tlsext_host_name(self._ssl, name) != 1:
            _raise_error_queue()

    # -- I/O ----------------------------------------------------------------

    def pending(self) -> int:
        """Get the number of bytes that can be read at once from the TLS
        buffer (not the transport).

        :return: The number of bytes.
        """
        result = _SSL_pending(self._ssl)
        if result <= 0 and _GEN == 0 and _ERR_peek_error():
            # 1.0.2 before the role is set: "called a function you should
            # not call" is queued; there is simply nothing pending.
            _util.clear_error_queue()
            return 0
        return result

    def send(self, buf: _Data, flags: int = 0) -> int:
        """Send data.  After a ``Want*`` error, call again with the same
        data.

        :param buf: ``bytes``, ``bytearray`` or ``memoryview`` (``str`` is
            encoded as UTF-8 with a :class:`DeprecationWarning`).
        :param flags: (optional) Ignored, for socket compatibility.
        :raises ValueError: for more than 2**31-1 bytes.
        :return: The number of bytes written.
        """
        if type(buf) is bytes:
            ptr = buf
            size = len(buf)
        else:
            if type(buf) is str:
                buf = _util.text_to_bytes_and_warn("buf", buf)
            ptr, size, keep = _buffer_pointer(buf, "buf")
        if size > _INT_MAX:
            raise ValueError("Cannot send more than 2**31-1 bytes at once.")
        if not size:
            return 0
        if self._socket is not None:
            self._check_socket()
        ssl = self._ssl
        self._enter()
        result = _SSL_write(ssl, ptr, size)
        if result <= 0:
            self._raise_ssl_error(ssl, result)
        self._leave(ssl)
        return result

    write = send

    def sendall(self, buf: _Data, flags: int = 0) -> int:
        """Send all of the data, calling :meth:`send` as often as needed.

        :param buf: As for :meth:`send`.
        :param flags: (optional) Ignored.
        :return: The number of bytes written.
        """
        if type(buf) is str:
            buf = _util.text_to_bytes_and_warn("buf", buf)
        ptr, size, keep = _buffer_pointer(buf, "buf")
        if not size:
            return 0
        if not isinstance(ptr, int):
            ptr = cast(keep if keep is not None else ptr, c_void_p).value
        if self._socket is not None:
            self._check_socket()
        ssl = self._ssl
        sent = 0
        while sent < size:
            chunk = size - sent
            if chunk > _INT_MAX:
                chunk = _INT_MAX
            self._enter()
            result = _SSL_write(ssl, ptr + sent, chunk)
            if result <= 0:
                self._raise_ssl_error(ssl, result)
            self._leave(ssl)
            sent += result
        return sent

    def _read_buffer(self):
        buf = bytearray(_READ_CHUNK)
        anchor = c_char.from_buffer(buf)
        self._rbuf = (addressof(anchor), memoryview(buf), anchor)
        return self._rbuf

    def recv(self, bufsiz: int, flags: Optional[int] = None) -> bytes:
        """Receive data.

        :param bufsiz: The most bytes to return (a call returns at most one
            TLS record, 16384 bytes).
        :param flags: (optional) Only ``MSG_PEEK`` is honoured.
        :return: The data (``bytes``).
        """
        if not isinstance(bufsiz, int):
            raise TypeError("bufsiz must be an integer")
        if bufsiz <= 0:
            if bufsiz < 0:
                raise ValueError("bufsiz must not be negative")
            return b""
        rbuf = self._rbuf or self._read_buffer()
        if bufsiz > _READ_CHUNK:
            bufsiz = _READ_CHUNK
        if self._socket is not None:
            self._check_socket()
        ssl = self._ssl
        self._enter()
        if flags is not None and flags & _MSG_PEEK:
            result = _SSL_peek(ssl, rbuf[0], bufsiz)
        else:
            result = _SSL_read(ssl, rbuf[0], bufsiz)
        if result <= 0:
            self._raise_ssl_error(ssl, result)
        self._leave(ssl)
        return rbuf[1][:result].tobytes()

    read = recv

    def recv_into(self, buffer: Any, nbytes: Optional[int] = None,
                  flags: Optional[int] = None) -> int:
        """Receive data straight into *buffer* (no intermediate copy).

        :param buffer: A writable buffer (``bytearray``, ``memoryview``,
            ``array``...).
        :param nbytes: (optional) The most bytes to read; defaults to (and
            is limited by) the size of *buffer*.
        :param flags: (optional) Only ``MSG_PEEK`` is honoured.
        :return: The number of bytes read into *buffer*.
        """
        array, size = _writable_buffer(buffer, "buffer")
        if nbytes is None:
            nbytes = size
        elif not isinstance(nbytes, int):
            raise TypeError("nbytes must be an integer")
        elif nbytes < 0:
            raise ValueError("nbytes must not be negative")
        else:
            nbytes = min(nbytes, size)
        if nbytes > _INT_MAX:
            nbytes = _INT_MAX
        if nbytes <= 0:
            return 0
        if self._socket is not None:
            self._check_socket()
        ssl = self._ssl
        self._enter()
        if flags is not None and flags & _MSG_PEEK:
            result = _SSL_peek(ssl, array, nbytes)
        else:
            result = _SSL_read(ssl, array, nbytes)
        del array
        if result <= 0:
            self._raise_ssl_error(ssl, result)
        self._leave(ssl)
        return result

    # -- memory BIOs -----------------------------------------------------

    def _handle_bio_errors(self, bio, result):
        flags = _BIO_test_flags(bio, _BIO_RETRY_FLAGS)
        if flags & _ffi_decls.BIO_FLAGS_SHOULD_RETRY:
            if flags & _ffi_decls.BIO_FLAGS_READ:
                raise WantReadError()
            if flags & _ffi_decls.BIO_FLAGS_WRITE:
                raise WantWriteError()
            if flags & _ffi_decls.BIO_FLAGS_IO_SPECIAL:
                raise ValueError("BIO_should_io_special")
            raise ValueError("unknown bio failure")
        _raise_error_queue()

    def bio_read(self, bufsiz: int) -> bytes:
        """Read bytes that OpenSSL wrote to the outgoing memory BIO (to be
        sent to the peer).

        :param bufsiz: The most bytes to return.
        :raises TypeError: on a socket connection.
        :raises WantReadError: if there is nothing to read.
        :return: The data (``bytes``).
        """
        bio = self._from_ssl
        if bio is None:
            raise TypeError("Connection sock was not None")
        if not isinstance(bufsiz, int):
            raise TypeError("bufsiz must be an integer")
        if bufsiz <= 0:
            if bufsiz < 0:
                raise ValueError("bufsiz must not be negative")
            return b""
        if bufsiz > _READ_CHUNK:
            available = _BIO_ctrl_pending(bio)
            if _READ_CHUNK < available <= _BIO_CHUNK:
                bbuf = self.__dict__.get("_bbuf")
                if bbuf is None:
                    b = bytearray(_BIO_CHUNK)
                    a = c_char.from_buffer(b)
                    bbuf = self._bbuf = (addressof(a), memoryview(b), a)
                result = _BIO_read(bio, bbuf[0], min(bufsiz, available))
                if result <= 0:
                    self._handle_bio_errors(bio, result)
                return bbuf[1][:result].tobytes()
            if available > _READ_CHUNK:
                size = min(bufsiz, available, _INT_MAX)
                out = bytearray(size)
                anchor = c_char.from_buffer(out)
                result = _BIO_read(bio, addressof(anchor), size)
                del anchor
                if result <= 0:
                    self._handle_bio_errors(bio, result)
                del out[result:]
                return bytes(out)
            bufsiz = _READ_CHUNK
        rbuf = self._rbuf or self._read_buffer()
        result = _BIO_read(bio, rbuf[0], bufsiz)
        if result <= 0:
            self._handle_bio_errors(bio, result)
        return rbuf[1][:result].tobytes()

    def bio_write(self, buf: _Data) -> int:
        """Give OpenSSL bytes received from the peer (the incoming memory
        BIO).

        :param buf: ``bytes``, ``bytearray`` or ``memoryview``.
        :raises TypeError: on a socket connection.
        :return: The number of bytes written.
        """
        bio = self._into_ssl
        if bio is None:
            raise TypeError("Connection sock was not None")
        if type(buf) is str:
            buf = _util.text_to_bytes_and_warn("buf", buf)
        ptr, size, keep = _buffer_pointer(buf, "buf")
        if size > _INT_MAX:
            raise ValueError("Cannot write more than 2**31-1 bytes at once.")
        if not size:
            return 0
        result = _BIO_write(bio, ptr, size)
        if result <= 0:
            self._handle_bio_errors(bio, result)
        return result

    def bio_shutdown(self) -> None:
        """Signal end of file on the incoming memory BIO.

        :raises TypeError: on a socket connection.
        :return: None
        """
        if self._from_ssl is None:
            raise TypeError("Connection sock was not None")
        _lib.BIO_set_mem_eof_return(self._into_ssl, 0)

    def want_read(self) -> bool:
        """Whether OpenSSL needs more data from the transport.

        :return: ``True`` or ``False``.
        """
        return _lib.SSL_want(self._ssl) == _lib.SSL_READING

    def want_write(self) -> bool:
        """Whether OpenSSL has data to write to the transport.

        :return: ``True`` or ``False``.
        """
        return _lib.SSL_want(self._ssl) == _lib.SSL_WRITING

    # -- handshake and renegotiation -------------------------------------

    def set_accept_state(self) -> None:
        """Act as the server; the handshake happens on the first I/O.

        :return: None
        """
        _lib.SSL_set_accept_state(self._ssl)

    def set_connect_state(self) -> None:
        """Act as the client; the handshake happens on the first I/O.

        :return: None
        """
        _lib.SSL_set_connect_state(self._ssl)

    def do_handshake(self) -> None:
        """Perform (or continue) the TLS handshake.

        :raises WantReadError: (etc.) as :meth:`send` and :meth:`recv`.
        :return: None
        """
        if self._socket is not None:
            self._check_socket()
        ssl = self._ssl
        self._enter()
        result = _SSL_do_handshake(ssl)
        if result <= 0:
            self._raise_ssl_error(ssl, result)
        self._leave(ssl)

    def renegotiate(self) -> bool:
        """Start a renegotiation (TLS 1.2 and below).

        :return: ``True`` if one was started, ``False`` if one is pending.
        :rtype: bool
        """
        if not self.renegotiate_pending():
            if _lib.SSL_renegotiate(self._ssl) != 1:
                _raise_error_queue()
            return True
        return False

    def renegotiate_pending(self) -> bool:
        """Whether a renegotiation is in progress.

        :rtype: bool
        """
        return _lib.SSL_renegotiate_pending(self._ssl) == 1

    def total_renegotiations(self) -> int:
        """The number of renegotiations so far.

        :rtype: int
        """
        return _lib.SSL_total_renegotiations(self._ssl)

    # -- socket-level -----------------------------------------------------

    def connect(self, addr: Any) -> None:
        """Connect the socket and act as the client.

        :param addr: The address, as for :meth:`socket.socket.connect`.
        :return: What the socket's ``connect`` returns.
        """
        _lib.SSL_set_connect_state(self._ssl)
        return self._socket.connect(addr)

    def connect_ex(self, addr: Any) -> int:
        """Like :meth:`connect`, returning an error indicator.

        :param addr: The address.
        :return: What the socket's ``connect_ex`` returns.
        """
        connect_ex = self._socket.connect_ex
        self.set_connect_state()
        return connect_ex(addr)

    def accept(self) -> Tuple["Connection", Any]:
        """Accept a connection on the socket and wrap it as a server.

        :return: ``(connection, address)``.
        """
        client, addr = self._socket.accept()
        conn = Connection(self._context, client)
        conn.set_accept_state()
        return conn, addr

    def shutdown(self) -> bool:
        """Send the TLS closure alert.

        :return: ``True`` once both sides have sent closure alerts,
            ``False`` if the peer's is still to come (call :meth:`recv`).
        """
        if self._socket is not None:
            self._check_socket()
        ssl = self._ssl
        self._enter()
        result = _lib.SSL_shutdown(ssl)
        if result < 0:
            self._raise_ssl_error(ssl, result)
        self._leave(ssl)
        return result > 0

    def get_shutdown(self) -> int:
        """Get the shutdown state.

        :return: A bit mask of :const:`SENT_SHUTDOWN` and
            :const:`RECEIVED_SHUTDOWN`.
        """
        return _lib.SSL_get_shutdown(self._ssl)

    def set_shutdown(self, state: int) -> None:
        """Set the shutdown state.

        :param state: A bit mask of :const:`SENT_SHUTDOWN` and
            :const:`RECEIVED_SHUTDOWN`.
        :return: None
        """
        if not isinstance(state, int):
            raise TypeError("state must be an integer")
        _lib.SSL_set_shutdown(self._ssl, state)

    def sock_shutdown(self, *args: Any, **kwargs: Any) -> None:
        """Call the socket's ``shutdown`` (see :manpage:`shutdown(2)`).

        :return: What it returns.
        """
        return self._socket.shutdown(*args, **kwargs)

    def makefile(self, *args: Any, **kwargs: Any) -> NoReturn:
        """Not implemented: there is no dup semantics for TLS connections.

        :raises NotImplementedError: always.
        """
        raise NotImplementedError(
            "Cannot make file object of pyossl.SSL.Connection")

    # -- information -----------------------------------------------------

    def get_state_string(self) -> bytes:
        """A verbose description of the handshake state.

        :rtype: bytes
        """
        return _lib.SSL_state_string_long(self._ssl) or b""

    state_string = get_state_string

    def get_cipher_list(self) -> List[str]:
        """The ciphers this connection may use.

        :return: A list of cipher names (``str``).
        """
        ciphers: List[str] = []
        i = 0
        while True:
            name = _lib.SSL_get_cipher_list(self._ssl, i)
            if not name:
                return ciphers
            ciphers.append(name.decode("ascii"))
            i += 1

    def get_cipher_name(self) -> Optional[str]:
        """The name of the cipher in use.

        :return: ``str``, or ``None`` before the handshake.

        .. versionadded:: 0.15
        """
        cipher = _lib.SSL_get_current_cipher(self._ssl)
        return _text(_lib.SSL_CIPHER_get_name(cipher)) if cipher else None

    def get_cipher_bits(self) -> Optional[int]:
        """The number of secret bits of the cipher in use.

        :return: ``int``, or ``None`` before the handshake.

        .. versionadded:: 0.15
        """
        cipher = _lib.SSL_get_current_cipher(self._ssl)
        return _lib.SSL_CIPHER_get_bits(cipher, None) if cipher else None

    def get_cipher_version(self) -> Optional[str]:
        """The protocol version of the cipher in use (e.g. ``'TLSv1.2'``).

        :return: ``str``, or ``None`` before the handshake.

        .. versionadded:: 0.15
        """
        cipher = _lib.SSL_get_current_cipher(self._ssl)
        return _text(_lib.SSL_CIPHER_get_version(cipher)) if cipher else None

    def get_protocol_version_name(self) -> str:
        """The protocol version of the connection, e.g. ``'TLSv1.2'``
        (``'Unknown'`` before a handshake on some builds).

        :rtype: str
        """
        return _text(_lib.SSL_get_version(self._ssl)) or "Unknown"

    def get_protocol_version(self) -> int:
        """The protocol version of the connection as a number, e.g. 0x303.

        :rtype: int
        """
        return _lib.SSL_version(self._ssl)

    def get_certificate(self) -> Optional["X509"]:
        """This side's certificate.

        :return: An :class:`pyossl.crypto.X509`, or ``None``.
        """
        cert = _lib.SSL_get_certificate(self._ssl)
        return _x509_from_borrowed(cert) if cert else None

    def get_peer_certificate(self) -> Optional["X509"]:
        """The peer's certificate.

        :return: An :class:`pyossl.crypto.X509`, or ``None``.
        """
        cert = _lib.SSL_get_peer_certificate(self._ssl)
        if not cert:
            return None
        return _crypto().X509._from_raw_x509_ptr(cert)

    def get_peer_cert_chain(self) -> Optional[List["X509"]]:
        """The certificate chain the peer sent.

        :return: A list of :class:`pyossl.crypto.X509`, or ``None``.
        """
        stack = _lib.SSL_get_peer_cert_chain(self._ssl)
        if not stack:
            return None
        return [_x509_from_borrowed(_lib.sk_value(stack, i))
                for i in range(_lib.sk_num(stack))]

    def get_client_ca_list(self) -> List["X509Name"]:
        """The CA names suggested for client certificates: on a server, those
        this side sends; on a client, those received (empty before the
        handshake).

        :return: A list of :class:`pyossl.crypto.X509Name`.

        .. versionadded:: 0.10
        """
        stack = _lib.SSL_get_client_CA_list(self._ssl)
        if not stack:
            return []
        X509Name = _crypto().X509Name
        return [X509Name._from_raw_name_ptr(_lib.sk_value(stack, i))
                for i in range(_lib.sk_num(stack))]

    # -- application data -------------------------------------------------

    def get_app_data(self) -> Any:
        """Get the data set by :meth:`set_app_data`.

        :return: The data (``None`` by default).
        """
        return self._app_data

    def set_app_data(self, data: Any) -> None:
        """Associate any Python object with this connection.

        :param data: The object.
        :return: None
        """
        self._app_data = data

    # -- sessions ---------------------------------------------------------

    def get_session(self) -> Optional[Session]:
        """The session in use.

        :return: A :class:`Session`, or ``None`` before a handshake.

        .. versionadded:: 0.14
        """
        session = _lib.SSL_get1_session(self._ssl)
        if not session:
            return None
        pysession = Session.__new__(Session)
        _util.own(pysession, session, _lib.SSL_SESSION_free, "_session")
        return pysession

    def set_session(self, session: Session) -> None:
        """Offer *session* for resumption (call before the handshake).

        :param session: A :class:`Session`.
        :raises TypeError: if it is not a :class:`Session`.
        :return: None

        .. versionadded:: 0.14
        """
        if not isinstance(session, Session):
            raise TypeError("session must be a Session instance")
        if not session._session:
            raise ValueError("session is empty")
        if _lib.SSL_set_session(self._ssl, session._session) != 1:
            _raise_error_queue()

    def session_reused(self) -> bool:
        """Whether the last handshake resumed a session.

        :rtype: bool
        """
        return bool(_lib.SSL_session_reused(self._ssl))

    # -- key material -----------------------------------------------------

    def client_random(self) -> Optional[bytes]:
        """The random value of the client hello.

        :return: ``bytes``, or ``None`` before a handshake.
        """
        if not _lib.SSL_get_session(self._ssl):
            return None
        return _client_random(self._ssl, None)

    def server_random(self) -> Optional[bytes]:
        """The random value of the server hello.

        :return: ``bytes``, or ``None`` before a handshake.
        """
        if not _lib.SSL_get_session(self._ssl):
            return None
        return _server_random(self._ssl, None)

    def master_key(self) -> Optional[bytes]:
        """The master key of the session.

        :return: ``bytes``, or ``None`` before a handshake.
        """
        session = _lib.SSL_get_session(self._ssl)
        if not session:
            return None
        return _master_key(self._ssl, session)

    def _finished(self, func):
        buf = create_string_buffer(128)
        size = func(self._ssl, buf, 128)
        if not size:
            return None
        return buf.raw[:min(size, 128)]

    def get_finished(self) -> Optional[bytes]:
        """The latest Finished message this side sent.

        :return: ``bytes``, or ``None`` before the handshake completes.

        .. versionadded:: 0.15
        """
        return self._finished(_lib.SSL_get_finished)

    def get_peer_finished(self) -> Optional[bytes]:
        """The latest Finished message received from the peer.

        :return: ``bytes``, or ``None`` before the handshake completes.

        .. versionadded:: 0.15
        """
        return self._finished(_lib.SSL_get_peer_finished)

    # -- ALPN / NPN -------------------------------------------------------

    @_requires("SSL_set_alpn_protos", "ALPN")
    def set_alpn_protos(self, protos: Sequence[bytes]) -> None:
        """Set the protocols this client offers by ALPN.

        :param protos: A list of byte strings.
        :return: None
        """
        data = _encode_protocols(protos)
        if _lib.SSL_set_alpn_protos(self._ssl, data, len(data)) != 0:
            _raise_error_queue()

    @_requires("SSL_get0_alpn_selected", "ALPN")
    def get_alpn_proto_negotiated(self) -> bytes:
        """The protocol chosen by ALPN.

        :return: ``bytes`` (empty if none).
        """
        data = c_void_p()
        length = c_uint()
        _lib.SSL_get0_alpn_selected(self._ssl, byref(data), byref(length))
        if not data.value or not length.value:
            return b""
        return string_at(data.value, length.value)

    @_requires("SSL_get0_next_proto_negotiated", "NPN")
    def get_next_proto_negotiated(self) -> bytes:
        """The protocol chosen by NPN.

        :return: ``bytes`` (empty if none).

        .. versionadded:: 0.15
        """
        data = c_void_p()
        length = c_uint()
        _lib.SSL_get0_next_proto_negotiated(self._ssl, byref(data),
                                            byref(length))
        if not data.value or not length.value:
            return b""
        return string_at(data.value, length.value)


def _socket_method(name, doc):
    """A documented class attribute that delegates to the socket.

    It is a property so that, like pyOpenSSL's ``__getattr__`` delegation,
    a memory-BIO connection has no such attribute (``hasattr`` is false).
    """
    def get(self):
        sock = self._socket
        if sock is None:
            raise AttributeError("'%s' object has no attribute '%s'" % (
                type(self).__name__, name))
        return getattr(sock, name)
    return property(get, doc=doc)


for _name, _doc in [
        ("bind", "Call the ``bind`` method of the underlying socket."),
        ("close", "Call the ``close`` method of the underlying socket.  "
                  "For a TLS closure, call :meth:`Connection.shutdown` "
                  "first."),
        ("fileno", "Call the ``fileno`` method of the underlying socket."),
        ("getpeername", "Call the ``getpeername`` method of the underlying "
                        "socket."),
        ("getsockname", "Call the ``getsockname`` method of the underlying "
                        "socket."),
        ("getsockopt", "Call the ``getsockopt`` method of the underlying "
                       "socket."),
        ("listen", "Call the ``listen`` method of the underlying socket."),
        ("setblocking", "Call the ``setblocking`` method of the underlying "
                        "socket."),
        ("setsockopt", "Call the ``setsockopt`` method of the underlying "
                       "socket."),
        ("settimeout", "Call the ``settimeout`` method of the underlying "
                       "socket (a socket with a timeout is non-blocking "
                       "underneath: expect :exc:`WantReadError`)."),
        ("gettimeout", "Call the ``gettimeout`` method of the underlying "
                       "socket.")]:
    setattr(Connection, _name, _socket_method(_name, _doc))
del _name, _doc

ConnectionType = Connection
