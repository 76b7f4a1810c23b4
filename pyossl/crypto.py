"""Generic cryptographic module: keys, certificates, names, requests,
extensions, serialization, signatures and elliptic curves.

pyOpenSSL 16.1's ``OpenSSL.crypto`` over ctypes.  Every C handle has one
Python owner (see :func:`pyossl._util.own`); objects that borrow a C
pointer (an :class:`X509Name` from :meth:`X509.get_subject`) keep their
owner alive.

Differences from pyOpenSSL 16.1 (deliberate; everything else follows it):

* A wrong *kind* of object (e.g. ``X509Name("x")``, ``set_pubkey(None)``,
  ``verify(None, ...)``) raises ``TypeError`` where pyOpenSSL leaked an
  ``AttributeError`` from cffi.
* ``load_privatekey`` of an encrypted PEM without a passphrase raises
  :class:`Error`; it never falls back to prompting on the terminal.
* ``PKey.generate_key`` raises ``ValueError`` for ``bits <= 0`` (or too
  large for a C ``int``) for DSA as well as RSA, and reports an unsupported
  *type* (``Error``) before looking at *bits*.  Keys are generated through
  ``EVP_PKEY_keygen`` on every version (no deprecated ``RSA_*``/``DSA_*``).
* ``dump_privatekey(FILETYPE_TEXT, key)`` prints any key type (OpenSSL's
  ``EVP_PKEY_print_private``; the text differs slightly between OpenSSL
  versions); a public-only key raises :class:`Error` before OpenSSL is
  asked to write a private key.
* ``crypto.sign`` with a public-only or empty key raises :class:`Error`
  without calling OpenSSL (1.0.2 would dereference the missing private part).
* ``X509.set_serial_number`` with a negative number raises :class:`Error`
  carrying a message (pyOpenSSL's ``Error([])`` came from an accident).
* The :class:`X509Name` returned by ``get_subject``/``get_issuer`` follows
  the certificate: after ``set_subject``/``set_issuer`` it shows the new name
  (pyOpenSSL later made such views unusable to avoid a use-after-free).
* Name attribute values are stored with their full length, so a NUL byte no
  longer truncates them.
* Digest and cipher names may be ``str`` or ``bytes``.
* ``X509.has_expired`` asks OpenSSL (``X509_cmp_current_time``) instead of
  parsing the text, so any valid time form works; an unset notAfter is a
  ``TypeError`` (as in 16.1), an unreadable one a ``ValueError``.
* Failures for which OpenSSL queues no error carry a reason of their own
  instead of an empty :class:`Error` list.
* ``copy.copy`` of any object gives a second wrapper of the same C object
  (kept alive by the copy); ``copy.deepcopy`` and ``pickle`` raise
  ``TypeError``.
* ``X509Req.get_extensions`` returns independent copies (16.1 returned
  pointers into a stack it leaked).
* ``get_elliptic_curves`` returns a new set each time (of the same cached
  curve objects).
* pyOpenSSL 16.1 changed the process-wide ASN.1 string mask at import; pyossl
  does not (OpenSSL's default already stores names set here as UTF8String).
"""

import operator
from base64 import b16encode
from typing import (TYPE_CHECKING, Any, Iterable, List, NoReturn, Optional,
                    Set, Tuple, Union)
from ctypes import (byref, c_int, c_long, c_uint, c_void_p, cast,
                    create_string_buffer, memmove, sizeof, string_at)

from . import _decls_crypto, _util
from ._ffi_decls import PEM_PASSWORD_CB
from ._util import MemBIO, lib, own, text, text_to_bytes_and_warn

_decls_crypto.check_layouts(lib)

#: The bound C library, under the private name pyOpenSSL's 16.0 changelog
#: tells users to reach for (``crypto._lib.ASN1_STRING_set_default_mask_asc``).
#: Raw C functions: no argument checks, no error translation.
_lib = lib

FILETYPE_PEM = 1
FILETYPE_ASN1 = 2
# FILETYPE_TEXT is a pyOpenSSL invention: "human readable" output.
FILETYPE_TEXT = 2 ** 16 - 1

TYPE_RSA = lib.EVP_PKEY_RSA
TYPE_DSA = lib.EVP_PKEY_DSA
TYPE_DH = lib.EVP_PKEY_DH
TYPE_EC = lib.EVP_PKEY_EC

_NID_undef = lib.NID_undef
_GEN = lib.generation


class Error(Exception):
    """An error occurred in an ``OpenSSL.crypto`` API.

    Its single argument is a list of ``(library, function, reason)``
    string tuples taken from OpenSSL's error queue.
    """


def _raise_current_error() -> NoReturn:
    """Raise :class:`Error` carrying (and draining) the error queue."""
    raise Error(_util.error_queue())


_openssl_assert = _util.make_assert(Error)


def _clear():
    _util.clear_error_queue()


def _fail(function: str, reason: str) -> NoReturn:
    """Raise :class:`Error` from the queue, or with *reason* if it is empty.

    Some OpenSSL failures (printing an unparsable time, for one) push
    nothing; an ``Error([])`` would tell the user nothing.
    """
    raise Error(_util.error_queue() or [("pyossl", function, reason)])


