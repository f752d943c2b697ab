"""The serialization service, Data, ObjectDataInput/Output and HazelcastJsonValue.

The official client's ``SerializationServiceV1`` is the oracle for byte-exact output. Where the
official client is known to be wrong (it cannot write negative Java bytes, and writes 128..255
as Java bytes), the expected bytes are built here by hand from the Java formats.
"""

from __future__ import annotations

import contextlib
import enum
import json
import math
import random
import struct
import subprocess
import sys
import uuid
from typing import Any

import hazelcast.core
import pytest
from hazelcast.config import Config
from hazelcast.config import IntType as OfficialIntType
from hazelcast.serialization.output import _ObjectDataOutput as OfficialOutput
from hazelcast.serialization.service import SerializationServiceV1

from hztrio.config import IntType
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
from hztrio.errors import HazelcastError, HazelcastSerializationError
from hztrio.serialization import (
    Data,
    ObjectDataInput,
    ObjectDataOutput,
    SerializationService,
    StreamSerializer,
)

INT_RANGES = {
    IntType.BYTE: (-(2**7), 2**7 - 1, -3, "b"),
    IntType.SHORT: (-(2**15), 2**15 - 1, -6, "h"),
    IntType.INT: (-(2**31), 2**31 - 1, -7, "i"),
    IntType.LONG: (-(2**63), 2**63 - 1, -8, "q"),
}

INT_EDGES = sorted(
    {
        0,
        1,
        -1,
        2,
        54,
        100,
        *(x + d for x in (2**7, 2**15, 2**31, 2**63, 2**64, 2**100) for d in (-2, -1, 0, 1)),
        *(-x + d for x in (2**7, 2**15, 2**31, 2**63, 2**64, 2**100) for d in (-1, 0, 1, 2)),
        255,
        256,
        -255,
        -256,
        65535,
        2**32 - 1,
        2**32,
        10**30,
        -(10**30),
    }
)


# -- oracles ----------------------------------------------------------------------------------


def official_service(
    int_type: IntType = IntType.INT, big_endian: bool = True
) -> SerializationServiceV1:
    config = Config()
    config.default_int_type = getattr(OfficialIntType, int_type.name)
    config.is_big_endian = big_endian
    return SerializationServiceV1(config)


def official_bytes(service: SerializationServiceV1, value: Any) -> bytes | None:
    if isinstance(value, HazelcastJsonValue):
        value = hazelcast.core.HazelcastJsonValue(value.to_string())
    elif isinstance(value, bytes):
        value = bytearray(value)  # the official client maps only bytearray to byte[]
    elif isinstance(value, list):
        value = [_official_value(v) for v in value]
    data = service.to_data(value)
    return None if data is None else bytes(data.buffer)


def _official_value(value: Any) -> Any:
    if isinstance(value, HazelcastJsonValue):
        return hazelcast.core.HazelcastJsonValue(value.to_string())
    if isinstance(value, bytes):
        return bytearray(value)
    if isinstance(value, list):
        return [_official_value(v) for v in value]
    return value


def java_big_integer(value: int) -> bytes:
    """BigInteger.toByteArray(), computed the slow, obvious way."""
    size = 1
    while not -(2 ** (8 * size - 1)) <= value < 2 ** (8 * size - 1):
        size += 1
    return value.to_bytes(size, "big", signed=True)


def java_int_data(value: int, int_type: IntType, big_endian: bool = True) -> bytes:
    """The Data Java writes for ``value`` under ``int_type`` (None if it does not fit)."""
    order = ">" if big_endian else "<"
    if int_type is IntType.VAR:
        for candidate in (IntType.BYTE, IntType.SHORT, IntType.INT, IntType.LONG):
            low, high, _, _ = INT_RANGES[candidate]
            if low <= value <= high:
                return java_int_data(value, candidate, big_endian)
        return java_int_data(value, IntType.BIG_INT, big_endian)
    if int_type is IntType.BIG_INT:
        raw = java_big_integer(value)
        return struct.pack(">ii", 0, -26) + struct.pack(order + "i", len(raw)) + raw
    _, _, type_id, code = INT_RANGES[int_type]
    return struct.pack(">ii", 0, type_id) + struct.pack(order + code, value)


def fits(value: int, int_type: IntType) -> bool:
    if int_type in (IntType.VAR, IntType.BIG_INT):
        return True
    low, high, _, _ = INT_RANGES[int_type]
    return low <= value <= high


def official_int_is_right(value: int, int_type: IntType) -> bool:
    """False where the official client fails or writes the wrong Java byte."""
    if int_type is IntType.BYTE:
        return 0 <= value <= 127
    if int_type is IntType.VAR:
        return not -128 <= value < 0
    return True


