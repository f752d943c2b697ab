"""Codec declarations, compiled into straight-line encode/decode functions.

A codec is declared once, as data that mirrors the protocol definition YAML::

    MAP_PUT = Codec("Map.put", 0x010100, retryable=False,
                    request=[P("name", STRING), P("key", DATA), P("value", DATA),
                             P("thread_id", LONG), P("ttl", LONG)],
                    response=[P("response", DATA, nullable=True)])

and the first use of ``MAP_PUT.encode_request`` (or ``decode_response``, the event decoders,
and the server-side ``decode_request``/``encode_response``/``encode_event`` used by tests)
generates Python source for exactly that message — one precompiled ``struct.Struct`` for the
initial frame, inlined String/Data frames, direct calls for everything else — and compiles it
with :func:`exec`, as :mod:`dataclasses` and :func:`collections.namedtuple` do. There is no
per-field interpretation at run time.

Wire rules implemented here (protocol spec §2): fixed-size parameters are hoisted into the
initial frame in declaration order; variable-size ones follow as frames in declaration order;
the last frame carries ``IS_FINAL``; on decoding, a fixed field newer than the message exists
iff the initial frame is long enough, a newer variable-size field iff another frame follows
(inside a custom type: iff the next frame is not the END frame); unknown trailing data is
skipped.
"""

from __future__ import annotations

import contextlib
import keyword
import struct
import uuid as _uuid
from collections import namedtuple
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any, Final

from ..serialization.data import SplitData
from .frame import (
    BEGIN_DATA_STRUCTURE,
    END_DATA_STRUCTURE,
    EVENT_HEADER_SIZE,
    FRAME_HEADER,
    IS_EVENT,
    IS_FINAL,
    IS_NULL,
    RESPONSE_HEADER_SIZE,
    UNFRAGMENTED,
    ClientMessage,
    ProtocolViolation,
    SegmentedMessage,
)

__all__ = [
    "BOOLEAN",
    "BYTE",
    "BYTE_ARRAY",
    "DATA",
    "DOUBLE",
    "FLOAT",
    "INT",
    "LONG",
    "SHORT",
    "STRING",
    "UUID",
    "Codec",
    "CustomType",
    "Event",
    "FixedType",
    "P",
    "VarType",
    "entry_list",
    "list_of",
    "listcn_of",
    "set_correlation_id",
    "set_partition_id",
]

Contents = list[bytes]
Flags = list[int]
_pack_header = FRAME_HEADER.pack

# ---------------------------------------------------------------------------------------------
# types


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


class FixedType:
    """A fixed-size type: packed into the initial frame (or a custom type's fixed frame)."""

    def __init__(self, name: str, fmt: str, size: int, default: Any) -> None:
        self.name = name
        self.fmt = fmt
        self.size = size
        self.default = default

    def __repr__(self) -> str:
        return self.name


BYTE: Final = FixedType("byte", "b", 1, 0)
BOOLEAN: Final = FixedType("boolean", "?", 1, False)
SHORT: Final = FixedType("short", "h", 2, 0)
INT: Final = FixedType("int", "i", 4, 0)
LONG: Final = FixedType("long", "q", 8, 0)
FLOAT: Final = FixedType("float", "f", 4, 0.0)
DOUBLE: Final = FixedType("double", "d", 8, 0.0)
UUID: Final = FixedType("UUID", "?qq", 17, None)

_UUID_STRUCT = struct.Struct("<?qq")
_UINT64 = 1 << 64
_INT64_MAX = (1 << 63) - 1


def uuid_to_parts(value: _uuid.UUID | None) -> tuple[bool, int, int]:
    """``(is_null, most significant bits, least significant bits)`` as signed longs."""
    if value is None:
        return True, 0, 0
    n = value.int
    msb = n >> 64
    lsb = n & 0xFFFFFFFFFFFFFFFF
    if msb > _INT64_MAX:
        msb -= _UINT64
    if lsb > _INT64_MAX:
        lsb -= _UINT64
    return False, msb, lsb


def uuid_from_parts(is_null: bool, msb: int, lsb: int) -> _uuid.UUID | None:
    if is_null:
        return None
    return _uuid.UUID(int=((msb & 0xFFFFFFFFFFFFFFFF) << 64) | (lsb & 0xFFFFFFFFFFFFFFFF))


class VarType:
    """A variable-size type: one or more frames after the initial frame.

    ``encode(buf, value, final)`` appends the frames (the last with ``IS_FINAL`` if *final*);
    ``decode(c, f, i)`` returns ``(value, next_index)``. ``inline_encode``/``inline_decode``,
    when set, are source templates the compiler pastes in place of the call (hot types only).
    """

    def __init__(
        self,
        name: str,
        encode: Callable[[bytearray, Any, bool], None],
        decode: Callable[[Contents, Flags, int], tuple[Any, int]],
        inline_encode: str | None = None,
        inline_decode: str | None = None,
    ) -> None:
        self.name = name
        self.encode = encode
        self.decode = decode
        self.inline_encode = inline_encode
        self.inline_decode = inline_decode

    def __repr__(self) -> str:
        return self.name


