"""Real Hazelcast members for tests: fetch the jar, write a config, run and watch the JVMs.

Every member is a separate ``java`` process running
``com.hazelcast.core.server.HazelcastMemberStarter`` from the official
``com.hazelcast:hazelcast`` jar with a generated XML config, bound to 127.0.0.1 on a port
of its own. Its stdout and stderr go to a log file, and the log is what the harness
watches: a member is ready when it has logged ``is STARTED`` and its port accepts a TCP
connection, and the cluster has size N when every member's latest ``Members {size:N, ...}``
block says N.

The blocking parts (launching, signalling, reading logs, connecting to a port) are plain
synchronous calls, which take microseconds to milliseconds. The waiting parts are written
once, as generators that yield how long to sleep before they poll again; the async API
drives them with :func:`anyio.sleep` and :func:`anyio.current_time`, the sync API with
:func:`time.sleep` and :func:`time.monotonic`. Because the async API takes its deadlines
from the event loop's clock, do not combine it with a virtual clock such as Trio's
``autojump_clock``: real JVMs do not run on virtual time.

Member processes never outlive the Python process that started them: leaving
:func:`start_cluster` or :func:`start_cluster_sync` stops them, an :mod:`atexit` handler
kills whatever is still running when the interpreter exits, and on Linux members started
from the main thread get a parent-death signal (``setpriv --pdeathsig KILL``), so that they
die with the Python process even when it is killed.

Objects of this module are not thread-safe; use a cluster from one thread (or one event
loop) at a time.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import functools
import hashlib
import logging
import os
import pwd
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Protocol, TypeVar
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

import anyio
import anyio.to_thread

__all__ = [
    "DEFAULT_MEMBER_VERSION",
    "Cluster",
    "ClusterFactory",
    "Member",
    "MemberError",
    "MemberTimeoutError",
    "compile_java",
    "ensure_member_jar",
    "maven_repository",
    "member_config_xml",
    "member_version",
    "start_cluster",
    "start_cluster_sync",
]

_log = logging.getLogger(__name__)

DEFAULT_MEMBER_VERSION = "5.5.0"
"""The member version used when neither an argument nor ``HZTRIO_MEMBER_VERSION`` names one."""

HOST = "127.0.0.1"
MAIN_CLASS = "com.hazelcast.core.server.HazelcastMemberStarter"
KEEP_LOGS_ENV = "HZTRIO_KEEP_MEMBER_LOGS"
VERSION_ENV = "HZTRIO_MEMBER_VERSION"
MAVEN_REPO_ENV = "HZTRIO_MAVEN_REPO"

_POLL_INTERVAL = 0.05
_DEFAULT_GRACE = 5.0
_REAP_TIMEOUT = 10.0
_STOP_MARGIN = 15.0
_ERROR_TAIL_LINES = 40
_MAX_PORT_ATTEMPTS = 3
_MAX_LOG_SNAPSHOT = 2 * 1024 * 1024
_MAVEN_TIMEOUT = 900.0
_JAVAC_TIMEOUT = 300.0

# The flags Hazelcast's own start scripts pass on Java 9+ so that it can reach JDK internals
# without "illegal reflective access" warnings.
_MODULE_FLAGS = (
    "--add-modules",
    "java.se",
    "--add-exports",
    "java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens",
    "java.base/java.lang=ALL-UNNAMED",
    "--add-opens",
    "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens",
    "java.management/sun.management=ALL-UNNAMED",
    "--add-opens",
    "jdk.management/com.sun.management.internal=ALL-UNNAMED",
)

# One line per record (a multi-line message such as the member list keeps its own line
# breaks), with milliseconds, so that a log tail reads well in a test report.
_LOG_FORMAT = "%1$tH:%1$tM:%1$tS.%1$tL %4$s %3$s: %5$s%6$s%n"

_CONFIG_NAMESPACE = "http://www.hazelcast.com/schema/config"
_DISCOVERY_PROPERTY = "hazelcast.discovery.enabled"

_DEFAULT_PROPERTIES: dict[str, str] = {
    "hazelcast.phone.home.enabled": "false",
    "hazelcast.shutdownhook.enabled": "false",
    "hazelcast.socket.bind.any": "false",
    "hazelcast.heartbeat.interval.seconds": "1",
    "hazelcast.max.no.heartbeat.seconds": "8",
    "hazelcast.merge.first.run.delay.seconds": "5",
    "hazelcast.merge.next.run.delay.seconds": "5",
    "hazelcast.wait.seconds.before.join": "0",
    "hazelcast.health.monitoring.level": "OFF",
}

_STARTED_RE = re.compile(r"\bis STARTED\s*$")
_MEMBERS_RE = re.compile(r"\bMembers \{size:(\d+), ver:(\d+)\}")
_PORT_IN_USE_RE = re.compile(r"Port \[\d+\] is already in use")
_VERSION_RE = re.compile(r"^(\d+)\.(\d+)(?:[.\-][0-9A-Za-z.\-]*)?$")
_SAFE_NAME_RE = re.compile(r"[^A-Za-z0-9_.-]")
_ARTIFACT_RE = re.compile(r"hazelcast(-[a-z0-9]+)*")

T = TypeVar("T")

# Poll steps: a generator that yields the number of seconds to sleep before it is resumed,
# and returns its result. Driven by _drive_sync or _drive_async.
_Steps = Generator[float, None, T]
_Clock = Callable[[], float]


class MemberError(RuntimeError):
    """A member process failed to start, exited, or could not be fetched or configured.

    The message includes the tail of the relevant member logs.
    """


class MemberTimeoutError(MemberError, TimeoutError):
    """A member or the cluster did not reach the expected state before the deadline."""


# --------------------------------------------------------------------------------------
# Versions, jar, compiled Java classes
# --------------------------------------------------------------------------------------


def member_version() -> str:
    """The member version to test against: ``$HZTRIO_MEMBER_VERSION`` or ``"5.5.0"``."""
    return os.environ.get(VERSION_ENV, "").strip() or DEFAULT_MEMBER_VERSION


def _major_minor(version: str) -> tuple[int, int]:
    match = _VERSION_RE.match(version)
    if match is None:
        raise ValueError(f"not a Hazelcast version: {version!r}")
    return int(match.group(1)), int(match.group(2))


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hztrio"


def maven_repository() -> Path:
    """The local Maven repository the member jars are kept in.

    ``$HZTRIO_MAVEN_REPO`` if set, else ``~/.m2/repository`` of the user's home directory
    as Java sees it (from the password database, not ``$HOME``: that is where ``mvn``
    looks, and test tools such as pytester change ``$HOME``).
    """
    configured = os.environ.get(MAVEN_REPO_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    try:
        home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    except (KeyError, OSError):
        home = Path.home()
    return home / ".m2" / "repository"


def _jar_path(version: str, artifact: str = "hazelcast") -> Path:
    return (
        maven_repository() / "com" / "hazelcast" / artifact / version / f"{artifact}-{version}.jar"
    )


def _member_artifacts(version: str, sql: bool) -> list[str]:
    """The artifacts a member runs from: the member jar, and on 5.x the SQL module."""
    major, _minor = _major_minor(version)
    return ["hazelcast", "hazelcast-sql"] if sql and major >= 5 else ["hazelcast"]


def _tool(name: str) -> str:
    """The path of a JDK or build tool, from ``$JAVA_HOME/bin`` first, then ``$PATH``."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home and name in ("java", "javac"):
        candidate = Path(java_home) / "bin" / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise MemberError(f"{name!r} was not found on PATH; it is needed to run Hazelcast members")
    return found


