"""A map replicated in full to every member (``ReplicatedMap``)."""

from __future__ import annotations

from typing import Generic, TypeVar

from .base import Proxy

KeyType = TypeVar("KeyType")
ValueType = TypeVar("ValueType")

REPLICATED_MAP_SERVICE = "hz:impl:replicatedMapService"


class ReplicatedMap(Proxy, Generic[KeyType, ValueType]):
    """A map replicated in full to every member (``ReplicatedMap``).

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """
