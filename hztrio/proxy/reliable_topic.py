"""A topic backed by a Ringbuffer (``ReliableTopic``)."""

from __future__ import annotations

import inspect
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, Final, Generic, TypeVar

import anyio
from anyio.streams.memory import MemoryObjectSendStream

from ..config import ReliableTopicConfig, TopicOverloadPolicy
from ..errors import (
    ClientOfflineError,
    DistributedObjectDestroyedError,
    EventsLostError,
    HazelcastClientNotActiveError,
    HazelcastError,
    HazelcastIOError,
    IllegalArgumentError,
    OperationTimeoutError,
    StaleSequenceError,
    TargetDisconnectedError,
    TopicOverloadError,
    is_retryable,
)
from ..listener import DEREGISTRATION_GRACE, EventSubscription
from ..protocol.types import Address, MemberInfo
from ..serialization.api import IdentifiedDataSerializable, ObjectDataInput, ObjectDataOutput
from ..serialization.data import Data
from ..serialization.serializers import register_builtin_identified
from .base import Proxy, ProxyContext
from .ringbuffer import MAX_BATCH_SIZE, RINGBUFFER_SERVICE, OverflowPolicy, Ringbuffer
from .topic import TopicMessage

MessageType = TypeVar("MessageType")

RELIABLE_TOPIC_SERVICE = "hz:impl:reliableTopicService"

RINGBUFFER_PREFIX: Final = "_hz_rb_"
"""The ringbuffer of the reliable topic ``name`` is ``_hz_rb_<name>`` (as Java's)."""

#: a BLOCK publisher retries a full ringbuffer after this many seconds, doubling up to the max
_INITIAL_BACKOFF: Final = 0.1
_MAX_BACKOFF: Final = 2.0

_logger = logging.getLogger("hztrio.reliable_topic")


class ReliableTopicMessage(IdentifiedDataSerializable):
    """What a reliable topic stores in its ringbuffer for each message: Java's
    ``com.hazelcast.topic.impl.reliable.ReliableTopicMessage`` (factory -9, class 2).

    Items read straight from a reliable topic's ringbuffer (``_hz_rb_<name>``) are of this
    class; *payload* is the serialized message (a :class:`~hztrio.serialization.data.Data`).
    """

    FACTORY_ID: Final = -9
    CLASS_ID: Final = 2

    __slots__ = ("payload", "publish_time", "publisher_address")

    def __init__(
        self,
        publish_time: float = 0.0,
        publisher_address: Address | None = None,
        payload: Data | None = None,
    ) -> None:
        self.publish_time = publish_time
        """Seconds since the epoch (milliseconds on the wire)."""
        self.publisher_address = publisher_address
        """The address of the member that published it; None for messages from clients."""
        self.payload = payload
        """The serialized message."""

    def write_data(self, output: ObjectDataOutput) -> None:
        output.write_long(round(self.publish_time * 1000))
        output.write_object(self.publisher_address)
        output.write_data(self.payload)

    def read_data(self, input: ObjectDataInput) -> None:
        self.publish_time = input.read_long() / 1000.0
        self.publisher_address = input.read_object()
        self.payload = input.read_data()

    def get_factory_id(self) -> int:
        return self.FACTORY_ID

    def get_class_id(self) -> int:
        return self.CLASS_ID

    def __repr__(self) -> str:
        return (
            f"ReliableTopicMessage(publish_time={self.publish_time}, "
            f"publisher_address={self.publisher_address}, payload={self.payload!r})"
        )


def _read_reliable_topic_message(inp: ObjectDataInput) -> ReliableTopicMessage:
    message = ReliableTopicMessage()
    message.read_data(inp)
    return message


# members send these: every client reads them without a factory
register_builtin_identified(
    ReliableTopicMessage.FACTORY_ID, ReliableTopicMessage.CLASS_ID, _read_reliable_topic_message
)


class ReliableMessageListener(Generic[MessageType]):
    """A listener of a :class:`ReliableTopic` that controls where it starts, what it does on
    errors and whether it tolerates lost messages.

    Subclass it and override what you need; every method may also be ``async def``. The
    defaults are those a plain function listener gets: start with the next message published,
    store nothing, stop on lost messages, go on after an error in :meth:`on_message`.

    The methods are called from one task, one message at a time, in order (never
    concurrently, unless the same object is added twice). For a durable subscription, store
    the sequence :meth:`store_sequence` gets (it is called before each message) and return
    the stored sequence plus one from :meth:`retrieve_initial_sequence`.
    """

    def on_message(self, message: TopicMessage[MessageType]) -> Any:
        """Called with each message."""
        raise NotImplementedError(f"{type(self).__name__}.on_message()")

    def retrieve_initial_sequence(self) -> Any:
        """The sequence of the first message to receive; -1 (the default): the next message
        published."""
        return -1

    def store_sequence(self, sequence: int) -> Any:
        """Called with the sequence of each message before :meth:`on_message` gets it."""
        return None

    def is_loss_tolerant(self) -> Any:
        """Whether to go on when messages were lost (overwritten in the ringbuffer before
        this listener read them, or lost with a member); False (the default): stop."""
        return False

    def is_terminal(self, error: Exception) -> Any:
        """Whether *error*, raised by :meth:`on_message`, stops the listener; False (the
        default): the error is logged and the next message delivered."""
        return False

    def on_cancel(self) -> Any:
        """Called once when the listener stops: removed, terminated (lost messages, an error),
        the topic destroyed, or the client shut down."""
        return None


class _FunctionListener(ReliableMessageListener[Any]):
    """A plain (or ``async def``) function as a listener, with the defaults."""

    def __init__(self, function: Callable[[TopicMessage[Any]], Any]) -> None:
        self._function = function

    def on_message(self, message: TopicMessage[Any]) -> Any:
        return self._function(message)

    def __repr__(self) -> str:
        return repr(self._function)


async def _call(method: Callable[..., Any], *args: Any) -> Any:
    """Call a listener method; await its result if it is awaitable (an ``async def``)."""
    result = method(*args)
    if inspect.isawaitable(result):
        result = await result
    return result


class _Terminated(Exception):
    """The runner stops; ``error`` (if any) is what an iterator raises."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class _MessageRunner:
    """One listener: a task that reads the ringbuffer in batches and delivers in order."""

    def __init__(
        self,
        topic: ReliableTopic[Any],
        registration_id: str,
        listener: ReliableMessageListener[Any],
        sequence: int,
    ) -> None:
        self._topic = topic
        self.registration_id = registration_id
        self._listener = listener
        self.sequence = sequence
        self.cancelled = False
        #: why it stopped, if not because it was cancelled (for the iterator form)
        self.error: BaseException | None = None
        self.done = anyio.Event()
        self._read_scope: anyio.CancelScope | None = None

    def cancel(self) -> None:
        """Stop after the message being delivered (if any); a read in progress is abandoned."""
        self.cancelled = True
        if self._read_scope is not None:
            self._read_scope.cancel()

    async def run(self) -> None:
        try:
            await self._loop()
        except _Terminated as stop:
            self.error = stop.error
        except Exception as exc:  # a bug, or a listener method other than on_message raised
            _logger.exception(
                "Terminating MessageListener %r on topic %s: unexpected error",
                self._listener,
                self._topic.name,
            )
            self.error = exc
        finally:
            runners = self._topic._runners
            if runners.get(self.registration_id) is self:
                del runners[self.registration_id]
            with anyio.move_on_after(DEREGISTRATION_GRACE, shield=True):
                try:
                    await _call(self._listener.on_cancel)
                except Exception:
                    _logger.exception(
                        "on_cancel of MessageListener %r on topic %s raised",
                        self._listener,
                        self._topic.name,
                    )
            self.done.set()

    async def _loop(self) -> None:
        topic = self._topic
        ringbuffer = topic._ringbuffer
        batch_size = 0
        backoff = _INITIAL_BACKOFF
        while not self.cancelled:
            result = None
            with anyio.CancelScope() as scope:
                self._read_scope = scope
                if self.cancelled:
                    break
                try:
                    if not batch_size:
                        capacity = await ringbuffer.capacity()
                        batch_size = min(topic._config.read_batch_size, capacity, MAX_BATCH_SIZE)
                    # bounded by invocation_timeout, as the official clients' reads: an idle
                    # listener asks again now and then, so a read the member forgot (its
                    # client connection closed, say) does not stall the listener for good
                    result = await ringbuffer._read_many(
                        self.sequence, 1, batch_size, None, topic._invocations.invocation_timeout
                    )
                except HazelcastError as exc:
                    if await self._recover(exc, backoff):
                        backoff = min(backoff * 2, _MAX_BACKOFF)
                        continue
                    backoff = _INITIAL_BACKOFF
                    continue
            self._read_scope = None
            if result is None:
                continue
            backoff = _INITIAL_BACKOFF
            # the member moves a start before the head to the head (messages overwritten)
            # and one beyond the tail to the tail (messages lost with a member): either way,
            # the result does not begin where we asked
            lost = result.next_sequence_to_read_from - result.read_count - self.sequence
            if lost and result.next_sequence_to_read_from >= 0:
                await self._on_loss(lost)
            for index, item in enumerate(result.items):
                if self.cancelled:
                    return
                await self._deliver(item, result.get_sequence(index))
            if result.next_sequence_to_read_from >= 0:
                self.sequence = result.next_sequence_to_read_from
            else:
                self.sequence += result.read_count

    async def _on_loss(self, lost: int) -> None:
        listener = self._listener
        if lost > 0:
            what = f"{lost} messages lost (overwritten before they were read)"
        else:
            what = (
                f"the ringbuffer restarted at sequence {self.sequence + lost} after "
                f"{self.sequence}: messages were lost with a member"
            )
        if await _call(listener.is_loss_tolerant):
            _logger.debug("MessageListener %r on topic %s: %s", listener, self._topic.name, what)
            return
        _logger.warning(
            "Terminating MessageListener %r on topic %s: %s", listener, self._topic.name, what
        )
        raise _Terminated(EventsLostError(f"topic {self._topic.name!r}: {what}"))

    async def _deliver(self, item: Any, sequence: int) -> None:
        topic = self._topic
        listener = self._listener
        if not isinstance(item, ReliableTopicMessage):
            _logger.warning(
                "Skipping %r at sequence %d of ringbuffer %s: not a reliable topic message",
                item,
                sequence,
                topic._ringbuffer.name,
            )
            return
        await _call(listener.store_sequence, sequence)
        message: TopicMessage[Any] = TopicMessage(
            topic._to_object,
            topic.name,
            item.payload,
            item.publish_time,
            topic._member_at(item.publisher_address),
        )
        try:
            await topic._deserialize(message.materialize)
            await _call(listener.on_message, message)
        except Exception as exc:
            if self.cancelled:
                raise _Terminated() from None
            try:
                terminal = await _call(listener.is_terminal, exc)
            except Exception:
                _logger.warning(
                    "Terminating MessageListener %r on topic %s: is_terminal raised",
                    listener,
                    topic.name,
                    exc_info=True,
                )
                raise _Terminated(exc) from None
            if terminal:
                _logger.warning(
                    "Terminating MessageListener %r on topic %s: on_message raised",
                    listener,
                    topic.name,
                    exc_info=exc,
                )
                raise _Terminated(exc) from None
            _logger.warning(
                "MessageListener %r on topic %s raised for %r",
                listener,
                topic.name,
                message,
                exc_info=exc,
            )

    async def _recover(self, error: HazelcastError, backoff: float) -> bool:
        """After a failed read: go on (True after a pause, False at once) or raise
        _Terminated."""
        topic = self._topic
        listener = self._listener
        if isinstance(error, HazelcastClientNotActiveError):
            _logger.debug("MessageListener %r on topic %s: client shut down", listener, topic.name)
            raise _Terminated()
        if isinstance(error, DistributedObjectDestroyedError):
            _logger.debug("MessageListener %r on topic %s: topic destroyed", listener, topic.name)
            raise _Terminated(error)
        if isinstance(error, StaleSequenceError | IllegalArgumentError):
            # the sequence is no longer (or not yet) in the ringbuffer: messages were
            # overwritten, or lost with the members that held them
            if not await _call(listener.is_loss_tolerant):
                _logger.warning(
                    "Terminating MessageListener %r on topic %s: messages from sequence %d on "
                    "are lost (%s)",
                    listener,
                    topic.name,
                    self.sequence,
                    error,
                )
                raise _Terminated(
                    EventsLostError(f"messages of topic {topic.name!r} lost: {error}")
                )
            try:
                head = await topic._ringbuffer.head_sequence()
            except HazelcastError as exc:
                _logger.warning(
                    "Terminating MessageListener %r on topic %s: messages were lost and the "
                    "head sequence to go on from could not be read",
                    listener,
                    topic.name,
                    exc_info=exc,
                )
                raise _Terminated(exc) from None
            _logger.debug(
                "MessageListener %r on topic %s jumps from sequence %d to the head %d (%s)",
                listener,
                topic.name,
                self.sequence,
                head,
                error,
            )
            self.sequence = head
            return False
        if isinstance(error, OperationTimeoutError):
            # nothing was published for invocation_timeout seconds: read again at once
            _logger.debug(
                "MessageListener %r on topic %s: no message for a while; reading again from "
                "sequence %d",
                listener,
                topic.name,
                self.sequence,
            )
            return False
        if isinstance(
            error, ClientOfflineError | TargetDisconnectedError | HazelcastIOError
        ) or is_retryable(error, redo=True):
            _logger.debug(
                "MessageListener %r on topic %s: %r; reading again from sequence %d",
                listener,
                topic.name,
                error,
                self.sequence,
            )
            await anyio.sleep(backoff)
            return True
        _logger.warning(
            "Terminating MessageListener %r on topic %s: reading failed",
            listener,
            topic.name,
            exc_info=error,
        )
        raise _Terminated(error)


class _StreamListener(ReliableMessageListener[Any]):
    """The listener behind :meth:`ReliableTopic.messages`: hands messages to the iterator."""

    def __init__(self, send: MemoryObjectSendStream[TopicMessage[Any]], loss_tolerant: bool):
        self._send = send
        self._loss_tolerant = loss_tolerant

    async def on_message(self, message: TopicMessage[Any]) -> None:
        await self._send.send(message)

    def is_loss_tolerant(self) -> bool:
        return self._loss_tolerant

    def is_terminal(self, error: Exception) -> bool:
        return True

    def on_cancel(self) -> None:
        self._send.close()


class ReliableMessageSubscription(EventSubscription[TopicMessage[MessageType]]):
    """The messages of a :class:`ReliableTopic` as an async iterator (see
    :meth:`ReliableTopic.messages`).

    An :class:`~hztrio.listener.EventSubscription` whose buffer never overflows: when it is
    full, the task reading the ringbuffer waits for the consumer.
    """

    def __init__(self, topic: ReliableTopic[MessageType], buffer_size: int, loss_tolerant: bool):
        if isinstance(buffer_size, bool) or not isinstance(buffer_size, int):
            raise TypeError(f"buffer_size must be an int, got {buffer_size!r}")
        super().__init__(buffer_size, self._start, self._stop)
        self._topic = topic
        self._loss_tolerant = bool(loss_tolerant)
        self._runner: _MessageRunner | None = None

    async def _start(self, _subscription: object) -> None:
        # the reading task waits on the buffer (no overflow) and closes it when it ends
        listener = _StreamListener(self._send, self._loss_tolerant)
        _registration_id, self._runner = await self._topic._start_runner(listener)

    async def _stop(self, _subscription: object) -> None:
        runner = self._runner
        if runner is not None:
            runner.cancel()
            await runner.done.wait()

    def _end_error(self) -> BaseException | None:
        """Why reading stopped, if the consumer should hear about it."""
        runner = self._runner
        error = None if runner is None else runner.error
        if isinstance(error, DistributedObjectDestroyedError):
            return None  # the topic was destroyed: the iteration just ends
        return error

    async def __anext__(self) -> TopicMessage[MessageType]:
        """The next message, waiting for it.

        Ends when the client shuts down or the topic is destroyed; raises
        :class:`~hztrio.errors.EventsLostError` (after the messages read before) if messages
        were lost and the subscription is not loss tolerant, or the error that stopped the
        reading. Cancellation: no message is lost.
        """
        try:
            return await super().__anext__()
        except StopAsyncIteration:
            error = self._end_error()
            if error is not None:
                raise error from None
            raise

    def next_buffered(self) -> TopicMessage[MessageType] | None:
        message = super().next_buffered()
        if message is None:
            error = self._end_error()
            if error is not None:
                raise error
        return message


class ReliableTopic(Proxy, Generic[MessageType]):
    """A topic backed by a Ringbuffer (``ReliableTopic``).

    Messages are stored in the ringbuffer ``_hz_rb_<name>`` (configured on the members like
    any ringbuffer: capacity, time to live, backups); each listener reads it at its own pace,
    in order, from one task of the client. A slow listener is not dropped: it misses only
    messages that were overwritten before it read them. Per-topic client options come from the
    client's ``reliable_topics`` option (``read_batch_size``, ``overload_policy``).

    Cancellation (all methods): the call stops waiting at once. A request already sent may
    still take effect on the cluster.
    """

    def __init__(self, service_name: str, name: str, context: ProxyContext) -> None:
        super().__init__(service_name, name, context)
        config = None if context.config is None else context.config.reliable_topics.get(name)
        self._config = config if config is not None else ReliableTopicConfig()
        self._ringbuffer: Ringbuffer[Any] = Ringbuffer(
            RINGBUFFER_SERVICE, RINGBUFFER_PREFIX + name, context
        )
        self._runners: dict[str, _MessageRunner] = {}

    @property
    def config(self) -> ReliableTopicConfig:
        """This topic's options (from the client's ``reliable_topics``, else the defaults)."""
        return self._config

    # -- publishing -----------------------------------------------------------------------

    async def publish(self, message: MessageType) -> None:
        """Publish *message*: add it to the ringbuffer.

        When the ringbuffer is full (only possible with a time to live configured on it), the
        ``overload_policy`` decides: DISCARD_OLDEST overwrites the oldest message,
        DISCARD_NEWEST drops this one, ERROR raises :class:`~hztrio.errors.TopicOverloadError`,
        BLOCK (the default) tries again with a backoff (0.1 s doubling to 2 s) until there is
        room, as long as it takes (no ``invocation_timeout``: use a cancel scope).
        Cancellation: the message may or may not have been published.
        """
        data = self._stored_message(message, time.time())
        await self._add(data, None)

    async def publish_all(self, messages: Iterable[MessageType]) -> None:
        """Publish *messages* (1 to 1000 of them), in order, in one request.

        The ``overload_policy`` applies to the batch as a whole (DISCARD_NEWEST drops all of
        it, BLOCK waits until all of it fits). Cancellation: as :meth:`publish`.
        """
        if messages is None:
            raise TypeError("messages can't be None")
        if isinstance(messages, str | bytes) or not isinstance(messages, Iterable):
            raise TypeError(f"messages must be a sequence of messages, got {messages!r}")
        now = time.time()
        data_list = [self._stored_message(message, now) for message in messages]
        if not data_list:
            raise ValueError("messages can't be empty")
        if len(data_list) > MAX_BATCH_SIZE:
            raise ValueError(
                f"at most {MAX_BATCH_SIZE} messages can be published at once, got {len(data_list)}"
            )
        await self._add(None, data_list)

    def _stored_message(self, message: Any, now: float) -> Data:
        """*message* as the ringbuffer item: a serialized ReliableTopicMessage."""
        if message is None:
            raise TypeError("message can't be None")
        payload = self._to_data(message)
        # the publish time is a wall-clock timestamp read by other clients and members
        data = self._to_data(ReliableTopicMessage(now, None, payload))
        assert data is not None
        return data

    async def _add(self, data: Data | None, data_list: list[Data] | None) -> None:
        ringbuffer = self._ringbuffer
        policy = self._config.overload_policy

        async def add(overflow_policy: OverflowPolicy) -> int:
            if data_list is None:
                return await ringbuffer.add(data, overflow_policy)
            return await ringbuffer.add_all(data_list, overflow_policy)

        if policy == TopicOverloadPolicy.DISCARD_OLDEST:
            await add(OverflowPolicy.OVERWRITE)
        elif policy == TopicOverloadPolicy.DISCARD_NEWEST:
            await add(OverflowPolicy.FAIL)
        elif policy == TopicOverloadPolicy.ERROR:
            if await add(OverflowPolicy.FAIL) == -1:
                what = "message" if data_list is None else f"{len(data_list)} messages"
                raise TopicOverloadError(
                    f"Failed to publish {what} on topic {self.name!r}: its ringbuffer "
                    f"{ringbuffer.name!r} is full"
                )
        else:
            if data_list is not None and len(data_list) > await ringbuffer.capacity():
                # the member refuses such a batch whatever is in the ringbuffer: waiting for
                # room would wait forever
                raise TopicOverloadError(
                    f"{len(data_list)} messages can never fit in the ringbuffer "
                    f"{ringbuffer.name!r} of topic {self.name!r} (its capacity is "
                    f"{ringbuffer._capacity})"
                )
            backoff = _INITIAL_BACKOFF
            while await add(OverflowPolicy.FAIL) == -1:
                await anyio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)

    # -- listeners ------------------------------------------------------------------------

    async def add_listener(
        self,
        listener: ReliableMessageListener[MessageType] | Callable[[TopicMessage[MessageType]], Any],
    ) -> str:
        """Deliver the topic's messages to *listener*; return a registration id for
        :meth:`remove_listener`.

        *listener* is a function (plain or ``async def``) that gets each
        :class:`~hztrio.proxy.topic.TopicMessage`, starting with the next message published,
        or a :class:`ReliableMessageListener` for more control (the start sequence, errors,
        lost messages). Each listener is a task of the client that reads the ringbuffer in
        batches of ``read_batch_size`` and calls the listener for one message at a time, in
        order; it survives reconnections and ends when it is removed, terminated (see
        :class:`ReliableMessageListener`; a plain function stops on lost messages), the topic
        is destroyed, or the client shuts down. Cancellation: nothing stays registered.
        """
        if listener is None:
            raise TypeError("listener can't be None")
        if isinstance(listener, ReliableMessageListener):
            reliable_listener: ReliableMessageListener[Any] = listener
        elif callable(listener):
            reliable_listener = _FunctionListener(listener)
        else:
            raise TypeError(
                f"listener must be a function or a ReliableMessageListener, got {listener!r}"
            )
        registration_id, _runner = await self._start_runner(reliable_listener)
        return registration_id

    async def remove_listener(self, registration_id: str) -> bool:
        """Stop a listener; True if it was running.

        The listener gets no message after the one it may be handling (it may call this
        itself); its ``on_cancel`` is called as its task ends.
        """
        runner = self._runners.pop(str(registration_id), None)
        await anyio.lowlevel.checkpoint()
        if runner is None:
            return False
        runner.cancel()
        return True

    def messages(
        self, *, buffer_size: int | None = None, loss_tolerant: bool = False
    ) -> ReliableMessageSubscription[MessageType]:
        """The topic's messages as an async iterator, from the next message published::

            async with topic.messages() as messages:
                async for message in messages:
                    print(message.message)

        Reading runs ahead of the consumer by at most *buffer_size* messages (default: the
        ``read_batch_size``) and then waits: nothing is dropped on the client. Messages the
        ringbuffer overwrote before they were read are lost: iteration then raises
        :class:`~hztrio.errors.EventsLostError` (after the messages read before), unless
        *loss_tolerant*, which skips them. Iteration ends when the client shuts down or the
        topic is destroyed.
        """
        size = self._config.read_batch_size if buffer_size is None else buffer_size
        return ReliableMessageSubscription(self, size, loss_tolerant)

    async def _start_runner(
        self, listener: ReliableMessageListener[Any]
    ) -> tuple[str, _MessageRunner]:
        spawn = self._context.spawn
        assert spawn is not None
        sequence = await _call(listener.retrieve_initial_sequence)
        if isinstance(sequence, bool) or not isinstance(sequence, int):
            raise TypeError(f"retrieve_initial_sequence() must return an int, got {sequence!r}")
        if sequence < 0:
            sequence = await self._ringbuffer.tail_sequence() + 1
        registration_id = str(uuid.uuid4())
        runner = _MessageRunner(self, registration_id, listener, sequence)
        spawn(runner.run)
        self._runners[registration_id] = runner
        return registration_id, runner

    def _member_at(self, address: Address | None) -> MemberInfo | None:
        cluster = self._context.cluster
        if address is None or cluster is None:
            return None
        for member in cluster.get_members():
            if member.address == address:
                return member
        return None

    # -- destroying -----------------------------------------------------------------------

    async def destroy(self) -> bool:
        """Stop every listener of this client, destroy the topic and its ringbuffer (with
        every message) on the cluster; True once done.

        Listeners of other clients stop when they next read. Cancellation: the topic or its
        ringbuffer may or may not be destroyed.
        """
        for runner in list(self._runners.values()):
            runner.cancel()
        self._runners.clear()
        await super().destroy()
        return await self._ringbuffer.destroy()
