"""One render in chunks of frames (render/chunks.py, the driver's `frameRange`): the plan covers every frame once,
progress runs 0..100 once over all chunks, and a real chunked render joined by a stream copy is the one-worker
render: the same frames, the same length, every frame above 40 dB PSNR."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.support.loops import run_in_own_loop
from tests.support.media import frame_psnrs, probe, top_level_boxes
from tests.support.moto_server import MotoServer
from tests.support.recaps import load_recap
from tests.support.redis_server import RedisServer
from tests.support.remotion import timeline
from tests.support.server import ServerProcess, fake_driver_command
from tests.support.sse_client import run_stream
from tests.support.stills import REMOTION, browser_executable, run_driver_job, seed_bundle_cache
from tornado_render.errors import RenderFailed
from tornado_render.recap import MAX_CHUNKS, RenderRequest
from tornado_render.render.assets import asset_names, asset_path
from tornado_render.render.chunks import (
    ChunkProgress,
    FrameRange,
    chunk_count,
    chunk_jobs,
    chunk_key,
    chunk_path,
    chunk_ranges,
    join_videos,
    render_chunks,
)
from tornado_render.render.driver import driver_argv
from tornado_render.render.ffmpeg import MediaTools
from tornado_render.render.pipeline import Pipeline, RenderOptions
from tornado_render.render.workspace import rendering_path
from tornado_render.settings import Settings, settings_from_env
from tornado_render.storage import make_storage

# one-book is 420 frames: CHUNK_FRAMES 140 makes three chunks.
CHUNK_FRAMES = 140


class TestChunkCount:
    @pytest.mark.parametrize(
        ("total", "chunk_frames", "min_frames", "count"),
        [
            (6000, 0, 0, 1),  # off: whole, however long
            (900, 300, 900, 1),  # at most CHUNK_MIN_FRAMES: whole
            (901, 300, 900, 4),
            (300, 300, 0, 1),  # fits in one chunk
            (301, 300, 0, 2),
            (420, 140, 0, 3),
            (1, 1, 0, 1),
            (5000, 1, 0, MAX_CHUNKS),  # capped: a chunk job of more is refused where it is read (recap._chunk_of)
        ],
    )
    def test_how_many_chunks(self, total: int, chunk_frames: int, min_frames: int, count: int) -> None:
        """One chunk per CHUNK_FRAMES frames, rounded up; one (whole) when off, short or within one chunk."""
        assert chunk_count(total, chunk_frames, min_frames) == count

    def test_no_frames_is_refused(self) -> None:
        """A video has at least one frame."""
        with pytest.raises(ValueError, match="at least one frame"):
            chunk_count(0, 300, 0)


class TestChunkRanges:
    def test_the_chunks_must_be_every_frame_once_in_order(self) -> None:
        """The ranges the chunks report are accepted only when contiguous, in order, and the whole video."""

        def done(*ranges: tuple[int, int]) -> list[dict[str, Any]]:
            return [{"frameRange": [a, b], "frameCount": b - a + 1} for a, b in ranges]

        assert chunk_ranges(done((0, 9), (10, 19)), 20) == [FrameRange(0, 9), FrameRange(10, 19)]
        for wrong in (done((0, 9), (11, 19)), done((0, 9), (9, 19)), done((10, 19), (0, 9)), done((0, 9), (10, 18))):
            with pytest.raises(RenderFailed):
                chunk_ranges(wrong, 20)
        with pytest.raises(RenderFailed, match="has 5 frames"):
            chunk_ranges([{"frameRange": [0, 19], "frameCount": 5}], 20)
        with pytest.raises(RenderFailed, match="did not say"):
            chunk_ranges([{"frameCount": 20}], 20)


class TestChunkJobs:
    def test_each_chunk_renders_its_part_of_every_video(self, tmp_path: Path) -> None:
        """Each chunk job writes its own file for the story and each shape, the card comes with the first chunk
        only, and the whole render's tabs are shared among the drivers running at once."""
        job = {
            "inputProps": {"userName": "x"},
            "outputPath": str(tmp_path / "v.mp4"),
            "formats": [{"format": "square", "outputPath": str(tmp_path / "v.square.mp4")}],
            "card": {"outputPath": str(tmp_path / "v.card.jpg")},
            "concurrency": 3,
        }
        jobs = chunk_jobs(job, 3, 2)
        assert [one["chunk"] for one in jobs] == [{"index": i, "count": 3} for i in range(3)]
        assert [one["outputPath"] for one in jobs] == [str(chunk_path(tmp_path / "v.mp4", i)) for i in range(3)]
        assert len({one["formats"][0]["outputPath"] for one in jobs}) == 3
        assert ["card" in one for one in jobs] == [True, False, False]
        assert {one["concurrency"] for one in jobs} == {2}
        assert job["outputPath"] == str(tmp_path / "v.mp4")  # the whole render's job is left as it was


