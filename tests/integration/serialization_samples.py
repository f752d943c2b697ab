"""Python twins of the Java test classes in ``hztrio/testing/java`` and the helper's rendering.

``jrender(value)`` computes, for a Python value, the text ``SerializationHelper.render`` gives
for the Java value it should become: exact (floats by their bits), so that comparing the two
strings checks every field Java read.
"""

from __future__ import annotations

import datetime
import decimal
import struct
import sys
import uuid
from typing import Any

from hztrio.core import (
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
from hztrio.serialization.api import (
    CompactReader,
    CompactSerializer,
    CompactWriter,
    IdentifiedDataSerializable,
    ObjectDataInput,
    ObjectDataOutput,
    Portable,
    PortableReader,
    PortableWriter,
    StreamSerializer,
)
from hztrio.serialization.temporal import decimal_parts

# -- rendering ----------------------------------------------------------------------------------


class JFloat(float):
    """A float that Java holds as a 32-bit ``float``."""


class JChar(str):
    """A one-character str that Java holds as a ``char``."""


def jquote(text: str) -> str:
    out = ['"']
    raw = text.encode("utf-16-be", "surrogatepass")
    for i in range(0, len(raw), 2):
        unit = (raw[i] << 8) | raw[i + 1]
        char = chr(unit)
        if 0x20 <= unit < 0x7F and char not in '"\\':
            out.append(char)
        else:
            out.append(f"\\u{unit:04x}")
    out.append('"')
    return "".join(out)


def _date(value: datetime.date) -> str:
    return f"{value.year}-{value.month}-{value.day}"


def _time(value: datetime.time | datetime.datetime) -> str:
    return f"{value.hour}:{value.minute}:{value.second}.{value.microsecond * 1000}"


def jrender(value: Any) -> str:
    """What the Java helper renders for the Java counterpart of ``value``."""
    if value is None:
        return "null"
    render_java = getattr(value, "render_java", None)
    if render_java is not None:
        return str(render_java())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, JFloat):
        return "f:" + format(struct.unpack(">I", struct.pack(">f", value))[0], "x")
    if isinstance(value, float):
        return "d:" + format(struct.unpack(">Q", struct.pack(">d", value))[0], "x")
    if isinstance(value, JChar):
        return f"c:{ord(value)}"
    if isinstance(value, str):
        return jquote(value)
    if isinstance(value, bytes | bytearray):
        return "[" + ",".join(str(b - 256 if b > 127 else b) for b in value) + "]"
    if isinstance(value, FloatArray):
        return "[" + ",".join(jrender(JFloat(v)) for v in value) + "]"
    if isinstance(value, CharArray):
        return "[" + ",".join(jrender(JChar(v)) for v in value) + "]"
    if isinstance(value, list | tuple):
        return "[" + ",".join(jrender(v) for v in value) + "]"
    if isinstance(value, decimal.Decimal):
        unscaled, scale = decimal_parts(value)
        return f"dec:{unscaled}:{scale}"
    if isinstance(value, datetime.datetime):
        offset = value.utcoffset()
        if offset is None:
            return f"ldt:{_date(value)}T{_time(value)}"
        return f"odt:{_date(value)}T{_time(value)}@{int(offset.total_seconds())}"
    if isinstance(value, datetime.date):
        return f"date:{_date(value)}"
    if isinstance(value, datetime.time):
        return f"time:{_time(value)}"
    if isinstance(value, uuid.UUID):
        return f"uuid:{value}"
    if isinstance(value, HazelcastJsonValue):
        return "json:" + jquote(value.to_string())
    raise TypeError(f"no Java rendering for {type(value).__name__}")


def fields_render(name: str, pairs: list[tuple[str, Any]]) -> str:
    return name + "{" + ",".join(f"{k}={jrender(v)}" for k, v in pairs) + "}"


class _Equal:
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({vars(self)!r})"


# -- IdentifiedDataSerializable -----------------------------------------------------------------


class Address(IdentifiedDataSerializable, _Equal):
    """The seed's Address (factory 1, class 1); Java: ``hztrio.testing.IdsSamples$Address``."""

    def __init__(
        self,
        street: str | None = None,
        zip_code: int = 0,
        city: str | None = None,
        state: str | None = None,
    ) -> None:
        self.street = street
        self.zip_code = zip_code
        self.city = city
        self.state = state

    def get_class_id(self) -> int:
        return 1

    def get_factory_id(self) -> int:
        return 1

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_utf(self.street)
        output.write_int(self.zip_code)
        output.write_utf(self.city)
        output.write_utf(self.state)

    def read_data(self, input: ObjectDataInput) -> None:
        self.street = input.read_utf()
        self.zip_code = input.read_int()
        self.city = input.read_utf()
        self.state = input.read_utf()

    def render_java(self) -> str:
        return (
            f"Address{{{jrender(self.street)},{self.zip_code},{jrender(self.city)},"
            f"{jrender(self.state)}}}"
        )


# -- Portable -----------------------------------------------------------------------------------


class Foo(Portable, _Equal):
    """The seed's Foo (factory 1, class 1); Java: ``hztrio.testing.PortableSamples$Foo``."""

    def __init__(self, foo: str | None = None) -> None:
        self.foo = foo

    def get_class_id(self) -> int:
        return 1

    def get_factory_id(self) -> int:
        return 1

    def write_portable(self, writer: PortableWriter) -> None:
        writer.write_utf("foo", self.foo)

    def read_portable(self, reader: PortableReader) -> None:
        self.foo = reader.read_utf("foo")

    def render_java(self) -> str:
        return f"Foo{{{jrender(self.foo)}}}"


def _tz(hours: int, minutes: int = 0) -> datetime.timezone:
    return datetime.timezone(datetime.timedelta(hours=hours, minutes=minutes))


