"""Distinguished names: :class:`X509Name`."""

import operator
from ctypes import (addressof, byref, c_char, c_size_t, c_void_p,
                    create_string_buffer, string_at)
from typing import TYPE_CHECKING, List, Optional, Tuple, Union

from .._runtime.convert import INT_MAX
from .._runtime.library import lib
from .._runtime.ownership import Owner
from .._runtime.text import text
from .common import asn1_string_bytes, clear, openssl_assert, raise_error

_NID_undef = lib.NID_undef
_MBSTRING_UTF8 = lib.MBSTRING_UTF8
# Attribute access on names is the hot path of this module: its functions
# are bound once here, and attribute names resolved to NIDs are cached.
_OBJ_txt2nid = lib.OBJ_txt2nid
_X509_NAME_get_index_by_NID = lib.X509_NAME_get_index_by_NID
_X509_NAME_get_entry = lib.X509_NAME_get_entry
_X509_NAME_ENTRY_get_data = lib.X509_NAME_ENTRY_get_data
_ASN1_STRING_to_UTF8 = lib.ASN1_STRING_to_UTF8
_OPENSSL_free = lib.OPENSSL_free
_nids: dict = {}


def _attribute_nid(name):
    """The NID for a name attribute (``"CN"``, ``"commonName"``), or 0."""
    nid = _nids.get(name)
    if nid is None:
        if "\0" in name:       # C would look up the part before the NUL
            return _NID_undef
        nid = _OBJ_txt2nid(name.encode("ascii", "replace"))
        if nid == _NID_undef:
            # OBJ_txt2nid may leave errors behind when it fails.
            clear()
            return nid
        _nids[name] = nid
    return nid


def _name_comparison(op):
    """A rich comparison of two names by ``X509_NAME_cmp``."""
    def compare(self, other):
        if not isinstance(other, X509Name):
            return NotImplemented
        return op(lib.X509_NAME_cmp(self._name, other._name), 0)
    compare.__name__ = "__%s__" % op.__name__
    return compare


