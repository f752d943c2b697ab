"""Near Cache: map entries kept on the client, invalidated by the members, repaired when
invalidations are missed.

The pieces, as in the Java client (whose semantics hztrio follows):

- :class:`NearCache` — the entries of one map, keyed by the serialized key. A read that
  misses *reserves* the key before asking the member and *publishes* the answer only if the
  reservation is still there: an invalidation that arrives while the read is in flight
  removes the reservation, so a value older than that invalidation is never cached.
  Entries expire (``time_to_live``, ``max_idle``); when the cache is full one entry is
  evicted by the configured policy. It counts hits, misses, evictions, … (:class:`NearCacheStats`).
- :class:`RepairingHandler` — per map: the invalidation metadata of every partition (the
  member's partition UUID and the last invalidation sequence seen). It applies the member's
  invalidation events (single and batched) and notices sequence gaps, i.e. invalidations
  the client never received. Each cached entry remembers the partition UUID and sequence at
  the time it was reserved; an entry whose partition UUID changed, or whose sequence is older
  than the partition's *stale sequence*, is dropped when read.
- :class:`NearCacheManager` — per client: one task that every second turns missed
  invalidations into stale sequences (once a map has missed more than
  ``max_tolerated_miss_count``), every ``reconciliation_interval`` asks every member for its
  current metadata (anti-entropy: detects the invalidations that were lost without a later
  one revealing the gap), and every few seconds drops expired entries.

Everything here is synchronous except the manager's task and the metadata fetches: the
event handlers run on the connection's reader task and only touch dictionaries.
"""

from __future__ import annotations

import enum
import itertools
import logging
import math
import random
import sys
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import anyio

from .config import EvictionPolicy, InMemoryFormat, NearCacheConfig
from .errors import HazelcastError
from .protocol.codecs import map as map_codecs
from .serialization.data import Data

if TYPE_CHECKING:
    from .cluster import ClusterService
    from .invocation import InvocationService
    from .net.connection import Connection
    from .partition import PartitionTable

__all__ = [
    "NOT_CACHED",
    "MetadataContainer",
    "NearCache",
    "NearCacheManager",
    "NearCacheRecord",
    "NearCacheStats",
    "RepairingHandler",
]

_logger = logging.getLogger("hztrio.near_cache")

_FETCH_METADATA: Final = map_codecs.MAP_FETCH_NEAR_CACHE_INVALIDATION_METADATA

#: seconds between two runs of the repairing task (Java's RepairingTask runs every second)
REPAIR_PERIOD: Final = 1.0
#: seconds between two sweeps for expired entries (Java's default expiration task period)
EXPIRATION_PERIOD: Final = 5.0
#: longest wait for one member's invalidation metadata
METADATA_FETCH_TIMEOUT: Final = 30.0


class _Sentinel(enum.Enum):
    NOT_CACHED = 0


NOT_CACHED: Final = _Sentinel.NOT_CACHED
"""What :meth:`NearCache.get` returns when it has nothing usable for the key."""

#: reservation id of a published (readable) record; reservations are positive
_READ_PERMITTED: Final = 0


class NearCacheRecord:
    """One cached entry, or a reservation for one (``reservation`` > 0)."""

    __slots__ = (
        "cached_as_null",
        "cost",
        "creation_time",
        "expiration_time",
        "hits",
        "key",
        "last_access_time",
        "partition_id",
        "partition_uuid",
        "reservation",
        "sequence",
        "slot",
        "value",
    )

    def __init__(self, key: bytes, reservation: int, partition_id: int, now: float) -> None:
        self.key = key
        self.value: Any = None
        #: the member had no entry for the key (a cached "absent")
        self.cached_as_null = False
        self.reservation = reservation
        self.partition_id = partition_id
        #: the partition's UUID and invalidation sequence when the record was reserved
        self.partition_uuid: uuid.UUID | None = None
        self.sequence = 0
        self.creation_time = now
        self.expiration_time = math.inf
        self.last_access_time = now
        self.hits = 0
        #: estimated bytes (see NearCache.stats)
        self.cost = 0
        #: index in NearCache._slots (for random sampling)
        self.slot = -1

    def __repr__(self) -> str:
        state = f"reserved {self.reservation}" if self.reservation else "published"
        return (
            f"NearCacheRecord(key={self.key!r}, {state}, partition={self.partition_id}, "
            f"sequence={self.sequence}, hits={self.hits})"
        )


