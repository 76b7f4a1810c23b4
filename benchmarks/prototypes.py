#!/usr/bin/env python3
"""Floors and prototypes for pyossl's hot paths (a profiling aid, not part
of the package and not a benchmark of record).

For each workload of bench_ssl.py this times, interleaved, best of
``--repeats``, in microseconds per operation:

* ``api``: pyossl's public API (what bench_ssl measures);
* ``floor``: the *same foreign calls* pyossl makes today, issued straight
  through ctypes with pyossl's declarations and no Python layer around
  them (no argument checks, no objects, no exceptions).  ``api - floor`` is
  what pyossl's own Python costs; ``floor`` minus the C time is ctypes';
* ``proto``: a sketch of a proposed change (benchmarks/README.md), issued
  the same way; each is first checked to give exactly the API's result;
* ``pydll``: the proto (or floor) with its functions bound through
  ``ctypes.PyDLL`` (no GIL release around the call) where that is safe
  (short, non-blocking accessors), to size that proposal.

It reaches into pyossl's private attributes (``_x509``, ``_ssl``,
``_into_ssl``, ``_from_ssl``) and declares the few extra symbols a
prototype needs itself; a workload whose attributes are gone is skipped.

Usage: OPENSSL_CONF=~/.cache/pyossl-bench/x25519.cnf PYTHONPATH=. \\
           python3 benchmarks/prototypes.py [--repeats 5] [--scale 0.2]
"""

import argparse
import binascii
import ctypes
import os
import sys
import time
from ctypes import (POINTER, Structure, addressof, byref, c_char_p, c_int,
                    c_uint, c_void_p, create_string_buffer, string_at)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_ssl  # noqa: E402


def mapped(prefix):
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if os.path.basename(path).startswith(prefix):
                return path
    raise RuntimeError("%s is not loaded" % prefix)


def declare(lib, name, restype, argtypes):
    func = getattr(lib, name)
    func.restype = restype
    func.argtypes = argtypes
    return func


class ASN1_STRING(Structure):
    """The public ``struct asn1_string_st`` (same layout 1.0.2 .. 3.x)."""
    _fields_ = [("length", c_int), ("type", c_int), ("data", c_void_p)]


class TM(Structure):
    _fields_ = [(n, c_int) for n in (
        "sec", "min", "hour", "mday", "mon", "year", "wday", "yday",
        "isdst")] + [("gmtoff", ctypes.c_long), ("zone", c_char_p)]


V_ASN1_GENERALIZEDTIME = 24
# Universal string types whose ASN1_STRING data is exactly the content
# octets.  Any other value type makes the fast path give up (the caller
# falls back to the per-entry calls).
STRING_TAGS = frozenset((0x0c, 0x12, 0x13, 0x14, 0x15, 0x16, 0x19, 0x1a,
                         0x1b, 0x1c, 0x1e))


def _long_length(der, pos):
    """(content start, end) for the long-form length at *pos*."""
    count = der[pos] & 0x7f
    if not 1 <= count <= 3:
        raise ValueError("length form")
    start = pos + 1 + count
    return start, start + int.from_bytes(der[pos + 1:start], "big")


def name_components(der, short_name):
    """[(short name, value)] of a DER Name (SEQUENCE OF SET OF SEQUENCE
    {OID, string}); ValueError for anything outside that common shape."""
    if der[0] != 0x30:
        raise ValueError("not a SEQUENCE")
    b = der[1]
    if b < 0x80:
        pos, end = 2, 2 + b
    else:
        pos, end = _long_length(der, 1)
    if end != len(der):
        raise ValueError("length")
    out = []
    append = out.append
    while pos < end:
        if der[pos] != 0x31:
            raise ValueError("not a SET")
        b = der[pos + 1]
        if b < 0x80:
            spos, send = pos + 2, pos + 2 + b
        else:
            spos, send = _long_length(der, pos + 1)
        if send > end:
            raise ValueError("length")
        while spos < send:
            if der[spos] != 0x30:
                raise ValueError("not a SEQUENCE")
            b = der[spos + 1]
            if b < 0x80:
                apos, aend = spos + 2, spos + 2 + b
            else:
                apos, aend = _long_length(der, spos + 1)
            if der[apos] != 0x06 or der[apos + 1] >= 0x80:
                raise ValueError("not an OID")
            oend = apos + 2 + der[apos + 1]
            vtag = der[oend]
            if vtag not in STRING_TAGS:
                raise ValueError("value type")
            b = der[oend + 1]
            if b < 0x80:
                vpos, vend = oend + 2, oend + 2 + b
            else:
                vpos, vend = _long_length(der, oend + 1)
            if vend != aend or aend > send:
                raise ValueError("length")
            append((short_name(der[apos + 2:oend]), der[vpos:vend]))
            spos = aend
        pos = send
    return out


_MDAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def utc_to_generalized(s):
    """GENERALIZEDTIME for a DER-shaped UTCTime ``YYMMDDHHMMSSZ`` after the
    range checks OpenSSL's ASN1_TIME_to_generalizedtime applies (1.1.1 and
    later); None for anything else (the caller asks OpenSSL)."""
    if len(s) != 13 or s[12] != 0x5a or not s[:12].isdigit():
        return None
    yy = (s[0] - 48) * 10 + s[1] - 48
    mon = (s[2] - 48) * 10 + s[3] - 48
    day = (s[4] - 48) * 10 + s[5] - 48
    if not (1 <= mon <= 12 and day >= 1 and s[6:8] < b"24"
            and s[8:10] < b"60" and s[10:12] < b"60"):
        return None
    year = 1900 + yy if yy >= 50 else 2000 + yy
    if day > _MDAYS[mon - 1] + (mon == 2 and year % 4 == 0 and (
            year % 100 != 0 or year % 400 == 0)):
        return None
    return (b"19" if yy >= 50 else b"20") + s


