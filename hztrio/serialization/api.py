"""The serialization API users implement and call: serializers, readers and writers.

The names are those of the official client's ``hazelcast.serialization.api``, so classes
written for it work with hztrio once their imports name this module:

- :class:`IdentifiedDataSerializable`: the object writes itself to an
  :class:`ObjectDataOutput` and is rebuilt from a factory of classes
  (``data_serializable_factories``); fast and compact, but Java needs the same class.
- :class:`Portable`: fields written by name through a :class:`PortableWriter`; members query
  and index them without the class, and class versions may differ (``portable_factories``).
- :class:`CompactSerializer`: Hazelcast 5's schema-based format; the schema travels to the
  cluster once, the data carries only its id (``compact_serializers``).
- :class:`StreamSerializer`: a serializer of your own for a class (``custom_serializers``) or
  for everything else (``global_serializer``).

None of these classes does I/O: serialization happens in the calling task, before a request
is sent.
"""

from __future__ import annotations

import abc
import datetime
import decimal
import enum
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from .input import ObjectDataInput
from .output import ObjectDataOutput
from .portable.classdef import FieldType

__all__ = [
    "CompactReader",
    "CompactSerializableType",
    "CompactSerializer",
    "CompactWriter",
    "FieldKind",
    "FieldType",
    "IdentifiedDataSerializable",
    "ObjectDataInput",
    "ObjectDataOutput",
    "Portable",
    "PortableReader",
    "PortableWriter",
    "StreamSerializer",
]

T = TypeVar("T")
CompactSerializableType = TypeVar("CompactSerializableType")
"""The type of the objects a :class:`CompactSerializer` reads and writes."""


# --------------------------------------------------------------------------------------------
# StreamSerializer
# --------------------------------------------------------------------------------------------


class StreamSerializer(abc.ABC, Generic[T]):
    """Writes objects of one kind to an :class:`ObjectDataOutput` and reads them back.

    The type id goes into every serialized form the serializer writes and picks the serializer
    that reads it back, on clients and members alike: custom serializers must use a positive
    id, unique in the cluster (negative ids belong to Hazelcast).
    """

    @abc.abstractmethod
    def get_type_id(self) -> int:
        """The serializer's type id."""

    @abc.abstractmethod
    def write(self, out: ObjectDataOutput, obj: T) -> None:
        """Write ``obj`` to ``out``."""

    @abc.abstractmethod
    def read(self, inp: ObjectDataInput) -> T:
        """Read an object written by :meth:`write` from ``inp``."""

    def destroy(self) -> None:
        """Release resources when the service shuts down (nothing by default)."""


# --------------------------------------------------------------------------------------------
# IdentifiedDataSerializable
# --------------------------------------------------------------------------------------------


class IdentifiedDataSerializable:
    """An object that writes and reads its own fields, identified by two ints.

    Subclass it and implement the four methods; Java has the same class, with a
    ``DataSerializableFactory`` that creates it from the class id. To *read* such objects,
    register the class in the client's ``data_serializable_factories``
    (``{factory_id: {class_id: cls}}``; ``cls()`` must work without arguments). Writing needs
    no registration, so objects that are only sent (predicates, aggregators, entry processors)
    just subclass this.

    ``write_data`` and ``read_data`` must write and read the same values in the same order;
    the bytes carry no field names or types.
    """

    def write_data(self, output: ObjectDataOutput) -> None:
        """Write the object's fields to ``output``."""
        raise NotImplementedError(f"{type(self).__name__}.write_data()")

    def read_data(self, input: ObjectDataInput) -> None:
        """Read the fields written by :meth:`write_data` from ``input`` into ``self``."""
        raise NotImplementedError(f"{type(self).__name__}.read_data()")

    def get_factory_id(self) -> int:
        """The id of the factory that creates this class (the same as Java's)."""
        raise NotImplementedError(f"{type(self).__name__}.get_factory_id()")

    def get_class_id(self) -> int:
        """The id of this class within its factory (the same as Java's)."""
        raise NotImplementedError(f"{type(self).__name__}.get_class_id()")


# --------------------------------------------------------------------------------------------
# Portable
# --------------------------------------------------------------------------------------------


class Portable:
    """An object whose fields are written by name, so members can query them without the class.

    Subclass it, implement the four methods, and register the class in the client's
    ``portable_factories`` (``{factory_id: {class_id: cls}}``; ``cls()`` must work without
    arguments). The class id must not be 0.

    Versioning: every Portable class has a version, ``portable_version`` (0 by default)
    unless the class defines ``get_class_version()``. Data written with another version of
    the class is still read: a field the data does not have reads as 0, ``False`` or ``None``
    (as Java's ``MorphingPortableReader`` does); numeric fields widen (``int`` read as
    ``long``…); an incompatible change raises
    :class:`~hztrio.errors.HazelcastSerializationError`.
    """

    def write_portable(self, writer: PortableWriter) -> None:
        """Write the fields with ``writer``."""
        raise NotImplementedError(f"{type(self).__name__}.write_portable()")

    def read_portable(self, reader: PortableReader) -> None:
        """Read the fields with ``reader`` into ``self``."""
        raise NotImplementedError(f"{type(self).__name__}.read_portable()")

    def get_factory_id(self) -> int:
        """The id of the factory that creates this class."""
        raise NotImplementedError(f"{type(self).__name__}.get_factory_id()")

    def get_class_id(self) -> int:
        """The id of this class within its factory (not 0)."""
        raise NotImplementedError(f"{type(self).__name__}.get_class_id()")


class PortableWriter(abc.ABC):
    """Writes the named fields of a :class:`Portable` (what ``write_portable`` receives).

    The field types are Java's: ``write_int`` writes a 32-bit ``int``, ``write_long`` a
    ``long``, ``write_char`` a UTF-16 ``char`` and so on; a value the type cannot hold raises
    :class:`~hztrio.errors.HazelcastSerializationError`. Write every field of the class every
    time, in the same order.
    """

    @abc.abstractmethod
    def write_int(self, field_name: str, value: int) -> None:
        """Write a 32-bit int."""

    @abc.abstractmethod
    def write_long(self, field_name: str, value: int) -> None:
        """Write a 64-bit long."""

    @abc.abstractmethod
    def write_string(self, field_name: str, value: str | None) -> None:
        """Write a string (may be ``None``)."""

    def write_utf(self, field_name: str, value: str | None) -> None:
        """Deprecated name of :meth:`write_string`."""
        self.write_string(field_name, value)

    @abc.abstractmethod
    def write_boolean(self, field_name: str, value: bool) -> None:
        """Write a boolean."""

    @abc.abstractmethod
    def write_byte(self, field_name: str, value: int) -> None:
        """Write a byte (-128..127, or 0..255 taken as its two's complement)."""

    @abc.abstractmethod
    def write_char(self, field_name: str, value: str | int) -> None:
        """Write a char: a one-character str of the BMP, or its code."""

    @abc.abstractmethod
    def write_double(self, field_name: str, value: float) -> None:
        """Write a 64-bit double."""

    @abc.abstractmethod
    def write_float(self, field_name: str, value: float) -> None:
        """Write a 32-bit float."""

    @abc.abstractmethod
    def write_short(self, field_name: str, value: int) -> None:
        """Write a 16-bit short."""

    @abc.abstractmethod
    def write_portable(self, field_name: str, portable: Portable | None) -> None:
        """Write a nested Portable (``None`` needs a registered class definition)."""

    @abc.abstractmethod
    def write_null_portable(self, field_name: str, factory_id: int, class_id: int) -> None:
        """Write a ``None`` nested Portable of the given class."""

    @abc.abstractmethod
    def write_decimal(self, field_name: str, value: decimal.Decimal | None) -> None:
        """Write a Java ``BigDecimal``."""

    @abc.abstractmethod
    def write_time(self, field_name: str, value: datetime.time | None) -> None:
        """Write a Java ``LocalTime`` (a naive ``time``)."""

    @abc.abstractmethod
    def write_date(self, field_name: str, value: datetime.date | None) -> None:
        """Write a Java ``LocalDate``."""

    @abc.abstractmethod
    def write_timestamp(self, field_name: str, value: datetime.datetime | None) -> None:
        """Write a Java ``LocalDateTime`` (a naive ``datetime``)."""

    @abc.abstractmethod
    def write_timestamp_with_timezone(
        self, field_name: str, value: datetime.datetime | None
    ) -> None:
        """Write a Java ``OffsetDateTime`` (an aware ``datetime``; naive means UTC)."""

    @abc.abstractmethod
    def write_byte_array(self, field_name: str, values: bytes | bytearray | None) -> None:
        """Write a ``byte[]``."""

    @abc.abstractmethod
    def write_boolean_array(self, field_name: str, values: Sequence[bool] | None) -> None:
        """Write a ``boolean[]``."""

    @abc.abstractmethod
    def write_char_array(self, field_name: str, values: Sequence[str] | str | None) -> None:
        """Write a ``char[]``."""

    @abc.abstractmethod
    def write_int_array(self, field_name: str, values: Sequence[int] | None) -> None:
        """Write an ``int[]``."""

    @abc.abstractmethod
    def write_long_array(self, field_name: str, values: Sequence[int] | None) -> None:
        """Write a ``long[]``."""

    @abc.abstractmethod
    def write_double_array(self, field_name: str, values: Sequence[float] | None) -> None:
        """Write a ``double[]``."""

    @abc.abstractmethod
    def write_float_array(self, field_name: str, values: Sequence[float] | None) -> None:
        """Write a ``float[]``."""

    @abc.abstractmethod
    def write_short_array(self, field_name: str, values: Sequence[int] | None) -> None:
        """Write a ``short[]``."""

    @abc.abstractmethod
    def write_string_array(self, field_name: str, values: Sequence[str | None] | None) -> None:
        """Write a ``String[]``."""

    def write_utf_array(self, field_name: str, values: Sequence[str | None] | None) -> None:
        """Deprecated name of :meth:`write_string_array`."""
        self.write_string_array(field_name, values)

    @abc.abstractmethod
    def write_decimal_array(
        self, field_name: str, values: Sequence[decimal.Decimal] | None
    ) -> None:
        """Write a ``BigDecimal[]`` (no ``None`` items)."""

    @abc.abstractmethod
    def write_time_array(self, field_name: str, values: Sequence[datetime.time] | None) -> None:
        """Write a ``LocalTime[]`` (no ``None`` items)."""

    @abc.abstractmethod
    def write_date_array(self, field_name: str, values: Sequence[datetime.date] | None) -> None:
        """Write a ``LocalDate[]`` (no ``None`` items)."""

    @abc.abstractmethod
    def write_timestamp_array(
        self, field_name: str, values: Sequence[datetime.datetime] | None
    ) -> None:
        """Write a ``LocalDateTime[]`` (no ``None`` items)."""

    @abc.abstractmethod
    def write_timestamp_with_timezone_array(
        self, field_name: str, values: Sequence[datetime.datetime] | None
    ) -> None:
        """Write an ``OffsetDateTime[]`` (no ``None`` items)."""

    @abc.abstractmethod
    def write_portable_array(self, field_name: str, values: Sequence[Portable] | None) -> None:
        """Write a ``Portable[]`` of one class (``None`` or empty needs a class definition)."""

    @abc.abstractmethod
    def get_raw_data_output(self) -> ObjectDataOutput:
        """An output for unnamed data after the fields; no field may be written after it."""


class PortableReader(abc.ABC):
    """Reads the named fields of a :class:`Portable` (what ``read_portable`` receives)."""

    @abc.abstractmethod
    def get_version(self) -> int:
        """The class version the data was written with."""

    @abc.abstractmethod
    def has_field(self, field_name: str) -> bool:
        """True if the data has a field of that name."""

    @abc.abstractmethod
    def get_field_names(self) -> set[str]:
        """The names of the data's fields."""

    @abc.abstractmethod
    def get_field_type(self, field_name: str) -> FieldType:
        """The type of a field of the data."""

    @abc.abstractmethod
    def get_field_class_id(self, field_name: str) -> int:
        """The class id of a Portable field of the data."""

    @abc.abstractmethod
    def read_int(self, field_name: str) -> int:
        """Read a 32-bit int."""

    @abc.abstractmethod
    def read_long(self, field_name: str) -> int:
        """Read a 64-bit long."""

    @abc.abstractmethod
    def read_string(self, field_name: str) -> str | None:
        """Read a string."""

    def read_utf(self, field_name: str) -> str | None:
        """Deprecated name of :meth:`read_string`."""
        return self.read_string(field_name)

    @abc.abstractmethod
    def read_boolean(self, field_name: str) -> bool:
        """Read a boolean."""

    @abc.abstractmethod
    def read_byte(self, field_name: str) -> int:
        """Read a signed byte."""

    @abc.abstractmethod
    def read_char(self, field_name: str) -> str:
        """Read a char as a one-character str."""

    @abc.abstractmethod
    def read_double(self, field_name: str) -> float:
        """Read a double."""

    @abc.abstractmethod
    def read_float(self, field_name: str) -> float:
        """Read a float."""

    @abc.abstractmethod
    def read_short(self, field_name: str) -> int:
        """Read a short."""

    @abc.abstractmethod
    def read_portable(self, field_name: str) -> Any:
        """Read a nested Portable (or ``None``)."""

    @abc.abstractmethod
    def read_decimal(self, field_name: str) -> decimal.Decimal | None:
        """Read a ``BigDecimal``."""

    @abc.abstractmethod
    def read_time(self, field_name: str) -> datetime.time | None:
        """Read a ``LocalTime`` (microseconds: the nanoseconds are truncated)."""

    @abc.abstractmethod
    def read_date(self, field_name: str) -> datetime.date | None:
        """Read a ``LocalDate``."""

    @abc.abstractmethod
    def read_timestamp(self, field_name: str) -> datetime.datetime | None:
        """Read a ``LocalDateTime`` as a naive ``datetime``."""

    @abc.abstractmethod
    def read_timestamp_with_timezone(self, field_name: str) -> datetime.datetime | None:
        """Read an ``OffsetDateTime`` as an aware ``datetime`` with a fixed offset."""

    @abc.abstractmethod
    def read_byte_array(self, field_name: str) -> bytes | None:
        """Read a ``byte[]``."""

    @abc.abstractmethod
    def read_boolean_array(self, field_name: str) -> list[bool] | None:
        """Read a ``boolean[]``."""

    @abc.abstractmethod
    def read_char_array(self, field_name: str) -> list[str] | None:
        """Read a ``char[]``."""

    @abc.abstractmethod
    def read_int_array(self, field_name: str) -> list[int] | None:
        """Read an ``int[]``."""

    @abc.abstractmethod
    def read_long_array(self, field_name: str) -> list[int] | None:
        """Read a ``long[]``."""

    @abc.abstractmethod
    def read_double_array(self, field_name: str) -> list[float] | None:
        """Read a ``double[]``."""

    @abc.abstractmethod
    def read_float_array(self, field_name: str) -> list[float] | None:
        """Read a ``float[]``."""

    @abc.abstractmethod
    def read_short_array(self, field_name: str) -> list[int] | None:
        """Read a ``short[]``."""

    @abc.abstractmethod
    def read_string_array(self, field_name: str) -> list[str | None] | None:
        """Read a ``String[]``."""

    def read_utf_array(self, field_name: str) -> list[str | None] | None:
        """Deprecated name of :meth:`read_string_array`."""
        return self.read_string_array(field_name)

    @abc.abstractmethod
    def read_decimal_array(self, field_name: str) -> list[decimal.Decimal] | None:
        """Read a ``BigDecimal[]``."""

    @abc.abstractmethod
    def read_time_array(self, field_name: str) -> list[datetime.time] | None:
        """Read a ``LocalTime[]``."""

    @abc.abstractmethod
    def read_date_array(self, field_name: str) -> list[datetime.date] | None:
        """Read a ``LocalDate[]``."""

    @abc.abstractmethod
    def read_timestamp_array(self, field_name: str) -> list[datetime.datetime] | None:
        """Read a ``LocalDateTime[]``."""

    @abc.abstractmethod
    def read_timestamp_with_timezone_array(self, field_name: str) -> list[datetime.datetime] | None:
        """Read an ``OffsetDateTime[]``."""

    @abc.abstractmethod
    def read_portable_array(self, field_name: str) -> list[Any] | None:
        """Read a ``Portable[]``."""

    @abc.abstractmethod
    def get_raw_data_input(self) -> ObjectDataInput:
        """The input of the unnamed data after the fields; no field may be read after it."""


