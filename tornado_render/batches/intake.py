"""A batch's body read into validated requests as it arrives: all or nothing.

Every item is validated exactly as POST /render validates its body (validation/), and the batch is accepted only
if every item is valid: a batch with a bad item creates nothing, and the 400 names each bad item by its index (the
first MAX_REPORTED_ITEMS of them). All or nothing, because the caller is a backend that fixes its export and posts
again; a batch that half ran would leave it to find out which items to post again. Past MAX_BATCH_ITEMS the items
are no longer read (nothing is validated or kept), and the batch is refused as too large.

Cutting the body into items (`split`) is cheap and happens on the IOLoop; validating them (`validate`, a few
milliseconds an item: the template is resolved) is meant for an executor thread, so a batch being posted does not
hold up the streams and requests the server answers meanwhile. A valid item is kept as its request's compact wire
form (`pack`; about a quarter of the parsed request's memory) until its job is submitted (`unpack`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..recap import RenderRequest
from ..settings import MAX_BATCH_ITEMS
from ..validation.request_parsing import parse_json_body
from ..validation.schemas import InvalidRequest, RequestLimits
from .items import BatchFormatError, ItemSplitter

MAX_REPORTED_ITEMS = 10


def pack(request: RenderRequest) -> bytes:
    return json.dumps(request.as_json(), separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def unpack(packed: bytes) -> RenderRequest:
    """The request as validation made it (the same job key: the same render, the same cache)."""
    return RenderRequest.from_json(json.loads(packed))


@dataclass
class BatchIntake:
    splitter: ItemSplitter
    limits: RequestLimits
    max_items: int = MAX_BATCH_ITEMS
    # The valid items, packed; emptied as soon as an item is bad (nothing will be created).
    requests: list[bytes] = field(default_factory=list)
    # The bad items (the first MAX_REPORTED_ITEMS), each {"index", "error", and POST /render's 400 fields}.
    bad_items: list[dict[str, Any]] = field(default_factory=list)
    bad_count: int = 0
    count: int = 0
    validated: int = 0
    format_error: BatchFormatError | None = None

    @property
    def too_many(self) -> bool:
        return self.count > self.max_items

    @property
    def stopped(self) -> bool:
        """Nothing more is read: the body cannot be a batch, or has too many items."""
        return self.format_error is not None or self.too_many

    def split(self, chunk: bytes, *, last: bool = False) -> list[bytes]:
        """The items `chunk` completes (with `last`, the body has ended), up to max_items."""
        if self.stopped:
            return []
        try:
            items = self.splitter.close() if last else self.splitter.feed(chunk)
        except BatchFormatError as error:
            self.format_error = error
            return []
        room = max(0, self.max_items - self.count)
        self.count += len(items)
        if self.too_many:
            self.requests = []
        return items[:room]

    def validate(self, items: list[bytes]) -> None:
        """Validate items, in the order they were split (blocking: see the module's docstring)."""
        for raw in items:
            index = self.validated
            self.validated += 1
            if self.too_many:
                return
            try:
                request = parse_json_body(raw, self.limits)
            except InvalidRequest as error:
                self.bad_count += 1
                self.requests = []
                if len(self.bad_items) < MAX_REPORTED_ITEMS:
                    self.bad_items.append({"index": index, "error": f"Item {index}: {error}", **error.body_extra()})
                continue
            if not self.bad_count:
                self.requests.append(pack(request))

    def feed(self, chunk: bytes) -> None:
        """`split` and `validate` at once (for callers without an executor)."""
        self.validate(self.split(chunk))

    def close(self) -> None:
        self.validate(self.split(b"", last=True))
