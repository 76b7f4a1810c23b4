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

import collections
import itertools
import os
import threading
import warnings
import weakref
from ctypes import byref, c_char_p, c_void_p, create_string_buffer, string_at

from . import _loader

lib = _loader.load()

# ----------------------------------------------------------------- text --


def text(value):
    """Decode a C string (``bytes`` or ``None`` from ``c_char_p``) to str."""
    if not value:
        return ""
    return value.decode("utf-8", "replace")


def byte_string(value):
    """``str`` -> ``bytes`` as Latin-1 (pyOpenSSL's ``byte_string``)."""
    return value.encode("charmap")


def path_bytes(path, name="path"):
    """A file name (``str``, ``bytes`` or path-like) as ``bytes``.

    :raises TypeError: for anything else.
    """
    if isinstance(path, bytes):
        return path
    if isinstance(path, str) or hasattr(path, "__fspath__"):
        return os.fsencode(path)
    raise TypeError("%s must be bytes or str, not %s" % (
        name, type(path).__name__))


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


def raise_current_error(exception_type):
    """Raise *exception_type* carrying the drained error queue."""
    raise exception_type(error_queue())


def make_assert(exception_type):
    """Return ``openssl_assert(ok)`` raising *exception_type* when not ok."""
    def openssl_assert(ok):
        if not ok:
            raise_current_error(exception_type)
    return openssl_assert


# ------------------------------------------------------------ ownership --

_deferred = collections.deque()  # type: collections.deque
_defer = bool(getattr(lib, "python_locking", False))


class _Local(threading.local):
    """Per-thread callback state; class defaults make lookups cheap (no
    AttributeError raised and caught on the I/O hot path)."""
    pending = None          # exceptions stored by callbacks
    depth = 0               # > 0 while inside a callback


_local = _Local()


def _free(free, ptr):
    if _defer:
        _deferred.append((free, ptr))
    else:
        free(ptr)


def drain_frees():
    """Run frees deferred by finalizers (1.0.2 with Python locking).

    Safe points are Python API calls outside any OpenSSL callback; this is a
    no-op inside a callback or when nothing is queued.
    """
    if not _deferred or _local.depth:
        return
    while True:
        try:
            free, ptr = _deferred.popleft()
        except IndexError:
            return
        free(ptr)


def own(obj, ptr, free, attr="_ptr"):
    """Make *obj* the single owner of the C handle *ptr*.

    :param obj: the Python object that owns the handle.
    :param ptr: the handle (an int); must not be NULL.
    :param free: the C function that releases it (e.g. ``lib.X509_free``).
    :param attr: the attribute of *obj* that holds the handle.
    :return: the :class:`weakref.finalize` object (call it to free early).
    """
    if not ptr:
        raise ValueError("cannot own a NULL handle")
    if _deferred:
        drain_frees()
    setattr(obj, attr, ptr)
    fin = weakref.finalize(obj, _free, free, ptr)
    fin.atexit = False
    finalizers = obj.__dict__.setdefault("_finalizers", {})
    finalizers[attr] = fin
    return fin


def disown(obj, attr="_ptr"):
    """Give the handle in ``obj.<attr>`` away (C takes ownership of it).

    :return: the handle; *obj* no longer frees it.
    """
    fin = obj.__dict__.get("_finalizers", {}).pop(attr, None)
    if fin is not None:
        fin.detach()
    return getattr(obj, attr)


def free_now(obj, attr="_ptr"):
    """Free the handle in ``obj.<attr>`` now (idempotent)."""
    fin = obj.__dict__.get("_finalizers", {}).pop(attr, None)
    if fin is not None:
        fin()


def keep(obj, *dependencies):
    """Record that *obj*'s C handle depends on *dependencies* staying alive."""
    obj.__dict__.setdefault("_depends_on", []).extend(dependencies)


# ------------------------------------------------------------ callbacks --

_thunks = []  # type: list


def _pending():
    pending = _local.pending
    if pending is None:
        pending = _local.pending = []
    return pending


def callback(prototype, fatal):
    """Decorator: build the ``CFUNCTYPE`` thunk for *func* once.

    :param prototype: the ``CFUNCTYPE`` type.
    :param fatal: what the thunk returns to C when *func* raises.
    :return: the thunk, kept alive for the life of the process.
    """
    def decorate(func):
        def thunk(*args):
            _local.depth = _local.depth + 1
            try:
                return func(*args)
            except BaseException as exc:  # noqa: B902 - re-raised later
                _pending().append(exc)
                return fatal
            finally:
                _local.depth -= 1
        cthunk = prototype(thunk)
        cthunk.__wrapped__ = func
        _thunks.append(cthunk)
        return cthunk
    return decorate


def callback_failed():
    """Whether a callback on this thread raised since the last check."""
    return bool(_local.pending)


def check_callbacks():
    """Re-raise the first exception a callback stored on this thread.

    Call right after a C function that may have called back.  The OpenSSL
    error queue (filled by the failure the callback caused) is cleared.
    """
    pending = _local.pending
    if pending:
        exc = pending[0]
        del pending[:]
        lib.ERR_clear_error()
        raise exc


def discard_callback_errors():
    """Forget exceptions stored by callbacks on this thread."""
    pending = _local.pending
    if pending:
        del pending[:]


class HandleTable(object):
    """Integer handles for Python objects passed through C ``void *``.

    OpenSSL gives some callbacks an opaque ``arg``; pass ``new(obj)`` there
    and get the object back in the callback with ``get(arg)``.
    """

    def __init__(self):
        self._objects = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def new(self, obj):
        with self._lock:
            key = next(self._ids)
            self._objects[key] = obj
        return key

    def get(self, key):
        return self._objects.get(key)

    def free(self, key):
        self._objects.pop(key, None)


handles = HandleTable()


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
        if self.ptr:
            lib.BIO_free(self.ptr)
            self.ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if self.ptr:
            _free(lib.BIO_free, self.ptr)
            self.ptr = None
