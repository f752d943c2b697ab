"""hztrio.testing.proxy: the fault-injecting TCP proxy, against an echo server of the test's own.

Every test runs under Trio and under AnyIO's asyncio backend, has a hard time limit, and waits
for conditions with deadlines (a short ``move_on_after`` window is used only to check that
something does *not* happen).
"""

from __future__ import annotations

import math
import socket
import struct
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio
import anyio.abc
import psutil
import pytest

import hztrio.testing.proxy as proxy_module
from hztrio.testing import FaultProxy
from hztrio.testing.proxy import MAX_BUFFERED_BYTES

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]

HOST = "127.0.0.1"
CLOSE_BYTE = b"\x00"  # the echo server closes a connection when it receives this byte
STREAM_ERRORS = (anyio.EndOfStream, anyio.BrokenResourceError)


@pytest.fixture(params=["trio", "asyncio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


# ---------------------------------------------------------------------------------------------
# helpers


@dataclass
class EchoServer:
    port: int
    live: int = 0
    total: int = 0
    echoed: int = 0


@asynccontextmanager
async def echo_server() -> AsyncIterator[EchoServer]:
    """A TCP echo server on 127.0.0.1; it closes a connection that sends ``CLOSE_BYTE``."""
    listener = await anyio.create_tcp_listener(local_host=HOST, local_port=0)
    server = EchoServer(port=int(listener.extra(anyio.abc.SocketAttribute.local_port)))

    async def handle(stream: anyio.abc.SocketStream) -> None:
        server.live += 1
        server.total += 1
        try:
            async with stream:
                async for chunk in stream:
                    if CLOSE_BYTE in chunk:
                        return
                    await stream.send(chunk)
                    server.echoed += len(chunk)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError):
            pass
        finally:
            server.live -= 1

    async def accept_loop(*, task_status: anyio.abc.TaskStatus[None]) -> None:
        [inner] = listener.listeners
        assert isinstance(inner, anyio.abc.SocketListener)
        task_status.started()
        while True:
            tg.start_soon(handle, await inner.accept())

    async with listener, anyio.create_task_group() as tg:
        await tg.start(accept_loop)  # running before the server is handed out
        try:
            yield server
        finally:
            tg.cancel_scope.cancel()


async def wait_until(condition: Callable[[], bool], within: float = 10.0) -> None:
    """Wait until *condition()* is true, checking every 10 ms; TimeoutError after *within* s.

    For counters that have no event to wait on (the echo server's, the proxy's byte counts):
    a condition wait with a deadline, not a sleep used as synchronization.
    """
    with anyio.fail_after(within):
        while not condition():  # noqa: ASYNC110
            await anyio.sleep(0.01)


async def receive_exactly(
    stream: anyio.abc.ByteReceiveStream, n: int, within: float = 10.0
) -> bytes:
    buf = bytearray()
    with anyio.fail_after(within):
        while len(buf) < n:
            buf += await stream.receive(n - len(buf))
    return bytes(buf)


async def assert_nothing_arrives(stream: anyio.abc.ByteReceiveStream, window: float = 0.3) -> None:
    with anyio.move_on_after(window):
        data = await stream.receive()
        pytest.fail(f"received {data!r} while nothing should arrive")


async def assert_closed(stream: anyio.abc.ByteReceiveStream, within: float = 5.0) -> None:
    """The peer closed or reset the connection (any bytes before that are ignored)."""
    with anyio.fail_after(within), pytest.raises(STREAM_ERRORS):
        while True:
            await stream.receive()


async def round_trip(client: anyio.abc.SocketStream, data: bytes) -> float:
    start = anyio.current_time()
    await client.send(data)
    assert await receive_exactly(client, len(data)) == data
    return anyio.current_time() - start


def free_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def proxy_sockets(proxy_port: int, target_port: int) -> list[object]:
    """This process's TCP sockets of the proxy: its listener, client side and target side."""
    found: list[object] = []
    for c in psutil.Process().net_connections(kind="tcp"):
        ports = {c.laddr.port if c.laddr else None, c.raddr.port if c.raddr else None}
        if proxy_port in ports or (c.raddr and c.raddr.port == target_port):
            found.append(c)
    return found


# ---------------------------------------------------------------------------------------------
# forwarding


async def test_pass_through_echo() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        assert proxy.host == HOST
        assert proxy.address == f"{HOST}:{proxy.port}"
        assert proxy.target == f"{HOST}:{echo.port}"
        assert proxy.port != echo.port
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            await proxy.wait_connections(1)
            assert proxy.connections == 1
            for i in range(20):
                payload = bytes([65 + i]) * (1 + i * 1000)
                await round_trip(client, payload)
            big = bytes(range(1, 256)) * 4096  # 1 MiB, no CLOSE_BYTE, larger than socket buffers
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.send, big)
                assert await receive_exactly(client, len(big)) == big
        expected = sum(1 + i * 1000 for i in range(20)) + len(big)
        assert proxy.bytes_upstream == expected
        assert proxy.bytes_downstream == expected
        await wait_until(lambda: proxy.connections == 0 and echo.live == 0)
        stats = proxy.statistics()
        assert stats.total_connections == 1 == proxy.total_connections
        assert stats.refused_connections == 0 and stats.failed_target_connections == 0


async def test_many_connections_are_independent() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        clients = [await anyio.connect_tcp(HOST, proxy.port) for _ in range(5)]
        try:
            await proxy.wait_connections(5)
            for i, client in enumerate(clients):
                await round_trip(client, f"client {i}".encode())
            # One client resets its connection: the others and the proxy carry on.
            raw = clients[0].extra(anyio.abc.SocketAttribute.raw_socket)
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            await clients[0].aclose()
            await wait_until(lambda: proxy.connections == 4 and echo.live == 4)
            for i, client in enumerate(clients[1:], 1):
                await round_trip(client, f"still {i}".encode())
        finally:
            for client in clients:
                await client.aclose()
        assert proxy.total_connections == 5


async def test_server_close_closes_client_and_client_close_closes_server() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            await round_trip(client, b"hello")
            await client.send(CLOSE_BYTE)  # the server closes its side
            await assert_closed(client)
            await wait_until(lambda: proxy.connections == 0)
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            await round_trip(client, b"hello")
            assert echo.live == 1
        await wait_until(lambda: echo.live == 0 and proxy.connections == 0)


async def test_unreachable_target_closes_client() -> None:
    async with FaultProxy(HOST, free_port()) as proxy:
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            await assert_closed(client)
        assert proxy.connections == 0
        assert proxy.statistics().failed_target_connections == 1


# ---------------------------------------------------------------------------------------------
# delay and throttle


async def test_delay_adds_latency_in_each_direction() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            assert await round_trip(client, b"warm-up") < 0.2

            proxy.delay(0.2)
            assert 0.35 <= await round_trip(client, b"both") < 3

            proxy.pass_through()
            proxy.delay(0.3, "upstream")
            assert 0.25 <= await round_trip(client, b"upstream") < 3
            proxy.pass_through()
            proxy.delay(0.3, "downstream")
            assert 0.25 <= await round_trip(client, b"downstream") < 3

            proxy.pass_through()
            assert await round_trip(client, b"normal again") < 0.2


async def test_delay_is_latency_not_serialization() -> None:
    """Chunks sent 0.1 s apart through a 0.2 s delay each way arrive 0.4 s late, in order."""
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            proxy.delay(0.2)
            start = anyio.current_time()
            sent_at: list[float] = []

            async def send_paced() -> None:
                for i in range(5):
                    sent_at.append(anyio.current_time())
                    await client.send(bytes([48 + i]))
                    await anyio.sleep(0.1)  # traffic shape, not synchronization

            async with anyio.create_task_group() as tg:
                tg.start_soon(send_paced)
                for i in range(5):
                    assert await receive_exactly(client, 1) == bytes([48 + i])
                    latency = anyio.current_time() - sent_at[i]
                    assert 0.35 <= latency < 1.5, (i, latency)
            # serialized delays would take 5 * 0.4 s
            assert anyio.current_time() - start < 1.8


async def test_throttle_limits_rate() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            rate = 100_000
            payload = bytes(range(1, 256)) * 800  # 204_000 bytes: about 2 s at 100 kB/s
            proxy.throttle(rate, "downstream")
            start = anyio.current_time()
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.send, payload)
                assert await receive_exactly(client, len(payload), within=20) == payload
            elapsed = anyio.current_time() - start
            assert 0.8 * len(payload) / rate <= elapsed < 10, elapsed

            proxy.throttle(math.inf)
            assert await round_trip(client, payload) < 1.5


async def test_throttle_upstream() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            proxy.throttle(50_000, "upstream")
            payload = b"u" * 50_000
            start = anyio.current_time()
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.send, payload)
                assert await receive_exactly(client, len(payload)) == payload
            assert 0.8 <= anyio.current_time() - start < 8


# ---------------------------------------------------------------------------------------------
# stall


async def test_stall_holds_bytes_and_resume_delivers_them_in_order() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            await round_trip(client, b"before")

            proxy.stall("downstream")
            chunks = [f"chunk-{i};".encode() for i in range(10)]
            for chunk in chunks:
                await client.send(chunk)
            expected = b"".join(chunks)
            # the member side got and echoed everything, the client gets nothing
            await wait_until(lambda: echo.echoed == len(b"before") + len(expected))
            await assert_nothing_arrives(client)
            assert proxy.connections == 1

            resumed = anyio.current_time()
            proxy.pass_through()
            assert await receive_exactly(client, len(expected)) == expected
            assert anyio.current_time() - resumed < 0.5  # the stalled pump woke at once
            await round_trip(client, b"after")


async def test_stall_both_with_more_than_the_proxy_buffers() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            proxy.stall()
            payload = bytes(range(1, 252)) * (3 * MAX_BUFFERED_BYTES // 251)
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.send, payload)  # blocks once every buffer is full
                await proxy.wait_connections(1)
                await assert_nothing_arrives(client)
                assert echo.echoed == 0
                proxy.pass_through()
                assert await receive_exactly(client, len(payload)) == payload


async def test_stall_holds_back_the_end_of_stream() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            await round_trip(client, b"x")
            proxy.stall("downstream")
            await client.send(b"last words" + CLOSE_BYTE)  # the server closes without echoing
            await wait_until(lambda: echo.live == 0)
            await assert_nothing_arrives(client)
            assert proxy.connections == 1
            proxy.pass_through()
            await assert_closed(client)
            await wait_until(lambda: proxy.connections == 0)


# ---------------------------------------------------------------------------------------------
# cut and refuse


async def test_cut_closes_connections_and_new_ones_work() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        async with (
            await anyio.connect_tcp(HOST, proxy.port) as c1,
            await anyio.connect_tcp(HOST, proxy.port) as c2,
        ):
            await proxy.wait_connections(2)
            await round_trip(c1, b"one")
            await round_trip(c2, b"two")
            proxy.stall("downstream")  # cut also closes stalled connections
            assert proxy.cut() == 2
            assert proxy.connections == 0
            await assert_closed(c1)
            await assert_closed(c2)
            await wait_until(lambda: echo.live == 0)
            proxy.pass_through()

        async with await anyio.connect_tcp(HOST, proxy.port) as c3:
            await proxy.wait_connections(1)
            await round_trip(c3, b"three")
        assert proxy.total_connections == 3
        await wait_until(lambda: proxy.connections == 0 and echo.live == 0)


async def test_refuse_new_connections() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        async with await anyio.connect_tcp(HOST, proxy.port) as kept:
            await round_trip(kept, b"kept")
            proxy.refuse(True)
            for _ in range(3):
                try:
                    refused = await anyio.connect_tcp(HOST, proxy.port)
                except OSError:
                    continue  # a reset can also surface while connecting
                async with refused:
                    await assert_closed(refused)
            assert proxy.refused_connections == 3
            assert echo.total == 1
            await round_trip(kept, b"existing connections are not affected")

            proxy.refuse(False)
            async with await anyio.connect_tcp(HOST, proxy.port) as client:
                await round_trip(client, b"accepted again")
            assert proxy.total_connections == 2


# ---------------------------------------------------------------------------------------------
# inject


async def test_inject_arrives_between_echoed_chunks() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            await proxy.wait_connections(1)
            await round_trip(client, b"A" * 100)
            assert proxy.inject(b"<injected>") == 1  # the pump is idle: it must wake up
            assert await receive_exactly(client, 10) == b"<injected>"
            await round_trip(client, b"B" * 100)
            # upstream: the echo server sends it back
            assert proxy.inject(b"<up>", "upstream") == 1
            assert await receive_exactly(client, 4) == b"<up>"
            # both: once straight to the client, once through the echo server
            proxy.inject(b"<2>", direction="both")
            assert await receive_exactly(client, 6) == b"<2><2>"
            # injected bytes are not counted, the echoed ones are
            await wait_until(lambda: proxy.bytes_downstream == 200 + 4 + 3)
            assert proxy.bytes_upstream == 200


async def test_inject_overtakes_a_stall() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        async with await anyio.connect_tcp(HOST, proxy.port) as client:
            await proxy.wait_connections(1)
            proxy.stall("downstream")
            await client.send(b"held")
            await wait_until(lambda: echo.echoed == 4)
            proxy.inject(b"malformed frame")
            assert await receive_exactly(client, 15) == b"malformed frame"
            proxy.pass_through()
            assert await receive_exactly(client, 4) == b"held"


# ---------------------------------------------------------------------------------------------
# controls and lifetime


async def test_invalid_arguments() -> None:
    proxy = FaultProxy(HOST, 1)
    for bad in ("sideways", "", "UPSTREAM"):
        with pytest.raises(ValueError):
            proxy.delay(0.1, bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            proxy.stall(bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            proxy.inject(b"x", bad)  # type: ignore[arg-type]
    for seconds in (-1.0, math.inf, math.nan):
        with pytest.raises(ValueError):
            proxy.delay(seconds)
    for rate in (0.0, -5.0, math.nan):
        with pytest.raises(ValueError):
            proxy.throttle(rate)
    with pytest.raises(RuntimeError):
        _ = proxy.address
    await anyio.lowlevel.checkpoint()


async def test_settings_before_entering_apply_from_the_start() -> None:
    async with echo_server() as echo:
        proxy = FaultProxy(HOST, echo.port)
        proxy.delay(0.15, "upstream")
        async with proxy, await anyio.connect_tcp(HOST, proxy.port) as client:
            assert 0.12 <= await round_trip(client, b"x") < 3
        with pytest.raises(RuntimeError):
            async with proxy:
                pass


async def test_wait_connections_times_out() -> None:
    async with echo_server() as echo, FaultProxy(HOST, echo.port) as proxy:
        start = anyio.current_time()
        with pytest.raises(TimeoutError):
            await proxy.wait_connections(1, timeout=0.2)
        assert 0.15 <= anyio.current_time() - start < 3
        await proxy.wait_connections(0)  # already true


async def test_clean_exit_leaves_no_task_and_no_socket() -> None:
    async with echo_server() as echo:
        tasks_before = len(anyio.get_running_tasks())
        async with FaultProxy(HOST, echo.port) as proxy:
            port = proxy.port
            clients = [await anyio.connect_tcp(HOST, port) for _ in range(3)]
            await proxy.wait_connections(3)
            await round_trip(clients[0], b"x")
            proxy.stall("downstream")
            await clients[1].send(b"pending")
            proxy.delay(5, "upstream")
            await clients[2].send(b"delayed")
        # the proxy closed the client sides and the target sides
        for client in clients:
            await assert_closed(client)
            await client.aclose()
        await wait_until(lambda: echo.live == 0)
        assert len(anyio.get_running_tasks()) == tasks_before
        assert proxy_sockets(port, echo.port) == []
        with pytest.raises(OSError):
            await anyio.connect_tcp(HOST, port)
        # controls after exit do nothing
        proxy.pass_through()
        assert proxy.cut() == 0
        assert proxy.inject(b"x") == 0


async def test_exception_in_body_propagates_unwrapped_and_closes_everything() -> None:
    async with echo_server() as echo:
        tasks_before = len(anyio.get_running_tasks())
        with pytest.raises(KeyError, match="boom"):
            async with FaultProxy(HOST, echo.port) as proxy:
                client = await anyio.connect_tcp(HOST, proxy.port)
                await proxy.wait_connections(1)
                raise KeyError("boom")
        await assert_closed(client)
        await client.aclose()
        await wait_until(lambda: echo.live == 0)
        assert len(anyio.get_running_tasks()) == tasks_before
        assert proxy_sockets(proxy.port, echo.port) == []


async def test_cancelled_body_exits_promptly_and_closes_everything() -> None:
    async with echo_server() as echo:
        tasks_before = len(anyio.get_running_tasks())
        with anyio.move_on_after(0.5) as scope:
            async with FaultProxy(HOST, echo.port) as proxy:
                client = await anyio.connect_tcp(HOST, proxy.port)
                await proxy.wait_connections(1)
                proxy.stall()
                await anyio.sleep_forever()
        assert scope.cancelled_caught
        await assert_closed(client)
        await client.aclose()
        await wait_until(lambda: echo.live == 0)
        assert len(anyio.get_running_tasks()) == tasks_before
        assert proxy_sockets(proxy.port, echo.port) == []


async def test_exception_group_from_body_propagates_as_is() -> None:
    async with echo_server() as echo:
        group = ExceptionGroup("user", [ValueError("a"), KeyError("b")])
        with pytest.raises(ExceptionGroup) as info:
            async with FaultProxy(HOST, echo.port):
                raise group
        # not wrapped in the task group's group (Trio may hand back an equal copy of it)
        assert info.value.message == "user"
        assert info.value.exceptions == group.exceptions


async def test_a_bug_in_a_pump_surfaces(monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken_write(*args: object) -> None:
        raise RuntimeError("bug in the pump")

    monkeypatch.setattr(proxy_module._Pump, "_write_head", broken_write)
    async with echo_server() as echo:
        tasks_before = len(anyio.get_running_tasks())
        with anyio.fail_after(10), pytest.raises(RuntimeError, match="bug in the pump"):
            async with FaultProxy(HOST, echo.port) as proxy:
                async with await anyio.connect_tcp(HOST, proxy.port) as client:
                    await client.send(b"x")
                    await anyio.sleep_forever()  # the bug cancels the body
        await wait_until(lambda: echo.live == 0)
        assert len(anyio.get_running_tasks()) == tasks_before