def _final(final: bool) -> int:
    return IS_FINAL if final else 0


def _encode_str(buf: bytearray, value: str, final: bool) -> None:
    encoded = value.encode("utf-8")
    buf += _pack_header(6 + len(encoded), IS_FINAL if final else 0)
    buf += encoded


def _decode_str(c: Contents, f: Flags, i: int) -> tuple[str, int]:
    return c[i].decode("utf-8"), i + 1


def _encode_bytes(buf: bytearray, value: bytes, final: bool) -> None:
    buf += _pack_header(6 + len(value), IS_FINAL if final else 0)
    buf += value


def _split(
    message: bytearray, buf: bytearray, value: SplitData
) -> tuple[SegmentedMessage, bytearray]:
    """Encode a SplitData frame content: its head goes into *buf*, its body becomes a part of
    *message* of its own. Returns the (now segmented) message and the buffer the following
    frames go into."""
    buf += value.head
    if not isinstance(message, SegmentedMessage):  # the first large value: buf is message
        message = SegmentedMessage(message, [])
    rest = bytearray()
    message.parts += (value.body, rest)
    return message, rest


def _decode_bytes(c: Contents, f: Flags, i: int) -> tuple[bytes, int]:
    return c[i], i + 1


STRING: Final = VarType(
    "String",
    _encode_str,
    _decode_str,
    inline_encode=(
        "_e = {v}.encode('utf-8'); buf += _pack_header(6 + len(_e), {flags}); buf += _e"
    ),
    inline_decode="{v} = c[i].decode('utf-8'); i += 1",
)
DATA: Final = VarType(
    "Data",
    _encode_bytes,
    _decode_bytes,
    inline_encode="buf += _pack_header(6 + len({v}), {flags}); buf += {v}",
    inline_decode="{v} = c[i]; i += 1",
)
BYTE_ARRAY: Final = VarType(
    "byteArray",
    _encode_bytes,
    _decode_bytes,
    inline_encode=DATA.inline_encode,
    inline_decode=DATA.inline_decode,
)

_BEGIN_FRAME = _pack_header(6, BEGIN_DATA_STRUCTURE)
_END_FRAME = _pack_header(6, END_DATA_STRUCTURE)
_END_FINAL_FRAME = _pack_header(6, END_DATA_STRUCTURE | IS_FINAL)
_NULL_FRAME = _pack_header(6, IS_NULL)
_NULL_FINAL_FRAME = _pack_header(6, IS_NULL | IS_FINAL)


def encode_null(buf: bytearray, final: bool) -> None:
    buf += _NULL_FINAL_FRAME if final else _NULL_FRAME


def _end(buf: bytearray, final: bool) -> None:
    buf += _END_FINAL_FRAME if final else _END_FRAME


def _expect_begin(c: Contents, f: Flags, i: int) -> int:
    if not f[i] & BEGIN_DATA_STRUCTURE:
        raise ProtocolViolation("expected the BEGIN frame of a data structure")
    return i + 1


def skip_to_end(c: Contents, f: Flags, i: int) -> int:
    """Return the index after the END frame that closes the structure we are inside."""
    depth = 1
    while True:
        flags = f[i]
        if flags & BEGIN_DATA_STRUCTURE:
            depth += 1
        elif flags & END_DATA_STRUCTURE:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1


def _at_end(c: Contents, f: Flags, i: int) -> bool:
    return bool(f[i] & END_DATA_STRUCTURE)


_fixed_list_types: dict[str, VarType] = {}


def _fixed_list(element: FixedType) -> VarType:
    """``List_X`` of a fixed-size X: one frame with the elements packed back to back."""
    cached = _fixed_list_types.get(element.name)
    if cached is not None:
        return cached
    size = element.size
    if element is UUID:

        def encode(buf: bytearray, value: Sequence[Any], final: bool) -> None:
            buf += _pack_header(6 + 17 * len(value), _final(final))
            for item in value:
                buf += _UUID_STRUCT.pack(*uuid_to_parts(item))

        def decode(c: Contents, f: Flags, i: int) -> tuple[list[Any], int]:
            content = c[i]
            return [uuid_from_parts(*parts) for parts in _UUID_STRUCT.iter_unpack(content)], i + 1

    else:
        fmt = element.fmt

        def encode(buf: bytearray, value: Sequence[Any], final: bool) -> None:
            buf += _pack_header(6 + size * len(value), _final(final))
            buf += struct.pack(f"<{len(value)}{fmt}", *value)

        def decode(c: Contents, f: Flags, i: int) -> tuple[list[Any], int]:
            content = c[i]
            if len(content) % size:
                raise ProtocolViolation(f"List_{element.name} frame of {len(content)} bytes")
            return list(struct.unpack(f"<{len(content) // size}{fmt}", content)), i + 1

    result = VarType(f"List_{element.name}", encode, decode)
    _fixed_list_types[element.name] = result
    return result


