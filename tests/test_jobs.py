"""Jobs, not connections: shared renders, reconnects, retention, orphans, the queue, timeouts (fake driver)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.fake_renders import Gate, assert_all_dead, render_runs
from tests.support.recaps import distinct_recap, load_recap
from tests.support.server import ServerProcess
from tests.support.sse_client import Stream, open_stream, read_events, run_stream, stream_url
from tornado_render.render.processes import pids_with_marker


def started_months(server: ServerProcess) -> list[str]:
    return [line["month"] for line in server.logs("render_started")]


class TestSharedJobs:
    def test_identical_requests_share_one_render(
        self, server_factory: Callable[..., ServerProcess], gate: Gate, jobs_dir: Path
    ) -> None:
        """Two clients asking for the same recap see the same events, ids included, from one render."""
        server = server_factory("ok", FAKE_DRIVER_GATE=str(gate.directory), FAKE_DRIVER_JOBS=str(jobs_dir))
        recap = load_recap("one-book")
        first = open_stream(server.port, stream_url(recap))
        read_events(first, count=41)
        second = open_stream(server.port, stream_url(recap))
        read_events(second, count=41)
        gate.open("October")
        read_events(first)
        read_events(second)
        assert first.progress == list(range(101))
        assert [(e.id, e.name, e.data) for e in first.events] == [(e.id, e.name, e.data) for e in second.events]
        assert len(render_runs(jobs_dir)) == 1

    def test_finished_job_answers_without_rendering_again(
        self, server_factory: Callable[..., ServerProcess], jobs_dir: Path
    ) -> None:
        """Within the retention period, the same request replays the outcome at once and renders nothing."""
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs_dir))
        recap = load_recap("one-book")
        first = run_stream(server.port, recap)
        second = run_stream(server.port, recap)
        assert second.events[-1].data == first.events[-1].data
        assert second.progress == list(range(101))
        assert len(render_runs(jobs_dir)) == 1

    def test_after_retention_the_stored_video_answers(
        self, server_factory: Callable[..., ServerProcess], jobs_dir: Path
    ) -> None:
        """Once a job is forgotten, the same request is a new job that answers `complete` with the video already
        stored (the result cache), without a second render."""
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs_dir), JOB_RETENTION_SECONDS="0.2")
        recap = load_recap("one-book")
        first = run_stream(server.port, recap)
        server.wait_for_log("job_forgotten")
        second = run_stream(server.port, recap)
        assert second.events[-1].id != first.events[-1].id
        assert second.names == ["complete"]
        assert second.events[-1].data == first.events[-1].data
        assert len(render_runs(jobs_dir)) == 1


class TestReconnects:
    def test_last_event_id_resumes_without_gap_or_repeat(
        self, server_factory: Callable[..., ServerProcess], gate: Gate
    ) -> None:
        """A reconnect with Last-Event-ID gets exactly the events after it, then the live ones."""
        server = server_factory("ok", FAKE_DRIVER_GATE=str(gate.directory))
        recap = load_recap("one-book")
        first = open_stream(server.port, stream_url(recap))
        read_events(first, count=20)
        first.close()
        resumed = open_stream(server.port, stream_url(recap), headers={"Last-Event-ID": first.events[-1].id or ""})
        read_events(resumed, count=21)
        gate.open("October")
        read_events(resumed)
        assert first.progress + resumed.progress == list(range(101))
        assert resumed.names[-1] == "complete"

    def test_terminal_event_id_gets_204(self, server_factory: Callable[..., ServerProcess], jobs_dir: Path) -> None:
        """EventSource's automatic reconnect after `complete` is told to stop (204) and renders nothing."""
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs_dir))
        recap = load_recap("one-book")
        stream = run_stream(server.port, recap)
        status, _, body = server.request("GET", stream_url(recap), headers={"Last-Event-ID": stream.events[-1].id})
        assert status == 204
        assert body == b""
        assert len(render_runs(jobs_dir)) == 1

    def test_terminal_id_of_a_forgotten_job_still_gets_204(
        self, server_factory: Callable[..., ServerProcess], jobs_dir: Path
    ) -> None:
        """Even after retention, a reconnect holding a terminal id is not rendered again."""
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs_dir), JOB_RETENTION_SECONDS="0.2")
        recap = load_recap("one-book")
        stream = run_stream(server.port, recap)
        server.wait_for_log("job_forgotten")
        status, _, _ = server.request("GET", stream_url(recap), headers={"Last-Event-ID": stream.events[-1].id})
        assert status == 204
        assert len(render_runs(jobs_dir)) == 1


class TestDisconnects:
    def test_disconnect_does_not_stop_the_render(
        self, server_factory: Callable[..., ServerProcess], gate: Gate
    ) -> None:
        """A client that goes away leaves its render running; the video is still stored."""
        server = server_factory("ok", FAKE_DRIVER_GATE=str(gate.directory))
        stream = open_stream(server.port, stream_url(load_recap("one-book")))
        read_events(stream, count=10)
        stream.close()
        server.wait_for_log("driver_started")
        gate.open("October")
        complete = server.wait_for_log("complete")
        stored = list((server.workdir / "storage").rglob("*.mp4"))
        assert len(stored) == 1
        assert complete["job_id"] == server.logs("uploaded")[0]["job_id"]

    def test_orphaned_render_is_cancelled_and_killed(
        self, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> None:
        """With no client for ORPHAN_TIMEOUT_SECONDS, the render is cancelled and every process it started dies."""
        pids_file = tmp_path / "pids"
        server = server_factory("hang", ORPHAN_TIMEOUT_SECONDS="0.5", FAKE_DRIVER_PIDS=str(pids_file))
        stream = open_stream(server.port, stream_url(load_recap("one-book")))
        read_events(stream, count=41)
        started = server.wait_for_log("driver_started")
        stream.close()
        server.wait_for_log("orphaned")
        stopped = server.wait_for_log("driver_stopped")
        assert stopped["processes_left"] == 0
        assert pids_with_marker(started["marker"]) == []
        assert_all_dead(pids_file)
        assert list(server.output_dir.glob("*.mp4")) == []
        error = server.wait_for_log(lambda line: line.get("event") == "error" and line.get("phase") == "cancelled")
        assert error["reason"] == "Render failed: no client was attached for 0.5 s"


def reader_recap(tag: str) -> dict[str, Any]:
    """one-book as a recap of its own reader (the queue is shared by readers; USER_MAX_JOBS limits each one)."""
    recap = distinct_recap("one-book", tag)
    recap["userId"] = f"reader-{tag}"
    return recap


class TestQueue:
    def test_fifo_with_positions(self, server_factory: Callable[..., ServerProcess], gate: Gate) -> None:
        """With one render slot, later jobs wait in order and see their position change."""
        server = server_factory("ok", FAKE_DRIVER_GATE=str(gate.directory), MAX_CONCURRENT_RENDERS="1")
        streams: dict[str, Stream] = {}
        for name in ("A", "B", "C"):
            streams[name] = open_stream(server.port, stream_url(reader_recap(name)))
            read_events(streams[name], count=1)
        assert streams["A"].names == ["progress"]
        assert [e.data for e in streams["B"].events] == [{"position": 1}]
        assert [e.data for e in streams["C"].events] == [{"position": 2}]
        gate.open("A")
        read_events(streams["A"])
        read_events(streams["C"], count=2)
        assert streams["C"].events[-1].data == {"position": 1}
        gate.open("B")
        gate.open("C")
        read_events(streams["B"])
        read_events(streams["C"])
        for name in ("A", "B", "C"):
            assert streams[name].names[-1] == "complete"
            assert streams[name].progress == list(range(101))
        assert started_months(server) == ["A", "B", "C"]

    def test_full_queue_is_503_before_any_stream(
        self, server_factory: Callable[..., ServerProcess], gate: Gate
    ) -> None:
        """When the queue is full, a new request gets 503 JSON with Retry-After."""
        server = server_factory(
            "ok", FAKE_DRIVER_GATE=str(gate.directory), MAX_CONCURRENT_RENDERS="1", MAX_QUEUED_RENDERS="1"
        )
        running = open_stream(server.port, stream_url(distinct_recap("one-book", "A")))
        read_events(running, count=1)
        waiting = open_stream(server.port, stream_url(distinct_recap("one-book", "B")))
        read_events(waiting, count=1)
        status, headers, body = server.request("GET", stream_url(distinct_recap("one-book", "C")))
        assert status == 503
        assert int(headers["retry-after"]) > 0
        assert json.loads(body) == {"error": "The render queue is full; try again later"}
        status, headers, body = server.request("POST", "/render", distinct_recap("one-book", "D"))
        assert status == 503
        gate.open("A")
        gate.open("B")
        read_events(running)
        read_events(waiting)
        assert waiting.names[-1] == "complete"

    def test_crowd_of_twenty(self, server_factory: Callable[..., ServerProcess], jobs_dir: Path) -> None:
        """20 distinct recaps at once with one slot: all rendered, in arrival order, each uploaded exactly once."""
        server = server_factory("ok", MAX_CONCURRENT_RENDERS="1", FAKE_DRIVER_JOBS=str(jobs_dir))
        names = [f"Month{i:02d}" for i in range(20)]
        results: dict[str, Stream] = {}

        def client(name: str) -> None:
            results[name] = run_stream(server.port, reader_recap(name), timeout=120)

        threads = [threading.Thread(target=client, args=(name,)) for name in names]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)
        assert sorted(results) == names
        for stream in results.values():
            assert stream.names[-1] == "complete"
            assert stream.progress == list(range(101))
        arrival = [line["month"] for line in server.logs("validated")]
        assert started_months(server) == arrival
        uploaded = server.wait_for_logs("uploaded", 20)
        assert len(uploaded) == 20
        assert len({line["key"] for line in uploaded}) == 20
        assert len(list((server.workdir / "storage").rglob("*.mp4"))) == 20
        assert len(render_runs(jobs_dir)) == 20


class TestTimeouts:
    def test_render_timeout(self, server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
        """A render longer than RENDER_TIMEOUT_SECONDS ends with "timed out" and leaves no process."""
        pids_file = tmp_path / "pids"
        server = server_factory("hang", RENDER_TIMEOUT_SECONDS="1", FAKE_DRIVER_PIDS=str(pids_file))
        stream = run_stream(server.port, load_recap("one-book"))
        assert stream.events[-1].data["message"] == "Render failed: the video took too long to render"
        assert server.wait_for_log("error")["reason"] == "Render failed: timed out after 1 s"
        assert server.wait_for_log("driver_stopped")["processes_left"] == 0
        assert_all_dead(pids_file)
