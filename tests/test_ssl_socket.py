"""Connection over real loopback TCP sockets: blocking, non-blocking,
timeouts, delegation to the socket, peers that misbehave, threads."""

import hashlib
import os
import select
import socket
import threading

import pytest

from pyossl import SSL
from ssl_helpers import (TIMEOUT, client_context, drive_nonblocking,
                         server_context, socket_pair)


def run_in_thread(func, *args):
    result = {}

    def target():
        try:
            result["value"] = func(*args)
        except BaseException as exc:      # noqa: B902 - reported below
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, result


def finish(thread, result):
    thread.join(TIMEOUT)
    assert not thread.is_alive(), "peer thread hung"
    if "error" in result:
        raise result["error"]
    return result.get("value")


@pytest.fixture
def blocking_pair(pki):
    ssock, csock = socket_pair()
    server = SSL.Connection(server_context(pki), ssock)
    server.set_accept_state()
    client = SSL.Connection(client_context(pki), csock)
    client.set_connect_state()
    thread, result = run_in_thread(server.do_handshake)
    client.do_handshake()
    finish(thread, result)
    yield server, client
    ssock.close()
    csock.close()


def test_blocking_handshake_and_data(blocking_pair):
    server, client = blocking_pair
    assert client.get_peer_certificate().get_subject().CN == "localhost"
    client.sendall(b"hello server")
    assert server.recv(100) == b"hello server"
    server.send(b"hello client")
    buf = bytearray(64)
    assert client.recv_into(buf) == 12
    assert bytes(buf[:12]) == b"hello client"


def test_delegation_to_socket(blocking_pair):
    server, client = blocking_pair
    assert client.getpeername() == server.getsockname()
    assert client.fileno() == client._socket.fileno()
    assert client.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE) == \
        socket.SOCK_STREAM
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.settimeout(5)
    assert client.gettimeout() == 5
    client.setblocking(True)
    with pytest.raises(AttributeError):
        client.no_such_attribute
    with pytest.raises(TypeError):
        client.bio_read(10)
    with pytest.raises(TypeError):
        client.bio_write(b"x")
    with pytest.raises(TypeError):
        client.bio_shutdown()


def test_clean_shutdown_over_sockets(blocking_pair):
    server, client = blocking_pair
    assert client.shutdown() is False
    with pytest.raises(SSL.ZeroReturnError):
        server.recv(10)
    assert server.shutdown() is True
    with pytest.raises(SSL.ZeroReturnError):
        client.recv(10)
    client.sock_shutdown(socket.SHUT_RDWR)


def test_peer_closes_without_close_notify(blocking_pair):
    server, client = blocking_pair
    client.sock_shutdown(socket.SHUT_RDWR)
    client.close()
    with pytest.raises(SSL.SysCallError) as info:
        server.recv(10)
    assert info.value.args[0] in (-1, 104)        # EOF or ECONNRESET
    if info.value.args[0] == -1:
        assert info.value.args == (-1, "Unexpected EOF")


def test_io_on_a_closed_socket(blocking_pair):
    server, client = blocking_pair
    client.close()
    for op in (lambda: client.send(b"x"), lambda: client.recv(1),
               lambda: client.recv_into(bytearray(1)), client.do_handshake,
               client.shutdown):
        with pytest.raises(SSL.SysCallError) as info:
            op()
        assert info.value.args[1] == "EBADF"


def test_nonblocking_want_read(blocking_pair):
    server, client = blocking_pair
    server.setblocking(False)
    with pytest.raises(SSL.WantReadError):
        server.recv(10)
    client.send(b"now")
    select.select([server], [], [], TIMEOUT)
    assert server.recv(10) == b"now"


def test_timeout_socket_raises_want_read(blocking_pair):
    # As pyOpenSSL: a socket with a timeout is non-blocking underneath.
    server, client = blocking_pair
    server.settimeout(0.01)
    with pytest.raises(SSL.WantReadError):
        server.recv(10)


def test_nonblocking_handshake_with_select(pki):
    ssock, csock = socket_pair()
    try:
        ssock.setblocking(False)
        csock.setblocking(False)
        server = SSL.Connection(server_context(pki), ssock)
        server.set_accept_state()
        client = SSL.Connection(client_context(pki), csock)
        client.set_connect_state()
        drive_nonblocking({server: server.do_handshake,
                           client: client.do_handshake})
        data = os.urandom(300000)
        sent = [0]

        def send_some():
            while sent[0] < len(data):
                sent[0] += client.send(data[sent[0]:sent[0] + 65536])

        received = []

        def recv_all():
            while sum(map(len, received)) < len(data):
                received.append(server.recv(65536))

        drive_nonblocking({client: send_some, server: recv_all})
        assert b"".join(received) == data
    finally:
        ssock.close()
        csock.close()


def test_listen_accept_connect(pki):
    listener = SSL.Connection(server_context(pki),
                              socket.socket(socket.AF_INET))
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    address = listener.getsockname()
    client = SSL.Connection(client_context(pki),
                            socket.socket(socket.AF_INET))
    client.settimeout(TIMEOUT)
    thread, result = run_in_thread(listener.accept)
    client.connect(address)
    conn, peer = finish(thread, result)
    client.setblocking(True)
    assert isinstance(conn, SSL.Connection)
    assert peer == client.getsockname()
    thread, result = run_in_thread(conn.recv, 100)
    client.sendall(b"over accept")
    assert finish(thread, result) == b"over accept"
    for c in (client, conn, listener):
        c.close()


def test_connect_ex(pki):
    listener = socket.socket(socket.AF_INET)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    client = SSL.Connection(client_context(pki),
                            socket.socket(socket.AF_INET))
    assert client.connect_ex(listener.getsockname()) == 0
    client.close()
    listener.close()


