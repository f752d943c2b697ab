"""The distributed Map (``IMap``)."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, NamedTuple, TypeVar

import anyio

from ..aggregator import Aggregator
from ..config import IndexType, QueryConstants, UniqueKeyTransformation
from ..errors import SchemaNotFoundError
from ..listener import (
    DEFAULT_BUFFER_SIZE,
    CallbackListeners,
    EventSubscription,
    ListenerRegistration,
    registered_subscription,
)
from ..predicate import IterationType, PagingPredicate, Predicate
from ..projection import Projection
from ..protocol.codec import data_pair_columns, set_partition_id
from ..protocol.codecs import map as codecs
from ..protocol.frame import ClientMessage
from ..protocol.types import (
    AnchorDataListHolder,
    BitmapIndexOptions,
    IndexConfig,
    PagingPredicateHolder,
    SimpleEntryView,
)
from ..serialization.data import Data, SplitData
from .base import EntryEvent, EntryEventType, Proxy, to_millis
from .entry_listener import callback_flags, deliverer, entry_registration

if TYPE_CHECKING:
    from ..protocol.codec import Codec

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

_EVICT = codecs.MAP_EVICT.encode_request
_EVICT_ALL = codecs.MAP_EVICT_ALL.encode_request
_FLUSH = codecs.MAP_FLUSH.encode_request
_LOAD_ALL = codecs.MAP_LOAD_ALL.encode_request
_LOAD_GIVEN_KEYS = codecs.MAP_LOAD_GIVEN_KEYS.encode_request
_PUT_TRANSIENT = codecs.MAP_PUT_TRANSIENT.encode_request
_PUT_TRANSIENT_MAX_IDLE = codecs.MAP_PUT_TRANSIENT_WITH_MAX_IDLE.encode_request
_SET_TTL = codecs.MAP_SET_TTL.encode_request
_TRY_PUT = codecs.MAP_TRY_PUT.encode_request
_TRY_REMOVE = codecs.MAP_TRY_REMOVE.encode_request
_REMOVE_IF_SAME = codecs.MAP_REMOVE_IF_SAME.encode_request
_REMOVE_ALL = codecs.MAP_REMOVE_ALL.encode_request
_GET_ENTRY_VIEW = codecs.MAP_GET_ENTRY_VIEW
_ADD_INDEX = codecs.MAP_ADD_INDEX.encode_request
_ADD_INTERCEPTOR = codecs.MAP_ADD_INTERCEPTOR
_REMOVE_INTERCEPTOR = codecs.MAP_REMOVE_INTERCEPTOR.encode_request
_AGGREGATE = codecs.MAP_AGGREGATE.encode_request
_AGGREGATE_WITH_PREDICATE = codecs.MAP_AGGREGATE_WITH_PREDICATE.encode_request
_PROJECT = codecs.MAP_PROJECT
_PROJECT_WITH_PREDICATE = codecs.MAP_PROJECT_WITH_PREDICATE.encode_request
_EXECUTE_ON_KEY = codecs.MAP_EXECUTE_ON_KEY.encode_request
_EXECUTE_ON_KEYS = codecs.MAP_EXECUTE_ON_KEYS.encode_request
_EXECUTE_ON_ALL_KEYS = codecs.MAP_EXECUTE_ON_ALL_KEYS.encode_request
_EXECUTE_WITH_PREDICATE = codecs.MAP_EXECUTE_WITH_PREDICATE.encode_request
_KEY_SET_WITH_PREDICATE = codecs.MAP_KEY_SET_WITH_PREDICATE.encode_request
_VALUES_WITH_PREDICATE = codecs.MAP_VALUES_WITH_PREDICATE.encode_request
_ENTRIES_WITH_PREDICATE = codecs.MAP_ENTRIES_WITH_PREDICATE.encode_request
_PAGING = {
    IterationType.KEY: codecs.MAP_KEY_SET_WITH_PAGING_PREDICATE,
    IterationType.VALUE: codecs.MAP_VALUES_WITH_PAGING_PREDICATE,
    IterationType.ENTRY: codecs.MAP_ENTRIES_WITH_PAGING_PREDICATE,
}
_ADD_LISTENER = codecs.MAP_ADD_ENTRY_LISTENER
_ADD_LISTENER_TO_KEY = codecs.MAP_ADD_ENTRY_LISTENER_TO_KEY
_ADD_LISTENER_WITH_PREDICATE = codecs.MAP_ADD_ENTRY_LISTENER_WITH_PREDICATE
_ADD_LISTENER_TO_KEY_WITH_PREDICATE = codecs.MAP_ADD_ENTRY_LISTENER_TO_KEY_WITH_PREDICATE
_REMOVE_LISTENER = codecs.MAP_REMOVE_ENTRY_LISTENER

_data_response = codecs.MAP_GET.decode_response  # every "nullable Data" response decodes alike
_bool_response = codecs.MAP_CONTAINS_KEY.decode_response
_int_response = codecs.MAP_SIZE.decode_response
_list_response = codecs.MAP_KEY_SET.decode_response
_listcn_response = codecs.MAP_PROJECT.decode_response
_string_response = codecs.MAP_ADD_INTERCEPTOR.decode_response

#: every entry event type a listener gets when it does not choose
ALL_ENTRY_EVENTS = (
    EntryEventType.ADDED
    | EntryEventType.REMOVED
    | EntryEventType.UPDATED
    | EntryEventType.EVICTED
    | EntryEventType.EXPIRED
    | EntryEventType.EVICT_ALL
    | EntryEventType.CLEAR_ALL
    | EntryEventType.MERGED
    | EntryEventType.LOADED
)

#: lock reference ids: unique per lock request so that a retried request is idempotent
_reference_ids = itertools.count(1)

EntryEventCallable = Callable[[EntryEvent], Any]


_MAX_INDEX_ATTRIBUTES: Final = 255


def _index_attribute(attribute: object) -> str:
    """An index attribute as the member expects it: stripped, without a leading "this."."""
    if not isinstance(attribute, str) or not attribute.strip():
        raise ValueError(f"index attributes must be non-empty str, got {attribute!r}")
    attribute = attribute.strip()
    if attribute.endswith("."):
        raise ValueError(f"an index attribute can't end with a dot: {attribute!r}")
    return attribute.removeprefix("this.")


class LockCodecs(NamedTuple):
    """The per-key lock requests of a map-like structure: Map and MultiMap each have their
    own codecs, with the same parameters and the same meaning."""

    lock: Codec
    try_lock: Codec
    unlock: Codec
    force_unlock: Codec
    is_locked: Codec


class KeyLockProxy(Proxy):
    """Per-key locks owned by the calling task: the bodies of the lock methods of Map and
    MultiMap, which keep the public methods (and their documentation) themselves.

    Subclasses set ``_LOCK_CODECS`` to their service's :class:`LockCodecs`.
    """

    _LOCK_CODECS: ClassVar[LockCodecs]

    async def _lock(self, key: Any, lease_time: float | None) -> None:
        """Lock *key*, waiting as long as it takes; a lock granted after the caller left is
        released again (see :meth:`_unlocker`)."""
        encode_lock = self._LOCK_CODECS.lock.encode_request
        key_data = self._key_data(key)
        owner = self._thread_id()
        reference_id = next(_reference_ids)
        await self._invocations.invoke(
            encode_lock(self.name, key_data, owner, _lease(lease_time), reference_id),
            partition_id=self._partitions.get_partition_id(key_data),
            retryable=True,
            time_limit=math.inf,
            on_orphaned=self._unlocker(key_data, owner),
        )

    async def _try_lock(
        self,
        key: Any,
        lease_time: float | None,
        timeout: float,  # noqa: ASYNC109
    ) -> bool:
        """Lock *key* if the member can within *timeout* seconds; True if locked."""
        try_lock = self._LOCK_CODECS.try_lock
        key_data = self._key_data(key)
        owner = self._thread_id()
        response = await self._invocations.invoke(
            try_lock.encode_request(
                self.name,
                key_data,
                owner,
                _lease(lease_time),
                to_millis(timeout),
                next(_reference_ids),
            ),
            partition_id=self._partitions.get_partition_id(key_data),
            retryable=True,
            time_limit=self._blocking_limit(timeout),
            on_orphaned=self._unlocker(key_data, owner),
        )
        return bool(try_lock.decode_response(response))

    async def _unlock(self, key: Any) -> None:
        key_data = self._key_data(key)
        request = self._LOCK_CODECS.unlock.encode_request(
            self.name, key_data, self._thread_id(), next(_reference_ids)
        )
        await self._invoke_on_key(request, key_data, True)

    async def _force_unlock(self, key: Any) -> None:
        key_data = self._key_data(key)
        request = self._LOCK_CODECS.force_unlock.encode_request(
            self.name, key_data, next(_reference_ids)
        )
        await self._invoke_on_key(request, key_data, True)

    async def _is_locked(self, key: Any) -> bool:
        is_locked = self._LOCK_CODECS.is_locked
        key_data = self._key_data(key)
        response = await self._invoke_on_key(
            is_locked.encode_request(self.name, key_data), key_data, True
        )
        return bool(is_locked.decode_response(response))

    def _unlocker(self, key_data: Data, owner: int) -> Callable[[ClientMessage], bytearray | None]:
        """For a lock request whose caller left: the unlock to send if it was granted."""
        name = self.name
        partition_id = self._partitions.get_partition_id(key_data)
        try_lock = self._LOCK_CODECS.try_lock
        encode_unlock = self._LOCK_CODECS.unlock.encode_request

        def unlock_if_granted(response: ClientMessage) -> bytearray | None:
            if response.message_type == 0:  # an error: nothing was locked
                return None
            if response.message_type == try_lock.response_type and not try_lock.decode_response(
                response
            ):
                return None
            request = encode_unlock(name, key_data, owner, next(_reference_ids))
            set_partition_id(request, partition_id)
            return request

        return unlock_if_granted

    def _blocking_limit(self, timeout: float) -> float:
        """The time limit of a call that may wait *timeout* seconds on the member."""
        return max(timeout, 0) + self._invocations.invocation_timeout


class Map(KeyLockProxy, Generic[KeyType, ValueType]):
    """A distributed, partitioned key-value map.

    Keys and values are serialized on the client; a key's partition decides which member
    stores it (and, with smart routing, which connection the call takes). Every method is a
    coroutine that returns the result itself.

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster; a read has no effect either way.
    """

    _LOCK_CODECS = LockCodecs(
        codecs.MAP_LOCK,
        codecs.MAP_TRY_LOCK,
        codecs.MAP_UNLOCK,
        codecs.MAP_FORCE_UNLOCK,
        codecs.MAP_IS_LOCKED,
    )

    def __init__(self, service_name: str, name: str, context: Any) -> None:
        super().__init__(service_name, name, context)
        self._entry_listeners: CallbackListeners[EntryEvent] = CallbackListeners(
            context.listeners, context.spawn
        )

    # -- single-key operations ------------------------------------------------------------

    async def get(self, key: KeyType) -> ValueType | None:
        """The value of *key*, or None if the map has no entry for it."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(
            _GET(self.name, key_data, self._thread_id()), key_data, True
        )
        data = _data_response(response)
        try:
            return self._to_object(data)  # type: ignore[no-any-return]
        except SchemaNotFoundError as error:
            return await self._fetch_schema_and_read(error, lambda: self._to_object(data))

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
        request = self._ttl_request(_PUT, _PUT_MAX_IDLE, key_data, value_data, ttl, max_idle)
        response = await self._invoke_on_key(request, key_data)
        data = _data_response(response)
        try:
            return self._to_object(data)  # type: ignore[no-any-return]
        except SchemaNotFoundError as error:
            return await self._fetch_schema_and_read(error, lambda: self._to_object(data))

    def _ttl_request(
        self,
        plain: Callable[..., bytearray],
        with_max_idle: Callable[..., bytearray],
        key_data: Data,
        value_data: Data | SplitData,
        ttl: float | None,
        max_idle: float | None,
    ) -> bytearray:
        """A put/set-like request: *with_max_idle*'s only when a max idle is given."""
        if max_idle is None:
            millis = -1 if ttl is None else to_millis(ttl)  # no call in the usual case
            return plain(self.name, key_data, value_data, self._thread_id(), millis)
        return with_max_idle(
            self.name, key_data, value_data, self._thread_id(), to_millis(ttl), to_millis(max_idle)
        )

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
        if ttl is None and max_idle is None:  # _ttl_request's usual case, inline
            request = _SET(self.name, key_data, value_data, self._thread_id(), -1)
        else:
            request = self._ttl_request(_SET, _SET_MAX_IDLE, key_data, value_data, ttl, max_idle)
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
        request = self._ttl_request(
            _PUT_IF_ABSENT, _PUT_IF_ABSENT_MAX_IDLE, key_data, value_data, ttl, max_idle
        )
        response = await self._invoke_on_key(request, key_data)
        data = _data_response(response)
        try:
            return self._to_object(data)  # type: ignore[no-any-return]
        except SchemaNotFoundError as error:
            return await self._fetch_schema_and_read(error, lambda: self._to_object(data))

    async def remove(self, key: KeyType) -> ValueType | None:
        """Remove the entry of *key*; return its value (None if there was none)."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(
            _REMOVE(self.name, key_data, self._thread_id()), key_data
        )
        data = _data_response(response)
        try:
            return self._to_object(data)  # type: ignore[no-any-return]
        except SchemaNotFoundError as error:
            return await self._fetch_schema_and_read(error, lambda: self._to_object(data))

    async def delete(self, key: KeyType) -> None:
        """Remove the entry of *key* without returning its value (cheaper than remove)."""
        key_data = self._key_data(key)
        await self._invoke_on_key(_DELETE(self.name, key_data, self._thread_id()), key_data)

    async def contains_key(self, key: KeyType) -> bool:
        """Whether the map has an entry for *key*."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(
            _CONTAINS_KEY(self.name, key_data, self._thread_id()), key_data, True
        )
        return bool(_bool_response(response))

    async def replace(self, key: KeyType, value: ValueType) -> ValueType | None:
        """Set *key* to *value* only if it has a value; return the previous value or None."""
        key_data = self._key_data(key)
        value_data = self._value_data(value)
        response = await self._invoke_on_key(
            _REPLACE(self.name, key_data, value_data, self._thread_id()), key_data
        )
        data = _data_response(response)
        try:
            return self._to_object(data)  # type: ignore[no-any-return]
        except SchemaNotFoundError as error:
            return await self._fetch_schema_and_read(error, lambda: self._to_object(data))

    async def replace_if_same(
        self, key: KeyType, old_value: ValueType, new_value: ValueType
    ) -> bool:
        """Set *key* to *new_value* only if its value is *old_value*; True if replaced."""
        key_data = self._key_data(key)
        old_data = self._value_data(old_value, "old_value")
        new_data = self._value_data(new_value, "new_value")
        response = await self._invoke_on_key(
            _REPLACE_IF_SAME(self.name, key_data, old_data, new_data, self._thread_id()), key_data
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

    async def key_set(self, predicate: Predicate | None = None) -> list[KeyType]:
        """Every key (a snapshot, in no particular order), or those *predicate* matches.

        With a :class:`~hztrio.predicate.PagingPredicate`: the keys of its current page.
        """
        if predicate is not None:
            return await self._query(predicate, IterationType.KEY)
        response = await self._invoke(_KEY_SET(self.name), True)
        to_objects = self._to_objects
        return await self._deserialize(lambda: to_objects(_list_response(response)))

    async def values(self, predicate: Predicate | None = None) -> list[ValueType]:
        """Every value (a snapshot, in no particular order), or those *predicate* matches.

        With a :class:`~hztrio.predicate.PagingPredicate`: the values of its current page.
        """
        if predicate is not None:
            return await self._query(predicate, IterationType.VALUE)
        response = await self._invoke(_VALUES(self.name), True)
        to_objects = self._to_objects
        return await self._deserialize(lambda: to_objects(_list_response(response)))

    async def entry_set(
        self, predicate: Predicate | None = None
    ) -> list[tuple[KeyType, ValueType]]:
        """Every entry as a ``(key, value)`` pair (a snapshot, in no particular order), or
        those *predicate* matches.

        With a :class:`~hztrio.predicate.PagingPredicate`: the entries of its current page.
        """
        if predicate is not None:
            return await self._query(predicate, IterationType.ENTRY)
        response = await self._invoke(_ENTRY_SET(self.name), True)
        return await self._deserialize(lambda: self._entries(response))

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
            by_partition[get_partition_id(key_data)].append(
                (key_data, self._entry_value_data(value))
            )
        name = self.name
        await self._invoke_on_partitions(
            [
                (_PUT_ALL(name, entries, True), partition_id)
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
        responses = await self._invoke_on_partitions(
            [
                (_GET_ALL(name, key_list), partition_id)
                for partition_id, key_list in by_partition.items()
            ]
        )
        entries = self._entries

        def read() -> dict[KeyType, ValueType]:
            result: dict[KeyType, ValueType] = {}
            for response in responses:
                result.update(entries(response))
            return result

        return await self._deserialize(read)

    # -- queries -------------------------------------------------------------------------

    def _predicate_data(self, predicate: Predicate) -> bytes:
        if not isinstance(predicate, Predicate):
            raise TypeError(f"predicate must be a hztrio.predicate.Predicate, got {predicate!r}")
        data = self._to_data(predicate)
        assert data is not None
        return data

    async def _query(self, predicate: Predicate, iteration_type: int) -> list[Any]:
        """key_set / values / entry_set with a predicate (paging or not)."""
        if isinstance(predicate, PagingPredicate):
            return await self._page(predicate, iteration_type)
        predicate_data = self._predicate_data(predicate)
        to_objects = self._to_objects
        if iteration_type == IterationType.KEY:
            response = await self._invoke(_KEY_SET_WITH_PREDICATE(self.name, predicate_data), True)
            return await self._deserialize(lambda: to_objects(_list_response(response)))
        if iteration_type == IterationType.VALUE:
            response = await self._invoke(_VALUES_WITH_PREDICATE(self.name, predicate_data), True)
            return await self._deserialize(lambda: to_objects(_list_response(response)))
        response = await self._invoke(_ENTRIES_WITH_PREDICATE(self.name, predicate_data), True)
        return await self._deserialize(lambda: self._entries(response))

    async def _page(self, predicate: PagingPredicate, iteration_type: int) -> list[Any]:
        predicate.iteration_type = iteration_type
        to_data = self._to_data
        anchors = predicate.anchor_list
        holder = PagingPredicateHolder(
            AnchorDataListHolder(
                [page for page, _ in anchors],
                [(to_data(k), to_data(v)) for _, (k, v) in anchors],  # type: ignore[misc]
            ),
            to_data(predicate.predicate),
            to_data(predicate.comparator),
            predicate.page_size,
            predicate.page,
            iteration_type,
            None,
        )
        codec = _PAGING[iteration_type]
        response = await self._invoke(codec.encode_request(self.name, holder), True)
        results, anchor_holder = codec.decode_response(response)
        to_object = self._to_object

        def read() -> list[Any]:
            predicate.set_anchors(
                [
                    (page, (to_object(k), to_object(v)))
                    for page, (k, v) in zip(
                        anchor_holder.anchor_page_list,
                        anchor_holder.anchor_data_list,
                        strict=True,
                    )
                ]
            )
            if iteration_type == IterationType.ENTRY:
                return self._to_object_pairs(results)
            return self._to_objects(results)

        return await self._deserialize(read)

    async def aggregate(
        self, aggregator: Aggregator[Any], predicate: Predicate | None = None
    ) -> Any:
        """Run *aggregator* on the members over every entry (or those *predicate* matches)."""
        if not isinstance(aggregator, Aggregator):
            raise TypeError(
                f"aggregator must be a hztrio.aggregator.Aggregator, got {aggregator!r}"
            )
        aggregator_data = self._to_data(aggregator)
        if predicate is None:
            request = _AGGREGATE(self.name, aggregator_data)
        else:
            if isinstance(predicate, PagingPredicate):
                raise TypeError("aggregate() does not take a paging predicate")
            request = _AGGREGATE_WITH_PREDICATE(
                self.name, aggregator_data, self._predicate_data(predicate)
            )
        response = await self._invoke(request, True)
        data = _data_response(response)
        try:
            return self._to_object(data)
        except SchemaNotFoundError as error:
            return await self._fetch_schema_and_read(error, lambda: self._to_object(data))

    async def project(
        self, projection: Projection, predicate: Predicate | None = None
    ) -> list[Any]:
        """Run *projection* on the members over every entry (or those *predicate* matches)."""
        if not isinstance(projection, Projection):
            raise TypeError(
                f"projection must be a hztrio.projection.Projection, got {projection!r}"
            )
        projection_data = self._to_data(projection)
        if predicate is None:
            request = _PROJECT.encode_request(self.name, projection_data)
        else:
            if isinstance(predicate, PagingPredicate):
                raise TypeError("project() does not take a paging predicate")
            request = _PROJECT_WITH_PREDICATE(
                self.name, projection_data, self._predicate_data(predicate)
            )
        response = await self._invoke(request, True)
        to_objects = self._to_objects
        return await self._deserialize(lambda: to_objects(_listcn_response(response)))

    async def remove_all(self, predicate: Predicate) -> None:
        """Remove every entry *predicate* matches."""
        if isinstance(predicate, PagingPredicate):
            raise TypeError("remove_all() does not take a paging predicate")
        await self._invoke(_REMOVE_ALL(self.name, self._predicate_data(predicate)))

    async def add_index(
        self,
        attributes: Sequence[str] | None = None,
        index_type: IndexType | int | str = IndexType.SORTED,
        name: str | None = None,
        bitmap_index_options: Mapping[str, Any] | None = None,
    ) -> None:
        """Add an index on *attributes* (SORTED, HASH or BITMAP) to speed up queries.

        *bitmap_index_options*: ``{"unique_key": "__key", "unique_key_transformation":
        UniqueKeyTransformation.OBJECT}`` (the defaults).
        """
        if not attributes or isinstance(attributes, str):
            raise ValueError(f"attributes must be a non-empty list of names, got {attributes!r}")
        if len(attributes) > _MAX_INDEX_ATTRIBUTES:
            raise ValueError(f"an index takes at most {_MAX_INDEX_ATTRIBUTES} attributes")
        # normalized as the official clients do, so that the same index gets the same name
        normalized = [_index_attribute(attribute) for attribute in attributes]
        if len(set(normalized)) != len(normalized):
            raise ValueError(f"duplicate index attributes: {list(attributes)!r}")
        kind = IndexType(index_type)  # type: ignore[arg-type]  # names are accepted too
        options = None
        if kind == IndexType.BITMAP:
            if len(normalized) != 1:
                raise ValueError("a bitmap index takes exactly one attribute")
            given = dict(bitmap_index_options or {})
            unknown = set(given) - {"unique_key", "unique_key_transformation"}
            if unknown:
                raise TypeError(f"unknown bitmap_index_options: {sorted(unknown)}")
            options = BitmapIndexOptions(
                _index_attribute(given.get("unique_key", QueryConstants.KEY_ATTRIBUTE_NAME)),
                int(UniqueKeyTransformation(given.get("unique_key_transformation", 0))),
            )
        elif bitmap_index_options is not None:
            raise ValueError("bitmap_index_options only go with index_type=BITMAP")
        if name is None or not name.strip():
            name = "_".join([self.name, kind.name.lower(), *normalized])
        attributes = normalized
        await self._invoke(_ADD_INDEX(self.name, IndexConfig(name, int(kind), attributes, options)))

    # -- entry processors -----------------------------------------------------------------

    async def execute_on_key(self, key: KeyType, entry_processor: Any) -> Any:
        """Run *entry_processor* (a serializable stand-in for a Java ``EntryProcessor`` on the
        members) on the entry of *key*; return its result."""
        key_data = self._key_data(key)
        processor = self._value_data(entry_processor, "entry_processor")
        response = await self._invoke_on_key(
            _EXECUTE_ON_KEY(self.name, processor, key_data, self._thread_id()), key_data
        )
        data = _data_response(response)
        try:
            return self._to_object(data)
        except SchemaNotFoundError as error:
            return await self._fetch_schema_and_read(error, lambda: self._to_object(data))

    async def execute_on_keys(
        self, keys: Iterable[KeyType], entry_processor: Any
    ) -> list[tuple[KeyType, Any]]:
        """Run *entry_processor* on the entries of *keys*; return ``(key, result)`` pairs."""
        key_list = [self._key_data(k) for k in keys]
        if not key_list:
            await self._checkpoint()
            return []
        processor = self._value_data(entry_processor, "entry_processor")
        response = await self._invoke(_EXECUTE_ON_KEYS(self.name, processor, key_list))
        return await self._deserialize(lambda: self._entries(response))

    async def execute_on_entries(
        self, entry_processor: Any, predicate: Predicate | None = None
    ) -> list[tuple[KeyType, Any]]:
        """Run *entry_processor* on every entry (or those *predicate* matches); return
        ``(key, result)`` pairs."""
        processor = self._value_data(entry_processor, "entry_processor")
        if predicate is None:
            request = _EXECUTE_ON_ALL_KEYS(self.name, processor)
        else:
            request = _EXECUTE_WITH_PREDICATE(self.name, processor, self._predicate_data(predicate))
        response = await self._invoke(request)
        return await self._deserialize(lambda: self._entries(response))

    def _entries(self, response: ClientMessage) -> list[tuple[Any, Any]]:
        """An ``EntryList_Data_Data`` response (the only parameter), deserialized."""
        keys, values, _ = data_pair_columns(response.contents, response.frame_flags, 1)
        return list(zip(self._to_objects(keys), self._to_objects(values), strict=True))

    # -- more single-key operations --------------------------------------------------------

    async def put_transient(
        self,
        key: KeyType,
        value: ValueType,
        ttl: float | None = None,
        max_idle: float | None = None,
    ) -> None:
        """Like :meth:`set`, but a MapStore is not called for the entry."""
        key_data = self._key_data(key)
        value_data = self._value_data(value)
        request = self._ttl_request(
            _PUT_TRANSIENT, _PUT_TRANSIENT_MAX_IDLE, key_data, value_data, ttl, max_idle
        )
        await self._invoke_on_key(request, key_data)

    async def set_ttl(self, key: KeyType, ttl: float) -> bool:
        """Give the existing entry of *key* a new time to live (seconds; 0: forever).

        True if the entry exists (as Java's ``IMap.setTtl`` and the official client)."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(
            _SET_TTL(self.name, key_data, to_millis(ttl)), key_data
        )
        return bool(_bool_response(response))

    # timeout= on try_put/try_remove/try_lock is Hazelcast's own: how long the *member* waits
    async def try_put(self, key: KeyType, value: ValueType, timeout: float = 0) -> bool:  # noqa: ASYNC109
        """Put if the entry's lock can be had within *timeout* seconds; True if put."""
        key_data = self._key_data(key)
        value_data = self._value_data(value)
        response = await self._invocations.invoke(
            _TRY_PUT(self.name, key_data, value_data, self._thread_id(), to_millis(timeout)),
            partition_id=self._partitions.get_partition_id(key_data),
            time_limit=self._blocking_limit(timeout),
        )
        return bool(_bool_response(response))

    async def try_remove(self, key: KeyType, timeout: float = 0) -> bool:  # noqa: ASYNC109
        """Remove if the entry's lock can be had within *timeout* seconds; True if removed."""
        key_data = self._key_data(key)
        response = await self._invocations.invoke(
            _TRY_REMOVE(self.name, key_data, self._thread_id(), to_millis(timeout)),
            partition_id=self._partitions.get_partition_id(key_data),
            time_limit=self._blocking_limit(timeout),
        )
        return bool(_bool_response(response))

    async def remove_if_same(self, key: KeyType, value: ValueType) -> bool:
        """Remove the entry of *key* only if its value is *value*; True if removed."""
        key_data = self._key_data(key)
        value_data = self._value_data(value)
        response = await self._invoke_on_key(
            _REMOVE_IF_SAME(self.name, key_data, value_data, self._thread_id()), key_data
        )
        return bool(_bool_response(response))

    async def evict(self, key: KeyType) -> bool:
        """Evict the entry of *key* from memory (a MapStore keeps it); True if evicted."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(
            _EVICT(self.name, key_data, self._thread_id()), key_data
        )
        return bool(_bool_response(response))

    async def evict_all(self) -> None:
        """Evict every entry that is not locked from memory (a MapStore keeps them)."""
        await self._invoke(_EVICT_ALL(self.name))

    async def flush(self) -> None:
        """Write every dirty entry to the MapStore (write-behind maps)."""
        await self._invoke(_FLUSH(self.name))

    async def load_all(
        self, keys: Iterable[KeyType] | None = None, replace_existing_values: bool = True
    ) -> None:
        """Load entries from the MapStore: all, or those of *keys*."""
        if keys is None:
            await self._invoke(_LOAD_ALL(self.name, replace_existing_values))
            return
        key_list = [self._key_data(k) for k in keys]
        await self._invoke(_LOAD_GIVEN_KEYS(self.name, key_list, replace_existing_values))

    async def get_entry_view(self, key: KeyType) -> SimpleEntryView | None:
        """The entry of *key* with its metadata (hits, times, TTL …), or None."""
        key_data = self._key_data(key)
        response = await self._invoke_on_key(
            _GET_ENTRY_VIEW.encode_request(self.name, key_data, self._thread_id()), key_data, True
        )
        view, max_idle = _GET_ENTRY_VIEW.decode_response(response)
        if view is None:
            return None

        def read() -> SimpleEntryView:
            return SimpleEntryView(
                self._to_object(view.key),
                self._to_object(view.value),
                view.cost,
                view.creation_time,
                view.expiration_time,
                view.hits,
                view.last_access_time,
                view.last_stored_time,
                view.last_update_time,
                view.version,
                view.ttl,
                max_idle if max_idle is not None else view.max_idle,
            )

        return await self._deserialize(read)

    # -- interceptors ---------------------------------------------------------------------

    async def add_interceptor(self, interceptor: Any) -> str:
        """Add a Java ``MapInterceptor`` (a serializable stand-in for one registered on the
        members); return its id."""
        data = self._value_data(interceptor, "interceptor")
        response = await self._invoke(_ADD_INTERCEPTOR.encode_request(self.name, data))
        return str(_string_response(response))

    async def remove_interceptor(self, registration_id: str) -> bool:
        """Remove an interceptor; True if it was there."""
        response = await self._invoke(_REMOVE_INTERCEPTOR(self.name, registration_id))
        return bool(_bool_response(response))

    # -- locks ----------------------------------------------------------------------------
    #
    # Hazelcast ties a lock to the thread that took it; hztrio ties it to the task. The task
    # that locked a key must unlock it (other tasks, even its children, are other owners);
    # locks are reentrant for their task. See docs/map.md on cancellation.

    async def lock(self, key: KeyType, lease_time: float | None = None) -> None:
        """Lock *key* for the current task, waiting as long as it takes (no
        ``invocation_timeout``: use a cancel scope, or :meth:`try_lock`).

        *lease_time*: seconds after which the member releases the lock by itself (None:
        never). Cancellation: if the member grants the lock after the caller gave up, the
        client releases it again at once.
        """
        await self._lock(key, lease_time)

    async def try_lock(
        self,
        key: KeyType,
        lease_time: float | None = None,
        timeout: float = 0,  # noqa: ASYNC109
    ) -> bool:
        """Try to lock *key* for the current task within *timeout* seconds; True if locked.

        Cancellation: as :meth:`lock`.
        """
        return await self._try_lock(key, lease_time, timeout)

    async def unlock(self, key: KeyType) -> None:
        """Release the current task's lock of *key* (once per lock, locks are reentrant).

        Raises ``IllegalMonitorStateError`` if the task does not hold it.
        """
        await self._unlock(key)

    async def force_unlock(self, key: KeyType) -> None:
        """Release the lock of *key* whoever holds it."""
        await self._force_unlock(key)

    async def is_locked(self, key: KeyType) -> bool:
        """Whether anybody holds the lock of *key*."""
        return await self._is_locked(key)

    # -- entry listeners ------------------------------------------------------------------

    async def add_entry_listener(
        self,
        include_value: bool = False,
        key: KeyType | None = None,
        predicate: Predicate | None = None,
        added_func: EntryEventCallable | None = None,
        removed_func: EntryEventCallable | None = None,
        updated_func: EntryEventCallable | None = None,
        evicted_func: EntryEventCallable | None = None,
        evict_all_func: EntryEventCallable | None = None,
        clear_all_func: EntryEventCallable | None = None,
        merged_func: EntryEventCallable | None = None,
        expired_func: EntryEventCallable | None = None,
        loaded_func: EntryEventCallable | None = None,
    ) -> str:
        """Call the given functions with an :class:`EntryEvent` for each change of the map
        (of *key* only, if given; of entries *predicate* matches, if given); return a
        registration id for :meth:`remove_entry_listener`.

        With *include_value* events carry the new and old values. A function may be plain
        or ``async def``; they run in a task of their own, in order, never on the client's
        reader. The listener is registered on every member and survives reconnections.
        Cancellation: nothing stays registered.
        """
        funcs = {
            EntryEventType.ADDED: added_func,
            EntryEventType.REMOVED: removed_func,
            EntryEventType.UPDATED: updated_func,
            EntryEventType.EVICTED: evicted_func,
            EntryEventType.EVICT_ALL: evict_all_func,
            EntryEventType.CLEAR_ALL: clear_all_func,
            EntryEventType.MERGED: merged_func,
            EntryEventType.EXPIRED: expired_func,
            EntryEventType.LOADED: loaded_func,
        }
        flags = callback_flags(funcs)
        return await self._entry_listeners.add(
            deliverer(funcs),
            f"entry listener of map {self.name!r}",
            self._prepare,
            lambda push: self._entry_registration(include_value, key, predicate, flags, push),
            self._send_schemas,
        )

    async def remove_entry_listener(self, registration_id: str) -> bool:
        """Remove an entry listener; True if it was registered.

        Cancellation: the listener is removed locally regardless.
        """
        return await self._entry_listeners.remove(registration_id)

    def entry_events(
        self,
        include_value: bool = False,
        key: KeyType | None = None,
        predicate: Predicate | None = None,
        event_types: EntryEventType | None = None,
        *,
        buffer_size: int = DEFAULT_BUFFER_SIZE,
    ) -> EventSubscription[EntryEvent]:
        """Entry events as an async iterator (every kind unless *event_types* narrows it)::

            async with personnel.entry_events(include_value=True) as events:
                async for event in events:
                    print(event.event_type.name, event.key, event.value)

        Registered on entering the block (on every member), removed on leaving it. See
        :class:`~hztrio.listener.EventSubscription` for the buffer and overflow policy.
        """
        flags = ALL_ENTRY_EVENTS if event_types is None else EntryEventType(event_types)
        return registered_subscription(
            self._context.listeners,
            buffer_size,
            lambda push: self._entry_registration(include_value, key, predicate, flags, push),
            self._prepare,
            self._send_schemas,
        )

    async def _prepare(self, event: EntryEvent) -> None:
        await self._deserialize(event.materialize)

    def _entry_registration(
        self,
        include_value: bool,
        key: Any,
        predicate: Predicate | None,
        flags: EntryEventType,
        push: Callable[[EntryEvent], None],
    ) -> ListenerRegistration:
        name = self.name
        key_data = None if key is None else self._key_data(key)
        predicate_data = None if predicate is None else self._predicate_data(predicate)
        value_flag = bool(include_value)
        mask = int(flags)
        if key_data is not None and predicate_data is not None:
            codec = _ADD_LISTENER_TO_KEY_WITH_PREDICATE

            def encode_add(local_only: bool) -> bytearray:
                return codec.encode_request(
                    name, key_data, predicate_data, value_flag, mask, local_only
                )

        elif key_data is not None:
            codec = _ADD_LISTENER_TO_KEY

            def encode_add(local_only: bool) -> bytearray:
                return codec.encode_request(name, key_data, value_flag, mask, local_only)

        elif predicate_data is not None:
            codec = _ADD_LISTENER_WITH_PREDICATE

            def encode_add(local_only: bool) -> bytearray:
                return codec.encode_request(name, predicate_data, value_flag, mask, local_only)

        else:
            codec = _ADD_LISTENER

            def encode_add(local_only: bool) -> bytearray:
                return codec.encode_request(name, value_flag, mask, local_only)

        return entry_registration(self, (codec, encode_add), _REMOVE_LISTENER, push)

    async def _checkpoint(self) -> None:
        await anyio.lowlevel.checkpoint()


def _lease(lease_time: float | None) -> int:
    """A lock lease in milliseconds; None → -1 (no lease)."""
    if lease_time is None:
        return -1
    if lease_time <= 0:
        raise ValueError(f"lease_time must be positive, got {lease_time!r}")
    return int(lease_time * 1000)
