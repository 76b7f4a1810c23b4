"""Connection over memory BIOs: handshakes, data, errors, verification."""

import gc
import hashlib
import mmap
import socket
import weakref

import pytest

from conftest import GEN
from pyossl import SSL, crypto
from ssl_helpers import (client_context, handshake_memory, memory_pair,
                         pump, server_context, transfer_memory)


def test_helpers_move_bytes(pki):
    """The shared helpers (tests/ssl_helpers.py) themselves work."""
    server, client = memory_pair(server_context(pki), client_context(pki))
    handshake_memory(server, client)
    assert transfer_memory(client, server, b"ping") == b"ping"


@pytest.fixture
def pair(pki):
    server, client = memory_pair(server_context(pki), client_context(pki))
    handshake_memory(server, client)
    return server, client


VERSIONS = [(SSL.TLS1_VERSION, "TLSv1"), (SSL.TLS1_1_VERSION, "TLSv1.1"),
            (SSL.TLS1_2_VERSION, "TLSv1.2")]
if GEN >= 1:
    VERSIONS.append((SSL.TLS1_3_VERSION, "TLSv1.3"))


def _legacy_ciphers(ctx, version):
    # 3.0+ allows TLS 1.0/1.1 (SHA-1 signatures) only at security level 0.
    if version < SSL.TLS1_2_VERSION and GEN >= 2:
        ctx.set_cipher_list(b"DEFAULT:@SECLEVEL=0")


@pytest.mark.parametrize("version,name", VERSIONS)
def test_each_protocol_version(pki, version, name):
    sctx, cctx = server_context(pki), client_context(pki)
    for ctx in (sctx, cctx):
        ctx.set_min_proto_version(version)
        ctx.set_max_proto_version(version)
        _legacy_ciphers(ctx, version)
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    for conn in (server, client):
        assert conn.get_protocol_version_name() == name
        assert conn.get_protocol_version() == version
        assert conn.get_cipher_version() in (name, "TLSv1.0", "TLSv1/SSLv3",
                                             "SSLv3")
    assert transfer_memory(client, server, b"up") == b"up"
    assert transfer_memory(server, client, b"down") == b"down"


@pytest.mark.parametrize("method,name", [
    (SSL.TLSv1_METHOD, "TLSv1"), (SSL.TLSv1_1_METHOD, "TLSv1.1"),
    (SSL.TLSv1_2_METHOD, "TLSv1.2")])
def test_fixed_version_methods(pki, method, name):
    sctx = server_context(pki, SSL.SSLv23_METHOD)
    cctx = client_context(pki, method)
    for ctx in (sctx, cctx):
        if method != SSL.TLSv1_2_METHOD:
            _legacy_ciphers(ctx, SSL.TLS1_VERSION)
            ctx.set_min_proto_version(SSL.TLS1_VERSION) if GEN else None
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    assert client.get_protocol_version_name() == name
    assert transfer_memory(client, server, b"x" * 100) == b"x" * 100


@pytest.mark.parametrize("smethod,cmethod", [
    (SSL.TLS_SERVER_METHOD, SSL.TLS_CLIENT_METHOD),
    (SSL.TLS_METHOD, SSL.SSLv23_METHOD)])
def test_flexible_methods(pki, smethod, cmethod):
    server, client = memory_pair(server_context(pki, smethod),
                                 client_context(pki, cmethod))
    handshake_memory(server, client)
    expected = "TLSv1.3" if GEN >= 1 else "TLSv1.2"
    assert client.get_protocol_version_name() == expected


def test_connection_information(pair, pki):
    server, client = pair
    assert isinstance(client.get_cipher_name(), str)
    assert client.get_cipher_name() == server.get_cipher_name()
    assert client.get_cipher_bits() in (128, 256)
    peer = client.get_peer_certificate()
    assert isinstance(peer, crypto.X509)
    assert peer.get_subject().CN == "localhost"
    chain = client.get_peer_cert_chain()
    assert [c.get_subject().CN for c in chain][0] == "localhost"
    assert server.get_peer_certificate() is None
    assert server.get_certificate().get_subject().CN == "localhost"
    assert client.get_certificate() is None
    assert isinstance(client.get_state_string(), bytes)
    assert client.state_string() == client.get_state_string()
    assert client.get_context() is not server.get_context()
    assert client.want_read() in (True, False)
    assert client.want_write() is False


