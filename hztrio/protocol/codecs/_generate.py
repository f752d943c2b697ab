"""Regenerate the codec declaration modules from the protocol definitions.

The Hazelcast client protocol is defined as YAML in hazelcast/hazelcast-client-protocol
(``protocol-definitions/<Service>.yaml``). This script turns those definitions into the
declaration modules next to it (``map.py``, ``client.py``, …), one ``Codec`` per method whose
types hztrio knows. It is a development tool: it needs PyYAML and a checkout of the protocol
repository, and is never imported by the client.

Usage::

    python -m hztrio.protocol.codecs._generate /path/to/protocol-definitions [Service ...]
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

FIXED = {
    "byte": "BYTE",
    "boolean": "BOOLEAN",
    "short": "SHORT",
    "int": "INT",
    "long": "LONG",
    "float": "FLOAT",
    "double": "DOUBLE",
    "UUID": "UUID",
}
VAR = {"String": "STRING", "Data": "DATA", "byteArray": "BYTE_ARRAY"}
# element names used inside composite type names
ELEMENT = {"Integer": "INT", "Long": "LONG", "UUID": "UUID", "Boolean": "BOOLEAN"}
SPECIAL = {
    "EntryList_UUID_List_Integer": "PARTITION_TABLE",
    "longArray": "list_of(LONG)",
    "Set_UUID": "list_of(UUID)",
}

SERVICES = [
    "Client",
    "Map",
    "MultiMap",
    "Queue",
    "Topic",
    "List",
    "Set",
    "FencedLock",
    "ExecutorService",
    "AtomicLong",
    "AtomicRef",
    "CountDownLatch",
    "Semaphore",
    "ReplicatedMap",
    "TransactionalMap",
    "TransactionalMultiMap",
    "TransactionalSet",
    "TransactionalList",
    "TransactionalQueue",
    "Transaction",
    "Ringbuffer",
    "FlakeIdGenerator",
    "PNCounter",
    "CPGroup",
    "CPSession",
    "Sql",
]


def snake(name: str) -> str:
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s)
    return s.lower()


class Unknown(Exception):
    pass


def type_expr(name: str, customs: Mapping[str, str], used: set[str]) -> str:
    """The Python expression (in the codec DSL) for protocol type *name*.

    *customs* maps the name of every known custom type to the module that declares it
    (``custom`` or ``sql_types``, both in ``hztrio.protocol``).
    """
    name = name.split("#")[0].strip()
    if name in SPECIAL:
        expr = SPECIAL[name]
    elif name in FIXED:
        expr = FIXED[name]
    elif name in VAR:
        expr = VAR[name]
    elif name in customs:
        expr = customs[name] + "." + snake(name).upper()
    elif name.startswith("ListCN_"):
        expr = f"listcn_of({type_expr(name[7:], customs, used)})"
    elif name.startswith("List_"):
        inner = name[5:]
        expr = f"list_of({ELEMENT.get(inner) or type_expr(inner, customs, used)})"
    elif name.startswith("EntryList_") or name.startswith("Map_"):
        prefix, rest = name.split("_", 1)
        key, value = rest.split("_", 1)
        k = ELEMENT.get(key) or type_expr(key, customs, used)
        v = ELEMENT.get(value) or type_expr(value, customs, used)
        fn = "entry_list" if prefix == "EntryList" else "map_of"
        expr = f"{fn}({k}, {v})"
    else:
        raise Unknown(name)
    for token in re.findall(r"\b[A-Z][A-Z_]+\b|\b[a-z_]+(?=\()", expr):
        used.add(token)
    return expr


def param_expr(
    p: dict[str, Any], method_since: str, customs: Mapping[str, str], used: set[str]
) -> str:
    parts = [repr(snake(p["name"])), type_expr(p["type"], customs, used)]
    if p.get("nullable"):
        parts.append("nullable=True")
    since = str(p.get("since", method_since))
    if since != method_since:
        parts.append(f"since={since!r}")
    return f"P({', '.join(parts)})"


def generate(definitions: Path, service: str, customs: Mapping[str, str], commit: str) -> str:
    import yaml  # a development dependency only

    spec = yaml.safe_load((definitions / f"{service}.yaml").read_text())
    service_id = spec["id"]
    used: set[str] = set()
    body: list[str] = []
    skipped: list[str] = []
    for method in spec["methods"]:
        mname = method["name"]
        msince = str(method["since"])
        const = f"{snake(service).upper()}_{snake(mname).upper()}"
        request_type = (service_id << 16) | (method["id"] << 8)
        try:
            req = [
                param_expr(p, msince, customs, used)
                for p in (method["request"].get("params") or [])
            ]
            resp = [
                param_expr(p, msince, customs, used)
                for p in ((method.get("response") or {}).get("params") or [])
            ]
            events = []
            for event in method.get("events") or []:
                esince = str(event.get("since", msince))
                eparams = [param_expr(p, esince, customs, used) for p in event["params"] or []]
                since_arg = f", since={esince!r}" if esince != msince else ""
                events.append(f"Event({event['name']!r}, [{', '.join(eparams)}]{since_arg})")
        except Unknown as exc:
            skipped.append(f"{mname} ({exc})")
            continue
        retryable = bool(method["request"].get("retryable"))
        lines = [
            f"{const}: Final = Codec(",
            f"    {service + '.' + mname!r},",
            f"    0x{request_type:06X},",
            f"    retryable={retryable},",
            f"    since={msince!r},",
            f"    partition={str(method['request'].get('partitionIdentifier'))!r},",
        ]
        for label, items in (("request", req), ("response", resp), ("events", events)):
            if items:
                lines.append(f"    {label}=[")
                lines += [f"        {item}," for item in items]
                lines.append("    ],")
        lines.append(")")
        body.append("\n".join(lines))

    names = sorted(
        n
        for n in used
        if n
        in {
            "BYTE",
            "BOOLEAN",
            "SHORT",
            "INT",
            "LONG",
            "FLOAT",
            "DOUBLE",
            "UUID",
            "STRING",
            "DATA",
            "BYTE_ARRAY",
            "PARTITION_TABLE",
            "list_of",
            "listcn_of",
            "entry_list",
            "map_of",
        }
    )
    header = [
        f'"""Codecs of the {service} service (service id {service_id}).',
        "",
        "GENERATED by hztrio/protocol/codecs/_generate.py from",
        f"protocol-definitions/{service}.yaml of hazelcast/hazelcast-client-protocol",
        f"@{commit}. Do not edit by hand.",
    ]
    if skipped:
        header.append("")
        header.append("Methods not declared (types hztrio does not model yet):")
        header += [f"{s}" for s in skipped]
    header.append('"""')
    header.append("")
    header.append("from typing import Final")
    header.append("")
    imports = ", ".join(["Codec", "Event", "P", *names])
    header.append(f"from ..codec import {imports}  # noqa: F401")
    modules = sorted({m for m in customs.values() if any(f"{m}." in b for b in body)})
    if modules:
        header.append(f"from .. import {', '.join(modules)}")
    header.append("")
    return "\n".join(header) + "\n\n" + "\n\n".join(body) + "\n"


def main(argv: list[str]) -> None:
    definitions = Path(argv[0])
    services = argv[1:] or SERVICES
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from hztrio.protocol import custom, sql_types

    customs = {name: "custom" for name in custom.BY_NAME}
    customs.update({name: "sql_types" for name in sql_types.BY_NAME})

    commit = "unknown"
    head = definitions.parent / ".commit"
    if head.exists():
        commit = head.read_text().strip()
    out_dir = Path(__file__).parent
    for service in services:
        text = generate(definitions, service, customs, commit)
        (out_dir / f"{snake(service)}.py").write_text(text)
        print(f"wrote {snake(service)}.py")


if __name__ == "__main__":
    main(sys.argv[1:])
