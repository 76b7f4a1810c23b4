"""OpenSSL 1.0.2's locking callback, made of Python locks.

1.0.2 is thread-safe only when the application installs a locking callback
(``CRYPTO_set_locking_callback``); 1.1.0 and later lock by themselves and
this module is not used there.  :func:`install` is called once by
:func:`pyossl._loader.load` while it initialises a 1.0.2 build.

**Native callback (the default on x86-64 Linux).**  The callback needs no
Python at all: it is "lock (or unlock) mutex *n*", so pyossl writes a
38-byte x86-64 function that tail-calls ``pthread_mutex_lock`` or
``pthread_mutex_unlock`` on the *n*-th of an array of pthread mutexes, into
a page mapped writable, then made read+execute (never both).  No Python
runs inside OpenSSL's locking, so no interrupt can land there, none is
absorbed, and no lock operation can be skipped or doubled; a Ctrl-C that
arrives meanwhile is handled by Python once the C call has returned, as
for any other C call.  Nothing is compiled: the bytes are fixed, with
three addresses filled in (see :func:`_x86_64_stub`).  Where that is not
possible (another architecture or OS, a system that refuses executable
mappings) or when ``PYOSSL_LOCKING=python`` is set, the Python callback
below is used.

**Python callback.**  The callback is Python code, so an asynchronous exception (Ctrl-C, a
``signal.alarm`` handler, ``PyThreadState_SetAsyncExc``) can land in it, also
while it waits for a lock another thread holds.  Two rules make that safe
(docs/internals.rst, "OpenSSL 1.0.2 locking", has the argument):

1. **The lock operation always completes before C goes on.**  Operations
   are idempotent per thread ("hold lock *n*" / "do not hold it"), so the
   callback simply retries an interrupted one until it ran to its end.  An exception that escapes the callback anyway (at
   its first bytecode) is completed the same way by the thunk's rescue,
   which :mod:`pyossl._runtime.callbacks` runs with the C arguments.
2. **The exception is delivered afterwards, in the same thread.**  C cannot
   take an exception, so the interrupt is postponed, as if it had arrived
   a moment later: :func:`_postpone` raises it again (a new instance of its
   class) in the thread with ``PyThreadState_SetAsyncExc`` (CPython), armed
   from a finalizer that runs in C once the callback's Python code is done.  It then comes
   out at the thread's next bytecode check: in the caller once the C call
   returned, or at the start of the next callback of the same C call, which
   handles it like any interrupt (a later locking callback postpones it
   again).  Where that API is missing (PyPy) the exception is absorbed.
"""

import atexit
import ctypes
import functools
import os
import platform
import struct
import sys
import threading

__all__ = ["install"]

_keepalive = []  # type: list  # the thunk and its locks, for the process
# Attribute of an interrupted exception that holds its postponer: the
# exception is dropped in C after the callback returned, which re-raises it.
_POSTPONER = "_pyossl_postponed"
_state = {"set_async_exc": None, "postponed": 0, "absorbed": 0}


def _async_exc_setter():
    """CPython's ``PyThreadState_SetAsyncExc``, or ``None`` (PyPy)."""
    try:
        func = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except (AttributeError, ValueError):
        return None
    func.argtypes = (ctypes.c_ulong, ctypes.py_object)
    func.restype = ctypes.c_int
    return func


def _postpone(exc):
    """Arrange for *exc* to be raised again in this thread once the current
    callback has returned to C (see the module docstring).

    ``PyThreadState_SetAsyncExc`` raises a *class* (every CPython 3.8-3.13
    refuses an instance with ``SystemError``), so the caller gets a new
    instance of *exc*'s class: for :exc:`KeyboardInterrupt`, exactly what
    SIGINT raises; the arguments of another exception are not carried
    (a carrier class whose ``__new__`` returned the instance ran Python
    code while the exception was being raised, and lost it far more often).
    The call is made by the ``__del__`` of an object hung on *exc*, which
    runs when *exc* is dropped: in C after the callback returned (ctypes or
    the unraisable hook let go of it), or at the very end of the callback's
    ``except`` clause, with no bytecode check between it and the return to
    C on CPython 3.10+ (on 3.8/3.9 it may fire in the thunk's last lines,
    and the thunk's rescue postpones it once more).  Nothing on that path
    is Python code: a ``functools.partial`` of the ctypes function.
    """
    setter = _state["set_async_exc"]
    if setter is None or exc is None:
        # No way to raise it again (PyPy), or a rescue was not given the
        # exception: the operation was completed, the interrupt is lost.
        _state["absorbed"] += 1
        return
    if hasattr(exc, _POSTPONER):    # handled twice (body, then rescue)
        return
    carrier = type(exc)
    arm = functools.partial(setter, threading.get_ident(), carrier)
    postponer = type("_Postponer", (object,), {
        "__slots__": (), "__del__": staticmethod(arm)})()
    try:
        setattr(exc, _POSTPONER, postponer)
        _state["postponed"] += 1
    except Exception:  # noqa: B902 - no attribute: absorbed
        _state["absorbed"] += 1


