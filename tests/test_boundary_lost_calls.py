"""Callback calls lost beyond the unraisable hook (issue 10, layer 4).

An interrupt at a thunk's first bytecode makes C use an undefined result;
pyossl's unraisable hook normally notices and poisons the connection.  A
second interrupt that lands in that hook (seen under load: the process is
descheduled inside the hook and the next alarm fires there) hides the lost
call.  For the callbacks whose undefined result can be "success" (SNI's
``SSL_TLSEXT_ERR_OK``, a TLS 1.3 client's "no PSK"), the connection checks
once the handshake is complete that a call ran to its end.  These tests
make that double interrupt happen deterministically: a trace function
raises at the thunk's entry, and the hook's work raises too.
"""

import sys

import pytest

from pyossl import SSL
from pyossl._runtime import callbacks as _callbacks
from pyossl._ssl import callbacks as _slots
from ssl_helpers import handshake_memory, memory_pair, server_context


class SecondInterrupt(BaseException):
    """What lands in the unraisable hook."""


def _lose_first_call(body, monkeypatch):
    """A trace function that raises KeyboardInterrupt at the entry of the
    first thunk call running *body*, with the hook's work made to raise."""
    codes = {thunk.__code__ for thunk in _callbacks._rescues}
    armed = [True]

    def tracer(frame, event, arg):
        if (event == "call" and armed[0] and frame.f_code in codes
                and frame.f_locals.get("func") is body):
            armed[0] = False
            sys.settrace(None)
            raise KeyboardInterrupt("at the thunk's entry")
        return None

    def cut_short(*args):
        raise SecondInterrupt()
    monkeypatch.setattr(_callbacks, "_lost", cut_short)
    return tracer


def _handshake_losing_first_call(server, client, body, monkeypatch):
    """The handshake, with the first thunk call running *body* lost and
    its hook cut short: it must fail with :class:`SSL.Error`."""
    sys.settrace(_lose_first_call(body, monkeypatch))
    try:
        with pytest.raises(SSL.Error):
            handshake_memory(server, client)
    finally:
        sys.settrace(None)


# The second interrupt is reported as "Exception ignored" (by CPython for
# the hook, by cffi for its onerror): that report is the scenario, not a
# test failure.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_lost_servername_call_never_completes_silently(pki, monkeypatch):
    other = server_context(pki, cert=pki.other_server_cert,
                           key=pki.other_server_key)
    switched = []

    def pick(conn):
        conn.set_context(other)
        switched.append(conn)

    sctx = server_context(pki)
    sctx.set_tlsext_servername_callback(pick)
    # A few complete handshakes first: C's undefined result for the lost
    # call is then most likely the previous call's SSL_TLSEXT_ERR_OK.
    for _ in range(3):
        server, client = memory_pair(sctx, SSL.Context(SSL.TLS_METHOD))
        client.set_tlsext_host_name(b"other.example")
        handshake_memory(server, client)
    del switched[:]
    server, client = memory_pair(sctx, SSL.Context(SSL.TLS_METHOD))
    client.set_tlsext_host_name(b"other.example")
    _handshake_losing_first_call(server, client,
                                 _slots._servername_thunk.__wrapped__,
                                 monkeypatch)
    assert not switched
    with pytest.raises(SSL.Error):
        server.send(b"data")


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_lost_tls13_psk_client_call_never_completes_silently(
        pki, monkeypatch):
    if getattr(SSL, "TLS1_3_VERSION", None) is None or not hasattr(
            SSL.Context, "set_psk_client_callback"):
        pytest.skip("TLS 1.3 PSKs need OpenSSL 1.1.1")
    from pyossl._ssl import psk as _psk
    key = bytes(range(32))
    sctx = server_context(pki)
    sctx.set_ciphersuites(b"TLS_AES_128_GCM_SHA256")
    sctx.set_psk_server_callback(
        lambda conn, identity: key if identity == b"sensor" else None)
    cctx = SSL.Context(SSL.TLS_METHOD)      # VERIFY_NONE: PSK-only client
    cctx.set_min_proto_version(SSL.TLS1_3_VERSION)
    offer = [False]
    cctx.set_psk_client_callback(
        lambda conn, hint: (b"sensor", key) if offer[0] else None)
    # Handshakes whose callback offers no PSK (its C result is 0, which
    # the lost call's undefined result then most likely is too): they use
    # the server's certificate.
    for _ in range(3):
        server, client = memory_pair(sctx, cctx)
        handshake_memory(server, client)
        assert client.get_peer_certificate() is not None
    offer[0] = True
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    assert client.get_peer_certificate() is None        # the PSK was used
    server, client = memory_pair(sctx, cctx)
    _handshake_losing_first_call(server, client,
                                 _psk._psk_client_thunk.__wrapped__,
                                 monkeypatch)
    with pytest.raises(SSL.Error):
        client.send(b"data")
