"""What every distributed-object proxy shares: its name, its service, and how it invokes."""

from __future__ import annotations

import asyncio
import enum
import itertools
import uuid
import weakref
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import sniffio
import trio.lowlevel

from ..errors import SchemaNotFoundError
from ..protocol.codecs import client as client_codecs
from ..serialization.data import SPLIT_SIZE, Data, SplitData

if TYPE_CHECKING:
    from .._backend import Backend
    from ..cluster import ClusterService
    from ..config import Config
    from ..invocation import InvocationService
    from ..listener import ListenerService
    from ..partition import PartitionTable
    from ..protocol.frame import ClientMessage
    from ..serialization import SerializationService
    from ..serialization.compact import SchemaRegistry

MAP_SERVICE = "hz:impl:mapService"

T = TypeVar("T")


class SchemaReplicator(Protocol):
    """What proxies need of the Compact schema service (see ``hztrio.compact``)."""

    @property
    def has_pending(self) -> bool:
        """Whether schemas were used that the cluster has not been sent yet."""

    @property
    def registry(self) -> SchemaRegistry:
        """The schemas; its ``any_pending`` is ``has_pending`` as an attribute."""

    async def send_pending(self) -> None:
        """Send those schemas to the cluster; return once it has them."""

    async def fetch(self, schema_id: int) -> None:
        """Get a schema from the cluster; raise SchemaNotFoundError if it has none."""


_DESTROY_PROXY = client_codecs.CLIENT_DESTROY_PROXY


# Hazelcast's "thread id" of each task: numbers from one counter, never reused. Trio tasks
# are keyed by a weak reference whose callback drops the entry with the task (a plain dict:
# a WeakKeyDictionary's lookup is a Python call); an asyncio task's number is dropped when
# it is done.
_task_ids: dict[weakref.ref[object], int] = {}
_asyncio_task_ids: dict[object, int] = {}
_next_task_id = itertools.count(1)


def _new_asyncio_task_id(task: asyncio.Task[Any] | None) -> int:
    if task is None:
        raise RuntimeError("hztrio proxies must be called from a task")
    number = _asyncio_task_ids[task] = next(_next_task_id)
    task.add_done_callback(_asyncio_task_ids.pop)
    return number


def _forget_trio_task(reference: weakref.ref[object]) -> None:
    _task_ids.pop(reference, None)


def _new_trio_task_id(task: object) -> int:
    number = _task_ids[weakref.ref(task, _forget_trio_task)] = next(_next_task_id)
    return number


def thread_id_function(backend: Backend) -> Callable[[], int]:
    """A function that returns the calling task's :func:`thread_id` under *backend*, without
    asking which event loop runs (the proxies' hot path)."""
    current_task = backend.current_task
    if backend.name == "trio":
        trio_ids = _task_ids
        ref = weakref.ref

        def trio_thread_id() -> int:
            task = current_task()
            try:
                return trio_ids[ref(task)]
            except KeyError:
                return _new_trio_task_id(task)

        return trio_thread_id
    asyncio_ids = _asyncio_task_ids

    def asyncio_thread_id() -> int:
        task = current_task()
        number = asyncio_ids.get(task)
        if number is None:
            return _new_asyncio_task_id(task)  # type: ignore[arg-type]
        return number

    return asyncio_thread_id


def thread_id() -> int:
    """The "thread id" Hazelcast sees for the current task.

    Hazelcast ties lock ownership to the caller's thread; hztrio ties it to the calling task,
    so the task that locked a key is the one that may unlock it. Each task gets a number of
    its own for its lifetime (never reused by a later task).
    """
    if sniffio.current_async_library() == "trio":
        task = trio.lowlevel.current_task()
        try:
            return _task_ids[weakref.ref(task)]
        except KeyError:
            return _new_trio_task_id(task)
    current = asyncio.current_task()
    number = _asyncio_task_ids.get(current)
    if number is None:
        return _new_asyncio_task_id(current)
    return number


def new_thread_id() -> int:
    """A fresh "thread id" from the same counter as the tasks' (see :func:`adopt_thread_id`)."""
    return next(_next_task_id)


def adopt_thread_id(number: int) -> None:
    """Make the current task use *number* as its "thread id".

    For the blocking facade: every call made from one OS thread must act as the same
    Hazelcast thread (a lock taken by one call is released by the next), although the thread
    may be served by more than one task over time (a fresh one after an interrupted call).
    Call it first thing in the task.
    """
    if sniffio.current_async_library() == "trio":
        _task_ids[weakref.ref(trio.lowlevel.current_task(), _forget_trio_task)] = number
        return
    task = asyncio.current_task()
    if task is None:
        raise RuntimeError("hztrio proxies must be called from a task")
    if task not in _asyncio_task_ids:
        task.add_done_callback(_forget_asyncio_task)
    _asyncio_task_ids[task] = number


def _forget_asyncio_task(task: object) -> None:
    _asyncio_task_ids.pop(task, None)


def to_millis(seconds: float | None) -> int:
    """Seconds (float) to the protocol's milliseconds; None → -1 (the member's default)."""
    if seconds is None:
        return -1
    return int(seconds * 1000)


class ProxyContext:
    """The client services a proxy works with."""

    __slots__ = (
        "cluster",
        "config",
        "invocations",
        "listeners",
        "on_destroy",
        "partitions",
        "schemas",
        "serialization",
        "spawn",
    )

    def __init__(
        self,
        invocations: InvocationService,
        partitions: PartitionTable,
        serialization: SerializationService,
        on_destroy: Callable[[Proxy], None],
        schemas: SchemaReplicator | None = None,
        *,
        cluster: ClusterService | None = None,
        listeners: ListenerService | None = None,
        spawn: Callable[..., None] | None = None,
        config: Config | None = None,
    ) -> None:
        self.invocations = invocations
        self.partitions = partitions
        self.serialization = serialization
        self.on_destroy = on_destroy
        self.schemas = schemas
        self.cluster = cluster
        self.listeners = listeners
        self.spawn = spawn
        #: the client's configuration (per-object options such as ``reliable_topics``)
        self.config = config


