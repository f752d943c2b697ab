"""A distributed, bounded or unbounded FIFO queue (``IQueue``)."""

from __future__ import annotations

from typing import Generic, TypeVar

from .base import Proxy

ItemType = TypeVar("ItemType")

QUEUE_SERVICE = "hz:impl:queueService"


class Queue(Proxy, Generic[ItemType]):
    """A distributed, bounded or unbounded FIFO queue (``IQueue``).

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """
