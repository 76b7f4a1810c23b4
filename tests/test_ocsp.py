"""OCSP stapling: Context.set_ocsp_server_callback / set_ocsp_client_callback
and Connection.request_ocsp, between pyossl peers (TLS and DTLS) and with
``openssl s_server -status_file`` / ``s_client -status``."""

import os
import socket

import pytest

from conftest import GEN, run_openssl
from modern_support import (OpenSSLProcess, dtls_client_context,
                            dtls_handshake_memory, dtls_memory_pair,
                            dtls_server_context, free_port, needs_cli)
from pyossl import SSL
from ssl_helpers import (client_context, handshake_memory, memory_pair,
                         server_context, socket_pair)

# OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED unauthorized(6) }:
# the smallest well-formed response (some OpenSSL releases parse what is
# stapled and drop what does not parse).
UNAUTHORIZED = b"\x30\x03\x0a\x01\x06"


@pytest.fixture(scope="module")
def ocsp_response(pki, tmp_path_factory):
    """A real, signed "good" OCSP response (DER) for the server certificate,
    made by ``openssl ocsp`` with the test CA as responder."""
    d = tmp_path_factory.mktemp("ocsp")
    serial = run_openssl("x509", "-in", pki.server_cert, "-noout",
                         "-serial").decode().strip().split("=")[1]
    subject = run_openssl("x509", "-in", pki.server_cert, "-noout",
                          "-subject", "-nameopt", "compat").decode().strip()
    subject = subject.split("=", 1)[1].strip()
    index = d / "index.txt"
    index.write_text("V\t301231235959Z\t\t%s\tunknown\t%s\n"
                     % (serial, subject))
    request = d / "req.der"
    response = d / "resp.der"
    run_openssl("ocsp", "-issuer", pki.ca_cert, "-cert", pki.server_cert,
                "-no_nonce", "-reqout", request)
    run_openssl("ocsp", "-index", index, "-rsigner", pki.ca_cert, "-rkey",
                pki.ca_key, "-CA", pki.ca_cert, "-reqin", request,
                "-respout", response, "-ndays", "30")
    with open(str(response), "rb") as f:
        data = f.read()
    path = str(response)
    return path, data


def _pair(pki, server_cb=None, server_data=None, client_cb=None,
          client_data=None, request=True, tls13=False):
    sctx = server_context(pki)
    cctx = client_context(pki)
    if not tls13 and GEN >= 1:
        cctx.set_max_proto_version(SSL.TLS1_2_VERSION)
    if server_cb is not None:
        sctx.set_ocsp_server_callback(server_cb, server_data)
    if client_cb is not None:
        cctx.set_ocsp_client_callback(client_cb, client_data)
    server, client = memory_pair(sctx, cctx)
    if request:
        client.request_ocsp()
    return server, client


def _fail(*args):
    raise AssertionError("callback must not be called: %r" % (args,))


def test_callbacks_are_not_called_without_a_request(pki):
    server, client = _pair(pki, _fail, None, _fail, None, request=False)
    handshake_memory(server, client)


def test_client_without_server_support_sees_empty_bytes(pki):
    seen = []

    def client_cb(conn, data, extra):
        seen.append(data)
        return True

    server, client = _pair(pki, client_cb=client_cb)
    handshake_memory(server, client)
    assert seen == [b""]


@pytest.mark.parametrize("tls13", [False, True])
def test_client_receives_the_stapled_bytes(pki, ocsp_response, tls13):
    if tls13 and GEN == 0:
        pytest.skip("1.0.2 has no TLS 1.3")
    staple = ocsp_response[1]
    seen = []
    server, client = _pair(
        pki, lambda conn, data: staple, None,
        lambda conn, data, extra: seen.append(data) or True, None,
        tls13=tls13)
    handshake_memory(server, client)
    assert seen == [staple]
    assert client.get_protocol_version_name() == (
        "TLSv1.3" if tls13 else "TLSv1.2")