class X509Name(Owner):
    """An X.509 Distinguished Name.

    :ivar countryName: The country of the entity.
    :ivar C: Alias for ``countryName``.

    :ivar stateOrProvinceName: The state or province of the entity.
    :ivar ST: Alias for ``stateOrProvinceName``.

    :ivar localityName: The locality of the entity.
    :ivar L: Alias for ``localityName``.

    :ivar organizationName: The organization name of the entity.
    :ivar O: Alias for ``organizationName``.

    :ivar organizationalUnitName: The organizational unit of the entity.
    :ivar OU: Alias for ``organizationalUnitName``.

    :ivar commonName: The common name of the entity.
    :ivar CN: Alias for ``commonName``.

    :ivar emailAddress: The e-mail address of the entity.

    Any other name OpenSSL knows (short or long) works as well.  Reading an
    absent field gives ``None``.
    """

    _handle_attr = "_ptr"
    _handle_free = "X509_NAME_free"
    _getter = None
    _ptr = None
    _owner = None

    if TYPE_CHECKING:                                # pragma: no cover
        # For type checkers only (no class attributes at run time, so
        # __getattr__/__setattr__ still serve them): the documented fields
        # read as text or None and are set from str or bytes.
        @property
        def countryName(self) -> Optional[str]: ...

        @countryName.setter
        def countryName(self, value: Union[str, bytes]) -> None: ...

        @property
        def C(self) -> Optional[str]: ...

        @C.setter
        def C(self, value: Union[str, bytes]) -> None: ...

        @property
        def stateOrProvinceName(self) -> Optional[str]: ...

        @stateOrProvinceName.setter
        def stateOrProvinceName(self, value: Union[str, bytes]) -> None: ...

        @property
        def ST(self) -> Optional[str]: ...

        @ST.setter
        def ST(self, value: Union[str, bytes]) -> None: ...

        @property
        def localityName(self) -> Optional[str]: ...

        @localityName.setter
        def localityName(self, value: Union[str, bytes]) -> None: ...

        @property
        def L(self) -> Optional[str]: ...

        @L.setter
        def L(self, value: Union[str, bytes]) -> None: ...

        @property
        def organizationName(self) -> Optional[str]: ...

        @organizationName.setter
        def organizationName(self, value: Union[str, bytes]) -> None: ...

        @property
        def O(self) -> Optional[str]: ...

        @O.setter
        def O(self, value: Union[str, bytes]) -> None: ...

        @property
        def organizationalUnitName(self) -> Optional[str]: ...

        @organizationalUnitName.setter
        def organizationalUnitName(self, value: Union[str, bytes]) -> None: ...

        @property
        def OU(self) -> Optional[str]: ...

        @OU.setter
        def OU(self, value: Union[str, bytes]) -> None: ...

        @property
        def commonName(self) -> Optional[str]: ...

        @commonName.setter
        def commonName(self, value: Union[str, bytes]) -> None: ...

        @property
        def CN(self) -> Optional[str]: ...

        @CN.setter
        def CN(self, value: Union[str, bytes]) -> None: ...

        @property
        def emailAddress(self) -> Optional[str]: ...

        @emailAddress.setter
        def emailAddress(self, value: Union[str, bytes]) -> None: ...

    def __init__(self, name: "X509Name") -> None:
        """Create a new X509Name, copying the given X509Name instance.

        :param name: The name to copy.
        :type name: :py:class:`X509Name`
        """
        if not isinstance(name, X509Name):
            raise TypeError("name must be an X509Name")
        copy = lib.X509_NAME_dup(name._name)
        openssl_assert(copy)
        self._own(copy)

    @property
    def _name(self):
        """The ``X509_NAME*`` (looked up afresh for live views:
        ``getter(owner)``)."""
        getter = self._getter
        if getter is None:
            return self._ptr
        return getter(self._owner)

    @_name.setter
    def _name(self, ptr):
        object.__setattr__(self, "_getter", None)
        object.__setattr__(self, "_ptr", ptr)

    @classmethod
    def _from_copy(cls, ptr):
        """A new name owning a copy of the borrowed ``X509_NAME*`` *ptr*."""
        copy = lib.X509_NAME_dup(ptr)
        openssl_assert(copy)
        return cls._from_owned(copy)

    @classmethod
    def _live_view(cls, owner, getter):
        """A view whose pointer is ``getter(owner)`` each time it is used
        (*getter* a plain function made once, not a closure per view)."""
        name = cls.__new__(cls)
        state = name.__dict__       # (bypasses __setattr__, as intended)
        state["_owner"] = owner
        state["_getter"] = getter
        return name

    def __setattr__(self, name, value):
        if name.startswith("_"):
            return object.__setattr__(self, name, value)
        if type(name) is not str:
            raise TypeError("attribute name must be string, not '%.200s'" % (
                type(value).__name__,))
        nid = _attribute_nid(name)
        if nid == _NID_undef:
            raise AttributeError("No such attribute")
        if isinstance(value, str):
            value = value.encode("utf-8")
        elif not isinstance(value, bytes):
            raise TypeError("value must be str or bytes, not %s" % (
                type(value).__name__,))
        if b"\0" in value:
            # pyOpenSSL hands C the value as a C string, which a NUL byte
            # cuts short ("bank.example\0.evil"): refuse it instead.
            raise ValueError("value must not contain a NUL byte")
        ptr = self._name
        # The first old entry of this type is replaced; the new value goes
        # last (as in pyOpenSSL).  It is added before the old one is removed
        # so that a value OpenSSL refuses leaves the name unchanged.
        old = lib.X509_NAME_get_index_by_NID(ptr, nid, -1)
        if not lib.X509_NAME_add_entry_by_NID(ptr, nid, _MBSTRING_UTF8, value,
                                              len(value), -1, 0):
            raise_error()
        if old >= 0:
            lib.X509_NAME_ENTRY_free(lib.X509_NAME_delete_entry(ptr, old))

    def __getattr__(self, name):
        """Find attribute. An X509Name object has the following attributes:
        countryName (alias C), stateOrProvince (alias ST), locality (alias L),
        organization (alias O), organizationalUnit (alias OU), commonName
        (alias CN) and more...
        """
        if name.startswith("__"):
            raise AttributeError(name)
        nid = _attribute_nid(name)
        if nid == _NID_undef:
            raise AttributeError(
                "%r object has no attribute %r" % (type(self).__name__, name))
        ptr = self._name
        index = _X509_NAME_get_index_by_NID(ptr, nid, -1)
        if index == -1:
            return None
        data = _X509_NAME_ENTRY_get_data(_X509_NAME_get_entry(ptr, index))
        out = c_void_p()
        length = _ASN1_STRING_to_UTF8(byref(out), data)
        openssl_assert(length >= 0 and out.value)
        try:
            return string_at(out.value or 0, length).decode("utf-8")
        finally:
            _OPENSSL_free(out.value)

    __eq__ = _name_comparison(operator.eq)
    __ne__ = _name_comparison(operator.ne)
    __lt__ = _name_comparison(operator.lt)
    __le__ = _name_comparison(operator.le)
    __gt__ = _name_comparison(operator.gt)
    __ge__ = _name_comparison(operator.ge)
    __hash__ = None  # type: ignore[assignment]  # mutable: unhashable

    def __repr__(self):
        """String representation of an X509Name"""
        buf = create_string_buffer(512)
        result = lib.X509_NAME_oneline(self._name, buf, len(buf))
        openssl_assert(result)
        return "<X509Name object '%s'>" % (text(buf.value),)

    def hash(self) -> int:
        """Return an integer representation of the first 32 bits of the SHA1
        digest of the name (OpenSSL's ``X509_NAME_hash``).

        :return: The (integer) hash of this name.
        :rtype: :py:class:`int`
        """
        result = lib.X509_NAME_hash(self._name)
        openssl_assert(result is not None)
        return result

    def der(self) -> bytes:
        """Return the DER encoding of this name.

        :return: The DER encoded form of this name.
        :rtype: :py:class:`bytes`
        """
        out = c_void_p()
        length = lib.i2d_X509_NAME(self._name, byref(out))
        openssl_assert(length >= 0 and out.value)
        try:
            return string_at(out.value or 0, length)
        finally:
            lib.OPENSSL_free(out.value)

    def get_components(self) -> List[Tuple[bytes, bytes]]:
        """Returns the components of this name, as a sequence of 2-tuples.

        :return: The components of this name.
        :rtype: :py:class:`list` of ``name, value`` tuples.
        """
        ptr = self._name
        result = _der_components(ptr)
        if result is not None:
            return result
        result = []
        for i in range(lib.X509_NAME_entry_count(ptr)):
            entry = lib.X509_NAME_get_entry(ptr, i)
            nid = lib.OBJ_obj2nid(lib.X509_NAME_ENTRY_get_object(entry))
            short = lib.OBJ_nid2sn(nid) or b"UNDEF"
            value = asn1_string_bytes(lib.X509_NAME_ENTRY_get_data(entry))
            result.append((short, value))
        return result


X509NameType = X509Name


# -- get_components from one i2d_X509_NAME and a DER walk (issue 15) -------
#
# OpenSSL keeps a name's DER encoding (re-encoded when the name changes), so
# one i2d call and a walk of SEQUENCE OF SET OF SEQUENCE {OID, value} give
# what seven calls per entry give.  The walk accepts only the common shape:
# short-form OIDs of objects OpenSSL knows and values of the universal
# string types, whose ASN1_STRING data is exactly the content octets.
# Anything else (another value type, a constructed or long-tag value, an
# unknown object, an entry count that differs from X509_NAME_entry_count)
# makes it return None and the caller makes the per-entry calls.

_STRING_TAGS = frozenset((0x0c, 0x12, 0x13, 0x14, 0x15, 0x16, 0x19, 0x1a,
                          0x1b, 0x1c, 0x1e))
# DER OID content -> short name, for objects of OpenSSL's built-in or
# registered table only (a nid is never unregistered or renamed).
_short_names = {}  # type: dict


def _oid_text(body):
    """Dotted text of the content octets of a DER OID."""
    parts, value, first, fresh = [], 0, True, True
    for byte in body:
        if fresh and byte == 0x80:
            raise ValueError("non-minimal OID")   # OpenSSL: another OID
        fresh = not byte & 0x80
        value = (value << 7) | (byte & 0x7f)
        if not byte & 0x80:
            if first:
                top = min(value // 40, 2)
                parts += [top, value - 40 * top]
                first = False
            else:
                parts.append(value)
            value = 0
    if not fresh or first:
        raise ValueError("truncated OID")
    return ".".join(map(str, parts)).encode("ascii")


def _short_name(oid):
    short = _short_names.get(oid)
    if short is None:
        nid = lib.OBJ_txt2nid(_oid_text(oid))
        short = lib.OBJ_nid2sn(nid) if nid else None
        if not short:
            raise ValueError("unknown object")
        _short_names[oid] = short
    return short


def _length(der, pos):
    """(content start, content end) of the element whose length octets
    start at *pos*."""
    b = der[pos]
    if b < 0x80:
        return pos + 1, pos + 1 + b
    count = b & 0x7f
    if not 1 <= count <= 3:
        raise ValueError("length form")
    start = pos + 1 + count
    return start, start + int.from_bytes(der[pos + 1:start], "big")


def _walk_short(der, pos, end):
    """The common case of :func:`_walk`: every RDN a SET of one SEQUENCE
    {OID, string} whose lengths are all short-form, read six header octets
    at a time; ``None`` at the first entry of another shape (then
    :func:`_walk` reads the whole name the general way)."""
    out = []
    append = out.append
    names = _short_names
    tags = _STRING_TAGS
    while pos < end:
        # SET len, SEQUENCE len, OID len: one SEQUENCE in the SET
        # (set == seq + 2) and short forms (set < 0x80 bounds seq, and the
        # value length computed below).
        t_set, l_set, t_seq, l_seq, t_oid, l_oid = der[pos:pos + 6]
        if (t_set != 0x31 or t_seq != 0x30 or t_oid != 0x06
                or l_set >= 0x80 or l_set != l_seq + 2 or l_oid >= 0x80):
            return None
        oend = pos + 6 + l_oid
        short = names.get(der[pos + 6:oend]) or _short_name(
            der[pos + 6:oend])
        # the value fills the rest of the SEQUENCE: tag, short length,
        # content (an impossible length never equals der[oend + 1])
        vlen = l_seq - l_oid - 4
        if der[oend] not in tags or der[oend + 1] != vlen or vlen < 0:
            return None
        pos = oend + 2 + vlen
        append((short, der[oend + 2:pos]))
    # an entry that ran past the end (its slices cut short) fails here
    return out if pos == end else None


def _walk(der):
    # Short-form lengths (every entry of a usual name) are read inline; the
    # long form goes through _length.  Every bound is checked: a slice past
    # the end would not raise, so ends are compared with their container's.
    if der[0] != 0x30:
        raise ValueError("not a SEQUENCE")
    pos, end = _length(der, 1)
    if end != len(der):
        raise ValueError("length")
    out = _walk_short(der, pos, end)
    if out is not None:
        return out
    out = []
    append = out.append
    names = _short_names
    tags = _STRING_TAGS
    while pos < end:
        if der[pos] != 0x31:
            raise ValueError("not a SET")
        b = der[pos + 1]
        if b < 0x80:
            spos = pos + 2
            send = spos + b
        else:
            spos, send = _length(der, pos + 1)
        if send > end:
            raise ValueError("length")
        while spos < send:
            if der[spos] != 0x30:
                raise ValueError("not a SEQUENCE")
            b = der[spos + 1]
            if b < 0x80:
                apos = spos + 2
                aend = apos + b
            else:
                apos, aend = _length(der, spos + 1)
            olen = der[apos + 1]
            if aend > send or der[apos] != 0x06 or olen >= 0x80:
                raise ValueError("not an OID")
            oend = apos + 2 + olen
            oid = der[apos + 2:oend]
            short = names.get(oid) or _short_name(oid)
            if der[oend] not in tags:
                raise ValueError("value type")
            b = der[oend + 1]
            if b < 0x80:
                vpos = oend + 2
                vend = vpos + b
            else:
                vpos, vend = _length(der, oend + 1)
            if vend != aend:
                raise ValueError("length")
            append((short, der[vpos:vend]))
            spos = aend
        if spos != send:
            raise ValueError("length")
        pos = send
    return out


def _i2d_name(ptr):
    """The DER of the ``X509_NAME*`` *ptr* from two ``i2d_X509_NAME``
    (length, then into a buffer), or ``None``."""
    size = lib.i2d_X509_NAME(ptr, None)
    if size <= 0:
        clear()
        return None
    buf = create_string_buffer(size)
    if lib.i2d_X509_NAME(ptr, byref(c_void_p(addressof(buf)))) != size:
        clear()
        return None
    return buf.raw


# 1.1.0+: the name's cached DER (re-encoded first if the name changed) in
# one call, copied out with string_at.
_get0_der = (lib.X509_NAME_get0_der if lib.available("X509_NAME_get0_der")
             else None)


def _der_components(ptr):
    """``get_components()`` of the ``X509_NAME*`` *ptr* from its DER, or
    None where the per-entry calls must answer."""
    if _get0_der is not None:
        der, size = c_void_p(), c_size_t()
        if _get0_der(ptr, byref(der), byref(size)) != 1:
            clear()
            return None
        size = size.value
        if not der.value or not 0 < size <= INT_MAX:
            return None
        # A copy of the size bytes at der (string_at's work without its
        # foreign call: ~0.15 µs less).
        der = (c_char * size).from_address(der.value).raw
    else:
        der = _i2d_name(ptr)
        if der is None:
            return None
    try:
        out = _walk(der)
    except (ValueError, IndexError):
        return None
    if len(out) != lib.X509_NAME_entry_count(ptr):
        return None
    return out
