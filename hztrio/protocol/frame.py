"""Frames and client messages of the Hazelcast Open Client Protocol 2.x (sans-I/O).

A frame on the wire is ``int32 length (LE, including the 6 header bytes) | uint16 flags (LE) |
payload``. A client message is a sequence of frames whose last frame carries ``IS_FINAL``.
Outbound messages are built as one ``bytearray`` (see :mod:`hztrio.protocol.codec`), or as a
:class:`SegmentedMessage` when a large value is sent without being copied; inbound messages
are parsed by :class:`MessageReader` into :class:`ClientMessage` objects holding
:class:`Frame` objects.

Nothing here performs I/O or imports an event loop library.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Iterator
from typing import Final

__all__ = [
    "BACKUP_AWARE",
    "BACKUP_EVENT",
    "BEGIN_DATA_STRUCTURE",
    "BEGIN_FRAGMENT",
    "DEFAULT_MAX_MESSAGE_SIZE",
    "END_DATA_STRUCTURE",
    "END_FRAGMENT",
    "FRAME_HEADER",
    "IS_EVENT",
    "IS_FINAL",
    "IS_NULL",
    "UNFRAGMENTED",
    "ClientMessage",
    "Frame",
    "MessageReader",
    "ProtocolViolation",
    "SegmentedMessage",
    "copy_request",
]

BEGIN_FRAGMENT: Final = 0x8000
END_FRAGMENT: Final = 0x4000
IS_FINAL: Final = 0x2000
BEGIN_DATA_STRUCTURE: Final = 0x1000
END_DATA_STRUCTURE: Final = 0x0800
IS_NULL: Final = 0x0400
IS_EVENT: Final = 0x0200
BACKUP_AWARE: Final = 0x0100
BACKUP_EVENT: Final = 0x0080
UNFRAGMENTED: Final = BEGIN_FRAGMENT | END_FRAGMENT

#: ``int32 length | uint16 flags``
FRAME_HEADER: Final = struct.Struct("<iH")
FRAME_HEADER_SIZE: Final = 6

#: A frame missing more than this many bytes is received in place, into a buffer of its own
#: size (see MessageReader.large_frame_buffer).
_LARGE_FROM: Final = 256 * 1024

#: ``sys.getrefcount`` where the interpreter has one (CPython): a large frame's buffer is
#: reused only when nothing but its reader refers to it any more, else never
_getrefcount: Final = getattr(sys, "getrefcount", None)

#: ``feed`` calls without a large frame after which a reader lets go of its spare buffer
_SPARE_FEEDS: Final = 64

#: The largest message (after reassembly) a reader accepts. Anything larger is treated as a
#: protocol violation: the connection is closed instead of allocating the memory.
DEFAULT_MAX_MESSAGE_SIZE: Final = 1 << 30

# initial frame payload offsets (after the 6-byte frame header)
TYPE_OFFSET: Final = 0
CORRELATION_ID_OFFSET: Final = 4
PARTITION_ID_OFFSET: Final = 12  # requests and events
BACKUP_ACKS_OFFSET: Final = 12  # responses
RESPONSE_HEADER_SIZE: Final = 13
EVENT_HEADER_SIZE: Final = 16
REQUEST_HEADER_SIZE: Final = 16  # payload bytes before the first fixed-size request parameter

_TYPE_AND_CORRELATION: Final = struct.Struct("<iq")
_LONG: Final = struct.Struct("<q")
_unpack_type_and_corr = _TYPE_AND_CORRELATION.unpack_from
_unpack_header = FRAME_HEADER.unpack_from


class ProtocolViolation(Exception):
    """The peer sent bytes that are not a valid client message (malformed or oversized)."""


class Frame:
    """One frame: its payload (without the 6-byte header) and its flags (a view for tools;
    messages keep their frames as two parallel lists, see :class:`ClientMessage`)."""

    __slots__ = ("content", "flags")

    def __init__(self, content: bytes, flags: int) -> None:
        self.content = content
        self.flags = flags

    def __repr__(self) -> str:
        return f"Frame(flags=0x{self.flags:04x}, content={self.content[:32]!r})"


class ClientMessage:
    """An inbound message: its frames' payloads and flags, in two parallel lists.

    Two flat lists rather than one object per frame: a large response (an ``entry_set`` of
    100,000 entries has 200,000 frames) then creates no per-frame container objects, which
    would cost an allocation each and, worse, wake the cyclic garbage collector again and
    again.
    """

    __slots__ = ("contents", "correlation_id", "frame_flags", "message_type")

    def __init__(self, contents: list[bytes], frame_flags: list[int]) -> None:
        self.contents = contents
        self.frame_flags = frame_flags
        initial = contents[0]
        if len(initial) < RESPONSE_HEADER_SIZE:
            raise ProtocolViolation(
                f"initial frame of {len(initial)} bytes is shorter than a message header"
            )
        self.message_type, self.correlation_id = _unpack_type_and_corr(initial, 0)

    @property
    def frames(self) -> list[Frame]:
        """The frames as objects (for tools and tests; decoders use the lists)."""
        return [Frame(c, f) for c, f in zip(self.contents, self.frame_flags, strict=True)]

    @property
    def flags(self) -> int:
        """Flags of the initial frame."""
        return self.frame_flags[0]

    @property
    def is_event(self) -> bool:
        return bool(self.frame_flags[0] & IS_EVENT)

    @property
    def is_backup_event(self) -> bool:
        return bool(self.frame_flags[0] & BACKUP_EVENT)

    @property
    def backup_acks(self) -> int:
        """For a response: how many backup acks the member asks the client to wait for."""
        return self.contents[0][BACKUP_ACKS_OFFSET]

    @property
    def partition_id(self) -> int:
        """For an event: the partition the event belongs to (-1 for none)."""
        return int.from_bytes(
            self.contents[0][PARTITION_ID_OFFSET : PARTITION_ID_OFFSET + 4],
            "little",
            signed=True,
        )

    def __repr__(self) -> str:
        return (
            f"ClientMessage(type=0x{self.message_type:06x}, "
            f"correlation_id={self.correlation_id}, frames={len(self.contents)})"
        )


class MessageReader:
    """Incremental parser: feed it bytes, get complete client messages back.

    Frames are validated as they arrive: a frame shorter than its header, or a message that
    would grow beyond *max_message_size*, raises :class:`ProtocolViolation`. Fragmented
    messages (protocol spec §2.1.4) are reassembled before they are returned.
    """

    __slots__ = (
        "_big",
        "_big_filled",
        "_big_flags",
        "_buffer",
        "_contents",
        "_flags",
        "_fragment_bytes",
        "_fragments",
        "_max_message_size",
        "_message_size",
        "_probe",
        "_spare",
        "_spare_feeds",
        "big_view",
        "wanted",
    )

    def __init__(self, max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE) -> None:
        self._buffer = b""
        #: a large frame being received in place: its payload buffer, a view of it, how
        #: much of it is filled, and the frame's flags
        self._big: bytearray | None = None
        #: the last large frame's buffer, for the next one (see _large_buffer), and the
        #: feed() calls since it was last used
        self._spare: bytearray | None = None
        self._spare_feeds = 0
        #: a buffer no one else ever sees: its reference count is the spare's when nothing
        #: else refers to that
        self._probe = bytearray()
        #: the whole payload buffer of a large frame being received (None between large
        #: frames): readers check it before asking for :attr:`large_frame_buffer`
        self.big_view: memoryview | None = None
        self._big_filled = 0
        self._big_flags = 0
        self._contents: list[bytes] = []
        self._flags: list[int] = []
        self._message_size = 0
        self._fragments: dict[int, tuple[list[bytes], list[int]]] = {}
        self._fragment_bytes = 0
        self._max_message_size = max_message_size
        #: bytes still missing from the frame being received (0 if between frames); a
        #: reader may ask the socket for that much at once
        self.wanted = 0

    @property
    def buffered(self) -> int:
        """Bytes received but not yet part of a complete message."""
        return len(self._buffer) + self._big_filled + self._message_size

    @property
    def large_frame_buffer(self) -> memoryview | None:
        """While a large frame is being received: the part of it still missing, to receive
        into directly (``socket.recv_into``), then to report with :meth:`received_into`.

        A frame that misses more than 256 KiB once its header is in gets a buffer of its
        full size at once: its bytes are then copied from the socket into place, never
        collected in pieces and joined. Such a frame's content is that ``bytearray``.
        None while no large frame is pending.
        """
        view = self.big_view
        if view is None:
            return None
        return view[self._big_filled :]

    def received_into(self, count: int) -> list[ClientMessage]:
        """*count* bytes were written at the start of :attr:`large_frame_buffer`; return
        the messages this completes (at most one)."""
        big = self._big
        if big is None or count < 0 or self._big_filled + count > len(big):
            raise ValueError(f"received_into({count}) does not fit the pending large frame")
        self._big_filled += count
        out: list[ClientMessage] = []
        if self._big_filled == len(big):
            self._finish_big(out)
        else:
            self.wanted = len(big) - self._big_filled
        return out

    def _large_buffer(self, size: int) -> bytearray:
        """A buffer for the *size* payload bytes of a large frame.

        That is the previous large frame's buffer when it is at least as large (at most
        twice) and nothing but this reader refers to it any more: no message, value or
        memoryview. Otherwise it is a new buffer, kept for the next large frame. A fresh
        buffer of many MiB costs a page fault per 4 KiB as it is filled, more than
        receiving the bytes does; a reused one is already mapped.
        """
        self._spare_feeds = 0
        spare = self._spare
        probe = self._probe
        if (
            spare is not None
            and size <= len(spare) <= 2 * size
            and _getrefcount is not None
            # the same references to both (attribute, local, argument): no one else's
            and _getrefcount(spare) == _getrefcount(probe)
        ):
            if len(spare) != size:
                del spare[size:]
            return spare
        # let go of the old buffer first: the allocator may give its memory to the new one
        spare = self._spare = None
        buffer = self._spare = bytearray(size)
        return buffer

    def _finish_big(self, out: list[ClientMessage]) -> None:
        """The large frame is complete: add it to the message (and that, if final, to out)."""
        big = self._big
        assert big is not None and self.big_view is not None
        self.big_view.release()
        self._big = self.big_view = None
        self._big_filled = 0
        self.wanted = 0
        flags = self._big_flags
        self._contents.append(big)  # type: ignore[arg-type]  # a bytes-like content
        self._flags.append(flags)
        self._message_size += len(big) + FRAME_HEADER_SIZE
        if flags & IS_FINAL:
            self._message_done(out)

    def _message_done(self, out: list[ClientMessage]) -> None:
        """The frames collected end a message: hand it (or its last fragment) over."""
        contents = self._contents
        flags_list = self._flags
        self._contents = []
        self._flags = []
        self._message_size = 0
        if flags_list[0] & UNFRAGMENTED == UNFRAGMENTED:
            out.append(ClientMessage(contents, flags_list))
        else:
            message = self._fragment(contents, flags_list)
            if message is not None:
                out.append(message)

    def feed(self, data: bytes | bytearray | memoryview) -> list[ClientMessage]:
        """Consume *data*; return every message it completes, in order.

        The data is parsed as ``bytes``, so that each frame's payload is one slice. A large
        frame is copied into a buffer of its own as it arrives (see
        :attr:`large_frame_buffer`).
        """
        out: list[ClientMessage] = []
        big_view = self.big_view
        if big_view is None:
            if self._spare is not None:
                self._spare_feeds += 1
                if self._spare_feeds > _SPARE_FEEDS:
                    self._spare = None  # no large frame for a while: give the memory back
        else:
            filled = self._big_filled
            room = len(big_view) - filled
            size = len(data)
            if size < room:
                big_view[filled : filled + size] = data
                self._big_filled = filled + size
                self.wanted = room - size
                return out
            big_view[filled:] = memoryview(data)[:room]
            self._big_filled = filled + room
            self._finish_big(out)
            if size == room:
                return out
            data = bytes(memoryview(data)[room:])
        if self._buffer:
            buf = self._buffer + data
        elif type(data) is bytes:
            buf = data
        else:
            buf = bytes(data)
        end = len(buf)
        pos = 0
        contents = self._contents
        flags_list = self._flags
        add_content = contents.append
        add_flags = flags_list.append
        message_size = self._message_size
        limit = self._max_message_size
        try:
            while end - pos >= FRAME_HEADER_SIZE:
                length, flags = _unpack_header(buf, pos)
                if length < FRAME_HEADER_SIZE:
                    raise ProtocolViolation(f"frame length {length} is below the minimum of 6")
                if message_size + length > limit:
                    raise ProtocolViolation(
                        f"message of more than {limit} bytes (frame of {length} bytes)"
                    )
                if end - pos < length:
                    missing = length - (end - pos)
                    self.wanted = missing
                    if missing > _LARGE_FROM:
                        # a large frame: a buffer of its size, filled in place from now on
                        big = self._large_buffer(length - FRAME_HEADER_SIZE)
                        got = end - pos - FRAME_HEADER_SIZE
                        big[:got] = memoryview(buf)[pos + FRAME_HEADER_SIZE : end]
                        self._big = big
                        self.big_view = memoryview(big)
                        self._big_filled = got
                        self._big_flags = flags
                        pos = end
                    break
                add_content(buf[pos + FRAME_HEADER_SIZE : pos + length])
                add_flags(flags)
                message_size += length
                pos += length
                if flags & IS_FINAL:
                    message_size = 0
                    if flags_list[0] & UNFRAGMENTED == UNFRAGMENTED:  # inline: the usual case
                        out.append(ClientMessage(contents, flags_list))
                        contents = self._contents = []
                        flags_list = self._flags = []
                    else:
                        self._message_done(out)
                        contents = self._contents
                        flags_list = self._flags
                    add_content = contents.append
                    add_flags = flags_list.append
            else:
                self.wanted = 0
        finally:
            self._message_size = message_size
        self._buffer = buf[pos:] if pos < end else b""
        return out

    def _fragment(self, contents: list[bytes], flags: list[int]) -> ClientMessage | None:
        """Collect one fragment; the whole message once its last fragment is in."""
        # its first frame holds the int64 fragmentation id
        if len(contents[0]) < 8 or len(contents) < 2:
            raise ProtocolViolation("malformed fragment: missing fragmentation id")
        (fragment_id,) = _LONG.unpack_from(contents[0], 0)
        first_flags = flags[0]
        self._fragment_bytes += sum(len(c) + FRAME_HEADER_SIZE for c in contents[1:])
        if self._fragment_bytes > self._max_message_size:
            raise ProtocolViolation(
                f"fragmented messages exceed {self._max_message_size} bytes in total"
            )
        if first_flags & BEGIN_FRAGMENT:
            if fragment_id in self._fragments:
                raise ProtocolViolation(f"fragment {fragment_id} started twice")
            self._fragments[fragment_id] = (contents[1:], flags[1:])
            return None
        collected = self._fragments.get(fragment_id)
        if collected is None:
            raise ProtocolViolation(f"fragment {fragment_id} continues a message never begun")
        collected[0].extend(contents[1:])
        collected[1].extend(flags[1:])
        if first_flags & END_FRAGMENT:
            del self._fragments[fragment_id]
            self._fragment_bytes -= sum(len(c) + FRAME_HEADER_SIZE for c in collected[0])
            return ClientMessage(*collected)
        return None


class SegmentedMessage(bytearray):
    """An outbound message that refers to a large value instead of holding a copy of it.

    The bytearray itself is the message's start (its header, so correlation and partition id
    are set in it as in any request); :attr:`parts` are the buffers that follow, in order:
    a large value's bytes (the caller's own ``bytes``), then what the message holds after it.
    The connection sends the parts one after another, never joined.

    ``len()`` is the size of the whole message, so that a connection never joins it with
    others; the buffer protocol (``memoryview``, ``bytes()``) sees the start only. A message
    is never changed once encoded, except for the header fields an invocation sets.
    """

    __slots__ = ("parts",)

    def __init__(self, start: bytes | bytearray, parts: list[bytes | bytearray]) -> None:
        super().__init__(start)
        self.parts = parts

    def __len__(self) -> int:
        return super().__len__() + sum(map(len, self.parts))

    def whole(self) -> bytes:
        """The whole message as one ``bytes`` (copies everything: for tests and tools)."""
        return b"".join([self, *self.parts])


def copy_request(request: bytearray) -> bytearray:
    """A request with a header of its own, to send again while the old one may still be
    queued: a copy of a plain request; a segmented one shares its parts (never changed)."""
    if isinstance(request, SegmentedMessage):
        return SegmentedMessage(request, list(request.parts))
    return bytearray(request)


def iter_frames(encoded: bytes | bytearray) -> Iterator[tuple[int, bytes]]:
    """Split an encoded message into ``(flags, payload)`` pairs (a helper for tests and tools)."""
    if isinstance(encoded, SegmentedMessage):
        encoded = encoded.whole()
    pos = 0
    while pos < len(encoded):
        length, flags = _unpack_header(encoded, pos)
        if length < FRAME_HEADER_SIZE or pos + length > len(encoded):
            raise ProtocolViolation(f"bad frame length {length} at offset {pos}")
        yield flags, bytes(encoded[pos + FRAME_HEADER_SIZE : pos + length])
        pos += length


def parse_message(encoded: bytes | bytearray) -> ClientMessage:
    """Parse exactly one complete, unfragmented message (a helper for tests and tools)."""
    if isinstance(encoded, SegmentedMessage):
        encoded = encoded.whole()
    messages = MessageReader().feed(encoded)
    if len(messages) != 1:
        raise ProtocolViolation(f"expected one message, found {len(messages)}")
    return messages[0]
