"""Load a PKCS#12 bundle and export it again with a new passphrase.

A PKCS#12 (``.p12``/``.pfx``) file bundles a certificate, its private key
and the CA certificates of its chain, protected by a passphrase.  This
script makes one (so that it has something to load), writes it to a file,
loads it back with :func:`~pyossl.crypto.load_pkcs12`, checks what came
out, changes the friendly name and re-exports it under another passphrase.
If the ``openssl`` command is installed it also reads the re-exported
file with it, as a check that another implementation understands it.

Run: ``python3 examples/pkcs12_bundle.py``
"""

import os
import shutil
import subprocess
import sys
import tempfile

from pyossl import crypto

from make_ca import issue, make_ca


def pem(cert: crypto.X509) -> bytes:
    return crypto.dump_certificate(crypto.FILETYPE_PEM, cert)


def main() -> int:
    ca_cert, ca_key = make_ca()
    cert, key = issue(ca_cert, ca_key, "localhost", names=("DNS:localhost",))

    original = crypto.PKCS12()
    original.set_certificate(cert)
    original.set_privatekey(key)
    original.set_ca_certificates([ca_cert])
    original.set_friendlyname(b"example server")
    folder = tempfile.mkdtemp(prefix="pyossl-p12-")
    try:
        path = os.path.join(folder, "bundle.p12")
        with open(path, "wb") as f:
            f.write(original.export(passphrase=b"first secret"))

        # Load it, as one would load a bundle received from elsewhere.
        with open(path, "rb") as f:
            bundle = crypto.load_pkcs12(f.read(), b"first secret")
        loaded_cert = bundle.get_certificate()
        loaded_key = bundle.get_privatekey()
        cas = bundle.get_ca_certificates()
        assert loaded_cert is not None and loaded_key is not None
        assert cas is not None
        assert pem(loaded_cert) == pem(cert)
        assert crypto.dump_privatekey(
            crypto.FILETYPE_PEM, loaded_key) == \
            crypto.dump_privatekey(crypto.FILETYPE_PEM, key)
        assert [pem(c) for c in cas] == [pem(ca_cert)]
        assert bundle.get_friendlyname() == b"example server"
        print("loaded: %s, key of %d bits, %d CA certificate(s), name %r" % (
            loaded_cert.get_subject().CN,
            loaded_key.bits(), len(cas),
            bundle.get_friendlyname()))

        with open(path, "rb") as f:
            data = f.read()
        try:
            crypto.load_pkcs12(data, b"wrong")
        except crypto.Error:
            print("a wrong passphrase is refused")
        else:
            raise AssertionError("a wrong passphrase was accepted")

        # Re-export under a new passphrase and name.
        bundle.set_friendlyname(b"renamed")
        again = bundle.export(passphrase=b"second secret", iter=4096)
        path2 = os.path.join(folder, "renamed.p12")
        with open(path2, "wb") as f:
            f.write(again)
        reloaded = crypto.load_pkcs12(again, b"second secret")
        assert reloaded.get_friendlyname() == b"renamed"
        reloaded_cert = reloaded.get_certificate()
        assert reloaded_cert is not None
        assert pem(reloaded_cert) == pem(cert)
        print("re-exported %d bytes under a new passphrase" % len(again))

        openssl = shutil.which("openssl")
        if openssl:
            env = dict(os.environ)
            env.pop("LD_LIBRARY_PATH", None)
            out = subprocess.run(
                [openssl, "pkcs12", "-in", path2, "-passin",
                 "pass:second secret", "-nokeys", "-clcerts"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                timeout=60)
            if out.returncode == 0:
                assert b"BEGIN CERTIFICATE" in out.stdout
                print("the openssl command reads it too")
            else:
                # An old bundle cipher that a new openssl command keeps in
                # its legacy provider; not a failure of this example.
                print("the openssl command could not read it: %s" %
                      out.stderr.decode(errors="replace").strip()[:200])
    finally:
        shutil.rmtree(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
