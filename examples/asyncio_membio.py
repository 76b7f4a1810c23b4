"""A TLS connection over memory BIOs, driven by asyncio streams.

A :class:`~pyossl.SSL.Connection` created with ``socket=None`` does no I/O
of its own: the application feeds it the bytes received from the network
(:meth:`~pyossl.SSL.Connection.bio_write`) and sends the bytes it produces
(:meth:`~pyossl.SSL.Connection.bio_read`).  That fits any event loop.
Here both ends use ``asyncio`` streams: an ``asyncio.start_server`` TLS
server that answers each line in upper case, and a client that verifies
the server's certificate and sends three lines.

Run: ``python3 examples/asyncio_membio.py``
"""

import asyncio
import sys
from typing import Any, Callable, List, TypeVar

from pyossl import SSL, crypto

from make_ca import issue, make_ca


T = TypeVar("T")


class TLSStream(object):
    """TLS over an ``asyncio`` (reader, writer) pair, via memory BIOs."""

    def __init__(self, conn: SSL.Connection, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter) -> None:
        self.conn = conn
        self.reader = reader
        self.writer = writer

    async def _flush(self) -> None:
        """Send whatever TLS records the connection has produced."""
        while True:
            try:
                data = self.conn.bio_read(65536)
            except SSL.WantReadError:          # nothing (more) to send
                break
            self.writer.write(data)
        await self.writer.drain()

    async def _feed(self) -> None:
        """Give the connection the next bytes from the network."""
        data = await asyncio.wait_for(self.reader.read(65536), 10)
        if data:
            self.conn.bio_write(data)
        else:
            self.conn.bio_shutdown()           # the peer closed the socket

    async def _retry(self, operation: Callable[..., T], *args: Any) -> T:
        """Run *operation* until it stops asking for more network data."""
        while True:
            try:
                result = operation(*args)
            except SSL.WantReadError:
                await self._flush()
                await self._feed()
            else:
                await self._flush()
                return result

    async def handshake(self) -> None:
        await self._retry(self.conn.do_handshake)

    async def send(self, data: bytes) -> None:
        await self._retry(self.conn.sendall, data)

    async def recv(self, size: int = 65536) -> bytes:
        """Decrypted bytes; ``b""`` once the peer has closed TLS."""
        try:
            return await self._retry(self.conn.recv, size)
        except SSL.ZeroReturnError:
            return b""

    async def close(self) -> None:
        """Close TLS cleanly (both close_notify alerts), then the socket."""
        done = self.conn.shutdown()            # queue our close_notify
        await self._flush()
        while not done:                        # wait for the peer's
            if await self.recv() == b"":
                done = True
        self.writer.close()
        await self.writer.wait_closed()


async def serve_client(ctx: SSL.Context, reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter,
                       finished: "asyncio.Future[str]") -> None:
    """Answer each line in upper case until the client closes."""
    try:
        conn = SSL.Connection(ctx, None)
        conn.set_accept_state()
        stream = TLSStream(conn, reader, writer)
        await stream.handshake()
        buffered = b""
        while True:
            data = await stream.recv()
            if not data:
                break
            buffered += data
            while b"\n" in buffered:
                line, buffered = buffered.split(b"\n", 1)
                await stream.send(line.upper() + b"\n")
        await stream.close()
        finished.set_result("closed cleanly")
    except Exception as exc:
        finished.set_exception(exc)


async def run_client(port: int, ca_cert: crypto.X509) -> List[bytes]:
    ctx = SSL.Context(SSL.SSLv23_METHOD)
    store = ctx.get_cert_store()
    assert store is not None
    store.add_cert(ca_cert)
    ctx.set_verify(SSL.VERIFY_PEER, lambda conn, cert, err, depth, ok: ok)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    conn = SSL.Connection(ctx, None)
    conn.set_tlsext_host_name(b"localhost")
    conn.set_connect_state()
    stream = TLSStream(conn, reader, writer)
    await stream.handshake()
    server_cert = conn.get_peer_certificate()
    assert server_cert is not None             # verified, so it is there
    print("client: handshake done, server is %s, cipher %s" % (
        server_cert.get_subject().CN, conn.get_cipher_name()))
    replies: List[bytes] = []
    for line in (b"first line", b"second line", b"third line"):
        await stream.send(line + b"\n")
        reply = b""
        while not reply.endswith(b"\n"):
            reply += await stream.recv()
        replies.append(reply)
        print("client: sent %r, got %r" % (line, reply))
    await stream.close()
    return replies


async def main_async() -> None:
    ca_cert, ca_key = make_ca()
    cert, key = issue(ca_cert, ca_key, "localhost", names=("DNS:localhost",))
    ctx = SSL.Context(SSL.SSLv23_METHOD)
    ctx.use_certificate(cert)
    ctx.use_privatekey(key)
    finished: "asyncio.Future[str]" = \
        asyncio.get_running_loop().create_future()
    server = await asyncio.start_server(
        lambda r, w: serve_client(ctx, r, w, finished), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        replies = await asyncio.wait_for(run_client(port, ca_cert), 30)
        print("server: %s" % await asyncio.wait_for(finished, 10))
    assert replies == [b"FIRST LINE\n", b"SECOND LINE\n", b"THIRD LINE\n"]


def main() -> int:
    asyncio.run(main_async())
    return 0


if __name__ == "__main__":
    sys.exit(main())