class KitchenSink(Portable, _Equal):
    """A field of every Portable type (factory 1, class 2), in Java's field order."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    @classmethod
    def sample(cls) -> KitchenSink:
        k = cls()
        k.values = {
            "b": -7,
            "bool": True,
            "c": "Z",
            "s": -1234,
            "i": 123456789,
            "l": -1234567890123456789,
            "f": 1.5,
            "d": -2.25e300,
            "str": "héllo ☃ 😀",
            "nullStr": None,
            "dec": decimal.Decimal("-123.4500"),
            "time": datetime.time(13, 45, 59, 123456),
            "date": datetime.date(2024, 2, 29),
            "ts": datetime.datetime(2024, 2, 29, 13, 45, 59, 123456),
            "tstz": datetime.datetime(2024, 2, 29, 13, 45, 59, 123456, tzinfo=_tz(5, 30)),
            "bytes": bytes([1, 254, 127, 128]),
            "bools": [True, False, True],
            "chars": ["a", "€"],
            "shorts": [1, -1, 32767],
            "ints": [1, -1, -(2**31)],
            "longs": [2**63 - 1, -5],
            "floats": [0.5, -0.25],
            "doubles": [1e300, -0.0],
            "strings": ["a", None, "ü"],
            "decs": [decimal.Decimal("1.1"), decimal.Decimal("0")],
            "times": [datetime.time(0, 0), datetime.time(23, 59, 59, 999999)],
            "dates": [datetime.date(1970, 1, 1), datetime.date(9999, 12, 31)],
            "tss": [datetime.datetime(2000, 1, 1)],
            "tstzs": [datetime.datetime(1999, 12, 31, 23, 59, 59, tzinfo=_tz(-8))],
            "foo": Foo("nested"),
            "nullFoo": None,
            "foos": [Foo("x"), Foo("y")],
            "nullInts": None,
        }
        return k

    def get_class_id(self) -> int:
        return 2

    def get_factory_id(self) -> int:
        return 1

    def write_portable(self, w: PortableWriter) -> None:
        v = self.values
        w.write_byte("b", v["b"])
        w.write_boolean("bool", v["bool"])
        w.write_char("c", v["c"])
        w.write_short("s", v["s"])
        w.write_int("i", v["i"])
        w.write_long("l", v["l"])
        w.write_float("f", v["f"])
        w.write_double("d", v["d"])
        w.write_string("str", v["str"])
        w.write_string("nullStr", v["nullStr"])
        w.write_decimal("dec", v["dec"])
        w.write_time("time", v["time"])
        w.write_date("date", v["date"])
        w.write_timestamp("ts", v["ts"])
        w.write_timestamp_with_timezone("tstz", v["tstz"])
        w.write_byte_array("bytes", v["bytes"])
        w.write_boolean_array("bools", v["bools"])
        w.write_char_array("chars", v["chars"])
        w.write_short_array("shorts", v["shorts"])
        w.write_int_array("ints", v["ints"])
        w.write_long_array("longs", v["longs"])
        w.write_float_array("floats", v["floats"])
        w.write_double_array("doubles", v["doubles"])
        w.write_string_array("strings", v["strings"])
        w.write_decimal_array("decs", v["decs"])
        w.write_time_array("times", v["times"])
        w.write_date_array("dates", v["dates"])
        w.write_timestamp_array("tss", v["tss"])
        w.write_timestamp_with_timezone_array("tstzs", v["tstzs"])
        w.write_portable("foo", v["foo"])
        w.write_null_portable("nullFoo", 1, 1)
        w.write_portable_array("foos", v["foos"])
        w.write_int_array("nullInts", v["nullInts"])

    def read_portable(self, r: PortableReader) -> None:
        self.values = {
            "b": r.read_byte("b"),
            "bool": r.read_boolean("bool"),
            "c": r.read_char("c"),
            "s": r.read_short("s"),
            "i": r.read_int("i"),
            "l": r.read_long("l"),
            "f": r.read_float("f"),
            "d": r.read_double("d"),
            "str": r.read_string("str"),
            "nullStr": r.read_string("nullStr"),
            "dec": r.read_decimal("dec"),
            "time": r.read_time("time"),
            "date": r.read_date("date"),
            "ts": r.read_timestamp("ts"),
            "tstz": r.read_timestamp_with_timezone("tstz"),
            "bytes": r.read_byte_array("bytes"),
            "bools": r.read_boolean_array("bools"),
            "chars": r.read_char_array("chars"),
            "shorts": r.read_short_array("shorts"),
            "ints": r.read_int_array("ints"),
            "longs": r.read_long_array("longs"),
            "floats": r.read_float_array("floats"),
            "doubles": r.read_double_array("doubles"),
            "strings": r.read_string_array("strings"),
            "decs": r.read_decimal_array("decs"),
            "times": r.read_time_array("times"),
            "dates": r.read_date_array("dates"),
            "tss": r.read_timestamp_array("tss"),
            "tstzs": r.read_timestamp_with_timezone_array("tstzs"),
            "foo": r.read_portable("foo"),
            "nullFoo": r.read_portable("nullFoo"),
            "foos": r.read_portable_array("foos"),
            "nullInts": r.read_int_array("nullInts"),
        }

    def render_java(self) -> str:
        v = dict(self.values)
        v["c"] = JChar(v["c"])
        v["f"] = JFloat(v["f"])
        v["chars"] = CharArray(v["chars"])
        v["floats"] = FloatArray(v["floats"])
        return fields_render("KitchenSink", list(v.items()))


class Employee(Portable, _Equal):
    """The seed's Employee (factory 2, class 1); the member has no class for it."""

    def __init__(self, name: str | None = None, age: int = 0, active: bool = False) -> None:
        self.name = name
        self.age = age
        self.active = active

    def get_class_id(self) -> int:
        return 1

    def get_factory_id(self) -> int:
        return 2

    def write_portable(self, writer: PortableWriter) -> None:
        writer.write_string("name", self.name)
        writer.write_int("age", self.age)
        writer.write_boolean("active", self.active)

    def read_portable(self, reader: PortableReader) -> None:
        self.name = reader.read_string("name")
        self.age = reader.read_int("age")
        self.active = reader.read_boolean("active")

    def render_java(self) -> str:
        # the member has no class: it renders a GenericRecord, fields sorted by name
        return f"rec{{active={jrender(self.active)},age={self.age},name={jrender(self.name)}}}"


