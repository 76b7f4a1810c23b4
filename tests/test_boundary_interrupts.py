"""Asynchronous exceptions at the C boundary (issue 10, problems 1-3).

A ``SIGALRM`` handler raises :exc:`KeyboardInterrupt` every 0.7-4 ms (as
Ctrl-C, ``signal.alarm`` timeouts and task-runner time limits do) while a
child process runs handshakes or loaders in a loop.  Whatever bytecode the
exception lands on (a callback's first line, its ``except`` clause, the
line between a ``free`` and forgetting the pointer), the process must not
crash or hang, and no security decision may be taken with a callback's
effect missing:

* verification: no handshake with an untrusted server completes, also when
  the caller catches the interrupt and goes on with the same connection;
* SNI / ALPN: a handshake that completes shows the callback's effect;
* PEM passphrase: a key is loaded only with the right passphrase, and only
  when the callback ran to its end;
* OpenSSL 1.0.2 locking: no "release unlocked lock", no deadlock, with and
  without other threads;
* frees: loading and dropping objects in a loop never frees twice.

Counts: ``PYOSSL_INTERRUPT_HANDSHAKES`` handshakes per scenario (default
200; the stress run of the issue uses 2000 or more), twice as many
passphrase loads and ten times as many loader rounds.  Each scenario runs
in a child process with a timeout (see boundary_helpers.py).
"""

import pytest

from boundary_helpers import check_child, env_int, pki_params, run_child
from pyossl import SSL

HANDSHAKES = env_int("PYOSSL_INTERRUPT_HANDSHAKES", 200)
IS_102 = SSL.SSLeay_version(SSL.SSLEAY_VERSION).startswith(b"OpenSSL 1.0.2")


def timeout_for(handshakes, per_item=0.03, base=30.0):
    return base + handshakes * per_item


def run(scenario, pki, tmp_path, n, timeout, **extra):
    params = dict(pki_params(pki), n=n, tmpdir=str(tmp_path), **extra)
    res = run_child(scenario, params, timeout)
    stats = check_child(res)
    print("%s (n=%d): %s" % (scenario, n, stats))
    return stats, res


def assert_not_swallowed(stats):
    """The interrupts reach the caller.  A few may be lost legitimately
    (Python drops an exception raised in a finalizer, printing "Exception
    ignored"), but a KeyboardInterrupt that a callback stored must not be
    dropped: most of the interrupts raised during an attempt must end it.

    OpenSSL 1.0.2: an interrupt that lands in pyossl's Python locking
    callback is raised again once the C call returned (``locking`` in the
    stats: ``postponed``); one the callback could not raise again is
    counted as ``absorbed`` (the lock operation was completed): that gap is
    reported as an xfail with its numbers, any other is a failure."""
    raised, delivered = stats["interrupts_raised"], stats["interrupted"]
    absorbed = (stats.get("locking") or {}).get("absorbed", 0)
    if delivered * 2 < raised and absorbed:
        pytest.xfail(
            "1.0.2: %d interrupts landed in the Python locking callback "
            "and were absorbed, not raised again (the lock operation was "
            "completed; see pyossl/_runtime/locking.py): %d raised, %d "
            "reached the caller, locking counts %s"
            % (absorbed, raised, delivered, stats["locking"]))
    assert delivered * 2 >= raised, (
        "KeyboardInterrupts swallowed: %d raised, %d reached the caller"
        % (raised, delivered), stats)


def assert_locking_safe(stats, res):
    """OpenSSL 1.0.2's locks came through the interrupts intact: no
    'release unlocked lock', no lock left held once every thread stopped
    (a skipped unlock), no error in the main thread that no interrupt
    explains (a skipped or doubled lock lets two threads into the same
    critical section: RSA 'padding check failed' was seen once)."""
    assert "release unlocked lock" not in res.stderr, res.stderr[-3000:]
    assert stats["locks_held"] == [], stats
    assert not stats["main_errors"], stats
    assert not stats.get("unexpected"), stats


@pytest.mark.parametrize("retry", [False, True],
                         ids=["stop-at-interrupt", "retry-after-interrupt"])
