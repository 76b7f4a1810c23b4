"""TLS-PSK: TLS 1.2-style PSK callbacks (every build that has them, 1.0.2
included; OpenSSL 1.1.1+ also uses them for TLS 1.3) and TLS 1.3 external
PSKs (``set_psk_use_session_callback`` / ``set_psk_find_session_callback``
and ``Session.from_psk``, OpenSSL 1.1.1+).

Peers: pyossl over memory BIOs, and ``openssl s_server``/``s_client`` with
``-psk``, ``-psk_identity``, ``-psk_hint`` and ``-psk_session``.
"""

import os
import re
import subprocess
import time

import pytest

from conftest import LIB, OPENSSL_CLI
from openssl_peers import (cli_env, connect, needs_cli, read_line, s_client,
                           s_server)
from pyossl import SSL
from ssl_helpers import (TIMEOUT, client_context, handshake_memory,
                         memory_pair, pump, server_context)

KEY = bytes.fromhex("00112233445566778899aabbccddeeff")
OTHER_KEY = bytes.fromhex("ffeeddccbbaa99887766554433221100")
IDENTITY = b"client-7"
HAS_TLS13 = getattr(SSL, "TLS1_3_VERSION", None) is not None
HAS_EXTERNAL = LIB.version_num >= 0x10101000
needs_tls13 = pytest.mark.skipif(
    not HAS_EXTERNAL, reason="TLS 1.3 PSKs need OpenSSL 1.1.1 (loaded %s)"
    % LIB.version_string)
SHA256_SUITES = b"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"


class Boom(Exception):
    pass


def psk_context(tls13=False):
    """A context without a certificate, limited to TLS 1.2 PSK suites
    (``tls13=False``) or to TLS 1.3."""
    ctx = SSL.Context(SSL.TLS_METHOD)
    if tls13:
        ctx.set_min_proto_version(SSL.TLS1_3_VERSION)
    else:
        ctx.set_cipher_list(b"PSK")
        ctx.set_max_proto_version(SSL.TLS1_2_VERSION)
    return ctx


def key_for(identity_seen, key=KEY):
    def server_callback(conn, identity):
        identity_seen.append(identity)
        return key if identity == IDENTITY else None
    return server_callback


def answer(hints_seen, identity=IDENTITY, key=KEY):
    def client_callback(conn, hint):
        hints_seen.append(hint)
        return identity, key
    return client_callback


def exchange(server, client):
    client.send(b"ping")
    pump(server, client)
    assert server.recv(100) == b"ping"
    server.send(b"pong")
    pump(server, client)
    assert client.recv(100) == b"pong"


def start_handshake(server, client):
    try:
        client.do_handshake()
    except SSL.WantReadError:
        pass
    pump(server, client)


# ------------------------------------------------------ TLS 1.2 callbacks --

def test_tls12_handshake_with_hint():
    identities, hints = [], []
    sctx = psk_context()
    sctx.use_psk_identity_hint(b"server-hint")
    sctx.set_psk_server_callback(key_for(identities))
    cctx = psk_context()
    cctx.set_psk_client_callback(answer(hints))
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    exchange(server, client)
    assert identities == [IDENTITY]
    assert hints == [b"server-hint"]
    assert "PSK" in client.get_cipher_name()
    assert client.get_protocol_version_name() == "TLSv1.2"
    assert server.get_psk_identity() == IDENTITY
    assert client.get_psk_identity() == IDENTITY
    # The hint as the client received it, on every build (OpenSSL itself
    # keeps it on the client from 1.1.0 on, on the server in 1.0.2 only).
    assert client.get_psk_identity_hint() == b"server-hint"
    assert server.get_psk_identity_hint() is None


def test_tls12_without_hint():
    hints = []
    sctx = psk_context()
    sctx.set_psk_server_callback(key_for([]))
    cctx = psk_context()
    cctx.set_psk_client_callback(answer(hints))
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    assert hints == [None]
    assert client.get_psk_identity_hint() is None


def test_psk_getters_before_a_handshake():
    conn = SSL.Connection(psk_context(), None)
    assert conn.get_psk_identity() is None
    assert conn.get_psk_identity_hint() is None


@pytest.mark.parametrize("server_answer", [OTHER_KEY, None, b""])
def test_wrong_key_or_unknown_identity_fails(server_answer):
    sctx = psk_context()
    sctx.set_psk_server_callback(lambda conn, identity: server_answer)
    cctx = psk_context()
    cctx.set_psk_client_callback(answer([]))
    server, client = memory_pair(sctx, cctx)
    with pytest.raises(SSL.Error):
        handshake_memory(server, client)


