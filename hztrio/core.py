"""Core value types: what users store in data structures, and (under the official client's
names in ``hazelcast.core``) what the client hands them about members, entries and
distributed objects."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from .protocol.types import (
    Address,
    DistributedObjectInfo,
    EndpointQualifier,
    MemberInfo,
    MemberVersion,
    SimpleEntryView,
)

if TYPE_CHECKING:
    from .client import DistributedObjectEvent, DistributedObjectEventType

__all__ = [
    "Address",
    "BooleanArray",
    "CharArray",
    "DistributedObjectEvent",
    "DistributedObjectEventType",
    "DistributedObjectInfo",
    "DoubleArray",
    "EndpointQualifier",
    "FloatArray",
    "HazelcastJsonValue",
    "IntArray",
    "LongArray",
    "MemberInfo",
    "MemberVersion",
    "ShortArray",
    "SimpleEntryView",
    "StringArray",
]


def __getattr__(name: str) -> Any:
    # the event types live with the client, which imports this module: look them up late
    if name in ("DistributedObjectEvent", "DistributedObjectEventType"):
        from . import client

        return getattr(client, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class HazelcastJsonValue:
    """A JSON document that members can query and index.

    Store a ``HazelcastJsonValue`` rather than a plain ``str`` when the value is JSON: members
    then run predicates, projections and indexes on its attributes (numbers are Java ``Long``
    or ``Double`` there; strings, booleans and ``null`` are ``String``, ``boolean`` and
    ``null``).

    ``value`` is either the JSON text, kept exactly as given (it is not validated: malformed
    JSON gives wrong query results, not an error), or any other object, which is converted
    with :func:`json.dumps` (whose errors propagate). ``None`` is refused, as by the official
    client and by Java.
    """

    __slots__ = ("_json",)

    def __init__(self, value: str | Any) -> None:
        if value is None:
            raise ValueError("HazelcastJsonValue: the JSON text or the object must not be None")
        self._json: str = value if isinstance(value, str) else json.dumps(value)

    def to_string(self) -> str:
        """The JSON text, exactly as given or as :func:`json.dumps` produced it."""
        return self._json

    def loads(self) -> Any:
        """The JSON text parsed with :func:`json.loads`."""
        return json.loads(self._json)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, HazelcastJsonValue):
            return self._json == other._json
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._json)

    def __str__(self) -> str:
        return self._json

    def __repr__(self) -> str:
        return f"HazelcastJsonValue({self._json!r})"


# -- Java arrays ------------------------------------------------------------------------------


class _JavaArray(list[Any]):
    """A list that is serialized as a Java array rather than an ``ArrayList``."""

    __slots__ = ()
    java_type: ClassVar[str] = ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list.__repr__(self)})"


class BooleanArray(_JavaArray):
    """A list of bools that Java reads as ``boolean[]`` (a plain list becomes an ArrayList).

    Java's ``boolean[]`` values are read back as this type. It is a ``list``: everything a list
    does works, and it compares equal to a list with the same items.
    """

    __slots__ = ()
    java_type = "boolean[]"


class CharArray(_JavaArray):
    """A list of one-character strs (UTF-16 code units) that Java reads as ``char[]``."""

    __slots__ = ()
    java_type = "char[]"


class ShortArray(_JavaArray):
    """A list of ints that Java reads as ``short[]`` (each must fit 16 bits)."""

    __slots__ = ()
    java_type = "short[]"


class IntArray(_JavaArray):
    """A list of ints that Java reads as ``int[]`` (each must fit 32 bits)."""

    __slots__ = ()
    java_type = "int[]"


class LongArray(_JavaArray):
    """A list of ints that Java reads as ``long[]`` (each must fit 64 bits)."""

    __slots__ = ()
    java_type = "long[]"


class FloatArray(_JavaArray):
    """A list of floats that Java reads as ``float[]`` (32-bit: values are rounded)."""

    __slots__ = ()
    java_type = "float[]"


class DoubleArray(_JavaArray):
    """A list of floats that Java reads as ``double[]``."""

    __slots__ = ()
    java_type = "double[]"


class StringArray(_JavaArray):
    """A list of strs (or ``None``) that Java reads as ``String[]``."""

    __slots__ = ()
    java_type = "String[]"
