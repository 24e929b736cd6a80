"""Book covers are fetched by the server, before the render, and handed to the composition inline.

`coverUrl` values come from the internet, so Chromium never fetches them itself: the server does, concurrently,
under the rules of fetching.py (http/https to public addresses only, checked on the very addresses it connects to,
redirects included; a timeout; COVER_MAX_BYTES counted as the bytes arrive). Pillow then verifies the image,
decodes it completely, and downscales it to a JPEG data URI. Any failure means `null`, which the composition draws
as a placeholder: a cover never fails a render. It is said, though: each cover that could not be used becomes a
warning naming the book and the reason ('Book 2 ("Dune"): its cover could not be used (the server answered HTTP
404); the video shows a placeholder'), which the render's answer, its `complete` event and the CLI carry.

Beside each usable cover's data URI the props get its dominant colours, `coverPalette` (cover_palette.py, taken
from the image already downscaled in the same executor call), which the composition tints the book's scene from.
Only the server writes that field: the request's schema drops it (unknown fields are dropped), and every slot's
`coverPalette` is set here from the image or removed, so a palette always comes from the cover the video shows.

Decoding is where a small file can cost a lot: a 131 KB PNG can declare 40 megapixels. Only JPEG, PNG, WebP and
GIF are opened (Pillow would otherwise hand EPS to Ghostscript), the size a decode would take is computed from the
header before any pixel is decoded (JPEGs are decoded at a reduced scale first, which costs a fraction), and a job
fetches and decodes a few covers at a time, not all of its up to 102 at once.
"""

from __future__ import annotations

import asyncio
import base64
import io
import ipaddress
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from PIL import Image

from ..logs import get_logger
from ..setting_values import IPNetwork
from .addresses import address_allowed
from .cover_palette import dominant_colors
from .fetching import FetchRefused, UrlFetcher

log = get_logger()  # a job's lines carry its id and userId: the runner binds them (logs.py)

IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
# The decoded image and its RGB copy must fit in this (Pillow keeps RGB as 4 bytes a pixel): one cover's decode
# stays under 50 MB whatever its header claims.
MAX_DECODE_BYTES = 48 * 1024 * 1024
# Covers fetched (and decoded) at the same time by one job.
FETCH_CONCURRENCY = 6
COVER_BOX = (540, 810)
JPEG_QUALITY = 85
USER_AGENT = "tornado-render cover fetcher"


class CoverRefused(Exception):
    """This cover is not fetched or not usable; the reason goes to the log, the video gets a placeholder."""


@dataclass(frozen=True)
class CoverPolicy:
    """COVER_TIMEOUT_SECONDS, COVER_MAX_BYTES and COVER_ALLOWED_NETWORKS."""

    timeout_seconds: float
    max_bytes: int
    allowed_networks: tuple[IPNetwork, ...]


