"""The Portable format: class definitions, the writer, the readers and the serializer.

A Portable (type id -1) is laid out as Java's ``PortableSerializer`` writes it::

    factory id int32, class id int32            (only at the top; nested ones omit them)
    class version int32
    end position int32                          (absolute position after the object)
    field count int32
    field offsets int32 * (count + 1)           (absolute; the last one: raw data)
    for each field, in write order:
        name length int16, name bytes, field type int8, the value

The name and type before every value make the data self-describing: a member (or a client)
that has never seen the class rebuilds its class definition from the bytes, which is how
members query Portable values without the class.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from ...errors import HazelcastSerializationError
from .. import temporal
from ..api import Portable, PortableReader, PortableWriter, StreamSerializer
from ..constants import CONSTANT_TYPE_PORTABLE, NULL_ARRAY_LENGTH
from ..input import ObjectDataInput
from ..output import ObjectDataOutput
from .classdef import ClassDefinition, ClassDefinitionBuilder, FieldDefinition, FieldType

if TYPE_CHECKING:
    from ..service import SerializationService

__all__ = ["PortableContext", "PortableSerializer"]

T = TypeVar("T")

#: ``{factory_id: {class_id: Portable class}}``, or ``{factory_id: callable(class_id)}``
PortableFactories = Mapping[int, Mapping[int, Callable[[], Any]] | Callable[[int], Any]]


def _portable_version(portable: Any, default: int) -> int:
    get = getattr(portable, "get_class_version", None)
    if get is None:
        return default
    version = get()
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise HazelcastSerializationError(
            f"{type(portable).__name__}.get_class_version() must return an int >= 0, "
            f"not {version!r}"
        )
    return version


# --------------------------------------------------------------------------------------------
# Context: the known class definitions
# --------------------------------------------------------------------------------------------


class PortableContext:
    """The class definitions one serialization service knows, by (factory, class, version)."""

    def __init__(self, version: int = 0) -> None:
        self.version = version
        self._definitions: dict[tuple[int, int, int], ClassDefinition] = {}
        self._class_versions: dict[tuple[int, int], int] = {}

    def lookup(self, factory_id: int, class_id: int, version: int) -> ClassDefinition | None:
        """The registered class definition, or ``None``."""
        return self._definitions.get((factory_id, class_id, version))

    def register(self, class_def: ClassDefinition) -> ClassDefinition:
        """Register a class definition; a different one of the same version raises."""
        class_def.set_version_if_not_set(self.version)
        key = (class_def.factory_id, class_def.class_id, class_def.version)
        existing = self._definitions.setdefault(key, class_def)
        if existing is not class_def and existing != class_def:
            raise HazelcastSerializationError(
                f"incompatible class definitions for factory id {key[0]}, class id {key[1]}, "
                f"version {key[2]}: {existing!r} is registered, {class_def!r} is new (give "
                f"the changed class a new version with get_class_version())"
            )
        return existing

    def class_version(self, factory_id: int, class_id: int) -> int:
        """The version of the local class, once known (-1 before)."""
        return self._class_versions.get((factory_id, class_id), -1)

    def set_class_version(self, factory_id: int, class_id: int, version: int) -> None:
        """Remember the version of the local class."""
        self._class_versions.setdefault((factory_id, class_id), version)

    def portable_version(self, portable: Any) -> int:
        """The version of ``portable``'s class: ``get_class_version()`` or the default."""
        return _portable_version(portable, self.version)

    def lookup_or_register(self, portable: Portable) -> ClassDefinition:
        """The class definition of ``portable``, built from its ``write_portable`` if new."""
        factory_id = portable.get_factory_id()
        class_id = portable.get_class_id()
        version = self.portable_version(portable)
        class_def = self.lookup(factory_id, class_id, version)
        if class_def is None:
            builder = ClassDefinitionBuilder(factory_id, class_id, version)
            portable.write_portable(ClassDefinitionWriter(self, builder))
            class_def = self.register(builder.build())
        return class_def

    def register_all(self, definitions: Sequence[ClassDefinition], check_errors: bool) -> None:
        """Register configured class definitions and, recursively, their nested ones.

        With ``check_errors``, a nested Portable field whose class definition is not among
        ``definitions`` raises.
        """
        by_key: dict[tuple[int, int], ClassDefinition] = {}
        for class_def in definitions:
            key = (class_def.factory_id, class_def.class_id)
            if key in by_key:
                raise HazelcastSerializationError(
                    f"class_definitions has two definitions of factory id {key[0]}, class id "
                    f"{key[1]}"
                )
            by_key[key] = class_def

        done: set[int] = set()

        def add(class_def: ClassDefinition) -> None:
            if id(class_def) in done:
                return
            done.add(id(class_def))
            for field in class_def.field_defs.values():
                if field.field_type not in (FieldType.PORTABLE, FieldType.PORTABLE_ARRAY):
                    continue
                nested = by_key.get((field.factory_id, field.class_id))
                if nested is not None:
                    add(nested)
                elif check_errors:
                    raise HazelcastSerializationError(
                        f"class_definitions: no class definition of factory id "
                        f"{field.factory_id}, class id {field.class_id} (the field "
                        f"{field.field_name!r} of {class_def!r}); add it, or pass "
                        f"check_class_definition_errors=False"
                    )
            self.register(class_def)

        for class_def in definitions:
            add(class_def)

    def read_class_definition(
        self, inp: ObjectDataInput, factory_id: int, class_id: int, version: int
    ) -> ClassDefinition:
        """Rebuild a class definition from a Portable's bytes (the input is left moved).

        Registered unless a nested Portable is ``None`` or a Portable array is empty (then
        the nested version is unknown), as Java does.
        """
        register = True
        builder = ClassDefinitionBuilder(factory_id, class_id, version)
        inp.read_int()  # end position
        field_count = inp.read_int()
        if field_count < 0:
            raise HazelcastSerializationError(f"corrupt Portable: {field_count} fields")
        offset = inp.position()
        for index in range(field_count):
            position = inp.read_int_positional(offset + index * 4)
            inp.set_position(position)
            length = inp.read_short()
            if length < 0:
                raise HazelcastSerializationError(f"corrupt Portable: field name length {length}")
            name = "".join(map(chr, inp.read_raw(length)))
            type_id = inp.read_byte()
            try:
                field_type = FieldType(type_id)
            except ValueError:
                raise HazelcastSerializationError(
                    f"corrupt Portable: unknown field type {type_id} of the field {name!r}"
                ) from None
            nested_factory = nested_class = 0
            nested_version = version
            if field_type == FieldType.PORTABLE:
                is_null = inp.read_boolean()
                nested_factory = inp.read_int()
                nested_class = inp.read_int()
                if is_null:
                    register = False
                else:
                    nested_version = inp.read_int()
                    self.read_class_definition(inp, nested_factory, nested_class, nested_version)
            elif field_type == FieldType.PORTABLE_ARRAY:
                count = inp.read_int()
                nested_factory = inp.read_int()
                nested_class = inp.read_int()
                if count > 0:
                    inp.set_position(inp.read_int())
                    nested_version = inp.read_int()
                    self.read_class_definition(inp, nested_factory, nested_class, nested_version)
                else:
                    register = False
            builder.add_field_def(
                FieldDefinition(
                    index, name, field_type, nested_version, nested_factory, nested_class
                )
            )
        class_def = builder.build()
        if register:
            class_def = self.register(class_def)
        return class_def


