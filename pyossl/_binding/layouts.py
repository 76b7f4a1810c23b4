"""Every C struct layout and union pyossl reads, in one place, verified once
at load.

OpenSSL 1.1.0 made most structs opaque and added accessor functions; 1.0.2
exposes several accessors only as macros over public struct fields.  Where
pyossl needs such a field it mirrors the struct here as a ctypes
``Structure`` holding only the leading fields (so ctypes computes the
offsets for the platform's data model), the table's ``Macro`` records use
the readers below, and :func:`verify` checks each layout against the
running library before anything else uses it: a mismatch makes the load
fail with ``ImportError`` (or, for the optional 1.0.2 ``ssl_st`` readers,
makes them report "not available").

No other module reads a struct field by offset.
"""

import ctypes
import sys
from ctypes import (Structure, byref, c_char_p, c_int, c_long, c_ubyte,
                    c_uint, c_void_p, string_at)

# ------------------------------------------------------- public structs --


class EC_builtin_curve(Structure):
    """``EC_builtin_curve`` (public, the same in every version)."""
    _fields_ = [("nid", c_int), ("comment", c_char_p)]


class GENERAL_NAME(Structure):
    """``GENERAL_NAME``: ``{int type; union {ASN1_IA5STRING *ia5; ...} d}``.

    Every member of the union is a pointer, so ``d`` is one ``void *``.
    """
    _fields_ = [("type", c_int), ("d", c_void_p)]


class PKCS7Head(Structure):
    """``struct pkcs7_st`` (every version; not opaque even in 3.x)."""
    _fields_ = [("asn1", c_void_p), ("length", c_long), ("state", c_int),
                ("detached", c_int), ("type", c_void_p)]


class ASN1_STRING(Structure):
    """``struct asn1_string_st``: ``{int length; int type; unsigned char
    *data; long flags}`` (public and the same in every version; ASN1_TIME,
    ASN1_INTEGER and the string types are all this struct).  Read by
    :func:`asn1_string_head` instead of three accessor calls; verified at
    load by :func:`verify` (on a mismatch the reader is ``None`` and the
    callers use ``ASN1_STRING_length``/``_type``/``_get0_data``)."""
    _fields_ = [("length", c_int), ("type", c_int), ("data", c_void_p)]


# ASN1_STRING.from_address when the layout matched this build, else None.
_asn1_layout = {"reader": None}


def asn1_string_head():
    """``reader(ptr) -> ASN1_STRING`` (``.length``, ``.type``, ``.data`` of
    the ``ASN1_STRING*`` *ptr*, read in place), or ``None`` when the layout
    did not verify on this build.  Call after :func:`verify` (the load)."""
    return _asn1_layout["reader"]


# X509V3_CTX is a public struct that grew over the versions (3.0 appended
# fields) and is only ever filled by X509V3_set_ctx: a zeroed buffer this
# large covers every layout, and zero is what X509V3_set_ctx_nodb would
# write into ``db``.
X509V3_CTX_SIZE = 256


def new_x509v3_ctx():
    """A zeroed buffer to pass as ``X509V3_CTX *``."""
    return ctypes.create_string_buffer(X509V3_CTX_SIZE)


class SRTP_PROTECTION_PROFILE(Structure):
    """``SRTP_PROTECTION_PROFILE`` (public, every version)."""
    _fields_ = [("name", c_char_p), ("id", ctypes.c_ulong)]


def srtp_profile_name(lib):
    """``lib.SSL_get_selected_srtp_profile_name(ssl)``: the name of the
    negotiated SRTP profile (``bytes``), or ``b""``."""
    selected = lib.SSL_get_selected_srtp_profile

    def SSL_get_selected_srtp_profile_name(ssl):
        profile = selected(ssl)
        if not profile:
            return b""
        return SRTP_PROTECTION_PROFILE.from_address(profile).name or b""
    return SSL_get_selected_srtp_profile_name


if sys.platform == "win32":
    _time_t = c_long                    # winsock's timeval: two longs
else:
    _time_t = getattr(ctypes, "c_time_t", c_long)    # 3.12+ knows time_t


