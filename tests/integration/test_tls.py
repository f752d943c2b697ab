"""TLS, mutual TLS and credentials against a real member, with stunnel as the TLS terminator.

The shared community member speaks plain TCP; each terminator here (stunnel, started by
``hztrio.testing.tls``) accepts TLS on a port of its own and forwards to it. A one-member
cluster needs nothing more: the member list names the member the client is connected to.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

import hztrio.sync
from hztrio import HazelcastClient
from hztrio.config import SSLProtocol
from hztrio.errors import AuthenticationError, HazelcastError
from hztrio.lifecycle import LifecycleState
from hztrio.security import BasicTokenProvider
from hztrio.testing import Cluster, start_cluster_sync
from hztrio.testing.tls import (
    STUNNEL_INSTALL_COMMAND,
    TLSFiles,
    TLSTerminator,
    find_stunnel,
    make_tls_files,
    run_stunnel,
)
from tests.conftest import Recorder, client_options, unique, wait_until

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

#: how long a client that cannot get through tries before giving up
FAIL_FAST: dict[str, Any] = {"cluster_connect_timeout": 1, "retry_initial_backoff": 0.2}


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    if find_stunnel() is None:
        pytest.skip(
            "stunnel is not installed and could not be installed (needs root and apt-get); "
            f"install it with: {STUNNEL_INSTALL_COMMAND}"
        )
    return make_tls_files(tmp_path_factory.mktemp("tls"))


def _terminator(member: Cluster, files: TLSFiles, **options: Any) -> Iterator[TLSTerminator]:
    with run_stunnel(member.addresses[0], files, **options) as terminator:
        yield terminator


@pytest.fixture(scope="module")
def tls(hazelcast_member: Cluster, tls_files: TLSFiles) -> Iterator[TLSTerminator]:
    """TLS 1.2 and 1.3, certificate for 127.0.0.1/localhost, no client certificate asked."""
    yield from _terminator(hazelcast_member, tls_files)


@pytest.fixture(scope="module")
def mutual_tls(hazelcast_member: Cluster, tls_files: TLSFiles) -> Iterator[TLSTerminator]:
    yield from _terminator(hazelcast_member, tls_files, mutual=True)


@pytest.fixture(scope="module")
def tls13_only(hazelcast_member: Cluster, tls_files: TLSFiles) -> Iterator[TLSTerminator]:
    yield from _terminator(hazelcast_member, tls_files, protocol="TLSv1.3")


@pytest.fixture(scope="module")
def wrong_host_tls(hazelcast_member: Cluster, tls_files: TLSFiles) -> Iterator[TLSTerminator]:
    yield from _terminator(hazelcast_member, tls_files, wrong_host=True)


def tls_options(
    member: Cluster, terminator: TLSTerminator, files: TLSFiles, **overrides: Any
) -> dict[str, Any]:
    options: dict[str, Any] = {
        "cluster_members": [terminator.address],
        "ssl_enabled": True,
        "ssl_cafile": str(files.ca_cert),
    }
    options.update(overrides)
    return client_options(member, **options)


async def _map_round_trip(client: HazelcastClient) -> None:
    m = await client.get_map(unique("tls"))
    await m.put("k", "v")
    assert await m.get("k") == "v"
    big = b"x" * (3 * 1024 * 1024 + 17)  # many TLS records each way, a large frame
    await m.put("big", big)
    assert await m.get("big") == big
    async with anyio.create_task_group() as tg:  # many calls in flight on one TLS stream
        for i in range(200):
            tg.start_soon(m.set, i, i)
    assert await m.size() == 202
    assert await m.get(199) == 199


def _connections(client: HazelcastClient) -> list[Any]:
    return list(client._connections.active.values())


async def _connect_fails(options: dict[str, Any]) -> HazelcastError:
    with pytest.raises(HazelcastError) as info:
        async with HazelcastClient(**options):
            pass
    return info.value


def _chain(error: BaseException) -> str:
    """The error and its causes, as one text (what a user sees in the traceback)."""
    parts: list[str] = []
    seen: BaseException | None = error
    while seen is not None and len(parts) < 10:
        parts.append(f"{type(seen).__name__}: {seen}")
        seen = seen.__cause__
    return "\n".join(parts)


# --- TLS ---------------------------------------------------------------------------------


async def test_map_calls_over_tls(
    hazelcast_member: Cluster, tls: TLSTerminator, tls_files: TLSFiles
) -> None:
    async with HazelcastClient(**tls_options(hazelcast_member, tls, tls_files)) as client:
        [connection] = _connections(client)
        assert str(connection.remote_address) == tls.address
        assert connection._raw is None  # never the plain-TCP fast path
        await _map_round_trip(client)
    assert "accepted connection" in tls.read_log()


async def test_plain_tcp_keeps_its_fast_path(client: HazelcastClient, anyio_backend: str) -> None:
    [connection] = _connections(client)
    if anyio_backend == "trio":
        assert connection._raw is not None  # the raw socket, no stream in between
    else:
        assert connection._transport is not None
        assert connection._transport.get_extra_info("ssl_object") is None


async def test_tls_with_ciphers_and_hostname_check(
    hazelcast_member: Cluster, tls: TLSTerminator, tls_files: TLSFiles
) -> None:
    options = tls_options(
        hazelcast_member,
        tls,
        tls_files,
        ssl_ciphers="ECDHE-ECDSA-AES128-GCM-SHA256",
        ssl_check_hostname=True,  # the certificate names 127.0.0.1 and localhost
        cluster_members=[f"localhost:{tls.port}"],
    )
    async with HazelcastClient(**options) as client:
        m = await client.get_map(unique("tls"))
        await m.put(1, 2)
        assert await m.get(1) == 2


async def test_wrong_ca_fails_with_the_certificate_error(
    hazelcast_member: Cluster,
    tls: TLSTerminator,
    tls_files: TLSFiles,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="hztrio")
    options = tls_options(
        hazelcast_member, tls, tls_files, ssl_cafile=str(tls_files.other_ca_cert), **FAIL_FAST
    )
    error = await _connect_fails(options)
    assert "CERTIFICATE_VERIFY_FAILED" in _chain(error)
    assert isinstance(error.__cause__, ssl.SSLCertVerificationError)
    # each failed attempt is logged as a warning, with the SSL error
    assert any(
        r.levelno == logging.WARNING and "CERTIFICATE_VERIFY_FAILED" in r.getMessage()
        for r in caplog.records
    )


async def test_no_cafile_uses_the_system_cas(
    hazelcast_member: Cluster, tls: TLSTerminator, tls_files: TLSFiles
) -> None:
    # the test CA is not among the system's: the member's certificate is refused
    options = tls_options(hazelcast_member, tls, tls_files, ssl_cafile=None, **FAIL_FAST)
    error = await _connect_fails(options)
    assert "CERTIFICATE_VERIFY_FAILED" in _chain(error)


async def test_tls_client_to_a_plain_member_fails(hazelcast_member: Cluster) -> None:
    options = client_options(hazelcast_member, ssl_enabled=True, **FAIL_FAST)
    error = await _connect_fails(options)
    assert "Unable to connect" in str(error)


async def test_reconnects_through_the_terminator(
    hazelcast_member: Cluster, tls_files: TLSFiles
) -> None:
    states = Recorder()
    with run_stunnel(hazelcast_member.addresses[0], tls_files) as terminator:
        port = terminator.port
        options = tls_options(
            hazelcast_member,
            terminator,
            tls_files,
            lifecycle_listeners=[states],
            retry_initial_backoff=0.1,
            retry_max_backoff=0.2,
        )
        async with HazelcastClient(**options) as client:
            m = await client.get_map(unique("tls"))
            await m.put(1, 1)
            terminator.stop()  # every TLS connection is cut
            await states.wait_for(lambda s: LifecycleState.DISCONNECTED in s)
            # back on the same port: the client reconnects (after failing, over TLS, on
            # the member's own plain address, which the member list names)
            with run_stunnel(hazelcast_member.addresses[0], tls_files, port=port):
                await states.wait_for(lambda s: s.count(LifecycleState.CONNECTED) == 2)
                await m.put(2, 2)
                assert await m.get_all([1, 2]) == {1: 1, 2: 2}


# --- mutual TLS ----------------------------------------------------------------------------


async def test_mutual_tls_with_a_client_certificate(
    hazelcast_member: Cluster, mutual_tls: TLSTerminator, tls_files: TLSFiles
) -> None:
    options = tls_options(
        hazelcast_member,
        mutual_tls,
        tls_files,
        ssl_certfile=str(tls_files.client_cert),
        ssl_keyfile=str(tls_files.client_key_encrypted),
        ssl_password=lambda: tls_files.client_key_password,  # a callable, as officially
    )
    async with HazelcastClient(**options) as client:
        await _map_round_trip(client)
    assert "Certificate accepted at depth=0: CN=hztrio test client" in mutual_tls.read_log()


async def test_mutual_tls_with_the_key_in_the_certfile(
    hazelcast_member: Cluster, mutual_tls: TLSTerminator, tls_files: TLSFiles, tmp_path: Path
) -> None:
    combined = tmp_path / "client-combined.pem"
    combined.write_bytes(tls_files.client_key.read_bytes() + tls_files.client_cert.read_bytes())
    options = tls_options(hazelcast_member, mutual_tls, tls_files, ssl_certfile=str(combined))
    async with HazelcastClient(**options) as client:
        m = await client.get_map(unique("tls"))
        await m.put(1, 2)
        assert await m.get(1) == 2


async def test_mutual_tls_without_a_client_certificate_fails(
    hazelcast_member: Cluster, mutual_tls: TLSTerminator, tls_files: TLSFiles
) -> None:
    # TLS 1.2: the terminator aborts the handshake with an alert
    options = tls_options(hazelcast_member, mutual_tls, tls_files, **FAIL_FAST)
    error = await _connect_fails(options)
    assert "SSLV3_ALERT_HANDSHAKE_FAILURE" in _chain(error)
    assert "peer did not return a certificate" in mutual_tls.read_log()


async def test_mutual_tls_13_without_a_client_certificate_fails(
    hazelcast_member: Cluster,
    mutual_tls: TLSTerminator,
    tls_files: TLSFiles,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # TLS 1.3: the client's side of the handshake completes first; the refusal is an alert
    # that arrives with the answer to the first request, or, when the terminator's reset
    # overtakes it, a reset: either way the connection fails and authentication never ends
    caplog.set_level(logging.INFO, logger="hztrio")
    options = tls_options(
        hazelcast_member, mutual_tls, tls_files, ssl_protocol=SSLProtocol.TLSv1_3, **FAIL_FAST
    )
    error = await _connect_fails(options)
    seen = _chain(error) + caplog.text
    assert "TLSV13_ALERT_CERTIFICATE_REQUIRED" in seen or "reset" in seen.lower()
    assert "peer did not return a certificate" in mutual_tls.read_log()


# --- host name checking --------------------------------------------------------------------


async def test_hostname_check_off_accepts_a_certificate_for_another_host(
    hazelcast_member: Cluster, wrong_host_tls: TLSTerminator, tls_files: TLSFiles
) -> None:
    options = tls_options(hazelcast_member, wrong_host_tls, tls_files)
    async with HazelcastClient(**options) as client:
        m = await client.get_map(unique("tls"))
        await m.put(1, 2)
        assert await m.get(1) == 2


async def test_hostname_check_on_refuses_a_certificate_for_another_host(
    hazelcast_member: Cluster, wrong_host_tls: TLSTerminator, tls_files: TLSFiles
) -> None:
    options = tls_options(
        hazelcast_member, wrong_host_tls, tls_files, ssl_check_hostname=True, **FAIL_FAST
    )
    error = await _connect_fails(options)
    assert "IP address mismatch" in _chain(error)


# --- protocol pinning ----------------------------------------------------------------------


async def test_pinned_protocol_the_terminator_speaks(
    hazelcast_member: Cluster, tls13_only: TLSTerminator, tls_files: TLSFiles
) -> None:
    options = tls_options(hazelcast_member, tls13_only, tls_files, ssl_protocol=SSLProtocol.TLSv1_3)
    async with HazelcastClient(**options) as client:
        m = await client.get_map(unique("tls"))
        await m.put(1, 2)
        assert await m.get(1) == 2


async def test_pinned_protocol_the_terminator_refuses(
    hazelcast_member: Cluster, tls13_only: TLSTerminator, tls_files: TLSFiles
) -> None:
    # the default, TLSv1_2, pins TLS 1.2: a TLS 1.3-only terminator refuses it
    options = tls_options(hazelcast_member, tls13_only, tls_files, **FAIL_FAST)
    error = await _connect_fails(options)
    assert "PROTOCOL_VERSION" in _chain(error).upper()


# --- credentials ---------------------------------------------------------------------------
#
# A member without security (every community member: security is an Enterprise feature)
# authenticates by cluster name only and expects *no* credentials: it answers any user name,
# password or token with CREDENTIALS_FAILED. These tests check that the credentials reach
# the member and that its refusal comes back as a clear AuthenticationError.


async def test_username_and_password_reach_the_member(hazelcast_member: Cluster) -> None:
    options = client_options(
        hazelcast_member, creds_username="dev", creds_password="s3cret", **FAIL_FAST
    )
    with pytest.raises(AuthenticationError) as info:
        async with HazelcastClient(**options):
            pass
    message = str(info.value)
    assert "CREDENTIALS_FAILED" in message
    assert "refuses any credentials" in message
    assert "s3cret" not in message


async def test_token_provider_reaches_the_member(hazelcast_member: Cluster) -> None:
    calls: list[Any] = []

    class Recording(BasicTokenProvider):
        def token(self, address: Any = None) -> bytes:
            calls.append(address)
            return super().token(address)

    options = client_options(hazelcast_member, token_provider=Recording("t0ken"), **FAIL_FAST)
    with pytest.raises(AuthenticationError, match="CREDENTIALS_FAILED"):
        async with HazelcastClient(**options):
            pass
    # called once per connection attempt, with the member address
    assert calls
    assert {str(a) for a in calls} == {hazelcast_member.addresses[0]}
    member = hazelcast_member.members[0]
    await wait_until(lambda: "SimpleTokenCredentials" in member.read_log())


async def test_no_credentials_authenticate_by_cluster_name(hazelcast_member: Cluster) -> None:
    options = client_options(hazelcast_member, creds_username=None, creds_password=None)
    async with HazelcastClient(**options) as client:
        assert client.lifecycle_service.is_running()


# --- a cluster of several members behind one terminator ------------------------------------


@pytest.fixture(scope="module")
def two_members() -> Iterator[Cluster]:
    with start_cluster_sync(2) as cluster:
        yield cluster


async def test_unisocket_client_through_one_terminator_for_two_members(
    two_members: Cluster, tls_files: TLSFiles
) -> None:
    # the members report their own (plain) addresses: a unisocket client keeps to the
    # terminator's connection and reaches every partition through it
    with run_stunnel(two_members.addresses, tls_files) as terminator:
        options = tls_options(two_members, terminator, tls_files, smart_routing=False)
        async with HazelcastClient(**options) as client:
            assert len(client.cluster_service.get_members()) == 2
            m = await client.get_map(unique("tls"))
            await m.put_all({i: i for i in range(100)})  # keys owned by both members
            assert await m.size() == 100
            [connection] = _connections(client)
            assert str(connection.remote_address) == terminator.address


# --- the blocking client -------------------------------------------------------------------


def test_blocking_client_over_mutual_tls(
    hazelcast_member: Cluster, mutual_tls: TLSTerminator, tls_files: TLSFiles
) -> None:
    options = tls_options(
        hazelcast_member,
        mutual_tls,
        tls_files,
        ssl_certfile=str(tls_files.client_cert),
        ssl_keyfile=str(tls_files.client_key),
        ssl_protocol="TLSv1_3",
    )
    with hztrio.sync.HazelcastClient(**options) as client:
        m = client.get_map(unique("tls"))
        m.put("k", "v")
        assert m.get("k") == "v"
