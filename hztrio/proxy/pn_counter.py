"""A CRDT counter that can be incremented and decremented (``PNCounter``)."""

from __future__ import annotations

import logging
import random
import uuid
from typing import TYPE_CHECKING, Final

from ..errors import ClientNotActiveError, HazelcastError, NoDataMemberInClusterError
from ..protocol.codecs import pn_counter as codecs
from .base import Proxy

if TYPE_CHECKING:
    from ..cluster import ClusterService
    from ..protocol.types import MemberInfo
    from .base import ProxyContext

PN_COUNTER_SERVICE = "hz:impl:PNCounterService"

_logger = logging.getLogger("hztrio.proxy.pn_counter")

_GET = codecs.PN_COUNTER_GET.encode_request
_ADD = codecs.PN_COUNTER_ADD.encode_request
_GET_CONFIGURED_REPLICA_COUNT = codecs.PN_COUNTER_GET_CONFIGURED_REPLICA_COUNT.encode_request
_counter_response = codecs.PN_COUNTER_GET.decode_response  # get and add decode alike
_int_response = codecs.PN_COUNTER_GET_CONFIGURED_REPLICA_COUNT.decode_response

_LONG_MIN: Final = -(2**63)
_LONG_MAX: Final = 2**63 - 1


def _check_delta(delta: object, negate: bool = False) -> int:
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise TypeError(f"delta must be an int, got {delta!r} ({type(delta).__name__})")
    value = -delta if negate else delta
    if not _LONG_MIN <= value <= _LONG_MAX:
        raise ValueError(f"delta must fit in a 64-bit signed integer, got {delta!r}")
    return value


