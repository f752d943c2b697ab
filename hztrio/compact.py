"""The client side of Compact schema replication: send new schemas, fetch unknown ones.

Compact data carries only a schema id; the cluster keeps the schemas. Two rules follow:

- **schema before data**: the cluster must have a schema before any request carrying data
  of it. Serializing an object of a new schema records the schema as pending
  (:class:`~hztrio.serialization.compact.SchemaRegistry`, synchronous); before sending a
  request, the proxies call :meth:`CompactSchemaService.send_pending`, which sends each
  pending schema with ``Client.sendSchema`` and waits until every member has it.
- **fetch what is unknown**: reading Compact data of a schema the client has never seen
  raises :class:`~hztrio.errors.SchemaNotFoundError`; the proxies call
  :meth:`CompactSchemaService.fetch` (``Client.fetchSchema``) and read again.

After the client connects to a new cluster (a restarted one has lost every schema), every
known schema is pending again, is sent in the background at once with
``Client.sendAllSchemas``, and in any case before the next request of a proxy.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Coroutine, Iterable
from typing import TYPE_CHECKING, Any, Final

import anyio

from .errors import HazelcastError, IllegalStateError, SchemaNotFoundError
from .protocol.codecs import client as client_codecs
from .serialization.compact import Schema, SchemaRegistry

if TYPE_CHECKING:
    from .invocation import InvocationService

__all__ = ["CompactSchemaService"]

_logger = logging.getLogger("hztrio.compact")

_SEND_SCHEMA: Final = client_codecs.CLIENT_SEND_SCHEMA
_FETCH_SCHEMA: Final = client_codecs.CLIENT_FETCH_SCHEMA
_SEND_ALL_SCHEMAS: Final = client_codecs.CLIENT_SEND_ALL_SCHEMAS

DEFAULT_SEND_ATTEMPTS: Final = 100
"""How many times a schema is sent before giving up when some member never confirms it
(the official clients' limit)."""

Spawn = Callable[[Callable[[], Coroutine[Any, Any, None]]], None]


class CompactSchemaService:
    """Replicates the Compact schemas of one client (``hztrio.proxy.base.SchemaReplicator``).

    Args:
        registry: the serialization service's schemas (``SerializationService.compact_schemas``).
        invocations: sends the requests.
        member_uuids: the UUIDs of the members the client knows (a schema counts as sent once
            each of them has confirmed it).
        retry_pause: seconds to wait before sending a schema again that some member has not
            confirmed yet.
        spawn: runs a coroutine function in the background (used to re-send every schema at
            once after connecting to a new cluster); ``None`` to only re-send lazily.
        send_attempts: how many times to send a schema before raising.
    """

    def __init__(
        self,
        registry: SchemaRegistry,
        invocations: InvocationService,
        member_uuids: Callable[[], Iterable[uuid.UUID]],
        retry_pause: float = 1.0,
        spawn: Spawn | None = None,
        send_attempts: int = DEFAULT_SEND_ATTEMPTS,
    ) -> None:
        self._registry = registry
        self._invocations = invocations
        self._member_uuids = member_uuids
        self._retry_pause = retry_pause
        self._spawn = spawn
        self._send_attempts = max(1, send_attempts)
        self._lock = anyio.Lock()

    @property
    def registry(self) -> SchemaRegistry:
        """The schemas this service replicates."""
        return self._registry

    @property
    def has_pending(self) -> bool:
        """True if some schema may be unknown to the cluster (cheap; checked before every
        request)."""
        return self._registry.has_pending

    async def send_pending(self) -> None:
        """Send the pending schemas to the cluster; return once every member has them.

        Concurrent callers wait for one another, so each schema is sent once.

        Raises:
            IllegalStateError: some member did not confirm a schema after
                ``send_attempts`` tries (a split cluster, for example).
            HazelcastError: the requests failed (as any invocation fails).

        Cancellation: stops at once; schemas not confirmed yet stay pending and are sent by
        the next call.
        """
        registry = self._registry
        async with self._lock:
            if registry.resend_all:
                schemas = registry.all()
                _logger.debug("sending %d Compact schemas to a new cluster", len(schemas))
                await self._invocations.invoke(
                    _SEND_ALL_SCHEMAS.encode_request(schemas), retryable=True
                )
                registry.mark_all_sent(schemas)
            for schema in registry.pending():
                await self._send(schema)
                registry.mark_sent([schema])

    async def _send(self, schema: Schema) -> None:
        request = _SEND_SCHEMA.encode_request(schema)
        for attempt in range(1, self._send_attempts + 1):
            response = await self._invocations.invoke(bytearray(request), retryable=True)
            replicated = set(_SEND_SCHEMA.decode_response(response))
            missing = [m for m in self._member_uuids() if m not in replicated]
            if not missing:
                _logger.debug("Compact schema %r is on every member", schema)
                return
            _logger.debug(
                "Compact schema %r is not confirmed by %d members yet (attempt %d)",
                schema,
                len(missing),
                attempt,
            )
            if attempt < self._send_attempts:
                await anyio.sleep(self._retry_pause)
        raise IllegalStateError(
            f"the Compact schema {schema!r} could not be replicated to every member after "
            f"{self._send_attempts} attempts; the client may be connected to both halves of a "
            f"split cluster, and writing data of this schema could lose it. It may succeed "
            f"once the cluster is whole again."
        )

    async def fetch(self, schema_id: int) -> None:
        """Get the schema ``schema_id`` from the cluster and add it to the registry.

        Raises:
            SchemaNotFoundError: the cluster does not know the schema either.
            HazelcastError: the request failed.

        Cancellation: stops waiting; the schema is not added (a later read fetches it
        again).
        """
        response = await self._invocations.invoke(
            _FETCH_SCHEMA.encode_request(schema_id), retryable=True
        )
        schema: Schema | None = _FETCH_SCHEMA.decode_response(response)
        if schema is None:
            raise SchemaNotFoundError(
                f"the Compact schema {schema_id} is unknown to this client and to the "
                f"cluster; the data was written by a client that did not send its schema",
                schema_id=schema_id,
            )
        if schema.schema_id != schema_id:
            raise SchemaNotFoundError(
                f"the cluster answered the request for Compact schema {schema_id} with {schema!r}",
                schema_id=schema_id,
            )
        self._registry.add_known(schema)

    def on_new_cluster(self) -> None:
        """The client is connected to a new cluster: send every schema again (synchronous).

        The schemas are pending from now on, so the next request of a proxy sends them; they
        are also sent in the background at once, if the service can spawn tasks.
        """
        self._registry.mark_all_pending()
        if self._spawn is not None and self._registry.has_pending:
            try:
                self._spawn(self._send_in_background)
            except HazelcastError as exc:  # the client is shutting down
                _logger.debug("Compact schemas not re-sent in the background: %r", exc)

    async def _send_in_background(self) -> None:
        try:
            await self.send_pending()
        except HazelcastError as exc:
            _logger.warning(
                "Compact schemas could not be sent to the new cluster yet (%s); they will be "
                "sent before the next request",
                exc,
            )
