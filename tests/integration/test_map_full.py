"""The whole Map API against a real member with the test classes of tests/java on its classpath."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from hztrio import HazelcastClient, HazelcastJsonValue
from hztrio import aggregator as agg
from hztrio import projection as proj
from hztrio.errors import HazelcastSerializationError, IllegalMonitorStateError
from hztrio.predicate import (
    and_,
    between,
    equal,
    false,
    greater,
    greater_or_equal,
    ilike,
    in_,
    instance_of,
    is_greater_than_or_equal_to,
    is_less_than,
    less,
    less_or_equal,
    like,
    not_,
    not_equal,
    or_,
    paging,
    regex,
    sql,
    true,
)
from hztrio.proxy.base import EntryEvent, EntryEventType
from hztrio.serialization.api import (
    CompactReader,
    CompactSerializer,
    CompactWriter,
    IdentifiedDataSerializable,
    ObjectDataInput,
    ObjectDataOutput,
)
from hztrio.testing import Cluster, compile_java, start_cluster_sync
from tests.conftest import Recorder, client_options, eventually, unique

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

JAVA = sorted((Path(__file__).parent.parent / "java").glob("*.java"))
FACTORY_CONFIG = """
<map name="loaded-*">
    <map-store enabled="true" initial-mode="LAZY">
        <class-name>hztrio.test.NumberLoader</class-name>
    </map-store>
</map>
<serialization>
    <data-serializable-factories>
        <data-serializable-factory factory-id="5">
            hztrio.test.IdentifiedFactory
        </data-serializable-factory>
    </data-serializable-factories>
</serialization>
"""


@pytest.fixture(scope="module")
def member_with_classes() -> Iterator[Cluster]:
    classes = compile_java(JAVA)
    with start_cluster_sync(1, classpath=[classes], extra_config=FACTORY_CONFIG) as cluster:
        yield cluster


@pytest.fixture
async def client(member_with_classes: Cluster) -> Any:
    async with HazelcastClient(**client_options(member_with_classes)) as c:
        yield c


class IdentifiedEntryProcessor(IdentifiedDataSerializable):
    """The seed's entry processor (§7.6.1); its Java twin is in tests/java."""

    def __init__(self, value: str | None = None) -> None:
        self.value = value

    def read_data(self, object_data_input: ObjectDataInput) -> None:
        self.value = object_data_input.read_string()

    def write_data(self, object_data_output: ObjectDataOutput) -> None:
        object_data_output.write_string(self.value)

    def get_factory_id(self) -> int:
        return 5

    def get_class_id(self) -> int:
        return 1


class MergedEventPublisher(IdentifiedDataSerializable):
    """Has the member publish a MERGED event for an entry (tests/java/MergedEventPublisher)."""

    def __init__(self, map_name: str = "", value: str = "") -> None:
        self.map_name = map_name
        self.value = value

    def read_data(self, object_data_input: ObjectDataInput) -> None:
        self.map_name = object_data_input.read_string()
        self.value = object_data_input.read_string()

    def write_data(self, object_data_output: ObjectDataOutput) -> None:
        object_data_output.write_string(self.map_name)
        object_data_output.write_string(self.value)

    def get_factory_id(self) -> int:
        return 5

    def get_class_id(self) -> int:
        return 4


class _Marker(IdentifiedDataSerializable):
    CLASS_ID = 0

    def read_data(self, object_data_input: ObjectDataInput) -> None:
        pass

    def write_data(self, object_data_output: ObjectDataOutput) -> None:
        pass

    def get_factory_id(self) -> int:
        return 5

    def get_class_id(self) -> int:
        return self.CLASS_ID


class ReverseValueComparator(_Marker):
    CLASS_ID = 2


class UpperCaseInterceptor(_Marker):
    CLASS_ID = 3


# -- queries ------------------------------------------------------------------------------------


