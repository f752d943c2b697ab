"""MurmurHash3_x86_32, partition hashes and partition ids.

The official client (``hazelcast-python-client``) is the oracle for the hash of serialized
keys; Java-derived vectors come from its tests and from protocol.md §5.1.
"""

from __future__ import annotations

import random
import struct
import uuid

import pytest
from hazelcast.config import Config
from hazelcast.hash import murmur_hash3_x86_32 as official_murmur
from hazelcast.serialization.service import SerializationServiceV1

from hztrio.serialization import (
    DEFAULT_MURMUR_SEED,
    Data,
    SerializationService,
    hash_to_index,
    murmur_hash3_x86_32,
)

PARTITIONS = 271

# (input after the Data header, hash, partition of 271) — protocol.md §5.1 (Java-derived)
JAVA_VECTORS = [
    (b"key-1", 1228513025, 107),
    (b"key-2", 1503416236, 105),
    (b"key-9", 1182720020, 140),
    (b"", -1585187909, 238),
    (b"a", -1686100800, 46),
    (b"abc", -2068121803, 208),
    (b"abcd", -973615161, 236),
]

# standard MurmurHash3_x86_32 vectors (input, seed, unsigned hash)
STANDARD_VECTORS = [
    (b"", 0, 0),
    (b"", 1, 0x514E28B7),
    (b"", 0xFFFFFFFF, 0x81F16F39),
    (b"\xff\xff\xff\xff", 0, 0x76293B50),
    (b"\x21\x43\x65\x87", 0, 0xF55B516B),
    (b"\x21\x43\x65\x87", 0x5082EDEE, 0x2362F9DE),
    (b"\x21\x43\x65", 0, 0x7E4A8634),
    (b"\x21\x43", 0, 0xA0F7B07A),
    (b"\x21", 0, 0x72661CF4),
    (b"\x00\x00\x00\x00", 0, 0x2362F9DE),
    (b"aaaa", 0x9747B28C, 0x5A97808A),
    (b"Hello, world!", 0x9747B28C, 0x24884CBA),
    (b"The quick brown fox jumps over the lazy dog", 0x9747B28C, 0x2FA826CD),
]


def signed32(value: int) -> int:
    return value - (1 << 32) if value & 0x80000000 else value


def java_hash_to_index(h: int, n: int) -> int:
    return 0 if h == -(2**31) else abs(h) % n


@pytest.fixture(scope="module")
def official() -> SerializationServiceV1:
    return SerializationServiceV1(Config())


@pytest.fixture(scope="module")
def service() -> SerializationService:
    return SerializationService()


# -- murmur_hash3_x86_32 --------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected", "partition"), JAVA_VECTORS)
def test_java_vectors(raw: bytes, expected: int, partition: int) -> None:
    assert murmur_hash3_x86_32(raw) == expected
    assert hash_to_index(murmur_hash3_x86_32(raw), PARTITIONS) == partition
    # the same bytes behind an 8-byte header, hashed from offset 8, as a Data is
    assert murmur_hash3_x86_32(b"HEADER!!" + raw, 8) == expected
    assert Data(bytes(8) + raw).get_partition_hash() == expected


@pytest.mark.parametrize(("raw", "seed", "expected"), STANDARD_VECTORS)
def test_standard_vectors_with_seed(raw: bytes, seed: int, expected: int) -> None:
    assert murmur_hash3_x86_32(raw, seed=seed) == signed32(expected)
    # a negative seed is the same 32 bits
    assert murmur_hash3_x86_32(raw, seed=signed32(seed)) == signed32(expected)


def test_default_seed() -> None:
    assert DEFAULT_MURMUR_SEED == 0x01000193
    assert murmur_hash3_x86_32(b"key-1") == murmur_hash3_x86_32(b"key-1", seed=0x01000193)


@pytest.mark.parametrize("length", [*range(0, 80), 127, 128, 129, 511, 512, 513, 514, 515, 4099])
def test_every_length_against_official(length: int) -> None:
    rng = random.Random(length)
    for _ in range(5):
        raw = rng.randbytes(length)
        # the official function hashes everything after an 8-byte header
        expected = official_murmur(bytes(8) + raw)
        assert murmur_hash3_x86_32(raw) == expected
        assert murmur_hash3_x86_32(bytes(8) + raw, 8) == expected


def test_offset_and_length_select_a_range() -> None:
    rng = random.Random(7)
    buf = rng.randbytes(200)
    for _ in range(300):
        offset = rng.randrange(0, 200)
        length = rng.randrange(0, 200 - offset + 1)
        expected = murmur_hash3_x86_32(buf[offset : offset + length])
        assert murmur_hash3_x86_32(buf, offset, length) == expected
        assert murmur_hash3_x86_32(bytearray(buf), offset, length) == expected
        assert murmur_hash3_x86_32(memoryview(buf), offset, length) == expected
        assert murmur_hash3_x86_32(memoryview(buf)[offset:], 0, length) == expected


def test_memoryview_of_other_formats() -> None:
    raw = struct.pack("<4I", 1, 2, 3, 4)
    view = memoryview(raw).cast("I")
    assert murmur_hash3_x86_32(view) == murmur_hash3_x86_32(raw)
    assert murmur_hash3_x86_32(view, 4, 8) == murmur_hash3_x86_32(raw[4:12])


@pytest.mark.parametrize(("offset", "length"), [(-1, None), (0, -1), (5, 1), (0, 6), (7, None)])
def test_bad_range_raises_value_error(offset: int, length: int | None) -> None:
    with pytest.raises(ValueError, match="outside"):
        murmur_hash3_x86_32(b"abcde", offset, length)


# -- hash_to_index ---------------------------------------------------------------------------


def test_hash_to_index_follows_java() -> None:
    assert hash_to_index(-(2**31), PARTITIONS) == 0  # the official client gives 2**31 % n
    assert hash_to_index(0, PARTITIONS) == 0
    assert hash_to_index(-5, PARTITIONS) == 5
    assert hash_to_index(2**31 - 1, PARTITIONS) == (2**31 - 1) % PARTITIONS
    assert hash_to_index(-(2**31) + 1, PARTITIONS) == (2**31 - 1) % PARTITIONS
    rng = random.Random(3)
    for _ in range(1000):
        h = rng.randrange(-(2**31), 2**31)
        n = rng.randrange(1, 2000)
        assert hash_to_index(h, n) == java_hash_to_index(h, n)
        assert 0 <= hash_to_index(h, n) < n


# -- whole Data ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "data_hex", "expected_hash", "partition"),
    [
        ("key1", "00000000fffffff5000000046b657931", 1754812034, 43),
        ("hello", None, 1985248981, 270),
        (54, "00000000fffffff900000036", 641663468, 237),
    ],
)
def test_whole_data_vectors(
    service: SerializationService,
    value: object,
    data_hex: str | None,
    expected_hash: int,
    partition: int,
) -> None:
    data = service.to_data(value)
    assert data is not None
    if data_hex is not None:
        assert data.hex() == data_hex
    assert data.get_partition_hash() == expected_hash
    assert hash_to_index(data.get_partition_hash(), PARTITIONS) == partition


def test_long_1_vector() -> None:
    from hztrio.config import IntType

    data = SerializationService(default_int_type=IntType.LONG).to_data(1)
    assert data is not None
    assert data.hex() == "00000000fffffff80000000000000001"
    assert data.get_partition_hash() == 1824103549
    assert hash_to_index(data.get_partition_hash(), PARTITIONS) == 110


def _random_keys(rng: random.Random, count: int) -> list[object]:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_:/ äöüßçñ€中文字😀"
    keys: list[object] = []
    for _ in range(count):
        kind = rng.randrange(5)
        if kind == 0:
            keys.append("".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 70))))
        elif kind == 1:
            keys.append(rng.randrange(-(2**31), 2**31))
        elif kind == 2:
            keys.append(uuid.UUID(int=rng.getrandbits(128)))
        elif kind == 3:
            keys.append(rng.random() * 1e6)
        else:
            keys.append(bytearray(rng.randbytes(rng.randrange(0, 100))))
    return keys


def test_partition_of_random_keys_matches_official(
    service: SerializationService, official: SerializationServiceV1
) -> None:
    rng = random.Random(42)
    for key in _random_keys(rng, 3000):
        ours = service.to_data(key)
        theirs = official.to_data(key)
        assert ours is not None
        assert ours == theirs.buffer
        assert ours.get_partition_hash() == theirs.get_partition_hash()
        for count in (1, 7, 271, 1009):
            assert hash_to_index(ours.get_partition_hash(), count) == java_hash_to_index(
                theirs.get_partition_hash(), count
            )


def test_header_partition_hash_wins() -> None:
    data = Data(struct.pack(">ii", 12345, -11) + struct.pack(">i", 1) + b"x")
    assert data.has_partition_hash()
    assert data.get_partition_hash() == 12345
    negative = Data(struct.pack(">ii", -7, -11) + b"\x00\x00\x00\x00")
    assert negative.get_partition_hash() == -7


def test_zero_header_hashes_payload() -> None:
    data = Data(bytes(8) + b"key-1")
    assert not data.has_partition_hash()
    assert data.get_partition_hash() == 1228513025


def test_short_data_hashes_empty_payload_like_java() -> None:
    # Java's HeapData hashes max(size - 8, 0) bytes from offset 8
    assert Data(b"").get_partition_hash() == -1585187909
    assert not Data(b"").has_partition_hash()
    assert Data(b"\x01\x02").get_partition_hash() == -1585187909


def test_c_and_python_partition_hashes_agree() -> None:
    import random

    from hztrio.serialization import data as data_module
    from hztrio.serialization.data import Data

    assert data_module._mmh3_hash is not None  # the C path is the one in use
    rng = random.Random(7)
    for size in [*range(40), 100, 1000]:
        payload = bytes(rng.randrange(256) for _ in range(size))
        data = Data(b"\0\0\0\0\xff\xff\xff\xf5" + payload)
        expected = murmur_hash3_x86_32(payload)
        assert data.get_partition_hash() == expected
