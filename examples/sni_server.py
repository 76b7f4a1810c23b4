"""A TLS server that picks its certificate by the name the client asks for.

The server has a certificate for ``alpha.example``, one for
``beta.example`` and a default one.  Its server-name callback reads the
name the client sent (SNI, :meth:`~pyossl.SSL.Connection.get_servername`)
and switches the connection to the matching context with
:meth:`~pyossl.SSL.Connection.set_context` before the handshake goes on.
Three clients ask for each name in turn (and one asks for none), verify
the certificate they receive, and check that it is the right one.

Run: ``python3 examples/sni_server.py``
"""

import socket
import sys
import threading
from typing import Dict, List, Optional, Tuple, Union

from pyossl import SSL, crypto

from make_ca import issue, make_ca

DEFAULT = "default.example"
HOSTS = ("alpha.example", "beta.example")


def context_for(cert: crypto.X509, key: crypto.PKey) -> SSL.Context:
    ctx = SSL.Context(SSL.SSLv23_METHOD)
    ctx.set_options(SSL.OP_NO_SSLv2 | SSL.OP_NO_SSLv3)
    ctx.use_certificate(cert)
    ctx.use_privatekey(key)
    return ctx


def make_server_context(ca_cert: crypto.X509,
                        ca_key: crypto.PKey) -> SSL.Context:
    """The default context, with a callback that switches by name."""
    by_name: Dict[bytes, SSL.Context] = {}
    for host in HOSTS:
        cert, key = issue(ca_cert, ca_key, host, names=("DNS:" + host,))
        by_name[host.encode("ascii")] = context_for(cert, key)
    cert, key = issue(ca_cert, ca_key, DEFAULT, names=("DNS:" + DEFAULT,))
    default = context_for(cert, key)

    def pick_certificate(conn: SSL.Connection) -> None:
        name = conn.get_servername()          # bytes, or None without SNI
        chosen = by_name.get(name) if name is not None else None
        if chosen is not None:
            conn.set_context(chosen)
        # Otherwise keep the default context.  An exception raised here
        # would abort the handshake and come out of do_handshake().

    default.set_tlsext_servername_callback(pick_certificate)
    return default


def serve(listener: socket.socket, ctx: SSL.Context, count: int,
          log: List[Union[bytes, None, Exception]]) -> None:
    for _ in range(count):
        sock, _ = listener.accept()
        conn = SSL.Connection(ctx, sock)
        conn.set_accept_state()
        try:
            conn.do_handshake()
            log.append(conn.get_servername())
            conn.sendall(b"ok")
            conn.shutdown()
        except SSL.Error as exc:
            log.append(exc)
        finally:
            conn.close()


def fetch_certificate_name(address: Tuple[str, int], ca_cert: crypto.X509,
                           hostname: Optional[str]) -> str:
    """Connect asking for *hostname*; return the CN the server presented."""
    ctx = SSL.Context(SSL.SSLv23_METHOD)
    store = ctx.get_cert_store()
    assert store is not None
    store.add_cert(ca_cert)
    ctx.set_verify(SSL.VERIFY_PEER, lambda conn, cert, err, depth, ok: ok)
    sock = socket.create_connection(address, timeout=10)
    sock.settimeout(None)
    conn = SSL.Connection(ctx, sock)
    if hostname is not None:
        conn.set_tlsext_host_name(hostname.encode("ascii"))
    conn.set_connect_state()
    try:
        conn.do_handshake()
        cert = conn.get_peer_certificate()
        assert cert is not None
        common_name = cert.get_subject().CN
        assert common_name is not None
        assert conn.recv(2) == b"ok"
        try:
            conn.recv(1)
        except SSL.ZeroReturnError:
            pass
    finally:
        conn.close()
    return common_name


def main() -> int:
    ca_cert, ca_key = make_ca()
    ctx = make_server_context(ca_cert, ca_key)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(20)
    asked = ["beta.example", "alpha.example", None, "unknown.example"]
    log: List[Union[bytes, None, Exception]] = []
    server = threading.Thread(target=serve, daemon=True,
                              args=(listener, ctx, len(asked), log))
    server.start()
    for hostname in asked:
        got = fetch_certificate_name(listener.getsockname(), ca_cert,
                                     hostname)
        expected = hostname if hostname in HOSTS else DEFAULT
        print("asked for %-16s got the certificate of %s" % (hostname, got))
        assert got == expected, (hostname, got)
    server.join(30)
    assert not server.is_alive(), "server did not finish"
    listener.close()
    assert log == [b"beta.example", b"alpha.example", None,
                   b"unknown.example"], log
    return 0


if __name__ == "__main__":
    sys.exit(main())