_END_FLAGS = (END_DATA_STRUCTURE, END_DATA_STRUCTURE | IS_FINAL)


def find_end(f: Flags, i: int) -> int:
    """The index of the first END frame at or after *i*, among frames that cannot hold one
    inside (Data, String, byteArray elements): found by C-level list searches."""
    ends = []
    for value in _END_FLAGS:
        with contextlib.suppress(ValueError):
            ends.append(f.index(value, i))
    if not ends:
        raise ProtocolViolation("a list without its END frame")
    return min(ends)


def data_list_slice(c: Contents, f: Flags, i: int) -> tuple[list[bytes], int]:
    """``List_Data`` (or any list of single-frame values) as a slice: ``(values, next i)``."""
    i = _expect_begin(c, f, i)
    end = find_end(f, i)
    if f[i:end].count(0) != end - i:  # element frames carry no flags (no null, no nesting)
        raise ProtocolViolation("unexpected flags on a frame in a list of values")
    return c[i:end], end + 1


def data_pair_columns(c: Contents, f: Flags, i: int) -> tuple[list[bytes], list[bytes], int]:
    """``EntryList_Data_Data`` as two slices: ``(keys, values, next i)``."""
    items, i = data_list_slice(c, f, i)
    if len(items) % 2:
        raise ProtocolViolation("an entry list with a key but no value")
    return items[0::2], items[1::2], i


def list_of(element: FixedType | VarType | CustomType) -> VarType:
    """``List_X``: packed into one frame for fixed-size X, else BEGIN, elements, END."""
    if isinstance(element, FixedType):
        return _fixed_list(element)
    if element is DATA or element is BYTE_ARRAY or element is STRING:
        return _single_frame_list(element)
    enc = element.encode
    dec = element.decode

    def encode(buf: bytearray, value: Sequence[Any], final: bool) -> None:
        buf += _BEGIN_FRAME
        for item in value:
            enc(buf, item, False)
        buf += _END_FINAL_FRAME if final else _END_FRAME

    def decode(c: Contents, f: Flags, i: int) -> tuple[list[Any], int]:
        i = _expect_begin(c, f, i)
        out = []
        while not f[i] & END_DATA_STRUCTURE:
            item, i = dec(c, f, i)
            out.append(item)
        return out, i + 1

    return VarType(f"List_{element.name}", encode, decode)


_single_frame_lists: dict[str, VarType] = {}


def _single_frame_list(element: VarType) -> VarType:
    """``List_Data``/``List_String``/``List_byteArray``: elements are one frame each, so a
    list is a slice of the frames (no per-element call)."""
    cached = _single_frame_lists.get(element.name)
    if cached is not None:
        return cached
    enc = element.encode
    is_string = element is STRING

    def encode(buf: bytearray, value: Sequence[Any], final: bool) -> None:
        buf += _BEGIN_FRAME
        for item in value:
            enc(buf, item, False)
        buf += _END_FINAL_FRAME if final else _END_FRAME

    def decode(c: Contents, f: Flags, i: int) -> tuple[list[Any], int]:
        values, i = data_list_slice(c, f, i)
        if is_string:
            return [v.decode("utf-8") for v in values], i
        return values, i

    result = VarType(f"List_{element.name}", encode, decode)
    _single_frame_lists[element.name] = result
    return result


def listcn_of(element: VarType | CustomType) -> VarType:
    """``ListCN_X``: like ``List_X`` but elements may be null (NULL frames)."""
    enc = element.encode
    dec = element.decode

    def encode(buf: bytearray, value: Sequence[Any], final: bool) -> None:
        buf += _BEGIN_FRAME
        for item in value:
            if item is None:
                buf += _NULL_FRAME
            else:
                enc(buf, item, False)
        buf += _END_FINAL_FRAME if final else _END_FRAME

    def decode(c: Contents, f: Flags, i: int) -> tuple[list[Any], int]:
        i = _expect_begin(c, f, i)
        out: list[Any] = []
        while True:
            flags = f[i]
            if flags & END_DATA_STRUCTURE:
                return out, i + 1
            if flags & IS_NULL:
                out.append(None)
                i += 1
            else:
                item, i = dec(c, f, i)
                out.append(item)

    return VarType(f"ListCN_{element.name}", encode, decode)


