"""Where :meth:`Context.set_default_verify_paths` looks for trust roots when
the loaded build's own locations hold none.

OpenSSL's default verify paths are the file named by ``$SSL_CERT_FILE``
(else ``<OPENSSLDIR>/cert.pem``) and the folders in ``$SSL_CERT_DIR`` (else
``<OPENSSLDIR>/certs``).  pyossl loads OpenSSL builds it did not compile: a
vendor's folder, a wheel's ``.libs``, an application bundle.  Their
OPENSSLDIR was fixed where they were built and usually does not exist on
the host, so verification would silently find no roots.  When neither
variable is set and the build's default file holds no certificate and its
default folder no hashed certificate, pyossl loads the first CA bundle file
and the first hashed folder of the well-known places below (the list Go
and pyOpenSSL use, which covers the common Linux distributions and the
BSDs), as pyOpenSSL does for ``cryptography``'s manylinux wheels.
"""

import os
import re

#: CA bundle files, in the order they are tried.
CA_FILES = (
    "/etc/ssl/certs/ca-certificates.crt",                 # Debian, Ubuntu,
                                                          # Gentoo, Arch
    "/etc/pki/tls/certs/ca-bundle.crt",                   # Fedora, RHEL 6
    "/etc/ssl/ca-bundle.pem",                             # openSUSE
    "/etc/pki/tls/cacert.pem",                            # OpenELEC
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  # CentOS, RHEL 7+
    "/etc/ssl/cert.pem",                                  # Alpine, macOS,
                                                          # OpenBSD
    "/usr/local/etc/ssl/cert.pem",                        # FreeBSD
    "/usr/local/share/certs/ca-root-nss.crt",             # FreeBSD, DragonFly
)

#: Folders of hashed certificates (``c_rehash``), in the order tried.
CA_DIRS = (
    "/etc/ssl/certs",                                     # SLES, Debian...
    "/etc/pki/tls/certs",                                 # Fedora, RHEL
)

_HASHED = re.compile(r"^[0-9a-f]{8}\.[0-9]+$")
_PEM_HEADERS = (b"-----BEGIN CERTIFICATE-----",
                b"-----BEGIN TRUSTED CERTIFICATE-----")


def file_has_certificates(path):
    """Whether *path* is a readable file holding a PEM certificate."""
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.strip() in _PEM_HEADERS:
                    return True
    except (OSError, ValueError):
        return False
    return False


def folder_has_certificates(path):
    """Whether *path* is a folder holding a hashed certificate entry
    (``1a2b3c4d.0``), the names OpenSSL's folder lookup opens."""
    try:
        with os.scandir(path) as entries:
            return any(_HASHED.match(entry.name) for entry in entries)
    except (OSError, ValueError):
        return False


def fallback_needed(lib):
    """Whether the default verify paths of the build *lib* find nothing
    and the environment does not name a location."""
    for getter in (lib.X509_get_default_cert_file_env,
                   lib.X509_get_default_cert_dir_env):
        name = getter()
        if name and os.environ.get(os.fsdecode(name)) is not None:
            return False
    cafile = os.fsdecode(lib.X509_get_default_cert_file() or b"")
    capath = os.fsdecode(lib.X509_get_default_cert_dir() or b"")
    if cafile and file_has_certificates(cafile):
        return False
    separator = ";" if os.name == "nt" else ":"
    return not any(folder_has_certificates(p)
                   for p in capath.split(separator) if p)


def fallback_locations():
    """``(cafile, capath)``: the first well-known bundle file and hashed
    folder that exist here (``None`` where there is none)."""
    cafile = next((p for p in CA_FILES if file_has_certificates(p)), None)
    capath = next((p for p in CA_DIRS if folder_has_certificates(p)), None)
    return cafile, capath


__all__ = ["CA_FILES", "CA_DIRS", "fallback_needed", "fallback_locations"]