# a rough per-entry overhead: the record object, its value slot and the dictionary entry
_RECORD_OVERHEAD: Final = (
    sys.getsizeof(NearCacheRecord(b"", 0, 0, 0.0)) + sys.getsizeof(0.0) * 3 + 100
)


@dataclass(frozen=True, slots=True)
class NearCacheStats:
    """A snapshot of a Near Cache's statistics (``map.near_cache_stats()``).

    The names are those of Java's ``NearCacheStats``.
    """

    creation_time: float
    """When the Near Cache was created: seconds since the epoch."""
    owned_entry_count: int
    """Entries in the cache (reads in flight not counted)."""
    owned_entry_memory_cost: int
    """Estimated bytes the entries take: serialized key and value sizes plus a fixed
    per-entry overhead (for OBJECT format too: the serialized size stands for the value)."""
    hits: int
    """Reads answered from the cache."""
    misses: int
    """Reads the cache could not answer (absent, in flight, expired or stale): every
    ``get``/``contains_key`` of a key and every key of a ``get_all`` is a hit or a miss."""
    ratio: float
    """``hits / misses * 100``, Java's definition: ``nan`` before any read, ``inf`` with
    hits and no misses."""
    evictions: int
    """Entries removed to make room (eviction policy)."""
    expirations: int
    """Entries removed because ``time_to_live`` or ``max_idle`` passed."""
    invalidations: int
    """Entries removed because they changed: a local write, an invalidation event from a
    member, a ``clear``, or repair found them stale."""
    invalidation_requests: int
    """Invalidations asked for, whether or not the key was cached (a ``clear`` counts one)."""
    stale_reads: int
    """hztrio extension: reads that found an entry which repair had marked stale (counted
    in ``misses`` and ``invalidations`` too)."""


def _ratio(hits: int, misses: int) -> float:
    if misses == 0:
        return math.nan if hits == 0 else math.inf
    return hits / misses * 100.0


