"""The Near Cache against real members: every configuration element, statistics that match
the operations, invalidation by other clients (single and batched events) with a bounded
staleness, and repair after the member dropped invalidation events."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from hztrio import HazelcastClient
from hztrio.config import EvictionPolicy, InMemoryFormat
from hztrio.errors import ClientNotActiveError, HazelcastError
from hztrio.near_cache import NearCacheStats
from hztrio.predicate import sql
from hztrio.proxy.near_cached_map import NearCachedMap
from hztrio.serialization.api import IdentifiedDataSerializable, ObjectDataInput, ObjectDataOutput
from hztrio.testing import Cluster, compile_java, start_cluster_sync
from tests.conftest import client_options, unique, wait_until

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

JAVA = sorted((Path(__file__).parent.parent / "java").glob("*.java"))
FACTORY_CONFIG = """
<serialization>
    <data-serializable-factories>
        <data-serializable-factory factory-id="5">
            hztrio.test.IdentifiedFactory
        </data-serializable-factory>
    </data-serializable-factories>
</serialization>
"""

#: the members batch invalidations and send them every second (default: 10 s)
BATCH_FREQUENCY = 1
BATCHED = {"hazelcast.map.invalidation.batchfrequency.seconds": BATCH_FREQUENCY}
#: every invalidation is sent at once, as a single event
SINGLE = {"hazelcast.map.invalidation.batch.enabled": False}
#: single events through an event queue of one slot and one thread that gives up at once:
#: a burst of updates overflows it and the member drops invalidation events (and logs
#: "EventQueue overloaded")
LOSSY = {
    **SINGLE,
    "hazelcast.event.queue.capacity": 1,
    "hazelcast.event.thread.count": 1,
    "hazelcast.event.queue.timeout.millis": 0,
}


@pytest.fixture(scope="module")
def batched_cluster() -> Iterator[Cluster]:
    classes = compile_java(JAVA)
    with start_cluster_sync(
        1, properties=BATCHED, classpath=[classes], extra_config=FACTORY_CONFIG
    ) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def single_event_cluster() -> Iterator[Cluster]:
    with start_cluster_sync(1, properties=SINGLE) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def lossy_cluster() -> Iterator[Cluster]:
    with start_cluster_sync(1, properties=LOSSY) as cluster:
        yield cluster


def near_cached(cluster: Cluster, name: str, **options: Any) -> HazelcastClient:
    return HazelcastClient(**client_options(cluster, near_caches={name: options}))


async def get_near_cached(client: HazelcastClient, name: str) -> NearCachedMap[Any, Any]:
    m = await client.get_map(name)
    assert isinstance(m, NearCachedMap)
    return m


def counts(stats: NearCacheStats) -> dict[str, int]:
    return {
        "hits": stats.hits,
        "misses": stats.misses,
        "evictions": stats.evictions,
        "expirations": stats.expirations,
        "owned": stats.owned_entry_count,
    }


class SetValue(IdentifiedDataSerializable):
    """tests/java IdentifiedEntryProcessor: sets the entry's value."""

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


# -- reads, formats, statistics ----------------------------------------------------------------


async def test_binary_format_reads_and_statistics(hazelcast_member: Cluster) -> None:
    name = unique("nc-binary")
    long_value = "v" * 200
    async with near_cached(hazelcast_member, name) as client:
        m = await get_near_cached(client, name)
        assert isinstance(m, NearCachedMap)
        await m.put("a", long_value)
        first = await m.get("a")  # miss: from the member, then cached
        second = await m.get("a")  # hit
        third = await m.get("a")  # hit
        assert first == second == third == long_value
        assert second is not third  # BINARY: deserialized at every hit
        assert await m.get("absent") is None  # miss; "absent" is cached as absent
        assert await m.get("absent") is None  # hit
        assert await m.contains_key("a")  # hit
        assert not await m.contains_key("absent")  # hit
        assert not await m.contains_key("other")  # miss, asked the member
        stats = m.near_cache_stats()
        assert counts(stats) == {
            "hits": 5,
            "misses": 3,
            "evictions": 0,
            "expirations": 0,
            "owned": 2,
        }
        assert stats.ratio == pytest.approx(5 / 3 * 100)
        assert stats.owned_entry_memory_cost > 200
        assert stats.invalidations == 0


