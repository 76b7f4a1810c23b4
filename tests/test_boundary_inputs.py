"""Bad inputs at the C boundary (issue 10, problems 4 and 6-9).

* NUL bytes in anything passed to C as a C string (extension names and
  values, digest and cipher names, times, cipher lists, file names) raise
  :exc:`ValueError` instead of being silently truncated (the class of
  pyOpenSSL's CVE-2026-40475);
* integers outside the C parameter's range raise :exc:`OverflowError`, as
  pyOpenSSL (cffi) does, instead of being truncated;
* ``recv_into`` never writes past the end of a buffer whose ``len()`` lies;
* successful calls leave OpenSSL's error queue empty (a stale entry turns the
  next non-blocking ``recv()`` into ``SSL.Error``), and no failure raises an
  ``Error`` without a reason;
* a property-based suite (hypothesis) calls every public entry point that
  takes an int, a string, a path, a buffer or an object with values at and
  beyond each C type's range, strings with NULs and odd buffer objects: only
  the documented exceptions, never a silent truncation, never a crash.
  :data:`ENTRY_POINTS` lists them; ``test_every_public_entry_point_is_fuzzed``
  keeps the list complete.

Examples per entry point: ``PYOSSL_HYPOTHESIS_EXAMPLES`` (default 10);
``PYOSSL_HYPOTHESIS_RANDOM=1`` draws new examples on each run (by default
the examples are the same on every run).
"""

import array
import contextlib
import ctypes
import datetime
import operator
import os
import pathlib
import sys
import warnings
from collections import namedtuple

import pytest

from boundary_helpers import (LyingByteArray, check_child, env_int,
                              pki_params, pump, run_child)
from conftest import LIB, run_openssl
from pyossl import SSL, crypto, rand

hypothesis = pytest.importorskip(
    "hypothesis", reason="hypothesis is not installed (the test extra "
                         "installs it)")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

P, A, T = crypto.FILETYPE_PEM, crypto.FILETYPE_ASN1, crypto.FILETYPE_TEXT
VERSION = SSL.OPENSSL_VERSION_NUMBER
EXAMPLES = env_int("PYOSSL_HYPOTHESIS_EXAMPLES", 10)
ERRORS = (SSL.Error, crypto.Error, rand.Error)


def drain_errors():
    """Empty OpenSSL's error queue on this thread; return what was there."""
    codes = []
    while True:
        code = LIB.ERR_get_error()
        if not code:
            return codes
        codes.append(hex(code))


@contextlib.contextmanager
def quiet(world=None):
    """Deprecation warnings off (str where bytes are preferred is
    deprecated, and the suite turns warnings into errors): these tests
    are about what reaches C.  With *world*, the current directory is its
    folder meanwhile, so that relative file names (``rand.write_file``
    writes) land there."""
    cwd = os.getcwd()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if world is not None:
            os.chdir(world.tmp)
        try:
            yield
        finally:
            os.chdir(cwd)


def has_reason(exc):
    """An ``Error`` carries a non-empty list of reasons."""
    return bool(exc.args) and bool(exc.args[0])


# ----------------------------------------------------------------- objects --

class World(object):
    """Valid objects made from the session PKI, and factories for fresh
    mutable ones."""

    def __init__(self, pki, tmpdir):
        self.pki = pki
        self.tmp = str(tmpdir)
        self.cert_pem = pki.read("server_cert")
        self.key_pem = pki.read("server_key")
        self.cert = crypto.load_certificate(P, self.cert_pem)
        self.cert_der = crypto.dump_certificate(A, self.cert)
        self.key = crypto.load_privatekey(P, self.key_pem)
        self.key_der = crypto.dump_privatekey(A, self.key)
        self.pub_pem = crypto.dump_publickey(P, self.key)
        self.ca = crypto.load_certificate(P, pki.read("ca_cert"))
        self.ca_key = crypto.load_privatekey(P, pki.read("ca_key"))
        req = crypto.X509Req()
        req.get_subject().CN = "req"
        req.set_pubkey(self.key)
        req.sign(self.key, "sha256")
        self.req = req
        self.req_pem = crypto.dump_certificate_request(P, req)
        crl = crypto.CRL()
        rev = crypto.Revoked()
        rev.set_serial(b"0a")
        rev.set_rev_date(b"20200101000000Z")
        crl.add_revoked(rev)
        self.crl_pem = crl.export(self.ca, self.ca_key, P, 10, b"sha256")
        p12 = crypto.PKCS12()
        p12.set_certificate(self.cert)
        p12.set_privatekey(self.key)
        self.p12_der = p12.export(b"pw", iter=16, maciter=16)
        spki = crypto.NetscapeSPKI()
        spki.set_pubkey(self.key)
        spki.sign(self.key, "sha256")
        self.spki_b64 = spki.b64_encode()
        self.signature = crypto.sign(self.key, b"data", "sha256")
        self.curve = crypto.get_elliptic_curve("prime256v1")
        # A session may only be set on a connection of the context it came
        # from (pyOpenSSL 26.3+ raises ValueError otherwise).
        session_pair = self.pair()
        self.session = session_pair.c.get_session()
        self.session_ctx = session_pair.c.get_context()
        self.enc_key_pem = crypto.dump_privatekey(P, self.key, "aes-128-cbc",
                                                  b"pw")
        self.rand_file = os.path.join(self.tmp, "rand.bin")
        with open(self.rand_file, "wb") as f:
            f.write(os.urandom(64))
        self.dh_file = os.path.join(self.tmp, "dh.pem")
        run_openssl("genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt",
                    "group:ffdhe2048", "-out", self.dh_file)
        p7 = os.path.join(self.tmp, "certs.p7b")
        run_openssl("crl2pkcs7", "-nocrl", "-certfile", pki.chain,
                    "-outform", "DER", "-out", p7)
        with open(p7, "rb") as f:
            self.p7_der = f.read()

    def cryptography_key(self):
        """The key as a ``cryptography`` object, made once (its checks of
        the RSA key are slow)."""
        if not hasattr(self, "_cryptography_key"):
            self._cryptography_key = self.key.to_cryptography_key()
        return self._cryptography_key

    def copy(self, name):
        """A copy of the PKI file *name* in this world's folder (which
        entry points that write files may overwrite)."""
        target = os.path.join(self.tmp, "copy-" + name)
        with open(target, "wb") as f:
            f.write(self.pki.read(name))
        return target

    def ctx(self):
        return SSL.Context(SSL.TLS_METHOD)

    def server_ctx(self):
        ctx = SSL.Context(SSL.TLS_METHOD)
        ctx.use_certificate(self.cert)
        ctx.use_privatekey(self.key)
        return ctx

    def conn(self):
        return SSL.Connection(self.ctx(), None)

    def pair(self):
        """A handshaken memory-BIO pair ``.c``/``.s``."""
        from boundary_helpers import Pair
        pair = Pair(self.server_ctx(), self.ctx())
        pair.handshake()
        return pair

    def pair_with_data(self):
        pair = self.pair()
        pair.s.send(b"0123456789abcdef" * 4)
        pump(pair.c, pair.s)
        return pair

    def fresh_cert(self):
        return crypto.load_certificate(P, self.cert_pem)

    def fresh_req(self):
        return crypto.load_certificate_request(P, self.req_pem)

    def name(self):
        return self.fresh_cert().get_subject()

    def ext(self):
        return crypto.X509Extension(b"basicConstraints", False, b"CA:FALSE")

    def store(self):
        store = crypto.X509Store()
        store.add_cert(self.ca)
        return store

    def crl(self):
        return crypto.load_crl(P, self.crl_pem)

    def spki(self):
        return crypto.NetscapeSPKI(self.spki_b64)

    def p12(self):
        return crypto.load_pkcs12(self.p12_der, b"pw")


@pytest.fixture(scope="module")
def world(pki, tmp_path_factory):
    return World(pki, tmp_path_factory.mktemp("inputs"))


# --------------------------------------------------------------- NUL bytes --

