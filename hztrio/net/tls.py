"""TLS for member connections: the client's ``ssl.SSLContext`` and the Trio TLS stream.

The context is built once, when the client is built (:func:`create_ssl_context`), from the
``ssl_*`` options, with the official client's semantics:

- ``ssl_protocol`` pins one protocol version: the context speaks that version and no other
  (the official client sets ``OP_NO_*`` for every other version; we set the minimum and the
  maximum version, which is the same thing);
- members' certificates are always verified (``CERT_REQUIRED``), against ``ssl_cafile`` or,
  without one, the system's default CA certificates;
- ``ssl_certfile`` (+ ``ssl_keyfile``, ``ssl_password``) is the client certificate that
  members with mutual authentication ask for;
- ``ssl_ciphers`` is an OpenSSL cipher list (it governs TLS 1.2 and below; TLS 1.3 suites
  are OpenSSL's);
- ``ssl_check_hostname`` checks the certificate against the member address's host.

A file that cannot be read, a wrong password, or a cipher list OpenSSL rejects raises
``ValueError`` naming the option, when the client is built.

How connections use it: asyncio passes the context to ``loop.create_connection`` (asyncio's
own TLS transport feeds hztrio's protocol); Trio wraps the TCP stream in ``trio.SSLStream``
(:func:`open_trio_tls_stream`), which the connection then uses through its plain-stream path.
The raw-socket fast path is for plain TCP only.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING, Any

import anyio
import anyio.abc

from ..config import SSLProtocol

if TYPE_CHECKING:
    import trio

    from ..config import Config

__all__ = ["TLS_VERSIONS", "TrioTLSStream", "create_ssl_context", "open_trio_tls_stream"]

#: ssl_protocol → the ``ssl.TLSVersion`` it pins, and the ``ssl.HAS_*`` flag saying whether
#: this Python's OpenSSL can speak it (SSLv2 has no TLSVersion at all)
TLS_VERSIONS: dict[SSLProtocol, tuple[ssl.TLSVersion | None, bool]] = {
    SSLProtocol.SSLv2: (None, False),
    SSLProtocol.SSLv3: (ssl.TLSVersion.SSLv3, ssl.HAS_SSLv3),
    SSLProtocol.TLSv1: (ssl.TLSVersion.TLSv1, ssl.HAS_TLSv1),
    SSLProtocol.TLSv1_1: (ssl.TLSVersion.TLSv1_1, ssl.HAS_TLSv1_1),
    SSLProtocol.TLSv1_2: (ssl.TLSVersion.TLSv1_2, ssl.HAS_TLSv1_2),
    SSLProtocol.TLSv1_3: (ssl.TLSVersion.TLSv1_3, ssl.HAS_TLSv1_3),
}


def create_ssl_context(config: Config) -> ssl.SSLContext | None:
    """The client's TLS context, or None when ``ssl_enabled`` is off (the other ``ssl_*``
    options are then ignored, as in the official client).

    Raises ``ValueError`` naming the option when a file cannot be loaded, the key's password
    is wrong, the cipher list selects nothing, or this Python cannot speak ``ssl_protocol``.
    """
    if not config.ssl_enabled:
        return None
    protocol = SSLProtocol(config.ssl_protocol)
    version, available = TLS_VERSIONS[protocol]
    if version is None or not available:
        raise ValueError(
            f"ssl_protocol {protocol.name} is not available: this Python's ssl module "
            f"({ssl.OPENSSL_VERSION}) cannot speak it"
        )
    if config.ssl_keyfile is not None and config.ssl_certfile is None:
        raise ValueError("ssl_keyfile is set but ssl_certfile is not: give both, or neither")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = config.ssl_check_hostname
    context.verify_mode = ssl.CERT_REQUIRED
    context.minimum_version = version
    context.maximum_version = version
    if config.ssl_cafile is not None:
        try:
            context.load_verify_locations(cafile=config.ssl_cafile)
        except (OSError, ValueError) as exc:
            raise ValueError(
                f"ssl_cafile: cannot load CA certificates from {config.ssl_cafile!r}: {exc}"
            ) from exc
    else:
        context.load_default_certs(ssl.Purpose.SERVER_AUTH)
    if config.ssl_certfile is not None:
        try:
            context.load_cert_chain(
                config.ssl_certfile,
                config.ssl_keyfile,
                config.ssl_password,  # str, bytes, a callable returning one, or None
            )
        except (OSError, ValueError, TypeError) as exc:
            names = "ssl_certfile/ssl_keyfile/ssl_password"
            raise ValueError(
                f"{names}: cannot load the client certificate {config.ssl_certfile!r}"
                f"{f' with the key {config.ssl_keyfile!r}' if config.ssl_keyfile else ''} "
                f"(a missing file, a key that does not match, or a wrong password): {exc}"
            ) from exc
    if config.ssl_ciphers is not None:
        try:
            context.set_ciphers(config.ssl_ciphers)
        except ssl.SSLError as exc:
            raise ValueError(
                f"ssl_ciphers: OpenSSL selects no cipher from {config.ssl_ciphers!r}: {exc}"
            ) from exc
    return context


# --------------------------------------------------------------------------------------------
# Trio
# --------------------------------------------------------------------------------------------


def _transport_error(exc: BaseException) -> BaseException:
    """The error a broken Trio TLS stream stands for: the ``ssl.SSLError`` (an ``OSError``)
    or ``OSError`` behind it if there is one, else AnyIO's ``BrokenResourceError``."""
    cause = exc.__cause__
    if isinstance(cause, OSError):
        return cause
    return anyio.BrokenResourceError(str(exc) or "the TLS stream is broken")


