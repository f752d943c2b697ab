"""Byte-exact tests of frames, the message reader and the compiled codecs.

Vectors come from protocol.md Appendix D (produced with the official client's codecs); the
official client package is also used as an oracle for messages the appendix lacks.
"""

from __future__ import annotations

import struct
import tracemalloc
import uuid

import pytest

from hztrio.protocol import custom
from hztrio.protocol.codec import (
    DATA,
    INT,
    LONG,
    PARTITION_TABLE,
    STRING,
    UUID,
    Codec,
    CustomType,
    Event,
    P,
    entry_list,
    list_of,
    listcn_of,
    set_correlation_id,
    set_partition_id,
)
from hztrio.protocol.codecs import client as client_codecs
from hztrio.protocol.codecs import map as map_codecs
from hztrio.protocol.frame import (
    BEGIN_FRAGMENT,
    END_FRAGMENT,
    IS_FINAL,
    IS_NULL,
    ClientMessage,
    MessageReader,
    ProtocolViolation,
    parse_message,
)
from hztrio.protocol.types import Address, MemberInfo, MemberVersion

KEY1 = bytes.fromhex("00000000fffffff5000000046b657931")  # String "key1"
INT54 = bytes.fromhex("00000000fffffff900000036")  # int 54


def _hex(text: str) -> bytes:
    return bytes.fromhex("".join(text.split()))


def test_ping_request_vector() -> None:
    buf = client_codecs.CLIENT_PING.encode_request()
    set_correlation_id(buf, 1)
    assert bytes(buf) == _hex("1600000000e0000b00000100000000000000ffffffff")


def test_create_proxy_request_vector() -> None:
    buf = client_codecs.CLIENT_CREATE_PROXY.encode_request("my-map", "hz:impl:mapService")
    set_correlation_id(buf, 2)
    assert bytes(buf) == _hex(
        "1600000000c0000400000200000000000000ffffffff0c00000000006d792d6d"
        "6170180000000020687a3a696d706c3a6d617053657276696365"
    )


def test_map_get_request_vector() -> None:
    buf = map_codecs.MAP_GET.encode_request("my-map", KEY1, 1)
    set_correlation_id(buf, 3)
    set_partition_id(buf, 43)
    assert bytes(buf) == _hex(
        "1e00000000c00002010003000000000000002b00000001000000000000000c00"
        "000000006d792d6d617016000000002000000000fffffff5000000046b657931"
    )


def test_map_put_request_vector() -> None:
    buf = map_codecs.MAP_PUT.encode_request("my-map", KEY1, INT54, 1, -1)
    set_correlation_id(buf, 4)
    set_partition_id(buf, 43)
    assert bytes(buf) == _hex(
        "2600000000c00001010004000000000000002b0000000100000000000000ffff"
        "ffffffffffff0c00000000006d792d6d617016000000000000000000fffffff5"
        "000000046b65793112000000002000000000fffffff900000036"
    )


def test_authentication_request_matches_2_0_vector_plus_2_8_fields() -> None:
    client_uuid = uuid.UUID("1862c7d2-f89c-4151-981d-07a6287089d3")
    buf = client_codecs.CLIENT_AUTHENTICATION.encode_request(
        "dev", None, None, client_uuid, "PYH", 1, "5.3.0", "hz.client_0", [], 1, False
    )
    set_correlation_id(buf, 5)
    v20 = _hex(
        "2800000000c0000100000500000000000000ffffffff0051419cf8d2c76218d3"
        "897028a6071d9801090000000000646576060000000004060000000004090000"
        "0000005059480b0000000000352e332e30110000000000687a2e636c69656e74"
        "5f30060000000010060000000028"
    )
    # ours is the 2.8 layout: two more initial-frame bytes (routing mode, cp routing)
    assert buf[0] == 42 and v20[0] == 40
    assert bytes(buf[4:40]) == v20[4:40]
    assert bytes(buf[40:42]) == b"\x01\x00"
    assert bytes(buf[42:]) == v20[40:]


def test_map_get_responses_vectors() -> None:
    msg = parse_message(
        _hex("1300000000c00102010003000000000000000012000000002000000000fffffff900000036")
    )
    assert msg.correlation_id == 3
    assert msg.message_type == 0x010201
    assert msg.backup_acks == 0
    assert map_codecs.MAP_GET.decode_response(msg) == INT54
    null = parse_message(_hex("1300000000c001020100030000000000000000060000000024"))
    assert map_codecs.MAP_GET.decode_response(null) is None


def test_backup_event_vector() -> None:
    msg = parse_message(_hex("1e00000080e2020f00000700000000000000ffffffff0400000000000000"))
    assert msg.is_event and msg.is_backup_event
    assert msg.correlation_id == 7
    decode = client_codecs.CLIENT_LOCAL_BACKUP_LISTENER.event_decoder("backup")
    assert decode(msg) == 4


def test_error_response_vector() -> None:
    from hztrio.errors import HazelcastInstanceNotActiveError, create_error
    from hztrio.invocation import ERROR_RESPONSE

    msg = parse_message(
        _hex(
            "1300000000c0000000000800000000000000000600000000100600000000100a"
            "0000000000130000003c0000000000636f6d2e68617a656c636173742e636f72"
            "652e48617a656c63617374496e7374616e63654e6f7441637469766545786365"
            "7074696f6e27000000000048617a656c6361737420696e7374616e6365206973"
            "206e6f7420616374697665210600000000100600000000080600000000080600"
            "00000028"
        )
    )
    holders = ERROR_RESPONSE.decode_response(msg)
    assert len(holders) == 1
    assert holders[0].error_code == 19
    error = create_error(holders)
    assert isinstance(error, HazelcastInstanceNotActiveError)
    assert "Hazelcast instance is not active!" in str(error)


def test_authentication_response_round_trip_and_old_member_layout() -> None:
    codec = client_codecs.CLIENT_AUTHENTICATION
    member = uuid.uuid4()
    cluster = uuid.uuid4()
    info = MemberInfo(Address("127.0.0.1", 5701), member, {"a": "b"}, False, MemberVersion(5, 5, 0))
    buf = codec.encode_response(
        0,
        Address("127.0.0.1", 5701),
        member,
        1,
        "5.5.0",
        271,
        cluster,
        True,
        None,
        None,
        3,
        [info],
        4,
        [(member, [0, 1, 2])],
        {"k": "v"},
    )
    decoded = codec.decode_response(parse_message(buf))
    assert decoded.status == 0
    assert decoded.member_uuid == member
    assert decoded.cluster_id == cluster
    assert decoded.partition_count == 271
    assert decoded.address == Address("127.0.0.1", 5701)
    assert decoded.member_infos == [info]
    assert decoded.partitions == [(member, [0, 1, 2])]
    assert decoded.key_value_pairs == {"k": "v"}
    assert decoded.member_list_version == 3

    # a 4.0 member: a 2.0 initial frame (no list versions) and only the two 2.0 var frames
    frames = []
    pos = 0
    while pos < len(buf):
        length, flags = struct.unpack_from("<iH", buf, pos)
        frames.append((flags, bytes(buf[pos + 6 : pos + length])))
        pos += length
    initial_flags, initial = frames[0]
    old_initial = initial[: 13 + 1 + 17 + 1 + 4 + 17 + 1]
    address_end = next(i for i, (f, _) in enumerate(frames) if f & 0x0800) + 1
    old = bytearray()
    kept = [(initial_flags, old_initial), *frames[1 : address_end + 1]]
    for n, (flags, payload) in enumerate(kept):
        flags &= ~IS_FINAL
        if n == len(kept) - 1:
            flags |= IS_FINAL
        old += struct.pack("<iH", 6 + len(payload), flags) + payload
    decoded = codec.decode_response(parse_message(old))
    assert decoded.status == 0 and decoded.member_uuid == member
    assert decoded.server_hazelcast_version == "5.5.0"
    assert decoded.member_list_version == 0
    assert decoded.member_infos is None and decoded.key_value_pairs is None


