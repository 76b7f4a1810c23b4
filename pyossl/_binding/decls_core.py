"""The table's core section: version, initialisation, errors (and the one
decoder of error codes, per generation), memory, stacks and memory BIOs.

Conventions of every section:

* every pointer result is ``c_void_p`` (a Python ``int`` or ``None``);
  strings that OpenSSL owns and that we only read are ``c_char_p``;
  strings that the caller must free are ``c_void_p``;
* ``size_t``/``long`` are spelled with their ctypes types, never ``c_int``;
* a record names the library that exports the symbol; symbols are bound
  through that library's handle only.
"""

from ctypes import (CFUNCTYPE, c_char_p, c_int, c_long, c_size_t,
                    c_uint64, c_ulong, c_void_p)

from .records import Const, Fn, Macro

# Callback prototypes shared by several areas.
LOCKING_CB = CFUNCTYPE(None, c_int, c_int, c_char_p, c_int)
# int (*cb)(const char *str, size_t len, void *u) for ERR_print_errors_cb
ERR_PRINT_CB = CFUNCTYPE(c_int, c_char_p, c_size_t, c_void_p)
# int pem_password_cb(char *buf, int size, int rwflag, void *userdata)
PEM_PASSWORD_CB = CFUNCTYPE(c_int, c_void_p, c_int, c_int, c_void_p)

# --- ctrl numbers (identical in every supported generation) ---------------
BIO_CTRL_INFO = 3
BIO_CTRL_PENDING = 10
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



def _crypto_free_102(lib):
    return lib.CRYPTO_free


def _openssl_free(lib):
    free = lib.CRYPTO_free
    here = b"pyossl"

    def OPENSSL_free(ptr):
        free(ptr, here, 0)
    return OPENSSL_free



# --- error codes: one decoder per generation ------------------------------
# 1.x:  lib = code >> 24 (8 bits), function (12 bits), reason = low 12 bits.
# 3.x:  a system error sets the top bit (ERR_SYSTEM_FLAG) and keeps the errno
#       in the other 31; otherwise lib = (code >> 23) & 0xFF and
#       reason = the low 23 bits (function codes are gone).

def _err_lib_1(lib):
    def ERR_GET_LIB(code):
        return (code >> 24) & 0xFF
    return ERR_GET_LIB


def _err_reason_1(lib):
    def ERR_GET_REASON(code):
        return code & 0xFFF
    return ERR_GET_REASON


def _err_errno_1(lib):
    def ERR_SYSTEM_ERRNO(code):
        """The errno of a system error, or ``None`` (1.x: reported through
        the reason text)."""
        return None
    return ERR_SYSTEM_ERRNO


_ERR_SYSTEM_FLAG = 0x80000000


def _err_lib_3(lib):
    sys_lib = lib.ERR_LIB_SYS

    def ERR_GET_LIB(code):
        if code & _ERR_SYSTEM_FLAG:
            return sys_lib
        return (code >> 23) & 0xFF
    return ERR_GET_LIB


def _err_reason_3(lib):
    def ERR_GET_REASON(code):
        if code & _ERR_SYSTEM_FLAG:
            return code & 0x7FFFFFFF
        return code & 0x7FFFFF
    return ERR_GET_REASON


def _err_errno_3(lib):
    def ERR_SYSTEM_ERRNO(code):
        """The errno of a system error, or ``None``."""
        if code & _ERR_SYSTEM_FLAG:
            return code & 0x7FFFFFFF
        return None
    return ERR_SYSTEM_ERRNO


