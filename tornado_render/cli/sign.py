"""`tornado-render sign METHOD TARGET`: a signed request target, for shells and scripts (README "Signed requests")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..settings import SettingsError, settings_from_env
from ..web.signing import DEFAULT_EXPIRES_IN_SECONDS, sign_target


def main(argv: list[str]) -> int:
    """`tornado-render sign METHOD TARGET`: print TARGET with `exp` and `sig` (key: RENDER_SIGNING_KEYS)."""
    parser = argparse.ArgumentParser(
        prog="tornado-render sign",
        description="Sign a request target (path and URL-encoded query) with the first of RENDER_SIGNING_KEYS "
        "(or the file RENDER_SIGNING_KEYS_FILE names), and print it with its exp and sig parameters.",
    )
    parser.add_argument("method", help="GET or POST")
    parser.add_argument("target", help="path and query exactly as they will be sent, e.g. '/render-stream?data=...'")
    parser.add_argument("--body-file", type=Path, help="the exact request body (POST); default: empty")
    parser.add_argument(
        "--expires-in",
        type=int,
        default=DEFAULT_EXPIRES_IN_SECONDS,
        help="seconds (default 3600; at most SIGNATURE_MAX_SECONDS)",
    )
    args = parser.parse_args(argv)
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
    body = args.body_file.read_bytes() if args.body_file else b""
    print(sign_target(keys[0], args.method, args.target, body, expires_in=args.expires_in))
    return 0