class TIMEVAL(Structure):
    """``struct timeval`` (POSIX ``time_t``/``suseconds_t``; winsock's
    two ``long`` on Windows)."""
    _fields_ = [("tv_sec", _time_t), ("tv_usec", c_long)]


def dtls_get_timeout(cmd):
    """``lib.DTLSv1_get_timeout(ssl)``: seconds (a ``float``) left on the
    DTLS retransmission timer, or ``None`` when no timer runs (the C macro
    fills a ``struct timeval``)."""
    def factory(lib):
        ctrl = lib.SSL_ctrl

        def DTLSv1_get_timeout(ssl):
            tv = TIMEVAL()
            if ctrl(ssl, cmd, 0, byref(tv)) != 1:
                return None
            return tv.tv_sec + tv.tv_usec / 1000000.0
        return DTLSv1_get_timeout
    return factory


def new_sockaddr():
    """A zeroed ``struct sockaddr_storage``-sized buffer (128 bytes, its
    size on every platform) for a C function that writes an address."""
    return ctypes.create_string_buffer(128)


# --------------------------------------------------- 1.0.2 struct prefixes --

# CRYPTO_add_lock lock ids (crypto.h, 1.0.2)
CRYPTO_LOCK_X509 = 3
CRYPTO_LOCK_EVP_PKEY = 10


class X509_102(Structure):
    # struct x509_st { X509_CINF *cert_info; X509_ALGOR *sig_alg;
    #                  ASN1_BIT_STRING *signature; int valid; int references;
    _fields_ = [("cert_info", c_void_p), ("sig_alg", c_void_p),
                ("signature", c_void_p), ("valid", c_int),
                ("references", c_int)]


class X509_CINF_102(Structure):
    _fields_ = [("version", c_void_p), ("serialNumber", c_void_p),
                ("signature", c_void_p), ("issuer", c_void_p),
                ("validity", c_void_p), ("subject", c_void_p)]


class X509_VAL(Structure):
    _fields_ = [("notBefore", c_void_p), ("notAfter", c_void_p)]


class EVP_PKEY_102(Structure):
    # struct evp_pkey_st { int type; int save_type; int references; ...
    _fields_ = [("type", c_int), ("save_type", c_int),
                ("references", c_int)]


class ASN1_ENCODING(Structure):
    _fields_ = [("enc", c_void_p), ("len", c_long), ("modified", c_int)]


class X509_REQ_102(Structure):
    _fields_ = [("req_info", c_void_p)]


class X509_REQ_INFO_102(Structure):
    _fields_ = [("enc", ASN1_ENCODING), ("version", c_void_p),
                ("subject", c_void_p)]


class X509_CRL_102(Structure):
    _fields_ = [("crl", c_void_p), ("sig_alg", c_void_p),
                ("signature", c_void_p)]


class X509_CRL_INFO_102(Structure):
    _fields_ = [("version", c_void_p), ("sig_alg", c_void_p),
                ("issuer", c_void_p), ("lastUpdate", c_void_p),
                ("nextUpdate", c_void_p), ("revoked", c_void_p)]


class X509_REVOKED_102(Structure):
    _fields_ = [("serialNumber", c_void_p), ("revocationDate", c_void_p)]


class SSL_102(Structure):
    """1.0.2 ``struct ssl_st`` up to ``s3``."""
    _fields_ = [("version", c_int), ("type", c_int), ("method", c_void_p),
                ("rbio", c_void_p), ("wbio", c_void_p), ("bbio", c_void_p),
                ("rwstate", c_int), ("in_handshake", c_int),
                ("handshake_func", c_void_p), ("server", c_int),
                ("new_session", c_int), ("quiet_shutdown", c_int),
                ("shutdown", c_int), ("state", c_int), ("rstate", c_int),
                ("init_buf", c_void_p), ("init_msg", c_void_p),
                ("init_num", c_int), ("init_off", c_int),
                ("packet", c_void_p), ("packet_length", c_uint),
                ("s2", c_void_p), ("s3", c_void_p)]