# --------------------------------------------------------------------------------------------
# The class definition writer: what write_portable writes, without the values
# --------------------------------------------------------------------------------------------


class _DiscardingOutput(ObjectDataOutput):
    """The raw output of a class definition writer: written and thrown away."""

    __slots__ = ()


class ClassDefinitionWriter(PortableWriter):
    """A :class:`PortableWriter` that records field names and types into a builder."""

    def __init__(self, context: PortableContext, builder: ClassDefinitionBuilder) -> None:
        self._context = context
        self._builder = builder

    def _nested(self, portable: Portable) -> ClassDefinition:
        builder = ClassDefinitionBuilder(
            portable.get_factory_id(),
            portable.get_class_id(),
            self._context.portable_version(portable),
        )
        portable.write_portable(ClassDefinitionWriter(self._context, builder))
        return self._context.register(builder.build())

    def write_int(self, field_name: str, value: int) -> None:
        self._builder.add_int_field(field_name)

    def write_long(self, field_name: str, value: int) -> None:
        self._builder.add_long_field(field_name)

    def write_string(self, field_name: str, value: str | None) -> None:
        self._builder.add_string_field(field_name)

    def write_boolean(self, field_name: str, value: bool) -> None:
        self._builder.add_boolean_field(field_name)

    def write_byte(self, field_name: str, value: int) -> None:
        self._builder.add_byte_field(field_name)

    def write_char(self, field_name: str, value: str | int) -> None:
        self._builder.add_char_field(field_name)

    def write_double(self, field_name: str, value: float) -> None:
        self._builder.add_double_field(field_name)

    def write_float(self, field_name: str, value: float) -> None:
        self._builder.add_float_field(field_name)

    def write_short(self, field_name: str, value: int) -> None:
        self._builder.add_short_field(field_name)

    def write_portable(self, field_name: str, portable: Portable | None) -> None:
        if portable is None:
            raise HazelcastSerializationError(
                f"cannot write the None Portable field {field_name!r} before the class "
                f"definition is known: register it with the class_definitions option, or use "
                f"write_null_portable() with a registered nested class definition"
            )
        self._builder.add_portable_field(field_name, self._nested(portable))

    def write_null_portable(self, field_name: str, factory_id: int, class_id: int) -> None:
        nested = self._context.lookup(factory_id, class_id, self._context.version)
        if nested is None:
            raise HazelcastSerializationError(
                f"cannot write the None Portable field {field_name!r}: there is no class "
                f"definition of factory id {factory_id}, class id {class_id}; register it "
                f"with the class_definitions option"
            )
        self._builder.add_portable_field(field_name, nested)

    def write_decimal(self, field_name: str, value: decimal.Decimal | None) -> None:
        self._builder.add_decimal_field(field_name)

    def write_time(self, field_name: str, value: datetime.time | None) -> None:
        self._builder.add_time_field(field_name)

    def write_date(self, field_name: str, value: datetime.date | None) -> None:
        self._builder.add_date_field(field_name)

    def write_timestamp(self, field_name: str, value: datetime.datetime | None) -> None:
        self._builder.add_timestamp_field(field_name)

    def write_timestamp_with_timezone(
        self, field_name: str, value: datetime.datetime | None
    ) -> None:
        self._builder.add_timestamp_with_timezone_field(field_name)

    def write_byte_array(self, field_name: str, values: bytes | bytearray | None) -> None:
        self._builder.add_byte_array_field(field_name)

    def write_boolean_array(self, field_name: str, values: Sequence[bool] | None) -> None:
        self._builder.add_boolean_array_field(field_name)

    def write_char_array(self, field_name: str, values: Sequence[str] | str | None) -> None:
        self._builder.add_char_array_field(field_name)

    def write_int_array(self, field_name: str, values: Sequence[int] | None) -> None:
        self._builder.add_int_array_field(field_name)

    def write_long_array(self, field_name: str, values: Sequence[int] | None) -> None:
        self._builder.add_long_array_field(field_name)

    def write_double_array(self, field_name: str, values: Sequence[float] | None) -> None:
        self._builder.add_double_array_field(field_name)

    def write_float_array(self, field_name: str, values: Sequence[float] | None) -> None:
        self._builder.add_float_array_field(field_name)

    def write_short_array(self, field_name: str, values: Sequence[int] | None) -> None:
        self._builder.add_short_array_field(field_name)

    def write_string_array(self, field_name: str, values: Sequence[str | None] | None) -> None:
        self._builder.add_string_array_field(field_name)

    def write_decimal_array(
        self, field_name: str, values: Sequence[decimal.Decimal] | None
    ) -> None:
        self._builder.add_decimal_array_field(field_name)

    def write_time_array(self, field_name: str, values: Sequence[datetime.time] | None) -> None:
        self._builder.add_time_array_field(field_name)

    def write_date_array(self, field_name: str, values: Sequence[datetime.date] | None) -> None:
        self._builder.add_date_array_field(field_name)

    def write_timestamp_array(
        self, field_name: str, values: Sequence[datetime.datetime] | None
    ) -> None:
        self._builder.add_timestamp_array_field(field_name)

    def write_timestamp_with_timezone_array(
        self, field_name: str, values: Sequence[datetime.datetime] | None
    ) -> None:
        self._builder.add_timestamp_with_timezone_array_field(field_name)

    def write_portable_array(self, field_name: str, values: Sequence[Portable] | None) -> None:
        if not values:
            raise HazelcastSerializationError(
                f"cannot write the {'empty' if values is not None else 'None'} Portable array "
                f"{field_name!r} before its class definition is known: register it with the "
                f"class_definitions option"
            )
        first = values[0]
        class_id = first.get_class_id()
        for item in values[1:]:
            if item.get_class_id() != class_id:
                raise HazelcastSerializationError(
                    f"the Portable array {field_name!r} mixes class ids {class_id} and "
                    f"{item.get_class_id()}"
                )
        self._builder.add_portable_array_field(field_name, self._nested(first))

    def get_raw_data_output(self) -> ObjectDataOutput:
        return _DiscardingOutput()


# --------------------------------------------------------------------------------------------
# The writer
# --------------------------------------------------------------------------------------------


class DefaultPortableWriter(PortableWriter):
    """Writes the fields of one Portable to an output, after its field-offset table."""

    def __init__(
        self, serializer: PortableSerializer, out: ObjectDataOutput, class_def: ClassDefinition
    ) -> None:
        self._serializer = serializer
        self._out = out
        self._class_def = class_def
        self._written: set[str] = set()
        self._raw = False
        count = class_def.get_field_count()
        self._begin = out.position()
        out.write_zero_bytes(4)
        out.write_int(count)
        self._offset = out.position()
        out.write_zero_bytes((count + 1) * 4)

    def _field(self, field_name: str, field_type: FieldType) -> FieldDefinition:
        """Record where the field starts and write its name and type."""
        if self._raw:
            raise HazelcastSerializationError(
                "cannot write Portable fields after get_raw_data_output()"
            )
        class_def = self._class_def
        field = class_def.get_field(field_name)
        if field is None:
            raise HazelcastSerializationError(
                f"the field {field_name!r} is not in {class_def!r}; a Portable class must "
                f"write the same fields every time (or get a new class version)"
            )
        if field.field_type != field_type:
            raise HazelcastSerializationError(
                f"the field {field_name!r} is a {field.field_type.name} field in {class_def!r}, "
                f"it cannot be written as {field_type.name}"
            )
        if field_name in self._written:
            raise HazelcastSerializationError(f"the field {field_name!r} is written twice")
        self._written.add(field_name)
        out = self._out
        out.write_int_positional(out.position(), self._offset + field.index * 4)
        out.write_short(len(field_name))
        out.write_bytes(field_name)
        out.write_byte(field_type)
        return field

    def end(self) -> None:
        """Check every field was written and write the end position."""
        if len(self._written) != self._class_def.get_field_count():
            missing = [n for n in self._class_def.field_defs if n not in self._written]
            raise HazelcastSerializationError(
                f"write_portable() did not write the fields {missing} of {self._class_def!r}"
            )
        out = self._out
        out.write_int_positional(out.position(), self._begin)

    # -- primitives ---------------------------------------------------------------------

    def write_int(self, field_name: str, value: int) -> None:
        self._field(field_name, FieldType.INT)
        self._out.write_int(value)

    def write_long(self, field_name: str, value: int) -> None:
        self._field(field_name, FieldType.LONG)
        self._out.write_long(value)

    def write_string(self, field_name: str, value: str | None) -> None:
        self._field(field_name, FieldType.STRING)
        self._out.write_string(value)

    def write_boolean(self, field_name: str, value: bool) -> None:
        self._field(field_name, FieldType.BOOLEAN)
        self._out.write_boolean(value)

    def write_byte(self, field_name: str, value: int) -> None:
        self._field(field_name, FieldType.BYTE)
        self._out.write_byte(value)

    def write_char(self, field_name: str, value: str | int) -> None:
        self._field(field_name, FieldType.CHAR)
        self._out.write_char(value)

    def write_double(self, field_name: str, value: float) -> None:
        self._field(field_name, FieldType.DOUBLE)
        self._out.write_double(value)

    def write_float(self, field_name: str, value: float) -> None:
        self._field(field_name, FieldType.FLOAT)
        self._out.write_float(value)

    def write_short(self, field_name: str, value: int) -> None:
        self._field(field_name, FieldType.SHORT)
        self._out.write_short(value)

    # -- nested Portables ---------------------------------------------------------------

    def _check_nested(self, field: FieldDefinition, portable: Portable) -> None:
        factory_id = portable.get_factory_id()
        class_id = portable.get_class_id()
        if (factory_id, class_id) != (field.factory_id, field.class_id):
            raise HazelcastSerializationError(
                f"the Portable field {field.field_name!r} holds factory id "
                f"{field.factory_id}, class id {field.class_id}, not factory id {factory_id}, "
                f"class id {class_id}"
            )

    def write_portable(self, field_name: str, portable: Portable | None) -> None:
        field = self._field(field_name, FieldType.PORTABLE)
        out = self._out
        out.write_boolean(portable is None)
        out.write_int(field.factory_id)
        out.write_int(field.class_id)
        if portable is not None:
            self._check_nested(field, portable)
            self._serializer.write_internal(out, portable)

    def write_null_portable(self, field_name: str, factory_id: int, class_id: int) -> None:
        self._field(field_name, FieldType.PORTABLE)
        out = self._out
        out.write_boolean(True)
        out.write_int(factory_id)
        out.write_int(class_id)

    def write_portable_array(self, field_name: str, values: Sequence[Portable] | None) -> None:
        field = self._field(field_name, FieldType.PORTABLE_ARRAY)
        out = self._out
        count = NULL_ARRAY_LENGTH if values is None else len(values)
        out.write_int(count)
        out.write_int(field.factory_id)
        out.write_int(field.class_id)
        if values:
            offset = out.position()
            out.write_zero_bytes(count * 4)
            for i, portable in enumerate(values):
                self._check_nested(field, portable)
                out.write_int_positional(out.position(), offset + i * 4)
                self._serializer.write_internal(out, portable)

    # -- nullable values ----------------------------------------------------------------

    def _nullable(
        self,
        field_name: str,
        field_type: FieldType,
        value: T | None,
        write: Callable[[ObjectDataOutput, T], None],
    ) -> None:
        self._field(field_name, field_type)
        out = self._out
        out.write_boolean(value is None)
        if value is not None:
            write(out, value)

    def write_decimal(self, field_name: str, value: decimal.Decimal | None) -> None:
        self._nullable(field_name, FieldType.DECIMAL, value, temporal.write_decimal)

    def write_time(self, field_name: str, value: datetime.time | None) -> None:
        self._nullable(field_name, FieldType.TIME, value, temporal.write_local_time)

    def write_date(self, field_name: str, value: datetime.date | None) -> None:
        self._nullable(field_name, FieldType.DATE, value, _write_date)

    def write_timestamp(self, field_name: str, value: datetime.datetime | None) -> None:
        self._nullable(field_name, FieldType.TIMESTAMP, value, _write_timestamp)

    def write_timestamp_with_timezone(
        self, field_name: str, value: datetime.datetime | None
    ) -> None:
        self._nullable(
            field_name, FieldType.TIMESTAMP_WITH_TIMEZONE, value, _write_timestamp_with_timezone
        )

    # -- arrays -------------------------------------------------------------------------

    def write_byte_array(self, field_name: str, values: bytes | bytearray | None) -> None:
        self._field(field_name, FieldType.BYTE_ARRAY)
        self._out.write_byte_array(values)

    def write_boolean_array(self, field_name: str, values: Sequence[bool] | None) -> None:
        self._field(field_name, FieldType.BOOLEAN_ARRAY)
        self._out.write_boolean_array(values)

    def write_char_array(self, field_name: str, values: Sequence[str] | str | None) -> None:
        self._field(field_name, FieldType.CHAR_ARRAY)
        self._out.write_char_array(values)

    def write_int_array(self, field_name: str, values: Sequence[int] | None) -> None:
        self._field(field_name, FieldType.INT_ARRAY)
        self._out.write_int_array(values)

    def write_long_array(self, field_name: str, values: Sequence[int] | None) -> None:
        self._field(field_name, FieldType.LONG_ARRAY)
        self._out.write_long_array(values)

    def write_double_array(self, field_name: str, values: Sequence[float] | None) -> None:
        self._field(field_name, FieldType.DOUBLE_ARRAY)
        self._out.write_double_array(values)

    def write_float_array(self, field_name: str, values: Sequence[float] | None) -> None:
        self._field(field_name, FieldType.FLOAT_ARRAY)
        self._out.write_float_array(values)

    def write_short_array(self, field_name: str, values: Sequence[int] | None) -> None:
        self._field(field_name, FieldType.SHORT_ARRAY)
        self._out.write_short_array(values)

    def write_string_array(self, field_name: str, values: Sequence[str | None] | None) -> None:
        self._field(field_name, FieldType.STRING_ARRAY)
        self._out.write_string_array(values)

    def _object_array(
        self,
        field_name: str,
        field_type: FieldType,
        values: Sequence[T] | None,
        write: Callable[[ObjectDataOutput, T], None],
    ) -> None:
        self._field(field_name, field_type)
        out = self._out
        count = NULL_ARRAY_LENGTH if values is None else len(values)
        out.write_int(count)
        if values:
            offset = out.position()
            out.write_zero_bytes(count * 4)
            for i, value in enumerate(values):
                if value is None:
                    raise HazelcastSerializationError(
                        f"the {field_type.name} field {field_name!r} cannot hold None items"
                    )
                out.write_int_positional(out.position(), offset + i * 4)
                write(out, value)

    def write_decimal_array(
        self, field_name: str, values: Sequence[decimal.Decimal] | None
    ) -> None:
        self._object_array(field_name, FieldType.DECIMAL_ARRAY, values, temporal.write_decimal)

    def write_time_array(self, field_name: str, values: Sequence[datetime.time] | None) -> None:
        self._object_array(field_name, FieldType.TIME_ARRAY, values, temporal.write_local_time)

    def write_date_array(self, field_name: str, values: Sequence[datetime.date] | None) -> None:
        self._object_array(field_name, FieldType.DATE_ARRAY, values, _write_date)

    def write_timestamp_array(
        self, field_name: str, values: Sequence[datetime.datetime] | None
    ) -> None:
        self._object_array(field_name, FieldType.TIMESTAMP_ARRAY, values, _write_timestamp)

    def write_timestamp_with_timezone_array(
        self, field_name: str, values: Sequence[datetime.datetime] | None
    ) -> None:
        self._object_array(
            field_name,
            FieldType.TIMESTAMP_WITH_TIMEZONE_ARRAY,
            values,
            _write_timestamp_with_timezone,
        )

    def get_raw_data_output(self) -> ObjectDataOutput:
        out = self._out
        if not self._raw:
            out.write_int_positional(
                out.position(), self._offset + self._class_def.get_field_count() * 4
            )
            self._raw = True
        return out


