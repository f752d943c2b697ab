"""One TCP connection to a member: a reader and a coalescing writer.

The connection owns its socket. Callers never touch it: they hand encoded messages to
:meth:`Connection.send_nowait`, which is synchronous — a message is queued whole or not at
all, so a cancelled caller never leaves half a frame behind. The reader receives large
chunks, parses every complete message in them (sans-I/O,
:class:`~hztrio.protocol.frame.MessageReader`) and hands each one to the message handler
synchronously. A large frame (a big value) is received in place, into a buffer of its own
size, never collected in pieces and joined.

How bytes move depends on the event loop, because this is the hot path:

- **Trio**: a reader task and a writer task use the socket directly with
  ``trio.lowlevel.wait_readable``/``wait_writable``; the writer joins what is queued into one
  send; an idle connection sends a message straight away, without waking the writer.
- **asyncio**: an ``asyncio.BufferedProtocol`` — the event loop receives into the buffer
  the connection names and calls it with every chunk (the reader), and queued messages are
  joined and written once per loop iteration (the writer, a ``call_soon`` callback) into
  the transport, which buffers with flow control.
- any other AnyIO byte stream (TLS under Trio, tests): a reader task and a writer task on
  the stream.

Expected failures — the peer closing, a reset, a malformed frame, a heartbeat timeout — never
escape the connection's tasks: the connection records the cause, closes, and calls its
``on_close`` callback so the owner can fail the invocations that were waiting on it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
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
    SegmentedMessage,
)

if TYPE_CHECKING:
    import uuid

    from ..protocol.types import Address

_logger = logging.getLogger("hztrio.connection")

#: Bytes asked of the socket per receive call (below glibc's mmap threshold on purpose).
RECEIVE_SIZE = 64 * 1024
#: The receive buffer of an asyncio connection (reused; what asyncio itself reads at once).
ASYNCIO_RECEIVE_SIZE = 256 * 1024
#: The writer joins queued messages up to this many bytes into one send.
WRITE_BUDGET = 256 * 1024
#: Queued messages from which a sender sends the batch itself when the writer has not run
#: yet (Trio) or before the loop iteration's flush (asyncio).
EARLY_BATCH = 128
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
        stream: anyio.abc.ByteStream | None,
        remote_address: Address,
        on_message: Callable[[Connection, ClientMessage], None],
        on_close: Callable[[Connection], None],
        *,
        max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE,
        socket_options: Sequence[tuple[int, int, int | bytes]] = (),
        backend: Backend | None = None,
        transport: asyncio.Transport | None = None,
        connected_address: Address | None = None,
    ) -> None:
        self.connection_id = connection_id
        #: the member's address (as the cluster view reports it)
        self.remote_address = remote_address
        #: the address this connection was opened to: ``remote_address`` unless translated
        #: (``use_public_ip``, cloud discovery)
        self.connected_address = remote_address if connected_address is None else connected_address
        self.member_uuid: uuid.UUID | None = None
        self.server_version: str | None = None
        self._stream = stream
        self._on_message = on_message
        self._on_close = on_close
        self._max_message_size = max_message_size
        # the outbound channel: a bounded queue the writer drains, and how to wake it
        self._backend = backend or Backend.detect()
        self._queue: deque[bytes | bytearray | memoryview] = deque()
        self._writer_waiter: Waiter | None = None
        #: the Trio writer is between taking a batch and having sent all of it
        self._writer_busy = False
        #: senders waiting for room in the queue, woken one per freed slot, in order
        self._blocked: deque[anyio.Event] = deque()
        self._scope = anyio.CancelScope()
        self._closed = False
        self.close_reason: str | None = None
        self.close_cause: BaseException | None = None
        now = anyio.current_time()
        self.started_at = now
        self.last_read_time = now
        self.last_write_time = now
        #: requests sent on this connection and not answered yet (kept by the invocations)
        self.inflight = 0
        #: messages written and received (test hooks and statistics)
        self.messages_sent = 0
        self.messages_received = 0
        self.bytes_sent = 0
        self.bytes_received = 0
        #: on Trio, the stdlib socket itself: the reader and the writer use it directly
        #: (with trio.lowlevel's wait_readable/wait_writable), and an idle connection sends
        #: a message straight from send_nowait, saving the writer's wake-up
        self._raw: socket.socket | None = None
        #: on asyncio, the transport our protocol feeds from (see _AsyncioProtocol)
        self._transport = transport
        self._write_paused = False
        self._flush_scheduled = False
        self._lost = anyio.Event()
        self._message_reader: MessageReader | None = None
        raw: socket.socket | None
        if transport is not None:
            raw = transport.get_extra_info("socket")
            self.local_address = transport.get_extra_info("sockname")
            self._message_reader = MessageReader(max_message_size)
            self._receive_view = memoryview(bytearray(ASYNCIO_RECEIVE_SIZE))
            self._receiving_large = False
            self._loop = asyncio.get_running_loop()
        else:
            assert stream is not None
            try:
                raw = stream.extra(anyio.abc.SocketAttribute.raw_socket)
                self.local_address = stream.extra(anyio.abc.SocketAttribute.local_address)
            except anyio.TypedAttributeLookupError:  # pragma: no cover - exotic streams
                raw = None
                self.local_address = None
            # the raw-socket fast path is for plain TCP only: a TLS stream (which also
            # names its socket) goes through the plain-stream path
            if (
                raw is not None
                and self._backend.name == "trio"
                and isinstance(stream, anyio.abc.SocketStream)
            ):
                self._raw = raw
        if raw is not None:
            raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            # the user's options: an invalid one fails this connection attempt, visibly
            for level, option, value in socket_options:
                raw.setsockopt(level, option, value)

    def __repr__(self) -> str:
        state = "closed" if self._closed else "alive"
        dialed = self.connected_address
        via = "" if dialed == self.remote_address else f" via {dialed}"
        return (
            f"Connection(id={self.connection_id}, {self.remote_address}{via}, "
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
        if self._transport is not None:
            if self._write_paused:
                return False
            if (
                self.inflight <= 1
                and not self._flush_scheduled
                and not queue
                and len(message) <= WRITE_BUDGET
            ):
                # nothing else in flight on this connection: no batch to wait for
                self._transport.write(message)
                self.messages_sent += 1
                self.bytes_sent += len(message)
                return True
            queue.append(message)
            if not self._flush_scheduled:
                self._flush_scheduled = True
                self._loop.call_soon(self._flush)
            elif len(queue) >= EARLY_BATCH:
                # many senders in one loop iteration (a burst of new tasks): write what
                # they queued now, so that the member starts on it while they go on
                self._write_queued()
            return True
        waiter = self._writer_waiter
        if (
            waiter is not None
            and self._raw is not None
            and not queue
            and self.inflight <= 1
            and message.__class__ is not SegmentedMessage
        ):
            # the writer is idle and nothing else is in flight (else batching pays more):
            # send now, synchronously (never a partial frame: what the socket does not
            # take goes to the writer, first in line)
            try:
                sent = self._raw.send(message)
            except BlockingIOError:
                sent = 0
            except OSError as exc:
                self.close(f"write failed: {exc!r}", exc)
                return False
            self.bytes_sent += sent
            if sent == len(message):
                self.messages_sent += 1
                self.last_write_time = self._backend.current_time()
                return True
            message = memoryview(message)[sent:]  # type: ignore[assignment]
        queue.append(message)
        if waiter is not None:
            self._writer_waiter = None
            waiter.set()
        elif len(queue) >= EARLY_BATCH and not self._writer_busy and self._raw is not None:
            # Many senders run before the woken writer does (a burst of new tasks): send
            # what they queued now, so that the member starts on it while they go on.
            self._send_batch_now(self._raw)
        return True

    def _send_batch_now(self, sock: socket.socket) -> None:
        """Send one batch from the queue synchronously, as far as the socket takes it; the
        rest stays first in line for the writer (which is scheduled, or woken here)."""
        data, count = self._take_batch()
        try:
            sent = sock.send(data)
        except BlockingIOError:
            sent = 0
        except OSError as exc:
            self.close(f"write failed: {exc!r}", exc)  # fails the waiting invocations
            return
        self.bytes_sent += sent
        if sent < len(data):
            # the writer sends (and counts as one message) the rest; until it has, nobody
            # else tries: the socket is full
            self._queue.appendleft(memoryview(data)[sent:])
            self._writer_busy = True
            count -= 1
            waiter = self._writer_waiter
            if waiter is not None:
                self._writer_waiter = None
                waiter.set()
        self.messages_sent += count
        self.last_write_time = self._backend.current_time()

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
            room = anyio.Event()
            self._blocked.append(room)
            try:
                await room.wait()
            finally:
                if not room.is_set():
                    self._blocked.remove(room)

    def _wake_senders(self, slots: int) -> None:
        blocked = self._blocked
        while blocked and slots > 0:
            blocked.popleft().set()
            slots -= 1

    # -- lifetime ---------------------------------------------------------------------------

    async def run(
        self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None:
        """Run the reader and the writer until the connection closes.

        Calls ``task_status.started()`` at once (the socket is already open). Returns normally
        when the connection closes for any expected reason; the socket is closed on return.
        Cancellation: closes the connection.
        """
        if self._transport is not None:
            try:
                with self._scope:
                    task_status.started()
                    await self._lost.wait()
            finally:
                self.close("connection task ended", None)
                self._queue.clear()
                self._transport.abort()
            return
        try:
            with self._scope:
                async with anyio.create_task_group() as tg:
                    if self._raw is not None:
                        tg.start_soon(self._reader_trio)
                        tg.start_soon(self._writer_trio)
                    else:
                        tg.start_soon(self._reader)
                        tg.start_soon(self._writer)
                    task_status.started()
        finally:
            self.close("connection task ended", None)
            with anyio.CancelScope(shield=True):
                await self._aclose_stream()

    async def _aclose_stream(self) -> None:
        self._queue.clear()
        assert self._stream is not None
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
        self._lost.set()
        self._wake_senders(len(self._blocked))
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

    # -- asyncio: called by the event loop through _AsyncioProtocol --------------------------

    def _flush(self) -> None:
        """Write everything queued, joined, into the transport (once per loop iteration)."""
        self._flush_scheduled = False
        self._write_queued()

    def _write_queued(self) -> None:
        if self._closed or not self._queue:
            return
        transport = self._transport
        assert transport is not None
        queue = self._queue
        while queue and not self._write_paused:
            data, count = self._take_batch()
            if len(data) > WRITE_BUDGET:
                # a large message goes out a slice at a time, as the transport drains, so
                # that the transport never buffers a copy of all of it; the rest waits
                # first in line (until resume_writing)
                view = memoryview(data)
                queue.appendleft(view[WRITE_BUDGET:])
                data = view[:WRITE_BUDGET]
                count = 0
            transport.write(data)
            self.messages_sent += count
            self.bytes_sent += len(data)
        self.last_write_time = self._loop.time()

    def _get_buffer(self, sizehint: int = -1) -> memoryview:
        """Where the transport receives next: the rest of a large frame, in place, or the
        connection's receive buffer."""
        reader = self._message_reader
        if reader is None or reader.big_view is None:
            self._receiving_large = False
            return self._receive_view
        large = reader.large_frame_buffer
        assert large is not None
        self._receiving_large = True
        return large

    def _data_received(self, data: bytes) -> None:
        """Bytes that arrived before the protocol was attached to this connection."""
        self._received(len(data), data)

    def _received(self, count: int, data: bytes | None = None) -> None:
        """*count* bytes arrived: *data*, or (None) that many into the buffer that
        :meth:`_get_buffer` named. The protocol's ``buffer_updated`` is this method."""
        reader = self._message_reader
        if self._closed or reader is None:
            return
        self.last_read_time = self._loop.time()
        self.bytes_received += count
        try:
            if data is not None:
                messages = reader.feed(data)
            elif self._receiving_large:
                messages = reader.received_into(count)
            else:
                messages = reader.feed(self._receive_view[:count])
        except ProtocolViolation as exc:
            self.close("protocol error", ProtocolError(f"{self.remote_address}: {exc}"))
            return
        self.messages_received += len(messages)
        on_message = self._on_message
        for message in messages:
            on_message(self, message)

    def _connection_lost(self, exc: BaseException | None) -> None:
        if exc is None:
            self.close("the member closed the connection", None)
        else:
            self.close(f"read failed: {exc!r}", exc)

    def _pause_writing(self) -> None:
        self._write_paused = True

    def _resume_writing(self) -> None:
        self._write_paused = False
        if self._queue and not self._flush_scheduled:
            self._flush()  # the rest of a large message (asyncio allows writing from here)
        self._wake_senders(OUTBOUND_QUEUE_SIZE - len(self._queue))

    # -- tasks ------------------------------------------------------------------------------

    async def _reader(self) -> None:
        assert self._stream is not None
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

    async def _reader_trio(self) -> None:
        """The reader on Trio: the socket directly, one readiness wait per batch of data."""
        import trio.lowlevel

        sock = self._raw
        assert sock is not None
        wait_readable = trio.lowlevel.wait_readable
        reader = MessageReader(self._max_message_size)
        feed = reader.feed
        on_message = self._on_message
        now = self._backend.current_time
        checkpoint = trio.lowlevel.checkpoint
        busy = False  # the last receive filled the buffer: more is probably waiting
        try:
            while True:
                if busy:
                    await checkpoint()  # let the other tasks run, then read on
                else:
                    await wait_readable(sock)
                if reader.big_view is not None:
                    # a large frame: straight from the socket into its place
                    large = reader.large_frame_buffer
                    assert large is not None
                    try:
                        count = sock.recv_into(large)
                        busy = count == len(large)
                    except BlockingIOError:
                        busy = False
                        continue
                    finally:
                        del large  # a view of the frame's buffer (see the end of the loop)
                    if not count:
                        self.close("the member closed the connection", None)
                        return
                    messages = reader.received_into(count)
                else:
                    try:
                        data = sock.recv(RECEIVE_SIZE)
                    except BlockingIOError:
                        busy = False
                        continue
                    count = len(data)
                    busy = count == RECEIVE_SIZE
                    if not count:
                        self.close("the member closed the connection", None)
                        return
                    messages = feed(data)
                self.last_read_time = now()
                self.bytes_received += count
                self.messages_received += len(messages)
                if messages:
                    for message in messages:
                        on_message(self, message)
                    # Not kept until the next read: the reader reuses a large frame's
                    # buffer only once nothing refers to it.
                    del message, messages
        except OSError as exc:
            self.close(f"read failed: {exc!r}", exc)
        except ProtocolViolation as exc:
            self.close("protocol error", ProtocolError(f"{self.remote_address}: {exc}"))

    async def _writer_trio(self) -> None:
        """The writer on Trio: joins what is queued and sends it on the socket directly."""
        import trio.lowlevel

        sock = self._raw
        assert sock is not None
        wait_writable = trio.lowlevel.wait_writable
        checkpoint = trio.lowlevel.checkpoint
        queue = self._queue
        new_waiter = self._backend.new_waiter
        now = self._backend.current_time
        try:
            while True:
                if not queue:
                    waiter = self._writer_waiter = new_waiter()
                    await waiter.wait()
                    continue
                data, count = self._take_batch()
                self._writer_busy = True  # holds data: nobody else may write now
                view = memoryview(data)
                while view:
                    try:
                        sent = sock.send(view)
                    except BlockingIOError:
                        await wait_writable(sock)
                        continue
                    self.bytes_sent += sent
                    view = view[sent:]
                self._writer_busy = False
                self.last_write_time = now()
                self.messages_sent += count
                if queue:
                    await checkpoint()  # a busy writer still lets the other tasks run
        except OSError as exc:
            self.close(f"write failed: {exc!r}", exc)

    def _take_batch(self) -> tuple[bytes | bytearray | memoryview, int]:
        """Everything queued, up to the write budget, as one buffer; wakes blocked senders.

        A segmented message (a large value sent without a copy) is taken apart: its start is
        returned alone and its parts go first in line, each sent as it is. The count is then
        1 - (number of parts): each part counts one when written, the message one in all.
        """
        queue = self._queue
        first = queue.popleft()
        if first.__class__ is SegmentedMessage:
            parts = first.parts
            queue.extendleft(reversed(parts))
            if self._blocked:
                self._wake_senders(OUTBOUND_QUEUE_SIZE - len(queue))
            return bytes(first), 1 - len(parts)
        size = len(first)
        if size >= WRITE_BUDGET or not queue:
            data: bytes | bytearray | memoryview = first
            count = 1
        else:
            chunks = [first]
            while queue and size + len(queue[0]) <= WRITE_BUDGET:  # a large one goes alone
                chunk = queue.popleft()
                chunks.append(chunk)
                size += len(chunk)
            data = b"".join(chunks) if len(chunks) > 1 else first
            count = len(chunks)
        if self._blocked:
            self._wake_senders(OUTBOUND_QUEUE_SIZE - len(queue))
        return data, count

    async def _writer(self) -> None:
        assert self._stream is not None
        queue = self._queue
        send = self._stream.send
        new_waiter = self._backend.new_waiter
        now = self._backend.current_time
        try:
            while True:
                if not queue:
                    waiter = self._writer_waiter = new_waiter()
                    await waiter.wait()
                    continue
                data, count = self._take_batch()
                # A cancelled or failed send may have written part of a frame: the
                # connection is never reused after that (close() below, or the scope's
                # cancellation that only happens when we are closing anyway).
                await send(cast(bytes, data))  # bytearray is fine: not mutated after
                self.last_write_time = now()
                self.messages_sent += count
                self.bytes_sent += len(data)
        except _TRANSPORT_ERRORS as exc:
            self.close(f"write failed: {exc!r}", exc)


class _AsyncioProtocol(asyncio.BufferedProtocol):
    """Hands the event loop's callbacks to the connection (set once it exists).

    A buffered protocol: the transport receives into the buffer the connection names
    (:meth:`Connection._get_buffer`), so that a large frame goes from the socket straight to
    its place. What arrives before the connection exists is kept, copied, and fed later.
    """

    def __init__(self) -> None:
        self.connection: Connection | None = None
        self._early: list[bytes] = []
        self._early_view: memoryview | None = None

    def get_buffer(self, sizehint: int) -> memoryview:
        if self.connection is not None:
            return self.connection._get_buffer()
        if self._early_view is None:
            self._early_view = memoryview(bytearray(RECEIVE_SIZE))
        return self._early_view

    def buffer_updated(self, nbytes: int) -> None:
        if self.connection is not None:
            self.connection._received(nbytes)
        else:
            assert self._early_view is not None
            self._early.append(bytes(self._early_view[:nbytes]))

    def eof_received(self) -> bool:
        if self.connection is not None:
            self.connection._connection_lost(None)
        return False

    def connection_lost(self, exc: BaseException | None) -> None:
        if self.connection is not None:
            self.connection._connection_lost(exc)

    def pause_writing(self) -> None:
        if self.connection is not None:
            self.connection._pause_writing()

    def resume_writing(self) -> None:
        if self.connection is not None:
            self.connection._resume_writing()

    def attach(self, connection: Connection) -> None:
        self.connection = connection
        # the hot path: the event loop calls the connection's methods without a hop
        self.get_buffer = connection._get_buffer  # type: ignore[method-assign]
        self.buffer_updated = connection._received  # type: ignore[method-assign,assignment]
        for data in self._early:
            connection._data_received(data)
        self._early.clear()
        self._early_view = None


async def open_asyncio_connection(
    host: str,
    port: int,
    ssl_context: ssl.SSLContext | None = None,
    server_hostname: str | None = None,
) -> tuple[asyncio.Transport, _AsyncioProtocol]:
    """Connect with asyncio's own transport and hztrio's protocol (asyncio only).

    With *ssl_context*, asyncio's TLS transport carries the connection and the TLS handshake
    is part of connecting: a failed handshake raises its ``ssl.SSLError``.

    Cancellation: the half-open socket is closed.
    """
    loop = asyncio.get_running_loop()
    if ssl_context is None:
        transport, protocol = await loop.create_connection(_AsyncioProtocol, host, port)
    else:
        transport, protocol = await loop.create_connection(
            _AsyncioProtocol, host, port, ssl=ssl_context, server_hostname=server_hostname
        )
    return transport, protocol
