"""Every serialization kind through a real member, and with Java on the other side.

The member runs with the classes of ``hztrio/testing/java`` on its classpath: the seed's
Address (IdentifiedDataSerializable), Foo and a KitchenSink (Portable), Inner and Sink
(Compact), Musician (custom serializer) and a global serializer, all registered in its config,
and ``SerializationHelper``, which listens on a loopback port and answers:

- ``DESCRIBE``: the Java class of a map value as the member reads it, and its exact rendering
  (``serialization_samples.jrender`` computes the same text from the Python value);
- ``SAMPLES``: Java writes its sample values (``serialization_samples.JAVA_SAMPLES`` holds the
  Python values hztrio must read);
- ``ECHO``: Java reads a value and writes it back with its own serializers.

Employee (Portable, factory 2) is registered nowhere on the member: queries on it run on the
Portable bytes alone.
"""

from __future__ import annotations

import datetime
import decimal
import re
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import pytest

import hztrio.testing
from hztrio import HazelcastClient, HazelcastJsonValue
from hztrio.config import IntType
from hztrio.core import (
    BooleanArray,
    CharArray,
    DoubleArray,
    FloatArray,
    IntArray,
    LongArray,
    ShortArray,
    StringArray,
)
from hztrio.errors import HazelcastSerializationError, SchemaNotFoundError
from hztrio.predicate import sql
from hztrio.serialization import Data, SerializationService
from hztrio.serialization.api import Portable, PortableReader, PortableWriter
from hztrio.testing import Cluster, compile_java, start_cluster_sync
from tests.conftest import client_options, unique, wait_until
from tests.integration.serialization_samples import (
    JAVA_SAMPLES,
    Address,
    Employee,
    Foo,
    GlobalSerializer,
    Inner,
    InnerSerializer,
    KitchenSink,
    Musician,
    MusicianSerializer,
    PyOnly,
    PyOnlySerializer,
    Sink,
    SinkSerializer,
    Tagged,
    jrender,
)

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

JAVA_SOURCES = sorted((Path(hztrio.testing.__file__).parent / "java").glob("*.java"))
MEMBER_CONFIG = """
<serialization>
    <data-serializable-factories>
        <data-serializable-factory factory-id="1">
            hztrio.testing.IdsSamples$Factory
        </data-serializable-factory>
    </data-serializable-factories>
    <portable-factories>
        <portable-factory factory-id="1">hztrio.testing.PortableSamples$Factory</portable-factory>
    </portable-factories>
    <serializers>
        <global-serializer>hztrio.testing.CustomSamples$GlobalSerializer</global-serializer>
        <serializer type-class="hztrio.testing.CustomSamples$Musician"
                    class-name="hztrio.testing.CustomSamples$MusicianSerializer"/>
    </serializers>
    <compact-serialization>
        <serializers>
            <serializer>hztrio.testing.CompactSamples$InnerSerializer</serializer>
            <serializer>hztrio.testing.CompactSamples$SinkSerializer</serializer>
        </serializers>
    </compact-serialization>
</serialization>
<listeners>
    <listener>hztrio.testing.SerializationHelper</listener>
</listeners>
"""
_PORT_RE = re.compile(r"HZTRIO-HELPER-PORT (\d+)")


class JavaMember:
    """The member with the Java test classes, and a client of its helper."""

    def __init__(self, cluster: Cluster, port: int) -> None:
        self.cluster = cluster
        self.port = port

    async def call(self, *command: str) -> list[str]:
        async with await anyio.connect_tcp("127.0.0.1", self.port) as stream:
            await stream.send(("\t".join(command) + "\n").encode())
            answer = b""
            with anyio.fail_after(30):
                while not answer.endswith(b"\n"):
                    answer += await stream.receive()
        parts = answer.decode().rstrip("\n").split("\t")
        assert parts[0] == "OK", f"the Java helper failed: {parts}"
        return parts[1:]

    async def describe(self, map_name: str, key: str) -> tuple[str, str]:
        java_class, rendering = await self.call("DESCRIBE", map_name, key)
        return java_class, rendering


@pytest.fixture(scope="module")
def java_member() -> Iterator[JavaMember]:
    classes = compile_java(JAVA_SOURCES)
    with start_cluster_sync(1, classpath=[classes], extra_config=MEMBER_CONFIG) as cluster:
        member = cluster.members[0]
        deadline = time.monotonic() + 30
        while (match := _PORT_RE.search(member.read_log())) is None:
            assert time.monotonic() < deadline, "the Java helper did not start"
            time.sleep(0.05)  # a sync fixture: no event loop to wait in
        yield JavaMember(cluster, int(match.group(1)))


def options(java_member: JavaMember, **overrides: Any) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "data_serializable_factories": {1: {1: Address}},
        "portable_factories": {1: {1: Foo, 2: KitchenSink}, 2: {1: Employee}},
        "compact_serializers": [InnerSerializer(), SinkSerializer(), PyOnlySerializer()],
        "custom_serializers": {Musician: MusicianSerializer},
        "global_serializer": GlobalSerializer,
    }
    settings.update(overrides)
    return client_options(java_member.cluster, **settings)


@pytest.fixture
async def client(java_member: JavaMember) -> AsyncIterator[HazelcastClient]:
    async with HazelcastClient(**options(java_member)) as c:
        yield c


# -- built-in types -----------------------------------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")

#: (Python value, Java class the member reads)
BUILTINS: list[tuple[Any, str]] = [
    (True, "java.lang.Boolean"),
    (False, "java.lang.Boolean"),
    (2**31 - 1, "java.lang.Integer"),
    (-(2**31), "java.lang.Integer"),
    (0.1, "java.lang.Double"),
    (-0.0, "java.lang.Double"),
    ("héllo wörld ☃ 😀 \x00", "java.lang.String"),
    ("", "java.lang.String"),
    (b"\x01\xfe\x7f\x80", "[B"),
    (bytearray(b"\x00\xff"), "[B"),
    (uuid.UUID("1862c7d2-f89c-4151-981d-07a6287089d3"), "java.util.UUID"),
    ([1, "a", None, 2.5, True, [2, ["x"]]], "java.util.ArrayList"),
    ([], "java.util.ArrayList"),
    (BooleanArray([True, False, True]), "[Z"),
    (CharArray(["a", "€"]), "[C"),
    (ShortArray([1, -1, 32767, -32768]), "[S"),
    (IntArray([1, -1, 2**31 - 1]), "[I"),
    (LongArray([2**63 - 1, -(2**63)]), "[J"),
    (FloatArray([0.5, -0.25, 2.0**100]), "[F"),
    (DoubleArray([1e300, -0.0, 5e-324]), "[D"),
    (StringArray(["a", None, "😀"]), "[Ljava.lang.String;"),
    (decimal.Decimal("-123.4500"), "java.math.BigDecimal"),
    (decimal.Decimal("1E+3"), "java.math.BigDecimal"),
    (decimal.Decimal("12345678901234567890.123456789"), "java.math.BigDecimal"),
    (datetime.date(2024, 2, 29), "java.time.LocalDate"),
    (datetime.time(13, 45, 59, 123456), "java.time.LocalTime"),
    (datetime.datetime(2024, 2, 29, 13, 45, 59, 123456), "java.time.LocalDateTime"),
    (
        datetime.datetime(
            2024, 2, 29, 13, 45, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))
        ),
        "java.time.OffsetDateTime",
    ),
    (datetime.datetime(2024, 7, 1, 12, tzinfo=PARIS), "java.time.OffsetDateTime"),
    (datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC), "java.time.OffsetDateTime"),
    (HazelcastJsonValue('{"a": [1, 2], "b": "ü"}'), "com.hazelcast.core.HazelcastJsonValue"),
    (HazelcastJsonValue({"name": "Alice", "age": 30}), "com.hazelcast.core.HazelcastJsonValue"),
]

#: (default_int_type, Python int, Java class)
INTS: list[tuple[IntType, int, str]] = [
    (IntType.BYTE, -128, "java.lang.Byte"),
    (IntType.SHORT, 32767, "java.lang.Short"),
    (IntType.LONG, 5, "java.lang.Long"),
    (IntType.BIG_INT, 5, "java.math.BigInteger"),
    (IntType.VAR, -7, "java.lang.Byte"),
    (IntType.VAR, 300, "java.lang.Short"),
    (IntType.VAR, 70000, "java.lang.Integer"),
    (IntType.VAR, 2**40, "java.lang.Long"),
    (IntType.VAR, 2**70, "java.math.BigInteger"),
    (IntType.VAR, -(2**80) - 1, "java.math.BigInteger"),
]


def _same(a: Any, b: Any) -> bool:
    return (bool(a == b) and type(a) is type(b)) or (
        isinstance(a, bytes | bytearray) and isinstance(b, bytes) and bytes(a) == b
    )


async def test_builtin_types_round_trip_and_java_reads_them(
    client: HazelcastClient, java_member: JavaMember
) -> None:
    m = await client.get_map(unique("builtins"))
    problems = []
    for i, (value, java_class) in enumerate(BUILTINS):
        key = f"k{i}"
        await m.put(key, value)
        back = await m.get(key)
        if not _same(value, back):
            problems.append(f"round trip of {value!r} gave {back!r}")
        got_class, rendering = await java_member.describe(m.name, key)
        if (got_class, rendering) != (java_class, jrender(value)):
            problems.append(
                f"{value!r}: Java read {got_class} {rendering}, expected {java_class} "
                f"{jrender(value)}"
            )
    for int_type, number, java_class in INTS:
        key = f"int-{int_type.name}-{number}"
        data = SerializationService(default_int_type=int_type).to_data(number)
        await m.put(key, data)  # the bytes a client with that default_int_type sends
        assert await m.get(key) == number
        got = await java_member.describe(m.name, key)
        if got != (java_class, str(number)):
            problems.append(f"{number} as {int_type.name}: Java read {got}")
    # values beyond 64 bits with a client configured so
    async with HazelcastClient(**options(java_member, default_int_type=IntType.VAR)) as var_client:
        var_map = await var_client.get_map(m.name)
        await var_map.put("big", -(2**100))
        assert await var_map.get("big") == -(2**100)
        assert await java_member.describe(m.name, "big") == (
            "java.math.BigInteger",
            str(-(2**100)),
        )
    assert not problems, "\n".join(problems)


async def test_java_values_are_read_as_the_expected_python_values(
    client: HazelcastClient, java_member: JavaMember
) -> None:
    name = unique("java-samples")
    count = int((await java_member.call("SAMPLES", name))[0])
    m = await client.get_map(name)
    assert count == len(JAVA_SAMPLES)
    problems = []
    for key, expected in JAVA_SAMPLES.items():
        value = await m.get(key)
        if not (value == expected and type(value) is type(expected)):
            problems.append(
                f"{key}: read {value!r} ({type(value).__name__}), expected {expected!r}"
            )
    assert not problems, "\n".join(problems)
    # and put back unchanged, Java reads what it wrote
    for key in ("localtime", "kitchensink", "sink", "address", "strings", "offsetdatetime"):
        await m.put(f"back-{key}", await m.get(key))
        original = await java_member.describe(name, key)
        again = await java_member.describe(name, f"back-{key}")
        if key == "localtime":  # Python keeps microseconds: 123456789 ns -> 123456000 ns
            assert again == ("java.time.LocalTime", "time:13:45:59.123456000")
        else:
            assert again == original


# -- IdentifiedDataSerializable -------------------------------------------------------------------


async def test_identified_data_serializable_both_ways(
    client: HazelcastClient, java_member: JavaMember
) -> None:
    m = await client.get_map(unique("ids"))
    address = Address("Baker Street ☃", 221, "London", None)
    await m.put("a", address)
    assert await m.get("a") == address
    assert await java_member.describe(m.name, "a") == (
        "hztrio.testing.IdsSamples$Address",
        address.render_java(),
    )
    # nested in a list, next to built-ins
    await m.put("list", [address, 1, Address("x", 2, "y", "z")])
    assert await m.get("list") == [address, 1, Address("x", 2, "y", "z")]
    # Java writes, hztrio reads
    await java_member.call("ECHO", m.name, "a", "echo")
    assert await m.get("echo") == address
    # writing needs no factory; reading does, and says which
    async with HazelcastClient(**options(java_member, data_serializable_factories={})) as bare:
        bare_map = await bare.get_map(m.name)
        await bare_map.put("b", Address("Elm", 1, "Town", "ST"))
        assert await java_member.describe(m.name, "b") == (
            "hztrio.testing.IdsSamples$Address",
            Address("Elm", 1, "Town", "ST").render_java(),
        )
        with pytest.raises(HazelcastSerializationError, match="factory id 1"):
            await bare_map.get("b")
    assert await m.get("b") == Address("Elm", 1, "Town", "ST")


# -- Portable -------------------------------------------------------------------------------------


async def test_portable_both_ways(client: HazelcastClient, java_member: JavaMember) -> None:
    m = await client.get_map(unique("portable"))
    foo = Foo("héllo")
    sink = KitchenSink.sample()
    await m.put("foo", foo)
    await m.put("sink", sink)
    assert await m.get("foo") == foo
    assert await m.get("sink") == sink
    assert await java_member.describe(m.name, "foo") == (
        "hztrio.testing.PortableSamples$Foo",
        foo.render_java(),
    )
    assert await java_member.describe(m.name, "sink") == (
        "hztrio.testing.PortableSamples$KitchenSink",
        sink.render_java(),
    )
    await java_member.call("ECHO", m.name, "sink", "echo")
    assert await m.get("echo") == sink
    # nested and array fields, None values
    empty = KitchenSink.sample()
    empty.values.update(
        {"foo": None, "foos": [], "str": None, "dec": None, "time": None, "bytes": None}
    )
    await m.put("empty", empty)
    assert await m.get("empty") == empty
    assert await java_member.describe(m.name, "empty") == (
        "hztrio.testing.PortableSamples$KitchenSink",
        empty.render_java(),
    )


async def test_portable_query_on_the_member_without_the_class(
    client: HazelcastClient, java_member: JavaMember
) -> None:
    m = await client.get_map(unique("employees"))
    staff = {
        "alice": Employee("Alice", 25, True),
        "bob": Employee("Bob", 35, True),
        "carol": Employee("Carol", 22, False),
        "dave": Employee("Dave", 29, True),
    }
    await m.put_all(staff)
    young_and_active = await m.values(sql("active AND age < 30"))
    assert sorted(e.name for e in young_and_active) == ["Alice", "Dave"]
    assert sorted(await m.key_set(sql("age >= 29"))) == ["bob", "dave"]
    # the member holds no Employee class: it reads a generic record of the same fields
    java_class, rendering = await java_member.describe(m.name, "alice")
    assert "GenericRecord" in java_class
    assert rendering == staff["alice"].render_java()
    # an Employee written on the member side, without the class, is read by hztrio
    name = unique("java-employee")
    await java_member.call("SAMPLES", name)
    assert await (await client.get_map(name)).get("employee") == Employee("java-emp", 28, True)


def _versioned(version: int | None, fields: dict[str, str]) -> type[Portable]:
    """A Portable class of factory 3, class 1 with the given fields (name -> "utf"/"int")."""

    class VersionedFoo(Portable):
        def __init__(self, **values: Any) -> None:
            self.values = values

        def get_factory_id(self) -> int:
            return 3

        def get_class_id(self) -> int:
            return 1

        def write_portable(self, writer: PortableWriter) -> None:
            for name, kind in fields.items():
                getattr(writer, f"write_{kind}")(name, self.values.get(name))

        def read_portable(self, reader: PortableReader) -> None:
            self.values = {n: getattr(reader, f"read_{k}")(n) for n, k in fields.items()}

    if version is not None:
        VersionedFoo.get_class_version = lambda self: version  # type: ignore[attr-defined]
    return VersionedFoo


async def test_portable_versioning_scenarios_of_the_seed(java_member: JavaMember) -> None:
    v1 = _versioned(1, {"foo": "utf"})
    v2 = _versioned(2, {"foo": "utf", "foo2": "utf"})  # a field added
    v3 = _versioned(3, {"foo2": "utf"})  # a field removed
    v4 = _versioned(4, {"foo": "int"})  # an incompatible type change
    name = unique("versions")

    def opts(cls: type[Portable]) -> dict[str, Any]:
        return options(java_member, portable_factories={3: {1: cls}})

    async with (
        HazelcastClient(**opts(v1)) as c1,
        HazelcastClient(**opts(v2)) as c2,
        HazelcastClient(**opts(v3)) as c3,
        HazelcastClient(**opts(v4)) as c4,
    ):
        m1, m2, m3, m4 = [await c.get_map(name) for c in (c1, c2, c3, c4)]
        await m1.put("v1", v1(foo="one"))
        await m2.put("v2", v2(foo="two", foo2="deux"))
        await m3.put("v3", v3(foo2="trois"))
        await m4.put("v4", v4(foo=4))
        # not modified: as usual
        assert (await m1.get("v1")).values == {"foo": "one"}
        # a field added: the new class reads None for it in old data
        assert (await m2.get("v1")).values == {"foo": "one", "foo2": None}
        # ... and the old class reads new data, without the new field
        assert (await m1.get("v2")).values == {"foo": "two"}
        # a field removed: clients with the field read None from the new data
        assert (await m2.get("v3")).values == {"foo": None, "foo2": "trois"}
        assert (await m1.get("v3")).values == {"foo": None}
        # an incompatible type change fails both ways, with a clear error
        with pytest.raises(HazelcastSerializationError, match="incompatible class change"):
            await m1.get("v4")
        with pytest.raises(HazelcastSerializationError, match="incompatible class change"):
            await m4.get("v1")
        # and the connection is fine
        assert (await m4.get("v4")).values == {"foo": 4}


# -- Compact --------------------------------------------------------------------------------------


async def test_compact_both_ways_with_schemas_never_seen(java_member: JavaMember) -> None:
    name = unique("compact")
    py_only = PyOnly("py", 5, True, [1, 2, 3], datetime.date(2020, 1, 2), None, Inner("c", 9))
    async with HazelcastClient(**options(java_member)) as writer:
        m = await writer.get_map(name)
        sink = Sink.sample()
        await m.put("sink", sink)
        await m.put("py", py_only)
        await m.put("list", [Inner("in a list", 1), py_only])
        assert await m.get("sink") == sink
        # Java reads with its own serializer ...
        assert await java_member.describe(name, "sink") == (
            "hztrio.testing.CompactSamples$Sink",
            sink.render_java(),
        )
        # ... or, for a type it has no class for, as a generic record of the schema it was sent
        java_class, rendering = await java_member.describe(name, "py")
        assert "GenericRecord" in java_class or "CompactRecord" in java_class, java_class
        assert rendering == py_only.render_java()
        await java_member.call("ECHO", name, "sink", "echo")
        assert await m.get("echo") == sink
    await java_member.call("SAMPLES", name)
    # a client that has never seen these schemas fetches them
    async with HazelcastClient(**options(java_member)) as reader:
        registry = reader._serialization.compact_schemas
        assert registry.all() == []
        m = await reader.get_map(name)
        assert await m.get("sink") == Sink.sample()  # written by Java
        assert await m.get("inner") == Inner("java", 7)
        assert await m.get("py") == py_only  # written by the other client
        assert await m.get("list") == [Inner("in a list", 1), py_only]
        assert {s.type_name for s in registry.all()} == {"Sink", "Inner", "PyOnly"}
        assert not registry.has_pending  # fetched schemas are the cluster's
        values = await m.values()
        assert Sink.sample() in values


async def test_compact_schemas_are_sent_again_to_a_restarted_cluster(
    hazelcast_cluster_factory: Any,
) -> None:
    async with hazelcast_cluster_factory(1) as cluster:
        settings = client_options(
            cluster,
            compact_serializers=[InnerSerializer()],
            cluster_connect_timeout=120,
            retry_initial_backoff=0.2,
        )
        async with HazelcastClient(**settings) as client:
            m = await client.get_map("restart")
            await m.put("before", Inner("before", 1))
            registry = client._serialization.compact_schemas
            assert not registry.has_pending
            old_cluster = client._connections.cluster_id
            await cluster.members[0].restart()
            await wait_until(
                lambda: client._connections.cluster_id not in (None, old_cluster), within=60
            )
            # sent again in the background, before anything else needs them
            await wait_until(lambda: not registry.has_pending, within=30)
            async with HazelcastClient(**settings) as fresh:
                fresh_map = await fresh.get_map("restart")
                await m.put("after", Inner("after", 2))
                assert await fresh_map.get("after") == Inner("after", 2)
                assert (
                    fresh._serialization.compact_schemas.get(registry.all()[0].schema_id)
                    is not None
                )


# -- custom, global, pickle -----------------------------------------------------------------------


async def test_custom_and_global_serializers_both_ways(
    client: HazelcastClient, java_member: JavaMember
) -> None:
    m = await client.get_map(unique("custom"))
    await m.put("musician", Musician("Brian"))
    await m.put("tagged", Tagged("from python"))
    assert await m.get("musician") == Musician("Brian")
    assert await m.get("tagged") == Tagged("from python")
    assert await java_member.describe(m.name, "musician") == (
        "hztrio.testing.CustomSamples$Musician",
        Musician("Brian").render_java(),
    )
    assert await java_member.describe(m.name, "tagged") == (
        "hztrio.testing.CustomSamples$Tagged",
        Tagged("from python").render_java(),
    )
    # the global serializer takes any class without another serializer
    await m.put("other", {"not": "serializable otherwise"})
    assert await m.get("other") == Tagged("{'not': 'serializable otherwise'}")


class Unregistered:
    def __init__(self, x: int) -> None:
        self.x = x

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unregistered) and other.x == self.x


async def test_pickle_only_with_the_opt_in(java_member: JavaMember) -> None:
    name = unique("pickle")
    async with HazelcastClient(**options(java_member, global_serializer=None)) as safe:
        m = await safe.get_map(name)
        with pytest.raises(HazelcastSerializationError) as info:
            await m.put("k", Unregistered(1))
        message = str(info.value)
        for hint in ("Unregistered", "IdentifiedDataSerializable", "custom_serializers"):
            assert hint in message
        assert "allow_pickle=True" in message
        async with HazelcastClient(
            **options(java_member, global_serializer=None, allow_pickle=True)
        ) as trusting:
            pickled = await trusting.get_map(name)
            await pickled.put("k", Unregistered(2))
            assert await pickled.get("k") == Unregistered(2)
        with pytest.raises(HazelcastSerializationError, match="allow_pickle"):
            await m.get("k")
        assert await m.size() == 1


# -- bad input ------------------------------------------------------------------------------------


def _header(type_id: int) -> bytes:
    return bytes(4) + type_id.to_bytes(4, "big", signed=True)


async def test_bad_input_raises_and_the_connection_stays_usable(
    java_member: JavaMember,
) -> None:
    async with HazelcastClient(**options(java_member, global_serializer=None)) as client:
        await _bad_input(client)


async def _bad_input(client: HazelcastClient) -> None:
    m = await client.get_map(unique("bad"))
    connections = dict(client._connections.active)
    await m.put("good", "value")

    async def still_fine() -> None:
        assert await m.get("good") == "value"
        assert dict(client._connections.active) == connections

    with pytest.raises(HazelcastSerializationError, match=r"no serializer for .*Unregistered"):
        await m.put("k", [Unregistered(1)])
    await still_fine()
    bad: list[tuple[str, bytes, type[Exception], str]] = [
        ("factory", _ids(99, 1), HazelcastSerializationError, "factory id 99"),
        ("class", _ids(1, 42), HazelcastSerializationError, "has no class id 42"),
        ("portable", _header(-1) + _int(7) + _int(1), HazelcastSerializationError, "factory id 7"),
        ("type", _header(4242) + b"xyz", HazelcastSerializationError, "type id 4242"),
        ("length", _header(-11) + _int(1000) + b"abc", HazelcastSerializationError, "truncated"),
        ("utf8", _header(-11) + _int(2) + b"\xff\xfe", HazelcastSerializationError, "UTF-8"),
        ("schema", _header(-55) + bytes(16), SchemaNotFoundError, "unknown to this client and"),
    ]
    for key, raw, error, message in bad:
        await m.put(key, Data(raw))
        with pytest.raises(error, match=message):
            await m.get(key)
        await still_fine()
    # a bulk read that meets one of them fails as a whole, cleanly
    with pytest.raises(HazelcastSerializationError):
        await m.values()
    await still_fine()


def _int(value: int) -> bytes:
    return value.to_bytes(4, "big", signed=True)


def _ids(factory_id: int, class_id: int) -> bytes:
    return _header(-2) + b"\x01" + _int(factory_id) + _int(class_id)
