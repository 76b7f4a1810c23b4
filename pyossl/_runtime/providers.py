"""OpenSSL 3 providers: which are loaded, FIPS mode, and the "legacy"
provider in a library context of its own.

OpenSSL 3 keeps old algorithms (RC2, RC4, DES, MD4, ...) in its "legacy"
provider, which is not loaded by default; PKCS #12 files written by
OpenSSL 1.x or by Windows are protected with them.  Loading "legacy" into
the process's *default* library context (what ``openssl pkcs12 -legacy``
does) changes which algorithms every other user of that context in the
process may fetch, for good, and a FIPS deployment must never have it done
behind its back.  pyossl therefore never loads a provider into the default
context.  When a PKCS #12 file needs "legacy", pyossl:

* refuses if FIPS mode is on in the default context (the file cannot be
  read without non-FIPS algorithms; the error says so);
* otherwise creates, once per process, a private ``OSSL_LIB_CTX`` with the
  "default" and "legacy" providers loaded in it, and parses that one file
  with the private context made the calling *thread's* default for the
  duration of the call (:func:`legacy_scope`), then restores the previous
  one.  The objects read from the file (key, certificates) keep a reference
  to that context, which lives until the process exits.

:func:`legacy_state` describes what happened, for
:func:`pyossl.openssl_info` and ``python -m pyossl``.  On OpenSSL 1.x
there are no providers: every algorithm is built in.
"""

import contextlib
import threading
from typing import Any, Dict, List

from .callbacks import callback, check_callbacks

__all__ = ["lib", "active_providers", "fips_enabled", "legacy_available",
           "legacy_scope", "legacy_state", "LEGACY_REFUSED_FIPS"]

LEGACY_REFUSED_FIPS = (
    "FIPS mode is on, and pyossl does not load the non-FIPS 'legacy' "
    "provider behind a FIPS deployment's back")

_lock = threading.Lock()
_state: Dict[str, Any] = {"ctx": None, "tried": False, "why_not": None,
                          "used": False}
_enumerated: List[str] = []     # provider names collected by the thunk


def lib():
    """The bound library (loaded on first use; this module loads nothing at
    import)."""
    from .. import _loader
    return _loader.load()


_core = lib


# ---------------------------------------------------------- diagnostics --

def _make_collector():
    from .._binding.decls_providers import PROVIDER_CB

    @callback(PROVIDER_CB, 0)
    def collect(provider, cbdata):
        name = lib().OSSL_PROVIDER_get0_name(provider)
        _enumerated.append(name.decode("ascii", "replace") if name else "?")
        return 1
    return collect


_collector: List[Any] = []


def active_providers():
    """Names of the providers active in the default library context.

    Like any first use of OpenSSL 3's algorithms, this reads the OpenSSL
    configuration and activates the built-in "default" provider if the
    configuration activates none.

    :return: a list of names (empty before OpenSSL 3).
    """
    if not _core().since("3.0"):
        return []
    with _lock:
        if not _collector:
            _collector.append(_make_collector())
        del _enumerated[:]
        ok = lib().OSSL_PROVIDER_do_all(None, _collector[0], None)
        check_callbacks()
        names = list(_enumerated)
        del _enumerated[:]
    _core().ERR_clear_error()
    if not ok:
        raise RuntimeError("OSSL_PROVIDER_do_all failed")
    return names


def fips_enabled():
    """Whether FIPS mode is on (OpenSSL 3: in the default library context's
    default properties; before: ``FIPS_mode()``, 0 where absent)."""
    bound = lib()
    if _core().since("3.0"):
        return bool(bound.EVP_default_properties_is_fips_enabled(None))
    if bound.available("FIPS_mode"):
        return bool(bound.FIPS_mode())
    return False


# -------------------------------------------------------------- legacy --

def _create_legacy_context():
    """Make the private context; record why not when it cannot be had."""
    core, bound = _core(), lib()
    if not core.since("3.0"):
        _state["why_not"] = "OpenSSL %s has no providers" % (
            core.version_string,)
        return
    if fips_enabled():
        _state["why_not"] = LEGACY_REFUSED_FIPS
        return
    ctx = bound.OSSL_LIB_CTX_new()
    if not ctx:
        core.ERR_clear_error()
        _state["why_not"] = "OSSL_LIB_CTX_new failed"
        return
    # Loading a provider explicitly switches the implicit "default" off in
    # that context: load both.  (The context is never freed: objects made
    # in it may live until exit.)
    if not core.OSSL_PROVIDER_load(ctx, b"default"):
        core.ERR_clear_error()
        _state["why_not"] = "the 'default' provider could not be loaded"
        return
    if not core.OSSL_PROVIDER_load(ctx, b"legacy"):
        core.ERR_clear_error()
        _state["why_not"] = (
            "%s cannot load its 'legacy' provider (no legacy module in its "
            "modules folder, or OPENSSL_MODULES)" % (core.describe(),))
        return
    core.ERR_clear_error()
    _state["ctx"] = ctx


def legacy_available():
    """Whether the private "legacy" context can be had (made on first call).

    :return: ``True`` if it exists; ``False`` with the reason kept for
        :func:`legacy_state` and :func:`legacy_refusal`.
    """
    with _lock:
        if _state["tried"] and _state["why_not"] == LEGACY_REFUSED_FIPS:
            _state["tried"] = False         # FIPS mode may have changed
        if not _state["tried"]:
            _state["tried"] = True
            _create_legacy_context()
        if _state["ctx"] is not None and fips_enabled():
            return False                    # FIPS switched on since
        return _state["ctx"] is not None


def legacy_refusal():
    """Why the legacy context cannot be used (text for an error)."""
    if fips_enabled():
        return LEGACY_REFUSED_FIPS
    return _state["why_not"] or "the 'legacy' provider is not available"


@contextlib.contextmanager
def legacy_scope():
    """Make the private legacy context this thread's default for a block.

    Yields whether it is available; when it is not, nothing changes.
    Other threads keep their own default context throughout.
    """
    if not legacy_available():
        yield False
        return
    set0 = lib().OSSL_LIB_CTX_set0_default
    previous = set0(_state["ctx"])
    if not previous:                        # failed: nothing changed
        _core().ERR_clear_error()
        yield False
        return
    try:
        _state["used"] = True
        yield True
    finally:
        set0(previous)


def legacy_state():
    """A sentence for the diagnostics: where "legacy" is, if anywhere."""
    core = _core()
    if not core.since("3.0"):
        return "not applicable (OpenSSL %s: no providers)" % (
            core.version_string,)
    if fips_enabled():
        return "never loaded: " + LEGACY_REFUSED_FIPS
    if _state["ctx"] is not None:
        return ("loaded in pyossl's private library context only, used "
                "for PKCS #12 files that need it%s" % (
                    "" if _state["used"] else " (not used yet)"))
    if _state["tried"]:
        return "unavailable: " + (_state["why_not"] or "unknown")
    return ("not loaded (pyossl loads it, in a private library context, "
            "only when a PKCS #12 file needs it)")
