"""crypto, part 2: trust stores and verification, CRLs, PKCS#7, PKCS#12, SPKI.

Imported at the bottom of :mod:`pyossl.crypto`; every public name listed in
``__all__`` is re-exported there.
"""

__all__ = []
