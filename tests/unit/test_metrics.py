"""hztrio.metrics (the compressed metrics blob) and hztrio.statistics (what a report holds)
without a member: a byte vector derived by hand from the format, byte-for-byte equality with
the official client's compressor, a decoder that follows Java's ``extractMetrics``, and the
attributes and metrics of a report."""

from __future__ import annotations

import logging
import struct
import time
import warnings
import zlib
from types import SimpleNamespace
from typing import Any

import anyio
import pytest

import hztrio
from hztrio import HazelcastClient, statistics
from hztrio.config import NearCacheConfig
from hztrio.errors import TargetDisconnectedError
from hztrio.metrics import MetricDescriptor, MetricsCompressor, ProbeUnit
from hztrio.near_cache import NearCache
from hztrio.statistics import Statistics, escape_near_cache_name

# -- a decoder that follows Java's MetricsCompressor.extractMetrics ------------------------


def decode(blob: bytes) -> list[tuple[tuple[Any, ...], str, float]]:
    """[((prefix, metric, discriminator, value, unit), "LONG"/"DOUBLE", value), ...]"""
    assert blob[:2] == b"\x00\x01"
    (dict_size,) = struct.unpack_from(">i", blob, 2)
    dictionary = zlib.decompress(blob[6 : 6 + dict_size])
    (count,) = struct.unpack_from(">i", blob, 6 + dict_size)
    metrics = zlib.decompress(blob[10 + dict_size :])

    words: dict[int, str] = {}
    (word_count,) = struct.unpack_from(">i", dictionary, 0)
    pos = 4
    previous = b""
    for _ in range(word_count):
        word_id, common, diff = struct.unpack_from(">iBB", dictionary, pos)
        pos += 6
        units = previous[: 2 * common] + dictionary[pos : pos + 2 * diff]
        pos += 2 * diff
        words[word_id] = units.decode("utf-16-be")
        previous = units
    assert pos == len(dictionary)

    decoded: list[tuple[tuple[Any, ...], str, float]] = []
    last: list[Any] = [None] * 5
    pos = 0
    for _ in range(count):
        mask = metrics[pos]
        pos += 1
        current = list(last)
        for index in range(4):
            if not mask & (1 << index):
                (word_id,) = struct.unpack_from(">i", metrics, pos)
                pos += 4
                current[index] = None if word_id == -1 else words[word_id]
        if not mask & (1 << 4):
            unit = metrics[pos]
            pos += 1
            current[4] = None if unit == 0xFF else ProbeUnit(unit)
        if not mask & (1 << 5):
            assert metrics[pos] == 0  # no excluded targets
            pos += 1
        if not mask & (1 << 6):
            assert metrics[pos] == 0  # no tags
            pos += 1
        value_type = metrics[pos]
        pos += 1
        fmt, name = (">q", "LONG") if value_type == 0 else (">d", "DOUBLE")
        (value,) = struct.unpack_from(fmt, metrics, pos)
        pos += 8
        decoded.append((tuple(current), name, value))
        last = current
    assert pos == len(metrics)
    return decoded


def parts(blob: bytes) -> tuple[bytes, int, bytes]:
    """(dictionary, metric count, metrics), decompressed."""
    (dict_size,) = struct.unpack_from(">i", blob, 2)
    (count,) = struct.unpack_from(">i", blob, 6 + dict_size)
    return (
        zlib.decompress(blob[6 : 6 + dict_size]),
        count,
        zlib.decompress(blob[10 + dict_size :]),
    )


def near_cache(metric: str, name: str = "m") -> MetricDescriptor:
    return MetricDescriptor(
        metric, prefix="nearcache", discriminator="name", discriminator_value=name,
        unit=ProbeUnit.COUNT,
    )  # fmt: skip


# -- the format, by hand ---------------------------------------------------------------------


