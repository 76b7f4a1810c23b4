"""Run code written for pyOpenSSL on pyossl: the ``OpenSSL`` import name.

:func:`install_as_openssl` (exported as :func:`pyossl.install_as_openssl`)
makes ``import OpenSSL``, ``import OpenSSL.SSL``, ``from OpenSSL import
crypto`` and the rest give pyossl's modules:

* ``sys.modules["OpenSSL.SSL"] is pyossl.SSL`` (likewise ``crypto``,
  ``rand``, ``debug``, ``_util`` and ``tsafe``): one module, so one copy of
  every class, and ``isinstance`` and ``except`` work whichever name the
  code used;
* the classes of those modules get pyOpenSSL's ``__module__``
  (``"OpenSSL.SSL"``, ``"OpenSSL.crypto"``...), because libraries recognise
  pyOpenSSL objects that way (trustme does);
* ``OpenSSL`` itself and ``OpenSSL.version`` are small modules of their own
  whose ``__version__`` is :data:`COMPAT_VERSION`: the pyOpenSSL release
  whose API pyossl follows, with pyossl's version as a PEP 440 local label
  (``"26.4.0+pyossl.0.1.0"``), so version checks pass and bug reports show
  what really runs.

Nothing is loaded until a submodule is first used: an import hook (a
:class:`importlib.abc.MetaPathFinder` put first on :data:`sys.meta_path`)
answers for ``OpenSSL.*`` and renames the classes of ``pyossl.SSL``,
``pyossl.crypto``... when they are executed, whichever name imported them
(the lazy facades' classes when each is first used).
:func:`pyossl.use_openssl` can therefore still be called after
:func:`install_as_openssl`.

:func:`run_main` is ``python -m pyossl run [-m module | script] args...``:
it installs the switch, then runs the program as ``python`` would.
"""

import functools
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import threading
import types
from typing import Any, List, Optional, Sequence

from . import _facade
from . import version as _pyossl_version

__all__ = ["COMPAT_VERSION", "PYOPENSSL_API_VERSION", "install_as_openssl",
           "installed", "run_main"]

#: The pyOpenSSL release whose API pyossl follows (names and behaviour).
PYOPENSSL_API_VERSION = "26.4.0"

#: ``OpenSSL.__version__`` under the switch, and the version of the
#: ``pyOpenSSL`` compatibility distribution built from ``compat/pyopenssl``.
COMPAT_VERSION = "%s+pyossl.%s" % (PYOPENSSL_API_VERSION,
                                   _pyossl_version.__version__)

# OpenSSL.<name> -> the pyossl module that answers for it.
_ALIASES = {
    "SSL": "pyossl.SSL",
    "crypto": "pyossl.crypto",
    "rand": "pyossl.rand",
    "debug": "pyossl.debug",
    "tsafe": "pyossl.tsafe",
    # Clients import ``lib`` from here (Twisted: ``from OpenSSL._util
    # import lib``); it is pyossl's bound library, not a cffi one.
    "_util": "pyossl._runtime.library",
}

# pyossl modules whose classes take pyOpenSSL's module name.
_RENAMED = {
    "pyossl.SSL": "OpenSSL.SSL",
    "pyossl.crypto": "OpenSSL.crypto",
    "pyossl.rand": "OpenSSL.rand",
    "pyossl.tsafe": "OpenSSL.tsafe",
}

# Private pyossl modules that hold shared machinery, not API classes.
_MACHINERY = ("pyossl._loader", "pyossl._binding", "pyossl._runtime",
              "pyossl._dropin", "pyossl._facade")

_MARK = "__pyossl_dropin__"

_lock = threading.RLock()
_finder: "Optional[_Finder]" = None


# ------------------------------------------------------------ renaming --


def _is_api_module(name: str) -> bool:
    if not name.startswith("pyossl._"):
        return False
    return not any(name == m or name.startswith(m) for m in _MACHINERY)


def _rename_class(module_name: str, public_name: str, name: str,
                  obj: Any) -> None:
    if not isinstance(obj, type):
        return
    origin = obj.__module__
    if origin == module_name or (
            not name.startswith("_") and _is_api_module(origin)):
        obj.__module__ = public_name


def _rename_classes(module: types.ModuleType, public_name: str) -> None:
    """Give the classes of *module* the module name *public_name*.

    Renamed: classes defined in *module*, and public names it re-exports
    from pyossl's private API modules (``crypto`` gets ``pyossl._crypto``'s
    classes).  Classes from public modules (``SSL`` importing ``crypto``'s
    ``X509``) and from the shared machinery keep their own names.

    A lazy facade (``pyossl.SSL``, ``crypto``, ``rand``: see
    ``pyossl/_facade.py``) gets a hook instead: its names resolved so far
    are renamed now, the others when they are first used.
    """
    hook = functools.partial(_rename_class, module.__name__, public_name)
    if _facade.add_hook(module.__name__, "dropin", hook):
        return
    for name, obj in list(vars(module).items()):
        hook(name, obj)


def _register_alias(module: types.ModuleType) -> None:
    """Make ``OpenSSL.<name>`` name *module* too (``pyossl.SSL`` imported
    by its own name): ``sys.modules[cls.__module__]`` then finds the module
    of every renamed class (``typing.get_type_hints``, ``inspect``)."""
    for child, target in _ALIASES.items():
        if target == module.__name__:
            sys.modules.setdefault("OpenSSL." + child, module)
            package = sys.modules.get("OpenSSL")
            if package is not None and getattr(package, _MARK, False):
                setattr(package, child, module)


class _RenamingLoader(importlib.abc.Loader):
    """Wraps the loader of a pyossl module: execute, then rename."""

    def __init__(self, inner: Any, public_name: str) -> None:
        self._inner = inner
        self._public_name = public_name

    def create_module(self, spec: Any) -> Any:
        return self._inner.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        self._inner.exec_module(module)
        _rename_classes(module, self._public_name)
        _register_alias(module)

    def __getattr__(self, name: str) -> Any:
        # get_source, get_code, get_filename, get_resource_reader...
        return getattr(self._inner, name)


# ----------------------------------------------------------- aliasing --


class _AliasLoader(importlib.abc.Loader):
    """Loads ``OpenSSL.<name>`` by importing the pyossl module instead.

    The import system accepts a loader replacing its module in
    :data:`sys.modules` during ``exec_module``; the import statement then
    returns the replacement, pyossl's own module object, unchanged.
    """

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: Any) -> types.ModuleType:
        # A placeholder, marked as pyossl's: another thread may look at
        # sys.modules while the import is under way.
        placeholder = types.ModuleType(spec.name)
        setattr(placeholder, _MARK, True)
        return placeholder

    def exec_module(self, module: types.ModuleType) -> None:
        sys.modules[module.__name__] = importlib.import_module(self.target)

    def is_package(self, fullname: str) -> bool:
        return False

    def get_code(self, fullname: str) -> Any:
        # runpy (``python -m OpenSSL.debug``) runs the pyossl module's code.
        spec = importlib.util.find_spec(self.target)
        if spec is None or spec.loader is None:
            raise ImportError("no module named %r" % self.target,
                              name=self.target)
        loader: Any = spec.loader
        return loader.get_code(self.target)

    def get_source(self, fullname: str) -> Any:
        spec = importlib.util.find_spec(self.target)
        if spec is None or spec.loader is None:
            return None
        loader: Any = spec.loader
        return loader.get_source(self.target)


class _Finder(importlib.abc.MetaPathFinder):
    """First on :data:`sys.meta_path` while the switch is installed."""

    def find_spec(self, fullname: str, path: Any = None,
                  target: Any = None) -> Any:
        if fullname.startswith("OpenSSL."):
            child = fullname[len("OpenSSL."):]
            if child not in _ALIASES:
                return None
            return importlib.machinery.ModuleSpec(
                fullname, _AliasLoader(_ALIASES[child]))
        if fullname in _RENAMED and fullname not in sys.modules:
            spec = self._spec_from_others(fullname, path, target)
            if spec is not None and spec.loader is not None:
                spec.loader = _RenamingLoader(spec.loader, _RENAMED[fullname])
            return spec
        return None

    def _spec_from_others(self, fullname: str, path: Any, target: Any) -> Any:
        for finder in list(sys.meta_path):
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                return spec
        return None


def _version_module() -> types.ModuleType:
    module = types.ModuleType("OpenSSL.version", "pyOpenSSL-style metadata "
                              "of pyossl standing in for pyOpenSSL.")
    for name in _pyossl_version.__all__:
        setattr(module, name, getattr(_pyossl_version, name))
    setattr(module, "__version__", COMPAT_VERSION)
    setattr(module, "__all__", list(_pyossl_version.__all__))
    setattr(module, _MARK, True)
    return module


def _package_getattr(name: str) -> Any:
    if name in _ALIASES:
        return importlib.import_module("OpenSSL." + name)
    raise AttributeError("module 'OpenSSL' has no attribute %r" % (name,))


def _fill_package(package: types.ModuleType,
                  version_module: types.ModuleType) -> types.ModuleType:
    """Make *package* the ``OpenSSL`` package (a new module, or the
    compatibility distribution's ``OpenSSL/__init__.py`` being imported)."""
    names = ["SSL", "crypto"] + list(version_module.__all__)
    for name in version_module.__all__:
        setattr(package, name, getattr(version_module, name))
    package.__doc__ = ("pyossl standing in for pyOpenSSL (see "
                       "pyossl.install_as_openssl).")
    setattr(package, "__all__", names)
    setattr(package, "__getattr__", _package_getattr)
    setattr(package, "__dir__",
            lambda: sorted(set(vars(package)) | set(_ALIASES)))
    setattr(package, "version", version_module)
    if getattr(package, "__path__", None) is None:
        package.__path__ = []
    if getattr(package, "__spec__", None) is None:
        package.__spec__ = importlib.machinery.ModuleSpec(
            "OpenSSL", None, is_package=True)
    setattr(package, _MARK, True)
    return package


def _is_ours(name: str, module: Any) -> bool:
    if module is None or getattr(module, _MARK, False):
        return True
    if getattr(module, "__pyossl_shim__", False) and name == "OpenSSL":
        return True
    return getattr(module, "__name__", "").startswith("pyossl.")


def _foreign_openssl() -> Optional[str]:
    """The name of an ``OpenSSL`` module already imported that is not
    pyossl's (the real pyOpenSSL), or ``None``."""
    for name, module in list(sys.modules.items()):
        if (name == "OpenSSL" or name.startswith("OpenSSL.")) and \
                not _is_ours(name, module):
            return name
    return None


def installed() -> bool:
    """Whether :func:`install_as_openssl` has run in this process.

    :return: ``True`` once the switch is installed.
    """
    return _finder is not None


def install_as_openssl() -> types.ModuleType:
    """Make ``import OpenSSL`` give pyossl, for code written for pyOpenSSL.

    After this call ``OpenSSL.SSL`` *is* :mod:`pyossl.SSL`, ``OpenSSL.crypto``
    *is* :mod:`pyossl.crypto`, and likewise ``OpenSSL.rand``,
    ``OpenSSL.debug`` and ``OpenSSL._util`` (whose ``lib`` is pyossl's
    ctypes-bound library, not cffi's).  There is one copy of every class,
    so ``isinstance`` and ``except`` work with either name, and the classes
    report pyOpenSSL's module names (``type(ctx).__module__ ==
    "OpenSSL.SSL"``), which libraries such as trustme check.
    ``OpenSSL.__version__`` is the pyOpenSSL release whose API pyossl
    follows, with pyossl's own version as a local label
    (``"26.4.0+pyossl.0.1.0"``).

    Call it before anything imports ``OpenSSL``.  OpenSSL itself is not
    loaded until a submodule is first used, so :func:`pyossl.use_openssl`
    may still be called afterwards.  The call is idempotent and
    thread-safe; there is no undo.

    :return: the ``OpenSSL`` package module.
    :raises ImportError: if the real pyOpenSSL is already imported in this
        process (two implementations of the same classes cannot be mixed).
    """
    global _finder
    with _lock:
        foreign = _foreign_openssl()
        if foreign is not None:
            found = sys.modules[foreign]
            where = getattr(found, "__file__", None) or repr(found)
            raise ImportError(
                "pyossl cannot stand in for pyOpenSSL in this process: %s is "
                "already imported (from %s).  Call "
                "pyossl.install_as_openssl() before anything imports "
                "OpenSSL, or run the program with "
                "'python -m pyossl run'." % (foreign, where), name=foreign)
        package = sys.modules.get("OpenSSL")
        if _finder is not None and package is not None:
            return package
        if _finder is None:
            _finder = _Finder()
        if _finder not in sys.meta_path:
            sys.meta_path.insert(0, _finder)
        version_module = sys.modules.get("OpenSSL.version")
        if version_module is None:
            version_module = _version_module()
            sys.modules["OpenSSL.version"] = version_module
        if package is None:
            package = types.ModuleType("OpenSSL")
        _fill_package(package, version_module)
        sys.modules["OpenSSL"] = package
        for pyossl_name, public_name in _RENAMED.items():
            loaded = sys.modules.get(pyossl_name)
            if loaded is not None:
                _rename_classes(loaded, public_name)
        for target in _ALIASES.values():
            loaded = sys.modules.get(target)
            if loaded is not None:
                _register_alias(loaded)
        return package


