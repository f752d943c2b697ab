"""What a Queue does with a response that arrives after its caller left (no member needed).

The integration tests (tests/integration/test_queue.py) show it end to end for take and poll;
here every kind of late response is checked, drain_to's included, which a real member cannot
be made to deliver late on demand.
"""

from __future__ import annotations

from typing import Any

from hztrio.protocol.codecs import queue as codecs
from hztrio.protocol.frame import parse_message
from hztrio.proxy.base import ProxyContext
from hztrio.proxy.queue import QUEUE_SERVICE, Queue
from hztrio.serialization import SerializationService

PARTITION = 42


class _Partitions:
    def get_partition_id(self, key: Any) -> int:
        return PARTITION


def _queue() -> tuple[Queue[Any], SerializationService]:
    serialization = SerializationService()
    context = ProxyContext(
        invocations=None,  # type: ignore[arg-type]
        partitions=_Partitions(),  # type: ignore[arg-type]
        serialization=serialization,
        on_destroy=lambda proxy: None,
    )
    return Queue(QUEUE_SERVICE, "jobs", context), serialization


def _partition_of(request: bytearray) -> int:
    return int.from_bytes(request[18:22], "little", signed=True)


def test_an_item_taken_for_a_cancelled_take_is_put_back() -> None:
    queue, serialization = _queue()
    item = serialization.to_data("precious")
    for operation, codec in (("take", codecs.QUEUE_TAKE), ("poll", codecs.QUEUE_POLL)):
        response = parse_message(codec.encode_response(item))
        request = queue._give_back(operation)(response)
        assert request is not None
        put = codecs.QUEUE_PUT.decode_request(parse_message(request))
        assert (put.name, put.value) == ("jobs", item)
        assert _partition_of(request) == PARTITION


def test_nothing_taken_nothing_put_back() -> None:
    queue, _ = _queue()
    empty_poll = parse_message(codecs.QUEUE_POLL.encode_response(None))
    assert queue._give_back("poll")(empty_poll) is None
    empty_drain = parse_message(codecs.QUEUE_DRAIN_TO_MAX_SIZE.encode_response([]))
    assert queue._give_back("drain_to")(empty_drain) is None


def test_items_drained_for_a_cancelled_drain_to_are_added_back_in_order() -> None:
    queue, serialization = _queue()
    items = [serialization.to_data(x) for x in ("a", "b", "c")]
    response = parse_message(codecs.QUEUE_DRAIN_TO_MAX_SIZE.encode_response(items))
    request = queue._give_back("drain_to")(response)
    assert request is not None
    add_all = codecs.QUEUE_ADD_ALL.decode_request(parse_message(request))
    assert (add_all.name, list(add_all.data_list)) == ("jobs", items)
    assert _partition_of(request) == PARTITION


def test_late_adds_are_only_reported() -> None:
    queue, _ = _queue()
    offered = parse_message(codecs.QUEUE_OFFER.encode_response(True))
    assert queue._report_late_add("offer")(offered) is None
    put = parse_message(codecs.QUEUE_PUT.encode_response())
    assert queue._report_late_add("put")(put) is None
