"""IdentifiedDataSerializable, Portable, Compact, java.time/BigDecimal, custom, global, pickle.

The official client (same process) is the oracle for byte-exact output: what it writes, hztrio
writes too, and each reads what the other writes. The Java side is checked against real
members in tests/integration/test_serialization_interop.py.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import pickle
import random
import struct
import sys
from typing import Any

import pytest
from hazelcast.config import Config as OfficialConfig
from hazelcast.serialization import api as oapi
from hazelcast.serialization.compact import FieldDescriptor as OfficialFieldDescriptor
from hazelcast.serialization.compact import Schema as OfficialSchema
from hazelcast.serialization.portable import classdef as official_classdef
from hazelcast.serialization.service import SerializationServiceV1

from hztrio.config import Config
from hztrio.core import FloatArray, IntArray
from hztrio.errors import HazelcastSerializationError, SchemaNotFoundError
from hztrio.serialization import Data, SerializationService, api
from hztrio.serialization.compact import Schema, rabin_fingerprint64
from hztrio.serialization.portable.classdef import (
    ClassDefinition,
    ClassDefinitionBuilder,
    FieldType,
)

# -- the same user classes against both APIs ------------------------------------------------------


def make_classes(base: Any) -> dict[str, Any]:
    """Address (IDS), Foo/Inner (Portable), Inner/Big (Compact) written against ``base``."""

    class Address(base.IdentifiedDataSerializable):
        def __init__(self, street: Any = None, zip_code: int = 0) -> None:
            self.street = street
            self.zip_code = zip_code

        def get_factory_id(self) -> int:
            return 1

        def get_class_id(self) -> int:
            return 1

        def write_data(self, output: Any) -> None:
            output.write_string(self.street)
            output.write_int(self.zip_code)
            output.write_object([1, "x"])

        def read_data(self, input: Any) -> None:
            self.street = input.read_string()
            self.zip_code = input.read_int()
            self.extra = input.read_object()

    class Part(base.Portable):
        def __init__(self, x: int = 0) -> None:
            self.x = x

        def get_factory_id(self) -> int:
            return 1

        def get_class_id(self) -> int:
            return 2

        def write_portable(self, w: Any) -> None:
            w.write_int("x", self.x)
            w.write_time_array("t", [datetime.time(1, 2, 3, 400)])

        def read_portable(self, r: Any) -> None:
            self.x = r.read_int("x")
            self.t = r.read_time_array("t")

    class Whole(base.Portable):
        def __init__(self, name: Any = None, part: Any = None, parts: Any = None) -> None:
            self.name = name
            self.part = part
            self.parts = parts

        def get_factory_id(self) -> int:
            return 1

        def get_class_id(self) -> int:
            return 1

        def write_portable(self, w: Any) -> None:
            w.write_string("name", self.name)
            w.write_byte("b", 253)  # -3; the official client writes only 0..255
            w.write_boolean("bool", True)
            w.write_char("c", "€")
            w.write_short("s", -2)
            w.write_long("l", 2**40)
            w.write_float("f", 0.5)
            w.write_double("d", 0.25)
            w.write_portable("part", self.part)
            w.write_portable_array("parts", self.parts)
            w.write_decimal("dec", decimal.Decimal("1.25"))
            w.write_date("date", datetime.date(2020, 2, 3))
            w.write_timestamp("ts", datetime.datetime(2020, 2, 3, 4, 5, 6))
            w.write_timestamp_with_timezone(
                "tstz",
                datetime.datetime(
                    2020, 2, 3, 4, 5, 6, 7, tzinfo=datetime.timezone(datetime.timedelta(hours=-3))
                ),
            )
            w.write_byte_array("bytes", bytearray(b"\x01\xff"))
            w.write_boolean_array("bools", [True, False])
            w.write_char_array("chars", ["a", "b"])
            w.write_short_array("shorts", [1, 2])
            w.write_int_array("ints", [3])
            w.write_long_array("longs", [1, 2, 3])
            w.write_float_array("floats", [1.5])
            w.write_double_array("doubles", [2.5])
            w.write_string_array("strings", ["a", "ü"])
            w.write_decimal_array("decs", [decimal.Decimal("-0.1")])
            w.write_date_array("dates", [datetime.date(1, 1, 1)])
            w.write_timestamp_array("tss", [datetime.datetime(1999, 1, 1)])
            w.write_timestamp_with_timezone_array(
                "tstzs", [datetime.datetime(1999, 1, 1, tzinfo=datetime.UTC)]
            )
            raw = w.get_raw_data_output()
            raw.write_string("raw tail")

        def read_portable(self, r: Any) -> None:
            self.name = r.read_string("name")
            self.fields = {
                "b": r.read_byte("b"),
                "bool": r.read_boolean("bool"),
                "c": r.read_char("c"),
                "s": r.read_short("s"),
                "l": r.read_long("l"),
                "f": r.read_float("f"),
                "d": r.read_double("d"),
                "dec": r.read_decimal("dec"),
                "date": r.read_date("date"),
                "ts": r.read_timestamp("ts"),
                "tstz": r.read_timestamp_with_timezone("tstz"),
                "bytes": bytes(r.read_byte_array("bytes")),
                "bools": r.read_boolean_array("bools"),
                "chars": r.read_char_array("chars"),
                "shorts": r.read_short_array("shorts"),
                "ints": r.read_int_array("ints"),
                "longs": r.read_long_array("longs"),
                "floats": r.read_float_array("floats"),
                "doubles": r.read_double_array("doubles"),
                "strings": r.read_string_array("strings"),
                "decs": r.read_decimal_array("decs"),
                "dates": r.read_date_array("dates"),
                "tss": r.read_timestamp_array("tss"),
                "tstzs": r.read_timestamp_with_timezone_array("tstzs"),
            }
            self.part = r.read_portable("part")
            self.parts = r.read_portable_array("parts")
            self.raw = r.get_raw_data_input().read_string()

    class Inner:
        def __init__(self, s: Any = None) -> None:
            self.s = s

    class Big:
        def __init__(self, size: int = 0) -> None:
            self.size = size

    class InnerSerializer(base.CompactSerializer):  # type: ignore[misc]
        def read(self, r: Any) -> Any:
            return Inner(r.read_string("s"))

        def write(self, w: Any, o: Any) -> None:
            w.write_string("s", o.s)

        def get_class(self) -> Any:
            return Inner

        def get_type_name(self) -> str:
            return "Inner"

    class BigSerializer(base.CompactSerializer):  # type: ignore[misc]
        def read(self, r: Any) -> Any:
            big = Big(len(r.read_string("text") or ""))
            big.values = {
                "b": r.read_boolean("b"),
                "i8": r.read_int8("i8"),
                "i16": r.read_int16("i16"),
                "i32": r.read_int32("i32"),
                "i64": r.read_int64("i64"),
                "f32": r.read_float32("f32"),
                "f64": r.read_float64("f64"),
                "dec": r.read_decimal("dec"),
                "time": r.read_time("time"),
                "date": r.read_date("date"),
                "ts": r.read_timestamp("ts"),
                "tstz": r.read_timestamp_with_timezone("tstz"),
                "inner": r.read_compact("inner").s,
                "bools": r.read_array_of_boolean("bools"),
                "i8s": r.read_array_of_int8("i8s"),
                "strs": r.read_array_of_string("strs"),
                "inners": [None if x is None else x.s for x in r.read_array_of_compact("inners")],
                "ni32": r.read_nullable_int32("ni32"),
                "nb": r.read_nullable_boolean("nb"),
                "ni64s": r.read_array_of_nullable_int64("ni64s"),
                "decs": r.read_array_of_decimal("decs"),
                "nf32s": r.read_array_of_nullable_float32("nf32s"),
                "dates": r.read_array_of_date("dates"),
            }
            return big

        def write(self, w: Any, o: Any) -> None:
            w.write_string("text", "x" * o.size)
            w.write_boolean("b", True)
            w.write_int8("i8", -5)
            w.write_int16("i16", 300)
            w.write_int32("i32", -70000)
            w.write_int64("i64", 2**40)
            w.write_float32("f32", 1.5)
            w.write_float64("f64", 2.25)
            w.write_decimal("dec", decimal.Decimal("-12.345"))
            w.write_time("time", datetime.time(12, 30, 1, 5))
            w.write_date("date", datetime.date(1999, 12, 31))
            w.write_timestamp("ts", datetime.datetime(2001, 2, 3, 4, 5, 6))
            w.write_timestamp_with_timezone(
                "tstz",
                datetime.datetime(
                    2001, 2, 3, 4, 5, 6, tzinfo=datetime.timezone(datetime.timedelta(hours=5))
                ),
            )
            w.write_compact("inner", Inner("in"))
            w.write_array_of_boolean("bools", [True, False, True] * 5)
            w.write_array_of_int8("i8s", [1, -2, 3])
            w.write_array_of_string("strs", ["a", None, "c" * o.size])
            w.write_array_of_compact("inners", [Inner("x"), None])
            w.write_nullable_int32("ni32", 42)
            w.write_nullable_boolean("nb", None)
            w.write_array_of_nullable_int64("ni64s", [1, None, 3])
            w.write_array_of_decimal("decs", [decimal.Decimal("1.1"), None])
            w.write_array_of_nullable_float32("nf32s", [None, 0.5])
            w.write_array_of_date("dates", [None, datetime.date(2000, 2, 29)])

        def get_class(self) -> Any:
            return Big

        def get_type_name(self) -> str:
            return "Big"

    return {
        "Address": Address,
        "Part": Part,
        "Whole": Whole,
        "Inner": Inner,
        "Big": Big,
        "InnerSerializer": InnerSerializer,
        "BigSerializer": BigSerializer,
    }


OFFICIAL = make_classes(oapi)
OURS = make_classes(api)


def official_service(big_endian: bool = True, **options: Any) -> SerializationServiceV1:
    config = OfficialConfig()
    config.is_big_endian = big_endian
    config.data_serializable_factories = {1: {1: OFFICIAL["Address"]}}
    config.portable_factories = {1: {1: OFFICIAL["Whole"], 2: OFFICIAL["Part"]}}
    config.compact_serializers = [OFFICIAL["InnerSerializer"](), OFFICIAL["BigSerializer"]()]
    for name, value in options.items():
        setattr(config, name, value)
    return SerializationServiceV1(config)


def our_service(big_endian: bool = True, **options: Any) -> SerializationService:
    settings: dict[str, Any] = {
        "is_big_endian": big_endian,
        "data_serializable_factories": {1: {1: OURS["Address"]}},
        "portable_factories": {1: {1: OURS["Whole"], 2: OURS["Part"]}},
        "compact_serializers": [OURS["InnerSerializer"](), OURS["BigSerializer"]()],
    }
    settings.update(options)
    return SerializationService(**settings)


def official_bytes(service: SerializationServiceV1, value: Any) -> bytes:
    return bytes(service.to_data(value).buffer)


def official_object(service: SerializationServiceV1, data: bytes) -> Any:
    from hazelcast.serialization.data import Data as OfficialData

    return service.to_object(OfficialData(data))


ENDIANNESS = pytest.mark.parametrize("big_endian", [True, False], ids=["BE", "LE"])


# -- the API ------------------------------------------------------------------------------------


def test_the_api_has_every_name_of_the_official_one() -> None:
    def public(cls: Any) -> set[str]:
        return {name for name in dir(cls) if not name.startswith("_")}

    for name in (
        "ObjectDataInput",
        "ObjectDataOutput",
        "IdentifiedDataSerializable",
        "Portable",
        "StreamSerializer",
        "PortableReader",
        "PortableWriter",
        "CompactReader",
        "CompactWriter",
        "CompactSerializer",
    ):
        assert public(getattr(oapi, name)) <= public(getattr(api, name)), name
    for name in ("ClassDefinitionBuilder", "ClassDefinition", "FieldDefinition"):
        ours = {n for n in dir(getattr(__import__("hztrio.serialization.portable.classdef",
                fromlist=[name]), name)) if not n.startswith("_")}  # fmt: skip
        assert public(getattr(official_classdef, name)) - {"field_defs"} <= ours | {"field_defs"}
    assert {k: int(v) for k, v in oapi.FieldKind.__members__.items()} == {
        k: int(v) for k, v in api.FieldKind.__members__.items()
    }
    for name in dir(official_classdef.FieldType):
        if name.isupper():
            assert getattr(official_classdef.FieldType, name) == getattr(FieldType, name)
    assert api.FieldType is FieldType


# -- IdentifiedDataSerializable -----------------------------------------------------------------


@ENDIANNESS
def test_identified_data_serializable_matches_the_official_client(big_endian: bool) -> None:
    ours, theirs = our_service(big_endian), official_service(big_endian)
    data = ours.to_data(OURS["Address"]("Main St", 12345))
    assert data == official_bytes(theirs, OFFICIAL["Address"]("Main St", 12345))
    assert data[:9] == struct.pack(">iib", 0, -2, 1)
    back = ours.to_object(data)
    assert (back.street, back.zip_code, back.extra) == ("Main St", 12345, [1, "x"])
    official = official_object(theirs, data)
    assert (official.street, official.zip_code) == ("Main St", 12345)


def test_identified_data_serializable_needs_no_factory_to_be_written() -> None:
    bare = SerializationService()
    data = bare.to_data(OURS["Address"]("x", 1))
    assert data == our_service().to_data(OURS["Address"]("x", 1))
    with pytest.raises(HazelcastSerializationError, match=r"factory id 1 .*data_serializable"):
        bare.to_object(data)
    # nested too
    with pytest.raises(HazelcastSerializationError, match="factory id 1"):
        bare.to_object(bare.to_data([OURS["Address"]("x", 1)]))


def test_identified_data_serializable_reading_details() -> None:
    service = our_service()
    head = struct.pack(">ii", 0, -2)
    body = struct.pack(">i", 1) + b"x" + struct.pack(">i", 5) + struct.pack(">ii", -29, 0)
    # the versioned flag: two version bytes follow the ids
    versioned = Data(head + b"\x03" + struct.pack(">ii", 1, 1) + b"\x07\x08" + body)
    assert service.to_object(versioned).zip_code == 5
    # a factory may be a callable taking the class id
    callable_factory = SerializationService(
        data_serializable_factories={1: lambda class_id: OURS["Address"]()}
    )
    assert callable_factory.to_object(service.to_data(OURS["Address"]("a", 2))).zip_code == 2
    with pytest.raises(HazelcastSerializationError, match="has no class id 9"):
        service.to_object(Data(head + b"\x01" + struct.pack(">ii", 1, 9)))
    not_identified = Data(head + b"\x00" + struct.pack(">i", 3) + b"a.B")
    with pytest.raises(HazelcastSerializationError, match=r"DataSerializable of the class 'a\.B'"):
        service.to_object(not_identified)


# -- Portable -----------------------------------------------------------------------------------


def _whole(classes: dict[str, Any]) -> Any:
    part = classes["Part"]
    return classes["Whole"]("héllo", part(7), [part(1), part(2)])


@ENDIANNESS
def test_portable_matches_the_official_client(big_endian: bool) -> None:
    ours, theirs = our_service(big_endian), official_service(big_endian)
    data = ours.to_data(_whole(OURS))
    assert data == official_bytes(theirs, _whole(OFFICIAL))
    back = ours.to_object(data)
    assert back.name == "héllo"
    assert back.part.x == 7 and back.part.t == [datetime.time(1, 2, 3, 400)]
    assert [p.x for p in back.parts] == [1, 2]
    assert back.raw == "raw tail"
    assert back.fields["c"] == "€"
    assert back.fields["tstz"].utcoffset() == datetime.timedelta(hours=-3)
    official = official_object(theirs, data)
    assert official.fields == back.fields
    # a fresh reader learns the class definitions from the data
    assert our_service(big_endian).to_object(official_bytes(theirs, _whole(OFFICIAL))).raw == (
        "raw tail"
    )


def test_portable_class_definitions_from_the_data_match_the_written_ones() -> None:
    writer = our_service()
    data = writer.to_data(_whole(OURS))
    reader = our_service()
    reader.to_object(data)
    for key in ((1, 1, 0), (1, 2, 0)):
        assert reader.portable_context.lookup(*key) == writer.portable_context.lookup(*key)


class Node(api.Portable):
    """A Portable with a nullable nested Portable of its own class."""

    def __init__(self, value: int = 0, child: Node | None = None) -> None:
        self.value = value
        self.child = child

    def get_factory_id(self) -> int:
        return 5

    def get_class_id(self) -> int:
        return 1

    def write_portable(self, writer: api.PortableWriter) -> None:
        writer.write_int("value", self.value)
        writer.write_portable("child", self.child)

    def read_portable(self, reader: api.PortableReader) -> None:
        self.value = reader.read_int("value")
        self.child = reader.read_portable("child")


NODE_DEFINITION: ClassDefinition = (
    ClassDefinitionBuilder(5, 1)
    .add_int_field("value")
    .add_portable_field("child", ClassDefinitionBuilder(5, 1).build())
    .build()
)


def test_null_nested_portable_needs_a_class_definition() -> None:
    plain = SerializationService(portable_factories={5: {1: Node}})
    with pytest.raises(HazelcastSerializationError, match="class_definitions"):
        plain.to_data(Node(1))
    service = SerializationService(
        portable_factories={5: {1: Node}}, class_definitions=[NODE_DEFINITION]
    )
    back = service.to_object(service.to_data(Node(1, Node(2, Node(3)))))
    assert (back.value, back.child.value, back.child.child.value) == (1, 2, 3)
    assert back.child.child.child is None
    assert service.to_object(service.to_data(Node(9))).child is None


def test_class_definition_errors_are_checked_when_asked() -> None:
    outer = (
        ClassDefinitionBuilder(6, 1)
        .add_portable_field("missing", ClassDefinitionBuilder(6, 2).build())
        .build()
    )
    # a configuration error: a ValueError that names the option
    with pytest.raises(ValueError, match=r"class_definitions: .*class id 2"):
        SerializationService(class_definitions=[outer])
    SerializationService(class_definitions=[outer], check_class_definition_errors=False)
    with pytest.raises(ValueError, match=r"class_definitions: .*two definitions"):
        SerializationService(class_definitions=[outer, outer])


def test_class_definition_builder() -> None:
    builder = ClassDefinitionBuilder(1, 2, 3).add_int_field("a").add_utf_field("b")
    with pytest.raises(HazelcastSerializationError, match="already defined"):
        builder.add_long_field("a")
    cd = builder.build()
    assert (cd.factory_id, cd.class_id, cd.version) == (1, 2, 3)
    assert cd.get_field_names() == ["a", "b"]
    assert cd.get_field_type("b") == FieldType.STRING == FieldType.UTF
    assert cd.get_field(1) == cd.get_field("b")
    assert cd.get_field_count() == 2 and cd.has_field("a") and not cd.has_field("c")
    with pytest.raises(IndexError):
        cd.get_field(2)
    with pytest.raises(ValueError, match="unknown field"):
        cd.get_field_type("c")
    with pytest.raises(HazelcastSerializationError, match="already built"):
        builder.add_int_field("z")
    with pytest.raises(ValueError, match="cannot be 0"):
        ClassDefinitionBuilder(1, 1).add_portable_field("p", ClassDefinition(1, 0))


class Flexible(api.Portable):
    """Writes what it is told, to provoke the writer's errors."""

    def __init__(self, writes: list[tuple[str, str, Any]] | None = None, class_id: int = 1) -> None:
        self.writes = writes or []
        self.class_id = class_id

    def get_factory_id(self) -> int:
        return 8

    def get_class_id(self) -> int:
        return self.class_id

    def write_portable(self, writer: api.PortableWriter) -> None:
        for method, name, value in self.writes:
            getattr(writer, method)(name, value)

    def read_portable(self, reader: api.PortableReader) -> None:
        self.read = {name: reader.read_int(name) for name in reader.get_field_names()}


