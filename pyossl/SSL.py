"""The SSL-specific parts of OpenSSL: :class:`Context` and :class:`Connection`.

pyOpenSSL's ``OpenSSL.SSL`` API over ctypes.  This module only gathers the
public names; the code lives in ``pyossl/_ssl/`` (constants, exceptions,
callbacks, session, context, connection: see ``docs/internals.rst``).

Importing it loads nothing: each name is imported from the module that
provides it when it is first used (``pyossl/_facade.py``), and OpenSSL is
loaded then.
"""

from ._facade import lazy_module as _lazy_module

TYPE_CHECKING = False    # typing.TYPE_CHECKING, without importing typing

if TYPE_CHECKING:
    # What the names are, for type checkers (at run time: _lazy_module).
    # pyOpenSSL's SSL module has these crypto classes in its namespace (not
    # in its __all__); code imports them from there.
    from ._crypto.certificates import X509  # noqa: F401
    from ._crypto.keys import PKey  # noqa: F401
    from ._crypto.names import X509Name  # noqa: F401
    from ._crypto.stores import X509Store  # noqa: F401
    from ._ssl import constants as _constants
    from ._ssl.client_hello import CLIENT_HELLO_RETRY, ClientHello
    from ._ssl.connection import Connection
    from ._ssl.constants import *  # noqa: F401,F403  (OP_*, MODE_*...)
    from ._ssl.context import Context
    from ._ssl.exceptions import (Error, SysCallError,
                                  WantClientHelloCallbackError,
                                  WantReadError, WantWriteError,
                                  WantX509LookupError, ZeroReturnError)
    from ._ssl.session import Session

    # The old ``*Type`` aliases of pyOpenSSL.
    ContextType = Context
    ConnectionType = Connection

__all__ = [
    "Error", "WantReadError", "WantWriteError", "WantX509LookupError",
    "ZeroReturnError", "SysCallError", "Session", "Context", "ContextType",
    "Connection", "ConnectionType",
    # pyossl only (docs/beyond.rst)
    "ClientHello", "CLIENT_HELLO_RETRY", "WantClientHelloCallbackError",
]
if TYPE_CHECKING:
    __all__ += _constants.__all__     # at run time: on first use, below
else:
    __getattr__, __dir__ = _lazy_module(
        __name__,
        {
            # documented in (and renamed by) pyossl.crypto
            "pyossl.crypto": ("X509", "PKey", "X509Name", "X509Store"),
            "pyossl._ssl.client_hello": ("CLIENT_HELLO_RETRY",
                                         "ClientHello"),
            "pyossl._ssl.connection": ("Connection",),
            "pyossl._ssl.context": ("Context",),
            "pyossl._ssl.exceptions": (
                "Error", "SysCallError", "WantClientHelloCallbackError",
                "WantReadError", "WantWriteError", "WantX509LookupError",
                "ZeroReturnError"),
            "pyossl._ssl.session": ("Session",),
        },
        aliases={"ContextType": "Context", "ConnectionType": "Connection"},
        # documented (and shown) here
        documented=("Error", "SysCallError", "WantReadError",
                    "WantWriteError", "WantX509LookupError",
                    "ZeroReturnError", "Session", "Context", "ClientHello",
                    "WantClientHelloCallbackError", "Connection",
                    "SSLeay_version", "OpenSSL_version",
                    "X509VerificationCodes"),
        # OP_*, MODE_*, VERIFY_*...: the loaded build's (__all__ too)
        star="pyossl._ssl.constants",
        extra={"_constants": ("pyossl._ssl.constants", None)})
