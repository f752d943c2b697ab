"""A distributed map from a key to a collection of values (``MultiMap``)."""

from __future__ import annotations

from typing import Generic, TypeVar

from .base import Proxy

KeyType = TypeVar("KeyType")
ValueType = TypeVar("ValueType")

MULTI_MAP_SERVICE = "hz:impl:multiMapService"


class MultiMap(Proxy, Generic[KeyType, ValueType]):
    """A distributed map from a key to a collection of values (``MultiMap``).

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """
