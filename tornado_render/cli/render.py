"""`tornado-render render RECAP.json -o OUT.mp4`: one recap through the server's own pipeline (bundle cache,
covers, driver, settings), with a progress bar, for support and for checking a recap by hand.

The recap is a RenderRequest file (`-` reads it from stdin), validated as the server validates it: a file that cannot
be read, is not JSON or is not a valid request is one line on stderr in plain words and exit status 2, never a
traceback. `--help` shows only what applies to one render; the settings (storage, browser, limits) come from the
environment as for the server, and the server's options are accepted but listed by `tornado-render serve --help`.
With `-o` the
video is written there and its assets beside it, named after it (OUT-poster.jpg, OUT-card.jpg, and OUT-square.mp4,
OUT-landscape.mp4 for the shapes `--format` asks for), or where `--poster`/`--card` say; without, everything is stored
as the server would store it (S3, or LOCAL_STORAGE_DIR). The command prints where the video went, then where each
asset went, one per line (and a `warning:` line on stderr for each warning, such as a soundtrack that could not be
used) and exits 0, or prints the failure and exits 1 (2 for an invalid recap, setting or option).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import structlog
from tqdm import tqdm

from ..errors import JobFailed
from ..logs import configure_logging
from ..recap import FORMATS, STORY, RenderRequest, normalized_formats
from ..render.pipeline import Outcome, Pipeline
from ..render.progress import ProgressStep
from ..settings import SettingsError, add_setting_options, settings_from_namespace
from ..storage import Storage
from ..storage.local import LOCAL_STORAGE_ROUTE, LocalStorage
from ..storage.naming import ASSET_EXTENSIONS
from ..storage.single_file import SingleFileStorage
from ..validation.plain_words import sentence
from ..validation.request_parsing import parse_json_body
from ..validation.schemas import InvalidRequest, RequestLimits
from .startup import StartupError, browser_for, ready_storage, video_secret

# "Rendering  43 %|█████     | 0:12 elapsed, 0:16 left": percent of the whole job and times, no rates (a rate in
# percent per second means nothing to a reader).
BAR_FORMAT = "{desc:<20} {percentage:3.0f} %|{bar}| {elapsed} elapsed, {remaining} left"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tornado-render render",
        usage="tornado-render render RECAP.json [-o OUT.mp4] [--format {square,landscape}] [--poster P] [--card C]",
        description="Render one recap through the server's pipeline and print where the video went.",
        epilog="Settings (S3 or LOCAL_STORAGE_DIR, the browser, limits) come from the environment, as for the "
        "server; the server's options are accepted too (tornado-render serve --help lists them). "
        "Exit status: 0 rendered, 1 the render failed, 2 bad input or settings.",
    )
    parser.add_argument("recap", help="a RenderRequest JSON file ({userId, data}), or - to read it from stdin")
    parser.add_argument(
        "-o", "--output", type=Path, help="write the MP4 here (default: store it as the server does: S3 or local)"
    )
    parser.add_argument(
        "--poster", type=Path, help="with -o: write the poster (JPEG, 1080x1920) here (default: OUT-poster.jpg)"
    )
    parser.add_argument(
        "--card", type=Path, help="with -o: write the link card (JPEG, 1200x630) here (default: OUT-card.jpg)"
    )
    parser.add_argument(
        "--format",
        dest="formats",
        action="append",
        default=[],
        choices=[name for name in FORMATS if name != STORY],
        help="also make this shape of the video (repeatable; with -o: OUT-square.mp4, OUT-landscape.mp4)",
    )
    add_setting_options(parser, listed=False)
    return parser


def with_formats(request: RenderRequest, formats: list[str]) -> RenderRequest:
    """The request with the shapes the command line asks for added to its own."""
    return replace(request, formats=normalized_formats([*request.formats, *formats])) if formats else request


def output_storage(args: argparse.Namespace) -> SingleFileStorage:
    """-o's storage: the video at OUT, its assets beside it or where --poster/--card say."""
    chosen = {name: getattr(args, name) for name in ("poster", "card") if getattr(args, name) is not None}
    return SingleFileStorage(args.output, chosen)


def report_lines(outcome: Outcome, storage: Storage) -> list[str]:
    """What the command prints on stdout: where the video went, then each asset, in the order naming lists them."""
    assets = [outcome.assets[name] for name in ASSET_EXTENSIONS if name in outcome.assets]
    return [where(url, storage) for url in (outcome.url, *assets)]


def read_source(name: str) -> bytes:
    """The request's bytes, from the file or stdin; a file that cannot be read is an InputError."""
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name} is a directory, not a RenderRequest JSON file") from None
    except OSError as error:
        raise InputError(f"{name} cannot be read: {error.strerror or error}") from None


def invalid_line(name: str, error: InvalidRequest) -> str:
    """An invalid request as one line: its hint, then each bad field in plain words."""
    named = [f"{sentence(path, messages)} ({path})" for path, messages in error.fields.items()]
    problems = "; ".join([*([error.hint] if error.hint else []), *named])
    more = f"; and {error.more_fields} more" if error.more_fields else ""
    return f"{'stdin' if name == '-' else name} is not a valid RenderRequest: {problems}{more}"


class InputError(Exception):
    """The recap could not be read; the message says why in plain words."""


def main(argv: list[str]) -> int:
    parser = build_parser()
    if not argv:
        parser.print_usage(sys.stderr)
        print(
            "tornado-render render: give a RenderRequest JSON file (or - for stdin); --help says more", file=sys.stderr
        )
        return 2
    args = parser.parse_args(argv)
    if (args.poster or args.card) and not args.output:
        parser.error("--poster and --card need -o (without it, everything is stored as the server stores it)")
    try:
        settings = settings_from_namespace(args)
    except SettingsError as error:
        print(f"tornado-render render: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format, level=logging.WARNING)
    try:
        source = read_source(args.recap)
        request = with_formats(parse_json_body(source, RequestLimits.from_settings(settings)), args.formats)
    except InputError as error:
        print(f"tornado-render render: {error}", file=sys.stderr)
        return 2
    except InvalidRequest as error:
        print(f"tornado-render render: {invalid_line(args.recap, error)}", file=sys.stderr)
        return 2
    try:
        browser = browser_for(settings)
        storage: Storage = output_storage(args) if args.output else ready_storage(settings)
        secret = video_secret(settings)
    except StartupError as error:
        print(f"tornado-render render: {error}", file=sys.stderr)
        return 1
    with ThreadPoolExecutor(max_workers=2) as executor:
        pipeline = Pipeline.from_settings(
            settings,
            browser_executable=browser,
            storage=storage,
            executor=executor,
            video_secret=secret,
        )
        with tqdm(total=100, desc="Starting", bar_format=BAR_FORMAT, file=sys.stderr, dynamic_ncols=True) as bar:

            def report(step: ProgressStep) -> None:
                bar.set_description(step.activity, refresh=False)
                bar.update(step.progress - bar.n)

            try:
                with structlog.contextvars.bound_contextvars(command="render"):
                    outcome = asyncio.run(render_once(pipeline, request, report))
            except JobFailed as failure:
                bar.close()
                print(f"tornado-render render: {failure.detail}", file=sys.stderr)
                return 1
    for warning in (*request.warnings, *outcome.warnings):
        print(f"tornado-render render: warning: {warning}", file=sys.stderr)
    print("\n".join(report_lines(outcome, storage)))
    print(f"{outcome.duration:g} s of video rendered in {outcome.render_seconds:.1f} s", file=sys.stderr)
    return 0


async def render_once(pipeline: Pipeline, request: RenderRequest, report: Callable[[ProgressStep], None]) -> Outcome:
    """The render, then the pipeline's warm driver (WARM_RENDERS) ended: the loop that started it ends here."""
    try:
        return await pipeline.run(request, report)
    finally:
        await pipeline.close()


def where(url: str, storage: Storage) -> str:
    """Where the video went, for a person: its URL, or its file for the local storage's path-only URLs."""
    if isinstance(storage, LocalStorage) and url.startswith(LOCAL_STORAGE_ROUTE):
        return str(storage.root / unquote(url.removeprefix(LOCAL_STORAGE_ROUTE)))
    return url
