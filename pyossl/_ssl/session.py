"""TLS sessions: :class:`Session`."""

from typing import Any, Dict, Optional

from .._runtime.errors import clear_error_queue
from .._runtime.library import lib as _lib
from .._runtime.library import requires
from .._runtime.ownership import Owner
from .exceptions import raise_error_queue

# TLS 1.3 suite name -> its two-byte id, for SSL_CIPHER_find.
_TLS13_SUITES = {
    b"TLS_AES_128_GCM_SHA256": b"\x13\x01",
    b"TLS_AES_256_GCM_SHA384": b"\x13\x02",
    b"TLS_CHACHA20_POLY1305_SHA256": b"\x13\x03",
    b"TLS_AES_128_CCM_SHA256": b"\x13\x04",
    b"TLS_AES_128_CCM_8_SHA256": b"\x13\x05",
}
_finder: Dict[str, int] = {}


def _tls13_cipher(name):
    """The ``SSL_CIPHER*`` of the TLS 1.3 suite *name*, or ``None``."""
    suite = _TLS13_SUITES.get(name)
    if suite is None:
        return None
    ssl = _finder.get("ssl")
    if ssl is None:
        # SSL_CIPHER_find needs an SSL; it finds every suite the library
        # has, whatever that SSL enables.  One private SSL for the process.
        ctx = _lib.SSL_CTX_new(_lib.TLS_method())
        if not ctx:
            raise_error_queue("SSL_CTX_new")
        ssl = _lib.SSL_new(ctx)
        _lib.SSL_CTX_free(ctx)                  # the SSL holds a reference
        if not ssl:
            raise_error_queue("SSL_new")
        ssl = _finder.setdefault("ssl", ssl)
    return _lib.SSL_CIPHER_find(ssl, suite)


class Session(Owner):
    """A TLS session: connection parameters that a later connection to the
    same peer can resume (see :meth:`Connection.get_session` and
    :meth:`Connection.set_session`).

    .. versionadded:: 0.14
    """

    _session: Optional[int] = None
    # The Context of the connection the session came from (set by
    # Connection.get_session; Connection.set_session checks it).
    _context: Any = None
    _handle_attr = "_session"
    _handle_free = "SSL_SESSION_free"

    @classmethod
    @requires("SSL_SESSION_set1_master_key", "TLS 1.3 external PSKs",
              "1.1.1")
    def from_psk(cls, key: bytes,
                 ciphersuite: bytes = b"TLS_AES_128_GCM_SHA256"
                 ) -> "Session":
        """A TLS 1.3 session that holds an external pre-shared key, for
        :meth:`Context.set_psk_use_session_callback` and
        :meth:`Context.set_psk_find_session_callback` (OpenSSL 1.1.1 and
        later; see :ref:`psk`).  pyossl only.

        :param bytes key: The key (up to 256 bytes with OpenSSL 1.1.1, 512
            with 3.x).
        :param bytes ciphersuite: The TLS 1.3 ciphersuite whose hash the
            key is used with, e.g. ``b"TLS_AES_256_GCM_SHA384"``; the
            server must choose a suite with that hash.
        :return: The session.
        :raises TypeError: if *key* is not bytes.
        :raises ValueError: if *key* is empty or too long, or
            *ciphersuite* is not a TLS 1.3 suite this OpenSSL knows.
        :raises NotImplementedError: with OpenSSL older than 1.1.1.
        """
        if not isinstance(key, bytes):
            raise TypeError("key must be bytes, not %s" % type(key).__name__)
        if not key:
            raise ValueError("key must not be empty")
        if isinstance(ciphersuite, str):
            ciphersuite = ciphersuite.encode("ascii", "replace")
        if not isinstance(ciphersuite, bytes):
            raise TypeError("ciphersuite must be bytes, not %s"
                            % type(ciphersuite).__name__)
        cipher = _tls13_cipher(ciphersuite)
        if not cipher:
            raise ValueError("%r is not a TLS 1.3 ciphersuite this OpenSSL "
                             "knows" % (ciphersuite,))
        ptr = _lib.SSL_SESSION_new()
        if not ptr:
            raise_error_queue("SSL_SESSION_new")
        session = cls._from_owned(ptr)
        if _lib.SSL_SESSION_set1_master_key(ptr, key, len(key)) != 1:
            clear_error_queue()
            raise ValueError("the key is %d bytes long, more than this "
                             "OpenSSL takes" % len(key))
        if _lib.SSL_SESSION_set_cipher(ptr, cipher) != 1:
            raise_error_queue("SSL_SESSION_set_cipher")
        if _lib.SSL_SESSION_set_protocol_version(
                ptr, _lib.TLS1_3_VERSION) != 1:
            raise_error_queue("SSL_SESSION_set_protocol_version")
        return session
