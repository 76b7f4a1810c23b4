"""TLS connections: :class:`Connection`, over a socket or memory BIOs."""

import _socket as _socket_module  # not socket.py: ~3 ms of import
import sys as _sys
from ctypes import (addressof, byref, c_char, c_int, c_uint, c_void_p, cast,
                    create_string_buffer, string_at)
from errno import EBADF, errorcode
from weakref import ref as _weak_ref
from typing import (TYPE_CHECKING, Any, Callable, List, NoReturn,
                    Optional, Sequence, Tuple, Union, overload)

if TYPE_CHECKING:                                    # pragma: no cover
    from typing import Literal

    from cryptography import x509 as _x509

from .._binding.decls_core import (BIO_FLAGS_IO_SPECIAL, BIO_FLAGS_READ,
                                   BIO_FLAGS_SHOULD_RETRY, BIO_FLAGS_WRITE)
from .._crypto.certificates import X509, x509_from_borrowed
from .._crypto.interop import (certificate_arg, name_to_cryptography,
                               private_key_arg)
from .._crypto.names import X509Name
from .._runtime import stacks
from .._runtime.callbacks import (callback_failed, check_callbacks, drain,
                                  ensure_hook, installed_hook, records)
from .._runtime.callbacks import _local as _callback_state
from .._runtime.convert import (INT_MAX, c_int_arg, c_long_arg,
                                c_uint64_arg, int_arg)
from .._runtime.convert import writable_buffer as _writable_buffer
from .._runtime.errors import clear_error_queue, is_reason
from .._runtime.library import lib as _lib
from .._runtime.library import requires
from .._runtime.ownership import Owner
from .._runtime.ownership import in_callback as _in_callback
from .._runtime.text import text, text_to_bytes_and_warn
from . import dtls, ocsp, srtp
from .callbacks import CallbackSlots, connections, encode_protocols
from .constants import VERIFY_PEER
from .context import (_ALPN_NEEDS, _NPN_NEEDS, _PSK_NEEDS, Context,
                      _VerifyCallback)
from .exceptions import (Error, SysCallError, WantReadError, WantWriteError,
                         WantClientHelloCallbackError,
                         WantX509LookupError, ZeroReturnError,
                         raise_error_queue, synthetic_error)
from .session import Session

_Data = Union[bytes, bytearray, memoryview, str]
_X509_V_OK = _lib.X509_V_OK
_TLS1_3_VERSION = getattr(_lib, "TLS1_3_VERSION", 0x0304)
_TLS1_VERSION = 0x0301                  # (DTLS versions are larger too)

# The I/O path uses these module globals: no attribute lookups on ``lib``.
_SSL_read = _lib.SSL_read
_SSL_peek = _lib.SSL_peek
_SSL_write = _lib.SSL_write
_SSL_do_handshake = _lib.SSL_do_handshake
_SSL_get_error = _lib.SSL_get_error_gil
_SSL_pending = _lib.SSL_pending
# The memory-BIO calls, the error-queue clear and SSL_get_error are bound
# without releasing the GIL (decls_ssl: *_mem, *_gil; 1.1+): they never
# block, run long or call back.  The SSL_* I/O calls release it.
_BIO_read = _lib.BIO_read_mem
_BIO_write = _lib.BIO_write_mem
_BIO_ctrl_pending = _lib.BIO_ctrl_pending_mem
_BIO_test_flags = _lib.BIO_test_flags_mem
_BIO_new = _lib.BIO_new
_BIO_free = _lib.BIO_free
# BIO_s_mem() returns the address of a static method table: the same
# pointer for the life of the library, so it is fetched once.
_MEM_METHOD = _lib.BIO_s_mem()
_SSL_new = _lib.SSL_new
_SSL_set_bio = _lib.SSL_set_bio
_SSL_set_mode = _lib.SSL_set_mode
_SSL_MODE_AUTO_RETRY = _lib.SSL_MODE_AUTO_RETRY
_BIO_RETRY_FLAGS = (BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL
                    | BIO_FLAGS_SHOULD_RETRY)
_RETRY_READ = BIO_FLAGS_SHOULD_RETRY | BIO_FLAGS_READ
_ERR_peek_error = _lib.ERR_peek_error
_callback_failed = callback_failed
_check_callbacks = check_callbacks
_ensure_hook = ensure_hook
# The unraisable hook pyossl keeps in front (see pyossl._runtime.callbacks)
# and its records: a non-empty deque after a C call means an exception
# escaped a thunk during it.
_unraisable_hook = installed_hook()
_records = records
_drain = drain
_ERR_clear_error = _lib.ERR_clear_error_gil
_SSL_get_error_gil = _lib.SSL_get_error_gil
_SSL_is_init_finished = _lib.SSL_is_init_finished

_ERROR_WANT_READ = _lib.SSL_ERROR_WANT_READ
_ERROR_WANT_WRITE = _lib.SSL_ERROR_WANT_WRITE
_ERROR_ZERO_RETURN = _lib.SSL_ERROR_ZERO_RETURN
_ERROR_WANT_X509_LOOKUP = _lib.SSL_ERROR_WANT_X509_LOOKUP
_ERROR_WANT_CLIENT_HELLO_CB = getattr(_lib, "SSL_ERROR_WANT_CLIENT_HELLO_CB",
                                      None)
_ERROR_SYSCALL = _lib.SSL_ERROR_SYSCALL
_ERROR_SSL = _lib.SSL_ERROR_SSL
_ERROR_NONE = _lib.SSL_ERROR_NONE
_MSG_PEEK = getattr(_socket_module, "MSG_PEEK", 2)
_BIO_CHUNK = 65536
_READ_CHUNK = 16384     # the largest TLS record plaintext