def test_stapled_response_parses_as_good(pki, ocsp_response):
    ocsp = pytest.importorskip("cryptography.x509.ocsp")
    seen = []
    server, client = _pair(
        pki, lambda conn, data: ocsp_response[1], None,
        lambda conn, data, extra: seen.append(data) or True, None)
    handshake_memory(server, client)
    response = ocsp.load_der_ocsp_response(seen[0])
    assert response.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert response.certificate_status == ocsp.OCSPCertStatus.GOOD
    assert response.serial_number == \
        client.get_peer_certificate().get_serial_number()


def test_callbacks_get_their_connection_and_data(pki):
    calls = []
    server_data, client_data = object(), {"k": "v"}

    def server_cb(*args):
        calls.append(("server",) + args)
        return UNAUTHORIZED

    def client_cb(*args):
        calls.append(("client",) + args)
        return True

    server, client = _pair(pki, server_cb, server_data, client_cb,
                           client_data)
    handshake_memory(server, client)
    assert calls == [("server", server, server_data),
                     ("client", client, UNAUTHORIZED, client_data)]


def test_data_defaults_to_none(pki):
    calls = []
    sctx = server_context(pki)
    sctx.set_ocsp_server_callback(
        lambda conn, data: calls.append(data) or UNAUTHORIZED)
    cctx = client_context(pki)
    cctx.set_ocsp_client_callback(
        lambda conn, resp, data: calls.append(data) or True)
    server, client = memory_pair(sctx, cctx)
    client.request_ocsp()
    handshake_memory(server, client)
    assert calls == [None, None]


def test_server_returning_empty_bytes_staples_nothing(pki):
    seen = []
    server, client = _pair(pki, lambda conn, data: b"", None,
                           lambda conn, data, extra: seen.append(data) or True,
                           None)
    handshake_memory(server, client)
    assert seen == [b""]


@pytest.mark.parametrize("verdict", [False, 0, None, b""])
def test_client_rejecting_aborts_the_handshake(pki, verdict):
    server, client = _pair(pki, lambda conn, data: UNAUTHORIZED, None,
                           lambda conn, data, extra: verdict, None)
    with pytest.raises(SSL.Error):
        handshake_memory(server, client)


@pytest.mark.parametrize("verdict", [True, 1, "yes", [0]])
def test_client_accepting_with_any_true_value(pki, verdict):
    server, client = _pair(pki, lambda conn, data: UNAUTHORIZED, None,
                           lambda conn, data, extra: verdict, None)
    handshake_memory(server, client)


class _Sentinel(Exception):
    pass


def _raise(*args):
    raise _Sentinel(args)


def test_client_exception_propagates(pki):
    server, client = _pair(pki, lambda conn, data: UNAUTHORIZED, None,
                           _raise, None)
    with pytest.raises(_Sentinel):
        handshake_memory(server, client)


def test_server_exception_propagates(pki):
    server, client = _pair(pki, _raise, None, _fail, None)
    with pytest.raises(_Sentinel):
        handshake_memory(server, client)


@pytest.mark.parametrize("bad", ["text", None, 1, bytearray(UNAUTHORIZED)])
def test_server_must_return_bytes(pki, bad):
    server, client = _pair(pki, lambda conn, data: bad, None, _fail, None)
    with pytest.raises(TypeError):
        handshake_memory(server, client)


def test_callbacks_must_be_callable():
    ctx = SSL.Context(SSL.TLS_METHOD)
    with pytest.raises(TypeError):
        ctx.set_ocsp_server_callback(b"not callable")
    with pytest.raises(TypeError):
        ctx.set_ocsp_client_callback(None)


def test_request_ocsp_returns_none():
    conn = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
    assert conn.request_ocsp() is None


def test_a_context_switched_by_sni_staples_its_response(pki):
    first = server_context(pki)
    second = server_context(pki)
    first.set_ocsp_server_callback(lambda conn, data: b"\x30\x03\x0a\x01\x01")
    second.set_ocsp_server_callback(lambda conn, data: UNAUTHORIZED)
    first.set_tlsext_servername_callback(
        lambda conn: conn.set_context(second))
    seen = []
    cctx = client_context(pki)
    if GEN >= 1:
        cctx.set_max_proto_version(SSL.TLS1_2_VERSION)
    cctx.set_ocsp_client_callback(
        lambda conn, data, extra: seen.append(data) or True)
    server, client = memory_pair(first, cctx)
    client.set_tlsext_host_name(b"localhost")
    client.request_ocsp()
    handshake_memory(server, client)
    assert seen == [UNAUTHORIZED]


