"""Projections: what the members send back per entry (``Map.project``).

Built-in IdentifiedDataSerializable projections (factory id -30); no user code on the members.
::

    from hztrio.projection import multi_attribute, single_attribute

    names = await people.project(single_attribute("name"))
    rows = await people.project(multi_attribute("name", "age"), predicate=less("age", 30))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from .serialization.api import IdentifiedDataSerializable, ObjectDataInput, ObjectDataOutput

__all__ = ["PROJECTION_FACTORY_ID", "Projection", "identity", "multi_attribute", "single_attribute"]

PROJECTION_FACTORY_ID = -30


def _path(attribute_path: str) -> str:
    if not isinstance(attribute_path, str) or not attribute_path:
        raise ValueError(f"attribute_path must be a non-empty str, got {attribute_path!r}")
    if "[any]" in attribute_path:
        raise ValueError(f"attribute_path must not contain [any]: {attribute_path!r}")
    return attribute_path


class Projection(IdentifiedDataSerializable):
    """Base class of the projections; build them with the functions of this module."""

    CLASS_ID: ClassVar[int] = -1

    def get_factory_id(self) -> int:
        return PROJECTION_FACTORY_ID

    def get_class_id(self) -> int:
        return self.CLASS_ID

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __hash__(self) -> int:
        return hash((type(self), repr(self)))

    def __repr__(self) -> str:
        return f"{type(self).__name__.lstrip('_')}({vars(self)})"


class _SingleAttribute(Projection):
    CLASS_ID = 0

    def __init__(self, attribute_path: str = "x") -> None:
        self.attribute_path = _path(attribute_path)

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_string(self.attribute_path)

    def read_data(self, input: ObjectDataInput) -> None:
        self.attribute_path = input.read_string() or ""


class _MultiAttribute(Projection):
    CLASS_ID = 1

    def __init__(self, attribute_paths: Sequence[str] = ("x",)) -> None:
        if not attribute_paths:
            raise ValueError("give at least one attribute path")
        self.attribute_paths = [_path(p) for p in attribute_paths]

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_string_array(self.attribute_paths)

    def read_data(self, input: ObjectDataInput) -> None:
        self.attribute_paths = [p or "" for p in input.read_string_array() or []]


class _Identity(Projection):
    CLASS_ID = 2

    def write_data(self, output: ObjectDataOutput) -> None:
        pass

    def read_data(self, input: ObjectDataInput) -> None:
        pass


def single_attribute(attribute_path: str) -> Projection:
    """The value of *attribute_path* of each entry."""
    return _SingleAttribute(attribute_path)


def multi_attribute(*attribute_paths: str) -> Projection:
    """A list with the values of *attribute_paths* of each entry."""
    return _MultiAttribute(attribute_paths)


def identity() -> Projection:
    """Each entry itself, as a ``(key, value)`` pair."""
    return _Identity()