# Native callback (x86-64 Linux): one mutex per OpenSSL lock, MUTEX_STRIDE
# bytes apart (at least sizeof(pthread_mutex_t): 40 on glibc and musl).
MUTEX_STRIDE = 64
_native = {"mutexes": None, "count": 0, "trylock": None, "unlock": None}


def _x86_64_stub(mutexes, lock, unlock):
    """The machine code of ``void locking(int mode, int n, const char *file,
    int line)`` (System V AMD64 ABI: *mode* in ``edi``, *n* in ``esi``)::

        movslq %esi, %rsi            ; n, sign-extended
        shl    $6, %rsi              ; n * MUTEX_STRIDE
        movabs $mutexes, %rax
        add    %rax, %rsi            ; &mutexes[n]
        test   $1, %dil              ; mode & CRYPTO_LOCK
        mov    %rsi, %rdi            ; first argument (flags unchanged)
        je     1f
        movabs $pthread_mutex_lock, %rax
        jmp    *%rax                 ; tail call: returns to OpenSSL
    1:  movabs $pthread_mutex_unlock, %rax
        jmp    *%rax
    """
    return b"".join((
        b"\x48\x63\xf6",                       # movslq %esi,%rsi
        b"\x48\xc1\xe6\x06",                   # shl $6,%rsi
        b"\x48\xb8", struct.pack("<Q", mutexes),  # movabs $mutexes,%rax
        b"\x48\x01\xc6",                       # add %rax,%rsi
        b"\x40\xf6\xc7\x01",                   # test $1,%dil
        b"\x48\x89\xf7",                       # mov %rsi,%rdi
        b"\x74\x0c",                           # je +12
        b"\x48\xb8", struct.pack("<Q", lock),     # movabs $lock,%rax
        b"\xff\xe0",                           # jmp *%rax
        b"\x48\xb8", struct.pack("<Q", unlock),   # movabs $unlock,%rax
        b"\xff\xe0",                           # jmp *%rax
    ))


def _libc_function(libc, name, restype, *argtypes):
    func = getattr(libc, name)
    func.restype = restype
    func.argtypes = argtypes
    return func


def _native_callback(count, crypto_lock):
    """Make the native locking callback for *count* locks.

    :return: its address, or ``None`` where it cannot be made (then the
        Python callback is used).
    """
    if (os.environ.get("PYOSSL_LOCKING", "") == "python"
            or not sys.platform.startswith("linux")
            or platform.machine().lower() not in ("x86_64", "amd64")
            or struct.calcsize("P") != 8 or crypto_lock != 1):
        return None
    try:
        libc = ctypes.CDLL(None)
        c_void_p, c_int, c_size_t = ctypes.c_void_p, ctypes.c_int, \
            ctypes.c_size_t
        mmap = _libc_function(libc, "mmap", c_void_p, c_void_p, c_size_t,
                              c_int, c_int, c_int, ctypes.c_long)
        mprotect = _libc_function(libc, "mprotect", c_int, c_void_p,
                                  c_size_t, c_int)
        munmap = _libc_function(libc, "munmap", c_int, c_void_p, c_size_t)
        init = _libc_function(libc, "pthread_mutex_init", c_int, c_void_p,
                              c_void_p)
        trylock = _libc_function(libc, "pthread_mutex_trylock", c_int,
                                 c_void_p)
        unlock = _libc_function(libc, "pthread_mutex_unlock", c_int,
                                c_void_p)
        lock = _libc_function(libc, "pthread_mutex_lock", c_int, c_void_p)
    except (AttributeError, OSError):
        return None
    # The mutexes live as long as the process (C may lock until exit).
    mutexes = ctypes.create_string_buffer(MUTEX_STRIDE * max(count, 1))
    base = ctypes.addressof(mutexes)
    for n in range(count):
        if init(base + n * MUTEX_STRIDE, None) != 0:
            return None
    code = _x86_64_stub(base, ctypes.cast(lock, c_void_p).value,
                        ctypes.cast(unlock, c_void_p).value)
    page = 4096
    prot_read, prot_write, prot_exec = 1, 2, 4
    map_private, map_anonymous = 0x02, 0x20
    addr = mmap(None, page, prot_read | prot_write,
                map_private | map_anonymous, -1, 0)
    if not addr or addr == ctypes.c_void_p(-1).value:
        return None
    ctypes.memmove(addr, code, len(code))
    if mprotect(addr, page, prot_read | prot_exec) != 0:
        munmap(addr, page)      # W^X policy (SELinux execmem, PaX...)
        return None
    _native.update(mutexes=mutexes, count=count, trylock=trylock,
                   unlock=unlock)
    _keepalive.append(mutexes)
    return addr


