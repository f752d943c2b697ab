"""Hazelcast SQL: ``client.sql.execute(...)`` and the rows it returns (see docs/sql.md).

The API is that of the official client's ``hazelcast.sql``, made async::

    result = await client.sql.execute("SELECT * FROM employees WHERE age > ?", 30)
    async with result:
        async for row in result:
            print(row["name"], row.get_object("age"))

    # DML and DDL: an update count, nothing to close
    count = (await client.sql.execute("DELETE FROM employees WHERE age > ?", 65)).update_count()

A query runs on one member (the one the client sent it to); its rows come in pages of at most
``cursor_buffer_size`` rows, fetched from that member as the iteration needs them. A result
holds resources on the member until its last page has been read or it is closed: use
``async with`` (or call :meth:`SqlResult.close`) when you may stop early.

SQL needs members 5.x with Jet enabled and, for an IMap, a mapping
(``CREATE MAPPING name TYPE IMap OPTIONS ('keyFormat'='int', 'valueFormat'='varchar')``).
"""

from __future__ import annotations

import enum
import logging
import math
import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

import anyio

from .errors import HazelcastError, HazelcastSqlError, SchemaNotFoundError
from .protocol.codecs import sql as codecs
from .protocol.sql_types import (
    RowValue,
    SqlColumnMetadata,
    SqlColumnType,
    SqlErrorHolder,
    SqlPage,
    SqlQueryId,
)

if TYPE_CHECKING:
    from .net.connection import Connection
    from .net.manager import ConnectionManager
    from .protocol.types import MemberInfo, MemberVersion
    from .proxy.base import ProxyContext

__all__ = [
    "HazelcastSqlError",
    "SqlColumnMetadata",
    "SqlColumnType",
    "SqlErrorCode",
    "SqlExpectedResultType",
    "SqlResult",
    "SqlRow",
    "SqlRowMetadata",
    "SqlService",
    "SqlStatement",
]

_logger = logging.getLogger("hztrio.sql")

_EXECUTE: Final = codecs.SQL_EXECUTE
_FETCH: Final = codecs.SQL_FETCH
_CLOSE: Final = codecs.SQL_CLOSE

_TIMEOUT_NOT_SET: Final = -1
_DEFAULT_CURSOR_BUFFER_SIZE: Final = 4096
_MAX_INT: Final = (1 << 31) - 1
_CONNECTION_ATTEMPTS: Final = 10


class SqlExpectedResultType(enum.IntEnum):
    """What a statement must produce; a statement that produces the other kind fails with
    :class:`HazelcastSqlError`."""

    ANY = 0
    """Rows or an update count."""
    ROWS = 1
    """Rows (a SELECT)."""
    UPDATE_COUNT = 2
    """An update count (DML such as INSERT, UPDATE, DELETE, SINK INTO; DDL)."""


class SqlErrorCode(enum.IntEnum):
    """The codes of :attr:`HazelcastSqlError.code`."""

    GENERIC = -1
    """Any other error (on the client: a failed request, a value that cannot be read)."""
    CONNECTION_PROBLEM = 1001
    """A connection between members, or between the client and a member, was lost."""
    CANCELLED_BY_USER = 1003
    """The query was cancelled: its result was closed."""
    TIMEOUT = 1004
    """The query ran longer than its ``timeout``."""
    PARTITION_DISTRIBUTION = 1005
    """A problem with the partition distribution."""
    MAP_DESTROYED = 1006
    """A map the query reads was destroyed."""
    MAP_LOADING_IN_PROGRESS = 1007
    """A map the query reads is still loading."""
    PARSING = 1008
    """The statement is not valid SQL (or not valid for its expected result type)."""
    INDEX_INVALID = 1009
    """An index the query uses is not valid."""
    OBJECT_NOT_FOUND = 1010
    """A table or mapping does not exist."""
    DATA_EXCEPTION = 2000
    """A value could not be converted or computed."""


