"""Scale-out behind nginx: scripts/nginx/tornado-render.conf itself, in front of two real instances on loopback.

The shipped file is rendered with this test's instances in its upstream and a free loopback port in its `listen`,
and included into a minimal main config whose logs, pid file and temporary files live in the test's directory.
This nginx is a child of the test (never the system service) and is stopped by its pid. Instances use the fake
driver with a gate (the test decides when a render may finish) and one shared jobs directory (every render any
instance started is counted there).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.fake_renders import Gate, render_runs
from tests.support.nginx import NGINX, Nginx, start_nginx
from tests.support.recaps import distinct_recap, load_recap
from tests.support.server import ServerProcess
from tests.support.sse_client import Stream, open_stream, read_events, run_stream, stream_url

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (scripts/setup --with-test-browsers)")


@dataclass
class Cluster:
    """Two instances behind the shipped nginx config, sharing a gate and a jobs directory."""

    nginx: Nginx
    instances: list[ServerProcess]
    gate: Gate
    jobs_dir: Path

    def instances_with_job(self, job_id: str) -> list[ServerProcess]:
        """The instances whose log shows they created the job (`validated` is logged once, by its creator)."""
        return [s for s in self.instances if any(line.get("job_id") == job_id for line in s.logs("validated"))]

    def instances_with_new_jobs(self) -> list[ServerProcess]:
        return [server for server in self.instances if server.logs("validated")]


@pytest.fixture
def cluster(server_factory: Callable[..., ServerProcess], tmp_path: Path) -> Iterator[Cluster]:
    gate = Gate(tmp_path / "gate")
    jobs_dir = tmp_path / "jobs"
    jobs_dir.mkdir()
    # A short grace period: after a failed test, stopping cancels a render still held at the gate (and kills its
    # driver) well within server_factory's wait, instead of leaving the driver behind.
    env = {"FAKE_DRIVER_GATE": str(gate.directory), "FAKE_DRIVER_JOBS": str(jobs_dir), "SHUTDOWN_GRACE_SECONDS": "5"}
    instances = [server_factory("ok", **env), server_factory("ok", **env)]
    nginx = start_nginx(tmp_path / "nginx", [server.port for server in instances])
    yield Cluster(nginx, instances, gate, jobs_dir)
    nginx.stop()


def job_id(stream: Stream) -> str:
    """The job behind a stream: event ids are `<job id>.<seq>`."""
    ids = {(event.id or "").split(".")[0] for event in stream.events}
    assert len(ids) == 1, ids
    return ids.pop()


class TestStreamingThroughNginx:
    def test_events_arrive_before_the_render_finishes(self, cluster: Cluster) -> None:
        """With the render held at 40 %, a browser-like client already has progress 0..40 through nginx."""
        # Browsers offer compression; a compressed stream would be held back by the compressor's buffers.
        headers = {"Accept-Encoding": "gzip, deflate, br"}
        stream = open_stream(cluster.nginx.port, stream_url(load_recap("one-book")), timeout=20, headers=headers)
        assert stream.status == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert "content-encoding" not in stream.headers
        read_events(stream, count=41)
        assert stream.progress == list(range(41))
        assert not (cluster.gate.directory / "October").exists()
        assert not any(server.logs("complete") for server in cluster.instances)
        cluster.gate.open("October")
        read_events(stream)
        assert stream.progress == list(range(101))
        assert stream.names[-1] == "complete"

    def test_same_recap_from_two_clients_renders_once(self, cluster: Cluster) -> None:
        """Two clients asking nginx for the same recap reach the same instance and share one render."""
        recap = load_recap("one-book")
        first = open_stream(cluster.nginx.port, stream_url(recap), timeout=20)
        read_events(first, count=41)
        second = open_stream(cluster.nginx.port, stream_url(recap), timeout=20)
        read_events(second, count=41)
        cluster.gate.open("October")
        read_events(first)
        read_events(second)
        assert first.names[-1] == "complete"
        assert [(e.id, e.name, e.data) for e in first.events] == [(e.id, e.name, e.data) for e in second.events]
        assert len(render_runs(cluster.jobs_dir)) == 1
        owner = cluster.instances_with_job(job_id(first))
        assert len(owner) == 1
        assert len(owner[0].logs("attached_to_existing")) == 1

    def test_reconnect_resumes_on_the_instance_that_has_the_job(self, cluster: Cluster) -> None:
        """A reconnect with Last-Event-ID goes to the job's instance and continues without gap or repeat."""
        recap = load_recap("one-book")
        first = open_stream(cluster.nginx.port, stream_url(recap), timeout=20)
        read_events(first, count=20)
        first.close()
        last_id = first.events[-1].id or ""
        resumed = open_stream(cluster.nginx.port, stream_url(recap), timeout=20, headers={"Last-Event-ID": last_id})
        read_events(resumed, count=21)
        cluster.gate.open("October")
        read_events(resumed)
        assert first.progress + resumed.progress == list(range(101))
        assert resumed.names[-1] == "complete"
        assert job_id(resumed) == job_id(first)
        [owner] = cluster.instances_with_job(job_id(first))
        [other] = [server for server in cluster.instances if server is not owner]
        assert [line["job_id"] for line in owner.logs("attached_to_existing")] == [job_id(first)]
        assert not other.logs("validated")
        assert not other.logs("attached_to_existing")
        assert len(render_runs(cluster.jobs_dir)) == 1

    def test_different_recaps_spread_over_the_instances(self, cluster: Cluster) -> None:
        """Distinct recaps are routed to both instances (so the tests above did not pass by having one only)."""
        for number in range(40):
            tag = f"Spread{number}"
            cluster.gate.open(tag)
            stream = run_stream(cluster.nginx.port, distinct_recap("empty-month", tag), timeout=20)
            assert stream.names[-1] == "complete"
            if len(cluster.instances_with_new_jobs()) == 2:
                break
        assert len(cluster.instances_with_new_jobs()) == 2


