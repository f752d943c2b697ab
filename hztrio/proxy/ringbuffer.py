"""A distributed, bounded ring of items with sequence numbers (``Ringbuffer``)."""

from __future__ import annotations

from typing import Generic, TypeVar

from .base import Proxy

ItemType = TypeVar("ItemType")

RINGBUFFER_SERVICE = "hz:impl:ringbufferService"


class Ringbuffer(Proxy, Generic[ItemType]):
    """A distributed, bounded ring of items with sequence numbers (``Ringbuffer``).

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """
