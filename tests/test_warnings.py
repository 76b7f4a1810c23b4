"""Warnings: the suite runs with warnings as errors, and pyossl's own code
emits none where pyOpenSSL emits none.
"""

import os
import re
import warnings

import pytest

from pyossl import crypto

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_suite_runs_with_warnings_as_errors(pytestconfig):
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    block = re.search(r"filterwarnings = \[(.*?)\]", text, re.S).group(1)
    entries = re.findall(r'"([^"]*)"', block)
    assert entries[0] == "error"
    # Every exception after "error" names the warning it lets through.
    for entry in entries[1:]:
        assert entry.startswith(("ignore:", "default:")) and \
            entry.count(":") >= 2, entry
    assert "error" in pytestconfig.getini("filterwarnings")


@pytest.mark.parametrize("kind", ["rsa", "ec", "ed25519"])
def test_from_cryptography_key_emits_no_warning(kind):
    pytest.importorskip("cryptography")
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    if kind == "rsa":
        key = rsa.generate_private_key(65537, 2048)
    elif kind == "ec":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        try:
            key = ed25519.Ed25519PrivateKey.generate()
        except Exception as exc:    # cryptography built without Ed25519
            pytest.skip("cryptography cannot make Ed25519 keys: %s" % exc)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            crypto.PKey.from_cryptography_key(key)
            crypto.PKey.from_cryptography_key(key.public_key())
        except crypto.Error:
            if kind != "ed25519":
                raise
    assert [str(w.message) for w in caught] == []


def test_from_cryptography_key_refuses_dh_keys_like_pyopenssl():
    pytest.importorskip("cryptography")
    with warnings.catch_warnings():
        # Making a DH key is what warns (cryptography deprecates FFDH).
        warnings.simplefilter("ignore")
        from cryptography.hazmat.primitives.asymmetric import dh
        params = dh.generate_parameters(2, 512) if hasattr(
            dh, "generate_parameters") else None
        if params is None:
            pytest.skip("this cryptography cannot make DH parameters")
        key = params.generate_private_key()
    with pytest.raises(TypeError, match="Unsupported key type"):
        crypto.PKey.from_cryptography_key(key)