def entry_list(
    key: FixedType | VarType | CustomType, value: FixedType | VarType | CustomType
) -> VarType:
    """``EntryList_K_V`` as a list of ``(k, v)`` pairs.

    Both fixed: one frame of packed pairs. Both variable: BEGIN, k0, v0, k1, v1, …, END.
    """
    if isinstance(key, FixedType) and isinstance(value, FixedType):
        if key is UUID or value is UUID:
            pair = struct.Struct("<" + key.fmt + value.fmt)
            key_is_uuid = key is UUID

            def encode_fixed(buf: bytearray, items: Sequence[tuple[Any, Any]], final: bool) -> None:
                buf += _pack_header(6 + pair.size * len(items), _final(final))
                for k, v in items:
                    ks = uuid_to_parts(k) if key_is_uuid else (k,)
                    vs = uuid_to_parts(v) if value is UUID else (v,)
                    buf += pair.pack(*ks, *vs)

            def decode_fixed(c: Contents, f: Flags, i: int) -> tuple[list[tuple[Any, Any]], int]:
                out = []
                for fields in pair.iter_unpack(c[i]):
                    if key_is_uuid:
                        k = uuid_from_parts(*fields[:3])
                        rest = fields[3:]
                    else:
                        k = fields[0]
                        rest = fields[1:]
                    v = uuid_from_parts(*rest) if value is UUID else rest[0]
                    out.append((k, v))
                return out, i + 1

            return VarType(f"EntryList_{key.name}_{value.name}", encode_fixed, decode_fixed)

        pair = struct.Struct("<" + key.fmt + value.fmt)

        def encode_plain(buf: bytearray, items: Sequence[tuple[Any, Any]], final: bool) -> None:
            buf += _pack_header(6 + pair.size * len(items), _final(final))
            for k, v in items:
                buf += pair.pack(k, v)

        def decode_plain(c: Contents, f: Flags, i: int) -> tuple[list[tuple[Any, Any]], int]:
            return list(pair.iter_unpack(c[i])), i + 1

        return VarType(f"EntryList_{key.name}_{value.name}", encode_plain, decode_plain)

    if isinstance(key, FixedType) or isinstance(value, FixedType):
        raise TypeError("mixed fixed/variable entry lists are not used by the protocol")
    kenc, kdec, venc, vdec = key.encode, key.decode, value.encode, value.decode
    if key is DATA and value is DATA:

        def encode_data(buf: bytearray, items: Sequence[tuple[Any, Any]], final: bool) -> None:
            buf += _BEGIN_FRAME
            for k, v in items:
                buf += _pack_header(6 + len(k), 0)
                buf += k
                buf += _pack_header(6 + len(v), 0)
                buf += v
            buf += _END_FINAL_FRAME if final else _END_FRAME

        def decode_data(c: Contents, f: Flags, i: int) -> tuple[list[tuple[Any, Any]], int]:
            keys, values, i = data_pair_columns(c, f, i)
            return list(zip(keys, values, strict=True)), i

        return VarType("EntryList_Data_Data", encode_data, decode_data)

    def encode(buf: bytearray, items: Sequence[tuple[Any, Any]], final: bool) -> None:
        buf += _BEGIN_FRAME
        for k, v in items:
            kenc(buf, k, False)
            venc(buf, v, False)
        buf += _END_FINAL_FRAME if final else _END_FRAME

    def decode(c: Contents, f: Flags, i: int) -> tuple[list[tuple[Any, Any]], int]:
        i = _expect_begin(c, f, i)
        out = []
        while not f[i] & END_DATA_STRUCTURE:
            k, i = kdec(c, f, i)
            v, i = vdec(c, f, i)
            out.append((k, v))
        return out, i + 1

    return VarType(f"EntryList_{key.name}_{value.name}", encode, decode)


def map_of(key: VarType | CustomType, value: VarType | CustomType) -> VarType:
    """``Map_K_V``: the wire form of an entry list, as a ``dict``."""
    pairs = entry_list(key, value)
    pairs_encode = pairs.encode
    pairs_decode = pairs.decode

    def encode(buf: bytearray, value: dict[Any, Any] | None, final: bool) -> None:
        pairs_encode(buf, list(value.items()) if value else [], final)

    def decode(c: Contents, f: Flags, i: int) -> tuple[dict[Any, Any], int]:
        items, i = pairs_decode(c, f, i)
        return dict(items), i

    return VarType(f"Map_{key.name}_{pairs.name.split('_', 2)[2]}", encode, decode)


_LIST_INT = _fixed_list(INT)
_LIST_UUID = _fixed_list(UUID)


def _encode_partition_table(
    buf: bytearray, items: Sequence[tuple[_uuid.UUID, list[int]]], final: bool
) -> None:
    buf += _BEGIN_FRAME
    for _, partitions in items:
        _LIST_INT.encode(buf, partitions, False)
    buf += _END_FRAME
    _LIST_UUID.encode(buf, [member for member, _ in items], final)


def _decode_partition_table(
    c: Contents, f: Flags, i: int
) -> tuple[list[tuple[_uuid.UUID, list[int]]], int]:
    i = _expect_begin(c, f, i)
    values = []
    while not f[i] & END_DATA_STRUCTURE:
        partitions, i = _LIST_INT.decode(c, f, i)
        values.append(partitions)
    keys, i = _LIST_UUID.decode(c, f, i + 1)
    if len(keys) != len(values):
        raise ProtocolViolation("partition table with more owners than partition lists")
    return list(zip(keys, values, strict=True)), i


#: ``EntryList_UUID_List_Integer``: partition owners; the keys come after the END frame.
PARTITION_TABLE: Final = VarType(
    "EntryList_UUID_List_Integer", _encode_partition_table, _decode_partition_table
)

# ---------------------------------------------------------------------------------------------
# declarations


class P:
    """A parameter (or custom-type field) declaration."""

    __slots__ = ("attr", "name", "nullable", "since", "type")

    def __init__(
        self,
        name: str,
        type: FixedType | VarType | CustomType,
        *,
        nullable: bool = False,
        since: str | None = None,
        attr: str | None = None,
    ) -> None:
        self.name = name
        self.type = type
        self.nullable = nullable
        self.since = since
        self.attr = attr or name

    @property
    def fixed(self) -> bool:
        return isinstance(self.type, FixedType)


class Event:
    """An event a listener registration can deliver."""

    def __init__(self, name: str, params: Sequence[P], *, since: str | None = None) -> None:
        self.name = name
        self.params = list(params)
        self.since = since


