"""Fetching a URL a reader's client sent (a cover, a soundtrack): the server downloads it, never Chromium, under one
set of rules, so a hostile URL cannot reach what it should not or cost more than it may.

http and https only; Tornado's async client with `PublicOnlyResolver`, which checks the very addresses the client
then connects to (a name that resolves to a private address, or a redirect to one, fails the same way), so DNS
tricks do not get around it (private, loopback, link-local and other non-global ranges are refused unless listed in
COVER_ALLOWED_NETWORKS: addresses.py); at most three redirects; a time limit; and a size cap counted as the bytes
arrive, so an oversized answer is cut off, never held. Every refusal is a FetchRefused whose message says why in
plain words ("larger than 10 MB", "the server answered HTTP 404"): the caller logs it or tells the reader.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest
from tornado.netutil import DefaultExecutorResolver, Resolver

from ..setting_values import IPNetwork
from .addresses import address_allowed

MAX_REDIRECTS = 3


class FetchRefused(Exception):
    """The URL was not fetched, or not completely; the message says why in plain words."""


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
            raise FetchRefused("its address is not allowed")
        return usable


def megabytes(size: int) -> str:
    """A byte limit in plain words: 10485760 -> "10 MB" (binary megabytes, as the limits are set)."""
    return f"{size / (1024 * 1024):.4g} MB"


class UrlFetcher:
    """Downloads readers' URLs under the rules above; one per kind of download (its client keeps connections)."""

    def __init__(self, allowed_networks: tuple[IPNetwork, ...], user_agent: str) -> None:
        self.user_agent = user_agent
        self.client = AsyncHTTPClient(force_instance=True, resolver=PublicOnlyResolver(allowed=allowed_networks))

    async def fetch(self, url: str, *, max_bytes: int, timeout_seconds: float) -> bytes:
        """The body at `url`, at most `max_bytes`; FetchRefused says why not."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise FetchRefused("only http and https URLs are fetched")
        received = bytearray()
        too_big = FetchRefused(f"larger than {megabytes(max_bytes)}")

        def collect(chunk: bytes) -> None:
            received.extend(chunk)
            if len(received) > max_bytes:
                raise too_big  # stops the download; the client then reports a closed connection

        request = HTTPRequest(
            url,
            connect_timeout=timeout_seconds,
            request_timeout=timeout_seconds,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            user_agent=self.user_agent,
            streaming_callback=collect,
            decompress_response=True,
        )
        try:
            await self.client.fetch(request)
        except FetchRefused:
            raise
        except HTTPClientError as error:
            if len(received) > max_bytes:
                raise too_big from None
            if error.code == 599:
                raise FetchRefused(f"it could not be downloaded: {error.message}") from None
            raise FetchRefused(f"the server answered HTTP {error.code}") from None
        except OSError as error:
            if len(received) > max_bytes:
                raise too_big from None
            raise FetchRefused(f"it could not be downloaded: {error.strerror or error}") from None
        return bytes(received)
