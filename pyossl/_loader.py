"""Find OpenSSL at run time, detect its version, and bind the declaration table.

Search order (the first that applies wins):

1. :func:`use_openssl` called before the first use;
2. the environment variables ``PYOSSL_LIBCRYPTO`` and ``PYOSSL_LIBSSL``;
3. the environment variable ``PYOSSL_OPENSSL_DIR``: a folder holding one
   ``libcrypto*``/``libssl*`` pair (hashed wheel names included);
4. automatic: the well-known names of each generation, newest first
   (:data:`SONAMES`: ``libssl.so.3``, ``.so.1.1``, ``.so.1.0.2``, ``.so.10``,
   ``.so.1.0.0``, each looked up by dlopen's normal search), or the
   Homebrew/MacPorts folders on macOS and the usual DLL names on Windows;
   then, only if none of those loads, :func:`ctypes.util.find_library`
   (it runs ``ldconfig -p``, too slow for every import).

An explicitly named build (1-3) is used or rejected with ``ImportError``; the
automatic search tries its candidates in turn.  libcrypto is loaded first,
libssl second, and both must be the same build.

Every candidate tried, and why it was rejected, is logged at ``DEBUG`` to
the ``pyossl`` logger (``logging.getLogger("pyossl")``), and the build
chosen at ``INFO``: ``python -m pyossl --verbose`` shows them.
"""

import ctypes
import os
import sys
import threading

from ._binding.records import (G102, G11, G3, GENERATION_NAMES, Const, Fn,
                               Macro, generation)

SUPPORTED = "OpenSSL 1.0.2, 1.1.x, or 3.0 and later"

ENV_LIBCRYPTO = "PYOSSL_LIBCRYPTO"
ENV_LIBSSL = "PYOSSL_LIBSSL"
ENV_DIR = "PYOSSL_OPENSSL_DIR"

class _Log(object):
    """The ``pyossl`` logger without importing :mod:`logging` (6 ms of
    import time): the loader only logs DEBUG and INFO, which logging drops
    anyway unless the program imported it and configured a handler or a
    level, so a message is passed on only when :mod:`logging` is loaded."""

    def debug(self, *args):
        logging = sys.modules.get("logging")
        if logging is not None:
            logging.getLogger("pyossl").debug(*args)

    def info(self, *args):
        logging = sys.modules.get("logging")
        if logging is not None:
            logging.getLogger("pyossl").info(*args)


log = _Log()

_lock = threading.RLock()
_lib = None
_requested = None          # (libcrypto, libssl, directory) from use_openssl
_keepalive = []  # type: list  # sibling libraries pre-loaded for a build


class Lib(object):
    """The bound library: one attribute per declared name, plus metadata.

    Metadata attributes: ``version_num``, ``version_text``,
    ``version_info``, ``generation`` (an index into
    :data:`~pyossl._binding.records.GENERATIONS`; compare with
    :meth:`since`),
    ``table`` (its name), ``crypto_path``, ``ssl_path``, ``how``,
    ``missing`` (required symbols that did not resolve), ``unavailable``
    (optional symbols that did not resolve), ``bound`` (name -> C name),
    ``python_locking`` (1.0.2 locking callbacks installed by pyossl).

    Functions and macros are bound on first use (:meth:`__getattr__`
    looks the name's record up, resolves it and stores the result as an
    instance attribute, so later lookups never come back here); constants
    are set at load.  Reading ``bound``, ``missing`` or ``unavailable``
    binds every remaining record first, so they always describe the whole
    table.
    """

    _pending = None            # name -> record not bound yet

    def __getattr__(self, name):
        pending = self._pending
        rec = pending.get(name) if pending else None
        if rec is None:
            # Another thread may have bound it since this lookup missed
            # the instance dict (it stores the value, then drops the
            # record from the pending table).
            try:
                return self.__dict__[name]
            except KeyError:
                raise AttributeError(name) from None
        with _lock:
            value = self.__dict__.get(name)
            if value is None:
                value = _bind_record(self, rec)
                pending.pop(name, None)
        return value

    def bind_all(self):
        """Bind every record not bound yet (diagnostics and tests)."""
        for name in list(self._pending or ()):
            getattr(self, name)

    @property
    def bound(self):
        self.bind_all()
        return self._bound

    @property
    def missing(self):
        self.bind_all()
        return self._missing

    @property
    def unavailable(self):
        self.bind_all()
        return self._unavailable

    def available(self, name):
        """Whether *name* is bound to a real symbol or macro of this build."""
        if self._pending and name in self._pending:
            getattr(self, name)
        return name in self._bound

    def since(self, name):
        """Whether this build is of the generation *name* (``"1.1"``,
        ``"3.0"``) or a later one."""
        return self.generation >= generation(name)

    def describe(self):
        return "OpenSSL %s (0x%08x) from %s" % (
            self.version_string, self.version_num, self.ssl_path)

    # The files really loaded (dladdr), found when first asked for: only
    # diagnostics and messages need them, and each lookup costs ~0.2 ms.
    @property
    def crypto_path(self):
        path = self.__dict__.get("_crypto_path")
        if path is None:
            path = self._crypto_path = _path_of(
                self._crypto, "ERR_get_error", self._crypto_name)
        return path

    @property
    def ssl_path(self):
        path = self.__dict__.get("_ssl_path")
        if path is None:
            path = self._ssl_path = _path_of(
                self._ssl, "SSL_CTX_new", self._ssl_name)
        return path


def _missing_message(lib, name, feature=None):
    what = feature or name
    return "%s is not available in %s" % (what, lib.describe())


# -------------------------------------------------------------- finding --

def use_openssl(libcrypto=None, libssl=None, directory=None):
    """:func:`pyossl.use_openssl` (documented there)."""
    global _requested
    if directory is not None:
        if libcrypto is not None or libssl is not None:
            raise ValueError("give either directory or both file paths")
        request = (None, None, os.fspath(directory))
    else:
        if libcrypto is None or libssl is None:
            raise ValueError("use_openssl() needs both libcrypto and libssl "
                             "(or directory=)")
        request = (os.fspath(libcrypto), os.fspath(libssl), None)
    with _lock:
        if _lib is not None:
            if request == _requested:
                return
            raise RuntimeError(
                "pyossl has already loaded %s; call use_openssl() before "
                "the first use of pyossl.crypto, pyossl.SSL or pyossl.rand"
                % _lib.describe())
        _requested = request


# Compiled on first use (importing re is not free when nothing else has).
_SHARED_PATTERN = r"(\.so(\.[0-9a-z.]+)?$|\.dylib$|\.dll$)"


def _pair_in_directory(directory, given_by=None):
    """Find the one libcrypto/libssl pair in *directory*.

    :param given_by: how the folder was named, for messages: ``None`` for
        the environment variable, else ``"use_openssl"``.
    """
    import glob
    import re
    shared = re.compile(_SHARED_PATTERN)
    if given_by is None:
        named = "%s=%r" % (ENV_DIR, directory)
        name_files = "name the files with %s and %s" % (ENV_LIBCRYPTO,
                                                        ENV_LIBSSL)
    else:
        named = "use_openssl(directory=%r)" % (directory,)
        name_files = "name the files with use_openssl(libcrypto=..., " \
            "libssl=...)"
    if not os.path.isdir(directory):
        raise ImportError("%s is not a folder" % named)

    def pick(stem):
        names = []
        for pattern in (stem + "*", stem.replace("lib", "", 1) + "*"):
            names.extend(glob.glob(os.path.join(directory, pattern)))
        if stem == "libcrypto":
            names.extend(glob.glob(os.path.join(directory, "libeay32*.dll")))
        else:
            names.extend(glob.glob(os.path.join(directory, "ssleay32*.dll")))
        found = {}
        for path in sorted(names):
            base = os.path.basename(path)
            if not shared.search(base) or not os.path.isfile(path):
                continue
            if _not_openssl(path):
                log.debug("%s: ignoring %s (%s)", named, path,
                          _not_openssl(path))
                continue
            found.setdefault(os.path.realpath(path), path)
        if not found:
            raise ImportError("no %s shared library in %r (%s)"
                              % (stem, directory, named))
        if len(found) > 1:
            raise ImportError(
                "more than one %s in %r (%s; %s); %s"
                % (stem, directory, ", ".join(sorted(
                    os.path.basename(p) for p in found.values())),
                   named, name_files))
        log.debug("%s: %s is %s", named, stem, list(found.values())[0])
        return list(found.values())[0]
    return pick("libcrypto"), pick("libssl")


