"""The client against a real member: start-up, Map, lifecycle, errors, task-tree hygiene."""

from __future__ import annotations

import gc
import random
from collections.abc import Callable
from typing import Any

import anyio
import psutil
import pytest

from hztrio import HazelcastClient, LifecycleState
from hztrio.errors import (
    AuthenticationError,
    ClientNotActiveError,
    IllegalStateError,
    OperationTimeoutError,
)
from hztrio.testing import Cluster
from tests.conftest import client_options, eventually, unique, wait_until

pytestmark = pytest.mark.anyio


async def test_personnel_map(client: HazelcastClient) -> None:
    personnel = await client.get_map(unique("personnel"))
    for name in ("Alice", "Bob", "Clark"):
        await personnel.put(name, "IT")
    assert sorted(await personnel.entry_set()) == [
        ("Alice", "IT"),
        ("Bob", "IT"),
        ("Clark", "IT"),
    ]


async def test_map_operations(client: HazelcastClient) -> None:
    m = await client.get_map(unique("map"))
    assert await m.is_empty()
    assert await m.put("a", 1) is None
    assert await m.put("a", 2) == 1
    await m.set("b", "two")
    assert await m.get("a") == 2
    assert await m.get("b") == "two"
    assert await m.get("missing") is None
    assert await m.contains_key("a")
    assert not await m.contains_key("zzz")
    assert await m.contains_value("two")
    assert not await m.contains_value("three")
    assert await m.put_if_absent("a", 99) == 2
    assert await m.put_if_absent("c", 3.5) is None
    assert await m.replace("c", 4.5) == 3.5
    assert await m.replace("nothing", 1) is None
    assert await m.replace_if_same("c", 4.5, 5.5)
    assert not await m.replace_if_same("c", 4.5, 6.5)
    assert await m.size() == 3
    assert sorted(await m.key_set()) == ["a", "b", "c"]
    assert sorted(map(str, await m.values())) == ["2", "5.5", "two"]
    assert await m.remove("a") == 2
    assert await m.remove("a") is None
    await m.delete("b")
    assert await m.get("b") is None
    await m.put_all({f"k{i}": i for i in range(100)})
    assert await m.size() == 101
    got = await m.get_all([f"k{i}" for i in range(0, 100, 7)] + ["absent"])
    assert got == {f"k{i}": i for i in range(0, 100, 7)}
    assert await m.get_all([]) == {}
    await m.put_all({})
    await m.clear()
    assert await m.size() == 0


async def test_values_of_every_core_type_round_trip(client: HazelcastClient) -> None:
    import uuid

    from hztrio import HazelcastJsonValue

    m = await client.get_map(unique("types"))
    values: list[Any] = [
        True,
        False,
        0,
        -(2**31),
        2**31 - 1,
        1.5,
        "",
        "ünïcødé ☃",
        b"\x00\x01bytes",
        uuid.uuid4(),
        [1, "two", [3.0, None]],
        HazelcastJsonValue({"a": [1, 2]}),
    ]
    for i, value in enumerate(values):
        await m.set(i, value)
    for i, value in enumerate(values):
        assert await m.get(i) == value, value


async def test_ttl_expires_entries(client: HazelcastClient) -> None:
    m = await client.get_map(unique("ttl"))
    await m.put("k", "v", ttl=1)
    await m.set("forever", "v", ttl=0)
    assert await m.get("k") == "v"
    await eventually(lambda: _is_absent(m, "k"))
    assert await m.get("forever") == "v"


async def test_destroy_and_distributed_objects(client: HazelcastClient) -> None:
    name = unique("objects")
    m = await client.get_map(name)
    await m.put("x", 1)
    names = {(p.service_name, p.name) for p in await client.get_distributed_objects()}
    assert ("hz:impl:mapService", name) in names
    assert await m.destroy()
    names = {(p.service_name, p.name) for p in await client.get_distributed_objects()}
    assert ("hz:impl:mapService", name) not in names
    again = await client.get_map(name)
    assert await again.size() == 0


