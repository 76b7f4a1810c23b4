"""DTLS: the DTLS_* methods, DTLSv1_listen with cookies, timeouts and MTUs,
over memory BIOs and over UDP sockets on loopback, with pyossl and
``openssl s_server``/``s_client -dtls`` peers."""

import socket
import threading
import time

import pytest

from conftest import GEN
from modern_support import (COOKIE, LARGE, TIMEOUT, DatagramPipe,
                            OpenSSLProcess, assert_needs,
                            dtls_client_context, dtls_handshake_memory,
                            dtls_memory_pair, dtls_server_context,
                            drive_dtls, dtls_transfer, free_port, needs_cli,
                            udp_pair)
from pyossl import SSL
from ssl_helpers import (client_context, handshake_memory, memory_pair,
                         server_context, transfer_memory)


# ------------------------------------------------------------- methods --

def test_method_constants():
    assert (SSL.DTLS_METHOD, SSL.DTLS_SERVER_METHOD,
            SSL.DTLS_CLIENT_METHOD) == (10, 11, 12)
    for name in ("DTLS_METHOD", "DTLS_SERVER_METHOD", "DTLS_CLIENT_METHOD"):
        assert name in SSL.__all__


@pytest.mark.parametrize("method", ["DTLS_METHOD", "DTLS_SERVER_METHOD",
                                    "DTLS_CLIENT_METHOD"])
def test_context_for_every_dtls_method(method):
    ctx = SSL.Context(getattr(SSL, method))
    conn = SSL.Connection(ctx, None)
    assert conn.get_protocol_version_name().startswith(("DTLS", "Unknown"))


def test_server_and_client_methods_interoperate(pki):
    server_ctx = SSL.Context(SSL.DTLS_SERVER_METHOD)
    server_ctx.use_certificate_file(pki.server_cert)
    server_ctx.use_privatekey_file(pki.server_key)
    server_ctx.set_options(SSL.OP_NO_QUERY_MTU)
    client_ctx = SSL.Context(SSL.DTLS_CLIENT_METHOD)
    client_ctx.set_options(SSL.OP_NO_QUERY_MTU)
    server, client = dtls_memory_pair(server_ctx, client_ctx)
    dtls_handshake_memory(server, client, listen=False)
    assert dtls_transfer(client, server, b"one way") == b"one way"


# ------------------------------------------------- handshake over memory --

@pytest.mark.parametrize("listen", [True, False])
def test_memory_handshake_and_data(pki, listen):
    server, client = dtls_memory_pair(
        dtls_server_context(pki, cookies=listen), dtls_client_context(pki))
    dtls_handshake_memory(server, client, listen=listen)
    assert client.get_protocol_version_name() == "DTLSv1.2"
    assert server.get_protocol_version_name() == "DTLSv1.2"
    assert client.get_peer_certificate().get_subject().CN == "localhost"
    assert client.get_cipher_name() == server.get_cipher_name()
    assert dtls_transfer(server, client, b"hello") == b"hello"
    assert dtls_transfer(client, server, b"goodbye") == b"goodbye"
    # Datagram semantics: two sends arrive as two records.
    client.send(b"first")
    client.send(b"second")
    server.bio_write(client.bio_read(LARGE))
    assert server.recv(LARGE) == b"first"
    assert server.recv(LARGE) == b"second"


def test_memory_shutdown(pki):
    server, client = dtls_memory_pair(dtls_server_context(pki),
                                      dtls_client_context(pki))
    dtls_handshake_memory(server, client)
    assert client.shutdown() is False
    server.bio_write(client.bio_read(LARGE))
    with pytest.raises(SSL.ZeroReturnError):
        server.recv(10)


# -------------------------------------------------------------- cookies --

def test_cookie_callbacks_see_connection_and_cookie(pki):
    calls = []
    ctx = dtls_server_context(pki, cookies=False)

    def generate(conn):
        calls.append(("generate", conn))
        return COOKIE

    def verify(conn, cookie):
        calls.append(("verify", conn, cookie))
        return cookie == COOKIE

    ctx.set_cookie_generate_callback(generate)
    ctx.set_cookie_verify_callback(verify)
    server, client = dtls_memory_pair(ctx, dtls_client_context(pki))
    pipe = dtls_handshake_memory(server, client)
    assert calls[0] == ("generate", server)
    assert ("verify", server, COOKIE) in calls
    # The first ClientHello had no cookie; the second one echoed it.
    hellos = [c for d, c in pipe.log if d == "c->s" and c[13] == 1]
    assert len(hellos) >= 2
    assert COOKIE not in hellos[0]
    assert COOKIE in hellos[-1]