def _expected_result_type(value: Any) -> SqlExpectedResultType:
    if isinstance(value, SqlExpectedResultType):
        return value
    if isinstance(value, str):
        try:
            return SqlExpectedResultType[value.upper()]
        except KeyError:
            pass
    elif isinstance(value, int) and not isinstance(value, bool):
        try:
            return SqlExpectedResultType(value)
        except ValueError:
            pass
    raise TypeError(
        f"expected_result_type must be one of {[t.name for t in SqlExpectedResultType]} "
        f"(an SqlExpectedResultType, its value or its name), got {value!r}"
    )


class SqlStatement:
    """An SQL statement with its parameters and options, for
    :meth:`SqlService.execute_statement`.

    The options are those of :meth:`SqlService.execute` and are validated when set:
    ``TypeError`` for a wrong type, ``ValueError`` for a wrong value.
    """

    __slots__ = (
        "_cursor_buffer_size",
        "_expected_result_type",
        "_parameters",
        "_schema",
        "_sql",
        "_timeout",
    )

    def __init__(
        self,
        sql: str,
        *parameters: Any,
        cursor_buffer_size: int = _DEFAULT_CURSOR_BUFFER_SIZE,
        timeout: float = _TIMEOUT_NOT_SET,
        expected_result_type: SqlExpectedResultType | int | str = SqlExpectedResultType.ANY,
        schema: str | None = None,
    ) -> None:
        self.sql = sql
        self._parameters: list[Any] = list(parameters)
        self.cursor_buffer_size = cursor_buffer_size
        self.timeout = timeout
        self.expected_result_type = expected_result_type
        self.schema = schema

    @property
    def sql(self) -> str:
        """The SQL text; ``?`` marks a parameter."""
        return self._sql

    @sql.setter
    def sql(self, sql: str) -> None:
        if not isinstance(sql, str):
            raise TypeError(f"sql must be a str, got {type(sql).__name__}")
        if not sql.strip():
            raise ValueError("sql must not be empty")
        self._sql = sql

    @property
    def parameters(self) -> list[Any]:
        """The parameters, in the order of the ``?`` they replace (a copy)."""
        return list(self._parameters)

    @parameters.setter
    def parameters(self, parameters: Iterable[Any]) -> None:
        self._parameters = list(parameters)

    def add_parameter(self, parameter: Any) -> None:
        """Append a parameter."""
        self._parameters.append(parameter)

    def clear_parameters(self) -> None:
        """Remove every parameter."""
        self._parameters = []

    @property
    def schema(self) -> str | None:
        """The schema in which unqualified names are looked up first (case-sensitive), or
        None for the default search path."""
        return self._schema

    @schema.setter
    def schema(self, schema: str | None) -> None:
        if schema is not None and not isinstance(schema, str):
            raise TypeError(f"schema must be a str or None, got {type(schema).__name__}")
        self._schema = schema

    @property
    def timeout(self) -> float:
        """Seconds the query may run before the member cancels it: 0 for no limit, -1 for
        the member's configured default."""
        return self._timeout

    @timeout.setter
    def timeout(self, timeout: float) -> None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float):
            raise TypeError(f"timeout must be a number of seconds, got {timeout!r}")
        if math.isnan(timeout) or (timeout < 0 and timeout != _TIMEOUT_NOT_SET):
            raise ValueError(f"timeout must be non-negative or -1, got {timeout}")
        self._timeout = timeout

    @property
    def cursor_buffer_size(self) -> int:
        """Rows per page: at most this many rows come back per request to the member."""
        return self._cursor_buffer_size

    @cursor_buffer_size.setter
    def cursor_buffer_size(self, size: int) -> None:
        if isinstance(size, bool) or not isinstance(size, int):
            raise TypeError(f"cursor_buffer_size must be an int, got {size!r}")
        if not 0 < size <= _MAX_INT:
            raise ValueError(f"cursor_buffer_size must be positive (and an int32), got {size}")
        self._cursor_buffer_size = size

    @property
    def expected_result_type(self) -> SqlExpectedResultType:
        """What the statement must produce (:class:`SqlExpectedResultType`)."""
        return self._expected_result_type

    @expected_result_type.setter
    def expected_result_type(self, value: SqlExpectedResultType | int | str) -> None:
        self._expected_result_type = _expected_result_type(value)

    def copy(self) -> SqlStatement:
        """A copy (parameters included) that can be changed independently."""
        return SqlStatement(
            self._sql,
            *self._parameters,
            cursor_buffer_size=self._cursor_buffer_size,
            timeout=self._timeout,
            expected_result_type=self._expected_result_type,
            schema=self._schema,
        )

    def _timeout_millis(self) -> int:
        if self._timeout == _TIMEOUT_NOT_SET:
            return -1
        return int(self._timeout * 1000)

    def __repr__(self) -> str:
        return (
            f"SqlStatement(sql={self._sql!r}, parameters={self._parameters!r}, "
            f"schema={self._schema!r}, timeout={self._timeout}, "
            f"cursor_buffer_size={self._cursor_buffer_size}, "
            f"expected_result_type={self._expected_result_type.name})"
        )


