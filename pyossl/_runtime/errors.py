"""OpenSSL's error queue -> Python exceptions.

OpenSSL reports failures on a per-thread error queue.  :func:`error_queue`
drains it into pyOpenSSL's form, a list of ``(library, function, reason)``
text tuples; :func:`raise_current_error` raises an exception carrying it,
never an empty list (when OpenSSL queued nothing the entry names the
operation).  Error codes are decoded only by the table's per-generation
``ERR_GET_LIB``/``ERR_GET_REASON``/``ERR_SYSTEM_ERRNO``.
"""

import os
from typing import NoReturn
from ctypes import create_string_buffer

from .library import lib
from .text import text

_get_error = lib.ERR_get_error
_lib_string = lib.ERR_lib_error_string
_reason_string = lib.ERR_reason_error_string
_func_string = (lib.ERR_func_error_string
                if lib.available("ERR_func_error_string") else None)
_system_errno = lib.ERR_SYSTEM_ERRNO
_clear = lib.ERR_clear_error


def _reason(code):
    reason = _reason_string(code)
    if reason:
        return text(reason)
    errno = _system_errno(code)
    if errno is not None:
        return os.strerror(errno)
    buf = create_string_buffer(256)
    lib.ERR_error_string_n(code, buf, 256)
    return text(buf.value) or ""


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
        func = (text(_func_string(code)) or "") if _func_string else ""
        errors.append((text(_lib_string(code)) or "", func, _reason(code)))


def clear_error_queue():
    """Discard whatever is on the calling thread's error queue."""
    _clear()


def raise_current_error(exception_type, function="",
                        reason=None) -> NoReturn:
    """Raise *exception_type* carrying the drained error queue.

    Never an empty list: when OpenSSL queued nothing, the one entry is
    ``("pyossl", function, reason)``.
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


def peek_codes():
    """The first and the last code on the queue (0 for none), unread."""
    return lib.ERR_peek_error(), lib.ERR_peek_last_error()


def is_reason(code, lib_name, reason_name):
    """Whether the error *code* is ``lib.<lib_name>``'s reason
    ``lib.<reason_name>`` (``False`` where the build defines neither)."""
    library = getattr(lib, lib_name, None)
    reason = getattr(lib, reason_name, None)
    if not code or library is None or reason is None:
        return False
    return (lib.ERR_GET_LIB(code) == library
            and lib.ERR_GET_REASON(code) == reason)


__all__ = ["error_queue", "clear_error_queue", "raise_current_error",
           "make_assert", "peek_codes", "is_reason"]