# --------------------------------------------------------------------------------------------
# Compact
# --------------------------------------------------------------------------------------------


class FieldKind(enum.IntEnum):
    """The kinds of Compact fields (the ids are Java's ``FieldKind`` ids)."""

    NOT_AVAILABLE = 0
    """The field does not exist (what :meth:`CompactReader.get_field_kind` returns)."""
    BOOLEAN = 1
    ARRAY_OF_BOOLEAN = 2
    INT8 = 3
    ARRAY_OF_INT8 = 4
    CHAR = 5
    """Not supported by Compact serialization."""
    ARRAY_OF_CHAR = 6
    """Not supported by Compact serialization."""
    INT16 = 7
    ARRAY_OF_INT16 = 8
    INT32 = 9
    ARRAY_OF_INT32 = 10
    INT64 = 11
    ARRAY_OF_INT64 = 12
    FLOAT32 = 13
    ARRAY_OF_FLOAT32 = 14
    FLOAT64 = 15
    ARRAY_OF_FLOAT64 = 16
    STRING = 17
    ARRAY_OF_STRING = 18
    DECIMAL = 19
    ARRAY_OF_DECIMAL = 20
    TIME = 21
    ARRAY_OF_TIME = 22
    DATE = 23
    ARRAY_OF_DATE = 24
    TIMESTAMP = 25
    ARRAY_OF_TIMESTAMP = 26
    TIMESTAMP_WITH_TIMEZONE = 27
    ARRAY_OF_TIMESTAMP_WITH_TIMEZONE = 28
    COMPACT = 29
    ARRAY_OF_COMPACT = 30
    PORTABLE = 31
    """Not supported by Compact serialization."""
    ARRAY_OF_PORTABLE = 32
    """Not supported by Compact serialization."""
    NULLABLE_BOOLEAN = 33
    ARRAY_OF_NULLABLE_BOOLEAN = 34
    NULLABLE_INT8 = 35
    ARRAY_OF_NULLABLE_INT8 = 36
    NULLABLE_INT16 = 37
    ARRAY_OF_NULLABLE_INT16 = 38
    NULLABLE_INT32 = 39
    ARRAY_OF_NULLABLE_INT32 = 40
    NULLABLE_INT64 = 41
    ARRAY_OF_NULLABLE_INT64 = 42
    NULLABLE_FLOAT32 = 43
    ARRAY_OF_NULLABLE_FLOAT32 = 44
    NULLABLE_FLOAT64 = 45
    ARRAY_OF_NULLABLE_FLOAT64 = 46


class CompactWriter(abc.ABC):
    """Writes the named fields of a Compact object (what :meth:`CompactSerializer.write`
    receives).

    The method picks the field's kind; the first object of a class written defines its schema
    (field names and kinds), so write the same fields with the same methods every time. A
    value the kind cannot hold raises :class:`~hztrio.errors.HazelcastSerializationError`.
    """

    @abc.abstractmethod
    def write_boolean(self, field_name: str, value: bool) -> None:
        """Write a boolean."""

    @abc.abstractmethod
    def write_nullable_boolean(self, field_name: str, value: bool | None) -> None:
        """Write a nullable boolean."""

    @abc.abstractmethod
    def write_int8(self, field_name: str, value: int) -> None:
        """Write an 8-bit signed integer."""

    @abc.abstractmethod
    def write_nullable_int8(self, field_name: str, value: int | None) -> None:
        """Write a nullable 8-bit signed integer."""

    @abc.abstractmethod
    def write_int16(self, field_name: str, value: int) -> None:
        """Write a 16-bit signed integer."""

    @abc.abstractmethod
    def write_nullable_int16(self, field_name: str, value: int | None) -> None:
        """Write a nullable 16-bit signed integer."""

    @abc.abstractmethod
    def write_int32(self, field_name: str, value: int) -> None:
        """Write a 32-bit signed integer."""

    @abc.abstractmethod
    def write_nullable_int32(self, field_name: str, value: int | None) -> None:
        """Write a nullable 32-bit signed integer."""

    @abc.abstractmethod
    def write_int64(self, field_name: str, value: int) -> None:
        """Write a 64-bit signed integer."""

    @abc.abstractmethod
    def write_nullable_int64(self, field_name: str, value: int | None) -> None:
        """Write a nullable 64-bit signed integer."""

    @abc.abstractmethod
    def write_float32(self, field_name: str, value: float) -> None:
        """Write a 32-bit float."""

    @abc.abstractmethod
    def write_nullable_float32(self, field_name: str, value: float | None) -> None:
        """Write a nullable 32-bit float."""

    @abc.abstractmethod
    def write_float64(self, field_name: str, value: float) -> None:
        """Write a 64-bit float."""

    @abc.abstractmethod
    def write_nullable_float64(self, field_name: str, value: float | None) -> None:
        """Write a nullable 64-bit float."""

    @abc.abstractmethod
    def write_string(self, field_name: str, value: str | None) -> None:
        """Write a string."""

    @abc.abstractmethod
    def write_decimal(self, field_name: str, value: decimal.Decimal | None) -> None:
        """Write a decimal (Java ``BigDecimal``)."""

    @abc.abstractmethod
    def write_time(self, field_name: str, value: datetime.time | None) -> None:
        """Write a time (Java ``LocalTime``)."""

    @abc.abstractmethod
    def write_date(self, field_name: str, value: datetime.date | None) -> None:
        """Write a date (Java ``LocalDate``)."""

    @abc.abstractmethod
    def write_timestamp(self, field_name: str, value: datetime.datetime | None) -> None:
        """Write a naive datetime (Java ``LocalDateTime``)."""

    @abc.abstractmethod
    def write_timestamp_with_timezone(
        self, field_name: str, value: datetime.datetime | None
    ) -> None:
        """Write an aware datetime (Java ``OffsetDateTime``; naive means UTC)."""

    @abc.abstractmethod
    def write_compact(self, field_name: str, value: Any) -> None:
        """Write a nested Compact object (its class needs a Compact serializer)."""

    @abc.abstractmethod
    def write_array_of_boolean(self, field_name: str, value: Sequence[bool] | None) -> None:
        """Write an array of booleans."""

    @abc.abstractmethod
    def write_array_of_nullable_boolean(
        self, field_name: str, value: Sequence[bool | None] | None
    ) -> None:
        """Write an array of nullable booleans."""

    @abc.abstractmethod
    def write_array_of_int8(self, field_name: str, value: Sequence[int] | None) -> None:
        """Write an array of 8-bit integers."""

    @abc.abstractmethod
    def write_array_of_nullable_int8(
        self, field_name: str, value: Sequence[int | None] | None
    ) -> None:
        """Write an array of nullable 8-bit integers."""

    @abc.abstractmethod
    def write_array_of_int16(self, field_name: str, value: Sequence[int] | None) -> None:
        """Write an array of 16-bit integers."""

    @abc.abstractmethod
    def write_array_of_nullable_int16(
        self, field_name: str, value: Sequence[int | None] | None
    ) -> None:
        """Write an array of nullable 16-bit integers."""

    @abc.abstractmethod
    def write_array_of_int32(self, field_name: str, value: Sequence[int] | None) -> None:
        """Write an array of 32-bit integers."""

    @abc.abstractmethod
    def write_array_of_nullable_int32(
        self, field_name: str, value: Sequence[int | None] | None
    ) -> None:
        """Write an array of nullable 32-bit integers."""

    @abc.abstractmethod
    def write_array_of_int64(self, field_name: str, value: Sequence[int] | None) -> None:
        """Write an array of 64-bit integers."""

    @abc.abstractmethod
    def write_array_of_nullable_int64(
        self, field_name: str, value: Sequence[int | None] | None
    ) -> None:
        """Write an array of nullable 64-bit integers."""

    @abc.abstractmethod
    def write_array_of_float32(self, field_name: str, value: Sequence[float] | None) -> None:
        """Write an array of 32-bit floats."""

    @abc.abstractmethod
    def write_array_of_nullable_float32(
        self, field_name: str, value: Sequence[float | None] | None
    ) -> None:
        """Write an array of nullable 32-bit floats."""

    @abc.abstractmethod
    def write_array_of_float64(self, field_name: str, value: Sequence[float] | None) -> None:
        """Write an array of 64-bit floats."""

    @abc.abstractmethod
    def write_array_of_nullable_float64(
        self, field_name: str, value: Sequence[float | None] | None
    ) -> None:
        """Write an array of nullable 64-bit floats."""

    @abc.abstractmethod
    def write_array_of_string(self, field_name: str, value: Sequence[str | None] | None) -> None:
        """Write an array of strings."""

    @abc.abstractmethod
    def write_array_of_decimal(
        self, field_name: str, value: Sequence[decimal.Decimal | None] | None
    ) -> None:
        """Write an array of decimals."""

    @abc.abstractmethod
    def write_array_of_time(
        self, field_name: str, value: Sequence[datetime.time | None] | None
    ) -> None:
        """Write an array of times."""

    @abc.abstractmethod
    def write_array_of_date(
        self, field_name: str, value: Sequence[datetime.date | None] | None
    ) -> None:
        """Write an array of dates."""

    @abc.abstractmethod
    def write_array_of_timestamp(
        self, field_name: str, value: Sequence[datetime.datetime | None] | None
    ) -> None:
        """Write an array of naive datetimes."""

    @abc.abstractmethod
    def write_array_of_timestamp_with_timezone(
        self, field_name: str, value: Sequence[datetime.datetime | None] | None
    ) -> None:
        """Write an array of aware datetimes."""

    @abc.abstractmethod
    def write_array_of_compact(self, field_name: str, value: Sequence[Any] | None) -> None:
        """Write an array of nested Compact objects, all of one class (``None`` items allowed)."""