def test_information_before_handshake(pki):
    conn = SSL.Connection(client_context(pki), None)
    assert conn.get_cipher_name() is None
    assert conn.get_cipher_bits() is None
    assert conn.get_cipher_version() is None
    assert conn.get_peer_certificate() is None
    assert conn.get_peer_cert_chain() is None
    assert isinstance(conn.get_protocol_version_name(), str)
    assert conn.get_servername() is None
    assert conn.pending() == 0
    assert conn.get_shutdown() == 0
    assert conn.get_app_data() is None


def test_data_both_ways_and_types(pair):
    server, client = pair
    assert client.send(b"bytes") == 5
    assert client.send(bytearray(b"array")) == 5
    assert client.write(memoryview(b"0123456789")[2:6]) == 4
    with pytest.warns(DeprecationWarning):
        assert client.send("text") == 4
    pump(server, client)
    assert server.recv(100) + server.recv(100) + server.recv(100) + \
        server.recv(100) == b"bytesarray2345text"
    assert client.send(b"") == 0
    assert client.sendall(b"all of it" * 1000) == 9000
    pump(server, client)
    got = b""
    while len(got) < 9000:
        got += server.read(4096)
    assert got == b"all of it" * 1000


@pytest.mark.parametrize("bad", [None, 5, object(), [b"x"]])
def test_send_wrong_types(pair, bad):
    server, client = pair
    with pytest.raises(TypeError):
        client.send(bad)
    with pytest.raises(TypeError):
        client.sendall(bad)
    with pytest.raises(TypeError):
        client.bio_write(bad)


def test_send_more_than_2gib_is_refused(pair):
    server, client = pair
    big = mmap.mmap(-1, 2 ** 31 + 1)     # not touched: no memory used
    try:
        with pytest.raises(ValueError):
            client.send(memoryview(big))
    finally:
        big.close()


def test_recv_peek_and_into(pair):
    server, client = pair
    client.send(b"hello world")
    pump(server, client)
    assert server.recv(5, socket.MSG_PEEK) == b"hello"
    assert server.pending() in (0, 11)
    buf = bytearray(20)
    assert server.recv_into(buf, 5, socket.MSG_PEEK) == 5
    assert bytes(buf[:5]) == b"hello"
    assert server.recv_into(buf, 5) == 5
    assert bytes(buf[:5]) == b"hello"
    view = memoryview(buf)[10:]
    assert server.recv_into(view) == 6
    assert bytes(buf[10:16]) == b" world"
    with pytest.raises(SSL.WantReadError):
        server.recv_into(bytearray(4))
    with pytest.raises(TypeError):
        server.recv_into(b"read-only")
    with pytest.raises(TypeError):
        server.recv_into(bytearray(4), "3")
    with pytest.raises(ValueError):
        server.recv_into(bytearray(4), -1)
    assert server.recv_into(bytearray(4), 0) == 0


def test_recv_sizes(pair):
    server, client = pair
    assert server.recv(0) == b""
    with pytest.raises(ValueError):
        server.recv(-1)
    with pytest.raises(TypeError):
        server.recv(None)
    with pytest.raises(TypeError):
        server.recv(1.5)
    client.send(b"abc")
    pump(server, client)
    assert server.recv(2 ** 40) == b"abc"


def test_want_read_when_nothing_arrived(pair):
    server, client = pair
    with pytest.raises(SSL.WantReadError):
        server.recv(10)
    with pytest.raises(SSL.WantReadError):
        server.bio_read(10)


def test_clean_shutdown_and_zero_return(pair):
    server, client = pair
    assert client.shutdown() is False
    assert client.get_shutdown() & SSL.SENT_SHUTDOWN
    pump(server, client)
    with pytest.raises(SSL.ZeroReturnError):
        server.recv(10)
    assert server.get_shutdown() & SSL.RECEIVED_SHUTDOWN
    assert server.shutdown() is True
    pump(server, client)
    assert client.shutdown() is True
    assert client.get_shutdown() == SSL.SENT_SHUTDOWN | SSL.RECEIVED_SHUTDOWN
    # Use after shutdown: errors, never a crash.
    with pytest.raises(SSL.Error):
        client.send(b"late")
    with pytest.raises(SSL.Error):
        server.recv(10)


def test_set_shutdown(pair):
    server, client = pair
    client.set_shutdown(SSL.RECEIVED_SHUTDOWN)
    assert client.get_shutdown() == SSL.RECEIVED_SHUTDOWN
    with pytest.raises(TypeError):
        client.set_shutdown(None)


def test_unexpected_eof(pair):
    server, client = pair
    server.bio_shutdown()
    with pytest.raises(SSL.SysCallError) as info:
        server.recv(10)
    assert info.value.args == (-1, "Unexpected EOF")


