"""`tornado-render sign METHOD TARGET`: a signed request, for shells and scripts (docs/SECURITY.md).

TARGET is what the request will ask for: a full URL (`http://127.0.0.1:3400/videos`, printed back as a full URL) or
an origin-form target, a path starting with `/` and its already-encoded query (`/render-stream?data=...`, printed
as a target). Anything else (`videos`, `127.0.0.1:3400/videos`, a target with spaces or non-ASCII characters, one
that carries a signature already) would be signed over bytes the server never sees, and answered 403: it is
refused with a message saying what to give instead. `--stream REQUEST.json` builds the /render-stream target of a
RenderRequest file itself (with `--url`, the full link the demo page takes).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

from ..settings import SettingsError, settings_from_env
from ..web.signing import DEFAULT_EXPIRES_IN_SECONDS, SIGNATURE_PARAMETER, sign_target

STREAM_PATH = "/render-stream"


class UnsignableTarget(ValueError):
    """A target the server would never see as given; the message says what to give instead."""


def split_target(text: str) -> tuple[str, str]:
    """(origin, origin-form target) of a full URL, or ("", target) of an origin-form target."""
    if not text.isascii() or any(character.isspace() for character in text):
        raise UnsignableTarget(
            f"{text!r} has spaces or non-ASCII characters: percent-encode it exactly as it will be sent"
        )
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.netloc:
        if parts.fragment:
            raise UnsignableTarget(f"{text!r} has a #fragment, which is never sent: leave it out")
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return f"{parts.scheme}://{parts.netloc}", target
    if text.startswith("/") and not text.startswith("//"):
        if "#" in text:
            raise UnsignableTarget(f"{text!r} has a #fragment, which is never sent: leave it out")
        return "", text
    raise UnsignableTarget(
        f"{text!r} is neither a URL (http://host:port/path?query) nor a target starting with / "
        "(/render-stream?data=..., /videos): give one of those"
    )


def check_unsigned(target: str) -> None:
    query = target.partition("?")[2]
    if any(part.split("=", 1)[0] in ("exp", SIGNATURE_PARAMETER) for part in query.split("&")):
        raise UnsignableTarget(f"{target!r} has exp or sig already: give the target without them")


def stream_target(request_file: Path) -> str:
    """The /render-stream target of a RenderRequest file (its JSON, compact and URL-encoded as `data`)."""
    try:
        request = json.loads(request_file.read_bytes())
    except OSError as error:
        raise UnsignableTarget(f"{request_file} cannot be read: {error.strerror or error}") from None
    except ValueError as error:
        raise UnsignableTarget(f"{request_file} is not JSON: {error}") from None
    return f"{STREAM_PATH}?data={quote(json.dumps(request, separators=(',', ':'), ensure_ascii=False), safe='')}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tornado-render sign",
        usage="tornado-render sign METHOD TARGET [--body-file FILE] [--expires-in SECONDS]\n"
        "       tornado-render sign --stream REQUEST.json [--url http://host:port]",
        description="Sign a request with the first of RENDER_SIGNING_KEYS (or the file RENDER_SIGNING_KEYS_FILE "
        "names) and print it with its exp and sig parameters: a URL for a URL, a target for a target.",
    )
    parser.add_argument("method", nargs="?", help="GET or POST")
    parser.add_argument(
        "target", nargs="?", help="a URL (http://127.0.0.1:3400/videos) or a target (/render-stream?data=...)"
    )
    parser.add_argument("--body-file", type=Path, help="the exact request body (POST); default: empty")
    parser.add_argument(
        "--expires-in",
        type=int,
        default=DEFAULT_EXPIRES_IN_SECONDS,
        help="seconds (default 3600; at most SIGNATURE_MAX_SECONDS)",
    )
    parser.add_argument("--stream", type=Path, metavar="REQUEST.json", help="sign GET /render-stream of this request")
    parser.add_argument("--url", help="with --stream: the server's URL, to print a whole link (the demo page's)")
    return parser


def main(argv: list[str]) -> int:
    """Print the signed URL or target, or say why it cannot be signed (exit 2)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.stream is not None and (args.method or args.target):
        parser.error("give either METHOD TARGET or --stream REQUEST.json")
    if args.stream is None and not (args.method and args.target):
        parser.error("give METHOD and TARGET (or --stream REQUEST.json)")
    method = "GET" if args.stream is not None else args.method.upper()
    if method not in ("GET", "HEAD", "POST"):
        print(f"tornado-render sign: {args.method!r} is not a method the server signs: GET or POST", file=sys.stderr)
        return 2
    try:
        if args.stream is not None:
            origin, target = split_target(
                args.url.rstrip("/") + stream_target(args.stream) if args.url else stream_target(args.stream)
            )
        else:
            origin, target = split_target(args.target)
        check_unsigned(target)
    except UnsignableTarget as error:
        print(f"tornado-render sign: {error}", file=sys.stderr)
        return 2
    try:
        settings = settings_from_env()
    except SettingsError as error:
        print(f"tornado-render sign: {error}", file=sys.stderr)
        return 2
    keys = settings.signing_keys
    if not 0 < args.expires_in <= settings.signature_max_seconds:
        print(
            f"tornado-render sign: --expires-in {args.expires_in}: must be between 1 and "
            f"{settings.signature_max_seconds:g} s (SIGNATURE_MAX_SECONDS); the server refuses later expiries",
            file=sys.stderr,
        )
        return 2
    if not keys:
        print("tornado-render sign: RENDER_SIGNING_KEYS is not set", file=sys.stderr)
        return 2
    try:
        body = args.body_file.read_bytes() if args.body_file else b""
    except OSError as error:
        print(f"tornado-render sign: {args.body_file} cannot be read: {error.strerror or error}", file=sys.stderr)
        return 2
    print(origin + sign_target(keys[0], method, target, body, expires_in=args.expires_in))
    return 0
