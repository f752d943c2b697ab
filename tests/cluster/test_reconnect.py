"""Connection strategy (seed §6): async start, reconnect modes, backoff, cluster restarts."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.abc
import pytest

from hztrio import HazelcastClient, LifecycleState
from hztrio.config import Config, ReconnectMode
from hztrio.errors import ClientNotActiveError, ClientOfflineError, IllegalStateError
from hztrio.net.manager import ConnectionManager
from tests.conftest import Recorder, client_options, listeners_renewed, unique, wait_until

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(240)]


async def _restart_all(cluster: Any) -> None:
    for member in cluster.members:
        await member.restart()
    await cluster.wait_size(len(cluster.members))


@pytest.mark.parametrize("smart", [True, False], ids=["smart", "unisocket"])
async def test_reconnect_on_waiting_calls_resume_on_the_new_cluster(
    hazelcast_cluster_factory: Any, smart: bool
) -> None:
    async with hazelcast_cluster_factory(2) as cluster:
        states = Recorder()
        options = client_options(
            cluster,
            smart_routing=smart,
            reconnect_mode=ReconnectMode.ON,
            lifecycle_listeners=[states],
            cluster_connect_timeout=120,
            retry_initial_backoff=0.2,
            invocation_timeout=120,
        )
        async with HazelcastClient(**options) as client:
            objects = Recorder()
            await client.add_distributed_object_listener(objects)
            m = await client.get_map(unique("reconnect"))
            await m.put("k", "before")
            old_cluster_id = client._connections.cluster_id

            for member in cluster.members:
                member.kill()
            await states.wait_for(lambda items: LifecycleState.DISCONNECTED in items)

            result: list[Any] = []

            async def waiting_call() -> None:
                result.append(await m.get("k"))  # waits for the cluster to come back

            async with anyio.create_task_group() as tg:
                tg.start_soon(waiting_call)
                await _restart_all(cluster)
            # a restarted cluster is a new cluster: the old data is gone
            assert result == [None]
            assert client._connections.cluster_id != old_cluster_id
            assert states.items.count(LifecycleState.CONNECTED) == 2
            await wait_until(
                lambda: len(client._connections.active) == (2 if smart else 1), within=30
            )
            # the partition table was rebuilt for the new members
            live = {mem.uuid for mem in client.cluster_service.get_members()}
            await wait_until(
                lambda: all(
                    client.partition_service.get_partition_owner(p) in live
                    for p in range(client.partition_service.get_partition_count())
                ),
                within=30,
            )
            # listeners were registered again with the new cluster
            await listeners_renewed(client)
            name = unique("after-restart")
            await client.get_map(name)
            await objects.wait_for(lambda items: any(e.name == name for e in items), within=30)
            await m.put("k", "after")
            assert await m.get("k") == "after"


async def test_reconnect_async_fails_fast_while_offline(hazelcast_cluster_factory: Any) -> None:
    async with hazelcast_cluster_factory(1) as cluster:
        states = Recorder()
        options = client_options(
            cluster,
            reconnect_mode="ASYNC",
            lifecycle_listeners=[states],
            cluster_connect_timeout=120,
            retry_initial_backoff=0.2,
        )
        async with HazelcastClient(**options) as client:
            m = await client.get_map(unique("async-mode"))
            await m.put("k", "v")
            cluster.members[0].kill()
            await states.wait_for(lambda items: LifecycleState.DISCONNECTED in items)
            for _ in range(5):
                start = anyio.current_time()
                with pytest.raises(ClientOfflineError):
                    await m.get("k")
                assert anyio.current_time() - start < 0.5
            await cluster.members[0].restart()
            await states.wait_for(
                lambda items: items.count(LifecycleState.CONNECTED) == 2, within=60
            )
            await m.put("k", "again")
            assert await m.get("k") == "again"


async def test_reconnect_off_shuts_the_client_down(hazelcast_cluster_factory: Any) -> None:
    async with hazelcast_cluster_factory(1) as cluster:
        states = Recorder()
        options = client_options(cluster, reconnect_mode="OFF", lifecycle_listeners=[states])
        async with HazelcastClient(**options) as client:
            m = await client.get_map(unique("off-mode"))
            await m.put("k", "v")
            cluster.members[0].kill()
            await states.wait_for(lambda items: LifecycleState.SHUTDOWN in items)
            assert states.items[-3:] == [
                LifecycleState.DISCONNECTED,
                LifecycleState.SHUTTING_DOWN,
                LifecycleState.SHUTDOWN,
            ]
            with pytest.raises(ClientNotActiveError):
                await m.get("k")
            assert not client.lifecycle_service.is_running()


async def test_async_start(hazelcast_member: Any) -> None:
    host, port = hazelcast_member.addresses[0].rsplit(":", 1)
    from hztrio.testing import FaultProxy

    async with FaultProxy(host, int(port)) as proxy:
        proxy.refuse(True)  # the "cluster" is not reachable yet
        states = Recorder()
        options = client_options(
            hazelcast_member,
            cluster_members=[proxy.address],
            async_start=True,
            smart_routing=False,
            lifecycle_listeners=[states],
            retry_initial_backoff=0.1,
        )
        start = anyio.current_time()
        async with HazelcastClient(**options) as client:
            assert anyio.current_time() - start < 1
            with pytest.raises(ClientOfflineError):
                await client.get_map(unique("early"))
            proxy.refuse(False)
            await states.wait_for(lambda items: LifecycleState.CONNECTED in items, within=30)
            m = await client.get_map(unique("late"))
            await m.put(1, 2)
            assert await m.get(1) == 2


@asynccontextmanager
async def _rejecting_listener() -> AsyncIterator[tuple[int, list[float]]]:
    """Accepts TCP connections and closes them at once, noting when each one came."""
    attempts: list[float] = []
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)

    async def handle(stream: anyio.abc.SocketStream) -> None:
        attempts.append(anyio.current_time())
        await stream.aclose()

    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, handle)
        yield port, attempts
        tg.cancel_scope.cancel()


@pytest.mark.parametrize("jitter", [0.0, 0.3])
async def test_backoff_and_cluster_connect_timeout(jitter: float) -> None:
    initial, multiplier, maximum, timeout = 0.2, 2.0, 1.0, 3.5
    async with _rejecting_listener() as (port, attempts):
        start = anyio.current_time()
        with pytest.raises(IllegalStateError, match="Unable to connect"):
            async with HazelcastClient(
                cluster_members=[f"127.0.0.1:{port}"],
                retry_initial_backoff=initial,
                retry_multiplier=multiplier,
                retry_max_backoff=maximum,
                retry_jitter=jitter,
                cluster_connect_timeout=timeout,
            ):
                pass
        elapsed = anyio.current_time() - start
    assert timeout <= elapsed <= timeout * 1.1 + 0.3
    gaps = [b - a for a, b in itertools.pairwise(attempts)]
    expected = []
    backoff = initial
    for _ in gaps:
        expected.append(backoff)
        backoff = min(backoff * multiplier, maximum)
    assert len(gaps) >= 4
    for gap, want in zip(gaps, expected, strict=False):
        low = want * (1 - jitter) * 0.9
        high = want * (1 + jitter) * 1.1 + 0.05
        if gap < low or gap > high:
            # the last sleep is cut short by the cluster_connect_timeout deadline
            assert gap is gaps[-1] and gap < high, (gaps, expected)


async def test_addresses_without_port_try_5701_to_5703_shuffled() -> None:
    import uuid

    from hztrio.cluster import ClusterService
    from hztrio.invocation import InvocationService
    from hztrio.lifecycle import LifecycleService
    from hztrio.partition import PartitionTable

    config = Config.from_kwargs(cluster_members=["10.0.0.1", "10.0.0.2:6000"])
    manager = ConnectionManager(
        config,
        uuid.uuid4(),
        "c",
        LifecycleService(),
        InvocationService(config),
        ClusterService(),
        PartitionTable(),
        lambda _e: None,
    )
    orders = set()
    for _ in range(50):
        addresses = [address for address, _member in await manager._provider_candidates()]
        assert sorted(str(a) for a in addresses) == [
            "10.0.0.1:5701",
            "10.0.0.1:5702",
            "10.0.0.1:5703",
            "10.0.0.2:6000",
        ]
        orders.add(tuple(str(a) for a in addresses))
    assert len(orders) > 1  # shuffled
