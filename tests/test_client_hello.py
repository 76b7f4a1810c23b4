"""The ClientHello callback: ``Context.set_client_hello_callback`` and
:class:`pyossl.SSL.ClientHello` (OpenSSL 1.1.1 and later).

Peers: a pyossl client over memory BIOs, the stdlib ``ssl`` module, the
``openssl s_client`` command, and ClientHello bytes made by a pyossl client
and then edited (to send extensions no client library would send).
"""

import ssl
import struct
import threading

import pytest

from conftest import LIB
from openssl_peers import needs_cli, read_line, s_client
from pyossl import SSL
from ssl_helpers import (TIMEOUT, client_context, handshake_memory,
                         memory_pair, pump, server_context, socket_pair)

HAS_CLIENT_HELLO = LIB.version_num >= 0x10101000
needs_client_hello = pytest.mark.skipif(
    not HAS_CLIENT_HELLO,
    reason="the ClientHello callback needs OpenSSL 1.1.1 (loaded %s)"
    % LIB.version_string)
HAS_TLS13 = getattr(SSL, "TLS1_3_VERSION", None) is not None

METHODS = ["is_v2", "get_legacy_version", "get_random", "get_session_id",
           "get_cipher_suites", "get_cipher_list", "get_compression_methods",
           "get_extension_types", "get_server_name", "get_alpn_protocols",
           "get_supported_versions", "get_supported_groups",
           "get_signature_algorithms", "get_ec_point_formats"]


class Boom(Exception):
    pass


def start_handshake(server, client):
    """Send the client's hello to the server (nothing else)."""
    try:
        client.do_handshake()
    except SSL.WantReadError:
        pass
    pump(server, client)


def client_hello_bytes(ctx=None, host_name=None):
    """The record holding a pyossl client's ClientHello."""
    client = SSL.Connection(ctx or SSL.Context(SSL.TLS_METHOD), None)
    if host_name is not None:
        client.set_tlsext_host_name(host_name)
    client.set_connect_state()
    try:
        client.do_handshake()
    except SSL.WantReadError:
        pass
    return client.bio_read(65536)


def add_extension(record, ext_type, data):
    """*record* (one TLS record holding a ClientHello) with an extension
    appended and the three lengths fixed."""
    assert record[0] == 22 and record[5] == 1
    body = record[9:]
    p = 2 + 32                                   # legacy_version, random
    p += 1 + body[p]                             # session id
    p += 2 + int.from_bytes(body[p:p + 2], "big")    # cipher suites
    p += 1 + body[p]                             # compression methods
    ext_len = int.from_bytes(body[p:p + 2], "big")
    exts = body[p + 2:p + 2 + ext_len] + struct.pack(
        ">HH", ext_type, len(data)) + data
    body = body[:p] + struct.pack(">H", len(exts)) + exts
    handshake = b"\x01" + len(body).to_bytes(3, "big") + body
    return record[:3] + struct.pack(">H", len(handshake)) + handshake


# ----------------------------------------------------------- availability --

def test_names_exist_on_every_build():
    assert issubclass(SSL.WantClientHelloCallbackError,
                      SSL.WantX509LookupError)
    assert issubclass(SSL.WantClientHelloCallbackError, SSL.Error)
    assert SSL.CLIENT_HELLO_RETRY is not None
    assert isinstance(SSL.ClientHello, type)


@pytest.mark.skipif(HAS_CLIENT_HELLO, reason="the build has the callback")
def test_old_build_raises_not_implemented():
    ctx = SSL.Context(SSL.TLS_METHOD)
    with pytest.raises(NotImplementedError) as info:
        ctx.set_client_hello_callback(lambda conn, hello: None)
    message = str(info.value)
    assert "ClientHello" in message
    assert "1.1.1" in message
    assert LIB.version_string in message


def test_client_hello_is_not_constructible():
    with pytest.raises(TypeError):
        SSL.ClientHello()