class _SourceBuilder:
    """Collects generated source lines plus the globals they refer to."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {
            "_pack_header": _pack_header,
            "_uuid_to_parts": uuid_to_parts,
            "_uuid_from_parts": uuid_from_parts,
            "_encode_null": encode_null,
            "_skip_to_end": skip_to_end,
            "_expect_begin": _expect_begin,
            "ProtocolViolation": ProtocolViolation,
            "IS_NULL": IS_NULL,
            "END_DATA_STRUCTURE": END_DATA_STRUCTURE,
            "_SplitData": SplitData,
            "_split": _split,
        }
        self._counter = 0

    def ref(self, obj: Any, hint: str) -> str:
        """Make *obj* a global of the generated code; return its name."""
        self._counter += 1
        name = f"_{hint}_{self._counter}"
        self.namespace[name] = obj
        return name

    def add(self, indent: int, line: str) -> None:
        self.lines.append("    " * indent + line)

    def compile(self, name: str, filename: str) -> Any:
        source = "\n".join(self.lines) + "\n"
        code = compile(source, filename, "exec")
        exec(code, self.namespace)
        function = self.namespace[name]
        function.__source__ = source
        return function


def _fixed_struct(params: Sequence[P], header: str) -> struct.Struct:
    return struct.Struct("<" + header + "".join(p.type.fmt for p in params))  # type: ignore[union-attr]


def _pack_args(params: Sequence[P], values: Sequence[str]) -> list[str]:
    args = []
    for p, v in zip(params, values, strict=True):
        args.append(f"*_uuid_to_parts({v})" if p.type is UUID else v)
    return args


def _splittable(p: P) -> bool:
    """A Data parameter that may be a SplitData: any but a key (keys are always a Data)."""
    return p.type is DATA and p.name != "key"


def _emit_var_encode(sb: _SourceBuilder, indent: int, p: P, v: str, final: bool) -> None:
    flags = str(IS_FINAL if final else 0)
    t = p.type
    if p.nullable:
        sb.add(indent, f"if {v} is None:")
        sb.add(indent + 1, f"_encode_null(buf, {final})")
        sb.add(indent, "else:")
        indent += 1
    if _splittable(p):
        # a large value may come as a SplitData: its bytes become a part of their own
        sb.add(indent, f"buf += _pack_header(6 + len({v}), {flags})")
        sb.add(indent, f"if {v}.__class__ is _SplitData:")
        sb.add(indent + 1, f"msg, buf = _split(msg, buf, {v})")
        sb.add(indent, "else:")
        sb.add(indent + 1, f"buf += {v}")
    elif isinstance(t, VarType) and t.inline_encode is not None:
        sb.add(indent, t.inline_encode.format(v=v, flags=flags))
    else:
        fn = sb.ref(t.encode, "enc")  # type: ignore[union-attr]
        sb.add(indent, f"{fn}(buf, {v}, {final})")


def _emit_var_decode(
    sb: _SourceBuilder, indent: int, p: P, v: str, optional: bool, in_struct: bool
) -> None:
    """Decode one variable-size field into local *v*, advancing ``i``."""
    if optional:
        cond = "not f[i] & END_DATA_STRUCTURE" if in_struct else "i < len(c)"
        sb.add(indent, f"if {cond}:")
        _emit_var_decode(sb, indent + 1, p, v, False, in_struct)
        sb.add(indent, "else:")
        sb.add(indent + 1, f"{v} = None")
        return
    t = p.type
    if p.nullable:
        sb.add(indent, "if f[i] & IS_NULL:")
        sb.add(indent + 1, f"{v} = None")
        sb.add(indent + 1, "i += 1")
        sb.add(indent, "else:")
        indent += 1
    if isinstance(t, VarType) and t.inline_decode is not None:
        for part in t.inline_decode.format(v=v).split("; "):
            sb.add(indent, part)
    else:
        fn = sb.ref(t.decode, "dec")  # type: ignore[union-attr]
        sb.add(indent, f"{v}, i = {fn}(c, f, i)")


def _fixed_size(p: P) -> int:
    assert isinstance(p.type, FixedType)
    return p.type.size


def _is_newer(p: P, base: str) -> bool:
    return p.since is not None and _version(p.since) > _version(base)


def _emit_fixed_decode(
    sb: _SourceBuilder, indent: int, fixed: Sequence[P], base: str, content: str, offset: int
) -> None:
    """Decode fixed fields from *content* starting at *offset* into ``v_<name>`` locals."""
    core = [p for p in fixed if not _is_newer(p, base)]
    newer = [p for p in fixed if _is_newer(p, base)]
    if core and newer and fixed.index(newer[0]) < len(core):
        raise TypeError("newer fixed-size fields must come after the older ones")
    if core:
        st = _fixed_struct(core, "")
        name = sb.ref(st.unpack_from, "unpack")
        targets = []
        for p in core:
            if p.type is UUID:
                targets += [f"_n_{p.name}", f"_m_{p.name}", f"_l_{p.name}"]
            else:
                targets.append(f"v_{p.name}")
        sb.add(indent, f"{', '.join(targets)}, = {name}({content}, {offset})")
        for p in core:
            if p.type is UUID:
                sb.add(
                    indent,
                    f"v_{p.name} = _uuid_from_parts(_n_{p.name}, _m_{p.name}, _l_{p.name})",
                )
    pos = offset + sum(_fixed_size(p) for p in core)
    for p in newer:
        t: FixedType = p.type  # type: ignore[assignment]
        st = struct.Struct("<" + t.fmt)
        name = sb.ref(st.unpack_from, "unpack")
        sb.add(indent, f"if len({content}) >= {pos + t.size}:")
        if t is UUID:
            sb.add(indent + 1, f"v_{p.name} = _uuid_from_parts(*{name}({content}, {pos}))")
        else:
            sb.add(indent + 1, f"v_{p.name}, = {name}({content}, {pos})")
        sb.add(indent, "else:")
        sb.add(indent + 1, f"v_{p.name} = {t.default!r}")
        pos += t.size


class CustomType:
    """A composite protocol type (Address, MemberInfo, ErrorHolder, …).

    On the wire: BEGIN; a frame with the fixed-size fields (if any); the variable-size fields;
    END. *factory* builds the Python value from keyword arguments named by each field's
    ``attr``; encoding reads the same attributes back.
    """

    def __init__(
        self,
        name: str,
        fields: Sequence[P],
        factory: Callable[..., Any],
        *,
        since: str = "2.0",
    ) -> None:
        self.name = name
        self.fields = list(fields)
        self.factory = factory
        self.since = since
        self.inline_encode: str | None = None
        self.inline_decode: str | None = None

    def __repr__(self) -> str:
        return self.name

    @cached_property
    def _fixed(self) -> list[P]:
        return [f for f in self.fields if f.fixed]

    @cached_property
    def _var(self) -> list[P]:
        return [f for f in self.fields if not f.fixed]

    @cached_property
    def _piggyback(self) -> bool:
        # fixed fields all newer than the type itself ride in the BEGIN frame
        return bool(self._fixed) and all(_is_newer(f, self.since) for f in self._fixed)

    @cached_property
    def encode(self) -> Callable[[bytearray, Any, bool], None]:
        sb = _SourceBuilder()
        sb.add(0, "def encode(buf, value, final):")
        for f in self.fields:
            sb.add(1, f"v_{f.name} = value.{f.attr}")
        fixed = self._fixed
        if fixed:
            st = _fixed_struct(fixed, "iH")
            name = sb.ref(st.pack, "pack")
            first = BEGIN_DATA_STRUCTURE if self._piggyback else 0
            args = ", ".join(_pack_args(fixed, [f"v_{f.name}" for f in fixed]))
            if not self._piggyback:
                sb.add(1, f"buf += {sb.ref(_BEGIN_FRAME, 'begin')}")
            sb.add(1, f"buf += {name}({st.size}, {first}, {args})")
        else:
            sb.add(1, f"buf += {sb.ref(_BEGIN_FRAME, 'begin')}")
        for f in self._var:
            _emit_var_encode(sb, 1, f, f"v_{f.name}", False)
        end_final = sb.ref(_END_FINAL_FRAME, "end_final")
        end = sb.ref(_END_FRAME, "end")
        sb.add(1, f"buf += {end_final} if final else {end}")
        fn: Callable[[bytearray, Any, bool], None] = sb.compile(
            "encode", f"<codec {self.name}.encode>"
        )
        return fn

    @cached_property
    def decode(self) -> Callable[[Contents, Flags, int], tuple[Any, int]]:
        sb = _SourceBuilder()
        sb.add(0, "def decode(c, f, i):")
        fixed = self._fixed
        if self._piggyback:
            sb.add(1, "_c = c[i]")
            sb.add(1, "i = _expect_begin(c, f, i)")
            _emit_fixed_decode(sb, 1, fixed, self.since, "_c", 0)
        else:
            sb.add(1, "i = _expect_begin(c, f, i)")
            if fixed:
                sb.add(1, "_c = c[i]")
                sb.add(1, "i += 1")
                _emit_fixed_decode(sb, 1, fixed, self.since, "_c", 0)
        for f in self._var:
            _emit_var_decode(sb, 1, f, f"v_{f.name}", _is_newer(f, self.since), True)
        sb.add(1, "i = _skip_to_end(c, f, i)")
        factory = sb.ref(self.factory, "factory")
        kwargs = ", ".join(f"{f.attr}=v_{f.name}" for f in self.fields)
        sb.add(1, f"return {factory}({kwargs}), i")
        fn: Callable[[Contents, Flags, int], tuple[Any, int]] = sb.compile(
            "decode", f"<codec {self.name}.decode>"
        )
        return fn


# ---------------------------------------------------------------------------------------------
# message codecs

_REQUEST_HEADER = "iHiqi"  # length, flags, message type, correlation id, partition id
_RESPONSE_HEADER = "iHiqB"  # length, flags, message type, correlation id, backup acks
_EVENT_HEADER = _REQUEST_HEADER

_CORRELATION = struct.Struct("<q")
_PARTITION = struct.Struct("<i")
_FLAGS = struct.Struct("<H")


_CORRELATION_AND_PARTITION = struct.Struct("<qi")


#: ``pack_correlation_and_partition(buf, 10, correlation_id, partition_id)`` writes both
#: header fields of an encoded request at once (they are adjacent), as one C call
pack_correlation_and_partition: Final = _CORRELATION_AND_PARTITION.pack_into


def set_correlation_id(buf: bytearray, correlation_id: int) -> None:
    """Write *correlation_id* into an encoded message."""
    _CORRELATION.pack_into(buf, 10, correlation_id)


def set_partition_id(buf: bytearray, partition_id: int) -> None:
    """Write *partition_id* into an encoded request."""
    _PARTITION.pack_into(buf, 18, partition_id)


def add_flags(buf: bytearray, flags: int) -> None:
    """OR *flags* into the initial frame's flags of an encoded message."""
    (current,) = _FLAGS.unpack_from(buf, 4)
    _FLAGS.pack_into(buf, 4, current | flags)


