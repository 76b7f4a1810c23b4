"""DTLS over UDP with cookies, retransmission timers and DTLS-SRTP keys.

A server and a client talk over two UDP sockets on loopback.  The server
first waits in :meth:`~pyossl.SSL.Connection.DTLSv1_listen` for a
ClientHello that echoes a cookie it made (so a spoofed source address
cannot make it work), then completes the handshake.  Both sides use
non-blocking sockets and wait for data no longer than
:meth:`~pyossl.SSL.Connection.DTLSv1_get_timeout` says, calling
:meth:`~pyossl.SSL.Connection.DTLSv1_handle_timeout` when the timer
expires: the retransmission loop every DTLS application runs.  The two
negotiate an SRTP protection profile and derive the same SRTP master keys
with :meth:`~pyossl.SSL.Connection.export_keying_material`, then exchange
a message.

Run: ``python3 examples/dtls_srtp.py``
"""

import hmac
import os
import select
import socket
import sys
import threading
import time
from typing import Callable, Dict, TypeVar

from pyossl import SSL, crypto

from make_ca import issue, make_ca

T = TypeVar("T")
PROFILES = b"SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32"
SRTP_LABEL = b"EXTRACTOR-dtls_srtp"
SRTP_KEYS = 2 * (16 + 14)          # two AES-128 master keys and salts
MTU = 1400
TIMEOUT = 20.0


def run(conn: SSL.Connection, sock: socket.socket,
        operation: Callable[[], T]) -> T:
    """Call *operation* until it stops asking for more data, waiting on
    *sock* and retransmitting when the DTLS timer expires."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            return operation()
        except SSL.WantReadError:
            pass
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no answer from the peer")
        timer = conn.DTLSv1_get_timeout()
        wait = left if timer is None else min(timer, left)
        if not select.select([sock], [], [], wait)[0]:
            conn.DTLSv1_handle_timeout()       # resend the last flight


def server_context(cert: crypto.X509, key: crypto.PKey) -> SSL.Context:
    secret = os.urandom(32)

    def make_cookie(conn: SSL.Connection) -> bytes:
        # Bound to the peer: here the connected socket's address.
        peer = repr(conn.getpeername()).encode("ascii")
        return hmac.new(secret, peer, "sha256").digest()

    def check_cookie(conn: SSL.Connection, cookie: bytes) -> bool:
        return hmac.compare_digest(cookie, make_cookie(conn))

    ctx = SSL.Context(SSL.DTLS_SERVER_METHOD)
    ctx.use_certificate(cert)
    ctx.use_privatekey(key)
    ctx.set_options(SSL.OP_NO_QUERY_MTU)
    ctx.set_cookie_generate_callback(make_cookie)
    ctx.set_cookie_verify_callback(check_cookie)
    ctx.set_tlsext_use_srtp(PROFILES)
    return ctx


def client_context(ca_cert: crypto.X509) -> SSL.Context:
    ctx = SSL.Context(SSL.DTLS_CLIENT_METHOD)
    store = ctx.get_cert_store()
    assert store is not None
    store.add_cert(ca_cert)
    ctx.set_verify(SSL.VERIFY_PEER)
    ctx.set_options(SSL.OP_NO_QUERY_MTU)
    ctx.set_tlsext_use_srtp(PROFILES)
    return ctx


def udp_pair() -> "tuple[socket.socket, socket.socket]":
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(("127.0.0.1", 0))
    b.bind(("127.0.0.1", 0))
    a.connect(b.getsockname())
    b.connect(a.getsockname())
    a.setblocking(False)
    b.setblocking(False)
    return a, b


def main() -> int:
    ca_cert, ca_key = make_ca()
    cert, key = issue(ca_cert, ca_key, "localhost",
                      names=("DNS:localhost", "IP:127.0.0.1"))
    ssock, csock = udp_pair()
    server = SSL.Connection(server_context(cert, key), ssock)
    server.set_ciphertext_mtu(MTU)
    server.set_accept_state()
    client = SSL.Connection(client_context(ca_cert), csock)
    client.set_ciphertext_mtu(MTU)
    client.set_connect_state()
    results: Dict[str, object] = {}

    def serve() -> None:
        try:
            run(server, ssock, server.DTLSv1_listen)
            run(server, ssock, server.do_handshake)
            results["server keys"] = server.export_keying_material(
                SRTP_LABEL, SRTP_KEYS)
            message = run(server, ssock, lambda: server.recv(MTU))
            server.send(message.upper())
        except Exception as exc:               # reported by the main thread
            results["server error"] = exc

    thread = threading.Thread(target=serve)
    thread.start()
    run(client, csock, client.do_handshake)
    profile = client.get_selected_srtp_profile()
    keys = client.export_keying_material(SRTP_LABEL, SRTP_KEYS)
    client.send(b"hello over dtls")
    reply = run(client, csock, lambda: client.recv(MTU))
    thread.join(TIMEOUT)
    if "server error" in results:
        raise results["server error"]          # type: ignore[misc]
    print("protocol:", client.get_protocol_version_name())
    print("cipher:  ", client.get_cipher_name())
    print("SRTP:    ", profile.decode("ascii"))
    print("reply:   ", reply.decode("ascii"))
    assert client.get_protocol_version_name() == "DTLSv1.2"
    assert profile == PROFILES.split(b":")[0]
    assert keys == results["server keys"], "the SRTP keys differ"
    assert reply == b"HELLO OVER DTLS"
    client.shutdown()
    ssock.close()
    csock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
