"""Book covers are fetched by the server, before the render, and handed to the composition inline.

`coverUrl` values come from the internet, so Chromium never fetches them itself: the server does, with Tornado's
async HTTP client, concurrently, each with a timeout and a size cap, and only over http/https to public addresses.
The address check happens in the resolver, on the very addresses the client then connects to (a name that
resolves to a private address, or a redirect to one, fails the same way), so DNS tricks do not get around it.
Private, loopback, link-local (cloud metadata) and other non-global ranges are refused unless listed in
COVER_ALLOWED_NETWORKS. Pillow then verifies the image, decodes it completely, and downscales it to a JPEG data
URI. Any failure means `null`, which the composition draws as a placeholder: a cover never fails a render.
"""

from __future__ import annotations

import asyncio
import base64
import io
import ipaddress
import socket
from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from PIL import Image
from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.netutil import DefaultExecutorResolver, Resolver

from .logs import get_logger

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_TIMEOUT_SECONDS = 5.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
COVER_BOX = (540, 810)
JPEG_QUALITY = 85
USER_AGENT = "tornado-render cover fetcher"


class CoverRefused(Exception):
    """This cover is not fetched or not usable; the reason goes to the log, the video gets a placeholder."""


def parse_networks(text: str) -> tuple[IPNetwork, ...]:
    """ "127.0.0.1/32, 10.0.0.0/8" -> networks; raises ValueError on a bad entry."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def address_allowed(address: str, allowed: tuple[IPNetwork, ...]) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in network for network in allowed):
        return True
    return ip.is_global and not ip.is_multicast


class PublicOnlyResolver(Resolver):
    """Resolves like the default resolver, then drops every address that is not allowed."""

    def initialize(self, allowed: tuple[IPNetwork, ...] = ()) -> None:
        self.allowed = allowed
        self.inner = DefaultExecutorResolver()

    async def resolve(
        self, host: str, port: int, family: socket.AddressFamily = socket.AF_UNSPEC
    ) -> list[tuple[int, Any]]:
        addresses = await self.inner.resolve(host, port, family)
        usable = [entry for entry in addresses if address_allowed(entry[1][0], self.allowed)]
        if not usable:
            raise CoverRefused(f"{host} resolves only to addresses that are not allowed")
        return usable


@dataclass(frozen=True)
class CoverPolicy:
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    max_bytes: int = DEFAULT_MAX_BYTES
    allowed_networks: tuple[IPNetwork, ...] = ()


def cover_slots(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every object of a recap that carries a `coverUrl`."""
    yield from data.get("books", [])
    yield from data.get("currentlyReading", [])
    stats = data.get("stats") or {}
    for key in ("topRatedBook", "lowestRatedBook"):
        if stats.get(key):
            yield stats[key]


def to_jpeg_data_uri(body: bytes) -> str:
    """Verify, fully decode, and downscale an image; a JPEG data URI of it. Raises CoverRefused."""
    try:
        with Image.open(io.BytesIO(body)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise CoverRefused(f"image too large ({probe.width}x{probe.height})")
            probe.verify()
        with Image.open(io.BytesIO(body)) as image:
            image.load()  # a truncated file fails here, not in verify()
            rgb = image.convert("RGB")
    except CoverRefused:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise CoverRefused(f"not a usable image: {error}") from None
    rgb.thumbnail(COVER_BOX)
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


class CoverFetcher:
    def __init__(self, policy: CoverPolicy, executor: Executor) -> None:
        self.policy = policy
        self.executor = executor
        self.client = AsyncHTTPClient(force_instance=True, resolver=PublicOnlyResolver(allowed=policy.allowed_networks))

    async def inline_covers(self, data: dict[str, Any], log: Any = None) -> dict[str, Any]:
        """A copy of the recap whose every coverUrl is a data URI or null; counts go to the log."""
        log = log or get_logger()
        urls = sorted({slot["coverUrl"] for slot in cover_slots(data) if slot.get("coverUrl")})
        results = await asyncio.gather(*(self._fetch(url, log) for url in urls))
        inline = dict(zip(urls, results, strict=True))
        copied: dict[str, Any] = _deep_copy(data)
        for slot in cover_slots(copied):
            if slot.get("coverUrl"):
                slot["coverUrl"] = inline.get(slot["coverUrl"])
        if urls:
            log.info(
                "covers", requested=len(urls), inlined=sum(1 for r in results if r), placeholders=results.count(None)
            )
        return copied

    async def _fetch(self, url: str, log: Any) -> str | None:
        try:
            body = await self._download(url)
            return await asyncio.get_running_loop().run_in_executor(self.executor, to_jpeg_data_uri, body)
        except CoverRefused as refused:
            log.info("cover_placeholder", url=url[:200], reason=str(refused)[:300])
        except Exception as error:  # noqa: BLE001 - whatever goes wrong with a cover, the video shows a placeholder
            log.info("cover_placeholder", url=url[:200], reason=f"{type(error).__name__}: {error}"[:300])
        return None

    async def _download(self, url: str) -> bytes:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CoverRefused("only http and https URLs are fetched")
        received = bytearray()
        limit = self.policy.max_bytes

        def collect(chunk: bytes) -> None:
            received.extend(chunk)
            if len(received) > limit:
                raise CoverRefused(f"larger than {limit} bytes")

        request = HTTPRequest(
            url,
            connect_timeout=self.policy.timeout_seconds,
            request_timeout=self.policy.timeout_seconds,
            follow_redirects=True,
            max_redirects=3,
            user_agent=USER_AGENT,
            streaming_callback=collect,
            decompress_response=True,
        )
        try:
            await self.client.fetch(request)
        except HTTPClientError as error:
            raise CoverRefused(f"HTTP {error.code}") from None
        return bytes(received)

    def close(self) -> None:
        self.client.close()


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _deep_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_deep_copy(item) for item in value]
    return value
