"""The names users import from the official client exist under the same names in hztrio.

The design's API contract keeps the official client's vocabulary: code that imports
``from hazelcast.predicate import sql`` moves to ``from hztrio.predicate import sql``. The
installed official client (a test dependency) is the oracle; names that are its internals,
or that hztrio deliberately leaves out, are listed here with the reason. Checked against
official 5.7; with a newer official client a missing name is a warning, not a failure (a
new official release must not turn CI red before anyone has looked at what it added).
"""

from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import types
import warnings

import pytest

# module pairs the design names, plus the ones users reach for types
MODULES = [
    ("hazelcast.errors", "hztrio.errors"),
    ("hazelcast.predicate", "hztrio.predicate"),
    ("hazelcast.aggregator", "hztrio.aggregator"),
    ("hazelcast.projection", "hztrio.projection"),
    ("hazelcast.serialization.api", "hztrio.serialization.api"),
    ("hazelcast.lifecycle", "hztrio.lifecycle"),
    ("hazelcast.sql", "hztrio.sql"),
    ("hazelcast.core", "hztrio.core"),
    ("hazelcast.config", "hztrio.config"),
]

# the official client's helpers and wire-level types, not part of what users write
NOT_PUBLIC = {
    "hazelcast.errors": {
        "EXCEPTION_MESSAGE_TYPE",
        "create_error_from_message",
        "is_retryable_error",
        "retryable",  # a class decorator of its own error classes
    },
    "hazelcast.core": {
        "AddressHelper",  # parses cluster_members strings: hztrio.config does it
        "CLIENT_TYPE",
        "SERIALIZATION_VERSION",
        "MapEntry",  # internal pair type of its entry processors
        "ProtocolType",  # endpoint qualifiers' protocol: Enterprise advanced networking
    },
    "hazelcast.config": {
        "IndexConfig",  # add_index takes keyword arguments in both clients
        "BitmapIndexOptions",  # add_index(bitmap_index_options={...}) in both clients
        "IndexUtil",
        "number_types",
    },
}


CHECKED_AGAINST = (5, 7)


def _official_version() -> tuple[int, ...]:
    release = importlib.metadata.version("hazelcast-python-client")
    return tuple(int(part) for part in release.split(".")[:2] if part.isdigit())


def _own_public_names(module: types.ModuleType) -> set[str]:
    """What *module* itself defines or lists in ``__all__`` (not what it imports)."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return set(names)
    found = set()
    for name, value in vars(module).items():
        if name.startswith("_") or isinstance(value, types.ModuleType):
            continue
        origin = getattr(value, "__module__", module.__name__)
        if inspect.isclass(value) or inspect.isfunction(value):
            if origin != module.__name__:
                continue
        elif not name.isupper() and not isinstance(value, (int, str, float)):
            continue
        found.add(name)
    return found


@pytest.mark.parametrize(("official", "ours"), MODULES, ids=[m for _, m in MODULES])
def test_every_public_name_of_the_official_module_exists(official: str, ours: str) -> None:
    reference = importlib.import_module(official)
    module = importlib.import_module(ours)
    expected = _own_public_names(reference) - NOT_PUBLIC.get(official, set())
    missing = sorted(name for name in expected if not hasattr(module, name))
    message = f"{ours} lacks {missing} (the official {official} has them)"
    if missing and _official_version() > CHECKED_AGAINST:
        warnings.warn(message, stacklevel=1)
        return
    assert not missing, message


def test_the_top_level_and_the_load_balancers() -> None:
    import hazelcast.util

    import hztrio
    import hztrio.util

    assert not [n for n in dir(hazelcast) if n[0].isupper() and not hasattr(hztrio, n)]
    for name in ("RoundRobinLB", "RandomLB", "AbstractLoadBalancer"):
        if hasattr(hazelcast.util, name):
            assert hasattr(hztrio.util, name), name


def test_the_core_types_are_the_ones_the_client_hands_out() -> None:
    from hztrio import core
    from hztrio.client import DistributedObjectEvent
    from hztrio.protocol.types import MemberInfo, SimpleEntryView

    assert core.MemberInfo is MemberInfo
    assert core.SimpleEntryView is SimpleEntryView
    assert core.DistributedObjectEvent is DistributedObjectEvent
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        core.Nothing  # noqa: B018
