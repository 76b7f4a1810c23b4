"""The code of :mod:`pyossl.rand`: OpenSSL's pseudo-random number
generator."""

import os as _os
import sys as _sys
import warnings as _warnings
from ctypes import create_string_buffer as _create_string_buffer
from typing import Any, Union

from ._runtime.convert import INT_MAX, c_long_arg, int_arg, path_arg
from ._runtime.errors import clear_error_queue, raise_current_error
from ._runtime.library import lib as _lib

__all__ = ["Error", "add", "bytes", "cleanup", "egd", "load_file", "screen",
           "seed", "status", "write_file"]

_builtin_bytes = bytes


class Error(Exception):
    """An error occurred in a :mod:`pyossl.rand` API.

    Its argument is the list of ``(lib, function, reason)`` tuples from
    OpenSSL's error queue.
    """


class _Unspecified(object):
    def __repr__(self):
        return "<unspecified>"


_UNSPECIFIED = _Unspecified()


def add(buffer: _builtin_bytes, entropy: int) -> None:
    """Mix bytes from *buffer* into the PRNG state.

    :param buffer: Buffer with random data (``bytes``).
    :param entropy: The entropy (in bytes) measurement of the buffer.
    :raises TypeError: for a buffer that is not bytes or a non-integer
        entropy.
    :return: None
    """
    if not isinstance(buffer, _builtin_bytes):
        raise TypeError("buffer must be a byte string")
    int_arg(entropy, "entropy")
    if len(buffer) > INT_MAX:
        raise ValueError("buffer is too large")
    _lib.RAND_add(buffer, len(buffer), float(entropy))


class _TooManyBytes(MemoryError, OverflowError):
    """More bytes than one ``RAND_bytes`` call (a C ``int``) can fill: a
    :exc:`MemoryError` as with pyOpenSSL, whose buffer cannot be allocated
    (``bytes(sys.maxsize)``), and an :exc:`OverflowError` as cffi raises
    for a count beyond the C ``int`` range."""


def bytes(num_bytes: int) -> _builtin_bytes:
    """Get *num_bytes* random bytes from the PRNG (``RAND_bytes``).

    :param num_bytes: The number of bytes to fetch.
    :raises TypeError: if it is not an integer.
    :raises ValueError: if it is negative.
    :raises MemoryError: if it is larger than one ``RAND_bytes`` call can
        fill (more than ``INT_MAX``, e.g. ``sys.maxsize``); the exception is
        also an :exc:`OverflowError`.
    :return: The random bytes.
    """
    int_arg(num_bytes, "num_bytes")
    if num_bytes < 0:
        raise ValueError("num_bytes must not be negative")
    if num_bytes > INT_MAX:
        raise _TooManyBytes("cannot allocate %d random bytes (at most %d "
                            "at a time)" % (num_bytes, INT_MAX))
    if num_bytes == 0:
        return b""
    buf = _create_string_buffer(num_bytes)
    if _lib.RAND_bytes(buf, num_bytes) != 1:
        raise_current_error(Error, "RAND_bytes")
    return buf.raw


def cleanup() -> None:
    """Erase the memory used by the PRNG (``RAND_cleanup``; a no-op on
    OpenSSL 1.1.0 and later, which clean up by themselves).

    :return: None
    """
    _lib.RAND_cleanup()


def egd(path: Union[str, _builtin_bytes],
        bytes: Any = _UNSPECIFIED) -> int:
    """Seed the PRNG from the system random source.

    As in pyOpenSSL 16.0+, this does not query an EGD daemon: it mixes
    *bytes* bytes of :func:`os.urandom` into the PRNG.

    .. deprecated:: 16.0.0
       EGD was only needed on long-dead commercial UNIX systems.

    :param path: Ignored (must be ``bytes`` or ``str``).
    :param bytes: (optional) The number of bytes to read, default 255.
    :return: *bytes*, or 255 if not given.

    Every call warns with :class:`DeprecationWarning`.
    """
    _warnings.warn("egd() is deprecated (since pyOpenSSL 16.0): OpenSSL "
                   "seeds itself from the operating system",
                   DeprecationWarning, stacklevel=2)
    if not isinstance(path, (_builtin_bytes, str)):
        raise TypeError("path must be a byte string")
    if bytes is _UNSPECIFIED:
        bytes = 255
    else:
        int_arg(bytes, "bytes")
        if bytes < 0:
            raise ValueError("bytes must not be negative")
    seed(_os.urandom(bytes))
    return bytes


def load_file(filename: Any, maxbytes: Any = _UNSPECIFIED) -> int:
    """Seed the PRNG with up to *maxbytes* bytes of *filename*.

    :param filename: The file to read (``bytes`` or ``str``).
    :param maxbytes: (optional) The number of bytes to read; the whole file
        if not given or negative.
    :return: The number of bytes read.
    """
    filename = path_arg(filename, "filename")
    if maxbytes is _UNSPECIFIED:
        maxbytes = -1
    else:
        c_long_arg(int_arg(maxbytes, "maxbytes"), "maxbytes")
    result = _lib.RAND_load_file(filename, maxbytes)
    clear_error_queue()
    return result


def seed(buffer: _builtin_bytes) -> None:
    """Like :func:`add` with the entropy equal to ``len(buffer)``.

    :param buffer: Buffer with random data (``bytes``).
    :return: None
    """
    if not isinstance(buffer, _builtin_bytes):
        raise TypeError("buffer must be a byte string")
    if len(buffer) > INT_MAX:
        raise ValueError("buffer is too large")
    _lib.RAND_seed(buffer, len(buffer))


def status() -> bool:
    """Whether the PRNG has been seeded with enough data.

    :return: ``True`` if so (it compares equal to 1), else ``False``.
    """
    return _lib.RAND_status() == 1


def write_file(filename: Any) -> int:
    """Write random bytes (1024 of them) to *filename*, for
    :func:`load_file` to seed the PRNG with later.

    :param filename: The file (``bytes`` or ``str``).
    :return: The number of bytes written (-1 if the file cannot be
        written, as in pyOpenSSL).
    """
    filename = path_arg(filename, "filename")
    result = _lib.RAND_write_file(filename)
    clear_error_queue()
    return result


_HAS_SCREEN = _sys.platform == "win32" and _lib.available("RAND_screen")


def screen() -> None:
    """Add the current contents of the screen to the PRNG state.

    Availability: a screen source exists only on Windows, in OpenSSL
    builds that have ``RAND_screen`` (1.0.2 and 1.1.0).  Everywhere else
    this function exists and adds nothing: OpenSSL seeds itself from the
    operating system, so there is nothing left for it to do.

    :return: None
    """
    if _HAS_SCREEN:
        _lib.RAND_screen()
