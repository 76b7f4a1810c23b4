"""pyossl: pyOpenSSL's API in pure Python over ctypes.

``import pyossl`` does not load OpenSSL; the first import of
:mod:`pyossl.crypto`, :mod:`pyossl.SSL` or :mod:`pyossl.rand` (or a call of
:func:`openssl_info`) does.  Call :func:`use_openssl` before that to choose
the build.
"""

from ._loader import use_openssl
from .version import __version__


def openssl_info():
    """Describe the OpenSSL build pyossl uses (loading it if needed).

    :return: a dict: ``libcrypto`` and ``libssl`` (the files loaded),
        ``how`` (how they were found), ``version_number``, ``version``,
        ``version_info``, ``table`` (``"1.0.2"``, ``"1.1.x"`` or ``"3.x"``),
        ``symbols_bound``, ``symbols_missing``, ``symbols_unavailable`` and
        ``thread_locking``.
    :raises ImportError: if no supported OpenSSL can be loaded.
    """
    from . import _loader
    return _loader.openssl_info()


def install_as_openssl() -> None:
    """Make ``import OpenSSL`` give pyossl's modules, for pyOpenSSL code.

    ``OpenSSL.SSL`` *is* :mod:`pyossl.SSL` (one copy of every class) and
    the classes report pyOpenSSL's module names; see :doc:`/ecosystem`.
    Idempotent and thread-safe; call it before anything imports OpenSSL.

    :raises ImportError: if the real pyOpenSSL is already imported.
    """
    from . import _dropin
    _dropin.install_as_openssl()


__all__ = ["use_openssl", "openssl_info", "install_as_openssl", "__version__"]
