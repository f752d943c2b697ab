"""Java's ``java.time`` values and ``BigDecimal`` as Python ``datetime`` and ``Decimal``.

The layouts are those of Java's ``IOUtil`` (built-in serializers and Compact) and
``PortableUtil`` (Portable, whose dates keep a 16-bit year for backward compatibility):

========================  ==========================================================
Java type                 layout
========================  ==========================================================
``LocalDate``             year int32 (Portable: int16), month int8, day int8
``LocalTime``             hour int8, minute int8, second int8, nanosecond int32
``LocalDateTime``         ``LocalDate`` then ``LocalTime``
``OffsetDateTime``        ``LocalDateTime`` then the UTC offset in seconds, int32
``BigDecimal``            the unscaled value as a ``byte[]`` (``BigInteger``), scale int32
========================  ==========================================================

Python keeps microseconds, Java nanoseconds: nanoseconds are truncated on reading. Values
Python cannot represent (a year outside 1..9999, a NaN ``Decimal``…) raise
:class:`~hztrio.errors.HazelcastSerializationError`.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Final

from ..errors import HazelcastSerializationError
from .input import ObjectDataInput
from .output import ObjectDataOutput

__all__ = [
    "decimal_parts",
    "fixed_offset",
    "make_decimal",
    "offset_seconds",
    "read_big_integer",
    "read_decimal",
    "read_local_date",
    "read_local_date_time",
    "read_local_time",
    "read_offset_date_time",
    "write_big_integer",
    "write_decimal",
    "write_local_date",
    "write_local_date_time",
    "write_local_time",
    "write_offset_date_time",
]

_MAX_OFFSET: Final = 18 * 3600  # java.time.ZoneOffset's range
_MIN_INT: Final = -(2**31)
_MAX_INT: Final = 2**31 - 1
_offsets: dict[int, datetime.tzinfo] = {}


def fixed_offset(seconds: int) -> datetime.tzinfo:
    """The ``datetime.timezone`` of a UTC offset in seconds (cached), as Java's ZoneOffset."""
    tz = _offsets.get(seconds)
    if tz is None:
        if not -_MAX_OFFSET <= seconds <= _MAX_OFFSET:
            raise HazelcastSerializationError(
                f"corrupt data: a UTC offset of {seconds} s is outside Java's +-18 hours"
            )
        tz = datetime.timezone(datetime.timedelta(seconds=seconds))
        if len(_offsets) < 1024:
            _offsets[seconds] = tz
    return tz


def _bad(what: str, exc: Exception) -> HazelcastSerializationError:
    return HazelcastSerializationError(f"cannot read the {what}: {exc}")


# -- big integers and decimals --------------------------------------------------------------


def write_big_integer(out: ObjectDataOutput, value: int) -> None:
    """Java ``BigInteger.toByteArray()`` as a ``byte[]``: minimal big-endian two's complement."""
    size = (~value if value < 0 else value).bit_length() // 8 + 1
    out.write_byte_array(value.to_bytes(size, "big", signed=True))


def read_big_integer(inp: ObjectDataInput) -> int:
    """Read what :func:`write_big_integer` writes."""
    raw = inp.read_byte_array()
    if not raw:
        raise HazelcastSerializationError("corrupt data: a BigInteger needs at least one byte")
    return int.from_bytes(raw, "big", signed=True)


def decimal_parts(value: decimal.Decimal) -> tuple[int, int]:
    """``(unscaled value, scale)`` of a finite Decimal, as Java's ``BigDecimal`` has them.

    ``Decimal("1.50")`` is ``(150, 2)`` and ``Decimal("1E+3")`` is ``(1, -3)``: the digits and
    the exponent are kept exactly (no rounding, no normalization).
    """
    if not isinstance(value, decimal.Decimal):
        raise HazelcastSerializationError(
            f"cannot write {type(value).__name__} {value!r} as a Java BigDecimal"
        )
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        raise HazelcastSerializationError(
            f"cannot write the Decimal {value} as a Java BigDecimal: it has no NaN or Infinity"
        )
    scale = -exponent
    if not _MIN_INT <= scale <= _MAX_INT:
        raise HazelcastSerializationError(
            f"cannot write the Decimal {value}: its scale {scale} does not fit a Java int"
        )
    unscaled = int("".join(map(str, digits))) if digits else 0
    return (-unscaled if sign else unscaled), scale


def make_decimal(unscaled: int, scale: int) -> decimal.Decimal:
    """The Decimal ``unscaled * 10**-scale``, exactly (no context precision applies)."""
    return decimal.Decimal(f"{unscaled}E{-scale}")  # parsing a string never rounds


def write_decimal(out: ObjectDataOutput, value: decimal.Decimal) -> None:
    """Java ``BigDecimal``: the unscaled ``BigInteger`` then the scale."""
    unscaled, scale = decimal_parts(value)
    write_big_integer(out, unscaled)
    out.write_int(scale)


def read_decimal(inp: ObjectDataInput) -> decimal.Decimal:
    """Read what :func:`write_decimal` writes."""
    unscaled = read_big_integer(inp)
    return make_decimal(unscaled, inp.read_int())


