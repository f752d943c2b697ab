"""The built-in serializers: Java's constant and default types that Python values map to.

Each is a :class:`~.api.StreamSerializer` working on :class:`~.output.ObjectDataOutput` /
:class:`~.input.ObjectDataInput`, used for values nested in others (list elements) and for
the types without a fast path. The service's fast paths for top-level values
(:mod:`.service`) produce the same bytes.
"""

from __future__ import annotations

import datetime
import decimal
import pickle
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final

from ..config import IntType
from ..core import (
    BooleanArray,
    CharArray,
    DoubleArray,
    FloatArray,
    HazelcastJsonValue,
    IntArray,
    LongArray,
    ShortArray,
    StringArray,
)
from ..errors import HazelcastSerializationError
from . import constants as c
from . import temporal
from .api import IdentifiedDataSerializable, StreamSerializer
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
    """Java ``boolean[]`` (-13): what a :class:`~hztrio.core.BooleanArray` becomes;
    read back as one."""

    type_id = c.CONSTANT_TYPE_BOOLEAN_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_boolean_array(obj)

    def read(self, inp: ObjectDataInput) -> BooleanArray | None:
        values = inp.read_boolean_array()
        return None if values is None else BooleanArray(values)


class CharArraySerializer(_Serializer):
    """Java ``char[]`` (-14): what a :class:`~hztrio.core.CharArray` becomes;
    read back as one."""

    type_id = c.CONSTANT_TYPE_CHAR_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_char_array(obj)

    def read(self, inp: ObjectDataInput) -> CharArray | None:
        values = inp.read_char_array()
        return None if values is None else CharArray(values)


class ShortArraySerializer(_Serializer):
    """Java ``short[]`` (-15): what a :class:`~hztrio.core.ShortArray` becomes;
    read back as one."""

    type_id = c.CONSTANT_TYPE_SHORT_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_short_array(obj)

    def read(self, inp: ObjectDataInput) -> ShortArray | None:
        values = inp.read_short_array()
        return None if values is None else ShortArray(values)


class IntegerArraySerializer(_Serializer):
    """Java ``int[]`` (-16): what a :class:`~hztrio.core.IntArray` becomes;
    read back as one."""

    type_id = c.CONSTANT_TYPE_INTEGER_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_int_array(obj)

    def read(self, inp: ObjectDataInput) -> IntArray | None:
        values = inp.read_int_array()
        return None if values is None else IntArray(values)


class LongArraySerializer(_Serializer):
    """Java ``long[]`` (-17): what a :class:`~hztrio.core.LongArray` becomes;
    read back as one."""

    type_id = c.CONSTANT_TYPE_LONG_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_long_array(obj)

    def read(self, inp: ObjectDataInput) -> LongArray | None:
        values = inp.read_long_array()
        return None if values is None else LongArray(values)


class FloatArraySerializer(_Serializer):
    """Java ``float[]`` (-18): what a :class:`~hztrio.core.FloatArray` becomes;
    read back as one."""

    type_id = c.CONSTANT_TYPE_FLOAT_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_float_array(obj)

    def read(self, inp: ObjectDataInput) -> FloatArray | None:
        values = inp.read_float_array()
        return None if values is None else FloatArray(values)


class DoubleArraySerializer(_Serializer):
    """Java ``double[]`` (-19): what a :class:`~hztrio.core.DoubleArray` becomes;
    read back as one."""

    type_id = c.CONSTANT_TYPE_DOUBLE_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_double_array(obj)

    def read(self, inp: ObjectDataInput) -> DoubleArray | None:
        values = inp.read_double_array()
        return None if values is None else DoubleArray(values)


class StringArraySerializer(_Serializer):
    """Java ``String[]`` (-20): what a :class:`~hztrio.core.StringArray` becomes;
    read back as one."""

    type_id = c.CONSTANT_TYPE_STRING_ARRAY

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_string_array(obj)

    def read(self, inp: ObjectDataInput) -> StringArray | None:
        values = inp.read_string_array()
        return None if values is None else StringArray(values)


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


