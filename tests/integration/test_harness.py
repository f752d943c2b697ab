"""Tests of the real-member harness, ``hztrio.testing``, against real Hazelcast members."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import anyio
import psutil
import pytest

from hztrio.testing import (
    Cluster,
    ClusterFactory,
    MemberError,
    compile_java,
    ensure_member_jar,
    maven_repository,
    member_config_xml,
    member_version,
    start_cluster,
    start_cluster_sync,
)
from hztrio.testing.member import _observe_clusters

pytest_plugins = ["pytester"]

_MEMBERS_RE = re.compile(r"Members \{size:(\d+), ver:\d+\}")
_NS = "{http://www.hazelcast.com/schema/config}"

_FACTORY_JAVA = """\
package hztrio.harness;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

public class EchoFactory implements DataSerializableFactory {
    @Override
    public IdentifiedDataSerializable create(int typeId) {
        return null;
    }
}
"""

_FACTORY_CONFIG = """
<serialization>
  <data-serializable-factories>
    <data-serializable-factory factory-id="4242">
      hztrio.harness.EchoFactory
    </data-serializable-factory>
  </data-serializable-factories>
</serialization>
"""


@pytest.fixture(params=["trio", "asyncio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    backend: str = request.param
    return backend


# -- helpers -------------------------------------------------------------------------------


def accepts_connections(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2.0):
            return True
    except OSError:
        return False


def started_line(address: str) -> str:
    """What a member logs when it is started: ``[127.0.0.1]:5701 is STARTED``."""
    host, _, port = address.rpartition(":")
    return f"[{host}]:{port} is STARTED"


def last_reported_size(log: str) -> int | None:
    sizes = _MEMBERS_RE.findall(log)
    return int(sizes[-1]) if sizes else None


def java_descendants(marker: str) -> list[psutil.Process]:
    """Live processes under this one whose command line mentions ``marker``."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and marker in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached before the deadline"
        time.sleep(0.05)


def assert_gone(cluster: Cluster) -> None:
    """Every process of ``cluster`` is dead, its ports are closed, its directory deleted."""
    assert cluster.closed
    assert cluster.members
    for member in cluster.members:
        assert not member.is_running()
        assert not psutil.pid_exists(member.pid) or (
            psutil.Process(member.pid).status() == psutil.STATUS_ZOMBIE
        )
        assert not accepts_connections(member.address)
    assert java_descendants(cluster.cluster_name) == []
    if not os.environ.get("HZTRIO_KEEP_MEMBER_LOGS"):
        assert not cluster.directory.exists()


class Boom(Exception):
    pass


# -- config and jar (no member) ------------------------------------------------------------


def test_member_config_xml_5x() -> None:
    text = member_config_xml(
        cluster_name="dev & test",
        port=12345,
        addresses=["127.0.0.1:12345", "127.0.0.1:12346"],
        version="5.5.0",
        backup_count=2,
        properties={"hazelcast.max.no.heartbeat.seconds": 9, "x.flag": True},
        extra_config='<queue name="q"><max-size>3</max-size></queue>',
    )
    root = ET.fromstring(text)
    assert root.tag == f"{_NS}hazelcast"
    assert root.findtext(f"{_NS}cluster-name") == "dev & test"
    properties = {element.get("name"): element.text for element in root.iter(f"{_NS}property")}
    assert properties["hazelcast.max.no.heartbeat.seconds"] == "9"
    assert properties["x.flag"] == "true"
    assert properties["hazelcast.phone.home.enabled"] == "false"
    port = root.find(f"{_NS}network/{_NS}port")
    assert port is not None and port.text == "12345" and port.get("auto-increment") == "false"
    join = f"{_NS}network/{_NS}join/"
    assert [m.text for m in root.iterfind(f"{join}{_NS}tcp-ip/{_NS}member")] == [
        "127.0.0.1:12345",
        "127.0.0.1:12346",
    ]
    assert root.find(f"{join}{_NS}auto-detection") is not None
    assert root.find(f"{_NS}jet") is not None
    assert root.findtext(f"{_NS}map/{_NS}backup-count") == "2"
    assert root.findtext(f"{_NS}queue/{_NS}max-size") == "3"


