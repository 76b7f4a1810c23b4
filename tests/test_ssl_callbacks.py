"""SSL part 2 through real handshakes: passphrase, info, SNI, ALPN, NPN and
key-log callbacks; sessions and resumption; client CA lists; key material;
renegotiation."""

import gc

import pytest

from conftest import assert_memory_flat, memory_test, GEN, LIB, run_openssl
from pyossl import SSL, crypto
from ssl_helpers import (client_context, handshake_memory, memory_pair,
                         pump, server_context, transfer_memory)


class Boom(Exception):
    pass


def boom(*args):
    raise Boom("from a callback")


# ------------------------------------------------------------ passphrase --

@pytest.fixture(scope="module")
def encrypted_key(pki, tmp_path_factory):
    path = str(tmp_path_factory.mktemp("enc") / "key.pem")
    run_openssl("pkey", "-in", pki.server_key, "-aes256", "-passout",
                "pass:sesame", "-out", path)
    return path


def test_passwd_cb_supplies_the_passphrase(pki, encrypted_key):
    calls = []

    def cb(maxlen, verify, userdata):
        calls.append((maxlen, verify, userdata))
        return b"sesame"

    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_passwd_cb(cb, userdata={"k": 1})
    ctx.use_certificate_file(pki.server_cert)
    ctx.use_privatekey_file(encrypted_key)
    ctx.check_privatekey()
    (maxlen, verify, userdata), = calls
    assert isinstance(maxlen, int) and maxlen >= 64
    assert verify is False
    assert userdata == {"k": 1}


@pytest.mark.parametrize("answer", [b"wrong", b"", b"x" * 5000])
def test_passwd_cb_wrong_passphrase(encrypted_key, answer):
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_passwd_cb(lambda *args: answer)
    with pytest.raises(SSL.Error):
        ctx.use_privatekey_file(encrypted_key)


def test_passwd_cb_long_answer_is_truncated(encrypted_key):
    seen = []

    def cb(maxlen, verify, userdata):
        seen.append(maxlen)
        return b"sesame" + b"!" * (maxlen * 2)

    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_passwd_cb(cb)
    with pytest.raises(SSL.Error):      # truncated to maxlen: still wrong
        ctx.use_privatekey_file(encrypted_key)
    assert seen


def test_passwd_cb_exception_propagates(encrypted_key):
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_passwd_cb(boom)
    with pytest.raises(Boom):
        ctx.use_privatekey_file(encrypted_key)


@pytest.mark.parametrize("answer", ["sesame", 5, None])
def test_passwd_cb_wrong_result_type(encrypted_key, answer):
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_passwd_cb(lambda *args: answer)
    with pytest.raises(ValueError):
        ctx.use_privatekey_file(encrypted_key)


def test_passwd_cb_passphrase_with_nul_is_refused(encrypted_key):
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_passwd_cb(lambda *args: b"sesame\0junk")
    with pytest.raises(ValueError):
        ctx.use_privatekey_file(encrypted_key)


@pytest.mark.parametrize("fmt", ["traditional", "pkcs8"])
def test_passwd_cb_called_only_for_encrypted_keys(pki, tmp_path, fmt):
    # Called once per encrypted PEM key (both PEM encryption forms), never
    # for a plain key, and never by OpenSSL itself.
    calls = []

    def cb(*args):
        calls.append(args)
        return b"sesame"
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_passwd_cb(cb)
    ctx.use_certificate_file(pki.server_cert)
    ctx.use_privatekey_file(pki.server_key)
    ctx.use_certificate_chain_file(pki.server_cert)
    assert calls == []
    path = str(tmp_path / "key.pem")
    if fmt == "pkcs8":
        run_openssl("pkcs8", "-topk8", "-in", pki.server_key, "-v2",
                    "aes-128-cbc", "-passout", "pass:sesame", "-out", path)
    else:
        key = crypto.load_privatekey(crypto.FILETYPE_PEM,
                                     pki.read("server_key"))
        with open(path, "wb") as f:
            f.write(crypto.dump_privatekey(crypto.FILETYPE_PEM, key,
                                           "aes-128-cbc", b"sesame"))
    ctx.use_privatekey_file(path)
    ctx.check_privatekey()
    assert len(calls) == 1


