"""What a batch is: its items' results and the counts a dashboard shows.

An item is `queued` (waiting in the batch or in the render queue), `running`, `done` (its video's URL) or `failed`
(the failure its job ended with). A batch is finished when every item is done or failed. `version` grows with every
change, so a follower can wait for the next one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ItemStatus = Literal["queued", "running", "done", "failed"]
ITEM_STATUSES: tuple[ItemStatus, ...] = ("queued", "running", "done", "failed")


@dataclass(frozen=True)
class ItemResult:
    index: int
    status: ItemStatus = "queued"
    job_id: str | None = None
    # Of a done item: the video's URL (path-only for this server's local storage), its length, its other files.
    url: str | None = None
    duration: float | None = None
    assets: dict[str, str] = field(default_factory=dict)
    # Of a failed item: what its job's `error` event said.
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {name: value for name, value in asdict(self).items() if value not in (None, {})}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemResult:
        return cls(**data)


@dataclass(frozen=True)
class BatchStatus:
    id: str
    total: int
    counts: dict[str, int]
    version: int

    @property
    def finished(self) -> bool:
        return self.counts.get("done", 0) + self.counts.get("failed", 0) >= self.total

    def summary(self) -> dict[str, Any]:
        """The counts as the API shows them (GET /batches/<id>, the stream's events)."""
        return {
            "batchId": self.id,
            "total": self.total,
            **{status: self.counts.get(status, 0) for status in ITEM_STATUSES},
            "finished": self.finished,
        }


def new_counts(total: int) -> dict[str, int]:
    return {"queued": total, "running": 0, "done": 0, "failed": 0}