def _nul_cases():
    """(id, call(world)) pairs: each passes a C string with a NUL byte."""
    cases = [
        ("X509Extension(subjectAltName value)", lambda w: crypto.X509Extension(
            b"subjectAltName", False, b"DNS:bank.example\0.customer.test")),
        ("X509Extension(nameConstraints value)",
         lambda w: crypto.X509Extension(
             b"nameConstraints", True,
             b"permitted;DNS:example.com\0,excluded;DNS:bad.example.com")),
        ("X509Extension(type name)", lambda w: crypto.X509Extension(
            b"subjectAltName\0junk", False, b"DNS:a.example")),
        ("X509.digest", lambda w: w.cert.digest("sha256\0md5")),
        ("X509.digest(bytes)", lambda w: w.cert.digest(b"sha256\0md5")),
        ("X509.sign", lambda w: w.fresh_cert().sign(w.key, "sha256\0md5")),
        ("X509Req.sign", lambda w: crypto.X509Req().sign(w.key,
                                                         "sha256\0md5")),
        ("CRL.sign", lambda w: w.crl().sign(w.ca, w.ca_key, b"sha256\0md5")),
        ("CRL.export(digest)", lambda w: crypto.CRL().export(
            w.ca, w.ca_key, P, 10, b"sha256\0md5")),
        ("NetscapeSPKI.sign", lambda w: w.spki().sign(w.key, "sha256\0md5")),
        ("crypto.sign", lambda w: crypto.sign(w.key, b"data", "sha256\0md5")),
        ("crypto.verify", lambda w: crypto.verify(
            w.cert, w.signature, b"data", "sha256\0md5")),
        ("dump_privatekey(cipher)", lambda w: crypto.dump_privatekey(
            P, w.key, "aes-128-cbc\0junk", b"passphrase")),
        ("X509.set_notBefore", lambda w: w.fresh_cert().set_notBefore(
            b"20200101000000Z\0junk")),
        ("X509.set_notAfter", lambda w: w.fresh_cert().set_notAfter(
            b"20300101000000Z\0junk")),
        ("CRL.set_lastUpdate", lambda w: crypto.CRL().set_lastUpdate(
            b"20200101000000Z\0junk")),
        ("CRL.set_nextUpdate", lambda w: crypto.CRL().set_nextUpdate(
            b"20300101000000Z\0junk")),
        ("Revoked.set_rev_date", lambda w: crypto.Revoked().set_rev_date(
            b"20200101000000Z\0junk")),
        ("Revoked.set_serial", lambda w: crypto.Revoked().set_serial(
            b"0a\0ff")),
        ("Revoked.set_reason", lambda w: crypto.Revoked().set_reason(
            b"keyCompromise\0x")),
        ("get_elliptic_curve", lambda w: crypto.get_elliptic_curve(
            "prime256v1\0junk")),
        ("PKCS12.export(passphrase)", lambda w: w.p12().export(
            b"secret\0rest", iter=16, maciter=16)),
        ("PKCS12.set_friendlyname+export", lambda w: (
            lambda p12: (p12.set_friendlyname(b"name\0rest"),
                         p12.export(b"pw", iter=16, maciter=16)))(w.p12())),
        ("load_pkcs12(passphrase)", lambda w: crypto.load_pkcs12(
            w.p12_der, b"pw\0rest")),
        ("Context.set_cipher_list", lambda w: w.ctx().set_cipher_list(
            b"DEFAULT\0junk")),
        ("Context.set_ciphersuites", lambda w: w.ctx().set_ciphersuites(
            b"TLS_AES_128_GCM_SHA256\0junk")),
        ("Connection.set_tlsext_host_name",
         lambda w: w.conn().set_tlsext_host_name(b"bank.example\0.evil")),
        ("X509Name attribute value", lambda w: setattr(
            w.name(), "CN", "bank.example\0.evil")),
    ]
    # File names: an existing file before the NUL, so truncation would
    # silently load it.
    paths = [
        ("Context.use_certificate_file", "server_cert",
         lambda w, p: w.ctx().use_certificate_file(p)),
        ("Context.use_privatekey_file", "server_key",
         lambda w, p: w.ctx().use_privatekey_file(p)),
        ("Context.use_certificate_chain_file", "chain",
         lambda w, p: w.ctx().use_certificate_chain_file(p)),
        ("Context.load_verify_locations(cafile)", "ca_cert",
         lambda w, p: w.ctx().load_verify_locations(p)),
        ("Context.load_verify_locations(capath)", "dir",
         lambda w, p: w.ctx().load_verify_locations(None, p)),
        ("Context.load_client_ca", "ca_cert",
         lambda w, p: w.ctx().load_client_ca(p)),
        ("Context.load_tmp_dh", "ca_cert",
         lambda w, p: w.ctx().load_tmp_dh(p)),
        ("X509Store.load_locations(cafile)", "ca_cert",
         lambda w, p: crypto.X509Store().load_locations(p)),
        ("X509Store.load_locations(capath)", "dir",
         lambda w, p: crypto.X509Store().load_locations(None, p)),
        ("rand.load_file", "rand_file", lambda w, p: rand.load_file(p)),
        ("rand.write_file", "rand_file", lambda w, p: rand.write_file(p)),
    ]
    for label, attr, call in paths:
        for kind in ("str", "bytes"):
            def case(w, attr=attr, call=call, kind=kind):
                if attr == "dir":
                    path = os.path.dirname(w.pki.ca_cert)
                elif attr == "rand_file":
                    path = w.rand_file
                else:
                    path = getattr(w.pki, attr)
                path = path + "\0.junk"
                return call(w, path if kind == "str" else os.fsencode(path))
            cases.append(("%s(%s path)" % (label, kind), case))
    return cases


NUL_CASES = _nul_cases()


@pytest.mark.parametrize("label,call", NUL_CASES,
                         ids=[c[0] for c in NUL_CASES])
def test_nul_byte_raises_value_error(world, label, call):
    # pyOpenSSL raises TypeError for a NUL in a host name; either is a
    # refusal.  Nothing else is: a truncated string reached C.
    expected = (ValueError, TypeError) if "host_name" in label else ValueError
    try:
        with quiet(world):
            call(world)
    except NotImplementedError as exc:
        pytest.skip("not available on this build: %s" % exc)
    except expected:
        return
    finally:
        drain_errors()
    pytest.fail("%s accepted a C string containing a NUL byte" % label)


# --------------------------------------------------------- integer ranges --

def _int_cases():
    cb = lambda *args: True  # noqa: E731
    cases = [
        ("Context.set_verify(2**32)", lambda w: w.ctx().set_verify(
            2 ** 32, cb)),
        ("Connection.set_verify(2**32)", lambda w: w.conn().set_verify(
            2 ** 32, cb)),
        ("Context.set_timeout(2**64+5)", lambda w: w.ctx().set_timeout(
            2 ** 64 + 5)),
        ("Context.set_verify_depth(2**32+1)",
         lambda w: w.ctx().set_verify_depth(2 ** 32 + 1)),
        ("Context.set_min_proto_version(2**64)",
         lambda w: w.ctx().set_min_proto_version(2 ** 64)),
        ("Context.set_max_proto_version(2**64)",
         lambda w: w.ctx().set_max_proto_version(2 ** 64)),
        ("Connection(ctx, 2**32+5)", lambda w: SSL.Connection(
            w.ctx(), 2 ** 32 + 5)),
        ("Context.set_options(2**64)", lambda w: w.ctx().set_options(
            2 ** 64)),
        ("Context.set_options(-1)", lambda w: w.ctx().set_options(-1)),
        ("Context.set_mode(2**64)", lambda w: w.ctx().set_mode(2 ** 64)),
        ("Context.set_session_cache_mode(2**64)",
         lambda w: w.ctx().set_session_cache_mode(2 ** 64)),
        ("Connection.set_shutdown(2**32+1)",
         lambda w: w.conn().set_shutdown(2 ** 32 + 1)),
        ("Context.use_certificate_file(filetype 2**32+PEM)",
         lambda w: w.ctx().use_certificate_file(
             w.pki.server_cert, 2 ** 32 + SSL.FILETYPE_PEM)),
        ("Context.use_privatekey_file(filetype 2**32+PEM)",
         lambda w: w.ctx().use_privatekey_file(
             w.pki.server_key, 2 ** 32 + SSL.FILETYPE_PEM)),
        ("rand.load_file(maxbytes 2**64)", lambda w: rand.load_file(
            w.rand_file, 2 ** 64)),
        ("SSLeay_version(2**32+SSLEAY_VERSION)", lambda w: SSL.SSLeay_version(
            2 ** 32 + SSL.SSLEAY_VERSION)),
        ("X509.set_version(2**64)", lambda w: w.fresh_cert().set_version(
            2 ** 64)),
        ("X509.gmtime_adj_notBefore(2**64)",
         lambda w: w.fresh_cert().gmtime_adj_notBefore(2 ** 64)),
        ("X509.gmtime_adj_notAfter(-2**64)",
         lambda w: w.fresh_cert().gmtime_adj_notAfter(-2 ** 64)),
        ("X509Req.set_version(2**64)", lambda w: crypto.X509Req().set_version(
            2 ** 64)),
        ("CRL.set_version(2**64)", lambda w: crypto.CRL().set_version(
            2 ** 64)),
        ("CRL.export(days 2**62)", lambda w: crypto.CRL().export(
            w.ca, w.ca_key, P, 2 ** 62, b"sha256")),
        ("X509Store.set_flags(2**64)", lambda w: w.store().set_flags(
            2 ** 64)),
        ("PKey.generate_key(bits 2**32+1024)",
         lambda w: crypto.PKey().generate_key(crypto.TYPE_RSA,
                                              2 ** 32 + 1024)),
        ("PKCS12.export(iter 2**32+16)", lambda w: w.p12().export(
            b"pw", iter=2 ** 32 + 16, maciter=16)),
        ("PKCS12.export(maciter 2**32+16)", lambda w: w.p12().export(
            b"pw", iter=16, maciter=2 ** 32 + 16)),
    ]
    # Where pyOpenSSL checks the value first and raises ValueError (file
    # types of the crypto functions, SSL methods) or Error (key types), or
    # pyossl checks it against the count (IndexError), those are right
    # too: the value never reaches C.
    either = [
        ("X509.get_extension(2**32)", lambda w: w.cert.get_extension(
            2 ** 32)),
        ("PKey.generate_key(type 2**32+TYPE_RSA)",
         lambda w: crypto.PKey().generate_key(2 ** 32 + crypto.TYPE_RSA,
                                              1024)),
        ("Context(2**32+TLS_METHOD)", lambda w: SSL.Context(
            2 ** 32 + SSL.TLS_METHOD)),
        ("load_certificate(2**32+PEM)", lambda w: crypto.load_certificate(
            2 ** 32 + P, w.cert_pem)),
        ("dump_certificate(2**32+PEM)", lambda w: crypto.dump_certificate(
            2 ** 32 + P, w.cert)),
        ("load_privatekey(2**32+PEM)", lambda w: crypto.load_privatekey(
            2 ** 32 + P, w.key_pem)),
        ("dump_privatekey(2**32+PEM)", lambda w: crypto.dump_privatekey(
            2 ** 32 + P, w.key)),
        ("load_crl(2**32+PEM)", lambda w: crypto.load_crl(
            2 ** 32 + P, w.crl_pem)),
        ("CRL.export(type 2**32+PEM)", lambda w: crypto.CRL().export(
            w.ca, w.ca_key, 2 ** 32 + P, 10, b"sha256")),
    ]
    return ([(label, call, (OverflowError,)) for label, call in cases]
            + [(label, call, (OverflowError, ValueError, IndexError,
                              crypto.Error))
               for label, call in either])


