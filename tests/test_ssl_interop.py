"""Interop with real peers: the stdlib ``ssl`` module and the ``openssl``
command (``s_server``/``s_client``, the system build) on loopback."""

import os
import socket
import ssl
import subprocess
import threading
import time

import pytest

from conftest import GEN, OPENSSL_CLI
from pyossl import SSL
from ssl_helpers import (TIMEOUT, client_context, server_context,
                         socket_pair)


def _thread(func, *args):
    out = {}

    def run():
        try:
            out["value"] = func(*args)
        except BaseException as exc:     # noqa: B902 - re-raised by join
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()

    def join():
        t.join(TIMEOUT)
        assert not t.is_alive(), "peer hung"
        if "error" in out:
            raise out["error"]
        return out.get("value")
    return join


def test_stdlib_client_pyossl_server(pki):
    ssock, csock = socket_pair()
    server = SSL.Connection(server_context(pki), ssock)
    server.set_accept_state()
    stdctx = ssl.create_default_context(cafile=pki.ca_cert)

    def stdlib_client():
        with stdctx.wrap_socket(csock, server_hostname="localhost") as tls:
            tls.sendall(b"from stdlib")
            reply = tls.recv(100)
            return reply, tls.version()

    join = _thread(stdlib_client)
    server.do_handshake()
    assert server.recv(100) == b"from stdlib"
    server.sendall(b"from pyossl")
    reply, version = join()
    assert reply == b"from pyossl"
    assert version == server.get_protocol_version_name()
    ssock.close()


def test_pyossl_client_stdlib_server(pki):
    ssock, csock = socket_pair()
    stdctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    stdctx.load_cert_chain(pki.server_cert, pki.server_key)

    def stdlib_server():
        with stdctx.wrap_socket(ssock, server_side=True) as tls:
            data = tls.recv(100)
            tls.sendall(data.upper())
            try:
                tls.unwrap()
            except (ssl.SSLError, OSError):
                pass
            return data

    join = _thread(stdlib_server)
    client = SSL.Connection(client_context(pki), csock)
    client.set_tlsext_host_name(b"localhost")
    client.set_connect_state()
    client.do_handshake()
    client.sendall(b"shout this")
    assert client.recv(100) == b"SHOUT THIS"
    client.shutdown()
    try:
        client.recv(10)
    except (SSL.ZeroReturnError, SSL.SysCallError):
        pass
    assert join() == b"shout this"
    csock.close()


def test_stdlib_client_rejects_other_ca(pki):
    ssock, csock = socket_pair()
    server = SSL.Connection(
        server_context(pki, cert=pki.other_server_cert,
                       key=pki.other_server_key), ssock)
    server.set_accept_state()
    stdctx = ssl.create_default_context(cafile=pki.ca_cert)

    def stdlib_client():
        with pytest.raises(ssl.SSLError):
            stdctx.wrap_socket(csock, server_hostname="other.example")
        csock.close()

    join = _thread(stdlib_client)
    with pytest.raises(SSL.Error):
        server.do_handshake()
        server.recv(10)
    join()
    ssock.close()


# ------------------------------------------------------------- openssl --

needs_cli = pytest.mark.skipif(OPENSSL_CLI is None,
                               reason="the openssl command is not installed")


def _cli_env():
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    return env


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@needs_cli
def test_pyossl_client_openssl_s_server(pki):
    port = _free_port()
    proc = subprocess.Popen(
        [OPENSSL_CLI, "s_server", "-accept", "127.0.0.1:%d" % port,
         "-cert", pki.server_cert, "-key", pki.server_key, "-rev",
         "-naccept", "1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, env=_cli_env())
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port),
                                                timeout=TIMEOUT)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.05)
        sock.settimeout(None)
        client = SSL.Connection(client_context(pki), sock)
        client.set_connect_state()
        client.do_handshake()
        assert client.get_peer_certificate().get_subject().CN == "localhost"
        client.sendall(b"pyossl\n")
        got = b""
        while b"lssoyp" not in got:
            got += client.recv(1024)
        sock.close()
    finally:
        proc.kill()
        proc.communicate(timeout=TIMEOUT)


@needs_cli
@pytest.mark.parametrize("tls13", [False, True])
def test_openssl_s_client_pyossl_server(pki, tls13):
    if tls13 and GEN == 0:
        pytest.skip("1.0.2 has no TLS 1.3")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    args = [OPENSSL_CLI, "s_client", "-connect", "127.0.0.1:%d" % port,
            "-CAfile", pki.ca_cert, "-verify_return_error", "-quiet",
            "-tls1_3" if tls13 else "-tls1_2"]
    proc = subprocess.Popen(args, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=_cli_env())
    try:
        listener.settimeout(TIMEOUT)
        sock, _ = listener.accept()
        sock.settimeout(None)
        server = SSL.Connection(server_context(pki), sock)
        server.set_accept_state()
        server.do_handshake()
        assert server.get_protocol_version_name() == \
            ("TLSv1.3" if tls13 else "TLSv1.2")
        server.sendall(b"hello from pyossl\n")
        proc.stdin.write(b"hello from s_client\n")
        proc.stdin.flush()
        got = b""
        while b"\n" not in got:
            got += server.recv(1024)
        assert got == b"hello from s_client\n"
        server.shutdown()
        sock.close()
        out, err = proc.communicate(timeout=TIMEOUT)
        assert b"hello from pyossl" in out
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=TIMEOUT)
        listener.close()
