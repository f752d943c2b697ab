"""``Data``: the serialized form of an object, as it travels in client messages."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Final

from ..errors import HazelcastSerializationError
from .constants import CONSTANT_TYPE_NULL, DATA_OFFSET
from .hash import DEFAULT_MURMUR_SEED, _murmur

_mmh3_hash: Callable[[bytes, int], int] | None
try:  # the C implementation (same function, ~10x faster); the pure-Python one otherwise
    from mmh3 import hash as _mmh3_hash
except ImportError:  # pragma: no cover - mmh3 is a dependency; this keeps hztrio importable
    _mmh3_hash = None

__all__ = ["SPLIT_SIZE", "Data", "SplitData"]

_unpack_be_int: Final = struct.Struct(">i").unpack_from


class Data(bytes):
    """The serialized form of an object: ``bytes`` laid out as Hazelcast's ``HeapData``.

    ========  =============================================  ==================
    bytes     content                                        byte order
    ========  =============================================  ==================
    0..3      partition hash (0: none, hash the payload)     big-endian, always
    4..7      serializer type id                             big-endian, always
    8..       serializer payload                             the configured one
    ========  =============================================  ==================

    ``Data`` *is* ``bytes`` (compares, hashes and slices like the same bytes), so codecs copy
    it into frames as they are; only the serialization service creates it. The empty ``Data``
    stands for ``None`` (type id 0), as in Java.
    """

    __slots__ = ()

    def get_type(self) -> int:
        """The serializer type id (0, the null type, for an empty Data)."""
        if not self:
            return CONSTANT_TYPE_NULL
        try:
            type_id: int = _unpack_be_int(self, 4)[0]
        except struct.error:
            raise HazelcastSerializationError(
                f"corrupt Data: {len(self)} bytes is shorter than the 8-byte header"
            ) from None
        return type_id

    def has_partition_hash(self) -> bool:
        """True if the header carries a partition hash (the object had a partition key)."""
        return len(self) >= DATA_OFFSET and _unpack_be_int(self, 0)[0] != 0

    def get_partition_hash(self) -> int:
        """The hash that decides the partition of this Data, a signed int32.

        It is the header's partition hash if that is non-zero, else MurmurHash3_x86_32 of the
        payload (``self[8:]``) with Hazelcast's seed, as Java's ``HeapData``.
        """
        size = len(self)
        if size >= DATA_OFFSET:
            h: int = _unpack_be_int(self, 0)[0]
            if h:
                return h
            if _mmh3_hash is not None:
                return _mmh3_hash(self[DATA_OFFSET:], DEFAULT_MURMUR_SEED)
            return _murmur(self, DATA_OFFSET, size - DATA_OFFSET, DEFAULT_MURMUR_SEED)
        return _murmur(self, DATA_OFFSET, 0, DEFAULT_MURMUR_SEED)

    def total_size(self) -> int:
        """The size in bytes, header included."""
        return len(self)

    def data_size(self) -> int:
        """The size of the payload in bytes (without the 8-byte header)."""
        return max(len(self) - DATA_OFFSET, 0)

    def __repr__(self) -> str:
        return f"Data({bytes(self)!r})"


#: From this size on, a ``bytes`` value a request sends is not copied (see SplitData).
SPLIT_SIZE: Final = 256 * 1024


class SplitData:
    """A large ``bytes`` value, serialized without copying it: a byte[] ``Data`` in two parts.

    ``head`` is the 8-byte Data header plus the byte[] length, ``body`` the caller's own
    ``bytes`` (immutable, so it is safe to refer to). Proxies make one for a value that goes
    straight into one request frame (``Map.put``, ``set``…); the codecs write ``head`` into
    the message and send ``body`` as a buffer of its own (a
    :class:`~hztrio.protocol.frame.SegmentedMessage`), so a 16 MiB value is never copied in
    Python on its way to the socket. Keys are always a plain :class:`Data` (they are hashed,
    compared and cached).
    """

    __slots__ = ("body", "head")

    def __init__(self, head: bytes, body: bytes) -> None:
        self.head = head
        self.body = body

    def __len__(self) -> int:
        return len(self.head) + len(self.body)

    def total_size(self) -> int:
        """The size in bytes of the Data it stands for, header included."""
        return len(self.head) + len(self.body)

    def to_data(self) -> Data:
        """The same value as one :class:`Data` (copies the value)."""
        return Data(self.head + self.body)

    def __repr__(self) -> str:
        return f"SplitData({self.head!r} + {len(self.body)} bytes)"
