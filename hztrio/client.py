"""``HazelcastClient``: configuration → services → one task tree owned by ``async with``."""

from __future__ import annotations

import itertools
import logging
import logging.config
import uuid
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, TypeVar

import anyio
import anyio.abc

from ._concurrency import flatten_group, reraise
from .cluster import ClusterService
from .compact import CompactSchemaService
from .config import Config
from .cp import CPSubsystem
from .errors import ClientNotActiveError, HazelcastInternalError
from .invocation import InvocationService
from .lifecycle import LifecycleService, LifecycleState
from .listener import (
    DEFAULT_BUFFER_SIZE,
    EventDispatcher,
    EventSubscription,
    ListenerRegistration,
    ListenerService,
)
from .near_cache import NearCacheManager
from .net.heartbeat import run_heartbeat
from .net.manager import ConnectionManager
from .partition import PartitionService, PartitionTable
from .protocol.codecs import client as client_codecs
from .protocol.frame import ClientMessage
from .protocol.types import DistributedObjectInfo
from .proxy.base import MAP_SERVICE, Proxy, ProxyContext
from .proxy.executor import EXECUTOR_SERVICE, Executor
from .proxy.flake_id_generator import FLAKE_ID_GENERATOR_SERVICE, FlakeIdGenerator
from .proxy.list import LIST_SERVICE, List
from .proxy.map import Map
from .proxy.multi_map import MULTI_MAP_SERVICE, MultiMap
from .proxy.near_cached_map import NearCachedMap
from .proxy.pn_counter import PN_COUNTER_SERVICE, PNCounter
from .proxy.queue import QUEUE_SERVICE, Queue
from .proxy.reliable_topic import RELIABLE_TOPIC_SERVICE, ReliableTopic
from .proxy.replicated_map import REPLICATED_MAP_SERVICE, ReplicatedMap
from .proxy.ringbuffer import RINGBUFFER_SERVICE, Ringbuffer
from .proxy.set import SET_SERVICE, Set
from .proxy.topic import TOPIC_SERVICE, Topic
from .serialization import SerializationService
from .sql import SqlService
from .transaction import TWO_PHASE, Transaction
from .util import RoundRobinLB

__all__ = ["HazelcastClient"]

_logger = logging.getLogger("hztrio.client")
_client_ids = itertools.count()

_CREATE_PROXY = client_codecs.CLIENT_CREATE_PROXY.encode_request
_GET_DISTRIBUTED_OBJECTS = client_codecs.CLIENT_GET_DISTRIBUTED_OBJECTS

_PROXY_CLASSES: dict[str, type[Proxy]] = {
    MAP_SERVICE: Map,
    MULTI_MAP_SERVICE: MultiMap,
    REPLICATED_MAP_SERVICE: ReplicatedMap,
    QUEUE_SERVICE: Queue,
    SET_SERVICE: Set,
    LIST_SERVICE: List,
    RINGBUFFER_SERVICE: Ringbuffer,
    TOPIC_SERVICE: Topic,
    RELIABLE_TOPIC_SERVICE: ReliableTopic,
    PN_COUNTER_SERVICE: PNCounter,
    FLAKE_ID_GENERATOR_SERVICE: FlakeIdGenerator,
    EXECUTOR_SERVICE: Executor,
}

P = TypeVar("P", bound=Proxy)

_NEW, _RUNNING, _CLOSED = "new", "running", "closed"


