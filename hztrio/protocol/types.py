"""Plain value types that travel inside client messages (the protocol's "custom types")."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Address:
    """A member address: host name or IP and port."""

    host: str
    port: int

    def __str__(self) -> str:
        if ":" in self.host:
            return f"[{self.host}]:{self.port}"
        return f"{self.host}:{self.port}"


@dataclass(frozen=True, slots=True)
class MemberVersion:
    """The Hazelcast release of a member (major.minor.patch)."""

    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True, slots=True)
class Version:
    """A cluster version (major.minor)."""

    major: int
    minor: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"


@dataclass(frozen=True, slots=True)
class EndpointQualifier:
    """Names one of a member's endpoints (MEMBER 0, CLIENT 1, WAN 2, REST 3, MEMCACHE 4)."""

    type: int
    identifier: str | None


@dataclass(frozen=True, slots=True)
class MemberInfo:
    """A cluster member as the cluster view reports it."""

    address: Address
    uuid: uuid.UUID
    attributes: dict[str, str] = field(default_factory=dict, compare=False)
    lite_member: bool = False
    version: MemberVersion = field(default=MemberVersion(0, 0, 0), compare=False)
    address_map: dict[EndpointQualifier, Address] | None = field(default=None, compare=False)

    def __str__(self) -> str:
        lite = " lite" if self.lite_member else ""
        return f"Member [{self.address.host}]:{self.address.port} - {self.uuid}{lite}"


@dataclass(frozen=True, slots=True)
class DistributedObjectInfo:
    """Names a distributed object: its service and its name."""

    service_name: str
    name: str


@dataclass(frozen=True, slots=True)
class RaftGroupId:
    """Identifies a CP group."""

    name: str
    seed: int
    id: int


@dataclass(frozen=True, slots=True)
class SimpleEntryView:
    """Metadata of one map entry (``Map.get_entry_view``)."""

    key: Any
    value: Any
    cost: int
    creation_time: int
    expiration_time: int
    hits: int
    last_access_time: int
    last_stored_time: int
    last_update_time: int
    version: int
    ttl: int
    max_idle: int


@dataclass(slots=True)
class AnchorDataListHolder:
    """The anchors of a paging query: page numbers and their (key, value) anchors, serialized."""

    anchor_page_list: list[int]
    anchor_data_list: list[tuple[bytes, bytes]]


@dataclass(slots=True)
class PagingPredicateHolder:
    """A paging predicate as the paging-query codecs carry it."""

    anchor_data_list_holder: AnchorDataListHolder
    predicate_data: bytes | None
    comparator_data: bytes | None
    page_size: int
    page: int
    iteration_type_id: int
    partition_key_data: bytes | None
    partition_keys_data: list[bytes] | None = None


@dataclass(slots=True)
class BitmapIndexOptions:
    """Options of a bitmap index."""

    unique_key: str
    unique_key_transformation: int


@dataclass(slots=True)
class IndexConfig:
    """A map index as ``Map.addIndex`` carries it."""

    name: str | None
    type: int
    attributes: list[str]
    bitmap_index_options: BitmapIndexOptions | None
