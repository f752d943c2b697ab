"""hztrio.config: options, defaults, validation, unsupported options."""

from __future__ import annotations

import dataclasses
import enum
import logging
import math
from collections.abc import Mapping
from typing import Any

import hazelcast.config as _official
import pytest

import hztrio.config as config_module
from hztrio.config import (
    OPTION_NAMES,
    Config,
    EvictionPolicy,
    FlakeIdGeneratorConfig,
    InMemoryFormat,
    IntType,
    MemberAddress,
    NearCacheConfig,
    ReconnectMode,
    ReliableTopicConfig,
    SSLProtocol,
    TopicOverloadPolicy,
    parse_member_address,
)
from hztrio.serialization.api import IdentifiedDataSerializable

official: Any = _official  # the official client is only partly typed


def official_option_names() -> set[str]:
    return {
        name
        for name, value in vars(official.Config).items()
        if isinstance(value, property) and value.fset is not None
    }


def plain(value: Any) -> Any:
    """A value as the official client would hold it, for comparisons."""
    if isinstance(value, enum.IntEnum):
        return int(value)
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    return value


# --- option names and defaults ----------------------------------------------------------------


def test_every_official_option_exists() -> None:
    names = official_option_names()
    assert len(names) > 50
    assert names <= OPTION_NAMES
    # the seed (4.0) README's logging options, hztrio's pickle opt-in and the Java client's
    # cloud URL property are the only extra ones
    assert OPTION_NAMES - names == {"logging_level", "logging_config", "allow_pickle", "cloud_url"}


def test_config_options_typed_dict_lists_every_option() -> None:
    assert set(config_module.ConfigOptions.__annotations__) == OPTION_NAMES


def test_defaults_documented_by_the_seed_readme() -> None:
    c = Config()
    assert c.cluster_name == "dev"
    assert c.cluster_members == ()
    assert c.smart_routing is True
    assert c.redo_operation is False
    assert c.connection_timeout == 5.0
    assert c.async_start is False
    assert c.reconnect_mode is ReconnectMode.ON
    assert c.retry_initial_backoff == 1
    assert c.retry_max_backoff == 30
    assert c.retry_multiplier == 1
    assert c.retry_jitter == 0
    assert c.cluster_connect_timeout == 20
    assert c.invocation_retry_pause == 1
    assert c.backup_ack_to_client_enabled is True
    assert c.operation_backup_timeout == 5
    assert c.fail_on_indeterminate_operation_state is False
    assert c.statistics_enabled is False
    assert c.statistics_period == 3
    assert c.default_int_type is IntType.INT
    assert c.ssl_protocol is SSLProtocol.TLSv1_2
    assert c.logging_level == logging.INFO
    assert c.logging_config is None


def test_other_defaults_match_the_official_client() -> None:
    ours = Config()
    theirs = official.Config()
    seed_overrides = {"retry_multiplier", "cluster_connect_timeout"}
    for name in sorted(official_option_names() - seed_overrides):
        assert plain(getattr(ours, name)) == getattr(theirs, name), name
    assert theirs.retry_multiplier == 1.05
    assert theirs.cluster_connect_timeout == -1


def test_durations_are_floats() -> None:
    c = Config(invocation_timeout=30, heartbeat_interval=2)
    assert type(c.invocation_timeout) is float
    assert type(c.heartbeat_interval) is float
    assert c.invocation_timeout == 30.0


# --- from_kwargs ------------------------------------------------------------------------------


