"""hztrio.near_cache without a member: records, reservations, expiry, eviction, statistics,
repair (metadata, sequence gaps, anti-entropy), and which Map methods the near-cached map
overrides."""

from __future__ import annotations

import inspect
import math
import random
import uuid
from typing import Any

import pytest

from hztrio.config import EvictionPolicy, InMemoryFormat, NearCacheConfig
from hztrio.near_cache import (
    NOT_CACHED,
    NearCache,
    NearCacheManager,
    RepairingHandler,
)
from hztrio.partition import PartitionTable
from hztrio.protocol.codecs import map as map_codecs
from hztrio.protocol.frame import parse_message
from hztrio.protocol.types import Address, MemberInfo, MemberVersion
from hztrio.proxy.map import Map
from hztrio.proxy.near_cached_map import NearCachedMap
from hztrio.serialization import SerializationService

PARTITIONS = 271


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def serialization() -> SerializationService:
    return SerializationService()


@pytest.fixture
def partitions() -> PartitionTable:
    service = PartitionTable()
    service.check_partition_count(PARTITIONS)
    return service


def make_cache(clock: Clock, **options: Any) -> NearCache:
    return NearCache("m", NearCacheConfig(**options), clock=clock, rng=random.Random(7))


def key(n: int) -> bytes:
    return f"key-{n}".encode()


def put(cache: NearCache, k: bytes, value: Any = "v", partition_id: int = 0) -> None:
    """Reserve and publish, as a read that missed does."""
    reservation = cache.try_reserve(k, partition_id)
    assert reservation
    data = value.encode() if isinstance(value, str) else value
    assert cache.publish(k, reservation, data, value)


# -- records and reservations ---------------------------------------------------------------


def test_get_counts_hits_and_misses(clock: Clock) -> None:
    cache = make_cache(clock)
    assert cache.get(key(1)) is NOT_CACHED
    put(cache, key(1), "one")
    assert cache.get(key(1)) == b"one"  # BINARY: the serialized value
    assert cache.get(key(1)) == b"one"
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.owned_entry_count) == (2, 1, 1)
    assert stats.ratio == 200.0


def test_object_format_keeps_the_object(clock: Clock) -> None:
    cache = make_cache(clock, in_memory_format=InMemoryFormat.OBJECT)
    value = {"a": 1}
    reservation = cache.try_reserve(key(1), 0)
    assert cache.publish(key(1), reservation, b"serialized", value)
    assert cache.get(key(1)) is value
    assert not cache.binary


def test_absent_values_are_cached_as_none(clock: Clock) -> None:
    cache = make_cache(clock)
    reservation = cache.try_reserve(key(1), 0)
    assert cache.publish(key(1), reservation, None, None)
    assert cache.get(key(1)) is None
    assert cache.stats().hits == 1


def test_a_reserved_key_is_a_miss_and_cannot_be_reserved_twice(clock: Clock) -> None:
    cache = make_cache(clock)
    first = cache.try_reserve(key(1), 0)
    assert first
    assert cache.try_reserve(key(1), 0) == 0
    assert cache.get(key(1)) is NOT_CACHED
    assert cache.stats().owned_entry_count == 0
    assert len(cache) == 1


def test_invalidation_during_a_read_prevents_publishing(clock: Clock) -> None:
    cache = make_cache(clock)
    reservation = cache.try_reserve(key(1), 0)
    cache.invalidate(key(1))  # the value changed while the read was in flight
    assert not cache.publish(key(1), reservation, b"old", "old")
    assert cache.get(key(1)) is NOT_CACHED
    # a new read reserves again; the old reservation can no longer publish
    newer = cache.try_reserve(key(1), 0)
    assert newer != reservation
    assert not cache.publish(key(1), reservation, b"old", "old")
    assert cache.publish(key(1), newer, b"new", "new")
    assert cache.get(key(1)) == b"new"
    stats = cache.stats()
    assert (stats.invalidations, stats.invalidation_requests) == (0, 1)  # no entry was there


def test_clear_during_a_read_prevents_publishing(clock: Clock) -> None:
    cache = make_cache(clock)
    reservation = cache.try_reserve(key(1), 0)
    put(cache, key(2))
    cache.clear()
    assert not cache.publish(key(1), reservation, b"old", "old")
    stats = cache.stats()
    assert (stats.owned_entry_count, stats.invalidations, stats.invalidation_requests) == (0, 1, 1)


