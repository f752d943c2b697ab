"""Listeners: cluster-side registrations, and how events reach user code.

Events reach user code in one of two ways, both bounded and both off the reader task:

- **callbacks** — each registered callback gets an :class:`EventDispatcher`: a queue and a
  task of its own in the client's task tree that calls it (a plain function is called, an
  ``async def`` is awaited) for every event, in order. A slow callback delays only its own
  events. An exception in a callback is logged and does not hurt the client. If a callback
  falls more than ``CALLBACK_QUEUE_SIZE`` events behind, newer events for it are dropped and
  counted, and a warning is logged.
- **async iterators** — :class:`EventSubscription`: ``async with … as events: async for
  event in events``. Its buffer holds ``buffer_size`` events; if the consumer falls that far
  behind, the subscription stops receiving and, once the buffered events are consumed,
  iteration raises :class:`~hztrio.errors.EventsLostError`. Nothing is dropped silently.

Cluster-side registrations (entry listeners, distributed object listeners, …) are kept by
:class:`ListenerService`: registered on every member connection with smart routing (each
member then reports only its own events) or on the single connection otherwise, registered
again on every new connection, and removed from the cluster when the user removes them.
"""

from __future__ import annotations

import inspect
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import anyio
import anyio.abc
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from .errors import EventsLostError, HazelcastError

if TYPE_CHECKING:
    from .invocation import InvocationService
    from .net.connection import Connection
    from .net.manager import ConnectionManager
    from .protocol.frame import ClientMessage

_logger = logging.getLogger("hztrio.listener")

T = TypeVar("T")

#: how many events a callback may fall behind before newer ones are dropped
CALLBACK_QUEUE_SIZE = 10_000
#: default buffer of an async-iterator subscription
DEFAULT_BUFFER_SIZE = 1_000
#: seconds a listener deregistration may take when leaving a block or shutting down
DEREGISTRATION_GRACE = 5.0
_REREGISTER_ATTEMPTS = 10
_REREGISTER_PAUSE = 1.0

Spawner = Callable[..., None]


class EventDispatcher(Generic[T]):
    """Runs one user callback for each event pushed to it, in order, in a task of its own.

    *callback* may return an awaitable (an ``async def`` callback): it is awaited before the
    next event is delivered. *prepare*, if given, is awaited with each event before the
    callback sees it (deserialization that may need the network).
    """

    def __init__(
        self,
        callback: Callable[[T], Any],
        name: str,
        prepare: Callable[[T], Awaitable[None]] | None = None,
    ) -> None:
        if not callable(callback):
            raise TypeError(f"{name} must be callable, got {callback!r}")
        self.callback = callback
        self.name = name
        self._prepare = prepare
        self._send: MemoryObjectSendStream[T]
        self._receive: MemoryObjectReceiveStream[T]
        self._send, self._receive = anyio.create_memory_object_stream[T](CALLBACK_QUEUE_SIZE)
        self.dropped = 0

    def start(self, spawn: Spawner) -> None:
        spawn(self._run)

    def push(self, event: T) -> None:
        """Queue an event (never blocks; drops and counts it if the callback is too far behind)."""
        try:
            self._send.send_nowait(event)
        except anyio.WouldBlock:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                _logger.warning(
                    "%s is %d events behind: %d events dropped",
                    self.name,
                    CALLBACK_QUEUE_SIZE,
                    self.dropped,
                )
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):
            pass

    def close(self) -> None:
        """Stop after the events already queued."""
        self._send.close()

    async def _run(self) -> None:
        callback = self.callback
        prepare = self._prepare
        async with self._receive:
            async for event in self._receive:
                try:
                    if prepare is not None:
                        await prepare(event)
                    result = callback(event)
                    if inspect.isawaitable(result):
                        await result
                except Exception:
                    _logger.exception("%s raised for %r", self.name, event)


class EventSubscription(Generic[T]):
    """An async iterator of events with a bounded buffer (see the module documentation).

    Use it as ``async with … as events: async for event in events: …``; events arrive from
    entering the block until leaving it. Iteration ends when the subscription is closed (the
    client shut down); it raises :class:`EventsLostError` if the consumer fell behind by more
    than the buffer size.
    """

    def __init__(
        self,
        buffer_size: int,
        on_enter: Callable[[EventSubscription[T]], Any],
        on_exit: Callable[[EventSubscription[T]], Any],
        prepare: Callable[[T], Awaitable[None]] | None = None,
    ) -> None:
        if buffer_size < 1:
            raise ValueError(f"buffer_size must be at least 1, got {buffer_size!r}")
        self.buffer_size = buffer_size
        self._send: MemoryObjectSendStream[T]
        self._receive: MemoryObjectReceiveStream[T]
        self._send, self._receive = anyio.create_memory_object_stream[T](buffer_size)
        self._on_enter = on_enter
        self._on_exit = on_exit
        self._prepare = prepare
        self.lost = 0
        self._entered = False

    def push(self, event: T) -> None:
        """Queue an event (never blocks). On overflow the subscription stops and records it."""
        if self.lost:
            self.lost += 1
            return
        try:
            self._send.send_nowait(event)
        except anyio.WouldBlock:
            self.lost = 1
            self._send.close()
        except (anyio.ClosedResourceError, anyio.BrokenResourceError):
            pass

    def close(self) -> None:
        """End the iteration after the buffered events (the source went away)."""
        self._send.close()

    async def __aenter__(self) -> EventSubscription[T]:
        """Register; events are delivered from now on.

        Cancellation: nothing stays registered.
        """
        if self._entered:
            raise RuntimeError("an event subscription can be entered only once")
        self._entered = True
        result = self._on_enter(self)
        if inspect.isawaitable(result):
            await result
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Deregister (shielded, at most a few seconds) and drop undelivered events."""
        self._send.close()
        self._receive.close()
        with anyio.move_on_after(DEREGISTRATION_GRACE, shield=True):
            result = self._on_exit(self)
            if inspect.isawaitable(result):
                await result

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    def next_buffered(self) -> T | None:
        """The next event already in the buffer, or None; never waits.

        For the blocking facade once its event loop has ended: what was delivered before the
        client shut down is still handed out. Raises :class:`EventsLostError` as iterating
        does. An event that needs preparing (a Compact schema fetched) is not prepared.
        """
        try:
            return self._receive.receive_nowait()
        except (anyio.WouldBlock, anyio.EndOfStream, anyio.ClosedResourceError):
            if self.lost:
                raise self._lost_error() from None
            return None

    def _lost_error(self) -> EventsLostError:
        return EventsLostError(
            f"the subscriber fell behind by more than {self.buffer_size} events; "
            f"{self.lost} events were lost"
        )

    async def __anext__(self) -> T:
        """The next event, waiting for it.

        Cancellation: while waiting, no event is lost (the next call returns it); while an
        event is being prepared (a Compact schema fetched for it), that event is dropped.
        """
        try:
            event = await self._receive.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            if self.lost:
                raise self._lost_error() from None
            raise StopAsyncIteration from None
        if self._prepare is not None:
            await self._prepare(event)
        return event


# ---------------------------------------------------------------------------------------------
# cluster-side registrations


@dataclass(eq=False)
class ListenerRegistration:
    """What it takes to register one listener on a connection and to remove it again."""

    #: builds the add-listener request; argument: local_only
    encode_add: Callable[[bool], bytearray]
    #: reads the server registration id from the add response
    decode_add: Callable[[ClientMessage], uuid.UUID]
    #: builds the remove-listener request from a server registration id
    encode_remove: Callable[[uuid.UUID], bytearray]
    #: receives every event message (on the reader task: decode and push, nothing more)
    handle: Callable[[ClientMessage], None]
    #: connection → (correlation id of the registration, server registration id)
    active: dict[Connection, tuple[int, uuid.UUID]] = field(default_factory=dict)
    removed: bool = False
    #: called when the client shuts down (an event iterator's ``close``: its iteration ends)
    on_shutdown: Callable[[], None] | None = None


class ListenerService:
    """Keeps cluster-side listener registrations on the right connections."""

    def __init__(
        self,
        invocations: InvocationService,
        connections: ConnectionManager,
        smart: bool,
    ) -> None:
        self._invocations = invocations
        self._connections = connections
        self._smart = smart
        self._registrations: dict[uuid.UUID, ListenerRegistration] = {}
        self._spawn: Spawner | None = None
        connections.add_connection_observers(
            added=self._connection_added, removed=self._connection_removed
        )

    def start(self, spawn: Spawner) -> None:
        self._spawn = spawn

    async def register(self, registration: ListenerRegistration) -> uuid.UUID:
        """Register on every member connection (smart) or the one connection; return an id.

        Raises if a member refused it on a connection that is still up (as the Java client
        does: a listener missing the events of one member would fail silently), or if no
        connection took it; a connection lost meanwhile is not an error (the listener is
        registered on its successor). Cancellation: registrations already made are removed
        again.
        """
        user_id = uuid.uuid4()
        self._registrations[user_id] = registration
        try:
            connections = await self._target_connections()
            errors: list[BaseException] = []
            refused: list[BaseException] = []

            async def on(connection: Connection) -> None:
                try:
                    await self._register_on(registration, connection)
                except HazelcastError as exc:
                    (refused if connection.is_alive else errors).append(exc)

            async with anyio.create_task_group() as tg:
                for connection in connections:
                    tg.start_soon(on, connection)
            if refused:
                raise refused[0]
            if not registration.active:
                raise errors[0] if errors else HazelcastError("listener registration failed")
        except BaseException:
            self._registrations.pop(user_id, None)
            registration.removed = True
            with anyio.move_on_after(DEREGISTRATION_GRACE, shield=True):
                await self._remove_from_cluster(registration)
            raise
        return user_id

    async def deregister(self, user_id: uuid.UUID) -> bool:
        """Remove a listener from every connection; False if the id is unknown.

        The listener stops receiving events at once. Removing it from the members is best
        effort (a member that is gone has forgotten it anyway). Cancellation: the listener
        is removed locally regardless, and the removal requests still go out (shielded, at
        most ``DEREGISTRATION_GRACE`` seconds), so members stop sending its events.
        """
        registration = self._registrations.pop(user_id, None)
        if registration is None:
            await anyio.lowlevel.checkpoint()
            return False
        registration.removed = True
        with anyio.move_on_after(DEREGISTRATION_GRACE, shield=True):
            await self._remove_from_cluster(registration)
        await anyio.lowlevel.checkpoint_if_cancelled()
        return True

    async def _target_connections(self) -> list[Connection]:
        await self._connections.wait_connected()
        if self._smart:
            return list(self._connections.active.values())
        connection = self._connections.random_connection()
        return [connection] if connection is not None else []

    async def _register_on(
        self, registration: ListenerRegistration, connection: Connection
    ) -> None:
        if registration.removed or connection in registration.active:
            return
        response = await self._invocations.invoke(
            registration.encode_add(self._smart),
            connection=connection,
            event_handler=registration.handle,
        )
        server_id = registration.decode_add(response)
        correlation_id = response.correlation_id
        if registration.removed or not connection.is_alive:
            self._invocations.event_handlers.pop(correlation_id, None)
            if connection.is_alive:
                await self._remove_on(registration, connection, server_id)
            return
        registration.active[connection] = (correlation_id, server_id)

    async def _remove_from_cluster(self, registration: ListenerRegistration) -> None:
        active = list(registration.active.items())
        registration.active.clear()
        for _connection, (correlation_id, _server_id) in active:
            self._invocations.event_handlers.pop(correlation_id, None)
        async with anyio.create_task_group() as tg:
            for connection, (_c, server_id) in active:
                if connection.is_alive:
                    tg.start_soon(self._remove_on, registration, connection, server_id)

    async def _remove_on(
        self, registration: ListenerRegistration, connection: Connection, server_id: uuid.UUID
    ) -> None:
        try:
            await self._invocations.invoke(
                registration.encode_remove(server_id), connection=connection
            )
        except HazelcastError as exc:
            _logger.debug("listener %s not removed from %r: %r", server_id, connection, exc)

    def _connection_added(self, connection: Connection) -> None:
        """A new authenticated connection: register every listener on it (smart routing)."""
        if self._spawn is None:
            return
        if not self._smart and len(self._connections.active) > 1:
            return
        for registration in list(self._registrations.values()):
            self._spawn(self._register_again, registration, connection)

    def _connection_removed(self, connection: Connection) -> None:
        """A connection closed: its registrations died with it on the member side."""
        for registration in self._registrations.values():
            entry = registration.active.pop(connection, None)
            if entry is not None:
                self._invocations.event_handlers.pop(entry[0], None)

    async def _register_again(
        self, registration: ListenerRegistration, connection: Connection
    ) -> None:
        """Register on a new connection, trying again while the connection lives and the
        listener stands: a member that is still taking in a membership change may refuse
        it for a moment, and a listener missing on its connection would stay deaf."""
        for attempt in range(_REREGISTER_ATTEMPTS):
            try:
                await self._register_on(registration, connection)
                return
            except HazelcastError as exc:
                if not connection.is_alive or registration.removed:
                    return
                _logger.warning(
                    "could not register a listener on %r (attempt %d): %r",
                    connection,
                    attempt + 1,
                    exc,
                )
            await anyio.sleep(_REREGISTER_PAUSE)

    def shutdown(self) -> None:
        for registration in self._registrations.values():
            registration.removed = True
            if registration.on_shutdown is not None:
                registration.on_shutdown()
        self._registrations.clear()


class CallbackListeners(Generic[T]):
    """The callback listeners one proxy added, by registration id: what its
    ``add_*_listener`` and ``remove_*_listener`` methods share.

    Each listener has its own :class:`EventDispatcher`; the registration goes to the client's
    :class:`ListenerService`. *listeners* and *spawn* are the proxy context's.
    """

    def __init__(self, listeners: ListenerService | None, spawn: Spawner | None) -> None:
        self._listeners = listeners
        self._spawn = spawn
        self._by_id: dict[str, tuple[uuid.UUID, EventDispatcher[T]]] = {}

    async def add(
        self,
        deliver: Callable[[T], Any],
        name: str,
        prepare: Callable[[T], Awaitable[None]] | None,
        registration: Callable[[Callable[[T], None]], ListenerRegistration],
        before: Callable[[], Awaitable[None]] | None = None,
    ) -> str:
        """Start a dispatcher for *deliver* (called *name* in the log), build
        ``registration(dispatcher.push)`` (serializing its key and predicate), await *before*
        (if given: the Compact schemas that serializing found new), register it; return the
        registration id.

        Cancellation (or any error): nothing stays registered, the dispatcher is closed.
        """
        listeners, spawn = self._listeners, self._spawn
        assert listeners is not None and spawn is not None
        dispatcher = EventDispatcher(deliver, name, prepare)
        dispatcher.start(spawn)
        try:
            registered = registration(dispatcher.push)
            if before is not None:
                await before()
            user_id = await listeners.register(registered)
        except BaseException:
            dispatcher.close()
            raise
        self._by_id[str(user_id)] = (user_id, dispatcher)
        return str(user_id)

    async def remove(self, registration_id: str) -> bool:
        """Remove a listener; True if it was registered, False for an unknown id.

        Cancellation: the listener is removed locally regardless.
        """
        entry = self._by_id.pop(str(registration_id), None)
        if entry is None:
            await anyio.lowlevel.checkpoint()
            return False
        user_id, dispatcher = entry
        dispatcher.close()
        assert self._listeners is not None
        return await self._listeners.deregister(user_id)


def registered_subscription(
    listeners: ListenerService | None,
    buffer_size: int,
    registration: Callable[[Callable[[T], None]], ListenerRegistration],
    prepare: Callable[[T], Awaitable[None]] | None,
    before: Callable[[], Awaitable[None]] | None = None,
) -> EventSubscription[T]:
    """An :class:`EventSubscription` that registers ``registration(subscription.push)`` on
    entering its block (awaiting *before* first, if given) and removes it on leaving; the
    client shutting down ends its iteration."""
    assert listeners is not None
    ids: list[uuid.UUID] = []

    async def enter(subscription: EventSubscription[T]) -> None:
        registered = registration(subscription.push)
        registered.on_shutdown = subscription.close  # the client going ends iteration
        if before is not None:
            await before()
        ids.append(await listeners.register(registered))

    async def leave(subscription: EventSubscription[T]) -> None:
        if ids:
            await listeners.deregister(ids.pop())

    return EventSubscription(buffer_size, enter, leave, prepare)
