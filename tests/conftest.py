"""Shared test configuration.

Async tests are marked ``@pytest.mark.anyio`` (``pytestmark`` per module) and run under every
backend in ``HZTRIO_TEST_BACKENDS`` (default: ``trio,asyncio``). Real members come from
:mod:`hztrio.testing.pytest_plugin` (``hazelcast_member``, ``hazelcast_cluster_factory``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import pytest

from hztrio import HazelcastClient
from hztrio.testing import Cluster

BACKENDS = [b.strip() for b in os.environ.get("HZTRIO_TEST_BACKENDS", "trio,asyncio").split(",")]


@pytest.fixture(params=BACKENDS)
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def wait_until(
    predicate: Callable[[], object], *, within: float = 10.0, interval: float = 0.05
) -> None:
    """Wait until *predicate()* is true, failing with ``TimeoutError`` after *within* s.

    For conditions outside the client (member logs, sockets) that no event announces.
    """
    with anyio.fail_after(within):
        while True:
            if predicate():
                return
            await anyio.sleep(interval)


async def listeners_renewed(client: HazelcastClient) -> None:
    """Wait until every listener is registered on every live connection again.

    After a reconnect the registrations are renewed in the background: a change the cluster
    makes before that is not reported (as with every Hazelcast client), so a test that
    expects an event for it must wait first. (While the client has no connection at all,
    nothing counts as renewed.)"""
    registrations = list(client._listeners._registrations.values())

    def renewed() -> bool:
        live = set(client._connections.active.values())
        return bool(live) and all(live <= set(r.active) for r in registrations)

    await wait_until(renewed, within=30)


async def eventually(
    check: Callable[[], Awaitable[object]], *, within: float = 10.0, interval: float = 0.1
) -> None:
    """Wait until the async *check()* returns something true (for cluster-side state)."""
    with anyio.fail_after(within):
        while True:
            if await check():
                return
            await anyio.sleep(interval)


class Recorder:
    """Collects what a callback receives; lets a test wait, with a deadline, for a condition."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._changed = anyio.Event()

    def __call__(self, item: Any) -> None:
        self.items.append(item)
        self._changed.set()
        self._changed = anyio.Event()

    async def wait_for(
        self, predicate: Callable[[list[Any]], object], *, within: float = 15.0
    ) -> None:
        with anyio.fail_after(within):
            while not predicate(self.items):
                await self._changed.wait()


def unique(prefix: str = "test") -> str:
    """A distributed-object name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def client_options(cluster: Cluster, **overrides: Any) -> dict[str, Any]:
    """Options that connect a client to *cluster* quickly."""
    options: dict[str, Any] = {
        "cluster_name": cluster.cluster_name,
        "cluster_members": cluster.addresses,
        "cluster_connect_timeout": 30,
    }
    options.update(overrides)
    return options


@pytest.fixture
def client_factory(hazelcast_member: Cluster) -> Callable[..., HazelcastClient]:
    """Build (not start) a client for the shared member."""

    def make(**overrides: Any) -> HazelcastClient:
        return HazelcastClient(**client_options(hazelcast_member, **overrides))

    return make


@pytest.fixture
async def client(hazelcast_member: Cluster) -> AsyncIterator[HazelcastClient]:
    """A started client of the shared member."""
    async with HazelcastClient(**client_options(hazelcast_member)) as c:
        yield c
