"""TLS contexts: :class:`Context`, the parameters shared by connections."""

import warnings
from ctypes import addressof, create_string_buffer, memset
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Sequence

from .._crypto.common import PathArg as _Path
from .._crypto.interop import certificate_arg, name_arg, private_key_arg
from .._crypto.stores import X509Store
from .._runtime import stacks
from .._runtime.convert import (c_int_arg, c_long_arg, c_string_arg,
                                c_uint64_arg, c_ulong_arg, path_arg)
from .._runtime.errors import clear_error_queue
from .._runtime.library import lib as _lib
from .._runtime.library import requires
from .._runtime.ownership import Owner
from .._runtime.scoped import scoped
from .._runtime.text import text_to_bytes_and_warn
from . import dtls  # noqa: F401  (its thunks: the cookie callback slots)
from . import ocsp, srtp, trust
from .callbacks import CallbackSlots, contexts, encode_protocols
from .client_hello import ClientHelloCallback
from .constants import (DTLS_CLIENT_METHOD, DTLS_METHOD, DTLS_SERVER_METHOD,
                        FILETYPE_PEM, MODE_NO_COMPRESSION, SSLv2_METHOD,
                        SSLv3_METHOD, SSLv23_METHOD, TLS1_1_VERSION,
                        TLS1_2_VERSION, TLS1_VERSION, TLS_CLIENT_METHOD,
                        TLS_METHOD, TLS_SERVER_METHOD, TLSv1_1_METHOD,
                        TLSv1_2_METHOD, TLSv1_METHOD)
from .exceptions import raise_error_queue, synthetic_error
from .psk import (PskClientCallback, PskFindSessionCallback,
                  PskServerCallback, PskUseSessionCallback)

if TYPE_CHECKING:                                    # pragma: no cover
    from .connection import Connection

_PassphraseCallback = Callable[[int, bool, Any], bytes]
_VerifyCallback = Callable[..., Any]

_ALPN_NEEDS = "1.0.2"
_NPN_NEEDS = "1.0.1 (built with NPN support)"
_PSK_NEEDS = "1.0.2 (built with PSK support)"

# The size of the buffer OpenSSL gives a PEM passphrase callback
# (PEM_BUFSIZE): the *maxlen* the set_passwd_cb callback is told.
_PEM_BUFSIZE = 1024
# The passphrase OpenSSL's default callback copies when no key is being
# loaded by use_privatekey_file (never NULL: NULL makes it prompt on the
# terminal).  Kept for the life of the process.
_NO_PASSPHRASE = create_string_buffer(1)