def test_member_config_xml_4x_and_bad_arguments() -> None:
    root = ET.fromstring(
        member_config_xml(cluster_name="c", port=1, addresses=["127.0.0.1:1"], version="4.2.8")
    )
    assert root.find(f"{_NS}network/{_NS}join/{_NS}auto-detection") is None
    assert root.find(f"{_NS}jet") is None
    with pytest.raises(ValueError, match="not supported"):
        member_config_xml(cluster_name="c", port=1, addresses=[], version="3.12")
    with pytest.raises(ValueError, match="not a Hazelcast version"):
        member_config_xml(cluster_name="c", port=1, addresses=[], version="latest")
    with pytest.raises(ValueError, match="backup_count"):
        member_config_xml(cluster_name="c", port=1, addresses=[], backup_count=7)


def test_member_version_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HZTRIO_MEMBER_VERSION", raising=False)
    assert member_version() == "5.5.0"
    monkeypatch.setenv("HZTRIO_MEMBER_VERSION", "5.4.1")
    assert member_version() == "5.4.1"


def test_ensure_member_jar_returns_the_local_jar() -> None:
    jar = ensure_member_jar()
    version = member_version()
    assert jar.is_file()
    assert jar == maven_repository() / f"com/hazelcast/hazelcast/{version}/hazelcast-{version}.jar"
    sql_jar = ensure_member_jar(artifact="hazelcast-sql")
    assert sql_jar.name == f"hazelcast-sql-{version}.jar"
    assert sql_jar.is_file()
    with pytest.raises(ValueError, match="not a Hazelcast artifact"):
        ensure_member_jar(artifact="../evil")


def _fake_maven(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``mvn`` "fetches" 9.9.9 (slowly) and fails for other versions."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    mvn = bin_dir / "mvn"
    mvn.write_text(
        textwrap.dedent(
            """\
            #!/bin/sh
            echo "$*" >> "$FAKE_MVN_CALLS"
            for arg in "$@"; do
              case "$arg" in -Dmaven.repo.local=*) repo="${arg#-Dmaven.repo.local=}" ;; esac
            done
            case "$*" in
              *com.hazelcast:hazelcast:9.9.9*)
                sleep 1
                dir="$repo/com/hazelcast/hazelcast/9.9.9"
                mkdir -p "$dir" && echo jar > "$dir/hazelcast-9.9.9.jar" ;;
              *)
                echo "[ERROR] Could not resolve artifact for $*"
                exit 1 ;;
            esac
            """
        )
    )
    mvn.chmod(0o755)
    return {
        "HZTRIO_MAVEN_REPO": str(tmp_path / "repository"),
        "FAKE_MVN_CALLS": str(tmp_path / "mvn-calls.txt"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
    }


def test_ensure_member_jar_fetches_once_under_concurrency(tmp_path: Path) -> None:
    env = {**os.environ, **_fake_maven(tmp_path)}
    script = "from hztrio.testing import ensure_member_jar; print(ensure_member_jar('9.9.9'))"
    processes = [
        subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=60)[0].strip() for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0, 0]
    expected = tmp_path / "repository/com/hazelcast/hazelcast/9.9.9/hazelcast-9.9.9.jar"
    assert outputs == [str(expected)] * 4
    calls = (tmp_path / "mvn-calls.txt").read_text().splitlines()
    assert len(calls) == 1
    assert "dependency:get" in calls[0]
    assert "-Dartifact=com.hazelcast:hazelcast:9.9.9" in calls[0]


def test_ensure_member_jar_reports_maven_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _fake_maven(tmp_path).items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match=r"Could not resolve artifact") as info:
        ensure_member_jar("9.9.8")
    assert isinstance(info.value, MemberError)
    assert "com.hazelcast:hazelcast:9.9.8" in str(info.value)


