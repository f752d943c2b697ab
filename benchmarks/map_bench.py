"""Map ``set``/``get`` throughput and latency: hztrio versus the official Python client.

Four clients run the same workload against the same member, one after another, each in a
subprocess of its own:

* ``hztrio-trio``: hztrio under Trio (``anyio.run(..., backend="trio")``);
* ``hztrio-asyncio``: hztrio under AnyIO's asyncio backend;
* ``official-sync``: the official client's threaded ``hazelcast.HazelcastClient``, driven
  through the futures of its non-blocking map proxy (N operations kept in flight);
* ``official-asyncio``: the official ``hazelcast.asyncio.HazelcastClient`` with N tasks.

The workload is 50% ``set``/50% ``get`` of 100-byte values over 10,000 string keys (the map
is filled first, so every ``get`` finds a value), at each concurrency level for a fixed
duration after a warm-up. Run it from the repository root::

    python -m benchmarks.map_bench                 # the full run (about 75 seconds)
    python -m benchmarks.map_bench --smoke         # a few seconds, to keep the script working
    python benchmarks/map_bench.py --help

benchmarks/README.md says what the numbers mean.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import importlib.metadata
import itertools
import json
import math
import os
import platform
import queue
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

# -- the workload -----------------------------------------------------------------------------

MAP_NAME = "map-bench"
KEY_COUNT = 10_000
VALUE_SIZE = 100
#: length of the precomputed (key, is_set) schedule that every client cycles through
SCHEDULE_LENGTH = 1 << 16
SEED = 1_2024

CLIENTS = ("hztrio-trio", "hztrio-asyncio", "official-sync", "official-asyncio")
HZTRIO_CLIENTS = ("hztrio-trio", "hztrio-asyncio")
BASELINES = ("official-asyncio", "official-sync")
SYNC_DRIVERS = ("callback", "queue")

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "map_bench.json"

#: (duration, warm-up per cell, client warm-up, member warm-up) in seconds
FULL_TIMINGS = (5.0, 1.5, 2.0, 5.0)
SMOKE_TIMINGS = (0.3, 0.1, 0.1, 0.2)
FULL_CONCURRENCY = "1,64"
SMOKE_CONCURRENCY = "1,4"

#: extra seconds a client subprocess may take beyond its warm-ups and measurements
WORKER_SLACK = 120.0
#: with --pin: the member's CPU and the clients' CPU
MEMBER_CPU, CLIENT_CPU = 0, 1

Schedule = list[tuple[str, bool]]


def make_keys() -> list[str]:
    return [f"key-{i:05d}" for i in range(KEY_COUNT)]


def make_value() -> bytearray:
    # bytearray, not bytes: the official client serializes ``bytes`` with pickle but
    # ``bytearray`` as a Hazelcast byte array; hztrio writes both as a byte array. This way
    # every client sends exactly the same 112-byte value Data.
    return bytearray(random.Random(SEED).randbytes(VALUE_SIZE))


def make_schedule(keys: Sequence[str]) -> Schedule:
    """A fixed pseudo-random sequence of (key, is_set): uniform keys, 50% sets."""
    rng = random.Random(SEED + 1)
    return [(rng.choice(keys), rng.random() < 0.5) for _ in range(SCHEDULE_LENGTH)]


# -- measurement ------------------------------------------------------------------------------

WARMUP, MEASURE, STOP = 0, 1, 2

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_seconds(pid: int | None) -> float | None:
    """CPU time (user + system, all threads) of another process, from /proc; None if unknown."""
    if not pid:
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state) of proc(5); utime and stime are fields 14 and 15
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def percentile(sorted_values: Sequence[int], fraction: float) -> float:
    """Nearest-rank percentile of sorted values (0 for an empty sequence)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return float(sorted_values[rank - 1])


@dataclass
class CellResult:
    """One client at one concurrency level."""

    client: str
    concurrency: int
    ops: int
    seconds: float
    ops_per_s: float
    p50_us: float
    p99_us: float
    mean_us: float
    max_us: float
    cpu_us_per_op: float
    member_cpu_us_per_op: float | None
    #: which --repeat round this cell comes from (0-based)
    round: int = 0
    #: the kernel's part of ``cpu_us_per_op`` (system time: the socket calls, the waits)
    sys_us_per_op: float | None = None