_EVP_MAX_MD_SIZE = 64
_SSL3_RANDOM_SIZE = 32


class SSL3_STATE_102(Structure):
    """1.0.2 ``struct ssl3_state_st`` up to ``client_random``."""
    _fields_ = [("flags", c_long), ("delay_buf_pop_ret", c_int),
                ("read_sequence", c_ubyte * 8),
                ("read_mac_secret_size", c_int),
                ("read_mac_secret", c_ubyte * _EVP_MAX_MD_SIZE),
                ("write_sequence", c_ubyte * 8),
                ("write_mac_secret_size", c_int),
                ("write_mac_secret", c_ubyte * _EVP_MAX_MD_SIZE),
                ("server_random", c_ubyte * _SSL3_RANDOM_SIZE),
                ("client_random", c_ubyte * _SSL3_RANDOM_SIZE)]


def _cinf(x509):
    return X509_CINF_102.from_address(X509_102.from_address(x509).cert_info)


def _req_info(req):
    return X509_REQ_INFO_102.from_address(
        X509_REQ_102.from_address(req).req_info)


def _crl_info(crl):
    return X509_CRL_INFO_102.from_address(X509_CRL_102.from_address(crl).crl)


# ------------------------------------------- readers for Macro records --
# Each is a Macro factory: factory(lib) -> the function bound as lib.<name>.

def validity_field(field):
    """``X509_getm_notBefore``/``notAfter`` on 1.0.2."""
    def factory(lib):
        def get(x509):
            return getattr(X509_VAL.from_address(_cinf(x509).validity),
                           field)
        return get
    return factory


def x509_get_version(lib):
    integer_get = lib.ASN1_INTEGER_get

    def X509_get_version(x509):
        version = _cinf(x509).version
        return integer_get(version) if version else 0
    return X509_get_version


def x509_req_get_version(lib):
    integer_get = lib.ASN1_INTEGER_get

    def X509_REQ_get_version(req):
        version = _req_info(req).version
        return integer_get(version) if version else 0
    return X509_REQ_get_version


def x509_req_get_subject_name(lib):
    def X509_REQ_get_subject_name(req):
        return _req_info(req).subject
    return X509_REQ_get_subject_name


def crl_info_field(field):
    """``X509_CRL_get_issuer``/``X509_CRL_get_REVOKED`` on 1.0.2."""
    def factory(lib):
        def read(crl):
            return getattr(_crl_info(crl), field)
        return read
    return factory


def revoked_field(field):
    """``X509_REVOKED_get0_serialNumber``/``..._revocationDate`` (1.0.2)."""
    def factory(lib):
        def read(revoked):
            if not revoked:
                return None
            return getattr(X509_REVOKED_102.from_address(revoked), field)
        return read
    return factory


def up_ref(struct, lock_name):
    """``X509_up_ref``/``EVP_PKEY_up_ref`` on 1.0.2:
    ``CRYPTO_add_lock(&obj->references, 1, lock)``, what 1.0.2 itself does
    wherever it shares such an object."""
    offset = struct.references.offset
    lock = globals()[lock_name]

    def factory(lib):
        add_lock = lib.CRYPTO_add_lock

        def up_ref(ptr):
            add_lock(ptr + offset, 1, lock, None, 0)
            return 1
        return up_ref
    return factory


def pkcs7_type_nid(lib):
    obj2nid = lib.OBJ_obj2nid
    offset = PKCS7Head.type.offset

    def PKCS7_type_nid(p7):
        """``OBJ_obj2nid(p7->type)``: what the ``PKCS7_type_is_*`` macros
        do."""
        obj = c_void_p.from_address(p7 + offset).value
        if not obj:
            return 0            # NID_undef
        return obj2nid(obj)
    return PKCS7_type_nid


def general_name(ptr):
    """The :class:`GENERAL_NAME` at address *ptr*."""
    return GENERAL_NAME.from_address(ptr)


# 1.0.2 ssl_st/ssl3_state_st: verified at load by verify(); when they do
# not match this build the readers report "no value" (0 bytes).
_ssl_layout = {"ok": False}


