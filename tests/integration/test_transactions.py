"""Transactions against a real member: commit, rollback, locks, every transactional proxy."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import anyio
import pytest

from hztrio import HazelcastClient
from hztrio.errors import ClientOfflineError, TransactionError
from hztrio.predicate import greater, paging
from hztrio.transaction import ONE_PHASE, TWO_PHASE, TransactionState
from tests.conftest import unique, wait_until

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]


async def test_a_clean_block_commits_and_others_see_nothing_before(
    client: HazelcastClient,
) -> None:
    name = unique("tx-map")
    plain = await client.get_map(name)
    await plain.put("kept", 1)
    before = time.time()
    async with client.new_transaction(timeout=30) as tx:
        assert tx.state is TransactionState.ACTIVE
        assert tx.start_time is not None and before <= tx.start_time <= time.time()
        assert tx.id is not None
        m = tx.get_map(name)
        assert tx.get_map(name) is m
        assert await m.put("a", 1) is None
        await m.set("b", 2)
        assert await m.get("a") == 1  # the transaction sees its own writes
        # nobody else does yet (a plain get of "a" would wait for the transaction's lock)
        assert await plain.key_set() == ["kept"]
        assert await m.size() == 3
        assert await m.contains_key("b")
        assert not await m.is_empty()
        assert sorted(await m.key_set()) == ["a", "b", "kept"]
        assert sorted(await m.values(greater("this", 1))) == [2]
    assert tx.state is TransactionState.COMMITTED
    assert await plain.get_all(["a", "b", "kept"]) == {"a": 1, "b": 2, "kept": 1}


async def test_every_map_method(client: HazelcastClient) -> None:
    name = unique("tx-map-all")
    plain = await client.get_map(name)
    await plain.put_all({"x": 1, "y": 2, "z": 3})
    async with client.new_transaction() as tx:
        m = tx.get_map(name)
        assert await m.put_if_absent("x", 10) == 1
        assert await m.put_if_absent("w", 0) is None
        assert await m.replace("x", 11) == 1
        assert await m.replace("missing", 1) is None
        assert await m.replace_if_same("y", 2, 22)
        assert not await m.replace_if_same("y", 2, 23)
        assert await m.remove("z") == 3
        assert not await m.remove_if_same("x", 1)
        assert await m.remove_if_same("w", 0)
        await m.delete("y")
        assert await m.get_for_update("x") == 11
        assert await m.put("t", "ttl", ttl=60) is None
    assert await plain.get_all(["x", "y", "z", "w", "t"]) == {"x": 11, "t": "ttl"}


async def test_an_exception_rolls_back_and_propagates(client: HazelcastClient) -> None:
    name = unique("tx-rollback")
    plain = await client.get_map(name)
    await plain.put("a", "before")

    class Oops(Exception):
        pass

    with pytest.raises(Oops):
        async with client.new_transaction() as tx:
            await tx.get_map(name).put("a", "inside")
            await tx.get_map(name).put("b", "inside")
            raise Oops
    assert tx.state is TransactionState.ROLLED_BACK
    assert await plain.get("a") == "before"
    assert await plain.get("b") is None
    # the rolled-back transaction held the keys' locks; they are free again
    assert not await plain.is_locked("a")


async def test_cancellation_rolls_back(client: HazelcastClient) -> None:
    name = unique("tx-cancel")
    plain = await client.get_map(name)
    with anyio.CancelScope() as scope:
        async with client.new_transaction() as tx:
            await tx.get_map(name).put("a", 1)
            scope.cancel()
            await anyio.sleep_forever()
    assert scope.cancelled_caught
    assert tx.state is TransactionState.ROLLED_BACK
    assert await plain.get("a") is None
    assert not await plain.is_locked("a")


async def test_get_for_update_locks_the_key_until_the_end(client: HazelcastClient) -> None:
    name = unique("tx-lock")
    plain = await client.get_map(name)
    await plain.put("balance", 100)
    order: list[str] = []
    first_holds = anyio.Event()

    async def first() -> None:
        async with client.new_transaction() as tx:
            m = tx.get_map(name)
            balance = await m.get_for_update("balance")
            first_holds.set()
            # the second transaction is blocked on the key until this one commits
            await wait_until(lambda: order == ["second waiting"])
            with anyio.move_on_after(0.5):
                await wait_until(lambda: "second got" in order, within=5)
            order.append("first commits")
            await m.put("balance", balance - 10)

    async def second() -> None:
        await first_holds.wait()
        async with client.new_transaction() as tx:
            order.append("second waiting")
            balance = await tx.get_map(name).get_for_update("balance")
            order.append("second got")
            await tx.get_map(name).put("balance", balance - 5)

    async with anyio.create_task_group() as tg:
        tg.start_soon(first)
        tg.start_soon(second)
    assert order == ["second waiting", "first commits", "second got"]
    assert await plain.get("balance") == 85


async def test_tasks_share_one_transaction(client: HazelcastClient) -> None:
    name = unique("tx-tasks")
    plain = await client.get_map(name)
    async with client.new_transaction() as tx:
        m = tx.get_map(name)

        async def put(i: int) -> None:
            await m.put(i, i * i)

        async with anyio.create_task_group() as tg:
            for i in range(20):
                tg.start_soon(put, i)
        assert await m.size() == 20
        assert await plain.size() == 0
    assert await plain.get_all(range(20)) == {i: i * i for i in range(20)}


async def test_two_transactions_of_one_task_do_not_share_locks(client: HazelcastClient) -> None:
    name = unique("tx-two")
    async with client.new_transaction() as outer:
        await outer.get_map(name).get_for_update("k")
        inner = client.new_transaction()
        await inner.begin()
        try:
            with anyio.move_on_after(0.5) as scope:
                await inner.get_map(name).get_for_update("k")
            assert scope.cancelled_caught  # outer's lock is not inner's
        finally:
            await inner.rollback()


async def test_queue_set_list_and_multi_map(client: HazelcastClient) -> None:
    q_name, s_name, l_name, mm_name = (unique(p) for p in ("tx-q", "tx-s", "tx-l", "tx-mm"))
    queue = await client.get_queue(q_name)
    async with client.new_transaction(type=ONE_PHASE) as tx:
        q = tx.get_queue(q_name)
        assert await q.offer("one")
        assert await q.offer("two", timeout=1)
        assert await q.size() == 2
        s = tx.get_set(s_name)
        assert await s.add("x")
        assert not await s.add("x")
        assert await s.add("y")
        assert await s.size() == 2
        li = tx.get_list(l_name)
        assert await li.add("a")
        assert await li.add("a")
        assert await li.size() == 2
        mm = tx.get_multi_map(mm_name)
        assert await mm.put("k", 1)
        assert await mm.put("k", 2)
        assert not await mm.put("k", 2)
        assert await mm.put("j", 3)
        assert sorted(await mm.get("k")) == [1, 2]
        assert await mm.value_count("k") == 2
        assert await mm.size() == 3
    assert await queue.size() == 2
    async with client.new_transaction() as tx:
        q = tx.get_queue(q_name)
        assert await q.peek() == "one"
        assert await q.poll() == "one"
        assert await q.take() == "two"
        assert await q.poll(timeout=0.1) is None
        assert await q.peek(timeout=0.1) is None
        s = tx.get_set(s_name)
        assert await s.remove("y")
        assert not await s.remove("z")
        assert await s.size() == 1
        li = tx.get_list(l_name)
        assert await li.remove("a")
        assert not await li.remove("b")
        assert await li.size() == 1
        mm = tx.get_multi_map(mm_name)
        assert await mm.remove("k", 1)
        assert not await mm.remove("k", 7)
        assert await mm.remove_all("j") == [3]
        assert await mm.get("j") == []
        assert await mm.size() == 1
    assert await queue.size() == 0
    async with client.new_transaction() as tx:
        assert await tx.get_set(s_name).size() == 1
        assert await tx.get_list(l_name).size() == 1
        assert await tx.get_multi_map(mm_name).get("k") == [2]


async def test_a_rolled_back_poll_puts_the_item_back(client: HazelcastClient) -> None:
    name = unique("tx-q-back")
    queue = await client.get_queue(name)
    await queue.offer("item")
    tx = client.new_transaction()
    await tx.begin()
    assert await tx.get_queue(name).poll() == "item"
    assert await queue.size() == 0
    await tx.rollback()
    assert await queue.size() == 1


async def test_a_transactional_take_waits_for_an_item(client: HazelcastClient) -> None:
    name = unique("tx-take")
    queue = await client.get_queue(name)
    async with client.new_transaction() as tx:
        async with anyio.create_task_group() as tg:

            async def offer_later() -> None:
                await wait_until(lambda: taking.is_set())
                await queue.offer("late")

            taking = anyio.Event()
            tg.start_soon(offer_later)
            taking.set()
            assert await tx.get_queue(name).take() == "late"
    assert await queue.size() == 0


async def test_misuse_raises_transaction_error(client: HazelcastClient) -> None:
    tx = client.new_transaction()
    assert tx.state is TransactionState.NOT_STARTED
    with pytest.raises(TransactionError):
        tx.get_map("m")
    with pytest.raises(TransactionError):
        await tx.commit()
    with pytest.raises(TransactionError):
        await tx.rollback()
    await tx.begin()
    with pytest.raises(TransactionError, match="already been started"):
        await tx.begin()
    m = tx.get_map(unique("tx-misuse"))
    with pytest.raises(TypeError):
        await m.put(None, 1)
    with pytest.raises(TypeError):
        await m.key_set(paging(page_size=2))
    with pytest.raises(TypeError):
        await m.values("this > 1")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        tx.get_map("")
    await tx.commit()
    with pytest.raises(TransactionError, match="not active"):
        await m.get("k")
    with pytest.raises(TransactionError):
        await tx.commit()


async def test_commit_after_the_timeout_fails_and_rolls_back(client: HazelcastClient) -> None:
    name = unique("tx-timeout")
    plain = await client.get_map(name)
    tx = client.new_transaction(timeout=0.5)
    await tx.begin()
    await tx.get_map(name).put("a", 1)
    started = anyio.current_time()
    await wait_until(lambda: anyio.current_time() > started + 0.6)
    with pytest.raises(TransactionError, match="timed out"):
        await tx.commit()
    assert tx.state is TransactionState.COMMIT_FAILED
    await tx.rollback()
    assert tx.state is TransactionState.ROLLED_BACK
    assert await plain.get("a") is None


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"timeout": 0}, ValueError),
        ({"timeout": -1}, ValueError),
        ({"timeout": "10"}, TypeError),
        ({"timeout": float("inf")}, ValueError),
        ({"durability": -1}, ValueError),
        ({"durability": 1.5}, TypeError),
        ({"type": 3}, ValueError),
        ({"type": True}, ValueError),
    ],
)
async def test_bad_options(
    client: HazelcastClient, options: dict[str, object], error: type
) -> None:
    with pytest.raises(error):
        client.new_transaction(**options)  # type: ignore[arg-type]
    assert client.new_transaction(type=TWO_PHASE).transaction_type is TWO_PHASE


async def test_begin_without_a_connection(
    client_factory: Callable[..., HazelcastClient],
) -> None:
    # an async-start client that cannot reach its cluster has no connection to begin on
    async with client_factory(
        cluster_members=["127.0.0.1:1"], async_start=True, invocation_timeout=1
    ) as offline:
        tx = offline.new_transaction()
        with pytest.raises(ClientOfflineError):
            await tx.begin()
        assert tx.state is TransactionState.NOT_STARTED


async def test_an_item_taken_for_a_cancelled_take_rolls_the_transaction_back(
    client: HazelcastClient,
) -> None:
    name = unique("tx-take-cancelled")
    queue = await client.get_queue(name)
    with pytest.raises(TransactionError, match="rolled back instead"):
        async with client.new_transaction(timeout=30) as tx:
            with anyio.move_on_after(0.3):
                await tx.get_queue(name).take()
            # the member still holds that take: it gets the next item, for nobody
            await queue.offer("precious")
            await wait_until(lambda: tx._rollback_only is not None)
    assert tx.state is TransactionState.ROLLED_BACK
    assert await queue.poll(timeout=5) == "precious"  # back in the queue, not lost


async def test_queue_timeouts_are_checked(client: HazelcastClient) -> None:
    async with client.new_transaction() as tx:
        q = tx.get_queue(unique("tx-q-timeouts"))
        with pytest.raises(TypeError):
            await q.poll(timeout=True)
        with pytest.raises(ValueError):
            await q.offer("x", timeout=float("nan"))
        assert await q.offer("x", timeout=math.inf)
        assert await q.peek(timeout=1e30) == "x"
