"""Thread-safe connections: pyOpenSSL 16.1's ``OpenSSL.tsafe``.

:class:`Connection` wraps a :class:`pyossl.SSL.Connection` and holds a
re-entrant lock around every method it forwards, so that one connection
may be shared between threads (one call at a time).  A plain
:class:`pyossl.SSL.Connection` needs no such lock when each thread uses its
own connection.
"""

from threading import RLock as _RLock

from . import SSL as _ssl

__all__ = ["Connection"]

# The methods 16.1's tsafe.Connection forwards, under the lock.
_FORWARDED = (
    "get_context", "pending", "send", "write", "recv", "read",
    "renegotiate", "bind", "listen", "connect", "accept", "setblocking",
    "fileno", "shutdown", "close", "get_cipher_list", "getpeername",
    "getsockname", "getsockopt", "setsockopt", "makefile", "get_app_data",
    "set_app_data", "state_string", "sock_shutdown", "get_peer_certificate",
    "get_peer_cert_chain", "want_read", "want_write", "set_connect_state",
    "set_accept_state", "connect_ex", "sendall",
)


def _locked(name):
    def method(self, *args):
        with self._lock:
            return getattr(self._ssl_conn, name)(*args)
    method.__name__ = name
    method.__qualname__ = "Connection." + name
    method.__doc__ = "Call :meth:`pyossl.SSL.Connection.%s` under the lock." % (
        name,)
    return method


class Connection(object):
    """A :class:`pyossl.SSL.Connection` whose methods hold a lock.

    :param args: passed to :class:`pyossl.SSL.Connection` (a
        :class:`~pyossl.SSL.Context` and a socket or ``None``).
    """

    def __init__(self, *args):
        self._ssl_conn = _ssl.Connection(*args)
        self._lock = _RLock()

    for _name in _FORWARDED:
        locals()[_name] = _locked(_name)
    del _name