def oid_text(body):
    """Dotted text of the content octets of a DER OID."""
    first, parts, value = True, [], 0
    for byte in body:
        value = (value << 7) | (byte & 0x7f)
        if not byte & 0x80:
            if first:
                a = min(value // 40, 2)
                parts += [a, value - 40 * a]
                first = False
            else:
                parts.append(value)
            value = 0
    return ".".join(map(str, parts)).encode()


class Prototypes(object):
    def __init__(self, api):
        from pyossl import crypto
        self.api = api
        self.lib = lib = crypto._lib
        self.cert = api.cert
        self.x509 = api.cert._x509
        crypto_path = mapped("libcrypto")
        self.cdll = ctypes.CDLL(crypto_path)
        self.pydll = ctypes.PyDLL(crypto_path)
        # Symbols pyossl does not declare (yet), for the prototypes.
        self.i2d_X509 = declare(self.cdll, "i2d_X509", c_int,
                                [c_void_p, POINTER(c_void_p)])
        self.ASN1_TIME_to_tm = declare(self.cdll, "ASN1_TIME_to_tm", c_int,
                                       [c_void_p, POINTER(TM)])
        self.OBJ_txt2nid = lib.OBJ_txt2nid
        self.OBJ_nid2sn = lib.OBJ_nid2sn
        self.sn_table = {}      # DER OID -> short name, known objects only

    # ------------------------------------------------------------ helpers
    def short_name(self, oid):
        sn = self.sn_table.get(oid)
        if sn is None:
            nid = self.OBJ_txt2nid(oid_text(oid))
            sn = self.OBJ_nid2sn(nid) or b"UNDEF"
            if nid:
                self.sn_table[oid] = sn
        return sn

    def pydll_funcs(self, names):
        """PyDLL twins (same declarations) of pyossl's functions."""
        out = {}
        for name in names:
            src = getattr(self.lib, name)
            out[name] = declare(self.pydll, name, src.restype,
                                list(src.argtypes or []))
        return out

    # ------------------------------------------------------------ x509
    def x509_components(self):
        lib, x509 = self.lib, self.x509
        get_name = lib.X509_get_subject_name
        count = lib.X509_NAME_entry_count
        get_entry = lib.X509_NAME_get_entry
        get_object = lib.X509_NAME_ENTRY_get_object
        obj2nid = lib.OBJ_obj2nid
        nid2sn = lib.OBJ_nid2sn
        get_data = lib.X509_NAME_ENTRY_get_data
        length = lib.ASN1_STRING_length
        get0 = lib.ASN1_STRING_get0_data

        def floor():
            name = get_name(x509)
            out = []
            for i in range(count(name)):
                entry = get_entry(name, i)
                sn = nid2sn(obj2nid(get_object(entry))) or b"UNDEF"
                data = get_data(entry)
                out.append((sn, string_at(get0(data), length(data))))
            return out

        def make_proto(get_name, count, i2d):
            short_name = self.short_name

            def proto():
                name = get_name(x509)
                size = i2d(name, None)
                buf = create_string_buffer(size)
                i2d(name, byref(c_void_p(addressof(buf))))
                out = name_components(buf.raw, short_name)
                if len(out) != count(name):       # the cross-check
                    raise ValueError("entry count")
                return out
            return proto

        fast = self.pydll_funcs(["X509_get_subject_name",
                                 "X509_NAME_entry_count", "i2d_X509_NAME"])
        return {
            "api": lambda: self.cert.get_subject().get_components(),
            "floor": floor,
            "proto": make_proto(get_name, count, lib.i2d_X509_NAME),
            "pydll": make_proto(fast["X509_get_subject_name"],
                                fast["X509_NAME_entry_count"],
                                fast["i2d_X509_NAME"]),
        }

    def x509_digest(self):
        lib, x509 = self.lib, self.x509
        byname = lib.EVP_get_digestbyname
        digest = lib.X509_digest
        from base64 import b16encode

        def floor():
            md = byname(b"sha256")
            buf = create_string_buffer(64)
            size = c_uint(64)
            digest(x509, md, buf, byref(size))
            return b":".join(b16encode(buf.raw[i:i + 1]).upper()
                             for i in range(size.value))

        def proto():
            md = byname(b"sha256")
            buf = create_string_buffer(64)
            size = c_uint(64)
            digest(x509, md, buf, byref(size))
            return buf.raw[:size.value].hex(":").upper().encode("ascii")
        return {"api": lambda: self.cert.digest("sha256"), "floor": floor,
                "proto": proto}

    def x509_pem(self):
        from pyossl import crypto
        lib, x509 = self.lib, self.x509
        s_mem = lib.BIO_s_mem
        new, free = lib.BIO_new, lib.BIO_free
        write = lib.PEM_write_bio_X509
        ctrl = lib.BIO_ctrl
        clear = lib.ERR_clear_error
        i2d = self.i2d_X509
        method = s_mem()

        def floor():
            bio = new(s_mem())
            try:
                write(bio, x509)
                clear()
                p = c_void_p()
                size = ctrl(bio, 3, 0, byref(p))      # BIO_CTRL_INFO
                return string_at(p.value, size)
            finally:
                free(bio)

        def proto_bio():
            bio = new(method)
            try:
                if write(bio, x509) <= 0:
                    raise ValueError
                p = c_void_p()
                size = ctrl(bio, 3, 0, byref(p))
                return string_at(p.value, size)
            finally:
                free(bio)

        def proto():
            size = i2d(x509, None)
            buf = create_string_buffer(size)
            i2d(x509, byref(c_void_p(addressof(buf))))
            b64 = binascii.b2a_base64(buf.raw, newline=False)
            lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
            return b"".join([b"-----BEGIN CERTIFICATE-----\n",
                             b"\n".join(lines),
                             b"\n-----END CERTIFICATE-----\n"])
        return {"api": lambda: crypto.dump_certificate(crypto.FILETYPE_PEM,
                                                       self.cert),
                "floor": floor, "proto (streamlined BIO)": proto_bio,
                "proto": proto}

    def x509_notafter(self):
        lib, x509 = self.lib, self.x509
        getm = lib.X509_getm_notAfter
        length, stype = lib.ASN1_STRING_length, lib.ASN1_STRING_type
        to_gen = lib.ASN1_TIME_to_generalizedtime
        get0 = lib.ASN1_STRING_get0_data
        sfree = lib.ASN1_STRING_free
        to_tm = self.ASN1_TIME_to_tm
        from_address = ASN1_STRING.from_address

        def floor():
            t = getm(x509)
            if not length(t):
                return None
            if stype(t) == V_ASN1_GENERALIZEDTIME:
                return string_at(get0(t), length(t))
            g = to_gen(t, None)
            try:
                return string_at(get0(g), length(g))
            finally:
                sfree(g)

        def make_proto(getm, to_tm):
            def proto():
                t = getm(x509)
                s = from_address(t)
                if not s.length:
                    return None
                if s.type == V_ASN1_GENERALIZEDTIME:
                    return string_at(s.data, s.length)
                tm = TM()
                if not to_tm(t, byref(tm)):
                    raise ValueError("invalid time")
                return b"%04d%02d%02d%02d%02d%02dZ" % (
                    tm.year + 1900, tm.mon + 1, tm.mday, tm.hour, tm.min,
                    tm.sec)
            return proto
        fast = self.pydll_funcs(["X509_getm_notAfter"])
        fast_tm = declare(self.pydll, "ASN1_TIME_to_tm", c_int,
                          [c_void_p, POINTER(TM)])

        def make_proto_py(getm):
            def proto_py():
                t = getm(x509)
                s = from_address(t)
                if not s.length:
                    return None
                data = string_at(s.data, s.length)
                if s.type == V_ASN1_GENERALIZEDTIME:
                    return data
                out = utc_to_generalized(data)
                if out is None:             # not DER-shaped: OpenSSL's way
                    g = to_gen(t, None)
                    try:
                        return string_at(get0(g), length(g))
                    finally:
                        sfree(g)
                return out
            return proto_py
        return {"api": self.cert.get_notAfter, "floor": floor,
                "proto": make_proto(getm, to_tm),
                "pydll": make_proto(fast["X509_getm_notAfter"], fast_tm),
                "proto (UTCTime in Python)": make_proto_py(getm),
                "pydll (UTCTime in Python)": make_proto_py(
                    fast["X509_getm_notAfter"])}

    def x509_extcount(self):
        count = self.lib.X509_get_ext_count
        fast = self.pydll_funcs(["X509_get_ext_count"])["X509_get_ext_count"]
        x509 = self.x509
        return {"api": self.cert.get_extension_count,
                "floor": lambda: count(x509),
                "pydll": lambda: fast(x509)}

    def _owner_class(self, free_name):
        free = getattr(self.lib, free_name)

        class Owned(object):
            """What a __del__-based owner costs (detach, then free)."""
            __slots__ = ("_ptr", "__weakref__")

            def __del__(self, free=free):
                ptr, self._ptr = self._ptr, None
                if ptr:
                    free(ptr)
        return Owned

    def x509_ext(self):
        lib, x509 = self.lib, self.x509
        count, get, dup = (lib.X509_get_ext_count, lib.X509_get_ext,
                           lib.X509_EXTENSION_dup)
        free = lib.X509_EXTENSION_free
        Owned = self._owner_class("X509_EXTENSION_free")
        state = {"i": 0}

        def index():
            i = state["i"]
            state["i"] = (i + 1) % 6
            return i

        def floor():
            i = index()
            if not 0 <= i < count(x509):
                raise IndexError
            free(dup(get(x509, i)))

        def proto():
            i = index()
            if not 0 <= i < count(x509):
                raise IndexError
            obj = Owned.__new__(Owned)
            obj._ptr = dup(get(x509, i))
            return obj
        return {"api": lambda: self.cert.get_extension(index()),
                "floor": floor, "proto": proto}

    def x509_pubkey(self):
        lib, x509 = self.lib, self.x509
        get, free = lib.X509_get_pubkey, lib.EVP_PKEY_free
        Owned = self._owner_class("EVP_PKEY_free")

        def proto():
            obj = Owned.__new__(Owned)
            obj._ptr = get(x509)
            return obj
        fast_get = self.pydll_funcs(["X509_get_pubkey"])["X509_get_pubkey"]

        def pydll():
            obj = Owned.__new__(Owned)
            obj._ptr = fast_get(x509)
            return obj
        return {"api": self.cert.get_pubkey,
                "floor": lambda: free(get(x509)), "proto": proto,
                "pydll": pydll}

    # ------------------------------------------------------------ TLS I/O
    def _io(self):
        client, server = self.api.data_pair
        lib = self.lib
        return (client, server, lib, client._ssl, server._ssl,
                client._into_ssl, client._from_ssl, server._into_ssl,
                server._from_ssl)

    def rtt(self):
        (client, server, lib, c, s, cin, cout, sin, sout) = self._io()
        write, read = lib.SSL_write, lib.SSL_read
        bread, bwrite = lib.BIO_read, lib.BIO_write
        clear, pending = lib.ERR_clear_error, lib.BIO_ctrl_pending
        flags = lib.BIO_test_flags
        msg = b"p" * 64
        buf = create_string_buffer(65536)
        rbuf = create_string_buffer(16384)

        def floor():
            # pyossl's 20 calls: a clear before each SSL call, a pending
            # check before each bio_read, flags after an empty one.
            clear()
            write(c, msg, 64)
            for src, dst in ((cout, sin),):
                while True:
                    pending(src)
                    n = bread(src, buf, 65536)
                    if n <= 0:
                        flags(src, 15)
                        break
                    bwrite(dst, buf, n)
            clear()
            n = read(s, rbuf, 64)
            clear()
            write(s, rbuf, n)
            while True:
                pending(sout)
                n = bread(sout, buf, 65536)
                if n <= 0:
                    flags(sout, 15)
                    break
                bwrite(cin, buf, n)
            clear()
            return read(c, rbuf, 64)

        def c_calls():
            # The C program's 10 calls.
            write(c, msg, 64)
            n = bread(cout, buf, 65536)
            bwrite(sin, buf, n)
            bread(cout, buf, 65536)
            n = read(s, rbuf, 64)
            write(s, rbuf, n)
            n = bread(sout, buf, 65536)
            bwrite(cin, buf, n)
            bread(sout, buf, 65536)
            return read(c, rbuf, 64)

        def api():
            self.api.rtt(1)
        return {"api": api, "floor": floor, "C's calls": c_calls}

    def bulk(self):
        (client, server, lib, c, s, cin, cout, sin, sout) = self._io()
        write, read = lib.SSL_write, lib.SSL_read
        bread, bwrite = lib.BIO_read, lib.BIO_write
        clear, pending = lib.ERR_clear_error, lib.BIO_ctrl_pending
        flags = lib.BIO_test_flags
        chunk = b"x" * 16384
        buf = create_string_buffer(65536)
        rbuf = create_string_buffer(16384)

        def floor():
            clear()
            write(c, chunk, 16384)
            while True:
                pending(cout)
                n = bread(cout, buf, 65536)
                if n <= 0:
                    flags(cout, 15)
                    break
                bwrite(sin, buf, n)
            got = 0
            while got < 16384:
                clear()
                got += read(s, rbuf, 16384)

        def c_calls():
            write(c, chunk, 16384)
            n = bread(cout, buf, 65536)
            bwrite(sin, buf, n)
            bread(cout, buf, 65536)
            got = 0
            while got < 16384:
                got += read(s, rbuf, 16384)

        def api():
            self.api.bulk(1)
        return {"api": api, "floor": floor, "C's calls": c_calls}

    # ------------------------------------------------------------ handshakes
    def _handshake_variants(self, label, session=None):
        """Two floors for one full (or, with *session*, resumed TLS 1.2)
        handshake, through pyossl's ctypes declarations:

        * ``"C's calls"``: the C program's calls with no Python layer, what
          any ctypes binding must at least do;
        * ``"API shape"``: the least any binding with pyOpenSSL's API must
          run: two Python connection objects (slots, a ``__del__`` that
          frees), one Python method call per API call and an exception for
          every "want read", driven by bench_ssl's own handshake loop, and
          nothing else (no argument checks, no error-queue hygiene, no
          verification or callback checks, no ownership rules)."""
        lib = self.lib
        api = self.api
        cctx = api.client_ctx[label]._context
        sctx = api.server_ctx[label]._context
        ssl_new, set_mode, bio_new = lib.SSL_new, lib.SSL_set_mode, lib.BIO_new
        set_bio, mem = lib.SSL_set_bio, lib.BIO_s_mem()
        connect, accept = lib.SSL_set_connect_state, lib.SSL_set_accept_state
        handshake, get_error = lib.SSL_do_handshake, lib.SSL_get_error
        bread, bwrite, free = lib.BIO_read, lib.BIO_write, lib.SSL_free
        set_session, shutdown = lib.SSL_set_session, lib.SSL_shutdown
        auto_retry = lib.SSL_MODE_AUTO_RETRY
        want_read = lib.SSL_ERROR_WANT_READ
        buf = (ctypes.c_char * 65536)()
        sess = session._session if session is not None else None

        def new(ctx, server):
            ssl = ssl_new(ctx)
            set_mode(ssl, auto_retry)
            bin_, bout = bio_new(mem), bio_new(mem)
            set_bio(ssl, bin_, bout)
            (accept if server else connect)(ssl)
            return ssl, bin_, bout

        def pump(src, dst):
            while True:
                n = bread(src, buf, 65536)
                if n <= 0:
                    return
                bwrite(dst, buf, n)

        def step(ssl):
            r = handshake(ssl)
            if r == 1:
                return True
            if get_error(ssl, r) != want_read:
                raise AssertionError("handshake failed")
            return False

        def c_calls():
            c, cin, cout = new(cctx, False)
            s, sin, sout = new(sctx, True)
            if sess is not None:
                set_session(c, sess)
            cdone = sdone = False
            while not (cdone and sdone):
                if not cdone:
                    cdone = step(c)
                pump(cout, sin)
                if not sdone:
                    sdone = step(s)
                pump(sout, cin)
            if sess is not None:
                shutdown(c)
            free(c)
            free(s)

        class WantReadError(Exception):
            pass

        class Connection(object):
            __slots__ = ("ssl", "into", "out", "__weakref__")

            def __init__(self, ctx, server):
                self.ssl, self.into, self.out = new(ctx, server)

            def __del__(self):
                free(self.ssl)

            def set_session(self, session):
                set_session(self.ssl, session)

            def shutdown(self):
                return shutdown(self.ssl) == 1

            def do_handshake(self):
                ssl = self.ssl
                r = handshake(ssl)
                if r <= 0:
                    if get_error(ssl, r) == want_read:
                        raise WantReadError()
                    raise AssertionError("handshake failed")

            def bio_read(self, bufsiz):
                n = bread(self.out, buf, bufsiz)
                if n <= 0:
                    raise WantReadError()
                return buf[:n]

            def bio_write(self, data):
                return bwrite(self.into, data, len(data))

        class Driver(object):
            # bench_ssl's handshake loop, over these connections
            SSL = type("SSL", (), {"WantReadError": WantReadError})
            _pump = bench_ssl.OpenSSLAPI._pump
            _handshake = bench_ssl.OpenSSLAPI._handshake

        driver = Driver()

        def api_shape():
            client = Connection(cctx, False)
            server = Connection(sctx, True)
            if sess is not None:
                client.set_session(sess)
            driver._handshake(client, server)
            if sess is not None:
                client.shutdown()
        return {"API shape": api_shape, "C's calls": c_calls}

    def hs13(self):
        variants = {"api": lambda: self.api.hs13(1)}
        variants.update(self._handshake_variants("1.3"))
        return variants

    def res12(self):
        variants = {"api": lambda: self.api.res12(1)}
        variants.update(self._handshake_variants("1.2", self.api.session12))
        return variants


def climit_times(binary, cert, key, keys, n, repeats=1):
    """Microseconds per operation of benchmarks/climit.c for *keys* (best
    of *repeats* of *n* each), run as its own process."""
    import subprocess
    out = subprocess.check_output(
        [binary, cert, key, str(repeats)] + ["%s=%d" % (k, n) for k in keys],
        universal_newlines=True)
    got = {}
    for line in out.splitlines():
        word, _, rest = line.partition(" ")
        if word == "time":
            k, count, t = rest.split()
            us = float(t) / int(count) * 1e6
            got[k] = min(us, got.get(k, us))
    return got


def time_variants(variants, n, repeats):
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(repeats):
        for name, func in variants.items():
            t0 = time.process_time()
            for _ in range(n):
                func()
            best[name] = min(best[name], time.process_time() - t0)
    return {name: t / n * 1e6 for name, t in best.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--scale", type=float, default=0.2)
    parser.add_argument("--workloads", default="x509_components,x509_digest,"
                        "x509_pem,x509_notafter,x509_extcount,x509_ext,"
                        "x509_pubkey,rtt,bulk")
    parser.add_argument("--climit", metavar="BINARY",
                        help="also time benchmarks/climit.c (compiled, for "
                        "the system OpenSSL: benchmarks/run builds it in "
                        "~/.cache/pyossl-bench) in each repeat, interleaved, "
                        "and print every variant as a fraction of C")
    args = parser.parse_args(argv)
    cert, keyfile = bench_ssl.default_cert()
    bench_ssl.make_cert(cert, keyfile)
    api = bench_ssl.load("pyossl", cert, keyfile)
    api.setup()
    protos = Prototypes(api)
    print("pyossl on %s; us per operation, best of %d" % (
        api.library_version(), args.repeats))
    for key in args.workloads.split(","):
        try:
            variants = getattr(protos, key)()
        except (AttributeError, OSError) as exc:
            print("%s: skipped (%s)" % (key, exc))
            continue
        want = variants["api"]()
        for name, func in variants.items():
            if name.startswith(("proto", "pydll")) and func() != want and \
                    not key.startswith(("x509_ext", "x509_pubkey")):
                raise AssertionError("%s %s: %r != %r" % (
                    key, name, func(), want))
        n = max(1, bench_ssl.iterations(key, args.scale))
        if key in ("rtt", "bulk"):
            n = max(1, n // 4)
        if args.climit and key in ("hs13", "res12"):
            # Interleaved rounds: C (its own process), then each Python
            # variant, best of 3 each; the machine's noise only ever adds
            # time, so the best over all rounds is each one's cost.
            best = {}
            for _ in range(args.repeats):
                got = {"C": climit_times(args.climit, cert, keyfile, [key],
                                         n, 3)[key]}
                got.update(time_variants(variants, n, 3))
                for name, us in got.items():
                    best[name] = min(us, best.get(name, us))
                print("%-16s round: " % key + "  ".join(
                    "%s %.1f" % item for item in got.items()))
            print("%-16s best:  " % key + "  ".join(
                "%s %.1f us (%.3f of C)" % (name, us, best["C"] / us)
                for name, us in best.items()))
            continue
        got = time_variants(variants, n, args.repeats)
        print("%-16s " % key + "  ".join(
            "%s %.2f" % (name, us) for name, us in got.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
