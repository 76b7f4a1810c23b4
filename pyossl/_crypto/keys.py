"""Keys (:class:`PKey`), key generation, the private-key check every signing
method shares, and named elliptic curves."""

from typing import Any, Set

from .._binding import layouts
from .._runtime.convert import c_int_arg
from .._runtime.library import lib
from .._runtime.ownership import Owner, free_now
from .._runtime.scoped import MemBIO, scoped
from .._runtime.text import text
from .common import (FILETYPE_ASN1, Error, clear, cryptography,
                     openssl_assert, raise_error, read_from_bio, write_to_bio)

TYPE_RSA = lib.EVP_PKEY_RSA
TYPE_DSA = lib.EVP_PKEY_DSA
TYPE_DH = lib.EVP_PKEY_DH
TYPE_EC = lib.EVP_PKEY_EC


class PKey(Owner):
    """A class representing a DSA or RSA public key or key pair.

    A new ``PKey`` is empty; fill it with :meth:`generate_key`.
    """

    _pkey: int      # the owned C handle
    _handle_attr = "_pkey"
    _handle_free = "EVP_PKEY_free"

    _only_public = False
    _initialized = True

    def __init__(self) -> None:
        pkey = lib.EVP_PKEY_new()
        openssl_assert(pkey)
        self._own(pkey)
        self._initialized = False

    def to_cryptography_key(self) -> Any:
        """Export as a ``cryptography`` key.

        :rtype: One of ``cryptography``'s key interfaces.
        :raises ImportError: if ``cryptography`` is not installed.

        .. versionadded:: 16.1.0
        """
        serialization = cryptography("serialization")
        if self._only_public:
            der = write_to_bio("i2d_PUBKEY_bio", self._pkey)
            return serialization.load_der_public_key(der)
        with MemBIO() as bio:
            ok = lib.i2d_PKCS8PrivateKey_bio(bio.ptr, self._pkey, None, None,
                                             0, None, None)
            openssl_assert(ok > 0)
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
        serialization = cryptography("serialization")
        if _is_crypto_public_key(crypto_key):
            der = crypto_key.public_bytes(
                serialization.Encoding.DER,
                serialization.PublicFormat.SubjectPublicKeyInfo)
            return cls._from_owned(read_from_bio(
                "PEM_read_bio_PUBKEY", "d2i_PUBKEY_bio", FILETYPE_ASN1, der),
                _only_public=True)
        if _is_crypto_private_key(crypto_key):
            der = crypto_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption())
            return cls._from_owned(read_from_bio(
                "PEM_read_bio_PrivateKey", "d2i_PrivateKey_bio",
                FILETYPE_ASN1, der))
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
        :raises OverflowError: If it does not fit in a C ``int``.
        :raises Error: for an unsupported type or when generation fails.
        :return: ``None``

        The limits are OpenSSL's, as with pyOpenSSL (``RSA_generate_key_ex``
        and ``DSA_generate_parameters_ex``): OpenSSL 1.1.0 and later refuse
        RSA keys below 512 bits; OpenSSL 1.0.2 makes smaller ones, but loops
        forever below 32 bits, so pyossl refuses those there.  DSA keys of
        512 bits and more generate on every version.
        """
        if not isinstance(type, int):
            raise TypeError("type must be an integer")
        if not isinstance(bits, int):
            raise TypeError("bits must be an integer")
        if type not in (TYPE_RSA, TYPE_DSA):
            raise Error([("pyossl", "generate_key", "No such key type")])
        if type == TYPE_RSA:
            if bits <= 0:
                raise ValueError("Invalid number of bits")
            bits = c_int_arg(bits, "bits")
            if bits < _RSA_MIN_BITS:
                raise Error([("pyossl", "RSA_generate_key_ex",
                              "OpenSSL %s never finishes generating RSA keys "
                              "of fewer than %d bits" % (
                                  lib.version_string, _RSA_MIN_BITS))])
            new = _generate(TYPE_RSA, bits)
        else:
            new = _generate(TYPE_DSA, c_int_arg(bits, "bits"))
        free_now(self, "_pkey")
        self._own(new)
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
        result = lib.check_rsa_key(self._pkey)
        if result == 1:
            clear()
            return True
        raise_error()

    def type(self) -> int:
        """Returns the type of the key

        :return: The type of the key.
        """
        result = lib.EVP_PKEY_base_id(self._pkey)
        if not result:
            clear()        # 3.x complains about an empty key
        return result

    def bits(self) -> int:
        """Returns the number of bits of the key

        :return: The number of bits of the key.
        """
        result = lib.EVP_PKEY_bits(self._pkey)
        if not result:
            clear()
        return result


PKeyType = PKey


# OpenSSL 1.0.2's RSA_generate_key_ex loops forever for some sizes below
# 32 bits (pyOpenSSL's tests note it); later versions refuse them.
_RSA_MIN_BITS = 1 if lib.since("1.1") else 32


def _generate(type, bits):
    """A new ``EVP_PKEY*`` holding a fresh RSA or DSA key of *bits* bits."""
    if type == TYPE_RSA:
        exponent = scoped(lib.BN_new(), lib.BN_free)
        key = scoped(lib.RSA_new(), lib.RSA_free)
        with exponent as e, key as k:
            openssl_assert(e and k)
            openssl_assert(lib.BN_set_word(e, 65537) == 1)
            if lib.RSA_generate_key_ex(k, bits, e, None) != 1:
                raise_error("RSA_generate_key_ex",
                            "cannot generate a %d-bit RSA key" % (bits,))
            return _assign(TYPE_RSA, key)
    key = scoped(lib.DSA_new(), lib.DSA_free)
    with key as k:
        openssl_assert(k)
        if lib.DSA_generate_parameters_ex(k, bits, None, 0, None, None,
                                          None) != 1:
            raise_error("DSA_generate_parameters_ex",
                        "cannot generate %d-bit DSA parameters" % (bits,))
        openssl_assert(lib.DSA_generate_key(k) == 1, "DSA_generate_key")
        return _assign(TYPE_DSA, key)


def _assign(type, key):
    """A new ``EVP_PKEY*`` that takes over the scoped RSA/DSA *key*."""
    pkey = lib.EVP_PKEY_new()
    openssl_assert(pkey)
    if lib.EVP_PKEY_assign(pkey, type, key.ptr) != 1:
        lib.EVP_PKEY_free(pkey)
        raise_error("EVP_PKEY_assign")
    key.release()           # the EVP_PKEY owns it now
    clear()
    return pkey


def signing_key(pkey, what="pkey", initialized=True):
    """*pkey*, checked before OpenSSL signs with it (1.0.2 would crash on a
    public-only key).

    :param initialized: also refuse a :class:`PKey` that holds no key yet
        (where OpenSSL would not fail cleanly).
    :raises TypeError: if it is not a :class:`PKey`.
    :raises ValueError: if it has no private part (or no key).
    """
    if not isinstance(pkey, PKey):
        raise TypeError("%s must be a PKey instance" % (what,))
    if pkey._only_public:
        raise ValueError("Key only has public part")
    if initialized and not pkey._initialized:
        raise ValueError("Key is uninitialized")
    return pkey


# ------------------------------------------------------------- curves --

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
            array = (layouts.EC_builtin_curve * count)()
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


# ------------------------------------------------------- cryptography --

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
