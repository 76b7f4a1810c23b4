"""PKCS #7 structures: :class:`PKCS7` and :func:`load_pkcs7_data`."""

from .._runtime.convert import buffer_arg
from .._runtime.library import lib
from .._runtime.ownership import Owner
from .common import (BufferArg, check_filetype, openssl_assert,
                     read_from_bio)


class PKCS7(Owner):
    """
    A PKCS #7 structure (``ContentInfo``), as read by
    :func:`load_pkcs7_data`.  ``PKCS7()`` makes an empty one, whose type is
    undefined.
    """

    _pkcs7: int      # the owned C handle
    _handle_attr = "_pkcs7"
    _handle_free = "PKCS7_free"

    def __init__(self) -> None:
        p7 = lib.PKCS7_new()
        openssl_assert(p7)
        self._own(p7)


    def type_is_signed(self) -> bool:
        """
        Check if this NID_pkcs7_signed object

        :return: True if the PKCS7 is of type signed
        """
        return bool(lib.PKCS7_type_is_signed(self._pkcs7))

    def type_is_enveloped(self) -> bool:
        """
        Check if this NID_pkcs7_enveloped object

        :returns: True if the PKCS7 is of type enveloped
        """
        return bool(lib.PKCS7_type_is_enveloped(self._pkcs7))

    def type_is_signedAndEnveloped(self) -> bool:
        """
        Check if this NID_pkcs7_signedAndEnveloped object

        :returns: True if the PKCS7 is of type signedAndEnveloped
        """
        return bool(lib.PKCS7_type_is_signedAndEnveloped(self._pkcs7))

    def type_is_data(self) -> bool:
        """
        Check if this NID_pkcs7_data object

        :return: True if the PKCS7 is of type data
        """
        return bool(lib.PKCS7_type_is_data(self._pkcs7))

    def get_type_name(self) -> bytes:
        """
        Returns the type name of the PKCS7 structure

        :return: A string with the typename (e.g. ``b"pkcs7-signedData"``)
        :rtype: bytes
        """
        name = lib.OBJ_nid2sn(lib.PKCS7_type_nid(self._pkcs7))
        return name if name is not None else b"UNDEF"


PKCS7Type = PKCS7


def load_pkcs7_data(type: int, buffer: BufferArg) -> PKCS7:
    """
    Load pkcs7 data from the string *buffer* encoded with the type
    *type*.

    :param type: The file type (one of FILETYPE_PEM or FILETYPE_ASN1)
    :param buffer: The buffer with the pkcs7 data.
    :raises ValueError: If *type* is not one of those.
    :raises Error: If *buffer* holds no PKCS #7 structure of that type.
    :return: The PKCS7 object
    """
    buffer = buffer_arg(buffer)
    check_filetype(type)
    return PKCS7._from_owned(read_from_bio(
        "PEM_read_bio_PKCS7", "d2i_PKCS7_bio", type, buffer))
