"""A distributed, bounded or unbounded FIFO queue (``IQueue``)."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

import anyio

from ..errors import IllegalStateError
from ..protocol.codec import set_partition_id
from ..protocol.codecs import queue as codecs
from ..protocol.frame import ClientMessage
from ..serialization.data import Data
from .item import CollectionCodecs, CollectionProxy, check_int, check_timeout

ItemType = TypeVar("ItemType")

QUEUE_SERVICE = "hz:impl:queueService"

_logger = logging.getLogger("hztrio.proxy.queue")

#: seconds a cancelled call waits (shielded) for the member to take back items it removed
PUT_BACK_GRACE = 5.0

_OFFER = codecs.QUEUE_OFFER.encode_request
_PUT = codecs.QUEUE_PUT.encode_request
_POLL = codecs.QUEUE_POLL.encode_request

WAIT_SLICE = 10.0
"""Seconds one request of a waiting :meth:`Queue.take` / :meth:`Queue.poll` asks the member
to wait at most; a longer wait is a series of them (see ``Queue._poll_for``)."""
_PEEK = codecs.QUEUE_PEEK.encode_request
_ITERATOR = codecs.QUEUE_ITERATOR.encode_request
_DRAIN_TO_MAX_SIZE = codecs.QUEUE_DRAIN_TO_MAX_SIZE.encode_request
_ADD_ALL = codecs.QUEUE_ADD_ALL.encode_request
_REMAINING_CAPACITY = codecs.QUEUE_REMAINING_CAPACITY.encode_request

_bool_response = codecs.QUEUE_OFFER.decode_response
_int_response = codecs.QUEUE_SIZE.decode_response
_data_response = codecs.QUEUE_POLL.decode_response  # poll, take and peek decode alike
_list_response = codecs.QUEUE_ITERATOR.decode_response  # so do iterator and drainTo


class Queue(CollectionProxy, Generic[ItemType]):
    """A distributed, bounded or unbounded FIFO queue (``IQueue``).

    The whole queue lives on one member (and its backups): the owner of the partition of
    its name (``"jobs@tenant-1"`` lives with the key ``"tenant-1"``). Bounded queues get
    their ``max-size`` from the member's configuration.

    Cancellation (all methods): the call stops waiting at once; a request already sent may
    still take effect on the cluster. Calls that remove items and hand them to the caller
    (:meth:`take`, :meth:`poll`, :meth:`drain_to`) never lose an item to a cancellation
    while the connection stays up: an item the member hands out after the caller gave up
    is put back (at the tail), with a warning in the log. docs/collections.md says when
    that cannot help.
    """

    _CODECS = CollectionCodecs(
        add_listener=codecs.QUEUE_ADD_LISTENER,
        remove_listener=codecs.QUEUE_REMOVE_LISTENER,
        size=codecs.QUEUE_SIZE,
        is_empty=codecs.QUEUE_IS_EMPTY,
        contains=codecs.QUEUE_CONTAINS,
        contains_all=codecs.QUEUE_CONTAINS_ALL,
        add_all=codecs.QUEUE_ADD_ALL,
        remove=codecs.QUEUE_REMOVE,
        compare_and_remove_all=codecs.QUEUE_COMPARE_AND_REMOVE_ALL,
        compare_and_retain_all=codecs.QUEUE_COMPARE_AND_RETAIN_ALL,
        clear=codecs.QUEUE_CLEAR,
    )

    # -- adding -----------------------------------------------------------------------------

    async def add(self, item: ItemType) -> bool:
        """Add *item* at the tail if there is room at once; True.

        Raises :class:`~hztrio.errors.IllegalStateError` if the queue is full (as the
        official client does; :meth:`offer` returns False instead).
        """
        if await self.offer(item):
            return True
        raise IllegalStateError(f"Queue {self.name!r} is full")

    async def add_all(self, items: Iterable[ItemType]) -> bool:
        """Add every item of *items* at the tail, in order; True if the queue changed.

        All or nothing: if there is not room for all of them, raises
        :class:`~hztrio.errors.IllegalStateError` and adds none.
        """
        return await self._add_all(items)

    async def offer(self, item: ItemType, timeout: float = 0) -> bool:  # noqa: ASYNC109
        """Add *item* at the tail; True if added.

        A full queue: with *timeout* 0 return False at once, else wait up to *timeout*
        seconds for room (``math.inf``: as long as it takes, like :meth:`put`); negative
        counts as 0. The call may take *timeout* plus ``invocation_timeout`` seconds.

        Cancellation: the member may still add the item afterwards (it keeps waiting for
        room up to *timeout*); the client logs it at INFO level if it learns of it.
        """
        item_data = self._item_data(item)
        seconds = check_timeout(timeout)
        if seconds == 0:
            response = await self._invoke_on_name_partition(_OFFER(self.name, item_data, 0))
        elif math.isinf(seconds):
            response = await self._invoke_waiting(
                _OFFER(self.name, item_data, -1), math.inf, self._report_late_add("offer")
            )
        else:
            response = await self._invoke_waiting(
                _OFFER(self.name, item_data, _millis(seconds)),
                self._blocking_limit(seconds),
                self._report_late_add("offer"),
            )
        return bool(_bool_response(response))

    async def put(self, item: ItemType) -> None:
        """Add *item* at the tail, waiting for room as long as it takes (no
        ``invocation_timeout``: use a cancel scope, or :meth:`offer` with a timeout).

        Cancellation: the member keeps waiting for room and adds the item when there is;
        the client logs it at INFO level if it learns of it.
        """
        item_data = self._item_data(item)
        await self._invoke_waiting(
            _PUT(self.name, item_data), math.inf, self._report_late_add("put")
        )

    # -- removing ---------------------------------------------------------------------------

    async def take(self) -> ItemType:
        """Remove and return the head of the queue, waiting for an item as long as it takes
        (no ``invocation_timeout``: use a cancel scope, or :meth:`poll` with a timeout).

        The wait is a series of polls of at most ``WAIT_SLICE`` seconds each, so a call
        given up leaves the member waiting on its behalf for at most that long.

        Cancellation: if the member hands an item to the abandoned poll while the
        connection is up, the client puts it back at the tail of the queue and logs a
        warning: the item is not lost, but loses its place.
        """
        item = await self._poll_for(math.inf, "take")
        assert item is not None
        return item

    async def poll(self, timeout: float = 0) -> ItemType | None:  # noqa: ASYNC109
        """Remove and return the head of the queue; None if it is empty.

        With *timeout* (seconds) wait up to that long for an item (``math.inf``: as long as
        it takes, like :meth:`take`; negative counts as 0). The call may take *timeout*
        plus ``invocation_timeout`` seconds.

        Cancellation: as :meth:`take` — an item handed out after the caller gave up is put
        back at the tail.
        """
        return await self._poll_for(check_timeout(timeout), "poll")

    async def _poll_for(self, seconds: float, what: str) -> ItemType | None:
        """Poll for up to *seconds* (inf: until an item comes), one request per
        ``WAIT_SLICE`` at most: the member never waits long for a caller that left."""
        clock = self._invocations.backend.current_time
        deadline = clock() + seconds
        while True:
            wait = min(max(deadline - clock(), 0.0), WAIT_SLICE)
            response = await self._invoke_waiting(
                _POLL(self.name, _millis(wait)), self._blocking_limit(wait), self._give_back(what)
            )
            data = _data_response(response)
            if data is not None or clock() >= deadline:
                return await self._taken(data)  # type: ignore[no-any-return]

    async def remove(self, item: ItemType) -> bool:
        """Remove one occurrence of *item*; True if there was one."""
        return await self._remove(item)

    async def remove_all(self, items: Iterable[ItemType]) -> bool:
        """Remove every item equal to one of *items*; True if the queue changed."""
        return await self._remove_all(items)

    async def retain_all(self, items: Iterable[ItemType]) -> bool:
        """Remove every item not equal to one of *items*; True if the queue changed."""
        return await self._retain_all(items)

    async def drain_to(self, target_list: list[ItemType], max_size: int = -1) -> int:
        """Remove up to *max_size* items (-1: all) from the head, append them to
        *target_list* in queue order, and return how many there were.

        Cancellation: as :meth:`take` — items removed after the caller gave up are put back
        at the tail, all in one ``add_all`` (which a bounded queue that filled up in the
        meantime refuses: then they are lost).
        """
        if not isinstance(target_list, list):
            raise TypeError(f"target_list must be a list, got {type(target_list).__name__}")
        max_size = check_int("max_size", max_size)
        response = await self._invoke_waiting(
            _DRAIN_TO_MAX_SIZE(self.name, max_size),
            self._invocations.invocation_timeout,
            self._give_back("drain_to"),
        )
        data_list = _list_response(response)
        items = await self._taken_all(data_list)
        target_list.extend(items)
        return len(items)

    async def clear(self) -> None:
        """Remove every item."""
        await self._clear()

    # -- reading ----------------------------------------------------------------------------

    async def peek(self) -> ItemType | None:
        """The head of the queue without removing it; None if the queue is empty."""
        response = await self._invoke_on_name_partition(_PEEK(self.name), True)
        return await self._object(_data_response(response))  # type: ignore[no-any-return]

    async def contains(self, item: ItemType) -> bool:
        """Whether the queue holds an item equal to *item*."""
        return await self._contains(item)

    async def contains_all(self, items: Iterable[ItemType]) -> bool:
        """Whether the queue holds an item equal to each of *items*."""
        return await self._contains_all(items)

    async def iterator(self) -> list[ItemType]:
        """Every item, head first (a snapshot)."""
        response = await self._invoke_on_name_partition(_ITERATOR(self.name), True)
        return await self._objects(_list_response(response))

    async def size(self) -> int:
        """The number of items."""
        return await self._size()

    async def is_empty(self) -> bool:
        """Whether the queue has no items."""
        return await self._is_empty()

    async def remaining_capacity(self) -> int:
        """How many more items fit (``2**31 - 1`` for an unbounded queue)."""
        response = await self._invoke_on_name_partition(_REMAINING_CAPACITY(self.name), True)
        return int(_int_response(response))

    # -- cancellation: items the member hands to a caller that left -------------------------

    def _give_back(self, operation: str) -> Callable[[ClientMessage], bytearray | None]:
        """For take/poll/drain_to: the request that puts back what the member removed for
        a caller that was no longer there (called on the reader, synchronously)."""
        name = self.name
        proxy = self

        def give_back(response: ClientMessage) -> bytearray | None:
            if response.message_type == 0:  # an error: nothing was removed
                return None
            if response.message_type == codecs.QUEUE_DRAIN_TO_MAX_SIZE.response_type:
                data_list = _list_response(response)
                if not data_list:
                    return None
                _logger.warning(
                    "queue %r: %d items drained for a cancelled drain_to() are put back at "
                    "the tail of the queue",
                    name,
                    len(data_list),
                )
                request = _ADD_ALL(name, list(data_list))
            else:
                data = _data_response(response)
                if data is None:  # a poll that found nothing
                    return None
                _logger.warning(
                    "queue %r: an item taken by a cancelled %s() is put back at the tail "
                    "of the queue",
                    name,
                    operation,
                )
                request = _PUT(name, data)
            set_partition_id(request, proxy._name_partition_id())
            return request

        return give_back

    def _report_late_add(self, operation: str) -> Callable[[ClientMessage], bytearray | None]:
        """For put/offer: log that the member added an item for a caller that left."""
        name = self.name

        def report(response: ClientMessage) -> None:
            if response.message_type == codecs.QUEUE_PUT.response_type or (
                response.message_type == codecs.QUEUE_OFFER.response_type
                and _bool_response(response)
            ):
                _logger.info("queue %r: a cancelled %s() added its item after all", name, operation)

        return report

    async def _taken(self, data: Data | None) -> Any:
        """An item the member removed for this caller, deserialized. If the caller is
        cancelled while a Compact schema is fetched for it, the item is put back."""
        try:
            return await self._object(data)  # awaits only to fetch a schema
        except anyio.get_cancelled_exc_class():
            if data is not None:
                await self._put_back_after_cancel(_PUT(self.name, data))
            raise

    async def _taken_all(self, data_list: list[Data]) -> list[Any]:
        """Items the member removed for this caller (as :meth:`_taken`)."""
        try:
            return await self._objects(data_list)
        except anyio.get_cancelled_exc_class():
            await self._put_back_after_cancel(_ADD_ALL(self.name, list(data_list)))
            raise

    async def _put_back_after_cancel(self, request: bytearray) -> None:
        _logger.warning(
            "queue %r: items removed for a call cancelled while it deserialized them are put "
            "back at the tail of the queue",
            self.name,
        )
        # the member keeps a put that waits for room even if the client stops waiting
        with anyio.move_on_after(PUT_BACK_GRACE, shield=True):
            try:
                await self._invocations.invoke(
                    request, partition_id=self._name_partition_id(), time_limit=math.inf
                )
            except Exception as exc:
                _logger.warning("queue %r: putting items back failed: %r", self.name, exc)


def _millis(seconds: float) -> int:
    return int(seconds * 1000)
