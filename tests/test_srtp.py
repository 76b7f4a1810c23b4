"""SRTP (DTLS-SRTP, RFC 5764): Context.set_tlsext_use_srtp and
Connection.get_selected_srtp_profile, between pyossl peers over memory BIOs
and UDP, and with ``openssl s_server``/``s_client -dtls -use_srtp``; the
SRTP keys come from Connection.export_keying_material."""

import re
import socket

import pytest

from conftest import GEN
from modern_support import (LARGE, OpenSSLProcess, drive_dtls,
                            dtls_client_context, dtls_handshake_memory,
                            dtls_memory_pair, dtls_server_context,
                            dtls_transfer, free_port, needs_cli, udp_pair)
from pyossl import SSL
from ssl_helpers import (client_context, handshake_memory, memory_pair,
                         server_context)

P80 = b"SRTP_AES128_CM_SHA1_80"
P32 = b"SRTP_AES128_CM_SHA1_32"
GCM = b"SRTP_AEAD_AES_128_GCM"
SRTP_LABEL = b"EXTRACTOR-dtls_srtp"
# Two 16-byte master keys and two 14-byte salts (AES128_CM_SHA1_*).
SRTP_KEYING_LENGTH = 2 * (16 + 14)


@pytest.mark.parametrize("profile", [P80, P32])
def test_profile_negotiated_over_dtls(pki, profile):
    server, client = dtls_memory_pair(
        dtls_server_context(pki, srtp=profile),
        dtls_client_context(pki, srtp=P80 + b":" + P32))
    dtls_handshake_memory(server, client)
    assert server.get_selected_srtp_profile() == profile
    assert client.get_selected_srtp_profile() == profile
    assert dtls_transfer(client, server, b"rtp") == b"rtp"


def test_srtp_keys_agree(pki):
    server, client = dtls_memory_pair(dtls_server_context(pki, srtp=P80),
                                      dtls_client_context(pki, srtp=P80))
    dtls_handshake_memory(server, client)
    keys = client.export_keying_material(SRTP_LABEL, SRTP_KEYING_LENGTH)
    assert len(keys) == SRTP_KEYING_LENGTH
    assert keys == server.export_keying_material(SRTP_LABEL,
                                                 SRTP_KEYING_LENGTH)


def test_aead_profiles(pki):
    if GEN == 0:
        # 1.0.2 knows only the AES-CM and NULL profiles.
        with pytest.raises(SSL.Error):
            SSL.Context(SSL.DTLS_METHOD).set_tlsext_use_srtp(GCM)
        return
    server, client = dtls_memory_pair(dtls_server_context(pki, srtp=GCM),
                                      dtls_client_context(pki, srtp=GCM))
    dtls_handshake_memory(server, client)
    assert client.get_selected_srtp_profile() == GCM


def test_no_common_profile(pki):
    server, client = dtls_memory_pair(dtls_server_context(pki, srtp=P80),
                                      dtls_client_context(pki, srtp=P32))
    dtls_handshake_memory(server, client)
    assert server.get_selected_srtp_profile() == b""
    assert client.get_selected_srtp_profile() == b""


def test_only_one_side_offers(pki):
    server, client = dtls_memory_pair(dtls_server_context(pki),
                                      dtls_client_context(pki, srtp=P80))
    dtls_handshake_memory(server, client)
    assert server.get_selected_srtp_profile() == b""
    assert client.get_selected_srtp_profile() == b""


def test_nothing_selected_before_the_handshake():
    ctx = SSL.Context(SSL.DTLS_METHOD)
    ctx.set_tlsext_use_srtp(P80)
    assert SSL.Connection(ctx, None).get_selected_srtp_profile() == b""


def test_tls_server_with_profiles_selects_nothing(pki):
    # DTLS-SRTP is a DTLS extension: a TLS client does not offer it.
    sctx = server_context(pki)
    sctx.set_tlsext_use_srtp(P80)
    server, client = memory_pair(sctx, client_context(pki))
    handshake_memory(server, client)
    assert server.get_selected_srtp_profile() == b""
    assert client.get_selected_srtp_profile() == b""


def test_profiles_must_be_bytes():
    ctx = SSL.Context(SSL.DTLS_METHOD)
    with pytest.raises(TypeError):
        ctx.set_tlsext_use_srtp(P80.decode("ascii"))
    with pytest.raises(TypeError):
        ctx.set_tlsext_use_srtp([P80])


