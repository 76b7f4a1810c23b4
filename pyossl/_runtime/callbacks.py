"""C callbacks (thunks) that fail closed, and the user's exception re-raised
after the C call.

ctypes runs a thunk's Python function and, if an exception escapes it,
reports the exception through :data:`sys.unraisablehook` and returns
*whatever is in libffi's return slot* to C: often the previous call's
result.  An asynchronous exception (Ctrl-C,
a ``signal.alarm`` handler, a task runner's timeout) can escape any Python
function at its first bytecode, before a ``try`` is entered.  So no thunk
can rely on its body having run.  The rule, enforced here for every thunk:

1. The body runs inside ``try/except BaseException``: an exception it
   raises is stored on the calling thread and the thunk returns *fatal*,
   the value that makes OpenSSL fail (or ignore) the operation.
2. An exception that escapes anyway (raised at the thunk's entry, or in its
   ``except`` clause) reaches ctypes' unraisable hook.  pyossl's hook
   (installed in front of the user's, see :func:`ensure_hook`) recognises
   its own thunks, stores the exception as in 1., marks the thread's call
   as *lost*, and runs the thunk's ``on_lost`` rescue with the thunk's
   arguments (the 1.0.2 locking thunk completes its lock operation there;
   the SSL thunks mark their connection).
3. :func:`check_callbacks`, called right after the C function that may
   have called back, re-raises the first stored exception; when a call was
   lost it first poisons the owner it is given (a :class:`Connection`
   refuses further I/O), because C went on with an unknown result.
4. Thunks whose result C trusts for security (certificate verification)
   additionally keep their state in C-visible form that fails closed when
   the body never ran (see ``pyossl.SSL``'s verify thunk).

On PyPy, ctypes does not call :data:`sys.unraisablehook` for an exception
that escapes a callback (it prints it and returns 0, which for some
callbacks is success: ``SSL_TLSEXT_ERR_OK``), so layers 2 and 3 would never
run.  There the thunks are built with cffi (part of PyPy, ABI mode, no
compiler): ``ffi.callback(..., error=fatal, onerror=...)`` returns *fatal*
to C for an exception that escapes, wherever it landed, and its
``onerror`` does what the unraisable hook does in 2.  The C code gets the
callback's address as a ctypes function pointer of the same prototype, so
nothing else differs.  ``PYOSSL_THUNKS=cffi`` selects this on CPython too
(where cffi is installed), ``PYOSSL_THUNKS=ctypes`` forces ctypes.

Thunks are built once, at import, and kept for the life of the process.
"""

import atexit
import collections
import ctypes
import os
import sys
import threading

from . import ownership

__all__ = ["callback", "check_callbacks", "callback_failed", "ensure_hook",
           "drain", "installed_hook", "records", "HandleTable", "handles"]


class _Local(threading.local):
    """Per-thread callback state; class defaults keep lookups cheap."""
    pending = None          # exceptions stored by callbacks on this thread
    lost = False            # an exception escaped a thunk (C saw garbage)
    ssl = None              # weak reference to the Connection of this
    #                         thread's last C call (see _ssl.connection)


_local = _Local()
_thunks = []  # type: list  # the CFUNCTYPE objects, kept alive
_rescues = {}  # type: dict  # thunk's Python function -> on_lost or None
_hook_state = {"previous": None, "clear_errors": None}
_rescues_by_body = {}  # type: dict  # the thunk's body -> on_lost or None
_thunk_code = [None]  # type: list  # the code object every thunk shares
_repairing = set()  # type: set  # on_lost rescues that repair the lost call
_THUNK_NAME = "_make_thunk.<locals>.thunk"
# The unraisable records of the builtin hook (layer 2), oldest first;
# appended by C (``deque.append`` is atomic), removed by drain().
records = collections.deque()  # type: collections.deque
_record = records.append    # bound once: sys.unraisablehook is compared to it


def _want_cffi():
    choice = os.environ.get("PYOSSL_THUNKS", "")
    if choice == "ctypes":
        return False
    return choice == "cffi" or sys.implementation.name == "pypy"


class _Cffi(object):
    """cffi's ``FFI`` and the argument converters of cffi-built thunks
    (made on first use)."""
    ffi = None
    # ctypes type -> (C type name, converter of cffi's value to what a
    # ctypes thunk would have received)
    types = {}  # type: dict

    @classmethod
    def load(cls):
        if cls.ffi is None:
            import cffi  # type: ignore[import-untyped,import-not-found,unused-ignore]
            ffi = cffi.FFI()
            null = ffi.NULL

            def pointer(value, cast=ffi.cast):
                return int(cast("uintptr_t", value)) or None

            def string(value, to_bytes=ffi.string):
                return None if value == null else to_bytes(value)

            plain = None
            cls.types = {
                ctypes.c_int: ("int", plain),
                ctypes.c_uint: ("unsigned int", plain),
                ctypes.c_long: ("long", plain),
                ctypes.c_ulong: ("unsigned long", plain),
                ctypes.c_size_t: ("size_t", plain),
                ctypes.c_void_p: ("void *", pointer),
                ctypes.c_char_p: ("char *", string),
            }
            cls.ffi = ffi
        return cls.ffi

    @classmethod
    def signature(cls, prototype):
        """The C declaration of *prototype* and its argument converters."""
        restype = prototype._restype_
        result = "void" if restype is None else cls.types[restype][0]
        names, converters = [], []
        for argtype in prototype._argtypes_:
            name, converter = cls.types[argtype]
            names.append(name)
            converters.append(converter)
        return ("%s(*)(%s)" % (result, ", ".join(names) or "void"),
                tuple(converters))


def _python_args(args, converters):
    """The arguments a ctypes thunk would have seen, from cffi's *args*."""
    return tuple(value if convert is None else convert(value)
                 for convert, value in zip(converters, args))


def _pending():
    pending = _local.pending
    if pending is None:
        pending = _local.pending = []
    return pending


def callback(prototype, fatal, on_lost=None, repairs=False):
    """Decorator: build the ``CFUNCTYPE`` thunk for *func* once.

    :param prototype: the ``CFUNCTYPE`` type.
    :param fatal: what the thunk returns to C when *func* raises (``None``
        for ``void`` callbacks).
    :param on_lost: called as ``on_lost(args)`` (the C arguments, or
        ``None`` when they cannot be recovered) when an exception escaped
        the thunk, so C saw an undefined result; it must be idempotent and
        must not raise.
    :param repairs: *on_lost* fully completes what the lost call should
        have done (the 1.0.2 locking thunk), so the owner of the C call is
        not poisoned and the exception is not stored (it is absorbed).
        Such a thunk also calls ``on_lost(args, exc)`` when the body
        raised *exc* (it may have stopped before doing its work), instead
        of storing *exc*.
    :return: the thunk (its ``__wrapped__`` is *func*).
    """
    def decorate(func):
        if _want_cffi():
            return _cffi_thunk(prototype, fatal, on_lost, repairs, func)
        thunk = _make_thunk(func, fatal, on_lost, repairs, None)
        cthunk = prototype(thunk)
        cthunk.__wrapped__ = func
        _thunks.append(cthunk)
        ensure_hook()
        return cthunk
    return decorate


def _make_thunk(func, fatal, on_lost, repairs, converters):
    """The Python function C calls: *func* run by the rules above.

    :param converters: ``None`` (ctypes converted the arguments), or the
        converters of a cffi-built thunk's arguments.
    """
    def thunk(*args):
        try:
            if converters is None:
                return func(*args)
            return func(*_python_args(args, converters))
        except BaseException as exc:  # noqa: B902 - re-raised later
            if repairs:
                # 1.0.2 locking: complete the operation now (an exception
                # at the body's first bytecode skipped it).
                try:
                    on_lost(args if converters is None
                            else _python_args(args, converters), exc)
                except BaseException:  # noqa: B902 - must not raise
                    pass
                return fatal
            _pending().append(exc)
            return fatal
    _rescues[thunk] = on_lost
    _rescues_by_body[func] = on_lost
    if repairs and on_lost is not None:
        _repairing.add(on_lost)
    _thunk_code[0] = thunk.__code__     # the same for every thunk
    ownership.thunk_codes.add(thunk.__code__)
    return thunk


def _cffi_thunk(prototype, fatal, on_lost, repairs, func):
    """:func:`callback` on PyPy: a cffi callback that returns *fatal* for
    any exception that escapes, and whose ``onerror`` stores it, marks the
    call lost and runs *on_lost*, as the unraisable hook does for ctypes
    thunks (docs/internals.rst, "The C boundary")."""
    ffi = _Cffi.load()
    declaration, converters = _Cffi.signature(prototype)
    thunk = _make_thunk(func, fatal, on_lost, repairs, converters)

    def onerror(exc_type, exc_value, tb):
        # Runs in the thread of the lost call; cffi returns *fatal* to C
        # whatever happens here (also when a second exception lands).
        args = None
        frame = _thunk_frame(tb, func)
        if frame is not None:
            try:
                args = _python_args(frame.f_locals["args"], converters)
            except BaseException:  # noqa: B902 - keep what is known
                args = None
        _lost(on_lost, repairs, args, exc_value)

    options = {"onerror": onerror}
    if prototype._restype_ is not None:
        options["error"] = fatal
    handle = ffi.callback(declaration, thunk, **options)
    cthunk = prototype(int(ffi.cast("uintptr_t", handle)))
    cthunk.__wrapped__ = func
    _thunks.append(cthunk)
    _thunks.append(handle)
    return cthunk


def _thunk_frame(tb, body=None):
    """The frame of a pyossl thunk in the traceback *tb*, or ``None``.

    With *body* (the thunk's Python function, known to cffi's
    ``onerror``), the callers of the innermost frame are searched too: an
    exception that a trace function raises as the thunk's frame starts has
    a traceback without that frame on PyPy."""
    code = _thunk_code[0]
    last = None
    while tb is not None:
        last = tb.tb_frame
        if last.f_code is code:
            return last
        tb = tb.tb_next
    depth = 0
    while body is not None and last is not None and depth < 8:
        if last.f_code is code and last.f_locals.get("func") is body:
            return last
        last = last.f_back
        depth += 1
    return None


def _lost(rescue, repairs, args, exc):
    """An exception *exc* escaped a thunk whose rescue is *rescue*: C saw
    the fatal (cffi) or an undefined (ctypes) result."""
    if repairs and rescue is not None:
        # The rescue completes the call (1.0.2 locking): nothing is
        # poisoned, and the exception is not stored either, since no check
        # would tell which call it belongs to (docs/internals.rst: on 1.0.2
        # such an interrupt is absorbed).
        try:
            rescue(args)
        except BaseException:   # noqa: B902 - a rescue must not raise
            pass
        return
    _local.lost = True
    _pending().append(exc)
    if rescue is not None:
        try:
            rescue(args)
        except BaseException:   # noqa: B902 - a rescue must not raise
            pass


def _identify(unraisable):
    """``(rescue, args, caller)`` of the pyossl thunk an unraisable
    exception escaped from (*caller*: the frame that made the C call, when
    known), or ``None`` when it is not pyossl's."""
    # ctypes names the thunk as the unraisable's object up to Python 3.12;
    # 3.13 puts it in the message instead (object None).  Either way the
    # traceback holds the thunk's frame when the exception arose in it.
    func = unraisable.object
    try:
        known = func in _rescues
    except TypeError:           # an unhashable object
        known = False
    frame = _thunk_frame(unraisable.exc_traceback)
    if not known and frame is None and _THUNK_NAME not in str(
            getattr(unraisable, "err_msg", None) or ""):
        return None
    rescue = _rescues.get(func) if known else None
    args = caller = None
    if frame is not None:
        local_vars = frame.f_locals
        args = local_vars.get("args")
        caller = frame.f_back
        if rescue is None:
            rescue = _rescues_by_body.get(local_vars.get("func"))
    return rescue, args, caller


def _on_stack(frame, top):
    while top is not None:
        if top is frame:
            return True
        top = top.f_back
    return False


def _whose(caller):
    """Whose lost call a record is: ``"mine"`` (the frame *caller* that
    made the C call is on this thread's stack: its drain runs after that
    call), ``"other"`` (on another thread's: that thread drains it when its
    call returns) or ``"stale"`` (the call's frame has ended: a second
    exception left it before its drain)."""
    if caller is None or _on_stack(caller, sys._getframe(1)):
        return "mine"
    me = threading.get_ident()
    for ident, top in sys._current_frames().items():
        if ident != me and _on_stack(caller, top):
            return "other"
    return "stale"


def _forward(unraisable):
    """Give an unraisable record that is not pyossl's to the hook that was
    installed before pyossl's."""
    previous = _hook_state["previous"]
    if previous is None or previous is _record or previous is _hook:
        previous = sys.__unraisablehook__
    try:
        previous(unraisable)
    except Exception:           # as CPython does for a failing hook
        sys.__unraisablehook__(unraisable)


