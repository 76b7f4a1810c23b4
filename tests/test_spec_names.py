"""Every name the API contract (/work/shared/spec) mentions exists in pyossl.

The table below was extracted by hand, section by section, from the three
editions of the documentation:

* ``001`` -- pyOpenSSL 16.1.0 (crypto, rand, SSL, internals, changelog),
* ``000`` -- the ~0.14 reST page of the ``SSL`` module,
* ``003`` -- the 0.10 manual (crypto, rand, SSL, with methods listed in prose).

Names only an older edition has are kept (as aliases when 16.1 renamed them,
e.g. ``Connection.state_string`` -> ``get_state_string``).  Names that depend
on the platform or on the OpenSSL build are checked for their documented
behaviour instead (see the ``test_*`` functions after the table).
"""

import sys

import pytest

from pyossl import SSL, crypto, rand

# ---------------------------------------------------------------------------
# crypto
# ---------------------------------------------------------------------------

_X509 = [
    # 16.1 (001) and 0.10 (003, "X509 objects")
    "add_extensions", "digest", "get_extension", "get_extension_count",
    "get_issuer", "get_notAfter", "get_notBefore", "get_pubkey",
    "get_serial_number", "get_signature_algorithm", "get_subject",
    "get_version", "gmtime_adj_notAfter", "gmtime_adj_notBefore",
    "has_expired", "set_issuer", "set_notAfter", "set_notBefore",
    "set_pubkey", "set_serial_number", "set_subject", "set_version", "sign",
    "subject_name_hash",
]

_X509NAME = [
    # methods (001, 003 "X509Name objects")
    "__init__", "der", "get_components", "hash",
]

# X509Name attributes ("Variables" in 001, "members" in 003).  They are
# instance attributes backed by the name's entries, so they are checked on an
# instance (see test_x509name_attributes), not on the class.
X509NAME_ATTRIBUTES = [
    "countryName", "C", "stateOrProvinceName", "ST", "localityName", "L",
    "organizationName", "O", "organizationalUnitName", "OU", "commonName",
    "CN", "emailAddress",
]

_X509REQ = [
    "add_extensions", "get_extensions", "get_pubkey", "get_subject",
    "get_version", "set_pubkey", "set_version", "sign", "verify",
]

_X509STORE = ["add_cert", "add_crl", "set_flags"]

_X509STORECONTEXT = ["set_store", "verify_certificate"]

_X509STOREFLAGS = [
    "CRL_CHECK", "CRL_CHECK_ALL", "IGNORE_CRITICAL", "X509_STRICT",
    "ALLOW_PROXY_CERTS", "POLICY_CHECK", "EXPLICIT_POLICY", "INHIBIT_MAP",
    "NOTIFY_POLICY", "CHECK_SS_SIGNATURE", "CB_ISSUER_CHECK",
]

_PKEY = [
    "bits", "check", "from_cryptography_key", "generate_key",
    "to_cryptography_key", "type",
]

_PKCS7 = [
    "type_is_signed", "type_is_enveloped", "type_is_signedAndEnveloped",
    "type_is_data", "get_type_name",
]

_PKCS12 = [
    "export", "get_ca_certificates", "get_certificate", "get_friendlyname",
    "get_privatekey", "set_ca_certificates", "set_certificate",
    "set_friendlyname", "set_privatekey",
]

_X509EXTENSION = [
    "__init__", "__str__", "get_critical", "get_data", "get_short_name",
]

_NETSCAPESPKI = ["b64_encode", "get_pubkey", "set_pubkey", "sign", "verify"]

_CRL = [
    "add_revoked", "export", "get_issuer", "get_revoked", "set_lastUpdate",
    "set_nextUpdate", "set_version", "sign",
]

_REVOKED = [
    "all_reasons", "get_reason", "get_rev_date", "get_serial", "set_reason",
    "set_rev_date", "set_serial",
]


def _members(cls, names):
    return [cls + "." + n for n in names]


CRYPTO_NAMES = (
    [
        # module-level functions (001 "Elliptic curves", "Serialization and
        # deserialization", "Signing and verifying signatures"; 003 3.1)
        "get_elliptic_curves", "get_elliptic_curve",
        "dump_certificate", "load_certificate",
        "dump_certificate_request", "load_certificate_request",
        "dump_privatekey", "load_privatekey",
        "dump_publickey", "load_publickey",
        "dump_crl", "load_crl",
        "load_pkcs7_data", "load_pkcs12",
        "sign", "verify",
        # constants
        "FILETYPE_PEM", "FILETYPE_ASN1",
        "FILETYPE_TEXT",  # named by dump_privatekey/dump_crl/CRL.export
        "TYPE_RSA", "TYPE_DSA",
        # classes and exceptions
        "X509", "X509Name", "X509Req", "X509Store", "X509StoreContextError",
        "X509StoreContext", "X509StoreFlags", "PKey", "PKCS7", "PKCS12",
        "X509Extension", "NetscapeSPKI", "CRL", "Revoked", "Error",
        # "Backwards compatible type names" (001) / "...Type" (003)
        "X509Type", "X509NameType", "X509ReqType", "X509StoreType",
        "X509ExtensionType", "PKeyType", "PKCS7Type", "PKCS12Type",
        "NetscapeSPKIType", "CRLType",
        # 16.0.0 changelog: "To revert this you can call
        # OpenSSL.crypto._lib.ASN1_STRING_set_default_mask_asc(b"default")"
        "_lib.ASN1_STRING_set_default_mask_asc",
    ]
    + _members("X509", _X509)
    + _members("X509Name", _X509NAME)
    + _members("X509Req", _X509REQ)
    + _members("X509Store", _X509STORE)
    + _members("X509StoreContext", _X509STORECONTEXT)
    + _members("X509StoreFlags", _X509STOREFLAGS)
    + _members("PKey", _PKEY)
    + _members("PKCS7", _PKCS7)
    + _members("PKCS12", _PKCS12)
    + _members("X509Extension", _X509EXTENSION)
    + _members("NetscapeSPKI", _NETSCAPESPKI)
    + _members("CRL", _CRL)
    + _members("Revoked", _REVOKED)
)

# ---------------------------------------------------------------------------
# rand
# ---------------------------------------------------------------------------

RAND_NAMES = [
    "add", "bytes", "cleanup", "egd", "load_file", "screen", "seed",
    "status", "write_file", "Error",
]

# ---------------------------------------------------------------------------
# SSL
# ---------------------------------------------------------------------------

_CONTEXT = [
    # 001, 000 and 003 "Context objects"
    "check_privatekey", "get_app_data", "get_cert_store", "get_timeout",
    "get_verify_depth", "get_verify_mode", "load_client_ca",
    "set_client_ca_list", "add_client_ca", "load_verify_locations",
    "set_default_verify_paths", "load_tmp_dh", "set_tmp_ecdh",
    "set_app_data", "set_cipher_list", "set_info_callback", "set_options",
    "set_mode", "set_passwd_cb", "set_session_cache_mode",
    "get_session_cache_mode", "set_session_id", "set_timeout", "set_verify",
    "set_verify_depth", "use_certificate", "add_extra_chain_cert",
    "use_certificate_chain_file", "use_privatekey", "use_certificate_file",
    "use_privatekey_file", "set_tlsext_servername_callback",
    "set_npn_advertise_callback", "set_npn_select_callback",
    "set_alpn_protos", "set_alpn_select_callback",
]

_CONNECTION = [
    # 001, 000 and 003 "Connection objects"
    "accept", "bind", "close", "connect", "connect_ex", "do_handshake",
    "fileno", "listen", "get_app_data", "get_cipher_list",
    "get_protocol_version", "get_protocol_version_name",
    "get_client_ca_list", "get_context", "set_context",
    "get_peer_certificate", "get_peer_cert_chain", "getpeername",
    "getsockname", "getsockopt", "pending", "recv", "recv_into",
    "bio_write", "renegotiate", "renegotiate_pending",
    "total_renegotiations", "send", "bio_read", "sendall",
    "set_accept_state", "set_app_data", "set_connect_state", "setblocking",
    "setsockopt", "shutdown", "get_shutdown", "set_shutdown",
    "sock_shutdown", "bio_shutdown", "get_state_string",
    "state_string",  # 000/003 name, renamed get_state_string in 16.1
    "client_random", "server_random", "master_key", "want_read",
    "want_write", "set_tlsext_host_name", "get_servername", "get_session",
    "set_session", "get_finished", "get_peer_finished", "get_cipher_name",
    "get_cipher_bits", "get_cipher_version", "get_next_proto_negotiated",
    "set_alpn_protos", "get_alpn_proto_negotiated",
]

