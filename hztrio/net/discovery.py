"""Address providers: where the client looks for the cluster, and where it really connects.

A member is known by the address it reports in the cluster view (its *private* address). The
client may have to dial another one to reach it:

* :class:`StaticAddressProvider`: the ``cluster_members`` option; an address is dialed as it
  is (``use_public_ip`` aside, which the connection manager applies from the member list).
* :class:`CloudAddressProvider`: Hazelcast Cloud (Viridian) discovery. The discovery service
  lists every member's private address and the public address that reaches it; the client
  starts from the private addresses and dials the public ones. An address it does not know
  makes it ask the service again (members come and go).

The discovery service is asked over HTTPS with the standard library's ``http.client`` in a
worker thread (:func:`anyio.to_thread.run_sync`), bounded by ``connection_timeout``.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import ssl
import urllib.parse
from collections.abc import Sequence
from typing import Protocol

import anyio
import anyio.to_thread

from ..config import parse_member_address
from ..errors import CloudDiscoveryError
from ..protocol.types import Address

__all__ = [
    "DEFAULT_CLOUD_URL",
    "DEFAULT_PORTS",
    "AddressProvider",
    "CloudAddressProvider",
    "CloudDiscoveryError",
    "StaticAddressProvider",
    "discover_cloud_nodes",
    "parse_discovery_response",
]

_logger = logging.getLogger("hztrio.discovery")

#: ports tried for a member address given without one
DEFAULT_PORTS = (5701, 5702, 5703)
#: the discovery service of Hazelcast Cloud (the Java client's ``hazelcast.client.cloud.url``)
DEFAULT_CLOUD_URL = "https://api.viridian.hazelcast.com"
_DISCOVERY_PATH = "/cluster/discovery"
#: the largest discovery answer read; a real one lists a few members in a few hundred bytes
_MAX_RESPONSE = 1 << 20


class AddressProvider(Protocol):
    """Where to look for the cluster, and what to dial for a member's address."""

    async def load_addresses(self) -> list[Address]:
        """The addresses to try when no member is known, in order. Never raises for a
        discovery failure: it logs it, keeps it in :attr:`last_error`, and returns []."""
        ...

    async def translate(self, address: Address) -> Address | None:
        """What to dial to reach the member known by ``address``; None if unknown."""
        ...

    @property
    def last_error(self) -> BaseException | None:
        """Why the last :meth:`load_addresses` found nothing, if it failed."""
        ...


class StaticAddressProvider:
    """The ``cluster_members`` option: 127.0.0.1 when empty; no port means ports 5701-5703."""

    def __init__(self, members: Sequence[tuple[str, int | None]]) -> None:
        addresses: list[Address] = []
        for host, port in members or [("127.0.0.1", None)]:
            if port is None:
                addresses.extend(Address(host, p) for p in DEFAULT_PORTS)
            else:
                addresses.append(Address(host, port))
        self._addresses = addresses

    @property
    def last_error(self) -> BaseException | None:
        return None

    async def load_addresses(self) -> list[Address]:
        return list(self._addresses)

    async def translate(self, address: Address) -> Address | None:
        return address


def parse_discovery_response(body: bytes) -> dict[Address, Address]:
    """The discovery service's answer as ``{private address: public address}``.

    The answer is a JSON array of objects with ``"private-address"`` and ``"public-address"``
    (``"host:port"``; a private address without a port takes the public one's). Raises
    :class:`CloudDiscoveryError` naming what is wrong.
    """
    try:
        nodes = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CloudDiscoveryError(f"the discovery answer is not JSON: {exc}") from None
    if not isinstance(nodes, list):
        raise CloudDiscoveryError(
            f"the discovery answer is a JSON {type(nodes).__name__}, not an array"
        )
    found: dict[Address, Address] = {}
    for node in nodes:
        if not isinstance(node, dict):
            raise CloudDiscoveryError(f"a discovered node is not a JSON object: {node!r}")
        try:
            private_text = node["private-address"]
            public_text = node["public-address"]
        except KeyError as exc:
            raise CloudDiscoveryError(f"a discovered node has no {exc.args[0]!r}") from None
        if not isinstance(private_text, str) or not isinstance(public_text, str):
            raise CloudDiscoveryError(f"a discovered node's addresses are not strings: {node!r}")
        try:
            public = parse_member_address(public_text)
            private = parse_member_address(private_text)
        except ValueError as exc:
            raise CloudDiscoveryError(f"a discovered node has a bad address: {exc}") from None
        if public.port is None:
            raise CloudDiscoveryError(f"the public address {public_text!r} has no port")
        port = public.port if private.port is None else private.port
        found[Address(private.host, port)] = Address(public.host, public.port)
    return found