class PNCounter(Proxy):
    """A CRDT counter that can be incremented and decremented (``PNCounter``).

    Every data member that is a replica of the counter (the first ``replica-count`` data
    members of the member list; by default all of them) takes updates on its own, without
    coordination, and the replicas converge: when two of them have seen the same updates,
    in whatever order, they have the same value.

    The proxy talks to one replica at a time, chosen at random, and keeps to it while it
    answers. It remembers the newest vector clock it observed and sends it with every call,
    which gives the session monotonic reads and read-your-writes: a replica that has not
    yet seen what this proxy observed answers with
    :class:`~hztrio.errors.ConsistencyLostError`. When the chosen replica fails, the call
    is retried on another one it has not tried yet; when none is left, the last error is
    raised (:class:`~hztrio.errors.NoDataMemberInClusterError` if the cluster has no data
    member at all). After a ConsistencyLostError, either wait for an up-to-date replica to
    come back or call :meth:`reset` to start a new session.

    An update whose answer was lost (the member died) may or may not have been applied.

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster; the observed vector clock is updated only from
    answers the caller received.
    """

    def __init__(self, service_name: str, name: str, context: ProxyContext) -> None:
        super().__init__(service_name, name, context)
        cluster = context.cluster
        assert cluster is not None, "a PNCounter needs the cluster service"
        self._cluster: ClusterService = cluster
        #: the newest vector clock observed: replica (member) UUID -> logical timestamp
        self._observed_clock: dict[uuid.UUID, int] = {}
        self._max_replica_count = 0
        self._current_target: MemberInfo | None = None

    # -- reading ----------------------------------------------------------------------------

    async def get(self) -> int:
        """The counter's current value (as the replica the proxy talks to sees it).

        Raises :class:`~hztrio.errors.NoDataMemberInClusterError` if the cluster has no
        data member, :class:`~hztrio.errors.ConsistencyLostError` if no reachable replica
        has seen what this proxy observed (see :meth:`reset`).
        """
        return await self._invoke_on_replica(None, False)

    # -- adding -----------------------------------------------------------------------------

    async def get_and_add(self, delta: int) -> int:
        """Add *delta*; return the value before.

        Raises TypeError/ValueError if *delta* is not an int that fits in 64 bits, and the
        errors of :meth:`get`.
        """
        return await self._invoke_on_replica(_check_delta(delta), True)

    async def add_and_get(self, delta: int) -> int:
        """Add *delta*; return the value after (errors as :meth:`get_and_add`)."""
        return await self._invoke_on_replica(_check_delta(delta), False)

    async def get_and_subtract(self, delta: int) -> int:
        """Subtract *delta*; return the value before (errors as :meth:`get_and_add`)."""
        return await self._invoke_on_replica(_check_delta(delta, negate=True), True)

    async def subtract_and_get(self, delta: int) -> int:
        """Subtract *delta*; return the value after (errors as :meth:`get_and_add`)."""
        return await self._invoke_on_replica(_check_delta(delta, negate=True), False)

    async def get_and_decrement(self) -> int:
        """Subtract one; return the value before (errors as :meth:`get`)."""
        return await self._invoke_on_replica(-1, True)

    async def decrement_and_get(self) -> int:
        """Subtract one; return the value after (errors as :meth:`get`)."""
        return await self._invoke_on_replica(-1, False)

    async def get_and_increment(self) -> int:
        """Add one; return the value before (errors as :meth:`get`)."""
        return await self._invoke_on_replica(1, True)

    async def increment_and_get(self) -> int:
        """Add one; return the value after (errors as :meth:`get`)."""
        return await self._invoke_on_replica(1, False)

    # -- the session ------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the observed vector clock: the next call starts a new session.

        Use it after a :class:`~hztrio.errors.ConsistencyLostError` to carry on with the
        replicas that are reachable (at the price of the session guarantees for what was
        observed before). A plain method, as in the official client: it does no I/O.
        """
        self._observed_clock = {}

    # -- internals --------------------------------------------------------------------------

    async def _invoke_on_replica(self, delta: int | None, get_before_update: bool) -> int:
        """Run a get (*delta* None) or an add on a replica, failing over to the others."""
        excluded: set[uuid.UUID] = set()
        last_error: HazelcastError | None = None
        while True:
            target = await self._target(excluded)
            if target is None:
                if last_error is not None:
                    raise last_error
                raise NoDataMemberInClusterError(
                    "Cannot invoke operations on a CRDT because the cluster does not contain "
                    "any data members"
                )
            timestamps = list(self._observed_clock.items())
            if delta is None:
                request = _GET(self.name, timestamps, target.uuid)
            else:
                request = _ADD(self.name, delta, get_before_update, timestamps, target.uuid)
            try:
                # unisocket: the one connection's member forwards to the replica the
                # request names (targeting a member we have no connection to would wait)
                config = self._context.config
                smart = config is None or config.smart_routing
                response = await self._invocations.invoke(
                    request, uuid=target.uuid if smart else None, retryable=delta is None
                )
            except ClientNotActiveError:
                raise
            except HazelcastError as exc:
                _logger.debug(
                    "PNCounter %r: %s failed on %s (%r); trying another replica",
                    self.name,
                    "get" if delta is None else "add",
                    target,
                    exc,
                )
                excluded.add(target.uuid)
                last_error = exc
                continue
            value, replica_timestamps, _replica_count = _counter_response(response)
            self._observe(replica_timestamps)
            return int(value)

    def _observe(self, timestamps: list[tuple[uuid.UUID, int]]) -> None:
        """Keep *timestamps* if they are causally after the observed clock."""
        received = dict(timestamps)
        if _is_after(received, self._observed_clock):
            self._observed_clock = received

    async def _target(self, excluded: set[uuid.UUID]) -> MemberInfo | None:
        """The replica to talk to: the current one while it is a member and not excluded,
        else a random replica not in *excluded* (None if there is none)."""
        current = self._current_target
        if (
            current is not None
            and current.uuid not in excluded
            and self._cluster.get_member(current.uuid) is not None
        ):
            return current
        replicas = await self._replicas(excluded)
        chosen = random.choice(replicas) if replicas else None
        self._current_target = chosen
        return chosen

    async def _replicas(self, excluded: set[uuid.UUID]) -> list[MemberInfo]:
        """The data members that hold the counter (the first ``replica-count`` of the member
        list), without those in *excluded*."""
        data_members = self._cluster.get_members(lambda member: not member.lite_member)
        if not data_members:
            return []
        count = await self._replica_count()
        return [m for m in data_members[:count] if m.uuid not in excluded]

    async def _replica_count(self) -> int:
        """The counter's configured ``replica-count``, asked of the cluster once."""
        count = self._max_replica_count
        if count <= 0:
            response = await self._invoke(_GET_CONFIGURED_REPLICA_COUNT(self.name), retryable=True)
            count = self._max_replica_count = int(_int_response(response))
        return count


def _is_after(clock: dict[uuid.UUID, int], other: dict[uuid.UUID, int]) -> bool:
    """Whether vector clock *clock* is causally strictly after *other*: it has every
    replica of *other* at the same or a later timestamp, and a later one or more replicas."""
    any_later = False
    for replica, other_timestamp in other.items():
        timestamp = clock.get(replica)
        if timestamp is None or timestamp < other_timestamp:
            return False
        if timestamp > other_timestamp:
            any_later = True
    return any_later or len(clock) > len(other)