def _bytes_arg(value, what):
    """``str`` (encoded as UTF-8) or ``bytes``; ``TypeError`` otherwise."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError("%s must be str or bytes, not %s" % (
        what, type(value).__name__))


def _check_c_int(value, what, bits=32):
    if not isinstance(value, int):
        raise TypeError("%s must be an integer" % (what,))
    limit = 1 << (bits - 1)
    if not -limit <= value < limit:
        raise OverflowError("%s is out of range" % (what,))
    return value


_LONG_BITS = 8 * sizeof(c_long)


def _digest_by_name(name):
    md = lib.EVP_get_digestbyname(_bytes_arg(name, "digest"))
    if not md:
        _clear()
        raise ValueError("No such digest method")
    return md


def _buffer_arg(buffer):
    """The buffer of a ``load_*`` function: text is taken as ASCII."""
    if isinstance(buffer, str):
        buffer = buffer.encode("ascii")
    if not isinstance(buffer, bytes):
        raise TypeError("buffer must be bytes, not %s" % (
            type(buffer).__name__,))
    return buffer


def _check_type(type, allowed, message):
    if type not in allowed:
        raise ValueError(message)


_PEM_ASN1 = (FILETYPE_PEM, FILETYPE_ASN1)
_ALL_TYPES = (FILETYPE_PEM, FILETYPE_ASN1, FILETYPE_TEXT)
_MSG_PEM_ASN1 = "type argument must be FILETYPE_PEM or FILETYPE_ASN1"
_MSG_ALL = ("type argument must be FILETYPE_PEM, FILETYPE_ASN1, or "
            "FILETYPE_TEXT")


def _write_to_bio(name, *args):
    """Run ``lib.<name>(bio, *args)`` on a fresh memory BIO; return the
    bytes written."""
    with MemBIO() as bio:
        if getattr(lib, name)(bio.ptr, *args) <= 0:
            _fail(name, "cannot write the object")
        # Printing an odd extension can succeed and still leave errors.
        _clear()
        return bio.data()


# ---------------------------------------------------------------- handles --

class _Handle(object):
    """Copy/pickle behaviour shared by every wrapper of a C handle.

    ``copy.copy`` gives a second wrapper around the *same* C object (as
    pyOpenSSL's cffi-based objects do); the copy keeps the original alive,
    so the handle is freed once, after both are gone.  Deep copies and
    pickling are refused with ``TypeError``, as in pyOpenSSL.
    """

    def __copy__(self):
        new = type(self).__new__(type(self))
        state = new.__dict__
        for key, value in self.__dict__.items():
            if key not in ("_finalizers", "_depends_on"):
                state[key] = value
        state["_depends_on"] = [self]
        return new

    def __deepcopy__(self, memo):
        raise TypeError("cannot deep-copy %s objects" % type(self).__name__)

    def __reduce_ex__(self, protocol):
        raise TypeError("cannot pickle %s objects" % type(self).__name__)


# ------------------------------------------------------------- ref counts --

_X509_up_ref = lib.X509_up_ref
_EVP_PKEY_up_ref = lib.EVP_PKEY_up_ref


def _x509_new_ref(ptr):
    """A new reference to the borrowed ``X509*`` *ptr* (the caller owns it).

    1.1+: ``X509_up_ref``.  1.0.2 has no such function; there the count is
    raised with ``CRYPTO_add_lock(&x->references, 1, CRYPTO_LOCK_X509)``,
    which is what 1.0.2 itself does wherever it shares a certificate (the
    field offset is verified at import by
    :func:`pyossl._decls_crypto.check_layouts`).  Either way the same
    certificate object is shared, not copied, so views and identity behave
    alike on every version.
    """
    _X509_up_ref(ptr)
    return ptr


def _pkey_new_ref(ptr):
    """A new reference to the borrowed ``EVP_PKEY*`` *ptr* (caller owns it).

    Same mechanism as :func:`_x509_new_ref` (``EVP_PKEY_up_ref`` or, on
    1.0.2, ``CRYPTO_add_lock`` with ``CRYPTO_LOCK_EVP_PKEY``).
    """
    _EVP_PKEY_up_ref(ptr)
    return ptr


# ------------------------------------------------------------ ASN.1 times --

def _get_asn1_time(timestamp):
    """An ``ASN1_TIME*`` as GENERALIZEDTIME bytes (``None`` when unset)."""
    if not timestamp or lib.ASN1_STRING_length(timestamp) == 0:
        return None
    if lib.ASN1_STRING_type(timestamp) == lib.V_ASN1_GENERALIZEDTIME:
        return _asn1_string_bytes(timestamp)
    generalized = lib.ASN1_TIME_to_generalizedtime(timestamp, None)
    if not generalized:
        _fail("ASN1_TIME_to_generalizedtime", "invalid time")
    try:
        return _asn1_string_bytes(generalized)
    finally:
        lib.ASN1_STRING_free(generalized)


def _set_asn1_time(boundary, when):
    """Set the ``ASN1_TIME*`` *boundary* from GENERALIZEDTIME bytes."""
    if not isinstance(when, bytes):
        raise TypeError("when must be a byte string")
    if not lib.ASN1_GENERALIZEDTIME_set_string(boundary, when):
        _clear()
        raise ValueError("Invalid string")


def _asn1_string_bytes(string):
    length = lib.ASN1_STRING_length(string)
    if length <= 0:
        return b""
    return string_at(lib.ASN1_STRING_get0_data(string), length)


def _asn1_integer_to_int(integer):
    bn = lib.ASN1_INTEGER_to_BN(integer, None)
    if not bn:
        _raise_current_error()
    try:
        hex_ptr = lib.BN_bn2hex(bn)
        _openssl_assert(hex_ptr)
        try:
            return int(string_at(hex_ptr), 16)
        finally:
            lib.OPENSSL_free(hex_ptr)
    finally:
        lib.BN_free(bn)


def _int_to_asn1_integer(value):
    """A new ``ASN1_INTEGER*`` for the non-negative int *value*."""
    bn = c_void_p()
    if not lib.BN_hex2bn(byref(bn), b"%x" % value) or not bn.value:
        _raise_current_error()
    try:
        integer = lib.BN_to_ASN1_INTEGER(bn, None)
        if not integer:
            _raise_current_error()
        return integer
    finally:
        lib.BN_free(bn)


# ------------------------------------------------------------------- PKey --

class PKey(_Handle):
    """A class representing a DSA or RSA public key or key pair.

    A new ``PKey`` is empty; fill it with :meth:`generate_key`.
    """

    _pkey: int      # the owned C handle (set by own())

    _only_public = False
    _initialized = True

    def __init__(self) -> None:
        pkey = lib.EVP_PKEY_new()
        _openssl_assert(pkey)
        own(self, pkey, lib.EVP_PKEY_free, attr="_pkey")
        self._initialized = False

    @classmethod
    def _from_raw_pkey_ptr(cls, ptr, only_public=False):
        """Wrap *ptr*, taking ownership of that (new) reference."""
        pkey = cls.__new__(cls)
        own(pkey, ptr, lib.EVP_PKEY_free, attr="_pkey")
        pkey._only_public = bool(only_public)
        pkey._initialized = True
        return pkey

    def to_cryptography_key(self) -> Any:
        """Export as a ``cryptography`` key.

        :rtype: One of ``cryptography``'s key interfaces.
        :raises ImportError: if ``cryptography`` is not installed.

        .. versionadded:: 16.1.0
        """
        serialization = _cryptography("serialization")
        if self._only_public:
            der = dump_publickey(FILETYPE_ASN1, self)
            return serialization.load_der_public_key(der)
        with MemBIO() as bio:
            ok = lib.i2d_PKCS8PrivateKey_bio(bio.ptr, self._pkey, None, None,
                                             0, None, None)
            _openssl_assert(ok > 0)
            der = bio.data()
        return serialization.load_der_private_key(der, None)

    @classmethod
    def from_cryptography_key(cls, crypto_key: Any) -> "PKey":
        """Construct based on a ``cryptography`` *crypto_key*.

        :param crypto_key: A ``cryptography`` key (RSA, DSA, EC, ...; public
            or private).
        :rtype: PKey
        :raises TypeError: for anything that is not such a key.

        .. versionadded:: 16.1.0
        """
        serialization = _cryptography("serialization")
        if _is_crypto_public_key(crypto_key):
            der = crypto_key.public_bytes(
                serialization.Encoding.DER,
                serialization.PublicFormat.SubjectPublicKeyInfo)
            return load_publickey(FILETYPE_ASN1, der)
        if _is_crypto_private_key(crypto_key):
            der = crypto_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption())
            return load_privatekey(FILETYPE_ASN1, der)
        raise TypeError("Unsupported key type")

    def generate_key(self, type: int, bits: int) -> None:
        """Generate a key pair of the given type, with the given number of
        bits.

        This generates a key "into" this object.

        :param type: The key type.
        :type type: :py:data:`TYPE_RSA` or :py:data:`TYPE_DSA`
        :param bits: The number of bits.
        :type bits: :py:data:`int` ``>= 0``
        :raises TypeError: If :py:data:`type` or :py:data:`bits` isn't
            of the appropriate type.
        :raises ValueError: If the number of bits isn't an integer of
            the appropriate size.
        :raises Error: for an unsupported type or when generation fails.
        :return: ``None``
        """
        if not isinstance(type, int):
            raise TypeError("type must be an integer")
        if not isinstance(bits, int):
            raise TypeError("bits must be an integer")
        if type not in (TYPE_RSA, TYPE_DSA):
            raise Error("No such key type")
        if bits <= 0:
            raise ValueError("Invalid number of bits")
        if bits >= 1 << 31:
            raise ValueError("Invalid number of bits")
        if type == TYPE_RSA:
            new = _keygen(TYPE_RSA, None, lib.EVP_PKEY_CTX_set_rsa_keygen_bits,
                          bits)
        else:
            params = _paramgen(TYPE_DSA,
                               lib.EVP_PKEY_CTX_set_dsa_paramgen_bits, bits)
            try:
                new = _keygen(None, params, None, None)
            finally:
                lib.EVP_PKEY_free(params)
        _util.free_now(self, "_pkey")
        own(self, new, lib.EVP_PKEY_free, attr="_pkey")
        self._only_public = False
        self._initialized = True

    def check(self) -> bool:
        """Check the consistency of an RSA private key.

        This is the Python equivalent of OpenSSL's ``RSA_check_key``.

        :return: ``True`` if key is consistent.
        :raises Error: if the key is inconsistent.
        :raises TypeError: if the key is of a type which cannot be checked.
            Only RSA keys can currently be checked.
        """
        if self._only_public:
            raise TypeError("public key only")
        if lib.EVP_PKEY_base_id(self._pkey) != TYPE_RSA:
            raise TypeError("key type unsupported")
        if _GEN >= 2:
            ctx = lib.EVP_PKEY_CTX_new(self._pkey, None)
            _openssl_assert(ctx)
            try:
                result = lib.EVP_PKEY_check(ctx)
            finally:
                lib.EVP_PKEY_CTX_free(ctx)
        else:
            rsa = lib.EVP_PKEY_get1_RSA(self._pkey)
            _openssl_assert(rsa)
            try:
                result = lib.RSA_check_key(rsa)
            finally:
                lib.RSA_free(rsa)
        if result == 1:
            _clear()
            return True
        _raise_current_error()

    def type(self) -> int:
        """Returns the type of the key

        :return: The type of the key.
        """
        result = lib.EVP_PKEY_base_id(self._pkey)
        if not result:
            _clear()        # 3.x complains about an empty key
        return result

    def bits(self) -> int:
        """Returns the number of bits of the key

        :return: The number of bits of the key.
        """
        result = lib.EVP_PKEY_bits(self._pkey)
        if not result:
            _clear()
        return result


PKeyType = PKey


def _keygen(type, params, set_bits, bits):
    if params is not None:
        ctx = lib.EVP_PKEY_CTX_new(params, None)
    else:
        ctx = lib.EVP_PKEY_CTX_new_id(type, None)
    _openssl_assert(ctx)
    try:
        _openssl_assert(lib.EVP_PKEY_keygen_init(ctx) > 0)
        if set_bits is not None:
            _openssl_assert(set_bits(ctx, bits) > 0)
        out = c_void_p()
        _openssl_assert(lib.EVP_PKEY_keygen(ctx, byref(out)) > 0 and out.value)
        _clear()
        return out.value
    finally:
        lib.EVP_PKEY_CTX_free(ctx)


def _paramgen(type, set_bits, bits):
    ctx = lib.EVP_PKEY_CTX_new_id(type, None)
    _openssl_assert(ctx)
    try:
        _openssl_assert(lib.EVP_PKEY_paramgen_init(ctx) > 0)
        _openssl_assert(set_bits(ctx, bits) > 0)
        out = c_void_p()
        _openssl_assert(lib.EVP_PKEY_paramgen(ctx, byref(out)) > 0
                        and out.value)
        return out.value
    finally:
        lib.EVP_PKEY_CTX_free(ctx)


# --------------------------------------------------------------- curves --

class _EllipticCurve(object):
    """A named elliptic curve known to OpenSSL.

    Instances come from :func:`get_elliptic_curves` and
    :func:`get_elliptic_curve`; they compare equal (and hash alike) when
    they name the same curve.

    :ivar name: the curve's OpenSSL short name (``str``).
    """

    _curves = None

    def __init__(self, nid, name):
        self._nid = nid
        self.name = name

    @classmethod
    def _from_nid(cls, nid):
        return cls(nid, text(lib.OBJ_nid2sn(nid)))

    @classmethod
    def _get_elliptic_curves(cls):
        if cls._curves is None:
            count = lib.EC_get_builtin_curves(None, 0)
            array = (_decls_crypto.EC_builtin_curve * count)()
            lib.EC_get_builtin_curves(array, count)
            cls._curves = frozenset(cls._from_nid(c.nid) for c in array)
        return cls._curves

    def __eq__(self, other):
        if not isinstance(other, _EllipticCurve):
            return NotImplemented
        return self._nid == other._nid

    def __ne__(self, other):
        if not isinstance(other, _EllipticCurve):
            return NotImplemented
        return self._nid != other._nid

    def __hash__(self):
        return hash(self._nid)

    def __repr__(self):
        return "<Curve %r>" % (self.name,)


def get_elliptic_curves() -> Set[Any]:
    """Return a set of objects representing the elliptic curves supported in
    the OpenSSL build in use.

    The curve objects have a :py:class:`unicode` ``name`` attribute by which
    they identify themselves.

    The curve objects are useful as values for the argument accepted by
    :py:meth:`pyossl.SSL.Context.set_tmp_ecdh` to specify which elliptical
    curve should be used for ECDHE key exchange.
    """
    return set(_EllipticCurve._get_elliptic_curves())


def get_elliptic_curve(name: str) -> Any:
    """Return a single curve object selected by name.

    See :py:func:`get_elliptic_curves` for information about curve objects.

    :param name: The OpenSSL short name identifying the curve object to
        retrieve.
    :type name: :py:class:`unicode`

    If the named curve is not supported then :py:class:`ValueError` is raised.
    """
    for curve in _EllipticCurve._get_elliptic_curves():
        if curve.name == name:
            return curve
    raise ValueError("unknown curve name", name)


# -------------------------------------------------------------- X509Name --

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
        nid = _OBJ_txt2nid(name.encode("ascii", "replace"))
        if nid == _NID_undef:
            # OBJ_txt2nid may leave errors behind when it fails.
            _clear()
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


class X509Name(_Handle):
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
        _openssl_assert(copy)
        own(self, copy, lib.X509_NAME_free, attr="_ptr")

    @property
    def _name(self):
        """The ``X509_NAME*`` (looked up afresh for live views)."""
        getter = self._getter
        if getter is None:
            return self._ptr
        return getter()

    @_name.setter
    def _name(self, ptr):
        object.__setattr__(self, "_getter", None)
        object.__setattr__(self, "_ptr", ptr)

    @classmethod
    def _from_raw_name_ptr(cls, ptr, owner=None):
        """Wrap the ``X509_NAME*`` *ptr*.

        :param owner: ``None``: *ptr* is borrowed and is copied (the new
            object owns the copy).  Otherwise *ptr* is a borrowed pointer
            into *owner*, which the view keeps alive.
        """
        name = cls.__new__(cls)
        if owner is None:
            copy = lib.X509_NAME_dup(ptr)
            _openssl_assert(copy)
            own(name, copy, lib.X509_NAME_free, attr="_ptr")
        else:
            object.__setattr__(name, "_ptr", ptr)
            object.__setattr__(name, "_owner", owner)
        return name

    @classmethod
    def _live_view(cls, owner, getter):
        """A view whose pointer is ``getter()`` each time it is used."""
        name = cls.__new__(cls)
        object.__setattr__(name, "_owner", owner)
        object.__setattr__(name, "_getter", getter)
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
        ptr = self._name
        # The first old entry of this type is replaced; the new value goes
        # last (as in pyOpenSSL).  It is added before the old one is removed
        # so that a value OpenSSL refuses leaves the name unchanged.  The
        # explicit length keeps values with NUL bytes whole.
        old = lib.X509_NAME_get_index_by_NID(ptr, nid, -1)
        if not lib.X509_NAME_add_entry_by_NID(ptr, nid, _MBSTRING_UTF8, value,
                                              len(value), -1, 0):
            _raise_current_error()
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
        _openssl_assert(length >= 0 and out.value)
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
        _openssl_assert(result)
        return "<X509Name object '%s'>" % (text(buf.value),)

    def hash(self) -> int:
        """Return an integer representation of the first 32 bits of the SHA1
        digest of the name (OpenSSL's ``X509_NAME_hash``).

        :return: The (integer) hash of this name.
        :rtype: :py:class:`int`
        """
        if _GEN >= 2:
            ok = c_int(0)
            result = lib.X509_NAME_hash_ex(self._name, None, None, byref(ok))
            _openssl_assert(ok.value)
            return result
        return lib.X509_NAME_hash(self._name)

    def der(self) -> bytes:
        """Return the DER encoding of this name.

        :return: The DER encoded form of this name.
        :rtype: :py:class:`bytes`
        """
        out = c_void_p()
        length = lib.i2d_X509_NAME(self._name, byref(out))
        _openssl_assert(length >= 0 and out.value)
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
        result = []
        for i in range(lib.X509_NAME_entry_count(ptr)):
            entry = lib.X509_NAME_get_entry(ptr, i)
            nid = lib.OBJ_obj2nid(lib.X509_NAME_ENTRY_get_object(entry))
            short = lib.OBJ_nid2sn(nid) or b"UNDEF"
            value = _asn1_string_bytes(lib.X509_NAME_ENTRY_get_data(entry))
            result.append((short, value))
        return result


X509NameType = X509Name


# ---------------------------------------------------------- X509Extension --

# X509V3_CTX is a public struct that grew over the versions (3.0 appended
# fields); a zeroed buffer this large covers every layout, and zero is what
# X509V3_set_ctx_nodb would write into ``db``.
_X509V3_CTX_SIZE = 256


class X509Extension(_Handle):
    """An X.509 v3 certificate extension."""

    _extension: int      # the owned C handle (set by own())

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
        if issuer is not None and not isinstance(issuer, X509):
            raise TypeError("issuer must be an X509 instance")
        if subject is not None and not isinstance(subject, X509):
            raise TypeError("subject must be an X509 instance")
        ctx = create_string_buffer(_X509V3_CTX_SIZE)
        lib.X509V3_set_ctx(
            ctx, issuer._x509 if issuer is not None else None,
            subject._x509 if subject is not None else None, None, None, 0)
        if critical:
            value = b"critical," + value
        extension = lib.X509V3_EXT_nconf(None, ctx, type_name, value)
        if not extension:
            _raise_current_error()
        _clear()
        own(self, extension, lib.X509_EXTENSION_free, attr="_extension")

    @classmethod
    def _from_raw_extension_ptr(cls, ptr):
        """Wrap *ptr*, taking ownership of it."""
        ext = cls.__new__(cls)
        own(ext, ptr, lib.X509_EXTENSION_free, attr="_extension")
        return ext

    @property
    def _nid(self):
        return lib.OBJ_obj2nid(lib.X509_EXTENSION_get_object(self._extension))

    _prefixes = {lib.GEN_EMAIL: "email", lib.GEN_DNS: "DNS",
                 lib.GEN_URI: "URI"}

    def _subject_alt_name_string(self):
        names = lib.X509V3_EXT_d2i(self._extension)
        if not names:
            _clear()
            return self._printed()
        try:
            parts = []
            for i in range(lib.sk_num(names)):
                gen = lib.sk_value(names, i)
                # GENERAL_NAME {int type; union {ASN1_IA5STRING *ia5; ...} d}
                gen_type = c_int.from_address(gen).value
                label = self._prefixes.get(gen_type)
                if label is None:
                    with MemBIO() as bio:
                        lib.GENERAL_NAME_print(bio.ptr, gen)
                        parts.append(text(bio.data()))
                else:
                    ia5 = c_void_p.from_address(
                        gen + _GENERAL_NAME_D_OFFSET).value
                    parts.append(label + ":" + text(_asn1_string_bytes(ia5)))
            _clear()
            return ", ".join(parts)
        finally:
            lib.GENERAL_NAMES_free(names)

    def _printed(self):
        with MemBIO() as bio:
            _openssl_assert(lib.X509V3_EXT_print(bio.ptr, self._extension,
                                                 0, 0))
            _clear()
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
        return _asn1_string_bytes(lib.X509_EXTENSION_get_data(self._extension))


X509ExtensionType = X509Extension

# offset of the union ``d`` in GENERAL_NAME: an int, then pointer alignment
_GENERAL_NAME_D_OFFSET = sizeof(c_void_p)


# -------------------------------------------------------------------- X509 --

class X509(_Handle):
    """An X.509 certificate."""

    _x509: int      # the owned C handle (set by own())

    def __init__(self) -> None:
        x509 = lib.X509_new()
        _openssl_assert(x509)
        own(self, x509, lib.X509_free, attr="_x509")

    @classmethod
    def _from_raw_x509_ptr(cls, ptr):
        """Wrap *ptr*, taking ownership of that (new) reference."""
        cert = cls.__new__(cls)
        own(cert, ptr, lib.X509_free, attr="_x509")
        return cert

    def to_cryptography(self) -> Any:
        """Export as a ``cryptography`` certificate.

        :rtype: ``cryptography.x509.Certificate``
        :raises ImportError: if ``cryptography`` is not installed.

        .. versionadded:: 17.1.0
        """
        x509 = _cryptography("x509")
        return x509.load_der_x509_certificate(
            dump_certificate(FILETYPE_ASN1, self))

    @classmethod
    def from_cryptography(cls, crypto_cert: Any) -> "X509":
        """Construct based on a ``cryptography`` *crypto_cert*.

        :param crypto_cert: A ``cryptography`` X.509 certificate.
        :type crypto_cert: ``cryptography.x509.Certificate``
        :rtype: X509

        .. versionadded:: 17.1.0
        """
        x509 = _cryptography("x509")
        serialization = _cryptography("serialization")
        if not isinstance(crypto_cert, x509.Certificate):
            raise TypeError("Must be a certificate")
        der = crypto_cert.public_bytes(serialization.Encoding.DER)
        return load_certificate(FILETYPE_ASN1, der)

    def set_version(self, version: int) -> None:
        """Set the version number of the certificate.

        :param version: The version number of the certificate.
        :type version: :py:class:`int`

        :return: ``None``
        """
        _check_c_int(version, "version", _LONG_BITS)
        _openssl_assert(lib.X509_set_version(self._x509, version) == 1)

    def get_version(self) -> int:
        """Return the version number of the certificate.

        :return: The version number of the certificate.
        :rtype: :py:class:`int`
        """
        return lib.X509_get_version(self._x509)

    def get_pubkey(self) -> "PKey":
        """Get the public key of the certificate.

        :return: The public key.
        :rtype: :py:class:`PKey`
        """
        pkey = lib.X509_get_pubkey(self._x509)
        if not pkey:
            _raise_current_error()
        return PKey._from_raw_pkey_ptr(pkey, only_public=True)

    def set_pubkey(self, pkey: "PKey") -> None:
        """Set the public key of the certificate.

        :param pkey: The public key.
        :type pkey: :py:class:`PKey`

        :return: :py:data:`None`
        """
        if not isinstance(pkey, PKey):
            raise TypeError("pkey must be a PKey instance")
        _openssl_assert(lib.X509_set_pubkey(self._x509, pkey._pkey) == 1)

    def sign(self, pkey: "PKey", digest: Union[str, bytes]) -> None:
        """Sign the certificate using the supplied key and digest type.

        :param pkey: The key to sign with.
        :type pkey: :py:class:`PKey`

        :param digest: The name of the message digest to use.
        :type digest: :py:class:`bytes`

        :return: :py:data:`None`
        """
        _check_signing_key(pkey)
        md = _digest_by_name(digest)
        _openssl_assert(lib.X509_sign(self._x509, pkey._pkey, md) > 0)

    def get_signature_algorithm(self) -> bytes:
        """Return the signature algorithm used in the certificate.

        :return: The name of the algorithm.
        :rtype: :py:class:`bytes`

        :raises ValueError: If the signature algorithm is undefined.

        .. versionadded:: 0.13
        """
        nid = lib.X509_get_signature_nid(self._x509)
        if nid == _NID_undef:
            _clear()
            raise ValueError("Undefined signature algorithm")
        return lib.OBJ_nid2ln(nid)

    def digest(self, digest_name: Union[str, bytes]) -> bytes:
        """Return the digest of the X509 object.

        :param digest_name: The name of the digest algorithm to use.
        :type digest_name: :py:class:`bytes`

        :return: The digest of the object, formatted as
            ``b":"``-delimited hex pairs.
        :rtype: :py:class:`bytes`
        """
        md = _digest_by_name(digest_name)
        buf = create_string_buffer(lib.EVP_MAX_MD_SIZE)
        length = c_uint(len(buf))
        _openssl_assert(lib.X509_digest(self._x509, md, buf, byref(length))
                        == 1)
        return b":".join(b16encode(buf.raw[i:i + 1]).upper()
                         for i in range(length.value))

    def subject_name_hash(self) -> int:
        """Return the hash of the X509 subject.

        :return: The hash of the subject.
        :rtype: :py:class:`int`
        """
        return lib.X509_subject_name_hash(self._x509)

    def set_serial_number(self, serial: int) -> None:
        """Set the serial number of the certificate.

        :param serial: The new serial number.
        :type serial: :py:class:`int`

        :return: :py:data`None`
        :raises Error: for a negative serial number.
        """
        if not isinstance(serial, int):
            raise TypeError("serial must be an integer")
        if serial < 0:
            raise Error([("x509", "set_serial_number",
                          "serial number must not be negative")])
        integer = _int_to_asn1_integer(serial)
        try:
            _openssl_assert(lib.X509_set_serialNumber(self._x509, integer)
                            == 1)
        finally:
            lib.ASN1_INTEGER_free(integer)

    def get_serial_number(self) -> int:
        """Return the serial number of this certificate.

        :return: The serial number.
        :rtype: int
        """
        return _asn1_integer_to_int(lib.X509_get_serialNumber(self._x509))

    def gmtime_adj_notAfter(self, amount: int) -> None:
        """Adjust the time stamp on which the certificate stops being valid.

        :param int amount: The number of seconds by which to adjust the
            timestamp.
        :return: ``None``
        """
        _check_c_int(amount, "amount", _LONG_BITS)
        _openssl_assert(lib.X509_gmtime_adj(lib.X509_getm_notAfter(self._x509),
                                            amount))

    def gmtime_adj_notBefore(self, amount: int) -> None:
        """Adjust the timestamp on which the certificate starts being valid.

        :param amount: The number of seconds by which to adjust the timestamp.
        :return: ``None``
        """
        _check_c_int(amount, "amount", _LONG_BITS)
        _openssl_assert(lib.X509_gmtime_adj(
            lib.X509_getm_notBefore(self._x509), amount))

    def has_expired(self) -> bool:
        """Check whether the certificate has expired.

        :return: ``True`` if the certificate has expired, ``False`` otherwise.
        :rtype: bool
        :raises TypeError: if the certificate has no notAfter time.
        :raises ValueError: if OpenSSL cannot read the notAfter time.
        """
        not_after = self.get_notAfter()
        if not_after is None:
            raise TypeError("the certificate has no notAfter time")
        result = lib.X509_cmp_current_time(lib.X509_getm_notAfter(self._x509))
        if result == 0:         # OpenSSL cannot read the time
            _clear()
            raise ValueError("invalid notAfter time %r" % (not_after,))
        return result < 0

    def get_notBefore(self) -> Optional[bytes]:
        """Get the timestamp at which the certificate starts being valid.

        The timestamp is formatted as an ASN.1 GENERALIZEDTIME::

            YYYYMMDDhhmmssZ
            YYYYMMDDhhmmss+hhmm
            YYYYMMDDhhmmss-hhmm

        :return: A timestamp string, or ``None`` if there is none.
        :rtype: bytes or NoneType
        """
        return _get_asn1_time(lib.X509_getm_notBefore(self._x509))

    def set_notBefore(self, when: bytes) -> None:
        """Set the timestamp at which the certificate starts being valid.

        The timestamp is formatted as an ASN.1 GENERALIZEDTIME::

            YYYYMMDDhhmmssZ
            YYYYMMDDhhmmss+hhmm
            YYYYMMDDhhmmss-hhmm

        :param bytes when: A timestamp string.
        :return: ``None``
        """
        _set_asn1_time(lib.X509_getm_notBefore(self._x509), when)

    def get_notAfter(self) -> Optional[bytes]:
        """Get the timestamp at which the certificate stops being valid.

        The timestamp is formatted as an ASN.1 GENERALIZEDTIME::

            YYYYMMDDhhmmssZ
            YYYYMMDDhhmmss+hhmm
            YYYYMMDDhhmmss-hhmm

        :return: A timestamp string, or ``None`` if there is none.
        :rtype: bytes or NoneType
        """
        return _get_asn1_time(lib.X509_getm_notAfter(self._x509))

    def set_notAfter(self, when: bytes) -> None:
        """Set the timestamp at which the certificate stops being valid.

        The timestamp is formatted as an ASN.1 GENERALIZEDTIME::

            YYYYMMDDhhmmssZ
            YYYYMMDDhhmmss+hhmm
            YYYYMMDDhhmmss-hhmm

        :param bytes when: A timestamp string.
        :return: ``None``
        """
        _set_asn1_time(lib.X509_getm_notAfter(self._x509), when)

    def get_issuer(self) -> "X509Name":
        """Return the issuer of this certificate.

        This creates a new :class:`X509Name` that wraps the underlying issuer
        name field on the certificate. Modifying it will modify the underlying
        certificate, and will have the effect of modifying any other
        :class:`X509Name` that refers to this issuer.

        :return: The issuer of this certificate.
        :rtype: :class:`X509Name`
        """
        return self._name_view(lib.X509_get_issuer_name)

    def set_issuer(self, issuer: "X509Name") -> None:
        """Set the issuer of this certificate.

        :param issuer: The issuer.
        :type issuer: :py:class:`X509Name`

        :return: ``None``
        """
        self._set_name(lib.X509_set_issuer_name, issuer)

    def get_subject(self) -> "X509Name":
        """Return the subject of this certificate.

        This creates a new :py:class:`X509Name` that wraps the underlying
        subject name field on the certificate. Modifying it will modify the
        underlying certificate, and will have the effect of modifying any
        other :py:class:`X509Name` that refers to this subject.

        :return: The subject of this certificate.
        :rtype: :py:class:`X509Name`
        """
        return self._name_view(lib.X509_get_subject_name)

    def set_subject(self, subject: "X509Name") -> None:
        """Set the subject of this certificate.

        :param subject: The subject.
        :type subject: :py:class:`X509Name`

        :return: ``None``
        """
        self._set_name(lib.X509_set_subject_name, subject)

    def _name_view(self, getter):
        # The view looks the name up on every use: set_subject/set_issuer
        # replace (and free) the X509_NAME, and a view must never dangle.
        def current(getter=getter, cert=self):
            ptr = getter(cert._x509)
            _openssl_assert(ptr)
            return ptr
        return X509Name._live_view(self, current)

    def _set_name(self, setter, name):
        if not isinstance(name, X509Name):
            raise TypeError("name must be an X509Name")
        _openssl_assert(setter(self._x509, name._name) == 1)

    def get_extension_count(self) -> int:
        """Get the number of extensions on this certificate.

        :return: The number of extensions.
        :rtype: :py:class:`int`

        .. versionadded:: 0.12
        """
        return lib.X509_get_ext_count(self._x509)

    def add_extensions(self,
                       extensions: Iterable["X509Extension"]) -> None:
        """Add extensions to the certificate.

        :param extensions: The extensions to add.
        :type extensions: An iterable of :py:class:`X509Extension` objects.
        :return: ``None``
        """
        for ext in extensions:
            if not isinstance(ext, X509Extension):
                raise ValueError("One of the elements is not an X509Extension")
            if not lib.X509_add_ext(self._x509, ext._extension, -1):
                _raise_current_error()

    def get_extension(self, index: int) -> "X509Extension":
        """Get a specific extension of the certificate by index.

        Extensions on a certificate are kept in order. The index
        parameter selects which extension will be returned.

        :param int index: The index of the extension to retrieve.
        :return: The extension at the specified index.
        :rtype: :py:class:`X509Extension`
        :raises IndexError: If the extension index was out of bounds.

        .. versionadded:: 0.12
        """
        if not isinstance(index, int):
            raise TypeError("index must be an integer")
        if not 0 <= index < lib.X509_get_ext_count(self._x509):
            raise IndexError("extension index out of bounds")
        ext = lib.X509_get_ext(self._x509, index)
        if not ext:
            _clear()
            raise IndexError("extension index out of bounds")
        copy = lib.X509_EXTENSION_dup(ext)
        _openssl_assert(copy)
        return X509Extension._from_raw_extension_ptr(copy)


X509Type = X509


def _check_signing_key(pkey):
    if not isinstance(pkey, PKey):
        raise TypeError("pkey must be a PKey instance")
    if pkey._only_public:
        raise ValueError("Key only has public part")
    if not pkey._initialized:
        raise ValueError("Key is uninitialized")


# ----------------------------------------------------------------- X509Req --

class X509Req(_Handle):
    """An X.509 certificate signing requests."""

    _req: int      # the owned C handle (set by own())

    def __init__(self) -> None:
        req = lib.X509_REQ_new()
        _openssl_assert(req)
        own(self, req, lib.X509_REQ_free, attr="_req")
        # Default to version 0.
        self.set_version(0)

    @classmethod
    def _from_raw_req_ptr(cls, ptr):
        req = cls.__new__(cls)
        own(req, ptr, lib.X509_REQ_free, attr="_req")
        return req

    def to_cryptography(self) -> Any:
        """Export as a ``cryptography`` certificate signing request.

        :rtype: ``cryptography.x509.CertificateSigningRequest``

        .. versionadded:: 17.1.0
        """
        x509 = _cryptography("x509")
        return x509.load_der_x509_csr(
            dump_certificate_request(FILETYPE_ASN1, self))

    @classmethod
    def from_cryptography(cls, crypto_req: Any) -> "X509Req":
        """Construct based on a ``cryptography`` *crypto_req*.

        :param crypto_req: A ``cryptography`` X.509 certificate signing
            request.
        :type crypto_req: ``cryptography.x509.CertificateSigningRequest``
        :rtype: X509Req

        .. versionadded:: 17.1.0
        """
        x509 = _cryptography("x509")
        serialization = _cryptography("serialization")
        if not isinstance(crypto_req, x509.CertificateSigningRequest):
            raise TypeError("Must be a certificate signing request")
        der = crypto_req.public_bytes(serialization.Encoding.DER)
        return load_certificate_request(FILETYPE_ASN1, der)

    def set_pubkey(self, pkey: "PKey") -> None:
        """Set the public key of the certificate signing request.

        :param pkey: The public key to use.
        :type pkey: :py:class:`PKey`

        :return: ``None``
        """
        if not isinstance(pkey, PKey):
            raise TypeError("pkey must be a PKey instance")
        _openssl_assert(lib.X509_REQ_set_pubkey(self._req, pkey._pkey) == 1)

    def get_pubkey(self) -> "PKey":
        """Get the public key of the certificate signing request.

        :return: The public key.
        :rtype: :py:class:`PKey`
        """
        pkey = lib.X509_REQ_get_pubkey(self._req)
        if not pkey:
            _raise_current_error()
        return PKey._from_raw_pkey_ptr(pkey, only_public=True)

    def set_version(self, version: int) -> None:
        """Set the version subfield (RFC 2459, section 4.1.2.1) of the
        certificate request.

        :param int version: The version number.
        :return: ``None``
        """
        _check_c_int(version, "version", _LONG_BITS)
        _openssl_assert(lib.X509_REQ_set_version(self._req, version) == 1)

    def get_version(self) -> int:
        """Get the version subfield (RFC 2459, section 4.1.2.1) of the
        certificate request.

        :return: The value of the version subfield.
        :rtype: :py:class:`int`
        """
        return lib.X509_REQ_get_version(self._req)

    def get_subject(self) -> "X509Name":
        """Return the subject of this certificate signing request.

        This creates a new :class:`X509Name` that wraps the underlying subject
        name field on the certificate signing request. Modifying it will
        modify the underlying signing request, and will have the effect of
        modifying any other :class:`X509Name` that refers to this subject.

        :return: The subject of this certificate signing request.
        :rtype: :class:`X509Name`
        """
        getter = lib.X509_REQ_get_subject_name

        def current(req=self):
            ptr = getter(req._req)
            _openssl_assert(ptr)
            return ptr
        return X509Name._live_view(self, current)

    def add_extensions(self,
                       extensions: Iterable["X509Extension"]) -> None:
        """Add extensions to the certificate signing request.

        :param extensions: The X.509 extensions to add.
        :type extensions: iterable of :py:class:`X509Extension`
        :return: ``None``
        """
        extensions = list(extensions)
        for ext in extensions:
            if not isinstance(ext, X509Extension):
                raise ValueError("One of the elements is not an X509Extension")
        stack = lib.sk_new_null()
        _openssl_assert(stack)
        try:
            for ext in extensions:
                _openssl_assert(lib.sk_push(stack, ext._extension) > 0)
            _openssl_assert(lib.X509_REQ_add_extensions(self._req, stack) == 1)
        finally:
            lib.sk_free(stack)      # the extensions themselves stay ours

    def get_extensions(self) -> List["X509Extension"]:
        """Get X.509 extensions in the certificate signing request.

        :return: The X.509 extensions in this request.
        :rtype: :py:class:`list` of :py:class:`X509Extension` objects.

        .. versionadded:: 0.15
        """
        stack = lib.X509_REQ_get_extensions(self._req)
        if not stack:
            _clear()
            return []
        result = []
        try:
            for i in range(lib.sk_num(stack)):
                # The stack and its elements are new: each one is taken over.
                result.append(X509Extension._from_raw_extension_ptr(
                    lib.sk_value(stack, i)))
        finally:
            lib.sk_free(stack)
        return result

    def sign(self, pkey: "PKey", digest: Union[str, bytes]) -> None:
        """Sign the certificate signing request with this key and digest type.

        :param pkey: The key pair to sign with.
        :type pkey: :py:class:`PKey`
        :param digest: The name of the message digest to use for the signature,
            e.g. ``b"sha256"``.
        :type digest: :py:class:`bytes`
        :return: ``None``
        """
        _check_signing_key(pkey)
        md = _digest_by_name(digest)
        _openssl_assert(lib.X509_REQ_sign(self._req, pkey._pkey, md) > 0)

    def verify(self, pkey: "PKey") -> bool:
        """Verifies the signature on this certificate signing request.

        :param PKey key: A public key.

        :return: ``True`` if the signature is correct.
        :rtype: bool

        :raises Error: If the signature is invalid or there is
            a problem verifying the signature.
        """
        if not isinstance(pkey, PKey):
            raise TypeError("pkey must be a PKey instance")
        result = lib.X509_REQ_verify(self._req, pkey._pkey)
        if result <= 0:
            _raise_current_error()
        return True


X509ReqType = X509Req


# ----------------------------------------------------------- serialization --

def load_certificate(type: int, buffer: Union[str, bytes]) -> "X509":
    """Load a certificate from a buffer

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1)

    :param bytes buffer: The buffer the certificate is stored in

    :return: The X509 object
    """
    buffer = _buffer_arg(buffer)
    _check_type(type, _PEM_ASN1, _MSG_PEM_ASN1)
    with MemBIO(buffer) as bio:
        if type == FILETYPE_PEM:
            x509 = lib.PEM_read_bio_X509(bio.ptr, None, None, None)
        else:
            x509 = lib.d2i_X509_bio(bio.ptr, None)
    if not x509:
        _raise_current_error()
    _clear()
    return X509._from_raw_x509_ptr(x509)


def dump_certificate(type: int, cert: "X509") -> bytes:
    """Dump a certificate to a buffer

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1, or
        FILETYPE_TEXT)
    :param cert: The certificate to dump
    :return: The buffer with the dumped certificate in
    """
    if not isinstance(cert, X509):
        raise TypeError("cert must be an X509 instance")
    _check_type(type, _ALL_TYPES, _MSG_ALL)
    if type == FILETYPE_PEM:
        return _write_to_bio("PEM_write_bio_X509", cert._x509)
    if type == FILETYPE_ASN1:
        return _write_to_bio("i2d_X509_bio", cert._x509)
    return _write_to_bio("X509_print_ex", cert._x509, 0, 0)


def load_certificate_request(type: int,
                             buffer: Union[str, bytes]) -> "X509Req":
    """Load a certificate request from a buffer

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1)
    :param buffer: The buffer the certificate request is stored in
    :return: The X509Req object
    """
    buffer = _buffer_arg(buffer)
    _check_type(type, _PEM_ASN1, _MSG_PEM_ASN1)
    with MemBIO(buffer) as bio:
        if type == FILETYPE_PEM:
            req = lib.PEM_read_bio_X509_REQ(bio.ptr, None, None, None)
        else:
            req = lib.d2i_X509_REQ_bio(bio.ptr, None)
    if not req:
        _raise_current_error()
    _clear()
    return X509Req._from_raw_req_ptr(req)


def dump_certificate_request(type: int, req: "X509Req") -> bytes:
    """Dump a certificate request to a buffer

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1,
        FILETYPE_TEXT)
    :param req: The certificate request to dump
    :return: The buffer with the dumped certificate request in
    """
    if not isinstance(req, X509Req):
        raise TypeError("req must be an X509Req instance")
    _check_type(type, _ALL_TYPES, _MSG_ALL)
    if type == FILETYPE_PEM:
        return _write_to_bio("PEM_write_bio_X509_REQ", req._req)
    if type == FILETYPE_ASN1:
        return _write_to_bio("i2d_X509_REQ_bio", req._req)
    return _write_to_bio("X509_REQ_print_ex", req._req, 0, 0)


class _PassphraseHelper(object):
    """Where the one PEM password thunk finds the passphrase of this call."""

    __slots__ = ("passphrase", "key")

    def __init__(self, type, passphrase):
        if type != FILETYPE_PEM and passphrase is not None:
            raise ValueError(
                "only FILETYPE_PEM key format supports encryption")
        if not (passphrase is None or isinstance(passphrase, bytes)
                or callable(passphrase)):
            raise TypeError("Last argument must be string or callable")
        self.passphrase = passphrase
        self.key = None

    def __enter__(self):
        self.key = _util.handles.new(self)
        return self.key

    def __exit__(self, *exc):
        _util.handles.free(self.key)


@_util.callback(PEM_PASSWORD_CB, 0)
def _passphrase_callback(buf, size, rwflag, userdata):
    helper = _util.handles.get(userdata)
    if helper is None or helper.passphrase is None:
        return 0            # no passphrase: fail instead of prompting
    passphrase = helper.passphrase
    if isinstance(passphrase, bytes):
        result = passphrase[:size]      # as OpenSSL's default callback
    else:
        result = passphrase(rwflag)
        if not isinstance(result, bytes):
            raise ValueError("String expected")
        if len(result) > size:
            raise ValueError("passphrase returned by callback is too long")
    memmove(buf, result, len(result))
    return len(result)


_passphrase_cb_ptr = cast(_passphrase_callback, c_void_p).value


def load_privatekey(type: int, buffer: Union[str, bytes],
                    passphrase: Any = None) -> PKey:
    """Load a private key from a buffer

    :param type: The file type (one of FILETYPE_PEM, FILETYPE_ASN1)
    :param buffer: The buffer the key is stored in
    :param passphrase: (optional) if encrypted PEM format, this can be
        either the passphrase to use, or a callback for providing the
        passphrase.

    :return: The PKey object
    """
    buffer = _buffer_arg(buffer)
    helper = _PassphraseHelper(type, passphrase)
    _check_type(type, _PEM_ASN1, _MSG_PEM_ASN1)
    with MemBIO(buffer) as bio:
        if type == FILETYPE_PEM:
            with helper as key:
                pkey = lib.PEM_read_bio_PrivateKey(
                    bio.ptr, None, _passphrase_cb_ptr, key)
            if _util.callback_failed():
                if pkey:
                    lib.EVP_PKEY_free(pkey)
                _util.check_callbacks()
        else:
            pkey = lib.d2i_PrivateKey_bio(bio.ptr, None)
    if not pkey:
        _raise_current_error()
    _clear()
    return PKey._from_raw_pkey_ptr(pkey)


def dump_privatekey(type: int, pkey: PKey,
                    cipher: Optional[Union[str, bytes]] = None,
                    passphrase: Any = None) -> bytes:
    """Dump the private key *pkey* into a buffer string encoded with the type
    *type*.  Optionally (if *type* is :const:`FILETYPE_PEM`) encrypting it
    using *cipher* and *passphrase*.

    :param type: The file type (one of :const:`FILETYPE_PEM`,
        :const:`FILETYPE_ASN1`, or :const:`FILETYPE_TEXT`)
    :param PKey pkey: The PKey to dump
    :param cipher: (optional) if encrypted PEM format, the cipher to use
    :param passphrase: (optional) if encrypted PEM format, this can be either
        the passphrase to use, or a callback for providing the passphrase.

    :return: The buffer with the dumped key in
    :rtype: bytes
    """
    if not isinstance(pkey, PKey):
        raise TypeError("pkey must be a PKey instance")
    if cipher is not None:
        if passphrase is None:
            raise TypeError(
                "if a value is given for cipher "
                "one must also be given for passphrase")
        cipher_obj = lib.EVP_get_cipherbyname(_bytes_arg(cipher, "cipher"))
        if not cipher_obj:
            _clear()
            raise ValueError("Invalid cipher name")
    else:
        cipher_obj = None
    helper = _PassphraseHelper(type, passphrase)
    _check_type(type, _ALL_TYPES, _MSG_ALL)
    if pkey._only_public:
        raise Error([("crypto", "dump_privatekey",
                      "the key has no private part")])
    with MemBIO() as bio:
        if type == FILETYPE_PEM:
            with helper as key:
                ok = lib.PEM_write_bio_PrivateKey(
                    bio.ptr, pkey._pkey, cipher_obj, None, 0,
                    _passphrase_cb_ptr, key)
            _util.check_callbacks()
        elif type == FILETYPE_ASN1:
            ok = lib.i2d_PrivateKey_bio(bio.ptr, pkey._pkey)
        else:
            ok = lib.EVP_PKEY_print_private(bio.ptr, pkey._pkey, 0, None)
        _openssl_assert(ok > 0)
        _clear()
        return bio.data()


def load_publickey(type: int, buffer: Union[str, bytes]) -> PKey:
    """Load a public key from a buffer.

    :param type: The file type (one of :data:`FILETYPE_PEM`,
        :data:`FILETYPE_ASN1`).
    :param buffer: The buffer the key is stored in.
    :type buffer: str or bytes
    :return: The PKey object.
    :rtype: :class:`PKey`
    """
    buffer = _buffer_arg(buffer)
    _check_type(type, _PEM_ASN1, _MSG_PEM_ASN1)
    with MemBIO(buffer) as bio:
        if type == FILETYPE_PEM:
            pkey = lib.PEM_read_bio_PUBKEY(bio.ptr, None, None, None)
        else:
            pkey = lib.d2i_PUBKEY_bio(bio.ptr, None)
    if not pkey:
        _raise_current_error()
    _clear()
    return PKey._from_raw_pkey_ptr(pkey, only_public=True)


def dump_publickey(type: int, pkey: PKey) -> bytes:
    """Dump a public key to a buffer.

    :param type: The file type (one of :data:`FILETYPE_PEM` or
        :data:`FILETYPE_ASN1`).
    :param PKey pkey: The public key to dump
    :return: The buffer with the dumped key in it.
    :rtype: bytes
    """
    if not isinstance(pkey, PKey):
        raise TypeError("pkey must be a PKey instance")
    _check_type(type, _PEM_ASN1, _MSG_PEM_ASN1)
    if type == FILETYPE_PEM:
        return _write_to_bio("PEM_write_bio_PUBKEY", pkey._pkey)
    return _write_to_bio("i2d_PUBKEY_bio", pkey._pkey)


# -------------------------------------------------------------- signatures --

class _MDContext(object):
    __slots__ = ("ptr",)

    def __init__(self, md):
        self.ptr = lib.EVP_MD_CTX_new()
        _openssl_assert(self.ptr)
        if lib.EVP_DigestInit_ex(self.ptr, md, None) != 1:
            self.close()
            _raise_current_error()

    def close(self):
        if self.ptr:
            lib.EVP_MD_CTX_free(self.ptr)
            self.ptr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def sign(pkey: PKey, data: bytes, digest: Union[str, bytes]) -> bytes:
    """Sign a data string using the given key and message digest.

    :param pkey: PKey to sign with
    :param data: data to be signed
    :param digest: message digest to use
    :return: signature

    .. versionadded:: 0.11
    """
    data = text_to_bytes_and_warn("data", data)
    if not isinstance(data, bytes):
        raise TypeError("data must be bytes")
    if not isinstance(pkey, PKey):
        raise TypeError("pkey must be a PKey instance")
    md = _digest_by_name(digest)
    if pkey._only_public or not pkey._initialized:
        # OpenSSL 1.0.2 would dereference the missing private part.
        raise Error([("crypto", "sign", "the key has no private part")])
    length = lib.EVP_PKEY_size(pkey._pkey)
    _openssl_assert(length > 0)
    buf = create_string_buffer(length)
    out_len = c_uint(0)
    with _MDContext(md) as ctx:
        _openssl_assert(lib.EVP_DigestUpdate(ctx.ptr, data, len(data)) == 1)
        _openssl_assert(lib.EVP_SignFinal(ctx.ptr, buf, byref(out_len),
                                          pkey._pkey) == 1)
    return buf.raw[:out_len.value]


def verify(cert: "X509", signature: bytes, data: bytes,
           digest: Union[str, bytes]) -> None:
    """Verify a signature.

    :param cert: signing certificate (X509 object)
    :param signature: signature returned by sign function
    :param data: data to be verified
    :param digest: message digest to use
    :return: ``None`` if the signature is correct, raise exception otherwise.

    .. versionadded:: 0.11
    """
    data = text_to_bytes_and_warn("data", data)
    if not isinstance(cert, X509):
        raise TypeError("cert must be an X509 instance")
    if not isinstance(signature, bytes) or not isinstance(data, bytes):
        raise TypeError("signature and data must be bytes")
    md = _digest_by_name(digest)
    pkey = lib.X509_get_pubkey(cert._x509)
    if not pkey:
        _raise_current_error()
    try:
        with _MDContext(md) as ctx:
            _openssl_assert(lib.EVP_DigestUpdate(ctx.ptr, data, len(data))
                            == 1)
            result = lib.EVP_VerifyFinal(ctx.ptr, signature, len(signature),
                                         pkey)
    finally:
        lib.EVP_PKEY_free(pkey)
    if result != 1:
        _raise_current_error()


# ------------------------------------------------------------ cryptography --

def _cryptography(module):
    try:
        if module == "x509":
            from cryptography import x509
            return x509
        from cryptography.hazmat.primitives import serialization
        return serialization
    except ImportError as exc:
        raise ImportError(
            "this needs the optional 'cryptography' package (%s)" % (exc,))


def _crypto_key_types(kind):
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
    names = [(rsa, "RSA"), (dsa, "DSA"), (ec, "EllipticCurve")]
    types = [getattr(mod, prefix + kind) for mod, prefix in names]
    # Not DH, as in pyOpenSSL: cryptography deprecates FFDH and warns on
    # any access to its dh key classes, which would make every conversion
    # warn (fatal under -W error).
    for modname, cls in (("ed25519", "Ed25519"), ("ed448", "Ed448"),
                         ("x25519", "X25519"), ("x448", "X448")):
        try:
            mod = __import__("cryptography.hazmat.primitives.asymmetric."
                             + modname, fromlist=["_"])
            types.append(getattr(mod, cls + kind))
        except (ImportError, AttributeError):
            pass
    return tuple(types)


def _is_crypto_public_key(obj):
    return isinstance(obj, _crypto_key_types("PublicKey"))


def _is_crypto_private_key(obj):
    return isinstance(obj, _crypto_key_types("PrivateKey"))


# crypto, part 2 (stores, CRLs, PKCS#7, PKCS#12, SPKI) lives in _pki.py
from ._pki import *  # noqa: E402,F401,F403
