"""TLS and credential options: validation, the SSLContext they build, the authentication bytes."""

from __future__ import annotations

import shutil
import ssl
import struct
import uuid
from pathlib import Path

import pytest

from hztrio import HazelcastClient
from hztrio.config import Config, SSLProtocol
from hztrio.errors import AuthenticationError
from hztrio.net.tls import create_ssl_context
from hztrio.protocol.frame import BEGIN_DATA_STRUCTURE, END_DATA_STRUCTURE, IS_NULL, iter_frames
from hztrio.protocol.types import Address
from hztrio.security import BasicTokenProvider, TokenProvider
from hztrio.testing.tls import TLSFiles, make_tls_files


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> TLSFiles:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make test certificates")
    return make_tls_files(tmp_path_factory.mktemp("tls-unit"))


# --- options -------------------------------------------------------------------------------


def test_tls_and_credential_options_are_accepted() -> None:
    config = Config.from_kwargs(
        ssl_enabled=True,
        ssl_cafile="/ca.pem",
        ssl_certfile="/cert.pem",
        ssl_keyfile="/key.pem",
        ssl_password=lambda: "pw",
        ssl_protocol="tlsv1_3",
        ssl_ciphers="ECDHE-ECDSA-AES128-GCM-SHA256",
        ssl_check_hostname=True,
        creds_username="alice",
        creds_password="pw",
        token_provider=BasicTokenProvider("t"),
    )
    assert config.ssl_protocol is SSLProtocol.TLSv1_3
    assert "pw" not in repr(config)


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("ssl_enabled", "yes"),
        ("ssl_cafile", 1),
        ("ssl_password", 1234),
        ("ssl_protocol", "TLSv9"),
        ("token_provider", "token"),
    ],
)
def test_bad_option_values_are_refused(option: str, value: object) -> None:
    with pytest.raises((TypeError, ValueError), match=option):
        Config.from_kwargs(**{option: value})  # type: ignore[misc]


def test_basic_token_provider() -> None:
    assert BasicTokenProvider("töken").token() == "töken".encode()
    assert BasicTokenProvider(b"\x00\x01").token(Address("h", 1)) == b"\x00\x01"
    assert BasicTokenProvider().token() == b""
    assert isinstance(BasicTokenProvider(), TokenProvider)
    assert "secret" in repr(BasicTokenProvider("abc")) and "abc" not in repr(
        BasicTokenProvider("abc")
    )
    with pytest.raises(TypeError, match="str or bytes"):
        BasicTokenProvider(123)  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError):
        TokenProvider().token()


# --- the SSLContext ------------------------------------------------------------------------


def test_tls_disabled_builds_no_context() -> None:
    # like the official client, ssl_* options are ignored while ssl_enabled is off
    assert create_ssl_context(Config(ssl_cafile="/does/not/exist")) is None


def test_default_context_verifies_and_pins_tls_1_2() -> None:
    context = create_ssl_context(Config(ssl_enabled=True))
    assert context is not None
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is False
    assert context.minimum_version == context.maximum_version == ssl.TLSVersion.TLSv1_2


def test_context_from_every_option(files: TLSFiles) -> None:
    context = create_ssl_context(
        Config(
            ssl_enabled=True,
            ssl_cafile=str(files.ca_cert),
            ssl_certfile=str(files.client_cert),
            ssl_keyfile=str(files.client_key_encrypted),
            ssl_password=files.client_key_password.encode(),
            ssl_protocol=SSLProtocol.TLSv1_3,
            ssl_ciphers="ECDHE-ECDSA-AES128-GCM-SHA256",
            ssl_check_hostname=True,
        )
    )
    assert context is not None
    assert context.check_hostname is True
    assert context.minimum_version == context.maximum_version == ssl.TLSVersion.TLSv1_3
    [ca] = context.get_ca_certs()
    assert dict(entry[0] for entry in ca["subject"])["commonName"] == "hztrio test CA"
    tls12 = [c["name"] for c in context.get_ciphers() if c["protocol"] == "TLSv1.2"]
    assert tls12 == ["ECDHE-ECDSA-AES128-GCM-SHA256"]


def test_password_may_be_a_callable(files: TLSFiles) -> None:
    calls: list[int] = []

    def password() -> str:
        calls.append(1)
        return files.client_key_password

    create_ssl_context(
        Config(
            ssl_enabled=True,
            ssl_cafile=str(files.ca_cert),
            ssl_certfile=str(files.client_cert),
            ssl_keyfile=str(files.client_key_encrypted),
            ssl_password=password,
        )
    )
    assert calls == [1]


def _build(**options: object) -> None:
    HazelcastClient(ssl_enabled=True, **options)


def test_missing_cafile_fails_when_the_client_is_built(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="ssl_cafile: cannot load CA certificates"):
        _build(ssl_cafile=str(tmp_path / "missing.pem"))


def test_wrong_key_password_fails_when_the_client_is_built(files: TLSFiles) -> None:
    with pytest.raises(ValueError, match="ssl_password") as info:
        _build(
            ssl_cafile=str(files.ca_cert),
            ssl_certfile=str(files.client_cert),
            ssl_keyfile=str(files.client_key_encrypted),
            ssl_password="wrong",
        )
    assert "wrong" not in str(info.value).replace("wrong password", "")
    assert isinstance(info.value.__cause__, ssl.SSLError)


def test_key_not_matching_the_certificate_fails(files: TLSFiles) -> None:
    with pytest.raises(ValueError, match="ssl_certfile/ssl_keyfile"):
        _build(ssl_certfile=str(files.client_cert), ssl_keyfile=str(files.server_key))


def test_keyfile_without_certfile_fails(files: TLSFiles) -> None:
    with pytest.raises(ValueError, match="ssl_keyfile is set but ssl_certfile is not"):
        _build(ssl_keyfile=str(files.client_key))


def test_cipher_list_selecting_nothing_fails() -> None:
    with pytest.raises(ValueError, match="ssl_ciphers: OpenSSL selects no cipher"):
        _build(ssl_ciphers="NO-SUCH-CIPHER")


@pytest.mark.parametrize("protocol", [SSLProtocol.SSLv2, SSLProtocol.SSLv3])
def test_protocols_python_cannot_speak_fail(protocol: SSLProtocol) -> None:
    with pytest.raises(ValueError, match=f"ssl_protocol {protocol.name} is not available"):
        _build(ssl_protocol=protocol)


# --- the authentication request ------------------------------------------------------------

CLIENT_UUID = uuid.UUID("01234567-89ab-cdef-fedc-ba9876543210")


def _request(**options: object) -> list[tuple[int, bytes]]:
    client = HazelcastClient(cluster_name="prod", client_name="app", labels=["blue"], **options)
    manager = client._connections
    manager._client_uuid = CLIENT_UUID
    return list(iter_frames(manager._authentication_request(Address("10.0.0.1", 5701))))


def _fixed_part(initial: bytes) -> bytes:
    """The fixed-size fields after the request header: uuid, serialization version,
    routing mode, CP direct-to-leader."""
    return initial[16:]


EXPECTED_FIXED = (
    b"\x00"  # the UUID is not null
    + struct.pack("<qq", *struct.unpack(">qq", CLIENT_UUID.bytes))  # msb, lsb, little-endian
    + b"\x01"  # serialization version
    + b"\x01"  # routing mode: smart
    + b"\x00"  # CP direct-to-leader routing: off
)


def test_authentication_request_with_username_and_password() -> None:
    frames = _request(creds_username="alice", creds_password="pw")
    initial = frames[0][1]
    assert struct.unpack_from("<i", initial, 0)[0] == 0x000100  # Client.authentication
    assert struct.unpack_from("<i", initial, 12)[0] == -1  # any partition
    assert _fixed_part(initial) == EXPECTED_FIXED
    assert [payload for _, payload in frames[1:7]] == [
        b"prod",
        b"alice",
        b"pw",
        b"PYH",
        b"5.5.0",
        b"app",
    ]
    assert frames[7][0] & BEGIN_DATA_STRUCTURE
    assert frames[8][1] == b"blue"
    assert frames[9][0] & END_DATA_STRUCTURE
    assert len(frames) == 10


def test_authentication_request_without_credentials_sends_null_frames() -> None:
    frames = _request()
    assert frames[1][1] == b"prod"
    for flags, payload in frames[2:4]:
        assert flags & IS_NULL
        assert payload == b""
    assert frames[4][1] == b"PYH"


def test_authentication_request_with_a_token() -> None:
    seen: list[Address | None] = []

    class Provider:
        def token(self, address: Address | None = None) -> bytes:
            seen.append(address)
            return b"\x00tok\xff"

    frames = _request(token_provider=Provider(), creds_username="ignored", smart_routing=False)
    initial = frames[0][1]
    assert struct.unpack_from("<i", initial, 0)[0] == 0x000200  # Client.authenticationCustom
    assert _fixed_part(initial) == EXPECTED_FIXED[:-2] + b"\x00\x00"  # unisocket routing
    assert [payload for _, payload in frames[1:6]] == [
        b"prod",
        b"\x00tok\xff",
        b"PYH",
        b"5.5.0",
        b"app",
    ]
    assert seen == [Address("10.0.0.1", 5701)]


def test_a_token_that_is_not_bytes_is_refused() -> None:
    class Provider:
        def token(self, address: Address | None = None) -> str:
            return "text"

    with pytest.raises(AuthenticationError, match=r"token_provider.token\(\) must return bytes"):
        _request(token_provider=Provider())


def test_a_failing_token_provider_fails_the_attempt_not_the_client() -> None:
    class Provider:
        def token(self, address: Address | None = None) -> bytes:
            raise RuntimeError("token service down")

    with pytest.raises(AuthenticationError, match="token service down") as raised:
        _request(token_provider=Provider())
    assert isinstance(raised.value.__cause__, RuntimeError)
