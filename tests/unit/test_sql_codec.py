"""The SQL protocol types (SqlPage, SqlQueryId, SqlError, SqlColumnMetadata) byte for byte,
and the pure parts of ``hztrio.sql`` (statements, rows, the choice of member)."""

from __future__ import annotations

import datetime
import struct
import uuid
from decimal import Decimal
from typing import Any

import pytest

from hztrio.core import HazelcastJsonValue
from hztrio.errors import HazelcastSqlError
from hztrio.protocol.codecs import sql as codecs
from hztrio.protocol.frame import (
    BEGIN_DATA_STRUCTURE,
    END_DATA_STRUCTURE,
    IS_FINAL,
    IS_NULL,
    ProtocolViolation,
    iter_frames,
    parse_message,
)
from hztrio.protocol.sql_types import (
    ROW_VALUE,
    SqlColumnMetadata,
    SqlColumnType,
    SqlErrorHolder,
    SqlPage,
    SqlQueryId,
    decode_sql_page,
    encode_sql_page,
)
from hztrio.protocol.types import Address, MemberInfo, MemberVersion
from hztrio.sql import (
    SqlExpectedResultType,
    SqlRow,
    SqlRowMetadata,
    SqlStatement,
    _Unreadable,
    member_of_larger_same_version_group,
)

T = SqlColumnType


def frame(content: bytes, flags: int = 0) -> bytes:
    return struct.pack("<iH", 6 + len(content), flags) + content


BEGIN = frame(b"", BEGIN_DATA_STRUCTURE)
END = frame(b"", END_DATA_STRUCTURE)
NULL = frame(b"", IS_NULL)


def decode(encoded: bytes) -> SqlPage:
    frames = list(iter_frames(encoded))
    contents = [content for _, content in frames]
    flags = [f for f, _ in frames]
    page, end = decode_sql_page(contents, flags, 0)
    assert end == len(frames)
    return page


def encode(page: SqlPage) -> bytes:
    buf = bytearray()
    encode_sql_page(buf, page, False)
    return bytes(buf)


def test_page_vector_varchar_and_integer() -> None:
    # BEGIN, last=1, types [VARCHAR, INTEGER], VARCHAR column ["a", None, "é"], INTEGER
    # column [1, None, 3] (mixed: bitmask 0b101 then the two values), END
    vector = (
        BEGIN
        + frame(b"\x01")
        + frame(struct.pack("<2i", 0, 4))
        + BEGIN
        + frame(b"a")
        + NULL
        + frame("é".encode())
        + END
        + frame(b"\x03" + struct.pack("<i", 3) + b"\x05" + struct.pack("<2i", 1, 3))
        + END
    )
    page = SqlPage([T.VARCHAR, T.INTEGER], [["a", None, "é"], [1, None, 3]], True)
    assert decode(vector) == page
    assert encode(page) == vector
    assert page.row_count == 3 and page.column_count == 2


def test_fixed_size_column_kinds() -> None:
    # not null only: kind 2, count, values back to back
    vector = (
        BEGIN
        + frame(b"\x00")
        + frame(struct.pack("<3i", 5, 1, 14))
        + frame(b"\x02" + struct.pack("<i", 2) + struct.pack("<2q", 2**40, -1))
        + frame(b"\x02" + struct.pack("<i", 2) + b"\x01\x00")
        + frame(struct.pack("<i", 2))  # a NULL-typed column: the row count
        + END
    )
    page = decode(vector)
    assert page == SqlPage(
        [T.BIGINT, T.BOOLEAN, T.NULL], [[2**40, -1], [True, False], [None, None]], False
    )
    # all null: kind 1 and the count only
    nulls = SqlPage([T.DOUBLE, T.NULL], [[None, None], [None, None]], True)
    encoded = encode(nulls)
    assert frame(b"\x01" + struct.pack("<i", 2)) in encoded
    assert decode(encoded) == nulls


def test_mixed_nulls_across_several_bitmask_bytes() -> None:
    values: list[Any] = [None if n % 3 == 0 else n for n in range(20)]
    page = SqlPage([T.SMALLINT], [values], True)
    encoded = encode(page)
    column = list(iter_frames(encoded))[3][1]
    assert column[0] == 3 and struct.unpack_from("<i", column, 1)[0] == 20
    # 20 values: three bitmask bytes, the first covers values 0..7
    assert column[5] == 0b10110110
    assert decode(encoded) == page


def test_temporal_vectors() -> None:
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    date = struct.pack("<ibb", 2024, 2, 29)
    time = struct.pack("<bbbi", 23, 59, 58, 123_456_789)
    vector = (
        BEGIN
        + frame(b"\x01")
        + frame(struct.pack("<4i", 9, 10, 11, 12))
        + frame(b"\x02" + struct.pack("<i", 1) + date)
        + frame(b"\x02" + struct.pack("<i", 1) + time)
        + frame(b"\x02" + struct.pack("<i", 1) + date + time)
        + frame(b"\x02" + struct.pack("<i", 1) + date + time + struct.pack("<i", 7200))
        + END
    )
    page = decode(vector)
    # nanoseconds are truncated to microseconds
    assert page.columns == [
        [datetime.date(2024, 2, 29)],
        [datetime.time(23, 59, 58, 123456)],
        [datetime.datetime(2024, 2, 29, 23, 59, 58, 123456)],
        [datetime.datetime(2024, 2, 29, 23, 59, 58, 123456, tzinfo=plus_two)],
    ]
    again = decode(encode(page))
    assert again == page


def test_decimal_vectors() -> None:
    # DECIMAL: size, the unscaled value big-endian two's complement (Java's
    # BigInteger.toByteArray), the scale
    minus_one_and_a_half = struct.pack("<i", 1) + b"\xf1" + struct.pack("<i", 1)
    big = Decimal("123456789012345678901234567890.125")
    unscaled = 123456789012345678901234567890125
    body = unscaled.to_bytes(14, "big", signed=True)
    vector = (
        BEGIN
        + frame(b"\x01")
        + frame(struct.pack("<i", 6))
        + BEGIN
        + frame(minus_one_and_a_half)
        + NULL
        + frame(struct.pack("<i", 14) + body + struct.pack("<i", 3))
        + END
        + END
    )
    page = decode(vector)
    assert page.columns == [[Decimal("-1.5"), None, big]]
    assert str(page.columns[0][2]) == "123456789012345678901234567890.125"  # exact
    assert encode(page) == vector
    for text in ["0", "-128", "127", "128", "1E+3", "0.001", "-99999999999999999999.5"]:
        one = SqlPage([T.DECIMAL], [[Decimal(text)]], True)
        assert decode(encode(one)) == one, text


def test_object_json_and_row_vectors() -> None:
    data = b"\x00\x00\x00\x00\xff\xff\xff\xf5\x00\x00\x00\x07"
    row_structure = BEGIN + frame(b"xyz") + BEGIN + frame(b"") + END + END
    vector = (
        BEGIN
        + frame(b"\x01")
        + frame(struct.pack("<3i", 13, 15, 16))
        + BEGIN
        + frame(data)
        + NULL
        + END
        + BEGIN
        + BEGIN
        + frame(b'{"a":1}')
        + END
        + NULL
        + END
        + BEGIN
        + NULL
        + row_structure
        + END
        + END
    )
    page = decode(vector)
    assert page.columns[0] == [data, None]  # OBJECT values stay serialized
    json_value = page.columns[1][0]
    assert isinstance(json_value, HazelcastJsonValue)
    assert json_value.to_string() == '{"a":1}'
    assert page.columns[1][1] is None
    assert page.columns[2] == [None, ROW_VALUE]


def test_unknown_column_type_and_truncated_column() -> None:
    with pytest.raises(ProtocolViolation):
        decode(BEGIN + frame(b"\x01") + frame(struct.pack("<i", 99)) + frame(b"") + END)
    short = frame(b"\x02" + struct.pack("<i", 3) + struct.pack("<i", 1))
    with pytest.raises(ProtocolViolation):
        decode(BEGIN + frame(b"\x01") + frame(struct.pack("<i", 4)) + short + END)


