"""The SQL service's protocol types: SqlQueryId, SqlColumnMetadata, SqlError and SqlPage.

The first three are ordinary custom types (``protocol-definitions/custom/Custom.yaml``),
declared like those of :mod:`hztrio.protocol.custom`. ``SqlPage`` is not: it is columnar, and
each column is encoded by its SQL type (see :data:`SQL_PAGE`), so it is written out by hand,
after the member's ``SqlPageCodec``::

    BEGIN
      frame: is_last (1 byte)
      frame: column type ids (List_Integer)
      one column per type id:
        VARCHAR, DECIMAL, OBJECT, JSON, ROW   BEGIN, one frame (or structure) per value,
                                              a NULL frame for a null, END
        BOOLEAN … TIMESTAMP_WITH_TIME_ZONE    one frame (ListCN of a fixed-size type):
                                              kind byte, count int, then the values —
                                              kind 1: all null; 2: none null, values back to
                                              back; 3: mixed, a bitmask byte before every
                                              eight values (bit set = a value follows)
        NULL                                  one frame: the row count (int)
    END

The :mod:`hztrio.protocol.codecs.sql` module (generated) refers to these by name. Nothing here
imports trio or anyio.
"""

from __future__ import annotations

import datetime
import enum
import struct
import uuid as _uuid
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Final

from ..core import HazelcastJsonValue
from .codec import (
    BOOLEAN,
    INT,
    LONG,
    STRING,
    UUID,
    CustomType,
    P,
    VarType,
    skip_to_end,
    uuid_to_parts,
)
from .frame import BEGIN_DATA_STRUCTURE, END_DATA_STRUCTURE, FRAME_HEADER, IS_FINAL, IS_NULL
from .frame import ProtocolViolation as _ProtocolViolation

__all__ = [
    "BY_NAME",
    "SQL_COLUMN_METADATA",
    "SQL_ERROR",
    "SQL_PAGE",
    "SQL_QUERY_ID",
    "RowValue",
    "SqlColumnMetadata",
    "SqlColumnType",
    "SqlErrorHolder",
    "SqlPage",
    "SqlQueryId",
]

Contents = list[bytes]
Flags = list[int]


class SqlColumnType(enum.IntEnum):
    """The SQL type of a column, and the Python type its values come as."""

    VARCHAR = 0
    """``str``"""
    BOOLEAN = 1
    """``bool``"""
    TINYINT = 2
    """``int`` (8 bits)"""
    SMALLINT = 3
    """``int`` (16 bits)"""
    INTEGER = 4
    """``int`` (32 bits)"""
    BIGINT = 5
    """``int`` (64 bits)"""
    DECIMAL = 6
    """``decimal.Decimal``"""
    REAL = 7
    """``float`` (a 32-bit float on the member)"""
    DOUBLE = 8
    """``float``"""
    DATE = 9
    """``datetime.date``"""
    TIME = 10
    """``datetime.time`` (microseconds: the member's nanoseconds are truncated)"""
    TIMESTAMP = 11
    """``datetime.datetime`` without ``tzinfo``"""
    TIMESTAMP_WITH_TIME_ZONE = 12
    """``datetime.datetime`` with a fixed-offset ``tzinfo``"""
    OBJECT = 13
    """any object the client can deserialize (Compact, Portable, IdentifiedDataSerializable,
    built-in types, ...)"""
    NULL = 14
    """the type of the ``NULL`` literal: every value is ``None``"""
    JSON = 15
    """:class:`hztrio.HazelcastJsonValue`"""
    ROW = 16
    """a nested row (members 5.3+); not readable by this client (see :class:`RowValue`)"""


class SqlColumnMetadata:
    """The name, type and nullability of one column of a result."""

    __slots__ = ("_name", "_nullable", "_type")

    def __init__(self, name: str, type: int, nullable: bool) -> None:
        self._name = name
        try:
            self._type: int = SqlColumnType(type)
        except ValueError:  # a type newer than this client: keep the number
            self._type = type
        self._nullable = nullable

    @property
    def name(self) -> str:
        """The column's name."""
        return self._name

    @property
    def type(self) -> int:
        """The column's :class:`SqlColumnType` (a plain int for a type this client does not
        know)."""
        return self._type

    @property
    def nullable(self) -> bool:
        """True if the column's values may be ``None``."""
        return self._nullable

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SqlColumnMetadata):
            return NotImplemented
        return (self._name, self._type, self._nullable) == (
            other._name,
            other._type,
            other._nullable,
        )

    def __hash__(self) -> int:
        return hash((self._name, self._type, self._nullable))

    def __repr__(self) -> str:
        type_name = self._type.name if isinstance(self._type, SqlColumnType) else self._type
        return f"{self._name} {type_name}{'' if self._nullable else ' NOT NULL'}"