def test_eof_mid_handshake(pki):
    server, client = memory_pair(server_context(pki), client_context(pki))
    with pytest.raises(SSL.WantReadError):
        client.do_handshake()
    pump(server, client)
    server.bio_shutdown()
    with pytest.raises(SSL.SysCallError) as info:
        server.do_handshake()
        server.do_handshake()
    assert info.value.args == (-1, "Unexpected EOF")


def test_garbage_from_peer(pki):
    server, client = memory_pair(server_context(pki), client_context(pki))
    server.bio_write(b"\x16\x03\x01\x00\x05hello, this is not TLS" * 4)
    with pytest.raises(SSL.Error) as info:
        server.do_handshake()
    assert not isinstance(info.value, (SSL.WantReadError, SSL.SysCallError))
    assert info.value.args[0]          # the error queue, as tuples
    assert all(len(t) == 3 for t in info.value.args[0])


def test_garbage_after_handshake(pair):
    server, client = pair
    server.bio_write(b"\x17\x03\x03\x00\x20" + b"\x00" * 32)
    with pytest.raises(SSL.Error):
        server.recv(100)


def test_io_without_a_role(pki):
    conn = SSL.Connection(client_context(pki), None)
    with pytest.raises(SSL.Error):
        conn.do_handshake()
    with pytest.raises(SSL.Error):
        conn.send(b"x")
    with pytest.raises(SSL.Error):
        conn.recv(10)


def test_shutdown_before_handshake(pki):
    conn = SSL.Connection(client_context(pki), None)
    conn.set_connect_state()
    try:
        conn.shutdown()
    except SSL.Error:
        pass


def test_connection_arguments(pki):
    with pytest.raises(TypeError):
        SSL.Connection(None, None)
    with pytest.raises(TypeError):
        SSL.Connection(client_context(pki), object())
    with pytest.raises(ValueError):
        SSL.Connection(client_context(pki), -1)


def test_memory_connection_has_no_socket(pki):
    conn = SSL.Connection(client_context(pki), None)
    with pytest.raises(AttributeError):
        conn.getpeername()
    for name in ("bind", "close", "fileno", "listen", "setblocking",
                 "getsockname", "getsockopt", "setsockopt", "settimeout"):
        assert hasattr(SSL.Connection, name)     # documented
        assert not hasattr(conn, name)           # but no socket here
    with pytest.raises(NotImplementedError):
        conn.makefile()
    with pytest.raises(TypeError):
        conn.bio_read("10")
    with pytest.raises(ValueError):
        conn.bio_read(-1)
    assert conn.bio_read(0) == b""


def test_app_data_and_context(pki):
    first, second = client_context(pki), client_context(pki)
    conn = SSL.Connection(first, None)
    marker = object()
    conn.set_app_data(marker)
    assert conn.get_app_data() is marker
    assert conn.get_context() is first
    conn.set_context(second)
    assert conn.get_context() is second
    with pytest.raises(TypeError):
        conn.set_context(object())


def test_server_name(pki):
    server, client = memory_pair(server_context(pki), client_context(pki))
    client.set_tlsext_host_name(b"localhost")
    handshake_memory(server, client)
    assert server.get_servername() == b"localhost"
    conn = SSL.Connection(client_context(pki), None)
    with pytest.raises(TypeError):
        conn.set_tlsext_host_name("localhost")
    with pytest.raises(TypeError):
        conn.set_tlsext_host_name(b"local\0host")


