"""Trust stores and verification: :class:`X509Store`,
:class:`X509StoreFlags`, :class:`X509StoreContext` and its error."""

from typing import TYPE_CHECKING, Any, Iterable, List, Optional

from .._runtime.convert import c_integer, path_arg
from .._runtime.errors import error_queue, is_reason
from .._runtime.library import lib
from .._runtime.ownership import Owner, own
from .._runtime.scoped import scoped
from .._runtime.text import text
from .certificates import (X509, free_x509_stack, take_x509_stack,
                           x509_from_borrowed,
                           x509_stack)
from .common import (Error, PathArg, clear, openssl_assert, raise_error)
from .interop import certificate_arg, crl_arg

if TYPE_CHECKING:
    import datetime     # imported by set_time: ~1.5 ms of import time


def _already_in_store():
    """Whether the queued error is "already in hash table" (before 1.1.0i,
    adding a certificate a store holds failed with it)."""
    return is_reason(lib.ERR_peek_last_error(), "ERR_LIB_X509",
                     "X509_R_CERT_ALREADY_IN_HASH_TABLE")


class X509Store(Owner):
    """
    An X.509 store.

    An X.509 store is used to describe a context in which to verify a
    certificate. A description of a context may include a set of
    certificates to trust, a set of certificate revocation lists,
    verification flags and more.

    An X.509 store, being only a description, cannot be used by itself to
    verify a certificate. To carry out the actual verification process, see
    :class:`X509StoreContext`.
    """

    _store: int      # the C handle (owned, or borrowed: see _borrowed)
    _handle_attr = "_store"
    _handle_free = "X509_STORE_free"

    def __init__(self) -> None:
        store = lib.X509_STORE_new()
        openssl_assert(store)
        self._own(store)

    def add_cert(self, cert: Any) -> None:
        """
        Adds a trusted certificate to this store.

        Adding a certificate with this method adds this certificate as a
        *trusted* certificate.  Adding one that the store already holds is
        not an error.

        :param cert: The certificate to add to this store: an
            :class:`X509`, or a ``cryptography.x509.Certificate``.
        :raises TypeError: If the certificate is neither.
        :raises Error: If OpenSSL was unhappy with your certificate.
        :return: ``None`` if the certificate was added successfully.
        """
        cert = certificate_arg(cert, "cert")
        if not lib.X509_STORE_add_cert(self._store, cert._x509):
            if _already_in_store():
                clear()
                return
            raise_error()

    def add_crl(self, crl: Any) -> None:
        """
        Add a certificate revocation list to this store.

        The certificate revocation lists added to a store will only be used
        if the associated flags are configured to check certificate
        revocation lists.

        .. versionadded:: 16.1.0

        :param crl: The certificate revocation list to add to this store:
            a :class:`CRL`, or (what pyOpenSSL 2x takes) a
            ``cryptography.x509.CertificateRevocationList``.
        :raises TypeError: If *crl* is neither.
        :return: ``None`` if the certificate revocation list was added
            successfully.
        """
        crl = crl_arg(crl, "crl")
        if not lib.X509_STORE_add_crl(self._store, crl._crl):
            if _already_in_store():
                clear()
                return
            raise_error()

    def set_flags(self, flags: int) -> None:
        """
        Set verification flags to this store.

        Verification flags can be combined by oring them together.

        .. note::

          Setting a verification flag sometimes requires clients to add
          additional information to the store, otherwise a suitable error
          will be raised.

          For example, in setting flags to enable CRL checking a
          suitable CRL must be added to the store otherwise an error will be
          raised.

        .. versionadded:: 16.1.0

        :param int flags: The verification flags to set on this store.
            See :class:`X509StoreFlags` for available constants.
        :raises TypeError: If *flags* is not an integer.
        :raises OverflowError: If it is negative or too large.
        :return: ``None`` if the verification flags were successfully set.
        """
        c_integer(flags, "unsigned long", "flags", strict=True)
        openssl_assert(lib.X509_STORE_set_flags(self._store, flags) != 0)

    def set_time(self, vfy_time: "datetime.datetime") -> None:
        """
        Set the time against which the certificates are verified.

        Normally the current time is used.  (Beyond pyOpenSSL 16.1; added in
        its 17.0.)

        :param datetime.datetime vfy_time: The verification time; a naive
            value is taken as UTC.
        :raises TypeError: If *vfy_time* is not a :class:`datetime.datetime`.
        :return: ``None`` if the verification time was successfully set.
        """
        import datetime
        if not isinstance(vfy_time, datetime.datetime):
            raise TypeError("vfy_time must be a datetime.datetime")
        if vfy_time.tzinfo is not None:
            vfy_time = vfy_time.astimezone(datetime.timezone.utc)
        import calendar     # here: it costs ~2 ms of import time
        seconds = calendar.timegm(vfy_time.timetuple())
        param = lib.X509_VERIFY_PARAM_new()
        openssl_assert(param)
        with scoped(param, lib.X509_VERIFY_PARAM_free):
            lib.X509_VERIFY_PARAM_set_time(param, seconds)
            openssl_assert(lib.X509_STORE_set1_param(self._store, param))

    def load_locations(self, cafile: Optional[PathArg],
                       capath: Optional[PathArg] = None) -> None:
        """
        Let the store know where to find trusted certificates (PEM).

        If *capath* is passed, it must be a directory prepared with
        ``c_rehash`` (``openssl rehash``).  Either, but not both, of
        *cafile* or *capath* may be ``None``.  Call this method several
        times to add more locations; a *cafile* may hold CRLs as well.
        (Beyond pyOpenSSL 16.1; added in its 20.0.)

        :param cafile: A file of PEM certificates (``bytes`` or ``str``).
        :param capath: A directory of hashed certificate files.
        :raises TypeError: If a location is not ``bytes``, ``str`` or a
            path-like object.
        :raises ValueError: If a location contains a NUL byte.
        :raises Error: If both are ``None`` or a location cannot be used.
        :return: ``None`` if the locations were set successfully.
        """
        cafile = None if cafile is None else path_arg(cafile, "cafile")
        capath = None if capath is None else path_arg(capath, "capath")
        if cafile is None and capath is None:
            raise Error([("x509 certificate routines", "load_locations",
                          "cafile and capath are both None")])
        if not lib.X509_STORE_load_locations(self._store, cafile, capath):
            raise_error()


X509StoreType = X509Store


class X509StoreFlags(object):
    """
    Flags for X509 verification, used to change the behavior of
    :class:`X509Store`.

    See `OpenSSL Verification Flags`_ for details.  Each value is the one
    the loaded OpenSSL defines:

    * ``CB_ISSUER_CHECK`` is ``0x1`` on OpenSSL 1.0.2.  OpenSSL 1.1.0 removed
      the issuer-check callback and defines the flag as ``0``, so there it is
      ``0`` and setting it changes nothing.
    * ``NOTIFY_POLICY`` is ``0x800`` in every supported version (newer
      pyOpenSSL releases dropped the name because other TLS libraries lack
      it; OpenSSL still defines it).

    .. _OpenSSL Verification Flags:
        https://www.openssl.org/docs/manmaster/man3/X509_VERIFY_PARAM_set_flags.html
    """

    CRL_CHECK = lib.X509_V_FLAG_CRL_CHECK
    CRL_CHECK_ALL = lib.X509_V_FLAG_CRL_CHECK_ALL
    IGNORE_CRITICAL = lib.X509_V_FLAG_IGNORE_CRITICAL
    X509_STRICT = lib.X509_V_FLAG_X509_STRICT
    ALLOW_PROXY_CERTS = lib.X509_V_FLAG_ALLOW_PROXY_CERTS
    POLICY_CHECK = lib.X509_V_FLAG_POLICY_CHECK
    EXPLICIT_POLICY = lib.X509_V_FLAG_EXPLICIT_POLICY
    INHIBIT_MAP = lib.X509_V_FLAG_INHIBIT_MAP
    NOTIFY_POLICY = lib.X509_V_FLAG_NOTIFY_POLICY
    CHECK_SS_SIGNATURE = lib.X509_V_FLAG_CHECK_SS_SIGNATURE
    CB_ISSUER_CHECK = lib.X509_V_FLAG_CB_ISSUER_CHECK
    #: Trust a chain that ends at any certificate of the store, not only at
    #: a self-signed root (certificate pinning; pyOpenSSL 20.0 and later).
    PARTIAL_CHAIN = lib.X509_V_FLAG_PARTIAL_CHAIN


class X509StoreContextError(Exception):
    """
    An exception raised when an error occurred while verifying a certificate
    using :meth:`X509StoreContext.verify_certificate`.

    Raised by pyossl, its only argument is ``[error number, depth,
    reason]`` (as in pyOpenSSL 16.1): OpenSSL's ``X509_V_ERR_*`` code (see
    :class:`pyossl.SSL.X509VerificationCodes`), the depth in the chain where
    verification failed (0 is the certificate being verified) and
    OpenSSL's text for the code.  As in pyOpenSSL 2x, ``str()`` of it is
    the reason and the list is also its ``errors``.

    It can be made either way: ``X509StoreContextError([code, depth,
    reason], certificate)`` (16.1) or ``X509StoreContextError(message,
    errors, certificate)`` (pyOpenSSL 2x; then ``args`` is
    ``(message,)``).

    :ivar errors: ``[error number, depth, reason]``.
    :type errors: :class:`list`
    :ivar certificate: The certificate which caused verificate failure.
    :type certificate: :class:`X509`
    """

    def __init__(self, message: Any, *rest: Any) -> None:
        if len(rest) == 2:                    # pyOpenSSL 2x
            errors, certificate = rest
            reason = message
        elif len(rest) == 1:                  # pyOpenSSL 16.1
            certificate = rest[0]
            errors = message
            reason = (message[2] if isinstance(message, list)
                      and len(message) == 3 else None)
        else:
            raise TypeError(
                "X509StoreContextError takes ([code, depth, reason], "
                "certificate) or (message, errors, certificate)")
        super(X509StoreContextError, self).__init__(message)
        self.errors = errors
        self.certificate = certificate
        self._reason = reason

    def __str__(self) -> str:
        if self._reason is not None:
            return str(self._reason)
        return super(X509StoreContextError, self).__str__()

    def __reduce__(self) -> Any:
        if self.errors is self.args[0]:
            return (type(self), (self.args[0], self.certificate))
        return (type(self), (self.args[0], self.errors, self.certificate))


class X509StoreContext(Owner):
    """
    An X.509 store context.

    An X.509 store context is used to carry out the actual verification
    process of a certificate in a described context. For describing such a
    context, see :class:`X509Store`.

    :ivar _store_ctx: The underlying X509_STORE_CTX structure used by this
        instance.  It is dynamically allocated and automatically garbage
        collected.
    :ivar _store: See the ``store`` ``__init__`` parameter.
    :ivar _cert: See the ``certificate`` ``__init__`` parameter.
    :param X509Store store: The certificates which will be trusted for the
        purposes of any verifications.
    :param X509 certificate: The certificate to be verified.
    :param chain: Untrusted certificates that may be used to build the
        chain (intermediates), or ``None``.  Beyond pyOpenSSL 16.1 (added in
        its 20.0).
    :type chain: iterable of :class:`X509`
    :raises TypeError: If an argument has the wrong type.
    """

    _store_ctx: int  # the owned C handle
    _chain: Optional[int]
    _handle_attr = "_store_ctx"
    _handle_free = "X509_STORE_CTX_free"

    def __init__(self, store: X509Store, certificate: X509,
                 chain: Optional[Iterable[X509]] = None) -> None:
        if not isinstance(store, X509Store):
            raise TypeError("store must be an X509Store instance")
        if not isinstance(certificate, X509):
            raise TypeError("certificate must be an X509 instance")
        self._chain = None
        if chain is not None:
            chain = list(chain)
            if chain:
                own(self, x509_stack(chain, "chain"), free_x509_stack,
                    "_chain")
        ctx = lib.X509_STORE_CTX_new()
        openssl_assert(ctx)
        self._own(ctx)
        self._store = store
        self._cert = certificate
        # Initialise once to report a bad setup now, as pyOpenSSL does; the
        # context is set up afresh for every verification and left clean in
        # between, so it never points at a store that set_store replaced.
        self._init()
        lib.X509_STORE_CTX_cleanup(self._store_ctx)

    def _init(self):
        if lib.X509_STORE_CTX_init(self._store_ctx, self._store._store,
                                   self._cert._x509, self._chain) <= 0:
            lib.X509_STORE_CTX_cleanup(self._store_ctx)
            raise_error()

    def _exception_from_context(self):
        ctx = self._store_ctx
        code = lib.X509_STORE_CTX_get_error(ctx)
        depth = lib.X509_STORE_CTX_get_error_depth(ctx)
        if code == lib.X509_V_OK:
            # A failure that is not a verification result (no memory, bad
            # setup): report OpenSSL's error queue.
            return Error(error_queue() or [(
                "pyossl", "X509_verify_cert", "verification failed")])
        clear()
        reason = text(lib.X509_verify_cert_error_string(code))
        current = lib.X509_STORE_CTX_get_current_cert(ctx)
        cert = (x509_from_borrowed(current)
                if current else None)
        return X509StoreContextError([code, depth, reason], cert)

    def _verify(self, want_chain):
        self._init()
        try:
            if lib.X509_verify_cert(self._store_ctx) <= 0:
                raise self._exception_from_context()
            # 1.0.2/1.1.1 can leave errors behind on success (e.g. from
            # looking up issuers): a success leaves the queue empty.
            clear()
            if not want_chain:
                return None
            stack = lib.X509_STORE_CTX_get1_chain(self._store_ctx)
            openssl_assert(stack)
            return take_x509_stack(stack)
        finally:
            lib.X509_STORE_CTX_cleanup(self._store_ctx)

    def set_store(self, store: X509Store) -> None:
        """
        Set the context's X.509 store.

        .. versionadded:: 0.15

        :param X509Store store: The store description which will be used
            for the purposes of any *future* verifications.
        :raises TypeError: If *store* is not an :class:`X509Store`.
        """
        if not isinstance(store, X509Store):
            raise TypeError("store must be an X509Store instance")
        self._store = store

    def verify_certificate(self) -> None:
        """
        Verify a certificate in a context.

        .. versionadded:: 0.15

        :raises X509StoreContextError: If an error occurred when validating
            a certificate in the context. Sets ``certificate`` attribute to
            indicate which certificate caused the error.
        :return: ``None``
        """
        self._verify(False)

    def get_verified_chain(self) -> List[X509]:
        """
        Verify the certificate and return the chain that was built.

        Beyond pyOpenSSL 16.1 (added in its 20.0).

        :return: The verified chain, the certificate first and the trust
            anchor last.
        :rtype: :class:`list` of :class:`X509`
        :raises X509StoreContextError: As :meth:`verify_certificate`.
        """
        return self._verify(True)
