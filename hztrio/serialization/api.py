"""The serialization API users implement and call: serializers, readers and writers.

:class:`StreamSerializer` is the interface of every serializer the
:class:`~.service.SerializationService` holds, built-in or custom; IdentifiedDataSerializable,
Portable and Compact support build on the same :class:`~.input.ObjectDataInput` and
:class:`~.output.ObjectDataOutput`.
"""

from __future__ import annotations

import abc
from typing import Generic, TypeVar

from .input import ObjectDataInput
from .output import ObjectDataOutput

__all__ = ["ObjectDataInput", "ObjectDataOutput", "StreamSerializer"]

T = TypeVar("T")


class StreamSerializer(abc.ABC, Generic[T]):
    """Writes objects of one kind to an :class:`ObjectDataOutput` and reads them back.

    The type id goes into every serialized form the serializer writes and picks the serializer
    that reads it back, on clients and members alike: custom serializers must use a positive
    id, unique in the cluster (negative ids belong to Hazelcast).
    """

    @abc.abstractmethod
    def get_type_id(self) -> int:
        """The serializer's type id."""

    @abc.abstractmethod
    def write(self, out: ObjectDataOutput, obj: T) -> None:
        """Write ``obj`` to ``out``."""

    @abc.abstractmethod
    def read(self, inp: ObjectDataInput) -> T:
        """Read an object written by :meth:`write` from ``inp``."""

    def destroy(self) -> None:
        """Release resources when the service shuts down (nothing by default)."""