def test_release_drops_only_its_own_reservation(clock: Clock) -> None:
    cache = make_cache(clock)
    reservation = cache.try_reserve(key(1), 0)
    cache.release(key(1), reservation + 1)
    assert len(cache) == 1
    cache.release(key(1), reservation)
    assert len(cache) == 0
    put(cache, key(1))
    cache.release(key(1), reservation)  # published: not a reservation any more
    assert key(1) in cache
    assert cache.stats().invalidation_requests == 0


def test_invalidate_and_memory_cost(clock: Clock) -> None:
    cache = make_cache(clock)
    put(cache, key(1), "x" * 100)
    put(cache, key(2), "y")
    stats = cache.stats()
    assert stats.owned_entry_memory_cost > 100 + len(key(1)) + 1 + len(key(2))
    cache.invalidate(key(1))
    cache.invalidate(key(3))
    stats = cache.stats()
    assert (stats.owned_entry_count, stats.invalidations, stats.invalidation_requests) == (1, 1, 2)
    cache.clear()
    assert cache.stats().owned_entry_memory_cost == 0
    assert cache.stats().invalidations == 2


def test_closed_cache_caches_nothing(clock: Clock) -> None:
    cache = make_cache(clock)
    put(cache, key(1))
    cache.close()
    assert cache.get(key(1)) is NOT_CACHED
    assert cache.try_reserve(key(1), 0) == 0


def test_ratio_is_java_s() -> None:
    cache = make_cache(Clock())
    assert math.isnan(cache.stats().ratio)
    put(cache, key(1))
    cache.get(key(1))
    assert cache.stats().ratio == math.inf
    cache.get(key(2))
    assert cache.stats().ratio == 100.0


# -- expiry ----------------------------------------------------------------------------------


def test_time_to_live(clock: Clock) -> None:
    cache = make_cache(clock, time_to_live=10)
    put(cache, key(1))
    clock.now += 9.9
    assert cache.get(key(1)) == b"v"
    clock.now += 0.1
    assert cache.get(key(1)) is NOT_CACHED
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.expirations, stats.owned_entry_count) == (1, 1, 1, 0)


def test_time_to_live_counts_from_the_reservation(clock: Clock) -> None:
    cache = make_cache(clock, time_to_live=10)
    reservation = cache.try_reserve(key(1), 0)
    clock.now += 4  # a slow read
    cache.publish(key(1), reservation, b"v", "v")
    clock.now += 6
    assert cache.get(key(1)) is NOT_CACHED


def test_max_idle(clock: Clock) -> None:
    cache = make_cache(clock, max_idle=5)
    put(cache, key(1))
    for _ in range(4):
        clock.now += 4
        assert cache.get(key(1)) == b"v"  # each read restarts the idle time
    clock.now += 5.1
    assert cache.get(key(1)) is NOT_CACHED
    assert cache.stats().expirations == 1


def test_zero_means_no_limit_as_in_java(clock: Clock) -> None:
    cache = make_cache(clock, time_to_live=0, max_idle=0)
    put(cache, key(1))
    clock.now += 1e6
    assert cache.get(key(1)) == b"v"
    assert not cache.expires


def test_expiration_sweep(clock: Clock) -> None:
    cache = make_cache(clock, time_to_live=10)
    for n in range(5):
        put(cache, key(n))
        clock.now += 1
    reservation = cache.try_reserve(key(99), 0)
    clock.now += 6  # the first two are 11 and 10 s old
    assert cache.expire() == 2
    assert cache.stats().expirations == 2
    assert cache.stats().owned_entry_count == 3
    clock.now += 100
    assert cache.expire() == 3
    assert len(cache) == 1  # reservations do not expire
    assert cache.publish(key(99), reservation, b"v", "v")


# -- eviction --------------------------------------------------------------------------------


def test_lru_evicts_the_least_recently_used(clock: Clock) -> None:
    cache = make_cache(clock, eviction_policy=EvictionPolicy.LRU, eviction_max_size=3)
    for n in (1, 2, 3):
        put(cache, key(n))
        clock.now += 1
    cache.get(key(1))
    put(cache, key(4))  # evicts 2, the least recently used
    assert key(2) not in cache
    assert all(key(n) in cache for n in (1, 3, 4))
    cache.get(key(3))
    put(cache, key(5))  # evicts 1
    assert key(1) not in cache
    stats = cache.stats()
    assert (stats.evictions, stats.owned_entry_count, stats.expirations) == (2, 3, 0)


