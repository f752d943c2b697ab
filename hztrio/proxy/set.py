"""A distributed set (``ISet``): no duplicates, no order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from ..protocol.codecs import set as codecs
from .item import CollectionCodecs, CollectionProxy

ItemType = TypeVar("ItemType")

SET_SERVICE = "hz:impl:setService"

_ADD = codecs.SET_ADD.encode_request
_GET_ALL = codecs.SET_GET_ALL.encode_request

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

    _CODECS = CollectionCodecs(
        add_listener=codecs.SET_ADD_LISTENER,
        remove_listener=codecs.SET_REMOVE_LISTENER,
        size=codecs.SET_SIZE,
        is_empty=codecs.SET_IS_EMPTY,
        contains=codecs.SET_CONTAINS,
        contains_all=codecs.SET_CONTAINS_ALL,
        add_all=codecs.SET_ADD_ALL,
        remove=codecs.SET_REMOVE,
        compare_and_remove_all=codecs.SET_COMPARE_AND_REMOVE_ALL,
        compare_and_retain_all=codecs.SET_COMPARE_AND_RETAIN_ALL,
        clear=codecs.SET_CLEAR,
    )

    async def add(self, item: ItemType) -> bool:
        """Add *item*; True if it was not there yet."""
        response = await self._invoke_on_name_partition(_ADD(self.name, self._item_data(item)))
        return bool(_bool_response(response))

    async def add_all(self, items: Iterable[ItemType]) -> bool:
        """Add every item of *items*; True if the set changed."""
        return await self._add_all(items)

    async def remove(self, item: ItemType) -> bool:
        """Remove *item*; True if it was there."""
        return await self._remove(item)

    async def remove_all(self, items: Iterable[ItemType]) -> bool:
        """Remove every item of *items*; True if the set changed."""
        return await self._remove_all(items)

    async def retain_all(self, items: Iterable[ItemType]) -> bool:
        """Remove every item not in *items*; True if the set changed."""
        return await self._retain_all(items)

    async def clear(self) -> None:
        """Remove every item."""
        await self._clear()

    async def contains(self, item: ItemType) -> bool:
        """Whether *item* is in the set."""
        return await self._contains(item)

    async def contains_all(self, items: Iterable[ItemType]) -> bool:
        """Whether every item of *items* is in the set."""
        return await self._contains_all(items)

    async def get_all(self) -> list[ItemType]:
        """Every item, in no particular order (a snapshot)."""
        response = await self._invoke_on_name_partition(_GET_ALL(self.name), True)
        return await self._objects(_list_response(response))

    async def size(self) -> int:
        """The number of items."""
        return await self._size()

    async def is_empty(self) -> bool:
        """Whether the set has no items."""
        return await self._is_empty()
