"""A Map fronted by a Near Cache (``near_caches`` option); see docs/near_cache.md."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Coroutine, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import anyio

from ..listener import DEREGISTRATION_GRACE, ListenerRegistration
from ..near_cache import NOT_CACHED, NearCache, NearCacheStats, RepairingHandler
from ..predicate import Predicate
from ..protocol.codecs import map as codecs
from ..protocol.frame import ClientMessage
from .base import EntryEventType, ProxyContext
from .map import KeyType, Map, ValueType

if TYPE_CHECKING:
    from ..config import NearCacheConfig
    from ..near_cache import NearCacheManager
    from ..serialization import Data

__all__ = ["NearCachedMap"]

_logger = logging.getLogger("hztrio.near_cache")

T = TypeVar("T")

_GET = codecs.MAP_GET.encode_request
_decode_value = codecs.MAP_GET.decode_response
_GET_ALL = codecs.MAP_GET_ALL.encode_request
_decode_entries = codecs.MAP_GET_ALL.decode_response
_INVALIDATION_LISTENER = codecs.MAP_ADD_NEAR_CACHE_INVALIDATION_LISTENER
_REMOVE_LISTENER = codecs.MAP_REMOVE_ENTRY_LISTENER.encode_request
_SINGLE = _INVALIDATION_LISTENER.event_types["IMapInvalidation"]
_BATCH = _INVALIDATION_LISTENER.event_types["IMapBatchInvalidation"]
_decode_single = _INVALIDATION_LISTENER.event_decoder("IMapInvalidation")
_decode_batch = _INVALIDATION_LISTENER.event_decoder("IMapBatchInvalidation")


class NearCachedMap(Map[KeyType, ValueType]):
    """A :class:`~hztrio.proxy.map.Map` whose reads are served from a Near Cache.

    ``client.get_map(name)`` returns one when ``near_caches`` configures *name*. ``get``,
    ``get_all`` and ``contains_key`` answer from the cache when they can (a hit is still a
    checkpoint) and cache what they read from the cluster; every write through this proxy
    drops the entries it may change; with ``invalidate_on_change`` the members' invalidation
    events drop entries other clients change, and missed events are detected and repaired
    (see docs/near_cache.md).

    Cancellation (all methods): as :class:`~hztrio.proxy.map.Map`. A cancelled read caches
    nothing; a cancelled write drops the entries it may change from the cache.
    """

    def __init__(
        self,
        service_name: str,
        name: str,
        context: ProxyContext,
        manager: NearCacheManager,
        config: NearCacheConfig,
    ) -> None:
        super().__init__(service_name, name, context)
        self._manager = manager
        self._near_cache = cache = NearCache(name, config)
        manager.add_cache(cache)
        self._handler: RepairingHandler | None = None
        self._listener_id: uuid.UUID | None = None
        self._ready = not config.invalidate_on_change
        self._init_lock = anyio.Lock()

    # -- set-up and tear-down ---------------------------------------------------------------

    async def _ensure_ready(self) -> None:
        """Fetch the invalidation metadata and register the invalidation listener, once.

        Raises if the listener cannot be registered (the next call tries again).
        Cancellation: nothing stays registered; the next call tries again.
        """
        if self._ready:
            await anyio.lowlevel.checkpoint()
            return
        async with self._init_lock:
            if self._ready:
                return
            cache = self._near_cache
            manager = self._manager
            listeners = self._context.listeners
            assert listeners is not None
            handler = manager.new_handler(cache)
            await manager.init_handler(handler)
            cache.handler = handler
            try:
                self._listener_id = await listeners.register(self._registration(handler))
            except BaseException:
                cache.handler = None
                cache.clear()
                raise
            self._handler = handler
            manager.add_handler(handler)
            self._ready = True

    def _registration(self, handler: RepairingHandler) -> ListenerRegistration:
        name = self.name
        flags = int(EntryEventType.INVALIDATION)

        def encode_add(local_only: bool) -> bytearray:
            return _INVALIDATION_LISTENER.encode_request(name, flags, local_only)

        def handle(message: ClientMessage) -> None:
            message_type = message.message_type
            if message_type == _SINGLE:
                handler.handle(*_decode_single(message))
            elif message_type == _BATCH:
                handler.handle_batch(*_decode_batch(message))

        return ListenerRegistration(
            encode_add=encode_add,
            decode_add=_INVALIDATION_LISTENER.decode_response,
            encode_remove=lambda server_id: _REMOVE_LISTENER(name, server_id),
            handle=handle,
        )

    async def destroy(self) -> bool:
        """Destroy the map on the cluster, then the Near Cache and its listener.

        Cancellation: the request may or may not reach the cluster; the cache is emptied
        either way.
        """
        try:
            result = await super().destroy()
        except BaseException:
            self._near_cache.clear()
            raise
        self._manager.remove(self._near_cache)
        listener_id, self._listener_id = self._listener_id, None
        if listener_id is not None:
            listeners = self._context.listeners
            assert listeners is not None
            with anyio.move_on_after(DEREGISTRATION_GRACE, shield=True):
                await listeners.deregister(listener_id)
        return result

    def near_cache_stats(self) -> NearCacheStats:
        """A snapshot of the Near Cache's statistics (hits, misses, evictions, …)."""
        return self._near_cache.stats()

    # -- reads ------------------------------------------------------------------------------

    async def get(self, key: KeyType) -> ValueType | None:
        """The value of *key*, or None if the map has no entry for it; from the Near Cache
        when it has the key (a hit still checkpoints), else from the cluster (then cached)."""
        key_data = self._key_data(key)
        if not self._ready:
            await self._ensure_ready()
        cache = self._near_cache
        cached = cache.get(key_data)
        if cached is NOT_CACHED:
            remote: ValueType | None = await self._get_remote(key_data)
            return remote
        await anyio.lowlevel.checkpoint()
        if cached is None or not cache.binary:
            value: ValueType | None = cached
            return value
        to_object = self._to_object
        return await self._deserialize(lambda: to_object(cached))

    async def _get_remote(self, key_data: Data) -> Any:
        cache = self._near_cache
        partition_id = self._partitions.get_partition_id(key_data)
        reservation = cache.try_reserve(key_data, partition_id)
        try:
            response = await self._invoke_on_partition(
                _GET(self.name, key_data, self._thread_id()), partition_id, True
            )
            value_data = _decode_value(response)
            to_object = self._to_object
            value = await self._deserialize(lambda: to_object(value_data))
        except BaseException:
            if reservation:
                cache.release(key_data, reservation)
            raise
        if reservation:
            cache.publish(key_data, reservation, value_data, value)
        return value

    async def contains_key(self, key: KeyType) -> bool:
        """Whether the map has an entry for *key* (from the Near Cache when it knows)."""
        key_data = self._key_data(key)
        if not self._ready:
            await self._ensure_ready()
        cached = self._near_cache.get(key_data)
        if cached is NOT_CACHED:
            return await super().contains_key(key)
        await anyio.lowlevel.checkpoint()
        return cached is not None

    async def get_all(self, keys: Iterable[KeyType]) -> dict[KeyType, ValueType]:
        """The entries of *keys* that exist, as a dict: those the Near Cache has from it,
        the others from the cluster (one request per partition, then cached)."""
        if not self._ready:
            await self._ensure_ready()
        cache = self._near_cache
        hits: list[tuple[KeyType, Any]] = []
        missing: dict[bytes, KeyType] = {}
        missing_data: list[Data] = []
        seen: set[bytes] = set()
        for key in keys:
            key_data = self._key_data(key)
            if key_data in seen:
                continue
            seen.add(key_data)
            cached = cache.get(key_data)
            if cached is NOT_CACHED:
                missing[key_data] = key
                missing_data.append(key_data)
            elif cached is not None:
                hits.append((key, cached))
        to_object = self._to_object
        result: dict[KeyType, ValueType] = {}
        if hits:
            if cache.binary:
                result.update(await self._deserialize(lambda: {k: to_object(v) for k, v in hits}))
            else:
                result.update(hits)
        if not missing:
            await anyio.lowlevel.checkpoint()
            return result
        by_partition: dict[int, list[bytes]] = defaultdict(list)
        reservations: dict[bytes, int] = {}
        get_partition_id = self._partitions.get_partition_id
        for key_data in missing_data:
            partition_id = get_partition_id(key_data)
            by_partition[partition_id].append(key_data)
            reservation = cache.try_reserve(key_data, partition_id)
            if reservation:
                reservations[key_data] = reservation
        name = self.name
        try:
            responses = await self._invoke_on_partitions(
                [
                    (_GET_ALL(name, key_list), partition_id)
                    for partition_id, key_list in by_partition.items()
                ]
            )
            entries = [entry for response in responses for entry in _decode_entries(response)]
            values = await self._deserialize(lambda: self._to_objects([v for _, v in entries]))
            for (entry_key, value_data), value in zip(entries, values, strict=True):
                if not isinstance(entry_key, bytes):
                    entry_key = bytes(entry_key)  # a huge key arrives as a bytearray
                reservation = reservations.pop(entry_key, 0)
                if reservation:
                    cache.publish(entry_key, reservation, value_data, value)
                key = missing[entry_key] if entry_key in missing else to_object(entry_key)
                result[key] = value
        finally:
            # keys without an entry are not cached (Java does the same)
            for reserved_key, reservation in reservations.items():
                cache.release(reserved_key, reservation)
        return result

    # -- writes: each drops the entries it may change (also if it fails or is cancelled) -----

    async def _write(self, keys: Sequence[bytes] | None, call: Coroutine[Any, Any, T]) -> T:
        """Await *call* (a write), then drop *keys* from the cache (None: every key).

        If the write fails or is cancelled, it may still happen on the cluster after this
        local invalidation; for a while the invalidation events this client causes are then
        applied too, so that a value read meanwhile does not stay cached.
        """
        try:
            return await call
        except BaseException:
            handler = self._handler
            if handler is not None:
                handler.apply_own_until = max(
                    handler.apply_own_until,
                    anyio.current_time() + self._invocations.invocation_timeout,
                )
            raise
        finally:
            cache = self._near_cache
            if keys is None:
                cache.clear()
            else:
                for key_data in keys:
                    cache.invalidate(key_data)

    async def put(
        self,
        key: KeyType,
        value: ValueType,
        ttl: float | None = None,
        max_idle: float | None = None,
    ) -> ValueType | None:
        """See :meth:`Map.put`; drops *key* from the Near Cache."""
        return await self._write(
            [self._key_data(key)], super().put(key, value, ttl=ttl, max_idle=max_idle)
        )

    async def set(
        self,
        key: KeyType,
        value: ValueType,
        ttl: float | None = None,
        max_idle: float | None = None,
    ) -> None:
        """See :meth:`Map.set`; drops *key* from the Near Cache."""
        await self._write(
            [self._key_data(key)], super().set(key, value, ttl=ttl, max_idle=max_idle)
        )

    async def put_if_absent(
        self,
        key: KeyType,
        value: ValueType,
        ttl: float | None = None,
        max_idle: float | None = None,
    ) -> ValueType | None:
        """See :meth:`Map.put_if_absent`; drops *key* from the Near Cache."""
        return await self._write(
            [self._key_data(key)],
            super().put_if_absent(key, value, ttl=ttl, max_idle=max_idle),
        )

    async def put_transient(
        self,
        key: KeyType,
        value: ValueType,
        ttl: float | None = None,
        max_idle: float | None = None,
    ) -> None:
        """See :meth:`Map.put_transient`; drops *key* from the Near Cache."""
        await self._write(
            [self._key_data(key)],
            super().put_transient(key, value, ttl=ttl, max_idle=max_idle),
        )

    async def remove(self, key: KeyType) -> ValueType | None:
        """See :meth:`Map.remove`; drops *key* from the Near Cache."""
        return await self._write([self._key_data(key)], super().remove(key))

    async def delete(self, key: KeyType) -> None:
        """See :meth:`Map.delete`; drops *key* from the Near Cache."""
        await self._write([self._key_data(key)], super().delete(key))

    async def remove_if_same(self, key: KeyType, value: ValueType) -> bool:
        """See :meth:`Map.remove_if_same`; drops *key* from the Near Cache."""
        return await self._write([self._key_data(key)], super().remove_if_same(key, value))

    async def replace(self, key: KeyType, value: ValueType) -> ValueType | None:
        """See :meth:`Map.replace`; drops *key* from the Near Cache."""
        return await self._write([self._key_data(key)], super().replace(key, value))

    async def replace_if_same(
        self, key: KeyType, old_value: ValueType, new_value: ValueType
    ) -> bool:
        """See :meth:`Map.replace_if_same`; drops *key* from the Near Cache."""
        return await self._write(
            [self._key_data(key)], super().replace_if_same(key, old_value, new_value)
        )

    async def try_put(self, key: KeyType, value: ValueType, timeout: float = 0) -> bool:  # noqa: ASYNC109
        """See :meth:`Map.try_put`; drops *key* from the Near Cache."""
        return await self._write([self._key_data(key)], super().try_put(key, value, timeout))

    async def try_remove(self, key: KeyType, timeout: float = 0) -> bool:  # noqa: ASYNC109
        """See :meth:`Map.try_remove`; drops *key* from the Near Cache."""
        return await self._write([self._key_data(key)], super().try_remove(key, timeout))

    async def set_ttl(self, key: KeyType, ttl: float) -> bool:
        """See :meth:`Map.set_ttl`; drops *key* from the Near Cache."""
        return await self._write([self._key_data(key)], super().set_ttl(key, ttl))

    async def evict(self, key: KeyType) -> bool:
        """See :meth:`Map.evict`; drops *key* from the Near Cache."""
        return await self._write([self._key_data(key)], super().evict(key))

    async def execute_on_key(self, key: KeyType, entry_processor: Any) -> Any:
        """See :meth:`Map.execute_on_key`; drops *key* from the Near Cache."""
        return await self._write(
            [self._key_data(key)], super().execute_on_key(key, entry_processor)
        )

    async def put_all(self, map: Mapping[KeyType, ValueType]) -> None:
        """See :meth:`Map.put_all`; drops its keys from the Near Cache."""
        await self._write([self._key_data(k) for k in map], super().put_all(map))

    async def execute_on_keys(
        self, keys: Iterable[KeyType], entry_processor: Any
    ) -> list[tuple[KeyType, Any]]:
        """See :meth:`Map.execute_on_keys`; drops *keys* from the Near Cache."""
        keys = list(keys)
        return await self._write(
            [self._key_data(k) for k in keys], super().execute_on_keys(keys, entry_processor)
        )

    async def load_all(
        self, keys: Iterable[KeyType] | None = None, replace_existing_values: bool = True
    ) -> None:
        """See :meth:`Map.load_all`; drops *keys* (every key if None) from the Near Cache."""
        if keys is None:
            await self._write(None, super().load_all(None, replace_existing_values))
            return
        keys = list(keys)
        await self._write(
            [self._key_data(k) for k in keys], super().load_all(keys, replace_existing_values)
        )

    async def execute_on_entries(
        self, entry_processor: Any, predicate: Predicate | None = None
    ) -> list[tuple[KeyType, Any]]:
        """See :meth:`Map.execute_on_entries`; empties the Near Cache."""
        return await self._write(None, super().execute_on_entries(entry_processor, predicate))

    async def remove_all(self, predicate: Predicate) -> None:
        """See :meth:`Map.remove_all`; empties the Near Cache."""
        await self._write(None, super().remove_all(predicate))

    async def evict_all(self) -> None:
        """See :meth:`Map.evict_all`; empties the Near Cache."""
        await self._write(None, super().evict_all())

    async def clear(self) -> None:
        """See :meth:`Map.clear`; empties the Near Cache (before and after)."""
        self._near_cache.clear()
        await self._write(None, super().clear())