def test_peer_closes_mid_handshake(pki):
    ssock, csock = socket_pair()
    server = SSL.Connection(server_context(pki), ssock)
    server.set_accept_state()
    csock.sendall(b"\x16\x03\x01")     # the start of a record, then EOF
    csock.close()
    with pytest.raises(SSL.SysCallError) as info:
        server.do_handshake()
    assert info.value.args[0] in (-1, 104)
    ssock.close()


def test_peer_sends_garbage(pki):
    ssock, csock = socket_pair()
    server = SSL.Connection(server_context(pki), ssock)
    server.set_accept_state()
    csock.sendall(b"GET / HTTP/1.0\r\n\r\n")
    with pytest.raises(SSL.Error) as info:
        server.do_handshake()
    assert not isinstance(info.value, SSL.SysCallError)
    ssock.close()
    csock.close()


def test_large_transfer_over_sockets(blocking_pair):
    server, client = blocking_pair
    total = 64 * 1024 * 1024
    block = os.urandom(1 << 20)

    def produce():
        digest = hashlib.sha256()
        for i in range(total // len(block)):
            chunk = bytes([i & 0xFF]) + block[1:]
            digest.update(chunk)
            client.sendall(chunk)
        return digest.hexdigest()

    thread, result = run_in_thread(produce)
    digest = hashlib.sha256()
    buf = bytearray(65536)
    view = memoryview(buf)
    received = 0
    while received < total:
        n = server.recv_into(buf)
        digest.update(view[:n])
        received += n
    assert finish(thread, result) == digest.hexdigest()
    assert received == total


def test_many_connections_from_many_threads(pki):
    sctx = server_context(pki)
    verified = []
    cctx = client_context(pki, callback=lambda c, x, e, d, ok:
                          verified.append(x.get_subject().CN) or ok)
    sctx.set_info_callback(lambda conn, where, ret: None)
    errors = []

    def one_connection(index):
        ssock, csock = socket_pair()
        try:
            server = SSL.Connection(sctx, ssock)
            server.set_accept_state()
            client = SSL.Connection(cctx, csock)
            client.set_connect_state()
            # Each side runs in its own thread.
            thread, result = run_in_thread(server.do_handshake)
            client.do_handshake()
            finish(thread, result)
            for i in range(20):
                payload = ("%d-%d" % (index, i)).encode() * 100
                client.sendall(payload)
                got = b""
                while len(got) < len(payload):
                    got += server.recv(65536)
                assert got == payload
                server.sendall(got[::-1])
                back = b""
                while len(back) < len(payload):
                    back += client.recv(65536)
                assert back == payload[::-1]
            client.shutdown()
        except BaseException as exc:     # noqa: B902 - collected
            errors.append(exc)
        finally:
            ssock.close()
            csock.close()

    threads = [threading.Thread(target=one_connection, args=(n,))
               for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
        assert not t.is_alive()
    assert errors == []
    assert verified.count("localhost") == 16


def test_callbacks_over_sockets(pki):
    """verify, SNI, ALPN and info callbacks driven by a socket handshake."""
    other = server_context(pki, cert=pki.other_server_cert,
                           key=pki.other_server_key)
    events = []
    sctx = server_context(pki)
    sctx.set_tlsext_servername_callback(
        lambda conn: events.append(("sni", conn.get_servername())))
    sctx.set_alpn_select_callback(
        lambda conn, offered: events.append(("alpn", offered)) or b"h2")
    sctx.set_info_callback(lambda conn, where, ret: None)
    cctx = client_context(
        pki, callback=lambda c, x, e, d, ok: events.append(("verify", d))
        or ok)
    cctx.set_alpn_protos([b"h2", b"http/1.1"])
    ssock, csock = socket_pair()
    try:
        server = SSL.Connection(sctx, ssock)
        server.set_accept_state()
        client = SSL.Connection(cctx, csock)
        client.set_connect_state()
        client.set_tlsext_host_name(b"localhost")
        thread, result = run_in_thread(server.do_handshake)
        client.do_handshake()
        finish(thread, result)
        assert ("sni", b"localhost") in events
        assert ("alpn", [b"h2", b"http/1.1"]) in events
        assert ("verify", 0) in events and ("verify", 1) in events
        assert client.get_alpn_proto_negotiated() == b"h2"
        assert other.get_app_data() is None
    finally:
        ssock.close()
        csock.close()


def test_verify_rejection_over_sockets(pki):
    ssock, csock = socket_pair()
    try:
        server = SSL.Connection(server_context(pki), ssock)
        server.set_accept_state()
        client = SSL.Connection(
            client_context(pki, callback=lambda *args: False), csock)
        client.set_connect_state()
        thread, result = run_in_thread(server.do_handshake)
        with pytest.raises(SSL.Error):
            client.do_handshake()
        csock.close()
        with pytest.raises(SSL.Error):
            finish(thread, result)
    finally:
        ssock.close()
        csock.close()


def test_connection_reset_gives_errno(blocking_pair):
    import errno
    import struct
    server, client = blocking_pair
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                      struct.pack("ii", 1, 0))
    client.close()                        # RST instead of FIN
    with pytest.raises(SSL.SysCallError) as info:
        server.recv(10)
    assert info.value.args == (errno.ECONNRESET, "ECONNRESET")


def test_want_write_when_the_peer_does_not_read(blocking_pair):
    server, client = blocking_pair
    client.setblocking(False)
    # Fresh random data each time: 1.0.2q has zlib TLS compression.
    with pytest.raises(SSL.WantWriteError):
        for _ in range(10000):            # bounded: socket buffers fill
            client.send(os.urandom(16384))