def same(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to NaN and bytes as bytearray."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def header(type_id: int, partition_hash: int = 0) -> bytes:
    return struct.pack(">ii", partition_hash, type_id)


# -- values -----------------------------------------------------------------------------------

rng = random.Random(1234)

STRINGS = [
    "",
    "a",
    "key1",
    "hello world",
    "ünïcödé",
    "€",
    "中文字符",
    "😀",
    "a😀b𝄞c",
    "\U0010ffff",
    "\x00",
    "\x7f\x80\u07ff\u0800\uffff",
    "e\u0301",
    "x" * 1000,
    "😀" * 5000,
    "".join(chr(rng.randrange(0x20, 0xD7FF)) for _ in range(3000)),
]

FLOATS = [0.0, -0.0, 1.0, -1.5, 3.141592653589793, 1e308, -1e308, 5e-324, math.inf, -math.inf]

UUIDS = [
    uuid.UUID(int=0),
    uuid.UUID(int=2**128 - 1),
    uuid.UUID("80000000-0000-0000-8000-000000000000"),
    uuid.UUID("7fffffff-ffff-ffff-7fff-ffffffffffff"),
    uuid.UUID("1862c7d2-f89c-4151-981d-07a6287089d3"),
    *(uuid.UUID(int=rng.getrandbits(128)) for _ in range(20)),
]

BYTES = [b"", b"\x00", b"abc", bytes(range(256)), rng.randbytes(100_000)]

LISTS: list[list[Any]] = [
    [],
    [None],
    [1, 2, 3],
    ["a", "b"],
    [1, "a", True, 2.5, None, uuid.UUID(int=5), b"xy", HazelcastJsonValue('{"a":1}')],
    [[], [[]], [[[1]]]],
    [[1, ["x", [None, [2.0, [True]]]]]],
    [2**31 - 1, -(2**31)],
    list(range(10_000)),
    [str(i) for i in range(1000)],
]

JSONS = [
    HazelcastJsonValue("{}"),
    HazelcastJsonValue('{"a": [1, 2, {"b": null}]}'),
    HazelcastJsonValue({"name": "Zoë", "age": 3, "tags": ["x", "😀"]}),
    HazelcastJsonValue([1, 2, 3]),
    HazelcastJsonValue("not json at all"),
]

VALUES: list[Any] = [
    None,
    True,
    False,
    *STRINGS,
    *FLOATS,
    *UUIDS,
    *BYTES,
    *LISTS,
    *JSONS,
    *(v for v in INT_EDGES if -(2**31) <= v < 2**31),
]


def value_id(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def service() -> SerializationService:
    return SerializationService()


@pytest.fixture(scope="module")
def official() -> SerializationServiceV1:
    return official_service()


# -- byte-exact against the official client ---------------------------------------------------


@pytest.mark.parametrize("big_endian", [True, False], ids=["BE", "LE"])
@pytest.mark.parametrize("value", VALUES, ids=value_id)
def test_builtin_values_match_official(value: Any, big_endian: bool) -> None:
    ours = SerializationService(is_big_endian=big_endian)
    theirs = official_service(big_endian=big_endian)
    data = ours.to_data(value)
    expected = official_bytes(theirs, value)
    if value is None:
        assert data is None
        assert expected is None
        return
    assert isinstance(data, Data)
    assert bytes(data) == expected
    back = ours.to_object(data)
    assert same(back, value)
    # the generic path (the value inside a list) agrees with the fast path
    nested = ours.to_data([value])
    assert nested is not None
    assert bytes(nested) == official_bytes(theirs, [value])
    assert same(ours.to_object(nested), [value])
    # and the official client reads what we wrote
    assert same(theirs.to_object(theirs.to_data(_official_value(value))), _official_value(value))


def test_nan(service: SerializationService, official: SerializationServiceV1) -> None:
    data = service.to_data(math.nan)
    assert data == official.to_data(math.nan).buffer
    assert math.isnan(service.to_object(data))


@pytest.mark.parametrize("int_type", list(IntType), ids=lambda t: t.name)
@pytest.mark.parametrize("big_endian", [True, False], ids=["BE", "LE"])
def test_int_edges_for_every_int_type(int_type: IntType, big_endian: bool) -> None:
    ours = SerializationService(default_int_type=int_type, is_big_endian=big_endian)
    theirs = official_service(int_type, big_endian)
    for value in INT_EDGES:
        if not fits(value, int_type):
            with pytest.raises(HazelcastSerializationError) as info:
                ours.to_data(value)
            message = str(info.value)
            assert str(value) in message
            assert int_type.name in message
            assert "Java " in message
            with pytest.raises(HazelcastSerializationError, match=str(value)):
                ours.to_data([value])
            continue
        data = ours.to_data(value)
        assert data is not None
        assert bytes(data) == java_int_data(value, int_type, big_endian), value
        if official_int_is_right(value, int_type):
            assert bytes(data) == official_bytes(theirs, value), value
            assert ours.to_data([value]) == official_bytes(theirs, [value]), value
        assert ours.to_object(data) == value
        assert type(ours.to_object(data)) is int
        assert ours.to_object(ours.to_data([value, value])) == [value, value]


def test_int_out_of_range_message() -> None:
    with pytest.raises(HazelcastSerializationError) as info:
        SerializationService().to_data(2**31)
    assert str(info.value) == (
        "cannot serialize the int 2147483648 as a Java int (default_int_type=IntType.INT "
        "holds -2147483648..2147483647); use a wider default_int_type, IntType.VAR or "
        "IntType.BIG_INT"
    )
    with pytest.raises(HazelcastSerializationError, match=r"-129 as a Java byte"):
        SerializationService(default_int_type=IntType.BYTE).to_data(-129)
    with pytest.raises(HazelcastSerializationError, match=r"128 as a Java byte"):
        SerializationService(default_int_type=IntType.BYTE).to_data(128)


def test_random_ints_var_and_big_int() -> None:
    r = random.Random(9)
    var = SerializationService(default_int_type=IntType.VAR)
    big = SerializationService(default_int_type=IntType.BIG_INT)
    official_big = official_service(IntType.BIG_INT)
    for _ in range(2000):
        value = r.randrange(-(2 ** r.randrange(1, 300)), 2 ** r.randrange(1, 300))
        assert bytes(var.to_data(value) or b"") == java_int_data(value, IntType.VAR)
        assert var.to_object(var.to_data(value)) == value
        data = big.to_data(value)
        assert bytes(data or b"") == java_int_data(value, IntType.BIG_INT)
        assert data == official_bytes(official_big, value)
        assert big.to_object(data) == value


def test_bool_is_not_an_int(service: SerializationService) -> None:
    assert service.to_data(True) == header(-4) + b"\x01"
    assert service.to_data(False) == header(-4) + b"\x00"
    assert service.to_object(service.to_data(True)) is True
    assert service.to_data([True, 1]) == header(-29) + bytes.fromhex(
        "00000002fffffffc01fffffff900000001"
    )


def test_bytes_and_bytearray(service: SerializationService) -> None:
    expected = header(-12) + b"\x00\x00\x00\x03abc"
    assert service.to_data(b"abc") == expected
    assert service.to_data(bytearray(b"abc")) == expected
    back = service.to_object(expected)
    assert back == b"abc"
    assert type(back) is bytes


def test_strings_are_standard_utf8(service: SerializationService) -> None:
    # Java 5.x writes String.getBytes(UTF_8): a character outside the BMP (a surrogate pair
    # in Java) is one 4-byte sequence, the same as Python's UTF-8
    data = service.to_data("a😀")
    assert data == header(-11) + b"\x00\x00\x00\x05" + b"a\xf0\x9f\x98\x80"
    assert service.to_object(data) == "a😀"


@pytest.mark.parametrize("text", ["\ud800", "a\udfffb", "\ud83d", "ok\ud83d\ude00"])
def test_unpaired_surrogates_raise(service: SerializationService, text: str) -> None:
    # Java would silently write '?'; hztrio refuses rather than change a key
    with pytest.raises(HazelcastSerializationError, match="unpaired surrogate"):
        service.to_data(text)
    with pytest.raises(HazelcastSerializationError, match="unpaired surrogate"):
        service.to_data([text])
    with pytest.raises(HazelcastSerializationError, match="unpaired surrogate"):
        service.to_data(HazelcastJsonValue(json.dumps(text, ensure_ascii=False)))


def test_json_value(service: SerializationService, official: SerializationServiceV1) -> None:
    value = HazelcastJsonValue({"a": 1})
    data = service.to_data(value)
    assert data == header(-130) + b"\x00\x00\x00\x08" + b'{"a": 1}'
    assert data == official.to_data(hazelcast.core.HazelcastJsonValue({"a": 1})).buffer
    back = service.to_object(data)
    assert isinstance(back, HazelcastJsonValue)
    assert back == value
    assert back.loads() == {"a": 1}


# -- decoding of Java types with no Python counterpart ---------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (header(-3) + b"\x80", -128),
        (header(-3) + b"\x7f", 127),
        (header(-6) + b"\x80\x00", -32768),
        (header(-7) + b"\xff\xff\xff\xfe", -2),
        (header(-8) + b"\x80" + bytes(7), -(2**63)),
        (header(-26) + b"\x00\x00\x00\x01\x80", -128),
        (header(-26) + b"\x00\x00\x00\x02\x00\x80", 128),
        (header(-9) + struct.pack(">f", 1.5), 1.5),
        (header(-10) + struct.pack(">d", -2.25), -2.25),
        (header(-5) + b"\x00A", "A"),
        (header(-5) + b"\xff\xfd", "\ufffd"),
        (header(-5) + b"\xd8\x3d", "\ud83d"),
        (header(-13) + b"\x00\x00\x00\x03\x01\x00\x02", BooleanArray([True, False, True])),
        (header(-14) + b"\x00\x00\x00\x02\x00a\x00b", CharArray(["a", "b"])),
        (header(-15) + b"\x00\x00\x00\x02\xff\xff\x00\x01", ShortArray([-1, 1])),
        (header(-16) + b"\x00\x00\x00\x01\x7f\xff\xff\xff", IntArray([2**31 - 1])),
        (header(-17) + b"\x00\x00\x00\x01" + struct.pack(">q", -5), LongArray([-5])),
        (header(-18) + b"\x00\x00\x00\x01" + struct.pack(">f", 0.5), FloatArray([0.5])),
        (header(-19) + b"\x00\x00\x00\x01" + struct.pack(">d", 0.25), DoubleArray([0.25])),
        (
            header(-20) + b"\x00\x00\x00\x02\x00\x00\x00\x01x\xff\xff\xff\xff",
            StringArray(["x", None]),
        ),
        (header(-13) + b"\xff\xff\xff\xff", None),
        (header(-12) + b"\xff\xff\xff\xff", None),
        (header(-11) + b"\xff\xff\xff\xff", None),
        (
            header(-28) + b"\x00\x00\x00\x02\xff\xff\xff\xf9\x00\x00\x00\x01\x00\x00\x00\x00",
            [1, None],
        ),
        (header(-29) + b"\x00\x00\x00\x00", []),
        (header(-30) + b"\x00\x00\x00\x01\xff\xff\xff\xf5\x00\x00\x00\x01z", ["z"]),
        (header(-31) + b"\x00\x00\x00\x01\xff\xff\xff\xfc\x01", [True]),
        (header(0), None),
        (header(0) + b"ignored", None),
        (b"", None),
    ],
)
def test_decode_java_types(service: SerializationService, raw: bytes, expected: Any) -> None:
    result = service.to_object(raw)
    assert result == expected
    assert type(result) is type(expected)
    assert service.to_object(Data(raw)) == expected
    assert service.to_object(bytearray(raw)) == expected
    assert service.to_object(memoryview(raw)) == expected
    # nested in a list, read through ObjectDataInput
    if raw:
        nested = header(-29) + b"\x00\x00\x00\x01" + raw[4:]
        assert service.to_object(nested) == [expected]


