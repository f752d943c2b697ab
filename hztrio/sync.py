"""hztrio for code that is not async: the same client, with plain blocking calls.

::

    import hztrio.sync

    with hztrio.sync.HazelcastClient(cluster_members=["127.0.0.1:5701"]) as client:
        personnel = client.get_map("personnel-map")
        personnel.put("Alice", "IT")
        print(personnel.get("Alice"))

:class:`HazelcastClient` runs an ordinary :class:`hztrio.HazelcastClient` in an event loop
of its own, on a background thread, and hands every call to it. Its methods, the proxies it
returns (``get_map``) and their methods are those of the async client, with the same names
and parameters; each call blocks until the async one returns and returns its value or
raises its error.

- **Threads.** Any number of threads may share one client. Each OS thread acts as one
  Hazelcast "thread": a lock that a thread takes with ``map.lock(key)`` is held until the same
  thread unlocks it, as with the official client.
- **Listeners** (``add_entry_listener(added_func=…)``, lifecycle and membership listeners)
  run on the client's event-loop thread. They must not call the blocking client (that raises
  ``RuntimeError``: the loop would wait for itself) and should return quickly: while one
  runs, no other call of the client makes progress.
- **Event iterators**: ``with m.entry_events() as events: for event in events: …`` works as
  ``async with``/``async for`` does on the async client; :meth:`BlockingEvents.next_event`
  waits for the next event with a timeout.
- **Interrupting** a call (Ctrl-C in the main thread) cancels it on the event loop, as a
  cancelled ``await`` would be: the request may or may not have taken effect.
- **Shutdown**: leaving the ``with`` block or :meth:`HazelcastClient.shutdown` shuts the
  client down and stops its thread; later calls raise
  :class:`~hztrio.errors.HazelcastClientNotActiveError`.
"""

from __future__ import annotations

import _thread
import asyncio
import contextlib
import inspect
import math
import threading
import weakref
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, Generic, TypeVar

import anyio
import anyio.abc
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from ._backend import Backend, Waiter
from .client import HazelcastClient as _AsyncClient
from .cluster import ClusterService
from .config import Config
from .cp import CPSubsystem
from .errors import HazelcastClientNotActiveError
from .lifecycle import LifecycleService, LifecycleState
from .listener import DEFAULT_BUFFER_SIZE, EventSubscription
from .partition import PartitionService
from .proxy.base import Proxy, adopt_thread_id, new_thread_id
from .sql import SqlResult, SqlRow, SqlService
from .transaction import Transaction, _TransactionalObject

__all__ = ["BlockingEvents", "BlockingObject", "HazelcastClient"]

T = TypeVar("T")

_BACKENDS = ("trio", "asyncio")
_thread_ids = threading.local()


def _caller_thread_id() -> int:
    """The Hazelcast "thread id" of the calling OS thread (the same for all its calls)."""
    number: int | None = getattr(_thread_ids, "number", None)
    if number is None:
        number = _thread_ids.number = new_thread_id()
    return number


class _Call:
    """One blocking call: what to run, and the lock its caller waits on."""

    __slots__ = ("args", "done", "error", "finished", "function", "kwargs", "result")

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...], kwargs: Any) -> None:
        self.function = function
        self.args = args
        self.kwargs = kwargs
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = _thread.allocate_lock()  # held until the call is over
        self.done.acquire()
        self.finished = False

    def finish(self, error: BaseException | None = None) -> None:
        """Release the caller (once; only ever on the loop's thread)."""
        if self.finished:
            return
        self.finished = True
        if error is not None:
            self.error = error
        self.done.release()


class _Worker:
    """The task that runs one OS thread's calls, one after another.

    A thread makes one blocking call at a time, so it needs one task on the loop, not one
    per call: waking a waiting task from another thread costs less than starting a task.
    """

    __slots__ = ("__weakref__", "call", "last", "retired", "scope", "thread_number", "waiter")

    def __init__(self, thread_number: int) -> None:
        self.thread_number = thread_number
        self.call: _Call | None = None  # the call to run next, or being run
        self.last: _Call | None = None  # the last call submitted (by its thread)
        self.waiter: Waiter | None = None  # set() wakes the task for self.call
        self.scope: anyio.CancelScope | None = None
        self.retired = False


class _Retirement:
    """Kept in the thread's local storage: when the thread ends, its worker ends too."""

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker


class _EventLoopThread:
    """The client's event loop on a thread of its own, running the async client.

    Calls from other threads reach it through :meth:`call`; the loop's ``run_sync_soon`` /
    ``call_soon_threadsafe`` wakes the calling thread's worker task, and a lock returns the
    result to the thread.
    """

    def __init__(self, client: _AsyncClient, backend: str) -> None:
        self._client = client
        self._local = threading.local()
        self._workers: set[_Worker] = set()  # guarded by _lock
        self._pending: set[_Call] = set()  # calls waited for; guarded by _lock
        self._lock = threading.Lock()
        self._schedule: Callable[..., Any] | None = None
        self._new_waiter: Callable[[], Waiter] | None = None
        self._stop: anyio.Event | None = None
        self._scope: anyio.CancelScope | None = None
        self._new_workers: MemoryObjectSendStream[_Worker]
        self._error: BaseException | None = None
        self._given_up = False
        self.stopped = False
        started = _Call(lambda: None, (), {})
        # A daemon thread: a program that forgets shutdown() still exits (as with the
        # official client's reactor thread).
        self._thread = threading.Thread(
            target=self._main, args=(backend, started), name=f"hztrio-{client.name}", daemon=True
        )
        try:
            self._thread.start()
            started.done.acquire()
        except BaseException:  # interrupted while connecting: give up on the client
            self.cancel_everything()
            raise
        if started.error is not None:
            self._thread.join()
            raise started.error

    # -- the loop's side -------------------------------------------------------------------

    def _main(self, backend: str, started: _Call) -> None:
        try:
            anyio.run(self._serve, started, backend=backend)
        except BaseException as exc:
            self._error = exc
        finally:
            self._fail_waiting_calls(started)

    async def _serve(self, started: _Call) -> None:
        backend = Backend.detect()
        self._new_waiter = backend.new_waiter
        if backend.name == "trio":
            import trio

            self._schedule = trio.lowlevel.current_trio_token().run_sync_soon
        else:
            self._schedule = asyncio.get_running_loop().call_soon_threadsafe
        self._stop = stop = anyio.Event()
        self._new_workers, new_workers = anyio.create_memory_object_stream[_Worker](math.inf)
        with anyio.CancelScope() as self._scope:
            if self._given_up:  # the constructor was interrupted before the scope existed
                self._scope.cancel()
            async with anyio.create_task_group() as task_group:
                task_group.start_soon(self._spawn_workers, task_group, new_workers)
                # a client that shuts itself down (the cluster lost for good) ends the loop
                self._client.lifecycle_service.add_listener(
                    lambda state: stop.set() if state == LifecycleState.SHUTDOWN else None
                )
                try:
                    async with self._client:
                        started.finish()
                        await stop.wait()
                except Exception as exc:  # as itself, not in the task group's group
                    self._error = exc
                finally:
                    self._new_workers.close()
                    task_group.cancel_scope.cancel()  # the workers

    async def _run_worker(self, worker: _Worker) -> None:
        adopt_thread_id(worker.thread_number)
        new_waiter = self._new_waiter
        assert new_waiter is not None
        call = worker.call  # the start: its caller waits until the first waiter exists
        worker.call = None
        try:
            while True:
                waiter = worker.waiter = new_waiter()
                if call is not None:
                    call.finish()  # only now: the caller's next call finds the new waiter
                    call = None
                if worker.retired:
                    return
                await waiter.wait()
                call = worker.call
                if call is None or worker.retired:
                    return
                with anyio.CancelScope() as scope:
                    worker.scope = scope
                    try:
                        result = call.function(*call.args, **call.kwargs)
                        if inspect.isawaitable(result):
                            result = await result
                        call.result = result
                    except Exception as exc:
                        call.error = exc
                worker.scope = None  # (cancelled: its caller was interrupted and has gone)
                if worker.call is call:
                    worker.call = None
        finally:
            with self._lock:
                self._workers.discard(worker)
            if call is not None:
                call.finish(HazelcastClientNotActiveError("the client is shut down"))

    def _fail_waiting_calls(self, started: _Call) -> None:
        """After the loop: nobody may stay blocked on it."""
        error = self._error
        if not started.finished:
            if error is None:  # cancelled while starting (the constructor was interrupted)
                error = HazelcastClientNotActiveError("the client was shut down while starting")
            started.finish(error)
        with self._lock:
            self.stopped = True  # from now on no call is accepted: _submit checks it
            pending = list(self._pending)
            self._pending.clear()
            self._workers.clear()
        for call in pending:
            call.finish(HazelcastClientNotActiveError("the client is shut down"))

    # -- the callers' side -----------------------------------------------------------------

    @property
    def in_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def _send(self, function: Callable[..., Any], *args: Any) -> None:
        """Run *function* on the loop soon; HazelcastClientNotActiveError if it has ended."""
        schedule = self._schedule
        if self.stopped or schedule is None:
            raise HazelcastClientNotActiveError("the client is shut down")
        try:
            schedule(function, *args)
        except RuntimeError as exc:  # trio.RunFinishedError, or "Event loop is closed"
            raise HazelcastClientNotActiveError("the client is shut down") from exc

    def _worker(self) -> tuple[_Worker, bool]:
        """The calling thread's worker, started on first use, and whether it is a temporary
        one (to retire after the call): the thread's own worker is still busy with a call
        when a signal handler calls the client while the thread waits."""
        retirement: _Retirement | None = getattr(self._local, "retirement", None)
        if retirement is not None and not retirement.worker.retired:
            worker = retirement.worker
            if worker.last is None or worker.last.finished:
                return worker, False
            return self._start_new_worker(), True
        worker = self._start_new_worker()
        retirement = self._local.retirement = _Retirement(worker)
        # when the thread ends, so does its worker (a weak reference: the finalizer must
        # not keep a shut-down client alive as long as the thread lives)
        weakref.finalize(retirement, _retire_worker, weakref.ref(self), worker).atexit = False
        return worker, False

    def _start_new_worker(self) -> _Worker:
        worker = _Worker(_caller_thread_id())
        with self._lock:
            self._workers.add(worker)
        started = _Call(lambda: None, (), {})
        worker.call = started  # released by the worker once it waits for calls
        self._submit(worker, started, self._start_worker, worker)
        return worker

    def _submit(self, worker: _Worker, call: _Call, wake: Callable[..., Any], *args: Any) -> None:
        """Have *wake(*args)* run on the loop and wait until *call* is finished.

        Every call waited for is in ``_pending`` until it is over, so that the end of the
        loop, however it comes, releases it (``_fail_waiting_calls``).
        """
        with self._lock:
            if self.stopped:
                raise HazelcastClientNotActiveError("the client is shut down")
            self._pending.add(call)
        worker.last = call
        try:
            self._send(wake, *args)
            call.done.acquire()
        except BaseException:
            if not call.finished:
                # Interrupted (KeyboardInterrupt): cancel the call on the loop, as a
                # cancelled await would be. This thread gets a fresh worker next time.
                worker.retired = True
                with contextlib.suppress(HazelcastClientNotActiveError):
                    self._send(self._cancel_worker, worker)
            raise
        finally:
            with self._lock:
                self._pending.discard(call)

    def _start_worker(self, worker: _Worker) -> None:
        # (a callback, not a task: AnyIO starts tasks only from tasks, hence the spawner)
        with contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
            self._new_workers.send_nowait(worker)
        # if shutting down, _fail_waiting_calls releases the caller

    async def _spawn_workers(
        self, task_group: anyio.abc.TaskGroup, new_workers: MemoryObjectReceiveStream[_Worker]
    ) -> None:
        async with new_workers:
            async for worker in new_workers:
                task_group.start_soon(self._run_worker, worker)

    def retire(self, worker: _Worker) -> None:
        """End *worker* (its thread has ended, or it was lent for one call)."""
        worker.retired = True
        waiter = worker.waiter
        if waiter is not None and not self.stopped:
            with contextlib.suppress(HazelcastClientNotActiveError):
                self._send(waiter.set)

    @staticmethod
    def _cancel_worker(worker: _Worker) -> None:
        if worker.scope is not None:
            worker.scope.cancel()
        elif worker.waiter is not None:
            worker.waiter.set()  # not started on the call yet: it sees `retired` and ends

    def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run *function* (plain or async) on the loop; block for its result."""
        if self.in_loop_thread:
            raise RuntimeError(
                "the blocking hztrio client was called from its own event-loop thread (from "
                "a listener?); it would wait for itself. Hand the work to another thread."
            )
        worker, temporary = self._worker()
        call = _Call(function, args, kwargs)
        worker.call = call
        waiter = worker.waiter
        assert waiter is not None
        try:
            self._submit(worker, call, waiter.set)
        finally:
            if temporary:
                self.retire(worker)
        if call.error is not None:
            raise call.error
        return call.result

    def stop(self) -> None:
        """Shut the client down, end the loop and its thread; raise what the client's
        shutdown raised."""
        stop = self._stop
        if stop is not None:
            with contextlib.suppress(HazelcastClientNotActiveError):
                self._send(stop.set)
        self._thread.join()
        error, self._error = self._error, None
        if error is not None:
            raise error

    def join(self) -> None:
        """Wait until the loop has ended (the client is shut down)."""
        if not self.in_loop_thread:
            self._thread.join()

    def cancel_everything(self) -> None:
        self._given_up = True
        scope = self._scope
        if scope is not None:
            with contextlib.suppress(HazelcastClientNotActiveError):
                self._send(scope.cancel)


def _retire_worker(loop: weakref.ref[_EventLoopThread], worker: _Worker) -> None:
    live = loop()
    if live is not None:
        live.retire(worker)


def _wrap(value: Any, loop: _EventLoopThread) -> Any:
    """Blocking counterparts of the client's objects; anything else as it is."""
    if isinstance(value, EventSubscription):
        return BlockingEvents(value, loop)
    if isinstance(value, Transaction):
        return BlockingTransaction(value, loop)
    if isinstance(value, SqlResult):
        return BlockingSqlResult(value, loop)
    if isinstance(value, _WRAPPED_TYPES):
        return BlockingObject(value, loop)
    if isinstance(value, list) and value and isinstance(value[0], Proxy):
        return [_wrap(item, loop) for item in value]
    return value


