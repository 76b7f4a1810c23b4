"""Call an OpenSSL function pyossl does not wrap (the escape hatch).

pyossl (like pyOpenSSL) does not check that a server's certificate names
the host the client wanted.  OpenSSL can: ``X509_check_host``.  This
example declares that one function with :func:`pyossl.raw.function`, hands
it the peer certificate's ``X509 *`` from :func:`pyossl.raw.pointer`, and
refuses a server whose certificate is for another name.  It also reads the
protocol version straight from the connection's ``SSL *``.

The rules it follows (see the "Raw access" docs): the pointer is borrowed
(the Python object stays referenced while C uses it, and nobody frees it),
the function is declared with its exact C types, and a failed call's
errors are taken off OpenSSL's error queue.

Run: ``python3 examples/raw_calls.py``
"""

import ctypes
import socket
import sys
import threading
from typing import List, Tuple

from pyossl import SSL, crypto, raw

from make_ca import issue, make_ca

# int X509_check_host(X509 *x, const char *chk, size_t chklen,
#                     unsigned int flags, char **peername);
X509_check_host = raw.function(
    "X509_check_host", ctypes.c_int,
    [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint,
     ctypes.c_void_p], library="crypto")
# const char *SSL_get_version(const SSL *ssl);
SSL_get_version = raw.function("SSL_get_version", ctypes.c_char_p,
                               [ctypes.c_void_p])


def certificate_names(cert: crypto.X509, host: str) -> bool:
    """Whether *cert* is valid for *host* (subjectAltName, then CN)."""
    name = host.encode("ascii")
    result = X509_check_host(raw.pointer(cert), name, len(name), 0, None)
    if result < 0:                          # an internal error in OpenSSL
        raise crypto.Error(raw.pop_errors())
    return bool(result == 1)


def serve(listener: socket.socket, ctx: SSL.Context, count: int) -> None:
    for _ in range(count):
        sock, _ = listener.accept()
        conn = SSL.Connection(ctx, sock)
        conn.set_accept_state()
        try:
            conn.do_handshake()
            conn.sendall(b"hello")
            conn.shutdown()
        except SSL.Error:
            pass
        finally:
            conn.close()


def fetch(address: Tuple[str, int], ca_cert: crypto.X509, host: str) -> str:
    ctx = SSL.Context(SSL.TLS_METHOD)
    store = ctx.get_cert_store()
    assert store is not None
    store.add_cert(ca_cert)
    ctx.set_verify(SSL.VERIFY_PEER, lambda conn, cert, err, depth, ok: ok)
    sock = socket.create_connection(address, timeout=10)
    sock.settimeout(None)
    conn = SSL.Connection(ctx, sock)
    conn.set_tlsext_host_name(host.encode("ascii"))
    conn.set_connect_state()
    try:
        conn.do_handshake()
        version = SSL_get_version(raw.pointer(conn)).decode("ascii")
        cert = conn.get_peer_certificate()
        assert cert is not None
        if not certificate_names(cert, host):
            return "refused: the certificate is not for %s (%s)" % (
                host, version)
        return "%s: %r (%s)" % (host, conn.recv(5), version)
    finally:
        conn.close()


def main() -> int:
    ca_cert, ca_key = make_ca()
    cert, key = issue(ca_cert, ca_key, "api.example",
                      names=("DNS:api.example", "DNS:*.api.example"))
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.use_certificate(cert)
    ctx.use_privatekey(key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(3)
    listener.settimeout(20)
    hosts = ["api.example", "eu.api.example", "www.example"]
    thread = threading.Thread(target=serve, daemon=True,
                              args=(listener, ctx, len(hosts)))
    thread.start()
    results: List[str] = [fetch(listener.getsockname(), ca_cert, host)
                          for host in hosts]
    thread.join(30)
    listener.close()
    for line in results:
        print(line)
    assert results[0].startswith("api.example: b'hello'")
    assert results[1].startswith("eu.api.example: b'hello'")
    assert results[2].startswith("refused")
    assert raw.pop_errors() == []           # nothing left on the queue
    return 0


if __name__ == "__main__":
    sys.exit(main())
