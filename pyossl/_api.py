"""What :mod:`pyossl` exports (``pyossl/__init__.py`` gives these names
when first used, so that ``import pyossl`` imports nothing but the
version): choosing the build, describing it, and the drop-in switch.

No ``from __future__ import annotations`` here: the annotations are
evaluated at definition, so :func:`typing.get_type_hints` needs no module
namespace to resolve them.
"""


import os
from typing import TYPE_CHECKING, List, Optional, Tuple, TypedDict, Union

#: A file or folder name: text, or a path object.
if TYPE_CHECKING:
    StrPath = Union[str, os.PathLike[str]]
else:                                   # os.PathLike[str] needs Python 3.9
    StrPath = Union[str, os.PathLike]


class TrustInfo(TypedDict):
    """Where the build looks for trusted (root) certificates by default:
    what :meth:`pyossl.SSL.Context.set_default_verify_paths` loads.

    ``openssldir``: the build's ``OPENSSLDIR``;
    ``default_cert_file``, ``default_cert_dir``: the file and folder compiled
    into the build; ``cert_file_env``, ``cert_dir_env``: the environment
    variables that override them (``SSL_CERT_FILE``, ``SSL_CERT_DIR``);
    ``cert_file``, ``cert_dir``: what is in effect now, and
    ``cert_file_from_env``, ``cert_dir_from_env`` whether it came from the
    variable; ``certificates_in_file`` (PEM certificates in ``cert_file``),
    ``certificates_in_dir`` (hash-named entries in the ``cert_dir``
    folders) and ``roots_found`` (whether either is non-zero).
    """

    openssldir: str
    default_cert_file: str
    default_cert_dir: str
    cert_file_env: str
    cert_dir_env: str
    cert_file: str
    cert_dir: str
    cert_file_from_env: bool
    cert_dir_from_env: bool
    certificates_in_file: int
    certificates_in_dir: int
    roots_found: bool


class ProvidersInfo(TypedDict):
    """OpenSSL 3 providers.

    ``active``: the providers active in the default library context (empty
    before OpenSSL 3); ``fips_mode``: whether FIPS mode is on; ``legacy``:
    where the "legacy" provider is, if anywhere (pyossl loads it only into
    a private library context, and only for PKCS #12 files that need it,
    never in FIPS mode).
    """

    active: List[str]
    fips_mode: bool
    legacy: str


class OpenSSLInfo(TypedDict):
    """What :func:`openssl_info` returns: a :class:`dict` with these keys.

    ``libcrypto``, ``libssl``: the files loaded; ``how``: how they were
    found; ``version_number`` (``OpenSSL_version_num()``), ``version``
    (OpenSSL's own text) and ``version_info`` (``(major, minor, patch)``);
    ``table``: the symbol table used (``"1.0.2"``, ``"1.1.x"`` or
    ``"3.x"``); ``symbols_bound`` (a count), ``symbols_missing`` (functions
    expected for this generation but absent: a build with parts compiled
    out) and ``symbols_unavailable`` (optional functions this build lacks;
    the features that need them raise :exc:`NotImplementedError`);
    ``thread_locking``: how libcrypto is made thread-safe; ``trust``: a
    :class:`TrustInfo`; ``providers``: a :class:`ProvidersInfo`.
    """

    libcrypto: str
    libssl: str
    how: str
    version_number: int
    version: str
    version_info: Tuple[int, int, int]
    table: str
    symbols_bound: int
    symbols_missing: List[str]
    symbols_unavailable: List[str]
    thread_locking: str
    trust: TrustInfo
    providers: ProvidersInfo


def use_openssl(libcrypto: Optional[StrPath] = None,
                libssl: Optional[StrPath] = None,
                directory: Optional[StrPath] = None) -> None:
    """Choose the OpenSSL build before pyossl first uses one.

    Give either both files or one folder.

    :param libcrypto: path of the libcrypto shared library.
    :param libssl: path of the libssl shared library (same build).
    :param directory: alternatively, a folder holding exactly one
        libcrypto/libssl pair.
    :raises ValueError: if neither both files nor a folder are given.
    :raises RuntimeError: if another build is already loaded.
    :return: None
    """
    from . import _loader
    _loader.use_openssl(libcrypto, libssl, directory)


def openssl_info() -> OpenSSLInfo:
    """Describe the OpenSSL build pyossl uses (loading it if needed).

    ``python -m pyossl`` prints the same (``--json``: as JSON).

    :return: an :class:`OpenSSLInfo`, a plain :class:`dict` (JSON-ready)
        whose keys and value types are declared for type checkers.
    :raises ImportError: if no supported OpenSSL can be loaded.
    """
    from . import _info
    return _info.collect()


def install_as_openssl() -> None:
    """Make ``import OpenSSL`` give pyossl's modules, for pyOpenSSL code.

    ``OpenSSL.SSL`` *is* :mod:`pyossl.SSL` (one copy of every class) and
    the classes report pyOpenSSL's module names; see :doc:`/ecosystem`.
    Idempotent and thread-safe; call it before anything imports OpenSSL.

    :raises ImportError: if the real pyOpenSSL is already imported.
    """
    from . import _dropin
    _dropin.install_as_openssl()



__all__ = ["use_openssl", "openssl_info", "install_as_openssl",
           "OpenSSLInfo", "TrustInfo", "ProvidersInfo", "StrPath"]
