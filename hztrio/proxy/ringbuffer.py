"""A distributed, bounded ring of items with sequence numbers (``Ringbuffer``)."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, Generic, TypeVar, overload

import anyio

from ..protocol.codecs import ringbuffer as codecs
from ..protocol.frame import ClientMessage
from ..serialization.data import Data
from .base import Proxy, ProxyContext

ItemType = TypeVar("ItemType")

RINGBUFFER_SERVICE = "hz:impl:ringbufferService"

MAX_BATCH_SIZE: Final = 1000
"""The most items one :meth:`Ringbuffer.add_all` writes or one :meth:`Ringbuffer.read_many`
reads."""

SEQUENCE_UNAVAILABLE: Final = -1
"""A sequence the member did not report (see :meth:`ReadResult.get_sequence`)."""


class OverflowPolicy(enum.IntEnum):
    """What an add does when the ringbuffer is full.

    The ringbuffer is full only when it has a time to live (``time-to-live-seconds`` in the
    member's ringbuffer config) and every slot holds an item younger than that: without a
    time to live, old items may always be overwritten and ``FAIL`` never fails.
    """

    OVERWRITE = 0
    """Overwrite the oldest item, even if it has not expired yet (the default)."""
    FAIL = 1
    """Add nothing; the add returns -1. Retry later (with a backoff) to block."""


OVERFLOW_POLICY_OVERWRITE: Final = OverflowPolicy.OVERWRITE
"""The official client's name of :attr:`OverflowPolicy.OVERWRITE`."""
OVERFLOW_POLICY_FAIL: Final = OverflowPolicy.FAIL
"""The official client's name of :attr:`OverflowPolicy.FAIL`."""

_SIZE = codecs.RINGBUFFER_SIZE.encode_request
_TAIL_SEQUENCE = codecs.RINGBUFFER_TAIL_SEQUENCE.encode_request
_HEAD_SEQUENCE = codecs.RINGBUFFER_HEAD_SEQUENCE.encode_request
_CAPACITY = codecs.RINGBUFFER_CAPACITY.encode_request
_REMAINING_CAPACITY = codecs.RINGBUFFER_REMAINING_CAPACITY.encode_request
_ADD = codecs.RINGBUFFER_ADD.encode_request
_ADD_ALL = codecs.RINGBUFFER_ADD_ALL.encode_request
_READ_ONE = codecs.RINGBUFFER_READ_ONE
_READ_MANY = codecs.RINGBUFFER_READ_MANY

_long_response = codecs.RINGBUFFER_SIZE.decode_response


def _overflow_policy(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"overflow_policy must be an OverflowPolicy, got {value!r}")
    try:
        return int(OverflowPolicy(value))
    except ValueError:
        raise ValueError(
            f"overflow_policy must be OverflowPolicy.OVERWRITE (0) or FAIL (1), got {value!r}"
        ) from None


def _count(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} can't be negative, got {value!r}")
    return value


class ReadResult(Sequence[ItemType]):
    """The items one :meth:`Ringbuffer.read_many` returned, with their sequences.

    A sequence of the items themselves (``result[0]``, ``len(result)``, ``list(result)``;
    equal to a list of the same items), plus:
    """

    SEQUENCE_UNAVAILABLE: Final = SEQUENCE_UNAVAILABLE

    __slots__ = ("_items", "_next_seq", "_read_count", "_sequences")

    def __init__(
        self,
        read_count: int,
        next_seq: int,
        sequences: Sequence[int] | None,
        items: list[ItemType],
    ) -> None:
        self._read_count = read_count
        self._next_seq = next_seq
        self._sequences = sequences
        self._items = items

    @property
    def items(self) -> list[ItemType]:
        """The items read (after the filter), in sequence order."""
        return self._items

    @property
    def read_count(self) -> int:
        """How many items the member read, before the filter.

        Equal to :attr:`size` without a filter. To go on reading after this result, start
        at :attr:`next_sequence_to_read_from`, not at the start plus :attr:`size`.
        """
        return self._read_count

    @property
    def size(self) -> int:
        """How many items the result holds (after the filter)."""
        return len(self._items)

    @property
    def next_sequence_to_read_from(self) -> int:
        """The sequence after the last item read: where the next read should start.

        Usually the start sequence plus :attr:`read_count`; it differs when the read jumped
        (a start before the head begins at the head instead). :data:`SEQUENCE_UNAVAILABLE`
        if the member did not say.
        """
        return self._next_seq

    @property
    def sequences(self) -> list[int] | None:
        """The sequence of each item, or None if the member did not send them."""
        return None if self._sequences is None else list(self._sequences)

    def get_sequence(self, index: int) -> int:
        """The sequence of the item at *index* (:data:`SEQUENCE_UNAVAILABLE` if the member
        did not send sequences)."""
        if self._sequences is None:
            self._items[index]  # the same IndexError as the items for a wrong index
            return SEQUENCE_UNAVAILABLE
        return self._sequences[index]

    @overload
    def __getitem__(self, index: int) -> ItemType: ...

    @overload
    def __getitem__(self, index: slice) -> list[ItemType]: ...

    def __getitem__(self, index: int | slice) -> ItemType | list[ItemType]:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[ItemType]:
        return iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ReadResult):
            return self._items == other._items
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return self._items == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"ReadResult(items={self._items!r}, read_count={self._read_count}, "
            f"next_sequence_to_read_from={self._next_seq})"
        )


