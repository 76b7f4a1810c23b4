"""``copy.copy`` and ``copy.deepcopy`` of every public class (issue 10,
problem 5).

For each class (and for objects that are views into another object: a
certificate's subject, a context's store, a CRL's revoked entry), the copy
is made, the original dropped and collected, and the copy used.  A copy must
either work on its own (pyOpenSSL's objects copy without crashing) or the
copy function must raise :exc:`TypeError`; ``copy.copy`` must work.  A
crash would kill the test run, so the objects are made and copied in a
child process (see boundary_helpers.py); after a crash the child is started
again after the crashing case, so every case gets a verdict.
"""

import json
import re

import pytest

from boundary_helpers import check_child, pki_params, run_child
from conftest import run_openssl
from pyossl import crypto

#: Every case of boundary_helpers.copy_subjects (checked below).
SUBJECTS = [
    "CRL(loaded)", "CRL(new)", "Connection",
    "Connection(before the handshake)",
    "Context", "NetscapeSPKI", "PKCS12", "PKCS7", "PKey(generated)",
    "PKey(public key of a certificate)", "Revoked(new)", "Revoked(of a CRL)",
    "Session", "X509", "X509Extension(new)", "X509Extension(of a certificate)",
    "X509Name(copy constructor)", "X509Name(view of a certificate)",
    "X509Req", "X509Store", "X509Store(of a Context)", "X509StoreContext",
]
_CASE = re.compile(r"^CASE (\d+) (\w+) (.*)$", re.M)   # number mode name


@pytest.fixture(scope="module")
def copy_results(pki, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("copy")
    ca = crypto.load_certificate(crypto.FILETYPE_PEM, pki.read("ca_cert"))
    ca_key = crypto.load_privatekey(crypto.FILETYPE_PEM, pki.read("ca_key"))
    crl = crypto.CRL()
    for serial, reason in ((b"0a", b"keyCompromise"), (b"1b", None)):
        rev = crypto.Revoked()
        rev.set_serial(serial)
        rev.set_rev_date(b"20200101000000Z")
        rev.set_reason(reason)
        crl.add_revoked(rev)
    crl_path = tmp / "crl.pem"
    crl_path.write_bytes(crl.export(ca, ca_key, crypto.FILETYPE_PEM, 30,
                                    b"sha256"))
    p7_path = tmp / "certs.p7b"
    run_openssl("crl2pkcs7", "-nocrl", "-certfile", pki.chain, "-outform",
                "DER", "-out", p7_path)
    params = dict(pki_params(pki), crl=str(crl_path), pkcs7=str(p7_path))
    results, crashes, start, names = {}, {}, 0, None
    while start < 2 * len(SUBJECTS):
        res = run_child("copy", dict(params, start=start), timeout=20)
        for line in res.stdout.splitlines():
            if line.startswith("VERDICT "):
                key, verdict = json.loads(line[len("VERDICT "):])
                results[key] = verdict
        if res.result is not None and not res.hung:
            check_child(res)
            names = res.result["names"]
            break
        cases = _CASE.findall(res.stdout)
        if not cases:
            check_child(res)        # failed before the first case
        number, mode, name = cases[-1]
        crashes["%s/%s" % (name, mode)] = res.describe()
        start = int(number) + 1     # the next case, in a new child
    return {"results": results, "crashes": crashes, "names": names}


def test_every_case_ran(copy_results):
    if copy_results["names"] is None:
        pytest.skip("the child crashed in the last case")
    assert copy_results["names"] == sorted(SUBJECTS)


@pytest.mark.parametrize("mode", ["copy", "deepcopy"])
@pytest.mark.parametrize("subject", SUBJECTS)
def test_copy_then_drop_original(copy_results, subject, mode):
    key = "%s/%s" % (subject, mode)
    if key in copy_results["crashes"]:
        pytest.fail("crashed: %s" % copy_results["crashes"][key])
    verdict = copy_results["results"].get(key)
    if verdict is None:
        pytest.fail("not run: an earlier case of %s crashed the child"
                    % subject)
    if mode == "deepcopy" and verdict == "refused":
        return                          # TypeError: allowed
    assert verdict == "ok", verdict
