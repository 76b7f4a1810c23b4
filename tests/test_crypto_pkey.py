"""crypto.PKey: generation, type/bits/check, key serialization, passphrases."""

import gc

import pytest

from conftest import GEN, requires_cli, run_openssl
from pyossl import crypto
from pyossl._crypto import common as _common
from pyossl.crypto import (FILETYPE_ASN1, FILETYPE_PEM, FILETYPE_TEXT,
                           TYPE_DSA, TYPE_RSA, Error, PKey, dump_privatekey,
                           dump_publickey, load_privatekey, load_publickey)



@pytest.fixture(scope="module")
def dsa_key():
    key = PKey()
    key.generate_key(TYPE_DSA, 1024)
    return key


@pytest.fixture(scope="module")
def ec_key():
    pem = run_openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                      "ec_paramgen_curve:P-256")
    return load_privatekey(FILETYPE_PEM, pem)


def test_type_constants():
    assert (crypto.TYPE_RSA, crypto.TYPE_DSA) == (6, 116)
    assert crypto.TYPE_EC == 408 and crypto.TYPE_DH == 28
    assert crypto.PKeyType is PKey


def test_generate_rsa(rsa_key):
    assert rsa_key.type() == TYPE_RSA
    assert rsa_key.bits() == 2048
    assert rsa_key.check() is True
    assert rsa_key._initialized and not rsa_key._only_public


def test_generate_dsa(dsa_key):
    assert dsa_key.type() == TYPE_DSA
    assert dsa_key.bits() == 1024
    with pytest.raises(TypeError):
        dsa_key.check()


def test_regenerate_replaces_key():
    key = PKey()
    key.generate_key(TYPE_RSA, 2048)
    first = key._pkey
    key.generate_key(TYPE_RSA, 2048)
    assert key._pkey != first and key.bits() == 2048


@pytest.mark.parametrize("type_, bits, exc", [
    ("RSA", 2048, TypeError), (None, 2048, TypeError),
    (TYPE_RSA, "2048", TypeError), (TYPE_RSA, 20.48, TypeError),
    (TYPE_RSA, None, TypeError),
    (TYPE_RSA, 0, ValueError), (TYPE_RSA, -1, ValueError),
    # pyOpenSSL: OpenSSL refuses -7 bits of DSA (Error); cffi refuses an
    # int beyond the C range (OverflowError)
    (TYPE_DSA, -7, Error), (TYPE_RSA, 2 ** 64, OverflowError),
    (-1, 2048, Error), (12345, 512, Error), (crypto.TYPE_DH, 512, Error),
])
def test_generate_bad_arguments(type_, bits, exc):
    key = PKey()
    with pytest.raises(exc):
        key.generate_key(type_, bits)
    assert not key._initialized


@pytest.mark.parametrize("type_", [TYPE_RSA, TYPE_DSA])
def test_generate_512_bits_on_every_build(type_):
    # issue 12: OpenSSL's limits, as with pyOpenSSL (3.x's EVP DSA
    # generator refuses 512 bits: "bad ffc parameters")
    key = PKey()
    key.generate_key(type_, 512)
    assert key.type() == type_ and key.bits() == 512
    assert crypto.verify(_self_signed(key), crypto.sign(key, b"x", "sha256"),
                         b"x", "sha256") is None


def _self_signed(key):
    cert = crypto.X509()
    cert.set_pubkey(key)
    return cert


def test_generate_too_small_is_error_or_works():
    # 3.x refuses RSA keys below 512 bits; older builds may accept them.
    key = PKey()
    try:
        key.generate_key(TYPE_RSA, 16)
    except Error:
        assert not key._initialized
    else:
        assert key.bits() == 16


def test_empty_key():
    key = PKey()
    assert key.type() == 0
    assert key.bits() == 0
    with pytest.raises(TypeError):
        key.check()


def test_check_public_only(rsa_key):
    pub = load_publickey(FILETYPE_PEM, dump_publickey(FILETYPE_PEM, rsa_key))
    with pytest.raises(TypeError):
        pub.check()