INT_CASES = _int_cases()


@pytest.mark.parametrize("label,call,expected", INT_CASES,
                         ids=[c[0] for c in INT_CASES])
def test_out_of_range_int_raises_overflow_error(world, label, call,
                                                expected):
    try:
        with quiet(world):
            call(world)
    except NotImplementedError as exc:
        pytest.skip("not available on this build: %s" % exc)
    except expected:
        return
    except ERRORS as exc:
        pytest.fail("%s raised %r, not OverflowError (the value went to C "
                    "truncated)" % (label, exc))
    finally:
        drain_errors()
    pytest.fail("%s accepted an integer outside the C type's range "
                "(silently truncated)" % label)


# -------------------------------------------------------------- recv_into --

@pytest.fixture(scope="module")
def recv_into_results(pki, tmp_path_factory):
    res = run_child("recv_into", dict(pki_params(pki)), timeout=60)
    return check_child(res)


RECV_CASES = ["bytearray_subclass_len_lies",
              "bytearray_subclass_len_lies_nbytes_100",
              "buffer_protocol_len_lies", "non_contiguous_view",
              "array_of_ints"]


@pytest.mark.parametrize("case", RECV_CASES)
def test_recv_into_never_writes_past_the_buffer(recv_into_results, case):
    if case == "buffer_protocol_len_lies" and sys.version_info < (3, 12):
        pytest.skip("__buffer__ in Python classes needs Python 3.12")
    out = recv_into_results[case]
    assert "exception" not in out or case == "non_contiguous_view", out
    if out.get("n") is not None:
        assert out["n"] <= out["real"], (
            "recv_into wrote %d bytes into a %d-byte buffer" % (
                out["n"], out["real"]))
    if "canary_ok" in out:
        assert out["canary_ok"], "bytes after the buffer were overwritten"
    if "content_ok" in out:
        assert out["content_ok"], out


def test_recv_into_refuses_read_only_buffers(recv_into_results):
    out = recv_into_results["readonly"]
    assert out["bytes"] == "TypeError", out
    assert out["readonly_view"] == "TypeError", out


# ------------------------------------------------------------ stale errors --

def _der(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def _oid(dotted):
    parts = [int(x) for x in dotted.split(".")]
    out = bytearray([40 * parts[0] + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7f]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7f))
            part >>= 7
        out.extend(reversed(chunk))
    return _der(0x06, bytes(out))


def crl_with_undecodable_extension(issuer):
    """A v2 CRL (unsigned: the signature is filler) whose authority key
    identifier extension holds truncated DER."""
    seq = lambda *items: _der(0x30, b"".join(items))  # noqa: E731
    alg = seq(_oid("1.2.840.113549.1.1.11"), b"\x05\x00")
    bad_akid = _der(0x04, b"\x30\x05\x80\x84\xff\xff\xff")
    extensions = _der(0xa0, seq(seq(_oid("2.5.29.35"), bad_akid)))
    tbs = seq(b"\x02\x01\x01", alg, issuer.der(),
              _der(0x17, b"200101000000Z"), _der(0x17, b"300101000000Z"),
              extensions)
    return seq(tbs, alg, _der(0x03, b"\x00" + b"\x01" * 256))


def assert_recv_wants_read(world):
    pair = world.pair()
    with pytest.raises(SSL.WantReadError):
        pair.c.recv(1024)


def test_load_crl_with_undecodable_extension_leaves_no_error(world):
    der = crl_with_undecodable_extension(world.ca.get_subject())
    drain_errors()
    try:
        crl = crypto.load_crl(A, der)
    except crypto.Error as exc:
        assert has_reason(exc)
    else:
        crl.get_issuer()
    assert drain_errors() == [], "load_crl left errors on the queue"
    assert_recv_wants_read(world)


@pytest.mark.parametrize("which", ["exported", "undecodable extension"])
def test_dump_crl_text_leaves_no_error(world, which):
    if which == "exported":
        crl = world.crl()
    else:
        try:
            crl = crypto.load_crl(A, crl_with_undecodable_extension(
                world.ca.get_subject()))
        except crypto.Error:
            pytest.skip("this build refuses the CRL")
    drain_errors()
    text = crypto.dump_crl(T, crl)
    assert b"Certificate Revocation List" in text
    assert drain_errors() == [], "dump_crl(FILETYPE_TEXT) left errors"
    assert_recv_wants_read(world)


def test_successful_verify_certificate_leaves_no_error(world):
    drain_errors()
    crypto.X509StoreContext(world.store(), world.cert).verify_certificate()
    assert drain_errors() == [], "verify_certificate left errors"
    assert_recv_wants_read(world)


def test_failed_verify_certificate_leaves_no_error(world):
    drain_errors()
    with pytest.raises(crypto.X509StoreContextError):
        crypto.X509StoreContext(crypto.X509Store(),
                                world.cert).verify_certificate()
    assert drain_errors() == []
    assert_recv_wants_read(world)


# ------------------------------------------------------------ Error([]) ---

def test_set_tmp_ecdh_every_curve_succeeds_or_says_why(world):
    # pyOpenSSL accepts every curve; one OpenSSL cannot use for key
    # exchange is a RuntimeWarning (issue 12), never an Error([]).
    curves = crypto.get_elliptic_curves()
    assert curves
    empty = []
    for curve in sorted(curves, key=lambda c: c.name):
        ctx = world.ctx()
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                ctx.set_tmp_ecdh(curve)
        except SSL.Error as exc:
            if not has_reason(exc):
                empty.append(curve.name)
        else:
            assert all(w.category is RuntimeWarning and curve.name in str(
                w.message) for w in caught), (curve.name, caught)
        assert drain_errors() == [], curve.name
    assert not empty, "Error([]) for curves: %s" % ", ".join(empty)


def test_load_verify_locations_none_says_why(world):
    with pytest.raises(SSL.Error) as info:
        world.ctx().load_verify_locations(None)
    assert has_reason(info.value), info.value


@pytest.mark.parametrize("days", [2 ** 40, -2 ** 40, 10 ** 12])
def test_crl_export_huge_days_succeeds_or_says_why(world, days):
    try:
        crypto.CRL().export(world.ca, world.ca_key, P, days, b"sha256")
    except crypto.Error as exc:
        assert has_reason(exc), "Error([]) from CRL.export(days=%d)" % days
    except OverflowError:
        pass
    assert drain_errors() == []


# ------------------------------------------------------ property-based ---

def _c_range(ctype, signed):
    bits = 8 * ctypes.sizeof(ctype)
    if signed:
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