def install(lib):
    """1.0.2 only: make libcrypto thread-safe, with the native callback
    over pthread mutexes where it can be made, else with Python locks.

    The locking callback is a pyossl thunk over one :class:`threading.RLock`
    per OpenSSL lock.  Its operations are idempotent ("make sure this thread
    holds lock *n*" / "... does not hold it"; 1.0.2 never takes a lock it
    already holds), so an interrupted operation is retried until it
    completed, in the callback itself or, for an exception that escaped it,
    in the thunk's rescue (run by :mod:`pyossl._runtime.callbacks` with the
    C arguments); the interrupt is then raised again once C has returned
    (see the module docstring).  An unlock of a lock this thread does not
    hold is ignored instead of raising, and a lock this thread already holds
    is not waited for (no self-deadlock).  No thread-id callback is
    installed: 1.0.2's default (the address of the thread's ``errno``) is
    right on every platform pyossl supports and needs no Python code.

    Sets ``lib.python_locking`` and ``lib.locking`` (a description).
    """
    if lib.CRYPTO_get_locking_callback():
        lib.python_locking = False
        lib.locking = "callback already installed by another module"
        return
    count = lib.CRYPTO_num_locks()
    native = _native_callback(count, lib.CRYPTO_LOCK)
    if native is not None:
        lib.CRYPTO_set_locking_callback(native)
        lib.python_locking = False
        lib.locking = "pyossl native callback over pthread mutexes (%d)" % (
            count,)
        return
    from .callbacks import callback
    from .._binding import decls_core
    _state["set_async_exc"] = _async_exc_setter()
    locks = [threading.RLock() for _ in range(lib.CRYPTO_num_locks())]
    crypto_lock = lib.CRYPTO_LOCK

    def operate(mode, n):
        lock = locks[n]
        if mode & crypto_lock:
            if not lock._is_owned():
                lock.acquire()
        elif lock._is_owned():
            lock.release()

    def finish(mode, n, exc):
        """Complete the operation *exc* interrupted, then postpone *exc*.

        Each retry is inside a ``try``; the points outside one (this
        function's first bytecode, the loop's back edge, the ``except``
        clauses) are a few bytecodes long and need yet another interrupt
        there, which the caller's layer (the thunk's rescue) handles the
        same way."""
        try:
            while True:
                try:
                    operate(mode, n)
                    break
                except BaseException:  # noqa: B902 - a further interrupt
                    pass               # (only the first one is delivered)
            _postpone(exc)
        except BaseException:  # noqa: B902 - escaped a back edge: again
            finish(mode, n, exc)

    def rescue(args, exc=None):
        # The thunk's rescue: an exception escaped the callback's body (at
        # its first bytecode) or the thunk; complete the call from its C
        # arguments.  *exc* is given by callbacks that pass it on.
        if args is not None:
            finish(args[0], args[1], exc)

    @callback(decls_core.LOCKING_CB, None, on_lost=rescue, repairs=True)
    def locking(mode, n, file, line):
        try:
            lock = locks[n]
            if mode & crypto_lock:
                if not lock._is_owned():
                    lock.acquire()
            elif lock._is_owned():
                lock.release()
        except BaseException as exc:  # noqa: B902 - completed, postponed
            finish(mode, n, exc)

    # Kept for the life of the process: C may call it until exit.
    _keepalive.extend([locking, locks])
    lib.CRYPTO_set_locking_callback(ctypes.cast(locking, ctypes.c_void_p))
    lib.python_locking = True
    lib.locking = "pyossl Python locks (%d)" % len(locks)

    def uninstall(setter=lib.CRYPTO_set_locking_callback):
        setter(None)
    atexit.register(uninstall)


def held():
    """The numbers of the OpenSSL locks held right now, by any thread (a
    test's check that none was left held; call it when no thread is inside
    OpenSSL)."""
    if _native["mutexes"] is not None:
        base = ctypes.addressof(_native["mutexes"])
        result = []
        for n in range(_native["count"]):
            mutex = base + n * MUTEX_STRIDE
            if _native["trylock"](mutex) == 0:
                _native["unlock"](mutex)
            else:
                result.append(n)
        return result
    if not _keepalive:
        return []
    result = []
    for n, lock in enumerate(_keepalive[1]):
        if lock._is_owned() or not lock.acquire(False):
            result.append(n)
        else:
            lock.release()
    return result


def statistics():
    """How many interrupts the locking callback postponed (raised again
    after its C call; one interrupt can be postponed more than once, by
    each callback of the same C call it lands in again) and absorbed (the
    operation was completed but the interrupt could not be raised again:
    no ``PyThreadState_SetAsyncExc`` (PyPy), or a rescue that was not given
    the exception), as a dict."""
    return {"postponed": _state["postponed"], "absorbed": _state["absorbed"]}
