"""Client statistics (``statistics_enabled``) as a real member receives and decodes them.

The member keeps the last ``Client.statistics`` report of each connected client in its
ClientEngine; tests/java/ClientStatisticsProbe.java (factory 71) is an executor task that
returns it, with the metrics blob decoded by the member's own ``MetricsCompressor``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest

import hztrio
from hztrio import HazelcastClient
from hztrio.serialization.api import IdentifiedDataSerializable, ObjectDataInput, ObjectDataOutput
from hztrio.statistics import escape_near_cache_name
from hztrio.testing import Cluster, compile_java, start_cluster_sync
from tests.conftest import client_options, eventually, unique

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

JAVA = [Path(__file__).parent.parent / "java" / "ClientStatisticsProbe.java"]
FACTORY_ID = 71
FACTORY_CONFIG = f"""
<serialization>
    <data-serializable-factories>
        <data-serializable-factory factory-id="{FACTORY_ID}">
            hztrio.test.ClientStatisticsProbe
        </data-serializable-factory>
    </data-serializable-factories>
</serialization>
"""
PERIOD = 0.5

OS_GAUGES = {
    ("os", "totalPhysicalMemorySize"),
    ("os", "freePhysicalMemorySize"),
    ("os", "committedVirtualMemorySize"),
    ("os", "totalSwapSpaceSize"),
    ("os", "freeSwapSpaceSize"),
    ("os", "systemLoadAverage"),
    ("runtime", "availableProcessors"),
    ("runtime", "usedMemory"),
    ("os", "openFileDescriptorCount"),
    ("os", "maxFileDescriptorCount"),
    ("os", "processCpuTime"),
    ("runtime", "uptime"),
}
NEAR_CACHE_UNITS = {
    "creationTime": "MS",
    "evictions": "COUNT",
    "hits": "COUNT",
    "misses": "COUNT",
    "ownedEntryCount": "COUNT",
    "expirations": "COUNT",
    "invalidations": "COUNT",
    "invalidationRequests": "COUNT",
    "ownedEntryMemoryCost": "BYTES",
}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    classes = compile_java(JAVA)
    with start_cluster_sync(1, classpath=[classes], extra_config=FACTORY_CONFIG, sql=False) as c:
        yield c


class StatisticsOf(IdentifiedDataSerializable):
    """The member-side report of one client (see ClientStatisticsProbe.java)."""

    def __init__(self, client_uuid: str) -> None:
        self.client_uuid = client_uuid

    def get_factory_id(self) -> int:
        return FACTORY_ID

    def get_class_id(self) -> int:
        return 1

    def write_data(self, object_data_output: ObjectDataOutput) -> None:
        object_data_output.write_string(self.client_uuid)

    def read_data(self, object_data_input: ObjectDataInput) -> None:
        raise NotImplementedError("only sent")


@dataclass
class Metric:
    prefix: str
    metric: str
    discriminator: str
    discriminator_value: str
    unit: str
    type: str
    value: float


@dataclass
class Report:
    """What the member decoded of a client's last report."""

    timestamp: int
    attributes: dict[str, str]
    raw_attributes: str
    metrics: list[Metric]

    def metric(self, prefix: str, metric: str, discriminator_value: str = "") -> Metric:
        found = [
            m
            for m in self.metrics
            if (m.prefix, m.metric, m.discriminator_value) == (prefix, metric, discriminator_value)
        ]
        assert len(found) == 1, (prefix, metric, discriminator_value, self.metrics)
        return found[0]


def parse_attributes(text: str) -> dict[str, str]:
    """Split ``k=v,k=v`` the way Management Center does: ``\\`` escapes ``,`` and ``=``."""
    attributes: dict[str, str] = {}
    for item in _split(text, ","):
        key, value = _split(item, "=", 1)
        attributes[key] = value
    return attributes


def _split(text: str, separator: str, limit: int = -1) -> list[str]:
    parts: list[str] = []
    start = 0
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == separator and (limit < 0 or len(parts) < limit):
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


async def member_report(observer: HazelcastClient, client: HazelcastClient) -> Report | None:
    executor = await observer.get_executor("statistics-probe")
    member = observer.cluster_service.get_members()[0]
    text = await executor.execute_on_member(member, StatisticsOf(str(client._uuid)))
    if text is None:
        return None
    timestamp, attributes, *lines = text.rstrip("\n").split("\n")
    metrics = []
    for line in lines:
        prefix, metric, discriminator, value_of, unit, type_, value = line.split("\t")
        number = int(value) if type_ == "LONG" else float(value)
        metrics.append(Metric(prefix, metric, discriminator, value_of, unit, type_, number))
    return Report(int(timestamp), parse_attributes(attributes), attributes, metrics)


async def wait_for_report(
    observer: HazelcastClient,
    client: HazelcastClient,
    predicate: Any = lambda report: True,
    *,
    within: float = 20.0,
) -> Report:
    with anyio.fail_after(within):
        while True:
            report = await member_report(observer, client)
            if report is not None and predicate(report):
                return report
            await anyio.sleep(0.1)