#: C integer types of the parameters below: their ranges.  ``bits`` is a
#: C int whose large in-range values are not drawn (huge keys); ``alloc``
#: is a size meaning "at most" (bufsiz): a value beyond the C int range
#: may be clamped rather than refused, but never truncated (the result is
#: checked), and large in-range values are not drawn (gigabytes);
#: ``count`` (egd's byte count) likewise, with no C range; ``size`` is a
#: C size_t length of output (no large in-range values either); ``days`` is
#: multiplied by 86400 into a C long; ``big`` and ``any`` have no C range.
RANGES = {
    "int": _c_range(ctypes.c_int, True),
    "alloc": _c_range(ctypes.c_int, True),
    "bits": _c_range(ctypes.c_int, True),
    "uint": _c_range(ctypes.c_uint, False),
    "long": _c_range(ctypes.c_long, True),
    "ulong": _c_range(ctypes.c_ulong, False),
    "u64": _c_range(ctypes.c_uint64, False),
    "size": _c_range(ctypes.c_size_t, False),
}
ALLOC_CAP = 1 << 20
BITS_CAP = 1024

#: A parameter: ``kind`` says which bad values to draw and which rule a
#: value breaks (``int:<ctype>``, ``cstr``, ``path``, ``opt-path``,
#: ``wpath`` (a file written: only relative names are drawn),
#: ``bytes``, ``buffer``, ``wbuffer``, ``obj``, ``objs``, ``callable``,
#: ``protos``, ``number``, ``flag``, ``when``, ``passphrase``, ``any``);
#: ``valid(world)`` gives a good value; ``refusals``: the exceptions
#: allowed for a value that breaks the rule (out-of-range int, NUL).
Param = namedtuple("Param", "name kind valid refusals")
#: An entry point: ``call(world, *args)``; ``allowed``: exceptions besides
#: the documented ones (TypeError, ValueError, OverflowError, the modules'
#: Error classes).
EntryPoint = namedtuple("EntryPoint", "name call params allowed")
ENTRY_POINTS = []


def param(name, kind, valid, refusals=None):
    if refusals is None:
        refusals = ((OverflowError, ValueError) if kind.startswith("int:")
                    else (ValueError,))
    return Param(name, kind, valid, refusals)


def entry(name, call, *params, **kwargs):
    ENTRY_POINTS.append(EntryPoint(name, call, params,
                                   tuple(kwargs.get("allowed", ()))))


DOCUMENTED = (TypeError, ValueError, OverflowError, SSL.Error, crypto.Error,
              rand.Error, crypto.X509StoreContextError)
ENUM_REFUSALS = (OverflowError, ValueError, SSL.Error, crypto.Error)
cb_true = lambda *args: True  # noqa: E731


def _v(value):
    return lambda w: value


# SSL ---------------------------------------------------------------------
entry("SSL.SSLeay_version", lambda w, t: SSL.SSLeay_version(t),
      param("type", "int:int", _v(SSL.SSLEAY_VERSION)))
entry("SSL.Context", lambda w, m: SSL.Context(m),
      param("method", "int:int", _v(SSL.TLS_METHOD), ENUM_REFUSALS))
for _name, _kind, _value in (
        ("set_options", "int:u64", SSL.OP_NO_TICKET),
        ("set_mode", "int:long", SSL.MODE_RELEASE_BUFFERS),
        ("set_session_cache_mode", "int:long", SSL.SESS_CACHE_CLIENT),
        ("set_timeout", "int:long", 300),
        ("set_verify_depth", "int:int", 5),
        ("set_min_proto_version", "int:int", SSL.TLS1_2_VERSION),
        ("set_max_proto_version", "int:int", SSL.TLS1_2_VERSION)):
    entry("SSL.Context." + _name,
          lambda w, v, _n=_name: getattr(w.ctx(), _n)(v),
          param("value", _kind, _v(_value)))
entry("SSL.Context.set_verify", lambda w, m, c: w.ctx().set_verify(m, c),
      param("mode", "int:int", _v(SSL.VERIFY_PEER)),
      param("callback", "callable", _v(cb_true)))
for _name in ("set_cipher_list", "set_ciphersuites"):
    entry("SSL.Context." + _name,
          lambda w, v, _n=_name: getattr(w.ctx(), _n)(v),
          param("value", "cstr", _v(b"TLS_AES_128_GCM_SHA256"
                                    if _name == "set_ciphersuites"
                                    else b"DEFAULT")))
entry("SSL.Context.set_session_id", lambda w, b: w.ctx().set_session_id(b),
      param("buf", "bytes", _v(b"pyossl-session")))
entry("SSL.Context.set_alpn_protos", lambda w, p: w.ctx().set_alpn_protos(p),
      param("protos", "protos", _v([b"h2", b"http/1.1"])))
entry("SSL.Context.load_verify_locations",
      lambda w, f, d: w.ctx().load_verify_locations(f, d),
      param("cafile", "opt-path", lambda w: w.pki.ca_cert),
      param("capath", "opt-path", _v(None)))
entry("SSL.Context.load_client_ca", lambda w, f: w.ctx().load_client_ca(f),
      param("cafile", "path", lambda w: os.fsencode(w.pki.ca_cert)))
entry("SSL.Context.load_tmp_dh", lambda w, f: w.ctx().load_tmp_dh(f),
      param("dhfile", "path", lambda w: w.dh_file))
entry("SSL.Context.use_certificate_file",
      lambda w, f, t: w.ctx().use_certificate_file(f, t),
      param("certfile", "path", lambda w: w.pki.server_cert),
      param("filetype", "int:int", _v(SSL.FILETYPE_PEM)))
entry("SSL.Context.use_privatekey_file",
      lambda w, f, t: w.ctx().use_privatekey_file(f, t),
      param("keyfile", "path", lambda w: w.pki.server_key),
      param("filetype", "int:int", _v(SSL.FILETYPE_PEM)))
entry("SSL.Context.use_certificate_chain_file",
      lambda w, f: w.ctx().use_certificate_chain_file(f),
      param("certfile", "path", lambda w: w.pki.chain))
for _name, _attr in (("use_certificate", "cert"), ("use_privatekey", "key"),
                     ("add_extra_chain_cert", "ca"),
                     ("add_client_ca", "ca")):
    entry("SSL.Context." + _name,
          lambda w, o, _n=_name: getattr(w.ctx(), _n)(o),
          param("obj", "obj", lambda w, _a=_attr: getattr(w, _a)))
entry("SSL.Context.set_client_ca_list",
      lambda w, names: w.ctx().set_client_ca_list(names),
      param("certificate_authorities", "objs", lambda w: [w.name()]))
entry("SSL.Context.set_tmp_ecdh", lambda w, c: w.ctx().set_tmp_ecdh(c),
      param("curve", "obj", lambda w: w.curve))
entry("SSL.Context.set_passwd_cb", lambda w, c, u: w.ctx().set_passwd_cb(c, u),
      param("callback", "callable", _v(cb_true)),
      param("userdata", "any", _v(None)))
for _name in ("set_info_callback", "set_keylog_callback",
              "set_tlsext_servername_callback", "set_alpn_select_callback",
              "set_npn_advertise_callback", "set_npn_select_callback",
              "set_client_hello_callback", "set_psk_server_callback",
              "set_psk_client_callback", "set_psk_use_session_callback",
              "set_psk_find_session_callback"):
    entry("SSL.Context." + _name,
          lambda w, c, _n=_name: getattr(w.ctx(), _n)(c),
          param("callback", "callable", _v(cb_true)))
entry("SSL.Context.use_psk_identity_hint",
      lambda w, h: w.ctx().use_psk_identity_hint(h),
      param("hint", "cstr", _v(b"server-hint")))
entry("SSL.Session.from_psk", lambda w, k, c: SSL.Session.from_psk(k, c),
      param("key", "bytes", _v(bytes(range(32)))),
      param("ciphersuite", "cstr", _v(b"TLS_AES_128_GCM_SHA256")))
entry("SSL.Context.set_app_data", lambda w, d: w.ctx().set_app_data(d),
      param("data", "any", _v(1)))
entry("SSL.Connection", lambda w, c, s: SSL.Connection(c, s),
      param("context", "obj", lambda w: w.ctx()),
      param("socket", "int:int", _v(None)))
entry("SSL.Connection.set_tlsext_host_name",
      lambda w, n: w.conn().set_tlsext_host_name(n),
      param("name", "cstr", _v(b"example.com"), (ValueError, TypeError)))
entry("SSL.Connection.set_alpn_protos",
      lambda w, p: w.conn().set_alpn_protos(p),
      param("protos", "protos", _v([b"h2"])))
entry("SSL.Connection.set_verify", lambda w, m, c: w.conn().set_verify(m, c),
      param("mode", "int:int", _v(SSL.VERIFY_PEER)),
      param("callback", "callable", _v(cb_true)))
entry("SSL.Connection.set_shutdown", lambda w, v: w.conn().set_shutdown(v),
      param("state", "int:int", _v(SSL.SENT_SHUTDOWN)))