async def test_seed_query_examples(client: HazelcastClient) -> None:
    persons = await client.get_map(unique("persons"))
    await persons.put("John", 28)
    await persons.put("Mary", 23)
    await persons.put("Judy", 30)
    assert await persons.values(sql("__key like M%")) == [23]
    assert sorted(await persons.values(is_greater_than_or_equal_to("this", 27))) == [28, 30]

    people = await client.get_map(unique("json-values"))
    await people.put(1, HazelcastJsonValue('{ "name": "John", "age": 35 }'))
    await people.put(2, HazelcastJsonValue('{ "name": "Jane", "age": 24 }'))
    await people.put(3, HazelcastJsonValue({"name": "Trey", "age": 17}))
    under_21 = await people.values(is_less_than("age", 21))
    assert [v.loads()["name"] for v in under_21] == ["Trey"]

    departments = await client.get_map(unique("departments"))
    await departments.put(
        1,
        HazelcastJsonValue(
            {
                "departmentId": 1,
                "room": "alpha",
                "people": [
                    {"name": "Peter", "age": 26, "salary": 50000},
                    {"name": "Jonah", "age": 50, "salary": 140000},
                ],
            }
        ),
    )
    await departments.put(
        2,
        HazelcastJsonValue(
            {"departmentId": 2, "room": "beta", "people": [{"name": "Anna", "age": 33}]}
        ),
    )
    with_peter = await departments.values(equal("people[any].name", "Peter"))
    assert [d.loads()["room"] for d in with_peter] == ["alpha"]


async def test_every_predicate(client: HazelcastClient) -> None:
    numbers = await client.get_map(unique("numbers"))
    await numbers.put_all({f"key-{i:02d}": i for i in range(50)})

    async def keys(predicate: Any) -> list[str]:
        return sorted(await numbers.key_set(predicate))

    def names(*values: int) -> list[str]:
        return [f"key-{i:02d}" for i in sorted(values)]

    assert await keys(equal("this", 7)) == names(7)
    assert len(await keys(not_equal("this", 7))) == 49
    assert await keys(greater("this", 47)) == names(48, 49)
    assert await keys(greater_or_equal("this", 48)) == names(48, 49)
    assert await keys(less("this", 2)) == names(0, 1)
    assert await keys(less_or_equal("this", 1)) == names(0, 1)
    assert await keys(between("this", 10, 12)) == names(10, 11, 12)
    assert await keys(in_("this", 3, 5, 99)) == names(3, 5)
    assert await keys(and_(greater("this", 10), less("this", 13))) == names(11, 12)
    assert await keys(or_(equal("this", 1), equal("this", 2))) == names(1, 2)
    assert len(await keys(not_(less("this", 10)))) == 40
    assert len(await keys(true())) == 50
    assert await keys(false()) == []
    assert await keys(like("__key", "key-1_")) == names(*range(10, 20))
    assert await keys(ilike("__key", "KEY-2%")) == names(*range(20, 30))
    assert await keys(regex("__key", "key-4[0-2]")) == names(40, 41, 42)
    assert len(await keys(instance_of("java.lang.Integer"))) == 50
    assert sorted(await numbers.values(sql("this >= 45"))) == [45, 46, 47, 48, 49]
    entries = await numbers.entry_set(between("this", 0, 1))
    assert sorted(entries) == [("key-00", 0), ("key-01", 1)]

    await numbers.remove_all(greater_or_equal("this", 25))
    assert await numbers.size() == 25


async def test_paging_predicate_walks_forwards_and_backwards(client: HazelcastClient) -> None:
    m = await client.get_map(unique("paging"))
    await m.put_all({i: i for i in range(1000)})
    predicate = paging(greater_or_equal("this", 0), 100)
    pages = []
    for _ in range(10):
        pages.append(await m.key_set(predicate))
        predicate.next_page()
    assert await m.key_set(predicate) == []  # past the end
    assert sorted(k for page in pages for k in page) == list(range(1000))
    assert all(len(page) == 100 for page in pages)
    assert pages[0] == list(range(100))  # without a comparator: by key
    for number in range(9, -1, -1):
        predicate.page = number
        assert await m.key_set(predicate) == pages[number]
    assert predicate.previous_page() == 0

    by_value_desc = paging(None, 100, comparator=ReverseValueComparator())
    values = await m.values(by_value_desc)
    assert values == list(range(999, 899, -1))
    by_value_desc.next_page()
    entries = await m.entry_set(by_value_desc)
    assert entries == [(i, i) for i in range(899, 799, -1)]
    by_value_desc.reset()
    assert await m.values(by_value_desc) == values