class BigDecimalSerializer(_Serializer):
    """Java ``BigDecimal`` (-27): what a ``decimal.Decimal`` becomes (exactly, no rounding)."""

    type_id = c.JAVA_DEFAULT_TYPE_BIG_DECIMAL

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        temporal.write_decimal(out, obj)

    def read(self, inp: ObjectDataInput) -> decimal.Decimal:
        return temporal.read_decimal(inp)


class LocalDateSerializer(_Serializer):
    """Java ``LocalDate`` (-51): what a ``datetime.date`` becomes."""

    type_id = c.JAVA_DEFAULT_TYPE_LOCAL_DATE

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        temporal.write_local_date(out, obj)

    def read(self, inp: ObjectDataInput) -> datetime.date:
        return temporal.read_local_date(inp)


class LocalTimeSerializer(_Serializer):
    """Java ``LocalTime`` (-52): what a naive ``datetime.time`` becomes."""

    type_id = c.JAVA_DEFAULT_TYPE_LOCAL_TIME

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        temporal.write_local_time(out, obj)

    def read(self, inp: ObjectDataInput) -> datetime.time:
        return temporal.read_local_time(inp)


class LocalDateTimeSerializer(_Serializer):
    """Java ``LocalDateTime`` (-53): what a naive ``datetime.datetime`` becomes."""

    type_id = c.JAVA_DEFAULT_TYPE_LOCAL_DATE_TIME

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        temporal.write_local_date_time(out, obj)

    def read(self, inp: ObjectDataInput) -> datetime.datetime:
        return temporal.read_local_date_time(inp)


class OffsetDateTimeSerializer(_Serializer):
    """Java ``OffsetDateTime`` (-54): what an aware ``datetime.datetime`` becomes."""

    type_id = c.JAVA_DEFAULT_TYPE_OFFSET_DATE_TIME

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        temporal.write_offset_date_time(out, obj)

    def read(self, inp: ObjectDataInput) -> datetime.datetime:
        return temporal.read_offset_date_time(inp)


class _ReadOnlySerializer(_Serializer):
    """A Java type hztrio reads but never writes (no Python type maps to it)."""

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        raise HazelcastSerializationError(
            f"{type(self).__name__} only reads (type id {self.type_id})"
        )


class JavaClassSerializer(_ReadOnlySerializer):
    """Java ``Class`` (-24), read as its name."""

    type_id = c.JAVA_DEFAULT_TYPE_CLASS

    def read(self, inp: ObjectDataInput) -> str | None:
        return inp.read_string()


class JavaDateSerializer(_ReadOnlySerializer):
    """Java ``java.util.Date`` (-25): milliseconds since the epoch, read as an aware UTC
    ``datetime``."""

    type_id = -25

    def read(self, inp: ObjectDataInput) -> datetime.datetime:
        millis = inp.read_long()
        try:
            return _EPOCH + datetime.timedelta(milliseconds=millis)
        except OverflowError as exc:
            raise HazelcastSerializationError(
                f"cannot read the java.util.Date of {millis} ms: {exc}"
            ) from exc


_EPOCH: Final = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def _read_count(inp: ObjectDataInput, what: str, item_size: int) -> int:
    count = inp.read_int()
    if count < 0 or count * item_size > inp.available():
        raise HazelcastSerializationError(
            f"corrupt data: a {what} of {count} items in {inp.available()} bytes"
        )
    return count


class _EntrySerializer(_ReadOnlySerializer):
    def read(self, inp: ObjectDataInput) -> tuple[Any, Any]:
        return inp.read_object(), inp.read_object()


class SimpleEntrySerializer(_EntrySerializer):
    """Java ``AbstractMap.SimpleEntry`` (-22), read as a ``(key, value)`` tuple."""

    type_id = -22


class SimpleImmutableEntrySerializer(_EntrySerializer):
    """Java ``AbstractMap.SimpleImmutableEntry`` (-23), read as a ``(key, value)`` tuple."""

    type_id = -23


