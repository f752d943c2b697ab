"""PNCounter against real members: every method, the session's vector clock, failover to
another replica when one dies, and ConsistencyLostError when none has seen our writes."""

from __future__ import annotations

import uuid
from typing import Any

import anyio
import pytest

import hztrio.sync
from hztrio import HazelcastClient
from hztrio.errors import ConsistencyLostError
from hztrio.protocol.codecs import pn_counter as codecs
from hztrio.proxy.pn_counter import PNCounter
from hztrio.testing import Cluster
from tests.conftest import BACKENDS, client_options, eventually, unique

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]


async def test_every_method(client: HazelcastClient) -> None:
    counter = await client.get_pn_counter(unique("pn"))
    assert isinstance(counter, PNCounter)
    assert await counter.get() == 0
    assert await counter.get_and_add(5) == 0
    assert await counter.add_and_get(3) == 8
    assert await counter.get_and_subtract(2) == 8
    assert await counter.subtract_and_get(1) == 5
    assert await counter.get_and_decrement() == 5
    assert await counter.decrement_and_get() == 3
    assert await counter.get_and_increment() == 3
    assert await counter.increment_and_get() == 5
    assert await counter.add_and_get(-7) == -2
    assert await counter.subtract_and_get(-2) == 0
    assert await counter.add_and_get(2**63 - 1) == 2**63 - 1
    assert await counter.get() == 2**63 - 1
    # the member's sum is a Java long: it wraps around
    assert await counter.increment_and_get() == -(2**63)


async def test_bad_deltas_raise_before_sending(client: HazelcastClient) -> None:
    counter = await client.get_pn_counter(unique("pn"))
    for bad in (None, "1", 1.5, True):
        with pytest.raises(TypeError, match="delta must be an int"):
            await counter.add_and_get(bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="delta must be an int"):
            await counter.get_and_subtract(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="64-bit"):
        await counter.get_and_add(2**63)
    with pytest.raises(ValueError, match="64-bit"):
        await counter.subtract_and_get(-(2**63))  # its negation does not fit
    assert await counter.get_and_subtract(2**63 - 1) == 0
    assert await counter.get() == -(2**63 - 1)


async def test_the_session_clock_and_reset(client: HazelcastClient) -> None:
    counter = await client.get_pn_counter(unique("pn"))
    assert counter._observed_clock == {}
    await counter.add_and_get(4)
    # one replica, one entry (its replica id is not the member's UUID); the clock moves on
    # with every update
    [replica] = counter._observed_clock
    assert replica not in {m.uuid for m in client.cluster_service.get_members()}
    first = counter._observed_clock[replica]
    await counter.increment_and_get()
    assert counter._observed_clock[replica] > first
    # the configured replica count (Integer.MAX_VALUE by default) was asked once
    assert counter._max_replica_count == 2**31 - 1
    counter.reset()
    assert counter._observed_clock == {}
    assert await counter.get() == 5
    assert list(counter._observed_clock) == [replica]


async def test_two_clients_and_many_tasks_see_every_update(
    client: HazelcastClient, client_factory: Any
) -> None:
    name = unique("pn")
    async with client_factory() as other:
        mine = await client.get_pn_counter(name)
        theirs = await other.get_pn_counter(name)

        async def bump(counter: PNCounter, n: int) -> None:
            for _ in range(n):
                await counter.increment_and_get()

        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(bump, mine, 5)
                tg.start_soon(bump, theirs, 5)
        assert await mine.get() == 200
        assert await theirs.get() == 200


async def test_a_cancelled_call_leaves_the_counter_usable(client: HazelcastClient) -> None:
    counter = await client.get_pn_counter(unique("pn"))
    await counter.add_and_get(10)
    with anyio.CancelScope() as scope:
        scope.cancel()
        await counter.increment_and_get()
    assert scope.cancelled_caught
    # The request may have left before the call noticed: it may or may not take effect, and
    # later than the calls after it (the member runs counter operations on any of its
    # generic threads, so a later get can overtake it).
    before = await counter.get()
    assert before in (10, 11)
    with anyio.move_on_after(0.0005):
        await counter.increment_and_get()
    after = await counter.add_and_get(1)
    assert before + 1 <= after <= 13
    assert await counter.get() >= after  # read-your-writes holds all the same
    assert client._invocations.pending_count == 0