def cover_slots(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every object of a recap that carries a `coverUrl`."""
    yield from data.get("books", [])
    yield from data.get("currentlyReading", [])
    stats = data.get("stats") or {}
    for key in ("topRatedBook", "lowestRatedBook"):
        if stats.get(key):
            yield stats[key]


def named_cover_slots(data: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """cover_slots with the name a reader knows each by: 'Book 2 ("Dune")'."""
    for kind, entries in (
        ("Book", data.get("books", [])),
        ("Currently reading, book", data.get("currentlyReading", [])),
    ):
        for index, slot in enumerate(entries, start=1):
            yield f'{kind} {index} ("{slot.get("title", "")}")', slot
    stats = data.get("stats") or {}
    for key, name in (("topRatedBook", "The top-rated book"), ("lowestRatedBook", "The lowest-rated book")):
        if stats.get(key):
            yield f'{name} ("{stats[key].get("title", "")}")', stats[key]


def cover_warning(name: str, reason: str) -> str:
    """What a reader is told about a cover that could not be used (the log keeps the details)."""
    if reason.startswith("not a usable image"):
        reason = "it is not a JPEG, PNG, WebP or GIF image that can be read"
    return f"{name}: its cover could not be used ({reason}); the video shows a placeholder"


def known_refusal(url: str, allowed: tuple[IPNetwork, ...]) -> str | None:
    """Why a cover URL will not be fetched, when the URL alone tells (not http/https, or an address that is not
    allowed written in it); None when only fetching it can tell."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "only http and https URLs are fetched"
    try:
        ipaddress.ip_address(parts.hostname)
    except ValueError:
        return None  # a name: what it resolves to is known when the render fetches it
    return None if address_allowed(parts.hostname, allowed) else "its address is not allowed"


def refused_cover_warnings(data: Mapping[str, Any], allowed: tuple[IPNetwork, ...]) -> list[str]:
    """The warnings a render would give about covers that the URLs alone show it will not use (POST /validate)."""
    warnings: list[str] = []
    seen: set[str] = set()
    for name, slot in named_cover_slots(data):
        url = slot.get("coverUrl")
        if not url or url in seen:
            continue
        seen.add(url)
        reason = known_refusal(url, allowed)
        if reason is not None:
            warnings.append(cover_warning(name, reason))
    return warnings


def decode_bytes(image: Image.Image) -> int:
    """What decoding `image` (at its current draft size) and converting it to RGB takes in memory."""
    bytes_per_pixel = {"1": 1, "L": 1, "P": 1, "I;16": 2}.get(image.mode, 4)
    rgb_copy = 0 if image.mode == "RGB" else 4
    return image.width * image.height * (bytes_per_pixel + rgb_copy)


@dataclass(frozen=True)
class PreparedCover:
    """A usable cover as the composition gets it: a JPEG data URI, its dominant colours (`#rrggbb`, most dominant
    first), and the time the colours took."""

    data_uri: str
    palette: list[str]
    palette_seconds: float


def decode_cover(body: bytes) -> Image.Image:
    """Verify, fully decode, and downscale an image into the cover box, as RGB. Raises CoverRefused."""
    try:
        with Image.open(io.BytesIO(body), formats=IMAGE_FORMATS) as probe:
            probe.verify()
        with Image.open(io.BytesIO(body), formats=IMAGE_FORMATS) as image:
            if image.format == "JPEG":
                image.draft("RGB", COVER_BOX)  # decode at 1/2, 1/4 or 1/8 scale when that still covers the box
            if decode_bytes(image) > MAX_DECODE_BYTES:
                raise CoverRefused(f"image too large to decode ({image.width}x{image.height} {image.mode})")
            image.load()  # a truncated file fails here, not in verify()
            rgb: Image.Image = image if image.mode == "RGB" else image.convert("RGB")
            rgb.thumbnail(COVER_BOX)
            return rgb
    except CoverRefused:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise CoverRefused(f"not a usable image: {error}") from None


def prepare_cover(body: bytes) -> PreparedCover:
    """The cover decoded (decode_cover), as a JPEG data URI, and its palette. Raises CoverRefused."""
    rgb = decode_cover(body)
    started = time.perf_counter()
    palette = dominant_colors(rgb)
    palette_seconds = time.perf_counter() - started
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    data_uri = "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
    return PreparedCover(data_uri, palette, palette_seconds)


@dataclass(frozen=True)
class InlinedCovers:
    """The recap as the composition gets it (CoverFetcher.inline_covers) and what the reader is told about covers."""

    props: dict[str, Any]
    warnings: tuple[str, ...]


class CoverFetcher:
    def __init__(self, policy: CoverPolicy, executor: Executor) -> None:
        self.policy = policy
        self.executor = executor
        self.fetcher = UrlFetcher(policy.allowed_networks, USER_AGENT)

    async def inline_covers(self, data: dict[str, Any]) -> dict[str, Any]:
        """A copy of the recap whose every coverUrl is a data URI (with its `coverPalette` beside it) or null (and no
        `coverPalette`); counts and the palettes' time go to the log."""
        return (await self.inline_covers_and_warn(data)).props

    async def inline_covers_and_warn(self, data: dict[str, Any]) -> InlinedCovers:
        """inline_covers, and a warning for each cover that could not be used (named once, by its first book)."""
        urls = sorted({slot["coverUrl"] for slot in cover_slots(data) if slot.get("coverUrl")})
        slots = asyncio.Semaphore(FETCH_CONCURRENCY)
        refusals: dict[str, str] = {}
        results = await asyncio.gather(*(self._fetch(url, slots, refusals) for url in urls))
        inline = dict(zip(urls, results, strict=True))
        warnings: list[str] = []
        for name, slot in named_cover_slots(data):
            reason = refusals.pop(slot.get("coverUrl") or "", None)
            if reason is not None:
                warnings.append(cover_warning(name, reason))
        copied: dict[str, Any] = _deep_copy(data)
        for slot in cover_slots(copied):
            slot.pop("coverPalette", None)
            cover = inline.get(slot["coverUrl"]) if slot.get("coverUrl") else None
            if slot.get("coverUrl"):
                slot["coverUrl"] = cover.data_uri if cover else None
            if cover:
                slot["coverPalette"] = list(cover.palette)
        if urls:
            usable = [result for result in results if result]
            log.info(
                "covers",
                requested=len(urls),
                inlined=len(usable),
                placeholders=len(urls) - len(usable),
                palette_seconds=round(sum(result.palette_seconds for result in usable), 4),
            )
        return InlinedCovers(copied, tuple(warnings))

    async def _fetch(self, url: str, slots: asyncio.Semaphore, refusals: dict[str, str]) -> PreparedCover | None:
        """The prepared cover, or None with the reason in `refusals` (by URL) and in the log."""
        try:
            async with slots:
                body = await self._download(url)
                return await asyncio.get_running_loop().run_in_executor(self.executor, prepare_cover, body)
        except CoverRefused as refused:
            log.info("cover_placeholder", url=url[:200], reason=str(refused)[:300])
            refusals[url] = str(refused)[:300]
        except Exception as error:  # noqa: BLE001 - whatever goes wrong with a cover, the video shows a placeholder
            log.info("cover_placeholder", url=url[:200], reason=f"{type(error).__name__}: {error}"[:300])
            refusals[url] = "it could not be prepared"
        return None

    async def _download(self, url: str) -> bytes:
        try:
            return await self.fetcher.fetch(
                url, max_bytes=self.policy.max_bytes, timeout_seconds=self.policy.timeout_seconds
            )
        except FetchRefused as refused:
            raise CoverRefused(str(refused)) from None


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _deep_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_deep_copy(item) for item in value]
    return value