def _first_client_hello(pki, server_ctx):
    server, client = dtls_memory_pair(server_ctx, dtls_client_context(pki))
    with pytest.raises(SSL.WantReadError):
        client.do_handshake()
    server.bio_write(client.bio_read(LARGE))
    return server, client


def test_cookie_rejected_keeps_listening(pki):
    ctx = dtls_server_context(pki, cookies=False)
    ctx.set_cookie_generate_callback(lambda conn: COOKIE)
    ctx.set_cookie_verify_callback(lambda conn, cookie: False)
    server, client = dtls_memory_pair(ctx, dtls_client_context(pki))
    pipe = DatagramPipe(server, client)
    if GEN == 0:
        # 1.0.2 fails the handshake on a cookie mismatch (later releases
        # treat it as no cookie, as RFC 6347 asks, and go on listening).
        with pytest.raises(SSL.Error, match="cookie mismatch"):
            for _ in range(6):
                try:
                    client.do_handshake()
                except SSL.WantReadError:
                    pass
                pipe.pump()
                try:
                    server.DTLSv1_listen()
                except SSL.WantReadError:
                    pass
        return
    for _ in range(6):
        try:
            client.do_handshake()
        except SSL.WantReadError:
            pass
        pipe.pump()
        with pytest.raises(SSL.WantReadError):
            server.DTLSv1_listen()
    # Every ClientHello got a HelloVerifyRequest (handshake type 3), never
    # a ServerHello.
    replies = [c for d, c in pipe.log if d == "s->c"]
    assert replies and all(c[0] == 22 and c[13] == 3 for c in replies)


@pytest.mark.parametrize("length", [256, 257, 1024, 65536])
def test_cookie_longer_than_allowed_is_refused(pki, length):
    # pyOpenSSL's CVE-2026-27459: the cookie must be refused, never copied
    # into OpenSSL's DTLS1_COOKIE_LENGTH-byte buffer.
    ctx = dtls_server_context(pki, cookies=False)
    ctx.set_cookie_generate_callback(lambda conn: b"\xAA" * length)
    ctx.set_cookie_verify_callback(lambda conn, cookie: True)
    server, client = _first_client_hello(pki, ctx)
    with pytest.raises(ValueError, match="Cookie too long"):
        server.DTLSv1_listen()
    # Nothing was sent: no HelloVerifyRequest with a truncated cookie.
    with pytest.raises(SSL.WantReadError):
        server.bio_read(LARGE)


def test_cookie_of_maximum_length_works(pki):
    cookie = bytes(range(255))
    ctx = dtls_server_context(pki, cookies=False)
    ctx.set_cookie_generate_callback(lambda conn: cookie)
    ctx.set_cookie_verify_callback(lambda conn, got: got == cookie)
    server, client = dtls_memory_pair(ctx, dtls_client_context(pki))
    dtls_handshake_memory(server, client)
    assert dtls_transfer(client, server, b"ok") == b"ok"


@pytest.mark.parametrize("bad", ["text cookie", None, 42, bytearray(b"x")])
def test_cookie_generate_must_return_bytes(pki, bad):
    ctx = dtls_server_context(pki, cookies=False)
    ctx.set_cookie_generate_callback(lambda conn: bad)
    ctx.set_cookie_verify_callback(lambda conn, cookie: True)
    server, client = _first_client_hello(pki, ctx)
    with pytest.raises(TypeError):
        server.DTLSv1_listen()


class _Sentinel(Exception):
    pass


def test_cookie_generate_exception_propagates(pki):
    def generate(conn):
        raise _Sentinel("generate")

    ctx = dtls_server_context(pki, cookies=False)
    ctx.set_cookie_generate_callback(generate)
    ctx.set_cookie_verify_callback(lambda conn, cookie: True)
    server, client = _first_client_hello(pki, ctx)
    with pytest.raises(_Sentinel):
        server.DTLSv1_listen()


def test_cookie_verify_exception_propagates(pki):
    def verify(conn, cookie):
        raise _Sentinel("verify")

    ctx = dtls_server_context(pki, cookies=False)
    ctx.set_cookie_generate_callback(lambda conn: COOKIE)
    ctx.set_cookie_verify_callback(verify)
    server, client = dtls_memory_pair(ctx, dtls_client_context(pki))
    pipe = DatagramPipe(server, client)
    with pytest.raises(_Sentinel):
        for _ in range(6):
            try:
                client.do_handshake()
            except SSL.WantReadError:
                pass
            pipe.pump()
            try:
                server.DTLSv1_listen()
            except SSL.WantReadError:
                pass