def test_portable_writer_errors() -> None:
    service = SerializationService(portable_factories={8: {1: Flexible}})
    with pytest.raises(HazelcastSerializationError, match="class id cannot be 0"):
        service.to_data(Flexible(class_id=0))
    with pytest.raises(HazelcastSerializationError, match="'a' is already defined"):
        service.to_data(Flexible([("write_int", "a", 1), ("write_int", "a", 2)]))
    service = SerializationService(portable_factories={8: {1: Flexible}})
    service.to_data(Flexible([("write_int", "a", 1)]))  # the class definition: one int "a"
    with pytest.raises(HazelcastSerializationError, match="is not in"):
        service.to_data(Flexible([("write_int", "b", 1)]))
    with pytest.raises(HazelcastSerializationError, match="INT field"):
        service.to_data(Flexible([("write_long", "a", 1)]))
    with pytest.raises(HazelcastSerializationError, match="did not write the fields"):
        service.to_data(Flexible([]))
    with pytest.raises(HazelcastSerializationError, match="written twice"):
        service.to_data(Flexible([("write_int", "a", 1), ("write_int", "a", 2)]))
    with pytest.raises(HazelcastSerializationError, match="Java int"):
        service.to_data(Flexible([("write_int", "a", 2**40)]))
    assert service.to_object(service.to_data(Flexible([("write_int", "a", 5)]))).read == {"a": 5}