SSL_NAMES = (
    [
        # methods: SSLv2_METHOD / SSLv3_METHOD are build-dependent at
        # Context() time, not at import time (test_method_constants).
        "SSLv2_METHOD", "SSLv3_METHOD", "SSLv23_METHOD", "TLSv1_METHOD",
        "TLSv1_1_METHOD", "TLSv1_2_METHOD",
        "VERIFY_NONE", "VERIFY_PEER", "VERIFY_FAIL_IF_NO_PEER_CERT",
        "VERIFY_CLIENT_ONCE",  # named in set_verify's text (all editions)
        "SENT_SHUTDOWN", "RECEIVED_SHUTDOWN",  # get/set_shutdown's text
        "FILETYPE_PEM", "FILETYPE_ASN1",
        "OP_SINGLE_DH_USE", "OP_SINGLE_ECDH_USE", "OP_EPHEMERAL_RSA",
        "OP_NO_TICKET", "OP_NO_COMPRESSION",
        "OP_NO_SSLv2", "OP_NO_SSLv3", "OP_NO_TLSv1", "OP_NO_TLSv1_1",
        "OP_NO_TLSv1_2",
        "MODE_NO_COMPRESSION",  # 000
        "SSLEAY_VERSION", "SSLEAY_CFLAGS", "SSLEAY_BUILT_ON",
        "SSLEAY_PLATFORM", "SSLEAY_DIR",
        "SESS_CACHE_OFF", "SESS_CACHE_CLIENT", "SESS_CACHE_SERVER",
        "SESS_CACHE_BOTH", "SESS_CACHE_NO_AUTO_CLEAR",
        "SESS_CACHE_NO_INTERNAL_LOOKUP", "SESS_CACHE_NO_INTERNAL_STORE",
        "SESS_CACHE_NO_INTERNAL",
        "OPENSSL_VERSION_NUMBER", "SSLeay_version",
        "ContextType", "Context", "Session", "ConnectionType", "Connection",
        "Error", "ZeroReturnError", "WantReadError", "WantWriteError",
        "WantX509LookupError", "SysCallError",
    ]
    + _members("Context", _CONTEXT)
    + _members("Connection", _CONNECTION)
)

SPEC_NAMES = {
    "crypto": CRYPTO_NAMES,
    "rand": RAND_NAMES,
    "SSL": SSL_NAMES,
}

_MODULES = {"crypto": crypto, "rand": rand, "SSL": SSL}


def _resolve(module, dotted):
    obj = module
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize(
    "modname, dotted",
    [(m, n) for m, names in SPEC_NAMES.items() for n in names],
)
def test_name_exists(modname, dotted):
    """Each name the spec documents is reachable from its module."""
    module = _MODULES[modname]
    try:
        _resolve(module, dotted)
    except AttributeError:
        pytest.fail("pyossl.%s has no %s" % (modname, dotted))


def test_table_has_no_duplicates():
    for names in SPEC_NAMES.values():
        assert len(names) == len(set(names))


# ---------------------------------------------------------------------------
# What kind of object each name is (a constant, a callable, a class)
# ---------------------------------------------------------------------------

_CONSTANT_PREFIXES = (
    "FILETYPE_", "TYPE_", "SSLv", "TLSv", "VERIFY_", "OP_", "MODE_", "SENT_",
    "RECEIVED_", "SSLEAY_", "SESS_CACHE_", "OPENSSL_VERSION_NUMBER",
)


def _kind(dotted):
    last = dotted.rsplit(".", 1)[-1]
    if dotted.startswith("X509StoreFlags."):
        return "int"
    if "." not in dotted and last.startswith(_CONSTANT_PREFIXES):
        return "int"
    if "." not in dotted and last[:1].isupper() and last != "SSLeay_version":
        return "class"
    return "callable"


@pytest.mark.parametrize(
    "modname, dotted",
    [(m, n) for m, names in SPEC_NAMES.items() for n in names],
)
def test_name_kind(modname, dotted):
    """Constants are ints, classes are types, everything else is callable."""
    obj = _resolve(_MODULES[modname], dotted)
    kind = _kind(dotted)
    if dotted in _SOCKET_METHODS:
        # Resolved per instance from the wrapped socket (test_socket_methods).
        assert isinstance(obj, property)
    elif kind == "int":
        assert isinstance(obj, int) and not isinstance(obj, bool)
    elif kind == "class":
        assert isinstance(obj, type)
    else:
        assert callable(obj)


