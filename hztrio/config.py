"""Client configuration: the options of :class:`hztrio.HazelcastClient` and their enums.

The option names and meanings are those of the official Hazelcast Python client
(``hazelcast.HazelcastClient``); the defaults are those of its 4.0 README where that documents
one (``retry_multiplier=1``, ``cluster_connect_timeout=20``), otherwise its 5.x defaults.
:class:`Config` holds them, validated when it is built:

- an unknown option name raises ``TypeError`` (with the closest known name, if any);
- a value of the wrong type raises ``TypeError`` and an out-of-range value ``ValueError``;
  both name the option and the value; so do options that contradict each other
  (``cloud_discovery_token`` with ``cluster_members``).

Conventions:

- Durations are seconds, ``int`` or ``float``, stored as ``float``. Where the official client
  spells "no limit" with a sentinel (``cluster_connect_timeout=-1``, ``connection_timeout=0``,
  ``prefetch_validity=0``) that sentinel is accepted and stored as ``math.inf``; ``math.inf``
  itself is accepted for every timeout.
- Enum options take the member, its ``int`` value or its name in any case
  (``reconnect_mode="async"``).
- List options take a list or tuple and are stored as tuples; dict options take any mapping and
  are stored read-only. A :class:`Config` never changes after it is built.
- :meth:`Config.from_kwargs` treats an option passed as ``None`` as not passed, as the official
  client does.
"""

from __future__ import annotations

import difflib
import enum
import ipaddress
import logging
import math
import re
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import MISSING, dataclass, field, fields
from types import MappingProxyType
from typing import Any, Final, NamedTuple, TypedDict, TypeVar, Unpack

__all__ = [
    "OPTION_NAMES",
    "Config",
    "ConfigOptions",
    "EvictionPolicy",
    "FlakeIdGeneratorConfig",
    "InMemoryFormat",
    "IndexType",
    "IntType",
    "MemberAddress",
    "NearCacheConfig",
    "QueryConstants",
    "ReconnectMode",
    "ReliableTopicConfig",
    "SSLProtocol",
    "TopicOverloadPolicy",
    "UniqueKeyTransformation",
    "parse_member_address",
]


class _NamedIntEnum(enum.IntEnum):
    """An ``IntEnum`` that also accepts its member names (any case) as values."""

    @classmethod
    def _missing_(cls, value: object) -> _NamedIntEnum | None:
        if isinstance(value, str):
            wanted = value.upper()
            for name, member in cls.__members__.items():
                if name.upper() == wanted:
                    return member
        return None


class IntType(_NamedIntEnum):
    """How a Python ``int`` is serialized, i.e. which Java type the member sees."""

    VAR = 0
    """Byte, Short, Integer, Long or BigInteger, the smallest that holds the value."""
    BYTE = 1
    """Java ``byte`` (8 bits)."""
    SHORT = 2
    """Java ``short`` (16 bits)."""
    INT = 3
    """Java ``int`` (32 bits); the default."""
    LONG = 4
    """Java ``long`` (64 bits)."""
    BIG_INT = 5
    """Java ``BigInteger``: any size, slower."""


class EvictionPolicy(_NamedIntEnum):
    """Near Cache eviction policy."""

    NONE = 0
    LRU = 1
    LFU = 2
    RANDOM = 3


class InMemoryFormat(_NamedIntEnum):
    """How a Near Cache stores its values."""

    BINARY = 0
    OBJECT = 1


class SSLProtocol(_NamedIntEnum):
    """TLS protocol versions."""

    SSLv2 = 0
    SSLv3 = 1
    TLSv1 = 2
    TLSv1_1 = 3
    TLSv1_2 = 4
    TLSv1_3 = 5


class ReconnectMode(_NamedIntEnum):
    """What the client does when it loses its connection to the cluster."""

    OFF = 0
    """Shut the client down."""
    ON = 1
    """Reconnect; calls wait for the connection (up to their timeout)."""
    ASYNC = 2
    """Reconnect in the background; calls fail with ``ClientOfflineError`` meanwhile."""


class TopicOverloadPolicy(_NamedIntEnum):
    """What a reliable topic publisher does when the ringbuffer is full."""

    DISCARD_OLDEST = 0
    DISCARD_NEWEST = 1
    BLOCK = 2
    ERROR = 3


class UniqueKeyTransformation(_NamedIntEnum):
    """How a bitmap index turns keys into unique longs."""

    OBJECT = 0
    LONG = 1
    RAW = 2


class IndexType(_NamedIntEnum):
    """Map index kinds."""

    SORTED = 0
    HASH = 1
    BITMAP = 2


class QueryConstants:
    """Attribute names with a meaning of their own in predicates, projections and indexes."""

    KEY_ATTRIBUTE_NAME: Final = "__key"
    """The entry's key (``sql("__key > 5")``, a bitmap index's default unique key)."""
    THIS_ATTRIBUTE_NAME: Final = "this"
    """The entry's value itself (``greater("this", 5)``)."""


_SECRET_OPTIONS: Final = frozenset(
    {"creds_password", "ssl_password", "cloud_discovery_token", "token_provider"}
)
"""Options whose values never appear in a repr or an error message."""


