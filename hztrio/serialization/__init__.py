"""Serialization: Python objects to Hazelcast's binary ``Data`` and back.

Pure functions over bytes (no Trio, no AnyIO): this package is on the hot path of every
operation.

- :mod:`.service`: :class:`SerializationService`, which picks the serializer of each object;
- :mod:`.api`: what users implement (IdentifiedDataSerializable, Portable, CompactSerializer,
  StreamSerializer) and the readers and writers they are given;
- :mod:`.serializers`: the built-in types, IdentifiedDataSerializable and pickle (opt-in);
- :mod:`.portable`: Portable class definitions, writer, readers and serializer;
- :mod:`.compact`: Compact schemas, writer, reader and serializer, and the schema registry
  (sending and fetching schemas is async, in :mod:`hztrio.compact`);
- :mod:`.temporal`: ``java.time`` and ``BigDecimal`` layouts;
- :mod:`.data`, :mod:`.input`, :mod:`.output`, :mod:`.hash`: bytes, streams and partitioning.
"""

from __future__ import annotations

from .api import CompactReader as CompactReader
from .api import CompactSerializer as CompactSerializer
from .api import CompactWriter as CompactWriter
from .api import FieldKind as FieldKind
from .api import IdentifiedDataSerializable as IdentifiedDataSerializable
from .api import Portable as Portable
from .api import PortableReader as PortableReader
from .api import PortableWriter as PortableWriter
from .api import StreamSerializer as StreamSerializer
from .data import Data as Data
from .hash import DEFAULT_MURMUR_SEED as DEFAULT_MURMUR_SEED
from .hash import hash_to_index as hash_to_index
from .hash import murmur_hash3_x86_32 as murmur_hash3_x86_32
from .input import ObjectDataInput as ObjectDataInput
from .output import ObjectDataOutput as ObjectDataOutput
from .service import SerializationService as SerializationService

__all__ = [
    "DEFAULT_MURMUR_SEED",
    "CompactReader",
    "CompactSerializer",
    "CompactWriter",
    "Data",
    "FieldKind",
    "IdentifiedDataSerializable",
    "ObjectDataInput",
    "ObjectDataOutput",
    "Portable",
    "PortableReader",
    "PortableWriter",
    "SerializationService",
    "StreamSerializer",
    "hash_to_index",
    "murmur_hash3_x86_32",
]
