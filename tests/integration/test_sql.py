"""Hazelcast SQL (``client.sql``) against a real 5.x member: queries over a mapped IMap, every
column type, parameters, paging, closing (early, on cancellation), DML, and the member's
errors."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import anyio
import pytest

from hztrio import HazelcastClient, HazelcastJsonValue
from hztrio.errors import HazelcastSqlError
from hztrio.protocol.codecs import sql as codecs
from hztrio.protocol.frame import parse_message
from hztrio.protocol.sql_types import SqlQueryId
from hztrio.serialization.api import CompactReader, CompactSerializer, CompactWriter
from hztrio.sql import (
    SqlColumnType,
    SqlErrorCode,
    SqlExpectedResultType,
    SqlResult,
    SqlRow,
    SqlStatement,
)
from hztrio.testing import Cluster
from tests.conftest import client_options, wait_until

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]


def sql_name(prefix: str = "m") -> str:
    """A unique name that SQL accepts unquoted."""
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


async def varchar_map(client: HazelcastClient, entries: dict[int, str]) -> str:
    name = sql_name()
    m = await client.get_map(name)
    if entries:
        await m.put_all(entries)
    await client.sql.execute(
        f"CREATE MAPPING {name} TYPE IMap OPTIONS ('keyFormat'='int', 'valueFormat'='varchar')"
    )
    return name


async def rows_of(result: SqlResult) -> list[SqlRow]:
    async with result:
        return [row async for row in result]


async def query_is_released(result: SqlResult, client: HazelcastClient) -> bool:
    """Ask the member for the next page of *result*'s query with a raw Sql.fetch: a member
    that released the query answers with an error."""
    assert result._query_id is not None and result._connection is not None
    message = await client._invocations.invoke(
        codecs.SQL_FETCH.encode_request(result._query_id, 10), connection=result._connection
    )
    return codecs.SQL_FETCH.decode_response(message).error is not None


async def test_select_over_a_mapped_map(client: HazelcastClient) -> None:
    name = await varchar_map(client, {i: f"v{i}" for i in range(10)})
    result = await client.sql.execute(
        f"SELECT __key, this FROM {name} WHERE __key >= ? ORDER BY __key", 7
    )
    assert result.is_row_set()
    assert result.update_count() == -1
    metadata = result.get_row_metadata()
    assert [c.name for c in metadata.columns] == ["__key", "this"]
    assert [c.type for c in metadata.columns] == [SqlColumnType.INTEGER, SqlColumnType.VARCHAR]
    assert metadata.column_count == 2
    assert metadata.find_column("this") == 1
    assert metadata.find_column("nope") == metadata.COLUMN_NOT_FOUND
    rows = await rows_of(result)
    assert [(r["__key"], r.get_object("this")) for r in rows] == [(7, "v7"), (8, "v8"), (9, "v9")]
    row = rows[0]
    assert row[0] == 7 and row.get_object_with_index(1) == "v7" and len(row) == 2
    assert row.metadata == metadata
    with pytest.raises(ValueError):
        row.get_object("nope")
    with pytest.raises(IndexError):
        row.get_object_with_index(2)
    with pytest.raises(TypeError):
        row.get_object(1)  # type: ignore[arg-type]


async def test_every_column_type(client: HazelcastClient) -> None:
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    columns: list[tuple[str, SqlColumnType, Any]] = [
        ("CAST('héllo' AS VARCHAR)", SqlColumnType.VARCHAR, "héllo"),
        ("TRUE", SqlColumnType.BOOLEAN, True),
        ("CAST(-7 AS TINYINT)", SqlColumnType.TINYINT, -7),
        ("CAST(-300 AS SMALLINT)", SqlColumnType.SMALLINT, -300),
        ("CAST(2147483647 AS INTEGER)", SqlColumnType.INTEGER, 2**31 - 1),
        ("CAST(-9223372036854775808 AS BIGINT)", SqlColumnType.BIGINT, -(2**63)),
        (
            "CAST(123456789012345678901234567890.125 AS DECIMAL)",
            SqlColumnType.DECIMAL,
            Decimal("123456789012345678901234567890.125"),
        ),
        ("CAST(-0.5 AS DECIMAL)", SqlColumnType.DECIMAL, Decimal("-0.5")),
        ("CAST(1.5 AS REAL)", SqlColumnType.REAL, 1.5),
        ("CAST(-2.25 AS DOUBLE)", SqlColumnType.DOUBLE, -2.25),
        ("CAST('2024-02-29' AS DATE)", SqlColumnType.DATE, datetime.date(2024, 2, 29)),
        # the member drops a TIME literal's fraction of a second (a parameter keeps it)
        ("CAST('23:59:58' AS TIME)", SqlColumnType.TIME, datetime.time(23, 59, 58)),
        (
            "CAST('2020-01-02T03:04:05.5' AS TIMESTAMP)",
            SqlColumnType.TIMESTAMP,
            datetime.datetime(2020, 1, 2, 3, 4, 5, 500000),
        ),
        (
            "CAST('2020-01-02T03:04:05.5+02:00' AS TIMESTAMP WITH TIME ZONE)",
            SqlColumnType.TIMESTAMP_WITH_TIME_ZONE,
            datetime.datetime(2020, 1, 2, 3, 4, 5, 500000, tzinfo=plus_two),
        ),
        ("NULL", SqlColumnType.NULL, None),
        ("CAST('{\"a\": [1, 2]}' AS JSON)", SqlColumnType.JSON, HazelcastJsonValue('{"a":[1,2]}')),
    ]
    select = ", ".join(f"{expr} AS c{n}" for n, (expr, _, _) in enumerate(columns))
    rows = await rows_of(await client.sql.execute(f"SELECT {select}"))
    assert len(rows) == 1
    row = rows[0]
    types = [c.type for c in row.metadata.columns]
    assert types == [t for _, t, _ in columns]
    for n, (expr, _, expected) in enumerate(columns):
        value = row[n]
        if isinstance(expected, HazelcastJsonValue):
            assert isinstance(value, HazelcastJsonValue)
            assert value.loads() == expected.loads(), expr
        else:
            assert value == expected, expr
            assert type(value) is type(expected), expr
    assert row["c7"].as_tuple() == Decimal("-0.5").as_tuple()


async def test_fixed_size_columns_with_and_without_nulls(client: HazelcastClient) -> None:
    # a column of one page mixes values and nulls (the member's bitmask encoding), is all
    # nulls, or has none
    cases: list[tuple[str, Any]] = [
        ("v % 2 = 0", lambda v: v % 2 == 0),
        ("CAST(v AS TINYINT)", lambda v: v),
        ("CAST(v * 100 AS SMALLINT)", lambda v: v * 100),
        ("CAST(v AS INTEGER)", lambda v: v),
        ("CAST(v AS BIGINT) * 10000000000", lambda v: v * 10_000_000_000),
        ("CAST(v AS REAL) / 2", lambda v: v / 2),
        ("CAST(v AS DOUBLE) / 4", lambda v: v / 4),
        ("CAST('2021-03-04' AS DATE)", lambda v: datetime.date(2021, 3, 4)),
        ("CAST('04:05:06' AS TIME)", lambda v: datetime.time(4, 5, 6)),
        (
            "CAST('2021-03-04T05:06:07' AS TIMESTAMP)",
            lambda v: datetime.datetime(2021, 3, 4, 5, 6, 7),
        ),
        (
            "CAST('2021-03-04T05:06:07Z' AS TIMESTAMP WITH TIME ZONE)",
            lambda v: datetime.datetime(2021, 3, 4, 5, 6, 7, tzinfo=datetime.UTC),
        ),
        ("CAST(v AS VARCHAR)", lambda v: str(v)),
        ("CAST(v AS DECIMAL) / 4", lambda v: Decimal(v) / 4),
    ]
    mixed = ", ".join(f"CASE WHEN v % 3 = 0 THEN NULL ELSE {e} END" for e, _ in cases)
    plain = ", ".join(e for e, _ in cases)
    nulls = ", ".join(f"CASE WHEN v > 0 THEN NULL ELSE {e} END" for e, _ in cases)
    sql = f"SELECT v, {mixed}, {plain}, {nulls} FROM TABLE(generate_series(1, 21)) ORDER BY v"
    rows = await rows_of(await client.sql.execute(sql))
    assert [row[0] for row in rows] == list(range(1, 22))
    count = len(cases)
    for row in rows:
        v = row[0]
        for n, (expr, expected) in enumerate(cases):
            want = expected(v)
            assert row[1 + n] == (None if v % 3 == 0 else want), (expr, v)
            assert row[1 + count + n] == want, (expr, v)
            assert row[1 + 2 * count + n] is None, (expr, v)


async def test_parameters(client: HazelcastClient) -> None:
    name = await varchar_map(client, {i: f"v{i}" for i in range(10)})
    rows = await rows_of(
        await client.sql.execute(
            f"SELECT __key FROM {name} WHERE __key BETWEEN ? AND ? AND this <> ? ORDER BY __key",
            2,
            6,
            "v4",
        )
    )
    assert [r["__key"] for r in rows] == [2, 3, 5, 6]
    # typed parameters come back as themselves
    when = datetime.datetime(2022, 5, 6, 7, 8, 9)
    rows = await rows_of(
        await client.sql.execute(
            "SELECT CAST(? AS VARCHAR), CAST(? AS BIGINT), CAST(? AS DOUBLE), "
            "CAST(? AS BOOLEAN), CAST(? AS DECIMAL), CAST(? AS TIMESTAMP), CAST(? AS INTEGER), "
            "CAST(? AS TIME)",
            "text",
            2**30,
            0.25,
            True,
            Decimal("12.34"),
            when,
            None,
            datetime.time(1, 2, 3, 456789),
        )
    )
    assert [rows[0][n] for n in range(8)] == [
        "text",
        2**30,
        0.25,
        True,
        Decimal("12.34"),
        when,
        None,
        datetime.time(1, 2, 3, 456789),
    ]
    # an SqlStatement, its parameters added one by one
    statement = SqlStatement(f"SELECT this FROM {name} WHERE __key = ?")
    statement.add_parameter(8)
    rows = await rows_of(await client.sql.execute_statement(statement))
    assert [r["this"] for r in rows] == ["v8"]
    # too few parameters: the member says so
    with pytest.raises(HazelcastSqlError):
        await client.sql.execute(f"SELECT * FROM {name} WHERE __key = ?")


async def test_result_larger_than_a_page(client: HazelcastClient) -> None:
    fetches = 0
    previous = client._invocations.trace

    def trace(request: bytearray, partition_id: int, connection: Any) -> None:
        nonlocal fetches
        if int.from_bytes(request[6:10], "little") == codecs.SQL_FETCH.request_type:
            fetches += 1

    client._invocations.trace = trace
    try:
        result = await client.sql.execute(
            "SELECT v FROM TABLE(generate_series(1, 1000))", cursor_buffer_size=50
        )
        assert result._page is not None and result._page.row_count <= 50
        values = [row[0] async for row in result]
    finally:
        client._invocations.trace = previous
    assert sorted(values) == list(range(1, 1001))
    assert fetches >= 1000 // 50 - 1
    assert result._done
    await result.close()  # nothing left to close: a no-op


async def test_early_close_releases_the_query(client: HazelcastClient) -> None:
    name = await varchar_map(client, {i: f"v{i}" for i in range(20)})
    async with await client.sql.execute(f"SELECT * FROM {name}", cursor_buffer_size=2) as result:
        seen = 0
        async for _row in result:
            seen += 1
            if seen == 3:
                break
    assert result._closed
    assert await query_is_released(result, client)
    # iterating a closed result: CANCELLED_BY_USER
    with pytest.raises(HazelcastSqlError) as info:
        await result._next_row(result.get_row_metadata())
    assert info.value.code == SqlErrorCode.CANCELLED_BY_USER
    await result.close()  # idempotent


async def test_close_by_hand_and_rows_only_once(client: HazelcastClient) -> None:
    result = await client.sql.execute(
        "SELECT v FROM TABLE(generate_stream(100))", cursor_buffer_size=5
    )
    iterator = result.iterator()
    with pytest.raises(ValueError):
        result.iterator()
    first = await iterator.__anext__()
    assert isinstance(first[0], int)
    await result.close()
    assert await query_is_released(result, client)
    with pytest.raises(HazelcastSqlError) as info:
        async for _ in iterator:
            pass
    assert info.value.code == SqlErrorCode.CANCELLED_BY_USER


async def test_cancelled_iteration_closes_the_query(client: HazelcastClient) -> None:
    # an endless stream: the iteration is waiting for the member when it is cancelled
    result = await client.sql.execute(
        "SELECT v FROM TABLE(generate_stream(20))", cursor_buffer_size=1000
    )
    rows = result.iterator()
    seen = [(await rows.__anext__())[0]]
    with anyio.move_on_after(0.5) as scope:
        async for row in rows:
            seen.append(row[0])
    assert scope.cancelled_caught
    assert seen == list(range(len(seen)))
    assert result._closed  # closed before the cancellation went on
    assert await query_is_released(result, client)


async def test_cancelled_block_closes_the_query(client: HazelcastClient) -> None:
    # cancelled in the body of async with (not inside the iteration): leaving the block
    # closes the query, shielded from that cancellation
    result = await client.sql.execute(
        "SELECT v FROM TABLE(generate_stream(100))", cursor_buffer_size=10
    )
    with anyio.move_on_after(1.0) as scope:
        async with result:
            async for _row in result:
                await anyio.sleep(30)
    assert scope.cancelled_caught
    assert result._closed
    assert await query_is_released(result, client)


async def test_error_in_the_block_propagates_and_closes(client: HazelcastClient) -> None:
    with pytest.raises(LookupError, match="mine"):
        async with await client.sql.execute(
            "SELECT v FROM TABLE(generate_stream(100))", cursor_buffer_size=10
        ) as result:
            async for _row in result:
                raise LookupError("mine")
    assert await query_is_released(result, client)


class Requests:
    """Records the SQL requests a client sends (through the invocation service's trace hook)."""

    def __init__(self, client: HazelcastClient) -> None:
        self.client = client
        self.sent: list[tuple[int, bytes, Any]] = []
        self._previous = client._invocations.trace

    def __enter__(self) -> Requests:
        def trace(request: bytearray, partition_id: int, connection: Any) -> None:
            message_type = int.from_bytes(request[6:10], "little")
            if message_type >> 16 == 0x21:  # the Sql service
                self.sent.append((message_type, bytes(request), connection))

        self.client._invocations.trace = trace
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.client._invocations.trace = self._previous

    def of(self, codec: Any) -> list[tuple[bytes, Any]]:
        return [(r, c) for t, r, c in self.sent if t == codec.request_type]


async def test_cancelled_execute_closes_its_query(client: HazelcastClient) -> None:
    # cancelled once the request is out, before the member answers: the client closes the
    # query it may have started (an endless stream here) before the cancellation goes on
    with Requests(client) as requests:
        with anyio.move_on_after(0) as scope:
            await client.sql.execute("SELECT v FROM TABLE(generate_stream(1))")
    assert scope.cancelled_caught
    ((execute, connection),) = requests.of(codecs.SQL_EXECUTE)
    ((close, close_connection),) = requests.of(codecs.SQL_CLOSE)
    assert close_connection is connection
    query_id = codecs.SQL_EXECUTE.decode_request(parse_message(execute)).query_id
    assert codecs.SQL_CLOSE.decode_request(parse_message(close)) == query_id
    message = await client._invocations.invoke(
        codecs.SQL_FETCH.encode_request(query_id, 10), connection=connection
    )
    assert codecs.SQL_FETCH.decode_response(message).error is not None
    # the client stays usable
    rows = await rows_of(await client.sql.execute("SELECT 1"))
    assert rows[0][0] == 1


async def test_pages_come_from_the_member_that_runs_the_query(
    hazelcast_cluster_factory: Any,
) -> None:
    async with hazelcast_cluster_factory(2) as cluster:
        async with HazelcastClient(**client_options(cluster)) as c:
            await wait_until(lambda: len(c._connections.active) >= 2, within=20)
            for _ in range(4):
                with Requests(c) as requests:
                    result = await c.sql.execute(
                        "SELECT v FROM TABLE(generate_series(1, 40))", cursor_buffer_size=5
                    )
                    values = [row[0] async for row in result]
                assert sorted(values) == list(range(1, 41))
                ((execute, connection),) = requests.of(codecs.SQL_EXECUTE)
                fetches = requests.of(codecs.SQL_FETCH)
                assert len(fetches) >= 7
                assert all(fetch_connection is connection for _, fetch_connection in fetches)
                # the query id names the member the query runs on
                query_id = codecs.SQL_EXECUTE.decode_request(parse_message(execute)).query_id
                assert query_id == SqlQueryId.from_uuid(
                    connection.member_uuid, uuid_of_local(query_id)
                )
            # the member running a query dies: the next fetch fails, the query is not moved
            async with await c.sql.execute(
                "SELECT v FROM TABLE(generate_stream(50))", cursor_buffer_size=10
            ) as result:
                assert result._connection is not None
                port = result._connection.remote_address.port
                (running,) = [m for m in cluster.members if m.port == port]
                await anyio.to_thread.run_sync(running.kill)
                with pytest.raises(HazelcastSqlError) as info:
                    async for _row in result:
                        pass
            assert info.value.code == SqlErrorCode.CONNECTION_PROBLEM
            assert info.value.cause is not None
            # the next query runs on the surviving member
            rows = await rows_of(await c.sql.execute("SELECT 1"))
            assert rows[0][0] == 1


def uuid_of_local(query_id: SqlQueryId) -> uuid.UUID:
    high = query_id.local_id_high & 0xFFFFFFFFFFFFFFFF
    low = query_id.local_id_low & 0xFFFFFFFFFFFFFFFF
    return uuid.UUID(int=(high << 64) | low)


async def test_dml_update_counts(client: HazelcastClient) -> None:
    name = await varchar_map(client, {})
    m = await client.get_map(name)
    result = await client.sql.execute(f"INSERT INTO {name} VALUES (1, 'a'), (2, 'b')")
    assert not result.is_row_set()
    # Jet runs DML as a job and reports 0 rows
    assert result.update_count() == 0
    with pytest.raises(ValueError):
        result.get_row_metadata()
    with pytest.raises(ValueError):
        result.iterator()
    async with result:  # nothing to close
        pass
    assert await m.get(1) == "a"
    assert (await client.sql.execute(f"SINK INTO {name} VALUES (3, 'c')")).update_count() == 0
    assert (
        await client.sql.execute(f"UPDATE {name} SET this = 'z' WHERE __key = 1")
    ).update_count() == 0
    assert await m.get(1) == "z"
    assert (await client.sql.execute(f"DELETE FROM {name} WHERE __key = 2")).update_count() == 0
    assert sorted(await m.key_set()) == [1, 3]
    ddl = await client.sql.execute(f"DROP MAPPING {name}", expected_result_type="UPDATE_COUNT")
    assert ddl.update_count() == 0


async def test_member_errors(client: HazelcastClient, hazelcast_member: Cluster) -> None:
    member_uuids = {m.uuid for m in client.cluster_service.get_members()}
    with pytest.raises(HazelcastSqlError) as info:
        await client.sql.execute("SELEC 1")
    assert info.value.code == SqlErrorCode.PARSING
    assert info.value.originating_member_uuid in member_uuids
    assert info.value.message
    # an IMap without a mapping: the member suggests one
    name = sql_name()
    m = await client.get_map(name)
    await m.put(1, "a")
    with pytest.raises(HazelcastSqlError) as info:
        await client.sql.execute(f"SELECT * FROM {name}")
    assert info.value.code == SqlErrorCode.OBJECT_NOT_FOUND
    assert info.value.suggestion is not None and "CREATE" in info.value.suggestion
    assert f'"{name}"' in info.value.suggestion
    # the suggestion works
    await client.sql.execute(info.value.suggestion)
    rows = await rows_of(await client.sql.execute(f"SELECT this FROM {name}"))
    assert [r["this"] for r in rows] == ["a"]
    # an error while the rows are fetched (a later page)
    result = await client.sql.execute(
        "SELECT 10 / (v - 500) FROM TABLE(generate_series(1, 1000))", cursor_buffer_size=10
    )
    with pytest.raises(HazelcastSqlError) as info:
        async with result:
            async for _row in result:
                pass
    assert info.value.code == SqlErrorCode.DATA_EXCEPTION
    assert result._done


async def test_expected_result_type_mismatch(client: HazelcastClient) -> None:
    with pytest.raises(HazelcastSqlError, match="update count"):
        await client.sql.execute(
            "SELECT 1", expected_result_type=SqlExpectedResultType.UPDATE_COUNT
        )
    name = sql_name()
    with pytest.raises(HazelcastSqlError, match="rows"):
        await client.sql.execute(
            f"CREATE MAPPING {name} TYPE IMap OPTIONS ('keyFormat'='int', 'valueFormat'='int')",
            expected_result_type=SqlExpectedResultType.ROWS,
        )
    rows = await rows_of(await client.sql.execute("SELECT 1", expected_result_type="ROWS"))
    assert rows[0][0] == 1


async def test_bad_options(client: HazelcastClient) -> None:
    with pytest.raises(TypeError):
        await client.sql.execute(1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        await client.sql.execute("  ")
    with pytest.raises(ValueError):
        await client.sql.execute("SELECT 1", cursor_buffer_size=0)
    with pytest.raises(TypeError):
        await client.sql.execute("SELECT 1", cursor_buffer_size=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        await client.sql.execute("SELECT 1", timeout=-2)
    with pytest.raises(TypeError):
        await client.sql.execute("SELECT 1", expected_result_type=7)
    with pytest.raises(TypeError):
        await client.sql.execute("SELECT 1", schema=3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await client.sql.execute_statement("SELECT 1")  # type: ignore[arg-type]
    # timeout 0 (no limit) and a schema are accepted
    rows = await rows_of(await client.sql.execute("SELECT 1", timeout=0, schema="public"))
    assert rows[0][0] == 1


async def test_pages_may_take_longer_than_invocation_timeout(hazelcast_member: Cluster) -> None:
    # a stream with a row every two seconds: each page request waits that long on the member
    options = client_options(hazelcast_member, invocation_timeout=1)
    async with HazelcastClient(**options) as c:
        async with await c.sql.execute(
            "SELECT v FROM TABLE(generate_stream(2)) WHERE v % 4 = 3"
        ) as result:
            seen: list[int] = []
            with anyio.fail_after(20):
                async for row in result:
                    seen.append(row[0])
                    if len(seen) == 2:
                        break
    assert seen == [3, 7]


async def test_query_timeout(client: HazelcastClient) -> None:
    result = await client.sql.execute("SELECT v FROM TABLE(generate_stream(10))", timeout=0.5)
    with pytest.raises(HazelcastSqlError) as info:
        async with result:
            async for _row in result:
                pass
    # a 5.5 member reports the cancelled job (GENERIC), not SqlErrorCode.TIMEOUT
    assert "CANCEL" in str(info.value) or info.value.code == SqlErrorCode.TIMEOUT


class Employee:
    def __init__(self, name: str, age: int) -> None:
        self.name = name
        self.age = age

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Employee) and (self.name, self.age) == (other.name, other.age)


class Badge:
    def __init__(self, number: int) -> None:
        self.number = number

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Badge) and self.number == other.number


class BadgeSerializer(CompactSerializer[Badge]):
    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def read(self, reader: CompactReader) -> Badge:
        return Badge(reader.read_int64("number"))

    def write(self, writer: CompactWriter, obj: Badge) -> None:
        writer.write_int64("number", obj.number)

    def get_class(self) -> type[Badge]:
        return Badge

    def get_type_name(self) -> str:
        return self.type_name


class EmployeeSerializer(CompactSerializer[Employee]):
    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def read(self, reader: CompactReader) -> Employee:
        return Employee(reader.read_string("name"), reader.read_int32("age"))

    def write(self, writer: CompactWriter, obj: Employee) -> None:
        writer.write_string("name", obj.name)
        writer.write_int32("age", obj.age)

    def get_class(self) -> type[Employee]:
        return Employee

    def get_type_name(self) -> str:
        return self.type_name


async def test_object_columns_and_compact_parameters(hazelcast_member: Cluster) -> None:
    type_name = sql_name("Employee")
    name = sql_name()
    options = client_options(hazelcast_member, compact_serializers=[EmployeeSerializer(type_name)])
    async with HazelcastClient(**options) as writer:
        m = await writer.get_map(name)
        await m.put_all({1: Employee("ann", 31), 2: Employee("bob", 45)})
        await writer.sql.execute(
            f"CREATE MAPPING {name} (__key INT, name VARCHAR, age INT) TYPE IMap OPTIONS "
            f"('keyFormat'='int', 'valueFormat'='compact', 'valueCompactTypeName'='{type_name}')"
        )
    # a fresh client has never seen the schema: it fetches it to read the OBJECT column
    async with HazelcastClient(**options) as reader:
        assert not reader._serialization.compact_schemas.has_pending
        result = await reader.sql.execute(
            f"SELECT __key, this, name, age FROM {name} WHERE age > ? ORDER BY __key", 40
        )
        metadata = result.get_row_metadata()
        assert metadata.get_column(1).type == SqlColumnType.OBJECT
        rows = await rows_of(result)
        assert [(r[0], r["this"], r["name"], r["age"]) for r in rows] == [
            (2, Employee("bob", 45), "bob", 45)
        ]
        await reader.sql.execute(f"INSERT INTO {name} VALUES (3, 'cy', 29)")
        rows = await rows_of(await reader.sql.execute(f"SELECT this FROM {name} WHERE age < 30"))
        assert [r["this"] for r in rows] == [Employee("cy", 29)]
    # a parameter of a Compact type the cluster has never seen: its schema goes first
    badge = Badge(7)
    badge_options = client_options(
        hazelcast_member, compact_serializers=[BadgeSerializer(sql_name("Badge"))]
    )
    async with HazelcastClient(**badge_options) as c:
        result = await c.sql.execute("SELECT CAST(? AS OBJECT) AS b", badge)
        assert not c._serialization.compact_schemas.has_pending
        assert [r["b"] for r in await rows_of(result)] == [badge]


async def test_unreadable_object_column(client: HazelcastClient, hazelcast_member: Cluster) -> None:
    # a Compact value of a type this client has no serializer for: the row still comes,
    # reading that cell raises
    type_name = sql_name("Employee")
    name = sql_name()
    options = client_options(hazelcast_member, compact_serializers=[EmployeeSerializer(type_name)])
    async with HazelcastClient(**options) as writer:
        await (await writer.get_map(name)).put(1, Employee("ann", 31))
    await client.sql.execute(
        f"CREATE MAPPING {name} (__key INT, name VARCHAR, age INT) TYPE IMap OPTIONS "
        f"('keyFormat'='int', 'valueFormat'='compact', 'valueCompactTypeName'='{type_name}')"
    )
    rows = await rows_of(await client.sql.execute(f"SELECT __key, this, name FROM {name}"))
    assert rows[0]["name"] == "ann"
    try:
        value = rows[0]["this"]
    except HazelcastSqlError as exc:
        assert "deserialize" in str(exc)
    else:  # a client may read unknown Compact types generically
        assert value is not None


@pytest.fixture
async def sql_client(hazelcast_member: Cluster) -> AsyncIterator[HazelcastClient]:
    async with HazelcastClient(**client_options(hazelcast_member, smart_routing=False)) as c:
        yield c


async def test_unisocket_client(sql_client: HazelcastClient) -> None:
    rows = await rows_of(
        await sql_client.sql.execute(
            "SELECT v FROM TABLE(generate_series(1, 30))", cursor_buffer_size=7
        )
    )
    assert sorted(r[0] for r in rows) == list(range(1, 31))


async def test_client_shutdown_ends_iteration(hazelcast_member: Cluster) -> None:
    async with HazelcastClient(**client_options(hazelcast_member)) as c:
        result = await c.sql.execute("SELECT v FROM TABLE(generate_stream(5))")
        await c.shutdown()
        with pytest.raises(HazelcastSqlError) as info:
            async for _row in result:
                pass
        assert info.value.cause is not None
