"""Share links: a finished video's public page, `GET /share/<token>` (web/handlers/share.py), and what it is found by.

The token is the capability: 128 bits of HMAC-SHA256 of the video's storage key under VIDEO_KEY_SECRET, in base64url
(22 characters). A digest rather than a random number, so that the same video always has the same link (a cache hit
finds it again with nothing to look up), on every instance of a fleet (they share the secret) and after any restart;
nobody can derive it without the secret, and it tells nothing about the video's key (which holds the userId).

What the page needs is a small record kept in the storage itself, `shares/<token>.json`: the keys of the video and of
its assets, the month, the year, the book and page counts, the length and the title. S3 and the local directory both
hold it, so a fleet needs nothing more, and /storage never serves it (only *.mp4 and *.jpg). The record is written as
the job completes, before the `complete` event names the link, and again when a later job of the same video brings
more assets (another shape): it is merged with what is stored, so a link never loses a file. A record that cannot be
written costs the answer its `share` asset (and a `share_failed` log line), never the render.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import structlog

from .logs import get_logger
from .recap import RenderRequest
from .render.pipeline import Outcome, Report
from .storage import Storage
from .storage.naming import ASSET_CONTENT_TYPES, ASSET_EXTENSIONS, asset_key

log = get_logger()  # a job's lines carry its id and userId: the runner binds them (logs.py)

SHARE_ROUTE = "/share/"
RECORD_PREFIX = "shares/"
RECORD_VERSION = 1
TOKEN_BYTES = 16
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")
# The files of a share, by their name under /share/<token>/: the story video and the assets.
SHARE_FILES = {"story.mp4": "story", **{f"{name}.{extension}": name for name, extension in ASSET_EXTENSIONS.items()}}

RunJob = Callable[[RenderRequest, Report], Awaitable[Outcome]]
Lookup = Callable[[RenderRequest], Awaitable[Outcome | None]]


def file_content_type(name: str) -> str:
    """The content type of a share's file, by its name in SHARE_FILES."""
    return ASSET_CONTENT_TYPES[name.rsplit(".", 1)[-1]]


def share_token(secret: bytes, video_key: str) -> str:
    """The link's token of the video stored under `video_key` (128 bits, base64url without padding)."""
    digest = hmac.new(secret, b"share\n" + video_key.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:TOKEN_BYTES]).decode("ascii").rstrip("=")


def is_token(text: str) -> bool:
    """Whether `text` has the form of a token (anything else is not looked up at all)."""
    return TOKEN_PATTERN.fullmatch(text) is not None


def record_key(token: str) -> str:
    return f"{RECORD_PREFIX}{token}.json"


def share_path(token: str) -> str:
    """The page's path on this server (each client gets it made absolute, as local storage URLs)."""
    return f"{SHARE_ROUTE}{token}"


@dataclass(frozen=True)
class ShareRecord:
    """What a share page shows, kept beside the videos: storage keys, never URLs (those are made on each visit)."""

    video: str
    month: int
    month_name: str
    year: int
    books: int
    pages: int
    duration: float
    title: str
    # Asset name (naming.ASSET_EXTENSIONS: poster, card, square, landscape) -> storage key.
    assets: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, request: RenderRequest, outcome: Outcome) -> ShareRecord:
        stats = request.recap.get("stats") or {}
        pages = stats.get("totalPages")
        return cls(
            video=outcome.key,
            month=request.month,
            month_name=request.month_name,
            year=request.year,
            books=request.book_count,
            pages=pages if isinstance(pages, int) and not isinstance(pages, bool) else 0,
            duration=outcome.duration,
            title=f"{request.month_name} {request.year} reading recap",
            assets={name: asset_key(outcome.key, name) for name in outcome.assets if name in ASSET_EXTENSIONS},
        )

    def as_json(self) -> dict[str, Any]:
        return {"version": RECORD_VERSION, **asdict(self), "assets": dict(self.assets)}

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> ShareRecord | None:
        """The record, or None when the document is not one (another version, a field missing or mistyped)."""
        try:
            assets = document.get("assets") or {}
            record = cls(
                video=str(document["video"]),
                month=int(document["month"]),
                month_name=str(document["month_name"]),
                year=int(document["year"]),
                books=int(document["books"]),
                pages=int(document["pages"]),
                duration=float(document["duration"]),
                title=str(document["title"]),
                assets={str(name): str(key) for name, key in assets.items() if name in ASSET_EXTENSIONS},
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        return record if document.get("version") == RECORD_VERSION else None

    def merged(self, stored: ShareRecord | None) -> ShareRecord:
        """This record with the assets an earlier one of the same video had and this one lacks."""
        if stored is None or stored.video != self.video:
            return self
        return replace(self, assets={**stored.assets, **self.assets})


class ShareLinks:
    """Mints links as jobs complete (`publishing`) and finds their records (`find`); blocking storage calls run in
    the app's executor."""

    def __init__(self, storage: Storage, executor: Executor, secret: bytes) -> None:
        self.storage = storage
        self.executor = executor
        self.secret = secret

    def token(self, video_key: str) -> str:
        return share_token(self.secret, video_key)

    async def publish(self, request: RenderRequest, outcome: Outcome) -> Outcome:
        """The outcome with its `share` asset (the page's path), once the page's record is stored."""
        token = self.token(outcome.key)
        record = ShareRecord.of(request, outcome)

        def store() -> None:
            stored = self.storage.get_record(record_key(token))
            found = ShareRecord.from_json(stored) if stored is not None else None
            complete = record.merged(found)
            if complete != found:
                self.storage.put_record(record_key(token), complete.as_json())

        try:
            await asyncio.get_running_loop().run_in_executor(self.executor, store)
        except Exception as error:  # noqa: BLE001 - a link that cannot be kept must not fail the render
            log.warning("share_failed", key=outcome.key, error=type(error).__name__, reason=str(error)[:500])
            return outcome
        return replace(outcome, assets={**outcome.assets, "share": share_path(token)})

    async def find(self, token: str) -> ShareRecord | None:
        """The record behind a token, or None (malformed, unknown, or not readable)."""
        if not is_token(token):
            return None
        stored = await asyncio.get_running_loop().run_in_executor(
            self.executor, self.storage.get_record, record_key(token)
        )
        return ShareRecord.from_json(stored) if stored is not None else None

    def publishing(self, run: RunJob) -> RunJob:
        """`run` (the pipeline's), whose outcomes come with their share link."""

        async def run_and_publish(request: RenderRequest, report: Report) -> Outcome:
            outcome = await run(request, report)
            return outcome if request.chunk is not None else await self.publish(request, outcome)  # a part of one

        return run_and_publish

    def publishing_found(self, lookup: Lookup) -> Lookup:
        """`lookup` (the result cache's), whose videos come with their share link (the same one as before)."""

        async def lookup_and_publish(request: RenderRequest) -> Outcome | None:
            found = await lookup(request)
            if found is None:
                return None
            with structlog.contextvars.bound_contextvars(component="shares", user_id=request.user_id):
                return await self.publish(request, found)

        return lookup_and_publish
