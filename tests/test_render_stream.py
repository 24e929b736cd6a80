"""GET /render-stream against a real server process whose render driver is the fake one (fast tests)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.support.recaps import distinct_recap, load_recap
from tests.support.server import ServerProcess
from tests.support.sse_client import open_stream, read_events, run_stream, stream_url

EXPECTED_HEADERS = {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "connection": "keep-alive",
    "x-accel-buffering": "no",
}


def progress_events(first: int, last: int) -> list[dict[str, object]]:
    return [{"progress": n, "phase": "bundling" if n <= 25 else "rendering"} for n in range(first, last + 1)]


class TestSuccessfulStream:
    def test_exact_event_sequence(self, fake_server: ServerProcess) -> None:
        """progress 0..100, each once and in order with its phase, then one complete, then the stream ends."""
        stream = run_stream(fake_server.port, load_recap("one-book"))
        assert stream.status == 200
        assert stream.names == ["progress"] * 101 + ["complete"]
        assert [event.data for event in stream.events[:-1]] == progress_events(0, 100)
        complete = stream.events[-1].data
        assert set(complete) == {"filename", "s3Url", "warnings", "assets"}
        assert complete["warnings"] == []
        assert complete["filename"].startswith("recap-2026-10-")
        assert complete["s3Url"].startswith(f"{fake_server.base_url}/storage/videos/user-789/2026/10/recap-2026-10-")

    def test_headers(self, fake_server: ServerProcess) -> None:
        """The SSE headers of the spec, and X-Accel-Buffering for nginx."""
        stream = run_stream(fake_server.port, load_recap("one-book"))
        for name, value in EXPECTED_HEADERS.items():
            assert stream.headers[name] == value

    def test_ids_and_retry(self, fake_server: ServerProcess) -> None:
        """Every event has an id, the terminal one marked; the stream sets a reconnect delay."""
        stream = run_stream(fake_server.port, load_recap("one-book"))
        ids = [event.id for event in stream.events]
        assert all(ids)
        assert len(set(ids)) == len(ids)
        assert ids[-1].endswith(".end")
        assert not any(i.endswith(".end") for i in ids[:-1])
        assert stream.retry == 3000

    def test_video_is_stored_and_local_file_deleted(self, fake_server: ServerProcess) -> None:
        """After complete, the video is at s3Url and no longer in the output directory."""
        stream = run_stream(fake_server.port, load_recap("one-book"))
        complete = stream.events[-1].data
        path = complete["s3Url"].removeprefix(fake_server.base_url)
        status, headers, body = fake_server.request("GET", path)
        assert status == 200
        assert headers["content-type"] == "video/mp4"
        assert body[4:8] == b"ftyp"
        assert not (fake_server.output_dir / complete["filename"]).exists()

    def test_logs_every_phase_with_job_id(self, fake_server: ServerProcess) -> None:
        """validated, queued, bundling, rendering, rendered, uploaded, complete: one JSON line each, same job id."""
        run_stream(fake_server.port, load_recap("one-book"))
        complete = fake_server.wait_for_log("complete")
        job_lines = [line for line in fake_server.logs() if line.get("job_id") == complete["job_id"]]
        events = [line["event"] for line in job_lines]
        for phase in ("validated", "queued", "bundling", "rendering", "rendered", "uploaded", "complete"):
            assert phase in events, events
        assert all(line.get("user_id") == "user-789" for line in job_lines)
        assert complete["total_seconds"] >= 0
        assert fake_server.logs("rendered")[0]["bytes"] > 0


class TestKeepalive:
    def test_keepalive_while_waiting(self, server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
        """`: keepalive` comments arrive at the configured interval while a render runs, and stop with it."""
        gate = tmp_path / "gate"
        gate.mkdir()
        server = server_factory("ok", KEEPALIVE_SECONDS="0.2", FAKE_DRIVER_GATE=str(gate))
        stream = open_stream(server.port, stream_url(load_recap("one-book")), timeout=10)
        read_events(stream, comments=5)
        assert [text for text, _ in stream.comments] == ["keepalive"] * 5
        # The timer keeps its schedule: one late tick (a loaded machine) is followed by a short one, so the mean gap
        # is what holds the interval, and no gap may be long.
        times = [at for _, at in stream.comments]
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        assert 0.15 < (times[-1] - times[0]) / len(gaps) < 0.5, gaps
        assert max(gaps) < 1.0, gaps
        (gate / "October").touch()
        read_events(stream)
        assert stream.names[-1] == "complete"
        assert stream.progress == list(range(101))


class TestRequestForms:
    def test_user_id_as_its_own_parameter(self, fake_server: ServerProcess) -> None:
        """?userId=...&data=<MonthlyRecapExport> is accepted, as some clients send it."""
        recap = load_recap("one-book")
        path = f"/render-stream?userId=reader%2042&data={quote(json.dumps(recap['data']), safe='')}"
        stream = open_stream(fake_server.port, path)
        read_events(stream)
        assert stream.names[-1] == "complete"
        assert "/videos/reader%2042/2026/10/" in stream.events[-1].data["s3Url"]

    def test_query_is_decoded_exactly_once(self, server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
        """A title full of URL-significant characters reaches the renderer exactly as sent."""
        jobs = tmp_path / "jobs"
        jobs.mkdir()
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs))
        recap = load_recap("one-book")
        title = '100% Fun & Games + "more" ✓ %2F a+b=c?'
        recap["data"]["books"][0]["title"] = title
        stream = run_stream(server.port, recap)
        assert stream.names[-1] == "complete"
        received = [json.loads(p.read_text()) for p in jobs.glob("*.json")]
        render_jobs = [job for job in received if "inputProps" in job]
        assert [job["inputProps"]["books"][0]["title"] for job in render_jobs] == [title]


class TestBadRequests:
    @pytest.mark.parametrize(
        ("path", "field"),
        [
            ("/render-stream", "data"),
            ("/render-stream?data=", "data"),
            ("/render-stream?data=%7Bnot%20json", "data"),
            ("/render-stream?data=%FF%FE", "data"),
            ("/render-stream?data=%5B1%2C2%5D", "request"),
        ],
    )
    def test_malformed(self, fake_server: ServerProcess, path: str, field: str) -> None:
        """Missing, empty, non-JSON or non-UTF-8 data is a JSON 400 naming the parameter, before any stream."""
        status, headers, body = fake_server.request("GET", path)
        assert status == 400
        assert headers["content-type"].startswith("application/json")
        payload = json.loads(body)
        assert field in payload["fields"]
        assert payload["error"].startswith("Invalid request: ")

    def test_invalid_fields_are_all_named(self, fake_server: ServerProcess) -> None:
        """Validation errors list every bad field by path."""
        recap = load_recap("one-book")
        recap["userId"] = " "
        recap["data"]["meta"]["month"] = 13
        del recap["data"]["stats"]
        status, _, body = fake_server.request("GET", stream_url(recap))
        assert status == 400
        payload = json.loads(body)
        assert set(payload["fields"]) == {"userId", "data.meta.month", "data.stats"}
        for name in ("userId", "data.meta.month", "data.stats"):
            assert name in payload["error"]

    def test_no_render_starts_for_a_bad_request(self, fake_server: ServerProcess) -> None:
        """A refused request creates no job."""
        recap = load_recap("one-book")
        recap["data"]["meta"]["month"] = 0
        fake_server.request("GET", stream_url(recap))
        assert fake_server.logs("queued") == []


class TestRenderFailures:
    @pytest.mark.parametrize(
        ("mode", "message"),
        [
            ("error", "Render failed: out of memory"),
            (
                "crash",
                "Render failed: the render driver exited with status 3 without a result: "
                "Error: the browser crashed: Target closed",
            ),
            ("killed", "Render failed: the render driver was killed by SIGKILL"),
            ("garbage", "Render failed: the render driver printed something that is not JSON: 'this is not json'"),
        ],
    )
    def test_driver_failure_is_an_error_event(
        self, server_factory: Callable[..., ServerProcess], mode: str, message: str
    ) -> None:
        """The progress reached, then exactly one error event with the fixed message and the job's id; nothing
        after it."""
        server = server_factory(mode)
        stream = run_stream(server.port, distinct_recap("one-book", mode))
        assert stream.names == ["progress"] * 41 + ["error"]
        assert stream.progress == list(range(41))
        job_id = stream.events[-1].id.rsplit(".", 2)[0]
        assert stream.events[-1].data == {"message": "Render failed: the video could not be rendered", "jobId": job_id}
        assert server.wait_for_log("error")["reason"] == message  # the detail stays in the log
        assert stream.events[-1].id.endswith(".end")
        assert list(server.output_dir.glob("*.mp4")) == []
        status, _ = server.get_json("/health")
        assert status == 200

    def test_a_done_without_the_video_written_is_an_error(self, server_factory: Callable[..., ServerProcess]) -> None:
        """A driver that says `done` but wrote no video fails the job (nothing uploaded, no `complete` pointing at
        nothing), with the fixed message and the file named in the log."""
        server = server_factory("unwritten")
        stream = run_stream(server.port, distinct_recap("one-book", "Unwritten"))
        assert stream.names[-1] == "error"
        assert "complete" not in stream.names
        assert stream.events[-1].data["message"] == "Render failed: the video could not be rendered"
        reason = server.wait_for_log("error")["reason"]
        assert reason.startswith("Render failed: the render driver reported success but did not write ")
        assert reason.endswith(".mp4")
        assert list(server.output_dir.glob("*.mp4")) == []