def test_large_transfer_is_exact(pair):
    server, client = pair
    block = hashlib.sha256(b"pyossl").digest() * 2048          # 64 KiB
    total = 64 * 1024 * 1024
    sent_hash, recv_hash = hashlib.sha256(), hashlib.sha256()
    received = 0
    view = memoryview(bytearray(65536))
    for i in range(total // len(block)):
        chunk = bytes([i & 0xFF]) + block[1:]
        sent_hash.update(chunk)
        client.sendall(chunk)
        pump(server, client)
        while True:
            try:
                n = server.recv_into(view)
            except SSL.WantReadError:
                break
            recv_hash.update(view[:n])
            received += n
    assert received == total
    assert recv_hash.hexdigest() == sent_hash.hexdigest()


# ---------------------------------------------------------- verification --

def test_untrusted_server_is_rejected(pki):
    cctx = SSL.Context(SSL.TLS_METHOD)
    cctx.load_verify_locations(pki.other_ca_cert)
    cctx.set_verify(SSL.VERIFY_PEER)
    server, client = memory_pair(server_context(pki), cctx)
    with pytest.raises(SSL.Error) as info:
        handshake_memory(server, client)
    assert "certificate verify failed" in repr(info.value)


def test_trust_through_cert_store(pki):
    cctx = SSL.Context(SSL.TLS_METHOD)
    cctx.get_cert_store().add_cert(
        crypto.load_certificate(crypto.FILETYPE_PEM, pki.read("ca_cert")))
    cctx.set_verify(SSL.VERIFY_PEER)
    server, client = memory_pair(server_context(pki), cctx)
    handshake_memory(server, client)
    assert client.get_peer_certificate().get_subject().CN == "localhost"


def test_verify_callback_arguments(pki):
    calls = []

    def verify(conn, cert, errnum, depth, ok):
        calls.append((conn, cert, errnum, depth, ok))
        return ok

    server, client = memory_pair(server_context(pki),
                                 client_context(pki, callback=verify))
    handshake_memory(server, client)
    assert [c[3] for c in calls] == [1, 0]
    for conn, cert, errnum, depth, ok in calls:
        assert conn is client
        assert isinstance(cert, crypto.X509)
        assert (errnum, ok) == (0, 1)
    assert calls[1][1].get_subject().CN == "localhost"
    assert calls[0][1].get_subject().CN == "pyossl test CA"


def test_verify_callback_can_accept_an_untrusted_peer(pki):
    errors = []

    def verify(conn, cert, errnum, depth, ok):
        errors.append(errnum)
        return True

    cctx = SSL.Context(SSL.TLS_METHOD)
    cctx.set_verify(SSL.VERIFY_PEER, verify)
    server, client = memory_pair(server_context(pki), cctx)
    handshake_memory(server, client)
    assert any(errors)     # OpenSSL reported a problem, the callback waived


@pytest.mark.parametrize("verdict", [False, 0, None, b"", []])
def test_verify_callback_false_rejects(pki, verdict):
    server, client = memory_pair(
        server_context(pki),
        client_context(pki, callback=lambda *args: verdict))
    with pytest.raises(SSL.Error) as info:
        handshake_memory(server, client)
    assert not isinstance(info.value, SSL.WantReadError)


def test_verify_callback_exception_reaches_caller(pki):
    class Boom(Exception):
        pass

    def verify(*args):
        raise Boom("no")

    server, client = memory_pair(server_context(pki),
                                 client_context(pki, callback=verify))
    with pytest.raises(Boom):
        handshake_memory(server, client)
    # and the connection stays failed
    with pytest.raises(SSL.Error):
        client.do_handshake()


def test_per_connection_verify(pki):
    sctx = server_context(pki)
    cctx = SSL.Context(SSL.TLS_METHOD)
    cctx.load_verify_locations(pki.other_ca_cert)   # would fail with PEER
    server, client = memory_pair(sctx, cctx)
    seen = []
    client.set_verify(SSL.VERIFY_PEER,
                      lambda c, x, e, d, ok: seen.append(c) or True)
    assert client.get_verify_mode() == SSL.VERIFY_PEER
    handshake_memory(server, client)
    assert seen and all(c is client for c in seen)
    with pytest.raises(TypeError):
        client.set_verify(SSL.VERIFY_PEER, 5)
    with pytest.raises(TypeError):
        client.set_verify("peer")


def _client_cert_server(pki):
    sctx = server_context(pki)
    sctx.load_verify_locations(pki.ca_cert)
    sctx.set_verify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT)
    return sctx


def test_client_certificate_required_and_given(pki):
    cctx = client_context(pki)
    cctx.use_certificate_file(pki.client_cert)
    cctx.use_privatekey_file(pki.client_key)
    server, client = memory_pair(_client_cert_server(pki), cctx)
    handshake_memory(server, client)
    # TLS 1.3 sends the client certificate after the client finished.
    client.send(b"x")
    pump(server, client)
    assert server.recv(1) == b"x"
    assert server.get_peer_certificate().get_subject().CN == \
        "pyossl test client"


def test_client_certificate_required_and_missing(pki):
    server, client = memory_pair(_client_cert_server(pki),
                                 client_context(pki))
    with pytest.raises(SSL.Error):
        handshake_memory(server, client)
        client.send(b"x")
        pump(server, client)
        server.recv(1)


def test_connections_are_freed(pki):
    ctx = client_context(pki)
    conn = SSL.Connection(ctx, None)
    ref = weakref.ref(conn)
    del conn
    gc.collect()
    assert ref() is None


def test_verify_callback_result_without_truth_value(pki):
    class Ambiguous(object):
        def __bool__(self):
            raise ValueError("ambiguous")

    server, client = memory_pair(
        server_context(pki),
        client_context(pki, callback=lambda *args: Ambiguous()))
    with pytest.raises(ValueError):
        handshake_memory(server, client)
