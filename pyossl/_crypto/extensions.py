"""X.509 v3 extensions: :class:`X509Extension`."""

from typing import TYPE_CHECKING, Optional

from .._binding import layouts
from .._runtime.convert import c_string_arg
from .._runtime.library import lib
from .._runtime.ownership import Owner
from .._runtime.scoped import MemBIO
from .._runtime.text import text
from .common import (CertificateBase, asn1_string_bytes, clear,
                     openssl_assert, raise_error)

if TYPE_CHECKING:                                    # pragma: no cover
    from .certificates import X509

class X509Extension(Owner):
    """An X.509 v3 certificate extension."""

    _extension: int      # the owned C handle
    _handle_attr = "_extension"
    _handle_free = "X509_EXTENSION_free"

    def __init__(self, type_name: bytes, critical: bool, value: bytes,
                 subject: Optional["X509"] = None,
                 issuer: Optional["X509"] = None) -> None:
        """Initializes an X509 extension.

        :param type_name: The name of the type of extension_ to create.
        :type type_name: :py:data:`bytes`

        :param bool critical: A flag indicating whether this is a critical
            extension.

        :param value: The value of the extension.
        :type value: :py:data:`bytes`

        :param subject: Optional X509 certificate to use as subject.
        :type subject: :py:class:`X509`

        :param issuer: Optional X509 certificate to use as issuer.
        :type issuer: :py:class:`X509`

        .. _extension: https://www.openssl.org/docs/manmaster/man5/
            x509v3_config.html#STANDARD-EXTENSIONS
        """
        if not isinstance(type_name, bytes):
            raise TypeError("type_name must be bytes")
        if not isinstance(value, bytes):
            raise TypeError("value must be bytes")
        # C strings: a NUL byte would cut the name or value short
        # ("DNS:bank.example\0.evil" would name bank.example).
        type_name = c_string_arg(type_name, "type_name", text=False)
        value = c_string_arg(value, "value", text=False)
        if issuer is not None and not isinstance(issuer, CertificateBase):
            raise TypeError("issuer must be an X509 instance")
        if subject is not None and not isinstance(subject, CertificateBase):
            raise TypeError("subject must be an X509 instance")
        ctx = layouts.new_x509v3_ctx()
        lib.X509V3_set_ctx(
            ctx, issuer._x509 if issuer is not None else None,
            subject._x509 if subject is not None else None, None, None, 0)
        if critical:
            value = b"critical," + value
        extension = lib.X509V3_EXT_nconf(None, ctx, type_name, value)
        if not extension:
            raise_error()
        clear()
        self._own(extension)


    @property
    def _nid(self):
        return lib.OBJ_obj2nid(lib.X509_EXTENSION_get_object(self._extension))

    _prefixes = {lib.GEN_EMAIL: "email", lib.GEN_DNS: "DNS",
                 lib.GEN_URI: "URI"}

    def _subject_alt_name_string(self):
        names = lib.X509V3_EXT_d2i(self._extension)
        if not names:
            clear()
            return self._printed()
        try:
            parts = []
            for i in range(lib.sk_num(names)):
                gen = lib.sk_value(names, i)
                general = layouts.general_name(gen)
                label = self._prefixes.get(general.type)
                if label is None:
                    with MemBIO() as bio:
                        lib.GENERAL_NAME_print(bio.ptr, gen)
                        parts.append(text(bio.data()))
                else:
                    parts.append(label + ":" + text(
                        asn1_string_bytes(general.d)))
            clear()
            return ", ".join(parts)
        finally:
            lib.GENERAL_NAMES_free(names)

    def _printed(self):
        with MemBIO() as bio:
            openssl_assert(lib.X509V3_EXT_print(bio.ptr, self._extension,
                                                 0, 0))
            clear()
            return text(bio.data())

    def __str__(self):
        """
        :return: a nice text representation of the extension
        """
        if self._nid == lib.NID_subject_alt_name:
            return self._subject_alt_name_string()
        return self._printed()

    def get_critical(self) -> int:
        """Returns the critical field of this X.509 extension.

        :return: The critical field.
        """
        return lib.X509_EXTENSION_get_critical(self._extension)

    def get_short_name(self) -> bytes:
        """Returns the short type name of this X.509 extension.

        The result is a byte string such as ``b"basicConstraints"``.

        :return: The short type name.
        :rtype: :py:data:`bytes`

        .. versionadded:: 0.12
        """
        return lib.OBJ_nid2sn(self._nid) or b"UNDEF"

    def get_data(self) -> bytes:
        """Returns the data of the X509 extension, encoded as ASN.1.

        :return: The ASN.1 encoded data of this X509 extension.
        :rtype: :py:data:`bytes`

        .. versionadded:: 0.12
        """
        return asn1_string_bytes(lib.X509_EXTENSION_get_data(self._extension))


X509ExtensionType = X509Extension