def _explicit_request():
    """The explicitly named build, as (libcrypto, libssl, how), or None."""
    if _requested is not None:
        crypto, ssl, directory = _requested
        if directory is not None:
            crypto, ssl = _pair_in_directory(directory, "use_openssl")
            return crypto, ssl, "use_openssl(directory=%r)" % directory
        return crypto, ssl, "use_openssl()"
    crypto = os.environ.get(ENV_LIBCRYPTO)
    ssl = os.environ.get(ENV_LIBSSL)
    if crypto or ssl:
        if not (crypto and ssl):
            raise ImportError("set both %s and %s (only %s is set)" % (
                ENV_LIBCRYPTO, ENV_LIBSSL,
                ENV_LIBCRYPTO if crypto else ENV_LIBSSL))
        return crypto, ssl, "%s/%s" % (ENV_LIBCRYPTO, ENV_LIBSSL)
    directory = os.environ.get(ENV_DIR)
    if directory:
        crypto, ssl = _pair_in_directory(directory)
        return crypto, ssl, "%s=%s" % (ENV_DIR, directory)
    return None


def _not_openssl(path):
    """Why *path* is never opened as OpenSSL, or ``None``.

    Used by the automatic search and when scanning a folder.
    """
    base = os.path.basename(path)
    if sys.platform == "darwin" and path in (
            "/usr/lib/libssl.dylib", "/usr/lib/libcrypto.dylib"):
        return "macOS's stub that aborts the process"
    if base.startswith("libssl3.so"):
        return "Mozilla NSS's libssl3, not OpenSSL"
    return None


def _bad_automatic(path):
    """Files the automatic search must never open."""
    return _not_openssl(path) is not None


def _find_library_pair():
    """``ctypes.util.find_library``'s answer for libcrypto and libssl.

    The last resort of the automatic search: importing :mod:`ctypes.util`
    pulls in :mod:`subprocess`, and on Linux it runs ``ldconfig -p`` (and
    possibly ``gcc``/``ld``), about 13 ms of every import, so it runs only
    when no well-known name loaded.
    """
    try:
        import ctypes.util      # imported here: it pulls in subprocess
        return (ctypes.util.find_library("crypto"),
                ctypes.util.find_library("ssl"))
    except Exception:      # find_library may spawn tools that are missing
        return None, None


# The well-known names tried by the automatic search, newest first, before
# ctypes.util.find_library: (libcrypto, libssl) pairs that dlopen looks up
# on its normal search path (LD_LIBRARY_PATH, the ld.so cache, /lib,
# /usr/lib).  1.0.2 is .so.1.0.2 upstream, .so.10 on Red Hat, .so.1.0.0 on
# Debian/Ubuntu.
SONAMES = [("libcrypto" + suffix, "libssl" + suffix) for suffix in (
    ".so.3", ".so.1.1", ".so.1.0.2", ".so.10", ".so.1.0.0")]

# macOS: the Homebrew and MacPorts folders, newest first in each.
DARWIN_PREFIXES = ["/opt/homebrew/opt/openssl@3/lib",
                   "/usr/local/opt/openssl@3/lib",
                   "/opt/homebrew/opt/openssl@1.1/lib",
                   "/usr/local/opt/openssl@1.1/lib", "/opt/local/lib"]
DARWIN_SUFFIXES = (".3.dylib", ".1.1.dylib", ".1.0.0.dylib")


def _automatic_candidates():
    """Yield (libcrypto, libssl, how) guesses, best first.

    A generator: the caller stops at the first pair that loads, so the
    fallback (:func:`ctypes.util.find_library`, see
    :func:`_find_library_pair`) runs only when every well-known name
    failed.
    """
    seen = set()

    def emit(crypto, ssl, how):
        if crypto and ssl and (crypto, ssl) not in seen:
            if not (_bad_automatic(crypto) or _bad_automatic(ssl)):
                seen.add((crypto, ssl))
                return [(crypto, ssl, how)]
            log.debug("automatic search: skipping %s / %s (%s)", crypto, ssl,
                      _not_openssl(crypto) or _not_openssl(ssl))
        elif not (crypto and ssl):
            log.debug("automatic search: %s found %s", how,
                      "nothing" if not (crypto or ssl) else
                      "only %s" % (crypto or ssl))
        elif (crypto, ssl) in seen:
            log.debug("automatic search: %s found %s / %s, already tried",
                      how, crypto, ssl)
        return []

    if sys.platform == "win32":
        dirs = [os.path.join(sys.base_prefix, "DLLs"), sys.base_prefix]
        pairs = [("libcrypto-3-x64.dll", "libssl-3-x64.dll"),
                 ("libcrypto-3-arm64.dll", "libssl-3-arm64.dll"),
                 ("libcrypto-3.dll", "libssl-3.dll"),
                 ("libcrypto-1_1-x64.dll", "libssl-1_1-x64.dll"),
                 ("libcrypto-1_1.dll", "libssl-1_1.dll"),
                 ("libeay32.dll", "ssleay32.dll")]
        for c, s in pairs:
            for d in dirs:
                pc, ps = os.path.join(d, c), os.path.join(d, s)
                if os.path.exists(pc) and os.path.exists(ps):
                    yield from emit(pc, ps, "found in %s" % d)
            yield from emit(c, s, "well-known name")
        return
    if sys.platform == "darwin":
        for d in DARWIN_PREFIXES:
            for suffix in DARWIN_SUFFIXES:
                pc = os.path.join(d, "libcrypto" + suffix)
                ps = os.path.join(d, "libssl" + suffix)
                if os.path.exists(pc) and os.path.exists(ps):
                    yield from emit(pc, ps, "found in %s" % d)
    else:
        for c, s in SONAMES:
            yield from emit(c, s, "well-known name")
    yield from emit(*_find_library_pair(), how="ctypes.util.find_library")


# -------------------------------------------------------------- loading --

# glibc's message; PyPy prefixes it with "Cannot load library <path>: ".
_NEEDED_PATTERN = r"(?:^|:\s)([^:\s/]+): cannot open shared object file"


def _open(path):
    """dlopen *path*; pre-load missing siblings from the same folder.

    Builds bundled in wheels (auditwheel's ``.libs``) need sibling libraries
    (``libz-<hash>.so``) that are not on the search path; when the file is
    named by path and the missing dependency sits beside it, load that first.
    """
    folder = os.path.dirname(path)
    for _ in range(16):
        try:
            return ctypes.CDLL(path)
        except OSError as exc:
            import re
            match = re.search(_NEEDED_PATTERN, str(exc))
            sibling = match and folder and os.path.join(folder, match.group(1))
            if not sibling or not os.path.isfile(sibling) or sibling == path:
                raise
            _keepalive.append(_open(sibling))
    return ctypes.CDLL(path)


def _symbol(handle, name):
    try:
        return getattr(handle, name)
    except AttributeError:
        return None


def _address(func):
    return ctypes.cast(func, ctypes.c_void_p).value


def _path_of(handle, symbol_name, fallback):
    """The file a symbol really came from (dladdr), for diagnostics."""
    func = _symbol(handle, symbol_name)
    if func is None or sys.platform == "win32":
        return fallback

    class DlInfo(ctypes.Structure):
        _fields_ = [("dli_fname", ctypes.c_char_p),
                    ("dli_fbase", ctypes.c_void_p),
                    ("dli_sname", ctypes.c_char_p),
                    ("dli_saddr", ctypes.c_void_p)]
    try:
        libc = ctypes.CDLL(None)
        dladdr = libc.dladdr
    except (OSError, AttributeError):
        return fallback
    dladdr.argtypes = [ctypes.c_void_p, ctypes.POINTER(DlInfo)]
    dladdr.restype = ctypes.c_int
    info = DlInfo()
    if dladdr(_address(func), ctypes.byref(info)) and info.dli_fname:
        return os.path.realpath(os.fsdecode(info.dli_fname))
    return fallback


def read_version(handle):
    """Read (number, text) from a libcrypto handle, or raise ImportError."""
    num_fn = _symbol(handle, "OpenSSL_version_num")
    text_fn = _symbol(handle, "OpenSSL_version")
    if num_fn is None:
        num_fn = _symbol(handle, "SSLeay")
        text_fn = _symbol(handle, "SSLeay_version")
    if num_fn is None:
        return None, None
    num_fn.argtypes = []
    num_fn.restype = ctypes.c_ulong
    text = None
    if text_fn is not None:
        text_fn.argtypes = [ctypes.c_int]
        text_fn.restype = ctypes.c_char_p
        raw = text_fn(0)
        text = raw.decode("ascii", "replace") if raw else None
    return int(num_fn()), text


