"""The proxies' inline key and value encoding writes what to_data writes (no member needed).

``_key_data`` encodes a ``str`` and ``_value_data`` a small ``bytes`` themselves, without
calling ``to_data`` (the path of every key operation); the bytes must be the same in both
byte orders, and what to_data refuses must still be refused with its error.
"""

from __future__ import annotations

from typing import Any

import pytest

from hztrio.errors import HazelcastSerializationError
from hztrio.proxy.base import MAP_SERVICE, ProxyContext
from hztrio.proxy.map import Map
from hztrio.serialization import SerializationService
from hztrio.serialization.data import SPLIT_SIZE, Data, SplitData

KEYS = ["", "k", "key-1", "ünïcödé", "日本語", "😀 emoji", "x" * 5000]


def _map(big_endian: bool) -> tuple[Map[Any, Any], SerializationService]:
    serialization = SerializationService(is_big_endian=big_endian)
    context = ProxyContext(
        invocations=None,  # type: ignore[arg-type]
        partitions=None,  # type: ignore[arg-type]
        serialization=serialization,
        on_destroy=lambda proxy: None,
    )
    return Map(MAP_SERVICE, "m", context), serialization


@pytest.mark.parametrize("big_endian", [True, False])
def test_str_keys_and_bytes_values_match_to_data(big_endian: bool) -> None:
    proxy, serialization = _map(big_endian)
    for key in KEYS:
        data = proxy._key_data(key)
        assert type(data) is Data
        assert data == serialization.to_data(key)
        assert data.get_partition_hash() == serialization.to_data(key).get_partition_hash()
        assert serialization.to_object(data) == key
    for value in [b"", b"\x00\x01", b"v" * 100, bytes(range(256))]:
        data = proxy._value_data(value)
        assert type(data) is Data
        assert data == serialization.to_data(value)
        assert serialization.to_object(data) == value


def test_large_bytes_value_is_still_split() -> None:
    proxy, _ = _map(True)
    assert isinstance(proxy._value_data(b"x" * SPLIT_SIZE), SplitData)


def test_str_subclass_and_other_keys_go_through_to_data() -> None:
    class Name(str):
        pass

    proxy, serialization = _map(True)
    assert proxy._key_data(Name("k")) == serialization.to_data("k")
    assert proxy._key_data(7) == serialization.to_data(7)
    assert proxy._value_data(bytearray(b"ab")) == serialization.to_data(b"ab")


def test_refused_keys_and_values_keep_their_errors() -> None:
    proxy, _ = _map(True)
    with pytest.raises(HazelcastSerializationError, match="unpaired surrogate"):
        proxy._key_data("bad \ud800 key")
    with pytest.raises(TypeError, match="key can't be None"):
        proxy._key_data(None)
    with pytest.raises(TypeError, match="value can't be None"):
        proxy._value_data(None)
