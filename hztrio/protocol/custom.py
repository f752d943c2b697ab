"""Declarations of the protocol's custom types (``protocol-definitions/custom/Custom.yaml``).

Each declaration lists the type's fields in the YAML's order with their ``since`` versions;
:class:`~hztrio.protocol.codec.CustomType` compiles them into encode/decode functions.
Types are added here as the client starts to use them.
"""

from __future__ import annotations

from typing import Any, Final

from .. import errors
from ..serialization.compact import FieldDescriptor, Schema
from . import types
from .codec import (
    BOOLEAN,
    BYTE,
    DATA,
    INT,
    LONG,
    STRING,
    UUID,
    CustomType,
    P,
    entry_list,
    list_of,
    map_of,
)

ADDRESS: Final = CustomType("Address", [P("host", STRING), P("port", INT)], types.Address)

MEMBER_VERSION: Final = CustomType(
    "MemberVersion",
    [P("major", BYTE), P("minor", BYTE), P("patch", BYTE)],
    types.MemberVersion,
)

VERSION: Final = CustomType(
    "Version", [P("major", BYTE), P("minor", BYTE)], types.Version, since="2.8"
)

ENDPOINT_QUALIFIER: Final = CustomType(
    "EndpointQualifier",
    [P("type", INT), P("identifier", STRING, nullable=True)],
    types.EndpointQualifier,
    since="2.0.1",
)

MEMBER_INFO: Final = CustomType(
    "MemberInfo",
    [
        P("address", ADDRESS),
        P("uuid", UUID),
        P("attributes", map_of(STRING, STRING)),
        P("lite_member", BOOLEAN),
        P("version", MEMBER_VERSION),
        P("address_map", map_of(ENDPOINT_QUALIFIER, ADDRESS), since="2.0.1"),
    ],
    types.MemberInfo,
)

DISTRIBUTED_OBJECT_INFO: Final = CustomType(
    "DistributedObjectInfo",
    [P("service_name", STRING), P("name", STRING)],
    types.DistributedObjectInfo,
)

STACK_TRACE_ELEMENT: Final = CustomType(
    "StackTraceElement",
    [
        P("class_name", STRING),
        P("method_name", STRING),
        P("file_name", STRING, nullable=True),
        P("line_number", INT),
    ],
    errors.StackTraceElement,
)

ERROR_HOLDER: Final = CustomType(
    "ErrorHolder",
    [
        P("error_code", INT),
        P("class_name", STRING),
        P("message", STRING, nullable=True),
        P("stack_trace_elements", list_of(STACK_TRACE_ELEMENT)),
    ],
    errors.ErrorHolder,
)

RAFT_GROUP_ID: Final = CustomType(
    "RaftGroupId",
    [P("name", STRING), P("seed", LONG), P("id", LONG)],
    types.RaftGroupId,
)


def _simple_entry_view(**fields: Any) -> types.SimpleEntryView:
    return types.SimpleEntryView(**fields)


SIMPLE_ENTRY_VIEW: Final = CustomType(
    "SimpleEntryView",
    [
        P("key", DATA),
        P("value", DATA),
        P("cost", LONG),
        P("creation_time", LONG),
        P("expiration_time", LONG),
        P("hits", LONG),
        P("last_access_time", LONG),
        P("last_stored_time", LONG),
        P("last_update_time", LONG),
        P("version", LONG),
        P("ttl", LONG),
        P("max_idle", LONG),
    ],
    _simple_entry_view,
)

ANCHOR_DATA_LIST_HOLDER: Final = CustomType(
    "AnchorDataListHolder",
    [P("anchor_page_list", list_of(INT)), P("anchor_data_list", entry_list(DATA, DATA))],
    types.AnchorDataListHolder,
)

PAGING_PREDICATE_HOLDER: Final = CustomType(
    "PagingPredicateHolder",
    [
        P("anchor_data_list_holder", ANCHOR_DATA_LIST_HOLDER),
        P("predicate_data", DATA, nullable=True),
        P("comparator_data", DATA, nullable=True),
        P("page_size", INT),
        P("page", INT),
        P("iteration_type_id", BYTE),
        P("partition_key_data", DATA, nullable=True),
        P("partition_keys_data", list_of(DATA), nullable=True, since="2.5"),
    ],
    types.PagingPredicateHolder,
)

BITMAP_INDEX_OPTIONS: Final = CustomType(
    "BitmapIndexOptions",
    [P("unique_key", STRING), P("unique_key_transformation", INT)],
    types.BitmapIndexOptions,
)

# bTreeIndexConfig (2.5, nullable) is left out: members read its absence as null
INDEX_CONFIG: Final = CustomType(
    "IndexConfig",
    [
        P("name", STRING, nullable=True),
        P("type", INT),
        P("attributes", list_of(STRING)),
        P("bitmap_index_options", BITMAP_INDEX_OPTIONS, nullable=True),
    ],
    types.IndexConfig,
)

FIELD_DESCRIPTOR: Final = CustomType(
    "FieldDescriptor",
    [P("field_name", STRING, attr="name"), P("kind", INT)],
    FieldDescriptor,
    since="2.3",
)

SCHEMA: Final = CustomType(
    "Schema",
    [P("type_name", STRING), P("fields", list_of(FIELD_DESCRIPTOR))],
    Schema,
    since="2.3",
)

#: Every custom type by its protocol name (the code generator resolves names through this).
BY_NAME: Final[dict[str, CustomType]] = {
    t.name: t
    for t in (
        ADDRESS,
        MEMBER_VERSION,
        VERSION,
        ENDPOINT_QUALIFIER,
        MEMBER_INFO,
        DISTRIBUTED_OBJECT_INFO,
        STACK_TRACE_ELEMENT,
        ERROR_HOLDER,
        RAFT_GROUP_ID,
        SIMPLE_ENTRY_VIEW,
        ANCHOR_DATA_LIST_HOLDER,
        PAGING_PREDICATE_HOLDER,
        BITMAP_INDEX_OPTIONS,
        INDEX_CONFIG,
        FIELD_DESCRIPTOR,
        SCHEMA,
    )
}