def test_ocsp_over_dtls(pki):
    seen = []
    sctx = dtls_server_context(pki)
    sctx.set_ocsp_server_callback(lambda conn, data: UNAUTHORIZED)
    cctx = dtls_client_context(pki)
    cctx.set_ocsp_client_callback(
        lambda conn, data, extra: seen.append(data) or True)
    server, client = dtls_memory_pair(sctx, cctx)
    client.request_ocsp()
    dtls_handshake_memory(server, client)
    assert seen == [UNAUTHORIZED]


def test_ocsp_over_sockets(pki, ocsp_response):
    import threading
    ssock, csock = socket_pair()
    sctx = server_context(pki)
    sctx.set_ocsp_server_callback(lambda conn, data: ocsp_response[1])
    server = SSL.Connection(sctx, ssock)
    server.set_accept_state()
    seen = []
    cctx = client_context(pki)
    cctx.set_ocsp_client_callback(
        lambda conn, data, extra: seen.append(data) or True)
    client = SSL.Connection(cctx, csock)
    client.set_connect_state()
    client.request_ocsp()
    thread = threading.Thread(target=server.do_handshake, daemon=True)
    thread.start()
    client.do_handshake()
    thread.join(20)
    assert seen == [ocsp_response[1]]
    ssock.close()
    csock.close()


# ------------------------------------------------------------- openssl --

@needs_cli
def test_openssl_s_client_status_sees_pyossl_staple(pki, ocsp_response):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    with OpenSSLProcess("s_client", "-connect", "127.0.0.1:%d" % port,
                        "-CAfile", pki.ca_cert, "-status",
                        "-verify_return_error") as peer:
        listener.settimeout(20)
        sock, _ = listener.accept()
        sock.settimeout(None)
        ctx = server_context(pki)
        ctx.set_ocsp_server_callback(lambda conn, data: ocsp_response[1])
        server = SSL.Connection(ctx, sock)
        server.set_accept_state()
        server.do_handshake()
        server.sendall(b"done\n")
        server.shutdown()
        out = peer.finish(b"")
        sock.close()
    listener.close()
    assert b"OCSP Response Status: successful" in out
    assert b"Cert Status: good" in out


@needs_cli
def test_pyossl_client_gets_openssl_s_server_staple(pki, ocsp_response):
    path, data = ocsp_response
    port = free_port()
    with OpenSSLProcess("s_server", "-accept", "127.0.0.1:%d" % port,
                        "-cert", pki.server_cert, "-key", pki.server_key,
                        "-status_file", path, "-naccept", "1") as peer:
        sock = peer.wait_for_tcp(port)
        seen = []
        ctx = client_context(pki)
        ctx.set_ocsp_client_callback(
            lambda conn, resp, extra: seen.append(resp) or True)
        client = SSL.Connection(ctx, sock)
        client.set_connect_state()
        client.request_ocsp()
        client.do_handshake()
        sock.close()
    assert seen == [data]


@needs_cli
def test_pyossl_client_rejecting_openssl_staple_fails(pki, ocsp_response):
    port = free_port()
    with OpenSSLProcess("s_server", "-accept", "127.0.0.1:%d" % port,
                        "-cert", pki.server_cert, "-key", pki.server_key,
                        "-status_file", ocsp_response[0],
                        "-naccept", "1") as peer:
        sock = peer.wait_for_tcp(port)
        ctx = client_context(pki)
        ctx.set_ocsp_client_callback(lambda conn, resp, extra: False)
        client = SSL.Connection(ctx, sock)
        client.set_connect_state()
        client.request_ocsp()
        with pytest.raises(SSL.Error):
            client.do_handshake()
        sock.close()
    assert os.path.exists(ocsp_response[0])
