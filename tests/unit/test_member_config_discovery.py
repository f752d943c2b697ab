"""The harness's ``discovery_strategies`` option: members that join through the Discovery SPI.

No member runs here (tests/cluster/test_public_ip.py starts some); these check the XML the
harness writes and what it refuses.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import hztrio.testing.member as member_module
from hztrio.testing import member_config_xml, start_cluster_sync

NS = "{http://www.hazelcast.com/schema/config}"
JOIN = f"{NS}network/{NS}join/"
STRATEGY = '<discovery-strategy class="x.Strategy" enabled="true"/>'
ADDRESSES = ["127.0.0.1:5701", "127.0.0.1:5702"]


def config(**options: object) -> str:
    arguments: dict[str, object] = {
        "cluster_name": "c",
        "port": 5701,
        "addresses": ADDRESSES,
        "version": "5.5.0",
    }
    arguments.update(options)
    return member_config_xml(**arguments)  # type: ignore[arg-type]


def properties_of(root: ET.Element) -> dict[str | None, str | None]:
    return {element.get("name"): element.text for element in root.iter(f"{NS}property")}


def test_without_strategies_the_config_is_unchanged() -> None:
    plain = config()
    assert config(discovery_strategies="") == plain
    assert config(discovery_strategies=" \n ") == plain
    root = ET.fromstring(plain)
    tcp_ip = root.find(f"{JOIN}{NS}tcp-ip")
    assert tcp_ip is not None and tcp_ip.get("enabled") == "true"
    assert root.find(f"{JOIN}{NS}discovery-strategies") is None
    assert "hazelcast.discovery.enabled" not in properties_of(root)


@pytest.mark.parametrize("version", ["5.5.0", "4.2.8"])
def test_strategies_replace_the_tcp_ip_join(version: str) -> None:
    strategies = (
        '<discovery-strategy class="x.Strategy" enabled="true">\n'
        '  <properties><property name="public-host">localhost</property></properties>\n'
        "</discovery-strategy>\n"
        '<discovery-strategy class="x.Other" enabled="false"/>'
    )
    root = ET.fromstring(config(version=version, discovery_strategies=strategies))
    tcp_ip = root.find(f"{JOIN}{NS}tcp-ip")
    assert tcp_ip is not None and tcp_ip.get("enabled") == "false"
    # the list stays, for a strategy that reads the members from the config file
    assert [m.text for m in tcp_ip.iterfind(f"{NS}member")] == ADDRESSES
    written = root.findall(f"{JOIN}{NS}discovery-strategies/{NS}discovery-strategy")
    assert [(s.get("class"), s.get("enabled")) for s in written] == [
        ("x.Strategy", "true"),
        ("x.Other", "false"),
    ]
    assert written[0].findtext(f"{NS}properties/{NS}property") == "localhost"
    assert properties_of(root)["hazelcast.discovery.enabled"] == "true"
    assert root.find(f"{JOIN}{NS}multicast").get("enabled") == "false"  # type: ignore[union-attr]


def test_the_discovery_property_may_be_repeated_but_not_turned_off() -> None:
    for value in (True, "true", "TRUE"):
        root = ET.fromstring(
            config(
                discovery_strategies=STRATEGY,
                properties={"hazelcast.discovery.enabled": value},
            )
        )
        assert properties_of(root)["hazelcast.discovery.enabled"] in ("true", "TRUE")
    for value in (False, "false", ""):
        with pytest.raises(ValueError, match=r"hazelcast\.discovery\.enabled=true"):
            config(
                discovery_strategies=STRATEGY,
                properties={"hazelcast.discovery.enabled": value},
            )


@pytest.mark.parametrize(
    ("strategies", "message"),
    [
        ('<discovery-strategy class="x.S" enabled="true">', "not well-formed"),
        (
            '<discovery-strategies><discovery-strategy class="x.S" enabled="true"/>'
            "</discovery-strategies>",
            "not <discovery-strategies>",
        ),
        ('<tcp-ip enabled="true"/>', "not <tcp-ip>"),
        (f"{STRATEGY} stray text", "only <discovery-strategy> elements"),
        ('<discovery-strategy enabled="true"/>', "class attribute"),
        ('<discovery-strategy class=" " enabled="true"/>', "class attribute"),
        ('<discovery-strategy class="x.S"/>', 'enabled="true"'),
        ('<discovery-strategy class="x.S" enabled="false"/>', 'enabled="true"'),
    ],
)
def test_bad_strategies_are_refused(strategies: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        config(discovery_strategies=strategies)


def test_start_cluster_checks_the_strategies_before_starting_anything(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(member_module, "ensure_member_jar", lambda *a, **k: tmp_path / "x.jar")

    def no_launch(self: object) -> None:
        pytest.fail("no member may start with a bad config")

    monkeypatch.setattr(member_module.Member, "_launch", no_launch)
    with pytest.raises(ValueError, match='enabled="true"'):
        with start_cluster_sync(discovery_strategies='<discovery-strategy class="x.S"/>'):
            pytest.fail("the cluster must not start")


def test_the_cluster_keeps_the_strategies_and_absolute_classpath(tmp_path: Path) -> None:
    cluster = member_module.Cluster(
        cluster_name="c",
        version="5.5.0",
        jars=[],
        backup_count=1,
        extra_config="",
        properties={},
        system_properties={},
        jvm_args=(),
        classpath=["relative/classes", tmp_path],
        heap="256m",
        startup_timeout=10.0,
        discovery_strategies=STRATEGY,
    )
    try:
        # the JVMs run in the cluster directory, so a relative entry is resolved here
        assert cluster.classpath == (Path.cwd() / "relative/classes", tmp_path)
        member = cluster._new_member()
        root = ET.fromstring(cluster._config_for(member))
        assert root.find(f"{JOIN}{NS}discovery-strategies/{NS}discovery-strategy") is not None
        tcp_ip = root.find(f"{JOIN}{NS}tcp-ip")
        assert tcp_ip is not None and tcp_ip.get("enabled") == "false"
    finally:
        cluster._force_close()
    assert not cluster.directory.exists()
