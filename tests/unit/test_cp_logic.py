"""hztrio.cp without a member: names and groups, argument checks, session bookkeeping."""

from __future__ import annotations

import math

import pytest

from hztrio.cp import parse_name
from hztrio.cp.base import check_long, millis, seconds
from hztrio.cp.session import _Session
from hztrio.protocol.types import RaftGroupId


def test_names_follow_the_official_rules() -> None:
    assert parse_name("counter") == ("counter", "counter")
    assert parse_name(" counter@mygroup ") == ("counter@mygroup", "counter")
    assert parse_name("counter @ mygroup") == ("counter@mygroup", "counter")
    assert parse_name("counter@DEFAULT") == ("counter", "counter")
    assert parse_name("counter@default") == ("counter", "counter")
    for bad in ("", "  ", "a@b@c", "@group", "counter@", "counter@metadata", "c@METADATA"):
        with pytest.raises(ValueError):
            parse_name(bad)
    for wrong in (7, None, b"counter"):
        with pytest.raises(TypeError):
            parse_name(wrong)


def test_longs() -> None:
    assert check_long(5, "delta") == 5
    assert check_long(2**63 - 1, "delta") == 2**63 - 1
    assert check_long(-(2**63), "delta") == -(2**63)
    for out_of_range in (2**63, -(2**63) - 1):
        with pytest.raises(ValueError, match="delta"):
            check_long(out_of_range, "delta")
    for wrong in (True, 1.0, "1", None):
        with pytest.raises(TypeError, match="delta"):
            check_long(wrong, "delta")


def test_timeouts() -> None:
    assert seconds(1.5) == 1.5
    assert seconds(2) == 2.0
    assert seconds(-3) == 0.0
    assert seconds(math.inf) == math.inf
    assert millis(1.5) == 1500
    assert millis(0) == 0
    assert millis(math.inf) == 2**63 - 1
    assert millis(1e300) == 2**63 - 1
    with pytest.raises(ValueError):
        seconds(math.nan)
    for wrong in ("1", None, False):
        with pytest.raises(TypeError):
            seconds(wrong)


def test_a_session_is_valid_while_in_use_or_young() -> None:
    session = _Session(7, RaftGroupId("default", 0, 1), expires=100.0)
    assert session.is_valid(99.0)
    assert not session.is_valid(100.0)
    session.acquired = 1
    assert session.is_valid(1000.0)  # heartbeats keep a session that holds something alive