def test_hand_derived_vector() -> None:
    compressor = MetricsCompressor()
    compressor.add_long(near_cache("hits"), 5)
    compressor.add_long(near_cache("misses"), 7)
    blob = compressor.generate_blob()

    def i32(v: int) -> bytes:
        return struct.pack(">i", v)

    def chars(text: str) -> bytes:
        return text.encode("utf-16-be")

    # words get ids in order of first use: nearcache 0, hits 1, name 2, m 3, misses 4
    expected_metrics = (
        b"\x00"  # first metric: every field written
        + i32(0) + i32(1) + i32(2) + i32(3)
        + b"\x04"  # unit COUNT
        + b"\x00\x00"  # no excluded targets, no tags
        + b"\x00" + struct.pack(">q", 5)  # LONG 5
        + b"\x7d"  # same prefix, discriminator, value, unit, targets, tags: only the metric
        + i32(4)
        + b"\x00" + struct.pack(">q", 7)
    )  # fmt: skip
    # sorted words, each (id, shared prefix with the previous, rest length, rest)
    expected_dictionary = (
        i32(5)
        + i32(1) + b"\x00\x04" + chars("hits")
        + i32(3) + b"\x00\x01" + chars("m")
        + i32(4) + b"\x01\x05" + chars("isses")
        + i32(2) + b"\x00\x04" + chars("name")
        + i32(0) + b"\x01\x08" + chars("earcache")
    )  # fmt: skip
    assert parts(blob) == (expected_dictionary, 2, expected_metrics)
    dictionary = zlib.compress(expected_dictionary, 1)
    metrics = zlib.compress(expected_metrics, 1)
    assert blob == (b"\x00\x01" + i32(len(dictionary)) + dictionary + i32(2) + metrics)
    assert compressor.count == 2


def test_empty_blob() -> None:
    blob = MetricsCompressor().generate_blob()
    assert parts(blob) == (b"\x00\x00\x00\x00", 0, b"")


def test_absent_fields_and_doubles() -> None:
    compressor = MetricsCompressor()
    compressor.add_double(MetricDescriptor("systemLoadAverage", prefix="os"), 0.25)
    compressor.add_long(MetricDescriptor("uptime", prefix="", unit=None), -3)
    _, count, metrics = parts(compressor.generate_blob())
    assert count == 2
    # first: os=0, systemLoadAverage=1, no discriminator (-1) nor value (-1), no unit (0xFF)
    assert metrics[:1 + 16 + 3] == (
        b"\x00" + struct.pack(">iiii", 0, 1, -1, -1) + b"\xff\x00\x00"
    )  # fmt: skip
    # second: an empty prefix is "no word", like None
    assert decode(compressor.generate_blob()) == [
        (("os", "systemLoadAverage", None, None, None), "DOUBLE", 0.25),
        ((None, "uptime", None, None, None), "LONG", -3),
    ]


def test_words_outside_the_bmp_are_utf16() -> None:
    compressor = MetricsCompressor()
    compressor.add_long(near_cache("hits", "a\U0001f600"), 1)
    dictionary, _, _ = parts(compressor.generate_blob())
    # "a😀": 3 UTF-16 code units, written as a surrogate pair
    assert i32_bytes(3) + b"\x00\x03" + "a\U0001f600".encode("utf-16-be") in dictionary
    assert decode(compressor.generate_blob())[0][0][3] == "a\U0001f600"


def i32_bytes(value: int) -> bytes:
    return struct.pack(">i", value)


def test_rejected_metrics_leave_the_compressor_unchanged() -> None:
    compressor = MetricsCompressor()
    compressor.add_long(near_cache("hits"), 1)
    reference = MetricsCompressor()
    reference.add_long(near_cache("hits"), 1)
    with pytest.raises(ValueError, match="longer than 255"):
        compressor.add_long(near_cache("hits", "x" * 256), 1)
    with pytest.raises(ValueError, match="longer than 255"):
        compressor.add_long(near_cache("hits", "\U0001f600" * 128), 1)  # 256 code units
    with pytest.raises(ValueError, match="64-bit"):
        compressor.add_long(near_cache("misses"), 1 << 63)
    with pytest.raises(TypeError):
        compressor.add_long(near_cache("misses"), True)
    with pytest.raises(TypeError):
        compressor.add_double(near_cache("misses"), "1.0")  # type: ignore[arg-type]
    assert compressor.generate_blob() == reference.generate_blob()
    compressor.add_long(near_cache("hits", "x" * 255), -(1 << 63))  # the limits themselves
    assert compressor.count == 2


# -- byte for byte with the official client --------------------------------------------------


def _both(entries: list[tuple[dict[str, Any], str, float]]) -> tuple[bytes, bytes]:
    """Our blob and the official client's (hazelcast-python-client, a test dependency)."""
    with warnings.catch_warnings():  # the official client imports asyncore
        warnings.simplefilter("ignore", DeprecationWarning)
        official = pytest.importorskip("hazelcast.metrics")
    ours = MetricsCompressor()
    theirs = official.MetricsCompressor()
    for fields, kind, value in entries:
        unit = fields.get("unit")
        our_descriptor = MetricDescriptor(
            **{**fields, "unit": None if unit is None else ProbeUnit(unit)}
        )
        their_descriptor = official.MetricDescriptor(**fields)
        if kind == "long":
            ours.add_long(our_descriptor, int(value))
            theirs.add_long(their_descriptor, int(value))
        else:
            ours.add_double(our_descriptor, value)
            theirs.add_double(their_descriptor, value)
    return ours.generate_blob(), bytes(theirs.generate_blob())


