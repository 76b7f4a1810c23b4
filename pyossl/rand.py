"""OpenSSL's pseudo-random number generator (pyOpenSSL 16.1's ``rand``).

.. warning::
   Use :func:`os.urandom` for random numbers; this module exists for
   compatibility.

This module only gathers the public names; the code is in
``pyossl/_rand.py``, imported (and OpenSSL loaded) when a name is first
used.
"""

from ._facade import lazy_module as _lazy_module

TYPE_CHECKING = False    # typing.TYPE_CHECKING, without importing typing

if TYPE_CHECKING:
    from ._rand import (Error, add, bytes, cleanup, egd, load_file, screen,
                        seed, status, write_file)

__all__ = ["Error", "add", "bytes", "cleanup", "egd", "load_file", "screen",
           "seed", "status", "write_file"]

if not TYPE_CHECKING:
    __getattr__, __dir__ = _lazy_module(
        __name__, {"pyossl._rand": __all__}, documented=__all__)
