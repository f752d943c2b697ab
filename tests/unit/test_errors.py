"""hztrio.errors: the exception tree, member error codes, retry classification."""

from __future__ import annotations

import builtins
import inspect
import pickle
from typing import Any

import hazelcast.errors as _official
import hazelcast.protocol as _official_protocol
import pytest

from hztrio import errors
from hztrio.errors import (
    CONDITIONALLY_RETRYABLE_ERROR_CODES,
    ERROR_CODE_TO_CLASS,
    RETRYABLE_ERROR_CODES,
    ErrorCode,
    ErrorHolder,
    HazelcastError,
    StackTraceElement,
    create_error,
    is_retryable,
)

# the official client is only partly typed
official: Any = _official
official_protocol: Any = _official_protocol

# The protocol 2.x error-code table (protocol.md §4.2), written out independently of the
# module's own table.
EXPECTED_CLASSES: dict[int, type[HazelcastError]] = {
    0: errors.UndefinedErrorCodeError,
    1: errors.ArrayIndexOutOfBoundsError,
    2: errors.ArrayStoreError,
    3: errors.AuthenticationError,
    4: errors.CacheError,
    5: errors.CacheLoaderError,
    6: errors.CacheNotExistsError,
    7: errors.CacheWriterError,
    8: errors.CallerNotMemberError,
    9: errors.CancellationError,
    10: errors.ClassCastError,
    11: errors.ClassNotFoundError,
    12: errors.ConcurrentModificationError,
    13: errors.ConfigMismatchError,
    14: errors.DistributedObjectDestroyedError,
    15: errors.HazelcastEOFError,
    16: errors.EntryProcessorError,
    17: errors.ExecutionError,
    18: errors.HazelcastError,
    19: errors.HazelcastInstanceNotActiveError,
    20: errors.HazelcastOverloadError,
    21: errors.HazelcastSerializationError,
    22: errors.HazelcastIOError,
    23: errors.IllegalArgumentError,
    24: errors.IllegalAccessException,
    25: errors.IllegalAccessError,
    26: errors.IllegalMonitorStateError,
    27: errors.IllegalStateError,
    28: errors.IllegalThreadStateError,
    29: errors.IndexOutOfBoundsError,
    30: errors.HazelcastInterruptedError,
    31: errors.InvalidAddressError,
    32: errors.InvalidConfigurationError,
    33: errors.MemberLeftError,
    34: errors.NegativeArraySizeError,
    35: errors.NoSuchElementError,
    36: errors.NotSerializableError,
    37: errors.NullPointerError,
    38: errors.OperationTimeoutError,
    39: errors.PartitionMigratingError,
    40: errors.QueryError,
    41: errors.QueryResultSizeExceededError,
    42: errors.SplitBrainProtectionError,
    43: errors.ReachedMaxSizeError,
    44: errors.RejectedExecutionError,
    45: errors.ResponseAlreadySentError,
    46: errors.RetryableHazelcastError,
    47: errors.RetryableIOError,
    48: errors.HazelcastRuntimeError,
    49: errors.SecurityError,
    50: errors.SocketError,
    51: errors.StaleSequenceError,
    52: errors.TargetDisconnectedError,
    53: errors.TargetNotMemberError,
    54: errors.HazelcastTimeoutError,
    55: errors.TopicOverloadError,
    56: errors.TransactionError,
    57: errors.TransactionNotActiveError,
    58: errors.TransactionTimedOutError,
    59: errors.URISyntaxError,
    60: errors.UTFDataFormatError,
    61: errors.UnsupportedOperationError,
    62: errors.WrongTargetError,
    63: errors.XAError,
    64: errors.AccessControlError,
    65: errors.LoginError,
    66: errors.UnsupportedCallbackError,
    67: errors.NoDataMemberInClusterError,
    68: errors.ReplicatedMapCantBeCreatedOnLiteMemberError,
    69: errors.MaxMessageSizeExceededError,
    70: errors.WANReplicationQueueFullError,
    71: errors.HazelcastAssertionError,
    72: errors.OutOfMemoryError,
    73: errors.StackOverflowError,
    74: errors.NativeOutOfMemoryError,
    75: errors.ServiceNotFoundError,
    76: errors.StaleTaskIdError,
    77: errors.DuplicateTaskError,
    78: errors.StaleTaskError,
    79: errors.LocalMemberResetError,
    80: errors.IndeterminateOperationStateError,
    81: errors.NodeIdOutOfRangeError,
    82: errors.TargetNotReplicaError,
    83: errors.MutationDisallowedError,
    84: errors.ConsistencyLostError,
    85: errors.SessionExpiredError,
    86: errors.WaitKeyCancelledError,
    87: errors.LockAcquireLimitReachedError,
    88: errors.LockOwnershipLostError,
    89: errors.CPGroupDestroyedError,
    90: errors.CannotReplicateError,
    91: errors.LeaderDemotedError,
    92: errors.StaleAppendRequestError,
    93: errors.NotLeaderError,
    94: errors.VersionMismatchError,
    95: errors.NoSuchMethodError,
    96: errors.NoSuchMethodException,
    97: errors.NoSuchFieldError,
    98: errors.NoSuchFieldException,
    99: errors.NoClassDefFoundError,
}