class SqlRowMetadata:
    """The columns of a result's rows."""

    __slots__ = ("_columns", "_name_to_index")

    COLUMN_NOT_FOUND: Final = -1
    """What :meth:`find_column` returns for a name no column has."""

    def __init__(self, columns: Sequence[SqlColumnMetadata]) -> None:
        self._columns = list(columns)
        self._name_to_index = {column.name: n for n, column in enumerate(self._columns)}

    @property
    def columns(self) -> list[SqlColumnMetadata]:
        """Every column's metadata, in order."""
        return list(self._columns)

    @property
    def column_count(self) -> int:
        """How many columns the rows have."""
        return len(self._columns)

    def get_column(self, index: int) -> SqlColumnMetadata:
        """The metadata of the column at zero-based *index* (IndexError if out of range)."""
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"index must be an int, got {index!r}")
        return self._columns[index]

    def find_column(self, column_name: str) -> int:
        """The index of the column named *column_name* (case-sensitive), or
        :attr:`COLUMN_NOT_FOUND`."""
        if not isinstance(column_name, str):
            raise TypeError(f"column_name must be a str, got {column_name!r}")
        return self._name_to_index.get(column_name, SqlRowMetadata.COLUMN_NOT_FOUND)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SqlRowMetadata):
            return NotImplemented
        return self._columns == other._columns

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"[{', '.join(repr(column) for column in self._columns)}]"


class _Unreadable:
    """A cell whose value could not be deserialized: reading it raises."""

    __slots__ = ("error",)

    def __init__(self, error: HazelcastSqlError) -> None:
        self.error = error


class SqlRow:
    """One row of a result.

    Read a column by name with :meth:`get_object` or ``row["name"]``, by zero-based index
    with :meth:`get_object_with_index` or ``row[0]``. The value's Python type follows the
    column's :class:`SqlColumnType`; no conversion is made. ``len(row)`` is the number of
    columns.
    """

    __slots__ = ("_metadata", "_values")

    def __init__(self, metadata: SqlRowMetadata, values: list[Any]) -> None:
        self._metadata = metadata
        self._values = values

    def get_object(self, column_name: str) -> Any:
        """The value of the column named *column_name* (case-sensitive).

        Raises ValueError if there is no such column, TypeError if *column_name* is not a
        str, and :class:`HazelcastSqlError` if the value (an OBJECT column's) could not be
        deserialized.
        """
        index = self._metadata.find_column(column_name)
        if index == SqlRowMetadata.COLUMN_NOT_FOUND:
            raise ValueError(f"Column {column_name!r} doesn't exist")
        return self._value(index)

    def get_object_with_index(self, column_index: int) -> Any:
        """The value of the column at zero-based *column_index* (IndexError if out of
        range; :class:`HazelcastSqlError` as for :meth:`get_object`)."""
        if isinstance(column_index, bool) or not isinstance(column_index, int):
            raise TypeError(f"column_index must be an int, got {column_index!r}")
        return self._value(column_index)

    def _value(self, index: int) -> Any:
        value = self._values[index]
        if value.__class__ is _Unreadable:
            raise value.error
        if value.__class__ is RowValue:
            raise HazelcastSqlError(
                None,
                SqlErrorCode.GENERIC,
                f"column {self._metadata.get_column(index).name!r} is of type ROW, "
                "which this client cannot read",
            )
        return value

    @property
    def metadata(self) -> SqlRowMetadata:
        """The row's columns."""
        return self._metadata

    def __getitem__(self, item: int | str) -> Any:
        if isinstance(item, int) and not isinstance(item, bool):
            return self.get_object_with_index(item)
        return self.get_object(item)  # type: ignore[arg-type]

    def __len__(self) -> int:
        return self._metadata.column_count

    def __repr__(self) -> str:
        parts = []
        for n, column in enumerate(self._metadata.columns):
            value = self._values[n]
            shown = "<unreadable>" if value.__class__ is _Unreadable else repr(value)
            parts.append(f"{column.name}={shown}")
        return f"SqlRow({', '.join(parts)})"


