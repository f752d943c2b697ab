"""The CP Subsystem's ``AtomicLong``: a linearizable 64-bit counter."""

from __future__ import annotations

from typing import Any

from ..protocol.codecs import atomic_long as codecs
from .base import CPProxy, check_long

ATOMIC_LONG_SERVICE = "hz:raft:atomicLongService"

_ADD_AND_GET = codecs.ATOMIC_LONG_ADD_AND_GET
_COMPARE_AND_SET = codecs.ATOMIC_LONG_COMPARE_AND_SET
_GET = codecs.ATOMIC_LONG_GET
_GET_AND_ADD = codecs.ATOMIC_LONG_GET_AND_ADD
_GET_AND_SET = codecs.ATOMIC_LONG_GET_AND_SET
_ALTER = codecs.ATOMIC_LONG_ALTER
_APPLY = codecs.ATOMIC_LONG_APPLY

# the member's AlterResultType: which value ``alter`` answers with
_OLD_VALUE = 0
_NEW_VALUE = 1


class AtomicLong(CPProxy):
    """A 64-bit signed counter of the CP Subsystem (Hazelcast's ``IAtomicLong``).

    Every change is a Raft commit of its CP group: linearizable, and kept through member
    failures as long as a majority of the group lives. Values are Python ints in the range of
    a Java ``long`` (TypeError for another type, ValueError outside the range); arithmetic
    wraps around as Java's does.

    The ``alter``/``apply`` family takes a *function*: a serializable Python object
    (``IdentifiedDataSerializable``, ``Portable``, Compact, …) whose Java counterpart on the
    members implements ``com.hazelcast.core.IFunction``; it runs on the members.

    Like any other CP call, a write may be committed more than once if a CP member fails while
    it runs (at-least-once; see the member's ``fail-on-indeterminate-operation-state``).

    Cancellation (every method): the call stops waiting at once; a write already sent may
    still be committed.
    """

    async def add_and_get(self, delta: int) -> int:
        """Add *delta* and return the new value."""
        response = await self._invoke(
            _ADD_AND_GET.encode_request(self.group_id, self.object_name, check_long(delta, "delta"))
        )
        return int(_ADD_AND_GET.decode_response(response))

    async def compare_and_set(self, expect: int, update: int) -> bool:
        """Set the value to *update* if it is *expect*; True if it was set."""
        request = _COMPARE_AND_SET.encode_request(
            self.group_id,
            self.object_name,
            check_long(expect, "expect"),
            check_long(update, "update"),
        )
        return bool(_COMPARE_AND_SET.decode_response(await self._invoke(request)))

    async def decrement_and_get(self) -> int:
        """Subtract one and return the new value."""
        return await self.add_and_get(-1)

    async def get_and_decrement(self) -> int:
        """Subtract one and return the value before."""
        return await self.get_and_add(-1)

    async def get(self) -> int:
        """The current value."""
        response = await self._invoke(_GET.encode_request(self.group_id, self.object_name), True)
        return int(_GET.decode_response(response))

    async def get_and_add(self, delta: int) -> int:
        """Add *delta* and return the value before."""
        response = await self._invoke(
            _GET_AND_ADD.encode_request(self.group_id, self.object_name, check_long(delta, "delta"))
        )
        return int(_GET_AND_ADD.decode_response(response))

    async def get_and_set(self, new_value: int) -> int:
        """Set the value to *new_value* and return the value before."""
        response = await self._invoke(
            _GET_AND_SET.encode_request(
                self.group_id, self.object_name, check_long(new_value, "new_value")
            )
        )
        return int(_GET_AND_SET.decode_response(response))

    async def increment_and_get(self) -> int:
        """Add one and return the new value."""
        return await self.add_and_get(1)

    async def get_and_increment(self) -> int:
        """Add one and return the value before."""
        return await self.get_and_add(1)

    async def set(self, new_value: int) -> None:
        """Set the value to *new_value*."""
        await self._invoke(
            _GET_AND_SET.encode_request(
                self.group_id, self.object_name, check_long(new_value, "new_value")
            )
        )

    async def alter(self, function: Any) -> None:
        """Replace the value with ``function(value)``, computed on the members."""
        await self._alter(function, _NEW_VALUE)

    async def alter_and_get(self, function: Any) -> int:
        """Replace the value with ``function(value)``, computed on the members; return the
        new value."""
        return await self._alter(function, _NEW_VALUE)

    async def get_and_alter(self, function: Any) -> int:
        """Replace the value with ``function(value)``, computed on the members; return the
        value before."""
        return await self._alter(function, _OLD_VALUE)

    async def apply(self, function: Any) -> Any:
        """``function(value)``, computed on the members, without changing the value.

        Returns whatever the function returns, deserialized (any type).
        """
        request = _APPLY.encode_request(
            self.group_id, self.object_name, self._function_data(function)
        )
        data = _APPLY.decode_response(await self._invoke(request))
        return await self._deserialize(lambda: self._to_object(data))

    async def _alter(self, function: Any, result_type: int) -> int:
        request = _ALTER.encode_request(
            self.group_id, self.object_name, self._function_data(function), result_type
        )
        return int(_ALTER.decode_response(await self._invoke(request)))
