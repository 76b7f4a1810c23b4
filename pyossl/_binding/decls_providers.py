"""The table's providers-and-trust section: OpenSSL 3 library contexts and
providers, FIPS mode, and the default trust locations.

Used by :mod:`pyossl._runtime.providers` (the scoped "legacy" provider for
PKCS #12, the diagnostics of :func:`pyossl.openssl_info`).
"""

from ctypes import CFUNCTYPE, c_char_p, c_int, c_void_p

from .records import Fn

# int (*cb)(OSSL_PROVIDER *provider, void *cbdata) for OSSL_PROVIDER_do_all
PROVIDER_CB = CFUNCTYPE(c_int, c_void_p, c_void_p)

DECLARATIONS = [
    # OpenSSL 3 library contexts and providers (OSSL_PROVIDER_load and
    # OSSL_PROVIDER_available are in the core section).
    Fn("OSSL_LIB_CTX_new", c_void_p, [], since="3.0"),
    Fn("OSSL_LIB_CTX_set0_default", c_void_p, [c_void_p], since="3.0"),
    Fn("OSSL_PROVIDER_do_all", c_int, [c_void_p, c_void_p, c_void_p],
       since="3.0"),
    Fn("OSSL_PROVIDER_get0_name", c_char_p, [c_void_p], since="3.0"),
    # FIPS mode: a property of the library context in 3.x; before, of the
    # process, and only in builds made with the FIPS module (1.0.2) --
    # 1.1.x keeps the symbol (always 0) in builds with deprecated APIs.
    Fn("EVP_default_properties_is_fips_enabled", c_int, [c_void_p], since="3.0"),
    Fn("FIPS_mode", c_int, [], until="3.0", optional=True),
    # where this build looks for trusted certificates by default
    Fn("X509_get_default_cert_file", c_char_p, []),
    Fn("X509_get_default_cert_dir", c_char_p, []),
    Fn("X509_get_default_cert_file_env", c_char_p, []),
    Fn("X509_get_default_cert_dir_env", c_char_p, []),
]