# The read buffers (``_BIO_CHUNK`` bytes each) of :meth:`Connection.recv`
# and :meth:`Connection.bio_read`, shared by all connections instead of one
# or two per connection: the data is copied out before the call returns.
# A read takes one off this list (``list.pop`` and ``list.append`` are
# atomic) and gives it back when done, so reads on other threads, or one
# that runs inside another (a callback during ``SSL_read``, a signal
# handler), never share a buffer.  At most _MAX_FREE_BUFFERS are kept
# (more reads at once allocate their own).  An interrupt between the two
# only drops a buffer.
_free_buffers = []      # type: List[Tuple[int, Any]]
_MAX_FREE_BUFFERS = 8
_ReadBuffer = c_char * _BIO_CHUNK


def _new_buffer():
    """A read buffer: ``(address, array)``; ``array[:n]`` is the first *n*
    bytes as ``bytes`` (one copy)."""
    array = _ReadBuffer()
    return (addressof(array), array)

if _lib.available("errno_location"):
    _errno_location = _lib.errno_location

    def _last_errno():
        return c_int.from_address(_errno_location()).value
else:                                          # pragma: no cover
    def _last_errno():
        return 0


def _is_unexpected_eof(code):
    """3.0+: whether the queued error *code* is "unexpected eof"."""
    return is_reason(code, "ERR_LIB_SSL", "SSL_R_UNEXPECTED_EOF_WHILE_READING")


_system_errno = _lib.ERR_SYSTEM_ERRNO     # 3.0+: errno of a system error


def _buffer_pointer(buf, what="data"):
    """``(pointer, length, keepalive)`` for bytes-like *buf* without a copy.

    ``bytes`` are passed as they are; writable buffers through
    ``c_char.from_buffer``; a read-only memoryview is copied once.
    :raises TypeError: for anything that is not bytes-like.
    """
    if isinstance(buf, bytes):
        return buf, len(buf), buf
    if isinstance(buf, str):
        buf = text_to_bytes_and_warn(what, buf)
        return buf, len(buf), buf
    try:
        view = memoryview(buf)
    except TypeError:
        raise TypeError("%s must be a memoryview, buffer or byte string"
                        % what)
    size = view.nbytes
    if size > INT_MAX:
        raise ValueError("Cannot send more than 2**31-1 bytes at once.")
    if not size:
        return None, 0, None
    if view.readonly or not view.c_contiguous:
        data = view.tobytes()
        return data, size, data
    anchor = c_char.from_buffer(view)
    return addressof(anchor), size, anchor


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
    return c_int_arg(fd, "file descriptor")


def _drop_stale_callbacks(conn):
    """Before a C call on *conn*: deal with callback exceptions an earlier
    call on this thread stored but never raised (another exception, such as
    a second interrupt, ended that call before it could).  They are not
    raised from this unrelated call; instead the connection of that earlier
    call (``_callback_state.ssl``, a weak reference) is poisoned, since its
    handshake went on with a callback's failure outcome, and *conn* is
    refused if it is that connection.  Not inside a callback: there they
    may belong to the C call in progress."""
    if _in_callback():
        return
    if _records:
        _drain()
    pending = _callback_state.pending
    if pending:
        exc = pending[0]
        del pending[:]
        ref = _callback_state.ssl
        # (a weak reference: the SSL* address of a freed connection may
        # already belong to another one, which must not be poisoned)
        owner = ref() if type(ref) is _weak_ref else None
        if owner is not None and owner._callback_lost is None:
            owner._callback_lost = exc
    _callback_state.lost = False
    if conn._callback_lost is not None:
        conn._refuse_lost()


def _certificate(cert, as_cryptography):
    if as_cryptography and cert is not None:
        return cert.to_cryptography()
    return cert


def _certificates(stack, as_cryptography):
    """The certificates of a borrowed ``STACK_OF(X509)`` (``None`` for
    ``NULL``), as :class:`X509` or ``cryptography`` objects."""
    if not stack:
        return None
    certs = [x509_from_borrowed(ptr) for ptr in stacks.items(stack)]
    if as_cryptography:
        return [cert.to_cryptography() for cert in certs]
    return certs


def _key_material(func, obj):
    """What the 1.1.0-style reader *func* (``size_t f(obj, out, outlen)``;
    table macros on 1.0.2) gives for *obj*, or ``None``."""
    size = func(obj, None, 0)
    if not size:
        return None
    buf = create_string_buffer(size)
    func(obj, buf, size)
    return buf.raw




