"""Declarations for the ``crypto`` area (part of the one table in _ffi_decls).

Keys, certificates, names, requests, extensions, serialization, signatures
and curves.  Records: Fn(name, restype, argtypes, lib=..., gens=...,
cnames=..., optional=...), Macro(name, factory, gens) and
Const(name, {gen: value}).

1.0.2 exposes several accessors only as macros over public structs; those
are emulated here (never in :mod:`pyossl.crypto`) with ctypes structures
that declare only the leading fields, and :func:`check_layouts` verifies
the layouts against the running library before they are trusted.
"""

from ctypes import (POINTER, Structure, c_char_p, c_int, c_long, c_size_t,
                    c_uint, c_ulong, c_void_p)

from ._declare import G102, NEW, OLD, PRE3, V3, Const, Fn, Macro

# --- control numbers behind the EVP_PKEY_CTX_set_* macros (1.x) ----------
EVP_PKEY_OP_PARAMGEN = 1 << 1
EVP_PKEY_OP_KEYGEN = 1 << 2
EVP_PKEY_ALG_CTRL = 0x1000
EVP_PKEY_CTRL_DSA_PARAMGEN_BITS = EVP_PKEY_ALG_CTRL + 1
EVP_PKEY_CTRL_RSA_KEYGEN_BITS = EVP_PKEY_ALG_CTRL + 3
_EVP_PKEY_RSA = 6
_EVP_PKEY_DSA = 116

# --- 1.0.2 struct prefixes (only the fields we read) ----------------------
# CRYPTO_add_lock lock ids (crypto.h, 1.0.2)
_CRYPTO_LOCK_X509 = 3
_CRYPTO_LOCK_EVP_PKEY = 10


class _X509_102(Structure):
    # struct x509_st { X509_CINF *cert_info; X509_ALGOR *sig_alg;
    #                  ASN1_BIT_STRING *signature; int valid; int references;
    _fields_ = [("cert_info", c_void_p), ("sig_alg", c_void_p),
                ("signature", c_void_p), ("valid", c_int),
                ("references", c_int)]


class _X509_CINF_102(Structure):
    _fields_ = [("version", c_void_p), ("serialNumber", c_void_p),
                ("signature", c_void_p), ("issuer", c_void_p),
                ("validity", c_void_p), ("subject", c_void_p)]


class _X509_VAL(Structure):
    _fields_ = [("notBefore", c_void_p), ("notAfter", c_void_p)]


class _EVP_PKEY_102(Structure):
    # struct evp_pkey_st { int type; int save_type; int references; ...
    _fields_ = [("type", c_int), ("save_type", c_int),
                ("references", c_int)]


class _ASN1_ENCODING(Structure):
    _fields_ = [("enc", c_void_p), ("len", c_long), ("modified", c_int)]


class _X509_REQ_102(Structure):
    _fields_ = [("req_info", c_void_p)]


class _X509_REQ_INFO_102(Structure):
    _fields_ = [("enc", _ASN1_ENCODING), ("version", c_void_p),
                ("subject", c_void_p)]


class EC_builtin_curve(Structure):
    """``EC_builtin_curve`` (public struct, same in every version)."""
    _fields_ = [("nid", c_int), ("comment", c_char_p)]


def _cinf(x509):
    return _X509_CINF_102.from_address(
        _X509_102.from_address(x509).cert_info)


def _validity_field(field):
    def factory(lib):
        def get(x509):
            return getattr(_X509_VAL.from_address(_cinf(x509).validity),
                           field)
        return get
    return factory


def _x509_get_version(lib):
    integer_get = lib.ASN1_INTEGER_get

    def X509_get_version(x509):
        version = _cinf(x509).version
        return integer_get(version) if version else 0
    return X509_get_version


def _req_info(req):
    return _X509_REQ_INFO_102.from_address(
        _X509_REQ_102.from_address(req).req_info)


def _x509_req_get_version(lib):
    integer_get = lib.ASN1_INTEGER_get

    def X509_REQ_get_version(req):
        version = _req_info(req).version
        return integer_get(version) if version else 0
    return X509_REQ_get_version


def _x509_req_get_subject_name(lib):
    def X509_REQ_get_subject_name(req):
        return _req_info(req).subject
    return X509_REQ_get_subject_name


def _up_ref(struct, lock):
    offset = struct.references.offset

    def factory(lib):
        add_lock = lib.CRYPTO_add_lock

        def up_ref(ptr):
            add_lock(ptr + offset, 1, lock, None, 0)
            return 1
        return up_ref
    return factory


def _ctx_ctrl(keytype, optype, cmd):
    def factory(lib):
        ctrl = lib.EVP_PKEY_CTX_ctrl

        def call(ctx, value):
            return ctrl(ctx, keytype, optype, cmd, value, None)
        return call
    return factory


def check_layouts(lib):
    """Verify the 1.0.2 struct layouts above against the loaded library.

    :return: ``None`` when they match (or on 1.1+, where none is used).
    :raises ImportError: when a layout does not match this build.
    """
    if lib.generation != G102:
        return
    problems = []
    x = lib.X509_new()
    try:
        if _X509_102.from_address(x).references != 1:
            problems.append("X509.references")
        lib.X509_set_version(x, 2)
        if lib.X509_get_version(x) != 2:
            problems.append("X509_CINF.version")
        if _cinf(x).subject != lib.X509_get_subject_name(x):
            problems.append("X509_CINF.subject")
        if _cinf(x).issuer != lib.X509_get_issuer_name(x):
            problems.append("X509_CINF.issuer")
    finally:
        lib.X509_free(x)
    pkey = lib.EVP_PKEY_new()
    try:
        if _EVP_PKEY_102.from_address(pkey).references != 1:
            problems.append("EVP_PKEY.references")
    finally:
        lib.EVP_PKEY_free(pkey)
    req = lib.X509_REQ_new()
    try:
        lib.X509_REQ_set_version(req, 3)
        if lib.X509_REQ_get_version(req) != 3:
            problems.append("X509_REQ_INFO.version")
    finally:
        lib.X509_REQ_free(req)
    lib.ERR_clear_error()
    if problems:
        raise ImportError("OpenSSL 1.0.2 struct layout mismatch (%s); "
                          "this build is not supported" % ", ".join(problems))


_P = c_void_p

DECLARATIONS = [
    # --- objects, ASN.1 strings, integers, times -------------------------
    Fn("OBJ_txt2nid", c_int, [c_char_p]),
    Fn("OBJ_nid2sn", c_char_p, [c_int]),
    Fn("OBJ_nid2ln", c_char_p, [c_int]),
    Fn("OBJ_obj2nid", c_int, [_P]),
    Fn("ASN1_STRING_length", c_int, [_P]),
    Fn("ASN1_STRING_type", c_int, [_P]),
    Fn("ASN1_STRING_get0_data", _P, [_P], gens=NEW),
    Fn("ASN1_STRING_get0_data", _P, [_P], gens=OLD,
       cnames=("ASN1_STRING_data",)),
    Fn("ASN1_STRING_to_UTF8", c_int, [POINTER(_P), _P]),
    Fn("ASN1_STRING_free", None, [_P]),
    # Named by the 16.0 changelog as ``crypto._lib.<this>(b"default")``.
    Fn("ASN1_STRING_set_default_mask_asc", c_int, [c_char_p]),
    Fn("ASN1_INTEGER_get", c_long, [_P]),
    Fn("ASN1_INTEGER_set", c_int, [_P, c_long]),
    Fn("ASN1_INTEGER_free", None, [_P]),
    Fn("ASN1_INTEGER_to_BN", _P, [_P, _P]),
    Fn("BN_to_ASN1_INTEGER", _P, [_P, _P]),
    Fn("BN_hex2bn", c_int, [POINTER(_P), c_char_p]),
    Fn("BN_bn2hex", _P, [_P]),
    Fn("BN_free", None, [_P]),
    Fn("ASN1_TIME_to_generalizedtime", _P, [_P, _P]),
    Fn("ASN1_GENERALIZEDTIME_set_string", c_int, [_P, c_char_p]),
    Fn("X509_gmtime_adj", _P, [_P, c_long]),
    Fn("X509_cmp_current_time", c_int, [_P]),

    # --- keys ------------------------------------------------------------
    Fn("EVP_PKEY_new", _P, []),
    Fn("EVP_PKEY_free", None, [_P]),
    Fn("EVP_PKEY_up_ref", c_int, [_P], gens=NEW),
    Fn("CRYPTO_add_lock", c_int, [_P, c_int, c_int, c_char_p, c_int],
       gens=OLD),
    Macro("EVP_PKEY_up_ref", _up_ref(_EVP_PKEY_102, _CRYPTO_LOCK_EVP_PKEY),
          gens=OLD),
    Fn("EVP_PKEY_base_id", c_int, [_P], gens=PRE3),
    Fn("EVP_PKEY_base_id", c_int, [_P], gens=V3,
       cnames=("EVP_PKEY_get_base_id",)),
    Fn("EVP_PKEY_bits", c_int, [_P], gens=PRE3),
    Fn("EVP_PKEY_bits", c_int, [_P], gens=V3, cnames=("EVP_PKEY_get_bits",)),
    Fn("EVP_PKEY_size", c_int, [_P], gens=PRE3),
    Fn("EVP_PKEY_size", c_int, [_P], gens=V3, cnames=("EVP_PKEY_get_size",)),
    Fn("EVP_PKEY_CTX_new_id", _P, [c_int, _P]),
    Fn("EVP_PKEY_CTX_new", _P, [_P, _P]),
    Fn("EVP_PKEY_CTX_free", None, [_P]),
    Fn("EVP_PKEY_CTX_ctrl", c_int, [_P, c_int, c_int, c_int, c_int, _P]),
    Fn("EVP_PKEY_keygen_init", c_int, [_P]),
    Fn("EVP_PKEY_keygen", c_int, [_P, POINTER(_P)]),
    Fn("EVP_PKEY_paramgen_init", c_int, [_P]),
    Fn("EVP_PKEY_paramgen", c_int, [_P, POINTER(_P)]),
    Macro("EVP_PKEY_CTX_set_rsa_keygen_bits",
          _ctx_ctrl(_EVP_PKEY_RSA, EVP_PKEY_OP_KEYGEN,
                    EVP_PKEY_CTRL_RSA_KEYGEN_BITS), gens=PRE3),
    Fn("EVP_PKEY_CTX_set_rsa_keygen_bits", c_int, [_P, c_int], gens=V3),
    Macro("EVP_PKEY_CTX_set_dsa_paramgen_bits",
          _ctx_ctrl(_EVP_PKEY_DSA, EVP_PKEY_OP_PARAMGEN,
                    EVP_PKEY_CTRL_DSA_PARAMGEN_BITS), gens=PRE3),
    Fn("EVP_PKEY_CTX_set_dsa_paramgen_bits", c_int, [_P, c_int], gens=V3),
    # PKey.check: RSA_check_key before 3.0, EVP_PKEY_check on 3.x
    Fn("EVP_PKEY_get1_RSA", _P, [_P], gens=PRE3),
    Fn("RSA_check_key", c_int, [_P], gens=PRE3),
    Fn("RSA_free", None, [_P], gens=PRE3),
    Fn("EVP_PKEY_check", c_int, [_P], gens=V3),
    Fn("EVP_PKEY_print_private", c_int, [_P, _P, c_int, _P]),

    # --- digests, ciphers, signatures ------------------------------------
    Fn("EVP_get_digestbyname", _P, [c_char_p]),
    Fn("EVP_get_cipherbyname", _P, [c_char_p]),
    Fn("EVP_MD_CTX_new", _P, [], gens=NEW),
    Fn("EVP_MD_CTX_new", _P, [], gens=OLD, cnames=("EVP_MD_CTX_create",)),
    Fn("EVP_MD_CTX_free", None, [_P], gens=NEW),
    Fn("EVP_MD_CTX_free", None, [_P], gens=OLD,
       cnames=("EVP_MD_CTX_destroy",)),
    Fn("EVP_DigestInit_ex", c_int, [_P, _P, _P]),
    Fn("EVP_DigestUpdate", c_int, [_P, c_char_p, c_size_t]),
    Fn("EVP_SignFinal", c_int, [_P, _P, POINTER(c_uint), _P]),
    Fn("EVP_VerifyFinal", c_int, [_P, c_char_p, c_uint, _P]),

    # --- certificates ----------------------------------------------------
    Fn("X509_new", _P, []),
    Fn("X509_free", None, [_P]),
    Fn("X509_dup", _P, [_P]),
    Fn("X509_up_ref", c_int, [_P], gens=NEW),
    Macro("X509_up_ref", _up_ref(_X509_102, _CRYPTO_LOCK_X509), gens=OLD),
    Fn("X509_set_version", c_int, [_P, c_long]),
    Fn("X509_get_version", c_long, [_P], gens=NEW),
    Macro("X509_get_version", _x509_get_version, gens=OLD),
    Fn("X509_get_serialNumber", _P, [_P]),
    Fn("X509_set_serialNumber", c_int, [_P, _P]),
    Fn("X509_get_subject_name", _P, [_P]),
    Fn("X509_get_issuer_name", _P, [_P]),
    Fn("X509_set_subject_name", c_int, [_P, _P]),
    Fn("X509_set_issuer_name", c_int, [_P, _P]),
    Fn("X509_get_pubkey", _P, [_P]),
    Fn("X509_set_pubkey", c_int, [_P, _P]),
    Fn("X509_getm_notBefore", _P, [_P], gens=NEW),
    Fn("X509_getm_notAfter", _P, [_P], gens=NEW),
    Macro("X509_getm_notBefore", _validity_field("notBefore"), gens=OLD),
    Macro("X509_getm_notAfter", _validity_field("notAfter"), gens=OLD),
    Fn("X509_sign", c_int, [_P, _P, _P]),
    Fn("X509_digest", c_int, [_P, _P, _P, POINTER(c_uint)]),
    Fn("X509_subject_name_hash", c_ulong, [_P]),
    Fn("X509_get_signature_nid", c_int, [_P]),
    Fn("X509_add_ext", c_int, [_P, _P, c_int]),
    Fn("X509_get_ext_count", c_int, [_P]),
    Fn("X509_get_ext", _P, [_P, c_int]),
    Fn("PEM_read_bio_X509", _P, [_P, _P, _P, _P]),
    Fn("PEM_write_bio_X509", c_int, [_P, _P]),
    Fn("d2i_X509_bio", _P, [_P, _P]),
    Fn("i2d_X509_bio", c_int, [_P, _P]),
    Fn("X509_print_ex", c_int, [_P, _P, c_ulong, c_ulong]),

    # --- names -----------------------------------------------------------
    Fn("X509_NAME_new", _P, []),
    Fn("X509_NAME_free", None, [_P]),
    Fn("X509_NAME_dup", _P, [_P]),
    Fn("X509_NAME_cmp", c_int, [_P, _P]),
    Fn("X509_NAME_hash", c_ulong, [_P], gens=PRE3),
    Fn("X509_NAME_hash_ex", c_ulong, [_P, _P, c_char_p, POINTER(c_int)],
       gens=V3),
    Fn("i2d_X509_NAME", c_int, [_P, POINTER(_P)]),
    Fn("X509_NAME_oneline", _P, [_P, _P, c_int]),
    Fn("X509_NAME_entry_count", c_int, [_P]),
    Fn("X509_NAME_get_entry", _P, [_P, c_int]),
    Fn("X509_NAME_delete_entry", _P, [_P, c_int]),
    Fn("X509_NAME_ENTRY_free", None, [_P]),
    Fn("X509_NAME_ENTRY_get_object", _P, [_P]),
    Fn("X509_NAME_ENTRY_get_data", _P, [_P]),
    Fn("X509_NAME_get_index_by_NID", c_int, [_P, c_int, c_int]),
    Fn("X509_NAME_add_entry_by_NID", c_int,
       [_P, c_int, c_int, c_char_p, c_int, c_int, c_int]),

    # --- requests --------------------------------------------------------
    Fn("X509_REQ_new", _P, []),
    Fn("X509_REQ_free", None, [_P]),
    Fn("X509_REQ_set_version", c_int, [_P, c_long]),
    Fn("X509_REQ_get_version", c_long, [_P], gens=NEW),
    Macro("X509_REQ_get_version", _x509_req_get_version, gens=OLD),
    Fn("X509_REQ_get_subject_name", _P, [_P], gens=NEW),
    Macro("X509_REQ_get_subject_name", _x509_req_get_subject_name,
          gens=OLD),
    Fn("X509_REQ_set_subject_name", c_int, [_P, _P]),
    Fn("X509_REQ_get_pubkey", _P, [_P]),
    Fn("X509_REQ_set_pubkey", c_int, [_P, _P]),
    Fn("X509_REQ_add_extensions", c_int, [_P, _P]),
    Fn("X509_REQ_get_extensions", _P, [_P]),
    Fn("X509_REQ_sign", c_int, [_P, _P, _P]),
    Fn("X509_REQ_verify", c_int, [_P, _P]),
    Fn("PEM_read_bio_X509_REQ", _P, [_P, _P, _P, _P]),
    Fn("PEM_write_bio_X509_REQ", c_int, [_P, _P]),
    Fn("d2i_X509_REQ_bio", _P, [_P, _P]),
    Fn("i2d_X509_REQ_bio", c_int, [_P, _P]),
    Fn("X509_REQ_print_ex", c_int, [_P, _P, c_ulong, c_ulong]),

    # --- extensions ------------------------------------------------------
    Fn("X509V3_set_ctx", None, [_P, _P, _P, _P, _P, c_int]),
    Fn("X509V3_EXT_nconf", _P, [_P, _P, c_char_p, c_char_p]),
    Fn("X509V3_EXT_print", c_int, [_P, _P, c_ulong, c_int]),
    Fn("X509V3_EXT_d2i", _P, [_P]),
    Fn("X509_EXTENSION_free", None, [_P]),
    Fn("X509_EXTENSION_dup", _P, [_P]),
    Fn("X509_EXTENSION_get_critical", c_int, [_P]),
    Fn("X509_EXTENSION_get_object", _P, [_P]),
    Fn("X509_EXTENSION_get_data", _P, [_P]),
    Fn("GENERAL_NAMES_free", None, [_P]),
    Fn("GENERAL_NAME_print", c_int, [_P, _P]),

    # --- key serialization -----------------------------------------------
    Fn("PEM_read_bio_PrivateKey", _P, [_P, _P, _P, _P]),
    Fn("PEM_write_bio_PrivateKey", c_int,
       [_P, _P, _P, c_char_p, c_int, _P, _P]),
    Fn("d2i_PrivateKey_bio", _P, [_P, _P]),
    Fn("i2d_PrivateKey_bio", c_int, [_P, _P]),
    Fn("i2d_PKCS8PrivateKey_bio", c_int,
       [_P, _P, _P, c_char_p, c_int, _P, _P]),
    Fn("PEM_read_bio_PUBKEY", _P, [_P, _P, _P, _P]),
    Fn("PEM_write_bio_PUBKEY", c_int, [_P, _P]),
    Fn("d2i_PUBKEY_bio", _P, [_P, _P]),
    Fn("i2d_PUBKEY_bio", c_int, [_P, _P]),

    # --- curves ----------------------------------------------------------
    Fn("EC_get_builtin_curves", c_size_t, [_P, c_size_t]),

    # --- constants (identical in every generation unless noted) -----------
    Const.same("EVP_PKEY_RSA", 6),
    Const.same("EVP_PKEY_DSA", 116),
    Const.same("EVP_PKEY_DH", 28),
    Const.same("EVP_PKEY_EC", 408),
    Const.same("NID_undef", 0),
    Const.same("NID_subject_alt_name", 85),
    Const.same("MBSTRING_UTF8", 0x1000),
    Const.same("V_ASN1_GENERALIZEDTIME", 24),
    Const.same("EVP_MAX_MD_SIZE", 64),
    Const.same("GEN_EMAIL", 1),
    Const.same("GEN_DNS", 2),
    Const.same("GEN_URI", 6),
]
