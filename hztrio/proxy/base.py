"""What every distributed-object proxy shares: its name, its service, and how it invokes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import anyio

from ..errors import SchemaNotFoundError
from ..protocol.codecs import client as client_codecs

if TYPE_CHECKING:
    from ..invocation import InvocationService
    from ..partition import PartitionService
    from ..protocol.frame import ClientMessage
    from ..serialization import Data, SerializationService

MAP_SERVICE = "hz:impl:mapService"

T = TypeVar("T")


class SchemaReplicator(Protocol):
    """What proxies need of the Compact schema service (see ``hztrio.compact``)."""

    @property
    def has_pending(self) -> bool:
        """Whether schemas were used that the cluster has not been sent yet."""

    async def send_pending(self) -> None:
        """Send those schemas to the cluster; return once it has them."""

    async def fetch(self, schema_id: int) -> None:
        """Get a schema from the cluster; raise SchemaNotFoundError if it has none."""

_DESTROY_PROXY = client_codecs.CLIENT_DESTROY_PROXY


def thread_id() -> int:
    """The "thread id" Hazelcast sees for the current task.

    Hazelcast ties lock ownership to the caller's thread; hztrio ties it to the calling task,
    so the task that locked a key is the one that may unlock it.
    """
    return anyio.get_current_task().id & 0x7FFFFFFFFFFFFFFF


def to_millis(seconds: float | None) -> int:
    """Seconds (float) to the protocol's milliseconds; None → -1 (the member's default)."""
    if seconds is None:
        return -1
    return int(seconds * 1000)


class ProxyContext:
    """The client services a proxy works with."""

    __slots__ = ("invocations", "on_destroy", "partitions", "schemas", "serialization")

    def __init__(
        self,
        invocations: InvocationService,
        partitions: PartitionService,
        serialization: SerializationService,
        on_destroy: Callable[[Proxy], None],
        schemas: SchemaReplicator | None = None,
    ) -> None:
        self.invocations = invocations
        self.partitions = partitions
        self.serialization = serialization
        self.on_destroy = on_destroy
        self.schemas = schemas


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
        self._to_object = context.serialization.to_object
        self._schemas = context.schemas

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"

    async def destroy(self) -> bool:
        """Destroy the object on the cluster, with all its data; True once done.

        Cancellation: the request may or may not reach the cluster.
        """
        await self._invocations.invoke(_DESTROY_PROXY.encode_request(self.name, self.service_name))
        self._context.on_destroy(self)
        return True

    # -- helpers for subclasses -------------------------------------------------------------

    def _key_data(self, key: Any) -> Data:
        if key is None:
            raise TypeError("key can't be None")
        data = self._to_data(key)
        assert data is not None
        return data

    def _value_data(self, value: Any, what: str = "value") -> Data:
        if value is None:
            raise TypeError(f"{what} can't be None")
        data = self._to_data(value)
        assert data is not None
        return data

    # Every request goes through these three. Before sending, Compact schemas the request may
    # use are sent to the cluster (a member must know a schema before it sees data of it).

    async def _invoke(self, request: bytearray, retryable: bool = False) -> ClientMessage:
        schemas = self._schemas
        if schemas is not None and schemas.has_pending:
            await schemas.send_pending()
        return await self._invocations.invoke(request, retryable=retryable)

    async def _invoke_on_key(
        self, request: bytearray, key_data: Data, retryable: bool = False
    ) -> ClientMessage:
        schemas = self._schemas
        if schemas is not None and schemas.has_pending:
            await schemas.send_pending()
        return await self._invocations.invoke(
            request,
            partition_id=self._partitions.get_partition_id(key_data),
            retryable=retryable,
        )

    async def _invoke_on_partition(
        self, request: bytearray, partition_id: int, retryable: bool = False
    ) -> ClientMessage:
        schemas = self._schemas
        if schemas is not None and schemas.has_pending:
            await schemas.send_pending()
        return await self._invocations.invoke(
            request, partition_id=partition_id, retryable=retryable
        )

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