class NearCache:
    """The Near Cache of one map (see the module documentation).

    Keys are serialized keys (``bytes``). In BINARY format values are kept serialized and
    deserialized at every hit (each caller gets its own object); in OBJECT format they are
    kept deserialized and every hit returns the same object.

    *clock* gives the current time in seconds (``anyio.current_time`` by default).
    """

    def __init__(
        self,
        name: str,
        config: NearCacheConfig,
        *,
        clock: Callable[[], float] = anyio.current_time,
        rng: random.Random | None = None,
    ) -> None:
        self.name = name
        self.config = config
        self.binary = config.in_memory_format == InMemoryFormat.BINARY
        self._clock = clock
        self._random = rng if rng is not None else random.Random()
        # 0 means no limit, as in Java (None too)
        self._ttl = config.time_to_live or math.inf
        self._max_idle = config.max_idle or math.inf
        self._policy = config.eviction_policy
        self._lru = self._policy == EvictionPolicy.LRU
        self._max_size = config.eviction_max_size
        self._sampling_count = config.eviction_sampling_count
        self._pool_size = config.eviction_sampling_pool_size
        #: serialized key → record, least recently used first (for LRU)
        self._records: OrderedDict[bytes, NearCacheRecord] = OrderedDict()
        #: every record, in no order, for random sampling
        self._slots: list[NearCacheRecord] = []
        #: eviction candidates (LFU), best first
        self._pool: list[NearCacheRecord] = []
        self._reservation_ids = itertools.count(1)
        #: the stale read detector; None: invalidate_on_change is off (entries are never stale)
        self.handler: RepairingHandler | None = None
        self.closed = False
        # statistics
        self.creation_time = time.time()  # a wall-clock timestamp for display only
        self.owned_entry_count = 0
        self.owned_entry_memory_cost = 0
        self.hits = 0
        self.misses = 0
        self.evictions = 0
        self.expirations = 0
        self.invalidations = 0
        self.invalidation_requests = 0
        self.stale_reads = 0

    def __repr__(self) -> str:
        return f"NearCache(name={self.name!r}, entries={self.owned_entry_count})"

    def __len__(self) -> int:
        """Records held, reservations included."""
        return len(self._records)

    def __contains__(self, key: object) -> bool:
        """Whether *key* (serialized) has a readable entry (no statistics, no expiry check)."""
        record = self._records.get(key) if isinstance(key, bytes) else None
        return record is not None and not record.reservation

    # -- reads ------------------------------------------------------------------------------

    def get(self, key: bytes) -> Any:
        """The cached value of *key*, or :data:`NOT_CACHED`; counts a hit or a miss.

        The value is the serialized value (BINARY) or the object (OBJECT), or None if the
        member had no entry for the key. An expired entry is removed (an expiration) and a
        stale one too (an invalidation); both count as misses.
        """
        record = self._records.get(key)
        if record is None or record.reservation:
            self.misses += 1
            return NOT_CACHED
        handler = self.handler
        if handler is not None and handler.is_stale(record):
            self._remove(record)
            self.invalidations += 1
            self.stale_reads += 1
            self.misses += 1
            return NOT_CACHED
        now = self._clock()
        if record.expiration_time <= now or record.last_access_time + self._max_idle < now:
            self._remove(record)
            self.expirations += 1
            self.misses += 1
            return NOT_CACHED
        record.last_access_time = now
        record.hits += 1
        self.hits += 1
        if self._lru:
            self._records.move_to_end(key)
        return record.value

    # -- reservations -----------------------------------------------------------------------

    def try_reserve(self, key: bytes, partition_id: int) -> int:
        """Reserve *key* before reading it from the cluster; return the reservation id, or 0
        if the value must not be cached (the key is already reserved or cached, the cache
        is full and its policy is NONE, or the cache is closed).

        The record captures the partition's invalidation metadata now: an invalidation
        missed while the read is in flight makes it stale.
        """
        if self.closed:
            return 0
        records = self._records
        if key in records:
            return 0
        if len(records) >= self._max_size:
            if self._policy == EvictionPolicy.NONE:
                return 0
            self._evict()
        reservation = next(self._reservation_ids)
        record = NearCacheRecord(key, reservation, partition_id, self._clock())
        handler = self.handler
        if handler is not None:
            container = handler.container(partition_id)
            record.partition_uuid = container.uuid
            record.sequence = container.sequence
        records[key] = record
        record.slot = len(self._slots)
        self._slots.append(record)
        return reservation

    def publish(self, key: bytes, reservation: int, value_data: bytes | None, value: Any) -> bool:
        """Cache the value read for a reservation; False if the reservation is gone (the key
        was invalidated meanwhile) and nothing was cached.

        *value_data* is the value as the member sent it (None: no entry), *value* the same
        deserialized.
        """
        record = self._records.get(key)
        if record is None or record.reservation != reservation:
            return False
        record.reservation = _READ_PERMITTED
        if value_data is None:
            record.cached_as_null = True
            record.value = None
        else:
            record.value = value_data if self.binary else value
        record.cost = _RECORD_OVERHEAD + len(key) + (len(value_data) if value_data else 0)
        record.expiration_time = record.creation_time + self._ttl
        self.owned_entry_count += 1
        self.owned_entry_memory_cost += record.cost
        return True

    def release(self, key: bytes, reservation: int) -> None:
        """Drop a reservation whose read failed or was cancelled (no statistics change)."""
        record = self._records.get(key)
        if record is not None and record.reservation == reservation:
            self._remove(record)

    # -- invalidation -----------------------------------------------------------------------

    def invalidate(self, key: bytes) -> None:
        """Remove *key*'s entry, or its reservation (so that the read in flight is not cached)."""
        self.invalidation_requests += 1
        record = self._records.get(key)
        if record is not None:
            self._remove(record)
            if not record.reservation:
                self.invalidations += 1

    def clear(self) -> None:
        """Remove every entry and reservation."""
        self.invalidation_requests += 1
        self.invalidations += self.owned_entry_count
        self._records.clear()
        self._slots.clear()
        self._pool.clear()
        self.owned_entry_count = 0
        self.owned_entry_memory_cost = 0

    def close(self) -> None:
        """Clear and stop caching (the map was destroyed or the client shut down)."""
        self.closed = True
        self.clear()

    def expire(self) -> int:
        """Remove every expired entry; return how many (the periodic sweep)."""
        now = self._clock()
        max_idle = self._max_idle
        expired = [
            r
            for r in self._records.values()
            if not r.reservation
            and (r.expiration_time <= now or r.last_access_time + max_idle < now)
        ]
        for record in expired:
            self._remove(record)
        self.expirations += len(expired)
        return len(expired)

    @property
    def expires(self) -> bool:
        """Whether entries can expire (time_to_live or max_idle is set)."""
        return self._ttl < math.inf or self._max_idle < math.inf

    # -- statistics -------------------------------------------------------------------------

    def stats(self) -> NearCacheStats:
        return NearCacheStats(
            creation_time=self.creation_time,
            owned_entry_count=self.owned_entry_count,
            owned_entry_memory_cost=self.owned_entry_memory_cost,
            hits=self.hits,
            misses=self.misses,
            ratio=_ratio(self.hits, self.misses),
            evictions=self.evictions,
            expirations=self.expirations,
            invalidations=self.invalidations,
            invalidation_requests=self.invalidation_requests,
            stale_reads=self.stale_reads,
        )

    # -- internals --------------------------------------------------------------------------

    def _remove(self, record: NearCacheRecord) -> None:
        del self._records[record.key]
        slots = self._slots
        last = slots.pop()
        if last is not record:
            slots[record.slot] = last
            last.slot = record.slot
        record.slot = -1
        if not record.reservation:
            self.owned_entry_count -= 1
            self.owned_entry_memory_cost -= record.cost

    def _is_expired(self, record: NearCacheRecord, now: float) -> bool:
        return record.expiration_time <= now or record.last_access_time + self._max_idle < now

    def _sample(self) -> list[NearCacheRecord]:
        slots = self._slots
        count = self._sampling_count
        if len(slots) <= count:
            return list(slots)
        return [slots[i] for i in self._random.sample(range(len(slots)), count)]

    def _evict(self) -> None:
        """Make room for one record: expired entries among a random sample go first; if
        none did, one entry goes by the eviction policy."""
        now = self._clock()
        sample = self._sample()
        expired = False
        for record in sample:
            if not record.reservation and self._is_expired(record, now):
                self._remove(record)
                self.expirations += 1
                expired = True
        if expired and len(self._records) < self._max_size:
            return
        victim = self._victim([r for r in sample if r.slot >= 0 and not r.reservation])
        if victim is not None:
            self._remove(victim)
            self.evictions += 1

    def _victim(self, sample: list[NearCacheRecord]) -> NearCacheRecord | None:
        policy = self._policy
        if policy == EvictionPolicy.RANDOM:
            if sample:
                return sample[0] if len(sample) == 1 else self._random.choice(sample)
            return self._oldest()
        if policy == EvictionPolicy.LFU:
            records = self._records
            pool = [r for r in self._pool if records.get(r.key) is r and not r.reservation]
            in_pool = {id(r) for r in pool}
            pool.extend(r for r in sample if id(r) not in in_pool)
            pool.sort(key=_lfu_score)
            del pool[self._pool_size :]
            self._pool = pool
            if pool:
                return pool.pop(0)
            return self._oldest()
        return self._oldest()  # LRU: exact

    def _oldest(self) -> NearCacheRecord | None:
        """The least recently used readable record (insertion order for other policies)."""
        for record in self._records.values():
            if not record.reservation:
                return record
        return None


