"""The client's lifecycle: its states and the listeners that follow them."""

from __future__ import annotations

import enum
import inspect
import logging
import uuid
from collections.abc import Callable
from typing import Any

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


class LifecycleService:
    """Tells whether the client runs, and calls listeners on every state change.

    Listeners are plain callables taking the new :class:`LifecycleState`. They run
    synchronously, in the task that changes the state; an exception in one is logged and
    does not affect the client or the other listeners. (An ``async def`` listener is not
    accepted: state changes happen inside synchronous code on purpose.)
    """

    def __init__(self, listeners: list[LifecycleListener] | None = None) -> None:
        self._listeners: dict[uuid.UUID, LifecycleListener] = {}
        self.state: LifecycleState | None = None
        for listener in listeners or ():
            self.add_listener(listener)

    def is_running(self) -> bool:
        """True from STARTED until SHUTTING_DOWN."""
        return self.state in (
            LifecycleState.STARTED,
            LifecycleState.CONNECTED,
            LifecycleState.DISCONNECTED,
        )

    def add_listener(self, on_state_change: LifecycleListener) -> uuid.UUID:
        """Register a listener; returns its registration id."""
        if not callable(on_state_change):
            raise TypeError(f"lifecycle listener must be callable, got {on_state_change!r}")
        if inspect.iscoroutinefunction(on_state_change):
            raise TypeError("lifecycle listeners must be plain functions, not async def")
        registration_id = uuid.uuid4()
        self._listeners[registration_id] = on_state_change
        return registration_id

    def remove_listener(self, registration_id: uuid.UUID) -> bool:
        """Remove a listener; True if it was registered."""
        return self._listeners.pop(registration_id, None) is not None

    def fire(self, state: LifecycleState) -> None:
        """Move to *state* and tell every listener."""
        self.state = state
        _logger.info("HazelcastClient is %s", state.value)
        for listener in list(self._listeners.values()):
            try:
                listener(state)
            except Exception:
                _logger.exception("lifecycle listener %r failed", listener)
