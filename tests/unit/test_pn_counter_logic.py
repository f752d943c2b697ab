"""The PNCounter's client-side logic without a member: vector clock comparison, replica
choice and failover, over a scripted invocation service (what a member cannot be made to
do on demand: fail one chosen call)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from hztrio.cluster import ClusterService
from hztrio.errors import (
    ClientNotActiveError,
    ConsistencyLostError,
    NoDataMemberInClusterError,
    TargetDisconnectedError,
)
from hztrio.protocol.codecs import pn_counter as codecs
from hztrio.protocol.frame import ClientMessage, parse_message
from hztrio.protocol.types import Address, MemberInfo
from hztrio.proxy.base import ProxyContext
from hztrio.proxy.pn_counter import PN_COUNTER_SERVICE, PNCounter, _is_after
from hztrio.serialization import SerializationService

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]

A, B, C = (uuid.UUID(int=i) for i in (1, 2, 3))


def test_vector_clock_order() -> None:
    assert _is_after({A: 1}, {})
    assert not _is_after({}, {})
    assert not _is_after({A: 1}, {A: 1})
    assert _is_after({A: 2}, {A: 1})
    assert not _is_after({A: 1}, {A: 2})
    assert _is_after({A: 1, B: 1}, {A: 1})  # knows one more replica
    assert not _is_after({A: 2}, {A: 1, B: 1})  # concurrent: misses B
    assert not _is_after({A: 2, B: 0}, {A: 1, B: 1})  # concurrent
    assert _is_after({A: 2, B: 1}, {A: 1, B: 1})


class Invocations:
    """Answers PNCounter requests: ``errors[uuid]`` fails calls to that member."""

    def __init__(self, replica_count: int = 2**31 - 1) -> None:
        self.replica_count = replica_count
        self.targets: list[uuid.UUID] = []
        self.errors: dict[uuid.UUID, Exception] = {}
        self.value = 0
        self.clocks: dict[uuid.UUID, int] = {}
        self.backend = None

    async def invoke(
        self, request: bytearray, *, uuid: uuid.UUID | None = None, **_: Any
    ) -> ClientMessage:
        message = parse_message(request)
        if message.message_type == codecs.PN_COUNTER_GET_CONFIGURED_REPLICA_COUNT.request_type:
            response = codecs.PN_COUNTER_GET_CONFIGURED_REPLICA_COUNT.encode_response
            return parse_message(response(self.replica_count))
        assert uuid is not None
        self.targets.append(uuid)
        if uuid in self.errors:
            raise self.errors[uuid]
        if message.message_type == codecs.PN_COUNTER_ADD.request_type:
            add = codecs.PN_COUNTER_ADD.decode_request(message)
            assert add.target_replica_uuid == uuid
            before = self.value
            self.value += add.delta
            self.clocks[uuid] = self.clocks.get(uuid, 0) + 1
            answer = before if add.get_before_update else self.value
        else:
            answer = self.value
        clock = list(self.clocks.items())
        encode = codecs.PN_COUNTER_GET.encode_response
        return parse_message(encode(answer, clock, self.replica_count))


def member(member_uuid: uuid.UUID, port: int, lite: bool = False) -> MemberInfo:
    return MemberInfo(Address("127.0.0.1", port), member_uuid, lite_member=lite)


def counter_with(invocations: Invocations, members: list[MemberInfo]) -> PNCounter:
    cluster = ClusterService()
    cluster.handle_members_view(1, members)
    context = ProxyContext(
        invocations,  # type: ignore[arg-type]
        SimpleNamespace(),  # type: ignore[arg-type]
        SerializationService(),
        lambda proxy: None,
        cluster=cluster,
    )
    return PNCounter(PN_COUNTER_SERVICE, "counter", context)


async def test_no_data_member() -> None:
    invocations = Invocations()
    counter = counter_with(invocations, [member(A, 1, lite=True)])
    with pytest.raises(NoDataMemberInClusterError, match="does not contain any data members"):
        await counter.get()
    assert invocations.targets == []


async def test_keeps_to_its_replica_and_fails_over_to_the_others() -> None:
    invocations = Invocations()
    counter = counter_with(invocations, [member(A, 1), member(B, 2), member(C, 3, lite=True)])
    assert await counter.add_and_get(3) == 3
    first = invocations.targets[0]
    assert first in (A, B)  # never the lite member
    assert await counter.get_and_increment() == 3
    assert invocations.targets == [first, first]
    other = B if first == A else A
    invocations.errors[first] = TargetDisconnectedError("gone")
    assert await counter.increment_and_get() == 5
    assert invocations.targets[2:] == [first, other]
    assert await counter.get() == 5
    assert invocations.targets[4:] == [other]  # the new replica is kept


async def test_the_last_error_when_every_replica_failed() -> None:
    invocations = Invocations()
    counter = counter_with(invocations, [member(A, 1), member(B, 2)])
    invocations.errors = {A: ConsistencyLostError("stale"), B: ConsistencyLostError("stale")}
    with pytest.raises(ConsistencyLostError):
        await counter.get()
    assert sorted(invocations.targets) == [A, B]  # each tried once


async def test_only_the_configured_replicas_are_used() -> None:
    invocations = Invocations(replica_count=1)
    counter = counter_with(invocations, [member(A, 1), member(B, 2)])
    for _ in range(5):
        counter._current_target = None
        await counter.increment_and_get()
    assert set(invocations.targets) == {A}
    invocations.errors[A] = TargetDisconnectedError("gone")
    with pytest.raises(TargetDisconnectedError):
        await counter.get()  # B is not a replica: nobody else to ask


async def test_a_client_shutting_down_is_not_failed_over() -> None:
    invocations = Invocations()
    counter = counter_with(invocations, [member(A, 1), member(B, 2)])
    invocations.errors = {A: ClientNotActiveError("down"), B: ClientNotActiveError("down")}
    with pytest.raises(ClientNotActiveError):
        await counter.get()
    assert len(invocations.targets) == 1


async def test_the_clock_is_sent_kept_and_reset() -> None:
    invocations = Invocations()
    counter = counter_with(invocations, [member(A, 1)])
    sent: list[list[tuple[uuid.UUID, int]]] = []
    invoke = invocations.invoke

    async def spy(request: bytearray, **kwargs: Any) -> ClientMessage:
        message = parse_message(request)
        if message.message_type == codecs.PN_COUNTER_GET.request_type:
            sent.append(codecs.PN_COUNTER_GET.decode_request(message).replica_timestamps)
        return await invoke(request, **kwargs)

    invocations.invoke = spy  # type: ignore[method-assign]
    await counter.get()
    await counter.add_and_get(1)
    await counter.get()
    assert sent == [[], [(A, 1)]]
    # an answer from a replica that is behind does not move the clock back
    invocations.clocks = {}
    await counter.get()
    assert counter._observed_clock == {A: 1}
    counter.reset()
    assert counter._observed_clock == {}
    await counter.get()
    assert sent[-1] == []
