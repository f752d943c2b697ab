"""A work queue shared by tasks, ids from a Flake ID generator, a PN counter of work done,
and a transaction that moves stock between two maps atomically.

python examples/work_queue.py [--address HOST:PORT] [--cluster-name NAME]
"""

from __future__ import annotations

import trio
from _member import arguments, connected_client

from hztrio.errors import TransactionError

WORKERS = 3
JOBS = 12


async def main() -> None:
    args = arguments(__doc__)
    async with connected_client(args) as client:
        jobs = await client.get_queue("example-jobs")
        done = await client.get_pn_counter("example-jobs-done")
        ids = await client.get_flake_id_generator("example-job-ids")
        await jobs.clear()
        start = await done.get()  # the counter lives on: count from where it is

        # 1. producers and consumers are plain tasks; take() waits for the next job
        async def worker() -> None:
            while (job := await jobs.take()) != "stop":
                assert job.startswith("job-")
                await done.increment_and_get()

        async with trio.open_nursery() as nursery:
            for _ in range(WORKERS):
                nursery.start_soon(worker)
            job_ids = [await ids.new_id() for _ in range(JOBS)]
            await jobs.add_all([f"job-{job_id}" for job_id in job_ids])
            await jobs.add_all(["stop"] * WORKERS)
        print(f"unique job ids: {len(set(job_ids)) == JOBS}")
        print(f"jobs done by {WORKERS} workers: {await done.get() - start}")

        # 2. a transaction: both maps change, or neither does
        warehouse = await client.get_map("example-warehouse")
        shop = await client.get_map("example-shop")
        await warehouse.put("apples", 10)
        await shop.put("apples", 0)
        async with client.new_transaction(timeout=10) as tx:
            stock = await tx.get_map("example-warehouse").get_for_update("apples")
            assert stock is not None
            await tx.get_map("example-warehouse").put("apples", stock - 4)
            await tx.get_map("example-shop").put("apples", 4)
        left, moved = await warehouse.get("apples"), await shop.get("apples")
        print(f"after the move: warehouse {left}, shop {moved}")

        try:
            async with client.new_transaction(timeout=10) as tx:
                await tx.get_map("example-warehouse").put("apples", 0)
                raise TransactionError("changed my mind")
        except TransactionError:
            pass
        print(f"after the rollback: warehouse {await warehouse.get('apples')}")
        for structure in (jobs, warehouse, shop):
            await structure.destroy()


if __name__ == "__main__":
    trio.run(main)