def test_official_client_decodes_our_pages() -> None:
    builtin = pytest.importorskip("hazelcast.protocol.builtin")
    from hazelcast.protocol.client_message import Frame, InboundMessage

    plus_one = datetime.timezone(datetime.timedelta(hours=1))
    columns: list[tuple[int, list[Any]]] = [
        (T.VARCHAR, ["x", None, "y"]),
        (T.BOOLEAN, [True, None, False]),
        (T.TINYINT, [1, 2, 3]),
        (T.SMALLINT, [None, None, None]),
        (T.INTEGER, [-1, None, 2**31 - 1]),
        (T.BIGINT, [2**62, None, None]),
        (T.DECIMAL, [Decimal("1.25"), None, Decimal("-3")]),
        (T.REAL, [0.5, None, 1.5]),
        (T.DOUBLE, [None, 2.25, None]),
        (T.DATE, [datetime.date(1999, 12, 31), None, None]),
        (T.TIME, [datetime.time(12, 0, 1, 5), None, None]),
        (T.TIMESTAMP, [datetime.datetime(2000, 1, 1, 0, 0), None, None]),
        (T.TIMESTAMP_WITH_TIME_ZONE, [datetime.datetime(2000, 1, 1, tzinfo=plus_one), None, None]),
        (T.OBJECT, [b"\x00" * 8, None, None]),
        (T.NULL, [None, None, None]),
        (T.JSON, [HazelcastJsonValue("[1]"), None, None]),
    ]
    page = SqlPage([t for t, _ in columns], [v for _, v in columns], True)
    head: Any = None
    tail: Any = None
    for flags, content in iter_frames(frame(b"\x00" * 16) + encode(page)):
        f = Frame(bytearray(content), flags)
        if head is None:
            head = tail = f
        else:
            tail.next = f
            tail = f
    message = InboundMessage(head)
    message.next_frame()  # the initial frame
    official = builtin.SqlPageCodec.decode(message, lambda data: bytes(data.buffer))
    assert official.is_last
    for n, (column_type, values) in enumerate(columns):
        got = [official.get_value(n, row) for row in range(3)]
        if column_type == T.JSON:
            got = [None if v is None else v.to_string() for v in got]
            values = [None if v is None else v.to_string() for v in values]
        assert got == values, T(column_type).name


def test_execute_response_and_request_round_trip() -> None:
    member = uuid.uuid4()
    metadata = [SqlColumnMetadata("__key", T.INTEGER, False), SqlColumnMetadata("v", 99, True)]
    page = SqlPage([T.INTEGER, T.VARCHAR], [[1, 2], ["a", "b"]], False)
    error = SqlErrorHolder(1008, "bad", member, "CREATE MAPPING x", None)
    message = parse_message(codecs.SQL_EXECUTE.encode_response(metadata, page, -1, error, True, 0))
    response = codecs.SQL_EXECUTE.decode_response(message)
    assert response.row_metadata == metadata
    assert response.row_metadata[1].type == 99  # a type this client does not know
    assert response.row_page == page
    assert response.update_count == -1
    assert response.error.code == 1008 and response.error.originating_member_id == member
    assert response.error.suggestion == "CREATE MAPPING x"
    assert response.is_infinite_rows is True and response.partition_argument_index == 0
    # an update count: no metadata, no page, no error
    message = parse_message(codecs.SQL_EXECUTE.encode_response(None, None, 5, None, False, -1))
    response = codecs.SQL_EXECUTE.decode_response(message)
    assert (response.row_metadata, response.row_page, response.update_count) == (None, None, 5)
    assert response.error is None


def test_query_id_on_the_wire() -> None:
    member = uuid.UUID("01234567-89ab-cdef-0123-456789abcdef")
    local = uuid.UUID("ffffffff-ffff-ffff-0000-000000000001")
    query_id = SqlQueryId.from_uuid(member, local)
    assert query_id.member_id_high == 0x0123456789ABCDEF
    assert query_id.member_id_low == 0x0123456789ABCDEF
    assert query_id.local_id_high == -1
    assert query_id.local_id_low == 1
    request = codecs.SQL_CLOSE.encode_request(query_id)
    frames = list(iter_frames(request))
    # the initial frame, then the query id: BEGIN, its four longs, END (the final frame)
    assert frames[1] == (BEGIN_DATA_STRUCTURE, b"")
    assert frames[2] == (0, struct.pack("<4q", *query_id._key()))
    assert frames[3] == (END_DATA_STRUCTURE | IS_FINAL, b"")
    assert codecs.SQL_CLOSE.decode_request(parse_message(request)) == query_id
    assert SqlQueryId.from_uuid(member) != SqlQueryId.from_uuid(member)  # random local part


