"""Transactions: ``async with client.new_transaction() as tx:`` and the transactional proxies.

A transaction lives on one member connection, chosen when it begins; every call made through
its proxies (``tx.get_map(name)``, …) goes over that connection with the transaction's id.
Leaving the ``async with`` block commits when the block ended normally and rolls back when it
raised or was cancelled. See docs/transactions.md.
"""

from __future__ import annotations

import enum
import math
import time
import uuid
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import anyio

from .errors import OperationTimeoutError, SchemaNotFoundError, TransactionError
from .predicate import PagingPredicate, Predicate
from .protocol.codecs import transaction as tx_codecs
from .protocol.codecs import transactional_list as list_codecs
from .protocol.codecs import transactional_map as map_codecs
from .protocol.codecs import transactional_multi_map as multi_map_codecs
from .protocol.codecs import transactional_queue as queue_codecs
from .protocol.codecs import transactional_set as set_codecs
from .proxy.base import new_thread_id, to_millis
from .proxy.item import check_timeout

if TYPE_CHECKING:
    from .net.connection import Connection
    from .net.manager import ConnectionManager
    from .protocol.frame import ClientMessage
    from .proxy.base import ProxyContext
    from .serialization import Data

__all__ = [
    "ONE_PHASE",
    "TWO_PHASE",
    "Transaction",
    "TransactionState",
    "TransactionType",
    "TransactionalList",
    "TransactionalMap",
    "TransactionalMultiMap",
    "TransactionalQueue",
    "TransactionalSet",
]

KeyType = TypeVar("KeyType")
ValueType = TypeVar("ValueType")
ItemType = TypeVar("ItemType")
ObjectT = TypeVar("ObjectT", bound="_TransactionalObject")


class TransactionType(enum.IntEnum):
    """How a transaction commits (Java ``TransactionOptions.TransactionType``)."""

    TWO_PHASE = 1
    """Prepare on every member first (conflicts fail the prepare), then commit; the commit
    log is copied to backups, so a member failing mid-commit does not leave it half done."""
    ONE_PHASE = 2
    """Commit in one step, without a prepare: cheaper, but a failure during the commit can
    leave some changes written and others not."""


TWO_PHASE = TransactionType.TWO_PHASE
ONE_PHASE = TransactionType.ONE_PHASE


class TransactionState(enum.Enum):
    """Where a :class:`Transaction` is in its life."""

    NOT_STARTED = "not_started"
    ACTIVE = "active"
    COMMITTED = "committed"
    COMMIT_FAILED = "commit_failed"
    """The commit raised or was cancelled: the member may or may not have committed."""
    ROLLED_BACK = "rolled_back"


