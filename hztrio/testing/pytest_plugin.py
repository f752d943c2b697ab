"""pytest plugin: fixtures with real Hazelcast members, and member logs in failure reports.

Enable it with ``-p hztrio.testing.pytest_plugin`` (in ``addopts``) or
``pytest_plugins = ["hztrio.testing.pytest_plugin"]`` in a root ``conftest.py``.

Fixtures (both synchronous, so they work with any async test runner: AnyIO's plugin on
Trio or asyncio, pytest-trio, or plain sync tests):

- ``hazelcast_member`` (session scope): a :class:`~hztrio.testing.Cluster` of one member
  with a random cluster name, shared by every test that asks for it. Tests that use it
  must not change cluster-wide state (kill or suspend the member, change the cluster
  state, ...) and must use unique object names (e.g. with ``uuid4().hex``).
- ``hazelcast_cluster_factory`` (function scope): :func:`~hztrio.testing.start_cluster`
  itself, for tests that need a fresh cluster::

      async def test_failover(hazelcast_cluster_factory: ClusterFactory) -> None:
          async with hazelcast_cluster_factory(3, backup_count=2) as cluster:
              ...

  At teardown it kills the members of any cluster the test started and left running.

When a test fails, the last lines of the log of every member of the clusters it used
(clusters it started, and clusters among its fixtures) are added to its report, one
section per member.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest

from hztrio.testing.member import (
    Cluster,
    ClusterFactory,
    _observe_clusters,
    start_cluster,
    start_cluster_sync,
)

__all__ = ["hazelcast_cluster_factory", "hazelcast_member"]

REPORT_LOG_LINES = 200
"""How many lines of each member log a failing test's report shows."""

_clusters_key = pytest.StashKey[list[Cluster]]()


@pytest.fixture(scope="session")
def hazelcast_member() -> Iterator[Cluster]:
    """A one-member cluster shared by the whole session (see the module docstring)."""
    with start_cluster_sync(1) as cluster:
        yield cluster


@pytest.fixture
def hazelcast_cluster_factory() -> Iterator[ClusterFactory]:
    """:func:`hztrio.testing.start_cluster`, with a safety net at teardown."""
    started: list[Cluster] = []
    with _observe_clusters(started.append):
        yield start_cluster
    for cluster in started:
        cluster._force_close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(
    item: pytest.Item, nextitem: pytest.Item | None
) -> Generator[None, object, object]:
    clusters: list[Cluster] = []
    item.stash[_clusters_key] = clusters
    with _observe_clusters(clusters.append):
        return (yield)


def _clusters_of(item: pytest.Item) -> list[Cluster]:
    stashed = item.stash.get(_clusters_key, None)
    found: list[Cluster] = list(stashed) if stashed is not None else []
    funcargs = getattr(item, "funcargs", None)
    if isinstance(funcargs, dict):
        found.extend(value for value in funcargs.values() if isinstance(value, Cluster))
    unique: dict[int, Cluster] = {}
    for cluster in found:
        unique.setdefault(id(cluster), cluster)
    return list(unique.values())


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        for cluster in _clusters_of(item):
            for member in cluster.members:
                report.sections.append(
                    (
                        f"hazelcast {member.name} {member.address} of {cluster.cluster_name} "
                        f"(last {REPORT_LOG_LINES} log lines)",
                        _tail(member.read_log(), REPORT_LOG_LINES),
                    )
                )
    return report
