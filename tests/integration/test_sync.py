"""hztrio.sync: the blocking facade, against the session's shared member.

These tests are plain functions (the facade is for code without an event loop); each has a
hard time limit, and threads are joined with a deadline.
"""

from __future__ import annotations

import signal
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import hztrio.sync
from hztrio.config import Config
from hztrio.errors import (
    HazelcastClientNotActiveError,
    HazelcastSqlError,
    IllegalMonitorStateError,
    IllegalStateError,
)
from hztrio.lifecycle import LifecycleState
from hztrio.predicate import greater_or_equal
from hztrio.testing import Cluster, start_cluster_sync
from tests.conftest import client_options, unique

pytestmark = pytest.mark.timeout(60)

BACKENDS = ["asyncio", "trio"]


def wait_for(condition: Any, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {within} s")
        time.sleep(0.01)


def loop_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("hztrio-")}


def signal_main_thread_soon(signum: int, after: float = 0.5) -> None:
    """Send *signum* to the main thread (as Ctrl-C sends SIGINT) in *after* seconds; the
    caller must be the main thread, where signals are handled."""
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals are handled in the main thread only")
    main = threading.main_thread().ident
    threading.Timer(after, signal.pthread_kill, (main, signum)).start()


class LockHolder:
    """Another thread that holds the lock of *key* in *m* until released."""

    def __init__(self, m: Any, key: str) -> None:
        self.release = threading.Event()
        locked = threading.Event()

        def hold() -> None:
            m.lock(key)
            locked.set()
            self.release.wait(30)
            m.unlock(key)

        self.thread = threading.Thread(target=hold)
        self.thread.start()
        assert locked.wait(20)

    def let_go(self) -> None:
        self.release.set()
        self.thread.join(20)
        assert not self.thread.is_alive()


@pytest.fixture(params=BACKENDS)
def client(request: pytest.FixtureRequest, hazelcast_member: Cluster) -> Iterator[Any]:
    with hztrio.sync.HazelcastClient(
        backend=request.param, **client_options(hazelcast_member)
    ) as c:
        yield c


def test_map_calls_return_values(client: Any) -> None:
    m = client.get_map(unique("sync"))
    assert m.name.startswith("sync")
    assert m.put("a", 1) is None
    assert m.put("a", 2) == 1
    m.set("b", 3)
    assert m.get("a") == 2
    assert m.size() == 2
    assert sorted(m.key_set()) == ["a", "b"]
    assert m.get_all(["a", "b", "c"]) == {"a": 2, "b": 3}
    assert sorted(m.values(greater_or_equal("this", 3))) == [3]
    assert m.blocking() is m  # code written for the official client's .blocking()
    assert client.lifecycle_service.is_running()
    assert len(client.cluster_service.get_members()) == 1
    assert 0 <= client.partition_service.get_partition_id("a") < 271
    assert m in client.get_distributed_objects()
    assert m.destroy() is True


def test_errors_propagate_as_themselves(client: Any) -> None:
    m = client.get_map(unique("sync"))
    with pytest.raises(TypeError, match="key can't be None"):
        m.get(None)
    with pytest.raises(IllegalMonitorStateError):
        m.unlock("never-locked")  # the member's error, by its class
    m.put("k", "still usable")
    assert m.get("k") == "still usable"


def test_each_thread_is_one_hazelcast_thread(client: Any) -> None:
    m = client.get_map(unique("sync-lock"))
    m.lock("k")
    assert m.is_locked("k")
    results: list[Any] = []

    def other() -> None:
        results.append(m.try_lock("k"))  # another thread: the lock is not ours
        try:
            m.unlock("k")
        except IllegalMonitorStateError as exc:
            results.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(20)
    assert results[0] is False
    assert isinstance(results[1], IllegalMonitorStateError)
    m.unlock("k")  # the thread that locked it, in a later call
    assert not m.is_locked("k")


def test_threads_share_a_client(client: Any) -> None:
    m = client.get_map(unique("sync-threads"))
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(100):
                m.set(f"{n}-{i}", i)
                assert m.get(f"{n}-{i}") == i
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(40)
    assert not errors
    assert m.size() == 800
    # a thread that has ended leaves no worker task behind on the loop
    wait_for(lambda: len(client._loop._workers) <= 1)


def test_listener_callbacks_run_on_the_loop_thread(client: Any) -> None:
    m = client.get_map(unique("sync-listen"))
    got = threading.Event()
    seen: list[Any] = []

    def added(event: Any) -> None:
        seen.append(event)
        try:
            m.size()  # the blocking client from its own loop: refused, not a deadlock
        except RuntimeError as exc:
            seen.append(exc)
        got.set()

    registration = m.add_entry_listener(include_value=True, added_func=added)
    m.put("x", 1)
    assert got.wait(20)
    assert seen[0].key == "x" and seen[0].value == 1
    assert isinstance(seen[1], RuntimeError) and "event-loop thread" in str(seen[1])
    assert m.remove_entry_listener(registration) is True


def test_event_iterator(client: Any) -> None:
    m = client.get_map(unique("sync-events"))
    with m.entry_events(include_value=True) as events:
        m.put("a", 1)
        m.put("a", 2)
        first = events.next_event(timeout=20)
        second = next(iter(events))
        assert (first.key, first.value, second.value, second.old_value) == ("a", 1, 2, 1)
        with pytest.raises(TimeoutError):
            events.next_event(timeout=0.1)
        m.put("b", 3)  # the timeout lost nothing
        assert events.next_event(timeout=20).key == "b"


@pytest.mark.parametrize("backend", BACKENDS)
def test_iteration_ends_when_the_client_shuts_down(hazelcast_member: Cluster, backend: str) -> None:
    client = hztrio.sync.HazelcastClient(backend=backend, **client_options(hazelcast_member))
    states: list[LifecycleState] = []
    entered = threading.Event()

    def consume() -> None:
        with client.lifecycle_service.lifecycle_events() as events:
            entered.set()
            states.extend(events)

    thread = threading.Thread(target=consume)
    thread.start()
    assert entered.wait(20)
    client.shutdown()
    thread.join(20)
    assert not thread.is_alive()
    assert states[-1] == LifecycleState.SHUTDOWN


@pytest.mark.parametrize("backend", BACKENDS)
def test_shutdown_stops_everything(hazelcast_member: Cluster, backend: str) -> None:
    before = loop_threads()
    states: list[LifecycleState] = []
    client = hztrio.sync.HazelcastClient(
        backend=backend, lifecycle_listeners=[states.append], **client_options(hazelcast_member)
    )
    m = client.get_map(unique("sync"))
    m.put("k", "v")
    assert len(loop_threads() - before) == 1
    client.shutdown()
    client.shutdown()  # idempotent
    assert loop_threads() == before
    assert states[-2:] == [LifecycleState.SHUTTING_DOWN, LifecycleState.SHUTDOWN]
    with pytest.raises(HazelcastClientNotActiveError):
        m.get("k")
    with pytest.raises(HazelcastClientNotActiveError):
        client.get_map("other")


def test_options_are_checked_before_any_thread_starts(hazelcast_member: Cluster) -> None:
    before = loop_threads()
    with pytest.raises(ValueError, match="retry_multiplier"):
        hztrio.sync.HazelcastClient(retry_multiplier=0.5)
    with pytest.raises(TypeError, match="no_such_option"):
        hztrio.sync.HazelcastClient(no_such_option=1)
    with pytest.raises(ValueError, match="backend"):
        hztrio.sync.HazelcastClient(backend="curio")
    assert loop_threads() == before


def test_config_object(hazelcast_member: Cluster) -> None:
    config = Config.from_kwargs(**client_options(hazelcast_member))
    with hztrio.sync.HazelcastClient(config) as client:
        assert client.config is config
        m = client.get_map(unique("sync"))
        m.put("k", "v")
        assert m.get("k") == "v"


