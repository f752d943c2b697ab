"""MultiMap against a real member: values, duplicates, locks per task, events, bad input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest

from hztrio import HazelcastClient, HazelcastJsonValue
from hztrio.errors import EventsLostError, IllegalMonitorStateError
from hztrio.proxy.base import EntryEvent, EntryEventType
from hztrio.testing import Cluster, start_cluster_sync
from tests.conftest import Recorder, client_options, unique

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

LIST_CONFIG = """
<multimap name="list-*">
    <value-collection-type>LIST</value-collection-type>
</multimap>
"""


@pytest.fixture(scope="module")
def two_members() -> Iterator[Cluster]:
    """Two members whose multimaps named ``list-*`` keep their values in a list (the default
    is a set), for this module."""
    with start_cluster_sync(2, extra_config=LIST_CONFIG, sql=False) as cluster:
        yield cluster


async def test_values_of_a_default_multimap(client: HazelcastClient) -> None:
    # a member's default value collection is a SET: a duplicate is not added
    mm = await client.get_multi_map(unique("mm"))
    assert await mm.get("missing") == []
    assert await mm.put("fruit", "apple")
    assert await mm.put("fruit", "pear")
    assert not await mm.put("fruit", "apple")
    assert await mm.put("veg", "leek")
    assert sorted(await mm.get("fruit")) == ["apple", "pear"]
    assert await mm.value_count("fruit") == 2
    assert await mm.value_count("missing") == 0
    assert await mm.size() == 3
    assert sorted(await mm.key_set()) == ["fruit", "veg"]
    assert sorted(await mm.values()) == ["apple", "leek", "pear"]
    assert sorted(await mm.entry_set()) == [("fruit", "apple"), ("fruit", "pear"), ("veg", "leek")]
    assert await mm.contains_key("fruit")
    assert not await mm.contains_key("meat")
    assert await mm.contains_value("leek")
    assert not await mm.contains_value("beef")
    assert await mm.contains_entry("fruit", "pear")
    assert not await mm.contains_entry("veg", "pear")

    assert await mm.remove("fruit", "apple")
    assert await mm.get("fruit") == ["pear"]
    assert not await mm.remove("fruit", "plum")
    assert not await mm.remove("nothing", "plum")
    assert await mm.remove_all("fruit") == ["pear"]
    assert await mm.remove_all("fruit") == []
    assert not await mm.contains_key("fruit")  # a key without values is gone
    assert await mm.remove("veg", "leek")
    assert await mm.size() == 0
    assert await mm.key_set() == []


async def test_put_all_and_clear(client: HazelcastClient) -> None:
    mm = await client.get_multi_map(unique("mm-all"))
    await mm.put_all({})  # nothing to do
    await mm.put("a", 0)
    # many keys over many partitions; lists, tuples and generators of values
    source: dict[str, Any] = {f"k{i}": [i, i + 1, i] for i in range(50)}
    source["tuple"] = (7, 8)
    source["empty"] = []
    await mm.put_all(source)
    assert sorted(await mm.get("k3")) == [3, 4]  # a set: the duplicate is not added
    assert sorted(await mm.get("tuple")) == [7, 8]
    assert not await mm.contains_key("empty")
    await mm.put_all({"a": (x for x in (1, 2))})
    assert sorted(await mm.get("a")) == [0, 1, 2]
    assert await mm.size() == 50 * 2 + 2 + 3
    await mm.clear()
    assert await mm.size() == 0
    assert await mm.get("k3") == []


async def test_list_multimap_keeps_duplicates_in_order(two_members: Cluster) -> None:
    async with HazelcastClient(**client_options(two_members)) as client:
        mm = await client.get_multi_map(unique("list"))
        assert await mm.put("fruit", "apple")
        assert await mm.put("fruit", "pear")
        assert await mm.put("fruit", "apple")  # a list keeps duplicates
        assert await mm.get("fruit") == ["apple", "pear", "apple"]  # in insertion order
        assert await mm.value_count("fruit") == 3
        assert await mm.size() == 3
        assert sorted(await mm.values()) == ["apple", "apple", "pear"]
        # the member answers entry_set with a set of pairs: a duplicate pair comes once
        assert sorted(await mm.entry_set()) == [("fruit", "apple"), ("fruit", "pear")]
        assert await mm.key_set() == ["fruit"]
        assert await mm.remove("fruit", "apple")  # one copy
        assert await mm.get("fruit") == ["pear", "apple"]
        await mm.put_all({"fruit": ["fig", "fig"], "veg": ("leek",)})
        assert await mm.get("fruit") == ["pear", "apple", "fig", "fig"]
        assert await mm.remove_all("fruit") == ["pear", "apple", "fig", "fig"]
        assert await mm.size() == 1


async def test_complex_keys_and_values(client: HazelcastClient) -> None:
    mm = await client.get_multi_map(unique("mm-types"))
    key = [1, "two", 3.0]
    await mm.put(key, HazelcastJsonValue({"nested": [1, 2]}))
    await mm.put(key, b"\x00\x01")
    values = await mm.get(key)
    assert len(values) == 2
    assert b"\x00\x01" in values
    assert HazelcastJsonValue({"nested": [1, 2]}).to_string() in [
        v.to_string() for v in values if isinstance(v, HazelcastJsonValue)
    ]
    assert await mm.contains_entry(key, b"\x00\x01")


async def test_bad_input(client: HazelcastClient) -> None:
    mm = await client.get_multi_map(unique("mm-bad"))
    with pytest.raises(TypeError, match="key"):
        await mm.put(None, 1)
    with pytest.raises(TypeError, match="value"):
        await mm.put(1, None)
    with pytest.raises(TypeError, match="key"):
        await mm.get(None)
    with pytest.raises(TypeError, match="value"):
        await mm.contains_value(None)
    with pytest.raises(TypeError, match="value"):
        await mm.contains_entry("k", None)
    with pytest.raises(TypeError, match="key"):
        await mm.lock(None)
    with pytest.raises(TypeError, match="mapping"):
        await mm.put_all([("k", [1])])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="collection"):
        await mm.put_all({"k": "abc"})
    with pytest.raises(TypeError, match="collection"):
        await mm.put_all({"k": 5})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="values can't be None"):
        await mm.put_all({"k": None})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="value can't be None"):
        await mm.put_all({"k": [1, None]})
    with pytest.raises(TypeError, match="key"):
        await mm.put_all({None: [1]})
    with pytest.raises(ValueError, match="lease_time"):
        await mm.lock("k", lease_time=0)
    with pytest.raises(ValueError, match="lease_time"):
        await mm.try_lock("k", lease_time=-1)
    with pytest.raises(ValueError, match="at least one"):
        await mm.add_entry_listener(include_value=True)
    with pytest.raises(TypeError, match="added_func must be callable"):
        await mm.add_entry_listener(added_func="not a function")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no events of the kinds"):
        mm.entry_events(event_types=EntryEventType.UPDATED)
    with pytest.raises(IllegalMonitorStateError):
        await mm.unlock("never-locked")
    assert await mm.size() == 0  # nothing of the above reached the map
    assert not await mm.remove_entry_listener("no-such-registration")


# -- locks --------------------------------------------------------------------------------------


async def test_locks_belong_to_the_task(client: HazelcastClient) -> None:
    mm = await client.get_multi_map(unique("mm-locks"))
    await mm.lock("k")  # a key with no values can be locked
    assert await mm.is_locked("k")
    await mm.put("k", "owner")  # the owner writes freely
    order: list[str] = []

    async def contender() -> None:
        assert not await mm.try_lock("k")
        assert not await mm.try_lock("k", timeout=0.2)
        with pytest.raises(IllegalMonitorStateError):
            await mm.unlock("k")
        await mm.put("k", "other")  # waits on the member for the owner's unlock
        order.append("contender wrote")
        await mm.lock("k")
        order.append("contender locked")
        await mm.unlock("k")

    async with anyio.create_task_group() as tg:
        tg.start_soon(contender)
        await anyio.sleep(0.6)
        assert await mm.get("k") == ["owner"]
        order.append("owner unlocks")
        await mm.unlock("k")
    assert order == ["owner unlocks", "contender wrote", "contender locked"]
    assert sorted(await mm.get("k")) == ["other", "owner"]
    assert not await mm.is_locked("k")

    # reentrant for its task
    await mm.lock("k")
    assert await mm.try_lock("k")
    await mm.unlock("k")
    assert await mm.is_locked("k")
    await mm.unlock("k")
    assert not await mm.is_locked("k")


async def test_lease_try_lock_and_force_unlock(client: HazelcastClient) -> None:
    mm = await client.get_multi_map(unique("mm-lease"))
    await mm.lock("leased", lease_time=1)
    start = anyio.current_time()

    async def other() -> None:
        assert await mm.try_lock("leased", timeout=10)  # the lease releases it
        await mm.unlock("leased")

    async with anyio.create_task_group() as tg:
        tg.start_soon(other)
    assert 0.7 <= anyio.current_time() - start <= 6

    await mm.lock("forced")
    await mm.lock("forced")

    async def breaker() -> None:
        await mm.force_unlock("forced")  # whoever holds it, however often

    async with anyio.create_task_group() as tg:
        tg.start_soon(breaker)
    assert not await mm.is_locked("forced")
    assert await mm.try_lock("free", lease_time=30, timeout=0)
    assert await mm.is_locked("free")
    await mm.unlock("free")


async def test_lock_granted_after_the_caller_gave_up_is_released(client: HazelcastClient) -> None:
    mm = await client.get_multi_map(unique("mm-abandoned"))
    await mm.lock("k")

    async def impatient() -> None:
        with anyio.move_on_after(0.3) as scope:
            await mm.lock("k")  # gives up while it waits on the member
        assert scope.cancelled_caught

    async def impatient_try() -> None:
        with anyio.move_on_after(0.3) as scope:
            await mm.try_lock("k", timeout=30)
        assert scope.cancelled_caught

    async with anyio.create_task_group() as tg:
        tg.start_soon(impatient)
        tg.start_soon(impatient_try)
    await mm.unlock("k")
    # the member now grants both abandoned requests in turn; the client releases each at once
    assert await mm.try_lock("k", timeout=10)
    await mm.unlock("k")
    assert not await mm.is_locked("k")


# -- events -------------------------------------------------------------------------------------


async def test_entry_listener_callbacks(client: HazelcastClient) -> None:
    mm = await client.get_multi_map(unique("mm-events"))
    every, by_key, no_values = Recorder(), Recorder(), Recorder()
    added_only = Recorder()
    registration = await mm.add_entry_listener(
        include_value=True, added_func=every, removed_func=every, clear_all_func=every
    )
    await mm.add_entry_listener(
        include_value=True, key="watched", added_func=by_key, removed_func=by_key
    )
    await mm.add_entry_listener(added_func=no_values, removed_func=no_values)

    async def async_added(event: EntryEvent) -> None:
        await anyio.lowlevel.checkpoint()
        added_only(event)

    await mm.add_entry_listener(added_func=async_added)

    await mm.put("watched", 1)
    assert not await mm.put("watched", 1)  # not added (a set): no event
    await mm.put("other", 2)
    await mm.remove("watched", 1)
    await mm.put("other", 3)
    await mm.clear()
    await every.wait_for(lambda e: len(e) == 5)
    # the member reports a removed value as old_value
    watched = [
        (e.event_type, e.key, e.value, e.old_value) for e in every.items if e.key == "watched"
    ]
    assert watched == [
        (EntryEventType.ADDED, "watched", 1, None),
        (EntryEventType.REMOVED, "watched", None, 1),
    ]
    assert [(e.event_type, e.value) for e in every.items if e.key == "other"] == [
        (EntryEventType.ADDED, 2),
        (EntryEventType.ADDED, 3),
    ]
    # the member orders the events of one key; across keys (and CLEAR_ALL) there is no order
    clear_all = next(e for e in every.items if e.event_type == EntryEventType.CLEAR_ALL)
    assert clear_all.number_of_affected_entries == 1  # the keys cleared
    assert clear_all.key is None
    assert every.items[0].member is not None and every.items[0].name == mm.name

    await by_key.wait_for(lambda e: len(e) == 2)
    assert {e.key for e in by_key.items} == {"watched"}
    await no_values.wait_for(lambda e: len(e) == 4)
    assert all(e.value is None and e.old_value is None for e in no_values.items)
    assert {e.event_type for e in no_values.items} == {
        EntryEventType.ADDED,
        EntryEventType.REMOVED,
    }
    await added_only.wait_for(lambda e: len(e) == 3)

    assert await mm.remove_entry_listener(registration)
    assert not await mm.remove_entry_listener(registration)
    await mm.put("after", 1)
    await added_only.wait_for(lambda e: len(e) == 4)
    assert len(every.items) == 5  # removed: nothing more


async def test_entry_events_iterator(client: HazelcastClient) -> None:
    mm = await client.get_multi_map(unique("mm-iter"))
    async with mm.entry_events(include_value=True) as events:
        await mm.put("x", 1)
        await mm.remove_all("x")
        await mm.put("y", 2)
        await mm.clear()
        seen = []
        with anyio.fail_after(10):
            async for event in events:
                seen.append((event.event_type, event.key, event.value or event.old_value))
                if len(seen) == 4:
                    break
    # the member orders the events of one key; across keys (and CLEAR_ALL) there is no order
    assert [e for e in seen if e[1] == "x"] == [
        (EntryEventType.ADDED, "x", 1),
        (EntryEventType.REMOVED, "x", 1),
    ]
    assert (EntryEventType.ADDED, "y", 2) in seen
    assert (EntryEventType.CLEAR_ALL, None, None) in seen

    # narrowed by key and kind; events of other kinds never take room in the buffer
    async with mm.entry_events(key="k", event_types=EntryEventType.REMOVED) as events:
        await mm.put("k", 1)
        await mm.put("other", 1)
        await mm.remove("other", 1)
        await mm.remove("k", 1)
        with anyio.fail_after(10):
            event = await events.__anext__()
        assert (event.event_type, event.key) == (EntryEventType.REMOVED, "k")
        assert event.old_value is None  # no values asked for

    async with mm.entry_events(buffer_size=1) as events:
        for i in range(5):
            await mm.put("many", i)
        with pytest.raises(EventsLostError), anyio.fail_after(10):
            async for _event in events:
                await anyio.sleep(0.1)  # a slow consumer


async def test_two_members_events_once_and_locks_per_client(two_members: Cluster) -> None:
    options = client_options(two_members)
    async with (
        HazelcastClient(**options) as smart,
        HazelcastClient(**options, smart_routing=False) as unisocket,
    ):
        name = unique("two")
        mm = await smart.get_multi_map(name)
        other = await unisocket.get_multi_map(name)
        smart_events, unisocket_events = Recorder(), Recorder()
        await mm.add_entry_listener(include_value=True, added_func=smart_events)
        await other.add_entry_listener(added_func=unisocket_events)
        keys = sorted(f"k{i}" for i in range(20))  # keys owned by both members
        for key in keys:
            await mm.put(key, 1)
        assert await other.size() == len(keys)
        # every event arrives once, whichever member owns its key
        await smart_events.wait_for(lambda e: len(e) == len(keys))
        await unisocket_events.wait_for(lambda e: len(e) == len(keys))
        await mm.put("last", 1)
        await smart_events.wait_for(lambda e: len(e) == len(keys) + 1)
        with anyio.move_on_after(1):
            await smart_events.wait_for(lambda e: len(e) > len(keys) + 1)
        assert len(smart_events.items) == len(keys) + 1
        assert sorted(e.key for e in smart_events.items) == sorted([*keys, "last"])

        # a lock of one client's task is not the other client's, whatever its thread ids
        await mm.lock("k0")
        assert not await other.try_lock("k0")
        with pytest.raises(IllegalMonitorStateError):
            await other.unlock("k0")
        await mm.unlock("k0")
        assert await other.try_lock("k0")
        await other.unlock("k0")
