"""A batch's body read into validated RenderRequests as it arrives: all or nothing.

Every item is validated exactly as POST /render validates its body (validation/), and the batch is accepted only
if every item is valid: a batch with a bad item creates nothing, and the 400 names each bad item by its index (the
first MAX_REPORTED_ITEMS of them). All or nothing, because the caller is a backend that fixes its export and posts
again; a batch that half ran would leave it to find out which items to post again. Past MAX_BATCH_ITEMS the items
are no longer read (nothing is validated or kept), and the batch is refused as too large.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..recap import RenderRequest
from ..settings import MAX_BATCH_ITEMS
from ..validation.request_parsing import parse_json_body
from ..validation.schemas import InvalidRequest, RequestLimits
from .items import BatchFormatError, ItemSplitter

MAX_REPORTED_ITEMS = 10


@dataclass
class BatchIntake:
    splitter: ItemSplitter
    limits: RequestLimits
    max_items: int = MAX_BATCH_ITEMS
    requests: list[RenderRequest] = field(default_factory=list)
    # The bad items (the first MAX_REPORTED_ITEMS), each {"index", "error", "fields", "messages"}.
    bad_items: list[dict[str, Any]] = field(default_factory=list)
    bad_count: int = 0
    count: int = 0
    format_error: BatchFormatError | None = None

    @property
    def too_many(self) -> bool:
        return self.count > self.max_items

    @property
    def stopped(self) -> bool:
        """Nothing more is read: the body cannot be a batch, or has too many items."""
        return self.format_error is not None or self.too_many

    def feed(self, chunk: bytes) -> None:
        if self.stopped:
            return
        try:
            self._take(self.splitter.feed(chunk))
        except BatchFormatError as error:
            self.format_error = error

    def close(self) -> None:
        if self.stopped:
            return
        try:
            self._take(self.splitter.close())
        except BatchFormatError as error:
            self.format_error = error

    def _take(self, items: list[bytes]) -> None:
        for raw in items:
            index = self.count
            self.count += 1
            if self.too_many:
                self.requests = []
                return
            try:
                request = parse_json_body(raw, self.limits)
            except InvalidRequest as error:
                self.bad_count += 1
                self.requests = []  # nothing will be created: nothing more is kept
                if len(self.bad_items) < MAX_REPORTED_ITEMS:
                    self.bad_items.append({"index": index, "error": f"Item {index}: {error}", **error.body_extra()})
                continue
            if not self.bad_count:
                self.requests.append(request)
