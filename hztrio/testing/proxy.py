"""A fault-injecting TCP proxy for tests: delay, throttle, stall, cut or refuse connections.

Put a :class:`FaultProxy` between a client and a Hazelcast member (or any TCP server), point
the client at ``proxy.address`` instead of the member, and change what happens to the bytes
while the test runs::

    from hztrio.testing import FaultProxy

    async with FaultProxy("127.0.0.1", member_port) as proxy:
        async with hztrio.HazelcastClient(cluster_members=[proxy.address]) as client:
            await proxy.wait_connections(1)
            proxy.stall()            # the member goes silent, sockets stay open
            ...
            proxy.pass_through()     # what piled up is delivered, in order
            proxy.cut()              # every proxied connection is closed at once

The proxy is an async context manager (R1): ``async with FaultProxy(...)`` binds a listening
socket, runs the proxy's tasks in a task group owned by the block, and on leaving the block
(normally, by an exception or by cancellation) closes the listener and every proxied
connection and leaves no task behind. It uses AnyIO only, so it runs under Trio and under
AnyIO's asyncio backend; its clock is :func:`anyio.current_time`.

Every accepted client connection gets a connection of its own to the target and two pumps:
*upstream* (client → target) and *downstream* (target → client). Each pump is one task that
reads chunks from its source into a small queue, stamped with their arrival time, and writes
them to its destination when the direction's settings allow. The settings are per direction
and combine:

* ``delay(seconds)``: a chunk is written ``seconds`` after it arrived (latency, not a pause
  between chunks: a steady stream keeps its rate, and the order is kept);
* ``throttle(bytes_per_second)``: writes are paced to that rate, in slices of at most
  1/20 s worth of bytes;
* ``stall()``: nothing is written; the pump keeps reading until
  :data:`MAX_BUFFERED_BYTES` are queued in the proxy, then stops reading, so the rest piles
  up in the kernel buffers and the sender is eventually blocked by TCP flow control;
* ``pass_through()`` clears all three.

End of stream travels like the bytes do: the proxy closes a connection (both sides) only
once it has written everything it had read from the side that ended, so a stalled direction
also holds back the close. Half-close is not propagated: when one side ends its stream, the
proxy forwards what it already read from that side and then closes both sides. When a side
fails with a transport error (for example a reset), the other side is closed hard (RST).

The control methods are synchronous, never block, take effect at once for existing and new
connections (a pump waiting for data or for a due time is woken when the settings change),
and must be called from the thread that runs the proxy's event loop. They may be called
before the proxy is entered (the settings then apply from the start) and after it has
exited (they then do nothing).

Directions are ``"upstream"`` (client → target), ``"downstream"`` (target → client) and
``"both"``; anything else raises :exc:`ValueError`.

A pump treats transport failures (:exc:`anyio.BrokenResourceError`,
:exc:`anyio.ClosedResourceError`, :exc:`anyio.EndOfStream`, :exc:`OSError`) as the end of its
connection; they never reach the proxy or other connections. Any other exception is a bug:
it is not caught, so it cancels the proxy and is raised out of the ``async with`` block.

Objects of this module are not thread-safe.
"""

from __future__ import annotations

import logging
import math
import socket
import struct
import sys
from collections import deque
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from dataclasses import dataclass, field
from types import TracebackType
from typing import Final, Literal, NoReturn, final

import anyio
import anyio.abc
import anyio.lowlevel

__all__ = [
    "MAX_BUFFERED_BYTES",
    "Direction",
    "FaultProxy",
    "FaultProxyStatistics",
]

_log = logging.getLogger(__name__)

Direction = Literal["upstream", "downstream", "both"]
"""Which way a setting applies: client → target, target → client, or both."""

_Side = Literal["upstream", "downstream"]
_End = Literal["eof", "error"]

_SIDES: Final[tuple[_Side, _Side]] = ("upstream", "downstream")

MAX_BUFFERED_BYTES: Final = 1 << 20
"""How many bytes one direction of one connection queues in the proxy before it stops reading."""

_RECEIVE_SIZE: Final = 1 << 16
_THROTTLE_SLICE: Final = 0.05  # seconds' worth of bytes written at once when throttled
_CLOSE_GRACE: Final = 2.0  # bound on closing the two sockets of a connection
_ACCEPT_RETRY_DELAY: Final = 0.05  # pause after a failed accept (e.g. out of file descriptors)

