"""Raw access to OpenSSL: the escape hatch (see :ref:`raw-access`).

The C pointers behind pyossl's objects, as integers; the library object
pyossl calls C through; and :func:`function`, which declares one more C
function of the very build pyossl loaded.  Nothing here checks more than C
would: a wrong type or a dangling pointer crashes the process.  Read the
ownership rules in the documentation before using it.
"""

import ctypes
from typing import Any, List, Sequence, Tuple

from . import _loader
from ._crypto.certificates import X509
from ._crypto.common import pkey_new_ref, x509_new_ref
from ._crypto.keys import PKey
from ._runtime.errors import error_queue
from ._runtime.library import lib
from ._runtime.ownership import Owner

__all__ = ["lib", "function", "pointer", "x509_from_pointer",
           "pkey_from_pointer", "pop_errors"]

_POINTER_MAX = (1 << (8 * ctypes.sizeof(ctypes.c_void_p))) - 1


def function(name: str, restype: Any, argtypes: Sequence[Any],
             library: str = "ssl") -> Any:
    """Declare one C function of the OpenSSL build pyossl loaded.

    :param str name: The C symbol, e.g. ``"X509_check_host"``.
    :param restype: Its result type (a ctypes type, ``None`` for ``void``).
        Required: ctypes would otherwise read every result as a C ``int``,
        which truncates pointers.
    :param argtypes: Its argument types (ctypes types).
    :param str library: ``"ssl"`` (libssl) or ``"crypto"`` (libcrypto): the
        library that exports the symbol.  Only that library is searched.
    :return: A new ctypes function object (yours: pyossl never calls it).
    :raises ValueError: for another *library*.
    :raises NotImplementedError: if that library of the loaded build does
        not export *name*.
    """
    if library not in ("ssl", "crypto"):
        raise ValueError("library must be 'ssl' or 'crypto', not %r"
                         % (library,))
    if not isinstance(name, str):
        raise TypeError("name must be a str, not %s" % type(name).__name__)
    handle = lib._ssl if library == "ssl" else lib._crypto
    path = lib.ssl_path if library == "ssl" else lib.crypto_path
    try:
        func = handle[name]             # a fresh object on every lookup
    except AttributeError:
        raise NotImplementedError("%s is not exported by lib%s of %s" % (
            name, library, lib.describe())) from None
    # dlsym through a library handle also searches its dependencies (libssl
    # finds libcrypto's symbols on Linux, not on Windows): refuse that.
    found = _loader._path_of(handle, name, path)
    if found != path:
        raise NotImplementedError(
            "%s is not exported by lib%s of %s but by %s" % (
                name, library, lib.describe(), found))
    func.restype = restype
    func.argtypes = list(argtypes)
    return func


def pointer(obj: Any) -> int:
    """The address of the C object behind a pyossl object (borrowed).

    ``SSL_CTX *`` for a :class:`~pyossl.SSL.Context`, ``SSL *`` for a
    :class:`~pyossl.SSL.Connection`, ``SSL_SESSION *`` for a
    :class:`~pyossl.SSL.Session`, ``X509 *``, ``EVP_PKEY *``,
    ``X509_STORE *``, ``X509_NAME *``, ``X509_REQ *``, ``X509_CRL *``...
    for the :mod:`pyossl.crypto` classes.  Valid while *obj* is alive;
    never free it.

    :raises TypeError: for an object that has no C object.
    :raises ValueError: if *obj* holds none (any more).
    """
    if not isinstance(obj, Owner):
        raise TypeError("%s objects have no OpenSSL pointer"
                        % type(obj).__name__)
    ptr = getattr(obj, obj._handle_attr, None)
    if not ptr:
        raise ValueError("this %s holds no OpenSSL object"
                         % type(obj).__name__)
    return ptr


def _address(ptr):
    if isinstance(ptr, bool) or not isinstance(ptr, int):
        raise TypeError("a pointer is an int, not %s" % type(ptr).__name__)
    if not 0 < ptr <= _POINTER_MAX:
        raise ValueError("%r is not a valid pointer" % (ptr,))
    return ptr


def x509_from_pointer(ptr: int) -> X509:
    """A :class:`~pyossl.crypto.X509` for the ``X509 *`` *ptr*, holding a
    reference of its own (``X509_up_ref``): the caller's reference stays
    the caller's.

    :raises TypeError: if *ptr* is not an int.
    :raises ValueError: if it is 0 or out of range.
    """
    return X509._from_owned(x509_new_ref(_address(ptr)))


def pkey_from_pointer(ptr: int, only_public: bool = False) -> PKey:
    """A :class:`~pyossl.crypto.PKey` for the ``EVP_PKEY *`` *ptr*, holding
    a reference of its own (``EVP_PKEY_up_ref``).

    :param bool only_public: Whether the key has no private part (as
        :func:`~pyossl.crypto.load_publickey` keys).
    :raises TypeError: if *ptr* is not an int.
    :raises ValueError: if it is 0 or out of range.
    """
    return PKey._from_owned(pkey_new_ref(_address(ptr)),
                            _only_public=bool(only_public),
                            _initialized=True)


def pop_errors() -> List[Tuple[str, str, str]]:
    """Take every entry off the calling thread's OpenSSL error queue.

    :return: ``(library, function, reason)`` text tuples, as in
        :exc:`pyossl.SSL.Error` (``[]`` if the queue was empty).
    """
    return error_queue()