def _versioned(version: int, fields: dict[str, str]) -> type[api.Portable]:
    class Versioned(api.Portable):
        def __init__(self, **values: Any) -> None:
            self.values = values

        def get_factory_id(self) -> int:
            return 9

        def get_class_id(self) -> int:
            return 1

        def get_class_version(self) -> int:
            return version

        def write_portable(self, writer: api.PortableWriter) -> None:
            for name, kind in fields.items():
                getattr(writer, f"write_{kind}")(name, self.values[name])

        def read_portable(self, reader: api.PortableReader) -> None:
            self.values = {n: getattr(reader, f"read_{k}")(n) for n, k in fields.items()}
            self.version = reader.get_version()

    return Versioned


def test_portable_versions_morph_as_java_does() -> None:
    old = _versioned(1, {"n": "int", "s": "string", "c": "char", "b": "byte", "t": "short"})
    new = _versioned(
        2,
        {
            "n": "long",
            "s": "string",
            "c": "int",
            "b": "double",
            "t": "float",
            "added": "string",
            "flag": "boolean",
            "count": "int",
            "ints": "int_array",
        },
    )
    writer = SerializationService(portable_factories={9: {1: old}})
    data = writer.to_data(old(n=7, s="x", c="A", b=-2, t=300))
    reader = SerializationService(portable_factories={9: {1: new}})
    back = reader.to_object(data)
    assert back.version == 1
    assert back.values == {
        "n": 7,
        "s": "x",
        "c": 65,
        "b": -2.0,
        "t": 300.0,
        "added": None,
        "flag": False,
        "count": 0,
        "ints": None,
    }
    incompatible = _versioned(3, {"s": "int"})
    with pytest.raises(HazelcastSerializationError, match="cannot read the UTF field 's' as INT"):
        SerializationService(portable_factories={9: {1: incompatible}}).to_object(data)
    narrowing = _versioned(4, {"n": "short"})
    with pytest.raises(HazelcastSerializationError, match="incompatible class change"):
        SerializationService(portable_factories={9: {1: narrowing}}).to_object(data)


