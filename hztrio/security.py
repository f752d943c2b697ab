"""Token-based authentication: what ``token_provider`` takes (as ``hazelcast.security``).

The client calls ``token_provider.token(address)`` each time it authenticates a new
connection, with the member address it connected to, and sends the bytes it returns in a
``Client.authenticationCustom`` request instead of a user name and password. Members of the
community edition accept any token; Enterprise members with security enabled check it
against their configured identity (e.g. a ``<token>`` realm).

::

    from hztrio.security import BasicTokenProvider

    async with hztrio.HazelcastClient(token_provider=BasicTokenProvider("s3cret")) as client:
        ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .protocol.types import Address

__all__ = ["BasicTokenProvider", "TokenProvider"]


class TokenProvider:
    """Base class of token providers: subclass it and return the token from :meth:`token`.

    Any object with a ``token(address)`` method will do; this class only documents the
    contract. ``token`` is called synchronously, on the event loop, once per connection.
    """

    def token(self, address: Address | None = None) -> bytes:
        """The token to authenticate with on a connection to *address*, as bytes."""
        raise NotImplementedError("a TokenProvider must implement token()")


class BasicTokenProvider(TokenProvider):
    """Sends the same token, given as ``str`` (encoded as UTF-8) or ``bytes``, to every member."""

    def __init__(self, token: str | bytes = "") -> None:
        if isinstance(token, str):
            self._token = token.encode("utf-8")
        elif isinstance(token, bytes):
            self._token = token
        else:
            raise TypeError(f"token must be a str or bytes, not {type(token).__name__}")

    def token(self, address: Address | None = None) -> bytes:
        return self._token

    def __repr__(self) -> str:
        return "BasicTokenProvider(<secret>)"
