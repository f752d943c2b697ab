"""Events, both ways: callbacks as in the official client, and async iterators.

python examples/events.py [--address HOST:PORT] [--cluster-name NAME]
"""

from __future__ import annotations

import trio
from _member import arguments, connected_client

from hztrio import LifecycleState
from hztrio.proxy.base import EntryEvent


async def main() -> None:
    args = arguments(__doc__)

    async def on_state(state: LifecycleState) -> None:  # plain functions work too
        print("client is", state)

    async with connected_client(args, lifecycle_listeners=[on_state]) as client:
        orders = await client.get_map("example-orders")
        await orders.clear()

        # 1. callbacks: they run in a task of the client's own, never on its reader
        added = trio.Event()

        def order_added(event: EntryEvent) -> None:
            print(f"callback: {event.event_type.name} {event.key} = {event.value}")
            added.set()

        registration = await orders.add_entry_listener(include_value=True, added_func=order_added)
        await orders.put("order-1", "2 apples")
        with trio.fail_after(10):
            await added.wait()
        await orders.remove_entry_listener(registration)

        # 2. an async iterator: registered on entering the block, deregistered on leaving it
        async with orders.entry_events(include_value=True) as events:
            await orders.put("order-2", "1 pear")
            await orders.put("order-2", "3 pears")
            await orders.remove("order-1")
            with trio.fail_after(10):
                seen = 0
                async for event in events:
                    change = f"{event.old_value} -> {event.value}"
                    print(f"iterator: {event.event_type.name} {event.key}: {change}")
                    seen += 1
                    if seen == 3:
                        break

        # membership: who is in the cluster now
        for member in client.cluster_service.get_members():
            print("member:", member.address)
        await orders.destroy()


if __name__ == "__main__":
    trio.run(main)
