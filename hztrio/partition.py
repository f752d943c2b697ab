"""The partition table: which member owns which partition."""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from .errors import ClientNotAllowedInClusterError, ClientOfflineError
from .serialization.hash import INT32_MIN

if TYPE_CHECKING:
    from .net.connection import Connection
    from .serialization.data import Data
    from .serialization.service import SerializationService

_logger = logging.getLogger("hztrio.partition")


class PartitionTable:
    """Keeps the partition table the cluster view listener reports (internal: keys come in
    serialized; :class:`PartitionService` is what users see).

    All methods are synchronous: the table changes between checkpoints only.
    """

    def __init__(self) -> None:
        self._count = 0
        #: the owner of each partition, by partition id: a new list on every change, never
        #: changed in place (so that an identity check tells a cached route is current)
        self.owners: list[uuid.UUID | None] = []
        self._version = -1
        self._source: Connection | None = None
        #: set once the first non-empty table has been applied
        self.initialized = False

    @property
    def partition_count(self) -> int:
        """The number of partitions (0 before the first authentication)."""
        return self._count

    def get_partition_count(self) -> int:
        """The number of partitions of the cluster (official client name)."""
        return self._count

    def get_partition_owner(self, partition_id: int) -> uuid.UUID | None:
        """The UUID of the member owning *partition_id*, if known."""
        return self.owner(partition_id)

    def owner(self, partition_id: int) -> uuid.UUID | None:
        owners = self.owners
        if 0 <= partition_id < len(owners):
            return owners[partition_id]
        return None

    def get_partition_id(self, key_data: Data) -> int:
        """The partition of a serialized key."""
        count = self._count
        if count == 0:
            return -1
        h = key_data.get_partition_hash()
        if h == INT32_MIN:  # hash_to_index, inline: this is on every key's path
            return 0
        return abs(h) % count

    def check_partition_count(self, count: int) -> None:
        """Record the count an authentication reported; a different count is refused."""
        if self._count == 0:
            self._count = count
            self.owners = [None] * count
        elif count != self._count:
            raise ClientNotAllowedInClusterError(
                f"Client can not work with this cluster because it has a different partition "
                f"count. Expected partition count: {self._count}, "
                f"member partition count: {count}"
            )

    def apply(
        self, source: Connection, version: int, partitions: list[tuple[uuid.UUID, list[int]]]
    ) -> bool:
        """Apply a PartitionsView event; False if it is stale or empty."""
        if not partitions:
            return False
        if source is self._source and version <= self._version:
            return False
        owners: list[uuid.UUID | None] = [None] * max(self._count, 1)
        for member, ids in partitions:
            for pid in ids:
                if pid >= len(owners):
                    owners.extend([None] * (pid + 1 - len(owners)))
                owners[pid] = member
        self.owners = owners
        if self._count == 0:
            self._count = len(owners)
        self._version = version
        self._source = source
        self.initialized = True
        _logger.debug("partition table version %d applied", version)
        return True

    def reset(self) -> None:
        """Forget the table (the client is now connected to a different cluster)."""
        self.owners = [None] * self._count
        self._version = -1
        self._source = None
        self.initialized = False


class PartitionService:
    """``client.partition_service``: the partition count, the owner of a partition and the
    partition of a key, as the cluster last reported them (all synchronous)."""

    __slots__ = ("_serialization", "_table")

    def __init__(self, table: PartitionTable, serialization: SerializationService) -> None:
        self._table = table
        self._serialization = serialization

    def get_partition_count(self) -> int:
        """The number of partitions of the cluster; 0 until the client first connects."""
        return self._table.partition_count

    def get_partition_owner(self, partition_id: int) -> uuid.UUID | None:
        """The UUID of the member owning *partition_id*, or None if that is not known (yet)."""
        return self._table.owner(partition_id)

    def get_partition_id(self, key: object) -> int:
        """The partition that *key* belongs to (the key is serialized as map calls do).

        Raises :class:`~hztrio.errors.ClientOfflineError` before the client first connected
        (the count is not known then), and the serialization error for a key that cannot be
        serialized.
        """
        if key is None:
            raise TypeError("key can't be None")
        data = self._serialization.to_data(key)
        assert data is not None
        partition_id = self._table.get_partition_id(data)
        if partition_id < 0:
            raise ClientOfflineError("The partition count is not known before the client connects")
        return partition_id

    def __repr__(self) -> str:
        return f"PartitionService(partition_count={self._table.partition_count})"
