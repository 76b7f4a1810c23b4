"""SRTP (DTLS-SRTP, RFC 5764): the C calls behind
:meth:`Context.set_tlsext_use_srtp` and
:meth:`Connection.get_selected_srtp_profile`.

DTLS negotiates the SRTP protection profile; the SRTP keys are then
exported with :meth:`Connection.export_keying_material` and the label
``b"EXTRACTOR-dtls_srtp"``.  TLS clients never offer the extension.
"""

from .._runtime.library import lib as _lib


def set_profiles(ctx, profiles):
    """Offer/accept the colon-separated SRTP *profiles* (``bytes``) on the
    ``SSL_CTX*`` *ctx*: ``True`` on success."""
    return _lib.SSL_CTX_set_tlsext_use_srtp(ctx, profiles) == 0


def selected(ssl):
    """The name of the SRTP profile *ssl* negotiated, or ``b""``."""
    return _lib.SSL_get_selected_srtp_profile_name(ssl)


__all__ = ["set_profiles", "selected"]
