"""PEM passphrases without C callbacks, and legacy ciphers on OpenSSL 3
(issues 10 and 12).

The passphrase is obtained in Python before the C call (a callable only
when the PEM data is encrypted) and handed to OpenSSL's default callback;
ciphers of OpenSSL 3's "legacy" provider that pyOpenSSL accepted
(blowfish...) work through pyossl's private library context.
"""

import pytest

from pyossl import crypto
from pyossl._runtime import providers
from pyossl._runtime.errors import error_queue

P, A = crypto.FILETYPE_PEM, crypto.FILETYPE_ASN1


@pytest.fixture(scope="module")
def key():
    k = crypto.PKey()
    k.generate_key(crypto.TYPE_RSA, 1024)
    return k


def _der(k):
    return crypto.dump_privatekey(A, k)


def test_callback_not_called_for_a_plain_key(key):
    calls = []
    pem = crypto.dump_privatekey(P, key)
    loaded = crypto.load_privatekey(P, pem, lambda *a: calls.append(a))
    assert calls == [] and _der(loaded) == _der(key)


def test_callback_gets_pyopenssl_arguments(key):
    calls = []

    def cb(*args):
        calls.append(args)
        return b"sesame"
    pem = crypto.dump_privatekey(P, key, "aes-128-cbc", cb)
    assert calls == [(1,)]                      # writing: rwflag true
    assert _der(crypto.load_privatekey(P, pem, cb)) == _der(key)
    assert calls == [(1,), (0,)]                # reading: rwflag 0


def test_encrypted_key_without_passphrase_fails_without_prompting(key):
    pem = crypto.dump_privatekey(P, key, "aes-128-cbc", b"sesame")
    with pytest.raises(crypto.Error) as info:
        crypto.load_privatekey(P, pem)
    assert info.value.args[0]
    assert error_queue() == []


@pytest.mark.parametrize("bad", [b"ses\0ame", lambda flag: b"ses\0ame"])
def test_nul_in_passphrase_is_value_error(key, bad):
    with pytest.raises(ValueError):
        crypto.dump_privatekey(P, key, "aes-128-cbc", bad)
    pem = crypto.dump_privatekey(P, key, "aes-128-cbc", b"ses")
    with pytest.raises(ValueError):
        crypto.load_privatekey(P, pem, bad)


def test_long_bytes_passphrase_is_cut_as_openssl_does(key):
    long = b"x" * 1500
    pem = crypto.dump_privatekey(P, key, "aes-128-cbc", long)
    assert _der(crypto.load_privatekey(P, pem, long[:1024])) == _der(key)


def test_long_callback_passphrase_is_value_error(key):
    with pytest.raises(ValueError):
        crypto.dump_privatekey(P, key, "aes-128-cbc", lambda f: b"x" * 1025)


def test_callback_exception_propagates(key):
    pem = crypto.dump_privatekey(P, key, "aes-128-cbc", b"sesame")

    class Boom(Exception):
        pass

    def cb(flag):
        raise Boom()
    with pytest.raises(Boom):
        crypto.load_privatekey(P, pem, cb)
    with pytest.raises(Boom):
        crypto.dump_privatekey(P, key, "aes-128-cbc", cb)
    assert error_queue() == []


@pytest.mark.parametrize("cipher", ["blowfish", "bf-cbc", "cast5-cbc",
                                    "des-cbc"])
def test_legacy_cipher_round_trip(key, cipher):
    try:
        pem = crypto.dump_privatekey(P, key, cipher, b"sesame")
    except crypto.Error as exc:
        if providers.legacy_available():
            raise
        assert "legacy" in exc.args[0][0][2]
        assert error_queue() == []
        pytest.skip("this build has no 'legacy' provider: %s"
                    % providers.legacy_refusal())
    assert b"ENCRYPTED" in pem
    loaded = crypto.load_privatekey(P, pem, b"sesame")
    assert _der(loaded) == _der(key)
    with pytest.raises(crypto.Error):
        crypto.load_privatekey(P, pem, b"wrong")
    assert error_queue() == []