class Connection(CallbackSlots, Owner):
    """A TLS connection over a socket or over a pair of memory BIOs.

    :param context: The :class:`Context` to use.
    :param socket: The transport: a socket (anything with a ``fileno()``
        method), or ``None`` for a memory-BIO connection driven with
        :meth:`bio_read`/:meth:`bio_write`.
    :raises TypeError: if *context* is not a :class:`Context`.
    """

    _ssl: int
    _handle_attr = "_ssl"
    _handle_free = "SSL_free"
    _socket: Any = None
    _into_ssl: Optional[int] = None
    _from_ssl: Optional[int] = None
    _selection_keepalive: Any = None
    _verify_unchecked = True
    _psk_guard = False
    _app_data: Any = None
    # The I/O methods' shortcut: ``(SSL*, _weak)`` once nothing but the
    # per-call checks remains to be done (a memory-BIO connection whose
    # handshake verification was checked and no callback was lost), else
    # 0.  Set only by _leave, dropped for good by the _callback_lost setter.
    _fast: Any = 0
    _lost: Optional[BaseException] = None   # (see _callback_lost)
    _weak: Any      # weakref.ref to self, for _callback_state.ssl
    _psk_hint_received: Optional[bytes] = None
    _psk_identity_keepalive: Any = None

    def __init__(self, context: Context, socket: Any = None) -> None:
        if not isinstance(context, Context):
            raise TypeError("context must be a Context instance")
        fd = None if socket is None else _as_fd(socket)
        ssl = _SSL_new(context._context)
        if not ssl:
            raise_error_queue()
        self._own(ssl)
        # What _callback_state.ssl records for each call (see
        # _drop_stale_callbacks).
        self._weak = _weak_ref(self)
        _SSL_set_mode(ssl, _SSL_MODE_AUTO_RETRY)
        self._context = context
        # Callbacks registered with the first context stay in force after
        # set_context (OpenSSL keeps it as the session context).
        self._initial_context = context
        # Fail closed with PSKs (see pyossl._ssl.psk): any callback
        # exception during a C call leaves the connection unusable.
        if context._has_psk_callbacks():
            self._psk_guard = True
        verify = context._callbacks.get("verify")
        if verify is not None:
            self._callbacks = {"verify": verify}
        connections[ssl] = self
        if socket is None:
            into_ssl = _BIO_new(_MEM_METHOD)
            from_ssl = _BIO_new(_MEM_METHOD)
            if not into_ssl or not from_ssl:
                for bio in (into_ssl, from_ssl):
                    if bio:
                        _BIO_free(bio)
                raise_error_queue()
            # SSL_free frees both BIOs.
            _SSL_set_bio(ssl, into_ssl, from_ssl)
            self._into_ssl = into_ssl
            self._from_ssl = from_ssl
        else:
            self._socket = socket
            if _lib.SSL_set_fd(ssl, fd) != 1:
                raise_error_queue()

    def __getattr__(self, name):
        """Look up unknown attributes on the wrapped socket (as pyOpenSSL
        does); :data:`AttributeError` on a memory-BIO connection."""
        sock = self.__dict__.get("_socket")
        if sock is None or name.startswith("__"):
            raise AttributeError("'%s' object has no attribute '%s'" % (
                self.__class__.__name__, name))
        return getattr(sock, name)

    # -- errors -----------------------------------------------------------

    @property
    def _callback_lost(self) -> Optional[BaseException]:
        """The exception of a callback lost during a C call on this
        connection (which is then refused), or ``None``."""
        return self.__dict__.get("_lost")

    @_callback_lost.setter
    def _callback_lost(self, exc: Optional[BaseException]) -> None:
        # One dict operation stores the exception and drops the I/O
        # shortcut: no asynchronous exception can land between the two.
        self.__dict__.update(_lost=exc, _fast=0)

    def _enter(self):
        """Before a C call that can run the handshake (and so callbacks):
        refuse a connection a lost callback left in an unknown state, make
        sure pyossl's unraisable hook sees escaped thunk exceptions, and
        clear the error queue (``SSL_get_error`` reads it)."""
        if self._lost is not None:
            self._refuse_lost()
        if _sys.unraisablehook is not _unraisable_hook:
            _ensure_hook()
        if _callback_state.pending or _records:
            _drop_stale_callbacks(self)
        _callback_state.ssl = self._weak
        _ERR_clear_error()

    # The I/O methods inline _enter (same steps) and call _leave only when
    # it has something to do: a callback failed on this thread
    # (``_callback_state.pending``), or the handshake's verification result
    # has not been checked yet (``_verify_unchecked``).  With ``_fast`` set
    # (the SSL*), they skip the attribute tests that can no longer fail:
    # the socket check (no socket), the lost-callback refusal (none lost)
    # and the verification check (done).

    def _leave(self, ssl):
        """After such a call succeeded: re-raise a callback's exception, and
        once the handshake is complete, check that no certificate failure
        went through without an explicit accept (fail closed)."""
        if _callback_state.pending or _records:
            self._check_callbacks()
        if self._lost is not None:      # (poisoned by another thread's drain)
            self._refuse_lost()
        if self._verify_unchecked and _SSL_is_init_finished(ssl):
            # Check, then mark checked: an interrupt in between leaves the
            # check to be done again by the next call, never skipped.
            self._check_verified(ssl)
            if self._psk_guard:
                self._check_psk_answered(ssl)
            if "_sni_answered" not in self.__dict__:
                self._check_servername_answered(ssl)
            self._verify_unchecked = False
            if self._socket is None and self._lost is None:
                # Store, then test again: a _callback_lost set in between
                # (by another thread using this connection) leaves no
                # shortcut behind either.
                state = self.__dict__
                state["_fast"] = (ssl, self._weak)
                if state.get("_lost") is not None:
                    state["_fast"] = 0

    def _refuse_lost(self):
        # (entries an interrupted call left behind are dropped with it)
        _ERR_clear_error()
        raise Error([("pyossl", "Connection",
                      "a callback of this connection was interrupted (%r) "
                      "while OpenSSL waited for its result; the connection "
                      "is in an unknown state and cannot be used"
                      % (self._callback_lost,))])

    def _check_verified(self, ssl):
        # The verify thunk clears the store's error only for certificates
        # the Python callback explicitly accepted; a failure still
        # recorded here went through without one (a lost callback).
        if (self._callback("verify") is None
                or not _lib.SSL_get_verify_mode(ssl) & VERIFY_PEER):
            return
        result = _lib.SSL_get_verify_result(ssl)
        if result != _X509_V_OK:
            self._callback_lost = self._callback_lost or Error([(
                "pyossl", "verify", "certificate verify failed: %s"
                % text(_lib.X509_verify_cert_error_string(result)))])
            self._refuse_lost()

    def _check_servername_answered(self, ssl):
        # A server calls its servername callback for every ClientHello
        # (TLS 1.0 and later); a completed handshake with no call of it run
        # to its end means C used a lost call's undefined result.
        if ((self._initial_context._callback("servername") is None
                and self._context._callback("servername") is None)
                or not _lib.SSL_is_server(ssl)
                or _lib.SSL_version(ssl) < _TLS1_VERSION):
            return
        self._callback_lost = self._callback_lost or Error([(
            "pyossl", "servername", "the server name callback of this "
            "connection did not complete; the handshake went on without "
            "its answer")])
        self._refuse_lost()

    def _check_psk_answered(self, ssl):
        # A TLS 1.3 client asks its PSK callback for every ClientHello; a
        # completed handshake with no call of it run to its end means C
        # used a lost call's undefined result (see pyossl._ssl.psk).
        context = self._initial_context
        if (self.__dict__.get("_psk_answered")
                or (context._callback("psk_client") is None
                    and context._callback("psk_use_session") is None)
                or _lib.SSL_is_server(ssl)
                or _lib.SSL_version(ssl) != _TLS1_3_VERSION):
            return
        self._callback_lost = self._callback_lost or Error([(
            "pyossl", "psk", "the PSK callback of this TLS 1.3 client did "
            "not complete; the handshake went on without its answer")])
        self._refuse_lost()

    def _check_callbacks(self):
        """Re-raise a callback's exception (a guarded PSK connection is
        made unusable first)."""
        if (self._psk_guard and self._callback_lost is None
                and _callback_failed()):
            self._callback_lost = Error([(
                "pyossl", "psk", "a callback of this PSK connection raised; "
                "the handshake cannot go on")])
        _check_callbacks(self)

    def _raise_ssl_error(self, ssl, result):
        self._check_callbacks()
        self._ssl_error(ssl, result, _SSL_get_error(ssl, result))

    def _ssl_error(self, ssl, result, error):
        """Raise what ``SSL_get_error`` (*error*) says; the callbacks were
        checked (nothing pending)."""
        if error == _ERROR_WANT_READ:
            raise WantReadError()
        if error == _ERROR_WANT_WRITE:
            raise WantWriteError()
        if error == _ERROR_ZERO_RETURN:
            raise ZeroReturnError()
        if error == _ERROR_WANT_X509_LOOKUP:
            raise WantX509LookupError()
        if error == _ERROR_WANT_CLIENT_HELLO_CB:
            raise WantClientHelloCallbackError()
        if error == _ERROR_SYSCALL:
            errno = _last_errno() if self._socket is not None else 0
            code = _ERR_peek_error()
            if code == 0:
                if result < 0 and errno:
                    raise SysCallError(errno, errorcode.get(errno))
                raise SysCallError(-1, "Unexpected EOF")
            sys_errno = _system_errno(code)
            if sys_errno is not None:
                clear_error_queue()
                raise SysCallError(sys_errno, errorcode.get(sys_errno))
            raise_error_queue()
        if error == _ERROR_NONE:
            return
        if error == _ERROR_SSL and _is_unexpected_eof(_ERR_peek_error()):
            clear_error_queue()
            raise SysCallError(-1, "Unexpected EOF")
        raise_error_queue()

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
        mode = c_int_arg(mode, "mode")
        fp = self._set_callback("verify", callback, allow_none=True)
        _lib.SSL_set_verify(self._ssl, mode, fp)

    def get_verify_mode(self) -> int:
        """Get this connection's verification mode.

        :return: The ``VERIFY_*`` flags.
        """
        return _lib.SSL_get_verify_mode(self._ssl)

    # -- settings of this connection only ----------------------------------

    def set_options(self, options: int) -> int:
        """Add options (``OP_*``) to this connection only; options set
        before (here or on its context) are kept.

        :param options: The options to add.
        :raises TypeError: if *options* is not an integer.
        :raises OverflowError: if it is negative or too large.
        :return: The new option bit mask.

        .. versionadded:: 19.0.0 (pyOpenSSL)
        """
        if not isinstance(options, int):
            raise TypeError("options must be an integer")
        options = c_uint64_arg(options, "options")
        return _lib.SSL_set_options(self._ssl, options)

    def set_info_callback(
            self, callback: Callable[["Connection", int, int], Any]) -> None:
        """Set this connection's information callback, called during
        handshakes in place of the context's (see
        :meth:`Context.set_info_callback`).

        :param callback: Called as ``callback(connection, where, ret)``; an
            exception it raises is raised again from the call that drove
            the handshake.
        :raises TypeError: if *callback* is not callable.
        :return: None

        .. versionadded:: 25.0.0 (pyOpenSSL)
        """
        fp = self._set_callback("connection_info", callback)
        _lib.SSL_set_info_callback(self._ssl, fp)

    def use_certificate(self, cert: Any) -> None:
        """Use this certificate for this connection only (a server that
        picks its certificate per client, for example from a server name
        callback).

        :param cert: An :class:`pyossl.crypto.X509`, or a
            ``cryptography.x509.Certificate``.
        :raises TypeError: if it is neither.
        :raises Error: if OpenSSL refuses it.
        :return: None

        .. versionadded:: 19.1.0 (pyOpenSSL)
        """
        cert = certificate_arg(cert, "cert")
        if not _lib.SSL_use_certificate(self._ssl, cert._x509):
            raise_error_queue("SSL_use_certificate")

    def use_privatekey(self, pkey: Any) -> None:
        """Use this private key for this connection only.

        :param pkey: A :class:`pyossl.crypto.PKey`, or a ``cryptography``
            private key.
        :raises TypeError: if it is neither.
        :raises Error: if OpenSSL refuses it (for example because it does
            not match the certificate set before).
        :return: None

        .. versionadded:: 19.1.0 (pyOpenSSL)
        """
        pkey = private_key_arg(pkey, "pkey")
        if not _lib.SSL_use_PrivateKey(self._ssl, pkey._pkey):
            _check_callbacks()
            raise_error_queue("SSL_use_PrivateKey")

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
            raise_error_queue()

    # -- I/O ----------------------------------------------------------------

    def pending(self) -> int:
        """Get the number of bytes that can be read at once from the TLS
        buffer (not the transport).

        :return: The number of bytes.
        """
        result = _SSL_pending(self._ssl)
        if result <= 0 and not _lib.since("1.1") and _ERR_peek_error():
            # 1.0.2 before the role is set: "called a function you should
            # not call" is queued; there is simply nothing pending.
            clear_error_queue()
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
                buf = text_to_bytes_and_warn("buf", buf)
            ptr, size, keep = _buffer_pointer(buf, "buf")
        if size > INT_MAX:
            raise ValueError("Cannot send more than 2**31-1 bytes at once.")
        if not size:
            return 0
        fast = self._fast
        if fast:
            ssl, weak = fast
        else:
            if self._socket is not None:
                self._check_socket()
            ssl = self._ssl
            weak = self._weak
            if self._lost is not None:
                self._refuse_lost()
        if _sys.unraisablehook is not _unraisable_hook:
            _ensure_hook()
        state = _callback_state
        if state.pending or _records:
            _drop_stale_callbacks(self)
        state.ssl = weak
        _ERR_clear_error()
        result = _SSL_write(ssl, ptr, size)
        if result <= 0:
            self._raise_ssl_error(ssl, result)
        if state.pending or _records or (not fast and self._verify_unchecked):
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
            buf = text_to_bytes_and_warn("buf", buf)
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
            if chunk > INT_MAX:
                chunk = INT_MAX
            if self._lost is not None:
                self._refuse_lost()
            if _sys.unraisablehook is not _unraisable_hook:
                _ensure_hook()
            if _callback_state.pending or _records:
                _drop_stale_callbacks(self)
            _callback_state.ssl = self._weak
            _ERR_clear_error()
            result = _SSL_write(ssl, ptr + sent, chunk)
            if result <= 0:
                self._raise_ssl_error(ssl, result)
            if (_callback_state.pending or _records
                    or self._verify_unchecked):
                self._leave(ssl)
            sent += result
        return sent

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
        if bufsiz > _READ_CHUNK:
            bufsiz = _READ_CHUNK
        fast = self._fast
        if fast:
            ssl, weak = fast
        else:
            if self._socket is not None:
                self._check_socket()
            ssl = self._ssl
            weak = self._weak
            if self._lost is not None:
                self._refuse_lost()
        if _sys.unraisablehook is not _unraisable_hook:
            _ensure_hook()
        state = _callback_state
        if state.pending or _records:
            _drop_stale_callbacks(self)
        state.ssl = weak
        try:
            rbuf = _free_buffers.pop()
        except IndexError:
            rbuf = _new_buffer()
        try:
            _ERR_clear_error()
            if flags is not None and flags & _MSG_PEEK:
                result = _SSL_peek(ssl, rbuf[0], bufsiz)
            else:
                result = _SSL_read(ssl, rbuf[0], bufsiz)
            if result <= 0:
                if state.pending or _records:
                    self._raise_ssl_error(ssl, result)
                else:
                    error = _SSL_get_error(ssl, result)
                    if error == _ERROR_WANT_READ:
                        raise WantReadError()
                    self._ssl_error(ssl, result, error)
            if (state.pending or _records
                    or (not fast and self._verify_unchecked)):
                self._leave(ssl)
            return rbuf[1][:result]
        finally:
            if len(_free_buffers) < _MAX_FREE_BUFFERS:
                _free_buffers.append(rbuf)

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
        if nbytes > INT_MAX:
            nbytes = INT_MAX
        if nbytes <= 0:
            return 0
        fast = self._fast
        if fast:
            ssl, weak = fast
        else:
            if self._socket is not None:
                self._check_socket()
            ssl = self._ssl
            weak = self._weak
            if self._lost is not None:
                self._refuse_lost()
        if _sys.unraisablehook is not _unraisable_hook:
            _ensure_hook()
        state = _callback_state
        if state.pending or _records:
            _drop_stale_callbacks(self)
        state.ssl = weak
        _ERR_clear_error()
        if flags is not None and flags & _MSG_PEEK:
            result = _SSL_peek(ssl, array, nbytes)
        else:
            result = _SSL_read(ssl, array, nbytes)
        del array
        if result <= 0:
            self._raise_ssl_error(ssl, result)
        if state.pending or _records or (not fast and self._verify_unchecked):
            self._leave(ssl)
        return result

    # -- memory BIOs -----------------------------------------------------

    def _handle_bio_errors(self, bio, result, flags=None):
        if flags is None:
            flags = _BIO_test_flags(bio, _BIO_RETRY_FLAGS)
        if flags & BIO_FLAGS_SHOULD_RETRY:
            if flags & BIO_FLAGS_READ:
                raise WantReadError()
            if flags & BIO_FLAGS_WRITE:
                raise WantWriteError()
            if flags & BIO_FLAGS_IO_SPECIAL:
                raise ValueError("BIO_should_io_special")
            raise ValueError("unknown bio failure")
        raise_error_queue()

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
        if bufsiz > _BIO_CHUNK:
            available = _BIO_ctrl_pending(bio)
            if available > _BIO_CHUNK:
                size = min(bufsiz, available, INT_MAX)
                out = bytearray(size)
                anchor = c_char.from_buffer(out)
                result = _BIO_read(bio, addressof(anchor), size)
                del anchor
                if result <= 0:
                    self._handle_bio_errors(bio, result)
                del out[result:]
                return bytes(out)
            bufsiz = _BIO_CHUNK
        try:
            rbuf = _free_buffers.pop()
        except IndexError:
            rbuf = _new_buffer()
        try:
            result = _BIO_read(bio, rbuf[0], bufsiz)
            if result > 0:
                return rbuf[1][:result]
            flags = _BIO_test_flags(bio, _BIO_RETRY_FLAGS)
            if flags & _RETRY_READ == _RETRY_READ:
                raise WantReadError()
            self._handle_bio_errors(bio, result, flags)
            raise AssertionError("unreachable")         # pragma: no cover
        finally:
            if len(_free_buffers) < _MAX_FREE_BUFFERS:
                _free_buffers.append(rbuf)

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
        if type(buf) is bytes:
            ptr = buf
            size = len(buf)
        else:
            if type(buf) is str:
                buf = text_to_bytes_and_warn("buf", buf)
            ptr, size, keep = _buffer_pointer(buf, "buf")
        if size > INT_MAX:
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
        fast = self._fast
        if fast:
            ssl, weak = fast
        else:
            if self._socket is not None:
                self._check_socket()
            ssl = self._ssl
            weak = self._weak
            if self._lost is not None:
                self._refuse_lost()
        if _sys.unraisablehook is not _unraisable_hook:
            _ensure_hook()
        state = _callback_state
        if state.pending or _records:
            _drop_stale_callbacks(self)
        state.ssl = weak
        _ERR_clear_error()
        result = _SSL_do_handshake(ssl)
        if result <= 0:
            if state.pending or _records:
                self._raise_ssl_error(ssl, result)
            else:
                error = _SSL_get_error(ssl, result)
                if error == _ERROR_WANT_READ:
                    raise WantReadError()
                self._ssl_error(ssl, result, error)
        if state.pending or _records or (not fast and self._verify_unchecked):
            self._leave(ssl)

    def renegotiate(self) -> bool:
        """Start a renegotiation (TLS 1.2 and below).

        :return: ``True`` if one was started, ``False`` if one is pending.
        :rtype: bool
        """
        if not self.renegotiate_pending():
            if _lib.SSL_renegotiate(self._ssl) != 1:
                raise_error_queue()
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

    # -- DTLS ---------------------------------------------------------------

    def DTLSv1_listen(self) -> None:
        """Wait, on a DTLS server, for a ClientHello that echoes a valid
        cookie: answer those without one (or with a wrong one) with a
        HelloVerifyRequest, using the context's cookie callbacks
        (:meth:`Context.set_cookie_generate_callback`,
        :meth:`Context.set_cookie_verify_callback`).  Then go on with
        :meth:`do_handshake`.

        :raises WantReadError: until such a ClientHello has arrived (call
            again when more data is there).
        :raises Error: on a TLS connection, without cookie callbacks, or
            when OpenSSL fails (OpenSSL 1.0.2: also on a wrong cookie).
        :raises ValueError: if the cookie generate callback returned a
            cookie longer than 255 bytes (refused, never sent).
        :return: None

        .. versionadded:: 21.0.0 (pyOpenSSL)
        """
        if not dtls.is_dtls(self._ssl):
            raise synthetic_error("DTLSv1_listen", "unsupported ssl version")
        if self._socket is not None:
            self._check_socket()
        ssl = self._ssl
        self._enter()
        result = dtls.listen(ssl)
        if result <= 0:
            if result == 0 and not _callback_failed():
                clear_error_queue()
                raise WantReadError()
            self._raise_ssl_error(ssl, result)
            raise synthetic_error("DTLSv1_listen", "no valid ClientHello")
        self._leave(ssl)

    def DTLSv1_get_timeout(self) -> Optional[float]:
        """How long until the DTLS retransmission timer expires: call
        :meth:`DTLSv1_handle_timeout` then (a DTLS application waits for
        data no longer than this).

        :return: Seconds (``float``; 0.0 when already expired), or ``None``
            when no timer runs (and on a TLS connection).

        .. versionadded:: 21.0.0 (pyOpenSSL)
        """
        return dtls.get_timeout(self._ssl)

    def DTLSv1_handle_timeout(self) -> bool:
        """Retransmit the last DTLS handshake flight if the timer expired.

        :return: ``True`` if it did, ``False`` if nothing was due.
        :raises Error: if retransmitting failed (too many timeouts).

        .. versionadded:: 21.0.0 (pyOpenSSL)
        """
        ssl = self._ssl
        self._enter()
        result = dtls.handle_timeout(ssl)
        if result < 0:
            self._raise_ssl_error(ssl, result)
            raise synthetic_error("DTLSv1_handle_timeout",
                                  "retransmission failed")
        self._leave(ssl)
        return bool(result)

    def set_ciphertext_mtu(self, mtu: int) -> None:
        """Set the largest datagram DTLS may send (the UDP payload, without
        the IP and UDP headers).  Needed over memory BIOs, where OpenSSL
        cannot ask the transport; set :const:`OP_NO_QUERY_MTU` so that it
        does not replace the value.

        :param mtu: The MTU in bytes (OpenSSL ignores values below its
            minimum, 256 or so, as pyOpenSSL does).
        :raises TypeError: if *mtu* is not an integer.
        :raises OverflowError: if it does not fit a C ``long``.
        :return: None

        .. versionadded:: 21.1.0 (pyOpenSSL)
        """
        dtls.set_mtu(self._ssl, c_long_arg(mtu, "mtu"))

    @requires("DTLS_get_data_mtu", "The DTLS data MTU", "1.1.1")
    def get_cleartext_mtu(self) -> int:
        """The most application data one DTLS record can carry without
        exceeding the MTU (see :meth:`set_ciphertext_mtu`).

        :return: Bytes (0 on a TLS connection).
        :raises NotImplementedError: before OpenSSL 1.1.1.

        .. versionadded:: 21.1.0 (pyOpenSSL)
        """
        return dtls.data_mtu(self._ssl)

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
        state = c_int_arg(state, "state")
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
        return text(_lib.SSL_CIPHER_get_name(cipher)) if cipher else None

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
        return text(_lib.SSL_CIPHER_get_version(cipher)) if cipher else None

    def get_protocol_version_name(self) -> str:
        """The protocol version of the connection, e.g. ``'TLSv1.2'``
        (``'Unknown'`` before a handshake on some builds).

        :rtype: str
        """
        return text(_lib.SSL_get_version(self._ssl)) or "Unknown"

    def get_protocol_version(self) -> int:
        """The protocol version of the connection as a number, e.g. 0x303.

        :rtype: int
        """
        return _lib.SSL_version(self._ssl)

    @overload
    def get_certificate(
            self, *, as_cryptography: "Literal[False]" = ...
    ) -> Optional[X509]: ...

    @overload
    def get_certificate(
            self, *, as_cryptography: "Literal[True]"
    ) -> Optional["_x509.Certificate"]: ...

    def get_certificate(self, *, as_cryptography: bool = False) -> Any:
        """This side's certificate.

        :param as_cryptography: (keyword only) Return a
            ``cryptography.x509.Certificate`` instead.
        :return: An :class:`pyossl.crypto.X509`, or ``None``.
        """
        cert = _lib.SSL_get_certificate(self._ssl)
        return _certificate(x509_from_borrowed(cert) if cert else None,
                            as_cryptography)

    @overload
    def get_peer_certificate(
            self, *, as_cryptography: "Literal[False]" = ...
    ) -> Optional[X509]: ...

    @overload
    def get_peer_certificate(
            self, *, as_cryptography: "Literal[True]"
    ) -> Optional["_x509.Certificate"]: ...

    def get_peer_certificate(self, *, as_cryptography: bool = False) -> Any:
        """The peer's certificate.

        :param as_cryptography: (keyword only) Return a
            ``cryptography.x509.Certificate`` instead.
        :return: An :class:`pyossl.crypto.X509`, or ``None``.
        """
        cert = _lib.SSL_get_peer_certificate(self._ssl)
        return _certificate(X509._from_owned(cert) if cert else None,
                            as_cryptography)

    @overload
    def get_peer_cert_chain(
            self, *, as_cryptography: "Literal[False]" = ...
    ) -> Optional[List[X509]]: ...

    @overload
    def get_peer_cert_chain(
            self, *, as_cryptography: "Literal[True]"
    ) -> Optional[List["_x509.Certificate"]]: ...

    def get_peer_cert_chain(self, *, as_cryptography: bool = False) -> Any:
        """The certificate chain the peer sent (on a client, the server's
        certificate first; on a server, without the client's own).

        :param as_cryptography: (keyword only) Return
            ``cryptography.x509.Certificate`` objects instead.
        :return: A list of :class:`pyossl.crypto.X509`, or ``None``.
        """
        return _certificates(_lib.SSL_get_peer_cert_chain(self._ssl),
                             as_cryptography)

    @overload
    def get_verified_chain(
            self, *, as_cryptography: "Literal[False]" = ...
    ) -> Optional[List[X509]]: ...

    @overload
    def get_verified_chain(
            self, *, as_cryptography: "Literal[True]"
    ) -> Optional[List["_x509.Certificate"]]: ...

    @requires("SSL_get0_verified_chain", "The verified chain", "1.1.0")
    def get_verified_chain(self, *, as_cryptography: bool = False) -> Any:
        """The peer's chain as verification built it: the peer's
        certificate first, the trust anchor last.  Call it after a
        successful handshake; if verification failed (or did not run) the
        chain may be incomplete, or ``None``.

        :param as_cryptography: (keyword only) Return
            ``cryptography.x509.Certificate`` objects instead.
        :return: A list of :class:`pyossl.crypto.X509`, or ``None``.
        :raises NotImplementedError: before OpenSSL 1.1.0.

        .. versionadded:: 20.0.0 (pyOpenSSL)
        """
        return _certificates(_lib.SSL_get0_verified_chain(self._ssl),
                             as_cryptography)

    @overload
    def get_client_ca_list(
            self, *, as_cryptography: "Literal[False]" = ...
    ) -> List[X509Name]: ...

    @overload
    def get_client_ca_list(
            self, *, as_cryptography: "Literal[True]"
    ) -> List["_x509.Name"]: ...

    def get_client_ca_list(self, *, as_cryptography: bool = False) -> Any:
        """The CA names suggested for client certificates: on a server, those
        this side sends; on a client, those received (empty before the
        handshake).

        :param as_cryptography: (keyword only) Return
            ``cryptography.x509.Name`` objects instead.
        :return: A list of :class:`pyossl.crypto.X509Name`.

        .. versionadded:: 0.10
        """
        stack = _lib.SSL_get_client_CA_list(self._ssl)
        names = [X509Name._from_copy(name) for name in stacks.items(stack)]
        if as_cryptography:
            return [name_to_cryptography(name) for name in names]
        return names

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
        # The session may only be used again with this context (see
        # set_session).
        return Session._from_owned(session, _context=self._context)

    def set_session(self, session: Session) -> None:
        """Offer *session* for resumption (call before the handshake).

        The session must come from :meth:`get_session` of a connection that
        was using the same :class:`Context` as this one: OpenSSL requires,
        but does not check, that a session is only resumed with a
        compatible context, so pyossl checks it (as pyOpenSSL does since
        26.3).

        :param session: A :class:`Session`.
        :raises TypeError: if it is not a :class:`Session`.
        :raises ValueError: if it is empty, or comes from a connection with
            another context.
        :return: None

        .. versionadded:: 0.14
        """
        if not isinstance(session, Session):
            raise TypeError("session must be a Session instance")
        if not session._session:
            raise ValueError("session is empty")
        if session._context is not self._context:
            raise ValueError("session must have been created by a "
                             "Connection using the same Context as this one")
        if _lib.SSL_set_session(self._ssl, session._session) != 1:
            raise_error_queue("SSL_set_session")

    def session_reused(self) -> bool:
        """Whether the last handshake resumed a session.

        :rtype: bool
        """
        return bool(_lib.SSL_session_reused(self._ssl))

    # -- pyossl only: TLS-PSK ----------------------------------------------

    @requires("SSL_get_psk_identity", "TLS-PSK", _PSK_NEEDS)
    def get_psk_identity(self) -> Optional[bytes]:
        """The PSK identity of a TLS 1.2 PSK handshake: on a server the one
        the client sent, on a client the one it sent (pyossl only; see
        :ref:`psk`).

        :return: The identity, or ``None`` (no PSK handshake; TLS 1.3,
            where OpenSSL does not record it: the PSK callback saw it).
        """
        return _lib.SSL_get_psk_identity(self._ssl)

    def get_psk_identity_hint(self) -> Optional[bytes]:
        """On a client, the PSK identity hint the server sent (TLS 1.2), as
        the PSK client callback received it (pyossl only; see :ref:`psk`).

        :return: The hint, or ``None`` (none was sent, a server, or the
            callback has not run).
        """
        return self._psk_hint_received

    # -- key material -----------------------------------------------------

    def client_random(self) -> Optional[bytes]:
        """The random value of the client hello.

        :return: ``bytes``, or ``None`` before a handshake.
        """
        if not _lib.SSL_get_session(self._ssl):
            return None
        return _key_material(_lib.SSL_get_client_random, self._ssl)

    def server_random(self) -> Optional[bytes]:
        """The random value of the server hello.

        :return: ``bytes``, or ``None`` before a handshake.
        """
        if not _lib.SSL_get_session(self._ssl):
            return None
        return _key_material(_lib.SSL_get_server_random, self._ssl)

    def master_key(self) -> Optional[bytes]:
        """The master key of the session.

        :return: ``bytes``, or ``None`` before a handshake.
        """
        session = _lib.SSL_get_session(self._ssl)
        if not session:
            return None
        return _key_material(_lib.SSL_SESSION_get_master_key, session)

    def export_keying_material(self, label: bytes, olen: int,
                               context: Optional[bytes] = None) -> bytes:
        """Derive keying material for the application from the session
        (RFC 5705; RFC 8446 section 7.5 for TLS 1.3), the same on both
        sides: SRTP keys (label ``b"EXTRACTOR-dtls_srtp"``), channel
        bindings, ...

        :param bytes label: The label; labels of registered uses are in
            IANA's "TLS Exporter Labels" registry, private ones start with
            ``b"EXPERIMENTAL"``.
        :param int olen: How many bytes to derive.
        :param context: (optional) ``bytes`` given to the derivation; no
            context (``None``) and an empty one give different results.
        :return: *olen* bytes.
        :raises TypeError: if *label* or *context* is not ``bytes``, or
            *olen* not an integer.
        :raises ValueError: if *olen* is negative.
        :raises OverflowError: if *olen* is too large.
        :raises Error: before the handshake is complete, or if OpenSSL
            refuses the label.

        .. versionadded:: 16.2.0 (pyOpenSSL)
        """
        if not isinstance(label, bytes):
            raise TypeError("label must be a byte string")
        if context is not None and not isinstance(context, bytes):
            raise TypeError("context must be a byte string or None")
        olen = int_arg(olen, "olen")
        if olen < 0:
            raise ValueError("olen must not be negative")
        # At most INT_MAX: 1.0.2's PRF takes the length as an int (a larger
        # size_t wraps inside OpenSSL and corrupts the heap).
        olen = c_int_arg(olen, "olen")
        if not _SSL_is_init_finished(self._ssl):
            # (1.1.1 dereferences the missing session: never call it then.)
            raise synthetic_error("SSL_export_keying_material",
                                  "the handshake is not complete")
        out = create_string_buffer(olen or 1)
        result = _lib.SSL_export_keying_material(
            self._ssl, out, olen, label, len(label), context,
            0 if context is None else len(context),
            0 if context is None else 1)
        if result != 1:
            raise_error_queue("SSL_export_keying_material")
        return out.raw[:olen]

    @requires("SSL_get_group_name", "The key-exchange group name", "1.1.1")
    def get_group_name(self) -> Optional[str]:
        """The group (curve) of the key exchange, with OpenSSL 3's names:
        ``"x25519"``, ``"secp256r1"``, ``"X25519MLKEM768"``...

        :return: ``str``, or ``None`` before a handshake and when the key
            exchange used no named group (RSA key transport, TLS 1.2
            finite-field Diffie-Hellman).
        :raises NotImplementedError: before OpenSSL 1.1.1.

        .. versionadded:: 24.3.0 (pyOpenSSL)
        """
        if not _lib.SSL_get_session(self._ssl):
            return None                # (OpenSSL may crash without one)
        name = _lib.SSL_get_group_name(self._ssl)
        return name.decode("ascii") if name else None

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

    # -- OCSP and SRTP ----------------------------------------------------

    def request_ocsp(self) -> None:
        """Ask the server to staple an OCSP response to the handshake
        (call on a client before the handshake).  The context's
        :meth:`Context.set_ocsp_client_callback` judges the response.

        :raises Error: if OpenSSL refuses.
        :return: None

        .. versionadded:: 16.2.0 (pyOpenSSL)
        """
        if ocsp.request(self._ssl) != 1:
            raise_error_queue("SSL_set_tlsext_status_type")

    def get_selected_srtp_profile(self) -> bytes:
        """The SRTP protection profile negotiated (DTLS-SRTP; see
        :meth:`Context.set_tlsext_use_srtp`).

        :return: Its name (``bytes``), or ``b""`` if none was negotiated
            (yet).

        .. versionadded:: 20.0.0 (pyOpenSSL)
        """
        return srtp.selected(self._ssl)

    # -- ALPN / NPN -------------------------------------------------------

    @requires("SSL_set_alpn_protos", "ALPN", _ALPN_NEEDS)
    def set_alpn_protos(self, protos: Sequence[bytes]) -> None:
        """Set the protocols this client offers by ALPN.

        :param protos: A list of byte strings.
        :raises ValueError: if *protos* is empty, or a protocol is empty or
            longer than 255 bytes.
        :return: None
        """
        data = encode_protocols(protos, allow_empty=False)
        if _lib.SSL_set_alpn_protos(self._ssl, data, len(data)) != 0:
            raise_error_queue("SSL_set_alpn_protos")

    @requires("SSL_get0_alpn_selected", "ALPN", _ALPN_NEEDS)
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

    @requires("SSL_get0_next_proto_negotiated", "NPN", _NPN_NEEDS)
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