class SqlResult:
    """The result of a statement: rows to iterate, or an update count.

    Rows::

        async with await client.sql.execute("SELECT ...") as result:
            async for row in result:
                ...

    The rows can be iterated once. They come in pages fetched from the member that runs the
    query as the iteration needs them. The query holds resources on that member until the
    last page has been fetched, the member ends it (an error, its ``timeout``) or the result
    is closed: leaving ``async with`` closes it, and so does :meth:`close`. A cancelled
    iteration closes the result before the cancellation propagates, and so does an error in
    it. A loop left with ``break`` without ``async with`` leaves the query open on the member
    until its ``timeout``, if any: use ``async with``.

    An update count (:meth:`update_count`) is complete when ``execute`` returns; there is
    nothing to close.
    """

    def __init__(
        self,
        service: SqlService,
        connection: Connection | None,
        query_id: SqlQueryId | None,
        cursor_buffer_size: int,
        metadata: SqlRowMetadata | None,
        first_page: SqlPage | None,
        update_count: int,
    ) -> None:
        self._service = service
        self._connection = connection
        self._query_id = query_id
        self._cursor_buffer_size = cursor_buffer_size
        self._metadata = metadata
        self._page = first_page
        self._position = 0
        self._update_count = update_count
        #: the member has nothing open for this query (last page read, an error, closed)
        self._done = metadata is None or first_page is None or first_page.is_last
        #: close() was called (further iteration raises CANCELLED_BY_USER)
        self._closed = False
        self._iterator_requested = False
        self._busy = False
        self._error: BaseException | None = None
        self._object_columns: tuple[int, ...] = ()
        if first_page is not None:
            self._object_columns = _object_columns(first_page)

    # -- what the result is -----------------------------------------------------------------

    def is_row_set(self) -> bool:
        """True if the result has rows (a query), False if it is an update count."""
        return self._metadata is not None

    def update_count(self) -> int:
        """The number of rows the statement changed; -1 if the result is rows, 0 if the
        statement changes no rows (DDL, for example)."""
        return self._update_count

    def get_row_metadata(self) -> SqlRowMetadata:
        """The columns of the rows; ValueError if the result is an update count."""
        if self._metadata is None:
            raise ValueError("This result contains only update count")
        return self._metadata

    # -- iteration --------------------------------------------------------------------------

    def iterator(self) -> _RowIterator:
        """The async iterator over the rows (what ``async for row in result`` uses).

        Raises ValueError if the result is an update count or the rows were already asked
        for: they can be iterated once.
        """
        metadata = self._metadata
        if metadata is None:
            raise ValueError("This result contains only update count")
        if self._iterator_requested:
            raise ValueError("Iterator can be requested only once")
        self._iterator_requested = True
        return _RowIterator(self, metadata)

    def __aiter__(self) -> _RowIterator:
        return self.iterator()

    def _rows_received(self) -> int:
        """How many rows the next iteration steps return without asking the member."""
        page = self._page
        if page is None or self._error is not None or self._closed:
            return 0
        return page.row_count - self._position

    async def _next_row(self, metadata: SqlRowMetadata) -> SqlRow:
        if self._busy:
            raise RuntimeError("another task is iterating this result")
        self._busy = True
        try:
            return await self._next_row_inner(metadata)
        except anyio.get_cancelled_exc_class():
            # the caller was cancelled: release the query on the member before leaving
            await self._close_quietly()
            raise
        finally:
            self._busy = False

    async def _next_row_inner(self, metadata: SqlRowMetadata) -> SqlRow:
        if self._error is not None:
            raise self._error
        if self._closed:
            raise self._cancelled_error()
        page = self._page
        assert page is not None
        while self._position >= page.row_count:
            if page.is_last:
                await anyio.lowlevel.checkpoint()
                raise StopAsyncIteration
            page = await self._fetch_page()
        position = self._position
        self._position = position + 1
        values = [column[position] for column in page.columns]
        if self._object_columns:
            await self._deserialize_cells(values)
        else:
            await anyio.lowlevel.checkpoint()
        return SqlRow(metadata, values)

    async def _fetch_page(self) -> SqlPage:
        assert self._query_id is not None and self._connection is not None
        request = _FETCH.encode_request(self._query_id, self._cursor_buffer_size)
        try:
            message = await self._service._invoke(request, self._connection, math.inf)
            response = _FETCH.decode_response(message)
        except HazelcastError as exc:
            error = self._service._wrap(exc, self._connection)
            if not isinstance(exc, HazelcastSqlError):
                await self._close_quietly()  # the query may still run: release it
            self._fail(error)
            raise error  # noqa: B904 - its cause is exc already (see _wrap)
        except Exception as exc:  # a page the client cannot decode
            await self._close_quietly()
            error = self._service._client_error(f"Cannot read the result: {exc}", exc)
            self._fail(error)
            raise error from exc
        if response.error is not None:
            error = _member_error(response.error)
            self._done = True
            self._fail(error)
            raise error
        page: SqlPage = response.row_page
        if self._closed:  # closed while the request was out
            raise self._cancelled_error()
        if page.is_last:
            self._done = True
        self._page = page
        self._position = 0
        self._object_columns = _object_columns(page)
        return page

    async def _deserialize_cells(self, values: list[Any]) -> None:
        """Turn the OBJECT columns' serialized values of one row into objects, fetching
        Compact schemas the client does not know yet."""
        to_object = self._service._to_object
        schemas = self._service._schemas
        checkpointed = False
        for index in self._object_columns:
            data = values[index]
            if data is None or data.__class__ is RowValue:
                continue
            while True:
                try:
                    values[index] = to_object(data)
                    break
                except SchemaNotFoundError as exc:
                    if schemas is None:
                        values[index] = self._unreadable(exc)
                        break
                    try:
                        await schemas.fetch(exc.schema_id)
                        checkpointed = True
                    except SchemaNotFoundError as missing:
                        values[index] = self._unreadable(missing)
                        break
                except Exception as exc:
                    values[index] = self._unreadable(exc)
                    break
        if not checkpointed:
            await anyio.lowlevel.checkpoint()

    def _unreadable(self, error: Exception) -> _Unreadable:
        return _Unreadable(
            self._service._client_error(f"Failed to deserialize query result value: {error}", error)
        )

    def _fail(self, error: BaseException) -> None:
        self._error = error
        self._done = True

    def _cancelled_error(self) -> HazelcastSqlError:
        return self._service._client_error(
            "Query was cancelled by the user", code=SqlErrorCode.CANCELLED_BY_USER
        )

    # -- closing ----------------------------------------------------------------------------

    async def close(self) -> None:
        """Release the query's resources on the member, cancelling it there if it still
        runs. Idempotent; nothing to do for an update count or a fully read result.

        A task iterating the result gets :class:`HazelcastSqlError` (``CANCELLED_BY_USER``)
        at its next fetch. Raises :class:`HazelcastSqlError` if the close request fails.

        Cancellation: the close request is shielded (bounded by ``invocation_timeout``), so
        the query is released even when the caller is being cancelled; the cancellation
        propagates afterwards.
        """
        if not await self._release():
            await anyio.lowlevel.checkpoint()

    async def _release(self) -> bool:
        """Close the query on the member if it is open there; True if a request was sent
        (shielded), False if there was nothing to send (then without a checkpoint: the
        callers that run while an exception propagates must not add a cancellation)."""
        if self._closed or self._done:
            self._closed = True
            return False
        self._closed = True
        self._done = True
        return await self._service._close_query(self._connection, self._query_id)

    async def _close_quietly(self) -> None:
        """:meth:`_release`, logging (not raising) a failure."""
        try:
            await self._release()
        except HazelcastError as exc:
            _logger.debug("closing an SQL result failed: %r", exc)

    async def __aenter__(self) -> SqlResult:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the result (see :meth:`close`). If the block raised, a failure to close is
        logged rather than raised, so the block's exception propagates as itself."""
        if exc is None:
            await self.close()
        elif not (self._closed or self._done):
            # (no checkpoint when there is nothing to close: a cancellation delivered here
            # would replace the block's exception)
            await self._close_quietly()
        else:
            self._closed = True

    def __repr__(self) -> str:
        if self._metadata is None:
            return f"SqlResult(update_count={self._update_count})"
        state = "closed" if self._closed else "done" if self._done else "open"
        return f"SqlResult(columns={self._metadata!r}, {state})"


