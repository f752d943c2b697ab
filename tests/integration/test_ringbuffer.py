"""The Ringbuffer against a real member: sequences, overflow policies, blocking reads, filters.

The module's member has small ringbuffers with a time to live (``small-*``: capacity 3), the
only kind on which an add can fail, and a Java read filter (``StartsWithFilter``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from hztrio import HazelcastClient
from hztrio.errors import IllegalArgumentError, StaleSequenceError
from hztrio.proxy.ringbuffer import (
    MAX_BATCH_SIZE,
    OVERFLOW_POLICY_FAIL,
    OverflowPolicy,
    ReadResult,
    Ringbuffer,
)
from hztrio.serialization.api import IdentifiedDataSerializable, ObjectDataInput, ObjectDataOutput
from hztrio.testing import Cluster, compile_java, start_cluster_sync
from tests.conftest import client_options, unique

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

FACTORY_ID = 66

JAVA_SOURCES = {
    "StartsWithFilter.java": """
package hztrio.test.ringbuffer;

import com.hazelcast.core.IFunction;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;

/** Accepts the ringbuffer items that are strings starting with a prefix. */
public class StartsWithFilter implements IFunction<Object, Boolean>, IdentifiedDataSerializable {
    static final int CLASS_ID = 1;
    private String prefix;

    public StartsWithFilter() {
    }

    @Override
    public Boolean apply(Object item) {
        return item instanceof String && ((String) item).startsWith(prefix);
    }

    @Override
    public int getFactoryId() {
        return RingbufferTestFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return CLASS_ID;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeString(prefix);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        prefix = in.readString();
    }
}
""",
    "RingbufferTestFactory.java": """
package hztrio.test.ringbuffer;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

public class RingbufferTestFactory implements DataSerializableFactory {
    public static final int FACTORY_ID = 66;

    @Override
    public IdentifiedDataSerializable create(int typeId) {
        return typeId == StartsWithFilter.CLASS_ID ? new StartsWithFilter() : null;
    }
}
""",
}

MEMBER_CONFIG = f"""
<ringbuffer name="small-*">
    <capacity>3</capacity>
    <time-to-live-seconds>300</time-to-live-seconds>
</ringbuffer>
<serialization>
    <data-serializable-factories>
        <data-serializable-factory factory-id="{FACTORY_ID}">
            hztrio.test.ringbuffer.RingbufferTestFactory
        </data-serializable-factory>
    </data-serializable-factories>
</serialization>
"""


class StartsWithFilter(IdentifiedDataSerializable):
    """The Python stand-in of the Java filter above."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_string(self.prefix)

    def read_data(self, input: ObjectDataInput) -> None:
        self.prefix = input.read_string()

    def get_factory_id(self) -> int:
        return FACTORY_ID

    def get_class_id(self) -> int:
        return 1


@pytest.fixture(scope="module")
def ringbuffer_member(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    source_dir: Path = tmp_path_factory.mktemp("ringbuffer-java")
    for file_name, text in JAVA_SOURCES.items():
        (source_dir / file_name).write_text(text)
    classes = compile_java(sorted(source_dir.glob("*.java")))
    with start_cluster_sync(1, classpath=[classes], extra_config=MEMBER_CONFIG) as cluster:
        yield cluster


@pytest.fixture
async def client(ringbuffer_member: Cluster) -> AsyncIterator[HazelcastClient]:
    async with HazelcastClient(**client_options(ringbuffer_member)) as c:
        yield c


async def test_a_new_ringbuffer(client: HazelcastClient) -> None:
    rb = await client.get_ringbuffer(unique("rb"))
    assert await rb.capacity() == 10_000  # the member's default
    assert await rb.size() == 0
    assert await rb.tail_sequence() == -1
    assert await rb.head_sequence() == 0
    assert await rb.remaining_capacity() == 10_000


async def test_add_and_read(client: HazelcastClient) -> None:
    rb: Ringbuffer[Any] = await client.get_ringbuffer(unique("rb"))
    assert await rb.add("a") == 0
    assert await rb.add_all(["b", 2, [3, "c"]]) == 3
    assert await rb.add(b"bytes") == 4
    assert await rb.size() == 5
    assert await rb.tail_sequence() == 4
    assert await rb.read_one(0) == "a"
    assert await rb.read_one(3) == [3, "c"]

    result = await rb.read_many(1, 1, 10)
    assert isinstance(result, ReadResult)
    assert result.items == ["b", 2, [3, "c"], b"bytes"]
    assert result == ["b", 2, [3, "c"], b"bytes"]
    assert list(result) == result.items and len(result) == result.size == 4
    assert result[0] == "b" and result[-1] == b"bytes" and result[1:3] == [2, [3, "c"]]
    assert result.read_count == 4
    assert result.next_sequence_to_read_from == 5
    assert result.sequences == [1, 2, 3, 4]
    assert [result.get_sequence(i) for i in range(4)] == [1, 2, 3, 4]
    with pytest.raises(IndexError):
        result.get_sequence(4)

    # max_count bounds the batch; min_count 0 returns what is there at once
    assert (await rb.read_many(0, 0, 2)).items == ["a", "b"]
    empty = await rb.read_many(5, 0, 10)
    assert empty.items == [] and empty.read_count == 0


async def test_capacity_is_asked_once(client: HazelcastClient) -> None:
    rb = await client.get_ringbuffer(unique("small"))
    sent: list[int] = []
    client._invocations.trace = lambda request, partition_id, connection: sent.append(1)
    try:
        assert await rb.capacity() == 3
        assert await rb.capacity() == 3
        await rb.read_many(0, 0, 3)  # checks max_count against the remembered capacity
    finally:
        client._invocations.trace = None
    assert len(sent) == 2  # one capacity, one read


async def test_overflow_policies_on_a_full_ringbuffer(client: HazelcastClient) -> None:
    rb = await client.get_ringbuffer(unique("small"))
    assert await rb.add_all([1, 2, 3], OverflowPolicy.FAIL) == 2
    assert await rb.remaining_capacity() == 0
    # full of items that have not expired: FAIL adds nothing
    assert await rb.add(4, OverflowPolicy.FAIL) == -1
    assert await rb.add(4, OVERFLOW_POLICY_FAIL) == -1
    assert await rb.add_all([4, 5], OverflowPolicy.FAIL) == -1
    assert await rb.tail_sequence() == 2
    # OVERWRITE (the default) drops the oldest
    assert await rb.add(4) == 3
    assert await rb.add_all([5, 6], OverflowPolicy.OVERWRITE) == 5
    assert await rb.head_sequence() == 3
    assert await rb.size() == 3
    assert (await rb.read_many(3, 3, 3)).items == [4, 5, 6]


async def test_reading_overwritten_and_future_sequences(client: HazelcastClient) -> None:
    rb = await client.get_ringbuffer(unique("small"))
    await rb.add_all(["a", "b", "c", "d", "e"])  # capacity 3: a and b are overwritten
    with pytest.raises(StaleSequenceError):
        await rb.read_one(0)
    with pytest.raises(IllegalArgumentError):
        await rb.read_one(6)  # beyond the tail plus one
    # read_many from before the head starts at the head: the result says where it ended
    result = await rb.read_many(0, 1, 3)
    assert result.items == ["c", "d", "e"]
    assert result.sequences == [2, 3, 4]
    assert result.read_count == 3
    assert result.next_sequence_to_read_from == 5


async def test_read_one_waits_for_the_item(client: HazelcastClient) -> None:
    rb = await client.get_ringbuffer(unique("rb"))
    got: list[Any] = []

    async def reader() -> None:
        got.append(await rb.read_one(0))

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(reader)
            await anyio.sleep(0.3)  # the read is parked on the member by now (or soon)
            assert got == []
            await rb.add("late")
    assert got == ["late"]


async def test_blocking_reads_are_cancellable(client: HazelcastClient) -> None:
    rb = await client.get_ringbuffer(unique("rb"))
    with anyio.move_on_after(0.3) as scope:
        await rb.read_one(0)
    assert scope.cancelled_caught
    with anyio.move_on_after(0.3) as scope:
        await rb.read_many(0, 1, 10)
    assert scope.cancelled_caught
    # the abandoned reads left nothing behind
    assert client._invocations.pending_count == 0
    assert await rb.add("x") == 0
    assert await rb.read_one(0) == "x"


async def test_read_many_waits_for_min_count(client: HazelcastClient) -> None:
    rb = await client.get_ringbuffer(unique("rb"))
    results: list[ReadResult[Any]] = []

    async def reader() -> None:
        results.append(await rb.read_many(0, 3, 10))

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(reader)
            for item in ("a", "b", "c"):
                await anyio.sleep(0.05)
                assert results == []
                await rb.add(item)
    assert results[0].items == ["a", "b", "c"]


async def test_blocking_reads_outlive_the_invocation_timeout(
    ringbuffer_member: Cluster,
) -> None:
    async with HazelcastClient(**client_options(ringbuffer_member, invocation_timeout=0.5)) as c:
        rb = await c.get_ringbuffer(unique("rb"))
        got: list[Any] = []

        async def reader() -> None:
            got.append(await rb.read_one(0))
            got.append((await rb.read_many(1, 1, 5)).items)

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(reader)
                await anyio.sleep(1.0)  # twice the invocation timeout
                await rb.add("first")
                await anyio.sleep(1.0)
                await rb.add("second")
        assert got == ["first", ["second"]]


async def test_read_many_with_a_member_side_filter(client: HazelcastClient) -> None:
    rb = await client.get_ringbuffer(unique("rb"))
    await rb.add_all(["apple", "banana", "avocado", "cherry", "apricot"])
    result = await rb.read_many(0, 1, 10, StartsWithFilter("a"))
    assert result.items == ["apple", "avocado", "apricot"]
    assert result.sequences == [0, 2, 4]
    assert result.read_count == 5  # every item read, before filtering
    assert result.next_sequence_to_read_from == 5


async def test_invalid_arguments(client: HazelcastClient) -> None:
    rb = await client.get_ringbuffer(unique("small"))
    with pytest.raises(TypeError, match="item"):
        await rb.add(None)
    with pytest.raises(TypeError, match="item"):
        await rb.add_all(["a", None])
    with pytest.raises(ValueError, match="empty"):
        await rb.add_all([])
    with pytest.raises(ValueError, match=str(MAX_BATCH_SIZE)):
        await rb.add_all(list(range(MAX_BATCH_SIZE + 1)))
    with pytest.raises(TypeError, match="items"):
        await rb.add_all("abc")
    with pytest.raises(ValueError, match="overflow_policy"):
        await rb.add("a", 2)
    with pytest.raises(TypeError, match="overflow_policy"):
        await rb.add("a", "FAIL")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="sequence"):
        await rb.read_one(-1)
    with pytest.raises(TypeError, match="sequence"):
        await rb.read_one(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="start_sequence"):
        await rb.read_many(-1, 0, 1)
    with pytest.raises(ValueError, match="min_count"):
        await rb.read_many(0, -1, 1)
    with pytest.raises(ValueError, match="smaller than min_count"):
        await rb.read_many(0, 2, 1)
    with pytest.raises(ValueError, match="capacity"):
        await rb.read_many(0, 1, 4)  # the capacity is 3
    with pytest.raises(ValueError, match=str(MAX_BATCH_SIZE)):
        await rb.read_many(0, 1, MAX_BATCH_SIZE + 1)
    assert await rb.size() == 0  # nothing was sent


async def test_a_partition_key_in_the_name(client: HazelcastClient) -> None:
    rb = await client.get_ringbuffer(unique("rb") + "@orders")
    key_partition = client._partitions.get_partition_id(client._serialization.to_data("orders"))
    assert rb._name_partition_id() == key_partition
    assert await rb.add("x") == 0
    assert await rb.read_one(0) == "x"


async def test_destroy(client: HazelcastClient) -> None:
    name = unique("rb")
    rb = await client.get_ringbuffer(name)
    await rb.add_all([1, 2, 3])
    assert await rb.destroy() is True
    again = await client.get_ringbuffer(name)
    assert await again.size() == 0
    assert await again.tail_sequence() == -1
