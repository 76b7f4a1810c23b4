"""The table's ``ssl`` section: libssl functions, the ctrl-based ``SSL_*``
macros, the ``SSL_*`` constants (per generation where their values differ)
and the few libcrypto functions only the SSL layer needs (the verify
callback's store context, DH parameters).

The callback prototypes of :mod:`pyossl._ssl.callbacks` are defined here
too, next to the functions that take them.
"""

from ctypes import (CFUNCTYPE, c_char_p, c_int, c_long,
                    c_size_t, c_uint, c_uint64, c_ulong, c_void_p)

from ctypes import byref, create_string_buffer, memmove, sizeof, string_at

from . import layouts
from .records import Const, Fn, Macro

# --------------------------------------------------------------- callbacks --
# int verify_callback(int preverify_ok, X509_STORE_CTX *ctx)
VERIFY_CB = CFUNCTYPE(c_int, c_int, c_void_p)
# void info_callback(const SSL *ssl, int where, int ret)
INFO_CB = CFUNCTYPE(None, c_void_p, c_int, c_int)
# int servername_cb(SSL *ssl, int *alert, void *arg)
SERVERNAME_CB = CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p)
# int alpn_select_cb(SSL *ssl, const unsigned char **out, unsigned char
#                    *outlen, const unsigned char *in, unsigned int inlen,
#                    void *arg) -- also the shape of the NPN select callback
SELECT_CB = CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p, c_void_p, c_uint,
                      c_void_p)
# int npn_advertised_cb(SSL *ssl, const unsigned char **out,
#                       unsigned int *outlen, void *arg)
ADVERTISE_CB = CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p, c_void_p)
# void keylog_cb(const SSL *ssl, const char *line)
KEYLOG_CB = CFUNCTYPE(None, c_void_p, c_char_p)
# int client_hello_cb(SSL *s, int *al, void *arg)  (1.1.1+)
CLIENT_HELLO_CB = CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p)
# unsigned int psk_client_cb(SSL *ssl, const char *hint, char *identity,
#     unsigned int max_identity_len, unsigned char *psk,
#     unsigned int max_psk_len) -- strings as c_void_p: read (NULL-checked)
#     inside the thunk
PSK_CLIENT_CB = CFUNCTYPE(c_uint, c_void_p, c_void_p, c_void_p, c_uint,
                          c_void_p, c_uint)
# unsigned int psk_server_cb(SSL *ssl, const char *identity,
#     unsigned char *psk, unsigned int max_psk_len)
PSK_SERVER_CB = CFUNCTYPE(c_uint, c_void_p, c_void_p, c_void_p, c_uint)
# int psk_use_session_cb(SSL *ssl, const EVP_MD *md,
#     const unsigned char **id, size_t *idlen, SSL_SESSION **sess)  (1.1.1+)
PSK_USE_SESSION_CB = CFUNCTYPE(c_int, c_void_p, c_void_p, c_void_p,
                               c_void_p, c_void_p)
# int psk_find_session_cb(SSL *ssl, const unsigned char *identity,
#     size_t identity_len, SSL_SESSION **sess)  (1.1.1+)
PSK_FIND_SESSION_CB = CFUNCTYPE(c_int, c_void_p, c_void_p, c_size_t,
                                c_void_p)

# ------------------------------------------------------------ ctrl numbers --
# (identical in 1.0.2, 1.1.x and 3.x)
SSL_CTRL_EXTRA_CHAIN_CERT = 14
SSL_CTRL_SET_TMP_DH = 3
SSL_CTRL_GET_SESSION_REUSED = 8
SSL_CTRL_GET_TOTAL_RENEGOTIATIONS = 12
SSL_CTRL_OPTIONS = 32
SSL_CTRL_MODE = 33
SSL_CTRL_SET_SESS_CACHE_MODE = 44
SSL_CTRL_GET_SESS_CACHE_MODE = 45
SSL_CTRL_SET_TLSEXT_SERVERNAME_CB = 53
SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG = 54
SSL_CTRL_SET_TLSEXT_HOSTNAME = 55
SSL_CTRL_CLEAR_OPTIONS = 77
SSL_CTRL_SET_GROUPS_LIST = 92
SSL_CTRL_SET_ECDH_AUTO = 94
SSL_CTRL_SET_MIN_PROTO_VERSION = 123
SSL_CTRL_SET_MAX_PROTO_VERSION = 124


def _ctrl(fn_name, cmd, fixed_larg=None):
    """A macro ``name(obj, larg)`` (or ``name(obj)``) over a ctrl function."""
    def factory(lib):
        ctrl = getattr(lib, fn_name)

        def setter(obj, larg=0):
            return ctrl(obj, cmd, larg, None)

        def getter(obj):
            return ctrl(obj, cmd, fixed_larg, None)
        call = setter if fixed_larg is None else getter
        call.__name__ = "ctrl_%d" % cmd
        return call
    return factory


