"""MurmurHash3 (x86, 32 bit) and the partition index, as Hazelcast computes them.

A key's partition is ``hash_to_index(murmur_hash3_x86_32(data, 8), partition_count)`` where
``data`` is the key's serialized form (see :meth:`.Data.get_partition_hash`). This runs for
every key operation, so it is written for CPython's speed rather than for beauty:

* the blocks are read with one precompiled ``struct`` call;
* for inputs of five blocks or more the per-block mixing of the key words (independent of each
  other) is done for all blocks at once with big-integer arithmetic on 64-bit lanes, leaving
  only the sequential part of the loop to run per block.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Final

__all__ = ["DEFAULT_MURMUR_SEED", "hash_to_index", "murmur_hash3_x86_32"]

DEFAULT_MURMUR_SEED: Final = 0x01000193
"""The seed Hazelcast uses (Java ``HashUtil.DEFAULT_MURMUR_SEED``)."""

INT32_MIN: Final = -(2**31)

# Inputs of this many blocks or more take the lane path (measured break-even on CPython 3.11).
_LANES_FROM: Final = 5

_CACHED: Final = 128
# _BLOCKS[n] unpacks n little-endian uint32 blocks.
_BLOCKS: Final[list[struct.Struct]] = [struct.Struct(f"<{n}I") for n in range(_CACHED)]
# _EVEN[n] selects the even-numbered 32-bit lanes of an integer made of n blocks.
_EVEN: Final[list[int]] = [
    int.from_bytes(b"\xff\xff\xff\xff\x00\x00\x00\x00" * ((n + 1) // 2), "little")
    for n in range(_CACHED)
]

_from_bytes: Final[Callable[..., int]] = int.from_bytes
_unpack_block: Final = _BLOCKS[1].unpack_from


def _blocks(n: int) -> struct.Struct:
    return _BLOCKS[n] if n < _CACHED else struct.Struct(f"<{n}I")


def _even_mask(n: int) -> int:
    if n < _CACHED:
        return _EVEN[n]
    return _from_bytes(b"\xff\xff\xff\xff\x00\x00\x00\x00" * ((n + 1) // 2), "little")


def _murmur(data: bytes | bytearray | memoryview, offset: int, length: int, seed: int) -> int:
    """MurmurHash3_x86_32 of ``data[offset:offset + length]``, unchecked, as a signed int32."""
    h = seed & 0xFFFFFFFF
    nblocks = length >> 2
    if nblocks == 1:  # a 4..7-byte payload: an int key
        k = (_unpack_block(data, offset)[0] * 0xCC9E2D51) & 0xFFFFFFFF
        h ^= (((k << 15) | (k >> 17)) * 0x1B873593) & 0xFFFFFFFF
        h = (((h << 13) | (h >> 19)) * 5 + 0xE6546B64) & 0xFFFFFFFF
    elif nblocks:
        if nblocks < _LANES_FROM:
            for k in _BLOCKS[nblocks].unpack_from(data, offset):
                k = (k * 0xCC9E2D51) & 0xFFFFFFFF
                h ^= (((k << 15) | (k >> 17)) * 0x1B873593) & 0xFFFFFFFF
                h = (((h << 13) | (h >> 19)) * 5 + 0xE6546B64) & 0xFFFFFFFF
        else:
            # k_i = rotl15(k_i * c1) * c2 for every block at once: the blocks as one integer,
            # split into the even and the odd blocks so that each block has a 64-bit lane
            # (room for its 32x32-bit products), then put back together.
            end = offset + (nblocks << 2)
            x = _from_bytes(data[offset:end], "little")
            mask = _even_mask(nblocks)
            even = ((x & mask) * 0xCC9E2D51) & mask
            odd = (((x >> 32) & mask) * 0xCC9E2D51) & mask
            even = ((((even << 15) | (even >> 17)) & mask) * 0x1B873593) & mask
            odd = ((((odd << 15) | (odd >> 17)) & mask) * 0x1B873593) & mask
            mixed = (even | (odd << 32)).to_bytes(nblocks << 2, "little")
            for k in _blocks(nblocks).unpack(mixed):
                h ^= k
                h = (((h << 13) | (h >> 19)) * 5 + 0xE6546B64) & 0xFFFFFFFF
    tail = length & 3
    if tail:
        start = offset + (nblocks << 2)
        k = (_from_bytes(data[start : start + tail], "little") * 0xCC9E2D51) & 0xFFFFFFFF
        h ^= (((k << 15) | (k >> 17)) * 0x1B873593) & 0xFFFFFFFF
    h ^= length
    h = ((h ^ (h >> 16)) * 0x85EBCA6B) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 0xC2B2AE35) & 0xFFFFFFFF
    h ^= h >> 16
    return h - 0x100000000 if h & 0x80000000 else h


def murmur_hash3_x86_32(
    data: bytes | bytearray | memoryview,
    offset: int = 0,
    length: int | None = None,
    seed: int = DEFAULT_MURMUR_SEED,
) -> int:
    """Return MurmurHash3_x86_32 of ``data[offset:offset + length]`` as a signed int32.

    This is the standard algorithm (blocks read little-endian), the same as Java's
    ``HashUtil.MurmurHash3_x86_32``. ``length`` defaults to the rest of ``data``; the seed to
    Hazelcast's ``0x01000193``.

    Raises:
        ValueError: ``offset``/``length`` do not describe a range inside ``data``.
    """
    size = len(data) if not isinstance(data, memoryview) else data.nbytes
    if length is None:
        length = size - offset
    if offset < 0 or length < 0 or offset + length > size:
        raise ValueError(
            f"murmur_hash3_x86_32: range offset={offset} length={length} is outside the "
            f"{size} bytes of data"
        )
    if isinstance(data, memoryview) and (data.format != "B" or not data.c_contiguous):
        data = data.cast("B") if data.c_contiguous else data.tobytes()
    return _murmur(data, offset, length, seed)


def hash_to_index(h: int, n: int) -> int:
    """Map a partition hash to a partition id in ``range(n)``, as Java's ``hashToIndex``.

    ``Integer.MIN_VALUE`` maps to 0 (Java takes ``abs`` of everything else).
    """
    if h == INT32_MIN:
        return 0
    return abs(h) % n
