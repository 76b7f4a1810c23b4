"""OpenSSL 3 providers: PKCS #12 files that need the "legacy" provider are
read in pyossl's private library context, never in the process's default
one, and never in FIPS mode; the diagnostics say where "legacy" is.

Fresh processes are used where the state of the default library context
matters, so that nothing loaded by another test can hide a change.
"""

import json
import os
import subprocess
import sys

import pytest

from conftest import GEN, requires_cli, run_openssl
from pyossl import crypto
from pyossl._runtime import providers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

pytestmark = [
    requires_cli(),
    pytest.mark.skipif(GEN < 2, reason="providers exist from OpenSSL 3.0 on; "
                                       "older builds have every algorithm "
                                       "built in"),
]

#: A configuration that switches FIPS mode on (default properties
#: "fips=yes"), as a FIPS deployment's openssl.cnf does.
FIPS_CNF = """\
openssl_conf = openssl_init
[openssl_init]
alg_section = algorithms
[algorithms]
default_properties = fips=yes
"""


@pytest.fixture(scope="module")
def legacy_p12(pki, tmp_path_factory):
    """A PKCS #12 file protected with RC2/3DES (``-legacy``), as OpenSSL 1.x
    and Windows write them."""
    path = str(tmp_path_factory.mktemp("legacy") / "legacy.p12")
    run_openssl("pkcs12", "-export", "-legacy", "-inkey", pki.server_key,
                "-in", pki.server_cert, "-name", "legacy friend",
                "-passout", "pass:s3cret", "-out", path)
    return path


def child(code, *args, env_update=()):
    env = dict(os.environ)
    env.update(dict(env_update))
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-c", code] + list(args), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120, universal_newlines=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


LOAD_AND_REPORT = """\
import json, sys
import pyossl
from pyossl import crypto, _loader
from pyossl._runtime import providers
lib = _loader.load()
before = providers.active_providers()
try:
    p12 = crypto.load_pkcs12(open(sys.argv[1], "rb").read(), b"s3cret")
    result = p12.get_friendlyname().decode()
except crypto.Error as exc:
    result = "Error: %s" % (exc,)
print(json.dumps({
    "result": result,
    "before": before,
    "after": providers.active_providers(),
    "legacy_in_default": bool(lib.OSSL_PROVIDER_available(None, b"legacy")),
    "info": pyossl.openssl_info()["providers"],
}))
"""


def test_legacy_file_leaves_the_default_context_alone(legacy_p12):
    out = child(LOAD_AND_REPORT, legacy_p12)
    assert out["after"] == out["before"]
    assert "legacy" not in out["after"]
    assert out["legacy_in_default"] is False
    if providers.legacy_available():
        assert out["result"] == "legacy friend"
        assert out["info"]["legacy"].startswith(
            "loaded in pyossl's private library context only, used")
    else:
        assert out["result"].startswith("Error:")
        assert "legacy" in out["result"]
        assert out["info"]["legacy"].startswith("unavailable:")


def test_fips_mode_never_loads_legacy(legacy_p12, tmp_path):
    cnf = tmp_path / "fips.cnf"
    cnf.write_text(FIPS_CNF)
    out = child(LOAD_AND_REPORT, legacy_p12,
                env_update={"OPENSSL_CONF": str(cnf)})
    assert out["info"]["fips_mode"] is True
    assert out["result"].startswith("Error:")
    assert "legacy" not in out["after"]
    assert out["legacy_in_default"] is False
    assert out["info"]["legacy"].startswith("never loaded: FIPS mode is on")


def test_fips_mode_error_says_why(legacy_p12, tmp_path):
    cnf = tmp_path / "fips.cnf"
    cnf.write_text(FIPS_CNF)
    code = ("import json, sys; from pyossl._runtime import providers\n"
            "print(json.dumps([providers.legacy_available(),"
            " providers.legacy_refusal()]))\n")
    available, why = child(code, env_update={"OPENSSL_CONF": str(cnf)})
    assert available is False
    assert "FIPS mode is on" in why


def test_objects_from_a_legacy_file_work_everywhere(legacy_p12, pki):
    """Key and certificate read in the private context sign, verify and
    serve a TLS handshake in the default one."""
    if not providers.legacy_available():
        pytest.skip("this build cannot load its legacy provider: %s"
                    % providers.legacy_refusal())
    from pyossl import SSL
    import socket
    with open(legacy_p12, "rb") as f:
        p12 = crypto.load_pkcs12(f.read(), b"s3cret")
    key, cert = p12.get_privatekey(), p12.get_certificate()
    signature = crypto.sign(key, b"data", "sha256")
    crypto.verify(cert, signature, b"data", "sha256")
    assert crypto.dump_privatekey(crypto.FILETYPE_PEM, key).startswith(
        b"-----BEGIN PRIVATE KEY-----")

    server_ctx = SSL.Context(SSL.TLS_METHOD)
    server_ctx.use_certificate(cert)
    server_ctx.use_privatekey(key)
    server_ctx.check_privatekey()
    client_ctx = SSL.Context(SSL.TLS_METHOD)
    client_ctx.load_verify_locations(pki.ca_cert)
    client_ctx.set_verify(SSL.VERIFY_PEER)
    a, b = socket.socketpair()
    server = SSL.Connection(server_ctx, a)
    server.set_accept_state()
    client = SSL.Connection(client_ctx, b)
    client.set_connect_state()
    a.setblocking(False)
    b.setblocking(False)
    try:
        for _ in range(100):
            done = 0
            for conn in (client, server):
                try:
                    conn.do_handshake()
                    done += 1
                except SSL.WantReadError:
                    pass
            if done == 2:
                break
        else:
            raise AssertionError("the handshake did not finish")
        assert client.get_peer_certificate().get_subject().CN == "localhost"
    finally:
        a.close()
        b.close()


def test_private_context_is_this_threads_default_only_inside_the_scope():
    if not providers.legacy_available():
        pytest.skip("this build cannot load its legacy provider: %s"
                    % providers.legacy_refusal())
    import threading
    bound = providers.lib()
    seen = {}

    def other_thread():
        # OSSL_LIB_CTX_set0_default(NULL) returns the current default
        # without changing it.
        seen["other"] = bound.OSSL_LIB_CTX_set0_default(None)

    outside = bound.OSSL_LIB_CTX_set0_default(None)
    with providers.legacy_scope() as available:
        assert available
        inside = bound.OSSL_LIB_CTX_set0_default(None)
        thread = threading.Thread(target=other_thread)
        thread.start()
        thread.join()
    after = bound.OSSL_LIB_CTX_set0_default(None)
    assert inside != outside
    assert seen["other"] == outside
    assert after == outside
