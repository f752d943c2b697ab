"""Client statistics: what ``statistics_enabled=True`` sends to the cluster.

Every ``statistics_period`` seconds one task of the client's task tree collects

- the client's attributes (name, type, version, address, when it connected, …),
- the statistics of every Near Cache (``nearcache.<map>.*``),
- operating system and process gauges (``os.*``, ``runtime.*``) when ``psutil`` is installed
  (``pip install hztrio[stats]``),
- the bytes sent and received over all connections (``tcp.*``),

and sends them with ``Client.statistics`` over one of the client's connections: a text of
``key=value`` attributes and the same numbers as a compressed metrics blob
(:mod:`hztrio.metrics`). The member keeps the last report of each client; Management Center
shows them. The attributes, the metric names and units and their order are those of the
official Python client (``hazelcast/statistics.py``).

A report that cannot be collected or sent is logged and skipped; the task never fails the
client. It ends when the client shuts down.
"""

from __future__ import annotations

import logging
import math
import os
import time
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anyio

from . import __version__
from .errors import HazelcastError
from .metrics import MetricDescriptor, MetricsCompressor, ProbeUnit, ValueType
from .net.manager import CLIENT_TYPE
from .protocol.codecs import client as client_codecs

if TYPE_CHECKING:
    from .client import HazelcastClient
    from .net.connection import Connection

try:
    import psutil  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - psutil is the "stats" extra
    psutil = None

__all__ = ["Statistics", "escape_near_cache_name", "run_statistics"]

_logger = logging.getLogger("hztrio.statistics")

_STATISTICS = client_codecs.CLIENT_STATISTICS.encode_request

_NEAR_CACHE_CATEGORY_PREFIX = "nc."
_NEAR_CACHE_PREFIX = "nearcache"
_NEAR_CACHE_DISCRIMINATOR = "name"
_TCP_PREFIX = "tcp"

#: (metric, NearCacheStats field, unit) in the order the official client sends them
_NEAR_CACHE_METRICS: tuple[tuple[str, str, ProbeUnit], ...] = (
    ("creationTime", "creation_time", ProbeUnit.MS),
    ("evictions", "evictions", ProbeUnit.COUNT),
    ("hits", "hits", ProbeUnit.COUNT),
    ("misses", "misses", ProbeUnit.COUNT),
    ("ownedEntryCount", "owned_entry_count", ProbeUnit.COUNT),
    ("expirations", "expirations", ProbeUnit.COUNT),
    ("invalidations", "invalidations", ProbeUnit.COUNT),
    ("invalidationRequests", "invalidation_requests", ProbeUnit.COUNT),
    ("ownedEntryMemoryCost", "owned_entry_memory_cost", ProbeUnit.BYTES),
)

_Gauge = tuple[Callable[[], float], ValueType]
_ProcessGauge = tuple[Callable[[Any], float], ValueType]


async def run_statistics(client: HazelcastClient) -> None:
    """The statistics task of *client* (started by the client when ``statistics_enabled``).

    Runs until cancelled, which is how it ends with the client.
    """
    await Statistics(client).run()


def _millis(seconds: float) -> int:
    return int(seconds * 1000)


def _system_gauges() -> dict[str, _Gauge]:
    """The gauges of the machine, in the official client's order (psutil installed)."""
    assert psutil is not None
    return {
        "os.totalPhysicalMemorySize": (lambda: psutil.virtual_memory().total, ValueType.LONG),
        "os.freePhysicalMemorySize": (lambda: psutil.virtual_memory().free, ValueType.LONG),
        "os.committedVirtualMemorySize": (lambda: psutil.virtual_memory().used, ValueType.LONG),
        "os.totalSwapSpaceSize": (lambda: psutil.swap_memory().total, ValueType.LONG),
        "os.freeSwapSpaceSize": (lambda: psutil.swap_memory().free, ValueType.LONG),
        "os.systemLoadAverage": (lambda: os.getloadavg()[0], ValueType.DOUBLE),
        "runtime.availableProcessors": (lambda: psutil.cpu_count(), ValueType.LONG),
    }


def _process_gauges() -> dict[str, _ProcessGauge]:
    """The gauges of this process, in the official client's order (psutil installed)."""
    assert psutil is not None
    return {
        "runtime.usedMemory": (lambda p: p.memory_info().rss, ValueType.LONG),
        "os.openFileDescriptorCount": (lambda p: p.num_fds(), ValueType.LONG),
        "os.maxFileDescriptorCount": (
            lambda p: p.rlimit(psutil.RLIMIT_NOFILE)[1],
            ValueType.LONG,
        ),
        "os.processCpuTime": (lambda p: int(sum(p.cpu_times()) * 1e9), ValueType.LONG),
        "runtime.uptime": (lambda p: _millis(time.time() - p.create_time()), ValueType.LONG),
    }


def escape_near_cache_name(name: str) -> str:
    """A map name as it appears in the ``nc.<name>.<metric>`` attribute keys: ``\\``,
    ``,``, ``.`` and ``=`` escaped with a backslash, a leading ``/`` dropped."""
    escaped = name.replace("\\", "\\\\").replace(",", "\\,").replace(".", "\\.").replace("=", "\\=")
    return escaped[1:] if name.startswith("/") else escaped


class Statistics:
    """Collects and sends the statistics of one client (see the module documentation)."""

    def __init__(self, client: HazelcastClient) -> None:
        self._client = client
        self._period = client.config.statistics_period
        self._system_gauges: dict[str, _Gauge] = {}
        self._process_gauges: dict[str, _ProcessGauge] = {}
        # byte counters: connections still counted, and what closed ones had sent/received
        self._connections: set[Connection] = set()
        self._closed_bytes_sent = 0
        self._closed_bytes_received = 0
        self._connection_start: weakref.WeakKeyDictionary[Connection, int] = (
            weakref.WeakKeyDictionary()
        )

    async def run(self) -> None:
        """Send a report every period until cancelled."""
        _logger.info("Client statistics enabled with the period of %s seconds.", self._period)
        self._register_gauges()
        self._client._connections.add_connection_observers(added=self._connections.add)
        while True:
            await anyio.sleep(self._period)
            await self.send()

    async def send(self) -> bool:
        """Collect the statistics and send them once; True if the member received them.

        Never raises (except cancellation): a failure is logged.
        """
        connection = self._client._connections.random_connection()
        if connection is None:
            _logger.debug("Cannot send client statistics to the server: no connection")
            await anyio.lowlevel.checkpoint()
            return False
        try:
            timestamp, attributes, blob = self.collect(connection)
            await self._client._invocations.invoke(
                _STATISTICS(timestamp, attributes, blob), connection=connection
            )
        except HazelcastError as exc:  # the connection closed, the client is shutting down, …
            _logger.debug("Could not send the client statistics: %r", exc)
            return False
        except Exception:
            _logger.exception("Could not collect or send the client statistics")
            return False
        return True

    def collect(self, connection: Connection) -> tuple[int, str, bytes]:
        """(collection timestamp in ms, attribute text, metrics blob) for a report sent over
        *connection*."""
        timestamp = _millis(time.time())
        attributes: list[str] = []
        compressor = MetricsCompressor()
        self._add_client_attributes(attributes, connection)
        self._add_near_cache_metrics(attributes, compressor)
        self._add_system_and_process_metrics(attributes, compressor)
        self._add_tcp_metrics(compressor)
        return timestamp, ",".join(attributes), compressor.generate_blob()

    # -- gauges -------------------------------------------------------------------------------

    def _register_gauges(self) -> None:
        """Keep the gauges that can be read here (a platform may lack some)."""
        if psutil is None:
            _logger.debug(
                "Client statistics: psutil is not installed, so the os.* and runtime.* "
                "gauges are not sent (pip install hztrio[stats])"
            )
            return
        for name, (gauge, value_type) in _system_gauges().items():
            try:
                gauge()
            except Exception as exc:
                _logger.debug("Gauge %s is not available here: %r", name, exc)
            else:
                self._system_gauges[name] = (gauge, value_type)
        try:
            process = psutil.Process()
        except Exception as exc:  # pragma: no cover - psutil cannot see its own process
            _logger.debug("The process gauges are not available here: %r", exc)
            return
        for name, (process_gauge, value_type) in _process_gauges().items():
            try:
                process_gauge(process)
            except Exception as exc:
                _logger.debug("Gauge %s is not available here: %r", name, exc)
            else:
                self._process_gauges[name] = (process_gauge, value_type)

    # -- the parts of a report ----------------------------------------------------------------

    def _add_client_attributes(self, attributes: list[str], connection: Connection) -> None:
        client = self._client
        attributes.append(f"lastStatisticsCollectionTime={_millis(time.time())}")
        attributes.append("enterprise=false")
        attributes.append(f"clientType={CLIENT_TYPE}")
        attributes.append(f"clientVersion={__version__}")
        attributes.append(f"clusterConnectionTimestamp={self._connection_timestamp(connection)}")
        attributes.append(f"clientAddress={_address(connection.local_address)}")
        attributes.append(f"clientName={client.name}")
        principal = client.config.creds_username
        if principal is not None and client.config.token_provider is None:
            attributes.append(f"credentials.principal={principal}")

    def _connection_timestamp(self, connection: Connection) -> int:
        """When *connection* was opened, in ms since the epoch (Connection keeps a monotonic
        time; the wall-clock time is derived once per connection, so it stays put)."""
        stamp = self._connection_start.get(connection)
        if stamp is None:
            age = anyio.current_time() - connection.started_at
            stamp = self._connection_start[connection] = _millis(time.time() - age)
        return stamp

    def _add_near_cache_metrics(self, attributes: list[str], compressor: MetricsCompressor) -> None:
        manager = self._client._near_caches
        if manager is None:
            return
        for cache in list(manager.caches.values()):
            name = cache.name
            key_prefix = f"{_NEAR_CACHE_CATEGORY_PREFIX}{escape_near_cache_name(name)}."
            stats = cache.stats()
            for metric, field, unit in _NEAR_CACHE_METRICS:
                value = getattr(stats, field)
                if field == "creation_time":
                    value = _millis(value)
                descriptor = MetricDescriptor(
                    metric,
                    prefix=_NEAR_CACHE_PREFIX,
                    discriminator=_NEAR_CACHE_DISCRIMINATOR,
                    discriminator_value=name,
                    unit=unit,
                )
                try:
                    compressor.add_long(descriptor, value)
                except (TypeError, ValueError) as exc:
                    _logger.debug("Near Cache %r: metric %s not sent: %s", name, metric, exc)
                    continue
                attributes.append(f"{key_prefix}{metric}={value}")

    def _add_system_and_process_metrics(
        self, attributes: list[str], compressor: MetricsCompressor
    ) -> None:
        readings: list[tuple[str, float, ValueType]] = []
        for name, (gauge, value_type) in self._system_gauges.items():
            try:
                readings.append((name, gauge(), value_type))
            except Exception as exc:
                _logger.debug("Could not read gauge %s: %r", name, exc)
        if self._process_gauges:
            assert psutil is not None
            process = psutil.Process()
            for name, (process_gauge, value_type) in self._process_gauges.items():
                try:
                    readings.append((name, process_gauge(process), value_type))
                except Exception as exc:
                    _logger.debug("Could not read gauge %s: %r", name, exc)
        for name, value, value_type in readings:
            prefix, metric = name.rsplit(".", 1)
            descriptor = MetricDescriptor(metric, prefix=prefix)
            try:
                if value_type == ValueType.DOUBLE:
                    if not math.isfinite(value):
                        raise ValueError(f"{value} is not a finite number")
                    compressor.add_double(descriptor, value)
                else:
                    compressor.add_long(descriptor, int(value))
            except (TypeError, ValueError) as exc:
                _logger.debug("Gauge %s not sent: %s", name, exc)
                continue
            attributes.append(f"{name}={value}")

    def _add_tcp_metrics(self, compressor: MetricsCompressor) -> None:
        """Bytes sent and received over every connection since the client started."""
        counted = self._connections
        counted.update(self._client._connections.all_connections())
        for connection in [c for c in counted if not c.is_alive]:
            counted.discard(connection)
            self._closed_bytes_sent += connection.bytes_sent
            self._closed_bytes_received += connection.bytes_received
        sent = self._closed_bytes_sent + sum(c.bytes_sent for c in counted)
        received = self._closed_bytes_received + sum(c.bytes_received for c in counted)
        for metric, value in (("bytesSend", sent), ("bytesReceived", received)):
            compressor.add_long(
                MetricDescriptor(metric, prefix=_TCP_PREFIX, unit=ProbeUnit.BYTES), value
            )


def _address(address: Any) -> str:
    """``host:port`` of a socket address tuple."""
    if isinstance(address, tuple) and len(address) >= 2:
        return f"{address[0]}:{address[1]}"
    return str(address)
