"""Entry listeners of the structures whose events are the protocol's "Entry" event but whose
members take no event-kind mask (MultiMap, ReplicatedMap).

Such a member reports every kind of event it has; the client drops the kinds nobody asked
for (for an iterator, before they take room in its buffer).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import anyio

from ..listener import EventDispatcher, EventSubscription, ListenerRegistration
from .base import EntryEvent, EntryEventType, Proxy

if TYPE_CHECKING:
    from ..protocol.codec import Codec
    from ..protocol.frame import ClientMessage

EntryEventCallable = Callable[[EntryEvent], Any]

#: what a structure builds for one listener: the codec it registers with (its response and
#: event decoders) and the function that encodes the registration (given local_only)
AddListener = tuple["Codec", Callable[[bool], bytearray]]


class EntryListenerProxy(Proxy):
    """Base of MultiMap and ReplicatedMap: ``add_entry_listener`` plumbing,
    ``remove_entry_listener`` and ``entry_events`` iterators.

    Subclasses set ``_REMOVE_LISTENER`` (their removeEntryListener codec), ``_EVENT_TYPES``
    (every kind their member reports) and ``_KIND`` (for log messages).
    """

    _REMOVE_LISTENER: ClassVar[Codec]
    _EVENT_TYPES: ClassVar[EntryEventType]
    _KIND: ClassVar[str]

    def __init__(self, service_name: str, name: str, context: Any) -> None:
        super().__init__(service_name, name, context)
        self._entry_listeners: dict[str, tuple[uuid.UUID, EventDispatcher[EntryEvent]]] = {}

    async def _add_entry_listener(
        self, funcs: Mapping[EntryEventType, EntryEventCallable | None], add: AddListener
    ) -> str:
        """Register a listener that calls ``funcs[event.event_type]`` for each event."""
        flags = EntryEventType(0)
        for event_type, func in funcs.items():
            if func is not None:
                if not callable(func):
                    raise TypeError(
                        f"{event_type.name.lower()}_func must be callable, got {func!r}"
                    )
                flags |= event_type
        if not flags:
            raise ValueError("give at least one of the *_func callbacks")

        def deliver(event: EntryEvent) -> Any:
            func = funcs.get(event.event_type)
            return None if func is None else func(event)

        context = self._context
        assert context.listeners is not None and context.spawn is not None
        dispatcher = EventDispatcher(
            deliver, f"entry listener of {self._KIND} {self.name!r}", self._prepare
        )
        dispatcher.start(context.spawn)
        try:
            await self._send_schemas()
            user_id = await context.listeners.register(
                self._registration(add, flags, dispatcher.push)
            )
        except BaseException:
            dispatcher.close()
            raise
        self._entry_listeners[str(user_id)] = (user_id, dispatcher)
        return str(user_id)

    async def remove_entry_listener(self, registration_id: str) -> bool:
        """Remove an entry listener added by ``add_entry_listener``; True if it was
        registered, False for an unknown (or already removed) id.

        Cancellation: the listener is removed locally regardless (its functions are not
        called again); removing it from the members may be cut short.
        """
        entry = self._entry_listeners.pop(str(registration_id), None)
        if entry is None:
            await anyio.lowlevel.checkpoint()
            return False
        user_id, dispatcher = entry
        dispatcher.close()
        assert self._context.listeners is not None
        return await self._context.listeners.deregister(user_id)

    def _entry_events(
        self, add: AddListener, event_types: EntryEventType | None, buffer_size: int
    ) -> EventSubscription[EntryEvent]:
        if event_types is None:
            flags = self._EVENT_TYPES
        else:
            if not isinstance(event_types, int) or isinstance(event_types, bool):
                raise TypeError(f"event_types must be EntryEventType flags, got {event_types!r}")
            flags = EntryEventType(event_types)
            if not flags & self._EVENT_TYPES:
                raise ValueError(
                    f"a {self._KIND} has no events of the kinds {flags!r}; "
                    f"its events are {self._EVENT_TYPES!r}"
                )
        listeners = self._context.listeners
        assert listeners is not None
        ids: list[uuid.UUID] = []

        async def enter(subscription: EventSubscription[EntryEvent]) -> None:
            registration = self._registration(add, flags, subscription.push)
            registration.on_shutdown = subscription.close  # the client going ends iteration
            await self._send_schemas()
            ids.append(await listeners.register(registration))

        async def leave(subscription: EventSubscription[EntryEvent]) -> None:
            if ids:
                await listeners.deregister(ids.pop())

        return EventSubscription(buffer_size, enter, leave, self._prepare)

    async def _prepare(self, event: EntryEvent) -> None:
        await self._deserialize(event.materialize)

    async def _send_schemas(self) -> None:
        """Send the Compact schemas a registration's key or predicate may use."""
        schemas = self._schemas
        if schemas is not None and schemas.has_pending:
            await schemas.send_pending()

    def _registration(
        self, add: AddListener, flags: EntryEventType, push: Callable[[EntryEvent], None]
    ) -> ListenerRegistration:
        codec, encode_add = add
        decode_event = codec.event_decoder("Entry")
        name = self.name
        to_object = self._to_object
        cluster = self._context.cluster
        encode_remove = self._REMOVE_LISTENER.encode_request
        wanted = int(flags)

        def handle(message: ClientMessage) -> None:
            key, value, old, merging, event_type, member_uuid, affected = decode_event(message)
            if not event_type & wanted:
                return
            member = None if cluster is None else cluster.get_member(member_uuid)
            push(
                EntryEvent(
                    to_object,
                    name,
                    key,
                    value,
                    old,
                    merging,
                    event_type,
                    member_uuid,
                    affected,
                    member,
                )
            )

        return ListenerRegistration(
            encode_add=encode_add,
            decode_add=codec.decode_response,
            encode_remove=lambda server_id: encode_remove(name, server_id),
            handle=handle,
        )