async def test_aggregations_and_projections(client: HazelcastClient) -> None:
    people = await client.get_map(unique("aggregate"))
    await people.put_all(
        {
            i: HazelcastJsonValue({"name": f"p{i}", "age": 20 + i % 10, "city": f"c{i % 3}"})
            for i in range(30)
        }
    )
    assert await people.aggregate(agg.count()) == 30
    assert await people.aggregate(agg.count("age"), less("age", 22)) == 6
    assert await people.aggregate(agg.long_sum("age")) == sum(20 + i % 10 for i in range(30))
    assert await people.aggregate(agg.long_avg("age")) == pytest.approx(24.5)
    assert await people.aggregate(agg.number_avg("age")) == pytest.approx(24.5)
    assert await people.aggregate(agg.max_("age")) == 29
    assert await people.aggregate(agg.min_("age")) == 20
    assert await people.aggregate(agg.fixed_point_sum("age")) == 735
    assert await people.aggregate(agg.floating_point_sum("age")) == pytest.approx(735.0)
    assert await people.aggregate(agg.distinct("city")) == {"c0", "c1", "c2"}
    oldest = await people.aggregate(agg.max_by("age"))
    assert oldest[1].loads()["age"] == 29

    names = await people.project(proj.single_attribute("name"), less("age", 21))
    assert sorted(names) == ["p0", "p10", "p20"]
    rows = await people.project(proj.multi_attribute("name", "age"), equal("name", "p3"))
    assert rows == [["p3", 23]]
    both = await people.project(proj.identity(), equal("name", "p4"))
    assert [(k, v.loads()["name"]) for k, v in both] == [(4, "p4")]


async def test_indexes(client: HazelcastClient) -> None:
    from hztrio.config import IndexType

    people = await client.get_map(unique("indexed"))
    await people.add_index(["age"])
    await people.add_index(["name"], IndexType.HASH, name="by-name")
    await people.add_index(["city"], "BITMAP", bitmap_index_options={"unique_key": "__key"})
    await people.put_all(
        {i: HazelcastJsonValue({"name": f"n{i}", "age": i, "city": "x"}) for i in range(20)}
    )
    assert len(await people.key_set(less("age", 5))) == 5
    with pytest.raises(ValueError, match="attributes"):
        await people.add_index([])


async def test_index_attributes_are_normalized(client: HazelcastClient) -> None:
    # as in the official clients: " this.age " is "age", so both name the same attribute
    from hztrio.config import IndexType, QueryConstants

    people = await client.get_map(unique("normalized"))
    with pytest.raises(ValueError, match="duplicate"):
        await people.add_index(["age", " this.age "])
    with pytest.raises(ValueError, match="dot"):
        await people.add_index(["address."])
    with pytest.raises(ValueError, match="at most 255"):
        await people.add_index([f"a{i}" for i in range(256)])
    with pytest.raises(ValueError, match="exactly one"):
        await people.add_index(["a", "b"], IndexType.BITMAP)
    await people.add_index(["this.age"], IndexType.SORTED)
    await people.add_index(
        ["city"], "BITMAP", bitmap_index_options={"unique_key": QueryConstants.KEY_ATTRIBUTE_NAME}
    )
    await people.put_all({i: HazelcastJsonValue({"age": i, "city": "c"}) for i in range(10)})
    assert sorted(await people.key_set(less("age", 3))) == [0, 1, 2]


# -- entry processors ---------------------------------------------------------------------------


async def test_entry_processor_seed_example(client: HazelcastClient) -> None:
    m = await client.get_map(unique("processing"))
    await m.put("key", "not-processed")
    assert await m.execute_on_key("key", IdentifiedEntryProcessor("processed")) == "processed"
    assert await m.get("key") == "processed"

    await m.put_all({f"k{i}": "raw" for i in range(10)})
    results = await m.execute_on_keys(["k1", "k2"], IdentifiedEntryProcessor("two"))
    assert sorted(results) == [("k1", "two"), ("k2", "two")]
    results = await m.execute_on_entries(IdentifiedEntryProcessor("all"))
    assert len(results) == 11
    results = await m.execute_on_entries(IdentifiedEntryProcessor("some"), like("__key", "k_"))
    assert len(results) == 10
    assert await m.get("key") == "all"
    assert await m.get("k5") == "some"


# -- listeners ----------------------------------------------------------------------------------


