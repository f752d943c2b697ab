"""Smart routing on a real 3-member cluster: key operations go to the partition owner."""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from hztrio import HazelcastClient
from hztrio.net.connection import Connection
from hztrio.protocol.codecs import map as map_codecs
from tests.conftest import client_options, unique, wait_until

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(180)]

KEY_OPERATIONS = {
    map_codecs.MAP_PUT.request_type,
    map_codecs.MAP_GET.request_type,
    map_codecs.MAP_SET.request_type,
    map_codecs.MAP_REMOVE.request_type,
    map_codecs.MAP_CONTAINS_KEY.request_type,
    map_codecs.MAP_PUT_ALL.request_type,
    map_codecs.MAP_GET_ALL.request_type,
}


async def test_key_operations_go_to_the_partition_owner(hazelcast_cluster_factory: Any) -> None:
    async with hazelcast_cluster_factory(3) as cluster:
        async with HazelcastClient(**client_options(cluster)) as client:
            await wait_until(lambda: len(client._connections.active) == 3, within=30)
            partitions = client.partition_service
            sent: list[tuple[int, int, Connection]] = []

            def trace(request: bytearray, partition_id: int, connection: Connection) -> None:
                message_type = int.from_bytes(request[6:10], "little")
                if message_type in KEY_OPERATIONS:
                    sent.append((message_type, partition_id, connection))

            client._invocations.trace = trace
            m = await client.get_map(unique("routing"))
            for i in range(300):
                await m.put(f"key-{i}", i)
                assert await m.get(f"key-{i}") == i
                await m.set(i, "v")
                assert await m.contains_key(i)
                await m.remove(f"key-{i}")
            await m.put_all({f"bulk-{i}": i for i in range(500)})
            assert len(await m.get_all([f"bulk-{i}" for i in range(500)])) == 500

            assert len(sent) > 1500
            owners_used = set()
            for message_type, partition_id, connection in sent:
                assert partition_id >= 0, hex(message_type)
                owner = partitions.get_partition_owner(partition_id)
                assert owner is not None
                assert connection.member_uuid == owner, (hex(message_type), partition_id)
                owners_used.add(owner)
            assert len(owners_used) == 3  # keys spread over every member


async def test_key_operations_follow_the_owner_as_the_cluster_changes(
    hazelcast_cluster_factory: Any,
) -> None:
    """The client caches each partition's route; a member joining (partitions migrate to
    it) and a member leaving (its connection closes, its partitions move) must both
    redirect key operations to the new owner's connection."""
    async with hazelcast_cluster_factory(2) as cluster:
        async with HazelcastClient(**client_options(cluster)) as client:
            connections = client._connections
            partitions = client.partition_service
            checked: list[int] = []
            wrong: list[tuple[int, object, object]] = []

            def trace(request: bytearray, partition_id: int, connection: Connection) -> None:
                if partition_id < 0:
                    return
                owner = partitions.get_partition_owner(partition_id)
                expected = None if owner is None else connections.get_connection(owner)
                if expected is None:
                    return  # no connection to the owner (yet): any connection is right
                checked.append(partition_id)
                if connection is not expected:
                    wrong.append((partition_id, connection.member_uuid, owner))

            client._invocations.trace = trace
            m = await client.get_map(unique("moving-routes"))
            await m.put_all({i: i for i in range(271)})

            async def read_every_key() -> None:
                for i in range(271):
                    assert await m.get(i) == i

            def owners() -> set[object]:
                return {partitions.get_partition_owner(p) for p in range(271)}

            await wait_until(lambda: len(connections.active) == 2, within=30)
            await read_every_key()

            await cluster.start_member()
            with anyio.fail_after(90):
                # migrations move partitions in steps: read while they do
                while len(connections.active) < 3 or len(owners()) < 3:
                    await read_every_key()
                    await anyio.sleep(0.2)
            await read_every_key()

            left = cluster.members[0]
            left_uuid = next(
                c.member_uuid
                for c in connections.active.values()
                if str(c.remote_address) == left.address
            )
            left.kill()
            with anyio.fail_after(90):
                while left_uuid in connections.active or left_uuid in owners():
                    await read_every_key()
                    await anyio.sleep(0.2)
            await read_every_key()
            assert len(connections.active) == 2

            assert not wrong, wrong[:5]
            assert len(checked) >= 271 * 4