def check_transaction_options(timeout: Any, durability: Any, transaction_type: Any) -> None:
    """Raise TypeError/ValueError for options a transaction cannot have."""
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise TypeError(f"timeout must be a number of seconds, got {timeout!r}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise ValueError(f"timeout must be positive and finite, got {timeout!r}")
    if isinstance(durability, bool) or not isinstance(durability, int):
        raise TypeError(f"durability must be an int, got {durability!r}")
    if durability < 0:
        raise ValueError(f"durability must not be negative, got {durability!r}")
    if transaction_type not in (1, 2) or isinstance(transaction_type, bool):
        raise ValueError(
            f"type must be TWO_PHASE or ONE_PHASE (hztrio.transaction), got {transaction_type!r}"
        )


class Transaction:
    """One transaction of the client (from :meth:`HazelcastClient.new_transaction`).

    Use it as an async context manager::

        async with client.new_transaction(timeout=10) as tx:
            accounts = tx.get_map("accounts")
            balance = await accounts.get_for_update("alice")
            await accounts.put("alice", balance - 10)

    The block begins the transaction, commits it when the block ends normally, and rolls it
    back when the block raises or is cancelled (the rollback is shielded from that
    cancellation and bounded by ``invocation_timeout``). :meth:`begin`, :meth:`commit` and
    :meth:`rollback` are there for code that manages the transaction itself.

    Any task may use the transaction's proxies while it is active: a transaction has a
    Hazelcast "thread id" of its own (not the task's), so the locks it takes
    (``get_for_update``, and every write) belong to the transaction, wherever they were
    taken from. Two transactions never share locks, even when begun by one task. Calls
    made at the same time from several tasks are sent one after another (a member does not
    run one transaction's operations concurrently: concurrent puts lose some), so a waiting
    ``take`` holds up the transaction's other calls until it returns.
    """

    def __init__(
        self,
        context: ProxyContext,
        connections: ConnectionManager,
        timeout: float,
        durability: int,
        transaction_type: int,
    ) -> None:
        check_transaction_options(timeout, durability, transaction_type)
        self._context = context
        self._connections = connections
        self.timeout = float(timeout)
        """Seconds the transaction may live; the member rolls it back after that."""
        self.durability = durability
        """How many backups keep the transaction log (members that can finish a commit)."""
        self.transaction_type = TransactionType(transaction_type)
        self.state = TransactionState.NOT_STARTED
        self.id: uuid.UUID | None = None
        """The member's id of the transaction (set by :meth:`begin`)."""
        self.start_time: float | None = None
        """When :meth:`begin` began it, in seconds since the epoch (``time.time()``)."""
        self.thread_id = new_thread_id()
        """The Hazelcast "thread id" every request of this transaction carries."""
        self.connection: Connection | None = None
        """The connection the transaction lives on (set by :meth:`begin`)."""
        self._deadline = math.inf
        self._objects: dict[tuple[type[Any], str], Any] = {}
        #: why the transaction may only roll back (an item taken for a call that was gone)
        self._rollback_only: str | None = None
        #: one call of the transaction at a time: a member runs a transaction's operations
        #: on one log that is not safe for concurrent use (concurrent puts lose some)
        self._calls = anyio.Lock()

    def __repr__(self) -> str:
        return f"Transaction(id={self.id}, state={self.state.name})"

    async def begin(self) -> None:
        """Begin the transaction on one member connection (waiting for a connection while
        the client reconnects, up to ``invocation_timeout``).

        Raises :class:`~hztrio.errors.TransactionError` if it was begun before.
        Cancellation: the transaction stays not started; if the member had already created
        it, it rolls it back when the transaction's timeout passes.
        """
        if self.state is not TransactionState.NOT_STARTED:
            raise TransactionError("Transaction has already been started.")
        invocations = self._context.invocations
        connection = None
        with anyio.move_on_after(invocations.invocation_timeout):
            while (connection := self._connections.random_connection()) is None:
                await self._connections.wait_connected()
        if connection is None:
            raise OperationTimeoutError(
                "No connection to begin the transaction on within "
                f"{invocations.invocation_timeout} s"
            )
        deadline = invocations.backend.current_time() + self.timeout
        started = time.time()
        response = await invocations.invoke(
            _CREATE.encode_request(
                to_millis(self.timeout),
                self.durability,
                int(self.transaction_type),
                self.thread_id,
            ),
            connection=connection,
        )
        self.id = _CREATE.decode_response(response)
        self.start_time = started
        self.connection = connection
        self._deadline = deadline
        self.state = TransactionState.ACTIVE

    async def commit(self) -> None:
        """Commit the transaction.

        Raises :class:`~hztrio.errors.TransactionError` if it is not active or its timeout
        has passed, and the member's error if the commit fails (then the state is
        ``COMMIT_FAILED``: the member rolls back what it had not committed). A transaction in
        which the member handed a queue item to a ``take``/``poll`` whose caller had been
        cancelled is rolled back instead (the item returns to the queue) and this raises
        ``TransactionError``: committing would lose the item.
        Cancellation: the state becomes ``COMMIT_FAILED``; the member may or may not have
        committed.
        """
        self._check_active()
        if self._rollback_only is not None:
            await self.rollback()
            raise TransactionError(f"Transaction rolled back instead: {self._rollback_only}")
        if self._context.invocations.backend.current_time() > self._deadline:
            self.state = TransactionState.COMMIT_FAILED
            raise TransactionError("Transaction has timed out.")
        assert self.id is not None and self.connection is not None
        self.state = TransactionState.COMMIT_FAILED
        await self._context.invocations.invoke(
            _COMMIT(self.id, self.thread_id), connection=self.connection
        )
        self.state = TransactionState.COMMITTED

    async def rollback(self) -> None:
        """Roll the transaction back, undoing everything done in it.

        Raises :class:`~hztrio.errors.TransactionError` if it is neither active nor a failed
        commit. After a failed commit nothing is sent (the member has already rolled back
        what it did not commit) and the state becomes ``ROLLED_BACK``.
        Cancellation: the member may or may not have rolled back yet; it does so at the
        transaction's timeout at the latest.
        """
        if self.state is TransactionState.COMMIT_FAILED:
            self.state = TransactionState.ROLLED_BACK
            await anyio.lowlevel.checkpoint()
            return
        self._check_active()
        assert self.id is not None and self.connection is not None
        self.state = TransactionState.ROLLED_BACK
        await self._context.invocations.invoke(
            _ROLLBACK(self.id, self.thread_id), connection=self.connection
        )

    async def __aenter__(self) -> Transaction:
        await self.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            if self.state is TransactionState.ACTIVE:
                await self.commit()
            return
        if self.state in (TransactionState.ACTIVE, TransactionState.COMMIT_FAILED):
            with anyio.CancelScope(shield=True):
                try:
                    await self.rollback()
                except Exception as error:
                    # the block's own exception is the one to see; add the rollback's to it
                    exc.add_note(f"hztrio: rolling the transaction back failed too: {error!r}")

    def _check_active(self) -> None:
        if self.state is not TransactionState.ACTIVE:
            raise TransactionError(f"Transaction is not active (it is {self.state.name}).")

    # -- transactional objects ------------------------------------------------------------

    def get_map(self, name: str) -> TransactionalMap[Any, Any]:
        """The map *name*, seen inside this transaction."""
        return self._get_object(name, TransactionalMap)

    def get_multi_map(self, name: str) -> TransactionalMultiMap[Any, Any]:
        """The multi-map *name*, seen inside this transaction."""
        return self._get_object(name, TransactionalMultiMap)

    def get_queue(self, name: str) -> TransactionalQueue[Any]:
        """The queue *name*, seen inside this transaction."""
        return self._get_object(name, TransactionalQueue)

    def get_set(self, name: str) -> TransactionalSet[Any]:
        """The set *name*, seen inside this transaction."""
        return self._get_object(name, TransactionalSet)

    def get_list(self, name: str) -> TransactionalList[Any]:
        """The list *name*, seen inside this transaction."""
        return self._get_object(name, TransactionalList)

    def _get_object(self, name: str, cls: type[ObjectT]) -> ObjectT:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a distributed object name must be a non-empty str, got {name!r}")
        self._check_active()
        key = (cls, name)
        found = self._objects.get(key)
        if found is None:
            found = self._objects[key] = cls(name, self)
        assert isinstance(found, cls)
        return found


_CREATE = tx_codecs.TRANSACTION_CREATE
_LONG_MAX = 2**63 - 1
_COMMIT = tx_codecs.TRANSACTION_COMMIT.encode_request
_ROLLBACK = tx_codecs.TRANSACTION_ROLLBACK.encode_request


class _TransactionalObject:
    """What the transactional proxies share: the transaction, serialization, invoking."""

    service_name = ""

    def __init__(self, name: str, transaction: Transaction) -> None:
        self.name = name
        self.transaction = transaction
        context = transaction._context
        self._invocations = context.invocations
        self._to_object = context.serialization.to_object
        self._to_data = context.serialization.to_data
        self._schemas = context.schemas

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"

    def _data(self, value: Any, what: str) -> Data:
        if value is None:
            raise TypeError(f"{what} can't be None")
        data = self._to_data(value)
        assert data is not None
        return data

    def _predicate(self, predicate: Any) -> Data:
        if not isinstance(predicate, Predicate):
            raise TypeError(f"predicate must be a hztrio.predicate.Predicate, got {predicate!r}")
        if isinstance(predicate, PagingPredicate):
            raise TypeError("a transactional map does not take a paging predicate")
        return self._data(predicate, "predicate")

    def _ids(self) -> tuple[str, uuid.UUID, int]:
        """The name, transaction id and thread id every request starts with."""
        tx = self.transaction
        tx._check_active()
        assert tx.id is not None
        return self.name, tx.id, tx.thread_id

    async def _invoke(
        self,
        request: bytearray,
        time_limit: float | None = None,
        on_orphaned: Callable[[ClientMessage], bytearray | None] | None = None,
    ) -> ClientMessage:
        schemas = self._schemas
        if schemas is not None and schemas.has_pending:
            await schemas.send_pending()
        async with self.transaction._calls:
            return await self._invocations.invoke(
                request,
                connection=self.transaction.connection,
                time_limit=time_limit,
                on_orphaned=on_orphaned,
            )

    def _rollback_if_taken(self, what: str) -> Callable[[ClientMessage], bytearray | None]:
        """For a take/poll whose caller left: an item the member handed it is removed in
        the transaction, and nobody has it; the transaction must not commit."""
        transaction = self.transaction

        def handle(response: ClientMessage) -> None:
            if response.message_type != 0 and _decode_data(response) is not None:
                transaction._rollback_only = (
                    f"queue {self.name!r} handed an item to a {what} whose caller was cancelled"
                )

        return handle

    def _millis(self, timeout: float) -> int:
        """A queue call's timeout in ms (inf: as long as a long holds)."""
        seconds = check_timeout(timeout)
        return _LONG_MAX if math.isinf(seconds) else to_millis(seconds)

    def _blocking_limit(self, timeout: float) -> float:
        return max(timeout, 0) + self._invocations.invocation_timeout

    async def _object(self, data: Data | None) -> Any:
        while True:
            try:
                return self._to_object(data)
            except SchemaNotFoundError as error:
                if self._schemas is None:
                    raise
                await self._schemas.fetch(error.schema_id)

    async def _objects(self, items: list[Data]) -> list[Any]:
        while True:
            try:
                return [self._to_object(item) for item in items]
            except SchemaNotFoundError as error:
                if self._schemas is None:
                    raise
                await self._schemas.fetch(error.schema_id)


_CANCELLATION = """

    Cancellation (all methods): the call stops waiting at once; what it did, if the member
    got it, is part of the transaction and is undone if the transaction rolls back."""


class TransactionalMap(_TransactionalObject, Generic[KeyType, ValueType]):
    """A map inside a transaction (Java ``TransactionalMap``): reads see the transaction's
    own writes, writes lock their keys until the transaction ends."""

    __doc__ = (__doc__ or "") + _CANCELLATION
    service_name = "hz:impl:mapService"

    async def contains_key(self, key: KeyType) -> bool:
        """Whether the map has *key* (in this transaction's view)."""
        request = map_codecs.TRANSACTIONAL_MAP_CONTAINS_KEY.encode_request(
            *self._ids(), self._data(key, "key")
        )
        return bool(_decode_bool(await self._invoke(request)))

    async def get(self, key: KeyType) -> ValueType | None:
        """The value of *key*, or None."""
        request = map_codecs.TRANSACTIONAL_MAP_GET.encode_request(
            *self._ids(), self._data(key, "key")
        )
        return await self._object(_decode_data(await self._invoke(request)))  # type: ignore[no-any-return]

    async def get_for_update(self, key: KeyType) -> ValueType | None:
        """The value of *key*, locking it until the transaction ends (others wait for it;
        this call waits for a lock held by another transaction, up to that transaction's
        end or the member's lock timeout)."""
        request = map_codecs.TRANSACTIONAL_MAP_GET_FOR_UPDATE.encode_request(
            *self._ids(), self._data(key, "key")
        )
        response = await self._invoke(request, self._blocking_limit(self.transaction.timeout))
        return await self._object(_decode_data(response))  # type: ignore[no-any-return]

    async def size(self) -> int:
        """The number of entries (in this transaction's view)."""
        request = map_codecs.TRANSACTIONAL_MAP_SIZE.encode_request(*self._ids())
        return int(_decode_int(await self._invoke(request)))

    async def is_empty(self) -> bool:
        """Whether the map has no entries (in this transaction's view)."""
        request = map_codecs.TRANSACTIONAL_MAP_IS_EMPTY.encode_request(*self._ids())
        return bool(_decode_bool(await self._invoke(request)))

    async def put(
        self, key: KeyType, value: ValueType, ttl: float | None = None
    ) -> ValueType | None:
        """Set *key* to *value* (expiring *ttl* seconds after the commit if given); return the
        previous value, or None."""
        request = map_codecs.TRANSACTIONAL_MAP_PUT.encode_request(
            *self._ids(), self._data(key, "key"), self._data(value, "value"), to_millis(ttl)
        )
        return await self._object(_decode_data(await self._invoke(request)))  # type: ignore[no-any-return]

    async def set(self, key: KeyType, value: ValueType) -> None:
        """Set *key* to *value*, without returning the previous value."""
        request = map_codecs.TRANSACTIONAL_MAP_SET.encode_request(
            *self._ids(), self._data(key, "key"), self._data(value, "value")
        )
        await self._invoke(request)

    async def put_if_absent(self, key: KeyType, value: ValueType) -> ValueType | None:
        """Set *key* to *value* unless it has a value; return the existing value, or None."""
        request = map_codecs.TRANSACTIONAL_MAP_PUT_IF_ABSENT.encode_request(
            *self._ids(), self._data(key, "key"), self._data(value, "value")
        )
        return await self._object(_decode_data(await self._invoke(request)))  # type: ignore[no-any-return]

    async def replace(self, key: KeyType, value: ValueType) -> ValueType | None:
        """Set *key* to *value* only if it has a value; return the previous one, or None."""
        request = map_codecs.TRANSACTIONAL_MAP_REPLACE.encode_request(
            *self._ids(), self._data(key, "key"), self._data(value, "value")
        )
        return await self._object(_decode_data(await self._invoke(request)))  # type: ignore[no-any-return]

    async def replace_if_same(
        self, key: KeyType, old_value: ValueType, new_value: ValueType
    ) -> bool:
        """Set *key* to *new_value* only if its value is *old_value*; True if replaced."""
        request = map_codecs.TRANSACTIONAL_MAP_REPLACE_IF_SAME.encode_request(
            *self._ids(),
            self._data(key, "key"),
            self._data(old_value, "old_value"),
            self._data(new_value, "new_value"),
        )
        return bool(_decode_bool(await self._invoke(request)))

    async def remove(self, key: KeyType) -> ValueType | None:
        """Remove *key*; return its value, or None."""
        request = map_codecs.TRANSACTIONAL_MAP_REMOVE.encode_request(
            *self._ids(), self._data(key, "key")
        )
        return await self._object(_decode_data(await self._invoke(request)))  # type: ignore[no-any-return]

    async def remove_if_same(self, key: KeyType, value: ValueType) -> bool:
        """Remove *key* only if its value is *value*; True if removed."""
        request = map_codecs.TRANSACTIONAL_MAP_REMOVE_IF_SAME.encode_request(
            *self._ids(), self._data(key, "key"), self._data(value, "value")
        )
        return bool(_decode_bool(await self._invoke(request)))

    async def delete(self, key: KeyType) -> None:
        """Remove *key*, without returning its value."""
        request = map_codecs.TRANSACTIONAL_MAP_DELETE.encode_request(
            *self._ids(), self._data(key, "key")
        )
        await self._invoke(request)

    async def key_set(self, predicate: Predicate | None = None) -> list[KeyType]:
        """The keys (of the entries *predicate* matches, if given)."""
        if predicate is None:
            request = map_codecs.TRANSACTIONAL_MAP_KEY_SET.encode_request(*self._ids())
        else:
            request = map_codecs.TRANSACTIONAL_MAP_KEY_SET_WITH_PREDICATE.encode_request(
                *self._ids(), self._predicate(predicate)
            )
        return await self._objects(_decode_list(await self._invoke(request)))

    async def values(self, predicate: Predicate | None = None) -> list[ValueType]:
        """The values (of the entries *predicate* matches, if given)."""
        if predicate is None:
            request = map_codecs.TRANSACTIONAL_MAP_VALUES.encode_request(*self._ids())
        else:
            request = map_codecs.TRANSACTIONAL_MAP_VALUES_WITH_PREDICATE.encode_request(
                *self._ids(), self._predicate(predicate)
            )
        return await self._objects(_decode_list(await self._invoke(request)))


class TransactionalMultiMap(_TransactionalObject, Generic[KeyType, ValueType]):
    """A multi-map inside a transaction (Java ``TransactionalMultiMap``)."""

    __doc__ = (__doc__ or "") + _CANCELLATION
    service_name = "hz:impl:multiMapService"

    async def put(self, key: KeyType, value: ValueType) -> bool:
        """Add *value* to the values of *key*; True if it was added."""
        request = multi_map_codecs.TRANSACTIONAL_MULTI_MAP_PUT.encode_request(
            *self._ids(), self._data(key, "key"), self._data(value, "value")
        )
        return bool(_decode_bool(await self._invoke(request)))

    async def get(self, key: KeyType) -> list[ValueType]:
        """The values of *key* (an empty list if it has none)."""
        request = multi_map_codecs.TRANSACTIONAL_MULTI_MAP_GET.encode_request(
            *self._ids(), self._data(key, "key")
        )
        return await self._objects(_decode_list(await self._invoke(request)))

    async def remove(self, key: KeyType, value: ValueType) -> bool:
        """Remove *value* from the values of *key*; True if it was there."""
        request = multi_map_codecs.TRANSACTIONAL_MULTI_MAP_REMOVE_ENTRY.encode_request(
            *self._ids(), self._data(key, "key"), self._data(value, "value")
        )
        return bool(_decode_bool(await self._invoke(request)))

    async def remove_all(self, key: KeyType) -> list[ValueType]:
        """Remove every value of *key*; return them."""
        request = multi_map_codecs.TRANSACTIONAL_MULTI_MAP_REMOVE.encode_request(
            *self._ids(), self._data(key, "key")
        )
        return await self._objects(_decode_list(await self._invoke(request)))

    async def value_count(self, key: KeyType) -> int:
        """How many values *key* has."""
        request = multi_map_codecs.TRANSACTIONAL_MULTI_MAP_VALUE_COUNT.encode_request(
            *self._ids(), self._data(key, "key")
        )
        return int(_decode_int(await self._invoke(request)))

    async def size(self) -> int:
        """The number of key-value pairs."""
        request = multi_map_codecs.TRANSACTIONAL_MULTI_MAP_SIZE.encode_request(*self._ids())
        return int(_decode_int(await self._invoke(request)))


class TransactionalQueue(_TransactionalObject, Generic[ItemType]):
    """A queue inside a transaction (Java ``TransactionalQueue``): an offered item is seen
    by others after the commit; a polled item goes back to the queue on rollback."""

    __doc__ = (__doc__ or "") + _CANCELLATION
    service_name = "hz:impl:queueService"

    async def offer(self, item: ItemType, timeout: float = 0) -> bool:  # noqa: ASYNC109
        """Add *item*, waiting up to *timeout* seconds for room in a bounded queue; True if
        added."""
        request = queue_codecs.TRANSACTIONAL_QUEUE_OFFER.encode_request(
            *self._ids(), self._data(item, "item"), self._millis(timeout)
        )
        response = await self._invoke(request, self._blocking_limit(timeout))
        return bool(_decode_bool(response))

    async def take(self) -> ItemType:
        """Remove and return the head, waiting as long as it takes for one (no
        ``invocation_timeout``; the transaction's timeout still applies on the member)."""
        request = queue_codecs.TRANSACTIONAL_QUEUE_TAKE.encode_request(*self._ids())
        response = await self._invoke(request, math.inf, self._rollback_if_taken("take"))
        return await self._object(_decode_data(response))  # type: ignore[no-any-return]

    async def poll(self, timeout: float = 0) -> ItemType | None:  # noqa: ASYNC109
        """Remove and return the head, waiting up to *timeout* seconds; None if empty."""
        request = queue_codecs.TRANSACTIONAL_QUEUE_POLL.encode_request(
            *self._ids(), self._millis(timeout)
        )
        response = await self._invoke(
            request, self._blocking_limit(timeout), self._rollback_if_taken("poll")
        )
        return await self._object(_decode_data(response))  # type: ignore[no-any-return]

    async def peek(self, timeout: float = 0) -> ItemType | None:  # noqa: ASYNC109
        """The head without removing it, waiting up to *timeout* seconds; None if empty."""
        request = queue_codecs.TRANSACTIONAL_QUEUE_PEEK.encode_request(
            *self._ids(), self._millis(timeout)
        )
        response = await self._invoke(request, self._blocking_limit(timeout))
        return await self._object(_decode_data(response))  # type: ignore[no-any-return]

    async def size(self) -> int:
        """The number of items (in this transaction's view)."""
        request = queue_codecs.TRANSACTIONAL_QUEUE_SIZE.encode_request(*self._ids())
        return int(_decode_int(await self._invoke(request)))


class TransactionalSet(_TransactionalObject, Generic[ItemType]):
    """A set inside a transaction (Java ``TransactionalSet``)."""

    __doc__ = (__doc__ or "") + _CANCELLATION
    service_name = "hz:impl:setService"

    async def add(self, item: ItemType) -> bool:
        """Add *item*; True if it was not there."""
        request = set_codecs.TRANSACTIONAL_SET_ADD.encode_request(
            *self._ids(), self._data(item, "item")
        )
        return bool(_decode_bool(await self._invoke(request)))

    async def remove(self, item: ItemType) -> bool:
        """Remove *item*; True if it was there."""
        request = set_codecs.TRANSACTIONAL_SET_REMOVE.encode_request(
            *self._ids(), self._data(item, "item")
        )
        return bool(_decode_bool(await self._invoke(request)))

    async def size(self) -> int:
        """The number of items (in this transaction's view)."""
        request = set_codecs.TRANSACTIONAL_SET_SIZE.encode_request(*self._ids())
        return int(_decode_int(await self._invoke(request)))


class TransactionalList(_TransactionalObject, Generic[ItemType]):
    """A list inside a transaction (Java ``TransactionalList``)."""

    __doc__ = (__doc__ or "") + _CANCELLATION
    service_name = "hz:impl:listService"

    async def add(self, item: ItemType) -> bool:
        """Append *item*; True once added."""
        request = list_codecs.TRANSACTIONAL_LIST_ADD.encode_request(
            *self._ids(), self._data(item, "item")
        )
        return bool(_decode_bool(await self._invoke(request)))

    async def remove(self, item: ItemType) -> bool:
        """Remove the first occurrence of *item*; True if it was there."""
        request = list_codecs.TRANSACTIONAL_LIST_REMOVE.encode_request(
            *self._ids(), self._data(item, "item")
        )
        return bool(_decode_bool(await self._invoke(request)))

    async def size(self) -> int:
        """The number of items (in this transaction's view)."""
        request = list_codecs.TRANSACTIONAL_LIST_SIZE.encode_request(*self._ids())
        return int(_decode_int(await self._invoke(request)))


# every response of these shapes decodes alike
_decode_bool = map_codecs.TRANSACTIONAL_MAP_CONTAINS_KEY.decode_response
_decode_data = map_codecs.TRANSACTIONAL_MAP_GET.decode_response
_decode_int = map_codecs.TRANSACTIONAL_MAP_SIZE.decode_response
_decode_list = map_codecs.TRANSACTIONAL_MAP_KEY_SET.decode_response
