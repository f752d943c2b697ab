"""The Executor service against a real two-member cluster running the tasks of
tests/java/ExecutorTasks.java (factory 88)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

import hztrio.sync
from hztrio import HazelcastClient
from hztrio.errors import (
    HazelcastSerializationError,
    IllegalArgumentError,
    IllegalStateError,
    TargetDisconnectedError,
    TargetNotMemberError,
)
from hztrio.protocol.codecs.executor_service import EXECUTOR_SERVICE_IS_SHUTDOWN as _IS_SHUTDOWN
from hztrio.protocol.types import Address, MemberInfo
from hztrio.proxy.executor import CANCEL_TIMEOUT, Executor
from hztrio.serialization.api import (
    CompactReader,
    CompactSerializer,
    CompactWriter,
    IdentifiedDataSerializable,
    ObjectDataInput,
    ObjectDataOutput,
)
from hztrio.testing import Cluster, ClusterFactory, compile_java, start_cluster_sync
from tests.conftest import client_options, eventually, unique, wait_until

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

JAVA = [
    Path(__file__).parent.parent / "java" / f
    for f in ("ExecutorTasks.java", "CompactDescribeTask.java")
]
FACTORY_ID = 88
FACTORY_CONFIG = f"""
<serialization>
    <data-serializable-factories>
        <data-serializable-factory factory-id="{FACTORY_ID}">
            hztrio.test.ExecutorTasks
        </data-serializable-factory>
    </data-serializable-factories>
</serialization>
"""


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """Two members with the tasks on their classpath, for this module."""
    classes = compile_java(JAVA)
    with start_cluster_sync(
        2, classpath=[classes], extra_config=FACTORY_CONFIG, sql=False
    ) as started:
        yield started


@pytest.fixture
async def client(cluster: Cluster) -> Any:
    async with HazelcastClient(**client_options(cluster)) as c:
        await wait_for_members(c, 2)
        yield c


async def wait_for_members(client: HazelcastClient, count: int) -> None:
    await wait_until(lambda: len(client.cluster_service.get_members()) >= count, within=30)


# -- the Python twins of the Java tasks ---------------------------------------------------


class _Task(IdentifiedDataSerializable):
    CLASS_ID = 0

    def get_factory_id(self) -> int:
        return FACTORY_ID

    def get_class_id(self) -> int:
        return self.CLASS_ID

    def read_data(self, object_data_input: ObjectDataInput) -> None:
        raise NotImplementedError("tasks are only sent")


class Describe(_Task):
    """Returns "INPUT|member uuid|host:port" of the member that ran it (None for None)."""

    CLASS_ID = 1

    def __init__(self, text: str | None) -> None:
        self.text = text

    def write_data(self, object_data_output: ObjectDataOutput) -> None:
        object_data_output.write_string(self.text)


class Sleep(_Task):
    """Records "started" / "finished" / "interrupted" in map *map_name* under
    "key@member-uuid"; throws IllegalStateException on the member *fail_on*."""

    CLASS_ID = 2

    def __init__(self, map_name: str, key: str, seconds: float, fail_on: Any = None) -> None:
        self.map_name = map_name
        self.key = key
        self.millis = int(seconds * 1000)
        self.fail_on = None if fail_on is None else str(fail_on)

    def write_data(self, object_data_output: ObjectDataOutput) -> None:
        object_data_output.write_string(self.map_name)
        object_data_output.write_string(self.key)
        object_data_output.write_long(self.millis)
        object_data_output.write_string(self.fail_on)


class Fail(_Task):
    """Throws IllegalArgumentException(message)."""

    CLASS_ID = 3

    def __init__(self, message: str) -> None:
        self.message = message

    def write_data(self, object_data_output: ObjectDataOutput) -> None:
        object_data_output.write_string(self.message)


class Unknown(_Task):
    """A class id the member's factory does not know."""

    CLASS_ID = 99

    def write_data(self, object_data_output: ObjectDataOutput) -> None:
        pass


class CompactDescribe:
    """A Compact task (tests/java/CompactDescribeTask, read by the member without a
    serializer of its own); its result is a CompactDescribe too."""

    def __init__(self, text: str | None) -> None:
        self.text = text


class CompactDescribeSerializer(CompactSerializer[CompactDescribe]):
    def read(self, reader: CompactReader) -> CompactDescribe:
        return CompactDescribe(reader.read_string("text"))

    def write(self, writer: CompactWriter, obj: CompactDescribe) -> None:
        writer.write_string("text", obj.text)

    def get_class(self) -> type[CompactDescribe]:
        return CompactDescribe

    def get_type_name(self) -> str:
        return "hztrio.test.CompactDescribeTask"


def ran_on(result: str) -> uuid.UUID:
    """The uuid of the member a Describe task ran on."""
    return uuid.UUID(result.split("|")[1])


def owner_of(client: HazelcastClient, key: Any) -> uuid.UUID:
    partitions = client.partition_service
    owner = partitions.get_partition_owner(partitions.get_partition_id(key))
    assert owner is not None
    return owner


async def progress(client: HazelcastClient, map_name: str, key: str, member: uuid.UUID) -> Any:
    states = await client.get_map(map_name)
    return await states.get(f"{key}@{member}")


async def wait_for_state(
    client: HazelcastClient, map_name: str, key: str, member: uuid.UUID, state: str
) -> None:
    async def reached() -> bool:
        return await progress(client, map_name, key, member) == state

    await eventually(reached, within=15)


# -- results and routing ------------------------------------------------------------------


async def test_execute_on_member_runs_on_that_member(client: HazelcastClient) -> None:
    executor = await client.get_executor(unique("executor"))
    assert isinstance(executor, Executor)
    for member in client.cluster_service.get_members():
        result = await executor.execute_on_member(member, Describe("hello"))
        text, member_uuid, address = result.split("|")
        assert text == "HELLO"
        assert uuid.UUID(member_uuid) == member.uuid
        assert address == f"{member.address.host}:{member.address.port}"


async def test_execute_on_key_owner_runs_on_the_owner_of_the_key(client: HazelcastClient) -> None:
    executor = await client.get_executor(unique("executor"))
    owners = set()
    for number in range(20):
        key = f"key-{number}"
        result = await executor.execute_on_key_owner(key, Describe(key))
        assert result.startswith(key.upper() + "|")
        assert ran_on(result) == owner_of(client, key)
        owners.add(ran_on(result))
    assert owners == {m.uuid for m in client.cluster_service.get_members()}  # both were used


async def test_execute_on_members_returns_results_in_the_order_given(
    client: HazelcastClient,
) -> None:
    executor = await client.get_executor(unique("executor"))
    members = client.cluster_service.get_members()
    for order in (members, members[::-1], [members[1]]):
        results = await executor.execute_on_members(order, Describe("x"))
        assert [ran_on(r) for r in results] == [m.uuid for m in order]
    assert await executor.execute_on_members((m for m in members), Describe("y")) == [
        f"Y|{m.uuid}|{m.address.host}:{m.address.port}" for m in members
    ]


async def test_execute_on_all_members(client: HazelcastClient) -> None:
    executor = await client.get_executor(unique("executor"))
    results = await executor.execute_on_all_members(Describe("all"))
    assert [ran_on(r) for r in results] == [m.uuid for m in client.cluster_service.get_members()]
    assert all(r.startswith("ALL|") for r in results)


async def test_no_members_no_results_and_a_null_result_is_none(client: HazelcastClient) -> None:
    executor = await client.get_executor(unique("executor"))
    assert await executor.execute_on_members([], Describe("nobody")) == []
    assert await executor.execute_on_key_owner("k", Describe(None)) is None
    member = client.cluster_service.get_members()[0]
    assert await executor.execute_on_member(member, Describe(None)) is None
    assert await executor.execute_on_all_members(Describe(None)) == [None, None]


async def test_a_unisocket_client_reaches_every_member(cluster: Cluster) -> None:
    async with HazelcastClient(**client_options(cluster, smart_routing=False)) as client:
        await wait_for_members(client, 2)
        executor = await client.get_executor(unique("executor"))
        members = client.cluster_service.get_members()
        for member in members:
            assert ran_on(await executor.execute_on_member(member, Describe("u"))) == member.uuid
        results = await executor.execute_on_all_members(Describe("u"))
        assert [ran_on(r) for r in results] == [m.uuid for m in members]
        assert ran_on(await executor.execute_on_key_owner("k", Describe("u"))) == owner_of(
            client, "k"
        )


async def test_a_compact_task_and_result(cluster: Cluster) -> None:
    options = client_options(cluster, compact_serializers=[CompactDescribeSerializer()])
    async with HazelcastClient(**options) as client:
        await wait_for_members(client, 2)
        executor = await client.get_executor(unique("executor"))
        # the schema goes to the cluster before the first task that uses it
        members = client.cluster_service.get_members()
        results = await executor.execute_on_members(members, CompactDescribe("m"))
        assert [r.text for r in results] == [f"COMPACT:M|{m.uuid}" for m in members]
        result = await executor.execute_on_key_owner("k", CompactDescribe("c"))
        assert isinstance(result, CompactDescribe)
        assert result.text == f"COMPACT:C|{owner_of(client, 'k')}"


# -- errors -------------------------------------------------------------------------------


async def test_the_tasks_exception_surfaces_as_the_members_error(client: HazelcastClient) -> None:
    executor = await client.get_executor(unique("executor"))
    with pytest.raises(IllegalArgumentError, match="boom on key owner"):
        await executor.execute_on_key_owner("k", Fail("boom on key owner"))
    member = client.cluster_service.get_members()[1]
    with pytest.raises(IllegalArgumentError, match="boom on member"):
        await executor.execute_on_member(member, Fail("boom on member"))
    with pytest.raises(IllegalArgumentError, match="boom everywhere"):
        await executor.execute_on_all_members(Fail("boom everywhere"))
    # the executor still works
    assert ran_on(await executor.execute_on_member(member, Describe("ok"))) == member.uuid


async def test_one_failing_member_fails_the_call_after_all_tasks_ended(
    client: HazelcastClient,
) -> None:
    executor = await client.get_executor(unique("executor"))
    states, key = unique("states"), unique("key")
    failing, other = client.cluster_service.get_members()
    with pytest.raises(IllegalStateError, match=f"failing on {failing.uuid}"):
        await executor.execute_on_members(
            [failing, other], Sleep(states, key, 1.0, fail_on=failing.uuid)
        )
    # as the official client's combined future: the call ended once every task had ended
    assert await progress(client, states, key, other.uuid) == "finished"
    assert await progress(client, states, key, failing.uuid) == "started"


async def test_a_task_the_member_cannot_deserialize(client: HazelcastClient) -> None:
    executor = await client.get_executor(unique("executor"))
    with pytest.raises(HazelcastSerializationError):
        await executor.execute_on_key_owner("k", Unknown())
    with pytest.raises(HazelcastSerializationError):
        await executor.execute_on_member(client.cluster_service.get_members()[0], Unknown())


async def test_bad_input(client: HazelcastClient) -> None:
    executor = await client.get_executor(unique("executor"))
    member = client.cluster_service.get_members()[0]
    with pytest.raises(TypeError, match="key can't be None"):
        await executor.execute_on_key_owner(None, Describe("x"))
    with pytest.raises(TypeError, match="task can't be None"):
        await executor.execute_on_key_owner("k", None)
    with pytest.raises(TypeError, match="task can't be None"):
        await executor.execute_on_member(member, None)
    with pytest.raises(TypeError, match="task can't be None"):
        await executor.execute_on_members([member], None)
    with pytest.raises(TypeError, match="task can't be None"):
        await executor.execute_on_all_members(None)
    with pytest.raises(TypeError, match="MemberInfo"):
        await executor.execute_on_member(str(member.uuid), Describe("x"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="MemberInfo"):
        await executor.execute_on_member(None, Describe("x"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="MemberInfo"):
        await executor.execute_on_members([member, "nobody"], Describe("x"))  # type: ignore[list-item]
    with pytest.raises(TypeError, match="sequence of MemberInfo"):
        await executor.execute_on_members(member, Describe("x"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="sequence of MemberInfo"):
        await executor.execute_on_members("members", Describe("x"))  # type: ignore[arg-type]
    stranger = MemberInfo(Address("127.0.0.1", 1), uuid.uuid4())
    with pytest.raises(TargetNotMemberError):
        await executor.execute_on_member(stranger, Describe("x"))
    with pytest.raises(TargetNotMemberError):
        await executor.execute_on_members([member, stranger], Describe("x"))


async def test_a_member_that_dies_under_its_task_fails_the_call(
    hazelcast_cluster_factory: ClusterFactory,
) -> None:
    """No invocation_timeout applies, yet the call does not wait forever for a dead member."""
    classes = compile_java(JAVA)
    async with (
        hazelcast_cluster_factory(
            2, classpath=[classes], extra_config=FACTORY_CONFIG, sql=False
        ) as doomed,
        HazelcastClient(**client_options(doomed)) as client,
    ):
        await wait_for_members(client, 2)
        executor = await client.get_executor(unique("executor"))
        states, key = unique("states"), unique("key")
        survivor = next(
            m
            for m in client.cluster_service.get_members()
            if m.address.port == doomed.members[0].port
        )
        victim = next(m for m in client.cluster_service.get_members() if m is not survivor)
        outcome: list[BaseException] = []

        async def submit() -> None:
            try:
                await executor.execute_on_members([survivor, victim], Sleep(states, key, 3))
            except Exception as error:
                outcome.append(error)

        with anyio.fail_after(30):
            async with anyio.create_task_group() as tg:
                tg.start_soon(submit)
                await wait_for_state(client, states, key, victim.uuid, "started")
                doomed.members[1].kill()
        assert len(outcome) == 1 and isinstance(outcome[0], TargetDisconnectedError), outcome
        # the survivor's task ran to its end before the call gave up
        assert await progress(client, states, key, survivor.uuid) == "finished"
        await wait_until(lambda: len(client.cluster_service.get_members()) == 1, within=30)
        with pytest.raises(TargetNotMemberError):
            await executor.execute_on_member(victim, Describe("x"))
        assert ran_on(await executor.execute_on_member(survivor, Describe("x"))) == survivor.uuid


# -- cancellation -------------------------------------------------------------------------


async def test_cancelling_execute_on_key_owner_cancels_the_task(client: HazelcastClient) -> None:
    executor = await client.get_executor(unique("executor"))
    states, key = unique("states"), unique("key")
    owner = owner_of(client, "routing-key")
    with anyio.move_on_after(30) as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(executor.execute_on_key_owner, "routing-key", Sleep(states, key, 60))
            await wait_for_state(client, states, key, owner, "started")
            cancelled_at = anyio.current_time()
            scope.cancel()
    assert scope.cancelled_caught
    assert anyio.current_time() - cancelled_at < CANCEL_TIMEOUT
    # the member interrupted the task's thread: the cancel request reached it
    await wait_for_state(client, states, key, owner, "interrupted")


async def test_cancelling_execute_on_members_cancels_every_task(client: HazelcastClient) -> None:
    executor = await client.get_executor(unique("executor"))
    states, key = unique("states"), unique("key")
    members = client.cluster_service.get_members()
    with anyio.move_on_after(30) as scope:
        async with anyio.create_task_group() as tg:
            tg.start_soon(executor.execute_on_members, members, Sleep(states, key, 60))
            for member in members:
                await wait_for_state(client, states, key, member.uuid, "started")
            scope.cancel()
    assert scope.cancelled_caught
    for member in members:
        await wait_for_state(client, states, key, member.uuid, "interrupted")


async def test_cancelling_execute_on_member_with_a_deadline(client: HazelcastClient) -> None:
    executor = await client.get_executor(unique("executor"))
    states, key = unique("states"), unique("key")
    member = client.cluster_service.get_members()[1]
    started = anyio.current_time()
    with pytest.raises(TimeoutError):
        with anyio.fail_after(2):
            await executor.execute_on_member(member, Sleep(states, key, 60))
    assert anyio.current_time() - started < 2 + CANCEL_TIMEOUT
    await wait_for_state(client, states, key, member.uuid, "interrupted")


async def test_results_wait_longer_than_the_invocation_timeout(cluster: Cluster) -> None:
    async with HazelcastClient(**client_options(cluster, invocation_timeout=1)) as client:
        executor = await client.get_executor(unique("executor"))
        states, key = unique("states"), unique("key")
        result = await executor.execute_on_key_owner("k", Sleep(states, key, 2))
        assert result == f"slept@{owner_of(client, 'k')}"


# -- shutdown -----------------------------------------------------------------------------


async def is_shutdown_on(client: HazelcastClient, name: str, member: MemberInfo) -> bool:
    """What *member* itself says (each member keeps its own shutdown flag)."""
    response = await client._invocations.invoke(_IS_SHUTDOWN.encode_request(name), uuid=member.uuid)
    return bool(_IS_SHUTDOWN.decode_response(response))


async def test_shutdown(client: HazelcastClient) -> None:
    name = unique("executor")
    executor = await client.get_executor(name)
    members = client.cluster_service.get_members()
    assert await executor.is_shutdown() is False
    assert await executor.execute_on_key_owner("k", Describe("before")) is not None
    assert await executor.shutdown() is None
    for member in members:  # every member was told, not just one
        assert await is_shutdown_on(client, name, member) is True
    assert await executor.is_shutdown() is True
    await executor.shutdown()  # again: nothing changes
    assert await executor.is_shutdown() is True
    # The member's own quirk: a client's tasks still run after a shutdown (the member
    # makes a fresh pool for them; only member-side callers are refused).
    results = await executor.execute_on_all_members(Describe("after"))
    assert [ran_on(r) for r in results] == [m.uuid for m in members]
    assert await executor.is_shutdown() is True
    other = await client.get_executor(unique("executor"))
    assert await other.is_shutdown() is False


async def test_a_unisocket_client_shuts_down_its_own_member(
    cluster: Cluster, client: HazelcastClient
) -> None:
    name = unique("executor")
    async with HazelcastClient(**client_options(cluster, smart_routing=False)) as unisocket:
        executor = await unisocket.get_executor(name)
        await executor.shutdown()
        assert await executor.is_shutdown() is True
    # the member does not pass it on: as with the official client, one member got it
    flags = [await is_shutdown_on(client, name, m) for m in client.cluster_service.get_members()]
    assert sorted(flags) == [False, True]


async def test_distributed_objects_and_destroy(client: HazelcastClient) -> None:
    name = unique("executor")
    executor = await client.get_executor(name)
    assert await client.get_executor(name) is executor
    await executor.execute_on_key_owner("k", Describe("x"))
    found = [p for p in await client.get_distributed_objects() if p.name == name]
    assert found == [executor]
    assert await executor.destroy() is True


# -- the blocking facade -------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["trio", "asyncio"])
def test_blocking_executor(cluster: Cluster, backend: str) -> None:
    with hztrio.sync.HazelcastClient(backend=backend, **client_options(cluster)) as client:
        executor = client.get_executor(unique("executor"))
        members = client.cluster_service.get_members()
        member = members[0]
        assert ran_on(executor.execute_on_member(member, Describe("s"))) == member.uuid
        assert executor.execute_on_key_owner("k", Describe("s")).startswith("S|")
        assert len(executor.execute_on_all_members(Describe("s"))) == len(members)
        with pytest.raises(IllegalArgumentError, match="blocking boom"):
            executor.execute_on_key_owner("k", Fail("blocking boom"))
        executor.shutdown()
        assert executor.is_shutdown() is True
