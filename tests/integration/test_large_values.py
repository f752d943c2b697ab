"""Large values and keys against a real member: frames of hundreds of KiB to MiB travel
whole, in both directions, next to small messages on the same connection.

A frame that misses more than 256 KiB once its header is in is received in place (into a
buffer of its own size), an outgoing message larger than the write budget is written a
slice at a time, and a ``bytes`` value of 256 KiB or more is sent without a copy (a part of
the message of its own); these tests go through every path on each backend.
"""

from __future__ import annotations

import os
import tracemalloc

import anyio
import pytest

from hztrio import HazelcastClient
from hztrio.serialization.data import SPLIT_SIZE
from hztrio.testing import Cluster
from tests.conftest import Recorder, client_options, unique

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

MiB = 1 << 20


@pytest.mark.parametrize("size", [300 * 1024, 8 * MiB])
async def test_large_bytes_value_round_trip(client: HazelcastClient, size: int) -> None:
    m = await client.get_map(unique("large"))
    value = os.urandom(size)
    assert await m.put("k", value) is None
    got = await m.get("k")
    assert type(got) is bytes and got == value
    old = await m.put("k", value[::-1])
    assert type(old) is bytes and old == value
    assert await m.remove("k") == value[::-1]


async def test_every_single_value_call_sends_a_large_value_whole(client: HazelcastClient) -> None:
    """bytes of SPLIT_SIZE or more go out without a copy (their own part of the message):
    every call that takes one value sends it whole, next to frames before and after it."""
    m = await client.get_map(unique("large"))
    a, b, c = (os.urandom(SPLIT_SIZE + i) for i in (0, 1, 5 * MiB))
    assert await m.put_if_absent("k", a) is None
    assert await m.put_if_absent("k", b) == a
    assert await m.replace("k", b) == a
    assert not await m.replace_if_same("k", a, c)
    assert await m.replace_if_same("k", b, c)  # two large values in one message
    assert await m.get("k") == c
    assert await m.contains_value(c)
    assert not await m.contains_value(b)
    assert not await m.remove_if_same("k", b)
    assert await m.remove_if_same("k", c)
    await m.set("k", a, ttl=60)
    await m.set("k2", b, max_idle=60)
    await m.put_transient("k3", c)
    assert await m.try_put("k4", a)
    assert await m.put("k5", b, ttl=60, max_idle=60) is None
    await m.put_all({"k6": c, "k7": a})  # entry lists: plain Data
    expected = {"k": a, "k2": b, "k3": c, "k4": a, "k5": b, "k6": c, "k7": a}
    assert await m.get_all(list(expected)) == expected
    view = await m.get_entry_view("k3")
    assert view is not None and view.value == c


async def test_large_values_received_in_turn_stay_intact(client: HazelcastClient) -> None:
    """A connection receives the next large frame into the last one's buffer once nothing
    refers to that any more: what earlier calls returned is never overwritten."""
    m = await client.get_map(unique("large"))
    values = [os.urandom(2 * MiB) for _ in range(3)]  # one size: each frame fits the last
    await m.put_all(dict(enumerate(values)))
    got = [await m.get(i % 3) for i in range(9)]
    views = [await m.get_entry_view(i) for i in range(3)]
    smaller = os.urandom(MiB + 1)
    await m.set("smaller", smaller)
    assert await m.get("smaller") == smaller
    assert got == [values[i % 3] for i in range(9)]
    assert [view.value for view in views if view is not None] == values


async def test_a_connection_reuses_its_large_frame_buffer(client: HazelcastClient) -> None:
    """The second get of a large value allocates only the bytes it returns: the response is
    received into the buffer of the first one, which nothing refers to any more."""
    m = await client.get_map(unique("large"))
    value = os.urandom(2 * MiB)
    await m.set("k", value)
    assert await m.get("k") == value  # the first large frame gets a buffer of its own
    tracemalloc.start()
    try:
        got = await m.get("k")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got == value
    assert peak < 3 * MiB  # the bytes returned (2 MiB), not another receive buffer


async def test_large_string_and_list_values(client: HazelcastClient) -> None:
    m = await client.get_map(unique("large"))
    text = "zażółć gęślą jaźń " * 60_000  # about 1.3 MB of UTF-8
    await m.put("text", text)
    assert await m.get("text") == text
    numbers = list(range(100_000))  # an ArrayList of 100,000 Longs, over 256 KiB
    await m.put("numbers", numbers)
    assert await m.get("numbers") == numbers


async def test_large_key(client: HazelcastClient) -> None:
    m = await client.get_map(unique("large"))
    key = "k" * (400 * 1024)
    await m.put(key, 1)
    assert await m.get(key) == 1
    assert await m.contains_key(key)
    assert await m.key_set() == [key]
    assert await m.get_all([key, "other"]) == {key: 1}


async def test_large_and_small_messages_interleave(client: HazelcastClient) -> None:
    """Small operations keep flowing, and stay correct, while MiB values go both ways."""
    m = await client.get_map(unique("large"))
    values = {f"big-{i}": os.urandom(3 * MiB + i) for i in range(3)}
    await m.put_all({i: i for i in range(100)})
    small_done = 0

    async def big(key: str) -> None:
        for _ in range(3):
            await m.set(key, values[key])
            assert await m.get(key) == values[key]

    async def small(start: int) -> None:
        nonlocal small_done
        for i in range(start, 100, 10):
            assert await m.get(i) == i
            await m.set(i, i)
            small_done += 1

    with anyio.fail_after(60):
        async with anyio.create_task_group() as tg:
            for key in values:
                tg.start_soon(big, key)
            for start in range(10):
                tg.start_soon(small, start)
    assert small_done == 100
    # several large frames in one response
    assert await m.get_all(list(values)) == values


async def test_large_value_in_an_entry_event(client: HazelcastClient) -> None:
    m = await client.get_map(unique("large"))
    events = Recorder()
    await m.add_entry_listener(include_value=True, added_func=events, updated_func=events)
    first, second = os.urandom(2 * MiB), os.urandom(MiB)
    await m.put("k", first)
    await m.put("k", second)
    await events.wait_for(lambda e: len(e) == 2)
    added, updated = events.items
    assert added.value == first and added.old_value is None
    assert updated.value == second and updated.old_value == first


async def test_near_cache_keeps_large_values(hazelcast_member: Cluster) -> None:
    name = unique("large-near")
    value = os.urandom(2 * MiB)
    big_key = "k" * (300 * 1024)
    options = client_options(hazelcast_member, near_caches={name: {}})
    async with HazelcastClient(**options) as client:
        m = await client.get_map(name)
        await m.put_all({"k": value, big_key: value})
        assert await m.get("k") == value  # from the cluster, then cached
        assert await m.get("k") == value  # from the Near Cache
        assert await m.get_all(["k", big_key]) == {"k": value, big_key: value}
        assert await m.get_all(["k", big_key]) == {"k": value, big_key: value}
        await m.put(big_key, b"small")  # invalidates the cached large key
        assert await m.get(big_key) == b"small"
