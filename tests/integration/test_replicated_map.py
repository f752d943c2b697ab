"""ReplicatedMap against real members: values, TTL, events (both forms), routing, bad input."""

from __future__ import annotations

from collections.abc import Iterator

import anyio
import pytest

from hztrio import HazelcastClient, HazelcastJsonValue
from hztrio.errors import EventsLostError
from hztrio.predicate import greater, sql
from hztrio.proxy.base import EntryEvent, EntryEventType
from hztrio.testing import Cluster, start_cluster_sync
from tests.conftest import Recorder, client_options, eventually, unique

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]


@pytest.fixture(scope="module")
def two_members() -> Iterator[Cluster]:
    """A two-member cluster for this module (replication between members)."""
    with start_cluster_sync(2, sql=False) as cluster:
        yield cluster


async def test_values(client: HazelcastClient) -> None:
    rm = await client.get_replicated_map(unique("rm"))
    assert await rm.is_empty()
    assert await rm.get("missing") is None
    assert await rm.put("a", 1) is None
    assert await rm.put("a", 2) == 1  # the previous value
    assert await rm.put("b", HazelcastJsonValue({"x": [1, 2]})) is None
    assert await rm.get("a") == 2
    json_value = await rm.get("b")
    assert isinstance(json_value, HazelcastJsonValue)
    assert json_value.loads() == {"x": [1, 2]}
    assert await rm.contains_key("a")
    assert not await rm.contains_key("c")
    assert await rm.contains_value(2)
    assert not await rm.contains_value(1)
    assert await rm.size() == 2
    assert not await rm.is_empty()
    assert sorted(await rm.key_set()) == ["a", "b"]
    assert 2 in await rm.values()
    assert ("a", 2) in await rm.entry_set()
    assert await rm.remove("a") == 2
    assert await rm.remove("a") is None

    await rm.put_all({})  # nothing to do
    await rm.put_all({f"k{i}": i for i in range(100)})
    assert await rm.size() == 101
    assert await rm.get("k42") == 42
    assert sorted(v for k, v in await rm.entry_set() if k != "b") == list(range(100))
    await rm.clear()
    assert await rm.size() == 0
    assert await rm.key_set() == []
    assert await rm.values() == []
    assert await rm.entry_set() == []


async def test_ttl(client: HazelcastClient) -> None:
    rm = await client.get_replicated_map(unique("rm-ttl"))
    evicted = Recorder()
    await rm.add_entry_listener(evicted_func=evicted)
    await rm.put("short", "v", ttl=1)
    await rm.put("tiny", "v", ttl=0.0001)  # a millisecond, not "forever"
    await rm.put("forever", "v", ttl=0)
    await rm.put("default", "v")
    assert await rm.get("short") == "v"
    await evicted.wait_for(lambda e: {x.key for x in e} == {"short", "tiny"}, within=20)
    assert all(x.event_type == EntryEventType.EVICTED for x in evicted.items)
    assert {x.old_value for x in evicted.items} == {"v"}  # the member sends it as old_value
    assert await rm.get("short") is None
    assert sorted(await rm.key_set()) == ["default", "forever"]
    # a put with a TTL on an existing entry: it expires too
    await rm.put("forever", "w", ttl=0.5)

    async def gone() -> bool:
        return not await rm.contains_key("forever")

    await eventually(gone, within=15)


async def test_bad_input(client: HazelcastClient) -> None:
    rm = await client.get_replicated_map(unique("rm-bad"))
    with pytest.raises(TypeError, match="key"):
        await rm.put(None, 1)
    with pytest.raises(TypeError, match="value"):
        await rm.put("k", None)
    with pytest.raises(TypeError, match="key"):
        await rm.get(None)
    with pytest.raises(TypeError, match="key"):
        await rm.remove(None)
    with pytest.raises(TypeError, match="key"):
        await rm.contains_key(None)
    with pytest.raises(TypeError, match="value"):
        await rm.contains_value(None)
    with pytest.raises(ValueError, match="ttl"):
        await rm.put("k", 1, ttl=-1)
    with pytest.raises(ValueError, match="ttl"):
        await rm.put("k", 1, ttl=float("nan"))
    with pytest.raises(ValueError, match="ttl"):
        await rm.put("k", 1, ttl=float("inf"))
    with pytest.raises(TypeError, match="ttl"):
        await rm.put("k", 1, ttl="10")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="ttl"):
        await rm.put("k", 1, ttl=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="mapping"):
        await rm.put_all([("k", 1)])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="key"):
        await rm.put_all({None: 1})
    with pytest.raises(TypeError, match="value"):
        await rm.put_all({"k": None})
    with pytest.raises(ValueError, match="at least one"):
        await rm.add_entry_listener(key="k")
    with pytest.raises(TypeError, match="evicted_func must be callable"):
        await rm.add_entry_listener(evicted_func=42)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="predicate"):
        await rm.add_entry_listener(predicate="this > 5", added_func=print)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="predicate"):
        rm.entry_events(predicate="this > 5")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no events of the kinds"):
        rm.entry_events(event_types=EntryEventType.MERGED)
    with pytest.raises(TypeError, match="event_types"):
        rm.entry_events(event_types="ADDED")  # type: ignore[arg-type]
    assert await rm.size() == 0  # nothing of the above reached the map
    assert not await rm.remove_entry_listener("no-such-registration")


