"""Cluster-wide unique, roughly ordered 64-bit ids (``FlakeIdGenerator``)."""

from __future__ import annotations

import collections
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, NamedTuple

import anyio
import anyio.lowlevel

from ..config import FlakeIdGeneratorConfig
from ..errors import ClientNotActiveError, HazelcastError
from ..protocol.codecs import flake_id_generator as codecs
from .base import Proxy

if TYPE_CHECKING:
    from .base import ProxyContext

FLAKE_ID_GENERATOR_SERVICE = "hz:impl:flakeIdGeneratorService"

_logger = logging.getLogger("hztrio.proxy.flake_id_generator")

_NEW_ID_BATCH = codecs.FLAKE_ID_GENERATOR_NEW_ID_BATCH.encode_request
_batch_response = codecs.FLAKE_ID_GENERATOR_NEW_ID_BATCH.decode_response


class FlakeIdGenerator(Proxy):
    """Cluster-wide unique, roughly ordered 64-bit ids (``FlakeIdGenerator``).

    An id is made of a timestamp (milliseconds since 2018-01-01 UTC, 41 bits), a sequence
    number (6 bits) and the node id of the member that made it (16 bits), so members make
    ids without talking to each other, even in a split brain. Ids are unique and k-ordered
    (roughly ordered by time), from 0 to 2**63 - 1.

    The client fetches ids in batches (``prefetch_count`` per request, from a member of the
    invocation service's choice) and hands them out locally for ``prefetch_validity``
    seconds; both come from the ``flake_id_generators`` option under the generator's exact
    name (defaults: 100 ids, 600 s). Concurrent callers that find the batch used up share
    one request.

    Cancellation (all methods): the call stops waiting at once. An id is never handed out
    twice, and an id fetched for a caller that gave up goes to the next caller.
    """

    def __init__(self, service_name: str, name: str, context: ProxyContext) -> None:
        super().__init__(service_name, name, context)
        config = None
        if context.config is not None:
            config = context.config.flake_id_generators.get(name)
        if config is None:
            config = FlakeIdGeneratorConfig()
        assert context.spawn is not None, "a FlakeIdGenerator needs the client's task group"
        self._spawn_in_client = context.spawn
        self._batcher = AutoBatcher(
            config.prefetch_count, config.prefetch_validity, self._new_id_batch, self._spawn
        )

    async def new_id(self) -> int:
        """A new cluster-wide unique id.

        Served from the prefetched batch when it still has ids and has not expired;
        otherwise waits for a new batch (one request, whatever the number of callers).
        Ids are not strictly ordered (they come from batches of different members).

        Raises :class:`~hztrio.errors.NodeIdOutOfRangeError` when every member's node id
        is out of range (restart the cluster), or the error of the batch request.

        Cancellation: the call stops waiting; the batch request goes on for the others and
        nothing is lost (an id assigned to this caller as it left goes to the next caller).
        """
        return await self._batcher.new_id()

    def _spawn(self, function: Callable[[], Awaitable[None]]) -> None:
        try:
            self._spawn_in_client(function)
        except RuntimeError as exc:  # the client's task group is gone
            raise ClientNotActiveError("Client is not active") from exc

    async def _new_id_batch(self, batch_size: int) -> IdBatch:
        response = await self._invoke(_NEW_ID_BATCH(self.name, batch_size), retryable=True)
        base, increment, size = _batch_response(response)
        return IdBatch(base, increment, size)


class IdBatch(NamedTuple):
    """A batch of ids from a member: ``base + i * increment`` for ``i`` in
    ``range(batch_size)``."""

    base: int
    increment: int
    batch_size: int


class _Block:
    """A batch being handed out: the next index, and when it expires."""

    __slots__ = ("base", "expires", "increment", "next_index", "size")

    def __init__(self, batch: IdBatch, expires: float) -> None:
        self.base = batch.base
        self.increment = batch.increment
        self.size = batch.batch_size
        self.next_index = 0
        self.expires = expires

    def next_id(self, now: float) -> int | None:
        if now >= self.expires or self.next_index >= self.size:
            return None
        index = self.next_index
        self.next_index = index + 1
        return self.base + index * self.increment


class _Waiter:
    """A caller waiting for a batch: woken with an id (and its expiry) or an error."""

    __slots__ = ("error", "event", "expires", "id")

    def __init__(self) -> None:
        self.event = anyio.Event()
        self.id: int | None = None
        self.expires = math.inf
        self.error: BaseException | None = None


class AutoBatcher:
    """Hands out ids from prefetched batches; one batch request at a time.

    *fetch(batch_size)* gets a batch from the cluster. It runs in a task of its own, started
    with *spawn* (``start_soon`` of the client's task group), so that a caller that gives up
    does not take the request of the others with it, and a batch that arrives after every
    caller left is kept for the next ones. All state changes happen in synchronous code.
    """

    def __init__(
        self,
        batch_size: int,
        validity: float,
        fetch: Callable[[int], Awaitable[IdBatch]],
        spawn: Callable[..., object],
        clock: Callable[[], float] = anyio.current_time,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {batch_size}")
        self._batch_size = batch_size
        self._validity = math.inf if validity <= 0 else validity
        self._fetch = fetch
        self._spawn = spawn
        self._clock = clock
        self._block: _Block | None = None
        #: ids given back by callers that left just as they got them: (id, expiry)
        self._returned: collections.deque[tuple[int, float]] = collections.deque()
        self._waiters: collections.deque[_Waiter] = collections.deque()
        self._fetching = False
        #: batch requests made (a test and statistics hook)
        self.batches_fetched = 0

    async def new_id(self) -> int:
        """The next id; waits for a batch if there is none (see FlakeIdGenerator.new_id)."""
        if not self._waiters:
            # a checkpoint that uses no id when the caller is cancelled already
            await anyio.lowlevel.checkpoint_if_cancelled()
            new_id = self._take(self._clock())
            if new_id is not None:
                await anyio.lowlevel.cancel_shielded_checkpoint()
                return new_id
        waiter = _Waiter()
        self._waiters.append(waiter)
        if not self._fetching:
            try:
                self._spawn(self._run_fetch)
            except BaseException:
                self._waiters.remove(waiter)
                raise
            self._fetching = True
        try:
            await waiter.event.wait()
        except BaseException:
            self._leave(waiter)
            raise
        if waiter.error is not None:
            raise waiter.error
        assert waiter.id is not None
        return waiter.id

    # -- synchronous state changes --------------------------------------------------------

    def _take(self, now: float) -> int | None:
        """An id from the ids given back, then from the current batch; None if none is left."""
        returned = self._returned
        while returned:
            given_back, expires = returned.popleft()
            if now < expires:
                return given_back
        block = self._block
        if block is None:
            return None
        new_id = block.next_id(now)
        if new_id is None:
            self._block = None
        return new_id

    def _leave(self, waiter: _Waiter) -> None:
        """A caller gave up (cancelled): hand on the id it got, or leave the queue."""
        if waiter.id is not None:
            self._give(waiter.id, waiter.expires)
            waiter.id = None
        elif waiter.error is None:
            with contextlib.suppress(ValueError):
                self._waiters.remove(waiter)

    def _give(self, new_id: int, expires: float) -> None:
        """An unused id: to the first waiting caller, else back to the front of the line."""
        if self._waiters and self._clock() < expires:
            waiter = self._waiters.popleft()
            waiter.id = new_id
            waiter.expires = expires
            waiter.event.set()
        else:
            self._returned.appendleft((new_id, expires))

    def _serve(self, batch: IdBatch) -> bool:
        """A batch arrived: wake as many waiters as it has ids, keep the rest. True if
        waiters are left (the batch was too small for them)."""
        now = self._clock()
        block = _Block(batch, now + self._validity)
        waiters = self._waiters
        while waiters:
            new_id = block.next_id(now)
            if new_id is None:
                break
            waiter = waiters.popleft()
            waiter.id = new_id
            waiter.expires = block.expires
            waiter.event.set()
        self._block = block
        return bool(waiters)

    def _fail(self, error: BaseException) -> None:
        """The batch request failed: every waiting caller gets its error."""
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            waiter.error = error
            waiter.event.set()

    # -- fetching ---------------------------------------------------------------------------

    async def _fetch_batch(self) -> IdBatch:
        self.batches_fetched += 1
        batch = await self._fetch(self._batch_size)
        if batch.batch_size < 1:
            raise HazelcastError(f"the member sent an empty id batch: {batch!r}")
        return batch

    async def _run_fetch(self) -> None:
        """The background fetch: until every waiting caller has an id (or an error)."""
        try:
            while self._waiters:
                try:
                    batch = await self._fetch_batch()
                except Exception as exc:
                    _logger.debug("new id batch failed: %r", exc)
                    self._fail(exc)
                    return
                if not self._serve(batch):
                    return
        finally:
            self._fetching = False
            if self._waiters:  # cancelled: the client is shutting down
                self._fail(ClientNotActiveError("Client is shutting down"))