def test_decode_little_endian_payloads() -> None:
    service = SerializationService(is_big_endian=False)
    assert service.to_object(header(-7) + struct.pack("<i", -2)) == -2
    assert service.to_object(header(-11) + struct.pack("<i", 2) + b"ab") == "ab"
    assert service.to_object(header(-16) + struct.pack("<ii", 1, 7)) == [7]
    # the header stays big-endian
    assert service.to_data("ab") == header(-11) + struct.pack("<i", 2) + b"ab"


def test_trailing_bytes_are_ignored_as_in_java(service: SerializationService) -> None:
    assert service.to_object(header(-7) + b"\x00\x00\x00\x05junk") == 5
    assert service.to_object(header(-11) + b"\x00\x00\x00\x01xjunk") == "x"


# -- None, Data and plain bytes ---------------------------------------------------------------


def test_none_and_data_pass_through(service: SerializationService) -> None:
    assert service.to_data(None) is None
    assert service.to_object(None) is None
    data = service.to_data("x")
    assert service.to_data(data) is data

    class MyData(Data):
        __slots__ = ()

    mine = MyData(bytes(data or b""))
    assert service.to_data(mine) is mine


def test_to_object_accepts_plain_bytes(service: SerializationService) -> None:
    raw = bytes(service.to_data("plain") or b"")
    assert type(raw) is bytes
    assert service.to_object(raw) == "plain"


def test_to_object_rejects_non_bytes(service: SerializationService) -> None:
    with pytest.raises(TypeError, match="bytes or Data"):
        service.to_object(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bytes or Data"):
        service.to_object("abcdefghijkl")  # type: ignore[arg-type]


def test_data_api(service: SerializationService) -> None:
    data = service.to_data("key1")
    assert isinstance(data, Data)
    assert isinstance(data, bytes)
    assert data == bytes.fromhex("00000000fffffff5000000046b657931")
    assert hash(data) == hash(bytes(data))
    assert data.get_type() == -11
    assert data.total_size() == 16
    assert data.data_size() == 8
    assert not data.has_partition_hash()
    assert data.get_partition_hash() == 1754812034
    assert repr(data) == "Data(b'\\x00\\x00\\x00\\x00\\xff\\xff\\xff\\xf5\\x00\\x00\\x00\\x04key1')"
    assert Data(b"").get_type() == 0
    assert Data(b"").data_size() == 0
    with pytest.raises(HazelcastSerializationError, match="shorter than the 8-byte header"):
        Data(b"\x00\x00\x00").get_type()
    with pytest.raises(AttributeError):
        data.extra = 1  # type: ignore[attr-defined]


# -- unsupported types and ids ----------------------------------------------------------------


class Custom:
    pass


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ({}, "dict"),
        ((1, 2), "tuple"),
        ({1}, "set"),
        (object(), "object"),
        (Custom(), "test_serialization.Custom"),
        (1 + 2j, "complex"),
        (memoryview(b"x"), "memoryview"),
    ],
)
def test_no_serializer_names_the_type(service: SerializationService, value: Any, name: str) -> None:
    with pytest.raises(HazelcastSerializationError, match=f"no serializer for .*{name}"):
        service.to_data(value)
    with pytest.raises(HazelcastSerializationError, match=f"no serializer for .*{name}"):
        service.to_data([1, value])


@pytest.mark.parametrize(
    ("type_id", "name"),
    [
        (99, None),
        (-999, None),
        (12345, None),
        (-36, "TreeMap"),
        (-38, "TreeSet"),
        (-100, "Java Serializable"),
        (-101, "Java Externalizable"),
        (-56, "Compact with schema"),
    ],
)
def test_unknown_type_id_names_the_id(
    service: SerializationService, type_id: int, name: str | None
) -> None:
    with pytest.raises(HazelcastSerializationError, match=f"type id {type_id}") as info:
        service.to_object(header(type_id) + b"\x00\x00\x00\x00")
    if name:
        assert name in str(info.value)
    nested = header(-29) + b"\x00\x00\x00\x01" + struct.pack(">i", type_id)
    with pytest.raises(HazelcastSerializationError, match=f"type id {type_id}"):
        service.to_object(nested)


def test_pickles_are_refused_without_allow_pickle(service: SerializationService) -> None:
    with pytest.raises(HazelcastSerializationError, match="allow_pickle=True"):
        service.to_object(header(-120) + b"\x00\x00\x00\x00")


def test_nested_data_cannot_be_written(service: SerializationService) -> None:
    data = service.to_data("x")
    with pytest.raises(HazelcastSerializationError, match="cannot write a Data"):
        service.to_data([data])


# -- corrupt input ----------------------------------------------------------------------------

CORRUPTIBLE: list[Any] = [
    True,
    5,
    "hello",
    "😀😀",
    1.5,
    b"abc",
    uuid.UUID(int=77),
    [1, "a", [None, 2.5]],
    HazelcastJsonValue('{"k": "v"}'),
    ["x" * 10, [b"yz", True]],
]


@pytest.mark.parametrize("value", CORRUPTIBLE, ids=value_id)
def test_every_truncation_raises(service: SerializationService, value: Any) -> None:
    full = bytes(service.to_data(value) or b"")
    for cut in range(1, len(full)):
        with pytest.raises(HazelcastSerializationError):
            service.to_object(full[:cut])
        with pytest.raises(HazelcastSerializationError):
            service.to_object(Data(full[:cut]))


def test_to_objects_is_to_object_of_each(service: SerializationService) -> None:
    datas: list[Any] = [bytes(service.to_data(v) or b"") for v in CORRUPTIBLE]
    datas += [
        None,
        b"",
        service.to_data("a Data"),  # the Data subclass, not bytes
        bytearray(service.to_data(b"in a bytearray") or b""),
        memoryview(bytes(service.to_data("in a view") or b"")),
        bytes(service.to_data(2.5) or b""),
    ]
    # runs of one type (one decoder lookup), then alternating types
    datas += [bytes(service.to_data(f"k{i}") or b"") for i in range(5)]
    datas += [bytes(service.to_data(v) or b"") for i in range(5) for v in (f"s{i}", b"b", i)]
    assert service.to_objects(datas) == [service.to_object(d) for d in datas]
    assert service.to_objects(iter(datas[:3])) == [service.to_object(d) for d in datas[:3]]
    assert service.to_objects([]) == []
    pairs = [(datas[i], datas[i + 1]) for i in range(0, 8, 2)]
    assert service.to_object_pairs(pairs) == [
        (service.to_object(k), service.to_object(v)) for k, v in pairs
    ]


@pytest.mark.parametrize("value", CORRUPTIBLE, ids=value_id)
def test_to_objects_raises_as_to_object(service: SerializationService, value: Any) -> None:
    good = bytes(service.to_data(value) or b"")
    for cut in range(1, len(good)):
        bad = good[:cut]
        with pytest.raises(HazelcastSerializationError) as single:
            service.to_object(bad)
        with pytest.raises(HazelcastSerializationError) as bulk:
            service.to_objects([good, good, bad, good])  # a cached decoder meets bad data
        assert str(bulk.value) == str(single.value)
        assert type(bulk.value) is type(single.value)


