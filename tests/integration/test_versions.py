"""The oldest and the newest Hazelcast 5.x that Maven serves here, besides the default 5.5.0.

(4.x releases are not served by the Maven mirror this project is built with; the protocol
layer decodes 2.0-era messages — see tests/unit/test_protocol.py.)
"""

from __future__ import annotations

from typing import Any

import pytest

from hztrio import HazelcastClient
from tests.conftest import client_options, unique

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(600)]

VERSIONS = ["5.3.0", "5.7.0"]


@pytest.fixture
def anyio_backend() -> str:
    return "trio"


@pytest.mark.parametrize("version", VERSIONS)
async def test_map_against_member_version(hazelcast_cluster_factory: Any, version: str) -> None:
    async with hazelcast_cluster_factory(2, version=version) as cluster:
        for smart in (True, False):
            await _exercise(cluster, smart)


async def _exercise(cluster: Any, smart: bool) -> None:
    async with HazelcastClient(**client_options(cluster, smart_routing=smart)) as client:
        connection = next(iter(client._connections.active.values()))
        assert connection.server_version is not None
        assert connection.server_version.startswith(cluster.version.rsplit(".", 1)[0])
        m = await client.get_map(unique("versions"))
        await m.put_all({i: str(i) for i in range(200)})
        assert await m.size() == 200
        assert await m.get(7) == "7"
        assert await m.remove(7) == "7"
        await m.delete(8)
        assert len(await m.entry_set()) == 198
        assert len(client.cluster_service.get_members()) == 2
