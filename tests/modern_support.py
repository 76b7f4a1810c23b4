"""Helpers for the tests of the modern (pyOpenSSL 2x) API: DTLS over memory
BIOs and UDP, ``openssl`` peers, and checks of the "not on this build"
errors.

Imported as ``from modern_support import ...`` (pytest puts ``tests/`` on
``sys.path``).
"""

import re
import select
import socket
import subprocess
import time

from conftest import OPENSSL_CLI
from openssl_peers import cli_env, needs_cli  # noqa: F401  (re-exported)
from pyossl import SSL
from ssl_helpers import TIMEOUT

LARGE = 65536

#: The loaded build's version, e.g. ``"1.0.2q"`` or ``"3.0.19"``.
BUILD_VERSION = re.search(
    rb"OpenSSL (\S+)", SSL.SSLeay_version(SSL.SSLEAY_VERSION)).group(
        1).decode("ascii")

def assert_needs(excinfo, version):
    """*excinfo* is a ``NotImplementedError`` whose message names the
    OpenSSL version the feature needs and the loaded build."""
    message = str(excinfo.value)
    assert excinfo.type is NotImplementedError
    assert version in message, message
    assert BUILD_VERSION in message, message


# ------------------------------------------------------------------ DTLS --

COOKIE = b"pyossl-cookie"


def dtls_server_context(pki, cookies=True, srtp=None):
    ctx = SSL.Context(SSL.DTLS_METHOD)
    ctx.use_certificate_file(pki.server_cert)
    ctx.use_privatekey_file(pki.server_key)
    ctx.set_options(SSL.OP_NO_QUERY_MTU)
    if cookies:
        ctx.set_cookie_generate_callback(lambda conn: COOKIE)
        ctx.set_cookie_verify_callback(lambda conn, cookie: cookie == COOKIE)
    if srtp is not None:
        ctx.set_tlsext_use_srtp(srtp)
    return ctx


def dtls_client_context(pki, verify=True, srtp=None):
    ctx = SSL.Context(SSL.DTLS_METHOD)
    ctx.set_options(SSL.OP_NO_QUERY_MTU)
    if verify:
        ctx.load_verify_locations(pki.ca_cert)
        ctx.set_verify(SSL.VERIFY_PEER)
    if srtp is not None:
        ctx.set_tlsext_use_srtp(srtp)
    return ctx


def dtls_memory_pair(server_ctx, client_ctx, mtu=1500):
    """A DTLS server and client over memory BIOs.  OpenSSL cannot ask a
    memory BIO for the path MTU: it is set explicitly (with
    ``OP_NO_QUERY_MTU`` in the contexts)."""
    server = SSL.Connection(server_ctx, None)
    server.set_accept_state()
    client = SSL.Connection(client_ctx, None)
    client.set_connect_state()
    server.set_ciphertext_mtu(mtu)
    client.set_ciphertext_mtu(mtu)
    return server, client


class DatagramPipe(object):
    """Moves datagrams between two memory-BIO connections, recording them.

    ``bio_read`` on a memory BIO returns every pending byte, which for DTLS
    is one or more whole records: delivering that chunk as one datagram is
    what a UDP socket would do with a flight written at once.
    """

    def __init__(self, server, client):
        self.server = server
        self.client = client
        self.log = []                 # (direction, bytes)
        self.last_client_hello = None

    def move(self, source, sink, label):
        try:
            chunk = source.bio_read(LARGE)
        except SSL.WantReadError:
            return False
        if not chunk:
            return False
        if label == "c->s" and chunk[0] == 22 and chunk[13] == 1:
            self.last_client_hello = chunk
        self.log.append((label, chunk))
        sink.bio_write(chunk)
        return True

    def pump(self):
        moved = False
        while (self.move(self.client, self.server, "c->s")
               or self.move(self.server, self.client, "s->c")):
            moved = True
        return moved


def dtls_handshake_memory(server, client, listen=True, rounds=40):
    """Run a DTLS handshake; with *listen*, the server first waits in
    ``DTLSv1_listen`` for a ClientHello with a valid cookie.

    :return: the :class:`DatagramPipe` used.
    """
    pipe = DatagramPipe(server, client)
    listening = listen
    done = {server: False, client: False}
    for _ in range(rounds):
        if not done[client]:
            try:
                client.do_handshake()
                done[client] = True
            except SSL.WantReadError:
                pass
        pipe.pump()
        if listening:
            try:
                server.DTLSv1_listen()
            except SSL.WantReadError:
                pass
            else:
                listening = False
                # Builds whose DTLSv1_listen only peeks leave the ClientHello
                # to be read again; a duplicate is harmless on the others
                # (DTLS discards retransmissions).
                server.bio_write(pipe.last_client_hello)
        if not listening and not done[server]:
            try:
                server.do_handshake()
                done[server] = True
            except SSL.WantReadError:
                pass
        pipe.pump()
        if all(done.values()):
            return pipe
    raise AssertionError("DTLS handshake did not finish")


def dtls_transfer(sender, receiver, data):
    sender.send(data)
    moved = sender.bio_read(LARGE)
    receiver.bio_write(moved)
    return receiver.recv(LARGE)


def drive_dtls(conn, sock, op, deadline=TIMEOUT):
    """Call *op* until it stops raising ``WantReadError``/``WantWriteError``
    on the non-blocking UDP socket *sock*, waiting with ``select`` no longer
    than :meth:`~pyossl.SSL.Connection.DTLSv1_get_timeout` says and calling
    :meth:`~pyossl.SSL.Connection.DTLSv1_handle_timeout` when it expires
    (the retransmission loop a DTLS application runs).

    :return: what *op* returned.
    """
    end = time.monotonic() + deadline
    while True:
        try:
            return op()
        except SSL.WantReadError:
            readable = True
        except SSL.WantWriteError:
            readable = False
        left = end - time.monotonic()
        if left <= 0:
            raise AssertionError("DTLS operation timed out")
        wait = conn.DTLSv1_get_timeout()
        wait = left if wait is None else min(wait, left)
        if readable:
            ready = select.select([sock], [], [], wait)[0]
        else:
            ready = select.select([], [sock], [], wait)[1]
        if not ready:
            conn.DTLSv1_handle_timeout()


def udp_pair():
    """Two UDP sockets on loopback, each connected to the other."""
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(("127.0.0.1", 0))
    b.bind(("127.0.0.1", 0))
    a.connect(b.getsockname())
    b.connect(a.getsockname())
    a.setblocking(False)
    b.setblocking(False)
    return a, b


# --------------------------------------------------------------- openssl --

def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class OpenSSLProcess(object):
    """An ``openssl`` command run as a peer; killed on exit."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(
            [OPENSSL_CLI] + [str(a) for a in args], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=cli_env())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate(timeout=TIMEOUT)

    def finish(self, stdin=b""):
        """Close stdin, wait, return all output."""
        out, _ = self.proc.communicate(stdin, timeout=TIMEOUT)
        return out

    def wait_for_line(self, marker):
        """Read output lines until one contains *marker*; return them."""
        lines = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError("openssl exited before %r: %r"
                                     % (marker, b"".join(lines)))
            lines.append(line)
            if marker in line:
                return b"".join(lines)

    def wait_for_tcp(self, port):
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port),
                                                timeout=TIMEOUT)
                sock.settimeout(None)
                return sock
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.05)
