"""The CP Subsystem (AtomicLong, AtomicReference, CountDownLatch, FencedLock, Semaphore)
against a real member.

Hazelcast 5.5+ community members refuse CP calls (a licensed feature there), so these tests
run on a 5.3.0 member, whose community edition has the CP Subsystem ("unsafe mode" on one
member). The functions of alter/apply are Java classes of tests/java/CPFunctions.java. CP
sessions live SESSION_TTL seconds without heartbeats on that member, and semaphores named
``jdk*`` are JDK-compatible (sessionless).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from hztrio import HazelcastClient
from hztrio.cp import (
    AtomicLong,
    AtomicReference,
    CountDownLatch,
    FencedLock,
    SessionAwareSemaphore,
    SessionlessSemaphore,
)
from hztrio.errors import (
    ClientNotActiveError,
    DistributedObjectDestroyedError,
    IllegalMonitorStateError,
    IllegalStateError,
    LockOwnershipLostError,
    UnsupportedOperationError,
)
from hztrio.protocol.codecs import count_down_latch as latch_codecs
from hztrio.serialization.api import IdentifiedDataSerializable, ObjectDataInput, ObjectDataOutput
from hztrio.testing import Cluster, compile_java, member_version, start_cluster_sync
from tests.conftest import client_options, unique
from tests.integration.serialization_samples import Inner, InnerSerializer

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

CP_VERSION = "5.3.0"
JAVA = [Path(__file__).parent.parent / "java" / "CPFunctions.java"]
SESSION_TTL = 4
MEMBER_CONFIG = f"""
<cp-subsystem>
    <session-time-to-live-seconds>{SESSION_TTL}</session-time-to-live-seconds>
    <session-heartbeat-interval-seconds>1</session-heartbeat-interval-seconds>
    <semaphores>
        <semaphore>
            <name>jdk*</name>
            <jdk-compatible>true</jdk-compatible>
        </semaphore>
    </semaphores>
</cp-subsystem>
<serialization>
    <data-serializable-factories>
        <data-serializable-factory factory-id="66">
            hztrio.test.CPFunctions
        </data-serializable-factory>
    </data-serializable-factories>
</serialization>
"""
LONG_MAX = 2**63 - 1
LONG_MIN = -(2**63)


@pytest.fixture(scope="module")
def cp_member() -> Iterator[Cluster]:
    """One 5.3.0 member (CP in unsafe mode) with the test functions, for this module."""
    classes = compile_java(JAVA, version=CP_VERSION)
    with start_cluster_sync(
        1, version=CP_VERSION, classpath=[classes], extra_config=MEMBER_CONFIG, sql=False
    ) as cluster:
        yield cluster


RAFT_CONFIG = """
<cp-subsystem>
    <cp-member-count>3</cp-member-count>
    <group-size>3</group-size>
</cp-subsystem>
"""


@pytest.fixture(scope="module")
def raft_cluster() -> Iterator[Cluster]:
    """Three 5.3.0 members that form real Raft groups (not unsafe mode)."""
    with start_cluster_sync(3, version=CP_VERSION, extra_config=RAFT_CONFIG, sql=False) as cluster:
        yield cluster


@pytest.fixture
async def client(cp_member: Cluster) -> Any:
    async with HazelcastClient(**client_options(cp_member)) as c:
        yield c


class _Function(IdentifiedDataSerializable):
    CLASS_ID = 0

    def read_data(self, object_data_input: ObjectDataInput) -> None:
        pass

    def write_data(self, object_data_output: ObjectDataOutput) -> None:
        pass

    def get_factory_id(self) -> int:
        return 66

    def get_class_id(self) -> int:
        return self.CLASS_ID


class Multiply(_Function):
    """AtomicLong: value * factor."""

    CLASS_ID = 1

    def __init__(self, factor: int = 1) -> None:
        self.factor = factor

    def write_data(self, object_data_output: ObjectDataOutput) -> None:
        object_data_output.write_long(self.factor)


class DescribeLong(_Function):
    """AtomicLong: ``"value=<value>"``."""

    CLASS_ID = 2


class Append(_Function):
    """AtomicReference of str: value + suffix (the suffix for None)."""

    CLASS_ID = 3

    def __init__(self, suffix: str = "") -> None:
        self.suffix = suffix

    def write_data(self, object_data_output: ObjectDataOutput) -> None:
        object_data_output.write_string(self.suffix)


class Length(_Function):
    """AtomicReference of str: len(value) (None for None)."""

    CLASS_ID = 4


class Fail(_Function):
    """Throws IllegalStateException on the member."""

    CLASS_ID = 5


# -- names and groups ---------------------------------------------------------------------------


async def test_groups_keep_separate_state(client: HazelcastClient) -> None:
    name = unique("grouped")
    cp = client.cp_subsystem
    plain = await cp.get_atomic_long(name)
    same = await cp.get_atomic_long(f"{name}@default")
    grouped = await cp.get_atomic_long(f"{name}@group1")
    assert isinstance(plain, AtomicLong)
    assert plain.name == same.name == name
    assert grouped.name == f"{name}@group1" and grouped.object_name == name
    assert grouped.get_group_id().name == "group1"
    await plain.set(5)
    assert await same.get() == 5
    assert await grouped.get() == 0
    with pytest.raises(ValueError, match="METADATA"):
        await cp.get_atomic_long(f"{name}@metadata")
    with pytest.raises(TypeError):
        await cp.get_count_down_latch(None)  # type: ignore[arg-type]


async def test_getters_need_a_started_client(cp_member: Cluster) -> None:
    client = HazelcastClient(**client_options(cp_member))
    with pytest.raises(ClientNotActiveError):
        await client.cp_subsystem.get_atomic_long("never")


@pytest.mark.skipif(
    tuple(int(part) for part in member_version().split(".")[:2]) < (5, 5),
    reason="community members before 5.5 have the CP Subsystem",
)
async def test_a_licensed_feature_on_a_5_5_community_member(
    client_factory: Any,
) -> None:
    # 5.5 says "... is a licensed feature"; 5.6+ "CP subsystem is an Enterprise feature"
    async with client_factory() as client:
        with pytest.raises(UnsupportedOperationError, match=r"licensed feature|Enterprise feature"):
            await client.cp_subsystem.get_atomic_long(unique("refused"))


# -- AtomicLong -------------------------------------------------------------------------------


async def test_atomic_long_arithmetic(client: HazelcastClient) -> None:
    counter = await client.cp_subsystem.get_atomic_long(unique("long"))
    assert await counter.get() == 0
    assert await counter.increment_and_get() == 1
    assert await counter.get_and_increment() == 1
    assert await counter.add_and_get(10) == 12
    assert await counter.get_and_add(-2) == 12
    assert await counter.decrement_and_get() == 9
    assert await counter.get_and_decrement() == 9
    assert await counter.get_and_set(100) == 8
    assert not await counter.compare_and_set(99, 1)
    assert await counter.compare_and_set(100, 1)
    assert await counter.get() == 1
    await counter.set(LONG_MAX)
    assert await counter.increment_and_get() == LONG_MIN  # wraps as Java's long does
    await counter.set(LONG_MIN)
    assert await counter.get() == LONG_MIN


async def test_atomic_long_concurrent_increments(client: HazelcastClient) -> None:
    counter = await client.cp_subsystem.get_atomic_long(unique("concurrent"))

    async def bump() -> None:
        for _ in range(10):
            await counter.increment_and_get()

    async with anyio.create_task_group() as tg:
        for _ in range(10):
            tg.start_soon(bump)
    assert await counter.get() == 100


async def test_atomic_long_functions(client: HazelcastClient) -> None:
    counter = await client.cp_subsystem.get_atomic_long(unique("functions"))
    await counter.set(3)
    await counter.alter(Multiply(2))
    assert await counter.get() == 6
    assert await counter.alter_and_get(Multiply(10)) == 60
    assert await counter.get_and_alter(Multiply(-1)) == 60
    assert await counter.get() == -60
    assert await counter.apply(DescribeLong()) == "value=-60"
    assert await counter.get() == -60
    with pytest.raises(IllegalStateError, match="on purpose"):
        await counter.alter(Fail())
    assert await counter.get() == -60


async def test_atomic_long_rejects_bad_arguments(client: HazelcastClient) -> None:
    counter = await client.cp_subsystem.get_atomic_long(unique("bad"))
    for bad in ("1", 1.5, True, None):
        with pytest.raises(TypeError):
            await counter.add_and_get(bad)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            await counter.set(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        await counter.get_and_add(LONG_MAX + 1)
    with pytest.raises(ValueError):
        await counter.compare_and_set(0, LONG_MIN - 1)
    for method in (counter.alter, counter.alter_and_get, counter.get_and_alter, counter.apply):
        with pytest.raises(TypeError):
            await method(None)
    assert await counter.get() == 0


async def test_destroy_is_final(client: HazelcastClient) -> None:
    name = unique("destroyed")
    counter = await client.cp_subsystem.get_atomic_long(name)
    await counter.set(1)
    assert await counter.destroy() is True
    with pytest.raises(DistributedObjectDestroyedError):
        await counter.get()
    again = await client.cp_subsystem.get_atomic_long(name)
    with pytest.raises(DistributedObjectDestroyedError):
        await again.increment_and_get()
    latch = await client.cp_subsystem.get_count_down_latch(name)  # another service: a new one
    assert await latch.get_count() == 0


# -- AtomicReference -----------------------------------------------------------------------------


async def test_atomic_reference_values(client: HazelcastClient) -> None:
    ref: AtomicReference[Any] = await client.cp_subsystem.get_atomic_reference(unique("ref"))
    assert await ref.get() is None
    assert await ref.is_none() and await ref.is_null()
    assert await ref.contains(None)
    assert await ref.compare_and_set(None, "first")
    assert not await ref.compare_and_set(None, "second")
    assert await ref.get() == "first"
    assert await ref.contains("first") and not await ref.contains("other")
    assert await ref.get_and_set(42) == "first"
    assert not await ref.is_none()
    assert await ref.compare_and_set(42, b"\x00bytes")
    assert await ref.get() == b"\x00bytes"
    await ref.set([1, "two"])
    assert await ref.get() == [1, "two"]
    await ref.clear()
    assert await ref.get() is None and await ref.is_none()
    assert await ref.get_and_set(None) is None
    await ref.set("x" * 100_000)
    assert await ref.get() == "x" * 100_000


async def test_atomic_reference_functions(client: HazelcastClient) -> None:
    ref: AtomicReference[Any] = await client.cp_subsystem.get_atomic_reference(unique("fref"))
    assert await ref.apply(Length()) is None
    await ref.alter(Append("a"))
    assert await ref.get() == "a"
    assert await ref.alter_and_get(Append("b")) == "ab"
    assert await ref.get_and_alter(Append("c")) == "ab"
    assert await ref.get() == "abc"
    assert await ref.apply(Length()) == 3
    assert await ref.get() == "abc"
    with pytest.raises(IllegalStateError, match="on purpose"):
        await ref.apply(Fail())
    with pytest.raises(TypeError):
        await ref.alter(None)
    await ref.destroy()
    with pytest.raises(DistributedObjectDestroyedError):
        await ref.get()


async def test_atomic_reference_compact_values(cp_member: Cluster) -> None:
    """A Compact value: its schema reaches the member before the value, and a client that
    never saw the schema fetches it to read the value."""
    name = unique("compact")
    options = client_options(cp_member, compact_serializers=[InnerSerializer()])
    async with HazelcastClient(**options) as writer, HazelcastClient(**options) as reader:
        ref: AtomicReference[Any] = await writer.cp_subsystem.get_atomic_reference(name)
        await ref.set(Inner("x", 1))
        remote: AtomicReference[Any] = await reader.cp_subsystem.get_atomic_reference(name)
        assert await remote.get() == Inner("x", 1)
        assert await remote.compare_and_set(Inner("x", 1), Inner("y", 2))
        assert await ref.get_and_set(None) == Inner("y", 2)


# -- CountDownLatch -------------------------------------------------------------------------------


async def test_latch_counts(client: HazelcastClient) -> None:
    latch = await client.cp_subsystem.get_count_down_latch(unique("latch"))
    assert isinstance(latch, CountDownLatch)
    assert await latch.get_count() == 0
    assert await latch.await_latch(0)  # open already
    assert await latch.try_set_count(2)
    assert not await latch.try_set_count(5)  # a countdown is under way
    assert not await latch.await_latch(0)
    assert not await latch.await_latch(-1)
    await latch.count_down()
    assert await latch.get_count() == 1
    await latch.count_down()
    assert await latch.get_count() == 0
    await latch.count_down()  # nothing happens at zero
    assert await latch.get_count() == 0
    assert await latch.await_latch(1)
    assert await latch.try_set_count(1)  # reusable once open
    assert await latch.get_count() == 1


async def test_latch_rejects_bad_arguments(client: HazelcastClient) -> None:
    latch = await client.cp_subsystem.get_count_down_latch(unique("badlatch"))
    for bad_count in (0, -1, 2**31):
        with pytest.raises(ValueError):
            await latch.try_set_count(bad_count)
    for bad in ("1", 1.0, None, True):
        with pytest.raises(TypeError):
            await latch.try_set_count(bad)  # type: ignore[arg-type]
    for bad in ("1", None, True):
        with pytest.raises(TypeError):
            await latch.await_latch(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        await latch.await_latch(float("nan"))
    assert await latch.get_count() == 0


async def test_await_is_released_by_another_client(
    client: HazelcastClient, cp_member: Cluster
) -> None:
    name = unique("release")
    latch = await client.cp_subsystem.get_count_down_latch(name)
    assert await latch.try_set_count(2)
    results: list[bool] = []
    started = anyio.Event()

    async def waiter() -> None:
        started.set()
        results.append(await latch.await_latch(30))

    async with HazelcastClient(**client_options(cp_member)) as other:
        remote = await other.cp_subsystem.get_count_down_latch(name)
        with anyio.fail_after(20):
            async with anyio.create_task_group() as tg:
                tg.start_soon(waiter)
                await started.wait()
                await remote.count_down()
                assert not results
                await remote.count_down()
    assert results == [True]


async def test_await_times_out_on_the_member_beyond_invocation_timeout(
    cp_member: Cluster,
) -> None:
    async with HazelcastClient(**client_options(cp_member, invocation_timeout=0.5)) as client:
        latch = await client.cp_subsystem.get_count_down_latch(unique("slow"))
        assert await latch.try_set_count(1)
        start = anyio.current_time()
        assert not await latch.await_latch(1.2)  # longer than invocation_timeout: no error
        assert anyio.current_time() - start >= 1.1


async def test_await_cancellation(client: HazelcastClient) -> None:
    latch = await client.cp_subsystem.get_count_down_latch(unique("cancel"))
    assert await latch.try_set_count(1)
    invocations = client._invocations
    before = invocations.pending_count
    start = anyio.current_time()
    with anyio.move_on_after(0.3) as scope:
        await latch.await_latch(60)
    assert scope.cancelled_caught
    assert anyio.current_time() - start < 5
    assert invocations.pending_count == before
    # the latch is unchanged and the client still works
    assert await latch.get_count() == 1
    await latch.count_down()
    assert await latch.await_latch(5)


async def test_count_down_with_one_invocation_id_counts_once(client: HazelcastClient) -> None:
    """What count_down's retries rely on: a resend with the same id and round is a no-op."""
    latch = await client.cp_subsystem.get_count_down_latch(unique("once"))
    assert await latch.try_set_count(3)
    get_round = latch_codecs.COUNT_DOWN_LATCH_GET_ROUND
    response = await client._invocations.invoke(
        get_round.encode_request(latch.group_id, latch.object_name)
    )
    expected_round = get_round.decode_response(response)
    invocation_uid = uuid.uuid4()
    count_down = latch_codecs.COUNT_DOWN_LATCH_COUNT_DOWN.encode_request
    for _ in range(3):
        await client._invocations.invoke(
            count_down(latch.group_id, latch.object_name, invocation_uid, expected_round)
        )
    assert await latch.get_count() == 2


