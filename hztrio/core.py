"""Core value types users store in data structures."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["HazelcastJsonValue"]


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
