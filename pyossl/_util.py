"""Shared machinery: the bound library, errors, ownership, callbacks, text.

Every public module imports ``lib`` from here; importing this module loads
OpenSSL (see :mod:`pyossl._loader`).

Errors
    :func:`raise_current_error` drains OpenSSL's per-thread error queue into
    ``ExcClass([(lib, function, reason), ...])`` -- pyOpenSSL's form -- and
    :func:`openssl_assert` does so when a condition fails.

Ownership
    :func:`own` gives a Python object a C handle and a
    :class:`weakref.finalize` that frees it exactly once.  :func:`disown`
    hands the handle over to C.  On 1.0.2, while pyossl's Python locking
    callbacks are installed, finalizers never call OpenSSL: they queue the
    free, and :func:`drain_frees` runs the queue at the next safe point (a
    new handle being made, or an explicit call) -- the deadlock
    pyca/cryptography#3195 describes cannot happen.

Callbacks
    :func:`callback` turns a Python function into a ``CFUNCTYPE`` thunk made
    once and kept for the life of the process.  An exception raised inside
    is stored on the calling thread, the thunk returns the callback's
    *fatal* value, and :func:`check_callbacks` (called right after the C
    function that may have called back) re-raises it.
"""

import os
import warnings
from ctypes import byref, c_char_p, c_void_p, create_string_buffer, string_at

from . import _loader
from ._runtime import callbacks as _callbacks
from ._runtime import ownership as _ownership
from ._runtime.convert import path_arg

lib = _loader.load()

# ----------------------------------------------------------------- text --


def text(value):
    """Decode a C string (``bytes`` or ``None`` from ``c_char_p``) to str."""
    if not value:
        return ""
    return value.decode("utf-8", "replace")


def path_bytes(path, name="path"):
    """A file name (``str``, ``bytes`` or path-like) as ``bytes`` for C.

    :raises TypeError: for anything else.
    :raises ValueError: it contains a NUL byte.
    """
    return path_arg(path, name)


def text_to_bytes_and_warn(label, obj):
    """Accept ``str`` where bytes are wanted, with pyOpenSSL's warning."""
    if isinstance(obj, str):
        warnings.warn(
            "%s for %s is no longer accepted, use bytes" % (
                str.__name__, label),
            category=DeprecationWarning, stacklevel=3)
        return obj.encode("utf-8")
    return obj


# --------------------------------------------------------------- errors --

_get_error = lib.ERR_get_error
_lib_string = lib.ERR_lib_error_string
_reason_string = lib.ERR_reason_error_string
_func_string = (lib.ERR_func_error_string
                if lib.available("ERR_func_error_string") else None)


def _reason(code):
    reason = _reason_string(code)
    if reason:
        return text(reason)
    if lib.generation >= 2 and code & 0x80000000:   # ERR_SYSTEM_FLAG (3.x)
        return os.strerror(code & 0x7FFFFFFF)
    buf = create_string_buffer(256)
    lib.ERR_error_string_n(code, buf, 256)
    return text(buf.value)


def error_queue():
    """Drain the calling thread's error queue.

    :return: a list of ``(lib, function, reason)`` string tuples; the
        function is ``''`` where OpenSSL (3.0+) no longer records it.
    """
    errors = []
    while True:
        code = _get_error()
        if not code:
            return errors
        func = text(_func_string(code)) if _func_string else ""
        errors.append((text(_lib_string(code)), func, _reason(code)))


def clear_error_queue():
    """Discard whatever is on the calling thread's error queue."""
    lib.ERR_clear_error()


def raise_current_error(exception_type, function="", reason=None):
    """Raise *exception_type* carrying the drained error queue.

    Never an empty list: when OpenSSL queued nothing, the one entry is
    ``("pyossl", function, reason)`` (the C function that failed).
    """
    errors = error_queue()
    if not errors:
        errors = [("pyossl", function,
                   reason or ("%s failed" % function if function
                              else "the operation failed"))]
    raise exception_type(errors)


def make_assert(exception_type):
    """Return ``openssl_assert(ok, function="")`` raising *exception_type*
    (with a reason even when OpenSSL queued none) when not ok."""
    def openssl_assert(ok, function=""):
        if not ok:
            raise_current_error(exception_type, function)
    return openssl_assert


# ------------------------------------------------------------ ownership --
# The rules live in pyossl._runtime.ownership and ._runtime.callbacks; these
# names are what the wrappers import.

_ownership.defer_frees(getattr(lib, "python_locking", False))
_callbacks.set_error_clearer(lib.ERR_clear_error)

own = _ownership.own
free_now = _ownership.free_now
keep = _ownership.keep
drain_frees = _ownership.drain_frees
_deferred = _ownership._deferred
_free = _ownership._free
Owner = _ownership.Owner

callback = _callbacks.callback
callback_failed = _callbacks.callback_failed
check_callbacks = _callbacks.check_callbacks
ensure_hook = _callbacks.ensure_hook
_thunks = _callbacks._thunks
HandleTable = _callbacks.HandleTable
handles = _callbacks.handles


# ------------------------------------------------------------ memory BIO --

class MemBIO(object):
    """A temporary memory BIO, freed on exit from a ``with`` block.

    ``MemBIO()`` is writable (read its contents with :meth:`data`);
    ``MemBIO(data)`` is a read-only BIO over *data* (no copy).
    """

    __slots__ = ("ptr", "_buf")

    def __init__(self, data=None):
        if data is None:
            self._buf = None
            self.ptr = lib.BIO_new(lib.BIO_s_mem())
        else:
            if not isinstance(data, bytes):
                data = bytes(data)
            if len(data) > 0x7FFFFFFF:
                raise ValueError("data is too large for a memory BIO")
            self._buf = c_char_p(data)      # keeps the bytes alive
            self.ptr = lib.BIO_new_mem_buf(self._buf, len(data))
        if not self.ptr:
            raise MemoryError("BIO_new failed")

    def data(self):
        """The bytes written to the BIO so far."""
        out = c_void_p()
        size = lib.BIO_get_mem_data(self.ptr, byref(out))
        if size <= 0 or not out.value:
            return b""
        return string_at(out.value, size)

    def close(self):
        ptr, self.ptr = self.ptr, None     # forget first, then free
        if ptr:
            lib.BIO_free(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        ptr, self.ptr = self.ptr, None
        if ptr:
            _free(lib.BIO_free, ptr)