def test_cluster_view_events_round_trip() -> None:
    codec = client_codecs.CLIENT_ADD_CLUSTER_VIEW_LISTENER
    members = [
        MemberInfo(Address("127.0.0.1", 5701 + i), uuid.uuid4(), {}, False, MemberVersion(5, 5, 0))
        for i in range(3)
    ]
    buf = codec.event_encoder("MembersView")(7, members)
    msg = parse_message(buf)
    assert msg.is_event and msg.message_type == 0x000302
    version, decoded = codec.event_decoder("MembersView")(msg)
    assert version == 7 and decoded == members
    table = [(m.uuid, list(range(i, 271, 3))) for i, m in enumerate(members)]
    msg = parse_message(codec.event_encoder("PartitionsView")(9, table))
    assert codec.event_decoder("PartitionsView")(msg) == (9, table)


def test_official_client_decodes_our_members_view() -> None:
    hz_codec = pytest.importorskip(
        "hazelcast.protocol.codec.client_add_cluster_view_listener_codec"
    )
    from hazelcast.protocol.client_message import InboundMessage

    codec = client_codecs.CLIENT_ADD_CLUSTER_VIEW_LISTENER
    member = MemberInfo(
        Address("10.0.0.1", 5701), uuid.uuid4(), {"x": "y"}, True, MemberVersion(5, 4, 1)
    )
    buf = codec.event_encoder("MembersView")(2, [member])
    seen = []
    official = InboundMessage(_official_frames(buf))
    hz_codec.handle(official, lambda version, infos: seen.append((version, infos)))
    version, infos = seen[0]
    assert version == 2
    assert infos[0].uuid == member.uuid
    assert infos[0].lite_member is True
    assert (infos[0].address.host, infos[0].address.port) == ("10.0.0.1", 5701)
    assert infos[0].attributes == {"x": "y"}


def _official_frames(buf: bytes | bytearray):  # type: ignore[no-untyped-def]
    from hazelcast.protocol.client_message import Frame

    head = None
    tail = None
    pos = 0
    while pos < len(buf):
        length, flags = struct.unpack_from("<iH", buf, pos)
        frame = Frame(bytearray(buf[pos + 6 : pos + length]), flags)
        if head is None:
            head = tail = frame
        else:
            tail.next = frame
            tail = frame
        pos += length
    return head


def test_composite_types_round_trip() -> None:
    codec = Codec(
        "Test.all",
        0x7F0100,
        request=[
            P("strings", list_of(STRING)),
            P("maybe", listcn_of(DATA)),
            P("pairs", entry_list(DATA, DATA)),
            P("ints", list_of(INT)),
            P("longs", list_of(LONG)),
            P("uuids", list_of(UUID)),
            P("uuid_longs", entry_list(UUID, LONG)),
            P("int_pairs", entry_list(INT, INT)),
            P("table", PARTITION_TABLE),
            P("addresses", list_of(custom.ADDRESS)),
            P("nullable_uuid", UUID, nullable=True),
            P("tail", STRING, nullable=True),
        ],
    )
    u1, u2 = uuid.uuid4(), uuid.uuid4()
    values = (
        ["a", "", "ünï"],
        [b"x", None, b""],
        [(b"k1", b"v1"), (b"k2", b"v2")],
        [1, -2, 2**31 - 1],
        [2**63 - 1, -(2**63)],
        [u1, u2],
        [(u1, 5), (u2, -5)],
        [(1, 2), (3, 4)],
        [(u1, [1, 2]), (u2, [])],
        [Address("h", 1), Address("::1", 2)],
        None,
        None,
    )
    buf = codec.encode_request(*values)
    assert tuple(codec.decode_request(parse_message(buf))) == values


