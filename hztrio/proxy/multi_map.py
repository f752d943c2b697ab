"""A distributed map from a key to a collection of values (``MultiMap``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

import anyio

from ..listener import DEFAULT_BUFFER_SIZE, EventSubscription
from ..protocol.codecs import multi_map as codecs
from ..protocol.frame import ClientMessage
from ..serialization.data import Data
from .base import EntryEvent, EntryEventType
from .entry_listener import AddListener, EntryEventCallable, EntryListenerProxy
from .map import KeyLockProxy, LockCodecs

KeyType = TypeVar("KeyType")
ValueType = TypeVar("ValueType")

MULTI_MAP_SERVICE = "hz:impl:multiMapService"

_PUT = codecs.MULTI_MAP_PUT.encode_request
_GET = codecs.MULTI_MAP_GET.encode_request
_REMOVE_ALL = codecs.MULTI_MAP_REMOVE.encode_request
_REMOVE = codecs.MULTI_MAP_REMOVE_ENTRY.encode_request
_KEY_SET = codecs.MULTI_MAP_KEY_SET.encode_request
_VALUES = codecs.MULTI_MAP_VALUES.encode_request
_ENTRY_SET = codecs.MULTI_MAP_ENTRY_SET
_CONTAINS_KEY = codecs.MULTI_MAP_CONTAINS_KEY.encode_request
_CONTAINS_VALUE = codecs.MULTI_MAP_CONTAINS_VALUE.encode_request
_CONTAINS_ENTRY = codecs.MULTI_MAP_CONTAINS_ENTRY.encode_request
_SIZE = codecs.MULTI_MAP_SIZE.encode_request
_CLEAR = codecs.MULTI_MAP_CLEAR.encode_request
_VALUE_COUNT = codecs.MULTI_MAP_VALUE_COUNT.encode_request
_PUT_ALL = codecs.MULTI_MAP_PUT_ALL.encode_request
_ADD_LISTENER = codecs.MULTI_MAP_ADD_ENTRY_LISTENER
_ADD_LISTENER_TO_KEY = codecs.MULTI_MAP_ADD_ENTRY_LISTENER_TO_KEY

_bool_response = codecs.MULTI_MAP_PUT.decode_response  # every BOOLEAN response decodes alike
_int_response = codecs.MULTI_MAP_SIZE.decode_response
_list_response = codecs.MULTI_MAP_GET.decode_response  # every List_Data response decodes alike

#: the kinds of entry events a multimap's member reports
MULTI_MAP_EVENTS = EntryEventType.ADDED | EntryEventType.REMOVED | EntryEventType.CLEAR_ALL


class MultiMap(EntryListenerProxy, KeyLockProxy, Generic[KeyType, ValueType]):
    """A distributed map from a key to a collection of values (``MultiMap``).

    Each key has a collection of values: a set by default (a value already there is not
    added again), a list if the member's configuration says ``value-collection-type LIST``
    (duplicates kept, in insertion order). A key with no values left disappears. Keys and
    values are serialized on the client and compared in serialized form on the cluster.

    Locks (:meth:`lock`, :meth:`try_lock`, …) belong to the calling *task*, as in
    :class:`~hztrio.proxy.map.Map`; a write of a key that another task (or client) has locked
    waits on the member until the lock is released.

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster; a read has no effect either way.
    """

    _REMOVE_LISTENER = codecs.MULTI_MAP_REMOVE_ENTRY_LISTENER
    _EVENT_TYPES = MULTI_MAP_EVENTS
    _KIND = "multimap"
    _LOCK_CODECS = LockCodecs(
        codecs.MULTI_MAP_LOCK,
        codecs.MULTI_MAP_TRY_LOCK,
        codecs.MULTI_MAP_UNLOCK,
        codecs.MULTI_MAP_FORCE_UNLOCK,
        codecs.MULTI_MAP_IS_LOCKED,
    )

    # -- one key ----------------------------------------------------------------------------

    async def put(self, key: KeyType, value: ValueType) -> bool:
        """Add *value* to the values of *key*; True if the multimap grew (False when its
        collection is a set that already holds *value*)."""
        key_data = self._key_data(key)
        value_data = self._value_data(value)
        response = await self._invoke_on_key(
            _PUT(self.name, key_data, value_data, self._thread_id()), key_data
        )
        return bool(_bool_response(response))

    async def get(self, key: KeyType) -> list[ValueType]:
        """The values of *key* (a snapshot; empty if the multimap has no such key)."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(
            _GET(self.name, key_data, self._thread_id()), key_data, True
        )
        return await self._objects(response)

    async def remove(self, key: KeyType, value: ValueType) -> bool:
        """Remove one *value* of *key* (one copy of a duplicate); True if there was one."""
        key_data = self._key_data(key)
        value_data = self._value_data(value)
        response = await self._invoke_on_key(
            _REMOVE(self.name, key_data, value_data, self._thread_id()), key_data
        )
        return bool(_bool_response(response))

    async def remove_all(self, key: KeyType) -> list[ValueType]:
        """Remove *key* with all its values; return the values removed (empty if none)."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(
            _REMOVE_ALL(self.name, key_data, self._thread_id()), key_data
        )
        return await self._objects(response)

    async def contains_key(self, key: KeyType) -> bool:
        """Whether *key* has at least one value."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(
            _CONTAINS_KEY(self.name, key_data, self._thread_id()), key_data, True
        )
        return bool(_bool_response(response))

    async def contains_entry(self, key: KeyType, value: ValueType) -> bool:
        """Whether *value* is one of the values of *key*."""
        key_data = self._key_data(key)
        value_data = self._value_data(value)
        response = await self._invoke_on_key(
            _CONTAINS_ENTRY(self.name, key_data, value_data, self._thread_id()), key_data, True
        )
        return bool(_bool_response(response))

    async def value_count(self, key: KeyType) -> int:
        """How many values *key* has (0 if none)."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(
            _VALUE_COUNT(self.name, key_data, self._thread_id()), key_data, True
        )
        return int(_int_response(response))

    # -- the whole multimap -----------------------------------------------------------------

    async def contains_value(self, value: ValueType) -> bool:
        """Whether some key has *value* (scans the whole multimap on the cluster)."""
        value_data = self._value_data(value)
        response = await self._invoke(_CONTAINS_VALUE(self.name, value_data), True)
        return bool(_bool_response(response))

    async def size(self) -> int:
        """The number of values (every key-value pair counts, duplicates too)."""
        return int(_int_response(await self._invoke(_SIZE(self.name), True)))

    async def clear(self) -> None:
        """Remove every key and value."""
        await self._invoke(_CLEAR(self.name))

    async def key_set(self) -> list[KeyType]:
        """Every key, once each (a snapshot, in no particular order)."""
        return await self._objects(await self._invoke(_KEY_SET(self.name), True))

    async def values(self) -> list[ValueType]:
        """Every value of every key (a snapshot, in no particular order, duplicates kept)."""
        return await self._objects(await self._invoke(_VALUES(self.name), True))

    async def entry_set(self) -> list[tuple[KeyType, ValueType]]:
        """Every distinct key-value pair (a snapshot, in no particular order): a key with
        three different values gives three pairs; a value a list holds twice gives one (the
        member answers with a set of pairs, as Java's ``MultiMap.entrySet``)."""
        response = await self._invoke(_ENTRY_SET.encode_request(self.name), True)
        pairs = _ENTRY_SET.decode_response(response)
        to_object_pairs = self._to_object_pairs
        return await self._deserialize(lambda: to_object_pairs(pairs))

    async def put_all(self, multimap: Mapping[KeyType, Iterable[ValueType]]) -> None:
        """Add, for each key of *multimap*, every value of its collection: one request per
        partition, all sent concurrently. A key with an empty collection is skipped.

        Not atomic: if it fails, some values may have been added.
        """
        if not isinstance(multimap, Mapping):
            raise TypeError(f"multimap must be a mapping of key to values, got {multimap!r}")
        by_partition: dict[int, list[tuple[Data, list[Data]]]] = defaultdict(list)
        get_partition_id = self._partitions.get_partition_id
        for key, values in multimap.items():
            key_data = self._key_data(key)
            if values is None:
                raise TypeError("values can't be None")
            if isinstance(values, str | bytes | bytearray) or not isinstance(values, Iterable):
                raise TypeError(
                    f"the values of key {key!r} must be a collection of values, "
                    f"not {type(values).__name__}"
                )
            value_data = [self._entry_value_data(value) for value in values]
            if value_data:  # the member would keep the key with no values (contains_key true)
                by_partition[get_partition_id(key_data)].append((key_data, value_data))
        if not by_partition:
            await self._checkpoint()
            return
        name = self.name
        await self._invoke_on_partitions(
            [
                (_PUT_ALL(name, entries), partition_id)
                for partition_id, entries in by_partition.items()
            ]
        )

    # -- locks ------------------------------------------------------------------------------
    #
    # As Map's: a lock is held by the task that took it (reentrant for it); another task,
    # even a child, is another owner, and a write of a key locked by another owner waits on
    # the member until the lock is released.

    async def lock(self, key: KeyType, lease_time: float | None = None) -> None:
        """Lock *key* for the current task, waiting as long as it takes (no
        ``invocation_timeout``: use a cancel scope, or :meth:`try_lock`).

        *lease_time*: seconds after which the member releases the lock by itself (None:
        never). The key needs no values to be locked. Cancellation: if the member grants the
        lock after the caller gave up, the client releases it again at once.
        """
        await self._lock(key, lease_time)

    async def try_lock(
        self,
        key: KeyType,
        lease_time: float | None = None,
        timeout: float = 0,  # noqa: ASYNC109
    ) -> bool:
        """Try to lock *key* for the current task, waiting up to *timeout* seconds (0: do not
        wait); True if it is now locked by this task.

        *lease_time* as for :meth:`lock`. Cancellation: as :meth:`lock`.
        """
        return await self._try_lock(key, lease_time, timeout)

    async def unlock(self, key: KeyType) -> None:
        """Release the current task's lock of *key* (once per lock: locks are reentrant).

        Raises ``IllegalMonitorStateError`` if the task does not hold it.
        """
        await self._unlock(key)

    async def force_unlock(self, key: KeyType) -> None:
        """Release the lock of *key* whoever holds it (and however many times)."""
        await self._force_unlock(key)

    async def is_locked(self, key: KeyType) -> bool:
        """Whether anybody holds the lock of *key*."""
        return await self._is_locked(key)

    # -- entry events -----------------------------------------------------------------------

    async def add_entry_listener(
        self,
        include_value: bool = False,
        key: KeyType | None = None,
        added_func: EntryEventCallable | None = None,
        removed_func: EntryEventCallable | None = None,
        clear_all_func: EntryEventCallable | None = None,
    ) -> str:
        """Call the given functions with an :class:`~hztrio.proxy.base.EntryEvent` for each
        value added (``ADDED``) or removed (``REMOVED``; :meth:`remove_all` gives one per
        value), and for :meth:`clear` (``CLEAR_ALL``, with the number of keys cleared in
        ``number_of_affected_entries``); of *key* only, if given. Return a registration id
        for :meth:`remove_entry_listener`.

        With *include_value* the events carry the value: an added one as ``value``, a
        removed one as ``old_value`` (as the member reports them). A function may be plain
        or ``async def``; they run in a task of their own, in order, never on the client's
        reader. The listener is registered on every member and survives reconnections.
        Cancellation: nothing stays registered.
        """
        funcs = {
            EntryEventType.ADDED: added_func,
            EntryEventType.REMOVED: removed_func,
            EntryEventType.CLEAR_ALL: clear_all_func,
        }
        add = self._add_listener(include_value, key)
        return await self._add_entry_listener(funcs, add)

    def entry_events(
        self,
        include_value: bool = False,
        key: KeyType | None = None,
        event_types: EntryEventType | None = None,
        *,
        buffer_size: int = DEFAULT_BUFFER_SIZE,
    ) -> EventSubscription[EntryEvent]:
        """Entry events (those of *key* only, if given) as an async iterator: every kind
        (``ADDED``, ``REMOVED``, ``CLEAR_ALL``) unless *event_types* narrows it::

            async with multimap.entry_events(include_value=True) as events:
                async for event in events:
                    print(event.event_type.name, event.key, event.value)

        Registered on entering the block (on every member), removed on leaving it. See
        :class:`~hztrio.listener.EventSubscription` for the buffer and overflow policy.
        """
        return self._entry_events(self._add_listener(include_value, key), event_types, buffer_size)

    def _add_listener(self, include_value: bool, key: Any) -> AddListener:
        name = self.name
        value_flag = bool(include_value)
        if key is None:
            codec = _ADD_LISTENER

            def encode_add(local_only: bool) -> bytearray:
                return codec.encode_request(name, value_flag, local_only)

            return codec, encode_add
        key_data = self._key_data(key)
        codec = _ADD_LISTENER_TO_KEY

        def encode_to_key(local_only: bool) -> bytearray:
            return codec.encode_request(name, key_data, value_flag, local_only)

        return codec, encode_to_key

    # -- helpers ----------------------------------------------------------------------------

    async def _objects(self, response: ClientMessage) -> list[Any]:
        """A ``List_Data`` response, deserialized."""
        data_list = _list_response(response)
        to_objects = self._to_objects
        return await self._deserialize(lambda: to_objects(data_list))

    async def _checkpoint(self) -> None:
        await anyio.lowlevel.checkpoint()
