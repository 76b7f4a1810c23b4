"""Sphinx configuration for pyossl's documentation.

Build with ``tools/build-docs`` (``sphinx-build -W --keep-going -n``): any
warning, including a reference that does not resolve, fails the build.
"""

import builtins
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)                       # the pyossl package
sys.path.insert(0, os.path.join(HERE, "_ext"))  # our small extension

from pyossl.version import __author__, __version__  # noqa: E402

project = "pyossl"
author = __author__
copyright = "2026, %s" % author
version = release = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "pyossl_docs",
]

# No network access is needed to build: references to the Python standard
# library are written as plain text or resolved by Sphinx's built-in
# knowledge of builtins.
templates_path = []
exclude_patterns = ["_build"]
master_doc = root_doc = "index"
nitpicky = True
nitpick_ignore = [
    # Standard library and ctypes types that appear in signatures and
    # docstrings; we do not use intersphinx so that the build is offline.
    ("py:class", "socket.socket"),
    ("py:class", "socket"),
    ("py:class", "datetime.datetime"),
    ("py:class", "os.PathLike"),
    ("py:class", "ctypes.c_void_p"),
    ("py:class", "weakref.finalize"),
    ("py:class", "asyncio.StreamReader"),
    ("py:class", "asyncio.StreamWriter"),
    ("py:class", "optional"),
    ("py:class", "callable"),
    ("py:class", "file"),
    ("py:class", "iterable"),
    ("py:class", "bytestring"),
    ("py:class", "unicode"),
    ("py:exc", "ImportError"),
]
nitpick_ignore_regex = [
    # The standard library, named in docstrings (:meth:`socket.socket.recv`)
    # and annotations; without intersphinx (offline builds) these cannot
    # be linked.
    (r"py:.*", r"(socket|ssl|os|sys|io|datetime|asyncio|select|weakref|"
               r"threading|ctypes|_ctypes|typing|collections|enum|"
               r"warnings|builtins|types|pathlib)(\..*)?"),
    # typing constructs rendered from annotations
    ("py:class", r"typing\..*"),
    ("py:class", r"collections\.abc\..*"),
    ("py:class", r"_ctypes\..*"),
    ("py:class", r"ctypes\..*"),
    ("py:class", r"cryptography\..*"),
    # OpenSSL's C functions and types (:c:func:`PKCS12_create`): they are
    # documented in OpenSSL's man pages, not here.
    (r"c:.*", r".*"),
]

# Built-in names (``:py:const:`None```, ``:py:data:`bytes```, written in the
# pyOpenSSL style) cannot be linked without intersphinx.
_BUILTINS = [n for n in dir(builtins) if not n.startswith("_")] + [
    "NoneType", "unicode", "long", "buffer", "bytestring", "callable"]
nitpick_ignore += [(role, name)
                   for role in ("py:class", "py:data", "py:const", "py:obj",
                                "py:exc", "py:func", "py:attr")
                   for name in _BUILTINS]
# OpenSSL's C functions named with :func: (``:func:`PKCS12_parse```).
nitpick_ignore_regex.append(
    ("py:func", r"(PKCS\d*|X509|EVP|SSL|RSA|DSA|DH|EC|BIO|ERR|RAND|PEM|ASN1|"
                r"OPENSSL|CRYPTO|BN|NETSCAPE|OBJ|OCSP)_\w+"))

autodoc_member_order = "bysource"
autodoc_default_options = {}
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
autoclass_content = "both"

html_theme = "alabaster"
html_static_path = []
html_title = "pyossl %s" % release
html_theme_options = {
    "description": "pyOpenSSL's API in pure Python over ctypes",
}