class _RowIterator:
    """The async iterator of a result's rows (from ``SqlResult.__aiter__``)."""

    __slots__ = ("_metadata", "_result")

    def __init__(self, result: SqlResult, metadata: SqlRowMetadata) -> None:
        self._result = result
        self._metadata = metadata

    def __aiter__(self) -> _RowIterator:
        return self

    async def __anext__(self) -> SqlRow:
        """The next row, fetching the next page from the member if needed.

        Raises :class:`HazelcastSqlError` if the query failed (or the result was closed).
        Cancellation: the result is closed (its query released on the member, shielded)
        and the cancellation propagates.
        """
        return await self._result._next_row(self._metadata)


def _object_columns(page: SqlPage) -> tuple[int, ...]:
    return tuple(
        n
        for n, column_type in enumerate(page.column_types)
        if column_type == SqlColumnType.OBJECT or column_type == SqlColumnType.ROW
    )


def _member_error(holder: SqlErrorHolder) -> HazelcastSqlError:
    return HazelcastSqlError(
        holder.originating_member_id, holder.code, holder.message, None, holder.suggestion
    )


def _same_version(a: MemberVersion, b: MemberVersion) -> bool:
    return a.major == b.major and a.minor == b.minor


def member_of_larger_same_version_group(members: Iterable[MemberInfo]) -> MemberInfo | None:
    """A random data member of the larger group of members with the same major.minor
    version (of the newer version if both groups are as large); None without data members.

    During a rolling upgrade a cluster has members of at most two versions; the larger group
    is the one that runs most queries.
    """
    groups: list[tuple[MemberVersion, list[MemberInfo]]] = []
    for member in members:
        if member.lite_member:
            continue
        for version, group in groups:
            if _same_version(version, member.version):
                group.append(member)
                break
        else:
            if len(groups) == 2:
                versions = ", ".join(str(v) for v, _ in groups)
                raise ValueError(
                    f"More than 2 distinct member versions found: {versions}, {member.version}"
                )
            groups.append((member.version, [member]))
    if not groups:
        return None
    if len(groups) == 1:
        chosen = groups[0][1]
    else:
        (v0, g0), (v1, g1) = groups
        if len(g0) != len(g1):
            chosen = g0 if len(g0) > len(g1) else g1
        else:
            chosen = g0 if (v0.major, v0.minor) > (v1.major, v1.minor) else g1
    return random.choice(chosen)


