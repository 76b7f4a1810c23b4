"""The table's section for what pyOpenSSL added after 16.1 on the ``SSL``
side: DTLS (methods, ``DTLSv1_listen`` and cookies, timers, MTUs), SRTP,
OCSP stapling, keying-material export, the key-exchange group, and the
per-connection settings (``SSL_use_*``, ``SSL_set_options``,
``SSL_set_info_callback``).

The callback prototypes of :mod:`pyossl._ssl.dtls` and
:mod:`pyossl._ssl.ocsp` are defined here, next to the functions that take
them.  Every ctrl number below is the same in 1.0.2, 1.1.x and 3.x.
"""

from ctypes import (CFUNCTYPE, byref, c_char_p, c_int, c_size_t, c_uint,
                    c_uint64, c_ulong, c_void_p)

from . import layouts
from .records import Const, Fn, Macro

# --------------------------------------------------------------- callbacks --
# int generate_cookie(SSL *ssl, unsigned char *cookie,
#                     unsigned int *cookie_len)
COOKIE_GENERATE_CB = CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p)
# int verify_cookie(SSL *ssl, const unsigned char *cookie,
#                   unsigned int cookie_len)
COOKIE_VERIFY_CB = CFUNCTYPE(c_int, c_void_p, c_void_p, c_uint)
# int status_cb(SSL *ssl, void *arg): the TLS status request (OCSP) callback
STATUS_CB = CFUNCTYPE(c_int, c_void_p, c_void_p)

# ------------------------------------------------------------ ctrl numbers --
SSL_CTRL_SET_MTU = 17
SSL_CTRL_OPTIONS = 32
SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB = 63
SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB_ARG = 64
SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE = 65
SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP = 70
SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP = 71
DTLS_CTRL_GET_TIMEOUT = 73
DTLS_CTRL_HANDLE_TIMEOUT = 74
DTLS_CTRL_LISTEN = 75                   # 1.0.2: DTLSv1_listen is this ctrl
SSL_CTRL_CLEAR_MODE = 78
SSL_CTRL_GET_PEER_TMP_KEY = 109         # 1.0.2 called it GET_SERVER_TMP_KEY
SSL_CTRL_GET_TMP_KEY = 133              # 1.1.1
SSL_CTRL_GET_NEGOTIATED_GROUP = 134     # 3.0


def _ctrl_larg(fn_name, cmd):
    """``name(obj, larg)`` -> ``fn(obj, cmd, larg, NULL)``."""
    def factory(lib):
        ctrl = getattr(lib, fn_name)

        def call(obj, larg=0):
            return ctrl(obj, cmd, larg, None)
        return call
    return factory


def _ctrl_parg(fn_name, cmd):
    """``name(obj, parg)`` -> ``fn(obj, cmd, 0, parg)``."""
    def factory(lib):
        ctrl = getattr(lib, fn_name)

        def call(obj, parg):
            return ctrl(obj, cmd, 0, parg)
        return call
    return factory


def _set_ocsp_resp(lib):
    ctrl = lib.SSL_ctrl

    def SSL_set_tlsext_status_ocsp_resp(ssl, resp, length):
        """Give *ssl* the ``OPENSSL_malloc``'d *resp*; OpenSSL frees it."""
        return ctrl(ssl, SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP, length,
                    resp)
    return SSL_set_tlsext_status_ocsp_resp


def _set_status_cb(lib):
    callback_ctrl = lib.SSL_CTX_callback_ctrl

    def SSL_CTX_set_tlsext_status_cb(ctx, fp):
        return callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB, fp)
    return SSL_CTX_set_tlsext_status_cb


def _set_options_102(lib):
    """1.0.2: ``SSL_set_options`` is ctrl 32 (a signed ``long`` result)."""
    ctrl = lib.SSL_ctrl

    def SSL_set_options(ssl, options):
        return ctrl(ssl, SSL_CTRL_OPTIONS, options, None) & 0xFFFFFFFF
    return SSL_set_options


def _openssl_malloc_102(lib):
    malloc = lib.CRYPTO_malloc

    def OPENSSL_malloc(size):
        return malloc(size, b"pyossl", 0)
    return OPENSSL_malloc


_openssl_malloc = _openssl_malloc_102       # the same call, wider size


def _is_dtls_102(lib):
    """1.0.2 has no ``SSL_is_dtls``: DTLS versions are 0xFEFF (1.0),
    0xFEFD (1.2), 0x0100 (the pre-RFC "bad" version) and 0x1FFFF (any
    version, before the handshake)."""
    version = lib.SSL_version

    def SSL_is_dtls(ssl):
        v = version(ssl)
        return int((v >> 8) == 0xFE or v in (0x0100, 0x1FFFF))
    return SSL_is_dtls


def _dtls_listen_102(lib):
    """1.0.2: ``DTLSv1_listen(ssl, struct sockaddr *peer)`` is a ctrl; the
    peer address it may write is not used (a ``sockaddr_storage``-sized
    buffer takes it).  Returns > 0 once a ClientHello with a valid cookie
    arrived, <= 0 otherwise (``SSL_get_error`` tells which)."""
    ctrl = lib.SSL_ctrl

    def DTLSv1_listen_any(ssl):
        peer = layouts.new_sockaddr()
        return ctrl(ssl, DTLS_CTRL_LISTEN, 0, peer)
    return DTLSv1_listen_any


def _dtls_listen_11(lib):
    """1.1.0+: ``DTLSv1_listen(ssl, BIO_ADDR *peer)``; 1 once a ClientHello
    with a valid cookie arrived, 0 to be called again, < 0 on error."""
    listen, new, free = (lib.DTLSv1_listen, lib.BIO_ADDR_new,
                         lib.BIO_ADDR_free)

    def DTLSv1_listen_any(ssl):
        addr = new()
        if not addr:
            return -1
        try:
            return listen(ssl, addr)
        finally:
            free(addr)
    return DTLSv1_listen_any


def _group_name_11(lib):
    """1.1.x: the name of the key-exchange group, from the ephemeral key
    (the peer's, else this side's): ``None`` when there is none (RSA key
    exchange) or it has no named group (finite-field DHE)."""
    get_peer, get_own = lib.SSL_get_peer_tmp_key, lib.SSL_get_tmp_key
    base_id, free, nid2sn = (lib.EVP_PKEY_base_id, lib.EVP_PKEY_free,
                             lib.OBJ_nid2sn)
    get1_ec, group_of, curve_name, ec_free = (
        lib.EVP_PKEY_get1_EC_KEY, lib.EC_KEY_get0_group,
        lib.EC_GROUP_get_curve_name, lib.EC_KEY_free)
    EVP_PKEY_EC, EVP_PKEY_DH = 408, 28
    # OpenSSL 3's names for the groups (its TLS group names).
    tls_names = {b"prime256v1": b"secp256r1", b"X25519": b"x25519",
                 b"X448": b"x448"}

    def SSL_get_group_name(ssl):
        pkey = c_void_p()
        if not (get_peer(ssl, byref(pkey)) and pkey.value):
            pkey = c_void_p()
            if not (get_own(ssl, byref(pkey)) and pkey.value):
                return None
        try:
            kind = base_id(pkey.value)
            if kind == EVP_PKEY_DH:
                return None
            nid = kind
            if kind == EVP_PKEY_EC:
                ec = get1_ec(pkey.value)
                if not ec:
                    return None
                try:
                    nid = curve_name(group_of(ec))
                finally:
                    ec_free(ec)
            name = nid2sn(nid)
            return tls_names.get(name, name) if name else None
        finally:
            free(pkey.value)
    return SSL_get_group_name


def _group_name_3(lib):
    """3.2+: ``SSL_get0_group_name``; 3.0 and 3.1: the TLS name of the
    negotiated group."""
    if lib.available("SSL_get0_group_name"):
        return lib.SSL_get0_group_name
    ctrl, to_name = lib.SSL_ctrl, lib.SSL_group_to_name

    def SSL_get_group_name(ssl):
        nid = ctrl(ssl, SSL_CTRL_GET_NEGOTIATED_GROUP, 0, None)
        if not nid:
            return None
        return to_name(ssl, nid)
    return SSL_get_group_name


