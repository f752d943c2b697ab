"""The distributed executor service (``IExecutorService``): run tasks on members."""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import uuid
from collections.abc import Iterable
from typing import Any, Final

import anyio
import anyio.lowlevel

from .._concurrency import gather
from ..errors import TargetNotMemberError
from ..protocol.codecs import executor_service as codecs
from ..protocol.types import MemberInfo
from ..serialization.data import Data
from .base import Proxy

EXECUTOR_SERVICE = "hz:impl:executorService"

#: How long (seconds) a cancelled call waits, shielded, for the member to take its cancel
#: request before it gives up and lets the cancellation through.
CANCEL_TIMEOUT: Final = 5.0

_logger = logging.getLogger("hztrio.proxy.executor")

_SHUTDOWN = codecs.EXECUTOR_SERVICE_SHUTDOWN.encode_request
_IS_SHUTDOWN = codecs.EXECUTOR_SERVICE_IS_SHUTDOWN.encode_request
_SUBMIT_TO_PARTITION = codecs.EXECUTOR_SERVICE_SUBMIT_TO_PARTITION.encode_request
_SUBMIT_TO_MEMBER = codecs.EXECUTOR_SERVICE_SUBMIT_TO_MEMBER.encode_request
_CANCEL_ON_PARTITION = codecs.EXECUTOR_SERVICE_CANCEL_ON_PARTITION.encode_request
_CANCEL_ON_MEMBER = codecs.EXECUTOR_SERVICE_CANCEL_ON_MEMBER.encode_request

_bool_response = codecs.EXECUTOR_SERVICE_IS_SHUTDOWN.decode_response
_cancel_response = codecs.EXECUTOR_SERVICE_CANCEL_ON_MEMBER.decode_response  # both alike
_partition_result = codecs.EXECUTOR_SERVICE_SUBMIT_TO_PARTITION.decode_response
_member_result = codecs.EXECUTOR_SERVICE_SUBMIT_TO_MEMBER.decode_response


def _check_member(member: object) -> MemberInfo:
    if not isinstance(member, MemberInfo):
        raise TypeError(
            "member must be a MemberInfo (from client.cluster_service.get_members()), "
            f"got {member!r}"
        )
    return member