# protocol.md §4.3: always retried.
EXPECTED_RETRYABLE = {8, 19, 33, 39, 46, 47, 53, 62, 82, 90}


def holder(
    code: int,
    class_name: str = "com.example.SomeException",
    message: str | None = "it failed",
    trace: list[StackTraceElement] | None = None,
) -> ErrorHolder:
    return ErrorHolder(code, class_name, message, trace or [])


def error_classes() -> list[type[BaseException]]:
    return [
        obj
        for _, obj in inspect.getmembers(errors, inspect.isclass)
        if issubclass(obj, BaseException) and obj.__module__ == errors.__name__
    ]


# --- the code table ---------------------------------------------------------------------------


def test_table_covers_codes_0_to_99() -> None:
    assert set(EXPECTED_CLASSES) == set(range(100))
    assert dict(ERROR_CODE_TO_CLASS) == EXPECTED_CLASSES
    assert {int(code) for code in ErrorCode} == set(range(100))


@pytest.mark.parametrize("code", sorted(EXPECTED_CLASSES))
def test_every_code_maps_to_its_class(code: int) -> None:
    error = create_error([holder(code, "java.lang.SomeJavaException", "what happened")])
    assert type(error) is EXPECTED_CLASSES[code]
    assert error.error_code == code
    assert error.class_name == "java.lang.SomeJavaException"
    assert error.message == "what happened"
    assert str(error) == "java.lang.SomeJavaException: what happened"
    assert error.__cause__ is None


def test_same_classes_as_official_client_for_its_codes() -> None:
    table = official._ERROR_CODE_TO_ERROR
    for code, official_class in table.items():
        if code == 50:  # the official client maps SOCKET to the builtin socket.error
            assert ERROR_CODE_TO_CLASS[code] is errors.SocketError
            continue
        assert ERROR_CODE_TO_CLASS[code].__name__ == official_class.__name__, code


def test_every_official_class_exists_with_same_name() -> None:
    for name, cls in inspect.getmembers(official, inspect.isclass):
        if issubclass(cls, BaseException) and cls.__module__ == official.__name__:
            ours = getattr(errors, name)
            assert issubclass(ours, HazelcastError), name
            assert name in errors.__all__, name


def test_public_names_are_exported() -> None:
    for name in errors.__all__:
        assert hasattr(errors, name), name
    for cls in error_classes():
        assert cls.__name__ in errors.__all__, cls


def test_no_builtin_name_is_shadowed() -> None:
    for name in errors.__all__:
        assert not hasattr(builtins, name), name
    assert not hasattr(errors, "ConnectionError")
    assert not hasattr(errors, "TimeoutError")


def test_every_class_has_a_docstring() -> None:
    for cls in error_classes():
        assert cls.__doc__, cls


# --- member errors ----------------------------------------------------------------------------


def test_cause_chain() -> None:
    error = create_error(
        [
            holder(17, "java.util.concurrent.ExecutionException", "task failed"),
            holder(23, "java.lang.IllegalArgumentException", "bad argument"),
            holder(37, "java.lang.NullPointerException", None),
        ]
    )
    assert isinstance(error, errors.ExecutionError)
    cause = error.__cause__
    assert isinstance(cause, errors.IllegalArgumentError)
    assert error.cause is cause
    assert str(cause) == "java.lang.IllegalArgumentException: bad argument"
    root = cause.__cause__
    assert isinstance(root, errors.NullPointerError)
    assert root.message is None
    assert str(root) == "java.lang.NullPointerException"
    assert root.__cause__ is None


def test_unknown_code_keeps_class_name_message_and_chain() -> None:
    error = create_error(
        [
            holder(1234, "com.acme.UserException", "custom failure"),
            holder(27, "java.lang.IllegalStateException", "inner"),
        ]
    )
    assert type(error) is errors.UndefinedErrorCodeError
    assert error.error_code == 1234
    assert error.class_name == "com.acme.UserException"
    assert error.message == "custom failure"
    assert "com.acme.UserException" in str(error)
    assert "custom failure" in str(error)
    assert isinstance(error.__cause__, errors.IllegalStateError)


def test_jet_range_code_is_undefined() -> None:
    error = create_error([holder(501, "com.hazelcast.jet.core.TopologyChangedException")])
    assert type(error) is errors.UndefinedErrorCodeError
    assert error.error_code == 501


def test_stack_trace_is_kept_and_shown() -> None:
    trace = [
        StackTraceElement("com.hazelcast.map.impl.MapProxy", "put", "MapProxy.java", 42),
        StackTraceElement("com.hazelcast.spi.Op", "run", None, -1),
    ]
    error = create_error([holder(27, "java.lang.IllegalStateException", "bad", trace)])
    assert error.stack_trace == tuple(trace)
    (note,) = error.__notes__
    assert "\tat com.hazelcast.map.impl.MapProxy.put(MapProxy.java:42)" in note
    assert "\tat com.hazelcast.spi.Op.run(Unknown Source)" in note


def test_no_note_without_stack_trace() -> None:
    error = create_error([holder(27)])
    assert not hasattr(error, "__notes__")


def test_accepts_other_error_holder_types() -> None:
    trace = [official_protocol.StackTraceElement("a.B", "m", "B.java", 7)]
    holders = [official_protocol.ErrorHolder(62, "com.hazelcast.spi.WrongTarget", "moved", trace)]
    error = create_error(holders)
    assert isinstance(error, errors.WrongTargetError)
    assert error.stack_trace == (StackTraceElement("a.B", "m", "B.java", 7),)


def test_empty_error_response_is_a_protocol_error() -> None:
    assert isinstance(create_error([]), errors.ProtocolError)


def test_member_error_survives_pickle() -> None:
    error = create_error([holder(38, "com.hazelcast.core.OperationTimeoutException", "late")])
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is errors.OperationTimeoutError
    assert (copy.error_code, copy.class_name, copy.message) == (38, error.class_name, "late")
    assert str(copy) == str(error)


# --- construction and str() -------------------------------------------------------------------


def test_constructor_is_compatible_with_official_client() -> None:
    cause = OSError("connection reset")
    error = errors.TargetDisconnectedError("connection closed", cause)
    assert error.message == "connection closed"
    assert error.__cause__ is cause
    assert error.cause is cause
    assert str(error) == "connection closed"
    assert error.error_code is None
    assert error.class_name is None
    assert error.stack_trace == ()
    assert repr(error) == "TargetDisconnectedError('connection closed')"


def test_str_without_message_is_class_name() -> None:
    assert str(errors.IllegalStateError()) == "IllegalStateError"
    assert errors.IllegalStateError().message is None


def test_raise_from_sets_cause() -> None:
    with pytest.raises(errors.TargetDisconnectedError) as info:
        try:
            raise OSError("broken pipe")
        except OSError as e:
            raise errors.TargetDisconnectedError("lost") from e
    assert isinstance(info.value.cause, OSError)


def test_client_side_defaults() -> None:
    assert errors.ClientNotActiveError is errors.HazelcastClientNotActiveError
    assert str(errors.ClientNotActiveError()) == "Client is not active"
    assert str(errors.ClientOfflineError()) == "No connection found to cluster"
    assert str(errors.InvocationMightContainCompactDataError())
    assert isinstance(errors.ClientNotActiveError(), errors.IllegalStateError)
    for cls in (errors.ProtocolError, errors.HazelcastInternalError, errors.EventsLostError):
        assert issubclass(cls, HazelcastError)
        assert cls.__bases__ == (HazelcastError,)


@pytest.mark.parametrize("cls", [errors.OperationTimeoutError, errors.HazelcastTimeoutError])
def test_timeouts_are_builtin_timeout_errors(cls: type[HazelcastError]) -> None:
    error = cls("too slow", ValueError("inner"))
    assert isinstance(error, TimeoutError)
    assert isinstance(error, HazelcastError)
    assert str(error) == "too slow"
    assert error.args == ("too slow",)
    assert isinstance(error.__cause__, ValueError)
    with pytest.raises(TimeoutError):
        raise error


def test_inheritance_where_java_has_it() -> None:
    assert issubclass(errors.HazelcastInstanceNotActiveError, errors.IllegalStateError)
    assert issubclass(errors.MemberLeftError, errors.ExecutionError)
    assert issubclass(errors.TransactionNotActiveError, errors.TransactionError)
    assert issubclass(errors.TransactionTimedOutError, errors.TransactionError)
    assert issubclass(errors.ArrayIndexOutOfBoundsError, errors.IndexOutOfBoundsError)
    assert issubclass(errors.LockOwnershipLostError, errors.IllegalMonitorStateError)
    for io_cls in (errors.HazelcastEOFError, errors.RetryableIOError, errors.SocketError):
        assert issubclass(io_cls, errors.HazelcastIOError)
    for cls in (
        errors.CallerNotMemberError,
        errors.PartitionMigratingError,
        errors.TargetNotMemberError,
        errors.WrongTargetError,
        errors.TargetNotReplicaError,
    ):
        assert issubclass(cls, errors.RetryableHazelcastError)
    # retried only conditionally, so deliberately not a RetryableHazelcastError
    assert not issubclass(errors.TargetDisconnectedError, errors.RetryableHazelcastError)


# --- retry classification ---------------------------------------------------------------------


def test_retryable_codes() -> None:
    assert set(RETRYABLE_ERROR_CODES) == EXPECTED_RETRYABLE
    assert set(CONDITIONALLY_RETRYABLE_ERROR_CODES) == {52}


@pytest.mark.parametrize("code", sorted(EXPECTED_CLASSES))
def test_is_retryable_per_code(code: int) -> None:
    error = create_error([holder(code)])
    assert is_retryable(error) is (code in EXPECTED_RETRYABLE)
    assert is_retryable(error, redo=True) is (code in EXPECTED_RETRYABLE or code == 52)


def test_target_disconnected_depends_on_redo() -> None:
    error = errors.TargetDisconnectedError("closed", OSError())
    assert not is_retryable(error)
    assert is_retryable(error, redo=True)


def test_official_retryable_markers_are_kept() -> None:
    for name, cls in inspect.getmembers(official, inspect.isclass):
        if getattr(cls, "retryable", False):
            assert is_retryable(getattr(errors, name)()), name


def test_retryability_of_client_side_errors() -> None:
    assert is_retryable(errors.InvocationMightContainCompactDataError())
    assert is_retryable(errors.HazelcastInstanceNotActiveError())
    assert not is_retryable(errors.ClientNotActiveError())
    assert not is_retryable(errors.ClientOfflineError())
    assert not is_retryable(errors.OperationTimeoutError())
    assert not is_retryable(errors.HazelcastIOError())
    assert not is_retryable(OSError("not translated"))
    assert not is_retryable(ValueError())


def test_subclasses_inherit_retryability() -> None:
    class Mine(errors.PartitionMigratingError):
        pass

    assert is_retryable(Mine())
