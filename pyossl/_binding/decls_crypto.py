"""The table's ``crypto`` section: objects, ASN.1 strings and integers,
keys, digests, certificates, names, requests, extensions, serialization and
curves.

Accessors that 1.0.2 has only as macros over struct fields are ``Macro``
records whose readers live in :mod:`pyossl._binding.layouts` (verified at
load).
"""

from ctypes import (POINTER, byref, c_char_p, c_int, c_long, c_size_t,
                    c_uint, c_ulong, c_void_p)

from . import layouts
from .records import Const, Fn, Macro

def _check_rsa_key_pre3(lib):
    get1_rsa, check, free = (lib.EVP_PKEY_get1_RSA, lib.RSA_check_key,
                             lib.RSA_free)

    def check_rsa_key(pkey):
        """1 when the RSA key *pkey* is consistent, else 0 or -1."""
        rsa = get1_rsa(pkey)
        if not rsa:
            return -1
        try:
            return check(rsa)
        finally:
            free(rsa)
    return check_rsa_key


def _check_rsa_key_3(lib):
    new, check, free = (lib.EVP_PKEY_CTX_new, lib.EVP_PKEY_check,
                        lib.EVP_PKEY_CTX_free)

    def check_rsa_key(pkey):
        ctx = new(pkey, None)
        if not ctx:
            return -1
        try:
            return check(ctx)
        finally:
            free(ctx)
    return check_rsa_key


def _name_hash_3(lib):
    hash_ex = lib.X509_NAME_hash_ex

    def X509_NAME_hash(name):
        """``X509_NAME_hash`` of 1.x; ``None`` when OpenSSL 3 fails."""
        ok = c_int(0)
        result = hash_ex(name, None, None, byref(ok))
        return result if ok.value else None
    return X509_NAME_hash



DECLARATIONS = [
    # --- objects, ASN.1 strings, integers, times -------------------------
    Fn("OBJ_txt2nid", c_int, [c_char_p]),
    Fn("OBJ_nid2sn", c_char_p, [c_int]),
    Fn("OBJ_nid2ln", c_char_p, [c_int]),
    Fn("OBJ_obj2nid", c_int, [c_void_p]),
    Fn("ASN1_STRING_length", c_int, [c_void_p], gil=True),
    Fn("ASN1_STRING_type", c_int, [c_void_p], gil=True),
    Fn("ASN1_STRING_get0_data", c_void_p, [c_void_p], since="1.1"),
    Fn("ASN1_STRING_get0_data", c_void_p, [c_void_p], until="1.1",
       cnames=("ASN1_STRING_data",)),
    Fn("ASN1_STRING_to_UTF8", c_int, [POINTER(c_void_p), c_void_p]),
    Fn("ASN1_STRING_free", None, [c_void_p]),
    # Used by the tests only: a UTCTime with any content, valid or not.
    Fn("ASN1_STRING_set", c_int, [c_void_p, c_char_p, c_int]),
    # Named by the 16.0 changelog as ``crypto._lib.<this>(b"default")``.
    Fn("ASN1_STRING_set_default_mask_asc", c_int, [c_char_p]),
    Fn("ASN1_INTEGER_get", c_long, [c_void_p]),
    Fn("ASN1_INTEGER_set", c_int, [c_void_p, c_long]),
    Fn("ASN1_INTEGER_new", c_void_p, []),
    Fn("ASN1_INTEGER_free", None, [c_void_p]),
    Fn("ASN1_INTEGER_to_BN", c_void_p, [c_void_p, c_void_p]),
    Fn("BN_to_ASN1_INTEGER", c_void_p, [c_void_p, c_void_p]),
    Fn("BN_hex2bn", c_int, [POINTER(c_void_p), c_char_p]),
    Fn("BN_bn2hex", c_void_p, [c_void_p]),
    Fn("BN_free", None, [c_void_p]),
    Fn("ASN1_TIME_to_generalizedtime", c_void_p, [c_void_p, c_void_p]),
    # (const ASN1_TIME *, struct tm *): 1.1.1 and later.
    Fn("ASN1_TIME_to_tm", c_int, [c_void_p, c_void_p], since="1.1",
       optional=True, gil=True),
    # The same parser with no struct tm (used where ASN1_TIME_to_tm is).
    Fn("ASN1_UTCTIME_check", c_int, [c_void_p], since="1.1", gil=True),
    Fn("ASN1_GENERALIZEDTIME_set_string", c_int, [c_void_p, c_char_p]),
    Fn("X509_gmtime_adj", c_void_p, [c_void_p, c_long]),
    Fn("X509_cmp_current_time", c_int, [c_void_p]),

    # --- keys ------------------------------------------------------------
    Fn("EVP_PKEY_new", c_void_p, []),
    Fn("EVP_PKEY_free", None, [c_void_p]),
    Fn("EVP_PKEY_up_ref", c_int, [c_void_p], since="1.1"),
    Fn("CRYPTO_add_lock", c_int, [c_void_p, c_int, c_int, c_char_p, c_int],
       until="1.1"),
    Macro("EVP_PKEY_up_ref", layouts.up_ref(layouts.EVP_PKEY_102,
                                           "CRYPTO_LOCK_EVP_PKEY"),
          until="1.1"),
    Fn("EVP_PKEY_base_id", c_int, [c_void_p], until="3.0"),
    Fn("EVP_PKEY_base_id", c_int, [c_void_p], since="3.0",
       cnames=("EVP_PKEY_get_base_id",)),
    Fn("EVP_PKEY_bits", c_int, [c_void_p], until="3.0"),
    Fn("EVP_PKEY_bits", c_int, [c_void_p], since="3.0", cnames=("EVP_PKEY_get_bits",)),
    Fn("EVP_PKEY_size", c_int, [c_void_p], until="3.0"),
    Fn("EVP_PKEY_size", c_int, [c_void_p], since="3.0", cnames=("EVP_PKEY_get_size",)),
    Fn("EVP_PKEY_CTX_new", c_void_p, [c_void_p, c_void_p]),
    Fn("EVP_PKEY_CTX_free", None, [c_void_p]),
    # PKey.generate_key: the functions pyOpenSSL calls, so that the limits
    # on the number of bits are OpenSSL's own on every version (the EVP
    # key generators of 3.x refuse 512-bit DSA, FIPS 186-4's sizes only).
    Fn("BN_new", c_void_p, []),
    Fn("BN_set_word", c_int, [c_void_p, c_ulong]),
    Fn("RSA_new", c_void_p, []),
    Fn("RSA_generate_key_ex", c_int, [c_void_p, c_int, c_void_p, c_void_p]),
    Fn("DSA_new", c_void_p, []),
    Fn("DSA_free", None, [c_void_p]),
    Fn("DSA_generate_parameters_ex", c_int,
       [c_void_p, c_int, c_void_p, c_int, c_void_p, c_void_p, c_void_p]),
    Fn("DSA_generate_key", c_int, [c_void_p]),
    Fn("EVP_PKEY_assign", c_int, [c_void_p, c_int, c_void_p]),
    # PKey.check: RSA_check_key before 3.0, EVP_PKEY_check on 3.x
    Fn("EVP_PKEY_get1_RSA", c_void_p, [c_void_p], until="3.0"),
    Fn("RSA_check_key", c_int, [c_void_p], until="3.0"),
    Fn("RSA_free", None, [c_void_p]),
    Fn("EVP_PKEY_check", c_int, [c_void_p], since="3.0"),
    Macro("check_rsa_key", _check_rsa_key_pre3, until="3.0"),
    Macro("check_rsa_key", _check_rsa_key_3, since="3.0"),
    Fn("EVP_PKEY_print_private", c_int, [c_void_p, c_void_p, c_int, c_void_p]),

    # --- digests, ciphers, signatures ------------------------------------
    Fn("EVP_get_digestbyname", c_void_p, [c_char_p]),
    Fn("EVP_get_cipherbyname", c_void_p, [c_char_p]),
    Fn("EVP_MD_CTX_new", c_void_p, [], since="1.1"),
    Fn("EVP_MD_CTX_new", c_void_p, [], until="1.1", cnames=("EVP_MD_CTX_create",)),
    Fn("EVP_MD_CTX_free", None, [c_void_p], since="1.1"),
    Fn("EVP_MD_CTX_free", None, [c_void_p], until="1.1",
       cnames=("EVP_MD_CTX_destroy",)),
    Fn("EVP_DigestInit_ex", c_int, [c_void_p, c_void_p, c_void_p]),
    Fn("EVP_DigestUpdate", c_int, [c_void_p, c_char_p, c_size_t]),
    Fn("EVP_SignFinal", c_int, [c_void_p, c_void_p, POINTER(c_uint), c_void_p]),
    Fn("EVP_VerifyFinal", c_int, [c_void_p, c_char_p, c_uint, c_void_p]),

    # --- certificates ----------------------------------------------------
    Fn("X509_new", c_void_p, []),
    Fn("X509_free", None, [c_void_p]),
    Fn("X509_dup", c_void_p, [c_void_p]),
    Fn("X509_up_ref", c_int, [c_void_p], since="1.1"),
    Macro("X509_up_ref", layouts.up_ref(layouts.X509_102, "CRYPTO_LOCK_X509"),
          until="1.1"),
    Fn("X509_set_version", c_int, [c_void_p, c_long]),
    Fn("X509_get_version", c_long, [c_void_p], since="1.1"),
    Macro("X509_get_version", layouts.x509_get_version, until="1.1"),
    Fn("X509_get_serialNumber", c_void_p, [c_void_p]),
    Fn("X509_set_serialNumber", c_int, [c_void_p, c_void_p]),
    Fn("X509_get_subject_name", c_void_p, [c_void_p], gil=True),
    Fn("X509_get_issuer_name", c_void_p, [c_void_p], gil=True),
    Fn("X509_set_subject_name", c_int, [c_void_p, c_void_p]),
    Fn("X509_set_issuer_name", c_int, [c_void_p, c_void_p]),
    Fn("X509_get_pubkey", c_void_p, [c_void_p], gil=True),
    Fn("X509_set_pubkey", c_int, [c_void_p, c_void_p]),
    Fn("X509_getm_notBefore", c_void_p, [c_void_p], since="1.1"),
    Fn("X509_getm_notAfter", c_void_p, [c_void_p], since="1.1", gil=True),
    Macro("X509_getm_notBefore", layouts.validity_field("notBefore"), until="1.1"),
    Macro("X509_getm_notAfter", layouts.validity_field("notAfter"), until="1.1"),
    Fn("X509_sign", c_int, [c_void_p, c_void_p, c_void_p]),
    Fn("X509_digest", c_int, [c_void_p, c_void_p, c_void_p, POINTER(c_uint)]),
    Fn("X509_subject_name_hash", c_ulong, [c_void_p]),
    Fn("X509_get_signature_nid", c_int, [c_void_p]),
    Fn("X509_add_ext", c_int, [c_void_p, c_void_p, c_int]),
    Fn("X509_get_ext_count", c_int, [c_void_p], gil=True),
    Fn("X509_get_ext", c_void_p, [c_void_p, c_int], gil=True),
    Fn("PEM_read_bio_X509", c_void_p, [c_void_p, c_void_p, c_void_p, c_void_p]),
    Fn("PEM_write_bio_X509", c_int, [c_void_p, c_void_p]),
    Fn("d2i_X509_bio", c_void_p, [c_void_p, c_void_p]),
    Fn("i2d_X509_bio", c_int, [c_void_p, c_void_p]),
    Fn("X509_print_ex", c_int, [c_void_p, c_void_p, c_ulong, c_ulong]),

    # --- names -----------------------------------------------------------
    Fn("X509_NAME_new", c_void_p, []),
    Fn("X509_NAME_free", None, [c_void_p]),
    Fn("X509_NAME_dup", c_void_p, [c_void_p]),
    Fn("X509_NAME_cmp", c_int, [c_void_p, c_void_p]),
    Fn("X509_NAME_hash", c_ulong, [c_void_p], until="3.0"),
    Macro("X509_NAME_hash", _name_hash_3, since="3.0"),
    Fn("X509_NAME_hash_ex", c_ulong,
       [c_void_p, c_void_p, c_char_p, POINTER(c_int)],
       since="3.0"),
    Fn("i2d_X509_NAME", c_int, [c_void_p, POINTER(c_void_p)], gil=True),
    # (const X509_NAME *, const unsigned char **pder, size_t *pderlen): the
    # name's cached DER (refreshed first if modified) in one call.  The
    # out-parameters are byref(c_void_p()) and byref(c_size_t()), declared
    # void * (ctypes checks a POINTER(T) argument with a subclass test
    # that costs ~0.15 µs each).
    Fn("X509_NAME_get0_der", c_int, [c_void_p, c_void_p, c_void_p],
       since="1.1", gil=True),
    Fn("d2i_X509_NAME", c_void_p, [c_void_p, POINTER(c_void_p), c_long]),
    Fn("X509_NAME_oneline", c_void_p, [c_void_p, c_void_p, c_int]),
    Fn("X509_NAME_entry_count", c_int, [c_void_p], gil=True),
    Fn("X509_NAME_get_entry", c_void_p, [c_void_p, c_int]),
    Fn("X509_NAME_delete_entry", c_void_p, [c_void_p, c_int]),
    Fn("X509_NAME_ENTRY_free", None, [c_void_p]),
    Fn("X509_NAME_ENTRY_get_object", c_void_p, [c_void_p]),
    Fn("X509_NAME_ENTRY_get_data", c_void_p, [c_void_p]),
    Fn("X509_NAME_get_index_by_NID", c_int, [c_void_p, c_int, c_int]),
    Fn("X509_NAME_add_entry_by_NID", c_int,
       [c_void_p, c_int, c_int, c_char_p, c_int, c_int, c_int]),

    # --- requests --------------------------------------------------------
    Fn("X509_REQ_new", c_void_p, []),
    Fn("X509_REQ_free", None, [c_void_p]),
    Fn("X509_REQ_set_version", c_int, [c_void_p, c_long]),
    Fn("X509_REQ_get_version", c_long, [c_void_p], since="1.1"),
    Macro("X509_REQ_get_version", layouts.x509_req_get_version, until="1.1"),
    Fn("X509_REQ_get_subject_name", c_void_p, [c_void_p], since="1.1"),
    Macro("X509_REQ_get_subject_name", layouts.x509_req_get_subject_name,
          until="1.1"),
    Fn("X509_REQ_get_pubkey", c_void_p, [c_void_p]),
    Fn("X509_REQ_set_pubkey", c_int, [c_void_p, c_void_p]),
    Fn("X509_REQ_add_extensions", c_int, [c_void_p, c_void_p]),
    Fn("X509_REQ_get_extensions", c_void_p, [c_void_p]),
    Fn("X509_REQ_sign", c_int, [c_void_p, c_void_p, c_void_p]),
    Fn("X509_REQ_verify", c_int, [c_void_p, c_void_p]),
    Fn("PEM_read_bio_X509_REQ", c_void_p, [c_void_p, c_void_p, c_void_p, c_void_p]),
    Fn("PEM_write_bio_X509_REQ", c_int, [c_void_p, c_void_p]),
    Fn("d2i_X509_REQ_bio", c_void_p, [c_void_p, c_void_p]),
    Fn("i2d_X509_REQ_bio", c_int, [c_void_p, c_void_p]),
    Fn("X509_REQ_print_ex", c_int, [c_void_p, c_void_p, c_ulong, c_ulong]),

    # --- extensions ------------------------------------------------------
    Fn("X509V3_set_ctx", None, [c_void_p, c_void_p, c_void_p, c_void_p, c_void_p, c_int]),
    Fn("X509V3_EXT_nconf", c_void_p, [c_void_p, c_void_p, c_char_p, c_char_p]),
    Fn("X509V3_EXT_print", c_int, [c_void_p, c_void_p, c_ulong, c_int]),
    Fn("X509V3_EXT_d2i", c_void_p, [c_void_p]),
    # dup/free: an in-memory copy of a small structure (no I/O, no
    # callbacks): kept under the GIL like the accessors.
    Fn("X509_EXTENSION_free", None, [c_void_p], gil=True),
    Fn("X509_EXTENSION_dup", c_void_p, [c_void_p], gil=True),
    Fn("X509_EXTENSION_get_critical", c_int, [c_void_p]),
    Fn("X509_EXTENSION_get_object", c_void_p, [c_void_p]),
    Fn("X509_EXTENSION_get_data", c_void_p, [c_void_p]),
    Fn("GENERAL_NAMES_free", None, [c_void_p]),
    Fn("GENERAL_NAME_print", c_int, [c_void_p, c_void_p]),

    # --- key serialization -----------------------------------------------
    # The passphrase callback is always NULL (OpenSSL's default one) and
    # u the NUL-terminated passphrase it copies, or NULL: no Python thunk.
    Fn("PEM_read_bio_PrivateKey", c_void_p, [c_void_p, c_void_p, c_void_p, c_char_p]),
    Fn("PEM_write_bio_PrivateKey", c_int,
       [c_void_p, c_void_p, c_void_p, c_char_p, c_int, c_void_p, c_char_p]),
    Fn("d2i_PrivateKey_bio", c_void_p, [c_void_p, c_void_p]),
    Fn("i2d_PrivateKey_bio", c_int, [c_void_p, c_void_p]),
    Fn("i2d_PKCS8PrivateKey_bio", c_int,
       [c_void_p, c_void_p, c_void_p, c_char_p, c_int, c_void_p, c_void_p]),
    Fn("PEM_read_bio_PUBKEY", c_void_p, [c_void_p, c_void_p, c_void_p, c_void_p]),
    Fn("PEM_write_bio_PUBKEY", c_int, [c_void_p, c_void_p]),
    Fn("d2i_PUBKEY_bio", c_void_p, [c_void_p, c_void_p]),
    Fn("i2d_PUBKEY_bio", c_int, [c_void_p, c_void_p]),

    # --- curves ----------------------------------------------------------
    # fills an array of layouts.EC_builtin_curve
    Fn("EC_get_builtin_curves", c_size_t, [c_void_p, c_size_t]),

    # --- constants (identical in every generation unless noted) -----------
    Const.same("EVP_PKEY_RSA", 6),
    Const.same("EVP_PKEY_DSA", 116),
    Const.same("EVP_PKEY_DH", 28),
    Const.same("EVP_PKEY_EC", 408),
    Const.same("NID_undef", 0),
    Const.same("NID_subject_alt_name", 85),
    Const.same("NID_commonName", 13),
    Const.same("MBSTRING_UTF8", 0x1000),
    Const.same("V_ASN1_GENERALIZEDTIME", 24),
    Const.same("V_ASN1_UTCTIME", 23),
    Const.same("EVP_MAX_MD_SIZE", 64),
    Const.same("GEN_EMAIL", 1),
    Const.same("GEN_DNS", 2),
    Const.same("GEN_URI", 6),
]
