"""The parts of :mod:`pyossl.crypto`, one module per concept.

========================  =================================================
``common``                :class:`Error`, file types, digest/cipher lookup,
                          memory-BIO reading and writing, ASN.1 times and
                          integers, new references, ``cryptography`` import
``keys``                  :class:`PKey`, key generation, the signing-key
                          check, elliptic curves
``names``                 :class:`X509Name`
``extensions``            :class:`X509Extension`
``certificates``          :class:`X509`, :class:`X509Req`, certificate
                          stacks
``serialization``         ``load_*``/``dump_*`` of certificates, requests
                          and keys; the PEM passphrase callback
``signatures``            :func:`sign`, :func:`verify`
``stores``                :class:`X509Store`, :class:`X509StoreFlags`,
                          :class:`X509StoreContext` (verification)
``crls``                  :class:`Revoked`, :class:`CRL`, ``load_crl``/
                          ``dump_crl``
``pkcs7``, ``pkcs12``,    PKCS #7, PKCS #12, Netscape SPKI
``spki``
========================  =================================================

Each module imports only the ones above it in this table (no cycles);
:mod:`pyossl.crypto` re-exports the public names.
"""