def test_compile_java_caches_and_reports_errors(tmp_path: Path) -> None:
    source = tmp_path / "EchoFactory.java"
    source.write_text(_FACTORY_JAVA)
    classes = compile_java([source])
    assert (classes / "hztrio/harness/EchoFactory.class").is_file()

    # same contents elsewhere: the same cache entry, without compiling again
    other = tmp_path / "other"
    other.mkdir()
    (other / "EchoFactory.java").write_text(_FACTORY_JAVA)
    started = time.monotonic()
    assert compile_java([other / "EchoFactory.java"]) == classes
    assert time.monotonic() - started < 0.5

    source.write_text(_FACTORY_JAVA.replace("return null;", "return null; // changed"))
    assert compile_java([source]) != classes

    broken = tmp_path / "Broken.java"
    broken.write_text("public class Broken { int x = ; }\n")
    with pytest.raises(MemberError, match="javac failed") as info:
        compile_java([broken])
    assert "Broken.java" in str(info.value)


# -- starting and stopping -----------------------------------------------------------------


@pytest.mark.anyio
async def test_single_member_starts_and_accepts_connections() -> None:
    async with start_cluster() as cluster:
        assert cluster.version == member_version()
        assert cluster.cluster_name.startswith("hztrio-")
        [member] = cluster.members
        assert member.host == "127.0.0.1"
        assert member.address == f"127.0.0.1:{member.port}"
        assert cluster.addresses == [member.address]
        assert member.is_running()
        assert psutil.Process(member.pid).is_running()
        assert accepts_connections(member.address)
        stream = await anyio.connect_tcp(member.host, member.port)
        await stream.aclose()
        log = member.read_log()
        assert started_line(member.address) in log
        assert last_reported_size(log) == 1
        assert cluster.cluster_name in member.config_path.read_text()
    assert_gone(cluster)
    # the logs outlive the deleted directory
    assert "is STARTED" in cluster.member_logs()[member.address]


@pytest.mark.anyio
async def test_two_members_form_one_cluster() -> None:
    async with start_cluster(2, backup_count=0) as cluster:
        assert len(cluster.members) == 2
        assert len(set(cluster.addresses)) == 2
        logs = cluster.member_logs()
        assert list(logs) == cluster.addresses
        for address, log in logs.items():
            assert started_line(address) in log
            assert last_reported_size(log) == 2
            for other in cluster.addresses:
                assert f"Member [127.0.0.1]:{other.rpartition(':')[2]}" in log
        await cluster.wait_size(2, timeout=1)
    assert_gone(cluster)


@pytest.mark.anyio
async def test_members_are_stopped_when_the_body_raises() -> None:
    clusters: list[Cluster] = []
    with pytest.raises(Boom):
        async with start_cluster() as cluster:
            clusters.append(cluster)
            raise Boom
    [cluster] = clusters
    assert_gone(cluster)


@pytest.mark.anyio
async def test_members_are_stopped_when_the_body_is_cancelled() -> None:
    clusters: list[Cluster] = []
    with anyio.move_on_after(60) as scope:
        async with start_cluster() as cluster:
            clusters.append(cluster)
            scope.deadline = anyio.current_time()  # the deadline passes now
            await anyio.sleep_forever()
    assert scope.cancelled_caught
    [cluster] = clusters
    assert_gone(cluster)


@pytest.mark.anyio
async def test_members_are_stopped_when_startup_is_cancelled() -> None:
    clusters: list[Cluster] = []
    with _observe_clusters(clusters.append), anyio.move_on_after(0.5) as scope:
        async with start_cluster(2):
            pytest.fail("a cluster cannot start in half a second")
    assert scope.cancelled_caught
    [cluster] = clusters
    assert cluster.members[0].pid != 0  # a JVM was started, and then stopped
    assert_gone(cluster)


