#!/usr/bin/env python3
"""Micro-benchmarks of TLS over memory BIOs (run on demand, not a test).

Measures, for each implementation named with ``--impl``:

* ``hs12`` / ``hs13``: full TLS 1.2 / TLS 1.3 handshakes per second (a new
  client and server connection each time, no session resumption; the
  RSA-2048 server certificate is made once and cached);
* ``bulk``: 16 KiB application writes client -> server, in MB/s
  (1 MB = 10**6 bytes), TLS 1.3;
* ``rtt``: 64-byte round trips per second (client send, server recv and
  send back, client recv), TLS 1.3.

Implementations:

* ``pyossl``: ``pyossl.SSL.Connection(ctx, None)`` with bio_read/bio_write;
* ``pyopenssl``: the same code with ``OpenSSL.SSL`` (run it in an
  environment where pyOpenSSL is installed);
* ``stdlib``: ``ssl.SSLContext.wrap_bio`` with ``ssl.MemoryBIO``.

Each measurement is warmed up, then repeated; the best and the median
repeat are reported.  With several implementations in one run, repeats are
interleaved (round robin) so a load change on the machine hits all of them.

Output: a human readable summary on stderr and, with ``--json FILE``
(``-`` for stdout), the results as JSON.  See benchmarks/README.md; the
driver ``benchmarks/run`` runs everything and prints the ratio table.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

CACHE = os.path.join(os.path.expanduser("~"), ".cache", "pyossl-bench")

BULK_CHUNK = 16384
RTT_SIZE = 64
BIO_BUFSIZ = 65536      # what a typical memory-BIO user passes to bio_read

# Work per repeat (scaled by --scale).
N_HANDSHAKES = 100
N_BULK = 5000           # 5000 * 16 KiB = 81.9 MB
N_RTT = 10000


def make_cert(cert, key):
    """Create a self-signed RSA-2048 certificate with the openssl command
    (once; later runs reuse the files)."""
    if os.path.exists(cert) and os.path.exists(key):
        return
    os.makedirs(os.path.dirname(cert), exist_ok=True)
    subprocess.check_call(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-keyout", key, "-out", cert, "-days", "3650",
         "-subj", "/CN=bench.example"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ---------------------------------------------------------------- OpenSSL API
class OpenSSLAPI(object):
    """pyossl and pyOpenSSL: the same code, only the module differs."""

    def __init__(self, name, SSL, cert, key):
        self.name = name
        self.SSL = SSL
        self.versions = {
            "1.2": SSL.TLS1_2_VERSION, "1.3": SSL.TLS1_3_VERSION}
        self.server_ctx = {}
        self.client_ctx = {}
        for label, version in self.versions.items():
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

    def library_version(self):
        SSL = self.SSL
        if hasattr(SSL, "OpenSSL_version"):
            v = SSL.OpenSSL_version(SSL.OPENSSL_VERSION)
        else:
            v = SSL.SSLeay_version(SSL.SSLEAY_VERSION)
        return v.decode("ascii", "replace")

    def pair(self, label):
        """A connected (client, server) pair, handshake done."""
        client, server = self._new(label)
        self._handshake(client, server)
        # Let each side see what is in flight (TLS 1.3 session tickets).
        self._settle(client, server)
        return client, server

    def _new(self, label):
        Connection = self.SSL.Connection
        client = Connection(self.client_ctx[label], None)
        client.set_connect_state()
        server = Connection(self.server_ctx[label], None)
        server.set_accept_state()
        return client, server

    def _pump(self, src, dst):
        WantReadError = self.SSL.WantReadError
        while True:
            try:
                data = src.bio_read(BIO_BUFSIZ)
            except WantReadError:
                return
            dst.bio_write(data)

    def _handshake(self, client, server):
        WantReadError = self.SSL.WantReadError
        pump = self._pump
        cdone = sdone = False
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
            pump(server, client)

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

    def handshakes(self, label, n):
        new = self._new
        handshake = self._handshake
        t0 = time.perf_counter()
        for _ in range(n):
            client, server = new(label)
            handshake(client, server)
        return time.perf_counter() - t0

    def bulk(self, pair, n, check=False):
        client, server = pair
        WantReadError = self.SSL.WantReadError
        chunk = b"x" * BULK_CHUNK
        send = client.send
        cread = client.bio_read
        swrite = server.bio_write
        recv = server.recv
        t0 = time.perf_counter()
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
        return time.perf_counter() - t0

    def rtt(self, pair, n, check=False):
        client, server = pair
        WantReadError = self.SSL.WantReadError
        msg = b"p" * RTT_SIZE
        csend, crecv = client.send, client.recv
        cread, cwrite = client.bio_read, client.bio_write
        ssend, srecv = server.send, server.recv
        sread, swrite = server.bio_read, server.bio_write
        t0 = time.perf_counter()
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
        return time.perf_counter() - t0


# ------------------------------------------------------------------ stdlib
class StdlibAPI(object):
    def __init__(self, cert, key):
        import ssl
        self.ssl = ssl
        self.name = "stdlib"
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

    def library_version(self):
        return self.ssl.OPENSSL_VERSION

    def _new(self, label):
        MemoryBIO = self.ssl.MemoryBIO
        cin, cout, sin, sout = MemoryBIO(), MemoryBIO(), MemoryBIO(), \
            MemoryBIO()
        client = self.client_ctx[label].wrap_bio(cin, cout, server_side=False)
        server = self.server_ctx[label].wrap_bio(sin, sout, server_side=True)
        return (client, cin, cout), (server, sin, sout)

    def _handshake(self, c, s):
        WantRead = self.ssl.SSLWantReadError
        client, cin, cout = c
        server, sin, sout = s
        cdone = sdone = False
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
                cin.write(sout.read())

    def pair(self, label):
        c, s = self._new(label)
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
        return c, s

    def handshakes(self, label, n):
        new = self._new
        handshake = self._handshake
        t0 = time.perf_counter()
        for _ in range(n):
            c, s = new(label)
            handshake(c, s)
        return time.perf_counter() - t0

    def bulk(self, pair, n, check=False):
        (client, cin, cout), (server, sin, sout) = pair
        chunk = b"x" * BULK_CHUNK
        write = client.write
        cread = cout.read
        swrite = sin.write
        read = server.read
        t0 = time.perf_counter()
        for _ in range(n):
            write(chunk)
            swrite(cread())
            got = 0
            while got < BULK_CHUNK:
                data = read(BULK_CHUNK)
                got += len(data)
                if check and data != chunk[:len(data)]:
                    raise AssertionError("bulk data differs")
        return time.perf_counter() - t0

    def rtt(self, pair, n, check=False):
        (client, cin, cout), (server, sin, sout) = pair
        msg = b"p" * RTT_SIZE
        cwrite, cread = client.write, client.read
        swrite, sread = server.write, server.read
        cout_read, cin_write = cout.read, cin.write
        sout_read, sin_write = sout.read, sin.write
        t0 = time.perf_counter()
        for _ in range(n):
            cwrite(msg)
            sin_write(cout_read())
            data = sread(RTT_SIZE)
            swrite(data)
            cin_write(sout_read())
            back = cread(RTT_SIZE)
            if check and back != msg:
                raise AssertionError("round trip data differs")
        return time.perf_counter() - t0


# ------------------------------------------------------------------ driver
def load(impl, cert, key):
    if impl == "stdlib":
        return StdlibAPI(cert, key)
    if impl == "pyossl":
        from pyossl import SSL
        return OpenSSLAPI("pyossl", SSL, cert, key)
    if impl == "pyopenssl":
        from OpenSSL import SSL
        return OpenSSLAPI("pyopenssl", SSL, cert, key)
    raise SystemExit("unknown implementation %r" % impl)


def measure(apis, repeats, scale):
    """Run every benchmark for every API; returns {impl: {bench: stats}}."""
    n_hs = max(1, int(N_HANDSHAKES * scale))
    n_bulk = max(1, int(N_BULK * scale))
    n_rtt = max(1, int(N_RTT * scale))
    pairs = {}
    for api in apis:
        pairs[api.name] = api.pair("1.3")
        # Correctness once, and warm-up (also fills caches, allocators).
        api.bulk(pairs[api.name], 50, check=True)
        api.rtt(pairs[api.name], 50, check=True)
        api.handshakes("1.2", 3)
        api.handshakes("1.3", 3)

    benches = [
        ("hs12", n_hs, lambda api: api.handshakes("1.2", n_hs)),
        ("hs13", n_hs, lambda api: api.handshakes("1.3", n_hs)),
        ("bulk", n_bulk, lambda api: api.bulk(pairs[api.name], n_bulk)),
        ("rtt", n_rtt, lambda api: api.rtt(pairs[api.name], n_rtt)),
    ]
    times = {api.name: {b[0]: [] for b in benches} for api in apis}
    for _ in range(repeats):
        for bench, _, run in benches:
            for api in apis:
                times[api.name][bench].append(run(api))

    results = {}
    for api in apis:
        out = {}
        for bench, n, _ in benches:
            ts = times[api.name][bench]
            if bench == "bulk":
                size = n * BULK_CHUNK / 1e6
                rate = lambda t: size / t       # noqa: E731
                unit = "MB/s"
            elif bench == "rtt":
                rate = lambda t: n / t          # noqa: E731
                unit = "round trips/s"
            else:
                rate = lambda t: n / t          # noqa: E731
                unit = "handshakes/s"
            out[bench] = {
                "unit": unit, "iterations": n, "repeats": len(ts),
                "best": rate(min(ts)), "median": rate(statistics.median(ts)),
                "us_per_op_best": min(ts) / n * 1e6,
            }
        results[api.name] = {"openssl": api.library_version(),
                             "results": out}
    return results


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
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the work per repeat")
    parser.add_argument("--cert", default=os.path.join(CACHE, "cert.pem"))
    parser.add_argument("--key", default=os.path.join(CACHE, "key.pem"))
    parser.add_argument("--json", help="write results as JSON here (- = "
                        "stdout)")
    args = parser.parse_args(argv)

    make_cert(args.cert, args.key)
    impls = [i.strip() for i in args.impl.split(",") if i.strip()]
    apis = [load(i, args.cert, args.key) for i in impls]
    t0 = time.perf_counter()
    results = measure(apis, args.repeats, args.scale)
    report = {"versions": extra_versions(impls), "impls": results,
              "wall_seconds": time.perf_counter() - t0,
              "loadavg": list(os.getloadavg())}
    for impl, data in results.items():
        sys.stderr.write("%s (%s)\n" % (impl, data["openssl"]))
        for bench, r in data["results"].items():
            sys.stderr.write("  %-5s best %10.1f  median %10.1f  %s\n" % (
                bench, r["best"], r["median"], r["unit"]))
    if args.json == "-":
        json.dump(report, sys.stdout, indent=1)
        sys.stdout.write("\n")
    elif args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
