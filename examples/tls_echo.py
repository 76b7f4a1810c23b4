"""A TLS echo server and client that verify each other's certificates.

The server asks for a client certificate and refuses clients without one
(``VERIFY_PEER | VERIFY_FAIL_IF_NO_PEER_CERT``); the client trusts only the
example CA and checks that the server's certificate names ``localhost``.
One client echoes a few messages; a second client, which trusts a
different CA, is refused during the handshake.  Everything runs in this
process over 127.0.0.1.

Run: ``python3 examples/tls_echo.py``
"""

import os
import shutil
import socket
import sys
import tempfile
import threading
from typing import List, Tuple

from pyossl import SSL, crypto

from make_ca import issue, make_ca


def log_verification(conn: SSL.Connection, cert: crypto.X509, errnum: int,
                     depth: int, ok: int) -> bool:
    """Verify callback: report each certificate OpenSSL checks.

    *ok* is OpenSSL's verdict; returning it keeps that verdict.
    """
    if not ok:
        print("  verify: depth %d %s: error %d" % (
            depth, cert.get_subject().CN, errnum))
    return bool(ok)


def server_context(cert: crypto.X509, key: crypto.PKey,
                   ca_file: bytes) -> SSL.Context:
    ctx = SSL.Context(SSL.SSLv23_METHOD)
    ctx.set_options(SSL.OP_NO_SSLv2 | SSL.OP_NO_SSLv3)
    ctx.use_certificate(cert)
    ctx.use_privatekey(key)
    ctx.check_privatekey()
    ctx.load_verify_locations(ca_file)
    ctx.set_verify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT,
                   log_verification)
    return ctx


def client_context(cert: crypto.X509, key: crypto.PKey,
                   ca_file: bytes) -> SSL.Context:
    ctx = SSL.Context(SSL.SSLv23_METHOD)
    ctx.set_options(SSL.OP_NO_SSLv2 | SSL.OP_NO_SSLv3)
    ctx.use_certificate(cert)
    ctx.use_privatekey(key)
    ctx.load_verify_locations(ca_file)
    ctx.set_verify(SSL.VERIFY_PEER, log_verification)
    return ctx


def serve(listener: socket.socket, ctx: SSL.Context, count: int,
          results: List[str]) -> None:
    """Accept *count* connections; echo until each client closes."""
    for _ in range(count):
        sock, _ = listener.accept()
        conn = SSL.Connection(ctx, sock)
        conn.set_accept_state()
        try:
            conn.do_handshake()
            client_cert = conn.get_peer_certificate()
            assert client_cert is not None      # FAIL_IF_NO_PEER_CERT
            peer = client_cert.get_subject().CN
            while True:
                try:
                    data = conn.recv(4096)
                except SSL.ZeroReturnError:      # the client said goodbye
                    conn.shutdown()
                    break
                conn.sendall(data)
            results.append("served %s" % peer)
        except SSL.Error as exc:
            results.append("refused a client: %s" % (exc,))
        finally:
            conn.close()


def names_in(cert: crypto.X509) -> List[str]:
    """The DNS names of the certificate's subjectAltName extension."""
    for i in range(cert.get_extension_count()):
        ext = cert.get_extension(i)
        if ext.get_short_name() == b"subjectAltName":
            return [part.strip()[4:] for part in str(ext).split(",")
                    if part.strip().startswith("DNS:")]
    return []


def connect(address: Tuple[str, int], ctx: SSL.Context,
            hostname: str) -> SSL.Connection:
    sock = socket.create_connection(address, timeout=10)
    sock.settimeout(None)               # a Connection wants blocking I/O
    conn = SSL.Connection(ctx, sock)
    conn.set_tlsext_host_name(hostname.encode("ascii"))
    conn.set_connect_state()
    try:
        conn.do_handshake()
        # The chain was verified by OpenSSL; the host name is ours to check.
        cert = conn.get_peer_certificate()
        if cert is None or hostname not in names_in(cert):
            raise SSL.Error("certificate is not for %s" % hostname)
    except Exception:
        conn.close()
        raise
    return conn


def main() -> int:
    ca_cert, ca_key = make_ca()
    server_cert, server_key = issue(ca_cert, ca_key, "localhost",
                                    names=("DNS:localhost", "IP:127.0.0.1"))
    client_cert, client_key = issue(ca_cert, ca_key, "echo client",
                                    server=False)
    other_ca, other_key = make_ca("some other CA")
    folder = tempfile.mkdtemp(prefix="pyossl-echo-")
    try:
        ca_file = os.path.join(folder, "ca.pem").encode()
        other_file = os.path.join(folder, "other.pem").encode()
        for path, cert in ((ca_file, ca_cert), (other_file, other_ca)):
            with open(path, "wb") as f:
                f.write(crypto.dump_certificate(crypto.FILETYPE_PEM, cert))

        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(2)
        listener.settimeout(20)
        results: List[str] = []
        server = threading.Thread(target=serve, daemon=True, args=(
            listener, server_context(server_cert, server_key, ca_file), 2,
            results))
        server.start()
        address = listener.getsockname()

        # 1. A client that trusts our CA and has a certificate.
        conn = connect(address,
                       client_context(client_cert, client_key, ca_file),
                       "localhost")
        print("client: connected with %s, %s" % (
            conn.get_cipher_version(), conn.get_cipher_name()))
        for message in (b"hello", b"echo " * 1000, b"bye"):
            conn.sendall(message)
            received = b""
            while len(received) < len(message):
                received += conn.recv(65536)
            assert received == message
        print("client: 3 messages echoed")
        conn.shutdown()                     # send our close_notify
        try:
            conn.recv(1)                    # wait for the server's
        except SSL.ZeroReturnError:
            pass
        conn.close()

        # 2. A client that trusts another CA: the handshake must fail.
        try:
            connect(address,
                    client_context(client_cert, client_key, other_file),
                    "localhost")
        except SSL.Error as exc:
            print("client 2: refused as expected (%s)" % (exc,))
        else:
            raise AssertionError("a client accepted an untrusted server")

        server.join(30)
        assert not server.is_alive(), "server did not finish"
        listener.close()
        for line in results:
            print("server: " + line)
        assert results[0] == "served echo client", results
        assert results[1].startswith("refused"), results
    finally:
        shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
