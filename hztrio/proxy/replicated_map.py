"""A map replicated in full to every member (``ReplicatedMap``)."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from numbers import Real
from typing import Any, Generic, TypeVar

import anyio

from ..errors import SchemaNotFoundError
from ..listener import DEFAULT_BUFFER_SIZE, EventSubscription
from ..predicate import Predicate
from ..protocol.codecs import replicated_map as codecs
from ..protocol.frame import ClientMessage
from .base import EntryEvent, EntryEventType
from .entry_listener import AddListener, EntryEventCallable, EntryListenerProxy

KeyType = TypeVar("KeyType")
ValueType = TypeVar("ValueType")

REPLICATED_MAP_SERVICE = "hz:impl:replicatedMapService"

_PUT = codecs.REPLICATED_MAP_PUT.encode_request
_GET = codecs.REPLICATED_MAP_GET.encode_request
_REMOVE = codecs.REPLICATED_MAP_REMOVE.encode_request
_CONTAINS_KEY = codecs.REPLICATED_MAP_CONTAINS_KEY.encode_request
_CONTAINS_VALUE = codecs.REPLICATED_MAP_CONTAINS_VALUE.encode_request
_SIZE = codecs.REPLICATED_MAP_SIZE.encode_request
_IS_EMPTY = codecs.REPLICATED_MAP_IS_EMPTY.encode_request
_CLEAR = codecs.REPLICATED_MAP_CLEAR.encode_request
_PUT_ALL = codecs.REPLICATED_MAP_PUT_ALL.encode_request
_KEY_SET = codecs.REPLICATED_MAP_KEY_SET.encode_request
_VALUES = codecs.REPLICATED_MAP_VALUES.encode_request
_ENTRY_SET = codecs.REPLICATED_MAP_ENTRY_SET
_ADD_LISTENER = codecs.REPLICATED_MAP_ADD_ENTRY_LISTENER
_ADD_LISTENER_TO_KEY = codecs.REPLICATED_MAP_ADD_ENTRY_LISTENER_TO_KEY
_ADD_LISTENER_WITH_PREDICATE = codecs.REPLICATED_MAP_ADD_ENTRY_LISTENER_WITH_PREDICATE
_ADD_LISTENER_TO_KEY_WITH_PREDICATE = codecs.REPLICATED_MAP_ADD_ENTRY_LISTENER_TO_KEY_WITH_PREDICATE

_data_response = codecs.REPLICATED_MAP_GET.decode_response  # every nullable Data alike
_bool_response = codecs.REPLICATED_MAP_CONTAINS_KEY.decode_response
_int_response = codecs.REPLICATED_MAP_SIZE.decode_response
_list_response = codecs.REPLICATED_MAP_KEY_SET.decode_response

#: the kinds of entry events a replicated map's member reports (EVICTED: a TTL ran out)
REPLICATED_MAP_EVENTS = (
    EntryEventType.ADDED
    | EntryEventType.REMOVED
    | EntryEventType.UPDATED
    | EntryEventType.EVICTED
    | EntryEventType.CLEAR_ALL
)


class ReplicatedMap(EntryListenerProxy, Generic[KeyType, ValueType]):
    """A map replicated in full to every member (``ReplicatedMap``).

    Every member holds every entry; a write is applied on one member and copied to the
    others asynchronously, so a read right after a write through another member may not see
    it yet (eventual consistency). Keys and values are serialized on the client and compared
    in serialized form on the cluster.

    Routing, as in the official clients: calls with a key go to that key's partition owner;
    reads without a key (:meth:`size`, :meth:`values`, …) go to one partition chosen at random
    once per proxy, so that one client's reads see one member's copy while different clients
    spread their reads over the cluster.

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster; a read has no effect either way.
    """

    _REMOVE_LISTENER = codecs.REPLICATED_MAP_REMOVE_ENTRY_LISTENER
    _EVENT_TYPES = REPLICATED_MAP_EVENTS
    _KIND = "replicated map"

    def __init__(self, service_name: str, name: str, context: Any) -> None:
        super().__init__(service_name, name, context)
        self._read_partition = -1

    def _read_partition_id(self) -> int:
        """The partition of this proxy's reads without a key: chosen at random on first use
        (-1, any member, while the client does not know the partition count yet)."""
        partition_id = self._read_partition
        if partition_id < 0:
            count = self._partitions.partition_count
            if count > 0:
                partition_id = self._read_partition = random.randrange(count)
        return partition_id

    def _read(self, request: bytearray) -> Any:
        return self._invoke_on_partition(request, self._read_partition_id(), True)

    # -- one key ----------------------------------------------------------------------------

    async def put(self, key: KeyType, value: ValueType, ttl: float = 0) -> ValueType | None:
        """Set *key* to *value*; return the previous value (None if there was none).

        *ttl*: seconds the entry lives, after which every member drops it (an ``EVICTED``
        event); 0: forever.
        """
        key_data = self._key_data(key)
        value_data = self._value_data(value)
        response = await self._invoke_on_key(
            _PUT(self.name, key_data, value_data, _ttl_millis(ttl)), key_data
        )
        return await self._object(_data_response(response))

    async def get(self, key: KeyType) -> ValueType | None:
        """The value of *key*, or None if there is none (in the copy of the member asked)."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(_GET(self.name, key_data), key_data, True)
        return await self._object(_data_response(response))

    async def remove(self, key: KeyType) -> ValueType | None:
        """Remove the entry of *key*; return its value (None if there was none)."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(_REMOVE(self.name, key_data), key_data)
        return await self._object(_data_response(response))

    async def contains_key(self, key: KeyType) -> bool:
        """Whether the map has an entry for *key*."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(_CONTAINS_KEY(self.name, key_data), key_data, True)
        return bool(_bool_response(response))

    # -- the whole map ----------------------------------------------------------------------

    async def contains_value(self, value: ValueType) -> bool:
        """Whether some entry has *value*."""
        value_data = self._value_data(value)
        return bool(_bool_response(await self._read(_CONTAINS_VALUE(self.name, value_data))))

    async def size(self) -> int:
        """The number of entries."""
        return int(_int_response(await self._read(_SIZE(self.name))))

    async def is_empty(self) -> bool:
        """Whether the map has no entries."""
        return bool(_bool_response(await self._read(_IS_EMPTY(self.name))))

    async def key_set(self) -> list[KeyType]:
        """Every key (a snapshot, in no particular order)."""
        return await self._objects(await self._read(_KEY_SET(self.name)))

    async def values(self) -> list[ValueType]:
        """Every value (a snapshot, in no particular order)."""
        return await self._objects(await self._read(_VALUES(self.name)))

    async def entry_set(self) -> list[tuple[KeyType, ValueType]]:
        """Every entry as a ``(key, value)`` pair (a snapshot, in no particular order)."""
        response = await self._read(_ENTRY_SET.encode_request(self.name))
        pairs = _ENTRY_SET.decode_response(response)
        to_object_pairs = self._to_object_pairs
        return await self._deserialize(lambda: to_object_pairs(pairs))

    async def put_all(self, source: Mapping[KeyType, ValueType]) -> None:
        """Set every entry of *source* (one request; the member it reaches writes each entry
        and replicates it).

        Not atomic: if it fails, some entries may have been written.
        """
        if not isinstance(source, Mapping):
            raise TypeError(f"source must be a mapping, got {source!r}")
        entries = [
            (self._key_data(key), self._entry_value_data(value)) for key, value in source.items()
        ]
        if not entries:
            await anyio.lowlevel.checkpoint()
            return
        await self._invoke(_PUT_ALL(self.name, entries))

    async def clear(self) -> None:
        """Remove every entry, on every member (a ``CLEAR_ALL`` event)."""
        await self._invoke(_CLEAR(self.name))

    # -- entry events -----------------------------------------------------------------------

    async def add_entry_listener(
        self,
        key: KeyType | None = None,
        predicate: Predicate | None = None,
        added_func: EntryEventCallable | None = None,
        removed_func: EntryEventCallable | None = None,
        updated_func: EntryEventCallable | None = None,
        evicted_func: EntryEventCallable | None = None,
        clear_all_func: EntryEventCallable | None = None,
    ) -> str:
        """Call the given functions with an :class:`~hztrio.proxy.base.EntryEvent` for each
        change of the map (of *key* only, if given; of entries *predicate* matches, if
        given); return a registration id for :meth:`remove_entry_listener`.

        Events always carry the values: ``value`` is the new one (``ADDED``, ``UPDATED``),
        ``old_value`` the one replaced or gone (``UPDATED``, ``REMOVED``, ``EVICTED``).
        ``EVICTED`` is an entry whose TTL ran out; ``CLEAR_ALL`` (from :meth:`clear`) has
        ``number_of_affected_entries``. A function may be plain or ``async def``; they run
        in a task of their own, in order, never on the client's reader. The listener is
        registered on every member and survives reconnections. Cancellation: nothing stays
        registered.
        """
        funcs = {
            EntryEventType.ADDED: added_func,
            EntryEventType.REMOVED: removed_func,
            EntryEventType.UPDATED: updated_func,
            EntryEventType.EVICTED: evicted_func,
            EntryEventType.CLEAR_ALL: clear_all_func,
        }
        add = self._add_listener(key, predicate)
        return await self._add_entry_listener(funcs, add)

    def entry_events(
        self,
        key: KeyType | None = None,
        predicate: Predicate | None = None,
        event_types: EntryEventType | None = None,
        *,
        buffer_size: int = DEFAULT_BUFFER_SIZE,
    ) -> EventSubscription[EntryEvent]:
        """Entry events (of *key* only, of entries *predicate* matches, if given) as an async
        iterator: every kind (``ADDED``, ``REMOVED``, ``UPDATED``, ``EVICTED``,
        ``CLEAR_ALL``) unless *event_types* narrows it::

            async with replicated.entry_events() as events:
                async for event in events:
                    print(event.event_type.name, event.key, event.value)

        Registered on entering the block (on every member), removed on leaving it. See
        :class:`~hztrio.listener.EventSubscription` for the buffer and overflow policy.
        """
        return self._entry_events(self._add_listener(key, predicate), event_types, buffer_size)

    def _add_listener(self, key: Any, predicate: Predicate | None) -> AddListener:
        name = self.name
        key_data = None if key is None else self._key_data(key)
        predicate_data = None if predicate is None else self._predicate_data(predicate)
        if key_data is not None and predicate_data is not None:
            codec = _ADD_LISTENER_TO_KEY_WITH_PREDICATE

            def encode_add(local_only: bool) -> bytearray:
                return codec.encode_request(name, key_data, predicate_data, local_only)

        elif key_data is not None:
            codec = _ADD_LISTENER_TO_KEY

            def encode_add(local_only: bool) -> bytearray:
                return codec.encode_request(name, key_data, local_only)

        elif predicate_data is not None:
            codec = _ADD_LISTENER_WITH_PREDICATE

            def encode_add(local_only: bool) -> bytearray:
                return codec.encode_request(name, predicate_data, local_only)

        else:
            codec = _ADD_LISTENER

            def encode_add(local_only: bool) -> bytearray:
                return codec.encode_request(name, local_only)

        return codec, encode_add

    # -- helpers ----------------------------------------------------------------------------

    def _predicate_data(self, predicate: Predicate) -> Any:
        if not isinstance(predicate, Predicate):
            raise TypeError(f"predicate must be a hztrio.predicate.Predicate, got {predicate!r}")
        return self._to_data(predicate)

    async def _object(self, data: Any) -> ValueType | None:
        """A nullable value of a response, deserialized."""
        value: ValueType | None
        try:
            value = self._to_object(data)
        except SchemaNotFoundError as error:
            value = await self._fetch_schema_and_read(error, lambda: self._to_object(data))
        return value

    async def _objects(self, response: ClientMessage) -> list[Any]:
        """A ``List_Data`` response, deserialized."""
        data_list = _list_response(response)
        to_objects = self._to_objects
        return await self._deserialize(lambda: to_objects(data_list))


def _ttl_millis(ttl: float) -> int:
    """A replicated map TTL in milliseconds (0: forever); a positive TTL below a millisecond
    is one millisecond, not forever."""
    if not isinstance(ttl, Real) or isinstance(ttl, bool):
        raise TypeError(f"ttl must be a number of seconds, got {ttl!r}")
    if not ttl >= 0 or math.isinf(ttl):
        raise ValueError(f"ttl must be a finite, non-negative number of seconds, got {ttl!r}")
    if ttl == 0:
        return 0
    return max(1, int(ttl * 1000))