@needs_client_hello
@pytest.mark.parametrize("bad", [None, 3, b"callback"])
def test_setter_refuses_non_callables(bad):
    with pytest.raises(TypeError):
        SSL.Context(SSL.TLS_METHOD).set_client_hello_callback(bad)


# ------------------------------------------------------ what it reports --

@needs_client_hello
def test_fields_of_a_pyossl_hello(pki):
    seen = {}

    def callback(conn, hello):
        seen["conn"] = conn
        for name in METHODS:
            seen[name] = getattr(hello, name)()
        seen["alpn_raw"] = hello.get_extension(16)
        seen["sni_raw"] = hello.get_extension(0)
        seen["absent"] = hello.get_extension(0x4444)

    sctx = server_context(pki)
    sctx.set_client_hello_callback(callback)
    cctx = client_context(pki)
    cctx.set_cipher_list(b"ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA")
    cctx.set_alpn_protos([b"h2", b"http/1.1"])
    server, client = memory_pair(sctx, cctx)
    client.set_tlsext_host_name(b"localhost")
    handshake_memory(server, client)

    assert seen["conn"] is server
    assert seen["is_v2"] is False
    assert seen["get_legacy_version"] == 0x0303
    assert seen["get_random"] == client.client_random()
    assert isinstance(seen["get_session_id"], bytes)
    assert len(seen["get_session_id"]) <= 32
    suites = seen["get_cipher_suites"]
    assert all(isinstance(s, int) and 0 <= s <= 0xFFFF for s in suites)
    assert 0xC02F in suites and 0x0035 in suites
    names = seen["get_cipher_list"]
    assert "ECDHE-RSA-AES128-GCM-SHA256" in names and "AES256-SHA" in names
    assert names.index("ECDHE-RSA-AES128-GCM-SHA256") < names.index(
        "AES256-SHA")
    assert seen["get_compression_methods"] == b"\x00"
    types = seen["get_extension_types"]
    assert 0 in types and 16 in types and 10 in types and 13 in types
    assert seen["get_server_name"] == b"localhost"
    assert seen["sni_raw"] == b"\x00\x0c\x00\x00\x09localhost"
    assert seen["get_alpn_protocols"] == [b"h2", b"http/1.1"]
    assert seen["alpn_raw"] == b"\x00\x0c\x02h2\x08http/1.1"
    assert seen["absent"] is None
    if HAS_TLS13:
        assert 0x0304 in seen["get_supported_versions"]
        assert 43 in types
    assert seen["get_supported_groups"]
    assert 0x0804 in seen["get_signature_algorithms"] or \
        0x0401 in seen["get_signature_algorithms"]
    assert 0 in seen["get_ec_point_formats"]


@needs_client_hello
def test_absent_extensions(pki):
    seen = {}

    def callback(conn, hello):
        seen["sni"] = hello.get_server_name()
        seen["alpn"] = hello.get_alpn_protocols()

    sctx = server_context(pki)
    sctx.set_client_hello_callback(callback)
    server, client = memory_pair(sctx, client_context(pki))
    handshake_memory(server, client)
    assert seen == {"sni": None, "alpn": []}


@needs_client_hello
def test_hello_is_only_valid_inside_the_callback(pki):
    kept = []
    sctx = server_context(pki)
    sctx.set_client_hello_callback(lambda conn, hello: kept.append(hello))
    server, client = memory_pair(sctx, client_context(pki))
    handshake_memory(server, client)
    hello, = kept
    for name in METHODS:
        with pytest.raises(ValueError):
            getattr(hello, name)()
    with pytest.raises(ValueError):
        hello.get_extension(0)


@needs_client_hello
def test_get_extension_argument_checks(pki):
    errors = []

    def callback(conn, hello):
        for bad, exc in ((-1, (ValueError, OverflowError)),
                         (0x10000, (ValueError, OverflowError)),
                         ("16", TypeError), (None, TypeError)):
            try:
                hello.get_extension(bad)
            except exc:
                errors.append(bad)

    sctx = server_context(pki)
    sctx.set_client_hello_callback(callback)
    server, client = memory_pair(sctx, client_context(pki))
    handshake_memory(server, client)
    assert errors == [-1, 0x10000, "16", None]


