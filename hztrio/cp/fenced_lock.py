"""The CP Subsystem's ``FencedLock``: a linearizable, reentrant lock with fencing tokens."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

import anyio

from ..errors import (
    IllegalMonitorStateError,
    LockAcquireLimitReachedError,
    LockOwnershipLostError,
    SessionExpiredError,
    WaitKeyCancelledError,
)
from ..protocol.codecs import fenced_lock as codecs
from ..protocol.frame import ClientMessage
from .base import CPProxy, millis, seconds
from .session import NO_SESSION_ID, SessionManager

if TYPE_CHECKING:
    from ..protocol.types import RaftGroupId
    from ..proxy.base import ProxyContext

LOCK_SERVICE = "hz:raft:lockService"

_LOCK = codecs.FENCED_LOCK_LOCK
_TRY_LOCK = codecs.FENCED_LOCK_TRY_LOCK
_UNLOCK = codecs.FENCED_LOCK_UNLOCK
_GET_LOCK_OWNERSHIP = codecs.FENCED_LOCK_GET_LOCK_OWNERSHIP


class FencedLock(CPProxy):
    """A reentrant lock of the CP Subsystem (Hazelcast's ``FencedLock``).

    The lock belongs to the *task* that took it (hztrio's "thread", as for ``Map.lock``):
    only that task may unlock it, and it may lock it again (reentrancy), up to the lock's
    configured limit. It is held through this client's CP session of the lock's group, kept
    alive by the client's heartbeats; if the session ends (the client was cut off for longer
    than the session's time to live), the member releases the lock, and the next call of the
    task that held it raises ``LockOwnershipLostError``.

    Each acquisition returns a *fencing token* (a "fence"): a number that grows every time
    the lock passes to a new owner, for guarding a resource against a former owner that
    still believes it holds the lock (compare tokens at the resource, refuse older ones).

    Leaving the client block does not unlock: unlock before leaving, or the member releases
    the lock when the session expires (``session-time-to-live-seconds``).
    """

    INVALID_FENCE = 0
    """The fence of no lock: ``try_lock`` returns it when it did not get the lock."""

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
        #: the session each task holds the lock through (task's thread id → session id)
        self._lock_session_ids: dict[int, int] = {}

    async def lock(self) -> int:
        """Take the lock for the current task, waiting as long as it takes (no
        ``invocation_timeout``; use a cancel scope, or :meth:`try_lock`); return its fence.

        Reentrant: a task that holds the lock gets it again (the same fence) and must unlock
        it as often. Raises ``LockAcquireLimitReachedError`` past the lock's reentrancy
        limit, ``LockOwnershipLostError`` if the task's earlier hold was lost with its
        session. Cancellation: stops waiting; if the member grants the lock after the task
        gave up, the client releases it again at once.
        """
        thread_id = self._thread_id()
        invocation_uid = uuid.uuid4()
        while True:
            session_id = await self._sessions.acquire(self.group_id)
            self._verify_owned_through(thread_id, session_id, release=True)
            try:
                response = await self._invocations.invoke(
                    _LOCK.encode_request(
                        self.group_id, self.object_name, session_id, thread_id, invocation_uid
                    ),
                    retryable=True,
                    time_limit=math.inf,
                    on_orphaned=self._unlocker(session_id, thread_id),
                )
            except SessionExpiredError:
                self._sessions.invalidate(self.group_id, session_id)
                self._verify_not_owned(thread_id)
                continue  # a new session, the same invocation
            except WaitKeyCancelledError:
                self._sessions.release(self.group_id, session_id)
                raise IllegalMonitorStateError(
                    f"Lock({self.name}) not acquired because the lock call on the CP group was "
                    "cancelled, possibly by another indeterminate call of the same task"
                ) from None
            except BaseException:
                self._sessions.release(self.group_id, session_id)
                raise
            fence = int(_LOCK.decode_response(response))
            if fence != self.INVALID_FENCE:
                self._lock_session_ids[thread_id] = session_id
                return fence
            self._sessions.release(self.group_id, session_id)
            raise LockAcquireLimitReachedError(
                f"Lock({self.name}) reentrant lock limit is already reached"
            )

    # timeout= is Hazelcast's own here: how long the member lets the caller wait
    async def try_lock(self, timeout: float = 0) -> int:  # noqa: ASYNC109
        """Take the lock for the current task if it can be had within *timeout* seconds;
        return its fence, or :attr:`INVALID_FENCE` (0, false) if it could not.

        Reentrant as :meth:`lock`. Cancellation: as :meth:`lock`.
        """
        wait = seconds(timeout)
        thread_id = self._thread_id()
        invocation_uid = uuid.uuid4()
        deadline = self._invocations.backend.current_time() + wait
        while True:
            session_id = await self._sessions.acquire(self.group_id)
            self._verify_owned_through(thread_id, session_id, release=True)
            try:
                response = await self._invocations.invoke(
                    _TRY_LOCK.encode_request(
                        self.group_id,
                        self.object_name,
                        session_id,
                        thread_id,
                        invocation_uid,
                        millis(wait),
                    ),
                    retryable=True,
                    time_limit=wait + self._invocations.invocation_timeout,
                    on_orphaned=self._unlocker(session_id, thread_id),
                )
            except SessionExpiredError:
                self._sessions.invalidate(self.group_id, session_id)
                self._verify_not_owned(thread_id)
                wait = deadline - self._invocations.backend.current_time()
                if wait <= 0:
                    return self.INVALID_FENCE
                continue
            except WaitKeyCancelledError:
                self._sessions.release(self.group_id, session_id)
                return self.INVALID_FENCE
            except BaseException:
                self._sessions.release(self.group_id, session_id)
                raise
            fence = int(_TRY_LOCK.decode_response(response))
            if fence != self.INVALID_FENCE:
                self._lock_session_ids[thread_id] = session_id
            else:
                self._sessions.release(self.group_id, session_id)
            return fence

    async def unlock(self) -> None:
        """Release the current task's hold of the lock (once per ``lock``: it is reentrant).

        Raises ``IllegalMonitorStateError`` if the task does not hold the lock,
        ``LockOwnershipLostError`` if its hold was lost with its session. Cancellation: the
        call stops waiting; the unlock may still happen, and the client counts it as done.
        """
        thread_id = self._thread_id()
        session_id = self._sessions.session_id(self.group_id)
        self._verify_owned_through(thread_id, session_id, release=False)
        if session_id == NO_SESSION_ID:
            self._lock_session_ids.pop(thread_id, None)
            raise self._not_owner_error()
        try:
            response = await self._invoke(
                _UNLOCK.encode_request(
                    self.group_id, self.object_name, session_id, thread_id, uuid.uuid4()
                ),
                True,
            )
        except anyio.get_cancelled_exc_class():
            # the unlock was sent and counts as done: the session is no longer kept alive
            # for this hold (else it would be heartbeated until the client ends)
            self._sessions.release(self.group_id, session_id)
            raise
        except SessionExpiredError:
            self._sessions.invalidate(self.group_id, session_id)
            self._lock_session_ids.pop(thread_id, None)
            raise self._ownership_lost_error(session_id) from None
        except IllegalMonitorStateError:
            self._lock_session_ids.pop(thread_id, None)
            raise
        if _UNLOCK.decode_response(response):  # still held (it was taken more than once)
            self._lock_session_ids[thread_id] = session_id
        else:
            self._lock_session_ids.pop(thread_id, None)
        self._sessions.release(self.group_id, session_id)

    async def is_locked(self) -> bool:
        """Whether any task of any client holds the lock.

        Raises ``LockOwnershipLostError`` if the current task's hold was lost with its
        session. Cancellation: the call stops waiting at once.
        """
        owned, state = await self._ownership()
        return owned or state.fence != self.INVALID_FENCE

    async def is_locked_by_current_thread(self) -> bool:
        """Whether the current task holds the lock (the official name: hztrio's "thread" is
        the task).

        Raises ``LockOwnershipLostError`` if the task's hold was lost with its session.
        Cancellation: the call stops waiting at once.
        """
        owned, _ = await self._ownership()
        return owned

    async def get_lock_count(self) -> int:
        """How many times the lock is held (by whichever task holds it; 0 if free).

        Raises ``LockOwnershipLostError`` if the current task's hold was lost with its
        session. Cancellation: the call stops waiting at once.
        """
        _, state = await self._ownership()
        return int(state.lock_count)

    async def destroy(self) -> bool:
        """Destroy the lock on its CP group (final, see :meth:`CPProxy.destroy`); a task
        waiting for it fails with ``DistributedObjectDestroyedError``."""
        self._lock_session_ids.clear()
        return await super().destroy()

    # -- helpers ----------------------------------------------------------------------------

    async def _ownership(self) -> tuple[bool, _Ownership]:
        """(whether the current task holds the lock, the lock's ownership state)."""
        thread_id = self._thread_id()
        session_id = self._sessions.session_id(self.group_id)
        self._verify_owned_through(thread_id, session_id, release=False)
        response = await self._invoke(
            _GET_LOCK_OWNERSHIP.encode_request(self.group_id, self.object_name), True
        )
        state = _Ownership(*_GET_LOCK_OWNERSHIP.decode_response(response))
        owned = (
            state.fence != self.INVALID_FENCE
            and state.session_id == session_id
            and state.thread_id == thread_id
        )
        if owned:
            self._lock_session_ids[thread_id] = session_id
        else:
            self._verify_not_owned(thread_id)
        return owned, state

    def _verify_owned_through(self, thread_id: int, session_id: int, *, release: bool) -> None:
        """If the task held the lock through another session than *session_id*, that
        session ended and took the lock along: LockOwnershipLostError."""
        lock_session_id = self._lock_session_ids.get(thread_id)
        if lock_session_id is not None and lock_session_id != session_id:
            del self._lock_session_ids[thread_id]
            if release:
                self._sessions.release(self.group_id, session_id)
            raise self._ownership_lost_error(lock_session_id)

    def _verify_not_owned(self, thread_id: int) -> None:
        """The member says the task does not hold the lock: if it believed it did, it lost
        it with its session."""
        lock_session_id = self._lock_session_ids.pop(thread_id, None)
        if lock_session_id is not None:
            raise self._ownership_lost_error(lock_session_id)

    def _ownership_lost_error(self, session_id: int) -> LockOwnershipLostError:
        return LockOwnershipLostError(
            f"Current task is not the owner of the Lock({self.name}) because its "
            f"Session({session_id}) was closed by the cluster"
        )

    def _not_owner_error(self) -> IllegalMonitorStateError:
        return IllegalMonitorStateError(f"Current task is not the owner of the Lock({self.name})")

    def _unlocker(
        self, session_id: int, thread_id: int
    ) -> Callable[[ClientMessage], bytearray | None]:
        """For a lock request whose caller left: the unlock to send if it was granted."""
        group_id, object_name = self.group_id, self.object_name

        def unlock_if_granted(response: ClientMessage) -> bytearray | None:
            if response.message_type == 0:  # an error: nothing was locked
                return None
            if response.message_type == _TRY_LOCK.response_type:
                fence = _TRY_LOCK.decode_response(response)
            else:
                fence = _LOCK.decode_response(response)
            if fence == FencedLock.INVALID_FENCE:
                return None
            return _UNLOCK.encode_request(
                group_id, object_name, session_id, thread_id, uuid.uuid4()
            )

        return unlock_if_granted


class _Ownership:
    __slots__ = ("fence", "lock_count", "session_id", "thread_id")

    def __init__(self, fence: int, lock_count: int, session_id: int, thread_id: int) -> None:
        self.fence = fence
        self.lock_count = lock_count
        self.session_id = session_id
        self.thread_id = thread_id