def test_lfu_evicts_the_least_frequently_used(clock: Clock) -> None:
    cache = make_cache(
        clock, eviction_policy=EvictionPolicy.LFU, eviction_max_size=4, eviction_sampling_count=8
    )
    for n in (1, 2, 3, 4):
        put(cache, key(n))
    for n, reads in ((1, 3), (2, 1), (3, 0), (4, 2)):
        for _ in range(reads):
            cache.get(key(n))
    put(cache, key(5))
    assert key(3) not in cache
    cache.get(key(5))
    cache.get(key(5))
    put(cache, key(6))  # 2 (1 hit) goes now
    assert key(2) not in cache
    assert cache.stats().evictions == 2


def test_lfu_with_a_small_sample_keeps_a_candidate_pool(clock: Clock) -> None:
    cache = make_cache(
        clock,
        eviction_policy=EvictionPolicy.LFU,
        eviction_max_size=50,
        eviction_sampling_count=5,
        eviction_sampling_pool_size=10,
    )
    for n in range(50):
        put(cache, key(n))
        for _ in range(n):
            cache.get(key(n))
    for n in range(50, 80):
        put(cache, key(n))
    stats = cache.stats()
    assert (stats.evictions, stats.owned_entry_count) == (30, 50)
    # sampling makes it approximate: the evicted entries are mostly rarely read ones
    evicted = [n for n in range(50) if key(n) not in cache]
    assert sum(evicted) / len(evicted) < 24.5


def test_random_eviction_keeps_the_size(clock: Clock) -> None:
    cache = make_cache(clock, eviction_policy=EvictionPolicy.RANDOM, eviction_max_size=10)
    for n in range(25):
        put(cache, key(n))
    stats = cache.stats()
    assert (stats.evictions, stats.owned_entry_count) == (15, 10)
    assert len(cache) == 10


def test_none_policy_caches_nothing_more_when_full(clock: Clock) -> None:
    cache = make_cache(clock, eviction_policy=EvictionPolicy.NONE, eviction_max_size=3)
    for n in (1, 2, 3):
        put(cache, key(n))
    assert cache.try_reserve(key(4), 0) == 0
    assert cache.get(key(1)) == b"v"
    cache.invalidate(key(2))
    put(cache, key(4))  # room again
    stats = cache.stats()
    assert (stats.evictions, stats.owned_entry_count) == (0, 3)


def test_expired_entries_make_room_before_eviction(clock: Clock) -> None:
    cache = make_cache(clock, time_to_live=10, eviction_max_size=3, eviction_sampling_count=8)
    put(cache, key(1))
    clock.now += 5
    put(cache, key(2))
    put(cache, key(3))
    clock.now += 6  # 1 has expired
    put(cache, key(4))
    stats = cache.stats()
    assert (stats.evictions, stats.expirations, stats.owned_entry_count) == (0, 1, 3)
    assert key(1) not in cache


def test_reservations_are_not_evicted(clock: Clock) -> None:
    cache = make_cache(clock, eviction_max_size=2)
    r1 = cache.try_reserve(key(1), 0)
    put(cache, key(2))
    put(cache, key(3))  # evicts 2, not the reservation
    assert cache.publish(key(1), r1, b"v", "v")
    assert key(2) not in cache
    assert cache.stats().evictions == 1


# -- repair ----------------------------------------------------------------------------------


def make_handler(
    clock: Clock,
    partitions: PartitionTable,
    serialization: SerializationService,
    **options: Any,
) -> tuple[NearCache, RepairingHandler]:
    cache = make_cache(clock, **options)
    name_data = serialization.to_data("m")
    assert name_data is not None
    handler = RepairingHandler("m", cache, partitions, name_data, uuid.UUID(int=1), clock=clock)
    cache.handler = handler
    return cache, handler


def key_data(serialization: SerializationService, n: int) -> bytes:
    data = serialization.to_data(f"key-{n}")
    assert data is not None
    return data


def test_records_are_stale_without_metadata(
    clock: Clock, partitions: PartitionTable, serialization: SerializationService
) -> None:
    cache, _ = make_handler(clock, partitions, serialization)
    k = key_data(serialization, 1)
    put(cache, k, "v", partitions.get_partition_id(k))  # type: ignore[arg-type]
    assert cache.get(k) is NOT_CACHED  # no partition UUID known yet
    assert cache.stats().stale_reads == 1