def test_portable_reading_errors() -> None:
    service = our_service()
    data = service.to_data(_whole(OURS))
    with pytest.raises(HazelcastSerializationError, match="no Portable factory for factory id 1"):
        SerializationService().to_object(data)
    with pytest.raises(HazelcastSerializationError, match="has no class id 1"):
        SerializationService(portable_factories={1: {2: OURS["Part"]}}).to_object(data)
    reader_with_wrong_reads = _versioned(0, {"name": "int"})
    service = SerializationService(portable_factories={1: {1: reader_with_wrong_reads}})
    with pytest.raises(HazelcastSerializationError, match="UTF field, not INT"):
        service.to_object(data)


# -- Compact ------------------------------------------------------------------------------------


def _official_schema(schema: Schema) -> OfficialSchema:
    return OfficialSchema(
        schema.type_name, [OfficialFieldDescriptor(f.name, f.kind) for f in schema.fields]
    )


def _official_with_schemas(ours: SerializationService, big_endian: bool) -> SerializationServiceV1:
    theirs = official_service(big_endian)
    classes = {"Inner": OFFICIAL["Inner"], "Big": OFFICIAL["Big"]}
    for schema in ours.compact_schemas.all():
        theirs._compact_stream_serializer.register_schema_to_type(
            _official_schema(schema), classes[schema.type_name]
        )
    return theirs


@ENDIANNESS
@pytest.mark.parametrize("size", [0, 300, 70_000], ids=["byte-offsets", "short", "int"])
def test_compact_matches_the_official_client(big_endian: bool, size: int) -> None:
    ours = our_service(big_endian)
    data = ours.to_data(OURS["Big"](size))
    theirs = _official_with_schemas(ours, big_endian)
    assert data == official_bytes(theirs, OFFICIAL["Big"](size))
    back = ours.to_object(data)
    official = official_object(theirs, data)
    assert back.size == official.size == size
    assert back.values == official.values
    assert back.values["i8s"] == [1, -2, 3]
    assert back.values["inners"] == ["x", None]
    assert back.values["ni64s"] == [1, None, 3]


def test_schema_ids_are_the_official_fingerprints() -> None:
    rng = random.Random(7)
    kinds = [k for k in api.FieldKind if k not in (0, 5, 6, 31, 32)]
    for n in range(50):
        fields = [
            (f"f{rng.randrange(1000)}-{i}-ü", rng.choice(kinds)) for i in range(rng.randrange(12))
        ]
        name = f"Type{n}😀" * rng.randrange(1, 3)
        ours = Schema(name, [api_field(f, k) for f, k in fields])
        theirs = OfficialSchema(name, [OfficialFieldDescriptor(f, k) for f, k in fields])
        assert ours.schema_id == theirs.schema_id
        assert ours.fixed_size == theirs.fix_sized_fields_length
        assert ours.var_count == theirs.var_sized_field_count
    assert rabin_fingerprint64("", []) == OfficialSchema("", []).schema_id


