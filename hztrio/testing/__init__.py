"""Test support: real Hazelcast members run as local JVMs, for hztrio's tests and yours.

``start_cluster`` (async, AnyIO: Trio or asyncio) and ``start_cluster_sync`` start members
of the official ``com.hazelcast:hazelcast`` jar on 127.0.0.1 and stop them on exit::

    from hztrio.testing import start_cluster

    async with start_cluster(2) as cluster:
        async with hztrio.HazelcastClient(cluster_name=cluster.cluster_name,
                                          cluster_members=cluster.addresses) as client:
            ...
        cluster.members[1].kill()
        await cluster.wait_size(1)

The pytest plugin ``hztrio.testing.pytest_plugin`` (``-p hztrio.testing.pytest_plugin``)
adds the fixtures ``hazelcast_member`` and ``hazelcast_cluster_factory`` and shows the
member logs of failing tests. Java 17+ and Maven must be installed; the jars are fetched
into ``~/.m2`` on first use.

Environment variables:

- ``HZTRIO_MEMBER_VERSION``: the member version (default ``5.5.0``);
- ``HZTRIO_KEEP_MEMBER_LOGS``: if set, keep each cluster's directory of configs and logs
  (``$TMPDIR/hztrio-<cluster name>-*``) instead of deleting it when the cluster stops;
- ``HZTRIO_MAVEN_REPO``: the local Maven repository to use instead of ``~/.m2/repository``.
"""

from hztrio.testing.member import DEFAULT_MEMBER_VERSION as DEFAULT_MEMBER_VERSION
from hztrio.testing.member import Cluster as Cluster
from hztrio.testing.member import ClusterFactory as ClusterFactory
from hztrio.testing.member import Member as Member
from hztrio.testing.member import MemberError as MemberError
from hztrio.testing.member import MemberTimeoutError as MemberTimeoutError
from hztrio.testing.member import compile_java as compile_java
from hztrio.testing.member import ensure_member_jar as ensure_member_jar
from hztrio.testing.member import maven_repository as maven_repository
from hztrio.testing.member import member_config_xml as member_config_xml
from hztrio.testing.member import member_version as member_version
from hztrio.testing.member import start_cluster as start_cluster
from hztrio.testing.member import start_cluster_sync as start_cluster_sync
from hztrio.testing.proxy import MAX_BUFFERED_BYTES as MAX_BUFFERED_BYTES
from hztrio.testing.proxy import Direction as Direction
from hztrio.testing.proxy import FaultProxy as FaultProxy
from hztrio.testing.proxy import FaultProxyStatistics as FaultProxyStatistics

__all__ = [
    "DEFAULT_MEMBER_VERSION",
    "MAX_BUFFERED_BYTES",
    "Cluster",
    "ClusterFactory",
    "Direction",
    "FaultProxy",
    "FaultProxyStatistics",
    "Member",
    "MemberError",
    "MemberTimeoutError",
    "compile_java",
    "ensure_member_jar",
    "maven_repository",
    "member_config_xml",
    "member_version",
    "start_cluster",
    "start_cluster_sync",
]