async def test_object_format_returns_the_cached_object(hazelcast_member: Cluster) -> None:
    name = unique("nc-object")
    async with near_cached(
        hazelcast_member, name, in_memory_format=InMemoryFormat.OBJECT
    ) as client:
        m = await get_near_cached(client, name)
        await m.put("a", "x" * 100)
        first = await m.get("a")
        assert await m.get("a") is first
        assert await m.get("a") is first
        assert (m.near_cache_stats().hits, m.near_cache_stats().misses) == (2, 1)


async def test_get_all_uses_the_cache_and_caches_what_it_reads(
    hazelcast_member: Cluster,
) -> None:
    name = unique("nc-get-all")
    async with near_cached(hazelcast_member, name) as client:
        m = await get_near_cached(client, name)
        await m.put_all({f"k{i}": i for i in range(10)})
        assert await m.get("k0") == 0  # 1 miss
        assert await m.get_all(["k0", "k1", "k2", "missing"]) == {"k0": 0, "k1": 1, "k2": 2}
        stats = m.near_cache_stats()
        assert (stats.hits, stats.misses, stats.owned_entry_count) == (1, 4, 3)
        # absent keys of a get_all are not cached (as in Java); every key counts once
        assert await m.get_all(["k0", "k1", "k2", "missing", "k1"]) == {
            "k0": 0,
            "k1": 1,
            "k2": 2,
        }
        stats = m.near_cache_stats()
        assert (stats.hits, stats.misses, stats.owned_entry_count) == (4, 5, 3)
        assert await m.get_all([]) == {}


async def test_a_hit_is_a_checkpoint_and_a_cancelled_read_caches_nothing(
    hazelcast_member: Cluster,
) -> None:
    name = unique("nc-cancel")
    async with near_cached(hazelcast_member, name) as client:
        m = await get_near_cached(client, name)
        assert isinstance(m, NearCachedMap)
        await m.put("a", 1)
        await m.put("b", 2)
        assert await m.get("a") == 1
        with anyio.CancelScope() as scope:
            scope.cancel()
            await m.get("a")  # a hit: still a checkpoint, so it raises Cancelled
        assert scope.cancelled_caught
        with anyio.CancelScope() as scope:
            scope.cancel()
            await m.get("b")  # a miss cancelled before the answer: nothing cached
        assert scope.cancelled_caught
        assert len(m._near_cache) == 1  # "a" only, no reservation left for "b"
        # a cancelled write drops the key and applies this client's own invalidations
        # for a while (the write may still happen on the member)
        assert m._handler is not None
        assert m._handler.apply_own_until == -math.inf
        with anyio.CancelScope() as scope:
            scope.cancel()
            await m.put("a", 3)
        assert m._to_data("a") not in m._near_cache
        assert m._handler.apply_own_until > anyio.current_time()
        assert await m.get("a") in (1, 3)


# -- eviction and expiry -------------------------------------------------------------------------


async def test_eviction_policies_and_counts(hazelcast_member: Cluster) -> None:
    base = unique("nc-evict")
    names = {policy: f"{base}-{policy.name}" for policy in EvictionPolicy}
    near_caches = {
        name: {"eviction_policy": policy, "eviction_max_size": 3, "eviction_sampling_count": 8}
        for policy, name in names.items()
    }
    async with HazelcastClient(
        **client_options(hazelcast_member, near_caches=near_caches)
    ) as client:
        maps = {policy: await get_near_cached(client, name) for policy, name in names.items()}
        for m in maps.values():
            await m.put_all({f"k{i}": i for i in range(6)})

        lru = maps[EvictionPolicy.LRU]
        for key in ("k0", "k1", "k2", "k0", "k3", "k1"):  # k3 evicts k1, then k1 evicts k2
            await lru.get(key)
        assert counts(lru.near_cache_stats()) == {
            "hits": 1,
            "misses": 5,
            "evictions": 2,
            "expirations": 0,
            "owned": 3,
        }
        assert await lru.get("k0") == 0  # k0, k3 and k1 are cached
        assert await lru.get("k3") == 3
        assert lru.near_cache_stats().hits == 3

        lfu = maps[EvictionPolicy.LFU]
        for key in ("k0", "k0", "k0", "k1", "k1", "k2", "k3", "k3"):
            await lfu.get(key)  # k3 evicts k2 (read once), then k3 is read again
        stats = lfu.near_cache_stats()
        assert counts(stats) == {
            "hits": 4,
            "misses": 4,
            "evictions": 1,
            "expirations": 0,
            "owned": 3,
        }
        await lfu.get("k2")  # miss: evicts k1 (read once, longer ago than k3), not k0
        assert lfu.near_cache_stats().misses == 5
        await lfu.get("k0")
        assert lfu.near_cache_stats().hits == 5

        random_ = maps[EvictionPolicy.RANDOM]
        for i in range(6):
            await random_.get(f"k{i}")
        assert counts(random_.near_cache_stats()) == {
            "hits": 0,
            "misses": 6,
            "evictions": 3,
            "expirations": 0,
            "owned": 3,
        }

        none = maps[EvictionPolicy.NONE]
        for _ in range(2):
            for i in range(6):
                assert await none.get(f"k{i}") == i
        # only the first three were cached: the others miss every time, nothing is evicted
        assert counts(none.near_cache_stats()) == {
            "hits": 3,
            "misses": 9,
            "evictions": 0,
            "expirations": 0,
            "owned": 3,
        }


