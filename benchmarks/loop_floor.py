"""The floor under any client's round trip: the event loop alone, no Hazelcast.

An echo server runs in a process of its own; the client sends 40 bytes, waits for them to
come back, and does that N times, with nothing else: no encoding, no routing, no decoding.
What it costs per round trip (client CPU, user + system) is what a client built the same
way can never go below, one operation at a time:

* ``trio-one-task``: one task sends, waits until the socket is readable, receives — one
  scheduler pass per round trip (a client without a reader task);
* ``trio-reader-task``: the caller sends and parks; a reader task receives and wakes it —
  two passes per round trip, the shape of hztrio (and of any client that shares a
  connection between tasks);
* ``asyncio-protocol``: the caller writes to a transport and awaits a future; the
  protocol's ``data_received`` resolves it — the shape of hztrio under asyncio and of the
  official asyncio client.

With ``--tasks T`` (above 1), T tasks share the connection, each sending one message and
waiting for its echo, over and over, in the shape hztrio has with T operations in flight:
the callers queue their messages and one writer sends everything queued in one ``send``
(under asyncio, one ``transport.write`` per loop iteration); the reader (the protocol under
asyncio) receives what has arrived and wakes the callers whose echoes are complete.
``trio-one-task`` has no such form and is left out.

``python -m benchmarks.loop_floor [--pin] [--tasks T] [--round-trips N] [--repeat R]
[--smoke]``. With ``--pin`` the server runs on CPU 0 and the client on CPU 1, as in the
suite. Nothing is asserted; docs/performance.md compares these floors with the clients'
CPU per operation at one and at 16 tasks.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable

MESSAGE = b"x" * 40
WARMUP = 500


def _serve() -> None:
    """The echo server (the child process): prints its port, echoes one connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    print(listener.getsockname()[1], flush=True)
    conn, _ = listener.accept()
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while data := conn.recv(65536):
        conn.sendall(data)


def _cpu() -> tuple[float, float]:
    """This process's (user, system) CPU seconds so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setblocking(False)
    return sock


class _Meter:
    def __init__(self, count: int, tasks: int = 1) -> None:
        self.count = count
        #: operations in flight (the ``--tasks`` shapes)
        self.tasks = tasks
        self.started = 0.0
        self.cpu = (0.0, 0.0)
        #: round trips/s, then user and system CPU µs per round trip
        self.result: tuple[float, float, float] | None = None

    def start(self) -> None:
        self.started, self.cpu = time.perf_counter(), _cpu()

    def stop(self) -> None:
        elapsed = time.perf_counter() - self.started
        (user, system), (user0, system0) = _cpu(), self.cpu
        scale = 1e6 / self.count
        self.result = (self.count / elapsed, (user - user0) * scale, (system - system0) * scale)


def trio_one_task(port: int, meter: _Meter) -> None:
    import trio

    async def main() -> None:
        sock = _connect(port)
        for i in range(WARMUP + meter.count):
            if i == WARMUP:
                meter.start()
            sock.send(MESSAGE)
            await trio.lowlevel.wait_readable(sock)
            sock.recv(65536)
        meter.stop()
        sock.close()

    trio.run(main)


def trio_reader_task(port: int, meter: _Meter) -> None:
    import trio

    async def main() -> None:
        sock = _connect(port)
        waiting: list[trio.lowlevel.Task] = []

        async def reader() -> None:
            while True:
                await trio.lowlevel.wait_readable(sock)
                sock.recv(65536)
                trio.lowlevel.reschedule(waiting.pop())

        async with trio.open_nursery() as nursery:
            nursery.start_soon(reader)
            for i in range(WARMUP + meter.count):
                if i == WARMUP:
                    meter.start()
                sock.send(MESSAGE)
                waiting.append(trio.lowlevel.current_task())
                await trio.lowlevel.wait_task_rescheduled(lambda _: trio.lowlevel.Abort.FAILED)
            meter.stop()
            nursery.cancel_scope.cancel()
        sock.close()

    trio.run(main)


def asyncio_protocol(port: int, meter: _Meter) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        waiting: list[asyncio.Future[bytes]] = []

        class Echo(asyncio.BufferedProtocol):
            def __init__(self) -> None:
                self.buffer = bytearray(65536)

            def get_buffer(self, sizehint: int) -> bytearray:
                return self.buffer

            def buffer_updated(self, nbytes: int) -> None:
                waiting.pop().set_result(bytes(self.buffer[:nbytes]))

        transport, _ = await loop.create_connection(Echo, sock=_connect(port))
        for i in range(WARMUP + meter.count):
            if i == WARMUP:
                meter.start()
            future = loop.create_future()
            waiting.append(future)
            transport.write(MESSAGE)
            await future
        meter.stop()
        transport.close()

    asyncio.run(main())


def trio_reader_writer(port: int, meter: _Meter) -> None:
    """``trio-reader-task`` with ``meter.tasks`` callers, a writer task and a reader task."""
    import trio

    async def main() -> None:
        sock = _connect(port)
        size = len(MESSAGE)
        waiting: deque[trio.lowlevel.Task] = deque()  # in the order of their messages
        queue: list[bytes] = []
        writer_parked: list[trio.lowlevel.Task] = []
        done = 0
        total = WARMUP + meter.count

        async def reader() -> None:
            pending = 0  # bytes of an echo not complete yet
            while True:
                await trio.lowlevel.wait_readable(sock)
                try:
                    pending += len(sock.recv(65536))
                except BlockingIOError:
                    continue
                complete, pending = divmod(pending, size)
                for _ in range(complete):
                    trio.lowlevel.reschedule(waiting.popleft())

        def abort_writer(_: object) -> trio.lowlevel.Abort:
            writer_parked.clear()  # cancelled at the end: nobody may wake it any more
            return trio.lowlevel.Abort.SUCCEEDED

        async def writer() -> None:
            while True:
                if not queue:
                    writer_parked.append(trio.lowlevel.current_task())
                    await trio.lowlevel.wait_task_rescheduled(abort_writer)
                    continue
                data = b"".join(queue)
                queue.clear()
                view = memoryview(data)
                while view:
                    try:
                        view = view[sock.send(view) :]
                    except BlockingIOError:
                        await trio.lowlevel.wait_writable(sock)

        async def caller() -> None:
            nonlocal done
            task = trio.lowlevel.current_task()
            while done < total:
                done += 1
                if done == WARMUP:
                    meter.start()
                waiting.append(task)
                queue.append(MESSAGE)
                if writer_parked:
                    trio.lowlevel.reschedule(writer_parked.pop())
                await trio.lowlevel.wait_task_rescheduled(lambda _: trio.lowlevel.Abort.FAILED)

        async with trio.open_nursery() as nursery:
            nursery.start_soon(reader)
            nursery.start_soon(writer)
            async with trio.open_nursery() as callers:
                for _ in range(meter.tasks):
                    callers.start_soon(caller)
            meter.stop()
            nursery.cancel_scope.cancel()
        sock.close()

    trio.run(main)


def asyncio_protocol_batched(port: int, meter: _Meter) -> None:
    """``asyncio-protocol`` with ``meter.tasks`` callers and one write per loop iteration."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        size = len(MESSAGE)
        waiting: deque[asyncio.Future[None]] = deque()
        queue: list[bytes] = []
        done = 0
        total = WARMUP + meter.count

        class Echo(asyncio.BufferedProtocol):
            def __init__(self) -> None:
                self.buffer = bytearray(65536)
                self.pending = 0

            def get_buffer(self, sizehint: int) -> bytearray:
                return self.buffer

            def buffer_updated(self, nbytes: int) -> None:
                complete, self.pending = divmod(self.pending + nbytes, size)
                for _ in range(complete):
                    waiting.popleft().set_result(None)

        transport, _ = await loop.create_connection(Echo, sock=_connect(port))

        def flush() -> None:
            transport.write(b"".join(queue))
            queue.clear()

        async def caller() -> None:
            nonlocal done
            while done < total:
                done += 1
                if done == WARMUP:
                    meter.start()
                future = loop.create_future()
                waiting.append(future)
                if not queue:
                    loop.call_soon(flush)
                queue.append(MESSAGE)
                await future

        await asyncio.gather(*(caller() for _ in range(meter.tasks)))
        meter.stop()
        transport.close()

    asyncio.run(main())


SHAPES: dict[str, Callable[[int, _Meter], None]] = {
    "trio-one-task": trio_one_task,
    "trio-reader-task": trio_reader_task,
    "asyncio-protocol": asyncio_protocol,
}
#: the same shapes with many tasks in flight (``--tasks``)
CONCURRENT_SHAPES: dict[str, Callable[[int, _Meter], None]] = {
    "trio-reader-task": trio_reader_writer,
    "asyncio-protocol": asyncio_protocol_batched,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.loop_floor",
        description="CPU per round trip of the bare event loop (an echo server, no Hazelcast).",
    )
    parser.add_argument("--round-trips", type=int, default=20_000, help="per shape (20,000)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of every shape (3)")
    parser.add_argument("--pin", action="store_true", help="server on CPU 0, client on CPU 1")
    parser.add_argument(
        "--tasks", type=int, default=1, help="round trips in flight, one per task (1)"
    )
    parser.add_argument("--smoke", action="store_true", help="200 round trips, once: no timing")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _serve()
        return 0
    if args.smoke:
        args.round_trips, args.repeat = 200, 1
    if args.tasks < 1:
        parser.error("--tasks must be at least 1")
    if args.pin:
        os.sched_setaffinity(0, {1})
    shapes = SHAPES if args.tasks == 1 else CONCURRENT_SHAPES
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in shapes}
    for _ in range(args.repeat):
        for name, shape in shapes.items():
            command = [sys.executable, "-m", "benchmarks.loop_floor", "--serve"]
            if args.pin:
                command = ["taskset", "-c", "0", *command]
            with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as server:
                try:
                    assert server.stdout is not None
                    port = int(server.stdout.readline())
                    meter = _Meter(args.round_trips, args.tasks)
                    shape(port, meter)
                    assert meter.result is not None
                    results[name].append(meter.result)
                finally:
                    server.kill()
    if args.tasks > 1:
        print(f"{args.tasks} round trips in flight:")
    print(
        "| loop shape | round trips/s (median) | client CPU per round trip (median, min-max) "
        "| of which user / system (medians) |"
    )
    print("|---|---:|---:|---:|")
    for name, rounds in results.items():
        middle = len(rounds) // 2
        rates = sorted(rate for rate, _, _ in rounds)
        cpus = sorted(user + system for _, user, system in rounds)
        users = sorted(user for _, user, _ in rounds)
        systems = sorted(system for _, _, system in rounds)
        print(
            f"| {name} | {rates[middle]:,.0f} | {cpus[middle]:.1f} µs "
            f"({cpus[0]:.1f}-{cpus[-1]:.1f}) | {users[middle]:.1f} / {systems[middle]:.1f} µs |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
