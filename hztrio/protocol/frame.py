"""Frames and client messages of the Hazelcast Open Client Protocol 2.x (sans-I/O).

A frame on the wire is ``int32 length (LE, including the 6 header bytes) | uint16 flags (LE) |
payload``. A client message is a sequence of frames whose last frame carries ``IS_FINAL``.
Outbound messages are built as one ``bytearray`` (see :mod:`hztrio.protocol.codec`); inbound
messages are parsed by :class:`MessageReader` into :class:`ClientMessage` objects holding
:class:`Frame` objects.

Nothing here performs I/O or imports an event loop library.
"""

from __future__ import annotations

import struct
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
    """One inbound frame: its payload (without the 6-byte header) and its flags."""

    __slots__ = ("content", "flags")

    def __init__(self, content: bytes, flags: int) -> None:
        self.content = content
        self.flags = flags

    def __repr__(self) -> str:
        return f"Frame(flags=0x{self.flags:04x}, content={self.content[:32]!r})"


class ClientMessage:
    """An inbound message: a list of frames, the first being the initial frame."""

    __slots__ = ("correlation_id", "frames", "message_type")

    def __init__(self, frames: list[Frame]) -> None:
        self.frames = frames
        initial = frames[0].content
        if len(initial) < RESPONSE_HEADER_SIZE:
            raise ProtocolViolation(
                f"initial frame of {len(initial)} bytes is shorter than a message header"
            )
        self.message_type, self.correlation_id = _unpack_type_and_corr(initial, 0)

    @property
    def flags(self) -> int:
        """Flags of the initial frame."""
        return self.frames[0].flags

    @property
    def is_event(self) -> bool:
        return bool(self.frames[0].flags & IS_EVENT)

    @property
    def is_backup_event(self) -> bool:
        return bool(self.frames[0].flags & BACKUP_EVENT)

    @property
    def backup_acks(self) -> int:
        """For a response: how many backup acks the member asks the client to wait for."""
        return self.frames[0].content[BACKUP_ACKS_OFFSET]

    @property
    def partition_id(self) -> int:
        """For an event: the partition the event belongs to (-1 for none)."""
        return int.from_bytes(
            self.frames[0].content[PARTITION_ID_OFFSET : PARTITION_ID_OFFSET + 4],
            "little",
            signed=True,
        )

    def __repr__(self) -> str:
        return (
            f"ClientMessage(type=0x{self.message_type:06x}, "
            f"correlation_id={self.correlation_id}, frames={len(self.frames)})"
        )


class MessageReader:
    """Incremental parser: feed it bytes, get complete client messages back.

    Frames are validated as they arrive: a frame shorter than its header, or a message that
    would grow beyond *max_message_size*, raises :class:`ProtocolViolation`. Fragmented
    messages (protocol spec §2.1.4) are reassembled before they are returned.
    """

    __slots__ = ("_buffer", "_fragments", "_frames", "_max_message_size", "_message_size")

    def __init__(self, max_message_size: int = DEFAULT_MAX_MESSAGE_SIZE) -> None:
        self._buffer = bytearray()
        self._frames: list[Frame] = []
        self._message_size = 0
        self._fragments: dict[int, list[Frame]] = {}
        self._max_message_size = max_message_size

    @property
    def buffered(self) -> int:
        """Bytes received but not yet part of a complete message."""
        return len(self._buffer) + self._message_size

    def feed(self, data: bytes | bytearray | memoryview) -> list[ClientMessage]:
        """Consume *data*; return every message it completes, in order."""
        buf = self._buffer
        if buf:
            buf += data
        else:
            buf = self._buffer = bytearray(data)
        end = len(buf)
        pos = 0
        frames = self._frames
        out: list[ClientMessage] = []
        view = memoryview(buf)
        try:
            while end - pos >= FRAME_HEADER_SIZE:
                length, flags = _unpack_header(buf, pos)
                if length < FRAME_HEADER_SIZE:
                    raise ProtocolViolation(f"frame length {length} is below the minimum of 6")
                if self._message_size + length > self._max_message_size:
                    raise ProtocolViolation(
                        f"message of more than {self._max_message_size} bytes "
                        f"(frame of {length} bytes)"
                    )
                if end - pos < length:
                    break
                frames.append(Frame(bytes(view[pos + FRAME_HEADER_SIZE : pos + length]), flags))
                self._message_size += length
                pos += length
                if flags & IS_FINAL:
                    self._frames = []
                    self._message_size = 0
                    message = self._complete(frames)
                    if message is not None:
                        out.append(message)
                    frames = self._frames
        finally:
            view.release()
        if pos:
            del buf[:pos]
        return out

    def _complete(self, frames: list[Frame]) -> ClientMessage | None:
        first = frames[0]
        if first.flags & UNFRAGMENTED == UNFRAGMENTED:
            return ClientMessage(frames)
        # a fragment: its first frame holds the int64 fragmentation id
        if len(first.content) < 8 or len(frames) < 2:
            raise ProtocolViolation("malformed fragment: missing fragmentation id")
        (fragment_id,) = _LONG.unpack_from(first.content, 0)
        if first.flags & BEGIN_FRAGMENT:
            if fragment_id in self._fragments:
                raise ProtocolViolation(f"fragment {fragment_id} started twice")
            self._fragments[fragment_id] = frames[1:]
            self._check_fragment_size()
            return None
        collected = self._fragments.get(fragment_id)
        if collected is None:
            raise ProtocolViolation(f"fragment {fragment_id} continues a message never begun")
        collected.extend(frames[1:])
        self._check_fragment_size()
        if first.flags & END_FRAGMENT:
            del self._fragments[fragment_id]
            return ClientMessage(collected)
        return None

    def _check_fragment_size(self) -> None:
        total = sum(
            len(f.content) + FRAME_HEADER_SIZE
            for frames in self._fragments.values()
            for f in frames
        )
        if total > self._max_message_size:
            raise ProtocolViolation(
                f"fragmented messages exceed {self._max_message_size} bytes in total"
            )


def iter_frames(encoded: bytes | bytearray) -> Iterator[tuple[int, bytes]]:
    """Split an encoded message into ``(flags, payload)`` pairs (a helper for tests and tools)."""
    pos = 0
    while pos < len(encoded):
        length, flags = _unpack_header(encoded, pos)
        if length < FRAME_HEADER_SIZE or pos + length > len(encoded):
            raise ProtocolViolation(f"bad frame length {length} at offset {pos}")
        yield flags, bytes(encoded[pos + FRAME_HEADER_SIZE : pos + length])
        pos += length


def parse_message(encoded: bytes | bytearray) -> ClientMessage:
    """Parse exactly one complete, unfragmented message (a helper for tests and tools)."""
    messages = MessageReader().feed(encoded)
    if len(messages) != 1:
        raise ProtocolViolation(f"expected one message, found {len(messages)}")
    return messages[0]