async def test_entry_listener_callbacks(client: HazelcastClient) -> None:
    rm = await client.get_replicated_map(unique("rm-events"))
    every, by_key, by_predicate, both = Recorder(), Recorder(), Recorder(), Recorder()
    kinds = {
        "added_func": every,
        "removed_func": every,
        "updated_func": every,
        "evicted_func": every,
        "clear_all_func": every,
    }
    registration = await rm.add_entry_listener(**kinds)
    await rm.add_entry_listener(key="watched", added_func=by_key, updated_func=by_key)
    await rm.add_entry_listener(predicate=greater("this", 100), added_func=by_predicate)

    async def async_both(event: EntryEvent) -> None:
        await anyio.lowlevel.checkpoint()
        both(event)

    await rm.add_entry_listener(key="watched", predicate=sql("this > 100"), updated_func=async_both)

    await rm.put("watched", 1)
    await rm.put("watched", 500)
    await rm.put("big", 1000)
    await rm.put("small", 1)
    await rm.remove("small")
    await rm.clear()
    await every.wait_for(lambda e: len(e) == 6)

    def seen(key: str) -> list[tuple[EntryEventType, object, object]]:
        return [(e.event_type, e.value, e.old_value) for e in every.items if e.key == key]

    assert seen("watched") == [
        (EntryEventType.ADDED, 1, None),
        (EntryEventType.UPDATED, 500, 1),
    ]
    assert seen("small") == [(EntryEventType.ADDED, 1, None), (EntryEventType.REMOVED, None, 1)]
    # the member orders the events of one key; across keys (and CLEAR_ALL) there is no order
    clear_all = next(e for e in every.items if e.event_type == EntryEventType.CLEAR_ALL)
    assert clear_all.number_of_affected_entries == 2
    assert every.items[0].member is not None and every.items[0].name == rm.name

    await by_key.wait_for(lambda e: len(e) == 2)
    assert [(e.event_type, e.key) for e in by_key.items] == [
        (EntryEventType.ADDED, "watched"),
        (EntryEventType.UPDATED, "watched"),
    ]
    await by_predicate.wait_for(lambda e: len(e) == 1)
    assert (by_predicate.items[0].key, by_predicate.items[0].value) == ("big", 1000)
    await both.wait_for(lambda e: len(e) == 1)
    assert (both.items[0].key, both.items[0].value) == ("watched", 500)

    assert await rm.remove_entry_listener(registration)
    assert not await rm.remove_entry_listener(registration)
    await rm.put("watched", 2)
    await by_key.wait_for(lambda e: len(e) == 3)
    assert len(every.items) == 6  # removed: nothing more


async def test_entry_events_iterator(client: HazelcastClient) -> None:
    rm = await client.get_replicated_map(unique("rm-iter"))
    async with rm.entry_events() as events:
        await rm.put("x", 1)
        await rm.put("x", 2)
        await rm.remove("x")
        seen = []
        with anyio.fail_after(10):
            async for event in events:
                seen.append((event.event_type, event.key, event.value, event.old_value))
                if len(seen) == 3:
                    break
    assert seen == [
        (EntryEventType.ADDED, "x", 1, None),
        (EntryEventType.UPDATED, "x", 2, 1),
        (EntryEventType.REMOVED, "x", None, 2),
    ]

    # narrowed by key, predicate and kind; other kinds never take room in the buffer
    async with rm.entry_events(
        key="k", predicate=greater("this", 10), event_types=EntryEventType.UPDATED, buffer_size=1
    ) as events:
        await rm.put("k", 1)
        await rm.put("other", 50)
        await rm.put("other", 60)
        await rm.put("k", 20)
        with anyio.fail_after(10):
            event = await events.__anext__()
        assert (event.event_type, event.key, event.value) == (EntryEventType.UPDATED, "k", 20)

    async with rm.entry_events(buffer_size=1) as events:
        for i in range(5):
            await rm.put("many", i)
        with pytest.raises(EventsLostError), anyio.fail_after(10):
            async for _event in events:
                await anyio.sleep(0.1)  # a slow consumer


async def test_reads_without_a_key_use_one_partition_per_proxy(client: HazelcastClient) -> None:
    rm = await client.get_replicated_map(unique("rm-route"))
    await rm.size()
    chosen = rm._read_partition_id()
    assert 0 <= chosen < client.partition_service.get_partition_count()
    await rm.values()
    assert rm._read_partition_id() == chosen  # chosen once, kept


async def test_two_members(two_members: Cluster) -> None:
    options = client_options(two_members)
    async with (
        HazelcastClient(**options) as writer,
        HazelcastClient(**options, smart_routing=False) as unisocket,
    ):
        name = unique("rm-two")
        rm = await writer.get_replicated_map(name)
        other = await unisocket.get_replicated_map(name)
        smart_events, unisocket_events = Recorder(), Recorder()
        await rm.add_entry_listener(added_func=smart_events, updated_func=smart_events)
        await other.add_entry_listener(added_func=unisocket_events)
        keys = sorted(f"k{i}" for i in range(20))  # keys owned by both members
        for key in keys:
            await rm.put(key, key.upper())

        async def replicated() -> bool:
            return await other.size() == len(keys)

        await eventually(replicated, within=15)
        assert sorted(await other.key_set()) == keys
        assert await other.get("k7") == "K7"
        # every event arrives once, whichever member owns its key
        await smart_events.wait_for(lambda e: len(e) == len(keys))
        await unisocket_events.wait_for(lambda e: len(e) == len(keys))
        await rm.put("k0", "again")
        await smart_events.wait_for(lambda e: len(e) == len(keys) + 1)
        with anyio.move_on_after(1):
            await smart_events.wait_for(lambda e: len(e) > len(keys) + 1)
        assert sorted(e.key for e in smart_events.items[: len(keys)]) == keys
        assert len(smart_events.items) == len(keys) + 1
        assert len(unisocket_events.items) == len(keys)