async def test_entry_listener_event_types(client: HazelcastClient) -> None:
    m = await client.get_map(unique("events"))
    events = Recorder()
    registration = await m.add_entry_listener(
        include_value=True,
        added_func=events,
        removed_func=events,
        updated_func=events,
        evicted_func=events,
        evict_all_func=events,
        clear_all_func=events,
        expired_func=events,
    )
    await m.put("a", 1)
    await m.put("a", 2)
    await m.remove("a")
    await m.put("b", 3)
    assert await m.evict("b")
    await m.put("c", 4, ttl=1)
    await events.wait_for(
        lambda e: any(x.event_type == EntryEventType.EXPIRED for x in e), within=30
    )
    await m.put("d", 5)
    await m.evict_all()
    await m.put("e", 6)
    await m.clear()
    await events.wait_for(lambda e: e[-1].event_type == EntryEventType.CLEAR_ALL)

    def kinds(key: str) -> list[EntryEventType]:
        return [x.event_type for x in events.items if x.key == key]

    # the member orders the events of one key; across keys there is no order
    assert kinds("a") == [EntryEventType.ADDED, EntryEventType.UPDATED, EntryEventType.REMOVED]
    assert kinds("b") == [EntryEventType.ADDED, EntryEventType.EVICTED]
    assert kinds("c") == [EntryEventType.ADDED, EntryEventType.EXPIRED]
    updated = next(x for x in events.items if x.event_type == EntryEventType.UPDATED)
    assert (updated.key, updated.value, updated.old_value) == ("a", 2, 1)
    assert updated.member is not None
    evict_all = next(x for x in events.items if x.event_type == EntryEventType.EVICT_ALL)
    assert evict_all.number_of_affected_entries == 1
    clear_all = events.items[-1]
    assert clear_all.number_of_affected_entries == 1
    assert await m.remove_entry_listener(registration)
    assert not await m.remove_entry_listener(registration)


async def test_entry_listener_filters_and_values(client: HazelcastClient) -> None:
    m = await client.get_map(unique("filtered"))
    by_key, by_predicate, no_values, both = Recorder(), Recorder(), Recorder(), Recorder()
    await m.add_entry_listener(key="watched", added_func=by_key, include_value=True)
    await m.add_entry_listener(predicate=greater("this", 100), added_func=by_predicate)
    await m.add_entry_listener(include_value=False, added_func=no_values)
    await m.add_entry_listener(
        include_value=True, key="watched", predicate=greater("this", 100), added_func=both
    )
    await m.put("other", 5)
    await m.put("watched", 7)
    await m.put("big", 500)
    await m.put("watched", 600)  # an update: no added event
    await m.put("watched-too", 1)
    await no_values.wait_for(lambda e: len(e) == 4)
    await by_key.wait_for(lambda e: len(e) == 1)
    await by_predicate.wait_for(lambda e: len(e) == 1)
    assert (by_key.items[0].key, by_key.items[0].value) == ("watched", 7)
    assert by_predicate.items[0].key == "big"
    assert all(e.value is None for e in no_values.items)
    await m.delete("watched")
    await m.put("watched", 1000)
    await both.wait_for(lambda e: len(e) == 1)
    assert both.items[0].value == 1000


async def test_slow_async_callback_does_not_block_others(client: HazelcastClient) -> None:
    m = await client.get_map(unique("slow"))
    release = anyio.Event()
    slow_seen, fast = Recorder(), Recorder()

    async def slow(event: EntryEvent) -> None:
        slow_seen(event)
        await release.wait()

    await m.add_entry_listener(added_func=slow)
    await m.add_entry_listener(added_func=fast)
    for i in range(20):
        await m.put(i, i)
    await fast.wait_for(lambda e: len(e) == 20)
    assert len(slow_seen.items) == 1  # still inside its first callback
    release.set()
    await slow_seen.wait_for(lambda e: len(e) == 20)
    # every event came (the member orders events per key, not across keys)
    assert sorted(e.key for e in slow_seen.items) == list(range(20))


async def test_entry_events_iterator(client: HazelcastClient) -> None:
    m = await client.get_map(unique("iterated"))
    async with m.entry_events(include_value=True) as events:
        await m.put("x", 1)
        await m.put("x", 2)
        seen = []
        with anyio.fail_after(10):
            async for event in events:
                seen.append((event.event_type, event.key, event.value))
                if len(seen) == 2:
                    break
    assert seen == [(EntryEventType.ADDED, "x", 1), (EntryEventType.UPDATED, "x", 2)]

    async with m.entry_events(event_types=EntryEventType.REMOVED, buffer_size=1) as events:
        for i in range(5):
            await m.put(i, i)
            await m.remove(i)
        from hztrio.errors import EventsLostError

        with pytest.raises(EventsLostError), anyio.fail_after(10):
            async for event in events:
                assert event.event_type == EntryEventType.REMOVED
                await anyio.sleep(0.1)  # a slow consumer