async def test_member_decodes_attributes_and_metrics(cluster: Cluster) -> None:
    map_name = unique("stats.map,with=specials")
    name = unique("stats-client")
    before = int(time.time() * 1000)
    async with HazelcastClient(
        **client_options(
            cluster,
            client_name=name,
            statistics_enabled=True,
            statistics_period=PERIOD,
            near_caches={map_name: {}},
        )
    ) as client:
        m = await client.get_map(map_name)
        await m.put("a", 1)
        await m.get("a")  # miss
        await m.get("a")  # hit
        await m.get("a")  # hit
        await m.get("b")  # miss
        stats = m.near_cache_stats()  # type: ignore[attr-defined]

        key_prefix = f"nc.{escape_near_cache_name(map_name)}."
        report = await wait_for_report(
            client, client, lambda r: r.attributes.get(f"{key_prefix}hits") == "2"
        )
        after = int(time.time() * 1000)
        attributes = report.attributes

        # the client's attributes
        assert attributes["enterprise"] == "false"
        assert attributes["clientType"] == "PYH"
        assert attributes["clientVersion"] == hztrio.__version__
        assert attributes["clientName"] == name
        assert "credentials.principal" not in attributes
        connection = client._connections.random_connection()
        assert connection is not None
        host, port = connection.local_address[:2]
        assert attributes["clientAddress"] == f"{host}:{port}"
        assert before - 1000 <= int(attributes["clusterConnectionTimestamp"]) <= after
        collected = int(attributes["lastStatisticsCollectionTime"])
        assert before <= collected <= after
        assert before <= report.timestamp <= collected

        # the Near Cache: attributes and metrics agree with map.near_cache_stats()
        assert attributes[f"{key_prefix}hits"] == "2"
        assert attributes[f"{key_prefix}misses"] == "2"
        assert attributes[f"{key_prefix}ownedEntryCount"] == str(stats.owned_entry_count)
        assert attributes[f"{key_prefix}invalidationRequests"] == str(stats.invalidation_requests)
        assert int(attributes[f"{key_prefix}creationTime"]) == int(stats.creation_time * 1000)
        for metric, unit in NEAR_CACHE_UNITS.items():
            decoded = report.metric("nearcache", metric, map_name)
            assert decoded.discriminator == "name"
            assert decoded.unit == unit
            assert decoded.type == "LONG"
            assert str(decoded.value) == attributes[f"{key_prefix}{metric}"]
        assert report.metric("nearcache", "hits", map_name).value == 2
        assert report.metric("nearcache", "ownedEntryMemoryCost", map_name).value > 0

        # the OS and runtime gauges (psutil is installed with the test extra)
        gauges = {(m.prefix, m.metric) for m in report.metrics if m.prefix in ("os", "runtime")}
        assert gauges == OS_GAUGES
        for prefix, metric in gauges:
            decoded = report.metric(prefix, metric)
            assert decoded.unit == "" and decoded.discriminator == ""
            assert attributes[f"{prefix}.{metric}"] == str(decoded.value)
        assert report.metric("os", "systemLoadAverage").type == "DOUBLE"
        assert report.metric("runtime", "availableProcessors").value >= 1
        assert report.metric("runtime", "usedMemory").value > 0

        # the bytes sent and received
        sent = report.metric("tcp", "bytesSend")
        received = report.metric("tcp", "bytesReceived")
        assert sent.unit == received.unit == "BYTES"
        assert 0 < sent.value <= connection.bytes_sent
        assert 0 < received.value <= connection.bytes_received


async def test_reports_follow_each_other_and_track_changes(cluster: Cluster) -> None:
    map_name = unique("stats-map")
    async with HazelcastClient(
        **client_options(
            cluster,
            statistics_enabled=True,
            statistics_period=PERIOD,
            near_caches={map_name: {}},
        )
    ) as client:
        first = await wait_for_report(client, client)
        assert first.attributes["clientName"] == client.name
        m = await client.get_map(map_name)
        await m.put("k", "v")
        for _ in range(5):
            await m.get("k")
        later = await wait_for_report(
            client,
            client,
            lambda r: r.attributes.get(f"nc.{map_name}.hits") == "4",
        )
        assert later.timestamp > first.timestamp
        assert later.metric("nearcache", "misses", map_name).value == 1
        assert later.metric("tcp", "bytesSend").value > first.metric("tcp", "bytesSend").value


async def test_map_names_reach_the_member_unchanged(cluster: Cluster) -> None:
    """Names with a leading slash, backslashes and characters outside the BMP: the member's
    decoder rebuilds them from the dictionary's UTF-16 code units."""
    names = [unique("/slash"), unique("back\\slash"), unique("emoji-\U0001f600-ü")]
    async with HazelcastClient(
        **client_options(
            cluster,
            statistics_enabled=True,
            statistics_period=PERIOD,
            near_caches={name: {} for name in names},
        )
    ) as client:
        for name in names:
            await (await client.get_map(name)).get("x")
        report = await wait_for_report(
            client,
            client,
            lambda r: all(f"nc.{escape_near_cache_name(n)}.misses" in r.attributes for n in names),
        )
        for name in names:
            assert report.metric("nearcache", "misses", name).value == 1
        assert f"nc.{names[0][1:]}.hits" in report.attributes
        assert f"nc.{names[1].replace(chr(92), chr(92) * 2)}.hits" in report.attributes


async def test_disabled_client_sends_nothing(cluster: Cluster) -> None:
    async with (
        HazelcastClient(**client_options(cluster)) as quiet,
        HazelcastClient(
            **client_options(cluster, statistics_enabled=True, statistics_period=PERIOD)
        ) as loud,
    ):
        first = await wait_for_report(quiet, loud)
        # two periods of the enabled client have passed: the disabled one would have reported
        await wait_for_report(quiet, loud, lambda r: r.timestamp > first.timestamp)
        assert await member_report(loud, quiet) is None


async def test_statistics_end_with_the_client(cluster: Cluster) -> None:
    async with HazelcastClient(**client_options(cluster)) as observer:
        async with HazelcastClient(
            **client_options(cluster, statistics_enabled=True, statistics_period=PERIOD)
        ) as client:
            await wait_for_report(observer, client)
        # the task ended with the block (no error); the member forgets the client

        async def forgotten() -> bool:
            return await member_report(observer, client) is None

        await eventually(forgotten, within=20)
