"""TLS with pre-shared keys instead of certificates (TLS-PSK).

Each client has an identity and a secret key that the server also knows;
neither side has a certificate.  Two servers run over 127.0.0.1:

* TLS 1.2 PSK ciphersuites, with the callbacks
  :meth:`~pyossl.SSL.Context.set_psk_server_callback` (identity -> key) and
  :meth:`~pyossl.SSL.Context.set_psk_client_callback` (server's hint ->
  identity and key), and an identity hint sent by the server
  (:meth:`~pyossl.SSL.Context.use_psk_identity_hint`).  These exist in every
  OpenSSL pyossl supports, 1.0.2 included;
* TLS 1.3 external PSKs (OpenSSL 1.1.1 and later): the client offers an
  identity and a session made with :meth:`~pyossl.SSL.Session.from_psk`,
  the server finds the session by identity.

A client with a wrong key and a client with an unknown identity are
refused by both servers.

Run: ``python3 examples/psk_echo.py``
"""

import socket
import sys
import threading
from typing import Callable, Dict, List, Optional, Tuple

from pyossl import SSL

KEYS: Dict[bytes, bytes] = {
    b"sensor-17": bytes.fromhex("8f1e4a5b2c3d6e7f8091a2b3c4d5e6f7"),
    b"sensor-42": bytes.fromhex("0123456789abcdef0123456789abcdef"),
}
# TLS 1.3 PSKs carry a hash; the server picks its ciphersuite before it
# looks the PSK up, so offer it only suites with that hash.
TLS13_SUITE = b"TLS_AES_128_GCM_SHA256"
HAS_TLS13_PSK = SSL.OPENSSL_VERSION_NUMBER >= 0x10101000


def tls12_contexts() -> Tuple[SSL.Context, Callable[[bytes, bytes],
                                                    SSL.Context]]:
    def server_key(conn: SSL.Connection, identity: bytes) -> Optional[bytes]:
        return KEYS.get(identity)         # None: unknown identity

    server = SSL.Context(SSL.TLS_METHOD)
    server.set_cipher_list(b"ECDHE-PSK:DHE-PSK:PSK")
    server.use_psk_identity_hint(b"sensors.example")
    server.set_psk_server_callback(server_key)

    def client(identity: bytes, key: bytes) -> SSL.Context:
        def answer(conn: SSL.Connection,
                   hint: Optional[bytes]) -> Tuple[bytes, bytes]:
            assert hint == b"sensors.example"
            return identity, key

        ctx = SSL.Context(SSL.TLS_METHOD)
        ctx.set_cipher_list(b"ECDHE-PSK:DHE-PSK:PSK")
        ctx.set_max_proto_version(SSL.TLS1_2_VERSION)
        ctx.set_psk_client_callback(answer)
        return ctx
    return server, client


def tls13_contexts() -> Tuple[SSL.Context, Callable[[bytes, bytes],
                                                    SSL.Context]]:
    sessions = {identity: SSL.Session.from_psk(key, TLS13_SUITE)
                for identity, key in KEYS.items()}

    def find(conn: SSL.Connection, identity: bytes) -> Optional[SSL.Session]:
        return sessions.get(identity)     # None: unknown identity

    server = SSL.Context(SSL.TLS_METHOD)
    server.set_min_proto_version(SSL.TLS1_3_VERSION)
    server.set_ciphersuites(TLS13_SUITE)
    server.set_psk_find_session_callback(find)

    def client(identity: bytes, key: bytes) -> SSL.Context:
        session = SSL.Session.from_psk(key, TLS13_SUITE)
        ctx = SSL.Context(SSL.TLS_METHOD)
        ctx.set_min_proto_version(SSL.TLS1_3_VERSION)
        ctx.set_psk_use_session_callback(lambda conn: (identity, session))
        return ctx
    return server, client


def serve(listener: socket.socket, ctx: SSL.Context, count: int,
          log: List[str]) -> None:
    for _ in range(count):
        sock, _ = listener.accept()
        conn = SSL.Connection(ctx, sock)
        conn.set_accept_state()
        try:
            conn.do_handshake()
            data = conn.recv(1024)
            conn.sendall(data.upper())
            conn.shutdown()
            log.append("served %s" % conn.get_protocol_version_name())
        except SSL.Error as exc:
            log.append("refused: %s" % (exc,))
        finally:
            conn.close()


def talk(address: Tuple[str, int], ctx: SSL.Context) -> Optional[bytes]:
    sock = socket.create_connection(address, timeout=10)
    sock.settimeout(None)
    conn = SSL.Connection(ctx, sock)
    conn.set_connect_state()
    try:
        conn.do_handshake()
        conn.sendall(b"temperature 21.5")
        reply = conn.recv(1024)
        print("  %s with %s: %r" % (conn.get_protocol_version_name(),
                                    conn.get_cipher_name(), reply))
        return reply
    except SSL.Error as exc:
        print("  refused: %s" % (exc,))
        return None
    finally:
        conn.close()


def run(name: str, server_ctx: SSL.Context,
        client_ctx: Callable[[bytes, bytes], SSL.Context]) -> None:
    print(name)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(3)
    listener.settimeout(20)
    log: List[str] = []
    thread = threading.Thread(target=serve, daemon=True,
                              args=(listener, server_ctx, 3, log))
    thread.start()
    address = listener.getsockname()
    good = talk(address, client_ctx(b"sensor-17", KEYS[b"sensor-17"]))
    wrong_key = talk(address, client_ctx(b"sensor-42", KEYS[b"sensor-17"]))
    unknown = talk(address, client_ctx(b"sensor-99", KEYS[b"sensor-17"]))
    thread.join(30)
    assert not thread.is_alive(), "server did not finish"
    listener.close()
    assert good == b"TEMPERATURE 21.5"
    assert wrong_key is None and unknown is None
    assert log[0].startswith("served") and len(log) == 3, log


def main() -> int:
    run("TLS 1.2 PSK ciphersuites", *tls12_contexts())
    if HAS_TLS13_PSK:
        run("TLS 1.3 external PSKs", *tls13_contexts())
    else:
        print("TLS 1.3 PSKs need OpenSSL 1.1.1 or later")
    return 0


if __name__ == "__main__":
    sys.exit(main())