# Connection methods that are the wrapped socket's own (001 "Accessing Socket
# Methods": lookups that fail on the Connection go to the transport object).
_SOCKET_METHODS = {
    "Connection." + n for n in (
        "bind", "close", "fileno", "listen", "getpeername", "getsockname",
        "getsockopt", "setblocking", "setsockopt")
}


def test_socket_methods():
    """The socket methods are the socket's bound methods on a socket-backed
    Connection, and absent (AttributeError, as with pyOpenSSL's delegation)
    on a memory-BIO one."""
    import socket

    ctx = SSL.Context(SSL.SSLv23_METHOD)
    sock = socket.socket()
    try:
        conn = SSL.Connection(ctx, sock)
        for dotted in sorted(_SOCKET_METHODS):
            name = dotted.split(".")[1]
            assert callable(getattr(conn, name))
        assert conn.fileno() == sock.fileno()
        conn.setblocking(False)
        assert sock.gettimeout() == 0.0
        conn.bind(("127.0.0.1", 0))
        assert conn.getsockname() == sock.getsockname()
    finally:
        sock.close()
    membio = SSL.Connection(ctx, None)
    for dotted in sorted(_SOCKET_METHODS):
        assert not hasattr(membio, dotted.split(".")[1])


@pytest.mark.parametrize("modname, name", [
    ("crypto", "Error"), ("crypto", "X509StoreContextError"),
    ("rand", "Error"), ("SSL", "Error"), ("SSL", "ZeroReturnError"),
    ("SSL", "WantReadError"), ("SSL", "WantWriteError"),
    ("SSL", "WantX509LookupError"), ("SSL", "SysCallError"),
])
def test_exceptions(modname, name):
    exc = getattr(_MODULES[modname], name)
    assert issubclass(exc, Exception)
    if modname == "SSL" and name != "Error":
        # 003: Error "is used as a base class for the other SSL-related
        # exceptions".
        assert issubclass(exc, SSL.Error)


# ---------------------------------------------------------------------------
# Older names kept as aliases
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", [
    "X509", "X509Name", "X509Req", "X509Store", "X509Extension", "PKey",
    "PKCS7", "PKCS12", "NetscapeSPKI", "CRL",
])
def test_crypto_type_aliases(name):
    """001 "Backwards compatible type names": ``XType is X``."""
    assert getattr(crypto, name + "Type") is getattr(crypto, name)


def test_ssl_type_aliases():
    assert SSL.ContextType is SSL.Context
    assert SSL.ConnectionType is SSL.Connection


def test_state_string_is_get_state_string():
    """000/003 ``state_string()`` was renamed ``get_state_string()``."""
    assert SSL.Connection.state_string is SSL.Connection.get_state_string
    conn = SSL.Connection(SSL.Context(SSL.SSLv23_METHOD), None)
    conn.set_connect_state()
    assert isinstance(conn.state_string(), bytes)
    assert conn.state_string() == conn.get_state_string()


# ---------------------------------------------------------------------------
# Names whose presence or behaviour depends on the platform or the build
# ---------------------------------------------------------------------------

def test_rand_screen_exists():
    """``rand.screen()`` -- "Availability: Windows" (003; 001 documents it
    for the Windows build).  pyossl has it everywhere (issue 12): where
    there is no screen source it adds nothing, as documented."""
    assert rand.screen() is None


@pytest.mark.parametrize("name", [
    "SSLv2_METHOD", "SSLv3_METHOD", "SSLv23_METHOD", "TLSv1_METHOD",
    "TLSv1_1_METHOD", "TLSv1_2_METHOD",
])
def test_method_constants(name):
    """"If the underlying OpenSSL build is missing support for any of these
    protocols, constructing a Context using the corresponding *_METHOD will
    raise an exception" (000/001): the constant always exists, Context()
    raises ValueError (as pyOpenSSL) when the build lacks the method.
    SSLv2 is gone from every supported build (1.0.2 builds it only with
    enable-ssl2, 1.1.0+ removed it)."""
    method = getattr(SSL, name)
    if name == "SSLv2_METHOD":
        with pytest.raises(ValueError):
            SSL.Context(method)
    elif name == "SSLv3_METHOD":
        try:
            SSL.Context(method)
        except ValueError:
            pass  # built with no-ssl3-method (the default since 1.1.0)
    else:
        assert isinstance(SSL.Context(method), SSL.Context)


