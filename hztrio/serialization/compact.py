"""Compact serialization (type id -55): schemas, the writer, the reader and the serializer.

A Compact object is its schema id (int64) followed by its fields as Java's
``DefaultCompactWriter`` lays them out::

    data length int32                    (only if the schema has variable-size fields)
    fixed-size fields                    (largest first, then by name; booleans as bits)
    variable-size fields                 (strings, arrays, nullable values, nested objects)
    offsets of the variable-size fields  (int8, int16 or int32 each, by the data length;
                                          -1 for None), relative to the data start

The schema (type name, field names and kinds) is not in the data: the cluster keeps it, so a
client sends a new schema before the first data that uses it and fetches unknown ones
(:class:`SchemaRegistry` here; the sending and fetching is ``hztrio.compact``, which is
async). The schema id is the 64-bit Rabin fingerprint of the schema, the same in every
language, so a Java service and hztrio that write the same fields agree on it.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, NoReturn, TypeVar

from ..errors import HazelcastSerializationError, SchemaNotFoundError
from . import temporal
from .api import CompactReader, CompactSerializer, CompactWriter, FieldKind, StreamSerializer
from .constants import TYPE_COMPACT
from .input import ObjectDataInput
from .output import ObjectDataOutput

__all__ = [
    "CompactStreamSerializer",
    "FieldDescriptor",
    "Schema",
    "SchemaRegistry",
    "rabin_fingerprint64",
]

T = TypeVar("T")

# -- kinds ------------------------------------------------------------------------------------

#: the size in bytes of the fixed-size kinds (booleans are bits, sized 0 here)
_FIXED_SIZES: Final[dict[FieldKind, int]] = {
    FieldKind.BOOLEAN: 0,
    FieldKind.INT8: 1,
    FieldKind.INT16: 2,
    FieldKind.INT32: 4,
    FieldKind.INT64: 8,
    FieldKind.FLOAT32: 4,
    FieldKind.FLOAT64: 8,
}
_UNSUPPORTED_KINDS: Final = frozenset(
    {FieldKind.NOT_AVAILABLE, FieldKind.CHAR, FieldKind.ARRAY_OF_CHAR, FieldKind.PORTABLE,
     FieldKind.ARRAY_OF_PORTABLE}
)  # fmt: skip

_BYTE_OFFSETS_BELOW: Final = 255  # Java's Byte.MAX_VALUE - Byte.MIN_VALUE
_SHORT_OFFSETS_BELOW: Final = 65535  # Java's Short.MAX_VALUE - Short.MIN_VALUE


# -- the fingerprint --------------------------------------------------------------------------

_RABIN_INIT: Final = 0xC15D213AA4D7A795
_MASK64: Final = 0xFFFFFFFFFFFFFFFF


def _rabin_table() -> tuple[int, ...]:
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (_RABIN_INIT if fp & 1 else 0)
        table.append(fp)
    return tuple(table)


_RABIN_TABLE: Final = _rabin_table()


def _rabin_bytes(fp: int, data: Iterable[int]) -> int:
    table = _RABIN_TABLE
    for b in data:
        fp = (fp >> 8) ^ table[(fp ^ b) & 0xFF]
    return fp


def _rabin_int(fp: int, value: int) -> int:
    return _rabin_bytes(fp, (value & 0xFFFFFFFF).to_bytes(4, "little"))


def _rabin_str(fp: int, value: str) -> int:
    raw = value.encode("utf-8")
    return _rabin_bytes(_rabin_int(fp, len(raw)), raw)


def rabin_fingerprint64(type_name: str, fields: Sequence[tuple[str, int]]) -> int:
    """The schema id of a type name and its ``(field name, kind)`` pairs sorted by name.

    Java's ``RabinFingerprint.fingerprint64(Schema)``, as a signed int64.
    """
    fp = _rabin_int(_rabin_str(_RABIN_INIT, type_name), len(fields))
    for name, kind in fields:
        fp = _rabin_int(_rabin_str(fp, name), kind)
    return fp - (1 << 64) if fp >> 63 else fp


# -- schemas ----------------------------------------------------------------------------------


class FieldDescriptor:
    """A field of a :class:`Schema`: its name and kind, and where it is in the data."""

    __slots__ = ("bit_offset", "index", "kind", "name", "offset")

    def __init__(self, name: str, kind: FieldKind | int) -> None:
        self.name = name
        self.kind = FieldKind(kind)
        self.offset = -1
        """Byte offset of a fixed-size field from the data start."""
        self.bit_offset = -1
        """Bit of a boolean field in its byte."""
        self.index = -1
        """Index of a variable-size field in the offset table."""

    @property
    def field_name(self) -> str:
        """The field name (the name of the protocol's ``FieldDescriptor`` parameter)."""
        return self.name

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldDescriptor):
            return NotImplemented
        return self.name == other.name and self.kind == other.kind

    def __hash__(self) -> int:
        return hash((self.name, self.kind))

    def __repr__(self) -> str:
        return f"FieldDescriptor({self.name!r}, {self.kind.name})"


class Schema:
    """The type name and fields of Compact data, and its id (the Rabin fingerprint)."""

    __slots__ = ("fields", "fields_by_name", "fixed_size", "schema_id", "type_name", "var_count")

    def __init__(self, type_name: str, fields: Iterable[FieldDescriptor]) -> None:
        self.type_name = type_name
        ordered = sorted(fields, key=_field_name)
        self.fields: tuple[FieldDescriptor, ...] = tuple(ordered)
        self.fields_by_name = {f.name: f for f in ordered}
        if len(self.fields_by_name) != len(ordered):
            raise HazelcastSerializationError(f"the schema of {type_name!r} repeats a field name")
        fixed = [f for f in ordered if f.kind in _FIXED_SIZES and f.kind != FieldKind.BOOLEAN]
        booleans = [f for f in ordered if f.kind == FieldKind.BOOLEAN]
        variable = [f for f in ordered if f.kind not in _FIXED_SIZES]
        fixed.sort(key=lambda f: _FIXED_SIZES[f.kind], reverse=True)  # stable: names break ties
        offset = 0
        for field in fixed:
            field.offset = offset
            offset += _FIXED_SIZES[field.kind]
        for bit, field in enumerate(booleans):
            field.offset = offset + bit // 8
            field.bit_offset = bit % 8
        offset += (len(booleans) + 7) // 8
        self.fixed_size = offset
        for index, field in enumerate(variable):
            field.index = index
        self.var_count = len(variable)
        self.schema_id = rabin_fingerprint64(type_name, [(f.name, f.kind) for f in ordered])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Schema):
            return NotImplemented
        return self.type_name == other.type_name and self.fields == other.fields

    def __hash__(self) -> int:
        return hash(self.schema_id)

    def __repr__(self) -> str:
        fields = ", ".join(f"{f.name}: {f.kind.name}" for f in self.fields)
        return f"Schema({self.type_name!r}, id={self.schema_id}, fields=[{fields}])"


def _field_name(field: FieldDescriptor) -> str:
    return field.name


class SchemaRegistry:
    """The schemas one client knows, and which of them the cluster may not know yet.

    Serializing an object whose schema is new adds the schema as *pending*; the client sends
    pending schemas to the cluster before the request that carries the data
    (``hztrio.compact.CompactSchemaService``). Schemas fetched from the cluster are known to
    it. After the client connects to a new cluster (a restarted one), every schema is
    pending again.
    """

    def __init__(self) -> None:
        self._schemas: dict[int, Schema] = {}
        self._pending: dict[int, Schema] = {}
        self._resend_all = False
        #: True if some schemas may be unknown to the cluster: ``has_pending`` as a plain
        #: attribute, which the proxies read before every request
        self.any_pending = False

    def _pending_changed(self) -> None:
        self.any_pending = bool(self._pending) or self._resend_all

    def get(self, schema_id: int) -> Schema | None:
        """The schema of that id, or ``None``."""
        return self._schemas.get(schema_id)

    def all(self) -> list[Schema]:
        """Every known schema."""
        return list(self._schemas.values())

    @property
    def has_pending(self) -> bool:
        """True if some schemas may be unknown to the cluster."""
        return self.any_pending

    @property
    def resend_all(self) -> bool:
        """True if every schema is to be sent again (a new cluster)."""
        return self._resend_all

    def pending(self) -> list[Schema]:
        """The schemas to send."""
        return list(self._pending.values())

    def add_local(self, schema: Schema) -> Schema:
        """Add a schema this client built; pending until :meth:`mark_sent`."""
        existing = self._schemas.get(schema.schema_id)
        if existing is not None:
            _check_same(existing, schema)
            return existing
        self._schemas[schema.schema_id] = schema
        self._pending[schema.schema_id] = schema
        self.any_pending = True
        return schema

    def add_known(self, schema: Schema) -> Schema:
        """Add a schema the cluster has (fetched from it)."""
        existing = self._schemas.get(schema.schema_id)
        if existing is not None:
            _check_same(existing, schema)
            self._pending.pop(schema.schema_id, None)
            self._pending_changed()
            return existing
        self._schemas[schema.schema_id] = schema
        return schema

    def mark_sent(self, schemas: Iterable[Schema]) -> None:
        """The cluster has these schemas now."""
        for schema in schemas:
            self._pending.pop(schema.schema_id, None)
        self._pending_changed()

    def mark_all_sent(self, schemas: Iterable[Schema]) -> None:
        """``schemas`` were sent together (``sendAllSchemas``) to a new cluster."""
        self._resend_all = False
        self.mark_sent(schemas)

    def mark_all_pending(self) -> None:
        """Send every schema again (the client is connected to a new cluster)."""
        if self._schemas:
            self._resend_all = True
            self.any_pending = True


def _check_same(existing: Schema, schema: Schema) -> None:
    if existing != schema:
        raise HazelcastSerializationError(
            f"two different schemas have the id {schema.schema_id}: {existing!r} and {schema!r}"
        )


# -- writing ----------------------------------------------------------------------------------


def _kind_error(field_name: str, kind: FieldKind, expected: FieldKind | str) -> NoReturn:
    wanted = expected if isinstance(expected, str) else expected.name
    raise HazelcastSerializationError(
        f"the Compact field {field_name!r} is {kind.name}, it cannot be read or written as {wanted}"
    )


class SchemaWriter(CompactWriter):
    """A :class:`CompactWriter` that only records the field names and kinds."""

    def __init__(self, type_name: str) -> None:
        self._type_name = type_name
        self._fields: dict[str, FieldDescriptor] = {}

    def _add(self, field_name: str, kind: FieldKind) -> None:
        if not isinstance(field_name, str):
            raise HazelcastSerializationError(
                f"a Compact field name must be a str, not {type(field_name).__name__}"
            )
        if field_name in self._fields:
            raise HazelcastSerializationError(
                f"the Compact field {field_name!r} of {self._type_name!r} is written twice"
            )
        self._fields[field_name] = FieldDescriptor(field_name, kind)

    def build(self) -> Schema:
        """The schema of what was written."""
        return Schema(self._type_name, self._fields.values())

    def write_boolean(self, field_name: str, value: bool) -> None:
        self._add(field_name, FieldKind.BOOLEAN)

    def write_nullable_boolean(self, field_name: str, value: bool | None) -> None:
        self._add(field_name, FieldKind.NULLABLE_BOOLEAN)

    def write_int8(self, field_name: str, value: int) -> None:
        self._add(field_name, FieldKind.INT8)

    def write_nullable_int8(self, field_name: str, value: int | None) -> None:
        self._add(field_name, FieldKind.NULLABLE_INT8)

    def write_int16(self, field_name: str, value: int) -> None:
        self._add(field_name, FieldKind.INT16)

    def write_nullable_int16(self, field_name: str, value: int | None) -> None:
        self._add(field_name, FieldKind.NULLABLE_INT16)

    def write_int32(self, field_name: str, value: int) -> None:
        self._add(field_name, FieldKind.INT32)

    def write_nullable_int32(self, field_name: str, value: int | None) -> None:
        self._add(field_name, FieldKind.NULLABLE_INT32)

    def write_int64(self, field_name: str, value: int) -> None:
        self._add(field_name, FieldKind.INT64)

    def write_nullable_int64(self, field_name: str, value: int | None) -> None:
        self._add(field_name, FieldKind.NULLABLE_INT64)

    def write_float32(self, field_name: str, value: float) -> None:
        self._add(field_name, FieldKind.FLOAT32)

    def write_nullable_float32(self, field_name: str, value: float | None) -> None:
        self._add(field_name, FieldKind.NULLABLE_FLOAT32)

    def write_float64(self, field_name: str, value: float) -> None:
        self._add(field_name, FieldKind.FLOAT64)

    def write_nullable_float64(self, field_name: str, value: float | None) -> None:
        self._add(field_name, FieldKind.NULLABLE_FLOAT64)

    def write_string(self, field_name: str, value: str | None) -> None:
        self._add(field_name, FieldKind.STRING)

    def write_decimal(self, field_name: str, value: decimal.Decimal | None) -> None:
        self._add(field_name, FieldKind.DECIMAL)

    def write_time(self, field_name: str, value: datetime.time | None) -> None:
        self._add(field_name, FieldKind.TIME)

    def write_date(self, field_name: str, value: datetime.date | None) -> None:
        self._add(field_name, FieldKind.DATE)

    def write_timestamp(self, field_name: str, value: datetime.datetime | None) -> None:
        self._add(field_name, FieldKind.TIMESTAMP)

    def write_timestamp_with_timezone(
        self, field_name: str, value: datetime.datetime | None
    ) -> None:
        self._add(field_name, FieldKind.TIMESTAMP_WITH_TIMEZONE)

    def write_compact(self, field_name: str, value: Any) -> None:
        self._add(field_name, FieldKind.COMPACT)

    def write_array_of_boolean(self, field_name: str, value: Sequence[bool] | None) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_BOOLEAN)

    def write_array_of_nullable_boolean(
        self, field_name: str, value: Sequence[bool | None] | None
    ) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_NULLABLE_BOOLEAN)

    def write_array_of_int8(self, field_name: str, value: Sequence[int] | None) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_INT8)

    def write_array_of_nullable_int8(
        self, field_name: str, value: Sequence[int | None] | None
    ) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_NULLABLE_INT8)

    def write_array_of_int16(self, field_name: str, value: Sequence[int] | None) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_INT16)

    def write_array_of_nullable_int16(
        self, field_name: str, value: Sequence[int | None] | None
    ) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_NULLABLE_INT16)

    def write_array_of_int32(self, field_name: str, value: Sequence[int] | None) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_INT32)

    def write_array_of_nullable_int32(
        self, field_name: str, value: Sequence[int | None] | None
    ) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_NULLABLE_INT32)

    def write_array_of_int64(self, field_name: str, value: Sequence[int] | None) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_INT64)

    def write_array_of_nullable_int64(
        self, field_name: str, value: Sequence[int | None] | None
    ) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_NULLABLE_INT64)

    def write_array_of_float32(self, field_name: str, value: Sequence[float] | None) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_FLOAT32)

    def write_array_of_nullable_float32(
        self, field_name: str, value: Sequence[float | None] | None
    ) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_NULLABLE_FLOAT32)

    def write_array_of_float64(self, field_name: str, value: Sequence[float] | None) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_FLOAT64)

    def write_array_of_nullable_float64(
        self, field_name: str, value: Sequence[float | None] | None
    ) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_NULLABLE_FLOAT64)

    def write_array_of_string(self, field_name: str, value: Sequence[str | None] | None) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_STRING)

    def write_array_of_decimal(
        self, field_name: str, value: Sequence[decimal.Decimal | None] | None
    ) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_DECIMAL)

    def write_array_of_time(
        self, field_name: str, value: Sequence[datetime.time | None] | None
    ) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_TIME)

    def write_array_of_date(
        self, field_name: str, value: Sequence[datetime.date | None] | None
    ) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_DATE)

    def write_array_of_timestamp(
        self, field_name: str, value: Sequence[datetime.datetime | None] | None
    ) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_TIMESTAMP)

    def write_array_of_timestamp_with_timezone(
        self, field_name: str, value: Sequence[datetime.datetime | None] | None
    ) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_TIMESTAMP_WITH_TIMEZONE)

    def write_array_of_compact(self, field_name: str, value: Sequence[Any] | None) -> None:
        self._add(field_name, FieldKind.ARRAY_OF_COMPACT)


def _check_int(value: int, low: int, high: int, java: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise HazelcastSerializationError(f"cannot write {value!r} as a Compact {java}")
    return value


def _write_int8(out: ObjectDataOutput, value: int) -> None:
    out.write_byte(_check_int(value, -128, 127, "int8"))


def _write_offsets(out: ObjectDataOutput, data_length: int, offsets: Sequence[int]) -> None:
    if data_length < _BYTE_OFFSETS_BELOW:
        for offset in offsets:
            out.write_byte(offset & 0xFF)
    elif data_length < _SHORT_OFFSETS_BELOW:
        for offset in offsets:
            out.write_char(offset & 0xFFFF)
    else:
        for offset in offsets:
            out.write_int(offset)


def _write_boolean_bits(out: ObjectDataOutput, values: Sequence[bool]) -> None:
    out.write_int(len(values))
    packed = bytearray((len(values) + 7) // 8)
    for i, value in enumerate(values):
        if value:
            packed[i >> 3] |= 1 << (i & 7)
    out.write_from(packed)


class DefaultCompactWriter(CompactWriter):
    """Writes one Compact object's fields to an output, as its schema lays them out."""

    def __init__(
        self, serializer: CompactStreamSerializer, out: ObjectDataOutput, schema: Schema
    ) -> None:
        self._serializer = serializer
        self._out = out
        self._schema = schema
        if schema.var_count:
            self._start = out.position() + 4
            out.write_zero_bytes(schema.fixed_size + 4)
            self._offsets = [-1] * schema.var_count
        else:
            self._start = out.position()
            out.write_zero_bytes(schema.fixed_size)
            self._offsets = []

    def end(self) -> None:
        """Write the offsets of the variable-size fields and the data length."""
        if not self._schema.var_count:
            return
        out = self._out
        data_length = out.position() - self._start
        _write_offsets(out, data_length, self._offsets)
        out.write_int_positional(data_length, self._start - 4)

    def _field(self, field_name: str, kind: FieldKind) -> FieldDescriptor:
        field = self._schema.fields_by_name.get(field_name)
        if field is None:
            raise HazelcastSerializationError(
                f"the Compact field {field_name!r} is not in {self._schema!r}: a serializer "
                f"must write the same fields every time"
            )
        if field.kind != kind:
            _kind_error(field_name, field.kind, kind)
        return field

    # -- fixed-size fields --------------------------------------------------------------

    def write_boolean(self, field_name: str, value: bool) -> None:
        field = self._field(field_name, FieldKind.BOOLEAN)
        if value:
            self._out.set_bit_positional(self._start + field.offset, field.bit_offset)

    def write_int8(self, field_name: str, value: int) -> None:
        field = self._field(field_name, FieldKind.INT8)
        self._out.write_byte_positional(
            _check_int(value, -128, 127, "int8"), self._start + field.offset
        )

    def write_int16(self, field_name: str, value: int) -> None:
        field = self._field(field_name, FieldKind.INT16)
        self._out.write_short_positional(value, self._start + field.offset)

    def write_int32(self, field_name: str, value: int) -> None:
        field = self._field(field_name, FieldKind.INT32)
        self._out.write_int_positional(value, self._start + field.offset)

    def write_int64(self, field_name: str, value: int) -> None:
        field = self._field(field_name, FieldKind.INT64)
        self._out.write_long_positional(value, self._start + field.offset)

    def write_float32(self, field_name: str, value: float) -> None:
        field = self._field(field_name, FieldKind.FLOAT32)
        self._out.write_float_positional(value, self._start + field.offset)

    def write_float64(self, field_name: str, value: float) -> None:
        field = self._field(field_name, FieldKind.FLOAT64)
        self._out.write_double_positional(value, self._start + field.offset)

    # -- variable-size fields -----------------------------------------------------------

    def _variable(
        self,
        field_name: str,
        kind: FieldKind,
        value: T | None,
        write: Callable[[ObjectDataOutput, T], None],
    ) -> None:
        field = self._field(field_name, kind)
        if value is None:
            self._offsets[field.index] = -1
            return
        out = self._out
        self._offsets[field.index] = out.position() - self._start
        write(out, value)

    def _array(
        self,
        field_name: str,
        kind: FieldKind,
        values: Sequence[T | None] | None,
        write: Callable[[ObjectDataOutput, T], None],
    ) -> None:
        def write_items(out: ObjectDataOutput, items: Sequence[T | None]) -> None:
            length_position = out.position()
            out.write_zero_bytes(4)
            out.write_int(len(items))
            start = out.position()
            offsets = []
            for item in items:
                if item is None:
                    offsets.append(-1)
                else:
                    offsets.append(out.position() - start)
                    write(out, item)
            data_length = out.position() - start
            out.write_int_positional(data_length, length_position)
            _write_offsets(out, data_length, offsets)

        self._variable(field_name, kind, values, write_items)

    def write_nullable_boolean(self, field_name: str, value: bool | None) -> None:
        self._variable(
            field_name, FieldKind.NULLABLE_BOOLEAN, value, ObjectDataOutput.write_boolean
        )

    def write_nullable_int8(self, field_name: str, value: int | None) -> None:
        self._variable(field_name, FieldKind.NULLABLE_INT8, value, _write_int8)

    def write_nullable_int16(self, field_name: str, value: int | None) -> None:
        self._variable(field_name, FieldKind.NULLABLE_INT16, value, ObjectDataOutput.write_short)

    def write_nullable_int32(self, field_name: str, value: int | None) -> None:
        self._variable(field_name, FieldKind.NULLABLE_INT32, value, ObjectDataOutput.write_int)

    def write_nullable_int64(self, field_name: str, value: int | None) -> None:
        self._variable(field_name, FieldKind.NULLABLE_INT64, value, ObjectDataOutput.write_long)

    def write_nullable_float32(self, field_name: str, value: float | None) -> None:
        self._variable(field_name, FieldKind.NULLABLE_FLOAT32, value, ObjectDataOutput.write_float)

    def write_nullable_float64(self, field_name: str, value: float | None) -> None:
        self._variable(field_name, FieldKind.NULLABLE_FLOAT64, value, ObjectDataOutput.write_double)

    def write_string(self, field_name: str, value: str | None) -> None:
        self._variable(field_name, FieldKind.STRING, value, ObjectDataOutput.write_string)

    def write_decimal(self, field_name: str, value: decimal.Decimal | None) -> None:
        self._variable(field_name, FieldKind.DECIMAL, value, temporal.write_decimal)

    def write_time(self, field_name: str, value: datetime.time | None) -> None:
        self._variable(field_name, FieldKind.TIME, value, temporal.write_local_time)

    def write_date(self, field_name: str, value: datetime.date | None) -> None:
        self._variable(field_name, FieldKind.DATE, value, temporal.write_local_date)

    def write_timestamp(self, field_name: str, value: datetime.datetime | None) -> None:
        self._variable(field_name, FieldKind.TIMESTAMP, value, temporal.write_local_date_time)

    def write_timestamp_with_timezone(
        self, field_name: str, value: datetime.datetime | None
    ) -> None:
        self._variable(
            field_name,
            FieldKind.TIMESTAMP_WITH_TIMEZONE,
            value,
            temporal.write_offset_date_time,
        )

    def write_compact(self, field_name: str, value: Any) -> None:
        self._variable(field_name, FieldKind.COMPACT, value, self._serializer.write_nested)

    def write_array_of_boolean(self, field_name: str, value: Sequence[bool] | None) -> None:
        self._variable(field_name, FieldKind.ARRAY_OF_BOOLEAN, value, _write_boolean_bits)

    def write_array_of_nullable_boolean(
        self, field_name: str, value: Sequence[bool | None] | None
    ) -> None:
        self._array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_BOOLEAN, value, ObjectDataOutput.write_boolean
        )

    def write_array_of_int8(self, field_name: str, value: Sequence[int] | None) -> None:
        if value is not None and not isinstance(value, bytes | bytearray):
            for item in value:
                _check_int(item, -128, 127, "int8")
        self._variable(
            field_name, FieldKind.ARRAY_OF_INT8, value, ObjectDataOutput.write_byte_array
        )

    def write_array_of_nullable_int8(
        self, field_name: str, value: Sequence[int | None] | None
    ) -> None:
        self._array(field_name, FieldKind.ARRAY_OF_NULLABLE_INT8, value, _write_int8)

    def write_array_of_int16(self, field_name: str, value: Sequence[int] | None) -> None:
        self._variable(
            field_name, FieldKind.ARRAY_OF_INT16, value, ObjectDataOutput.write_short_array
        )

    def write_array_of_nullable_int16(
        self, field_name: str, value: Sequence[int | None] | None
    ) -> None:
        self._array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_INT16, value, ObjectDataOutput.write_short
        )

    def write_array_of_int32(self, field_name: str, value: Sequence[int] | None) -> None:
        self._variable(
            field_name, FieldKind.ARRAY_OF_INT32, value, ObjectDataOutput.write_int_array
        )

    def write_array_of_nullable_int32(
        self, field_name: str, value: Sequence[int | None] | None
    ) -> None:
        self._array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_INT32, value, ObjectDataOutput.write_int
        )

    def write_array_of_int64(self, field_name: str, value: Sequence[int] | None) -> None:
        self._variable(
            field_name, FieldKind.ARRAY_OF_INT64, value, ObjectDataOutput.write_long_array
        )

    def write_array_of_nullable_int64(
        self, field_name: str, value: Sequence[int | None] | None
    ) -> None:
        self._array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_INT64, value, ObjectDataOutput.write_long
        )

    def write_array_of_float32(self, field_name: str, value: Sequence[float] | None) -> None:
        self._variable(
            field_name, FieldKind.ARRAY_OF_FLOAT32, value, ObjectDataOutput.write_float_array
        )

    def write_array_of_nullable_float32(
        self, field_name: str, value: Sequence[float | None] | None
    ) -> None:
        self._array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_FLOAT32, value, ObjectDataOutput.write_float
        )

    def write_array_of_float64(self, field_name: str, value: Sequence[float] | None) -> None:
        self._variable(
            field_name, FieldKind.ARRAY_OF_FLOAT64, value, ObjectDataOutput.write_double_array
        )

    def write_array_of_nullable_float64(
        self, field_name: str, value: Sequence[float | None] | None
    ) -> None:
        self._array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_FLOAT64, value, ObjectDataOutput.write_double
        )

    def write_array_of_string(self, field_name: str, value: Sequence[str | None] | None) -> None:
        self._array(field_name, FieldKind.ARRAY_OF_STRING, value, ObjectDataOutput.write_string)

    def write_array_of_decimal(
        self, field_name: str, value: Sequence[decimal.Decimal | None] | None
    ) -> None:
        self._array(field_name, FieldKind.ARRAY_OF_DECIMAL, value, temporal.write_decimal)

    def write_array_of_time(
        self, field_name: str, value: Sequence[datetime.time | None] | None
    ) -> None:
        self._array(field_name, FieldKind.ARRAY_OF_TIME, value, temporal.write_local_time)

    def write_array_of_date(
        self, field_name: str, value: Sequence[datetime.date | None] | None
    ) -> None:
        self._array(field_name, FieldKind.ARRAY_OF_DATE, value, temporal.write_local_date)

    def write_array_of_timestamp(
        self, field_name: str, value: Sequence[datetime.datetime | None] | None
    ) -> None:
        self._array(field_name, FieldKind.ARRAY_OF_TIMESTAMP, value, temporal.write_local_date_time)

    def write_array_of_timestamp_with_timezone(
        self, field_name: str, value: Sequence[datetime.datetime | None] | None
    ) -> None:
        self._array(
            field_name,
            FieldKind.ARRAY_OF_TIMESTAMP_WITH_TIMEZONE,
            value,
            temporal.write_offset_date_time,
        )

    def write_array_of_compact(self, field_name: str, value: Sequence[Any] | None) -> None:
        if value is not None:
            classes = {type(item) for item in value if item is not None}
            if len(classes) > 1:
                names = sorted(c.__name__ for c in classes)
                raise HazelcastSerializationError(
                    f"the Compact array {field_name!r} mixes the classes {names}; the items "
                    f"of an array of Compact objects must be of one class"
                )
        self._array(field_name, FieldKind.ARRAY_OF_COMPACT, value, self._serializer.write_nested)


# -- reading ----------------------------------------------------------------------------------

_NULLABLE_OF: Final[dict[FieldKind, FieldKind]] = {
    FieldKind.BOOLEAN: FieldKind.NULLABLE_BOOLEAN,
    FieldKind.INT8: FieldKind.NULLABLE_INT8,
    FieldKind.INT16: FieldKind.NULLABLE_INT16,
    FieldKind.INT32: FieldKind.NULLABLE_INT32,
    FieldKind.INT64: FieldKind.NULLABLE_INT64,
    FieldKind.FLOAT32: FieldKind.NULLABLE_FLOAT32,
    FieldKind.FLOAT64: FieldKind.NULLABLE_FLOAT64,
    FieldKind.ARRAY_OF_BOOLEAN: FieldKind.ARRAY_OF_NULLABLE_BOOLEAN,
    FieldKind.ARRAY_OF_INT8: FieldKind.ARRAY_OF_NULLABLE_INT8,
    FieldKind.ARRAY_OF_INT16: FieldKind.ARRAY_OF_NULLABLE_INT16,
    FieldKind.ARRAY_OF_INT32: FieldKind.ARRAY_OF_NULLABLE_INT32,
    FieldKind.ARRAY_OF_INT64: FieldKind.ARRAY_OF_NULLABLE_INT64,
    FieldKind.ARRAY_OF_FLOAT32: FieldKind.ARRAY_OF_NULLABLE_FLOAT32,
    FieldKind.ARRAY_OF_FLOAT64: FieldKind.ARRAY_OF_NULLABLE_FLOAT64,
}
_NOT_NULLABLE_OF: Final = {v: k for k, v in _NULLABLE_OF.items()}

_FIXED_READERS: Final[dict[FieldKind, Callable[[ObjectDataInput, int], Any]]] = {
    FieldKind.INT8: ObjectDataInput.read_byte_positional,
    FieldKind.INT16: ObjectDataInput.read_short_positional,
    FieldKind.INT32: ObjectDataInput.read_int_positional,
    FieldKind.INT64: ObjectDataInput.read_long_positional,
    FieldKind.FLOAT32: ObjectDataInput.read_float_positional,
    FieldKind.FLOAT64: ObjectDataInput.read_double_positional,
}
_NULLABLE_READERS: Final[dict[FieldKind, Callable[[ObjectDataInput], Any]]] = {
    FieldKind.NULLABLE_BOOLEAN: ObjectDataInput.read_boolean,
    FieldKind.NULLABLE_INT8: ObjectDataInput.read_byte,
    FieldKind.NULLABLE_INT16: ObjectDataInput.read_short,
    FieldKind.NULLABLE_INT32: ObjectDataInput.read_int,
    FieldKind.NULLABLE_INT64: ObjectDataInput.read_long,
    FieldKind.NULLABLE_FLOAT32: ObjectDataInput.read_float,
    FieldKind.NULLABLE_FLOAT64: ObjectDataInput.read_double,
}
_FIXED_ARRAY_READERS: Final[dict[FieldKind, Callable[[ObjectDataInput], Any]]] = {
    FieldKind.ARRAY_OF_INT8: ObjectDataInput.read_signed_byte_array,
    FieldKind.ARRAY_OF_INT16: ObjectDataInput.read_short_array,
    FieldKind.ARRAY_OF_INT32: ObjectDataInput.read_int_array,
    FieldKind.ARRAY_OF_INT64: ObjectDataInput.read_long_array,
    FieldKind.ARRAY_OF_FLOAT32: ObjectDataInput.read_float_array,
    FieldKind.ARRAY_OF_FLOAT64: ObjectDataInput.read_double_array,
}


def _read_boolean_bits(inp: ObjectDataInput) -> list[bool]:
    count = inp.read_int()
    if count < 0:
        raise HazelcastSerializationError(f"corrupt Compact data: {count} booleans")
    packed = inp.read_raw((count + 7) // 8)
    return [bool(packed[i >> 3] & (1 << (i & 7))) for i in range(count)]


class DefaultCompactReader(CompactReader):
    """Reads the fields of one Compact object, positioned by its schema."""

    def __init__(
        self, serializer: CompactStreamSerializer, inp: ObjectDataInput, schema: Schema
    ) -> None:
        self._serializer = serializer
        self._in = inp
        self._schema = schema
        if schema.var_count:
            data_length = inp.read_int()
            if data_length < 0:
                raise HazelcastSerializationError(f"corrupt Compact data length {data_length}")
            self._start = inp.position()
            self._offsets_at = self._start + data_length
            if data_length < _BYTE_OFFSETS_BELOW:
                self._offset_size = 1
            elif data_length < _SHORT_OFFSETS_BELOW:
                self._offset_size = 2
            else:
                self._offset_size = 4
            end = self._offsets_at + schema.var_count * self._offset_size
        else:
            self._start = inp.position()
            self._offsets_at = 0
            self._offset_size = 4
            end = self._start + schema.fixed_size
        if end > inp.size():
            raise HazelcastSerializationError(
                f"truncated Compact data: {schema!r} needs {end} bytes, there are {inp.size()}"
            )
        inp.set_position(end)

    # -- helpers ------------------------------------------------------------------------

    def _field(self, field_name: str) -> FieldDescriptor:
        field = self._schema.fields_by_name.get(field_name)
        if field is None:
            raise HazelcastSerializationError(
                f"unknown Compact field {field_name!r} of {self._schema!r} (check "
                f"get_field_kind() before reading a field that may be missing)"
            )
        return field

    def _offset(self, field: FieldDescriptor) -> int:
        """The offset of a variable-size field from the data start, -1 for None."""
        inp = self._in
        size = self._offset_size
        position = self._offsets_at + field.index * size
        if size == 1:
            offset = inp.read_unsigned_byte_positional(position)
            return -1 if offset == 0xFF else offset
        if size == 2:
            offset = inp.read_unsigned_short_positional(position)
            return -1 if offset == 0xFFFF else offset
        return inp.read_int_positional(position)

    def _at(self, position: int, read: Callable[[ObjectDataInput], T]) -> T:
        inp = self._in
        saved = inp.position()
        inp.set_position(position)
        try:
            return read(inp)
        finally:
            inp.set_position(saved)

    def _variable(self, field: FieldDescriptor, read: Callable[[ObjectDataInput], T]) -> T | None:
        offset = self._offset(field)
        if offset < 0:
            return None
        return self._at(self._start + offset, read)

    def _read_variable(
        self, field_name: str, kind: FieldKind, read: Callable[[ObjectDataInput], T]
    ) -> T | None:
        field = self._field(field_name)
        if field.kind != kind:
            _kind_error(field_name, field.kind, kind)
        return self._variable(field, read)

    def _items(
        self, read: Callable[[ObjectDataInput], T]
    ) -> Callable[[ObjectDataInput], list[T | None]]:
        def read_items(inp: ObjectDataInput) -> list[T | None]:
            data_length = inp.read_int()
            count = inp.read_int()
            if data_length < 0 or count < 0:
                raise HazelcastSerializationError(
                    f"corrupt Compact array: {count} items in {data_length} bytes"
                )
            start = inp.position()
            offsets_at = start + data_length
            if data_length < _BYTE_OFFSETS_BELOW:
                size = 1
            elif data_length < _SHORT_OFFSETS_BELOW:
                size = 2
            else:
                size = 4
            if offsets_at + count * size > inp.size():
                raise HazelcastSerializationError(
                    f"truncated Compact array: {count} items do not fit in the data"
                )
            items: list[T | None] = []
            for i in range(count):
                position = offsets_at + i * size
                if size == 1:
                    offset = inp.read_unsigned_byte_positional(position)
                    offset = -1 if offset == 0xFF else offset
                elif size == 2:
                    offset = inp.read_unsigned_short_positional(position)
                    offset = -1 if offset == 0xFFFF else offset
                else:
                    offset = inp.read_int_positional(position)
                if offset < 0:
                    items.append(None)
                else:
                    inp.set_position(start + offset)
                    items.append(read(inp))
            return items

        return read_items

    # -- metadata -----------------------------------------------------------------------

    def get_field_kind(self, field_name: str) -> FieldKind:
        field = self._schema.fields_by_name.get(field_name)
        return FieldKind.NOT_AVAILABLE if field is None else field.kind

    # -- primitives and their nullable forms ---------------------------------------------

    def _primitive(self, field_name: str, kind: FieldKind) -> Any:
        field = self._field(field_name)
        if field.kind == kind:
            if kind == FieldKind.BOOLEAN:
                byte = self._in.read_unsigned_byte_positional(self._start + field.offset)
                return bool(byte & (1 << field.bit_offset))
            return _FIXED_READERS[kind](self._in, self._start + field.offset)
        nullable = _NULLABLE_OF[kind]
        if field.kind == nullable:
            value = self._variable(field, _NULLABLE_READERS[nullable])
            if value is None:
                raise HazelcastSerializationError(
                    f"the {nullable.name} field {field_name!r} is None; read it with "
                    f"read_{nullable.name.lower()}()"
                )
            return value
        _kind_error(field_name, field.kind, kind)

    def _nullable(self, field_name: str, kind: FieldKind) -> Any:
        field = self._field(field_name)
        if field.kind == kind:
            return self._variable(field, _NULLABLE_READERS[kind])
        if field.kind == _NOT_NULLABLE_OF[kind]:
            return self._primitive(field_name, field.kind)
        _kind_error(field_name, field.kind, kind)

    def read_boolean(self, field_name: str) -> bool:
        return bool(self._primitive(field_name, FieldKind.BOOLEAN))

    def read_nullable_boolean(self, field_name: str) -> bool | None:
        value = self._nullable(field_name, FieldKind.NULLABLE_BOOLEAN)
        return None if value is None else bool(value)

    def read_int8(self, field_name: str) -> int:
        return int(self._primitive(field_name, FieldKind.INT8))

    def read_nullable_int8(self, field_name: str) -> int | None:
        value: int | None = self._nullable(field_name, FieldKind.NULLABLE_INT8)
        return value

    def read_int16(self, field_name: str) -> int:
        return int(self._primitive(field_name, FieldKind.INT16))

    def read_nullable_int16(self, field_name: str) -> int | None:
        value: int | None = self._nullable(field_name, FieldKind.NULLABLE_INT16)
        return value

    def read_int32(self, field_name: str) -> int:
        return int(self._primitive(field_name, FieldKind.INT32))

    def read_nullable_int32(self, field_name: str) -> int | None:
        value: int | None = self._nullable(field_name, FieldKind.NULLABLE_INT32)
        return value

    def read_int64(self, field_name: str) -> int:
        return int(self._primitive(field_name, FieldKind.INT64))

    def read_nullable_int64(self, field_name: str) -> int | None:
        value: int | None = self._nullable(field_name, FieldKind.NULLABLE_INT64)
        return value

    def read_float32(self, field_name: str) -> float:
        return float(self._primitive(field_name, FieldKind.FLOAT32))

    def read_nullable_float32(self, field_name: str) -> float | None:
        value: float | None = self._nullable(field_name, FieldKind.NULLABLE_FLOAT32)
        return value

    def read_float64(self, field_name: str) -> float:
        return float(self._primitive(field_name, FieldKind.FLOAT64))

    def read_nullable_float64(self, field_name: str) -> float | None:
        value: float | None = self._nullable(field_name, FieldKind.NULLABLE_FLOAT64)
        return value

    # -- other variable-size fields -----------------------------------------------------

    def read_string(self, field_name: str) -> str | None:
        return self._read_variable(field_name, FieldKind.STRING, ObjectDataInput.read_string)

    def read_decimal(self, field_name: str) -> decimal.Decimal | None:
        return self._read_variable(field_name, FieldKind.DECIMAL, temporal.read_decimal)

    def read_time(self, field_name: str) -> datetime.time | None:
        return self._read_variable(field_name, FieldKind.TIME, temporal.read_local_time)

    def read_date(self, field_name: str) -> datetime.date | None:
        return self._read_variable(field_name, FieldKind.DATE, temporal.read_local_date)

    def read_timestamp(self, field_name: str) -> datetime.datetime | None:
        return self._read_variable(field_name, FieldKind.TIMESTAMP, temporal.read_local_date_time)

    def read_timestamp_with_timezone(self, field_name: str) -> datetime.datetime | None:
        return self._read_variable(
            field_name, FieldKind.TIMESTAMP_WITH_TIMEZONE, temporal.read_offset_date_time
        )

    def read_compact(self, field_name: str) -> Any:
        return self._read_variable(field_name, FieldKind.COMPACT, self._serializer.read)

    # -- arrays -------------------------------------------------------------------------

    def _fixed_array(self, field_name: str, kind: FieldKind) -> Any:
        field = self._field(field_name)
        if field.kind == kind:
            if kind == FieldKind.ARRAY_OF_BOOLEAN:
                return self._variable(field, _read_boolean_bits)
            return self._variable(field, _FIXED_ARRAY_READERS[kind])
        nullable = _NULLABLE_OF[kind]
        if field.kind == nullable:
            items = self._variable(
                field, self._items(_NULLABLE_READERS[_NOT_NULLABLE_ITEM[nullable]])
            )
            if items is not None and any(item is None for item in items):
                raise HazelcastSerializationError(
                    f"the {nullable.name} field {field_name!r} has None items; read it with "
                    f"read_{nullable.name.lower()}()"
                )
            return items
        _kind_error(field_name, field.kind, kind)

    def _nullable_array(self, field_name: str, kind: FieldKind) -> Any:
        field = self._field(field_name)
        if field.kind == kind:
            return self._variable(field, self._items(_NULLABLE_READERS[_NOT_NULLABLE_ITEM[kind]]))
        if field.kind == _NOT_NULLABLE_OF[kind]:
            return self._fixed_array(field_name, field.kind)
        _kind_error(field_name, field.kind, kind)

    def read_array_of_boolean(self, field_name: str) -> list[bool] | None:
        value: list[bool] | None = self._fixed_array(field_name, FieldKind.ARRAY_OF_BOOLEAN)
        return value

    def read_array_of_nullable_boolean(self, field_name: str) -> list[bool | None] | None:
        value: list[bool | None] | None = self._nullable_array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_BOOLEAN
        )
        return value

    def read_array_of_int8(self, field_name: str) -> list[int] | None:
        value: list[int] | None = self._fixed_array(field_name, FieldKind.ARRAY_OF_INT8)
        return value

    def read_array_of_nullable_int8(self, field_name: str) -> list[int | None] | None:
        value: list[int | None] | None = self._nullable_array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_INT8
        )
        return value

    def read_array_of_int16(self, field_name: str) -> list[int] | None:
        value: list[int] | None = self._fixed_array(field_name, FieldKind.ARRAY_OF_INT16)
        return value

    def read_array_of_nullable_int16(self, field_name: str) -> list[int | None] | None:
        value: list[int | None] | None = self._nullable_array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_INT16
        )
        return value

    def read_array_of_int32(self, field_name: str) -> list[int] | None:
        value: list[int] | None = self._fixed_array(field_name, FieldKind.ARRAY_OF_INT32)
        return value

    def read_array_of_nullable_int32(self, field_name: str) -> list[int | None] | None:
        value: list[int | None] | None = self._nullable_array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_INT32
        )
        return value

    def read_array_of_int64(self, field_name: str) -> list[int] | None:
        value: list[int] | None = self._fixed_array(field_name, FieldKind.ARRAY_OF_INT64)
        return value

    def read_array_of_nullable_int64(self, field_name: str) -> list[int | None] | None:
        value: list[int | None] | None = self._nullable_array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_INT64
        )
        return value

    def read_array_of_float32(self, field_name: str) -> list[float] | None:
        value: list[float] | None = self._fixed_array(field_name, FieldKind.ARRAY_OF_FLOAT32)
        return value

    def read_array_of_nullable_float32(self, field_name: str) -> list[float | None] | None:
        value: list[float | None] | None = self._nullable_array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_FLOAT32
        )
        return value

    def read_array_of_float64(self, field_name: str) -> list[float] | None:
        value: list[float] | None = self._fixed_array(field_name, FieldKind.ARRAY_OF_FLOAT64)
        return value

    def read_array_of_nullable_float64(self, field_name: str) -> list[float | None] | None:
        value: list[float | None] | None = self._nullable_array(
            field_name, FieldKind.ARRAY_OF_NULLABLE_FLOAT64
        )
        return value

    def read_array_of_string(self, field_name: str) -> list[str | None] | None:
        return self._read_variable(field_name, FieldKind.ARRAY_OF_STRING, self._items(_read_str))

    def read_array_of_decimal(self, field_name: str) -> list[decimal.Decimal | None] | None:
        return self._read_variable(
            field_name, FieldKind.ARRAY_OF_DECIMAL, self._items(temporal.read_decimal)
        )

    def read_array_of_time(self, field_name: str) -> list[datetime.time | None] | None:
        return self._read_variable(
            field_name, FieldKind.ARRAY_OF_TIME, self._items(temporal.read_local_time)
        )

    def read_array_of_date(self, field_name: str) -> list[datetime.date | None] | None:
        return self._read_variable(
            field_name, FieldKind.ARRAY_OF_DATE, self._items(temporal.read_local_date)
        )

    def read_array_of_timestamp(self, field_name: str) -> list[datetime.datetime | None] | None:
        return self._read_variable(
            field_name, FieldKind.ARRAY_OF_TIMESTAMP, self._items(temporal.read_local_date_time)
        )

    def read_array_of_timestamp_with_timezone(
        self, field_name: str
    ) -> list[datetime.datetime | None] | None:
        return self._read_variable(
            field_name,
            FieldKind.ARRAY_OF_TIMESTAMP_WITH_TIMEZONE,
            self._items(temporal.read_offset_date_time),
        )

    def read_array_of_compact(self, field_name: str) -> list[Any] | None:
        return self._read_variable(
            field_name, FieldKind.ARRAY_OF_COMPACT, self._items(self._serializer.read)
        )


def _read_str(inp: ObjectDataInput) -> str:
    value = inp.read_string()
    if value is None:
        raise HazelcastSerializationError("corrupt Compact data: a None string inside an array")
    return value


#: the kind of the items of an array of nullable items, as nullable single values
_NOT_NULLABLE_ITEM: Final[dict[FieldKind, FieldKind]] = {
    FieldKind.ARRAY_OF_NULLABLE_BOOLEAN: FieldKind.NULLABLE_BOOLEAN,
    FieldKind.ARRAY_OF_NULLABLE_INT8: FieldKind.NULLABLE_INT8,
    FieldKind.ARRAY_OF_NULLABLE_INT16: FieldKind.NULLABLE_INT16,
    FieldKind.ARRAY_OF_NULLABLE_INT32: FieldKind.NULLABLE_INT32,
    FieldKind.ARRAY_OF_NULLABLE_INT64: FieldKind.NULLABLE_INT64,
    FieldKind.ARRAY_OF_NULLABLE_FLOAT32: FieldKind.NULLABLE_FLOAT32,
    FieldKind.ARRAY_OF_NULLABLE_FLOAT64: FieldKind.NULLABLE_FLOAT64,
}


# -- the serializer ---------------------------------------------------------------------------


class CompactStreamSerializer(StreamSerializer[Any]):
    """Type id -55: objects of the classes with a registered :class:`CompactSerializer`."""

    def __init__(
        self, serializers: Iterable[CompactSerializer[Any]], registry: SchemaRegistry
    ) -> None:
        self.registry = registry
        self._by_class: dict[type, CompactSerializer[Any]] = {}
        self._by_type_name: dict[str, CompactSerializer[Any]] = {}
        self._schemas: dict[type, Schema] = {}
        for serializer in serializers:
            cls = serializer.get_class()
            type_name = serializer.get_type_name()
            if not isinstance(cls, type):
                raise TypeError(
                    f"{type(serializer).__name__}.get_class() must return a class, not {cls!r}"
                )
            if not isinstance(type_name, str) or not type_name:
                raise TypeError(
                    f"{type(serializer).__name__}.get_type_name() must return a non-empty str"
                )
            if cls in self._by_class:
                raise ValueError(f"two Compact serializers are registered for {cls.__qualname__}")
            if type_name in self._by_type_name:
                raise ValueError(f"two Compact serializers are registered for {type_name!r}")
            self._by_class[cls] = serializer
            self._by_type_name[type_name] = serializer

    @property
    def classes(self) -> frozenset[type]:
        """The classes with a Compact serializer."""
        return frozenset(self._by_class)

    def get_type_id(self) -> int:
        return TYPE_COMPACT

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        self.write_nested(out, obj)

    def write_nested(self, out: ObjectDataOutput, obj: Any) -> None:
        """The schema id and the fields (what a nested Compact object consists of)."""
        cls = type(obj)
        serializer = self._by_class.get(cls)
        if serializer is None:
            raise HazelcastSerializationError(
                f"there is no Compact serializer for {cls.__module__}.{cls.__qualname__}: add "
                f"one to compact_serializers"
            )
        schema = self._schemas.get(cls)
        if schema is None:
            writer = SchemaWriter(serializer.get_type_name())
            serializer.write(writer, obj)
            schema = self.registry.add_local(writer.build())
            self._schemas[cls] = schema
        out.write_long(schema.schema_id)
        compact_writer = DefaultCompactWriter(self, out, schema)
        serializer.write(compact_writer, obj)
        compact_writer.end()

    def read(self, inp: ObjectDataInput) -> Any:
        schema_id = inp.read_long()
        schema = self.registry.get(schema_id)
        if schema is None:
            raise SchemaNotFoundError(
                f"the Compact schema {schema_id} is unknown to this client", schema_id=schema_id
            )
        serializer = self._by_type_name.get(schema.type_name)
        if serializer is None:
            raise HazelcastSerializationError(
                f"there is no Compact serializer for the type name {schema.type_name!r}: add "
                f"one to compact_serializers to read it ({schema!r})"
            )
        return serializer.read(DefaultCompactReader(self, inp, schema))