def _write_date(out: ObjectDataOutput, value: datetime.date) -> None:
    temporal.write_local_date(out, value, short_year=True)


def _write_timestamp(out: ObjectDataOutput, value: datetime.datetime) -> None:
    temporal.write_local_date_time(out, value, short_year=True)


def _write_timestamp_with_timezone(out: ObjectDataOutput, value: datetime.datetime) -> None:
    temporal.write_offset_date_time(out, value, short_year=True)


def _read_date(inp: ObjectDataInput) -> datetime.date:
    return temporal.read_local_date(inp, short_year=True)


def _read_timestamp(inp: ObjectDataInput) -> datetime.datetime:
    return temporal.read_local_date_time(inp, short_year=True)


def _read_timestamp_with_timezone(inp: ObjectDataInput) -> datetime.datetime:
    return temporal.read_offset_date_time(inp, short_year=True)


# --------------------------------------------------------------------------------------------
# The readers
# --------------------------------------------------------------------------------------------


class DefaultPortableReader(PortableReader):
    """Reads the fields of a Portable written with the class version the reader's class has."""

    def __init__(
        self, serializer: PortableSerializer, inp: ObjectDataInput, class_def: ClassDefinition
    ) -> None:
        self._serializer = serializer
        self._in = inp
        self._class_def = class_def
        self._raw = False
        self._final_position = inp.read_int()
        field_count = inp.read_int()
        if field_count != class_def.get_field_count():
            raise HazelcastSerializationError(
                f"the Portable data has {field_count} fields, its class definition "
                f"{class_def!r} has {class_def.get_field_count()}"
            )
        self._offset = inp.position()

    # -- field positions ----------------------------------------------------------------

    def _unknown(self, field_name: str) -> NoReturn:
        raise HazelcastSerializationError(f"unknown field {field_name!r} of {self._class_def!r}")

    def _field(self, field_name: str) -> FieldDefinition:
        field = self._class_def.get_field(field_name)
        if field is None:
            self._unknown(field_name)
        return field

    def _position_of(self, field: FieldDefinition) -> int:
        inp = self._in
        position = inp.read_int_positional(self._offset + field.index * 4)
        length = inp.read_short_positional(position)
        return position + 2 + length + 1

    def _position(self, field_name: str, field_type: FieldType) -> int:
        if self._raw:
            raise HazelcastSerializationError(
                "cannot read Portable fields after get_raw_data_input()"
            )
        field = self._field(field_name)
        if field.field_type != field_type:
            raise HazelcastSerializationError(
                f"the field {field_name!r} is a {field.field_type.name} field, not "
                f"{field_type.name} ({self._class_def!r})"
            )
        return self._position_of(field)

    def _at(self, position: int, read: Callable[[ObjectDataInput], T]) -> T:
        inp = self._in
        saved = inp.position()
        inp.set_position(position)
        try:
            return read(inp)
        finally:
            inp.set_position(saved)

    def end(self) -> None:
        """Move the input to the end of the Portable."""
        self._in.set_position(self._final_position)

    # -- metadata -----------------------------------------------------------------------

    def get_version(self) -> int:
        return self._class_def.version

    def has_field(self, field_name: str) -> bool:
        return self._class_def.has_field(field_name)

    def get_field_names(self) -> set[str]:
        return set(self._class_def.get_field_names())

    def get_field_type(self, field_name: str) -> FieldType:
        return self._field(field_name).field_type

    def get_field_class_id(self, field_name: str) -> int:
        return self._field(field_name).class_id

    # -- primitives ---------------------------------------------------------------------

    def read_int(self, field_name: str) -> int:
        return self._in.read_int_positional(self._position(field_name, FieldType.INT))

    def read_long(self, field_name: str) -> int:
        return self._in.read_long_positional(self._position(field_name, FieldType.LONG))

    def read_string(self, field_name: str) -> str | None:
        return self._at(self._position(field_name, FieldType.STRING), ObjectDataInput.read_string)

    def read_boolean(self, field_name: str) -> bool:
        return self._in.read_boolean_positional(self._position(field_name, FieldType.BOOLEAN))

    def read_byte(self, field_name: str) -> int:
        return self._in.read_byte_positional(self._position(field_name, FieldType.BYTE))

    def read_char(self, field_name: str) -> str:
        return self._in.read_char_positional(self._position(field_name, FieldType.CHAR))

    def read_double(self, field_name: str) -> float:
        return self._in.read_double_positional(self._position(field_name, FieldType.DOUBLE))

    def read_float(self, field_name: str) -> float:
        return self._in.read_float_positional(self._position(field_name, FieldType.FLOAT))

    def read_short(self, field_name: str) -> int:
        return self._in.read_short_positional(self._position(field_name, FieldType.SHORT))

    # -- nested Portables ---------------------------------------------------------------

    def _check_nested(self, field: FieldDefinition, factory_id: int, class_id: int) -> None:
        if (factory_id, class_id) != (field.factory_id, field.class_id):
            raise HazelcastSerializationError(
                f"the Portable field {field.field_name!r} should hold factory id "
                f"{field.factory_id}, class id {field.class_id}; the data has factory id "
                f"{factory_id}, class id {class_id}"
            )

    def read_portable(self, field_name: str) -> Any:
        position = self._position(field_name, FieldType.PORTABLE)
        field = self._field(field_name)

        def read(inp: ObjectDataInput) -> Any:
            is_null = inp.read_boolean()
            factory_id = inp.read_int()
            class_id = inp.read_int()
            self._check_nested(field, factory_id, class_id)
            if is_null:
                return None
            return self._serializer.read_nested(inp, factory_id, class_id)

        return self._at(position, read)

    def read_portable_array(self, field_name: str) -> list[Any] | None:
        position = self._position(field_name, FieldType.PORTABLE_ARRAY)
        field = self._field(field_name)

        def read(inp: ObjectDataInput) -> list[Any] | None:
            count = inp.read_int()
            factory_id = inp.read_int()
            class_id = inp.read_int()
            if count == NULL_ARRAY_LENGTH:
                return None
            if count < 0:
                raise HazelcastSerializationError(f"corrupt Portable array length {count}")
            self._check_nested(field, factory_id, class_id)
            offset = inp.position()
            items = []
            for i in range(count):
                inp.set_position(inp.read_int_positional(offset + i * 4))
                items.append(self._serializer.read_nested(inp, factory_id, class_id))
            return items

        return self._at(position, read)

    # -- nullable values ----------------------------------------------------------------

    def _nullable(
        self, field_name: str, field_type: FieldType, read: Callable[[ObjectDataInput], T]
    ) -> T | None:
        def read_nullable(inp: ObjectDataInput) -> T | None:
            return None if inp.read_boolean() else read(inp)

        return self._at(self._position(field_name, field_type), read_nullable)

    def read_decimal(self, field_name: str) -> decimal.Decimal | None:
        return self._nullable(field_name, FieldType.DECIMAL, temporal.read_decimal)

    def read_time(self, field_name: str) -> datetime.time | None:
        return self._nullable(field_name, FieldType.TIME, temporal.read_local_time)

    def read_date(self, field_name: str) -> datetime.date | None:
        return self._nullable(field_name, FieldType.DATE, _read_date)

    def read_timestamp(self, field_name: str) -> datetime.datetime | None:
        return self._nullable(field_name, FieldType.TIMESTAMP, _read_timestamp)

    def read_timestamp_with_timezone(self, field_name: str) -> datetime.datetime | None:
        return self._nullable(
            field_name, FieldType.TIMESTAMP_WITH_TIMEZONE, _read_timestamp_with_timezone
        )

    # -- arrays -------------------------------------------------------------------------

    def read_byte_array(self, field_name: str) -> bytes | None:
        return self._at(
            self._position(field_name, FieldType.BYTE_ARRAY), ObjectDataInput.read_byte_array
        )

    def read_boolean_array(self, field_name: str) -> list[bool] | None:
        return self._at(
            self._position(field_name, FieldType.BOOLEAN_ARRAY), ObjectDataInput.read_boolean_array
        )

    def read_char_array(self, field_name: str) -> list[str] | None:
        return self._at(
            self._position(field_name, FieldType.CHAR_ARRAY), ObjectDataInput.read_char_array
        )

    def read_int_array(self, field_name: str) -> list[int] | None:
        return self._at(
            self._position(field_name, FieldType.INT_ARRAY), ObjectDataInput.read_int_array
        )

    def read_long_array(self, field_name: str) -> list[int] | None:
        return self._at(
            self._position(field_name, FieldType.LONG_ARRAY), ObjectDataInput.read_long_array
        )

    def read_double_array(self, field_name: str) -> list[float] | None:
        return self._at(
            self._position(field_name, FieldType.DOUBLE_ARRAY), ObjectDataInput.read_double_array
        )

    def read_float_array(self, field_name: str) -> list[float] | None:
        return self._at(
            self._position(field_name, FieldType.FLOAT_ARRAY), ObjectDataInput.read_float_array
        )

    def read_short_array(self, field_name: str) -> list[int] | None:
        return self._at(
            self._position(field_name, FieldType.SHORT_ARRAY), ObjectDataInput.read_short_array
        )

    def read_string_array(self, field_name: str) -> list[str | None] | None:
        return self._at(
            self._position(field_name, FieldType.STRING_ARRAY), ObjectDataInput.read_string_array
        )

    def _object_array(
        self, field_name: str, field_type: FieldType, read: Callable[[ObjectDataInput], T]
    ) -> list[T] | None:
        def read_array(inp: ObjectDataInput) -> list[T] | None:
            count = inp.read_int()
            if count == NULL_ARRAY_LENGTH:
                return None
            if count < 0:
                raise HazelcastSerializationError(f"corrupt Portable array length {count}")
            offset = inp.position()
            items = []
            for i in range(count):
                inp.set_position(inp.read_int_positional(offset + i * 4))
                items.append(read(inp))
            return items

        return self._at(self._position(field_name, field_type), read_array)

    def read_decimal_array(self, field_name: str) -> list[decimal.Decimal] | None:
        return self._object_array(field_name, FieldType.DECIMAL_ARRAY, temporal.read_decimal)

    def read_time_array(self, field_name: str) -> list[datetime.time] | None:
        return self._object_array(field_name, FieldType.TIME_ARRAY, temporal.read_local_time)

    def read_date_array(self, field_name: str) -> list[datetime.date] | None:
        return self._object_array(field_name, FieldType.DATE_ARRAY, _read_date)

    def read_timestamp_array(self, field_name: str) -> list[datetime.datetime] | None:
        return self._object_array(field_name, FieldType.TIMESTAMP_ARRAY, _read_timestamp)

    def read_timestamp_with_timezone_array(self, field_name: str) -> list[datetime.datetime] | None:
        return self._object_array(
            field_name, FieldType.TIMESTAMP_WITH_TIMEZONE_ARRAY, _read_timestamp_with_timezone
        )

    def get_raw_data_input(self) -> ObjectDataInput:
        inp = self._in
        if not self._raw:
            position = inp.read_int_positional(self._offset + self._class_def.get_field_count() * 4)
            inp.set_position(position)
            self._raw = True
        return inp


