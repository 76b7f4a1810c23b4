"""Scoped C objects: freed on leaving a ``with`` block, whatever happens.

* :class:`scoped` wraps any handle with its free function::

      with scoped(lib.EVP_PKEY_CTX_new_id(kind, None),
                  lib.EVP_PKEY_CTX_free) as ctx:
          openssl_assert(ctx)
          ...

  (a ``NULL`` handle is simply not freed);
* :class:`MemBIO` is the temporary memory BIO that feeds data to PEM/DER
  readers (``MemBIO(data)``: read-only, no copy) or collects what writers
  produce (``MemBIO()`` then :meth:`MemBIO.data`).

Both forget the handle before freeing it (see
:func:`pyossl._runtime.ownership.detach_and_free`), so an exception arriving
in between can leak it, never free it twice.
"""

from ctypes import byref, c_char_p, c_void_p, string_at

from .convert import INT_MAX
from .library import lib
from .ownership import detach_and_free

_BIO_free = lib.BIO_free
_BIO_new = lib.BIO_new
_BIO_new_mem_buf = lib.BIO_new_mem_buf
_BIO_get_mem_data = lib.BIO_get_mem_data
_BIO_ctrl = lib.BIO_ctrl
_BIO_CTRL_INFO = 3          # BIO_get_mem_data's ctrl (every version)
# BIO_s_mem() returns the address of a static method table: the same
# pointer for the life of the library, so it is fetched once.
_MEM_METHOD = lib.BIO_s_mem()


class scoped(object):
    """A C handle freed by *free* on leaving the ``with`` block; the block
    gets the handle itself."""

    __slots__ = ("ptr", "_free")

    def __init__(self, ptr, free):
        self.ptr = ptr
        self._free = free

    def __enter__(self):
        return self.ptr

    def __exit__(self, *exc):
        detach_and_free(self, "ptr", self._free)

    def release(self):
        """Hand the handle over (to a new owner); it is no longer freed
        here."""
        ptr, self.ptr = self.ptr, None
        return ptr


class MemBIO(object):
    """A temporary memory BIO, freed on exit from a ``with`` block.

    ``MemBIO()`` is writable (read its contents with :meth:`data`);
    ``MemBIO(data)`` is a read-only BIO over *data* (no copy).
    """

    __slots__ = ("ptr", "_buf")

    def __init__(self, data=None):
        if data is None:
            self._buf = None
            self.ptr = _BIO_new(_MEM_METHOD)
        else:
            if not isinstance(data, bytes):
                data = bytes(data)
            if len(data) > INT_MAX:
                raise ValueError("data is too large for a memory BIO")
            self._buf = c_char_p(data)      # keeps the bytes alive
            self.ptr = _BIO_new_mem_buf(self._buf, len(data))
        if not self.ptr:
            raise MemoryError("BIO_new failed")

    def data(self):
        """The bytes written to the BIO so far."""
        out = c_void_p()
        size = _BIO_get_mem_data(self.ptr, byref(out))
        if size <= 0 or not out.value:
            return b""
        return string_at(out.value, size)

    def close(self):
        detach_and_free(self, "ptr", _BIO_free)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        detach_and_free(self, "ptr", _BIO_free)


def write_mem(writer, *args):
    """What ``writer(bio, *args)`` writes to a fresh memory BIO, or ``None``
    when it returns ``<= 0`` (the error queue is left as the writer left
    it, for the caller to raise from).

    The short form of ``with MemBIO() as bio: writer(bio.ptr, ...);
    bio.data()`` for the hot serialisers (``dump_certificate``): no object,
    no context manager, four foreign calls besides the writer's.  The BIO
    is a local freed in ``finally``: an interrupt can leak it, never free it
    twice.
    """
    bio = _BIO_new(_MEM_METHOD)
    if not bio:
        raise MemoryError("BIO_new failed")
    try:
        if writer(bio, *args) <= 0:
            return None
        out = c_void_p()
        size = _BIO_ctrl(bio, _BIO_CTRL_INFO, 0, byref(out))
        data = out.value
        return string_at(data, size) if size > 0 and data else b""
    finally:
        _BIO_free(bio)


__all__ = ["scoped", "MemBIO", "write_mem"]
