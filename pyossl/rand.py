"""OpenSSL's pseudo-random number generator (pyOpenSSL 16.1's ``rand``).

.. warning::
   Use :func:`os.urandom` for random numbers; this module exists for
   compatibility.

This module only gathers the public names; the code is in
``pyossl/_rand.py``.
"""

from ._rand import (Error, add, bytes, cleanup, egd, load_file, screen,
                    seed, status, write_file)

__all__ = ["Error", "add", "bytes", "cleanup", "egd", "load_file", "screen",
           "seed", "status", "write_file"]

for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
