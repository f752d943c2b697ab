"""The CP Subsystem's ``ISemaphore``: a linearizable, distributed counting semaphore."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

import anyio.lowlevel

from ..errors import IllegalStateError, SessionExpiredError, WaitKeyCancelledError
from ..protocol.codecs import semaphore as codecs
from ..protocol.frame import ClientMessage
from .base import CPProxy, millis, seconds
from .session import NO_SESSION_ID, SessionManager

if TYPE_CHECKING:
    from ..protocol.types import RaftGroupId
    from ..proxy.base import ProxyContext

SEMAPHORE_SERVICE = "hz:raft:semaphoreService"

_INIT = codecs.SEMAPHORE_INIT
_ACQUIRE = codecs.SEMAPHORE_ACQUIRE
_RELEASE = codecs.SEMAPHORE_RELEASE.encode_request
_DRAIN = codecs.SEMAPHORE_DRAIN
_CHANGE = codecs.SEMAPHORE_CHANGE.encode_request
_AVAILABLE_PERMITS = codecs.SEMAPHORE_AVAILABLE_PERMITS
GET_SEMAPHORE_TYPE = codecs.SEMAPHORE_GET_SEMAPHORE_TYPE

_INT_MAX = 2**31 - 1

# A drain does not know how many permits it will get: the session counts this many while
# it runs, then what the drain got.
_DRAIN_SESSION_ACQUIRES = 1024


def _permits(permits: Any, what: str = "permits", *, zero: bool = False) -> int:
    if isinstance(permits, bool) or not isinstance(permits, int):
        raise TypeError(f"{what} must be an int, got {permits!r}")
    low = 0 if zero else 1
    if not low <= permits <= _INT_MAX:
        qualifier = "non-negative" if zero else "positive"
        raise ValueError(f"{what} must be {qualifier} (and below 2**31), got {permits}")
    return int(permits)


class Semaphore(CPProxy):
    """A counting semaphore of the CP Subsystem (Hazelcast's ``ISemaphore``).

    ``client.cp_subsystem.get_semaphore(name)`` gives one of two kinds, as the members'
    configuration of the semaphore says:

    - :class:`SessionAwareSemaphore` (the default): acquired permits belong to this client's
      CP session of the semaphore's group; if the client goes away, its session ends and the
      member gives its permits back. Only a holder may release permits.
    - :class:`SessionlessSemaphore` (``jdk-compatible`` true on the members): permits are
      plain counts, like ``java.util.concurrent.Semaphore``; any task may release, and
      permits of a client that went away are not given back.

    There are no permits until :meth:`init` (or the members' ``initial-permits``).

    Cancellation: a call stops waiting at once; a change already sent may still happen. An
    ``acquire``/``try_acquire`` whose permits are granted after its caller gave up releases
    them again at once.
    """

    def __init__(
        self,
        service_name: str,
        name: str,
        context: ProxyContext,
        group_id: RaftGroupId,
        object_name: str,
        sessions: SessionManager,
    ) -> None:
        super().__init__(service_name, name, context, group_id, object_name)
        self._sessions = sessions

    async def init(self, permits: int) -> bool:
        """Set the number of available permits to *permits* (>= 0) if the semaphore has not
        been initialized yet; True if it was set, False if it already was."""
        count = _permits(permits, zero=True)
        response = await self._invoke(
            _INIT.encode_request(self.group_id, self.object_name, count), True
        )
        return bool(_INIT.decode_response(response))

    async def acquire(self, permits: int = 1) -> None:
        """Take *permits* (> 0) permits, waiting as long as it takes until there are enough
        (no ``invocation_timeout``; use a cancel scope, or :meth:`try_acquire`).

        Cancellation: stops waiting; permits granted after the caller gave up are released
        again at once.
        """
        count = _permits(permits)
        await self._acquire(count, math.inf)

    async def try_acquire(self, permits: int = 1, timeout: float = 0) -> bool:  # noqa: ASYNC109
        """Take *permits* (> 0) permits if there are enough within *timeout* seconds; True if
        taken. Cancellation: as :meth:`acquire`."""
        count = _permits(permits)
        return await self._acquire(count, seconds(timeout))

    async def release(self, permits: int = 1) -> None:
        """Give back *permits* (> 0) permits."""
        raise NotImplementedError

    async def drain_permits(self) -> int:
        """Take every available permit; return how many that was."""
        raise NotImplementedError

    async def available_permits(self) -> int:
        """How many permits are available now."""
        response = await self._invoke(
            _AVAILABLE_PERMITS.encode_request(self.group_id, self.object_name), True
        )
        return int(_AVAILABLE_PERMITS.decode_response(response))

    async def reduce_permits(self, reduction: int) -> None:
        """Remove *reduction* (>= 0) permits from the available ones, without waiting; the
        count may go below zero. Unlike ``acquire``, nobody holds the removed permits."""
        count = _permits(reduction, "reduction", zero=True)
        if count == 0:
            await anyio.lowlevel.checkpoint()
            return
        await self._change(-count)

    async def increase_permits(self, increase: int) -> None:
        """Add *increase* (>= 0) permits to the available ones, without a holder giving them
        back."""
        count = _permits(increase, "increase", zero=True)
        if count == 0:
            await anyio.lowlevel.checkpoint()
            return
        await self._change(count)

    async def _acquire(self, permits: int, wait: float) -> bool:
        """Take *permits* permits, waiting up to *wait* seconds (infinity: as long as it
        takes); True if taken (each kind of semaphore names its caller its own way)."""
        raise NotImplementedError

    async def _change(self, delta: int) -> None:
        raise NotImplementedError

    def _acquire_request(
        self, session_id: int, thread_id: int, invocation_uid: uuid.UUID, permits: int, wait: float
    ) -> bytearray:
        timeout_ms = -1 if math.isinf(wait) else millis(wait)
        return _ACQUIRE.encode_request(
            self.group_id,
            self.object_name,
            session_id,
            thread_id,
            invocation_uid,
            permits,
            timeout_ms,
        )

    def _releaser(
        self, session_id: int, thread_id: int, permits: int
    ) -> Callable[[ClientMessage], bytearray | None]:
        """For an acquire whose caller left: the release to send if it was granted."""
        group_id, object_name = self.group_id, self.object_name

        def release_if_granted(response: ClientMessage) -> bytearray | None:
            if response.message_type == 0 or not _ACQUIRE.decode_response(response):
                return None
            return _RELEASE(group_id, object_name, session_id, thread_id, uuid.uuid4(), permits)

        return release_if_granted

    def _drained_releaser(
        self, session_id: int, thread_id: int
    ) -> Callable[[ClientMessage], bytearray | None]:
        """For a drain whose caller left: the release of what it drained, if anything."""
        group_id, object_name = self.group_id, self.object_name

        def release_drained(response: ClientMessage) -> bytearray | None:
            if response.message_type == 0:
                return None
            count = int(_DRAIN.decode_response(response))
            if count <= 0:
                return None
            return _RELEASE(group_id, object_name, session_id, thread_id, uuid.uuid4(), count)

        return release_drained

    def _not_acquired_error(self) -> IllegalStateError:
        return IllegalStateError(
            f'Semaphore("{self.name}") not acquired because the acquire call on the CP group '
            "was cancelled, possibly by another indeterminate call of the same task"
        )


class SessionAwareSemaphore(Semaphore):
    """A :class:`Semaphore` whose permits belong to this client's CP session (the default
    kind). The permits a client holds are given back by the member when its session ends."""

    async def _acquire(self, permits: int, wait: float) -> bool:
        thread_id = self._thread_id()
        invocation_uid = uuid.uuid4()
        now = self._invocations.backend.current_time
        deadline = now() + wait
        while True:
            session_id = await self._sessions.acquire(self.group_id, permits)
            try:
                response = await self._invocations.invoke(
                    self._acquire_request(session_id, thread_id, invocation_uid, permits, wait),
                    retryable=True,
                    time_limit=wait + self._invocations.invocation_timeout,
                    on_orphaned=self._releaser(session_id, thread_id, permits),
                )
            except SessionExpiredError:
                self._sessions.invalidate(self.group_id, session_id)
                if not math.isinf(wait):
                    wait = deadline - now()
                    if wait <= 0:
                        return False
                continue
            except WaitKeyCancelledError:
                self._sessions.release(self.group_id, session_id, permits)
                if math.isinf(wait):
                    raise self._not_acquired_error() from None
                return False
            except BaseException:
                self._sessions.release(self.group_id, session_id, permits)
                raise
            acquired = bool(_ACQUIRE.decode_response(response))
            if not acquired:
                self._sessions.release(self.group_id, session_id, permits)
            return acquired

    async def release(self, permits: int = 1) -> None:
        """Give back *permits* (> 0) permits that this client holds.

        Raises ``IllegalStateError`` if the client has no session in the semaphore's group
        (it holds nothing), or its session expired (its permits went back already), and
        ``IllegalArgumentError`` from the member if it holds fewer permits. Cancellation: the
        call stops waiting; the release may still happen.
        """
        count = _permits(permits)
        session_id = self._sessions.session_id(self.group_id)
        if session_id == NO_SESSION_ID:
            raise self._no_session_error()
        await self._invoke_in_session(_RELEASE, session_id, count, holds=count)

    async def drain_permits(self) -> int:
        """Take every available permit for this client; return how many that was.

        Cancellation: the call stops waiting; permits the member drained for it anyway are
        released again at once.
        """
        thread_id = self._thread_id()
        invocation_uid = uuid.uuid4()
        while True:
            session_id = await self._sessions.acquire(self.group_id, _DRAIN_SESSION_ACQUIRES)
            try:
                response = await self._invocations.invoke(
                    _DRAIN.encode_request(
                        self.group_id, self.object_name, session_id, thread_id, invocation_uid
                    ),
                    retryable=True,
                    on_orphaned=self._drained_releaser(session_id, thread_id),
                )
            except SessionExpiredError:
                self._sessions.invalidate(self.group_id, session_id)
                continue
            except BaseException:
                self._sessions.release(self.group_id, session_id, _DRAIN_SESSION_ACQUIRES)
                raise
            count = int(_DRAIN.decode_response(response))
            self._sessions.release(self.group_id, session_id, _DRAIN_SESSION_ACQUIRES - count)
            return count

    async def _change(self, delta: int) -> None:
        session_id = await self._sessions.acquire(self.group_id)
        await self._invoke_in_session(_CHANGE, session_id, delta, holds=1)

    async def _invoke_in_session(
        self, encode: Callable[..., bytearray], session_id: int, amount: int, *, holds: int
    ) -> None:
        """Send a release or change of *amount* permits through *session_id*, then let the
        session hold *holds* things fewer (whatever happens). An expired session is
        forgotten and reported as ``IllegalStateError`` (no valid session)."""
        try:
            await self._invoke(
                encode(
                    self.group_id,
                    self.object_name,
                    session_id,
                    self._thread_id(),
                    uuid.uuid4(),
                    amount,
                ),
                True,
            )
        except SessionExpiredError as exc:
            self._sessions.invalidate(self.group_id, session_id)
            raise self._no_session_error() from exc
        finally:
            self._sessions.release(self.group_id, session_id, holds)

    def _no_session_error(self) -> IllegalStateError:
        return IllegalStateError(f'Semaphore("{self.name}") has no valid session')


class SessionlessSemaphore(Semaphore):
    """A :class:`Semaphore` without sessions (``jdk-compatible`` on the members): permits are
    plain counts, any task may release them, and nothing is given back if a client goes
    away. The caller is named by a cluster-wide thread id per task, made by the group."""

    async def _acquire(self, permits: int, wait: float) -> bool:
        thread_id = await self._global_thread_id()
        try:
            response = await self._invocations.invoke(
                self._acquire_request(NO_SESSION_ID, thread_id, uuid.uuid4(), permits, wait),
                retryable=True,
                time_limit=wait + self._invocations.invocation_timeout,
                on_orphaned=self._releaser(NO_SESSION_ID, thread_id, permits),
            )
        except WaitKeyCancelledError:
            raise self._not_acquired_error() from None
        return bool(_ACQUIRE.decode_response(response))

    async def release(self, permits: int = 1) -> None:
        """Give back *permits* (> 0) permits (any task may, whoever took them).

        Cancellation: the call stops waiting; the release may still happen.
        """
        count = _permits(permits)
        thread_id = await self._global_thread_id()
        await self._invoke(
            _RELEASE(
                self.group_id, self.object_name, NO_SESSION_ID, thread_id, uuid.uuid4(), count
            ),
            True,
        )

    async def drain_permits(self) -> int:
        """Take every available permit; return how many that was.

        Cancellation: the call stops waiting; permits the member drained for it anyway are
        released again at once.
        """
        thread_id = await self._global_thread_id()
        response = await self._invocations.invoke(
            _DRAIN.encode_request(
                self.group_id, self.object_name, NO_SESSION_ID, thread_id, uuid.uuid4()
            ),
            retryable=True,
            on_orphaned=self._drained_releaser(NO_SESSION_ID, thread_id),
        )
        return int(_DRAIN.decode_response(response))

    async def _change(self, delta: int) -> None:
        thread_id = await self._global_thread_id()
        await self._invoke(
            _CHANGE(self.group_id, self.object_name, NO_SESSION_ID, thread_id, uuid.uuid4(), delta),
            True,
        )

    def _global_thread_id(self) -> Coroutine[Any, Any, int]:
        return self._sessions.unique_thread_id(self.group_id, self._thread_id())
