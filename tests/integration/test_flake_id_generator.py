"""FlakeIdGenerator against a real member: unique ids from prefetched batches, one batch
request for many waiting tasks, the ``flake_id_generators`` option, and cancellation."""

from __future__ import annotations

import math
import threading
from typing import Any

import anyio
import pytest

import hztrio.sync
from hztrio import HazelcastClient
from hztrio.errors import ClientNotActiveError
from hztrio.proxy.flake_id_generator import FlakeIdGenerator, IdBatch
from hztrio.testing import Cluster
from tests.conftest import BACKENDS, client_options, unique

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]


async def test_ids_are_unique_and_come_in_batches(client: HazelcastClient) -> None:
    generator = await client.get_flake_id_generator(unique("ids"))
    assert isinstance(generator, FlakeIdGenerator)
    ids = [await generator.new_id() for _ in range(150)]
    assert len(set(ids)) == 150
    assert all(isinstance(i, int) and 0 <= i < 2**63 for i in ids)
    # the default prefetch_count is 100: two requests; within a batch, base + i * increment
    assert generator._batcher.batches_fetched == 2
    increment = ids[1] - ids[0]
    assert increment > 0
    assert ids[:100] == [ids[0] + i * increment for i in range(100)]
    assert ids[100:] == [ids[100] + i * increment for i in range(50)]


async def test_many_tasks_share_one_request(client: HazelcastClient) -> None:
    generator = await client.get_flake_id_generator(unique("ids"))
    ids: list[int] = []

    async def take(n: int) -> None:
        for _ in range(n):
            ids.append(await generator.new_id())

    async with anyio.create_task_group() as tg:
        for _ in range(200):
            tg.start_soon(take, 5)
    assert len(ids) == 1000
    assert len(set(ids)) == 1000
    # no thundering herd: every batch was used up before the next one was asked for
    assert generator._batcher.batches_fetched == 10


async def test_two_clients_never_get_the_same_id(
    client: HazelcastClient, client_factory: Any
) -> None:
    name = unique("ids")
    async with client_factory() as other:
        generators = [
            await client.get_flake_id_generator(name),
            await other.get_flake_id_generator(name),
        ]
        ids: list[int] = []

        async def take(generator: FlakeIdGenerator) -> None:
            for _ in range(30):
                ids.append(await generator.new_id())

        async with anyio.create_task_group() as tg:
            for i in range(40):
                tg.start_soon(take, generators[i % 2])
    assert len(ids) == len(set(ids)) == 1200


async def test_prefetch_options(client_factory: Any) -> None:
    small, no_limit, other = unique("small"), unique("forever"), unique("default")
    options = {
        small: {"prefetch_count": 7, "prefetch_validity": 30},
        no_limit: {"prefetch_count": 3, "prefetch_validity": 0},
    }
    async with client_factory(flake_id_generators=options) as client:
        generator = await client.get_flake_id_generator(small)
        batcher = generator._batcher
        assert (batcher._batch_size, batcher._validity) == (7, 30)
        ids = [await generator.new_id() for _ in range(15)]
        assert len(set(ids)) == 15
        assert batcher.batches_fetched == 3

        forever = (await client.get_flake_id_generator(no_limit))._batcher
        assert (forever._batch_size, forever._validity) == (3, math.inf)
        # names match exactly, as in the official client: no pattern
        unset = (await client.get_flake_id_generator(other))._batcher
        assert (unset._batch_size, unset._validity) == (100, 600)


async def test_expired_batch_is_not_used(client_factory: Any) -> None:
    name = unique("ids")
    async with client_factory(flake_id_generators={name: {"prefetch_validity": 0.5}}) as client:
        generator = await client.get_flake_id_generator(name)
        batcher = generator._batcher
        now = [anyio.current_time()]
        batcher._clock = lambda: now[0]  # the batch's age is what this test controls
        first = await generator.new_id()
        assert await generator.new_id() > first
        assert batcher.batches_fetched == 1
        now[0] += 0.6
        fresh = await generator.new_id()
        assert batcher.batches_fetched == 2
        # a new batch: its ids are newer than the rest of the old one
        assert fresh > first + 98 * (2**16)


