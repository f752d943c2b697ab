"""The compressed binary format of client metrics (the ``metricsBlob`` of ``Client.statistics``).

Members decode the blob with Java's ``MetricsCompressor.extractMetrics``; this module writes
it the way the official Python client's ``hazelcast.metrics.MetricsCompressor`` does, byte for
byte (tests/unit/test_metrics.py compares the two).

Layout of a blob::

    version                      2 bytes, big endian: 1
    size of the dictionary blob  4 bytes, big endian
    dictionary blob              zlib (level 1) of the dictionary
    number of metrics            4 bytes, big endian
    metrics blob                 zlib (level 1) of the metrics

Each metric is a descriptor (prefix, metric name, discriminator, discriminator value, unit)
followed by its type and value. The strings of descriptors are not written themselves: each
becomes the id of a word of the dictionary, and a descriptor writes only the fields that
differ from the previous descriptor's, saying which in a leading mask byte. The dictionary
lists its words sorted, each as (id, length of the prefix it shares with the previous word,
length of the rest, the rest as UTF-16 code units).
"""

from __future__ import annotations

import enum
import struct
import zlib
from dataclasses import dataclass

__all__ = ["MetricDescriptor", "MetricsCompressor", "ProbeUnit", "ValueType"]

# which fields of a descriptor are the same as in the previous one (so not written)
_SAME_PREFIX = 1
_SAME_METRIC = 1 << 1
_SAME_DISCRIMINATOR = 1 << 2
_SAME_DISCRIMINATOR_VALUE = 1 << 3
_SAME_UNIT = 1 << 4
# excluded targets and tags: never sent by a client, always "the same" after the first metric
_SAME_EXCLUDED_TARGETS = 1 << 5
_SAME_TAG_COUNT = 1 << 6

_NO_WORD = -1
_NO_UNIT = 0xFF  # the byte -1
#: the longest word (in UTF-16 code units) the format can carry: lengths are written as bytes
MAX_WORD_LENGTH = 255
BINARY_FORMAT_VERSION = 1
#: zlib level of both blobs: the fastest, as the official clients use
COMPRESSION_LEVEL = 1

_INT = struct.Struct(">i")
_LONG = struct.Struct(">q")
_DOUBLE = struct.Struct(">d")
_LONG_MIN = -(1 << 63)
_LONG_MAX = (1 << 63) - 1


class ProbeUnit(enum.IntEnum):
    """The unit of a metric; the values are the ordinals of Java's ``ProbeUnit``."""

    BYTES = 0
    """A size or a counter of bytes."""
    MS = 1
    """A timestamp or a duration in milliseconds."""
    NS = 2
    """A timestamp or a duration in nanoseconds."""
    PERCENT = 3
    """An integer mostly in 0..100, or a double mostly in 0..1."""
    COUNT = 4
    """A number of items."""
    BOOLEAN = 5
    """0 or 1."""
    ENUM = 6
    """The ordinal of an enum value."""


class ValueType(enum.IntEnum):
    """The type of a metric's value; the values are those of Java's ``ValueType``."""

    LONG = 0
    DOUBLE = 1


@dataclass(frozen=True, slots=True)
class MetricDescriptor:
    """What a metric is: ``<prefix>[<discriminator>=<discriminator_value>].<metric>``.

    An empty or None string field is sent as "no value".
    """

    metric: str
    """The metric's name, e.g. ``"hits"``."""
    prefix: str | None = None
    """Its group, e.g. ``"nearcache"``."""
    discriminator: str | None = None
    """The name of what tells metrics of the same group apart, e.g. ``"name"``."""
    discriminator_value: str | None = None
    """Its value, e.g. the map's name."""
    unit: ProbeUnit | None = None
    """The unit of the value."""


