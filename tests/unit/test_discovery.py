"""Cloud discovery without a member: the answer's parsing, the HTTP(S) request, the options."""

from __future__ import annotations

import socket
import ssl
import threading

import anyio
import pytest

from hztrio.config import Config
from hztrio.net.discovery import (
    DEFAULT_CLOUD_URL,
    CloudAddressProvider,
    CloudDiscoveryError,
    StaticAddressProvider,
    discover_cloud_nodes,
    parse_discovery_response,
)
from hztrio.protocol.types import Address
from hztrio.testing.tls import TLSFiles, make_tls_files
from tests.conftest import wait_until
from tests.discovery_service import discovery_service

pytestmark = pytest.mark.timeout(30)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    return make_tls_files(tmp_path_factory.mktemp("tls"))


def test_the_answer_maps_private_to_public_addresses() -> None:
    body = (
        b'[{"private-address": "10.0.0.1:5701", "public-address": "203.0.113.5:31001"},'
        b' {"private-address": "10.0.0.2", "public-address": "node-2.example.com:31002"}]'
    )
    assert parse_discovery_response(body) == {
        Address("10.0.0.1", 5701): Address("203.0.113.5", 31001),
        # a private address without a port takes the public one's
        Address("10.0.0.2", 31002): Address("node-2.example.com", 31002),
    }
    assert parse_discovery_response(b"[]") == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b'{"private-address": "a:1"}', "JSON dict, not an array"),
        (b'["10.0.0.1:5701"]', "not a JSON object"),
        (b'[{"public-address": "a:1"}]', "no 'private-address'"),
        (b'[{"private-address": "a:1"}]', "no 'public-address'"),
        (b'[{"private-address": 1, "public-address": "a:1"}]', "not strings"),
        (b'[{"private-address": "a:1", "public-address": "b"}]', "has no port"),
        (b'[{"private-address": "a:x", "public-address": "b:1"}]', "bad address"),
    ],
)
def test_an_unusable_answer_says_what_is_wrong(body: bytes, message: str) -> None:
    with pytest.raises(CloudDiscoveryError, match=message):
        parse_discovery_response(body)


def test_the_request_names_the_token_and_the_charset() -> None:
    with discovery_service() as service:
        service.nodes = [("10.0.0.1:5701", "127.0.0.1:31001")]
        found = discover_cloud_nodes("s3cr3t/token+x", service.url, 5.0)
    assert found == {Address("10.0.0.1", 5701): Address("127.0.0.1", 31001)}
    (request,) = service.requests
    assert request.path == "/cluster/discovery"
    assert request.token == "s3cr3t/token+x"  # encoded on the way, intact on arrival
    assert request.headers["Accept-Charset"] == "UTF-8"


def test_a_base_url_with_a_path_keeps_it() -> None:
    with discovery_service() as service:
        with pytest.raises(CloudDiscoveryError, match="404"):
            discover_cloud_nodes("t", service.url + "/api/", 5.0)
        assert service.requests[0].path == "/api/cluster/discovery"


def test_an_error_status_is_an_error_with_the_services_message() -> None:
    with discovery_service() as service:
        service.status = 401
        service.body = b'{"message": "Invalid token"}'
        with pytest.raises(CloudDiscoveryError, match=r"answered 401 Unauthorized.*Invalid token"):
            discover_cloud_nodes("wrong", service.url, 5.0)


def test_an_unreachable_service_is_an_error() -> None:
    with discovery_service() as service:
        url = service.url
    with pytest.raises(CloudDiscoveryError, match="could not ask the discovery service"):
        discover_cloud_nodes("t", url, 5.0)


def test_https_checks_the_services_certificate(tls_files: TLSFiles) -> None:
    with discovery_service(
        certfile=str(tls_files.server_cert), keyfile=str(tls_files.server_key)
    ) as service:
        service.nodes = [("10.0.0.1:5701", "127.0.0.1:31001")]
        trusted = ssl.create_default_context(cafile=str(tls_files.ca_cert))
        assert discover_cloud_nodes("t", service.url, 5.0, trusted) == {
            Address("10.0.0.1", 5701): Address("127.0.0.1", 31001)
        }
        untrusted = ssl.create_default_context(cafile=str(tls_files.other_ca_cert))
        with pytest.raises(CloudDiscoveryError, match="TLS failed"):
            discover_cloud_nodes("t", service.url, 5.0, untrusted)
        # the default: the system's CAs, which do not know the test CA
        with pytest.raises(CloudDiscoveryError, match="TLS failed"):
            discover_cloud_nodes("t", service.url, 5.0)


@pytest.mark.anyio
async def test_the_provider_translates_and_asks_again_for_an_unknown_address() -> None:
    with discovery_service() as service:
        service.nodes = [("10.0.0.1:5701", "127.0.0.1:31001")]
        provider = CloudAddressProvider("t", service.url, 5.0)
        assert await provider.load_addresses() == [Address("10.0.0.1", 5701)]
        assert await provider.translate(Address("10.0.0.1", 5701)) == Address("127.0.0.1", 31001)
        assert service.request_count == 1  # a known address is translated from the cache
        service.nodes.append(("10.0.0.2:5701", "127.0.0.1:31002"))
        assert await provider.translate(Address("10.0.0.2", 5701)) == Address("127.0.0.1", 31002)
        assert service.request_count == 2
        assert await provider.translate(Address("10.0.0.3", 5701)) is None
        assert provider.last_error is None
        service.status = 500
        assert await provider.load_addresses() == [
            Address("10.0.0.1", 5701),
            Address("10.0.0.2", 5701),
        ]  # a failed question keeps the last answer
        assert isinstance(provider.last_error, CloudDiscoveryError)
        assert "500" in str(provider.last_error)


