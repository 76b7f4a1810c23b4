#!/usr/bin/env python3
"""Micro-benchmarks of pyossl, pyOpenSSL and stdlib ``ssl`` (run on demand,
not a test; tests/test_bench_smoke.py runs every workload once, tiny).

Workloads (the keys of :data:`WORKLOADS`):

* ``hs13`` / ``hs12``: full TLS 1.3 / TLS 1.2 handshakes over memory BIOs
  (a new client and server connection each time; RSA-2048 server
  certificate; the client does not verify);
* ``res12``: resumed TLS 1.2 handshakes (session ticket from one earlier
  handshake; the client closes with ``shutdown()``, as a client that wants
  its session to stay resumable must);
* ``bulk``: 16 KiB application writes client -> server (MB/s, 10**6 bytes);
* ``rtt``: 64-byte round trips (client send, server recv and send back,
  client recv);
* ``x509_*``: certificate accessors on one loaded certificate (7 subject
  entries, 6 extensions): ``get_subject().get_components()``,
  ``digest("sha256")``, ``dump_certificate(FILETYPE_PEM, cert)``,
  ``get_notAfter()``, ``get_extension_count()``, ``get_extension(i)``
  (i cycling over all extensions), ``get_pubkey()``.

Implementations (``--impl``, comma separated):

* ``pyossl``: ``pyossl.SSL`` / ``pyossl.crypto``;
* ``pyopenssl``: the same code on ``OpenSSL.SSL`` / ``OpenSSL.crypto`` (run
  it where pyOpenSSL is installed);
* ``stdlib``: ``ssl.SSLContext.wrap_bio`` with ``ssl.MemoryBIO`` (TLS
  workloads only: the stdlib has no certificate object).

Each workload is checked once (results compared with values computed
without the library under test), warmed up, then timed ``--repeats`` times;
with several implementations in one process the repeats are interleaved
(round robin) so a load change hits all of them.

``--mem`` instead measures the memory of connections (RSS delta per
connection, fresh and after a handshake, and the Python objects' share from
``tracemalloc``).

Output: a summary on stderr and, with ``--json FILE`` (``-`` = stdout), the
results as JSON.  ``benchmarks/run`` runs everything (with the C limit,
``benchmarks/climit.c``) and prints the ratio table; see
benchmarks/README.md.

The key exchange group is not set here (pyOpenSSL has no API for it):
``benchmarks/run`` pins every library to X25519 with an ``OPENSSL_CONF``
file; the first flight size (``hello_bytes``) and, where the library can
say, the negotiated group are reported so the pinning can be checked.
"""

import argparse
import base64
import gc
import hashlib
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import warnings

CACHE = os.path.join(os.path.expanduser("~"), ".cache", "pyossl-bench")

BULK_CHUNK = 16384
RTT_SIZE = 64
BIO_BUFSIZ = 65536      # what a typical memory-BIO user passes to bio_read

#: The clock of every measurement: CPU time of this process by default (on a
#: shared machine, time spent waiting for a CPU is not counted); ``--clock
#: wall`` switches to ``time.perf_counter``.
clock = time.process_time

#: key -> (label, unit, iterations per repeat at --scale 1, factor for the
#: C program, which needs more iterations to last long enough to time).
WORKLOADS = {
    "hs13": ("full TLS 1.3 handshakes", "handshakes/s", 100, 1),
    "hs12": ("full TLS 1.2 handshakes", "handshakes/s", 100, 1),
    "res12": ("resumed TLS 1.2 handshakes", "handshakes/s", 300, 1),
    "bulk": ("bulk, 16 KiB records", "MB/s", 5000, 1),
    "rtt": ("64-byte round trips", "round trips/s", 5000, 4),
    "x509_components": ("X509.get_subject().get_components()", "calls/s",
                        5000, 50),
    "x509_digest": ('X509.digest("sha256")', "calls/s", 5000, 10),
    "x509_pem": ("dump_certificate(FILETYPE_PEM)", "calls/s", 10000, 4),
    "x509_notafter": ("X509.get_notAfter()", "calls/s", 20000, 10),
    "x509_extcount": ("X509.get_extension_count()", "calls/s", 200000, 50),
    "x509_ext": ("X509.get_extension(i)", "calls/s", 20000, 10),
    "x509_pubkey": ("X509.get_pubkey()", "calls/s", 20000, 200),
}
TLS_WORKLOADS = ("hs13", "hs12", "res12", "bulk", "rtt")
X509_WORKLOADS = tuple(k for k in WORKLOADS if k.startswith("x509_"))

