"""Static spans: the frames MonthlyRecap declares unchanging, and the driver capturing each distinct frame once.

A declared span that is not static would ship a frozen animation, so for every fixture, in every preset and in the
grid layout, both ends of every span are rendered as stills and must be the same picture. A real render with spans
must match a render of every frame.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.audio import CORRECT_VIDEO, video_flags
from tests.support.media import frame_psnrs, probe, top_level_boxes
from tests.support.recaps import RECAP_NAMES, load_recap
from tests.support.remotion import timeline
from tests.support.server import ServerProcess
from tests.support.sse_client import run_stream
from tests.support.stills import REMOTION, browser_executable, identical, render_stills, run_driver_job


def run_node(script: str) -> Any:
    """Run an ES module snippet in remotion/ (it can import the driver's modules) and parse what it prints."""
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, cwd=REMOTION, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


PRESETS_DIR = REMOTION / "src" / "template" / "presets"
# The looks whose spans are checked: each preset (its own layouts and timing), and the one layout no preset uses.
LOOKS: dict[str, dict[str, Any]] = {
    **{path.stem: json.loads(path.read_text())["template"] for path in sorted(PRESETS_DIR.glob("*.json"))},
    "grid-books": {"bookReveal": {"layout": "grid"}},
}


class TestDeclaredSpans:
    @pytest.mark.render
    @pytest.mark.parametrize("look", sorted(LOOKS))
    @pytest.mark.parametrize("name", RECAP_NAMES)
    def test_both_ends_of_every_span_are_the_same_picture(
        self, name: str, look: str, remotion_bundle: Path, tmp_path: Path
    ) -> None:
        """For every fixture in every preset (and the grid layout), the first and last frame of each declared span
        (and its source frame) are identical."""
        props = {**load_recap(name)["data"], "template": LOOKS[look]}
        spans = timeline(props)["staticSpans"]
        assert spans, f"{name} in {look} declares no static span"
        frames = sorted({span[key] for span in spans for key in ("first", "last", "source") if key in span})
        images = render_stills(remotion_bundle, props, frames, tmp_path)

        def same(span: dict[str, int]) -> bool:
            reference = images[span.get("source", span["first"])]
            return identical(reference, images[span["first"]]) and identical(reference, images[span["last"]])

        moving = [span for span in spans if not same(span)]
        assert moving == [], f"{name} in {look}: declared static but moving: {moving}"

    @pytest.mark.render
    def test_the_driver_reads_the_spans_the_timeline_declares(self, remotion_bundle: Path) -> None:
        """selectComposition hands the driver exactly the spans timeline.ts computes for the props."""
        props = load_recap("five-books")["data"]
        job = {"inputProps": props, "serveUrl": str(remotion_bundle), "browserExecutable": browser_executable()}
        done = run_driver_job({**job, "stills": []})[-1]
        assert done["staticSpans"] == timeline(props)["staticSpans"]

    def test_spans_run_from_the_settle_frame_to_the_next_wipe(self) -> None:
        """Each scene holds from its last entrance to the frame before the next scene's wipe reaches it: the intro
        from frame 0 (it is its own poster), the outro to the video's last frame (it never leaves)."""
        recap = timeline(load_recap("three-books")["data"])
        assert recap["frames"] == 780
        # intro (60 frames), three books (120), stats (150), currently reading (120, one book), outro (90); each
        # wipe takes the last 12 frames of the scene it covers
        holds = [(span["first"], span["last"]) for span in recap["staticSpans"]]
        assert holds == [(0, 47), (108, 167), (228, 287), (348, 407), (464, 557), (606, 677), (719, 779)]

    def test_no_frame_of_a_wipe_is_declared_static(self) -> None:
        """The frames in which a scene's background wipes in over the previous one all move: none is in a span."""
        recap = timeline(load_recap("five-books")["data"])
        wipes = [frame for scene in recap["scenes"] for frame in range(scene["from"] - scene["wipeIn"], scene["from"])]
        assert wipes, "no wipe between the scenes"
        held = {frame for span in recap["staticSpans"] for frame in range(span["first"], span["last"] + 1)}
        assert held.isdisjoint(wipes)


class TestFramePlan:
    def test_spans_are_captured_once(self) -> None:
        """A span's first frame (or its source) stands for the whole span; frames outside spans are captured once."""
        plan = run_node(
            "import {framePlan} from './driver/static-spans.mjs';"
            "console.log(JSON.stringify(framePlan(12, [{first: 2, last: 4}, {first: 6, last: 8}, "
            "{first: 10, last: 11, source: 0}])));"
        )
        assert plan["frames"] == [0, 1, 2, 5, 6, 9]
        assert [(run["frame"], run["times"]) for run in plan["writes"]] == [
            (0, 1),
            (1, 1),
            (2, 3),
            (5, 1),
            (6, 3),
            (9, 1),
            (0, 2),
        ]

    @pytest.mark.parametrize(
        "spans",
        [
            [{"first": 3, "last": 3}],
            [{"first": 4, "last": 2}],
            [{"first": 0, "last": 10}],
            [{"first": 5, "last": 7}, {"first": 6, "last": 8}],
            [{"first": 1.5, "last": 3}],
            {"first": 1, "last": 3},
            [{"first": 4, "last": 5, "source": 6}],
            [{"first": 2, "last": 3}, {"first": 5, "last": 5, "source": 2}],
        ],
    )
    def test_malformed_spans_are_refused(self, spans: Any) -> None:
        """Empty, reversed, overlapping, out-of-range, non-integer or badly sourced spans fail the render."""
        result = run_node(
            "import {declaredSpans} from './driver/static-spans.mjs';"
            f"try {{ declaredSpans({{durationInFrames: 10, props: {{staticSpans: {json.dumps(spans)}}}}});"
            " console.log('\"accepted\"'); } catch (error) { console.log(JSON.stringify(error.message)); }"
        )
        assert result != "accepted"

    def test_no_spans_means_every_frame(self) -> None:
        """A composition without `staticSpans` declares nothing, so the driver captures every frame."""
        assert (
            run_node(
                "import {declaredSpans} from './driver/static-spans.mjs';"
                "console.log(JSON.stringify(declaredSpans({durationInFrames: 10, props: {}})));"
            )
            == []
        )

    def test_frames_reach_the_encoder_in_order(self) -> None:
        """Pictures arriving out of order (two tabs) are written in video order, a source picture again later."""
        written = run_node(
            "import {inFrameOrder} from './driver/static-spans.mjs';"
            "const writes = [{frame: 0, times: 1}, {frame: 1, times: 3}, {frame: 4, times: 1}, {frame: 0, times: 2}];"
            "const out = []; const order = inFrameOrder(writes, async (picture, times) => out.push([picture, times]));"
            "await Promise.all([order.add('b', 1), order.add('c', 4), order.add('a', 0)]);"
            "console.log(JSON.stringify({out, done: order.done()}));"
        )
        assert written == {"out": [["a", 1], ["b", 3], ["c", 1], ["a", 2]], "done": True}


class TestStaticSpansSetting:
    @pytest.mark.parametrize(("value", "expected"), [(None, True), ("on", True), ("off", False)])
    def test_the_setting_reaches_the_driver(
        self, value: str | None, expected: bool, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> None:
        """RENDER_STATIC_SPANS (on by default) is passed to the driver as the job's `staticSpans`."""
        jobs = tmp_path / "jobs"
        jobs.mkdir()
        env = {"FAKE_DRIVER_JOBS": str(jobs)} | ({} if value is None else {"RENDER_STATIC_SPANS": value})
        server = server_factory("ok", **env)
        assert run_stream(server.port, load_recap("one-book")).names[-1] == "complete"
        [job] = [job for path in jobs.glob("*.json") if "inputProps" in (job := json.loads(path.read_text()))]
        assert job["staticSpans"] is expected


@pytest.fixture(scope="module")
def one_book_renders(
    remotion_bundle: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Path, list[dict[str, Any]]]]:
    """one-book rendered twice with the same bundle: every frame (`staticSpans: false`) and distinct frames only.

    The distinct render uses three tabs, so frames arrive out of order (and, on two cores, from two renderFrames).
    """
    workdir = tmp_path_factory.mktemp("spans")
    props = load_recap("one-book")["data"]
    job = {"inputProps": props, "serveUrl": str(remotion_bundle), "browserExecutable": browser_executable()}
    renders = {}
    for mode, fields in (("every", {"staticSpans": False}), ("distinct", {"concurrency": 3})):
        output = workdir / f"{mode}.mp4"
        renders[mode] = (output, run_driver_job({**job, **fields, "outputPath": str(output)}))
    return renders


@pytest.mark.render
class TestDistinctFramesRender:
    def test_the_video_is_the_same(self, one_book_renders: dict[str, tuple[Path, list[dict[str, Any]]]]) -> None:
        """Same frame count, length and format as every-frame rendering, faststart, every frame above 40 dB PSNR."""
        every, distinct = one_book_renders["every"][0], one_book_renders["distinct"][0]
        expected = timeline(load_recap("one-book")["data"])["frames"]
        reference, info = probe(every), probe(distinct)
        assert (info.codec, info.width, info.height, info.fps) == ("h264", 1080, 1920, 30)
        assert info.frames == reference.frames == expected
        assert info.duration == pytest.approx(reference.duration)
        assert info.pix_fmt == reference.pix_fmt == "yuv420p"
        boxes = top_level_boxes(distinct)
        assert boxes.index("moov") < boxes.index("mdat"), boxes
        psnrs = frame_psnrs(every, distinct)
        assert len(psnrs) == expected
        worst = min(range(len(psnrs)), key=psnrs.__getitem__)
        assert psnrs[worst] >= 40, f"frame {worst}: {psnrs[worst]:.1f} dB"

    def test_both_paths_write_a_correct_stream(
        self, one_book_renders: dict[str, tuple[Path, list[dict[str, Any]]]]
    ) -> None:
        """Every-frame (renderMedia) and distinct-frame encoding both write H.264 High, yuv420p, TV range, BT.709
        primaries, transfer and matrix (not the full-range yuvj420p of Chromium's JPEG frames)."""
        for mode in ("every", "distinct"):
            assert video_flags(one_book_renders[mode][0]) == CORRECT_VIDEO, mode

    def test_only_distinct_frames_are_captured(
        self, one_book_renders: dict[str, tuple[Path, list[dict[str, Any]]]]
    ) -> None:
        """With spans each span costs one capture; with `staticSpans: false` every frame is captured."""
        spans = timeline(load_recap("one-book")["data"])["staticSpans"]
        held = sum(span["last"] - span["first"] + (1 if "source" in span else 0) for span in spans)
        every, distinct = one_book_renders["every"][1][-1], one_book_renders["distinct"][1][-1]
        assert (every["framesCaptured"], every["staticSpans"]) == (every["frameCount"], 0)
        assert (distinct["framesCaptured"], distinct["staticSpans"]) == (distinct["frameCount"] - held, len(spans))

    def test_progress_counts_captures_up_to_complete(
        self, one_book_renders: dict[str, tuple[Path, list[dict[str, Any]]]]
    ) -> None:
        """Render progress rises from near 0 to exactly 1, never back, with captured frames never past the plan."""
        messages = one_book_renders["distinct"][1]
        progress = [m for m in messages if m["type"] == "render-progress"]
        values = [m["progress"] for m in progress]
        assert values == sorted(values)
        assert values[0] <= 0.05
        assert values[-1] == 1
        assert len(values) >= 50
        captured = messages[-1]["framesCaptured"]
        assert [m["renderedFrames"] for m in progress] == sorted(m["renderedFrames"] for m in progress)
        assert progress[-1]["renderedFrames"] == captured

    def test_the_driver_reports_where_the_time_went(
        self, one_book_renders: dict[str, tuple[Path, list[dict[str, Any]]]]
    ) -> None:
        """`done` says where the time went: start-up, browser, selectComposition, first frame, capture, encoder tail."""
        for _, messages in one_book_renders.values():
            timings = messages[-1]["timings"]
            parts = ("startup", "browser", "selectComposition", "firstFrame", "capture", "encodeTail")
            assert all(isinstance(timings[part], int) and timings[part] >= 0 for part in parts), timings
            assert sum(timings[part] for part in parts) <= timings["total"]
