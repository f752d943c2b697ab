"""The README demo: the seed's personnel-map example, run twice.

``python -m hztrio.demo`` connects to a member at 127.0.0.1:5701 (cluster "dev"). If
nothing answers there it starts a local member first (fetching the Hazelcast jar with Maven
on first use; Java 17 must be installed) and stops it at the end.

The first run puts the IT personnel into the cluster-wide ``personnel-map`` and prints
everybody; the second run, a new client, adds the Sales personnel and prints all six —
the map lives in the cluster, not in the client.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
import sys
from collections.abc import AsyncIterator, Iterator

import anyio

import hztrio

DEFAULT_ADDRESS = "127.0.0.1:5701"


def _answers(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


@contextlib.asynccontextmanager
async def local_member(address: str, cluster_name: str) -> AsyncIterator[str]:
    """The address of a member to use: *address* if something answers there, else that of a
    local member started for the block (and stopped after it). Used by the examples too."""
    if _answers(address):
        print(f"Using the member at {address}")
        yield address
        return
    from hztrio.testing import start_cluster

    print(f"No member answers at {address}: starting a local Hazelcast member...")
    async with start_cluster(1, cluster_name=cluster_name) as cluster:
        member_address = cluster.addresses[0]
        print(f"Started Hazelcast {cluster.version} at {member_address}")
        yield member_address
    print("Stopped the local member")


@contextlib.contextmanager
def local_member_sync(address: str, cluster_name: str) -> Iterator[str]:
    """:func:`local_member` for blocking code (the ``hztrio.sync`` example)."""
    if _answers(address):
        print(f"Using the member at {address}")
        yield address
        return
    from hztrio.testing import start_cluster_sync

    print(f"No member answers at {address}: starting a local Hazelcast member...")
    with start_cluster_sync(1, cluster_name=cluster_name) as cluster:
        member_address = cluster.addresses[0]
        print(f"Started Hazelcast {cluster.version} at {member_address}")
        yield member_address
    print("Stopped the local member")


async def add_personnel(
    address: str, cluster_name: str, department: str, people: list[str]
) -> None:
    """One run of the seed example: a client of its own adds people and prints everybody."""
    async with hztrio.HazelcastClient(
        cluster_name=cluster_name, cluster_members=[address]
    ) as client:
        personnel_map = await client.get_map("personnel-map")
        for person in people:
            await personnel_map.put(person, department)
        print(f"Added {department} personnel. Printing all known personnel")
        for person, dept in await personnel_map.entry_set():
            print(f"{person} is in {dept} department")


async def run(address: str, cluster_name: str) -> None:
    async with local_member(address, cluster_name) as member_address:
        await add_personnel(member_address, cluster_name, "IT", ["Alice", "Bob", "Clark"])
        print()
        await add_personnel(member_address, cluster_name, "Sales", ["Denise", "Erwing", "Faith"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m hztrio.demo", description=__doc__)
    parser.add_argument("--address", default=DEFAULT_ADDRESS, help="member to use (host:port)")
    parser.add_argument("--cluster-name", default="dev")
    parser.add_argument("--backend", choices=("trio", "asyncio"), default="trio")
    parser.add_argument("-v", "--verbose", action="store_true", help="show the client's log")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    anyio.run(run, args.address, args.cluster_name, backend=args.backend)


if __name__ == "__main__":
    main()
