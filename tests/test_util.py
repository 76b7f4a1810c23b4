"""The ownership and callback mechanisms every wrapper class uses."""

import ctypes
import gc
import os
import sys
import threading

import pytest

from pyossl._binding import decls_core
from pyossl._runtime import callbacks as _callbacks
from pyossl._runtime import convert, ownership, scoped
from pyossl._runtime.library import lib
from pyossl._runtime.text import text


class Owner(object):
    pass


def _push_error():
    assert not lib.BIO_new_file(b"/nonexistent/pyossl-util", b"rb")


def test_own_frees_exactly_once_when_collected():
    obj = Owner()
    fin = ownership.own(obj, lib.BIO_new(lib.BIO_s_mem()), lib.BIO_free)
    assert fin.alive and obj._ptr
    del obj
    gc.collect()
    assert not fin.alive
    ownership.drain_frees()
    assert not ownership._deferred


def test_free_now_is_idempotent():
    obj = Owner()
    fin = ownership.own(obj, lib.BIO_new(lib.BIO_s_mem()), lib.BIO_free)
    ownership.free_now(obj)
    ownership.free_now(obj)
    assert not fin.alive
    ownership.drain_frees()


def test_own_refuses_null():
    with pytest.raises(ValueError):
        ownership.own(Owner(), None, lib.BIO_free)


def test_keep_records_dependencies():
    parent, child = Owner(), Owner()
    ownership.keep(child, parent)
    ref = __import__("weakref").ref(parent)
    del parent
    gc.collect()
    assert ref() is not None
    del child
    gc.collect()
    assert ref() is None


_DEFERRED_FREES = """
import gc
from pyossl._runtime import ownership
from pyossl._runtime.library import lib
assert lib.python_locking, lib.locking
class Owner(object):
    pass
obj = Owner()
ownership.own(obj, lib.BIO_new(lib.BIO_s_mem()), lib.BIO_free)
del obj
gc.collect()
assert len(ownership._deferred) >= 1
ownership.drain_frees()
assert not ownership._deferred
print("deferred and drained")
"""


def test_finalizers_are_deferred_under_python_locking():
    if not lib.python_locking:
        if "native" not in getattr(lib, "locking", ""):
            pytest.skip("frees are deferred only with 1.0.2 Python locking")
        # 1.0.2 with the native locking callback here: the Python one, in
        # a child process.
        import subprocess
        env = dict(os.environ, PYOSSL_LOCKING="python")
        res = subprocess.run([sys.executable, "-c", _DEFERRED_FREES],
                             env=env, capture_output=True, text=True,
                             timeout=120)
        assert res.returncode == 0, res.stderr[-2000:]
        assert "deferred and drained" in res.stdout
        return
    exec(_DEFERRED_FREES, {})          # (this process: Python locking)


def test_many_handles_from_many_threads():
    def work():
        for _ in range(2000):
            obj = Owner()
            ownership.own(obj, lib.BIO_new(lib.BIO_s_mem()), lib.BIO_free)
    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    gc.collect()
    ownership.drain_frees()
    assert not ownership._deferred


# ----------------------------------------------------------- callbacks --

seen = []


@_callbacks.callback(decls_core.ERR_PRINT_CB, fatal=0)
def _print_cb(line, size, arg):
    target = _callbacks.handles.get(arg)
    if isinstance(target, BaseException):
        raise target
    target.append(line[:size])
    return 1


def test_callback_runs_and_receives_user_data():
    _push_error()
    lines = []
    key = _callbacks.handles.new(lines)
    try:
        lib.ERR_print_errors_cb(_print_cb, key)
    finally:
        _callbacks.handles.free(key)
    _callbacks.check_callbacks()
    assert lines and all(isinstance(x, bytes) for x in lines)
    assert lib.ERR_peek_error() == 0


def test_callback_exception_is_reraised_after_the_c_call():
    _push_error()
    _push_error()
    boom = KeyError("from the callback")
    key = _callbacks.handles.new(boom)
    try:
        lib.ERR_print_errors_cb(_print_cb, key)   # returns normally
    finally:
        _callbacks.handles.free(key)
    assert _callbacks.callback_failed()
    with pytest.raises(KeyError) as info:
        _callbacks.check_callbacks()
    assert info.value is boom
    assert not _callbacks.callback_failed()
    _callbacks.check_callbacks()                       # nothing left
    assert lib.ERR_peek_error() == 0              # queue left clean


def test_callback_exceptions_are_per_thread():
    errors = []

    def other():
        _push_error()
        key = _callbacks.handles.new(ValueError("other thread"))
        lib.ERR_print_errors_cb(_print_cb, key)
        _callbacks.handles.free(key)
        try:
            _callbacks.check_callbacks()
        except ValueError as exc:
            errors.append(exc)
    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert len(errors) == 1
    assert not _callbacks.callback_failed()


def test_thunks_are_kept_alive():
    assert _print_cb in _callbacks._thunks


def test_mem_bio_helpers():
    with scoped.MemBIO() as bio:
        lib.BIO_write(bio.ptr, b"abc", 3)
        assert bio.data() == b"abc"
    with scoped.MemBIO(b"xyz") as bio:
        buf = ctypes.create_string_buffer(3)
        assert lib.BIO_read(bio.ptr, buf, 3) == 3
        assert buf.raw == b"xyz"
    with pytest.raises(TypeError):
        convert.path_arg(12)
    assert convert.path_arg("a") == b"a"
    assert text(None) is None


def _raise_at_entry_of(marker, exc):
    """A trace function that raises *exc* when a thunk called with the last
    C argument *marker* starts: what an asynchronous exception (Ctrl-C, an
    alarm) does at a thunk's first bytecode, made deterministic."""
    codes = {thunk.__code__ for thunk in _callbacks._rescues}

    def last_argument(frame):
        value = frame.f_locals.get("args", (None,))[-1]
        ffi = _callbacks._Cffi.ffi          # cffi-built thunks (PyPy)
        if ffi is not None and isinstance(value, ffi.CData):
            value = int(ffi.cast("uintptr_t", value))
        return value

    def tracer(frame, event, arg):
        if (event == "call" and frame.f_code in codes
                and last_argument(frame) == marker):
            sys.settrace(None)
            raise exc
        return None
    return tracer


def test_exception_at_thunk_entry_is_caught_and_reraised():
    lost_args = []

    @_callbacks.callback(decls_core.ERR_PRINT_CB, fatal=0,
                    on_lost=lost_args.append)
    def counting(line, size, arg):
        return 1

    class Poisonable(object):
        _callback_lost = None

    owner = Poisonable()
    _push_error()
    boom = KeyboardInterrupt("async")
    _callbacks.ensure_hook()
    sys.settrace(_raise_at_entry_of(4242, boom))
    try:
        lib.ERR_print_errors_cb(counting, 4242)
    finally:
        sys.settrace(None)
    with pytest.raises(KeyboardInterrupt) as info:
        _callbacks.check_callbacks(owner)
    assert info.value is boom
    assert owner._callback_lost is boom         # the owner is poisoned
    assert lost_args and lost_args[0] is not None   # rescue saw the args
    lib.ERR_clear_error()


# ------------------------------------------------- Owner's __del__ path --

class _Bio(ownership.Owner):
    _handle_attr = "_bio"
    _handle_free = "BIO_free"


def test_owner_frees_its_handle_once_through_del():
    obj = _Bio()
    obj._own(lib.BIO_new(lib.BIO_s_mem()))
    assert obj._bio and "_owned" in obj.__dict__
    shared = __import__("copy").copy(obj)
    assert "_owned" not in shared.__dict__ and shared._bio == obj._bio
    ref = __import__("weakref").ref(obj)
    del obj
    gc.collect()
    assert ref() is not None            # the copy keeps the owner alive
    del shared
    for _ in range(3):                  # PyPy runs __del__ a collection later
        gc.collect()
    assert ref() is None
    ownership.drain_frees()
    obj = _Bio()
    obj._own(lib.BIO_new(lib.BIO_s_mem()))
    ownership.free_now(obj, "_bio")
    assert "_owned" not in obj.__dict__
    ownership.free_now(obj, "_bio")
    obj.__del__()                       # nothing left to free
    with pytest.raises(ValueError):
        _Bio()._own(None)
    for bad in (__import__("copy").deepcopy, __import__("pickle").dumps):
        with pytest.raises(TypeError):
            bad(obj)
    ownership.drain_frees()


# ------------------------------------------ the builtin unraisable hook --

_PYTHON_HOOK = _callbacks.installed_hook() is _callbacks._hook
_needs_builtin_hook = pytest.mark.skipif(
    _PYTHON_HOOK, reason="this run uses the Python unraisable hook (cffi "
    "thunks, or 1.0.2's Python locking callback, whose rescue must run "
    "inside the C call)")


@_needs_builtin_hook
def test_unraisable_hook_runs_no_bytecode():
    # A second asynchronous exception can land at any bytecode; the hook
    # that records a lost call must have none.
    _callbacks.ensure_hook()
    hook = sys.unraisablehook
    assert hook is _callbacks.installed_hook()
    assert type(hook).__name__ == "builtin_function_or_method"
    assert not hasattr(hook, "__code__")


class _FailingDel(object):
    def __del__(self):
        raise RuntimeError("from __del__")


@_needs_builtin_hook
def test_other_unraisables_reach_the_previous_hook(monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)
    _callbacks.ensure_hook()
    assert sys.unraisablehook is not seen.append
    obj = _FailingDel()
    del obj
    # Recorded, then given to the previous hook by the next drain (every
    # pyossl call that may call back drains first).
    _callbacks.check_callbacks()
    assert [type(u.exc_value) for u in seen] == [RuntimeError]
    assert not _callbacks.records


def test_other_unraisables_are_reported_at_exit(tmp_path):
    script = tmp_path / "atexit_report.py"
    script.write_text(
        "from pyossl import SSL\n"
        "from pyossl._runtime import callbacks\n"
        "callbacks.ensure_hook()\n"
        "class D(object):\n"
        "    def __del__(self):\n"
        "        raise RuntimeError('reported-at-exit')\n"
        "d = D()\n"
        "del d\n"
        "import gc\n"
        "gc.collect()\n")     # (PyPy collects only then)
    import subprocess
    res = subprocess.run([sys.executable, str(script)], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "reported-at-exit" in res.stderr


def test_in_callback_follows_the_stack():
    # Whether a thread is inside a C callback is read from its stack, so
    # no interrupt can leave it wrong (a counter updated by the thunk could
    # be: between its update and the try that undoes it).
    seen = []

    @_callbacks.callback(decls_core.ERR_PRINT_CB, fatal=0)
    def body(line, size, arg):
        seen.append(ownership.in_callback())
        return 1

    _push_error()
    lib.ERR_print_errors_cb(body, 1)
    assert seen and all(seen)
    assert not ownership.in_callback()
    _push_error()
    _callbacks.ensure_hook()
    sys.settrace(_raise_at_entry_of(7373, KeyboardInterrupt("at entry")))
    try:
        lib.ERR_print_errors_cb(body, 7373)
    finally:
        sys.settrace(None)
    with pytest.raises(KeyboardInterrupt):
        _callbacks.check_callbacks()
    assert not ownership.in_callback()
    lib.ERR_clear_error()