def _hook(unraisable):
    """The Python unraisable hook (layer 2 during the C call): used while a
    thunk's rescue must complete the lost call inside C."""
    found = _identify(unraisable)
    if found is None:
        return _forward(unraisable)
    rescue, args, _ = found
    _lost(rescue, rescue in _repairing, args, unraisable.exc_value)
    return None


def _discard(unraisable):
    """Remove *unraisable* from the records; ``False`` if another thread
    did.  (``deque.remove`` finds it by identity first.)"""
    try:
        records.remove(unraisable)
    except ValueError:
        return False
    return True


def drain():
    """Process the records of the builtin unraisable hook (layer 2, after
    the C call).

    A record of this thread's C call (found by the frame that made the
    call) is processed here: its rescue runs, the call is marked lost and
    its exception stored, to be re-raised by :func:`check_callbacks`.  One
    of a call still running on another thread is left to that thread.  A
    *stale* one (its call's frame ended before its drain: a second
    exception) only gets its rescue, unless that rescue works on this
    thread's current connection (``thread_bound``).  Records that are not
    pyossl's go to the previous hook.

    Safe against an exception arriving at any point: a record is removed
    only after its rescue ran (rescues are idempotent), so an interrupted
    drain leaves it for the next one; the exception is stored by the
    thread that removed the record, so it is re-raised once."""
    for unraisable in list(records):    # (a snapshot, taken atomically)
        found = _identify(unraisable)
        if found is None:
            if _discard(unraisable):
                _forward(unraisable)
            continue
        rescue, args, caller = found
        whose = _whose(caller)
        if whose == "other":
            continue
        if rescue is not None and (
                whose == "mine" or not getattr(rescue, "thread_bound", False)):
            try:
                rescue(args)
            except BaseException:   # noqa: B902 - a rescue must not raise
                pass
        if whose == "stale" or rescue in _repairing:
            _discard(unraisable)
            continue
        _local.lost = True
        if _discard(unraisable):
            _pending().append(unraisable.exc_value)


atexit.register(drain)


def installed_hook():
    """The unraisable hook pyossl puts in front: the builtin recorder, or
    :func:`_hook` while a thunk needs its rescue run during the C call (or
    for cffi-built thunks, which do not use the hook)."""
    if _repairing or _want_cffi():
        return _hook
    return _record


def ensure_hook():
    """Put pyossl's unraisable hook in front of the current one (cheap when
    it is already there).  Called before C calls that may call back, since
    test runners and applications replace ``sys.unraisablehook``."""
    current = getattr(sys, "unraisablehook", None)
    wanted = installed_hook()
    if current is wanted or current is None:
        return
    if current is not _hook and current is not _record:
        _hook_state["previous"] = current
    sys.unraisablehook = wanted


def set_error_clearer(clear):
    """Give this module OpenSSL's ``ERR_clear_error`` (bound at load)."""
    _hook_state["clear_errors"] = clear


def callback_failed():
    """Whether a callback on this thread raised since the last check."""
    if records:
        drain()
    return bool(_local.pending)


def check_callbacks(owner=None):
    """Re-raise the first exception a callback stored on this thread.

    Call right after a C function that may have called back.  OpenSSL's
    error queue (filled by the failure the callback caused) is cleared.

    :param owner: the object whose C call this was; when an exception
        escaped a thunk (C went on with an undefined result), its
        ``_callback_lost`` attribute is set to that exception, and the owner
        must refuse to go on.
    """
    if records:
        drain()
    pending = _local.pending
    if pending:
        exc = pending[0]
        del pending[:]
        if _local.lost:
            _local.lost = False
            if owner is not None:
                owner._callback_lost = exc
        clear = _hook_state["clear_errors"]
        if clear is not None:
            clear()
        raise exc


class HandleTable(object):
    """Integer handles for Python objects passed through C ``void *``.

    OpenSSL gives some callbacks an opaque ``arg``; pass ``new(obj)`` there
    and get the object back in the callback with ``get(arg)``.
    """

    def __init__(self):
        self._objects = {}
        self._next = 0
        self._lock = threading.Lock()

    def new(self, obj):
        with self._lock:
            self._next += 1
            key = self._next
            self._objects[key] = obj
        return key

    def get(self, key):
        return self._objects.get(key)

    def free(self, key):
        self._objects.pop(key, None)


handles = HandleTable()
