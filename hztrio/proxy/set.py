"""A distributed set (``ISet``): no duplicates, no order."""

from __future__ import annotations

from typing import Generic, TypeVar

from .base import Proxy

ItemType = TypeVar("ItemType")

SET_SERVICE = "hz:impl:setService"


class Set(Proxy, Generic[ItemType]):
    """A distributed set (``ISet``): no duplicates, no order.

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """
