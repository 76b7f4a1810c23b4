"""pyossl.tsafe: 16.1's lock-holding Connection wrapper, used from threads."""

import threading

from pyossl import SSL, tsafe

from ssl_helpers import client_context, server_context


def test_tsafe_connection_forwards_under_a_lock(pki):
    server = tsafe.Connection(server_context(pki), None)
    client = tsafe.Connection(client_context(pki), None)
    server.set_accept_state()
    client.set_connect_state()
    assert isinstance(client.get_context(), SSL.Context)
    assert client.want_read() is False
    # Drive the handshake from two threads through the wrappers' locks.
    raw_s, raw_c = server._ssl_conn, client._ssl_conn
    errors = []

    def step(conn, raw):
        try:
            conn.recv(1)
        except SSL.WantReadError:
            pass
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    for _ in range(20):
        threads = [threading.Thread(target=step, args=pair)
                   for pair in ((client, raw_c), (server, raw_s))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for src, dst in ((raw_c, raw_s), (raw_s, raw_c)):
            try:
                dst.bio_write(src.bio_read(65536))
            except SSL.WantReadError:
                pass
    assert not errors
    client.send(b"ping")
    raw_s.bio_write(raw_c.bio_read(65536))
    assert server.recv(4) == b"ping"
    assert client.get_peer_certificate() is not None


def test_tsafe_names_match_16_1():
    for name in ("send", "recv", "sendall", "connect_ex", "makefile",
                 "get_peer_cert_chain", "set_accept_state"):
        assert callable(getattr(tsafe.Connection, name))
