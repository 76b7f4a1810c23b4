"""The declaration table: every C symbol, macro and constant pyossl uses.

``DECLARATIONS`` is one list of :class:`~pyossl._declare.Fn`,
:class:`~pyossl._declare.Macro` and :class:`~pyossl._declare.Const`
records.  It is assembled from this module's core section and from the
per-area sections in ``_decls_*.py`` (kept apart only so that each stays a
readable size).  :func:`pyossl._loader.load` binds it once per process.

Conventions:

* every pointer result is ``c_void_p`` (a Python ``int`` or ``None``);
  strings that OpenSSL owns and that we only read are ``c_char_p``;
  strings that the caller must free are ``c_void_p``;
* ``size_t``/``long`` are spelled with their ctypes types, never ``c_int``;
* a record names the library that exports the symbol; symbols are bound
  through that library's handle only.
"""

from ctypes import (CFUNCTYPE, POINTER, c_char_p, c_int, c_long, c_size_t,
                    c_uint64, c_ulong, c_void_p)

from ._declare import ALL, G102, G11, G3, NEW, OLD, PRE3, V3, Const, Fn, Macro

# Callback prototypes shared by several areas.
LOCKING_CB = CFUNCTYPE(None, c_int, c_int, c_char_p, c_int)
# int (*cb)(const char *str, size_t len, void *u) for ERR_print_errors_cb
ERR_PRINT_CB = CFUNCTYPE(c_int, c_char_p, c_size_t, c_void_p)
# int pem_password_cb(char *buf, int size, int rwflag, void *userdata)
PEM_PASSWORD_CB = CFUNCTYPE(c_int, c_void_p, c_int, c_int, c_void_p)

# --- ctrl numbers (identical in every supported generation) ---------------
BIO_CTRL_RESET = 1
BIO_CTRL_EOF = 2
BIO_CTRL_INFO = 3
BIO_CTRL_PENDING = 10
BIO_CTRL_WPENDING = 13
BIO_C_SET_BUF_MEM_EOF_RETURN = 130
BIO_FLAGS_READ = 0x01
BIO_FLAGS_WRITE = 0x02
BIO_FLAGS_IO_SPECIAL = 0x04
BIO_FLAGS_SHOULD_RETRY = 0x08


def _bio_get_mem_data(lib):
    ctrl = lib.BIO_ctrl

    def BIO_get_mem_data(bio, pp):
        """``pp`` is a ``c_void_p`` passed by reference; returns the length."""
        return ctrl(bio, BIO_CTRL_INFO, 0, pp)
    return BIO_get_mem_data


def _bio_ctrl_macro(cmd, larg=0):
    def factory(lib):
        ctrl = lib.BIO_ctrl

        def call(bio):
            return ctrl(bio, cmd, larg, None)
        return call
    return factory


def _bio_set_mem_eof_return(lib):
    ctrl = lib.BIO_ctrl

    def BIO_set_mem_eof_return(bio, value):
        return ctrl(bio, BIO_C_SET_BUF_MEM_EOF_RETURN, value, None)
    return BIO_set_mem_eof_return


def _bio_flag_test(flag):
    def factory(lib):
        test = lib.BIO_test_flags

        def call(bio):
            return test(bio, flag) != 0
        return call
    return factory


def _openssl_free(lib):
    free = lib.CRYPTO_free
    if lib.generation == G102:
        return free
    here = b"pyossl"

    def OPENSSL_free(ptr):
        free(ptr, here, 0)
    return OPENSSL_free


def _openssl_malloc(lib):
    malloc = lib.CRYPTO_malloc
    here = b"pyossl"

    def OPENSSL_malloc(size):
        return malloc(size, here, 0)
    return OPENSSL_malloc