def ssl3_random(field):
    """``SSL_get_client_random``/``SSL_get_server_random`` for 1.0.2, with
    the signature of the 1.1.0 functions (``size_t f(ssl, out, outlen)``)."""
    offset = getattr(SSL3_STATE_102, field).offset

    def factory(lib):
        def read(ssl, out, outlen):
            if not _ssl_layout["ok"] or not ssl:
                return 0
            s3 = SSL_102.from_address(ssl).s3
            if not s3:
                return 0
            if not outlen:
                return _SSL3_RANDOM_SIZE
            size = min(outlen, _SSL3_RANDOM_SIZE)
            ctypes.memmove(out, s3 + offset, size)
            return size
        return read
    return factory


# ------------------------------------------------------------ verification --

def _check_102_crypto(lib, problems):
    x = lib.X509_new()
    try:
        if X509_102.from_address(x).references != 1:
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
        if EVP_PKEY_102.from_address(pkey).references != 1:
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


def _check_102_crl(lib, problems):
    crl = lib.X509_CRL_new()
    name = lib.X509_NAME_new()
    revoked = lib.X509_REVOKED_new()
    serial = lib.ASN1_INTEGER_new()
    when = lib.ASN1_TIME_new()
    try:
        lib.X509_NAME_add_entry_by_NID(name, lib.NID_commonName,
                                       lib.MBSTRING_UTF8, b"layout", -1, -1,
                                       0)
        lib.X509_CRL_set_issuer_name(crl, name)
        issuer = lib.X509_CRL_get_issuer(crl)
        if not issuer or lib.X509_NAME_cmp(issuer, name) != 0:
            problems.append("X509_CRL_INFO.issuer")
        lib.ASN1_INTEGER_set(serial, 0x1234)
        lib.X509_REVOKED_set_serialNumber(revoked, serial)
        got = lib.X509_REVOKED_get0_serialNumber(revoked)
        if not got or lib.ASN1_INTEGER_get(got) != 0x1234:
            problems.append("X509_REVOKED.serialNumber")
        lib.X509_gmtime_adj(when, 0)
        lib.X509_REVOKED_set_revocationDate(revoked, when)
        got = lib.X509_REVOKED_get0_revocationDate(revoked)
        if not got or lib.ASN1_STRING_length(got) != \
                lib.ASN1_STRING_length(when):
            problems.append("X509_REVOKED.revocationDate")
        if lib.X509_CRL_add0_revoked(crl, revoked):
            revoked = None              # the CRL owns it now
            stack = lib.X509_CRL_get_REVOKED(crl)
            if not stack or lib.sk_num(stack) != 1:
                problems.append("X509_CRL_INFO.revoked")
    finally:
        lib.ASN1_TIME_free(when)
        lib.ASN1_INTEGER_free(serial)
        if revoked:
            lib.X509_REVOKED_free(revoked)
        lib.X509_NAME_free(name)
        lib.X509_CRL_free(crl)


def _check_102_ssl(lib):
    """Whether ssl_st/ssl3_state_st match: the fields that have accessors
    are compared with them, and the client random with the one in the
    ClientHello the SSL object writes."""
    ctx = lib.SSL_CTX_new(lib.SSLv23_client_method())
    if not ctx:
        return False
    ssl = None
    try:
        ssl = lib.SSL_new(ctx)
        rbio = lib.BIO_new(lib.BIO_s_mem())
        wbio = lib.BIO_new(lib.BIO_s_mem())
        lib.SSL_set_bio(ssl, rbio, wbio)
        lib.SSL_set_connect_state(ssl)
        lib.SSL_do_handshake(ssl)      # writes the ClientHello, then waits
        head = SSL_102.from_address(ssl)
        if (head.version != lib.SSL_version(ssl)
                or head.rbio != lib.SSL_get_rbio(ssl)
                or head.state != lib.SSL_state(ssl) or not head.s3):
            return False
        data = c_void_p()
        size = lib.BIO_get_mem_data(wbio, byref(data))
        # record header (5) + handshake header (4) + client_version (2)
        if size < 43 or not data.value:
            return False
        hello_random = string_at(data.value + 11, _SSL3_RANDOM_SIZE)
        state = SSL3_STATE_102.from_address(head.s3)
        return bytes(state.client_random) == hello_random
    finally:
        if ssl:
            lib.SSL_free(ssl)
        lib.SSL_CTX_free(ctx)