class SqlQueryId:
    """A cluster-wide unique query id: the UUID of the member that runs the query and a
    random UUID of the client's (each as two signed 64-bit halves)."""

    __slots__ = ("local_id_high", "local_id_low", "member_id_high", "member_id_low")

    def __init__(
        self, member_id_high: int, member_id_low: int, local_id_high: int, local_id_low: int
    ) -> None:
        self.member_id_high = member_id_high
        self.member_id_low = member_id_low
        self.local_id_high = local_id_high
        self.local_id_low = local_id_low

    @classmethod
    def from_uuid(cls, member_uuid: _uuid.UUID, local_id: _uuid.UUID | None = None) -> SqlQueryId:
        """A new id for a query run by *member_uuid*, with a random local part."""
        _, member_high, member_low = uuid_to_parts(member_uuid)
        _, local_high, local_low = uuid_to_parts(local_id or _uuid.uuid4())
        return cls(member_high, member_low, local_high, local_low)

    def _key(self) -> tuple[int, int, int, int]:
        return (self.member_id_high, self.member_id_low, self.local_id_high, self.local_id_low)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SqlQueryId):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        high, low, local_high, local_low = self._key()
        return (
            f"SqlQueryId(member_id_high={high}, member_id_low={low}, "
            f"local_id_high={local_high}, local_id_low={local_low})"
        )


