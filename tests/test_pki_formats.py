"""crypto part 2: PKCS7, PKCS12 and NetscapeSPKI, with the openssl command
and the files of the cryptography_vectors package."""

import os
import subprocess
import sys

import pytest

import conftest
from conftest import assert_memory_flat, memory_test, GEN, run_openssl
from pyossl import crypto
from pyossl._crypto import pkcs12 as _pkcs12
from pyossl._runtime.errors import error_queue
from pyossl._runtime.library import lib
from pyossl.crypto import (FILETYPE_ASN1, FILETYPE_PEM, FILETYPE_TEXT, PKCS7,
                           PKCS12, Error, NetscapeSPKI, PKey, X509,
                           load_pkcs7_data, load_pkcs12)

pytestmark = conftest.requires_cli()

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def vectors_dir():
    try:
        import cryptography_vectors
    except ImportError:
        pytest.skip("cryptography_vectors is not installed")
    return os.path.dirname(cryptography_vectors.__file__)


def vector(*parts):
    with open(os.path.join(vectors_dir(), *parts), "rb") as f:
        return f.read()


def read(path):
    with open(path, "rb") as f:
        return f.read()


def pem(cert):
    return crypto.dump_certificate(FILETYPE_PEM, cert)


def key_der(key):
    return crypto.dump_privatekey(FILETYPE_ASN1, key)


@pytest.fixture(scope="module")
def server(pki):
    return (crypto.load_certificate(FILETYPE_PEM, read(pki.server_cert)),
            crypto.load_privatekey(FILETYPE_PEM, read(pki.server_key)))


@pytest.fixture(scope="module")
def ca_cert(pki):
    return crypto.load_certificate(FILETYPE_PEM, read(pki.ca_cert))


def legacy_readable():
    """Whether this build can read RC2/DES-protected PKCS #12 files."""
    return GEN < 2 or _pkcs12._load_legacy_provider()


# ------------------------------------------------------------- PKCS7 --

@pytest.fixture(scope="module")
def p7_files(pki, tmp_path_factory):
    d = tmp_path_factory.mktemp("p7")
    out = {}
    for form in ("PEM", "DER"):
        path = str(d / ("chain." + form.lower()))
        run_openssl("crl2pkcs7", "-nocrl", "-certfile", pki.chain,
                    "-outform", form, "-out", path)
        out[form] = read(path)
    return out


def test_crl2pkcs7_output_loads(p7_files):
    for kind, data in ((FILETYPE_PEM, p7_files["PEM"]),
                       (FILETYPE_ASN1, p7_files["DER"])):
        p7 = load_pkcs7_data(kind, data)
        assert isinstance(p7, PKCS7)
        assert p7.type_is_signed() is True
        assert p7.type_is_enveloped() is False
        assert p7.type_is_signedAndEnveloped() is False
        assert p7.type_is_data() is False
        assert p7.get_type_name() == b"pkcs7-signedData"


def test_load_pkcs7_accepts_text(p7_files):
    p7 = load_pkcs7_data(FILETYPE_PEM, p7_files["PEM"].decode("ascii"))
    assert p7.type_is_signed()


def test_empty_pkcs7():
    p7 = PKCS7()
    assert not (p7.type_is_signed() or p7.type_is_data() or
                p7.type_is_enveloped() or p7.type_is_signedAndEnveloped())
    assert p7.get_type_name() == b"UNDEF"


def test_pkcs7_vectors():
    p7 = load_pkcs7_data(FILETYPE_ASN1, vector("pkcs7", "amazon-roots.der"))
    assert p7.type_is_signed()
    p7 = load_pkcs7_data(FILETYPE_PEM, vector("pkcs7", "isrg.pem"))
    assert p7.get_type_name() == b"pkcs7-signedData"
    p7 = load_pkcs7_data(FILETYPE_PEM, vector("pkcs7", "enveloped.pem"))
    assert p7.type_is_enveloped() and not p7.type_is_signed()
    assert p7.get_type_name() == b"pkcs7-envelopedData"


def test_load_pkcs7_bad_input(p7_files):
    with pytest.raises(Error):
        load_pkcs7_data(FILETYPE_PEM, b"not pkcs7")
    with pytest.raises(Error):
        load_pkcs7_data(FILETYPE_ASN1, b"\x30\x03\x02\x01")
    with pytest.raises(Error):
        load_pkcs7_data(FILETYPE_ASN1, p7_files["DER"][:50])
    with pytest.raises(ValueError):
        load_pkcs7_data(FILETYPE_TEXT, p7_files["PEM"])
    with pytest.raises(TypeError):
        load_pkcs7_data(FILETYPE_PEM, None)