_INT_SOURCES = (FieldType.INT, FieldType.BYTE, FieldType.CHAR, FieldType.SHORT)
_LONG_SOURCES = (FieldType.LONG, *_INT_SOURCES)
_FLOAT_SOURCES = (FieldType.FLOAT, *_INT_SOURCES)
_DOUBLE_SOURCES = (FieldType.DOUBLE, FieldType.LONG, FieldType.FLOAT, *_INT_SOURCES)
_SHORT_SOURCES = (FieldType.SHORT, FieldType.BYTE)


class MorphingPortableReader(DefaultPortableReader):
    """Reads data written with another version of the class, as Java's reader of that name.

    A field the data does not have reads as 0, ``False``, ``""``-free ``None``; numbers widen
    (``byte``/``short``/``char``/``int`` → ``int`` → ``long`` → ``double``, and to
    ``float``); any other change of type raises
    :class:`~hztrio.errors.HazelcastSerializationError`.
    """

    def _incompatible(self, field: FieldDefinition, wanted: FieldType) -> NoReturn:
        raise HazelcastSerializationError(
            f"incompatible class change: cannot read the {field.field_type.name} field "
            f"{field.field_name!r} as {wanted.name} ({self._class_def!r})"
        )

    def _numeric(self, field: FieldDefinition) -> int | float:
        field_type = field.field_type
        name = field.field_name
        if field_type == FieldType.INT:
            return super().read_int(name)
        if field_type == FieldType.BYTE:
            return super().read_byte(name)
        if field_type == FieldType.SHORT:
            return super().read_short(name)
        if field_type == FieldType.CHAR:
            return ord(super().read_char(name))
        if field_type == FieldType.LONG:
            return super().read_long(name)
        if field_type == FieldType.FLOAT:
            return super().read_float(name)
        return super().read_double(name)

    def _widening(
        self, field_name: str, wanted: FieldType, sources: tuple[FieldType, ...]
    ) -> int | float | None:
        field = self._class_def.get_field(field_name)
        if field is None:
            return None
        if field.field_type not in sources:
            self._incompatible(field, wanted)
        return self._numeric(field)

    def read_int(self, field_name: str) -> int:
        value = self._widening(field_name, FieldType.INT, _INT_SOURCES)
        return 0 if value is None else int(value)

    def read_long(self, field_name: str) -> int:
        value = self._widening(field_name, FieldType.LONG, _LONG_SOURCES)
        return 0 if value is None else int(value)

    def read_float(self, field_name: str) -> float:
        value = self._widening(field_name, FieldType.FLOAT, _FLOAT_SOURCES)
        return 0.0 if value is None else float(value)

    def read_double(self, field_name: str) -> float:
        value = self._widening(field_name, FieldType.DOUBLE, _DOUBLE_SOURCES)
        return 0.0 if value is None else float(value)

    def read_short(self, field_name: str) -> int:
        value = self._widening(field_name, FieldType.SHORT, _SHORT_SOURCES)
        return 0 if value is None else int(value)

    def _same_type(self, field_name: str, wanted: FieldType) -> bool:
        field = self._class_def.get_field(field_name)
        if field is None:
            return False
        if field.field_type != wanted:
            self._incompatible(field, wanted)
        return True

    def read_boolean(self, field_name: str) -> bool:
        return self._same_type(field_name, FieldType.BOOLEAN) and super().read_boolean(field_name)

    def read_byte(self, field_name: str) -> int:
        if not self._same_type(field_name, FieldType.BYTE):
            return 0
        return super().read_byte(field_name)

    def read_char(self, field_name: str) -> str:
        if not self._same_type(field_name, FieldType.CHAR):
            return "\x00"
        return super().read_char(field_name)

    def _or_none(self, field_name: str, wanted: FieldType, read: Callable[[str], T]) -> T | None:
        if not self._same_type(field_name, wanted):
            return None
        return read(field_name)

    def read_string(self, field_name: str) -> str | None:
        return self._or_none(field_name, FieldType.STRING, super().read_string)

    def read_portable(self, field_name: str) -> Any:
        return self._or_none(field_name, FieldType.PORTABLE, super().read_portable)

    def read_portable_array(self, field_name: str) -> list[Any] | None:
        return self._or_none(field_name, FieldType.PORTABLE_ARRAY, super().read_portable_array)

    def read_decimal(self, field_name: str) -> decimal.Decimal | None:
        return self._or_none(field_name, FieldType.DECIMAL, super().read_decimal)

    def read_time(self, field_name: str) -> datetime.time | None:
        return self._or_none(field_name, FieldType.TIME, super().read_time)

    def read_date(self, field_name: str) -> datetime.date | None:
        return self._or_none(field_name, FieldType.DATE, super().read_date)

    def read_timestamp(self, field_name: str) -> datetime.datetime | None:
        return self._or_none(field_name, FieldType.TIMESTAMP, super().read_timestamp)

    def read_timestamp_with_timezone(self, field_name: str) -> datetime.datetime | None:
        return self._or_none(
            field_name, FieldType.TIMESTAMP_WITH_TIMEZONE, super().read_timestamp_with_timezone
        )

    def read_byte_array(self, field_name: str) -> bytes | None:
        return self._or_none(field_name, FieldType.BYTE_ARRAY, super().read_byte_array)

    def read_boolean_array(self, field_name: str) -> list[bool] | None:
        return self._or_none(field_name, FieldType.BOOLEAN_ARRAY, super().read_boolean_array)

    def read_char_array(self, field_name: str) -> list[str] | None:
        return self._or_none(field_name, FieldType.CHAR_ARRAY, super().read_char_array)

    def read_int_array(self, field_name: str) -> list[int] | None:
        return self._or_none(field_name, FieldType.INT_ARRAY, super().read_int_array)

    def read_long_array(self, field_name: str) -> list[int] | None:
        return self._or_none(field_name, FieldType.LONG_ARRAY, super().read_long_array)

    def read_double_array(self, field_name: str) -> list[float] | None:
        return self._or_none(field_name, FieldType.DOUBLE_ARRAY, super().read_double_array)

    def read_float_array(self, field_name: str) -> list[float] | None:
        return self._or_none(field_name, FieldType.FLOAT_ARRAY, super().read_float_array)

    def read_short_array(self, field_name: str) -> list[int] | None:
        return self._or_none(field_name, FieldType.SHORT_ARRAY, super().read_short_array)

    def read_string_array(self, field_name: str) -> list[str | None] | None:
        return self._or_none(field_name, FieldType.STRING_ARRAY, super().read_string_array)

    def read_decimal_array(self, field_name: str) -> list[decimal.Decimal] | None:
        return self._or_none(field_name, FieldType.DECIMAL_ARRAY, super().read_decimal_array)

    def read_time_array(self, field_name: str) -> list[datetime.time] | None:
        return self._or_none(field_name, FieldType.TIME_ARRAY, super().read_time_array)

    def read_date_array(self, field_name: str) -> list[datetime.date] | None:
        return self._or_none(field_name, FieldType.DATE_ARRAY, super().read_date_array)

    def read_timestamp_array(self, field_name: str) -> list[datetime.datetime] | None:
        return self._or_none(field_name, FieldType.TIMESTAMP_ARRAY, super().read_timestamp_array)

    def read_timestamp_with_timezone_array(self, field_name: str) -> list[datetime.datetime] | None:
        return self._or_none(
            field_name,
            FieldType.TIMESTAMP_WITH_TIMEZONE_ARRAY,
            super().read_timestamp_with_timezone_array,
        )


# --------------------------------------------------------------------------------------------
# The serializer
# --------------------------------------------------------------------------------------------


class PortableSerializer(StreamSerializer[Any]):
    """Type id -1: :class:`~hztrio.serialization.api.Portable` objects."""

    def __init__(
        self,
        service: SerializationService | None,
        context: PortableContext,
        factories: PortableFactories,
    ) -> None:
        self._service = service
        self.context = context
        self._factories = dict(factories)

    def get_type_id(self) -> int:
        return CONSTANT_TYPE_PORTABLE

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        if not isinstance(obj, Portable):
            raise HazelcastSerializationError(f"{type(obj).__name__} is not a Portable")
        class_id = obj.get_class_id()
        if class_id == 0:
            raise HazelcastSerializationError(
                f"{type(obj).__name__}.get_class_id() returned 0; a Portable class id cannot be 0"
            )
        out.write_int(obj.get_factory_id())
        out.write_int(class_id)
        self.write_internal(out, obj)

    def write_internal(self, out: ObjectDataOutput, portable: Portable) -> None:
        """The version and the fields (what a nested Portable consists of)."""
        class_def = self.context.lookup_or_register(portable)
        out.write_int(class_def.version)
        writer = DefaultPortableWriter(self, out, class_def)
        portable.write_portable(writer)
        writer.end()

    def read(self, inp: ObjectDataInput) -> Any:
        factory_id = inp.read_int()
        class_id = inp.read_int()
        return self.read_nested(inp, factory_id, class_id)

    def read_nested(self, inp: ObjectDataInput, factory_id: int, class_id: int) -> Any:
        """Read the version and fields of a Portable of a known class."""
        portable = self._create(factory_id, class_id)
        version = inp.read_int()
        local_version = self._local_version(factory_id, class_id, portable)
        reader = self._reader(inp, factory_id, class_id, version, local_version)
        portable.read_portable(reader)
        reader.end()
        return portable

    def _create(self, factory_id: int, class_id: int) -> Any:
        factory = self._factories.get(factory_id)
        if factory is None:
            raise HazelcastSerializationError(
                f"there is no Portable factory for factory id {factory_id} (class id "
                f"{class_id}): register the class with portable_factories={{{factory_id}: "
                f"{{{class_id}: YourClass}}}}"
            )
        if isinstance(factory, Mapping):
            cls = factory.get(class_id)
            portable = None if cls is None else cls()
        else:
            portable = factory(class_id)
        if portable is None:
            raise HazelcastSerializationError(
                f"the Portable factory {factory_id} has no class id {class_id}: add it to "
                f"portable_factories[{factory_id}]"
            )
        return portable

    def _local_version(self, factory_id: int, class_id: int, portable: Any) -> int:
        context = self.context
        version = context.class_version(factory_id, class_id)
        if version < 0:
            version = context.portable_version(portable)
            if version > 0:
                context.set_class_version(factory_id, class_id, version)
        return version

    def _reader(
        self,
        inp: ObjectDataInput,
        factory_id: int,
        class_id: int,
        version: int,
        local_version: int,
    ) -> DefaultPortableReader:
        context = self.context
        effective = version if version >= 0 else context.version
        class_def = context.lookup(factory_id, class_id, effective)
        if class_def is None:
            begin = inp.position()
            class_def = context.read_class_definition(inp, factory_id, class_id, effective)
            inp.set_position(begin)
        if local_version == class_def.version:
            return DefaultPortableReader(self, inp, class_def)
        return MorphingPortableReader(self, inp, class_def)