def api_field(name: str, kind: int) -> Any:
    from hztrio.serialization.compact import FieldDescriptor

    return FieldDescriptor(name, kind)


def test_compact_schema_registry() -> None:
    service = our_service()
    registry = service.compact_schemas
    assert not registry.has_pending
    data = service.to_data(OURS["Big"](1))
    assert registry.has_pending
    assert sorted(s.type_name for s in registry.pending()) == ["Big", "Inner"]
    registry.mark_sent(registry.pending())
    assert not registry.has_pending
    service.to_data(OURS["Big"](2))  # the same schemas: nothing new to send
    assert not registry.has_pending
    registry.mark_all_pending()
    assert registry.has_pending and registry.resend_all
    registry.mark_all_sent(registry.all())
    assert not registry.has_pending
    # a reader without the schema asks for it; once it has it, it reads
    reader = our_service()
    with pytest.raises(SchemaNotFoundError) as info:
        reader.to_object(data)
    with pytest.raises(SchemaNotFoundError):
        reader.to_objects([bytes(reader.to_data("plain")), bytes(data)])
    big_schema = next(s for s in registry.all() if s.type_name == "Big")
    inner_schema = next(s for s in registry.all() if s.type_name == "Inner")
    assert info.value.schema_id == big_schema.schema_id
    reader.compact_schemas.add_known(big_schema)
    with pytest.raises(SchemaNotFoundError) as info:
        reader.to_object(data)  # the nested Inner's schema is still missing
    assert info.value.schema_id == inner_schema.schema_id
    reader.compact_schemas.add_known(inner_schema)
    assert reader.to_object(data).size == 1
    assert not reader.compact_schemas.has_pending
    other = Schema("Other", [])
    other.schema_id = big_schema.schema_id
    with pytest.raises(HazelcastSerializationError, match="two different schemas"):
        reader.compact_schemas.add_known(other)


class Point:
    def __init__(self, x: int = 0, y: int | None = 0) -> None:
        self.x = x
        self.y = y


class PointSerializer(api.CompactSerializer[Point]):
    def __init__(self, nullable: bool = False) -> None:
        self.nullable = nullable

    def read(self, reader: api.CompactReader) -> Point:
        assert reader.get_field_kind("missing") == api.FieldKind.NOT_AVAILABLE
        return Point(reader.read_int32("x"), reader.read_nullable_int32("y"))

    def write(self, writer: api.CompactWriter, obj: Point) -> None:
        writer.write_int32("x", obj.x)
        if self.nullable:
            writer.write_nullable_int32("y", obj.y)
        else:
            writer.write_int32("y", obj.y)  # type: ignore[arg-type]

    def get_class(self) -> type[Point]:
        return Point

    def get_type_name(self) -> str:
        return "Point"


def test_compact_nullable_and_plain_kinds_read_each_other() -> None:
    plain = SerializationService(compact_serializers=[PointSerializer()])
    data = plain.to_data(Point(1, 2))
    back = plain.to_object(data)
    assert (back.x, back.y) == (1, 2)  # read_nullable_int32 of an INT32 field
    nullable = SerializationService(compact_serializers=[PointSerializer(nullable=True)])
    nullable_data = nullable.to_data(Point(3, None))

    class StrictSerializer(PointSerializer):
        def read(self, reader: api.CompactReader) -> Point:
            return Point(reader.read_int32("x"), reader.read_int32("y"))

    strict = SerializationService(compact_serializers=[StrictSerializer()])
    for schema in nullable.compact_schemas.all():
        strict.compact_schemas.add_known(schema)
    with pytest.raises(HazelcastSerializationError, match="is None; read it with read_nullable"):
        strict.to_object(nullable_data)
    assert strict.to_object(nullable.to_data(Point(3, 4))).y == 4


def test_compact_errors() -> None:
    service = SerializationService(compact_serializers=[PointSerializer()])
    with pytest.raises(HazelcastSerializationError, match="Compact int8"):

        class Bad(PointSerializer):
            def write(self, writer: api.CompactWriter, obj: Point) -> None:
                writer.write_int8("x", 200)

        SerializationService(compact_serializers=[Bad()]).to_data(Point())
    with pytest.raises(HazelcastSerializationError, match="mixes the classes"):

        class Mixed(PointSerializer):
            def write(self, writer: api.CompactWriter, obj: Point) -> None:
                writer.write_array_of_compact("items", [Point(), Node()])

        SerializationService(compact_serializers=[Mixed()]).to_data(Point())
    with pytest.raises(HazelcastSerializationError, match="written twice"):

        class Twice(PointSerializer):
            def write(self, writer: api.CompactWriter, obj: Point) -> None:
                writer.write_int32("x", 1)
                writer.write_int32("x", 1)

        SerializationService(compact_serializers=[Twice()]).to_data(Point())
    data = service.to_data(Point())
    other = SerializationService()
    for schema in service.compact_schemas.all():
        other.compact_schemas.add_known(schema)
    with pytest.raises(HazelcastSerializationError, match="no Compact serializer for the type"):
        other.to_object(data)
    with pytest.raises(ValueError, match="built-in types"):

        class StrSerializer(PointSerializer):
            def get_class(self) -> Any:
                return str

        SerializationService(compact_serializers=[StrSerializer()])
    with pytest.raises(ValueError, match="two Compact serializers"):
        SerializationService(compact_serializers=[PointSerializer(), PointSerializer()])


# -- java.time and BigDecimal -------------------------------------------------------------------

TZ = datetime.timezone(datetime.timedelta(hours=-9, minutes=-30))


@ENDIANNESS
@pytest.mark.parametrize(
    "value",
    [
        decimal.Decimal("0"),
        decimal.Decimal("-123.4500"),
        decimal.Decimal("1E+3"),
        decimal.Decimal("12345678901234567890.123456789"),
        decimal.Decimal("-1E-30"),
        datetime.date(2024, 2, 29),
        datetime.date(1, 1, 1),
        datetime.date(9999, 12, 31),
        datetime.time(0, 0),
        datetime.time(23, 59, 59, 999999),
        datetime.datetime(2024, 2, 29, 13, 45, 59, 123456, tzinfo=TZ),
        datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC),
    ],
    ids=str,
)
def test_java_time_and_big_decimal_match_the_official_client(value: Any, big_endian: bool) -> None:
    ours, theirs = our_service(big_endian), official_service(big_endian)
    data = ours.to_data(value)
    assert data == official_bytes(theirs, value)
    back = ours.to_object(data)
    assert back == value and type(back) is type(value)
    if isinstance(value, decimal.Decimal):
        assert back.as_tuple() == value.as_tuple()  # the scale is kept
    assert official_object(theirs, data) == value


def test_naive_datetimes_are_local_date_times() -> None:
    service = SerializationService()
    value = datetime.datetime(2024, 2, 29, 13, 45, 59, 123456)
    data = service.to_data(value)
    assert data[4:8] == struct.pack(">i", -53)
    assert data[8:] == struct.pack(">ibbbbbi", 2024, 2, 29, 13, 45, 59, 123456000)
    back = service.to_object(data)
    assert back == value and back.tzinfo is None
    assert service.to_object(service.to_data([value, datetime.date(2020, 1, 1)])) == [
        value,
        datetime.date(2020, 1, 1),
    ]


def test_nanoseconds_are_truncated_and_bad_values_raise() -> None:
    service = SerializationService()
    nanos = struct.pack(">ii", 0, -52) + struct.pack(">bbbi", 1, 2, 3, 999_999_999)
    assert service.to_object(nanos) == datetime.time(1, 2, 3, 999_999)
    with pytest.raises(HazelcastSerializationError, match="LocalTime has none"):
        service.to_data(datetime.time(1, tzinfo=datetime.UTC))
    with pytest.raises(HazelcastSerializationError, match="whole seconds"):
        service.to_data(
            datetime.datetime(
                2020, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(microseconds=1))
            )
        )
    with pytest.raises(HazelcastSerializationError, match="18 hours"):
        service.to_data(
            datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=20)))
        )
    with pytest.raises(HazelcastSerializationError, match="NaN or Infinity"):
        service.to_data(decimal.Decimal("NaN"))
    year_zero = struct.pack(">ii", 0, -51) + struct.pack(">ibb", 0, 1, 1)
    with pytest.raises(HazelcastSerializationError, match=r"java\.time\.LocalDate.*year 0"):
        service.to_object(year_zero)


# -- the other Java types hztrio reads --------------------------------------------------------


def test_java_collections_and_types_read_only() -> None:
    service = SerializationService()
    head = lambda type_id: struct.pack(">ii", 0, type_id)  # noqa: E731
    one = struct.pack(">ii", -7, 1)
    a = struct.pack(">ii", -11, 1) + b"a"
    assert service.to_object(head(-32) + struct.pack(">i", 1) + a + one) == {"a": 1}
    assert service.to_object(head(-35) + struct.pack(">i", 1) + a + one) == {"a": 1}
    assert service.to_object(head(-37) + struct.pack(">i", 2) + a + one) == {"a", 1}
    assert service.to_object(head(-22) + a + one) == ("a", 1)
    assert service.to_object(head(-50) + b"\x01" + one) == 1
    assert service.to_object(head(-50) + b"\x00") is None
    assert service.to_object(head(-25) + struct.pack(">q", 1700000000123)) == datetime.datetime(
        2023, 11, 14, 22, 13, 20, 123000, tzinfo=datetime.UTC
    )
    assert service.to_object(head(-24) + struct.pack(">i", 3) + b"a.B") == "a.B"
    with pytest.raises(HazelcastSerializationError, match="map of 1000000 items"):
        service.to_object(head(-32) + struct.pack(">i", 1_000_000))


def test_java_arrays_keep_their_type() -> None:
    service = SerializationService()
    ints = IntArray([1, 2, 3])
    assert ints == [1, 2, 3] and repr(ints) == "IntArray([1, 2, 3])"
    back = service.to_object(service.to_data(ints))
    assert type(back) is IntArray and back == ints
    assert service.to_object(service.to_data(FloatArray([0.1])))[0] == pytest.approx(0.1)
    with pytest.raises(HazelcastSerializationError, match="int\\[\\]"):
        service.to_data(IntArray([2**40]))
    assert service.to_object(service.to_data([IntArray([1])])) == [[1]]


# -- custom, global, pickle and the priority ------------------------------------------------


class Musician:
    def __init__(self, name: str | None) -> None:
        self.name = name


class MusicianSerializer(api.StreamSerializer[Musician]):
    def get_type_id(self) -> int:
        return 10

    def write(self, out: api.ObjectDataOutput, obj: Musician) -> None:
        out.write_utf(obj.name)

    def read(self, inp: api.ObjectDataInput) -> Musician:
        return Musician(inp.read_utf())


class Everything(api.StreamSerializer[Any]):
    def get_type_id(self) -> int:
        return 20

    def write(self, out: api.ObjectDataOutput, obj: Any) -> None:
        out.write_string(type(obj).__name__)

    def read(self, inp: api.ObjectDataInput) -> Any:
        return ("global", inp.read_string())


class IdsAndMusician(OURS["Address"], Musician):  # type: ignore[misc]
    pass


def test_custom_and_global_serializers_and_their_priority() -> None:
    service = SerializationService(
        custom_serializers={Musician: MusicianSerializer},
        global_serializer=Everything(),
        data_serializable_factories={1: {1: OURS["Address"]}},
    )
    data = service.to_data(Musician("Freddie"))
    assert data == struct.pack(">ii", 0, 10) + struct.pack(">i", 7) + b"Freddie"
    assert service.to_object(data).name == "Freddie"
    # IdentifiedDataSerializable comes before custom serializers (the seed's order)
    assert service.to_data(IdsAndMusician("x", 1))[4:8] == struct.pack(">i", -2)
    # built-in types before the global serializer, which takes everything else
    assert service.to_data("s")[4:8] == struct.pack(">i", -11)
    assert service.to_object(service.to_data(object())) == ("global", "object")
    assert service.to_object(service.to_data([{1}])) == [("global", "set")]
    with pytest.raises(ValueError, match="positive"):

        class Negative(Everything):
            def get_type_id(self) -> int:
                return -5

        SerializationService(global_serializer=Negative)
    with pytest.raises(ValueError, match="type id 20"):
        SerializationService(
            custom_serializers={Musician: Everything}, global_serializer=Everything
        )


def test_the_client_config_builds_the_service() -> None:
    config = Config(
        custom_serializers={Musician: MusicianSerializer},
        global_serializer=Everything,
        portable_version=2,
        allow_pickle=True,
    )
    service = SerializationService.from_config(config)
    assert service.to_object(service.to_data(Musician("x"))).name == "x"
    assert service.portable_context.version == 2
    assert service.allow_pickle


class Unregistered:
    def __init__(self, x: int) -> None:
        self.x = x

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unregistered) and other.x == self.x


def test_pickle_is_opt_in_and_compatible_with_the_official_client() -> None:
    safe = SerializationService()
    with pytest.raises(HazelcastSerializationError, match="allow_pickle=True") as info:
        safe.to_data(Unregistered(1))
    for hint in ("Unregistered", "IdentifiedDataSerializable", "compact_serializers"):
        assert hint in str(info.value)
    trusting = SerializationService(allow_pickle=True)
    data = trusting.to_data(Unregistered(1))
    assert data[4:8] == struct.pack(">i", -120)
    assert trusting.to_object(data) == Unregistered(1)
    with pytest.raises(HazelcastSerializationError, match="allow_pickle"):
        safe.to_object(data)
    theirs = official_service()
    assert official_object(theirs, data) == Unregistered(1)
    assert trusting.to_object(official_bytes(theirs, Unregistered(2))) == Unregistered(2)
    assert trusting.to_object(trusting.to_data([Unregistered(3)])) == [Unregistered(3)]
    assert pickle.loads(data[12:]) == Unregistered(1)  # protocol 0, length-prefixed


# -- corrupt data ---------------------------------------------------------------------------


def test_random_corruption_of_every_kind_raises_serialization_errors_only() -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    service = our_service(allow_pickle=False)
    samples = [
        service.to_data(_whole(OURS)),
        service.to_data(OURS["Big"](300)),
        service.to_data(OURS["Address"]("Main", 1)),
        service.to_data([datetime.datetime(2020, 1, 1), decimal.Decimal("1.5")]),
    ]
    rng = random.Random(99)
    for _ in range(3000):
        raw = bytearray(rng.choice(samples))
        for _ in range(rng.randrange(1, 4)):
            position = rng.randrange(8, len(raw))
            raw[position] = rng.randrange(256)
        if rng.random() < 0.3:
            del raw[rng.randrange(8, len(raw)) :]
        with contextlib.suppress(HazelcastSerializationError):
            service.to_object(bytes(raw))


def test_hazelcast_classes_members_return_are_read_without_a_factory() -> None:
    service = SerializationService()

    def ids(factory_id: int, class_id: int, body: bytes) -> bytes:
        return struct.pack(">iibii", 0, -2, 1, factory_id, class_id) + body

    one = struct.pack(">ii", -7, 1)
    a = struct.pack(">ii", -11, 1) + b"a"
    assert service.to_object(ids(-29, 19, struct.pack(">i", 2) + one + a)) == {1, "a"}
    assert service.to_object(ids(-4, 120, a + one)) == ("a", 1)
    address = service.to_object(
        ids(0, 1, struct.pack(">ib", 5701, 0) + struct.pack(">i", 3) + b"h.x")
    )
    assert (address.host, address.port) == ("h.x", 5701)
    # a registered factory of the same id takes precedence
    custom = SerializationService(data_serializable_factories={-4: {120: OURS["Address"]}})
    street = struct.pack(">i", 1) + b"s" + struct.pack(">i", 7) + struct.pack(">ii", -29, 0)
    assert custom.to_object(ids(-4, 120, street)).zip_code == 7
