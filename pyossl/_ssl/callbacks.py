"""The C callbacks of :mod:`pyossl.SSL`: one thunk per callback slot, and
the registry of slots.

A *slot* is one kind of callback (``"verify"``, ``"alpn_select"``...).
Its thunk is made once, at import, by :func:`slot` (a
:func:`pyossl._runtime.callbacks.callback` that fails closed) and finds the
Python objects it works for from the C arguments: the weak maps
``connections`` (``SSL*`` -> :class:`Connection`) and ``contexts``
(``SSL_CTX*`` -> :class:`Context`).  The user's callable is stored on the
context (or connection) by :meth:`CallbackSlots._set_callback`, which
returns the thunk's C address for the setter to hand to OpenSSL.

Adding a callback touches two places: its thunk here (``@slot(...)``) and
its setter on :class:`Context` (``fp = self._set_callback(name, f)``, then
the ``SSL_CTX_set_*`` call).  New areas (DTLS, OCSP, PSK...) may keep their
thunks in their own module of ``pyossl/_ssl/``, with the same decorator.
"""

import weakref
from ctypes import (addressof, c_uint, c_ubyte, c_void_p, cast,
                    create_string_buffer, string_at)

from .._binding.decls_ssl import (ADVERTISE_CB, INFO_CB, KEYLOG_CB,
                                  SELECT_CB, SERVERNAME_CB, VERIFY_CB)
from .._crypto.certificates import x509_from_borrowed
from .._runtime.callbacks import _local as _callback_state
from .._runtime.callbacks import callback as _thunk
from .._runtime.library import lib as _lib
from .constants import NO_OVERLAPPING_PROTOCOLS
from .exceptions import Error

#: slot name -> the C address of its thunk
SLOTS = {}  # type: dict


def slot(name, prototype, fatal, on_lost=None):
    """Decorator: the thunk of the callback slot *name*.

    :param prototype: the ``CFUNCTYPE`` (declared in the table).
    :param fatal: what C gets when the Python code raises.
    :param on_lost: see :func:`pyossl._runtime.callbacks.callback`.
    """
    def decorate(func):
        thunk = _thunk(prototype, fatal, on_lost)(func)
        if name in SLOTS:
            raise ValueError("callback slot %r defined twice" % (name,))
        SLOTS[name] = cast(thunk, c_void_p).value
        return thunk
    return decorate


class CallbackSlots(object):
    """Mixin: the user's callables of an object, by slot name."""

    _callbacks = {}         # type: dict  # (an empty default, never set)

    def _callback(self, name):
        """The callable set for slot *name*, or ``None``."""
        return self._callbacks.get(name)

    def _set_callback(self, name, callback, allow_none=False):
        """Store *callback* for slot *name*.

        :return: the thunk's C address (``None`` when *callback* is
            ``None``), for the ``SSL_*_set_*`` call.
        :raises TypeError: if *callback* is not callable.
        """
        if callback is None and allow_none:
            self.__dict__.setdefault("_callbacks", {}).pop(name, None)
            return None
        if not callable(callback):
            raise TypeError("callback must be callable")
        self.__dict__.setdefault("_callbacks", {})[name] = callback
        return SLOTS[name]


# SSL* -> Connection and SSL_CTX* -> Context, for the callback thunks.
_connections = weakref.WeakValueDictionary()  # type: weakref.WeakValueDictionary
_contexts = weakref.WeakValueDictionary()  # type: weakref.WeakValueDictionary
connections = _connections
contexts = _contexts
_STORE_SSL_IDX = _lib.SSL_get_ex_data_X509_STORE_CTX_idx()
_X509_V_OK = _lib.X509_V_OK
_X509_V_ERR_APPLICATION_VERIFICATION = _lib.X509_V_ERR_APPLICATION_VERIFICATION


def _connection_of(args, position=0):
    """The :class:`Connection` whose ``SSL*`` is C argument *position* of
    a lost thunk call (``None`` if unknown)."""
    if args is None:
        return None
    return _connections.get(args[position])


def _poison(conn):
    # C went on with an undefined result; the connection must not be used
    # any more (check_callbacks also poisons it, this covers a caller that
    # never reaches check_callbacks).
    if conn is not None and conn._callback_lost is None:
        conn._callback_lost = Error([(
            "pyossl", "callback", "a callback was interrupted")])


def _poison_connection(args, position=0):
    # on_lost rescue of the thunks whose C arguments hold the SSL*
    _poison(_connection_of(args, position))


def _poison_verifying_connection(args):
    # The verify thunk's arguments hold no SSL* (only the X509_STORE_CTX,
    # freed when the handshake step ends, and read only during the call):
    # poison the connection of this thread's C call.  Layer 4 (the verify
    # result checked once the handshake is complete) covers the rest.
    ref = _callback_state.ssl
    _poison(ref() if ref is not None else None)


# (pyossl._runtime.callbacks.drain: valid only on the thread of the call)
setattr(_poison_verifying_connection, "thread_bound", True)


@slot("verify", VERIFY_CB, 0, on_lost=_poison_verifying_connection)
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
        callback = conn._callback("verify") if conn is not None else None
        if callback is None:
            raise Error([("SSL routines", "verify_callback",
                          "no Python verify callback for this connection")])
        cert_ptr = _lib.X509_STORE_CTX_get_current_cert(store_ctx)
        cert = x509_from_borrowed(cert_ptr) if cert_ptr else None
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


# (No passphrase thunk: Context.set_passwd_cb asks its callback in Python
# before the C call; see Context.use_privatekey_file.)

@slot("info", INFO_CB, None, on_lost=_poison_connection)
def _info_thunk(ssl, where, ret):
    conn = _connections.get(ssl)
    if conn is None:
        return
    callback = conn._context._callback("info")
    if callback is not None:
        callback(conn, where, ret)


@slot("connection_info", INFO_CB, None)
def _connection_info_thunk(ssl, where, ret):
    # Connection.set_info_callback: OpenSSL calls it instead of the
    # context's for that connection.
    conn = _connections.get(ssl)
    callback = conn._callback("connection_info") if conn is not None else None
    if callback is not None:
        callback(conn, where, ret)


@slot("servername", SERVERNAME_CB, _lib.SSL_TLSEXT_ERR_ALERT_FATAL,
      on_lost=_poison_connection)
def _servername_thunk(ssl, alert, arg):
    # OpenSSL calls this for every ClientHello a server gets; the
    # connection records that a call ran to its end, which it checks once
    # the handshake is complete (Connection._check_servername_answered):
    # a call lost to an interrupt returns an undefined result to C, which
    # may be SSL_TLSEXT_ERR_OK.
    conn = _connections.get(ssl)
    ctx = _contexts.get(arg)
    if conn is None:
        return _lib.SSL_TLSEXT_ERR_OK
    callback = ctx._callback("servername") if ctx is not None else None
    if callback is not None:
        callback(conn)
    conn._sni_answered = True
    return _lib.SSL_TLSEXT_ERR_OK


def parse_protocols(ptr, length):
    data = string_at(ptr, length) if length else b""
    protocols = []
    i = 0
    while i < len(data):
        n = data[i]
        protocols.append(data[i + 1:i + 1 + n])
        i += 1 + n
    return protocols


def encode_protocols(protos, allow_empty=True):
    """The wire form of the protocol list *protos* (each prefixed by its
    length).

    :raises TypeError: a protocol is not ``bytes``.
    :raises ValueError: a protocol is empty or longer than 255 bytes, or
        (unless *allow_empty*) there is none.
    """
    if not allow_empty and not protos:
        raise ValueError("at least one protocol must be specified")
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


# OpenSSL 1.0.2 ignores every result of the ALPN select callback but
# SSL_TLSEXT_ERR_OK (and then copies the selection, failing the handshake
# with an internal_error alert when it is empty).  So there, a failure
# (an exception, b"") is "OK with an empty selection", preset by the thunk
# before it runs any user code.  1.1.0 and later send a
# no_application_protocol alert for SSL_TLSEXT_ERR_ALERT_FATAL.
_ALPN_ABORT_BY_EMPTY = not _lib.since("1.1")
_ALPN_FATAL = (_lib.SSL_TLSEXT_ERR_OK if _ALPN_ABORT_BY_EMPTY
               else _lib.SSL_TLSEXT_ERR_ALERT_FATAL)
_EMPTY_SELECTION = create_string_buffer(1)      # kept for the process


@slot("alpn_select", SELECT_CB, _ALPN_FATAL, on_lost=_poison_connection)
def _alpn_select_thunk(ssl, out, outlen, in_, inlen, arg):
    if _ALPN_ABORT_BY_EMPTY:
        c_void_p.from_address(out).value = addressof(_EMPTY_SELECTION)
        c_ubyte.from_address(outlen).value = 0
    conn = _connections.get(ssl)
    ctx = _contexts.get(arg)
    callback = ctx._callback("alpn_select") if ctx is not None else None
    if conn is None or callback is None:
        return _lib.SSL_TLSEXT_ERR_NOACK
    chosen = callback(conn, parse_protocols(in_, inlen))
    if chosen is NO_OVERLAPPING_PROTOCOLS:
        return _lib.SSL_TLSEXT_ERR_NOACK
    if not isinstance(chosen, bytes):
        raise TypeError("ALPN callback must return a bytestring or the "
                        "special NO_OVERLAPPING_PROTOCOLS sentinel value.")
    if len(chosen) > 255:
        raise OverflowError("the selected protocol is %d bytes long; ALPN "
                            "allows at most 255" % len(chosen))
    if not chosen:
        return _ALPN_FATAL                      # abort the handshake
    _set_selection(conn, out, outlen, chosen, False)
    return _lib.SSL_TLSEXT_ERR_OK


@slot("npn_advertise", ADVERTISE_CB, _lib.SSL_TLSEXT_ERR_ALERT_FATAL,
      on_lost=_poison_connection)
def _npn_advertise_thunk(ssl, out, outlen, arg):
    conn = _connections.get(ssl)
    ctx = _contexts.get(arg)
    callback = ctx._callback("npn_advertise") if ctx is not None else None
    if conn is None or callback is None:
        return _lib.SSL_TLSEXT_ERR_NOACK
    protos = encode_protocols(callback(conn))
    _set_selection(conn, out, outlen, protos, True)
    return _lib.SSL_TLSEXT_ERR_OK


@slot("npn_select", SELECT_CB, _lib.SSL_TLSEXT_ERR_ALERT_FATAL,
      on_lost=_poison_connection)
def _npn_select_thunk(ssl, out, outlen, in_, inlen, arg):
    conn = _connections.get(ssl)
    ctx = _contexts.get(arg)
    callback = ctx._callback("npn_select") if ctx is not None else None
    if conn is None or callback is None:
        return _lib.SSL_TLSEXT_ERR_ALERT_FATAL
    chosen = callback(conn, parse_protocols(in_, inlen))
    if not isinstance(chosen, bytes):
        raise TypeError("NPN select callback must return a bytestring")
    if len(chosen) > 255:
        raise ValueError("the selected protocol is longer than 255 bytes")
    _set_selection(conn, out, outlen, chosen, False)
    return _lib.SSL_TLSEXT_ERR_OK


@slot("keylog", KEYLOG_CB, None, on_lost=_poison_connection)
def _keylog_thunk(ssl, line):
    conn = _connections.get(ssl)
    if conn is None:
        return
    callback = conn._context._callback("keylog")
    if callback is not None:
        callback(conn, line)
