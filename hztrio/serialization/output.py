"""``ObjectDataOutput``: the buffered writer serializers write objects with."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, NoReturn

from ..errors import HazelcastSerializationError
from .constants import NULL_ARRAY_LENGTH

if TYPE_CHECKING:
    from .data import Data
    from .service import SerializationService

__all__ = ["ObjectDataOutput"]

_BytesLike = bytes | bytearray | memoryview


class _Formats:
    """The precompiled structs of one byte order."""

    __slots__ = ("f32", "f64", "i16", "i32", "i64", "prefix", "u16")

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.i16 = struct.Struct(prefix + "h")
        self.u16 = struct.Struct(prefix + "H")
        self.i32 = struct.Struct(prefix + "i")
        self.i64 = struct.Struct(prefix + "q")
        self.f32 = struct.Struct(prefix + "f")
        self.f64 = struct.Struct(prefix + "d")


BIG_ENDIAN_FORMATS: Final = _Formats(">")
LITTLE_ENDIAN_FORMATS: Final = _Formats("<")

_JAVA_TYPE = {"h": "short", "H": "char", "i": "int", "q": "long", "f": "float", "d": "double"}


def _out_of_range(java_type: str, value: object, cause: BaseException | None = None) -> NoReturn:
    detail = f" ({cause})" if cause is not None else ""
    raise HazelcastSerializationError(
        f"cannot write {value!r} as a Java {java_type}{detail}"
    ) from cause


def _char_code(value: str | int) -> int:
    code = ord(value) if isinstance(value, str) and len(value) == 1 else value
    if not isinstance(code, int) or not 0 <= code <= 0xFFFF:
        _out_of_range("char", value)
    return code


def _utf8(value: str) -> bytes:
    try:
        return value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise HazelcastSerializationError(
            f"cannot write a string with the unpaired surrogate {value[exc.start]!r} at index "
            f"{exc.start}: it has no UTF-8 form"
        ) from exc
    except AttributeError:
        raise HazelcastSerializationError(
            f"cannot write {type(value).__name__} {value!r} as a string"
        ) from None


class ObjectDataOutput:
    """A growable big-endian (or little-endian) buffer with Java ``DataOutput`` methods.

    The byte order applies to the payload written here; the 8-byte Data header is always
    big-endian and is written by the serialization service. Values a Java type cannot hold
    raise :class:`~hztrio.errors.HazelcastSerializationError`. Strings are written as an
    int32 *byte* length followed by UTF-8 (``None``: length -1), as Hazelcast 4.x and 5.x do;
    arrays as an int32 count (``None``: -1) followed by the elements.
    """

    __slots__ = ("_big_endian", "_buf", "_fmt", "_service")

    def __init__(
        self, service: SerializationService | None = None, is_big_endian: bool = True
    ) -> None:
        self._buf = bytearray()
        self._service = service
        self._big_endian = is_big_endian
        self._fmt = BIG_ENDIAN_FORMATS if is_big_endian else LITTLE_ENDIAN_FORMATS

    # -- state ------------------------------------------------------------------------------

    def position(self) -> int:
        """The number of bytes written so far (where the next write goes)."""
        return len(self._buf)

    def is_big_endian(self) -> bool:
        """True if multi-byte values are written big-endian."""
        return self._big_endian

    def get_byte_order(self) -> str:
        """``"BIG_ENDIAN"`` or ``"LITTLE_ENDIAN"`` (the official client's spelling)."""
        return "BIG_ENDIAN" if self._big_endian else "LITTLE_ENDIAN"

    def to_byte_array(self) -> bytes:
        """Everything written so far, as ``bytes``."""
        return bytes(self._buf)

    def write_zero_bytes(self, count: int) -> None:
        """Append ``count`` zero bytes (room to fill later with the positional writes)."""
        if count < 0:
            raise HazelcastSerializationError(f"cannot write {count} zero bytes")
        self._buf += bytes(count)

    # -- raw bytes --------------------------------------------------------------------------

    def write_from(self, buff: _BytesLike, offset: int = 0, length: int | None = None) -> None:
        """Append ``buff[offset:offset + length]`` as it is (Java ``write(byte[], int, int)``)."""
        size = len(buff)
        if length is None:
            length = size - offset
        if offset < 0 or length < 0 or offset + length > size:
            raise HazelcastSerializationError(
                f"cannot write {length} bytes at offset {offset} of a {size}-byte buffer"
            )
        self._buf += buff[offset : offset + length]

    def write_bytes(self, value: str | _BytesLike) -> None:
        """Append the low byte of each character of a str (Java ``writeBytes(String)``).

        A bytes-like value is appended as it is.
        """
        if isinstance(value, str):
            self._buf += bytes(ord(c) & 0xFF for c in value)
        else:
            self._buf += value

    def write_chars(self, value: str) -> None:
        """Append each character as a 2-byte char, without a length (Java ``writeChars``)."""
        pack = self._fmt.u16.pack
        for c in value:
            self._buf += pack(_char_code(c))

    # -- primitives -------------------------------------------------------------------------

    def write_boolean(self, value: bool) -> None:
        """Write one byte: 1 for a true value, else 0."""
        self._buf.append(1 if value else 0)

    def write_byte(self, value: int) -> None:
        """Write one byte; ``value`` is a signed (-128..127) or unsigned (0..255) byte."""
        if not isinstance(value, int) or not -128 <= value <= 255:
            _out_of_range("byte", value)
        self._buf.append(value & 0xFF)

    def write_char(self, value: str | int) -> None:
        """Write a UTF-16 code unit: a one-character str of the BMP or an int 0..0xFFFF."""
        self._buf += self._fmt.u16.pack(_char_code(value))

    def write_short(self, value: int) -> None:
        """Write a Java ``short`` (2 bytes)."""
        try:
            self._buf += self._fmt.i16.pack(value)
        except struct.error as exc:
            _out_of_range("short", value, exc)

    def write_int(self, value: int) -> None:
        """Write a Java ``int`` (4 bytes)."""
        try:
            self._buf += self._fmt.i32.pack(value)
        except struct.error as exc:
            _out_of_range("int", value, exc)

    def write_long(self, value: int) -> None:
        """Write a Java ``long`` (8 bytes)."""
        try:
            self._buf += self._fmt.i64.pack(value)
        except struct.error as exc:
            _out_of_range("long", value, exc)

    def write_float(self, value: float) -> None:
        """Write a Java ``float`` (4-byte IEEE 754)."""
        try:
            self._buf += self._fmt.f32.pack(value)
        except (struct.error, OverflowError) as exc:
            _out_of_range("float", value, exc)

    def write_double(self, value: float) -> None:
        """Write a Java ``double`` (8-byte IEEE 754)."""
        try:
            self._buf += self._fmt.f64.pack(value)
        except struct.error as exc:
            _out_of_range("double", value, exc)

    def write_string(self, value: str | None) -> None:
        """Write an int32 UTF-8 byte length and the UTF-8 bytes (``None``: length -1).

        A str with an unpaired surrogate has no UTF-8 form and raises
        :class:`~hztrio.errors.HazelcastSerializationError` (Java would write ``?``).
        """
        if value is None:
            self._buf += self._fmt.i32.pack(NULL_ARRAY_LENGTH)
            return
        encoded = _utf8(value)
        self._buf += self._fmt.i32.pack(len(encoded))
        self._buf += encoded

    write_utf = write_string

    # -- arrays -----------------------------------------------------------------------------

    def write_byte_array(self, value: _BytesLike | Sequence[int] | None) -> None:
        """Write an int32 length and the bytes (``None``: length -1)."""
        if value is None:
            self._buf += self._fmt.i32.pack(NULL_ARRAY_LENGTH)
            return
        if not isinstance(value, bytes | bytearray | memoryview):
            try:
                value = bytes(v & 0xFF if -128 <= v < 0 else v for v in value)
            except (TypeError, ValueError) as exc:
                _out_of_range("byte[]", value, exc)
        elif isinstance(value, memoryview):
            value = value.tobytes()
        self._buf += self._fmt.i32.pack(len(value))
        self._buf += value

    def write_boolean_array(self, value: Sequence[bool] | None) -> None:
        """Write an int32 count and one byte per boolean (``None``: count -1)."""
        if value is None:
            self._buf += self._fmt.i32.pack(NULL_ARRAY_LENGTH)
            return
        self._buf += self._fmt.i32.pack(len(value))
        self._buf += bytes(1 if v else 0 for v in value)

    def write_char_array(self, value: Sequence[str | int] | str | None) -> None:
        """Write an int32 count and 2 bytes per char (``None``: count -1)."""
        if value is None:
            self._buf += self._fmt.i32.pack(NULL_ARRAY_LENGTH)
            return
        codes = [_char_code(c) for c in value]
        self._write_packed("H", codes)

    def write_short_array(self, value: Sequence[int] | None) -> None:
        """Write an int32 count and the Java shorts (``None``: count -1)."""
        self._write_packed("h", value)

    def write_int_array(self, value: Sequence[int] | None) -> None:
        """Write an int32 count and the Java ints (``None``: count -1)."""
        self._write_packed("i", value)

    def write_long_array(self, value: Sequence[int] | None) -> None:
        """Write an int32 count and the Java longs (``None``: count -1)."""
        self._write_packed("q", value)

    def write_float_array(self, value: Sequence[float] | None) -> None:
        """Write an int32 count and the Java floats (``None``: count -1)."""
        self._write_packed("f", value)

    def write_double_array(self, value: Sequence[float] | None) -> None:
        """Write an int32 count and the Java doubles (``None``: count -1)."""
        self._write_packed("d", value)

    def write_string_array(self, value: Sequence[str | None] | None) -> None:
        """Write an int32 count and each string as :meth:`write_string` (``None``: -1)."""
        if value is None:
            self._buf += self._fmt.i32.pack(NULL_ARRAY_LENGTH)
            return
        self._buf += self._fmt.i32.pack(len(value))
        for item in value:
            self.write_string(item)

    write_utf_array = write_string_array

    def _write_packed(self, code: str, value: Sequence[Any] | None) -> None:
        fmt = self._fmt
        if value is None:
            self._buf += fmt.i32.pack(NULL_ARRAY_LENGTH)
            return
        count = len(value)
        try:
            packed = struct.pack(f"{fmt.prefix}{count}{code}", *value)
        except (struct.error, OverflowError) as exc:
            _out_of_range(_JAVA_TYPE[code] + "[]", value, exc)
        self._buf += fmt.i32.pack(count)
        self._buf += packed

    # -- objects ----------------------------------------------------------------------------

    def write_object(self, value: Any) -> None:
        """Write any object the service can serialize: its type id, then its payload."""
        service = self._service
        if service is None:
            raise HazelcastSerializationError(
                "this ObjectDataOutput has no serialization service to write objects with"
            )
        service.write_object(self, value)

    def write_data(self, value: Data | None) -> None:
        """Write a Data as an int32 total size and its bytes (``None``: -1), as Java."""
        if value is None:
            self._buf += self._fmt.i32.pack(NULL_ARRAY_LENGTH)
            return
        self._buf += self._fmt.i32.pack(len(value))
        self._buf += value

    # -- positional writes (fill in bytes written before) -----------------------------------

    def _check_position(self, position: int, size: int) -> None:
        if position < 0 or position + size > len(self._buf):
            raise HazelcastSerializationError(
                f"cannot write {size} bytes at position {position}: only "
                f"{len(self._buf)} bytes have been written"
            )

    def write_boolean_positional(self, value: bool, position: int) -> None:
        """Overwrite the byte at ``position`` with a boolean."""
        self._check_position(position, 1)
        self._buf[position] = 1 if value else 0

    def set_bit_positional(self, position: int, bit: int) -> None:
        """Set bit ``bit`` (0: the lowest) of the byte at ``position``."""
        self._check_position(position, 1)
        if not 0 <= bit < 8:
            raise HazelcastSerializationError(f"there is no bit {bit} in a byte")
        self._buf[position] |= 1 << bit

    def write_byte_positional(self, value: int, position: int) -> None:
        """Overwrite the byte at ``position`` (signed or unsigned byte value)."""
        self._check_position(position, 1)
        if not isinstance(value, int) or not -128 <= value <= 255:
            _out_of_range("byte", value)
        self._buf[position] = value & 0xFF

    def write_char_positional(self, value: str | int, position: int) -> None:
        """Overwrite 2 bytes at ``position`` with a char."""
        self._check_position(position, 2)
        self._fmt.u16.pack_into(self._buf, position, _char_code(value))

    def write_short_positional(self, value: int, position: int) -> None:
        """Overwrite 2 bytes at ``position`` with a short."""
        self._check_position(position, 2)
        try:
            self._fmt.i16.pack_into(self._buf, position, value)
        except struct.error as exc:
            _out_of_range("short", value, exc)

    def write_int_positional(self, value: int, position: int) -> None:
        """Overwrite 4 bytes at ``position`` with an int (e.g. an offset known only later)."""
        self._check_position(position, 4)
        try:
            self._fmt.i32.pack_into(self._buf, position, value)
        except struct.error as exc:
            _out_of_range("int", value, exc)

    def write_long_positional(self, value: int, position: int) -> None:
        """Overwrite 8 bytes at ``position`` with a long."""
        self._check_position(position, 8)
        try:
            self._fmt.i64.pack_into(self._buf, position, value)
        except struct.error as exc:
            _out_of_range("long", value, exc)

    def write_float_positional(self, value: float, position: int) -> None:
        """Overwrite 4 bytes at ``position`` with a float."""
        self._check_position(position, 4)
        try:
            self._fmt.f32.pack_into(self._buf, position, value)
        except (struct.error, OverflowError) as exc:
            _out_of_range("float", value, exc)

    def write_double_positional(self, value: float, position: int) -> None:
        """Overwrite 8 bytes at ``position`` with a double."""
        self._check_position(position, 8)
        try:
            self._fmt.f64.pack_into(self._buf, position, value)
        except struct.error as exc:
            _out_of_range("double", value, exc)

    def __repr__(self) -> str:
        order = "big" if self._big_endian else "little"
        return f"ObjectDataOutput(position={len(self._buf)}, byte_order={order!r})"