# Exceptions that mean "this connection is over", never "the proxy is broken".
_TRANSPORT_ERRORS: Final = (
    anyio.BrokenResourceError,
    anyio.ClosedResourceError,
    anyio.EndOfStream,
    OSError,
)


@final
@dataclass(frozen=True, slots=True)
class FaultProxyStatistics:
    """A snapshot of a :class:`FaultProxy`'s counters (see :meth:`FaultProxy.statistics`)."""

    connections: int
    """Live proxied connections: both sides connected and not closed yet."""
    total_connections: int
    """Client connections accepted and proxied (refused ones are not counted)."""
    refused_connections: int
    """Client connections closed at once because :meth:`FaultProxy.refuse` was on."""
    failed_target_connections: int
    """Accepted client connections closed because the target could not be reached."""
    bytes_upstream: int
    """Bytes forwarded from clients to the target (injected bytes are not counted)."""
    bytes_downstream: int
    """Bytes forwarded from the target to clients (injected bytes are not counted)."""


@dataclass(frozen=True, slots=True)
class _Settings:
    delay: float = 0.0
    rate: float = math.inf  # bytes per second
    stalled: bool = False


@dataclass(slots=True)
class _Chunk:
    arrival: float
    data: bytes
    end: _End | None = None  # set on the marker that ends the source's stream


