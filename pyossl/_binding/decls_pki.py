"""Declarations for the ``pki`` area (crypto part 2: store, CRL, PKCS7, PKCS12, SPKI) (part of the one table in _ffi_decls).

Add records here: Fn(name, restype, argtypes, lib=..., gens=..., cnames=...,
optional=...), Macro(name, factory, gens) and Const(name, {gen: value}).

Struct access
    A few accessors are macros over public struct fields: on 1.0.2 the CRL
    issuer and revoked list and the revoked entry's serial and date (1.1.0
    exports functions for all of them), and ``PKCS7_type_is_*`` in every
    version.  The layouts are mirrored below by pointer-prefix ctypes
    structures (leading fields only; every field a pointer or an integer
    spelled with its C type), and :data:`OFFSETS` records the byte offsets
    probed on LP64 Linux.  The 1.0.2 readers refuse to run on any other data
    model; ``tests/test_pki_*`` checks that the structures give the probed
    offsets.
"""

import ctypes
from ctypes import (POINTER, Structure, c_char_p, c_int, c_int64, c_long,  # noqa: F401
                    c_size_t, c_ulong, c_void_p)

from ._declare import ALL, G102, G11, G3, NEW, OLD, PRE3, V3, Const, Fn, Macro  # noqa: F401


# --- struct layouts ---------------------------------------------------------

class PKCS7Head(Structure):
    """``struct pkcs7_st`` (every version; not opaque even in 3.x)."""
    _fields_ = [("asn1", c_void_p), ("length", c_long), ("state", c_int),
                ("detached", c_int), ("type", c_void_p)]


class X509CRL102(Structure):
    """1.0.2 ``struct X509_crl_st`` (leading fields)."""
    _fields_ = [("crl", c_void_p), ("sig_alg", c_void_p),
                ("signature", c_void_p)]


class X509CRLInfo102(Structure):
    """1.0.2 ``X509_CRL_INFO`` (leading fields)."""
    _fields_ = [("version", c_void_p), ("sig_alg", c_void_p),
                ("issuer", c_void_p), ("lastUpdate", c_void_p),
                ("nextUpdate", c_void_p), ("revoked", c_void_p)]


class X509Revoked102(Structure):
    """1.0.2 ``struct x509_revoked_st`` (leading fields)."""
    _fields_ = [("serialNumber", c_void_p), ("revocationDate", c_void_p)]


# (struct, field) -> byte offset on LP64 (pointer 8 bytes, long 8 bytes).
OFFSETS = {
    ("PKCS7", "type"): 24,
    ("X509_CRL", "crl"): 0,
    ("X509_CRL_INFO", "issuer"): 16,
    ("X509_CRL_INFO", "revoked"): 40,
    ("X509_REVOKED", "serialNumber"): 0,
    ("X509_REVOKED", "revocationDate"): 8,
}

LP64 = ctypes.sizeof(c_void_p) == 8 and ctypes.sizeof(c_long) == 8


def _field(offset):
    """Read the pointer stored *offset* bytes into the struct at *ptr*."""
    def read(ptr):
        if not ptr:
            return None
        return c_void_p.from_address(ptr + offset).value
    return read


def _lp64_reader(struct_name, field):
    offset = OFFSETS[(struct_name, field)]

    def factory(lib):
        if not LP64:
            def unsupported(ptr):
                raise NotImplementedError(
                    "reading %s.%s of OpenSSL 1.0.2 needs an LP64 platform"
                    % (struct_name, field))
            return unsupported
        return _field(offset)
    return factory


def _crl_info_reader(field):
    crl_off = OFFSETS[("X509_CRL", "crl")]
    off = OFFSETS[("X509_CRL_INFO", field)]

    def factory(lib):
        if not LP64:
            return _lp64_reader("X509_CRL_INFO", field)(lib)
        info = _field(crl_off)
        value = _field(off)

        def read(crl):
            return value(info(crl))
        return read
    return factory


def _pkcs7_type_nid(lib):
    obj2nid = lib.OBJ_obj2nid
    offset = PKCS7Head.type.offset

    def PKCS7_type_nid(p7):
        """``OBJ_obj2nid(p7->type)``: what the ``PKCS7_type_is_*`` macros do."""
        obj = c_void_p.from_address(p7 + offset).value
        if not obj:
            return 0            # NID_undef
        return obj2nid(obj)
    return PKCS7_type_nid


def _pkcs7_type_is(nid):
    def factory(lib):
        get = lib.PKCS7_type_nid

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
    Fn("X509_CRL_get_issuer", c_void_p, [c_void_p], gens=NEW),
    Macro("X509_CRL_get_issuer", _crl_info_reader("issuer"), gens=OLD),
    Fn("X509_CRL_get_REVOKED", c_void_p, [c_void_p], gens=NEW),
    Macro("X509_CRL_get_REVOKED", _crl_info_reader("revoked"), gens=OLD),
    Fn("X509_CRL_set_issuer_name", c_int, [c_void_p, c_void_p]),
    Fn("X509_CRL_set_version", c_int, [c_void_p, c_long]),
    # both copy the time they are given
    Fn("X509_CRL_set1_lastUpdate", c_int, [c_void_p, c_void_p], gens=NEW),
    Fn("X509_CRL_set1_lastUpdate", c_int, [c_void_p, c_void_p], gens=OLD,
       cnames=("X509_CRL_set_lastUpdate",)),
    Fn("X509_CRL_set1_nextUpdate", c_int, [c_void_p, c_void_p], gens=NEW),
    Fn("X509_CRL_set1_nextUpdate", c_int, [c_void_p, c_void_p], gens=OLD,
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
    Fn("X509_REVOKED_get0_serialNumber", c_void_p, [c_void_p], gens=NEW),
    Macro("X509_REVOKED_get0_serialNumber",
          _lp64_reader("X509_REVOKED", "serialNumber"), gens=OLD),
    Fn("X509_REVOKED_get0_revocationDate", c_void_p, [c_void_p], gens=NEW),
    Macro("X509_REVOKED_get0_revocationDate",
          _lp64_reader("X509_REVOKED", "revocationDate"), gens=OLD),
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
    Macro("PKCS7_type_nid", _pkcs7_type_nid),
    Macro("PKCS7_type_is_signed", _pkcs7_type_is(22)),
    Macro("PKCS7_type_is_enveloped", _pkcs7_type_is(23)),
    Macro("PKCS7_type_is_signedAndEnveloped", _pkcs7_type_is(24)),
    Macro("PKCS7_type_is_data", _pkcs7_type_is(21)),
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
    Const.same("ERR_R_UNSUPPORTED", 268 | (0x2 << 18), V3),
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
    # 1.1.0 removed the issuer-check callback and made the flag 0
    Const("X509_V_FLAG_CB_ISSUER_CHECK", {G102: 0x1, G11: 0x0, G3: 0x0}),
    # before 1.1.0i, adding a certificate already in a store failed with
    # this (ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE)
    Const.same("ERR_LIB_X509", 11, PRE3),
    Const.same("X509_R_CERT_ALREADY_IN_HASH_TABLE", 101, PRE3),
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