entry("SSL.Connection.set_session",
      lambda w, s: SSL.Connection(w.session_ctx, None).set_session(s),
      param("session", "obj", lambda w: w.session))
entry("SSL.Connection.set_context", lambda w, c: w.conn().set_context(c),
      param("context", "obj", lambda w: w.ctx()))
entry("SSL.Connection.set_app_data", lambda w, d: w.conn().set_app_data(d),
      param("data", "any", _v(1)))
entry("SSL.Connection.bio_write", lambda w, b: w.conn().bio_write(b),
      param("buf", "buffer", _v(b"\x16\x03\x01\x00\x05hello")))
entry("SSL.Connection.bio_read",
      lambda w, n: _bio_read(w, n),
      param("bufsiz", "int:alloc", _v(1024)))
for _name in ("send", "sendall", "write"):
    entry("SSL.Connection." + _name,
          lambda w, b, f, _n=_name: getattr(w.pair().c, _n)(b, f),
          param("buf", "buffer", _v(b"payload")),
          param("flags", "int:any", _v(0)))
for _name in ("recv", "read"):
    entry("SSL.Connection." + _name,
          lambda w, n, f, _n=_name: getattr(
              w.pair_with_data().c, _n)(n, f),
          param("bufsiz", "int:alloc", _v(16)),
          param("flags", "int:any", _v(None)))
entry("SSL.Connection.recv_into",
      lambda w, b, n, f: w.pair_with_data().c.recv_into(b, n, f),
      param("buffer", "wbuffer", lambda w: bytearray(16)),
      param("nbytes", "int:any", _v(None)),
      param("flags", "int:any", _v(None)))
# pyOpenSSL 2x additions (issue 12) ------------------------------------------
entry("SSL.OpenSSL_version", lambda w, t: SSL.OpenSSL_version(t),
      param("type", "int:int", _v(SSL.OPENSSL_VERSION)))
entry("SSL.Context.clear_mode", lambda w, v: w.ctx().clear_mode(v),
      param("mode_to_clear", "int:long", _v(SSL.MODE_RELEASE_BUFFERS)))
for _name, _value in (("set_tls13_ciphersuites", b"TLS_AES_128_GCM_SHA256"),
                      ("set_tlsext_use_srtp", b"SRTP_AES128_CM_SHA1_80")):
    entry("SSL.Context." + _name,
          lambda w, v, _n=_name: getattr(w.ctx(), _n)(v),
          param("value", "cstr", _v(_value)))
for _name in ("set_cookie_generate_callback", "set_cookie_verify_callback"):
    entry("SSL.Context." + _name,
          lambda w, c, _n=_name: getattr(w.ctx(), _n)(c),
          param("callback", "callable", _v(cb_true)))
for _name in ("set_ocsp_server_callback", "set_ocsp_client_callback"):
    entry("SSL.Context." + _name,
          lambda w, c, d, _n=_name: getattr(w.ctx(), _n)(c, d),
          param("callback", "callable", _v(cb_true)),
          param("data", "any", _v(None)))
entry("SSL.Connection.set_options", lambda w, v: w.conn().set_options(v),
      param("options", "int:u64", _v(SSL.OP_NO_TICKET)))
entry("SSL.Connection.set_ciphertext_mtu",
      lambda w, v: w.conn().set_ciphertext_mtu(v),
      param("mtu", "int:long", _v(1400)))
entry("SSL.Connection.set_info_callback",
      lambda w, c: w.conn().set_info_callback(c),
      param("callback", "callable", _v(cb_true)))
for _name, _attr in (("use_certificate", "cert"), ("use_privatekey", "key")):
    entry("SSL.Connection." + _name,
          lambda w, o, _n=_name: getattr(w.conn(), _n)(o),
          param("obj", "obj", lambda w, _a=_attr: getattr(w, _a)))
entry("SSL.Connection.export_keying_material",
      lambda w, label, n, c: w.pair().c.export_keying_material(label, n, c),
      param("label", "bytes", _v(b"EXPERIMENTAL-pyossl")),
      param("olen", "int:size", _v(32)),
      param("context", "bytes", _v(b"context")))
for _name in ("get_certificate", "get_peer_certificate", "get_peer_cert_chain",
              "get_verified_chain", "get_client_ca_list"):
    entry("SSL.Connection." + _name,
          lambda w, f, _n=_name: getattr(w.pair().c, _n)(as_cryptography=f),
          param("as_cryptography", "flag", _v(False)))


def _bio_read(w, n):
    conn = w.conn()
    conn.set_connect_state()
    try:
        conn.do_handshake()
    except SSL.WantReadError:
        pass
    return conn.bio_read(n)


# crypto ------------------------------------------------------------------
entry("crypto.X509.set_version", lambda w, v: w.fresh_cert().set_version(v),
      param("version", "int:long", _v(2)))
entry("crypto.X509.set_serial_number",
      lambda w, v: w.fresh_cert().set_serial_number(v),
      param("serial", "int:big", _v(12345)))
for _name in ("gmtime_adj_notBefore", "gmtime_adj_notAfter"):
    entry("crypto.X509." + _name,
          lambda w, v, _n=_name: getattr(w.fresh_cert(), _n)(v),
          param("amount", "int:long", _v(3600)))
for _name in ("set_notBefore", "set_notAfter"):
    entry("crypto.X509." + _name,
          lambda w, v, _n=_name: getattr(w.fresh_cert(), _n)(v),
          param("when", "cstr", _v(b"20200101000000Z")))
entry("crypto.X509.digest", lambda w, d: w.cert.digest(d),
      param("digest_name", "cstr", _v("sha256")))
entry("crypto.X509.sign", lambda w, k, d: w.fresh_cert().sign(k, d),
      param("pkey", "obj", lambda w: w.key),
      param("digest", "cstr", _v("sha256")))
entry("crypto.X509.get_extension", lambda w, i: w.cert.get_extension(i),
      param("index", "int:int", _v(0),
            (OverflowError, ValueError, IndexError)), allowed=(IndexError,))
entry("crypto.X509.add_extensions",
      lambda w, e: w.fresh_cert().add_extensions(e),
      param("extensions", "objs", lambda w: [w.ext()]))
for _name in ("set_subject", "set_issuer"):
    entry("crypto.X509." + _name,
          lambda w, n, _n=_name: getattr(w.fresh_cert(), _n)(n),
          param("name", "obj", lambda w: w.name()))
entry("crypto.X509.set_pubkey", lambda w, k: w.fresh_cert().set_pubkey(k),
      param("pkey", "obj", lambda w: w.key))
entry("crypto.X509.from_cryptography",
      lambda w, c: crypto.X509.from_cryptography(c),
      param("crypto_cert", "obj", lambda w: w.cert.to_cryptography()))
entry("crypto.X509Name", lambda w, n: crypto.X509Name(n),
      param("name", "obj", lambda w: w.name()))
entry("crypto.X509Name.__setattr__", lambda w, a, v: setattr(w.name(), a, v),
      param("name", "cstr", _v("CN"), (ValueError, AttributeError)),
      param("value", "cstr", _v("example.com")),
      allowed=(AttributeError,))
entry("crypto.X509Name.__getattr__", lambda w, a: getattr(w.name(), a),
      param("name", "cstr", _v("CN"), (ValueError, AttributeError)),
      allowed=(AttributeError,))
entry("crypto.X509Req.set_version",
      lambda w, v: crypto.X509Req().set_version(v),
      param("version", "int:long", _v(0)))
entry("crypto.X509Req.sign", lambda w, k, d: w.fresh_req().sign(k, d),
      param("pkey", "obj", lambda w: w.key),
      param("digest", "cstr", _v("sha256")))
entry("crypto.X509Req.from_cryptography",
      lambda w, c: crypto.X509Req.from_cryptography(c),
      param("crypto_req", "obj", lambda w: w.req.to_cryptography()))
entry("crypto.X509Req.add_extensions",
      lambda w, e: crypto.X509Req().add_extensions(e),
      param("extensions", "objs", lambda w: [w.ext()]))
entry("crypto.X509Req.set_pubkey", lambda w, k: crypto.X509Req().set_pubkey(k),
      param("pkey", "obj", lambda w: w.key))
entry("crypto.X509Req.verify", lambda w, k: w.req.verify(k),
      param("pkey", "obj", lambda w: w.key))
entry("crypto.X509Extension",
      lambda w, t, c, v, s, i: crypto.X509Extension(t, c, v, s, i),
      param("type_name", "cstr", _v(b"subjectKeyIdentifier")),
      param("critical", "flag", _v(False)),
      param("value", "cstr", _v(b"hash")),
      param("subject", "obj", lambda w: w.cert),
      param("issuer", "obj", _v(None)))
entry("crypto.X509Store.add_cert", lambda w, c: crypto.X509Store().add_cert(c),
      param("cert", "obj", lambda w: w.cert))
