"""Portable class definitions: the field names and types of one version of a Portable class.

Members and clients learn a class definition from the data itself (a Portable carries its
field names and types), from the first object of the class written, or from the
``class_definitions`` option, which is needed to write a ``None`` nested Portable or an
empty Portable array before any object of that class has been written.
"""

from __future__ import annotations

import enum

from ...errors import HazelcastSerializationError

__all__ = ["ClassDefinition", "ClassDefinitionBuilder", "FieldDefinition", "FieldType"]


class FieldType(enum.IntEnum):
    """The type of a Portable field (Java's ``FieldType`` ids)."""

    PORTABLE = 0
    BYTE = 1
    BOOLEAN = 2
    CHAR = 3
    SHORT = 4
    INT = 5
    LONG = 6
    FLOAT = 7
    DOUBLE = 8
    UTF = 9
    """Java ``String`` (also :attr:`STRING`)."""
    PORTABLE_ARRAY = 10
    BYTE_ARRAY = 11
    BOOLEAN_ARRAY = 12
    CHAR_ARRAY = 13
    SHORT_ARRAY = 14
    INT_ARRAY = 15
    LONG_ARRAY = 16
    FLOAT_ARRAY = 17
    DOUBLE_ARRAY = 18
    UTF_ARRAY = 19
    """Java ``String[]`` (also :attr:`STRING_ARRAY`)."""
    DECIMAL = 20
    DECIMAL_ARRAY = 21
    TIME = 22
    TIME_ARRAY = 23
    DATE = 24
    DATE_ARRAY = 25
    TIMESTAMP = 26
    TIMESTAMP_ARRAY = 27
    TIMESTAMP_WITH_TIMEZONE = 28
    TIMESTAMP_WITH_TIMEZONE_ARRAY = 29

    STRING = 9
    STRING_ARRAY = 19


class FieldDefinition:
    """One field of a :class:`ClassDefinition`: its position, name and type.

    For Portable and Portable-array fields, ``factory_id``, ``class_id`` and ``version`` name
    the nested class.
    """

    __slots__ = ("class_id", "factory_id", "field_name", "field_type", "index", "version")

    def __init__(
        self,
        index: int,
        field_name: str,
        field_type: int,
        version: int,
        factory_id: int = 0,
        class_id: int = 0,
    ) -> None:
        self.index = index
        self.field_name = field_name
        self.field_type = FieldType(field_type)
        self.version = version
        self.factory_id = factory_id
        self.class_id = class_id

    def _key(self) -> tuple[int, str, FieldType, int, int]:
        return (self.index, self.field_name, self.field_type, self.factory_id, self.class_id)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldDefinition):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        nested = (
            f", factory_id={self.factory_id}, class_id={self.class_id}"
            if self.field_type in (FieldType.PORTABLE, FieldType.PORTABLE_ARRAY)
            else ""
        )
        return (
            f"FieldDefinition(index={self.index}, name={self.field_name!r}, "
            f"type={self.field_type.name}, version={self.version}{nested})"
        )