def test_check_ec_key_unsupported(ec_key):
    assert ec_key.type() == crypto.TYPE_EC
    assert ec_key.bits() == 256
    with pytest.raises(TypeError):
        ec_key.check()


def test_check_inconsistent_key(rsa_key):
    # Flip the last byte of the DER: that is inside the CRT coefficient
    # (qInv), so the key still parses but its parts no longer agree.
    der = bytearray(dump_privatekey(FILETYPE_ASN1, rsa_key))
    der[-1] ^= 0x01
    key = load_privatekey(FILETYPE_ASN1, bytes(der))
    with pytest.raises(Error) as info:
        key.check()
    assert info.value.args[0]


# --------------------------------------------------------- serialization --

@pytest.mark.parametrize("filetype", [FILETYPE_PEM, FILETYPE_ASN1])
@pytest.mark.parametrize("which", ["rsa_key", "dsa_key", "ec_key"])
def test_private_round_trip(request, filetype, which):
    key = request.getfixturevalue(which)
    data = dump_privatekey(filetype, key)
    loaded = load_privatekey(filetype, data)
    assert loaded.type() == key.type() and loaded.bits() == key.bits()
    assert dump_privatekey(filetype, loaded) == data
    assert not loaded._only_public


@pytest.mark.parametrize("filetype", [FILETYPE_PEM, FILETYPE_ASN1])
def test_public_round_trip(rsa_key, filetype):
    data = dump_publickey(filetype, rsa_key)
    pub = load_publickey(filetype, data)
    assert pub._only_public
    assert pub.bits() == 2048 and pub.type() == TYPE_RSA
    assert dump_publickey(filetype, pub) == data


def test_public_pem_format(rsa_key):
    assert dump_publickey(FILETYPE_PEM, rsa_key).startswith(
        b"-----BEGIN PUBLIC KEY-----")


def test_load_text_buffer(rsa_key):
    pem = dump_privatekey(FILETYPE_PEM, rsa_key).decode("ascii")
    assert load_privatekey(FILETYPE_PEM, pem).bits() == 2048
    pub = dump_publickey(FILETYPE_PEM, rsa_key).decode("ascii")
    assert load_publickey(FILETYPE_PEM, pub).bits() == 2048


def test_dump_text(rsa_key):
    text = dump_privatekey(FILETYPE_TEXT, rsa_key)
    assert b"Private-Key: (2048 bit" in text
    assert b"modulus" in text


@pytest.mark.parametrize("cipher", ["aes-256-cbc", b"des-ede3-cbc",
                                    "AES-128-CBC"])
def test_encrypted_round_trip(rsa_key, cipher):
    pem = dump_privatekey(FILETYPE_PEM, rsa_key, cipher, b"secret")
    assert b"ENCRYPTED" in pem
    key = load_privatekey(FILETYPE_PEM, pem, b"secret")
    assert dump_privatekey(FILETYPE_ASN1, key) == dump_privatekey(
        FILETYPE_ASN1, rsa_key)


def test_encrypted_with_callbacks(rsa_key):
    calls = []

    def write_cb(writing):
        calls.append(writing)
        return b"cb-secret"

    pem = dump_privatekey(FILETYPE_PEM, rsa_key, "aes-128-cbc", write_cb)
    assert calls == [1]

    def read_cb(writing):
        calls.append(writing)
        return b"cb-secret"
    assert load_privatekey(FILETYPE_PEM, pem, read_cb).bits() == 2048
    assert calls[-1] == 0


@pytest.fixture(scope="module")
def encrypted_pem(rsa_key):
    return dump_privatekey(FILETYPE_PEM, rsa_key, "aes-256-cbc", b"right")


def test_wrong_passphrase(encrypted_pem):
    with pytest.raises(Error):
        load_privatekey(FILETYPE_PEM, encrypted_pem, b"wrong")


def test_missing_passphrase(encrypted_pem):
    with pytest.raises(Error):
        load_privatekey(FILETYPE_PEM, encrypted_pem)


