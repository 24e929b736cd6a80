"""GET /metrics and the metrics behind it: counters moved by the job manager, gauges read from the job table."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.metrics import Samples, scrape, value
from tests.support.recaps import distinct_recap, load_recap
from tests.support.server import ROOT, ServerProcess
from tests.support.sse_client import open_stream, read_events, run_stream, stream_url
from tornado_render.errors import FailureReason
from tornado_render.jobs.model import Job
from tornado_render.metrics import CHUNK_OUTCOMES, FAILURE_REASONS, RenderMetrics
from tornado_render.recap import RenderRequest
from tornado_render.render.pipeline import Outcome

JOB = Job(key="k" * 64, request=RenderRequest(user_id="u", recap=load_recap("one-book")["data"]))


def failures(samples: Samples) -> dict[str, float]:
    return {reason: value(samples, "renders_failed_total", reason=reason) for reason in FAILURE_REASONS}


def sample_value(metrics: RenderMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(f"tornado_render_{name}", labels)


def outcome(render_seconds: float = 12.5, upload_seconds: float = 0.2) -> Outcome:
    return Outcome("v.mp4", "/storage/v.mp4", "videos/u/v.mp4", 11.5, render_seconds, upload_seconds)


class TestRenderMetrics:
    def test_job_transitions_update_the_metrics(self) -> None:
        """A start, a success and a failure each move their own metric, and only it."""
        metrics = RenderMetrics()
        metrics.job_started(JOB)
        metrics.job_succeeded(JOB, outcome())
        metrics.job_failed(JOB, FailureReason.TIMEOUT)
        assert sample_value(metrics, "renders_started_total") == 1
        assert sample_value(metrics, "renders_completed_total") == 1
        assert sample_value(metrics, "renders_failed_total", reason="timeout") == 1
        assert sample_value(metrics, "renders_failed_total", reason="render") == 0
        assert sample_value(metrics, "render_duration_seconds_count") == 1
        assert sample_value(metrics, "render_duration_seconds_sum") == 12.5
        assert sample_value(metrics, "render_duration_seconds_bucket", le="15.0") == 1
        assert sample_value(metrics, "render_duration_seconds_bucket", le="10.0") == 0
        assert sample_value(metrics, "upload_duration_seconds_count") == 1
        assert sample_value(metrics, "upload_duration_seconds_sum") == 0.2

    def test_finished_jobs_are_counted_by_lane(self) -> None:
        """The batch lane's finished jobs are its throughput, apart from readers' own requests."""
        metrics = RenderMetrics()
        batch_item = dataclasses.replace(JOB, lane="batch")
        metrics.job_succeeded(batch_item, outcome())
        metrics.job_succeeded(batch_item, outcome())
        metrics.job_failed(batch_item, FailureReason.RENDER)
        metrics.job_succeeded(JOB, outcome())
        finished = {
            (lane, end): sample_value(metrics, "jobs_finished_total", lane=lane, outcome=end)
            for lane in ("interactive", "batch")
            for end in ("completed", "failed")
        }
        assert finished == {
            ("interactive", "completed"): 1,
            ("interactive", "failed"): 0,
            ("batch", "completed"): 2,
            ("batch", "failed"): 1,
        }

    def test_a_chunk_job_is_not_a_render(self) -> None:
        """A chunk rendered by another worker (CHUNK_FLEET) counts as a chunk, never as a render: neither started,
        completed, failed nor finished in its lane, and its partial render time stays out of the histogram. A chunk its
        coordinator took back (cancelled) is not a failure."""
        metrics = RenderMetrics()
        chunk = Job(key="c" * 64, request=dataclasses.replace(JOB.request, chunk=(1, 3)))
        metrics.job_started(chunk)
        metrics.job_succeeded(chunk, outcome())
        metrics.job_started(chunk)
        metrics.job_failed(chunk, FailureReason.CANCELLED)
        metrics.job_failed(chunk, FailureReason.RENDER)
        assert sample_value(metrics, "renders_started_total") == 0
        assert sample_value(metrics, "renders_completed_total") == 0
        assert {sample_value(metrics, "renders_failed_total", reason=reason) for reason in FAILURE_REASONS} == {0}
        assert sample_value(metrics, "jobs_finished_total", lane="interactive", outcome="completed") == 0
        assert sample_value(metrics, "jobs_finished_total", lane="interactive", outcome="failed") == 0
        assert sample_value(metrics, "render_duration_seconds_count") == 0
        chunks = {end: sample_value(metrics, "chunk_jobs_finished_total", outcome=end) for end in CHUNK_OUTCOMES}
        assert chunks == {"completed": 1, "failed": 1, "cancelled": 1}

    @pytest.mark.parametrize("reason", list(FailureReason))
    def test_every_reason_is_a_label(self, reason: FailureReason) -> None:
        """Each failure reason is exported from the start (at 0) and counted under its own label."""
        metrics = RenderMetrics()
        assert sample_value(metrics, "renders_failed_total", reason=reason.value) == 0
        metrics.job_failed(JOB, reason)
        assert {label: sample_value(metrics, "renders_failed_total", reason=label) for label in FAILURE_REASONS} == {
            label: 1 if label == reason.value else 0 for label in FAILURE_REASONS
        }

    def test_registries_are_per_instance(self) -> None:
        """Two apps in one process each have their metrics; nothing goes to the global registry."""
        first, second = RenderMetrics(), RenderMetrics()
        first.job_started(JOB)
        assert sample_value(first, "renders_started_total") == 1
        assert sample_value(second, "renders_started_total") == 0

    def test_gauges_are_read_at_scrape_time(self) -> None:
        """queue_length, renders_running and open_streams are whatever their sources say when scraped."""
        metrics = RenderMetrics()
        numbers = {"queued": 3, "running": 1, "streams": 4}
        metrics.watch(
            queued=lambda: numbers["queued"],
            running=lambda: numbers["running"],
            open_streams=lambda: numbers["streams"],
        )
        assert sample_value(metrics, "queue_length") == 3
        numbers.update(queued=0, streams=2)
        text = metrics.exposition()[0].decode()
        assert "tornado_render_queue_length 0.0" in text
        assert "tornado_render_renders_running 1.0" in text
        assert "tornado_render_open_streams 2.0" in text


class TestMetricsEndpoint:
    def test_successful_render(self, fake_server: ServerProcess) -> None:
        """After one successful render: started 1, completed 1, no failure, one render and one upload observed."""
        assert value(scrape(fake_server), "renders_started_total") == 0
        stream = run_stream(fake_server.port, load_recap("one-book"))
        assert stream.names[-1] == "complete"
        samples = scrape(fake_server)
        assert value(samples, "renders_started_total") == 1
        assert value(samples, "renders_completed_total") == 1
        assert set(failures(samples).values()) == {0}
        rendered = fake_server.wait_for_log("rendered")
        uploaded = fake_server.wait_for_log("uploaded")
        assert value(samples, "render_duration_seconds_count") == 1
        assert value(samples, "render_duration_seconds_sum") == pytest.approx(rendered["render_seconds"])
        assert value(samples, "upload_duration_seconds_count") == 1
        assert value(samples, "upload_duration_seconds_sum") == pytest.approx(uploaded["upload_seconds"])
        assert value(samples, "queue_length") == 0
        assert value(samples, "renders_running") == 0
        assert value(samples, "open_streams") == 0

    def test_failed_render(self, server_factory: Callable[..., ServerProcess]) -> None:
        """After one render the driver fails: started 1, completed 0, failed once with reason "render", no durations."""
        server = server_factory("error")
        stream = run_stream(server.port, load_recap("one-book"))
        assert stream.names[-1] == "error"
        samples = scrape(server)
        assert value(samples, "renders_started_total") == 1
        assert value(samples, "renders_completed_total") == 0
        assert failures(samples) == {reason: 1 if reason == "render" else 0 for reason in FAILURE_REASONS}
        assert value(samples, "render_duration_seconds_count") == 0
        assert value(samples, "upload_duration_seconds_count") == 0

    def test_timeout(self, server_factory: Callable[..., ServerProcess]) -> None:
        """A render cut off by RENDER_TIMEOUT_SECONDS counts as failed with reason "timeout"."""
        server = server_factory("hang", RENDER_TIMEOUT_SECONDS="1")
        stream = run_stream(server.port, load_recap("one-book"))
        assert stream.events[-1].data["message"] == "Render failed: the video took too long to render"
        assert failures(scrape(server)) == {reason: 1 if reason == "timeout" else 0 for reason in FAILURE_REASONS}

    def test_orphaned(self, server_factory: Callable[..., ServerProcess]) -> None:
        """A render cancelled because nobody watched it counts as failed with reason "orphaned"."""
        server = server_factory("hang", ORPHAN_TIMEOUT_SECONDS="0.5")
        stream = open_stream(server.port, stream_url(load_recap("one-book")))
        read_events(stream, until="progress")
        stream.close()
        server.wait_for_log(lambda line: line.get("event") == "error" and line.get("phase") == "cancelled")
        assert failures(scrape(server)) == {reason: 1 if reason == "orphaned" else 0 for reason in FAILURE_REASONS}

    def test_waiting_job(self, server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
        """With one render slot busy, a second job shows as queue length 1, one running, two open streams."""
        gate = tmp_path / "gate"
        gate.mkdir()
        server = server_factory("ok", FAKE_DRIVER_GATE=str(gate), MAX_CONCURRENT_RENDERS="1")
        first = open_stream(server.port, stream_url(distinct_recap("one-book", "Alpha")))
        read_events(first, until="progress")
        second = open_stream(server.port, stream_url(distinct_recap("one-book", "Beta")))
        read_events(second, until="queued")
        samples = scrape(server)
        assert value(samples, "queue_length") == 1
        assert value(samples, "renders_running") == 1
        assert value(samples, "open_streams") == 2
        assert value(samples, "renders_started_total") == 1

        (gate / "Alpha").touch()
        (gate / "Beta").touch()
        assert read_events(first).names[-1] == "complete"
        assert read_events(second).names[-1] == "complete"
        samples = scrape(server)
        assert value(samples, "queue_length") == 0
        assert value(samples, "renders_running") == 0
        assert value(samples, "open_streams") == 0
        assert value(samples, "renders_started_total") == 2
        assert value(samples, "renders_completed_total") == 2
        assert value(samples, "render_duration_seconds_count") == 2

    def test_lanes_and_the_store(self, server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
        """With the one slot busy, a batch item and then a reader's job wait: each lane's length and oldest age are
        exported, the store is up, no lease was taken over; the reader's job is the next to start."""
        gate = tmp_path / "gate"
        gate.mkdir()
        server = server_factory("ok", FAKE_DRIVER_GATE=str(gate), MAX_CONCURRENT_RENDERS="1", USER_MAX_JOBS="5")
        first = open_stream(server.port, stream_url(distinct_recap("one-book", "Alpha")))
        read_events(first, until="progress")
        status, _, _ = server.request("POST", "/batches", json.dumps([distinct_recap("one-book", "Beta")]).encode())
        assert status == 202
        server.wait_for_log(lambda line: line.get("event") == "queued" and line.get("lane") == "batch")
        reader = open_stream(server.port, stream_url(distinct_recap("one-book", "Gamma")))
        read_events(reader, until="queued")
        samples = scrape(server)
        assert value(samples, "fleet_queue_length") == 2
        assert value(samples, "fleet_queue_length_by_lane", lane="interactive") == 1
        assert value(samples, "fleet_queue_length_by_lane", lane="batch") == 1
        batch_age = value(samples, "fleet_queue_oldest_seconds", lane="batch")
        assert batch_age >= value(samples, "fleet_queue_oldest_seconds", lane="interactive") > 0
        assert value(samples, "redis_up") == 1
        assert value(samples, "lease_takeovers_total") == 0

        (gate / "Alpha").touch()
        second = server.wait_for_logs("render_started", 2)[1]
        assert second["month"] == "Gamma"
        for month in ("Beta", "Gamma"):
            (gate / month).touch()
        assert read_events(reader).names[-1] == "complete"
        server.wait_for_logs("render_started", 3)
        samples = scrape(server)
        assert value(samples, "fleet_queue_length_by_lane", lane="batch") == 0
        assert value(samples, "fleet_queue_oldest_seconds", lane="batch") == 0


def test_every_metric_is_documented() -> None:
    """docs/API.md's table of metrics names every metric an instance exports (a new one must be explained there)."""
    documented = (ROOT / "docs" / "API.md").read_text(encoding="utf-8")
    exported = {
        family.name + ("_total" if family.type == "counter" else "") for family in RenderMetrics().registry.collect()
    }
    assert exported, "no metric exported"
    assert sorted(name for name in exported if f"`{name}" not in documented) == []
