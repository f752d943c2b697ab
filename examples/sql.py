"""Hazelcast SQL over a map: a mapping, a query with parameters, rows as an async iterator,
and an update.

python examples/sql.py [--address HOST:PORT] [--cluster-name NAME]
"""

from __future__ import annotations

import trio
from _member import arguments, connected_client

from hztrio import HazelcastJsonValue


async def main() -> None:
    args = arguments(__doc__)
    async with connected_client(args) as client:
        staff = await client.get_map("example_staff")
        await staff.put_all(
            {
                1: HazelcastJsonValue({"name": "alice", "age": 34, "dept": "IT"}),
                2: HazelcastJsonValue({"name": "bob", "age": 27, "dept": "Sales"}),
                3: HazelcastJsonValue({"name": "clark", "age": 45, "dept": "IT"}),
            }
        )
        # a mapping tells SQL how keys and values are laid out
        await client.sql.execute(
            """
            CREATE OR REPLACE MAPPING example_staff (
                __key INT, name VARCHAR, age INT, dept VARCHAR
            ) TYPE IMap OPTIONS ('keyFormat'='int', 'valueFormat'='json-flat')
            """
        )

        query = "SELECT name, age FROM example_staff WHERE dept = ? ORDER BY age"
        async with await client.sql.execute(query, "IT") as result:
            async for row in result:
                print(f"IT: {row['name']} ({row.get_object('age')})")

        count = "SELECT COUNT(*) AS n FROM example_staff WHERE age < ?"
        async with await client.sql.execute(count, 40) as result:
            async for row in result:
                print(f"under 40: {row['n']}")

        await client.sql.execute("DELETE FROM example_staff WHERE dept = 'Sales'")
        print(f"left after the delete: {await staff.size()}")
        await client.sql.execute("DROP MAPPING example_staff")
        await staff.destroy()


if __name__ == "__main__":
    trio.run(main)
