"""Record types for the declaration table (see :mod:`pyossl._ffi_decls`).

A declaration says, for one name that pyossl code calls through ``lib``:
which C symbol(s) implement it, in which library, with which ctypes
signature, and for which OpenSSL generations.  The binder in
:mod:`pyossl._loader` walks the table once, after the library version is
known, and never looks a symbol up again.
"""

# OpenSSL generations.  "3" means 3.0 and every later major (4.x included):
# inside that family availability is decided by whether a symbol resolves.
G102 = 0
G11 = 1
G3 = 2
GENERATION_NAMES = {G102: "1.0.2", G11: "1.1.x", G3: "3.x"}

ALL = (G102, G11, G3)
OLD = (G102,)           # 1.0.2 only
NEW = (G11, G3)         # 1.1.0 and later
PRE3 = (G102, G11)      # before 3.0
V3 = (G3,)              # 3.0 and later


class Fn(object):
    """One foreign function.

    :param name: the attribute name on ``lib`` (usually the C name).
    :param restype: ctypes result type; required, so a pointer result can
        never silently default to ``int``.  Use ``None`` for ``void``.
    :param argtypes: list of ctypes argument types.
    :param lib: ``"crypto"`` or ``"ssl"``: the library that exports it.
    :param gens: generations for which this record applies.
    :param cnames: C symbol names to try in order (renamed symbols); the
        default is ``(name,)``.
    :param optional: when true, a missing symbol is expected on some builds
        of these generations; calling it raises ``NotImplementedError``.
    """

    __slots__ = ("name", "restype", "argtypes", "lib", "gens", "cnames",
                 "optional")

    def __init__(self, name, restype, argtypes, lib="crypto", gens=ALL,
                 cnames=None, optional=False):
        if lib not in ("crypto", "ssl"):
            raise ValueError("lib must be 'crypto' or 'ssl'")
        self.name = name
        self.restype = restype
        self.argtypes = list(argtypes)
        self.lib = lib
        self.gens = tuple(gens)
        self.cnames = tuple(cnames) if cnames else (name,)
        self.optional = optional

    def __repr__(self):
        return "Fn(%r, lib=%r, gens=%r)" % (self.name, self.lib, self.gens)


class Macro(object):
    """A C macro (often a ``*_ctrl`` call) implemented in Python.

    :param name: the attribute name on ``lib``.
    :param factory: ``factory(lib)`` returns the callable, built once the
        real functions of ``lib`` are bound.
    :param gens: generations for which this record applies.
    """

    __slots__ = ("name", "factory", "gens")

    def __init__(self, name, factory, gens=ALL):
        self.name = name
        self.factory = factory
        self.gens = tuple(gens)

    def __repr__(self):
        return "Macro(%r, gens=%r)" % (self.name, self.gens)


class Const(object):
    """A constant whose value depends on the generation.

    :param name: the attribute name on ``lib``.
    :param values: mapping generation -> value; a generation that is absent
        (or maps to ``None``) means the build does not define it.
    """

    __slots__ = ("name", "values")

    def __init__(self, name, values):
        self.name = name
        self.values = dict(values)

    @classmethod
    def same(cls, name, value, gens=ALL):
        """A constant with one value for the generations *gens*."""
        return cls(name, dict((g, value) for g in gens))
