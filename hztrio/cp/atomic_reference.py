"""The CP Subsystem's ``AtomicReference``: a linearizable register holding one value."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from ..protocol.codecs import atomic_ref as codecs
from ..serialization.data import Data
from .base import CPProxy

ATOMIC_REFERENCE_SERVICE = "hz:raft:atomicRefService"

ElementType = TypeVar("ElementType")

_APPLY = codecs.ATOMIC_REF_APPLY
_COMPARE_AND_SET = codecs.ATOMIC_REF_COMPARE_AND_SET
_CONTAINS = codecs.ATOMIC_REF_CONTAINS
_GET = codecs.ATOMIC_REF_GET
_SET = codecs.ATOMIC_REF_SET

# the member's ReturnValueType for apply: which value the call answers with
_NO_VALUE = 0
_OLD_VALUE = 1
_NEW_VALUE = 2


class AtomicReference(CPProxy, Generic[ElementType]):
    """A register of the CP Subsystem holding one value or None (Hazelcast's
    ``IAtomicReference``).

    Every change is a Raft commit of its CP group: linearizable, and kept through member
    failures as long as a majority of the group lives. The member keeps the value serialized:
    ``compare_and_set`` and ``contains`` compare serialized forms, not Python equality (an
    ``int`` and the same number as a Java ``Long`` are different values), and every read
    returns a fresh copy.

    The ``alter``/``apply`` family takes a *function*: a serializable Python object whose
    Java counterpart on the members implements ``com.hazelcast.core.IFunction``; it runs on
    the members, which must then be able to deserialize the stored value.

    Writes are at-least-once, as for every CP structure (a CP member failure may commit a
    call twice). Cancellation (every method): the call stops waiting at once; a write
    already sent may still be committed.
    """

    async def compare_and_set(self, expect: ElementType | None, update: ElementType | None) -> bool:
        """Set the value to *update* if it is *expect* (either may be None); True if set."""
        request = _COMPARE_AND_SET.encode_request(
            self.group_id, self.object_name, self._to_data(expect), self._to_data(update)
        )
        return bool(_COMPARE_AND_SET.decode_response(await self._invoke(request)))

    async def get(self) -> ElementType | None:
        """The current value (None if there is none)."""
        response = await self._invoke(_GET.encode_request(self.group_id, self.object_name), True)
        return await self._read(_GET.decode_response(response))

    async def set(self, new_value: ElementType | None) -> None:
        """Set the value to *new_value* (None clears it)."""
        await self._invoke(
            _SET.encode_request(self.group_id, self.object_name, self._to_data(new_value), False)
        )

    async def get_and_set(self, new_value: ElementType | None) -> ElementType | None:
        """Set the value to *new_value* (None clears it) and return the value before."""
        request = _SET.encode_request(
            self.group_id, self.object_name, self._to_data(new_value), True
        )
        return await self._read(_SET.decode_response(await self._invoke(request)))

    async def is_none(self) -> bool:
        """True if there is no value (the official client's name; see :meth:`is_null`)."""
        return await self.contains(None)

    async def is_null(self) -> bool:
        """True if there is no value (Java's name for :meth:`is_none`)."""
        return await self.contains(None)

    async def clear(self) -> None:
        """Remove the value (the same as ``set(None)``)."""
        await self.set(None)

    async def contains(self, value: ElementType | None) -> bool:
        """True if the value is *value* (None: if there is no value)."""
        request = _CONTAINS.encode_request(self.group_id, self.object_name, self._to_data(value))
        return bool(_CONTAINS.decode_response(await self._invoke(request, True)))

    async def alter(self, function: Any) -> None:
        """Replace the value with ``function(value)``, computed on the members."""
        await self._apply(function, _NO_VALUE, True)

    async def alter_and_get(self, function: Any) -> ElementType | None:
        """Replace the value with ``function(value)``, computed on the members; return the
        new value."""
        return await self._apply(function, _NEW_VALUE, True)

    async def get_and_alter(self, function: Any) -> ElementType | None:
        """Replace the value with ``function(value)``, computed on the members; return the
        value before."""
        return await self._apply(function, _OLD_VALUE, True)

    async def apply(self, function: Any) -> Any:
        """``function(value)``, computed on the members, without changing the value.

        Returns whatever the function returns, deserialized (any type).
        """
        return await self._apply(function, _NEW_VALUE, False)

    async def _apply(self, function: Any, result_type: int, alter: bool) -> ElementType | None:
        request = _APPLY.encode_request(
            self.group_id, self.object_name, self._function_data(function), result_type, alter
        )
        return await self._read(_APPLY.decode_response(await self._invoke(request)))

    async def _read(self, data: Data | None) -> ElementType | None:
        if data is None:
            return None
        value: ElementType | None = await self._deserialize(lambda: self._to_object(data))
        return value
