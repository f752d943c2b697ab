"""Load balancers: which member gets a call that no partition decides.

With smart routing, calls that are not bound to a key's partition (``size()``,
``get_distributed_objects()``, …) go to the member the load balancer picks. In unisocket mode
every call takes the one connection and the load balancer is not used.

Any object with the two methods of :class:`LoadBalancer` can be passed as the
``load_balancer`` option.
"""

from __future__ import annotations

import abc
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cluster import ClusterService
    from .protocol.types import MemberInfo

__all__ = ["LoadBalancer", "RandomLB", "RoundRobinLB"]


class LoadBalancer(abc.ABC):
    """The interface: ``init`` once when the client starts, then ``next`` for each call."""

    @abc.abstractmethod
    def init(self, cluster_service: ClusterService) -> None:
        """Called once, when the client is built, with ``client.cluster_service``."""

    @abc.abstractmethod
    def next(self) -> MemberInfo | None:
        """The member for the next call, or None to let the client pick any connection.

        Called for every such call, synchronously: it must be quick and must not block.
        """


class _MemberListLB(LoadBalancer):
    """Keeps a snapshot of the member list, refreshed on every membership change."""

    def __init__(self) -> None:
        self._cluster_service: ClusterService | None = None
        self._members: list[MemberInfo] = []

    def init(self, cluster_service: ClusterService) -> None:
        self._cluster_service = cluster_service
        cluster_service.add_observer(self._refresh)
        self._members = cluster_service.get_members()

    def _refresh(self, _removed: object, _added: object) -> None:
        assert self._cluster_service is not None
        self._members = self._cluster_service.get_members()


class RoundRobinLB(_MemberListLB):
    """Each member in turn (the default)."""

    def __init__(self) -> None:
        super().__init__()
        self._index = 0

    def next(self) -> MemberInfo | None:
        members = self._members
        if not members:
            return None
        member = members[self._index % len(members)]
        self._index += 1
        return member


class RandomLB(_MemberListLB):
    """A member chosen at random for each call."""

    def next(self) -> MemberInfo | None:
        members = self._members
        if not members:
            return None
        return random.choice(members)
