"""The same client in an asyncio program (hztrio runs on AnyIO's asyncio backend).

python examples/asyncio_app.py [--address HOST:PORT] [--cluster-name NAME]
"""

from __future__ import annotations

import asyncio

from _member import arguments, connected_client

from hztrio.errors import OperationTimeoutError


async def main() -> None:
    args = arguments(__doc__)
    # invocation_timeout: the outer limit of every call (seconds)
    async with connected_client(args, invocation_timeout=30) as client:
        scores = await client.get_map("example-scores")
        await scores.clear()

        # asyncio.gather, asyncio.timeout, tasks: all of them work as usual
        await asyncio.gather(*(scores.set(f"player-{i}", i * 10) for i in range(50)))
        async with asyncio.timeout(10):
            values = await asyncio.gather(*(scores.get(f"player-{i}") for i in range(50)))
        print("sum of 50 scores:", sum(value or 0 for value in values))

        # a caller's own deadline composes with invocation_timeout: the call stops waiting
        try:
            async with asyncio.timeout(5):
                print("player-7:", await scores.get("player-7"))
        except TimeoutError:
            print("too slow")
        except OperationTimeoutError:  # a TimeoutError too: the client's own limit
            print("the cluster did not answer within invocation_timeout")
        await scores.destroy()


if __name__ == "__main__":
    asyncio.run(main())
