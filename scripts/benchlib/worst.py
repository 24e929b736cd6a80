"""The most expensive request the validator accepts, rendered for real through a running server (issue 21).

Three books with 500-character titles and authors, every part of every scene's timing stretched so that the video
lasts exactly MAX_VIDEO_SECONDS (the default, or `seconds`): the longest video there is, every frame of it moving,
with the most text to lay out. Before issue 21 such a request (300 s, 9,000 frames) was under 20 % after 200 s and
projected past 900 s, more than RENDER_TIMEOUT_SECONDS. The time to `complete` is compared with
RENDER_TIMEOUT_SECONDS: the target is to finish within 60 % of it (the margin a slower or busier machine needs).
"""

from __future__ import annotations

import time
from typing import Any

from scripts.benchlib.service import start_real_server
from tests.support.recaps import load_recap
from tests.support.sse_client import open_stream, read_events, stream_url
from tornado_render.settings import Settings
from tornado_render.templates import FPS, SCENE_TIMING, TemplateCatalog, duration_frames

MARGIN = 0.6


def worst_request(seconds: float) -> dict[str, Any]:
    """Three books of 500-character titles, every timing part stretched (no overlap) until the video lasts `seconds`."""
    request = load_recap("three-books")
    request["userId"] = f"bench-worst-{int(time.time())}"
    for number, book in enumerate(request["data"]["books"]):
        book["title"] = (f"{number} The Longest Title Anyone Ever Gave A Book " * 20)[:500]
        book["authors"] = [("An Author With A Very Long Name " * 7)[:200]]
    parts = [part for scene_parts, _ in SCENE_TIMING.values() for part in scene_parts]
    catalog = TemplateCatalog.for_remotion_dir(Settings().remotion_dir)
    target = int(seconds * FPS)

    def fits(timing: dict[str, int]) -> bool:
        return duration_frames(request["data"], catalog.resolve({"global": {"timing": timing}})) <= target

    # The same length for every part (so every scene, the typing of the titles included, gets its share), the
    # longest that fits; then the rest topped up part by part in halving steps.
    low, high = 1, 600
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (
            (middle, high) if fits({**dict.fromkeys(parts, middle), "transitionOverlap": 0}) else (low, middle - 1)
        )
    timing = {**dict.fromkeys(parts, low), "transitionOverlap": 0}
    step = 300
    while step >= 1:
        for part in parts:
            trial = {**timing, part: min(600, timing[part] + step)}
            if fits(trial):
                timing = trial
        step //= 2
    request["template"] = {"global": {"timing": timing}}
    return request


def measure(seconds: float | None = None) -> dict[str, Any]:
    settings = Settings()
    seconds = seconds or settings.max_video_seconds
    request = worst_request(seconds)
    catalog = TemplateCatalog.for_remotion_dir(settings.remotion_dir)
    frames = duration_frames(request["data"], catalog.resolve(request["template"]))
    server = start_real_server("worst")
    try:
        stream = open_stream(server.port, stream_url(request), timeout=settings.render_timeout_seconds + 120)
        read_events(stream)
        rendered = server.logs("rendered")
    finally:
        server.stop()
    last = stream.events[-1] if stream.events else None
    if last is None or last.name != "complete":
        raise RuntimeError(f"the worst request did not complete: {last or stream.body!r}")
    complete = last.at - stream.started
    return {
        "video_seconds": frames / FPS,
        "frames": frames,
        "complete_seconds": complete,
        "render_seconds": rendered[-1].get("render_seconds") if rendered else None,
        "seconds_per_frame": complete / frames,
        "timeout_seconds": settings.render_timeout_seconds,
        "margin": MARGIN,
        "template_bytes": len(str(request["template"])),
    }


def report_lines(result: dict[str, Any]) -> list[str]:
    limit = result["timeout_seconds"] * result["margin"]
    met = "met" if result["complete_seconds"] <= limit else "**not met**"
    return [
        f"| the most expensive accepted request ({result['video_seconds']:.0f} s of video, {result['frames']} frames, "
        f"3 books with 500-character titles, every timing part stretched): request to `complete` / per frame | "
        f"{result['complete_seconds']:.1f} s / {result['seconds_per_frame'] * 1000:.0f} ms | within "
        f"{result['margin']:.0%} of RENDER_TIMEOUT_SECONDS ({limit:.0f} s of {result['timeout_seconds']:.0f} s) | "
        f"{met} |"
    ]