def test_from_kwargs_builds_config() -> None:
    c = Config.from_kwargs(
        cluster_name="prod",
        cluster_members=["10.0.0.1:5701"],
        smart_routing=False,
        invocation_timeout=10,
        backup_ack_to_client_enabled=False,
        operation_backup_timeout=2.5,
        fail_on_indeterminate_operation_state=True,
    )
    assert c.cluster_name == "prod"
    assert c.cluster_members == ("10.0.0.1:5701",)
    assert c.smart_routing is False
    assert c.invocation_timeout == 10.0
    assert c.backup_ack_to_client_enabled is False
    assert c.operation_backup_timeout == 2.5
    assert c.fail_on_indeterminate_operation_state is True
    assert c == Config(
        cluster_name="prod",
        cluster_members=["10.0.0.1:5701"],
        smart_routing=False,
        invocation_timeout=10,
        backup_ack_to_client_enabled=False,
        operation_backup_timeout=2.5,
        fail_on_indeterminate_operation_state=True,
    )
    assert Config.from_dict({"cluster_name": "prod"}).cluster_name == "prod"


def test_unknown_option_suggests_the_closest() -> None:
    with pytest.raises(TypeError, match=r"'clustr_name'.*did you mean 'cluster_name'"):
        Config.from_kwargs(clustr_name="dev")  # type: ignore[call-arg]


def test_unknown_option_without_close_match() -> None:
    with pytest.raises(TypeError, match="'wibble'") as info:
        Config.from_kwargs(wibble=1)  # type: ignore[call-arg]
    assert "did you mean" not in str(info.value)


def test_unknown_option_in_constructor() -> None:
    with pytest.raises(TypeError, match="clustr_name"):
        Config(clustr_name="dev")  # type: ignore[call-arg]


def test_member_addresses_is_not_an_option() -> None:
    with pytest.raises(TypeError, match="member_addresses"):
        Config.from_kwargs(member_addresses=())  # type: ignore[call-arg]


def test_none_means_default_in_from_kwargs() -> None:
    c = Config.from_kwargs(cluster_name=None, invocation_timeout=None, labels=None)
    assert c == Config()


# --- wrong types and values -------------------------------------------------------------------

_SENTINEL_OBJECT = object()

# (option, value, the part of the value the message must show; None for secrets)
TYPE_ERRORS: list[tuple[str, Any, Any]] = [
    ("cluster_name", 5, 5),
    ("cluster_name", None, None),
    ("client_name", b"bytes", b"bytes"),
    ("cluster_members", "127.0.0.1", "127.0.0.1"),
    ("cluster_members", [5701], 5701),
    ("cluster_members", {"a": 1}, {"a": 1}),
    ("smart_routing", 1, 1),
    ("smart_routing", "yes", "yes"),
    ("redo_operation", None, None),
    ("connection_timeout", "5", "5"),
    ("invocation_timeout", True, True),
    ("invocation_timeout", [1], [1]),
    ("heartbeat_interval", None, None),
    ("retry_jitter", "0.5", "0.5"),
    ("reconnect_mode", 1.0, 1.0),
    ("reconnect_mode", True, True),
    ("reconnect_mode", None, None),
    ("default_int_type", [3], [3]),
    ("labels", "label", "label"),
    ("labels", ["ok", 3], 3),
    ("lifecycle_listeners", [42], 42),
    ("lifecycle_listeners", print, print),
    ("portable_version", 1.5, 1.5),
    ("logging_level", "DEBUG", "DEBUG"),
    ("socket_options", [(1, 2)], (1, 2)),
    ("membership_listeners", [print], print),
    ("membership_listeners", [(print, 3)], (print, 3)),
    ("near_caches", [], []),
    ("near_caches", {"m": 5}, 5),
    ("near_caches", {5: {}}, 5),
    ("flake_id_generators", {"f": {"prefetch_count": "many"}}, "many"),
    ("load_balancer", _SENTINEL_OBJECT, _SENTINEL_OBJECT),
    ("token_provider", "token", None),
    ("global_serializer", "Serializer", "Serializer"),
    ("custom_serializers", {int: "Serializer"}, "Serializer"),
    ("data_serializable_factories", {1: {2: "cls"}}, "cls"),
    ("portable_factories", {"1": {}}, "1"),
    ("compact_serializers", [_SENTINEL_OBJECT], _SENTINEL_OBJECT),
    ("ssl_password", 1234, None),
]