def ensure_member_jar(version: str | None = None, *, artifact: str = "hazelcast") -> Path:
    """Return the path of the ``com.hazelcast:hazelcast`` jar, fetching it if needed.

    ``artifact`` names another jar of the ``com.hazelcast`` group of the same version,
    e.g. ``"hazelcast-sql"``, the SQL module, which 5.x members need to run SQL.

    The jar is looked up in the local Maven repository (:func:`maven_repository`:
    ``~/.m2/repository/com/hazelcast/hazelcast/<v>/hazelcast-<v>.jar`` by default); if it
    is missing it is fetched into that repository with ``mvn -q -B dependency:get``, which
    can take a couple of minutes the first time. Concurrent calls, from threads or
    processes, are serialised with a file lock so that Maven runs at most once per version.

    This call blocks; from async code run it in a worker thread (:func:`start_cluster`
    does).

    Raises:
        MemberError: Maven is missing or failed; the message holds Maven's output.
        ValueError: ``version`` is not a Hazelcast version number.
    """
    version = version or member_version()
    _major_minor(version)
    if _ARTIFACT_RE.fullmatch(artifact) is None:
        raise ValueError(f"not a Hazelcast artifact: {artifact!r}")
    jar = _jar_path(version, artifact)
    if jar.is_file():
        return jar
    # The lock sits next to what it protects, so that every process that shares the
    # repository shares the lock.
    lock_path = jar.parent.parent / f".hztrio-fetch-{version}.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            if jar.is_file():  # fetched by whoever held the lock before us
                return jar
            command = [
                _tool("mvn"),
                "-q",
                "-B",
                "dependency:get",
                f"-Dartifact=com.hazelcast:{artifact}:{version}",
                "-Dtransitive=false",
                f"-Dmaven.repo.local={maven_repository()}",
            ]
            _log.info("fetching Hazelcast %s: %s", version, " ".join(command))
            try:
                result = subprocess.run(
                    command,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    timeout=_MAVEN_TIMEOUT,
                    check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise MemberError(
                    f"fetching com.hazelcast:{artifact}:{version} with Maven took more than "
                    f"{_MAVEN_TIMEOUT:.0f} s"
                ) from exc
            output = result.stdout.decode("utf-8", "replace").strip()
            if result.returncode != 0 or not jar.is_file():
                raise MemberError(
                    f"could not fetch com.hazelcast:{artifact}:{version} with Maven "
                    f"(exit code {result.returncode}); {' '.join(command)} said:\n"
                    f"{output or '(no output)'}"
                )
            return jar
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def compile_java(sources: Sequence[Path | str], *, version: str | None = None) -> Path:
    """Compile Java source files against the member jar and return the classes directory.

    The classes go to a cache directory (``~/.cache/hztrio/java/<hash>``, honouring
    ``$XDG_CACHE_HOME``) named after a hash of the member version and the sources' file
    names and contents, so a second call with the same sources returns at once. Put the
    returned directory on a member's classpath (``start_cluster(classpath=[...])``).

    This call blocks (``javac`` takes a second or two, and the jar may have to be fetched).

    Raises:
        MemberError: ``javac`` is missing or rejected the sources; the message holds its
            output.
        ValueError: no sources were given.
    """
    paths = [Path(source) for source in sources]
    if not paths:
        raise ValueError("compile_java() needs at least one source file")
    version = version or member_version()
    digest = hashlib.sha256()
    digest.update(f"hazelcast {version}\0".encode())
    contents = sorted((path.name, path.read_bytes()) for path in paths)
    for name, content in contents:
        digest.update(name.encode() + b"\0")
        digest.update(len(content).to_bytes(8, "big") + content)
    jar = ensure_member_jar(version)
    root = _cache_dir() / "java"
    target = root / digest.hexdigest()[:32]
    if target.is_dir():
        return target
    root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=root))
    try:
        command = [
            _tool("javac"),
            "-encoding",
            "UTF-8",
            "-proc:none",
            "-nowarn",
            "-cp",
            str(jar),
            "-d",
            str(scratch),
            *(str(path) for path in paths),
        ]
        try:
            result = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=_JAVAC_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise MemberError(f"javac took more than {_JAVAC_TIMEOUT:.0f} s") from exc
        if result.returncode != 0:
            output = result.stdout.decode("utf-8", "replace").strip()
            raise MemberError(
                f"javac failed (exit code {result.returncode}) compiling "
                f"{', '.join(str(path) for path in paths)}:\n{output}"
            )
        try:
            scratch.rename(target)  # atomic: the target exists only when it is complete
        except OSError:
            if not target.is_dir():  # not a concurrent compile that got there first
                raise
        return target
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# --------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------