# -- Compact ------------------------------------------------------------------------------------


class Inner(_Equal):
    def __init__(self, s: str | None = None, n: int = 0) -> None:
        self.s = s
        self.n = n

    def render_java(self) -> str:
        return f"Inner{{{jrender(self.s)},{self.n}}}"


class InnerSerializer(CompactSerializer[Inner]):
    def read(self, reader: CompactReader) -> Inner:
        return Inner(reader.read_string("s"), reader.read_int32("n"))

    def write(self, writer: CompactWriter, obj: Inner) -> None:
        writer.write_string("s", obj.s)
        writer.write_int32("n", obj.n)

    def get_class(self) -> type[Inner]:
        return Inner

    def get_type_name(self) -> str:
        return "Inner"


#: Sink's fields in Java's declaration order: (name, kind of CompactWriter.write_<kind>)
SINK_FIELDS: list[tuple[str, str]] = [
    ("bool", "boolean"),
    ("i8", "int8"),
    ("i16", "int16"),
    ("i32", "int32"),
    ("i64", "int64"),
    ("f32", "float32"),
    ("f64", "float64"),
    ("str", "string"),
    ("nullStr", "string"),
    ("dec", "decimal"),
    ("time", "time"),
    ("date", "date"),
    ("ts", "timestamp"),
    ("tstz", "timestamp_with_timezone"),
    ("inner", "compact"),
    ("nullInner", "compact"),
    ("bools", "array_of_boolean"),
    ("i8s", "array_of_int8"),
    ("i16s", "array_of_int16"),
    ("i32s", "array_of_int32"),
    ("nullI32s", "array_of_int32"),
    ("i64s", "array_of_int64"),
    ("f32s", "array_of_float32"),
    ("f64s", "array_of_float64"),
    ("strs", "array_of_string"),
    ("decs", "array_of_decimal"),
    ("times", "array_of_time"),
    ("dates", "array_of_date"),
    ("tss", "array_of_timestamp"),
    ("tstzs", "array_of_timestamp_with_timezone"),
    ("inners", "array_of_compact"),
    ("nbool", "nullable_boolean"),
    ("ni8", "nullable_int8"),
    ("ni16", "nullable_int16"),
    ("ni32", "nullable_int32"),
    ("ni64", "nullable_int64"),
    ("nf32", "nullable_float32"),
    ("nf64", "nullable_float64"),
    ("nbools", "array_of_nullable_boolean"),
    ("ni8s", "array_of_nullable_int8"),
    ("ni16s", "array_of_nullable_int16"),
    ("ni32s", "array_of_nullable_int32"),
    ("ni64s", "array_of_nullable_int64"),
    ("nf32s", "array_of_nullable_float32"),
    ("nf64s", "array_of_nullable_float64"),
]
_FLOAT32_KINDS = {"float32", "nullable_float32"}
_FLOAT32_ARRAY_KINDS = {"array_of_float32", "array_of_nullable_float32"}


class Sink(_Equal):
    """A field of every Compact kind (type name "Sink")."""

    def __init__(self, values: dict[str, Any] | None = None) -> None:
        self.values = values or {}

    @classmethod
    def sample(cls) -> Sink:
        return cls(
            {
                "bool": True,
                "i8": -8,
                "i16": -1616,
                "i32": 32323232,
                "i64": -6464646464646464,
                "f32": 3.25,
                "f64": -6.5e-300,
                "str": "süß 🚀",
                "nullStr": None,
                "dec": decimal.Decimal("98765432109876543210.0001"),
                "time": datetime.time(1, 2, 3, 4),
                "date": datetime.date(1, 1, 1),
                "ts": datetime.datetime(2038, 1, 19, 3, 14, 7, 999999),
                "tstz": datetime.datetime(2010, 6, 15, 12, tzinfo=_tz(-9, -30)),
                "inner": Inner("in", 1),
                "nullInner": None,
                "bools": [True, False, False, True, True, False, True, False, True],
                "i8s": [-128, 0, 127],
                "i16s": [-32768, 32767],
                "i32s": [7, 8, 9],
                "nullI32s": None,
                "i64s": [-(2**63)],
                "f32s": [1.25, -0.0],
                "f64s": [sys.float_info.max, 5e-324],
                "strs": ["x", None, ""],
                "decs": [decimal.Decimal("-0.5"), None],
                "times": [datetime.time(12, 0), None],
                "dates": [datetime.date(2000, 2, 29)],
                "tss": [None, datetime.datetime(1999, 1, 1, 0, 0, 1)],
                "tstzs": [datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)],
                "inners": [Inner("a", 2), None, Inner(None, 3)],
                "nbool": False,
                "ni8": -1,
                "ni16": None,
                "ni32": 42,
                "ni64": None,
                "nf32": 0.5,
                "nf64": None,
                "nbools": [True, None],
                "ni8s": [1, None, -1],
                "ni16s": [None],
                "ni32s": [1, 2, None],
                "ni64s": [2**63 - 1, None],
                "nf32s": [None, 2.5],
                "nf64s": [-1.0, None],
            }
        )

    def render_java(self) -> str:
        pairs = []
        for name, kind in SINK_FIELDS:
            value = self.values[name]
            if kind in _FLOAT32_KINDS and value is not None:
                value = JFloat(value)
            elif kind in _FLOAT32_ARRAY_KINDS and value is not None:
                value = [None if v is None else JFloat(v) for v in value]
            pairs.append((name, value))
        return fields_render("Sink", pairs)


class SinkSerializer(CompactSerializer[Sink]):
    def read(self, reader: CompactReader) -> Sink:
        return Sink({name: getattr(reader, f"read_{kind}")(name) for name, kind in SINK_FIELDS})

    def write(self, writer: CompactWriter, obj: Sink) -> None:
        for name, kind in SINK_FIELDS:
            getattr(writer, f"write_{kind}")(name, obj.values[name])

    def get_class(self) -> type[Sink]:
        return Sink

    def get_type_name(self) -> str:
        return "Sink"


class PyOnly(_Equal):
    """A Compact type only Python has a serializer for (the member reads a GenericRecord)."""

    def __init__(
        self,
        name: str | None = None,
        n: int = 0,
        flag: bool = False,
        scores: list[int] | None = None,
        when: datetime.date | None = None,
        maybe: int | None = None,
        child: Inner | None = None,
    ) -> None:
        self.name = name
        self.n = n
        self.flag = flag
        self.scores = scores
        self.when = when
        self.maybe = maybe
        self.child = child

    def render_java(self) -> str:
        child = (
            "null" if self.child is None else f"rec{{n={self.child.n},s={jrender(self.child.s)}}}"
        )
        return (
            f"rec{{child={child},flag={jrender(self.flag)},maybe={jrender(self.maybe)},"
            f"n={self.n},name={jrender(self.name)},scores={jrender(self.scores)},"
            f"when={jrender(self.when)}}}"
        )


class PyOnlySerializer(CompactSerializer[PyOnly]):
    def read(self, reader: CompactReader) -> PyOnly:
        return PyOnly(
            reader.read_string("name"),
            reader.read_int32("n"),
            reader.read_boolean("flag"),
            reader.read_array_of_int32("scores"),
            reader.read_date("when"),
            reader.read_nullable_int64("maybe"),
            reader.read_compact("child"),
        )

    def write(self, writer: CompactWriter, obj: PyOnly) -> None:
        writer.write_string("name", obj.name)
        writer.write_int32("n", obj.n)
        writer.write_boolean("flag", obj.flag)
        writer.write_array_of_int32("scores", obj.scores)
        writer.write_date("when", obj.when)
        writer.write_nullable_int64("maybe", obj.maybe)
        writer.write_compact("child", obj.child)

    def get_class(self) -> type[PyOnly]:
        return PyOnly

    def get_type_name(self) -> str:
        return "PyOnly"


# -- custom and global serializers -----------------------------------------------------------


class Musician(_Equal):
    """The seed's Musician; Java: ``hztrio.testing.CustomSamples$Musician``."""

    def __init__(self, name: str | None) -> None:
        self.name = name

    def render_java(self) -> str:
        return f"Musician{{{jrender(self.name)}}}"


class MusicianSerializer(StreamSerializer[Musician]):
    def get_type_id(self) -> int:
        return 10

    def destroy(self) -> None:
        pass

    def write(self, out: ObjectDataOutput, obj: Musician) -> None:
        out.write_utf(obj.name)

    def read(self, inp: ObjectDataInput) -> Musician:
        return Musician(inp.read_utf())


class Tagged(_Equal):
    """Anything the global serializer writes as one string (Java: ``CustomSamples$Tagged``)."""

    def __init__(self, text: str | None) -> None:
        self.text = text

    def render_java(self) -> str:
        return f"Tagged{{{jrender(self.text)}}}"


class GlobalSerializer(StreamSerializer[Any]):
    def get_type_id(self) -> int:
        return 20

    def write(self, out: ObjectDataOutput, obj: Any) -> None:
        out.write_string(obj.text if isinstance(obj, Tagged) else repr(obj))

    def read(self, inp: ObjectDataInput) -> Any:
        return Tagged(inp.read_string())


#: Java's SAMPLES (SerializationHelper.samples()) as hztrio reads them
JAVA_SAMPLES: dict[str, Any] = {
    "boolean": True,
    "byte": -7,
    "short": -1234,
    "int": 123456789,
    "long": -1234567890123456789,
    "biginteger": -123456789012345678901234567890,
    "float": 1.5,
    "double": -2.25e300,
    "char": "Z",
    "string": "héllo wörld ☃ 😀",
    "uuid": uuid.UUID("1862c7d2-f89c-4151-981d-07a6287089d3"),
    "bytes": b"\x01\xfe\x7f\x80",
    "booleans": BooleanArray([True, False, True]),
    "chars": CharArray(["a", "€"]),
    "shorts": ShortArray([1, -1, 32767]),
    "ints": IntArray([1, -1, -(2**31)]),
    "longs": LongArray([2**63 - 1, -5]),
    "floats": FloatArray([0.5, -0.25]),
    "doubles": DoubleArray([1e300, -0.0]),
    "strings": StringArray(["a", None, "😀"]),
    "arraylist": [1, "two", 3.0, None, True],
    "linkedlist": [1, 2],
    "decimal": decimal.Decimal("-123.4500"),
    "localdate": datetime.date(2024, 2, 29),
    "localtime": datetime.time(13, 45, 59, 123456),
    "localdatetime": datetime.datetime(2024, 2, 29, 13, 45, 59, 123456),
    "offsetdatetime": datetime.datetime(2024, 2, 29, 13, 45, 59, 123456, tzinfo=_tz(-3, -30)),
    "json": HazelcastJsonValue('{"a": [1, 2]}'),
    "hashmap": {"a": 1},
    "date": datetime.datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=datetime.UTC),
    "address": Address("Main St", 12345, "Springfield", "IL"),
    "foo": Foo("bar"),
    "kitchensink": KitchenSink.sample(),
    "employee": Employee("java-emp", 28, True),
    "inner": Inner("java", 7),
    "sink": Sink.sample(),
    "musician": Musician("Freddie"),
    "tagged": Tagged("from java"),
}
