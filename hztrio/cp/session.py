"""CP sessions: how FencedLock and Semaphore hold what they acquired.

A session-aware CP structure (FencedLock, a non-JDK-compatible Semaphore) attaches what a
client acquires to a *CP session* of the structure's group: the member releases a lock or
permits when their session ends, so a client that vanishes does not keep them forever. The
client opens one session per CP group when first needed, keeps it alive with heartbeats
while something holds it (every ``heartbeat_millis`` the member asks for, in a task of the
client's task tree), and forgets it when the member says it expired.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import anyio
import anyio.lowlevel

from ..errors import ClientNotActiveError, CPGroupDestroyedError, SessionExpiredError
from ..protocol.codecs import cp_session as codecs

if TYPE_CHECKING:
    from ..protocol.types import RaftGroupId
    from ..proxy.base import ProxyContext

_logger = logging.getLogger("hztrio.cp")

NO_SESSION_ID = -1

_CREATE = codecs.CP_SESSION_CREATE_SESSION
_CLOSE = codecs.CP_SESSION_CLOSE_SESSION.encode_request
_HEARTBEAT = codecs.CP_SESSION_HEARTBEAT_SESSION.encode_request
_GENERATE_THREAD_ID = codecs.CP_SESSION_GENERATE_THREAD_ID

#: how many (group, task) → cluster-wide thread ids are remembered (the oldest go first)
MAX_THREAD_IDS = 10_000


class _Session:
    __slots__ = ("acquired", "expires", "group_id", "id")

    def __init__(self, session_id: int, group_id: RaftGroupId, expires: float) -> None:
        self.id = session_id
        self.group_id = group_id
        self.expires = expires
        #: how many locks/permits of this client the session holds (heartbeats while > 0)
        self.acquired = 0

    def is_valid(self, now: float) -> bool:
        return self.acquired > 0 or now < self.expires


class SessionManager:
    """The client's CP sessions, one per CP group, and its cluster-wide thread ids."""

    def __init__(self, context: ProxyContext, client_name: str) -> None:
        self._context = context
        self._invocations = context.invocations
        self._client_name = client_name
        self._sessions: dict[RaftGroupId, _Session] = {}
        self._creating: dict[RaftGroupId, anyio.Lock] = {}
        self._thread_ids: dict[tuple[RaftGroupId, int], int] = {}
        self._heartbeat_started = False

    def session_id(self, group_id: RaftGroupId) -> int:
        """The id of this client's session in *group_id*, or ``NO_SESSION_ID``."""
        session = self._sessions.get(group_id)
        return NO_SESSION_ID if session is None else session.id

    async def acquire(self, group_id: RaftGroupId, count: int = 1) -> int:
        """The id of a valid session of *group_id* (opened if needed), counted as holding
        *count* more things until :meth:`release`.

        Cancellation: stops; a session being opened is kept for the next call.
        """
        session = self._sessions.get(group_id)
        if session is None or not session.is_valid(self._now()):
            lock = self._creating.get(group_id)
            if lock is None:
                lock = self._creating[group_id] = anyio.Lock()
            async with lock:
                session = self._sessions.get(group_id)
                if session is None or not session.is_valid(self._now()):
                    session = await self._create(group_id)
        session.acquired += count
        return session.id

    def release(self, group_id: RaftGroupId, session_id: int, count: int = 1) -> None:
        """The session holds *count* things fewer."""
        session = self._sessions.get(group_id)
        if session is not None and session.id == session_id:
            session.acquired = max(0, session.acquired - count)

    def invalidate(self, group_id: RaftGroupId, session_id: int) -> None:
        """Forget the session: the member says it is gone."""
        session = self._sessions.get(group_id)
        if session is not None and session.id == session_id:
            del self._sessions[group_id]

    async def unique_thread_id(self, group_id: RaftGroupId, local_thread_id: int) -> int:
        """A thread id unique in the whole cluster for the calling task in *group_id* (what
        sessionless structures name their caller with), made by the group once per task."""
        key = (group_id, local_thread_id)
        thread_id = self._thread_ids.get(key)
        if thread_id is not None:
            await anyio.lowlevel.checkpoint()
            return thread_id
        response = await self._invocations.invoke(
            _GENERATE_THREAD_ID.encode_request(group_id), retryable=True
        )
        thread_id = self._thread_ids.setdefault(
            key, int(_GENERATE_THREAD_ID.decode_response(response))
        )
        while len(self._thread_ids) > MAX_THREAD_IDS:
            del self._thread_ids[next(iter(self._thread_ids))]
        return thread_id

    async def close(self) -> None:
        """Close every session on the cluster (what the client holds in them is released).

        For a graceful shutdown; errors are logged, not raised. Cancellation: stops; the
        sessions not closed yet expire on the members after their time to live.
        """
        sessions = list(self._sessions.values())
        self._sessions.clear()
        self._thread_ids.clear()

        async def close_one(session: _Session) -> None:
            try:
                await self._invocations.invoke(_CLOSE(session.group_id, session.id), retryable=True)
            except Exception as exc:  # a best effort
                _logger.debug("Could not close CP session %s: %r", session.id, exc)

        async with anyio.create_task_group() as tg:
            for session in sessions:
                tg.start_soon(close_one, session)

    def _now(self) -> float:
        return self._invocations.backend.current_time()

    async def _create(self, group_id: RaftGroupId) -> _Session:
        response = await self._invocations.invoke(
            _CREATE.encode_request(group_id, self._client_name), retryable=True
        )
        session_id, ttl_millis, heartbeat_millis = _CREATE.decode_response(response)
        session = _Session(session_id, group_id, self._now() + ttl_millis / 1000)
        self._sessions[group_id] = session
        if not self._heartbeat_started and self._context.spawn is not None:
            self._context.spawn(self._heartbeat_loop, max(heartbeat_millis, 1) / 1000)
            self._heartbeat_started = True
        return session

    async def _heartbeat_loop(self, period: float) -> None:
        """Every *period* seconds, a heartbeat for each session that holds something.

        Lives in the client's task tree until the client shuts down.
        """
        while True:
            await anyio.sleep(period)
            sessions = [session for session in self._sessions.values() if session.acquired > 0]
            if sessions:
                async with anyio.create_task_group() as tg:
                    for session in sessions:
                        tg.start_soon(self._heartbeat, session)

    async def _heartbeat(self, session: _Session) -> None:
        try:
            await self._invocations.invoke(_HEARTBEAT(session.group_id, session.id), retryable=True)
        except (SessionExpiredError, CPGroupDestroyedError):
            _logger.info("CP session %s of group %s is gone", session.id, session.group_id.name)
            self.invalidate(session.group_id, session.id)
        except ClientNotActiveError:
            pass
        except Exception as exc:  # the next period tries again
            _logger.debug("CP session heartbeat failed: %r", exc)
