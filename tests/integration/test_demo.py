"""The README demo, run as users run it: a separate process that starts its own member."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

pytestmark = pytest.mark.timeout(240)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("backend", ["trio", "asyncio"])
def test_demo_prints_all_six_people(backend: str) -> None:
    # a port nobody listens on, so the demo starts (and stops) a member of its own
    address = f"127.0.0.1:{_free_port()}"
    result = subprocess.run(
        [sys.executable, "-m", "hztrio.demo", "--address", address, "--backend", backend],
        capture_output=True,
        text=True,
        timeout=200,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "starting a local Hazelcast member" in out
    first, second = out.split("Added Sales personnel. Printing all known personnel")
    assert "Added IT personnel. Printing all known personnel" in first
    it_lines = {line for line in first.splitlines() if line.endswith(" department")}
    assert it_lines == {f"{p} is in IT department" for p in ("Alice", "Bob", "Clark")}
    everyone = {line for line in second.splitlines() if line.endswith(" department")}
    assert everyone == {f"{p} is in IT department" for p in ("Alice", "Bob", "Clark")} | {
        f"{p} is in Sales department" for p in ("Denise", "Erwing", "Faith")
    }
    assert "Stopped the local member" in out
