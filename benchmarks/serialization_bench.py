"""Serialization of the built-in types: hztrio versus the official client, in one process.

For each value, ``to_data`` (Python object → serialized bytes) and ``to_object`` (bytes →
Python object) of ``hztrio.serialization.SerializationService`` and of the official client's
``SerializationServiceV1`` are timed on the same machine, in the same process, with
``timeit`` (best of several repeats). Both sides produce and read the same bytes (checked
before timing). The official ``to_object`` is given its own ``Data`` objects, built
beforehand, so that only deserialization is timed; hztrio's gets ``bytes``, as its codecs hand
them over.

Run from the repository root::

    python -m benchmarks.serialization_bench            # about 30 seconds
    python -m benchmarks.serialization_bench --smoke    # a second, to keep the script working
    python -m benchmarks.serialization_bench --json benchmarks/results/serialization_bench.json

The ratio column is official time / hztrio time: above 1, hztrio is faster.
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import importlib.metadata
import json
import math
import platform
import sys
import timeit
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from hazelcast.config import Config as OfficialConfig
from hazelcast.core import HazelcastJsonValue as OfficialJsonValue
from hazelcast.serialization.data import Data as OfficialData
from hazelcast.serialization.service import SerializationServiceV1

from hztrio.core import HazelcastJsonValue, IntArray, StringArray
from hztrio.serialization import SerializationService

UTC_PLUS_2 = datetime.timezone(datetime.timedelta(hours=2))


def _cases() -> list[tuple[str, Any, Any]]:
    """(name, hztrio value, the official client's value of the same Java type)."""
    text = "hello wörld " * 100
    json_text = '{"name": "Alice", "age": 30, "tags": ["a", "b"]}'
    return [
        ("bool", True, True),
        ("int", 123456, 123456),
        ("float", 3.141592653589793, 3.141592653589793),
        ("str (10)", "key-000001", "key-000001"),
        ("str (1200, UTF-8)", text, text),
        ("bytes (100)", bytes(range(100)), bytearray(range(100))),
        ("uuid", uuid.UUID(int=12345678901234567890), uuid.UUID(int=12345678901234567890)),
        ("list of 10 ints", list(range(10)), list(range(10))),
        ("list of 10 str", [f"item-{i}" for i in range(10)], [f"item-{i}" for i in range(10)]),
        ("json", HazelcastJsonValue(json_text), OfficialJsonValue(json_text)),
        ("decimal", decimal.Decimal("-12345.6789"), decimal.Decimal("-12345.6789")),
        ("date", datetime.date(2024, 2, 29), datetime.date(2024, 2, 29)),
        ("time", datetime.time(13, 45, 59, 123456), datetime.time(13, 45, 59, 123456)),
        (
            "datetime (aware)",
            datetime.datetime(2024, 2, 29, 13, 45, 59, 123456, tzinfo=UTC_PLUS_2),
            datetime.datetime(2024, 2, 29, 13, 45, 59, 123456, tzinfo=UTC_PLUS_2),
        ),
    ]


def _read_only_cases(ours: SerializationService) -> list[tuple[str, bytes]]:
    """Java types the official client only reads (it writes no arrays)."""
    return [
        ("int[] (100)", bytes(ours.to_data(IntArray(range(100))))),
        ("String[] (10)", bytes(ours.to_data(StringArray(f"s{i}" for i in range(10))))),
    ]


def _best(fn: Callable[[], Any], number: int, repeat: int) -> float:
    """Seconds per call, best of ``repeat`` runs of ``number`` calls."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, HazelcastJsonValue):
        return bool(a.to_string() == b.to_string())
    if isinstance(a, bytes | bytearray):
        return bytes(a) == bytes(b)
    return bool(a == b)


def run(number: int, repeat: int) -> list[dict[str, Any]]:
    ours = SerializationService()
    theirs = SerializationServiceV1(OfficialConfig())
    rows = []
    for name, value, official_value in _cases():
        data = ours.to_data(value)
        official_data = theirs.to_data(official_value)
        assert data == bytes(official_data.buffer), f"{name}: the bytes differ"
        assert _same_value(ours.to_object(bytes(data)), value), name
        raw = bytes(data)
        wrapped = OfficialData(raw)
        assert _same_value(theirs.to_object(wrapped), official_value), name
        rows.append(
            {
                "case": name,
                "direction": "to_data",
                "hztrio_ns": _best(partial(ours.to_data, value), number, repeat) * 1e9,
                "official_ns": _best(partial(theirs.to_data, official_value), number, repeat) * 1e9,
            }
        )
        rows.append(
            {
                "case": name,
                "direction": "to_object",
                "hztrio_ns": _best(partial(ours.to_object, raw), number, repeat) * 1e9,
                "official_ns": _best(partial(theirs.to_object, wrapped), number, repeat) * 1e9,
            }
        )
    for name, raw in _read_only_cases(ours):
        wrapped = OfficialData(raw)
        assert list(ours.to_object(raw)) == list(theirs.to_object(wrapped)), name
        rows.append(
            {
                "case": name,
                "direction": "to_object",
                "hztrio_ns": _best(partial(ours.to_object, raw), number, repeat) * 1e9,
                "official_ns": _best(partial(theirs.to_object, wrapped), number, repeat) * 1e9,
            }
        )
    for row in rows:
        row["ratio"] = row["official_ns"] / row["hztrio_ns"]
    return rows


def _geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def report(rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{'case':<22} {'direction':<10} {'hztrio ns':>10} {'official ns':>12} {'ratio':>7}",
        "-" * 65,
    ]
    for row in rows:
        lines.append(
            f"{row['case']:<22} {row['direction']:<10} {row['hztrio_ns']:>10.0f} "
            f"{row['official_ns']:>12.0f} {row['ratio']:>6.2f}x"
        )
    lines.append("-" * 65)
    for direction in ("to_data", "to_object"):
        ratios = [row["ratio"] for row in rows if row["direction"] == direction]
        lines.append(
            f"geometric mean of the ratios, {direction}: {_geomean(ratios):.2f}x "
            f"(min {min(ratios):.2f}x, max {max(ratios):.2f}x)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a quick run with few iterations")
    parser.add_argument("--number", type=int, default=20_000, help="calls per timing run")
    parser.add_argument("--repeat", type=int, default=5, help="timing runs; the best counts")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    number, repeat = (200, 2) if args.smoke else (args.number, args.repeat)
    rows = run(number, repeat)
    print(report(rows))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "python": sys.version,
                    "platform": platform.platform(),
                    "hazelcast-python-client": importlib.metadata.version(
                        "hazelcast-python-client"
                    ),
                    "number": number,
                    "repeat": repeat,
                    "rows": rows,
                },
                indent=2,
            )
            + "\n"
        )


if __name__ == "__main__":
    main()