class CompactReader(abc.ABC):
    """Reads the named fields of a Compact object (what :meth:`CompactSerializer.read`
    receives).

    A field that does not exist, or whose kind does not match the method, raises
    :class:`~hztrio.errors.HazelcastSerializationError`. To evolve a class, check a field
    with :meth:`get_field_kind` before reading it::

        def read(self, reader):
            age = reader.read_int32("age")
            if reader.get_field_kind("email") == FieldKind.STRING:
                email = reader.read_string("email")
            else:
                email = None
            return Person(age, email)

    ``read_<kind>`` also reads a ``nullable_<kind>`` field (raising if it is ``None``) and
    ``read_nullable_<kind>`` a ``<kind>`` field, as in Java.
    """

    @abc.abstractmethod
    def get_field_kind(self, field_name: str) -> FieldKind:
        """The kind of a field; :attr:`FieldKind.NOT_AVAILABLE` if there is none."""

    @abc.abstractmethod
    def read_boolean(self, field_name: str) -> bool:
        """Read a boolean."""

    @abc.abstractmethod
    def read_nullable_boolean(self, field_name: str) -> bool | None:
        """Read a nullable boolean."""

    @abc.abstractmethod
    def read_int8(self, field_name: str) -> int:
        """Read an 8-bit integer."""

    @abc.abstractmethod
    def read_nullable_int8(self, field_name: str) -> int | None:
        """Read a nullable 8-bit integer."""

    @abc.abstractmethod
    def read_int16(self, field_name: str) -> int:
        """Read a 16-bit integer."""

    @abc.abstractmethod
    def read_nullable_int16(self, field_name: str) -> int | None:
        """Read a nullable 16-bit integer."""

    @abc.abstractmethod
    def read_int32(self, field_name: str) -> int:
        """Read a 32-bit integer."""

    @abc.abstractmethod
    def read_nullable_int32(self, field_name: str) -> int | None:
        """Read a nullable 32-bit integer."""

    @abc.abstractmethod
    def read_int64(self, field_name: str) -> int:
        """Read a 64-bit integer."""

    @abc.abstractmethod
    def read_nullable_int64(self, field_name: str) -> int | None:
        """Read a nullable 64-bit integer."""

    @abc.abstractmethod
    def read_float32(self, field_name: str) -> float:
        """Read a 32-bit float."""

    @abc.abstractmethod
    def read_nullable_float32(self, field_name: str) -> float | None:
        """Read a nullable 32-bit float."""

    @abc.abstractmethod
    def read_float64(self, field_name: str) -> float:
        """Read a 64-bit float."""

    @abc.abstractmethod
    def read_nullable_float64(self, field_name: str) -> float | None:
        """Read a nullable 64-bit float."""

    @abc.abstractmethod
    def read_string(self, field_name: str) -> str | None:
        """Read a string."""

    @abc.abstractmethod
    def read_decimal(self, field_name: str) -> decimal.Decimal | None:
        """Read a decimal."""

    @abc.abstractmethod
    def read_time(self, field_name: str) -> datetime.time | None:
        """Read a time (microseconds: the nanoseconds are truncated)."""

    @abc.abstractmethod
    def read_date(self, field_name: str) -> datetime.date | None:
        """Read a date."""

    @abc.abstractmethod
    def read_timestamp(self, field_name: str) -> datetime.datetime | None:
        """Read a naive datetime."""

    @abc.abstractmethod
    def read_timestamp_with_timezone(self, field_name: str) -> datetime.datetime | None:
        """Read an aware datetime (fixed offset)."""

    @abc.abstractmethod
    def read_compact(self, field_name: str) -> Any:
        """Read a nested Compact object."""

    @abc.abstractmethod
    def read_array_of_boolean(self, field_name: str) -> list[bool] | None:
        """Read an array of booleans."""

    @abc.abstractmethod
    def read_array_of_nullable_boolean(self, field_name: str) -> list[bool | None] | None:
        """Read an array of nullable booleans."""

    @abc.abstractmethod
    def read_array_of_int8(self, field_name: str) -> list[int] | None:
        """Read an array of 8-bit integers."""

    @abc.abstractmethod
    def read_array_of_nullable_int8(self, field_name: str) -> list[int | None] | None:
        """Read an array of nullable 8-bit integers."""

    @abc.abstractmethod
    def read_array_of_int16(self, field_name: str) -> list[int] | None:
        """Read an array of 16-bit integers."""

    @abc.abstractmethod
    def read_array_of_nullable_int16(self, field_name: str) -> list[int | None] | None:
        """Read an array of nullable 16-bit integers."""

    @abc.abstractmethod
    def read_array_of_int32(self, field_name: str) -> list[int] | None:
        """Read an array of 32-bit integers."""

    @abc.abstractmethod
    def read_array_of_nullable_int32(self, field_name: str) -> list[int | None] | None:
        """Read an array of nullable 32-bit integers."""

    @abc.abstractmethod
    def read_array_of_int64(self, field_name: str) -> list[int] | None:
        """Read an array of 64-bit integers."""

    @abc.abstractmethod
    def read_array_of_nullable_int64(self, field_name: str) -> list[int | None] | None:
        """Read an array of nullable 64-bit integers."""

    @abc.abstractmethod
    def read_array_of_float32(self, field_name: str) -> list[float] | None:
        """Read an array of 32-bit floats."""

    @abc.abstractmethod
    def read_array_of_nullable_float32(self, field_name: str) -> list[float | None] | None:
        """Read an array of nullable 32-bit floats."""

    @abc.abstractmethod
    def read_array_of_float64(self, field_name: str) -> list[float] | None:
        """Read an array of 64-bit floats."""

    @abc.abstractmethod
    def read_array_of_nullable_float64(self, field_name: str) -> list[float | None] | None:
        """Read an array of nullable 64-bit floats."""

    @abc.abstractmethod
    def read_array_of_string(self, field_name: str) -> list[str | None] | None:
        """Read an array of strings."""

    @abc.abstractmethod
    def read_array_of_decimal(self, field_name: str) -> list[decimal.Decimal | None] | None:
        """Read an array of decimals."""

    @abc.abstractmethod
    def read_array_of_time(self, field_name: str) -> list[datetime.time | None] | None:
        """Read an array of times."""

    @abc.abstractmethod
    def read_array_of_date(self, field_name: str) -> list[datetime.date | None] | None:
        """Read an array of dates."""

    @abc.abstractmethod
    def read_array_of_timestamp(self, field_name: str) -> list[datetime.datetime | None] | None:
        """Read an array of naive datetimes."""

    @abc.abstractmethod
    def read_array_of_timestamp_with_timezone(
        self, field_name: str
    ) -> list[datetime.datetime | None] | None:
        """Read an array of aware datetimes."""

    @abc.abstractmethod
    def read_array_of_compact(self, field_name: str) -> list[Any] | None:
        """Read an array of nested Compact objects."""


class CompactSerializer(abc.ABC, Generic[CompactSerializableType]):
    """Reads and writes the objects of one class in the Compact format.

    Register instances in the client's ``compact_serializers``. The type name identifies the
    class across languages: a Java service reading the same data registers a serializer
    with the same type name. Keep it when the class evolves (adding or removing fields gives a
    new schema; readers of either version keep working when they check
    :meth:`CompactReader.get_field_kind`).
    """

    @abc.abstractmethod
    def read(self, reader: CompactReader) -> CompactSerializableType:
        """Build an object from the fields ``reader`` offers."""

    @abc.abstractmethod
    def write(self, writer: CompactWriter, obj: CompactSerializableType) -> None:
        """Write the fields of ``obj`` with ``writer``."""

    @abc.abstractmethod
    def get_class(self) -> type[CompactSerializableType]:
        """The class this serializer reads and writes (exactly that class, not subclasses)."""

    @abc.abstractmethod
    def get_type_name(self) -> str:
        """The type name that identifies the class to every client and member."""