# -- FencedLock ---------------------------------------------------------------------------------


async def test_lock_is_reentrant_and_owned_by_its_task(client: HazelcastClient) -> None:
    lock = await client.cp_subsystem.get_lock(unique("lock"))
    assert isinstance(lock, FencedLock)
    assert await client.cp_subsystem.get_lock(lock.name) is lock
    assert not await lock.is_locked()
    fence = await lock.lock()
    assert fence > FencedLock.INVALID_FENCE
    assert await lock.lock() == fence  # reentrant: the same fence
    assert await lock.try_lock() == fence
    assert await lock.get_lock_count() == 3
    assert await lock.is_locked() and await lock.is_locked_by_current_thread()
    seen: dict[str, Any] = {}

    async def other_task() -> None:
        seen["locked"] = await lock.is_locked()
        seen["mine"] = await lock.is_locked_by_current_thread()
        seen["count"] = await lock.get_lock_count()
        seen["try"] = await lock.try_lock(timeout=0.1)
        with pytest.raises(IllegalMonitorStateError):
            await lock.unlock()

    async with anyio.create_task_group() as tg:
        tg.start_soon(other_task)
    assert seen == {"locked": True, "mine": False, "count": 3, "try": FencedLock.INVALID_FENCE}
    for _ in range(3):
        await lock.unlock()
    assert not await lock.is_locked() and await lock.get_lock_count() == 0
    with pytest.raises(IllegalMonitorStateError):
        await lock.unlock()

    fences: list[int] = []

    async def next_owner() -> None:
        fences.append(await lock.lock())
        await lock.unlock()

    async with anyio.create_task_group() as tg:
        tg.start_soon(next_owner)
    assert fences[0] > fence  # a new owner, a greater fence


async def test_lock_waits_for_the_owner(client: HazelcastClient, cp_member: Cluster) -> None:
    name = unique("contended")
    lock = await client.cp_subsystem.get_lock(name)
    first = await lock.lock()
    async with HazelcastClient(**client_options(cp_member)) as other:
        remote = await other.cp_subsystem.get_lock(name)
        assert await remote.is_locked() and not await remote.is_locked_by_current_thread()
        start = anyio.current_time()
        assert await remote.try_lock(timeout=0.5) == FencedLock.INVALID_FENCE
        assert anyio.current_time() - start >= 0.4
        got: list[Any] = []
        waiting = anyio.Event()

        async def waiter() -> None:
            waiting.set()
            got.append(await remote.lock())
            got.append(await remote.is_locked_by_current_thread())
            got.append(await lock.is_locked_by_current_thread())  # the first client's view
            await remote.unlock()

        with anyio.fail_after(20):
            async with anyio.create_task_group() as tg:
                tg.start_soon(waiter)
                await waiting.wait()
                await lock.unlock()
        assert got[0] > first
        assert got[1:] == [True, False]
        assert not await remote.is_locked()


async def test_lock_granted_after_the_caller_gave_up_is_released(
    client: HazelcastClient,
) -> None:
    lock = await client.cp_subsystem.get_lock(unique("abandoned"))
    await lock.lock()

    async def impatient() -> None:
        with anyio.move_on_after(0.3):
            await lock.lock()  # gives up while waiting on the member

    async def impatient_try() -> None:
        with anyio.move_on_after(0.3):
            await lock.try_lock(timeout=60)

    async with anyio.create_task_group() as tg:
        tg.start_soon(impatient)
        tg.start_soon(impatient_try)
    await lock.unlock()
    # the member now grants the abandoned requests; the client releases them at once
    result: list[int] = []

    async def newcomer() -> None:
        result.append(await lock.try_lock(timeout=10))
        await lock.unlock()

    async with anyio.create_task_group() as tg:
        tg.start_soon(newcomer)
    assert result[0] > FencedLock.INVALID_FENCE


