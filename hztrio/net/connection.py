"""One TCP connection to a member: a reader task and a coalescing writer task.

The connection owns its socket. Callers never touch it: they hand encoded messages to
:meth:`Connection.send_nowait`, which puts them on a bounded memory channel that the writer
drains, joining whatever is queued into one ``send``. The reader receives large chunks,
parses every complete message in them (sans-I/O, :class:`~hztrio.protocol.frame.MessageReader`)
and hands each one to the message handler synchronously.

Expected failures — the peer closing, a reset, a malformed frame, a heartbeat timeout — never
escape the connection's tasks: the connection records the cause, closes, and calls its
``on_close`` callback so the owner can fail the invocations that were waiting on it.
"""

from __future__ import annotations

import logging
import socket
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

import anyio
import anyio.abc

from .._backend import Backend, Waiter
from ..errors import HazelcastError, ProtocolError, TargetDisconnectedError
from ..protocol.frame import (
    DEFAULT_MAX_MESSAGE_SIZE,
    ClientMessage,
    MessageReader,
    ProtocolViolation,
)

if TYPE_CHECKING:
    import uuid

    from ..protocol.types import Address

_logger = logging.getLogger("hztrio.connection")

#: Bytes asked of the socket per receive call (below glibc's mmap threshold on purpose).
RECEIVE_SIZE = 64 * 1024
#: The writer joins queued messages up to this many bytes into one send.
WRITE_BUDGET = 256 * 1024
#: Messages that may wait for the writer before senders wait (or fail over).
OUTBOUND_QUEUE_SIZE = 4096

_TRANSPORT_ERRORS = (
    anyio.EndOfStream,
    anyio.BrokenResourceError,
    anyio.ClosedResourceError,
    OSError,
)


class Connection:
    """An open, possibly authenticated connection to one member."""

    def __init__(
        self,
        connection_id: int,
        stream: anyio.abc.SocketStream,
        remote_address: Address,
        on_message: Callable[[Connection, ClientMessage], None],
        on_close: Callable[[Connection], None],
        *,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        socket_options: Sequence[tuple[int, int, int | bytes]] = (),
        backend: Backend | None = None,
    ) -> None:
        self.connection_id = connection_id
        self.remote_address = remote_address
        self.member_uuid: uuid.UUID | None = None
        self.server_version: str | None = None
        self._stream = stream
        self._on_message = on_message
        self._on_close = on_close
        self._max_message_size = max_message_size
        # the outbound channel: a bounded queue the writer drains, and how to wake it
        self._backend = backend or Backend.detect()
        self._queue: deque[bytes | bytearray] = deque()
        self._writer_waiter: Waiter | None = None
        self._space: anyio.Event | None = None
        self._scope = anyio.CancelScope()
        self._closed = False
        self.close_reason: str | None = None
        self.close_cause: BaseException | None = None
        now = anyio.current_time()
        self.started_at = now
        self.last_read_time = now
        self.last_write_time = now
        #: messages written and received (test hooks and statistics)
        self.messages_sent = 0
        self.messages_received = 0
        self.bytes_sent = 0
        self.bytes_received = 0
        try:
            raw = stream.extra(anyio.abc.SocketAttribute.raw_socket)
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            local = stream.extra(anyio.abc.SocketAttribute.local_address)
        except (OSError, anyio.TypedAttributeLookupError):  # pragma: no cover - exotic streams
            local = None
        self.local_address = local
        if socket_options:
            # the user's options: an invalid one fails this connection attempt, visibly
            raw = stream.extra(anyio.abc.SocketAttribute.raw_socket)
            for level, option, value in socket_options:
                raw.setsockopt(level, option, value)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "alive"
        return (
            f"Connection(id={self.connection_id}, {self.remote_address}, "
            f"member={self.member_uuid}, {state})"
        )

    @property
    def is_alive(self) -> bool:
        return not self._closed

    # -- sending ----------------------------------------------------------------------------

    def send_nowait(self, message: bytes | bytearray) -> bool:
        """Queue an encoded message for the writer.

        Returns False, without queuing, when the connection is closed or its queue is full;
        the caller then picks another route or waits (:meth:`send`). Never blocks.
        """
        queue = self._queue
        if self._closed or len(queue) >= OUTBOUND_QUEUE_SIZE:
            return False
        queue.append(message)
        waiter = self._writer_waiter
        if waiter is not None:
            self._writer_waiter = None
            waiter.set()
        return True

    async def send(self, message: bytes | bytearray) -> bool:
        """Queue a message, waiting while the queue is full. False if the connection closed.

        Cancellation: if cancelled while waiting, the message was not queued.
        """
        while True:
            if self._closed:
                await anyio.lowlevel.checkpoint()
                return False
            if self.send_nowait(message):
                await anyio.lowlevel.checkpoint()
                return True
            if self._space is None:
                self._space = anyio.Event()
            await self._space.wait()

    # -- lifetime ---------------------------------------------------------------------------

    async def run(
        self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None:
        """Run the reader and the writer until the connection closes.

        Calls ``task_status.started()`` at once (the socket is already open). Returns normally
        when the connection closes for any expected reason; the socket is closed on return.
        Cancellation: closes the connection.
        """
        try:
            with self._scope:
                async with anyio.create_task_group() as tg:
                    tg.start_soon(self._reader)
                    tg.start_soon(self._writer)
                    task_status.started()
        finally:
            self.close("connection task ended", None)
            with anyio.CancelScope(shield=True):
                await self._aclose_stream()

    async def _aclose_stream(self) -> None:
        self._queue.clear()
        try:
            with anyio.move_on_after(1):
                await self._stream.aclose()
        except _TRANSPORT_ERRORS:
            pass

    def close(self, reason: str, cause: BaseException | None) -> None:
        """Close the connection (idempotent, synchronous).

        The reader and writer are cancelled, the socket is closed by :meth:`run` as it
        returns, and ``on_close`` is called at once so that invocations waiting on this
        connection can be failed or retried.
        """
        if self._closed:
            return
        self._closed = True
        self.close_reason = reason
        self.close_cause = cause
        self._scope.cancel()
        if self._space is not None:
            self._space.set()
        level = logging.DEBUG if cause is None else logging.WARNING
        _logger.log(level, "%r closed: %s%s", self, reason, f" ({cause})" if cause else "")
        self._on_close(self)

    def disconnected_error(self) -> HazelcastError:
        """The error that invocations waiting on this (closed) connection receive."""
        reason = self.close_reason or "connection closed"
        error = TargetDisconnectedError(f"{self.remote_address}: {reason}")
        if self.close_cause is not None:
            error.__cause__ = self.close_cause
        return error

    # -- tasks ------------------------------------------------------------------------------

    async def _reader(self) -> None:
        receive = self._stream.receive
        reader = MessageReader(self._max_message_size)
        feed = reader.feed
        on_message = self._on_message
        now = self._backend.current_time
        try:
            while True:
                data = await receive(RECEIVE_SIZE)
                self.last_read_time = now()
                self.bytes_received += len(data)
                messages = feed(data)
                self.messages_received += len(messages)
                for message in messages:
                    on_message(self, message)
        except anyio.EndOfStream:
            self.close("the member closed the connection", None)
        except _TRANSPORT_ERRORS as exc:
            self.close(f"read failed: {exc!r}", exc)
        except ProtocolViolation as exc:
            self.close("protocol error", ProtocolError(f"{self.remote_address}: {exc}"))

    async def _writer(self) -> None:
        queue = self._queue
        popleft = queue.popleft
        send = self._stream.send
        new_waiter = self._backend.new_waiter
        now = self._backend.current_time
        try:
            while True:
                if not queue:
                    waiter = self._writer_waiter = new_waiter()
                    await waiter.wait()
                    continue
                first = popleft()
                size = len(first)
                if size >= WRITE_BUDGET or not queue:
                    data: bytes | bytearray = first
                    count = 1
                else:
                    chunks = [first]
                    while queue and size < WRITE_BUDGET:
                        chunk = popleft()
                        chunks.append(chunk)
                        size += len(chunk)
                    data = b"".join(chunks)
                    count = len(chunks)
                space = self._space
                if space is not None and len(queue) < OUTBOUND_QUEUE_SIZE:
                    self._space = None
                    space.set()
                # A cancelled or failed send may have written part of a frame: the
                # connection is never reused after that (close() below, or the scope's
                # cancellation that only happens when we are closing anyway).
                await send(cast(bytes, data))  # bytearray is fine: not mutated after
                self.last_write_time = now()
                self.messages_sent += count
                self.bytes_sent += size
        except _TRANSPORT_ERRORS as exc:
            self.close(f"write failed: {exc!r}", exc)
