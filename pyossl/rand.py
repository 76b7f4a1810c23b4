"""OpenSSL's pseudo-random number generator (pyOpenSSL 16.1's ``rand``).

.. warning::
   Use :func:`os.urandom` for random numbers; this module exists for
   compatibility.

This module only gathers the public names; the code is in
``pyossl/_rand.py``.
"""

from . import _rand
from ._rand import (Error, add, bytes, cleanup, egd, load_file, seed,
                    status, write_file)

__all__ = ["Error", "add", "bytes", "cleanup", "egd", "load_file", "seed",
           "status", "write_file"]

if hasattr(_rand, "screen"):                         # pragma: no cover
    screen = _rand.screen                # Windows builds that have it
    __all__.append("screen")

for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
