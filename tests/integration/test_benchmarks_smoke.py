"""The benchmark scripts keep working (a tiny run of each; no timing is asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(300)

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )


def test_suite_smoke(tmp_path: Path) -> None:
    out = tmp_path / "suite.json"
    result = _run("benchmarks.suite", "--smoke", "--json", str(out))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = json.loads(out.read_text())
    clients = {r["client"] for r in report["results"]}
    assert {"hztrio-trio", "hztrio-asyncio", "official-asyncio", "java"} <= clients
    assert not report["failures"]


def test_loop_floor_smoke() -> None:
    result = _run("benchmarks.loop_floor", "--smoke")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for shape in ("trio-one-task", "trio-reader-task", "asyncio-protocol"):
        assert f"| {shape} |" in result.stdout


def test_loop_floor_many_tasks_smoke() -> None:
    # the shapes with a writer task and many callers (hztrio with operations in flight)
    result = _run("benchmarks.loop_floor", "--smoke", "--tasks", "16")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "16 round trips in flight" in result.stdout
    for shape in ("trio-reader-task", "asyncio-protocol"):
        assert f"| {shape} |" in result.stdout
    assert "trio-one-task" not in result.stdout


def test_one_task_layers_smoke() -> None:
    result = _run(
        "benchmarks.profile_hztrio",
        "--layers",
        "--backend",
        "trio",
        "--calls",
        "50",
        "--rounds",
        "1",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "proxy (Map.get): " in result.stdout
    assert "invoke: " in result.stdout


def test_bytecodes_smoke() -> None:
    result = _run(
        "benchmarks.profile_hztrio",
        "--bytecodes",
        "--scenario",
        "map-16",
        "--backend",
        "trio",
        "--ops",
        "64",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "calls per operation (64 operations, 16 in flight)" in result.stdout
    assert "  hztrio " in result.stdout
