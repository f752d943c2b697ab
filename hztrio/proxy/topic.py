"""A publish/subscribe topic (``ITopic``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

import anyio

from ..listener import DEFAULT_BUFFER_SIZE, EventDispatcher, EventSubscription, ListenerRegistration
from ..protocol.codecs import topic as codecs
from ..protocol.frame import ClientMessage
from ..protocol.types import MemberInfo
from ..serialization.data import Data
from .base import Proxy, ProxyContext

MessageType = TypeVar("MessageType")

TOPIC_SERVICE = "hz:impl:topicService"

_PUBLISH = codecs.TOPIC_PUBLISH.encode_request
_PUBLISH_ALL = codecs.TOPIC_PUBLISH_ALL.encode_request
_ADD_LISTENER = codecs.TOPIC_ADD_MESSAGE_LISTENER
_REMOVE_LISTENER = codecs.TOPIC_REMOVE_MESSAGE_LISTENER.encode_request
_decode_topic_event = _ADD_LISTENER.event_decoder("Topic")

_NOT_READ = object()


class TopicMessage(Generic[MessageType]):
    """A message received from a :class:`Topic` or a
    :class:`~hztrio.proxy.reliable_topic.ReliableTopic`.

    ``message`` is deserialized when first read (listener callbacks and message iterators get
    it already deserialized).
    """

    __slots__ = ("_data", "_message", "_to_object", "member", "name", "publish_time")

    def __init__(
        self,
        to_object: Callable[[Any], Any],
        name: str,
        data: bytes | None,
        publish_time: float,
        member: MemberInfo | None,
    ) -> None:
        self._to_object = to_object
        self._data = data
        self._message: Any = _NOT_READ
        self.name = name
        """Name of the topic."""
        self.publish_time = publish_time
        """When the message was published: seconds since the epoch (a float, with the
        milliseconds the publisher's clock gave)."""
        self.member = member
        """The member that published it or sent the event (a ``MemberInfo``), if known."""

    def materialize(self) -> None:
        """Deserialize the message now (may raise SchemaNotFoundError)."""
        if self._message is _NOT_READ:
            self._message = self._to_object(self._data)

    @property
    def message(self) -> MessageType:
        """The message itself."""
        self.materialize()
        return self._message  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return (
            f"TopicMessage(name={self.name!r}, message={self.message!r}, "
            f"publish_time={self.publish_time}, member={self.member})"
        )


TopicMessageCallable = Callable[[TopicMessage[Any]], Any]


class Topic(Proxy, Generic[MessageType]):
    """A publish/subscribe topic (``ITopic``).

    Every subscriber gets every message published after it subscribed, in the order each
    publisher published them (as the members deliver them); a message published while no one
    listens is gone. For messages that survive slow or late subscribers, see
    :class:`~hztrio.proxy.reliable_topic.ReliableTopic`.

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """

    def __init__(self, service_name: str, name: str, context: ProxyContext) -> None:
        super().__init__(service_name, name, context)
        self._listeners: dict[str, tuple[uuid.UUID, EventDispatcher[TopicMessage[Any]]]] = {}

    async def publish(self, message: MessageType) -> None:
        """Publish *message* to every subscriber of the topic."""
        data = self._value_data(message, "message")
        await self._invoke_on_name_partition(_PUBLISH(self.name, data))

    async def publish_all(self, messages: Iterable[MessageType]) -> None:
        """Publish *messages*, in order, in one request."""
        if messages is None:
            raise TypeError("messages can't be None")
        if isinstance(messages, str | bytes) or not isinstance(messages, Iterable):
            raise TypeError(f"messages must be a sequence of messages, got {messages!r}")
        data_list = [self._message_data(message) for message in messages]
        await self._invoke_on_name_partition(_PUBLISH_ALL(self.name, data_list))

    def _message_data(self, message: Any) -> Data:
        if message is None:
            raise TypeError("message can't be None")
        data = self._to_data(message)
        assert data is not None
        return data

    # -- listeners ------------------------------------------------------------------------

    async def add_listener(self, on_message: TopicMessageCallable | None = None) -> str:
        """Call *on_message* with a :class:`TopicMessage` for each message published from
        now on; return a registration id for :meth:`remove_listener`.

        The function may be plain or ``async def``; it runs in a task of its own, in order,
        never on the client's reader. The listener is registered on every member and survives
        reconnections. Cancellation: nothing stays registered.
        """
        if on_message is None:
            raise TypeError("on_message can't be None")
        context = self._context
        assert context.listeners is not None and context.spawn is not None
        dispatcher: EventDispatcher[TopicMessage[Any]] = EventDispatcher(
            on_message, f"message listener of topic {self.name!r}", self._prepare
        )
        dispatcher.start(context.spawn)
        try:
            user_id = await context.listeners.register(self._registration(dispatcher.push))
        except BaseException:
            dispatcher.close()
            raise
        self._listeners[str(user_id)] = (user_id, dispatcher)
        return str(user_id)

    async def remove_listener(self, registration_id: str) -> bool:
        """Remove a message listener; True if it was registered.

        Cancellation: the listener is removed locally regardless.
        """
        entry = self._listeners.pop(str(registration_id), None)
        if entry is None:
            await anyio.lowlevel.checkpoint()
            return False
        user_id, dispatcher = entry
        dispatcher.close()
        assert self._context.listeners is not None
        return await self._context.listeners.deregister(user_id)

    def messages(
        self, *, buffer_size: int = DEFAULT_BUFFER_SIZE
    ) -> EventSubscription[TopicMessage[MessageType]]:
        """The topic's messages as an async iterator::

            async with topic.messages() as messages:
                async for message in messages:
                    print(message.message, message.publish_time)

        Subscribed on entering the block (on every member), unsubscribed on leaving it;
        iteration ends when the client shuts down. If the consumer falls *buffer_size*
        messages behind, the subscription stops and, after the buffered messages, iteration
        raises :class:`~hztrio.errors.EventsLostError` (see
        :class:`~hztrio.listener.EventSubscription`).
        """
        listeners = self._context.listeners
        assert listeners is not None
        ids: list[uuid.UUID] = []

        async def enter(subscription: EventSubscription[TopicMessage[MessageType]]) -> None:
            registration = self._registration(subscription.push)
            registration.on_shutdown = subscription.close  # the client going ends iteration
            ids.append(await listeners.register(registration))

        async def leave(subscription: EventSubscription[TopicMessage[MessageType]]) -> None:
            if ids:
                await listeners.deregister(ids.pop())

        return EventSubscription(buffer_size, enter, leave, self._prepare)

    async def _prepare(self, message: TopicMessage[Any]) -> None:
        await self._deserialize(message.materialize)

    def _registration(self, push: Callable[[TopicMessage[Any]], None]) -> ListenerRegistration:
        name = self.name
        to_object = self._to_object
        cluster = self._context.cluster

        def handle(message: ClientMessage) -> None:
            item, publish_time, member_uuid = _decode_topic_event(message)
            member = None if cluster is None else cluster.get_member(member_uuid)
            push(TopicMessage(to_object, name, item, publish_time / 1000.0, member))

        return ListenerRegistration(
            encode_add=lambda local_only: _ADD_LISTENER.encode_request(name, local_only),
            decode_add=_ADD_LISTENER.decode_response,
            encode_remove=lambda server_id: _REMOVE_LISTENER(name, server_id),
            handle=handle,
        )
