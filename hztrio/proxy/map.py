"""The distributed Map (``IMap``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

from .._concurrency import gather
from ..protocol.codecs import map as codecs
from .base import Proxy, thread_id, to_millis

KeyType = TypeVar("KeyType")
ValueType = TypeVar("ValueType")

_PUT = codecs.MAP_PUT.encode_request
_PUT_MAX_IDLE = codecs.MAP_PUT_WITH_MAX_IDLE.encode_request
_SET = codecs.MAP_SET.encode_request
_SET_MAX_IDLE = codecs.MAP_SET_WITH_MAX_IDLE.encode_request
_PUT_IF_ABSENT = codecs.MAP_PUT_IF_ABSENT.encode_request
_PUT_IF_ABSENT_MAX_IDLE = codecs.MAP_PUT_IF_ABSENT_WITH_MAX_IDLE.encode_request
_GET = codecs.MAP_GET.encode_request
_REMOVE = codecs.MAP_REMOVE.encode_request
_DELETE = codecs.MAP_DELETE.encode_request
_CONTAINS_KEY = codecs.MAP_CONTAINS_KEY.encode_request
_CONTAINS_VALUE = codecs.MAP_CONTAINS_VALUE.encode_request
_REPLACE = codecs.MAP_REPLACE.encode_request
_REPLACE_IF_SAME = codecs.MAP_REPLACE_IF_SAME.encode_request
_SIZE = codecs.MAP_SIZE.encode_request
_IS_EMPTY = codecs.MAP_IS_EMPTY.encode_request
_CLEAR = codecs.MAP_CLEAR.encode_request
_PUT_ALL = codecs.MAP_PUT_ALL.encode_request
_GET_ALL = codecs.MAP_GET_ALL.encode_request
_KEY_SET = codecs.MAP_KEY_SET.encode_request
_VALUES = codecs.MAP_VALUES.encode_request
_ENTRY_SET = codecs.MAP_ENTRY_SET.encode_request

_data_response = codecs.MAP_GET.decode_response  # every "nullable Data" response decodes alike
_bool_response = codecs.MAP_CONTAINS_KEY.decode_response
_int_response = codecs.MAP_SIZE.decode_response
_list_response = codecs.MAP_KEY_SET.decode_response
_entries_response = codecs.MAP_ENTRY_SET.decode_response


class Map(Proxy, Generic[KeyType, ValueType]):
    """A distributed, partitioned key-value map.

    Keys and values are serialized on the client; a key's partition decides which member
    stores it (and, with smart routing, which connection the call takes). Every method is a
    coroutine that returns the result itself.

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster; a read has no effect either way.
    """

    # -- single-key operations ------------------------------------------------------------

    async def get(self, key: KeyType) -> ValueType | None:
        """The value of *key*, or None if the map has no entry for it."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(_GET(self.name, key_data, thread_id()), key_data, True)
        return await self._deserialize(lambda: self._to_object(_data_response(response)))

    async def put(
        self,
        key: KeyType,
        value: ValueType,
        ttl: float | None = None,
        max_idle: float | None = None,
    ) -> ValueType | None:
        """Set *key* to *value*; return the previous value (None if there was none).

        *ttl*: seconds the entry lives (0: forever; None: the map's configured default).
        *max_idle*: seconds the entry may stay unread before it expires (None: the default).
        """
        key_data = self._key_data(key)
        value_data = self._value_data(value)
        if max_idle is None:
            request = _PUT(self.name, key_data, value_data, thread_id(), to_millis(ttl))
        else:
            request = _PUT_MAX_IDLE(
                self.name, key_data, value_data, thread_id(), to_millis(ttl), to_millis(max_idle)
            )
        response = await self._invoke_on_key(request, key_data)
        return await self._deserialize(lambda: self._to_object(_data_response(response)))

    async def set(
        self,
        key: KeyType,
        value: ValueType,
        ttl: float | None = None,
        max_idle: float | None = None,
    ) -> None:
        """Like :meth:`put` without returning the previous value (cheaper)."""
        key_data = self._key_data(key)
        value_data = self._value_data(value)
        if max_idle is None:
            request = _SET(self.name, key_data, value_data, thread_id(), to_millis(ttl))
        else:
            request = _SET_MAX_IDLE(
                self.name, key_data, value_data, thread_id(), to_millis(ttl), to_millis(max_idle)
            )
        await self._invoke_on_key(request, key_data)

    async def put_if_absent(
        self,
        key: KeyType,
        value: ValueType,
        ttl: float | None = None,
        max_idle: float | None = None,
    ) -> ValueType | None:
        """Set *key* to *value* only if it has no value; return the existing value or None."""
        key_data = self._key_data(key)
        value_data = self._value_data(value)
        if max_idle is None:
            request = _PUT_IF_ABSENT(self.name, key_data, value_data, thread_id(), to_millis(ttl))
        else:
            request = _PUT_IF_ABSENT_MAX_IDLE(
                self.name, key_data, value_data, thread_id(), to_millis(ttl), to_millis(max_idle)
            )
        response = await self._invoke_on_key(request, key_data)
        return await self._deserialize(lambda: self._to_object(_data_response(response)))

    async def remove(self, key: KeyType) -> ValueType | None:
        """Remove the entry of *key*; return its value (None if there was none)."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(_REMOVE(self.name, key_data, thread_id()), key_data)
        return await self._deserialize(lambda: self._to_object(_data_response(response)))

    async def delete(self, key: KeyType) -> None:
        """Remove the entry of *key* without returning its value (cheaper than remove)."""
        key_data = self._key_data(key)
        await self._invoke_on_key(_DELETE(self.name, key_data, thread_id()), key_data)

    async def contains_key(self, key: KeyType) -> bool:
        """Whether the map has an entry for *key*."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(
            _CONTAINS_KEY(self.name, key_data, thread_id()), key_data, True
        )
        return bool(_bool_response(response))

    async def replace(self, key: KeyType, value: ValueType) -> ValueType | None:
        """Set *key* to *value* only if it has a value; return the previous value or None."""
        key_data = self._key_data(key)
        value_data = self._value_data(value)
        response = await self._invoke_on_key(
            _REPLACE(self.name, key_data, value_data, thread_id()), key_data
        )
        return await self._deserialize(lambda: self._to_object(_data_response(response)))

    async def replace_if_same(
        self, key: KeyType, old_value: ValueType, new_value: ValueType
    ) -> bool:
        """Set *key* to *new_value* only if its value is *old_value*; True if replaced."""
        key_data = self._key_data(key)
        old_data = self._value_data(old_value, "old_value")
        new_data = self._value_data(new_value, "new_value")
        response = await self._invoke_on_key(
            _REPLACE_IF_SAME(self.name, key_data, old_data, new_data, thread_id()), key_data
        )
        return bool(_bool_response(response))

    # -- whole-map operations -------------------------------------------------------------

    async def contains_value(self, value: ValueType) -> bool:
        """Whether some entry has *value* (scans the whole map on the cluster)."""
        value_data = self._value_data(value)
        response = await self._invoke(_CONTAINS_VALUE(self.name, value_data), True)
        return bool(_bool_response(response))

    async def size(self) -> int:
        """The number of entries."""
        return int(_int_response(await self._invoke(_SIZE(self.name), True)))

    async def is_empty(self) -> bool:
        """Whether the map has no entries."""
        return bool(_bool_response(await self._invoke(_IS_EMPTY(self.name), True)))

    async def clear(self) -> None:
        """Remove every entry."""
        await self._invoke(_CLEAR(self.name))

    async def key_set(self) -> list[KeyType]:
        """Every key (a snapshot, in no particular order)."""
        response = await self._invoke(_KEY_SET(self.name), True)
        to_object = self._to_object
        return await self._deserialize(lambda: [to_object(k) for k in _list_response(response)])

    async def values(self) -> list[ValueType]:
        """Every value (a snapshot, in no particular order)."""
        response = await self._invoke(_VALUES(self.name), True)
        to_object = self._to_object
        return await self._deserialize(lambda: [to_object(v) for v in _list_response(response)])

    async def entry_set(self) -> list[tuple[KeyType, ValueType]]:
        """Every entry as a ``(key, value)`` pair (a snapshot, in no particular order)."""
        response = await self._invoke(_ENTRY_SET(self.name), True)
        to_object = self._to_object
        return await self._deserialize(
            lambda: [(to_object(k), to_object(v)) for k, v in _entries_response(response)]
        )

    async def put_all(self, map: Mapping[KeyType, ValueType]) -> None:
        """Set every entry of *map*: one request per partition, all sent concurrently.

        Not atomic: if it fails, some entries may have been written.
        """
        if not map:
            await self._checkpoint()
            return
        by_partition: dict[int, list[tuple[bytes, bytes]]] = defaultdict(list)
        get_partition_id = self._partitions.get_partition_id
        for key, value in map.items():
            key_data = self._key_data(key)
            by_partition[get_partition_id(key_data)].append((key_data, self._value_data(value)))
        name = self.name
        await gather(
            [
                _partition_call(self, _PUT_ALL(name, entries, True), partition_id)
                for partition_id, entries in by_partition.items()
            ]
        )

    async def get_all(self, keys: Iterable[KeyType]) -> dict[KeyType, ValueType]:
        """The entries of *keys* that exist, as a dict: one request per partition."""
        by_partition: dict[int, list[bytes]] = defaultdict(list)
        get_partition_id = self._partitions.get_partition_id
        for key in keys:
            key_data = self._key_data(key)
            by_partition[get_partition_id(key_data)].append(key_data)
        if not by_partition:
            await self._checkpoint()
            return {}
        name = self.name
        responses = await gather(
            [
                _partition_call(self, _GET_ALL(name, key_list), partition_id)
                for partition_id, key_list in by_partition.items()
            ]
        )
        to_object = self._to_object

        def read() -> dict[KeyType, ValueType]:
            result: dict[KeyType, ValueType] = {}
            for response in responses:
                for k, v in _entries_response(response):
                    result[to_object(k)] = to_object(v)
            return result

        return await self._deserialize(read)

    async def _checkpoint(self) -> None:
        import anyio.lowlevel

        await anyio.lowlevel.checkpoint()


def _partition_call(proxy: Map[Any, Any], request: bytearray, partition_id: int) -> Any:
    async def call() -> Any:
        return await proxy._invoke_on_partition(request, partition_id)

    return call
