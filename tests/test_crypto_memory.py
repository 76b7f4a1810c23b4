"""Creating and dropping many certificates, names and keys keeps memory flat.

Runs on the system build only (a leak is a property of our wrappers, not of
the build).  Counts: 100,000 certificate + name cycles, 30,000 cycles of a
certificate loaded from DER (extension, issuer view), 15,000 key cycles
(load, public key from a certificate, empty key); each test takes a few
seconds here.  RSS may grow by at most 16 MiB after warm-up; leaking one
small X509_NAME per certificate cycle makes it grow by about 32 MiB.
Measured on CPython 3.11 / OpenSSL 3.0: 0 KiB of growth in each.
"""

import gc
import platform
import sys

import pytest

from conftest import SYSTEM_BUILD, rss_kib
from pyossl import crypto
from pyossl._runtime.library import lib
from pyossl.crypto import FILETYPE_ASN1, TYPE_RSA

pytestmark = pytest.mark.skipif(
    not (SYSTEM_BUILD and sys.platform.startswith("linux")),
    reason="memory-flatness loops run on the system build (Linux /proc)")

CERT_CYCLES = 100000
LOAD_CYCLES = 30000
KEY_CYCLES = 15000
MAX_GROWTH_KB = 16 * 1024


# PyPy frees an object only when its garbage collector notices it; with a
# large nursery (240 MB on this machine) that is rarely, and the OpenSSL
# memory behind the small wrappers piles up until then.  To measure leaks,
# not the collector's pace, collect every 1,000 cycles there.
COLLECT_EVERY = 1000 if platform.python_implementation() == "PyPy" else 0


def measure(cycle, count):
    for _ in range(min(2000, count // 10)):      # warm up allocator/caches
        cycle()
    gc.collect()
    before = rss_kib()
    for i in range(count):
        cycle()
        if COLLECT_EVERY and i % COLLECT_EVERY == 0:
            gc.collect()
    gc.collect()
    return rss_kib() - before


@pytest.fixture(scope="module")
def material():
    key = crypto.PKey()
    key.generate_key(TYPE_RSA, 2048)
    cert = crypto.X509()
    cert.get_subject().CN = "memory"
    cert.set_issuer(cert.get_subject())
    cert.set_pubkey(key)
    cert.gmtime_adj_notBefore(0)
    cert.gmtime_adj_notAfter(60)
    cert.add_extensions([crypto.X509Extension(b"basicConstraints", False,
                                              b"CA:FALSE")])
    cert.sign(key, "sha256")
    return (key, crypto.dump_privatekey(FILETYPE_ASN1, key),
            crypto.dump_certificate(FILETYPE_ASN1, cert))


def test_certificates_and_names_stay_flat():
    def cycle():
        cert = crypto.X509()
        subject = cert.get_subject()
        subject.CN = "x"
        copy = crypto.X509Name(subject)
        copy.O = "y"
        cert.set_issuer(copy)
        cert.set_serial_number(2 ** 70)
    growth = measure(cycle, CERT_CYCLES)
    assert growth < MAX_GROWTH_KB, "RSS grew by %d KiB" % growth


def test_loaded_certificates_stay_flat(material):
    _, _, cert_der = material

    def cycle():
        loaded = crypto.load_certificate(FILETYPE_ASN1, cert_der)
        str(loaded.get_extension(0))
        loaded.get_issuer().CN
        loaded.get_pubkey()
    growth = measure(cycle, LOAD_CYCLES)
    assert growth < MAX_GROWTH_KB, "RSS grew by %d KiB" % growth


def test_keys_stay_flat(material):
    _, key_der, cert_der = material
    cert = crypto.load_certificate(FILETYPE_ASN1, cert_der)

    def cycle():
        key = crypto.load_privatekey(FILETYPE_ASN1, key_der)
        key.bits()
        cert.get_pubkey()
        crypto.PKey()
    growth = measure(cycle, KEY_CYCLES)
    assert growth < MAX_GROWTH_KB, "RSS grew by %d KiB" % growth
    assert lib.ERR_peek_error() == 0