def _property_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def member_config_xml(
    *,
    cluster_name: str,
    port: int,
    addresses: Sequence[str],
    version: str | None = None,
    backup_count: int = 1,
    properties: Mapping[str, object] | None = None,
    extra_config: str = "",
    discovery_strategies: str = "",
) -> str:
    """The XML config of one loopback member, as the harness writes it.

    The member binds 127.0.0.1:``port`` (no auto-increment), joins over tcp-ip with
    ``addresses`` (multicast and, on 5.x, auto-detection off), gives every map
    ``backup_count`` backups by default, enables Jet on 5.x (so that SQL works), and sets
    the harness's default properties (fast heartbeats and failure detection, no phone-home,
    no shutdown hook) overridden by ``properties``.

    ``extra_config`` is inserted verbatim at the end of the ``<hazelcast>`` element. It must
    not repeat the elements written here that may occur once (``cluster-name``,
    ``properties``, ``network``, ``jet``) nor ``<map name="default">``; use the
    ``properties`` and ``backup_count`` arguments for those.

    ``discovery_strategies`` makes the member join through the Discovery SPI instead of
    tcp-ip: one or more ``<discovery-strategy class="..." enabled="true">`` elements (with
    their ``<properties>``), as XML text, written inside ``<join><discovery-strategies>``
    (the member silently ignores a strategy without ``enabled="true"``). The tcp-ip join
    is then written disabled (Hazelcast refuses two enabled join methods) but still lists
    ``addresses``, where a test strategy can read the cluster's members from the config
    file (the ``hazelcast.config`` system property names it); and the property
    ``hazelcast.discovery.enabled``, without which the member ignores the strategies, is
    set to ``true`` (``properties`` may not set it to anything else). The strategies'
    classes and their
    ``META-INF/services/com.hazelcast.spi.discovery.DiscoveryStrategyFactory`` resource
    must be on the member classpath (``classpath`` of :func:`start_cluster`). Empty (the
    default): tcp-ip, and the config does not change at all.

    Raises:
        ValueError: an unsupported version, ``backup_count`` out of range, or
            ``discovery_strategies`` that is not well-formed XML made of
            ``<discovery-strategy>`` elements with a ``class``, at least one of them
            ``enabled="true"``.
    """
    version = version or member_version()
    major, _minor = _major_minor(version)
    if major < 4:
        raise ValueError(f"Hazelcast {version} is not supported (4.x and 5.x are)")
    if not 0 <= backup_count <= 6:
        raise ValueError(f"backup_count must be between 0 and 6, not {backup_count}")
    discovery = discovery_strategies.strip()
    if discovery:
        _check_discovery_strategies(discovery)
    merged = dict(_DEFAULT_PROPERTIES)
    if discovery:
        merged[_DISCOVERY_PROPERTY] = "true"
    for name, value in (properties or {}).items():
        merged[name] = _property_text(value)
    if discovery and merged[_DISCOVERY_PROPERTY].strip().lower() != "true":
        raise ValueError(
            f"discovery_strategies need the property {_DISCOVERY_PROPERTY}=true, "
            f"not {merged[_DISCOVERY_PROPERTY]!r}"
        )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<hazelcast xmlns="http://www.hazelcast.com/schema/config">',
        f"  <cluster-name>{escape(cluster_name)}</cluster-name>",
        "  <properties>",
        *(
            f"    <property name={quoteattr(name)}>{escape(value)}</property>"
            for name, value in merged.items()
        ),
        "  </properties>",
        "  <network>",
        f'    <port auto-increment="false">{port}</port>',
        "    <reuse-address>true</reuse-address>",
        "    <join>",
        # auto-detection exists from 4.1 on, but it is off anyway when tcp-ip is enabled
        *(['      <auto-detection enabled="false"/>'] if major >= 5 else []),
        '      <multicast enabled="false"/>',
        f'      <tcp-ip enabled="{"false" if discovery else "true"}">',
        *(f"        <member>{escape(address)}</member>" for address in addresses),
        "      </tcp-ip>",
        *(
            [
                "      <discovery-strategies>",
                *("        " + line for line in discovery.splitlines()),
                "      </discovery-strategies>",
            ]
            if discovery
            else []
        ),
        "    </join>",
        '    <interfaces enabled="true">',
        f"      <interface>{HOST}</interface>",
        "    </interfaces>",
        "  </network>",
        '  <map name="default">',
        f"    <backup-count>{backup_count}</backup-count>",
        "  </map>",
        *(['  <jet enabled="true"/>'] if major >= 5 else []),
        *(["  " + extra_config.strip()] if extra_config.strip() else []),
        "</hazelcast>",
        "",
    ]
    return "\n".join(lines)


def _check_discovery_strategies(text: str) -> None:
    """Raise ValueError unless ``text`` is ``<discovery-strategy>`` elements, at least one
    of them with ``enabled="true"``."""
    try:
        root = ElementTree.fromstring(
            f'<discovery-strategies xmlns="{_CONFIG_NAMESPACE}">{text}</discovery-strategies>'
        )
    except ElementTree.ParseError as exc:
        raise ValueError(f"discovery_strategies is not well-formed XML: {exc}") from None
    if (root.text or "").strip() or any((child.tail or "").strip() for child in root):
        raise ValueError("discovery_strategies may hold only <discovery-strategy> elements")
    tag = f"{{{_CONFIG_NAMESPACE}}}discovery-strategy"
    for child in root:
        if child.tag != tag:
            name = child.tag.rpartition("}")[2]
            raise ValueError(
                f"discovery_strategies may hold only <discovery-strategy> elements, not <{name}>"
            )
        if not child.get("class", "").strip():
            raise ValueError("every <discovery-strategy> needs a class attribute")
    # The member reads a missing enabled attribute as false, and ignores such a strategy.
    if not any(child.get("enabled", "").strip().lower() == "true" for child in root):
        raise ValueError(
            'discovery_strategies has no <discovery-strategy enabled="true"> (the member '
            "ignores a strategy without it)"
        )


def _heap_bytes(heap: str) -> int:
    match = re.fullmatch(r"(\d+)([kKmMgG]?)", heap)
    if match is None:
        raise ValueError(f"heap must look like '256m' or '1g', not {heap!r}")
    scale = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[match.group(2).lower()]
    return int(match.group(1)) * scale


# --------------------------------------------------------------------------------------
# Ports
# --------------------------------------------------------------------------------------

_port_lock = threading.Lock()
_handed_out_ports: set[int] = set()


