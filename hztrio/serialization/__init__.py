"""Serialization: Python objects to Hazelcast's binary ``Data`` and back.

Pure functions over bytes (no Trio, no AnyIO): this package is on the hot path of every
operation.
"""

from __future__ import annotations

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
    "Data",
    "ObjectDataInput",
    "ObjectDataOutput",
    "SerializationService",
    "StreamSerializer",
    "hash_to_index",
    "murmur_hash3_x86_32",
]