def test_same_bytes_as_the_official_client_for_a_report() -> None:
    entries: list[tuple[dict[str, Any], str, float]] = []
    for cache in ("orders", "orders-archive", "/slash", "x,y.z=w"):
        for i, metric in enumerate(("creationTime", "evictions", "hits", "misses")):
            unit = ProbeUnit.MS if metric == "creationTime" else ProbeUnit.COUNT
            fields = {
                "metric": metric,
                "prefix": "nearcache",
                "discriminator": "name",
                "discriminator_value": cache,
                "unit": int(unit),
            }
            entries.append((fields, "long", 1_795_000_000_000 + i))
    for name in ("totalPhysicalMemorySize", "freeSwapSpaceSize"):
        entries.append(({"metric": name, "prefix": "os"}, "long", 123456789))
    entries.append(({"metric": "systemLoadAverage", "prefix": "os"}, "double", 1.5))
    entries.append(({"metric": "availableProcessors", "prefix": "runtime"}, "long", 2))
    for name in ("bytesSend", "bytesReceived"):
        entries.append(({"metric": name, "prefix": "tcp", "unit": 0}, "long", 1 << 40))
    ours, theirs = _both(entries)
    assert ours == theirs
    assert [d[2] for d in decode(ours)] == [e[2] for e in entries]


def test_same_bytes_as_the_official_client_random() -> None:
    import random

    rng = random.Random(7)
    words = ["nearcache", "os", "runtime", "tcp", "", None, "ab", "abc", "abd", "é-name"]
    entries: list[tuple[dict[str, Any], str, float]] = []
    for _ in range(300):
        fields = {
            "metric": rng.choice(["hits", "misses", "bytesSend", "uptime", "a"]),
            "prefix": rng.choice(words),
            "discriminator": rng.choice([None, "name"]),
            "discriminator_value": rng.choice(words),
            "unit": rng.choice([None, 0, 1, 2, 3, 4, 5, 6]),
        }
        if rng.random() < 0.3:
            entries.append((fields, "double", rng.uniform(-1e9, 1e9)))
        else:
            entries.append((fields, "long", rng.randint(-(1 << 63), (1 << 63) - 1)))
    ours, theirs = _both(entries)
    assert ours == theirs


# -- attribute keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "escaped"),
    [
        ("plain", "plain"),
        ("a.b", "a\\.b"),
        ("a,b=c", "a\\,b\\=c"),
        ("back\\slash", "back\\\\slash"),
        ("/leading", "leading"),
        ("/a.b", "a\\.b"),
        ("mid/slash", "mid/slash"),
    ],
)
def test_escape_near_cache_name(name: str, escaped: str) -> None:
    assert escape_near_cache_name(name) == escaped


# -- a report -------------------------------------------------------------------------------


class StubConnection:
    """What statistics read of a Connection (hashable and weak-referenceable, like it)."""

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def stub_connection(**overrides: Any) -> Any:
    values: dict[str, Any] = {
        "started_at": anyio.current_time() - 2.0,
        "local_address": ("127.0.0.1", 40000),
        "bytes_sent": 1000,
        "bytes_received": 2000,
        "is_alive": True,
    }
    values.update(overrides)
    return StubConnection(**values)


def client_with(**options: Any) -> HazelcastClient:
    return HazelcastClient(cluster_name="stats", statistics_enabled=True, **options)