def _ephemeral_port_floor() -> int:
    try:
        text = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text()
        return int(text.split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def _can_bind(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def _pick_port() -> int:
    """A loopback port nobody is listening on, never handed out before by this process.

    Ports are picked below the kernel's ephemeral range when possible, so that the
    outgoing connections of members that are starting at the same moment cannot take
    them before the member binds them.
    """
    floor = _ephemeral_port_floor()
    with _port_lock:
        if floor > 11000:
            for _ in range(500):
                port = random.randrange(10000, floor)
                if port not in _handed_out_ports and _can_bind(port):
                    _handed_out_ports.add(port)
                    return port
        for _ in range(100):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                probe.bind((HOST, 0))
                port = int(probe.getsockname()[1])
            if port not in _handed_out_ports:
                _handed_out_ports.add(port)
                return port
    raise MemberError("could not find a free loopback port for a member")


def _death_signal_prefix() -> list[str]:
    """``setpriv --pdeathsig KILL --`` where it works, so that the kernel kills a member
    when the Python process dies, even by SIGKILL (which no atexit handler survives).

    The kernel sends the signal when the *thread* that started the child exits, so this is
    used only for members started from the main thread.
    """
    if threading.current_thread() is not threading.main_thread():
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--"] if setpriv is not None else []


def _port_accepts(port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


# --------------------------------------------------------------------------------------
# Process registry (the atexit safety net)
# --------------------------------------------------------------------------------------

_live_lock = threading.Lock()
_live_processes: set[subprocess.Popen[bytes]] = set()
_live_clusters: set[Cluster] = set()  # open clusters; a cluster leaves when closed


def _register_process(process: subprocess.Popen[bytes]) -> None:
    with _live_lock:
        _live_processes.add(process)


def _forget_process(process: subprocess.Popen[bytes]) -> None:
    with _live_lock:
        _live_processes.discard(process)


@atexit.register
def _kill_leftovers() -> None:
    with _live_lock:
        clusters = list(_live_clusters)
    for cluster in clusters:
        with contextlib.suppress(Exception):
            cluster._force_close()
    with _live_lock:
        processes = list(_live_processes)
        _live_processes.clear()
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(OSError):
                process.kill()
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=2.0)


# --------------------------------------------------------------------------------------
# Drivers of poll steps
# --------------------------------------------------------------------------------------


def _drive_sync(steps: _Steps[T]) -> T:
    try:
        while True:
            try:
                delay = next(steps)
            except StopIteration as stop:
                result: T = stop.value
                return result
            time.sleep(delay)
    finally:
        steps.close()


async def _drive_async(steps: _Steps[T]) -> T:
    try:
        while True:
            try:
                delay = next(steps)
            except StopIteration as stop:
                result: T = stop.value
                return result
            await anyio.sleep(delay)
    finally:
        steps.close()


# --------------------------------------------------------------------------------------
# Logs
# --------------------------------------------------------------------------------------


class _LogScanner:
    """Follows one incarnation of a member log from a byte offset on."""

    def __init__(self, path: Path, offset: int) -> None:
        self._path = path
        self._offset = offset
        self._position = offset
        self._partial = b""
        self.started = False
        self.cluster_size: int | None = None
        self.port_in_use = False

    def scan(self) -> None:
        try:
            with open(self._path, "rb") as log_file:
                log_file.seek(self._position)
                data = log_file.read()
        except FileNotFoundError:
            return
        if not data:
            return
        self._position += len(data)
        *lines, self._partial = (self._partial + data).split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip()
            if _STARTED_RE.search(line):
                self.started = True
            elif (match := _MEMBERS_RE.search(line)) is not None:
                self.cluster_size = int(match.group(1))
            elif _PORT_IN_USE_RE.search(line):
                self.port_in_use = True

    def text(self) -> str:
        try:
            with open(self._path, "rb") as log_file:
                log_file.seek(self._offset)
                return log_file.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.rstrip("\n").splitlines()[-lines:])


def _error_tail(text: str, lines: int = _ERROR_TAIL_LINES) -> str:
    """The last lines of a log, without Java stack frames (the log file keeps them)."""
    kept = [line for line in text.rstrip("\n").splitlines() if not line.startswith("\tat ")]
    return "\n".join(kept[-lines:])


# --------------------------------------------------------------------------------------
# Members
# --------------------------------------------------------------------------------------


def _wait_stopped(pid: int, timeout: float = 5.0) -> None:
    """Wait (briefly, synchronously) until every thread of *pid* is in the stopped state."""
    deadline = time.monotonic() + timeout
    task_dir = Path(f"/proc/{pid}/task")
    while time.monotonic() < deadline:
        try:
            states = [
                (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
                for task in task_dir.iterdir()
            ]
        except (OSError, IndexError):
            return  # not Linux, or the process is gone: nothing more to wait for
        if all(state in ("T", "t") for state in states):
            return
        time.sleep(0.001)


class Member:
    """One member process of a :class:`Cluster` (create members through the cluster).

    Attributes:
        host: Always ``"127.0.0.1"``.
        port: The member's port (it keeps it across :meth:`restart`).
        address: ``"127.0.0.1:<port>"``, as a client's ``cluster_members`` wants it.
        name: ``"member-<index>"``, the stem of its log and config file names.
        log_path: The member's log file (stdout and stderr of every incarnation).
        config_path: The member's XML config file.
    """

    def __init__(self, cluster: Cluster, index: int, port: int) -> None:
        self._cluster = cluster
        self.name = f"member-{index}"
        self.host = HOST
        self.port = port
        self.log_path = cluster.directory / f"{self.name}.log"
        self.config_path = cluster.directory / f"{self.name}.xml"
        self._process: subprocess.Popen[bytes] | None = None
        self._scanner = _LogScanner(self.log_path, 0)
        self._port_checked = False
        self._suspended = False
        self._port_attempts = 1
        self._saved_log: str | None = None

    def __repr__(self) -> str:
        state = "running" if self.is_running() else "stopped"
        return f"<Member {self.address} pid={self.pid} {state}>"

    @property
    def address(self) -> str:
        """``"127.0.0.1:<port>"``."""
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        """The process id of the member's current (or last) JVM; 0 before its first start."""
        return self._process.pid if self._process is not None else 0

    @property
    def cluster(self) -> Cluster:
        """The cluster this member belongs to."""
        return self._cluster

    @property
    def suspended(self) -> bool:
        """Whether the member has been :meth:`suspend`-ed and not resumed."""
        return self._suspended and self.is_running()

    def is_running(self) -> bool:
        """Whether the member's JVM process is alive (a suspended process counts as alive)."""
        process = self._process
        if process is None:
            return False
        if process.poll() is None:
            return True
        _forget_process(process)
        return False

    def kill(self) -> None:
        """Kill the member's JVM with SIGKILL and reap it (no-op if it is not running).

        The other members notice the closed connections at once and drop the member
        from the cluster shortly after; :meth:`Cluster.wait_size` waits for that.
        """
        self._send_kill()
        self._reap()

    def terminate(self, grace: float = _DEFAULT_GRACE) -> None:
        """Stop the JVM with SIGTERM, and SIGKILL it if it is alive after ``grace`` seconds.

        Blocks until the process is gone (at most ``grace`` seconds plus the time to reap
        it). Members run without Hazelcast's shutdown hook, so SIGTERM ends the JVM at
        once, without a graceful leave; a suspended member is resumed so that it can.
        """
        _drive_sync(self._stop_steps(grace, time.monotonic))

    def suspend(self) -> None:
        """Freeze the JVM with SIGSTOP: its port still accepts connections, but nothing
        answers, and the other members drop it after ``hazelcast.max.no.heartbeat.seconds``.

        Returns once every thread of the JVM is stopped (a signal takes effect when the
        process is next scheduled, so a busy JVM could otherwise still answer a moment).
        """
        if self.is_running() and self._process is not None:
            self._note(f"suspending pid {self._process.pid} (SIGSTOP)")
            self._process.send_signal(signal.SIGSTOP)
            self._suspended = True
            _wait_stopped(self._process.pid)

    def resume(self) -> None:
        """Let a suspended JVM run again with SIGCONT."""
        if self.is_running() and self._process is not None:
            self._note(f"resuming pid {self._process.pid} (SIGCONT)")
            self._process.send_signal(signal.SIGCONT)
        self._suspended = False

    def read_log(self) -> str:
        """The member's whole log so far, from its first start (all incarnations)."""
        if self._saved_log is not None:
            return self._saved_log
        try:
            return self.log_path.read_bytes().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    async def restart(
        self,
        *,
        kill: bool = False,
        grace: float = _DEFAULT_GRACE,
        timeout: float | None = None,  # noqa: ASYNC109 (a failure that shows the logs)
    ) -> None:
        """Stop the member if it is running, start it again, and wait until it is ready.

        The member is stopped with SIGTERM (SIGKILL after ``grace`` seconds), or with
        SIGKILL at once if ``kill`` is true; then it is started on the same port with the
        same settings (its tcp-ip list names every member of the cluster), and this waits
        until it has started, accepts connections, and every running member reports the
        same cluster size (the number of running, unsuspended members). The log file is
        appended to.

        If cancelled, the member is left in whatever state it reached (stopped, or started
        but perhaps not yet part of the cluster); it is still stopped with its cluster.

        Raises:
            MemberError: the member exited before it was ready, or the cluster is closed.
            MemberTimeoutError: it was not ready within ``timeout`` seconds (default: the
                cluster's ``startup_timeout``).
        """
        self._cluster._check_open()
        await _drive_async(self._restart_steps(kill, grace, timeout, anyio.current_time))

    # -- internals ------------------------------------------------------------------------

    def _note(self, event: str) -> None:
        """Append a line about what the harness did to the member log."""
        now = time.time()
        stamp = time.strftime("%H:%M:%S", time.localtime(now)) + f".{int(now % 1 * 1000):03d}"
        with contextlib.suppress(OSError), open(self.log_path, "ab") as log_file:
            log_file.write(f"---- hztrio {stamp}: {event}\n".encode())

    def _launch(self) -> None:
        cluster = self._cluster
        cluster._check_open()
        self.config_path.write_text(cluster._config_for(self), encoding="utf-8")
        command = cluster._command_for(self)
        self._note(f"starting {self.name} at {self.address}: {' '.join(command)}")
        with open(self.log_path, "ab") as log_file:
            offset = log_file.tell()
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                cwd=cluster.directory,
                close_fds=True,
            )
        _register_process(process)
        self._process = process
        self._scanner = _LogScanner(self.log_path, offset)
        self._port_checked = False
        self._suspended = False
        self._saved_log = None

    def _is_active(self) -> bool:
        return self.is_running() and not self._suspended

    def _is_ready(self) -> bool:
        """Started according to the log, and the port accepts connections."""
        self._scanner.scan()
        if not self._scanner.started:
            return False
        if not self._port_checked:
            self._port_checked = _port_accepts(self.port)
        return self._port_checked

    def _send_terminate(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        self._note(f"terminating pid {process.pid} (SIGTERM)")
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
            if self._suspended:
                process.send_signal(signal.SIGCONT)

    def _send_kill(self) -> None:
        process = self._process
        if process is None or process.poll() is not None:
            return
        self._note(f"killing pid {process.pid} (SIGKILL)")
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGKILL)

    def _reap(self) -> None:
        """Wait (briefly: it has been sent SIGKILL) for the process to be gone."""
        process = self._process
        if process is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=_REAP_TIMEOUT)
        if process.poll() is not None:
            self._suspended = False
            _forget_process(process)

    def _stop_steps(self, grace: float, clock: _Clock) -> _Steps[None]:
        if not self.is_running():
            return
        if grace > 0:
            self._send_terminate()
            deadline = clock() + grace
            while self.is_running() and clock() < deadline:
                yield _POLL_INTERVAL
        self._send_kill()
        deadline = clock() + _REAP_TIMEOUT
        while self.is_running() and clock() < deadline:
            yield _POLL_INTERVAL
        self._suspended = False

    def _restart_steps(
        self, kill: bool, grace: float, timeout: float | None, clock: _Clock
    ) -> _Steps[None]:
        yield from self._stop_steps(0.0 if kill else grace, clock)
        cluster = self._cluster
        deadline = clock() + (cluster.startup_timeout if timeout is None else timeout)
        self._launch()
        yield from cluster._ready_steps([self], deadline, clock, may_move=False)

    def _describe(self) -> str:
        scanner = self._scanner
        scanner.scan()
        process = self._process
        if process is None:
            state = "never started"
        elif process.poll() is None:
            state = f"running (pid {process.pid}{', suspended' if self._suspended else ''})"
        else:
            state = f"exited with code {process.returncode}"
        size = "none yet" if scanner.cluster_size is None else str(scanner.cluster_size)
        return (
            f"{self.name} {self.address}: {state}, started={scanner.started}, "
            f"last reported cluster size {size}; log {self.log_path}"
        )

    def _failure_report(self) -> str:
        return f"{self._describe()}\n{_error_tail(self._scanner.text())}"

    def _save_log(self) -> None:
        if self._saved_log is not None:
            return
        try:
            with open(self.log_path, "rb") as log_file:
                log_file.seek(0, os.SEEK_END)
                size = log_file.tell()
                log_file.seek(max(0, size - _MAX_LOG_SNAPSHOT))
                data = log_file.read()
        except FileNotFoundError:
            data = b""
        self._saved_log = data.decode("utf-8", "replace")


