"""TLS sessions: :class:`Session`."""

from typing import Optional

from .._runtime.ownership import Owner


class Session(Owner):
    """A TLS session: connection parameters that a later connection to the
    same peer can resume (see :meth:`Connection.get_session` and
    :meth:`Connection.set_session`).

    .. versionadded:: 0.14
    """

    _session: Optional[int] = None
    _handle_attr = "_session"
    _handle_free = "SSL_SESSION_free"