async def test_bad_options_are_rejected(client_factory: Any) -> None:
    with pytest.raises(ValueError, match=r"flake_id_generators\['x'\]: prefetch_count"):
        client_factory(flake_id_generators={"x": {"prefetch_count": 0}})
    with pytest.raises(TypeError, match=r"flake_id_generators.*did you mean 'prefetch_validity'"):
        client_factory(flake_id_generators={"x": {"prefetch_valdity": 1}})
    with pytest.raises(TypeError, match=r"flake_id_generators\['x'\]: prefetch_validity"):
        client_factory(flake_id_generators={"x": {"prefetch_validity": "1"}})
    with pytest.raises(ValueError, match=r"flake_id_generators\['x'\]: prefetch_validity"):
        client_factory(flake_id_generators={"x": {"prefetch_validity": -1}})


async def test_cancelled_waiters_lose_and_duplicate_nothing(client: HazelcastClient) -> None:
    """Half of the tasks waiting for a batch are cancelled: the others get their ids, and
    the ids of the batch that nobody took are handed out next, none twice, none skipped."""
    generator = await client.get_flake_id_generator(unique("ids"))
    batcher = generator._batcher
    # hold the batch request back until the cancellations are done
    gate = anyio.Event()
    fetch = batcher._fetch

    async def gated_fetch(batch_size: int) -> IdBatch:
        await gate.wait()
        return await fetch(batch_size)

    batcher._fetch = gated_fetch
    got: list[int] = []
    scopes: list[anyio.CancelScope] = []

    async def take() -> None:
        with anyio.CancelScope() as scope:
            scopes.append(scope)
            got.append(await generator.new_id())

    async with anyio.create_task_group() as tg:
        for _ in range(60):
            tg.start_soon(take)
        await anyio.wait_all_tasks_blocked()
        assert len(scopes) == 60
        for scope in scopes[::2]:
            scope.cancel()
        await anyio.wait_all_tasks_blocked()
        gate.set()
    assert len(got) == 30
    assert batcher.batches_fetched == 1
    # what the cancelled tasks did not take is still there, in order
    rest = [await generator.new_id() for _ in range(70)]
    assert batcher.batches_fetched == 1
    every = sorted(got + rest)
    increment = every[1] - every[0]
    assert every == [every[0] + i * increment for i in range(100)]
    await generator.new_id()
    assert batcher.batches_fetched == 2


async def test_cancelling_every_waiter_keeps_the_batch(client: HazelcastClient) -> None:
    generator = await client.get_flake_id_generator(unique("ids"))
    batcher = generator._batcher
    with anyio.move_on_after(0):
        await generator.new_id()
    # the request goes on in the client's task group; its batch serves the next call
    first = await generator.new_id()
    second = await generator.new_id()
    assert batcher.batches_fetched == 1
    assert second > first


async def test_new_id_after_shutdown(client_factory: Any) -> None:
    async with client_factory() as client:
        generator = await client.get_flake_id_generator(unique("ids"))
        await generator.new_id()
        assert generator._batcher._block is not None
        generator._batcher._block = None  # make the next call need a batch
    with pytest.raises(ClientNotActiveError):
        await generator.new_id()


async def test_destroy(client: HazelcastClient) -> None:
    name = unique("ids")
    generator = await client.get_flake_id_generator(name)
    before = await generator.new_id()
    assert await generator.destroy() is True
    fresh = await client.get_flake_id_generator(name)
    assert fresh is not generator
    assert await fresh.new_id() != before


@pytest.mark.parametrize("backend", BACKENDS)
def test_blocking_client_from_threads(hazelcast_member: Cluster, backend: str) -> None:
    options = client_options(hazelcast_member)
    with hztrio.sync.HazelcastClient(backend=backend, **options) as client:
        generator = client.get_flake_id_generator(unique("ids"))
        ids: list[int] = []

        def take() -> None:
            for _ in range(50):
                ids.append(generator.new_id())

        threads = [threading.Thread(target=take) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert len(ids) == len(set(ids)) == 200