# --------------------------------------------------------------------------------------
# Clusters
# --------------------------------------------------------------------------------------


class Cluster:
    """A set of member processes that share a cluster name, a config and a log directory.

    Create it with :func:`start_cluster` (async) or :func:`start_cluster_sync`, which stop
    it on exit. ``members`` keeps every member ever started, in order, including ones that
    were killed; ``members[0]`` is the master of a freshly started cluster.
    """

    def __init__(
        self,
        *,
        cluster_name: str,
        version: str,
        jars: Sequence[Path],
        backup_count: int,
        extra_config: str,
        properties: Mapping[str, object],
        system_properties: Mapping[str, object],
        jvm_args: Sequence[str],
        classpath: Sequence[Path | str],
        heap: str,
        startup_timeout: float,
        discovery_strategies: str = "",
    ) -> None:
        self.cluster_name = cluster_name
        self.version = version
        self.jars = tuple(jars)
        self.backup_count = backup_count
        self.extra_config = extra_config
        self.discovery_strategies = discovery_strategies
        self.properties = dict(properties)
        self.system_properties = dict(system_properties)
        self.jvm_args = tuple(jvm_args)
        # absolute: the JVMs run in the cluster directory, not in the caller's
        self.classpath = tuple(Path(entry).absolute() for entry in classpath)
        self.heap = heap
        self.startup_timeout = startup_timeout
        self.members: list[Member] = []
        self.keep_logs = bool(os.environ.get(KEEP_LOGS_ENV))
        self.directory = Path(
            tempfile.mkdtemp(prefix=f"hztrio-{_SAFE_NAME_RE.sub('_', cluster_name)}-")
        )
        self._closed = False
        with _live_lock:
            _live_clusters.add(self)

    def __repr__(self) -> str:
        return f"<Cluster {self.cluster_name!r} {self.version} members={self.addresses}>"

    @property
    def addresses(self) -> list[str]:
        """The addresses of all members, in order (including stopped ones)."""
        return [member.address for member in self.members]

    @property
    def closed(self) -> bool:
        """Whether :meth:`stop` has run; a closed cluster cannot start members."""
        return self._closed

    def running_members(self) -> list[Member]:
        """The members whose process is alive (suspended ones included)."""
        return [member for member in self.members if member.is_running()]

    async def start_member(
        self,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 (a failure that shows the logs)
    ) -> Member:
        """Start one more member, which joins the running cluster, and wait until it is ready.

        Its tcp-ip list holds the addresses of all members. This waits until it has started,
        accepts connections, and every running, unsuspended member reports the new size.

        If cancelled, the new member is left running (it may not have joined yet); it is
        in ``members`` and is stopped with the cluster.

        Raises:
            MemberError: the member exited before it was ready, or the cluster is closed.
            MemberTimeoutError: not ready within ``timeout`` seconds (default: the
                cluster's ``startup_timeout``).
        """
        self._check_open()
        started = await _drive_async(self._start_steps(1, timeout, anyio.current_time))
        return started[0]

    async def wait_size(
        self,
        size: int,
        *,
        timeout: float = 60.0,  # noqa: ASYNC109 (a failure that shows the logs)
    ) -> None:
        """Wait until every running, unsuspended member reports a cluster of ``size`` members.

        A member's view is the last ``Members {size:N, ...}`` block in its log. After a
        :meth:`Member.kill` the survivors report the smaller size within a second or so;
        after a :meth:`Member.suspend` only after ``hazelcast.max.no.heartbeat.seconds``.

        The ``timeout`` gives a failure that shows the member logs; an enclosing cancel
        scope works as well. If cancelled, nothing is changed.

        Raises:
            MemberTimeoutError: not reached within ``timeout`` seconds.
        """
        await _drive_async(self._size_steps(size, timeout, anyio.current_time))

    def stop(self, grace: float = _DEFAULT_GRACE) -> None:
        """Stop every member (SIGTERM, SIGKILL after ``grace`` seconds) and close the cluster.

        Blocks until the processes are gone. Then the log directory is deleted, unless
        ``$HZTRIO_KEEP_MEMBER_LOGS`` is set; :meth:`member_logs` still works afterwards.
        Calling it again does nothing.
        """
        _drive_sync(self._stop_steps(grace, time.monotonic))

    def kill_all(self) -> None:
        """SIGKILL every running member at once; the cluster stays open, members can be
        restarted."""
        for member in self.members:
            member._send_kill()
        for member in self.members:
            member._reap()

    def member_logs(self) -> dict[str, str]:
        """Each member's whole log, by address."""
        return {member.address: member.read_log() for member in self.members}

    # -- internals ------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise MemberError(f"cluster {self.cluster_name!r} has been stopped")

    def _config_for(self, member: Member) -> str:
        return member_config_xml(
            cluster_name=self.cluster_name,
            port=member.port,
            addresses=self.addresses,
            version=self.version,
            backup_count=self.backup_count,
            properties=self.properties,
            extra_config=self.extra_config,
            discovery_strategies=self.discovery_strategies,
        )

    def _command_for(self, member: Member) -> list[str]:
        heap = _heap_bytes(self.heap)
        initial_heap = self.heap if heap < 64 << 20 else "64m"
        classpath = os.pathsep.join(str(entry) for entry in (*self.jars, *self.classpath))
        return [
            *_death_signal_prefix(),
            _tool("java"),
            f"-Xms{initial_heap}",
            f"-Xmx{self.heap}",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Xshare:auto",
            "-XX:-UsePerfData",
            f"-XX:ErrorFile={self.directory / (member.name + '-hs_err_pid%p.log')}",
            "-Djava.net.preferIPv4Stack=true",
            "-Dhazelcast.logging.type=jdk",
            f"-Djava.util.logging.SimpleFormatter.format={_LOG_FORMAT}",
            *_MODULE_FLAGS,
            *(
                f"-D{name}={_property_text(value)}"
                for name, value in self.system_properties.items()
            ),
            f"-Dhazelcast.config={member.config_path}",
            *self.jvm_args,
            "-cp",
            classpath,
            MAIN_CLASS,
        ]

    def _new_member(self) -> Member:
        member = Member(self, len(self.members), _pick_port())
        self.members.append(member)
        return member

    def _start_steps(
        self, count: int, timeout: float | None, clock: _Clock
    ) -> _Steps[list[Member]]:
        deadline = clock() + (self.startup_timeout if timeout is None else timeout)
        had_members = any(member._is_active() for member in self.members)
        new = [self._new_member() for _ in range(count)]
        if not had_members and len(new) > 1:
            # Members that start together spend ~5 s negotiating who is master; joining a
            # running master is quick. So the first one starts alone.
            new[0]._launch()
            yield from self._ready_steps(new[:1], deadline, clock, may_move=True, sizes=False)
            for member in new[1:]:
                member._launch()
        else:
            for member in new:
                member._launch()
        yield from self._ready_steps(new, deadline, clock, may_move=True)
        return new

    def _ready_steps(
        self,
        starting: Sequence[Member],
        deadline: float,
        clock: _Clock,
        *,
        may_move: bool,
        sizes: bool = True,
    ) -> _Steps[None]:
        """Wait until ``starting`` members are ready and, if ``sizes``, the cluster agrees.

        A member that exits because its port was taken meanwhile is moved to a new port
        and launched again if ``may_move``; any other exit fails at once.
        """
        while True:
            for member in starting:
                if member.is_running():
                    continue
                member._scanner.scan()
                if (
                    may_move
                    and member._scanner.port_in_use
                    and member._port_attempts < _MAX_PORT_ATTEMPTS
                ):
                    _log.info("port %d was taken; moving %s", member.port, member.name)
                    member._port_attempts += 1
                    member.port = _pick_port()
                    member._launch()
                    continue
                raise MemberError(
                    f"{member.name} of cluster {self.cluster_name!r} exited before it was "
                    f"ready:\n{member._failure_report()}"
                )
            ready = all([member._is_ready() for member in starting])
            if ready and not sizes:
                return
            active = [member for member in self.members if member._is_active()]
            if ready:
                for member in active:
                    member._scanner.scan()
                if all(member._scanner.cluster_size == len(active) for member in active):
                    return
            if clock() >= deadline:
                if ready:
                    what = f"to agree on a cluster of {len(active)} members"
                    waiting = self.running_members()
                else:
                    what = "to start"
                    waiting = list(starting)
                reports = "\n\n".join(member._failure_report() for member in waiting)
                raise MemberTimeoutError(
                    f"timed out waiting for members of cluster {self.cluster_name!r} "
                    f"{what}:\n\n{reports}"
                )
            yield _POLL_INTERVAL

    def _size_steps(self, size: int, timeout: float, clock: _Clock) -> _Steps[None]:
        deadline = clock() + timeout
        while True:
            active = [member for member in self.members if member._is_active()]
            for member in active:
                member._scanner.scan()
            if active and all(member._scanner.cluster_size == size for member in active):
                return
            if clock() >= deadline:
                reports = "\n\n".join(member._failure_report() for member in self.members)
                raise MemberTimeoutError(
                    f"timed out after {timeout} s waiting for cluster {self.cluster_name!r} "
                    f"to have {size} members:\n\n{reports}"
                )
            yield _POLL_INTERVAL

    def _stop_steps(self, grace: float, clock: _Clock) -> _Steps[None]:
        if self._closed:
            return
        running = self.running_members()
        if grace > 0:
            for member in running:
                member._send_terminate()
            deadline = clock() + grace
            while any(member.is_running() for member in running) and clock() < deadline:
                yield _POLL_INTERVAL
        for member in running:
            member._send_kill()
        deadline = clock() + _REAP_TIMEOUT
        while any(member.is_running() for member in running) and clock() < deadline:
            yield _POLL_INTERVAL
        self._force_close()

    def _force_close(self) -> None:
        """Kill whatever still runs and close the cluster, without waiting; idempotent."""
        if self._closed:
            return
        self.kill_all()
        self._closed = True
        with _live_lock:
            _live_clusters.discard(self)
        if self.keep_logs:
            _log.warning("member logs of cluster %r kept in %s", self.cluster_name, self.directory)
            return
        for member in self.members:
            member._save_log()
        shutil.rmtree(self.directory, ignore_errors=True)


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------

