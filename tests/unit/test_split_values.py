"""Large ``bytes`` values sent without a copy: SplitData, SegmentedMessage, and a connection
writing such a message to a real socket (every write path: Trio's socket, asyncio's
transport, a plain byte stream).

Against the member: tests/integration/test_large_values.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import anyio
import anyio.abc
import anyio.lowlevel
import pytest

from hztrio.net.connection import WRITE_BUDGET, Connection, open_asyncio_connection
from hztrio.protocol.codec import pack_correlation_and_partition, set_correlation_id
from hztrio.protocol.codecs import client as client_codecs
from hztrio.protocol.codecs import map as map_codecs
from hztrio.protocol.frame import (
    ClientMessage,
    MessageReader,
    SegmentedMessage,
    copy_request,
    parse_message,
)
from hztrio.protocol.types import Address
from hztrio.serialization import SerializationService
from hztrio.serialization.data import SPLIT_SIZE, Data, SplitData
from tests.unit.test_connection import peer

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]

BIG = SPLIT_SIZE + 1234


def test_split_size_keeps_a_segmented_message_alone_in_the_write_queue() -> None:
    # the connection never joins a message whose len() exceeds the write budget
    assert SPLIT_SIZE >= WRITE_BUDGET


@pytest.mark.parametrize("big_endian", [True, False])
def test_split_bytes_stands_for_the_same_data(big_endian: bool) -> None:
    service = SerializationService(is_big_endian=big_endian)
    value = os.urandom(BIG)
    split = service.split_bytes(value)
    assert split.body is value  # referred to, not copied
    data = service.to_data(value)
    assert data is not None
    assert split.to_data() == data
    assert len(split) == split.total_size() == len(data)
    assert service.to_object(split.to_data()) == value


def _encode_both(
    encode: Callable[..., bytearray], make: Callable[[SplitData], list[object]], split: SplitData
) -> tuple[bytearray, bytearray]:
    return encode(*make(split)), encode(*make(split.to_data()))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("codec", "make"),
    [
        # the large value is the last frame
        (map_codecs.MAP_PUT, lambda v: ["m", Data(b"\0" * 12), v, 1, -1]),
        (map_codecs.MAP_SET, lambda v: ["m", Data(b"\0" * 12), v, 1, -1]),
        # frames follow the large value
        (map_codecs.MAP_REPLACE_IF_SAME, lambda v: ["m", Data(b"\1" * 12), v, Data(b"\2" * 9), 1]),
        # two large values in one message
        (map_codecs.MAP_REPLACE_IF_SAME, lambda v: ["m", Data(b"\1" * 12), v, v, 1]),
    ],
    ids=["put", "set", "replace-if-same-old", "replace-if-same-both"],
)
def test_a_split_value_encodes_to_the_same_bytes(
    codec: object, make: Callable[[object], list[object]]
) -> None:
    service = SerializationService()
    value = os.urandom(BIG)
    split = service.split_bytes(value)
    segmented, plain = _encode_both(codec.encode_request, make, split)  # type: ignore[attr-defined]
    assert type(plain) is bytearray
    assert isinstance(segmented, SegmentedMessage)
    assert len(segmented) == len(plain)
    assert segmented.whole() == plain
    # the value itself is a part of the message, and no part is empty
    assert any(part is value for part in segmented.parts)
    assert all(segmented.parts)
    # the start holds the header: parsing sees the same message
    assert parse_message(segmented).message_type == parse_message(plain).message_type
    assert parse_message(segmented).contents[-1] == parse_message(plain).contents[-1]


def test_copy_request_gives_a_segmented_message_a_header_of_its_own() -> None:
    service = SerializationService()
    split = service.split_bytes(os.urandom(BIG))
    original = map_codecs.MAP_SET.encode_request("m", Data(b"\0" * 12), split, 1, -1)
    assert isinstance(original, SegmentedMessage)
    pack_correlation_and_partition(original, 10, 7, 3)
    copy = copy_request(original)
    assert isinstance(copy, SegmentedMessage)
    pack_correlation_and_partition(copy, 10, 8, 4)
    assert parse_message(original).correlation_id == 7
    assert parse_message(copy).correlation_id == 8
    assert copy.parts == original.parts and copy.parts is not original.parts
    assert all(a is b for a, b in zip(copy.parts, original.parts, strict=True))
    plain = bytearray(b"abc")
    assert copy_request(plain) == plain and copy_request(plain) is not plain


def _ping(correlation_id: int) -> bytes:
    buf = client_codecs.CLIENT_PING.encode_request()
    set_correlation_id(buf, correlation_id)
    return bytes(buf)


@pytest.mark.parametrize("path", ["native", "stream"])
async def test_a_segmented_message_is_written_whole_and_in_order(path: str) -> None:
    """Small messages before, after and while a segmented one goes out arrive intact and in
    order; the segmented one counts as one message sent."""
    service = SerializationService()
    values = [os.urandom(3 * 1024 * 1024 + i) for i in range(2)]
    expected: list[bytes] = []
    sent_messages: list[bytearray | bytes] = []
    for i in range(40):
        if i in (10, 25):
            split = service.split_bytes(values[i // 20])
            message: bytearray | bytes = map_codecs.MAP_SET.encode_request(
                "m", Data(b"\0" * 12), split, 1, -1
            )
            set_correlation_id(message, i)  # type: ignore[arg-type]
            assert isinstance(message, SegmentedMessage)
            expected.append(message.whole())
        else:
            message = _ping(i)
            expected.append(message)
        sent_messages.append(message)
    total = sum(map(len, expected))
    arrived: list[ClientMessage] = []
    done = anyio.Event()

    async def handler(stream: anyio.abc.SocketStream) -> None:
        reader = MessageReader()
        assert await stream.receive(3) == b"CP2"
        received = 0
        while received < total:
            chunk = await stream.receive()
            received += len(chunk)
            arrived.extend(reader.feed(chunk))
        done.set()
        await anyio.sleep_forever()

    async with peer(handler) as port:
        address = Address("127.0.0.1", port)
        if path == "native" and _backend() == "asyncio":
            transport, protocol = await open_asyncio_connection("127.0.0.1", port)
            connection = Connection(
                1, None, address, lambda _c, _m: None, lambda _c: None, transport=transport
            )
            protocol.attach(connection)
        else:
            stream = await anyio.connect_tcp("127.0.0.1", port)
            if path == "stream":
                stream = _PlainStream(stream)  # type: ignore[assignment]
            connection = Connection(1, stream, address, lambda _c, _m: None, lambda _c: None)
        connection.send_nowait(b"CP2")
        async with anyio.create_task_group() as tg:
            await tg.start(connection.run)
            for message in sent_messages[:20]:
                assert connection.send_nowait(message)  # type: ignore[arg-type]
            await anyio.lowlevel.checkpoint()
            for message in sent_messages[20:]:
                assert await connection.send(message)  # type: ignore[arg-type]
            with anyio.fail_after(20):
                await done.wait()
            connection.close("test over", None)
    assert [m.correlation_id for m in arrived] == list(range(40))
    for i in (10, 25):
        assert arrived[i].contents[-1] == service.to_data(values[i // 20])
    assert connection.messages_sent == 41  # CP2, and each segmented message counts one
    assert connection.bytes_sent == total + 3


def _backend() -> str:
    import sniffio

    return sniffio.current_async_library()


class _PlainStream(anyio.abc.ByteStream):
    """A socket stream that hides its socket: the connection uses its generic writer."""

    def __init__(self, inner: anyio.abc.SocketStream) -> None:
        self._inner = inner

    async def receive(self, max_bytes: int = 65536) -> bytes:
        return await self._inner.receive(max_bytes)

    async def send(self, item: bytes) -> None:
        await self._inner.send(item)

    async def send_eof(self) -> None:
        await self._inner.send_eof()

    async def aclose(self) -> None:
        await self._inner.aclose()
