"""Record types of the declaration table (see :mod:`pyossl._binding.table`).

A record says, for one name that pyossl code calls through ``lib``: which C
symbol(s) implement it, in which library, with which ctypes signature, and
for which OpenSSL versions.  The binder in :mod:`pyossl._loader` walks the
table once, after the library version is known, and never looks a symbol up
again.

Availability is written with version names, never with generation numbers:

* ``since="1.1"``: 1.1.0 and every later version;
* ``until="3.0"``: every supported version before 3.0;
* both: ``since="1.1", until="3.0"`` is the 1.1.x series only;
* neither: every supported version (1.0.2 and later).

pyossl tells apart three *generations* of OpenSSL: ``"1.0.2"``, ``"1.1"``
(1.1.0 and 1.1.1) and ``"3.0"`` (3.0 and every later major, 4.x included;
inside that family availability is decided by whether a symbol resolves:
``optional=True``).
"""

# Generation names, oldest first; ``lib.generation`` is an index into it.
GENERATIONS = ("1.0.2", "1.1", "3.0")
G102, G11, G3 = 0, 1, 2
GENERATION_NAMES = {G102: "1.0.2", G11: "1.1.x", G3: "3.x"}
ALL = (G102, G11, G3)


def generation(name):
    """The index of the generation named *name* (``"1.1"``...)."""
    try:
        return GENERATIONS.index(name)
    except ValueError:
        raise ValueError("unknown OpenSSL generation %r (one of %s)"
                         % (name, ", ".join(GENERATIONS))) from None


_SPANS = {}  # type: dict  # (since, until) -> available_in(since, until)


def available_in(since=None, until=None):
    """The generations from *since* (included) to *until* (excluded)."""
    span = _SPANS.get((since, until))
    if span is None:
        span = _SPANS[since, until] = _available_in(since, until)
    return span


def _available_in(since, until):
    low = generation(since) if since is not None else 0
    high = generation(until) if until is not None else len(GENERATIONS)
    if low >= high:
        raise ValueError("since=%r, until=%r names no version"
                         % (since, until))
    return tuple(range(low, high))


class Fn(object):
    """One foreign function.

    :param name: the attribute name on ``lib`` (usually the C name).
    :param restype: ctypes result type; required, so a pointer result can
        never silently default to ``int``.  Use ``None`` for ``void``.
    :param argtypes: list of ctypes argument types.
    :param lib: ``"crypto"`` or ``"ssl"``: the library that exports it.
    :param since: the first generation that has it (``"1.1"``, ``"3.0"``).
    :param until: the first generation that no longer has it.
    :param cnames: C symbol names to try in order (renamed symbols); the
        default is ``(name,)``.
    :param optional: when true, a missing symbol is expected on some builds
        of these generations; calling it raises ``NotImplementedError``.
    :param gil: when true, the call keeps the GIL (bound through
        ``ctypes.PyDLL`` on 1.1 and later, ~50 ns less per call).  Only for
        short accessors that never block, run long or call back into
        Python (reading a field, a count, an encoding OpenSSL already
        has); never for I/O, handshakes, key generation or signing.  1.0.2
        keeps the ordinary binding (its locking callbacks are Python).
    """

    __slots__ = ("name", "restype", "argtypes", "lib", "gens", "cnames",
                 "optional", "gil")

    def __init__(self, name, restype, argtypes, lib="crypto", since=None,
                 until=None, cnames=None, optional=False, gil=False):
        if lib not in ("crypto", "ssl"):
            raise ValueError("lib must be 'crypto' or 'ssl'")
        self.name = name
        self.restype = restype
        self.argtypes = list(argtypes)
        self.lib = lib
        self.gens = available_in(since, until)
        self.cnames = tuple(cnames) if cnames else (name,)
        self.optional = optional
        self.gil = gil

    def __repr__(self):
        return "Fn(%r, lib=%r, gens=%r)" % (self.name, self.lib, self.gens)


class Macro(object):
    """A C macro (often a ``*_ctrl`` call), or a version difference, made
    into one Python function.

    :param name: the attribute name on ``lib``.
    :param factory: ``factory(lib)`` returns the callable, built once the
        real functions and the constants of ``lib`` are bound.
    :param since: see :class:`Fn`.
    :param until: see :class:`Fn`.
    """

    __slots__ = ("name", "factory", "gens")

    def __init__(self, name, factory, since=None, until=None):
        self.name = name
        self.factory = factory
        self.gens = available_in(since, until)

    def __repr__(self):
        return "Macro(%r, gens=%r)" % (self.name, self.gens)


class Const(object):
    """A constant whose value may depend on the generation.

    :param name: the attribute name on ``lib``.
    :param values: mapping generation name (``"1.0.2"``, ``"1.1"``,
        ``"3.0"``) -> value; a generation that is absent (or maps to
        ``None``) does not define the constant.
    """

    __slots__ = ("name", "values")

    def __init__(self, name, values):
        self.name = name
        self.values = {generation(g): v for g, v in values.items()}

    @classmethod
    def same(cls, name, value, since=None, until=None):
        """A constant with one value wherever it is defined."""
        const = cls.__new__(cls)
        const.name = name
        const.values = dict.fromkeys(available_in(since, until), value)
        return const