_cluster_observers: list[Callable[[Cluster], None]] = []


@contextmanager
def _observe_clusters(callback: Callable[[Cluster], None]) -> Iterator[None]:
    """Call ``callback`` with every cluster created while the context is active."""
    _cluster_observers.append(callback)
    try:
        yield
    finally:
        _cluster_observers.remove(callback)


def _new_cluster(
    *,
    size: int,
    cluster_name: str | None,
    version: str,
    jars: Sequence[Path],
    backup_count: int,
    extra_config: str,
    properties: Mapping[str, object] | None,
    system_properties: Mapping[str, object] | None,
    jvm_args: Sequence[str],
    classpath: Sequence[Path | str],
    heap: str,
    startup_timeout: float,
    discovery_strategies: str = "",
) -> Cluster:
    if size < 1:
        raise ValueError(f"a cluster needs at least one member, not {size}")
    if startup_timeout <= 0:
        raise ValueError(f"startup_timeout must be positive, not {startup_timeout}")
    _heap_bytes(heap)
    cluster_name = cluster_name or f"hztrio-{uuid.uuid4().hex[:12]}"
    # Fail on a bad argument here, before any directory is made or JVM started.
    member_config_xml(
        cluster_name=cluster_name,
        port=0,
        addresses=(),
        version=version,
        backup_count=backup_count,
        properties=properties,
        extra_config=extra_config,
        discovery_strategies=discovery_strategies,
    )
    cluster = Cluster(
        cluster_name=cluster_name,
        version=version,
        jars=jars,
        backup_count=backup_count,
        extra_config=extra_config,
        properties=properties or {},
        system_properties=system_properties or {},
        jvm_args=jvm_args,
        classpath=classpath,
        heap=heap,
        startup_timeout=startup_timeout,
        discovery_strategies=discovery_strategies,
    )
    for observer in list(_cluster_observers):
        observer(cluster)
    return cluster


