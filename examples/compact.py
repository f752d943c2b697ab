"""Your own classes, serialized with Compact: no code on the members, queryable fields.

python examples/compact.py [--address HOST:PORT] [--cluster-name NAME]
"""

from __future__ import annotations

import dataclasses

import trio
from _member import arguments, connected_client

from hztrio.predicate import greater
from hztrio.serialization.api import CompactReader, CompactSerializer, CompactWriter


@dataclasses.dataclass
class Employee:
    name: str
    age: int


class EmployeeSerializer(CompactSerializer[Employee]):
    def read(self, reader: CompactReader) -> Employee:
        return Employee(reader.read_string("name") or "", reader.read_int32("age"))

    def write(self, writer: CompactWriter, obj: Employee) -> None:
        writer.write_string("name", obj.name)
        writer.write_int32("age", obj.age)

    def get_class(self) -> type[Employee]:
        return Employee

    def get_type_name(self) -> str:
        return "example.Employee"  # the name other clients (Java, …) use for this type


async def main() -> None:
    args = arguments(__doc__)
    async with connected_client(args, compact_serializers=[EmployeeSerializer()]) as client:
        staff = await client.get_map("example-staff")
        await staff.clear()
        await staff.put(1, Employee("Alice", 34))
        await staff.put(2, Employee("Bob", 27))
        print("employee 1:", await staff.get(1))
        # the member reads the "age" field itself: the schema was sent with the first put
        print("over 30:", await staff.values(greater("age", 30)))
        await staff.destroy()


if __name__ == "__main__":
    trio.run(main)