def test_unreachable_cluster_raises_and_leaves_no_thread() -> None:
    before = loop_threads()
    started = time.monotonic()
    with pytest.raises(IllegalStateError, match="Unable to connect"):
        hztrio.sync.HazelcastClient(
            cluster_members=["127.0.0.1:1"], cluster_connect_timeout=1, retry_max_backoff=0.1
        )
    assert time.monotonic() - started < 20
    assert loop_threads() == before


def test_interrupted_call_is_cancelled(client: Any) -> None:
    """Ctrl-C while blocked: the call is cancelled on the loop and the thread can go on."""
    m = client.get_map(unique("sync-interrupt"))
    holder = LockHolder(m, "k")
    # a real SIGINT, as Ctrl-C sends (_thread.interrupt_main() would not wake the wait)
    signal_main_thread_soon(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        m.lock("k")  # blocks: the other thread holds it
    holder.let_go()
    # the cancelled request never leaves the lock held (granted late, it is released)
    wait_for(lambda: not m.is_locked("k"))
    m.lock("k")
    m.unlock("k")


def test_shutdown_releases_calls_waiting_in_other_threads(hazelcast_member: Cluster) -> None:
    client = hztrio.sync.HazelcastClient(**client_options(hazelcast_member))
    m = client.get_map(unique("sync-waiting"))
    m.lock("k")
    outcome: list[BaseException] = []
    started = threading.Event()

    def waiter() -> None:
        started.set()
        try:
            m.lock("k")  # held by the main thread: waits until the shutdown
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=waiter)
    thread.start()
    assert started.wait(10)
    wait_for(lambda: len(client._loop._pending) == 1)  # its lock request is out
    client.shutdown()
    thread.join(20)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], HazelcastClientNotActiveError)


def test_interrupted_constructor_leaves_no_thread() -> None:
    before = loop_threads()
    signal_main_thread_soon(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        hztrio.sync.HazelcastClient(cluster_members=["127.0.0.1:1"], cluster_connect_timeout=30)
    wait_for(lambda: loop_threads() == before)


@pytest.mark.timeout(120)
def test_client_that_shuts_itself_down() -> None:
    """The cluster lost for good (reconnect_mode OFF): the client shuts itself down, its
    iterators end, its loop thread goes, and it says so as the official client does."""
    before = loop_threads()
    with start_cluster_sync(1, heap="128m") as cluster:
        client = hztrio.sync.HazelcastClient(reconnect_mode="OFF", **client_options(cluster))
        m = client.get_map(unique("sync-lost"))
        received: list[Any] = []
        entered = threading.Event()

        def consume() -> None:
            with m.entry_events(include_value=True) as events:
                entered.set()
                received.extend(events)

        thread = threading.Thread(target=consume)
        thread.start()
        assert entered.wait(20)
        m.put("k", 1)
        wait_for(lambda: received)
        cluster.kill_all()
        thread.join(30)
        assert not thread.is_alive()
        assert [event.key for event in received] == ["k"]
        wait_for(lambda: loop_threads() == before, within=30)
        assert client.lifecycle_service.is_running() is False
        with pytest.raises(HazelcastClientNotActiveError):
            m.get("k")
        client.shutdown()  # still fine


def test_signal_handler_may_call_the_client_while_its_thread_waits(client: Any) -> None:
    m = client.get_map(unique("sync-signal"))
    handled: list[Any] = []
    holder = LockHolder(m, "k")

    def handler(signum: int, frame: Any) -> None:
        # the main thread's own call is still waiting: this one must not wait behind it
        m.put("from-handler", 1)
        handled.append(m.get("from-handler"))
        holder.release.set()

    previous = signal.signal(signal.SIGUSR1, handler)
    try:
        signal_main_thread_soon(signal.SIGUSR1, after=0.3)
        m.lock("k")  # granted once the handler has let the holder go
        m.unlock("k")
        holder.let_go()
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert handled == [1]


def test_object_and_membership_event_iterators(client: Any) -> None:
    with client.distributed_object_events() as objects:
        name = unique("sync-created")
        client.get_map(name)
        event = objects.next_event(timeout=20)
        while event.name != name:  # other tests' objects may come first
            event = objects.next_event(timeout=20)
        assert event.service_name == "hz:impl:mapService"
    with client.cluster_service.membership_events(fire_for_existing=True) as members:
        first = members.next_event(timeout=20)
        assert first.member.uuid == client.cluster_service.get_members()[0].uuid


def test_transactions_commit_and_roll_back(client: Any) -> None:
    name = unique("sync-tx")
    plain = client.get_map(name)
    with client.new_transaction(timeout=30) as tx:
        m = tx.get_map(name)
        assert m.put("a", 1) is None
        assert m.get("a") == 1
        assert plain.key_set() == []
    assert tx.state.name == "COMMITTED"
    assert plain.get("a") == 1

    with pytest.raises(KeyError):
        with client.new_transaction() as tx:
            tx.get_map(name).put("a", 2)
            tx.get_queue(unique("sync-tx-q")).offer("x")
            raise KeyError("abort")
    assert tx.state.name == "ROLLED_BACK"
    assert plain.get("a") == 1
    assert not plain.is_locked("a")


def test_sql_rows_a_page_at_a_time(client: Any) -> None:
    name = f"m_{uuid.uuid4().hex[:12]}"
    client.get_map(name).put_all({i: f"v{i}" for i in range(10)})
    client.sql.execute(
        f"CREATE MAPPING {name} TYPE IMap OPTIONS ('keyFormat'='int', 'valueFormat'='varchar')"
    )
    query = f"SELECT __key, this FROM {name} ORDER BY __key"
    with client.sql.execute(query, cursor_buffer_size=3) as result:
        assert result.is_row_set()
        assert [(row["__key"], row[1]) for row in result] == [(i, f"v{i}") for i in range(10)]

    result = client.sql.execute(query, cursor_buffer_size=3)
    for row in result:
        if row["__key"] == 4:
            break  # dropping the iterator closes the query on the member
    assert result._target._closed

    update = client.sql.execute(f"DELETE FROM {name} WHERE __key < 5")
    assert not update.is_row_set()
    assert update.update_count() == 0  # what a 5.x member reports for DML
    assert client.get_map(name).size() == 5
    with pytest.raises(HazelcastSqlError):
        client.sql.execute("SELEC 1")


def test_the_other_structures(client: Any) -> None:
    queue = client.get_queue(unique("sync-q"))
    assert queue.offer("a") and queue.offer("b")
    drained: list[str] = []
    assert queue.drain_to(drained) == 2 and drained == ["a", "b"]
    with queue.item_events(include_value=True) as events:
        queue.put("c")
        event = events.next_event(timeout=10)
        assert event is not None and event.item == "c"
    assert queue.take() == "c"

    items = client.get_list(unique("sync-l"))
    assert items.add_all([1, 2, 3]) and items.get(1) == 2
    assert client.get_set(unique("sync-s")).add("x")

    multi = client.get_multi_map(unique("sync-mm"))
    assert multi.put("k", 1) and multi.put("k", 2)
    assert sorted(multi.get("k")) == [1, 2]
    assert multi.try_lock("k")  # this thread holds it; another thread cannot take it
    elsewhere: list[bool] = []
    thread = threading.Thread(target=lambda: elsewhere.append(multi.try_lock("k")))
    thread.start()
    thread.join(30)
    assert elsewhere == [False]
    multi.unlock("k")

    replicated = client.get_replicated_map(unique("sync-rm"))
    assert replicated.put("k", "v") is None and replicated.get("k") == "v"
    counter = client.get_pn_counter(unique("sync-pn"))
    assert counter.add_and_get(5) == 5 and counter.decrement_and_get() == 4
    ids = client.get_flake_id_generator(unique("sync-ids"))
    assert len({ids.new_id() for _ in range(50)}) == 50
    ring = client.get_ringbuffer(unique("sync-rb"))
    sequence = ring.add("first")
    assert ring.read_one(sequence) == "first"