@asynccontextmanager
async def start_cluster(
    size: int = 1,
    *,
    cluster_name: str | None = None,
    version: str | None = None,
    backup_count: int = 1,
    extra_config: str = "",
    properties: Mapping[str, object] | None = None,
    system_properties: Mapping[str, object] | None = None,
    jvm_args: Sequence[str] = (),
    classpath: Sequence[Path | str] = (),
    heap: str = "256m",
    startup_timeout: float = 120.0,
    sql: bool = True,
    discovery_strategies: str = "",
) -> AsyncIterator[Cluster]:
    """Start a cluster of ``size`` members, wait until it is formed, and stop it on exit.

    ``async with start_cluster(2) as cluster:`` gives a :class:`Cluster` whose members
    have all logged ``is STARTED``, accept TCP connections, and report a cluster of
    ``size`` members. The first member starts alone and becomes the master; the others
    start together as soon as it is up (a few seconds in all).

    Args:
        size: Number of members.
        cluster_name: The cluster name; a unique ``"hztrio-<hex>"`` by default.
        version: Member version; :func:`member_version` by default. The jar is fetched
            with Maven if it is not in ``~/.m2`` yet.
        backup_count: Backup count of ``<map name="default">``.
        extra_config: XML inserted at the end of ``<hazelcast>`` (see
            :func:`member_config_xml` for what it must not repeat).
        properties: Hazelcast properties written to the config; they override the
            harness defaults.
        system_properties: JVM system properties (``-Dname=value``).
        jvm_args: More JVM arguments, placed after the harness's own (so that ``-XX``
            flags here win).
        classpath: Directories or jars appended to the member classpath, e.g. from
            :func:`compile_java`; relative paths are taken from the current directory.
        heap: Maximum heap (``-Xmx``), e.g. ``"256m"``.
        startup_timeout: Seconds to wait for the cluster to form; also the default for
            :meth:`Cluster.start_member` and :meth:`Member.restart`.
        sql: Put the SQL module (``com.hazelcast:hazelcast-sql``, fetched like the member
            jar) on the classpath of 5.x members; without it SQL queries fail with
            "hazelcast-sql module is not on the classpath". It adds ~0.3 s to a start.
        discovery_strategies: ``<discovery-strategy>`` elements as XML text: the members
            join through these Discovery SPI strategies instead of tcp-ip (see
            :func:`member_config_xml`); their classes and ``META-INF/services`` resource
            go on ``classpath``.

    On exit, whether the body returned, raised or was cancelled, every member is stopped
    (SIGTERM, then SIGKILL after a few seconds) in a shielded, time-bounded scope, and the
    log directory is deleted unless ``$HZTRIO_KEEP_MEMBER_LOGS`` is set. If cancelled while
    the members start, they are stopped the same way and the cancellation propagates.

    Raises:
        MemberError: a member exited before it was ready (its log tail is in the message),
            or a jar could not be fetched.
        MemberTimeoutError: the cluster did not form within ``startup_timeout``.
    """
    version = version or member_version()
    jars = []
    for artifact in _member_artifacts(version, sql):
        jar = _jar_path(version, artifact)
        if not jar.is_file():
            jar = await anyio.to_thread.run_sync(
                functools.partial(ensure_member_jar, version, artifact=artifact),
                abandon_on_cancel=True,
            )
        jars.append(jar)
    cluster = _new_cluster(
        size=size,
        cluster_name=cluster_name,
        version=version,
        jars=jars,
        backup_count=backup_count,
        extra_config=extra_config,
        properties=properties,
        system_properties=system_properties,
        jvm_args=jvm_args,
        classpath=classpath,
        heap=heap,
        startup_timeout=startup_timeout,
        discovery_strategies=discovery_strategies,
    )
    try:
        await _drive_async(cluster._start_steps(size, None, anyio.current_time))
        yield cluster
    finally:
        with anyio.move_on_after(_DEFAULT_GRACE + _REAP_TIMEOUT + _STOP_MARGIN, shield=True):
            await _drive_async(cluster._stop_steps(_DEFAULT_GRACE, anyio.current_time))
        cluster._force_close()


