"""GET /share/<token> (the page), /share/<token>/<file> (its media) and /share/<token>/download/<shape>.mp4 (the
video as an attachment with a reader's file name): public by design, never signed; the token is the capability
(shares.py). Only with SHARE_PAGES=on (app.routes).

The media are named by this server's URLs, whatever the storage: from local storage they are streamed (ranges,
ETags), from S3 they are a redirect to the object, presigned afresh on every request when the bucket is private, and
a download is a presigned GET that S3 answers with the friendly Content-Disposition itself. No URL of the page
carries the video's storage key, so none carries the userId. A token that is malformed, unknown, or names a file the
video does not have is the same JSON 404 as a missing file.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable

from tornado.web import HTTPError

from ...shares import SHARE_FILES, SHARE_ROUTE, ShareLinks, ShareRecord, file_content_type
from ..disposition import content_disposition
from ..share_page import SharePage, content_security_policy, render_share_page
from .base import BaseHandler
from .files import ContainedFileHandler

VIDEO_SHAPES = ("story", "square", "landscape")
MEDIA_CACHE = "public, max-age=86400"


def _links(handler: BaseHandler) -> ShareLinks:
    links = handler.state.shares
    if links is None:  # the routes exist only with SHARE_PAGES=on
        raise HTTPError(404)
    return links


async def find_record(handler: BaseHandler, token: str) -> ShareRecord:
    """The share's record, or the JSON 404 of a missing file."""
    record = await _links(handler).find(token)
    if record is None:
        raise HTTPError(404)
    return record


def file_key(record: ShareRecord, name: str) -> str:
    """The storage key of a share's file (story, poster, card, square, landscape), or a 404."""
    key = record.video if name == "story" else record.assets.get(name)
    if key is None:
        raise HTTPError(404)
    return key


def download_names(record: ShareRecord, shape: str) -> tuple[str, str]:
    """(the reader's file name, an ASCII one) of a shape of the video: "October 2026 reading recap.mp4"."""
    suffix = "" if shape == "story" else f" ({shape})"
    return (
        f"{record.title}{suffix}.mp4",
        f"{record.year}-{record.month:02d} reading recap{suffix}.mp4",
    )


class SharePageHandler(BaseHandler):
    """GET /share/<token>."""

    async def get(self, token: str) -> None:
        """A finished video's public share page
        ---
        summary: A finished video's public share page (SHARE_PAGES=on)
        description: >-
          An HTML page that plays the video, offers it for download, and carries Open Graph and Twitter tags
          (the card as the image, the video as og:video). Not signed: the token is the capability.
        parameters:
          - name: token
            in: path
            required: true
            description: the share's token, as `assets.share` of a `complete` event names it
            schema:
              type: string
        responses:
          "200":
            description: the page
            content:
              text/html:
                schema:
                  type: string
          "404":
            $ref: '#/components/responses/NotFound'
          "414":
            $ref: '#/components/responses/UriTooLong'
        """
        record = await find_record(self, token)
        base = f"{self.base_url()}{SHARE_ROUTE}{token}"
        shapes = tuple((shape, f"{base}/download/{shape}.mp4") for shape in VIDEO_SHAPES[1:] if shape in record.assets)
        page = SharePage(
            page_url=base,
            title=record.title,
            month_name=record.month_name,
            year=record.year,
            books=record.books,
            pages=record.pages,
            duration=record.duration,
            video_url=f"{base}/story.mp4",
            download_url=f"{base}/download/story.mp4",
            download_name=download_names(record, "story")[0],
            poster_url=f"{base}/poster.jpg" if "poster" in record.assets else None,
            card_url=f"{base}/card.jpg" if "card" in record.assets else None,
            shapes=shapes,
        )
        origin = self.state.videos.bucket_origin
        origins = (origin,) if origin is not None else ()
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", content_security_policy(origins))
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("X-Robots-Tag", "noindex")
        self.set_header("Cache-Control", "no-cache")
        self.finish(render_share_page(page))


class ShareFileHandler(ContainedFileHandler):
    """GET /share/<token>/<file> and /share/<token>/download/<shape>.mp4: streamed from local storage, or a
    redirect to S3."""

    download = False  # serve videos as attachments, with the reader's file name

    def initialize(self, path: str = "", default_filename: str | None = None) -> None:  # type: ignore[override]
        """Files are served from the local storage's root (with S3 nothing is served from disk)."""
        local_root = self.state.videos.local_root
        root = str(local_root) if local_root is not None else os.devnull
        super().initialize(root, default_filename)
        self.disposition: str | None = None

    async def get(self, token: str, name: str) -> None:  # type: ignore[override]
        await self._send(token, name, include_body=True)

    def head(self, token: str, name: str) -> Awaitable[None]:  # type: ignore[override]
        return self._send(token, name, include_body=False)

    async def _send(self, token: str, name: str, include_body: bool) -> None:
        shape = SHARE_FILES.get(name)
        if shape is None or (self.download and shape not in VIDEO_SHAPES):
            raise HTTPError(404)
        record = await find_record(self, token)
        key = file_key(record, shape)
        if self.download:
            self.disposition = content_disposition(*download_names(record, shape))
        videos = self.state.videos
        if videos.local_root is not None:
            await self.serve(key, include_body)
            return
        download = (file_content_type(name), self.disposition) if self.disposition else None
        url = videos.bucket_url(key, download)
        if url is None:
            raise HTTPError(404)
        self.redirect(url)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", MEDIA_CACHE)
        if self.disposition:
            self.set_header("Content-Disposition", self.disposition)


def file_operation(summary: str, name_description: str, download: bool) -> str:
    """The OpenAPI operation of a share's file (YAML, as apispec's Tornado plugin reads it from a docstring)."""
    kind = "the video, as an attachment with a reader's file name" if download else "the file"
    return f"""{summary}
        ---
        summary: {summary}
        parameters:
          - name: token
            in: path
            required: true
            description: the share's token
            schema:
              type: string
          - name: name
            in: path
            required: true
            description: "{name_description}"
            schema:
              type: string
          - name: Range
            in: header
            required: false
            schema:
              type: string
        responses:
          "200":
            description: {kind} (from local storage)
            content:
              video/mp4:
                schema:
                  type: string
              image/jpeg:
                schema:
                  type: string
          "206":
            $ref: '#/components/responses/VideoRange'
          "302":
            description: with S3, where the object is (presigned afresh when the bucket is private)
          "404":
            $ref: '#/components/responses/NotFound'
          "414":
            $ref: '#/components/responses/UriTooLong'
          "416":
            description: the range is outside the file
        """


class ShareDownloadHandler(ShareFileHandler):
    """GET /share/<token>/download/<shape>.mp4."""

    download = True

    async def get(self, token: str, name: str) -> None:  # type: ignore[override]
        await self._send(token, name, include_body=True)


ShareFileHandler.get.__doc__ = file_operation(
    "A share's video or image",
    "story.mp4, poster.jpg, card.jpg, square.mp4 or landscape.mp4",
    download=False,
)
ShareDownloadHandler.get.__doc__ = file_operation(
    "A share's video as a download", "story.mp4, square.mp4 or landscape.mp4", download=True
)
