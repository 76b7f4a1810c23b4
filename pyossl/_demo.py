"""The handshake shown by ``python -m pyossl``.

Makes a CA and a server certificate in memory (RSA 2048, SHA-256), then runs
a real TLS handshake over a loopback TCP connection between two pyossl
connections -- the client verifying the server against that CA -- exchanges
data both ways and shuts down cleanly.
"""

import socket
import threading
import time
from typing import Any, Dict, TextIO

_TIMEOUT = 30.0


def _certificate(crypto, subject_cn, key, issuer=None, issuer_key=None,
                 serial=1, extensions=()):
    cert = crypto.X509()
    cert.set_version(2)
    cert.set_serial_number(serial)
    cert.get_subject().CN = subject_cn
    cert.get_subject().O = "pyossl demo"
    cert.set_issuer((issuer or cert).get_subject())
    cert.gmtime_adj_notBefore(-60)
    cert.gmtime_adj_notAfter(24 * 3600)
    cert.set_pubkey(key)
    if extensions:
        cert.add_extensions(list(extensions))
    cert.sign(issuer_key or key, "sha256")
    return cert


def make_pki():
    """A CA and a server certificate for ``localhost``, made in memory.

    :return: ``(ca_cert, server_cert, server_key)``.
    """
    from pyossl import crypto

    ca_key = crypto.PKey()
    ca_key.generate_key(crypto.TYPE_RSA, 2048)
    ca = _certificate(crypto, "pyossl demo CA", ca_key, extensions=[
        crypto.X509Extension(b"basicConstraints", True, b"CA:TRUE"),
        crypto.X509Extension(b"keyUsage", True, b"keyCertSign, cRLSign")])
    server_key = crypto.PKey()
    server_key.generate_key(crypto.TYPE_RSA, 2048)
    server = _certificate(
        crypto, "localhost", server_key, issuer=ca, issuer_key=ca_key,
        serial=2, extensions=[
            crypto.X509Extension(b"basicConstraints", False, b"CA:FALSE"),
            crypto.X509Extension(b"subjectAltName", False,
                                 b"DNS:localhost, IP:127.0.0.1")])
    return ca, server, server_key


def _loopback_pair():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        client = socket.create_connection(listener.getsockname(),
                                          timeout=_TIMEOUT)
        listener.settimeout(_TIMEOUT)
        server, _ = listener.accept()
    finally:
        listener.close()
    client.settimeout(None)
    server.settimeout(None)
    return server, client


def run_handshake() -> Dict[str, Any]:
    """Run the demonstration handshake and describe it.

    :return: a JSON-ready dict: ``ok`` (bool), ``error`` (text or
        ``None``), ``certificates_seconds``, and after a handshake
        ``protocol``, ``cipher``, ``cipher_bits``, ``handshake_ms``,
        ``peer_subject``, ``reply`` and ``clean_shutdown``.
    """
    from pyossl import SSL

    result = {"ok": False, "error": None}  # type: Dict[str, Any]
    started = time.monotonic()
    try:
        ca, server_cert, server_key = make_pki()
    except Exception as exc:                  # noqa: B902 - reported
        result["error"] = "could not make certificates: %r" % (exc,)
        return result
    result["certificates_seconds"] = round(time.monotonic() - started, 3)

    server_ctx = SSL.Context(SSL.TLS_METHOD)
    server_ctx.use_certificate(server_cert)
    server_ctx.use_privatekey(server_key)
    server_ctx.check_privatekey()
    client_ctx = SSL.Context(SSL.TLS_METHOD)
    store = client_ctx.get_cert_store()
    assert store is not None
    store.add_cert(ca)
    client_ctx.set_verify(SSL.VERIFY_PEER)

    server_sock, client_sock = _loopback_pair()
    server = SSL.Connection(server_ctx, server_sock)
    server.set_accept_state()
    client = SSL.Connection(client_ctx, client_sock)
    client.set_tlsext_host_name(b"localhost")
    client.set_connect_state()

    outcome = {}  # type: Dict[str, Any]

    def serve() -> None:
        try:
            server.do_handshake()
            request = server.recv(1024)
            server.sendall(b"pong: " + request)
            try:
                server.recv(1024)               # the client's close_notify
            except SSL.ZeroReturnError:
                pass
            server.shutdown()
            outcome["ok"] = True
        except Exception as exc:              # noqa: B902 - reported
            outcome["error"] = exc

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        client.do_handshake()
        elapsed = time.monotonic() - started
        client.sendall(b"ping")
        reply = client.recv(1024)
        client.shutdown()
        try:
            client.recv(1024)                   # the server's close_notify
        except SSL.ZeroReturnError:
            pass
        thread.join(_TIMEOUT)
        if "error" in outcome:
            raise outcome["error"]
        if thread.is_alive():
            raise RuntimeError("the server side did not finish")
        peer_cert = client.get_peer_certificate()
        if peer_cert is None:
            raise RuntimeError("the server sent no certificate")
        result.update(
            protocol=client.get_protocol_version_name(),
            cipher=client.get_cipher_name(),
            cipher_bits=client.get_cipher_bits(),
            handshake_ms=round(elapsed * 1000, 1),
            peer_subject=", ".join(
                "%s=%s" % (k.decode(), v.decode())
                for k, v in peer_cert.get_subject().get_components()),
            reply=reply.decode("ascii", "replace"),
            clean_shutdown=True)
        result["ok"] = reply == b"pong: ping"
        if not result["ok"]:
            result["error"] = "unexpected reply %r" % (reply,)
    except Exception as exc:                  # noqa: B902 - reported
        result["error"] = repr(exc)
    finally:
        server_sock.close()
        client_sock.close()
    return result


def handshake(out: TextIO) -> int:
    """Run the demonstration handshake, printing to *out*.

    :param out: A text stream.
    :return: The exit status (0 on success).
    """
    result = run_handshake()
    if "certificates_seconds" not in result:
        out.write("handshake:     %s\n" % (result["error"],))
        return 1
    out.write("certificates:  CA and server (RSA 2048, SHA-256) made in "
              "memory in %.2f s\n" % result["certificates_seconds"])
    if "protocol" not in result:
        out.write("handshake:     FAILED: %s\n" % (result["error"],))
        return 1
    out.write("handshake:     %s over loopback TCP in %.1f ms, verified "
              "against the in-memory CA\n"
              % (result["protocol"], result["handshake_ms"]))
    out.write("protocol:      %s\n" % result["protocol"])
    out.write("cipher:        %s (%s bits)\n" % (result["cipher"],
                                                  result["cipher_bits"]))
    out.write("peer subject:  %s\n" % result["peer_subject"])
    out.write("data:          sent b'ping', received %r\n"
              % (result["reply"].encode("ascii", "replace"),))
    out.write("shutdown:      clean (close_notify both ways)\n")
    if not result["ok"]:
        out.write("handshake:     FAILED: %s\n" % (result["error"],))
    return 0 if result["ok"] else 1