def member(version: tuple[int, int, int], lite: bool = False) -> MemberInfo:
    return MemberInfo(Address("127.0.0.1", 5701), uuid.uuid4(), {}, lite, MemberVersion(*version))


def test_member_of_larger_same_version_group() -> None:
    assert member_of_larger_same_version_group([]) is None
    assert member_of_larger_same_version_group([member((5, 5, 0), lite=True)]) is None
    old = [member((5, 4, 0)), member((5, 4, 1))]
    new = [member((5, 5, 0))]
    for _ in range(20):
        assert member_of_larger_same_version_group(old + new) in old
    tie = [member((5, 4, 0)), member((5, 5, 0))]
    for _ in range(20):
        assert member_of_larger_same_version_group(tie) is tie[1]  # the newer one
    with pytest.raises(ValueError):
        member_of_larger_same_version_group(
            [member((5, 3, 0)), member((5, 4, 0)), member((5, 5, 0))]
        )


def test_statement_validation() -> None:
    statement = SqlStatement("SELECT ?", 1, timeout=2.5, expected_result_type="rows")
    assert statement.parameters == [1]
    assert statement.expected_result_type is SqlExpectedResultType.ROWS
    assert statement._timeout_millis() == 2500
    copy = statement.copy()
    copy.add_parameter(2)
    assert statement.parameters == [1] and copy.parameters == [1, 2]
    copy.clear_parameters()
    assert copy.parameters == []
    assert SqlStatement("x")._timeout_millis() == -1
    assert SqlStatement("x", expected_result_type=2).expected_result_type == 2
    for bad, error in [
        ({"sql": 3}, TypeError),
        ({"sql": " "}, ValueError),
        ({"sql": "x", "timeout": -0.5}, ValueError),
        ({"sql": "x", "timeout": "1"}, TypeError),
        ({"sql": "x", "timeout": True}, TypeError),
        ({"sql": "x", "cursor_buffer_size": 0}, ValueError),
        ({"sql": "x", "cursor_buffer_size": 2**31}, ValueError),
        ({"sql": "x", "cursor_buffer_size": True}, TypeError),
        ({"sql": "x", "expected_result_type": 3}, TypeError),
        ({"sql": "x", "expected_result_type": "rowz"}, TypeError),
        ({"sql": "x", "schema": 1}, TypeError),
    ]:
        with pytest.raises(error):
            SqlStatement(**bad)


def test_row_access() -> None:
    metadata = SqlRowMetadata(
        [
            SqlColumnMetadata("a", T.INTEGER, False),
            SqlColumnMetadata("b", T.OBJECT, True),
            SqlColumnMetadata("c", T.ROW, True),
        ]
    )
    broken = HazelcastSqlError(None, -1, "cannot read")
    row = SqlRow(metadata, [1, _Unreadable(broken), ROW_VALUE])
    assert row["a"] == row[0] == row.get_object("a") == row.get_object_with_index(0) == 1
    assert len(row) == 3
    with pytest.raises(HazelcastSqlError) as info:
        row["b"]
    assert info.value is broken
    with pytest.raises(HazelcastSqlError):
        row.get_object_with_index(2)
    with pytest.raises(ValueError):
        row.get_object("z")
    with pytest.raises(IndexError):
        row[3]
    with pytest.raises(TypeError):
        row.get_object_with_index("a")  # type: ignore[arg-type]
    assert "a=1" in repr(row) and "<unreadable>" in repr(row)
    assert metadata.find_column("c") == 2
    assert metadata.get_column(1).type is T.OBJECT
    assert repr(metadata.get_column(0)) == "a INTEGER NOT NULL"