async def test_time_to_live_max_idle_and_the_expiration_sweep(hazelcast_member: Cluster) -> None:
    base = unique("nc-expiry")
    near_caches = {
        f"{base}-ttl": {"time_to_live": 0.5},
        f"{base}-idle": {"max_idle": 1.0},
        f"{base}-sweep": {"time_to_live": 0.2},
    }
    async with HazelcastClient(
        **client_options(hazelcast_member, near_caches=near_caches)
    ) as client:
        ttl = await get_near_cached(client, f"{base}-ttl")
        idle = await get_near_cached(client, f"{base}-idle")
        sweep = await get_near_cached(client, f"{base}-sweep")
        for m in (ttl, idle, sweep):
            await m.put("a", 1)
        start = anyio.current_time()
        await ttl.get("a")  # miss, cached until start + 0.5
        await idle.get("a")  # miss
        # reading keeps the idle entry alive, not the one with a time to live
        deadline = start + 1.5
        while anyio.current_time() < deadline:
            assert await idle.get("a") == 1
            await ttl.get("a")
            await anyio.sleep(0.1)
        idle_stats = idle.near_cache_stats()
        assert (idle_stats.misses, idle_stats.expirations) == (1, 0)
        ttl_stats = ttl.near_cache_stats()
        assert ttl_stats.expirations >= 1  # expired once at least (then cached again)
        assert ttl_stats.misses == 1 + ttl_stats.expirations
        # idle for longer than max_idle: expired when read
        last_read = anyio.current_time()
        await wait_until(lambda: anyio.current_time() > last_read + 1.1)
        assert await idle.get("a") == 1
        idle_stats = idle.near_cache_stats()
        assert (idle_stats.misses, idle_stats.expirations) == (2, 1)

        # entries nobody reads are removed by the periodic sweep
        assert isinstance(sweep, NearCachedMap)
        sweep._manager.expiration_period = 0.5
        await sweep.put_all({f"k{i}": i for i in range(5)})
        for i in range(5):
            await sweep.get(f"k{i}")
        assert sweep.near_cache_stats().owned_entry_count == 5
        await wait_until(lambda: sweep.near_cache_stats().owned_entry_count == 0, within=5)
        assert sweep.near_cache_stats().expirations == 5


# -- local invalidation ------------------------------------------------------------------------


