"""Entry listeners: what every structure whose events are the protocol's "Entry" event
shares (Map, MultiMap, ReplicatedMap), and the base of those whose members take no
event-kind mask (MultiMap, ReplicatedMap).

Such a member reports every kind of event it has; the client drops the kinds nobody asked
for (for an iterator, before they take room in its buffer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..listener import (
    CallbackListeners,
    EventSubscription,
    ListenerRegistration,
    registered_subscription,
)
from .base import EntryEvent, EntryEventType, Proxy

if TYPE_CHECKING:
    from ..protocol.codec import Codec
    from ..protocol.frame import ClientMessage

EntryEventCallable = Callable[[EntryEvent], Any]

#: what a structure builds for one listener: the codec it registers with (its response and
#: event decoders) and the function that encodes the registration (given local_only)
AddListener = tuple["Codec", Callable[[bool], bytearray]]


def callback_flags(funcs: Mapping[EntryEventType, EntryEventCallable | None]) -> EntryEventType:
    """The kinds of events the given ``*_func`` callbacks of an ``add_entry_listener`` ask
    for: TypeError for one that is not callable, ValueError if none is given."""
    flags = EntryEventType(0)
    for event_type, func in funcs.items():
        if func is not None:
            if not callable(func):
                raise TypeError(f"{event_type.name.lower()}_func must be callable, got {func!r}")
            flags |= event_type
    if not flags:
        raise ValueError("give at least one of the *_func callbacks")
    return flags


def deliverer(
    funcs: Mapping[EntryEventType, EntryEventCallable | None],
) -> Callable[[EntryEvent], Any]:
    """The callback of a listener's dispatcher: each event to the function of its kind."""

    def deliver(event: EntryEvent) -> Any:
        func = funcs.get(event.event_type)
        return None if func is None else func(event)

    return deliver


def entry_registration(
    proxy: Proxy,
    add: AddListener,
    remove: Codec,
    push: Callable[[EntryEvent], None],
    wanted: EntryEventType | None = None,
) -> ListenerRegistration:
    """The registration of an entry listener of *proxy*: *add* registers it, *remove* (the
    structure's removeEntryListener codec) removes it, and each "Entry" event becomes an
    :class:`EntryEvent` for *push* — only the kinds *wanted* has, if given."""
    codec, encode_add = add
    decode_event = codec.event_decoder("Entry")
    name = proxy.name
    to_object = proxy._to_object
    cluster = proxy._context.cluster
    encode_remove = remove.encode_request
    mask = None if wanted is None else int(wanted)

    def handle(message: ClientMessage) -> None:
        key, value, old, merging, event_type, member_uuid, affected = decode_event(message)
        if mask is not None and not event_type & mask:
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
        self._entry_listeners: CallbackListeners[EntryEvent] = CallbackListeners(
            context.listeners, context.spawn
        )

    async def _add_entry_listener(
        self, funcs: Mapping[EntryEventType, EntryEventCallable | None], add: AddListener
    ) -> str:
        """Register a listener that calls ``funcs[event.event_type]`` for each event."""
        flags = callback_flags(funcs)
        return await self._entry_listeners.add(
            deliverer(funcs),
            f"entry listener of {self._KIND} {self.name!r}",
            self._prepare,
            lambda push: self._registration(add, flags, push),
            self._send_schemas,
        )

    async def remove_entry_listener(self, registration_id: str) -> bool:
        """Remove an entry listener added by ``add_entry_listener``; True if it was
        registered, False for an unknown (or already removed) id.

        Cancellation: the listener is removed locally regardless (its functions are not
        called again); removing it from the members may be cut short.
        """
        return await self._entry_listeners.remove(registration_id)

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
        return registered_subscription(
            self._context.listeners,
            buffer_size,
            lambda push: self._registration(add, flags, push),
            self._prepare,
            self._send_schemas,
        )

    async def _prepare(self, event: EntryEvent) -> None:
        await self._deserialize(event.materialize)

    def _registration(
        self, add: AddListener, flags: EntryEventType, push: Callable[[EntryEvent], None]
    ) -> ListenerRegistration:
        return entry_registration(self, add, self._REMOVE_LISTENER, push, flags)