CORE = [
    # version ------------------------------------------------------------
    Fn("OpenSSL_version_num", c_ulong, [], gens=NEW),
    Fn("OpenSSL_version", c_char_p, [c_int], gens=NEW),
    Fn("OpenSSL_version_num", c_ulong, [], gens=OLD, cnames=("SSLeay",)),
    Fn("OpenSSL_version", c_char_p, [c_int], gens=OLD,
       cnames=("SSLeay_version",)),
    # initialisation -----------------------------------------------------
    Fn("OPENSSL_init_crypto", c_int, [c_uint64, c_void_p], gens=NEW),
    Fn("OPENSSL_init_ssl", c_int, [c_uint64, c_void_p], lib="ssl", gens=NEW),
    Fn("SSL_library_init", c_int, [], lib="ssl", gens=OLD),
    Fn("SSL_load_error_strings", None, [], lib="ssl", gens=OLD),
    Fn("ERR_load_crypto_strings", None, [], gens=OLD),
    Fn("OPENSSL_add_all_algorithms_noconf", None, [], gens=OLD),
    Fn("OSSL_PROVIDER_load", c_void_p, [c_void_p, c_char_p], gens=V3),
    Fn("OSSL_PROVIDER_available", c_int, [c_void_p, c_char_p], gens=V3),
    # 1.0.2 threading ------------------------------------------------------
    Fn("CRYPTO_num_locks", c_int, [], gens=OLD),
    Fn("CRYPTO_set_locking_callback", None, [c_void_p], gens=OLD),
    Fn("CRYPTO_get_locking_callback", c_void_p, [], gens=OLD),
    Fn("ERR_remove_thread_state", None, [c_void_p], gens=OLD),
    # errors -------------------------------------------------------------
    Fn("ERR_get_error", c_ulong, []),
    Fn("ERR_peek_error", c_ulong, []),
    Fn("ERR_clear_error", None, []),
    Fn("ERR_lib_error_string", c_char_p, [c_ulong]),
    # NULL in 3.0 (function codes are gone); absent from no-deprecated builds.
    Fn("ERR_func_error_string", c_char_p, [c_ulong], optional=True),
    Fn("ERR_reason_error_string", c_char_p, [c_ulong]),
    Fn("ERR_error_string_n", None, [c_ulong, c_char_p, c_size_t]),
    Fn("ERR_print_errors_cb", None, [c_void_p, c_void_p]),
    Fn("ERR_put_error", None, [c_int, c_int, c_int, c_char_p, c_int],
       gens=PRE3),
    Fn("ERR_new", None, [], gens=V3),
    Fn("ERR_set_debug", None, [c_char_p, c_int, c_char_p], gens=V3),
    # ERR_set_error is variadic; declare the no-format form only.
    Fn("ERR_set_error", None, [c_int, c_int, c_char_p], gens=V3),
    # memory -------------------------------------------------------------
    Fn("CRYPTO_free", None, [c_void_p], gens=OLD),
    Fn("CRYPTO_free", None, [c_void_p, c_char_p, c_int], gens=NEW),
    Fn("CRYPTO_malloc", c_void_p, [c_int, c_char_p, c_int], gens=OLD),
    Fn("CRYPTO_malloc", c_void_p, [c_size_t, c_char_p, c_int], gens=NEW),
    Macro("OPENSSL_free", _openssl_free),
    Macro("OPENSSL_malloc", _openssl_malloc),
    # generic stacks (typed sk_X509_* etc. are macros over these) ----------
    Fn("sk_num", c_int, [c_void_p], gens=OLD),
    Fn("sk_value", c_void_p, [c_void_p, c_int], gens=OLD),
    Fn("sk_push", c_int, [c_void_p, c_void_p], gens=OLD),
    Fn("sk_new_null", c_void_p, [], gens=OLD),
    Fn("sk_free", None, [c_void_p], gens=OLD),
    Fn("sk_pop_free", None, [c_void_p, c_void_p], gens=OLD),
    Fn("sk_num", c_int, [c_void_p], gens=NEW, cnames=("OPENSSL_sk_num",)),
    Fn("sk_value", c_void_p, [c_void_p, c_int], gens=NEW,
       cnames=("OPENSSL_sk_value",)),
    Fn("sk_push", c_int, [c_void_p, c_void_p], gens=NEW,
       cnames=("OPENSSL_sk_push",)),
    Fn("sk_new_null", c_void_p, [], gens=NEW, cnames=("OPENSSL_sk_new_null",)),
    Fn("sk_free", None, [c_void_p], gens=NEW, cnames=("OPENSSL_sk_free",)),
    Fn("sk_pop_free", None, [c_void_p, c_void_p], gens=NEW,
       cnames=("OPENSSL_sk_pop_free",)),
    # BIO ----------------------------------------------------------------
    Fn("BIO_s_mem", c_void_p, []),
    Fn("BIO_new", c_void_p, [c_void_p]),
    Fn("BIO_new_mem_buf", c_void_p, [c_void_p, c_int]),
    Fn("BIO_new_file", c_void_p, [c_char_p, c_char_p]),
    Fn("BIO_free", c_int, [c_void_p]),
    Fn("BIO_free_all", None, [c_void_p]),
    Fn("BIO_read", c_int, [c_void_p, c_void_p, c_int]),
    Fn("BIO_write", c_int, [c_void_p, c_void_p, c_int]),
    Fn("BIO_ctrl", c_long, [c_void_p, c_int, c_long, c_void_p]),
    Fn("BIO_ctrl_pending", c_size_t, [c_void_p]),
    Fn("BIO_test_flags", c_int, [c_void_p, c_int]),
    Macro("BIO_get_mem_data", _bio_get_mem_data),
    Macro("BIO_set_mem_eof_return", _bio_set_mem_eof_return),
    Macro("BIO_reset", _bio_ctrl_macro(BIO_CTRL_RESET)),
    Macro("BIO_pending", _bio_ctrl_macro(BIO_CTRL_PENDING)),
    Macro("BIO_should_retry", _bio_flag_test(BIO_FLAGS_SHOULD_RETRY)),
    Macro("BIO_should_read", _bio_flag_test(BIO_FLAGS_READ)),
    Macro("BIO_should_write", _bio_flag_test(BIO_FLAGS_WRITE)),
    Macro("BIO_should_io_special", _bio_flag_test(BIO_FLAGS_IO_SPECIAL)),
    # constants ------------------------------------------------------------
    Const.same("OPENSSL_INIT_LOAD_CRYPTO_STRINGS", 0x00000002, NEW),
    Const.same("OPENSSL_INIT_LOAD_SSL_STRINGS", 0x00200000, NEW),
    Const.same("CRYPTO_LOCK", 1, OLD),
    # version-text selectors were renumbered in 1.1.0
    Const("SSLEAY_VERSION", {G102: 0, G11: 0, G3: 0}),
    Const("SSLEAY_CFLAGS", {G102: 2, G11: 1, G3: 1}),
    Const("SSLEAY_BUILT_ON", {G102: 3, G11: 2, G3: 2}),
    Const("SSLEAY_PLATFORM", {G102: 4, G11: 3, G3: 3}),
    Const("SSLEAY_DIR", {G102: 5, G11: 4, G3: 4}),
    Const("ERR_LIB_SYS", {G102: 2, G11: 2, G3: 2}),
]


def _all_declarations():
    # Area sections are imported here, not at module top, so that each of
    # them may import the helpers defined above.
    from . import _decls_crypto, _decls_pki, _decls_ssl
    return (CORE + list(_decls_crypto.DECLARATIONS)
            + list(_decls_pki.DECLARATIONS) + list(_decls_ssl.DECLARATIONS))


DECLARATIONS = _all_declarations()

__all__ = ["DECLARATIONS", "CORE", "LOCKING_CB",
           "PEM_PASSWORD_CB", "ALL", "OLD", "NEW", "PRE3", "V3", "G102",
           "G11", "G3", "POINTER"]
