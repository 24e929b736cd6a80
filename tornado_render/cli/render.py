"""`tornado-render render RECAP.json -o OUT.mp4`: one recap through the server's own pipeline (bundle cache,
covers, driver, settings), with a progress bar, for support and for checking a recap by hand.

The recap is a RenderRequest file (`-` reads it from stdin), validated as the server validates it. With `-o` the
video is written there; without, it is stored as the server would store it (S3, or LOCAL_STORAGE_DIR). The command
prints where the video went (and a `warning:` line on stderr for each warning, such as a soundtrack that could not
be used) and exits 0, or prints the failure and exits 1 (2 for an invalid recap or setting).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote

from tqdm import tqdm

from ..errors import JobFailed
from ..logs import configure_logging, get_logger
from ..render.pipeline import Pipeline
from ..render.progress import ProgressStep
from ..settings import SettingsError, add_setting_options, settings_from_namespace
from ..storage import Storage
from ..storage.local import LOCAL_STORAGE_ROUTE, LocalStorage
from ..storage.single_file import SingleFileStorage
from ..web.request_parsing import parse_json_body
from ..web.schemas import InvalidRequest, RequestLimits
from .startup import StartupError, browser_for, ready_storage, video_secret


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tornado-render render",
        description="Render one recap through the server's pipeline and print where the video went.",
    )
    parser.add_argument("recap", help="a RenderRequest JSON file ({userId, data}), or - to read it from stdin")
    parser.add_argument(
        "-o", "--output", type=Path, help="write the MP4 here (default: store it as the server does: S3 or local)"
    )
    add_setting_options(parser)
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from_namespace(args)
    except SettingsError as error:
        print(f"tornado-render render: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format, level=logging.WARNING)
    source = sys.stdin.buffer.read() if args.recap == "-" else Path(args.recap).read_bytes()
    try:
        request = parse_json_body(source, RequestLimits.from_settings(settings))
    except InvalidRequest as error:
        print(f"tornado-render render: {error}", file=sys.stderr)
        return 2
    try:
        browser = browser_for(settings)
        storage: Storage = SingleFileStorage(args.output) if args.output else ready_storage(settings)
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
        with tqdm(total=100, unit="%", desc="bundling", file=sys.stderr, dynamic_ncols=True) as bar:

            def report(step: ProgressStep) -> None:
                bar.set_description(step.phase, refresh=False)
                bar.update(step.progress - bar.n)

            try:
                outcome = asyncio.run(pipeline.run(request, report, get_logger(command="render")))
            except JobFailed as failure:
                bar.close()
                print(f"tornado-render render: {failure.detail}", file=sys.stderr)
                return 1
    for warning in (*request.warnings, *outcome.warnings):
        print(f"tornado-render render: warning: {warning}", file=sys.stderr)
    print(where(outcome.url, storage))
    print(f"{outcome.duration:g} s of video rendered in {outcome.render_seconds:.1f} s", file=sys.stderr)
    return 0


def where(url: str, storage: Storage) -> str:
    """Where the video went, for a person: its URL, or its file for the local storage's path-only URLs."""
    if isinstance(storage, LocalStorage) and url.startswith(LOCAL_STORAGE_ROUTE):
        return str(storage.root / unquote(url.removeprefix(LOCAL_STORAGE_ROUTE)))
    return url