def test_int_types_truncated() -> None:
    for int_type in IntType:
        service = SerializationService(default_int_type=int_type)
        full = bytes(service.to_data(100) or b"")
        for cut in range(1, len(full)):
            with pytest.raises(HazelcastSerializationError):
                service.to_object(full[:cut])


@pytest.mark.parametrize(
    "raw",
    [
        header(-11) + b"\x00\x00\x00\x02\xc3\x28",  # invalid continuation
        header(-11) + b"\x00\x00\x00\x01\xff",
        header(-11) + b"\x00\x00\x00\x01\x80",  # lone continuation byte
        header(-11) + b"\x00\x00\x00\x03\xed\xa0\x80",  # an encoded surrogate (CESU-8)
        header(-11) + b"\x00\x00\x00\x02\xc0\x80",  # Java's modified UTF-8 for NUL
        header(-11) + b"\x00\x00\x00\x04\xf4\x90\x80\x80",  # above U+10FFFF
        header(-11) + b"\x00\x00\x00\x02\xe2\x82",  # cut in the middle of a character
        header(-130) + b"\x00\x00\x00\x01\xfe",
        header(-20) + b"\x00\x00\x00\x01\x00\x00\x00\x01\xff",
        header(-29) + b"\x00\x00\x00\x01\xff\xff\xff\xf5\x00\x00\x00\x01\xff",
    ],
)
def test_bad_utf8_raises(service: SerializationService, raw: bytes) -> None:
    with pytest.raises(HazelcastSerializationError) as info:
        service.to_object(raw)
    assert not isinstance(info.value.__cause__, HazelcastSerializationError)


@pytest.mark.parametrize(
    "raw",
    [
        header(-11) + b"\xff\xff\xff\xfe",  # string length -2
        header(-11) + b"\x80\x00\x00\x00",
        header(-12) + b"\xff\xff\xff\xfb",  # byte[] length -5
        header(-26) + b"\xff\xff\xff\xfe",  # BigInteger length -2
        header(-26) + b"\xff\xff\xff\xff",  # null BigInteger
        header(-26) + b"\x00\x00\x00\x00",  # empty BigInteger (Java refuses it too)
        header(-130) + b"\xff\xff\xff\xff",  # null JSON
        header(-29) + b"\xff\xff\xff\xff",  # list count -1
        header(-29) + b"\xff\xff\xff\xfd",
        header(-30) + b"\x80\x00\x00\x00",
        header(-16) + b"\xff\xff\xff\xfe",  # int[] count -2
        header(-20) + b"\xff\xff\xff\xf0",
        header(-13) + b"\xff\xff\xff\xfe",
        header(-14) + b"\xff\xff\xff\xfe",
    ],
)
def test_negative_lengths_raise(service: SerializationService, raw: bytes) -> None:
    with pytest.raises(HazelcastSerializationError):
        service.to_object(raw)
    if raw[4:8] != header(-26)[4:8] and raw[4:8] != header(-130)[4:8]:
        nested = header(-29) + b"\x00\x00\x00\x01" + raw[4:]
        with pytest.raises(HazelcastSerializationError):
            service.to_object(nested)


@pytest.mark.parametrize(
    "raw",
    [
        header(-29) + b"\x7f\xff\xff\xff",  # 2**31 - 1 list elements in no bytes
        header(-29) + b"\x00\x00\x00\x03" + header(0)[4:] * 2,
        header(-28) + b"\x7f\xff\xff\xff",
        header(-16) + b"\x7f\xff\xff\xff\x00\x00\x00\x01",
        header(-17) + b"\x00\x00\x00\x02" + bytes(15),
        header(-20) + b"\x00\x10\x00\x00",
        header(-12) + b"\x7f\xff\xff\xff",
        header(-11) + b"\x00\x00\x00\x10abc",
        header(-21) + bytes(15),
        header(-10) + bytes(7),
        header(-4),
    ],
)
def test_counts_beyond_the_data_raise(service: SerializationService, raw: bytes) -> None:
    with pytest.raises(HazelcastSerializationError, match=r"truncated|cannot"):
        service.to_object(raw)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 6, 7])
def test_shorter_than_header_raises(service: SerializationService, size: int) -> None:
    with pytest.raises(HazelcastSerializationError, match="8-byte"):
        service.to_object(b"\x00" * size)


def test_deep_nesting_raises_serialization_error(service: SerializationService) -> None:
    depth = 100_000
    raw = header(-29) + b"\x00\x00\x00\x01" + (b"\xff\xff\xff\xe3\x00\x00\x00\x01") * depth
    raw += b"\x00\x00\x00\x00"
    with pytest.raises(HazelcastSerializationError, match="nested too deeply"):
        service.to_object(raw)
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    with pytest.raises(HazelcastSerializationError):
        service.to_data(value)


def test_random_corruption_never_escapes(service: SerializationService) -> None:
    """Mutated Data either decodes or raises HazelcastSerializationError, nothing else."""
    r = random.Random(2024)
    samples = [bytes(service.to_data(v) or b"") for v in CORRUPTIBLE]
    samples += [
        header(t) + r.randbytes(r.randrange(0, 40))
        for t in [*range(-31, 1), -130]
        for _ in range(5)
    ]
    for _ in range(20_000):
        raw = bytearray(r.choice(samples))
        for _ in range(r.randrange(1, 4)):
            if not raw:
                break
            op = r.randrange(3)
            pos = r.randrange(len(raw))
            if op == 0:
                raw[pos] = r.randrange(256)
            elif op == 1:
                del raw[pos:]
            else:
                raw[pos:pos] = r.randbytes(r.randrange(1, 5))
        with contextlib.suppress(HazelcastSerializationError):
            service.to_object(bytes(raw))


def test_errors_keep_the_cause(service: SerializationService) -> None:
    with pytest.raises(HazelcastSerializationError) as info:
        service.to_object(header(-11) + b"\x00\x00\x00\x01\xff")
    assert isinstance(info.value, HazelcastError)
    assert isinstance(info.value.__cause__, UnicodeDecodeError)
    with pytest.raises(HazelcastSerializationError) as info:
        service.to_object(header(-7) + b"\x00")
    assert "type id -7" in str(info.value)


# -- subclasses and custom serializers --------------------------------------------------------


class Color(enum.IntEnum):
    RED = 1
    BLUE = 2**40


class Name(str):
    pass


class Items(list[Any]):
    pass


def test_subclasses_use_the_base_type(service: SerializationService) -> None:
    assert service.to_data(Color.RED) == service.to_data(1)
    assert service.to_object(service.to_data(Color.RED)) == 1
    with pytest.raises(HazelcastSerializationError, match="1099511627776"):
        service.to_data(Color.BLUE)
    var = SerializationService(default_int_type=IntType.VAR)
    assert var.to_data(Color.BLUE) == var.to_data(2**40)
    assert service.to_data(Name("n")) == service.to_data("n")
    assert service.to_data(Items([1, Name("x")])) == service.to_data([1, "x"])
    assert service.to_data([Color.RED]) == service.to_data([1])


class Point:
    def __init__(self, x: int, y: int) -> None:
        self.x = x
        self.y = y

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)


class Point3(Point):
    pass


class PointSerializer(StreamSerializer[Point]):
    def get_type_id(self) -> int:
        return 42

    def write(self, out: ObjectDataOutput, obj: Point) -> None:
        out.write_int(obj.x)
        out.write_int(obj.y)

    def read(self, inp: ObjectDataInput) -> Point:
        return Point(inp.read_int(), inp.read_int())


def test_registered_serializer() -> None:
    service = SerializationService()
    point_type = type(Point(0, 0))
    with pytest.raises(HazelcastSerializationError, match="Point"):
        service.to_data(Point(1, 2))
    serializer = PointSerializer()
    service.register_serializer(serializer, point_type)
    data = service.to_data(Point(1, 2))
    assert data == header(42) + struct.pack(">ii", 1, 2)
    assert service.to_object(data) == Point(1, 2)
    assert service.to_data([Point(3, 4)]) == (header(-29) + struct.pack(">iiii", 1, 42, 3, 4))
    assert service.to_object(service.to_data([Point(3, 4), None])) == [Point(3, 4), None]
    # subclasses use it too, and are read back as the registered class
    assert service.to_data(Point3(5, 6)) == header(42) + struct.pack(">ii", 5, 6)
    assert service.serializer_for(Point3(0, 0)) is serializer
    assert service.serializer_by_type_id(42) is serializer
    service.register_serializer(serializer, point_type)  # the same again is fine
    # a write error in a custom serializer is wrapped
    with pytest.raises(HazelcastSerializationError, match="Java int"):
        service.to_data(Point(2**40, 0))


def test_registration_refuses_conflicts() -> None:
    service = SerializationService()
    with pytest.raises(ValueError, match="built-in type str"):
        service.register_serializer(PointSerializer(), str)
    with pytest.raises(ValueError, match="built-in type int"):
        service.register_serializer(PointSerializer(), int)

    class Other(PointSerializer):
        pass

    service.register_serializer(PointSerializer(), Point)
    with pytest.raises(ValueError, match="type id 42"):
        service.register_serializer(Other(), Custom)

    class StringAgain(PointSerializer):
        def get_type_id(self) -> int:
            return -11

    with pytest.raises(ValueError, match="type id -11"):
        service.register_serializer(StringAgain())


def test_registering_a_base_class_later_updates_subclasses() -> None:
    service = SerializationService()

    class Base:
        pass

    class Derived(Base):
        pass

    with pytest.raises(HazelcastSerializationError):
        service.to_data(Derived())

    class BaseSerializer(StreamSerializer[Base]):
        def get_type_id(self) -> int:
            return 7

        def write(self, out: ObjectDataOutput, obj: Base) -> None:
            out.write_string(type(obj).__name__)

        def read(self, inp: ObjectDataInput) -> Base:
            inp.read_string()
            return Base()

    service.register_serializer(BaseSerializer(), Base)
    assert service.to_data(Derived()) == header(7) + b"\x00\x00\x00\x07Derived"


def test_custom_read_errors_are_wrapped() -> None:
    class Broken(StreamSerializer[Any]):
        def get_type_id(self) -> int:
            return 1000

        def write(self, out: ObjectDataOutput, obj: Any) -> None:
            raise KeyError("nope")

        def read(self, inp: ObjectDataInput) -> Any:
            raise ZeroDivisionError("bad")

    service = SerializationService()
    service.register_serializer(Broken(), Custom)
    with pytest.raises(HazelcastSerializationError, match="KeyError") as info:
        service.to_data(Custom())
    assert isinstance(info.value.__cause__, KeyError)
    with pytest.raises(HazelcastSerializationError, match="ZeroDivisionError"):
        service.to_object(header(1000))


# -- ObjectDataOutput / ObjectDataInput -------------------------------------------------------

Call = tuple[str, tuple[Any, ...]]

WRITES: list[Call] = [
    ("write_boolean", (True,)),
    ("write_boolean", (False,)),
    ("write_byte", (0,)),
    ("write_byte", (255,)),
    ("write_byte", (127,)),
    ("write_char", ("A",)),
    ("write_char", ("\uffff",)),
    ("write_short", (-(2**15),)),
    ("write_short", (2**15 - 1,)),
    ("write_int", (-(2**31),)),
    ("write_int", (2**31 - 1,)),
    ("write_long", (-(2**63),)),
    ("write_long", (2**63 - 1,)),
    ("write_float", (1.5,)),
    ("write_float", (-math.inf,)),
    ("write_double", (2.5e300,)),
    ("write_string", ("héllo😀",)),
    ("write_string", ("",)),
    ("write_string", (None,)),
    ("write_utf", ("utf",)),
    ("write_byte_array", (b"\x00\x01\xff",)),
    ("write_byte_array", (b"",)),
    ("write_byte_array", (None,)),
    ("write_boolean_array", ([True, False, True],)),
    ("write_boolean_array", ([],)),
    ("write_boolean_array", (None,)),
    ("write_char_array", (["a", "\u20ac"],)),
    ("write_char_array", (None,)),
    ("write_short_array", ([1, -1, 2**15 - 1],)),
    ("write_short_array", (None,)),
    ("write_int_array", ([1, -(2**31)],)),
    ("write_int_array", ([],)),
    ("write_int_array", (None,)),
    ("write_long_array", ([2**63 - 1, -5],)),
    ("write_long_array", (None,)),
    ("write_float_array", ([0.5, -0.25],)),
    ("write_float_array", (None,)),
    ("write_double_array", ([1e300, -0.0],)),
    ("write_double_array", (None,)),
    ("write_string_array", (["a", None, "😀"],)),
    ("write_string_array", (None,)),
    ("write_utf_array", (["b"],)),
    ("write_object", ("obj",)),
    ("write_object", ([1, None, "x"],)),
    ("write_object", (None,)),
    ("write_bytes", ("AB\xe9",)),
    ("write_chars", ("hi",)),
    ("write_zero_bytes", (3,)),
]


@pytest.mark.parametrize("big_endian", [True, False], ids=["BE", "LE"])
def test_output_matches_official_stream(big_endian: bool) -> None:
    ours_service = SerializationService(is_big_endian=big_endian)
    theirs_service = official_service(big_endian=big_endian)
    for name, args in WRITES:
        ours = ObjectDataOutput(ours_service, big_endian)
        theirs = OfficialOutput(16, theirs_service, big_endian)
        getattr(ours, name)(*args)
        getattr(theirs, name)(*(list(a) if isinstance(a, list) else a for a in args))
        assert ours.to_byte_array() == bytes(theirs.to_byte_array()), name
        assert ours.position() == theirs.position()


READS: dict[str, str] = {
    "write_boolean": "read_boolean",
    "write_byte": "read_unsigned_byte",
    "write_char": "read_char",
    "write_short": "read_short",
    "write_int": "read_int",
    "write_long": "read_long",
    "write_float": "read_float",
    "write_double": "read_double",
    "write_string": "read_string",
    "write_utf": "read_utf",
    "write_byte_array": "read_byte_array",
    "write_boolean_array": "read_boolean_array",
    "write_char_array": "read_char_array",
    "write_short_array": "read_short_array",
    "write_int_array": "read_int_array",
    "write_long_array": "read_long_array",
    "write_float_array": "read_float_array",
    "write_double_array": "read_double_array",
    "write_string_array": "read_string_array",
    "write_utf_array": "read_utf_array",
    "write_object": "read_object",
}


@pytest.mark.parametrize("big_endian", [True, False], ids=["BE", "LE"])
def test_stream_round_trip(big_endian: bool) -> None:
    service = SerializationService(is_big_endian=big_endian)
    out = ObjectDataOutput(service, big_endian)
    calls = [(n, a) for n, a in WRITES if n in READS]
    for name, args in calls:
        getattr(out, name)(*args)
    inp = ObjectDataInput(out.to_byte_array(), 0, service, big_endian)
    for name, args in calls:
        value = getattr(inp, READS[name])()
        assert same(value, args[0]), name
    assert inp.available() == 0
    with pytest.raises(HazelcastSerializationError, match="truncated"):
        inp.read_int()


def test_stream_details() -> None:
    out = ObjectDataOutput()
    assert out.is_big_endian()
    out.write_int(0)
    out.write_byte(-1)
    out.write_byte(0x80)
    out.write_from(b"abcdef", 1, 3)
    out.write_bytes(b"\x01\x02")
    out.write_data(Data(header(-7) + b"\x00\x00\x00\x01"))
    out.write_data(None)
    out.write_byte_array([1, -1, 255])
    out.write_char(0x41)
    out.write_int_positional(7, 0)
    out.write_short_positional(-2, 5)
    out.write_boolean_positional(True, 7)
    raw = out.to_byte_array()
    inp = ObjectDataInput(raw)
    assert inp.size() == len(raw)
    assert inp.read_int() == 7
    assert inp.read_byte() == -1
    assert inp.read_short() == -2
    assert inp.read_boolean() is True
    assert inp.read_raw(1) == b"d"
    assert inp.read_raw(2) == b"\x01\x02"
    data = inp.read_data()
    assert isinstance(data, Data)
    assert data.get_type() == -7
    assert inp.read_data() is None
    assert inp.read_byte_array() == b"\x01\xff\xff"
    assert inp.read_char() == "A"
    assert inp.available() == 0
    assert inp.read_int_positional(0) == 7
    assert inp.read_byte_positional(4) == -1
    assert inp.read_unsigned_byte_positional(4) == 255
    assert inp.read_boolean_positional(7) is True
    assert inp.read_short_positional(5) == -2
    inp.set_position(4)
    assert inp.position() == 4
    assert inp.skip_bytes(3) == 3
    assert inp.skip_bytes(-1) == 0
    assert inp.skip_bytes(10**6) == len(raw) - 7
    assert inp.skip_bytes(1) == 0
    buff = bytearray(4)
    inp.set_position(0)
    inp.read_into(buff, 1, 2)
    assert buff == b"\x00" + raw[:2] + b"\x00"
    assert "ObjectDataInput" in repr(inp)
    assert "ObjectDataOutput" in repr(out)


def test_positional_writes_and_reads_of_every_size() -> None:
    for big_endian in (True, False):
        out = ObjectDataOutput(is_big_endian=big_endian)
        out.write_zero_bytes(40)
        out.write_byte_positional(-3, 0)
        out.write_char_positional("z", 1)
        out.write_int_positional(-9, 3)
        out.write_long_positional(2**62, 7)
        out.write_float_positional(0.5, 15)
        out.write_double_positional(-8.5, 19)
        inp = ObjectDataInput(out.to_byte_array(), is_big_endian=big_endian)
        assert inp.read_byte_positional(0) == -3
        assert inp.read_char_positional(1) == "z"
        assert inp.read_int_positional(3) == -9
        assert inp.read_long_positional(7) == 2**62
        assert inp.read_float_positional(15) == 0.5
        assert inp.read_double_positional(19) == -8.5
        assert inp.position() == 0


