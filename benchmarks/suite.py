"""The benchmark suite: hztrio versus the official Python clients and the Java client.

One run starts one member and drives every client through every scenario against it, one
client process at a time:

* ``hztrio-trio``: hztrio under Trio; ``hztrio-asyncio``: hztrio under AnyIO's asyncio
  backend;
* ``official-sync``: the official threaded ``hazelcast.HazelcastClient``, driven through the
  futures of its non-blocking proxy; ``official-asyncio``: ``hazelcast.asyncio``;
* ``java``: the Java client of the member's own jar (``benchmarks/java/MapBench.java``,
  compiled with ``hztrio.testing.compile_java``).

Scenarios: map ``set``/``get`` 50/50 (100-byte values, 10,000 keys) at 1, 16 and 256
operations in flight; ``put_all`` and ``get_all`` of 1,000 entries; ``entry_set`` of 100,000
entries; ``put`` + ``get`` of one 16 MiB value; 10,000 ``get``s in flight at once (client
RSS). Run it from the repository root::

    python -m benchmarks.suite                  # everything, about 4 minutes
    python -m benchmarks.suite --repeat 3 --pin # what docs/performance.md reports (11 min)
    python -m benchmarks.suite --smoke          # about 35 s; measures nothing

benchmarks/README.md and docs/performance.md say what the numbers mean.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import itertools
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run by path: python benchmarks/suite.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.map_bench import (
    MAP_NAME,
    RunAll,
    Sleep,
    Window,
    async_cell,
    environment,
    make_keys,
    make_schedule,
    make_value,
    percentile,
    pinned,
    run_all_anyio,
    run_all_asyncio,
    sync_cell_callback,
)

ROOT = Path(__file__).resolve().parent.parent
JAVA_SOURCE = Path(__file__).resolve().parent / "java" / "MapBench.java"
DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "suite.json"

CLIENTS = ("hztrio-trio", "hztrio-asyncio", "official-sync", "official-asyncio", "java")
HZTRIO_CLIENTS = ("hztrio-trio", "hztrio-asyncio")
BASELINE = "official-asyncio"
JAVA = "java"

MAP_LEVELS = (1, 16, 256)
SCENARIOS = (
    *(f"map-{level}" for level in MAP_LEVELS),
    "put-all",
    "get-all",
    "entry-set",
    "value-16mb",
    "in-flight",
)
#: what one "op" is in each scenario, for the tables
OP_MEANING = {
    **{f"map-{level}": "one get or set" for level in MAP_LEVELS},
    "put-all": "one put_all of 1,000 entries",
    "get-all": "one get_all of 1,000 keys",
    "entry-set": "one entry_set() of 100,000 entries, every key and value read",
    "value-16mb": "one put + one get of a 16 MiB value",
    "in-flight": "one of 10,000 concurrent gets",
}
ENTRIES_MAP = "entries-bench"
ENTRY_CHUNK = 10_000

#: hztrio.testing limits a member's JIT to C1 (-XX:TieredStopAtLevel=1) for a fast start;
#: a benchmarked member gets the full tiered JIT (C2), as in production
MEMBER_JVM_ARGS = "-XX:TieredStopAtLevel=4"
#: Hazelcast's default async executor is ForkJoinPool.commonPool() only if the common pool's
#: parallelism is above 1; with 2 CPUs or fewer it is 1 and Hazelcast starts a new thread for
#: every callback (putAll/getAll over partitions, plain whenComplete). Parallelism 2 avoids
#: that pitfall of small machines.
JAVA_OPTIONS = "-Djava.util.concurrent.ForkJoinPool.common.parallelism=2"

#: with --pin: the member's CPU and the clients' CPU
MEMBER_CPU, CLIENT_CPU = 0, 1
#: seconds a client process may take beyond what its scenarios should take
WORKER_SLACK = 300.0


@dataclass
class Params:
    """Sizes and timings of the scenarios (the same for every client)."""

    keys: int = 10_000
    value_size: int = 100
    map_levels: list[int] = field(default_factory=lambda: list(MAP_LEVELS))
    duration: float = 5.0
    warmup: float = 1.5
    client_warmup: float = 2.0
    member_warmup: float = 5.0
    bulk_duration: float = 5.0
    bulk_warmup: float = 1.0
    batch: int = 1_000
    entries: int = 100_000
    large_size: int = 16 << 20
    iterations: int = 3
    #: two: a process's C allocator settles only after its second call with a 16 MiB
    #: result (the first two map fresh memory and page-fault; later ones reuse it)
    warmup_iterations: int = 2
    in_flight: int = 10_000


SMOKE_PARAMS = Params(
    duration=0.2,
    warmup=0.05,
    client_warmup=0.05,
    member_warmup=0.0,
    bulk_duration=0.2,
    bulk_warmup=0.0,
    entries=2_000,
    large_size=1 << 20,
    iterations=1,
    warmup_iterations=0,
    in_flight=500,
)


@dataclass
class Cell:
    """One client in one scenario (one round)."""

    client: str
    scenario: str
    ops: int
    seconds: float
    ops_per_s: float
    p50_us: float
    p99_us: float
    mean_us: float
    max_us: float
    cpu_us_per_op: float
    member_cpu_us_per_op: float | None
    round: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    #: the kernel's part of ``cpu_us_per_op`` (None where it was not measured: the Java client)
    sys_us_per_op: float | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Cell:
        names = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in names}
        if values.get("cpu_us_per_op") is None:
            values["cpu_us_per_op"] = math.nan
        return cls(**values)


def window_cell(
    window: Window, client: str, scenario: str, extra: dict[str, Any] | None = None
) -> Cell:
    result = window.result(client, 0)
    return Cell(
        client=client,
        scenario=scenario,
        ops=result.ops,
        seconds=result.seconds,
        ops_per_s=result.ops_per_s,
        p50_us=result.p50_us,
        p99_us=result.p99_us,
        mean_us=result.mean_us,
        max_us=result.max_us,
        cpu_us_per_op=result.cpu_us_per_op,
        member_cpu_us_per_op=result.member_cpu_us_per_op,
        extra=extra or {},
        sys_us_per_op=result.sys_us_per_op,
    )


# -- memory: /proc/self/status -----------------------------------------------------------------


def status_kb(field_name: str) -> int:
    """A ``kB`` field of /proc/self/status (VmRSS, VmHWM); -1 if there is none."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return -1


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (``echo 5 > /proc/self/clear_refs``, Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@dataclass
class MemoryProbe:
    """RSS just before a burst and its peak during it (the high-water mark, reset first)."""

    before_kb: int = 0
    hwm_reset: bool = False

    def start(self) -> None:
        gc.collect()
        self.hwm_reset = reset_peak_rss()
        self.before_kb = status_kb("VmRSS")

    def extra(self, count: int, completed: int) -> dict[str, Any]:
        peak_kb = status_kb("VmHWM")
        return {
            "in_flight": count,
            "completed": completed,
            "rss_before_mb": self.before_kb / 1024,
            "rss_peak_mb": peak_kb / 1024,
            "rss_after_mb": status_kb("VmRSS") / 1024,
            "rss_added_mb": (peak_kb - self.before_kb) / 1024,
            "hwm_reset": self.hwm_reset,
        }


# -- the worker side: one client in this process -----------------------------------------------


@dataclass
class WorkerSpec:
    """What a client process does; passed to it as JSON."""

    client: str
    #: scenario names, plus the internal "member-warmup" and "populate"
    scenarios: list[str]
    addresses: list[str]
    cluster_name: str
    member_pid: int | None
    params: Params


def entry_keys(count: int) -> list[str]:
    return [f"entry-{i:06d}" for i in range(count)]


def batches(keys: Sequence[str], size: int) -> list[list[str]]:
    return [list(keys[i : i + size]) for i in range(0, len(keys) - size + 1, size)] or [list(keys)]


def large_value(size: int) -> bytes:
    return os.urandom(size)


class AsyncDriver:
    """Every scenario for an async client (hztrio under Trio or asyncio, official asyncio).

    ``bench_map`` and ``entries_map`` have the common map API (``set``, ``get``, ``put``,
    ``delete``, ``put_all``, ``get_all``, ``entry_set``, ``clear``); ``big`` converts the
    16 MiB value to what the client serializes as a Hazelcast byte array.
    """

    def __init__(
        self,
        spec: WorkerSpec,
        bench_map: Any,
        entries_map: Any,
        sleep: Sleep,
        run_all: RunAll,
        big: Callable[[bytes], Any],
        gather: RunAll,
    ) -> None:
        self.spec = spec
        self.p = spec.params
        self.map = bench_map
        self.entries = entries_map
        self.sleep = sleep
        self.run_all = run_all
        self.gather = gather
        self.big = big
        self.keys = make_keys()[: self.p.keys]
        self.value = make_value()
        self.filled = False

    async def fill(self) -> None:
        if not self.filled:
            await self.map.put_all(dict.fromkeys(self.keys, self.value))
            self.filled = True

    async def run(self) -> list[Cell]:
        cells: list[Cell] = []
        scenarios = self.spec.scenarios
        if "member-warmup" in scenarios:
            await self.fill()
            await self.map_cell(max(self.p.map_levels), self.p.member_warmup, 0.0)
        if "populate" in scenarios:
            await self.populate()
        levels = [level for level in self.p.map_levels if f"map-{level}" in scenarios]
        if levels:
            await self.fill()
            if self.p.client_warmup > 0:
                await self.map_cell(max(levels), self.p.client_warmup, 0.0)
            for level in levels:
                window = await self.map_cell(level, self.p.warmup, self.p.duration)
                cells.append(window_cell(window, self.spec.client, f"map-{level}"))
        if "put-all" in scenarios or "get-all" in scenarios:
            cells += await self.bulk()
        if "entry-set" in scenarios:
            cells.append(await self.entry_set())
        if "value-16mb" in scenarios:
            cells.append(await self.large())
        if "in-flight" in scenarios:
            cells.append(await self.in_flight())
        return cells

    def map_cell(self, concurrency: int, warmup: float, duration: float) -> Awaitable[Window]:
        return async_cell(
            self.map.set,
            self.map.get,
            self.value,
            make_schedule(self.keys),
            concurrency,
            warmup,
            duration,
            self.spec.member_pid,
            self.sleep,
            self.run_all,
        )

    async def populate(self) -> None:
        await self.entries.clear()
        keys = entry_keys(self.p.entries)
        for start in range(0, len(keys), ENTRY_CHUNK):
            chunk = keys[start : start + ENTRY_CHUNK]
            await self.entries.put_all(dict.fromkeys(chunk, self.value))

    async def sequential(
        self, op: Callable[[int], Awaitable[None]], warmup: float, duration: float
    ) -> Window:
        """One ``op`` after another: ``warmup`` seconds unmeasured, then ``duration``."""
        window = Window(self.spec.member_pid)
        clock = time.perf_counter_ns
        measure_at = clock() + int(warmup * 1e9)
        iteration = itertools.count()
        while clock() < measure_at:
            await op(next(iteration))
        window.begin()
        stop_at = window.start_ns + int(duration * 1e9)
        while True:
            started = clock()
            await op(next(iteration))
            finished = clock()
            window.latencies.append(finished - started)
            if finished >= stop_at:
                break
        window.end()
        return window

    async def iterations(self, op: Callable[[int], Awaitable[None]]) -> Window:
        """``warmup_iterations`` unmeasured calls of ``op``, then ``iterations`` measured."""
        for i in range(self.p.warmup_iterations):
            await op(-1 - i)
        gc.collect()
        window = Window(self.spec.member_pid)
        clock = time.perf_counter_ns
        window.begin()
        for i in range(self.p.iterations):
            started = clock()
            await op(i)
            window.latencies.append(clock() - started)
        window.end()
        return window

    async def bulk(self) -> list[Cell]:
        await self.fill()
        groups = batches(self.keys, self.p.batch)
        put_batches = [dict.fromkeys(group, self.value) for group in groups]
        cells = []
        extra = {"entries_per_op": len(groups[0])}
        if "put-all" in self.spec.scenarios:

            async def put_all(i: int) -> None:
                await self.map.put_all(put_batches[i % len(put_batches)])

            window = await self.sequential(put_all, self.p.bulk_warmup, self.p.bulk_duration)
            cells.append(window_cell(window, self.spec.client, "put-all", extra))
        if "get-all" in self.spec.scenarios:

            async def get_all(i: int) -> None:
                group = groups[i % len(groups)]
                got = await self.map.get_all(group)
                if len(got) != len(group):
                    raise RuntimeError(f"get_all returned {len(got)} of {len(group)} entries")

            window = await self.sequential(get_all, self.p.bulk_warmup, self.p.bulk_duration)
            cells.append(window_cell(window, self.spec.client, "get-all", extra))
        return cells

    async def entry_set(self) -> Cell:
        expected = self.p.entries

        async def op(_: int) -> None:
            entries = await self.entries.entry_set()
            touched = count = 0
            for key, value in entries:
                touched += len(key) + len(value)
                count += 1
            if count != expected or not touched:
                raise RuntimeError(f"entry_set returned {count} entries, not {expected}")

        window = await self.iterations(op)
        return window_cell(window, self.spec.client, "entry-set", {"entries_per_op": expected})

    async def large(self) -> Cell:
        size = self.p.large_size
        value = self.big(large_value(size))
        puts: list[int] = []
        gets: list[int] = []
        clock = time.perf_counter_ns

        async def op(i: int) -> None:
            key = f"big-{self.spec.client}-{i}"
            t0 = clock()
            old = await self.map.put(key, value)
            t1 = clock()
            got = await self.map.get(key)
            t2 = clock()
            if old is not None or got is None or len(got) != size:
                raise RuntimeError("the large value came back wrong")
            if i >= 0:
                puts.append(t1 - t0)
                gets.append(t2 - t1)
            await self.map.delete(key)

        window = await self.iterations(op)
        return window_cell(window, self.spec.client, "value-16mb", large_extra(size, puts, gets))

    async def in_flight(self) -> Cell:
        await self.fill()
        count = self.p.in_flight
        keys = [self.keys[i % len(self.keys)] for i in range(count)]
        for key in keys[:256]:  # warm the code path up, not the memory
            await self.map.get(key)
        started = [0] * count
        finished = [0] * count
        completed = 0
        clock = time.perf_counter_ns
        get = self.map.get
        probe = MemoryProbe()
        probe.start()
        window = Window(self.spec.member_pid)
        window.begin()

        async def one(index: int) -> None:
            nonlocal completed
            started[index] = clock()
            value = await get(keys[index])
            finished[index] = clock()
            if value is not None:
                completed += 1

        await self.gather([_bind(one, i) for i in range(count)])
        window.end()
        window.latencies.extend(f - s for s, f in zip(started, finished, strict=True))
        return window_cell(window, self.spec.client, "in-flight", probe.extra(count, completed))


def _bind(function: Callable[[int], Awaitable[None]], index: int) -> Callable[[], Any]:
    return lambda: function(index)


def large_extra(size: int, puts: Sequence[int], gets: Sequence[int]) -> dict[str, Any]:
    return {
        "value_bytes": size,
        "put_ms_median": percentile(sorted(puts), 0.5) / 1e6,
        "get_ms_median": percentile(sorted(gets), 0.5) / 1e6,
    }


async def gather_trio(jobs: Sequence[Callable[[], Any]]) -> None:
    """Run every job concurrently in one Trio nursery (Trio's "gather")."""
    import trio

    async with trio.open_nursery() as nursery:
        for job in jobs:
            nursery.start_soon(job)


async def gather_asyncio(jobs: Sequence[Callable[[], Any]]) -> None:
    await asyncio.gather(*(job() for job in jobs))


async def hztrio_main(spec: WorkerSpec) -> list[Cell]:
    import anyio
    import sniffio

    import hztrio

    async with hztrio.HazelcastClient(
        cluster_name=spec.cluster_name, cluster_members=spec.addresses
    ) as client:
        bench_map = await client.get_map(MAP_NAME)
        entries_map = await client.get_map(ENTRIES_MAP)
        # 10,000 in flight: the event loop's own way to run many tasks at once (a Trio
        # nursery, asyncio.gather): an AnyIO task group costs about twice the memory per task
        gather = gather_trio if sniffio.current_async_library() == "trio" else gather_asyncio
        driver = AsyncDriver(
            spec, bench_map, entries_map, anyio.sleep, run_all_anyio, bytes, gather
        )
        return await driver.run()


async def official_asyncio_main(spec: WorkerSpec) -> list[Cell]:
    from hazelcast.asyncio import HazelcastClient

    client = await HazelcastClient.create_and_start(
        cluster_name=spec.cluster_name, cluster_members=spec.addresses
    )
    try:
        bench_map: Any = await client.get_map(MAP_NAME)
        entries_map: Any = await client.get_map(ENTRIES_MAP)
        # bytearray: the official client pickles ``bytes`` but writes ``bytearray`` as a
        # Hazelcast byte array, which is what hztrio and Java send
        driver = AsyncDriver(
            spec, bench_map, entries_map, asyncio.sleep, run_all_asyncio, bytearray, gather_asyncio
        )
        return await driver.run()
    finally:
        await client.shutdown()


class SyncDriver:
    """Every scenario for the official threaded client (its non-blocking proxy's futures)."""

    def __init__(self, spec: WorkerSpec, bench_map: Any, entries_map: Any) -> None:
        self.spec = spec
        self.p = spec.params
        self.map = bench_map
        self.entries = entries_map
        self.keys = make_keys()[: self.p.keys]
        self.value = make_value()
        self.filled = False

    def fill(self) -> None:
        if not self.filled:
            self.map.put_all(dict.fromkeys(self.keys, self.value)).result()
            self.filled = True

    def run(self) -> list[Cell]:
        cells: list[Cell] = []
        scenarios = self.spec.scenarios
        schedule = make_schedule(self.keys)
        pid = self.spec.member_pid
        levels = [level for level in self.p.map_levels if f"map-{level}" in scenarios]
        if levels:
            self.fill()
            if self.p.client_warmup > 0:
                sync_cell_callback(
                    self.map, self.value, schedule, max(levels), self.p.client_warmup, 0.0, pid
                )
            for level in levels:
                window = sync_cell_callback(
                    self.map, self.value, schedule, level, self.p.warmup, self.p.duration, pid
                )
                cells.append(window_cell(window, self.spec.client, f"map-{level}"))
        if "put-all" in scenarios or "get-all" in scenarios:
            cells += self.bulk()
        if "entry-set" in scenarios:
            cells.append(self.entry_set())
        if "value-16mb" in scenarios:
            cells.append(self.large())
        if "in-flight" in scenarios:
            cells.append(self.in_flight())
        return cells

    def sequential(self, op: Callable[[int], None], warmup: float, duration: float) -> Window:
        window = Window(self.spec.member_pid)
        clock = time.perf_counter_ns
        measure_at = clock() + int(warmup * 1e9)
        iteration = itertools.count()
        while clock() < measure_at:
            op(next(iteration))
        window.begin()
        stop_at = window.start_ns + int(duration * 1e9)
        while True:
            started = clock()
            op(next(iteration))
            finished = clock()
            window.latencies.append(finished - started)
            if finished >= stop_at:
                break
        window.end()
        return window

    def iterations(self, op: Callable[[int], None]) -> Window:
        for i in range(self.p.warmup_iterations):
            op(-1 - i)
        gc.collect()
        window = Window(self.spec.member_pid)
        clock = time.perf_counter_ns
        window.begin()
        for i in range(self.p.iterations):
            started = clock()
            op(i)
            window.latencies.append(clock() - started)
        window.end()
        return window

    def bulk(self) -> list[Cell]:
        self.fill()
        groups = batches(self.keys, self.p.batch)
        put_batches = [dict.fromkeys(group, self.value) for group in groups]
        cells = []
        extra = {"entries_per_op": len(groups[0])}
        if "put-all" in self.spec.scenarios:

            def put_all(i: int) -> None:
                self.map.put_all(put_batches[i % len(put_batches)]).result()

            window = self.sequential(put_all, self.p.bulk_warmup, self.p.bulk_duration)
            cells.append(window_cell(window, self.spec.client, "put-all", extra))
        if "get-all" in self.spec.scenarios:

            def get_all(i: int) -> None:
                group = groups[i % len(groups)]
                got = self.map.get_all(group).result()
                if len(got) != len(group):
                    raise RuntimeError(f"get_all returned {len(got)} of {len(group)} entries")

            window = self.sequential(get_all, self.p.bulk_warmup, self.p.bulk_duration)
            cells.append(window_cell(window, self.spec.client, "get-all", extra))
        return cells

    def entry_set(self) -> Cell:
        expected = self.p.entries

        def op(_: int) -> None:
            touched = count = 0
            for key, value in self.entries.entry_set().result():
                touched += len(key) + len(value)
                count += 1
            if count != expected or not touched:
                raise RuntimeError(f"entry_set returned {count} entries, not {expected}")

        window = self.iterations(op)
        return window_cell(window, self.spec.client, "entry-set", {"entries_per_op": expected})

    def large(self) -> Cell:
        size = self.p.large_size
        value = bytearray(large_value(size))
        puts: list[int] = []
        gets: list[int] = []
        clock = time.perf_counter_ns

        def op(i: int) -> None:
            key = f"big-{self.spec.client}-{i}"
            t0 = clock()
            old = self.map.put(key, value).result()
            t1 = clock()
            got = self.map.get(key).result()
            t2 = clock()
            if old is not None or got is None or len(got) != size:
                raise RuntimeError("the large value came back wrong")
            if i >= 0:
                puts.append(t1 - t0)
                gets.append(t2 - t1)
            self.map.delete(key).result()

        window = self.iterations(op)
        return window_cell(window, self.spec.client, "value-16mb", large_extra(size, puts, gets))

    def in_flight(self) -> Cell:
        self.fill()
        count = self.p.in_flight
        keys = [self.keys[i % len(self.keys)] for i in range(count)]
        for key in keys[:256]:
            self.map.get(key).result()
        started = [0] * count
        finished = [0] * count
        completed = [0]
        lock = threading.Lock()
        all_done = threading.Event()
        remaining = [count]
        clock = time.perf_counter_ns
        get = self.map.get
        probe = MemoryProbe()
        probe.start()
        window = Window(self.spec.member_pid)
        window.begin()

        def done(index: int, future: Any) -> None:
            finished[index] = clock()
            ok = future.result() is not None
            with lock:
                completed[0] += ok
                remaining[0] -= 1
                if remaining[0] == 0:
                    all_done.set()

        for index in range(count):
            started[index] = clock()
            get(keys[index]).add_done_callback(_bind_done(done, index))
        if not all_done.wait(WORKER_SLACK):
            raise RuntimeError(f"{remaining[0]} of {count} gets never completed")
        window.end()
        window.latencies.extend(f - s for s, f in zip(started, finished, strict=True))
        return window_cell(window, self.spec.client, "in-flight", probe.extra(count, completed[0]))


def _bind_done(function: Callable[[int, Any], None], index: int) -> Callable[[Any], None]:
    return lambda future: function(index, future)


def official_sync_main(spec: WorkerSpec) -> list[Cell]:
    from hazelcast.client import HazelcastClient

    client = HazelcastClient(cluster_name=spec.cluster_name, cluster_members=spec.addresses)
    try:
        # the non-blocking proxies (no .blocking()): their calls return futures
        driver = SyncDriver(spec, client.get_map(MAP_NAME), client.get_map(ENTRIES_MAP))
        return driver.run()
    finally:
        client.shutdown()


def run_worker(spec: WorkerSpec) -> list[Cell]:
    if spec.client == "hztrio-trio":
        import anyio

        return anyio.run(hztrio_main, spec, backend="trio")
    if spec.client == "hztrio-asyncio":
        import anyio

        return anyio.run(hztrio_main, spec, backend="asyncio")
    if spec.client == "official-asyncio":
        return asyncio.run(official_asyncio_main(spec))
    if spec.client == "official-sync":
        return official_sync_main(spec)
    raise ValueError(f"unknown Python client {spec.client!r}")


def worker_entry(spec_json: str, output: str) -> int:
    data = json.loads(spec_json)
    data["params"] = Params(**data["params"])
    cells = run_worker(WorkerSpec(**data))
    Path(output).write_text(json.dumps([asdict(cell) for cell in cells]))
    return 0


# -- the orchestrator ---------------------------------------------------------------------------


def scenario_groups(scenarios: Sequence[str], smoke: bool) -> list[list[str]]:
    """Which scenarios share a client process: the map levels do, put-all and get-all do.

    ``in-flight`` always gets a process of its own (its RSS baseline must be clean), and so
    do ``entry-set`` and ``value-16mb``. With ``--smoke`` everything but ``in-flight`` runs in
    one process per client, to keep the run short.
    """
    groups: list[list[str]] = []
    by_name: dict[str, list[str]] = {}
    for scenario in SCENARIOS:
        if scenario not in scenarios:
            continue
        if scenario == "in-flight":
            name = "in-flight"
        elif smoke:
            name = "all"
        elif scenario.startswith("map-"):
            name = "map"
        elif scenario in ("put-all", "get-all"):
            name = "bulk"
        else:
            name = scenario
        if name not in by_name:
            by_name[name] = []
            groups.append(by_name[name])
        by_name[name].append(scenario)
    return groups


@dataclass
class Settings:
    clients: list[str]
    scenarios: list[str]
    params: Params
    repeat: int
    pin: bool
    smoke: bool
    java_options: list[str] = field(default_factory=list)
    member_jvm_args: list[str] = field(default_factory=list)


@dataclass
class Member:
    addresses: list[str]
    cluster_name: str
    pid: int | None
    version: str | None


class Runner:
    """Starts client processes (Python or Java) one at a time and collects their cells."""

    def __init__(self, settings: Settings, member: Member, java_classpath: str | None) -> None:
        self.settings = settings
        self.member = member
        self.java_classpath = java_classpath

    def budget(self, scenarios: Sequence[str]) -> float:
        p = self.settings.params
        levels = [s for s in scenarios if s.startswith("map-")]
        seconds = p.client_warmup + len(levels) * (p.warmup + p.duration)
        seconds += sum(s in scenarios for s in ("put-all", "get-all")) * (
            p.bulk_warmup + p.bulk_duration
        )
        seconds += p.member_warmup if "member-warmup" in scenarios else 0.0
        return seconds + WORKER_SLACK

    def _preexec(self) -> Callable[[], None] | None:
        if not self.settings.pin:
            return None
        return lambda: os.sched_setaffinity(0, {CLIENT_CPU})

    def run(self, client: str, scenarios: list[str]) -> list[Cell]:
        if client == JAVA:
            return self._run_java(scenarios)
        spec = WorkerSpec(
            client=client,
            scenarios=scenarios,
            addresses=self.member.addresses,
            cluster_name=self.member.cluster_name,
            member_pid=self.member.pid,
            params=self.settings.params,
        )
        with tempfile.TemporaryDirectory(prefix="hztrio-suite-") as directory:
            output = Path(directory) / "result.json"
            command = [
                sys.executable,
                "-m",
                "benchmarks.suite",
                "--worker",
                json.dumps(asdict(spec)),
                "--worker-output",
                str(output),
            ]
            completed = subprocess.run(
                command,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                timeout=self.budget(scenarios),
                check=False,
                preexec_fn=self._preexec(),
            )
            if completed.returncode != 0:
                raise RuntimeError(f"{client} exited with code {completed.returncode}")
            return [Cell.from_dict(cell) for cell in json.loads(output.read_text())]

    def _run_java(self, scenarios: list[str]) -> list[Cell]:
        if self.java_classpath is None:
            raise RuntimeError("the Java driver was not compiled")
        p = self.settings.params
        java_scenarios = []
        for scenario in scenarios:
            name = "map" if scenario.startswith("map-") else scenario
            if name not in java_scenarios:
                java_scenarios.append(name)
        levels = [int(s[4:]) for s in scenarios if s.startswith("map-")]
        arguments = {
            "addresses": ",".join(self.member.addresses),
            "cluster": self.member.cluster_name,
            "scenarios": ",".join(java_scenarios),
            "concurrency": ",".join(map(str, levels)),
            "duration": p.duration,
            "warmup": p.warmup,
            "client_warmup": p.client_warmup,
            "bulk_duration": p.bulk_duration,
            "bulk_warmup": p.bulk_warmup,
            "keys": p.keys,
            "value_size": p.value_size,
            "batch": p.batch,
            "entries": p.entries,
            "entries_map": ENTRIES_MAP,
            "map": MAP_NAME,
            "large_size": p.large_size,
            "iterations": p.iterations,
            "warmup_iterations": p.warmup_iterations,
            "in_flight": p.in_flight,
            "member_pid": self.member.pid or 0,
            "client": JAVA,
        }
        command = [
            _java(),
            *self.settings.java_options,
            "-cp",
            self.java_classpath,
            "MapBench",
            *(f"{key}={value}" for key, value in arguments.items()),
        ]
        completed = subprocess.run(
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            timeout=self.budget(scenarios),
            check=False,
            text=True,
            preexec_fn=self._preexec(),
        )
        if completed.returncode != 0:
            raise RuntimeError(f"java exited with code {completed.returncode}")
        cells = []
        for line in completed.stdout.splitlines():
            if line.startswith("RESULT "):
                cell = Cell.from_dict(json.loads(line[len("RESULT ") :]))
                if cell.scenario in scenarios:
                    cells.append(cell)
        return cells


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise RuntimeError("java was not found on PATH")
    return found


def compile_java_driver() -> str:
    """Compile MapBench.java against the member jar; return the classpath to run it."""
    from hztrio.testing import compile_java, ensure_member_jar

    classes = compile_java([JAVA_SOURCE])
    return f"{classes}{os.pathsep}{ensure_member_jar()}"


def run_suite(
    settings: Settings, runner: Runner, failures: dict[str, str]
) -> tuple[list[Cell], float]:
    """Warm the member up, fill the entries map, then every group and client, ``repeat`` times.

    Within a group, the clients run one after another; each round starts with the next client,
    so that no client is always first.
    """
    p = settings.params
    results: list[Cell] = []
    if p.member_warmup > 0:
        _progress(f"warming the member up for {p.member_warmup:g} s")
        runner.run("hztrio-trio", ["member-warmup"])
    if "entry-set" in settings.scenarios:
        _progress(f"filling {ENTRIES_MAP!r} with {p.entries:,} entries")
        started = time.monotonic()
        runner.run("hztrio-trio", ["populate"])
        _progress(f"  ({time.monotonic() - started:.1f} s)")
    clients = settings.clients
    groups = scenario_groups(settings.scenarios, settings.smoke)
    suite_started = time.monotonic()
    for round_index in range(settings.repeat):
        shift = round_index % len(clients)
        for group in groups:
            for client in clients[shift:] + clients[:shift]:
                key = f"{client}: {','.join(group)}"
                label = (
                    f" (round {round_index + 1}/{settings.repeat})" if settings.repeat > 1 else ""
                )
                _progress(f"running {key}{label}")
                started = time.monotonic()
                try:
                    cells = runner.run(client, group)
                except (RuntimeError, subprocess.TimeoutExpired, OSError, ValueError) as exc:
                    _progress(f"  FAILED: {exc}")
                    failures[f"{key} (round {round_index + 1})"] = str(exc)
                    continue
                for cell in cells:
                    cell.round = round_index
                    _progress(f"  {cell.scenario}: {_cell_line(cell)}")
                _progress(f"  ({time.monotonic() - started:.1f} s)")
                results.extend(cells)
    return results, time.monotonic() - suite_started


def _cell_line(cell: Cell) -> str:
    line = (
        f"{cell.ops_per_s:,.1f} ops/s, p50 {fmt_us(cell.p50_us)}, p99 {fmt_us(cell.p99_us)}, "
        f"CPU {fmt_us(cell.cpu_us_per_op)}/op"
    )
    if cell.sys_us_per_op is not None:
        line += f" (system {fmt_us(cell.sys_us_per_op)})"
    if cell.scenario == "in-flight":
        e = cell.extra
        line += (
            f", {e['completed']:,}/{e['in_flight']:,} completed, RSS +{e['rss_added_mb']:.1f} MB"
        )
    return line


# -- summaries, ratios, targets ------------------------------------------------------------------


@dataclass
class Summary:
    """The median round of one (scenario, client), with the spread of ops/s over all rounds."""

    cell: Cell
    rounds: int
    min_ops_per_s: float
    max_ops_per_s: float


def summarize(results: Sequence[Cell]) -> dict[tuple[str, str], Summary]:
    """Per (scenario, client): the median round by ops/s (by RSS added for ``in-flight``)."""
    groups: dict[tuple[str, str], list[Cell]] = {}
    for cell in results:
        groups.setdefault((cell.scenario, cell.client), []).append(cell)
    summaries = {}
    for key in sorted(groups, key=lambda k: (SCENARIOS.index(k[0]), CLIENTS.index(k[1]))):
        rounds = groups[key]
        if key[0] == "in-flight":
            ordered = sorted(rounds, key=lambda c: c.extra.get("rss_added_mb", 0.0))
        else:
            ordered = sorted(rounds, key=lambda c: c.ops_per_s)
        speeds = sorted(c.ops_per_s for c in rounds)
        summaries[key] = Summary(
            cell=ordered[(len(ordered) - 1) // 2],
            rounds=len(rounds),
            min_ops_per_s=speeds[0],
            max_ops_per_s=speeds[-1],
        )
    return summaries


def _ratio(mine: float | None, theirs: float | None) -> float | None:
    if mine is None or theirs is None or not theirs or math.isnan(mine) or math.isnan(theirs):
        return None
    return mine / theirs


def ratio_rows(summaries: dict[tuple[str, str], Summary]) -> list[dict[str, Any]]:
    """For every cell: ops/s and CPU/op over the official asyncio client's, ops/s over Java's."""
    rows = []
    for (scenario, client), summary in summaries.items():
        baseline = summaries.get((scenario, BASELINE))
        java = summaries.get((scenario, JAVA))
        rows.append(
            {
                "scenario": scenario,
                "client": client,
                "ops_vs_official_asyncio": _ratio(
                    summary.cell.ops_per_s, baseline.cell.ops_per_s if baseline else None
                ),
                "cpu_vs_official_asyncio": _ratio(
                    summary.cell.cpu_us_per_op, baseline.cell.cpu_us_per_op if baseline else None
                ),
                "ops_vs_java": _ratio(
                    summary.cell.ops_per_s, java.cell.ops_per_s if java else None
                ),
            }
        )
    return rows


@dataclass
class Target:
    name: str
    client: str
    measured: str
    goal: str
    met: bool | None  # None: not measured, or no target (informational)


def targets(summaries: dict[tuple[str, str], Summary]) -> list[Target]:
    """The targets of issue 6, evaluated on this run's medians."""
    out: list[Target] = []

    def cell(scenario: str, client: str) -> Cell | None:
        summary = summaries.get((scenario, client))
        return summary.cell if summary else None

    def compare(
        name: str, scenario: str, client: str, metric: str, goal: float, higher_is_better: bool
    ) -> None:
        mine, base = cell(scenario, client), cell(scenario, BASELINE)
        if mine is None or base is None:
            out.append(Target(name, client, "not measured", "", None))
            return
        if metric == "ops":
            value = _ratio(mine.ops_per_s, base.ops_per_s)
        elif metric == "cpu":
            value = _ratio(mine.cpu_us_per_op, base.cpu_us_per_op)
        else:  # time per op
            value = _ratio(base.ops_per_s, mine.ops_per_s) if mine.ops_per_s else None
        if value is None:
            out.append(Target(name, client, "n/a", "", None))
            return
        met = value >= goal if higher_is_better else value <= goal
        sign = "≥" if higher_is_better else "≤"
        out.append(Target(name, client, f"{value:.2f}x", f"{sign} {goal:g}x", met))

    for client in HZTRIO_CLIENTS:
        compare("map 256 tasks: ops/s vs official-asyncio", "map-256", client, "ops", 2.0, True)
    for client in HZTRIO_CLIENTS:
        compare("map 1 task: ops/s vs official-asyncio", "map-1", client, "ops", 1.2, True)
    for level in MAP_LEVELS:
        for client in HZTRIO_CLIENTS:
            compare(
                f"map {level} task(s): CPU/op vs official-asyncio",
                f"map-{level}",
                client,
                "cpu",
                0.5,
                False,
            )
    for client in HZTRIO_CLIENTS:
        compare("entry_set 100k: time vs official-asyncio", "entry-set", client, "time", 0.3, False)
    for client in HZTRIO_CLIENTS:
        compare(
            "16 MiB put+get: time vs official-asyncio", "value-16mb", client, "time", 0.5, False
        )
    for client in HZTRIO_CLIENTS:
        mine = cell("in-flight", client)
        if mine is None:
            out.append(Target("10,000 in flight: RSS added, all complete", client, "", "", None))
            continue
        added = mine.extra.get("rss_added_mb", math.nan)
        ok = mine.extra.get("completed") == mine.extra.get("in_flight")
        out.append(
            Target(
                "10,000 in flight: RSS added, all complete",
                client,
                f"+{added:.1f} MB, {mine.extra.get('completed'):,}/{mine.extra.get('in_flight'):,}",
                "< 50 MB, all",
                bool(added < 50 and ok),
            )
        )
    return out


# -- formatting ------------------------------------------------------------------------------------


def fmt_us(us: float | None) -> str:
    """A duration given in µs, in a readable unit."""
    if us is None or math.isnan(us):
        return "n/a"
    if us < 10_000:
        return f"{us:,.0f} µs" if us >= 100 else f"{us:,.1f} µs"
    if us < 10_000_000:
        return f"{us / 1e3:,.1f} ms"
    return f"{us / 1e6:,.2f} s"


def fmt_ops(ops: float) -> str:
    return f"{ops:,.0f}" if ops >= 100 else f"{ops:,.2f}"


def fmt_ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}x"


def format_tables(
    summaries: dict[tuple[str, str], Summary],
    rows: Sequence[dict[str, Any]],
    target_list: Sequence[Target],
) -> str:
    spread = any(s.rounds > 1 for s in summaries.values())
    by_key = {(r["scenario"], r["client"]): r for r in rows}
    header = "| scenario | client | ops/s |" + (" ops/s min-max |" if spread else "")
    header += (
        " p50 | p99 | CPU/op | of which system | member CPU/op | ops/s ÷ official-asyncio |"
        " CPU/op ÷ official-asyncio | ops/s ÷ java |"
    )
    rule = "|---|---|---:|" + ("---:|" if spread else "") + "---:|" * 8
    lines = [header, rule]
    for (scenario, client), summary in summaries.items():
        c = summary.cell
        r = by_key[(scenario, client)]
        line = f"| {scenario} | {client} | {fmt_ops(c.ops_per_s)} |"
        if spread:
            line += f" {fmt_ops(summary.min_ops_per_s)}-{fmt_ops(summary.max_ops_per_s)} |"
        line += (
            f" {fmt_us(c.p50_us)} | {fmt_us(c.p99_us)} | {fmt_us(c.cpu_us_per_op)} |"
            f" {fmt_us(c.sys_us_per_op)} | {fmt_us(c.member_cpu_us_per_op)} |"
            f" {fmt_ratio(r['ops_vs_official_asyncio'])} |"
            f" {fmt_ratio(r['cpu_vs_official_asyncio'])} | {fmt_ratio(r['ops_vs_java'])} |"
        )
        lines.append(line)
    memory = [s for (scenario, _), s in summaries.items() if scenario == "in-flight"]
    if memory:
        lines += [
            "",
            "| in-flight: client | completed | RSS before | RSS peak | RSS added | all done in |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for summary in memory:
            c, e = summary.cell, summary.cell.extra
            lines.append(
                f"| {c.client} | {e['completed']:,}/{e['in_flight']:,} |"
                f" {e['rss_before_mb']:.1f} MB | {e['rss_peak_mb']:.1f} MB |"
                f" {e['rss_added_mb']:+.1f} MB | {fmt_us(c.seconds * 1e6)} |"
            )
    large = [s for (scenario, _), s in summaries.items() if scenario == "value-16mb"]
    if large:
        lines += ["", "| 16 MiB value: client | put (median) | get (median) |", "|---|---:|---:|"]
        for summary in large:
            e = summary.cell.extra
            lines.append(
                f"| {summary.cell.client} | {e['put_ms_median']:,.1f} ms |"
                f" {e['get_ms_median']:,.1f} ms |"
            )
    java_rows = [
        (
            scenario,
            [by_key.get((scenario, client), {}).get("ops_vs_java") for client in HZTRIO_CLIENTS],
        )
        for scenario in SCENARIOS
        if (scenario, JAVA) in summaries
        and any((scenario, client) in summaries for client in HZTRIO_CLIENTS)
    ]
    if java_rows:
        lines += [
            "",
            "| hztrio ops/s as a fraction of Java's (aim ≥ 50%) | "
            + " | ".join(HZTRIO_CLIENTS)
            + " |",
            "|---|" + "---:|" * len(HZTRIO_CLIENTS),
        ]
        for scenario, fractions in java_rows:
            cells = ["" if f is None else f"{f:.0%}" for f in fractions]
            lines.append(f"| {scenario} | " + " | ".join(cells) + " |")
    if target_list:
        lines += ["", "| target | client | measured | goal | met |", "|---|---|---:|---:|---|"]
        for t in target_list:
            met = "" if t.met is None else ("yes" if t.met else "**no**")
            lines.append(f"| {t.name} | {t.client} | {t.measured} | {t.goal} | {met} |")
    return "\n".join(lines)


# -- command line ----------------------------------------------------------------------------------


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _choice_list(choices: Sequence[str], what: str) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        picked = [part.strip() for part in text.split(",") if part.strip()]
        unknown = [part for part in picked if part not in choices]
        if not picked or unknown:
            raise argparse.ArgumentTypeError(f"{what} must be among {', '.join(choices)}: {text!r}")
        return picked

    return parse


def _scenario_list(text: str) -> list[str]:
    # "map" is short for the three map levels
    expanded = ",".join(
        ",".join(f"map-{level}" for level in MAP_LEVELS) if part.strip() == "map" else part
        for part in text.split(",")
    )
    return _choice_list(SCENARIOS, "scenarios")(expanded)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.suite",
        description="hztrio (Trio, asyncio) versus the official Python clients (sync, asyncio) "
        "and the Java client: map set/get at 1/16/256 in flight, put_all/get_all of 1,000, "
        "entry_set of 100,000, a 16 MiB value, 10,000 gets in flight.",
    )
    parser.add_argument(
        "--scenarios",
        type=_scenario_list,
        default=list(SCENARIOS),
        help=f"comma-separated scenarios ('map' = the three map levels; default all: "
        f"{','.join(SCENARIOS)})",
    )
    parser.add_argument(
        "--clients",
        type=_choice_list(CLIENTS, "clients"),
        default=list(CLIENTS),
        help=f"comma-separated clients, in order (default {','.join(CLIENTS)})",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run everything this many rounds; tables show each cell's median round and the "
        "min-max of ops/s (default 1)",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help=f"pin the member to CPU {MEMBER_CPU} and every client process to CPU {CLIENT_CPU}",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="everything tiny and brief: checks that the suite works, measures nothing",
    )
    parser.add_argument("--duration", type=float, help="measured seconds per map cell (5)")
    parser.add_argument("--warmup", type=float, help="unmeasured seconds before each map cell")
    parser.add_argument(
        "--bulk-duration", type=float, help="measured seconds of put_all / get_all (5)"
    )
    parser.add_argument(
        "--iterations", type=int, help="measured calls of entry_set and of the 16 MiB value (3)"
    )
    parser.add_argument("--entries", type=int, help="entries for entry_set (100,000)")
    parser.add_argument("--member-warmup", type=float, help="seconds of member warm-up (5)")
    parser.add_argument("--heap", default="2g", help="-Xmx of the member (default 2g)")
    parser.add_argument(
        "--member-jvm-args",
        default=MEMBER_JVM_ARGS,
        help=f"extra JVM arguments of the member the suite starts (default {MEMBER_JVM_ARGS!r})",
    )
    parser.add_argument(
        "--java-options",
        default=JAVA_OPTIONS,
        help=f"JVM options of the Java client (default {JAVA_OPTIONS!r})",
    )
    parser.add_argument(
        "--address",
        action="append",
        help="use the existing member at HOST:PORT instead of starting one (repeatable)",
    )
    parser.add_argument("--cluster-name", help="cluster name of an existing member (dev)")
    parser.add_argument("--member-pid", type=int, help="pid of an existing member (member CPU)")
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        help="where to write the results (default benchmarks/results/suite.json)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        help="print the tables of an earlier run's JSON file, and run nothing",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    params = Params(**asdict(SMOKE_PARAMS)) if args.smoke else Params()
    overrides = {
        "duration": args.duration,
        "warmup": args.warmup,
        "bulk_duration": args.bulk_duration,
        "iterations": args.iterations,
        "entries": args.entries,
        "member_warmup": args.member_warmup,
    }
    for name, value in overrides.items():
        if value is not None:
            setattr(params, name, value)
    return Settings(
        clients=args.clients,
        scenarios=args.scenarios,
        params=params,
        repeat=args.repeat,
        pin=args.pin,
        smoke=args.smoke,
        java_options=args.java_options.split(),
        member_jvm_args=args.member_jvm_args.split(),
    )


@contextlib.contextmanager
def member_for(args: argparse.Namespace) -> Iterator[Member]:
    if args.address or args.cluster_name:
        yield Member(args.address or ["127.0.0.1:5701"], args.cluster_name or "dev", None, None)
        return
    from hztrio.testing import start_cluster_sync

    _progress(f"starting a member (heap {args.heap})")
    jvm_args = args.member_jvm_args.split()
    with start_cluster_sync(1, heap=args.heap, sql=False, jvm_args=jvm_args) as cluster:
        _progress(f"member up at {cluster.addresses[0]}, pid {cluster.members[0].pid}")
        yield Member(
            cluster.addresses, cluster.cluster_name, cluster.members[0].pid, cluster.version
        )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker is not None:
        if args.worker_output is None:
            raise SystemExit("--worker needs --worker-output")
        return worker_entry(args.worker, args.worker_output)
    if args.report is not None:  # re-render the tables of an earlier run
        print(render(json.loads(args.report.read_text())))
        return 0
    settings = settings_from(args)
    if settings.repeat < 1:
        raise SystemExit("--repeat must be at least 1")
    if settings.pin and (not hasattr(os, "sched_setaffinity") or (os.cpu_count() or 1) < 2):
        raise SystemExit("--pin needs Linux and at least two CPUs")
    started = time.monotonic()
    failures: dict[str, str] = {}
    java_classpath = None
    if JAVA in settings.clients:
        try:
            java_classpath = compile_java_driver()
        except Exception as exc:  # reported, and the other clients still run
            failures["java: compile"] = str(exc)
            _progress(f"the Java driver did not compile: {exc}")
            settings.clients = [c for c in settings.clients if c != JAVA]
    with contextlib.ExitStack() as stack:
        member = stack.enter_context(member_for(args))
        if args.member_pid:
            member.pid = args.member_pid
        if settings.pin:
            if not member.pid:
                raise SystemExit("--pin with an existing member needs --member-pid")
            stack.enter_context(pinned(member.pid, MEMBER_CPU))
        env = environment(member.version, None if args.address else args.heap)
        env["hztrio_tree"] = _tree_digest()
        runner = Runner(settings, member, java_classpath)
        results, suite_seconds = run_suite(settings, runner, failures)
    report: dict[str, Any] = {
        "benchmark": "suite",
        "scenarios": {name: OP_MEANING[name] for name in settings.scenarios},
        "settings": asdict(settings),
        "environment": env,
        "runs": [asdict(cell) for cell in results],
        "failures": failures,
        "suite_seconds": suite_seconds,
        "wall_seconds": time.monotonic() - started,
    }
    write_report(args.json, report)  # the raw runs first, whatever happens next
    print(render(report))
    write_report(args.json, report)
    _progress(f"results written to {args.json} ({report['wall_seconds']:.0f} s in all)")
    return 1 if failures else 0


def render(report: dict[str, Any]) -> str:
    """Summarize ``report["runs"]`` into the report (results, ratios, targets); the tables."""
    results = [Cell.from_dict(run) for run in report["runs"]]
    summaries = summarize(results)
    rows = ratio_rows(summaries)
    target_list = targets(summaries)
    report["results"] = [
        {
            **asdict(s.cell),
            "rounds": s.rounds,
            "min_ops_per_s": s.min_ops_per_s,
            "max_ops_per_s": s.max_ops_per_s,
        }
        for s in summaries.values()
    ]
    report["ratios"] = rows
    report["targets"] = [asdict(t) for t in target_list]
    text = format_tables(summaries, rows, target_list)
    failures = report.get("failures") or {}
    if failures:
        text += "\n\nFAILED:\n" + "\n".join(f"- {key}: {error}" for key, error in failures.items())
    return text


def write_report(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(_finite(report), indent=2, allow_nan=False, default=str) + "\n")


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinity replaced by None (JSON has neither)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def _tree_digest() -> str:
    """A short hash of hztrio/**/*.py as measured (the checkout may have uncommitted work)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "hztrio").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


if __name__ == "__main__":
    sys.exit(main())
