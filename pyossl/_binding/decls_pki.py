"""The table's section for trust stores and verification, CRLs, PKCS#7,
PKCS#12 and Netscape SPKI.

The 1.0.2 CRL/revocation accessors and ``PKCS7_type_is_*`` (macros over
struct fields in every version) read the layouts of
:mod:`pyossl._binding.layouts`, verified at load.
"""

from ctypes import (POINTER, c_char_p, c_int, c_int64, c_long, c_ulong,
                    c_void_p)

from . import layouts
from .records import Const, Fn, Macro


def _pkcs7_type_is(nid_name):
    def factory(lib):
        get = lib.PKCS7_type_nid
        nid = getattr(lib, nid_name)

        def test(p7):
            return get(p7) == nid
        return test
    return factory


# X509_verify_cert_error_string takes a long; the time argument of
# X509_VERIFY_PARAM_set_time is a time_t (64-bit on every platform we bind).
DECLARATIONS = [
    # X509_STORE ------------------------------------------------------------
    Fn("X509_STORE_new", c_void_p, []),
    Fn("X509_STORE_free", None, [c_void_p]),
    Fn("X509_STORE_add_cert", c_int, [c_void_p, c_void_p]),
    Fn("X509_STORE_add_crl", c_int, [c_void_p, c_void_p]),
    Fn("X509_STORE_set_flags", c_int, [c_void_p, c_ulong]),
    Fn("X509_STORE_set1_param", c_int, [c_void_p, c_void_p]),
    Fn("X509_STORE_load_locations", c_int, [c_void_p, c_char_p, c_char_p]),
    Fn("X509_VERIFY_PARAM_new", c_void_p, []),
    Fn("X509_VERIFY_PARAM_free", None, [c_void_p]),
    Fn("X509_VERIFY_PARAM_set_time", None, [c_void_p, c_int64]),
    # X509_STORE_CTX --------------------------------------------------------
    Fn("X509_STORE_CTX_new", c_void_p, []),
    Fn("X509_STORE_CTX_free", None, [c_void_p]),
    Fn("X509_STORE_CTX_init", c_int, [c_void_p, c_void_p, c_void_p,
                                      c_void_p]),
    Fn("X509_STORE_CTX_cleanup", None, [c_void_p]),
    Fn("X509_verify_cert", c_int, [c_void_p]),
    Fn("X509_verify_cert_error_string", c_char_p, [c_long]),
    Fn("X509_STORE_CTX_get1_chain", c_void_p, [c_void_p]),
    # X509_CRL --------------------------------------------------------------
    Fn("X509_CRL_new", c_void_p, []),
    Fn("X509_CRL_free", None, [c_void_p]),
    Fn("X509_CRL_get_issuer", c_void_p, [c_void_p], since="1.1"),
    Macro("X509_CRL_get_issuer", layouts.crl_info_field("issuer"),
          until="1.1"),
    Fn("X509_CRL_get_REVOKED", c_void_p, [c_void_p], since="1.1"),
    Macro("X509_CRL_get_REVOKED", layouts.crl_info_field("revoked"),
          until="1.1"),
    Fn("X509_CRL_set_issuer_name", c_int, [c_void_p, c_void_p]),
    Fn("X509_CRL_set_version", c_int, [c_void_p, c_long]),
    # both copy the time they are given
    Fn("X509_CRL_set1_lastUpdate", c_int, [c_void_p, c_void_p], since="1.1"),
    Fn("X509_CRL_set1_lastUpdate", c_int, [c_void_p, c_void_p], until="1.1",
       cnames=("X509_CRL_set_lastUpdate",)),
    Fn("X509_CRL_set1_nextUpdate", c_int, [c_void_p, c_void_p], since="1.1"),
    Fn("X509_CRL_set1_nextUpdate", c_int, [c_void_p, c_void_p], until="1.1",
       cnames=("X509_CRL_set_nextUpdate",)),
    Fn("X509_CRL_sort", c_int, [c_void_p]),
    Fn("X509_CRL_sign", c_int, [c_void_p, c_void_p, c_void_p]),
    Fn("X509_CRL_add0_revoked", c_int, [c_void_p, c_void_p]),
    Fn("X509_CRL_print", c_int, [c_void_p, c_void_p]),
    Fn("PEM_read_bio_X509_CRL", c_void_p, [c_void_p, c_void_p, c_void_p,
                                           c_void_p]),
    Fn("PEM_write_bio_X509_CRL", c_int, [c_void_p, c_void_p]),
    Fn("d2i_X509_CRL_bio", c_void_p, [c_void_p, c_void_p]),
    Fn("i2d_X509_CRL_bio", c_int, [c_void_p, c_void_p]),
    # X509_REVOKED ----------------------------------------------------------
    Fn("X509_REVOKED_new", c_void_p, []),
    Fn("X509_REVOKED_free", None, [c_void_p]),
    Fn("X509_REVOKED_dup", c_void_p, [c_void_p]),
    Fn("X509_REVOKED_set_serialNumber", c_int, [c_void_p, c_void_p]),
    Fn("X509_REVOKED_set_revocationDate", c_int, [c_void_p, c_void_p]),
    Fn("X509_REVOKED_get0_serialNumber", c_void_p, [c_void_p], since="1.1"),
    Macro("X509_REVOKED_get0_serialNumber",
          layouts.revoked_field("serialNumber"), until="1.1"),
    Fn("X509_REVOKED_get0_revocationDate", c_void_p, [c_void_p], since="1.1"),
    Macro("X509_REVOKED_get0_revocationDate",
          layouts.revoked_field("revocationDate"), until="1.1"),
    Fn("X509_REVOKED_get_ext_count", c_int, [c_void_p]),
    Fn("X509_REVOKED_get_ext", c_void_p, [c_void_p, c_int]),
    Fn("X509_REVOKED_delete_ext", c_void_p, [c_void_p, c_int]),
    Fn("X509_REVOKED_add1_ext_i2d", c_int, [c_void_p, c_int, c_void_p,
                                            c_int, c_ulong]),
    Fn("ASN1_ENUMERATED_new", c_void_p, []),
    Fn("ASN1_ENUMERATED_free", None, [c_void_p]),
    Fn("ASN1_ENUMERATED_set", c_int, [c_void_p, c_long]),
    # PKCS7 -----------------------------------------------------------------
    Fn("PKCS7_new", c_void_p, []),
    Fn("PKCS7_free", None, [c_void_p]),
    Fn("PEM_read_bio_PKCS7", c_void_p, [c_void_p, c_void_p, c_void_p,
                                        c_void_p]),
    Fn("d2i_PKCS7_bio", c_void_p, [c_void_p, c_void_p]),
    Macro("PKCS7_type_nid", layouts.pkcs7_type_nid),
    Macro("PKCS7_type_is_signed", _pkcs7_type_is("NID_pkcs7_signed")),
    Macro("PKCS7_type_is_enveloped", _pkcs7_type_is("NID_pkcs7_enveloped")),
    Macro("PKCS7_type_is_signedAndEnveloped", _pkcs7_type_is("NID_pkcs7_signedAndEnveloped")),
    Macro("PKCS7_type_is_data", _pkcs7_type_is("NID_pkcs7_data")),
    # PKCS12 ----------------------------------------------------------------
    Fn("d2i_PKCS12_bio", c_void_p, [c_void_p, c_void_p]),
    Fn("i2d_PKCS12_bio", c_int, [c_void_p, c_void_p]),
    Fn("PKCS12_free", None, [c_void_p]),
    Fn("PKCS12_parse", c_int, [c_void_p, c_char_p, POINTER(c_void_p),
                               POINTER(c_void_p), POINTER(c_void_p)]),
    Fn("PKCS12_create", c_void_p, [c_char_p, c_char_p, c_void_p, c_void_p,
                                   c_void_p, c_int, c_int, c_int, c_int,
                                   c_int]),
    Fn("X509_alias_get0", c_void_p, [c_void_p, POINTER(c_int)]),
    # Netscape SPKI -----------------------------------------------------------
    Fn("NETSCAPE_SPKI_new", c_void_p, []),
    Fn("NETSCAPE_SPKI_free", None, [c_void_p]),
    Fn("NETSCAPE_SPKI_b64_decode", c_void_p, [c_char_p, c_int]),
    # returns a string the caller frees with OPENSSL_free
    Fn("NETSCAPE_SPKI_b64_encode", c_void_p, [c_void_p]),
    Fn("NETSCAPE_SPKI_get_pubkey", c_void_p, [c_void_p]),
    Fn("NETSCAPE_SPKI_set_pubkey", c_int, [c_void_p, c_void_p]),
    Fn("NETSCAPE_SPKI_sign", c_int, [c_void_p, c_void_p, c_void_p]),
    Fn("NETSCAPE_SPKI_verify", c_int, [c_void_p, c_void_p]),
    # constants ---------------------------------------------------------------
    Const.same("NID_pkcs7_data", 21),
    Const.same("NID_pkcs7_signed", 22),
    Const.same("NID_pkcs7_enveloped", 23),
    Const.same("NID_pkcs7_signedAndEnveloped", 24),
    Const.same("NID_crl_reason", 141),
    Const.same("NID_pbe_WithSHA1And3_Key_TripleDES_CBC", 146),
    # 3.x: (ERR_R_UNSUPPORTED | ERR_RFLAG_COMMON), the reason an algorithm
    # that lives in a provider which is not loaded fails with
    Const.same("ERR_R_UNSUPPORTED", 268 | (0x2 << 18), since="3.0"),
    Const.same("X509_V_FLAG_CRL_CHECK", 0x4),
    Const.same("X509_V_FLAG_CRL_CHECK_ALL", 0x8),
    Const.same("X509_V_FLAG_IGNORE_CRITICAL", 0x10),
    Const.same("X509_V_FLAG_X509_STRICT", 0x20),
    Const.same("X509_V_FLAG_ALLOW_PROXY_CERTS", 0x40),
    Const.same("X509_V_FLAG_POLICY_CHECK", 0x80),
    Const.same("X509_V_FLAG_EXPLICIT_POLICY", 0x100),
    Const.same("X509_V_FLAG_INHIBIT_MAP", 0x400),
    # still defined with this value in the 1.1.x and 3.x headers
    Const.same("X509_V_FLAG_NOTIFY_POLICY", 0x800),
    Const.same("X509_V_FLAG_CHECK_SS_SIGNATURE", 0x4000),
    Const.same("X509_V_FLAG_PARTIAL_CHAIN", 0x80000),
    # 1.1.0 removed the issuer-check callback and made the flag 0
    Const("X509_V_FLAG_CB_ISSUER_CHECK", {"1.0.2": 0x1, "1.1": 0x0, "3.0": 0x0}),
    # before 1.1.0i, adding a certificate already in a store failed with
    # this (ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE)
    Const.same("ERR_LIB_X509", 11),
    Const.same("X509_R_CERT_ALREADY_IN_HASH_TABLE", 101, until="3.0"),
]

# General libcrypto symbols this area is the only one to use.  Everything
# else it calls (X509_free, OBJ_obj2nid, the X509_STORE_CTX getters, ...) is
# declared in the crypto or SSL section: each name is declared once.
DECLARATIONS += [
    Fn("ASN1_STRING_print", c_int, [c_void_p, c_void_p]),
    Fn("ASN1_TIME_new", c_void_p, []),
    Fn("ASN1_TIME_free", None, [c_void_p]),
    Fn("i2a_ASN1_INTEGER", c_int, [c_void_p, c_void_p]),
    Fn("ERR_peek_last_error", c_ulong, []),
]
