"""The FlakeIdGenerator's batching (AutoBatcher) without a member: a scripted ``fetch`` gives
batches when the test lets it, so that waiting, expiry and cancellation are exact."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import anyio
import pytest
import sniffio

from hztrio.errors import ClientNotActiveError, HazelcastError, NodeIdOutOfRangeError
from hztrio.proxy.flake_id_generator import AutoBatcher, IdBatch

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(30)]

INCREMENT = 1 << 16


class Member:
    """Hands out consecutive batches; the test opens ``gate`` to let requests through."""

    def __init__(self, gated: bool = False) -> None:
        self.next_base = 1000
        self.requests: list[int] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.gate = anyio.Event()
        if not gated:
            self.gate.set()
        self.error: BaseException | None = None

    async def fetch(self, batch_size: int) -> IdBatch:
        self.requests.append(batch_size)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self.gate.wait()
            await anyio.lowlevel.checkpoint()
            if self.error is not None:
                raise self.error
            base = self.next_base
            self.next_base += batch_size * INCREMENT
            return IdBatch(base, INCREMENT, batch_size)
        finally:
            self.in_flight -= 1

    def ids(self) -> list[int]:
        """Every id of every batch handed out so far."""
        return list(range(1000, self.next_base, INCREMENT))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def batcher_for(
    member: Member,
    spawn: Callable[..., object],
    batch_size: int = 10,
    validity: float = 600,
    clock: Callable[[], float] | None = None,
) -> AutoBatcher:
    return AutoBatcher(batch_size, validity, member.fetch, spawn, clock or Clock())


async def test_ids_of_a_batch_then_the_next_batch() -> None:
    member = Member()
    async with anyio.create_task_group() as tg:
        batcher = batcher_for(member, tg.start_soon, batch_size=4)
        ids = [await batcher.new_id() for _ in range(10)]
    assert ids == member.ids()[:10]
    assert ids[:4] == [1000 + i * INCREMENT for i in range(4)]
    assert member.requests == [4, 4, 4]
    assert batcher.batches_fetched == 3


async def test_a_served_id_is_a_checkpoint() -> None:
    member = Member()
    async with anyio.create_task_group() as tg:
        batcher = batcher_for(member, tg.start_soon)
        first = await batcher.new_id()
        with anyio.CancelScope() as scope:
            scope.cancel()
            await batcher.new_id()
            pytest.fail("new_id did not checkpoint")
        assert scope.cancelled_caught
        # the cancelled call used no id
        assert await batcher.new_id() == first + INCREMENT


async def test_expired_batches_are_dropped() -> None:
    member = Member()
    clock = Clock()
    async with anyio.create_task_group() as tg:
        batcher = batcher_for(member, tg.start_soon, batch_size=5, validity=2, clock=clock)
        first = await batcher.new_id()
        clock.now += 1.9
        assert await batcher.new_id() == first + INCREMENT
        clock.now += 0.1
        # expired with 3 ids left: they are never handed out
        assert await batcher.new_id() == first + 5 * INCREMENT
        assert member.requests == [5, 5]


async def test_validity_zero_never_expires() -> None:
    member = Member()
    clock = Clock()
    async with anyio.create_task_group() as tg:
        batcher = batcher_for(member, tg.start_soon, batch_size=3, validity=0, clock=clock)
        first = await batcher.new_id()
        clock.now += 10**9
        assert await batcher.new_id() == first + INCREMENT
        assert member.requests == [3]


async def test_many_waiters_share_one_request_at_a_time() -> None:
    member = Member(gated=True)
    got: list[int] = []

    async def take() -> None:
        got.append(await batcher.new_id())

    async with anyio.create_task_group() as tg:
        batcher = batcher_for(member, tg.start_soon, batch_size=100)
        for _ in range(250):
            tg.start_soon(take)
        await anyio.wait_all_tasks_blocked()
        assert member.requests == [100]  # 250 waiters, one request
        member.gate.set()
    assert member.max_in_flight == 1
    assert member.requests == [100, 100, 100]
    assert sorted(got) == member.ids()[:250]
    # the 50 ids left serve the next callers without a request
    assert [await batcher.new_id() for _ in range(50)] == member.ids()[250:]
    assert len(member.requests) == 3


async def test_a_failed_request_fails_every_waiter_and_the_next_call_tries_again() -> None:
    member = Member(gated=True)
    member.error = NodeIdOutOfRangeError("node id out of range")
    errors: list[BaseException] = []

    async def take() -> None:
        try:
            await batcher.new_id()
        except HazelcastError as exc:
            errors.append(exc)

    async with anyio.create_task_group() as tg:
        batcher = batcher_for(member, tg.start_soon)
        for _ in range(5):
            tg.start_soon(take)
        await anyio.wait_all_tasks_blocked()
        member.gate.set()
    assert len(errors) == 5
    assert all(isinstance(e, NodeIdOutOfRangeError) for e in errors)
    member.error = None
    async with anyio.create_task_group() as tg:
        batcher._spawn = tg.start_soon
        assert await batcher.new_id() == 1000
    assert len(member.requests) == 2


async def test_an_empty_batch_is_an_error() -> None:
    async def empty(batch_size: int) -> IdBatch:
        return IdBatch(5, INCREMENT, 0)

    async with anyio.create_task_group() as tg:
        batcher = AutoBatcher(10, 600, empty, tg.start_soon, Clock())
        with pytest.raises(HazelcastError, match="empty id batch"):
            await batcher.new_id()


async def test_cancelled_waiters_give_their_place_to_the_others() -> None:
    member = Member(gated=True)
    got: list[int] = []
    scopes: list[anyio.CancelScope] = []

    async def take() -> None:
        with anyio.CancelScope() as scope:
            scopes.append(scope)
            got.append(await batcher.new_id())

    async with anyio.create_task_group() as tg:
        batcher = batcher_for(member, tg.start_soon, batch_size=10)
        for _ in range(15):
            tg.start_soon(take)
        await anyio.wait_all_tasks_blocked()
        for scope in scopes[:5]:
            scope.cancel()
        await anyio.wait_all_tasks_blocked()
        assert len(batcher._waiters) == 10
        member.gate.set()
    # ten waiters left, ten ids in the batch: one request, every id used
    assert sorted(got) == member.ids()
    assert len(member.requests) == 1


async def test_every_waiter_cancelled_the_batch_is_kept() -> None:
    member = Member(gated=True)
    async with anyio.create_task_group() as tg:
        batcher = batcher_for(member, tg.start_soon, batch_size=10)
        with anyio.move_on_after(0.01):
            await batcher.new_id()
        assert not batcher._waiters
        member.gate.set()
        await anyio.wait_all_tasks_blocked()
        assert [await batcher.new_id() for _ in range(10)] == member.ids()
        assert len(member.requests) == 1


class CancellingBatcher(AutoBatcher):
    """Cancels the first waiter right after the batch assigned it an id, before it runs.
    On asyncio a plain ``task.cancel()`` (``asyncio.timeout``, ``wait_for``) then reaches it
    at its wait; on Trio the wake-up wins and the caller gets its id."""

    cancel: Callable[[], object] | None = None

    def _serve(self, batch: IdBatch) -> bool:
        more = super()._serve(batch)
        assert self.cancel is not None
        self.cancel()
        return more


async def test_an_id_assigned_to_a_caller_that_left_goes_to_the_next_caller() -> None:
    member = Member(gated=True)
    got: list[int] = []
    cancelled: list[bool] = []

    async with anyio.create_task_group() as tg:
        batcher = CancellingBatcher(3, 600, member.fetch, tg.start_soon, Clock())

        async def first() -> None:
            if sniffio.current_async_library() == "asyncio":
                task = asyncio.current_task()
                assert task is not None
                batcher.cancel = task.cancel
                try:
                    got.append(await batcher.new_id())
                except asyncio.CancelledError:
                    task.uncancel()
                    cancelled.append(True)
                return
            with anyio.CancelScope() as scope:
                batcher.cancel = scope.cancel
                got.append(await batcher.new_id())
            cancelled.append(scope.cancelled_caught)

        async def other() -> None:
            got.append(await batcher.new_id())

        tg.start_soon(first)
        await anyio.wait_all_tasks_blocked()
        for _ in range(3):
            tg.start_soon(other)
        await anyio.wait_all_tasks_blocked()
        member.gate.set()
    assert cancelled == [sniffio.current_async_library() == "asyncio"]
    # each caller that returned has an id of its own; the id of the one that left went to
    # the next waiting caller, so the three others used up the first batch exactly
    assert len(got) == 4 - cancelled.count(True)
    assert len(set(got)) == len(got)
    assert sorted(got) == member.ids()[: len(got)]
    async with anyio.create_task_group() as tg:
        batcher._spawn = tg.start_soon
        following = await batcher.new_id()
    assert sorted([*got, following]) == member.ids()[: len(got) + 1]


async def test_shutdown_fails_the_waiters() -> None:
    member = Member(gated=True)
    errors: list[BaseException] = []

    async def take() -> None:
        try:
            await batcher.new_id()
        except ClientNotActiveError as exc:
            errors.append(exc)

    async with anyio.create_task_group() as callers:
        async with anyio.create_task_group() as client:
            batcher = batcher_for(member, client.start_soon)
            for _ in range(3):
                callers.start_soon(take)
            await anyio.wait_all_tasks_blocked()
            client.cancel_scope.cancel()  # the client's task group ends
    assert len(errors) == 3
    assert not batcher._fetching