def test_single_invalidations_and_sequence_gaps(
    clock: Clock, partitions: PartitionTable, serialization: SerializationService
) -> None:
    cache, handler = make_handler(clock, partitions, serialization)
    k = key_data(serialization, 1)
    pid = partitions.get_partition_id(k)  # type: ignore[arg-type]
    p_uuid = uuid.uuid4()
    handler.init_metadata([(pid, p_uuid)], [(pid, 5)])
    put(cache, k, "v", pid)
    assert cache.get(k) == b"v"
    other = uuid.uuid4()
    handler.handle(k, other, p_uuid, 6)
    assert k not in cache
    container = handler.container(pid)
    assert (container.sequence, container.missed) == (6, 0)
    handler.handle(k, other, p_uuid, 9)  # 7 and 8 never arrived
    assert (container.sequence, container.missed) == (9, 2)
    handler.handle(k, other, p_uuid, 8)  # late: nothing changes
    assert (container.sequence, container.missed) == (9, 2)
    assert handler.events == 3


def test_own_invalidations_are_skipped_unless_a_write_is_in_doubt(
    clock: Clock, partitions: PartitionTable, serialization: SerializationService
) -> None:
    cache, handler = make_handler(clock, partitions, serialization)
    k = key_data(serialization, 1)
    pid = partitions.get_partition_id(k)  # type: ignore[arg-type]
    p_uuid = uuid.uuid4()
    handler.init_metadata([(pid, p_uuid)], [])
    put(cache, k, "v", pid)
    handler.handle(k, handler.local_uuid, p_uuid, 1)
    assert k in cache  # this client's own write already invalidated it locally
    assert handler.container(pid).sequence == 1  # the sequence still counts
    handler.apply_own_until = clock.now + 10
    handler.handle(k, handler.local_uuid, p_uuid, 2)
    assert k not in cache
    put(cache, k, "v", pid)
    clock.now += 11
    handler.handle(k, handler.local_uuid, p_uuid, 3)
    assert k in cache


def test_batch_invalidations(
    clock: Clock, partitions: PartitionTable, serialization: SerializationService
) -> None:
    cache, handler = make_handler(clock, partitions, serialization)
    keys = [key_data(serialization, n) for n in range(10)]
    p_uuid = uuid.uuid4()
    pids = [partitions.get_partition_id(k) for k in keys]  # type: ignore[arg-type]
    handler.init_metadata([(pid, p_uuid) for pid in pids], [])
    for k, pid in zip(keys, pids, strict=True):
        put(cache, k, "v", pid)
    other = uuid.uuid4()
    handler.handle_batch(keys[:5], [other] * 5, [p_uuid] * 5, [1] * 5)
    assert [k in cache for k in keys] == [False] * 5 + [True] * 5
    assert handler.batch_events == 1


def test_map_wide_invalidation_clears(
    clock: Clock, partitions: PartitionTable, serialization: SerializationService
) -> None:
    cache, handler = make_handler(clock, partitions, serialization)
    put(cache, key_data(serialization, 1))
    name_data = serialization.to_data("m")
    name_partition = partitions.get_partition_id(name_data)  # type: ignore[arg-type]
    handler.handle(None, uuid.uuid4(), uuid.uuid4(), 1)
    assert len(cache) == 0
    assert handler.container(name_partition).sequence == 1


def test_partition_uuid_change_makes_records_stale(
    clock: Clock, partitions: PartitionTable, serialization: SerializationService
) -> None:
    cache, handler = make_handler(clock, partitions, serialization)
    k1, k2 = key_data(serialization, 1), key_data(serialization, 2)
    pid1 = partitions.get_partition_id(k1)  # type: ignore[arg-type]
    pid2 = partitions.get_partition_id(k2)  # type: ignore[arg-type]
    assert pid1 != pid2
    u1, u2 = uuid.uuid4(), uuid.uuid4()
    handler.init_metadata([(pid1, u1), (pid2, u2)], [(pid1, 10), (pid2, 10)])
    put(cache, k1, "v", pid1)
    put(cache, k2, "v", pid2)
    handler.repair_metadata([(pid1, uuid.uuid4()), (pid2, u2)], [])  # pid1 migrated
    assert handler.container(pid1).sequence == 0
    assert cache.get(k1) is NOT_CACHED
    assert cache.get(k2) == b"v"
    stats = cache.stats()
    assert (stats.stale_reads, stats.invalidations, stats.misses) == (1, 1, 1)