# ----------------------------------------------------------------- run --

_USAGE = """\
usage: python -m pyossl run [-m module | script] [args ...]

Run a Python program with pyossl standing in for pyOpenSSL: 'import OpenSSL'
gives pyossl (see pyossl.install_as_openssl).  The program sees the same
sys.argv, __name__ == '__main__' and sys.path[0] as under 'python'.
"""


def _exit_status(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def run_main(argv: Sequence[str]) -> int:
    """``python -m pyossl run [-m module | script] args...``.

    Installs :func:`install_as_openssl`, then runs *script* (a file, a
    folder or a zip file with ``__main__.py``) or *module* as the
    ``python`` command would: ``sys.argv`` is ``[script-or-module-path,
    *args]``, the code runs as ``__main__``, and ``sys.path[0]`` is the
    script's folder (or, with ``-m``, the current directory).

    :param argv: the arguments after ``run``.
    :return: the program's exit status (``sys.exit(n)`` gives *n*, an
        uncaught exception propagates as it would under ``python``); 2 for
        a usage error.
    """
    import runpy
    args = list(argv)
    if not args or args[0] in ("-h", "--help"):
        stream = sys.stdout if args else sys.stderr
        stream.write(_USAGE)
        return 0 if args else 2
    if args[0] == "--":
        args = args[1:]
    module: Optional[str] = None
    script = ""
    if args and args[0] == "-m":
        if len(args) < 2:
            sys.stderr.write("python -m pyossl run: -m needs a module name\n")
            return 2
        module, rest = args[1], args[2:]
    elif args:
        script, rest = args[0], args[1:]
    else:
        sys.stderr.write(_USAGE)
        return 2
    try:
        install_as_openssl()
    except ImportError as exc:
        sys.stderr.write("python -m pyossl run: %s\n" % exc)
        return 2

    saved_argv, saved_path0 = sys.argv[:], sys.path[0] if sys.path else None
    try:
        if module is not None:
            # runpy replaces argv[0] with the module's file, as python -m.
            sys.argv[:] = [module] + rest
            cwd = os.getcwd()
            if sys.path:
                sys.path[0] = cwd
            else:
                sys.path.insert(0, cwd)
            try:
                runpy.run_module(module, run_name="__main__", alter_sys=True)
            except SystemExit as exc:
                return _exit_status(exc)
        else:
            sys.argv[:] = [script] + rest
            if not os.path.exists(script):
                sys.stderr.write("python -m pyossl run: can't open file %r: "
                                 "no such file\n" % (script,))
                return 2
            folder = os.path.dirname(os.path.abspath(script))
            if os.path.isdir(script) or script.endswith(".zip"):
                folder = os.path.abspath(script)
            if sys.path:
                sys.path[0] = folder
            else:
                sys.path.insert(0, folder)
            try:
                runpy.run_path(script, run_name="__main__")
            except SystemExit as exc:
                return _exit_status(exc)
        return 0
    finally:
        sys.argv[:] = saved_argv
        if saved_path0 is not None and sys.path:
            sys.path[0] = saved_path0


def _main(argv: Optional[List[str]] = None) -> int:
    # ``python -m pyossl._dropin``: run the imported copy of this module,
    # never the __main__ one, so the switch has one state per process.
    from pyossl import _dropin
    return _dropin.run_main(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    sys.exit(_main())
