"""Near Cache hit versus remote ``get``: latency of one read, and their ratio.

One task reads keys one after another (concurrency 1), so every number is the latency of a
single ``await m.get(key)``:

* ``remote``: a map without a Near Cache; every ``get`` is a round trip to the member;
* ``hit-binary``: a near-cached map (BINARY format, the default) whose entries are all
  cached; every ``get`` is a hit that deserializes the cached value;
* ``hit-object``: the same with ``in_memory_format=OBJECT`` (no deserialization).

hztrio runs under Trio and under AnyIO's asyncio backend; with ``--official`` the official
client's Near Cache (``hazelcast.HazelcastClient``, blocking proxy) is measured the same way
for comparison. Run it from the repository root::

    python -m benchmarks.near_cache_bench             # about 20 s
    python -m benchmarks.near_cache_bench --official  # the official client too
    python -m benchmarks.near_cache_bench --smoke     # a few seconds, measures nothing

It starts its own member (``hztrio.testing.start_cluster_sync``) unless ``--address`` names
one. Results go to ``benchmarks/results/near_cache_bench.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import platform
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import anyio

KEY_COUNT = 1_000
VALUE_SIZE = 100
DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "near_cache_bench.json"


def make_keys() -> list[str]:
    return [f"key-{i:04d}" for i in range(KEY_COUNT)]


def make_value() -> bytearray:
    # a Hazelcast byte array for both clients (the official client pickles ``bytes``)
    return bytearray(b"x" * VALUE_SIZE)


@dataclass
class Result:
    client: str
    kind: str
    ops: int
    mean_us: float
    p50_us: float
    p99_us: float


def summarize(client: str, kind: str, latencies_ns: list[int]) -> Result:
    ordered = sorted(latencies_ns)

    def pct(fraction: float) -> float:
        return ordered[max(1, math.ceil(fraction * len(ordered))) - 1] / 1000

    return Result(
        client, kind, len(ordered), sum(ordered) / len(ordered) / 1000, pct(0.5), pct(0.99)
    )


async def measure(
    read: Callable[[str], Awaitable[Any]], keys: Sequence[str], ops: int
) -> list[int]:
    latencies = []
    clock = time.perf_counter_ns
    n = len(keys)
    for i in range(ops):
        key = keys[i % n]
        start = clock()
        await read(key)
        latencies.append(clock() - start)
    return latencies


async def run_hztrio(
    backend: str, members: list[str], cluster_name: str, ops: int, remote_ops: int
) -> list[Result]:
    from hztrio import HazelcastClient
    from hztrio.config import InMemoryFormat

    keys = make_keys()
    value = make_value()
    near_caches = {
        "nc-binary": {"eviction_max_size": 2 * KEY_COUNT},
        "nc-object": {
            "eviction_max_size": 2 * KEY_COUNT,
            "in_memory_format": InMemoryFormat.OBJECT,
        },
    }
    results = []
    client_name = f"hztrio-{backend}"
    async with HazelcastClient(
        cluster_name=cluster_name, cluster_members=members, near_caches=near_caches
    ) as client:
        plain = await client.get_map("remote")
        await plain.put_all(dict.fromkeys(keys, value))
        await measure(plain.get, keys, min(remote_ops, 2_000))  # warm-up
        results.append(summarize(client_name, "remote", await measure(plain.get, keys, remote_ops)))
        for name, kind in (("nc-binary", "hit-binary"), ("nc-object", "hit-object")):
            m: Any = await client.get_map(name)
            await m.put_all(dict.fromkeys(keys, value))
            for key in keys:
                await m.get(key)  # cache every entry
            before = m.near_cache_stats()
            await measure(m.get, keys, min(ops, 20_000))  # warm-up
            latencies = await measure(m.get, keys, ops)
            after = m.near_cache_stats()
            assert after.misses == before.misses, "the benchmark must read only hits"
            results.append(summarize(client_name, kind, latencies))
    return results


def run_official(members: list[str], cluster_name: str, ops: int, remote_ops: int) -> list[Result]:
    import hazelcast  # the official client, only for comparison
    from hazelcast.config import InMemoryFormat

    official: Any = hazelcast

    keys = make_keys()
    value = make_value()
    client = official.HazelcastClient(
        cluster_name=cluster_name,
        cluster_members=members,
        near_caches={
            "official-nc-binary": {"eviction_max_size": 2 * KEY_COUNT},
            "official-nc-object": {
                "eviction_max_size": 2 * KEY_COUNT,
                "in_memory_format": InMemoryFormat.OBJECT,
            },
        },
    )
    results = []
    clock = time.perf_counter_ns

    def sync_measure(read: Callable[[str], Any], count: int) -> list[int]:
        latencies = []
        for i in range(count):
            key = keys[i % len(keys)]
            start = clock()
            read(key)
            latencies.append(clock() - start)
        return latencies

    try:
        plain: Any = client.get_map("official-remote").blocking()
        plain.put_all(dict.fromkeys(keys, value))
        sync_measure(plain.get, min(remote_ops, 2_000))
        results.append(summarize("official", "remote", sync_measure(plain.get, remote_ops)))
        for name, kind in (
            ("official-nc-binary", "hit-binary"),
            ("official-nc-object", "hit-object"),
        ):
            m: Any = client.get_map(name).blocking()
            m.put_all(dict.fromkeys(keys, value))
            for key in keys:
                m.get(key)
            sync_measure(m.get, min(ops, 20_000))
            results.append(summarize("official", kind, sync_measure(m.get, ops)))
    finally:
        client.shutdown()
    return results


@contextmanager
def member(args: argparse.Namespace) -> Iterator[tuple[list[str], str]]:
    if args.address:
        yield [args.address], args.cluster_name
        return
    from hztrio.testing import start_cluster_sync

    with start_cluster_sync(1, heap="512m") as cluster:
        yield cluster.addresses, cluster.cluster_name


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ops", type=int, default=200_000, help="hits measured per case")
    parser.add_argument("--remote-ops", type=int, default=10_000, help="remote gets measured")
    parser.add_argument("--official", action="store_true", help="measure the official client")
    parser.add_argument("--smoke", action="store_true", help="tiny counts: checks it runs")
    parser.add_argument("--address", help="use this member instead of starting one")
    parser.add_argument("--cluster-name", default="dev")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = parser.parse_args(argv)
    if args.smoke:
        args.ops, args.remote_ops = 2_000, 200
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    results: list[Result] = []
    with member(args) as (members, cluster_name):
        for backend in ("trio", "asyncio"):
            gc.collect()
            results += anyio.run(
                run_hztrio,
                backend,
                members,
                cluster_name,
                args.ops,
                args.remote_ops,
                backend=backend,
            )
        if args.official:
            gc.collect()
            results += run_official(members, cluster_name, args.ops, args.remote_ops)

    print(f"{'client':<16} {'read':<11} {'ops':>8} {'mean µs':>9} {'p50 µs':>8} {'p99 µs':>8}")
    for r in results:
        print(
            f"{r.client:<16} {r.kind:<11} {r.ops:>8} {r.mean_us:>9.2f} {r.p50_us:>8.2f} "
            f"{r.p99_us:>8.2f}"
        )
    ratios = []
    for client in dict.fromkeys(r.client for r in results):
        by_kind = {r.kind: r for r in results if r.client == client}
        remote = by_kind["remote"]
        for kind in ("hit-binary", "hit-object"):
            ratio = by_kind[kind].mean_us / remote.mean_us
            ratios.append({"client": client, "read": kind, "hit_over_remote": ratio})
            print(
                f"{client}: a {kind} costs {ratio:.1%} of a remote get "
                f"({remote.mean_us / by_kind[kind].mean_us:.0f}x faster)"
            )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "benchmark": "near_cache_bench",
                "settings": {
                    "keys": KEY_COUNT,
                    "value_bytes": VALUE_SIZE,
                    "ops": args.ops,
                    "remote_ops": args.remote_ops,
                    "smoke": args.smoke,
                },
                "environment": {"python": platform.python_version(), "platform": sys.platform},
                "results": [asdict(r) for r in results],
                "ratios": ratios,
                "wall_seconds": round(time.perf_counter() - started, 1),
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
