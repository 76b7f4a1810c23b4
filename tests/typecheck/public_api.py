"""User code over pyossl's public API, checked with ``mypy --strict``.

``tools/check-types --user`` (the nox ``typing`` session) type-checks this
file, and the examples, as a user's program: pyossl must be typed well
enough that strict code calling it needs no ``cast``, no ``Any`` and no
``type: ignore``.  ``tests/test_typing.py`` also runs it, so that what is
checked is code that works, and checks that every public function and
method has complete annotations (what makes a strict check of *any* call
possible).

It touches the package functions (:func:`pyossl.use_openssl`,
:func:`pyossl.openssl_info` and its typed result) and each public class of
:mod:`pyossl.crypto`, :mod:`pyossl.SSL` and :mod:`pyossl.rand`.
"""

import os
import socket
import tempfile
from typing import List, Optional, Tuple

import pyossl
from pyossl import SSL, crypto, rand


def choose_build(directory: Optional[str]) -> None:
    """use_openssl takes text or path objects; only before the first use."""
    if directory is not None:
        pyossl.use_openssl(directory=directory)


def describe() -> Tuple[str, int, bool, List[str]]:
    info: pyossl.OpenSSLInfo = pyossl.openssl_info()
    version: str = info["version"]
    major, minor, patch = info["version_info"]
    trust: pyossl.TrustInfo = info["trust"]
    roots: bool = trust["roots_found"] and trust["certificates_in_file"] >= 0
    prov: pyossl.ProvidersInfo = info["providers"]
    active: List[str] = prov["active"] + ([] if prov["fips_mode"] else [])
    assert isinstance(prov["legacy"], str) and major + minor + patch >= 0
    return version, info["version_number"], roots, active


def make_key_and_cert() -> Tuple[crypto.PKey, crypto.X509]:
    key = crypto.PKey()
    key.generate_key(crypto.TYPE_RSA, 2048)
    bits: int = key.bits()
    kind: int = key.type()
    assert key.check() and bits == 2048 and kind == crypto.TYPE_RSA
    cert = crypto.X509()
    cert.set_version(2)
    cert.set_serial_number(7)
    subject: crypto.X509Name = cert.get_subject()
    subject.CN = "localhost"
    subject.O = "pyossl typing"
    cert.set_issuer(subject)
    cert.gmtime_adj_notBefore(-60)
    cert.gmtime_adj_notAfter(3600)
    cert.set_pubkey(key)
    cert.add_extensions([
        crypto.X509Extension(b"basicConstraints", True, b"CA:TRUE"),
        crypto.X509Extension(b"subjectAltName", False, b"DNS:localhost"),
    ])
    cert.sign(key, "sha256")
    return key, cert


def inspect_cert(cert: crypto.X509) -> List[str]:
    lines: List[str] = []
    not_after: Optional[bytes] = cert.get_notAfter()
    digest: bytes = cert.digest("sha256")
    serial: int = cert.get_serial_number()
    expired: bool = cert.has_expired()
    components: List[Tuple[bytes, bytes]] = \
        cert.get_subject().get_components()
    for index in range(cert.get_extension_count()):
        ext: crypto.X509Extension = cert.get_extension(index)
        lines.append(ext.get_short_name().decode() + ": " + str(ext))
    lines.append("%r %r %d %r %r" % (not_after, digest, serial, expired,
                                     components))
    pem: bytes = crypto.dump_certificate(crypto.FILETYPE_PEM, cert)
    again: crypto.X509 = crypto.load_certificate(crypto.FILETYPE_PEM, pem)
    assert again.get_subject() == cert.get_subject()
    return lines


def request_and_sign(key: crypto.PKey, cert: crypto.X509) -> bytes:
    req = crypto.X509Req()
    req.get_subject().CN = "client"
    req.set_pubkey(key)
    req.sign(key, "sha256")
    assert req.verify(key)
    der: bytes = crypto.dump_certificate_request(crypto.FILETYPE_ASN1, req)
    signature: bytes = crypto.sign(key, b"data", "sha256")
    crypto.verify(cert, signature, b"data", "sha256")
    return der + signature


def keys(key: crypto.PKey) -> bytes:
    pem: bytes = crypto.dump_privatekey(crypto.FILETYPE_PEM, key)
    loaded: crypto.PKey = crypto.load_privatekey(crypto.FILETYPE_PEM, pem)
    public: bytes = crypto.dump_publickey(crypto.FILETYPE_PEM, loaded)
    return crypto.dump_publickey(
        crypto.FILETYPE_ASN1, crypto.load_publickey(crypto.FILETYPE_PEM,
                                                    public))


def store_and_crl(cert: crypto.X509, key: crypto.PKey) -> bool:
    store = crypto.X509Store()
    store.add_cert(cert)
    store.set_flags(crypto.X509StoreFlags.X509_STRICT)
    crl = crypto.CRL()
    revoked = crypto.Revoked()
    revoked.set_serial(b"0A")
    revoked.set_rev_date(b"20260101000000Z")
    revoked.set_reason(b"keyCompromise")
    crl.add_revoked(revoked)
    crl.set_lastUpdate(b"20260101000000Z")
    crl.set_nextUpdate(b"20360101000000Z")
    crl.sign(cert, key, b"sha256")
    exported: bytes = crypto.dump_crl(crypto.FILETYPE_PEM, crl)
    reloaded: crypto.CRL = crypto.load_crl(crypto.FILETYPE_PEM, exported)
    listed: Optional[Tuple[crypto.Revoked, ...]] = reloaded.get_revoked()
    context = crypto.X509StoreContext(store, cert)
    try:
        context.verify_certificate()
    except crypto.X509StoreContextError as exc:
        failed: Optional[crypto.X509] = exc.certificate
        return failed is None
    return listed is not None


def pkcs12(cert: crypto.X509, key: crypto.PKey) -> Optional[bytes]:
    bundle = crypto.PKCS12()
    bundle.set_certificate(cert)
    bundle.set_privatekey(key)
    bundle.set_friendlyname(b"typed")
    data: bytes = bundle.export(b"secret")
    loaded: crypto.PKCS12 = crypto.load_pkcs12(data, b"secret")
    name: Optional[bytes] = loaded.get_friendlyname()
    return name


def spki(key: crypto.PKey) -> bytes:
    netscape = crypto.NetscapeSPKI()
    netscape.set_pubkey(key)
    netscape.sign(key, "sha256")
    return netscape.b64_encode()


def randomness() -> bytes:
    rand.add(b"entropy", 7)
    rand.seed(b"more")
    ok: bool = rand.status() == 1
    return rand.bytes(16) if ok else b""


def tls_round_trip(key: crypto.PKey, cert: crypto.X509) -> Tuple[str, bytes]:
    server_ctx = SSL.Context(SSL.TLS_METHOD)
    server_ctx.use_certificate(cert)
    server_ctx.use_privatekey(key)
    server_ctx.set_options(SSL.OP_NO_SSLv2 | SSL.OP_NO_SSLv3)

    def verify(conn: SSL.Connection, peer: crypto.X509, errno: int,
               depth: int, ok: int) -> bool:
        return bool(ok)

    client_ctx = SSL.Context(SSL.TLS_METHOD)
    client_ctx.set_verify(SSL.VERIFY_PEER, verify)
    store: Optional[crypto.X509Store] = client_ctx.get_cert_store()
    assert store is not None
    store.add_cert(cert)
    a, b = socket.socketpair()
    server = SSL.Connection(server_ctx, a)
    server.set_accept_state()
    client = SSL.Connection(client_ctx, b)
    client.set_tlsext_host_name(b"localhost")
    client.set_connect_state()
    a.setblocking(False)
    b.setblocking(False)
    try:
        for _ in range(200):
            finished = 0
            for conn in (client, server):
                try:
                    conn.do_handshake()
                    finished += 1
                except SSL.WantReadError:
                    pass
            if finished == 2:
                break
        sent: int = client.send(b"ping")
        reply = b""
        for _ in range(200):
            try:
                reply = server.recv(1024)
                break
            except SSL.WantReadError:
                continue
        version: str = client.get_protocol_version_name()
        cipher: Optional[str] = client.get_cipher_name()
        peer: Optional[crypto.X509] = client.get_peer_certificate()
        assert sent == 4 and cipher and peer is not None
        return version, reply
    finally:
        a.close()
        b.close()


def files(cert: crypto.X509) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "ca.pem")
        with open(path, "wb") as f:
            f.write(crypto.dump_certificate(crypto.FILETYPE_PEM, cert))
        ctx = SSL.Context(SSL.TLS_METHOD)
        ctx.load_verify_locations(path)
        ctx.set_default_verify_paths()
        return len(path)


def main() -> int:
    choose_build(None)
    version, number, roots, active = describe()
    key, cert = make_key_and_cert()
    lines = inspect_cert(cert)
    blobs = [request_and_sign(key, cert), keys(key), spki(key), randomness()]
    verified = store_and_crl(cert, key)
    name = pkcs12(cert, key)
    protocol, reply = tls_round_trip(key, cert)
    files(cert)
    print("%s (0x%x), roots %s, providers %s, %d extension lines, "
          "%d blobs, verified %s, PKCS12 name %r, %s reply %r"
          % (version, number, roots, active, len(lines), len(blobs),
             verified, name, protocol, reply))
    return 0 if reply == b"ping" else 1


if __name__ == "__main__":
    raise SystemExit(main())
