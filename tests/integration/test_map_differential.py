"""The same Map operations through hztrio and through the official client: same results.

The official client (sync API, run in a worker thread) works on one map and hztrio on another
of the same member; each step runs on both and the results must be equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import anyio
import anyio.to_thread
import hazelcast
import pytest
from hazelcast import predicate as official_predicate

from hztrio import HazelcastClient
from hztrio import predicate as ours
from hztrio.testing import Cluster
from tests.conftest import client_options, unique

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]


@pytest.fixture
def official(hazelcast_member: Cluster) -> Iterator[Any]:
    client = hazelcast.HazelcastClient(
        cluster_name=hazelcast_member.cluster_name, cluster_members=hazelcast_member.addresses
    )
    try:
        yield client
    finally:
        client.shutdown()


def _normalize(value: Any) -> Any:
    if isinstance(value, list):
        return sorted((_normalize(v) for v in value), key=repr)
    if isinstance(value, tuple):
        return tuple(_normalize(v) for v in value)
    if isinstance(value, dict):
        return {k: _normalize(v) for k, v in value.items()}
    if isinstance(value, bytearray):
        return bytes(value)
    return value


async def test_same_results_as_the_official_client(
    hazelcast_member: Cluster, official: Any
) -> None:
    theirs = official.get_map(unique("differential")).blocking()
    async with HazelcastClient(**client_options(hazelcast_member)) as client:
        mine = await client.get_map(unique("differential"))

        steps: list[tuple[str, Callable[[Any], Any], Callable[[Any], Any]]] = [
            ("put new", lambda m: m.put("a", 1), lambda m: m.put("a", 1)),
            ("put again", lambda m: m.put("a", 2), lambda m: m.put("a", 2)),
            ("get", lambda m: m.get("a"), lambda m: m.get("a")),
            ("get missing", lambda m: m.get("zz"), lambda m: m.get("zz")),
            ("set", lambda m: m.set("b", "two"), lambda m: m.set("b", "two")),
            ("put_if_absent", lambda m: m.put_if_absent("a", 9), lambda m: m.put_if_absent("a", 9)),
            ("put_if_absent new", lambda m: m.put_if_absent("c", 3.5), None),
            ("replace", lambda m: m.replace("c", 4.5), None),
            ("replace missing", lambda m: m.replace("q", 1), None),
            ("replace_if_same", lambda m: m.replace_if_same("c", 4.5, 5.5), None),
            ("replace_if_same no", lambda m: m.replace_if_same("c", 4.5, 6.5), None),
            ("contains_key", lambda m: m.contains_key("a"), None),
            ("contains_value", lambda m: m.contains_value("two"), None),
            ("size", lambda m: m.size(), None),
            ("is_empty", lambda m: m.is_empty(), None),
            (
                "put_all",
                lambda m: m.put_all({f"k{i}": i for i in range(20)}),
                # the official blocking put_all returns a list of its per-partition Nones
                lambda m: m.put_all({f"k{i}": i for i in range(20)}) and None,
            ),
            ("get_all", lambda m: m.get_all(["k1", "k2", "nope"]), None),
            ("key_set", lambda m: m.key_set(), None),
            ("values", lambda m: m.values(), None),
            ("entry_set", lambda m: m.entry_set(), None),
            ("remove", lambda m: m.remove("a"), None),
            ("remove missing", lambda m: m.remove("a"), None),
            ("remove_if_same", lambda m: m.remove_if_same("b", "two"), None),
            ("delete", lambda m: m.delete("k0"), None),
            ("evict", lambda m: m.evict("k1"), None),
            ("set_ttl", lambda m: m.set_ttl("k2", 100), None),
            ("try_put", lambda m: m.try_put("t", 1, 1), None),
            ("try_remove", lambda m: m.try_remove("t", 1), None),
            ("is_locked", lambda m: m.is_locked("k3"), None),
            ("size after", lambda m: m.size(), None),
        ]
        predicate_steps = [
            ("key_set pred", ours.greater("this", 15), official_predicate.greater("this", 15)),
            ("values sql", ours.sql("this < 5"), official_predicate.sql("this < 5")),
            (
                "entries between",
                ours.between("this", 3, 6),
                official_predicate.between("this", 3, 6),
            ),
            ("like", ours.like("__key", "k1%"), official_predicate.like("__key", "k1%")),
        ]
        for name, step, official_step in steps:
            official_step = official_step or step
            expected = await anyio.to_thread.run_sync(official_step, theirs)
            got = await step(mine)
            assert _normalize(got) == _normalize(expected), name
        for name, mine_predicate, their_predicate in predicate_steps:
            expected = await anyio.to_thread.run_sync(theirs.key_set, their_predicate)
            got = await mine.key_set(mine_predicate)
            assert _normalize(got) == _normalize(expected), name
            expected = await anyio.to_thread.run_sync(theirs.entry_set, their_predicate)
            got = await mine.entry_set(mine_predicate)
            assert _normalize(got) == _normalize(expected), name
        view_theirs = await anyio.to_thread.run_sync(theirs.get_entry_view, "k4")
        view_mine = await mine.get_entry_view("k4")
        assert view_mine is not None
        for field in ("key", "value", "cost", "hits", "version", "ttl", "max_idle"):
            assert getattr(view_mine, field) == getattr(view_theirs, field), field
