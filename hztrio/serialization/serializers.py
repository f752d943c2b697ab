"""The built-in serializers: Java's constant and default types that Python values map to.

Each is a :class:`~.api.StreamSerializer` working on :class:`~.output.ObjectDataOutput` /
:class:`~.input.ObjectDataInput`, used for values nested in others (list elements) and for
the types without a fast path. The service's fast paths for top-level values
(:mod:`.service`) produce the same bytes.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

from ..config import IntType
from ..core import HazelcastJsonValue
from ..errors import HazelcastSerializationError
from . import constants as c
from .api import StreamSerializer
from .input import ObjectDataInput
from .output import ObjectDataOutput

_UINT64_MASK: Final = 0xFFFFFFFFFFFFFFFF

INT_TYPE_RANGES: Final[dict[IntType, tuple[int, int, str]]] = {
    IntType.BYTE: (c.MIN_BYTE, c.MAX_BYTE, "byte"),
    IntType.SHORT: (c.MIN_SHORT, c.MAX_SHORT, "short"),
    IntType.INT: (c.MIN_INT, c.MAX_INT, "int"),
    IntType.LONG: (c.MIN_LONG, c.MAX_LONG, "long"),
}
"""``IntType -> (min, max, Java type)`` of the fixed-size integer types."""


def int_out_of_range(value: int, int_type: IntType) -> HazelcastSerializationError:
    """The error for an int that the configured :class:`~hztrio.config.IntType` cannot hold."""
    low, high, java = INT_TYPE_RANGES[int_type]
    return HazelcastSerializationError(
        f"cannot serialize the int {value} as a Java {java} (default_int_type="
        f"IntType.{int_type.name} holds {low}..{high}); use a wider default_int_type, "
        f"IntType.VAR or IntType.BIG_INT"
    )


def big_integer_bytes(value: int) -> bytes:
    """``value`` as Java's ``BigInteger.toByteArray()``: minimal big-endian two's complement."""
    return value.to_bytes(
        (~value if value < 0 else value).bit_length() // 8 + 1, "big", signed=True
    )


def big_integer_from_bytes(raw: bytes) -> int:
    """The inverse of :func:`big_integer_bytes` (empty input is corrupt, as in Java)."""
    if not raw:
        raise HazelcastSerializationError("corrupt data: a BigInteger needs at least one byte")
    return int.from_bytes(raw, "big", signed=True)


class _Serializer(StreamSerializer[Any]):
    """Base of the built-ins: the type id is a class constant."""

    type_id: int = 0

    def get_type_id(self) -> int:
        return self.type_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}(type_id={self.type_id})"


class NoneSerializer(_Serializer):
    """Java ``null`` (type 0): no payload."""

    type_id = c.CONSTANT_TYPE_NULL

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        pass

    def read(self, inp: ObjectDataInput) -> None:
        return None


class BooleanSerializer(_Serializer):
    """Java ``Boolean`` (-4): one byte."""

    type_id = c.CONSTANT_TYPE_BOOLEAN

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_boolean(obj)

    def read(self, inp: ObjectDataInput) -> bool:
        return inp.read_boolean()


class _FixedIntSerializer(_Serializer):
    """A Java integer type of fixed size; values it cannot hold raise a clear error."""

    int_type: IntType = IntType.INT

    def check(self, obj: int) -> None:
        low, high, _ = INT_TYPE_RANGES[self.int_type]
        if not low <= obj <= high:
            raise int_out_of_range(obj, self.int_type)


class ByteSerializer(_FixedIntSerializer):
    """Java ``Byte`` (-3): one signed byte."""

    type_id = c.CONSTANT_TYPE_BYTE
    int_type = IntType.BYTE

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        self.check(obj)
        out.write_byte(obj)

    def read(self, inp: ObjectDataInput) -> int:
        return inp.read_byte()


class ShortSerializer(_FixedIntSerializer):
    """Java ``Short`` (-6)."""

    type_id = c.CONSTANT_TYPE_SHORT
    int_type = IntType.SHORT

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        self.check(obj)
        out.write_short(obj)

    def read(self, inp: ObjectDataInput) -> int:
        return inp.read_short()


class IntegerSerializer(_FixedIntSerializer):
    """Java ``Integer`` (-7)."""

    type_id = c.CONSTANT_TYPE_INTEGER
    int_type = IntType.INT

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        self.check(obj)
        out.write_int(obj)

    def read(self, inp: ObjectDataInput) -> int:
        return inp.read_int()


class LongSerializer(_FixedIntSerializer):
    """Java ``Long`` (-8)."""

    type_id = c.CONSTANT_TYPE_LONG
    int_type = IntType.LONG

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        self.check(obj)
        out.write_long(obj)

    def read(self, inp: ObjectDataInput) -> int:
        return inp.read_long()


class BigIntegerSerializer(_Serializer):
    """Java ``BigInteger`` (-26): ``toByteArray()`` written as a byte array."""

    type_id = c.JAVA_DEFAULT_TYPE_BIG_INTEGER

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_byte_array(big_integer_bytes(obj))

    def read(self, inp: ObjectDataInput) -> int:
        raw = inp.read_byte_array()
        if raw is None:
            raise HazelcastSerializationError("corrupt data: a BigInteger cannot be null")
        return big_integer_from_bytes(raw)


class CharSerializer(_Serializer):
    """Java ``Character`` (-5), read as a one-character str."""

    type_id = c.CONSTANT_TYPE_CHAR

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_char(obj)

    def read(self, inp: ObjectDataInput) -> str:
        return inp.read_char()


class FloatSerializer(_Serializer):
    """Java ``Float`` (-9), read as a Python float."""

    type_id = c.CONSTANT_TYPE_FLOAT

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_float(obj)

    def read(self, inp: ObjectDataInput) -> float:
        return inp.read_float()


class DoubleSerializer(_Serializer):
    """Java ``Double`` (-10): what a Python float becomes."""

    type_id = c.CONSTANT_TYPE_DOUBLE

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_double(obj)

    def read(self, inp: ObjectDataInput) -> float:
        return inp.read_double()


class StringSerializer(_Serializer):
    """Java ``String`` (-11): int32 UTF-8 byte length + UTF-8."""

    type_id = c.CONSTANT_TYPE_STRING

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_string(obj)

    def read(self, inp: ObjectDataInput) -> str | None:
        return inp.read_string()


class ByteArraySerializer(_Serializer):
    """Java ``byte[]`` (-12): what bytes and bytearray become; read as bytes."""

    type_id = c.CONSTANT_TYPE_BYTE_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_byte_array(obj)

    def read(self, inp: ObjectDataInput) -> bytes | None:
        return inp.read_byte_array()


class BooleanArraySerializer(_Serializer):
    """Java ``boolean[]`` (-13), read as ``list[bool]``."""

    type_id = c.CONSTANT_TYPE_BOOLEAN_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_boolean_array(obj)

    def read(self, inp: ObjectDataInput) -> list[bool] | None:
        return inp.read_boolean_array()


class CharArraySerializer(_Serializer):
    """Java ``char[]`` (-14), read as ``list[str]``."""

    type_id = c.CONSTANT_TYPE_CHAR_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_char_array(obj)

    def read(self, inp: ObjectDataInput) -> list[str] | None:
        return inp.read_char_array()


class ShortArraySerializer(_Serializer):
    """Java ``short[]`` (-15), read as ``list[int]``."""

    type_id = c.CONSTANT_TYPE_SHORT_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_short_array(obj)

    def read(self, inp: ObjectDataInput) -> list[int] | None:
        return inp.read_short_array()


class IntegerArraySerializer(_Serializer):
    """Java ``int[]`` (-16), read as ``list[int]``."""

    type_id = c.CONSTANT_TYPE_INTEGER_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_int_array(obj)

    def read(self, inp: ObjectDataInput) -> list[int] | None:
        return inp.read_int_array()


class LongArraySerializer(_Serializer):
    """Java ``long[]`` (-17), read as ``list[int]``."""

    type_id = c.CONSTANT_TYPE_LONG_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_long_array(obj)

    def read(self, inp: ObjectDataInput) -> list[int] | None:
        return inp.read_long_array()


class FloatArraySerializer(_Serializer):
    """Java ``float[]`` (-18), read as ``list[float]``."""

    type_id = c.CONSTANT_TYPE_FLOAT_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_float_array(obj)

    def read(self, inp: ObjectDataInput) -> list[float] | None:
        return inp.read_float_array()


class DoubleArraySerializer(_Serializer):
    """Java ``double[]`` (-19), read as ``list[float]``."""

    type_id = c.CONSTANT_TYPE_DOUBLE_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_double_array(obj)

    def read(self, inp: ObjectDataInput) -> list[float] | None:
        return inp.read_double_array()


class StringArraySerializer(_Serializer):
    """Java ``String[]`` (-20), read as ``list[str | None]``."""

    type_id = c.CONSTANT_TYPE_STRING_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_string_array(obj)

    def read(self, inp: ObjectDataInput) -> list[str | None] | None:
        return inp.read_string_array()


class UuidSerializer(_Serializer):
    """Java ``UUID`` (-21): most and least significant bits as two longs."""

    type_id = c.CONSTANT_TYPE_UUID

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        value: int = obj.int
        msb = value >> 64
        lsb = value & _UINT64_MASK
        out.write_long(msb - (1 << 64) if msb >> 63 else msb)
        out.write_long(lsb - (1 << 64) if lsb >> 63 else lsb)

    def read(self, inp: ObjectDataInput) -> uuid.UUID:
        msb = inp.read_long() & _UINT64_MASK
        lsb = inp.read_long() & _UINT64_MASK
        return uuid.UUID(int=(msb << 64) | lsb)


class _ListSerializer(_Serializer):
    """A Java list type: int32 count, then each element as type id + payload."""

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_int(len(obj))
        for item in obj:
            out.write_object(item)

    def read(self, inp: ObjectDataInput) -> list[Any]:
        count = inp.read_int()
        if count < 0:
            raise HazelcastSerializationError(
                f"corrupt data: negative element count {count} of a Java list (type {self.type_id})"
            )
        if count * 4 > inp.available():  # every element has at least its type id
            raise HazelcastSerializationError(
                f"truncated data: {count} list elements cannot fit in the "
                f"{inp.available()} bytes left"
            )
        read_object = inp.read_object
        return [read_object() for _ in range(count)]


class ArrayListSerializer(_ListSerializer):
    """Java ``ArrayList`` (-29): what a Python list becomes."""

    type_id = c.JAVA_DEFAULT_TYPE_ARRAY_LIST


class LinkedListSerializer(_ListSerializer):
    """Java ``LinkedList`` (-30), read as a list."""

    type_id = c.JAVA_DEFAULT_TYPE_LINKED_LIST


class CopyOnWriteArrayListSerializer(_ListSerializer):
    """Java ``CopyOnWriteArrayList`` (-31), read as a list."""

    type_id = c.JAVA_DEFAULT_TYPE_COPY_ON_WRITE_ARRAY_LIST


class ObjectArraySerializer(_ListSerializer):
    """Java ``Object[]`` (-28), read as a list."""

    type_id = c.JAVA_DEFAULT_TYPE_ARRAY


class HazelcastJsonValueSerializer(_Serializer):
    """``HazelcastJsonValue`` (-130): the JSON text as a String."""

    type_id = c.JAVASCRIPT_JSON_SERIALIZATION_TYPE

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_string(obj.to_string())

    def read(self, inp: ObjectDataInput) -> HazelcastJsonValue:
        text = inp.read_string()
        if text is None:
            raise HazelcastSerializationError("corrupt data: a HazelcastJsonValue cannot be null")
        return HazelcastJsonValue(text)


BUILTIN_SERIALIZERS: Final[tuple[type[_Serializer], ...]] = (
    NoneSerializer,
    BooleanSerializer,
    ByteSerializer,
    ShortSerializer,
    IntegerSerializer,
    LongSerializer,
    BigIntegerSerializer,
    CharSerializer,
    FloatSerializer,
    DoubleSerializer,
    StringSerializer,
    ByteArraySerializer,
    BooleanArraySerializer,
    CharArraySerializer,
    ShortArraySerializer,
    IntegerArraySerializer,
    LongArraySerializer,
    FloatArraySerializer,
    DoubleArraySerializer,
    StringArraySerializer,
    UuidSerializer,
    ObjectArraySerializer,
    ArrayListSerializer,
    LinkedListSerializer,
    CopyOnWriteArrayListSerializer,
    HazelcastJsonValueSerializer,
)
"""Every built-in serializer class, registered by type id in each service."""