def _check_general_name(lib, problems):
    """GENERAL_NAME and X509V3_CTX, through a subjectAltName made by
    OpenSSL (every version)."""
    ctx = new_x509v3_ctx()
    lib.X509V3_set_ctx(ctx, None, None, None, None, 0)
    ext = lib.X509V3_EXT_nconf(None, ctx, b"subjectAltName",
                               b"DNS:layout.test")
    if not ext:
        problems.append("X509V3_CTX")
        return
    try:
        names = lib.X509V3_EXT_d2i(ext)
        if not names:
            problems.append("GENERAL_NAMES")
            return
        try:
            gen = general_name(lib.sk_value(names, 0))
            ok = (gen.type == lib.GEN_DNS and gen.d and string_at(
                lib.ASN1_STRING_get0_data(gen.d),
                lib.ASN1_STRING_length(gen.d)) == b"layout.test")
            if not ok:
                problems.append("GENERAL_NAME")
        finally:
            lib.GENERAL_NAMES_free(names)
    finally:
        lib.X509_EXTENSION_free(ext)


def _check_asn1_string(lib):
    """Whether :class:`ASN1_STRING` matches: a GeneralizedTime and a
    UTCTime set by OpenSSL, read both ways."""
    when = lib.ASN1_TIME_new()
    if not when:
        return False
    try:
        for kind, setter in (
                (23, lambda: lib.X509_gmtime_adj(when, 0)),     # UTCTime
                (24, lambda: lib.ASN1_GENERALIZEDTIME_set_string(
                    when, b"20200102030405Z"))):
            if not setter():
                return False
            head = ASN1_STRING.from_address(when)
            length = lib.ASN1_STRING_length(when)
            data = lib.ASN1_STRING_get0_data(when)
            if (head.length != length or length < 13 or head.type != kind
                    or head.type != lib.ASN1_STRING_type(when)
                    or head.data != data
                    or string_at(head.data, length)
                    != string_at(data, length)):
                return False
        return True
    finally:
        lib.ASN1_TIME_free(when)


def verify(lib):
    """Check every layout this build uses against it (once, at load).

    :return: the names of the layouts checked.
    :raises ImportError: when a layout pyossl cannot do without does not
        match this build.
    """
    problems = []
    checked = ["GENERAL_NAME", "X509V3_CTX", "PKCS7"]
    _check_general_name(lib, problems)
    try:
        ok = _check_asn1_string(lib)
    except (OSError, ValueError):        # pragma: no cover
        ok = False
    _asn1_layout["reader"] = ASN1_STRING.from_address if ok else None
    if ok:
        checked.append("ASN1_STRING")
    if lib.generation == 0:
        _check_102_crypto(lib, problems)
        _check_102_crl(lib, problems)
        checked += ["X509", "X509_CINF", "EVP_PKEY", "X509_REQ_INFO",
                    "X509_CRL_INFO", "X509_REVOKED"]
        try:
            _ssl_layout["ok"] = bool(_check_102_ssl(lib))
        except (OSError, ValueError):        # pragma: no cover
            _ssl_layout["ok"] = False
        if _ssl_layout["ok"]:
            checked.append("ssl_st")
    lib.ERR_clear_error()
    if problems:
        raise ImportError("OpenSSL struct layout mismatch (%s) in %s; this "
                          "build is not supported"
                          % (", ".join(problems), lib.describe()))
    return checked


__all__ = ["ASN1_STRING", "EC_builtin_curve", "GENERAL_NAME", "PKCS7Head",
           "asn1_string_head",
           "X509V3_CTX_SIZE", "new_x509v3_ctx", "general_name", "verify"]