@pytest.mark.parametrize("bad", [b"", b"NOT_A_PROFILE",
                                 P80 + b":NOT_A_PROFILE"])
def test_unknown_profiles_are_an_error(bad):
    with pytest.raises(SSL.Error):
        SSL.Context(SSL.DTLS_METHOD).set_tlsext_use_srtp(bad)


def test_nul_byte_is_refused():
    with pytest.raises(ValueError):
        SSL.Context(SSL.DTLS_METHOD).set_tlsext_use_srtp(P80 + b"\0" + P32)


def test_profile_negotiated_over_udp(pki):
    import threading
    ssock, csock = udp_pair()
    server = SSL.Connection(dtls_server_context(pki, srtp=P32), ssock)
    client = SSL.Connection(dtls_client_context(pki, srtp=P80 + b":" + P32),
                            csock)
    for conn in (server, client):
        conn.set_ciphertext_mtu(1400)
    server.set_accept_state()
    client.set_connect_state()
    result = {}

    def serve():
        drive_dtls(server, ssock, server.DTLSv1_listen)
        drive_dtls(server, ssock, server.do_handshake)
        result["profile"] = server.get_selected_srtp_profile()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    drive_dtls(client, csock, client.do_handshake)
    thread.join(20)
    assert not thread.is_alive()
    assert result["profile"] == P32
    assert client.get_selected_srtp_profile() == P32
    ssock.close()
    csock.close()


# ------------------------------------------------------------- openssl --

def _keying_material(output):
    match = re.search(rb"Keying material: ([0-9A-Fa-f]+)", output)
    assert match, output
    return bytes.fromhex(match.group(1).decode("ascii"))


@needs_cli
def test_openssl_s_client_negotiates_srtp_with_pyossl(pki):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    with OpenSSLProcess("s_client", "-dtls", "-connect",
                        "127.0.0.1:%d" % port, "-CAfile", pki.ca_cert,
                        "-use_srtp", (P32 + b":" + P80).decode(),
                        "-keymatexport", SRTP_LABEL.decode(),
                        "-keymatexportlen", str(SRTP_KEYING_LENGTH),
                        "-mtu", "1400") as peer:
        sock.settimeout(20)
        _, addr = sock.recvfrom(LARGE, socket.MSG_PEEK)
        sock.setblocking(False)
        sock.connect(addr)
        server = SSL.Connection(dtls_server_context(pki, srtp=P80), sock)
        server.set_ciphertext_mtu(1400)
        server.set_accept_state()
        drive_dtls(server, sock, server.do_handshake)
        assert server.get_selected_srtp_profile() == P80
        keys = server.export_keying_material(SRTP_LABEL, SRTP_KEYING_LENGTH)
        server.send(b"bye\n")
        server.shutdown()
        out = peer.finish(b"")
        sock.close()
    assert b"SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80" \
        in out
    assert _keying_material(out) == keys


@needs_cli
def test_pyossl_client_negotiates_srtp_with_openssl_s_server(pki):
    port = free_port(socket.SOCK_DGRAM)
    with OpenSSLProcess("s_server", "-dtls", "-accept",
                        "127.0.0.1:%d" % port, "-cert", pki.server_cert,
                        "-key", pki.server_key, "-naccept", "1",
                        "-use_srtp", P32.decode(), "-mtu", "1400",
                        "-keymatexport", SRTP_LABEL.decode(),
                        "-keymatexportlen", str(SRTP_KEYING_LENGTH)) as peer:
        peer.wait_for_line(b"ACCEPT")
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setblocking(False)
        sock.connect(("127.0.0.1", port))
        client = SSL.Connection(
            dtls_client_context(pki, srtp=P80 + b":" + P32), sock)
        client.set_ciphertext_mtu(1400)
        client.set_connect_state()
        drive_dtls(client, sock, client.do_handshake)
        assert client.get_selected_srtp_profile() == P32
        keys = client.export_keying_material(SRTP_LABEL, SRTP_KEYING_LENGTH)
        client.send(b"done\n")
        client.shutdown()
        out = peer.finish()
        sock.close()
    assert _keying_material(out) == keys