class BlockingObject:
    """A distributed-object proxy or a client service, with blocking methods.

    Every method of the wrapped object is available with the same name and parameters; a
    call runs it on the client's event loop and returns what it returns (a proxy, a service
    or an event subscription comes back blocking too). Plain attributes (``name``,
    ``service_name``) are read directly.
    """

    def __init__(self, target: Any, loop: _EventLoopThread) -> None:
        self._target = target
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        attribute = getattr(self._target, name)
        if not callable(attribute):
            return _wrap(attribute, self._loop)
        loop = self._loop
        # A service's plain method still answers once the client is shut down (is_running()
        # is False then): with the loop gone it can run here. A proxy's raises.
        direct = not isinstance(self._target, Proxy) and not inspect.iscoroutinefunction(attribute)

        def blocking(*args: Any, **kwargs: Any) -> Any:
            if direct and loop.stopped:
                return attribute(*args, **kwargs)
            return _wrap(loop.call(attribute, *args, **kwargs), loop)

        blocking.__name__ = name
        blocking.__qualname__ = f"{type(self._target).__name__}.{name}"
        blocking.__doc__ = attribute.__doc__
        self.__dict__[name] = blocking  # found directly from now on
        return blocking

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {n for n in dir(self._target) if n[0] != "_"})

    def __repr__(self) -> str:
        return f"Blocking({self._target!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BlockingObject):
            return bool(self._target == other._target)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._target)

    def blocking(self) -> BlockingObject:
        """This object: for code written for the official client's ``.blocking()``."""
        return self


