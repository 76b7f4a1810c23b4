"""The one ownership base: every Python object that owns an OpenSSL handle
derives from :class:`Owner`.

Rules it enforces:

* A handle has exactly one owner, which frees it exactly once.  An
  :class:`Owner`'s main handle (``_handle_attr``, taken with
  :meth:`Owner._own`) is freed by :meth:`Owner.__del__`: the pair
  ``(free, ptr)`` lives in the instance's ``_owned`` entry, which ``__del__``
  removes with one ``dict.pop`` (one C call, no bytecode boundary for an
  interrupt) *before* it calls the free function, so an exception arriving
  between the two can leak a handle, never free it twice.  Any other handle
  (a second attribute, or an object that is not an :class:`Owner`) is freed
  through a :class:`weakref.finalize` made by :func:`own`, which detaches
  itself the same way.  (``__del__`` costs nothing at creation, where a
  ``finalize`` registers itself in a global registry: ~2 µs per wrapper.)
* Neither runs once the interpreter has begun to exit (the state at
  ``atexit`` time): OpenSSL may be torn down by then, and the process is
  about to release the memory anyway.
* Frees that Python code runs by hand go through :func:`free_now` or
  :func:`detach_and_free`, which forget the pointer *before* freeing it.
* On OpenSSL 1.0.2 with pyossl's Python locking callbacks, a finalizer never
  calls OpenSSL (the garbage collector could run it inside a locking
  callback, pyca/cryptography#3195): it queues the free, and
  :func:`drain_frees` runs the queue at the next safe point.
* ``copy.copy`` of an owner gives a second wrapper of the same C object
  that keeps the original alive (so the handle is freed once, after both
  are gone); ``copy.deepcopy`` and pickling raise :exc:`TypeError`.
"""

import atexit
import collections
import sys
import weakref
from typing import Optional

__all__ = ["Owner", "own", "free_now", "detach_and_free", "keep",
           "drain_frees", "defer_frees", "in_callback", "set_library"]

_deferred = collections.deque()  # type: collections.deque
# "direct": frees run at once (neither deferred nor exiting), the one test
# Owner.__del__ makes on its common path.
_state = {"defer": False, "lib": None, "exiting": False, "direct": True}
# Owner subclass -> its bound free function (lib.<_handle_free>), looked up
# once per class: a precomputed function pointer, not a cached result.
_free_fns = {}  # type: dict


@atexit.register
def _exiting():
    _state["exiting"] = True
    _state["direct"] = False


def set_library(lib):
    """Give this module the bound library (done by
    :mod:`pyossl._runtime.library` at load), so that :meth:`Owner._own` finds
    free functions by name without importing it."""
    _state["lib"] = lib
    _free_fns.clear()


def _free_fn(cls):
    """``lib.<cls._handle_free>``, bound once per class."""
    free = _free_fns.get(cls)
    if free is None:
        free = _free_fns[cls] = getattr(_state["lib"], cls._handle_free)
    return free


# The code objects of the thunks C calls (pyossl._runtime.callbacks adds
# them): a thread is inside a C callback while one of their frames is on
# its stack.  (No counter kept by the thunks: an exception arriving
# between a counter's update and the ``try`` that undoes it would leave it
# wrong for good.)
thunk_codes = set()  # type: set


def defer_frees(flag):
    """Make finalizers queue their frees (1.0.2 with Python locking)."""
    _state["defer"] = bool(flag)
    _state["direct"] = not (_state["defer"] or _state["exiting"])


def in_callback():
    """Whether this thread is inside a C callback right now."""
    if not thunk_codes:
        return False
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code in thunk_codes:
            return True
        frame = frame.f_back
    return False


def _free(free, ptr):
    if _state["defer"]:
        _deferred.append((free, ptr))
    else:
        free(ptr)


