"""Predicates: conditions the members evaluate on map entries (``key_set``, ``values``,
``entry_set``, ``remove_all``, ``execute_on_entries``, entry listeners, aggregations …).

A predicate is serialized as Hazelcast's own IdentifiedDataSerializable predicate classes
(factory id -20), so the member needs no user class to evaluate it. Attributes name fields of
the value (``"age"``, ``"address.city"``, ``"tags[any]"`` in JSON and Portable values), the key
(``"__key"``, ``"__key.field"``) or the value itself (``"this"``).

The functions carry the official 5.x client's names (``equal``, ``greater``, ``and_`` …); the
4.0 client's names (``is_equal_to``, ``is_greater_than``, …) are aliases. ::

    from hztrio.predicate import and_, equal, less, sql

    adults = await people.values(and_(equal("active", True), less("age", 30)))
    same = await people.values(sql("active AND age < 30"))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from .serialization.api import IdentifiedDataSerializable, ObjectDataInput, ObjectDataOutput

__all__ = [
    "PREDICATE_FACTORY_ID",
    "IterationType",
    "PagingPredicate",
    "Predicate",
    "and_",
    "between",
    "equal",
    "false",
    "greater",
    "greater_or_equal",
    "ilike",
    "in_",
    "instance_of",
    "is_between",
    "is_equal_to",
    "is_greater_than",
    "is_greater_than_or_equal_to",
    "is_ilike",
    "is_in",
    "is_instance_of",
    "is_less_than",
    "is_less_than_or_equal_to",
    "is_like",
    "is_not",
    "is_not_equal_to",
    "less",
    "less_or_equal",
    "like",
    "matches_regex",
    "not_",
    "not_equal",
    "or_",
    "paging",
    "regex",
    "sql",
    "true",
]

PREDICATE_FACTORY_ID = -20


class IterationType:
    """What a paging predicate pages over."""

    KEY = 0
    VALUE = 1
    ENTRY = 2


class Predicate(IdentifiedDataSerializable):
    """Base class of every predicate. Build predicates with the functions of this module."""

    CLASS_ID: ClassVar[int] = -1

    def get_factory_id(self) -> int:
        return PREDICATE_FACTORY_ID

    def get_class_id(self) -> int:
        return self.CLASS_ID

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and vars(other) == vars(self)

    def __hash__(self) -> int:
        return hash((type(self), repr(self)))

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__.lstrip('_')}({fields})"


class _SqlPredicate(Predicate):
    CLASS_ID = 0

    def __init__(self, sql: str = "") -> None:
        self.sql = sql

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_string(self.sql)

    def read_data(self, input: ObjectDataInput) -> None:
        self.sql = input.read_string() or ""


class _AndPredicate(Predicate):
    CLASS_ID = 1

    def __init__(self, predicates: Sequence[Predicate] = ()) -> None:
        self.predicates = list(predicates)

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_int(len(self.predicates))
        for predicate in self.predicates:
            output.write_object(predicate)

    def read_data(self, input: ObjectDataInput) -> None:
        self.predicates = [input.read_object() for _ in range(input.read_int())]


class _BetweenPredicate(Predicate):
    CLASS_ID = 2

    def __init__(self, attribute: str = "", from_: Any = None, to: Any = None) -> None:
        self.attribute = attribute
        self.from_ = from_
        self.to = to

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_string(self.attribute)
        output.write_object(self.to)
        output.write_object(self.from_)

    def read_data(self, input: ObjectDataInput) -> None:
        self.attribute = input.read_string() or ""
        self.to = input.read_object()
        self.from_ = input.read_object()


class _EqualPredicate(Predicate):
    CLASS_ID = 3

    def __init__(self, attribute: str = "", value: Any = None) -> None:
        self.attribute = attribute
        self.value = value

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_string(self.attribute)
        output.write_object(self.value)

    def read_data(self, input: ObjectDataInput) -> None:
        self.attribute = input.read_string() or ""
        self.value = input.read_object()


class _GreaterLessPredicate(Predicate):
    CLASS_ID = 4

    def __init__(
        self, attribute: str = "", value: Any = None, is_equal: bool = False, is_less: bool = False
    ) -> None:
        self.attribute = attribute
        self.value = value
        self.is_equal = is_equal
        self.is_less = is_less

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_string(self.attribute)
        output.write_object(self.value)
        output.write_boolean(self.is_equal)
        output.write_boolean(self.is_less)

    def read_data(self, input: ObjectDataInput) -> None:
        self.attribute = input.read_string() or ""
        self.value = input.read_object()
        self.is_equal = input.read_boolean()
        self.is_less = input.read_boolean()


class _LikePredicate(Predicate):
    CLASS_ID = 5

    def __init__(self, attribute: str = "", expression: str | None = None) -> None:
        self.attribute = attribute
        self.expression = expression

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_string(self.attribute)
        output.write_string(self.expression)

    def read_data(self, input: ObjectDataInput) -> None:
        self.attribute = input.read_string() or ""
        self.expression = input.read_string()


class _ILikePredicate(_LikePredicate):
    CLASS_ID = 6


class _InPredicate(Predicate):
    CLASS_ID = 7

    def __init__(self, attribute: str = "", values: Sequence[Any] = ()) -> None:
        self.attribute = attribute
        self.values = list(values)

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_string(self.attribute)
        output.write_int(len(self.values))
        for value in self.values:
            output.write_object(value)

    def read_data(self, input: ObjectDataInput) -> None:
        self.attribute = input.read_string() or ""
        self.values = [input.read_object() for _ in range(input.read_int())]


class _InstanceOfPredicate(Predicate):
    CLASS_ID = 8

    def __init__(self, class_name: str = "") -> None:
        self.class_name = class_name

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_string(self.class_name)

    def read_data(self, input: ObjectDataInput) -> None:
        self.class_name = input.read_string() or ""


class _NotEqualPredicate(_EqualPredicate):
    CLASS_ID = 9


class _NotPredicate(Predicate):
    CLASS_ID = 10

    def __init__(self, predicate: Predicate | None = None) -> None:
        self.predicate = predicate

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_object(self.predicate)

    def read_data(self, input: ObjectDataInput) -> None:
        self.predicate = input.read_object()


class _OrPredicate(_AndPredicate):
    CLASS_ID = 11


class _RegexPredicate(Predicate):
    CLASS_ID = 12

    def __init__(self, attribute: str = "", pattern: str | None = None) -> None:
        self.attribute = attribute
        self.pattern = pattern

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_string(self.attribute)
        output.write_string(self.pattern)

    def read_data(self, input: ObjectDataInput) -> None:
        self.attribute = input.read_string() or ""
        self.pattern = input.read_string()


class _ConstantPredicate(Predicate):
    """true() and false(): nothing on the wire."""

    def write_data(self, output: ObjectDataOutput) -> None:
        pass

    def read_data(self, input: ObjectDataInput) -> None:
        pass


class _FalsePredicate(_ConstantPredicate):
    CLASS_ID = 13


class _TruePredicate(_ConstantPredicate):
    CLASS_ID = 14


class PagingPredicate(Predicate):
    """Pages through the entries a predicate matches, sorted by a comparator (or by key).

    Pass it to ``key_set``/``values``/``entry_set``; each call returns the current page. Move
    with :meth:`next_page`, :meth:`previous_page` or :attr:`page`. The predicate remembers
    anchors of the pages seen so far (the last entry of each page), which the members use to
    find the next page; it is not meant to be shared between concurrent queries, and
    :meth:`reset` makes it reusable. The comparator, if any, is a serializable object that
    stands for a ``java.util.Comparator`` registered on the members.
    """

    CLASS_ID = 15

    def __init__(self, predicate: Predicate | None, page_size: int, comparator: Any = None) -> None:
        if isinstance(predicate, PagingPredicate):
            raise TypeError("a paging predicate cannot wrap another paging predicate")
        if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size <= 0:
            raise ValueError(f"page_size must be a positive int, got {page_size!r}")
        self.predicate = predicate
        self._page_size = page_size
        self._page = 0
        self.comparator = comparator
        self.iteration_type = IterationType.ENTRY
        #: (page number, (anchor key, anchor value)) as deserialized objects
        self.anchor_list: list[tuple[int, tuple[Any, Any]]] = []

    @property
    def page(self) -> int:
        """The current page (from 0). Setting it past the end gives empty pages."""
        return self._page

    @page.setter
    def page(self, page: int) -> None:
        if page < 0:
            raise ValueError(f"page must be 0 or more, got {page!r}")
        self._page = page

    @property
    def page_size(self) -> int:
        return self._page_size

    def next_page(self) -> int:
        """Move to the next page; return its number."""
        self._page += 1
        return self._page

    def previous_page(self) -> int:
        """Move to the previous page (stays at 0); return its number."""
        if self._page > 0:
            self._page -= 1
        return self._page

    def reset(self) -> None:
        """Back to page 0, forgetting the anchors."""
        self.iteration_type = IterationType.ENTRY
        self.anchor_list.clear()
        self._page = 0

    def set_anchors(self, anchors: list[tuple[int, tuple[Any, Any]]]) -> None:
        """Internal: the anchors a member returned with a page."""
        self.anchor_list = anchors

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_object(self.predicate)
        output.write_object(self.comparator)
        output.write_int(self._page)
        output.write_int(self._page_size)
        output.write_string(("KEY", "VALUE", "ENTRY")[self.iteration_type])
        output.write_int(len(self.anchor_list))
        for page, (key, value) in self.anchor_list:
            output.write_int(page)
            output.write_object(key)
            output.write_object(value)

    def read_data(self, input: ObjectDataInput) -> None:
        self.predicate = input.read_object()
        self.comparator = input.read_object()
        self._page = input.read_int()
        self._page_size = input.read_int()
        self.iteration_type = ("KEY", "VALUE", "ENTRY").index(input.read_string() or "ENTRY")
        self.anchor_list = []
        for _ in range(input.read_int()):
            page = input.read_int()
            self.anchor_list.append((page, (input.read_object(), input.read_object())))

    def __repr__(self) -> str:
        return (
            f"PagingPredicate(predicate={self.predicate!r}, page_size={self._page_size}, "
            f"page={self._page}, comparator={self.comparator!r})"
        )


def _attribute(attribute: str) -> str:
    if not isinstance(attribute, str) or not attribute:
        raise ValueError(f"attribute must be a non-empty str, got {attribute!r}")
    return attribute


def _predicates(predicates: Sequence[Predicate]) -> list[Predicate]:
    for p in predicates:
        if not isinstance(p, Predicate):
            raise TypeError(f"expected predicates, got {p!r}")
    return list(predicates)


def sql(expression: str) -> Predicate:
    """Entries matching an SQL-like condition, e.g. ``"active AND age > 30"``."""
    if not isinstance(expression, str):
        raise TypeError(f"expression must be a str, got {expression!r}")
    return _SqlPredicate(expression)


def equal(attribute: str, value: Any) -> Predicate:
    """Entries whose *attribute* equals *value*."""
    return _EqualPredicate(_attribute(attribute), value)


def not_equal(attribute: str, value: Any) -> Predicate:
    """Entries whose *attribute* does not equal *value*."""
    return _NotEqualPredicate(_attribute(attribute), value)


def like(attribute: str, pattern: str | None) -> Predicate:
    """Entries whose string *attribute* matches an SQL LIKE *pattern* (``%`` any characters,
    ``_`` one character; case-sensitive)."""
    return _LikePredicate(_attribute(attribute), pattern)


def ilike(attribute: str, pattern: str | None) -> Predicate:
    """Like :func:`like`, ignoring case."""
    return _ILikePredicate(_attribute(attribute), pattern)


def regex(attribute: str, pattern: str | None) -> Predicate:
    """Entries whose string *attribute* matches a Java regular expression."""
    return _RegexPredicate(_attribute(attribute), pattern)


def and_(*predicates: Predicate) -> Predicate:
    """Entries matching every predicate."""
    return _AndPredicate(_predicates(predicates))


def or_(*predicates: Predicate) -> Predicate:
    """Entries matching at least one predicate."""
    return _OrPredicate(_predicates(predicates))


def not_(predicate: Predicate) -> Predicate:
    """Entries not matching *predicate*."""
    return _NotPredicate(_predicates([predicate])[0])


def between(attribute: str, from_: Any, to: Any) -> Predicate:
    """Entries whose *attribute* is between *from_* and *to*, both included."""
    return _BetweenPredicate(_attribute(attribute), from_, to)


def in_(attribute: str, *values: Any) -> Predicate:
    """Entries whose *attribute* is one of *values*."""
    return _InPredicate(_attribute(attribute), values)


def instance_of(class_name: str) -> Predicate:
    """Entries whose value is an instance of the Java class *class_name* (fully qualified)."""
    if not isinstance(class_name, str) or not class_name:
        raise ValueError(f"class_name must be a non-empty str, got {class_name!r}")
    return _InstanceOfPredicate(class_name)


def false() -> Predicate:
    """No entries."""
    return _FalsePredicate()


def true() -> Predicate:
    """Every entry."""
    return _TruePredicate()


def greater(attribute: str, value: Any) -> Predicate:
    """Entries whose *attribute* is greater than *value*."""
    return _GreaterLessPredicate(_attribute(attribute), value, False, False)


def greater_or_equal(attribute: str, value: Any) -> Predicate:
    """Entries whose *attribute* is greater than or equal to *value*."""
    return _GreaterLessPredicate(_attribute(attribute), value, True, False)


def less(attribute: str, value: Any) -> Predicate:
    """Entries whose *attribute* is less than *value*."""
    return _GreaterLessPredicate(_attribute(attribute), value, False, True)


def less_or_equal(attribute: str, value: Any) -> Predicate:
    """Entries whose *attribute* is less than or equal to *value*."""
    return _GreaterLessPredicate(_attribute(attribute), value, True, True)


def paging(predicate: Predicate | None, page_size: int, comparator: Any = None) -> PagingPredicate:
    """Page through the entries *predicate* matches (all entries if None), *page_size* at a time,
    sorted by *comparator* (a serializable stand-in for a Java ``Comparator`` registered on the
    members) or by key."""
    return PagingPredicate(predicate, page_size, comparator)


# the 4.0 client's names
is_equal_to = equal
is_not_equal_to = not_equal
is_like = like
is_ilike = ilike
matches_regex = regex
is_greater_than = greater
is_greater_than_or_equal_to = greater_or_equal
is_less_than = less
is_less_than_or_equal_to = less_or_equal
is_between = between
is_in = in_
is_instance_of = instance_of
is_not = not_