entry("crypto.X509Store.add_crl", lambda w, c: crypto.X509Store().add_crl(c),
      param("crl", "obj", lambda w: w.crl()))
entry("crypto.X509Store.set_flags", lambda w, f: w.store().set_flags(f),
      param("flags", "int:ulong", _v(crypto.X509StoreFlags.CRL_CHECK)))
entry("crypto.X509Store.set_time", lambda w, t: w.store().set_time(t),
      param("vfy_time", "when", _v(datetime.datetime(2020, 1, 1))))
entry("crypto.X509Store.load_locations",
      lambda w, f, d: crypto.X509Store().load_locations(f, d),
      param("cafile", "opt-path", lambda w: w.pki.ca_cert),
      param("capath", "opt-path", _v(None)))
entry("crypto.X509StoreContext",
      lambda w, s, c, ch: crypto.X509StoreContext(s, c, ch),
      param("store", "obj", lambda w: w.store()),
      param("certificate", "obj", lambda w: w.cert),
      param("chain", "objs", _v(None)))
entry("crypto.X509StoreContext.set_store",
      lambda w, s: crypto.X509StoreContext(w.store(), w.cert).set_store(s),
      param("store", "obj", lambda w: w.store()))
entry("crypto.PKey.generate_key",
      lambda w, t, b: crypto.PKey().generate_key(t, b),
      param("type", "int:int", _v(crypto.TYPE_RSA), ENUM_REFUSALS),
      param("bits", "int:bits", _v(1024)))
entry("crypto.PKey.from_cryptography_key",
      lambda w, k: crypto.PKey.from_cryptography_key(k),
      param("crypto_key", "obj", lambda w: w.cryptography_key()))
entry("crypto.CRL.set_version", lambda w, v: crypto.CRL().set_version(v),
      param("version", "int:long", _v(1)))
for _name in ("set_lastUpdate", "set_nextUpdate"):
    entry("crypto.CRL." + _name,
          lambda w, v, _n=_name: getattr(crypto.CRL(), _n)(v),
          param("when", "cstr", _v(b"20200101000000Z")))
entry("crypto.CRL.add_revoked", lambda w, r: crypto.CRL().add_revoked(r),
      param("revoked", "obj", lambda w: w.crl().get_revoked()[0]))
entry("crypto.CRL.sign", lambda w, c, k, d: w.crl().sign(c, k, d),
      param("issuer_cert", "obj", lambda w: w.ca),
      param("issuer_key", "obj", lambda w: w.ca_key),
      param("digest", "cstr", _v(b"sha256")))
entry("crypto.CRL.export",
      lambda w, c, k, t, d, g: w.crl().export(c, k, t, d, g),
      param("cert", "obj", lambda w: w.ca),
      param("key", "obj", lambda w: w.ca_key),
      param("type", "int:int", _v(P), ENUM_REFUSALS),
      param("days", "int:days", _v(10)),
      param("digest", "cstr", _v(b"sha256")))
entry("crypto.Revoked.set_serial", lambda w, v: crypto.Revoked().set_serial(v),
      param("hex_str", "cstr", _v(b"0a1b")))
entry("crypto.Revoked.set_reason", lambda w, v: crypto.Revoked().set_reason(v),
      param("reason", "cstr", _v(b"keyCompromise")))
entry("crypto.Revoked.set_rev_date",
      lambda w, v: crypto.Revoked().set_rev_date(v),
      param("when", "cstr", _v(b"20200101000000Z")))
for _name, _attr in (("set_certificate", "cert"),
                     ("set_privatekey", "key")):
    entry("crypto.PKCS12." + _name,
          lambda w, o, _n=_name: getattr(crypto.PKCS12(), _n)(o),
          param("obj", "obj", lambda w, _a=_attr: getattr(w, _a)))
entry("crypto.PKCS12.set_ca_certificates",
      lambda w, c: crypto.PKCS12().set_ca_certificates(c),
      param("cacerts", "objs", lambda w: [w.ca]))
entry("crypto.PKCS12.set_friendlyname",
      lambda w, n: (lambda p12: (p12.set_friendlyname(n), p12.export(
          b"pw", iter=16, maciter=16)))(w.p12()),
      param("name", "cstr", _v(b"friend")))
entry("crypto.PKCS12.export", lambda w, p, i, m: w.p12().export(p, i, m),
      param("passphrase", "cstr", _v(b"pw")),
      param("iter", "int:int", _v(16)),
      param("maciter", "int:int", _v(16)))
entry("crypto.NetscapeSPKI", lambda w, e: crypto.NetscapeSPKI(e),
      param("enc", "buffer", lambda w: w.spki_b64))
entry("crypto.NetscapeSPKI.sign", lambda w, k, d: w.spki().sign(k, d),
      param("pkey", "obj", lambda w: w.key),
      param("digest", "cstr", _v("sha256")))
entry("crypto.NetscapeSPKI.verify", lambda w, k: w.spki().verify(k),
      param("key", "obj", lambda w: w.key))
entry("crypto.NetscapeSPKI.set_pubkey", lambda w, k: w.spki().set_pubkey(k),
      param("pkey", "obj", lambda w: w.key))
for _name, _data in (("load_certificate", "cert_pem"),
                     ("load_certificate_request", "req_pem"),
                     ("load_publickey", "pub_pem"),
                     ("load_crl", "crl_pem")):
    entry("crypto." + _name,
          lambda w, t, b, _n=_name: getattr(crypto, _n)(t, b),
          param("type", "int:int", _v(P), ENUM_REFUSALS),
          param("buffer", "buffer", lambda w, _d=_data: getattr(w, _d)))
entry("crypto.load_privatekey",
      lambda w, t, b, p: crypto.load_privatekey(t, b, p),
      param("type", "int:int", _v(P), ENUM_REFUSALS),
      param("buffer", "buffer", lambda w: w.enc_key_pem),
      param("passphrase", "passphrase", _v(b"pw")))
entry("crypto.load_pkcs7_data", lambda w, t, b: crypto.load_pkcs7_data(t, b),
      param("type", "int:int", _v(A), ENUM_REFUSALS),
      param("buffer", "buffer", lambda w: w.p7_der))
entry("crypto.load_pkcs12", lambda w, b, p: crypto.load_pkcs12(b, p),
      param("buffer", "buffer", lambda w: w.p12_der),
      param("passphrase", "cstr", _v(b"pw")))
for _name, _obj in (("dump_certificate", "cert"),
                    ("dump_certificate_request", "req"),
                    ("dump_publickey", "key"),
                    ("dump_crl", "crl")):
    entry("crypto." + _name,
          lambda w, t, o, _n=_name: getattr(crypto, _n)(t, o),
          param("type", "int:int", _v(P), ENUM_REFUSALS),
          param("obj", "obj", lambda w, _o=_obj: (
              w.crl() if _o == "crl" else getattr(w, _o))))
entry("crypto.dump_privatekey",
      lambda w, t, k, c, p: crypto.dump_privatekey(t, k, c, p),
      param("type", "int:int", _v(P), ENUM_REFUSALS),
      param("pkey", "obj", lambda w: w.key),
      param("cipher", "cstr", _v("aes-128-cbc")),
      param("passphrase", "passphrase", _v(b"pw")))
entry("crypto.sign", lambda w, k, d, g: crypto.sign(k, d, g),
      param("pkey", "obj", lambda w: w.key),
      param("data", "buffer", _v(b"data")),
      param("digest", "cstr", _v("sha256")))
entry("crypto.verify", lambda w, c, s, d, g: crypto.verify(c, s, d, g),
      param("cert", "obj", lambda w: w.cert),
      param("signature", "buffer", lambda w: w.signature),
      param("data", "buffer", _v(b"data")),
      param("digest", "cstr", _v("sha256")))
entry("crypto.get_elliptic_curve", lambda w, n: crypto.get_elliptic_curve(n),
      param("name", "cstr", lambda w: w.curve.name))

# rand --------------------------------------------------------------------
entry("rand.add", lambda w, b, e: rand.add(b, e),
      param("buffer", "buffer", _v(b"entropy")),
      param("entropy", "number", _v(4)))
entry("rand.seed", lambda w, b: rand.seed(b),
      param("buffer", "buffer", _v(b"entropy")))
entry("rand.bytes", lambda w, n: rand.bytes(n),
      param("num_bytes", "int:alloc", _v(16)))
entry("rand.load_file", lambda w, f, m: rand.load_file(f, m),
      param("filename", "path", lambda w: w.rand_file),
      param("maxbytes", "int:long", _v(16)))
entry("rand.write_file", lambda w, f: rand.write_file(f),
      param("filename", "wpath", lambda w: w.rand_file))
entry("rand.egd", lambda w, p, n: rand.egd(p, n),
      param("path", "any", _v(b"/nonexistent")),
      param("bytes", "int:count", _v(16)))

