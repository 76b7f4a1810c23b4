"""The declaration table: every C function, macro and constant pyossl uses.

``DECLARATIONS`` is one list of :class:`~pyossl._binding.records.Fn`,
:class:`~pyossl._binding.records.Macro` and
:class:`~pyossl._binding.records.Const` records, assembled from one section
per area (kept apart only so that each file stays readable):

========================  ==================================================
``decls_core``            version, initialisation, errors, memory, stacks,
                          memory BIOs; shared callback prototypes
``decls_crypto``          objects, ASN.1, keys, digests, certificates,
                          names, requests, extensions, serialization, curves
``decls_pki``             stores and verification, CRLs, PKCS#7, PKCS#12,
                          SPKI
``decls_ssl``             libssl: methods, contexts, connections, sessions,
                          callbacks, ``SSL_*`` constants
``decls_ssl_ext``         libssl after pyOpenSSL 16.1: DTLS, SRTP, OCSP
                          stapling, keying material, key-exchange group,
                          per-connection settings
``decls_rand``            the PRNG
``decls_providers``       OpenSSL 3 providers and library contexts, FIPS
                          mode, default trust locations
========================  ==================================================

:func:`pyossl._loader.load` binds it once per process.  Each name is
declared once per generation (``tests/test_loader.py`` checks it), and every
name is used by some pyossl code (``tests/test_layout.py`` checks that).
"""

from . import (decls_core, decls_crypto, decls_pki, decls_providers,
               decls_rand, decls_ssl, decls_ssl_ext)

SECTIONS = (decls_core.CORE, decls_crypto.DECLARATIONS,
            decls_pki.DECLARATIONS, decls_ssl.DECLARATIONS,
            decls_ssl_ext.DECLARATIONS, decls_rand.DECLARATIONS,
            decls_providers.DECLARATIONS)

DECLARATIONS = [record for section in SECTIONS for record in section]
