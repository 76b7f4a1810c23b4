"""Checked conversions: the only way ints, C strings, paths and writable
buffers reach C.

ctypes converts a Python ``int`` to a C integer by silent truncation and a
``bytes`` object to ``char *`` without looking for NUL bytes; a buffer's
``len()`` is whatever ``__len__`` says.  Each helper here turns such a value
into one that C can take as it is, or raises the exception pyOpenSSL (cffi)
raises for it:

* an integer outside the C type's range: :exc:`OverflowError`;
  something that is not an integer: :exc:`TypeError`;
* a C string containing a NUL byte: :exc:`ValueError` (C would silently
  stop at it: pyOpenSSL's CVE-2026-40475 class);
* a writable buffer: its size is ``memoryview(b).nbytes``, never
  ``len(b)``; it must be writable and C-contiguous.
"""

import ctypes
import operator
import os

__all__ = [
    "int_arg", "buffer_arg", "c_integer", "c_int_arg", "c_uint_arg", "c_long_arg", "c_ulong_arg",
    "c_size_arg", "c_int64_arg", "c_uint64_arg", "c_string_arg",
    "optional_c_string_arg", "path_arg", "writable_buffer", "INT_MAX",
    "INT_MIN", "UINT_MAX", "LONG_MAX", "LONG_MIN", "ULONG_MAX", "SIZE_MAX",
]


def _range(ctype, signed):
    bits = 8 * ctypes.sizeof(ctype)
    if signed:
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


INT_MIN, INT_MAX = _range(ctypes.c_int, True)
_UINT = _range(ctypes.c_uint, False)
UINT_MAX = _UINT[1]
LONG_MIN, LONG_MAX = _range(ctypes.c_long, True)
ULONG_MAX = _range(ctypes.c_ulong, False)[1]
SIZE_MAX = _range(ctypes.c_size_t, False)[1]
_INT64 = _range(ctypes.c_int64, True)
_UINT64 = _range(ctypes.c_uint64, False)

_RANGES = {
    "int": (INT_MIN, INT_MAX),
    "unsigned int": _UINT,
    "long": (LONG_MIN, LONG_MAX),
    "unsigned long": (0, ULONG_MAX),
    "size_t": (0, SIZE_MAX),
    "int64_t": _INT64,
    "uint64_t": _UINT64,
}


def int_arg(value, what="argument"):
    """*value*, which must be a Python ``int`` (not ``bool``), of any size.

    For arguments checked in Python before they reach C (a number of bytes,
    an entropy estimate).

    :raises TypeError: for anything else.
    """
    if type(value) is not int and (
            not isinstance(value, int) or isinstance(value, bool)):
        raise TypeError("%s must be an integer" % (what,))
    return value


def c_integer(value, ctype="int", what="argument", strict=False):
    """*value* as a Python int that fits the C type named *ctype*.

    :param value: an ``int`` (``bool`` and objects with ``__index__`` too,
        as cffi accepts them, unless *strict*).
    :param ctype: one of ``"int"``, ``"unsigned int"``, ``"long"``,
        ``"unsigned long"``, ``"size_t"``, ``"int64_t"``, ``"uint64_t"``.
    :param what: the argument's name, for the message.
    :param strict: accept only ``int`` (not ``bool``, not ``__index__``).
    :raises TypeError: *value* is not an integer.
    :raises OverflowError: *value* does not fit.
    """
    if strict:
        value = int_arg(value, what)
    if type(value) is not int:
        try:
            value = operator.index(value)
        except TypeError:
            raise TypeError("%s must be an integer, not %s" % (
                what, type(value).__name__)) from None
    low, high = _RANGES[ctype]
    if not low <= value <= high:
        raise OverflowError("%s %d does not fit in a C %s" % (
            what, value, ctype))
    return value


def c_int_arg(value, what="argument"):
    """:func:`c_integer` for a C ``int``."""
    if type(value) is int and INT_MIN <= value <= INT_MAX:
        return value                    # the common case, kept cheap
    return c_integer(value, "int", what)


def c_uint_arg(value, what="argument"):
    """:func:`c_integer` for a C ``unsigned int``."""
    return c_integer(value, "unsigned int", what)


def c_long_arg(value, what="argument"):
    """:func:`c_integer` for a C ``long``."""
    if type(value) is int and LONG_MIN <= value <= LONG_MAX:
        return value
    return c_integer(value, "long", what)


def c_ulong_arg(value, what="argument"):
    """:func:`c_integer` for a C ``unsigned long``."""
    return c_integer(value, "unsigned long", what)


def c_size_arg(value, what="argument"):
    """:func:`c_integer` for a C ``size_t``."""
    return c_integer(value, "size_t", what)


def c_int64_arg(value, what="argument"):
    """:func:`c_integer` for a C ``int64_t``."""
    return c_integer(value, "int64_t", what)


def c_uint64_arg(value, what="argument"):
    """:func:`c_integer` for a C ``uint64_t``."""
    return c_integer(value, "uint64_t", what)


def buffer_arg(buffer, what="buffer"):
    """The data argument of a ``load_*`` function as ``bytes``.

    ``str`` is taken as ASCII text (PEM); ``bytes``, ``bytearray`` and
    ``memoryview`` are copied as they are.

    :raises TypeError: for anything else.
    :raises UnicodeEncodeError: for text that is not ASCII.
    """
    if type(buffer) is bytes:
        return buffer
    if isinstance(buffer, str):
        return buffer.encode("ascii")
    if isinstance(buffer, (bytes, bytearray, memoryview)):
        return bytes(buffer)
    raise TypeError("%s must be a byte string, not %s" % (
        what, type(buffer).__name__))


def c_string_arg(value, what="argument", text=True, encoding="utf-8"):
    """*value* as ``bytes`` that C can take as a NUL-terminated string.

    :param value: ``bytes`` (or ``str``, encoded with *encoding*, when
        *text* is true).
    :raises TypeError: for any other type.
    :raises ValueError: the value contains a NUL byte.
    """
    if type(value) is not bytes:
        if isinstance(value, bytes):
            value = bytes(value)
        elif text and isinstance(value, str):
            value = value.encode(encoding)
        else:
            raise TypeError("%s must be %s, not %s" % (
                what, "str or bytes" if text else "bytes",
                type(value).__name__))
    if b"\0" in value:
        raise ValueError("%s must not contain a NUL byte" % (what,))
    return value


def optional_c_string_arg(value, what="argument", text=True,
                          encoding="utf-8"):
    """:func:`c_string_arg`, but ``None`` stays ``None`` (C ``NULL``)."""
    if value is None:
        return None
    return c_string_arg(value, what, text, encoding)


def path_arg(path, what="path"):
    """A file name (``str``, ``bytes`` or path-like) as ``bytes`` for C.

    :raises TypeError: not a file name.
    :raises ValueError: it contains a NUL byte (as :func:`open` does).
    """
    if isinstance(path, bytes):
        value = bytes(path)
    elif isinstance(path, str) or hasattr(path, "__fspath__"):
        value = os.fsencode(path)
    else:
        raise TypeError("%s must be bytes or str, not %s" % (
            what, type(path).__name__))
    if b"\0" in value:
        raise ValueError("%s must not contain a NUL byte" % (what,))
    return value


def writable_buffer(obj, what="buffer"):
    """A C view of the writable buffer *obj*: ``(array, nbytes)``.

    *array* is a ``c_char`` array over *obj*'s memory, exactly ``nbytes``
    long (``memoryview(obj).nbytes``, whatever ``len(obj)`` claims); keep it
    referenced until C is done with it (it also stops *obj* from being
    resized meanwhile).

    :raises TypeError: *obj* has no buffer, or it is read-only.
    :raises ValueError: the buffer is not C-contiguous.
    """
    try:
        view = memoryview(obj)
    except TypeError:
        raise TypeError("%s must be a writable buffer, not %s" % (
            what, type(obj).__name__)) from None
    if view.readonly:
        raise TypeError("%s must be writable" % (what,))
    if not view.c_contiguous:
        raise ValueError("%s must be C-contiguous" % (what,))
    nbytes = view.nbytes
    if view.ndim != 1 or view.itemsize != 1 or view.format not in "BbcB":
        view = view.cast("B")
    return (ctypes.c_char * nbytes).from_buffer(view), nbytes
