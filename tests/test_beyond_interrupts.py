"""Section 3 callbacks under asynchronous exceptions (issue 10's method).

TLS-PSK: in TLS 1.3, OpenSSL reads a PSK callback that gave no key as "go
on without a PSK": a client then accepts the server's certificate
(unverified, in a PSK-only client) and a server uses its certificate.  So a
PSK callback that raised, or that an interrupt hit, must leave a connection
that can never complete, also when the caller catches the exception and
goes on.  The server has a certificate (restricted to SHA-256 suites, so
the SHA-256 PSK is usable) and the client does not verify it: every
completed handshake must have used the PSK, i.e. the client saw no
certificate.

ClientHello: the callback switches ACME ``tls-alpn-01`` clients to the
challenge context; a completed handshake must show that switch (the
client got the challenge certificate).

A child process (boundary_helpers' watchdog and Interrupter) runs the
handshakes over memory BIOs while ``SIGALRM`` raises
:exc:`KeyboardInterrupt` every few milliseconds, then retries each
interrupted handshake unarmed.  Count: ``PYOSSL_INTERRUPT_HANDSHAKES``
(default 300).

Run as a script, this file is that child (``python
test_beyond_interrupts.py psk13``, parameters as JSON on stdin).
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:                    # when run as the child
    sys.path.insert(0, HERE)

import boundary_helpers as helpers  # noqa: E402

KEY = bytes(range(32))


def scenario_psk13(p):
    """TLS 1.3 PSK pairs under interrupts, each interrupted one retried."""
    from pyossl import SSL
    server_ctx = SSL.Context(SSL.TLS_METHOD)
    server_ctx.use_certificate_file(p["server_cert"])
    server_ctx.use_privatekey_file(p["server_key"])
    server_ctx.set_ciphersuites(b"TLS_AES_128_GCM_SHA256")
    server_ctx.set_psk_server_callback(
        lambda conn, identity: KEY if identity == b"sensor" else None)
    client_ctx = SSL.Context(SSL.TLS_METHOD)     # VERIFY_NONE
    client_ctx.set_min_proto_version(SSL.TLS1_3_VERSION)
    client_ctx.set_psk_client_callback(lambda conn, hint: (b"sensor", KEY))

    return _pairs_under_interrupts(
        p, server_ctx, client_ctx, "completed_with_certificate",
        lambda pair: pair.c.get_peer_certificate() is not None)


def scenario_client_hello(p):
    """ACME clients under interrupts must get the challenge certificate
    whenever their handshake completes (also after a retry)."""
    from pyossl import SSL
    challenge = SSL.Context(SSL.TLS_METHOD)
    challenge.use_certificate_file(p["other_server_cert"])
    challenge.use_privatekey_file(p["other_server_key"])
    challenge.set_alpn_select_callback(lambda conn, offered: b"acme-tls/1")

    def switch(conn, hello):
        if hello.get_alpn_protocols() == [b"acme-tls/1"]:
            conn.set_context(challenge)

    server_ctx = SSL.Context(SSL.TLS_METHOD)
    server_ctx.use_certificate_file(p["server_cert"])
    server_ctx.use_privatekey_file(p["server_key"])
    server_ctx.set_client_hello_callback(switch)
    client_ctx = SSL.Context(SSL.TLS_METHOD)     # VERIFY_NONE
    client_ctx.set_alpn_protos([b"acme-tls/1"])

    def switched(pair):
        cert = pair.c.get_peer_certificate()
        return (cert is not None
                and cert.get_subject().CN == "other.example"
                and pair.c.get_alpn_proto_negotiated() == b"acme-tls/1")

    return _pairs_under_interrupts(
        p, server_ctx, client_ctx, "completed_without_switch",
        lambda pair: not switched(pair))


def _pairs_under_interrupts(p, server_ctx, client_ctx, bad, is_bad):
    """``p["n"]`` handshakes of new pairs under interrupts, each
    interrupted one retried unarmed; counts the completed ones for which
    ``is_bad(pair)`` holds as *bad* (and *bad*``_after_retry``)."""
    intr = helpers.Interrupter()
    stats = {"completed": 0, bad: 0, "completed_after_retry": 0,
             bad + "_after_retry": 0, "failed": 0, "interrupted": 0}
    for i in range(p["n"]):
        def body(state):
            state["pair"] = pair = helpers.Pair(server_ctx, client_ctx)
            pair.handshake()
            pair.exchange()
            state["completed"] = True

        state, interrupted = helpers._attempt(intr, body, stats, i)
        stats["interrupted"] += interrupted
        if state["completed"]:
            stats["completed"] += 1
            stats[bad] += bool(is_bad(state["pair"]))
        elif interrupted and helpers._retry(state, stats):
            stats["completed_after_retry"] += 1
            stats[bad + "_after_retry"] += bool(is_bad(state["pair"]))
        else:
            stats["failed"] += 1
    intr.stop()
    stats["interrupts_raised"] = intr.raised
    return stats


def _run_child(scenario, params, timeout):
    """boundary_helpers.run_child for a scenario of this file."""
    return helpers.run_child(scenario, params, timeout,
                             script=os.path.abspath(__file__))


if __name__ == "__main__":
    helpers.scenario_psk13 = scenario_psk13
    helpers.scenario_client_hello = scenario_client_hello
    helpers.main()
else:
    import pytest

    from conftest import LIB

    pytestmark = [
        pytest.mark.skipif(
            LIB.version_num < 0x10101000,
            reason="TLS 1.3 needs OpenSSL 1.1.1 (loaded %s)"
            % LIB.version_string),
        pytest.mark.skipif(not hasattr(helpers.signal, "setitimer"),
                           reason="needs signal.setitimer"),
    ]

    HANDSHAKES = helpers.env_int("PYOSSL_INTERRUPT_HANDSHAKES", 300)

    def test_tls13_psk_never_completes_without_the_psk(pki):
        params = dict(helpers.pki_params(pki), n=HANDSHAKES)
        res = _run_child("psk13", params, 30.0 + HANDSHAKES * 0.03)
        stats = helpers.check_child(res)
        print("psk13 (n=%d): %s" % (HANDSHAKES, stats))
        assert stats["completed_with_certificate"] == 0, stats
        assert stats["completed_with_certificate_after_retry"] == 0, stats
        assert not stats.get("unexpected"), stats
        # The scenario did what it claims: interrupts landed, and PSK
        # handshakes still complete when none does.
        assert stats["interrupted"] > 0, stats
        assert stats["completed"] > 0, stats

    def test_client_hello_switch_never_missing(pki):
        params = dict(helpers.pki_params(pki), n=HANDSHAKES)
        res = _run_child("client_hello", params, 30.0 + HANDSHAKES * 0.03)
        stats = helpers.check_child(res)
        print("client_hello (n=%d): %s" % (HANDSHAKES, stats))
        assert stats["completed_without_switch"] == 0, stats
        assert stats["completed_without_switch_after_retry"] == 0, stats
        assert not stats.get("unexpected"), stats
        assert stats["interrupted"] > 0 and stats["completed"] > 0, stats
