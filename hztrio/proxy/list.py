"""A distributed list (``IList``): ordered, indexed, duplicates allowed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from ..protocol.codecs import list as codecs
from .item import CollectionCodecs, CollectionProxy, check_int

ItemType = TypeVar("ItemType")

LIST_SERVICE = "hz:impl:listService"

_ADD = codecs.LIST_ADD.encode_request
_GET_ALL = codecs.LIST_GET_ALL.encode_request
_ADD_ALL_WITH_INDEX = codecs.LIST_ADD_ALL_WITH_INDEX.encode_request
_GET = codecs.LIST_GET.encode_request
_SET = codecs.LIST_SET.encode_request
_ADD_WITH_INDEX = codecs.LIST_ADD_WITH_INDEX.encode_request
_REMOVE_WITH_INDEX = codecs.LIST_REMOVE_WITH_INDEX.encode_request
_LAST_INDEX_OF = codecs.LIST_LAST_INDEX_OF.encode_request
_INDEX_OF = codecs.LIST_INDEX_OF.encode_request
_SUB = codecs.LIST_SUB.encode_request
_ITERATOR = codecs.LIST_ITERATOR.encode_request
_LIST_ITERATOR = codecs.LIST_LIST_ITERATOR.encode_request

_bool_response = codecs.LIST_CONTAINS.decode_response
_int_response = codecs.LIST_SIZE.decode_response
_data_response = codecs.LIST_GET.decode_response  # get, set and removeWithIndex decode alike
_list_response = codecs.LIST_GET_ALL.decode_response  # so do the list-returning ones


class List(CollectionProxy, Generic[ItemType]):
    """A distributed list (``IList``): ordered, indexed, duplicates allowed.

    The whole list lives on one member (and its backups): the owner of the partition of
    its name. Indexes count from 0; an index out of range raises
    :class:`~hztrio.errors.IndexOutOfBoundsError` (negative indexes do not count from the
    end). Items are compared in their serialized form.

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """

    _CODECS = CollectionCodecs(
        add_listener=codecs.LIST_ADD_LISTENER,
        remove_listener=codecs.LIST_REMOVE_LISTENER,
        size=codecs.LIST_SIZE,
        is_empty=codecs.LIST_IS_EMPTY,
        contains=codecs.LIST_CONTAINS,
        contains_all=codecs.LIST_CONTAINS_ALL,
        add_all=codecs.LIST_ADD_ALL,
        remove=codecs.LIST_REMOVE,
        compare_and_remove_all=codecs.LIST_COMPARE_AND_REMOVE_ALL,
        compare_and_retain_all=codecs.LIST_COMPARE_AND_RETAIN_ALL,
        clear=codecs.LIST_CLEAR,
    )

    # -- adding and replacing ---------------------------------------------------------------

    async def add(self, item: ItemType) -> bool:
        """Append *item*; True (a list always changes)."""
        response = await self._invoke_on_name_partition(_ADD(self.name, self._item_data(item)))
        return bool(_bool_response(response))

    async def add_at(self, index: int, item: ItemType) -> None:
        """Insert *item* at *index*, shifting the items from there on to the right."""
        index = check_int("index", index)
        await self._invoke_on_name_partition(
            _ADD_WITH_INDEX(self.name, index, self._item_data(item))
        )

    async def add_all(self, items: Iterable[ItemType]) -> bool:
        """Append every item of *items*, in order; True if the list changed."""
        return await self._add_all(items)

    async def add_all_at(self, index: int, items: Iterable[ItemType]) -> bool:
        """Insert every item of *items*, in order, at *index*; True if the list changed."""
        index = check_int("index", index)
        response = await self._invoke_on_name_partition(
            _ADD_ALL_WITH_INDEX(self.name, index, self._items_data(items))
        )
        return bool(_bool_response(response))

    async def set_at(self, index: int, item: ItemType) -> ItemType:
        """Replace the item at *index* with *item*; return the item that was there."""
        index = check_int("index", index)
        response = await self._invoke_on_name_partition(
            _SET(self.name, index, self._item_data(item))
        )
        return await self._object(_data_response(response))  # type: ignore[no-any-return]

    # -- removing ---------------------------------------------------------------------------

    async def remove(self, item: ItemType) -> bool:
        """Remove the first occurrence of *item*; True if there was one."""
        return await self._remove(item)

    async def remove_at(self, index: int) -> ItemType:
        """Remove the item at *index* (the items after it shift left); return it.

        Cancellation: the item may be removed all the same, and then the caller never
        sees it.
        """
        index = check_int("index", index)
        response = await self._invoke_on_name_partition(_REMOVE_WITH_INDEX(self.name, index))
        return await self._object(_data_response(response))  # type: ignore[no-any-return]

    async def remove_all(self, items: Iterable[ItemType]) -> bool:
        """Remove every item equal to one of *items*; True if the list changed."""
        return await self._remove_all(items)

    async def retain_all(self, items: Iterable[ItemType]) -> bool:
        """Remove every item not equal to one of *items*; True if the list changed."""
        return await self._retain_all(items)

    async def clear(self) -> None:
        """Remove every item."""
        await self._clear()

    # -- reading ----------------------------------------------------------------------------

    async def get(self, index: int) -> ItemType:
        """The item at *index*."""
        index = check_int("index", index)
        response = await self._invoke_on_name_partition(_GET(self.name, index), True)
        return await self._object(_data_response(response))  # type: ignore[no-any-return]

    async def get_all(self) -> list[ItemType]:
        """Every item, in order (a snapshot)."""
        response = await self._invoke_on_name_partition(_GET_ALL(self.name), True)
        return await self._objects(_list_response(response))

    async def iterator(self) -> list[ItemType]:
        """Every item, in order (a snapshot; the same as :meth:`get_all`)."""
        response = await self._invoke_on_name_partition(_ITERATOR(self.name), True)
        return await self._objects(_list_response(response))

    async def list_iterator(self, index: int = 0) -> list[ItemType]:
        """The items from *index* on, in order (a snapshot)."""
        index = check_int("index", index)
        response = await self._invoke_on_name_partition(_LIST_ITERATOR(self.name, index), True)
        return await self._objects(_list_response(response))

    async def sub_list(self, from_index: int, to_index: int) -> list[ItemType]:
        """The items from *from_index* (inclusive) to *to_index* (exclusive), as a plain
        Python list (a snapshot, not a view of the distributed list)."""
        from_index = check_int("from_index", from_index)
        to_index = check_int("to_index", to_index)
        response = await self._invoke_on_name_partition(_SUB(self.name, from_index, to_index), True)
        return await self._objects(_list_response(response))

    async def index_of(self, item: ItemType) -> int:
        """The index of the first occurrence of *item*, or -1."""
        response = await self._invoke_on_name_partition(
            _INDEX_OF(self.name, self._item_data(item)), True
        )
        return int(_int_response(response))

    async def last_index_of(self, item: ItemType) -> int:
        """The index of the last occurrence of *item*, or -1."""
        response = await self._invoke_on_name_partition(
            _LAST_INDEX_OF(self.name, self._item_data(item)), True
        )
        return int(_int_response(response))

    async def contains(self, item: ItemType) -> bool:
        """Whether the list holds an item equal to *item*."""
        return await self._contains(item)

    async def contains_all(self, items: Iterable[ItemType]) -> bool:
        """Whether the list holds an item equal to each of *items*."""
        return await self._contains_all(items)

    async def size(self) -> int:
        """The number of items."""
        return await self._size()

    async def is_empty(self) -> bool:
        """Whether the list has no items."""
        return await self._is_empty()