# -- dates and times --------------------------------------------------------------------------


def write_local_date(out: ObjectDataOutput, value: datetime.date, short_year: bool = False) -> None:
    """Java ``LocalDate`` (a 16-bit year for Portable, else 32-bit)."""
    if short_year:
        out.write_short(value.year)
    else:
        out.write_int(value.year)
    out.write_byte(value.month)
    out.write_byte(value.day)


def read_local_date(inp: ObjectDataInput, short_year: bool = False) -> datetime.date:
    """Read what :func:`write_local_date` writes."""
    year = inp.read_short() if short_year else inp.read_int()
    month = inp.read_byte()
    day = inp.read_byte()
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise _bad(f"LocalDate {year}-{month}-{day}", exc) from exc


def _check_naive_time(value: datetime.time) -> None:
    if value.tzinfo is not None:
        raise HazelcastSerializationError(
            f"cannot write the time {value} with a time zone: Java's LocalTime has none "
            f"(write a naive time, or a datetime)"
        )


def write_local_time(out: ObjectDataOutput, value: datetime.time) -> None:
    """Java ``LocalTime``; the time zone of an aware ``time`` has no place there and raises."""
    _check_naive_time(value)
    out.write_byte(value.hour)
    out.write_byte(value.minute)
    out.write_byte(value.second)
    out.write_int(value.microsecond * 1000)


def _read_time_fields(inp: ObjectDataInput) -> tuple[int, int, int, int]:
    hour = inp.read_byte()
    minute = inp.read_byte()
    second = inp.read_byte()
    nano = inp.read_int()
    if not 0 <= nano <= 999_999_999:
        raise HazelcastSerializationError(f"corrupt data: {nano} nanoseconds")
    return hour, minute, second, nano // 1000


def read_local_time(inp: ObjectDataInput) -> datetime.time:
    """Read what :func:`write_local_time` writes (nanoseconds truncated to microseconds)."""
    hour, minute, second, micro = _read_time_fields(inp)
    try:
        return datetime.time(hour, minute, second, micro)
    except ValueError as exc:
        raise _bad(f"LocalTime {hour}:{minute}:{second}", exc) from exc


def _write_date_time(out: ObjectDataOutput, value: datetime.datetime, short_year: bool) -> None:
    if short_year:
        out.write_short(value.year)
    else:
        out.write_int(value.year)
    out.write_byte(value.month)
    out.write_byte(value.day)
    out.write_byte(value.hour)
    out.write_byte(value.minute)
    out.write_byte(value.second)
    out.write_int(value.microsecond * 1000)


def write_local_date_time(
    out: ObjectDataOutput, value: datetime.datetime, short_year: bool = False
) -> None:
    """Java ``LocalDateTime``: the wall-clock fields (the time zone, if any, is not written)."""
    _write_date_time(out, value, short_year)


def _read_date_time(inp: ObjectDataInput, short_year: bool) -> datetime.datetime:
    year = inp.read_short() if short_year else inp.read_int()
    month = inp.read_byte()
    day = inp.read_byte()
    hour, minute, second, micro = _read_time_fields(inp)
    try:
        return datetime.datetime(year, month, day, hour, minute, second, micro)
    except ValueError as exc:
        raise _bad(f"date-time {year}-{month}-{day} {hour}:{minute}:{second}", exc) from exc


def read_local_date_time(inp: ObjectDataInput, short_year: bool = False) -> datetime.datetime:
    """Read what :func:`write_local_date_time` writes, as a naive ``datetime``."""
    return _read_date_time(inp, short_year)


def offset_seconds(value: datetime.datetime) -> int:
    """The UTC offset of an aware datetime in whole seconds (0 for a naive one)."""
    offset = value.utcoffset()
    if offset is None:
        return 0
    if offset.microseconds:
        raise HazelcastSerializationError(
            f"cannot write the datetime {value}: Java's ZoneOffset has whole seconds, the "
            f"offset {offset} has not"
        )
    seconds = offset.days * 86400 + offset.seconds
    if not -_MAX_OFFSET <= seconds <= _MAX_OFFSET:
        raise HazelcastSerializationError(
            f"cannot write the datetime {value}: its offset {offset} is outside Java's +-18 hours"
        )
    return seconds


def write_offset_date_time(
    out: ObjectDataOutput, value: datetime.datetime, short_year: bool = False
) -> None:
    """Java ``OffsetDateTime``: the wall-clock fields and the offset (a naive value is UTC).

    The offset is the one in effect at that moment (``value.utcoffset()``), so a
    ``zoneinfo`` time zone gives the right offset across daylight saving time.
    """
    seconds = offset_seconds(value)
    _write_date_time(out, value, short_year)
    out.write_int(seconds)


def read_offset_date_time(inp: ObjectDataInput, short_year: bool = False) -> datetime.datetime:
    """Read what :func:`write_offset_date_time` writes, as an aware ``datetime`` with a fixed
    offset (``datetime.timezone``)."""
    naive = _read_date_time(inp, short_year)
    return naive.replace(tzinfo=fixed_offset(inp.read_int()))
