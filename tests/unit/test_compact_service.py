"""Compact schema replication: the Schema codecs and the client-side schema service.

The codecs are checked byte for byte against the official client's; the service runs against
a scripted invocation service (what the cluster answers is decided by the test).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from hazelcast.protocol.codec import (
    client_fetch_schema_codec,
    client_send_all_schemas_codec,
    client_send_schema_codec,
)
from hazelcast.serialization.compact import FieldDescriptor as OfficialFieldDescriptor
from hazelcast.serialization.compact import Schema as OfficialSchema

from hztrio.compact import CompactSchemaService
from hztrio.errors import IllegalStateError, SchemaNotFoundError, TargetDisconnectedError
from hztrio.protocol.codecs import client as client_codecs
from hztrio.protocol.frame import ClientMessage, parse_message
from hztrio.serialization import SerializationService, api
from hztrio.serialization.compact import FieldDescriptor, Schema, SchemaRegistry

pytestmark = pytest.mark.anyio

SEND = client_codecs.CLIENT_SEND_SCHEMA
FETCH = client_codecs.CLIENT_FETCH_SCHEMA
SEND_ALL = client_codecs.CLIENT_SEND_ALL_SCHEMAS

SCHEMA = Schema(
    "Person",
    [
        FieldDescriptor("name", api.FieldKind.STRING),
        FieldDescriptor("age", api.FieldKind.INT32),
        FieldDescriptor("tags", api.FieldKind.ARRAY_OF_STRING),
    ],
)
OTHER = Schema("Empty", [])


def _official(schema: Schema) -> OfficialSchema:
    return OfficialSchema(
        schema.type_name, [OfficialFieldDescriptor(f.name, f.kind) for f in schema.fields]
    )


def test_schema_codecs_match_the_official_client() -> None:
    assert bytes(SEND.encode_request(SCHEMA)) == bytes(
        client_send_schema_codec.encode_request(_official(SCHEMA)).buf
    )
    assert bytes(SEND_ALL.encode_request([SCHEMA, OTHER])) == bytes(
        client_send_all_schemas_codec.encode_request([_official(SCHEMA), _official(OTHER)]).buf
    )
    assert bytes(FETCH.encode_request(SCHEMA.schema_id)) == bytes(
        client_fetch_schema_codec.encode_request(SCHEMA.schema_id).buf
    )
    # what a member answers to a fetch, decoded
    response = parse_message(FETCH.encode_response(SCHEMA))
    fetched = FETCH.decode_response(response)
    assert fetched == SCHEMA and fetched.schema_id == SCHEMA.schema_id
    assert FETCH.decode_response(parse_message(FETCH.encode_response(None))) is None
    decoded = SEND.decode_request(parse_message(SEND.encode_request(SCHEMA)))
    assert decoded == SCHEMA


class FakeInvocations:
    """Answers schema requests as scripted: ``replicated`` gives the member UUIDs that have a
    schema after each sendSchema; ``cluster`` holds the schemas the cluster knows."""

    def __init__(self, members: list[uuid.UUID]) -> None:
        self.members = members
        self.cluster: dict[int, Schema] = {}
        self.requests: list[str] = []
        self.replicated: Callable[[int], list[uuid.UUID]] = lambda attempt: members
        self.fail_next: BaseException | None = None
        self.block: anyio.Event | None = None

    async def invoke(self, request: bytearray, **options: Any) -> ClientMessage:
        assert options.get("retryable") is True
        message = parse_message(request)
        if self.block is not None:
            await self.block.wait()
        else:
            await anyio.lowlevel.checkpoint()
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        message_type = int.from_bytes(request[6:10], "little")
        if message_type == SEND.request_type:
            schema = SEND.decode_request(message)
            self.requests.append(f"send {schema.type_name}")
            self.cluster[schema.schema_id] = schema
            attempt = sum(r == f"send {schema.type_name}" for r in self.requests)
            return parse_message(SEND.encode_response(self.replicated(attempt)))
        if message_type == SEND_ALL.request_type:
            schemas = SEND_ALL.decode_request(message)
            self.requests.append("send all " + ",".join(s.type_name for s in schemas))
            for schema in schemas:
                self.cluster[schema.schema_id] = schema
            return parse_message(SEND_ALL.encode_response())
        assert message_type == FETCH.request_type
        schema_id = FETCH.decode_request(message)
        self.requests.append(f"fetch {schema_id}")
        return parse_message(FETCH.encode_response(self.cluster.get(schema_id)))


def _service(
    invocations: FakeInvocations, registry: SchemaRegistry, **options: Any
) -> CompactSchemaService:
    return CompactSchemaService(
        registry,
        invocations,  # type: ignore[arg-type]
        lambda: invocations.members,
        retry_pause=0.001,
        **options,
    )


async def test_pending_schemas_are_sent_once_and_confirmed_by_every_member() -> None:
    members = [uuid.uuid4(), uuid.uuid4()]
    invocations = FakeInvocations(members)
    registry = SchemaRegistry()
    service = _service(invocations, registry)
    assert not service.has_pending
    await service.send_pending()
    assert invocations.requests == []
    registry.add_local(SCHEMA)
    registry.add_local(OTHER)
    assert service.has_pending
    # the second member confirms only on the third try
    invocations.replicated = lambda attempt: members if attempt >= 3 else members[:1]
    async with anyio.create_task_group() as tg:  # concurrent callers send each schema once
        tg.start_soon(service.send_pending)
        tg.start_soon(service.send_pending)
    assert invocations.requests == ["send Person"] * 3 + ["send Empty"] * 3
    assert not service.has_pending


async def test_a_schema_no_member_confirms_fails_after_the_attempts() -> None:
    invocations = FakeInvocations([uuid.uuid4()])
    invocations.replicated = lambda attempt: []
    registry = SchemaRegistry()
    registry.add_local(SCHEMA)
    service = _service(invocations, registry, send_attempts=4)
    with pytest.raises(IllegalStateError, match="after 4 attempts"):
        await service.send_pending()
    assert len(invocations.requests) == 4
    assert service.has_pending  # still to be sent


async def test_failures_and_cancellation_leave_schemas_pending() -> None:
    invocations = FakeInvocations([uuid.uuid4()])
    registry = SchemaRegistry()
    registry.add_local(SCHEMA)
    service = _service(invocations, registry)
    invocations.fail_next = TargetDisconnectedError("gone")
    with pytest.raises(TargetDisconnectedError):
        await service.send_pending()
    assert service.has_pending
    invocations.block = anyio.Event()
    with anyio.move_on_after(0.05):
        await service.send_pending()
    assert service.has_pending
    invocations.block = None
    await service.send_pending()
    assert not service.has_pending


async def test_fetch_adds_the_cluster_schema_or_raises() -> None:
    invocations = FakeInvocations([uuid.uuid4()])
    invocations.cluster[SCHEMA.schema_id] = SCHEMA
    registry = SchemaRegistry()
    service = _service(invocations, registry)
    await service.fetch(SCHEMA.schema_id)
    assert registry.get(SCHEMA.schema_id) == SCHEMA
    assert not registry.has_pending
    with pytest.raises(SchemaNotFoundError, match="unknown to this client and to the cluster"):
        await service.fetch(12345)


async def test_a_new_cluster_gets_every_schema_again_at_once() -> None:
    invocations = FakeInvocations([uuid.uuid4()])
    registry = SchemaRegistry()
    registry.add_known(OTHER)
    registry.add_local(SCHEMA)
    spawned: list[Callable[[], Any]] = []
    service = _service(invocations, registry, spawn=spawned.append)
    await service.send_pending()
    assert invocations.requests == ["send Person"]
    service.on_new_cluster()
    assert service.has_pending
    assert len(spawned) == 1
    await spawned[0]()  # what the client runs in the background
    assert invocations.requests[1:] == ["send all Empty,Person"]
    assert not service.has_pending
    # without schemas there is nothing to send
    empty = _service(invocations, SchemaRegistry(), spawn=spawned.append)
    empty.on_new_cluster()
    assert not empty.has_pending and len(spawned) == 1


async def test_the_serialization_service_and_the_schema_service_together() -> None:
    class Point:
        def __init__(self, x: int) -> None:
            self.x = x

    class PointSerializer(api.CompactSerializer[Point]):
        def read(self, reader: api.CompactReader) -> Point:
            return Point(reader.read_int32("x"))

        def write(self, writer: api.CompactWriter, obj: Point) -> None:
            writer.write_int32("x", obj.x)

        def get_class(self) -> type[Point]:
            return Point

        def get_type_name(self) -> str:
            return "Point"

    invocations = FakeInvocations([uuid.uuid4()])
    writer = SerializationService(compact_serializers=[PointSerializer()])
    writer_schemas = _service(invocations, writer.compact_schemas)
    data = writer.to_data(Point(5))
    assert writer_schemas.has_pending
    await writer_schemas.send_pending()
    reader = SerializationService(compact_serializers=[PointSerializer()])
    reader_schemas = _service(invocations, reader.compact_schemas)
    with pytest.raises(SchemaNotFoundError) as info:
        reader.to_object(data)
    await reader_schemas.fetch(info.value.schema_id)
    assert reader.to_object(data).x == 5