class _BlockingContext(BlockingObject):
    """A wrapped object that is an async context manager: ``with`` leaves it through its
    ``__aexit__`` on the loop (subclasses say what entering does)."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._loop.call(self._target.__aexit__, exc_type, exc, tb)


class BlockingTransaction(_BlockingContext):
    """A :class:`~hztrio.transaction.Transaction` with blocking methods, and a context
    manager: ``with client.new_transaction() as tx:`` begins it, commits on a clean exit and
    rolls back when the block raises."""

    def __enter__(self) -> BlockingTransaction:
        self._loop.call(self._target.begin)
        return self


class BlockingSqlResult(_BlockingContext):
    """A :class:`~hztrio.sql.SqlResult` with blocking methods, a plain iterator over its rows
    and a context manager::

        with client.sql.execute("SELECT name FROM employees WHERE age > ?", 30) as result:
            for row in result:
                print(row["name"])

    Rows come from the loop a page at a time (one hand-over per page the member sends, not
    per row). Leaving the ``with`` block, or dropping the iterator before its end (a
    ``break``), closes the query on the member.
    """

    def __iter__(self) -> Iterator[SqlRow]:
        loop = self._loop
        result: SqlResult = self._target
        iterator = loop.call(result.iterator)
        finished = False
        try:
            while True:
                rows: list[SqlRow] = loop.call(_next_rows, iterator, result)
                if not rows:
                    finished = True
                    return
                yield from rows
        finally:
            if not finished and not loop.in_loop_thread:
                with contextlib.suppress(HazelcastClientNotActiveError):
                    loop.call(result.close)

    def __enter__(self) -> BlockingSqlResult:
        return self


async def _next_rows(iterator: Any, result: SqlResult) -> list[SqlRow]:
    """The next row (waiting for the member if need be) and every row after it that the
    client already has; an empty list at the end."""
    try:
        rows = [await iterator.__anext__()]
    except StopAsyncIteration:
        return []
    for _ in range(result._rows_received()):
        rows.append(await iterator.__anext__())
    return rows


class BlockingEvents(Generic[T]):
    """An event subscription used from blocking code.

    ``with subscription as events: for event in events: …`` registers on entering, gives
    events as they arrive (blocking for the next one), and deregisters on leaving; the
    iteration ends when the client shuts down. The buffer and its overflow policy are those
    of the async subscription (:class:`hztrio.listener.EventSubscription`).
    """

    def __init__(self, subscription: EventSubscription[T], loop: _EventLoopThread) -> None:
        self._subscription = subscription
        self._loop = loop

    @property
    def buffer_size(self) -> int:
        return self._subscription.buffer_size

    def __enter__(self) -> BlockingEvents[T]:
        self._loop.call(self._subscription.__aenter__)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # (once the client is shut down, nothing is registered any more)
        with contextlib.suppress(HazelcastClientNotActiveError):
            self._loop.call(self._subscription.__aexit__, exc_type, exc, tb)

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        event = self.next_event()
        if event is None:
            raise StopIteration
        return event

    def next_event(self, timeout: float | None = None) -> T | None:
        """The next event, waiting at most *timeout* seconds (None: as long as it takes).

        Returns None when the subscription has ended (the client shut down); raises
        ``TimeoutError`` when no event came in time (no event is lost by that), and
        :class:`~hztrio.listener.EventsLostError` after an overflow.
        """
        try:
            result: T | None = self._loop.call(_next_event, self._subscription, timeout)
        except HazelcastClientNotActiveError:
            # The client has shut down and its loop is ending: hand out what was delivered
            # before that, then end.
            self._loop.join()
            return self._subscription.next_buffered()
        return result


async def _next_event(subscription: EventSubscription[T], seconds: float | None) -> T | None:
    with anyio.fail_after(seconds):
        try:
            return await subscription.__anext__()
        except StopAsyncIteration:
            return None


_WRAPPED_TYPES = (
    Proxy,
    _TransactionalObject,
    CPSubsystem,
    SqlService,
    LifecycleService,
    ClusterService,
    PartitionService,
)


class HazelcastClient:
    """A blocking Hazelcast client (see the module documentation).

    Takes the options of :class:`hztrio.HazelcastClient` (or a
    :class:`~hztrio.config.Config` as *config*), plus *backend*: the event loop it runs on
    its thread, ``"asyncio"`` (the default: waking it from another thread costs less) or
    ``"trio"``; the calls behave the same on both. The constructor validates the
    options, starts the thread and connects, as the official client's does: it returns
    once the client is connected, and raises (stopping the thread) if the cluster cannot be
    reached within ``cluster_connect_timeout``.

    Use it as a context manager, or call :meth:`shutdown` when done.
    """

    def __init__(self, config: Config | None = None, *, backend: str = "asyncio", **options: Any):
        if backend not in _BACKENDS:
            raise ValueError(f"backend must be one of {_BACKENDS}, got {backend!r}")
        client = _AsyncClient(config, **options)  # the options' errors: before any thread
        self._client = client
        self._loop = _EventLoopThread(client, backend)  # connects, or raises
        try:
            self._lock = threading.Lock()
            self._closed = False
            self.lifecycle_service = BlockingObject(client.lifecycle_service, self._loop)
            self.cluster_service = BlockingObject(client.cluster_service, self._loop)
            #: the CP Subsystem's getters, blocking (``client.cp_subsystem.get_atomic_long``)
            self.cp_subsystem = BlockingObject(client.cp_subsystem, self._loop)
            #: Hazelcast SQL, blocking: ``with client.sql.execute(...) as result:``
            self.sql = BlockingObject(client.sql, self._loop)
            self.partition_service = BlockingObject(client.partition_service, self._loop)
        except BaseException:  # (Ctrl-C just now) nobody could shut the client down
            self._loop.cancel_everything()
            raise

    @property
    def name(self) -> str:
        """The client's name (``client_name``, or ``hz.client_N``)."""
        return self._client.name

    @property
    def config(self) -> Config:
        """The validated options."""
        return self._client.config

    def __repr__(self) -> str:
        return f"hztrio.sync.{self._client!r}"

    def __enter__(self) -> HazelcastClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.shutdown()

    def shutdown(self) -> None:
        """Shut the client down (as :meth:`hztrio.HazelcastClient.shutdown` and leaving its
        ``async with``), then stop its thread. Idempotent; blocks until done."""
        if self._loop.in_loop_thread:
            raise RuntimeError(
                "shutdown() of the blocking hztrio client was called from its own event-loop "
                "thread (from a listener?); it would wait for itself"
            )
        with self._lock:
            closed, self._closed = self._closed, True
        if closed:
            self._loop.join()  # another thread's shutdown() may still be at work
            return
        self._loop.stop()

    def _call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return _wrap(self._loop.call(function, *args, **kwargs), self._loop)

    def get_map(self, name: str) -> BlockingObject:
        """The distributed map *name*, with blocking methods (those of
        :class:`hztrio.proxy.map.Map`); with a Near Cache if one is configured for it."""
        result: BlockingObject = self._call(self._client.get_map, name)
        return result

    def get_multi_map(self, name: str) -> BlockingObject:
        """The multi-map *name*, with blocking methods (those of
        :class:`hztrio.proxy.multi_map.MultiMap`)."""
        result: BlockingObject = self._call(self._client.get_multi_map, name)
        return result

    def get_replicated_map(self, name: str) -> BlockingObject:
        """The replicated map *name*, with blocking methods (those of
        :class:`hztrio.proxy.replicated_map.ReplicatedMap`)."""
        result: BlockingObject = self._call(self._client.get_replicated_map, name)
        return result

    def get_queue(self, name: str) -> BlockingObject:
        """The queue *name*, with blocking methods (those of
        :class:`hztrio.proxy.queue.Queue`)."""
        result: BlockingObject = self._call(self._client.get_queue, name)
        return result

    def get_set(self, name: str) -> BlockingObject:
        """The set *name*, with blocking methods (those of
        :class:`hztrio.proxy.set.Set`)."""
        result: BlockingObject = self._call(self._client.get_set, name)
        return result

    def get_list(self, name: str) -> BlockingObject:
        """The list *name*, with blocking methods (those of
        :class:`hztrio.proxy.list.List`)."""
        result: BlockingObject = self._call(self._client.get_list, name)
        return result

    def get_ringbuffer(self, name: str) -> BlockingObject:
        """The ringbuffer *name*, with blocking methods (those of
        :class:`hztrio.proxy.ringbuffer.Ringbuffer`)."""
        result: BlockingObject = self._call(self._client.get_ringbuffer, name)
        return result

    def get_topic(self, name: str) -> BlockingObject:
        """The topic *name*, with blocking methods (those of
        :class:`hztrio.proxy.topic.Topic`)."""
        result: BlockingObject = self._call(self._client.get_topic, name)
        return result

    def get_reliable_topic(self, name: str) -> BlockingObject:
        """The reliable topic *name*, with blocking methods (those of
        :class:`hztrio.proxy.reliable_topic.ReliableTopic`)."""
        result: BlockingObject = self._call(self._client.get_reliable_topic, name)
        return result

    def get_pn_counter(self, name: str) -> BlockingObject:
        """The PN counter *name*, with blocking methods (those of
        :class:`hztrio.proxy.pn_counter.PNCounter`)."""
        result: BlockingObject = self._call(self._client.get_pn_counter, name)
        return result

    def get_flake_id_generator(self, name: str) -> BlockingObject:
        """The Flake ID generator *name*, with blocking methods (those of
        :class:`hztrio.proxy.flake_id_generator.FlakeIdGenerator`)."""
        result: BlockingObject = self._call(self._client.get_flake_id_generator, name)
        return result

    def get_executor(self, name: str) -> BlockingObject:
        """The executor service *name*, with blocking methods (those of
        :class:`hztrio.proxy.executor.Executor`)."""
        result: BlockingObject = self._call(self._client.get_executor, name)
        return result

    def new_transaction(
        self, timeout: float = 120, durability: int = 1, type: int = 1
    ) -> BlockingTransaction:
        """A new transaction (see :meth:`hztrio.HazelcastClient.new_transaction`), with
        blocking methods: ``with client.new_transaction() as tx:`` commits on a clean exit
        and rolls back when the block raises."""
        result: BlockingTransaction = self._call(
            self._client.new_transaction, timeout, durability, type
        )
        return result

    def get_distributed_objects(self) -> list[BlockingObject]:
        """Every distributed object of the cluster, as proxies."""
        result: list[BlockingObject] = self._call(self._client.get_distributed_objects)
        return result

    def add_distributed_object_listener(self, listener_func: Callable[[Any], Any]) -> str:
        """Call *listener_func* (on the client's thread) when an object is created or
        destroyed; returns the registration id."""
        result: str = self._call(self._client.add_distributed_object_listener, listener_func)
        return result

    def remove_distributed_object_listener(self, registration_id: str) -> bool:
        """Remove a listener added by :meth:`add_distributed_object_listener`."""
        result: bool = self._call(self._client.remove_distributed_object_listener, registration_id)
        return result

    def distributed_object_events(
        self, *, buffer_size: int = DEFAULT_BUFFER_SIZE
    ) -> BlockingEvents[Any]:
        """Distributed-object events as a blocking iterator (see :class:`BlockingEvents`)."""
        result: BlockingEvents[Any] = self._call(
            self._client.distributed_object_events, buffer_size=buffer_size
        )
        return result