def test_verify_never_fails_open(pki, tmp_path, retry):
    stats, _ = run("verify", pki, tmp_path, HANDSHAKES,
                   timeout_for(HANDSHAKES), retry=retry)
    assert stats["untrusted_accepted"] == 0, stats
    assert stats["untrusted_accepted_after_retry"] == 0, stats
    assert not stats.get("stale_interrupts"), (
        "a callback's stored exception was raised by a later call", stats)
    assert stats["untrusted_failed"] == stats["untrusted_attempts"], stats
    assert not stats.get("unexpected"), stats
    # The scenario did what it claims: interrupts landed, and trusted
    # handshakes still succeed when none does.
    assert stats["interrupted"] > 0, stats
    assert stats["trusted_ok"] > 0, stats
    assert_not_swallowed(stats)


@pytest.mark.parametrize("retry", [False, True],
                         ids=["stop-at-interrupt", "retry-after-interrupt"])
@pytest.mark.parametrize("scenario", ["sni", "alpn"])
def test_server_callback_effect_never_missing(pki, tmp_path, scenario,
                                              retry):
    """SNI: the callback switches to the context with the right
    certificate; ALPN: it selects ``h2``.  A completed handshake without
    that effect is a callback that failed open."""
    stats, res = run(scenario, pki, tmp_path, HANDSHAKES,
                     timeout_for(HANDSHAKES), retry=retry)
    missing = max(stats["completed_without_effect"],
                  stats["completed_without_callback_end"])
    # CPython prints this when an exception lands in a Python unraisable
    # hook itself (a second interrupt, microseconds after the first): the
    # lost call is then invisible to the hook.  pyossl's hook is a builtin
    # (no bytecode runs before the record exists), except on 1.0.2 with the
    # Python locking callback (PYOSSL_LOCKING=python, or no native
    # callback for the platform), whose rescue must run inside the C call.
    # There, SNI is covered even then (the connection checks that a
    # servername call completed); ALPN is not (its callback runs only when
    # the client offers ALPN, so no check can tell a lost call from none):
    # the known gap of that mode, docs/internals.rst.  Any other missing
    # effect is a failure.
    cut_short = res.stderr.count("Exception ignored in sys.unraisablehook")
    if scenario == "alpn" and 0 < missing <= cut_short:
        pytest.xfail(
            "known gap: %d ALPN handshake(s) completed without the "
            "callback's effect after %d unraisable hook run(s) were cut "
            "short by a second interrupt: %s" % (missing, cut_short, stats))
    assert stats["completed_without_effect"] == 0, stats
    assert stats["completed_without_callback_end"] == 0, stats
    assert not stats.get("stale_interrupts"), (
        "a callback's stored exception was raised by a later call", stats)
    assert not stats.get("unexpected"), stats
    assert stats["interrupted"] > 0 and stats["completed"] > 0, stats
    assert_not_swallowed(stats)


@pytest.mark.parametrize("scenario", ["verify", "sni"])
def test_cffi_thunks_never_fail_open(pki, tmp_path, monkeypatch, scenario):
    """The thunks PyPy gets (cffi callbacks that return the fatal result
    for an escaped exception, ``PYOSSL_THUNKS=cffi``), run on this
    interpreter under the same interrupts."""
    try:
        import cffi  # noqa: F401
    except ImportError:
        pytest.skip("cffi is not installed for this interpreter")
    monkeypatch.setenv("PYOSSL_THUNKS", "cffi")
    n = HANDSHAKES // 2
    stats, _ = run(scenario, pki, tmp_path, n, timeout_for(n), retry=True)
    assert not stats.get("unexpected"), stats
    assert not stats.get("stale_interrupts"), stats
    if scenario == "verify":
        assert stats["untrusted_accepted"] == 0, stats
        assert stats["untrusted_accepted_after_retry"] == 0, stats
        assert stats["trusted_ok"] > 0, stats
    else:
        assert stats["completed_without_effect"] == 0, stats
        assert stats["completed_without_callback_end"] == 0, stats
        assert stats["completed"] > 0, stats
    assert stats["interrupted"] > 0, stats


def test_pem_passphrase_callback_under_interrupts(pki, tmp_path):
    n = HANDSHAKES * 2
    stats, _ = run("passphrase", pki, tmp_path, n, timeout_for(n, 0.02))
    assert stats["wrong_passphrase_loaded"] == 0, stats
    assert stats["loaded_wrong_key"] == 0, stats
    assert stats["loaded_without_callback_end"] == 0, stats
    assert not stats.get("stale_interrupts"), (
        "a callback's stored exception was raised by a later call", stats)
    assert not stats.get("unexpected"), stats
    assert stats["interrupted"] > 0 and stats["loaded"] > 0, stats
    assert_not_swallowed(stats)


requires_102 = pytest.mark.skipif(
    not IS_102, reason="OpenSSL 1.0.2 only: later versions lock internally "
                       "and pyossl installs no locking callbacks")


#: The two locking callbacks (pyossl/_runtime/locking.py): the native one
#: (x86-64 Linux; elsewhere "native" runs the Python one too) and the Python
#: one, forced with PYOSSL_LOCKING=python.
LOCKING_KINDS = pytest.mark.parametrize("kind", ["native", "python"])


def _use_locking(monkeypatch, kind):
    if kind == "python":
        monkeypatch.setenv("PYOSSL_LOCKING", "python")
    else:
        monkeypatch.delenv("PYOSSL_LOCKING", raising=False)


@requires_102
@LOCKING_KINDS
def test_102_locking_single_thread(pki, tmp_path, monkeypatch, kind):
    _use_locking(monkeypatch, kind)
    stats, res = run("locking", pki, tmp_path, HANDSHAKES,
                     timeout_for(HANDSHAKES, 0.04), threads=0)
    assert_locking_safe(stats, res)
    assert stats["completed"] > 0 and stats["interrupted"] > 0, stats
    assert_not_swallowed(stats)


@requires_102
def test_102_native_locking_callback_locks_and_unlocks():
    """The native callback's machine code does what 1.0.2 asks: lock and
    unlock mutex *n*, and only that one (other threads wait)."""
    import ctypes
    import threading

    from pyossl._runtime import locking
    from pyossl._runtime.library import lib
    if locking._native["mutexes"] is None:
        pytest.skip("no native locking callback here: %s" % lib.locking)
    assert "native" in lib.locking and not lib.python_locking
    func = ctypes.CFUNCTYPE(None, ctypes.c_int, ctypes.c_int,
                            ctypes.c_char_p, ctypes.c_int)(
        lib.CRYPTO_get_locking_callback())
    lock_write, unlock_write = 1 | 8, 2 | 8     # CRYPTO_LOCK/UNLOCK|WRITE
    last = locking._native["count"] - 1
    for n in (0, 7, last):
        assert n not in locking.held()
        func(lock_write, n, b"test", 1)
        assert locking.held() == [n]
        other = []
        thread = threading.Thread(target=lambda: other.append(
            func(lock_write, n, b"other", 2) or func(unlock_write, n,
                                                     b"other", 3)))
        thread.start()
        thread.join(0.2)
        assert thread.is_alive() and not other   # waits for the mutex
        func(unlock_write, n, b"test", 4)
        thread.join(10)
        assert other == [None] and locking.held() == []


@requires_102
@LOCKING_KINDS
def test_102_locking_with_threads(pki, tmp_path, monkeypatch, kind):
    _use_locking(monkeypatch, kind)
    stats, res = run("locking", pki, tmp_path, HANDSHAKES,
                     timeout_for(HANDSHAKES, 0.1), threads=2)
    assert_locking_safe(stats, res)
    assert stats["worker_rounds"] > 0, stats
    assert stats["completed"] > 0 and stats["interrupted"] > 0, stats
    # (A worker's connection was once refused as poisoned by the main
    # thread's interrupt: the main thread remembered the SSL* address of
    # its last connection, which a worker's new connection could reuse;
    # it now keeps a weak reference to the Connection.)
    assert not stats["worker_errors"], stats
    assert_not_swallowed(stats)


def test_no_double_free_when_loading_under_interrupts(pki, tmp_path):
    n = HANDSHAKES * 10
    stats, _ = run("double_free", pki, tmp_path, n, timeout_for(n, 0.01))
    assert not stats.get("unexpected"), stats
    assert stats["rounds"] == n and stats["interrupted"] > 0, stats
    assert_not_swallowed(stats)
