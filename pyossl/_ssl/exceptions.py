"""The exceptions of :mod:`pyossl.SSL`."""

from .._runtime.errors import clear_error_queue, raise_current_error


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


class WantClientHelloCallbackError(WantX509LookupError):
    """The ClientHello callback paused the handshake by returning
    :data:`CLIENT_HELLO_RETRY`: call the same method again when the
    application is ready, and OpenSSL runs the callback again (pyossl
    only; see :ref:`client-hello`).  Being a :exc:`WantX509LookupError`,
    it is caught where that is."""


class ZeroReturnError(Error):
    """The TLS connection was closed cleanly by the peer (close_notify)."""


class SysCallError(Error):
    """An I/O error with nothing on OpenSSL's error queue.

    The argument is a pair ``(errnum, errstr)``; ``(-1, 'Unexpected EOF')``
    when the peer closed the transport without a TLS closure alert.
    """


def raise_error_queue(function=""):
    """Raise :class:`Error` carrying OpenSSL's error queue (never empty)."""
    raise_current_error(Error, function)


def synthetic_error(function, reason):
    """An :class:`Error` for a failure OpenSSL does not report itself."""
    clear_error_queue()
    return Error([("SSL routines", function, reason)])
