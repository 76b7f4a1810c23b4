"""Verify certificates against a CA and a certificate revocation list.

Issues two certificates from a fresh CA, revokes one of them in a CRL
signed by the CA, and verifies both with an
:class:`~pyossl.crypto.X509Store` that holds the CA and the CRL and has
:attr:`~pyossl.crypto.X509StoreFlags.CRL_CHECK` set: the good certificate
passes, the revoked one fails with "certificate revoked".  Also shows the
CRL surviving a PEM round trip.

Run: ``python3 examples/crl_verify.py``
"""

import sys
from typing import Iterable, Optional

from pyossl import crypto

from make_ca import issue, make_ca


def make_crl(ca_cert: crypto.X509, ca_key: crypto.PKey,
             revoked_serials: Iterable[int]) -> bytes:
    """A CRL signed by the CA that revokes *revoked_serials*, as PEM."""
    crl = crypto.CRL()
    for serial in revoked_serials:
        revoked = crypto.Revoked()
        revoked.set_serial(b"%x" % serial)          # hexadecimal, as bytes
        revoked.set_rev_date(b"20250101000000Z")
        revoked.set_reason(b"keyCompromise")
        crl.add_revoked(revoked)
    return crl.export(ca_cert, ca_key, crypto.FILETYPE_PEM, days=30,
                      digest=b"sha256")


def check(store: crypto.X509Store, cert: crypto.X509) -> Optional[str]:
    """Return ``None`` if *cert* verifies, else OpenSSL's reason."""
    try:
        crypto.X509StoreContext(store, cert).verify_certificate()
    except crypto.X509StoreContextError as exc:
        # args: ([error number, depth, reason text], ...)
        reason: str = exc.args[0][2]
        return reason
    return None


def main() -> int:
    ca_cert, ca_key = make_ca()
    good, _ = issue(ca_cert, ca_key, "good.example",
                    names=("DNS:good.example",))
    bad, _ = issue(ca_cert, ca_key, "revoked.example",
                   names=("DNS:revoked.example",))

    pem = make_crl(ca_cert, ca_key, [bad.get_serial_number()])
    crl = crypto.load_crl(crypto.FILETYPE_PEM, pem)
    serials = [int(r.get_serial(), 16) for r in crl.get_revoked() or ()]
    assert serials == [bad.get_serial_number()], serials
    assert crl.get_issuer() == ca_cert.get_subject()
    print("CRL from %s revokes serial(s) %s" % (crl.get_issuer().CN,
                                                serials))

    store = crypto.X509Store()
    store.add_cert(ca_cert)
    store.add_crl(crl)
    store.set_flags(crypto.X509StoreFlags.CRL_CHECK)

    assert check(store, good) is None
    print("good.example:    verified")
    reason = check(store, bad)
    assert reason is not None and "revoked" in reason, reason
    print("revoked.example: rejected (%s)" % reason)

    # Without the CRL check the revoked certificate would pass.
    plain = crypto.X509Store()
    plain.add_cert(ca_cert)
    assert check(plain, bad) is None
    return 0


if __name__ == "__main__":
    sys.exit(main())
