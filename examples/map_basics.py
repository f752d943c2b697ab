"""Map basics under Trio: single-key calls, TTL, bulk calls and iteration.

python examples/map_basics.py [--address HOST:PORT] [--cluster-name NAME]
"""

from __future__ import annotations

import trio
from _member import arguments, connected_client


async def main() -> None:
    args = arguments(__doc__)
    async with connected_client(args) as client:
        capitals = await client.get_map("example-capitals")
        await capitals.clear()

        # single keys: every call is an await, routed to the member owning the key
        await capitals.put("France", "Paris")
        previous = await capitals.put("France", "Paris, again")
        print("previous value:", previous)
        await capitals.set("Italy", "Rome")  # like put, without returning the old value
        print("absent:", await capitals.put_if_absent("Italy", "Milan"))
        print("Italy:", await capitals.get("Italy"))
        print("has Spain?", await capitals.contains_key("Spain"))

        # an entry that expires: ttl in seconds
        await capitals.put("Atlantis", "Poseidonis", ttl=1)
        await trio.sleep(1.5)
        if await capitals.get("Atlantis") is None:
            print("Atlantis expired")

        # bulk calls: one request per member, not one per key
        await capitals.put_all({"Spain": "Madrid", "Portugal": "Lisbon", "Greece": "Athens"})
        print("some:", await capitals.get_all(["Spain", "Greece", "Narnia"]))
        print("size:", await capitals.size())
        for country, capital in sorted(await capitals.entry_set()):
            print(f"  {country}: {capital}")

        # many calls at once: start tasks; the client batches their requests
        async with trio.open_nursery() as nursery:
            for i in range(100):
                nursery.start_soon(capitals.set, f"city-{i}", i)
        print("after 100 concurrent sets:", await capitals.size())
        await capitals.destroy()


if __name__ == "__main__":
    trio.run(main)