def system_cpu_seconds() -> float:
    """The system (kernel) CPU time of this process, all its threads, in seconds."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


class Window:
    """The phase of one cell, and what was measured while it was ``MEASURE``.

    Workers read ``phase`` after every completed operation: completions during ``MEASURE``
    are counted (with their latency); at ``STOP`` each worker finishes its operation in
    flight and ends. ``begin``/``end`` take the wall clock, this process's CPU time (all its
    threads) and, if known, the member's CPU time.
    """

    def __init__(self, member_pid: int | None) -> None:
        self.phase = WARMUP
        self.latencies: list[int] = []
        self.member_pid = member_pid
        self.start_ns = self.end_ns = 0
        self.cpu_start = self.cpu_end = 0.0
        self.sys_start = self.sys_end = 0.0
        self.member_cpu_start: float | None = None
        self.member_cpu_end: float | None = None

    def begin(self) -> None:
        self.member_cpu_start = process_cpu_seconds(self.member_pid)
        self.sys_start = system_cpu_seconds()
        self.cpu_start = time.process_time()
        self.start_ns = time.perf_counter_ns()
        self.phase = MEASURE

    def end(self) -> None:
        self.phase = STOP
        self.end_ns = time.perf_counter_ns()
        self.cpu_end = time.process_time()
        self.sys_end = system_cpu_seconds()
        self.member_cpu_end = process_cpu_seconds(self.member_pid)

    def stop(self) -> None:
        self.phase = STOP

    def result(self, client: str, concurrency: int) -> CellResult:
        latencies = sorted(self.latencies)
        ops = len(latencies)
        seconds = (self.end_ns - self.start_ns) / 1e9
        per_op = 1e6 / ops if ops else math.nan
        member_cpu = None
        if self.member_cpu_start is not None and self.member_cpu_end is not None:
            member_cpu = (self.member_cpu_end - self.member_cpu_start) * per_op
        return CellResult(
            client=client,
            concurrency=concurrency,
            ops=ops,
            seconds=seconds,
            ops_per_s=ops / seconds if seconds > 0 else 0.0,
            p50_us=percentile(latencies, 0.50) / 1e3,
            p99_us=percentile(latencies, 0.99) / 1e3,
            mean_us=(sum(latencies) / ops / 1e3) if ops else 0.0,
            max_us=(latencies[-1] / 1e3) if ops else 0.0,
            cpu_us_per_op=(self.cpu_end - self.cpu_start) * per_op,
            member_cpu_us_per_op=member_cpu,
            sys_us_per_op=(self.sys_end - self.sys_start) * per_op,
        )


# -- the worker side: one client in this process ----------------------------------------------


@dataclass
class WorkerSpec:
    """What a client subprocess does; passed to it as JSON."""

    client: str
    addresses: list[str]
    cluster_name: str
    concurrency: list[int]
    duration: float
    warmup: float
    client_warmup: float
    warmup_concurrency: int
    member_pid: int | None
    sync_driver: str = "callback"
    #: pin this process (all its threads) to this CPU
    cpu: int | None = None


SetOp = Callable[[str, bytearray], Awaitable[Any]]
GetOp = Callable[[str], Awaitable[Any]]
PutAllOp = Callable[[dict[str, bytearray]], Awaitable[Any]]
Sleep = Callable[[float], Awaitable[Any]]
Job = Callable[[], Coroutine[Any, Any, None]]
RunAll = Callable[[Sequence[Job]], Awaitable[None]]


async def async_cell(
    set_: SetOp,
    get_: GetOp,
    value: bytearray,
    schedule: Schedule,
    concurrency: int,
    warmup: float,
    duration: float,
    member_pid: int | None,
    sleep: Sleep,
    run_all: RunAll,
) -> Window:
    """``concurrency`` tasks, each awaiting one operation after another, for one cell.

    With ``duration == 0`` it only warms up.
    """
    window = Window(member_pid)
    next_op = itertools.cycle(schedule).__next__
    latencies = window.latencies
    clock = time.perf_counter_ns

    async def worker() -> None:
        while window.phase != STOP:
            key, is_set = next_op()
            started = clock()
            if is_set:
                await set_(key, value)
            else:
                await get_(key)
            finished = clock()
            if window.phase == MEASURE:
                latencies.append(finished - started)

    async def coordinator() -> None:
        await sleep(warmup)
        if duration > 0:
            window.begin()
            await sleep(duration)
            window.end()
        else:
            window.stop()

    await run_all([coordinator, *[worker] * concurrency])
    return window


async def drive_async(
    spec: WorkerSpec,
    set_: SetOp,
    get_: GetOp,
    put_all: PutAllOp,
    sleep: Sleep,
    run_all: RunAll,
) -> list[CellResult]:
    """Fill the map, warm up, then measure every concurrency level (any async client)."""
    keys = make_keys()
    value = make_value()
    schedule = make_schedule(keys)
    await put_all(dict.fromkeys(keys, value))

    def cell(concurrency: int, warmup: float, duration: float) -> Awaitable[Window]:
        return async_cell(
            set_,
            get_,
            value,
            schedule,
            concurrency,
            warmup,
            duration,
            spec.member_pid,
            sleep,
            run_all,
        )

    if spec.client_warmup > 0:
        await cell(spec.warmup_concurrency, spec.client_warmup, 0.0)
    results = []
    for concurrency in spec.concurrency:
        window = await cell(concurrency, spec.warmup, spec.duration)
        results.append(window.result(spec.client, concurrency))
    return results


async def run_all_anyio(functions: Sequence[Job]) -> None:
    import anyio

    async with anyio.create_task_group() as tg:
        for function in functions:
            tg.start_soon(function)


async def run_all_asyncio(functions: Sequence[Job]) -> None:
    async with asyncio.TaskGroup() as tg:
        for function in functions:
            tg.create_task(function())


async def hztrio_main(spec: WorkerSpec) -> list[CellResult]:
    import anyio

    import hztrio

    async with hztrio.HazelcastClient(
        cluster_name=spec.cluster_name, cluster_members=spec.addresses
    ) as client:
        bench_map = await client.get_map(MAP_NAME)
        return await drive_async(
            spec, bench_map.set, bench_map.get, bench_map.put_all, anyio.sleep, run_all_anyio
        )


async def official_asyncio_main(spec: WorkerSpec) -> list[CellResult]:
    from hazelcast.asyncio import HazelcastClient, Map

    client = await HazelcastClient.create_and_start(
        cluster_name=spec.cluster_name, cluster_members=spec.addresses
    )
    try:
        bench_map: Map[str, bytearray] = await client.get_map(MAP_NAME)
        return await drive_async(
            spec, bench_map.set, bench_map.get, bench_map.put_all, asyncio.sleep, run_all_asyncio
        )
    finally:
        await client.shutdown()


class _Future(Protocol):
    """The part of the official client's ``hazelcast.future.Future`` used here."""

    def result(self) -> Any: ...

    def add_done_callback(self, callback: Callable[[Any], None]) -> None: ...


class _SyncMap(Protocol):
    def set(self, key: str, value: bytearray) -> _Future: ...

    def get(self, key: str) -> _Future: ...


def sync_cell_callback(
    bench_map: _SyncMap,
    value: bytearray,
    schedule: Schedule,
    concurrency: int,
    warmup: float,
    duration: float,
    member_pid: int | None,
) -> Window:
    """Keep ``concurrency`` futures in flight: each completion starts the next operation.

    The completion callbacks run on the client's reactor thread (the one that reads the
    socket), so the whole loop stays on one thread; the main thread only sleeps through the
    warm-up and the measurement.
    """
    window = Window(member_pid)
    next_op = itertools.cycle(schedule).__next__
    latencies = window.latencies
    clock = time.perf_counter_ns
    map_set, map_get = bench_map.set, bench_map.get
    all_done = threading.Event()
    lock = threading.Lock()
    active = concurrency
    errors: list[BaseException] = []

    def start() -> None:
        key, is_set = next_op()
        started = clock()
        future = map_set(key, value) if is_set else map_get(key)
        future.add_done_callback(functools.partial(done, started))

    def done(started: int, future: _Future) -> None:
        nonlocal active
        finished = clock()
        try:
            future.result()
            phase = window.phase
            if phase == MEASURE:
                latencies.append(finished - started)
            if phase != STOP:
                start()
                return
        except BaseException as exc:  # the future would only log it
            errors.append(exc)
            all_done.set()
            return
        with lock:
            active -= 1
            if active == 0:
                all_done.set()

    for _ in range(concurrency):
        start()
    _sync_phases(window, warmup, duration)
    if not all_done.wait(WORKER_SLACK):
        raise RuntimeError("operations still in flight long after the end of the cell")
    if errors:
        raise errors[0]
    return window


def sync_cell_queue(
    bench_map: _SyncMap,
    value: bytearray,
    schedule: Schedule,
    concurrency: int,
    warmup: float,
    duration: float,
    member_pid: int | None,
) -> Window:
    """Keep ``concurrency`` futures in flight from the main thread.

    Completion callbacks only hand the future to the main thread through a queue; the main
    thread records it and starts the next operation. This is how an application thread would
    usually drive the futures. Every operation crosses threads (and the GIL) twice; on the
    2-core test machine it was about as fast as ``sync_cell_callback`` at 64 in flight and
    slower at 1. The latency recorded ends in the callback, before the hand-off.
    """
    window = Window(member_pid)
    next_op = itertools.cycle(schedule).__next__
    latencies = window.latencies
    clock = time.perf_counter_ns
    map_set, map_get = bench_map.set, bench_map.get
    completions: queue.SimpleQueue[tuple[int, int, _Future]] = queue.SimpleQueue()
    put = completions.put

    def start() -> None:
        key, is_set = next_op()
        started = clock()
        future = map_set(key, value) if is_set else map_get(key)
        future.add_done_callback(lambda f: put((started, clock(), f)))

    for _ in range(concurrency):
        start()
    measure_at = clock() + int(warmup * 1e9)
    stop_at = measure_at + int(duration * 1e9)
    in_flight = concurrency
    get = completions.get
    while in_flight:
        started, finished, future = get(timeout=WORKER_SLACK)
        future.result()
        phase = window.phase
        if phase == MEASURE:
            latencies.append(finished - started)
        if phase != STOP:
            now = clock()
            if phase == WARMUP and now >= measure_at:
                if duration > 0:
                    window.begin()
                else:
                    window.stop()
            elif phase == MEASURE and now >= stop_at:
                window.end()
        if window.phase == STOP:
            in_flight -= 1
        else:
            start()
    return window


def _sync_phases(window: Window, warmup: float, duration: float) -> None:
    time.sleep(warmup)
    if duration > 0:
        window.begin()
        time.sleep(duration)
        window.end()
    else:
        window.stop()


def official_sync_main(spec: WorkerSpec) -> list[CellResult]:
    from hazelcast.client import HazelcastClient
    from hazelcast.proxy.map import Map

    client = HazelcastClient(cluster_name=spec.cluster_name, cluster_members=spec.addresses)
    try:
        # the non-blocking proxy (no .blocking()): its calls return futures
        bench_map: Map[str, bytearray] = client.get_map(MAP_NAME)
        keys = make_keys()
        value = make_value()
        schedule = make_schedule(keys)
        bench_map.put_all(dict.fromkeys(keys, value)).result()
        cell = sync_cell_callback if spec.sync_driver == "callback" else sync_cell_queue
        if spec.client_warmup > 0:
            cell(
                bench_map,
                value,
                schedule,
                spec.warmup_concurrency,
                spec.client_warmup,
                0.0,
                spec.member_pid,
            )
        results = []
        for concurrency in spec.concurrency:
            window = cell(
                bench_map,
                value,
                schedule,
                concurrency,
                spec.warmup,
                spec.duration,
                spec.member_pid,
            )
            results.append(window.result(spec.client, concurrency))
        return results
    finally:
        client.shutdown()


def run_worker(spec: WorkerSpec) -> list[CellResult]:
    if spec.cpu is not None:
        os.sched_setaffinity(0, {spec.cpu})  # before any client thread exists
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
    raise ValueError(f"unknown client {spec.client!r}")


def worker_entry(spec_json: str, output: str) -> int:
    spec = WorkerSpec(**json.loads(spec_json))
    results = run_worker(spec)
    Path(output).write_text(json.dumps([asdict(result) for result in results]))
    return 0


# -- the orchestrator -------------------------------------------------------------------------


@dataclass
class Settings:
    clients: list[str]
    concurrency: list[int]
    duration: float
    warmup: float
    client_warmup: float
    member_warmup: float
    repeat: int
    pin: bool
    sync_driver: str
    smoke: bool


@dataclass
class Summary:
    """The median round of one cell (by ops/s), with the spread over all rounds."""

    result: CellResult
    rounds: int
    min_ops_per_s: float
    max_ops_per_s: float


def run_client(spec: WorkerSpec) -> list[CellResult]:
    """Run one client in a subprocess of its own and return its cells."""
    budget = (
        spec.client_warmup + len(spec.concurrency) * (spec.warmup + spec.duration) + WORKER_SLACK
    )
    with tempfile.TemporaryDirectory(prefix="map-bench-") as directory:
        output = Path(directory) / "result.json"
        command = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--worker",
            json.dumps(asdict(spec)),
            "--worker-output",
            str(output),
        ]
        completed = subprocess.run(command, stdin=subprocess.DEVNULL, timeout=budget, check=False)
        if completed.returncode != 0:
            raise RuntimeError(f"{spec.client} exited with code {completed.returncode}")
        return [CellResult(**cell) for cell in json.loads(output.read_text())]


def run_benchmark(
    settings: Settings, addresses: list[str], cluster_name: str, member_pid: int | None
) -> tuple[list[CellResult], dict[str, str]]:
    """Warm the member up, then run every client in turn, ``repeat`` times.

    Returns every cell of every round, and the failures by client. Each round starts one
    client later in the list than the previous one, so that no client is always first.
    """
    warmup_concurrency = max(settings.concurrency)
    client_cpu = CLIENT_CPU if settings.pin else None

    def spec(client: str, concurrency: list[int], client_warmup: float) -> WorkerSpec:
        return WorkerSpec(
            client=client,
            addresses=addresses,
            cluster_name=cluster_name,
            concurrency=concurrency,
            duration=settings.duration,
            warmup=settings.warmup,
            client_warmup=client_warmup,
            warmup_concurrency=warmup_concurrency,
            member_pid=member_pid,
            sync_driver=settings.sync_driver,
            cpu=client_cpu,
        )

    results: list[CellResult] = []
    failures: dict[str, str] = {}
    if settings.member_warmup > 0:
        _progress(f"warming the member up for {settings.member_warmup:g} s")
        run_client(spec(settings.clients[0], [], settings.member_warmup))
    clients = settings.clients
    for round_index in range(settings.repeat):
        shift = round_index % len(clients)
        for client in clients[shift:] + clients[:shift]:
            label = f" (round {round_index + 1}/{settings.repeat})" if settings.repeat > 1 else ""
            _progress(f"running {client} at concurrency {settings.concurrency}{label}")
            started = time.monotonic()
            try:
                cells = run_client(spec(client, settings.concurrency, settings.client_warmup))
            except (RuntimeError, subprocess.TimeoutExpired, OSError, ValueError) as exc:
                _progress(f"{client} FAILED: {exc}")
                failures[client] = str(exc)
                continue
            for cell in cells:
                cell.round = round_index
                _progress(
                    f"  {client} c={cell.concurrency}: {cell.ops_per_s:,.0f} ops/s, "
                    f"p50 {cell.p50_us:,.0f} µs, p99 {cell.p99_us:,.0f} µs, "
                    f"CPU {cell.cpu_us_per_op:,.0f} µs/op (system {cell.sys_us_per_op:,.0f})"
                )
            _progress(f"  ({time.monotonic() - started:.1f} s)")
            results.extend(cells)
    return results, failures


def summarize(results: Sequence[CellResult]) -> list[Summary]:
    """Per (client, concurrency): the median round by ops/s (the lower one of an even count)."""
    cells: dict[tuple[str, int], list[CellResult]] = {}
    for result in results:
        cells.setdefault((result.client, result.concurrency), []).append(result)
    summaries = []
    for _cell, rounds in sorted(
        cells.items(), key=lambda item: (item[0][1], CLIENTS.index(item[0][0]))
    ):
        by_speed = sorted(rounds, key=lambda r: r.ops_per_s)
        summaries.append(
            Summary(
                result=by_speed[(len(by_speed) - 1) // 2],
                rounds=len(by_speed),
                min_ops_per_s=by_speed[0].ops_per_s,
                max_ops_per_s=by_speed[-1].ops_per_s,
            )
        )
    return summaries


def ratios(summaries: Sequence[Summary]) -> list[dict[str, Any]]:
    """hztrio's ops/s over each baseline's, per concurrency (when both were measured)."""
    by_cell = {(s.result.client, s.result.concurrency): s.result for s in summaries}
    rows = []
    for concurrency in sorted({concurrency for _, concurrency in by_cell}):
        for client in HZTRIO_CLIENTS:
            mine = by_cell.get((client, concurrency))
            if mine is None:
                continue
            for baseline in BASELINES:
                theirs = by_cell.get((baseline, concurrency))
                if theirs is None or theirs.ops_per_s <= 0:
                    continue
                rows.append(
                    {
                        "concurrency": concurrency,
                        "client": client,
                        "baseline": baseline,
                        "ratio": mine.ops_per_s / theirs.ops_per_s,
                    }
                )
    return rows


def format_results(summaries: Sequence[Summary], ratio_rows: Sequence[dict[str, Any]]) -> str:
    """The results and ratio tables, as Markdown."""
    spread = any(s.rounds > 1 for s in summaries)
    header = "| client | concurrency | ops/s |"
    rule = "|---|---:|---:|"
    if spread:
        header += " ops/s min-max |"
        rule += "---:|"
    lines = [
        header + " p50 µs | p99 µs | CPU µs/op | of which system | member CPU µs/op |",
        rule + "---:|---:|---:|---:|---:|",
    ]
    for s in summaries:
        r = s.result
        row = f"| {r.client} | {r.concurrency} | {r.ops_per_s:,.0f} |"
        if spread:
            row += f" {s.min_ops_per_s:,.0f}-{s.max_ops_per_s:,.0f} |"
        member = "n/a" if r.member_cpu_us_per_op is None else f"{r.member_cpu_us_per_op:,.0f}"
        system = "n/a" if r.sys_us_per_op is None else f"{r.sys_us_per_op:,.1f}"
        row += f" {r.p50_us:,.0f} | {r.p99_us:,.0f} | {r.cpu_us_per_op:,.1f} | {system} |"
        row += f" {member} |"
        lines.append(row)
    if ratio_rows:
        lines += [
            "",
            "| concurrency | hztrio client | / official-asyncio | / official-sync |",
            "|---:|---|---:|---:|",
        ]
        table: dict[tuple[int, str], dict[str, float]] = {}
        for ratio_row in ratio_rows:
            key = (ratio_row["concurrency"], ratio_row["client"])
            table.setdefault(key, {})[ratio_row["baseline"]] = ratio_row["ratio"]
        for (concurrency, client), by_baseline in sorted(
            table.items(), key=lambda item: (item[0][0], HZTRIO_CLIENTS.index(item[0][1]))
        ):
            cells = [f"{by_baseline[b]:.2f}x" if b in by_baseline else "n/a" for b in BASELINES]
            lines.append(f"| {concurrency} | {client} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def environment(member_version: str | None, heap: str | None) -> dict[str, Any]:
    def version(package: str) -> str | None:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return None

    cpu_model = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "hztrio_commit": _git_commit(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model,
        "hztrio": version("hztrio"),
        "hazelcast-python-client": version("hazelcast-python-client"),
        "trio": version("trio"),
        "anyio": version("anyio"),
        "member_version": member_version,
        "member_heap": heap,
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


@contextlib.contextmanager
def pinned(pid: int, cpu: int) -> Iterator[None]:
    """Pin every thread of process *pid* to *cpu* (threads it starts later inherit it).

    On exit the threads get the affinity the process had before, if it still runs.
    """
    original = os.sched_getaffinity(pid)
    _set_affinity(pid, {cpu})
    try:
        yield
    finally:
        _set_affinity(pid, original)


def _set_affinity(pid: int, cpus: set[int]) -> None:
    with contextlib.suppress(FileNotFoundError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(ProcessLookupError):
                os.sched_setaffinity(int(task.name), cpus)


def _git_commit() -> str | None:
    """The commit of the hztrio checkout that is measured, "+dirty" if hztrio/ has changes.

    Read-only: ``GIT_OPTIONAL_LOCKS=0`` keeps ``git status`` from rewriting the index.
    """
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}

    def git(*arguments: str) -> str:
        return subprocess.run(
            ["git", *arguments], cwd=root, env=env, capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", "hztrio")
    except (OSError, subprocess.CalledProcessError):
        return None
    return commit + ("+dirty" if dirty else "")


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _concurrency_list(text: str) -> list[int]:
    try:
        levels = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of ints: {text!r}") from None
    if not levels or any(level < 1 for level in levels):
        raise argparse.ArgumentTypeError(f"concurrency levels must be >= 1: {text!r}")
    return levels


def _client_list(text: str) -> list[str]:
    clients = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [client for client in clients if client not in CLIENTS]
    if not clients or unknown:
        raise argparse.ArgumentTypeError(f"clients must be among {', '.join(CLIENTS)}: {text!r}")
    return clients


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.map_bench",
        description="Map set/get (50/50, 100-byte values, 10,000 keys): hztrio under Trio "
        "and under AnyIO's asyncio backend versus the official sync and asyncio clients.",
    )
    parser.add_argument(
        "--concurrency",
        type=_concurrency_list,
        help=f"comma-separated concurrency levels (default {FULL_CONCURRENCY}; "
        f"{SMOKE_CONCURRENCY} with --smoke)",
    )
    parser.add_argument(
        "--duration",
        type=float,
        help=f"measured seconds per cell (default {FULL_TIMINGS[0]:g})",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        help=f"unmeasured seconds before each cell (default {FULL_TIMINGS[1]:g})",
    )
    parser.add_argument(
        "--client-warmup",
        type=float,
        help="unmeasured seconds at the highest concurrency when a client process starts "
        f"(default {FULL_TIMINGS[2]:g})",
    )
    parser.add_argument(
        "--member-warmup",
        type=float,
        help="unmeasured seconds of load before the first client, to warm the member's JIT "
        f"(default {FULL_TIMINGS[3]:g})",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run every client this many times, interleaved; the table shows the median "
        "round of each cell and the min-max of ops/s (default 1)",
    )
    parser.add_argument(
        "--clients",
        type=_client_list,
        default=list(CLIENTS),
        help=f"comma-separated clients to run, in order (default {','.join(CLIENTS)})",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help=f"pin the member to CPU {MEMBER_CPU} and the clients to CPU {CLIENT_CPU} "
        "(Linux; needs the member's pid), so that they do not compete for a core",
    )
    parser.add_argument(
        "--sync-driver",
        choices=SYNC_DRIVERS,
        default="callback",
        help="how official-sync keeps N futures in flight: 'callback' starts the next "
        "operation from the completion callback (reactor thread; fastest), 'queue' hands "
        "completions to the main thread, which starts the next (default callback)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="run everything very briefly (to check that the script works, not to measure)",
    )
    parser.add_argument(
        "--address",
        action="append",
        help="use the existing member at HOST:PORT instead of starting one (repeatable)",
    )
    parser.add_argument(
        "--cluster-name",
        help="cluster name of the existing member (default 'dev'; implies an existing member)",
    )
    parser.add_argument(
        "--member-pid",
        type=int,
        help="pid of an existing member, to report its CPU time per operation (and to --pin it)",
    )
    parser.add_argument(
        "--heap", default="1g", help="-Xmx of the member the benchmark starts (default 1g)"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        help="where to write the results (default benchmarks/results/map_bench.json)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Settings:
    timings = SMOKE_TIMINGS if args.smoke else FULL_TIMINGS
    concurrency = args.concurrency or _concurrency_list(
        SMOKE_CONCURRENCY if args.smoke else FULL_CONCURRENCY
    )

    def pick(value: float | None, default: float) -> float:
        return default if value is None else value

    return Settings(
        clients=args.clients,
        concurrency=concurrency,
        duration=pick(args.duration, timings[0]),
        warmup=pick(args.warmup, timings[1]),
        client_warmup=pick(args.client_warmup, timings[2]),
        member_warmup=pick(args.member_warmup, timings[3]),
        repeat=args.repeat,
        pin=args.pin,
        sync_driver=args.sync_driver,
        smoke=args.smoke,
    )


@contextlib.contextmanager
def member(args: argparse.Namespace) -> Iterator[tuple[list[str], str, int | None, str | None]]:
    """The member to benchmark against: (addresses, cluster name, pid, version)."""
    if args.address or args.cluster_name:
        addresses = args.address or ["127.0.0.1:5701"]
        yield addresses, args.cluster_name or "dev", args.member_pid, None
        return
    from hztrio.testing import start_cluster_sync

    _progress(f"starting a member (heap {args.heap})")
    with start_cluster_sync(1, heap=args.heap, sql=False) as cluster:
        _progress(f"member up at {cluster.addresses[0]}")
        yield cluster.addresses, cluster.cluster_name, cluster.members[0].pid, cluster.version


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker is not None:
        if args.worker_output is None:
            raise SystemExit("--worker needs --worker-output")
        return worker_entry(args.worker, args.worker_output)

    settings = settings_from(args)
    if settings.duration <= 0:
        raise SystemExit("--duration must be positive")
    if settings.repeat < 1:
        raise SystemExit("--repeat must be at least 1")
    if settings.pin and not hasattr(os, "sched_setaffinity"):
        raise SystemExit("--pin needs os.sched_setaffinity (Linux)")
    if settings.pin and (os.cpu_count() or 1) < 2:
        raise SystemExit("--pin needs at least two CPUs")
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        addresses, cluster_name, member_pid, member_version = stack.enter_context(member(args))
        if settings.pin:
            if not member_pid:
                raise SystemExit("--pin with an existing member needs --member-pid")
            stack.enter_context(pinned(member_pid, MEMBER_CPU))
        env = environment(member_version, None if args.address else args.heap)
        results, failures = run_benchmark(settings, addresses, cluster_name, member_pid)
    summaries = summarize(results)
    ratio_rows = ratios(summaries)
    print(format_results(summaries, ratio_rows))
    if failures:
        print("\nFAILED: " + "; ".join(f"{c}: {e}" for c, e in failures.items()))
    report = {
        "benchmark": "map_bench",
        "workload": {
            "map": MAP_NAME,
            "keys": KEY_COUNT,
            "value_bytes": VALUE_SIZE,
            "set_fraction": 0.5,
        },
        "settings": asdict(settings),
        "environment": env,
        "results": [
            {
                **asdict(s.result),
                "rounds": s.rounds,
                "min_ops_per_s": s.min_ops_per_s,
                "max_ops_per_s": s.max_ops_per_s,
            }
            for s in summaries
        ],
        "ratios": ratio_rows,
        "runs": [asdict(r) for r in results],
        "failures": failures,
        "wall_seconds": time.monotonic() - started,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    _progress(f"results written to {args.json} ({report['wall_seconds']:.0f} s in all)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
