"""Text helpers: one policy for C strings that become Python ``str``.

:func:`text` maps a C ``NULL`` to ``None`` (write ``text(x) or ""`` where
an empty string is wanted) and decodes UTF-8, replacing what does not
decode: OpenSSL's own strings are ASCII.
"""

import warnings


def text(value):
    """A C string (``bytes``, or ``None`` for ``NULL``) as ``str``/``None``."""
    if value is None:
        return None
    return value.decode("utf-8", "replace")


def text_to_bytes_and_warn(label, obj):
    """Accept ``str`` where bytes are wanted, with pyOpenSSL's warning."""
    if isinstance(obj, str):
        warnings.warn(
            "%s for %s is no longer accepted, use bytes" % (
                str.__name__, label),
            category=DeprecationWarning, stacklevel=3)
        return obj.encode("utf-8")
    return obj


__all__ = ["text", "text_to_bytes_and_warn"]