class HazelcastClient:
    """A client of one Hazelcast cluster, for Trio and AnyIO (asyncio) applications.

    Use it as an async context manager; the block owns every background task the client
    needs (connections, heartbeat, cluster view)::

        async with HazelcastClient(cluster_name="dev",
                                   cluster_members=["127.0.0.1:5701"]) as client:
            personnel = await client.get_map("personnel-map")
            await personnel.put("Alice", "IT")

    The keyword arguments are the options of the official Hazelcast Python client, with the
    same names, meanings and defaults (see :class:`hztrio.config.Config`); they are
    validated here, so a wrong name or value raises ``TypeError``/``ValueError`` at once.
    A :class:`~hztrio.config.Config` built beforehand may be given instead, as *config*.

    Entering the block connects to the cluster and returns once the client has a
    connection, the member list and the partition table (at once with ``async_start``). It
    raises if the cluster cannot be reached within ``cluster_connect_timeout``. Leaving the
    block — normally, by an exception or by cancellation — shuts the client down and leaves
    no task or socket behind; the body's exception propagates as itself.
    """

    def __init__(self, config: Config | None = None, **options: Any) -> None:
        if config is None:
            config = Config.from_kwargs(**options)
            explicit_level = "logging_level" in options
        elif not isinstance(config, Config):
            raise TypeError(f"config must be a hztrio.config.Config, got {config!r}")
        elif options:
            raise TypeError(
                f"give either config or keyword options, not both (got {sorted(options)})"
            )
        else:
            explicit_level = config.logging_level != logging.INFO
        self.config = config
        _apply_logging_options(config, explicit_level=explicit_level)
        self._id = next(_client_ids)
        self.name = config.client_name or f"hz.client_{self._id}"
        self._uuid = uuid.uuid4()
        self.lifecycle_service = LifecycleService(list(config.lifecycle_listeners))
        self._serialization = SerializationService.from_config(config)
        self._invocations = InvocationService(config)
        self.cluster_service = ClusterService()
        self._partitions = PartitionTable()
        #: the partition count, owners and the partition of a key (official client API)
        self.partition_service = PartitionService(self._partitions, self._serialization)
        self._connections = ConnectionManager(
            config,
            self._uuid,
            self.name,
            self.lifecycle_service,
            self._invocations,
            self.cluster_service,
            self._partitions,
            self._cluster_lost,
        )
        self._invocations.bind(self._connections, self._partitions)
        self._listeners = ListenerService(
            self._invocations, self._connections, config.smart_routing
        )
        load_balancer = config.load_balancer if config.load_balancer is not None else RoundRobinLB()
        load_balancer.init(self.cluster_service)
        self._connections.set_load_balancer(load_balancer)
        for member_added, member_removed in config.membership_listeners:
            self.cluster_service.add_listener(member_added, member_removed)
        self._schemas = CompactSchemaService(
            self._serialization.compact_schemas,
            self._invocations,
            lambda: [member.uuid for member in self.cluster_service.get_members()],
            config.invocation_retry_pause,
            spawn=self._spawn,
        )
        self._connections.add_new_cluster_observer(self._schemas.on_new_cluster)
        self._proxy_context = ProxyContext(
            self._invocations,
            self._partitions,
            self._serialization,
            self._proxy_destroyed,
            self._schemas,
            cluster=self.cluster_service,
            listeners=self._listeners,
            spawn=self._spawn,
            config=config,
        )
        #: the CP Subsystem's data structures (AtomicLong, CountDownLatch, …; docs/cp.md)
        self.cp_subsystem = CPSubsystem(self._proxy_context, self.name, self._check_active)
        #: Hazelcast SQL: ``await client.sql.execute(...)`` (docs/sql.md)
        self.sql = SqlService(
            self._proxy_context, self._connections, self._uuid, self._check_active
        )
        self._proxies: dict[tuple[str, str], Proxy] = {}
        self._state = _NEW
        self._task_group: anyio.abc.TaskGroup | None = None
        self._services_scope: anyio.CancelScope | None = None
        self._services_tg: anyio.abc.TaskGroup | None = None
        self._object_listeners: dict[str, tuple[uuid.UUID, EventDispatcher[Any]]] = {}
        self._near_caches: NearCacheManager | None = None

    def __repr__(self) -> str:
        return f"HazelcastClient(name={self.name!r}, cluster={self.config.cluster_name!r})"

    # -- the task tree ----------------------------------------------------------------------

    async def __aenter__(self) -> HazelcastClient:
        """Start the client; see the class documentation.

        Cancellation: startup stops, everything started so far is torn down, and the
        cancellation propagates.
        """
        if self._state != _NEW:
            raise RuntimeError("a HazelcastClient can be started only once")
        self._state = _RUNNING
        task_group = self._task_group = anyio.create_task_group()
        await task_group.__aenter__()
        try:
            self.lifecycle_service.fire(LifecycleState.STARTING)
            await task_group.start(self._run_services)
        except BaseException as exc:
            self._shutdown_now()
            try:
                await task_group.__aexit__(type(exc), exc, exc.__traceback__)
            except BaseExceptionGroup as group:
                _raise_from_group(group, exc)
            finally:
                await self.lifecycle_service.finish()
            raise
        _logger.info("Client started: %s", self.name)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Shut the client down (see :meth:`shutdown`) and wait for its tasks to end, then
        for the async lifecycle listeners' last calls (shielded, at most 5 s).

        If the body raised, that exception propagates unchanged; errors of the client's own
        tasks are attached to it as context rather than replacing it.
        """
        await self._close_cp_sessions()
        self._shutdown_now()
        task_group = self._task_group
        assert task_group is not None
        try:
            await task_group.__aexit__(exc_type, exc, tb)
        except BaseExceptionGroup as group:
            _raise_from_group(group, exc)
        finally:
            await self.lifecycle_service.finish()

    async def _run_services(
        self, *, task_status: anyio.abc.TaskStatus[None] = anyio.TASK_STATUS_IGNORED
    ) -> None:
        with anyio.CancelScope() as scope:
            self._services_scope = scope
            async with anyio.create_task_group() as tg:
                self._services_tg = tg
                tg.start_soon(self.lifecycle_service.run_async_listeners)
                self.cluster_service.start(self._spawn)
                self._listeners.start(self._spawn)
                self.lifecycle_service.fire(LifecycleState.STARTED)
                await tg.start(self._connections.run)
                tg.start_soon(self._invocations.run_watchdog)
                tg.start_soon(
                    run_heartbeat,
                    self._connections,
                    self._invocations,
                    self.config.heartbeat_interval,
                    self.config.heartbeat_timeout,
                )
                if self.config.statistics_enabled:
                    from .statistics import run_statistics  # psutil only when enabled

                    tg.start_soon(run_statistics, self)
                if not self.config.async_start:
                    await self._connections.wait_ready()
                task_status.started()

    def _shutdown_now(self) -> None:
        """Everything shutting down needs, synchronously and idempotently."""
        if self._state == _CLOSED:
            return
        self._state = _CLOSED
        lifecycle = self.lifecycle_service
        if lifecycle.state is not None:
            lifecycle.fire(LifecycleState.SHUTTING_DOWN)
        self._invocations.shutdown()
        self._listeners.shutdown()
        self.cluster_service.shutdown()
        self._connections.shutdown()
        if self._services_scope is not None:
            self._services_scope.cancel()
        if lifecycle.state is not None:
            lifecycle.fire(LifecycleState.SHUTDOWN)

    def _cluster_lost(self, error: BaseException | None) -> None:
        _logger.warning("Shutting down: the cluster is lost%s", f" ({error})" if error else "")
        self._shutdown_now()

    async def shutdown(self) -> None:
        """Shut the client down: fail waiting calls with ``ClientNotActiveError``, close
        every connection and stop every background task. Idempotent.

        Leaving the ``async with`` block does this too; calling it inside the block is only
        needed to stop the client early. Cancellation: the client is shut down anyway.
        """
        await self._close_cp_sessions()
        self._shutdown_now()
        await anyio.lowlevel.checkpoint()

    async def _close_cp_sessions(self) -> None:
        """Before the connections close: end this client's CP sessions, so that the members
        release the FencedLocks and Semaphore permits held through them now rather than at
        the sessions' expiry. Shielded, at most 5 s; never raises."""
        if self._state != _RUNNING or not self._connections.has_connections:
            return
        with anyio.CancelScope(shield=True) as scope:
            scope.deadline = anyio.current_time() + 5
            await self.cp_subsystem._close_sessions()

    # -- distributed objects --------------------------------------------------------------

    async def get_map(self, name: str) -> Map[Any, Any]:
        """The distributed map called *name* (created on the cluster on first use).

        If ``near_caches`` configures *name*, the map is a
        :class:`~hztrio.proxy.near_cached_map.NearCachedMap`, ready to use (its invalidation
        listener registered). Cancellation: stops; the next call completes the set-up.
        """
        if name not in self.config.near_caches:
            return await self._get_proxy(MAP_SERVICE, name, Map)
        proxy = await self._get_proxy(MAP_SERVICE, name, Map, self._new_near_cached_map)
        assert isinstance(proxy, NearCachedMap)
        await proxy._ensure_ready()
        return proxy

    async def get_multi_map(self, name: str) -> MultiMap[Any, Any]:
        """The distributed multi-map called *name* (created on the cluster on first use).

        Cancellation: stops; nothing is left half made.
        """
        return await self._get_proxy(MULTI_MAP_SERVICE, name, MultiMap)

    async def get_replicated_map(self, name: str) -> ReplicatedMap[Any, Any]:
        """The replicated map called *name* (created on the cluster on first use).

        Cancellation: stops; nothing is left half made.
        """
        return await self._get_proxy(REPLICATED_MAP_SERVICE, name, ReplicatedMap)

    async def get_queue(self, name: str) -> Queue[Any]:
        """The distributed queue called *name* (created on the cluster on first use).

        Cancellation: stops; nothing is left half made.
        """
        return await self._get_proxy(QUEUE_SERVICE, name, Queue)

    async def get_set(self, name: str) -> Set[Any]:
        """The distributed set called *name* (created on the cluster on first use).

        Cancellation: stops; nothing is left half made.
        """
        return await self._get_proxy(SET_SERVICE, name, Set)

    async def get_list(self, name: str) -> List[Any]:
        """The distributed list called *name* (created on the cluster on first use).

        Cancellation: stops; nothing is left half made.
        """
        return await self._get_proxy(LIST_SERVICE, name, List)

    async def get_ringbuffer(self, name: str) -> Ringbuffer[Any]:
        """The ringbuffer called *name* (created on the cluster on first use).

        Cancellation: stops; nothing is left half made.
        """
        return await self._get_proxy(RINGBUFFER_SERVICE, name, Ringbuffer)

    async def get_topic(self, name: str) -> Topic[Any]:
        """The topic called *name* (created on the cluster on first use).

        Cancellation: stops; nothing is left half made.
        """
        return await self._get_proxy(TOPIC_SERVICE, name, Topic)

    async def get_reliable_topic(self, name: str) -> ReliableTopic[Any]:
        """The reliable topic called *name*, backed by the ringbuffer ``_hz_rb_<name>``.

        Cancellation: stops; nothing is left half made.
        """
        return await self._get_proxy(RELIABLE_TOPIC_SERVICE, name, ReliableTopic)

    async def get_pn_counter(self, name: str) -> PNCounter:
        """The PN counter called *name* (created on the cluster on first use).

        Cancellation: stops; nothing is left half made.
        """
        return await self._get_proxy(PN_COUNTER_SERVICE, name, PNCounter)

    async def get_flake_id_generator(self, name: str) -> FlakeIdGenerator:
        """The Flake ID generator called *name* (created on the cluster on first use).

        Cancellation: stops; nothing is left half made.
        """
        return await self._get_proxy(FLAKE_ID_GENERATOR_SERVICE, name, FlakeIdGenerator)

    async def get_executor(self, name: str) -> Executor:
        """The executor service called *name*, which runs tasks on members (see
        docs/executor.md).

        Cancellation: stops; nothing is left half made.
        """
        return await self._get_proxy(EXECUTOR_SERVICE, name, Executor)

    def _new_near_cached_map(
        self, service_name: str, name: str, context: ProxyContext
    ) -> NearCachedMap[Any, Any]:
        manager = self._near_caches
        if manager is None:
            manager = NearCacheManager(
                self._invocations,
                self._partitions,
                self.cluster_service,
                self._serialization.to_data,
                self._uuid,
                smart=self.config.smart_routing,
            )
            self._spawn(manager.run)
            self._connections.add_connection_observers(added=manager.connection_added)
            self._connections.add_new_cluster_observer(manager.clear_all)
            self._near_caches = manager
        return NearCachedMap(service_name, name, context, manager, self.config.near_caches[name])

    async def _get_proxy(
        self,
        service_name: str,
        name: str,
        cls: type[P],
        factory: Callable[[str, str, ProxyContext], P] | None = None,
    ) -> P:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a distributed object name must be a non-empty str, got {name!r}")
        self._check_active()
        key = (service_name, name)
        proxy = self._proxies.get(key)
        if proxy is None:
            await self._invocations.invoke(_CREATE_PROXY(name, service_name))
            proxy = self._proxies.get(key)
            if proxy is None:
                new = cls if factory is None else factory
                proxy = self._proxies[key] = new(service_name, name, self._proxy_context)
        else:
            await anyio.lowlevel.checkpoint()
        assert isinstance(proxy, cls)
        return proxy

    def new_transaction(
        self, timeout: float = 120, durability: int = 1, type: int = TWO_PHASE
    ) -> Transaction:
        """A new transaction, not begun yet: use it as ``async with client.new_transaction()
        as tx:`` (begins; commits on a clean exit, rolls back on an exception or
        cancellation), or call ``begin``/``commit``/``rollback`` yourself.

        *timeout*: seconds the transaction may live before the member rolls it back;
        *durability*: how many backups keep its log; *type*: ``hztrio.transaction.TWO_PHASE``
        or ``ONE_PHASE``. Raises TypeError/ValueError for a wrong option. See
        docs/transactions.md.
        """
        self._check_active()
        return Transaction(self._proxy_context, self._connections, timeout, durability, type)

    async def get_distributed_objects(self) -> list[Proxy]:
        """Every distributed object of the cluster, as proxies.

        Objects of a service hztrio has no proxy class for yet come back as plain
        :class:`~hztrio.proxy.base.Proxy` objects (name, service name and ``destroy()``).
        """
        self._check_active()
        response = await self._invocations.invoke(_GET_DISTRIBUTED_OBJECTS.encode_request())
        infos: list[DistributedObjectInfo] = _GET_DISTRIBUTED_OBJECTS.decode_response(response)
        proxies = []
        for info in infos:
            key = (info.service_name, info.name)
            proxy = self._proxies.get(key)
            if proxy is None:
                if info.service_name == MAP_SERVICE and info.name in self.config.near_caches:
                    new: Callable[[str, str, ProxyContext], Proxy] = self._new_near_cached_map
                else:
                    new = _PROXY_CLASSES.get(info.service_name, Proxy)
                proxy = self._proxies[key] = new(info.service_name, info.name, self._proxy_context)
            proxies.append(proxy)
        return proxies

    # -- distributed object events ---------------------------------------------------------

    async def add_distributed_object_listener(
        self, listener_func: Callable[[DistributedObjectEvent], Any]
    ) -> str:
        """Call *listener_func* with a :class:`DistributedObjectEvent` whenever a distributed
        object is created or destroyed anywhere in the cluster; return a registration id.

        The callback may be a plain function or ``async def``; it runs in a task of its own,
        in order. The listener is registered on every member (and on members that join
        later) and survives reconnections. Cancellation: nothing stays registered.
        """
        self._check_active()
        dispatcher = EventDispatcher(listener_func, "distributed object listener")
        dispatcher.start(self._spawn)
        try:
            registration_id = await self._listeners.register(
                _distributed_object_registration(dispatcher.push)
            )
        except BaseException:
            dispatcher.close()
            raise
        self._object_listeners[str(registration_id)] = (registration_id, dispatcher)
        return str(registration_id)

    async def remove_distributed_object_listener(self, registration_id: str) -> bool:
        """Remove a distributed object listener; True if it was registered.

        Cancellation: the listener is removed locally regardless.
        """
        entry = self._object_listeners.pop(str(registration_id), None)
        if entry is None:
            await anyio.lowlevel.checkpoint()
            return False
        user_id, dispatcher = entry
        dispatcher.close()
        return await self._listeners.deregister(user_id)

    def distributed_object_events(
        self, *, buffer_size: int = DEFAULT_BUFFER_SIZE
    ) -> EventSubscription[DistributedObjectEvent]:
        """Distributed object events as an async iterator::

            async with client.distributed_object_events() as events:
                async for event in events:
                    print(event.event_type, event.service_name, event.name)

        Registered on entering the block, removed on leaving it. See
        :class:`~hztrio.listener.EventSubscription` for the buffer and overflow policy.
        """
        ids: list[uuid.UUID] = []

        async def enter(subscription: EventSubscription[DistributedObjectEvent]) -> None:
            self._check_active()
            registration = _distributed_object_registration(subscription.push)
            registration.on_shutdown = subscription.close  # the client going ends iteration
            ids.append(await self._listeners.register(registration))

        async def leave(subscription: EventSubscription[DistributedObjectEvent]) -> None:
            if ids:
                await self._listeners.deregister(ids.pop())

        return EventSubscription(buffer_size, enter, leave)

    def _spawn(self, fn: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> None:
        if self._services_tg is None:
            raise ClientNotActiveError()
        self._services_tg.start_soon(fn, *args)

    def _proxy_destroyed(self, proxy: Proxy) -> None:
        self._proxies.pop((proxy.service_name, proxy.name), None)

    def _check_active(self) -> None:
        if self._state == _CLOSED:
            raise ClientNotActiveError()
        if self._state == _NEW:
            raise ClientNotActiveError("Client is not started: use `async with HazelcastClient()`")


class DistributedObjectEvent:
    """A distributed object was created or destroyed."""

    __slots__ = ("event_type", "name", "service_name", "source")

    def __init__(self, name: str, service_name: str, event_type: str, source: uuid.UUID) -> None:
        self.name = name
        """Name of the object."""
        self.service_name = service_name
        """Its service, e.g. ``hz:impl:mapService``."""
        self.event_type = event_type
        """``"CREATED"`` or ``"DESTROYED"`` (:class:`DistributedObjectEventType`)."""
        self.source = source
        """UUID of the member that fired the event."""

    def __repr__(self) -> str:
        return (
            f"DistributedObjectEvent(name={self.name!r}, service_name={self.service_name!r}, "
            f"event_type={self.event_type!r}, source={self.source})"
        )


class DistributedObjectEventType:
    """The values of :attr:`DistributedObjectEvent.event_type`."""

    CREATED = "CREATED"
    DESTROYED = "DESTROYED"


_ADD_OBJECT_LISTENER = client_codecs.CLIENT_ADD_DISTRIBUTED_OBJECT_LISTENER
_REMOVE_OBJECT_LISTENER = client_codecs.CLIENT_REMOVE_DISTRIBUTED_OBJECT_LISTENER
_decode_object_event = _ADD_OBJECT_LISTENER.event_decoder("DistributedObject")


def _distributed_object_registration(
    push: Callable[[DistributedObjectEvent], None],
) -> ListenerRegistration:
    def handle(message: ClientMessage) -> None:
        name, service_name, event_type, source = _decode_object_event(message)
        push(DistributedObjectEvent(name, service_name, event_type, source))

    return ListenerRegistration(
        encode_add=_ADD_OBJECT_LISTENER.encode_request,
        decode_add=_ADD_OBJECT_LISTENER.decode_response,
        encode_remove=_REMOVE_OBJECT_LISTENER.encode_request,
        handle=handle,
    )


def _apply_logging_options(config: Config, *, explicit_level: bool) -> None:
    """``logging_config`` (a dictConfig dict) wins; else an explicit ``logging_level`` is set
    on the ``hztrio`` logger. Without either, logging is left as the application set it up."""
    if config.logging_config is not None:
        try:
            logging.config.dictConfig(dict(config.logging_config))
        except (ValueError, TypeError, AttributeError, ImportError) as exc:
            raise ValueError(f"logging_config is not a valid logging configuration: {exc}") from exc
    elif explicit_level:
        logging.getLogger("hztrio").setLevel(config.logging_level)


def _raise_from_group(group: BaseExceptionGroup[BaseException], body: BaseException | None) -> None:
    """Turn what the client's task group raised into one plain exception (design R4)."""
    leaves = flatten_group(group)
    cancelled = anyio.get_cancelled_exc_class()
    internal = [e for e in leaves if e is not body and not isinstance(e, cancelled)]
    for e in internal:
        if isinstance(e, KeyboardInterrupt):
            raise KeyboardInterrupt() from group
    if body is not None and any(e is body for e in leaves):
        reraise(
            body, BaseExceptionGroup("errors of the client's tasks", internal) if internal else None
        )
    if len(internal) == 1:
        reraise(internal[0])
    if len(internal) > 1:
        raise HazelcastInternalError("several internal errors; please report") from group
    reraise(leaves[0])