@contextmanager
def start_cluster_sync(
    size: int = 1,
    *,
    cluster_name: str | None = None,
    version: str | None = None,
    backup_count: int = 1,
    extra_config: str = "",
    properties: Mapping[str, object] | None = None,
    system_properties: Mapping[str, object] | None = None,
    jvm_args: Sequence[str] = (),
    classpath: Sequence[Path | str] = (),
    heap: str = "256m",
    startup_timeout: float = 120.0,
    sql: bool = True,
    discovery_strategies: str = "",
) -> Iterator[Cluster]:
    """The blocking twin of :func:`start_cluster`, for session-scoped fixtures and scripts.

    Takes the same arguments and behaves the same way, but waits with :func:`time.sleep`;
    do not call it from async code. On exit, including a ``KeyboardInterrupt``, the members
    are stopped.
    """
    version = version or member_version()
    cluster = _new_cluster(
        size=size,
        cluster_name=cluster_name,
        version=version,
        jars=[
            ensure_member_jar(version, artifact=artifact)
            for artifact in _member_artifacts(version, sql)
        ],
        backup_count=backup_count,
        extra_config=extra_config,
        properties=properties,
        system_properties=system_properties,
        jvm_args=jvm_args,
        classpath=classpath,
        heap=heap,
        startup_timeout=startup_timeout,
        discovery_strategies=discovery_strategies,
    )
    try:
        _drive_sync(cluster._start_steps(size, None, time.monotonic))
        yield cluster
    finally:
        try:
            _drive_sync(cluster._stop_steps(_DEFAULT_GRACE, time.monotonic))
        finally:
            cluster._force_close()


class ClusterFactory(Protocol):
    """The type of :func:`start_cluster`, as the ``hazelcast_cluster_factory`` fixture
    returns it."""

    def __call__(
        self,
        size: int = 1,
        *,
        cluster_name: str | None = None,
        version: str | None = None,
        backup_count: int = 1,
        extra_config: str = "",
        properties: Mapping[str, object] | None = None,
        system_properties: Mapping[str, object] | None = None,
        jvm_args: Sequence[str] = (),
        classpath: Sequence[Path | str] = (),
        heap: str = "256m",
        startup_timeout: float = 120.0,
        sql: bool = True,
        discovery_strategies: str = "",
    ) -> AbstractAsyncContextManager[Cluster]: ...
