"""Helpers shared by the test_ssl_* modules (not a test module: its checks
live in test_ssl_memory.py).

Imported as ``from ssl_helpers import ...`` (pytest puts ``tests/`` on
``sys.path``).
"""

import select
import socket
import time

from pyossl import SSL

TIMEOUT = 20.0        # seconds; bounds every wait so that nothing hangs


def server_context(pki, method=SSL.TLS_METHOD, cert=None, key=None):
    ctx = SSL.Context(method)
    ctx.use_certificate_file(cert or pki.server_cert)
    ctx.use_privatekey_file(key or pki.server_key)
    return ctx


def client_context(pki, method=SSL.TLS_METHOD, verify=True, callback=None):
    ctx = SSL.Context(method)
    if verify:
        ctx.load_verify_locations(pki.ca_cert)
        ctx.set_verify(SSL.VERIFY_PEER, callback)
    return ctx


def memory_pair(server_ctx, client_ctx):
    server = SSL.Connection(server_ctx, None)
    server.set_accept_state()
    client = SSL.Connection(client_ctx, None)
    client.set_connect_state()
    return server, client


def pump(a, b):
    """Move every byte waiting in either outgoing BIO to the other side.

    :return: whether anything moved.
    """
    moved = False
    progress = True
    while progress:
        progress = False
        for src, dst in ((a, b), (b, a)):
            while True:
                try:
                    data = src.bio_read(65536)
                except SSL.WantReadError:
                    break
                if not data:
                    break
                dst.bio_write(data)
                progress = moved = True
    return moved


def handshake_memory(server, client, rounds=30):
    """Drive both handshakes through the memory BIOs until both finish."""
    done = {server: False, client: False}
    for _ in range(rounds):
        for conn in (client, server):
            if done[conn]:
                continue
            try:
                conn.do_handshake()
                done[conn] = True
            except SSL.WantReadError:
                pass
        pump(server, client)
        if all(done.values()):
            return
    raise AssertionError("handshake did not finish")


def transfer_memory(sender, receiver, data):
    """Send *data* through a memory pair; return what arrived."""
    sender.sendall(data)
    pump(sender, receiver)
    out = []
    while True:
        try:
            out.append(receiver.recv(65536))
        except SSL.WantReadError:
            break
    return b"".join(out)


def socket_pair():
    """A connected pair of TCP sockets on loopback (blocking, timeouts)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        client = socket.create_connection(listener.getsockname(),
                                          timeout=TIMEOUT)
        server, _ = listener.accept()
    finally:
        listener.close()
    client.settimeout(None)
    server.settimeout(None)
    return server, client


def drive_nonblocking(ops, deadline=TIMEOUT):
    """Run callables until each returns without Want*Error, using select.

    *ops* maps a Connection to a zero-argument callable; return values are
    collected in a dict.
    """
    results = {}
    pending = dict(ops)
    end = time.monotonic() + deadline
    while pending:
        if time.monotonic() > end:
            raise AssertionError("non-blocking operation timed out")
        readers, writers = [], []
        for conn, op in list(pending.items()):
            try:
                results[conn] = op()
                del pending[conn]
            except SSL.WantReadError:
                readers.append(conn)
            except SSL.WantWriteError:
                writers.append(conn)
        if pending:
            select.select(readers, writers, [], 0.5)
    return results