def test_passwd_cb_error_names_the_file(tmp_path):
    ctx = SSL.Context(SSL.TLS_METHOD)
    ctx.set_passwd_cb(lambda *args: b"x")
    with pytest.raises(SSL.Error) as info:
        ctx.use_privatekey_file(str(tmp_path / "missing.pem"))
    assert info.value.args[0]


def test_passwd_cb_callback_is_kept_alive(pki, encrypted_key):
    ctx = SSL.Context(SSL.TLS_METHOD)

    def make():
        return lambda *args: b"sesame"
    ctx.set_passwd_cb(make())
    gc.collect()
    ctx.use_privatekey_file(encrypted_key)


# ------------------------------------------------------------------ info --

def test_info_callback(pki):
    calls = []
    sctx = server_context(pki)
    sctx.set_info_callback(lambda conn, where, ret:
                           calls.append((conn, where, ret)))
    server, client = memory_pair(sctx, client_context(pki))
    handshake_memory(server, client)
    assert calls
    assert all(c[0] is server for c in calls)
    wheres = [c[1] for c in calls]
    assert any(w & SSL.SSL_CB_HANDSHAKE_START for w in wheres)
    assert any(w & SSL.SSL_CB_HANDSHAKE_DONE for w in wheres)
    assert all(isinstance(c[2], int) for c in calls)


def test_info_callback_exception_propagates(pki):
    sctx = server_context(pki)
    sctx.set_info_callback(boom)
    server, client = memory_pair(sctx, client_context(pki))
    with pytest.raises(Boom):
        handshake_memory(server, client)


def test_info_callback_wrong_type():
    with pytest.raises(TypeError):
        SSL.Context(SSL.TLS_METHOD).set_info_callback("nope")


# ------------------------------------------------------------------- SNI --

def test_servername_callback_switches_context(pki):
    other = server_context(pki, cert=pki.other_server_cert,
                           key=pki.other_server_key)
    seen = []

    def pick(conn):
        seen.append(conn.get_servername())
        if conn.get_servername() == b"other.example":
            conn.set_context(other)

    sctx = server_context(pki)
    sctx.set_tlsext_servername_callback(pick)
    for name, cn in ((b"other.example", "other.example"),
                     (b"localhost", "localhost")):
        cctx = SSL.Context(SSL.TLS_METHOD)
        server, client = memory_pair(sctx, cctx)
        client.set_tlsext_host_name(name)
        handshake_memory(server, client)
        assert client.get_peer_certificate().get_subject().CN == cn
        assert server.get_servername() == name
    assert seen == [b"other.example", b"localhost"]


def test_servername_callback_exception_aborts_handshake(pki):
    sctx = server_context(pki)
    sctx.set_tlsext_servername_callback(boom)
    server, client = memory_pair(sctx, SSL.Context(SSL.TLS_METHOD))
    client.set_tlsext_host_name(b"localhost")
    with pytest.raises(Boom):
        handshake_memory(server, client)
    with pytest.raises(SSL.Error):       # the client got a fatal alert
        client.do_handshake()


# ------------------------------------------------------------------ ALPN --

def _alpn_pair(pki, offered, select):
    sctx = server_context(pki)
    sctx.set_alpn_select_callback(select)
    cctx = SSL.Context(SSL.TLS_METHOD)
    cctx.set_alpn_protos(offered)
    return memory_pair(sctx, cctx)


def test_alpn_select_callback_chooses(pki):
    calls = []

    def select(conn, offered):
        calls.append((conn, offered))
        return b"http/1.1"

    server, client = _alpn_pair(pki, [b"h2", b"http/1.1"], select)
    handshake_memory(server, client)
    assert calls == [(server, [b"h2", b"http/1.1"])]
    assert client.get_alpn_proto_negotiated() == b"http/1.1"
    assert server.get_alpn_proto_negotiated() == b"http/1.1"