def test_wrong_passphrase_callback(encrypted_pem):
    with pytest.raises(Error):
        load_privatekey(FILETYPE_PEM, encrypted_pem, lambda w: b"wrong")


def test_passphrase_callback_exception_propagates(encrypted_pem):
    class Boom(Exception):
        pass

    def cb(writing):
        raise Boom("no")
    with pytest.raises(Boom):
        load_privatekey(FILETYPE_PEM, encrypted_pem, cb)


def test_passphrase_callback_exception_on_dump(rsa_key):
    def cb(writing):
        raise KeyError("nope")
    with pytest.raises(KeyError):
        dump_privatekey(FILETYPE_PEM, rsa_key, "aes-256-cbc", cb)


@pytest.mark.parametrize("result", ["text", 42, None])
def test_passphrase_callback_bad_result(encrypted_pem, result):
    with pytest.raises(ValueError):
        load_privatekey(FILETYPE_PEM, encrypted_pem, lambda w: result)


def test_passphrase_callback_too_long(encrypted_pem):
    with pytest.raises(ValueError):
        load_privatekey(FILETYPE_PEM, encrypted_pem, lambda w: b"x" * 5000)


def test_passphrase_wrong_type(encrypted_pem):
    with pytest.raises(TypeError):
        load_privatekey(FILETYPE_PEM, encrypted_pem, "str passphrase")
    with pytest.raises(TypeError):
        load_privatekey(FILETYPE_PEM, encrypted_pem, 7)


def test_passphrase_only_for_pem(rsa_key):
    der = dump_privatekey(FILETYPE_ASN1, rsa_key)
    with pytest.raises(ValueError):
        load_privatekey(FILETYPE_ASN1, der, b"pw")
    with pytest.raises(ValueError):
        dump_privatekey(FILETYPE_ASN1, rsa_key, "aes-256-cbc", b"pw")


def test_unencrypted_ignores_passphrase(rsa_key):
    pem = dump_privatekey(FILETYPE_PEM, rsa_key)
    assert load_privatekey(FILETYPE_PEM, pem, b"unused").bits() == 2048


def test_dump_cipher_without_passphrase(rsa_key):
    with pytest.raises(TypeError):
        dump_privatekey(FILETYPE_PEM, rsa_key, "aes-256-cbc")


def test_dump_unknown_cipher(rsa_key):
    with pytest.raises(ValueError):
        dump_privatekey(FILETYPE_PEM, rsa_key, "no-such-cipher", b"pw")


@pytest.mark.parametrize("func", [dump_privatekey, dump_publickey])
def test_dump_bad_type(rsa_key, func):
    with pytest.raises(ValueError):
        func(100, rsa_key)


def test_dump_publickey_text_is_not_supported(rsa_key):
    with pytest.raises(ValueError):
        dump_publickey(FILETYPE_TEXT, rsa_key)


@pytest.mark.parametrize("func", [dump_privatekey, dump_publickey])
@pytest.mark.parametrize("obj", [None, "key", object()])
def test_dump_not_a_key(func, obj):
    with pytest.raises(TypeError):
        func(FILETYPE_PEM, obj)


def test_dump_private_of_public_key(rsa_key):
    pub = load_publickey(FILETYPE_PEM, dump_publickey(FILETYPE_PEM, rsa_key))
    with pytest.raises(Error):
        dump_privatekey(FILETYPE_PEM, pub)


@pytest.mark.parametrize("func", [load_privatekey, load_publickey])
@pytest.mark.parametrize("filetype", [FILETYPE_PEM, FILETYPE_ASN1])
@pytest.mark.parametrize("data", [b"", b"garbage", b"\x30\x82\x01",
                                  b"-----BEGIN PRIVATE KEY-----\nAAAA\n"
                                  b"-----END PRIVATE KEY-----\n"])
def test_load_garbage(func, filetype, data):
    with pytest.raises(Error):
        func(filetype, data)


