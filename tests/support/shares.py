"""Share pages for tests: a published share made through the server's own code (ShareLinks) in the storage a server
under test uses, and the page's tags read by a maintained metadata parser (metadata_parser, as unfurlers read them).

`publish_share` stands in for a finished job: it stores a playable video (the fake driver's: H.264, 64x112, grey),
the poster and the card as images the test chooses, and publishes the share, so a test of the page does not depend
on how the pipeline makes its posters and cards.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metadata_parser import MetadataParser
from PIL import Image

from tests.support.fake_driver import write_video
from tests.support.recaps import load_recap
from tornado_render.recap import RenderRequest
from tornado_render.render.pipeline import Outcome
from tornado_render.shares import ShareLinks
from tornado_render.storage import Storage
from tornado_render.storage.naming import ASSET_CONTENT_TYPES, asset_key, storage_key, video_filename
from tornado_render.templates import FPS

# What a crawler reads: the page's <head> only, with Python's own HTML parser (the documented override of
# metadata_parser's `make_soup`; its default tries lxml first and logs an error where lxml is not installed).


class HeadParser(MetadataParser):  # type: ignore[misc]
    def make_soup(self, html: str, **kwargs_bs: Any) -> Any:
        from bs4 import BeautifulSoup

        return BeautifulSoup(html, "html.parser", **kwargs_bs)


def unfurl(html: str, url: str) -> dict[str, dict[str, Any]]:
    """The page's Open Graph (`og`), Twitter (`twitter`) and plain (`page`, `meta`) metadata, as the parser reads it."""
    parsed = HeadParser(html=html, url=url, search_head_only=True)
    metadata = parsed.parsed_result.metadata
    return {name: dict(metadata[name]) for name in ("og", "twitter", "page", "meta")}


@dataclass(frozen=True)
class PublishedShare:
    token: str
    video_key: str
    record: dict[str, Any]


def solid_jpeg(path: Path, size: tuple[int, int], rgb: tuple[int, int, int]) -> Path:
    Image.new("RGB", size, rgb).save(path, "JPEG", quality=85)
    return path


def publish_share(
    storage: Storage,
    secret: bytes,
    *,
    month_name: str = "October",
    images: dict[str, Path] | None = None,
    recap: str = "one-book",
) -> PublishedShare:
    """A stored video of `recap` (its monthName replaced), the given assets (name -> JPEG file) beside it, and its
    share published by ShareLinks, as a job that completes does it."""
    document = load_recap(recap)
    document["data"]["meta"]["monthName"] = month_name
    request = RenderRequest(user_id=document["userId"], recap=document["data"])
    filename = video_filename(request.year, request.month, secrets.token_hex(16))
    key = storage_key(request.user_id, filename, request.year, request.month)
    with tempfile.TemporaryDirectory() as scratch:
        video = Path(scratch) / filename
        write_video(video, 2 * FPS)
        url = storage.upload(video, key, 2.0)
        assets = {
            name: storage.put_file(path, asset_key(key, name), ASSET_CONTENT_TYPES[path.suffix.lstrip(".")])
            for name, path in (images or {}).items()
        }
    outcome = Outcome(filename, url, key, 2.0, 0.0, 0.0, (), assets)
    # Two workers: one runs the loop below, the other the storage calls that loop hands to the executor.
    with ThreadPoolExecutor(max_workers=2) as executor:
        links = ShareLinks(storage, executor, secret)
        publish = links.publish(request, outcome)
        # A loop of its own, in a thread of its own: the caller's thread may run one already (Playwright's).
        published = executor.submit(asyncio.run, publish).result()
    token = published.assets["share"].rsplit("/", 1)[-1]
    record = storage.get_record(f"shares/{token}.json")
    assert record is not None, json.dumps(published.assets)
    return PublishedShare(token, key, record)