def _encrypted_pem(path):
    """Whether the file *path* holds an encrypted PEM private key (a
    ``Proc-Type: 4,ENCRYPTED`` header or an ``ENCRYPTED PRIVATE KEY``
    block); ``False`` when it cannot be read (OpenSSL then reports why)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except (OSError, ValueError):
        return False
    return (b"Proc-Type: 4,ENCRYPTED" in data
            or b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in data)


def _cipher_names(context):
    """The cipher names a connection of the ``SSL_CTX*`` *context* may use."""
    ssl = _lib.SSL_new(context)
    if not ssl:
        raise_error_queue("SSL_new")
    names = []
    with scoped(ssl, _lib.SSL_free):
        while True:
            name = _lib.SSL_get_cipher_list(ssl, len(names))
            if not name:
                return names
            names.append(name.decode("ascii"))


def _options_arg(options):
    """*options* as the C type of ``SSL_CTX_set_options``' argument
    (``uint64_t`` from 3.0, ``unsigned long`` before)."""
    if _lib.since("3.0"):
        return c_uint64_arg(options, "options")
    return c_ulong_arg(options, "options")


def _method_factories():
    """method constant -> (method function, fixed protocol version or 0)."""
    available = _lib.available
    table = {}
    if not available("TLS_method"):           # 1.0.2
        names = {
            SSLv2_METHOD: "SSLv2_method", SSLv3_METHOD: "SSLv3_method",
            SSLv23_METHOD: "SSLv23_method", TLSv1_METHOD: "TLSv1_method",
            TLSv1_1_METHOD: "TLSv1_1_method",
            TLSv1_2_METHOD: "TLSv1_2_method",
            TLS_METHOD: "SSLv23_method",
            TLS_SERVER_METHOD: "SSLv23_server_method",
            TLS_CLIENT_METHOD: "SSLv23_client_method",
        }
        for ident, name in names.items():
            if available(name):
                table[ident] = (getattr(_lib, name), 0)
        return table
    # 1.1.0+: the version-specific methods are deprecated (and gone in
    # 4.0): use the flexible method pinned to one protocol version.
    tls = _lib.TLS_method
    table[SSLv23_METHOD] = (tls, 0)
    table[TLS_METHOD] = (tls, 0)
    table[TLS_SERVER_METHOD] = (_lib.TLS_server_method, 0)
    table[TLS_CLIENT_METHOD] = (_lib.TLS_client_method, 0)
    table[TLSv1_METHOD] = (tls, TLS1_VERSION)
    table[TLSv1_1_METHOD] = (tls, TLS1_1_VERSION)
    table[TLSv1_2_METHOD] = (tls, TLS1_2_VERSION)
    if available("SSLv3_method"):
        table[SSLv3_METHOD] = (_lib.SSLv3_method, 0)
    return table


_METHODS = _method_factories()
# DTLS: the version-flexible methods, in every supported version.
_METHODS[DTLS_METHOD] = (_lib.DTLS_method, 0)
_METHODS[DTLS_SERVER_METHOD] = (_lib.DTLS_server_method, 0)
_METHODS[DTLS_CLIENT_METHOD] = (_lib.DTLS_client_method, 0)

# 1.0.2 has no min/max protocol version: emulated with the OP_NO_* bits.
_VERSION_OPTIONS = [
    (_lib.SSL3_VERSION, _lib.SSL_OP_NO_SSLv3),
    (_lib.TLS1_VERSION, _lib.SSL_OP_NO_TLSv1),
    (_lib.TLS1_1_VERSION, _lib.SSL_OP_NO_TLSv1_1),
    (_lib.TLS1_2_VERSION, _lib.SSL_OP_NO_TLSv1_2),
]


_PSK_SLOTS = ("psk_server", "psk_client", "psk_use_session",
              "psk_find_session")


class Context(CallbackSlots, Owner):
    """The parameters for setting up new TLS connections.

    :param method: One of :const:`SSLv2_METHOD`, :const:`SSLv3_METHOD`,
        :const:`SSLv23_METHOD`, :const:`TLSv1_METHOD`,
        :const:`TLSv1_1_METHOD`, :const:`TLSv1_2_METHOD`,
        :const:`TLS_METHOD`, :const:`TLS_SERVER_METHOD`,
        :const:`TLS_CLIENT_METHOD`, or for DTLS (datagram transports)
        :const:`DTLS_METHOD`, :const:`DTLS_SERVER_METHOD` or
        :const:`DTLS_CLIENT_METHOD`.
    :raises TypeError: if *method* is not an integer.
    :raises ValueError: if the loaded OpenSSL lacks *method*.
    """

    _context: int
    _handle_attr = "_context"
    _handle_free = "SSL_CTX_free"
    _passphrase_callback: Optional[_PassphraseCallback] = None
    _passphrase_buf: Any = None
    _passphrase_userdata: Any = None
    _ocsp_data: Any = None

    def __init__(self, method: int) -> None:
        if not isinstance(method, int) or isinstance(method, bool):
            raise TypeError("method must be an integer")
        try:
            factory, version = _METHODS[method]
        except KeyError:
            raise ValueError("No such protocol")
        method_ptr = factory()
        if not method_ptr:
            clear_error_queue()
            raise ValueError("No such protocol")
        ctx = _lib.SSL_CTX_new(method_ptr)
        if not ctx:
            raise_error_queue()
        self._own(ctx)
        contexts[ctx] = self
        self._callbacks = {}
        self._app_data = None
        self._min_version = 0
        self._max_version = 0
        _lib.SSL_CTX_set_ecdh_auto(ctx, 1)       # always on from 1.1.0
        _lib.SSL_CTX_set_mode(ctx, _lib.SSL_MODE_ENABLE_PARTIAL_WRITE)
        if version:
            self.set_min_proto_version(version)
            self.set_max_proto_version(version)

    # -- protocol versions -------------------------------------------------

    def _apply_version_options(self):
        mask = 0
        for version, option in _VERSION_OPTIONS:
            if ((self._min_version and version < self._min_version)
                    or (self._max_version and version > self._max_version)):
                mask |= option
        every = 0
        for _, option in _VERSION_OPTIONS:
            every |= option
        _lib.SSL_CTX_clear_options(self._context, every & ~mask)
        _lib.SSL_CTX_set_options(self._context, mask)

    def _set_proto_version(self, version, which):
        version = c_int_arg(version, "version")
        if not _lib.available("SSL_CTX_set_min_proto_version"):   # 1.0.2
            known = [v for v, _ in _VERSION_OPTIONS]
            if version and version not in known:
                raise synthetic_error("SSL_CTX_set_%s_proto_version" % which,
                                       "unknown protocol version")
            setattr(self, "_%s_version" % which, version)
            self._apply_version_options()
            return
        setter = (_lib.SSL_CTX_set_min_proto_version if which == "min"
                  else _lib.SSL_CTX_set_max_proto_version)
        if setter(self._context, version) != 1:
            raise synthetic_error("SSL_CTX_set_%s_proto_version" % which,
                                   "unknown protocol version")

    def set_min_proto_version(self, version: int) -> None:
        """Set the lowest protocol version connections may use.

        :param version: :const:`TLS1_VERSION`, :const:`TLS1_2_VERSION`, ...
            or 0 for the lowest version the library supports.
        :raises Error: for a version the build does not know.
        :return: None
        """
        self._set_proto_version(version, "min")

    def set_max_proto_version(self, version: int) -> None:
        """Set the highest protocol version connections may use.

        :param version: :const:`TLS1_2_VERSION`, :const:`TLS1_3_VERSION`, ...
            or 0 for the highest version the library supports.
        :raises Error: for a version the build does not know.
        :return: None
        """
        self._set_proto_version(version, "max")

    # -- verification locations ------------------------------------------

    def load_verify_locations(self, cafile: Optional[_Path],
                              capath: Optional[_Path] = None) -> None:
        """Let OpenSSL know where to find trusted certificates (PEM).

        :param cafile: A file of certificates (``bytes`` or ``str``), or
            ``None``.
        :param capath: A directory prepared with ``c_rehash`` (``bytes`` or
            ``str``), or ``None``.  Not both may be ``None``.
        :raises Error: if neither location can be loaded.
        :return: None
        """
        cafile = None if cafile is None else path_arg(cafile, "cafile")
        capath = None if capath is None else path_arg(capath, "capath")
        if cafile is None and capath is None:
            raise synthetic_error("SSL_CTX_load_verify_locations",
                                  "neither cafile nor capath was given")
        if not _lib.SSL_CTX_load_verify_locations(self._context, cafile,
                                                  capath):
            raise_error_queue("SSL_CTX_load_verify_locations")
        clear_error_queue()

    def set_default_verify_paths(self) -> None:
        """Use the platform's default CA certificates for verification.

        These are the file named by the ``SSL_CERT_FILE`` environment
        variable and the folders in ``SSL_CERT_DIR``, else the loaded
        build's own default file and folder (under its ``OPENSSLDIR``, see
        :data:`OPENSSL_DIR`).  When neither variable is set and those hold
        no certificate (a build compiled for another machine: a vendor's
        or a wheel's copy of OpenSSL), the first CA bundle file and hashed
        folder found in the usual places of Linux distributions and BSDs
        are loaded instead (``/etc/ssl/certs/ca-certificates.crt``,
        ``/etc/pki/tls/certs/ca-bundle.crt``, ... and ``/etc/ssl/certs``),
        as pyOpenSSL does for ``cryptography``'s wheels.

        :raises Error: if OpenSSL fails to set up the lookups.
        :return: None
        """
        if not _lib.SSL_CTX_set_default_verify_paths(self._context):
            raise_error_queue()
        clear_error_queue()
        if not trust.fallback_needed(_lib):
            return
        cafile, capath = trust.fallback_locations()
        if cafile is not None and not _lib.SSL_CTX_load_verify_locations(
                self._context, path_arg(cafile), None):
            clear_error_queue()           # an unreadable bundle: skip it
        if capath is not None and not _lib.SSL_CTX_load_verify_locations(
                self._context, None, path_arg(capath)):
            clear_error_queue()

    # -- passphrases ------------------------------------------------------

    def set_passwd_cb(self, callback: _PassphraseCallback,
                      userdata: Any = None) -> None:
        """Set the passphrase callback, used when a private key with a
        passphrase is loaded.

        :meth:`use_privatekey_file` calls it, once, when the file is an
        encrypted PEM key (before OpenSSL reads the file: pyossl hands the
        passphrase to OpenSSL instead of letting OpenSSL call Python).  Its
        exception, or a :exc:`ValueError` for a result that is not
        ``bytes`` or contains a NUL byte, is raised from that call.

        :param callback: Called as ``callback(maxlen, verify, userdata)``;
            *maxlen* is the longest passphrase OpenSSL accepts (a longer one
            is truncated), *verify* is true when the passphrase is being
            chosen (and should be asked twice).  It must return the
            passphrase as ``bytes``; a false value means failure.
        :param userdata: (optional) Passed to *callback* as its third
            argument.
        :raises TypeError: if *callback* is not callable.
        :return: None
        """
        # No C callback: OpenSSL would use a callback's result as a length
        # even when an interrupt left it undefined.  use_privatekey_file
        # asks *callback* in Python before the C call and hands the
        # passphrase to OpenSSL's default callback (PEM_def_callback copies
        # at most its buffer's size); meanwhile the userdata is an empty
        # string, so OpenSSL never prompts on the terminal.
        if not callable(callback):
            raise TypeError("callback must be callable")
        self._passphrase_callback = callback
        self._passphrase_userdata = userdata
        _lib.SSL_CTX_set_default_passwd_cb_userdata(self._context,
                                                    addressof(_NO_PASSPHRASE))

    def _passphrase(self):
        """Ask the :meth:`set_passwd_cb` callback for a passphrase (as
        pyOpenSSL's C callback would): NUL-terminated ``bytes``."""
        result = self._passphrase_callback(_PEM_BUFSIZE, False,
                                           self._passphrase_userdata)
        if not isinstance(result, bytes):
            raise ValueError("String expected")
        result = result[:_PEM_BUFSIZE]
        if b"\0" in result:
            raise ValueError("the passphrase must not contain a NUL byte")
        return result

    # -- certificates and keys ------------------------------------------

    def use_certificate_chain_file(self, certfile: _Path) -> None:
        """Load a certificate chain (PEM): the first certificate is this
        side's, the rest its chain.

        :param certfile: The file name (``bytes`` or ``str``).
        :raises Error: if the file cannot be loaded.
        :return: None
        """
        certfile = path_arg(certfile, "certfile")
        if not _lib.SSL_CTX_use_certificate_chain_file(self._context,
                                                       certfile):
            raise_error_queue("SSL_CTX_use_certificate_chain_file")
        clear_error_queue()

    def use_certificate_file(self, certfile: _Path,
                             filetype: int = FILETYPE_PEM) -> None:
        """Load the first certificate found in a file.

        :param certfile: The file name (``bytes`` or ``str``).
        :param filetype: (optional) :const:`FILETYPE_PEM` (the default) or
            :const:`FILETYPE_ASN1`.
        :raises Error: if the file cannot be loaded.
        :return: None
        """
        certfile = path_arg(certfile, "certfile")
        filetype = c_int_arg(filetype, "filetype")
        if not _lib.SSL_CTX_use_certificate_file(self._context, certfile,
                                                 filetype):
            raise_error_queue("SSL_CTX_use_certificate_file")
        clear_error_queue()

    def use_certificate(self, cert: Any) -> None:
        """Use a certificate.

        :param cert: An :class:`pyossl.crypto.X509`, or (as in pyOpenSSL
            24.3 and later) a ``cryptography.x509.Certificate``.
        :raises TypeError: if *cert* is neither.
        :return: None
        """
        cert = certificate_arg(cert, "cert")
        if not _lib.SSL_CTX_use_certificate(self._context, cert._x509):
            raise_error_queue()

    def add_extra_chain_cert(self, certobj: Any) -> None:
        """Add a certificate to the chain presented with this side's
        certificate.

        :param certobj: An :class:`pyossl.crypto.X509`, or a
            ``cryptography.x509.Certificate``.
        :raises TypeError: if *certobj* is neither.
        :return: None
        """
        certobj = certificate_arg(certobj, "certobj")
        copy = _lib.X509_dup(certobj._x509)
        if not copy:
            raise_error_queue()
        if not _lib.SSL_CTX_add_extra_chain_cert(self._context, copy):
            _lib.X509_free(copy)
            raise_error_queue()

    def use_privatekey_file(self, keyfile: _Path,
                            filetype: int = FILETYPE_PEM) -> None:
        """Load the first private key found in a file.

        :param keyfile: The file name (``bytes`` or ``str``).
        :param filetype: (optional) :const:`FILETYPE_PEM` (the default) or
            :const:`FILETYPE_ASN1`.
        :raises Error: if the key cannot be loaded (or its passphrase is
            wrong); an exception raised by the passphrase callback is
            re-raised.
        :return: None
        """
        keyfile = path_arg(keyfile, "keyfile")
        filetype = c_int_arg(filetype, "filetype")
        if (self._passphrase_callback is None or filetype != FILETYPE_PEM
                or not _encrypted_pem(keyfile)):
            ok = _lib.SSL_CTX_use_PrivateKey_file(self._context, keyfile,
                                                  filetype)
        else:
            # Kept on the context: should an interrupt skip the restore
            # below, the userdata still points at live memory.
            buf = self._passphrase_buf = create_string_buffer(
                self._passphrase())
            ctx = self._context
            _lib.SSL_CTX_set_default_passwd_cb_userdata(ctx, addressof(buf))
            try:
                ok = _lib.SSL_CTX_use_PrivateKey_file(ctx, keyfile, filetype)
            finally:
                _lib.SSL_CTX_set_default_passwd_cb_userdata(
                    ctx, addressof(_NO_PASSPHRASE))
                memset(buf, 0, len(buf))
        if not ok:
            raise_error_queue("SSL_CTX_use_PrivateKey_file")
        clear_error_queue()

    def use_privatekey(self, pkey: Any) -> None:
        """Use a private key.

        :param pkey: A :class:`pyossl.crypto.PKey`, or (as in pyOpenSSL
            24.3 and later) a ``cryptography`` private key (RSA, DSA, EC,
            Ed25519, Ed448).
        :raises TypeError: if *pkey* is neither (a public key included).
        :return: None
        """
        pkey = private_key_arg(pkey, "pkey")
        if not _lib.SSL_CTX_use_PrivateKey(self._context, pkey._pkey):
            raise_error_queue("SSL_CTX_use_PrivateKey")

    def check_privatekey(self) -> None:
        """Check that the private key matches the certificate.

        :raises Error: if they do not match (or one is missing).
        :return: None
        """
        if not _lib.SSL_CTX_check_private_key(self._context):
            raise_error_queue()

    # -- client CAs -------------------------------------------------------

    def load_client_ca(self, cafile: bytes) -> None:
        """Load the CA names sent to clients when asking for a client
        certificate (does not make them trusted).

        :param cafile: A PEM file of CA certificates (``bytes``; ``str`` is
            accepted with a :class:`DeprecationWarning`).
        :raises Error: if the file cannot be read.
        :return: None
        """
        cafile = text_to_bytes_and_warn("cafile", cafile)
        if not isinstance(cafile, bytes):
            raise TypeError("cafile must be a byte string")
        cafile = path_arg(cafile, "cafile")
        ca_list = _lib.SSL_load_client_CA_file(cafile)
        if not ca_list:
            raise_error_queue("SSL_load_client_CA_file")
        _lib.SSL_CTX_set_client_CA_list(self._context, ca_list)
        clear_error_queue()

    def set_client_ca_list(
            self, certificate_authorities: Sequence[Any]) -> None:
        """Replace the CA names sent to clients asking for a certificate.

        :param certificate_authorities: A sequence of
            :class:`pyossl.crypto.X509Name` (or ``cryptography.x509.Name``)
            objects.
        :raises TypeError: for anything that is neither.
        :return: None
        """
        names = [name_arg(name, "client CA")
                 for name in certificate_authorities]
        stack = _lib.sk_new_null()
        if not stack:
            raise_error_queue()
        try:
            for name in names:
                copy = _lib.X509_NAME_dup(name._name)
                if not copy:
                    raise_error_queue()
                if not _lib.sk_push(stack, copy):
                    _lib.X509_NAME_free(copy)
                    raise_error_queue()
        except BaseException:
            stacks.pop_free(stack, _lib.X509_NAME_free)
            raise
        _lib.SSL_CTX_set_client_CA_list(self._context, stack)

    def add_client_ca(self, certificate_authority: Any) -> None:
        """Add a CA certificate's subject to the names sent to clients
        asking for a certificate.

        :param certificate_authority: An :class:`pyossl.crypto.X509`, or a
            ``cryptography.x509.Certificate``.
        :raises TypeError: if it is neither.
        :return: None
        """
        certificate_authority = certificate_arg(certificate_authority,
                                                "certificate_authority")
        if _lib.SSL_CTX_add_client_CA(self._context,
                                      certificate_authority._x509) != 1:
            raise_error_queue()

    # -- sessions ---------------------------------------------------------

    def set_session_id(self, buf: bytes) -> None:
        """Set the session id context in which sessions may be reused.

        :param bytes buf: The session id context (at most 32 bytes).
        :raises Error: if it is too long.
        :return: None
        """
        buf = text_to_bytes_and_warn("buf", buf)
        if not isinstance(buf, bytes):
            raise TypeError("buf must be a byte string")
        if _lib.SSL_CTX_set_session_id_context(self._context, buf,
                                               len(buf)) != 1:
            raise_error_queue()

    def set_session_cache_mode(self, mode: int) -> int:
        """Set the behaviour of the session cache.

        :param mode: One or more of the ``SESS_CACHE_*`` flags (or-ed).
        :return: The previously set mode.

        .. versionadded:: 0.14
        """
        mode = c_long_arg(mode, "mode")
        return _lib.SSL_CTX_set_session_cache_mode(self._context, mode)

    def get_session_cache_mode(self) -> int:
        """Get the session cache mode.

        :return: The ``SESS_CACHE_*`` flags in use.

        .. versionadded:: 0.14
        """
        return _lib.SSL_CTX_get_session_cache_mode(self._context)

    def set_timeout(self, timeout: int) -> int:
        """Set the lifetime of new sessions.

        :param timeout: In whole seconds (default 300).
        :return: The previous timeout.
        """
        timeout = c_long_arg(timeout, "timeout")
        return _lib.SSL_CTX_set_timeout(self._context, timeout)

    def get_timeout(self) -> int:
        """Get the session lifetime set by :meth:`set_timeout`.

        :return: Seconds (default 300).
        """
        return _lib.SSL_CTX_get_timeout(self._context)

    # -- verification -----------------------------------------------------

    def set_verify(self, mode: int,
                   callback: Optional[_VerifyCallback] = None) -> None:
        """Set the verification mode and the verification callback.

        :param mode: :const:`VERIFY_NONE` or :const:`VERIFY_PEER`, the
            latter optionally or-ed with :const:`VERIFY_FAIL_IF_NO_PEER_CERT`
            and :const:`VERIFY_CLIENT_ONCE`.
        :param callback: Called as ``callback(connection, x509, errnum,
            depth, ok)`` for each certificate of the peer's chain; a true
            result accepts it, a false one (or an exception, re-raised from
            the call that drove the handshake) rejects the peer.  ``None``
            keeps OpenSSL's own verdict.
        :raises TypeError: if *mode* is not an integer or *callback* is not
            callable.
        :return: None
        """
        mode = c_int_arg(mode, "mode")
        fp = self._set_callback("verify", callback, allow_none=True)
        _lib.SSL_CTX_set_verify(self._context, mode, fp)

    def set_verify_depth(self, depth: int) -> None:
        """Set the maximum depth of the peer's certificate chain.

        :param depth: An integer.
        :return: None
        """
        depth = c_int_arg(depth, "depth")
        _lib.SSL_CTX_set_verify_depth(self._context, depth)

    def get_verify_mode(self) -> int:
        """Get the verification mode set by :meth:`set_verify`.

        :return: The mode.
        """
        return _lib.SSL_CTX_get_verify_mode(self._context)

    def get_verify_depth(self) -> int:
        """Get the depth set by :meth:`set_verify_depth`.

        :return: The depth.
        """
        return _lib.SSL_CTX_get_verify_depth(self._context)

    def get_cert_store(self) -> Optional["X509Store"]:
        """Get the certificate store of this context, to add trusted
        certificates without :meth:`load_verify_locations`.

        :return: A :class:`pyossl.crypto.X509Store` (sharing the context's
            store), or ``None``.
        """
        store = _lib.SSL_CTX_get_cert_store(self._context)
        if not store:
            return None
        return X509Store._borrowed(store, self)

    # -- key exchange ------------------------------------------------------

    def load_tmp_dh(self, dhfile: _Path) -> None:
        """Load Diffie-Hellman parameters for ephemeral DH key exchange.

        :param dhfile: A PEM file of DH parameters (``bytes`` or ``str``).
        :raises Error: if it cannot be read.
        :return: None
        """
        dhfile = path_arg(dhfile, "dhfile")
        bio = _lib.BIO_new_file(dhfile, b"r")
        if not bio:
            raise_error_queue("BIO_new_file")
        with scoped(bio, _lib.BIO_free):
            if _lib.SSL_CTX_set_tmp_dh_from_bio(self._context, bio) != 1:
                raise_error_queue("load_tmp_dh")

    def set_tmp_ecdh(self, curve: Any) -> None:
        """Select the curve used for ECDHE key exchange.

        Every curve :func:`pyossl.crypto.get_elliptic_curves` returns is
        accepted, as with pyOpenSSL.  A curve that this OpenSSL cannot use
        for TLS key exchange (most of the binary and the ``wap-wsg`` curves,
        and on OpenSSL 3 every curve that is not a TLS group) leaves the
        context's curves as they were and is reported with a
        :exc:`RuntimeWarning` (pyOpenSSL ignores it silently).

        :param curve: A curve object from
            :func:`pyossl.crypto.get_elliptic_curve` or
            :func:`pyossl.crypto.get_elliptic_curves`.
        :raises TypeError: if *curve* is not such an object.
        :return: None
        """
        name = getattr(curve, "name", None)
        if not isinstance(name, str):
            raise TypeError("curve must be an elliptic curve object")
        name = c_string_arg(name, "curve name", encoding="ascii")
        if _lib.SSL_CTX_set1_groups_list(self._context, name) != 1:
            clear_error_queue()
            warnings.warn(
                "OpenSSL cannot use the curve %s for TLS key exchange; "
                "the context's curves are unchanged" % (name.decode("ascii"),),
                RuntimeWarning, stacklevel=2)

    # -- ciphers, options, modes -------------------------------------------

    def set_cipher_list(self, cipher_list: bytes) -> None:
        """Set the cipher list (TLS 1.2 and below).

        :param bytes cipher_list: An OpenSSL cipher string.
        :raises Error: if no cipher matches.
        :return: None
        """
        cipher_list = text_to_bytes_and_warn("cipher_list", cipher_list)
        if not isinstance(cipher_list, bytes):
            raise TypeError("cipher_list must be a byte string.")
        cipher_list = c_string_arg(cipher_list, "cipher_list", text=False)
        if _lib.SSL_CTX_set_cipher_list(self._context, cipher_list) != 1:
            raise_error_queue("SSL_CTX_set_cipher_list")
        if _lib.since("1.1"):
            # TLS 1.3 suites are configured apart and always listed: a
            # string matching nothing else must still be an error.
            ciphers = _cipher_names(self._context)
            if ciphers and all(c.startswith("TLS_") and c.count("_") >= 3
                               and "WITH" not in c for c in ciphers):
                raise synthetic_error("SSL_CTX_set_cipher_list",
                                       "no cipher match")

    @requires("SSL_CTX_set_ciphersuites", "TLS 1.3 ciphersuites",
              "1.1.1")
    def set_ciphersuites(self, ciphersuites: bytes) -> None:
        """Set the TLS 1.3 ciphersuites (OpenSSL 1.1.1+).

        :param bytes ciphersuites: e.g. ``b"TLS_AES_128_GCM_SHA256"``.
        :raises Error: if none is known.
        :return: None
        """
        if not isinstance(ciphersuites, bytes):
            raise TypeError("ciphersuites must be a byte string.")
        ciphersuites = c_string_arg(ciphersuites, "ciphersuites", text=False)
        if _lib.SSL_CTX_set_ciphersuites(self._context, ciphersuites) != 1:
            raise_error_queue("SSL_CTX_set_ciphersuites")

    @requires("SSL_CTX_set_ciphersuites", "TLS 1.3 ciphersuites", "1.1.1")
    def set_tls13_ciphersuites(self, ciphersuites: bytes) -> None:
        """Set the TLS 1.3 ciphersuites, which OpenSSL configures apart
        from the TLS 1.2 ciphers of :meth:`set_cipher_list` (pyOpenSSL's
        name for :meth:`set_ciphersuites`).

        :param bytes ciphersuites: A colon-separated list, e.g.
            ``b"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"``.
        :raises TypeError: if it is not ``bytes``.
        :raises ValueError: if it contains a NUL byte.
        :raises Error: if it names no ciphersuite OpenSSL knows.
        :raises NotImplementedError: before OpenSSL 1.1.1 (no TLS 1.3).
        :return: None

        .. versionadded:: 25.2.0 (pyOpenSSL)
        """
        if not isinstance(ciphersuites, bytes):
            raise TypeError("ciphersuites must be a byte string.")
        ciphersuites = c_string_arg(ciphersuites, "ciphersuites", text=False)
        if _lib.SSL_CTX_set_ciphersuites(self._context, ciphersuites) != 1:
            raise_error_queue("SSL_CTX_set_ciphersuites")

    def set_options(self, options: int) -> int:
        """Add options (``OP_*``); options set before are kept.

        :param options: The options to add.
        :return: The new option bit mask.
        """
        options = _options_arg(options)
        return _lib.SSL_CTX_set_options(self._context, options)

    def set_mode(self, mode: int) -> int:
        """Add modes (``MODE_*``); modes set before are kept.

        :param mode: The modes to add.
        :return: The new mode bit mask.
        """
        mode = c_long_arg(mode, "mode")
        extra = mode & MODE_NO_COMPRESSION
        if extra:
            _lib.SSL_CTX_set_options(self._context, _lib.SSL_OP_NO_COMPRESSION)
            mode &= ~MODE_NO_COMPRESSION
        return _lib.SSL_CTX_set_mode(self._context, mode) | extra

    def clear_mode(self, mode_to_clear: int) -> int:
        """Remove modes (``MODE_*``) set before, by :meth:`set_mode` or by
        default (``MODE_ENABLE_PARTIAL_WRITE``).

        :param mode_to_clear: The modes to remove.
        :raises TypeError: if it is not an integer.
        :raises OverflowError: if it does not fit a C ``long``.
        :return: The new mode bit mask.
        """
        mode_to_clear = c_long_arg(mode_to_clear, "mode_to_clear")
        return _lib.SSL_CTX_clear_mode(self._context, mode_to_clear)

    # -- callbacks --------------------------------------------------------

    def set_info_callback(
            self, callback: Callable[["Connection", int, int], Any]) -> None:
        """Set the information callback, called during handshakes.

        :param callback: Called as ``callback(connection, where, ret)``.
        :return: None
        """
        fp = self._set_callback("info", callback)
        _lib.SSL_CTX_set_info_callback(self._context, fp)

    @requires("SSL_CTX_set_keylog_callback", "Key logging",
              "1.1.1")
    def set_keylog_callback(
            self, callback: Callable[["Connection", bytes], Any]) -> None:
        """Set the TLS key logging callback (OpenSSL 1.1.1+).

        :param callback: Called as ``callback(connection, line)`` with one
            NSS key log line (``bytes``) whenever key material is made.
        :return: None
        """
        fp = self._set_callback("keylog", callback)
        _lib.SSL_CTX_set_keylog_callback(self._context, fp)

    def set_tlsext_servername_callback(
            self, callback: Callable[["Connection"], Any]) -> None:
        """Set the callback for clients that send a server name (SNI).

        :param callback: Called as ``callback(connection)``; it may call
            :meth:`Connection.set_context`.  An exception aborts the
            handshake and is re-raised.
        :return: None

        .. versionadded:: 0.13
        """
        fp = self._set_callback("servername", callback)
        _lib.SSL_CTX_set_tlsext_servername_callback(self._context, fp)
        _lib.SSL_CTX_set_tlsext_servername_arg(self._context, self._context)

    @requires("SSL_CTX_set_alpn_protos", "ALPN", _ALPN_NEEDS)
    def set_alpn_protos(self, protos: Sequence[bytes]) -> None:
        """Set the protocols a client offers by ALPN.

        :param protos: A list of byte strings, e.g. ``[b'h2', b'http/1.1']``.
        :raises ValueError: if *protos* is empty (OpenSSL versions disagree
            on what an empty list means), or a protocol is empty or longer
            than 255 bytes.
        :return: None
        """
        data = encode_protocols(protos, allow_empty=False)
        if _lib.SSL_CTX_set_alpn_protos(self._context, data, len(data)) != 0:
            raise_error_queue("SSL_CTX_set_alpn_protos")

    @requires("SSL_CTX_set_alpn_select_cb", "ALPN", _ALPN_NEEDS)
    def set_alpn_select_callback(
            self, callback: Callable[["Connection", List[bytes]], Any]
    ) -> None:
        """Set the server's ALPN selection callback.

        :param callback: Called as ``callback(connection, offered)`` with
            the offered protocols (list of ``bytes``); returns the chosen
            one, :data:`NO_OVERLAPPING_PROTOCOLS` to go on without ALPN, or
            ``b""`` to abort the handshake.
        :return: None
        """
        fp = self._set_callback("alpn_select", callback)
        _lib.SSL_CTX_set_alpn_select_cb(self._context, fp, self._context)

    @requires("SSL_CTX_set_next_protos_advertised_cb", "NPN",
              _NPN_NEEDS)
    def set_npn_advertise_callback(
            self, callback: Callable[["Connection"], List[bytes]]) -> None:
        """Set the server's NPN callback giving the advertised protocols.

        :param callback: Called as ``callback(connection)``; returns a list
            of byte strings.
        :return: None

        .. versionadded:: 0.15
        """
        fp = self._set_callback("npn_advertise", callback)
        _lib.SSL_CTX_set_next_protos_advertised_cb(self._context, fp,
                                                   self._context)

    @requires("SSL_CTX_set_next_proto_select_cb", "NPN", _NPN_NEEDS)
    def set_npn_select_callback(
            self, callback: Callable[["Connection", List[bytes]], bytes]
    ) -> None:
        """Set the client's NPN callback choosing among offered protocols.

        :param callback: Called as ``callback(connection, offered)``;
            returns one of the offered byte strings.
        :return: None

        .. versionadded:: 0.15
        """
        fp = self._set_callback("npn_select", callback)
        _lib.SSL_CTX_set_next_proto_select_cb(self._context, fp,
                                              self._context)

    # -- pyossl only: ClientHello callback, TLS-PSK --------------------------

    @requires("SSL_CTX_set_client_hello_cb", "The ClientHello callback",
              "1.1.1")
    def set_client_hello_callback(self,
                                  callback: ClientHelloCallback) -> None:
        """Set the callback OpenSSL calls on a server as soon as a
        ClientHello arrives, before it chooses the protocol version, the
        ciphersuite or the certificate (OpenSSL 1.1.1 and later; pyossl
        only).  See :ref:`client-hello`.

        :param callback: Called as ``callback(connection, client_hello)``
            with the :class:`Connection` and a :class:`ClientHello`.  It may
            switch the connection to another context
            (:meth:`Connection.set_context`).  It returns ``None`` to go on,
            or :data:`CLIENT_HELLO_RETRY` to pause the handshake: the call
            that drove it raises :exc:`WantClientHelloCallbackError`, and
            repeating that call runs the callback again.  An exception
            aborts the handshake (``handshake_failure`` alert) and is
            raised again from the call that drove it; any other result is
            a :exc:`TypeError`, raised the same way.
        :raises TypeError: if *callback* is not callable.
        :raises NotImplementedError: with OpenSSL older than 1.1.1.
        :return: None
        """
        fp = self._set_callback("client_hello", callback)
        _lib.SSL_CTX_set_client_hello_cb(self._context, fp, self._context)

    @requires("SSL_CTX_use_psk_identity_hint", "TLS-PSK", _PSK_NEEDS)
    def use_psk_identity_hint(self, hint: bytes) -> None:
        """Set the PSK identity hint a server sends to clients in TLS 1.2
        PSK handshakes (pyossl only).  See :ref:`psk`.

        :param bytes hint: The hint (``PSK_MAX_IDENTITY_LEN`` bytes at
            most: 128 with OpenSSL 1.x, 256 with 3.x).
        :raises TypeError: if *hint* is not bytes.
        :raises ValueError: if it contains a NUL byte.
        :raises Error: if OpenSSL refuses it (too long).
        :return: None
        """
        hint = c_string_arg(hint, "hint", text=False)
        if _lib.SSL_CTX_use_psk_identity_hint(self._context, hint) != 1:
            raise_error_queue("SSL_CTX_use_psk_identity_hint")

    @requires("SSL_CTX_set_psk_server_callback", "TLS-PSK", _PSK_NEEDS)
    def set_psk_server_callback(self, callback: PskServerCallback) -> None:
        """Set the server's PSK callback, used by TLS 1.2 PSK ciphersuites
        and, with OpenSSL 1.1.1 and later, by TLS 1.3 (pyossl only).  See
        :ref:`psk`.

        :param callback: Called as ``callback(connection, identity)`` with
            the identity the client sent (``bytes``).  It returns the key
            (``bytes``, at most 256 bytes with OpenSSL 1.x, 512 with 3.x),
            or ``None`` (or ``b""``) for an identity it does not know.  An
            exception, or a result of another type or size, aborts the
            handshake, is raised again from the call that drove it, and
            leaves the connection unusable.
        :raises TypeError: if *callback* is not callable.
        :return: None
        """
        fp = self._set_callback("psk_server", callback)
        _lib.SSL_CTX_set_psk_server_callback(self._context, fp)

    @requires("SSL_CTX_set_psk_client_callback", "TLS-PSK", _PSK_NEEDS)
    def set_psk_client_callback(self, callback: PskClientCallback) -> None:
        """Set the client's PSK callback, used by TLS 1.2 PSK ciphersuites
        and, with OpenSSL 1.1.1 and later, by TLS 1.3 (pyossl only).  See
        :ref:`psk`.

        :param callback: Called as ``callback(connection, hint)`` with the
            server's identity hint (``bytes``; ``None`` when it sent none,
            and always in TLS 1.3).  It returns ``(identity, key)``, both
            ``bytes`` (the identity without NUL bytes and shorter than
            OpenSSL's buffer: 127 bytes with 1.1.1, 255 with 3.x), or
            ``None`` to offer no PSK (TLS 1.2: the handshake fails; TLS 1.3:
            it goes on without one).  An exception, or a result of another
            type or size, aborts the handshake, is raised again from the
            call that drove it, and leaves the connection unusable.
        :raises TypeError: if *callback* is not callable.
        :return: None
        """
        fp = self._set_callback("psk_client", callback)
        _lib.SSL_CTX_set_psk_client_callback(self._context, fp)

    @requires("SSL_CTX_set_psk_use_session_callback",
              "TLS 1.3 external PSKs", "1.1.1")
    def set_psk_use_session_callback(
            self, callback: PskUseSessionCallback) -> None:
        """Set the client's TLS 1.3 external PSK callback (OpenSSL 1.1.1 and
        later; pyossl only).  See :ref:`psk`.

        :param callback: Called as ``callback(connection)`` for each
            ClientHello.  It returns ``(identity, session)``: the identity
            (``bytes``, 1 to 65535, any bytes) and a :class:`Session`
            holding the key (:meth:`Session.from_psk`), or ``None`` to offer
            no PSK.  An exception or a wrong result aborts the handshake and
            is raised again from the call that drove it.
        :raises TypeError: if *callback* is not callable.
        :raises NotImplementedError: with OpenSSL older than 1.1.1.
        :return: None
        """
        fp = self._set_callback("psk_use_session", callback)
        _lib.SSL_CTX_set_psk_use_session_callback(self._context, fp)

    @requires("SSL_CTX_set_psk_find_session_callback",
              "TLS 1.3 external PSKs", "1.1.1")
    def set_psk_find_session_callback(
            self, callback: PskFindSessionCallback) -> None:
        """Set the server's TLS 1.3 external PSK callback (OpenSSL 1.1.1
        and later; pyossl only).  See :ref:`psk`.

        :param callback: Called as ``callback(connection, identity)`` with
            the identity the client offered (``bytes``).  It returns the
            :class:`Session` holding the key for it, or ``None`` for an
            unknown identity (OpenSSL then tries the callback of
            :meth:`set_psk_server_callback`, if one is set).  The session's
            hash must be that of the ciphersuite the server chooses, or the
            PSK is not used: restrict the server's TLS 1.3 ciphersuites
            accordingly.
        :raises TypeError: if *callback* is not callable.
        :raises NotImplementedError: with OpenSSL older than 1.1.1.
        :return: None
        """
        fp = self._set_callback("psk_find_session", callback)
        _lib.SSL_CTX_set_psk_find_session_callback(self._context, fp)

    def _has_psk_callbacks(self):
        """Whether a PSK callback is set (connections made now are
        guarded: see :mod:`pyossl._ssl.psk`)."""
        callbacks = self._callbacks
        if callbacks:                   # (every Connection() asks)
            for name in _PSK_SLOTS:
                if callbacks.get(name) is not None:
                    return True
        return False

    # -- OCSP stapling ----------------------------------------------------

    def _set_ocsp_callback(self, kind, callback, data):
        fp = self._set_callback(kind, callback)
        # One C callback per context: the other role's callable goes.
        self._set_callback("ocsp_client" if kind == "ocsp_server"
                           else "ocsp_server", None, allow_none=True)
        self._ocsp_data = data
        if ocsp.install(self._context, fp) != 1:
            raise_error_queue("SSL_CTX_set_tlsext_status_cb")

    def set_ocsp_server_callback(
            self, callback: Callable[["Connection", Any], bytes],
            data: Any = None) -> None:
        """Set the server's callback providing the OCSP response to staple
        to the handshake, for clients that ask for one
        (:meth:`Connection.request_ocsp`).

        :param callback: Called as ``callback(connection, data)``; returns
            the DER-encoded OCSP response (``bytes``), or ``b""`` to staple
            nothing.  Anything else than ``bytes`` (:exc:`TypeError`) and
            an exception abort the handshake; the exception is raised
            again from the call that drove it.
        :param data: (optional) Passed to *callback* as its second argument.
        :raises TypeError: if *callback* is not callable.
        :return: None

        This replaces a callback set by :meth:`set_ocsp_client_callback`
        (OpenSSL keeps one per context).

        .. versionadded:: 16.2.0 (pyOpenSSL)
        """
        self._set_ocsp_callback("ocsp_server", callback, data)

    def set_ocsp_client_callback(
            self, callback: Callable[["Connection", bytes, Any], Any],
            data: Any = None) -> None:
        """Set the client's callback judging the OCSP response the server
        stapled, on connections that asked for one
        (:meth:`Connection.request_ocsp`).

        :param callback: Called as ``callback(connection, ocsp_data,
            data)`` with the DER-encoded response (``bytes``; ``b""`` when
            the server stapled none).  A true result accepts it; a false
            one aborts the handshake (:exc:`Error`), as does an exception,
            raised again from the call that drove the handshake.
        :param data: (optional) Passed to *callback* as its third argument.
        :raises TypeError: if *callback* is not callable.
        :return: None

        This replaces a callback set by :meth:`set_ocsp_server_callback`.

        .. versionadded:: 16.2.0 (pyOpenSSL)
        """
        self._set_ocsp_callback("ocsp_client", callback, data)

    # -- DTLS and SRTP ----------------------------------------------------

    def set_cookie_generate_callback(
            self, callback: Callable[["Connection"], bytes]) -> None:
        """Set the DTLS server's callback making the cookie of a
        HelloVerifyRequest (see :meth:`Connection.DTLSv1_listen`).

        :param callback: Called as ``callback(connection)``; returns the
            cookie: ``bytes``, at most 255 long.  A longer cookie is refused
            before anything is copied (:exc:`ValueError` "Cookie too long",
            raised from :meth:`Connection.DTLSv1_listen`; pyOpenSSL's
            CVE-2026-27459), as is anything but ``bytes`` (:exc:`TypeError`);
            then no HelloVerifyRequest is sent.
        :raises TypeError: if *callback* is not callable.
        :return: None

        .. versionadded:: 23.1.0 (pyOpenSSL)
        """
        fp = self._set_callback("cookie_generate", callback)
        _lib.SSL_CTX_set_cookie_generate_cb(self._context, fp)

    def set_cookie_verify_callback(
            self, callback: Callable[["Connection", bytes], Any]) -> None:
        """Set the DTLS server's callback checking the cookie a client
        echoes (see :meth:`Connection.DTLSv1_listen`).

        :param callback: Called as ``callback(connection, cookie)`` with the
            cookie (``bytes``); a true result accepts it.  A rejected cookie
            is answered with a new HelloVerifyRequest (OpenSSL 1.0.2 fails
            the handshake instead: :exc:`Error` "cookie mismatch").
        :raises TypeError: if *callback* is not callable.
        :return: None

        .. versionadded:: 23.1.0 (pyOpenSSL)
        """
        fp = self._set_callback("cookie_verify", callback)
        _lib.SSL_CTX_set_cookie_verify_cb(self._context, fp)

    def set_tlsext_use_srtp(self, profiles: bytes) -> None:
        """Offer (client) or accept (server) SRTP protection profiles: the
        DTLS-SRTP extension of RFC 5764.  Set it on DTLS contexts only: a
        TLS client would send the extension, which OpenSSL 1.1.1 and later
        servers refuse.

        :param bytes profiles: Colon-separated profile names, e.g.
            ``b"SRTP_AES128_CM_SHA1_80:SRTP_AES128_CM_SHA1_32"``
            (``SRTP_AEAD_AES_128_GCM`` and ``..._256_GCM`` from OpenSSL
            1.1.0).
        :raises TypeError: if *profiles* is not ``bytes``.
        :raises ValueError: if it contains a NUL byte.
        :raises Error: if a name is unknown (or the list is empty).
        :return: None

        The negotiated profile is :meth:`Connection.get_selected_srtp_profile`;
        the SRTP keys come from :meth:`Connection.export_keying_material`
        with the label ``b"EXTRACTOR-dtls_srtp"``.

        .. versionadded:: 20.0.0 (pyOpenSSL)
        """
        if not isinstance(profiles, bytes):
            raise TypeError("profiles must be a byte string.")
        profiles = c_string_arg(profiles, "profiles", text=False)
        if not srtp.set_profiles(self._context, profiles):
            raise_error_queue("SSL_CTX_set_tlsext_use_srtp")

    # -- application data -------------------------------------------------

    def get_app_data(self) -> Any:
        """Get the application data set by :meth:`set_app_data`.

        :return: The data (``None`` by default).
        """
        return self._app_data

    def set_app_data(self, data: Any) -> None:
        """Associate any Python object with this context.

        :param data: The object.
        :return: None
        """
        self._app_data = data
