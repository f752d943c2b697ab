"""A CRDT counter that can be incremented and decremented (``PNCounter``)."""

from __future__ import annotations

from .base import Proxy

PN_COUNTER_SERVICE = "hz:impl:PNCounterService"


class PNCounter(Proxy):
    """A CRDT counter that can be incremented and decremented (``PNCounter``).

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """
