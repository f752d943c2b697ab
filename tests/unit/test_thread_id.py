"""Hazelcast's "thread id" of a task (lock ownership): one number per task, never reused."""

from __future__ import annotations

import anyio
import anyio.lowlevel
import pytest

from hztrio._backend import Backend
from hztrio.proxy import base
from hztrio.proxy.base import thread_id, thread_id_function

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(10)]


async def test_a_task_keeps_its_number_and_others_get_their_own() -> None:
    fast = thread_id_function(Backend.detect())
    mine = fast()
    assert thread_id() == mine == fast()  # the fast and the generic function agree
    seen: list[int] = []

    async def other() -> None:
        first = fast()
        await anyio.lowlevel.checkpoint()
        assert thread_id() == first == fast()
        seen.append(first)

    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(other)
    async with anyio.create_task_group() as tg:
        tg.start_soon(other)  # after the others ended: still a new number
    assert len(set(seen)) == 6 and mine not in seen
    assert fast() == mine


@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # Trio tasks: a WeakKeyDictionary
async def test_finished_asyncio_tasks_are_forgotten(anyio_backend: str) -> None:
    fast = thread_id_function(Backend.detect())
    before = len(base._asyncio_task_ids)

    async def call() -> None:
        fast()

    async with anyio.create_task_group() as tg:
        for _ in range(100):
            tg.start_soon(call)
    # done callbacks run soon after the tasks end
    with anyio.fail_after(5):
        while len(base._asyncio_task_ids) > before:
            await anyio.lowlevel.checkpoint()
