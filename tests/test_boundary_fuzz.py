"""Every loader fed mutated inputs, in child processes (issue 10).

Loaders: ``load_certificate``, ``load_privatekey``, ``load_publickey``,
``load_certificate_request``, ``load_crl``, ``load_pkcs7_data`` (PEM and
DER each), ``load_pkcs12`` (DER) and ``NetscapeSPKI(b64)``.  Seeds are
real files made by the openssl command and by pyossl (RSA and EC keys,
encrypted keys, certificates with many extensions, CRLs with entries,
signed PKCS#7...).  Each mutant is loaded and, when it loads, walked
(names, extensions, text dumps, re-encoding), since a malformed object
often fails later than at parse time.

A mutant may load or be refused with ``crypto.Error``/``ValueError``;
anything else (another exception, a crash, a hang) fails the test, naming
the mutant (its file is kept in the test's temporary folder).  Mutants are
deterministic (see ``boundary_helpers.make_mutant``): ``PYOSSL_FUZZ_SEED``
(default ``pyossl``) picks another set.

Count per loader: ``--fuzz-count N`` or ``PYOSSL_FUZZ_COUNT`` (default
2000; the issue's measurement uses 100,000, and a million runs in chunks
of ``PYOSSL_FUZZ_CHUNK`` mutants per child, default 50,000).
"""

import base64
import os

import pytest

from boundary_helpers import (check_child, env_int, make_mutant,
                              read_index_file, run_child)
from conftest import run_openssl
from pyossl import crypto

LOADERS = [
    "certificate-pem", "certificate-der", "privatekey-pem", "privatekey-der",
    "publickey-pem", "publickey-der", "request-pem", "request-der",
    "crl-pem", "crl-der", "pkcs7-pem", "pkcs7-der", "pkcs12-der", "spki-b64",
]
DEFAULT_COUNT = 2000
SEED = os.environ.get("PYOSSL_FUZZ_SEED", "pyossl")
CHUNK = env_int("PYOSSL_FUZZ_CHUNK", 50000)
MAX_FAILURES = 5        # per loader: then stop and report
P, A = crypto.FILETYPE_PEM, crypto.FILETYPE_ASN1


@pytest.fixture(scope="module")
def fuzz_count(request):
    count = request.config.getoption("--fuzz-count", default=None)
    if count is None:
        count = env_int("PYOSSL_FUZZ_COUNT", DEFAULT_COUNT)
    return count


def _try_openssl(*args):
    """The openssl command's output, or None where this one cannot make
    the file (the seed is then left out)."""
    try:
        return run_openssl(*args)
    except AssertionError:
        return None


@pytest.fixture(scope="module")
def seeds(pki, tmp_path_factory):
    """loader name -> list of seed inputs (bytes)."""
    tmp = tmp_path_factory.mktemp("fuzz-seeds")

    def path(name):
        return str(tmp / name)

    # A certificate with many kinds of extensions.
    ext = path("rich.ext")
    with open(ext, "w") as f:
        f.write(
            "basicConstraints=critical,CA:TRUE,pathlen:2\n"
            "keyUsage=critical,digitalSignature,keyCertSign,cRLSign\n"
            "extendedKeyUsage=serverAuth,clientAuth,codeSigning\n"
            "subjectKeyIdentifier=hash\n"
            "authorityKeyIdentifier=keyid,issuer\n"
            "subjectAltName=DNS:a.example,IP:10.0.0.1,IP:::1,"
            "email:a@example.com,URI:https://example.com/x,"
            "RID:1.2.3.4,dirName:dir_sect\n"
            "issuerAltName=issuer:copy\n"
            "nameConstraints=permitted;DNS:.example,excluded;IP:10.0.0.0/"
            "255.0.0.0\n"
            "certificatePolicies=1.2.3.4,@policy_sect\n"
            "crlDistributionPoints=URI:http://example.com/crl\n"
            "authorityInfoAccess=OCSP;URI:http://ocsp.example.com,"
            "caIssuers;URI:http://example.com/ca\n"
            "nsComment=\"fuzz seed\"\n"
            "[dir_sect]\nC=US\nO=Example\nCN=dir\n"
            "[policy_sect]\npolicyIdentifier=1.3.5.8\n"
            "CPS.1=\"http://example.com/cps\"\n"
            "userNotice.1=@notice\n"
            "[notice]\nexplicitText=\"notice text\"\norganization=\"Org\"\n"
            "noticeNumbers=1,2\n")
    rich_csr = path("rich.csr")
    rich_key = path("rich.key")
    run_openssl("req", "-new", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", rich_key,
                "-out", rich_csr, "-subj",
                "/C=US/ST=CA/L=Town/O=Fuzz/OU=Unit/CN=rich.example"
                "/emailAddress=rich@example.com")
    rich_cert = path("rich.pem")
    run_openssl("x509", "-req", "-in", rich_csr, "-CA", pki.ca_cert,
                "-CAkey", pki.ca_key, "-set_serial", "123456789",
                "-days", "30", "-sha256", "-extfile", ext, "-out", rich_cert)

    def load_pem_cert(name):
        with open(name, "rb") as f:
            return crypto.load_certificate(P, f.read())

    certs = [load_pem_cert(n) for n in (pki.server_cert, pki.ca_cert,
                                        rich_cert)]
    with open(pki.server_key, "rb") as f:
        rsa = crypto.load_privatekey(P, f.read())
    with open(rich_key, "rb") as f:
        ec = crypto.load_privatekey(P, f.read())
    keys = [rsa, ec]

    key_pems = [crypto.dump_privatekey(P, k) for k in keys]
    key_pems.append(crypto.dump_privatekey(P, rsa, "aes-128-cbc",
                                           b"sesame"))
    for extra in (("rsa", "-in", pki.server_key, "-traditional"),
                  ("pkcs8", "-topk8", "-in", pki.client_key, "-v2",
                   "aes-128-cbc", "-passout", "pass:sesame")):
        out = _try_openssl(*extra)
        if out:
            key_pems.append(out)
    key_ders = [crypto.dump_privatekey(A, k) for k in keys]
    pkcs8_der = _try_openssl("pkcs8", "-topk8", "-nocrypt", "-in",
                             pki.server_key, "-outform", "DER")
    if pkcs8_der:
        key_ders.append(pkcs8_der)

    with open(pki.path("server.csr"), "rb") as f:
        csr_pems = [f.read()]
    with open(rich_csr, "rb") as f:
        csr_pems.append(f.read())
    reqs = [crypto.load_certificate_request(P, c) for c in csr_pems]
    req = crypto.X509Req()
    req.get_subject().CN = "with extensions"
    req.set_pubkey(rsa)
    req.add_extensions([
        crypto.X509Extension(b"subjectAltName", False,
                             b"DNS:a.example, IP:127.0.0.1"),
        crypto.X509Extension(b"basicConstraints", True, b"CA:FALSE")])
    req.sign(rsa, "sha256")
    reqs.append(req)

    ca_key = crypto.load_privatekey(P, pki.read("ca_key"))
    crl = crypto.CRL()
    for serial, reason in ((b"0a", b"keyCompromise"), (b"1b", b"superseded"),
                           (b"ffeeddccbbaa", None)):
        rev = crypto.Revoked()
        rev.set_serial(serial)
        rev.set_rev_date(b"20200101000000Z")
        rev.set_reason(reason)
        crl.add_revoked(rev)
    crl_pem = crl.export(certs[1], ca_key, P, 30, b"sha256")
    crl_obj = crypto.load_crl(P, crl_pem)

    p7_pems, p7_ders = [], []
    for form, out in (("PEM", p7_pems), ("DER", p7_ders)):
        data = _try_openssl("crl2pkcs7", "-nocrl", "-certfile", pki.chain,
                            "-outform", form)
        if data:
            out.append(data)
    message = path("message.txt")
    with open(message, "w") as f:
        f.write("fuzz me\n")
    for form, out in (("PEM", p7_pems), ("DER", p7_ders)):
        data = _try_openssl("smime", "-sign", "-in", message, "-signer",
                            pki.server_cert, "-inkey", pki.server_key,
                            "-certfile", pki.ca_cert, "-outform", form,
                            "-nodetach")
        if data:
            out.append(data)

    p12s = []
    for with_ca in (False, True):
        p12 = crypto.PKCS12()
        p12.set_certificate(certs[0])
        p12.set_privatekey(rsa)
        if with_ca:
            p12.set_ca_certificates([certs[1]])
            p12.set_friendlyname(b"friendly")
        p12s.append(p12.export(b"sesame", iter=2, maciter=1))

    spkis = []
    for key in keys:
        spki = crypto.NetscapeSPKI()
        spki.set_pubkey(key)
        spki.sign(key, "sha256")
        spkis.append(spki.b64_encode())

    return {
        "certificate-pem": [crypto.dump_certificate(P, c) for c in certs],
        "certificate-der": [crypto.dump_certificate(A, c) for c in certs],
        "privatekey-pem": key_pems,
        "privatekey-der": key_ders,
        "publickey-pem": [crypto.dump_publickey(P, k) for k in keys],
        "publickey-der": [crypto.dump_publickey(A, k) for k in keys],
        "request-pem": [crypto.dump_certificate_request(P, r) for r in reqs],
        "request-der": [crypto.dump_certificate_request(A, r) for r in reqs],
        "crl-pem": [crypto.dump_crl(P, crl_obj)],
        "crl-der": [crypto.dump_crl(A, crl_obj)],
        "pkcs7-pem": p7_pems,
        "pkcs7-der": p7_ders,
        "pkcs12-der": p12s,
        "spki-b64": spkis,
    }