class Proxy:
    """A distributed object on the cluster, seen from this client.

    Instances come from the client (``await client.get_map(name)``, …); they are cheap and
    cached per name.
    """

    def __init__(self, service_name: str, name: str, context: ProxyContext) -> None:
        self.service_name = service_name
        self.name = name
        self._context = context
        self._invocations = context.invocations
        self._partitions = context.partitions
        self._serialization = context.serialization
        self._to_data = context.serialization.to_data
        self._pack_str_head = context.serialization.pack_str_head
        self._pack_bytes_head = context.serialization.pack_bytes_head
        self._to_object = context.serialization.to_object
        self._to_objects = context.serialization.to_objects
        self._to_object_pairs = context.serialization.to_object_pairs
        self._schemas = context.schemas
        #: the schemas' registry, whose ``any_pending`` every request checks (an attribute:
        #: no call on the hot path)
        self._schema_registry = None if self._schemas is None else self._schemas.registry
        #: the calling task's thread id (bound to the event loop's own function on first use)
        self._thread_id: Callable[[], int] = self._first_thread_id
        self._name_partition = -1

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"

    def _first_thread_id(self) -> int:
        # a proxy may be made before the event loop is known: bind on the first call
        self._thread_id = thread_id_function(self._invocations.backend)
        return self._thread_id()

    async def destroy(self) -> bool:
        """Destroy the object on the cluster, with all its data; True once done.

        Cancellation: the request may or may not reach the cluster.
        """
        await self._invocations.invoke(_DESTROY_PROXY.encode_request(self.name, self.service_name))
        self._context.on_destroy(self)
        return True

    # -- helpers for subclasses -------------------------------------------------------------

    def _name_partition_id(self) -> int:
        """The partition of a structure that lives on one partition (queue, list, set,
        ringbuffer, …): that of its name's partition key, the part after an ``@`` if there is
        one (``"orders@customer-7"`` lives with key ``"customer-7"``), as members compute it."""
        partition_id = self._name_partition
        if partition_id < 0:
            name = self.name
            partition_key = name.partition("@")[2] if "@" in name else name
            partition_id = self._partitions.get_partition_id(self._key_data(partition_key))
            if partition_id >= 0:
                self._name_partition = partition_id
        return partition_id

    def _invoke_on_name_partition(
        self, request: bytearray, retryable: bool = False
    ) -> Coroutine[Any, Any, ClientMessage]:
        """Invoke on the partition of the structure's name (see :meth:`_name_partition_id`)."""
        return self._invoke_on_partition(request, self._name_partition_id(), retryable)

    def _key_data(self, key: Any) -> Data:
        if key.__class__ is str:
            # to_data of a str, inline (most keys are strings): two calls less per key
            try:
                raw = key.encode()
            except UnicodeEncodeError:
                pass  # to_data below raises the error that explains it
            else:
                return Data(self._pack_str_head(len(raw)) + raw)
        elif key is None:
            raise TypeError("key can't be None")
        data = self._to_data(key)
        assert data is not None
        return data

    def _value_data(self, value: Any, what: str = "value") -> Data | SplitData:
        """A value that goes into one frame of one request: a large ``bytes`` value comes
        back as a SplitData, which the codecs send without copying it."""
        if value.__class__ is bytes:
            if len(value) >= SPLIT_SIZE:
                return self._serialization.split_bytes(value)
            return Data(self._pack_bytes_head(len(value)) + value)  # to_data, inline
        if value is None:
            raise TypeError(f"{what} can't be None")
        data = self._to_data(value)
        assert data is not None
        return data

    def _entry_value_data(self, value: Any) -> Data:
        """A value that goes into a list of entries (always a plain Data)."""
        if value is None:
            raise TypeError("value can't be None")
        data = self._to_data(value)
        assert data is not None
        return data

    # Every request goes through these three. Before sending, Compact schemas the request may
    # use are sent to the cluster (a member must know a schema before it sees data of it).

    #
    # They are plain functions returning the invocation's coroutine (one frame less on the
    # path of every call); only with schemas to send first is there a wrapper.

    def _invoke(
        self, request: bytearray, retryable: bool = False
    ) -> Coroutine[Any, Any, ClientMessage]:
        return self._invoke_on_partition(request, -1, retryable)

    def _invoke_on_key(
        self, request: bytearray, key_data: Data, retryable: bool = False
    ) -> Coroutine[Any, Any, ClientMessage]:
        # _invoke_on_partition, inline: the path of every key operation
        partition_id = self._partitions.get_partition_id(key_data)
        registry = self._schema_registry
        if registry is not None and registry.any_pending:
            return self._invoke_after_schemas(request, partition_id, retryable)
        return self._invocations.invoke(request, partition_id=partition_id, retryable=retryable)

    def _invoke_on_partition(
        self, request: bytearray, partition_id: int, retryable: bool = False
    ) -> Coroutine[Any, Any, ClientMessage]:
        registry = self._schema_registry
        if registry is not None and registry.any_pending:
            return self._invoke_after_schemas(request, partition_id, retryable)
        return self._invocations.invoke(request, partition_id=partition_id, retryable=retryable)

    async def _invoke_on_partitions(
        self, calls: Sequence[tuple[bytearray, int]], retryable: bool = False
    ) -> list[ClientMessage]:
        """``(request, partition_id)`` pairs (a bulk operation's one request per partition),
        all sent before any response is awaited; the responses in order."""
        schemas = self._schemas
        if schemas is not None and schemas.has_pending:
            await schemas.send_pending()
        return await self._invocations.invoke_on_partitions(calls, retryable=retryable)

    async def _invoke_after_schemas(
        self, request: bytearray, partition_id: int, retryable: bool
    ) -> ClientMessage:
        assert self._schemas is not None
        await self._schemas.send_pending()
        return await self._invocations.invoke(
            request, partition_id=partition_id, retryable=retryable
        )

    async def _send_schemas(self) -> None:
        """Send the Compact schemas serialized so far that the cluster does not have yet
        (before a request whose data may use them, when it does not go through _invoke)."""
        schemas = self._schemas
        if schemas is not None and schemas.has_pending:
            await schemas.send_pending()

    async def _fetch_schema_and_read(self, error: SchemaNotFoundError, read: Callable[[], T]) -> T:
        """After ``read()`` raised *error*: fetch the schema, read again (see _deserialize)."""
        if self._schemas is None:
            raise error
        await self._schemas.fetch(error.schema_id)
        return await self._deserialize(read)

    async def _deserialize(self, read: Callable[[], T]) -> T:
        """``read()`` — deserializing a response — fetching unknown Compact schemas first.

        Cancellation: stops waiting for a schema; nothing else happens.
        """
        while True:
            try:
                return read()
            except SchemaNotFoundError as exc:
                if self._schemas is None:
                    raise
                await self._schemas.fetch(exc.schema_id)