def test_bad_method_raises():
    with pytest.raises(ValueError):
        SSL.Context(12345)
    with pytest.raises(TypeError):
        SSL.Context("TLSv1_METHOD")


def test_op_no_constants_are_distinct_bits():
    """001: each OP_NO_* "disables one version of the SSL/TLS protocol";
    they are usable with set_options on every build."""
    names = ["OP_NO_SSLv2", "OP_NO_SSLv3", "OP_NO_TLSv1", "OP_NO_TLSv1_1",
             "OP_NO_TLSv1_2"]
    values = [getattr(SSL, n) for n in names]
    ctx = SSL.Context(SSL.SSLv23_METHOD)
    for value in values[1:]:  # OP_NO_SSLv2 is 0 on 1.1.0+ (no SSLv2)
        assert value and value & (value - 1) == 0
        assert ctx.set_options(value) & value == value
    assert len(set(values[1:])) == len(values) - 1


@pytest.mark.parametrize("name", [
    "SSLEAY_VERSION", "SSLEAY_CFLAGS", "SSLEAY_BUILT_ON", "SSLEAY_PLATFORM",
    "SSLEAY_DIR",
])
def test_ssleay_version(name):
    """SSLeay_version(type) returns the build information as bytes."""
    value = SSL.SSLeay_version(getattr(SSL, name))
    assert isinstance(value, bytes) and value


def test_ssleay_version_text_matches_number():
    text = SSL.SSLeay_version(SSL.SSLEAY_VERSION)
    assert text.startswith(b"OpenSSL ")
    number = SSL.OPENSSL_VERSION_NUMBER
    major, minor = (number >> 28) & 0xF, (number >> 20) & 0xFF
    if major == 3:
        # 3.x: 0xMNN00PP0, text "OpenSSL 3.N.P"
        assert text.split()[1].startswith(b"3.%d." % minor)
    else:
        # 0xMNNFFPPS, text "OpenSSL 1.N.F<letter>"
        fix = (number >> 12) & 0xFF
        assert text.split()[1].startswith(b"%d.%d.%d" % (major, minor, fix))


# ---------------------------------------------------------------------------
# Behaviour the older editions describe that 16.1 still has
# ---------------------------------------------------------------------------

def test_x509name_attributes():
    """X509Name "members" (003) / "Variables" (001) and their aliases."""
    pairs = [
        ("countryName", "C", "US"), ("stateOrProvinceName", "ST", "Texas"),
        ("localityName", "L", "Austin"), ("organizationName", "O", "Org"),
        ("organizationalUnitName", "OU", "Unit"),
        ("commonName", "CN", "example.com"),
    ]
    name = crypto.X509().get_subject()
    assert name.emailAddress is None
    for long_name, short, value in pairs:
        assert getattr(name, long_name) is None
        setattr(name, short, value)
        assert getattr(name, long_name) == value
        assert getattr(name, short) == value
    name.emailAddress = "a@example.com"
    assert name.emailAddress == "a@example.com"
    assert dict(name.get_components())[b"emailAddress"] == b"a@example.com"
    with pytest.raises(AttributeError):
        name.notAField = "x"


def test_x509name_copy_constructor():
    """X509Name(x509name) "creates a copy of x509name" (003)."""
    name = crypto.X509().get_subject()
    name.CN = "one"
    copy = crypto.X509Name(name)
    copy.CN = "two"
    assert name.CN == "one" and copy.CN == "two"
    with pytest.raises(TypeError):
        crypto.X509Name("CN=one")


def test_x509_store_context_error_certificate():
    """001: X509StoreContextError has a ``certificate`` variable."""
    cert = crypto.X509()
    err = crypto.X509StoreContextError([20, 0, "x"], cert)
    assert err.certificate is cert
    assert isinstance(err, Exception)



def test_netscape_spki_from_b64(rsa_key):
    """003: NetscapeSPKI([enc]) -- enc is the base64 form b64_encode gives."""
    spki = crypto.NetscapeSPKI()
    spki.set_pubkey(rsa_key)
    spki.sign(rsa_key, "sha256")
    enc = spki.b64_encode()
    again = crypto.NetscapeSPKI(enc)
    assert again.b64_encode() == enc
    assert again.verify(rsa_key)
    assert crypto.dump_publickey(crypto.FILETYPE_PEM, again.get_pubkey()) \
        == crypto.dump_publickey(crypto.FILETYPE_PEM, rsa_key)
    with pytest.raises(crypto.Error):
        crypto.NetscapeSPKI(b"not base64 at all !!")