class Executor(Proxy):
    """Runs tasks on the members of the cluster (Hazelcast's ``IExecutorService``).

    A task is an object the member can deserialize into a ``java.util.concurrent.Callable``
    (or ``Runnable``): an ``IdentifiedDataSerializable``, ``Portable`` or Compact object whose
    Java class is on the members' classpath. The member runs it in the executor's thread pool
    (the ``<executor-service>`` named like this proxy) and sends back what ``call()`` returns;
    the methods return that result, deserialized, or raise the member's error (the task's
    exception keeps its Java class name: an ``IllegalArgumentException`` thrown by the task
    raises :class:`~hztrio.errors.IllegalArgumentError`).

    Timeouts: a task may run as long as it likes, so the submitting methods do not apply
    ``invocation_timeout``; bound them with your own cancel scope (``anyio.fail_after``).

    Cancellation of a submitting method: the client asks the member to cancel the task
    (with interruption of its thread) — best effort, within at most :data:`CANCEL_TIMEOUT`
    seconds during which the call stays shielded — and then lets the cancellation through.
    A task that already finished is not undone; a task that does not react to interruption
    runs on. Cancellation of the other methods: the call stops waiting at once; a request
    already sent may still take effect.
    """

    async def execute_on_key_owner(self, key: Any, task: Any) -> Any:
        """Run *task* on the member that owns *key*'s partition; return its result.

        Raises TypeError if *key* or *task* is None. Cancellation: see the class.
        """
        key_data = self._key_data(key)
        task_data = self._task_data(task)
        partition_id = self._partitions.get_partition_id(key_data)
        task_uuid = uuid.uuid4()
        await self._send_schemas()
        try:
            response = await self._invocations.invoke(
                _SUBMIT_TO_PARTITION(self.name, task_uuid, task_data),
                partition_id=partition_id,
                time_limit=math.inf,
            )
        except anyio.get_cancelled_exc_class():
            await self._cancel(
                _CANCEL_ON_PARTITION(task_uuid, True), partition_id=partition_id, target=None
            )
            raise
        data = _partition_result(response)
        return await self._deserialize(lambda: self._to_object(data))

    async def execute_on_member(self, member: MemberInfo, task: Any) -> Any:
        """Run *task* on *member* (a :class:`~hztrio.protocol.types.MemberInfo`, as
        ``client.cluster_service.get_members()`` lists them); return its result.

        Raises TypeError if *member* is not a MemberInfo or *task* is None, and
        ``TargetNotMemberError`` if the member is not in the cluster. Cancellation: see the
        class.
        """
        member = _check_member(member)
        task_data = self._task_data(task)
        await self._send_schemas()
        return await self._execute_on_member(member.uuid, task_data)

    async def execute_on_members(self, members: Iterable[MemberInfo], task: Any) -> list[Any]:
        """Run *task* on each of *members*, concurrently; return their results in the order
        of *members* (an empty list for no members).

        Like the official client, it waits for every member's task to end; if any failed, it
        raises the first error that arrived (the other members' tasks still ran to their
        end). Raises TypeError if a member is not a MemberInfo or *task* is None.
        Cancellation: every member's task is cancelled (see the class).
        """
        if isinstance(members, str | bytes) or not isinstance(members, Iterable):
            raise TypeError(f"members must be a sequence of MemberInfo, got {members!r}")
        targets = [_check_member(member).uuid for member in members]
        task_data = self._task_data(task)
        if not targets:
            await anyio.lowlevel.checkpoint()
            return []
        await self._send_schemas()
        results: list[Any] = [None] * len(targets)
        errors: list[Exception] = []  # in the order they arrived

        async def run(index: int, target: uuid.UUID) -> None:
            try:
                results[index] = await self._execute_on_member(target, task_data)
            except Exception as error:
                errors.append(error)

        await gather(
            [functools.partial(run, index, target) for index, target in enumerate(targets)]
        )
        if errors:
            raise errors[0]
        return results

    async def execute_on_all_members(self, task: Any) -> list[Any]:
        """Run *task* on every member the client knows now (the order of
        ``client.cluster_service.get_members()``); return their results in that order.

        As :meth:`execute_on_members` otherwise.
        """
        cluster = self._context.cluster
        if cluster is None:
            raise RuntimeError("this proxy was made without a cluster service")
        return await self.execute_on_members(cluster.get_members(), task)

    async def is_shutdown(self) -> bool:
        """Whether the executor was shut down, as one member (the load balancer's choice)
        sees it: True after :meth:`shutdown`, from this client or any other."""
        response = await self._invoke(_IS_SHUTDOWN(self.name), True)
        return bool(_bool_response(response))

    async def shutdown(self) -> None:
        """Shut the executor down on every member the client knows: each stops its thread
        pool for this executor after the tasks already submitted ran, and reports
        :meth:`is_shutdown` True from then on.

        A member shuts down only its own part of an executor when a client asks it, so the
        request goes to each member (a member that joins later does not know of the
        shutdown); with ``smart_routing=False`` only the member the client is connected to
        receives it, as with the official client. Beware: members refuse new tasks of a
        shut-down executor only when they come from member-side code; tasks a client
        submits afterwards still run (in a fresh pool), with this client as with the
        official ones. Check :meth:`is_shutdown` first if it matters.
        """
        cluster = self._context.cluster
        targets = [] if cluster is None else [m.uuid for m in cluster.get_members()]
        if not targets or not self._smart():
            await self._invoke(_SHUTDOWN(self.name), True)
            return

        async def shutdown_on(target: uuid.UUID) -> None:
            with contextlib.suppress(TargetNotMemberError):  # it left: nothing to shut down
                await self._invocations.invoke(_SHUTDOWN(self.name), uuid=target, retryable=True)

        await gather([functools.partial(shutdown_on, target) for target in targets])

    # -- internals ------------------------------------------------------------------------

    def _task_data(self, task: Any) -> Data:
        if task is None:
            raise TypeError("task can't be None")
        data = self._to_data(task)
        assert data is not None
        return data

    def _smart(self) -> bool:
        config = self._context.config
        return config is None or config.smart_routing

    def _by_uuid(self, target: uuid.UUID) -> uuid.UUID | None:
        """How to route a request for member *target*: through the connection to it (smart
        routing), or through any connection (unisocket: the member forwards it, the request
        names its target)."""
        return target if self._smart() else None

    async def _execute_on_member(self, target: uuid.UUID, task_data: Data) -> Any:
        task_uuid = uuid.uuid4()
        try:
            response = await self._invocations.invoke(
                _SUBMIT_TO_MEMBER(self.name, task_uuid, task_data, target),
                uuid=self._by_uuid(target),
                time_limit=math.inf,
            )
        except anyio.get_cancelled_exc_class():
            await self._cancel(
                _CANCEL_ON_MEMBER(task_uuid, target, True), partition_id=-1, target=target
            )
            raise
        data = _member_result(response)
        return await self._deserialize(lambda: self._to_object(data))

    async def _cancel(
        self, request: bytearray, *, partition_id: int, target: uuid.UUID | None
    ) -> None:
        """Ask the member to cancel a task whose caller was cancelled: shielded, at most
        CANCEL_TIMEOUT seconds; errors are logged, never raised (the cancellation goes on)."""
        with anyio.move_on_after(CANCEL_TIMEOUT, shield=True) as scope:
            try:
                response = await self._invocations.invoke(
                    request,
                    partition_id=partition_id,
                    uuid=None if target is None else self._by_uuid(target),
                    time_limit=CANCEL_TIMEOUT,
                )
            except Exception as error:
                _logger.debug("could not cancel a task of executor %r: %r", self.name, error)
            else:
                _logger.debug(
                    "executor %r: cancel request answered %s", self.name, _cancel_response(response)
                )
        if scope.cancelled_caught:
            _logger.debug("executor %r: no answer to a cancel request in time", self.name)