def discover_cloud_nodes(
    token: str, url: str, timeout: float | None, ssl_context: ssl.SSLContext | None = None
) -> dict[Address, Address]:
    """Ask the discovery service at ``url`` for the members of the cluster of ``token``.

    Blocking (run it in a worker thread); ``timeout`` bounds each socket operation (None:
    no limit). ``GET <url>/cluster/discovery?token=<token>``; an
    ``https`` URL is checked against the system's CA certificates unless ``ssl_context`` is
    given. Raises :class:`CloudDiscoveryError` for any failure: the service unreachable, a
    certificate it fails, an answer other than 200, an unusable body.
    """
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if parts.scheme not in ("https", "http") or not parts.hostname or port == -1:
        raise CloudDiscoveryError("the discovery URL is not an http(s) URL")
    query = urllib.parse.urlencode({"token": token})
    path = f"{parts.path.rstrip('/')}{_DISCOVERY_PATH}?{query}"
    where = f"{parts.scheme}://{parts.hostname}" + ("" if port is None else f":{port}")

    def scrubbed(exc: BaseException) -> str:
        """The error's text without the token (http.client may quote the whole path)."""
        text = f"{type(exc).__name__}: {exc}"
        for secret in (token, query):
            if secret:
                text = text.replace(secret, "<token>")
        return text

    connection: http.client.HTTPConnection | None = None
    try:
        if parts.scheme == "https":
            context = ssl_context if ssl_context is not None else ssl.create_default_context()
            connection = http.client.HTTPSConnection(
                parts.hostname, port, timeout=timeout, context=context
            )
        else:
            connection = http.client.HTTPConnection(parts.hostname, port, timeout=timeout)
        connection.request("GET", path, headers={"Accept-Charset": "UTF-8"})
        response = connection.getresponse()
        body = response.read(_MAX_RESPONSE + 1)
    except ssl.SSLError as exc:
        raise CloudDiscoveryError(
            f"TLS failed with the discovery service {where}: {scrubbed(exc)}"
        ) from None
    except (OSError, http.client.HTTPException, ValueError) as exc:  # UnicodeError included
        raise CloudDiscoveryError(
            f"could not ask the discovery service {where}: {scrubbed(exc)}"
        ) from None
    finally:
        if connection is not None:
            connection.close()
    if response.status != 200:
        message = body[:500].decode("utf-8", "replace").strip()
        raise CloudDiscoveryError(
            f"the discovery service {where} answered {response.status} {response.reason}"
            + (f": {message}" if message else "")
        )
    if len(body) > _MAX_RESPONSE:
        raise CloudDiscoveryError(f"the discovery answer is larger than {_MAX_RESPONSE} bytes")
    return parse_discovery_response(body)


class CloudAddressProvider:
    """Hazelcast Cloud discovery: the private addresses to start from, the public ones to dial.

    One question to the service is in flight at a time; a task that needs a translation while
    another asks waits for that answer instead of asking again.
    """

    def __init__(
        self,
        token: str,
        url: str = DEFAULT_CLOUD_URL,
        timeout: float | None = 5.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._token = token
        self._url = url
        self._timeout = timeout
        self._ssl_context = ssl_context
        self._private_to_public: dict[Address, Address] = {}
        self._lock = anyio.Lock()
        self._asked = 0  # answers received so far: who waited on the lock may use the last
        self._last_error: BaseException | None = None

    @property
    def last_error(self) -> BaseException | None:
        return self._last_error

    async def _refresh(self) -> None:
        """Ask the service once, unless an answer arrived while we waited for the lock; a
        question gets ``timeout`` seconds in all (name lookup included).

        Cancellation: the waiting task is cancelled at once; the worker thread finishes its
        request (each socket operation bounded by ``timeout``) and its answer is dropped.
        """
        seen = self._asked
        async with self._lock:
            if self._asked != seen:
                return
            limit = math.inf if self._timeout is None else self._timeout
            # counted once answered or failed, not when cancelled: a task that waited for
            # this question then asks its own
            try:
                # the socket timeout does not bound the name lookup: bound the whole question
                with anyio.move_on_after(limit) as scope:
                    nodes = await anyio.to_thread.run_sync(
                        discover_cloud_nodes,
                        self._token,
                        self._url,
                        self._timeout,
                        self._ssl_context,
                        abandon_on_cancel=True,
                    )
                if scope.cancelled_caught:
                    raise CloudDiscoveryError(
                        f"the discovery service did not answer within {limit} s"
                    )
            except CloudDiscoveryError as exc:
                self._asked += 1
                self._last_error = exc
                _logger.warning("Hazelcast Cloud discovery failed: %s", exc)
                return
            self._asked += 1
            self._last_error = None
            self._private_to_public = nodes
            _logger.debug("Hazelcast Cloud discovery found %d members", len(nodes))

    async def load_addresses(self) -> list[Address]:
        await self._refresh()
        return list(self._private_to_public)

    async def translate(self, address: Address) -> Address | None:
        public = self._private_to_public.get(address)
        if public is None:
            await self._refresh()
            public = self._private_to_public.get(address)
        return public