@pytest.mark.parametrize(("option", "value", "offender"), TYPE_ERRORS)
def test_wrong_type_raises_type_error(option: str, value: Any, offender: Any) -> None:
    with pytest.raises(TypeError) as info:
        Config(**{option: value})
    message = str(info.value)
    assert message.startswith(option), message
    if offender is not None:
        assert repr(offender) in message, message


VALUE_ERRORS: list[tuple[str, Any]] = [
    ("cluster_name", ""),
    ("client_name", ""),
    ("connection_timeout", -1),
    ("connection_timeout", math.nan),
    ("invocation_timeout", 0),
    ("invocation_timeout", -5),
    ("invocation_timeout", -math.inf),
    ("invocation_retry_pause", 0),
    ("invocation_retry_pause", math.inf),
    ("heartbeat_interval", -1),
    ("heartbeat_interval", math.inf),
    ("heartbeat_timeout", 0),
    ("operation_backup_timeout", 0),
    ("statistics_period", 0),
    ("retry_initial_backoff", -0.5),
    ("retry_max_backoff", -1),
    ("retry_jitter", 1.5),
    ("retry_jitter", -0.1),
    ("retry_multiplier", 0.99),
    ("retry_multiplier", math.inf),
    ("cluster_connect_timeout", -2),
    ("portable_version", -1),
    ("logging_level", -1),
    ("reconnect_mode", "sometimes"),
    ("reconnect_mode", 3),
    ("default_int_type", "huge"),
    ("ssl_protocol", "TLSv9"),
    ("cluster_members", ["a:b"]),
    ("cluster_members", ["host:0"]),
    ("cluster_members", ["host:65536"]),
    ("cluster_members", ["[::1"]),
    ("cluster_members", ["[1.2.3.4]:5701"]),
    ("cluster_members", ["1:2:3"]),
    ("cluster_members", ["a b"]),
    ("cluster_members", ["http://host"]),
    ("cluster_members", [""]),
    ("membership_listeners", [(None, None)]),
    ("near_caches", {"m": {"eviction_max_size": 0}}),
    ("flake_id_generators", {"f": {"prefetch_count": 100_001}}),
    ("reliable_topics", {"t": {"read_batch_size": 0}}),
    ("reliable_topics", {"t": {"overload_policy": "drop"}}),
]


@pytest.mark.parametrize(("option", "value"), VALUE_ERRORS)
def test_bad_value_raises_value_error(option: str, value: Any) -> None:
    with pytest.raises(ValueError) as info:
        Config(**{option: value})
    message = str(info.value)
    assert message.startswith(option), message
    shown = value[0] if isinstance(value, list) else value
    if isinstance(shown, Mapping):
        (shown,) = next(iter(shown.values())).values()
    assert repr(shown) in message, message


def test_secrets_stay_out_of_messages_and_repr() -> None:
    with pytest.raises(TypeError) as info:
        Config(creds_password=123456789)  # type: ignore[arg-type]
    assert "123456789" not in str(info.value)
    c = Config(creds_username="admin", creds_password="hunter2", ssl_password="s3cret")
    assert "hunter2" not in repr(c)
    assert "s3cret" not in repr(c)
    assert "admin" in repr(c)


# --- enums ------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [ReconnectMode.ASYNC, 2, "ASYNC", "async", "Async"])
def test_enum_option_accepts_member_value_or_name(value: Any) -> None:
    assert Config.from_kwargs(reconnect_mode=value).reconnect_mode is ReconnectMode.ASYNC


@pytest.mark.parametrize(
    ("enum_type", "name", "member"),
    [
        (SSLProtocol, "TLSv1_3", SSLProtocol.TLSv1_3),
        (SSLProtocol, "tlsv1_2", SSLProtocol.TLSv1_2),
        (IntType, "big_int", IntType.BIG_INT),
        (EvictionPolicy, "lfu", EvictionPolicy.LFU),
        (InMemoryFormat, "OBJECT", InMemoryFormat.OBJECT),
        (TopicOverloadPolicy, "discard_oldest", TopicOverloadPolicy.DISCARD_OLDEST),
    ],
)
def test_enum_by_name(enum_type: type[enum.IntEnum], name: str, member: enum.IntEnum) -> None:
    by_name: Any = enum_type
    assert by_name(name) is member


def test_enum_values_match_official_client() -> None:
    for ours in (
        IntType,
        EvictionPolicy,
        InMemoryFormat,
        SSLProtocol,
        ReconnectMode,
        TopicOverloadPolicy,
        config_module.UniqueKeyTransformation,
        config_module.IndexType,
    ):
        theirs = getattr(official, ours.__name__)
        for member in ours:
            assert getattr(theirs, member.name) == member.value


def test_default_int_type_option() -> None:
    assert Config.from_kwargs(default_int_type="LONG").default_int_type is IntType.LONG
    assert Config.from_kwargs(default_int_type=0).default_int_type is IntType.VAR


# --- durations and "no limit" -----------------------------------------------------------------


def test_no_limit_sentinels_become_inf() -> None:
    assert Config(cluster_connect_timeout=-1).cluster_connect_timeout == math.inf
    assert Config(cluster_connect_timeout=math.inf).cluster_connect_timeout == math.inf
    assert Config(cluster_connect_timeout=0).cluster_connect_timeout == 0
    assert Config(connection_timeout=0).connection_timeout == math.inf
    assert Config(invocation_timeout=math.inf).invocation_timeout == math.inf
    assert Config(heartbeat_timeout=math.inf).heartbeat_timeout == math.inf


def test_replace_revalidates_and_is_idempotent() -> None:
    c = Config.from_kwargs(cluster_connect_timeout=-1, connection_timeout=0, reconnect_mode="OFF")
    assert dataclasses.replace(c) == c
    assert dataclasses.replace(c, cluster_name="other").cluster_name == "other"
    with pytest.raises(ValueError, match="invocation_timeout"):
        dataclasses.replace(c, invocation_timeout=-1)


# --- addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1", ("127.0.0.1", None)),
        ("127.0.0.1:5702", ("127.0.0.1", 5702)),
        ("localhost", ("localhost", None)),
        ("member-1.example.com:6000", ("member-1.example.com", 6000)),
        ("  10.0.0.5:5701 ", ("10.0.0.5", 5701)),
        ("[::1]:5701", ("::1", 5701)),
        ("[::1]", ("::1", None)),
        ("::1", ("::1", None)),
        ("fe80::1%eth0", ("fe80::1%eth0", None)),
        ("[2001:db8::7]:65535", ("2001:db8::7", 65535)),
    ],
)
def test_parse_member_address(text: str, expected: tuple[str, int | None]) -> None:
    assert parse_member_address(text) == MemberAddress(*expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        ":5701",
        "host:",
        "host:port",
        "host:-1",
        "host:0",
        "[::1]5701",
        "[::1]:",
        "[]:5701",
        "[localhost]:5701",
        "a:b:c",
        "host name",
        "-host",
        "http://h:1",
        "h:\u0665\u0667\u0660\u0661",
    ],
)
def test_parse_member_address_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="invalid member address"):
        parse_member_address(text)


def test_cluster_members_are_parsed() -> None:
    c = Config(cluster_members=["10.0.0.1", "h:5702", "[::1]:5703"])
    assert c.cluster_members == ("10.0.0.1", "h:5702", "[::1]:5703")
    assert c.member_addresses == (
        MemberAddress("10.0.0.1", None),
        MemberAddress("h", 5702),
        MemberAddress("::1", 5703),
    )
    assert Config().member_addresses == ()


def test_cluster_members_accepts_tuple() -> None:
    assert Config(cluster_members=("a", "b:1")).cluster_members == ("a", "b:1")


# --- lists and listeners ----------------------------------------------------------------------


def test_labels() -> None:
    assert Config(labels=["role admin", "region foo"]).labels == ("role admin", "region foo")