def test_pkcs7_type_nid_reads_the_type_field(p7_files):
    p7 = load_pkcs7_data(FILETYPE_ASN1, p7_files["DER"])
    assert lib.PKCS7_type_nid(p7._pkcs7) == lib.NID_pkcs7_signed


# ------------------------------------------------------------ PKCS12 --

@pytest.fixture(scope="module")
def p12_files(pki, tmp_path_factory):
    d = tmp_path_factory.mktemp("p12")
    out = {}
    common = ["pkcs12", "-export", "-in", pki.server_cert, "-inkey",
              pki.server_key, "-certfile", pki.ca_cert, "-name",
              "server friendly", "-passout", "pass:s3cret"]
    path = str(d / "modern.p12")
    run_openssl(*(common + ["-out", path]))
    out["modern"] = read(path)
    path = str(d / "legacy.p12")
    run_openssl(*(common + ["-legacy", "-out", path]))
    out["legacy"] = read(path)
    path = str(d / "nopass.p12")
    run_openssl("pkcs12", "-export", "-in", pki.client_cert, "-inkey",
                pki.client_key, "-passout", "pass:", "-out", path)
    out["nopass"] = read(path)
    return out


def check_server_p12(p12, pki, server):
    cert, key = server
    assert pem(p12.get_certificate()) == pem(cert)
    assert key_der(p12.get_privatekey()) == key_der(key)
    cas = p12.get_ca_certificates()
    assert isinstance(cas, tuple) and len(cas) == 1
    assert pem(cas[0]) == read(pki.ca_cert)
    assert p12.get_friendlyname() == b"server friendly"


def test_openssl_export_loads(pki, server, p12_files):
    p12 = load_pkcs12(p12_files["modern"], b"s3cret")
    check_server_p12(p12, pki, server)


def test_openssl_legacy_export(pki, server, p12_files):
    if legacy_readable():
        p12 = load_pkcs12(p12_files["legacy"], b"s3cret")
        check_server_p12(p12, pki, server)
    else:
        with pytest.raises(Error) as info:
            load_pkcs12(p12_files["legacy"], b"s3cret")
        assert "legacy" in str(info.value)


