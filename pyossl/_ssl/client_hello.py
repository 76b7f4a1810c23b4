"""The ClientHello callback: :class:`ClientHello`, its thunk, and
:data:`CLIENT_HELLO_RETRY` (OpenSSL 1.1.1 and later).

OpenSSL calls the callback on a server as soon as a ClientHello has
arrived, before it has parsed the extensions or chosen anything.  The thunk
hands the user's callable a :class:`ClientHello` that reads the hello
through ``SSL_client_hello_*`` while the callback runs, and decodes the
common extensions itself (OpenSSL offers only their raw bytes then).
"""

import operator
from ctypes import byref, c_int, c_size_t, c_void_p, string_at
from typing import TYPE_CHECKING, Any, Callable, List, Optional

from .._binding.decls_ssl import CLIENT_HELLO_CB
from .._runtime.errors import raise_current_error
from .._runtime.library import lib as _lib
from .callbacks import _poison_connection, connections, contexts, slot
from .exceptions import Error

if TYPE_CHECKING:                                    # pragma: no cover
    from .connection import Connection

#: What a ClientHello callback returns to pause the handshake (see
#: :meth:`Context.set_client_hello_callback`).
CLIENT_HELLO_RETRY = object()

ClientHelloCallback = Callable[["Connection", "ClientHello"], Any]

# TLS extension types decoded here (IANA "TLS ExtensionType Values").
_SERVER_NAME = 0
_SUPPORTED_GROUPS = 10
_EC_POINT_FORMATS = 11
_SIGNATURE_ALGORITHMS = 13
_ALPN = 16
_SUPPORTED_VERSIONS = 43


class _Reader(object):
    """Bounds-checked reads of a TLS structure; :exc:`ValueError` for any
    inconsistency (OpenSSL has not checked the extensions yet)."""

    def __init__(self, data, what):
        self.data = data
        self.pos = 0
        self.what = what

    def fail(self):
        raise ValueError("malformed %s extension in the ClientHello"
                         % self.what)

    def take(self, n):
        end = self.pos + n
        if end > len(self.data):
            self.fail()
        chunk = self.data[self.pos:end]
        self.pos = end
        return chunk

    def number(self, size):
        return int.from_bytes(self.take(size), "big")

    def vector(self, length_size):
        return _Reader(self.take(self.number(length_size)), self.what)

    def done(self):
        return self.pos == len(self.data)

    def finish(self):
        if not self.done():
            self.fail()


