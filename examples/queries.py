"""Queries run on the members: predicates, indexes, aggregations, projections, paging.

python examples/queries.py [--address HOST:PORT] [--cluster-name NAME]
"""

from __future__ import annotations

import trio
from _member import arguments, connected_client

from hztrio import HazelcastJsonValue
from hztrio.aggregator import count, int_avg, max_by
from hztrio.config import IndexType
from hztrio.predicate import and_, between, equal, greater, paging, sql
from hztrio.projection import multi_attribute, single_attribute

PEOPLE = [
    ("alice", "IT", 34, True),
    ("bob", "IT", 27, False),
    ("clark", "Sales", 45, True),
    ("denise", "Sales", 29, True),
    ("erwing", "HR", 52, False),
    ("faith", "IT", 23, True),
]


async def main() -> None:
    args = arguments(__doc__)
    async with connected_client(args) as client:
        people = await client.get_map("example-people")
        await people.clear()
        await people.add_index(["age"])  # a sorted index: range queries
        await people.add_index(["department"], IndexType.HASH)  # equality
        # JSON values can be queried by their fields, with no class on the members
        await people.put_all(
            {
                name: HazelcastJsonValue(
                    {"name": name, "department": dept, "age": age, "active": active}
                )
                for name, dept, age, active in PEOPLE
            }
        )

        young_and_active = await people.key_set(sql("active AND age < 30"))
        print("active and under 30:", sorted(young_and_active))
        it_over_25 = and_(equal("department", "IT"), greater("age", 25))
        print("IT, over 25:", sorted(await people.key_set(it_over_25)))
        print("ages 25-35:", sorted(await people.key_set(between("age", 25, 35))))

        print("people:", await people.aggregate(count()))
        print(
            "average age in Sales:",
            await people.aggregate(int_avg("age"), equal("department", "Sales")),
        )
        name, person = await people.aggregate(max_by("age"))  # the entry: (key, value)
        print("oldest:", name, person.loads()["age"])
        print("names:", sorted(await people.project(single_attribute("name"))))
        print(
            "IT (name, age):",
            sorted(await people.project(multi_attribute("name", "age"), equal("department", "IT"))),
        )

        # a page at a time, in key order
        pages = paging(None, page_size=4)
        first = await people.key_set(pages)
        pages.next_page()
        second = await people.key_set(pages)
        print("page 1:", first, "page 2:", second)
        await people.destroy()


if __name__ == "__main__":
    trio.run(main)
