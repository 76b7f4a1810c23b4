"""``python -m pyossl`` and :func:`pyossl.openssl_info`: the options, the JSON
report, trust and provider information, and the loader's log and messages.

Each case that depends on how OpenSSL is loaded runs in a child Python.
"""

import glob
import json
import os
import shutil
import subprocess
import sys

import pytest

import pyossl
from conftest import LIB

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.expanduser(os.environ.get(
    "PYOSSL_BUILDS_CACHE", os.path.join("~", ".cache", "pyossl-builds")))
BUILD_VARS = ("PYOSSL_LIBCRYPTO", "PYOSSL_LIBSSL", "PYOSSL_OPENSSL_DIR")


def child(args, env_update=(), keep_build=True, cwd=None):
    """Run ``python ARGS`` with pyossl importable; return the process."""
    env = dict(os.environ)
    if not keep_build:
        for var in BUILD_VARS + ("LD_LIBRARY_PATH",):
            env.pop(var, None)
    env.update(dict(env_update))
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable] + list(args), env=env, cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120, universal_newlines=True)


def report(*options, **kwargs):
    proc = child(["-m", "pyossl"] + list(options), **kwargs)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


# ------------------------------------------------------------- options --

def test_help_does_not_run_the_handshake():
    proc = report("--help")
    assert "--json" in proc.stdout and "--no-handshake" in proc.stdout
    assert " run " in proc.stdout
    assert "handshake:" not in proc.stdout and "OpenSSL:" not in proc.stdout


def test_unknown_option_is_a_usage_error():
    proc = child(["-m", "pyossl", "--no-such-option"])
    assert proc.returncode == 2
    assert "usage:" in proc.stderr


def test_text_report_names_unavailable_symbols_trust_and_providers():
    out = report("--no-handshake").stdout
    assert "handshake:" not in out
    unavailable = LIB.unavailable
    assert ("%d unavailable in this build" % len(unavailable)) in out
    for name in unavailable:
        assert name in out
    for label in ("OPENSSLDIR:", "CA file:", "CA folder:", "trust roots:",
                  "providers:", "legacy:"):
        assert label in out, out
    assert "FIPS mode off" in out


def test_json_report_with_handshake():
    proc = report("--json")
    data = json.loads(proc.stdout)
    assert data["pyossl"] == pyossl.__version__
    assert data["python"]["executable"]
    info = data["openssl"]
    assert info["version_number"] == LIB.version_num
    assert info["symbols_unavailable"] == sorted(LIB.unavailable)
    assert set(info["trust"]) >= {"openssldir", "cert_file", "cert_dir",
                                  "roots_found"}
    assert data["handshake"]["ok"] is True
    assert data["handshake"]["peer_subject"].startswith("CN=localhost")


def test_json_report_without_handshake():
    data = json.loads(report("--json", "--no-handshake").stdout)
    assert data["handshake"] is None
    assert data["openssl"]["libssl"] == LIB.ssl_path


def test_json_report_when_openssl_cannot_be_loaded(tmp_path):
    proc = child(["-m", "pyossl", "--json"],
                 {"PYOSSL_OPENSSL_DIR": str(tmp_path)}, keep_build=False)
    assert proc.returncode == 2
    data = json.loads(proc.stdout)
    assert data["openssl"] is None
    assert "no libcrypto shared library" in data["error"]


def test_verbose_logs_the_loader_candidates():
    proc = report("--no-handshake", "--verbose")
    assert "pyossl: trying " in proc.stderr
    assert "pyossl: using OpenSSL" in proc.stderr


