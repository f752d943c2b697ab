"""A topic backed by a Ringbuffer (``ReliableTopic``)."""

from __future__ import annotations

from typing import Generic, TypeVar

from .base import Proxy

MessageType = TypeVar("MessageType")

RELIABLE_TOPIC_SERVICE = "hz:impl:reliableTopicService"


class ReliableTopic(Proxy, Generic[MessageType]):
    """A topic backed by a Ringbuffer (``ReliableTopic``).

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """
