"""ReliableTopicMessage, the ringbuffer item of a reliable topic, against the official client's
(which writes what Java members read: IdentifiedDataSerializable factory -9, class 2)."""

from __future__ import annotations

import struct

from hazelcast.config import Config
from hazelcast.serialization.objects import ReliableTopicMessage as OfficialMessage
from hazelcast.serialization.service import SerializationServiceV1

from hztrio.protocol.types import Address
from hztrio.proxy.reliable_topic import ReliableTopicMessage
from hztrio.serialization import SerializationService


def test_written_as_the_official_client_writes_it() -> None:
    ours = SerializationService()
    official = SerializationServiceV1(Config())
    payload = ours.to_data("hello")
    mine = ours.to_data(ReliableTopicMessage(1_700_000_000.123, None, payload))
    theirs = official.to_data(OfficialMessage(1_700_000_000.123, None, official.to_data("hello")))
    assert bytes(mine) == bytes(theirs.buffer)


def test_read_without_a_factory_keeping_the_payload_serialized() -> None:
    ours = SerializationService()
    official = SerializationServiceV1(Config())
    data = official.to_data(OfficialMessage(1_700_000_000.5, None, official.to_data([1, 2])))
    message = ours.to_object(bytes(data.buffer))
    assert isinstance(message, ReliableTopicMessage)
    assert message.publish_time == 1_700_000_000.5
    assert message.publisher_address is None
    assert ours.to_object(message.payload) == [1, 2]


def test_a_member_publisher_address_is_read() -> None:
    ours = SerializationService()
    message = ReliableTopicMessage(1.0, None, ours.to_data("x"))
    data = bytearray(ours.to_data(message))
    # after the Data header (8), the IDS header byte and ids (9) and the time (8): the null
    # object (its type id, 4 bytes); a member writes its Address (IDS factory 0, class 1)
    position = 8 + 1 + 4 + 4 + 8
    assert data[position : position + 4] == struct.pack(">i", 0)
    host = b"127.0.0.1"
    address_bytes = (
        struct.pack(">i", -2)
        + b"\x01"
        + struct.pack(">ii", 0, 1)
        + struct.pack(">i", 5701)
        + b"\x04"
        + struct.pack(">i", len(host))
        + host
    )
    data[position : position + 4] = address_bytes
    read = ours.to_object(bytes(data))
    assert read.publisher_address == Address("127.0.0.1", 5701)
    assert ours.to_object(read.payload) == "x"