# --------------------------------------------------------------------------------------------
# Validation helpers. Each takes the option name (for messages) and the value given, and
# returns the value to store or raises TypeError/ValueError naming both.
# --------------------------------------------------------------------------------------------

_T = TypeVar("_T")
_EnumT = TypeVar("_EnumT", bound=_NamedIntEnum)


def _shown(name: str, value: object) -> str:
    """How ``value`` appears in an error message about option ``name``."""
    if name.rpartition(".")[2] in _SECRET_OPTIONS:
        return f"a value of type {type(value).__name__}"
    text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return f"{text} ({type(value).__name__})"


def _type_error(name: str, expected: str, value: object) -> TypeError:
    return TypeError(f"{name} must be {expected}, got {_shown(name, value)}")


def _bool(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise _type_error(name, "a bool", value)
    return value


def _str(name: str, value: object) -> str:
    """A non-empty string."""
    if not isinstance(value, str):
        raise _type_error(name, "a str", value)
    if not value:
        raise ValueError(f"{name} must not be empty, got ''")
    return value


def _optional_str(name: str, value: object) -> str | None:
    """None or a non-empty string."""
    if value is None:
        return None
    return _str(name, value)


def _url(name: str, value: object) -> str:
    """An absolute http(s) URL: a host, maybe a port and a path; nothing else."""
    text = _str(name, value)
    parts = urllib.parse.urlsplit(text)
    try:
        parts.port  # noqa: B018 (parsing it is the check)
        valid = (
            parts.scheme in ("http", "https")
            and bool(parts.hostname)
            and not (parts.query or parts.fragment or parts.username or parts.password)
            and not any(c.isspace() or not c.isprintable() for c in text)
        )
    except ValueError:
        valid = False
    if not valid:
        raise ValueError(
            f"{name} must be an http(s) URL with a host, an optional port and path, and no "
            f"query, fragment, user name or white space, not {text!r}"
        )
    return text


def _optional_any_str(name: str, value: object) -> str | None:
    """None or any string (credentials may be empty)."""
    if value is None or isinstance(value, str):
        return value
    raise _type_error(name, "a str or None", value)


def _number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _type_error(name, "a number (int or float)", value)
    number = float(value)
    if math.isnan(number):
        raise ValueError(f"{name} must be a number, got nan")
    return number


def _duration(
    name: str,
    value: object,
    *,
    positive: bool,
    allow_inf: bool,
    no_limit: float | None = None,
) -> float:
    """Seconds. ``no_limit`` is the official client's sentinel for "no limit" (stored as inf)."""
    seconds = _number(name, value)
    if no_limit is not None and seconds == no_limit:
        return math.inf
    if math.isinf(seconds) and (seconds < 0 or not allow_inf):
        raise ValueError(f"{name} must be finite, got {value!r}")
    if positive and seconds <= 0:
        raise ValueError(f"{name} must be positive, got {value!r}")
    if seconds < 0:
        sentinel = "" if no_limit is None else f" (or {no_limit:g} for no limit)"
        raise ValueError(f"{name} must not be negative{sentinel}, got {value!r}")
    return seconds


def _timeout(name: str, value: object) -> float:
    """A positive timeout; ``math.inf`` means none."""
    return _duration(name, value, positive=True, allow_inf=True)


def _interval(name: str, value: object) -> float:
    """A positive, finite period."""
    return _duration(name, value, positive=True, allow_inf=False)


def _backoff(name: str, value: object) -> float:
    """A non-negative, finite period."""
    return _duration(name, value, positive=False, allow_inf=False)


def _int(name: str, value: object, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(name, "an int", value)
    if value < low or (high is not None and value > high):
        expected = f"at least {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"{name} must be {expected}, got {value!r}")
    return value


def _enum(name: str, value: object, enum_type: type[_EnumT]) -> _EnumT:
    if isinstance(value, enum_type):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _type_error(name, f"a {enum_type.__name__}, its int value or its name", value)
    raw: Any = value
    try:
        return enum_type(raw)
    except ValueError:
        choices = ", ".join(f"{m.name} ({m.value})" for m in enum_type)
        raise ValueError(f"{name} must be one of {choices}; got {value!r}") from None


def _sequence(name: str, value: object) -> tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        raise _type_error(name, "a list", value)
    return tuple(value)


def _mapping(name: str, value: object) -> Mapping[Any, Any]:
    if not isinstance(value, Mapping):
        raise _type_error(name, "a dict", value)
    return value


def _frozen(items: Iterable[tuple[Any, Any]]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(items))


def _has_methods(value: object, *names: str) -> bool:
    return all(callable(getattr(value, method, None)) for method in names)


def _check_names(what: str, given: Iterable[str], known: Iterable[str]) -> None:
    """Raise ``TypeError`` for the first name of ``given`` that is not in ``known``."""
    known = list(known)
    for name in given:
        if not isinstance(name, str):
            raise TypeError(f"{what} names must be str, got {name!r}")
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise TypeError(f"unknown {what} {name!r}{hint}")


def _normalize_fields(obj: object, normalizers: Mapping[str, Callable[[str, Any], Any]]) -> None:
    """Validate every field of a frozen dataclass in place."""
    for name, normalize in normalizers.items():
        object.__setattr__(obj, name, normalize(name, getattr(obj, name)))


def _defaults(
    cls: type[object], normalizers: Mapping[str, Callable[[str, Any], Any]]
) -> dict[str, Any]:
    """The normalized default value of every option of dataclass ``cls``."""
    result: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if not f.init:
            continue
        raw = f.default if f.default_factory is MISSING else f.default_factory()
        result[f.name] = normalizers[f.name](f.name, raw)
    return result


def _display(value: object) -> str:
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, Mapping):
        items = ", ".join(f"{_display(k)}: {_display(v)}" for k, v in value.items())
        return "{" + items + "}"
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        inner = ", ".join(_display(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def _repr_changed(obj: object, defaults: Mapping[str, Any]) -> str:
    """``Name(option=value, ...)`` listing only the options that differ from the defaults."""
    parts = []
    for name, default in defaults.items():
        value = getattr(obj, name)
        if value == default:
            continue
        shown = "'***'" if name in _SECRET_OPTIONS else _display(value)
        parts.append(f"{name}={shown}")
    return f"{type(obj).__name__}({', '.join(parts)})"


def _empty_mapping() -> Mapping[Any, Any]:
    return MappingProxyType({})


# --------------------------------------------------------------------------------------------
# Member addresses
# --------------------------------------------------------------------------------------------


class MemberAddress(NamedTuple):
    """A parsed ``cluster_members`` entry."""

    host: str
    """Host name, IPv4 address or IPv6 address (without brackets)."""
    port: int | None
    """The port, or None if the entry has none: then 5701, 5702 and 5703 are tried."""


_HOST_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_.])?")
_BRACKETED = re.compile(r"\[([^\[\]]+)\](?::([0-9]+))?")


def _parse_port(address: str, text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"invalid member address {address!r}: port {text!r} is not a number")
    port = int(text)
    if not 1 <= port <= 65535:
        raise ValueError(f"invalid member address {address!r}: port {port} is out of range")
    return port


def _check_ipv6(address: str, host: str) -> None:
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        raise ValueError(
            f"invalid member address {address!r}: {host!r} is not an IPv6 address "
            "(write IPv6 addresses with a port as '[address]:port')"
        ) from None


def parse_member_address(address: str) -> MemberAddress:
    """Parse one ``cluster_members`` entry: ``"host"``, ``"host:port"``, ``"[ipv6]:port"``.

    ``"[ipv6]"`` and a bare IPv6 address (``"::1"``) are accepted too, without a port.
    Surrounding whitespace is ignored. Raises ``ValueError`` for anything else.
    """
    text = address.strip()
    if not text:
        raise ValueError(f"invalid member address {address!r}: it is empty")
    if text.startswith("["):
        match = _BRACKETED.fullmatch(text)
        if match is None:
            raise ValueError(f"invalid member address {address!r}: expected '[ipv6]:port'")
        host, port_text = match.groups()
        _check_ipv6(address, host)
        return MemberAddress(host, None if port_text is None else _parse_port(address, port_text))
    if text.count(":") > 1:
        _check_ipv6(address, text)
        return MemberAddress(text, None)
    host, colon, port_text = text.partition(":")
    if not _HOST_NAME.fullmatch(host):
        raise ValueError(f"invalid member address {address!r}: {host!r} is not a host name")
    return MemberAddress(host, _parse_port(address, port_text) if colon else None)


# --------------------------------------------------------------------------------------------
# Per-structure configurations
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class NearCacheConfig:
    """The Near Cache of one map: a ``near_caches`` entry.

    ``Config(near_caches={"map-name": {...}})`` takes a dict of these options, or an instance.
    """

    invalidate_on_change: bool = True
    """Drop cached entries when they change on the cluster."""
    in_memory_format: InMemoryFormat = InMemoryFormat.BINARY
    """Keep values serialized (BINARY) or deserialized (OBJECT)."""
    time_to_live: float | None = None
    """Seconds an entry may stay cached; None for no limit."""
    max_idle: float | None = None
    """Seconds an entry may stay cached without being read; None for no limit."""
    eviction_policy: EvictionPolicy = EvictionPolicy.LRU
    """Which entries go when the cache is full."""
    eviction_max_size: int = 10000
    """Entries kept before eviction starts."""
    eviction_sampling_count: int = 8
    """Entries sampled for expiry at each eviction."""
    eviction_sampling_pool_size: int = 16
    """Size of the pool of eviction candidates."""
    reconciliation_interval: float = 60.0
    """hztrio extension: seconds between two runs of anti-entropy, which asks every member
    for the invalidation metadata of the map so that invalidations the client missed are
    detected; 0 disables it. Java's default (its property
    ``hazelcast.invalidation.reconciliation.interval.seconds``); Java requires at least 30,
    hztrio takes smaller values too (tests), but each run costs one request per member."""
    max_tolerated_miss_count: int = 10
    """hztrio extension: missed invalidations (summed over the map's partitions) tolerated
    before the entries that may have missed one are dropped; Java's
    ``hazelcast.invalidation.max.tolerated.miss.count``."""

    def __post_init__(self) -> None:
        _normalize_fields(self, _NEAR_CACHE_OPTIONS)

    @classmethod
    def from_dict(cls, options: Mapping[str, Any]) -> NearCacheConfig:
        """Build from a dict of options; missing ones keep their defaults."""
        _check_names("near cache option", options, _NEAR_CACHE_OPTIONS)
        return cls(**options)

    def __repr__(self) -> str:
        return _repr_changed(self, _NEAR_CACHE_DEFAULTS)


def _optional_expiry(name: str, value: object) -> float | None:
    if value is None:
        return None
    return _duration(name, value, positive=False, allow_inf=True)


_NEAR_CACHE_OPTIONS: Final[Mapping[str, Callable[[str, Any], Any]]] = MappingProxyType(
    {
        "invalidate_on_change": _bool,
        "in_memory_format": lambda n, v: _enum(n, v, InMemoryFormat),
        "time_to_live": _optional_expiry,
        "max_idle": _optional_expiry,
        "eviction_policy": lambda n, v: _enum(n, v, EvictionPolicy),
        "eviction_max_size": lambda n, v: _int(n, v, 1),
        "eviction_sampling_count": lambda n, v: _int(n, v, 1),
        "eviction_sampling_pool_size": lambda n, v: _int(n, v, 1),
        "reconciliation_interval": _backoff,
        "max_tolerated_miss_count": lambda n, v: _int(n, v, 0),
    }
)
_NEAR_CACHE_DEFAULTS: Final = _defaults(NearCacheConfig, _NEAR_CACHE_OPTIONS)


@dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class FlakeIdGeneratorConfig:
    """Id prefetching of one flake id generator: a ``flake_id_generators`` entry."""

    prefetch_count: int = 100
    """Ids fetched per round trip, 1 to 100000."""
    prefetch_validity: float = 600.0
    """Seconds prefetched ids stay usable; 0 (stored as ``math.inf``) for no limit."""

    def __post_init__(self) -> None:
        _normalize_fields(self, _FLAKE_ID_OPTIONS)

    @classmethod
    def from_dict(cls, options: Mapping[str, Any]) -> FlakeIdGeneratorConfig:
        """Build from a dict of options; missing ones keep their defaults."""
        _check_names("flake id generator option", options, _FLAKE_ID_OPTIONS)
        return cls(**options)

    def __repr__(self) -> str:
        return _repr_changed(self, _FLAKE_ID_DEFAULTS)


_FLAKE_ID_OPTIONS: Final[Mapping[str, Callable[[str, Any], Any]]] = MappingProxyType(
    {
        "prefetch_count": lambda n, v: _int(n, v, 1, 100_000),
        "prefetch_validity": lambda n, v: _duration(
            n, v, positive=False, allow_inf=True, no_limit=0
        ),
    }
)
_FLAKE_ID_DEFAULTS: Final = _defaults(FlakeIdGeneratorConfig, _FLAKE_ID_OPTIONS)


@dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class ReliableTopicConfig:
    """Reading and publishing of one reliable topic: a ``reliable_topics`` entry."""

    read_batch_size: int = 10
    """Messages a listener reads per round trip (at most)."""
    overload_policy: TopicOverloadPolicy = TopicOverloadPolicy.BLOCK
    """What ``publish`` does when the ringbuffer is full."""

    def __post_init__(self) -> None:
        _normalize_fields(self, _RELIABLE_TOPIC_OPTIONS)

    @classmethod
    def from_dict(cls, options: Mapping[str, Any]) -> ReliableTopicConfig:
        """Build from a dict of options; missing ones keep their defaults."""
        _check_names("reliable topic option", options, _RELIABLE_TOPIC_OPTIONS)
        return cls(**options)

    def __repr__(self) -> str:
        return _repr_changed(self, _RELIABLE_TOPIC_DEFAULTS)


_RELIABLE_TOPIC_OPTIONS: Final[Mapping[str, Callable[[str, Any], Any]]] = MappingProxyType(
    {
        "read_batch_size": lambda n, v: _int(n, v, 1),
        "overload_policy": lambda n, v: _enum(n, v, TopicOverloadPolicy),
    }
)
_RELIABLE_TOPIC_DEFAULTS: Final = _defaults(ReliableTopicConfig, _RELIABLE_TOPIC_OPTIONS)


# --------------------------------------------------------------------------------------------
# The client configuration
# --------------------------------------------------------------------------------------------

_Listener = Callable[[Any], object]


class ConfigOptions(TypedDict, total=False):
    """The keyword options of :meth:`Config.from_kwargs` and ``HazelcastClient``, as passed.

    For type checkers (``**options: Unpack[ConfigOptions]``): each option with every spelling
    it accepts. :class:`Config` documents the meanings and holds the validated values.
    """

    cluster_members: Sequence[str] | None
    cluster_name: str | None
    client_name: str | None
    connection_timeout: float | None
    socket_options: Sequence[tuple[int, int, int | bytes]] | None
    redo_operation: bool | None
    smart_routing: bool | None
    ssl_enabled: bool | None
    ssl_cafile: str | None
    ssl_certfile: str | None
    ssl_keyfile: str | None
    ssl_password: str | bytes | Callable[[], str | bytes] | None
    ssl_protocol: SSLProtocol | int | str | None
    ssl_ciphers: str | None
    ssl_check_hostname: bool | None
    cloud_discovery_token: str | None
    cloud_url: str | None
    creds_username: str | None
    creds_password: str | None
    token_provider: Any
    async_start: bool | None
    reconnect_mode: ReconnectMode | int | str | None
    retry_initial_backoff: float | None
    retry_max_backoff: float | None
    retry_jitter: float | None
    retry_multiplier: float | None
    cluster_connect_timeout: float | None
    portable_version: int | None
    data_serializable_factories: Mapping[int, Mapping[int, type]] | None
    portable_factories: Mapping[int, Mapping[int, type]] | None
    compact_serializers: Sequence[Any] | None
    class_definitions: Sequence[Any] | None
    check_class_definition_errors: bool | None
    is_big_endian: bool | None
    default_int_type: IntType | int | str | None
    global_serializer: type | None
    custom_serializers: Mapping[type, type] | None
    allow_pickle: bool | None
    near_caches: Mapping[str, NearCacheConfig | Mapping[str, Any]] | None
    flake_id_generators: Mapping[str, FlakeIdGeneratorConfig | Mapping[str, Any]] | None
    reliable_topics: Mapping[str, ReliableTopicConfig | Mapping[str, Any]] | None
    load_balancer: Any
    membership_listeners: Sequence[tuple[_Listener | None, _Listener | None]] | None
    lifecycle_listeners: Sequence[_Listener] | None
    labels: Sequence[str] | None
    heartbeat_interval: float | None
    heartbeat_timeout: float | None
    invocation_timeout: float | None
    invocation_retry_pause: float | None
    statistics_enabled: bool | None
    statistics_period: float | None
    shuffle_member_list: bool | None
    backup_ack_to_client_enabled: bool | None
    operation_backup_timeout: float | None
    fail_on_indeterminate_operation_state: bool | None
    use_public_ip: bool | None
    logging_level: int | None
    logging_config: Mapping[str, Any] | None


@dataclass(frozen=True, kw_only=True, slots=True, repr=False)
class Config:
    """Every option of :class:`hztrio.HazelcastClient`, validated; immutable once built.

    Build it with ``Config.from_kwargs(**options)`` (what the client does with its keyword
    arguments) or ``Config(option=value, ...)``. See the module documentation for the rules.
    """

    # --- network ---
    cluster_members: Sequence[str] = ()
    """Addresses to connect to first: ``"host"``, ``"host:port"`` or ``"[ipv6]:port"``.

    Empty means ``127.0.0.1``; an address without a port tries ports 5701 to 5703.
    """
    cluster_name: str = "dev"
    """Name of the cluster to connect to (sent when authenticating)."""
    client_name: str | None = None
    """Name of this client; None for ``hz.client_<n>``."""
    connection_timeout: float = 5.0
    """Seconds to open and authenticate one connection; 0 (stored as inf) for no limit."""
    socket_options: Sequence[tuple[int, int, int | bytes]] = ()
    """``(level, option, value)`` tuples passed to ``socket.setsockopt``."""
    redo_operation: bool = False
    """Also retry non-idempotent calls whose connection closed (they may run twice)."""
    smart_routing: bool = True
    """Connect to every member and send key-based calls to the key's owner."""
    # --- TLS ---
    ssl_enabled: bool = False
    """Use TLS for member connections."""
    ssl_cafile: str | None = None
    """PEM file of CA certificates to verify members with; None for the system's."""
    ssl_certfile: str | None = None
    """PEM file of the client certificate (mutual authentication)."""
    ssl_keyfile: str | None = None
    """PEM file of the client certificate's private key; None if it is in ``ssl_certfile``."""
    ssl_password: str | bytes | Callable[[], str | bytes] | None = None
    """Password of the private key, or a function returning it."""
    ssl_protocol: SSLProtocol = SSLProtocol.TLSv1_2
    """The TLS version to use: that version only, as in the official client."""
    ssl_ciphers: str | None = None
    """OpenSSL cipher list; None for the defaults."""
    ssl_check_hostname: bool = False
    """Check that the member's certificate matches its host name."""
    # --- cloud and security ---
    cloud_discovery_token: str | None = None
    """Discovery token of a Hazelcast Cloud (Viridian) cluster: the client asks the cloud's
    discovery service for the members and connects to their public addresses. It cannot be
    combined with ``cluster_members``."""
    cloud_url: str = "https://api.viridian.hazelcast.com"
    """Base URL of the Hazelcast Cloud discovery service (hztrio's name for the Java client's
    ``hazelcast.client.cloud.url`` property); ``http://`` is accepted, for tests."""
    creds_username: str | None = None
    """User name to authenticate with (checked by Enterprise members with security on)."""
    creds_password: str | None = None
    """Password to authenticate with (checked by Enterprise members with security on)."""
    token_provider: Any = None
    """An object whose ``token(address)`` returns the token (bytes) to authenticate with,
    e.g. :class:`hztrio.security.BasicTokenProvider`; it wins over ``creds_*``."""
    # --- connection strategy ---
    async_start: bool = False
    """Return from start-up at once instead of waiting for the cluster."""
    reconnect_mode: ReconnectMode = ReconnectMode.ON
    """What to do when the connection to the cluster is lost."""
    retry_initial_backoff: float = 1.0
    """Seconds to wait after the first failed cluster connection attempt."""
    retry_max_backoff: float = 30.0
    """Upper limit of that wait, in seconds."""
    retry_jitter: float = 0.0
    """Randomize each wait by up to this fraction of it (0 to 1)."""
    retry_multiplier: float = 1.0
    """Factor applied to the wait after each failed attempt (at least 1)."""
    cluster_connect_timeout: float = 20.0
    """Seconds to keep trying to connect to the cluster; -1 (stored as inf) for no limit."""
    # --- serialization ---
    portable_version: int = 0
    """Default version of Portable classes that do not define one."""
    data_serializable_factories: Mapping[int, Mapping[int, type]] = field(
        default_factory=_empty_mapping
    )
    """``{factory_id: {class_id: IdentifiedDataSerializable class}}``."""
    portable_factories: Mapping[int, Mapping[int, type]] = field(default_factory=_empty_mapping)
    """``{factory_id: {class_id: Portable class}}``."""
    compact_serializers: Sequence[Any] = ()
    """Compact serializer instances."""
    class_definitions: Sequence[Any] = ()
    """Portable class definitions."""
    check_class_definition_errors: bool = True
    """Check the Portable class definitions when the client starts."""
    is_big_endian: bool = True
    """Byte order of serialized data."""
    default_int_type: IntType = IntType.INT
    """Which Java type a Python ``int`` becomes."""
    global_serializer: type | None = None
    """StreamSerializer class for objects that no other serializer handles."""
    custom_serializers: Mapping[type, type] = field(default_factory=_empty_mapping)
    """``{python class: StreamSerializer class}``."""
    allow_pickle: bool = False
    """hztrio extension: pickle objects that no other serializer handles, and unpickle data
    of type id -120 (what the official client writes by default). Off: unpickling data read
    from a cluster runs code chosen by whoever wrote it."""
    # --- per-structure settings ---
    near_caches: Mapping[str, NearCacheConfig] = field(default_factory=_empty_mapping)
    """``{map name: NearCacheConfig or dict of its options}``."""
    flake_id_generators: Mapping[str, FlakeIdGeneratorConfig] = field(
        default_factory=_empty_mapping
    )
    """``{generator name: FlakeIdGeneratorConfig or dict of its options}``."""
    reliable_topics: Mapping[str, ReliableTopicConfig] = field(default_factory=_empty_mapping)
    """``{topic name: ReliableTopicConfig or dict of its options}``."""
    # --- routing and listeners ---
    load_balancer: Any = None
    """Picks the member for calls not bound to a partition; None for round robin."""
    membership_listeners: Sequence[tuple[_Listener | None, _Listener | None]] = ()
    """``(member_added, member_removed)`` pairs; either may be None, not both."""
    lifecycle_listeners: Sequence[_Listener] = ()
    """Functions called with each new lifecycle state."""
    # --- misc ---
    labels: Sequence[str] = ()
    """Labels sent to the cluster (visible in Management Center)."""
    heartbeat_interval: float = 5.0
    """Seconds of silence on a connection after which the client pings it."""
    heartbeat_timeout: float = 60.0
    """Seconds of silence after which a connection is closed."""
    invocation_timeout: float = 120.0
    """Seconds a call may take, retries included."""
    invocation_retry_pause: float = 1.0
    """Seconds between retries of a call."""
    statistics_enabled: bool = False
    """Send client statistics to the cluster."""
    statistics_period: float = 3.0
    """Seconds between two statistics reports."""
    shuffle_member_list: bool = True
    """Try ``cluster_members`` in random order."""
    backup_ack_to_client_enabled: bool = True
    """Smart clients wait for backup acknowledgements themselves (fewer hops)."""
    operation_backup_timeout: float = 5.0
    """Seconds to wait for backup acknowledgements."""
    fail_on_indeterminate_operation_state: bool = False
    """Fail a call whose backups were not acknowledged in time instead of returning."""
    use_public_ip: bool = False
    """Connect to members at the public address each reports (members behind NAT or in a
    cloud, found by a discovery plugin that knows both); a member without one is dialed at
    its own address."""
    logging_level: int = logging.INFO
    """Threshold of the client's logger (4.0 option)."""
    logging_config: Mapping[str, Any] | None = None
    """A ``logging.config.dictConfig`` dict for the client's loggers (4.0 option)."""

    member_addresses: tuple[MemberAddress, ...] = field(init=False, compare=False)
    """``cluster_members`` parsed, in the same order."""

    def __post_init__(self) -> None:
        _normalize_fields(self, _CONFIG_OPTIONS)
        object.__setattr__(
            self,
            "member_addresses",
            tuple(parse_member_address(address) for address in self.cluster_members),
        )
        if self.cloud_discovery_token is not None and self.cluster_members:
            raise ValueError(
                "cloud_discovery_token and cluster_members cannot both be set: only one "
                "discovery method can be enabled at a time"
            )

    @classmethod
    def from_kwargs(cls, **options: Unpack[ConfigOptions]) -> Config:
        """Build from keyword options, as ``HazelcastClient(**options)`` passes them.

        An unknown name raises ``TypeError`` suggesting the closest known one. An option
        passed as None keeps its default, as in the official client.
        """
        _check_names("option", options, OPTION_NAMES)
        given: dict[str, Any] = {
            name: value for name, value in options.items() if value is not None
        }
        return cls(**given)

    @classmethod
    def from_dict(cls, options: Mapping[str, Any]) -> Config:
        """Build from a dict of options (the official client's spelling of :meth:`from_kwargs`)."""
        return cls.from_kwargs(**options)

    def __repr__(self) -> str:
        return _repr_changed(self, _CONFIG_DEFAULTS)


# --- normalizers of the Config options ---


def _cluster_members(name: str, value: object) -> tuple[str, ...]:
    members = _sequence(name, value)
    result = []
    for address in members:
        if not isinstance(address, str):
            raise _type_error(f"{name} entries", "str", address)
        try:
            parse_member_address(address)
        except ValueError as e:
            raise ValueError(f"{name}: {e}") from None
        result.append(address.strip())
    return tuple(result)


def _labels(name: str, value: object) -> tuple[str, ...]:
    labels = _sequence(name, value)
    for label in labels:
        if not isinstance(label, str):
            raise _type_error(f"{name} entries", "str", label)
    return labels


def _socket_options(name: str, value: object) -> tuple[tuple[int, int, int | bytes], ...]:
    options = _sequence(name, value)
    for option in options:
        if not (
            isinstance(option, tuple)
            and len(option) == 3
            and all(isinstance(part, int) and not isinstance(part, bool) for part in option[:2])
            and isinstance(option[2], (int, bytes))
        ):
            raise _type_error(f"{name} entries", "(level, option, value) tuples", option)
    return options


def _ssl_password(name: str, value: object) -> object:
    if value is None or isinstance(value, (str, bytes)) or callable(value):
        return value
    raise _type_error(name, "a str, bytes, a function returning one, or None", value)


def _token_provider(name: str, value: object) -> object:
    if value is None or _has_methods(value, "token"):
        return value
    raise _type_error(name, "an object with a token() method, or None", value)


def _load_balancer(name: str, value: object) -> object:
    if value is None or _has_methods(value, "init", "next"):
        return value
    raise _type_error(name, "a load balancer (with init() and next() methods), or None", value)


def _lifecycle_listeners(name: str, value: object) -> tuple[Callable[[Any], object], ...]:
    listeners = _sequence(name, value)
    for listener in listeners:
        if not callable(listener):
            raise _type_error(f"{name} entries", "callable", listener)
    return listeners


def _membership_listeners(name: str, value: object) -> tuple[Any, ...]:
    pairs = _sequence(name, value)
    for pair in pairs:
        if not (isinstance(pair, tuple) and len(pair) == 2):
            raise _type_error(f"{name} entries", "(member_added, member_removed) tuples", pair)
        if not all(f is None or callable(f) for f in pair):
            raise _type_error(f"{name} entries", "tuples of two callables or None", pair)
        if pair == (None, None):
            raise ValueError(f"{name} entries must hold at least one callable, got (None, None)")
    return pairs


def _named_configs(
    name: str,
    value: object,
    config_type: type[_T],
    from_dict: Callable[[Mapping[str, Any]], _T],
) -> Mapping[str, _T]:
    result: dict[str, _T] = {}
    for key, options in _mapping(name, value).items():
        if not isinstance(key, str):
            raise _type_error(f"{name} keys", "str (structure names)", key)
        where = f"{name}[{key!r}]"
        if isinstance(options, config_type):
            result[key] = options
            continue
        if not isinstance(options, Mapping):
            raise _type_error(where, f"a {config_type.__name__} or a dict", options)
        try:
            result[key] = from_dict(options)
        except (TypeError, ValueError) as e:
            raise type(e)(f"{where}: {e}") from None
    return _frozen(result.items())


def _ids_factories(name: str, value: object) -> Mapping[int, Mapping[int, type]]:
    from .serialization.api import IdentifiedDataSerializable  # (a cycle at import time)

    return _factories(name, value, IdentifiedDataSerializable)


def _portable_factories(name: str, value: object) -> Mapping[int, Mapping[int, type]]:
    from .serialization.api import Portable

    return _factories(name, value, Portable)


def _factories(name: str, value: object, base: type) -> Mapping[int, Mapping[int, type]]:
    result: dict[int, Mapping[int, type]] = {}
    for factory_id, factory in _mapping(name, value).items():
        if isinstance(factory_id, bool) or not isinstance(factory_id, int):
            raise _type_error(f"{name} keys", "int factory ids", factory_id)
        where = f"{name}[{factory_id}]"
        classes: dict[int, type] = {}
        for class_id, cls in _mapping(where, factory).items():
            if isinstance(class_id, bool) or not isinstance(class_id, int):
                raise _type_error(f"{where} keys", "int class ids", class_id)
            if not (isinstance(cls, type) and issubclass(cls, base)):
                raise _type_error(f"{where}[{class_id}]", f"a subclass of {base.__name__}", cls)
            classes[class_id] = cls
        result[factory_id] = _frozen(classes.items())
    return _frozen(result.items())


def _custom_serializers(name: str, value: object) -> Mapping[type, type]:
    result: dict[type, type] = {}
    for cls, serializer in _mapping(name, value).items():
        if not isinstance(cls, type):
            raise _type_error(f"{name} keys", "classes", cls)
        if not isinstance(serializer, type):
            raise _type_error(f"{name}[{cls.__name__}]", "a StreamSerializer class", serializer)
        result[cls] = serializer
    return _frozen(result.items())


def _global_serializer(name: str, value: object) -> type | None:
    if value is None or isinstance(value, type):
        return value
    raise _type_error(name, "a StreamSerializer class or None", value)


def _compact_serializers(name: str, value: object) -> tuple[Any, ...]:
    serializers = _sequence(name, value)
    for serializer in serializers:
        if not _has_methods(serializer, "read", "write", "get_class", "get_type_name"):
            raise _type_error(f"{name} entries", "CompactSerializer instances", serializer)
    return serializers


def _class_definitions(name: str, value: object) -> tuple[Any, ...]:
    from .serialization.portable.classdef import ClassDefinition

    definitions = _sequence(name, value)
    for definition in definitions:
        if not isinstance(definition, ClassDefinition):
            raise _type_error(f"{name} entries", "ClassDefinition objects", definition)
    return definitions


def _logging_config(name: str, value: object) -> Mapping[str, Any] | None:
    if value is None:
        return None
    return _frozen(_mapping(name, value).items())


def _fraction(name: str, value: object) -> float:
    number = _number(name, value)
    if not 0 <= number <= 1:
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
    return number


def _multiplier(name: str, value: object) -> float:
    number = _number(name, value)
    if not 1 <= number < math.inf:
        raise ValueError(f"{name} must be at least 1 and finite, got {value!r}")
    return number


_CONFIG_OPTIONS: Final[Mapping[str, Callable[[str, Any], Any]]] = MappingProxyType(
    {
        "cluster_members": _cluster_members,
        "cluster_name": _str,
        "client_name": _optional_str,
        "connection_timeout": lambda n, v: _duration(
            n, v, positive=False, allow_inf=True, no_limit=0
        ),
        "socket_options": _socket_options,
        "redo_operation": _bool,
        "smart_routing": _bool,
        "ssl_enabled": _bool,
        "ssl_cafile": _optional_str,
        "ssl_certfile": _optional_str,
        "ssl_keyfile": _optional_str,
        "ssl_password": _ssl_password,
        "ssl_protocol": lambda n, v: _enum(n, v, SSLProtocol),
        "ssl_ciphers": _optional_str,
        "ssl_check_hostname": _bool,
        "cloud_discovery_token": _optional_str,
        "cloud_url": _url,
        "creds_username": _optional_any_str,
        "creds_password": _optional_any_str,
        "token_provider": _token_provider,
        "async_start": _bool,
        "reconnect_mode": lambda n, v: _enum(n, v, ReconnectMode),
        "retry_initial_backoff": _backoff,
        "retry_max_backoff": _backoff,
        "retry_jitter": _fraction,
        "retry_multiplier": _multiplier,
        "cluster_connect_timeout": lambda n, v: _duration(
            n, v, positive=False, allow_inf=True, no_limit=-1
        ),
        "portable_version": lambda n, v: _int(n, v, 0),
        "data_serializable_factories": _ids_factories,
        "portable_factories": _portable_factories,
        "compact_serializers": _compact_serializers,
        "class_definitions": _class_definitions,
        "check_class_definition_errors": _bool,
        "is_big_endian": _bool,
        "default_int_type": lambda n, v: _enum(n, v, IntType),
        "global_serializer": _global_serializer,
        "custom_serializers": _custom_serializers,
        "allow_pickle": _bool,
        "near_caches": lambda n, v: _named_configs(
            n, v, NearCacheConfig, NearCacheConfig.from_dict
        ),
        "flake_id_generators": lambda n, v: _named_configs(
            n, v, FlakeIdGeneratorConfig, FlakeIdGeneratorConfig.from_dict
        ),
        "reliable_topics": lambda n, v: _named_configs(
            n, v, ReliableTopicConfig, ReliableTopicConfig.from_dict
        ),
        "load_balancer": _load_balancer,
        "membership_listeners": _membership_listeners,
        "lifecycle_listeners": _lifecycle_listeners,
        "labels": _labels,
        "heartbeat_interval": _interval,
        "heartbeat_timeout": _timeout,
        "invocation_timeout": _timeout,
        "invocation_retry_pause": _interval,
        "statistics_enabled": _bool,
        "statistics_period": _interval,
        "shuffle_member_list": _bool,
        "backup_ack_to_client_enabled": _bool,
        "operation_backup_timeout": _timeout,
        "fail_on_indeterminate_operation_state": _bool,
        "use_public_ip": _bool,
        "logging_level": lambda n, v: _int(n, v, 0),
        "logging_config": _logging_config,
    }
)


_CONFIG_DEFAULTS: Final = _defaults(Config, _CONFIG_OPTIONS)

OPTION_NAMES: Final[frozenset[str]] = frozenset(_CONFIG_DEFAULTS)
"""The name of every option :class:`Config` takes."""
