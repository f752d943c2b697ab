"""The client's lifecycle: its states and the listeners that follow them."""

from __future__ import annotations

import enum
import inspect
import logging
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from .listener import DEFAULT_BUFFER_SIZE, EventSubscription

_logger = logging.getLogger("hztrio.lifecycle")


class LifecycleState(enum.StrEnum):
    """The states a client goes through, in the order of a normal life."""

    STARTING = "STARTING"
    """The client is starting."""
    STARTED = "STARTED"
    """The client has started (it may not be connected yet)."""
    CONNECTED = "CONNECTED"
    """The client is connected to the cluster."""
    DISCONNECTED = "DISCONNECTED"
    """The client lost its connection to the cluster."""
    SHUTTING_DOWN = "SHUTTING_DOWN"
    """The client is shutting down."""
    SHUTDOWN = "SHUTDOWN"
    """The client has shut down; its calls raise ``ClientNotActiveError``."""

    def __str__(self) -> str:
        return self.value


LifecycleListener = Callable[[LifecycleState], Any]

#: seconds the SHUTTING_DOWN / SHUTDOWN calls of async listeners may take as the client exits
ASYNC_LISTENER_GRACE = 5.0


class LifecycleService:
    """Tells whether the client runs, and tells listeners about every state change.

    ``client.lifecycle_service`` is this object. A listener takes the new
    :class:`LifecycleState`. A plain function is called synchronously, in the task that
    changes the state. An ``async def`` listener (or one that returns an awaitable) is called
    at once too, and what it returns is awaited in a task of the client's own, one call after
    another in the order of the states; the SHUTTING_DOWN and SHUTDOWN calls are awaited as
    the client's ``async with`` block exits (shielded, at most :data:`ASYNC_LISTENER_GRACE`
    seconds in all), and one still running when the client shuts down is cancelled. An
    exception in any listener is logged and affects neither the client nor the other
    listeners.
    """

    def __init__(self, listeners: list[LifecycleListener] | None = None) -> None:
        self._listeners: dict[str, LifecycleListener] = {}
        self.state: LifecycleState | None = None
        #: awaitables returned by async listeners, awaited in order by run_async_listeners
        self._calls: deque[tuple[LifecycleListener, Awaitable[Any]]] = deque()
        self._calls_added: anyio.Event | None = None
        self._subscriptions: set[EventSubscription[LifecycleState]] = set()
        for listener in listeners or ():
            self.add_listener(listener)

    def is_running(self) -> bool:
        """True from STARTED until SHUTTING_DOWN."""
        return self.state in (
            LifecycleState.STARTED,
            LifecycleState.CONNECTED,
            LifecycleState.DISCONNECTED,
        )

    def add_listener(self, on_state_change: LifecycleListener) -> str:
        """Call *on_state_change* with every new state (a plain function or ``async def``);
        returns its registration id."""
        if not callable(on_state_change):
            raise TypeError(f"lifecycle listener must be callable, got {on_state_change!r}")
        registration_id = str(uuid.uuid4())
        self._listeners[registration_id] = on_state_change
        return registration_id

    def remove_listener(self, registration_id: str) -> bool:
        """Remove a listener; True if it was registered. Its calls already made still run."""
        return self._listeners.pop(registration_id, None) is not None

    def lifecycle_events(
        self, *, buffer_size: int = DEFAULT_BUFFER_SIZE
    ) -> EventSubscription[LifecycleState]:
        """The states the client moves to from now on, as an async iterator::

            async with client.lifecycle_service.lifecycle_events() as states:
                async for state in states:
                    print("client is", state)

        The iteration ends after SHUTDOWN. See :class:`~hztrio.listener.EventSubscription`
        for the buffer and its overflow policy.
        """

        def enter(subscription: EventSubscription[LifecycleState]) -> None:
            if self.state == LifecycleState.SHUTDOWN:
                subscription.close()
            else:
                self._subscriptions.add(subscription)

        return EventSubscription(buffer_size, enter, self._subscriptions.discard)

    # -- internal -------------------------------------------------------------------------

    def fire(self, state: LifecycleState) -> None:
        """Internal: move to *state* and tell every listener (synchronous)."""
        self.state = state
        _logger.info("HazelcastClient is %s", state.value)
        for listener in list(self._listeners.values()):
            try:
                result = listener(state)
            except Exception:
                _logger.exception("lifecycle listener %r failed", listener)
                continue
            if inspect.isawaitable(result):
                self._calls.append((listener, result))
                if self._calls_added is not None:
                    self._calls_added.set()
        for subscription in list(self._subscriptions):
            subscription.push(state)
            if state == LifecycleState.SHUTDOWN:
                subscription.close()
        if state == LifecycleState.SHUTDOWN:
            self._subscriptions.clear()

    async def run_async_listeners(self) -> None:
        """Internal: await the async listeners' calls in order, as they come (a task of the
        client's).

        Runs until cancelled; a call cancelled with it is not made again.
        """
        while True:
            await self.drain()
            self._calls_added = anyio.Event()
            if not self._calls:
                await self._calls_added.wait()

    async def drain(self) -> None:
        """Internal: await every async listener call made so far, one after another."""
        calls = self._calls
        while calls:
            # cancelled (the client shuts down): leave the call queued for finish()
            await anyio.lowlevel.checkpoint_if_cancelled()
            listener, call = calls.popleft()
            try:
                await call
            except Exception:
                _logger.exception("lifecycle listener %r failed", listener)

    async def finish(self) -> None:
        """Internal: the client has exited; await the last calls (shielded, within the grace
        period). Those that do not finish in time are cancelled, those never started closed."""
        with anyio.move_on_after(ASYNC_LISTENER_GRACE, shield=True):
            await self.drain()
        while self._calls:
            _, call = self._calls.popleft()
            close = getattr(call, "close", None)
            if close is not None:
                close()
