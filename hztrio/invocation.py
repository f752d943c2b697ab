"""The invocation service: correlation ids, the pending table, routing, retries, timeouts.

An invocation is a request waiting for its response. Its life (design §3)::

    with move_on_after(invocation_timeout):          # the default outer limit
        loop:
            pick a connection (bound | target member | partition owner | any)
            new correlation id → pending table → connection's outbound channel
            await the response slot
            retryable failure? pause, then again with a new correlation id

The pending table changes only in synchronous code, so a cancellation at any ``await``
leaves it consistent: the waiting invocation removes its slot in ``finally``. A response
whose correlation id is no longer pending is dropped and counted.
"""

from __future__ import annotations

import inspect
import itertools
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Final, TypeVar

import anyio

from . import errors
from ._backend import Backend, Waiter
from .errors import (
    ClientNotActiveError,
    HazelcastError,
    HazelcastIOError,
    IndeterminateOperationStateError,
    OperationTimeoutError,
    TargetDisconnectedError,
    TargetNotMemberError,
)
from .protocol import custom
from .protocol.codec import (
    Codec,
    P,
    list_of,
    pack_correlation_and_partition,
    set_correlation_id,
)
from .protocol.frame import (
    BACKUP_ACKS_OFFSET,
    BACKUP_AWARE,
    BACKUP_EVENT,
    IS_EVENT,
    ClientMessage,
    copy_request,
)

if TYPE_CHECKING:
    import uuid

    from .config import Config
    from .net.connection import Connection
    from .net.manager import ConnectionManager
    from .partition import PartitionTable

_logger = logging.getLogger("hztrio.invocation")

_BACKUP_AWARE_HIGH_BYTE: Final = BACKUP_AWARE >> 8

#: error responses have message type 0 and carry a List_ErrorHolder
ERROR_RESPONSE: Final = Codec(
    "Client.error", 0, response=[P("errors", list_of(custom.ERROR_HOLDER))]
)
_decode_errors = ERROR_RESPONSE.decode_response


def _source_correlation_id(message: ClientMessage) -> int:
    # Client.LocalBackupListener "backup" event: sourceInvocationCorrelationId at payload 16
    return int.from_bytes(message.contents[0][16:24], "little", signed=True)


T = TypeVar("T")

EventHandler = Callable[[ClientMessage], None]
#: for a response nobody waits for any more: returns a request to send in reply, or None
OrphanHandler = Callable[[ClientMessage], "bytearray | None"]


class _TimedOut(Exception):
    """The invocation's deadline passed; ``invoke`` turns it into OperationTimeoutError."""


class _RetryNow(Exception):  # an internal signal, never raised
    """Returned by an attempt that found the client reconnected: retry without a pause."""


_RETRY_NOW: Final = _RetryNow()


class Invocation:
    """One request on its way: routing data, the current attempt and its outcome."""

    __slots__ = (
        "acks_deadline",
        "acks_event",
        "acks_expected",
        "acks_received",
        "bound_connection",
        "connection",
        "deadline",
        "error",
        "event",
        "event_handler",
        "last_error",
        "on_orphaned",
        "partition_id",
        "request",
        "response",
        "retryable",
        "target_uuid",
        "timed_out",
    )

    def __init__(
        self,
        request: bytearray,
        partition_id: int,
        target_uuid: uuid.UUID | None,
        bound_connection: Connection | None,
        retryable: bool,
        event_handler: EventHandler | None,
    ) -> None:
        self.request = request
        self.partition_id = partition_id
        self.target_uuid = target_uuid
        self.bound_connection = bound_connection
        self.retryable = retryable
        self.event_handler = event_handler
        self.connection: Connection | None = None
        self.event: Waiter | None = None
        self.response: ClientMessage | None = None
        self.error: BaseException | None = None
        self.acks_expected = 0
        self.acks_received = 0
        self.acks_event: Waiter | None = None
        self.acks_deadline = math.inf
        self.deadline = math.inf
        self.timed_out = False
        self.last_error: BaseException | None = None
        self.on_orphaned: OrphanHandler | None = None

    def fail(self, error: BaseException) -> None:
        self.error = error
        if self.event is not None:
            self.event.set()
        if self.acks_event is not None:
            self.acks_event.set()