class TestChunkProgress:
    def test_progress_is_the_chunks_work_done_and_ends_at_the_join(self) -> None:
        """Overall progress is the mean of the chunks' (chunks of equal work), never past 0.99 before the join."""
        seen: list[float] = []
        progress = ChunkProgress(2, seen.append)
        progress.chunk(1, 0.5)
        progress.chunk(0, 1.0)
        progress.chunk(0, 0.2)  # a late, lower report of a chunk changes nothing
        progress.chunk(1, 1.0)
        progress.joined()
        assert seen == [0.25, 0.75, 0.75, 0.99, 1.0]


def run_node(script: str) -> Any:
    """Run an ES module snippet in remotion/ (it can import the driver's modules) and parse what it prints."""
    out = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, cwd=REMOTION, timeout=60
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


class TestFramePlanInRange:
    def test_chunks_write_the_whole_videos_pictures(self) -> None:
        """The distinct-frame plans of the chunks, one after another, write exactly the pictures of the whole
        video's plan, frame for frame, a span cut by a chunk included (its picture is its own first frame's, or its
        source's, captured even before the range)."""
        result = run_node(
            "import {framePlan} from './driver/static-spans.mjs';"
            "const spans = [{first: 2, last: 4}, {first: 6, last: 8}, {first: 10, last: 11, source: 0}];"
            "const expand = (plan) => plan.writes.flatMap(({frame, times}) => Array(times).fill(frame));"
            "const whole = expand(framePlan(12, spans));"
            "const ranges = [[0, 2], [3, 6], [7, 10], [11, 11]];"
            "const chunks = ranges.map((range) => framePlan(12, spans, range));"
            "console.log(JSON.stringify({whole, chunks: chunks.flatMap(expand),"
            " captures: chunks.map((plan) => plan.frames)}));"
        )
        assert result["chunks"] == result["whole"] == [0, 1, 2, 2, 2, 5, 6, 6, 6, 9, 0, 0]
        assert result["captures"] == [[0, 1, 2], [2, 5, 6], [0, 6, 9], [0]]


class TestChunkRangeOfEqualWork:
    @pytest.mark.parametrize("count", [1, 2, 3, 4, 7])
    def test_chunks_are_every_frame_once_and_of_equal_work(self, count: int) -> None:
        """The driver's chunk {index, count} ranges, in order, are every frame of one-book once, and each captures
        about as many frames as the others (equal frames would not: static spans are not spread evenly)."""
        timing = timeline(load_recap("one-book")["data"])
        plans = run_node(
            "import {chunkRange, framePlan} from './driver/static-spans.mjs';"
            f"const spans = {json.dumps(timing['staticSpans'])}; const frames = {timing['frames']};"
            f"const ranges = [...Array({count}).keys()].map((i) => chunkRange(frames, spans, i, {count}));"
            "console.log(JSON.stringify(ranges.map((range) =>"
            " ({range, captures: framePlan(frames, spans, range).frames.length}))));"
        )
        frames = [frame for plan in plans for frame in range(plan["range"][0], plan["range"][1] + 1)]
        assert frames == list(range(timing["frames"]))
        captures = [plan["captures"] for plan in plans]
        # A cut may fall inside a span (its picture is captured again) and held frames cost a little: within 25 %.
        assert max(captures) <= 1.25 * min(captures) + 2, captures

    def test_more_chunks_than_frames_is_refused(self) -> None:
        """A chunk has at least one frame."""
        message = run_node(
            "import {chunkRange} from './driver/static-spans.mjs';"
            "try { chunkRange(3, [], 0, 4); console.log('\"accepted\"'); }"
            " catch (error) { console.log(JSON.stringify(error.message)); }"
        )
        assert "does not fit" in message


