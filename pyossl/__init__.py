"""pyossl: pyOpenSSL's API in pure Python over ctypes.

``import pyossl`` does not load OpenSSL, nor does importing
:mod:`pyossl.crypto`, :mod:`pyossl.SSL` or :mod:`pyossl.rand`; the first
use of one of their names (or a call of :func:`openssl_info`) does.  Call
:func:`use_openssl` before that to choose the build.
"""

from .version import __version__

TYPE_CHECKING = False    # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from ._api import (OpenSSLInfo, ProvidersInfo, StrPath, TrustInfo,
                       install_as_openssl, openssl_info, use_openssl)

__all__ = ["use_openssl", "openssl_info", "install_as_openssl",
           "OpenSSLInfo", "TrustInfo", "ProvidersInfo", "StrPath",
           "__version__"]

if not TYPE_CHECKING:
    # The functions and types live in pyossl/_api.py (it imports typing);
    # each is imported when first used (pyossl/_facade.py).
    from ._facade import lazy_module as _lazy_module
    __getattr__, __dir__ = _lazy_module(
        __name__,
        {"pyossl._api": ("use_openssl", "openssl_info",
                         "install_as_openssl", "OpenSSLInfo", "TrustInfo",
                         "ProvidersInfo", "StrPath")},
        documented=("use_openssl", "openssl_info", "install_as_openssl",
                    "OpenSSLInfo", "TrustInfo", "ProvidersInfo"))
    del _lazy_module