DECLARATIONS = [
    # ---- DTLS ------------------------------------------------------------
    Fn("DTLS_method", c_void_p, [], lib="ssl"),
    Fn("DTLS_server_method", c_void_p, [], lib="ssl"),
    Fn("DTLS_client_method", c_void_p, [], lib="ssl"),
    Fn("SSL_is_dtls", c_int, [c_void_p], lib="ssl", since="1.1"),
    Macro("SSL_is_dtls", _is_dtls_102, until="1.1"),
    Fn("DTLSv1_listen", c_int, [c_void_p, c_void_p], lib="ssl", since="1.1"),
    Fn("BIO_ADDR_new", c_void_p, [], since="1.1"),
    Fn("BIO_ADDR_free", None, [c_void_p], since="1.1"),
    Macro("DTLSv1_listen_any", _dtls_listen_102, until="1.1"),
    Macro("DTLSv1_listen_any", _dtls_listen_11, since="1.1"),
    Fn("DTLS_get_data_mtu", c_size_t, [c_void_p], lib="ssl", since="1.1",
       optional=True),                                        # 1.1.1+
    Macro("SSL_set_mtu", _ctrl_larg("SSL_ctrl", SSL_CTRL_SET_MTU)),
    Macro("DTLSv1_get_timeout",
          layouts.dtls_get_timeout(DTLS_CTRL_GET_TIMEOUT)),
    Macro("DTLSv1_handle_timeout",
          _ctrl_larg("SSL_ctrl", DTLS_CTRL_HANDLE_TIMEOUT)),
    Fn("SSL_CTX_set_cookie_generate_cb", None, [c_void_p, c_void_p],
       lib="ssl"),
    Fn("SSL_CTX_set_cookie_verify_cb", None, [c_void_p, c_void_p],
       lib="ssl"),
    # The longest cookie a HelloVerifyRequest carries (one length byte).
    # OpenSSL's buffer is DTLS1_COOKIE_LENGTH: 256 in 1.0.2 and 1.1.x, 255
    # in 3.x; every build refuses a generated cookie longer than 255.
    Const.same("DTLS_COOKIE_MAX", 255),
    # ---- SRTP ------------------------------------------------------------
    Fn("SSL_CTX_set_tlsext_use_srtp", c_int, [c_void_p, c_char_p],
       lib="ssl"),                                  # 0 means success
    Fn("SSL_get_selected_srtp_profile", c_void_p, [c_void_p], lib="ssl"),
    Macro("SSL_get_selected_srtp_profile_name", layouts.srtp_profile_name),
    # ---- OCSP stapling (TLS status request) -------------------------------
    Macro("SSL_CTX_set_tlsext_status_cb", _set_status_cb),
    Macro("SSL_CTX_set_tlsext_status_arg",
          _ctrl_parg("SSL_CTX_ctrl", SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB_ARG)),
    Macro("SSL_set_tlsext_status_type",
          _ctrl_larg("SSL_ctrl", SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE)),
    Macro("SSL_get_tlsext_status_ocsp_resp",
          _ctrl_parg("SSL_ctrl", SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP)),
    Macro("SSL_set_tlsext_status_ocsp_resp", _set_ocsp_resp),
    Const.same("TLSEXT_STATUSTYPE_ocsp", 1),
    Fn("CRYPTO_malloc", c_void_p, [c_int, c_char_p, c_int], until="1.1"),
    Fn("CRYPTO_malloc", c_void_p, [c_size_t, c_char_p, c_int], since="1.1"),
    Macro("OPENSSL_malloc", _openssl_malloc),
    # ---- keying material, chains, groups ----------------------------------
    Fn("SSL_export_keying_material", c_int,
       [c_void_p, c_void_p, c_size_t, c_void_p, c_size_t, c_void_p,
        c_size_t, c_int], lib="ssl"),
    Fn("SSL_get0_verified_chain", c_void_p, [c_void_p], lib="ssl",
       since="1.1"),
    # SSL_get_group_name(ssl) -> bytes or None: the key-exchange group.
    # SSL_get0_group_name is 3.2+; 3.0/3.1 and 1.1.x get the same name
    # another way; 1.0.2 has no way on the server side (not declared).
    Fn("SSL_get0_group_name", c_char_p, [c_void_p], lib="ssl", since="3.0",
       optional=True),
    Fn("SSL_group_to_name", c_char_p, [c_void_p, c_int], lib="ssl",
       since="3.0"),
    Macro("SSL_get_group_name", _group_name_3, since="3.0"),
    Macro("SSL_get_peer_tmp_key",
          _ctrl_parg("SSL_ctrl", SSL_CTRL_GET_PEER_TMP_KEY), since="1.1",
          until="3.0"),
    Macro("SSL_get_tmp_key", _ctrl_parg("SSL_ctrl", SSL_CTRL_GET_TMP_KEY),
          since="1.1", until="3.0"),
    Fn("EVP_PKEY_get1_EC_KEY", c_void_p, [c_void_p], since="1.1",
       until="3.0"),
    Fn("EC_KEY_get0_group", c_void_p, [c_void_p], since="1.1", until="3.0"),
    Fn("EC_GROUP_get_curve_name", c_int, [c_void_p], since="1.1",
       until="3.0"),
    Fn("EC_KEY_free", None, [c_void_p], since="1.1", until="3.0"),
    Macro("SSL_get_group_name", _group_name_11, since="1.1", until="3.0"),
    # ---- per-connection settings ----------------------------------------
    Fn("SSL_set_info_callback", None, [c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_use_certificate", c_int, [c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_use_PrivateKey", c_int, [c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_set_options", c_ulong, [c_void_p, c_ulong], lib="ssl",
       since="1.1", until="3.0"),
    Fn("SSL_set_options", c_uint64, [c_void_p, c_uint64], lib="ssl",
       since="3.0"),
    Macro("SSL_set_options", _set_options_102, until="1.1"),
    Macro("SSL_CTX_clear_mode",
          _ctrl_larg("SSL_CTX_ctrl", SSL_CTRL_CLEAR_MODE)),
    # ---- X509_V_ERR_* codes of SSL.X509VerificationCodes ------------------
    # (X509_V_OK and X509_V_ERR_APPLICATION_VERIFICATION: ssl section.)
    # Checked against X509_verify_cert_error_string on 1.0.2, 1.1.1 and 3.x:
    # one value everywhere, except INVALID_CA (3.0 gave 24 to
    # NO_ISSUER_PUBLIC_KEY and INVALID_CA the new 79).
    Const.same("X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT", 2),
    Const.same("X509_V_ERR_UNABLE_TO_GET_CRL", 3),
    Const.same("X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE", 4),
    Const.same("X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE", 5),
    Const.same("X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY", 6),
    Const.same("X509_V_ERR_CERT_SIGNATURE_FAILURE", 7),
    Const.same("X509_V_ERR_CRL_SIGNATURE_FAILURE", 8),
    Const.same("X509_V_ERR_CERT_NOT_YET_VALID", 9),
    Const.same("X509_V_ERR_CERT_HAS_EXPIRED", 10),
    Const.same("X509_V_ERR_CRL_NOT_YET_VALID", 11),
    Const.same("X509_V_ERR_CRL_HAS_EXPIRED", 12),
    Const.same("X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD", 13),
    Const.same("X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD", 14),
    Const.same("X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD", 15),
    Const.same("X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD", 16),
    Const.same("X509_V_ERR_OUT_OF_MEM", 17),
    Const.same("X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT", 18),
    Const.same("X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN", 19),
    Const.same("X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY", 20),
    Const.same("X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE", 21),
    Const.same("X509_V_ERR_CERT_CHAIN_TOO_LONG", 22),
    Const.same("X509_V_ERR_CERT_REVOKED", 23),
    Const("X509_V_ERR_INVALID_CA", {"1.0.2": 24, "1.1": 24, "3.0": 79}),
    Const.same("X509_V_ERR_PATH_LENGTH_EXCEEDED", 25),
    Const.same("X509_V_ERR_INVALID_PURPOSE", 26),
    Const.same("X509_V_ERR_CERT_UNTRUSTED", 27),
    Const.same("X509_V_ERR_CERT_REJECTED", 28),
    Const.same("X509_V_ERR_SUBJECT_ISSUER_MISMATCH", 29),
    Const.same("X509_V_ERR_AKID_SKID_MISMATCH", 30),
    Const.same("X509_V_ERR_AKID_ISSUER_SERIAL_MISMATCH", 31),
    Const.same("X509_V_ERR_KEYUSAGE_NO_CERTSIGN", 32),
    Const.same("X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER", 33),
    Const.same("X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION", 34),
    Const.same("X509_V_ERR_KEYUSAGE_NO_CRL_SIGN", 35),
    Const.same("X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION", 36),
    Const.same("X509_V_ERR_INVALID_NON_CA", 37),
    Const.same("X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED", 38),
    Const.same("X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE", 39),
    Const.same("X509_V_ERR_PROXY_CERTIFICATES_NOT_ALLOWED", 40),
    Const.same("X509_V_ERR_INVALID_EXTENSION", 41),
    Const.same("X509_V_ERR_INVALID_POLICY_EXTENSION", 42),
    Const.same("X509_V_ERR_NO_EXPLICIT_POLICY", 43),
    Const.same("X509_V_ERR_DIFFERENT_CRL_SCOPE", 44),
    Const.same("X509_V_ERR_UNSUPPORTED_EXTENSION_FEATURE", 45),
    Const.same("X509_V_ERR_UNNESTED_RESOURCE", 46),
    Const.same("X509_V_ERR_PERMITTED_VIOLATION", 47),
    Const.same("X509_V_ERR_EXCLUDED_VIOLATION", 48),
    Const.same("X509_V_ERR_SUBTREE_MINMAX", 49),
    Const.same("X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE", 51),
    Const.same("X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX", 52),
    Const.same("X509_V_ERR_UNSUPPORTED_NAME_SYNTAX", 53),
    Const.same("X509_V_ERR_CRL_PATH_VALIDATION_ERROR", 54),
    Const.same("X509_V_ERR_HOSTNAME_MISMATCH", 62),
    Const.same("X509_V_ERR_EMAIL_MISMATCH", 63),
    Const.same("X509_V_ERR_IP_ADDRESS_MISMATCH", 64),
]
