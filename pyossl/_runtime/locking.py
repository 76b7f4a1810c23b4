"""OpenSSL 1.0.2's locking callback, made of Python locks.

1.0.2 is thread-safe only when the application installs a locking callback
(``CRYPTO_set_locking_callback``); 1.1.0 and later lock by themselves and
this module is not used there.  :func:`install` is called once by
:func:`pyossl._loader.load` while it initialises a 1.0.2 build.
"""

import atexit
import ctypes
import threading

__all__ = ["install"]

_keepalive = []  # type: list  # the thunk and its locks, for the process


def install(lib):
    """1.0.2 only: make libcrypto thread-safe with Python locks.

    The locking callback is a pyossl thunk whose operations are idempotent
    ("make sure this thread holds lock *n*" / "... does not hold it"; 1.0.2
    never takes a lock it already holds), so it survives asynchronous
    exceptions: when one escapes the thunk before its operation ran, the
    thunk's rescue (run from the unraisable hook, see
    :mod:`pyossl._runtime.callbacks`) performs it; an operation that ran
    twice changes nothing; a release of a lock this thread does not hold is
    ignored instead of raising, and a lock this thread already holds is not
    waited for (no self-deadlock).  No thread-id callback is installed:
    1.0.2's default (the address of the thread's ``errno``) is right on
    every platform pyossl supports and needs no Python code.

    Sets ``lib.python_locking`` and ``lib.locking`` (a description).
    """
    if lib.CRYPTO_get_locking_callback():
        lib.python_locking = False
        lib.locking = "callback already installed by another module"
        return
    from .callbacks import callback
    from .._binding import decls_core
    locks = [threading.RLock() for _ in range(lib.CRYPTO_num_locks())]
    crypto_lock = lib.CRYPTO_LOCK

    def operate(mode, n):
        lock = locks[n]
        if mode & crypto_lock:
            if not lock._is_owned():
                lock.acquire()
        elif lock._is_owned():
            lock.release()

    def rescue(args):
        if args is not None:
            operate(args[0], args[1])

    @callback(decls_core.LOCKING_CB, None, on_lost=rescue, repairs=True)
    def locking(mode, n, file, line):
        operate(mode, n)

    # Kept for the life of the process: C may call it until exit.
    _keepalive.extend([locking, locks])
    lib.CRYPTO_set_locking_callback(ctypes.cast(locking, ctypes.c_void_p))
    lib.python_locking = True
    lib.locking = "pyossl Python locks (%d)" % len(locks)

    def uninstall(setter=lib.CRYPTO_set_locking_callback):
        setter(None)
    atexit.register(uninstall)
