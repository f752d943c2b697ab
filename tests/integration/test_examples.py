"""Every script in examples/ runs, as users run it, against the session's shared member."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hztrio.testing import Cluster

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: what each example must print (a line it can only print if the calls before it worked)
EXPECTED = {
    "map_basics.py": [
        "previous value: Paris",
        "Atlantis expired",
        "after 100 concurrent sets: 105",
    ],
    "asyncio_app.py": ["sum of 50 scores: 12250", "player-7: 70"],
    "queries.py": [
        "active and under 30: ['denise', 'faith']",
        "average age in Sales: 37.0",
        "oldest: erwing 52",
        "page 1: ['alice', 'bob', 'clark', 'denise'] page 2: ['erwing', 'faith']",
    ],
    "events.py": [
        "callback: ADDED order-1 = 2 apples",
        "iterator: UPDATED order-2: 1 pear -> 3 pears",
        "client is SHUTDOWN",
    ],
    "compact.py": ["over 30: [Employee(name='Alice', age=34)]"],
    "work_queue.py": [
        "unique job ids: True",
        "jobs done by 3 workers: 12",
        "after the move: warehouse 6, shop 4",
        "after the rollback: warehouse 6",
    ],
    "sql.py": ["IT: alice (34)", "IT: clark (45)", "under 40: 2", "left after the delete: 2"],
    "sync_app.py": [
        "in stock: ['apples', 'pears']",
        "apples left after 4 threads sold 2 each: 2",
        "event: UPDATED plums -> 12",
        "client is shut down",
    ],
}


def test_every_example_is_checked() -> None:
    scripts = {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert scripts == set(EXPECTED)


@pytest.mark.timeout(90)
@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_runs(script: str, hazelcast_member: Cluster) -> None:
    command = [
        sys.executable,
        str(EXAMPLES / script),
        "--address",
        hazelcast_member.addresses[0],
        "--cluster-name",
        hazelcast_member.cluster_name,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=80, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Using the member at" in result.stdout  # the shared one: no member of its own
    for line in EXPECTED[script]:
        assert line in result.stdout, result.stdout
