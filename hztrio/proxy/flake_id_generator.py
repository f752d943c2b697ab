"""Cluster-wide unique, roughly ordered 64-bit ids (``FlakeIdGenerator``)."""

from __future__ import annotations

from .base import Proxy

FLAKE_ID_GENERATOR_SERVICE = "hz:impl:flakeIdGeneratorService"


class FlakeIdGenerator(Proxy):
    """Cluster-wide unique, roughly ordered 64-bit ids (``FlakeIdGenerator``).

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """
