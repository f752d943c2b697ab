"""The cluster view: the member list as the cluster reports it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

import anyio

from .protocol.types import MemberInfo

_logger = logging.getLogger("hztrio.cluster")

MembersChanged = Callable[[list[MemberInfo], list[MemberInfo]], None]


class ClusterService:
    """Keeps the member list; synchronous except for :meth:`wait_initial_member_list`."""

    def __init__(self) -> None:
        self._members: dict[uuid.UUID, MemberInfo] = {}
        self._version = -1
        self._initial = anyio.Event()
        self._observers: list[MembersChanged] = []

    def get_members(
        self, member_selector: Callable[[MemberInfo], bool] | None = None
    ) -> list[MemberInfo]:
        """The members of the cluster (those *member_selector* accepts, if given)."""
        members = list(self._members.values())
        if member_selector is None:
            return members
        return [m for m in members if member_selector(m)]

    def get_member(self, member_uuid: uuid.UUID) -> MemberInfo | None:
        return self._members.get(member_uuid)

    @property
    def member_list_version(self) -> int:
        return self._version

    @property
    def has_member_list(self) -> bool:
        return self._initial.is_set()

    def add_observer(self, observer: MembersChanged) -> None:
        """Internal: call *observer(removed, added)* after every applied member list."""
        self._observers.append(observer)

    async def wait_initial_member_list(self) -> None:
        """Wait until the first member list has arrived.

        Cancellation: stops waiting; nothing else happens.
        """
        await self._initial.wait()

    def handle_members_view(self, version: int, members: list[MemberInfo]) -> None:
        """Apply a MembersView event if it is newer than what we have."""
        if version <= self._version:
            return
        old = self._members
        new = {m.uuid: m for m in members}
        self._members = new
        self._version = version
        removed = [m for u, m in old.items() if u not in new]
        added = [m for u, m in new.items() if u not in old]
        if removed or added or not self._initial.is_set():
            _logger.info(self._describe())
        self._initial.set()
        for observer in list(self._observers):
            observer(removed, added)

    def reset(self) -> None:
        """Forget the version so the next view is applied (new cluster, or re-registration).

        The members stay until that view arrives, so that routing keeps working.
        """
        self._version = -1

    def _describe(self) -> str:
        lines = "\n".join(f"\t{m}" for m in self._members.values())
        return f"\n\nMembers [{len(self._members)}] {{\n{lines}\n}}\n"