def test_lifecycle_listeners_accept_functions_and_coroutine_functions() -> None:
    def sync_listener(state: object) -> None:
        pass

    async def async_listener(state: object) -> None:
        pass

    c = Config(lifecycle_listeners=[sync_listener, async_listener])
    assert c.lifecycle_listeners == (sync_listener, async_listener)


def test_membership_listener_pairs() -> None:
    def added(member: object) -> None:
        pass

    c = Config(membership_listeners=[(added, None), (None, added), (added, added)])
    assert c.membership_listeners == ((added, None), (None, added), (added, added))


# --- per-structure configs --------------------------------------------------------------------


def test_sub_config_defaults_match_official_client() -> None:
    pairs: list[tuple[Any, Any]] = [
        (NearCacheConfig(), official.NearCacheConfig()),
        (FlakeIdGeneratorConfig(), official.FlakeIdGeneratorConfig()),
        (ReliableTopicConfig(), official.ReliableTopicConfig()),
    ]
    for ours, theirs in pairs:
        for f in dataclasses.fields(ours):
            if f.name in NEAR_CACHE_EXTENSIONS:
                continue
            assert plain(getattr(ours, f.name)) == getattr(theirs, f.name), f.name


#: NearCacheConfig options of hztrio's own (Java's client properties, per map)
NEAR_CACHE_EXTENSIONS = {"reconciliation_interval", "max_tolerated_miss_count"}


def test_near_cache_extensions() -> None:
    official_names = {
        name
        for name, value in vars(official.NearCacheConfig).items()
        if isinstance(value, property)
    }
    ours = {f.name for f in dataclasses.fields(NearCacheConfig)}
    assert ours - official_names == NEAR_CACHE_EXTENSIONS
    default = NearCacheConfig()
    assert default.reconciliation_interval == 60.0
    assert type(default.reconciliation_interval) is float
    assert default.max_tolerated_miss_count == 10
    c = NearCacheConfig.from_dict({"reconciliation_interval": 0, "max_tolerated_miss_count": 0})
    assert c.reconciliation_interval == 0.0
    assert c.max_tolerated_miss_count == 0
    assert NearCacheConfig(reconciliation_interval=0.5).reconciliation_interval == 0.5
    with pytest.raises(ValueError, match="reconciliation_interval must not be negative"):
        NearCacheConfig(reconciliation_interval=-1)
    with pytest.raises(ValueError, match="reconciliation_interval must be finite"):
        NearCacheConfig(reconciliation_interval=math.inf)
    with pytest.raises(ValueError, match="max_tolerated_miss_count must be at least 0"):
        NearCacheConfig(max_tolerated_miss_count=-1)
    with pytest.raises(TypeError, match="max_tolerated_miss_count must be an int"):
        NearCacheConfig(max_tolerated_miss_count=1.5)  # type: ignore[arg-type]


def test_near_caches_accepted() -> None:
    c = Config.from_kwargs(near_caches={"m": {"time_to_live": 5}})
    assert c.near_caches["m"].time_to_live == 5.0


def test_near_caches_stored_as_typed_objects() -> None:
    explicit = NearCacheConfig(eviction_policy=EvictionPolicy.NONE)
    c = Config.from_kwargs(
        near_caches={
            "mostly-read-map": {
                "invalidate_on_change": True,
                "time_to_live": 60,
                "max_idle": 30,
                "in_memory_format": InMemoryFormat.OBJECT,
                "eviction_policy": "lfu",
                "eviction_max_size": 100,
                "eviction_sampling_count": 8,
                "eviction_sampling_pool_size": 16,
            },
            "other": explicit,
        }
    )
    near_cache = c.near_caches["mostly-read-map"]
    assert isinstance(near_cache, NearCacheConfig)
    assert near_cache.time_to_live == 60.0
    assert near_cache.max_idle == 30.0
    assert near_cache.in_memory_format is InMemoryFormat.OBJECT
    assert near_cache.eviction_policy is EvictionPolicy.LFU
    assert near_cache.eviction_max_size == 100
    assert c.near_caches["other"] is explicit


def test_near_cache_unknown_key() -> None:
    with pytest.raises(TypeError, match=r"near_caches\['m'\].*'eviction_max_sise'.*did you mean"):
        Config.from_kwargs(near_caches={"m": {"eviction_max_sise": 5}})


def test_flake_id_and_reliable_topic_configs() -> None:
    c = Config.from_kwargs(
        flake_id_generators={"ids": {"prefetch_count": 123, "prefetch_validity": 150}},
        reliable_topics={"t": {"read_batch_size": 5, "overload_policy": "error"}},
    )
    assert c.flake_id_generators["ids"] == FlakeIdGeneratorConfig(
        prefetch_count=123, prefetch_validity=150
    )
    assert c.reliable_topics["t"].overload_policy is TopicOverloadPolicy.ERROR
    assert FlakeIdGeneratorConfig(prefetch_validity=0).prefetch_validity == math.inf
    with pytest.raises(TypeError, match="unknown flake id generator option 'prefetch'"):
        FlakeIdGeneratorConfig.from_dict({"prefetch": 1})
    with pytest.raises(ValueError, match="read_batch_size"):
        ReliableTopicConfig(read_batch_size=-1)


def test_sub_configs_validate_when_built_directly() -> None:
    with pytest.raises(ValueError, match="eviction_sampling_count must be at least 1, got 0"):
        NearCacheConfig(eviction_sampling_count=0)
    with pytest.raises(TypeError, match="invalidate_on_change"):
        NearCacheConfig(invalidate_on_change="yes")  # type: ignore[arg-type]
    assert NearCacheConfig(in_memory_format="object").in_memory_format is InMemoryFormat.OBJECT  # type: ignore[arg-type]


# --- unsupported options ----------------------------------------------------------------------


class _LB:
    def init(self, cluster_service: object) -> None:
        pass

    def next(self) -> None:
        return None


class _Token:
    def token(self) -> bytes:
        return b"t"


class _Compact:
    def read(self, reader: object) -> None:
        pass

    def write(self, writer: object, obj: object) -> None:
        pass

    def get_class(self) -> type:
        return object

    def get_type_name(self) -> str:
        return "x"


NON_DEFAULT_VALUES: dict[str, Any] = {
    "ssl_enabled": True,
    "ssl_cafile": "/ca.pem",
    "ssl_certfile": "/cert.pem",
    "ssl_keyfile": "/key.pem",
    "ssl_password": "pw",
    "ssl_protocol": SSLProtocol.TLSv1_3,
    "ssl_ciphers": "DHE-RSA-AES128-SHA",
    "ssl_check_hostname": True,
    "cloud_discovery_token": "token",
    "cloud_url": "http://127.0.0.1:8080",
    "creds_username": "user",
    "creds_password": "pw",
    "token_provider": _Token(),
    "near_caches": {"m": {}},
    "flake_id_generators": {"f": {}},
    "reliable_topics": {"t": {}},
    "statistics_enabled": True,
    "statistics_period": 10,
    "load_balancer": _LB(),
    "data_serializable_factories": {1: {}},
    "portable_version": 1,
    "check_class_definition_errors": False,
    "compact_serializers": [_Compact()],
    "custom_serializers": {int: _LB},
    "global_serializer": _LB,
    "membership_listeners": [(print, None)],
    "use_public_ip": True,
    "socket_options": [(1, 2, 3)],
    "logging_level": logging.DEBUG,
    "logging_config": {"version": 1},
}


@pytest.mark.parametrize("option", sorted(NON_DEFAULT_VALUES))
def test_every_option_takes_a_value_other_than_its_default(option: str) -> None:
    c = Config(**{option: NON_DEFAULT_VALUES[option]})
    assert getattr(c, option) != getattr(Config(), option)


def test_defaults_in_their_input_spelling() -> None:
    Config.from_kwargs(
        ssl_enabled=False,
        ssl_protocol="TLSv1_2",
        near_caches={},
        membership_listeners=[],
        statistics_period=3,
        portable_version=0,
        logging_level=logging.INFO,
    )


def test_near_caches_value_is_type_checked() -> None:
    with pytest.raises(TypeError, match="near_caches"):
        Config(near_caches=["not", "a", "dict"])  # type: ignore[arg-type]


# --- immutability and repr --------------------------------------------------------------------


def test_config_is_immutable() -> None:
    members = ["a:1"]
    factories: dict[int, dict[int, type]] = {1: {2: _Ids}}
    c = Config(cluster_members=members, data_serializable_factories=factories)
    members.append("b:2")
    factories[1][3] = _OtherIds
    assert c.cluster_members == ("a:1",)
    assert dict(c.data_serializable_factories[1]) == {2: _Ids}
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.cluster_name = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        c.data_serializable_factories[5] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        c.data_serializable_factories[1][9] = _Ids  # type: ignore[index]


class _Ids(IdentifiedDataSerializable):
    pass


class _OtherIds(IdentifiedDataSerializable):
    pass


def test_factories_take_only_classes_of_their_kind() -> None:
    class Plain:
        pass

    with pytest.raises(
        TypeError, match=r"data_serializable_factories\[1\]\[2\] must be a subclass"
    ):
        Config.from_kwargs(data_serializable_factories={1: {2: Plain}})
    with pytest.raises(
        TypeError, match=r"portable_factories\[1\]\[2\] must be a subclass of Portable"
    ):
        Config.from_kwargs(portable_factories={1: {2: _Ids}})
    with pytest.raises(TypeError, match="class_definitions entries must be ClassDefinition"):
        Config.from_kwargs(class_definitions=[Plain()])


def test_repr_shows_changed_options() -> None:
    assert repr(Config()) == "Config()"
    c = Config.from_kwargs(cluster_name="prod", reconnect_mode="ASYNC", cluster_members=["h:1"])
    assert repr(c) == (
        "Config(cluster_members=('h:1',), cluster_name='prod', reconnect_mode=ReconnectMode.ASYNC)"
    )
    assert repr(NearCacheConfig(eviction_max_size=5)) == "NearCacheConfig(eviction_max_size=5)"


def test_public_classes_have_docstrings() -> None:
    for name in config_module.__all__:
        obj = getattr(config_module, name)
        if isinstance(obj, type):
            assert obj.__doc__, name


@pytest.mark.parametrize(
    "logging_config", [{}, {"version": 2}, {"version": 1, "handlers": {"h": {"class": "no.Such"}}}]
)
def test_a_bad_logging_config_is_a_value_error_naming_it(logging_config: dict[str, Any]) -> None:
    from hztrio import HazelcastClient

    with pytest.raises(ValueError, match="logging_config is not a valid logging configuration"):
        HazelcastClient(logging_config=logging_config)


def test_serializer_options_errors_name_the_option() -> None:
    from hztrio import HazelcastClient
    from hztrio.serialization.api import CompactSerializer, StreamSerializer

    class NoClass(CompactSerializer[Any]):
        def read(self, reader: Any) -> Any:
            return None

        def write(self, writer: Any, obj: Any) -> None:
            pass

        def get_class(self) -> Any:
            return 5

        def get_type_name(self) -> str:
            return "thing"

    class IntSerializer(StreamSerializer[int]):
        def get_type_id(self) -> int:
            return 77

        def write(self, out: Any, obj: int) -> None:
            pass

        def read(self, inp: Any) -> int:
            return 0

    with pytest.raises(TypeError, match=r"compact_serializers: .*get_class\(\) must return"):
        HazelcastClient(compact_serializers=[NoClass()])
    with pytest.raises(ValueError, match=r"custom_serializers: .*built-in type int"):
        HazelcastClient(custom_serializers={int: IntSerializer})
