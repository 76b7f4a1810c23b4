"""TLS-PSK: the thunks of the four PSK callbacks (see :ref:`psk`; the
TLS 1.3 PSK sessions come from :meth:`Session.from_psk`).

* TLS 1.2-style callbacks (``SSL_CTX_set_psk_client_callback`` /
  ``..._server_callback``; OpenSSL 1.1.1+ also uses them for TLS 1.3):
  OpenSSL passes buffers and their sizes; the key and the identity are
  checked against those sizes *before* anything is written.
* TLS 1.3 external PSKs (``SSL_CTX_set_psk_use_session_callback`` /
  ``..._find_session_callback``, OpenSSL 1.1.1+): the callbacks exchange
  ``SSL_SESSION`` objects; OpenSSL takes the reference the thunk adds.

Fail closed: OpenSSL reads a result of 0 from the TLS 1.2-style callbacks
as "no PSK", which TLS 1.3 answers by going on without one (the client
with a certificate handshake, maybe unverified; the server with its
certificate).  The thunks' fatal result is that documented 0, so the rule
that makes a failed callback final is the connection's: a
:class:`Connection` made from a context with PSK callbacks is *guarded*
(``_psk_guard``), and any callback exception during one of its C calls
leaves it refusing further I/O (see ``Connection._check_callbacks``).
And since a TLS 1.3 client always asks its PSK callback, a guarded client
whose TLS 1.3 handshake completed without any call of it having run to its
end (``_psk_answered``: a call lost to an interrupt, whose garbage result
C used) is refused too, like a failed verification.

OpenSSL copies the PSK callbacks into each ``SSL`` when it is made, so the
thunks find the user's callables on the connection's first context.
"""

from ctypes import addressof, c_size_t, c_void_p, create_string_buffer
from ctypes import memmove, string_at
from typing import TYPE_CHECKING, Callable, Optional, Tuple

from .._binding.decls_ssl import (PSK_CLIENT_CB, PSK_FIND_SESSION_CB,
                                  PSK_SERVER_CB, PSK_USE_SESSION_CB)
from .._runtime.convert import c_string_arg
from .._runtime.library import lib as _lib
from .callbacks import _poison_connection, connections, slot
from .exceptions import Error
from .session import Session

if TYPE_CHECKING:                                    # pragma: no cover
    from .connection import Connection

PskServerCallback = Callable[["Connection", bytes], Optional[bytes]]
PskClientCallback = Callable[["Connection", Optional[bytes]],
                             Optional[Tuple[bytes, bytes]]]
PskUseSessionCallback = Callable[["Connection"],
                                 Optional[Tuple[bytes, Session]]]
PskFindSessionCallback = Callable[["Connection", bytes], Optional[Session]]

def _start(ssl, name):
    """The connection of *ssl* and its callable for slot *name*."""
    conn = connections.get(ssl)
    callback = None
    if conn is not None:
        callback = conn._initial_context._callback(name)
    if callback is None:
        raise Error([("pyossl", "psk callback",
                      "no Python %s callback for this connection" % name)])
    return conn, callback


def _key(value, max_len):
    if not isinstance(value, bytes):
        raise TypeError("a PSK is bytes, not %s" % type(value).__name__)
    if len(value) > max_len:
        raise ValueError("the PSK is %d bytes long; OpenSSL takes at most %d"
                         % (len(value), max_len))
    return bytes(value)


@slot("psk_server", PSK_SERVER_CB, 0, on_lost=_poison_connection)
def _psk_server_thunk(ssl, identity, psk, max_psk_len):
    conn, callback = _start(ssl, "psk_server")
    key = callback(conn, string_at(identity) if identity else b"")
    if key is None or key == b"":
        return 0                                # unknown identity
    key = _key(key, max_psk_len)
    memmove(psk, key, len(key))
    return len(key)


def _client_answer(result, max_identity_len, max_psk_len):
    if type(result) is not tuple or len(result) != 2:
        raise TypeError("a PSK client callback returns (identity, psk) or "
                        "None")
    identity = c_string_arg(result[0], "the PSK identity", text=False)
    # The buffer holds max_identity_len bytes, the terminating NUL included.
    if len(identity) >= max_identity_len:
        raise ValueError("the PSK identity is %d bytes long; OpenSSL takes "
                         "at most %d" % (len(identity), max_identity_len - 1))
    key = _key(result[1], max_psk_len)
    if not key:
        raise ValueError("the PSK is empty (return None to offer no PSK)")
    return identity, key


@slot("psk_client", PSK_CLIENT_CB, 0, on_lost=_poison_connection)
def _psk_client_thunk(ssl, hint, identity, max_identity_len, psk,
                      max_psk_len):
    conn, callback = _start(ssl, "psk_client")
    hint = string_at(hint) if hint else None
    conn._psk_hint_received = hint
    result = callback(conn, hint)
    if result is None:
        conn._psk_answered = True
        return 0                                # no PSK
    name, key = _client_answer(result, max_identity_len, max_psk_len)
    memmove(identity, name + b"\0", len(name) + 1)
    memmove(psk, key, len(key))
    conn._psk_answered = True
    return len(key)


def _session_ptr(session):
    if not isinstance(session, Session):
        raise TypeError("a PSK session is a Session, not %s"
                        % type(session).__name__)
    if not session._session:
        raise ValueError("the session is empty")
    return session._session


def _hand_over(sessp, session):
    """Give OpenSSL a reference of its own to *session* in ``*sessp``."""
    _lib.SSL_SESSION_up_ref(session)
    c_void_p.from_address(sessp).value = session


@slot("psk_use_session", PSK_USE_SESSION_CB, 0, on_lost=_poison_connection)
def _psk_use_session_thunk(ssl, md, idp, idlenp, sessp):
    conn, callback = _start(ssl, "psk_use_session")
    result = callback(conn)
    if result is None:
        c_void_p.from_address(sessp).value = None
        conn._psk_answered = True
        return 1                                # no PSK
    if type(result) is not tuple or len(result) != 2:
        raise TypeError("a PSK use-session callback returns (identity, "
                        "session) or None")
    identity = result[0]
    if not isinstance(identity, bytes):
        raise TypeError("the PSK identity is bytes, not %s"
                        % type(identity).__name__)
    if not 0 < len(identity) <= 0xFFFF:
        raise ValueError("a TLS 1.3 PSK identity is 1 to 65535 bytes long")
    session = _session_ptr(result[1])
    keep = create_string_buffer(bytes(identity), len(identity))
    conn._psk_identity_keepalive = keep         # OpenSSL copies it at once
    _hand_over(sessp, session)
    c_void_p.from_address(idp).value = addressof(keep)
    c_size_t.from_address(idlenp).value = len(identity)
    conn._psk_answered = True
    return 1


@slot("psk_find_session", PSK_FIND_SESSION_CB, 0,
      on_lost=_poison_connection)
def _psk_find_session_thunk(ssl, identity, identity_len, sessp):
    conn, callback = _start(ssl, "psk_find_session")
    result = callback(conn,
                      string_at(identity, identity_len) if identity_len
                      else b"")
    if result is None:
        c_void_p.from_address(sessp).value = None
        return 1                                # unknown identity
    _hand_over(sessp, _session_ptr(result))
    return 1


__all__ = ["PskServerCallback", "PskClientCallback", "PskUseSessionCallback",
           "PskFindSessionCallback"]
