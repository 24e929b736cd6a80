"""An HTTP server on 127.0.0.1 serving the fixture covers, plus hostile variants, recording every request."""

from __future__ import annotations

import asyncio
import http.server
import mimetypes
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.recaps import COVERS
from tornado_render.render.covers import CoverFetcher, CoverPolicy
from tornado_render.setting_values import parse_networks


@dataclass
class CoverServer:
    httpd: http.server.ThreadingHTTPServer
    requests: list[tuple[str, str]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def start_cover_server(directory: Path = COVERS) -> CoverServer:
    """Paths: /<file> from the covers directory, /redirect?to=<url>, /slow (answers only at close), /big (10 MB)."""
    server: CoverServer

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            server.requests.append((parts.path, self.headers.get("User-Agent", "")))
            if parts.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", parse_qs(parts.query)["to"][0])
                self.end_headers()
            elif parts.path == "/slow":
                server.release.wait(60)
            elif parts.path == "/big":
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.end_headers()
                for _ in range(160):
                    self.wfile.write(b"\xff" * 65536)
            else:
                path = directory / parts.path.lstrip("/")
                if not path.is_file():
                    self.send_error(404)
                    return
                body = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", mimetypes.guess_type(path.name)[0] or "image/jpeg")
                # As image CDNs do: a page may read the pixels (the browser preview reads a cover's colours).
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server = CoverServer(httpd)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return server


def inline_covers(props: dict[str, Any], max_bytes: int = 1_000_000) -> dict[str, Any]:
    """`props` as the server hands them to the composition: the real CoverFetcher (loopback allowed) has fetched
    every coverUrl, so each is a data URI with its `coverPalette`, or null. For stills rendered without a server."""

    async def fetch() -> dict[str, Any]:
        with ThreadPoolExecutor(2) as executor:
            policy = CoverPolicy(
                timeout_seconds=5, max_bytes=max_bytes, allowed_networks=parse_networks("127.0.0.1/32")
            )
            return await CoverFetcher(policy, executor).inline_covers(props)

    return asyncio.run(fetch())