def _run_chunk(loader, encoded, start, n, index_file, hang_after=30.0):
    with open(index_file, "wb") as f:
        f.write(b"\0" * 16)
    return run_child("fuzz", {
        "loader": loader, "seeds": encoded, "seed": SEED,
        "start": start, "count": n, "index_file": index_file,
        "hang_after": hang_after}, timeout=60 + n * 0.005)


def fuzz_loader(loader, seeds, count, tmp_path):
    """Run *count* mutants of *loader* in chunked child processes; after a
    crash or hang, go on after the mutant that caused it (up to
    :data:`MAX_FAILURES`).  Returns ``(stats, failures)``.

    The hang watchdog measures wall time (30 s per 200 mutants), so a child
    starved of CPU on a busy machine can trip it: a mutant whose chunk
    *hung* (not crashed) is run again alone in a fresh child, and counts as
    a hang only if it hangs or crashes there too; otherwise it is counted
    as loaded/refused and listed in ``stats["slow"]``.  A crash (a signal)
    always fails."""
    encoded = [base64.b64encode(s).decode("ascii") for s in seeds]
    index_file = str(tmp_path / ("%s.index" % loader))
    stats = {"tried": 0, "loaded": 0, "rejected": 0, "bad": [],
             "children": 0, "slow": []}
    failures = []
    start = 0
    while start < count and len(failures) < MAX_FAILURES:
        n = min(CHUNK, count - start)
        res = _run_chunk(loader, encoded, start, n, index_file)
        stats["children"] += 1
        if res.result is not None and not (res.hung or res.crashed):
            check_child(res)
            for key in ("tried", "loaded", "rejected"):
                stats[key] += res.result[key]
            stats["bad"].extend(res.result["bad"])
            start += n
            continue
        index, running = read_index_file(index_file)
        if not running:
            check_child(res)        # died outside any mutant
        # The mutants before *index* in this chunk ran to their end.
        stats["tried"] += index - start
        if res.hung and not res.crashed:
            alone = _run_chunk(loader, encoded, index, 1, index_file)
            stats["children"] += 1
            if alone.result is not None and not (alone.hung
                                                 or alone.crashed):
                check_child(alone)
                for key in ("tried", "loaded", "rejected"):
                    stats[key] += alone.result[key]
                stats["bad"].extend(alone.result["bad"])
                stats["slow"].append(index)
                start = index + 1
                continue
            res = alone
        mutant = make_mutant(SEED, loader, index, seeds)
        saved = tmp_path / ("%s-%d.bin" % (loader, index))
        saved.write_bytes(mutant)
        failures.append("mutant %d %s: kept in %s (first bytes %r)\n%s" % (
            index, "hung" if res.hung else "crashed the process", saved,
            mutant[:64], res.describe()[-1500:]))
        stats["tried"] += 1
        start = index + 1
    return stats, failures


@pytest.mark.parametrize("loader", LOADERS)
def test_fuzz_loader(loader, seeds, fuzz_count, tmp_path):
    if not seeds[loader]:
        pytest.skip("the openssl command could not make a %s seed" % loader)
    stats, failures = fuzz_loader(loader, seeds[loader], fuzz_count,
                                  tmp_path)
    print("\n%s: %d mutants (seed %r), %d loaded, %d refused, %d other "
          "exceptions, %d crashes/hangs, %d children; %d slow chunks whose "
          "mutant ran alone without a hang: %s" % (
              loader, stats["tried"], SEED, stats["loaded"],
              stats["rejected"], len(stats["bad"]), len(failures),
              stats["children"], len(stats["slow"]), stats["slow"][:10]))
    assert not failures, "%s: %d mutants crashed or hung:\n%s" % (
        loader, len(failures), "\n".join(failures))
    assert not stats["bad"], (
        "%s: exceptions other than crypto.Error/ValueError (index, what): %s"
        % (loader, stats["bad"][:10]))
    assert stats["tried"] == fuzz_count
    # The mutants reach past the parser's first check (PKCS#12 files are
    # MAC-protected: nearly every mutant fails the MAC check, and OpenSSL
    # refuses files without a MAC).
    if fuzz_count >= 1000 and loader != "pkcs12-der":
        assert stats["loaded"] > 0, stats