def drain_frees():
    """Run frees deferred by finalizers; a no-op inside a C callback."""
    if not _deferred or in_callback():
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
    :return: the :class:`weakref.finalize` object.
    """
    if not ptr:
        raise ValueError("cannot own a NULL handle")
    if _deferred:
        drain_frees()
    fin = weakref.finalize(obj, _free, free, ptr)
    fin.atexit = False
    obj.__dict__.setdefault("_finalizers", {})[attr] = fin
    setattr(obj, attr, ptr)
    return fin


def free_now(obj, attr="_ptr"):
    """Free the handle in ``obj.<attr>`` now and forget it (idempotent).

    The pointer (an :class:`Owner`'s ``_owned`` entry, or the finalizer) is
    removed from *obj* first, and ``finalize`` detaches itself before
    freeing: at most one free, whatever interrupts this.
    """
    state = obj.__dict__
    if attr == getattr(obj, "_handle_attr", None):
        owned = state.pop("_owned", None)
        if owned is not None:
            _free(owned[0], owned[1])
            return
    fin = state.get("_finalizers", {}).pop(attr, None)
    if fin is not None:
        fin()


def detach_and_free(obj, attr, free):
    """Free a handle *obj* holds without a finalizer (a scoped object).

    ``ptr, obj.attr = obj.attr, None`` happens before the free, so a second
    call (or a ``__del__`` after an interrupt) finds nothing to free.
    """
    ptr = getattr(obj, attr)
    setattr(obj, attr, None)
    if ptr:
        _free(free, ptr)


def keep(obj, *dependencies):
    """Record that *obj*'s C handle depends on *dependencies* staying
    alive."""
    obj.__dict__.setdefault("_depends_on", []).extend(dependencies)


_new_object = object.__new__


class Owner(object):
    """Base of every class whose instances own (or share) an OpenSSL handle.

    Subclasses set ``_handle_attr`` (the attribute that holds the pointer)
    and ``_handle_free`` (the name of the ``lib`` function that frees it);
    then :meth:`_own` takes a new handle in ``__init__`` and
    :meth:`_from_owned` wraps one that a C function returned.  A class whose
    instances only borrow (a view kept alive by its owner, see :func:`keep`)
    leaves ``_handle_free`` unset.
    """

    _handle_attr = "_ptr"
    _handle_free = None  # type: Optional[str]

    def _own(self, ptr):
        """Make this object the owner of the handle *ptr* (freed by
        :meth:`__del__`, or by :func:`free_now`)."""
        if not ptr:
            raise ValueError("cannot own a NULL handle")
        if _deferred:
            drain_frees()
        state = self.__dict__
        if "_owned" in state:
            raise ValueError("already owns a handle; free_now() it first")
        state["_owned"] = (_free_fn(type(self)), ptr)
        state[self._handle_attr] = ptr

    def __del__(self, _state=_state, _deferred=_deferred):
        # pop first (one C call): a second __del__, free_now(), or an
        # interrupt after this line finds nothing to free.  (_free inlined;
        # "direct" is "not deferring and not exiting".)
        owned = self.__dict__.pop("_owned", None)
        if owned is not None:
            if _state["direct"]:
                owned[0](owned[1])
            elif not _state["exiting"]:
                _deferred.append(owned)

    @classmethod
    def _from_owned(cls, ptr, **state):
        """Wrap the handle *ptr*, whose reference the caller hands over.

        :param state: attributes to set on the new object.
        """
        if not ptr:
            raise ValueError("cannot own a NULL handle")
        if _deferred:
            drain_frees()
        obj = _new_object(cls)
        d = obj.__dict__
        if state:
            d.update(state)
        # What _own does, inlined (the hot path of every returned handle).
        d["_owned"] = (_free_fns.get(cls) or _free_fn(cls), ptr)
        d[cls._handle_attr] = ptr
        return obj

    @classmethod
    def _borrowed(cls, ptr, owner, **state):
        """A view of the handle *ptr*, which *owner* keeps alive (never
        freed by the view)."""
        obj = cls.__new__(cls)
        obj.__dict__.update(state)
        object.__setattr__(obj, cls._handle_attr, ptr)
        keep(obj, owner)
        return obj

    def __copy__(self):
        new = type(self).__new__(type(self))
        state = new.__dict__
        for key, value in self.__dict__.items():
            if key not in ("_owned", "_finalizers", "_depends_on"):
                state[key] = value
        state["_depends_on"] = [self]
        return new

    def __deepcopy__(self, memo):
        raise TypeError("cannot deep-copy %s objects" % type(self).__name__)

    def __reduce_ex__(self, protocol):
        raise TypeError("cannot pickle %s objects" % type(self).__name__)