def test_client_offering_no_psk_fails_in_tls12():
    sctx = psk_context()
    sctx.set_psk_server_callback(key_for([]))
    cctx = psk_context()
    cctx.set_psk_client_callback(lambda conn, hint: None)
    server, client = memory_pair(sctx, cctx)
    with pytest.raises(SSL.Error):
        handshake_memory(server, client)


def test_server_callback_exception_propagates_and_poisons():
    def server_callback(conn, identity):
        raise Boom("server side")

    sctx = psk_context()
    sctx.set_psk_server_callback(server_callback)
    cctx = psk_context()
    cctx.set_psk_client_callback(answer([]))
    server, client = memory_pair(sctx, cctx)
    with pytest.raises(Boom):
        handshake_memory(server, client)
    with pytest.raises(SSL.Error):
        server.do_handshake()
    with pytest.raises(SSL.Error):
        handshake_memory(server, client)


@pytest.mark.parametrize("tls13", [False, True])
def test_client_callback_exception_propagates_and_poisons(tls13):
    """In TLS 1.3 a client callback result of 0 means "no PSK", not
    "abort": a connection whose callback raised must still refuse to go on
    (fail closed), even if the caller catches the exception and retries."""
    if tls13 and not HAS_EXTERNAL:
        pytest.skip("needs TLS 1.3")

    def client_callback(conn, hint):
        raise Boom("client side")

    sctx = psk_context(tls13)
    sctx.set_psk_server_callback(key_for([]))
    cctx = psk_context(tls13)
    cctx.set_psk_client_callback(client_callback)
    server, client = memory_pair(sctx, cctx)
    with pytest.raises(Boom):
        handshake_memory(server, client)
    with pytest.raises(SSL.Error):
        client.do_handshake()
    with pytest.raises(SSL.Error):
        client.send(b"x")


@pytest.mark.parametrize("result, exc", [
    ((IDENTITY, KEY * 400), ValueError),           # longer than the buffer
    ((IDENTITY, b""), ValueError),                 # an empty key
    ((b"id\x00entity", KEY), ValueError),          # NUL in a C string
    ((b"i" * 5000, KEY), ValueError),              # longer than the buffer
    ((IDENTITY, "key"), TypeError),
    (("identity", KEY), TypeError),
    ((IDENTITY,), TypeError),
    (KEY, TypeError),
    ([IDENTITY, KEY], TypeError),
], ids=["long-key", "empty-key", "nul-identity", "long-identity",
        "str-key", "str-identity", "1-tuple", "bytes", "list"])
def test_client_callback_results_are_checked(result, exc):
    sctx = psk_context()
    sctx.set_psk_server_callback(key_for([]))
    cctx = psk_context()
    cctx.set_psk_client_callback(lambda conn, hint: result)
    server, client = memory_pair(sctx, cctx)
    with pytest.raises(exc):
        handshake_memory(server, client)


@pytest.mark.parametrize("result, exc", [
    (KEY * 400, ValueError),
    ("key", TypeError),
    (bytearray(KEY), TypeError),
    (1, TypeError),
], ids=["long-key", "str", "bytearray", "int"])
def test_server_callback_results_are_checked(result, exc):
    sctx = psk_context()
    sctx.set_psk_server_callback(lambda conn, identity: result)
    cctx = psk_context()
    cctx.set_psk_client_callback(answer([]))
    server, client = memory_pair(sctx, cctx)
    with pytest.raises(exc):
        handshake_memory(server, client)


def test_lengths_at_the_documented_limits_work():
    """A 256-byte key and a 127-byte identity fit every build's buffers
    (1.1.1 passes max_identity_len 128, which holds 127 bytes and the
    NUL)."""
    identity = b"i" * 127
    key = bytes(range(256))
    identities = []
    sctx = psk_context()
    sctx.set_psk_server_callback(
        lambda conn, ident: identities.append(ident) or key)
    cctx = psk_context()
    cctx.set_psk_client_callback(lambda conn, hint: (identity, key))
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    exchange(server, client)
    assert identities == [identity]


def test_use_psk_identity_hint_argument_checks():
    ctx = psk_context()
    with pytest.raises(TypeError):
        ctx.use_psk_identity_hint("hint")
    with pytest.raises(TypeError):
        ctx.use_psk_identity_hint(None)
    with pytest.raises(ValueError):
        ctx.use_psk_identity_hint(b"hi\x00nt")
    with pytest.raises(SSL.Error):
        ctx.use_psk_identity_hint(b"h" * 1000)     # > PSK_MAX_IDENTITY_LEN
    ctx.use_psk_identity_hint(b"fine")