class MetricsCompressor:
    """Collects metrics and turns them into one blob (see the module documentation).

    ``add_long``/``add_double`` raise ``ValueError`` for a value or a descriptor the format
    cannot carry (a long outside 64 bits, a word longer than 255 UTF-16 code units) and then
    leave the compressor as it was, so that the caller may skip that metric.
    """

    __slots__ = ("_count", "_last", "_metrics", "_words")

    def __init__(self) -> None:
        self._metrics = bytearray()
        self._words: dict[str, int] = {}
        self._count = 0
        self._last: MetricDescriptor | None = None

    @property
    def count(self) -> int:
        """How many metrics were added."""
        return self._count

    def add_long(self, descriptor: MetricDescriptor, value: int) -> None:
        """Add a metric whose value is a 64-bit integer."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"a long metric needs an int, got {value!r}")
        if not _LONG_MIN <= value <= _LONG_MAX:
            raise ValueError(f"{value} does not fit in a 64-bit long")
        self._write_descriptor(descriptor)
        self._metrics.append(ValueType.LONG)
        self._metrics += _LONG.pack(value)

    def add_double(self, descriptor: MetricDescriptor, value: float) -> None:
        """Add a metric whose value is a double."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"a double metric needs a float, got {value!r}")
        self._write_descriptor(descriptor)
        self._metrics.append(ValueType.DOUBLE)
        self._metrics += _DOUBLE.pack(value)

    def generate_blob(self) -> bytes:
        """The blob of every metric added so far."""
        dictionary = zlib.compress(self._dictionary(), COMPRESSION_LEVEL)
        metrics = zlib.compress(self._metrics, COMPRESSION_LEVEL)
        return b"".join(
            (
                BINARY_FORMAT_VERSION.to_bytes(2, "big"),
                _INT.pack(len(dictionary)),
                dictionary,
                _INT.pack(self._count),
                metrics,
            )
        )

    # -- internals --------------------------------------------------------------------------

    def _write_descriptor(self, descriptor: MetricDescriptor) -> None:
        fields = (
            descriptor.prefix,
            descriptor.metric,
            descriptor.discriminator,
            descriptor.discriminator_value,
        )
        for word in fields:  # check everything before writing anything
            if word and _utf16_length(word) > MAX_WORD_LENGTH:
                raise ValueError(
                    f"a metric descriptor word is longer than {MAX_WORD_LENGTH} characters: "
                    f"{word!r}"
                )
        last = self._last
        mask = 0
        if last is not None:
            if descriptor.prefix == last.prefix:
                mask |= _SAME_PREFIX
            if descriptor.metric == last.metric:
                mask |= _SAME_METRIC
            if descriptor.discriminator == last.discriminator:
                mask |= _SAME_DISCRIMINATOR
            if descriptor.discriminator_value == last.discriminator_value:
                mask |= _SAME_DISCRIMINATOR_VALUE
            if descriptor.unit == last.unit:
                mask |= _SAME_UNIT
            mask |= _SAME_EXCLUDED_TARGETS | _SAME_TAG_COUNT
        out = self._metrics
        out.append(mask)
        for bit, word in zip(
            (_SAME_PREFIX, _SAME_METRIC, _SAME_DISCRIMINATOR, _SAME_DISCRIMINATOR_VALUE),
            fields,
            strict=True,
        ):
            if not mask & bit:
                out += _INT.pack(self._word_id(word))
        if not mask & _SAME_UNIT:
            out.append(_NO_UNIT if descriptor.unit is None else int(descriptor.unit))
        if not mask & _SAME_EXCLUDED_TARGETS:
            out.append(0)  # no excluded targets
        if not mask & _SAME_TAG_COUNT:
            out.append(0)  # no tags
        self._count += 1
        self._last = descriptor

    def _word_id(self, word: str | None) -> int:
        if not word:
            return _NO_WORD
        word_id = self._words.get(word)
        if word_id is None:
            word_id = self._words[word] = len(self._words)
        return word_id

    def _dictionary(self) -> bytearray:
        out = bytearray(_INT.pack(len(self._words)))
        previous: bytes = b""
        for word in sorted(self._words):
            units = word.encode("utf-16-be")
            common = 0
            limit = min(len(previous), len(units)) // 2
            while (
                common < limit
                and units[2 * common : 2 * common + 2] == previous[2 * common : 2 * common + 2]
            ):
                common += 1
            out += _INT.pack(self._words[word])
            out.append(common)
            out.append(len(units) // 2 - common)
            out += units[2 * common :]
            previous = units
        return out


def _utf16_length(word: str) -> int:
    return len(word) + sum(1 for char in word if ord(char) > 0xFFFF)