async def test_partition_service(client: HazelcastClient) -> None:
    from hazelcast.config import Config as OfficialConfig
    from hazelcast.hash import hash_to_index
    from hazelcast.serialization.service import SerializationServiceV1

    from hztrio.errors import ClientOfflineError

    partitions = client.partition_service
    count = partitions.get_partition_count()
    assert count == 271  # the member's default
    official = SerializationServiceV1(OfficialConfig())
    members = {member.uuid for member in client.cluster_service.get_members()}
    for key in ["key", "personnel", 42, -7, 3.5, "é"]:
        # the same partition as the official client computes for the same key
        expected = hash_to_index(official.to_data(key).get_partition_hash(), count)
        assert partitions.get_partition_id(key) == expected
        assert partitions.get_partition_owner(expected) in members
    assert partitions.get_partition_owner(count) is None
    with pytest.raises(TypeError, match="None"):
        partitions.get_partition_id(None)
    offline = HazelcastClient()  # never entered: no partition count yet
    assert offline.partition_service.get_partition_count() == 0
    with pytest.raises(ClientOfflineError):
        offline.partition_service.get_partition_id("key")


async def test_bad_keys_raise_clear_errors(client: HazelcastClient) -> None:
    from hztrio.errors import HazelcastSerializationError

    m = await client.get_map(unique("bad"))
    with pytest.raises(TypeError, match="key"):
        await m.get(None)
    with pytest.raises(TypeError, match="value"):
        await m.put("k", None)
    with pytest.raises(HazelcastSerializationError, match="object"):
        await m.put("k", object())
    assert await m.put("k", "fine") is None  # nothing broke


async def test_lifecycle_states(client_factory: Callable[..., HazelcastClient]) -> None:
    states: list[LifecycleState] = []
    client = client_factory(lifecycle_listeners=[states.append])
    later: list[LifecycleState] = []
    async with client:
        client.lifecycle_service.add_listener(later.append)
        assert client.lifecycle_service.is_running()
    assert states == [
        LifecycleState.STARTING,
        LifecycleState.STARTED,
        LifecycleState.CONNECTED,
        LifecycleState.SHUTTING_DOWN,
        LifecycleState.SHUTDOWN,
    ]
    assert later == [LifecycleState.SHUTTING_DOWN, LifecycleState.SHUTDOWN]
    assert not client.lifecycle_service.is_running()


async def test_async_lifecycle_listeners_and_events(
    client_factory: Callable[..., HazelcastClient],
) -> None:
    seen: list[tuple[str, LifecycleState]] = []
    plain: list[LifecycleState] = []
    connected = anyio.Event()

    async def slow(state: LifecycleState) -> None:
        await anyio.sleep(0.01)  # a real await: the calls still come in order
        seen.append(("slow", state))
        if state == LifecycleState.CONNECTED:
            connected.set()

    async def failing(state: LifecycleState) -> None:
        raise RuntimeError(f"listener failure at {state}")

    client = client_factory(lifecycle_listeners=[slow, failing])
    streamed: list[LifecycleState] = []
    with anyio.fail_after(30):
        async with client:
            registration = client.lifecycle_service.add_listener(plain.append)
            assert isinstance(registration, str)
            await connected.wait()  # awaited in the client's own task while it runs
            async with anyio.create_task_group() as tg:
                started = anyio.Event()

                async def consume() -> None:
                    async with client.lifecycle_service.lifecycle_events() as states:
                        started.set()
                        async for state in states:
                            streamed.append(state)

                tg.start_soon(consume)
                await started.wait()
                await client.shutdown()  # the iteration ends after SHUTDOWN
            assert streamed == [LifecycleState.SHUTTING_DOWN, LifecycleState.SHUTDOWN]
        # leaving the block awaited the last calls
    assert [state for who, state in seen if who == "slow"] == [
        LifecycleState.STARTING,
        LifecycleState.STARTED,
        LifecycleState.CONNECTED,
        LifecycleState.SHUTTING_DOWN,
        LifecycleState.SHUTDOWN,
    ]
    assert plain == [LifecycleState.SHUTTING_DOWN, LifecycleState.SHUTDOWN]
    async with client.lifecycle_service.lifecycle_events() as states:
        assert [state async for state in states] == []  # after SHUTDOWN: ends at once


async def test_client_from_a_config_object(hazelcast_member: Cluster) -> None:
    from hztrio.config import Config

    config = Config.from_kwargs(**client_options(hazelcast_member), client_name="from-config")
    with anyio.fail_after(30):
        async with HazelcastClient(config) as client:
            assert client.config is config and client.name == "from-config"
            m = await client.get_map(unique("configured"))
            await m.put("k", "v")
            assert await m.get("k") == "v"
        async with HazelcastClient(config=config) as client:
            assert await (await client.get_map(unique("configured"))).size() == 0
    with pytest.raises(TypeError, match="not both"):
        HazelcastClient(config, cluster_name="other")
    with pytest.raises(TypeError, match="config must be"):
        HazelcastClient({"cluster_name": "dev"})  # type: ignore[arg-type]


async def test_calls_after_shutdown_fail(client_factory: Callable[..., HazelcastClient]) -> None:
    async with client_factory() as client:
        m = await client.get_map(unique("shut"))
        await client.shutdown()
        await client.shutdown()  # idempotent
        with pytest.raises(ClientNotActiveError):
            await m.get("k")
        with pytest.raises(ClientNotActiveError):
            await client.get_map("other")


async def test_client_can_be_entered_once(client_factory: Callable[..., HazelcastClient]) -> None:
    client = client_factory()
    async with client:
        pass
    with pytest.raises(RuntimeError):
        async with client:
            pass


async def test_unisocket_mode(client_factory: Callable[..., HazelcastClient]) -> None:
    async with client_factory(smart_routing=False) as client:
        m = await client.get_map(unique("uni"))
        await m.put_all({i: i for i in range(50)})
        assert await m.size() == 50
        assert len(client._connections.active) == 1


async def test_labels_and_client_name_reach_the_member(
    client_factory: Callable[..., HazelcastClient], hazelcast_member: Cluster
) -> None:
    async with client_factory(client_name="named-client", labels=["blue", "green"]) as client:
        assert client.name == "named-client"
        m = await client.get_map(unique("labels"))
        await m.put(1, 1)
        await wait_until(
            lambda: "named-client" in hazelcast_member.members[0].read_log(), within=20
        )


# -- cancellation and timeouts --------------------------------------------------------------


@pytest.mark.timeout(120)
async def test_random_cancellation_leaves_client_usable(client: HazelcastClient) -> None:
    m = await client.get_map(unique("cancel"))
    # deadlines spread around a call's own duration cut calls at every stage
    durations = []
    for i in range(50):
        start = anyio.current_time()
        await m.put(i, i)
        durations.append(anyio.current_time() - start)
    typical = sorted(durations)[25]
    rng = random.Random(1234)
    cancelled = 0
    for i in range(1000):
        with anyio.move_on_after(rng.uniform(0, 2 * typical)) as scope:
            if i % 2:
                await m.put(i % 50, i)
            else:
                await m.get(i % 50)
        cancelled += scope.cancelled_caught
    assert cancelled > 20  # the deadlines really did cut calls short (timer resolution varies)
    for i in range(1000):
        await m.set(i % 50, i)
        assert await m.get(i % 50) == i
    invocations = client._invocations
    assert invocations.pending_count == 0
    for connection in client._connections.active.values():
        assert connection.is_alive


@pytest.mark.timeout(90)
async def test_timeouts_on_a_frozen_member(hazelcast_cluster_factory: Any) -> None:
    async with hazelcast_cluster_factory(1) as cluster:
        options = client_options(cluster, invocation_timeout=2.0)
        async with HazelcastClient(**options) as client:
            m = await client.get_map(unique("frozen"))
            await m.put("k", "v")
            member = cluster.members[0]
            member.suspend()
            try:
                start = anyio.current_time()
                with pytest.raises(OperationTimeoutError) as info:
                    await m.get("k")
                elapsed = anyio.current_time() - start
                assert isinstance(info.value, TimeoutError)
                # on time: the watchdog ticks every 0.04 s here (at most two ticks late); the
                # rest of the margin is for a loaded machine, well short of a retry (1 s)
                assert 2.0 <= elapsed <= 2.5, elapsed

                start = anyio.current_time()
                with pytest.raises(TimeoutError) as caller:
                    with anyio.fail_after(1.0):
                        await m.get("k")
                elapsed = anyio.current_time() - start
                assert not isinstance(caller.value, OperationTimeoutError)
                assert 1.0 <= elapsed <= 1.3, elapsed
            finally:
                member.resume()
            assert await m.get("k") == "v"
            assert client._invocations.pending_count == 0


# -- leaving the block -------------------------------------------------------------------------


def _established_to(ports: set[int]) -> list[Any]:
    return [
        c
        for c in psutil.Process().net_connections(kind="tcp")
        if c.raddr and c.raddr.port in ports and c.status == psutil.CONN_ESTABLISHED
    ]


