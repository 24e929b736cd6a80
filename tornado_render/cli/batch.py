"""`tornado-render batch REQUESTS.ndjson --url URL`: post a batch to a running server, follow it to its end.

The file is NDJSON (one RenderRequest a line; `.ndjson`, `.jsonl`, or anything else) or a JSON array (`.json`),
posted as it is to POST /batches, signed with the first of RENDER_SIGNING_KEYS when that is set (as `tornado-render
sign` signs). The command then follows the batch's stream: a progress bar on a terminal, a plain line per change
otherwise (a log, CI). At the end it prints each item's video URL on stdout, in order (a failed item's line is
empty), and each failure on stderr. Exit status: 0 every item done, 1 an item failed (or the server could not be
followed to the end), 2 the batch was refused (the server's reason on stderr) or bad input.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from tqdm import tqdm

from ..settings import SettingsError, settings_from_env
from ..web.signing import sign_target

DEFAULT_URL = "http://127.0.0.1:3001"
TIMEOUT_SECONDS = 120.0
BAR_FORMAT = "{desc:<28} {percentage:3.0f} %|{bar}| {n_fmt}/{total_fmt} {elapsed} elapsed, {remaining} left"


class BatchError(Exception):
    """The batch could not be posted or followed; `status` is the exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tornado-render batch",
        description="Post many RenderRequests to a server as one batch (POST /batches) and follow it to its end.",
        epilog="RENDER_SIGNING_KEYS (or RENDER_SIGNING_KEYS_FILE) from the environment signs the batch. "
        "Exit status: 0 every item done, 1 an item failed, 2 the batch was refused or bad input.",
    )
    parser.add_argument("requests", type=Path, help="NDJSON (a RenderRequest a line) or a JSON array (.json)")
    parser.add_argument("--url", default=DEFAULT_URL, help=f"the server (default {DEFAULT_URL})")
    return parser


def content_type(path: Path) -> str:
    return "application/json" if path.suffix.lower() == ".json" else "application/x-ndjson"


class Server:
    """The server at one base URL, over plain http.client."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BatchError(f"--url {url!r} is not an http:// or https:// URL", status=2)
        self.parts = parts

    def connect(self, origin: str | None = None) -> http.client.HTTPConnection:
        parts = urlsplit(origin) if origin else self.parts
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        return kind(parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS)

    def request(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
        """The JSON answer (BatchError with the server's reason on a 4xx or 5xx)."""
        connection = self.connect(url if url.startswith("http") else None)
        try:
            connection.request(method, target_of(url), body=body, headers=headers or {})
            response = connection.getresponse()
            answer = json.loads(response.read() or b"null")
        except (OSError, http.client.HTTPException, ValueError) as error:
            raise BatchError(f"{self.parts.geturl()} did not answer ({error})") from None
        finally:
            connection.close()
        if response.status >= 400:
            raise BatchError(refusal(response.status, answer), status=2 if response.status < 500 else 1)
        return answer

    def events(self, url: str) -> Iterator[tuple[str, Any]]:
        """The stream's events (name, data) as they come."""
        connection = self.connect(url)
        try:
            connection.request("GET", target_of(url), headers={"Accept": "text/event-stream"})
            response = connection.getresponse()
            if response.status != 200:
                raise BatchError(refusal(response.status, json.loads(response.read() or b"null")))
            name, data = "message", ""
            for raw in response:
                line = raw.decode("utf-8").rstrip("\r\n")
                if not line:
                    if data:
                        yield name, json.loads(data)
                    name, data = "message", ""
                elif line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data += line[5:].strip()
        except (OSError, http.client.HTTPException) as error:
            raise BatchError(f"the batch's stream broke off ({error})") from None
        finally:
            connection.close()


def target_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def refusal(status: int, answer: Any) -> str:
    """The server's refusal in one line, with each bad item it names."""
    if not isinstance(answer, dict):
        return f"the server answered {status}"
    lines = [f"the server answered {status}: {answer.get('error', '')}"]
    for item in answer.get("items") or []:
        messages = "; ".join(item.get("messages") or []) or item.get("error", "")
        lines.append(f"  item {item.get('index')}: {messages}")
    return "\n".join(lines)


def follow(server: Server, stream_url: str, total: int, out: TextIO) -> dict[str, Any]:
    """The batch's last counts, shown as they change: a bar on a terminal, a line each otherwise."""
    last: dict[str, Any] = {}
    bar = tqdm(total=total, desc="Rendering", bar_format=BAR_FORMAT, file=out) if out.isatty() else None
    try:
        for name, counts in server.events(stream_url):
            last = counts
            finished = counts["done"] + counts["failed"]
            summary = f"{counts['done']} done, {counts['failed']} failed, {counts['running']} running"
            if bar is not None:
                bar.set_description(summary, refresh=False)
                bar.update(finished - bar.n)
            else:
                print(f"{finished}/{total} finished: {summary}", file=out, flush=True)
            if name == "complete":
                return last
    finally:
        if bar is not None:
            bar.close()
    raise BatchError("the batch's stream ended before the batch did")


def items(server: Server, first_page: str) -> Iterator[dict[str, Any]]:
    page: str | None = first_page
    while page:
        answer = server.request("GET", page)
        yield from answer["items"]
        page = answer["next"]


def post(server: Server, path: Path) -> dict[str, Any]:
    try:
        body = path.read_bytes()
    except OSError as error:
        raise BatchError(f"{path} cannot be read: {error.strerror or error}", status=2) from None
    try:
        keys = settings_from_env().signing_keys
    except SettingsError as error:
        raise BatchError(str(error), status=2) from None
    target = sign_target(keys[0], "POST", "/batches", body) if keys else "/batches"
    answer: dict[str, Any] = server.request(
        "POST", server.parts.geturl().rstrip("/") + target, body, {"Content-Type": content_type(path)}
    )
    return answer


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        server = Server(args.url)
        accepted = post(server, args.requests)
        total = accepted["total"]
        print(f"batch {accepted['batchId']}: {total} items", file=sys.stderr)
        counts = follow(server, accepted["links"]["stream"], total, sys.stderr)
        for item in items(server, accepted["links"]["self"]):
            print(item.get("s3Url", ""))
            if item["status"] == "failed":
                print(f"item {item['index']}: {item.get('error', 'failed')}", file=sys.stderr)
    except BatchError as error:
        print(f"tornado-render batch: {error.message}", file=sys.stderr)
        return error.status
    print(f"{counts['done']} done, {counts['failed']} failed", file=sys.stderr)
    return 1 if counts["failed"] else 0