OUTPUT_ERRORS: list[tuple[str, tuple[Any, ...]]] = [
    ("write_byte", (256,)),
    ("write_byte", (-129,)),
    ("write_byte", ("a",)),
    ("write_short", (2**15,)),
    ("write_int", (2**31,)),
    ("write_int", ("1",)),
    ("write_long", (2**63,)),
    ("write_float", (1e40,)),
    ("write_float", ("x",)),
    ("write_double", ("x",)),
    ("write_char", ("ab",)),
    ("write_char", ("😀",)),
    ("write_char", (-1,)),
    ("write_string", ("\ud800",)),
    ("write_string", (5,)),
    ("write_int_array", ([2**31],)),
    ("write_short_array", ([1, "x"],)),
    ("write_byte_array", ([256],)),
    ("write_char_array", (["ab"],)),
    ("write_zero_bytes", (-1,)),
    ("write_from", (b"abc", 2, 2)),
    ("write_int_positional", (1, 0)),
    ("write_byte_positional", (1, -1)),
    ("write_object", (object(),)),
]


@pytest.mark.parametrize(("name", "args"), OUTPUT_ERRORS, ids=lambda x: str(x))
def test_output_errors(name: str, args: tuple[Any, ...]) -> None:
    out = ObjectDataOutput(SerializationService())
    with pytest.raises(HazelcastSerializationError):
        getattr(out, name)(*args)


def test_stream_objects_need_a_service() -> None:
    with pytest.raises(HazelcastSerializationError, match="no serialization service"):
        ObjectDataOutput().write_object(1)
    with pytest.raises(HazelcastSerializationError, match="no serialization service"):
        ObjectDataInput(b"\x00\x00\x00\x00").read_object()


READERS: list[str] = [
    "read_boolean",
    "read_byte",
    "read_unsigned_byte",
    "read_char",
    "read_short",
    "read_unsigned_short",
    "read_int",
    "read_long",
    "read_float",
    "read_double",
    "read_string",
    "read_utf",
    "read_byte_array",
    "read_boolean_array",
    "read_char_array",
    "read_short_array",
    "read_int_array",
    "read_long_array",
    "read_float_array",
    "read_double_array",
    "read_string_array",
    "read_object",
    "read_data",
]


@pytest.mark.parametrize("reader", READERS)
def test_input_errors_are_serialization_errors(reader: str) -> None:
    service = SerializationService()
    payloads = [b"", b"\x00", b"\x00\x00\x00", b"\x00\x00\x00\x05ab", b"\xff\xff\xff\xfe"]
    for raw in payloads:
        inp = ObjectDataInput(raw, 0, service)
        with contextlib.suppress(HazelcastSerializationError):
            getattr(inp, reader)()


def test_input_position_errors() -> None:
    inp = ObjectDataInput(b"abcd")
    for bad in (-1, 5):
        with pytest.raises(HazelcastSerializationError, match="outside"):
            inp.set_position(bad)
    with pytest.raises(HazelcastSerializationError, match="outside"):
        ObjectDataInput(b"abc", 4)
    for name in (
        "read_int_positional",
        "read_long_positional",
        "read_byte_positional",
        "read_short_positional",
        "read_double_positional",
    ):
        with pytest.raises(HazelcastSerializationError, match="truncated"):
            getattr(inp, name)(3 if name != "read_byte_positional" else 4)
        with pytest.raises(HazelcastSerializationError):
            getattr(inp, name)(-1)
    with pytest.raises(HazelcastSerializationError):
        inp.read_raw(-1)
    with pytest.raises(HazelcastSerializationError):
        inp.read_raw(5)
    with pytest.raises(HazelcastSerializationError):
        inp.read_into(bytearray(2), 1, 2)


def test_input_from_memoryview_and_bytearray() -> None:
    raw = struct.pack(">ii", 3, 4) + b"\x00\x00\x00\x02hi.."
    for buffer in (bytearray(raw), memoryview(raw), memoryview(raw).cast("I")):
        inp = ObjectDataInput(buffer)
        assert inp.read_int() == 3
        assert inp.read_int() == 4
        assert inp.read_string() == "hi"


# -- HazelcastJsonValue -----------------------------------------------------------------------


def test_hazelcast_json_value() -> None:
    text = '{"b": 2,   "a": 1}'
    value = HazelcastJsonValue(text)
    assert value.to_string() == text  # kept exactly as given
    assert value.loads() == {"a": 1, "b": 2}
    assert str(value) == text
    assert repr(value) == 'HazelcastJsonValue(\'{"b": 2,   "a": 1}\')'
    dumped = HazelcastJsonValue({"x": [1, None, True]})
    assert dumped.to_string() == json.dumps({"x": [1, None, True]})
    assert HazelcastJsonValue(5).to_string() == "5"
    assert HazelcastJsonValue("5") == HazelcastJsonValue(5)
    assert HazelcastJsonValue("[]") != HazelcastJsonValue("[ ]")
    assert HazelcastJsonValue("a") != "a"
    assert len({HazelcastJsonValue("1"), HazelcastJsonValue(1), HazelcastJsonValue("2")}) == 2
    with pytest.raises(ValueError, match="None"):
        HazelcastJsonValue(None)
    with pytest.raises(TypeError):
        HazelcastJsonValue(object())


# -- structure --------------------------------------------------------------------------------


def test_serialization_imports_neither_trio_nor_anyio() -> None:
    code = (
        "import importlib.util, sys, types\n"
        "spec = importlib.util.find_spec('hztrio')\n"
        "pkg = types.ModuleType('hztrio')\n"
        "pkg.__path__ = list(spec.submodule_search_locations)\n"
        "sys.modules['hztrio'] = pkg\n"
        "import hztrio.serialization, hztrio.core\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('trio', 'anyio'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_booleans_are_shared_constants(service: SerializationService) -> None:
    assert service.to_data(True) is service.to_data(True)
    assert service.to_data("a") is not service.to_data("a")