class ClassDefinition:
    """The fields of one version of a Portable class, by name, in field-index order."""

    def __init__(self, factory_id: int, class_id: int, version: int = 0) -> None:
        self.factory_id = factory_id
        self.class_id = class_id
        self.version = version
        self.field_defs: dict[str, FieldDefinition] = {}
        self._by_index: list[FieldDefinition] | None = None

    def add_field_def(self, field_def: FieldDefinition) -> None:
        """Add a field (normally done by :class:`ClassDefinitionBuilder`)."""
        self.field_defs[field_def.field_name] = field_def
        self._by_index = None

    def get_field(self, field_name_or_index: str | int) -> FieldDefinition | None:
        """The field of that name (``None`` if there is none) or index (``IndexError``)."""
        if isinstance(field_name_or_index, int):
            by_index = self._by_index
            if by_index is None:
                by_index = self._by_index = sorted(self.field_defs.values(), key=_index)
            if not 0 <= field_name_or_index < len(by_index):
                raise IndexError(
                    f"field index {field_name_or_index} is out of range: the class definition "
                    f"has {len(by_index)} fields"
                )
            return by_index[field_name_or_index]
        return self.field_defs.get(field_name_or_index)

    def has_field(self, field_name: str) -> bool:
        """True if the class has a field of that name."""
        return field_name in self.field_defs

    def get_field_names(self) -> list[str]:
        """The field names, in the order the fields were added."""
        return list(self.field_defs)

    def get_field_type(self, field_name: str) -> FieldType:
        """The type of the named field (``ValueError`` if there is none)."""
        return self._field_or_raise(field_name).field_type

    def get_field_class_id(self, field_name: str) -> int:
        """The nested class id of the named Portable field (``ValueError`` if none)."""
        return self._field_or_raise(field_name).class_id

    def get_field_count(self) -> int:
        """The number of fields."""
        return len(self.field_defs)

    def set_version_if_not_set(self, version: int) -> None:
        """Set the version if it is negative (unset)."""
        if self.version < 0:
            self.version = version

    def _field_or_raise(self, field_name: str) -> FieldDefinition:
        field = self.field_defs.get(field_name)
        if field is None:
            raise ValueError(f"unknown field {field_name!r} in {self!r}")
        return field

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ClassDefinition):
            return NotImplemented
        return (
            self.factory_id == other.factory_id
            and self.class_id == other.class_id
            and self.version == other.version
            and self.field_defs == other.field_defs
        )

    def __hash__(self) -> int:
        return hash((self.factory_id, self.class_id, self.version))

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{fd.field_name}: {fd.field_type.name}"
            for fd in sorted(self.field_defs.values(), key=_index)
        )
        return (
            f"ClassDefinition(factory_id={self.factory_id}, class_id={self.class_id}, "
            f"version={self.version}, fields=[{fields}])"
        )


def _index(field: FieldDefinition) -> int:
    return field.index


