"""Item events, and what the item collections (Queue, List, Set) share.

The three structures each live on one partition (the one of their name's partition key, see
:meth:`~hztrio.proxy.base.Proxy._name_partition_id`); :class:`CollectionProxy` routes every
call there and carries the item listeners, which work alike for all three.
"""

from __future__ import annotations

import enum
import math
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NamedTuple, TypeVar

from ..listener import (
    DEFAULT_BUFFER_SIZE,
    CallbackListeners,
    EventSubscription,
    ListenerRegistration,
    registered_subscription,
)
from .base import Proxy

if TYPE_CHECKING:
    from ..invocation import OrphanHandler
    from ..protocol.codec import Codec
    from ..protocol.frame import ClientMessage
    from ..serialization.data import Data, SplitData

ItemType = TypeVar("ItemType")
T = TypeVar("T")


class ItemEventType(enum.IntEnum):
    """Kinds of item events."""

    ADDED = 1
    """An item was added."""
    REMOVED = 2
    """An item was removed."""


class ItemEvent(Generic[ItemType]):
    """An item was added to or removed from a queue, list or set.

    ``item`` is deserialized when first read (listener callbacks and event iterators get it
    already deserialized); it is None unless the listener asked for values
    (``include_value=True``).
    """

    __slots__ = ("_data", "_item", "_ready", "_to_object", "event_type", "member", "name", "uuid")

    def __init__(
        self,
        to_object: Callable[[Any], Any],
        name: str,
        item: bytes | None,
        event_type: int,
        member_uuid: uuid.UUID,
        member: Any = None,
    ) -> None:
        self._to_object = to_object
        self._data = item
        self._item: Any = None
        self._ready = item is None
        self.name = name
        """Name of the queue, list or set."""
        self.event_type = ItemEventType(event_type)
        """What happened."""
        self.uuid = member_uuid
        """UUID of the member where it happened."""
        self.member = member
        """That member (a ``MemberInfo``), if it is still in the member list."""

    def materialize(self) -> None:
        """Deserialize the item now (may raise SchemaNotFoundError)."""
        if not self._ready:
            self._item = self._to_object(self._data)
            self._ready = True
            self._data = None

    @property
    def item(self) -> ItemType | None:
        """The item (None unless the listener was added with ``include_value=True``)."""
        self.materialize()
        return self._item  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return (
            f"ItemEvent(name={self.name!r}, event_type={self.event_type.name}, "
            f"item={self.item!r}, member={self.uuid})"
        )


ItemEventCallable = Callable[[ItemEvent[Any]], Any]


class CollectionCodecs(NamedTuple):
    """The requests Queue, List and Set all have: each service has its own codecs for them,
    with the same parameters and the same meaning."""

    add_listener: Codec
    remove_listener: Codec
    size: Codec
    is_empty: Codec
    contains: Codec
    contains_all: Codec
    add_all: Codec
    remove: Codec
    compare_and_remove_all: Codec
    compare_and_retain_all: Codec
    clear: Codec


