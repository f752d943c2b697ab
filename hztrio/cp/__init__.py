"""The CP Subsystem: Hazelcast's strongly consistent data structures.

``client.cp_subsystem`` gives them::

    counter = await client.cp_subsystem.get_atomic_long("counter")
    await counter.increment_and_get()

Each structure lives in a CP group (a Raft group): the ``default`` group unless its name
says otherwise (``"counter@mygroup"``). See docs/cp.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..protocol.codecs import cp_group as cp_group_codecs
from ..protocol.types import RaftGroupId
from ..proxy.base import ProxyContext
from .atomic_long import ATOMIC_LONG_SERVICE, AtomicLong
from .atomic_reference import ATOMIC_REFERENCE_SERVICE, AtomicReference
from .base import CPProxy
from .count_down_latch import COUNT_DOWN_LATCH_SERVICE, CountDownLatch
from .fenced_lock import LOCK_SERVICE, FencedLock
from .semaphore import (
    GET_SEMAPHORE_TYPE,
    SEMAPHORE_SERVICE,
    Semaphore,
    SessionAwareSemaphore,
    SessionlessSemaphore,
)
from .session import SessionManager

__all__ = [
    "ATOMIC_LONG_SERVICE",
    "ATOMIC_REFERENCE_SERVICE",
    "COUNT_DOWN_LATCH_SERVICE",
    "LOCK_SERVICE",
    "SEMAPHORE_SERVICE",
    "AtomicLong",
    "AtomicReference",
    "CPProxy",
    "CPSubsystem",
    "CountDownLatch",
    "FencedLock",
    "RaftGroupId",
    "Semaphore",
    "SessionAwareSemaphore",
    "SessionlessSemaphore",
]

_CREATE_CP_GROUP = cp_group_codecs.CP_GROUP_CREATE_CP_GROUP

DEFAULT_GROUP_NAME = "default"
METADATA_GROUP_NAME = "metadata"


def parse_name(name: object) -> tuple[str, str]:
    """``(proxy_name, object_name)`` of a CP structure's name, as the official client reads
    it: ``"counter@mygroup"`` → ``("counter@mygroup", "counter")``; the default group's
    suffix is dropped (``"counter@default"`` → ``("counter", "counter")``).

    Raises TypeError for a name that is not a str, ValueError for an empty name or group, a
    second ``@``, or the METADATA group (which runs the CP Subsystem itself).
    """
    if not isinstance(name, str):
        raise TypeError(f"a CP data structure name must be a str, got {name!r}")
    name = name.strip()
    if not name:
        raise ValueError("a CP data structure name can't be empty")
    at = name.find("@")
    if at == -1:
        return name, name
    if name.find("@", at + 1) != -1:
        raise ValueError(f"a CP group name can be given only once, got {name!r}")
    object_name = name[:at].strip()
    group_name = name[at + 1 :].strip()
    if not group_name:
        raise ValueError(f"the CP group name after '@' can't be empty, got {name!r}")
    if not object_name:
        raise ValueError(f"the object name before '@' can't be empty, got {name!r}")
    if group_name.lower() == METADATA_GROUP_NAME:
        raise ValueError("CP data structures cannot run on the METADATA CP group")
    if group_name.lower() == DEFAULT_GROUP_NAME:
        return object_name, object_name
    return f"{object_name}@{group_name}", object_name


class CPSubsystem:
    """The CP Subsystem's data structures (``client.cp_subsystem``).

    Each getter resolves the structure's CP group on the cluster first (creating the group
    if it does not exist yet): that is a Raft commit on the METADATA group, so keep the
    proxies a getter returns rather than asking again for every call.

    Destroying a CP structure is final: a structure of that name cannot be made again in its
    group (until the group itself is destroyed, which only the members can do).

    The CP Subsystem is a member feature: a Hazelcast 5.5+ community member refuses every
    CP call with ``UnsupportedOperationError`` ("CP subsystem is a licensed feature");
    earlier 5.x community members run it (in "unsafe mode" when ``cp-member-count`` is 0,
    as Raft groups with ``cp-member-count`` >= 3).
    """

    def __init__(
        self,
        context: ProxyContext,
        client_name: str = "",
        check_active: Callable[[], None] | None = None,
    ) -> None:
        self._context = context
        self._check_active = check_active
        self._sessions = SessionManager(context, client_name)
        #: FencedLock proxies, one per name: they remember which task holds them
        self._locks: dict[str, FencedLock] = {}

    async def get_atomic_long(self, name: str) -> AtomicLong:
        """The AtomicLong called *name* (``"name@group"`` for a group other than
        ``default``), made on first use.

        Cancellation: stops; the CP group may have been created anyway.
        """
        proxy_name, object_name, group_id = await self._resolve(name)
        return AtomicLong(ATOMIC_LONG_SERVICE, proxy_name, self._context, group_id, object_name)

    async def get_atomic_reference(self, name: str) -> AtomicReference[Any]:
        """The AtomicReference called *name* (``"name@group"`` for a group other than
        ``default``), made on first use.

        Cancellation: stops; the CP group may have been created anyway.
        """
        proxy_name, object_name, group_id = await self._resolve(name)
        return AtomicReference(
            ATOMIC_REFERENCE_SERVICE, proxy_name, self._context, group_id, object_name
        )

    async def get_count_down_latch(self, name: str) -> CountDownLatch:
        """The CountDownLatch called *name* (``"name@group"`` for a group other than
        ``default``), made on first use.

        Cancellation: stops; the CP group may have been created anyway.
        """
        proxy_name, object_name, group_id = await self._resolve(name)
        return CountDownLatch(
            COUNT_DOWN_LATCH_SERVICE, proxy_name, self._context, group_id, object_name
        )

    async def get_lock(self, name: str) -> FencedLock:
        """The FencedLock called *name* (``"name@group"`` for a group other than
        ``default``), made on first use. The same proxy object comes back for the same name
        (it remembers which tasks hold the lock).

        Cancellation: stops; the CP group may have been created anyway.
        """
        proxy_name, object_name, group_id = await self._resolve(name)
        proxy = self._locks.get(proxy_name)
        if proxy is None or proxy.group_id != group_id:
            proxy = self._locks[proxy_name] = FencedLock(
                LOCK_SERVICE, proxy_name, self._context, group_id, object_name, self._sessions
            )
        return proxy

    async def get_semaphore(self, name: str) -> Semaphore:
        """The Semaphore called *name* (``"name@group"`` for a group other than
        ``default``), made on first use: a :class:`SessionlessSemaphore` if the members
        configure it ``jdk-compatible``, else a :class:`SessionAwareSemaphore`.

        Cancellation: stops; the CP group may have been created anyway.
        """
        proxy_name, object_name, group_id = await self._resolve(name)
        response = await self._context.invocations.invoke(
            GET_SEMAPHORE_TYPE.encode_request(proxy_name), retryable=True
        )
        jdk_compatible = GET_SEMAPHORE_TYPE.decode_response(response)
        cls = SessionlessSemaphore if jdk_compatible else SessionAwareSemaphore
        return cls(
            SEMAPHORE_SERVICE, proxy_name, self._context, group_id, object_name, self._sessions
        )

    async def _close_sessions(self) -> None:
        """Close this client's CP sessions (for a graceful shutdown: the members release
        the locks and permits held through them at once instead of at their expiry)."""
        await self._sessions.close()

    async def _resolve(self, name: str) -> tuple[str, str, RaftGroupId]:
        """The proxy name, object name and CP group id of the structure called *name*."""
        proxy_name, object_name = parse_name(name)
        if self._check_active is not None:
            self._check_active()
        response = await self._context.invocations.invoke(
            _CREATE_CP_GROUP.encode_request(proxy_name), retryable=True
        )
        group_id: RaftGroupId = _CREATE_CP_GROUP.decode_response(response)
        return proxy_name, object_name, group_id