@pytest.mark.parametrize("setter", [
    "set_psk_server_callback", "set_psk_client_callback",
    "set_psk_use_session_callback", "set_psk_find_session_callback"])
@pytest.mark.parametrize("bad", [None, 1, b"cb"])
def test_setters_refuse_non_callables(setter, bad):
    ctx = SSL.Context(SSL.TLS_METHOD)
    try:
        method = getattr(ctx, setter)
        with pytest.raises(TypeError):
            method(bad)
    except NotImplementedError:
        assert not HAS_EXTERNAL


# ------------------------------------------ TLS 1.3 through the callbacks --

@needs_tls13
def test_tls13_through_the_tls12_callbacks():
    identities, hints = [], []
    sctx = psk_context(tls13=True)
    sctx.set_psk_server_callback(key_for(identities))
    cctx = psk_context(tls13=True)
    cctx.set_psk_client_callback(answer(hints))
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    exchange(server, client)
    assert client.get_protocol_version_name() == "TLSv1.3"
    assert identities == [IDENTITY]
    assert hints == [None]                  # TLS 1.3 has no hint
    assert client.get_cipher_name().endswith("SHA256")


@needs_tls13
def test_tls13_client_without_psk_falls_back_to_certificates(pki):
    sctx = server_context(pki)
    sctx.set_psk_server_callback(key_for([]))
    cctx = client_context(pki)
    cctx.set_psk_client_callback(lambda conn, hint: None)
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    assert client.get_protocol_version_name() == "TLSv1.3"
    assert client.get_peer_certificate().get_subject().CN == "localhost"


# ------------------------------------------------- TLS 1.3 external PSKs --

@pytest.mark.skipif(HAS_EXTERNAL, reason="the build has TLS 1.3 PSKs")
def test_external_psk_needs_111():
    ctx = SSL.Context(SSL.TLS_METHOD)
    for call in (lambda: SSL.Session.from_psk(KEY),
                 lambda: ctx.set_psk_use_session_callback(lambda c: None),
                 lambda: ctx.set_psk_find_session_callback(
                     lambda c, i: None)):
        with pytest.raises(NotImplementedError) as info:
            call()
        assert "1.1.1" in str(info.value)
        assert LIB.version_string in str(info.value)


@needs_tls13
def test_session_from_psk_argument_checks():
    assert isinstance(SSL.Session.from_psk(KEY), SSL.Session)
    assert isinstance(SSL.Session.from_psk(
        KEY, b"TLS_AES_256_GCM_SHA384"), SSL.Session)
    with pytest.raises(TypeError):
        SSL.Session.from_psk("key")
    with pytest.raises(ValueError):
        SSL.Session.from_psk(b"")
    with pytest.raises(ValueError):
        SSL.Session.from_psk(b"k" * 5000)
    with pytest.raises(ValueError):
        SSL.Session.from_psk(KEY, b"TLS_NO_SUCH_SUITE")
    with pytest.raises(ValueError):
        SSL.Session.from_psk(KEY, b"AES128-SHA")    # not a TLS 1.3 suite


def external_pair(server_sessions, client_identity=IDENTITY,
                  suite=b"TLS_AES_128_GCM_SHA256", key=KEY,
                  server_suites=SHA256_SUITES):
    found = []

    def find(conn, identity):
        found.append(identity)
        return server_sessions.get(identity)

    def use(conn):
        return client_identity, SSL.Session.from_psk(key, suite)

    sctx = psk_context(tls13=True)
    if server_suites:
        sctx.set_ciphersuites(server_suites)
    sctx.set_psk_find_session_callback(find)
    cctx = psk_context(tls13=True)
    cctx.set_psk_use_session_callback(use)
    server, client = memory_pair(sctx, cctx)
    return server, client, found


@needs_tls13
def test_external_psk_pyossl_pair():
    server, client, found = external_pair(
        {IDENTITY: SSL.Session.from_psk(KEY)})
    handshake_memory(server, client)
    exchange(server, client)
    assert found == [IDENTITY]
    assert client.get_protocol_version_name() == "TLSv1.3"
    assert client.get_peer_certificate() is None


@needs_tls13
def test_external_psk_sha384_with_default_server_suites():
    suite = b"TLS_AES_256_GCM_SHA384"
    server, client, found = external_pair(
        {IDENTITY: SSL.Session.from_psk(KEY, suite)}, suite=suite,
        server_suites=None)
    handshake_memory(server, client)
    assert client.get_cipher_name() == "TLS_AES_256_GCM_SHA384"


@needs_tls13
def test_external_psk_hash_mismatch_is_dropped():
    """The documented trap: the server picks its suite (SHA-384 first by
    default) before looking the PSK up, then drops a SHA-256 PSK; without
    a certificate the handshake fails."""
    server, client, found = external_pair(
        {IDENTITY: SSL.Session.from_psk(KEY)}, server_suites=None)
    with pytest.raises(SSL.Error):
        handshake_memory(server, client)
    assert found == [IDENTITY]


@needs_tls13
def test_external_psk_binary_identity():
    identity = b"\x00bin\xffary\x00"
    server, client, found = external_pair(
        {identity: SSL.Session.from_psk(KEY)}, client_identity=identity)
    handshake_memory(server, client)
    assert found == [identity]


@needs_tls13
@pytest.mark.parametrize("known", [False, True])
def test_external_psk_unknown_identity_or_wrong_key(known):
    sessions = {IDENTITY: SSL.Session.from_psk(OTHER_KEY)} if known else {}
    server, client, found = external_pair(sessions)
    with pytest.raises(SSL.Error):
        handshake_memory(server, client)
    assert found == [IDENTITY]


@needs_tls13
def test_find_session_exception_propagates():
    def find(conn, identity):
        raise Boom("lookup failed")

    sctx = psk_context(tls13=True)
    sctx.set_psk_find_session_callback(find)
    cctx = psk_context(tls13=True)
    cctx.set_psk_use_session_callback(
        lambda conn: (IDENTITY, SSL.Session.from_psk(KEY)))
    server, client = memory_pair(sctx, cctx)
    start_handshake(server, client)
    with pytest.raises(Boom):
        server.do_handshake()
    pump(server, client)
    with pytest.raises(SSL.Error):
        client.do_handshake()


@needs_tls13
@pytest.mark.parametrize("make, exc", [
    (lambda: (b"", SSL.Session.from_psk(KEY)), ValueError),  # empty id
    (lambda: (b"i" * 70000, SSL.Session.from_psk(KEY)), ValueError),
    (lambda: ("identity", SSL.Session.from_psk(KEY)), TypeError),
    (lambda: (IDENTITY, KEY), TypeError),        # a key, not a Session
    (lambda: (IDENTITY,), TypeError),
    (lambda: SSL.Session.from_psk(KEY), TypeError),
])
def test_use_session_results_are_checked(make, exc):
    cctx = psk_context(tls13=True)
    cctx.set_psk_use_session_callback(lambda conn: make())
    client = SSL.Connection(cctx, None)
    client.set_connect_state()
    with pytest.raises(exc):
        client.do_handshake()


@needs_tls13
def test_use_session_none_offers_no_psk(pki):
    cctx = client_context(pki)
    cctx.set_psk_use_session_callback(lambda conn: None)
    server, client = memory_pair(server_context(pki), cctx)
    handshake_memory(server, client)
    assert client.get_peer_certificate().get_subject().CN == "localhost"


# ------------------------------------------------------- openssl peers --

@needs_cli
def test_pyossl_client_openssl_s_server_tls12():
    hints = []
    cctx = psk_context()
    cctx.set_psk_client_callback(answer(hints))
    with s_server("-nocert", "-psk", KEY.hex(), "-psk_identity",
                  IDENTITY.decode(), "-psk_hint", "cli-hint", "-tls1_2",
                  "-cipher", "PSK", "-rev") as (proc, port):
        sock = connect(port)
        client = SSL.Connection(cctx, sock)
        client.set_connect_state()
        client.do_handshake()
        client.sendall(b"pyossl\n")
        assert read_line(client) == b"lssoyp\n"
        sock.close()
    assert hints == [b"cli-hint"]
    assert "PSK" in client.get_cipher_name()


@needs_cli
def test_openssl_s_client_pyossl_server_tls12():
    identities = []
    sctx = psk_context()
    sctx.use_psk_identity_hint(b"srv-hint")
    sctx.set_psk_server_callback(key_for(identities))
    with s_client("-psk", KEY.hex(), "-psk_identity", IDENTITY.decode(),
                  "-tls1_2", "-cipher", "PSK", "-quiet") as (proc, sock):
        server = SSL.Connection(sctx, sock)
        server.set_accept_state()
        server.do_handshake()
        proc.stdin.write(b"from s_client\n")
        proc.stdin.flush()
        assert read_line(server) == b"from s_client\n"
        assert server.get_psk_identity() == IDENTITY
    assert identities == [IDENTITY]


@needs_cli
@needs_tls13
def test_pyossl_client_openssl_s_server_tls13_callbacks():
    cctx = psk_context(tls13=True)
    cctx.set_psk_client_callback(answer([]))
    with s_server("-nocert", "-psk", KEY.hex(), "-psk_identity",
                  IDENTITY.decode(), "-tls1_3", "-rev") as (proc, port):
        sock = connect(port)
        client = SSL.Connection(cctx, sock)
        client.set_connect_state()
        client.do_handshake()
        client.sendall(b"abc\n")
        assert read_line(client) == b"cba\n"
        assert client.get_protocol_version_name() == "TLSv1.3"
        sock.close()


@needs_cli
@needs_tls13
def test_pyossl_client_openssl_s_server_external_psk():
    cctx = psk_context(tls13=True)
    cctx.set_psk_use_session_callback(
        lambda conn: (IDENTITY, SSL.Session.from_psk(KEY)))
    with s_server("-nocert", "-psk", KEY.hex(), "-psk_identity",
                  IDENTITY.decode(), "-tls1_3", "-rev") as (proc, port):
        sock = connect(port)
        client = SSL.Connection(cctx, sock)
        client.set_connect_state()
        client.do_handshake()
        client.sendall(b"abc\n")
        assert read_line(client) == b"cba\n"
        sock.close()


@needs_cli
@needs_tls13
@pytest.mark.parametrize("style", ["find_session", "tls12_callback"])
def test_openssl_s_client_pyossl_server_tls13(style):
    found = []
    sctx = psk_context(tls13=True)
    if style == "find_session":
        sctx.set_ciphersuites(SHA256_SUITES)
        sctx.set_psk_find_session_callback(
            lambda conn, identity: found.append(identity)
            or SSL.Session.from_psk(KEY))
    else:
        sctx.set_psk_server_callback(key_for(found))
    with s_client("-psk", KEY.hex(), "-psk_identity", IDENTITY.decode(),
                  "-tls1_3", "-quiet") as (proc, sock):
        server = SSL.Connection(sctx, sock)
        server.set_accept_state()
        server.do_handshake()
        proc.stdin.write(b"tls13 psk\n")
        proc.stdin.flush()
        assert read_line(server) == b"tls13 psk\n"
        assert server.get_protocol_version_name() == "TLSv1.3"
    assert found == [IDENTITY]


def _session_file(pki, tmp_path):
    """A TLS 1.3 session saved by ``s_client -sess_out`` from a real
    handshake with ``s_server``, and its PSK and suite as ``sess_id -text``
    prints them."""
    path = str(tmp_path / "session.pem")
    with s_server("-cert", pki.server_cert, "-key", pki.server_key,
                  "-tls1_3") as (server, port):
        proc = subprocess.Popen(
            [OPENSSL_CLI, "s_client", "-connect", "127.0.0.1:%d" % port,
             "-tls1_3", "-sess_out", path],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=cli_env())
        try:
            # The session is written when the server's ticket arrives.
            deadline = time.monotonic() + TIMEOUT
            while not os.path.exists(path) and time.monotonic() < deadline:
                time.sleep(0.05)
            proc.communicate(b"Q\n", timeout=TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert os.path.exists(path), "s_client wrote no session"
    text = subprocess.run(
        [OPENSSL_CLI, "sess_id", "-in", path, "-text", "-noout"],
        stdout=subprocess.PIPE, env=cli_env(), check=True).stdout.decode()
    key = re.search(r"(?:Resumption PSK|Master-Key): *([0-9A-F]+)", text)
    suite = re.search(r"Cipher *: *(TLS_\w+)", text)
    return path, bytes.fromhex(key.group(1)), suite.group(1).encode()


@needs_cli
@needs_tls13
def test_openssl_s_server_psk_session_file(pki, tmp_path):
    path, key, suite = _session_file(pki, tmp_path)
    cctx = psk_context(tls13=True)
    cctx.set_psk_use_session_callback(
        lambda conn: (IDENTITY, SSL.Session.from_psk(key, suite)))
    with s_server("-nocert", "-psk_session", path, "-psk_identity",
                  IDENTITY.decode(), "-tls1_3", "-rev") as (proc, port):
        sock = connect(port)
        client = SSL.Connection(cctx, sock)
        client.set_connect_state()
        client.do_handshake()
        client.sendall(b"session file\n")
        assert read_line(client) == b"elif noisses\n"
        assert client.get_cipher_name() == suite.decode()
        sock.close()
