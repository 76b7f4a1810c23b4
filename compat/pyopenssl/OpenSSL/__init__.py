"""pyossl standing in for pyOpenSSL (the compatibility distribution).

Importing this package installs :func:`pyossl.install_as_openssl`, which
turns this module into the ``OpenSSL`` package: ``OpenSSL.SSL`` is
:mod:`pyossl.SSL`, ``OpenSSL.crypto`` is :mod:`pyossl.crypto`, and so on.
"""

__pyossl_shim__ = True

from pyossl import _dropin  # noqa: E402

_dropin.install_as_openssl()
del _dropin