def test_legacy_file_in_a_child_process(p12_files, tmp_path):
    """The provider is loaded on demand, in a fresh process too."""
    path = tmp_path / "legacy.p12"
    path.write_bytes(p12_files["legacy"])
    code = ("import sys; from pyossl import crypto\n"
            "try:\n"
            "    p = crypto.load_pkcs12(open(sys.argv[1], 'rb').read(),"
            " b's3cret')\n"
            "    print('ok', p.get_friendlyname().decode())\n"
            "except crypto.Error as e:\n"
            "    print('error', e)\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", code, str(path)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    line = out.stdout.decode()
    if legacy_readable():
        assert line.startswith("ok server friendly")
    else:
        assert line.startswith("error") and "legacy" in line


def test_legacy_file_from_many_threads_in_a_fresh_process(p12_files,
                                                         tmp_path):
    """The first legacy file met by several threads at once."""
    path = tmp_path / "legacy.p12"
    path.write_bytes(p12_files["legacy"])
    code = ("import sys, threading; from pyossl import crypto\n"
            "data = open(sys.argv[1], 'rb').read(); out = []\n"
            "def work():\n"
            "    try:\n"
            "        p = crypto.load_pkcs12(data, b's3cret')\n"
            "        out.append(p.get_friendlyname().decode())\n"
            "    except crypto.Error as e:\n"
            "        out.append('legacy' if 'legacy' in str(e) else repr(e))\n"
            "ts = [threading.Thread(target=work) for _ in range(16)]\n"
            "[t.start() for t in ts]; [t.join() for t in ts]\n"
            "print(sorted(set(out)))\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", code, str(path)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    expected = "server friendly" if legacy_readable() else "legacy"
    assert out.stdout.decode().strip() == repr([expected])


def test_threads_each_with_their_own_objects(p12_files, p7_files, spkac):
    import threading
    failures = []

    def work():
        try:
            for _ in range(20):
                p12 = load_pkcs12(p12_files["modern"], b"s3cret")
                assert p12.get_friendlyname() == b"server friendly"
                with pytest.raises(Error):
                    load_pkcs12(p12_files["modern"], b"nope")
                assert load_pkcs7_data(FILETYPE_ASN1,
                                       p7_files["DER"]).type_is_signed()
                spki = NetscapeSPKI(spkac)
                assert spki.verify(spki.get_pubkey())
            assert error_queue() == []
        except BaseException as exc:       # reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_no_passphrase(pki, p12_files):
    for passphrase in (None, b""):
        p12 = load_pkcs12(p12_files["nopass"], passphrase)
        assert pem(p12.get_certificate()) == read(pki.client_cert)
        assert p12.get_ca_certificates() is None
        assert p12.get_friendlyname() is None


def test_wrong_passphrase(p12_files):
    for name in ("modern", "legacy"):
        with pytest.raises(Error):
            load_pkcs12(p12_files[name], b"wrong")
        with pytest.raises(Error):
            load_pkcs12(p12_files[name])


def test_text_passphrase_warns(p12_files):
    with pytest.warns(DeprecationWarning):
        p12 = load_pkcs12(p12_files["modern"], "s3cret")
    assert p12.get_friendlyname() == b"server friendly"


def test_load_pkcs12_bad_input(p12_files):
    with pytest.raises(Error):
        load_pkcs12(b"definitely not pkcs12", b"x")
    with pytest.raises(Error):
        load_pkcs12(p12_files["modern"][:200], b"s3cret")
    with pytest.raises(TypeError):
        load_pkcs12(None)
    with pytest.raises(TypeError):
        load_pkcs12(p12_files["modern"], 1234)


def test_export_read_by_openssl(pki, server, ca_cert, tmp_path):
    cert, key = server
    p12 = PKCS12()
    p12.set_certificate(cert)
    p12.set_privatekey(key)
    p12.set_ca_certificates([ca_cert])
    p12.set_friendlyname(b"ours")
    path = tmp_path / "ours.p12"
    path.write_bytes(p12.export(b"pw", iter=1000, maciter=1000))
    info = run_openssl("pkcs12", "-info", "-in", path, "-passin", "pass:pw",
                       "-nodes")
    assert b"friendlyName: ours" in info
    assert info.count(b"BEGIN CERTIFICATE") == 2
    assert b"PRIVATE KEY-----" in info
    assert pem(cert) in info.replace(b"\r\n", b"\n")


def test_export_round_trip(pki, server, ca_cert):
    cert, key = server
    p12 = PKCS12()
    p12.set_certificate(cert)
    p12.set_privatekey(key)
    p12.set_ca_certificates((ca_cert,))
    p12.set_friendlyname(b"round trip")
    for passphrase in (b"pw", None):
        back = load_pkcs12(p12.export(passphrase), passphrase)
        check = back.get_ca_certificates()
        assert pem(back.get_certificate()) == pem(cert)
        assert key_der(back.get_privatekey()) == key_der(key)
        assert [pem(c) for c in check] == [pem(ca_cert)]
        assert back.get_friendlyname() == b"round trip"


def openssl_pkcs12(data, tmp_path, *args):
    path = tmp_path / "in.p12"
    path.write_bytes(data)
    return run_openssl("pkcs12", "-in", path, "-nodes", *args).replace(
        b"\r\n", b"\n")


def test_export_passphrase_variants_read_by_openssl(pki, server, ca_cert,
                                                    tmp_path):
    cert, key = server
    p12 = PKCS12()
    p12.set_certificate(cert)
    p12.set_privatekey(key)
    p12.set_ca_certificates([ca_cert])
    for data in (p12.export(), p12.export(None, 3, 2),
                 p12.export(b"", iter=2, maciter=0)):
        out = openssl_pkcs12(data, tmp_path, "-passin", "pass:")
        assert pem(cert) in out and pem(ca_cert) in out
        for passphrase in (None, b""):
            back = load_pkcs12(data, passphrase)
            assert pem(back.get_certificate()) == pem(cert)
    with pytest.warns(DeprecationWarning):
        data = p12.export("text pass")
    assert pem(cert) in openssl_pkcs12(data, tmp_path, "-passin",
                                       "pass:text pass")


def test_export_without_mac(server, tmp_path):
    cert, key = server
    p12 = PKCS12()
    p12.set_certificate(cert)
    p12.set_privatekey(key)
    data = p12.export(b"Lake Michigan", iter=2, maciter=-1)
    out = openssl_pkcs12(data, tmp_path, "-passin", "pass:Lake Michigan",
                         "-nomacver")
    assert pem(cert) in out
    try:
        back = load_pkcs12(data, b"Lake Michigan")
    except Error:
        pass                # some versions refuse a file without a MAC
    else:
        assert pem(back.get_certificate()) == pem(cert)


def test_friendly_names_round_trip(server):
    cert, key = server
    p12 = PKCS12()
    p12.set_certificate(cert)
    p12.set_privatekey(key)
    names = [b"Serverlicious", None, b"###"]
    if GEN >= 1:            # 1.0.2 stores the bytes as Latin-1 characters
        names.append(u"\u00e9t\u00e9".encode("utf-8"))
    for name in names:
        p12.set_friendlyname(name)
        assert p12.get_friendlyname() == name
        back = load_pkcs12(p12.export(b"pw", iter=2, maciter=3), b"pw")
        assert back.get_friendlyname() == name


def test_key_only_and_cert_only(server):
    cert, key = server
    for setter, value in (("set_privatekey", key), ("set_certificate", cert)):
        p12 = PKCS12()
        getattr(p12, setter)(value)
        try:
            data = p12.export(b"blah", iter=2, maciter=3)
        except Error:
            continue        # "invalid null argument" on some versions
        back = load_pkcs12(data, b"blah")
        found = [back.get_privatekey(), back.get_certificate()] + list(
            back.get_ca_certificates() or ())
        assert any(x is not None for x in found)


def test_garbage_error_shape():
    with pytest.raises(Error) as info:
        load_pkcs12(b"fruit loops", b"whatever")
    assert info.value.args[0][0][0] == "asn1 encoding routines"
    assert len(info.value.args[0][0]) == 3


def test_export_only_cas(ca_cert):
    p12 = PKCS12()
    p12.set_ca_certificates([ca_cert])
    back = load_pkcs12(p12.export(b"pw"), b"pw")
    assert back.get_certificate() is None
    assert back.get_privatekey() is None
    assert len(back.get_ca_certificates()) == 1


def test_export_mismatched_key(pki, server):
    cert, _ = server
    p12 = PKCS12()
    p12.set_certificate(cert)
    p12.set_privatekey(crypto.load_privatekey(FILETYPE_PEM,
                                              read(pki.client_key)))
    with pytest.raises(Error):
        p12.export(b"pw")


def test_export_bad_arguments(server):
    p12 = PKCS12()
    with pytest.raises(TypeError):
        p12.export(1234)
    with pytest.raises(TypeError):
        p12.export(b"pw", iter="many")
    with pytest.raises(TypeError):
        p12.export(b"pw", maciter=None)
    with pytest.raises(OverflowError):
        p12.export(b"pw", iter=1 << 40)
    with pytest.raises(ValueError):
        p12.export(b"p\0w")


def test_setters_check_types(server, ca_cert):
    cert, key = server
    p12 = PKCS12()
    assert p12.get_certificate() is None
    assert p12.get_privatekey() is None
    assert p12.get_ca_certificates() is None
    assert p12.get_friendlyname() is None
    with pytest.raises(TypeError):
        p12.set_certificate(key)
    with pytest.raises(TypeError):
        p12.set_privatekey(cert)
    with pytest.raises(TypeError):
        p12.set_ca_certificates([cert, key])
    with pytest.raises(TypeError):
        p12.set_ca_certificates(5)
    with pytest.raises(TypeError):
        p12.set_friendlyname("text")
    p12.set_certificate(cert)
    p12.set_certificate(None)
    p12.set_privatekey(key)
    p12.set_privatekey(None)
    p12.set_ca_certificates(iter([ca_cert]))
    assert len(p12.get_ca_certificates()) == 1
    p12.set_ca_certificates(None)
    assert p12.get_ca_certificates() is None
    p12.set_friendlyname(b"x")
    p12.set_friendlyname(None)
    assert p12.get_friendlyname() is None


def test_pkcs12_vectors():
    p12 = load_pkcs12(vector("pkcs12", "cert-key-aes256cbc.p12"),
                      b"cryptography")
    assert isinstance(p12.get_certificate(), X509)
    assert isinstance(p12.get_privatekey(), PKey)
    for name in ("name-all-pwd.p12", "name-all-no-pwd.p12"):
        passphrase = None if "no-pwd" in name else b"password"
        p12 = load_pkcs12(vector("pkcs12", name), passphrase)
        assert p12.get_friendlyname() == b"name"
        assert p12.get_certificate().get_subject().CN == "cryptography CA"
        assert len(p12.get_ca_certificates()) == 2
    p12 = load_pkcs12(vector("pkcs12", "no-name-no-pwd.p12"))
    assert p12.get_friendlyname() is None
    assert len(p12.get_ca_certificates()) == 2
    for name, passphrase in (("cert-rc2-key-3des.p12", b"cryptography"),
                             ("no-password.p12", None)):
        if legacy_readable():
            p12 = load_pkcs12(vector("pkcs12", name), passphrase)
            assert p12.get_privatekey().bits() > 0
        else:
            with pytest.raises(Error) as info:
                load_pkcs12(vector("pkcs12", name), passphrase)
            assert "legacy" in str(info.value)


# ------------------------------------------------------ NetscapeSPKI --

@pytest.fixture(scope="module")
def spkac(pki):
    out = run_openssl("spkac", "-key", pki.server_key, "-challenge", "hi")
    assert out.startswith(b"SPKAC=")
    return out.strip()[len(b"SPKAC="):]


def test_openssl_spkac_loads_and_verifies(spkac, server, pki):
    cert, key = server
    spki = NetscapeSPKI(spkac)
    public = spki.get_pubkey()
    assert isinstance(public, PKey)
    assert public.bits() == 2048
    assert spki.verify(public) is True
    assert spki.verify(cert.get_pubkey()) is True
    assert crypto.dump_publickey(FILETYPE_PEM, public) == \
        crypto.dump_publickey(FILETYPE_PEM, key)
    other = crypto.load_privatekey(FILETYPE_PEM, read(pki.client_key))
    with pytest.raises(Error):
        spki.verify(other)
    assert NetscapeSPKI(spki.b64_encode()).verify(public)


def test_spkac_signed_by_pyossl_read_by_openssl(server, tmp_path):
    cert, key = server
    spki = NetscapeSPKI()
    spki.set_pubkey(key)
    spki.sign(key, "sha256")
    assert spki.verify(key)
    path = tmp_path / "spkac.txt"
    path.write_bytes(b"SPKAC=" + spki.b64_encode() + b"\n")
    out = subprocess.run(
        [conftest.OPENSSL_CLI, "spkac", "-in", str(path), "-verify",
         "-noout"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"})
    assert out.returncode == 0
    assert b"Signature OK" in out.stdout


def test_spki_bad_input(server, spkac):
    cert, key = server
    with pytest.raises(Error):
        NetscapeSPKI(b"!!! not base64 !!!")
    with pytest.raises(Error):
        NetscapeSPKI(b"QUJD")
    with pytest.raises(TypeError):
        NetscapeSPKI(42)
    spki = NetscapeSPKI()
    with pytest.raises(Error):
        spki.get_pubkey()
    with pytest.raises(Error):
        spki.verify(key)
    with pytest.raises(TypeError):
        spki.verify(None)
    with pytest.raises(TypeError):
        spki.set_pubkey(cert)
    with pytest.raises(TypeError):
        spki.sign(None, b"sha256")
    with pytest.raises(ValueError):
        spki.sign(key, b"no-such-digest")
    with pytest.raises(ValueError):
        spki.sign(cert.get_pubkey(), b"sha256")
    loaded = NetscapeSPKI(spkac)
    with pytest.raises(ValueError):
        loaded.sign(loaded.get_pubkey(), b"sha256")


# ------------------------------------------------------------ memory --

@memory_test
def test_memory_stays_flat(p12_files, p7_files, spkac, server):
    """PKCS12/PKCS7/SPKI create/parse/drop (iter=1): 300 rounds measured
    exactly (``conftest.assert_memory_flat``), else 3,000 by RSS."""
    cert, key = server
    p12 = PKCS12()
    p12.set_certificate(cert)
    p12.set_privatekey(key)
    p12.set_ca_certificates([cert])
    small = p12.export(b"pw", iter=1, maciter=1)

    def round_trip():
        back = load_pkcs12(small, b"pw")
        assert len(back.get_ca_certificates()) == 1
        with pytest.raises(Error):
            load_pkcs12(small, b"bad")
        load_pkcs7_data(FILETYPE_ASN1, p7_files["DER"]).get_type_name()
        spki = NetscapeSPKI(spkac)
        spki.verify(spki.get_pubkey())
        spki.b64_encode()

    assert_memory_flat(round_trip, 300, 3000, 8 * 1024, warmup=100)
