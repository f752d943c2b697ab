"""The heartbeat task: ping idle connections, close silent ones."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import anyio

from ..errors import TargetDisconnectedError
from ..protocol.codecs import client as client_codecs

if TYPE_CHECKING:
    from ..invocation import InvocationService
    from .manager import ConnectionManager

_logger = logging.getLogger("hztrio.heartbeat")
_PING = client_codecs.CLIENT_PING


async def run_heartbeat(
    connections: ConnectionManager,
    invocations: InvocationService,
    interval: float,
    silence_limit: float,
) -> None:
    """Look at every open connection at least once a second (or every *interval*).

    A connection that has received nothing for *silence_limit* seconds is closed (its waiting
    invocations then fail with :class:`TargetDisconnectedError` and follow the retry rules);
    one that has sent nothing for *interval* seconds gets a ``Client.Ping`` so that the
    member — and this check — keep seeing traffic. Runs until cancelled.
    """
    period = min(interval, 1.0)
    while True:
        await anyio.sleep(period)
        now = anyio.current_time()
        for connection in connections.all_connections():
            if now - connection.last_read_time > silence_limit:
                connection.close(
                    "heartbeat timed out",
                    TargetDisconnectedError(
                        f"Heartbeat timed out to connection {connection!r}: nothing received "
                        f"for {now - connection.last_read_time:.1f} s"
                    ),
                )
            elif now - connection.last_write_time > interval:
                invocations.send_and_forget(connection, _PING.encode_request())
