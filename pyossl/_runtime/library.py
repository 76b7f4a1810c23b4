"""``lib``: the bound OpenSSL, loaded at the first import of this module.

Every wrapper calls C through ``lib`` (``from .._runtime.library import
lib``); importing this module finds, loads, binds and initialises OpenSSL
(:func:`pyossl._loader.load`) and connects the runtime's ownership and
callback machinery to it.
"""

import functools

from .. import _loader
from . import callbacks as _callbacks
from . import ownership as _ownership

lib = _loader.load()

_ownership.set_library(lib)
_ownership.defer_frees(getattr(lib, "python_locking", False))
_callbacks.set_error_clearer(lib.ERR_clear_error)


def requires(name, feature, version):
    """Decorator: the method needs the C function *name*.

    On a build without it the method raises :exc:`NotImplementedError`
    naming *feature*, the OpenSSL *version* that brought it and the loaded
    build, e.g. ``"ALPN needs OpenSSL 1.0.2 or later with ALPN support;
    this is OpenSSL 1.0.1u (...)"``.

    :param name: the table name (``"SSL_CTX_set_alpn_protos"``).
    :param feature: what the user asked for (``"TLS 1.3 ciphersuites"``).
    :param version: the first OpenSSL version that has it (``"1.1.1"``).
    """
    def decorate(func):
        if lib.available(name):
            return func

        @functools.wraps(func)
        def unavailable(*args, **kwargs):
            # The message is made here: lib.describe() looks the loaded
            # file up (dladdr), which import need not pay for.
            raise NotImplementedError(
                "%s needs OpenSSL %s or later (%s); this is %s" % (
                    feature, version, name, lib.describe()))
        return unavailable
    return decorate


__all__ = ["lib", "requires"]
