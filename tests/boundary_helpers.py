"""Child-process scenarios for the boundary-safety tests (issue 10).

A crash (segfault, abort) or a hang at the C boundary must fail one test,
not kill or stall the test run, so each risky scenario runs in a child
Python process started by :func:`run_child`::

    result = run_child("verify", params, timeout=60)
    check_child(result)            # crash/hang/error -> AssertionError
    stats = result.result          # the dict the scenario returned

The child runs this file as a script: ``main()`` reads the JSON *params*
from stdin, runs ``scenario_<name>(params)``, and prints the dict it returns
as one ``BOUNDARY-RESULT {...}`` line.  A watchdog (:mod:`faulthandler`)
dumps every thread's stack shortly before the parent's timeout, so a hang
shows where it hung.

Scenarios use only the public API (``from pyossl import SSL, crypto,
rand``).  Interrupt scenarios raise :exc:`KeyboardInterrupt` from a
``SIGALRM`` handler at a high rate while armed, as Ctrl-C, ``signal.alarm``
timeouts and task-runner time limits do.

The fuzz scenario mutates seed inputs deterministically (mutant *i* of a
loader depends only on the seed string, the loader name and *i*, see
:func:`make_mutant`) and writes the index of the mutant under test into a
shared memory-mapped file before trying it, so the parent can name (and
save) the mutant that crashed or hung.
"""

import base64
import gc
import json
import mmap
import os
import random
import signal
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RESULT_MARK = "BOUNDARY-RESULT "

#: Interrupt timer periods (seconds) the interrupt scenarios cycle through,
#: so that the interrupts land at many different points of the code.
PERIODS = (0.0007, 0.0013, 0.0023, 0.004)
#: Attempts run without interrupts first, to measure an attempt's length.
CALIBRATE = 4


def env_int(name, default):
    """An integer from the environment variable *name*, else *default*."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# ------------------------------------------------------------------ parent --

class ChildResult(object):
    """What a child process did: ``returncode``, ``stdout``, ``stderr``
    (text), ``timed_out``, ``elapsed`` and ``result`` (the scenario's dict,
    or ``None``)."""

    def __init__(self, scenario, returncode, stdout, stderr, timed_out,
                 elapsed):
        self.scenario = scenario
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.timed_out = timed_out
        self.elapsed = elapsed
        self.result = None
        for line in stdout.splitlines():
            if line.startswith(RESULT_MARK):
                self.result = json.loads(line[len(RESULT_MARK):])

    @property
    def crashed(self):
        """Killed by a signal (segfault, abort...)."""
        return self.returncode is not None and self.returncode < 0

    @property
    def hung(self):
        return self.timed_out or "Timeout (" in self.stderr

    def describe(self):
        if self.hung:
            what = "hung (no result within the timeout)"
        elif self.returncode == -signal.SIGINT:
            what = "ended by an uncaught KeyboardInterrupt"
        elif self.crashed:
            try:
                name = signal.Signals(-self.returncode).name
            except ValueError:
                name = str(-self.returncode)
            what = "crashed (killed by %s)" % name
        elif self.returncode != 0:
            what = "exited with status %s" % self.returncode
        elif self.result is None:
            what = "printed no result"
        else:
            what = "succeeded"
        return "child %r %s after %.1f s\n--- stderr (tail) ---\n%s" % (
            self.scenario, what, self.elapsed, self.stderr[-4000:])


def run_child(scenario, params, timeout, script=None):
    """Run ``scenario_<scenario>(params)`` in a child interpreter.

    :param script: the file whose ``__main__`` runs the scenario (default:
        this one).

    The child inherits the environment (so ``PYOSSL_OPENSSL_DIR`` selects
    the same build) with the checkout first on ``PYTHONPATH``.  Its
    watchdog dumps all stacks and exits at 90 % of *timeout*; the parent
    kills it at *timeout*.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [ROOT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep)
                  if p])
    env.setdefault("PYTHONFAULTHANDLER", "1")
    params = dict(params, watchdog=max(1.0, timeout * 0.9))
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, script or os.path.join(HERE, "boundary_helpers.py"),
         scenario],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=env, cwd=ROOT)
    timed_out = False
    try:
        out, err = proc.communicate(json.dumps(params).encode(),
                                    timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        proc.kill()
        out, err = proc.communicate()
    return ChildResult(scenario, proc.returncode,
                       out.decode("utf-8", "replace"),
                       err.decode("utf-8", "replace"), timed_out,
                       time.monotonic() - start)


def check_child(res):
    """Fail (AssertionError) unless the child exited normally with a
    result; return the result dict."""
    if res.hung or res.crashed or res.returncode != 0 or res.result is None:
        raise AssertionError(res.describe())
    return res.result


def pki_params(pki):
    """The conftest PKI's file names, for a child's *params*."""
    return {name: getattr(pki, name) for name in (
        "ca_cert", "ca_key", "server_cert", "server_key", "client_cert",
        "client_key", "other_ca_cert", "other_ca_key", "other_server_cert",
        "other_server_key")}


# ------------------------------------------------------------------- child --

def _read(path):
    with open(path, "rb") as f:
        return f.read()


class Interrupter(object):
    """Raise :exc:`KeyboardInterrupt` from ``SIGALRM`` while :attr:`armed`.

    :meth:`begin` starts the timer for one attempt.  In the default
    ``mixed`` mode (``PYOSSL_INTERRUPT_MODE``), even attempts get a periodic
    timer (a period of :data:`PERIODS`, so several interrupts can land in
    one attempt, including one inside the handling of the previous), odd
    attempts one interrupt after a random delay within :attr:`span` (the
    measured length of an uninterrupted attempt), which spreads the
    interrupts evenly over the attempt.  ``oneshot`` uses only the latter,
    ``free`` a free-running periodic timer (as the first stress script).
    On the code before the fix, ``mixed`` made the most untrusted
    handshakes complete (30 of 400 on OpenSSL 3.0)."""

    def __init__(self, seed=0):
        self.armed = False
        self.raised = 0
        self.span = 0.004
        self._samples = []
        self.mode = os.environ.get("PYOSSL_INTERRUPT_MODE", "mixed")
        self.rng = random.Random(seed)
        signal.signal(signal.SIGALRM, self._handler)

    def _handler(self, signum, frame):
        if self.armed:
            self.raised += 1
            raise KeyboardInterrupt

    def sample(self, seconds):
        """Learn :attr:`span` from the duration of an attempt that ran to
        its end uninterrupted (1.2 times the median of the last 21)."""
        samples = self._samples
        samples.append(seconds)
        if len(samples) > 21:
            del samples[0]
        self.span = max(sorted(samples)[len(samples) // 2] * 1.2, 0.00005)

    def begin(self, i):
        """Start the timer for attempt *i*.  The first :data:`CALIBRATE`
        attempts get none (their durations set :attr:`span`), and the
        periods grow with :attr:`span` on slow interpreters (PyPy before
        its JIT warms up), so that attempts still complete."""
        if i < CALIBRATE:
            return
        scale = max(1.0, self.span / 0.004)
        if self.mode == "free":
            if i % 50 == 0:
                period = PERIODS[(i // 50) % len(PERIODS)] * scale
                signal.setitimer(signal.ITIMER_REAL, period, period)
            return
        if self.mode == "oneshot" or i % 2:
            signal.setitimer(signal.ITIMER_REAL,
                             max(self.rng.uniform(0, self.span), 1e-5), 0)
        else:
            period = PERIODS[(i // 2) % len(PERIODS)] * scale
            signal.setitimer(signal.ITIMER_REAL, period, period)

    def end(self):
        if self.mode != "free":
            signal.setitimer(signal.ITIMER_REAL, 0, 0)

    def stop(self):
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0, 0)


class Pki(object):
    """The parent's PKI files loaded with pyossl."""

    def __init__(self, params):
        from pyossl import crypto
        self.paths = params
        for name in ("ca_cert", "server_cert", "client_cert",
                     "other_ca_cert", "other_server_cert"):
            setattr(self, name, crypto.load_certificate(
                crypto.FILETYPE_PEM, _read(params[name])))
        for name in ("ca_key", "server_key", "client_key", "other_ca_key",
                     "other_server_key"):
            setattr(self, name, crypto.load_privatekey(
                crypto.FILETYPE_PEM, _read(params[name])))

    def make_cert(self, cn, signer=None, expired=False, ca=False):
        """A new ``(cert, key)`` (RSA 2048, SHA-256): self-signed unless
        *signer* (``(cert, key)``) is given; *expired*: valid until an hour
        ago."""
        from pyossl import crypto
        key = crypto.PKey()
        key.generate_key(crypto.TYPE_RSA, 2048)
        cert = crypto.X509()
        cert.set_version(2)
        cert.get_subject().CN = cn
        cert.set_serial_number(random.getrandbits(63))
        if expired:
            cert.gmtime_adj_notBefore(-86400 * 30)
            cert.gmtime_adj_notAfter(-3600)
        else:
            cert.gmtime_adj_notBefore(-3600)
            cert.gmtime_adj_notAfter(86400 * 30)
        issuer_cert, issuer_key = signer or (cert, key)
        cert.set_issuer(issuer_cert.get_subject())
        cert.set_pubkey(key)
        if ca:
            cert.add_extensions([crypto.X509Extension(
                b"basicConstraints", True, b"CA:TRUE")])
        cert.sign(issuer_key, "sha256")
        return cert, key

    def server_context(self, cert, key):
        from pyossl import SSL
        ctx = SSL.Context(SSL.TLS_METHOD)
        ctx.use_certificate(cert)
        ctx.use_privatekey(key)
        return ctx


def pump(a, b):
    """Move the bytes each memory-BIO connection wrote to the other."""
    from pyossl import SSL
    for src, dst in ((a, b), (b, a)):
        while True:
            try:
                data = src.bio_read(65536)
            except SSL.WantReadError:
                break
            if not data:
                break
            dst.bio_write(data)


class Pair(object):
    """A memory-BIO client/server pair."""

    def __init__(self, server_ctx, client_ctx):
        from pyossl import SSL
        self.s = SSL.Connection(server_ctx, None)
        self.s.set_accept_state()
        self.c = SSL.Connection(client_ctx, None)
        self.c.set_connect_state()

    def handshake(self, rounds=50):
        """Run both handshakes to completion; raise on failure,
        :exc:`RuntimeError` when neither side makes progress."""
        from pyossl import SSL
        for _ in range(rounds):
            done = 0
            for conn in (self.c, self.s):
                try:
                    conn.do_handshake()
                    done += 1
                except SSL.WantReadError:
                    pass
            pump(self.c, self.s)
            if done == 2:
                return
        raise RuntimeError("handshake makes no progress")

    def exchange(self):
        """One byte each way: the connection really works."""
        self.c.send(b"x")
        pump(self.c, self.s)
        assert self.s.recv(1) == b"x"
        self.s.send(b"y")
        pump(self.c, self.s)
        assert self.c.recv(1) == b"y"


def _expected_errors():
    from pyossl import SSL, crypto
    return (SSL.Error, crypto.Error, RuntimeError)


def _note_unexpected(stats, exc):
    """Record an exception type no scenario expects (a bug in itself)."""
    import traceback
    where = traceback.extract_tb(exc.__traceback__)[-4:]
    name = "%s: %s at %s" % (type(exc).__name__, str(exc)[:200], " <- ".join(
        "%s:%d %s" % (os.path.basename(f.filename), f.lineno, f.name)
        for f in reversed(where)))
    bad = stats.setdefault("unexpected", [])
    if len(bad) < 10:
        bad.append(name[:600])


def _stale(stats):
    stats["stale_interrupts"] = stats.get("stale_interrupts", 0) + 1


def _unarmed(stats, func, *args):
    """Call *func* with *args* after an attempt, unarmed.  A
    KeyboardInterrupt it raises was stored by a callback during the
    attempt and not raised there: an earlier call's exception surfacing in
    a later call (counted as ``stale_interrupts``); the result is then
    ``None``."""
    try:
        return func(*args)
    except KeyboardInterrupt:
        _stale(stats)
        return None


def _attempt(intr, body, stats, i):
    """Run *body(state)* armed; return ``(state, interrupted)``.

    ``state["completed"]`` is set by *body* as its last statement, so an
    interrupt arriving after the work was done (in the ``finally`` below)
    does not hide a completed handshake."""
    state = {"completed": False}
    interrupted = False
    intr.begin(i)
    start = time.perf_counter()
    try:
        intr.armed = True
        try:
            body(state)
        except KeyboardInterrupt:
            interrupted = True
        except _expected_errors():
            pass
        finally:
            intr.armed = False
    except KeyboardInterrupt:           # raised in the handlers above
        intr.armed = False
        interrupted = True
    except BaseException as exc:        # noqa: B902 - reported
        intr.armed = False
        _note_unexpected(stats, exc)
    intr.end()
    if state["completed"] and not interrupted:
        intr.sample(time.perf_counter() - start)
    return state, interrupted


def _detail(stats, i, label, per_conn, how):
    details = stats.setdefault("accepted_details", [])
    if len(details) < 10:
        details.append("attempt %d: %s server, callback on the %s %s" % (
            i, label, "Connection" if per_conn else "Context", how))


def scenario_verify(p):
    """VERIFY_PEER client whose callback returns *preverify_ok*, against
    trusted and untrusted servers (self-signed, and signed by an unknown
    CA), under interrupts.  ``retry``: after an interrupt, go on with the
    same connections (as a caller catching the exception would): an
    untrusted handshake must still never complete."""
    from pyossl import SSL
    pki = Pki(p)
    trusted_ctx = pki.server_context(pki.server_cert, pki.server_key)
    # Untrusted: one verification error (self-signed; expired), and two
    # (signed by an unknown CA: no issuer, then no leaf signature check).
    self_signed = pki.server_context(*pki.make_cert("self-signed"))
    expired = pki.server_context(*pki.make_cert(
        "expired", (pki.ca_cert, pki.ca_key), expired=True))
    unknown_ca = pki.server_context(pki.other_server_cert,
                                    pki.other_server_key)
    servers = [(True, trusted_ctx, "trusted"),
               (False, self_signed, "self-signed"),
               (True, trusted_ctx, "trusted"), (False, expired, "expired"),
               (True, trusted_ctx, "trusted"),
               (False, self_signed, "self-signed"),
               (True, trusted_ctx, "trusted"),
               (False, unknown_ca, "unknown CA")]

    def verify_cb(conn, cert, errnum, depth, ok):
        return ok

    ctx_level = SSL.Context(SSL.TLS_METHOD)
    ctx_level.load_verify_locations(p["ca_cert"])
    ctx_level.set_verify(SSL.VERIFY_PEER, verify_cb)
    conn_level = SSL.Context(SSL.TLS_METHOD)
    conn_level.load_verify_locations(p["ca_cert"])

    intr = Interrupter()
    stats = {"untrusted_attempts": 0, "untrusted_accepted": 0,
             "untrusted_failed": 0,
             "untrusted_accepted_after_retry": 0, "trusted_ok": 0,
             "trusted_failed": 0, "interrupted": 0}
    n, retry = p["n"], p.get("retry", False)
    for i in range(n):
        trusted, sctx, label = servers[i % len(servers)]
        # Half of the attempts set the callback on the Connection.
        per_conn = (i // len(servers)) % 2 == 1

        def body(state):
            pair = Pair(sctx, conn_level if per_conn else ctx_level)
            if per_conn:
                pair.c.set_verify(SSL.VERIFY_PEER, verify_cb)
            # Only a pair set up completely may be retried (conn_level
            # itself does not verify).
            state["pair"] = pair
            pair.handshake()
            pair.exchange()
            state["completed"] = True

        state, interrupted = _attempt(intr, body, stats, i)
        stats["interrupted"] += interrupted
        stats["untrusted_attempts"] += not trusted
        completed = state["completed"]
        if interrupted and retry and not completed:
            completed = _retry(state, stats)
            if completed and not trusted:
                stats["untrusted_accepted_after_retry"] += 1
                _detail(stats, i, label, per_conn, "after retry")
        if trusted:
            stats["trusted_ok" if completed else "trusted_failed"] += 1
        elif state["completed"]:
            stats["untrusted_accepted"] += 1
            _detail(stats, i, label, per_conn, "")
        else:
            stats["untrusted_failed"] += 1
    intr.stop()
    stats["interrupts_raised"] = intr.raised
    return stats


def _retry(state, stats):
    """Go on with an interrupted attempt's connections, unarmed (as a
    caller that catches the interrupt would); whether it completes."""
    if "pair" not in state:
        return False
    try:
        state["pair"].handshake()
        state["pair"].exchange()
        return True
    except _expected_errors():
        return False
    except KeyboardInterrupt:           # unarmed: see _unarmed
        _stale(stats)
        return False
    except BaseException as exc:  # noqa: B902 - reported
        _note_unexpected(stats, exc)
        return False


def _callback_effect(p, make_server_ctx, prepare, effect_ok):
    """Handshakes whose server runs a callback: one that completes (also
    after a retry, with ``retry``) must show the callback's effect
    (*effect_ok(pair)*) and the callback must have run to its end (it sets
    ``app_data["done"]`` last)."""
    from pyossl import SSL
    pki = Pki(p)
    server_ctx = make_server_ctx(pki)
    client_ctx = SSL.Context(SSL.TLS_METHOD)       # VERIFY_NONE
    intr = Interrupter()
    stats = {"completed": 0, "completed_after_retry": 0,
             "completed_without_effect": 0,
             "completed_without_callback_end": 0, "failed": 0,
             "interrupted": 0}
    for i in range(p["n"]):
        mark = {"done": False}

        def body(state):
            pair = Pair(server_ctx, client_ctx)
            pair.s.set_app_data(mark)
            prepare(pair)
            state["pair"] = pair
            pair.handshake()
            pair.exchange()
            state["completed"] = True

        state, interrupted = _attempt(intr, body, stats, i)
        stats["interrupted"] += interrupted
        completed = state["completed"]
        if interrupted and not completed and p.get("retry"):
            completed = _retry(state, stats)
            stats["completed_after_retry"] += completed
        if not completed:
            stats["failed"] += 1
            continue
        stats["completed"] += 1
        if not _unarmed(stats, effect_ok, state["pair"], pki):
            stats["completed_without_effect"] += 1
        if not mark["done"]:
            stats["completed_without_callback_end"] += 1
    intr.stop()
    stats["interrupts_raised"] = intr.raised
    return stats


def scenario_sni(p):
    """A server whose servername callback switches to the context with the
    right certificate: the client must have seen that certificate."""
    def server(pki):
        sni_ctx = pki.server_context(pki.server_cert, pki.server_key)
        default_ctx = pki.server_context(pki.other_server_cert,
                                         pki.other_server_key)

        def on_servername(conn):
            conn.set_context(sni_ctx)
            conn.get_app_data()["done"] = True

        default_ctx.set_tlsext_servername_callback(on_servername)
        return default_ctx

    def effect_ok(pair, pki):
        peer = pair.c.get_peer_certificate()
        return (peer is not None and peer.get_subject().CN
                == pki.server_cert.get_subject().CN)

    return _callback_effect(
        p, server, lambda pair: pair.c.set_tlsext_host_name(b"localhost"),
        effect_ok)


def scenario_alpn(p):
    """A server whose ALPN select callback picks ``h2``: both sides must
    have negotiated ``h2``."""
    def server(pki):
        ctx = pki.server_context(pki.server_cert, pki.server_key)

        def select(conn, protos):
            choice = b"h2" if b"h2" in protos else b""
            conn.get_app_data()["done"] = True
            return choice

        ctx.set_alpn_select_callback(select)
        return ctx

    def effect_ok(pair, pki):
        return (pair.c.get_alpn_proto_negotiated() == b"h2"
                and pair.s.get_alpn_proto_negotiated() == b"h2")

    return _callback_effect(
        p, server, lambda pair: pair.c.set_alpn_protos([b"http/1.1", b"h2"]),
        effect_ok)


def scenario_passphrase(p):
    """PEM passphrase callbacks under interrupts: ``load_privatekey`` with
    a callable (right and wrong passphrase), with bytes, and
    ``Context.set_passwd_cb`` + ``use_privatekey_file``.  A key loaded with
    the wrong passphrase, a loaded key that differs from the real one, or a
    load that succeeded although the callback did not run to its end, is a
    failure."""
    from pyossl import SSL, crypto
    pki = Pki(p)
    key = pki.server_key
    plain = crypto.dump_privatekey(crypto.FILETYPE_PEM, key)
    secret = b"sesame-open"
    enc = crypto.dump_privatekey(crypto.FILETYPE_PEM, key, "aes-128-cbc",
                                 secret)
    enc_path = os.path.join(p["tmpdir"], "enc-key.pem")
    with open(enc_path, "wb") as f:
        f.write(enc)
    intr = Interrupter()
    stats = {"loaded": 0, "failed": 0, "interrupted": 0,
             "wrong_passphrase_loaded": 0, "loaded_wrong_key": 0,
             "loaded_without_callback_end": 0}
    for i in range(p["n"]):
        variant = i % 5
        mark = {"done": False}

        def good(*args):
            answer = secret
            mark["done"] = True
            return answer

        def wrong(*args):
            answer = b"not-the-passphrase"
            mark["done"] = True
            return answer

        def body(state):
            if variant == 0:
                state["key"] = crypto.load_privatekey(
                    crypto.FILETYPE_PEM, enc, good)
            elif variant == 1:
                state["key"] = crypto.load_privatekey(
                    crypto.FILETYPE_PEM, enc, wrong)
            elif variant == 2:
                state["key"] = crypto.load_privatekey(
                    crypto.FILETYPE_PEM, enc, secret)
                mark["done"] = True
            else:
                ctx = SSL.Context(SSL.TLS_METHOD)
                ctx.set_passwd_cb(good if variant == 3 else wrong)
                ctx.use_privatekey_file(enc_path)
                state["ctx"] = ctx
            state["completed"] = True

        state, interrupted = _attempt(intr, body, stats, i)
        stats["interrupted"] += interrupted
        if not state["completed"]:
            stats["failed"] += 1
            continue
        stats["loaded"] += 1
        if variant in (1, 4):
            stats["wrong_passphrase_loaded"] += 1
        if not mark["done"]:
            stats["loaded_without_callback_end"] += 1
        def same():
            try:
                if "key" in state:
                    return crypto.dump_privatekey(
                        crypto.FILETYPE_PEM, state["key"]) == plain
                state["ctx"].use_certificate(pki.server_cert)
                state["ctx"].check_privatekey()
                return True
            except (SSL.Error, crypto.Error):
                return False
        if _unarmed(stats, same) is False:
            stats["loaded_wrong_key"] += 1
    intr.stop()
    stats["interrupts_raised"] = intr.raised
    return stats


def _locking_round(pki, pem, state):
    """Context and Connection creation, a handshake, some crypto: the
    operations that take OpenSSL 1.0.2's locks."""
    from pyossl import SSL, crypto
    sctx = pki.server_context(pki.server_cert, pki.server_key)
    cctx = SSL.Context(SSL.TLS_METHOD)
    cctx.get_cert_store().add_cert(pki.ca_cert)
    cctx.set_verify(SSL.VERIFY_PEER, lambda c, x, e, d, ok: ok)
    pair = Pair(sctx, cctx)
    pair.handshake()
    pair.exchange()
    crypto.load_certificate(crypto.FILETYPE_PEM, pem)
    state["completed"] = True


#: Error reasons an interrupt explains (pyossl's own: a callback was
#: interrupted, the connection refused); any other reason in the main
#: thread of the locking scenario (OpenSSL's "padding check failed", "bad
#: signature"...) means two threads were inside a critical section at once.
_INTERRUPT_REASONS = ("interrupted", "callback")


def _error_reasons(exc):
    """The reason strings of a pyossl ``Error``, as one string."""
    try:
        return "; ".join(str(entry[-1]) for entry in exc.args[0])
    except (IndexError, TypeError):
        return str(exc)


def scenario_locking(p):
    """Handshakes and context creation in a loop under interrupts (main
    thread), optionally with worker threads doing the same unarmed.

    Also counts: ``main_errors`` (errors in the main thread that no
    interrupt explains: a lock operation skipped or doubled lets two threads
    into the same critical section), ``locks_held`` (OpenSSL locks still
    held once every thread stopped: a skipped unlock) and ``locking`` (the
    callback's own counts, added by :func:`main`)."""
    from pyossl import SSL, crypto
    pki = Pki(p)
    pem = crypto.dump_certificate(crypto.FILETYPE_PEM, pki.server_cert)
    intr = Interrupter()
    stats = {"rounds": 0, "completed": 0, "interrupted": 0,
             "worker_rounds": 0, "worker_errors": [], "main_errors": []}
    stop = threading.Event()
    lock = threading.Lock()

    def worker():
        while not stop.is_set():
            try:
                _locking_round(pki, pem, {})
                with lock:
                    stats["worker_rounds"] += 1
            except BaseException as exc:  # noqa: B902 - reported
                with lock:
                    if len(stats["worker_errors"]) < 10:
                        stats["worker_errors"].append(repr(exc)[:300])

    def main_round(state):
        try:
            _locking_round(pki, pem, state)
        except (SSL.Error, crypto.Error) as exc:
            reasons = _error_reasons(exc)
            if not any(word in reasons for word in _INTERRUPT_REASONS):
                if len(stats["main_errors"]) < 10:
                    stats["main_errors"].append(repr(exc)[:300])
            raise

    threads = [threading.Thread(target=worker, daemon=True)
               for _ in range(p.get("threads", 0))]
    for t in threads:
        t.start()
    for i in range(p["n"]):
        state, interrupted = _attempt(intr, main_round, stats, i)
        stats["rounds"] += 1
        stats["interrupted"] += interrupted
        stats["completed"] += state["completed"]
    intr.stop()
    stop.set()
    deadline = time.monotonic() + 30
    for t in threads:
        t.join(max(0.1, deadline - time.monotonic()))
    alive = [t for t in threads if t.is_alive()]
    if alive:
        import faulthandler
        sys.stderr.write("worker threads did not finish: hang\n")
        faulthandler.dump_traceback(all_threads=True)
        sys.stderr.flush()
        os._exit(3)
    from pyossl._runtime import locking
    stats["locks_held"] = locking.held()
    stats["interrupts_raised"] = intr.raised
    return stats


def scenario_double_free(p):
    """Loaders and dumpers (memory BIOs, objects created and dropped) in a
    loop under fast interrupts: a free interrupted half-way must never be
    repeated."""
    from pyossl import crypto
    pki = Pki(p)
    pem = crypto.dump_certificate(crypto.FILETYPE_PEM, pki.server_cert)
    der = crypto.dump_certificate(crypto.FILETYPE_ASN1, pki.server_cert)
    keypem = crypto.dump_privatekey(crypto.FILETYPE_PEM, pki.client_key)
    intr = Interrupter()
    stats = {"rounds": 0, "interrupted": 0}
    for i in range(p["n"]):
        if i % 500 == 0:
            gc.collect()

        def body(state):
            cert = crypto.load_certificate(crypto.FILETYPE_PEM, pem)
            crypto.load_certificate(crypto.FILETYPE_ASN1, der)
            crypto.dump_certificate(crypto.FILETYPE_PEM, cert)
            cert.get_subject().CN
            if i % 8 == 0:
                crypto.load_privatekey(crypto.FILETYPE_PEM, keypem)
            state["completed"] = True

        state, interrupted = _attempt(intr, body, stats, i)
        stats["rounds"] += 1
        stats["interrupted"] += interrupted
    intr.stop()
    gc.collect()
    stats["interrupts_raised"] = intr.raised
    return stats


# ------------------------------------------------------------- recv_into --

class LyingByteArray(bytearray):
    """A bytearray whose ``__len__`` claims far more than it holds."""

    def __len__(self):
        return 4096


def scenario_recv_into(p):
    """``recv_into`` with buffers whose ``len()`` lies: never written past
    the real end.  CPython: a canary in the bytearray's spare allocation,
    and (3.12+) a ``__buffer__`` object over a slice of a larger array."""
    import ctypes
    import platform
    from pyossl import SSL
    pki = Pki(p)
    payload = bytes(range(256)) * 2
    results = {}
    cpython = platform.python_implementation() == "CPython"

    def connected():
        pair = Pair(pki.server_context(pki.server_cert, pki.server_key),
                    SSL.Context(SSL.TLS_METHOD))
        pair.handshake()
        pair.s.sendall(payload)
        pump(pair.c, pair.s)
        return pair.c

    def run(name, func):
        sys.stderr.write("case %s\n" % name)
        sys.stderr.flush()
        try:
            results[name] = func()
        except Exception as exc:  # noqa: B902 - reported
            results[name] = {"exception": type(exc).__name__,
                             "message": str(exc)[:200]}

    def lying(nbytes_arg):
        def case():
            conn = connected()
            buf = LyingByteArray(b"\xaa" * 40)
            del buf[24:]        # 24 bytes; CPython keeps the 41-byte block
            out = {"len": len(buf)}
            if cpython:
                addr = ctypes.addressof(
                    (ctypes.c_char * 24).from_buffer(buf))
                gc.collect()
            if nbytes_arg is None:
                n = conn.recv_into(buf)
            else:
                n = conn.recv_into(buf, nbytes_arg)
            out.update(n=n, real=bytearray.__len__(buf),
                       content_ok=bytes(buf[:min(n, 24)]) == payload[
                           :min(n, 24)])
            if cpython:
                spare = ctypes.string_at(addr + 25, 15)
                out["canary_ok"] = spare == b"\xaa" * 15
            return out
        return case

    run("bytearray_subclass_len_lies", lying(None))
    run("bytearray_subclass_len_lies_nbytes_100", lying(100))

    if sys.version_info >= (3, 12):
        def buffer_protocol():
            conn = connected()
            backing = bytearray(b"\xaa" * 64)

            class Liar(object):
                def __buffer__(self, flags):
                    return memoryview(backing)[:8]

                def __len__(self):
                    return 4096

            n = conn.recv_into(Liar())
            return {"n": n, "real": 8,
                    "canary_ok": bytes(backing[8:]) == b"\xaa" * 56,
                    "content_ok": bytes(backing[:n]) == payload[:n]}
        run("buffer_protocol_len_lies", buffer_protocol)

    def strided():
        conn = connected()
        backing = bytearray(b"\xaa" * 64)
        view = memoryview(backing)[::2]             # 32 bytes, strided
        try:
            n = conn.recv_into(view)
        except (TypeError, ValueError, BufferError) as exc:
            n = None
            kind = type(exc).__name__
        else:
            kind = None
        odd = bytes(backing[1::2])
        return {"n": n, "real": 32, "refused": kind,
                "canary_ok": odd == b"\xaa" * 32}
    run("non_contiguous_view", strided)

    def readonly():
        conn = connected()
        out = {}
        for name, buf in (("bytes", bytes(16)),
                          ("readonly_view", memoryview(bytes(16)))):
            try:
                conn.recv_into(buf)
                out[name] = "accepted"
            except TypeError:
                out[name] = "TypeError"
            except Exception as exc:  # noqa: B902 - reported
                out[name] = type(exc).__name__
        out["unchanged"] = True
        return out
    run("readonly", readonly)

    def multibyte():
        import array
        conn = connected()
        arr = array.array("i", [0] * 4)             # len 4, 16 bytes
        n = conn.recv_into(arr)
        return {"n": n, "real": arr.itemsize * len(arr),
                "content_ok": arr.tobytes()[:n] == payload[:n]}
    run("array_of_ints", multibyte)
    return results


# ------------------------------------------------------------------ copies --

def copy_subjects(p):
    """name -> factory() returning ``(obj, use)``: the object to copy and a
    function that exercises a copy of it, checking it against the
    original's values (captured now)."""
    from pyossl import SSL, crypto
    pki = Pki(p)
    P, A = crypto.FILETYPE_PEM, crypto.FILETYPE_ASN1
    cert_pem = _read(p["server_cert"])
    crl_pem = _read(p["crl"]) if "crl" in p else None
    subjects = {}

    def subject(name):
        def register(func):
            subjects[name] = func
            return func
        return register

    def fresh_cert():
        return crypto.load_certificate(P, cert_pem)

    @subject("X509")
    def _():
        obj = fresh_cert()
        der = crypto.dump_certificate(A, obj)

        def use(c):
            assert crypto.dump_certificate(A, c) == der
            c.get_subject().CN
            c.set_serial_number(12345)
            c.sign(pki.ca_key, "sha256")
            crypto.dump_certificate(crypto.FILETYPE_TEXT, c)
        return obj, use

    @subject("X509Name(view of a certificate)")
    def _():
        obj = fresh_cert().get_subject()
        der = obj.der()

        def use(n):
            assert n.der() == der
            n.get_components()
            n.CN = "changed"
            assert n.CN == "changed"
        return obj, use

    @subject("X509Name(copy constructor)")
    def _():
        obj = crypto.X509Name(fresh_cert().get_issuer())
        der = obj.der()

        def use(n):
            assert n.der() == der
            n.O = "x"
            n.hash()
        return obj, use

    @subject("PKey(generated)")
    def _():
        obj = crypto.PKey()
        obj.generate_key(crypto.TYPE_RSA, 1024)
        pem = crypto.dump_privatekey(P, obj)

        def use(k):
            assert crypto.dump_privatekey(P, k) == pem
            assert k.bits() == 1024
            k.check()
            crypto.sign(k, b"data", "sha256")
        return obj, use

    @subject("PKey(public key of a certificate)")
    def _():
        obj = fresh_cert().get_pubkey()
        pem = crypto.dump_publickey(P, obj)

        def use(k):
            assert crypto.dump_publickey(P, k) == pem
            k.bits()
        return obj, use

    @subject("X509Req")
    def _():
        obj = crypto.X509Req()
        obj.get_subject().CN = "req"
        obj.set_pubkey(pki.client_key)
        obj.add_extensions([crypto.X509Extension(
            b"basicConstraints", False, b"CA:FALSE")])
        obj.sign(pki.client_key, "sha256")
        der = crypto.dump_certificate_request(A, obj)

        def use(r):
            assert crypto.dump_certificate_request(A, r) == der
            assert r.verify(r.get_pubkey())
            r.get_extensions()
            r.get_subject().CN = "other"
            r.sign(pki.client_key, "sha256")
        return obj, use

    @subject("X509Extension(new)")
    def _():
        obj = crypto.X509Extension(b"subjectAltName", False,
                                   b"DNS:a.example, DNS:b.example")
        text = str(obj)

        def use(e):
            assert str(e) == text
            e.get_data()
            e.get_short_name()
            e.get_critical()
            x = fresh_cert()
            x.add_extensions([e])
        return obj, use

    @subject("X509Extension(of a certificate)")
    def _():
        cert = fresh_cert()
        obj = cert.get_extension(0)
        data = obj.get_data()

        def use(e):
            assert e.get_data() == data
            str(e)
        return obj, use

    @subject("X509Store")
    def _():
        obj = crypto.X509Store()
        obj.add_cert(pki.ca_cert)

        def use(s):
            s.set_flags(crypto.X509StoreFlags.CRL_CHECK_ALL)
            s.set_flags(0)
            crypto.X509StoreContext(s, pki.server_cert).verify_certificate()
            s.add_cert(pki.other_ca_cert)
        return obj, use

    @subject("X509Store(of a Context)")
    def _():
        ctx = SSL.Context(SSL.TLS_METHOD)
        obj = ctx.get_cert_store()
        obj.add_cert(pki.ca_cert)

        def use(s):
            crypto.X509StoreContext(s, pki.server_cert).verify_certificate()
        return obj, use

    @subject("X509StoreContext")
    def _():
        store = crypto.X509Store()
        store.add_cert(pki.ca_cert)
        obj = crypto.X509StoreContext(store, fresh_cert())

        def use(sc):
            sc.verify_certificate()
            sc.get_verified_chain()
            sc.verify_certificate()
        return obj, use

    if crl_pem is not None:
        @subject("CRL(loaded)")
        def _():
            obj = crypto.load_crl(P, crl_pem)
            der = crypto.dump_crl(A, obj)

            def use(c):
                assert crypto.dump_crl(A, c) == der
                c.get_revoked()
                c.get_issuer().get_components()
                c.sign(pki.ca_cert, pki.ca_key, b"sha256")
            return obj, use

        @subject("Revoked(of a CRL)")
        def _():
            obj = crypto.load_crl(P, crl_pem).get_revoked()[0]
            serial = obj.get_serial()

            def use(r):
                assert r.get_serial() == serial
                r.get_reason()
                r.get_rev_date()
                r.set_reason(b"keyCompromise")
            return obj, use

    @subject("CRL(new)")
    def _():
        obj = crypto.CRL()
        rev = crypto.Revoked()
        rev.set_serial(b"0a")
        rev.set_rev_date(b"20200101000000Z")
        obj.add_revoked(rev)

        def use(c):
            assert len(c.get_revoked()) == 1
            c.export(pki.ca_cert, pki.ca_key, crypto.FILETYPE_PEM, 10,
                     b"sha256")
        return obj, use

    @subject("Revoked(new)")
    def _():
        obj = crypto.Revoked()
        obj.set_serial(b"1234")
        obj.set_reason(b"superseded")

        def use(r):
            assert r.get_serial() == b"1234"
            assert r.get_reason() == b"Superseded"
            r.set_rev_date(b"20200101000000Z")
            crl = crypto.CRL()
            crl.add_revoked(r)
            crl.get_revoked()
        return obj, use

    if "pkcs7" in p:
        @subject("PKCS7")
        def _():
            obj = crypto.load_pkcs7_data(A, _read(p["pkcs7"]))
            name = obj.get_type_name()

            def use(p7):
                assert p7.get_type_name() == name
                p7.type_is_signed()
                p7.type_is_data()
            return obj, use

    @subject("PKCS12")
    def _():
        made = crypto.PKCS12()
        made.set_certificate(pki.client_cert)
        made.set_privatekey(pki.client_key)
        made.set_ca_certificates([pki.ca_cert])
        made.set_friendlyname(b"friend")
        obj = crypto.load_pkcs12(made.export(b"pw", iter=16, maciter=16),
                                 b"pw")

        def use(p12):
            assert p12.get_friendlyname() == b"friend"
            p12.get_certificate().get_subject()
            p12.get_privatekey().bits()
            p12.get_ca_certificates()
            p12.set_friendlyname(b"other")
            p12.export(b"x", iter=16, maciter=16)
        return obj, use

    @subject("NetscapeSPKI")
    def _():
        obj = crypto.NetscapeSPKI()
        obj.set_pubkey(pki.client_key)
        obj.sign(pki.client_key, "sha256")
        b64 = obj.b64_encode()

        def use(s):
            assert s.b64_encode() == b64
            assert s.verify(s.get_pubkey())
            s.sign(pki.client_key, "sha256")
        return obj, use

    def handshaken(ctx=None):
        sctx = pki.server_context(pki.server_cert, pki.server_key)
        pair = Pair(sctx, ctx or SSL.Context(SSL.TLS_METHOD))
        pair.handshake()
        return pair

    @subject("Context")
    def _():
        obj = SSL.Context(SSL.TLS_METHOD)
        obj.load_verify_locations(p["ca_cert"])
        obj.set_verify(SSL.VERIFY_PEER, lambda c, x, e, d, ok: ok)
        obj.set_timeout(1234)

        def use(ctx):
            assert ctx.get_timeout() == 1234
            pair = handshaken(ctx)
            pair.exchange()
            ctx.set_cipher_list(b"DEFAULT")
            ctx.get_cert_store().add_cert(pki.other_ca_cert)
        return obj, use

    @subject("Connection")
    def _():
        pair = handshaken()
        obj = pair.c
        server = pair.s

        def use(conn):
            conn.get_peer_certificate()
            conn.get_cipher_name()
            conn.send(b"ping")
            pump(conn, server)
            assert server.recv(4) == b"ping"
            server.send(b"pong")
            pump(conn, server)
            assert conn.recv(4) == b"pong"
            conn.get_session()
        return obj, use

    @subject("Connection(before the handshake)")
    def _():
        sctx = pki.server_context(pki.server_cert, pki.server_key)
        server = SSL.Connection(sctx, None)
        server.set_accept_state()
        obj = SSL.Connection(SSL.Context(SSL.TLS_METHOD), None)
        obj.set_connect_state()

        def use(conn):
            for _ in range(20):
                done = 0
                for c in (conn, server):
                    try:
                        c.do_handshake()
                        done += 1
                    except SSL.WantReadError:
                        pass
                pump(conn, server)
                if done == 2:
                    break
            conn.get_peer_certificate()
        return obj, use

    @subject("Session")
    def _():
        cctx = SSL.Context(SSL.TLS_METHOD)
        obj = handshaken(cctx).c.get_session()

        def use(sess):
            # the session's own context: another one is a ValueError
            pair = Pair(pki.server_context(pki.server_cert, pki.server_key),
                        cctx)
            pair.c.set_session(sess)
            try:
                pair.handshake()
            except SSL.Error:
                pass
        return obj, use

    return subjects


def scenario_copy(p):
    """``copy.copy`` / ``copy.deepcopy`` of every public class: drop the
    original, collect, use the copy.  Resumable: starts at case ``start``.
    Prints ``CASE index mode name`` before and ``VERDICT [key, verdict]``
    after each case, so a parent can tell which case crashed or hung and
    keep the verdicts before it."""
    import copy
    from pyossl import SSL, crypto
    subjects = copy_subjects(p)
    names = sorted(subjects)

    def verdict(key, text):
        sys.stdout.write("VERDICT %s\n" % json.dumps([key, text]))
        sys.stdout.flush()

    for number in range(p.get("start", 0), 2 * len(names)):
        name = names[number // 2]
        mode = ("copy", "deepcopy")[number % 2]
        sys.stdout.write("CASE %d %s %s\n" % (number, mode, name))
        sys.stdout.flush()
        key = "%s/%s" % (name, mode)
        try:
            obj, use = subjects[name]()
            try:
                dup = getattr(copy, mode)(obj)
            except TypeError as exc:
                verdict(key, "refused" if mode == "deepcopy" else
                        "copy raised TypeError: %s" % exc)
                continue
            kind = type(obj)
            del obj
            for _ in range(3):
                gc.collect()
            assert type(dup) is kind, "copy is a %r" % type(dup)
            use(dup)
            del dup
            gc.collect()
            verdict(key, "ok")
        except (SSL.Error, crypto.Error, AssertionError, ValueError,
                TypeError, AttributeError) as exc:
            import traceback
            last = traceback.extract_tb(exc.__traceback__)[-1]
            verdict(key, "error %s: %s (in %s: %s)" % (
                type(exc).__name__, exc, last.name, last.line))
    return {"names": names}


# -------------------------------------------------------------------- fuzz --

_PEM_RE_BEGIN = b"-----BEGIN "


def split_pem(text):
    """``(head, der, tail)`` of the first PEM block (*head* includes the
    BEGIN line and any headers), or ``None``."""
    start = text.find(_PEM_RE_BEGIN)
    if start < 0:
        return None
    line_end = text.find(b"\n", start)
    end = text.find(b"-----END ", line_end)
    if line_end < 0 or end < 0:
        return None
    body = text[line_end + 1:end]
    head = text[:line_end + 1]
    if b":" in body:                    # Proc-Type / DEK-Info headers
        blank = body.find(b"\n\n")
        if blank >= 0:
            head += body[:blank + 2]
            body = body[blank + 2:]
    try:
        der = base64.b64decode(b"".join(body.split()))
    except Exception:  # noqa: B902 - not base64: no DER view
        return None
    return head, der, text[end:]


def join_pem(head, der, tail):
    b64 = base64.b64encode(der)
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return head + b"\n".join(lines) + b"\n" + tail


_INTERESTING = (0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0c, 0x13, 0x16,
                0x17, 0x18, 0x1e, 0x30, 0x31, 0x7f, 0x80, 0x81, 0x82, 0x83,
                0x84, 0x85, 0x88, 0xa0, 0xa3, 0xff)


def _rand_bytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def mutate_bytes(data, rng, others):
    """A mutated copy of *data* (1 to 12 random edits: bit flips, special
    bytes, ASN.1 length tweaks, deletions, insertions, duplications,
    truncation, splices with *others*)."""
    b = bytearray(data)
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4, 6, 12))):
        if not b:
            b.extend(_rand_bytes(rng, rng.randint(1, 8)))
        op = rng.randrange(11)
        i = rng.randrange(len(b))
        if op == 0:
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[i] = rng.choice(_INTERESTING)
        elif op == 2:                           # ASN.1 length field
            choice = rng.randrange(5)
            if choice == 0:
                b[i:i + 1] = b"\x84\xff\xff\xff\xff"
            elif choice == 1:
                b[i:i + 1] = b"\x80"
            elif choice == 2:
                b[i:i + 1] = bytes([0x81, rng.getrandbits(8)])
            elif choice == 3:
                b[i:i + 1] = b"\x82" + _rand_bytes(rng, 2)
            else:
                b[i] = min(255, max(0, b[i] + rng.choice((-2, -1, 1, 2))))
        elif op == 3:
            del b[i:i + rng.randint(1, 16)]
        elif op == 4:
            b[i:i] = _rand_bytes(rng, rng.randint(1, 16))
        elif op == 5:
            j = rng.randrange(len(b))
            chunk = b[j:j + rng.randint(1, 64)]
            b[i:i] = chunk
        elif op == 6:
            del b[i:]
        elif op == 7 and others:
            other = rng.choice(others)
            if other:
                j = rng.randrange(len(other))
                b[i:] = other[j:]
        elif op == 8:
            b[i] = (b[i] + rng.randint(1, 255)) & 0xff
        elif op == 9:
            j = rng.randrange(len(b))
            b[i], b[j] = b[j], b[i]
        else:
            b[i:i + 1] = bytes([b[i]]) * rng.randint(2, 300)
    return bytes(b)


def make_mutant(seed, loader, index, seeds):
    """Mutant *index* of *loader*: depends only on these arguments.

    PEM-like seeds (``-----BEGIN``) are mutated as DER inside the PEM
    envelope 70 % of the time (to reach the DER parser), as text otherwise;
    base64 seeds (``spki``) are decoded, mutated and re-encoded 80 % of
    the time."""
    rng = random.Random("%s:%s:%d" % (seed, loader, index))
    data = seeds[rng.randrange(len(seeds))]
    if data.startswith(_PEM_RE_BEGIN) and rng.random() < 0.7:
        parts = split_pem(data)
        if parts is not None:
            head, der, tail = parts
            others = [split_pem(s)[1] for s in seeds if split_pem(s)]
            return join_pem(head, mutate_bytes(der, rng, others), tail)
    if loader.startswith("spki") and rng.random() < 0.8:
        try:
            der = base64.b64decode(data)
        except Exception:  # noqa: B902 - fall through to text
            der = None
        if der is not None:
            return base64.b64encode(mutate_bytes(der, rng, []))
    return mutate_bytes(data, rng, seeds)


def loader_table():
    """loader name -> function(data) that loads *data* and exercises the
    result (getters and dumps that walk the parsed structure)."""
    from pyossl import crypto
    P, A, T = crypto.FILETYPE_PEM, crypto.FILETYPE_ASN1, crypto.FILETYPE_TEXT

    def name(n):
        n.get_components()
        n.der()
        str(n)

    def ext(e):
        e.get_short_name()
        e.get_data()
        e.get_critical()
        str(e)

    def cert(kind):
        def load(data):
            c = crypto.load_certificate(kind, data)
            name(c.get_subject())
            name(c.get_issuer())
            c.get_serial_number()
            c.get_version()
            c.get_notBefore()
            c.get_notAfter()
            for i in range(min(c.get_extension_count(), 64)):
                ext(c.get_extension(i))
            _try(c.get_signature_algorithm)
            _try(c.get_pubkey)
            _try(c.has_expired)
            c.digest("sha256")
            c.subject_name_hash()
            crypto.dump_certificate(T, c)
            crypto.dump_certificate(A, c)
        return load

    checks = [0]

    def key(kind):
        # A passphrase is for PEM only (ValueError for DER).
        passphrase = b"sesame" if kind == P else None

        def load(data):
            k = crypto.load_privatekey(kind, data, passphrase)
            k.bits()
            k.type()
            checks[0] += 1
            if checks[0] % 25 == 0:     # RSA_check_key: slow (primes)
                _try(k.check, TypeError)
            crypto.dump_privatekey(P, k)
            crypto.dump_publickey(A, k)
            _try(crypto.dump_privatekey, TypeError, T, k)
        return load

    def pub(kind):
        def load(data):
            k = crypto.load_publickey(kind, data)
            k.bits()
            k.type()
            crypto.dump_publickey(P, k)
        return load

    def req(kind):
        def load(data):
            r = crypto.load_certificate_request(kind, data)
            name(r.get_subject())
            r.get_version()
            for e in _try(r.get_extensions) or ():
                ext(e)
            k = _try(r.get_pubkey)
            if k is not None:
                _try(r.verify, None, k)
            crypto.dump_certificate_request(T, r)
            crypto.dump_certificate_request(A, r)
        return load

    def crl(kind):
        def load(data):
            c = crypto.load_crl(kind, data)
            name(c.get_issuer())
            for r in c.get_revoked() or ():
                r.get_serial()
                r.get_reason()
                r.get_rev_date()
            crypto.dump_crl(T, c)
            crypto.dump_crl(A, c)
        return load

    def pkcs7(kind):
        def load(data):
            p7 = crypto.load_pkcs7_data(kind, data)
            p7.get_type_name()
            p7.type_is_signed()
            p7.type_is_enveloped()
            p7.type_is_data()
            p7.type_is_signedAndEnveloped()
        return load

    def pkcs12(data):
        p12 = crypto.load_pkcs12(data, b"sesame")
        c = p12.get_certificate()
        if c is not None:
            name(c.get_subject())
        k = p12.get_privatekey()
        if k is not None:
            k.bits()
        for c in p12.get_ca_certificates() or ():
            c.get_subject()
        p12.get_friendlyname()

    def spki(data):
        s = crypto.NetscapeSPKI(data)
        k = _try(s.get_pubkey)
        if k is not None:
            _try(s.verify, None, k)
        s.b64_encode()

    table = {}
    for label, factory in (("certificate", cert), ("privatekey", key),
                           ("publickey", pub), ("request", req),
                           ("crl", crl), ("pkcs7", pkcs7)):
        table[label + "-pem"] = factory(P)
        table[label + "-der"] = factory(A)
    table["pkcs12-der"] = pkcs12
    table["spki-b64"] = spki
    return table


def _try(func, extra=None, *args):
    """Call *func*; a documented failure (``crypto.Error``, ``ValueError``,
    and *extra*) gives ``None``."""
    from pyossl import crypto
    allowed = (crypto.Error, ValueError) + ((extra,) if extra else ())
    try:
        return func(*args)
    except allowed:
        return None


def scenario_fuzz(p):
    """Try mutants ``start .. start+count-1`` of one loader.  Before each,
    its index goes into the mmap'd ``index_file`` (8 bytes, then a flag
    byte: 1 while a mutant runs).  Failures other than the documented
    exceptions are collected (first 20)."""
    import faulthandler
    from pyossl import crypto
    loader = p["loader"]
    seeds = [base64.b64decode(s) for s in p["seeds"]]
    load = loader_table()[loader]
    documented = (crypto.Error, ValueError)
    stats = {"tried": 0, "loaded": 0, "rejected": 0, "bad": []}
    with open(p["index_file"], "r+b") as f:
        mm = mmap.mmap(f.fileno(), 16)
        hang_after = p.get("hang_after", 30.0)
        for index in range(p["start"], p["start"] + p["count"]):
            if index % 200 == 0:
                faulthandler.dump_traceback_later(hang_after, exit=True)
            data = make_mutant(p["seed"], loader, index, seeds)
            struct.pack_into("<qB", mm, 0, index, 1)
            try:
                load(data)
                stats["loaded"] += 1
            except documented:
                stats["rejected"] += 1
            except Exception as exc:  # noqa: B902 - reported
                if len(stats["bad"]) < 20:
                    stats["bad"].append([index, "%s: %s" % (
                        type(exc).__name__, str(exc)[:200])])
            stats["tried"] += 1
        struct.pack_into("<qB", mm, 0, p["start"] + p["count"], 0)
        faulthandler.cancel_dump_traceback_later()
        mm.close()
    return stats


def read_index_file(path):
    """``(index, running)`` from a fuzz child's index file."""
    with open(path, "rb") as f:
        data = f.read(9)
    index, running = struct.unpack("<qB", data)
    return index, bool(running)


# -------------------------------------------------------------------- main --

def main():
    import faulthandler
    scenario = sys.argv[1]
    params = json.loads(sys.stdin.read())
    try:
        faulthandler.enable()
    except Exception:  # noqa: B902 - not on every interpreter
        pass
    try:
        faulthandler.dump_traceback_later(params["watchdog"], exit=True)
    except Exception:  # noqa: B902
        pass
    result = globals()["scenario_" + scenario](params)
    locking = sys.modules.get("pyossl._runtime.locking")
    if locking is not None and isinstance(result, dict):
        # OpenSSL 1.0.2: interrupts the locking callback postponed/absorbed
        result["locking"] = locking.statistics()
    sys.stdout.write("\n" + RESULT_MARK + json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