def _ctrl_parg(fn_name, cmd, larg=0):
    """A macro ``name(obj, parg)`` over a ctrl function."""
    def factory(lib):
        ctrl = getattr(lib, fn_name)

        def call(obj, parg):
            return ctrl(obj, cmd, larg, parg)
        return call
    return factory


def _callback_ctrl(fn_name, cmd):
    def factory(lib):
        ctrl = getattr(lib, fn_name)

        def call(obj, fp):
            return ctrl(obj, cmd, fp)
        return call
    return factory


LONG_MAX = (1 << (8 * sizeof(c_long) - 1)) - 1


def _options_102(cmd):
    """1.0.2: ``SSL_CTX_set/get/clear_options`` are ctrl 32 / 77 macros.

    The C macro returns a signed ``long``; the bit mask is unsigned.
    """
    def factory(lib):
        ctrl = lib.SSL_CTX_ctrl

        def call(ctx, options=0):
            # an unsigned long through ctrl's signed long: same bits
            if options > LONG_MAX:
                options -= 2 * (LONG_MAX + 1)
            return ctrl(ctx, cmd, options, None) & 0xFFFFFFFF
        return call
    return factory



def _noop(lib):
    """A setting that later versions apply by themselves."""
    def call(*args):
        return 1
    return call


def _tmp_dh_from_bio_pre3(lib):
    read, set_dh, free = (lib.PEM_read_bio_DHparams, lib.SSL_CTX_set_tmp_dh,
                          lib.DH_free)

    def SSL_CTX_set_tmp_dh_from_bio(ctx, bio):
        """Read PEM DH parameters from *bio* into *ctx*: 1 on success."""
        dh = read(bio, None, None, None)
        if not dh:
            return 0
        try:
            return int(set_dh(ctx, dh) == 1)
        finally:
            free(dh)
    return SSL_CTX_set_tmp_dh_from_bio


def _tmp_dh_from_bio_3(lib):
    read, set0, free = (lib.PEM_read_bio_Parameters,
                        lib.SSL_CTX_set0_tmp_dh_pkey, lib.EVP_PKEY_free)

    def SSL_CTX_set_tmp_dh_from_bio(ctx, bio):
        pkey = read(bio, None)
        if not pkey:
            return 0
        if set0(ctx, pkey) != 1:
            free(pkey)
            return 0
        return 1
    return SSL_CTX_set_tmp_dh_from_bio


def _master_key_102(lib):
    """``SSL_SESSION_get_master_key`` for 1.0.2, layout-free: the
    ``Master-Key:`` line of ``SSL_SESSION_print``."""
    def SSL_SESSION_get_master_key(session, out, outlen):
        bio = lib.BIO_new(lib.BIO_s_mem())
        if not bio:
            return 0
        try:
            lib.SSL_SESSION_print(bio, session)
            data = c_void_p()
            size = lib.BIO_get_mem_data(bio, byref(data))
            text = string_at(data.value, size) if size > 0 else b""
        finally:
            lib.BIO_free(bio)
        key = b""
        for line in text.splitlines():
            line = line.strip()
            if line.startswith(b"Master-Key:"):
                key = bytes.fromhex(line.split(b":", 1)[1].strip().decode(
                    "ascii"))
                break
        if not outlen:
            return len(key)
        size = min(outlen, len(key))
        memmove(out, create_string_buffer(key, len(key) or 1), size)
        return size
    return SSL_SESSION_get_master_key


def _session_reused_102(lib):
    ctrl = lib.SSL_ctrl

    def SSL_session_reused(ssl):
        return ctrl(ssl, SSL_CTRL_GET_SESSION_REUSED, 0, None)
    return SSL_session_reused