async def test_session_heartbeats_keep_a_lock_and_a_closed_session_loses_it(
    client: HazelcastClient, cp_member: Cluster
) -> None:
    name = unique("session")
    lock = await client.cp_subsystem.get_lock(name)
    await lock.lock()
    await anyio.sleep(SESSION_TTL + 1)  # longer than a session lives without heartbeats
    assert await lock.is_locked_by_current_thread()
    async with HazelcastClient(**client_options(cp_member)) as other:
        remote = await other.cp_subsystem.get_lock(name)
        assert await remote.try_lock() == FencedLock.INVALID_FENCE
        await client.cp_subsystem._close_sessions()  # what a graceful shutdown does
        assert await remote.try_lock(timeout=10) > FencedLock.INVALID_FENCE
        await remote.unlock()
    # the task that held the lock learns that it lost it, once
    with pytest.raises(LockOwnershipLostError):
        await lock.is_locked_by_current_thread()
    assert not await lock.is_locked_by_current_thread()
    assert await lock.lock() > FencedLock.INVALID_FENCE  # a new session
    await lock.unlock()


async def test_leaving_the_client_releases_its_locks_at_once(
    client: HazelcastClient, cp_member: Cluster
) -> None:
    name = unique("leave")
    async with HazelcastClient(**client_options(cp_member)) as leaving:
        lock = await leaving.cp_subsystem.get_lock(name)
        await lock.lock()
        assert await (await client.cp_subsystem.get_lock(name)).is_locked()
    # closed with the client's CP session, not SESSION_TTL later
    assert not await (await client.cp_subsystem.get_lock(name)).is_locked()


async def test_lock_destroy_and_bad_arguments(client: HazelcastClient) -> None:
    lock = await client.cp_subsystem.get_lock(unique("gone"))
    for bad in ("1", None):
        with pytest.raises(TypeError):
            await lock.try_lock(timeout=bad)  # type: ignore[arg-type]
    assert await lock.lock() > 0
    assert await lock.destroy()
    with pytest.raises(DistributedObjectDestroyedError):
        await lock.lock()


# -- Semaphore ----------------------------------------------------------------------------------


async def test_session_aware_semaphore(client: HazelcastClient) -> None:
    semaphore = await client.cp_subsystem.get_semaphore(unique("sem"))
    assert isinstance(semaphore, SessionAwareSemaphore)
    with pytest.raises(IllegalStateError, match="no valid session"):
        await semaphore.release()  # holds nothing: no session yet
    assert await semaphore.available_permits() == 0
    assert await semaphore.init(3)
    assert not await semaphore.init(10)
    await semaphore.acquire(2)
    assert await semaphore.available_permits() == 1
    assert not await semaphore.try_acquire(2)
    start = anyio.current_time()
    assert not await semaphore.try_acquire(2, timeout=0.3)
    assert anyio.current_time() - start >= 0.25
    assert await semaphore.try_acquire()
    await semaphore.release(3)
    assert await semaphore.available_permits() == 3
    await semaphore.increase_permits(4)
    await semaphore.reduce_permits(2)
    await semaphore.increase_permits(0)
    assert await semaphore.available_permits() == 5
    assert await semaphore.drain_permits() == 5
    assert await semaphore.available_permits() == 0
    await semaphore.release(5)
    await semaphore.reduce_permits(7)
    assert await semaphore.available_permits() == -2


async def test_semaphore_rejects_bad_arguments(client: HazelcastClient) -> None:
    semaphore = await client.cp_subsystem.get_semaphore(unique("badsem"))
    methods: tuple[Any, ...] = (semaphore.acquire, semaphore.try_acquire, semaphore.release)
    for method in methods:
        for bad in (0, -1, 2**31):
            with pytest.raises(ValueError):
                await method(bad)
        with pytest.raises(TypeError):
            await method("1")
    methods = (semaphore.init, semaphore.increase_permits, semaphore.reduce_permits)
    for method in methods:
        with pytest.raises(ValueError):
            await method(-1)
        with pytest.raises(TypeError):
            await method(1.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await semaphore.try_acquire(1, timeout="1")  # type: ignore[arg-type]
    assert await semaphore.available_permits() == 0


async def test_semaphore_acquire_waits_and_cancels(client: HazelcastClient) -> None:
    semaphore = await client.cp_subsystem.get_semaphore(unique("waitsem"))
    assert await semaphore.init(1)
    await semaphore.acquire()

    async def impatient() -> None:
        with anyio.move_on_after(0.3):
            await semaphore.acquire()  # gives up while waiting on the member

    async with anyio.create_task_group() as tg:
        tg.start_soon(impatient)
    await semaphore.release()
    # the member grants the abandoned acquire; the client gives the permit back at once
    with anyio.fail_after(10):
        await semaphore.acquire()
    acquired = anyio.Event()

    async def waiter() -> None:
        await semaphore.acquire()
        acquired.set()

    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(waiter)
            assert not acquired.is_set()
            await semaphore.release()
            await acquired.wait()
    assert await semaphore.available_permits() == 0
    await semaphore.release()


async def test_sessionless_semaphore(client: HazelcastClient, cp_member: Cluster) -> None:
    name = unique("jdk")
    semaphore = await client.cp_subsystem.get_semaphore(name)
    assert isinstance(semaphore, SessionlessSemaphore)
    await semaphore.release(2)  # no holder needed: it just adds permits
    assert await semaphore.available_permits() == 2
    assert await semaphore.try_acquire(2)
    async with HazelcastClient(**client_options(cp_member)) as other:
        remote = await other.cp_subsystem.get_semaphore(name)
        assert isinstance(remote, SessionlessSemaphore)
        assert not await remote.try_acquire(timeout=0.1)
        done = anyio.Event()

        async def waiter() -> None:
            await remote.acquire()
            done.set()

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(waiter)
                await semaphore.release()
                await done.wait()
    # the other client is gone; its permit stays taken (sessionless)
    assert await semaphore.available_permits() == 0
    await semaphore.increase_permits(3)
    await semaphore.reduce_permits(1)
    assert await semaphore.drain_permits() == 2
    await semaphore.destroy()
    with pytest.raises(DistributedObjectDestroyedError):
        await semaphore.available_permits()


# -- real Raft (last: its three members live until the module ends) ------------------------


async def test_real_raft_groups(raft_cluster: Cluster) -> None:
    async with HazelcastClient(**client_options(raft_cluster)) as client:
        cp = client.cp_subsystem
        name, group = unique("raft"), unique("group")
        counter = await cp.get_atomic_long(name)
        grouped = await cp.get_atomic_long(f"{name}@{group}")
        assert counter.get_group_id().name == "default"
        assert grouped.get_group_id().name == group
        assert grouped.group_id != counter.group_id
        assert await counter.add_and_get(3) == 3
        assert await grouped.get() == 0
        ref: AtomicReference[Any] = await cp.get_atomic_reference(f"{name}@{group}")
        assert await ref.compare_and_set(None, "v")
        lock = await cp.get_lock(f"{name}@{group}")
        fence = await lock.lock()
        assert fence > 0 and await lock.is_locked_by_current_thread()
        await lock.unlock()
        latch = await cp.get_count_down_latch(name)
        assert await latch.try_set_count(1)
        await latch.count_down()
        assert await latch.await_latch(5)
        semaphore = await cp.get_semaphore(f"{name}@{group}")
        assert await semaphore.init(1)
        assert await semaphore.try_acquire(timeout=5)
        await semaphore.release()
        assert await semaphore.available_permits() == 1


def test_blocking_client(cp_member: Cluster) -> None:
    import threading

    import hztrio.sync

    with hztrio.sync.HazelcastClient(**client_options(cp_member)) as client:
        counter = client.cp_subsystem.get_atomic_long(unique("sync-counter"))
        assert counter.increment_and_get() == 1
        assert counter.add_and_get(41) == 42
        lock = client.cp_subsystem.get_lock(unique("sync-lock"))
        assert lock.lock() > FencedLock.INVALID_FENCE
        taken_elsewhere: list[int] = []
        # another OS thread is another owner: it cannot take the lock
        thread = threading.Thread(target=lambda: taken_elsewhere.append(lock.try_lock()))
        thread.start()
        thread.join(30)
        assert taken_elsewhere == [FencedLock.INVALID_FENCE]
        lock.unlock()
        assert not lock.is_locked()