def test_custom_type_skips_unknown_newer_fields() -> None:
    newer = CustomType(
        "Pt", [P("x", INT), P("name", STRING), P("extra", STRING, since="2.9")], dict
    )
    older = CustomType("Pt", [P("x", INT), P("name", STRING)], dict)
    codec_new = Codec("T.x", 0x7F0200, request=[P("p", newer), P("after", STRING)])
    codec_old = Codec("T.x", 0x7F0200, request=[P("p", older), P("after", STRING)])

    class Obj(dict):  # type: ignore[type-arg]
        def __getattr__(self, item: str) -> object:
            return self[item]

    buf = codec_new.encode_request(Obj(x=1, name="n", extra="e"), "after")
    p, after = codec_old.decode_request(parse_message(buf))
    assert p == {"x": 1, "name": "n"} and after == "after"
    p, after = codec_new.decode_request(
        parse_message(codec_old.encode_request(Obj(x=2, name="m"), "z"))
    )
    assert p == {"x": 2, "name": "m", "extra": None} and after == "z"


def test_events_with_flags_and_partition() -> None:
    codec = Codec(
        "T.listen",
        0x7F0300,
        events=[Event("Thing", [P("key", DATA, nullable=True), P("kind", INT)])],
    )
    buf = codec.event_encoder("Thing")(None, 3, partition_id=17)
    msg = parse_message(buf)
    assert msg.is_event and msg.partition_id == 17
    assert codec.event_decoder("Thing")(msg) == (None, 3)


# -- the reader ---------------------------------------------------------------------------


def _messages(n: int) -> bytes:
    out = bytearray()
    for i in range(n):
        buf = map_codecs.MAP_GET.encode_request(f"m{i}", KEY1, i)
        set_correlation_id(buf, i)
        out += buf
    return bytes(out)


@pytest.mark.parametrize("chunk", [1, 2, 5, 7, 64, 1000])
def test_reader_reassembles_any_chunking(chunk: int) -> None:
    data = _messages(20)
    reader = MessageReader()
    got: list[ClientMessage] = []
    for i in range(0, len(data), chunk):
        got += reader.feed(data[i : i + chunk])
    assert [m.correlation_id for m in got] == list(range(20))
    assert reader.buffered == 0
    assert map_codecs.MAP_GET.decode_request(got[5]) == ("m5", KEY1, 5)