class CollectionProxy(Proxy):
    """The base of Queue, List and Set: item listeners, item conversion, routing, and the
    bodies of the methods all three have (each keeps its public method and documentation).

    Subclasses set ``_CODECS`` to their service's :class:`CollectionCodecs`.
    """

    _CODECS: ClassVar[CollectionCodecs]

    def __init__(self, service_name: str, name: str, context: Any) -> None:
        super().__init__(service_name, name, context)
        self._item_listeners: CallbackListeners[ItemEvent[Any]] = CallbackListeners(
            context.listeners, context.spawn
        )

    # -- items ------------------------------------------------------------------------------

    def _item_data(self, item: Any) -> Data | SplitData:
        """One item for a request (None → TypeError)."""
        return self._value_data(item, "item")

    def _items_data(self, items: Iterable[Any]) -> list[Data]:
        """A collection of items for a request (None, or a None item → TypeError)."""
        if items is None:
            raise TypeError("items can't be None")
        if isinstance(items, str | bytes):
            raise TypeError(f"items must be a collection of items, not {type(items).__name__}")
        result = []
        for item in items:
            if item is None:
                raise TypeError("an item can't be None")
            data = self._to_data(item)
            assert data is not None
            result.append(data)
        return result

    async def _object(self, data: Data | None) -> Any:
        """One item of a response, deserialized (fetching a Compact schema if need be)."""
        return await self._deserialize(lambda: self._to_object(data))

    async def _objects(self, data_list: list[Data]) -> list[Any]:
        """The items of a response, deserialized."""
        to_objects = self._to_objects
        return await self._deserialize(lambda: to_objects(data_list))

    async def _invoke_waiting(
        self,
        request: bytearray,
        time_limit: float,
        on_orphaned: OrphanHandler | None = None,
    ) -> ClientMessage:
        """Invoke on the name's partition a call that may wait on the member: with its own
        *time_limit* instead of ``invocation_timeout``, and *on_orphaned* for a response
        that arrives after the caller left (see ``InvocationService.invoke``)."""
        schemas = self._schemas
        if schemas is not None and schemas.has_pending:
            await schemas.send_pending()
        return await self._invocations.invoke(
            request,
            partition_id=self._name_partition_id(),
            time_limit=time_limit,
            on_orphaned=on_orphaned,
        )

    def _blocking_limit(self, timeout: float) -> float:
        """The time limit of a call that may wait *timeout* seconds on the member."""
        return timeout + self._invocations.invocation_timeout

    # -- what Queue, List and Set all do ----------------------------------------------------

    async def _call(self, codec: Codec, *arguments: Any, retryable: bool = False) -> Any:
        """*codec*'s request (the structure's name, then *arguments*) on the name's partition;
        its response, decoded."""
        response = await self._invoke_on_name_partition(
            codec.encode_request(self.name, *arguments), retryable
        )
        return codec.decode_response(response)

    async def _size(self) -> int:
        return int(await self._call(self._CODECS.size, retryable=True))

    async def _is_empty(self) -> bool:
        return bool(await self._call(self._CODECS.is_empty, retryable=True))

    async def _contains(self, item: Any) -> bool:
        return bool(await self._call(self._CODECS.contains, self._item_data(item), retryable=True))

    async def _contains_all(self, items: Iterable[Any]) -> bool:
        codec = self._CODECS.contains_all
        return bool(await self._call(codec, self._items_data(items), retryable=True))

    async def _add_all(self, items: Iterable[Any]) -> bool:
        return bool(await self._call(self._CODECS.add_all, self._items_data(items)))

    async def _remove(self, item: Any) -> bool:
        return bool(await self._call(self._CODECS.remove, self._item_data(item)))

    async def _remove_all(self, items: Iterable[Any]) -> bool:
        codec = self._CODECS.compare_and_remove_all
        return bool(await self._call(codec, self._items_data(items)))

    async def _retain_all(self, items: Iterable[Any]) -> bool:
        codec = self._CODECS.compare_and_retain_all
        return bool(await self._call(codec, self._items_data(items)))

    async def _clear(self) -> None:
        await self._call(self._CODECS.clear)

    # -- item listeners ---------------------------------------------------------------------

    async def add_listener(
        self,
        include_value: bool = False,
        item_added_func: ItemEventCallable | None = None,
        item_removed_func: ItemEventCallable | None = None,
    ) -> str:
        """Call *item_added_func* / *item_removed_func* with an :class:`ItemEvent` for every
        item added / removed; return a registration id for :meth:`remove_listener`.

        With *include_value* the events carry the item. A function may be plain or
        ``async def``; each listener's functions run in a task of their own, in order,
        never on the client's reader. The listener survives reconnections.
        Cancellation: nothing stays registered.
        """
        funcs = {ItemEventType.ADDED: item_added_func, ItemEventType.REMOVED: item_removed_func}
        for event_type, func in funcs.items():
            if func is not None and not callable(func):
                what = f"item_{event_type.name.lower()}_func"
                raise TypeError(f"{what} must be callable, got {func!r}")
        if item_added_func is None and item_removed_func is None:
            raise ValueError("give item_added_func, item_removed_func or both")

        def deliver(event: ItemEvent[Any]) -> Any:
            func = funcs.get(event.event_type)
            return None if func is None else func(event)

        return await self._item_listeners.add(
            deliver,
            f"item listener of {self.name!r}",
            self._prepare,
            lambda push: self._item_registration(include_value, push),
        )

    async def remove_listener(self, registration_id: str) -> bool:
        """Remove an item listener; True if it was registered (False for an unknown id).

        Cancellation: the listener is removed locally regardless.
        """
        return await self._item_listeners.remove(registration_id)

    def item_events(
        self, include_value: bool = False, *, buffer_size: int = DEFAULT_BUFFER_SIZE
    ) -> EventSubscription[ItemEvent[Any]]:
        """Item events as an async iterator::

            async with queue.item_events(include_value=True) as events:
                async for event in events:
                    print(event.event_type.name, event.item)

        Registered on entering the block, removed on leaving it; iteration ends when the
        client shuts down. See :class:`~hztrio.listener.EventSubscription` for the buffer and
        the overflow policy.
        """
        return registered_subscription(
            self._context.listeners,
            buffer_size,
            lambda push: self._item_registration(include_value, push),
            self._prepare,
        )

    async def _prepare(self, event: ItemEvent[Any]) -> None:
        await self._deserialize(event.materialize)

    def _item_registration(
        self, include_value: bool, push: Callable[[ItemEvent[Any]], None]
    ) -> ListenerRegistration:
        name = self.name
        value_flag = bool(include_value)
        add_codec = self._CODECS.add_listener
        encode_remove = self._CODECS.remove_listener.encode_request
        decode_event = add_codec.event_decoder("Item")
        to_object = self._to_object
        cluster = self._context.cluster

        def handle(message: ClientMessage) -> None:
            item, member_uuid, event_type = decode_event(message)
            member = None if cluster is None else cluster.get_member(member_uuid)
            push(ItemEvent(to_object, name, item, event_type, member_uuid, member))

        return ListenerRegistration(
            encode_add=lambda local_only: add_codec.encode_request(name, value_flag, local_only),
            decode_add=add_codec.decode_response,
            encode_remove=lambda server_id: encode_remove(name, server_id),
            handle=handle,
        )


def check_int(what: str, value: object) -> int:
    """An int argument (an index, a count): TypeError for another type, bool included."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, got {value!r}")
    return value


#: longer than this (about 292 years in ms) does not fit the protocol's long: it means "forever"
_MAX_TIMEOUT = 2**63 // 1000 / 1000


def check_timeout(timeout: float) -> float:
    """A ``timeout=`` of offer/poll as seconds: negative → 0 (as Java's queues), more than a
    protocol long of milliseconds holds → inf; NaN, bool and non-numbers → error."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(f"timeout must be a number of seconds, got {timeout!r}")
    seconds = float(timeout)
    if math.isnan(seconds):
        raise ValueError("timeout can't be NaN")
    if seconds >= _MAX_TIMEOUT:
        return math.inf
    return max(seconds, 0.0)


__all__ = [
    "CollectionCodecs",
    "CollectionProxy",
    "ItemEvent",
    "ItemEventCallable",
    "ItemEventType",
]