def _lfu_score(record: NearCacheRecord) -> tuple[int, float]:
    return (record.hits, record.last_access_time)


# ---------------------------------------------------------------------------------------------
# repair


class MetadataContainer:
    """Invalidation metadata of one partition, as this client knows it."""

    __slots__ = ("missed", "sequence", "stale_sequence", "uuid")

    def __init__(self) -> None:
        #: the member's UUID for the partition's invalidation sequence (new after a
        #: migration or a restart: the sequence restarts then)
        self.uuid: uuid.UUID | None = None
        #: the highest invalidation sequence seen
        self.sequence = 0
        #: records whose sequence is below this are stale
        self.stale_sequence = 0
        #: invalidations known to be missed and not yet repaired
        self.missed = 0

    def __repr__(self) -> str:
        return (
            f"MetadataContainer(uuid={self.uuid}, sequence={self.sequence}, "
            f"stale_sequence={self.stale_sequence}, missed={self.missed})"
        )


class RepairingHandler:
    """Applies a map's invalidation events and keeps its partitions' metadata (see the
    module documentation); the Near Cache asks it whether a record is stale."""

    def __init__(
        self,
        name: str,
        cache: NearCache,
        partitions: PartitionTable,
        name_data: Data,
        local_uuid: uuid.UUID,
        *,
        clock: Callable[[], float] = anyio.current_time,
    ) -> None:
        self.name = name
        self.cache = cache
        self._partitions = partitions
        self._name_data = name_data
        self.local_uuid = local_uuid
        self._clock = clock
        self._containers: list[MetadataContainer] = [
            MetadataContainer() for _ in range(partitions.partition_count)
        ]
        self.reconciliation_interval = cache.config.reconciliation_interval
        self.max_tolerated_miss_count = cache.config.max_tolerated_miss_count
        #: when anti-entropy is due next
        self.next_anti_entropy = clock() + self.reconciliation_interval
        #: whether every data member has sent its metadata at least once
        self.initialized = False
        #: until then, invalidations caused by this client are applied too (a write of this
        #: client failed or was cancelled: it may still happen after its local invalidation)
        self.apply_own_until = -math.inf
        # counters, for tests and logs
        self.events = 0
        self.batch_events = 0
        self.anti_entropy_runs = 0
        self.repairs = 0

    def __repr__(self) -> str:
        return f"RepairingHandler(name={self.name!r})"

    def container(self, partition_id: int) -> MetadataContainer:
        containers = self._containers
        if partition_id >= len(containers):
            containers.extend(
                MetadataContainer() for _ in range(partition_id + 1 - len(containers))
            )
        return containers[partition_id]

    @property
    def containers(self) -> Sequence[MetadataContainer]:
        return self._containers

    def is_stale(self, record: NearCacheRecord) -> bool:
        """Java's StaleReadDetector: the partition UUID changed since the record was
        reserved, or its sequence is older than the partition's stale sequence."""
        container = self.container(record.partition_id)
        return (
            record.partition_uuid is None
            or record.partition_uuid != container.uuid
            or record.sequence < container.stale_sequence
        )

    # -- events (on the reader task) ------------------------------------------------------

    def handle(
        self,
        key: bytes | None,
        source_uuid: uuid.UUID | None,
        partition_uuid: uuid.UUID | None,
        sequence: int,
    ) -> None:
        """One invalidation: drop the key (None: every key), then check the metadata.

        Invalidations this client caused are not applied (its writes invalidated the
        cache at once), unless one of its writes is in doubt.
        """
        self.events += 1
        self._handle(key, source_uuid, partition_uuid, sequence)

    def handle_batch(
        self,
        keys: Sequence[bytes],
        source_uuids: Sequence[uuid.UUID | None],
        partition_uuids: Sequence[uuid.UUID | None],
        sequences: Sequence[int],
    ) -> None:
        """A batch of invalidations, handled one by one."""
        self.batch_events += 1
        for key, source, partition_uuid, sequence in zip(
            keys, source_uuids, partition_uuids, sequences, strict=False
        ):
            self._handle(key, source, partition_uuid, sequence)

    def _handle(
        self,
        key: bytes | None,
        source_uuid: uuid.UUID | None,
        partition_uuid: uuid.UUID | None,
        sequence: int,
    ) -> None:
        if key is not None and not isinstance(key, bytes):
            key = bytes(key)  # a huge key arrives as a bytearray (received in place)
        if source_uuid != self.local_uuid or self._clock() < self.apply_own_until:
            if key is None:
                self.cache.clear()
            else:
                self.cache.invalidate(key)
        if key is None:
            partition_id = self._partitions.get_partition_id(self._name_data)
        else:
            partition_id = self._partitions.get_partition_id(Data(key))
        if partition_id < 0:
            return
        if partition_uuid is not None:
            self.check_or_repair_uuid(partition_id, partition_uuid)
        self.check_or_repair_sequence(partition_id, sequence, via_anti_entropy=False)

    # -- metadata ----------------------------------------------------------------------------

    def check_or_repair_uuid(self, partition_id: int, partition_uuid: uuid.UUID) -> None:
        """A different partition UUID: the member lost or moved the partition's data; its
        sequence starts again (records of the old UUID are stale from now on)."""
        container = self.container(partition_id)
        if container.uuid == partition_uuid:
            return
        container.uuid = partition_uuid
        container.sequence = 0
        container.stale_sequence = 0

    def check_or_repair_sequence(
        self, partition_id: int, sequence: int, *, via_anti_entropy: bool
    ) -> None:
        """Take a newer sequence; count the sequences skipped as missed invalidations.

        From an event, sequence n after n - 1 misses nothing; from anti-entropy, any
        difference is missed (the member's latest sequence was never received).
        """
        container = self.container(partition_id)
        current = container.sequence
        if current >= sequence:
            return
        container.sequence = sequence
        missed = sequence - current if via_anti_entropy else sequence - current - 1
        if missed > 0:
            container.missed += missed

    def init_metadata(
        self,
        partition_uuids: Iterable[tuple[int, uuid.UUID]],
        sequences: Iterable[tuple[int, int]],
    ) -> None:
        """The first metadata of the map: taken as it is, nothing counts as missed."""
        for partition_id, partition_uuid in partition_uuids:
            self.container(partition_id).uuid = partition_uuid
        for partition_id, sequence in sequences:
            container = self.container(partition_id)
            container.sequence = max(container.sequence, sequence)

    def repair_metadata(
        self,
        partition_uuids: Iterable[tuple[int, uuid.UUID]],
        sequences: Iterable[tuple[int, int]],
    ) -> None:
        """Metadata from anti-entropy: check UUIDs, then sequences."""
        for partition_id, partition_uuid in partition_uuids:
            self.check_or_repair_uuid(partition_id, partition_uuid)
        for partition_id, sequence in sequences:
            self.check_or_repair_sequence(partition_id, sequence, via_anti_entropy=True)

    def missed_count(self) -> int:
        return sum(container.missed for container in self._containers)

    def fix_sequence_gaps(self) -> bool:
        """If more invalidations were missed than tolerated, make every record that may
        have missed one stale (each partition with misses: its stale sequence becomes its
        current sequence). True if it did."""
        if self.missed_count() <= self.max_tolerated_miss_count:
            return False
        for container in self._containers:
            if container.missed:
                container.missed = 0
                if container.stale_sequence < container.sequence:
                    container.stale_sequence = container.sequence
        self.repairs += 1
        _logger.debug("near cache %r: missed invalidations, stale entries dropped", self.name)
        return True


# ---------------------------------------------------------------------------------------------
# the per-client manager and its task


class NearCacheManager:
    """The Near Caches of one client and their repairing task (Java's RepairingTask plus
    the expiration task).

    :meth:`run` is the task: the client starts it when its first near-cached map is created
    and cancels it on shutdown, which closes every Near Cache.
    """

    def __init__(
        self,
        invocations: InvocationService,
        partitions: PartitionTable,
        cluster: ClusterService,
        to_data: Callable[[Any], Data | None],
        client_uuid: uuid.UUID,
        *,
        smart: bool = True,
        clock: Callable[[], float] = anyio.current_time,
    ) -> None:
        self._invocations = invocations
        #: smart routing: send each member its metadata request; else any member forwards it
        self._smart = smart
        self._partitions = partitions
        self._cluster = cluster
        self._to_data = to_data
        self.client_uuid = client_uuid
        self._clock = clock
        self.caches: dict[str, NearCache] = {}
        self.handlers: dict[str, RepairingHandler] = {}
        self.closed = False
        self.repair_period = REPAIR_PERIOD
        self.expiration_period = EXPIRATION_PERIOD
        #: run anti-entropy for every map at this time (a connection was added)
        self._anti_entropy_all_at = math.inf
        self._fetching = False

    # -- registry ---------------------------------------------------------------------------

    def add_cache(self, cache: NearCache) -> None:
        if self.closed:
            cache.close()
        self.caches[cache.name] = cache

    def new_handler(self, cache: NearCache) -> RepairingHandler:
        """A repairing handler for *cache* (not yet registered with :meth:`add_handler`)."""
        name_data = self._to_data(cache.name)
        assert name_data is not None
        return RepairingHandler(
            cache.name, cache, self._partitions, name_data, self.client_uuid, clock=self._clock
        )

    def add_handler(self, handler: RepairingHandler) -> None:
        """Repair *handler* from now on (first anti-entropy after its interval; at the next
        run if its first metadata was incomplete)."""
        delay = handler.reconciliation_interval if handler.initialized else 0.0
        handler.next_anti_entropy = self._clock() + delay
        self.handlers[handler.name] = handler

    def remove(self, cache: NearCache) -> None:
        """Forget *cache* and its handler (the map was destroyed) and close it."""
        if self.caches.get(cache.name) is cache:
            del self.caches[cache.name]
        handler = self.handlers.get(cache.name)
        if handler is not None and handler.cache is cache:
            del self.handlers[cache.name]
        cache.close()

    def clear_all(self) -> None:
        """Empty every Near Cache (the client connected to a different cluster)."""
        for cache in self.caches.values():
            cache.clear()

    def close(self) -> None:
        self.closed = True
        for cache in self.caches.values():
            cache.close()

    def connection_added(self, connection: Connection) -> None:
        """A connection was (re)established: events may have been lost meanwhile. Check
        every map's metadata soon (after the listeners are registered on it again)."""
        self._anti_entropy_all_at = min(
            self._anti_entropy_all_at, self._clock() + self.repair_period
        )

    # -- the task ---------------------------------------------------------------------------

    async def run(self) -> None:
        """Repair every second, sweep for expired entries, run anti-entropy when due.

        Runs until cancelled (the client shuts down); then every Near Cache is closed.
        """
        try:
            async with anyio.create_task_group() as tg:
                last_sweep = self._clock()
                while True:
                    await anyio.sleep(self.repair_period)
                    now = self._clock()
                    for handler in list(self.handlers.values()):
                        handler.fix_sequence_gaps()
                    if now - last_sweep >= self.expiration_period:
                        last_sweep = now
                        for cache in list(self.caches.values()):
                            if cache.expires:
                                cache.expire()
                    due = self._due(now)
                    if due and not self._fetching:
                        self._fetching = True
                        tg.start_soon(self._anti_entropy, due)
        finally:
            self.close()

    def _due(self, now: float) -> list[RepairingHandler]:
        handlers = list(self.handlers.values())
        if now >= self._anti_entropy_all_at:
            self._anti_entropy_all_at = math.inf
            return handlers
        return [
            h
            for h in handlers
            if (h.reconciliation_interval > 0 or not h.initialized) and now >= h.next_anti_entropy
        ]

    async def _anti_entropy(self, handlers: list[RepairingHandler]) -> None:
        try:
            await self.fetch_metadata(handlers)
        finally:
            self._fetching = False
            now = self._clock()
            for handler in handlers:
                handler.next_anti_entropy = now + handler.reconciliation_interval

    async def fetch_metadata(self, handlers: Sequence[RepairingHandler]) -> None:
        """Anti-entropy: ask every data member for the metadata of these maps, repair it,
        then drop what the misses made stale.

        A member that does not answer is skipped (logged). Cancellation: stops; what was
        received so far has been applied.
        """
        by_name = {h.name: h for h in handlers}
        responses, complete = await self._fetch(list(by_name))
        for sequences_by_name, partition_uuids in responses:
            sequences = dict(sequences_by_name)
            for name, handler in by_name.items():
                if self.handlers.get(name) is handler:
                    handler.repair_metadata(partition_uuids, sequences.get(name, ()))
        for handler in by_name.values():
            handler.anti_entropy_runs += 1
            if complete:
                handler.initialized = True
            handler.fix_sequence_gaps()

    async def init_handler(self, handler: RepairingHandler) -> None:
        """The first metadata of a new near-cached map, before anything is cached.

        If a member does not answer, the map starts without its partitions' metadata (their
        entries count as stale until the next run of the task fetches it). Cancellation:
        stops; nothing is kept.
        """
        responses, complete = await self._fetch([handler.name])
        for sequences_by_name, partition_uuids in responses:
            sequences = dict(sequences_by_name).get(handler.name, ())
            handler.init_metadata(partition_uuids, sequences)
        handler.initialized = complete

    async def _fetch(self, names: list[str]) -> tuple[list[Any], bool]:
        """``(responses, whether every data member answered)``."""
        members = self._cluster.get_members(lambda m: not m.lite_member)
        responses: list[Any] = []

        async def fetch_from(member_uuid: uuid.UUID) -> None:
            try:
                with anyio.fail_after(METADATA_FETCH_TIMEOUT):
                    message = await self._invocations.invoke(
                        _FETCH_METADATA.encode_request(names, member_uuid),
                        uuid=member_uuid if self._smart else None,
                    )
                responses.append(_FETCH_METADATA.decode_response(message))
            except (HazelcastError, TimeoutError) as exc:
                _logger.debug(
                    "no near cache invalidation metadata from member %s: %r", member_uuid, exc
                )

        async with anyio.create_task_group() as tg:
            for member in members:
                tg.start_soon(fetch_from, member.uuid)
        return responses, bool(members) and len(responses) == len(members)
