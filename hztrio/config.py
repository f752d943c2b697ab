"""Client configuration: the options of :class:`hztrio.HazelcastClient` and their enums.

The option names, meanings and defaults are those of the official Hazelcast Python client
(``hazelcast.HazelcastClient``). Every option is validated when the client is constructed.
"""

from __future__ import annotations

import enum


class _NamedIntEnum(enum.IntEnum):
    """An ``IntEnum`` that also accepts its member names (any case) as values."""

    @classmethod
    def _missing_(cls, value: object) -> _NamedIntEnum | None:
        if isinstance(value, str):
            member = cls.__members__.get(value.upper())
            if member is not None:
                return member
        return None


class IntType(_NamedIntEnum):
    """How a Python ``int`` is serialized, i.e. which Java type the member sees."""

    VAR = 0
    """Byte, Short, Integer, Long or BigInteger, the smallest that holds the value."""
    BYTE = 1
    """Java ``byte`` (8 bits)."""
    SHORT = 2
    """Java ``short`` (16 bits)."""
    INT = 3
    """Java ``int`` (32 bits); the default."""
    LONG = 4
    """Java ``long`` (64 bits)."""
    BIG_INT = 5
    """Java ``BigInteger``: any size, slower."""


class EvictionPolicy(_NamedIntEnum):
    """Near Cache eviction policy."""

    NONE = 0
    LRU = 1
    LFU = 2
    RANDOM = 3


class InMemoryFormat(_NamedIntEnum):
    """How a Near Cache stores its values."""

    BINARY = 0
    OBJECT = 1


class SSLProtocol(_NamedIntEnum):
    """TLS protocol versions."""

    SSLv2 = 0
    SSLv3 = 1
    TLSv1 = 2
    TLSv1_1 = 3
    TLSv1_2 = 4
    TLSv1_3 = 5


class ReconnectMode(_NamedIntEnum):
    """What the client does when it loses its connection to the cluster."""

    OFF = 0
    """Shut the client down."""
    ON = 1
    """Reconnect; calls wait for the connection (up to their timeout)."""
    ASYNC = 2
    """Reconnect in the background; calls fail with ``ClientOfflineError`` meanwhile."""


class TopicOverloadPolicy(_NamedIntEnum):
    """What a reliable topic publisher does when the ringbuffer is full."""

    DISCARD_OLDEST = 0
    DISCARD_NEWEST = 1
    BLOCK = 2
    ERROR = 3


class UniqueKeyTransformation(_NamedIntEnum):
    """How a bitmap index turns keys into unique longs."""

    OBJECT = 0
    LONG = 1
    RAW = 2


class IndexType(_NamedIntEnum):
    """Map index kinds."""

    SORTED = 0
    HASH = 1
    BITMAP = 2
