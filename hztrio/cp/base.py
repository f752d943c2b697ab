"""What every CP proxy shares: the CP group it lives in, its object name, ``destroy``."""

from __future__ import annotations

import math
from typing import Any

from ..protocol.codecs import cp_group as cp_group_codecs
from ..protocol.types import RaftGroupId
from ..proxy.base import Proxy, ProxyContext
from ..serialization.data import Data

_DESTROY_CP_OBJECT = cp_group_codecs.CP_GROUP_DESTROY_CP_OBJECT.encode_request

_LONG_MIN = -(2**63)
_LONG_MAX = 2**63 - 1


class CPProxy(Proxy):
    """A data structure of the CP Subsystem, seen from this client.

    Its requests name the CP group (a Raft group) the structure lives in and the structure's
    name inside that group: ``name`` is the name it was asked for (``"counter@mygroup"``, the
    ``@default`` suffix dropped), ``object_name`` the part before the ``@``
    (``"counter"``) and ``group_id`` the group's id as the cluster resolved it.
    """

    def __init__(
        self,
        service_name: str,
        name: str,
        context: ProxyContext,
        group_id: RaftGroupId,
        object_name: str,
    ) -> None:
        super().__init__(service_name, name, context)
        self.group_id = group_id
        self.object_name = object_name

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, group={self.group_id.name!r})"

    def get_group_id(self) -> RaftGroupId:
        """The id of the CP group that runs this structure."""
        return self.group_id

    async def destroy(self) -> bool:
        """Destroy the structure on its CP group, with its state; True once done.

        A destroyed CP structure cannot be made again under the same name in the same group:
        every later call on it, from any client, fails with
        ``DistributedObjectDestroyedError``. Cancellation: the request may or may not reach
        the cluster.
        """
        await self._invoke(
            _DESTROY_CP_OBJECT(self.group_id, self.service_name, self.object_name), True
        )
        self._context.on_destroy(self)
        return True

    def _function_data(self, function: Any) -> Data:
        """The function of an ``alter``/``apply`` call, serialized (TypeError for None)."""
        if function is None:
            raise TypeError("function can't be None")
        data = self._to_data(function)
        assert data is not None
        return data


def check_long(value: Any, what: str) -> int:
    """*value* as a Java ``long``: TypeError if it is not an int, ValueError out of range."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int, got {value!r}")
    number = int(value)
    if not _LONG_MIN <= number <= _LONG_MAX:
        raise ValueError(f"{what} must fit in a signed 64-bit integer, got {number}")
    return number


def seconds(timeout: object) -> float:
    """A ``timeout=`` argument as seconds >= 0 (TypeError for a non-number, ValueError for
    NaN); a negative timeout means not to wait."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, got {timeout!r}")
    if math.isnan(timeout):
        raise ValueError("timeout can't be NaN")
    return max(0.0, float(timeout))


def millis(wait: float) -> int:
    """Seconds >= 0 as the protocol's milliseconds (infinity: the largest ``long``)."""
    return min(int(wait * 1000), _LONG_MAX) if math.isfinite(wait) else _LONG_MAX