class EntryEventType(enum.IntFlag):
    """Kinds of entry events (the protocol's listener flags)."""

    ADDED = 1
    REMOVED = 2
    UPDATED = 4
    EVICTED = 8
    EXPIRED = 16
    EVICT_ALL = 32
    CLEAR_ALL = 64
    MERGED = 128
    INVALIDATION = 256
    LOADED = 512


class EntryEvent:
    """Something happened to an entry (or, for EVICT_ALL / CLEAR_ALL, to many).

    ``key``, ``value``, ``old_value`` and ``merging_value`` are deserialized when first read
    (listener callbacks and event iterators get them already deserialized); ``value`` and
    ``old_value`` are None unless the listener asked for values.
    """

    __slots__ = (
        "_data",
        "_objects",
        "_to_object",
        "event_type",
        "member",
        "name",
        "number_of_affected_entries",
        "uuid",
    )

    def __init__(
        self,
        to_object: Callable[[Any], Any],
        name: str,
        key: bytes | None,
        value: bytes | None,
        old_value: bytes | None,
        merging_value: bytes | None,
        event_type: int,
        member_uuid: uuid.UUID,
        number_of_affected_entries: int,
        member: Any = None,
    ) -> None:
        self._to_object = to_object
        self._data = (key, value, old_value, merging_value)
        self._objects: tuple[Any, Any, Any, Any] | None = None
        self.name = name
        """Name of the map."""
        self.event_type = EntryEventType(event_type)
        """What happened."""
        self.uuid = member_uuid
        """UUID of the member where it happened."""
        self.member = member
        """That member (a ``MemberInfo``), if it is still in the member list."""
        self.number_of_affected_entries = number_of_affected_entries
        """How many entries an EVICT_ALL or CLEAR_ALL affected."""

    def materialize(self) -> None:
        """Deserialize the key and values now (may raise SchemaNotFoundError)."""
        if self._objects is None:
            to_object = self._to_object
            key, value, old, merging = self._data
            self._objects = (to_object(key), to_object(value), to_object(old), to_object(merging))

    @property
    def key(self) -> Any:
        self.materialize()
        assert self._objects is not None
        return self._objects[0]

    @property
    def value(self) -> Any:
        self.materialize()
        assert self._objects is not None
        return self._objects[1]

    @property
    def old_value(self) -> Any:
        self.materialize()
        assert self._objects is not None
        return self._objects[2]

    @property
    def merging_value(self) -> Any:
        self.materialize()
        assert self._objects is not None
        return self._objects[3]

    def __repr__(self) -> str:
        return (
            f"EntryEvent(name={self.name!r}, event_type={self.event_type.name}, key={self.key!r}, "
            f"value={self.value!r}, old_value={self.old_value!r}, "
            f"merging_value={self.merging_value!r}, member={self.uuid}, "
            f"number_of_affected_entries={self.number_of_affected_entries})"
        )
