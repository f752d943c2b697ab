"""A publish/subscribe topic (``ITopic``)."""

from __future__ import annotations

from typing import Generic, TypeVar

from .base import Proxy

MessageType = TypeVar("MessageType")

TOPIC_SERVICE = "hz:impl:topicService"


class Topic(Proxy, Generic[MessageType]):
    """A publish/subscribe topic (``ITopic``).

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """
