"""Bulk operations (one request per partition, all sent before any is awaited) under faults.

``Map.put_all``/``get_all`` send one request per partition through
``InvocationService.invoke_on_partitions``, without a task per request. These tests cut,
stall and fill the connection under them against a real member, and check that the
retries, the time limit and cancellation behave as for single calls and leave no pending
slot behind.
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest

from hztrio import HazelcastClient
from hztrio.errors import OperationTimeoutError, TargetDisconnectedError
from hztrio.net.connection import Connection
from hztrio.protocol.codecs import map as map_codecs
from tests.cluster.test_failover import _owner_connection, proxied_client
from tests.conftest import unique, wait_until

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

PUT_ALL = map_codecs.MAP_PUT_ALL.request_type
GET_ALL = map_codecs.MAP_GET_ALL.request_type
ENTRIES = {f"bulk-{i}": i for i in range(400)}  # keys of most of the 271 partitions


def _traced(client: HazelcastClient, message_type: int) -> list[int]:
    """Correlation ids of every *message_type* request sent from now on."""
    sent: list[int] = []

    def trace(request: bytearray, _partition_id: int, _connection: Connection) -> None:
        if int.from_bytes(request[6:10], "little") == message_type:
            sent.append(int.from_bytes(request[10:18], "little"))

    client._invocations.trace = trace
    return sent


def _settled(client: HazelcastClient) -> bool:
    return client._invocations.pending_count == 0 and all(
        c.inflight == 0 for c in client._connections.active.values()
    )


def _partition_count(client: HazelcastClient, keys: Any = ENTRIES) -> int:
    """How many partitions *keys* fall in: one request each in a bulk call."""
    serialization = client._serialization
    partitions = client.partition_service
    return len({partitions.get_partition_id(serialization.to_data(k)) for k in keys})


@pytest.mark.parametrize("redo", [False, True])
async def test_a_cut_during_put_all_is_retried_only_with_redo(
    hazelcast_member: Any, redo: bool
) -> None:
    async with proxied_client(
        hazelcast_member, smart_routing=False, redo_operation=redo, invocation_retry_pause=0.1
    ) as (client, proxies):
        (proxy,) = proxies.values()
        m = await client.get_map(unique("bulk-cut"))
        requests = _partition_count(client)
        sent = _traced(client, PUT_ALL)
        proxy.stall("downstream")
        outcome: list[Any] = []

        async def put_all() -> None:
            try:
                await m.put_all(ENTRIES)
                outcome.append(None)
            except TargetDisconnectedError as exc:
                outcome.append(exc)

        async with anyio.create_task_group() as tg:
            tg.start_soon(put_all)
            await wait_until(lambda: len(sent) == requests)  # every one out before any answer
            proxy.cut()
            proxy.pass_through()
        if redo:
            assert outcome == [None]
            assert len(sent) == 2 * requests  # each sent again, with a new correlation id
            assert len(set(sent)) == len(sent)
            assert await m.get_all(ENTRIES) == ENTRIES
        else:
            assert isinstance(outcome[0], TargetDisconnectedError)
            assert len(sent) == requests
        await wait_until(lambda: _settled(client))


@pytest.mark.parametrize("redo", [False, True])
async def test_a_cut_during_a_near_cached_get_all_is_retried_only_with_redo(
    hazelcast_member: Any, redo: bool
) -> None:
    """A Near Cache's misses go out as the same bulk request, which the protocol marks as
    not retryable: as without a Near Cache, only ``redo_operation`` sends them again."""
    name = unique("bulk-nc-cut")
    async with proxied_client(
        hazelcast_member,
        smart_routing=False,
        redo_operation=redo,
        invocation_retry_pause=0.1,
        near_caches={name: {}},
    ) as (client, proxies):
        (proxy,) = proxies.values()
        m = await client.get_map(name)
        await m.put_all(ENTRIES)
        requests = _partition_count(client)
        sent = _traced(client, GET_ALL)
        proxy.stall("downstream")
        outcome: list[Any] = []

        async def get_all() -> None:
            try:
                outcome.append(await m.get_all(ENTRIES))
            except TargetDisconnectedError as exc:
                outcome.append(exc)

        async with anyio.create_task_group() as tg:
            tg.start_soon(get_all)
            await wait_until(lambda: len(sent) == requests)
            proxy.cut()
            proxy.pass_through()
        if redo:
            assert outcome == [ENTRIES]
            assert len(sent) == 2 * requests
        else:
            assert isinstance(outcome[0], TargetDisconnectedError)
            assert len(sent) == requests
        await wait_until(lambda: _settled(client))


async def test_get_all_on_a_stalled_connection_times_out_and_leaves_nothing(
    hazelcast_member: Any,
) -> None:
    async with proxied_client(hazelcast_member, smart_routing=False, invocation_timeout=1.5) as (
        client,
        proxies,
    ):
        (proxy,) = proxies.values()
        m = await client.get_map(unique("bulk-stall"))
        await m.put_all(ENTRIES)
        proxy.stall("upstream")
        start = anyio.current_time()
        with pytest.raises(OperationTimeoutError):
            await m.get_all(ENTRIES)
        assert 1.5 <= anyio.current_time() - start <= 3.0
        assert _settled(client)
        proxy.pass_through()
        assert await m.get_all(ENTRIES) == ENTRIES


async def test_a_cancelled_get_all_leaves_nothing_pending(hazelcast_member: Any) -> None:
    async with proxied_client(hazelcast_member, smart_routing=False) as (client, proxies):
        (proxy,) = proxies.values()
        m = await client.get_map(unique("bulk-cancel"))
        await m.put_all(ENTRIES)
        sent = _traced(client, GET_ALL)
        proxy.stall("upstream")
        with anyio.move_on_after(0.5) as scope:
            await m.get_all(ENTRIES)
        assert scope.cancelled_caught
        assert len(sent) == _partition_count(client)
        assert _settled(client)
        proxy.pass_through()
        assert await m.get_all(ENTRIES) == ENTRIES  # the late answers were dropped
        assert client._invocations.dropped_responses >= 1


async def test_requests_a_full_queue_refuses_are_sent_when_there_is_room(
    hazelcast_member: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with proxied_client(hazelcast_member, smart_routing=False) as (client, _proxies):
        m = await client.get_map(unique("bulk-full"))
        (connection,) = client._connections.active.values()
        send_nowait = connection.send_nowait
        refused = 0

        def every_third_refused(message: bytes | bytearray) -> bool:
            nonlocal refused
            if int.from_bytes(message[6:10], "little") in (PUT_ALL, GET_ALL) and refused < 40:
                refused += 1
                if refused % 3 == 0:
                    return False  # as a full queue does
            return send_nowait(message)

        monkeypatch.setattr(connection, "send_nowait", every_third_refused)
        await m.put_all(ENTRIES)
        assert await m.get_all(ENTRIES) == ENTRIES
        assert refused == 40
        assert _settled(client)


async def test_missing_backup_acks_cost_one_backup_timeout_not_one_per_request(
    hazelcast_cluster_factory: Any,
) -> None:
    # Each request's wait for its acks counts from its response's arrival: awaited one
    # after another, the waits overlap (they used to add up, 1 s per partition here).
    async with hazelcast_cluster_factory(2, backup_count=1) as cluster:
        async with proxied_client(cluster, operation_backup_timeout=1.0) as (client, proxies):
            invocations = client._invocations
            m = await client.get_map(unique("bulk-acks"))
            primary, backup = cluster.members[0].address, cluster.members[1].address
            entries = {
                key: value
                for key, value in ENTRIES.items()
                if str(_owner_connection(client, key).remote_address) == primary
            }
            requests = _partition_count(client, entries)
            assert requests >= 50
            await m.put_all(entries)  # all acks arrive
            assert invocations.backup_acks_missed == 0
            proxies[backup].stall("downstream")  # acks come from the backup member
            start = anyio.current_time()
            await m.put_all({key: -value for key, value in entries.items()})
            assert 1.0 <= anyio.current_time() - start <= 5.0
            assert invocations.backup_acks_missed == requests
            proxies[backup].pass_through()
            assert await m.get_all(entries) == {key: -value for key, value in entries.items()}
            await wait_until(lambda: _settled(client))