def test_alpn_no_overlap(pki):
    server, client = _alpn_pair(pki, [b"h2"],
                                lambda c, o: SSL.NO_OVERLAPPING_PROTOCOLS)
    handshake_memory(server, client)
    assert client.get_alpn_proto_negotiated() == b""


def test_alpn_empty_choice_aborts(pki):
    # On every build, 1.0.2 included (which ignores a fatal verdict: pyossl
    # makes it fail the handshake with an empty selection there).
    server, client = _alpn_pair(pki, [b"h2"], lambda c, o: b"")
    with pytest.raises(SSL.Error):
        handshake_memory(server, client)
    assert server.get_alpn_proto_negotiated() == b""


def test_alpn_exception_aborts_the_handshake(pki):
    # The server's handshake fails (not only the callback's exception is
    # re-raised): the client sees an alert, the server never completes.
    server, client = _alpn_pair(pki, [b"h2"], boom)
    with pytest.raises(Boom):
        handshake_memory(server, client)
    with pytest.raises(SSL.Error):
        for _ in range(5):
            client.do_handshake()
    assert not LIB.SSL_is_init_finished(server._ssl)


@pytest.mark.parametrize("size", [256, 1000])
def test_alpn_selection_longer_than_255_bytes(pki, size):
    server, client = _alpn_pair(pki, [b"h2"], lambda c, o: b"x" * size)
    with pytest.raises(OverflowError):
        handshake_memory(server, client)
    assert client.get_alpn_proto_negotiated() == b""


def test_alpn_selection_of_255_bytes(pki):
    proto = b"p" * 255
    server, client = _alpn_pair(pki, [proto], lambda c, o: o[0])
    handshake_memory(server, client)
    assert client.get_alpn_proto_negotiated() == proto


def test_alpn_protos_empty_list_is_refused(pki):
    ctx = SSL.Context(SSL.TLS_METHOD)
    conn = SSL.Connection(ctx, None)
    for setter in (ctx.set_alpn_protos, conn.set_alpn_protos):
        with pytest.raises(ValueError):
            setter([])
        with pytest.raises(ValueError):
            setter([b"x" * 256])


def test_alpn_callback_exception(pki):
    server, client = _alpn_pair(pki, [b"h2"], boom)
    with pytest.raises(Boom):
        handshake_memory(server, client)


def test_alpn_callback_wrong_type(pki):
    server, client = _alpn_pair(pki, [b"h2"], lambda c, o: "h2")
    with pytest.raises(TypeError):
        handshake_memory(server, client)


def test_alpn_per_connection_and_argument_checks(pki):
    sctx = server_context(pki)
    sctx.set_alpn_select_callback(lambda c, offered: offered[-1])
    server, client = memory_pair(sctx, SSL.Context(SSL.TLS_METHOD))
    client.set_alpn_protos([b"spdy/2", b"h2"])
    assert client.get_alpn_proto_negotiated() == b""
    handshake_memory(server, client)
    assert client.get_alpn_proto_negotiated() == b"h2"
    with pytest.raises(TypeError):
        client.set_alpn_protos(["h2"])
    with pytest.raises(ValueError):
        client.set_alpn_protos([b""])
    with pytest.raises(TypeError):
        sctx.set_alpn_select_callback(None)


# ------------------------------------------------------------------- NPN --

needs_npn = pytest.mark.skipif(
    not LIB.available("SSL_CTX_set_next_proto_select_cb"),
    reason="this build has no NPN")


@needs_npn
def test_npn(pki):
    sctx = server_context(pki)
    sctx.set_max_proto_version(SSL.TLS1_2_VERSION)   # NPN is TLS <= 1.2
    advertised = []
    selected = []
    sctx.set_npn_advertise_callback(
        lambda conn: advertised.append(conn) or [b"spdy/2", b"http/1.1"])
    cctx = SSL.Context(SSL.TLS_METHOD)
    cctx.set_npn_select_callback(
        lambda conn, offered: selected.append(offered) or b"http/1.1")
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    assert advertised == [server]
    assert selected == [[b"spdy/2", b"http/1.1"]]
    assert client.get_next_proto_negotiated() == b"http/1.1"
    assert server.get_next_proto_negotiated() == b"http/1.1"


@needs_npn
def test_npn_select_exception(pki):
    sctx = server_context(pki)
    sctx.set_max_proto_version(SSL.TLS1_2_VERSION)
    sctx.set_npn_advertise_callback(lambda conn: [b"http/1.1"])
    cctx = SSL.Context(SSL.TLS_METHOD)
    cctx.set_npn_select_callback(boom)
    server, client = memory_pair(sctx, cctx)
    with pytest.raises(Boom):
        handshake_memory(server, client)


def test_npn_absent_is_not_implemented():
    if LIB.available("SSL_CTX_set_next_proto_select_cb"):
        pytest.skip("this build has NPN")
    with pytest.raises(NotImplementedError):
        SSL.Context(SSL.TLS_METHOD).set_npn_select_callback(lambda *a: b"")


# ---------------------------------------------------------------- keylog --

def test_keylog_callback(pki):
    ctx = client_context(pki)
    if not LIB.available("SSL_CTX_set_keylog_callback"):
        with pytest.raises(NotImplementedError):
            ctx.set_keylog_callback(lambda *a: None)
        return
    lines = []
    ctx.set_keylog_callback(lambda conn, line: lines.append((conn, line)))
    server, client = memory_pair(server_context(pki), ctx)
    handshake_memory(server, client)
    assert lines and all(c is client for c, _ in lines)
    labels = {line.split()[0] for _, line in lines}
    assert labels & {b"CLIENT_RANDOM", b"CLIENT_HANDSHAKE_TRAFFIC_SECRET"}
    random_hex = client.client_random().hex().encode()
    assert all(line.split()[1] == random_hex for _, line in lines)


# --------------------------------------------------------------- sessions --

def _resume(pki, sctx_setup=None, version=None, tickets=True):
    sctx = server_context(pki)
    sctx.set_session_id(b"pyossl-tests")
    cctx = client_context(pki)
    for ctx in (sctx, cctx):
        if version:
            ctx.set_max_proto_version(version)
        if not tickets:
            ctx.set_options(SSL.OP_NO_TICKET)
    server, client = memory_pair(sctx, cctx)
    assert client.get_session() is None
    handshake_memory(server, client)
    # TLS 1.3 tickets arrive after the handshake: read application data.
    assert transfer_memory(server, client, b"data") == b"data"
    assert not client.session_reused()
    session = client.get_session()
    assert isinstance(session, SSL.Session)
    client.shutdown()
    pump(server, client)

    server2, client2 = memory_pair(sctx, cctx)
    client2.set_session(session)
    handshake_memory(server2, client2)
    assert transfer_memory(server2, client2, b"again") == b"again"
    return client2, server2


def test_resumption_by_session_id_tls12(pki):
    client, server = _resume(pki, version=SSL.TLS1_2_VERSION, tickets=False)
    assert client.session_reused() and server.session_reused()


def test_resumption_by_ticket_tls12(pki):
    client, server = _resume(pki, version=SSL.TLS1_2_VERSION, tickets=True)
    assert client.session_reused() and server.session_reused()


def test_resumption_tls13(pki):
    if GEN == 0:
        pytest.skip("1.0.2 has no TLS 1.3")
    client, server = _resume(pki)
    assert client.get_protocol_version_name() == "TLSv1.3"
    assert client.session_reused() and server.session_reused()


def test_session_argument_checks(pki):
    conn = SSL.Connection(client_context(pki), None)
    with pytest.raises(TypeError):
        conn.set_session(object())
    with pytest.raises(ValueError):
        conn.set_session(SSL.Session())


def test_session_from_another_context_is_refused(pki):
    # pyOpenSSL 26.3+: OpenSSL requires (without checking) that a session
    # is resumed only with a compatible context.
    cctx = client_context(pki)
    server, client = memory_pair(server_context(pki), cctx)
    handshake_memory(server, client)
    session = client.get_session()
    other = SSL.Connection(client_context(pki), None)
    with pytest.raises(ValueError):
        other.set_session(session)
    SSL.Connection(cctx, None).set_session(session)
    # copies keep their context
    import copy
    SSL.Connection(cctx, None).set_session(copy.copy(session))
    with pytest.raises(ValueError):
        other.set_session(copy.copy(session))


