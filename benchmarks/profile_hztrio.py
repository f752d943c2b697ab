"""Profile hztrio in one scenario of the suite (benchmarks/suite.py), in this process.

The scenario runs exactly as in the suite (the same driver code), under cProfile or
pyinstrument, and the hottest functions are printed. Run it from the repository root::

    python -m benchmarks.profile_hztrio --scenario map-256 --backend trio
    python -m benchmarks.profile_hztrio --scenario entry-set --profiler pyinstrument
    python -m benchmarks.profile_hztrio --scenario map-1 --address 127.0.0.1:5701 --cluster-name dev

It starts its own member (``start_cluster_sync(1, heap="2g")``) unless ``--address`` names
one. Profilers slow Python down (cProfile by about 2x on this code, pyinstrument much less),
so read the shares, not the absolute times; the suite's numbers come from unprofiled runs.
Both count wall time: the time in ``epoll.poll`` (``{method 'poll' of 'select.epoll'
objects}``) is mostly waiting for the member, not work.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import math
import pstats
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run by path: python benchmarks/profile_hztrio.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.suite import SCENARIOS, Params, WorkerSpec, hztrio_main


def profile_spec(
    scenario: str, addresses: list[str], cluster_name: str, seconds: float
) -> WorkerSpec:
    """The suite's full-size parameters; map and bulk cells measure for ``seconds``."""
    params = replace(
        Params(),
        duration=seconds,
        warmup=0.5,
        client_warmup=0.0,
        member_warmup=0.0,
        bulk_duration=seconds,
        bulk_warmup=0.5,
    )
    scenarios = [scenario]
    if scenario == "entry-set":
        scenarios = ["populate", scenario]
    return WorkerSpec(
        client="hztrio-profile",
        scenarios=scenarios,
        addresses=addresses,
        cluster_name=cluster_name,
        member_pid=None,
        params=params,
    )


def run(spec: WorkerSpec, backend: str) -> Any:
    import anyio

    return anyio.run(hztrio_main, spec, backend=backend)


@contextlib.contextmanager
def member(args: argparse.Namespace) -> Iterator[tuple[list[str], str]]:
    if args.address:
        yield args.address, args.cluster_name
        return
    from hztrio.testing import start_cluster_sync

    with start_cluster_sync(1, heap="2g", sql=False) as cluster:
        yield cluster.addresses, cluster.cluster_name


async def in_flight_memory(
    addresses: list[str], cluster_name: str, count: int, group_by: str, top: int
) -> str:
    """Where the memory of ``count`` concurrent ``get``s goes, by tracemalloc.

    A snapshot is taken just before the last of the ``count`` tasks calls ``get``: all the
    others are then waiting for their responses (a few may have finished). It is compared
    with a snapshot taken before the tasks were started. Also reports the RSS added.
    """
    import gc
    import tracemalloc

    import hztrio
    from benchmarks.map_bench import MAP_NAME, make_keys, make_value
    from benchmarks.suite import status_kb

    keys = make_keys()
    value = make_value()
    async with hztrio.HazelcastClient(
        cluster_name=cluster_name, cluster_members=addresses
    ) as client:
        bench_map = await client.get_map(MAP_NAME)
        await bench_map.put_all(dict.fromkeys(keys, value))
        for key in keys[:256]:
            await bench_map.get(key)
        gc.collect()
        tracemalloc.start(8)
        before = tracemalloc.take_snapshot()
        rss_before = status_kb("VmRSS")
        started = 0
        snapshots: list[tracemalloc.Snapshot] = []

        async def one(index: int) -> None:
            nonlocal started
            started += 1
            if started == count:
                snapshots.append(tracemalloc.take_snapshot())
            await bench_map.get(keys[index % len(keys)])

        await _native_gather([_bind(one, index) for index in range(count)])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_peak = status_kb("VmHWM")
    stats = snapshots[0].compare_to(before, group_by)
    total = sum(stat.size_diff for stat in stats)
    lines = [
        f"{count:,} gets in flight: +{total / 2**20:.1f} MiB traced at the snapshot, "
        f"peak traced {peak / 2**20:.1f} MiB; RSS {rss_before / 1024:.1f} MB before, "
        f"VmHWM {rss_peak / 1024:.1f} MB (process peak, tracemalloc's own memory included)",
        f"top {top} by {group_by} (size added, count added, bytes per in-flight get):",
    ]
    for stat in stats[:top]:
        where = stat.traceback[0]
        lines.append(
            f"  {stat.size_diff / 2**20:7.2f} MiB {stat.count_diff:8,d} "
            f"{stat.size_diff / count:7.0f} B/get  {where.filename}:{where.lineno}"
        )
    return "\n".join(lines)


def _bind(function: Callable[[int], Awaitable[None]], index: int) -> Callable[[], Any]:
    return lambda: function(index)


async def _native_gather(jobs: Sequence[Callable[[], Any]]) -> None:
    """The suite's way to run many tasks at once: a Trio nursery, or asyncio.gather."""
    import sniffio

    from benchmarks.suite import gather_asyncio, gather_trio

    if sniffio.current_async_library() == "trio":
        await gather_trio(jobs)
    else:
        await gather_asyncio(jobs)


async def one_task_layers(addresses: list[str], cluster_name: str, calls: int, rounds: int) -> str:
    """CPU per ``Map.get`` at one task, unprofiled, through two layers: the proxy
    (``await m.get(key)``) and ``InvocationService.invoke`` with a request encoded once
    (routing, the connection, the reader task and the wait; no serialization, no codec).

    Each layer runs ``rounds`` rounds of ``calls`` calls, alternating; the best round of
    each is reported (on a shared machine the other rounds are this one plus noise). The
    difference is what the proxy layer costs; compare the invoke layer with
    ``benchmarks.loop_floor``.
    """
    import resource

    import hztrio
    from hztrio.protocol.codecs import map as map_codecs

    def cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    async with hztrio.HazelcastClient(
        cluster_name=cluster_name, cluster_members=addresses
    ) as client:
        bench_map = await client.get_map("profile-layers")
        await bench_map.put("key", b"x" * 100)
        key_data = bench_map._key_data("key")
        partition_id = client.partition_service.get_partition_id("key")
        request = map_codecs.MAP_GET.encode_request
        invoke = client._invocations.invoke
        name = bench_map.name

        async def through_proxy() -> None:
            await bench_map.get("key")

        async def through_invoke() -> None:
            await invoke(request(name, key_data, 1), partition_id=partition_id)

        layers = {"proxy (Map.get)": through_proxy, "invoke": through_invoke}
        best = dict.fromkeys(layers, math.inf)
        for _ in range(max(calls // 4, 100)):  # warm up both
            await through_proxy()
            await through_invoke()
        for _ in range(rounds):
            for layer, call in layers.items():
                started = cpu()
                for _ in range(calls):
                    await call()
                best[layer] = min(best[layer], (cpu() - started) / calls * 1e6)
    return "\n".join(
        f"{layer}: {us:.1f} µs of CPU per call (best of {rounds})" for layer, us in best.items()
    )


def _origin(filename: str) -> str:
    """Which library a code object belongs to (the groups of :func:`bytecodes_per_op`)."""
    if "/hztrio/" in filename or filename.startswith("<codec"):
        return "hztrio"
    for library in ("trio", "outcome", "anyio", "asyncio", "sniffio"):
        if f"/{library}/" in filename:
            return library
    if filename.startswith("<attrs generated"):
        return "trio"  # trio's and outcome's classes are attrs classes
    if "/benchmarks/" in filename:
        return "benchmark"
    return "other (stdlib)"


async def bytecodes_per_op(addresses: list[str], cluster_name: str, tasks: int, ops: int) -> str:
    """Python bytecodes and calls per map operation (``get``/``set`` 50/50, ``tasks`` in
    flight), by library: a count that, unlike CPU time, does not move with the machine's
    load, so that two commits can be compared exactly.

    The operations run in tasks started after the trace is set (``sys.settrace`` with
    opcode events); frames that were running before (the event loop's own loop, the
    connection's reader and writer) count only from their next call or resumption. A
    resumed coroutine counts as a call. C code (``struct``, the socket, asyncio's C
    ``Task``) runs no bytecode and is not counted.
    """
    import anyio

    import hztrio

    opcodes: dict[str, int] = {}
    calls: dict[str, int] = {}

    def trace(frame: Any, event: str, arg: Any) -> Any:
        origin = _origin(frame.f_code.co_filename)
        if event == "call":
            calls[origin] = calls.get(origin, 0) + 1
            frame.f_trace_opcodes = True
        elif event == "opcode":
            opcodes[origin] = opcodes.get(origin, 0) + 1
        return trace

    value = b"x" * 100
    async with hztrio.HazelcastClient(
        cluster_name=cluster_name, cluster_members=addresses
    ) as client:
        bench_map = await client.get_map("profile-bytecodes")

        async def worker(count: int, first: int) -> None:
            for i in range(count):
                key = f"key-{(first + i) % 1000}"
                if i & 1:
                    await bench_map.get(key)
                else:
                    await bench_map.set(key, value)

        async def run_workers(count: int) -> None:
            async with anyio.create_task_group() as tg:
                for task in range(tasks):
                    tg.start_soon(worker, count, task * 7)

        await run_workers(200)  # warm up, untraced
        per_task = max(ops // tasks, 2)
        sys.settrace(trace)
        try:
            await run_workers(per_task)
        finally:
            sys.settrace(None)
    total = per_task * tasks
    lines = [
        f"{sum(opcodes.values()) / total:,.1f} bytecodes and {sum(calls.values()) / total:.1f} "
        f"calls per operation ({total:,} operations, {tasks} in flight):"
    ]
    for origin in sorted(opcodes, key=opcodes.__getitem__, reverse=True):
        lines.append(
            f"  {origin:15} {opcodes[origin] / total:8,.1f} bytecodes "
            f"{calls.get(origin, 0) / total:6.1f} calls"
        )
    return "\n".join(lines)


async def bare_tasks(count: int, how: str) -> str:
    """RSS added by ``count`` tasks that only wait (no client): the event loop's share.

    ``how="native"`` starts them the suite's way (a Trio nursery, asyncio.gather),
    ``how="anyio"`` in an AnyIO task group. Run each in a fresh process: memory freed by a
    first burst would be reused by a second one.
    """
    import anyio

    from benchmarks.suite import MemoryProbe

    release = anyio.Event()

    async def wait() -> None:
        await release.wait()

    async def release_later() -> None:
        await anyio.sleep(0.2)
        release.set()

    probe = MemoryProbe()
    probe.start()
    jobs: list[Callable[[], Any]] = [release_later, *[wait] * count]
    if how == "native":
        await _native_gather(jobs)
    else:
        async with anyio.create_task_group() as tg:
            for job in jobs:
                tg.start_soon(job)
    added = probe.extra(count, count)["rss_added_mb"]
    return f"{count:,} bare tasks ({how}): RSS +{added:.1f} MB"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_hztrio")
    parser.add_argument("--scenario", choices=SCENARIOS, default="map-256")
    parser.add_argument("--backend", choices=("trio", "asyncio"), default="trio")
    parser.add_argument("--profiler", choices=("cprofile", "pyinstrument"), default="cprofile")
    parser.add_argument("--seconds", type=float, default=5.0, help="timed part of map/bulk cells")
    parser.add_argument("--top", type=int, default=25, help="how many functions to print")
    parser.add_argument("--sort", default="tottime", help="cProfile sort key (tottime)")
    parser.add_argument("--address", action="append")
    parser.add_argument("--cluster-name", default="dev")
    parser.add_argument("--output", type=Path, help="also save the raw profile here")
    parser.add_argument(
        "--tracemalloc",
        choices=("lineno", "filename"),
        help="with --scenario in-flight: where the memory goes (tracemalloc), not a profile",
    )
    parser.add_argument(
        "--bare-tasks",
        choices=("native", "anyio"),
        help="RSS added by 10,000 tasks that only wait, started natively (a Trio nursery, "
        "asyncio.gather) or in an AnyIO task group; no client, no member",
    )
    parser.add_argument(
        "--layers",
        action="store_true",
        help="CPU per Map.get at one task through the proxy and through invoke() alone "
        "(unprofiled, best of --rounds rounds of --calls calls)",
    )
    parser.add_argument(
        "--bytecodes",
        action="store_true",
        help="Python bytecodes and calls per map operation, by library, at the --scenario's "
        "concurrency (map-1, map-16 or map-256; traced, not timed)",
    )
    parser.add_argument(
        "--ops", type=int, default=4000, help="with --bytecodes: operations traced (4,000)"
    )
    parser.add_argument("--rounds", type=int, default=12, help="with --layers (12)")
    parser.add_argument("--calls", type=int, default=8000, help="with --layers (8,000)")
    args = parser.parse_args(argv)
    if args.layers:
        import anyio

        with member(args) as (addresses, cluster_name):
            report = anyio.run(
                one_task_layers,
                addresses,
                cluster_name,
                args.calls,
                args.rounds,
                backend=args.backend,
            )
        print(f"{args.backend}:\n{report}")
        return 0
    if args.bytecodes:
        if args.scenario not in ("map-1", "map-16", "map-256"):
            parser.error("--bytecodes is for --scenario map-1, map-16 or map-256")
        import anyio

        tasks = int(args.scenario.split("-")[1])
        with member(args) as (addresses, cluster_name):
            report = anyio.run(
                bytecodes_per_op, addresses, cluster_name, tasks, args.ops, backend=args.backend
            )
        print(f"{args.backend}: {report}")
        return 0
    if args.bare_tasks:
        import anyio

        print(anyio.run(bare_tasks, Params().in_flight, args.bare_tasks, backend=args.backend))
        return 0
    if args.tracemalloc:
        if args.scenario != "in-flight":
            parser.error("--tracemalloc is for --scenario in-flight")
        import anyio

        with member(args) as (addresses, cluster_name):
            report = anyio.run(
                in_flight_memory,
                addresses,
                cluster_name,
                Params().in_flight,
                args.tracemalloc,
                args.top,
                backend=args.backend,
            )
        print(report)
        return 0

    with member(args) as (addresses, cluster_name):
        if args.scenario == "entry-set" or not args.address:
            # fill and warm up the member first, unprofiled
            run(profile_spec("map-256", addresses, cluster_name, 1.0), args.backend)
        spec = profile_spec(args.scenario, addresses, cluster_name, args.seconds)
        if args.scenario == "entry-set":
            run(replace(spec, scenarios=["populate"]), args.backend)
            spec = replace(spec, scenarios=["entry-set"])
        started = time.perf_counter()
        if args.profiler == "cprofile":
            profiler = cProfile.Profile()
            cells = profiler.runcall(run, spec, args.backend)
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.sort_stats(args.sort).print_stats(args.top)
            print(out.getvalue())
            if args.output:
                profiler.dump_stats(args.output)
        else:
            from pyinstrument import Profiler

            pyprofiler = Profiler(interval=0.0005, async_mode="disabled")
            pyprofiler.start()
            cells = run(spec, args.backend)
            pyprofiler.stop()
            print(pyprofiler.output_text(unicode=True, color=False, show_all=False))
            if args.output:
                args.output.write_text(pyprofiler.output_text(unicode=True, show_all=True))
        elapsed = time.perf_counter() - started
        print(f"profiled {args.scenario} under {args.backend} in {elapsed:.1f} s")
        for cell in cells:
            print(
                f"  {cell.scenario}: {cell.ops_per_s:,.1f} ops/s (profiled), "
                f"CPU {cell.cpu_us_per_op:,.1f} µs/op"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