@needs_client_hello
def test_malformed_extensions_raise_value_error():
    seen = {}

    def callback(conn, hello):
        seen["raw"] = hello.get_extension(0)
        for name in ("get_server_name", "get_alpn_protocols"):
            try:
                getattr(hello, name)()
            except ValueError:
                seen[name] = "ValueError"

    record = client_hello_bytes()              # no SNI, no ALPN
    record = add_extension(record, 0, b"\x00\x09\x00\x00\x20short")
    record = add_extension(record, 16, b"\x00\x05\x09h2")
    sctx = SSL.Context(SSL.TLS_METHOD)
    sctx.set_client_hello_callback(callback)
    server = SSL.Connection(sctx, None)
    server.set_accept_state()
    server.bio_write(record)
    with pytest.raises(SSL.Error):             # no certificate: no cipher
        server.do_handshake()
    assert seen == {"raw": b"\x00\x09\x00\x00\x20short",
                    "get_server_name": "ValueError",
                    "get_alpn_protocols": "ValueError"}


# --------------------------------------------------- steering the handshake --

@needs_client_hello
def test_switch_context_for_acme_tls_alpn(pki):
    """ACME tls-alpn-01: a client offering only ``acme-tls/1`` gets the
    challenge certificate; everyone else the normal one."""
    acme = server_context(pki, cert=pki.other_server_cert,
                          key=pki.other_server_key)
    acme.set_alpn_select_callback(lambda conn, offered: b"acme-tls/1")

    def callback(conn, hello):
        if hello.get_alpn_protocols() == [b"acme-tls/1"]:
            conn.set_context(acme)

    normal = server_context(pki)
    normal.set_client_hello_callback(callback)

    cctx = SSL.Context(SSL.TLS_METHOD)
    cctx.set_alpn_protos([b"acme-tls/1"])
    server, client = memory_pair(normal, cctx)
    client.set_tlsext_host_name(b"other.example")
    handshake_memory(server, client)
    assert client.get_peer_certificate().get_subject().CN == "other.example"
    assert client.get_alpn_proto_negotiated() == b"acme-tls/1"
    assert server.get_context() is acme

    server, client = memory_pair(normal, client_context(pki))
    handshake_memory(server, client)
    assert client.get_peer_certificate().get_subject().CN == "localhost"


@needs_client_hello
def test_suspend_then_resume(pki):
    calls = []
    ready = []

    def callback(conn, hello):
        calls.append(hello.get_server_name())
        if not ready:
            return SSL.CLIENT_HELLO_RETRY
        return None

    sctx = server_context(pki)
    sctx.set_client_hello_callback(callback)
    server, client = memory_pair(sctx, client_context(pki))
    client.set_tlsext_host_name(b"localhost")
    start_handshake(server, client)
    for _ in range(2):
        with pytest.raises(SSL.WantClientHelloCallbackError) as info:
            server.do_handshake()
        assert isinstance(info.value, SSL.WantX509LookupError)
    assert calls == [b"localhost", b"localhost"]
    ready.append(True)                  # the application's lookup is done
    handshake_memory(server, client)
    assert calls == [b"localhost"] * 3
    assert client.get_peer_certificate().get_subject().CN == "localhost"
    client.send(b"after the pause")
    pump(server, client)
    assert server.recv(100) == b"after the pause"


@needs_client_hello
def test_exception_aborts_with_handshake_failure(pki):
    def callback(conn, hello):
        raise Boom("refused")

    sctx = server_context(pki)
    sctx.set_client_hello_callback(callback)
    server, client = memory_pair(sctx, client_context(pki))
    start_handshake(server, client)
    with pytest.raises(Boom):
        server.do_handshake()
    pump(server, client)
    with pytest.raises(SSL.Error) as info:
        client.do_handshake()
    assert "handshake failure" in str(info.value)


@needs_client_hello
@pytest.mark.parametrize("result", [True, False, 0, 1, -1, "retry"])
def test_other_results_are_type_errors(pki, result):
    sctx = server_context(pki)
    sctx.set_client_hello_callback(lambda conn, hello: result)
    server, client = memory_pair(sctx, client_context(pki))
    start_handshake(server, client)
    with pytest.raises(TypeError):
        server.do_handshake()


@needs_client_hello
@pytest.mark.skipif(not HAS_TLS13, reason="needs TLS 1.3")
def test_called_again_after_hello_retry_request(pki):
    """A TLS 1.3 server that wants another key share sends a
    HelloRetryRequest; the second ClientHello reaches the callback too."""
    from pyossl import crypto
    groups = []

    def callback(conn, hello):
        groups.append(hello.get_supported_versions())

    sctx = server_context(pki)
    sctx.set_tmp_ecdh(crypto.get_elliptic_curve("secp384r1"))
    sctx.set_client_hello_callback(callback)
    server, client = memory_pair(sctx, client_context(pki))
    handshake_memory(server, client)
    assert client.get_protocol_version_name() == "TLSv1.3"
    assert len(groups) == 2


# ----------------------------------------------------------- other peers --

@needs_client_hello
def test_stdlib_client(pki):
    seen = {}

    def callback(conn, hello):
        seen["sni"] = hello.get_server_name()
        seen["alpn"] = hello.get_alpn_protocols()
        seen["types"] = hello.get_extension_types()

    sctx = server_context(pki)
    sctx.set_client_hello_callback(callback)
    ssock, csock = socket_pair()
    server = SSL.Connection(sctx, ssock)
    server.set_accept_state()
    stdctx = ssl.create_default_context(cafile=pki.ca_cert)
    stdctx.set_alpn_protocols(["h2", "http/1.1"])
    out = {}

    def stdlib_client():
        try:
            with stdctx.wrap_socket(csock, server_hostname="localhost") as t:
                t.sendall(b"ping")
                out["reply"] = t.recv(100)
        except BaseException as exc:     # noqa: B902 - checked below
            out["error"] = exc

    thread = threading.Thread(target=stdlib_client, daemon=True)
    thread.start()
    server.do_handshake()
    assert server.recv(100) == b"ping"
    server.sendall(b"pong")
    thread.join(TIMEOUT)
    ssock.close()
    assert out.get("reply") == b"pong", out
    assert seen["sni"] == b"localhost"
    assert seen["alpn"] == [b"h2", b"http/1.1"]
    assert 0 in seen["types"] and 16 in seen["types"]


@needs_cli
@needs_client_hello
def test_openssl_s_client(pki):
    seen = {}

    def callback(conn, hello):
        seen["sni"] = hello.get_server_name()
        seen["alpn"] = hello.get_alpn_protocols()
        seen["suites"] = hello.get_cipher_suites()
        seen["versions"] = hello.get_supported_versions()

    sctx = server_context(pki)
    sctx.set_client_hello_callback(callback)
    with s_client("-servername", "example.test", "-alpn", "foo,bar",
                  "-tls1_2", "-cipher", "AES128-SHA", "-quiet") as (proc,
                                                                    sock):
        server = SSL.Connection(sctx, sock)
        server.set_accept_state()
        server.do_handshake()
        proc.stdin.write(b"from s_client\n")
        proc.stdin.flush()
        assert read_line(server) == b"from s_client\n"
    assert seen["sni"] == b"example.test"
    assert seen["alpn"] == [b"foo", b"bar"]
    assert 0x002F in seen["suites"]             # AES128-SHA
    assert seen["versions"] == []               # a TLS 1.2-only hello


@needs_cli
@needs_client_hello
def test_openssl_s_client_sees_the_abort(pki):
    def callback(conn, hello):
        raise Boom("not you")

    sctx = server_context(pki)
    sctx.set_client_hello_callback(callback)
    with s_client("-servername", "example.test") as (proc, sock):
        server = SSL.Connection(sctx, sock)
        server.set_accept_state()
        with pytest.raises(Boom):
            server.do_handshake()
        sock.close()
        out, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode != 0
    assert b"handshake failure" in err