@pytest.mark.anyio
async def test_report_attributes_and_metrics() -> None:
    client = client_with(client_name="reporter")
    cache = NearCache("orders", NearCacheConfig())
    cache.hits, cache.misses, cache.owned_entry_count = 3, 4, 5
    client._near_caches = SimpleNamespace(caches={"orders": cache})  # type: ignore[assignment]
    connection = stub_connection()
    client._connections.all_connections = lambda: [connection]  # type: ignore[method-assign]
    stats = Statistics(client)
    stats._register_gauges()
    before = int(time.time() * 1000)
    timestamp, text, blob = stats.collect(connection)
    after = int(time.time() * 1000)

    keys = [item.split("=", 1)[0] for item in text.split(",")]
    assert keys[:7] == [
        "lastStatisticsCollectionTime",
        "enterprise",
        "clientType",
        "clientVersion",
        "clusterConnectionTimestamp",
        "clientAddress",
        "clientName",
    ]
    attributes = dict(item.split("=", 1) for item in text.split(","))
    assert before <= timestamp <= int(attributes["lastStatisticsCollectionTime"]) <= after
    assert attributes["enterprise"] == "false"
    assert attributes["clientType"] == "PYH"
    assert attributes["clientVersion"] == hztrio.__version__
    assert attributes["clientAddress"] == "127.0.0.1:40000"
    assert attributes["clientName"] == "reporter"
    assert abs(int(attributes["clusterConnectionTimestamp"]) - (before - 2000)) < 1000
    # the same connection keeps the same timestamp
    assert stats.collect(connection)[1].split(",")[4] == text.split(",")[4]
    assert attributes["nc.orders.hits"] == "3"
    assert attributes["nc.orders.misses"] == "4"
    assert attributes["nc.orders.ownedEntryCount"] == "5"
    assert attributes["nc.orders.creationTime"] == str(int(cache.creation_time * 1000))
    assert "os.totalPhysicalMemorySize" in attributes  # psutil is a test dependency

    metrics = decode(blob)
    near = [(d[1], v) for d, _, v in metrics if d[0] == "nearcache"]
    assert [name for name, _ in near] == [
        "creationTime", "evictions", "hits", "misses", "ownedEntryCount", "expirations",
        "invalidations", "invalidationRequests", "ownedEntryMemoryCost",
    ]  # fmt: skip
    assert dict(near)["hits"] == 3
    for descriptor, kind, value in metrics:
        if descriptor[0] in ("os", "runtime"):
            assert attributes[f"{descriptor[0]}.{descriptor[1]}"] == str(value)
            assert kind == ("DOUBLE" if descriptor[1] == "systemLoadAverage" else "LONG")
    assert metrics[-2:] == [
        (("tcp", "bytesSend", None, None, ProbeUnit.BYTES), "LONG", 1000),
        (("tcp", "bytesReceived", None, None, ProbeUnit.BYTES), "LONG", 2000),
    ]


@pytest.mark.anyio
async def test_bytes_of_closed_connections_still_count() -> None:
    client = client_with()
    first = stub_connection(bytes_sent=10, bytes_received=20)
    second = stub_connection(bytes_sent=1, bytes_received=2)
    live = [first]
    client._connections.all_connections = lambda: list(live)  # type: ignore[method-assign]
    stats = Statistics(client)
    stats.collect(first)
    first.bytes_sent, first.bytes_received, first.is_alive = 15, 25, False
    live[:] = [second]
    tcp = [v for d, _, v in decode(stats.collect(second)[2]) if d[0] == "tcp"]
    assert tcp == [16, 27]


@pytest.mark.anyio
async def test_without_psutil_the_gauges_are_skipped(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(statistics, "psutil", None)
    caplog.set_level(logging.DEBUG, logger="hztrio.statistics")
    stats = Statistics(client_with())
    stats._register_gauges()
    _, text, blob = stats.collect(stub_connection())
    assert "os." not in text and "runtime." not in text
    assert {d[0] for d, _, _ in decode(blob)} == {"tcp"}
    assert ["psutil is not installed" in r.getMessage() for r in caplog.records].count(True) == 1


@pytest.mark.anyio
async def test_principal_is_sent_with_credentials() -> None:
    stats = Statistics(client_with(creds_username="alice", creds_password="secret"))
    _, text, _ = stats.collect(stub_connection())
    assert "credentials.principal=alice" in text.split(",")
    assert "secret" not in text
    _, text, _ = Statistics(client_with()).collect(stub_connection())
    assert "credentials.principal" not in text


@pytest.mark.anyio
async def test_send_failures_are_logged_not_raised(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_with()
    stats = Statistics(client)
    caplog.set_level(logging.DEBUG, logger="hztrio.statistics")

    monkeypatch.setattr(client._connections, "random_connection", lambda: None)
    assert await stats.send() is False
    assert "no connection" in caplog.text

    connection = stub_connection()
    monkeypatch.setattr(client._connections, "random_connection", lambda: connection)
    sent: list[Any] = []

    async def disconnected(request: Any, **kwargs: Any) -> Any:
        sent.append(kwargs)
        raise TargetDisconnectedError("gone")

    monkeypatch.setattr(client._invocations, "invoke", disconnected)
    assert await stats.send() is False
    assert sent == [{"connection": connection}]
    assert "gone" in caplog.text

    async def broken(request: Any, **kwargs: Any) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr(client._invocations, "invoke", broken)
    caplog.clear()
    assert await stats.send() is False
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)

    async def answered(request: Any, **kwargs: Any) -> Any:
        return None

    monkeypatch.setattr(client._invocations, "invoke", answered)
    assert await stats.send() is True
