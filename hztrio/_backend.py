"""The few event-loop primitives on the invocation hot path, native to each backend.

AnyIO runs hztrio on Trio and on asyncio, and everything outside the hot path uses it. On
the path every call takes — waiting for a response, its timeout, the current task — AnyIO's
portable wrappers cost more than the rest of a call; this module picks the native primitive
once per client instead:

- :class:`Waiter`: one task waits, another wakes it (a response slot, the writer's wake-up);
- :func:`Backend.deadline_scope`: a cancel scope with a deadline (``invocation_timeout``);
- :func:`Backend.current_task`: the running task object (lock ownership).

Both backends' waiters are cancellation-safe: a cancelled ``wait()`` raises the backend's
cancellation and a later ``set()`` is a no-op.
"""

from __future__ import annotations

import asyncio
import functools
import math
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import anyio
import sniffio


class Waiter(Protocol):
    """Wait once for ``set()``; ``set()`` before ``wait()`` makes ``wait()`` return at once.

    ``wait()`` is a plain function that returns the awaitable, so that the hot path awaits
    the event loop's own primitive with no coroutine of ours in between: always write
    ``await waiter.wait()``, never call it without awaiting the result at once.
    """

    def set(self) -> None: ...

    def wait(self) -> Awaitable[Any]: ...


class DeadlineScope(Protocol):
    cancelled_caught: bool

    def __enter__(self) -> Any: ...

    def __exit__(self, *exc_info: Any) -> bool | None: ...


class Backend:
    """The primitives of one event loop library (see the module documentation)."""

    name: str
    new_waiter: Callable[[], Waiter]
    current_task: Callable[[], object]
    current_time: Callable[[], float]

    def deadline_scope(self, seconds: float) -> DeadlineScope:  # pragma: no cover - abstract
        raise TypeError("use Backend.detect()")

    @staticmethod
    def detect() -> Backend:
        """The backend of the running event loop."""
        library = sniffio.current_async_library()
        if library == "trio":
            return _TrioBackend()
        return _AnyioBackend()


class _TrioBackend(Backend):
    def __init__(self) -> None:
        import trio
        import trio.lowlevel as lowlevel

        self.name = "trio"
        self._trio = trio
        self.current_task = lowlevel.current_task
        # the run's clock itself: trio.current_time() looks it up through two more calls
        self.current_time = lowlevel.current_clock().current_time
        wait_task_rescheduled = lowlevel.wait_task_rescheduled
        reschedule = lowlevel.reschedule
        current_task = lowlevel.current_task
        succeeded = lowlevel.Abort.SUCCEEDED
        checkpoint = lowlevel.checkpoint

        class TrioWaiter:
            __slots__ = ("_done", "_task")

            def __init__(self) -> None:
                self._task: Any = None
                self._done = False

            def set(self) -> None:
                if self._done:
                    return
                self._done = True
                task = self._task
                if task is not None:
                    self._task = None
                    reschedule(task)

            def _abort(self, _raise_cancel: Any) -> Any:
                self._task = None
                return succeeded

            def wait(self) -> Awaitable[Any]:
                if self._done:
                    return checkpoint()
                self._task = current_task()
                return wait_task_rescheduled(self._abort)

        self.new_waiter = TrioWaiter

    def deadline_scope(self, seconds: float) -> DeadlineScope:
        if math.isinf(seconds):
            return self._trio.CancelScope()
        return self._trio.CancelScope(deadline=self._trio.current_time() + seconds)


class _AnyioBackend(Backend):
    """asyncio (through AnyIO's cancel scopes, which asyncio itself lacks)."""

    def __init__(self) -> None:
        self.name = "asyncio"
        loop = asyncio.get_running_loop()
        self.current_time = loop.time
        # the loop given: asyncio.current_task() would look it up on every call
        self.current_task = functools.partial(asyncio.current_task, loop)
        future_class = asyncio.Future

        class FutureWaiter:
            __slots__ = ("_future",)

            def __init__(self) -> None:
                # what loop.create_future() makes, without its Python frame
                self._future: asyncio.Future[None] = future_class(loop=loop)

            def set(self) -> None:
                future = self._future
                if not future.done():
                    future.set_result(None)

            def wait(self) -> Awaitable[Any]:
                return self._future

        self.new_waiter = FutureWaiter

    def deadline_scope(self, seconds: float) -> DeadlineScope:
        return anyio.move_on_after(seconds)  # type: ignore[return-value]