def test_cookie_callbacks_must_be_callable():
    ctx = SSL.Context(SSL.DTLS_METHOD)
    with pytest.raises(TypeError):
        ctx.set_cookie_generate_callback(b"not callable")
    with pytest.raises(TypeError):
        ctx.set_cookie_verify_callback(None)


def test_listen_on_a_tls_connection_is_an_error():
    conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    conn.set_accept_state()
    with pytest.raises(SSL.Error):
        conn.DTLSv1_listen()


def test_listen_without_a_cookie_callback_fails(pki):
    server, client = _first_client_hello(
        pki, dtls_server_context(pki, cookies=False))
    with pytest.raises(SSL.Error):
        server.DTLSv1_listen()


# -------------------------------------------------------------- timeouts --

def test_timeout_before_handshake():
    conn = SSL.Connection(SSL.Context(SSL.DTLS_METHOD), None)
    assert conn.DTLSv1_get_timeout() is None
    assert conn.DTLSv1_handle_timeout() is False


def test_timeout_retransmits_client_hello():
    ctx = SSL.Context(SSL.DTLS_METHOD)
    ctx.set_options(SSL.OP_NO_QUERY_MTU)
    conn = SSL.Connection(ctx, None)
    conn.set_ciphertext_mtu(1500)
    conn.set_connect_state()
    with pytest.raises(SSL.WantReadError):
        conn.do_handshake()
    hello = conn.bio_read(LARGE)
    assert hello[0] == 22 and hello[13] == 1
    seconds = conn.DTLSv1_get_timeout()
    assert isinstance(seconds, float)
    assert 0 < seconds <= 2.0
    # Before the timer expires, there is nothing to do.
    assert conn.DTLSv1_handle_timeout() is False
    time.sleep(seconds + 0.05)
    assert conn.DTLSv1_get_timeout() == 0.0
    assert conn.DTLSv1_handle_timeout() is True
    again = conn.bio_read(LARGE)
    assert again[0] == 22 and again[13] == 1
    # The timer restarted (doubled).
    assert conn.DTLSv1_get_timeout() > seconds


def test_timeouts_on_a_tls_connection():
    conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    conn.set_connect_state()
    assert conn.DTLSv1_get_timeout() is None
    assert conn.DTLSv1_handle_timeout() is False


def test_dtls_methods_on_an_established_tls_connection(pki):
    # OpenSSL's DTLS_get_data_mtu reads the DTLS state a TLS connection
    # does not have (a crash after a handshake): pyossl answers 0.
    server, client = memory_pair(server_context(pki), client_context(pki))
    handshake_memory(server, client)
    for conn in (server, client):
        assert conn.DTLSv1_get_timeout() is None
        assert conn.DTLSv1_handle_timeout() is False
        conn.set_ciphertext_mtu(1000)
        if GEN == 0:
            with pytest.raises(NotImplementedError):
                conn.get_cleartext_mtu()
        else:
            assert conn.get_cleartext_mtu() == 0
        with pytest.raises(SSL.Error):
            conn.DTLSv1_listen()
    assert transfer_memory(client, server, b"still fine") == b"still fine"


# ------------------------------------------------------------------- MTU --

def test_cleartext_mtu_follows_ciphertext_mtu(pki):
    server, client = dtls_memory_pair(dtls_server_context(pki),
                                      dtls_client_context(pki))
    dtls_handshake_memory(server, client)
    if GEN == 0:
        with pytest.raises(NotImplementedError) as excinfo:
            client.get_cleartext_mtu()
        assert_needs(excinfo, "1.1.1")
        return
    client.set_ciphertext_mtu(1000)
    assert 500 < client.get_cleartext_mtu() < 1000
    client.set_ciphertext_mtu(500)
    assert 0 < client.get_cleartext_mtu() < 500


def test_small_mtu_fragments_the_handshake(pki):
    server, client = dtls_memory_pair(dtls_server_context(pki),
                                      dtls_client_context(pki), mtu=400)
    pipe = dtls_handshake_memory(server, client)
    # The server's certificate flight did not fit one 400-byte datagram.
    flights = [c for d, c in pipe.log if d == "s->c"]
    assert max(len(c) for c in flights) > 400
    assert dtls_transfer(client, server, b"x" * 100) == b"x" * 100


@pytest.mark.parametrize("bad, exc", [("1000", TypeError),
                                      (1.5, TypeError),
                                      (2 ** 70, OverflowError)])