class InvocationService:
    """Sends requests and matches responses; owns the pending table and the retry policy."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._pending: dict[int, Invocation] = {}
        self._ids = itertools.count(1)
        self._timeout = _seconds(config.invocation_timeout)
        self._retry_pause = config.invocation_retry_pause
        self._redo = config.redo_operation
        self._smart = config.smart_routing
        self._backup_acks = config.smart_routing and config.backup_ack_to_client_enabled
        self._backup_timeout = config.operation_backup_timeout
        self._fail_on_indeterminate = config.fail_on_indeterminate_operation_state
        self._shutdown_error: HazelcastError | None = None
        self._backend_: Backend | None = None
        #: the time as of the watchdog's last tick (0 before it runs), and its period
        self._now = 0.0
        shortest = min(self._timeout, self._backup_timeout)
        self._tick = 0.1 if math.isinf(shortest) else min(0.1, max(0.005, shortest / 50))
        self._connections: ConnectionManager | None = None
        self._partitions: PartitionTable | None = None
        #: smart routing's cache: the connection of each partition's owner, valid for the
        #: partition table's owner list and the connection list it was built from
        self._routes: list[Connection | None] = []
        self._routes_owners: object = None
        self._routes_listed: object = None
        #: the backend's waiter class (set with the backend, on first use)
        self._new_waiter: Callable[[], Waiter] | None = None
        #: listener registrations: correlation id of the registration → event handler
        self.event_handlers: dict[int, EventHandler] = {}
        #: responses that arrived for no pending invocation (cancelled or timed out calls)
        self.dropped_responses = 0
        #: events that arrived for no registered handler
        self.dropped_events = 0
        #: backup acks received, and invocations that returned without all of theirs
        self.backup_acks_received = 0
        self.backup_acks_missed = 0
        #: test hook: called with (request, partition id, connection) for every send
        self.trace: Callable[[bytearray, int, Connection], None] | None = None

    def bind(self, connections: ConnectionManager, partitions: PartitionTable) -> None:
        self._connections = connections
        self._partitions = partitions

    @property
    def backend(self) -> Backend:
        """The event loop's native primitives (chosen on first use, in the loop)."""
        backend = self._backend_
        if backend is None:
            backend = self._backend_ = Backend.detect()
        return backend

    @property
    def invocation_timeout(self) -> float:
        """The configured ``invocation_timeout`` (inf if there is none)."""
        return self._timeout

    @property
    def pending_count(self) -> int:
        """Invocations waiting for a response right now (a test and statistics hook)."""
        return len(self._pending)

    def next_correlation_id(self) -> int:
        return next(self._ids)

    # -- the caller's side ------------------------------------------------------------------

    async def invoke(
        self,
        request: bytearray,
        *,
        partition_id: int = -1,
        uuid: uuid.UUID | None = None,
        connection: Connection | None = None,
        retryable: bool = False,
        event_handler: EventHandler | None = None,
        time_limit: float | None = None,
        on_orphaned: OrphanHandler | None = None,
    ) -> ClientMessage:
        """Send *request* and return its response message.

        *partition_id* routes a key operation to the partition owner (smart routing);
        *uuid* targets one member; *connection* binds the call to one connection (no
        retries elsewhere); otherwise any connection is used. *retryable* marks an
        idempotent request that may be resent after its connection was lost.
        *event_handler* registers a listener: it receives every event message that arrives
        with this request's correlation id, from the moment the request is sent.
        *on_orphaned* is for requests with an effect that must be undone if the caller
        leaves before the response (a lock granted to a task that gave up): called with the
        late response, it returns a request to send on the same connection (its partition
        id already set), or None.

        Raises the member's error (a :class:`~hztrio.errors.HazelcastError` subclass) when
        it fails for good, :class:`~hztrio.errors.OperationTimeoutError` after
        ``invocation_timeout`` (or *time_limit*) seconds of trying.

        Cancellation: the call stops waiting at once and its pending slot is removed. The
        request may or may not have reached the member, and may or may not take effect.
        """
        if self._shutdown_error is not None:
            raise self._shutdown_error
        inv = Invocation(request, partition_id, uuid, connection, retryable, event_handler)
        inv.on_orphaned = on_orphaned
        limit = self._timeout if time_limit is None else time_limit
        # The watchdog's clock, at most one tick old: adding a tick means a deadline is never
        # early, and it is kept to within two ticks (see run_watchdog).
        now = self._now
        inv.deadline = (now + self._tick if now else self.backend.current_time()) + limit
        try:
            while True:
                # One attempt, inline: this is the path every call takes, and a coroutine
                # per step would cost more than the step. `error` is None on success.
                connection = self._route(inv)
                if connection is None:
                    error: BaseException | None = await self._bounded(inv, self._no_connection(inv))
                else:
                    correlation_id, sent = self._send(inv, connection)
                    handler = inv.event_handler
                    registered = False
                    try:
                        if not sent and not await self._bounded(inv, connection.send(request)):
                            # never sent: always safe to try again elsewhere
                            error = HazelcastIOError(f"{connection!r} is closed")
                        else:
                            if not sent and self.trace is not None:
                                self.trace(inv.request, inv.partition_id, connection)
                            event = inv.event
                            assert event is not None
                            await event.wait()
                            response = inv.response
                            if response is not None and response.message_type:
                                error = None  # the usual case, without a call
                            else:
                                error = self._outcome(inv)
                            if error is None:
                                if inv.acks_expected > inv.acks_received:
                                    await self._wait_for_backups(inv)
                                registered = True
                    finally:
                        connection.inflight -= 1
                        self._pending.pop(correlation_id, None)
                        if handler is not None and not registered:
                            self.event_handlers.pop(correlation_id, None)
                        if not registered and inv.on_orphaned is not None:
                            # The caller does not get the response (cancelled, or failing
                            # while it waited for backup acks): the handler decides what
                            # a response it never saw must undo.
                            self._orphaned(inv, correlation_id, connection)
                if error is None:
                    response = inv.response
                    assert response is not None
                    return response
                if error is _RETRY_NOW:
                    continue
                if inv.timed_out or not self._should_retry(inv, error):
                    # If our own scope is being cancelled too (the client torn down around
                    # us, say), the cancellation wins over the error it caused.
                    await anyio.lowlevel.checkpoint_if_cancelled()
                    raise error
                await self._before_retry(inv, error)
                request = inv.request
        except _TimedOut:
            error = OperationTimeoutError(
                f"Invocation of message type 0x{_message_type(request):06x} timed out after "
                f"{limit} s" + (f"; last error: {inv.last_error!r}" if inv.last_error else "")
            )
            raise error from inv.last_error

    async def invoke_on_partitions(
        self, calls: Sequence[tuple[bytearray, int]], *, retryable: bool = False
    ) -> list[ClientMessage]:
        """Send each ``(request, partition_id)`` of *calls*; return their responses in order.

        What :meth:`invoke` does for each, without a task per request (the bulk operations
        send one request per partition): every first attempt is sent before any response is
        awaited, then the responses are awaited in order. A request whose first attempt
        fails, or finds no connection or a full queue, then goes through :meth:`invoke`'s
        retries within the same deadline. All share one ``invocation_timeout``.

        Raises the first failure in the order of *calls*; the requests after it are
        abandoned as a cancelled :meth:`invoke` abandons its own.

        Cancellation: stops waiting at once and removes every pending slot. Each request
        may or may not have reached its member, and may or may not take effect.
        """
        if self._shutdown_error is not None:
            raise self._shutdown_error
        now = self._now
        deadline = (now + self._tick if now else self.backend.current_time()) + self._timeout
        started: list[tuple[Invocation, Connection | None, int]] = []
        done = 0  # started[:done] are answered (or given to invoke) and off the pending table
        results: list[ClientMessage] = []
        inv: Invocation | None = None
        try:
            for request, partition_id in calls:
                inv = Invocation(request, partition_id, None, None, retryable, None)
                inv.deadline = deadline
                connection = self._route(inv)
                correlation_id = 0
                if connection is not None:
                    correlation_id, sent = self._send(inv, connection)
                    if not sent:  # a full queue: invoke() waits for room when its turn comes
                        connection.inflight -= 1
                        del self._pending[correlation_id]
                        connection = None
                started.append((inv, connection, correlation_id))
            for inv, connection, correlation_id in started:
                error: BaseException | None = None
                if connection is not None:
                    event = inv.event
                    assert event is not None
                    try:
                        await event.wait()
                        error = self._outcome(inv)
                        if error is None and inv.acks_expected > inv.acks_received:
                            await self._wait_for_backups(inv)
                    finally:
                        done += 1
                        connection.inflight -= 1
                        self._pending.pop(correlation_id, None)
                    if error is None:
                        response = inv.response
                        assert response is not None
                        results.append(response)
                        continue
                    if inv.timed_out or not self._should_retry(inv, error):
                        await anyio.lowlevel.checkpoint_if_cancelled()
                        raise error
                    await self._before_retry(inv, error)
                else:
                    done += 1
                remaining = inv.deadline - self.backend.current_time()
                if remaining <= 0:
                    raise _TimedOut()
                results.append(
                    await self.invoke(
                        inv.request,
                        partition_id=inv.partition_id,
                        retryable=retryable,
                        time_limit=remaining,
                    )
                )
            return results
        except _TimedOut:
            assert inv is not None
            raise OperationTimeoutError(
                f"Invocation of message type 0x{_message_type(inv.request):06x} timed out "
                f"after {self._timeout} s"
                + (f"; last error: {inv.last_error!r}" if inv.last_error else "")
            ) from inv.last_error
        finally:
            for _, connection, correlation_id in started[done:]:
                if connection is not None:
                    connection.inflight -= 1
                    self._pending.pop(correlation_id, None)

    async def _before_retry(self, inv: Invocation, error: BaseException) -> None:
        inv.last_error = error
        _logger.debug("retrying message type 0x%06x after %r", _message_type(inv.request), error)
        # a fresh buffer: the previous one may still sit in a dead connection's queue
        inv.request = copy_request(inv.request)
        remaining = inv.deadline - self.backend.current_time()
        if remaining <= 0:
            raise _TimedOut()
        await anyio.sleep(min(self._retry_pause, remaining))

    def _send(self, inv: Invocation, connection: Connection) -> tuple[int, bool]:
        """The synchronous half of an attempt: register it, hand it to the connection.

        Returns the correlation id and whether the connection took the request (if not,
        its queue is full: the caller waits for room).
        """
        request = inv.request
        correlation_id = next(self._ids)
        pack_correlation_and_partition(request, 10, correlation_id, inv.partition_id)
        if self._backup_acks and inv.bound_connection is None:
            request[5] |= _BACKUP_AWARE_HIGH_BYTE  # the flags are a little-endian uint16 at 4
        inv.connection = connection
        if inv.event is not None:
            # a retry: clear what the previous attempt left (a first one finds it clear)
            inv.response = None
            inv.error = None
            inv.acks_expected = inv.acks_received = 0
            inv.acks_event = None
            inv.acks_deadline = math.inf
        new_waiter = self._new_waiter
        if new_waiter is None:
            new_waiter = self._new_waiter = self.backend.new_waiter
        inv.event = new_waiter()
        self._pending[correlation_id] = inv
        handler = inv.event_handler
        if handler is not None:
            self.event_handlers[correlation_id] = handler
        connection.inflight += 1
        sent = connection.send_nowait(request)
        if sent and self.trace is not None:
            self.trace(request, inv.partition_id, connection)
        return correlation_id, sent

    @staticmethod
    def _outcome(inv: Invocation) -> BaseException | None:
        """What an answered (or failed) attempt means: None on success, else the error."""
        response = inv.response
        if response is None:
            if inv.timed_out:
                raise _TimedOut()
            assert inv.error is not None
            return inv.error
        if response.message_type == 0:
            return errors.create_error(_decode_errors(response))
        return None

    async def _bounded(self, inv: Invocation, wait: Awaitable[T]) -> T:
        """Await *wait* (a slow path: no connection, a full queue) within the deadline."""
        remaining = inv.deadline - self.backend.current_time()
        if remaining <= 0:
            if inspect.iscoroutine(wait):
                wait.close()
            raise _TimedOut()
        with self.backend.deadline_scope(remaining) as scope:
            return await wait
        assert scope.cancelled_caught
        raise _TimedOut()

    def _orphaned(self, inv: Invocation, correlation_id: int, connection: Connection) -> None:
        """The caller left before the answer: let the handler deal with the response."""
        handler = inv.on_orphaned
        assert handler is not None
        if inv.response is not None:  # answered just as the caller was cancelled
            request = handler(inv.response)
            if request is not None:
                self.send_and_forget(connection, request)
        elif connection.is_alive and (inv.error is None or inv.timed_out):
            sink = Invocation(inv.request, -1, None, connection, False, None)
            sink.connection = connection
            sink.on_orphaned = handler
            self._pending[correlation_id] = sink

    async def _wait_for_backups(self, inv: Invocation) -> None:
        # The deadline counts from the response's arrival (set by handle_message): a bulk
        # call awaits its responses one after another, long after some of them arrived.
        if inv.acks_deadline > self.backend.current_time():
            acks_event = inv.acks_event = self.backend.new_waiter()
            await acks_event.wait()  # set by the last ack, or by the watchdog at the deadline
        else:
            await anyio.lowlevel.checkpoint()
        if inv.acks_received < inv.acks_expected:
            self.backup_acks_missed += 1
        if inv.acks_received < inv.acks_expected and self._fail_on_indeterminate:
            raise IndeterminateOperationStateError(
                f"Got {inv.acks_received} of {inv.acks_expected} backup acks for message "
                f"type 0x{_message_type(inv.request):06x} within "
                f"{self._backup_timeout} s"
            )

    def _route(self, inv: Invocation) -> Connection | None:
        bound = inv.bound_connection
        if bound is not None:
            return bound if bound.is_alive else None
        connections = self._connections
        assert connections is not None
        if inv.target_uuid is not None:
            return connections.get_connection(inv.target_uuid)
        partition_id = inv.partition_id
        if self._smart and partition_id >= 0:
            assert self._partitions is not None
            # The owner's connection, cached per partition until the partition table or
            # the set of connections changes (both are replaced, never changed in place).
            owners = self._partitions.owners
            listed = connections.connection_list
            routes = self._routes
            if owners is not self._routes_owners or listed is not self._routes_listed:
                self._routes_owners = owners
                self._routes_listed = listed
                routes = self._routes = [None] * len(owners)
            if partition_id < len(routes):
                connection = routes[partition_id]
                if connection is not None:
                    return connection
                owner = owners[partition_id]
                if owner is not None:
                    connection = connections.active.get(owner)
                    if connection is not None:
                        routes[partition_id] = connection
                        return connection
        return connections.connection_for_any()

    async def _no_connection(self, inv: Invocation) -> BaseException:
        if self._shutdown_error is not None:
            raise self._shutdown_error
        if inv.bound_connection is not None:
            return inv.bound_connection.disconnected_error()
        connections = self._connections
        assert connections is not None
        if not connections.has_connections:
            # raises ClientOfflineError when the client must not wait (ASYNC modes)
            await connections.wait_connected()
            return _RETRY_NOW
        if inv.target_uuid is not None:
            if not connections.is_member(inv.target_uuid):
                return TargetNotMemberError(f"{inv.target_uuid} is not a member of the cluster")
            return HazelcastIOError(f"No connection to member {inv.target_uuid} yet")
        return HazelcastIOError("No connection found to cluster")

    def _should_retry(self, inv: Invocation, error: BaseException) -> bool:
        if self._shutdown_error is not None:
            return False
        if inv.bound_connection is not None and isinstance(
            error, TargetDisconnectedError | HazelcastIOError
        ):
            return False
        if inv.target_uuid is not None and isinstance(error, TargetNotMemberError):
            return False
        if isinstance(error, HazelcastIOError):
            return True  # the request never left the client
        return errors.is_retryable(error, redo=inv.retryable or self._redo)

    # -- deadlines -------------------------------------------------------------------------

    async def run_watchdog(self) -> None:
        """Enforce deadlines: fail invocations past theirs, end overdue backup-ack waits.

        One task for all invocations, instead of a cancel scope per invocation (which costs
        more than the rest of a call). It looks every *tick* seconds, a small fraction of the
        shortest timeout, so deadlines are kept to within that. Runs until cancelled.
        """
        tick = self._tick
        now = self.backend.current_time
        while True:
            self._now = now()
            await anyio.sleep(tick)
            self.expire(now())

    def expire(self, now: float) -> None:
        """Fail the pending invocations whose deadline is before *now* (synchronous)."""
        for inv in list(self._pending.values()):
            if inv.event is None:
                continue
            if inv.response is None:
                if inv.deadline <= now and inv.error is None:
                    inv.timed_out = True
                    inv.event.set()
            elif inv.acks_event is not None and inv.acks_deadline <= now:
                inv.acks_event.set()

    # -- fire and forget (heartbeat pings) --------------------------------------------------

    def send_and_forget(self, connection: Connection, request: bytearray) -> None:
        """Send a request whose response nobody awaits (its response is discarded quietly)."""
        correlation_id = next(self._ids)
        set_correlation_id(request, correlation_id)
        inv = Invocation(request, -1, None, connection, False, None)
        inv.connection = connection
        self._pending[correlation_id] = inv
        if not connection.send_nowait(request):
            del self._pending[correlation_id]

    # -- the reader's side (synchronous) ----------------------------------------------------

    def handle_message(self, connection: Connection, message: ClientMessage) -> None:
        """Route one inbound message: a response, an event or a backup ack."""
        flags = message.frame_flags[0]
        if flags & IS_EVENT:
            if flags & BACKUP_EVENT:
                self._handle_backup_ack(message)
                return
            handler = self.event_handlers.get(message.correlation_id)
            if handler is None:
                self.dropped_events += 1
                return
            try:
                handler(message)
            except Exception:
                _logger.exception("event handler failed for %r", message)
            return
        inv = self._pending.get(message.correlation_id)
        if inv is None:
            self.dropped_responses += 1
            return
        if inv.event is None:  # fire-and-forget, or a response whose caller left
            del self._pending[message.correlation_id]
            if inv.on_orphaned is not None:
                request = inv.on_orphaned(message)
                if request is not None:
                    self.send_and_forget(connection, request)
            return
        # every response comes here: the backup-ack count read inline (not the property)
        acks = inv.acks_expected = message.contents[0][BACKUP_ACKS_OFFSET]
        if acks:
            # the watchdog's clock (at most a tick old; a tick added: never early)
            now = self._now
            inv.acks_deadline = (
                now + self._tick if now else self.backend.current_time()
            ) + self._backup_timeout
        inv.response = message
        inv.event.set()

    def _handle_backup_ack(self, message: ClientMessage) -> None:
        self.backup_acks_received += 1
        inv = self._pending.get(_source_correlation_id(message))
        if inv is None:
            return
        inv.acks_received += 1
        if (
            inv.acks_event is not None
            and inv.response is not None
            and inv.acks_received >= inv.acks_expected
        ):
            inv.acks_event.set()

    def fail_connection(self, connection: Connection) -> None:
        """Fail every invocation waiting on *connection* (called when it closes)."""
        error: BaseException | None = None
        for correlation_id, inv in list(self._pending.items()):
            if inv.connection is not connection:
                continue
            if inv.event is None:
                del self._pending[correlation_id]
                continue
            if inv.response is not None:
                continue  # answered; only backup acks were missing
            if error is None:
                error = connection.disconnected_error()
            inv.fail(error)

    def shutdown(self) -> None:
        """Fail every pending invocation with ClientNotActiveError; refuse new ones."""
        if self._shutdown_error is None:
            self._shutdown_error = ClientNotActiveError("Client is shutting down")
        for inv in list(self._pending.values()):
            if inv.event is not None:
                inv.fail(self._shutdown_error)
        self._pending.clear()
        self.event_handlers.clear()


def _message_type(request: bytearray | bytes) -> int:
    return int.from_bytes(request[6:10], "little")


def _seconds(value: float) -> float:
    """Config durations: a non-positive or infinite value means no limit."""
    if value is None or value <= 0 or math.isinf(value):
        return math.inf
    return float(value)


__all__ = ["Invocation", "InvocationService"]