class Ringbuffer(Proxy, Generic[ItemType]):
    """A distributed, bounded ring of items with sequence numbers (``Ringbuffer``).

    Items are appended at the tail and get ever-growing sequence numbers; when the ring is
    full the oldest item (at the head) is overwritten. Reading does not remove anything, so
    any number of readers can read the same items, each keeping its own sequence. The whole
    ringbuffer lives on one partition (that of its name, or of the part after ``@``).

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster (an add may still add its items). :meth:`read_one` and
    :meth:`read_many` may wait on the member for items; cancelling them leaves nothing behind
    but the member's pending read, which ends when items arrive.
    """

    def __init__(self, service_name: str, name: str, context: ProxyContext) -> None:
        super().__init__(service_name, name, context)
        self._capacity: int | None = None

    async def capacity(self) -> int:
        """How many items the ringbuffer holds at most (asked once, then remembered)."""
        capacity = self._capacity
        if capacity is not None:
            await anyio.lowlevel.checkpoint()
            return capacity
        response = await self._invoke_on_name_partition(_CAPACITY(self.name), True)
        capacity = self._capacity = int(_long_response(response))
        return capacity

    async def size(self) -> int:
        """How many items it holds now (up to :meth:`capacity`)."""
        return await self._long(_SIZE(self.name))

    async def tail_sequence(self) -> int:
        """The sequence of the newest item (-1 while nothing was ever added)."""
        return await self._long(_TAIL_SEQUENCE(self.name))

    async def head_sequence(self) -> int:
        """The sequence of the oldest item still there (the tail plus one when empty; 0 at
        first)."""
        return await self._long(_HEAD_SEQUENCE(self.name))

    async def remaining_capacity(self) -> int:
        """How many items can be added before one that has not expired is overwritten.

        Without a time to live (the default) this is always the :meth:`capacity`.
        """
        return await self._long(_REMAINING_CAPACITY(self.name))

    async def _long(self, request: bytearray) -> int:
        response = await self._invoke_on_name_partition(request, True)
        return int(_long_response(response))

    async def add(self, item: ItemType, overflow_policy: int = OverflowPolicy.OVERWRITE) -> int:
        """Append *item* at the tail; return its sequence, or -1 if the ringbuffer was full
        and *overflow_policy* is :attr:`OverflowPolicy.FAIL`."""
        policy = _overflow_policy(overflow_policy)
        item_data = self._value_data(item, "item")
        response = await self._invoke_on_name_partition(_ADD(self.name, policy, item_data))
        return int(_long_response(response))

    async def add_all(
        self, items: Sequence[ItemType], overflow_policy: int = OverflowPolicy.OVERWRITE
    ) -> int:
        """Append *items* (1 to :data:`MAX_BATCH_SIZE` of them), in order, in one request;
        return the sequence of the last one, or -1 if the ringbuffer was full and
        *overflow_policy* is :attr:`OverflowPolicy.FAIL` (then none is added)."""
        policy = _overflow_policy(overflow_policy)
        if isinstance(items, str | bytes) or not isinstance(items, Iterable):
            raise TypeError(f"items must be a sequence of items, got {items!r}")
        item_list = [self._entry_item_data(item) for item in items]
        if not item_list:
            raise ValueError("items can't be empty")
        if len(item_list) > MAX_BATCH_SIZE:
            raise ValueError(
                f"at most {MAX_BATCH_SIZE} items can be added at once, got {len(item_list)}"
            )
        response = await self._invoke_on_name_partition(_ADD_ALL(self.name, item_list, policy))
        return int(_long_response(response))

    def _entry_item_data(self, item: Any) -> Data:
        if item is None:
            raise TypeError("item can't be None")
        data = self._to_data(item)
        assert data is not None
        return data

    async def read_one(self, sequence: int) -> ItemType:
        """The item at *sequence*; if *sequence* is the tail plus one, wait for it to be
        added (no ``invocation_timeout``: as long as it takes; use a cancel scope).

        Raises ``StaleSequenceError`` if the item was already overwritten (a sequence below
        :meth:`head_sequence`) and ``IllegalArgumentError`` for a sequence beyond the tail
        plus one. Cancellation: stops waiting; nothing is lost.
        """
        sequence = _count("sequence", sequence)
        response = await self._invoke_blocking(_READ_ONE.encode_request(self.name, sequence))
        data = _READ_ONE.decode_response(response)
        return await self._deserialize(lambda: self._to_object(data))

    async def read_many(
        self,
        start_sequence: int,
        min_count: int,
        max_count: int,
        filter: Any = None,
    ) -> ReadResult[ItemType]:
        """Read up to *max_count* items from *start_sequence* on, waiting until at least
        *min_count* are there (no ``invocation_timeout``: as long as it takes; use a cancel
        scope).

        A start before the head begins at the head; a start beyond the tail waits for new
        items. *filter* is a serializable stand-in for a Java ``IFunction<item, Boolean>``
        known to the members: only items it accepts are returned (all are counted in
        :attr:`ReadResult.read_count`). *max_count* may be at most the :meth:`capacity` and
        :data:`MAX_BATCH_SIZE`. Cancellation: stops waiting; nothing is lost.
        """
        start_sequence = _count("start_sequence", start_sequence)
        min_count = _count("min_count", min_count)
        max_count = _count("max_count", max_count)
        if max_count < min_count:
            raise ValueError(
                f"max_count ({max_count}) can't be smaller than min_count ({min_count})"
            )
        if max_count > MAX_BATCH_SIZE:
            raise ValueError(f"max_count can't be greater than {MAX_BATCH_SIZE}, got {max_count}")
        filter_data = None if filter is None else self._to_data(filter)
        capacity = await self.capacity()
        if max_count > capacity:
            raise ValueError(
                f"max_count ({max_count}) can't be greater than the capacity ({capacity})"
            )
        return await self._read_many(start_sequence, min_count, max_count, filter_data)

    async def _read_many(
        self,
        start_sequence: int,
        min_count: int,
        max_count: int,
        filter_data: Data | None,
        time_limit: float = math.inf,
    ) -> ReadResult[ItemType]:
        response = await self._invoke_blocking(
            _READ_MANY.encode_request(self.name, start_sequence, min_count, max_count, filter_data),
            time_limit,
        )
        read_count, items, sequences, next_seq = _READ_MANY.decode_response(response)
        to_objects = self._to_objects
        objects = await self._deserialize(lambda: to_objects(items))
        return ReadResult(read_count, next_seq, sequences, objects)

    def _invoke_blocking(self, request: bytearray, time_limit: float = math.inf) -> Any:
        """A read that may wait on the member: retried after a lost connection, and with
        no time limit but the caller's (or *time_limit*)."""
        schemas = self._schemas
        if schemas is not None and schemas.has_pending:
            return self._invoke_blocking_after_schemas(request, time_limit)
        return self._invocations.invoke(
            request, partition_id=self._name_partition_id(), retryable=True, time_limit=time_limit
        )

    async def _invoke_blocking_after_schemas(
        self, request: bytearray, time_limit: float
    ) -> ClientMessage:
        assert self._schemas is not None
        await self._schemas.send_pending()
        return await self._invocations.invoke(
            request, partition_id=self._name_partition_id(), retryable=True, time_limit=time_limit
        )