class TestPostThroughNginx:
    def test_same_body_renders_once_and_bodies_spread(self, cluster: Cluster) -> None:
        """POST /render is routed by its body: the same recap twice renders once; distinct ones use both instances."""
        cluster.gate.open("October")
        answers = [cluster.nginx.request("POST", "/render", load_recap("one-book")) for _ in range(2)]
        assert [status for status, _, _ in answers] == [200, 200]
        assert json.loads(answers[0][2])["s3Url"] == json.loads(answers[1][2])["s3Url"]
        assert len(render_runs(cluster.jobs_dir)) == 1
        for number in range(40):
            tag = f"Post{number}"
            cluster.gate.open(tag)
            status, _, _ = cluster.nginx.request("POST", "/render", distinct_recap("empty-month", tag))
            assert status == 200
            if len(cluster.instances_with_new_jobs()) == 2:
                break
        assert len(cluster.instances_with_new_jobs()) == 2


class TestLongUrls:
    def test_urls_up_to_512_kib_reach_the_server(self, cluster: Cluster) -> None:
        """A 510 KiB URL passes nginx (the server's JSON 400 answers it), one past 576 KiB is nginx's own 414."""
        status, headers, body = cluster.nginx.request("GET", "/render-stream?data=" + "x" * (510 * 1024))
        assert status == 400
        assert headers["content-type"].startswith("application/json")
        assert "error" in json.loads(body)
        status, headers, body = cluster.nginx.request("GET", "/render-stream?data=" + "x" * (530 * 1024))
        assert status == 414
        assert "error" in json.loads(body)
        status, headers, _ = cluster.nginx.request("GET", "/render-stream?data=" + "x" * (600 * 1024))
        assert status == 414
        assert headers["content-type"].startswith("text/html")