def test_load_truncated(rsa_key):
    der = dump_privatekey(FILETYPE_ASN1, rsa_key)
    with pytest.raises(Error):
        load_privatekey(FILETYPE_ASN1, der[:len(der) // 2])
    pem = dump_privatekey(FILETYPE_PEM, rsa_key)
    with pytest.raises(Error):
        load_privatekey(FILETYPE_PEM, pem[:len(pem) // 2])


@pytest.mark.parametrize("func", [load_privatekey, load_publickey])
def test_load_bad_arguments(func, rsa_key):
    with pytest.raises(ValueError):
        func(FILETYPE_TEXT, b"x")
    with pytest.raises(ValueError):
        func(100, b"x")
    with pytest.raises(TypeError):
        func(FILETYPE_PEM, None)
    with pytest.raises(TypeError):
        func(FILETYPE_PEM, 12)


def test_load_private_from_public_pem(rsa_key):
    with pytest.raises(Error):
        load_privatekey(FILETYPE_PEM, dump_publickey(FILETYPE_PEM, rsa_key))


@requires_cli()
def test_openssl_cli_reads_our_key(rsa_key, tmp_path):
    path = tmp_path / "key.pem"
    path.write_bytes(dump_privatekey(FILETYPE_PEM, rsa_key, "aes-256-cbc",
                                     b"clipass"))
    out = run_openssl("rsa", "-in", path, "-passin", "pass:clipass", "-check",
                      "-noout")
    assert b"RSA key ok" in out


@requires_cli()
def test_we_read_openssl_cli_key(tmp_path):
    path = tmp_path / "k.pem"
    run_openssl("genpkey", "-algorithm", "RSA", "-pkeyopt",
                "rsa_keygen_bits:2048", "-aes-128-cbc", "-pass", "pass:abc",
                "-out", path)
    key = load_privatekey(FILETYPE_PEM, path.read_bytes(), b"abc")
    assert key.bits() == 2048 and key.check()


@requires_cli()
def test_ed25519_key_loads(tmp_path):
    if GEN == 0:
        pytest.skip("Ed25519 needs OpenSSL 1.1.1+")
    pem = run_openssl("genpkey", "-algorithm", "ED25519")
    key = load_privatekey(FILETYPE_PEM, pem)
    assert key.type() == 1087
    assert key.bits() in (253, 256)   # 3.0 reports 256
    pub = load_publickey(FILETYPE_PEM, dump_publickey(FILETYPE_PEM, key))
    assert pub.type() == 1087


def test_key_from_pubkey_outlives_certificate(rsa_key):
    cert = crypto.X509()
    cert.set_pubkey(rsa_key)
    pub = cert.get_pubkey()
    del cert
    gc.collect()
    assert pub.bits() == 2048
    assert dump_publickey(FILETYPE_PEM, pub) == dump_publickey(
        FILETYPE_PEM, rsa_key)


def test_pkey_new_ref(rsa_key):
    ptr = _common.pkey_new_ref(rsa_key._pkey)
    other = PKey._from_owned(ptr)
    assert other._pkey == rsa_key._pkey
    del other
    gc.collect()
    assert rsa_key.bits() == 2048 and rsa_key.check()


@requires_cli()
def test_traditional_encrypted_pem(tmp_path):
    plain, enc = tmp_path / "k.pem", tmp_path / "kt.pem"
    run_openssl("genpkey", "-algorithm", "RSA", "-pkeyopt",
                "rsa_keygen_bits:2048", "-out", plain)
    run_openssl("rsa", "-in", plain, "-aes128", "-traditional", "-passout",
                "pass:abc", "-out", enc)
    data = enc.read_bytes()
    assert b"Proc-Type: 4,ENCRYPTED" in data
    assert load_privatekey(FILETYPE_PEM, data, b"abc").bits() == 2048
    assert load_privatekey(FILETYPE_PEM, data, lambda w: b"abc").check()
    for wrong in (b"abd", None, lambda w: b""):
        with pytest.raises(Error):
            load_privatekey(FILETYPE_PEM, data, wrong)