def _result_type(codec: str, part: str, params: Sequence[P]) -> type | None:
    if len(params) < 2:
        return None
    # a protocol name that is a Python keyword ("from") gets a trailing underscore
    fields = [p.name + "_" if keyword.iskeyword(p.name) else p.name for p in params]
    return namedtuple(f"{codec}_{part}".replace(".", "_"), fields)


class Codec:
    """One method of the protocol: its request, its response and its events."""

    def __init__(
        self,
        name: str,
        request_type: int,
        *,
        request: Sequence[P] = (),
        response: Sequence[P] = (),
        events: Sequence[Event] = (),
        retryable: bool = False,
        since: str = "2.0",
        partition: str = "-1",
    ) -> None:
        self.name = name
        self.partition = partition
        self.request_type = request_type
        self.response_type = request_type + 1
        self.request = list(request)
        self.response = list(response)
        self.events = list(events)
        self.event_types = {event.name: request_type + 2 + n for n, event in enumerate(events)}
        self.retryable = retryable
        self.since = since
        self.ResponseParams = _result_type(name, "response", self.response)
        self.RequestParams = _result_type(name, "request", self.request)
        self.EventParams = {
            event.name: _result_type(name, event.name, event.params) for event in self.events
        }

    def __repr__(self) -> str:
        return f"Codec({self.name}, 0x{self.request_type:06x})"

    # -- generation helpers ---------------------------------------------------------------

    def _encoder(
        self,
        fn_name: str,
        params: Sequence[P],
        header: str,
        header_values: str,
        message_type: int,
        extra_flags: int,
        extra_args: str,
    ) -> Callable[..., bytearray]:
        sb = _SourceBuilder()
        names = [f"v_{p.name}" for p in params]
        signature = ", ".join(names + ([extra_args] if extra_args else []))
        sb.add(0, f"def {fn_name}({signature}):")
        fixed = [p for p in params if p.fixed]
        var = [p for p in params if not p.fixed]
        st = _fixed_struct(fixed, header)
        pack = sb.ref(st.pack, "pack")
        flags = UNFRAGMENTED | extra_flags | (0 if var else IS_FINAL)
        args = [str(st.size), str(flags), str(message_type), "0", header_values]
        args += _pack_args(fixed, [f"v_{p.name}" for p in fixed])
        splittable = any(_splittable(p) for p in var)
        sb.add(1, f"buf = {'msg = ' if splittable else ''}bytearray({pack}({', '.join(args)}))")
        for n, p in enumerate(var):
            _emit_var_encode(sb, 1, p, f"v_{p.name}", n == len(var) - 1)
        if splittable:
            sb.add(1, "if msg is not buf and not buf:")  # a large value came last
            sb.add(2, "msg.parts.pop()")
            sb.add(1, "return msg")
        else:
            sb.add(1, "return buf")
        fn: Callable[..., bytearray] = sb.compile(fn_name, f"<codec {self.name}.{fn_name}>")
        return fn

    def _decoder(
        self,
        fn_name: str,
        params: Sequence[P],
        offset: int,
        result: type | None,
        since: str | None = None,
    ) -> Callable[[ClientMessage], Any]:
        base = since or self.since
        sb = _SourceBuilder()
        sb.add(0, f"def {fn_name}(message):")
        sb.add(1, "c = message.contents")
        sb.add(1, "f = message.frame_flags")
        fixed = [p for p in params if p.fixed]
        var = [p for p in params if not p.fixed]
        if fixed:
            sb.add(1, "_c = c[0]")
            _emit_fixed_decode(sb, 1, fixed, base, "_c", offset)
        if var:
            sb.add(1, "i = 1")
            for p in var:
                _emit_var_decode(sb, 1, p, f"v_{p.name}", _is_newer(p, base), False)
        values = [f"v_{p.name}" for p in params]
        if result is not None:
            sb.add(1, f"return {sb.ref(result, 'result')}({', '.join(values)})")
        elif values:
            sb.add(1, f"return {values[0]}")
        else:
            sb.add(1, "return None")
        fn: Callable[[ClientMessage], Any] = sb.compile(fn_name, f"<codec {self.name}.{fn_name}>")
        return fn

    # -- client side ----------------------------------------------------------------------

    @cached_property
    def encode_request(self) -> Callable[..., bytearray]:
        """``encode_request(*params) -> bytearray``; correlation id 0, partition id -1."""
        return self._encoder(
            "encode_request", self.request, _REQUEST_HEADER, "-1", self.request_type, 0, ""
        )

    @cached_property
    def decode_response(self) -> Callable[[ClientMessage], Any]:
        """The response's single value, a named tuple of its values, or None."""
        return self._decoder(
            "decode_response", self.response, RESPONSE_HEADER_SIZE, self.ResponseParams
        )

    def event_decoder(self, event: str) -> Callable[[ClientMessage], Any]:
        """Decoder of the named event (single value, named tuple, or None)."""
        return self._event_decoders[event]

    @cached_property
    def _event_decoders(self) -> dict[str, Callable[[ClientMessage], Any]]:
        return {
            e.name: self._decoder(
                f"decode_{e.name}_event",
                e.params,
                EVENT_HEADER_SIZE,
                self.EventParams[e.name],
                e.since,
            )
            for e in self.events
        }

    # -- member side (tests and fake members) ---------------------------------------------

    @cached_property
    def decode_request(self) -> Callable[[ClientMessage], Any]:
        """Decode a request as a member would: a named tuple (or single value, or None)."""
        return self._decoder("decode_request", self.request, 16, self.RequestParams)

    @cached_property
    def encode_response(self) -> Callable[..., bytearray]:
        """``encode_response(*values, backup_acks=0) -> bytearray`` with correlation id 0."""
        return self._encoder(
            "encode_response",
            self.response,
            _RESPONSE_HEADER,
            "backup_acks",
            self.response_type,
            0,
            "backup_acks=0",
        )

    def event_encoder(self, event: str) -> Callable[..., bytearray]:
        """``encoder(*values, partition_id=-1) -> bytearray`` for the named event."""
        return self._event_encoders[event]

    @cached_property
    def _event_encoders(self) -> dict[str, Callable[..., bytearray]]:
        return {
            e.name: self._encoder(
                f"encode_{e.name}_event",
                e.params,
                _EVENT_HEADER,
                "partition_id",
                self.event_types[e.name],
                IS_EVENT,
                "partition_id=-1",
            )
            for e in self.events
        }