def test_a_member_that_cannot_start_fails_at_once_with_its_log() -> None:
    clusters: list[Cluster] = []
    started = time.monotonic()
    with (
        _observe_clusters(clusters.append),
        pytest.raises(MemberError, match="exited before it was ready") as info,
        start_cluster_sync(extra_config="<bogus/>"),
    ):
        pytest.fail("the member must not start")
    assert time.monotonic() - started < 30
    assert "bogus" in str(info.value)  # the member's complaint, from its log
    [cluster] = clusters
    assert_gone(cluster)


def test_sync_cluster_suspend_resume_terminate() -> None:
    with start_cluster_sync() as cluster:
        [member] = cluster.members
        process = psutil.Process(member.pid)
        member.suspend()
        wait_until(lambda: process.status() == psutil.STATUS_STOPPED)
        assert member.is_running()
        assert member.suspended
        member.resume()
        wait_until(lambda: process.status() != psutil.STATUS_STOPPED)
        assert not member.suspended
        member.suspend()  # terminate() must end a suspended member too
        member.terminate(grace=10)
        assert not member.is_running()
        assert not accepts_connections(member.address)
    assert_gone(cluster)


def test_members_do_not_outlive_the_python_process() -> None:
    # The cluster is entered and never left; the atexit handler must kill the member.
    script = textwrap.dedent(
        """
        from hztrio.testing import start_cluster_sync

        manager = start_cluster_sync()
        cluster = manager.__enter__()
        print(cluster.members[0].pid, cluster.directory, flush=True)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=100, check=True
    )
    pid_text, directory = result.stdout.split()
    pid = int(pid_text)
    wait_until(lambda: not psutil.pid_exists(pid), timeout=10)
    assert not Path(directory).exists()


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv (util-linux)")
def test_members_die_with_a_killed_python_process() -> None:
    script = textwrap.dedent(
        """
        import os, signal
        from hztrio.testing import start_cluster_sync

        with start_cluster_sync() as cluster:
            print(cluster.members[0].pid, cluster.directory, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=100, check=False
    )
    assert result.returncode == -signal.SIGKILL
    pid_text, directory = result.stdout.split()
    shutil.rmtree(directory)  # nothing can clean up after SIGKILL but the kernel
    pid = int(pid_text)
    wait_until(lambda: not psutil.pid_exists(pid), timeout=10)


@pytest.mark.anyio
@pytest.mark.timeout(150)
async def test_kill_and_restart() -> None:
    async with start_cluster(2) as cluster:
        first, second = cluster.members
        old_pid = second.pid
        second.kill()
        assert not second.is_running()
        assert not accepts_connections(second.address)
        await cluster.wait_size(1, timeout=30)
        assert last_reported_size(first.read_log()) == 1

        await second.restart()
        assert second.is_running()
        assert second.pid != old_pid
        assert accepts_connections(second.address)
        assert last_reported_size(second.read_log()) == 2
        assert second.read_log().count(started_line(second.address)) == 2

        # restarting a running member (the master) stops it first
        old_pid = first.pid
        await first.restart()
        assert first.pid != old_pid
        assert not psutil.pid_exists(old_pid) or (
            psutil.Process(old_pid).status() == psutil.STATUS_ZOMBIE
        )
        await cluster.wait_size(2, timeout=1)
    assert_gone(cluster)


@pytest.mark.anyio
async def test_start_member_joins_the_running_cluster() -> None:
    async with start_cluster() as cluster:
        new = await cluster.start_member()
        assert cluster.members[1] is new
        assert new.is_running()
        assert accepts_connections(new.address)
        config = new.config_path.read_text()
        for address in cluster.addresses:
            assert f"<member>{address}</member>" in config
        for log in cluster.member_logs().values():
            assert last_reported_size(log) == 2
    assert_gone(cluster)


@pytest.mark.anyio
async def test_compiled_classes_on_the_member_classpath(tmp_path: Path) -> None:
    source = tmp_path / "EchoFactory.java"
    source.write_text(_FACTORY_JAVA)
    classes = compile_java([source])
    # The member instantiates the factory when it starts: without the class it cannot.
    with pytest.raises(MemberError, match=r"ClassNotFoundException: hztrio\.harness\.EchoFactory"):
        async with start_cluster(extra_config=_FACTORY_CONFIG):
            pytest.fail("the member must not start without the factory class")
    async with start_cluster(extra_config=_FACTORY_CONFIG, classpath=[classes]) as cluster:
        assert cluster.members[0].is_running()
    assert_gone(cluster)


# -- pytest fixtures -----------------------------------------------------------------------


def test_session_member_serves_the_official_client(hazelcast_member: Cluster) -> None:
    import hazelcast

    [member] = hazelcast_member.members
    assert member.is_running()
    client = hazelcast.HazelcastClient(
        cluster_name=hazelcast_member.cluster_name,
        cluster_members=hazelcast_member.addresses,
        cluster_connect_timeout=30,
    )
    try:
        name = f"harness-{os.urandom(8).hex()}"
        shared = client.get_map(name).blocking()
        shared.put("key", "value")
        assert shared.get("key") == "value"
        shared.destroy()
        # SQL works: Jet is enabled and the SQL module is on the classpath
        result = client.sql.execute("SELECT * FROM TABLE(generate_series(1, 3))").result()
        assert [row.get_object_with_index(0) for row in result] == [1, 2, 3]
    finally:
        client.shutdown()


@pytest.mark.anyio
async def test_session_member_from_async_tests(hazelcast_member: Cluster) -> None:
    [member] = hazelcast_member.members
    stream = await anyio.connect_tcp(member.host, member.port)
    await stream.aclose()


@pytest.mark.anyio
async def test_cluster_factory(hazelcast_cluster_factory: ClusterFactory) -> None:
    async with hazelcast_cluster_factory(
        1,
        cluster_name="hztrio-factory-test",
        properties={"hazelcast.partition.count": 13},
        sql=False,
    ) as cluster:
        assert [jar.name for jar in cluster.jars] == [f"hazelcast-{member_version()}.jar"]
        assert cluster.cluster_name == "hztrio-factory-test"
        [member] = cluster.members
        assert '<property name="hazelcast.partition.count">13</property>' in (
            member.config_path.read_text()
        )
        assert accepts_connections(member.address)
    assert_gone(cluster)


@pytest.mark.timeout(150)
def test_plugin_reports_logs_and_cleans_up(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_inner="""
        import psutil
        import pytest

        leaked = []

        @pytest.fixture
        def anyio_backend():
            return "trio"

        def test_fails_with_logs(hazelcast_member):
            assert False, "deliberate failure"

        @pytest.mark.anyio
        async def test_leaks_a_cluster(hazelcast_cluster_factory):
            # enter and never exit: the fixture's teardown must kill the member
            manager = hazelcast_cluster_factory(cluster_name="hztrio-leaked")
            cluster = await manager.__aenter__()
            leaked.append((manager, cluster))

        def test_leaked_cluster_is_gone():
            [(manager, cluster)] = leaked
            assert not cluster.members[0].is_running()
            assert cluster.closed
            for child in psutil.Process().children(recursive=True):
                assert "hztrio-leaked" not in " ".join(child.cmdline())
        """
    )
    result = pytester.runpytest_subprocess(
        "-p", "hztrio.testing.pytest_plugin", "-p", "no:cacheprovider", "-v"
    )
    result.assert_outcomes(passed=2, failed=1)
    output = result.stdout.str()
    assert re.search(r"hazelcast member-0 127\.0\.0\.1:\d+ of hztrio-\w+ \(last 200 log", output)
    assert "is STARTED" in output