#: Public callables deliberately not in ENTRY_POINTS, with the reason.
NOT_FUZZED = {
    "SSL.Connection.connect": "socket level: calls the socket's connect",
    "SSL.Connection.connect_ex": "socket level: calls the socket's method",
    "SSL.Connection.sock_shutdown": "socket level: calls the socket's "
                                    "shutdown",
    "SSL.Connection.makefile": "always raises NotImplementedError",
}


# Bad values -----------------------------------------------------------------

class Index(object):
    """An object with ``__index__`` (accepted where ints are)."""

    def __init__(self, value):
        self.value = value

    def __index__(self):
        return self.value

    def __repr__(self):
        return "Index(%d)" % self.value


class LyingBytes(bytes):
    def __len__(self):
        return 4096


class PathObject(object):
    """An ``os.PathLike`` object."""

    def __init__(self, path):
        self.path = path

    def __fspath__(self):
        return self.path

    def __repr__(self):
        return "PathObject(%r)" % (self.path,)


def too_big(kind, value):
    """Whether *value* is not tried for *kind* (a huge allocation or key)."""
    if kind == "alloc":
        return ALLOC_CAP < value < 2 ** 31
    if kind == "bits":
        return BITS_CAP < value < 2 ** 31
    if kind == "count":
        return ALLOC_CAP < value < 2 ** 63
    if kind == "size":                  # a length to produce: no gigabytes
        return ALLOC_CAP < value <= RANGES["size"][1]
    return False


def int_bounds(kind):
    """Values at and beyond the edges of every C integer type, and those of
    *kind*'s own type."""
    values = {0, 1, -1, 2, 255, 256, 65535, 65536}
    for lo, hi in RANGES.values():
        values.update((lo - 1, lo, hi, hi + 1))
    values.update((2 ** 64 + 5, -2 ** 64, 2 ** 100, -2 ** 100, 2 ** 32 + 1))
    return sorted(v for v in values if not too_big(kind, v))


def int_strategy(kind):
    bounds = st.sampled_from(int_bounds(kind))
    if kind in ("alloc", "bits", "count", "size"):
        cap = BITS_CAP if kind == "bits" else ALLOC_CAP
        beyond = 2 ** 64 if kind == "size" else 2 ** 63
        inner = st.one_of(st.integers(-2 ** 40, cap),
                          st.integers(beyond, 2 ** 70))
    else:
        inner = st.integers()
    junk = st.sampled_from([None, 1.5, "1", b"1", float("nan"), [1]])
    index = st.builds(Index, st.sampled_from(int_bounds(kind)))
    return st.one_of(bounds, bounds, inner, index, junk)


def text_strategy():
    nul_text = st.builds(lambda a, b: a + "\0" + b, st.text(max_size=8),
                         st.text(max_size=8))
    nul_bytes = st.builds(lambda a, b: a + b"\0" + b, st.binary(max_size=8),
                          st.binary(max_size=8))
    odd = st.sampled_from([
        b"", "", "\0", b"\0", "\udcff", "\u00e9\u00e9", "x" * 5000,
        b"\xff\xfe", b"sha256", "sha256", b"DEFAULT", None, 0, 1.5,
        bytearray(b"ab\0c"), memoryview(b"ab"), ["x"], LyingBytes(b"ab\0")])
    return st.one_of(nul_text, nul_bytes, nul_text, nul_bytes,
                     st.text(max_size=30), st.binary(max_size=30), odd)


def path_strategy(world, optional):
    # Copies in the world's own folder: rand.write_file writes to them.
    existing = [world.copy("ca_cert"), world.copy("server_key"),
                world.rand_file, world.tmp, "/nonexistent/x", "x" * 5000,
                ""]
    strategies = [
        text_strategy(),
        st.sampled_from(existing),
        st.sampled_from(existing).map(os.fsencode),
        st.sampled_from(existing).map(lambda p: p + "\0.junk"),
        st.sampled_from(existing).map(lambda p: PathObject(p + "\0junk")),
        st.sampled_from(existing).map(PathObject),
        st.sampled_from(existing).map(pathlib.Path),
    ]
    if optional:
        strategies.append(st.just(None))
    return st.one_of(*strategies)


def _relative(path):
    """*path* made relative (files written for it stay in the world's
    folder, the current directory during the call)."""
    if isinstance(path, (str, bytes)):
        sep = "/" if isinstance(path, str) else b"/"
        dots = ".." if isinstance(path, str) else b".."
        parts = [p for p in path.split(sep) if p and p != dots]
        return sep.join(parts)
    if isinstance(path, (PathObject, pathlib.PurePath)):
        return PathObject(_relative(os.fspath(path)))
    return path


def read_buffers():
    """Fresh odd buffer objects (input)."""
    return [
        b"", bytearray(b"abc"), memoryview(b"abcdef"),
        memoryview(b"abcdefgh")[::2], memoryview(bytearray(8)).cast("I"),
        memoryview(bytearray(8)).cast("B", shape=[2, 4]),
        array.array("d", [1.0, 2.0]), LyingBytes(b"ab"),
        LyingByteArray(b"ab"), "text", "\u00e9", memoryview(b""), None, 0,
        [], b"\0" * 100, b"-----BEGIN CERTIFICATE-----\n",
    ]


def write_buffers():
    """Fresh odd buffer objects (output)."""
    lying = LyingByteArray(b"\0" * 8)
    return [
        bytearray(0), bytearray(1), bytearray(64), lying,
        memoryview(bytearray(16)), memoryview(bytearray(16))[::2],
        memoryview(bytearray(16)).cast("I"),
        memoryview(bytearray(16)).cast("B", shape=[4, 4]),
        array.array("i", [0] * 4), b"\0" * 16, memoryview(b"\0" * 16),
        "text", None, 5, ctypes.create_string_buffer(8),
    ]


def junk_objects(world):
    return [None, 0, 1, -1, "x", b"x", 1.5, object(), [], [None],
            world.key, world.cert, world.ca, SSL.Context(SSL.TLS_METHOD),
            world.name(), world.ext(), world.store(), world.session]


def strategy_for(kind, world):
    """Values to try for a parameter of *kind* (mostly bad ones)."""
    if kind.startswith("int:"):
        return int_strategy(kind[4:])
    if kind == "cstr":
        return text_strategy()
    if kind in ("path", "opt-path"):
        return path_strategy(world, kind == "opt-path")
    if kind == "wpath":
        return path_strategy(world, False).map(_relative)
    if kind == "bytes":
        return st.one_of(st.binary(max_size=80),
                         st.sampled_from(range(len(read_buffers()))).map(
                             lambda i: read_buffers()[i]))
    if kind == "buffer":
        return st.one_of(st.binary(max_size=80), text_strategy(),
                         st.sampled_from(range(len(read_buffers()))).map(
                             lambda i: read_buffers()[i]))
    if kind == "wbuffer":
        return st.sampled_from(range(len(write_buffers()))).map(
            lambda i: write_buffers()[i])
    if kind in ("obj", "any"):
        return st.sampled_from(range(len(junk_objects(world)))).map(
            lambda i: junk_objects(world)[i])
    if kind == "objs":
        junk = junk_objects(world)
        return st.one_of(
            st.lists(st.sampled_from(junk), max_size=3),
            st.sampled_from([None, "abc", b"abc", 5, iter([None])]))
    if kind == "callable":
        return st.sampled_from([None, 1, "x", b"x", object(), cb_true,
                                lambda: None])
    if kind == "protos":
        return st.one_of(
            st.lists(st.binary(max_size=300), max_size=4),
            st.sampled_from([[], [b""], [b"x" * 255], [b"x" * 256],
                             ["h2"], b"h2", None, [None], [1],
                             [b"h2\0x"], (b"h2",), [bytearray(b"h2")]]))
    if kind == "number":
        return st.one_of(st.floats(allow_nan=True, allow_infinity=True),
                         int_strategy("int"),
                         st.sampled_from([None, "1", b"1"]))
    if kind == "flag":
        return st.sampled_from([True, False, 0, 1, 2 ** 64, None, "x",
                                object()])
    if kind == "when":
        return st.one_of(
            st.datetimes(),
            st.sampled_from([None, 0, "2020", b"20200101000000Z",
                             datetime.date(2020, 1, 1),
                             datetime.datetime(1, 1, 1),
                             datetime.datetime(9999, 12, 31, 23, 59, 59)]))
    if kind == "passphrase":
        return st.one_of(
            text_strategy(),
            st.sampled_from([
                lambda *a: b"pw", lambda *a: b"x" * 5000, lambda *a: None,
                lambda *a: "pw", lambda *a: 5, lambda *a: b"pw\0"]))
    raise AssertionError("unknown kind %r" % kind)


# The rules -----------------------------------------------------------------

def _as_index(value):
    if isinstance(value, bool):
        return int(value)
    try:
        return operator.index(value)
    except TypeError:
        return None


