"""Membership, distributed object events and load balancing on real multi-member clusters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import anyio.lowlevel
import pytest

from hztrio import HazelcastClient
from hztrio.cluster import MembershipEvent, MembershipEventType
from hztrio.net.connection import Connection
from hztrio.protocol.types import MemberInfo
from hztrio.util import LoadBalancer, RandomLB, RoundRobinLB
from tests.conftest import Recorder, client_options, listeners_renewed, unique, wait_until

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(240)]


async def _kill_a_connected_member(cluster: Any, client: HazelcastClient, smart: bool) -> None:
    """SIGKILL a member the client is connected to (in unisocket mode, the one it uses) and
    wait until the client's connections are alive and to the other members only, and until
    the cluster has removed the member from its list.

    The client notices the kill at once (its connection breaks); the members only after
    their own failure detection, a few seconds later. Until then a member still counts the
    dead one: creating or destroying an object then fails on it, inside the member (logged
    as "Error while destroying a proxy", MemberLeftException), and its event may never be
    published. Tests expecting those events wait for the new member list first."""
    members_before = len(client.cluster_service.get_members())
    if smart:
        victim = cluster.members[1]
    else:
        (connection,) = client._connections.active.values()
        victim = next(m for m in cluster.members if m.address == str(connection.remote_address))
    victim.kill()
    await wait_until(
        lambda: (
            len(client._connections.active) == (2 if smart else 1)
            and all(c.is_alive for c in client._connections.active.values())
            and victim.address
            not in {str(c.remote_address) for c in client._connections.active.values()}
            and len(client.cluster_service.get_members()) == members_before - 1
        ),
        within=30,
    )


async def _reported(
    events: Recorder,
    event_type: str,
    change: Callable[[str], Awaitable[Any]],
    name: str | None = None,
) -> str:
    """Make *change* to the object *name* (then to fresh ones) until the listener reports
    one within 5 s; return the name it reported. At most 60 s in all."""
    with anyio.fail_after(60):
        while True:
            target = name or unique("objects")
            name = None
            await change(target)

            def seen(items: list[Any], target: str = target) -> bool:
                return any(e.name == target and e.event_type == event_type for e in items)

            try:
                await events.wait_for(seen, within=5)
            except TimeoutError:
                continue
            return target


async def test_membership_listeners_and_connections_follow_the_cluster(
    hazelcast_cluster_factory: Any,
) -> None:
    async with hazelcast_cluster_factory(2) as cluster:
        from_option_added = Recorder()
        from_option_removed = Recorder()
        client = HazelcastClient(
            **client_options(cluster),
            membership_listeners=[(from_option_added, from_option_removed)],
        )
        async with client:
            await wait_until(lambda: len(client._connections.active) == 2, within=30)
            assert {str(m.address) for m in client.cluster_service.get_members()} == set(
                cluster.addresses
            )
            added, removed = Recorder(), Recorder()
            registration = client.cluster_service.add_listener(
                added, removed, fire_for_existing=True
            )
            await added.wait_for(lambda items: len(items) == 2)
            await from_option_added.wait_for(lambda items: len(items) == 2)

            async with client.cluster_service.membership_events() as events:
                third = await cluster.start_member()
                await added.wait_for(lambda items: len(items) == 3)
                joined: MemberInfo = added.items[-1]
                assert str(joined.address) == third.address
                await wait_until(lambda: joined.uuid in client._connections.active, within=30)

                cluster.members[0].kill()
                await removed.wait_for(lambda items: len(items) == 1, within=30)
                assert str(removed.items[0].address) == cluster.members[0].address
                await from_option_removed.wait_for(lambda items: len(items) == 1)
                await wait_until(lambda: len(client._connections.active) == 2, within=30)

                seen: list[MembershipEvent] = []
                with anyio.fail_after(30):
                    async for event in events:
                        seen.append(event)
                        if len(seen) == 2:
                            break
                assert [e.event_type for e in seen] == [
                    MembershipEventType.MEMBER_ADDED,
                    MembershipEventType.MEMBER_REMOVED,
                ]
                assert len(seen[1].members) == 2

            assert client.cluster_service.remove_listener(registration)
            assert not client.cluster_service.remove_listener(registration)
            # partition table follows: every partition owned by a live member
            live = {m.uuid for m in client.cluster_service.get_members()}
            await wait_until(
                lambda: all(
                    client.partition_service.get_partition_owner(p) in live
                    for p in range(client.partition_service.get_partition_count())
                ),
                within=30,
            )


@pytest.mark.parametrize("smart", [True, False], ids=["smart", "unisocket"])
async def test_distributed_object_listener_survives_a_member_kill(
    hazelcast_cluster_factory: Any, smart: bool
) -> None:
    async with hazelcast_cluster_factory(3) as cluster:
        async with HazelcastClient(**client_options(cluster, smart_routing=smart)) as client:
            connections = 3 if smart else 1
            await wait_until(lambda: len(client._connections.active) == connections, within=30)
            events = Recorder()
            registration = await client.add_distributed_object_listener(events)

            async def async_listener(event: Any) -> None:
                await anyio.lowlevel.checkpoint()
                async_events(event)

            async_events = Recorder()
            await client.add_distributed_object_listener(async_listener)

            first = unique("objects")
            m = await client.get_map(first)
            await events.wait_for(lambda items: any(e.name == first for e in items))
            created = next(e for e in events.items if e.name == first)
            assert created.event_type == "CREATED"
            assert created.service_name == "hz:impl:mapService"
            await async_events.wait_for(lambda items: any(e.name == first for e in items))

            await _kill_a_connected_member(cluster, client, smart)
            await listeners_renewed(client)

            # The listener reports changes again. A member still settling the membership
            # change can drop one change's event on its side, so a change that stays
            # unreported for a while is followed by another (a listener that did not
            # survive would report none of them).
            second = await _reported(events, "CREATED", lambda name: client.get_map(name))
            destroyed = [m]

            async def destroy(name: str) -> None:
                target = destroyed.pop() if destroyed else await client.get_map(name)
                await target.destroy()

            await _reported(events, "DESTROYED", destroy, first)
            # one event per change even though every member connection has the listener
            assert sum(1 for e in events.items if e.name == second) == 1

            assert await client.remove_distributed_object_listener(registration)
            assert not await client.remove_distributed_object_listener(registration)
            count = len(events.items)
            third = unique("objects")
            await client.get_map(third)
            await async_events.wait_for(lambda items: any(e.name == third for e in items))
            assert len(events.items) == count

            async with client.distributed_object_events() as stream:
                fourth = unique("objects")
                await client.get_map(fourth)
                with anyio.fail_after(15):
                    async for event in stream:
                        if event.name == fourth:
                            break


async def test_load_balancers_pick_members_for_non_key_calls(
    hazelcast_cluster_factory: Any,
) -> None:
    class FirstMember(LoadBalancer):
        def init(self, cluster_service: Any) -> None:
            self.cluster_service = cluster_service

        def next(self) -> MemberInfo | None:
            members = sorted(self.cluster_service.get_members(), key=lambda m: m.address.port)
            return members[0] if members else None

    async with hazelcast_cluster_factory(3) as cluster:
        for balancer in (RoundRobinLB(), RandomLB(), FirstMember()):
            async with HazelcastClient(**client_options(cluster), load_balancer=balancer) as client:

                def connected_to_all(c: HazelcastClient = client) -> bool:
                    return len(c._connections.active) == 3

                await wait_until(connected_to_all, within=30)
                used: list[Connection] = []

                def trace(
                    _r: bytearray,
                    partition_id: int,
                    connection: Connection,
                    used: list[Connection] = used,
                ) -> None:
                    if partition_id < 0:
                        used.append(connection)

                client._invocations.trace = trace
                m = await client.get_map(unique("lb"))
                for _ in range(30):
                    await m.size()
                members = [c.member_uuid for c in used[-30:]]
                if isinstance(balancer, RoundRobinLB):
                    assert len(set(members)) == 3
                    assert members[:3] * 10 == members  # each in turn
                elif isinstance(balancer, RandomLB):
                    assert len(set(members)) >= 2
                else:
                    first = min(cluster.members, key=lambda m: m.port)
                    assert {str(c.remote_address) for c in used[-30:]} == {first.address}


@pytest.mark.parametrize("smart", [True, False], ids=["smart", "unisocket"])
async def test_entry_listeners_survive_a_member_kill(
    hazelcast_cluster_factory: Any, smart: bool
) -> None:
    """Entry listeners registered before a member dies keep delivering afterwards: callbacks
    (all keys, and one key) and an entry_events() stream, for keys the survivors own."""
    async with hazelcast_cluster_factory(3) as cluster:
        async with HazelcastClient(**client_options(cluster, smart_routing=smart)) as client:
            connections = 3 if smart else 1
            await wait_until(lambda: len(client._connections.active) == connections, within=30)
            m = await client.get_map(unique("entries"))
            every = Recorder()
            await m.add_entry_listener(include_value=True, added_func=every, updated_func=every)
            watched = Recorder()
            await m.add_entry_listener(key="watched", include_value=True, updated_func=watched)
            async with m.entry_events(include_value=True) as stream:
                await m.put("watched", 0)
                await every.wait_for(lambda e: len(e) == 1)

                await _kill_a_connected_member(cluster, client, smart)
                live = {member.uuid for member in client.cluster_service.get_members()}
                partitions = client.partition_service
                await wait_until(
                    lambda: all(
                        partitions.get_partition_owner(p) in live
                        for p in range(partitions.get_partition_count())
                    ),
                    within=30,
                )

                await listeners_renewed(client)
                keys = [f"after-{i}" for i in range(20)]
                for i, key in enumerate(keys):
                    await m.put(key, i)
                await m.put("watched", 1)
                await every.wait_for(lambda e: {x.key for x in e} >= {*keys}, within=30)
                await watched.wait_for(lambda e: len(e) == 1, within=30)
                assert (watched.items[0].value, watched.items[0].old_value) == (1, 0)
                # one event per change, though the listener is on every member connection
                assert sorted(x.key for x in every.items if x.key in keys) == sorted(keys)

                seen: set[str] = set()
                with anyio.fail_after(30):
                    async for event in stream:
                        seen.add(event.key)
                        if seen >= {*keys, "watched"}:
                            break