class TestChunkedService:
    def test_a_chunked_render_streams_progress_once_and_joins_the_chunks(
        self, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> None:
        """With CHUNK_FRAMES set, a recap longer than CHUNK_MIN_FRAMES renders as contiguous chunks by several
        drivers, the stream shows every integer 0..100 exactly once, and the stored video has every frame."""
        jobs = tmp_path / "jobs"
        jobs.mkdir()
        server = server_factory(
            "ok", FAKE_DRIVER_JOBS=str(jobs), CHUNK_FRAMES=str(CHUNK_FRAMES), CHUNK_MIN_FRAMES="0", CHUNK_DRIVERS="2"
        )
        stream = run_stream(server.port, load_recap("one-book"))
        assert stream.names[-1] == "complete", stream.events[-3:]
        assert stream.progress == list(range(101))
        recorded = [json.loads(path.read_text()) for path in jobs.glob("*.json")]
        chunks = sorted((job["chunk"]["index"], job["chunk"]["count"]) for job in recorded if "inputProps" in job)
        assert chunks == [(0, 3), (1, 3), (2, 3)]
        [joined] = server.logs("chunks_joined")
        assert joined["chunks"] == 3
        assert joined["ranges"] == [[0, 139], [140, 279], [280, 419]]
        [stored] = list(Path(server.env["LOCAL_STORAGE_DIR"]).rglob("*.mp4"))
        assert probe(stored).frames == 420

    def test_a_failed_chunk_fails_the_render_and_leaves_nothing(
        self, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> None:
        """A chunk whose driver fails ends the stream with `error`, and no chunk video or driver is left behind."""
        pids = tmp_path / "pids"
        server = server_factory(
            "error", FAKE_DRIVER_PIDS=str(pids), CHUNK_FRAMES=str(CHUNK_FRAMES), CHUNK_MIN_FRAMES="0"
        )
        stream = run_stream(server.port, load_recap("one-book"))
        assert stream.names[-1] == "error"
        assert "out of memory" in server.logs("driver_failed")[0]["reason"]
        assert list(server.output_dir.rglob("*.chunk-*")) == []
        alive = [pid for pid in map(int, pids.read_text().split()) if Path(f"/proc/{pid}").exists()]
        assert alive == []

    def test_a_short_recap_renders_whole(self, server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
        """A recap of at most CHUNK_MIN_FRAMES frames is one driver job without a frame range."""
        jobs = tmp_path / "jobs"
        jobs.mkdir()
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs), CHUNK_FRAMES="140", CHUNK_MIN_FRAMES="420")
        assert run_stream(server.port, load_recap("one-book")).names[-1] == "complete"
        [job] = [job for path in jobs.glob("*.json") if "inputProps" in (job := json.loads(path.read_text()))]
        assert "frameRange" not in job
        assert "chunk" not in job


class TestChunkJob:
    def test_a_chunk_job_leaves_the_whole_renders_files_alone(self, tmp_path: Path) -> None:
        """A worker can hold a render (as its coordinator, whose first chunk writes the link card) and one of that
        render's chunk jobs at once: both work under the same paths of this process. The chunk job stores its chunk
        under chunks/ and removes only what it wrote, never the whole render's card, poster or shapes beside it."""
        settings = settings_from_env(
            {
                "OUTPUT_DIR": str(tmp_path / "output"),
                "LOCAL_STORAGE_DIR": str(tmp_path / "storage"),
                "BUNDLE_DIR": str(tmp_path / "bundles"),
                "DRIVER_COMMAND": fake_driver_command(tmp_path, "ok", {}),
            }
        )
        executor = ThreadPoolExecutor(2)
        storage = make_storage(settings)
        pipeline = Pipeline.from_settings(
            settings, browser_executable="chromium", storage=storage, executor=executor, video_secret=b"s" * 32
        )
        whole = RenderRequest(user_id="u", recap=load_recap("one-book")["data"], formats=("story", "square"))
        filename, key = pipeline.video_name(whole)
        rendered = rendering_path(settings.output_dir, filename)
        the_whole_renders = [asset_path(rendered, name) for name in asset_names(whole)]
        for path in the_whole_renders:
            path.write_bytes(b"being written by the coordinator")
        try:
            outcome = run_in_own_loop(pipeline.run(replace(whole, chunk=(1, 2)), lambda step: None))
        finally:
            executor.shutdown()
        assert [path.name for path in the_whole_renders if not path.exists()] == []
        assert outcome.key == chunk_key(key, 1, "done.json")
        stored = sorted(path.name for path in (tmp_path / "storage").rglob("*") if path.is_file())
        assert stored == ["001.done.json", "001.square.mp4", "001.story.mp4"]
        assert sorted(path.name for path in rendered.parent.iterdir()) == sorted(p.name for p in the_whole_renders)


@pytest.fixture(scope="module")
def one_book_whole_and_chunked(remotion_bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """one-book rendered by one driver; in three chunks by two drivers at once joined by a stream copy, with the
    service's render settings and the same bundle; and in two chunks with every frame captured by renderMedia."""
    workdir = tmp_path_factory.mktemp("chunks")
    options = RenderOptions.from_settings(Settings(), browser_executable())
    job = {
        "inputProps": load_recap("one-book")["data"],
        "serveUrl": str(remotion_bundle),
        **options.driver_fields(),
    }
    whole = workdir / "whole.mp4"
    run_driver_job({**job, "outputPath": str(whole)})
    joined = workdir / "joined.mp4"
    # Explicit ranges, each starting inside a static span: the hardest cut (the pipeline asks for `chunk`, which the
    # driver turns into such a range: TestChunkRangeOfEqualWork).
    ranges = [FrameRange(0, 139), FrameRange(140, 279), FrameRange(280, 419)]
    jobs = chunk_jobs({**job, "outputPath": str(joined)}, 3, 2)
    for one, chunk in zip(jobs, ranges, strict=True):
        del one["chunk"]
        one["frameRange"] = [chunk.first, chunk.last]
    progress: list[float] = []
    done = render_and_join(jobs, joined, progress.append)
    # Every frame captured by renderMedia (`staticSpans: false`), in two chunks the driver cuts itself (`chunk`).
    every = workdir / "every-joined.mp4"
    every_jobs = chunk_jobs({**job, "staticSpans": False, "outputPath": str(every)}, 2, 2)
    every_done = render_and_join(every_jobs, every, lambda _: None)
    return {
        "whole": whole,
        "joined": joined,
        "done": done,
        "progress": progress,
        "ranges": ranges,
        "every": every,
        "every_done": every_done,
    }


def render_and_join(
    jobs: list[dict[str, Any]], joined: Path, on_progress: Callable[[float], None]
) -> list[dict[str, Any]]:
    """The chunk jobs rendered by two real drivers at once and joined at `joined`; their `done` messages."""
    tracker = ChunkProgress(len(jobs), on_progress)

    def handle_for(index: int) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
        def handle(message: dict[str, Any]) -> dict[str, Any] | None:
            if message["type"] == "render-progress":
                tracker.chunk(index, message["progress"])
            return message if message["type"] == "done" else None

        return handle

    async def chunked() -> list[dict[str, Any]]:
        argv = driver_argv(None, "node", REMOTION)
        done = await render_chunks(
            jobs, handle_for, argv_for=lambda _: argv, cwd=REMOTION, timeout=600, drivers_at_once=2
        )
        parts = [chunk_path(joined, index) for index in range(len(jobs))]
        await join_videos(MediaTools.for_remotion_dir(REMOTION), parts, joined)
        tracker.joined()
        return done

    return run_in_own_loop(chunked())


@pytest.mark.render
class TestChunkedRender:
    def test_the_joined_video_is_the_one_worker_video(self, one_book_whole_and_chunked: dict[str, Any]) -> None:
        """Same frame count, duration, size and frame rate as the one-driver render, faststart, and every frame
        within 40 dB PSNR of it (the chunk boundaries included)."""
        whole, joined = one_book_whole_and_chunked["whole"], one_book_whole_and_chunked["joined"]
        expected = timeline(load_recap("one-book")["data"])["frames"]
        reference, info = probe(whole), probe(joined)
        assert (info.codec, info.width, info.height, info.fps, info.pix_fmt) == ("h264", 1080, 1920, 30, "yuv420p")
        assert info.frames == reference.frames == expected
        assert info.duration == pytest.approx(reference.duration, abs=1e-6)
        boxes = top_level_boxes(joined)
        assert boxes.index("moov") < boxes.index("mdat"), boxes
        psnrs = frame_psnrs(whole, joined)
        assert len(psnrs) == expected
        worst = min(range(len(psnrs)), key=psnrs.__getitem__)
        print(f"chunked vs whole: min PSNR {psnrs[worst]:.2f} dB at frame {worst}")
        assert psnrs[worst] >= 40, f"frame {worst}: {psnrs[worst]:.1f} dB"

    def test_every_frame_chunks_cut_by_the_driver_join_to_the_same_video(
        self, one_book_whole_and_chunked: dict[str, Any]
    ) -> None:
        """renderMedia's path (`staticSpans: false`) in two chunks the driver cuts by work (`chunk`): the chunks
        are the video's frames in order, and the joined video has its frames and length, every frame above 40 dB
        PSNR of the one-driver render."""
        whole, every = one_book_whole_and_chunked["whole"], one_book_whole_and_chunked["every"]
        ranges = chunk_ranges(one_book_whole_and_chunked["every_done"], 420)
        assert len(ranges) == 2
        assert [message["framesCaptured"] for message in one_book_whole_and_chunked["every_done"]] == [
            chunk.frames for chunk in ranges
        ]
        reference, info = probe(whole), probe(every)
        assert info.frames == reference.frames == 420
        assert info.duration == pytest.approx(reference.duration, abs=1e-6)
        psnrs = frame_psnrs(whole, every)
        worst = min(range(len(psnrs)), key=psnrs.__getitem__)
        print(f"every-frame chunks vs whole: min PSNR {psnrs[worst]:.2f} dB at frame {worst}")
        assert psnrs[worst] >= 40, f"frame {worst}: {psnrs[worst]:.1f} dB"

    def test_each_chunk_reports_its_own_frames(self, one_book_whole_and_chunked: dict[str, Any]) -> None:
        """Each chunk's `done` counts its range's frames and echoes the range; distinct frames still apply."""
        for message, chunk in zip(
            one_book_whole_and_chunked["done"], one_book_whole_and_chunked["ranges"], strict=True
        ):
            assert message["frameCount"] == chunk.frames
            assert message["frameRange"] == [chunk.first, chunk.last]
            assert 0 < message["framesCaptured"] < chunk.frames
            assert message["durationInSeconds"] == pytest.approx(chunk.frames / 30)

    def test_progress_over_the_chunks_rises_to_complete(self, one_book_whole_and_chunked: dict[str, Any]) -> None:
        """Progress over the three chunks never goes back, stays below 1 until the join, and ends at 1."""
        values = one_book_whole_and_chunked["progress"]
        assert values == sorted(values)
        assert values[-1] == 1.0
        assert values[-2] <= 0.99
        assert len(values) >= 50


@pytest.mark.render
class TestChunkedOverTheFleet:
    def test_chunks_of_two_workers_join_to_the_one_worker_video(
        self,
        one_book_whole_and_chunked: dict[str, Any],
        redis: RedisServer,
        moto: MotoServer,
        server_factory: Callable[..., ServerProcess],
        remotion_bundle: Path,
        tmp_path: Path,
    ) -> None:
        """CHUNK_FLEET with two real workers on one Redis and S3, set alike as a fleet is: whichever takes the render
        coordinates it and renders the first of two chunks, the other the second (stored in S3, fetched back for
        the join); the stored video has the one-driver render's frames and length, every frame within 40 dB
        PSNR of it, and nothing is left under chunks/."""
        bundles = str(seed_bundle_cache(tmp_path / "bundles", remotion_bundle))
        fleet = {"REDIS_URL": redis.url, "VIDEO_KEY_SECRET": "chunks-secret-for-tests-0123456789abcdef"}
        fleet |= moto.server_env("recaps")
        chunked = {"CHUNK_FRAMES": "210", "CHUNK_MIN_FRAMES": "0", "CHUNK_FLEET": "on", "MAX_CONCURRENT_RENDERS": "1"}
        workers = [server_factory(None, ROLE="worker", BUNDLE_DIR=bundles, **fleet, **chunked) for _ in range(2)]
        # The web instance renders nothing; it builds its own (fake) bundle and thumbnails, where one given the
        # session's bundle would write its thumbnails into that bundle for every later test to find.
        web = server_factory("ok", ROLE="web", **fleet)
        stream = run_stream(web.port, load_recap("one-book"), timeout=600)
        assert stream.names[-1] == "complete", stream.events[-3:]
        assert stream.progress == list(range(101))
        [coordinator] = [server for server in workers if server.logs("chunks_queued")]
        [helper] = [server for server in workers if server is not coordinator]
        assert helper.wait_for_log("chunk_stored")["chunk"] == 1
        assert coordinator.logs("chunk_taken_back") == []
        listing = moto.client().list_objects_v2(Bucket="recaps")["Contents"]
        keys = [item["Key"] for item in listing]
        assert not [key for key in keys if key.startswith("chunks/")], keys
        (key,) = [key for key in keys if key.endswith(".mp4")]
        joined = tmp_path / "fleet-joined.mp4"
        moto.client().download_file("recaps", key, str(joined))
        whole = one_book_whole_and_chunked["whole"]
        assert probe(joined).frames == probe(whole).frames == 420
        psnrs = frame_psnrs(whole, joined)
        worst = min(range(len(psnrs)), key=psnrs.__getitem__)
        print(f"fleet chunks vs whole: min PSNR {psnrs[worst]:.2f} dB at frame {worst}")
        assert psnrs[worst] >= 40, f"frame {worst}: {psnrs[worst]:.1f} dB"
