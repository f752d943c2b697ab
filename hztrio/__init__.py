"""hztrio: a Hazelcast client for Trio and AnyIO applications.

::

    import hztrio

    async with hztrio.HazelcastClient(cluster_members=["127.0.0.1:5701"]) as client:
        personnel = await client.get_map("personnel-map")
        await personnel.put("Alice", "IT")
"""

from __future__ import annotations

__version__ = "0.1.0.dev0"

from .client import HazelcastClient as HazelcastClient
from .core import HazelcastJsonValue as HazelcastJsonValue
from .lifecycle import LifecycleState as LifecycleState

__all__ = ["HazelcastClient", "HazelcastJsonValue", "LifecycleState", "__version__"]
