"""``ObjectDataInput``: the reader serializers read objects with."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING, Any, NoReturn

from ..errors import HazelcastSerializationError
from .constants import NULL_ARRAY_LENGTH
from .data import Data
from .output import BIG_ENDIAN_FORMATS, LITTLE_ENDIAN_FORMATS

if TYPE_CHECKING:
    from .service import SerializationService

__all__ = ["ObjectDataInput"]

_BytesLike = bytes | bytearray | memoryview


class ObjectDataInput:
    """Reads Java ``DataInput`` values from a buffer, from a start offset on.

    The byte order applies to the payload; Data headers are always big-endian. Every read
    past the end, negative length or malformed UTF-8 raises
    :class:`~hztrio.errors.HazelcastSerializationError` (never ``struct.error``,
    ``IndexError`` or ``UnicodeDecodeError``); a ``None`` string or array is read from a
    length of -1. Trailing bytes are not an error, as in Java.
    """

    __slots__ = ("_big_endian", "_buf", "_fmt", "_pos", "_service", "_size")

    def __init__(
        self,
        buffer: _BytesLike,
        offset: int = 0,
        service: SerializationService | None = None,
        is_big_endian: bool = True,
    ) -> None:
        if isinstance(buffer, memoryview) and (
            buffer.format != "B" or buffer.ndim != 1 or not buffer.c_contiguous
        ):
            buffer = buffer.tobytes()
        self._buf = buffer
        self._size = len(buffer)
        if not 0 <= offset <= self._size:
            raise HazelcastSerializationError(
                f"offset {offset} is outside the {self._size}-byte buffer"
            )
        self._pos = offset
        self._service = service
        self._big_endian = is_big_endian
        self._fmt = BIG_ENDIAN_FORMATS if is_big_endian else LITTLE_ENDIAN_FORMATS

    # -- errors -----------------------------------------------------------------------------

    def _eof(self, needed: int, position: int | None = None) -> NoReturn:
        pos = self._pos if position is None else position
        raise HazelcastSerializationError(
            f"truncated data: cannot read {needed} bytes at position {pos} of {self._size}"
        )

    def _bad_length(self, length: int, what: str) -> NoReturn:
        raise HazelcastSerializationError(
            f"corrupt data: negative {what} length {length} at position {self._pos - 4}"
        )

    # -- state ------------------------------------------------------------------------------

    def position(self) -> int:
        """The offset of the next read."""
        return self._pos

    def set_position(self, position: int) -> None:
        """Move the read offset to ``position`` (0 to :meth:`size`)."""
        if not 0 <= position <= self._size:
            raise HazelcastSerializationError(
                f"position {position} is outside the {self._size}-byte buffer"
            )
        self._pos = position

    def size(self) -> int:
        """The size of the whole buffer."""
        return self._size

    def available(self) -> int:
        """The number of bytes left to read."""
        return self._size - self._pos

    def skip_bytes(self, count: int) -> int:
        """Skip up to ``count`` bytes; return how many were skipped (Java ``skipBytes``)."""
        if count <= 0:
            return 0
        count = min(count, self._size - self._pos)
        self._pos += count
        return count

    def is_big_endian(self) -> bool:
        """True if multi-byte values are read big-endian."""
        return self._big_endian

    def get_byte_order(self) -> str:
        """``"BIG_ENDIAN"`` or ``"LITTLE_ENDIAN"`` (the official client's spelling)."""
        return "BIG_ENDIAN" if self._big_endian else "LITTLE_ENDIAN"

    # -- raw bytes --------------------------------------------------------------------------

    def read_raw(self, length: int) -> bytes:
        """Read exactly ``length`` bytes."""
        pos = self._pos
        end = pos + length
        if length < 0:
            raise HazelcastSerializationError(f"cannot read {length} bytes")
        if end > self._size:
            self._eof(length)
        self._pos = end
        return bytes(self._buf[pos:end])

    def read_into(
        self, buff: bytearray | memoryview, offset: int = 0, length: int | None = None
    ) -> None:
        """Fill ``buff[offset:offset + length]`` from the input (Java ``readFully``)."""
        if length is None:
            length = len(buff) - offset
        if offset < 0 or length < 0 or offset + length > len(buff):
            raise HazelcastSerializationError(
                f"cannot read {length} bytes into offset {offset} of a {len(buff)}-byte buffer"
            )
        buff[offset : offset + length] = self.read_raw(length)

    # -- primitives -------------------------------------------------------------------------

    def read_boolean(self) -> bool:
        """Read one byte; any non-zero value is true."""
        pos = self._pos
        if pos >= self._size:
            self._eof(1)
        self._pos = pos + 1
        return self._buf[pos] != 0

    def read_byte(self) -> int:
        """Read a signed byte (-128..127)."""
        pos = self._pos
        if pos >= self._size:
            self._eof(1)
        self._pos = pos + 1
        value = self._buf[pos]
        return value - 256 if value > 127 else value

    def read_unsigned_byte(self) -> int:
        """Read an unsigned byte (0..255)."""
        pos = self._pos
        if pos >= self._size:
            self._eof(1)
        self._pos = pos + 1
        return self._buf[pos]

    def read_char(self) -> str:
        """Read a UTF-16 code unit as a one-character str."""
        return chr(self._read(self._fmt.u16, 2))

    def read_short(self) -> int:
        """Read a Java ``short``."""
        value: int = self._read(self._fmt.i16, 2)
        return value

    def read_unsigned_short(self) -> int:
        """Read an unsigned 16-bit value."""
        value: int = self._read(self._fmt.u16, 2)
        return value

    def read_int(self) -> int:
        """Read a Java ``int``."""
        pos = self._pos
        try:
            value: int = self._fmt.i32.unpack_from(self._buf, pos)[0]
        except struct.error:
            self._eof(4)
        self._pos = pos + 4
        return value

    def read_long(self) -> int:
        """Read a Java ``long``."""
        value: int = self._read(self._fmt.i64, 8)
        return value

    def read_float(self) -> float:
        """Read a Java ``float``."""
        value: float = self._read(self._fmt.f32, 4)
        return value

    def read_double(self) -> float:
        """Read a Java ``double``."""
        value: float = self._read(self._fmt.f64, 8)
        return value

    def _read(self, fmt: struct.Struct, size: int) -> Any:
        pos = self._pos
        try:
            value = fmt.unpack_from(self._buf, pos)[0]
        except struct.error:
            self._eof(size)
        self._pos = pos + size
        return value

    def read_string(self) -> str | None:
        """Read an int32 UTF-8 byte length and the UTF-8 bytes (-1: ``None``)."""
        length = self.read_int()
        if length < 0:
            if length == NULL_ARRAY_LENGTH:
                return None
            self._bad_length(length, "string")
        pos = self._pos
        end = pos + length
        if end > self._size:
            self._eof(length)
        try:
            value = str(self._buf[pos:end], "utf-8")
        except UnicodeDecodeError as exc:
            raise HazelcastSerializationError(
                f"corrupt data: malformed UTF-8 in the string at position {pos}: {exc.reason}"
            ) from exc
        self._pos = end
        return value

    read_utf = read_string

    # -- arrays -----------------------------------------------------------------------------

    def _read_count(self, item_size: int, what: str) -> int:
        """Read an array count, check it against what is left; -1 for ``None``."""
        count = self.read_int()
        if count < 0:
            if count == NULL_ARRAY_LENGTH:
                return count
            self._bad_length(count, what)
        if count * item_size > self._size - self._pos:
            self._eof(count * item_size)
        return count

    def read_byte_array(self) -> bytes | None:
        """Read an int32 length and that many bytes (-1: ``None``)."""
        count = self._read_count(1, "byte[]")
        if count < 0:
            return None
        pos = self._pos
        self._pos = pos + count
        return bytes(self._buf[pos : pos + count])

    def read_signed_byte_array(self) -> list[int] | None:
        """Read a ``byte[]`` as a list of signed bytes (-128..127; -1 length: ``None``)."""
        count = self._read_count(1, "byte[]")
        if count < 0:
            return None
        pos = self._pos
        self._pos = pos + count
        return list(struct.unpack_from(f"{count}b", self._buf, pos))

    def read_boolean_array(self) -> list[bool] | None:
        """Read an int32 count and one byte per boolean (-1: ``None``)."""
        count = self._read_count(1, "boolean[]")
        if count < 0:
            return None
        pos = self._pos
        self._pos = pos + count
        return [b != 0 for b in self._buf[pos : pos + count]]

    def read_char_array(self) -> list[str] | None:
        """Read an int32 count and the chars (-1: ``None``)."""
        codes = self._read_packed("H", 2, "char[]")
        return None if codes is None else [chr(c) for c in codes]

    def read_short_array(self) -> list[int] | None:
        """Read an int32 count and the Java shorts (-1: ``None``)."""
        return self._read_packed("h", 2, "short[]")

    def read_int_array(self) -> list[int] | None:
        """Read an int32 count and the Java ints (-1: ``None``)."""
        return self._read_packed("i", 4, "int[]")

    def read_long_array(self) -> list[int] | None:
        """Read an int32 count and the Java longs (-1: ``None``)."""
        return self._read_packed("q", 8, "long[]")

    def read_float_array(self) -> list[float] | None:
        """Read an int32 count and the Java floats (-1: ``None``)."""
        return self._read_packed("f", 4, "float[]")

    def read_double_array(self) -> list[float] | None:
        """Read an int32 count and the Java doubles (-1: ``None``)."""
        return self._read_packed("d", 8, "double[]")

    def read_string_array(self) -> list[str | None] | None:
        """Read an int32 count and that many strings (-1: ``None``)."""
        count = self._read_count(4, "String[]")
        if count < 0:
            return None
        return [self.read_string() for _ in range(count)]

    read_utf_array = read_string_array

    def _read_packed(self, code: str, item_size: int, what: str) -> list[Any] | None:
        count = self._read_count(item_size, what)
        if count < 0:
            return None
        pos = self._pos
        values = struct.unpack_from(f"{self._fmt.prefix}{count}{code}", self._buf, pos)
        self._pos = pos + count * item_size
        return list(values)

    # -- objects ----------------------------------------------------------------------------

    def read_object(self) -> Any:
        """Read an object written by ``write_object``: a type id, then its payload."""
        service = self._service
        if service is None:
            raise HazelcastSerializationError(
                "this ObjectDataInput has no serialization service to read objects with"
            )
        return service.read_object(self)

    def read_data(self) -> Data | None:
        """Read a Data written by ``write_data``: an int32 size and the bytes (-1: ``None``)."""
        count = self._read_count(1, "Data")
        if count < 0:
            return None
        pos = self._pos
        self._pos = pos + count
        return Data(self._buf[pos : pos + count])

    # -- positional reads (do not move the offset) ------------------------------------------

    def _read_at(self, fmt: struct.Struct, size: int, position: int) -> Any:
        if position < 0:
            self._eof(size, position)
        try:
            return fmt.unpack_from(self._buf, position)[0]
        except struct.error:
            self._eof(size, position)

    def read_boolean_positional(self, position: int) -> bool:
        """Read the boolean at ``position``."""
        return self.read_unsigned_byte_positional(position) != 0

    def read_byte_positional(self, position: int) -> int:
        """Read the signed byte at ``position``."""
        value = self.read_unsigned_byte_positional(position)
        return value - 256 if value > 127 else value

    def read_unsigned_byte_positional(self, position: int) -> int:
        """Read the unsigned byte at ``position``."""
        if not 0 <= position < self._size:
            self._eof(1, position)
        return self._buf[position]

    def read_char_positional(self, position: int) -> str:
        """Read the char at ``position``."""
        return chr(self._read_at(self._fmt.u16, 2, position))

    def read_short_positional(self, position: int) -> int:
        """Read the short at ``position``."""
        value: int = self._read_at(self._fmt.i16, 2, position)
        return value

    def read_unsigned_short_positional(self, position: int) -> int:
        """Read the unsigned 16-bit value at ``position``."""
        value: int = self._read_at(self._fmt.u16, 2, position)
        return value

    def read_int_positional(self, position: int) -> int:
        """Read the int at ``position``."""
        value: int = self._read_at(self._fmt.i32, 4, position)
        return value

    def read_long_positional(self, position: int) -> int:
        """Read the long at ``position``."""
        value: int = self._read_at(self._fmt.i64, 8, position)
        return value

    def read_float_positional(self, position: int) -> float:
        """Read the float at ``position``."""
        value: float = self._read_at(self._fmt.f32, 4, position)
        return value

    def read_double_positional(self, position: int) -> float:
        """Read the double at ``position``."""
        value: float = self._read_at(self._fmt.f64, 8, position)
        return value

    def __repr__(self) -> str:
        order = "big" if self._big_endian else "little"
        return f"ObjectDataInput(position={self._pos}, size={self._size}, byte_order={order!r})"
