"""Smart routing on a real 3-member cluster: key operations go to the partition owner."""

from __future__ import annotations

from typing import Any

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
