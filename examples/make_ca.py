"""Make a certificate authority and issue a server and a client certificate.

Creates a self-signed CA, then a server certificate for ``localhost`` and
``127.0.0.1`` and a client certificate, each with its own 2048-bit RSA key
and the extensions TLS peers look for.  Checks both against the CA with an
:class:`~pyossl.crypto.X509Store`, and writes the six PEM files into the
folder given on the command line (default: the current folder).

The other examples import ``make_ca()`` and ``issue()`` from here.

Run: ``python3 examples/make_ca.py [FOLDER]``
"""

import os
import sys
from typing import List, Sequence, Tuple

from pyossl import crypto

DAY = 24 * 60 * 60
_serial: List[int] = [1000]


def new_key(bits: int = 2048) -> crypto.PKey:
    """A fresh RSA key."""
    key = crypto.PKey()
    key.generate_key(crypto.TYPE_RSA, bits)
    return key


def _new_cert(common_name: str, key: crypto.PKey, days: int) -> crypto.X509:
    cert = crypto.X509()
    cert.set_version(2)                          # X.509 v3
    _serial[0] += 1
    cert.set_serial_number(_serial[0])
    cert.get_subject().O = "pyossl examples"
    cert.get_subject().CN = common_name
    cert.gmtime_adj_notBefore(-60)               # allow a little clock skew
    cert.gmtime_adj_notAfter(days * DAY)
    cert.set_pubkey(key)
    return cert


def make_ca(common_name: str = "pyossl example CA",
            days: int = 3650) -> Tuple[crypto.X509, crypto.PKey]:
    """A self-signed CA certificate and its key: ``(cert, key)``."""
    key = new_key()
    cert = _new_cert(common_name, key, days)
    cert.set_issuer(cert.get_subject())
    cert.add_extensions([
        crypto.X509Extension(b"basicConstraints", True, b"CA:TRUE"),
        crypto.X509Extension(b"keyUsage", True, b"keyCertSign, cRLSign"),
        crypto.X509Extension(b"subjectKeyIdentifier", False, b"hash",
                             subject=cert),
    ])
    cert.sign(key, "sha256")
    return cert, key


def issue(ca_cert: crypto.X509, ca_key: crypto.PKey, common_name: str,
          server: bool = True, names: Sequence[str] = (),
          days: int = 825) -> Tuple[crypto.X509, crypto.PKey]:
    """A certificate signed by the CA, and its key: ``(cert, key)``.

    :param server: a TLS server certificate (else a client certificate).
    :param names: subjectAltName entries such as ``"DNS:localhost"``.
    """
    key = new_key()
    cert = _new_cert(common_name, key, days)
    cert.set_issuer(ca_cert.get_subject())
    usage = b"serverAuth" if server else b"clientAuth"
    extensions = [
        crypto.X509Extension(b"basicConstraints", True, b"CA:FALSE"),
        crypto.X509Extension(b"keyUsage", True,
                             b"digitalSignature, keyEncipherment"),
        crypto.X509Extension(b"extendedKeyUsage", False, usage),
        crypto.X509Extension(b"authorityKeyIdentifier", False,
                             b"keyid:always", issuer=ca_cert),
    ]
    if names:
        extensions.append(crypto.X509Extension(
            b"subjectAltName", False, ", ".join(names).encode("ascii")))
    cert.add_extensions(extensions)
    cert.sign(ca_key, "sha256")
    return cert, key


def verify(ca_cert: crypto.X509, cert: crypto.X509) -> None:
    """Raise :class:`~pyossl.crypto.X509StoreContextError` unless *cert*
    chains to *ca_cert*."""
    store = crypto.X509Store()
    store.add_cert(ca_cert)
    crypto.X509StoreContext(store, cert).verify_certificate()


def write_pem(folder: str, name: str, cert: crypto.X509,
              key: crypto.PKey) -> None:
    """Write ``<name>.pem`` and ``<name>.key`` into *folder*."""
    with open(os.path.join(folder, name + ".pem"), "wb") as f:
        f.write(crypto.dump_certificate(crypto.FILETYPE_PEM, cert))
    with open(os.path.join(folder, name + ".key"), "wb") as f:
        f.write(crypto.dump_privatekey(crypto.FILETYPE_PEM, key))


def main(folder: str = ".") -> int:
    ca_cert, ca_key = make_ca()
    server_cert, server_key = issue(
        ca_cert, ca_key, "localhost",
        names=("DNS:localhost", "IP:127.0.0.1"))
    client_cert, client_key = issue(ca_cert, ca_key, "example client",
                                    server=False)

    for cert in (server_cert, client_cert):
        verify(ca_cert, cert)
        assert cert.get_issuer() == ca_cert.get_subject()
        assert not cert.has_expired()

    for name, cert, key in (("ca", ca_cert, ca_key),
                            ("server", server_cert, server_key),
                            ("client", client_cert, client_key)):
        write_pem(folder, name, cert, key)
        print("%-7s %-20s serial %d, SHA-256 %s..." % (
            name, cert.get_subject().CN, cert.get_serial_number(),
            cert.digest("sha256").decode("ascii")[:23]))
    print("wrote ca, server and client .pem/.key files to %s"
          % os.path.abspath(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
