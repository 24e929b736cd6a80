"""batches/items.py and intake.py: a batch body cut into items and validated as it arrives, without a server."""

from __future__ import annotations

import json

import pytest

from tests.support.recaps import distinct_recap, load_recap
from tornado_render.batches.intake import MAX_REPORTED_ITEMS, BatchIntake, pack, unpack
from tornado_render.batches.items import ArrayItems, BatchFormatError, NdjsonItems, splitter_for
from tornado_render.jobs.model import job_key
from tornado_render.settings import Settings
from tornado_render.templates import TemplateCatalog
from tornado_render.validation.request_parsing import parse_json_body
from tornado_render.validation.schemas import RequestLimits

LIMITS = RequestLimits.from_settings(Settings(), TemplateCatalog.for_remotion_dir(Settings().remotion_dir))


def split(splitter: ArrayItems | NdjsonItems, body: bytes, chunk: int) -> list[bytes]:
    items: list[bytes] = []
    for start in range(0, len(body), chunk):
        items += splitter.feed(body[start : start + chunk])
    return items + splitter.close()


class TestArrayItems:
    @pytest.mark.parametrize("chunk", [1, 2, 3, 7, 4096])
    def test_items_whatever_the_chunks(self, chunk: int) -> None:
        """Strings holding `,` `]` `}` and escaped quotes, nested lists and objects: the same items for any chunking."""
        values = [{"a": 'x,]"}\\'}, {"b": [1, [2], {"c": "}"}]}, 3, 's\\"']
        body = json.dumps(values, indent=1).encode()
        assert [json.loads(item) for item in split(ArrayItems(1000), body, chunk)] == values

    @pytest.mark.parametrize(
        ("body", "index", "message"),
        [
            (b'{"a": 1}', 0, "the body is not a JSON array: it must start with ["),
            (b"[1,,2]", 1, "item 1 is empty (two commas in a row?)"),
            (b"[1,]", 1, "item 1 is empty (a comma before the closing ]?)"),
            (b"[1, 2", 1, "the array ends before its closing ] (in item 1)"),
            (b"[1] [2]", 1, "there is more after the array's closing ]"),
            (b"  ", 0, "the body is empty; expected a JSON array of RenderRequests"),
            (b'["' + b"x" * 2000 + b'"]', 0, "item 0 is larger than 1 KiB"),
        ],
    )
    def test_not_a_batch(self, body: bytes, index: int, message: str) -> None:
        """A body that cannot be a batch is refused naming the item it was reading."""
        with pytest.raises(BatchFormatError) as refused:
            split(ArrayItems(1024), body, 5)
        assert (refused.value.index, refused.value.message) == (index, message)

    def test_empty_array(self) -> None:
        """`[]` has no items (the handler refuses an empty batch, not the splitter)."""
        assert split(ArrayItems(1000), b" [ ] ", 2) == []


class TestNdjsonItems:
    def test_lines(self) -> None:
        """One item a line, blank lines skipped, the last line without its newline kept."""
        assert split(NdjsonItems(1000), b'{"a":1}\r\n\n{"b":2}\n  \n{"c":3}', 4) == [
            b'{"a":1}\r',
            b'{"b":2}',
            b'{"c":3}',
        ]

    def test_a_line_too_long(self) -> None:
        """A line longer than an item may be is refused as soon as it is, naming its index."""
        with pytest.raises(BatchFormatError) as refused:
            split(NdjsonItems(10), b"1\n" + b"2" * 11 + b"\n", 3)
        assert refused.value.index == 1

    @pytest.mark.parametrize(
        ("content_type", "kind"),
        [
            ("application/json", ArrayItems),
            ("Application/JSON; charset=utf-8", ArrayItems),
            ("application/x-ndjson", NdjsonItems),
            ("application/ndjson", NdjsonItems),
        ],
    )
    def test_splitter_by_content_type(self, content_type: str, kind: type) -> None:
        """JSON is an array, NDJSON a line each; anything else has no splitter (415)."""
        assert isinstance(splitter_for(content_type, 10), kind)
        assert splitter_for("text/plain", 10) is None


class TestIntake:
    def test_valid_items_become_requests(self) -> None:
        """Each item validated as POST /render validates its body, in order."""
        intake = BatchIntake(ArrayItems(1 << 20), LIMITS)
        intake.feed(json.dumps([distinct_recap("one-book", f"M{i}") for i in range(3)]).encode())
        intake.close()
        assert [unpack(packed).month_name for packed in intake.requests] == ["M0", "M1", "M2"]
        assert intake.bad_count == 0

    def test_bad_items_named_and_nothing_kept(self) -> None:
        """Bad items are named by index, with POST /render's fields and plain messages; no request is kept."""
        bad = load_recap("one-book")
        bad["data"]["books"][0]["status"] = "READING"
        intake = BatchIntake(NdjsonItems(1 << 20), LIMITS)
        intake.feed(b"\n".join(json.dumps(item).encode() for item in [load_recap("one-book"), bad, {"x": 1}]))
        intake.close()
        assert [item["index"] for item in intake.bad_items] == [1, 2]
        assert list(intake.bad_items[0]["field_errors"]) == ["data.books.0.status"]
        assert intake.bad_items[0]["error"].startswith("Item 1: Invalid request")
        assert intake.requests == []

    def test_bad_items_reported_up_to_a_limit(self) -> None:
        """Only the first MAX_REPORTED_ITEMS bad items are listed; all are counted."""
        intake = BatchIntake(ArrayItems(1 << 20), LIMITS)
        intake.feed(b"[" + b",".join([b"{}"] * 25) + b"]")
        intake.close()
        assert (len(intake.bad_items), intake.bad_count) == (MAX_REPORTED_ITEMS, 25)

    def test_packed_requests_keep_their_job_key(self) -> None:
        """A packed item is the same job as the request itself (one render, one cache entry), template included."""
        recap = {**load_recap("three-books"), "templateId": "bold", "formats": ["story", "square"]}
        intake = BatchIntake(ArrayItems(1 << 20), LIMITS)
        intake.feed(json.dumps([recap]).encode())
        intake.close()
        [packed] = intake.requests
        assert job_key(unpack(packed)) == job_key(parse_json_body(json.dumps(recap).encode(), LIMITS))
        assert pack(unpack(packed)) == packed
        assert unpack(packed).formats == ("story", "square")

    def test_too_many_items_stop_the_reading(self) -> None:
        """Past max_items nothing more is validated or kept."""
        intake = BatchIntake(ArrayItems(1 << 20), LIMITS, max_items=2)
        intake.feed(json.dumps([load_recap("one-book")] * 3).encode())
        intake.close()
        assert intake.too_many
        assert intake.requests == []
