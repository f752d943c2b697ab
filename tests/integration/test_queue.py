"""The Queue API against a real member (with bounded queues configured on it)."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

from hztrio import HazelcastClient
from hztrio.errors import EventsLostError, IllegalStateError
from hztrio.proxy.item import ItemEvent, ItemEventType
from hztrio.proxy.queue import Queue
from hztrio.testing import Cluster, start_cluster_sync
from tests.conftest import Recorder, client_options, eventually, unique, wait_until
from tests.integration.serialization_samples import Inner, InnerSerializer

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

CAPACITY = 3
QUEUE_CONFIG = f"""
<queue name="bounded-*">
    <max-size>{CAPACITY}</max-size>
</queue>
"""


@pytest.fixture(scope="module")
def member_with_bounded_queues() -> Iterator[Cluster]:
    with start_cluster_sync(1, extra_config=QUEUE_CONFIG) as cluster:
        yield cluster


@pytest.fixture
async def client(member_with_bounded_queues: Cluster) -> Any:
    async with HazelcastClient(**client_options(member_with_bounded_queues)) as c:
        yield c


async def _queue(client: HazelcastClient, prefix: str = "queue") -> Queue[Any]:
    return await client.get_queue(unique(prefix))


# -- values -------------------------------------------------------------------------------------


async def test_fifo_reads_and_writes(client: HazelcastClient) -> None:
    q = await _queue(client)
    assert await q.is_empty()
    assert await q.peek() is None
    assert await q.poll() is None
    assert await q.offer("a")
    assert await q.add("b")
    await q.put("c")
    assert await q.size() == 3
    assert not await q.is_empty()
    assert await q.peek() == "a"
    assert await q.iterator() == ["a", "b", "c"]
    assert await q.contains("b")
    assert not await q.contains("z")
    assert await q.contains_all(["a", "c"])
    assert not await q.contains_all(["a", "z"])
    assert await q.remaining_capacity() == 2**31 - 1 - 3  # unbounded: Integer.MAX_VALUE
    assert await q.poll() == "a"
    assert await q.take() == "b"
    assert await q.poll(timeout=1) == "c"
    assert await q.size() == 0


async def test_bulk_operations(client: HazelcastClient) -> None:
    q = await _queue(client)
    assert await q.add_all([1, 2, 3, 4, 5, 6])
    await q.add_all([])  # the member answers True even for nothing (Java's would be False)
    assert await q.size() == 6
    assert await q.remove(2)
    assert not await q.remove(2)
    assert await q.remove_all([3, 4, 99])
    assert not await q.remove_all([99])
    assert await q.iterator() == [1, 5, 6]
    assert await q.retain_all([5, 6, 7])
    assert not await q.retain_all([5, 6])
    assert await q.iterator() == [5, 6]
    await q.add_all(["x", ["nested", 2], 7.5])

    target: list[Any] = ["kept"]
    assert await q.drain_to(target, 2) == 2
    assert target == ["kept", 5, 6]
    assert await q.drain_to(target) == 3
    assert target == ["kept", 5, 6, "x", ["nested", 2], 7.5]
    assert await q.drain_to(target) == 0
    await q.add_all(["p", "q"])
    await q.clear()
    assert await q.is_empty()


async def test_bad_arguments(client: HazelcastClient) -> None:
    q = await _queue(client)
    for call in (
        lambda: q.offer(None),
        lambda: q.add(None),
        lambda: q.put(None),
        lambda: q.remove(None),
        lambda: q.contains(None),
        lambda: q.add_all(None),  # type: ignore[arg-type]
        lambda: q.add_all([1, None]),
        lambda: q.contains_all([None]),
        lambda: q.remove_all(None),  # type: ignore[arg-type]
        lambda: q.retain_all([None]),
        lambda: q.add_all("abc"),
        lambda: q.drain_to(None),  # type: ignore[arg-type]
        lambda: q.drain_to([], max_size=1.5),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError):
            await call()
    with pytest.raises(ValueError):
        await q.poll(timeout=math.nan)
    assert await q.size() == 0  # nothing was sent


# -- bounded queues and waiting ------------------------------------------------------------------


async def test_bounded_queue(client: HazelcastClient) -> None:
    q = await _queue(client, "bounded")
    assert await q.remaining_capacity() == CAPACITY
    with pytest.raises(IllegalStateError):
        await q.add_all(range(CAPACITY + 1))  # all or nothing
    assert await q.is_empty()
    assert await q.add_all(range(CAPACITY))
    assert await q.remaining_capacity() == 0
    assert not await q.offer("full")
    with pytest.raises(IllegalStateError):
        await q.add("full")
    started = anyio.current_time()
    assert not await q.offer("full", timeout=0.3)
    assert anyio.current_time() - started >= 0.29
    assert not await q.offer("full", timeout=-5)  # negative: do not wait

    # put and offer(timeout) wait for room
    async with anyio.create_task_group() as tg:
        done: list[str] = []

        async def putter() -> None:
            await q.put("put")
            done.append("put")

        async def offerer() -> None:
            assert await q.offer("offered", timeout=20)
            done.append("offered")

        tg.start_soon(putter)
        await eventually(lambda: _waiting(client))
        tg.start_soon(offerer)
        await anyio.sleep(0.2)
        assert done == []
        assert await q.poll() == 0
        assert await q.poll() == 1
    assert sorted(done) == ["offered", "put"]
    assert await q.iterator() == [2, "put", "offered"]


async def _waiting(client: HazelcastClient) -> bool:
    await anyio.lowlevel.checkpoint()
    return client._invocations.pending_count > 0


async def test_take_and_poll_wait_for_items(client: HazelcastClient) -> None:
    q = await _queue(client)
    started = anyio.current_time()
    assert await q.poll(timeout=0.3) is None
    assert anyio.current_time() - started >= 0.29

    got: list[Any] = []
    async with anyio.create_task_group() as tg:

        async def taker() -> None:
            got.append(await q.take())

        async def poller() -> None:
            got.append(await q.poll(timeout=math.inf))

        tg.start_soon(taker)
        tg.start_soon(poller)
        await anyio.sleep(0.3)
        assert got == []
        await q.offer("first")
        await q.offer("second")
    assert sorted(got) == ["first", "second"]


async def test_take_has_no_invocation_timeout(member_with_bounded_queues: Cluster) -> None:
    options = client_options(member_with_bounded_queues, invocation_timeout=0.5)
    async with HazelcastClient(**options) as short:
        q = await short.get_queue(unique("patient"))
        async with anyio.create_task_group() as tg:
            got: list[Any] = []

            async def taker() -> None:
                got.append(await q.take())

            tg.start_soon(taker)
            await anyio.sleep(1.2)  # longer than invocation_timeout
            await q.offer("late")
        assert got == ["late"]
        # poll(timeout) may take its timeout plus invocation_timeout
        assert await q.poll(timeout=1) is None


# -- cancellation -------------------------------------------------------------------------------


async def test_cancelled_take_loses_no_item(
    client: HazelcastClient, caplog: pytest.LogCaptureFixture
) -> None:
    q = await _queue(client)
    events = Recorder()
    await q.add_listener(include_value=True, item_added_func=events, item_removed_func=events)
    with anyio.move_on_after(0.3) as scope:
        await q.take()  # gives up while the member waits for an item
    assert scope.cancelled_caught
    with caplog.at_level(logging.WARNING, logger="hztrio.proxy.queue"):
        await q.offer("precious")
        # the member hands "precious" to the abandoned take; the client puts it back
        with anyio.fail_after(10):
            assert await q.poll(timeout=10) == "precious"
    assert any("cancelled take()" in r.getMessage() for r in caplog.records)
    await events.wait_for(lambda e: len(e) == 4)
    assert [(e.event_type, e.item) for e in events.items] == [
        (ItemEventType.ADDED, "precious"),  # offer
        (ItemEventType.REMOVED, "precious"),  # the abandoned take
        (ItemEventType.ADDED, "precious"),  # put back
        (ItemEventType.REMOVED, "precious"),  # our poll
    ]
    assert await q.is_empty()


async def test_cancelled_poll_loses_no_item(client: HazelcastClient) -> None:
    q = await _queue(client)
    events = Recorder()
    await q.add_listener(include_value=True, item_added_func=events, item_removed_func=events)
    with anyio.move_on_after(0.3):
        await q.poll(timeout=30)
    await q.offer("first")
    await q.offer("second")

    def first_is_back(seen: list[ItemEvent[Any]]) -> bool:
        return [e.event_type for e in seen if e.item == "first"] == [
            ItemEventType.ADDED,
            ItemEventType.REMOVED,  # by the abandoned poll
            ItemEventType.ADDED,  # put back
        ]

    await events.wait_for(first_is_back)
    # "first" went back at the tail: before or after "second", as the race went
    assert sorted(await q.iterator()) == ["first", "second"]


async def test_cancelled_put_still_adds_its_item(client: HazelcastClient) -> None:
    q = await _queue(client, "bounded")
    await q.add_all(range(CAPACITY))
    with anyio.move_on_after(0.3) as scope:
        await q.put("patient")
    assert scope.cancelled_caught
    assert await q.poll() == 0  # room: the member completes the abandoned put

    async def added() -> bool:
        return bool(await q.contains("patient"))

    await eventually(added)
    assert await q.iterator() == [1, 2, "patient"]


async def test_cancelled_while_fetching_a_schema_puts_the_item_back(
    member_with_bounded_queues: Cluster,
) -> None:
    name = unique("compact")
    options = client_options(member_with_bounded_queues, compact_serializers=[InnerSerializer()])
    async with HazelcastClient(**options) as writer, HazelcastClient(**options) as reader:
        await (await writer.get_queue(name)).offer(Inner("x", 1))
        q = await reader.get_queue(name)
        fetching = anyio.Event()

        async def slow_fetch(schema_id: int) -> None:
            fetching.set()
            await anyio.sleep_forever()

        reader._schemas.fetch = slow_fetch  # type: ignore[method-assign]
        async with anyio.create_task_group() as tg:

            async def taker() -> None:
                await q.take()  # the member removes the item; the reader lacks its schema

            tg.start_soon(taker)
            with anyio.fail_after(10):
                await fetching.wait()
            tg.cancel_scope.cancel()
        assert await (await writer.get_queue(name)).poll(timeout=10) == Inner("x", 1)


# -- item events ---------------------------------------------------------------------------------


async def test_item_listeners(client: HazelcastClient) -> None:
    q = await _queue(client)
    with_values, without_values, removed_only = Recorder(), Recorder(), Recorder()
    slow_done = anyio.Event()

    async def async_callback(event: ItemEvent[Any]) -> None:
        await anyio.lowlevel.checkpoint()
        with_values(event)
        if len(with_values.items) == 3:
            slow_done.set()

    first = await q.add_listener(
        include_value=True, item_added_func=async_callback, item_removed_func=async_callback
    )
    second = await q.add_listener(item_added_func=without_values)
    await q.add_listener(item_removed_func=removed_only)
    await q.offer("a")
    await q.offer("b")
    assert await q.poll() == "a"
    with anyio.fail_after(10):
        await slow_done.wait()
    await without_values.wait_for(lambda e: len(e) == 2)
    await removed_only.wait_for(lambda e: len(e) == 1)
    assert [(e.event_type, e.item) for e in with_values.items] == [
        (ItemEventType.ADDED, "a"),
        (ItemEventType.ADDED, "b"),
        (ItemEventType.REMOVED, "a"),
    ]
    event = with_values.items[0]
    assert event.name == q.name
    assert event.member is not None and event.member.uuid == event.uuid
    assert all(e.item is None for e in without_values.items)
    assert removed_only.items[0].event_type == ItemEventType.REMOVED
    assert "ADDED" in repr(event)

    assert await q.remove_listener(first)
    assert not await q.remove_listener(first)
    assert await q.remove_listener(second)
    await q.offer("c")
    await removed_only.wait_for(lambda e: True)
    await q.poll()
    await removed_only.wait_for(lambda e: len(e) == 2)
    assert len(with_values.items) == 3 and len(without_values.items) == 2

    with pytest.raises(ValueError):
        await q.add_listener(include_value=True)
    with pytest.raises(TypeError):
        await q.add_listener(item_added_func="not callable")  # type: ignore[arg-type]


async def test_item_events_iterator(client: HazelcastClient) -> None:
    q = await _queue(client)
    async with q.item_events(include_value=True) as events:
        await q.offer(1)
        await q.poll()
        seen = []
        with anyio.fail_after(10):
            async for event in events:
                seen.append((event.event_type, event.item))
                if len(seen) == 2:
                    break
    assert seen == [(ItemEventType.ADDED, 1), (ItemEventType.REMOVED, 1)]

    async with q.item_events(buffer_size=1) as events:
        await q.add_all(range(5))
        with pytest.raises(EventsLostError), anyio.fail_after(10):
            async for event in events:
                assert event.item is None  # no values asked for
                await anyio.sleep(0.1)  # a slow consumer


async def test_item_events_end_when_the_client_shuts_down(
    member_with_bounded_queues: Cluster,
) -> None:
    async with HazelcastClient(**client_options(member_with_bounded_queues)) as client:
        q = await client.get_queue(unique("ends"))
        seen: list[Any] = []
        with anyio.fail_after(30):
            async with q.item_events(include_value=True) as events:
                await q.offer("only")
                async for event in events:
                    seen.append(event.item)
                    await client.shutdown()  # the iteration ends after this event
        assert seen == ["only"]


async def test_a_take_waits_in_slices_so_an_abandoned_one_ends_on_the_member(
    client: HazelcastClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hztrio.proxy import queue as queue_module

    monkeypatch.setattr(queue_module, "WAIT_SLICE", 0.2)
    q = await client.get_queue(unique("slices"))
    for _ in range(5):  # give up five times
        with anyio.move_on_after(0.05):
            await q.take()
    # each abandoned take's last poll ends on the member within a slice
    gave_up = anyio.current_time()
    await wait_until(lambda: anyio.current_time() > gave_up + 0.5)
    seen = Recorder()
    async with q.item_events(include_value=True) as events:
        async with anyio.create_task_group() as tg:

            async def collect() -> None:
                async for event in events:
                    seen(event.event_type)

            tg.start_soon(collect)
            await q.offer("late")
            await seen.wait_for(lambda items: len(items) >= 1)
            # a live take over several slices gets the next item
            async with anyio.create_task_group() as takers:

                async def taker() -> None:
                    assert await q.take() == "later"

                takers.start_soon(taker)
                assert await q.poll() == "late"
                started = anyio.current_time()
                await wait_until(lambda: anyio.current_time() > started + 0.5)
                await q.offer("later")
            await seen.wait_for(lambda items: len(items) >= 4)
            tg.cancel_scope.cancel()
    # no abandoned take got "late" (it would have been put back: REMOVED, ADDED in between)
    assert seen.items == [ItemEventType.ADDED, ItemEventType.REMOVED] * 2
