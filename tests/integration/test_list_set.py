"""The List and Set APIs against the shared real member."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import pytest

from hztrio import HazelcastClient
from hztrio.errors import EventsLostError, IndexOutOfBoundsError
from hztrio.proxy.item import ItemEvent, ItemEventType
from tests.conftest import Recorder, unique

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]


# -- List ---------------------------------------------------------------------------------------


async def test_list_reads_and_writes(client: HazelcastClient) -> None:
    items = await client.get_list(unique("list"))
    assert await items.is_empty()
    assert await items.add("a")
    assert await items.add("b")
    assert await items.add("a")  # duplicates allowed
    await items.add_at(1, "inserted")
    assert await items.get_all() == ["a", "inserted", "b", "a"]
    assert await items.iterator() == ["a", "inserted", "b", "a"]
    assert await items.size() == 4
    assert not await items.is_empty()
    assert await items.get(1) == "inserted"
    assert await items.index_of("a") == 0
    assert await items.last_index_of("a") == 3
    assert await items.index_of("zzz") == -1
    assert await items.last_index_of("zzz") == -1
    assert await items.contains("b")
    assert not await items.contains("zzz")
    assert await items.contains_all(["a", "b"])
    assert not await items.contains_all(["a", "zzz"])
    assert await items.set_at(2, "B") == "b"
    assert await items.list_iterator() == ["a", "inserted", "B", "a"]
    assert await items.list_iterator(2) == ["B", "a"]
    assert await items.sub_list(1, 3) == ["inserted", "B"]
    assert await items.remove_at(1) == "inserted"
    assert await items.remove("a")  # the first occurrence
    assert not await items.remove("zzz")
    assert await items.get_all() == ["B", "a"]


async def test_list_bulk_operations(client: HazelcastClient) -> None:
    items = await client.get_list(unique("list-bulk"))
    assert await items.add_all([1, 2, 3, 4])
    assert await items.add_all_at(2, [10, 11])
    assert await items.get_all() == [1, 2, 10, 11, 3, 4]
    assert await items.remove_all([10, 11, 99])
    assert not await items.remove_all([99])
    assert await items.retain_all([1, 3, 5])
    assert not await items.retain_all([1, 3])
    assert await items.get_all() == [1, 3]
    await items.add_all([2.5, b"bytes", ["nested", 1], None is None])
    assert await items.get_all() == [1, 3, 2.5, b"bytes", ["nested", 1], True]
    await items.clear()
    assert await items.size() == 0


async def test_list_errors(client: HazelcastClient) -> None:
    items = await client.get_list(unique("list-errors"))
    await items.add("only")
    with pytest.raises(IndexOutOfBoundsError):
        await items.get(5)
    with pytest.raises(IndexOutOfBoundsError):
        await items.get(-1)  # not from the end
    with pytest.raises(IndexOutOfBoundsError):
        await items.set_at(3, "x")
    with pytest.raises(IndexOutOfBoundsError):
        await items.remove_at(1)
    with pytest.raises(IndexOutOfBoundsError):
        await items.add_at(7, "x")
    with pytest.raises(IndexOutOfBoundsError):
        await items.sub_list(0, 5)
    for call in (
        lambda: items.add(None),
        lambda: items.add_at(0, None),
        lambda: items.set_at(0, None),
        lambda: items.contains(None),
        lambda: items.index_of(None),
        lambda: items.add_all([None]),
        lambda: items.add_all(None),  # type: ignore[arg-type]
        lambda: items.add_all_at(0, "abc"),
        lambda: items.get("0"),  # type: ignore[arg-type]
        lambda: items.get(True),
        lambda: items.sub_list(0, 1.0),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError):
            await call()
    assert await items.get_all() == ["only"]


async def test_list_item_listener(client: HazelcastClient) -> None:
    items = await client.get_list(unique("list-events"))
    events = Recorder()
    registration = await items.add_listener(
        include_value=True, item_added_func=events, item_removed_func=events
    )
    await items.add("x")
    await items.add_at(0, "y")
    await items.remove("x")
    await items.remove_at(0)
    await events.wait_for(lambda e: len(e) == 4)
    assert [(e.event_type, e.item) for e in events.items[:3]] == [
        (ItemEventType.ADDED, "x"),
        (ItemEventType.ADDED, "y"),
        (ItemEventType.REMOVED, "x"),
    ]
    # the member's event for a removal by index carries no item, even with include_value
    assert events.items[3].event_type == ItemEventType.REMOVED
    assert all(e.name == items.name and e.member is not None for e in events.items)
    assert await items.remove_listener(registration)
    assert not await items.remove_listener(registration)


async def test_list_item_events_iterator(client: HazelcastClient) -> None:
    items = await client.get_list(unique("list-iterated"))
    async with items.item_events(include_value=True) as events:
        await items.add_all(["p", "q"])
        await items.clear()
        seen = []
        with anyio.fail_after(10):
            async for event in events:
                seen.append((event.event_type, event.item))
                if len(seen) == 4:
                    break
    assert seen[:2] == [(ItemEventType.ADDED, "p"), (ItemEventType.ADDED, "q")]
    assert sorted(str(item) for _, item in seen[2:]) == ["p", "q"]
    assert {kind for kind, _ in seen[2:]} == {ItemEventType.REMOVED}


# -- Set ----------------------------------------------------------------------------------------


async def test_set_reads_and_writes(client: HazelcastClient) -> None:
    s = await client.get_set(unique("set"))
    assert await s.is_empty()
    assert await s.add("a")
    assert not await s.add("a")  # no duplicates
    assert await s.add_all(["b", "c", "a"])
    assert not await s.add_all(["a", "b"])
    assert await s.size() == 3
    assert not await s.is_empty()
    assert sorted(await s.get_all()) == ["a", "b", "c"]
    assert await s.contains("b")
    assert not await s.contains("z")
    assert await s.contains_all(["a", "c"])
    assert not await s.contains_all(["a", "z"])
    assert await s.remove("b")
    assert not await s.remove("b")
    assert await s.remove_all(["c", "z"])
    assert not await s.remove_all(["z"])
    await s.add_all([1, 2, 3])
    assert await s.retain_all([1, 2, "a"])
    assert not await s.retain_all([1, 2, "a"])
    assert sorted(await s.get_all(), key=str) == [1, 2, "a"]
    assert await s.add(1.0)  # a float is not the int 1 (not the same serialized form)
    await s.clear()
    assert await s.size() == 0


async def test_set_errors(client: HazelcastClient) -> None:
    s = await client.get_set(unique("set-errors"))
    calls: tuple[Callable[[], Awaitable[Any]], ...] = (
        lambda: s.add(None),
        lambda: s.remove(None),
        lambda: s.contains(None),
        lambda: s.add_all([1, None]),
        lambda: s.contains_all(None),  # type: ignore[arg-type]
        lambda: s.remove_all([None]),
        lambda: s.retain_all(b"abc"),
    )
    for call in calls:
        with pytest.raises(TypeError):
            await call()
    with pytest.raises(ValueError):
        await s.add_listener()
    assert await s.is_empty()


async def test_set_item_listeners(client: HazelcastClient) -> None:
    s = await client.get_set(unique("set-events"))
    added, removed = Recorder(), Recorder()

    async def on_removed(event: ItemEvent[Any]) -> None:
        await anyio.lowlevel.checkpoint()
        removed(event)

    registration = await s.add_listener(item_added_func=added, item_removed_func=on_removed)
    await s.add("x")
    await s.add("x")  # no change: no event
    await s.add("y")
    await s.remove("x")
    await removed.wait_for(lambda e: len(e) == 1)
    await added.wait_for(lambda e: len(e) == 2)
    assert [e.item for e in added.items] == [None, None]  # no values asked for
    assert removed.items[0].event_type == ItemEventType.REMOVED
    assert await s.remove_listener(registration)
    await s.add("z")

    async with s.item_events(include_value=True, buffer_size=1) as events:
        await s.add_all(range(5))
        with pytest.raises(EventsLostError), anyio.fail_after(10):
            async for event in events:
                assert event.event_type == ItemEventType.ADDED
                await anyio.sleep(0.1)  # a slow consumer
    assert len(added.items) == 2  # removed listeners hear nothing more