async def test_destroy(client: HazelcastClient) -> None:
    name = unique("pn")
    counter = await client.get_pn_counter(name)
    await counter.add_and_get(3)
    assert await counter.destroy() is True
    fresh = await client.get_pn_counter(name)
    assert fresh is not counter
    assert await fresh.get() == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_blocking_client(hazelcast_member: Cluster, backend: str) -> None:
    options = client_options(hazelcast_member)
    with hztrio.sync.HazelcastClient(backend=backend, **options) as client:
        counter = client.get_pn_counter(unique("pn"))
        assert counter.add_and_get(2) == 2
        assert counter.get_and_decrement() == 2
        assert counter.reset() is None
        assert counter.get() == 1


# -- a cluster of two -------------------------------------------------------------------------

SINGLE_REPLICA = """
<pn-counter name="single-*">
    <replica-count>1</replica-count>
</pn-counter>
"""


async def _value_on(client: HazelcastClient, name: str, member_uuid: uuid.UUID) -> int:
    """The counter's value as one member sees it, outside any session (empty clock)."""
    response = await client._invocations.invoke(
        codecs.PN_COUNTER_GET.encode_request(name, [], member_uuid), uuid=member_uuid
    )
    return int(codecs.PN_COUNTER_GET.decode_response(response).value)


async def test_failover_and_lost_consistency_when_a_member_dies(
    hazelcast_cluster_factory: Any,
) -> None:
    """Two members. ``shared`` lives on both: when the replica the proxy talks to is killed,
    it carries on with the other, which has its updates. ``single-…`` lives on the first
    member only: once that one is killed, nobody has seen the session's updates, so the
    counter raises ConsistencyLostError until ``reset()``."""
    shared_name, single_name = unique("pn-shared"), unique("single")
    async with hazelcast_cluster_factory(2, extra_config=SINGLE_REPLICA) as cluster:
        # unisocket: a replica the client has no connection to is reached through the member
        # it has one to (the request names the replica)
        async with HazelcastClient(**client_options(cluster, smart_routing=False)) as uni:
            counter = await uni.get_pn_counter(unique("pn-uni"))
            [connected] = uni._connections.active
            [other] = [m for m in uni.cluster_service.get_members() if m.uuid != connected]
            counter._current_target = other
            with anyio.fail_after(10):
                assert await counter.add_and_get(3) == 3
            assert counter._current_target == other

        async with HazelcastClient(**client_options(cluster)) as client:
            first, second = client.cluster_service.get_members()
            [victim] = [m for m in cluster.members if m.address.endswith(f":{first.address.port}")]

            single = await client.get_pn_counter(single_name)
            assert await single.add_and_get(7) == 7
            assert single._current_target == first  # its only replica
            assert single._max_replica_count == 1

            shared = await client.get_pn_counter(shared_name)
            shared._current_target = first  # make sure the kill hits the replica in use
            assert await shared.add_and_get(5) == 5
            assert shared._current_target == first
            assert len(shared._observed_clock) == 1

            # the update reaches the other replica (CRDT replication runs every second)
            async def replicated() -> bool:
                return await _value_on(client, shared_name, second.uuid) == 5

            await eventually(replicated, within=20)

            victim.kill()
            with anyio.fail_after(60):
                assert await shared.increment_and_get() == 6
            assert shared._current_target == second
            assert await shared.get() == 6

            with pytest.raises(ConsistencyLostError):
                await single.get()
            with pytest.raises(ConsistencyLostError):
                await single.increment_and_get()
            single.reset()
            # a new session on the surviving member: it never had the first one's updates
            assert await single.get() == 0
            assert await single.add_and_get(2) == 2
            assert single._current_target == second