def test_filetype_text(rsa_key):
    """FILETYPE_TEXT (001: dump_privatekey, dump_crl, CRL.export)."""
    text = crypto.dump_privatekey(crypto.FILETYPE_TEXT, rsa_key)
    assert b"Private-Key" in text
    crl = crypto.CRL()
    assert isinstance(crypto.dump_crl(crypto.FILETYPE_TEXT, crl), bytes)


def test_pkcs12_without_ca_certificates(rsa_key):
    """003: get_ca_certificates() "Returns None if no CA certificates are
    present"."""
    p12 = crypto.PKCS12()
    p12.set_privatekey(rsa_key)
    assert p12.get_ca_certificates() is None
    loaded = crypto.load_pkcs12(p12.export(b"pw"), b"pw")
    assert loaded.get_ca_certificates() is None
    assert loaded.get_privatekey().bits() == 2048


def test_connection_with_memory_bio():
    """003: "socket may be None; in this case, the Connection is created
    with a memory BIO: see the bio_read, bio_write, and bio_shutdown"."""
    conn = SSL.Connection(SSL.Context(SSL.SSLv23_METHOD), None)
    conn.set_connect_state()
    with pytest.raises(SSL.WantReadError):
        conn.do_handshake()
    hello = conn.bio_read(65536)
    assert hello[:1] == b"\x16"  # a TLS handshake record
    conn.bio_shutdown()
    with pytest.raises(SSL.Error):
        conn.do_handshake()


def test_rand_egd_seeds_from_urandom():
    """16.1 decides over 003: egd() no longer queries a daemon, it seeds
    the PRNG from os.urandom and returns the number of bytes (255 by
    default), whatever the path."""
    with pytest.deprecated_call():      # deprecated since 16.0 (spec)
        assert rand.egd(b"/nonexistent/egd-socket") == 255
    with pytest.deprecated_call():
        assert rand.egd("/nonexistent/egd-socket", 16) == 16
    assert rand.status() == 1
    with pytest.deprecated_call(), pytest.raises(TypeError):
        rand.egd(None)
    with pytest.deprecated_call(), pytest.raises(TypeError):
        rand.egd(b"x", "16")


def test_rand_load_file_default_reads_everything(tmp_path):
    """003: load_file(path[, bytes]) -- "The default value of bytes is -1"
    (read the whole file)."""
    path = tmp_path / "seed"
    path.write_bytes(b"\x01" * 3000)
    assert rand.load_file(str(path)) == 3000
    assert rand.load_file(str(path), 100) == 100


def test_shutdown_state_constants():
    """get_shutdown()/set_shutdown(state): "a bitvector of either or both of
    SENT_SHUTDOWN and RECEIVED_SHUTDOWN"."""
    assert SSL.SENT_SHUTDOWN & SSL.RECEIVED_SHUTDOWN == 0
    conn = SSL.Connection(SSL.Context(SSL.SSLv23_METHOD), None)
    assert conn.get_shutdown() == 0
    conn.set_shutdown(SSL.RECEIVED_SHUTDOWN)
    assert conn.get_shutdown() == SSL.RECEIVED_SHUTDOWN
    conn.set_shutdown(SSL.SENT_SHUTDOWN | SSL.RECEIVED_SHUTDOWN)
    assert conn.get_shutdown() == SSL.SENT_SHUTDOWN | SSL.RECEIVED_SHUTDOWN


def test_verify_mode_constants():
    """set_verify(mode, callback): VERIFY_PEER may be combined with
    VERIFY_FAIL_IF_NO_PEER_CERT and VERIFY_CLIENT_ONCE; get_verify_mode
    returns the combination."""
    ctx = SSL.Context(SSL.SSLv23_METHOD)
    assert ctx.get_verify_mode() == SSL.VERIFY_NONE == 0
    mode = (SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT
            | SSL.VERIFY_CLIENT_ONCE)
    ctx.set_verify(mode, lambda conn, cert, errno, depth, ok: ok)
    assert ctx.get_verify_mode() == mode
