"""The cluster view: the member list, and membership events."""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio

from .listener import DEFAULT_BUFFER_SIZE, EventDispatcher, EventSubscription, Spawner
from .protocol.types import MemberInfo

__all__ = ["ClusterService", "MembershipEvent", "MembershipEventType"]

_logger = logging.getLogger("hztrio.cluster")

MembersChanged = Callable[[list[MemberInfo], list[MemberInfo]], None]
MemberCallback = Callable[[MemberInfo], Any]


class MembershipEventType(enum.IntEnum):
    """What happened to a member (Java's ``MembershipEvent`` constants)."""

    MEMBER_ADDED = 1
    MEMBER_REMOVED = 2


@dataclass(frozen=True, slots=True)
class MembershipEvent:
    """A member joined or left the cluster."""

    member: MemberInfo
    event_type: MembershipEventType
    #: the member list right after the change
    members: list[MemberInfo]


class ClusterService:
    """Keeps the member list and tells membership listeners about changes.

    ``client.cluster_service`` is this object. Member-list updates arrive on the reader task
    and are applied synchronously; listener callbacks run in tasks of their own (see
    :mod:`hztrio.listener`).
    """

    def __init__(self) -> None:
        self._members: dict[uuid.UUID, MemberInfo] = {}
        self._version = -1
        self._initial = anyio.Event()
        self._observers: list[MembersChanged] = []
        self._listeners: dict[str, EventDispatcher[MembershipEvent]] = {}
        self._subscriptions: set[EventSubscription[MembershipEvent]] = set()
        self._spawn: Spawner | None = None

    # -- queries --------------------------------------------------------------------------

    def get_members(
        self, member_selector: Callable[[MemberInfo], bool] | None = None
    ) -> list[MemberInfo]:
        """The members of the cluster (those *member_selector* accepts, if given)."""
        members = list(self._members.values())
        if member_selector is None:
            return members
        return [m for m in members if member_selector(m)]

    def get_member(self, member_uuid: uuid.UUID) -> MemberInfo | None:
        """The member with this UUID, if it is in the current member list."""
        return self._members.get(member_uuid)

    @property
    def member_list_version(self) -> int:
        return self._version

    @property
    def has_member_list(self) -> bool:
        return self._initial.is_set()

    # -- listeners ------------------------------------------------------------------------

    def add_listener(
        self,
        member_added: MemberCallback | None = None,
        member_removed: MemberCallback | None = None,
        fire_for_existing: bool = False,
    ) -> str:
        """Call *member_added* / *member_removed* with the :class:`MemberInfo` of every member
        that joins / leaves the cluster; return a registration id.

        The callbacks may be plain functions or ``async def``; they run in a task of their
        own, in order, never on the client's reader. With *fire_for_existing*, *member_added*
        is first called for every current member.
        """
        if member_added is None and member_removed is None:
            raise ValueError("give member_added, member_removed, or both")
        for name, fn in (("member_added", member_added), ("member_removed", member_removed)):
            if fn is not None and not callable(fn):
                raise TypeError(f"{name} must be callable, got {fn!r}")

        def deliver(event: MembershipEvent) -> Any:
            fn = (
                member_added
                if event.event_type == MembershipEventType.MEMBER_ADDED
                else (member_removed)
            )
            return None if fn is None else fn(event.member)

        dispatcher = EventDispatcher(deliver, "membership listener")
        registration_id = str(uuid.uuid4())
        self._listeners[registration_id] = dispatcher
        if self._spawn is not None:
            dispatcher.start(self._spawn)
        if fire_for_existing and member_added is not None:
            members = list(self._members.values())
            for member in members:
                dispatcher.push(MembershipEvent(member, MembershipEventType.MEMBER_ADDED, members))
        return registration_id

    def remove_listener(self, registration_id: str) -> bool:
        """Remove a membership listener; True if it was registered."""
        dispatcher = self._listeners.pop(registration_id, None)
        if dispatcher is None:
            return False
        dispatcher.close()
        return True

    def membership_events(
        self, *, buffer_size: int = DEFAULT_BUFFER_SIZE, fire_for_existing: bool = False
    ) -> EventSubscription[MembershipEvent]:
        """Membership events as an async iterator::

            async with client.cluster_service.membership_events() as events:
                async for event in events:
                    print(event.event_type.name, event.member)

        With *fire_for_existing*, a MEMBER_ADDED event for each current member comes first.
        See :class:`~hztrio.listener.EventSubscription` for the buffer and overflow policy.
        """

        def enter(subscription: EventSubscription[MembershipEvent]) -> None:
            self._subscriptions.add(subscription)
            if fire_for_existing:
                members = list(self._members.values())
                for member in members:
                    subscription.push(
                        MembershipEvent(member, MembershipEventType.MEMBER_ADDED, members)
                    )

        def leave(subscription: EventSubscription[MembershipEvent]) -> None:
            self._subscriptions.discard(subscription)

        return EventSubscription(buffer_size, enter, leave)

    # -- internal -------------------------------------------------------------------------

    def start(self, spawn: Spawner) -> None:
        """Internal: the client's task group exists; start the listeners' tasks."""
        self._spawn = spawn
        for dispatcher in self._listeners.values():
            dispatcher.start(spawn)

    def shutdown(self) -> None:
        for subscription in list(self._subscriptions):
            subscription.close()

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
        if not (removed or added):
            return
        current = list(new.values())
        events = [MembershipEvent(m, MembershipEventType.MEMBER_REMOVED, current) for m in removed]
        events += [MembershipEvent(m, MembershipEventType.MEMBER_ADDED, current) for m in added]
        for event in events:
            for dispatcher in self._listeners.values():
                dispatcher.push(event)
            for subscription in self._subscriptions:
                subscription.push(event)

    def reset(self) -> None:
        """Forget the version so the next view is applied (new cluster, or re-registration).

        The members stay until that view arrives, so that routing keeps working.
        """
        self._version = -1

    def _describe(self) -> str:
        lines = "\n".join(f"\t{m}" for m in self._members.values())
        return f"\n\nMembers [{len(self._members)}] {{\n{lines}\n}}\n"
