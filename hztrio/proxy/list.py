"""A distributed list (``IList``): ordered, indexed, duplicates allowed."""

from __future__ import annotations

from typing import Generic, TypeVar

from .base import Proxy

ItemType = TypeVar("ItemType")

LIST_SERVICE = "hz:impl:listService"


class List(Proxy, Generic[ItemType]):
    """A distributed list (``IList``): ordered, indexed, duplicates allowed.

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """
