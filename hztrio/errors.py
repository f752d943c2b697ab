"""The exceptions hztrio raises.

Every exception hztrio raises on purpose derives from :class:`HazelcastError`. The class names
are those of the official Hazelcast Python client (``hazelcast.errors``), so ``except`` clauses
written for it carry over. Errors a member sends back are mapped by their protocol error code
(see :func:`create_error`); they keep the member's Java class name, message and stack trace.

The tree (classes without a parent shown derive from :class:`HazelcastError` directly)::

    HazelcastError
    ├── client side
    │   ├── HazelcastClientNotActiveError (alias ClientNotActiveError)  [also IllegalStateError]
    │   ├── ClientOfflineError               async start / ASYNC reconnect, not connected now
    │   ├── TargetDisconnectedError          the connection of a pending call closed
    │   ├── OperationTimeoutError            also a builtin TimeoutError
    │   ├── IndeterminateOperationStateError backups not acknowledged in time
    │   ├── InvocationMightContainCompactDataError
    │   ├── AuthenticationError, ClientNotAllowedInClusterError, HazelcastCertificationError
    │   ├── ConfigurationError, InvalidConfigurationError, DuplicateInstanceNameError
    │   ├── ProtocolError                    malformed or oversized frame from the network
    │   ├── CloudDiscoveryError              Hazelcast Cloud discovery failed
    │   ├── EventsLostError                  an event buffer overflowed
    │   └── HazelcastInternalError           a bug in hztrio: please report it
    ├── retry classification
    │   ├── RetryableHazelcastError
    │   │   ├── CallerNotMemberError, PartitionMigratingError, TargetNotMemberError
    │   │   └── WrongTargetError, TargetNotReplicaError
    │   ├── MemberLeftError                  [also ExecutionError]
    │   ├── HazelcastInstanceNotActiveError  [also IllegalStateError]
    │   └── CannotReplicateError
    ├── HazelcastIOError
    │   └── HazelcastEOFError, RetryableIOError, SocketError, UTFDataFormatError
    ├── HazelcastTimeoutError                also a builtin TimeoutError
    ├── HazelcastSqlError                    an SQL statement failed (code, suggestion; hztrio.sql)
    ├── IllegalStateError
    │   └── HazelcastInstanceNotActiveError, HazelcastClientNotActiveError, CacheNotExistsError
    ├── IllegalArgumentError ── IllegalThreadStateError
    ├── IllegalMonitorStateError ── LockOwnershipLostError
    ├── IndexOutOfBoundsError ── ArrayIndexOutOfBoundsError
    ├── TransactionError ── TransactionNotActiveError, TransactionTimedOutError
    ├── CacheError ── CacheLoaderError, CacheWriterError, EntryProcessorError
    ├── SecurityError ── AccessControlError
    ├── ExecutionError ── MemberLeftError
    └── one class per remaining member error code (QueryError, StaleSequenceError,
        TopicOverloadError, SplitBrainProtectionError, the CP errors, ...), and
        UndefinedErrorCodeError for a code this table does not know

Transport failures (``OSError``, Trio/AnyIO stream errors) are translated once, at the
connection boundary, into :class:`TargetDisconnectedError` or :class:`ClientOfflineError`, with
the original as ``__cause__``. No class here shadows a builtin name: the Java ``IOException``
is :class:`HazelcastIOError`, ``TimeoutException`` is :class:`HazelcastTimeoutError`, and so on.

Retrying: :func:`is_retryable` says whether the invocation service may retry a call that
failed with an exception; :data:`RETRYABLE_ERROR_CODES` lists the member error codes it
covers.
"""

from __future__ import annotations

import enum
import itertools
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import ClassVar, Final, Protocol

__all__ = [
    "CONDITIONALLY_RETRYABLE_ERROR_CODES",
    "ERROR_CODE_TO_CLASS",
    "RETRYABLE_ERROR_CODES",
    "AccessControlError",
    "ArrayIndexOutOfBoundsError",
    "ArrayStoreError",
    "AuthenticationError",
    "CPGroupDestroyedError",
    "CacheError",
    "CacheLoaderError",
    "CacheNotExistsError",
    "CacheWriterError",
    "CallerNotMemberError",
    "CancellationError",
    "CannotReplicateError",
    "ClassCastError",
    "ClassNotFoundError",
    "ClientNotActiveError",
    "ClientNotAllowedInClusterError",
    "ClientOfflineError",
    "CloudDiscoveryError",
    "ConcurrentModificationError",
    "ConfigMismatchError",
    "ConfigurationError",
    "ConsistencyLostError",
    "DistributedObjectDestroyedError",
    "DuplicateInstanceNameError",
    "DuplicateTaskError",
    "EntryProcessorError",
    "ErrorCode",
    "ErrorHolder",
    "ErrorHolderLike",
    "EventsLostError",
    "ExecutionError",
    "HazelcastAssertionError",
    "HazelcastCertificationError",
    "HazelcastClientNotActiveError",
    "HazelcastEOFError",
    "HazelcastError",
    "HazelcastIOError",
    "HazelcastInstanceNotActiveError",
    "HazelcastInternalError",
    "HazelcastInterruptedError",
    "HazelcastOverloadError",
    "HazelcastRuntimeError",
    "HazelcastSerializationError",
    "HazelcastSqlError",
    "HazelcastTimeoutError",
    "IllegalAccessError",
    "IllegalAccessException",
    "IllegalArgumentError",
    "IllegalMonitorStateError",
    "IllegalStateError",
    "IllegalThreadStateError",
    "IndeterminateOperationStateError",
    "IndexOutOfBoundsError",
    "InvalidAddressError",
    "InvalidConfigurationError",
    "InvocationMightContainCompactDataError",
    "LeaderDemotedError",
    "LocalMemberResetError",
    "LockAcquireLimitReachedError",
    "LockOwnershipLostError",
    "LoginError",
    "MaxMessageSizeExceededError",
    "MemberLeftError",
    "MutationDisallowedError",
    "NativeOutOfMemoryError",
    "NegativeArraySizeError",
    "NoClassDefFoundError",
    "NoDataMemberInClusterError",
    "NoSuchElementError",
    "NoSuchFieldError",
    "NoSuchFieldException",
    "NoSuchMethodError",
    "NoSuchMethodException",
    "NodeIdOutOfRangeError",
    "NotLeaderError",
    "NotSerializableError",
    "NullPointerError",
    "OperationTimeoutError",
    "OutOfMemoryError",
    "PartitionMigratingError",
    "ProtocolError",
    "QueryError",
    "QueryResultSizeExceededError",
    "ReachedMaxSizeError",
    "RejectedExecutionError",
    "ReplicatedMapCantBeCreatedOnLiteMemberError",
    "ResponseAlreadySentError",
    "RetryableHazelcastError",
    "RetryableIOError",
    "SchemaNotFoundError",
    "SecurityError",
    "ServiceNotFoundError",
    "SessionExpiredError",
    "SocketError",
    "SplitBrainProtectionError",
    "StackOverflowError",
    "StackTraceElement",
    "StackTraceElementLike",
    "StaleAppendRequestError",
    "StaleSequenceError",
    "StaleTaskError",
    "StaleTaskIdError",
    "TargetDisconnectedError",
    "TargetNotMemberError",
    "TargetNotReplicaError",
    "TopicOverloadError",
    "TransactionError",
    "TransactionNotActiveError",
    "TransactionTimedOutError",
    "URISyntaxError",
    "UTFDataFormatError",
    "UndefinedErrorCodeError",
    "UnsupportedCallbackError",
    "UnsupportedOperationError",
    "VersionMismatchError",
    "WANReplicationQueueFullError",
    "WaitKeyCancelledError",
    "WrongTargetError",
    "XAError",
    "create_error",
    "is_retryable",
]


# --------------------------------------------------------------------------------------------
# The root
# --------------------------------------------------------------------------------------------


class HazelcastError(Exception):
    """The root of every exception hztrio raises on purpose.

    ``HazelcastError(message, cause)`` takes the same arguments as the official client's
    errors; a ``cause`` becomes ``__cause__``, so tracebacks show it as the direct cause.

    Errors sent by a member (see :func:`create_error`) also carry the member's side of the
    story: :attr:`error_code`, the Java :attr:`class_name` and the member's
    :attr:`stack_trace` (also attached as a note, so tracebacks show it). ``str()`` of such an
    error reads like Java's ``toString()``: ``"java.lang.IllegalStateException: message"``.
    """

    retryable: ClassVar[bool] = False
    """True if the invocation service retries a call that failed with this error."""

    message: str | None
    """The message, or None."""
    error_code: int | None
    """The protocol error code the member sent, or None for errors raised by the client."""
    class_name: str | None
    """The member-side Java class name, or None for errors raised by the client."""
    stack_trace: tuple[StackTraceElement, ...]
    """The member-side stack trace, innermost frame first (empty for client errors)."""

    def __init__(self, message: str | None = None, cause: BaseException | None = None) -> None:
        if message is None:
            super().__init__()
        else:
            super().__init__(message)
        self.message = message
        self.error_code = None
        self.class_name = None
        self.stack_trace = ()
        if cause is not None:
            self.__cause__ = cause

    @property
    def cause(self) -> BaseException | None:
        """The exception that caused this one (the same object as ``__cause__``)."""
        return self.__cause__

    def __str__(self) -> str:
        if self.class_name is not None:
            if self.message:
                return f"{self.class_name}: {self.message}"
            return self.class_name
        if self.message:
            return self.message
        return type(self).__name__

    def __repr__(self) -> str:
        parts = [] if self.message is None else [repr(self.message)]
        if self.class_name is not None:
            parts.append(f"class_name={self.class_name!r}")
        if self.error_code is not None:
            parts.append(f"error_code={self.error_code}")
        return f"{type(self).__name__}({', '.join(parts)})"


# --------------------------------------------------------------------------------------------
# Bases shared by several member errors
# --------------------------------------------------------------------------------------------


class RetryableHazelcastError(HazelcastError):
    """A member error after which the call may be retried (Java ``RetryableHazelcastException``)."""

    retryable = True


class HazelcastIOError(HazelcastError):
    """An I/O failure reported by a member (Java ``IOException``)."""


class IllegalStateError(HazelcastError):
    """An operation was called at a time it cannot run (Java ``IllegalStateException``)."""


class IllegalArgumentError(HazelcastError):
    """An argument was rejected (Java ``IllegalArgumentException``)."""


class IllegalMonitorStateError(HazelcastError):
    """A lock was used by a caller that does not hold it (Java ``IllegalMonitorStateException``)."""


class IndexOutOfBoundsError(HazelcastError):
    """An index is out of range (Java ``IndexOutOfBoundsException``)."""


class TransactionError(HazelcastError):
    """A transaction failed (Java ``TransactionException``)."""


class CacheError(HazelcastError):
    """A JCache operation failed (Java ``javax.cache.CacheException``)."""


class SecurityError(HazelcastError):
    """A security check failed on the member (Java ``SecurityException``)."""


class ExecutionError(HazelcastError):
    """A task failed on the member (Java ``ExecutionException``)."""


# --------------------------------------------------------------------------------------------
# Member errors, in error-code order
# --------------------------------------------------------------------------------------------


class UndefinedErrorCodeError(HazelcastError):
    """The member sent an error code this client does not know; ``class_name`` tells what."""


class ArrayIndexOutOfBoundsError(IndexOutOfBoundsError):
    """Java ``ArrayIndexOutOfBoundsException``."""


class ArrayStoreError(HazelcastError):
    """Java ``ArrayStoreException``."""


class AuthenticationError(HazelcastError):
    """The cluster rejected the client's credentials or cluster name."""


class CacheLoaderError(CacheError):
    """A JCache loader failed (Java ``CacheLoaderException``)."""


class CacheNotExistsError(IllegalStateError):
    """The JCache named does not exist on the cluster."""


class CacheWriterError(CacheError):
    """A JCache writer failed (Java ``CacheWriterException``)."""


class CallerNotMemberError(RetryableHazelcastError):
    """The operation came from a member the receiver does not know (yet)."""


class CancellationError(HazelcastError):
    """A member-side task was cancelled (Java ``CancellationException``)."""


class ClassCastError(HazelcastError):
    """Java ``ClassCastException``: a value had an unexpected type on the member."""


class ClassNotFoundError(HazelcastError):
    """Java ``ClassNotFoundException``: a class is missing from the member's classpath."""


class ConcurrentModificationError(HazelcastError):
    """Java ``ConcurrentModificationException``."""


class ConfigMismatchError(HazelcastError):
    """The configuration of the joining member differs from the cluster's."""


class DistributedObjectDestroyedError(HazelcastError):
    """The distributed object was destroyed while the call ran."""


class HazelcastEOFError(HazelcastIOError):
    """Java ``EOFException``: a member read past the end of its input."""


class EntryProcessorError(CacheError):
    """A JCache entry processor failed (Java ``EntryProcessorException``)."""


class HazelcastInstanceNotActiveError(IllegalStateError):
    """The member is shutting down or not yet started; the call is retried elsewhere."""

    retryable = True


class HazelcastOverloadError(HazelcastError):
    """The member has too many pending invocations (back pressure)."""


class HazelcastSerializationError(HazelcastError):
    """A value could not be serialized or deserialized (on the member or the client)."""


class SchemaNotFoundError(HazelcastSerializationError):
    """Compact data refers to a schema this client does not know (yet).

    The client asks the cluster for the schema and tries again; this error reaches user code
    only if the cluster does not know the schema either.
    """

    def __init__(
        self,
        message: str | None = None,
        cause: BaseException | None = None,
        *,
        schema_id: int = 0,
    ) -> None:
        super().__init__(message or f"Unknown Compact schema id {schema_id}", cause)
        self.schema_id = schema_id


class IllegalAccessException(HazelcastError):
    """Java ``IllegalAccessException`` (reflection)."""


class IllegalAccessError(HazelcastError):
    """Java ``IllegalAccessError`` (linkage)."""


class IllegalThreadStateError(IllegalArgumentError):
    """Java ``IllegalThreadStateException``."""


class HazelcastInterruptedError(HazelcastError):
    """Java ``InterruptedException``: the member thread running the call was interrupted."""


class InvalidAddressError(HazelcastError):
    """An address could not be parsed or resolved."""


class InvalidConfigurationError(HazelcastError):
    """The member rejected a configuration (for example of a dynamically added structure)."""


class MemberLeftError(ExecutionError):
    """The member running the call left the cluster; the call may be retried."""

    retryable = True


class NegativeArraySizeError(HazelcastError):
    """Java ``NegativeArraySizeException``."""


class NoSuchElementError(HazelcastError):
    """Java ``NoSuchElementException``: for example ``remove()`` on an empty queue."""


class NotSerializableError(HazelcastError):
    """Java ``NotSerializableException``."""


class NullPointerError(HazelcastError):
    """Java ``NullPointerException``."""


class OperationTimeoutError(HazelcastError, TimeoutError):
    """A call did not complete within its time limit (``invocation_timeout``).

    It is also a builtin :class:`TimeoutError`, like the exception ``anyio.fail_after`` raises.
    """


class PartitionMigratingError(RetryableHazelcastError):
    """The partition is moving between members; the call is retried."""


class QueryError(HazelcastError):
    """A query (predicate, projection, aggregation, SQL) failed on the member."""


class HazelcastSqlError(HazelcastError):
    """An SQL statement failed: on a member (its error code, message and suggestion), or on
    the client (a lost connection, a value that cannot be deserialized, a closed result).

    Raised by ``client.sql`` (see :mod:`hztrio.sql`); the arguments are the official client's.
    """

    def __init__(
        self,
        originating_member_uuid: uuid.UUID | None,
        code: int,
        message: str | None,
        cause: BaseException | None = None,
        suggestion: str | None = None,
    ) -> None:
        super().__init__(message, cause)
        self._originating_member_uuid = originating_member_uuid
        self._suggestion = suggestion
        self._code = code

    @property
    def originating_member_uuid(self) -> uuid.UUID | None:
        """The UUID (``uuid.UUID``) of the member that raised the error, or of this client
        for an error raised on the client."""
        return self._originating_member_uuid

    @property
    def suggestion(self) -> str | None:
        """An SQL statement the member suggests to fix the error (e.g. a missing mapping's
        ``CREATE MAPPING``), or None."""
        return self._suggestion

    @property
    def code(self) -> int:
        """The SQL error code (``hztrio.sql.SqlErrorCode``: 1008 parsing, 1010 object not
        found, 2000 data, -1 generic, ...)."""
        return self._code


class QueryResultSizeExceededError(HazelcastError):
    """A query result is larger than the member's configured limit."""


class SplitBrainProtectionError(HazelcastError):
    """The cluster has too few members for the structure's split-brain protection."""


class ReachedMaxSizeError(HazelcastError):
    """A bounded structure (queue, collection) is full."""


class RejectedExecutionError(HazelcastError):
    """The member's executor refused the task."""


class ResponseAlreadySentError(HazelcastError):
    """A member tried to send a second response to one call."""


class RetryableIOError(HazelcastIOError):
    """A member-side I/O failure after which the call may be retried."""

    retryable = True


class HazelcastRuntimeError(HazelcastError):
    """Java ``RuntimeException`` without a more specific code."""


class SocketError(HazelcastIOError):
    """Java ``SocketException`` on the member."""


class StaleSequenceError(HazelcastError):
    """A ringbuffer read asked for a sequence that has already been overwritten."""


class TargetDisconnectedError(HazelcastError):
    """The connection a call was sent on closed before the response arrived.

    The call may or may not have run. It is retried only if the request is idempotent or
    ``redo_operation`` is on (see :func:`is_retryable`). ``__cause__`` holds the transport error.
    """


class TargetNotMemberError(RetryableHazelcastError):
    """The call was sent to a member that is no longer in the cluster."""


class HazelcastTimeoutError(HazelcastError, TimeoutError):
    """Java ``TimeoutException`` on the member. Also a builtin :class:`TimeoutError`."""


class TopicOverloadError(HazelcastError):
    """A reliable topic is full and its overload policy is ``ERROR``."""


class TransactionNotActiveError(TransactionError):
    """The transaction is not active (already committed, rolled back or timed out)."""


class TransactionTimedOutError(TransactionError):
    """The transaction ran longer than its timeout."""


class URISyntaxError(HazelcastError):
    """Java ``URISyntaxException``."""


class UTFDataFormatError(HazelcastIOError):
    """Java ``UTFDataFormatException``: malformed modified UTF-8."""


class UnsupportedOperationError(HazelcastError):
    """The member does not support the operation (Java ``UnsupportedOperationException``)."""


class WrongTargetError(RetryableHazelcastError):
    """The call reached a member that does not own the partition (any more)."""


class XAError(HazelcastError):
    """An XA transaction failed (Java ``XAException``)."""


class AccessControlError(SecurityError):
    """The client lacks a permission (Java ``AccessControlException``)."""


class LoginError(HazelcastError):
    """Login failed on the member (Java ``LoginException``)."""


class UnsupportedCallbackError(HazelcastError):
    """Java ``UnsupportedCallbackException`` (JAAS)."""


class NoDataMemberInClusterError(HazelcastError):
    """The cluster has only lite members; the operation needs a data member."""


class ReplicatedMapCantBeCreatedOnLiteMemberError(HazelcastError):
    """A replicated map cannot be created on a lite member."""


class MaxMessageSizeExceededError(HazelcastError):
    """A message is larger than the member accepts."""


class WANReplicationQueueFullError(HazelcastError):
    """The WAN replication queue is full."""


class HazelcastAssertionError(HazelcastError):
    """Java ``AssertionError`` on the member."""


class OutOfMemoryError(HazelcastError):
    """Java ``OutOfMemoryError`` on the member."""


class StackOverflowError(HazelcastError):
    """Java ``StackOverflowError`` on the member."""


class NativeOutOfMemoryError(HazelcastError):
    """The member ran out of native (off-heap) memory."""


class ServiceNotFoundError(HazelcastError):
    """The member has no service of that name."""


class StaleTaskIdError(HazelcastError):
    """A scheduled-executor task id is stale."""


class DuplicateTaskError(HazelcastError):
    """A scheduled-executor task of that name already exists."""


class StaleTaskError(HazelcastError):
    """A scheduled-executor task handler is stale (the task was disposed)."""


class LocalMemberResetError(HazelcastError):
    """The member was reset (for example after a split-brain merge)."""


class IndeterminateOperationStateError(HazelcastError):
    """The call may or may not have taken effect (backups not acknowledged, member left).

    Raised when ``fail_on_indeterminate_operation_state`` is on; nothing is rolled back.
    """


class NodeIdOutOfRangeError(HazelcastError):
    """A flake id generator member has no node ids left."""


class TargetNotReplicaError(RetryableHazelcastError):
    """A CRDT (PN counter) call reached a member that is not a replica; it is retried."""


class MutationDisallowedError(HazelcastError):
    """A mutating call was refused (for example during a hot-restart or CP split)."""


class ConsistencyLostError(HazelcastError):
    """A PN counter lost track of the replicas it read from."""


class SessionExpiredError(HazelcastError):
    """The CP session of the call has expired."""


class WaitKeyCancelledError(HazelcastError):
    """A CP wait (lock, semaphore, latch) was cancelled on the member."""


class LockAcquireLimitReachedError(HazelcastError):
    """A FencedLock reached its reentrant-acquire limit."""


class LockOwnershipLostError(IllegalMonitorStateError):
    """The caller no longer owns the FencedLock (its session closed)."""


class CPGroupDestroyedError(HazelcastError):
    """The CP group of the structure was destroyed."""


class CannotReplicateError(HazelcastError):
    """The CP group leader cannot take more entries right now; the call is retried."""

    retryable = True


class LeaderDemotedError(HazelcastError):
    """The CP group leader was demoted before the call committed."""


class StaleAppendRequestError(HazelcastError):
    """A CP append request was overtaken; the outcome is unknown."""


class NotLeaderError(HazelcastError):
    """The CP call reached a member that is not the group leader."""


class VersionMismatchError(HazelcastError):
    """The versions of the member and the client (or of two members) do not fit."""


class NoSuchMethodError(HazelcastError):
    """Java ``NoSuchMethodError``."""


class NoSuchMethodException(HazelcastError):
    """Java ``NoSuchMethodException``."""


class NoSuchFieldError(HazelcastError):
    """Java ``NoSuchFieldError``."""


class NoSuchFieldException(HazelcastError):
    """Java ``NoSuchFieldException``."""


class NoClassDefFoundError(HazelcastError):
    """Java ``NoClassDefFoundError``."""


# --------------------------------------------------------------------------------------------
# Client-side errors (no member error code)
# --------------------------------------------------------------------------------------------


class ConfigurationError(HazelcastError):
    """A configuration is unusable. Option validation raises ``TypeError``/``ValueError``."""


class DuplicateInstanceNameError(HazelcastError):
    """Another instance already uses that name."""


class HazelcastClientNotActiveError(IllegalStateError):
    """The client is shut down (or shutting down); it cannot run calls any more.

    :data:`ClientNotActiveError` is the same class.
    """

    def __init__(
        self, message: str | None = "Client is not active", cause: BaseException | None = None
    ) -> None:
        super().__init__(message, cause)


ClientNotActiveError = HazelcastClientNotActiveError
"""Alias of :class:`HazelcastClientNotActiveError`."""


class HazelcastCertificationError(HazelcastError):
    """The TLS certificate of a member or the client was rejected."""


class ClientOfflineError(HazelcastError):
    """The client is not connected to the cluster right now and does not wait for it.

    Raised with ``async_start=True`` before the first connection, and with
    ``reconnect_mode=ASYNC`` while reconnecting.
    """

    def __init__(
        self,
        message: str | None = "No connection found to cluster",
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message, cause)


class ClientNotAllowedInClusterError(HazelcastError):
    """The cluster refuses this client (client filtering, blue/green deployment)."""


class InvocationMightContainCompactDataError(HazelcastError):
    """A call may carry Compact data whose schema the cluster might not have yet.

    Such calls wait until the client has sent its schemas to the (re)connected cluster; the
    invocation service retries them.
    """

    retryable = True

    def __init__(
        self,
        message: str | None = (
            "The call might contain Compact serialized data and cannot be sent before the "
            "client has replicated its schemas to the cluster"
        ),
        cause: BaseException | None = None,
    ) -> None:
        super().__init__(message, cause)


class CloudDiscoveryError(HazelcastError):
    """The Hazelcast Cloud discovery service could not be asked, or its answer is unusable.

    Logged when it happens; the ``IllegalStateError`` of a client that found no member to
    connect to has it as its cause.
    """


class ProtocolError(HazelcastError):
    """A member (or something pretending to be one) sent bytes that break the protocol.

    For example a malformed frame, a frame larger than the client accepts, or a message of an
    unexpected type. The connection it came on is closed.
    """


class EventsLostError(HazelcastError):
    """Events were dropped: an event buffer overflowed, or a listener missed events."""


class HazelcastInternalError(HazelcastError):
    """Something happened that hztrio's own code never expects: a bug.

    Please report it, with the traceback, at the hztrio issue tracker.
    """


# --------------------------------------------------------------------------------------------
# Member error responses
# --------------------------------------------------------------------------------------------


class ErrorCode(enum.IntEnum):
    """The error codes of the Hazelcast Open Client Protocol 2.x."""

    UNDEFINED = 0
    ARRAY_INDEX_OUT_OF_BOUNDS = 1
    ARRAY_STORE = 2
    AUTHENTICATION = 3
    CACHE = 4
    CACHE_LOADER = 5
    CACHE_NOT_EXISTS = 6
    CACHE_WRITER = 7
    CALLER_NOT_MEMBER = 8
    CANCELLATION = 9
    CLASS_CAST = 10
    CLASS_NOT_FOUND = 11
    CONCURRENT_MODIFICATION = 12
    CONFIG_MISMATCH = 13
    DISTRIBUTED_OBJECT_DESTROYED = 14
    EOF = 15
    ENTRY_PROCESSOR = 16
    EXECUTION = 17
    HAZELCAST = 18
    HAZELCAST_INSTANCE_NOT_ACTIVE = 19
    HAZELCAST_OVERLOAD = 20
    HAZELCAST_SERIALIZATION = 21
    IO = 22
    ILLEGAL_ARGUMENT = 23
    ILLEGAL_ACCESS_EXCEPTION = 24
    ILLEGAL_ACCESS_ERROR = 25
    ILLEGAL_MONITOR_STATE = 26
    ILLEGAL_STATE = 27
    ILLEGAL_THREAD_STATE = 28
    INDEX_OUT_OF_BOUNDS = 29
    INTERRUPTED = 30
    INVALID_ADDRESS = 31
    INVALID_CONFIGURATION = 32
    MEMBER_LEFT = 33
    NEGATIVE_ARRAY_SIZE = 34
    NO_SUCH_ELEMENT = 35
    NOT_SERIALIZABLE = 36
    NULL_POINTER = 37
    OPERATION_TIMEOUT = 38
    PARTITION_MIGRATING = 39
    QUERY = 40
    QUERY_RESULT_SIZE_EXCEEDED = 41
    SPLIT_BRAIN_PROTECTION = 42
    REACHED_MAX_SIZE = 43
    REJECTED_EXECUTION = 44
    RESPONSE_ALREADY_SENT = 45
    RETRYABLE_HAZELCAST = 46
    RETRYABLE_IO = 47
    RUNTIME = 48
    SECURITY = 49
    SOCKET = 50
    STALE_SEQUENCE = 51
    TARGET_DISCONNECTED = 52
    TARGET_NOT_MEMBER = 53
    TIMEOUT = 54
    TOPIC_OVERLOAD = 55
    TRANSACTION = 56
    TRANSACTION_NOT_ACTIVE = 57
    TRANSACTION_TIMED_OUT = 58
    URI_SYNTAX = 59
    UTF_DATA_FORMAT = 60
    UNSUPPORTED_OPERATION = 61
    WRONG_TARGET = 62
    XA = 63
    ACCESS_CONTROL = 64
    LOGIN = 65
    UNSUPPORTED_CALLBACK = 66
    NO_DATA_MEMBER = 67
    REPLICATED_MAP_CANT_BE_CREATED = 68
    MAX_MESSAGE_SIZE_EXCEEDED = 69
    WAN_REPLICATION_QUEUE_FULL = 70
    ASSERTION_ERROR = 71
    OUT_OF_MEMORY_ERROR = 72
    STACK_OVERFLOW_ERROR = 73
    NATIVE_OUT_OF_MEMORY_ERROR = 74
    SERVICE_NOT_FOUND = 75
    STALE_TASK_ID = 76
    DUPLICATE_TASK = 77
    STALE_TASK = 78
    LOCAL_MEMBER_RESET = 79
    INDETERMINATE_OPERATION_STATE = 80
    FLAKE_ID_NODE_ID_OUT_OF_RANGE_EXCEPTION = 81
    TARGET_NOT_REPLICA_EXCEPTION = 82
    MUTATION_DISALLOWED_EXCEPTION = 83
    CONSISTENCY_LOST_EXCEPTION = 84
    SESSION_EXPIRED_EXCEPTION = 85
    WAIT_KEY_CANCELLED_EXCEPTION = 86
    LOCK_ACQUIRE_LIMIT_REACHED_EXCEPTION = 87
    LOCK_OWNERSHIP_LOST_EXCEPTION = 88
    CP_GROUP_DESTROYED_EXCEPTION = 89
    CANNOT_REPLICATE_EXCEPTION = 90
    LEADER_DEMOTED_EXCEPTION = 91
    STALE_APPEND_REQUEST_EXCEPTION = 92
    NOT_LEADER_EXCEPTION = 93
    VERSION_MISMATCH_EXCEPTION = 94
    NO_SUCH_METHOD_ERROR = 95
    NO_SUCH_METHOD_EXCEPTION = 96
    NO_SUCH_FIELD_ERROR = 97
    NO_SUCH_FIELD_EXCEPTION = 98
    NO_CLASS_DEF_FOUND_ERROR = 99


_E = ErrorCode

ERROR_CODE_TO_CLASS: Final[Mapping[int, type[HazelcastError]]] = MappingProxyType(
    {
        _E.UNDEFINED: UndefinedErrorCodeError,
        _E.ARRAY_INDEX_OUT_OF_BOUNDS: ArrayIndexOutOfBoundsError,
        _E.ARRAY_STORE: ArrayStoreError,
        _E.AUTHENTICATION: AuthenticationError,
        _E.CACHE: CacheError,
        _E.CACHE_LOADER: CacheLoaderError,
        _E.CACHE_NOT_EXISTS: CacheNotExistsError,
        _E.CACHE_WRITER: CacheWriterError,
        _E.CALLER_NOT_MEMBER: CallerNotMemberError,
        _E.CANCELLATION: CancellationError,
        _E.CLASS_CAST: ClassCastError,
        _E.CLASS_NOT_FOUND: ClassNotFoundError,
        _E.CONCURRENT_MODIFICATION: ConcurrentModificationError,
        _E.CONFIG_MISMATCH: ConfigMismatchError,
        _E.DISTRIBUTED_OBJECT_DESTROYED: DistributedObjectDestroyedError,
        _E.EOF: HazelcastEOFError,
        _E.ENTRY_PROCESSOR: EntryProcessorError,
        _E.EXECUTION: ExecutionError,
        _E.HAZELCAST: HazelcastError,
        _E.HAZELCAST_INSTANCE_NOT_ACTIVE: HazelcastInstanceNotActiveError,
        _E.HAZELCAST_OVERLOAD: HazelcastOverloadError,
        _E.HAZELCAST_SERIALIZATION: HazelcastSerializationError,
        _E.IO: HazelcastIOError,
        _E.ILLEGAL_ARGUMENT: IllegalArgumentError,
        _E.ILLEGAL_ACCESS_EXCEPTION: IllegalAccessException,
        _E.ILLEGAL_ACCESS_ERROR: IllegalAccessError,
        _E.ILLEGAL_MONITOR_STATE: IllegalMonitorStateError,
        _E.ILLEGAL_STATE: IllegalStateError,
        _E.ILLEGAL_THREAD_STATE: IllegalThreadStateError,
        _E.INDEX_OUT_OF_BOUNDS: IndexOutOfBoundsError,
        _E.INTERRUPTED: HazelcastInterruptedError,
        _E.INVALID_ADDRESS: InvalidAddressError,
        _E.INVALID_CONFIGURATION: InvalidConfigurationError,
        _E.MEMBER_LEFT: MemberLeftError,
        _E.NEGATIVE_ARRAY_SIZE: NegativeArraySizeError,
        _E.NO_SUCH_ELEMENT: NoSuchElementError,
        _E.NOT_SERIALIZABLE: NotSerializableError,
        _E.NULL_POINTER: NullPointerError,
        _E.OPERATION_TIMEOUT: OperationTimeoutError,
        _E.PARTITION_MIGRATING: PartitionMigratingError,
        _E.QUERY: QueryError,
        _E.QUERY_RESULT_SIZE_EXCEEDED: QueryResultSizeExceededError,
        _E.SPLIT_BRAIN_PROTECTION: SplitBrainProtectionError,
        _E.REACHED_MAX_SIZE: ReachedMaxSizeError,
        _E.REJECTED_EXECUTION: RejectedExecutionError,
        _E.RESPONSE_ALREADY_SENT: ResponseAlreadySentError,
        _E.RETRYABLE_HAZELCAST: RetryableHazelcastError,
        _E.RETRYABLE_IO: RetryableIOError,
        _E.RUNTIME: HazelcastRuntimeError,
        _E.SECURITY: SecurityError,
        _E.SOCKET: SocketError,
        _E.STALE_SEQUENCE: StaleSequenceError,
        _E.TARGET_DISCONNECTED: TargetDisconnectedError,
        _E.TARGET_NOT_MEMBER: TargetNotMemberError,
        _E.TIMEOUT: HazelcastTimeoutError,
        _E.TOPIC_OVERLOAD: TopicOverloadError,
        _E.TRANSACTION: TransactionError,
        _E.TRANSACTION_NOT_ACTIVE: TransactionNotActiveError,
        _E.TRANSACTION_TIMED_OUT: TransactionTimedOutError,
        _E.URI_SYNTAX: URISyntaxError,
        _E.UTF_DATA_FORMAT: UTFDataFormatError,
        _E.UNSUPPORTED_OPERATION: UnsupportedOperationError,
        _E.WRONG_TARGET: WrongTargetError,
        _E.XA: XAError,
        _E.ACCESS_CONTROL: AccessControlError,
        _E.LOGIN: LoginError,
        _E.UNSUPPORTED_CALLBACK: UnsupportedCallbackError,
        _E.NO_DATA_MEMBER: NoDataMemberInClusterError,
        _E.REPLICATED_MAP_CANT_BE_CREATED: ReplicatedMapCantBeCreatedOnLiteMemberError,
        _E.MAX_MESSAGE_SIZE_EXCEEDED: MaxMessageSizeExceededError,
        _E.WAN_REPLICATION_QUEUE_FULL: WANReplicationQueueFullError,
        _E.ASSERTION_ERROR: HazelcastAssertionError,
        _E.OUT_OF_MEMORY_ERROR: OutOfMemoryError,
        _E.STACK_OVERFLOW_ERROR: StackOverflowError,
        _E.NATIVE_OUT_OF_MEMORY_ERROR: NativeOutOfMemoryError,
        _E.SERVICE_NOT_FOUND: ServiceNotFoundError,
        _E.STALE_TASK_ID: StaleTaskIdError,
        _E.DUPLICATE_TASK: DuplicateTaskError,
        _E.STALE_TASK: StaleTaskError,
        _E.LOCAL_MEMBER_RESET: LocalMemberResetError,
        _E.INDETERMINATE_OPERATION_STATE: IndeterminateOperationStateError,
        _E.FLAKE_ID_NODE_ID_OUT_OF_RANGE_EXCEPTION: NodeIdOutOfRangeError,
        _E.TARGET_NOT_REPLICA_EXCEPTION: TargetNotReplicaError,
        _E.MUTATION_DISALLOWED_EXCEPTION: MutationDisallowedError,
        _E.CONSISTENCY_LOST_EXCEPTION: ConsistencyLostError,
        _E.SESSION_EXPIRED_EXCEPTION: SessionExpiredError,
        _E.WAIT_KEY_CANCELLED_EXCEPTION: WaitKeyCancelledError,
        _E.LOCK_ACQUIRE_LIMIT_REACHED_EXCEPTION: LockAcquireLimitReachedError,
        _E.LOCK_OWNERSHIP_LOST_EXCEPTION: LockOwnershipLostError,
        _E.CP_GROUP_DESTROYED_EXCEPTION: CPGroupDestroyedError,
        _E.CANNOT_REPLICATE_EXCEPTION: CannotReplicateError,
        _E.LEADER_DEMOTED_EXCEPTION: LeaderDemotedError,
        _E.STALE_APPEND_REQUEST_EXCEPTION: StaleAppendRequestError,
        _E.NOT_LEADER_EXCEPTION: NotLeaderError,
        _E.VERSION_MISMATCH_EXCEPTION: VersionMismatchError,
        _E.NO_SUCH_METHOD_ERROR: NoSuchMethodError,
        _E.NO_SUCH_METHOD_EXCEPTION: NoSuchMethodException,
        _E.NO_SUCH_FIELD_ERROR: NoSuchFieldError,
        _E.NO_SUCH_FIELD_EXCEPTION: NoSuchFieldException,
        _E.NO_CLASS_DEF_FOUND_ERROR: NoClassDefFoundError,
    }
)
"""Protocol error code → the class :func:`create_error` raises for it."""

del _E

RETRYABLE_ERROR_CODES: Final[frozenset[int]] = frozenset(
    code for code, cls in ERROR_CODE_TO_CLASS.items() if cls.retryable
)
"""Member error codes after which a call is always retried (until ``invocation_timeout``).

CALLER_NOT_MEMBER, HAZELCAST_INSTANCE_NOT_ACTIVE, MEMBER_LEFT, PARTITION_MIGRATING,
RETRYABLE_HAZELCAST, RETRYABLE_IO, TARGET_NOT_MEMBER, WRONG_TARGET, TARGET_NOT_REPLICA and
CANNOT_REPLICATE: the Java exceptions behind them are ``RetryableException``\\ s (or, for
HAZELCAST_INSTANCE_NOT_ACTIVE, retried explicitly by the official clients).
"""

CONDITIONALLY_RETRYABLE_ERROR_CODES: Final[frozenset[int]] = frozenset(
    {ErrorCode.TARGET_DISCONNECTED}
)
"""Codes retried only if the request is idempotent or ``redo_operation`` is on."""


class StackTraceElementLike(Protocol):
    """What :func:`create_error` reads from a stack trace element."""

    @property
    def class_name(self) -> str: ...
    @property
    def method_name(self) -> str: ...
    @property
    def file_name(self) -> str | None: ...
    @property
    def line_number(self) -> int: ...


class ErrorHolderLike(Protocol):
    """What :func:`create_error` reads from one exception of an error response."""

    @property
    def error_code(self) -> int: ...
    @property
    def class_name(self) -> str: ...
    @property
    def message(self) -> str | None: ...
    @property
    def stack_trace_elements(self) -> Sequence[StackTraceElementLike]: ...


@dataclass(frozen=True, slots=True)
class StackTraceElement:
    """One frame of a member-side Java stack trace."""

    class_name: str
    method_name: str
    file_name: str | None
    line_number: int

    def __str__(self) -> str:
        # Java's StackTraceElement.toString() format
        if self.file_name is None:
            where = "Unknown Source"
        elif self.line_number >= 0:
            where = f"{self.file_name}:{self.line_number}"
        else:
            where = self.file_name
        return f"{self.class_name}.{self.method_name}({where})"


@dataclass(frozen=True, slots=True)
class ErrorHolder:
    """One exception of a member's error response: the thrown one first, then its causes."""

    error_code: int
    class_name: str
    message: str | None
    stack_trace_elements: Sequence[StackTraceElement] = ()


def _to_stack_trace_element(element: StackTraceElementLike) -> StackTraceElement:
    if isinstance(element, StackTraceElement):
        return element
    return StackTraceElement(
        element.class_name, element.method_name, element.file_name, element.line_number
    )


def _error_from_holder(holder: ErrorHolderLike) -> HazelcastError:
    cls = ERROR_CODE_TO_CLASS.get(holder.error_code, UndefinedErrorCodeError)
    # Every class in the table takes the root constructor (message, cause).
    error = cls(holder.message)
    error.error_code = holder.error_code
    error.class_name = holder.class_name
    error.stack_trace = tuple(_to_stack_trace_element(e) for e in holder.stack_trace_elements)
    if error.stack_trace:
        error.add_note(
            "Stack trace on the member:\n" + "\n".join(f"\tat {e}" for e in error.stack_trace)
        )
    return error


def create_error(error_holders: Sequence[ErrorHolderLike]) -> HazelcastError:
    """Turn the error holders of a member's error response into one exception.

    The first holder is the exception the member threw and becomes the returned exception;
    each following holder is the cause of the one before it, linked through ``__cause__``.
    Each exception's class follows its error code (:data:`ERROR_CODE_TO_CLASS`); an unknown
    code gives :class:`UndefinedErrorCodeError`. Every exception keeps the holder's
    ``error_code``, Java ``class_name``, ``message`` and stack trace.

    An empty sequence (which a member never sends) gives a :class:`ProtocolError`.
    """
    if not error_holders:
        return ProtocolError("The member sent an error response without an error")
    errors = [_error_from_holder(holder) for holder in error_holders]
    for error, cause in itertools.pairwise(errors):
        error.__cause__ = cause
    return errors[0]


def is_retryable(error: BaseException, *, redo: bool = False) -> bool:
    """Whether a call that failed with ``error`` may be sent again.

    True for the errors of :data:`RETRYABLE_ERROR_CODES` (and their subclasses, and
    :class:`InvocationMightContainCompactDataError`), wherever they were raised. A
    :class:`TargetDisconnectedError` means the call may already have run: it is retryable only
    if ``redo`` is true, which the invocation service passes when the request is idempotent
    (its ``retryable`` flag) or ``redo_operation`` is on.

    The invocation service still decides the cases this cannot see: a call bound to one
    connection is not retried after that connection fails, a call targeted at one member is
    not retried with :class:`TargetNotMemberError`, and nothing is retried after the
    invocation timeout. Anything that is not a :class:`HazelcastError` gives False.
    """
    if isinstance(error, TargetDisconnectedError):
        return redo
    return isinstance(error, HazelcastError) and type(error).retryable