async def test_every_write_drops_what_it_changes(batched_cluster: Cluster) -> None:
    name = unique("nc-writes")
    async with near_cached(batched_cluster, name) as client:
        m = await get_near_cached(client, name)

        async def cached(key: str) -> Any:
            value = await m.get(key)
            before = m.near_cache_stats().hits
            assert await m.get(key) == value
            assert m.near_cache_stats().hits == before + 1
            return value

        async def check(key: str, write: Any, expected: Any) -> None:
            await cached(key)
            await write
            misses = m.near_cache_stats().misses
            assert await m.get(key) == expected, write
            assert m.near_cache_stats().misses == misses + 1, write

        await m.put("k", 0)
        await check("k", m.put("k", 1), 1)
        await check("k", m.set("k", 2), 2)
        await check("k", m.replace("k", 3), 3)
        await check("k", m.replace_if_same("k", 3, 4), 4)
        await check("k", m.put_transient("k", 5), 5)
        await check("k", m.try_put("k", 6), 6)
        await check("k", m.put_all({"k": 7, "j": 0}), 7)
        await check("k", m.execute_on_key("k", SetValue("8")), "8")
        await check("k", m.execute_on_keys(["k"], SetValue("9")), "9")
        await check("k", m.execute_on_entries(SetValue("10")), "10")
        await check("k", m.set_ttl("k", 100), "10")
        await check("k", m.remove("k"), None)
        await check("k", m.put_if_absent("k", 11), 11)
        await check("k", m.delete("k"), None)
        await m.put("k", 12)
        await check("k", m.remove_if_same("k", 12), None)
        await m.put("k", 13)
        await check("k", m.try_remove("k"), None)
        await m.put("k", 14)
        await check("k", m.evict("k"), None)  # no MapStore: evicted is gone
        await m.put("k", 15)
        await check("k", m.remove_all(sql("__key = 'k'")), None)
        await m.put("k", 16)
        await check("k", m.evict_all(), None)
        await m.put("k", 17)
        await check("k", m.clear(), None)
        await m.put("k", 18)
        # without a MapStore load_all fails; the cache is dropped all the same (a failed
        # write may have happened)
        for load in (m.load_all(), m.load_all(["k"])):
            await cached("k")
            with pytest.raises(HazelcastError):
                await load
            misses = m.near_cache_stats().misses
            assert await m.get("k") == 18
            assert m.near_cache_stats().misses == misses + 1


async def test_own_invalidation_events_are_not_applied(batched_cluster: Cluster) -> None:
    name = unique("nc-own")
    async with near_cached(batched_cluster, name) as client:
        m = await get_near_cached(client, name)
        assert isinstance(m, NearCachedMap)
        handler = m._handler
        assert handler is not None
        await m.put("a", 1)  # invalidated locally at once
        assert await m.get("a") == 1
        received = handler.events + handler.batch_events
        # the member's invalidation event for that put arrives within a batch period …
        await wait_until(lambda: handler.events + handler.batch_events > received, within=5)
        # … and is not applied: this client's write already did
        assert await m.get("a") == 1
        stats = m.near_cache_stats()
        assert (stats.hits, stats.misses) == (1, 1)


# -- invalidation by other clients -------------------------------------------------------------


async def test_invalidate_on_change(batched_cluster: Cluster) -> None:
    name = unique("nc-change")
    options = client_options(batched_cluster)
    async with (
        HazelcastClient(**options) as writer,
        HazelcastClient(**{**options, "near_caches": {name: {}}}) as reader,
        HazelcastClient(
            **{**options, "near_caches": {name: {"invalidate_on_change": False}}}
        ) as unaware,
    ):
        w = await writer.get_map(name)
        r = await get_near_cached(reader, name)
        u = await get_near_cached(unaware, name)
        assert isinstance(r, NearCachedMap) and isinstance(u, NearCachedMap)
        assert u._handler is None  # no listener, no repair
        await w.put_all({f"k{i}": 0 for i in range(5)})
        for i in range(5):
            assert await r.get(f"k{i}") == 0
            assert await u.get(f"k{i}") == 0
        await w.put_all({f"k{i}": 1 for i in range(5)})
        changed_at = anyio.current_time()
        for i in range(5):
            while await r.get(f"k{i}") != 1:
                assert anyio.current_time() < changed_at + BATCH_FREQUENCY + 2
                await anyio.sleep(0.02)
        assert r._handler is not None and r._handler.batch_events >= 1
        # without invalidate_on_change the old values stay until the client writes itself
        assert [await u.get(f"k{i}") for i in range(5)] == [0] * 5
        await u.set("k0", 2)
        assert await u.get("k0") == 2
        assert await u.get("k1") == 0


async def staleness(cluster: Cluster, seconds: float) -> tuple[float, int, int]:
    """One client updates 16 keys continuously while another reads them through its Near
    Cache; return (the longest time a read returned a value older than the latest write
    acknowledged before the read started, hits, reads)."""
    name = unique("nc-staleness")
    keys = [f"k{i}" for i in range(16)]
    acked: dict[str, list[tuple[float, int]]] = {key: [] for key in keys}
    reads: list[tuple[str, float, Any]] = []
    options = client_options(cluster)
    async with (
        HazelcastClient(**options) as writer,
        HazelcastClient(**{**options, "near_caches": {name: {}}}) as reader,
    ):
        w = await writer.get_map(name)
        r = await get_near_cached(reader, name)
        await w.put_all(dict.fromkeys(keys, 0))
        now = anyio.current_time()
        for key in keys:
            acked[key].append((now, 0))
        done = anyio.Event()

        async def write() -> None:
            counter = 0
            while not done.is_set():
                counter += 1
                key = keys[counter % len(keys)]
                await w.set(key, counter)
                acked[key].append((anyio.current_time(), counter))
                await anyio.sleep(0.005)  # pacing: about 100 updates per second

        async def read() -> None:
            while not done.is_set():
                for key in keys:
                    started = anyio.current_time()
                    reads.append((key, started, await r.get(key)))
                await anyio.sleep(0.001)  # pacing

        async with anyio.create_task_group() as tg:
            tg.start_soon(write)
            tg.start_soon(read)
            await anyio.sleep(seconds)  # the length of the workload
            done.set()
        hits = r.near_cache_stats().hits
    worst = 0.0
    for key, started, value in reads:
        # the value was superseded by the first acknowledged write with a larger value
        superseded = next((at for at, v in acked[key] if v > value), None)
        if superseded is not None and superseded < started:
            worst = max(worst, started - superseded)
    return worst, hits, len(reads)


async def test_staleness_is_bounded_by_the_batch_period(batched_cluster: Cluster) -> None:
    worst, hits, reads = await staleness(batched_cluster, 4.0)
    print(f"batched: {reads} reads, {hits} hits, at most {worst:.3f} s stale")
    assert hits > reads / 2  # the cache did serve most reads
    assert worst < BATCH_FREQUENCY + 1.0, worst


async def test_staleness_with_single_invalidation_events(single_event_cluster: Cluster) -> None:
    worst, hits, reads = await staleness(single_event_cluster, 3.0)
    print(f"single events: {reads} reads, {hits} hits, at most {worst:.3f} s stale")
    assert hits > reads / 2
    assert worst < 0.5, worst


# -- repair ------------------------------------------------------------------------------------


async def test_repair_after_the_member_dropped_invalidations(lossy_cluster: Cluster) -> None:
    name = unique("nc-repair")
    keys = [f"k{i}" for i in range(1000)]
    interval = 2.0
    options = client_options(lossy_cluster)
    log_before = lossy_cluster.members[0].read_log().count("EventQueue overloaded")
    async with (
        HazelcastClient(**options) as writer,
        HazelcastClient(
            **{**options, "near_caches": {name: {"reconciliation_interval": interval}}}
        ) as reader,
        HazelcastClient(
            **{
                **options,
                # no repair: neither anti-entropy nor sequence-gap repair
                "near_caches": {
                    name: {"reconciliation_interval": 0, "max_tolerated_miss_count": 10**9}
                },
            }
        ) as control,
    ):
        w = await writer.get_map(name)
        r = await get_near_cached(reader, name)
        c = await get_near_cached(control, name)
        assert isinstance(r, NearCachedMap) and isinstance(c, NearCachedMap)
        await w.put_all(dict.fromkeys(keys, 0))
        assert set((await r.get_all(keys)).values()) == {0}
        assert set((await c.get_all(keys)).values()) == {0}
        # a burst: three updates of every key, 3000 invalidation events for each reader
        for round_ in (1, 2, 3):
            await w.put_all(dict.fromkeys(keys, round_))
        burst_end = anyio.current_time()

        # the member really dropped events
        def dropped() -> bool:
            log = lossy_cluster.members[0].read_log()
            return log.count("EventQueue overloaded") > log_before

        await wait_until(dropped, within=5)

        async def stale(m: NearCachedMap[str, int]) -> int:
            values = await m.get_all(keys)
            return sum(1 for key in keys if values.get(key) != 3)

        # the reader drops its stale entries within the reconciliation interval (plus a
        # repair period of one second and some slack)
        while await stale(r):
            assert anyio.current_time() < burst_end + interval + 3.0
            await anyio.sleep(0.1)
        repaired_after = anyio.current_time() - burst_end
        assert r._handler is not None
        assert r._handler.repairs >= 1
        stats = r.near_cache_stats()
        assert stats.stale_reads > 0
        # the control client, without repair, still serves values of before the burst
        assert await stale(c) > 0
        assert c.near_cache_stats().stale_reads == 0
        print(f"stale entries repaired {repaired_after:.2f} s after the burst")


async def test_lost_partitions_are_repaired(hazelcast_cluster_factory: Any) -> None:
    """A member dies without backups: its partitions come back empty, with new partition
    UUIDs, and anti-entropy drops the entries cached from them."""
    name = unique("nc-lost")
    keys = [f"k{i}" for i in range(100)]
    async with hazelcast_cluster_factory(2, backup_count=0) as cluster:
        options = client_options(
            cluster, near_caches={name: {"reconciliation_interval": 2}}, redo_operation=True
        )
        async with HazelcastClient(**options) as client:
            m = await get_near_cached(client, name)
            await m.put_all(dict.fromkeys(keys, 1))
            assert len(await m.get_all(keys)) == len(keys)
            victim = cluster.members[1]
            port = int(victim.address.rsplit(":", 1)[1])
            [victim_uuid] = [
                member.uuid
                for member in client.cluster_service.get_members()
                if member.address.port == port
            ]
            partitions = client.partition_service
            lost = [
                key
                for key in keys
                if partitions.get_partition_owner(partitions.get_partition_id(m._key_data(key)))
                == victim_uuid
            ]
            assert lost
            victim.kill()
            await cluster.wait_size(1)
            killed_at = anyio.current_time()
            # entries of the lost partitions are dropped: the map no longer has them
            while True:
                values = await m.get_all(keys)
                if not any(key in values for key in lost):
                    break
                assert anyio.current_time() < killed_at + 15
                await anyio.sleep(0.2)
            assert all(values[key] == 1 for key in keys if key not in lost)
            assert m.near_cache_stats().stale_reads >= len(lost)
            print(f"lost entries dropped {anyio.current_time() - killed_at:.2f} s after the kill")


async def test_unisocket_client(batched_cluster: Cluster) -> None:
    name = unique("nc-unisocket")
    options = client_options(batched_cluster)
    async with (
        HazelcastClient(**options) as writer,
        HazelcastClient(
            **{
                **options,
                "smart_routing": False,
                "near_caches": {name: {"reconciliation_interval": 1}},
            }
        ) as reader,
    ):
        w = await writer.get_map(name)
        r = await get_near_cached(reader, name)
        assert r._handler is not None and r._handler.initialized  # metadata fetched
        await w.put("a", 1)
        assert await r.get("a") == 1
        assert await r.get("a") == 1
        await w.put("a", 2)
        await wait_until(lambda: r._to_data("a") not in r._near_cache)
        assert await r.get("a") == 2
        runs = r._handler.anti_entropy_runs
        await wait_until(lambda: r._handler is not None and r._handler.anti_entropy_runs > runs)


# -- life cycle ---------------------------------------------------------------------------------


async def test_destroy_and_shutdown(hazelcast_member: Cluster) -> None:
    name = unique("nc-destroy")
    async with near_cached(hazelcast_member, name) as client:
        m = await get_near_cached(client, name)
        assert isinstance(m, NearCachedMap)
        assert m is await get_near_cached(client, name)
        objects = await client.get_distributed_objects()
        assert m in objects
        await m.put("a", 1)
        await m.get("a")
        manager = m._manager
        assert name in manager.handlers
        assert await m.destroy()
        assert name not in manager.handlers
        assert m._near_cache.closed
        again = await get_near_cached(client, name)
        assert again is not m and isinstance(again, NearCachedMap)
        assert await again.get("a") is None
        await again.put("a", 2)
        assert await again.get("a") == 2
        assert await again.get("a") == 2
        cache = again._near_cache
    # after shutdown, nothing is served from the cache
    assert cache.closed and len(cache) == 0
    with pytest.raises(ClientNotActiveError):
        await again.get("a")


async def test_near_cached_map_from_get_distributed_objects(hazelcast_member: Cluster) -> None:
    name = unique("nc-objects")
    async with HazelcastClient(**client_options(hazelcast_member)) as creator:
        await (await creator.get_map(name)).put("a", 1)
        async with near_cached(hazelcast_member, name) as client:
            proxies = {p.name: p for p in await client.get_distributed_objects()}
            m = proxies[name]
            assert isinstance(m, NearCachedMap)
            assert await m.get("a") == 1  # set up on first use
            assert await m.get("a") == 1
            assert m.near_cache_stats().hits == 1
            assert await get_near_cached(client, name) is m