@pytest.mark.anyio
async def test_static_addresses_without_port_try_three_ports() -> None:
    provider = StaticAddressProvider([("10.0.0.1", None), ("h", 6000)])
    assert await provider.load_addresses() == [
        Address("10.0.0.1", 5701),
        Address("10.0.0.1", 5702),
        Address("10.0.0.1", 5703),
        Address("h", 6000),
    ]
    assert await provider.translate(Address("h", 6000)) == Address("h", 6000)
    assert await StaticAddressProvider([]).load_addresses() == [
        Address("127.0.0.1", port) for port in (5701, 5702, 5703)
    ]


def test_cloud_options_are_validated() -> None:
    config = Config.from_kwargs(cloud_discovery_token="secret-token-4711")
    assert config.cloud_url == DEFAULT_CLOUD_URL
    assert "secret-token-4711" not in repr(config)
    with pytest.raises(ValueError, match="cloud_discovery_token and cluster_members"):
        Config.from_kwargs(cloud_discovery_token="t", cluster_members=["127.0.0.1"])
    with pytest.raises(ValueError, match="cloud_url must be an http"):
        Config.from_kwargs(cloud_url="ftp://example.com")
    with pytest.raises(ValueError, match="cloud_url must be an http"):
        Config.from_kwargs(cloud_url="https://example.com/x?token=1")
    with pytest.raises(TypeError, match="cloud_url"):
        Config.from_kwargs(cloud_url=3)  # type: ignore[arg-type]
    assert Config.from_kwargs(use_public_ip=True).use_public_ip is True
    with pytest.raises(TypeError, match="use_public_ip"):
        Config.from_kwargs(use_public_ip="yes")  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_a_slow_service_gets_the_timeout_in_all() -> None:
    """Every read returns within the socket timeout, yet the answer takes longer: the
    question is given up after ``timeout`` seconds in all."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle() -> None:
        connection, _ = listener.accept()
        with connection:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]":
                if stop.wait(0.2):
                    return
                connection.sendall(bytes([byte]))

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        provider = CloudAddressProvider("t", url, 0.6)
        started = anyio.current_time()
        assert await provider.load_addresses() == []
        assert anyio.current_time() - started < 3
        assert isinstance(provider.last_error, CloudDiscoveryError)
        assert "did not answer within 0.6 s" in str(provider.last_error)
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_the_token_never_appears_in_an_error() -> None:
    token = "SECRET-4711"
    with discovery_service() as service:
        url = service.url
    for bad_url in (url, url + "/a b", "https://127.0.0.1:99999", "https://exa mple.com"):
        with pytest.raises(CloudDiscoveryError) as info:
            discover_cloud_nodes(token, bad_url, 2.0)
        assert token not in str(info.value), bad_url
        assert info.value.__cause__ is None  # the chained error may quote the token


@pytest.mark.parametrize(
    "url",
    [
        "https://host/a b",
        "https://user:pw@host",
        "https://host:99999",
        "https://host:abc",
        "https://host/#x",
        "https://host/\x00",
    ],
)
def test_cloud_url_is_a_plain_url(url: str) -> None:
    with pytest.raises(ValueError, match="cloud_url must be an http"):
        Config.from_kwargs(cloud_url=url)


@pytest.mark.anyio
async def test_tasks_share_one_question_and_a_cancelled_one_leaves_the_next_to_ask() -> None:
    with discovery_service() as service:
        service.nodes = [("10.0.0.1:5701", "127.0.0.1:31001")]
        service.delay = 0.3
        provider = CloudAddressProvider("t", service.url, 5.0)
        found: list[Address | None] = []

        async def translate() -> None:
            found.append(await provider.translate(Address("10.0.0.1", 5701)))

        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(translate)
        assert found == [Address("127.0.0.1", 31001)] * 5
        assert service.request_count == 1  # one question for the five tasks

        other = CloudAddressProvider("t", service.url, 5.0)
        answers: list[Address | None] = []
        first = anyio.CancelScope()

        async def asker() -> None:
            with first:
                await other.translate(Address("10.0.0.1", 5701))

        async def waiter() -> None:
            answers.append(await other.translate(Address("10.0.0.1", 5701)))

        async with anyio.create_task_group() as tg:
            tg.start_soon(asker)
            # the asker holds the lock and its question is under way
            await wait_until(lambda: service.request_count == 2)
            tg.start_soon(waiter)
            await wait_until(lambda: other._lock.statistics().tasks_waiting == 1)
            first.cancel()
        assert first.cancelled_caught
        # the cancelled question was not an answer: the waiter asked its own
        assert answers == [Address("127.0.0.1", 31001)]
        assert service.request_count == 3
        assert other.last_error is None
