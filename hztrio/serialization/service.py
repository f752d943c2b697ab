"""``SerializationService``: Python objects to :class:`~.data.Data` and back.

Which serializer writes an object is decided once per Python class (then cached), in the
seed's order of priority: ``None``; a class with a Compact serializer; an
``IdentifiedDataSerializable``; a ``Portable``; the built-in types; the custom serializers;
the global serializer; ``pickle`` only with ``allow_pickle=True``. For the built-in types and
the custom serializers, a subclass uses the serializer of the nearest class in its MRO.
Serialized forms are read by the type id in their header.

Top-level values of the common types have *fast paths*: one function per type that packs the
header and the payload with a precompiled :class:`struct.Struct` (``to_data``), or unpacks
them (``to_object``), without creating a stream. They produce exactly the bytes the generic
serializers (:mod:`.serializers`) produce, which are used for nested values and for every other
type.

Errors: anything that cannot be serialized or deserialized raises
:class:`~hztrio.errors.HazelcastSerializationError` (with the original exception as
``__cause__``); no ``struct.error``, ``IndexError`` or ``UnicodeError`` escapes.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import functools
import struct
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
from ..errors import HazelcastError, HazelcastSerializationError
from . import constants as c
from . import temporal
from .api import IdentifiedDataSerializable, Portable, StreamSerializer
from .compact import CompactStreamSerializer, SchemaRegistry
from .data import Data, SplitData
from .input import ObjectDataInput
from .output import ObjectDataOutput
from .portable.classdef import ClassDefinition
from .portable.serializer import PortableContext, PortableFactories, PortableSerializer
from .serializers import (
    BUILTIN_SERIALIZERS,
    INT_TYPE_RANGES,
    ArrayListSerializer,
    BigDecimalSerializer,
    BigIntegerSerializer,
    BooleanArraySerializer,
    BooleanSerializer,
    ByteArraySerializer,
    ByteSerializer,
    CharArraySerializer,
    DataSerializableFactories,
    DoubleArraySerializer,
    DoubleSerializer,
    FloatArraySerializer,
    HazelcastJsonValueSerializer,
    IdentifiedDataSerializableSerializer,
    IntegerArraySerializer,
    IntegerSerializer,
    LocalDateSerializer,
    LocalDateTimeSerializer,
    LocalTimeSerializer,
    LongArraySerializer,
    LongSerializer,
    NoneSerializer,
    OffsetDateTimeSerializer,
    PickleSerializer,
    RefusedPickleSerializer,
    ShortArraySerializer,
    ShortSerializer,
    StringArraySerializer,
    StringSerializer,
    UuidSerializer,
    big_integer_bytes,
    big_integer_from_bytes,
    int_out_of_range,
)

__all__ = ["SerializationService"]

_Encoder = Callable[[Any], "Data | None"]
_Decoder = Callable[[Any], Any]

_header: Final = struct.Struct(">ii").pack
_NoneType: Final = type(None)

_TYPE_NAMES: Final[dict[int, str]] = {
    c.CONSTANT_TYPE_PORTABLE: "Portable",
    c.CONSTANT_TYPE_DATA_SERIALIZABLE: "IdentifiedDataSerializable",
    -22: "AbstractMap.SimpleEntry",
    -23: "AbstractMap.SimpleImmutableEntry",
    c.JAVA_DEFAULT_TYPE_CLASS: "java.lang.Class",
    -25: "java.util.Date",
    c.JAVA_DEFAULT_TYPE_BIG_DECIMAL: "java.math.BigDecimal",
    -32: "java.util.HashMap",
    -33: "java.util.concurrent.ConcurrentSkipListMap",
    -34: "java.util.concurrent.ConcurrentHashMap",
    -35: "java.util.LinkedHashMap",
    -36: "java.util.TreeMap",
    -37: "java.util.HashSet",
    -38: "java.util.TreeSet",
    -39: "java.util.LinkedHashSet",
    -40: "java.util.concurrent.CopyOnWriteArraySet",
    -41: "java.util.concurrent.ConcurrentSkipListSet",
    -50: "java.util.Optional",
    c.JAVA_DEFAULT_TYPE_LOCAL_DATE: "java.time.LocalDate",
    c.JAVA_DEFAULT_TYPE_LOCAL_TIME: "java.time.LocalTime",
    c.JAVA_DEFAULT_TYPE_LOCAL_DATE_TIME: "java.time.LocalDateTime",
    c.JAVA_DEFAULT_TYPE_OFFSET_DATE_TIME: "java.time.OffsetDateTime",
    c.TYPE_COMPACT: "Compact",
    c.TYPE_COMPACT_WITH_SCHEMA: "Compact with schema",
    c.JAVA_DEFAULT_TYPE_SERIALIZABLE: "Java Serializable",
    c.JAVA_DEFAULT_TYPE_EXTERNALIZABLE: "Java Externalizable",
    c.PYTHON_TYPE_PICKLE: "Python pickle",
}


def _type_name(cls: type) -> str:
    module = cls.__module__
    return cls.__qualname__ if module == "builtins" else f"{module}.{cls.__qualname__}"


def _type_key(type_id: int) -> bytes:
    """The 4 header bytes that carry ``type_id`` (the fast decoders' key)."""
    return type_id.to_bytes(4, "big", signed=True)


_BYTE_ARRAY_KEY: Final = _type_key(c.CONSTANT_TYPE_BYTE_ARRAY)


def _truncated(needed: int, size: int) -> HazelcastSerializationError:
    return HazelcastSerializationError(
        f"truncated data: the payload needs {needed} bytes but the Data has {size}"
    )


def _negative_length(length: int) -> HazelcastSerializationError:
    return HazelcastSerializationError(f"corrupt data: negative length {length}")


def _fast_encoders(prefix: str, int_type: IntType) -> dict[type, _Encoder]:
    """The top-level encoders of the exact built-in types, for one payload byte order."""
    pack_len = struct.Struct(prefix + "8si").pack
    pack_byte = struct.Struct(prefix + "8sb").pack
    pack_short = struct.Struct(prefix + "8sh").pack
    pack_int = struct.Struct(prefix + "8si").pack
    pack_long = struct.Struct(prefix + "8sq").pack
    pack_double = struct.Struct(prefix + "8sd").pack
    pack_uuid = struct.Struct(prefix + "8sQQ").pack
    h_byte = _header(0, c.CONSTANT_TYPE_BYTE)
    h_short = _header(0, c.CONSTANT_TYPE_SHORT)
    h_int = _header(0, c.CONSTANT_TYPE_INTEGER)
    h_long = _header(0, c.CONSTANT_TYPE_LONG)
    h_big = _header(0, c.JAVA_DEFAULT_TYPE_BIG_INTEGER)
    h_double = _header(0, c.CONSTANT_TYPE_DOUBLE)
    h_string = _header(0, c.CONSTANT_TYPE_STRING)
    h_bytes = _header(0, c.CONSTANT_TYPE_BYTE_ARRAY)
    h_uuid = _header(0, c.CONSTANT_TYPE_UUID)
    h_json = _header(0, c.JAVASCRIPT_JSON_SERIALIZATION_TYPE)
    true = Data(_header(0, c.CONSTANT_TYPE_BOOLEAN) + b"\x01")
    false = Data(_header(0, c.CONSTANT_TYPE_BOOLEAN) + b"\x00")

    def enc_none(obj: None) -> None:
        return None

    def enc_data(obj: Data) -> Data:
        return obj

    def enc_bool(obj: bool) -> Data:
        return true if obj else false

    def enc_str(obj: str) -> Data:
        raw = obj.encode()
        return Data(pack_len(h_string, len(raw)) + raw)

    def enc_bytes(obj: bytes | bytearray) -> Data:
        return Data(pack_len(h_bytes, len(obj)) + obj)

    def enc_float(obj: float) -> Data:
        return Data(pack_double(h_double, obj))

    def enc_uuid(obj: uuid.UUID) -> Data:
        value = obj.int
        return Data(pack_uuid(h_uuid, value >> 64, value & 0xFFFFFFFFFFFFFFFF))

    def enc_json(obj: HazelcastJsonValue) -> Data:
        raw = obj.to_string().encode()
        return Data(pack_len(h_json, len(raw)) + raw)

    def enc_byte(obj: int) -> Data:
        return Data(pack_byte(h_byte, obj))

    def enc_short(obj: int) -> Data:
        return Data(pack_short(h_short, obj))

    def enc_int(obj: int) -> Data:
        return Data(pack_int(h_int, obj))

    def enc_long(obj: int) -> Data:
        return Data(pack_long(h_long, obj))

    def enc_big(obj: int) -> Data:
        raw = big_integer_bytes(obj)
        return Data(pack_len(h_big, len(raw)) + raw)

    def enc_var(obj: int) -> Data:
        if -0x80 <= obj <= 0x7F:
            return Data(pack_byte(h_byte, obj))
        if -0x8000 <= obj <= 0x7FFF:
            return Data(pack_short(h_short, obj))
        if -0x80000000 <= obj <= 0x7FFFFFFF:
            return Data(pack_int(h_int, obj))
        if -0x8000000000000000 <= obj <= 0x7FFFFFFFFFFFFFFF:
            return Data(pack_long(h_long, obj))
        return enc_big(obj)

    enc_ints: dict[IntType, _Encoder] = {
        IntType.VAR: enc_var,
        IntType.BYTE: enc_byte,
        IntType.SHORT: enc_short,
        IntType.INT: enc_int,
        IntType.LONG: enc_long,
        IntType.BIG_INT: enc_big,
    }
    pack_date = struct.Struct(prefix + "8sibb").pack
    pack_time = struct.Struct(prefix + "8sbbbi").pack
    pack_local_dt = struct.Struct(prefix + "8sibbbbbi").pack
    pack_offset_dt = struct.Struct(prefix + "8sibbbbbii").pack
    h_date = _header(0, c.JAVA_DEFAULT_TYPE_LOCAL_DATE)
    h_time = _header(0, c.JAVA_DEFAULT_TYPE_LOCAL_TIME)
    h_local_dt = _header(0, c.JAVA_DEFAULT_TYPE_LOCAL_DATE_TIME)
    h_offset_dt = _header(0, c.JAVA_DEFAULT_TYPE_OFFSET_DATE_TIME)

    def enc_date(obj: datetime.date) -> Data:
        return Data(pack_date(h_date, obj.year, obj.month, obj.day))

    def enc_time(obj: datetime.time) -> Data:
        if obj.tzinfo is not None:
            temporal.write_local_time(ObjectDataOutput(), obj)  # raises the explanation
        return Data(pack_time(h_time, obj.hour, obj.minute, obj.second, obj.microsecond * 1000))

    def enc_datetime(obj: datetime.datetime) -> Data:
        fields = (obj.year, obj.month, obj.day, obj.hour, obj.minute, obj.second)
        nanos = obj.microsecond * 1000
        if obj.utcoffset() is None:
            return Data(pack_local_dt(h_local_dt, *fields, nanos))
        return Data(pack_offset_dt(h_offset_dt, *fields, nanos, temporal.offset_seconds(obj)))

    return {
        _NoneType: enc_none,
        Data: enc_data,
        datetime.date: enc_date,
        datetime.time: enc_time,
        datetime.datetime: enc_datetime,
        bool: enc_bool,
        int: enc_ints[int_type],
        float: enc_float,
        str: enc_str,
        bytes: enc_bytes,
        bytearray: enc_bytes,
        uuid.UUID: enc_uuid,
        HazelcastJsonValue: enc_json,
    }


def _fast_decoders(prefix: str) -> dict[bytes, _Decoder]:
    """The top-level decoders of the common type ids, for one payload byte order.

    They take the whole Data as ``bytes`` and may raise anything on a corrupt one;
    ``to_object`` turns that into HazelcastSerializationError.
    """
    unpack_byte = struct.Struct(prefix + "b").unpack_from
    unpack_char = struct.Struct(prefix + "H").unpack_from
    unpack_short = struct.Struct(prefix + "h").unpack_from
    unpack_int = struct.Struct(prefix + "i").unpack_from
    unpack_long = struct.Struct(prefix + "q").unpack_from
    unpack_float = struct.Struct(prefix + "f").unpack_from
    unpack_double = struct.Struct(prefix + "d").unpack_from
    unpack_uuid = struct.Struct(prefix + "QQ").unpack_from

    def payload(data: bytes) -> bytes | None:
        """The int32-length-prefixed bytes at offset 8 (None for length -1), checked."""
        length: int = unpack_int(data, 8)[0]
        if length < 0:
            if length == c.NULL_ARRAY_LENGTH:
                return None
            raise _negative_length(length)
        end = 12 + length
        if end > len(data):
            raise _truncated(end, len(data))
        return data[12:end]

    def dec_none(data: bytes) -> None:
        return None

    def dec_bool(data: bytes) -> bool:
        return bool(unpack_byte(data, 8)[0])

    def dec_byte(data: bytes) -> int:
        value: int = unpack_byte(data, 8)[0]
        return value

    def dec_char(data: bytes) -> str:
        return chr(unpack_char(data, 8)[0])

    def dec_short(data: bytes) -> int:
        value: int = unpack_short(data, 8)[0]
        return value

    def dec_int(data: bytes) -> int:
        value: int = unpack_int(data, 8)[0]
        return value

    def dec_long(data: bytes) -> int:
        value: int = unpack_long(data, 8)[0]
        return value

    def dec_float(data: bytes) -> float:
        value: float = unpack_float(data, 8)[0]
        return value

    def dec_double(data: bytes) -> float:
        value: float = unpack_double(data, 8)[0]
        return value

    def dec_str(data: bytes) -> str | None:
        length: int = unpack_int(data, 8)[0]
        if length < 0:
            if length == c.NULL_ARRAY_LENGTH:
                return None
            raise _negative_length(length)
        end = 12 + length
        if end > len(data):
            raise _truncated(end, len(data))
        return data[12:end].decode()

    def dec_bytes(data: bytes) -> bytes | None:
        # payload() inlined: every value of a bulk response of byte arrays comes here
        length: int = unpack_int(data, 8)[0]
        if length < 0:
            if length == c.NULL_ARRAY_LENGTH:
                return None
            raise _negative_length(length)
        end = 12 + length
        if end > len(data):
            raise _truncated(end, len(data))
        return bytes(data[12:end])  # a memoryview (a large value) becomes its one copy

    def dec_big(data: bytes) -> int:
        raw = payload(data)
        if raw is None:
            raise HazelcastSerializationError("corrupt data: a BigInteger cannot be null")
        return big_integer_from_bytes(raw)

    def dec_uuid(data: bytes) -> uuid.UUID:
        msb, lsb = unpack_uuid(data, 8)
        return uuid.UUID(int=(msb << 64) | lsb)

    def dec_json(data: bytes) -> HazelcastJsonValue:
        text = dec_str(data)
        if text is None:
            raise HazelcastSerializationError("corrupt data: a HazelcastJsonValue cannot be null")
        return HazelcastJsonValue(text)

    unpack_date = struct.Struct(prefix + "ibb").unpack_from
    unpack_time = struct.Struct(prefix + "bbbi").unpack_from
    unpack_local_dt = struct.Struct(prefix + "ibbbbbi").unpack_from
    unpack_offset_dt = struct.Struct(prefix + "ibbbbbii").unpack_from
    new_date = datetime.date
    new_time = datetime.time
    new_datetime = datetime.datetime

    def dec_date(data: bytes) -> datetime.date:
        return new_date(*unpack_date(data, 8))

    def dec_time(data: bytes) -> datetime.time:
        hour, minute, second, nanos = unpack_time(data, 8)
        if not 0 <= nanos <= 999_999_999:
            raise ValueError(f"{nanos} nanoseconds")
        return new_time(hour, minute, second, nanos // 1000)

    def dec_local_dt(data: bytes) -> datetime.datetime:
        year, month, day, hour, minute, second, nanos = unpack_local_dt(data, 8)
        if not 0 <= nanos <= 999_999_999:
            raise ValueError(f"{nanos} nanoseconds")
        return new_datetime(year, month, day, hour, minute, second, nanos // 1000)

    def dec_offset_dt(data: bytes) -> datetime.datetime:
        year, month, day, hour, minute, second, nanos, offset = unpack_offset_dt(data, 8)
        if not 0 <= nanos <= 999_999_999:
            raise ValueError(f"{nanos} nanoseconds")
        return new_datetime(
            year, month, day, hour, minute, second, nanos // 1000, temporal.fixed_offset(offset)
        )

    return {
        _type_key(c.JAVA_DEFAULT_TYPE_LOCAL_DATE): dec_date,
        _type_key(c.JAVA_DEFAULT_TYPE_LOCAL_TIME): dec_time,
        _type_key(c.JAVA_DEFAULT_TYPE_LOCAL_DATE_TIME): dec_local_dt,
        _type_key(c.JAVA_DEFAULT_TYPE_OFFSET_DATE_TIME): dec_offset_dt,
        _type_key(c.CONSTANT_TYPE_NULL): dec_none,
        _type_key(c.CONSTANT_TYPE_BOOLEAN): dec_bool,
        _type_key(c.CONSTANT_TYPE_BYTE): dec_byte,
        _type_key(c.CONSTANT_TYPE_CHAR): dec_char,
        _type_key(c.CONSTANT_TYPE_SHORT): dec_short,
        _type_key(c.CONSTANT_TYPE_INTEGER): dec_int,
        _type_key(c.CONSTANT_TYPE_LONG): dec_long,
        _type_key(c.CONSTANT_TYPE_FLOAT): dec_float,
        _type_key(c.CONSTANT_TYPE_DOUBLE): dec_double,
        _type_key(c.CONSTANT_TYPE_STRING): dec_str,
        _type_key(c.CONSTANT_TYPE_BYTE_ARRAY): dec_bytes,
        _type_key(c.CONSTANT_TYPE_UUID): dec_uuid,
        _type_key(c.JAVA_DEFAULT_TYPE_BIG_INTEGER): dec_big,
        _type_key(c.JAVASCRIPT_JSON_SERIALIZATION_TYPE): dec_json,
    }


class _ByValue:
    """Marks a class whose serializer depends on the value (``int``, ``datetime``)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<by value: {self.name}>"


_BY_INT: Final = _ByValue("int")
_BY_DATETIME: Final = _ByValue("datetime")

_Resolved = StreamSerializer[Any] | _ByValue


class SerializationService:
    """Turns Python objects into :class:`~.data.Data` and back.

    Built-in mapping (Python → Java type, type id):

    ======================  ======================================  =========================
    Python                  Java                                    read back as
    ======================  ======================================  =========================
    ``None``                null (0)                                ``None``
    ``bool``                Boolean (-4)                            ``bool``
    ``int``                 per ``default_int_type``: Byte (-3),    ``int``
                            Short (-6), Integer (-7, the default),
                            Long (-8), BigInteger (-26); ``VAR``:
                            the smallest that holds the value
    ``float``               Double (-10)                            ``float``
    ``str``                 String (-11)                            ``str``
    ``bytes``/``bytearray`` byte[] (-12)                            ``bytes``
    ``uuid.UUID``           UUID (-21)                              ``uuid.UUID``
    ``list``                ArrayList (-29)                         ``list``
    ``BooleanArray`` …      boolean[], char[], short[], int[],      the same class
    ``StringArray``         long[], float[], double[], String[]
    (:mod:`hztrio.core`)    (-13..-20)
    ``decimal.Decimal``     BigDecimal (-27)                        ``decimal.Decimal``
    ``datetime.date``       LocalDate (-51)                         ``datetime.date``
    ``datetime.time``       LocalTime (-52), naive only             ``datetime.time``
    ``datetime.datetime``   naive: LocalDateTime (-53);             the same kind, the aware
                            aware: OffsetDateTime (-54)             one with a fixed offset
    HazelcastJsonValue      JSON (-130)                             HazelcastJsonValue
    ======================  ======================================  =========================

    Also read: Float (-9) as ``float``, Char (-5) as ``str``, Object[] (-28), LinkedList (-30) and
    CopyOnWriteArrayList (-31) as lists, HashMap/ConcurrentHashMap/LinkedHashMap as dicts,
    HashSet/LinkedHashSet/CopyOnWriteArraySet as sets, Map entries as tuples, Optional as its
    value, java.util.Date as an aware UTC datetime, Class as its name. A subclass of a
    supported type (an ``IntEnum``, a ``str`` subclass…) is written as its base type and read
    back as the base type.

    Note that an ``int`` key written as Integer and the same number written by Java as a
    ``Long`` are different keys, in different partitions: pick ``default_int_type`` to match
    the Java side. An ``int`` that the configured type cannot hold raises
    :class:`~hztrio.errors.HazelcastSerializationError`.

    User types: IdentifiedDataSerializable (``data_serializable_factories``), Portable
    (``portable_factories``, ``portable_version``, ``class_definitions``,
    ``check_class_definition_errors``), Compact (``compact_serializers``; the schemas are in
    :attr:`compact_schemas`), custom serializers by class (``custom_serializers``), a
    ``global_serializer`` for everything else, and ``pickle`` only with ``allow_pickle``.

    Args:
        default_int_type: which Java type a Python ``int`` becomes.
        is_big_endian: byte order of the payloads (must match the members'; the 8-byte header
            is big-endian regardless).
        portable_version: the version of Portable classes without ``get_class_version()``.
        data_serializable_factories: ``{factory_id: {class_id: class}}`` (or a callable
            taking the class id) to read IdentifiedDataSerializable objects.
        portable_factories: the same, for Portable classes.
        class_definitions: Portable class definitions known in advance.
        check_class_definition_errors: raise if a class definition's nested Portable has none.
        compact_serializers: :class:`~.api.CompactSerializer` instances.
        custom_serializers: ``{class: StreamSerializer class or instance}``.
        global_serializer: a StreamSerializer (class or instance) for every other class.
        allow_pickle: pickle objects without a serializer, and unpickle type id -120.
    """

    def __init__(
        self,
        *,
        default_int_type: IntType = IntType.INT,
        is_big_endian: bool = True,
        portable_version: int = 0,
        data_serializable_factories: DataSerializableFactories | None = None,
        portable_factories: PortableFactories | None = None,
        class_definitions: Sequence[ClassDefinition] = (),
        check_class_definition_errors: bool = True,
        compact_serializers: Iterable[Any] = (),
        custom_serializers: Mapping[type, Any] | None = None,
        global_serializer: Any = None,
        allow_pickle: bool = False,
    ) -> None:
        self._int_type = IntType(default_int_type)
        self._big_endian = bool(is_big_endian)
        self._allow_pickle = bool(allow_pickle)
        prefix = ">" if self._big_endian else "<"

        self._by_id: dict[int, StreamSerializer[Any]] = {}
        for cls in BUILTIN_SERIALIZERS:
            builtin_serializer = cls()
            self._by_id[builtin_serializer.get_type_id()] = builtin_serializer

        # exact built-in types; int and datetime.datetime are chosen by value
        self._builtin: dict[type, StreamSerializer[Any]] = {}
        for py_type, serializer_cls in (
            (_NoneType, NoneSerializer),
            (bool, BooleanSerializer),
            (float, DoubleSerializer),
            (str, StringSerializer),
            (bytes, ByteArraySerializer),
            (bytearray, ByteArraySerializer),
            (uuid.UUID, UuidSerializer),
            (list, ArrayListSerializer),
            (HazelcastJsonValue, HazelcastJsonValueSerializer),
            (BooleanArray, BooleanArraySerializer),
            (CharArray, CharArraySerializer),
            (ShortArray, ShortArraySerializer),
            (IntArray, IntegerArraySerializer),
            (LongArray, LongArraySerializer),
            (FloatArray, FloatArraySerializer),
            (DoubleArray, DoubleArraySerializer),
            (StringArray, StringArraySerializer),
            (decimal.Decimal, BigDecimalSerializer),
            (datetime.date, LocalDateSerializer),
            (datetime.time, LocalTimeSerializer),
        ):
            self._builtin[py_type] = self._by_id[serializer_cls.type_id]
        self._builtin_types = frozenset(self._builtin) | {int, datetime.datetime, Data}
        self._local_date_time = self._by_id[LocalDateTimeSerializer.type_id]
        self._offset_date_time = self._by_id[OffsetDateTimeSerializer.type_id]

        int_serializers = {
            IntType.BYTE: self._by_id[ByteSerializer.type_id],
            IntType.SHORT: self._by_id[ShortSerializer.type_id],
            IntType.INT: self._by_id[IntegerSerializer.type_id],
            IntType.LONG: self._by_id[LongSerializer.type_id],
            IntType.BIG_INT: self._by_id[BigIntegerSerializer.type_id],
        }
        # VAR: (low, high, serializer) from the smallest type up; BigInteger for the rest
        self._var_int_serializers = tuple(
            (low, high, int_serializers[int_type])
            for int_type, (low, high, _) in INT_TYPE_RANGES.items()
        )
        self._big_int_serializer = int_serializers[IntType.BIG_INT]
        self._int_serializer = int_serializers.get(self._int_type)  # None for VAR

        # user types
        self._ids_serializer = IdentifiedDataSerializableSerializer(data_serializable_factories)
        self.portable_context = PortableContext(portable_version)
        """The Portable class definitions this service knows."""
        with _naming_option("class_definitions"):
            self.portable_context.register_all(
                list(class_definitions), bool(check_class_definition_errors)
            )
        self._portable_serializer = PortableSerializer(
            self, self.portable_context, portable_factories or {}
        )
        self.compact_schemas = SchemaRegistry()
        """The Compact schemas this service knows, and those the cluster may not know yet."""
        with _naming_option("compact_serializers"):
            self._compact_serializer = CompactStreamSerializer(
                compact_serializers, self.compact_schemas
            )
        self._compact_classes = self._compact_serializer.classes
        overriding = sorted(
            c.__qualname__ for c in self._compact_classes if c in self._builtin_types
        )
        if overriding:
            raise ValueError(
                f"compact_serializers cannot change the serialization of the built-in types "
                f"{overriding}"
            )
        pickle_serializer: StreamSerializer[Any] = (
            PickleSerializer() if self._allow_pickle else RefusedPickleSerializer()
        )
        for serializer in (
            self._ids_serializer,
            self._portable_serializer,
            self._compact_serializer,
            pickle_serializer,
        ):
            self._by_id[serializer.get_type_id()] = serializer
        self._pickle_serializer = pickle_serializer if self._allow_pickle else None

        self._custom: dict[type, StreamSerializer[Any]] = {}
        # class -> its serializer (or how to choose it by value), resolved once
        self._resolved: dict[type, _Resolved] = {}

        self._base_encoders = _fast_encoders(prefix, self._int_type)
        pack_length = struct.Struct(prefix + "8si").pack
        #: the header and length that start a top-level ``bytes``/``str`` Data of n bytes:
        #: ``Data(pack_str_head(len(raw)) + raw)`` is ``to_data`` of a ``str`` encoded to
        #: *raw*, for the proxies' key path, which inlines it
        self.pack_bytes_head = functools.partial(
            pack_length, _header(0, c.CONSTANT_TYPE_BYTE_ARRAY)
        )
        self.pack_str_head = functools.partial(pack_length, _header(0, c.CONSTANT_TYPE_STRING))
        self._base_encoders[list] = self._generic_encoder(self._builtin[list])
        # a built-in serializer -> the fast top-level encoder that writes the same bytes
        self._fast_by_serializer: dict[int, _Encoder] = {
            id(self._builtin[t]): self._base_encoders[t]
            for t in self._builtin
            if t in self._base_encoders
        }
        self._encoders: dict[type, _Encoder] = dict(self._base_encoders)
        # keyed by the 4 type id bytes; looked up with a slice of whatever to_object gets
        self._decoders: dict[Any, _Decoder] = _fast_decoders(prefix)
        for serializer in self._by_id.values():
            self._add_decoder(serializer)

        with _naming_option("custom_serializers"):
            for py_type, custom in (custom_serializers or {}).items():
                self.register_serializer(_instance(custom, "custom_serializers"), py_type)
        self._global: StreamSerializer[Any] | None = None
        if global_serializer is not None:
            with _naming_option("global_serializer"):
                self._global = _instance(global_serializer, "global_serializer")
                self.register_serializer(self._global)

    @classmethod
    def from_config(cls, config: Any) -> SerializationService:
        """The service the options of a :class:`hztrio.config.Config` describe."""
        return cls(
            default_int_type=config.default_int_type,
            is_big_endian=config.is_big_endian,
            portable_version=config.portable_version,
            data_serializable_factories=config.data_serializable_factories,
            portable_factories=config.portable_factories,
            class_definitions=list(config.class_definitions),
            check_class_definition_errors=config.check_class_definition_errors,
            compact_serializers=list(config.compact_serializers),
            custom_serializers=config.custom_serializers,
            global_serializer=config.global_serializer,
            allow_pickle=config.allow_pickle,
        )

    # -- configuration ----------------------------------------------------------------------

    @property
    def default_int_type(self) -> IntType:
        """Which Java type a Python ``int`` becomes."""
        return self._int_type

    @property
    def is_big_endian(self) -> bool:
        """True if payloads are big-endian (the default, and Hazelcast's)."""
        return self._big_endian

    @property
    def allow_pickle(self) -> bool:
        """True if objects without a serializer are pickled (and pickles are read)."""
        return self._allow_pickle

    # -- the two directions -----------------------------------------------------------------

    def to_data(self, obj: Any) -> Data | None:
        """Serialize ``obj``; ``None`` gives ``None`` and a :class:`Data` is returned as is.

        Raises:
            HazelcastSerializationError: no serializer for the type of ``obj``, or a value
                its serializer cannot write (an ``int`` too large for ``default_int_type``,
                a string with an unpaired surrogate…).
        """
        encode = self._encoders.get(type(obj))
        if encode is None:
            encode = self._encoder_for(type(obj))
        try:
            return encode(obj)
        except HazelcastError:
            raise
        except Exception as exc:
            raise self._encode_failed(obj, exc) from exc

    def split_bytes(self, value: bytes) -> SplitData:
        """``value`` (``bytes``) as a byte[] :class:`SplitData`: the same bytes as
        ``to_data(value)`` would hold, without copying ``value`` (for large request values)."""
        return SplitData(self.pack_bytes_head(len(value)), value)

    def to_object(self, data: bytes | bytearray | memoryview | None) -> Any:
        """Deserialize a :class:`Data` or the same bytes; ``None`` and empty data give ``None``.

        ``bytes`` (what codecs hand over) take the fast paths; a ``bytearray`` or
        ``memoryview`` is copied to ``bytes`` first.

        Raises:
            HazelcastSerializationError: an unknown type id, or a corrupt payload.
            SchemaNotFoundError: Compact data of a schema this client does not know yet
                (the proxies fetch it from the cluster and try again).
        """
        if data is None:
            return None
        try:
            decode = self._decoders[data[4:8]]
        except (KeyError, TypeError, ValueError):
            return self._to_object_slow(data)
        try:
            return decode(data)
        except HazelcastError:
            raise
        except Exception as exc:
            if not isinstance(data, bytes):  # the fast decoders want bytes: convert, retry
                return self._to_object_slow(data)
            raise self._decode_failed(data, exc) from exc

    def to_objects(self, items: Iterable[Any]) -> list[Any]:
        """``[to_object(data) for data in items]``, in about half the time for long lists.

        For the many values of one response (``entry_set``, ``values``, ``get_all``...):
        the decoder of a type id is looked up once per run of values of that type, and the
        common types are decoded without a call of :meth:`to_object` per value. Raises as
        :meth:`to_object` does, for the first value that cannot be deserialized.
        """
        decoders = self._decoders
        to_object = self.to_object
        out: list[Any] = []
        append = out.append
        last_key = b""
        decode: _Decoder | None = None
        data: Any = None
        try:
            for data in items:
                if data.__class__ is bytes:
                    key = data[4:8]
                    if key != last_key:
                        decode = decoders.get(key)
                        last_key = key
                    if decode is not None:
                        append(decode(data))
                        continue
                append(to_object(data))
        except HazelcastError:
            raise
        except Exception as exc:
            raise self._decode_failed(data, exc) from exc
        return out

    def to_object_pairs(self, pairs: Sequence[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
        """``[(to_object(k), to_object(v)) for k, v in pairs]``, as :meth:`to_objects`."""
        keys = self.to_objects([pair[0] for pair in pairs])
        values = self.to_objects([pair[1] for pair in pairs])
        return list(zip(keys, values, strict=True))

    # -- nested objects (used by ObjectDataOutput.write_object / ObjectDataInput.read_object) -

    def write_object(self, out: ObjectDataOutput, obj: Any) -> None:
        """Write ``obj`` to ``out`` as its type id (in the stream's byte order) and payload."""
        if isinstance(obj, Data):
            raise HazelcastSerializationError(
                "cannot write a Data as an object inside another one; use write_data"
            )
        serializer = self.serializer_for(obj)
        out.write_int(serializer.get_type_id())
        serializer.write(out, obj)

    def read_object(self, inp: ObjectDataInput) -> Any:
        """Read an object written by :meth:`write_object`."""
        serializer = self._serializer_by_id_or_raise(inp.read_int())
        return serializer.read(inp)

    # -- the registry -----------------------------------------------------------------------

    def serializer_for(self, obj: Any) -> StreamSerializer[Any]:
        """The serializer that writes ``obj``.

        Raises:
            HazelcastSerializationError: there is none for the type of ``obj``.
        """
        cls = type(obj)
        resolved = self._resolved.get(cls)
        if resolved is None:
            resolved = self._resolve(cls)
        if resolved is _BY_INT:
            return self._int_serializer_for(obj)
        if resolved is _BY_DATETIME:
            return self._date_time_serializer_for(obj)
        assert isinstance(resolved, StreamSerializer)
        return resolved

    def serializer_by_type_id(self, type_id: int) -> StreamSerializer[Any] | None:
        """The serializer that reads type id ``type_id``, or ``None``."""
        return self._by_id.get(type_id)

    def register_serializer(
        self, serializer: StreamSerializer[Any], py_type: type | None = None
    ) -> None:
        """Add a serializer: by its type id, and for ``py_type`` (and its subclasses) if given.

        Raises:
            ValueError: the type id is taken by another serializer, or ``py_type`` is a
                built-in type (whose serialization cannot be overridden).
        """
        type_id = serializer.get_type_id()
        current = self._by_id.get(type_id)
        if current is not None and current is not serializer:
            raise ValueError(f"type id {type_id} is already used by {current!r}")
        if py_type is not None:
            if py_type in self._builtin_types:
                raise ValueError(
                    f"the serialization of the built-in type {_type_name(py_type)} cannot "
                    f"be overridden"
                )
            registered = self._custom.get(py_type)
            if registered is not None and registered is not serializer:
                raise ValueError(f"{_type_name(py_type)} already has the serializer {registered!r}")
        self._by_id[type_id] = serializer
        self._add_decoder(serializer)
        if py_type is not None:
            self._custom[py_type] = serializer
            # classes may now resolve differently
            self._resolved.clear()
            self._encoders = dict(self._base_encoders)

    # -- internals --------------------------------------------------------------------------

    def _resolve(self, cls: type) -> _Resolved:
        """Find (and cache) how objects of ``cls`` are written, in the seed's priority."""
        resolved: _Resolved | None = None
        if cls in self._compact_classes:
            resolved = self._compact_serializer
        elif issubclass(cls, IdentifiedDataSerializable):
            resolved = self._ids_serializer
        elif issubclass(cls, Portable):
            resolved = self._portable_serializer
        else:
            builtin = self._builtin
            custom = self._custom
            for base in cls.__mro__:
                if base is int:
                    resolved = _BY_INT
                elif base is datetime.datetime:
                    resolved = _BY_DATETIME
                else:
                    resolved = builtin.get(base) or custom.get(base)
                if resolved is not None:
                    break
        if resolved is None:
            resolved = self._global or self._pickle_serializer
        if resolved is None:
            raise HazelcastSerializationError(
                f"there is no serializer for {_type_name(cls)}. hztrio serializes None, bool, "
                f"int, float, str, bytes, bytearray, uuid.UUID, list, decimal.Decimal, "
                f"datetime.date/time/datetime and HazelcastJsonValue; for other classes, "
                f"subclass IdentifiedDataSerializable or Portable (and register the class in "
                f"data_serializable_factories / portable_factories to read it), or register "
                f"a CompactSerializer (compact_serializers), a StreamSerializer "
                f"(custom_serializers) or a global_serializer. Pickle is off unless you set "
                f"allow_pickle=True, because unpickling data from a cluster runs code chosen "
                f"by whoever wrote it."
            )
        self._resolved[cls] = resolved
        return resolved

    def _int_serializer_for(self, obj: int) -> StreamSerializer[Any]:
        serializer = self._int_serializer
        if serializer is not None:
            return serializer
        for low, high, candidate in self._var_int_serializers:
            if low <= obj <= high:
                return candidate
        return self._big_int_serializer

    def _date_time_serializer_for(self, obj: datetime.datetime) -> StreamSerializer[Any]:
        if obj.utcoffset() is None:
            return self._local_date_time
        return self._offset_date_time

    def _encoder_for(self, cls: type) -> _Encoder:
        """Find (and cache) the top-level encoder of a type without an exact entry."""
        if issubclass(cls, Data):
            encoder = self._base_encoders[Data]
        else:
            resolved = self._resolved.get(cls) or self._resolve(cls)
            if resolved is _BY_INT:
                encoder = self._base_encoders[int]
            elif resolved is _BY_DATETIME:
                encoder = self._base_encoders[datetime.datetime]
            elif isinstance(resolved, _ByValue):  # pragma: no cover - every marker is above
                encoder = self._by_value_encoder()
            else:
                encoder = self._fast_by_serializer.get(id(resolved)) or self._generic_encoder(
                    resolved
                )
        self._encoders[cls] = encoder
        return encoder

    def _generic_encoder(self, serializer: StreamSerializer[Any]) -> _Encoder:
        header = _header(0, serializer.get_type_id())
        big_endian = self._big_endian

        def encode(obj: Any) -> Data:
            out = ObjectDataOutput(self, big_endian)
            out.write_from(header)
            serializer.write(out, obj)
            return Data(out._buf)

        return encode

    def _by_value_encoder(self) -> _Encoder:
        big_endian = self._big_endian
        serializer_for = self.serializer_for

        def encode(obj: Any) -> Data:
            serializer = serializer_for(obj)
            out = ObjectDataOutput(self, big_endian)
            out.write_from(_header(0, serializer.get_type_id()))
            serializer.write(out, obj)
            return Data(out._buf)

        return encode

    def _add_decoder(self, serializer: StreamSerializer[Any]) -> None:
        """Give ``to_object`` a decoder for the serializer's type id, unless one is built in."""
        if serializer.get_type_id() in _FAST_DECODED:
            return
        key = _type_key(serializer.get_type_id())
        big_endian = self._big_endian
        read = serializer.read

        def decode(data: Any) -> Any:
            return read(ObjectDataInput(data, c.DATA_OFFSET, self, big_endian))

        self._decoders[key] = decode

    def _serializer_by_id_or_raise(self, type_id: int) -> StreamSerializer[Any]:
        serializer = self._by_id.get(type_id)
        if serializer is None:
            name = _TYPE_NAMES.get(type_id)
            what = f" ({name})" if name else ""
            raise HazelcastSerializationError(f"there is no serializer for type id {type_id}{what}")
        return serializer

    def _to_object_slow(self, data: Any) -> Any:
        if not isinstance(data, bytes):
            if not isinstance(data, bytearray | memoryview):
                raise TypeError(f"to_object() takes bytes or Data, not {type(data).__name__}")
            if bytes(data[4:8]) == _BYTE_ARRAY_KEY:
                # a byte[] (a large value is received into a bytearray): one copy, the result
                try:
                    return self._decoders[_BYTE_ARRAY_KEY](memoryview(data))
                except Exception as exc:
                    raise self._decode_failed(bytes(data), exc) from exc
            data = bytes(data)
        size = len(data)
        if size == 0:
            return None
        if size < c.DATA_OFFSET:
            raise HazelcastSerializationError(
                f"corrupt data: {size} bytes is shorter than the 8-byte Data header"
            )
        type_id = int.from_bytes(data[4:8], "big", signed=True)
        try:
            decode = self._decoders.get(data[4:8])
            if decode is not None:
                return decode(data)
            serializer = self._serializer_by_id_or_raise(type_id)
            inp = ObjectDataInput(data, c.DATA_OFFSET, self, self._big_endian)
            return serializer.read(inp)
        except HazelcastError:
            raise
        except Exception as exc:
            raise self._decode_failed(data, exc) from exc

    def _encode_failed(self, obj: Any, exc: Exception) -> HazelcastSerializationError:
        if isinstance(obj, int) and isinstance(exc, struct.error | OverflowError):
            return int_out_of_range(obj, self._int_type)
        if isinstance(exc, UnicodeEncodeError) and isinstance(exc.object, str):
            char = exc.object[exc.start : exc.start + 1]
            return HazelcastSerializationError(
                f"cannot serialize a string with the unpaired surrogate {char!r} at index "
                f"{exc.start}: it has no UTF-8 form"
            )
        if isinstance(exc, RecursionError):
            return HazelcastSerializationError(
                f"cannot serialize {_type_name(type(obj))}: nested too deeply (or it contains "
                f"itself)"
            )
        return HazelcastSerializationError(
            f"cannot serialize {_type_name(type(obj))}: {type(exc).__name__}: {exc}"
        )

    def _decode_failed(self, data: Any, exc: Exception) -> HazelcastSerializationError:
        try:
            type_id: int | str = int.from_bytes(bytes(data[4:8]), "big", signed=True)
        except Exception:  # pragma: no cover - data is bytes-like here
            type_id = "?"
        name = _TYPE_NAMES.get(type_id) if isinstance(type_id, int) else None
        what = f" ({name})" if name else ""
        if isinstance(exc, UnicodeDecodeError):
            detail = f"malformed UTF-8 ({exc.reason})"
        elif isinstance(exc, struct.error | IndexError):
            detail = f"truncated data ({len(data)} bytes)"
        elif isinstance(exc, RecursionError):
            detail = "nested too deeply"
        else:
            detail = f"{type(exc).__name__}: {exc}"
        return HazelcastSerializationError(
            f"cannot deserialize Data of type id {type_id}{what}: {detail}"
        )


def _instance(serializer: Any, option: str) -> StreamSerializer[Any]:
    """A StreamSerializer from a class (instantiated without arguments) or an instance."""
    if isinstance(serializer, type):
        try:
            serializer = serializer()
        except Exception as exc:
            raise TypeError(
                f"{option}: cannot create {serializer.__name__}() without arguments: {exc}"
            ) from exc
    for method in ("get_type_id", "write", "read"):
        if not callable(getattr(serializer, method, None)):
            raise TypeError(
                f"{option}: {serializer!r} is not a StreamSerializer (it has no {method}())"
            )
    type_id = serializer.get_type_id()
    if isinstance(type_id, bool) or not isinstance(type_id, int) or type_id <= 0:
        raise ValueError(
            f"{option}: {type(serializer).__name__}.get_type_id() must be a positive int "
            f"(negative ids belong to Hazelcast), not {type_id!r}"
        )
    return serializer  # type: ignore[no-any-return]


_FAST_DECODED: Final = frozenset(
    {
        c.CONSTANT_TYPE_NULL,
        c.CONSTANT_TYPE_BOOLEAN,
        c.CONSTANT_TYPE_BYTE,
        c.CONSTANT_TYPE_CHAR,
        c.CONSTANT_TYPE_SHORT,
        c.CONSTANT_TYPE_INTEGER,
        c.CONSTANT_TYPE_LONG,
        c.CONSTANT_TYPE_FLOAT,
        c.CONSTANT_TYPE_DOUBLE,
        c.CONSTANT_TYPE_STRING,
        c.CONSTANT_TYPE_BYTE_ARRAY,
        c.CONSTANT_TYPE_UUID,
        c.JAVA_DEFAULT_TYPE_BIG_INTEGER,
        c.JAVASCRIPT_JSON_SERIALIZATION_TYPE,
        c.JAVA_DEFAULT_TYPE_LOCAL_DATE,
        c.JAVA_DEFAULT_TYPE_LOCAL_TIME,
        c.JAVA_DEFAULT_TYPE_LOCAL_DATE_TIME,
        c.JAVA_DEFAULT_TYPE_OFFSET_DATE_TIME,
    }
)
"""The type ids ``_fast_decoders`` reads without a stream."""


@contextlib.contextmanager
def _naming_option(name: str) -> Iterator[None]:
    """Configuration errors found while building the service name the option at fault (as
    a TypeError or ValueError, like every other configuration error)."""
    try:
        yield
    except TypeError as exc:
        if str(exc).startswith(name):
            raise
        raise TypeError(f"{name}: {exc}") from exc
    except (ValueError, HazelcastSerializationError) as exc:
        if isinstance(exc, ValueError) and str(exc).startswith(name):
            raise
        raise ValueError(f"{name}: {exc}") from exc