def test_run_delegates_to_the_dropin_runner(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text("import sys, OpenSSL.SSL, pyossl.SSL\n"
                      "print('argv', sys.argv[1:], OpenSSL.SSL is pyossl.SSL)\n")
    proc = report("run", str(script), "a", "--b")
    assert "argv ['a', '--b'] True" in proc.stdout


# ------------------------------------------------------- openssl_info --

def test_openssl_info_is_a_plain_dict_with_typed_keys():
    info = pyossl.openssl_info()
    assert type(info) is dict
    assert set(info) == set(pyossl.OpenSSLInfo.__annotations__)
    assert set(info["trust"]) == set(pyossl.TrustInfo.__annotations__)
    assert set(info["providers"]) == set(
        pyossl.ProvidersInfo.__annotations__)
    assert info["version_info"] == LIB.version_info
    assert isinstance(info["symbols_bound"], int)
    json.dumps(info)


def test_trust_follows_the_environment_variables(tmp_path, pki):
    bundle = tmp_path / "bundle.pem"
    with open(pki.ca_cert, "rb") as a, open(pki.other_ca_cert, "rb") as b:
        bundle.write_bytes(a.read() + b.read())
    empty = tmp_path / "empty"
    empty.mkdir()
    code = ("import json, pyossl; "
            "print(json.dumps(pyossl.openssl_info()['trust']))")
    proc = child(["-c", code], {"SSL_CERT_FILE": str(bundle),
                                "SSL_CERT_DIR": str(empty)})
    assert proc.returncode == 0, proc.stderr
    trust = json.loads(proc.stdout)
    assert trust["cert_file"] == str(bundle) and trust["cert_file_from_env"]
    assert trust["certificates_in_file"] == 2
    assert trust["cert_dir"] == str(empty) and trust["certificates_in_dir"] == 0
    assert trust["roots_found"] is True
    assert trust["cert_file_env"] == "SSL_CERT_FILE"


def test_trust_reports_no_roots(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = report("--no-handshake", env_update={
        "SSL_CERT_FILE": str(tmp_path / "missing.pem"),
        "SSL_CERT_DIR": str(empty)})
    assert "trust roots:   NONE found" in proc.stdout


def test_trust_matches_what_openssl_loads(pki, tmp_path):
    """The file reported is the one set_default_verify_paths() reads: a
    certificate issued by the CA in it verifies against that store."""
    code = ("import json, sys, pyossl; from pyossl import SSL, crypto\n"
            "ctx = SSL.Context(SSL.TLS_METHOD)\n"
            "ctx.set_default_verify_paths()\n"
            "cert = crypto.load_certificate(crypto.FILETYPE_PEM,\n"
            "                               open(sys.argv[1], 'rb').read())\n"
            "try:\n"
            "    crypto.X509StoreContext(ctx.get_cert_store(), cert)"
            ".verify_certificate()\n"
            "    verified = True\n"
            "except crypto.X509StoreContextError:\n"
            "    verified = False\n"
            "print(json.dumps([verified, pyossl.openssl_info()['trust']]))\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    for bundle, expected in ((pki.ca_cert, True),
                             (pki.other_ca_cert, False)):
        proc = child(["-c", code, pki.server_cert],
                     {"SSL_CERT_FILE": bundle, "SSL_CERT_DIR": str(empty)})
        assert proc.returncode == 0, proc.stderr
        verified, trust = json.loads(proc.stdout)
        assert verified is expected
        assert trust["cert_file"] == bundle
        assert trust["certificates_in_file"] == 1


# -------------------------------------------------------------- loader --

def _system_pair():
    """The loaded build's files, when they are the system's."""
    return LIB.crypto_path, LIB.ssl_path


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="NSS's libssl3.so is a Linux file name")
def test_directory_with_nss_libssl3_is_accepted(tmp_path):
    """A folder holding NSS's libssl3.so beside OpenSSL (like Debian's
    /usr/lib/x86_64-linux-gnu) is usable: libssl3.so is ignored, as in the
    automatic search."""
    crypto, ssl = _system_pair()
    os.symlink(crypto, str(tmp_path / os.path.basename(crypto)))
    os.symlink(ssl, str(tmp_path / os.path.basename(ssl)))
    nss = glob.glob("/usr/lib/*/libssl3.so") + glob.glob("/usr/lib*/libssl3.so")
    if nss:
        os.symlink(nss[0], str(tmp_path / "libssl3.so"))
    else:
        (tmp_path / "libssl3.so").write_bytes(b"\x7fELF not really NSS")
    # Sibling libraries a downloaded build needs come from its own folder.
    folder = os.path.dirname(crypto)
    if os.path.realpath(folder).startswith(os.path.realpath(CACHE)):
        for sibling in glob.glob(os.path.join(folder, "lib*")):
            target = tmp_path / os.path.basename(sibling)
            if not os.path.lexists(str(target)):
                os.symlink(sibling, str(target))
    code = ("import logging, json, pyossl; "
            "logging.basicConfig(level=logging.DEBUG); "
            "print(json.dumps(pyossl.openssl_info()['libssl']))")
    proc = child(["-c", code], {"PYOSSL_OPENSSL_DIR": str(tmp_path)},
                 keep_build=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == os.path.realpath(ssl)
    assert "Mozilla NSS" in proc.stderr


@pytest.mark.skipif(not os.path.exists("/usr/lib/x86_64-linux-gnu/libssl3.so")
                    or not glob.glob("/usr/lib/x86_64-linux-gnu/libssl.so*"),
                    reason="needs Debian's multiarch folder with both NSS and "
                           "OpenSSL in it")
def test_debian_multiarch_folder():
    proc = child(["-c", "import pyossl; print(pyossl.openssl_info()['how'])"],
                 {"PYOSSL_OPENSSL_DIR": "/usr/lib/x86_64-linux-gnu"},
                 keep_build=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == \
        "PYOSSL_OPENSSL_DIR=/usr/lib/x86_64-linux-gnu"


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_use_openssl_directory_errors_name_the_call(tmp_path, make):
    folder = str(tmp_path / "nothing-here") if make == "missing" \
        else str(tmp_path)
    code = ("import pyossl; pyossl.use_openssl(directory=%r); "
            "pyossl.openssl_info()" % folder)
    proc = child(["-c", code], keep_build=False)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError")
    assert "use_openssl(directory=" in last
    assert "PYOSSL_OPENSSL_DIR" not in last


def test_use_openssl_ambiguous_directory_suggests_the_call(tmp_path):
    builds = [d for d in ("openssl-1.1.1g", "openssl-3.5.8")
              if glob.glob(os.path.join(CACHE, d, "libssl*"))]
    if len(builds) < 2:
        pytest.skip("needs two provisioned builds (nox provisions them)")
    for name in builds:
        for path in glob.glob(os.path.join(CACHE, name, "lib*")):
            target = tmp_path / os.path.basename(path)
            if not target.exists():
                os.symlink(path, str(target))
    code = ("import pyossl; pyossl.use_openssl(directory=%r); "
            "pyossl.openssl_info()" % str(tmp_path))
    proc = child(["-c", code], keep_build=False)
    last = proc.stderr.strip().splitlines()[-1]
    assert "more than one libcrypto" in last
    assert "use_openssl(libcrypto=" in last and "PYOSSL_LIBCRYPTO" not in last


def test_loader_logs_rejected_candidates(tmp_path):
    """A rejected explicit choice is logged with its reason."""
    libz = [p for p in glob.glob(os.path.join(CACHE, "*", "libz-*"))]
    if not libz:
        pytest.skip("needs a provisioned build with its libz")
    crypto, ssl = _system_pair()
    code = ("import logging, pyossl; logging.basicConfig(level=logging.DEBUG)"
            "\ntry:\n    pyossl.openssl_info()\nexcept ImportError:\n"
            "    pass\n")
    proc = child(["-c", code], {"PYOSSL_LIBCRYPTO": libz[0],
                                "PYOSSL_LIBSSL": ssl}, keep_build=False)
    assert proc.returncode == 0, proc.stderr
    assert "DEBUG:pyossl:trying %s" % libz[0] in proc.stderr
    assert "DEBUG:pyossl:rejected:" in proc.stderr
    assert "is not an OpenSSL libcrypto" in proc.stderr


def test_automatic_search_logs_each_candidate():
    code = ("import logging, pyossl; logging.basicConfig(level=logging.DEBUG)"
            "; pyossl.openssl_info()")
    proc = child(["-c", code], keep_build=False)
    assert proc.returncode == 0, proc.stderr
    assert "DEBUG:pyossl:trying " in proc.stderr
    assert "INFO:pyossl:using OpenSSL" in proc.stderr


def test_python_m_pyossl_in_a_folder_without_the_checkout(tmp_path):
    """The module runs from anywhere (as after an installation)."""
    proc = report("--no-handshake", cwd=str(tmp_path))
    assert "OpenSSL:" in proc.stdout


def test_openssl_command_is_not_needed_for_the_report(tmp_path):
    """The report reads the library, never the openssl command."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    assert shutil.which("openssl", path=str(bindir)) is None
    proc = report("--json", "--no-handshake",
                  env_update={"PATH": str(bindir)})
    assert json.loads(proc.stdout)["openssl"]["table"] == LIB.table
