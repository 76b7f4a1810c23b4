"""The SSL-specific parts of OpenSSL: :class:`Context` and :class:`Connection`.

pyOpenSSL's ``OpenSSL.SSL`` API over ctypes.  This module only gathers the
public names; the code lives in ``pyossl/_ssl/`` (constants, exceptions,
callbacks, session, context, connection: see ``docs/internals.rst``).
"""

# pyOpenSSL's SSL module has these crypto classes in its namespace (not in
# its __all__); code imports them from there.
from ._crypto.certificates import X509  # noqa: F401
from ._crypto.keys import PKey  # noqa: F401
from ._crypto.names import X509Name  # noqa: F401
from ._crypto.stores import X509Store  # noqa: F401
from ._ssl import constants as _constants
from ._ssl.client_hello import CLIENT_HELLO_RETRY, ClientHello
from ._ssl.connection import Connection
from ._ssl.constants import *  # noqa: F401,F403  (OP_*, MODE_*, VERIFY_*...)
from ._ssl.context import Context
from ._ssl.exceptions import (Error, SysCallError,
                              WantClientHelloCallbackError, WantReadError,
                              WantWriteError, WantX509LookupError,
                              ZeroReturnError)
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
__all__ += _constants.__all__

for _obj in (Error, SysCallError, WantReadError, WantWriteError,
             WantX509LookupError, ZeroReturnError, Session, Context,
             ClientHello, WantClientHelloCallbackError,
             Connection, _constants.SSLeay_version,
             _constants.OpenSSL_version, _constants.X509VerificationCodes):
    _obj.__module__ = __name__            # documented (and shown) here
del _obj
