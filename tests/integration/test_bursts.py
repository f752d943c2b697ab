"""Bursts of calls on one connection against a real member: thousands of tasks started at
once, with and without a socket that cannot keep up.

Senders write queued batches themselves when many queue up before the writer runs; when
the socket takes only part of a batch, the writer sends the rest. These tests check that
every call completes with its own result and that no byte is lost, duplicated or
reordered on the way (the member would reject a corrupt frame).
"""

from __future__ import annotations

import anyio
import pytest

from hztrio import HazelcastClient
from hztrio.testing import Cluster, FaultProxy
from tests.conftest import unique

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]


async def _burst(client: HazelcastClient, count: int, value_size: int) -> None:
    m = await client.get_map(unique("burst"))
    (connection,) = client._connections.active.values()
    sent_before = connection.messages_sent
    results: dict[int, object] = {}

    async def put_then_get(i: int) -> None:
        await m.set(i, bytes([i % 251]) * value_size)
        results[i] = await m.get(i)

    with anyio.fail_after(60):
        async with anyio.create_task_group() as tg:
            for i in range(count):
                tg.start_soon(put_then_get, i)
    assert results == {i: bytes([i % 251]) * value_size for i in range(count)}
    assert await m.size() == count
    # every message counted once, whichever path sent it (pings may add a few)
    assert 2 * count + 1 <= connection.messages_sent - sent_before <= 2 * count + 5


async def test_burst_of_calls_on_one_connection(hazelcast_member: Cluster) -> None:
    async with HazelcastClient(
        cluster_name=hazelcast_member.cluster_name,
        cluster_members=hazelcast_member.addresses,
        smart_routing=False,
    ) as client:
        await _burst(client, 3000, 100)


async def test_burst_through_a_slow_link(hazelcast_member: Cluster) -> None:
    """The member's side reads slowly: the client's socket fills and takes batches in part."""
    host, port = hazelcast_member.addresses[0].rsplit(":", 1)
    async with FaultProxy(host, int(port)) as proxy:
        async with HazelcastClient(
            cluster_name=hazelcast_member.cluster_name,
            cluster_members=[proxy.address],
            smart_routing=False,
        ) as client:
            proxy.throttle(4_000_000, "upstream")
            await _burst(client, 3000, 2000)