CORE = [
    # version ------------------------------------------------------------
    Fn("OpenSSL_version_num", c_ulong, [], since="1.1"),
    Fn("OpenSSL_version", c_char_p, [c_int], since="1.1"),
    Fn("OpenSSL_version_num", c_ulong, [], until="1.1", cnames=("SSLeay",)),
    Fn("OpenSSL_version", c_char_p, [c_int], until="1.1",
       cnames=("SSLeay_version",)),
    # initialisation -----------------------------------------------------
    Fn("OPENSSL_init_ssl", c_int, [c_uint64, c_void_p], lib="ssl", since="1.1"),
    Fn("SSL_library_init", c_int, [], lib="ssl", until="1.1"),
    Fn("SSL_load_error_strings", None, [], lib="ssl", until="1.1"),
    Fn("ERR_load_crypto_strings", None, [], until="1.1"),
    Fn("OPENSSL_add_all_algorithms_noconf", None, [], until="1.1"),
    Fn("OSSL_PROVIDER_load", c_void_p, [c_void_p, c_char_p], since="3.0"),
    Fn("OSSL_PROVIDER_available", c_int, [c_void_p, c_char_p], since="3.0"),
    # 1.0.2 threading ------------------------------------------------------
    Fn("CRYPTO_num_locks", c_int, [], until="1.1"),
    Fn("CRYPTO_set_locking_callback", None, [c_void_p], until="1.1"),
    Fn("CRYPTO_get_locking_callback", c_void_p, [], until="1.1"),
    Fn("ERR_remove_thread_state", None, [c_void_p], until="1.1"),
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
    # ERR_set_error is variadic; declare the no-format form only.
    Macro("ERR_GET_LIB", _err_lib_1, until="3.0"),
    Macro("ERR_GET_LIB", _err_lib_3, since="3.0"),
    Macro("ERR_GET_REASON", _err_reason_1, until="3.0"),
    Macro("ERR_GET_REASON", _err_reason_3, since="3.0"),
    Macro("ERR_SYSTEM_ERRNO", _err_errno_1, until="3.0"),
    Macro("ERR_SYSTEM_ERRNO", _err_errno_3, since="3.0"),
    # memory -------------------------------------------------------------
    Fn("CRYPTO_free", None, [c_void_p], until="1.1"),
    Fn("CRYPTO_free", None, [c_void_p, c_char_p, c_int], since="1.1"),
    Macro("OPENSSL_free", _crypto_free_102, until="1.1"),
    Macro("OPENSSL_free", _openssl_free, since="1.1"),
    # generic stacks (typed sk_X509_* etc. are macros over these) ----------
    Fn("sk_num", c_int, [c_void_p], until="1.1"),
    Fn("sk_value", c_void_p, [c_void_p, c_int], until="1.1"),
    Fn("sk_push", c_int, [c_void_p, c_void_p], until="1.1"),
    Fn("sk_new_null", c_void_p, [], until="1.1"),
    Fn("sk_free", None, [c_void_p], until="1.1"),
    Fn("sk_pop_free", None, [c_void_p, c_void_p], until="1.1"),
    Fn("sk_num", c_int, [c_void_p], since="1.1", cnames=("OPENSSL_sk_num",)),
    Fn("sk_value", c_void_p, [c_void_p, c_int], since="1.1",
       cnames=("OPENSSL_sk_value",)),
    Fn("sk_push", c_int, [c_void_p, c_void_p], since="1.1",
       cnames=("OPENSSL_sk_push",)),
    Fn("sk_new_null", c_void_p, [], since="1.1", cnames=("OPENSSL_sk_new_null",)),
    Fn("sk_free", None, [c_void_p], since="1.1", cnames=("OPENSSL_sk_free",)),
    Fn("sk_pop_free", None, [c_void_p, c_void_p], since="1.1",
       cnames=("OPENSSL_sk_pop_free",)),
    # BIO ----------------------------------------------------------------
    Fn("BIO_s_mem", c_void_p, []),
    Fn("BIO_new", c_void_p, [c_void_p]),
    Fn("BIO_new_mem_buf", c_void_p, [c_void_p, c_int]),
    Fn("BIO_new_file", c_void_p, [c_char_p, c_char_p]),
    Fn("BIO_free", c_int, [c_void_p]),
    Fn("BIO_read", c_int, [c_void_p, c_void_p, c_int]),
    Fn("BIO_write", c_int, [c_void_p, c_void_p, c_int]),
    Fn("BIO_ctrl", c_long, [c_void_p, c_int, c_long, c_void_p]),
    Fn("BIO_ctrl_pending", c_size_t, [c_void_p]),
    Fn("BIO_test_flags", c_int, [c_void_p, c_int]),
    Macro("BIO_get_mem_data", _bio_get_mem_data),
    Macro("BIO_set_mem_eof_return", _bio_set_mem_eof_return),
    Macro("BIO_pending", _bio_ctrl_macro(BIO_CTRL_PENDING)),
    # constants ------------------------------------------------------------
    Const.same("OPENSSL_INIT_LOAD_CRYPTO_STRINGS", 0x00000002, since="1.1"),
    Const.same("OPENSSL_INIT_LOAD_SSL_STRINGS", 0x00200000, since="1.1"),
    Const.same("CRYPTO_LOCK", 1, until="1.1"),
    # version-text selectors were renumbered in 1.1.0
    Const("SSLEAY_VERSION", {"1.0.2": 0, "1.1": 0, "3.0": 0}),
    Const("SSLEAY_CFLAGS", {"1.0.2": 2, "1.1": 1, "3.0": 1}),
    Const("SSLEAY_BUILT_ON", {"1.0.2": 3, "1.1": 2, "3.0": 2}),
    Const("SSLEAY_PLATFORM", {"1.0.2": 4, "1.1": 3, "3.0": 3}),
    Const("SSLEAY_DIR", {"1.0.2": 5, "1.1": 4, "3.0": 4}),
    Const("ERR_LIB_SYS", {"1.0.2": 2, "1.1": 2, "3.0": 2}),
]
