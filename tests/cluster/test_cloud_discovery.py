"""Hazelcast Cloud discovery against real members.

The cloud's discovery service is played by a local HTTP(S) server (tests/discovery_service.py:
the real one is not reachable from here). It lists each member's own address as the private
address and a fault proxy in front of the member as the public one, as the cloud lists a
member's address inside its network and the load balancer that reaches it. The members are
real; that every connection went through the proxies is checked on the proxies.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, ExitStack, asynccontextmanager, contextmanager
from typing import Any

import anyio
import pytest

from hztrio import HazelcastClient
from hztrio.errors import IllegalStateError
from hztrio.protocol.types import Address
from hztrio.testing import Cluster, FaultProxy, start_cluster_sync
from hztrio.testing.tls import (
    TLSFiles,
    find_stunnel,
    make_tls_files,
    run_stunnel,
    with_server_certificate,
)
from tests.conftest import unique, wait_until
from tests.discovery_service import DiscoveryService, discovery_service

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

TOKEN = "hztrio-test-discovery-token"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with start_cluster_sync(2, sql=False) as started:
        yield started


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@asynccontextmanager
async def proxies_for(cluster: Cluster) -> AsyncIterator[list[FaultProxy]]:
    """One fault proxy in front of each member: the members' "public" addresses."""
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(FaultProxy("127.0.0.1", member.port))
            for member in cluster.members
        ]


def listing(cluster: Cluster, proxies: list[FaultProxy], count: int) -> list[tuple[str, str]]:
    return [(m.address, p.address) for m, p in zip(cluster.members, proxies, strict=True)][:count]


def cloud_client(cluster: Cluster, service: DiscoveryService, **options: Any) -> HazelcastClient:
    return HazelcastClient(
        cluster_name=cluster.cluster_name,
        cloud_discovery_token=TOKEN,
        cloud_url=service.url,
        **{"cluster_connect_timeout": 30, **options},
    )


def dialed(client: HazelcastClient) -> set[Address]:
    return {c.connected_address for c in client._connections.active.values()}


async def check_map(client: HazelcastClient) -> None:
    """Keys of every partition, so that both members' connections carry calls."""
    m = await client.get_map(unique("cloud"))
    await m.put_all({f"k{i}": i for i in range(100)})
    assert await m.get_all([f"k{i}" for i in range(100)]) == {f"k{i}": i for i in range(100)}


async def test_the_client_connects_to_every_member_at_its_public_address(
    cluster: Cluster, tls_files: TLSFiles, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the service over HTTPS, checked with the system's CA store; point it at the test CA
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_files.ca_cert))
    with discovery_service(
        certfile=str(tls_files.server_cert), keyfile=str(tls_files.server_key)
    ) as service:
        async with proxies_for(cluster) as proxies:
            service.nodes = listing(cluster, proxies, 2)
            async with cloud_client(cluster, service) as client:
                public = {Address("127.0.0.1", p.port) for p in proxies}
                await wait_until(lambda: dialed(client) == public, within=30)
                await check_map(client)
                for proxy in proxies:
                    assert proxy.total_connections == 1
                for connection in client._connections.active.values():
                    # the member is still known by its private address
                    assert connection.remote_address != connection.connected_address
                    assert str(connection.remote_address) in {m.address for m in cluster.members}
    request = service.requests[0]
    assert request.token == TOKEN
    assert request.path == "/cluster/discovery"


async def test_a_member_the_service_did_not_list_yet_is_asked_for_again(
    cluster: Cluster,
) -> None:
    with discovery_service() as service:
        async with proxies_for(cluster) as proxies:
            service.nodes = listing(cluster, proxies, 1)
            async with cloud_client(cluster, service) as client:
                await wait_until(lambda: len(client.cluster_service.get_members()) == 2)
                assert dialed(client) == {Address("127.0.0.1", proxies[0].port)}
                asked = service.request_count
                # the second member appears in the service's list
                service.nodes = listing(cluster, proxies, 2)
                await wait_until(lambda: len(client._connections.active) == 2, within=30)
                assert service.request_count > asked
                assert Address("127.0.0.1", proxies[1].port) in dialed(client)
                await check_map(client)


async def test_a_member_the_service_does_not_list_is_not_needed(
    cluster: Cluster, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "hztrio")
    with discovery_service() as service:
        async with proxies_for(cluster) as proxies:
            service.nodes = listing(cluster, proxies, 1)
            async with cloud_client(cluster, service) as client:
                await wait_until(lambda: len(client.cluster_service.get_members()) == 2)
                await wait_until(lambda: "does not list" in caplog.text, within=30)
                # calls for the other member's partitions go through the one connection
                await check_map(client)
                assert dialed(client) == {Address("127.0.0.1", proxies[0].port)}
                assert proxies[1].total_connections == 0


async def test_an_unusable_discovery_service_fails_the_start_with_its_reason(
    cluster: Cluster,
) -> None:
    with discovery_service() as service:
        service.status = 401
        service.body = b'{"message": "Invalid token"}'
        with anyio.fail_after(30):
            with pytest.raises(IllegalStateError, match=r"401.*Invalid token"):
                async with cloud_client(cluster, service, cluster_connect_timeout=1.5):
                    pass  # pragma: no cover
        assert service.request_count >= 2  # asked again on every round of attempts


async def test_after_a_loss_known_members_come_first_then_the_service(
    cluster: Cluster,
) -> None:
    with discovery_service() as service:
        async with proxies_for(cluster) as proxies:
            service.nodes = listing(cluster, proxies, 2)
            async with cloud_client(cluster, service, smart_routing=False) as client:
                await wait_until(lambda: len(client.cluster_service.get_members()) == 2)
                (first,) = client._connections.active.values()
                asked = service.request_count
                for proxy in proxies:
                    proxy.cut()
                # the known members, at the public addresses already known: no question
                await wait_until(
                    lambda: any(c is not first for c in client._connections.active.values()),
                    within=30,
                )
                assert service.request_count == asked
                await check_map(client)
                # the public addresses move: the old ones refuse, the service lists new ones
                async with proxies_for(cluster) as moved:
                    service.nodes = listing(cluster, moved, 2)
                    (second,) = client._connections.active.values()
                    for proxy in proxies:
                        proxy.refuse()
                        proxy.cut()
                    new = {Address("127.0.0.1", p.port) for p in moved}
                    await wait_until(
                        lambda: bool(dialed(client) & new),
                        within=30,
                    )
                    assert service.request_count > asked
                    assert second not in client._connections.active.values()
                    await check_map(client)


# -- TLS: the hostname check is against the address dialed ----------------------------------


@contextmanager
def terminators_for(cluster: Cluster, files: TLSFiles) -> Iterator[list[int]]:
    """A TLS terminator in front of each member (their public addresses): its ports."""
    if find_stunnel() is None:
        pytest.skip("stunnel is not installed and could not be installed")
    with ExitStack() as stack:
        yield [
            stack.enter_context(run_stunnel(member.address, files)).port
            for member in cluster.members
        ]


def localhost_listing(cluster: Cluster, ports: list[int]) -> list[tuple[str, str]]:
    """Each member's own address, with ``localhost:<port>`` as its public address."""
    return [
        (member.address, f"localhost:{port}")
        for member, port in zip(cluster.members, ports, strict=True)
    ]


def tls_cloud_client(
    cluster: Cluster, service: DiscoveryService, files: TLSFiles, **options: Any
) -> HazelcastClient:
    return cloud_client(
        cluster,
        service,
        ssl_enabled=True,
        ssl_cafile=str(files.ca_cert),
        ssl_check_hostname=True,
        **options,
    )


async def test_tls_hostname_check_accepts_the_dialed_host_s_certificate(
    cluster: Cluster, tls_files: TLSFiles
) -> None:
    # valid for "localhost" only: not for 127.0.0.1, the members' own (private) host
    files = with_server_certificate(tls_files, "public-localhost", "DNS:localhost")
    with terminators_for(cluster, files) as ports, discovery_service() as service:
        service.nodes = localhost_listing(cluster, ports)
        async with tls_cloud_client(cluster, service, files) as client:
            public = {Address("localhost", port) for port in ports}
            await wait_until(lambda: dialed(client) == public, within=30)
            await check_map(client)


async def test_tls_hostname_check_refuses_a_certificate_for_the_private_host_only(
    cluster: Cluster, tls_files: TLSFiles
) -> None:
    # valid for 127.0.0.1, the members' private host, but the client dials "localhost"
    files = with_server_certificate(tls_files, "private-ip", "IP:127.0.0.1")
    with terminators_for(cluster, files) as ports, discovery_service() as service:
        service.nodes = localhost_listing(cluster, ports)
        client = tls_cloud_client(cluster, service, files, cluster_connect_timeout=2)
        with anyio.fail_after(30):
            with pytest.raises(IllegalStateError) as info:
                async with client:
                    pass  # pragma: no cover
    assert "localhost" in str(info.value) or "localhost" in repr(info.value.__cause__)
