"""Aggregators: computations the members run over map entries (``Map.aggregate``).

Each aggregator is one of Hazelcast's built-in IdentifiedDataSerializable aggregators (factory
id -29), so members need no user code. *attribute_path* extracts the aggregated value from each
entry (as in predicates: ``"age"``, ``"address.city"``, ``"__key"``, ``"this"``, ``"tags[any]"``);
without it the whole value is aggregated. ::

    from hztrio.aggregator import count, int_avg

    total = await people.aggregate(count())
    average_age = await people.aggregate(int_avg("age"), predicate=equal("active", True))
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from .serialization.api import IdentifiedDataSerializable, ObjectDataInput, ObjectDataOutput

__all__ = [
    "AGGREGATOR_FACTORY_ID",
    "Aggregator",
    "count",
    "distinct",
    "double_avg",
    "double_sum",
    "fixed_point_sum",
    "floating_point_sum",
    "int_avg",
    "int_sum",
    "long_avg",
    "long_sum",
    "max_",
    "max_by",
    "min_",
    "min_by",
    "number_avg",
]

AGGREGATOR_FACTORY_ID = -29

R = TypeVar("R")


class Aggregator(IdentifiedDataSerializable, Generic[R]):
    """Base class of the aggregators; build them with the functions of this module.

    The wire form is the attribute path followed by the aggregator's initial accumulator
    state (zeros), as the member's Java class reads it.
    """

    CLASS_ID: ClassVar[int] = -1
    #: the initial state: a sequence of ("long" | "double" | "int" | "object") fields
    _STATE: ClassVar[tuple[str, ...]] = ()

    def __init__(self, attribute_path: str | None = None) -> None:
        if attribute_path is not None and (
            not isinstance(attribute_path, str) or not attribute_path
        ):
            raise ValueError(f"attribute_path must be a non-empty str, got {attribute_path!r}")
        self.attribute_path = attribute_path

    def get_factory_id(self) -> int:
        return AGGREGATOR_FACTORY_ID

    def get_class_id(self) -> int:
        return self.CLASS_ID

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_string(self.attribute_path)
        for kind in self._STATE:
            if kind == "long":
                output.write_long(0)
            elif kind == "double":
                output.write_double(0.0)
            elif kind == "int":
                output.write_int(0)
            else:
                output.write_object(None)

    def read_data(self, input: ObjectDataInput) -> None:
        self.attribute_path = input.read_string()
        for kind in self._STATE:
            if kind == "long":
                input.read_long()
            elif kind == "double":
                input.read_double()
            elif kind == "int":
                input.read_int()
            else:
                input.read_object()

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.attribute_path == self.attribute_path

    def __hash__(self) -> int:
        return hash((type(self), self.attribute_path))

    def __repr__(self) -> str:
        return f"{type(self).__name__.lstrip('_')}({self.attribute_path!r})"


def _aggregator(name: str, class_id: int, state: tuple[str, ...]) -> type[Aggregator[Any]]:
    return type(name, (Aggregator,), {"CLASS_ID": class_id, "_STATE": state})


_Count = _aggregator("_CountAggregator", 4, ("long",))
_Distinct = _aggregator("_DistinctValuesAggregator", 5, ("int",))
_DoubleAverage = _aggregator("_DoubleAverageAggregator", 6, ("double", "long"))
_DoubleSum = _aggregator("_DoubleSumAggregator", 7, ("double",))
_FixedPointSum = _aggregator("_FixedPointSumAggregator", 8, ("long",))
_FloatingPointSum = _aggregator("_FloatingPointSumAggregator", 9, ("double",))
_IntegerAverage = _aggregator("_IntegerAverageAggregator", 10, ("long", "long"))
_IntegerSum = _aggregator("_IntegerSumAggregator", 11, ("long",))
_LongAverage = _aggregator("_LongAverageAggregator", 12, ("long", "long"))
_LongSum = _aggregator("_LongSumAggregator", 13, ("long",))
_Max = _aggregator("_MaxAggregator", 14, ("object",))
_Min = _aggregator("_MinAggregator", 15, ("object",))
_NumberAverage = _aggregator("_NumberAverageAggregator", 16, ("double", "long"))
_MaxBy = _aggregator("_MaxByAggregator", 17, ("object", "object"))
_MinBy = _aggregator("_MinByAggregator", 18, ("object", "object"))


def count(attribute_path: str | None = None) -> Aggregator[int]:
    """The number of values (None values included)."""
    return _Count(attribute_path)


def distinct(attribute_path: str | None = None) -> Aggregator[set[Any]]:
    """The set of distinct values."""
    return _Distinct(attribute_path)


def double_avg(attribute_path: str | None = None) -> Aggregator[float]:
    """The average of float values (Java ``double``); None if there are none."""
    return _DoubleAverage(attribute_path)


def double_sum(attribute_path: str | None = None) -> Aggregator[float]:
    """The sum of float values (Java ``double``)."""
    return _DoubleSum(attribute_path)


def fixed_point_sum(attribute_path: str | None = None) -> Aggregator[int]:
    """The sum of integer values of any Java integer type, as an int."""
    return _FixedPointSum(attribute_path)


def floating_point_sum(attribute_path: str | None = None) -> Aggregator[float]:
    """The sum of numeric values of any Java numeric type, as a float."""
    return _FloatingPointSum(attribute_path)


def int_avg(attribute_path: str | None = None) -> Aggregator[float]:
    """The average of Java ``int`` values."""
    return _IntegerAverage(attribute_path)


def int_sum(attribute_path: str | None = None) -> Aggregator[int]:
    """The sum of Java ``int`` values."""
    return _IntegerSum(attribute_path)


def long_avg(attribute_path: str | None = None) -> Aggregator[float]:
    """The average of Java ``long`` values."""
    return _LongAverage(attribute_path)


def long_sum(attribute_path: str | None = None) -> Aggregator[int]:
    """The sum of Java ``long`` values."""
    return _LongSum(attribute_path)


def max_(attribute_path: str | None = None) -> Aggregator[Any]:
    """The greatest value."""
    return _Max(attribute_path)


def min_(attribute_path: str | None = None) -> Aggregator[Any]:
    """The smallest value."""
    return _Min(attribute_path)


def number_avg(attribute_path: str | None = None) -> Aggregator[float]:
    """The average of numeric values of any Java numeric type."""
    return _NumberAverage(attribute_path)


def max_by(attribute_path: str) -> Aggregator[Any]:
    """The entry (key, value) whose *attribute_path* is greatest."""
    return _MaxBy(attribute_path)


def min_by(attribute_path: str) -> Aggregator[Any]:
    """The entry (key, value) whose *attribute_path* is smallest."""
    return _MinBy(attribute_path)
