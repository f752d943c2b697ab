"""Serializer type ids and sizes shared by Hazelcast clients and members.

The ids are those of Java's ``SerializationConstants``; a serialized :class:`~.data.Data`
carries one of them (big-endian) in its bytes 4..7.
"""

from __future__ import annotations

from typing import Final

# -- type ids -------------------------------------------------------------------------------

CONSTANT_TYPE_NULL: Final = 0
CONSTANT_TYPE_PORTABLE: Final = -1
CONSTANT_TYPE_DATA_SERIALIZABLE: Final = -2
CONSTANT_TYPE_BYTE: Final = -3
CONSTANT_TYPE_BOOLEAN: Final = -4
CONSTANT_TYPE_CHAR: Final = -5
CONSTANT_TYPE_SHORT: Final = -6
CONSTANT_TYPE_INTEGER: Final = -7
CONSTANT_TYPE_LONG: Final = -8
CONSTANT_TYPE_FLOAT: Final = -9
CONSTANT_TYPE_DOUBLE: Final = -10
CONSTANT_TYPE_STRING: Final = -11
CONSTANT_TYPE_BYTE_ARRAY: Final = -12
CONSTANT_TYPE_BOOLEAN_ARRAY: Final = -13
CONSTANT_TYPE_CHAR_ARRAY: Final = -14
CONSTANT_TYPE_SHORT_ARRAY: Final = -15
CONSTANT_TYPE_INTEGER_ARRAY: Final = -16
CONSTANT_TYPE_LONG_ARRAY: Final = -17
CONSTANT_TYPE_FLOAT_ARRAY: Final = -18
CONSTANT_TYPE_DOUBLE_ARRAY: Final = -19
CONSTANT_TYPE_STRING_ARRAY: Final = -20
CONSTANT_TYPE_UUID: Final = -21

JAVA_DEFAULT_TYPE_CLASS: Final = -24
JAVA_DEFAULT_TYPE_BIG_INTEGER: Final = -26
JAVA_DEFAULT_TYPE_BIG_DECIMAL: Final = -27
JAVA_DEFAULT_TYPE_ARRAY: Final = -28
JAVA_DEFAULT_TYPE_ARRAY_LIST: Final = -29
JAVA_DEFAULT_TYPE_LINKED_LIST: Final = -30
JAVA_DEFAULT_TYPE_COPY_ON_WRITE_ARRAY_LIST: Final = -31
JAVA_DEFAULT_TYPE_LOCAL_DATE: Final = -51
JAVA_DEFAULT_TYPE_LOCAL_TIME: Final = -52
JAVA_DEFAULT_TYPE_LOCAL_DATE_TIME: Final = -53
JAVA_DEFAULT_TYPE_OFFSET_DATE_TIME: Final = -54
TYPE_COMPACT: Final = -55
TYPE_COMPACT_WITH_SCHEMA: Final = -56
JAVA_DEFAULT_TYPE_SERIALIZABLE: Final = -100
JAVA_DEFAULT_TYPE_EXTERNALIZABLE: Final = -101
PYTHON_TYPE_PICKLE: Final = -120
JAVASCRIPT_JSON_SERIALIZATION_TYPE: Final = -130

# -- layout and limits ----------------------------------------------------------------------

PARTITION_HASH_OFFSET: Final = 0
"""Offset of the big-endian partition hash in a Data."""
TYPE_OFFSET: Final = 4
"""Offset of the big-endian serializer type id in a Data."""
DATA_OFFSET: Final = 8
"""Offset of the serializer payload in a Data (the size of the header)."""
NULL_ARRAY_LENGTH: Final = -1
"""The length written for a ``None`` string or array."""

MIN_BYTE: Final = -(2**7)
MAX_BYTE: Final = 2**7 - 1
MIN_SHORT: Final = -(2**15)
MAX_SHORT: Final = 2**15 - 1
MIN_INT: Final = -(2**31)
MAX_INT: Final = 2**31 - 1
MIN_LONG: Final = -(2**63)
MAX_LONG: Final = 2**63 - 1