class _MapSerializer(_ReadOnlySerializer):
    def read(self, inp: ObjectDataInput) -> dict[Any, Any]:
        count = _read_count(inp, "map", 8)
        result = {}
        for _ in range(count):
            key = inp.read_object()
            result[key] = inp.read_object()
        return result


class HashMapSerializer(_MapSerializer):
    """Java ``HashMap`` (-32), read as a dict."""

    type_id = -32


class ConcurrentHashMapSerializer(_MapSerializer):
    """Java ``ConcurrentHashMap`` (-34), read as a dict."""

    type_id = -34


class LinkedHashMapSerializer(_MapSerializer):
    """Java ``LinkedHashMap`` (-35), read as a dict (in order)."""

    type_id = -35


class _SetSerializer(_ReadOnlySerializer):
    def read(self, inp: ObjectDataInput) -> set[Any]:
        count = _read_count(inp, "set", 4)
        return {inp.read_object() for _ in range(count)}


class HashSetSerializer(_SetSerializer):
    """Java ``HashSet`` (-37), read as a set."""

    type_id = -37


class LinkedHashSetSerializer(_SetSerializer):
    """Java ``LinkedHashSet`` (-39), read as a set."""

    type_id = -39


class CopyOnWriteArraySetSerializer(_SetSerializer):
    """Java ``CopyOnWriteArraySet`` (-40), read as a set."""

    type_id = -40


class OptionalSerializer(_ReadOnlySerializer):
    """Java ``Optional`` (-50), read as its value or ``None``."""

    type_id = -50

    def read(self, inp: ObjectDataInput) -> Any:
        return inp.read_object() if inp.read_boolean() else None


# -- IdentifiedDataSerializable ---------------------------------------------------------------

_IDS_FLAG: Final = 0x01
_EE_FLAG: Final = 0x02

#: ``{factory_id: {class_id: class}}`` or ``{factory_id: callable(class_id) -> object}``
DataSerializableFactories = Mapping[int, Mapping[int, Callable[[], Any]] | Callable[[int], Any]]


def _read_canonicalizing_set(inp: ObjectDataInput) -> set[Any]:
    count = _read_count(inp, "set", 4)
    return {inp.read_object() for _ in range(count)}


def _read_map_entry(inp: ObjectDataInput) -> tuple[Any, Any]:
    return inp.read_object(), inp.read_object()


def _read_member_address(inp: ObjectDataInput) -> Any:
    from ..protocol.types import Address

    port = inp.read_int()
    inp.read_byte()  # the address type, unused
    host = inp.read_string()
    return Address(host or "", port)


_BUILTIN_IDENTIFIED: dict[tuple[int, int], Callable[[ObjectDataInput], Any]] = {
    (-29, 19): _read_canonicalizing_set,  # distinct() results: CanonicalizingHashSet
    (-4, 120): _read_map_entry,  # max_by()/min_by() results: a map entry
    (0, 1): _read_member_address,  # a member Address
}


def register_builtin_identified(
    factory_id: int, class_id: int, read: Callable[[ObjectDataInput], Any]
) -> None:
    """Teach every serialization service to read one of Hazelcast's own
    IdentifiedDataSerializable classes that members send (``read`` gets the input after the
    ids). A class registered in ``data_serializable_factories`` takes precedence."""
    _BUILTIN_IDENTIFIED[(factory_id, class_id)] = read


