"""The ``openssl`` command as a real TLS peer (``s_server``/``s_client``).

Shared by the ClientHello and PSK tests.  The command is the system's
(``LD_LIBRARY_PATH`` removed), whatever build pyossl loaded: it is a separate
process, so any build can talk to it.  ``s_server`` listens on port 0 and
the port it got is read from its ``ACCEPT`` line, so there is no race for a
free port.
"""

import contextlib
import os
import socket
import subprocess

import pytest

from conftest import OPENSSL_CLI
from ssl_helpers import TIMEOUT

needs_cli = pytest.mark.skipif(OPENSSL_CLI is None,
                               reason="the openssl command is not installed")


def cli_env():
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)
    return env


def _stop(proc):
    if proc.poll() is None:
        proc.kill()
    try:
        return proc.communicate(timeout=TIMEOUT)
    except ValueError:                  # a pipe was already read to the end
        proc.wait(TIMEOUT)
        return None, None


@contextlib.contextmanager
def s_server(*args):
    """Run ``openssl s_server <args>`` for one connection.

    Yields ``(proc, port)``; ``proc.stdout`` holds what the server printed
    after its ``ACCEPT`` line (stderr is merged into it).
    """
    proc = subprocess.Popen(
        [OPENSSL_CLI, "s_server", "-accept", "127.0.0.1:0", "-naccept", "1"]
        + [str(a) for a in args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, env=cli_env())
    try:
        seen = []
        while True:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError("s_server did not start: %r" % (
                    b"".join(seen),))
            seen.append(line)
            if line.startswith(b"ACCEPT"):
                port = int(line.strip().rsplit(b":", 1)[1])
                break
        yield proc, port
    finally:
        _stop(proc)


def connect(port):
    """A blocking TCP socket connected to ``127.0.0.1:port``."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    sock.settimeout(None)
    return sock


@contextlib.contextmanager
def s_client(*args):
    """A listening socket and ``openssl s_client <args>`` connecting to it.

    Yields ``(proc, sock)``: *sock* is the accepted (blocking) connection.
    """
    listener = socket.socket()
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        proc = subprocess.Popen(
            [OPENSSL_CLI, "s_client", "-connect", "127.0.0.1:%d" % port]
            + [str(a) for a in args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=cli_env())
        try:
            listener.settimeout(TIMEOUT)
            sock, _ = listener.accept()
            sock.settimeout(None)
            try:
                yield proc, sock
            finally:
                sock.close()
        finally:
            _stop(proc)
    finally:
        listener.close()


def read_line(conn):
    """Read from a pyossl connection until a newline arrives."""
    got = b""
    while b"\n" not in got:
        got += conn.recv(1024)
    return got