# The benchmark certificate: a subject of 7 entries and 6 extensions, so the
# accessors have realistic work to do.
SUBJECT = [(b"C", b"US"), (b"ST", b"California"), (b"L", b"San Francisco"),
           (b"O", b"Example Benchmark Org"), (b"OU", b"Performance"),
           (b"CN", b"bench.example"), (b"emailAddress", b"bench@example.org")]
EXTENSIONS = {b"subjectKeyIdentifier", b"authorityKeyIdentifier",
              b"basicConstraints", b"subjectAltName", b"keyUsage",
              b"extendedKeyUsage"}


def default_cert():
    return (os.path.join(CACHE, "bench-cert.pem"),
            os.path.join(CACHE, "bench-key.pem"))


CERT_CONFIG = """\
[req]
distinguished_name = dn
x509_extensions = v3
prompt = no
[dn]
%s
[v3]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
basicConstraints = critical, CA:FALSE
subjectAltName = DNS:bench.example, DNS:www.bench.example, IP:127.0.0.1
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
"""


def make_cert(cert, key):
    """Create the self-signed RSA-2048 benchmark certificate with the
    ``openssl`` command (once; later runs reuse the files).  Its own
    configuration file makes it the same whatever OPENSSL_CONF says."""
    if os.path.exists(cert) and os.path.exists(key):
        return
    os.makedirs(os.path.dirname(os.path.abspath(cert)), exist_ok=True)
    tmp_cert, tmp_key, tmp_conf = cert + ".tmp", key + ".tmp", cert + ".cnf"
    with open(tmp_conf, "w") as f:
        f.write(CERT_CONFIG % "\n".join(
            "%s = %s" % (k.decode(), v.decode()) for k, v in SUBJECT))
    env = dict(os.environ)
    env.pop("LD_LIBRARY_PATH", None)    # the command's own OpenSSL
    try:
        subprocess.check_call(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
             "-keyout", tmp_key, "-out", tmp_cert, "-days", "3650",
             "-config", tmp_conf],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    finally:
        os.unlink(tmp_conf)
    os.replace(tmp_key, key)
    os.replace(tmp_cert, cert)


def pem_to_der(pem):
    body = pem.split(b"-----BEGIN CERTIFICATE-----")[1].split(
        b"-----END CERTIFICATE-----")[0]
    return base64.b64decode(body)


def rss_kib():
    with open("/proc/self/statm") as f:
        resident = int(f.read().split()[1])
    return resident * os.sysconf("SC_PAGE_SIZE") // 1024