def broken_rule(prm, value):
    """Why *value* must be refused for *prm*, or ``None``."""
    kind = prm.kind
    if kind.startswith("int:"):
        ctype = kind[4:]
        number = _as_index(value)
        if number is None:
            return None
        if ctype == "days":
            lo, hi = RANGES["long"]
            if not lo <= number * 86400 <= hi:
                return "days=%d overflows a C long in seconds" % number
            return None
        if ctype == "alloc":
            if number < RANGES["alloc"][0]:
                return "%d is below the C int range" % number
            return None
        if ctype in RANGES:
            lo, hi = RANGES[ctype]
            if not lo <= number <= hi:
                return "%d is outside the C %s range" % (number, ctype)
        return None
    if kind in ("cstr", "path", "opt-path", "wpath"):
        raw = value
        if isinstance(value, (PathObject, pathlib.PurePath)):
            raw = os.fspath(value)
        if isinstance(raw, str) and "\0" in raw:
            return "the string contains a NUL byte"
        if isinstance(raw, bytes) and b"\0" in raw:
            return "the string contains a NUL byte"
    return None


def check_result(ep, args, result):
    """Extra checks on a successful call's result."""
    if ep.name == "SSL.Connection.recv_into":
        try:
            size = memoryview(args[0]).nbytes
        except TypeError:
            size = None
        if size is not None:
            assert result <= size, (
                "recv_into returned %d for a %d-byte buffer" % (result, size))
    if ep.name in ("SSL.Connection.recv", "SSL.Connection.read",
                   "SSL.Connection.bio_read", "rand.bytes"):
        limit = _as_index(args[0])
        assert limit is not None and len(result) <= max(limit, 0), (
            "%s(%r) returned %d bytes" % (ep.name, args[0], len(result)))


def run_entry(world, ep, args, fuzzed=None):
    """Call *ep* with *args*; enforce the rules.  *fuzzed*: the index of
    the parameter holding the bad value (the others are valid)."""
    rule = None
    if fuzzed is not None:
        rule = broken_rule(ep.params[fuzzed], args[fuzzed])
    drain_errors()
    raised = None
    try:
        with quiet(world):
            result = ep.call(world, *args)
    except DOCUMENTED + ep.allowed as exc:
        raised = exc
    except NotImplementedError:
        drain_errors()
        return "not implemented"
    left = drain_errors()
    desc = "%s(%s)" % (ep.name, ", ".join(
        "%s=%r" % (p.name, a) if i == fuzzed else "..."
        for i, (p, a) in enumerate(zip(ep.params, args))))
    assert left == [], "%s left errors on OpenSSL's queue: %s" % (desc, left)
    if raised is None:
        assert rule is None, "%s was accepted, but %s" % (desc, rule)
        check_result(ep, args, result)
        return "ok"
    if type(raised) in (SSL.Error, crypto.Error, rand.Error):
        assert has_reason(raised), "%s raised an Error without a reason" % (
            desc,)
    if rule is not None:
        refusals = ep.params[fuzzed].refusals
        assert isinstance(raised, refusals + (TypeError,)), (
            "%s raised %r, but %s: it must be refused with %s" % (
                desc, raised, rule, " or ".join(
                    e.__name__ for e in refusals)))
    return type(raised).__name__


def valid_args(world, ep):
    return [prm.valid(world) for prm in ep.params]


# The tests -------------------------------------------------------------------

IDS = [ep.name for ep in ENTRY_POINTS]


def _probe(world, ep):
    """Call *ep* with valid arguments: skip when this build lacks it."""
    outcome = run_entry(world, ep, valid_args(world, ep))
    if outcome == "not implemented":
        pytest.skip("%s is not available on this build" % ep.name)


@pytest.mark.parametrize("ep", ENTRY_POINTS, ids=IDS)
def test_valid_arguments_work(world, ep):
    """The table's valid arguments are valid (so that bad ones are the
    only cause of what the other tests see)."""
    drain_errors()
    try:
        with quiet(world):
            ep.call(world, *valid_args(world, ep))
    except NotImplementedError:
        pytest.skip("%s is not available on this build" % ep.name)
    drain_errors()


@pytest.mark.parametrize("ep", ENTRY_POINTS, ids=IDS)
def test_canonical_bad_values(world, ep):
    """Every parameter with the edge values of its kind, deterministic."""
    _probe(world, ep)
    canonical = {
        "int": [2 ** 31, -2 ** 31 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 63,
                -2 ** 63 - 1, 2 ** 64, 2 ** 64 + 5, -1, Index(2 ** 64),
                None, 1.5],
        "cstr": ["a\0b", b"a\0b", "\0", b"", "\udcff", None, 1],
        "path": ["a\0b", b"a\0b", "", None, 1, "x" * 5000],
    }
    for index, prm in enumerate(ep.params):
        family = ("int" if prm.kind.startswith("int:") else
                  "path" if prm.kind in ("path", "opt-path", "wpath")
                  else prm.kind)
        for value in canonical.get(family, ()):
            number = _as_index(value) if family == "int" else None
            if number is not None and too_big(prm.kind[4:], number):
                continue
            args = valid_args(world, ep)
            args[index] = value
            run_entry(world, ep, args, index)


@pytest.mark.parametrize("ep", ENTRY_POINTS, ids=IDS)
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          derandomize=not os.environ.get("PYOSSL_HYPOTHESIS_RANDOM"),
          suppress_health_check=list(HealthCheck),
          # No shrinking: the failure messages name the value, and
          # test_canonical_bad_values gives the minimal cases.
          phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(data=st.data())
def test_bad_inputs(world, ep, data):
    """One parameter gets a value drawn from its kind's bad values, the
    others stay valid: only documented exceptions, no silent truncation,
    no stale errors, no ``Error([])``."""
    if ep.params[0].kind == "any" and len(ep.params) == 1:
        return
    _probe(world, ep)
    args = valid_args(world, ep)
    fuzzable = [i for i, prm in enumerate(ep.params)]
    index = data.draw(st.sampled_from(fuzzable), label="parameter")
    args[index] = data.draw(strategy_for(ep.params[index].kind, world),
                            label=ep.params[index].name)
    run_entry(world, ep, args, index)


def _public_callables():
    """``module.Class.method`` / ``module.function`` names of the public
    API that take at least one argument."""
    import inspect
    names = set()
    classes = {
        "SSL": ["Context", "Connection", "Session"],
        "crypto": ["X509", "X509Name", "X509Req", "X509Extension",
                   "X509Store", "X509StoreContext", "PKey", "CRL", "Revoked",
                   "PKCS7", "PKCS12", "NetscapeSPKI"],
    }
    functions = {
        "SSL": [n for n in SSL.__all__ if inspect.isfunction(getattr(SSL, n))],
        # __all__ and getattr, not vars(): the facade is lazy, so vars()
        # holds only the names used so far.
        "crypto": [n for n in crypto.__all__
                   if inspect.isfunction(getattr(crypto, n))
                   and (n.startswith(("load_", "dump_", "get_elliptic"))
                        or n in ("sign", "verify"))],
        "rand": [n for n in rand.__all__
                 if inspect.isfunction(getattr(rand, n))],
    }
    modules = {"SSL": SSL, "crypto": crypto, "rand": rand}

    def takes_arguments(func, is_method):
        try:
            sig = inspect.signature(func)
        except (TypeError, ValueError):
            return True
        params = list(sig.parameters.values())[1 if is_method else 0:]
        return bool(params)

    for modname, names_ in functions.items():
        for n in names_:
            if takes_arguments(getattr(modules[modname], n), False):
                names.add("%s.%s" % (modname, n))
    for modname, classnames in classes.items():
        for cname in classnames:
            cls = getattr(modules[modname], cname)
            for attr in dir(cls):
                if attr.startswith("_") and attr != "__init__":
                    continue
                raw = inspect.getattr_static(cls, attr)
                if isinstance(raw, (staticmethod, classmethod)):
                    func, is_method = raw.__func__, isinstance(
                        raw, classmethod)
                elif inspect.isfunction(raw):
                    func, is_method = raw, True
                else:
                    continue
                module = getattr(func, "__module__", None) or ""
                if module.split(".")[0] != "pyossl":
                    continue
                if not takes_arguments(func, is_method):
                    continue
                if attr == "__init__":
                    names.add("%s.%s" % (modname, cname))
                else:
                    names.add("%s.%s.%s" % (modname, cname, attr))
    return names


def test_every_public_entry_point_is_fuzzed():
    covered = {ep.name for ep in ENTRY_POINTS}
    missing = sorted(_public_callables() - covered - set(NOT_FUZZED))
    print("\nproperty-based suite: %d entry points, %d parameters"
          % (len(ENTRY_POINTS), sum(len(ep.params) for ep in ENTRY_POINTS)))
    assert not missing, "public entry points not in ENTRY_POINTS: %s" % (
        ", ".join(missing))