def test_missed_invalidations_beyond_the_tolerance_make_records_stale(
    clock: Clock, partitions: PartitionTable, serialization: SerializationService
) -> None:
    cache, handler = make_handler(clock, partitions, serialization, max_tolerated_miss_count=3)
    k1, k2 = key_data(serialization, 1), key_data(serialization, 2)
    pid1 = partitions.get_partition_id(k1)  # type: ignore[arg-type]
    pid2 = partitions.get_partition_id(k2)  # type: ignore[arg-type]
    u = uuid.uuid4()
    handler.init_metadata([(pid1, u), (pid2, u)], [(pid1, 10), (pid2, 10)])
    put(cache, k1, "v", pid1)
    put(cache, k2, "v", pid2)
    # anti-entropy: the member is at 13 in pid1 (3 invalidations never arrived)
    handler.repair_metadata([(pid1, u), (pid2, u)], [(pid1, 13), (pid2, 10)])
    assert handler.missed_count() == 3
    assert not handler.fix_sequence_gaps()  # 3 is tolerated (Java: more than the maximum)
    assert cache.get(k1) == b"v"
    handler.repair_metadata([], [(pid1, 14)])
    assert handler.fix_sequence_gaps()
    assert handler.missed_count() == 0
    assert handler.container(pid1).stale_sequence == 14
    assert cache.get(k1) is NOT_CACHED  # reserved at sequence 10 < 14
    assert cache.get(k2) == b"v"  # its partition missed nothing
    put(cache, k1, "v", pid1)  # reserved now, at sequence 14: fresh
    assert cache.get(k1) == b"v"


def test_a_record_keeps_the_metadata_of_its_reservation(
    clock: Clock, partitions: PartitionTable, serialization: SerializationService
) -> None:
    cache, handler = make_handler(clock, partitions, serialization, max_tolerated_miss_count=0)
    k = key_data(serialization, 1)
    pid = partitions.get_partition_id(k)  # type: ignore[arg-type]
    u = uuid.uuid4()
    handler.init_metadata([(pid, u)], [(pid, 1)])
    reservation = cache.try_reserve(k, pid)
    # while the read is in flight, an invalidation of this key is lost; a later one of
    # another key of the same partition shows the gap
    other = next(
        d
        for d in (key_data(serialization, n) for n in range(2, 10_000))
        if partitions.get_partition_id(d) == pid  # type: ignore[arg-type]
    )
    handler.handle(other, uuid.uuid4(), u, 3)
    assert handler.fix_sequence_gaps()
    assert cache.publish(k, reservation, b"old", "old")
    assert cache.get(k) is NOT_CACHED


# -- the manager: anti-entropy against fake members ----------------------------------------

_FETCH = map_codecs.MAP_FETCH_NEAR_CACHE_INVALIDATION_METADATA


class FakeCluster:
    def __init__(self, members: list[MemberInfo]) -> None:
        self.members = members

    def get_members(self, selector: Any = None) -> list[MemberInfo]:
        return [m for m in self.members if selector is None or selector(m)]


class FakeInvocations:
    """Answers metadata requests as members would: each owns some partitions."""

    invocation_timeout = 120.0

    def __init__(self) -> None:
        self.metadata: dict[uuid.UUID, tuple[Any, Any]] = {}
        self.requests: list[tuple[list[str], uuid.UUID | None]] = []

    async def invoke(self, request: bytearray, *, uuid: uuid.UUID | None = None, **_: Any) -> Any:
        names, target = _FETCH.decode_request(parse_message(request))
        assert target == uuid
        self.requests.append((names, uuid))
        if uuid not in self.metadata:
            from hztrio.errors import TargetNotMemberError

            raise TargetNotMemberError("gone")
        sequences, uuids = self.metadata[uuid]
        return parse_message(
            _FETCH.encode_response([(n, s) for n, s in sequences if n in names], uuids)
        )


def member(n: int) -> MemberInfo:
    return MemberInfo(
        Address("127.0.0.1", 5700 + n), uuid.UUID(int=100 + n), {}, False, MemberVersion(5, 5, 0)
    )


@pytest.mark.anyio
async def test_anti_entropy_against_two_members(
    clock: Clock, partitions: PartitionTable, serialization: SerializationService
) -> None:
    m1, m2 = member(1), member(2)
    invocations = FakeInvocations()
    u = uuid.uuid4()
    invocations.metadata[m1.uuid] = ([("m", [(0, 5), (1, 0)])], [(0, u), (1, u)])
    invocations.metadata[m2.uuid] = ([("m", [(2, 7)])], [(2, u)])
    manager = NearCacheManager(
        invocations,  # type: ignore[arg-type]
        partitions,
        FakeCluster([m1, m2]),  # type: ignore[arg-type]
        serialization.to_data,
        uuid.UUID(int=1),
        clock=clock,
    )
    cache = make_cache(clock, reconciliation_interval=30, max_tolerated_miss_count=1)
    manager.add_cache(cache)
    handler = manager.new_handler(cache)
    await manager.init_handler(handler)
    assert handler.initialized
    assert [(c.uuid, c.sequence) for c in handler.containers[:3]] == [(u, 5), (u, 0), (u, 7)]
    assert handler.missed_count() == 0
    cache.handler = handler
    manager.add_handler(handler)
    assert manager._due(clock.now) == []
    clock.now += 30
    assert manager._due(clock.now) == [handler]

    put(cache, b"in-partition-2", "v", 2)
    invocations.metadata[m2.uuid] = ([("m", [(2, 9)])], [(2, u)])  # two invalidations lost
    await manager.fetch_metadata([handler])
    assert handler.anti_entropy_runs == 1
    assert handler.container(2).stale_sequence == 9  # 2 missed > 1 tolerated: repaired
    assert cache.get(b"in-partition-2") is NOT_CACHED
    assert [names for names, _ in invocations.requests] == [["m"]] * 4

    # a member that does not answer: the others' metadata is still applied
    del invocations.metadata[m1.uuid]
    invocations.metadata[m2.uuid] = ([("m", [(2, 10)])], [(2, u)])
    await manager.fetch_metadata([handler])
    assert handler.container(2).sequence == 10

    manager.close()
    assert cache.closed


@pytest.mark.anyio
async def test_incomplete_first_metadata_is_fetched_at_the_next_run(
    clock: Clock, partitions: PartitionTable, serialization: SerializationService
) -> None:
    invocations = FakeInvocations()  # no member answers
    manager = NearCacheManager(
        invocations,  # type: ignore[arg-type]
        partitions,
        FakeCluster([member(1)]),  # type: ignore[arg-type]
        serialization.to_data,
        uuid.UUID(int=1),
        clock=clock,
    )
    cache = make_cache(clock, reconciliation_interval=0)  # anti-entropy off
    handler = manager.new_handler(cache)
    await manager.init_handler(handler)
    assert not handler.initialized
    manager.add_handler(handler)
    assert manager._due(clock.now) == [handler]  # at the next run despite the interval 0
    invocations.metadata[member(1).uuid] = ([], [(0, uuid.uuid4())])
    await manager.fetch_metadata([handler])
    assert handler.initialized
    assert manager._due(clock.now + 1000) == []
    manager.connection_added(None)
    assert manager._due(clock.now + 1) == [handler]


# -- the proxy -------------------------------------------------------------------------------

#: Map methods that change no entry (or that a Near Cache does not answer) and need no override
READ_ONLY = {
    "aggregate",
    "add_entry_listener",
    "add_index",
    "add_interceptor",
    "contains_value",
    "entry_set",
    "flush",
    "force_unlock",
    "get_entry_view",
    "is_empty",
    "is_locked",
    "key_set",
    "lock",
    "project",
    "remove_entry_listener",
    "remove_interceptor",
    "size",
    "try_lock",
    "unlock",
    "values",
}


def test_every_map_method_is_overridden_or_read_only() -> None:
    """A new Map method must be classified: does it change entries (then NearCachedMap must
    invalidate) or not?"""
    public = {
        name
        for name, member in inspect.getmembers(Map, inspect.iscoroutinefunction)
        if not name.startswith("_")
    }
    overridden = {name for name in public if getattr(NearCachedMap, name) is not getattr(Map, name)}
    unclassified = public - overridden - READ_ONLY
    assert not unclassified, f"classify these Map methods for the Near Cache: {unclassified}"
    assert overridden >= {"get", "get_all", "contains_key", "put", "clear", "destroy"}
    assert public >= READ_ONLY


def test_near_cached_map_keeps_map_signatures() -> None:
    for name in ("get", "put", "set", "put_all", "get_all", "execute_on_keys", "load_all"):
        ours = inspect.signature(getattr(NearCachedMap, name))
        theirs = inspect.signature(getattr(Map, name))
        assert list(ours.parameters) == list(theirs.parameters), name