# ------------------------------------------------------------ client CAs --

def test_client_ca_list_sent_and_received(pki):
    ca = crypto.load_certificate(crypto.FILETYPE_PEM, pki.read("ca_cert"))
    other = crypto.load_certificate(crypto.FILETYPE_PEM,
                                    pki.read("other_ca_cert"))
    sctx = server_context(pki)
    sctx.set_client_ca_list([ca.get_subject()])
    sctx.add_client_ca(other)
    sctx.set_verify(SSL.VERIFY_PEER, lambda *args: True)
    server, client = memory_pair(sctx, client_context(pki))
    assert client.get_client_ca_list() == []
    assert [n.CN for n in server.get_client_ca_list()] == \
        ["pyossl test CA", "other test CA"]
    handshake_memory(server, client)
    names = client.get_client_ca_list()
    assert all(isinstance(n, crypto.X509Name) for n in names)
    assert [n.CN for n in names] == ["pyossl test CA", "other test CA"]


def test_load_client_ca_is_sent(pki):
    sctx = server_context(pki)
    sctx.load_client_ca(pki.ca_cert.encode())
    sctx.set_verify(SSL.VERIFY_PEER, lambda *args: True)
    server, client = memory_pair(sctx, client_context(pki))
    handshake_memory(server, client)
    assert [n.CN for n in client.get_client_ca_list()] == ["pyossl test CA"]


# ---------------------------------------------------------- key material --

@pytest.mark.parametrize("tls13", [False, True])
def test_key_material_matches(pki, tls13):
    if tls13 and GEN == 0:
        pytest.skip("1.0.2 has no TLS 1.3")
    sctx, cctx = server_context(pki), client_context(pki)
    if not tls13:
        cctx.set_max_proto_version(SSL.TLS1_2_VERSION)
    server, client = memory_pair(sctx, cctx)
    assert client.client_random() is None
    assert client.server_random() is None
    assert client.master_key() is None
    assert client.get_finished() is None
    assert client.get_peer_finished() is None
    handshake_memory(server, client)
    names = ["client_random", "server_random"]
    if not tls13:
        # TLS 1.3 has no master key shared by both ends' sessions.
        names.append("master_key")
    for name in names:
        mine, theirs = getattr(client, name)(), getattr(server, name)()
        assert mine == theirs, name
        assert isinstance(mine, bytes) and len(mine) >= 32
        assert mine.strip(b"\0")
    assert client.client_random() != client.server_random()
    assert client.get_finished() == server.get_peer_finished()
    assert server.get_finished() == client.get_peer_finished()
    assert client.get_finished() != server.get_finished()
    if not tls13:
        assert len(client.get_finished()) == 12


# -------------------------------------------------------- renegotiation --

def test_renegotiation_tls12(pki):
    sctx, cctx = server_context(pki), client_context(pki)
    cctx.set_max_proto_version(SSL.TLS1_2_VERSION)
    if hasattr(SSL, "OP_ALLOW_CLIENT_RENEGOTIATION"):
        # 3.0+ servers refuse client-initiated renegotiation by default.
        sctx.set_options(SSL.OP_ALLOW_CLIENT_RENEGOTIATION)
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    assert transfer_memory(client, server, b"before") == b"before"
    assert client.total_renegotiations() == 0
    assert client.renegotiate() is True
    assert client.renegotiate_pending() is True
    assert client.renegotiate() is False
    # The server takes part when it reads; the client drives.
    for _ in range(10):
        try:
            client.do_handshake()
        except SSL.WantReadError:
            pass
        pump(server, client)
        try:
            server.recv(10)
        except SSL.WantReadError:
            pass
        pump(server, client)
        if not client.renegotiate_pending():
            break
    assert client.renegotiate_pending() is False
    assert client.total_renegotiations() == 1
    assert transfer_memory(client, server, b"after") == b"after"
    assert transfer_memory(server, client, b"back") == b"back"