# -- locks --------------------------------------------------------------------------------------


async def test_lock_contention_and_ownership(client: HazelcastClient) -> None:
    m = await client.get_map(unique("locks"))
    await m.lock("k")
    assert await m.is_locked("k")
    order: list[str] = []

    async def contender() -> None:
        assert not await m.try_lock("k")  # held by the test task
        assert not await m.try_put("k", "x", timeout=0.2)
        with pytest.raises(IllegalMonitorStateError):
            await m.unlock("k")
        await m.lock("k")  # waits for the test task
        order.append("contender locked")
        await m.unlock("k")

    async with anyio.create_task_group() as tg:
        tg.start_soon(contender)
        await anyio.sleep(0.5)
        order.append("owner unlocks")
        await m.unlock("k")
    assert order == ["owner unlocks", "contender locked"]
    assert not await m.is_locked("k")

    # reentrant for its task
    await m.lock("k")
    await m.lock("k")
    await m.unlock("k")
    assert await m.is_locked("k")
    await m.unlock("k")
    assert not await m.is_locked("k")


async def test_lease_force_unlock_and_try_lock(client: HazelcastClient) -> None:
    m = await client.get_map(unique("leases"))
    await m.lock("leased", lease_time=1)
    start = anyio.current_time()

    async def other() -> None:
        assert await m.try_lock("leased", timeout=10)  # released by the lease
        await m.unlock("leased")

    async with anyio.create_task_group() as tg:
        tg.start_soon(other)
    assert 0.8 <= anyio.current_time() - start <= 5

    await m.lock("forced")

    async def breaker() -> None:
        await m.force_unlock("forced")

    async with anyio.create_task_group() as tg:
        tg.start_soon(breaker)
    assert not await m.is_locked("forced")
    assert await m.try_lock("free", lease_time=30, timeout=0)
    assert await m.is_locked("free")
    await m.unlock("free")


async def test_lock_granted_after_the_caller_gave_up_is_released(client: HazelcastClient) -> None:
    m = await client.get_map(unique("abandoned"))
    await m.lock("k")

    async def impatient() -> None:
        with anyio.move_on_after(0.3):
            await m.lock("k")  # gives up while waiting on the member

    async with anyio.create_task_group() as tg:
        tg.start_soon(impatient)
    await m.unlock("k")
    # the member now grants the abandoned request; the client releases it at once

    async def check() -> bool:
        return await m.try_lock("k", timeout=5)

    assert await check()
    await m.unlock("k")


# -- the rest of the API ------------------------------------------------------------------------


async def test_remaining_operations(client: HazelcastClient) -> None:
    m = await client.get_map(unique("rest"))
    await m.put_transient("t", "v", ttl=100)
    assert await m.get("t") == "v"
    await m.put("r", 1)
    assert not await m.remove_if_same("r", 2)
    assert await m.remove_if_same("r", 1)
    assert await m.try_put("p", 1, timeout=1)
    assert await m.try_remove("p", timeout=1)
    assert not await m.try_remove("p", timeout=0)
    await m.put("ttl", 1)
    await m.set_ttl("ttl", 1)
    view = await m.get_entry_view("t")
    assert view is not None
    assert view.key == "t" and view.value == "v"
    assert view.ttl == 100_000
    assert await m.get_entry_view("missing") is None
    from hztrio.errors import IllegalArgumentError

    with pytest.raises(IllegalArgumentError, match="map store"):
        await m.load_all()  # the member refuses: this map has no MapStore
    interceptor = await m.add_interceptor(UpperCaseInterceptor())
    assert await m.get("t") == "V"
    assert await m.remove_interceptor(interceptor)
    assert await m.get("t") == "v"
    await eventually(lambda: _absent(m, "ttl"), within=15)


async def _absent(m: Any, key: str) -> bool:
    return not await m.contains_key(key)


async def test_merged_events(client: HazelcastClient) -> None:
    """A MERGED event (what a split-brain merge publishes) reaches merged_func with the
    merging value, and only the listeners that asked for MERGED events."""
    name = unique("merged")
    m = await client.get_map(name)
    merged = Recorder()
    others = Recorder()
    await m.add_entry_listener(include_value=True, merged_func=merged)
    await m.add_entry_listener(include_value=True, added_func=others, updated_func=others)
    await m.put("k", "mine")
    await others.wait_for(lambda e: len(e) == 1)
    await m.execute_on_key("k", MergedEventPublisher(name, "theirs"))
    await merged.wait_for(lambda e: len(e) == 1)
    event = merged.items[0]
    assert event.event_type == EntryEventType.MERGED
    assert (event.key, event.old_value, event.value, event.merging_value) == (
        "k",
        "mine",
        "theirs",
        "theirs",
    )
    assert [e.event_type for e in others.items] == [EntryEventType.ADDED]
    async with m.entry_events(include_value=True, event_types=EntryEventType.MERGED) as events:
        await m.execute_on_key("k", MergedEventPublisher(name, "again"))
        with anyio.fail_after(15):
            again = await anext(aiter(events))
    assert (again.event_type, again.old_value, again.value) == (
        EntryEventType.MERGED,
        "mine",
        "again",
    )


async def test_map_store_loading_and_loaded_events(client: HazelcastClient) -> None:
    m = await client.get_map(unique("loaded"))
    loaded = Recorder()
    await m.add_entry_listener(include_value=True, loaded_func=loaded)
    assert await m.get(3) == "loaded-3"  # read through the loader
    await m.evict_all()
    assert await m.size() == 0
    await m.load_all([1, 2])
    assert await m.size() == 2
    await loaded.wait_for(lambda e: len(e) >= 2)
    assert {(e.key, e.value) for e in loaded.items} >= {(1, "loaded-1"), (2, "loaded-2")}
    assert all(e.event_type == EntryEventType.LOADED for e in loaded.items)
    await m.load_all()
    assert await m.size() == 10
    assert await m.evict(5)
    assert await m.get(5) == "loaded-5"
    await m.put(5, "changed")
    await m.flush()
    await m.load_all(replace_existing_values=False)
    assert await m.get(5) == "changed"
    await m.load_all(replace_existing_values=True)
    assert await m.get(5) == "loaded-5"


class _Point:
    def __init__(self, x: int) -> None:
        self.x = x


class _PointSerializer(CompactSerializer[_Point]):
    """A Compact type of a name no other test uses, so the member has never seen its schema."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def read(self, reader: CompactReader) -> _Point:
        return _Point(reader.read_int32("x"))

    def write(self, writer: CompactWriter, obj: _Point) -> None:
        writer.write_int32("x", obj.x)

    def get_class(self) -> type[_Point]:
        return _Point

    def get_type_name(self) -> str:
        return self.type_name


@pytest.mark.parametrize("form", ["callback", "iterator"])
async def test_a_listener_predicate_sends_its_compact_schemas_first(
    hazelcast_member: Cluster, form: str
) -> None:
    # The predicate is the first data of its Compact type the cluster gets. Its schema must
    # reach the cluster before the registration, or no member can read the predicate. (A
    # member then still refuses it: EqualPredicate needs a Comparable value and a Compact
    # value is a GenericRecord there. That refusal shows that the member could read it.)
    serializer = _PointSerializer(unique("Point").replace("-", "_"))
    options = client_options(hazelcast_member, compact_serializers=[serializer])
    async with HazelcastClient(**options) as c:
        m = await c.get_map(unique("compact-predicate"))
        predicate = equal("this", _Point(7))
        with pytest.raises(HazelcastSerializationError) as raised:
            if form == "callback":
                await m.add_entry_listener(predicate=predicate, added_func=print)
            else:
                async with m.entry_events(predicate=predicate):
                    pass
        assert "Comparable" in str(raised.value)
        assert "schema" not in str(raised.value).lower()


async def test_bulk_calls_send_and_fetch_compact_schemas(hazelcast_member: Cluster) -> None:
    # put_all's values are the first data of their Compact type the cluster gets: the schema
    # goes first (a member refuses data of a schema it does not know). A second client that
    # never wrote the type fetches the schema to read get_all's, entry_set's and values'.
    serializer = _PointSerializer(unique("BulkPoint").replace("-", "_"))
    options = client_options(hazelcast_member, compact_serializers=[serializer])
    name = unique("compact-bulk")
    points = {f"p{i}": _Point(i) for i in range(300)}  # most partitions
    async with HazelcastClient(**options) as writer:
        await (await writer.get_map(name)).put_all(points)
    async with HazelcastClient(**options) as reader:
        m = await reader.get_map(name)
        got = await m.get_all(list(points))
        assert {k: p.x for k, p in got.items()} == {k: p.x for k, p in points.items()}
        assert sorted(p.x for p in await m.values()) == list(range(300))
        assert len(await m.entry_set()) == 300