class SqlService:
    """Runs SQL statements on the cluster (``client.sql``).

    SQL needs Hazelcast 5.x members with Jet enabled, and a mapping for every IMap a query
    reads (``CREATE MAPPING``). See docs/sql.md.
    """

    def __init__(
        self,
        context: ProxyContext,
        connections: ConnectionManager,
        client_uuid: uuid.UUID,
        check_active: Callable[[], None] | None = None,
    ) -> None:
        self._context = context
        self._invocations = context.invocations
        self._serialization = context.serialization
        self._to_object = context.serialization.to_object
        self._schemas = context.schemas
        self._connections = connections
        self._client_uuid = client_uuid
        self._check_active = check_active
        config = context.config
        self._smart = True if config is None else config.smart_routing

    async def execute(
        self,
        sql: str,
        *params: Any,
        cursor_buffer_size: int = _DEFAULT_CURSOR_BUFFER_SIZE,
        timeout: float = _TIMEOUT_NOT_SET,  # noqa: ASYNC109 - the member-side limit
        expected_result_type: SqlExpectedResultType | int | str = SqlExpectedResultType.ANY,
        schema: str | None = None,
    ) -> SqlResult:
        """Run an SQL statement and return its :class:`SqlResult` once the member has
        answered with the first page of rows (or the update count).

        Args:
            sql: the statement; each ``?`` in it is replaced by the next of *params*.
            *params: the parameters, serialized as map keys and values are.
            cursor_buffer_size: rows per page (positive): more rows mean fewer round trips
                and more memory, on the member and here.
            timeout: seconds the query may run before the member cancels it; 0 for no
                limit, -1 (the default) for the member's configured default. The client
                waits for the member as long as it works (``invocation_timeout`` does not
                apply to ``execute`` and page fetches); bound the wait with a cancel scope.
            expected_result_type: an :class:`SqlExpectedResultType` (or its value or name);
                a statement producing the other kind fails.
            schema: the schema in which unqualified names are looked up first, or None.

        Raises:
            HazelcastSqlError: the statement failed on the member (with its ``code``,
                ``suggestion`` and ``originating_member_uuid``), or the request failed
                (``CONNECTION_PROBLEM`` if the member's connection was lost).
            TypeError, ValueError: an option of the wrong type or value.

        Cancellation: the call stops waiting, and a query the member may have started is
        closed there (shielded, bounded by ``invocation_timeout``) before the cancellation
        propagates.
        """
        statement = SqlStatement(
            sql,
            *params,
            cursor_buffer_size=cursor_buffer_size,
            timeout=timeout,
            expected_result_type=expected_result_type,
            schema=schema,
        )
        return await self.execute_statement(statement)

    async def execute_statement(self, statement: SqlStatement) -> SqlResult:
        """Run an :class:`SqlStatement`; otherwise exactly as :meth:`execute`."""
        if not isinstance(statement, SqlStatement):
            raise TypeError(f"statement must be an SqlStatement, got {type(statement).__name__}")
        if self._check_active is not None:
            self._check_active()
        try:
            parameters = [self._serialization.to_data(p) for p in statement._parameters]
            schemas = self._schemas
            if schemas is not None and schemas.has_pending:
                await schemas.send_pending()
        except HazelcastSqlError:
            raise
        except HazelcastError as exc:
            raise self._client_error(f"Cannot send the parameters: {exc}", exc) from exc
        connection = self._query_connection()
        member_uuid = connection.member_uuid
        assert member_uuid is not None
        query_id = SqlQueryId.from_uuid(member_uuid)
        cursor_buffer_size = statement.cursor_buffer_size
        request = _EXECUTE.encode_request(
            statement.sql,
            parameters,
            statement._timeout_millis(),
            cursor_buffer_size,
            statement.schema,
            int(statement.expected_result_type),
            query_id,
            False,
        )
        try:
            message = await self._invoke(request, connection, math.inf)
        except anyio.get_cancelled_exc_class():
            await self._close_query_quietly(connection, query_id)
            raise
        except HazelcastError as exc:
            error = self._wrap(exc, connection)
            if error is exc:
                raise
            raise error from exc
        try:
            response = _EXECUTE.decode_response(message)
        except Exception as exc:  # a page the client cannot decode
            await self._close_query_quietly(connection, query_id)
            raise self._client_error(f"Cannot read the result: {exc}", exc) from exc
        if response.error is not None:
            raise _member_error(response.error)
        if response.row_metadata is None:
            return SqlResult(
                self, None, None, cursor_buffer_size, None, None, response.update_count
            )
        return SqlResult(
            self,
            connection,
            query_id,
            cursor_buffer_size,
            SqlRowMetadata(response.row_metadata),
            response.row_page,
            -1,
        )

    # -- internals --------------------------------------------------------------------------

    def _invoke(
        self, request: bytearray, connection: Connection, time_limit: float | None = None
    ) -> Any:
        """Invoke on the query's connection. Execute and fetch requests wait as long as the
        member works on them (*time_limit* inf): a fetch of a streaming query is answered
        only when rows come, and a long DML statement only when it is done; the statement's
        ``timeout`` bounds the member's work, the caller's cancel scope the wait."""
        return self._invocations.invoke(request, connection=connection, time_limit=time_limit)

    async def _close_query(
        self, connection: Connection | None, query_id: SqlQueryId | None
    ) -> bool:
        """Send Sql.close on *connection*, shielded and bounded by ``invocation_timeout``;
        False (at once, without a checkpoint) if the connection is gone."""
        if connection is None or query_id is None or not connection.is_alive:
            return False
        limit = self._invocations.invocation_timeout
        with anyio.CancelScope(shield=True):
            with anyio.move_on_after(limit):
                try:
                    await self._invoke(_CLOSE.encode_request(query_id), connection)
                except HazelcastError as exc:
                    error = self._wrap(exc, connection)
                    if error is exc:
                        raise
                    raise error from exc
                return True
        raise self._client_error(f"Closing the query timed out after {limit} s")

    async def _close_query_quietly(self, connection: Connection, query_id: SqlQueryId) -> None:
        try:
            await self._close_query(connection, query_id)
        except HazelcastError as exc:
            _logger.debug("closing an SQL query failed: %r", exc)

    def _query_connection(self) -> Connection:
        """A connection to a data member (see :func:`member_of_larger_same_version_group`),
        else to any member; HazelcastSqlError if the client has none."""
        connections = self._connections
        cluster = self._context.cluster
        if self._smart and cluster is not None:
            for _ in range(_CONNECTION_ATTEMPTS):
                try:
                    member = member_of_larger_same_version_group(cluster.get_members())
                except ValueError as exc:
                    raise self._client_error(str(exc), exc) from exc
                if member is None:
                    break
                connection = connections.get_connection(member.uuid)
                if connection is not None and connection.is_alive:
                    return connection
        first: Connection | None = None
        for member_uuid, connection in list(connections.active.items()):
            if not connection.is_alive:
                continue
            if first is None:
                first = connection
            member = cluster.get_member(member_uuid) if cluster is not None else None
            if member is not None and not member.lite_member:
                return connection
        if first is None:
            raise self._client_error(
                "Client is not connected", code=SqlErrorCode.CONNECTION_PROBLEM
            )
        return first

    def _client_error(
        self,
        message: str,
        cause: BaseException | None = None,
        code: int = SqlErrorCode.GENERIC,
    ) -> HazelcastSqlError:
        return HazelcastSqlError(self._client_uuid, code, message, cause)

    def _wrap(self, error: HazelcastError, connection: Connection | None) -> HazelcastSqlError:
        """A failed request as the HazelcastSqlError the caller gets (the original error is
        its cause)."""
        if isinstance(error, HazelcastSqlError):
            return error
        if connection is not None and not connection.is_alive:
            return self._client_error(
                "Cluster topology changed while a query was executed: member cannot be "
                f"reached: {connection.remote_address}",
                error,
                SqlErrorCode.CONNECTION_PROBLEM,
            )
        return self._client_error(str(error), error)