class SqlErrorHolder:
    """An SQL error as the member reports it in a response's ``error`` field."""

    __slots__ = ("cause_stack_trace", "code", "message", "originating_member_id", "suggestion")

    def __init__(
        self,
        code: int,
        message: str | None,
        originating_member_id: _uuid.UUID | None,
        suggestion: str | None = None,
        cause_stack_trace: str | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.originating_member_id = originating_member_id
        self.suggestion = suggestion
        self.cause_stack_trace = cause_stack_trace

    def __repr__(self) -> str:
        return (
            f"SqlErrorHolder(code={self.code}, message={self.message!r}, "
            f"originating_member_id={self.originating_member_id}, "
            f"suggestion={self.suggestion!r})"
        )


class RowValue:
    """A value of a ``ROW`` column. This client cannot read nested rows; the value only says
    so (reading it from a row raises)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "RowValue()"


ROW_VALUE: Final = RowValue()


class SqlPage:
    """One page of a result: the column types, the columns (lists of values, all as long as
    the page has rows) and whether it is the last page.

    OBJECT and ROW columns hold the raw serialized values (bytes) and :class:`RowValue`
    markers; everything else is already a Python value.
    """

    __slots__ = ("column_types", "columns", "is_last")

    def __init__(self, column_types: Sequence[int], columns: Sequence[list[Any]], is_last: bool):
        self.column_types = list(column_types)
        self.columns = list(columns)
        self.is_last = is_last

    @property
    def row_count(self) -> int:
        """Rows in this page."""
        return len(self.columns[0]) if self.columns else 0

    @property
    def column_count(self) -> int:
        return len(self.column_types)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SqlPage):
            return NotImplemented
        return (self.column_types, self.columns, self.is_last) == (
            other.column_types,
            other.columns,
            other.is_last,
        )

    def __repr__(self) -> str:
        return (
            f"SqlPage(column_types={self.column_types}, rows={self.row_count}, "
            f"is_last={self.is_last})"
        )


# ---------------------------------------------------------------------------------------------
# the custom types


SQL_QUERY_ID: Final = CustomType(
    "SqlQueryId",
    [
        P("member_id_high", LONG),
        P("member_id_low", LONG),
        P("local_id_high", LONG),
        P("local_id_low", LONG),
    ],
    SqlQueryId,
    since="2.1",
)

SQL_COLUMN_METADATA: Final = CustomType(
    "SqlColumnMetadata",
    [
        P("name", STRING),
        P("type", INT),
        P("nullable", BOOLEAN, since="2.2"),
    ],
    SqlColumnMetadata,
    since="2.1",
)

SQL_ERROR: Final = CustomType(
    "SqlError",
    [
        P("code", INT),
        P("message", STRING, nullable=True),
        P("originating_member_id", UUID),
        P("suggestion", STRING, nullable=True, since="2.3"),
        P("cause_stack_trace", STRING, nullable=True, since="2.7"),
    ],
    SqlErrorHolder,
    since="2.1",
)

# ---------------------------------------------------------------------------------------------
# SqlPage

_pack_header = FRAME_HEADER.pack
_BEGIN = _pack_header(6, BEGIN_DATA_STRUCTURE)
_END = _pack_header(6, END_DATA_STRUCTURE)
_END_FINAL = _pack_header(6, END_DATA_STRUCTURE | IS_FINAL)
_NULL = _pack_header(6, IS_NULL)
_INT = struct.Struct("<i")
_CN_HEADER = struct.Struct("<bi")

_CN_NULL_ONLY = 1
_CN_NOT_NULL_ONLY = 2
_CN_MIXED = 3


def _violation(text: str) -> _ProtocolViolation:
    return _ProtocolViolation(f"SqlPage: {text}")


# -- fixed-size element types: struct, value from fields, fields from value

_DATE = struct.Struct("<ibb")
_TIME = struct.Struct("<bbbi")
_DATETIME = struct.Struct("<ibbbbbi")
_OFFSET_DATETIME = struct.Struct("<ibbbbbii")


def _date_from(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, day)


def _time_from(hour: int, minute: int, second: int, nano: int) -> datetime.time:
    return datetime.time(hour, minute, second, nano // 1000)


def _datetime_from(
    year: int, month: int, day: int, hour: int, minute: int, second: int, nano: int
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, second, nano // 1000)


def _offset_datetime_from(
    year: int,
    month: int,
    day: int,
    hour: int,
    minute: int,
    second: int,
    nano: int,
    offset_seconds: int,
) -> datetime.datetime:
    zone = datetime.timezone(datetime.timedelta(seconds=offset_seconds))
    return datetime.datetime(year, month, day, hour, minute, second, nano // 1000, tzinfo=zone)


def _date_fields(value: datetime.date) -> tuple[int, ...]:
    return (value.year, value.month, value.day)


def _time_fields(value: datetime.time) -> tuple[int, ...]:
    return (value.hour, value.minute, value.second, value.microsecond * 1000)


def _datetime_fields(value: datetime.datetime) -> tuple[int, ...]:
    return _date_fields(value) + _time_fields(value.time())


def _offset_datetime_fields(value: datetime.datetime) -> tuple[int, ...]:
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("a TIMESTAMP WITH TIME ZONE value needs a tzinfo")
    return (*_datetime_fields(value), int(offset.total_seconds()))


class _Fixed:
    """How one fixed-size SQL type is packed in a ListCN frame."""

    __slots__ = ("fields", "make", "single", "st")

    def __init__(
        self,
        fmt: str,
        make: Callable[..., Any] | None = None,
        fields: Callable[[Any], tuple[Any, ...]] | None = None,
    ) -> None:
        self.st = struct.Struct("<" + fmt)
        self.make = make
        self.fields = fields
        self.single = make is None  # one struct field is the value itself


_FIXED: Final[dict[int, _Fixed]] = {
    SqlColumnType.BOOLEAN: _Fixed("?"),
    SqlColumnType.TINYINT: _Fixed("b"),
    SqlColumnType.SMALLINT: _Fixed("h"),
    SqlColumnType.INTEGER: _Fixed("i"),
    SqlColumnType.BIGINT: _Fixed("q"),
    SqlColumnType.REAL: _Fixed("f"),
    SqlColumnType.DOUBLE: _Fixed("d"),
    SqlColumnType.DATE: _Fixed(_DATE.format[1:], _date_from, _date_fields),
    SqlColumnType.TIME: _Fixed(_TIME.format[1:], _time_from, _time_fields),
    SqlColumnType.TIMESTAMP: _Fixed(_DATETIME.format[1:], _datetime_from, _datetime_fields),
    SqlColumnType.TIMESTAMP_WITH_TIME_ZONE: _Fixed(
        _OFFSET_DATETIME.format[1:], _offset_datetime_from, _offset_datetime_fields
    ),
}


def _decode_fixed_column(content: bytes, kind: _Fixed) -> list[Any]:
    if len(content) < _CN_HEADER.size:
        raise _violation("a fixed-size column frame without its header")
    list_type, count = _CN_HEADER.unpack_from(content, 0)
    if list_type == _CN_NULL_ONLY:
        return [None] * count
    st = kind.st
    size = st.size
    make = kind.make
    if list_type == _CN_NOT_NULL_ONLY:
        end = _CN_HEADER.size + size * count
        if len(content) < end:
            raise _violation("a fixed-size column frame shorter than its values")
        if kind.single:
            return list(struct.unpack_from(f"<{count}{st.format[1:]}", content, _CN_HEADER.size))
        assert make is not None
        return [make(*fields) for fields in st.iter_unpack(content[_CN_HEADER.size : end])]
    if list_type != _CN_MIXED:
        raise _violation(f"unknown fixed-size column kind {list_type}")
    out: list[Any] = [None] * count
    position = _CN_HEADER.size
    index = 0
    unpack = st.unpack_from
    try:
        while index < count:
            bitmask = content[position]
            position += 1
            for bit in range(min(8, count - index)):
                if bitmask & (1 << bit):
                    fields = unpack(content, position)
                    out[index] = fields[0] if make is None else make(*fields)
                    position += size
                index += 1
    except (IndexError, struct.error) as exc:
        raise _violation("a fixed-size column frame shorter than its values") from exc
    return out


def _encode_fixed_column(buf: bytearray, values: Sequence[Any], kind: _Fixed) -> None:
    st = kind.st
    fields = kind.fields

    def pack(value: Any) -> bytes:
        return st.pack(value) if fields is None else st.pack(*fields(value))

    present = sum(1 for v in values if v is not None)
    if present == 0:
        content = bytearray(_CN_HEADER.pack(_CN_NULL_ONLY, len(values)))
    elif present == len(values):
        content = bytearray(_CN_HEADER.pack(_CN_NOT_NULL_ONLY, len(values)))
        for value in values:
            content += pack(value)
    else:
        content = bytearray(_CN_HEADER.pack(_CN_MIXED, len(values)))
        bitmask_at = -1
        for n, value in enumerate(values):
            if n % 8 == 0:
                bitmask_at = len(content)
                content.append(0)
            if value is not None:
                content[bitmask_at] |= 1 << (n % 8)
                content += pack(value)
    buf += _pack_header(6 + len(content), 0)
    buf += content


# -- multi-frame element types: one frame (or one structure) per value, NULL frames for None


def _decimal_from(content: bytes) -> Decimal:
    (size,) = _INT.unpack_from(content, 0)
    unscaled = int.from_bytes(content[4 : 4 + size], "big", signed=True)
    (scale,) = _INT.unpack_from(content, 4 + size)
    # built from its digits: exact, whatever the decimal context's precision
    digits = tuple(int(d) for d in str(abs(unscaled)))
    return Decimal((1 if unscaled < 0 else 0, digits, -scale))


def _decimal_bytes(value: Decimal) -> bytes:
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise ValueError(f"DECIMAL cannot hold {value}")
    unscaled = int("".join(map(str, digits)) or "0")
    if sign:
        unscaled = -unscaled
    size = ((~unscaled if unscaled < 0 else unscaled).bit_length() // 8) + 1
    body = unscaled.to_bytes(size, "big", signed=True)
    return _INT.pack(size) + body + _INT.pack(-exponent)


def _decode_multi_frame_column(
    c: Contents, f: Flags, i: int, column_type: int
) -> tuple[list[Any], int]:
    if not f[i] & BEGIN_DATA_STRUCTURE:
        raise _violation("a column without its BEGIN frame")
    i += 1
    out: list[Any] = []
    append = out.append
    while True:
        flags = f[i]
        if flags & END_DATA_STRUCTURE:
            return out, i + 1
        if flags & IS_NULL:
            append(None)
            i += 1
        elif column_type == SqlColumnType.VARCHAR:
            append(c[i].decode("utf-8"))
            i += 1
        elif column_type == SqlColumnType.OBJECT:
            append(c[i])
            i += 1
        elif column_type == SqlColumnType.DECIMAL:
            append(_decimal_from(c[i]))
            i += 1
        elif column_type == SqlColumnType.JSON:
            if not flags & BEGIN_DATA_STRUCTURE:
                raise _violation("a JSON value without its BEGIN frame")
            append(HazelcastJsonValue(c[i + 1].decode("utf-8")))
            i = skip_to_end(c, f, i + 2)
        else:  # ROW: a structure of its own, skipped whole
            if not flags & BEGIN_DATA_STRUCTURE:
                raise _violation("a ROW value without its BEGIN frame")
            append(ROW_VALUE)
            i = skip_to_end(c, f, i + 1)


def _encode_multi_frame_column(buf: bytearray, values: Sequence[Any], column_type: int) -> None:
    buf += _BEGIN
    for value in values:
        if value is None:
            buf += _NULL
        elif column_type == SqlColumnType.VARCHAR:
            encoded = value.encode("utf-8")
            buf += _pack_header(6 + len(encoded), 0)
            buf += encoded
        elif column_type == SqlColumnType.OBJECT:
            buf += _pack_header(6 + len(value), 0)
            buf += value
        elif column_type == SqlColumnType.DECIMAL:
            encoded = _decimal_bytes(value)
            buf += _pack_header(6 + len(encoded), 0)
            buf += encoded
        elif column_type == SqlColumnType.JSON:
            encoded = value.to_string().encode("utf-8")
            buf += _BEGIN
            buf += _pack_header(6 + len(encoded), 0)
            buf += encoded
            buf += _END
        else:
            raise ValueError(f"cannot encode a column of type {column_type}")
    buf += _END


_MULTI_FRAME: Final = frozenset(
    {
        SqlColumnType.VARCHAR,
        SqlColumnType.DECIMAL,
        SqlColumnType.OBJECT,
        SqlColumnType.JSON,
        SqlColumnType.ROW,
    }
)


def decode_sql_page(c: Contents, f: Flags, i: int) -> tuple[SqlPage, int]:
    """Decode an SqlPage starting at its BEGIN frame: ``(page, index after its END)``."""
    if not f[i] & BEGIN_DATA_STRUCTURE:
        raise _violation("expected the BEGIN frame")
    i += 1
    is_last = c[i][:1] == b"\x01"
    i += 1
    type_frame = c[i]
    i += 1
    if len(type_frame) % 4:
        raise _violation("a column type list of odd length")
    column_types = list(struct.unpack(f"<{len(type_frame) // 4}i", type_frame))
    columns: list[list[Any]] = []
    for column_type in column_types:
        fixed = _FIXED.get(column_type)
        if fixed is not None:
            columns.append(_decode_fixed_column(c[i], fixed))
            i += 1
        elif column_type in _MULTI_FRAME:
            column, i = _decode_multi_frame_column(c, f, i, column_type)
            columns.append(column)
        elif column_type == SqlColumnType.NULL:
            (count,) = _INT.unpack_from(c[i], 0)
            columns.append([None] * count)
            i += 1
        else:
            raise _violation(f"a column of unknown type {column_type}")
    return SqlPage(column_types, columns, is_last), skip_to_end(c, f, i)


def encode_sql_page(buf: bytearray, page: SqlPage, final: bool) -> None:
    """Encode *page* as a member does (for tests and fake members)."""
    buf += _BEGIN
    buf += _pack_header(7, 0)
    buf.append(1 if page.is_last else 0)
    buf += _pack_header(6 + 4 * len(page.column_types), 0)
    buf += struct.pack(f"<{len(page.column_types)}i", *page.column_types)
    for column_type, column in zip(page.column_types, page.columns, strict=True):
        fixed = _FIXED.get(column_type)
        if fixed is not None:
            _encode_fixed_column(buf, column, fixed)
        elif column_type == SqlColumnType.NULL:
            buf += _pack_header(10, 0)
            buf += _INT.pack(len(column))
        else:
            _encode_multi_frame_column(buf, column, column_type)
    buf += _END_FINAL if final else _END


SQL_PAGE: Final = VarType("SqlPage", encode_sql_page, decode_sql_page)

#: The SQL types by their protocol names (the code generator resolves names through this).
BY_NAME: Final[dict[str, CustomType | VarType]] = {
    "SqlQueryId": SQL_QUERY_ID,
    "SqlColumnMetadata": SQL_COLUMN_METADATA,
    "SqlError": SQL_ERROR,
    "SqlPage": SQL_PAGE,
}