class IdentifiedDataSerializableSerializer(_Serializer):
    """Java ``DataSerializable`` (-2), of which clients use the identified kind.

    Layout: a header byte (bit 0: identified; bit 1: two version bytes follow the ids), the
    factory id, the class id, then the object's ``write_data``. Writing needs no factory;
    reading creates the object from ``data_serializable_factories`` and calls ``read_data``.
    Hazelcast's own classes that members return (``distinct()``'s set, ``max_by()``'s map
    entry, a member address) are read without a factory: as a ``set``, a ``(key, value)``
    tuple and an ``Address``.
    """

    type_id = c.CONSTANT_TYPE_DATA_SERIALIZABLE

    def __init__(self, factories: DataSerializableFactories | None = None) -> None:
        self._factories = dict(factories or {})

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        if not isinstance(obj, IdentifiedDataSerializable):
            raise HazelcastSerializationError(
                f"{type(obj).__name__} is not an IdentifiedDataSerializable"
            )
        out.write_byte(_IDS_FLAG)
        out.write_int(obj.get_factory_id())
        out.write_int(obj.get_class_id())
        obj.write_data(out)

    def read(self, inp: ObjectDataInput) -> Any:
        header = inp.read_byte()
        if not header & _IDS_FLAG:
            name = inp.read_string()
            raise HazelcastSerializationError(
                f"the object is a Java DataSerializable of the class {name!r}, which only Java "
                f"can read; make it IdentifiedDataSerializable to share it with other clients"
            )
        factory_id = inp.read_int()
        class_id = inp.read_int()
        factory = self._factories.get(factory_id)
        if factory is None or (isinstance(factory, Mapping) and class_id not in factory):
            builtin = _BUILTIN_IDENTIFIED.get((factory_id, class_id))
            if builtin is not None:
                if header & _EE_FLAG:
                    inp.read_byte()
                    inp.read_byte()
                return builtin(inp)
        if factory is None:
            raise HazelcastSerializationError(
                f"there is no IdentifiedDataSerializable factory for factory id {factory_id} "
                f"(class id {class_id}): register the class with "
                f"data_serializable_factories={{{factory_id}: {{{class_id}: YourClass}}}}"
            )
        if isinstance(factory, Mapping):
            cls = factory.get(class_id)
            obj = None if cls is None else cls()
        else:
            obj = factory(class_id)
        if obj is None:
            raise HazelcastSerializationError(
                f"the IdentifiedDataSerializable factory {factory_id} has no class id "
                f"{class_id}: add it to data_serializable_factories[{factory_id}]"
            )
        if header & _EE_FLAG:
            inp.read_byte()
            inp.read_byte()
        obj.read_data(inp)
        return obj


# -- pickle (opt-in) --------------------------------------------------------------------------


class PickleSerializer(_Serializer):
    """Python ``pickle`` (-120), used only with ``allow_pickle=True``.

    Writes pickle protocol 0 as a length-prefixed byte string, which the official client
    reads as its own pickled strings (and the other way round).
    """

    type_id = c.PYTHON_TYPE_PICKLE

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_byte_array(pickle.dumps(obj, 0))

    def read(self, inp: ObjectDataInput) -> Any:
        raw = inp.read_byte_array()
        if raw is None:
            raise HazelcastSerializationError("corrupt data: a pickle cannot be null")
        return pickle.loads(raw)


class RefusedPickleSerializer(_ReadOnlySerializer):
    """Python ``pickle`` (-120) without ``allow_pickle``: reading it raises."""

    type_id = c.PYTHON_TYPE_PICKLE

    def read(self, inp: ObjectDataInput) -> Any:
        raise HazelcastSerializationError(
            "the value was pickled by a Python client (type id -120); hztrio does not unpickle "
            "data read from the cluster unless allow_pickle=True is set, because unpickling "
            "runs code chosen by whoever wrote the data"
        )


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
    BigDecimalSerializer,
    LocalDateSerializer,
    LocalTimeSerializer,
    LocalDateTimeSerializer,
    OffsetDateTimeSerializer,
    JavaClassSerializer,
    JavaDateSerializer,
    SimpleEntrySerializer,
    SimpleImmutableEntrySerializer,
    HashMapSerializer,
    ConcurrentHashMapSerializer,
    LinkedHashMapSerializer,
    HashSetSerializer,
    LinkedHashSetSerializer,
    CopyOnWriteArraySetSerializer,
    OptionalSerializer,
)
"""Every built-in serializer class, registered by type id in each service."""