async def _assert_nothing_left(client: HazelcastClient, member: Cluster, tasks_before: int) -> None:
    ports = {int(a.rsplit(":", 1)[1]) for a in member.addresses}
    assert client._connections.all_connections() == []
    assert client._invocations.pending_count == 0
    gc.collect()
    await wait_until(lambda: not _established_to(ports), within=5)
    assert len(anyio.get_running_tasks()) == tasks_before


async def test_exit_normally_leaves_nothing(
    client_factory: Callable[..., HazelcastClient], hazelcast_member: Cluster
) -> None:
    before = len(anyio.get_running_tasks())
    client = client_factory()
    async with client:
        await (await client.get_map(unique("exit"))).put(1, 1)
        assert len(anyio.get_running_tasks()) > before
    await _assert_nothing_left(client, hazelcast_member, before)


async def test_exit_by_exception_reraises_it_plainly(
    client_factory: Callable[..., HazelcastClient], hazelcast_member: Cluster
) -> None:
    class Boom(Exception):
        pass

    before = len(anyio.get_running_tasks())
    client = client_factory()
    with pytest.raises(Boom) as info:
        async with client:
            await (await client.get_map(unique("boom"))).put(1, 1)
            raise Boom("from the body")
    assert type(info.value) is Boom
    assert str(info.value) == "from the body"
    await _assert_nothing_left(client, hazelcast_member, before)


async def test_exit_by_cancellation(
    client_factory: Callable[..., HazelcastClient], hazelcast_member: Cluster
) -> None:
    before = len(anyio.get_running_tasks())
    client = client_factory()
    with anyio.move_on_after(0.5) as scope:
        async with client:
            m = await client.get_map(unique("cancelled-body"))
            while True:
                await m.put(1, 1)
    assert scope.cancelled_caught
    await _assert_nothing_left(client, hazelcast_member, before)


async def test_cancelled_during_startup(
    client_factory: Callable[..., HazelcastClient], hazelcast_member: Cluster
) -> None:
    before = len(anyio.get_running_tasks())
    for delay in (0.0, 0.005, 0.02, 0.05):
        client = client_factory()
        with anyio.move_on_after(delay):
            async with client:
                await anyio.sleep_forever()
        await _assert_nothing_left(client, hazelcast_member, before)


# -- connection failures -------------------------------------------------------------------------


async def test_wrong_cluster_name(hazelcast_member: Cluster) -> None:
    options = client_options(
        hazelcast_member, cluster_name="not-this-cluster", cluster_connect_timeout=3
    )
    start = anyio.current_time()
    with pytest.raises(AuthenticationError, match="not-this-cluster"):
        async with HazelcastClient(**options):
            pass
    assert anyio.current_time() - start <= 3 + 6  # the timeout plus one connection attempt


async def test_unreachable_address() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there after the close
    start = anyio.current_time()
    with pytest.raises(IllegalStateError, match=f"127.0.0.1:{port}") as info:
        async with HazelcastClient(
            cluster_members=[f"127.0.0.1:{port}"], cluster_connect_timeout=2
        ):
            pass
    assert "Unable to connect" in str(info.value)
    assert anyio.current_time() - start <= 2 + 6


async def _is_absent(m: Any, key: str) -> bool:
    return await m.get(key) is None


async def test_event_iterators_end_when_the_client_shuts_down(
    client_factory: Callable[..., HazelcastClient],
) -> None:
    """A client that shuts down inside its block (shutdown(), or the cluster lost for good)
    ends its entry and object event iterators after the events they already hold."""
    async with client_factory() as client:
        m = await client.get_map(unique("ends"))
        received: dict[str, list[Any]] = {"entries": [], "objects": []}
        with anyio.fail_after(30):
            async with (
                m.entry_events(include_value=True) as entries,
                client.distributed_object_events() as objects,
                anyio.create_task_group() as tg,
            ):

                async def drain(name: str, events: Any) -> None:
                    async for event in events:
                        received[name].append(event)

                tg.start_soon(drain, "entries", entries)
                tg.start_soon(drain, "objects", objects)
                await m.put("k", 1)
                await client.get_map(unique("created"))
                await wait_until(lambda: received["entries"] and received["objects"])
                await client.shutdown()  # both drains end: the task group can exit
        assert [e.key for e in received["entries"]] == ["k"]
