"""The CP Subsystem's ``CountDownLatch``: a cluster-wide, reusable countdown latch."""

from __future__ import annotations

import uuid

from ..errors import OperationTimeoutError
from ..protocol.codecs import count_down_latch as codecs
from .base import CPProxy, millis, seconds

COUNT_DOWN_LATCH_SERVICE = "hz:raft:countDownLatchService"

_TRY_SET_COUNT = codecs.COUNT_DOWN_LATCH_TRY_SET_COUNT
_AWAIT = codecs.COUNT_DOWN_LATCH_AWAIT
_COUNT_DOWN = codecs.COUNT_DOWN_LATCH_COUNT_DOWN.encode_request
_GET_COUNT = codecs.COUNT_DOWN_LATCH_GET_COUNT
_GET_ROUND = codecs.COUNT_DOWN_LATCH_GET_ROUND

_INT_MAX = 2**31 - 1


class CountDownLatch(CPProxy):
    """A countdown latch of the CP Subsystem (Hazelcast's ``ICountDownLatch``).

    Tasks anywhere in the cluster wait with :meth:`await_latch` until others have called
    :meth:`count_down` as often as :meth:`try_set_count` asked; once the count is zero the
    latch can be armed again with ``try_set_count``.

    ``count_down`` and ``await_latch`` carry an invocation id that stays the same when the
    client sends the request again (after a lost connection, a CP leader change or an
    invocation timeout), so a retried count-down counts once: every method is exactly-once.
    """

    # timeout= is Hazelcast's own here: how long the member lets the caller wait
    async def await_latch(self, timeout: float) -> bool:  # noqa: ASYNC109
        """Wait until the count reaches zero, at most *timeout* seconds; True if it did,
        False if the time ran out first (at once if *timeout* <= 0 and the count is not zero).

        The member does the waiting; this call is not limited by ``invocation_timeout``
        beyond the *timeout* itself. Raises ``DistributedObjectDestroyedError`` if the latch
        is destroyed meanwhile. Cancellation: the call stops waiting at once; the member
        drops its side of the wait when *timeout* ends, and the latch is not changed.
        """
        wait = seconds(timeout)
        request = _AWAIT.encode_request(self.group_id, self.object_name, uuid.uuid4(), millis(wait))
        response = await self._invocations.invoke(
            request,
            retryable=True,
            time_limit=wait + self._invocations.invocation_timeout,
        )
        return bool(_AWAIT.decode_response(response))

    async def count_down(self) -> None:
        """Decrement the count by one, releasing every waiter when it reaches zero (nothing
        happens if it is zero already).

        If no answer comes within ``invocation_timeout`` the same count-down (same
        invocation id, same round) is sent again until one does, so it counts once.
        Cancellation: the call stops waiting at once; a count-down already sent may still
        count.
        """
        response = await self._invoke(
            _GET_ROUND.encode_request(self.group_id, self.object_name), True
        )
        expected_round = _GET_ROUND.decode_response(response)
        invocation_uid = uuid.uuid4()
        while True:
            try:
                await self._invoke(
                    _COUNT_DOWN(self.group_id, self.object_name, invocation_uid, expected_round),
                    True,
                )
                return
            except OperationTimeoutError:
                continue  # the same invocation id: the member counts it at most once

    async def get_count(self) -> int:
        """The current count (0 once the latch has opened).

        Cancellation: the call stops waiting at once.
        """
        response = await self._invoke(
            _GET_COUNT.encode_request(self.group_id, self.object_name), True
        )
        return int(_GET_COUNT.decode_response(response))

    async def try_set_count(self, count: int) -> bool:
        """Set the count to *count* (> 0) if it is zero now; True if it was set, False if a
        countdown is still under way.

        Raises TypeError if *count* is not an int, ValueError unless 0 < *count* < 2**31.
        Cancellation: the call stops waiting at once; the count may still be set.
        """
        if isinstance(count, bool) or not isinstance(count, int):
            raise TypeError(f"count must be an int, got {count!r}")
        if not 0 < count <= _INT_MAX:
            raise ValueError(f"count must be positive (and below 2**31), got {count}")
        response = await self._invoke(
            _TRY_SET_COUNT.encode_request(self.group_id, self.object_name, count), True
        )
        return bool(_TRY_SET_COUNT.decode_response(response))