def classify(number, text=None):
    """Map a version number (and its text) to a generation.

    :raises ImportError: for anything pyossl does not support.
    """
    text = text or ""
    for family in ("LibreSSL", "BoringSSL"):
        if family in text:
            raise ImportError("found %s (%s, 0x%08x); pyossl supports %s"
                              % (family, text, number, SUPPORTED))
    if number >= 0x30000000:
        return G3
    if 0x10100000 <= number < 0x20000000:
        return G11
    if 0x10002000 <= number < 0x10100000:
        return G102
    raise ImportError("found OpenSSL %s (0x%08x%s); pyossl supports %s" % (
        version_string(number), number, ", %r" % text if text else "",
        SUPPORTED))


def version_info(number):
    """(major, minor, patch) from a version number (both encodings)."""
    major = (number >> 28) & 0xF
    minor = (number >> 20) & 0xFF
    if major >= 3:
        return major, minor, (number >> 4) & 0xFF
    return major, minor, (number >> 12) & 0xFF


def version_string(number):
    """"1.0.2q", "1.1.1g" or "3.0.19" from a version number."""
    major, minor, patch = version_info(number)
    if major >= 3:
        return "%d.%d.%d" % (major, minor, patch)
    letter = (number >> 4) & 0xFF
    suffix = chr(ord("a") + letter - 1) if 0 < letter <= 26 else ""
    return "%d.%d.%d%s" % (major, minor, patch, suffix)


def _load_pair(crypto_path, ssl_path, how):
    """Open and check one candidate pair; return an unbound :class:`Lib`."""
    for label, path in (("libcrypto", crypto_path), ("libssl", ssl_path)):
        if os.sep in path and not os.path.exists(path):
            raise ImportError("%s file %r does not exist (%s)" % (
                label, path, how))
    try:
        crypto = _open(crypto_path)
    except OSError as exc:
        raise ImportError("cannot load libcrypto %r (%s): %s" % (
            crypto_path, how, exc))
    number, text = read_version(crypto)
    if number is None:
        raise ImportError(
            "%r is not an OpenSSL libcrypto (it has neither "
            "OpenSSL_version_num nor SSLeay; %s); pyossl supports %s"
            % (crypto_path, how, SUPPORTED))
    generation = classify(number, text)
    try:
        ssl = _open(ssl_path)
    except OSError as exc:
        raise ImportError("cannot load libssl %r (%s): %s" % (
            ssl_path, how, exc))
    if _symbol(ssl, "SSL_CTX_new") is None:
        raise ImportError("%r is not an OpenSSL libssl (no SSL_CTX_new; %s)"
                          % (ssl_path, how))
    if sys.platform != "win32":
        # dlsym through the libssl handle finds the libcrypto libssl links.
        ssl_number, ssl_text = read_version(ssl)
        if ssl_number is not None and ssl_number != number:
            raise ImportError(
                "libssl %r and libcrypto %r are from different builds "
                "(libssl uses OpenSSL %s, libcrypto is OpenSSL %s; %s)"
                % (ssl_path, crypto_path, version_string(ssl_number),
                   version_string(number), how))
    lib = Lib()
    lib._crypto = crypto
    lib._ssl = ssl
    lib.version_num = number
    lib.version_text = text or ("OpenSSL " + version_string(number))
    lib.version_info = version_info(number)
    lib.version_string = version_string(number)
    lib.generation = generation
    lib.table = GENERATION_NAMES[generation]
    lib._crypto_name = crypto_path      # crypto_path/ssl_path: on first use
    lib._ssl_name = ssl_path
    lib.how = how
    return lib


# -------------------------------------------------------------- binding --

def _stub(lib, name, feature=None):
    def unavailable(*args, **kwargs):
        raise NotImplementedError(_missing_message(lib, name, feature))
    unavailable.__name__ = name
    return unavailable


def bind(lib, declarations):
    """Set the constants of *declarations* that apply to ``lib`` and
    register its functions and macros, which :meth:`Lib.__getattr__` binds
    on first use."""
    gen = lib.generation
    lib._bound = {}
    lib._missing = []
    lib._unavailable = []
    lib.constants = {}
    pending = {}
    for rec in declarations:
        if isinstance(rec, Const):
            value = rec.values.get(gen)
            if value is not None:
                setattr(lib, rec.name, value)
                lib.constants[rec.name] = value
            continue
        if gen in rec.gens:
            pending[rec.name] = rec
    lib._pending = pending
    return lib


def _bind_record(lib, rec):
    """Resolve one function or macro record and store it on ``lib``."""
    if isinstance(rec, Macro):
        value = rec.factory(lib)
        setattr(lib, rec.name, value)
        lib._bound[rec.name] = "macro"
        return value
    assert isinstance(rec, Fn)
    handle = lib._crypto if rec.lib == "crypto" else lib._ssl
    if rec.gil and lib.generation > 0 and hasattr(ctypes, "PyDLL"):
        # The same library, called without releasing the GIL.
        pyhandles = lib.__dict__.setdefault("_pyhandles", {})
        py = pyhandles.get(rec.lib)
        if py is None:
            py = pyhandles[rec.lib] = ctypes.PyDLL(handle._name,
                                                   handle=handle._handle)
        handle = py
    func = None
    for cname in rec.cnames:
        try:
            # handle[name]: a fresh function object per record (the same C
            # symbol may be declared under two names with different
            # signatures), not the handle's cached attribute.
            func = handle[cname]
            break
        except AttributeError:
            pass
    if func is None:
        (lib._unavailable if rec.optional else lib._missing).append(rec.name)
        value = _stub(lib, rec.name)
        setattr(lib, rec.name, value)
        return value
    func.argtypes = rec.argtypes
    func.restype = rec.restype
    setattr(lib, rec.name, func)
    lib._bound[rec.name] = cname
    return func


# --------------------------------------------------------- initialising --

def _initialise(lib):
    lib.python_locking = False
    if not lib.since("1.1"):
        lib.SSL_library_init()
        lib.SSL_load_error_strings()
        lib.ERR_load_crypto_strings()
        lib.OPENSSL_add_all_algorithms_noconf()
        from ._runtime import locking
        locking.install(lib)
    else:
        lib.locking = "built into OpenSSL %s" % lib.version_string
        lib.OPENSSL_init_ssl(lib.OPENSSL_INIT_LOAD_SSL_STRINGS
                             | lib.OPENSSL_INIT_LOAD_CRYPTO_STRINGS, None)
    lib.ERR_clear_error()


def load():
    """Find, load, check, bind and initialise OpenSSL (once per process).

    :return: the bound :class:`Lib`.
    :raises ImportError: when no supported build is found.
    """
    global _lib
    if _lib is not None:
        return _lib
    with _lock:
        if _lib is not None:
            return _lib
        explicit = _explicit_request()
        if explicit is not None:
            log.debug("trying %s / %s (%s)", *explicit)
            try:
                lib = _load_pair(*explicit)
            except ImportError as exc:
                log.debug("rejected: %s", exc)
                raise
        else:
            errors = []
            lib = None
            for crypto, ssl, how in _automatic_candidates():
                log.debug("trying %s / %s (%s)", crypto, ssl, how)
                try:
                    lib = _load_pair(crypto, ssl, how)
                    break
                except ImportError as exc:
                    log.debug("rejected: %s", exc)
                    errors.append(str(exc))
            if lib is None:
                raise ImportError(
                    "no usable OpenSSL found (%s). Set %s to a folder with "
                    "libcrypto and libssl, or %s and %s to the two files, "
                    "or call pyossl.use_openssl(). Tried: %s" % (
                        SUPPORTED, ENV_DIR, ENV_LIBCRYPTO, ENV_LIBSSL,
                        "; ".join(errors) or "nothing"))
        from ._binding import layouts, table
        bind(lib, table.DECLARATIONS)
        _initialise(lib)
        lib.layouts = layouts.verify(lib)
        _lib = lib
        if "logging" in sys.modules:       # describe() looks the files up
            log.info("using %s (found by %s)", lib.describe(), lib.how)
        return lib


def openssl_info():
    """Describe the OpenSSL build pyossl uses (loading it if needed).

    :return: a dict with the keys ``libcrypto`` and ``libssl`` (files),
        ``how`` (how they were found), ``version_number`` (int),
        ``version`` (OpenSSL's own text), ``version_info`` (tuple),
        ``table`` (``"1.0.2"``, ``"1.1.x"`` or ``"3.x"``),
        ``symbols_bound``, ``symbols_missing`` and ``symbols_unavailable``
        (lists) and ``thread_locking``.
    """
    lib = load()
    return {
        "libcrypto": lib.crypto_path,
        "libssl": lib.ssl_path,
        "how": lib.how,
        "version_number": lib.version_num,
        "version": lib.version_text,
        "version_info": lib.version_info,
        "table": lib.table,
        "symbols_bound": len(lib.bound),
        "symbols_missing": sorted(lib.missing),
        "symbols_unavailable": sorted(lib.unavailable),
        "thread_locking": lib.locking,
    }
