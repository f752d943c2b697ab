"""The connection's reader and writer against a raw TCP peer (no member needed).

A real member never sends malformed or oversized frames, so these use a plain socket
server that does.
"""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import anyio
import anyio.abc
import pytest

from hztrio.errors import ProtocolError
from hztrio.net.connection import Connection
from hztrio.protocol.codec import set_correlation_id
from hztrio.protocol.codecs import client as client_codecs
from hztrio.protocol.frame import ClientMessage, MessageReader
from hztrio.protocol.types import Address

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]

Handler = Callable[[anyio.abc.SocketStream], Awaitable[None]]


@asynccontextmanager
async def peer(handler: Handler) -> AsyncIterator[int]:
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, handler)
        yield port
        tg.cancel_scope.cancel()


async def run_connection(
    port: int, received: list[ClientMessage]
) -> tuple[Connection, anyio.Event]:
    closed = anyio.Event()
    stream = await anyio.connect_tcp("127.0.0.1", port)
    connection = Connection(
        1,
        stream,
        Address("127.0.0.1", port),
        lambda _c, m: received.append(m),
        lambda _c: closed.set(),
    )
    return connection, closed


@pytest.mark.parametrize(
    "garbage",
    [
        struct.pack("<iH", 2, 0xE000),  # frame shorter than its header
        struct.pack("<iH", 2**31 - 1, 0xC000) + b"x" * 64,  # oversized
        struct.pack("<iH", 8, 0xE000) + b"ab",  # message header cut short
    ],
    ids=["short-frame", "oversized", "truncated-header"],
)
async def test_malformed_frames_close_the_connection_with_a_protocol_error(
    garbage: bytes,
) -> None:
    async def handler(stream: anyio.abc.SocketStream) -> None:
        await stream.receive(3)  # CP2
        await stream.send(garbage)
        await anyio.sleep_forever()

    async with peer(handler) as port:
        received: list[ClientMessage] = []
        connection, closed = await run_connection(port, received)
        connection.send_nowait(b"CP2")
        async with anyio.create_task_group() as tg:
            await tg.start(connection.run)
            with anyio.fail_after(5):
                await closed.wait()
        # run() returned normally: the failure did not escape the connection's tasks
        assert not connection.is_alive
        assert isinstance(connection.close_cause, ProtocolError)
        assert received == []
        assert not connection.send_nowait(b"more")


async def test_writer_coalesces_and_reader_splits() -> None:
    got: list[bytes] = []
    done = anyio.Event()

    async def handler(stream: anyio.abc.SocketStream) -> None:
        data = b""
        reader = MessageReader()
        await stream.receive(3)
        count = 0
        while count < 500:
            chunk = await stream.receive()
            data += chunk
            got.append(chunk)
            messages = reader.feed(chunk)
            count += len(messages)
            for m in messages:  # echo every request back, as a "response"
                await stream.send(_ping_with(m.correlation_id))
        done.set()
        await anyio.sleep_forever()

    async with peer(handler) as port:
        received: list[ClientMessage] = []
        all_received = anyio.Event()

        def on_message(_c: Connection, message: ClientMessage) -> None:
            received.append(message)
            if len(received) == 500:
                all_received.set()

        stream = await anyio.connect_tcp("127.0.0.1", port)
        connection = Connection(1, stream, Address("127.0.0.1", port), on_message, lambda _c: None)
        connection.send_nowait(b"CP2")
        async with anyio.create_task_group() as tg:
            await tg.start(connection.run)
            for i in range(500):
                assert connection.send_nowait(_ping_with(i))
            with anyio.fail_after(5):
                await done.wait()
                await all_received.wait()
            connection.close("test over", None)
    assert [m.correlation_id for m in received] == list(range(500))
    assert len(got) < 500  # the writer joined queued messages into fewer sends
    assert connection.messages_sent == 501  # CP2 counts as one


async def test_peer_closing_closes_the_connection_quietly() -> None:
    async def handler(stream: anyio.abc.SocketStream) -> None:
        await stream.receive(3)
        await stream.aclose()

    async with peer(handler) as port:
        connection, closed = await run_connection(port, [])
        connection.send_nowait(b"CP2")
        async with anyio.create_task_group() as tg:
            await tg.start(connection.run)
            with anyio.fail_after(5):
                await closed.wait()
    assert connection.close_cause is None
    assert "closed the connection" in (connection.close_reason or "")


def _ping_with(correlation_id: int) -> bytes:
    buf = client_codecs.CLIENT_PING.encode_request()
    set_correlation_id(buf, correlation_id)
    return bytes(buf)
