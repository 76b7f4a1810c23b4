"""Lazy public modules: what :mod:`pyossl.SSL`, :mod:`pyossl.crypto` and
:mod:`pyossl.rand` do instead of importing their implementation.

A facade declares where each of its names comes from and calls
:func:`lazy_module`, which returns the module's ``__getattr__`` and
``__dir__`` (PEP 562).  Importing the facade imports nothing else and loads
no OpenSSL; the first access of a name imports the module that provides it
(loading OpenSSL then, or raising the loader's :exc:`ImportError`), stores
the object in the facade's namespace (later accesses are plain attribute
lookups) and gives the facade's documented classes and functions the
facade's ``__module__``, as the eager facades did at import.

Whenever a name is resolved, every other name whose providing module is
already imported is resolved too (``SSL.Context`` imports the exceptions
module, so ``SSL.Error`` is renamed before ``Context`` can raise it).  A
module another thread is still executing is never waited for there, and
never returned: the name that was asked for comes from
:func:`importlib.import_module`, which returns a module only once it is
fully executed; the others are taken only if already bound (a bound class
or function is final).

The drop-in (:mod:`pyossl._dropin`) adds a rename hook with
:func:`add_hook`; a hook sees every object already resolved and, under the
same lock as resolution, every object resolved later.
"""

import _thread
import sys

TYPE_CHECKING = False    # typing.TYPE_CHECKING, without importing typing
if TYPE_CHECKING:
    from typing import Dict

__all__ = ["lazy_module", "add_hook"]

_LOCK = _thread.RLock()
_STATES: "Dict[str, _State]" = {}    # facade name -> _State
_MISSING = object()


class _State(object):
    __slots__ = ("name", "namespace", "where", "documented", "star",
                 "static_all", "hooks")

    def __init__(self, name, namespace, where, documented, star,
                 static_all):
        self.name = name
        self.namespace = namespace
        self.where = where            # name -> (module, attribute or None)
        self.documented = documented
        self.star = star              # module whose __all__ is re-exported
        self.static_all = static_all  # __all__ without the star part
        self.hooks = {}

    # -- resolution --------------------------------------------------------

    def _store(self, name, obj):
        """Under _LOCK: rename and publish one resolved object."""
        if name in self.namespace:
            return
        if name in self.documented and (isinstance(obj, type)
                                        or callable(obj)):
            try:
                obj.__module__ = self.name
            except (AttributeError, TypeError):   # pragma: no cover
                pass
        for hook in list(self.hooks.values()):
            hook(name, obj)
        self.namespace[name] = obj

    def _sweep(self):
        """Under _LOCK: resolve every name whose provider is imported and
        has bound it already."""
        namespace = self.namespace
        for name, (module_name, attr) in self.where.items():
            if name in namespace:
                continue
            module = sys.modules.get(module_name)
            if module is None:
                continue
            obj = module if attr is None else getattr(module, attr, _MISSING)
            if obj is not _MISSING:
                self._store(name, obj)
        if self.star is not None:
            module = sys.modules.get(self.star)
            names = getattr(module, "__all__", ())
            for name in list(names):
                if name not in namespace:
                    obj = getattr(module, name, _MISSING)
                    if obj is not _MISSING:
                        self._store(name, obj)

    def getattr(self, name):
        import importlib          # not at import: it imports warnings
        if name == "__all__" and self.static_all is not None:
            star = importlib.import_module(self.star)
            value = list(self.static_all) + list(star.__all__)
            with _LOCK:
                self._sweep()
                return self.namespace.setdefault("__all__", value)
        entry = self.where.get(name)
        if entry is not None:
            module_name, attr = entry
        elif (self.star is not None and not name.startswith("_")):
            module_name, attr = self.star, name
        else:
            raise AttributeError("module %r has no attribute %r"
                                 % (self.name, name))
        module = importlib.import_module(module_name)   # fully executed
        if attr is None:
            obj = module
        elif entry is None and name not in getattr(module, "__all__", ()):
            obj = _MISSING            # a name the loaded build lacks
        else:
            obj = getattr(module, attr, _MISSING)
        with _LOCK:
            if obj is not _MISSING:
                self._store(name, obj)
            self._sweep()
            if obj is _MISSING:
                raise AttributeError("module %r has no attribute %r"
                                     % (self.name, name))
            return self.namespace[name]

    def dir(self):
        """The names the facade exports (``dir()`` loads OpenSSL only for
        ``SSL``, whose ``__all__`` depends on the build) and its dunders."""
        names = {n for n in self.namespace if n != "TYPE_CHECKING" and (
            n.startswith("__") or not n.startswith("_"))}  # + submodules
        names.update(self.where)
        if self.star is not None:
            names.add("__all__")
            names.update(self.getattr("__all__"))
        return sorted(names)


def lazy_module(name, provides, aliases=None, documented=(), star=None,
                extra=None):
    """Make the module *name* (being executed) a lazy facade.

    :param name: the facade's ``__name__``.
    :param provides: ``{module name: names}``: each name is the module's
        attribute of the same name.
    :param aliases: ``{name: other name}`` for a second name of the same
        object (``ContextType`` for ``Context``).
    :param documented: the names whose class or function takes the
        facade's name as ``__module__``.
    :param star: a module whose ``__all__`` the facade re-exports
        (``from star import *``); the facade's ``__all__`` is then its own
        list (as executed so far) plus that one, computed on first use.
    :param extra: ``{name: (module name, attribute)}`` for a name that
        differs from the provider's (``crypto._lib`` is
        ``pyossl._runtime.library.lib``); attribute ``None``: the module
        itself (``SSL._constants``).
    :return: ``(__getattr__, __dir__)`` for the facade's namespace.
    """
    namespace = sys.modules[name].__dict__
    where = {}
    for module_name, names in provides.items():
        for attr in names:
            where[attr] = (module_name, attr)
    for alias, target in (aliases or {}).items():
        where[alias] = where[target]
    where.update(extra or {})
    static_all = None
    if star is not None:
        static_all = namespace.pop("__all__")
    state = _State(name, namespace, where, frozenset(documented), star,
                   static_all)
    with _LOCK:
        _STATES[name] = state

    def __getattr__(attr):
        return state.getattr(attr)

    def __dir__():
        return state.dir()

    __getattr__.__qualname__ = __getattr__.__name__
    __dir__.__qualname__ = __dir__.__name__
    return __getattr__, __dir__


def add_hook(name, key, hook):
    """Call ``hook(attr, obj)`` for every object the facade *name* has
    resolved and will resolve (once per *key*).

    :return: False if *name* is not a lazy facade.
    """
    state = _STATES.get(name)
    if state is None:
        return False
    with _LOCK:
        if key not in state.hooks:
            for attr, obj in list(state.namespace.items()):
                if attr in state.where or (
                        state.star is not None and not attr.startswith("_")):
                    hook(attr, obj)
            state.hooks[key] = hook
    return True
