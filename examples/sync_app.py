"""The blocking client (hztrio.sync): no event loop in your code, threads welcome.

python examples/sync_app.py [--address HOST:PORT] [--cluster-name NAME]
"""

from __future__ import annotations

import threading

from _member import arguments

import hztrio.sync
from hztrio.demo import local_member_sync
from hztrio.predicate import greater_or_equal


def main() -> None:
    args = arguments(__doc__)
    with (
        local_member_sync(args.address, args.cluster_name) as address,
        hztrio.sync.HazelcastClient(
            cluster_name=args.cluster_name, cluster_members=[address]
        ) as client,
    ):
        stock = client.get_map("example-stock")
        stock.clear()
        stock.put_all({"apples": 10, "pears": 4, "plums": 0})
        print("in stock:", sorted(stock.key_set(greater_or_equal("this", 1))))

        # Threads share the client. Each thread is one Hazelcast "thread": the lock a thread
        # takes is its own until it unlocks it, so these read-modify-writes never collide.
        def sell(fruit: str, count: int) -> None:
            for _ in range(count):
                stock.lock(fruit)
                try:
                    stock.set(fruit, stock.get(fruit) - 1)
                finally:
                    stock.unlock(fruit)

        sellers = [threading.Thread(target=sell, args=("apples", 2)) for _ in range(4)]
        for seller in sellers:
            seller.start()
        for seller in sellers:
            seller.join()
        print("apples left after 4 threads sold 2 each:", stock.get("apples"))

        # Events: a blocking iterator, with a timeout when you want one
        with stock.entry_events(include_value=True) as events:
            stock.put("plums", 12)
            event = events.next_event(timeout=10)
            print(f"event: {event.event_type.name} {event.key} -> {event.value}")
    print("client is shut down")


if __name__ == "__main__":
    main()
