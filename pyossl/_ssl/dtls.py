"""DTLS: the cookie callbacks of ``DTLSv1_listen`` (their thunks), and the
C calls behind :meth:`Connection.DTLSv1_listen`, the retransmission timer
and the MTU methods.

A DTLS server answers a ClientHello without a cookie with a
HelloVerifyRequest carrying one (made by the *generate* callback) and goes
on only with a ClientHello that echoes a cookie the *verify* callback
accepts: the client proves it receives at its address before the server
spends anything on it.

The generate thunk refuses a cookie longer than 255 bytes (the one length
byte of the HelloVerifyRequest; OpenSSL's buffer is 255 or 256 bytes long)
before anything is copied: pyOpenSSL copied first (CVE-2026-27459).
"""

from ctypes import c_uint, memmove, string_at

from .._binding.decls_ssl_ext import COOKIE_GENERATE_CB, COOKIE_VERIFY_CB
from .._runtime.library import lib as _lib
from .callbacks import _poison_connection, connections, slot

#: The longest cookie a HelloVerifyRequest carries.
COOKIE_MAX = _lib.DTLS_COOKIE_MAX


@slot("cookie_generate", COOKIE_GENERATE_CB, 0, on_lost=_poison_connection)
def _cookie_generate_thunk(ssl, out, outlen):
    # 0 makes OpenSSL drop the ClientHello (no HelloVerifyRequest is sent);
    # even a garbage non-zero result is safe: OpenSSL itself refuses a
    # length above 255, and the buffer holds at least 255 bytes.
    conn = connections.get(ssl)
    callback = (conn._context._callback("cookie_generate")
                if conn is not None else None)
    if callback is None:
        return 0
    cookie = callback(conn)
    if not isinstance(cookie, bytes):
        raise TypeError("the cookie generate callback must return bytes, "
                        "not %s" % type(cookie).__name__)
    if len(cookie) > COOKIE_MAX:
        raise ValueError("Cookie too long (got %d bytes, max %d)"
                         % (len(cookie), COOKIE_MAX))
    memmove(out, cookie, len(cookie))
    c_uint.from_address(outlen).value = len(cookie)
    return 1


@slot("cookie_verify", COOKIE_VERIFY_CB, 0, on_lost=_poison_connection)
def _cookie_verify_thunk(ssl, cookie, length):
    conn = connections.get(ssl)
    callback = (conn._context._callback("cookie_verify")
                if conn is not None else None)
    if callback is None:
        return 0
    data = string_at(cookie, length) if length else b""
    return 1 if callback(conn, data) else 0


# ------------------------------------------------------------ C wrappers --

is_dtls = _lib.SSL_is_dtls
listen = _lib.DTLSv1_listen_any
get_timeout = _lib.DTLSv1_get_timeout
handle_timeout = _lib.DTLSv1_handle_timeout
set_mtu = _lib.SSL_set_mtu


def data_mtu(ssl):
    """``DTLS_get_data_mtu`` (OpenSSL 1.1.1+); 0 for a TLS connection
    (OpenSSL would read the missing DTLS state of one that completed a
    handshake, and crash)."""
    if not _lib.SSL_is_dtls(ssl):
        return 0
    return _lib.DTLS_get_data_mtu(ssl)


__all__ = ["COOKIE_MAX", "is_dtls", "listen", "get_timeout", "handle_timeout",
           "set_mtu", "data_mtu"]
