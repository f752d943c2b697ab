"""A distributed set (``ISet``): no duplicates, no order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from ..protocol.codecs import set as codecs
from .item import CollectionProxy

ItemType = TypeVar("ItemType")

SET_SERVICE = "hz:impl:setService"

_SIZE = codecs.SET_SIZE.encode_request
_CONTAINS = codecs.SET_CONTAINS.encode_request
_CONTAINS_ALL = codecs.SET_CONTAINS_ALL.encode_request
_ADD = codecs.SET_ADD.encode_request
_REMOVE = codecs.SET_REMOVE.encode_request
_ADD_ALL = codecs.SET_ADD_ALL.encode_request
_COMPARE_AND_REMOVE_ALL = codecs.SET_COMPARE_AND_REMOVE_ALL.encode_request
_COMPARE_AND_RETAIN_ALL = codecs.SET_COMPARE_AND_RETAIN_ALL.encode_request
_CLEAR = codecs.SET_CLEAR.encode_request
_GET_ALL = codecs.SET_GET_ALL.encode_request
_IS_EMPTY = codecs.SET_IS_EMPTY.encode_request

_bool_response = codecs.SET_CONTAINS.decode_response
_int_response = codecs.SET_SIZE.decode_response
_list_response = codecs.SET_GET_ALL.decode_response


class Set(CollectionProxy, Generic[ItemType]):
    """A distributed set (``ISet``): no duplicates, no order.

    The whole set lives on one member (and its backups): the owner of the partition of its
    name. Two items are the same item when their serialized forms are equal (a Python
    ``int`` is a Java ``Integer`` by default, not the ``Long`` of the same number).

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """

    _ADD_LISTENER = codecs.SET_ADD_LISTENER
    _REMOVE_LISTENER = codecs.SET_REMOVE_LISTENER

    async def add(self, item: ItemType) -> bool:
        """Add *item*; True if it was not there yet."""
        response = await self._invoke_on_name_partition(_ADD(self.name, self._item_data(item)))
        return bool(_bool_response(response))

    async def add_all(self, items: Iterable[ItemType]) -> bool:
        """Add every item of *items*; True if the set changed."""
        response = await self._invoke_on_name_partition(
            _ADD_ALL(self.name, self._items_data(items))
        )
        return bool(_bool_response(response))

    async def remove(self, item: ItemType) -> bool:
        """Remove *item*; True if it was there."""
        response = await self._invoke_on_name_partition(_REMOVE(self.name, self._item_data(item)))
        return bool(_bool_response(response))

    async def remove_all(self, items: Iterable[ItemType]) -> bool:
        """Remove every item of *items*; True if the set changed."""
        response = await self._invoke_on_name_partition(
            _COMPARE_AND_REMOVE_ALL(self.name, self._items_data(items))
        )
        return bool(_bool_response(response))

    async def retain_all(self, items: Iterable[ItemType]) -> bool:
        """Remove every item not in *items*; True if the set changed."""
        response = await self._invoke_on_name_partition(
            _COMPARE_AND_RETAIN_ALL(self.name, self._items_data(items))
        )
        return bool(_bool_response(response))

    async def clear(self) -> None:
        """Remove every item."""
        await self._invoke_on_name_partition(_CLEAR(self.name))

    async def contains(self, item: ItemType) -> bool:
        """Whether *item* is in the set."""
        response = await self._invoke_on_name_partition(
            _CONTAINS(self.name, self._item_data(item)), True
        )
        return bool(_bool_response(response))

    async def contains_all(self, items: Iterable[ItemType]) -> bool:
        """Whether every item of *items* is in the set."""
        response = await self._invoke_on_name_partition(
            _CONTAINS_ALL(self.name, self._items_data(items)), True
        )
        return bool(_bool_response(response))

    async def get_all(self) -> list[ItemType]:
        """Every item, in no particular order (a snapshot)."""
        response = await self._invoke_on_name_partition(_GET_ALL(self.name), True)
        return await self._objects(_list_response(response))

    async def size(self) -> int:
        """The number of items."""
        return int(_int_response(await self._invoke_on_name_partition(_SIZE(self.name), True)))

    async def is_empty(self) -> bool:
        """Whether the set has no items."""
        response = await self._invoke_on_name_partition(_IS_EMPTY(self.name), True)
        return bool(_bool_response(response))
