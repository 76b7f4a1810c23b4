"""What counts as a public name of a pyossl module: shared by the docs
extension (``pyossl_docs``) and ``tests/test_docs.py``, so the two can never
disagree.  No Sphinx import here."""

import inspect
import types


def public_names(module):
    """The public names of *module*, sorted.

    ``__all__`` when the module defines it; otherwise every name that does
    not start with ``_``, is not a module, and is not a class or function
    imported from outside pyossl (``ctypes.byref`` imported for internal
    use is not part of the API; ``SSL.FILETYPE_PEM`` is).  Objects defined
    in another public pyossl module and re-exported (``SSL.X509``) are not
    counted either: they are documented where they are defined.  Objects
    from a private module (``pyossl._crypto.keys``) count as the module's
    own, except those of pyossl's shared machinery (``_loader``,
    ``_binding``, ``_runtime``).
    """
    declared = getattr(module, "__all__", None)
    if declared is not None:
        return sorted(set(declared))
    names = []
    for name, obj in vars(module).items():
        if name.startswith("_") or isinstance(obj, types.ModuleType):
            continue
        if inspect.isclass(obj) or inspect.isroutine(obj):
            if not _defined_for(obj, module):
                continue
        elif not _own_data(obj):
            continue
        names.append(name)
    return sorted(names)


# pyossl's shared machinery: names imported from these are never API.
_MACHINERY = ("pyossl._loader", "pyossl._binding", "pyossl._runtime")


def _own_data(obj):
    """Constants (``int``, ``bytes``...) and instances of pyossl's own
    types are API; the bound library ``lib`` and ``ctypes.memmove`` are
    not."""
    kind = type(obj).__module__
    return kind == "builtins" or (kind.startswith("pyossl.")
                                  and not kind.startswith(_MACHINERY))


def _defined_for(obj, module):
    """Whether *obj* belongs to *module*'s API: defined there or in a
    private pyossl module (``pyossl._crypto``) whose names it re-exports,
    but not pyossl's shared machinery (``pyossl._runtime.library.lib`` and
    the like)."""
    origin = getattr(obj, "__module__", None)
    if origin is None:
        return True
    if origin.startswith(_MACHINERY):
        return False
    return origin == module.__name__ or origin.startswith("pyossl._")
