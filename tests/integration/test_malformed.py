"""A malformed frame from the network closes that connection; the client survives."""

from __future__ import annotations

import struct

import pytest

from hztrio import HazelcastClient, LifecycleState
from hztrio.errors import ProtocolError
from hztrio.testing import Cluster, FaultProxy
from tests.conftest import unique, wait_until

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]


@pytest.mark.parametrize(
    "garbage",
    [
        struct.pack("<iH", 3, 0xE000),
        struct.pack("<iH", 2**31 - 1, 0xC000) + b"\0" * 32,
    ],
    ids=["short-frame", "oversized-frame"],
)
async def test_client_survives_a_malformed_frame(hazelcast_member: Cluster, garbage: bytes) -> None:
    host, port = hazelcast_member.addresses[0].rsplit(":", 1)
    states: list[LifecycleState] = []
    async with FaultProxy(host, int(port)) as proxy:
        async with HazelcastClient(
            cluster_name=hazelcast_member.cluster_name,
            cluster_members=[proxy.address],
            smart_routing=False,
            lifecycle_listeners=[states.append],
        ) as client:
            m = await client.get_map(unique("malformed"))
            await m.put("k", "v")
            (first,) = client._connections.active.values()
            assert proxy.inject(garbage) == 1
            await wait_until(lambda: not first.is_alive)
            assert isinstance(first.close_cause, ProtocolError)
            # the client reconnects through the proxy and carries on
            assert await m.get("k") == "v"
            (second,) = client._connections.active.values()
            assert second is not first and second.is_alive
    assert LifecycleState.DISCONNECTED in states
    assert states.count(LifecycleState.CONNECTED) == 2
