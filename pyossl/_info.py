"""What :func:`pyossl.openssl_info` reports: the loaded build, where it
looks for trusted certificates, and its providers.

The result types (:class:`pyossl.OpenSSLInfo` and the two nested ones) are
defined in :mod:`pyossl` itself so that they are documented and shown under
that name; this module fills them in.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, Any, List, Tuple

if TYPE_CHECKING:                                   # pragma: no cover
    from . import OpenSSLInfo, ProvidersInfo, TrustInfo

_HASHED_CERT = re.compile(r"^[0-9a-f]{8}\.[0-9]+$")
_PEM_CERT = ("-----BEGIN CERTIFICATE-----",
             "-----BEGIN TRUSTED CERTIFICATE-----")


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bytes):
        return os.fsdecode(raw)
    return str(raw)


def _openssldir(lib: Any) -> str:
    """OPENSSLDIR as compiled into the build (``OpenSSL_version(DIR)``)."""
    raw = _text(lib.OpenSSL_version(lib.SSLEAY_DIR))
    match = re.search(r'"([^"]*)"', raw)
    return match.group(1) if match else raw.replace("OPENSSLDIR:", "").strip()


def count_certificates_in_file(path: str) -> int:
    """How many PEM certificates *path* holds (0 if it cannot be read)."""
    count = 0
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.strip().decode("ascii", "replace") in _PEM_CERT:
                    count += 1
    except OSError:
        return 0
    return count


def count_certificates_in_dirs(paths: List[str]) -> int:
    """How many hash-named certificate entries (``1a2b3c4d.0``) the folders
    hold: the names OpenSSL's folder lookup opens."""
    count = 0
    for path in paths:
        try:
            names = os.listdir(path)
        except OSError:
            continue
        count += sum(1 for name in names if _HASHED_CERT.match(name))
    return count


def trust(lib: Any) -> TrustInfo:
    """Where this build looks for trust roots by default, and what is there.

    OpenSSL's default verify paths (``set_default_verify_paths``) are the
    file named by ``$SSL_CERT_FILE``, else the build's default file, and the
    folders listed in ``$SSL_CERT_DIR``, else the build's default folder.
    """
    from ._runtime import providers
    bound = providers.lib()
    default_file = _text(bound.X509_get_default_cert_file())
    default_dir = _text(bound.X509_get_default_cert_dir())
    file_env = _text(bound.X509_get_default_cert_file_env()) or "SSL_CERT_FILE"
    dir_env = _text(bound.X509_get_default_cert_dir_env()) or "SSL_CERT_DIR"
    file_from_env = bool(os.environ.get(file_env))
    dir_from_env = bool(os.environ.get(dir_env))
    cert_file = os.environ[file_env] if file_from_env else default_file
    cert_dir = os.environ[dir_env] if dir_from_env else default_dir
    separator = ";" if sys.platform == "win32" else ":"
    dirs = [d for d in cert_dir.split(separator) if d]
    in_file = count_certificates_in_file(cert_file)
    in_dirs = count_certificates_in_dirs(dirs)
    return {
        "openssldir": _openssldir(lib),
        "default_cert_file": default_file,
        "default_cert_dir": default_dir,
        "cert_file_env": file_env,
        "cert_dir_env": dir_env,
        "cert_file": cert_file,
        "cert_dir": cert_dir,
        "cert_file_from_env": file_from_env,
        "cert_dir_from_env": dir_from_env,
        "certificates_in_file": in_file,
        "certificates_in_dir": in_dirs,
        "roots_found": bool(in_file or in_dirs),
    }


def providers_info() -> ProvidersInfo:
    from ._runtime import providers
    return {
        "active": providers.active_providers(),
        "fips_mode": providers.fips_enabled(),
        "legacy": providers.legacy_state(),
    }


def collect() -> OpenSSLInfo:
    """Load OpenSSL if needed and describe it (see :func:`pyossl.openssl_info`)."""
    from . import _loader
    base = _loader.openssl_info()
    lib = _loader.load()
    version_info = tuple(base["version_info"])  # type: Tuple[int, ...]
    major, minor, patch = version_info[0], version_info[1], version_info[2]
    return {
        "libcrypto": base["libcrypto"],
        "libssl": base["libssl"],
        "how": base["how"],
        "version_number": base["version_number"],
        "version": base["version"],
        "version_info": (major, minor, patch),
        "table": base["table"],
        "symbols_bound": base["symbols_bound"],
        "symbols_missing": list(base["symbols_missing"]),
        "symbols_unavailable": list(base["symbols_unavailable"]),
        "thread_locking": base["thread_locking"],
        "trust": trust(lib),
        "providers": providers_info(),
    }
