"""Look at the ClientHello before the handshake is decided.

The server installs a ClientHello callback
(:meth:`~pyossl.SSL.Context.set_client_hello_callback`, OpenSSL 1.1.1 and
later).  For every client it

* computes the client's JA3 fingerprint (TLS version, cipher suites,
  extensions, groups and point formats of the hello, GREASE values left
  out) from the :class:`~pyossl.SSL.ClientHello` object;
* answers ACME ``tls-alpn-01`` validation: a client that offers only the
  ``acme-tls/1`` protocol is switched to the challenge certificate with
  :meth:`~pyossl.SSL.Connection.set_context`, everyone else gets the
  normal one;
* pauses the handshake while it "looks up" the name the client asked for:
  the callback returns :data:`~pyossl.SSL.CLIENT_HELLO_RETRY`,
  ``do_handshake()`` raises
  :exc:`~pyossl.SSL.WantClientHelloCallbackError`, the server does the
  lookup and calls ``do_handshake()`` again, and the callback, called once
  more, lets the handshake go on.

Two clients (a browser-like one and an ACME validator) connect over
127.0.0.1 and check what they got.  With an OpenSSL older than 1.1.1 the
example says so and exits.

Run: ``python3 examples/client_hello.py``
"""

import hashlib
import socket
import sys
import threading
from typing import Dict, List, Optional, Set, Tuple

from pyossl import SSL, crypto

from make_ca import issue, make_ca

HOST = "www.example"
ACME = b"acme-tls/1"


def is_grease(value: int) -> bool:
    """GREASE values (RFC 8701) are 0x?a?a with both bytes equal."""
    return (value & 0x0F0F) == 0x0A0A and (value >> 8) == (value & 0xFF)


def ja3(hello: SSL.ClientHello) -> str:
    """The JA3 string of a ClientHello (see salesforce/ja3).

    OpenSSL reports only the extension types it knows, so a client that
    sends extensions this build does not know gets a shorter list here
    than from a packet capture.
    """
    def join(values: List[int]) -> str:
        return "-".join(str(v) for v in values if not is_grease(v))
    return ",".join([
        str(hello.get_legacy_version()),
        join(hello.get_cipher_suites()),
        join(hello.get_extension_types()),
        join(hello.get_supported_groups()),
        join(hello.get_ec_point_formats()),
    ])


def md5_hex(text: str) -> str:
    try:
        digest = hashlib.md5(text.encode("ascii"), usedforsecurity=False)
    except (TypeError, ValueError):      # Python < 3.9, or FIPS mode
        return "(md5 unavailable)"
    return digest.hexdigest()


class Server(object):
    def __init__(self, ca_cert: crypto.X509, ca_key: crypto.PKey) -> None:
        cert, key = issue(ca_cert, ca_key, HOST, names=("DNS:" + HOST,))
        self.normal = self.context(cert, key)
        cert, key = issue(ca_cert, ca_key, "ACME challenge for " + HOST,
                          names=("DNS:" + HOST,))
        self.acme = self.context(cert, key)
        self.acme.set_alpn_select_callback(self.select_acme)
        self.normal.set_client_hello_callback(self.on_client_hello)
        self.known: Set[bytes] = set()       # names already looked up
        self.to_look_up: List[bytes] = []
        self.fingerprints: List[str] = []

    @staticmethod
    def context(cert: crypto.X509, key: crypto.PKey) -> SSL.Context:
        ctx = SSL.Context(SSL.TLS_METHOD)
        ctx.use_certificate(cert)
        ctx.use_privatekey(key)
        return ctx

    @staticmethod
    def select_acme(conn: SSL.Connection, offered: List[bytes]) -> bytes:
        return ACME

    def on_client_hello(self, conn: SSL.Connection,
                        hello: SSL.ClientHello) -> Optional[object]:
        """Called for each ClientHello (again after a pause)."""
        if conn.get_app_data() is None:          # first call for this client
            conn.set_app_data(ja3(hello))
        if hello.get_alpn_protocols() == [ACME]:
            conn.set_context(self.acme)
            return None
        name = hello.get_server_name() or b""
        if name not in self.known:
            self.to_look_up.append(name)
            return SSL.CLIENT_HELLO_RETRY        # pause the handshake
        return None

    def serve_one(self, listener: socket.socket) -> None:
        sock, _ = listener.accept()
        conn = SSL.Connection(self.normal, sock)
        conn.set_accept_state()
        try:
            while True:
                try:
                    conn.do_handshake()
                    break
                except SSL.WantClientHelloCallbackError:
                    # A real server would start an asynchronous lookup and
                    # come back when it finished; this one finishes now.
                    self.known.add(self.to_look_up.pop())
            self.fingerprints.append(conn.get_app_data())
            conn.sendall(b"hello from the server")
            conn.shutdown()
        finally:
            conn.close()


def connect(address: Tuple[str, int], ca_cert: crypto.X509,
            protocols: List[bytes]) -> Dict[str, object]:
    ctx = SSL.Context(SSL.TLS_METHOD)
    store = ctx.get_cert_store()
    assert store is not None
    store.add_cert(ca_cert)
    ctx.set_verify(SSL.VERIFY_PEER, lambda conn, cert, err, depth, ok: ok)
    ctx.set_alpn_protos(protocols)
    sock = socket.create_connection(address, timeout=10)
    sock.settimeout(None)
    conn = SSL.Connection(ctx, sock)
    conn.set_tlsext_host_name(HOST.encode("ascii"))
    conn.set_connect_state()
    try:
        conn.do_handshake()
        cert = conn.get_peer_certificate()
        assert cert is not None
        result = {"certificate": cert.get_subject().CN,
                  "protocol": conn.get_alpn_proto_negotiated(),
                  "data": conn.recv(100)}
    finally:
        conn.close()
    return result


def main() -> int:
    if SSL.OPENSSL_VERSION_NUMBER < 0x10101000:
        print("The ClientHello callback needs OpenSSL 1.1.1 or later; this "
              "is %s." % SSL.SSLeay_version(SSL.SSLEAY_VERSION).decode())
        return 0
    ca_cert, ca_key = make_ca()
    server = Server(ca_cert, ca_key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(2)
    listener.settimeout(20)

    def serve() -> None:
        for _ in range(2):
            server.serve_one(listener)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    browser = connect(listener.getsockname(), ca_cert, [b"h2", b"http/1.1"])
    validator = connect(listener.getsockname(), ca_cert, [ACME])
    thread.join(30)
    assert not thread.is_alive(), "the server did not finish"
    listener.close()

    print("browser-like client got %(certificate)r, ALPN %(protocol)r"
          % browser)
    print("ACME validator got      %(certificate)r, ALPN %(protocol)r"
          % validator)
    for text in server.fingerprints:
        print("JA3 %s  %s" % (md5_hex(text), text))
    assert browser["certificate"] == HOST
    assert browser["data"] == b"hello from the server"
    assert validator["certificate"] == "ACME challenge for " + HOST
    assert validator["protocol"] == ACME
    assert server.known == {HOST.encode("ascii")}   # one pause, one lookup
    assert len(server.fingerprints) == 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
