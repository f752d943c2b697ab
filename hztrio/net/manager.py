"""The connection manager: connect, authenticate, keep one connection per member, reconnect.

It runs as one task of the client's task tree with a task group of its own that holds every
connection's task (reader + writer) and the short-lived tasks that open connections to new
members. Its routing state — the active connections by member UUID — changes only in
synchronous code.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import random
import ssl
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc

from ..config import ReconnectMode
from ..errors import (
    AuthenticationError,
    ClientNotActiveError,
    ClientNotAllowedInClusterError,
    ClientOfflineError,
    HazelcastError,
    HazelcastIOError,
    IllegalStateError,
)
from ..lifecycle import LifecycleState
from ..protocol.codecs import client as client_codecs
from ..protocol.types import Address, EndpointQualifier, MemberInfo
from .connection import Connection, open_asyncio_connection
from .discovery import (
    DEFAULT_PORTS,
    AddressProvider,
    CloudAddressProvider,
    StaticAddressProvider,
)
from .tls import create_ssl_context, open_trio_tls_stream

if TYPE_CHECKING:
    from ..cluster import ClusterService
    from ..config import Config
    from ..invocation import InvocationService
    from ..lifecycle import LifecycleService
    from ..partition import PartitionTable
    from ..protocol.frame import ClientMessage

_logger = logging.getLogger("hztrio.connection")

#: the client type a member records for us ("PYH": a Python client)
CLIENT_TYPE = "PYH"
#: the Hazelcast client API level hztrio speaks (sent in the authentication request)
CLIENT_HAZELCAST_VERSION = "5.5.0"
SERIALIZATION_VERSION = 1
ROUTING_UNISOCKET = 0
ROUTING_SMART = 1
#: the key of a member's public client address in its address map (``use_public_ip``)
PUBLIC_CLIENT_ENDPOINT = EndpointQualifier(1, "public")
#: how often the manager re-checks member connections even when nothing happened
MAINTENANCE_INTERVAL = 1.0

_AUTH = client_codecs.CLIENT_AUTHENTICATION
_AUTH_CUSTOM = client_codecs.CLIENT_AUTHENTICATION_CUSTOM
_AUTH_STATUS = {
    1: "CREDENTIALS_FAILED",
    2: "SERIALIZATION_VERSION_MISMATCH",
    3: "NOT_ALLOWED_IN_CLUSTER",
}
_VIEW = client_codecs.CLIENT_ADD_CLUSTER_VIEW_LISTENER
_MEMBERS_VIEW = _VIEW.event_types["MembersView"]
_PARTITIONS_VIEW = _VIEW.event_types["PartitionsView"]
_decode_members_view = _VIEW.event_decoder("MembersView")
_decode_partitions_view = _VIEW.event_decoder("PartitionsView")
_BACKUP_LISTENER = client_codecs.CLIENT_LOCAL_BACKUP_LISTENER
_TRIGGER_PARTITION_ASSIGNMENT = client_codecs.CLIENT_TRIGGER_PARTITION_ASSIGNMENT

ConnectionObserver = Callable[[Connection], None]


class WaitStrategy:
    """The connection-retry backoff of seed §6.1: initial, times multiplier, capped, jittered."""

    def __init__(
        self,
        initial: float,
        maximum: float,
        multiplier: float,
        jitter: float,
        cluster_connect_timeout: float,
    ) -> None:
        self._initial = initial
        self._max = maximum
        self._multiplier = multiplier
        self._jitter = jitter
        self._timeout = math.inf if cluster_connect_timeout < 0 else float(cluster_connect_timeout)
        self._backoff = initial
        self._start = 0.0
        self.attempt = 0

    def reset(self) -> None:
        self._backoff = self._initial
        self._start = anyio.current_time()
        self.attempt = 0

    def next_sleep(self) -> float | None:
        """Seconds to sleep before the next attempt, or None when time is up."""
        now = anyio.current_time()
        remaining = self._start + self._timeout - now
        if remaining <= 0:
            return None
        self.attempt += 1
        backoff = self._backoff
        if self._jitter:
            backoff += random.uniform(-self._jitter * backoff, self._jitter * backoff)
        self._backoff = min(self._backoff * self._multiplier, self._max)
        return max(0.0, min(backoff, remaining))


class ConnectionManager:
    """Owns the member connections and the cluster-view registration."""

    def __init__(
        self,
        config: Config,
        client_uuid: uuid.UUID,
        client_name: str,
        lifecycle: LifecycleService,
        invocations: InvocationService,
        cluster: ClusterService,
        partitions: PartitionTable,
        on_cluster_lost: Callable[[BaseException | None], None],
    ) -> None:
        self._config = config
        self._client_uuid = client_uuid
        self._client_name = client_name
        self._lifecycle = lifecycle
        self._invocations = invocations
        self._cluster = cluster
        self._partitions = partitions
        self._on_cluster_lost = on_cluster_lost
        self._smart = config.smart_routing
        self._backup_acks = config.smart_routing and config.backup_ack_to_client_enabled
        self._connect_timeout = _positive_or_inf(config.connection_timeout)
        self._address_provider: AddressProvider
        if config.cloud_discovery_token is not None:
            self._address_provider = CloudAddressProvider(
                config.cloud_discovery_token,
                config.cloud_url,
                None if math.isinf(self._connect_timeout) else self._connect_timeout,
            )
        else:
            self._address_provider = StaticAddressProvider(config.member_addresses)
        # as in the official client, only addresses from cluster_members/the member list
        # have a public twin; cloud discovery translates addresses itself
        self._use_public_ip = config.use_public_ip and config.cloud_discovery_token is None
        #: built once, here: a bad ssl_* option fails when the client is built
        self._ssl_context = create_ssl_context(config)
        self._wait = WaitStrategy(
            config.retry_initial_backoff,
            config.retry_max_backoff,
            config.retry_multiplier,
            config.retry_jitter,
            config.cluster_connect_timeout,
        )
        self._ids = itertools.count(1)
        self.active: dict[uuid.UUID, Connection] = {}
        #: the values of ``active``: a new tuple whenever ``active`` changes (so that an
        #: identity check tells a cached route is current)
        self.connection_list: tuple[Connection, ...] = ()
        self._all: set[Connection] = set()
        self._connecting: set[uuid.UUID] = set()
        #: addresses a connection is being opened to right now (see _connect)
        self._opening: set[Address] = set()
        self._member_failures: dict[uuid.UUID, float] = {}
        self._connected = anyio.Event()
        self._ever_connected = False
        self._wakeup = anyio.Event()
        self._tg: anyio.abc.TaskGroup | None = None
        self._view_connection: Connection | None = None
        self._view_registering = False
        self._shutting_down = False
        self._reconnecting = False
        self.cluster_id: uuid.UUID | None = None
        self._connection_added: list[ConnectionObserver] = []
        self._connection_removed: list[ConnectionObserver] = []
        self._new_cluster_observers: list[Callable[[], None]] = []
        self._partitions_ready = anyio.Event()
        self._load_balancer: Any = None
        #: test hook: where to really connect instead of the address the client would dial
        #: (e.g. a fault proxy); TLS still checks the certificate against the dialed one
        self.address_translator: Callable[[Address], Address] | None = None
        self._disconnected = False
        cluster.add_observer(self._members_changed)

    # -- queries (synchronous) --------------------------------------------------------------

    @property
    def has_connections(self) -> bool:
        return bool(self.active)

    def get_connection(self, member_uuid: uuid.UUID) -> Connection | None:
        return self.active.get(member_uuid)

    def set_load_balancer(self, load_balancer: Any) -> None:
        """Internal: the object whose ``next()`` picks the member of non-key calls."""
        self._load_balancer = load_balancer

    def connection_for_any(self) -> Connection | None:
        """The connection for a call no partition decides: the load balancer's member if we
        are connected to it, else any connection."""
        if self._smart and self._load_balancer is not None:
            member = self._load_balancer.next()
            if member is not None:
                connection = self.active.get(member.uuid)
                if connection is not None:
                    return connection
        return self.random_connection()

    def random_connection(self) -> Connection | None:
        connections = self.connection_list
        if not connections:
            return None
        if len(connections) == 1:
            return connections[0]
        return random.choice(connections)

    def is_member(self, member_uuid: uuid.UUID) -> bool:
        return self._cluster.get_member(member_uuid) is not None

    def all_connections(self) -> list[Connection]:
        """Every open connection, authenticated or not (heartbeat, statistics)."""
        return [c for c in self._all if c.is_alive]

    def add_connection_observers(
        self, added: ConnectionObserver | None = None, removed: ConnectionObserver | None = None
    ) -> None:
        """Internal: be told of every authenticated connection added or removed."""
        if added is not None:
            self._connection_added.append(added)
        if removed is not None:
            self._connection_removed.append(removed)

    def add_new_cluster_observer(self, observer: Callable[[], None]) -> None:
        """Internal: be told (synchronously) when the client connects to a new cluster."""
        self._new_cluster_observers.append(observer)

    async def wait_connected(self) -> None:
        """Wait until the client has a connection to the cluster.

        Raises :class:`ClientOfflineError` at once where the configuration says not to wait
        (``async_start`` before the first connection, ``reconnect_mode=ASYNC`` later) and
        :class:`ClientNotActiveError` if the client shuts down meanwhile.

        Cancellation: stops waiting; nothing else happens.
        """
        if self._shutting_down:
            raise ClientNotActiveError()
        if self.active:
            await anyio.lowlevel.checkpoint()
            return
        if not self._ever_connected and self._config.async_start:
            raise ClientOfflineError()
        if self._ever_connected and self._config.reconnect_mode == ReconnectMode.ASYNC:
            raise ClientOfflineError()
        await self._connected.wait()
        if self._shutting_down:
            raise ClientNotActiveError()

    async def wait_ready(self) -> None:
        """Wait for a connection, the first member list and the first partition table.

        The partition table is waited for at most ``connection_timeout`` seconds (a cluster
        of lite members has none); until it arrives, key operations go to any member.

        Cancellation: stops waiting; nothing else happens.
        """
        await self.wait_connected()
        await self._cluster.wait_initial_member_list()
        if not self._partitions.initialized:
            # members assign partitions lazily; ask for it so that routing starts exact
            with anyio.move_on_after(self._connect_timeout):
                await self._invocations.invoke(_TRIGGER_PARTITION_ASSIGNMENT.encode_request())
                await self._partitions_ready.wait()

    # -- the task ---------------------------------------------------------------------------

    async def run(
        self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None:
        """Connect to the cluster and keep the connections up until cancelled.

        ``task_status.started()`` is called once the first connection is authenticated
        (at once with ``async_start``). Failing to connect within
        ``cluster_connect_timeout`` raises before that point; after it, losing the cluster
        for good calls ``on_cluster_lost`` instead of raising.
        """
        async with anyio.create_task_group() as tg:
            self._tg = tg
            try:
                if self._config.async_start:
                    task_status.started()
                    try:
                        await self._connect_to_cluster()
                    except HazelcastError as exc:
                        self._on_cluster_lost(exc)
                        return
                else:
                    await self._connect_to_cluster()
                    task_status.started()
                await self._maintain()
            finally:
                tg.cancel_scope.cancel()

    def shutdown(self) -> None:
        """Close every connection and wake everything that waits for one (synchronous)."""
        self._shutting_down = True
        for connection in list(self._all):
            connection.close("client is shutting down", None)
        self._connected.set()
        self._wakeup.set()
        self._partitions_ready.set()

    async def _maintain(self) -> None:
        assert self._tg is not None
        while True:
            self._wakeup = anyio.Event()
            if self._disconnected and not self._shutting_down:
                # fired here, not where the connection closed (that may be the reader task)
                self._disconnected = False
                self._lifecycle.fire(LifecycleState.DISCONNECTED)
            if not self.active and not await self._reconnect():
                return
            if self._view_connection is None and not self._view_registering:
                self._start_view_registration()
            if self._smart:
                self._connect_missing_members()
            with anyio.move_on_after(MAINTENANCE_INTERVAL):
                await self._wakeup.wait()

    async def _reconnect(self) -> bool:
        """Reconnect after losing every connection; False if the client must shut down."""
        if self._shutting_down:
            return False
        if self._config.reconnect_mode == ReconnectMode.OFF:
            _logger.warning("lost the connection to the cluster and reconnect_mode is OFF")
            self._on_cluster_lost(None)
            return False
        self._reconnecting = True
        try:
            await self._connect_to_cluster()
        except HazelcastError as exc:
            _logger.error("giving up reconnecting to the cluster: %s", exc)
            self._on_cluster_lost(exc)
            return False
        finally:
            self._reconnecting = False
        return True

    # -- connecting -------------------------------------------------------------------------

    def _member_candidates(self) -> list[tuple[Address, MemberInfo | None]]:
        """The members of the last cluster view: tried first, before the address provider
        is asked (as the official clients do: no discovery request while they answer)."""
        members: list[tuple[Address, MemberInfo | None]] = [
            (m.address, m) for m in self._cluster.get_members()
        ]
        if self._config.shuffle_member_list:
            random.shuffle(members)
        return members

    async def _provider_candidates(self) -> list[tuple[Address, MemberInfo | None]]:
        """The address provider's addresses (``cluster_members``, or what cloud discovery
        answers now). Cancellation: a discovery request is abandoned (CloudAddressProvider)."""
        configured: list[tuple[Address, MemberInfo | None]] = [
            (address, None) for address in await self._address_provider.load_addresses()
        ]
        if self._config.shuffle_member_list:
            random.shuffle(configured)
        return configured

    async def _dial_address(self, address: Address, member: MemberInfo | None) -> Address:
        """The address to open a connection to for the member known by ``address``.

        With ``use_public_ip``, a known member's public client address, if it reports one;
        otherwise the address provider's translation (cloud discovery: the public address
        the service lists for this private one, asking it again if it does not).
        """
        if self._use_public_ip and member is not None:
            public = (member.address_map or {}).get(PUBLIC_CLIENT_ENDPOINT)
            return address if public is None else public
        dial = await self._address_provider.translate(address)
        if dial is None:
            raise HazelcastIOError(
                f"the discovery service does not list {address}, so it cannot be reached"
            )
        return dial

    async def _connect_to_cluster(self) -> None:
        """Try every known address, with backoff, until one connection authenticates.

        Raises :class:`AuthenticationError` (members answered but refused us) or
        :class:`IllegalStateError` (no member could be reached) after
        ``cluster_connect_timeout``.
        """
        wait = self._wait
        wait.reset()
        auth_failure: HazelcastError | None = None
        last_error: BaseException | None = None
        tried: list[Address] = []
        while True:
            attempted: set[Address] = set()  # in this round
            for phase in ("members", "provider"):
                if phase == "members":
                    candidates = self._member_candidates()
                else:
                    candidates = await self._provider_candidates()
                    if not candidates and self._address_provider.last_error is not None:
                        last_error = self._address_provider.last_error
                for address, member in candidates:
                    if address in attempted:
                        continue
                    attempted.add(address)
                    if self._shutting_down:
                        raise ClientNotActiveError()
                    if self.active:  # a member connection opened meanwhile got there first
                        return
                    if address not in tried:
                        tried.append(address)
                    _logger.info("Trying to connect to %s", address)
                    try:
                        await self._connect(address, member)
                        return
                    except (AuthenticationError, ClientNotAllowedInClusterError) as exc:
                        auth_failure = last_error = exc
                        _logger.warning("%s refused the client: %s", address, exc)
                    except (OSError, TimeoutError, HazelcastError) as exc:
                        last_error = exc
                        # a TLS failure is a configuration problem more often than not
                        level = logging.WARNING if isinstance(exc, ssl.SSLError) else logging.INFO
                        _logger.log(level, "could not connect to %s: %r", address, exc)
            sleep = wait.next_sleep()
            if sleep is None:
                break
            _logger.info(
                "Unable to get live cluster connection, retry in %.2f s, attempt: %d",
                sleep,
                wait.attempt,
            )
            await anyio.sleep(sleep)
        cluster = self._config.cluster_name
        elapsed = self._config.cluster_connect_timeout
        if auth_failure is not None:
            error: HazelcastError = type(auth_failure)(
                f"Unable to connect to cluster {cluster!r} within {elapsed} s: {auth_failure}"
            )
        else:
            addresses = ", ".join(str(a) for a in tried)
            what = f"tried {addresses}" if tried else "no address to try"
            error = IllegalStateError(
                f"Unable to connect to any member of cluster {cluster!r} within {elapsed} s "
                f"({what}); last error: {last_error!r}"
            )
        raise error from last_error

    async def _connect(self, address: Address, member: MemberInfo | None = None) -> Connection:
        """Open, start and authenticate one connection; one attempt per address at a time.

        Two tasks reaching for the same member at once (the cluster reconnect and a member
        connection task) would authenticate twice and close the second connection; a member
        that sees a connection of this client close may fail the blocking calls the client
        waits for on the other one. The second attempt fails at once instead.

        Cancellation: the half-open connection is closed.
        """
        if address in self._opening:
            raise HazelcastIOError(f"a connection to {address} is being opened already")
        self._opening.add(address)
        try:
            return await self._open(address, member)
        finally:
            self._opening.discard(address)

    async def _open(self, address: Address, member: MemberInfo | None) -> Connection:
        assert self._tg is not None
        dial = await self._dial_address(address, member)
        if dial != address:
            _logger.info("Dialing %s for %s", dial, address)
        target = dial if self.address_translator is None else self.address_translator(dial)
        backend = self._invocations.backend
        stream: anyio.abc.ByteStream | None = None
        transport: asyncio.Transport | None = None
        protocol = None
        ssl_context = self._ssl_context
        with anyio.fail_after(self._connect_timeout):
            if backend.name == "asyncio":
                transport, protocol = await open_asyncio_connection(
                    target.host,
                    target.port,
                    ssl_context,
                    None if ssl_context is None else dial.host,
                )
            elif ssl_context is not None:
                # the certificate names the member, not where a test hook sends us
                stream = await open_trio_tls_stream(
                    target.host, target.port, ssl_context, dial.host
                )
            else:
                stream = await anyio.connect_tcp(target.host, target.port)
        try:
            connection = Connection(
                next(self._ids),
                stream,
                address,
                self._invocations.handle_message,
                self._connection_closed,
                socket_options=self._config.socket_options,
                backend=backend,
                transport=transport,
                connected_address=dial,
            )
        except BaseException:
            if transport is not None:
                transport.abort()
            if stream is not None:
                with anyio.CancelScope(shield=True):
                    await stream.aclose()
            raise
        if protocol is not None:
            protocol.attach(connection)
        self._all.add(connection)
        connection.send_nowait(b"CP2")
        try:
            await self._tg.start(connection.run)
            response = await self._invocations.invoke(
                self._authentication_request(address),
                connection=connection,
                time_limit=self._connect_timeout,
            )
            codec = _AUTH if self._config.token_provider is None else _AUTH_CUSTOM
            self._authenticated(connection, codec.decode_response(response))
        except BaseException:
            connection.close("authentication did not complete", None)
            raise
        return connection

    def _authentication_request(self, address: Address) -> bytearray:
        """Client.authentication with ``creds_username``/``creds_password`` (None when not
        set), or Client.authenticationCustom with the token of ``token_provider``, called
        for every connection with the member address, as the official client does."""
        config = self._config
        routing = ROUTING_SMART if self._smart else ROUTING_UNISOCKET
        labels = list(config.labels or ())
        provider = config.token_provider
        if provider is not None:
            # a failing provider fails this connection attempt, never the client's tasks
            try:
                token = provider.token(address)
            except Exception as exc:
                raise AuthenticationError(f"token_provider.token() raised {exc!r}") from exc
            if not isinstance(token, (bytes, bytearray)):
                raise AuthenticationError(
                    f"token_provider.token() must return bytes, not {type(token).__name__}"
                )
            return _AUTH_CUSTOM.encode_request(
                config.cluster_name,
                bytes(token),
                self._client_uuid,
                CLIENT_TYPE,
                SERIALIZATION_VERSION,
                CLIENT_HAZELCAST_VERSION,
                self._client_name,
                labels,
                routing,
                False,
            )
        return _AUTH.encode_request(
            config.cluster_name,
            config.creds_username,
            config.creds_password,
            self._client_uuid,
            CLIENT_TYPE,
            SERIALIZATION_VERSION,
            CLIENT_HAZELCAST_VERSION,
            self._client_name,
            labels,
            routing,
            False,
        )

    def _authenticated(self, connection: Connection, response: Any) -> None:
        """Check an authentication response and make the connection active (synchronous)."""
        status = response.status
        if status != 0:
            name = _AUTH_STATUS.get(status, f"status {status}")
            where = connection.remote_address
            if status == 3:
                raise ClientNotAllowedInClusterError(f"{where} does not allow this client")
            if status == 2:
                raise AuthenticationError(
                    f"{where} rejected the client: serialization version mismatch"
                )
            config = self._config
            if (
                config.token_provider is None
                and config.creds_username is None
                and (config.creds_password is None)
            ):
                hint = f"the cluster name {config.cluster_name!r} does not match the member's"
            else:
                hint = (
                    f"the credentials are wrong, or the cluster name {config.cluster_name!r} "
                    f"does not match the member's (a member without security, e.g. of the "
                    f"community edition, refuses any credentials)"
                )
            raise AuthenticationError(f"{where} rejected the client ({name}): {hint}")
        if self._shutting_down:
            raise ClientNotActiveError()
        self._partitions.check_partition_count(response.partition_count)
        member_uuid = response.member_uuid
        connection.member_uuid = member_uuid
        connection.server_version = response.server_hazelcast_version
        if member_uuid in self.active:
            connection.close("duplicate connection to the same member", None)
            return
        cluster_id = response.cluster_id
        if self.cluster_id is not None and cluster_id != self.cluster_id:
            _logger.warning(
                "Switching from cluster %s to a new cluster %s", self.cluster_id, cluster_id
            )
            self._new_cluster()
        self.cluster_id = cluster_id
        self.active[member_uuid] = connection
        self.connection_list = tuple(self.active.values())
        self._member_failures.pop(member_uuid, None)
        _logger.info(
            "Authenticated with server %s:%s, server version: %s, local address: %s",
            response.address,
            member_uuid,
            response.server_hazelcast_version,
            connection.local_address,
        )
        first = not self._ever_connected
        if len(self.active) == 1:
            self._ever_connected = True
            if self._disconnected:  # reconnected before the maintenance task noticed
                self._disconnected = False
                self._lifecycle.fire(LifecycleState.DISCONNECTED)
            if not self._connected.is_set():
                self._connected.set()
            if first or self._lifecycle.state != LifecycleState.CONNECTED:
                self._lifecycle.fire(LifecycleState.CONNECTED)
        if self._backup_acks:
            assert self._tg is not None
            self._tg.start_soon(self._register_backup_listener, connection)
        for observer in list(self._connection_added):
            observer(connection)
        self._wakeup.set()

    def _new_cluster(self) -> None:
        self._partitions.reset()
        self._cluster.reset()
        self._partitions_ready = anyio.Event()
        for observer in list(self._new_cluster_observers):
            observer()

    async def _register_backup_listener(self, connection: Connection) -> None:
        try:
            await self._invocations.invoke(
                _BACKUP_LISTENER.encode_request(),
                connection=connection,
                event_handler=_ignore,
            )
        except HazelcastError as exc:
            _logger.debug("backup listener not registered on %r: %r", connection, exc)

    def _connect_missing_members(self) -> None:
        assert self._tg is not None
        now = anyio.current_time()
        for member in self._cluster.get_members():
            u = member.uuid
            if u in self.active or u in self._connecting:
                continue
            failed_at = self._member_failures.get(u)
            if failed_at is not None and now - failed_at < self._config.retry_initial_backoff:
                continue
            self._connecting.add(u)
            self._tg.start_soon(self._connect_member, member)

    async def _connect_member(self, member: MemberInfo) -> None:
        try:
            await self._connect(member.address, member)
        except (OSError, TimeoutError, HazelcastError) as exc:
            self._member_failures[member.uuid] = anyio.current_time()
            level = logging.WARNING if isinstance(exc, ssl.SSLError) else logging.INFO
            _logger.log(level, "could not connect to member %s: %r", member, exc)
        finally:
            self._connecting.discard(member.uuid)

    def _members_changed(self, removed: list[MemberInfo], added: list[MemberInfo]) -> None:
        for member in removed:
            connection = self.active.get(member.uuid)
            if connection is not None:
                connection.close(f"member {member} left the cluster", None)
        self._wakeup.set()

    # -- the cluster view -------------------------------------------------------------------

    def _start_view_registration(self) -> None:
        connection = self.random_connection()
        if connection is None:
            return
        assert self._tg is not None
        self._view_registering = True
        self._tg.start_soon(self._register_cluster_view, connection)

    async def _register_cluster_view(self, connection: Connection) -> None:
        def on_event(message: ClientMessage) -> None:
            if message.message_type == _MEMBERS_VIEW:
                version, members = _decode_members_view(message)
                self._cluster.handle_members_view(version, members)
            elif message.message_type == _PARTITIONS_VIEW:
                version, partitions = _decode_partitions_view(message)
                if self._partitions.apply(connection, version, partitions):
                    self._partitions_ready.set()

        self._cluster.reset()
        try:
            await self._invocations.invoke(
                _VIEW.encode_request(), connection=connection, event_handler=on_event
            )
            if connection.is_alive:
                self._view_connection = connection
        except HazelcastError as exc:
            _logger.info("cluster view listener not registered on %r: %r", connection, exc)
        finally:
            self._view_registering = False
            self._wakeup.set()

    # -- connection loss (synchronous, called by Connection.close) ---------------------------

    def _connection_closed(self, connection: Connection) -> None:
        self._invocations.fail_connection(connection)
        self._all.discard(connection)
        member_uuid = connection.member_uuid
        if member_uuid is not None and self.active.get(member_uuid) is connection:
            del self.active[member_uuid]
            self.connection_list = tuple(self.active.values())
            _logger.info("Removed connection to %s:%s", connection.remote_address, member_uuid)
            for observer in list(self._connection_removed):
                observer(connection)
            if not self.active and not self._shutting_down:
                self._connected = anyio.Event()
                self._disconnected = True
        if connection is self._view_connection:
            self._view_connection = None
        self._wakeup.set()


def _ignore(message: ClientMessage) -> None:
    """Backup acks are routed by flag, never through the registration's handler."""


def _positive_or_inf(value: float) -> float:
    return math.inf if value is None or value <= 0 else float(value)


__all__ = ["DEFAULT_PORTS", "PUBLIC_CLIENT_ENDPOINT", "ConnectionManager", "WaitStrategy"]