def test_renegotiate_tls13_is_an_error(pki):
    if GEN == 0:
        pytest.skip("1.0.2 has no TLS 1.3")
    server, client = memory_pair(server_context(pki), client_context(pki))
    handshake_memory(server, client)
    with pytest.raises(SSL.Error):
        client.renegotiate()


# ---------------------------------------------------------------- memory --

@memory_test
def test_handshakes_with_callbacks_leave_memory_flat(pki):
    sctx = server_context(pki)
    sctx.set_info_callback(lambda *a: None)
    sctx.set_alpn_select_callback(lambda c, o: o[0])
    sctx.set_tlsext_servername_callback(lambda c: None)

    def one():
        cctx = client_context(pki, callback=lambda *a: a[-1])
        cctx.set_alpn_protos([b"h2"])
        server, client = memory_pair(sctx, cctx)
        client.set_tlsext_host_name(b"localhost")
        handshake_memory(server, client)
        transfer_memory(client, server, b"x")
        client.get_session()
        client.get_peer_certificate()

    # 300 handshakes measured exactly (conftest.assert_memory_flat), else
    # 2,000 by RSS.
    assert_memory_flat(one, 300, 2000, 16 * 1024, warmup=100)


# ---------------------------------------------------------- key exchange --

def test_dhe_handshake_with_load_tmp_dh(pki, tmp_path):
    from test_ssl_context import DH_PARAMS
    dh = tmp_path / "dh.pem"
    dh.write_bytes(DH_PARAMS)
    sctx, cctx = server_context(pki), client_context(pki)
    sctx.load_tmp_dh(str(dh))
    sctx.set_options(SSL.OP_SINGLE_DH_USE)
    for ctx in (sctx, cctx):
        ctx.set_max_proto_version(SSL.TLS1_2_VERSION)
        ctx.set_cipher_list(b"DHE-RSA-AES128-GCM-SHA256")
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    assert client.get_cipher_name() == "DHE-RSA-AES128-GCM-SHA256"


def test_ecdhe_handshake_with_set_tmp_ecdh(pki):
    sctx, cctx = server_context(pki), client_context(pki)
    sctx.set_tmp_ecdh(crypto.get_elliptic_curve("secp384r1"))
    sctx.set_options(SSL.OP_SINGLE_ECDH_USE)
    for ctx in (sctx, cctx):
        ctx.set_max_proto_version(SSL.TLS1_2_VERSION)
        ctx.set_cipher_list(b"ECDHE-RSA-AES128-GCM-SHA256")
    server, client = memory_pair(sctx, cctx)
    handshake_memory(server, client)
    assert client.get_cipher_name() == "ECDHE-RSA-AES128-GCM-SHA256"


@pytest.mark.parametrize("setter", [
    "set_info_callback", "set_tlsext_servername_callback",
    "set_alpn_select_callback", "set_npn_advertise_callback",
    "set_npn_select_callback", "set_keylog_callback", "set_passwd_cb"])
@pytest.mark.parametrize("bad", [None, 5, b"callback"])
def test_callback_setters_refuse_non_callables(setter, bad):
    ctx = SSL.Context(SSL.TLS_METHOD)
    with pytest.raises((TypeError, NotImplementedError)):
        getattr(ctx, setter)(bad)


@pytest.mark.parametrize("bad", [None, 5, [b"h2", 3], ["h2"], [b"x" * 256]])
def test_alpn_protos_bad_input(bad):
    ctx = SSL.Context(SSL.TLS_METHOD)
    with pytest.raises((TypeError, ValueError)):
        ctx.set_alpn_protos(bad)
    with pytest.raises((TypeError, ValueError)):
        SSL.Connection(ctx, None).set_alpn_protos(bad)


def test_client_ca_list_bad_input():
    ctx = SSL.Context(SSL.TLS_METHOD)
    with pytest.raises(TypeError):
        ctx.set_client_ca_list(None)
    with pytest.raises(TypeError):
        ctx.set_client_ca_list([b"CN=x"])
