"""OCSP stapling: the two thunks of OpenSSL's TLS status callback.

OpenSSL has one status-request callback per context, used two ways: on a
server it provides the (DER) OCSP response to staple, on a client it judges
the stapled response.  The context stores the user's callable in the slot
``"ocsp_server"`` or ``"ocsp_client"`` (setting one clears the other, as the
C callback is shared) and hands OpenSSL the matching thunk; the optional
user data travels on the context, which the thunk finds from the callback's
``arg`` (the ``SSL_CTX*``, so a context switched in by the server name
callback staples its own response).

Both thunks fail closed: a server whose callback raises or returns
something else than ``bytes`` aborts the handshake (fatal alert); a client
whose callback raises makes the handshake fail (internal error), and one
that returns a false value rejects the response (alert).
"""

from ctypes import byref, c_void_p, memmove, string_at

from .._binding.decls_ssl_ext import STATUS_CB
from .._runtime.library import lib as _lib
from .callbacks import _poison_connection, connections, contexts, slot

_OK = _lib.SSL_TLSEXT_ERR_OK
_NOACK = _lib.SSL_TLSEXT_ERR_NOACK
_FATAL = _lib.SSL_TLSEXT_ERR_ALERT_FATAL


@slot("ocsp_server", STATUS_CB, _FATAL, on_lost=_poison_connection)
def _ocsp_server_thunk(ssl, arg):
    conn = connections.get(ssl)
    ctx = contexts.get(arg)
    callback = ctx._callback("ocsp_server") if ctx is not None else None
    if conn is None or callback is None:
        return _FATAL
    data = callback(conn, ctx._ocsp_data)
    if not isinstance(data, bytes):
        raise TypeError("OCSP callback must return a bytestring.")
    if not data:
        return _NOACK                  # nothing to staple
    buf = _lib.OPENSSL_malloc(len(data))
    if not buf:
        raise MemoryError("OPENSSL_malloc(%d) failed" % len(data))
    memmove(buf, data, len(data))
    # OpenSSL owns buf from here and frees it with the connection.
    _lib.SSL_set_tlsext_status_ocsp_resp(ssl, buf, len(data))
    return _OK


@slot("ocsp_client", STATUS_CB, -1, on_lost=_poison_connection)
def _ocsp_client_thunk(ssl, arg):
    conn = connections.get(ssl)
    ctx = contexts.get(arg)
    callback = ctx._callback("ocsp_client") if ctx is not None else None
    if conn is None or callback is None:
        return -1
    resp = c_void_p()
    length = _lib.SSL_get_tlsext_status_ocsp_resp(ssl, byref(resp))
    data = string_at(resp.value, length) if resp.value and length > 0 \
        else b""
    return 1 if callback(conn, data, ctx._ocsp_data) else 0


def request(ssl):
    """Make the client *ssl* ask for a stapled OCSP response: 1 on
    success."""
    return _lib.SSL_set_tlsext_status_type(ssl,
                                           _lib.TLSEXT_STATUSTYPE_ocsp)


def install(ctx, fp):
    """Make the thunk at *fp* the status callback of the ``SSL_CTX*``
    *ctx*, with *ctx* as its ``arg``: 1 on success."""
    if _lib.SSL_CTX_set_tlsext_status_cb(ctx, fp) != 1:
        return 0
    return _lib.SSL_CTX_set_tlsext_status_arg(ctx, ctx)


__all__ = ["request", "install"]
