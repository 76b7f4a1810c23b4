"""Real pyOpenSSL clients on pyossl, through ``pyossl.install_as_openssl()``.

urllib3 (``urllib3.contrib.pyopenssl``), requests on top of it, Twisted's
``twisted.internet.ssl``, trustme and service_identity, as installed from
PyPI, against real servers on loopback: the standard library's ``ssl``
module, Twisted's own TLS server, and pyossl connections.  Each test runs
its program in a child interpreter (the switch changes ``sys.modules`` for
good); the child uses the build under test.  A client that is not
installed skips its tests (``pip install -e '.[test]'`` installs them).
"""

import importlib.util
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def requires(*modules):
    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    return pytest.mark.skipif(
        bool(missing), reason="%s not installed (pip install -e '.[test]')"
        % ", ".join(missing))


def urllib3_2():
    try:
        from importlib import metadata
        major = int(metadata.version("urllib3").split(".")[0])
    except Exception:
        return pytest.mark.skip(reason="urllib3 not installed")
    return pytest.mark.skipif(major < 2, reason="urllib3 2.x is needed, "
                              "%d.x is installed" % major)


# What every program starts with: the switch, then a PKI from trustme.
PRELUDE = r'''
import atexit, json, os, socket, ssl, sys, tempfile, threading
import pyossl
pyossl.install_as_openssl()
import pyossl.SSL, pyossl.crypto
import trustme

TMP = tempfile.mkdtemp()
# The programs' server threads (stdlib ssl), stopped and joined before the
# interpreter exits: a server thread still inside OpenSSL when the process
# exits races libcrypto's exit handler (OPENSSL_cleanup frees what it uses);
# PyPy, which lets such a daemon thread run on, crashed there (SIGSEGV,
# about 1 program in 8).
SERVERS, SERVER_THREADS = [], []


def server_thread(target, *args):
    thread = threading.Thread(target=target, args=args, daemon=True)
    SERVER_THREADS.append(thread)
    thread.start()
    return thread


@atexit.register
def stop_servers():
    for server in SERVERS:
        server.shutdown()
        server.server_close()
    for thread in SERVER_THREADS:
        thread.join(10)


def write(blob, name):
    path = os.path.join(TMP, name)
    blob.write_to_path(path)
    return path


def raises(exc_types, func, *args, **kwargs):
    try:
        func(*args, **kwargs)
    except exc_types as exc:
        return exc
    raise AssertionError("%s did not raise %s" % (func, exc_types))


def stdlib_https_server(leaf, client_ca=None):
    """An HTTPS server (stdlib ssl) on loopback answering JSON about the
    connection: ALPN, TLS version, the client certificate's subject."""
    import http.server

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(ctx)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    if client_ca is not None:
        ctx.verify_mode = ssl.CERT_REQUIRED
        client_ca.configure_trust(ctx)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            peer = self.connection.getpeercert()
            body = json.dumps({
                "path": self.path,
                "alpn": self.connection.selected_alpn_protocol(),
                "version": self.connection.version(),
                "client": dict(x[0] for x in peer["subject"]) if peer
                          else None,
            }).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def process_request(self, request, client_address):
            # HTTP/1.0 (the handler's default): the thread ends with its
            # request.
            server_thread(self.process_request_thread, request,
                          client_address)

    server = Server(("127.0.0.1", 0), Handler)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    SERVERS.append(server)
    server_thread(server.serve_forever)
    return server.server_address[1]
'''


def run_program(body, setup="", switch=True, timeout=180):
    """Run PRELUDE, *setup* and *body* (indented) in a child interpreter;
    assert it succeeds; return its stdout.  ``switch=False`` leaves out
    ``pyossl.install_as_openssl()``."""
    prelude = PRELUDE
    if not switch:
        prelude = prelude.replace("pyossl.install_as_openssl()",
                                  "pass  # no switch")
    code = prelude + setup + textwrap.dedent(body)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [ROOT] + [p for p in [env.get("PYTHONPATH")] if p])
    proc = subprocess.run([sys.executable, "-c", code], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


# ------------------------------------------------------------- urllib3 --

URLLIB3_SETUP = r'''
import urllib3
import urllib3.contrib.pyopenssl as contrib
from urllib3.exceptions import SSLError, MaxRetryError, ProtocolError
contrib.inject_into_urllib3()
assert urllib3.util.ssl_.IS_PYOPENSSL
assert urllib3.util.ssl_.SSLContext is contrib.PyOpenSSLContext
'''


@requires("urllib3", "trustme")
@urllib3_2()
def test_urllib3_verified_get_and_alpn():
    out = run_program(setup=URLLIB3_SETUP, body=r'''
    ca = trustme.CA()
    port = stdlib_https_server(ca.issue_cert("localhost"))
    cafile = write(ca.cert_pem, "ca.pem")
    http = urllib3.PoolManager(ca_certs=cafile, timeout=30)
    r = http.request("GET", "https://localhost:%d/hello" % port,
                     retries=False)
    got = json.loads(r.data)
    assert r.status == 200 and got["path"] == "/hello", got
    assert got["alpn"] == "http/1.1", got         # urllib3 offers http/1.1

    # The connection underneath is a pyossl Connection, seen both ways.
    from urllib3.connection import HTTPSConnection
    conn = HTTPSConnection("localhost", port, ca_certs=cafile,
                           cert_reqs="CERT_REQUIRED", timeout=30)
    conn.connect()
    assert isinstance(conn.sock, contrib.WrappedSocket)
    assert isinstance(conn.sock.connection, pyossl.SSL.Connection)
    assert conn.sock.selected_alpn_protocol() == "http/1.1"
    assert conn.sock.version() == got["version"]
    peer = conn.sock.getpeercert()
    assert ("DNS", "localhost") in peer["subjectAltName"], peer
    assert conn.is_verified
    conn.close()
    print("ok", got["version"])
    ''')
    assert out.startswith("ok TLSv1.")


@requires("urllib3", "trustme")
@urllib3_2()
def test_urllib3_rejects_untrusted_and_mismatched_servers():
    run_program(setup=URLLIB3_SETUP, body=r'''
    ca = trustme.CA()
    port = stdlib_https_server(ca.issue_cert("localhost"))
    good = write(ca.cert_pem, "ca.pem")
    other = write(trustme.CA().cert_pem, "other.pem")

    # A server whose CA the client does not trust.
    exc = raises(SSLError, urllib3.PoolManager(ca_certs=other).request,
                 "GET", "https://localhost:%d/" % port, retries=False)
    assert "certificate verify failed" in str(exc), exc

    # A trusted certificate for another name: by address, and by a
    # server_hostname the certificate does not carry.
    exc = raises(SSLError, urllib3.PoolManager(ca_certs=good).request,
                 "GET", "https://127.0.0.1:%d/" % port, retries=False)
    assert "127.0.0.1" in str(exc) and "match" in str(exc), exc
    pool = urllib3.PoolManager(ca_certs=good, server_hostname="example.org")
    exc = raises(SSLError, pool.request, "GET",
                 "https://localhost:%d/" % port, retries=False)
    assert "example.org" in str(exc), exc

    # With verification off the same request goes through.
    r = urllib3.PoolManager(cert_reqs="CERT_NONE").request(
        "GET", "https://127.0.0.1:%d/" % port, retries=False)
    assert r.status == 200
    ''')


@requires("urllib3", "trustme", "cryptography")
@urllib3_2()
def test_urllib3_client_certificates():
    run_program(setup=URLLIB3_SETUP, body=r'''
    from cryptography.hazmat.primitives import serialization
    ca = trustme.CA()
    clients = trustme.CA()
    port = stdlib_https_server(ca.issue_cert("localhost"), client_ca=clients)
    cafile = write(ca.cert_pem, "ca.pem")
    client = clients.issue_cert("client.example.org",
                                common_name="client.example.org")
    certfile = write(client.cert_chain_pems[0], "client.pem")
    keyfile = write(client.private_key_pem, "client.key")
    http = urllib3.PoolManager(ca_certs=cafile, cert_file=certfile,
                               key_file=keyfile)
    got = json.loads(http.request("GET", "https://localhost:%d/" % port,
                                  retries=False).data)
    assert got["client"]["commonName"] == "client.example.org", got

    # An encrypted key with its password (urllib3 sets a passphrase
    # callback on the pyossl context).
    key = serialization.load_pem_private_key(client.private_key_pem.bytes(),
                                             None)
    encrypted = os.path.join(TMP, "client-enc.key")
    with open(encrypted, "wb") as f:
        f.write(key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.BestAvailableEncryption(b"s3cret")))
    http = urllib3.PoolManager(ca_certs=cafile, cert_file=certfile,
                               key_file=encrypted, key_password="s3cret")
    got = json.loads(http.request("GET", "https://localhost:%d/" % port,
                                  retries=False).data)
    assert got["client"]["commonName"] == "client.example.org", got
    raises(SSLError, urllib3.PoolManager(
        ca_certs=cafile, cert_file=certfile, key_file=encrypted,
        key_password="wrong").request,
        "GET", "https://localhost:%d/" % port, retries=False)

    # No client certificate: the server refuses (during the handshake, or
    # with TLS 1.3 at the first read).
    raises((SSLError, ProtocolError, MaxRetryError),
           urllib3.PoolManager(ca_certs=cafile).request,
           "GET", "https://localhost:%d/" % port, retries=False)
    ''')


# ------------------------------------------------------------ requests --


@requires("requests", "urllib3", "trustme")
@urllib3_2()
def test_requests_on_pyossl():
    run_program(setup=URLLIB3_SETUP, body=r'''
    import requests, requests.help
    from pyossl import _dropin
    ca = trustme.CA()
    clients = trustme.CA()
    port = stdlib_https_server(ca.issue_cert("localhost"))
    mutual = stdlib_https_server(ca.issue_cert("localhost"),
                                 client_ca=clients)
    cafile = write(ca.cert_pem, "ca.pem")
    client = clients.issue_cert("client.example.org",
                                common_name="client.example.org")
    pair = (write(client.cert_chain_pems[0], "c.pem"),
            write(client.private_key_pem, "c.key"))

    with requests.Session() as session:
        r = session.get("https://localhost:%d/x" % port, verify=cafile)
        assert r.status_code == 200 and r.json()["path"] == "/x"
        r = session.get("https://localhost:%d/" % mutual, verify=cafile,
                        cert=pair)
        assert r.json()["client"]["commonName"] == "client.example.org"
    exc = raises(requests.exceptions.SSLError, requests.get,
                 "https://localhost:%d/" % port,
                 verify=write(trustme.CA().cert_pem, "other.pem"))
    assert "certificate verify failed" in str(exc), exc
    raises(requests.exceptions.SSLError, requests.get,
           "https://127.0.0.1:%d/" % port, verify=cafile)

    # requests' bug-report helper sees pyossl standing in for pyOpenSSL.
    info = requests.help.info()["pyOpenSSL"]
    assert info["version"] == _dropin.COMPAT_VERSION, info
    assert info["openssl_version"] == "%x" % pyossl.SSL.OPENSSL_VERSION_NUMBER
    ''')


# ------------------------------------------------------------- Twisted --

TWISTED_SETUP = r'''
from twisted.internet import defer, protocol, ssl as tssl
from twisted.internet.task import react
from OpenSSL import SSL, crypto


class Echo(protocol.Protocol):
    def dataReceived(self, data):
        self.transport.write(data)


class Client(protocol.Protocol):
    def connectionMade(self):
        self.transport.write(b"ping")

    def dataReceived(self, data):
        peer = self.transport.getPeerCertificate()
        self.factory.result.callback(
            (data, self.transport.negotiatedProtocol, peer))
        self.transport.loseConnection()

    def connectionLost(self, reason):
        if not self.factory.result.called:
            self.factory.result.errback(reason)


@defer.inlineCallbacks
def attempt(reactor, port, options):
    """Connect, send b"ping"; ("ok", (echo, alpn, peer)) or ("error", exc)."""
    factory = protocol.ClientFactory.forProtocol(Client)
    factory.result = defer.Deferred()
    reactor.connectSSL("127.0.0.1", port, factory, options)
    try:
        value = yield factory.result
    except Exception as exc:
        return ("error", exc)
    return ("ok", value)


client_tls = tssl.optionsForClientTLS


def listen(reactor, options):
    port = reactor.listenSSL(0, protocol.Factory.forProtocol(Echo), options,
                             interface="127.0.0.1")
    return port, port.getHost().port
'''


@requires("twisted", "trustme", "service_identity")
def test_twisted_tls_echo_with_verification():
    out = run_program(setup=TWISTED_SETUP, body=r'''
    import service_identity

    ca = trustme.CA()
    server = tssl.PrivateCertificate.loadPEM(
        ca.issue_cert("localhost").private_key_and_cert_chain_pem.bytes())
    trust = tssl.Certificate.loadPEM(ca.cert_pem.bytes())
    untrusted = tssl.Certificate.loadPEM(trustme.CA().cert_pem.bytes())

    @defer.inlineCallbacks
    def main(reactor):
        options = tssl.CertificateOptions(
            privateKey=server.privateKey.original,
            certificate=server.original,
            acceptableProtocols=[b"h2", b"http/1.1"],
            raiseMinimumTo=tssl.TLSVersion.TLSv1_2)
        assert isinstance(options.getContext(), pyossl.SSL.Context)
        port, number = listen(reactor, options)
        try:
            # Verified, with ALPN; the peer certificate is a pyossl X509.
            kind, value = yield attempt(reactor, number, client_tls(
                "localhost", trustRoot=trust,
                acceptableProtocols=[b"spdy/3", b"http/1.1"]))
            assert kind == "ok", value
            data, alpn, peer = value
            assert data == b"ping" and alpn == b"http/1.1", value
            assert isinstance(peer, pyossl.crypto.X509)
            assert isinstance(peer, crypto.X509)

            # Certificate from a CA the client does not trust: the handshake
            # fails with OpenSSL.SSL.Error, which is pyossl's class.
            kind, exc = yield attempt(reactor, number, client_tls(
                "localhost", trustRoot=untrusted))
            assert kind == "error" and isinstance(exc, pyossl.SSL.Error), exc
            assert "certificate verify failed" in str(exc), exc

            # A trusted certificate for another name: service_identity
            # (inside Twisted) rejects it.
            kind, exc = yield attempt(reactor, number, client_tls(
                "example.org", trustRoot=trust))
            assert kind == "error", exc
            assert isinstance(exc, service_identity.VerificationError), exc
        finally:
            yield port.stopListening()
        print("ok")

    react(main)
    ''')
    assert out.strip().endswith("ok")


@requires("twisted", "trustme", "service_identity")
def test_twisted_client_certificates():
    out = run_program(setup=TWISTED_SETUP, body=r'''
    ca = trustme.CA()
    clients = trustme.CA()
    server = tssl.PrivateCertificate.loadPEM(
        ca.issue_cert("localhost").private_key_and_cert_chain_pem.bytes())
    client = tssl.PrivateCertificate.loadPEM(clients.issue_cert(
        "client.example.org", common_name="client.example.org"
    ).private_key_and_cert_chain_pem.bytes())
    trust = tssl.Certificate.loadPEM(ca.cert_pem.bytes())
    client_trust = tssl.Certificate.loadPEM(clients.cert_pem.bytes())

    seen = []

    class Recorder(Echo):
        def dataReceived(self, data):
            seen.append(self.transport.getPeerCertificate())
            Echo.dataReceived(self, data)

    @defer.inlineCallbacks
    def main(reactor):
        # The server requires a certificate from the clients' CA
        # (CertificateOptions with a trustRoot: verify, and require one).
        options = tssl.CertificateOptions(
            privateKey=server.privateKey.original,
            certificate=server.original, trustRoot=client_trust)
        port = reactor.listenSSL(
            0, protocol.Factory.forProtocol(Recorder), options,
            interface="127.0.0.1")
        number = port.getHost().port
        try:
            kind, value = yield attempt(reactor, number, client_tls(
                "localhost", trustRoot=trust, clientCertificate=client))
            assert kind == "ok", value
            assert seen and seen[0].get_subject().CN == "client.example.org"
            assert type(seen[0]).__module__ == "OpenSSL.crypto"

            kind, exc = yield attempt(reactor, number, client_tls(
                "localhost", trustRoot=trust))
            assert kind == "error", exc
        finally:
            yield port.stopListening()
        print("ok")

    react(main)
    ''')
    assert out.strip().endswith("ok")


# -------------------------------------------------------------- trustme --


def cryptography_objects_refused():
    """The Context methods trustme calls with ``cryptography`` objects that
    this pyossl refuses (pyOpenSSL 26.x accepts them all)."""
    import trustme
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import (
        load_pem_private_key)
    from pyossl import SSL
    leaf = trustme.CA().issue_cert("localhost")
    key = load_pem_private_key(leaf.private_key_pem.bytes(), None)
    cert = x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes())
    refused = []
    for method, argument in (("use_privatekey", key),
                             ("use_certificate", cert),
                             ("add_extra_chain_cert", cert)):
        try:
            getattr(SSL.Context(SSL.TLS_METHOD), method)(argument)
        except TypeError:
            refused.append(method)
    return refused


@requires("trustme", "cryptography")
@pytest.mark.parametrize("key_type", ["RSA", "ECDSA"])
def test_trustme_configures_pyossl_contexts(key_type, request):
    refused = cryptography_objects_refused()
    if refused:
        request.applymarker(pytest.mark.xfail(
            strict=True, reason="pyossl refuses cryptography objects in %s "
            "(the modern-API issue adds them)" % ", ".join(refused)))
    run_program(r'''
    from OpenSSL import SSL, crypto

    key_type = trustme.KeyType.%s
    expected = {"RSA": crypto.TYPE_RSA, "ECDSA": crypto.TYPE_EC}[key_type.name]
    root = trustme.CA(key_type=key_type)
    intermediate = root.create_child_ca(key_type=key_type)
    server = intermediate.issue_cert("localhost", key_type=key_type)
    client = root.issue_cert("client.example.org", key_type=key_type,
                             common_name="client.example.org")

    def context(leaf, verify):
        ctx = SSL.Context(SSL.TLS_METHOD)
        leaf.configure_cert(ctx)      # use_privatekey, use_certificate,
        root.configure_trust(ctx)     # add_extra_chain_cert; get_cert_store
        ctx.set_verify(verify, lambda conn, cert, errno, depth, ok: ok)
        return ctx

    def handshake(client_ctx, server_ctx):
        a, b = socket.socketpair()
        server_conn = SSL.Connection(server_ctx, a)
        server_conn.set_accept_state()
        client_conn = SSL.Connection(client_ctx, b)
        client_conn.set_connect_state()
        client_conn.set_tlsext_host_name(b"localhost")
        errors = []

        def serve():
            try:
                server_conn.do_handshake()
                server_conn.sendall(server_conn.recv(100))
            except Exception as exc:
                errors.append(exc)
            finally:
                a.close()

        thread = threading.Thread(target=serve)
        thread.start()
        try:
            client_conn.do_handshake()
            client_conn.sendall(b"hello")
            assert client_conn.recv(100) == b"hello"
        finally:
            thread.join()
            b.close()
        return client_conn, server_conn, errors

    server_ctx = context(server, SSL.VERIFY_PEER
                         | SSL.VERIFY_FAIL_IF_NO_PEER_CERT)
    client_ctx = context(client, SSL.VERIFY_PEER)
    c, s, errors = handshake(client_ctx, server_ctx)
    assert not errors, errors
    chain = c.get_peer_cert_chain()                 # leaf + intermediate
    assert len(chain) == 2, chain
    pem = crypto.load_certificate(crypto.FILETYPE_PEM,
                                  intermediate.cert_pem.bytes())
    assert chain[1].digest("sha256") == pem.digest("sha256")
    assert c.get_peer_certificate().get_pubkey().type() == expected
    assert s.get_peer_certificate().get_subject().CN == "client.example.org"

    # trust from another CA: the client refuses the server.
    other = trustme.CA(key_type=key_type)
    stranger = SSL.Context(SSL.TLS_METHOD)
    other.configure_trust(stranger)
    stranger.set_verify(SSL.VERIFY_PEER, lambda *args: args[-1])
    exc = raises(SSL.Error, handshake, stranger, server_ctx)
    assert "certificate verify failed" in str(exc), exc

    # A pyossl server configured by trustme, a stdlib ssl client.
    a, b = socket.socketpair()
    server_conn = SSL.Connection(server_ctx, a)
    server_conn.set_accept_state()
    stdlib = ssl.create_default_context()
    root.configure_trust(stdlib)
    client.configure_cert(stdlib)
    thread = threading.Thread(target=server_conn.do_handshake)
    thread.start()
    with stdlib.wrap_socket(b, server_hostname="localhost") as tls:
        thread.join()
        assert tls.getpeercert()["subject"]
    a.close()

    # Not a context at all: trustme's own refusal.
    raises(TypeError, root.configure_trust, object())
    print("ok")
    ''' % key_type)


# ---------------------------------------------------- service_identity --


@requires("service_identity", "trustme", "cryptography")
@pytest.mark.parametrize("switch", [True, False], ids=["switch", "no-switch"])
def test_service_identity_on_live_pyossl_connections(switch):
    # service_identity duck-types its connection, so it works on pyossl
    # connections with the switch and without it.  The names verified have
    # two labels or more: service_identity before 26.1.0 raises ValueError
    # (not VerificationError) when it matches a one-label name such as
    # "localhost" against a wildcard pattern of the certificate
    # (pyca/service-identity#92, fixed in 26.1.0, which needs cryptography
    # 47: PyPy 3.9 and CPython 3.8 get 24.x).
    out = run_program(switch=switch, body=r'''
    import service_identity
    from service_identity import (CertificateError, VerificationError,
                                  pyopenssl as si)
    from service_identity.hazmat import DNSPattern, IPAddressPattern
    SSL, crypto = pyossl.SSL, pyossl.crypto

    def stdlib_server(certfile, keyfile):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(certfile, keyfile)
        listener = socket.create_server(("127.0.0.1", 0))

        def serve():
            with listener:
                conn, _ = listener.accept()
                try:
                    with ctx.wrap_socket(conn, server_side=True) as tls:
                        tls.recv(10)
                except OSError:
                    pass

        server_thread(serve)
        return listener.getsockname()[1]

    def connect(port, cafile=None):
        ctx = SSL.Context(SSL.TLS_METHOD)
        if cafile:
            ctx.load_verify_locations(cafile.encode())
            ctx.set_verify(SSL.VERIFY_PEER, lambda *args: args[-1])
        sock = socket.create_connection(("127.0.0.1", port))
        conn = SSL.Connection(ctx, sock)
        conn.set_connect_state()
        conn.set_tlsext_host_name(b"server.test")
        conn.do_handshake()
        return conn

    ca = trustme.CA()
    leaf = ca.issue_cert("server.test", "127.0.0.1", "*.example.org")
    port = stdlib_server(write(leaf.cert_chain_pems[0], "leaf.pem"),
                         write(leaf.private_key_pem, "leaf.key"))
    conn = connect(port, write(ca.cert_pem, "ca.pem"))
    assert isinstance(conn, pyossl.SSL.Connection)

    si.verify_hostname(conn, "server.test")
    si.verify_hostname(conn, "www.example.org")          # wildcard
    raises(VerificationError, si.verify_hostname, conn, "example.net")
    raises(VerificationError, si.verify_hostname, conn, "a.b.example.org")
    si.verify_ip_address(conn, "127.0.0.1")
    exc = raises(VerificationError, si.verify_ip_address, conn, "10.0.0.1")
    assert "10.0.0.1" in str(exc), exc
    patterns = si.extract_patterns(conn.get_peer_certificate())
    assert any(isinstance(p, DNSPattern) for p in patterns), patterns
    assert any(isinstance(p, IPAddressPattern) for p in patterns), patterns
    conn.sendall(b"bye")
    conn.close()

    # A certificate without subjectAltName, made with OpenSSL.crypto.
    key = crypto.PKey()
    key.generate_key(crypto.TYPE_RSA, 2048)
    cert = crypto.X509()
    cert.get_subject().CN = "server.test"
    cert.set_serial_number(7)
    cert.gmtime_adj_notBefore(0)
    cert.gmtime_adj_notAfter(3600)
    cert.set_issuer(cert.get_subject())
    cert.set_pubkey(key)
    cert.sign(key, "sha256")
    assert si.extract_patterns(cert) == []
    certfile = os.path.join(TMP, "nosan.pem")
    keyfile = os.path.join(TMP, "nosan.key")
    with open(certfile, "wb") as f:
        f.write(crypto.dump_certificate(crypto.FILETYPE_PEM, cert))
    with open(keyfile, "wb") as f:
        f.write(crypto.dump_privatekey(crypto.FILETYPE_PEM, key))
    conn = connect(stdlib_server(certfile, keyfile))
    raises(CertificateError, si.verify_hostname, conn, "server.test")
    conn.sendall(b"bye")
    conn.close()
    if getattr(sys.modules.get("OpenSSL"), "__pyossl_dropin__", False):
        assert sys.modules["OpenSSL.SSL"] is pyossl.SSL
    print("ok")
    ''')
    assert out.strip() == "ok"
