"""pyossl's version (pyOpenSSL has an ``OpenSSL.version`` module too)."""

__all__ = ["__author__", "__copyright__", "__email__", "__license__",
           "__summary__", "__title__", "__uri__", "__version__"]

__version__ = "0.1.0"
__title__ = "pyossl"
__uri__ = "https://github.com/pyossl/pyossl"
__summary__ = "pyOpenSSL's API in pure Python over ctypes (no compile step)"
__author__ = "The pyossl developers"
__email__ = "dev@pyossl.invalid"
__license__ = "Apache License, Version 2.0"
__copyright__ = "Copyright 2026 %s" % __author__
