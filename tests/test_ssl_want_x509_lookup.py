"""WantX509LookupError from a real condition.

pyOpenSSL has no public API that suspends a handshake for a certificate
lookup, but OpenSSL does: a certificate callback (``SSL_CTX_set_cert_cb``)
that returns -1 makes ``SSL_do_handshake`` stop with
``SSL_ERROR_WANT_X509_LOOKUP``.  The test installs one through the bound
library and checks that pyossl maps it, and that the handshake resumes.
"""

import ctypes

from pyossl import SSL
from pyossl._runtime.library import lib
from ssl_helpers import (client_context, handshake_memory, memory_pair,
                         pump, server_context)

CERT_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


def test_cert_callback_suspends_then_resumes(pki):
    answers = [-1]
    calls = []

    def cert_cb(ssl, arg):
        calls.append(ssl)
        return answers[0]
    thunk = CERT_CB(cert_cb)        # kept alive for the whole test

    server_ctx = server_context(pki)
    lib.SSL_CTX_set_cert_cb(server_ctx._context,
                            ctypes.cast(thunk, ctypes.c_void_p), None)
    server, client = memory_pair(server_ctx, client_context(pki))
    try:
        client.do_handshake()
    except SSL.WantReadError:
        pass
    pump(server, client)
    try:
        server.do_handshake()
    except SSL.WantX509LookupError as exc:
        assert isinstance(exc, SSL.Error)
    else:
        raise AssertionError("the handshake was not suspended")
    assert calls
    answers[0] = 1                  # the "lookup" is done: carry on
    handshake_memory(server, client)
    client.send(b"after the lookup")
    pump(server, client)
    assert server.recv(100) == b"after the lookup"
    lib.SSL_CTX_set_cert_cb(server_ctx._context, None, None)