@final
class FaultProxy:
    """A TCP proxy to ``target_host:target_port`` whose forwarding can be changed at any time.

    Use it as an async context manager; it listens only while the block runs::

        async with FaultProxy("127.0.0.1", 5701) as proxy:
            ...  # connect to proxy.address

    Args:
        target_host: Host name or IP address of the server to forward to.
        target_port: Port of the server to forward to.
        listen_host: Address to listen on (default ``"127.0.0.1"``).
        listen_port: Port to listen on; ``0`` (the default) picks a free port.

    A proxy can be entered once. Creating one does not start anything (no task, no socket).
    """

    def __init__(
        self,
        target_host: str,
        target_port: int,
        *,
        listen_host: str = "127.0.0.1",
        listen_port: int = 0,
    ) -> None:
        self._target_host = target_host
        self._target_port = target_port
        self._listen_host = listen_host
        self._listen_port = listen_port
        self._port: int | None = None
        self._state: Literal["new", "running", "closed"] = "new"
        self._lifetime: AbstractAsyncContextManager[FaultProxy] | None = None
        self._settings: dict[_Side, _Settings] = {side: _Settings() for side in _SIDES}
        self._refusing = False
        self._conns: set[_Connection] = set()
        self._changed: anyio.Event | None = None
        self._total = 0
        self._refused = 0
        self._failed = 0
        self._bytes: dict[_Side, int] = {side: 0 for side in _SIDES}

    def __repr__(self) -> str:
        where = self.address if self._port is not None else "not listening"
        return (
            f"<FaultProxy {where} -> {_join(self._target_host, self._target_port)} ({self._state})>"
        )

    # ----------------------------------------------------------------------------------------
    # lifetime

    async def __aenter__(self) -> FaultProxy:
        """Bind the listening socket and start accepting connections.

        Raises:
            RuntimeError: If the proxy was entered before.
            OSError: If the listening socket cannot be bound.

        Cancellation: if cancelled, nothing is left open or running.
        """
        if self._state != "new":
            raise RuntimeError("a FaultProxy can be entered only once")
        lifetime = self._run()
        proxy = await lifetime.__aenter__()
        self._lifetime = lifetime
        return proxy

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        """Close the listener and every proxied connection, and wait for the proxy's tasks.

        The exception that left the block, if any, is raised as itself (not wrapped in an
        exception group). Connections are closed normally (FIN, not RST), each bounded by a
        short grace period.

        Cancellation: this is a checkpoint; the closing itself is shielded and bounded, so
        even a cancelled exit closes everything before the cancellation propagates.
        """
        lifetime, self._lifetime = self._lifetime, None
        assert lifetime is not None, "__aexit__ without a successful __aenter__"
        return await lifetime.__aexit__(exc_type, exc, tb)

    @asynccontextmanager
    async def _run(self) -> AsyncIterator[FaultProxy]:
        self._state = "running"
        try:
            multi = await anyio.create_tcp_listener(
                local_host=self._listen_host, local_port=self._listen_port
            )
        except BaseException:
            self._state = "closed"
            raise
        body_exc: BaseException | None = None
        try:
            self._port = int(multi.extra(anyio.abc.SocketAttribute.local_port))
            try:
                async with anyio.create_task_group() as tg:
                    for listener in multi.listeners:
                        assert isinstance(listener, anyio.abc.SocketListener)
                        tg.start_soon(self._accept_loop, listener, tg)
                    try:
                        yield self
                    except BaseException as exc:
                        body_exc = exc
                        raise
                    finally:
                        self._state = "closed"
                        tg.cancel_scope.cancel()
            except BaseExceptionGroup as group:
                _raise_from_group(group, body_exc)
        finally:
            self._state = "closed"
            self._notify()
            with anyio.CancelScope(shield=True):
                await multi.aclose()

    async def _accept_loop(
        self, listener: anyio.abc.SocketListener, tg: anyio.abc.TaskGroup
    ) -> None:
        while True:
            try:
                stream = await listener.accept()
            except anyio.ClosedResourceError:
                return
            except OSError as exc:
                # Out of file descriptors, a connection aborted before it was accepted, ...:
                # keep serving the connections we have and try again shortly.
                _log.warning("FaultProxy %s: accept failed: %r", self.address, exc)
                await anyio.sleep(_ACCEPT_RETRY_DELAY)
                continue
            if self._refusing:
                self._refused += 1
                _log.debug("FaultProxy %s: refused a connection", self.address)
                with anyio.move_on_after(_CLOSE_GRACE, shield=True):
                    await _close(stream, hard=True)
                continue
            _set_nodelay(stream)
            self._total += 1
            conn = _Connection(stream)
            self._conns.add(conn)
            tg.start_soon(self._serve_connection, conn)

    async def _serve_connection(self, conn: _Connection) -> None:
        try:
            with conn.scope:
                try:
                    target = await anyio.connect_tcp(self._target_host, self._target_port)
                except OSError as exc:
                    self._failed += 1
                    conn.hard_close = True
                    _log.debug("FaultProxy %s: cannot connect to the target: %r", self.address, exc)
                    return
                conn.target = target
                _set_nodelay(target)
                conn.pumps = {
                    "upstream": _Pump(self, "upstream", conn.client, target),
                    "downstream": _Pump(self, "downstream", target, conn.client),
                }
                if conn in self._conns:
                    conn.established = True
                    self._notify()
                try:
                    async with anyio.create_task_group() as tg:
                        tg.start_soon(self._pump, conn, "downstream", tg.cancel_scope)
                        await self._pump(conn, "upstream", tg.cancel_scope)
                except BaseExceptionGroup as group:  # a bug in a pump, or a cancellation
                    _raise_from_group(group, None)
        finally:
            self._forget(conn)
            with anyio.move_on_after(_CLOSE_GRACE, shield=True):
                await conn.aclose()

    async def _pump(self, conn: _Connection, side: _Side, scope: anyio.CancelScope) -> None:
        end = await conn.pumps[side].run()
        _log.debug("FaultProxy %s: %s ended (%s)", self.address, side, end)
        if end == "error":
            conn.hard_close = True
        scope.cancel()

    def _forget(self, conn: _Connection) -> None:
        if conn in self._conns:
            self._conns.remove(conn)
            if conn.established:
                self._notify()

    def _notify(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    # ----------------------------------------------------------------------------------------
    # where it listens

    @property
    def host(self) -> str:
        """The address the proxy listens on, as given by ``listen_host``."""
        return self._listen_host

    @property
    def port(self) -> int:
        """The port the proxy listens on.

        Raises:
            RuntimeError: If the proxy has not been entered yet.
        """
        if self._port is None:
            raise RuntimeError("the FaultProxy is not listening yet; use it with `async with`")
        return self._port

    @property
    def address(self) -> str:
        """``"host:port"`` to connect to (``"[host]:port"`` for an IPv6 address)."""
        return _join(self._listen_host, self.port)

    @property
    def target(self) -> str:
        """``"host:port"`` of the server the proxy forwards to."""
        return _join(self._target_host, self._target_port)

    # ----------------------------------------------------------------------------------------
    # controls

    def pass_through(self, direction: Direction = "both") -> None:
        """Forward normally: clear the delay, throttle and stall of *direction*.

        Bytes held back by a stall, a delay or a throttle are then written at once, in order.
        """
        self._update(direction, _Settings())

    def delay(self, seconds: float, direction: Direction = "both") -> None:
        """Write every chunk *seconds* after the proxy read it (added latency).

        Chunks keep their order and their spacing; ``delay(0)`` removes the delay. Throttle
        and stall settings of *direction* are kept.

        Raises:
            ValueError: If *seconds* is negative or not finite, or *direction* is unknown.
        """
        if not (math.isfinite(seconds) and seconds >= 0):
            raise ValueError(f"delay must be a finite number of seconds >= 0, not {seconds!r}")
        self._update(direction, delay=float(seconds))

    def throttle(self, bytes_per_second: float, direction: Direction = "both") -> None:
        """Limit *direction* to *bytes_per_second* (each way, per connection).

        ``throttle(math.inf)`` removes the limit. Delay and stall settings are kept.

        Raises:
            ValueError: If *bytes_per_second* is not positive, or *direction* is unknown.
        """
        if not bytes_per_second > 0:  # also rejects NaN
            raise ValueError(f"bytes_per_second must be > 0, not {bytes_per_second!r}")
        self._update(direction, rate=float(bytes_per_second))

    def stall(self, direction: Direction = "both") -> None:
        """Stop forwarding *direction* but keep every socket open.

        Bytes pile up in the proxy (up to :data:`MAX_BUFFERED_BYTES` per direction and
        connection) and then in the kernel buffers, until the sender blocks. An end of stream
        or a reset from the sending side is held back too. :meth:`pass_through` resumes and
        delivers what piled up, in order. Injected bytes are not held back.
        """
        self._update(direction, stalled=True)

    def cut(self) -> int:
        """Close every current proxied connection, both sides, with a reset where possible.

        Connections still connecting to the target are cut as well. The sockets are closed
        with ``SO_LINGER`` 0 so the peers see a reset (ECONNRESET) rather than an orderly end
        of stream, where the platform allows it. :attr:`connections` is 0 when this returns;
        the sockets are closed by the connections' tasks right after. New connections are
        accepted as before.

        Returns:
            How many connections were cut.
        """
        conns = list(self._conns)
        self._conns.clear()
        for conn in conns:
            conn.hard_close = True
            conn.scope.cancel()
        if conns:
            _log.debug("FaultProxy %s: cut %d connection(s)", self._listen_host, len(conns))
            self._notify()
        return len(conns)

    def refuse(self, on: bool = True) -> None:
        """While *on*, close new client connections (with a reset) as soon as they arrive.

        The listener keeps listening, so a client's connect succeeds and the connection is
        then reset; no connection to the target is made. Existing connections are not
        affected (see :meth:`cut`).
        """
        self._refusing = bool(on)

    def inject(self, data: bytes, direction: Direction = "downstream") -> int:
        """Write *data* into the stream of every current proxied connection.

        ``"downstream"`` sends it to the clients (as if the target had sent it),
        ``"upstream"`` to the target. It is written as soon as the direction's pump has
        finished its current write, so it lands between two writes of the proxy, never
        inside one (those are not message boundaries of the protocol). It is not subject to
        delay, throttle or stall, so it overtakes bytes those hold back. It is not counted in
        the byte counters. Connections that open later do not get it.

        Returns:
            The number of connections the data was queued for.

        Raises:
            ValueError: If *direction* is unknown.
        """
        sides = _sides(direction)
        data = bytes(data)
        count = 0
        for conn in self._conns:
            if conn.established:
                count += 1
                for side in sides:
                    conn.pumps[side].inject(data)
        return count

    def _update(
        self,
        direction: Direction,
        settings: _Settings | None = None,
        *,
        delay: float | None = None,
        rate: float | None = None,
        stalled: bool | None = None,
    ) -> None:
        for side in _sides(direction):
            current = settings if settings is not None else self._settings[side]
            self._settings[side] = _Settings(
                delay=current.delay if delay is None else delay,
                rate=current.rate if rate is None else rate,
                stalled=current.stalled if stalled is None else stalled,
            )
        for conn in self._conns:
            for pump in conn.pumps.values():
                pump.wake()

    # ----------------------------------------------------------------------------------------
    # counters

    @property
    def connections(self) -> int:
        """Live proxied connections: both sides connected and not closed yet."""
        return sum(1 for conn in self._conns if conn.established)

    @property
    def total_connections(self) -> int:
        """Client connections accepted and proxied so far (refused ones are not counted)."""
        return self._total

    @property
    def refused_connections(self) -> int:
        """Client connections closed at once because :meth:`refuse` was on."""
        return self._refused

    @property
    def bytes_upstream(self) -> int:
        """Bytes forwarded from clients to the target so far (injected bytes not counted)."""
        return self._bytes["upstream"]

    @property
    def bytes_downstream(self) -> int:
        """Bytes forwarded from the target to clients so far (injected bytes not counted)."""
        return self._bytes["downstream"]

    def statistics(self) -> FaultProxyStatistics:
        """Return a snapshot of all counters."""
        return FaultProxyStatistics(
            connections=self.connections,
            total_connections=self._total,
            refused_connections=self._refused,
            failed_target_connections=self._failed,
            bytes_upstream=self._bytes["upstream"],
            bytes_downstream=self._bytes["downstream"],
        )

    async def wait_connections(self, n: int, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until at least *n* proxied connections are live (see :attr:`connections`).

        Returns at once (after a checkpoint) if there already are.

        Args:
            n: The number of live connections to wait for.
            timeout: Seconds to wait at most; ``math.inf`` waits without a limit.

        Raises:
            TimeoutError: If there are still fewer than *n* after *timeout* seconds.
            RuntimeError: If the proxy is not running.

        Cancellation: safe to cancel; nothing changes.
        """
        await anyio.lowlevel.checkpoint()
        with anyio.fail_after(timeout):
            while self.connections < n:
                if self._state != "running":
                    raise RuntimeError("the FaultProxy is not running")
                if self._changed is None:
                    self._changed = anyio.Event()
                await self._changed.wait()


@dataclass(eq=False)
class _Connection:
    client: anyio.abc.SocketStream
    target: anyio.abc.SocketStream | None = None
    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)
    pumps: dict[_Side, _Pump] = field(default_factory=dict)
    established: bool = False
    hard_close: bool = False

    async def aclose(self) -> None:
        for stream in (self.client, self.target):
            if stream is not None:
                await _close(stream, hard=self.hard_close)


class _Pump:
    """One direction of one connection: read from *source*, write to *dest* per settings."""

    def __init__(
        self,
        proxy: FaultProxy,
        side: _Side,
        source: anyio.abc.SocketStream,
        dest: anyio.abc.SocketStream,
    ) -> None:
        self._proxy = proxy
        self._side: _Side = side
        self._source = source
        self._dest = dest
        self._queue: deque[_Chunk] = deque()
        self._queued_bytes = 0
        self._source_ended = False
        self._injected: deque[bytes] = deque()
        self._next_write = -math.inf  # throttle: earliest time of the next write
        self._wait_scope: anyio.CancelScope | None = None

    def wake(self) -> None:
        """Make the pump look at its settings again now, if it is waiting."""
        if self._wait_scope is not None:
            self._wait_scope.cancel()

    def inject(self, data: bytes) -> None:
        if data:
            self._injected.append(data)
            self.wake()

    async def run(self) -> _End:
        """Pump until the source has ended and its end was forwarded, or a transport failed.

        Returns ``"eof"`` after an orderly end of the source's stream and ``"error"`` after a
        transport failure on either socket. Cancellation: stops at once; a write may have
        been partly done (the connection is closed afterwards anyway).
        """
        try:
            while True:
                while self._injected:
                    await self._dest.send(self._injected.popleft())
                # From here to the wait below there is no checkpoint: a settings change can
                # only happen while the pump waits, and then it wakes the pump.
                settings = self._proxy._settings[self._side]
                now = anyio.current_time()
                deadline = math.inf
                if self._queue and not settings.stalled:
                    head = self._queue[0]
                    due = head.arrival + settings.delay
                    if head.end is None and settings.rate < math.inf:
                        due = max(due, self._next_write)
                    if due <= now:
                        if head.end is not None:
                            return head.end
                        await self._write_head(settings, now)
                        continue
                    deadline = due
                await self._wait(deadline)
        except _TRANSPORT_ERRORS as exc:
            _log.debug("FaultProxy %s: write failed: %r", self._side, exc)
            return "error"

    async def _write_head(self, settings: _Settings, now: float) -> None:
        head = self._queue[0]
        size = len(head.data)
        if settings.rate < math.inf:
            size = min(size, max(1, int(settings.rate * _THROTTLE_SLICE)))
        await self._dest.send(head.data[:size] if size < len(head.data) else head.data)
        if size < len(head.data):
            head.data = head.data[size:]
        else:
            self._queue.popleft()
        self._queued_bytes -= size
        self._proxy._bytes[self._side] += size
        if settings.rate < math.inf:
            self._next_write = max(self._next_write, now) + size / settings.rate

    async def _wait(self, deadline: float) -> None:
        """Read one chunk if there is room, until *deadline* or until woken."""
        with anyio.CancelScope(deadline=deadline) as scope:
            self._wait_scope = scope
            try:
                if self._source_ended or self._queued_bytes >= MAX_BUFFERED_BYTES:
                    await anyio.sleep_forever()  # no room: leave the bytes in the kernel
                else:
                    await self._read()
            finally:
                self._wait_scope = None

    async def _read(self) -> None:
        # Cancel-safe: a receive that is cancelled has not consumed anything.
        try:
            data = await self._source.receive(_RECEIVE_SIZE)
        except anyio.EndOfStream:
            self._end("eof")
        except _TRANSPORT_ERRORS as exc:
            _log.debug("FaultProxy %s: read failed: %r", self._side, exc)
            self._end("error")
        else:
            self._queue.append(_Chunk(anyio.current_time(), data))
            self._queued_bytes += len(data)

    def _end(self, end: _End) -> None:
        self._source_ended = True
        self._queue.append(_Chunk(anyio.current_time(), b"", end))


# --------------------------------------------------------------------------------------------
# helpers


def _sides(direction: str) -> tuple[_Side, ...]:
    if direction == "both":
        return _SIDES
    if direction == "upstream":
        return ("upstream",)
    if direction == "downstream":
        return ("downstream",)
    raise ValueError(f"direction must be 'upstream', 'downstream' or 'both', not {direction!r}")


def _join(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _set_nodelay(stream: anyio.abc.SocketStream) -> None:
    try:
        raw = stream.extra(anyio.abc.SocketAttribute.raw_socket)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except (OSError, anyio.TypedAttributeLookupError):
        pass


def _set_linger_zero(stream: anyio.abc.SocketStream) -> None:
    # l_onoff=1, l_linger=0: close() discards unsent data and sends RST instead of FIN.
    linger = struct.pack("HH" if sys.platform == "win32" else "ii", 1, 0)
    try:
        raw = stream.extra(anyio.abc.SocketAttribute.raw_socket)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
    except (OSError, anyio.TypedAttributeLookupError):
        pass


async def _close(stream: anyio.abc.SocketStream, *, hard: bool) -> None:
    if hard:
        _set_linger_zero(stream)
    with suppress(*_TRANSPORT_ERRORS):
        await stream.aclose()


def _raise_from_group(
    group: BaseExceptionGroup[BaseException], body_exc: BaseException | None
) -> NoReturn:
    """Raise the one exception that matters from a task group of the proxy (R4).

    An exception that left the ``async with`` body, other than a cancellation, wins and is
    raised as itself (errors of the proxy's tasks, which are bugs, go into its
    ``__context__``). Otherwise a lone error of a task is raised as itself, several are
    raised as the group, and a group of cancellations as its first one.
    """
    if group is body_exc:  # the body's own group, not wrapped by the task group
        _reraise(group, None)
    cancelled = anyio.get_cancelled_exc_class()
    leaves = list(group.exceptions)
    internal = [e for e in leaves if e is not body_exc and not isinstance(e, cancelled)]
    if any(e is body_exc for e in leaves) and not isinstance(body_exc, cancelled):
        assert body_exc is not None
        context = BaseExceptionGroup("errors in FaultProxy tasks", internal) if internal else None
        _reraise(body_exc, context)
    for e in internal:
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise type(e)(*e.args) from group
    if len(internal) > 1:
        raise group
    _reraise((internal or leaves)[0], None)


def _reraise(exc: BaseException, context: BaseException | None) -> NoReturn:
    saved = exc.__context__ if context is None else context
    try:
        raise exc
    finally:
        exc.__context__ = saved
        del exc, saved