def _large_put(value_size: int, correlation_id: int) -> tuple[bytes, bytes]:
    value = bytes(range(256)) * (value_size // 256)
    buf = map_codecs.MAP_PUT.encode_request("big", KEY1, value, 1, -1)
    set_correlation_id(buf, correlation_id)
    return value, bytes(buf)


@pytest.mark.parametrize("chunk", [7, 4096, 300_000, 10**7])
def test_reader_receives_a_large_frame_in_place_through_feed(chunk: int) -> None:
    value, message = _large_put(1 << 20, 7)
    data = _messages(1) + message + _messages(2)
    reader = MessageReader()
    got: list[ClientMessage] = []
    for i in range(0, len(data), chunk):
        got += reader.feed(data[i : i + chunk])
    assert [m.correlation_id for m in got] == [0, 7, 0, 1]
    name, key, received, thread_id, ttl = map_codecs.MAP_PUT.decode_request(got[1])
    assert (name, key, received, thread_id, ttl) == ("big", KEY1, value, 1, -1)
    assert reader.buffered == 0 and reader.large_frame_buffer is None and reader.wanted == 0


def test_reader_receives_a_large_frame_in_place_through_its_buffer() -> None:
    value, message = _large_put(1 << 20, 3)
    reader = MessageReader()
    head = 1000
    assert reader.feed(message[:head]) == []
    assert reader.buffered == head - 6  # all but the large frame's header
    pos = head
    got: list[ClientMessage] = []
    while (view := reader.large_frame_buffer) is not None:
        assert reader.wanted == len(view)
        n = min(len(view), 65536)
        view[:n] = message[pos : pos + n]
        pos += n
        got += reader.received_into(n)
    assert pos == len(message)
    assert [m.correlation_id for m in got] == [3]
    assert isinstance(got[0].contents[-1], bytearray)  # the buffer itself, not a copy
    assert map_codecs.MAP_PUT.decode_request(got[0])[2] == value
    with pytest.raises(ValueError, match="does not fit"):
        reader.received_into(1)


def _large_message(value_size: int, fill: int, correlation_id: int = 9) -> tuple[bytes, bytes]:
    value = bytes([fill]) * value_size
    buf = map_codecs.MAP_PUT.encode_request("big", KEY1, value, 1, -1)
    set_correlation_id(buf, correlation_id)
    return value, bytes(buf)


def _read_one(reader: MessageReader, message: bytes, chunk: int = 65536) -> ClientMessage:
    got: list[ClientMessage] = []
    for i in range(0, len(message), chunk):
        got += reader.feed(message[i : i + chunk])
    assert len(got) == 1
    return got[0]


def _value_of(message: ClientMessage) -> bytes:
    return map_codecs.MAP_PUT.decode_request(message)[2]  # type: ignore[no-any-return]


def test_reader_reuses_a_large_frame_buffer_nothing_refers_to() -> None:
    size = 4 << 20
    reader = MessageReader()
    first_value, first = _large_message(size, 1)
    second_value, second = _large_message(size, 2)
    assert _value_of(_read_one(reader, first)) == first_value
    tracemalloc.start()
    try:
        message = _read_one(reader, second)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < size // 2  # the chunks only: no second buffer of the frame's size
    assert _value_of(message) == second_value


@pytest.mark.parametrize("holder", ["message", "content", "memoryview"])
def test_reader_never_reuses_a_large_frame_buffer_still_referred_to(holder: str) -> None:
    size = 1 << 20
    reader = MessageReader()
    first_value, first = _large_message(size, 1)
    message = _read_one(reader, first)
    content = message.contents[-1]
    kept: object = {
        "message": message,
        "content": content,
        "memoryview": memoryview(content)[100:200],
    }[holder]
    expected = bytes(content)
    del message, content
    second_value, second = _large_message(size, 2)
    assert _value_of(_read_one(reader, second)) == second_value
    if isinstance(kept, ClientMessage):
        assert _value_of(kept) == first_value
        assert bytes(kept.contents[-1]) == expected
    elif isinstance(kept, memoryview):
        assert kept.tobytes() == expected[100:200]
    else:
        assert bytes(kept) == expected  # type: ignore[call-overload]


def test_reader_large_frames_of_other_sizes_get_buffers_of_their_size() -> None:
    reader = MessageReader()
    for size, fill in [(1 << 20, 1), (600 << 10, 2), (1 << 20, 3), (300 << 10, 4), (1 << 20, 5)]:
        value, data = _large_message(size, fill)
        message = _read_one(reader, data)
        assert len(message.contents[-1]) == size
        assert _value_of(message) == value
        del message  # so that the next frame may reuse this one's buffer


def test_reader_lets_go_of_its_spare_buffer_after_small_traffic() -> None:
    size = 4 << 20
    reader = MessageReader()
    tracemalloc.start()
    try:
        value, data = _large_message(size, 1)
        assert _value_of(_read_one(reader, data)) == value
        del value, data
        held, _ = tracemalloc.get_traced_memory()
        small = _messages(1)
        for _ in range(100):
            assert len(reader.feed(small)) == 1
        released, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held - released > size // 2


def test_reader_large_frame_counts_towards_the_message_limit() -> None:
    _, message = _large_put(1 << 20, 3)
    reader = MessageReader(max_message_size=1 << 19)
    with pytest.raises(ProtocolViolation, match="more than"):
        reader.feed(message[:1000])


def test_reader_rejects_short_frame() -> None:
    reader = MessageReader()
    with pytest.raises(ProtocolViolation, match="below the minimum"):
        reader.feed(struct.pack("<iH", 3, IS_FINAL))


def test_reader_rejects_oversized_message_before_buffering_it() -> None:
    reader = MessageReader(max_message_size=1024)
    with pytest.raises(ProtocolViolation, match="more than 1024"):
        reader.feed(struct.pack("<iH", 2**31 - 1, 0xC000) + b"x" * 10)


def test_reader_rejects_oversized_multi_frame_message() -> None:
    reader = MessageReader(max_message_size=100)
    frame = struct.pack("<iH", 60, 0xC000) + b"\0" * 54
    with pytest.raises(ProtocolViolation):
        reader.feed(frame + frame)


def test_reader_rejects_truncated_header() -> None:
    reader = MessageReader()
    with pytest.raises(ProtocolViolation, match="shorter than a message header"):
        reader.feed(struct.pack("<iH", 8, 0xE000) + b"\0\0")


def _fragment(fragment_id: int, flags: int, payload_frames: bytes) -> bytes:
    return struct.pack("<iHq", 14, flags, fragment_id) + payload_frames


def test_reader_reassembles_fragments_interleaved_with_other_messages() -> None:
    whole = map_codecs.MAP_PUT.encode_request("name", KEY1, INT54, 1, -1)
    set_correlation_id(whole, 99)
    frames = []
    pos = 0
    while pos < len(whole):
        (length,) = struct.unpack_from("<i", whole, pos)
        frames.append(bytearray(whole[pos : pos + length]))
        pos += length
    # the last frame of each fragment carries IS_FINAL (the original last frame has it)
    for f in (frames[0], frames[2]):
        struct.pack_into("<H", f, 4, struct.unpack_from("<H", f, 4)[0] | IS_FINAL)
    other = _messages(1)
    data = (
        _fragment(5, BEGIN_FRAGMENT, bytes(frames[0]))
        + other
        + _fragment(5, 0, bytes(frames[1]) + bytes(frames[2]))
        + _fragment(5, END_FRAGMENT, bytes(frames[3]))
    )
    got = MessageReader().feed(data)
    assert [m.correlation_id for m in got] == [0, 99]
    assert map_codecs.MAP_PUT.decode_request(got[1]) == ("name", KEY1, INT54, 1, -1)


def test_reader_rejects_fragment_without_beginning() -> None:
    with pytest.raises(ProtocolViolation, match="never begun"):
        MessageReader().feed(_fragment(1, END_FRAGMENT, _messages(1)))


def test_value_lists_decode_as_slices_and_reject_malformed_ones() -> None:
    from hztrio.protocol.codec import data_list_slice, data_pair_columns

    codec = Codec("T.lists", 0x7F0400, request=[P("values", list_of(DATA)), P("tail", STRING)])
    msg = parse_message(codec.encode_request([b"a", b"bb", b""], "end"))
    assert codec.decode_request(msg) == ([b"a", b"bb", b""], "end")
    values, nxt = data_list_slice(msg.contents, msg.frame_flags, 1)
    assert values == [b"a", b"bb", b""] and msg.contents[nxt] == b"end"

    pairs = Codec("T.pairs", 0x7F0500, request=[P("entries", entry_list(DATA, DATA))])
    msg = parse_message(pairs.encode_request([(b"k1", b"v1"), (b"k2", b"v2")]))
    keys, vals, _ = data_pair_columns(msg.contents, msg.frame_flags, 1)
    assert (keys, vals) == ([b"k1", b"k2"], [b"v1", b"v2"])

    # a list frame with flags (null or nested) and a list without its END frame
    flagged = bytearray(codec.encode_request([b"a"], "x"))
    struct.pack_into("<H", flagged, 22 + 6 + 4, IS_NULL)  # the element after BEGIN
    with pytest.raises(ProtocolViolation):
        codec.decode_request(parse_message(flagged))
    no_end = Codec("T.bad", 0x7F0600, request=[P("values", list_of(DATA))])
    raw = bytearray(no_end.encode_request([b"a"]))
    struct.pack_into("<H", raw, len(raw) - 2, IS_FINAL)  # END flag removed from the last frame
    with pytest.raises(ProtocolViolation):
        no_end.decode_request(parse_message(raw))


def test_every_generated_codec_module_imports_and_compiles() -> None:
    # A module no proxy uses yet must not break once one does: import every module and
    # build every codec's functions (List.sub has a parameter named "from", a keyword).
    import importlib
    import pkgutil

    import hztrio.protocol.codecs as package

    compiled = 0
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, Codec):
                assert callable(value.encode_request)
                assert callable(value.decode_response)
                for event in value.events:
                    assert callable(value.event_decoder(event.name))
                compiled += 1
    assert compiled > 250
    from hztrio.protocol.codecs.list import LIST_SUB

    assert LIST_SUB.RequestParams._fields == ("name", "from_", "to")
