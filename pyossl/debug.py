"""Versions and paths for bug reports, like pyOpenSSL's ``OpenSSL.debug``.

``python -m pyossl.debug`` prints them (so does ``python -m OpenSSL.debug``
under :func:`pyossl.install_as_openssl` or the compatibility distribution).
Importing this module loads nothing; :func:`env_info` loads OpenSSL if it
is not loaded yet, and reports a build that cannot be loaded instead of
failing.
"""

import importlib.util
import os
import platform
import ssl
import sys
from typing import Any, Optional

__all__ = ["env_info", "main"]


def _field(info: Any, key: str) -> Any:
    # openssl_info() gives a mapping; accept an object with attributes too.
    try:
        return info[key]
    except (TypeError, KeyError):
        return getattr(info, key, None)


def _distribution_version(name: str) -> Optional[str]:
    try:
        from importlib import metadata
    except ImportError:  # pragma: no cover (Python < 3.8)
        return None
    try:
        return metadata.version(name)
    except Exception:
        return None


def _openssl_import_name() -> str:
    """What ``import OpenSSL`` gives in this process (without importing)."""
    module = sys.modules.get("OpenSSL")
    if module is not None:
        if getattr(module, "__pyossl_dropin__", False):
            return "pyossl (install_as_openssl is active)"
        return "pyOpenSSL %s, already imported from %s" % (
            getattr(module, "__version__", "?"),
            getattr(module, "__file__", "?"))
    try:
        spec = importlib.util.find_spec("OpenSSL")
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        return "nothing (neither pyOpenSSL nor the compatibility " \
               "distribution is installed)"
    version = _distribution_version("pyOpenSSL") or "?"
    if "+pyossl" in version:
        return "pyossl, through the pyOpenSSL %s compatibility " \
               "distribution at %s" % (version, spec.origin)
    return "pyOpenSSL %s at %s" % (version, spec.origin)


def env_info() -> str:
    """Describe pyossl, the OpenSSL it loads, and the interpreter.

    :return: several ``name: value`` lines of text: pyossl's version and
        location, the OpenSSL build (version, the two library files, how
        they were found), the OpenSSL of Python's :mod:`ssl` module, the
        installed ``cryptography`` (optional), what ``import OpenSSL``
        gives, and the interpreter (executable, version, platform,
        ``sys.path``).
    """
    import pyossl
    lines = [
        ("pyossl", "%s (%s)" % (pyossl.__version__,
                                os.path.dirname(pyossl.__file__ or "?"))),
    ]
    try:
        info = pyossl.openssl_info()
    except ImportError as exc:
        lines.append(("OpenSSL", "not loaded: %s" % exc))
    else:
        lines += [
            ("OpenSSL", "%s (0x%08x)" % (_field(info, "version"),
                                         _field(info, "version_number"))),
            ("libcrypto", _field(info, "libcrypto")),
            ("libssl", _field(info, "libssl")),
            ("found by", _field(info, "how")),
        ]
    for variable in ("PYOSSL_OPENSSL_DIR", "PYOSSL_LIBCRYPTO",
                     "PYOSSL_LIBSSL"):
        if os.environ.get(variable):
            lines.append((variable, os.environ[variable]))
    lines += [
        ("Python's ssl module", getattr(ssl, "OPENSSL_VERSION", "n/a")),
        ("cryptography", _distribution_version("cryptography")
         or "not installed (optional)"),
        ("import OpenSSL gives", _openssl_import_name()),
        ("Python executable", sys.executable),
        ("Python version", sys.version.replace("\n", " ")),
        ("Platform", "%s (%s)" % (sys.platform, platform.platform())),
        ("sys.path", repr(sys.path)),
    ]
    return "\n".join("%s: %s" % (name, value) for name, value in lines)


def main() -> int:
    """Print :func:`env_info`.

    :return: the exit status: 0, or 1 when OpenSSL cannot be loaded.
    """
    text = env_info()
    print(text)
    return 1 if "\nOpenSSL: not loaded:" in text else 0


if __name__ == "__main__":
    sys.exit(main())
