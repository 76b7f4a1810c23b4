"""Declarations for the ``pki`` area (crypto part 2: store, CRL, PKCS7, PKCS12, SPKI) (part of the one table in _ffi_decls).

Add records here: Fn(name, restype, argtypes, lib=..., gens=..., cnames=...,
optional=...), Macro(name, factory, gens) and Const(name, {gen: value}).
"""

from ctypes import c_char_p, c_int, c_long, c_size_t, c_ulong, c_void_p  # noqa: F401

from ._declare import ALL, G102, G11, G3, NEW, OLD, PRE3, V3, Const, Fn, Macro  # noqa: F401

DECLARATIONS = [
]