DECLARATIONS = [
    # ---- methods ---------------------------------------------------------
    Fn("SSLv23_method", c_void_p, [], lib="ssl", until="1.1"),
    Fn("SSLv23_server_method", c_void_p, [], lib="ssl", until="1.1"),
    Fn("SSLv23_client_method", c_void_p, [], lib="ssl", until="1.1"),
    Fn("SSLv2_method", c_void_p, [], lib="ssl", until="1.1", optional=True),
    Fn("SSLv3_method", c_void_p, [], lib="ssl", optional=True),
    # Deprecated since 1.1.0 and removed in 4.0: pyossl uses TLS_method
    # with a fixed protocol range on 1.1.0+ instead.
    Fn("TLSv1_method", c_void_p, [], lib="ssl", until="1.1"),
    Fn("TLSv1_1_method", c_void_p, [], lib="ssl", until="1.1"),
    Fn("TLSv1_2_method", c_void_p, [], lib="ssl", until="1.1"),
    Fn("TLS_method", c_void_p, [], lib="ssl", since="1.1"),
    Fn("TLS_server_method", c_void_p, [], lib="ssl", since="1.1"),
    Fn("TLS_client_method", c_void_p, [], lib="ssl", since="1.1"),
    # ---- SSL_CTX ---------------------------------------------------------
    Fn("SSL_CTX_new", c_void_p, [c_void_p], lib="ssl"),
    Fn("SSL_CTX_free", None, [c_void_p], lib="ssl"),
    Fn("SSL_CTX_ctrl", c_long, [c_void_p, c_int, c_long, c_void_p],
       lib="ssl"),
    Fn("SSL_CTX_callback_ctrl", c_long, [c_void_p, c_int, c_void_p],
       lib="ssl"),
    Fn("SSL_CTX_set_options", c_ulong, [c_void_p, c_ulong], lib="ssl",
       since="1.1", until="3.0"),
    Fn("SSL_CTX_clear_options", c_ulong, [c_void_p, c_ulong], lib="ssl",
       since="1.1", until="3.0"),
    Fn("SSL_CTX_set_options", c_uint64, [c_void_p, c_uint64], lib="ssl",
       since="3.0"),
    Fn("SSL_CTX_clear_options", c_uint64, [c_void_p, c_uint64], lib="ssl",
       since="3.0"),
    Macro("SSL_CTX_set_options", _options_102(SSL_CTRL_OPTIONS), until="1.1"),
    Macro("SSL_CTX_clear_options", _options_102(SSL_CTRL_CLEAR_OPTIONS),
          until="1.1"),
    Macro("SSL_CTX_set_mode", _ctrl("SSL_CTX_ctrl", SSL_CTRL_MODE)),
    Macro("SSL_CTX_set_session_cache_mode",
          _ctrl("SSL_CTX_ctrl", SSL_CTRL_SET_SESS_CACHE_MODE)),
    Macro("SSL_CTX_get_session_cache_mode",
          _ctrl("SSL_CTX_ctrl", SSL_CTRL_GET_SESS_CACHE_MODE, 0)),
    Macro("SSL_CTX_add_extra_chain_cert",
          _ctrl_parg("SSL_CTX_ctrl", SSL_CTRL_EXTRA_CHAIN_CERT)),
    Macro("SSL_CTX_set_tmp_dh",
          _ctrl_parg("SSL_CTX_ctrl", SSL_CTRL_SET_TMP_DH)),
    Macro("SSL_CTX_set1_groups_list",
          _ctrl_parg("SSL_CTX_ctrl", SSL_CTRL_SET_GROUPS_LIST)),
    Macro("SSL_CTX_set_ecdh_auto",
          _ctrl("SSL_CTX_ctrl", SSL_CTRL_SET_ECDH_AUTO), until="1.1"),
    Macro("SSL_CTX_set_ecdh_auto", _noop, since="1.1"),    # always on
    Macro("SSL_CTX_set_min_proto_version",
          _ctrl("SSL_CTX_ctrl", SSL_CTRL_SET_MIN_PROTO_VERSION), since="1.1"),
    Macro("SSL_CTX_set_max_proto_version",
          _ctrl("SSL_CTX_ctrl", SSL_CTRL_SET_MAX_PROTO_VERSION), since="1.1"),
    Macro("SSL_CTX_set_tlsext_servername_callback",
          _callback_ctrl("SSL_CTX_callback_ctrl",
                         SSL_CTRL_SET_TLSEXT_SERVERNAME_CB)),
    Macro("SSL_CTX_set_tlsext_servername_arg",
          _ctrl_parg("SSL_CTX_ctrl", SSL_CTRL_SET_TLSEXT_SERVERNAME_ARG)),
    Fn("SSL_CTX_use_certificate", c_int, [c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_CTX_use_certificate_file", c_int, [c_void_p, c_char_p, c_int],
       lib="ssl"),
    Fn("SSL_CTX_use_certificate_chain_file", c_int, [c_void_p, c_char_p],
       lib="ssl"),
    Fn("SSL_CTX_use_PrivateKey", c_int, [c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_CTX_use_PrivateKey_file", c_int, [c_void_p, c_char_p, c_int],
       lib="ssl"),
    Fn("SSL_CTX_check_private_key", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_CTX_load_verify_locations", c_int,
       [c_void_p, c_char_p, c_char_p], lib="ssl"),
    Fn("SSL_CTX_set_default_verify_paths", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_CTX_get_cert_store", c_void_p, [c_void_p], lib="ssl"),
    Fn("SSL_CTX_set_verify", None, [c_void_p, c_int, c_void_p], lib="ssl"),
    Fn("SSL_CTX_get_verify_mode", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_CTX_set_verify_depth", None, [c_void_p, c_int], lib="ssl"),
    Fn("SSL_CTX_get_verify_depth", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_CTX_set_cipher_list", c_int, [c_void_p, c_char_p], lib="ssl"),
    Fn("SSL_CTX_set_ciphersuites", c_int, [c_void_p, c_char_p], lib="ssl",
       since="1.1", optional=True),          # 1.1.1+
    Fn("SSL_CTX_set_timeout", c_long, [c_void_p, c_long], lib="ssl"),
    Fn("SSL_CTX_get_timeout", c_long, [c_void_p], lib="ssl"),
    # (no SSL_CTX_set_default_passwd_cb: pyossl passes no C passphrase
    # callback; the userdata is the passphrase for OpenSSL's default one)
    Fn("SSL_CTX_set_default_passwd_cb_userdata", None, [c_void_p, c_void_p],
       lib="ssl"),
    Fn("SSL_CTX_set_info_callback", None, [c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_CTX_set_session_id_context", c_int, [c_void_p, c_char_p, c_uint],
       lib="ssl"),
    Fn("SSL_load_client_CA_file", c_void_p, [c_char_p], lib="ssl"),
    Fn("SSL_CTX_set_client_CA_list", None, [c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_CTX_add_client_CA", c_int, [c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_CTX_set_alpn_protos", c_int, [c_void_p, c_char_p, c_uint],
       lib="ssl", optional=True),
    Fn("SSL_CTX_set_alpn_select_cb", None, [c_void_p, c_void_p, c_void_p],
       lib="ssl", optional=True),
    Fn("SSL_CTX_set_next_protos_advertised_cb", None,
       [c_void_p, c_void_p, c_void_p], lib="ssl", optional=True),
    Fn("SSL_CTX_set_next_proto_select_cb", None,
       [c_void_p, c_void_p, c_void_p], lib="ssl", optional=True),
    Fn("SSL_CTX_set_keylog_callback", None, [c_void_p, c_void_p], lib="ssl",
       since="1.1", optional=True),          # 1.1.1+
    # ---- SSL -------------------------------------------------------------
    Fn("SSL_new", c_void_p, [c_void_p], lib="ssl"),
    Fn("SSL_free", None, [c_void_p], lib="ssl"),
    Fn("SSL_ctrl", c_long, [c_void_p, c_int, c_long, c_void_p], lib="ssl"),
    Macro("SSL_set_mode", _ctrl("SSL_ctrl", SSL_CTRL_MODE)),
    Macro("SSL_set_tlsext_host_name",
          _ctrl_parg("SSL_ctrl", SSL_CTRL_SET_TLSEXT_HOSTNAME, 0)),
    Macro("SSL_total_renegotiations",
          _ctrl("SSL_ctrl", SSL_CTRL_GET_TOTAL_RENEGOTIATIONS, 0)),
    Fn("SSL_session_reused", c_int, [c_void_p], lib="ssl", since="1.1"),
    Macro("SSL_session_reused", _session_reused_102, until="1.1"),
    Fn("SSL_set_bio", None, [c_void_p, c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_set_fd", c_int, [c_void_p, c_int], lib="ssl"),
    Fn("SSL_set_connect_state", None, [c_void_p], lib="ssl"),
    Fn("SSL_set_accept_state", None, [c_void_p], lib="ssl"),
    Fn("SSL_do_handshake", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_read", c_int, [c_void_p, c_void_p, c_int], lib="ssl"),
    Fn("SSL_peek", c_int, [c_void_p, c_void_p, c_int], lib="ssl"),
    Fn("SSL_write", c_int, [c_void_p, c_void_p, c_int], lib="ssl"),
    Fn("SSL_pending", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_shutdown", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_get_shutdown", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_get_rbio", c_void_p, [c_void_p], lib="ssl"),
    Fn("SSL_set_shutdown", None, [c_void_p, c_int], lib="ssl"),
    Fn("SSL_get_error", c_int, [c_void_p, c_int], lib="ssl"),
    # ---- the memory-BIO I/O path (pyossl._ssl.connection) -----------------
    # The same C functions as BIO_read/BIO_write/BIO_test_flags/
    # ERR_clear_error/SSL_get_error, bound with gil=True (no GIL
    # release/re-take, 1.1+): only ever called on the memory BIOs a
    # Connection made itself (bio_read/bio_write, never a socket BIO), for
    # the error queue, or for SSL_get_error (reads a field and the queue);
    # none blocks, runs long or calls back into Python.
    Fn("BIO_read_mem", c_int, [c_void_p, c_void_p, c_int],
       cnames=("BIO_read",), gil=True),
    Fn("BIO_write_mem", c_int, [c_void_p, c_void_p, c_int],
       cnames=("BIO_write",), gil=True),
    Fn("BIO_test_flags_mem", c_int, [c_void_p, c_int],
       cnames=("BIO_test_flags",), gil=True),
    Fn("BIO_ctrl_pending_mem", c_size_t, [c_void_p],
       cnames=("BIO_ctrl_pending",), gil=True),
    Fn("ERR_clear_error_gil", None, [], cnames=("ERR_clear_error",),
       gil=True),
    Fn("SSL_get_error_gil", c_int, [c_void_p, c_int], lib="ssl",
       cnames=("SSL_get_error",), gil=True),
    Fn("SSL_want", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_state_string_long", c_char_p, [c_void_p], lib="ssl"),
    Fn("SSL_state", c_int, [c_void_p], lib="ssl", until="1.1"),
    Fn("SSL_is_init_finished", c_int, [c_void_p], lib="ssl", since="1.1"),
    Macro("SSL_is_init_finished",
          lambda lib: lambda ssl: int(lib.SSL_state(ssl) == 0x03), until="1.1"),
    Fn("SSL_get_verify_result", c_long, [c_void_p], lib="ssl"),
    Fn("SSL_get_peer_certificate", c_void_p, [c_void_p], lib="ssl",
       until="3.0"),
    Fn("SSL_get_peer_certificate", c_void_p, [c_void_p], lib="ssl", since="3.0",
       cnames=("SSL_get1_peer_certificate",)),
    Fn("SSL_get_peer_cert_chain", c_void_p, [c_void_p], lib="ssl"),
    Fn("SSL_get_certificate", c_void_p, [c_void_p], lib="ssl"),
    Fn("SSL_get_cipher_list", c_char_p, [c_void_p, c_int], lib="ssl"),
    Fn("SSL_get_current_cipher", c_void_p, [c_void_p], lib="ssl"),
    Fn("SSL_CIPHER_get_name", c_char_p, [c_void_p], lib="ssl"),
    Fn("SSL_CIPHER_get_bits", c_int, [c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_CIPHER_get_version", c_char_p, [c_void_p], lib="ssl"),
    Fn("SSL_get_version", c_char_p, [c_void_p], lib="ssl"),
    Fn("SSL_version", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_is_server", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_set_verify", None, [c_void_p, c_int, c_void_p], lib="ssl"),
    Fn("SSL_get_verify_mode", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_get_servername", c_char_p, [c_void_p, c_int], lib="ssl"),
    Fn("SSL_set_SSL_CTX", c_void_p, [c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_get_ex_data_X509_STORE_CTX_idx", c_int, [], lib="ssl"),
    Fn("SSL_get_session", c_void_p, [c_void_p], lib="ssl"),
    Fn("SSL_get1_session", c_void_p, [c_void_p], lib="ssl"),
    Fn("SSL_set_session", c_int, [c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_SESSION_free", None, [c_void_p], lib="ssl"),
    Fn("SSL_SESSION_print", c_int, [c_void_p, c_void_p], lib="ssl"),
    Fn("SSL_SESSION_get_master_key", c_size_t, [c_void_p, c_void_p, c_size_t],
       lib="ssl", since="1.1"),
    Macro("SSL_SESSION_get_master_key", _master_key_102, until="1.1"),
    Fn("SSL_get_client_random", c_size_t, [c_void_p, c_void_p, c_size_t],
       lib="ssl", since="1.1"),
    Macro("SSL_get_client_random", layouts.ssl3_random("client_random"),
          until="1.1"),
    Fn("SSL_get_server_random", c_size_t, [c_void_p, c_void_p, c_size_t],
       lib="ssl", since="1.1"),
    Macro("SSL_get_server_random", layouts.ssl3_random("server_random"),
          until="1.1"),
    Fn("SSL_get_finished", c_size_t, [c_void_p, c_void_p, c_size_t],
       lib="ssl"),
    Fn("SSL_get_peer_finished", c_size_t, [c_void_p, c_void_p, c_size_t],
       lib="ssl"),
    Fn("SSL_get_client_CA_list", c_void_p, [c_void_p], lib="ssl"),
    Fn("SSL_renegotiate", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_renegotiate_pending", c_int, [c_void_p], lib="ssl"),
    Fn("SSL_set_alpn_protos", c_int, [c_void_p, c_char_p, c_uint],
       lib="ssl", optional=True),
    Fn("SSL_get0_alpn_selected", None, [c_void_p, c_void_p, c_void_p],
       lib="ssl", optional=True),
    Fn("SSL_get0_next_proto_negotiated", None,
       [c_void_p, c_void_p, c_void_p], lib="ssl", optional=True),
    # ---- libcrypto pieces the SSL layer needs ----------------------------
    Fn("X509_STORE_CTX_get_current_cert", c_void_p, [c_void_p]),
    Fn("X509_STORE_CTX_get_error", c_int, [c_void_p]),
    Fn("X509_STORE_CTX_get_error_depth", c_int, [c_void_p]),
    Fn("X509_STORE_CTX_set_error", None, [c_void_p, c_int]),
    Fn("X509_STORE_CTX_get_ex_data", c_void_p, [c_void_p, c_int]),
    # (X509_dup/X509_free/X509_NAME_dup/X509_NAME_free: crypto section)
    Fn("PEM_read_bio_DHparams", c_void_p, [c_void_p, c_void_p, c_void_p,
                                            c_void_p], until="3.0"),
    Fn("DH_free", None, [c_void_p], until="3.0"),
    Fn("PEM_read_bio_Parameters", c_void_p, [c_void_p, c_void_p]),
    Fn("SSL_CTX_set0_tmp_dh_pkey", c_int, [c_void_p, c_void_p], lib="ssl",
       since="3.0"),
    Macro("SSL_CTX_set_tmp_dh_from_bio", _tmp_dh_from_bio_pre3, until="3.0"),
    Macro("SSL_CTX_set_tmp_dh_from_bio", _tmp_dh_from_bio_3, since="3.0"),
    # errno of the calling thread, for SysCallError (glibc/musl; macOS).
    # libc is a dependency of libcrypto, so the lookup through its handle
    # finds it; where it does not, SysCallError falls back to the socket.
    Fn("errno_location", c_void_p, [], optional=True,
       cnames=("__errno_location", "__error")),
    # ---- constants ---------------------------------------------------------
    # Result codes of SSL_get_error.
    Const.same("SSL_ERROR_NONE", 0),
    Const.same("SSL_ERROR_SSL", 1),
    Const.same("SSL_ERROR_WANT_READ", 2),
    Const.same("SSL_ERROR_WANT_WRITE", 3),
    Const.same("SSL_ERROR_WANT_X509_LOOKUP", 4),
    # int (*cert_cb)(SSL *ssl, void *arg); -1 suspends the handshake with
    # SSL_ERROR_WANT_X509_LOOKUP (1.0.2 and later).
    Fn("SSL_CTX_set_cert_cb", None, [c_void_p, c_void_p, c_void_p],
       lib="ssl"),
    Const.same("SSL_ERROR_SYSCALL", 5),
    Const.same("SSL_ERROR_ZERO_RETURN", 6),
    Const.same("SSL_READING", 3),
    Const.same("SSL_WRITING", 2),
    Const.same("ERR_LIB_SSL", 20),
    # 3.0+: peer closed without close_notify (SSL_R_...).
    Const.same("SSL_R_UNEXPECTED_EOF_WHILE_READING", 294, since="3.0"),
    Const.same("SSL_FILETYPE_PEM", 1),
    Const.same("SSL_FILETYPE_ASN1", 2),
    Const.same("SSL_SENT_SHUTDOWN", 1),
    Const.same("SSL_RECEIVED_SHUTDOWN", 2),
    Const.same("TLSEXT_NAMETYPE_host_name", 0),
    Const.same("SSL_TLSEXT_ERR_OK", 0),
    Const.same("SSL_TLSEXT_ERR_ALERT_FATAL", 2),
    Const.same("SSL_TLSEXT_ERR_NOACK", 3),
    Const.same("X509_V_OK", 0),
    # what a verify callback's rejection records when OpenSSL had no error
    Const.same("X509_V_ERR_APPLICATION_VERIFICATION", 50),
    # Protocol versions.
    Const.same("SSL3_VERSION", 0x0300),
    Const.same("TLS1_VERSION", 0x0301),
    Const.same("TLS1_1_VERSION", 0x0302),
    Const.same("TLS1_2_VERSION", 0x0303),
    Const.same("TLS1_3_VERSION", 0x0304, since="1.1"),
    # Verify modes.
    Const.same("SSL_VERIFY_NONE", 0),
    Const.same("SSL_VERIFY_PEER", 1),
    Const.same("SSL_VERIFY_FAIL_IF_NO_PEER_CERT", 2),
    Const.same("SSL_VERIFY_CLIENT_ONCE", 4),
    Const.same("SSL_VERIFY_POST_HANDSHAKE", 8, since="1.1"),
    # Session cache modes.
    Const.same("SSL_SESS_CACHE_OFF", 0x0000),
    Const.same("SSL_SESS_CACHE_CLIENT", 0x0001),
    Const.same("SSL_SESS_CACHE_SERVER", 0x0002),
    Const.same("SSL_SESS_CACHE_BOTH", 0x0003),
    Const.same("SSL_SESS_CACHE_NO_AUTO_CLEAR", 0x0080),
    Const.same("SSL_SESS_CACHE_NO_INTERNAL_LOOKUP", 0x0100),
    Const.same("SSL_SESS_CACHE_NO_INTERNAL_STORE", 0x0200),
    Const.same("SSL_SESS_CACHE_NO_INTERNAL", 0x0300),
    Const.same("SSL_SESS_CACHE_UPDATE_TIME", 0x0400, since="1.1"),
    # Modes.
    Const.same("SSL_MODE_ENABLE_PARTIAL_WRITE", 0x001),
    Const.same("SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER", 0x002),
    Const.same("SSL_MODE_AUTO_RETRY", 0x004),
    Const.same("SSL_MODE_NO_AUTO_CHAIN", 0x008),
    Const.same("SSL_MODE_RELEASE_BUFFERS", 0x010),
    Const.same("SSL_MODE_SEND_CLIENTHELLO_TIME", 0x020),
    Const.same("SSL_MODE_SEND_SERVERHELLO_TIME", 0x040),
    Const.same("SSL_MODE_SEND_FALLBACK_SCSV", 0x080),
    Const.same("SSL_MODE_ASYNC", 0x100, since="1.1"),
    # Handshake states and info-callback "where" bits.
    Const.same("SSL_ST_CONNECT", 0x1000),
    Const.same("SSL_ST_ACCEPT", 0x2000),
    Const.same("SSL_ST_MASK", 0x0FFF),
    # 1.0.2 only in C; 1.1.0+ define none of them (pyOpenSSL gets 0 from
    # cryptography there).
    Const("SSL_ST_INIT", {"1.0.2": 0x3000, "1.1": 0, "3.0": 0}),
    Const("SSL_ST_BEFORE", {"1.0.2": 0x4000, "1.1": 0, "3.0": 0}),
    Const("SSL_ST_OK", {"1.0.2": 0x03, "1.1": 0, "3.0": 0}),
    Const("SSL_ST_RENEGOTIATE", {"1.0.2": 0x3004, "1.1": 0, "3.0": 0}),
    Const.same("SSL_CB_LOOP", 0x01),
    Const.same("SSL_CB_EXIT", 0x02),
    Const.same("SSL_CB_READ", 0x04),
    Const.same("SSL_CB_WRITE", 0x08),
    Const.same("SSL_CB_ALERT", 0x4000),
    Const.same("SSL_CB_READ_ALERT", 0x4004),
    Const.same("SSL_CB_WRITE_ALERT", 0x4008),
    Const.same("SSL_CB_ACCEPT_LOOP", 0x2001),
    Const.same("SSL_CB_ACCEPT_EXIT", 0x2002),
    Const.same("SSL_CB_CONNECT_LOOP", 0x1001),
    Const.same("SSL_CB_CONNECT_EXIT", 0x1002),
    Const.same("SSL_CB_HANDSHAKE_START", 0x10),
    Const.same("SSL_CB_HANDSHAKE_DONE", 0x20),
    # ---- SSL_OP_* : the values moved between generations ------------------
    # Obsolete bug workarounds: real bits in 1.0.2, 0 from 1.1.0 on.
    Const("SSL_OP_MICROSOFT_SESS_ID_BUG", {"1.0.2": 0x1, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_NETSCAPE_CHALLENGE_BUG", {"1.0.2": 0x2, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_NETSCAPE_REUSE_CIPHER_CHANGE_BUG",
          {"1.0.2": 0x8, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_SSLREF2_REUSE_CERT_TYPE_BUG", {"1.0.2": 0, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_MICROSOFT_BIG_SSLV3_BUFFER", {"1.0.2": 0x20, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_MSIE_SSLV2_RSA_PADDING", {"1.0.2": 0, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_SSLEAY_080_CLIENT_DH_BUG", {"1.0.2": 0x80, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_TLS_D5_BUG", {"1.0.2": 0x100, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_TLS_BLOCK_PADDING_BUG", {"1.0.2": 0x200, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_SINGLE_ECDH_USE", {"1.0.2": 0x00080000, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_SINGLE_DH_USE", {"1.0.2": 0x00100000, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_EPHEMERAL_RSA", {"1.0.2": 0, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_NO_SSLv2", {"1.0.2": 0x01000000, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_PKCS1_CHECK_1", {"1.0.2": 0, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_PKCS1_CHECK_2", {"1.0.2": 0, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_NETSCAPE_CA_DN_BUG", {"1.0.2": 0x20000000, "1.1": 0, "3.0": 0}),
    Const("SSL_OP_NETSCAPE_DEMO_CIPHER_CHANGE_BUG",
          {"1.0.2": 0x40000000, "1.1": 0, "3.0": 0}),
    # Current options.
    Const.same("SSL_OP_NO_EXTENDED_MASTER_SECRET", 1 << 0, since="3.0"),
    Const.same("SSL_OP_CLEANSE_PLAINTEXT", 1 << 1, since="3.0"),
    Const.same("SSL_OP_LEGACY_SERVER_CONNECT", 0x4),
    Const.same("SSL_OP_ENABLE_KTLS", 1 << 3, since="3.0"),
    Const.same("SSL_OP_TLSEXT_PADDING", 0x10),
    Const.same("SSL_OP_SAFARI_ECDHE_ECDSA_BUG", 0x40),
    Const.same("SSL_OP_IGNORE_UNEXPECTED_EOF", 1 << 7, since="3.0"),
    Const.same("SSL_OP_ALLOW_CLIENT_RENEGOTIATION", 1 << 8, since="3.0"),
    Const.same("SSL_OP_DISABLE_TLSEXT_CA_NAMES", 1 << 9, since="3.0"),
    Const.same("SSL_OP_ALLOW_NO_DHE_KEX", 0x400, since="1.1"),
    Const.same("SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS", 0x800),
    Const.same("SSL_OP_NO_QUERY_MTU", 0x1000),
    Const.same("SSL_OP_COOKIE_EXCHANGE", 0x2000),
    Const.same("SSL_OP_NO_TICKET", 0x4000),
    Const.same("SSL_OP_CISCO_ANYCONNECT", 0x8000),
    Const.same("SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION", 0x10000),
    Const.same("SSL_OP_NO_COMPRESSION", 0x20000),
    Const.same("SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION", 0x40000),
    Const.same("SSL_OP_NO_ENCRYPT_THEN_MAC", 0x80000, since="1.1"),
    Const.same("SSL_OP_ENABLE_MIDDLEBOX_COMPAT", 0x100000, since="1.1"),
    Const.same("SSL_OP_PRIORITIZE_CHACHA", 0x200000, since="1.1"),
    Const.same("SSL_OP_CIPHER_SERVER_PREFERENCE", 0x400000),
    Const.same("SSL_OP_TLS_ROLLBACK_BUG", 0x800000),
    Const.same("SSL_OP_NO_ANTI_REPLAY", 0x1000000, since="1.1"),
    Const.same("SSL_OP_NO_SSLv3", 0x2000000),
    Const.same("SSL_OP_NO_TLSv1", 0x4000000),
    Const.same("SSL_OP_NO_TLSv1_2", 0x8000000),
    Const.same("SSL_OP_NO_TLSv1_1", 0x10000000),
    Const.same("SSL_OP_NO_TLSv1_3", 0x20000000, since="1.1"),
    Const.same("SSL_OP_NO_DTLSv1", 0x4000000),
    Const.same("SSL_OP_NO_DTLSv1_2", 0x8000000),
    Const.same("SSL_OP_NO_RENEGOTIATION", 0x40000000, since="1.1"),
    Const.same("SSL_OP_CRYPTOPRO_TLSEXT_BUG", 0x80000000),
    Const("SSL_OP_ALL", {"1.0.2": 0x80000BFF, "1.1": 0x80000854,
                         "3.0": 0x80000850}),
    # --- pyossl only: ClientHello callback and TLS-PSK (section 3) ---
    # ClientHello callback (1.1.1+; optional: 1.1.0 lacks it) -----------
    Fn("SSL_CTX_set_client_hello_cb", None, [c_void_p, c_void_p, c_void_p],
       lib="ssl", since="1.1", optional=True),
    Fn("SSL_client_hello_isv2", c_int, [c_void_p], lib="ssl", since="1.1",
       optional=True),
    Fn("SSL_client_hello_get0_legacy_version", c_uint, [c_void_p],
       lib="ssl", since="1.1", optional=True),
    Fn("SSL_client_hello_get0_random", c_size_t, [c_void_p, c_void_p],
       lib="ssl", since="1.1", optional=True),
    Fn("SSL_client_hello_get0_session_id", c_size_t, [c_void_p, c_void_p],
       lib="ssl", since="1.1", optional=True),
    Fn("SSL_client_hello_get0_ciphers", c_size_t, [c_void_p, c_void_p],
       lib="ssl", since="1.1", optional=True),
    Fn("SSL_client_hello_get0_compression_methods", c_size_t,
       [c_void_p, c_void_p], lib="ssl", since="1.1", optional=True),
    # int **out freed with OPENSSL_free
    Fn("SSL_client_hello_get1_extensions_present", c_int,
       [c_void_p, c_void_p, c_void_p], lib="ssl", since="1.1",
       optional=True),
    Fn("SSL_client_hello_get0_ext", c_int,
       [c_void_p, c_uint, c_void_p, c_void_p], lib="ssl", since="1.1",
       optional=True),
    # const SSL_CIPHER *SSL_CIPHER_find(SSL *, const unsigned char *id2)
    Fn("SSL_CIPHER_find", c_void_p, [c_void_p, c_char_p], lib="ssl"),
    # (1.1.1+, but plain numbers: defined for every build)
    Const.same("SSL_CLIENT_HELLO_SUCCESS", 1),
    Const.same("SSL_CLIENT_HELLO_ERROR", 0),
    Const.same("SSL_CLIENT_HELLO_RETRY", -1),
    Const.same("SSL_ERROR_WANT_CLIENT_HELLO_CB", 11, since="1.1"),
    Const.same("SSL_AD_HANDSHAKE_FAILURE", 40),
    # TLS-PSK (optional: a build configured no-psk lacks them) ------------
    Fn("SSL_CTX_set_psk_client_callback", None, [c_void_p, c_void_p],
       lib="ssl", optional=True),
    Fn("SSL_CTX_set_psk_server_callback", None, [c_void_p, c_void_p],
       lib="ssl", optional=True),
    Fn("SSL_CTX_use_psk_identity_hint", c_int, [c_void_p, c_char_p],
       lib="ssl", optional=True),
    Fn("SSL_get_psk_identity", c_char_p, [c_void_p], lib="ssl",
       optional=True),
    # TLS 1.3 external PSKs (1.1.1+) --------------------------------------
    Fn("SSL_CTX_set_psk_use_session_callback", None, [c_void_p, c_void_p],
       lib="ssl", since="1.1", optional=True),
    Fn("SSL_CTX_set_psk_find_session_callback", None, [c_void_p, c_void_p],
       lib="ssl", since="1.1", optional=True),
    Fn("SSL_SESSION_new", c_void_p, [], lib="ssl"),
    Fn("SSL_SESSION_up_ref", c_int, [c_void_p], lib="ssl", since="1.1"),
    # accepts at most 256 bytes (1.1.1) / 512 (3.x); a longer key fails
    # with nothing on the error queue
    Fn("SSL_SESSION_set1_master_key", c_int, [c_void_p, c_char_p, c_size_t],
       lib="ssl", since="1.1", optional=True),
    Fn("SSL_SESSION_set_cipher", c_int, [c_void_p, c_void_p], lib="ssl",
       since="1.1", optional=True),
    Fn("SSL_SESSION_set_protocol_version", c_int, [c_void_p, c_int],
       lib="ssl", since="1.1", optional=True),
]