# ---------------------------------------------------------------- OpenSSL API
class OpenSSLAPI(object):
    """pyossl and pyOpenSSL: the same code, only the modules differ.

    :param data_version: the protocol of the ``bulk``/``rtt`` connection
        and of the memory measurement: "1.3", "1.2" or "auto" (1.3 where
        the build has it, else 1.2; ``info["data_version"]`` says which).
    """

    def __init__(self, name, SSL, crypto, cert, key, data_version="auto"):
        self.name = name
        self.SSL = SSL
        self.crypto = crypto
        self.cert_path = cert
        self.key_path = key
        self.server_ctx = {}
        self.client_ctx = {}
        self.unsupported = {}
        for label, const in (("1.2", "TLS1_2_VERSION"),
                             ("1.3", "TLS1_3_VERSION")):
            version = getattr(SSL, const, None)
            if version is None:
                self.unsupported[label] = "no SSL.%s on %s" % (
                    const, self.library_version())
                continue
            sctx = SSL.Context(SSL.TLS_METHOD)
            sctx.use_certificate_file(cert)
            sctx.use_privatekey_file(key)
            sctx.set_min_proto_version(version)
            sctx.set_max_proto_version(version)
            cctx = SSL.Context(SSL.TLS_METHOD)
            cctx.set_verify(SSL.VERIFY_NONE)
            cctx.set_min_proto_version(version)
            cctx.set_max_proto_version(version)
            self.server_ctx[label] = sctx
            self.client_ctx[label] = cctx
        with open(cert, "rb") as f:
            self.pem = f.read()
        self.cert = crypto.load_certificate(crypto.FILETYPE_PEM, self.pem)
        self.session12 = None
        self.data_pair = None
        if data_version == "auto":
            data_version = "1.2" if "1.3" in self.unsupported else "1.3"
        self.data_version = data_version
        self.info = {"data_version": data_version}

    def library_version(self):
        SSL = self.SSL
        if hasattr(SSL, "OpenSSL_version"):
            v = SSL.OpenSSL_version(SSL.OPENSSL_VERSION)
        else:
            v = SSL.SSLeay_version(SSL.SSLEAY_VERSION)
        return v.decode("ascii", "replace")

    def workloads(self):
        """{key: reason} of the workloads this build cannot run."""
        skip = {}
        for key, label in (("hs13", "1.3"), ("hs12", "1.2"),
                           ("res12", "1.2")):
            if label in self.unsupported:
                skip[key] = self.unsupported[label]
        for key in ("bulk", "rtt"):
            if self.data_version in self.unsupported:
                skip[key] = self.unsupported[self.data_version]
        for key, method in (("x509_ext", "get_extension"),
                            ("x509_extcount", "get_extension_count")):
            if not hasattr(self.crypto.X509, method):
                # pyOpenSSL removed X509.get_extension in 24.3.
                skip[key] = "%s %s has no X509.%s" % (
                    self.name, self.version(), method)
        return skip

    def version(self):
        module = sys.modules[self.SSL.__name__.rsplit(".", 1)[0]]
        return getattr(module, "__version__", "")

    def setup(self):
        """Make the long-lived connection and the session to resume;
        record the first flight size and the negotiated group."""
        if self.data_version not in self.unsupported:
            client, server = self._new(self.data_version)
            try:
                client.do_handshake()
            except self.SSL.WantReadError:
                pass
            hello = client.bio_read(BIO_BUFSIZ)
            server.bio_write(hello)
            self.info["hello_bytes"] = len(hello)
            self._handshake(client, server)
            self._settle(client, server)
            get_group = getattr(client, "get_group_name", None)
            try:
                group = get_group() if get_group is not None else None
            except NotImplementedError:     # pyossl on 1.0.2/1.1.0
                group = None
            if group is not None:
                self.info["group"] = (group.decode() if isinstance(
                    group, bytes) else group)
            self.data_pair = client, server
        if "1.2" not in self.unsupported:
            client, server = self._new("1.2")
            self._handshake(client, server)
            self.session12 = client.get_session()
            client.shutdown()

    def _new(self, label):
        Connection = self.SSL.Connection
        client = Connection(self.client_ctx[label], None)
        client.set_connect_state()
        server = Connection(self.server_ctx[label], None)
        server.set_accept_state()
        return client, server

    def _pump(self, src, dst):
        """Move what *src* wrote to *dst*; return the number of bytes."""
        WantReadError = self.SSL.WantReadError
        moved = 0
        while True:
            try:
                data = src.bio_read(BIO_BUFSIZ)
            except WantReadError:
                return moved
            dst.bio_write(data)
            moved += len(data)

    def _handshake(self, client, server):
        """Run the handshake; return the bytes the server sent."""
        WantReadError = self.SSL.WantReadError
        pump = self._pump
        cdone = sdone = False
        from_server = 0
        while not (cdone and sdone):
            if not cdone:
                try:
                    client.do_handshake()
                    cdone = True
                except WantReadError:
                    pass
            pump(client, server)
            if not sdone:
                try:
                    server.do_handshake()
                    sdone = True
                except WantReadError:
                    pass
            from_server += pump(server, client)
        return from_server

    def _settle(self, client, server):
        WantReadError = self.SSL.WantReadError
        for conn in (client, server):
            try:
                conn.recv(1)
            except WantReadError:
                pass
            else:
                raise AssertionError("unexpected application data")
        self._pump(client, server)
        self._pump(server, client)

    # --- TLS workloads
    def hs13(self, n, check=False):
        return self._full("1.3", n)

    def hs12(self, n, check=False):
        return self._full("1.2", n)

    def _full(self, label, n):
        new = self._new
        handshake = self._handshake
        t0 = clock()
        for _ in range(n):
            client, server = new(label)
            handshake(client, server)
        return clock() - t0

    def res12(self, n, check=False):
        new = self._new
        handshake = self._handshake
        session = self.session12
        t0 = clock()
        for _ in range(n):
            client, server = new("1.2")
            client.set_session(session)
            sent = handshake(client, server)
            if check:
                reused = getattr(client, "session_reused", None)
                if sent > 600 or (reused is not None and not reused()):
                    raise AssertionError(
                        "TLS 1.2 session not resumed (%d bytes)" % sent)
            client.shutdown()
        return clock() - t0

    def bulk(self, n, check=False):
        client, server = self.data_pair
        WantReadError = self.SSL.WantReadError
        chunk = b"x" * BULK_CHUNK
        send = client.send
        cread = client.bio_read
        swrite = server.bio_write
        recv = server.recv
        t0 = clock()
        for _ in range(n):
            send(chunk)
            while True:
                try:
                    swrite(cread(BIO_BUFSIZ))
                except WantReadError:
                    break
            got = 0
            while got < BULK_CHUNK:
                data = recv(BULK_CHUNK)
                got += len(data)
                if check and data != chunk[:len(data)]:
                    raise AssertionError("bulk data differs")
        return clock() - t0

    def rtt(self, n, check=False):
        client, server = self.data_pair
        WantReadError = self.SSL.WantReadError
        msg = b"p" * RTT_SIZE
        csend, crecv = client.send, client.recv
        cread, cwrite = client.bio_read, client.bio_write
        ssend, srecv = server.send, server.recv
        sread, swrite = server.bio_read, server.bio_write
        t0 = clock()
        for _ in range(n):
            csend(msg)
            while True:
                try:
                    swrite(cread(BIO_BUFSIZ))
                except WantReadError:
                    break
            data = srecv(RTT_SIZE)
            ssend(data)
            while True:
                try:
                    cwrite(sread(BIO_BUFSIZ))
                except WantReadError:
                    break
            back = crecv(RTT_SIZE)
            if check and back != msg:
                raise AssertionError("round trip data differs")
        return clock() - t0

    # --- certificate accessors
    def x509_components(self, n, check=False):
        cert = self.cert
        t0 = clock()
        for _ in range(n):
            components = cert.get_subject().get_components()
        elapsed = clock() - t0
        if check and components != SUBJECT:
            raise AssertionError("get_components: %r" % (components,))
        return elapsed

    def x509_digest(self, n, check=False):
        cert = self.cert
        t0 = clock()
        for _ in range(n):
            digest = cert.digest("sha256")
        elapsed = clock() - t0
        if check:
            want = hashlib.sha256(pem_to_der(self.pem)).hexdigest().upper()
            want = ":".join(want[i:i + 2] for i in range(0, len(want), 2))
            if digest != want.encode():
                raise AssertionError("digest: %r" % (digest,))
        return elapsed

    def x509_pem(self, n, check=False):
        cert = self.cert
        dump = self.crypto.dump_certificate
        PEM = self.crypto.FILETYPE_PEM
        t0 = clock()
        for _ in range(n):
            pem = dump(PEM, cert)
        elapsed = clock() - t0
        if check and pem_to_der(pem) != pem_to_der(self.pem):
            raise AssertionError("dump_certificate: %r" % (pem,))
        return elapsed

    def x509_notafter(self, n, check=False):
        cert = self.cert
        t0 = clock()
        for _ in range(n):
            when = cert.get_notAfter()
        elapsed = clock() - t0
        if check and not re.match(rb"^\d{14}Z$", when or b""):
            raise AssertionError("get_notAfter: %r" % (when,))
        return elapsed

    def x509_extcount(self, n, check=False):
        cert = self.cert
        t0 = clock()
        for _ in range(n):
            count = cert.get_extension_count()
        elapsed = clock() - t0
        if check and count != len(EXTENSIONS):
            raise AssertionError("get_extension_count: %r" % (count,))
        return elapsed

    def x509_ext(self, n, check=False):
        cert = self.cert
        get = cert.get_extension
        count = len(EXTENSIONS)
        indexes = range(count)
        t0 = clock()
        for _ in range(max(1, n // count)):
            for i in indexes:
                ext = get(i)
        elapsed = clock() - t0
        if check:
            names = {get(i).get_short_name() for i in indexes}
            if names != EXTENSIONS or not isinstance(
                    ext, self.crypto.X509Extension):
                raise AssertionError("get_extension: %r" % (names,))
        return elapsed * n / (max(1, n // count) * count)

    def x509_pubkey(self, n, check=False):
        cert = self.cert
        t0 = clock()
        for _ in range(n):
            key = cert.get_pubkey()
        elapsed = clock() - t0
        if check and key.bits() != 2048:
            raise AssertionError("get_pubkey: %r bits" % (key.bits(),))
        return elapsed

    # --- memory
    def idle_connection(self):
        conn = self.SSL.Connection(self.client_ctx[self.data_version], None)
        conn.set_connect_state()
        return conn

    def established_pair(self):
        client, server = self._new(self.data_version)
        self._handshake(client, server)
        self._settle(client, server)
        return client, server


# ------------------------------------------------------------------ stdlib
class StdlibAPI(object):
    def __init__(self, cert, key, data_version="auto"):
        import ssl
        self.ssl = ssl
        self.name = "stdlib"
        if data_version == "auto":
            data_version = "1.3" if ssl.HAS_TLSv1_3 else "1.2"
        self.data_version = data_version
        versions = {"1.2": ssl.TLSVersion.TLSv1_2,
                    "1.3": ssl.TLSVersion.TLSv1_3}
        self.server_ctx = {}
        self.client_ctx = {}
        for label, version in versions.items():
            sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            sctx.load_cert_chain(cert, key)
            sctx.minimum_version = sctx.maximum_version = version
            cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            cctx.check_hostname = False
            cctx.verify_mode = ssl.CERT_NONE
            cctx.minimum_version = cctx.maximum_version = version
            self.server_ctx[label] = sctx
            self.client_ctx[label] = cctx
        self.info = {"data_version": data_version}

    def library_version(self):
        return self.ssl.OPENSSL_VERSION

    def workloads(self):
        return {key: "the stdlib has no certificate object"
                for key in X509_WORKLOADS}

    def setup(self):
        c, s = self._new(self.data_version)
        try:
            c[0].do_handshake()
        except self.ssl.SSLWantReadError:
            pass
        self.info["hello_bytes"] = c[2].pending
        self._handshake(c, s)
        WantRead = self.ssl.SSLWantReadError
        for obj, _, _ in (c, s):
            try:
                obj.read(1)
            except WantRead:
                pass
            else:
                raise AssertionError("unexpected application data")
        if c[2].pending:
            s[1].write(c[2].read())
        if s[2].pending:
            c[1].write(s[2].read())
        self.data_pair = c, s
        c, s = self._new("1.2")
        self._handshake(c, s)
        self.session12 = c[0].session
        self._close(c[0])

    def _new(self, label, session=None):
        MemoryBIO = self.ssl.MemoryBIO
        cin, cout, sin, sout = MemoryBIO(), MemoryBIO(), MemoryBIO(), \
            MemoryBIO()
        client = self.client_ctx[label].wrap_bio(cin, cout, server_side=False,
                                                 session=session)
        server = self.server_ctx[label].wrap_bio(sin, sout, server_side=True)
        return (client, cin, cout), (server, sin, sout)

    def _handshake(self, c, s):
        WantRead = self.ssl.SSLWantReadError
        client, cin, cout = c
        server, sin, sout = s
        cdone = sdone = False
        from_server = 0
        while not (cdone and sdone):
            if not cdone:
                try:
                    client.do_handshake()
                    cdone = True
                except WantRead:
                    pass
            if cout.pending:
                sin.write(cout.read())
            if not sdone:
                try:
                    server.do_handshake()
                    sdone = True
                except WantRead:
                    pass
            if sout.pending:
                data = sout.read()
                from_server += len(data)
                cin.write(data)
        return from_server

    def _close(self, client):
        try:
            client.unwrap()
        except self.ssl.SSLWantReadError:
            pass    # close_notify sent; the peer's is not awaited

    def hs13(self, n, check=False):
        return self._full("1.3", n)

    def hs12(self, n, check=False):
        return self._full("1.2", n)

    def _full(self, label, n):
        new = self._new
        handshake = self._handshake
        t0 = clock()
        for _ in range(n):
            c, s = new(label)
            handshake(c, s)
        return clock() - t0

    def res12(self, n, check=False):
        new = self._new
        handshake = self._handshake
        close = self._close
        session = self.session12
        t0 = clock()
        for _ in range(n):
            c, s = new("1.2", session)
            sent = handshake(c, s)
            if check and (sent > 600 or not c[0].session_reused):
                raise AssertionError(
                    "TLS 1.2 session not resumed (%d bytes)" % sent)
            close(c[0])
        return clock() - t0

    def bulk(self, n, check=False):
        (client, cin, cout), (server, sin, sout) = self.data_pair
        chunk = b"x" * BULK_CHUNK
        write = client.write
        cread = cout.read
        swrite = sin.write
        read = server.read
        t0 = clock()
        for _ in range(n):
            write(chunk)
            swrite(cread())
            got = 0
            while got < BULK_CHUNK:
                data = read(BULK_CHUNK)
                got += len(data)
                if check and data != chunk[:len(data)]:
                    raise AssertionError("bulk data differs")
        return clock() - t0

    def rtt(self, n, check=False):
        (client, cin, cout), (server, sin, sout) = self.data_pair
        msg = b"p" * RTT_SIZE
        cwrite, cread = client.write, client.read
        swrite, sread = server.write, server.read
        cout_read, cin_write = cout.read, cin.write
        sout_read, sin_write = sout.read, sin.write
        t0 = clock()
        for _ in range(n):
            cwrite(msg)
            sin_write(cout_read())
            data = sread(RTT_SIZE)
            swrite(data)
            cin_write(sout_read())
            back = cread(RTT_SIZE)
            if check and back != msg:
                raise AssertionError("round trip data differs")
        return clock() - t0

    def idle_connection(self):
        MemoryBIO = self.ssl.MemoryBIO
        return self.client_ctx[self.data_version].wrap_bio(
            MemoryBIO(), MemoryBIO(), server_side=False)

    def established_pair(self):
        c, s = self._new(self.data_version)
        self._handshake(c, s)
        return c, s


# ------------------------------------------------------------------ driver
def load(impl, cert, key, data_version="auto"):
    if impl == "stdlib":
        return StdlibAPI(cert, key, data_version)
    if impl == "pyossl":
        from pyossl import SSL, crypto
        return OpenSSLAPI("pyossl", SSL, crypto, cert, key, data_version)
    if impl == "pyopenssl":
        from OpenSSL import SSL, crypto
        return OpenSSLAPI("pyopenssl", SSL, crypto, cert, key, data_version)
    raise SystemExit("unknown implementation %r" % impl)


def iterations(key, scale, factor=1):
    return max(1, int(WORKLOADS[key][2] * scale * factor))


def stats(key, n, times):
    """Rates from the per-repeat times of *n* iterations of *key*."""
    unit = WORKLOADS[key][1]
    per = n * BULK_CHUNK / 1e6 if key == "bulk" else n
    return {"unit": unit, "iterations": n, "repeats": len(times),
            "best": per / min(times), "median": per / statistics.median(times),
            "us_per_op_best": min(times) / n * 1e6, "times": list(times)}


def measure(apis, keys, repeats, scale):
    """Check, warm up, then time every workload of every API.

    Returns {impl: {"results": {key: stats}, "skipped": {key: reason}}}.
    """
    plan = {}
    for api in apis:
        skip = api.workloads()
        api.setup()
        plan[api.name] = [k for k in keys if k not in skip]
        for key in plan[api.name]:
            run = getattr(api, key)
            run(min(iterations(key, 0.01), 3), check=True)
            run(max(1, iterations(key, scale) // 20))
    times = {api.name: {k: [] for k in plan[api.name]} for api in apis}
    for _ in range(repeats):
        for key in keys:
            for api in apis:
                if key in plan[api.name]:
                    times[api.name][key].append(
                        getattr(api, key)(iterations(key, scale)))
    results = {}
    for api in apis:
        skip = api.workloads()
        out = {k: stats(k, iterations(k, scale), times[api.name][k])
               for k in plan[api.name]}
        results[api.name] = {
            "openssl": api.library_version(), "results": out,
            "skipped": {k: skip[k] for k in keys if k in skip},
            "info": api.info}
    return results


def _libc():
    """glibc's malloc_trim and mallinfo2 through ctypes (None elsewhere)."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
            "fsmblks", "uordblks", "fordblks", "keepcost")]
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
        libc.malloc_trim.restype = ctypes.c_int
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
    except (OSError, AttributeError):
        return None
    return libc


class _Snapshot(object):
    """RSS and bytes in use by malloc now; before the first snapshot of a
    step the free heap is returned to the system (``malloc_trim``), so
    memory the allocator reuses is counted when it is touched again."""

    def __init__(self, libc, trim=False):
        gc.collect()
        if libc is not None and trim:
            libc.malloc_trim(0)
        self.rss = rss_kib()
        self.malloc = None
        if libc is not None:
            info = libc.mallinfo2()
            self.malloc = (info.uordblks + info.hblkhd) / 1024.0

    def per(self, before, n):
        out = {"rss": (self.rss - before.rss) / n}
        if self.malloc is not None:
            out["malloc"] = (self.malloc - before.malloc) / n
        return out


def measure_memory(api, n_idle, n_pairs):
    """KiB per connection: RSS delta for *n_idle* fresh client connections,
    then (those kept alive) for *n_pairs* connected pairs, each measured
    from a trimmed heap; the same as bytes in use by malloc (OpenSSL's
    allocations and Python's large ones); and the Python objects' share
    of a fresh connection (``tracemalloc``)."""
    import tracemalloc
    libc = _libc()
    for _ in range(3):          # warm-up: lazily built tables, allocator
        api.established_pair()
        api.idle_connection()
    before = _Snapshot(libc, trim=True)
    idle = [api.idle_connection() for _ in range(n_idle)]
    after = _Snapshot(libc)
    per = after.per(before, n_idle)
    out = {"idle": per["rss"], "idle_malloc": per.get("malloc"),
           "n_idle": n_idle}
    before = _Snapshot(libc, trim=True)
    pairs = [api.established_pair() for _ in range(n_pairs)]
    after = _Snapshot(libc)
    per = after.per(before, 2 * n_pairs)
    out.update({"established": per["rss"],
                "established_malloc": per.get("malloc"),
                "n_established": 2 * n_pairs})
    n_traced = max(1, n_idle // 5)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    traced = [api.idle_connection() for _ in range(n_traced)]
    gc.collect()
    out["idle_python"] = (tracemalloc.get_traced_memory()[0] - base) / (
        1024.0 * n_traced)
    tracemalloc.stop()
    del idle, pairs, traced
    return out


def extra_versions(impls):
    info = {"python": sys.version.split()[0],
            "implementation": platform.python_implementation()}
    if "pyopenssl" in impls:
        import OpenSSL
        info["pyopenssl"] = OpenSSL.__version__
        try:
            import cryptography
            info["cryptography"] = cryptography.__version__
        except ImportError:
            pass
    if "pyossl" in impls:
        from pyossl import version
        info["pyossl"] = version.__version__
    return info


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--impl", default="pyossl,stdlib",
                        help="comma separated: pyossl, pyopenssl, stdlib")
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help="comma separated subset of: %s" % ", ".join(
                            WORKLOADS))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the work per repeat")
    parser.add_argument("--data-version", default="auto",
                        choices=("auto", "1.3", "1.2"),
                        help="TLS version of bulk, rtt and --mem (auto: "
                        "1.3 where the build has it)")
    parser.add_argument("--mem", nargs=2, type=int,
                        metavar=("N_IDLE", "N_PAIRS"),
                        help="measure memory per connection instead")
    cert, key = default_cert()
    parser.add_argument("--cert", default=cert)
    parser.add_argument("--key", default=key)
    parser.add_argument("--json", help="write results as JSON here (- = "
                        "stdout)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="time.process_time (default) or perf_counter")
    args = parser.parse_args(argv)
    global clock
    clock = time.process_time if args.clock == "cpu" else time.perf_counter

    # pyOpenSSL warns on every get_subject() call: the warnings machinery
    # still runs (that cost is pyOpenSSL's), the text is not printed.
    warnings.simplefilter("ignore", DeprecationWarning)
    make_cert(args.cert, args.key)
    impls = [i.strip() for i in args.impl.split(",") if i.strip()]
    apis = [load(i, args.cert, args.key, args.data_version) for i in impls]
    t0 = time.perf_counter()
    if args.mem:
        results = {api.name: {"openssl": api.library_version(),
                              "memory": measure_memory(api, *args.mem)}
                   for api in apis}
    else:
        keys = [k.strip() for k in args.workloads.split(",") if k.strip()]
        unknown = set(keys) - set(WORKLOADS)
        if unknown:
            parser.error("unknown workloads: %s" % ", ".join(sorted(unknown)))
        results = measure(apis, keys, args.repeats, args.scale)
    report = {"versions": extra_versions(impls), "impls": results,
              "clock": args.clock,
              "wall_seconds": time.perf_counter() - t0,
              "loadavg": list(os.getloadavg())}
    for impl, data in results.items():
        sys.stderr.write("%s (%s)\n" % (impl, data["openssl"]))
        for k, r in data.get("results", {}).items():
            sys.stderr.write("  %-16s best %12.1f  median %12.1f  %s\n" % (
                k, r["best"], r["median"], r["unit"]))
        for k, reason in data.get("skipped", {}).items():
            sys.stderr.write("  %-16s skipped: %s\n" % (k, reason))
        for k, v in data.get("memory", {}).items():
            sys.stderr.write("  memory %-14s %8.2f\n" % (k, v))
    if args.json == "-":
        json.dump(report, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
