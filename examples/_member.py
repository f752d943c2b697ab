"""What every example shares: its command line and a member to talk to.

Each example takes ``--address`` (default 127.0.0.1:5701) and ``--cluster-name`` (default
"dev"). If no member answers at the address, a local one is started for the run (the
Hazelcast jar is fetched with Maven on first use; Java 17 must be installed).
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import hztrio
from hztrio.demo import DEFAULT_ADDRESS, local_member


def arguments(description: str | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--address", default=DEFAULT_ADDRESS, help="member (host:port)")
    parser.add_argument("--cluster-name", default="dev")
    return parser.parse_args()


@contextlib.asynccontextmanager
async def connected_client(
    args: argparse.Namespace, **options: Any
) -> AsyncIterator[hztrio.HazelcastClient]:
    """A started client of the member the command line names (started here if needed)."""
    async with local_member(args.address, args.cluster_name) as address:
        async with hztrio.HazelcastClient(
            cluster_name=args.cluster_name, cluster_members=[address], **options
        ) as client:
            yield client