def test_ciphertext_mtu_checks_its_argument(bad, exc):
    conn = SSL.Connection(SSL.Context(SSL.DTLS_METHOD), None)
    with pytest.raises(exc):
        conn.set_ciphertext_mtu(bad)


def test_cleartext_mtu_on_1_0_2_names_the_version():
    conn = SSL.Connection(SSL.Context(SSL.DTLS_METHOD), None)
    if GEN != 0:
        assert conn.get_cleartext_mtu() >= 0
        return
    with pytest.raises(NotImplementedError) as excinfo:
        conn.get_cleartext_mtu()
    assert_needs(excinfo, "1.1.1")


# ------------------------------------------------------------------- UDP --

def _run(func, *args):
    out = {}

    def target():
        try:
            out["value"] = func(*args)
        except BaseException as exc:       # noqa: B902 - re-raised by join
            out["error"] = exc
    thread = threading.Thread(target=target, daemon=True)
    thread.start()

    def join():
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "peer hung"
        if "error" in out:
            raise out["error"]
        return out.get("value")
    return join


def _udp_connection(ctx, sock, mtu=1400):
    conn = SSL.Connection(ctx, sock)
    conn.set_ciphertext_mtu(mtu)
    return conn


@pytest.mark.parametrize("listen", [False, True])
def test_udp_pyossl_to_pyossl(pki, listen):
    ssock, csock = udp_pair()
    server = _udp_connection(dtls_server_context(pki), ssock)
    client = _udp_connection(dtls_client_context(pki), csock)
    server.set_accept_state()
    client.set_connect_state()

    def serve():
        if listen:
            drive_dtls(server, ssock, server.DTLSv1_listen)
        drive_dtls(server, ssock, server.do_handshake)
        data = drive_dtls(server, ssock, lambda: server.recv(LARGE))
        server.send(data.upper())
        return data

    join = _run(serve)
    drive_dtls(client, csock, client.do_handshake)
    client.send(b"over udp")
    assert drive_dtls(client, csock, lambda: client.recv(LARGE)) == \
        b"OVER UDP"
    assert join() == b"over udp"
    assert client.get_protocol_version_name() == "DTLSv1.2"
    ssock.close()
    csock.close()


@needs_cli
def test_pyossl_client_to_openssl_s_server_dtls(pki):
    port = free_port(socket.SOCK_DGRAM)
    with OpenSSLProcess("s_server", "-dtls", "-listen", "-accept",
                        "127.0.0.1:%d" % port, "-cert", pki.server_cert,
                        "-key", pki.server_key, "-naccept", "1",
                        "-mtu", "1400") as peer:
        peer.wait_for_line(b"ACCEPT")
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setblocking(False)
        sock.connect(("127.0.0.1", port))
        client = _udp_connection(dtls_client_context(pki), sock)
        client.set_connect_state()
        drive_dtls(client, sock, client.do_handshake)
        assert client.get_protocol_version_name() == "DTLSv1.2"
        client.send(b"hello s_server\n")
        peer.proc.stdin.write(b"hello pyossl\n")
        peer.proc.stdin.flush()
        assert drive_dtls(client, sock, lambda: client.recv(LARGE)) == \
            b"hello pyossl\n"
        client.shutdown()
        out = peer.finish()
        sock.close()
    assert b"hello s_server" in out


@needs_cli
def test_openssl_s_client_dtls_to_pyossl_server(pki):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    with OpenSSLProcess("s_client", "-dtls", "-connect",
                        "127.0.0.1:%d" % port, "-CAfile", pki.ca_cert,
                        "-verify_return_error", "-quiet",
                        "-mtu", "1400") as peer:
        # Learn the client's address from its first datagram (left in the
        # socket for OpenSSL to read), then talk only to it.
        sock.settimeout(TIMEOUT)
        _, addr = sock.recvfrom(LARGE, socket.MSG_PEEK)
        sock.setblocking(False)
        sock.connect(addr)
        server = _udp_connection(dtls_server_context(pki), sock)
        server.set_accept_state()
        drive_dtls(server, sock, server.DTLSv1_listen)
        drive_dtls(server, sock, server.do_handshake)
        server.send(b"hello s_client\n")
        peer.proc.stdin.write(b"hello pyossl\n")
        peer.proc.stdin.flush()
        assert drive_dtls(server, sock, lambda: server.recv(LARGE)) == \
            b"hello pyossl\n"
        server.shutdown()
        out = peer.finish()
        sock.close()
    assert b"hello s_client" in out