class ClassDefinitionBuilder:
    """Builds a :class:`ClassDefinition` field by field, in the order ``write_portable``
    writes them::

        address = ClassDefinitionBuilder(1, 2).add_string_field("city").build()
        person = (ClassDefinitionBuilder(1, 1)
                  .add_string_field("name")
                  .add_portable_field("address", address)
                  .build())
        client = HazelcastClient(class_definitions=[person, address], ...)
    """

    def __init__(self, factory_id: int, class_id: int, version: int = 0) -> None:
        self.factory_id = factory_id
        self.class_id = class_id
        self.version = version
        self._fields: list[FieldDefinition] = []
        self._names: set[str] = set()
        self._done = False

    def _add(
        self,
        field_name: str,
        field_type: FieldType,
        version: int | None = None,
        factory_id: int = 0,
        class_id: int = 0,
    ) -> ClassDefinitionBuilder:
        if self._done:
            raise HazelcastSerializationError(
                f"the class definition of class id {self.class_id} is already built"
            )
        if not isinstance(field_name, str):
            raise TypeError(f"a field name must be a str, not {type(field_name).__name__}")
        if field_name in self._names:
            raise HazelcastSerializationError(f"the field {field_name!r} is already defined")
        self._names.add(field_name)
        self._fields.append(
            FieldDefinition(
                len(self._fields),
                field_name,
                field_type,
                self.version if version is None else version,
                factory_id,
                class_id,
            )
        )
        return self

    def _add_nested(
        self, field_name: str, field_type: FieldType, class_def: ClassDefinition
    ) -> ClassDefinitionBuilder:
        if not isinstance(class_def, ClassDefinition):
            raise TypeError(f"expected a ClassDefinition, got {type(class_def).__name__}")
        if not class_def.class_id:
            raise ValueError("a Portable class id cannot be 0")
        return self._add(
            field_name, field_type, class_def.version, class_def.factory_id, class_def.class_id
        )

    def add_portable_field(
        self, field_name: str, class_def: ClassDefinition
    ) -> ClassDefinitionBuilder:
        """Add a nested Portable field of the class ``class_def`` describes."""
        return self._add_nested(field_name, FieldType.PORTABLE, class_def)

    def add_portable_array_field(
        self, field_name: str, class_def: ClassDefinition
    ) -> ClassDefinitionBuilder:
        """Add a Portable array field of the class ``class_def`` describes."""
        return self._add_nested(field_name, FieldType.PORTABLE_ARRAY, class_def)

    def add_byte_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``byte`` field."""
        return self._add(field_name, FieldType.BYTE)

    def add_boolean_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``boolean`` field."""
        return self._add(field_name, FieldType.BOOLEAN)

    def add_char_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``char`` field."""
        return self._add(field_name, FieldType.CHAR)

    def add_short_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``short`` field."""
        return self._add(field_name, FieldType.SHORT)

    def add_int_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add an ``int`` field."""
        return self._add(field_name, FieldType.INT)

    def add_long_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``long`` field."""
        return self._add(field_name, FieldType.LONG)

    def add_float_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``float`` field."""
        return self._add(field_name, FieldType.FLOAT)

    def add_double_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``double`` field."""
        return self._add(field_name, FieldType.DOUBLE)

    def add_string_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``String`` field."""
        return self._add(field_name, FieldType.STRING)

    def add_utf_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Deprecated name of :meth:`add_string_field`."""
        return self.add_string_field(field_name)

    def add_decimal_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``BigDecimal`` field."""
        return self._add(field_name, FieldType.DECIMAL)

    def add_time_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``LocalTime`` field."""
        return self._add(field_name, FieldType.TIME)

    def add_date_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``LocalDate`` field."""
        return self._add(field_name, FieldType.DATE)

    def add_timestamp_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``LocalDateTime`` field."""
        return self._add(field_name, FieldType.TIMESTAMP)

    def add_timestamp_with_timezone_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add an ``OffsetDateTime`` field."""
        return self._add(field_name, FieldType.TIMESTAMP_WITH_TIMEZONE)

    def add_byte_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``byte[]`` field."""
        return self._add(field_name, FieldType.BYTE_ARRAY)

    def add_boolean_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``boolean[]`` field."""
        return self._add(field_name, FieldType.BOOLEAN_ARRAY)

    def add_char_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``char[]`` field."""
        return self._add(field_name, FieldType.CHAR_ARRAY)

    def add_short_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``short[]`` field."""
        return self._add(field_name, FieldType.SHORT_ARRAY)

    def add_int_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add an ``int[]`` field."""
        return self._add(field_name, FieldType.INT_ARRAY)

    def add_long_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``long[]`` field."""
        return self._add(field_name, FieldType.LONG_ARRAY)

    def add_float_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``float[]`` field."""
        return self._add(field_name, FieldType.FLOAT_ARRAY)

    def add_double_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``double[]`` field."""
        return self._add(field_name, FieldType.DOUBLE_ARRAY)

    def add_string_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``String[]`` field."""
        return self._add(field_name, FieldType.STRING_ARRAY)

    def add_utf_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Deprecated name of :meth:`add_string_array_field`."""
        return self.add_string_array_field(field_name)

    def add_decimal_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``BigDecimal[]`` field."""
        return self._add(field_name, FieldType.DECIMAL_ARRAY)

    def add_time_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``LocalTime[]`` field."""
        return self._add(field_name, FieldType.TIME_ARRAY)

    def add_date_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``LocalDate[]`` field."""
        return self._add(field_name, FieldType.DATE_ARRAY)

    def add_timestamp_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add a ``LocalDateTime[]`` field."""
        return self._add(field_name, FieldType.TIMESTAMP_ARRAY)

    def add_timestamp_with_timezone_array_field(self, field_name: str) -> ClassDefinitionBuilder:
        """Add an ``OffsetDateTime[]`` field."""
        return self._add(field_name, FieldType.TIMESTAMP_WITH_TIMEZONE_ARRAY)

    def add_field_def(self, field_def: FieldDefinition) -> ClassDefinitionBuilder:
        """Add a field definition as it is (its index must be the next one)."""
        if field_def.index != len(self._fields):
            raise ValueError(
                f"the field {field_def.field_name!r} has index {field_def.index}, expected "
                f"{len(self._fields)}"
            )
        self._add(field_def.field_name, field_def.field_type)
        self._fields[-1] = field_def
        return self

    def build(self) -> ClassDefinition:
        """The class definition; the builder accepts no more fields."""
        self._done = True
        class_def = ClassDefinition(self.factory_id, self.class_id, self.version)
        for field in self._fields:
            class_def.add_field_def(field)
        return class_def
