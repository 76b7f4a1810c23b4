"""Generic cryptographic module: keys, certificates, names, requests,
extensions, serialization, signatures, elliptic curves, trust stores and
verification, CRLs, PKCS #7, PKCS #12 and Netscape SPKI.

pyOpenSSL's ``OpenSSL.crypto`` over ctypes.  Every C handle has one Python
owner; objects that view part of another (an :class:`X509Name` from
:meth:`X509.get_subject`) keep their owner alive.  Where pyossl deliberately
differs from pyOpenSSL 16.1 is listed in :doc:`/differences`.

This module only gathers the public names; the code lives in
``pyossl/_crypto/`` (one module per concept, see ``docs/internals.rst``).
Importing it loads nothing: each name is imported from the module that
provides it when it is first used (``pyossl/_facade.py``), and OpenSSL is
loaded then.
"""

from ._facade import lazy_module as _lazy_module

TYPE_CHECKING = False    # typing.TYPE_CHECKING, without importing typing

if TYPE_CHECKING:
    # What the names are, for type checkers (at run time: _lazy_module).
    from ._crypto.certificates import X509, X509Req
    from ._crypto.common import (FILETYPE_ASN1, FILETYPE_PEM, FILETYPE_TEXT,
                                 Error)
    from ._crypto.crls import CRL, Revoked, dump_crl, load_crl
    from ._crypto.extensions import X509Extension
    from ._crypto.keys import (TYPE_DH, TYPE_DSA, TYPE_EC, TYPE_RSA, PKey,
                               _EllipticCurve, get_elliptic_curve,
                               get_elliptic_curves)
    from ._crypto.names import X509Name
    from ._crypto.pkcs7 import PKCS7, load_pkcs7_data
    from ._crypto.pkcs12 import PKCS12, load_pkcs12
    from ._crypto.serialization import (dump_certificate,
                                        dump_certificate_request,
                                        dump_privatekey, dump_publickey,
                                        load_certificate,
                                        load_certificate_request,
                                        load_privatekey, load_publickey)
    from ._crypto.signatures import sign, verify
    from ._crypto.spki import NetscapeSPKI
    from ._crypto.stores import (X509Store, X509StoreContext,
                                 X509StoreContextError, X509StoreFlags)
    from ._loader import Lib

    #: The bound C library, under the private name pyOpenSSL's 16.0
    #: changelog tells users to reach for
    #: (``crypto._lib.ASN1_STRING_set_default_mask_asc``).  Raw C
    #: functions: no argument checks, no error translation.
    _lib: Lib

    # The old ``*Type`` aliases of pyOpenSSL.
    PKeyType = PKey
    X509NameType = X509Name
    X509ExtensionType = X509Extension
    X509Type = X509
    X509ReqType = X509Req
    X509StoreType = X509Store
    CRLType = CRL
    PKCS7Type = PKCS7
    PKCS12Type = PKCS12
    NetscapeSPKIType = NetscapeSPKI

__all__ = [
    # errors and file types
    "Error", "FILETYPE_PEM", "FILETYPE_ASN1", "FILETYPE_TEXT",
    # keys and curves
    "TYPE_RSA", "TYPE_DSA", "TYPE_DH", "TYPE_EC", "PKey", "PKeyType",
    "get_elliptic_curves", "get_elliptic_curve",
    # names, extensions, certificates, requests
    "X509Name", "X509NameType", "X509Extension", "X509ExtensionType",
    "X509", "X509Type", "X509Req", "X509ReqType",
    # serialization
    "load_certificate", "dump_certificate", "load_certificate_request",
    "dump_certificate_request", "load_privatekey", "dump_privatekey",
    "load_publickey", "dump_publickey",
    # signatures
    "sign", "verify",
    # stores and verification
    "X509Store", "X509StoreType", "X509StoreFlags", "X509StoreContext",
    "X509StoreContextError",
    # revocation
    "Revoked", "CRL", "CRLType", "load_crl", "dump_crl",
    # PKCS #7, PKCS #12, SPKI
    "PKCS7", "PKCS7Type", "load_pkcs7_data", "PKCS12", "PKCS12Type",
    "load_pkcs12", "NetscapeSPKI", "NetscapeSPKIType",
]

if not TYPE_CHECKING:
    __getattr__, __dir__ = _lazy_module(
        __name__,
        {
            "pyossl._crypto.certificates": ("X509", "X509Req"),
            "pyossl._crypto.common": ("FILETYPE_ASN1", "FILETYPE_PEM",
                                      "FILETYPE_TEXT", "Error"),
            "pyossl._crypto.crls": ("CRL", "Revoked", "dump_crl",
                                    "load_crl"),
            "pyossl._crypto.extensions": ("X509Extension",),
            "pyossl._crypto.keys": ("TYPE_DH", "TYPE_DSA", "TYPE_EC",
                                    "TYPE_RSA", "PKey", "_EllipticCurve",
                                    "get_elliptic_curve",
                                    "get_elliptic_curves"),
            "pyossl._crypto.names": ("X509Name",),
            "pyossl._crypto.pkcs7": ("PKCS7", "load_pkcs7_data"),
            "pyossl._crypto.pkcs12": ("PKCS12", "load_pkcs12"),
            "pyossl._crypto.serialization": (
                "dump_certificate", "dump_certificate_request",
                "dump_privatekey", "dump_publickey", "load_certificate",
                "load_certificate_request", "load_privatekey",
                "load_publickey"),
            "pyossl._crypto.signatures": ("sign", "verify"),
            "pyossl._crypto.spki": ("NetscapeSPKI",),
            "pyossl._crypto.stores": ("X509Store", "X509StoreContext",
                                      "X509StoreContextError",
                                      "X509StoreFlags"),
        },
        aliases={
            "PKeyType": "PKey", "X509NameType": "X509Name",
            "X509ExtensionType": "X509Extension", "X509Type": "X509",
            "X509ReqType": "X509Req", "X509StoreType": "X509Store",
            "CRLType": "CRL", "PKCS7Type": "PKCS7", "PKCS12Type": "PKCS12",
            "NetscapeSPKIType": "NetscapeSPKI",
        },
        # documented (and shown) here
        documented=__all__ + ["_EllipticCurve"],
        extra={"_lib": ("pyossl._runtime.library", "lib")})