class TrioTLSStream(anyio.abc.ByteStream):
    """A ``trio.SSLStream`` as the AnyIO byte stream a :class:`Connection` reads and writes.

    Errors come out as the connection expects them: the TLS or socket error itself
    (``ssl.SSLError`` is an ``OSError``), ``anyio.EndOfStream`` when the member closes.
    """

    def __init__(self, stream: trio.SSLStream[trio.SocketStream]) -> None:
        self._ssl = stream
        self._socket = stream.transport_stream.socket

    async def receive(self, max_bytes: int = 65536) -> bytes:
        import trio

        try:
            data = await self._ssl.receive_some(max_bytes)
        except trio.BrokenResourceError as exc:
            raise _transport_error(exc) from None
        except trio.ClosedResourceError:
            raise anyio.ClosedResourceError from None
        if not data:
            raise anyio.EndOfStream
        return bytes(data)

    async def send(self, item: bytes) -> None:
        import trio

        try:
            await self._ssl.send_all(item)
        except trio.BrokenResourceError as exc:
            raise _transport_error(exc) from None
        except trio.ClosedResourceError:
            raise anyio.ClosedResourceError from None

    async def send_eof(self) -> None:
        raise NotImplementedError("a TLS connection to a member has no half-close")

    async def aclose(self) -> None:
        import trio

        try:
            await self._ssl.aclose()
        except (trio.BrokenResourceError, trio.ClosedResourceError, OSError):
            await trio.aclose_forcefully(self._ssl.transport_stream)

    @property
    def extra_attributes(self) -> Any:
        sock = self._socket
        return {
            anyio.abc.SocketAttribute.raw_socket: lambda: getattr(sock, "_sock", sock),
            anyio.abc.SocketAttribute.local_address: sock.getsockname,
            anyio.abc.SocketAttribute.remote_address: sock.getpeername,
        }


async def open_trio_tls_stream(
    host: str, port: int, context: ssl.SSLContext, server_hostname: str
) -> TrioTLSStream:
    """Connect over TCP and complete the TLS handshake (Trio only).

    A failed handshake raises the ``ssl.SSLError`` (e.g. ``SSLCertVerificationError``), or a
    ``ConnectionError`` saying the member closed the connection during the handshake; the
    socket is closed. Cancellation: the half-open socket is closed.
    """
    import trio

    tcp = await trio.open_tcp_stream(host, port)
    ssl_stream = trio.SSLStream(
        tcp, context, server_hostname=server_hostname, https_compatible=False
    )
    try:
        await ssl_stream.do_handshake()
    except trio.BrokenResourceError as exc:
        await trio.aclose_forcefully(tcp)
        error = _transport_error(exc)
        if isinstance(error, OSError):
            raise error from None  # the SSLError itself (it is exc's cause: no cycle)
        raise ConnectionError(
            f"TLS handshake with {host}:{port} failed: the peer closed the connection"
        ) from exc
    except BaseException:
        await trio.aclose_forcefully(tcp)
        raise
    return TrioTLSStream(ssl_stream)
