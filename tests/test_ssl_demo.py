"""``python -m pyossl``: the in-memory PKI and the loopback handshake."""

import io
import os
import subprocess
import sys

from pyossl import _demo


def test_demo_handshake():
    out = io.StringIO()
    assert _demo.handshake(out) == 0
    text = out.getvalue()
    assert "protocol:      TLSv1." in text
    assert "cipher:" in text
    assert "peer subject:  CN=localhost" in text
    assert "received b'pong: ping'" in text


def test_demo_certificates_chain_to_the_ca():
    from pyossl import crypto
    ca, server, key = _demo.make_pki()
    assert server.get_issuer() == ca.get_subject()
    assert key.bits() == 2048
    assert server.get_signature_algorithm() == b"sha256WithRSAEncryption"


def test_python_m_pyossl():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ)
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-m", "pyossl"], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout.decode()
    assert b"shutdown:      clean" in proc.stdout