def _numbers(data, what, length_size, item_size):
    """The list of *item_size*-byte numbers in a vector with a
    *length_size*-byte length that fills *data* exactly."""
    outer = _Reader(data, what)
    inner = outer.vector(length_size)
    outer.finish()
    if len(inner.data) % item_size:
        inner.fail()
    return [inner.number(item_size)
            for _ in range(len(inner.data) // item_size)]


class ClientHello(object):
    """The ClientHello a client sent, as the ClientHello callback sees it
    (see :meth:`Context.set_client_hello_callback` and
    :ref:`client-hello`).

    Only pyossl makes these, and each is valid only while the callback it
    was passed to runs: afterwards every method raises :exc:`ValueError`.
    Values are copied out of OpenSSL, so what a method returned stays
    valid.  (pyossl only: pyOpenSSL has no ClientHello callback.)
    """

    __slots__ = ("_conn", "_ssl")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("ClientHello objects are made by pyossl for the "
                        "ClientHello callback")

    @classmethod
    def _during(cls, conn, ssl):
        hello = object.__new__(cls)
        hello._conn = conn          # keeps the SSL* alive
        hello._ssl = ssl
        return hello

    def _live(self):
        ssl = self._ssl
        if ssl is None:
            raise ValueError("a ClientHello is only valid inside the "
                             "ClientHello callback")
        return ssl

    def _get0(self, func):
        ssl = self._live()
        out = c_void_p()
        size = func(ssl, byref(out))
        return string_at(out.value, size) if size and out.value else b""

    def is_v2(self) -> bool:
        """Whether the client sent an SSL 2.0-format ClientHello.

        :rtype: bool
        """
        return bool(_lib.SSL_client_hello_isv2(self._live()))

    def get_legacy_version(self) -> int:
        """The ``legacy_version`` field: ``0x0303`` in TLS 1.2 and TLS 1.3
        hellos (TLS 1.3 is offered in :meth:`get_supported_versions`).

        :rtype: int
        """
        return _lib.SSL_client_hello_get0_legacy_version(self._live())

    def get_random(self) -> bytes:
        """The client's random value (32 bytes).

        :rtype: bytes
        """
        return self._get0(_lib.SSL_client_hello_get0_random)

    def get_session_id(self) -> bytes:
        """The legacy session id (0 to 32 bytes).

        :rtype: bytes
        """
        return self._get0(_lib.SSL_client_hello_get0_session_id)

    def _suites(self):
        data = self._get0(_lib.SSL_client_hello_get0_ciphers)
        step = 3 if self.is_v2() else 2
        return [data[i:i + step]
                for i in range(0, len(data) - step + 1, step)]

    def get_cipher_suites(self) -> List[int]:
        """The offered cipher suites as code points, in the client's order,
        GREASE and signalling values included (e.g. ``0x1301`` for
        ``TLS_AES_128_GCM_SHA256``).

        :rtype: list of int
        """
        return [int.from_bytes(suite, "big") for suite in self._suites()]

    def get_cipher_list(self) -> List[str]:
        """The offered cipher suites that this OpenSSL knows, by OpenSSL
        name (as :meth:`Connection.get_cipher_list` names them), in the
        client's order.

        :rtype: list of str
        """
        ssl = self._live()
        names = []
        for suite in self._suites():
            if len(suite) == 3:
                if suite[0]:
                    continue                    # an SSL 2.0 cipher
                suite = suite[1:]
            cipher = _lib.SSL_CIPHER_find(ssl, suite)
            if cipher:
                names.append(_lib.SSL_CIPHER_get_name(cipher).decode("ascii"))
        return names

    def get_compression_methods(self) -> bytes:
        """The offered compression methods, one byte each (``b"\\x00"``:
        none).

        :rtype: bytes
        """
        return self._get0(_lib.SSL_client_hello_get0_compression_methods)

    def get_extension_types(self) -> List[int]:
        """The types of the extensions in the hello, in the client's order.

        OpenSSL reports only the types it knows: an extension this build
        does not know (a GREASE value, or a newer extension) is missing.

        :rtype: list of int
        """
        ssl = self._live()
        out = c_void_p()
        count = c_size_t()
        if _lib.SSL_client_hello_get1_extensions_present(
                ssl, byref(out), byref(count)) != 1:
            raise_current_error(Error, "SSL_client_hello_get1_extensions_"
                                "present")
        if not out.value:
            return []
        try:
            return list((c_int * count.value).from_address(out.value))
        finally:
            _lib.OPENSSL_free(out.value)

    def get_extension(self, ext_type: int) -> Optional[bytes]:
        """The raw body (``extension_data``) of one extension.

        :param int ext_type: The extension type (0 to 65535).
        :return: The bytes, or ``None`` if the hello has no such extension
            (or this OpenSSL does not know the type).
        :raises TypeError: if *ext_type* is not an integer.
        :raises ValueError: if it is out of range.
        """
        if isinstance(ext_type, bool) or not hasattr(ext_type, "__index__"):
            raise TypeError("ext_type must be an integer, not %s"
                            % type(ext_type).__name__)
        ext_type = operator.index(ext_type)
        if not 0 <= ext_type <= 0xFFFF:
            raise ValueError("ext_type must be 0 to 65535, not %d"
                             % ext_type)
        ssl = self._live()
        out = c_void_p()
        size = c_size_t()
        if not _lib.SSL_client_hello_get0_ext(ssl, ext_type, byref(out),
                                              byref(size)):
            return None
        ptr = out.value
        return string_at(ptr, size.value) if ptr and size.value else b""

    def get_server_name(self) -> Optional[bytes]:
        """The host name the client asked for (SNI), decoded from the
        ``server_name`` extension.  (:meth:`Connection.get_servername` does
        not know it yet while the callback runs.)

        :return: The name, or ``None`` if the client sent none.
        :raises ValueError: if the extension is malformed.
        """
        data = self.get_extension(_SERVER_NAME)
        if data is None:
            return None
        outer = _Reader(data, "server_name")
        names = outer.vector(2)
        outer.finish()
        host = None
        while not names.done():
            name_type = names.number(1)
            name = names.vector(2).data
            if name_type == 0 and host is None:
                host = name
        if not host:
            outer.fail()
        return host

    def get_alpn_protocols(self) -> List[bytes]:
        """The application protocols offered by ALPN, in the client's
        order.

        :return: A list of byte strings, empty if the client offered none.
        :raises ValueError: if the extension is malformed.
        """
        data = self.get_extension(_ALPN)
        if data is None:
            return []
        outer = _Reader(data, "ALPN")
        protocols = outer.vector(2)
        outer.finish()
        result = []
        while not protocols.done():
            name = protocols.vector(1).data
            if not name:
                outer.fail()
            result.append(name)
        if not result:
            outer.fail()
        return result

    def get_supported_versions(self) -> List[int]:
        """The protocol versions of the ``supported_versions`` extension
        (``0x0304``: TLS 1.3), in the client's order.

        :return: A list of int, empty for a hello without the extension
            (a client offering TLS 1.2 or older only).
        :raises ValueError: if the extension is malformed.
        """
        data = self.get_extension(_SUPPORTED_VERSIONS)
        if data is None:
            return []
        return _numbers(data, "supported_versions", 1, 2)

    def get_supported_groups(self) -> List[int]:
        """The key exchange groups offered (``supported_groups``, IANA code
        points such as ``29`` for X25519), in the client's order.

        :rtype: list of int
        :raises ValueError: if the extension is malformed.
        """
        data = self.get_extension(_SUPPORTED_GROUPS)
        if data is None:
            return []
        return _numbers(data, "supported_groups", 2, 2)

    def get_signature_algorithms(self) -> List[int]:
        """The signature schemes offered (``signature_algorithms``, IANA
        code points such as ``0x0804`` for rsa_pss_rsae_sha256), in the
        client's order.

        :rtype: list of int
        :raises ValueError: if the extension is malformed.
        """
        data = self.get_extension(_SIGNATURE_ALGORITHMS)
        if data is None:
            return []
        return _numbers(data, "signature_algorithms", 2, 2)

    def get_ec_point_formats(self) -> List[int]:
        """The EC point formats offered (``ec_point_formats``; ``0`` is
        uncompressed).

        :rtype: list of int
        :raises ValueError: if the extension is malformed.
        """
        data = self.get_extension(_EC_POINT_FORMATS)
        if data is None:
            return []
        return _numbers(data, "ec_point_formats", 1, 1)


@slot("client_hello", CLIENT_HELLO_CB, _lib.SSL_CLIENT_HELLO_ERROR,
      on_lost=_poison_connection)
def _client_hello_thunk(ssl, alert, arg):
    # Fail closed: the alert of an abort is in place before any of the
    # user's code runs, and the fatal result (an exception) aborts.
    c_int.from_address(alert).value = _lib.SSL_AD_HANDSHAKE_FAILURE
    conn = connections.get(ssl)
    ctx = contexts.get(arg)
    callback = ctx._callback("client_hello") if ctx is not None else None
    if conn is None or callback is None:
        raise Error([("pyossl", "client_hello_callback",
                      "no ClientHello callback for this connection")])
    hello = ClientHello._during(conn, ssl)
    try:
        result = callback(conn, hello)
    finally:
        hello._ssl = None
    if result is None:
        return _lib.SSL_CLIENT_HELLO_SUCCESS
    if result is CLIENT_HELLO_RETRY:
        return _lib.SSL_CLIENT_HELLO_RETRY
    raise TypeError("a ClientHello callback returns None or "
                    "CLIENT_HELLO_RETRY, not %s" % type(result).__name__)


__all__ = ["ClientHello", "CLIENT_HELLO_RETRY", "ClientHelloCallback"]
