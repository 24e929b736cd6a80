"""A fleet on Redis: real redis-server and real instances on loopback, sharing jobs, events, the queue and S3 (moto).

The fake driver renders (with a gate: the test decides when each render may finish) except where the real thing is
the point: a worker killed in the middle of a real render, whose job another worker must finish.

What each fault test saw (times, objects stored, processes left) is written to the test artifacts,
`fleet-observations.json`, for the issue's note and for whoever wonders how long a takeover takes.
"""

from __future__ import annotations

import json
import re
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.artifacts import artifacts_dir
from tests.support.fake_renders import Gate, render_runs
from tests.support.media import VideoInfo, probe
from tests.support.metrics import scrape, value
from tests.support.moto_server import MotoServer
from tests.support.nginx import FLEET_CONF, NGINX, SHIPPED_CONF, start_nginx
from tests.support.recaps import distinct_recap
from tests.support.redis_server import RedisServer
from tests.support.server import ServerProcess
from tests.support.sse_client import Stream, open_stream, read_events, run_stream, stream_url
from tests.support.stills import seed_bundle_cache
from tornado_render.jobs.model import Succeeded
from tornado_render.jobs.redis_store import state_from_json, state_to_json
from tornado_render.render.processes import pids_with_marker
from tornado_render.render.workspace import RENDERING_DIR

BUCKET = "fleet"
# What a fault test saw, by test (see the module docstring).
Observed = dict[str, dict[str, object]]


@dataclass
class Fleet:
    redis: RedisServer
    moto: MotoServer
    start: Callable[..., ServerProcess]
    gate: Gate
    jobs_dir: Path
    instances: list[ServerProcess] = field(default_factory=list)

    def instance(self, role: str = "all", fake: str | None = "ok", **env: str) -> ServerProcess:
        settings = {
            "REDIS_URL": self.redis.url,
            "ROLE": role,
            "FAKE_DRIVER_GATE": str(self.gate.directory),
            "FAKE_DRIVER_JOBS": str(self.jobs_dir),
            "VIDEO_KEY_SECRET": "fleet-secret-for-tests-0123456789abcdef",
            **self.moto.server_env(BUCKET),
            **env,
        }
        server = self.start(fake, **settings)
        self.instances.append(server)
        return server

    def objects(self) -> list[str]:
        """The stored videos (each with its poster and card beside it: the render made one of each; share pages'
        records, under shares/, are not counted)."""
        listing = self.moto.client().list_objects_v2(Bucket=BUCKET)
        keys = [item["Key"] for item in listing.get("Contents", []) if not item["Key"].startswith("shares/")]
        videos = [key for key in keys if key.endswith(".mp4")]
        assets = {key.removesuffix(".mp4") + suffix for key in videos for suffix in ("-poster.jpg", "-card.jpg")}
        assert set(keys) == set(videos) | assets, keys
        return videos


@pytest.fixture
def fleet(
    redis: RedisServer, moto: MotoServer, server_factory: Callable[..., ServerProcess], gate: Gate, jobs_dir: Path
) -> Fleet:
    moto.create_bucket(BUCKET)
    return Fleet(redis, moto, server_factory, gate, jobs_dir)


@pytest.fixture(scope="module")
def observed() -> Iterator[Observed]:
    """What the fault tests saw, by test, written to test-artifacts/fleet-observations.json at the end."""
    observations: Observed = {}
    yield observations
    (artifacts_dir() / "fleet-observations.json").write_text(json.dumps(observations, indent=1) + "\n")


def ids(stream: Stream) -> list[str | None]:
    return [event.id for event in stream.events]


class TestSharedJobs:
    def test_two_clients_on_two_instances_share_one_render(self, fleet: Fleet, observed: Observed) -> None:
        """One recap asked on two instances: one render, one stored object, the same events on both streams."""
        first, second = fleet.instance(), fleet.instance()
        recap = distinct_recap("one-book", "Shared")
        on_first = open_stream(first.port, stream_url(recap))
        read_events(on_first, count=1)
        on_second = open_stream(second.port, stream_url(recap))
        read_events(on_second, count=1)
        fleet.gate.open("Shared")
        read_events(on_first)
        read_events(on_second)
        assert on_first.names[-1] == on_second.names[-1] == "complete"
        assert ids(on_first) == ids(on_second)
        assert on_first.progress == list(range(101))
        assert len(render_runs(fleet.jobs_dir)) == 1
        assert len(fleet.objects()) == 1
        observed["shared_render"] = {
            "events_each_client": len(on_first.events),
            "renders": len(render_runs(fleet.jobs_dir)),
            "objects_stored": len(fleet.objects()),
        }

    def test_reconnect_on_another_instance_resumes(self, fleet: Fleet, observed: Observed) -> None:
        """A stream dropped on A and resumed on B with Last-Event-ID: the rest, with no gap and no repeat."""
        a, b = fleet.instance(), fleet.instance(role="web")
        recap = distinct_recap("one-book", "Resume")
        dropped = open_stream(a.port, stream_url(recap))
        read_events(dropped, count=5)
        dropped.close()
        fleet.gate.open("Resume")
        resumed = run_stream(b.port, recap, headers={"Last-Event-ID": dropped.events[-1].id or ""})
        seen = [*dropped.events, *resumed.events]
        assert [event.data["progress"] for event in seen if event.name == "progress"] == list(range(101))
        assert seen[-1].name == "complete"
        assert len({event.id for event in seen}) == len(seen)
        observed["reconnect_elsewhere"] = {
            "events_before_drop": len(dropped.events),
            "events_after_resume": len(resumed.events),
            "repeated": len(seen) - len({event.id for event in seen}),
            "missing_progress": 101 - len({e.data["progress"] for e in seen if e.name == "progress"}),
        }
        again = open_stream(a.port, stream_url(recap), headers={"Last-Event-ID": resumed.events[-1].id or ""})
        assert again.status == 204

    def test_the_queue_and_the_user_limit_hold_across_instances(self, fleet: Fleet) -> None:
        """With one render slot in the fleet: a job asked on B waits behind one asked on A; a reader's third job
        is refused on either instance (USER_MAX_JOBS counts fleet-wide)."""
        a = fleet.instance(MAX_CONCURRENT_RENDERS="1")
        b = fleet.instance(role="web")
        running = open_stream(a.port, stream_url(distinct_recap("one-book", "First")))
        assert read_events(running, count=1).names == ["progress"]
        waiting = open_stream(b.port, stream_url(distinct_recap("one-book", "Second")))
        assert read_events(waiting, count=1).events[0].data == {"position": 1}
        third = open_stream(b.port, stream_url(distinct_recap("one-book", "Third")))
        assert third.status == 429
        fleet.gate.open("First")
        fleet.gate.open("Second")
        assert read_events(running).names[-1] == "complete"
        assert read_events(waiting).names[-1] == "complete"


class TestLostWorker:
    @pytest.mark.render
    def test_a_killed_worker_is_replaced(
        self, fleet: Fleet, remotion_bundle: Path, tmp_path: Path, observed: Observed
    ) -> None:
        """SIGKILL the worker in the middle of a real render: another worker renders the job again, the client sees
        progress rise with no repeat and no step back and one `complete`, one object is stored, and when the dead
        worker starts again, it kills the render processes it left behind and deletes their half-written video."""
        bundles = str(seed_bundle_cache(tmp_path / "bundles", remotion_bundle))
        worker_env = {"WORKER_LEASE_SECONDS": "3", "BUNDLE_DIR": bundles, "MAX_CONCURRENT_RENDERS": "1"}
        web = fleet.instance(role="web", fake=None)
        doomed = fleet.instance(role="worker", fake=None, **worker_env)
        stream = open_stream(web.port, stream_url(distinct_recap("one-book", "Takeover")), timeout=300)
        while not stream.progress or stream.progress[-1] < 40:
            read_events(stream, count=len(stream.events) + 1)
        marker = doomed.wait_for_log("driver_started")["marker"]
        survivor = fleet.instance(role="worker", fake=None, **worker_env)
        before_kill = stream.progress[-1]
        doomed.process.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        doomed.process.wait(10)
        orphans = len(pids_with_marker(marker))
        assert orphans, "the dead worker's render processes should outlive it until it restarts"
        survivor.wait_for_log("render_started", timeout=60)
        taken_over = time.monotonic() - killed
        restarted = fleet.instance(role="worker", fake=None, OUTPUT_DIR=doomed.env["OUTPUT_DIR"], **worker_env)
        assert restarted.logs("listening")
        left = pids_with_marker(marker)
        assert left == []
        assert not (Path(doomed.env["OUTPUT_DIR"]) / RENDERING_DIR / str(doomed.process.pid)).exists()
        read_events(stream)
        progress = stream.progress
        assert progress == sorted(set(progress))
        assert progress[-1] == 100
        assert stream.names.count("complete") == 1
        assert stream.names[-1] == "complete"
        assert len(fleet.objects()) == 1
        observed["killed_worker"] = {
            "progress_before_kill": before_kill,
            "seconds_kill_to_render_started_elsewhere": round(taken_over, 2),
            "seconds_kill_to_complete": round(time.monotonic() - killed, 2),
            "progress_events": len(progress),
            "completes": stream.names.count("complete"),
            "objects_stored": len(fleet.objects()),
            "dead_workers_processes_alive_after_kill": orphans,
            "dead_workers_processes_left_after_restart": len(left),
        }

    def test_a_takeover_is_counted_and_redis_up_follows_the_store(self, fleet: Fleet) -> None:
        """A worker killed mid-render: the worker that requeues its job counts one lease takeover; every instance
        exports redis_up 1, and 0 once Redis stops."""
        web = fleet.instance(role="web")
        doomed = fleet.instance(role="worker", WORKER_LEASE_SECONDS="2")
        stream = open_stream(web.port, stream_url(distinct_recap("one-book", "Taken")))
        read_events(stream, until="progress")
        survivor = fleet.instance(role="worker", WORKER_LEASE_SECONDS="2")
        assert value(scrape(survivor), "lease_takeovers_total") == 0
        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait(10)
        survivor.wait_for_log("lease_expired_requeued")  # logged by the store, counted once the reaper has the jobs
        assert wait_until(lambda: value(scrape(survivor), "lease_takeovers_total") == 1)
        assert value(scrape(web), "redis_up") == 1
        fleet.gate.open("Taken")
        assert read_events(stream).names[-1] == "complete"
        fleet.redis.stop()
        assert wait_until(lambda: value(scrape(web), "redis_up") == 0)
        fleet.redis.start()
        assert wait_until(lambda: value(scrape(web), "redis_up") == 1)

    def test_a_restarted_server_kills_what_its_dead_predecessor_left(
        self, server_factory: Callable[..., ServerProcess], tmp_path: Path, observed: Observed
    ) -> None:
        """A server SIGKILLed mid-render leaves its driver running (a hung one does not notice); the next server on
        the same OUTPUT_DIR kills it and deletes the half-written video at start."""
        first = server_factory("hang")
        silent = {**distinct_recap("one-book", "Hung"), "template": {"audio": None}}  # the driver's files only
        stream = open_stream(first.port, stream_url(silent))
        while 40 not in stream.progress:  # the fake driver's last line: from then on it only hangs
            read_events(stream, count=len(stream.events) + 1)
        marker = first.wait_for_log("driver_started")["marker"]
        half = Path(first.env["OUTPUT_DIR"]) / RENDERING_DIR / str(first.process.pid) / "half.mp4"
        half.write_bytes(b"half a video")
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(10)
        assert pids_with_marker(marker)
        second = server_factory("ok", OUTPUT_DIR=first.env["OUTPUT_DIR"])
        cleaned = second.wait_for_log("abandoned_renders_cleaned")
        assert cleaned["processes_killed"] >= 1
        assert cleaned["files_removed"] == 1
        assert not half.exists()
        assert wait_until(lambda: pids_with_marker(marker) == [])
        observed["dead_predecessor"] = {
            "processes_killed": cleaned["processes_killed"],
            "files_removed": cleaned["files_removed"],
            "processes_left": len(pids_with_marker(marker)),
        }


class TestStateInRedis:
    def test_a_succeeded_state_keeps_its_warnings(self) -> None:
        """A job's outcome as Redis keeps it carries its warnings, so any instance's `complete` event has them."""
        warned = Succeeded("a.mp4", "/storage/a.mp4", "videos/u/a.mp4", 11.5, ("template.audio.url: ...",))
        assert state_from_json(state_to_json(warned)) == warned
        assert state_from_json(state_to_json(Succeeded("b.mp4", "u", "k", 8.5))).warnings == ()


class TestResultCache:
    def test_every_instance_restarted_answers_from_the_cache(self, fleet: Fleet, observed: Observed) -> None:
        """After complete, every instance restarts (Redis emptied too): the same request answers complete at once
        with the stored video, and no render starts (metrics and the driver agree)."""
        first = fleet.instance()
        recap = distinct_recap("one-book", "Cached")
        fleet.gate.open("Cached")
        rendered = run_stream(first.port, recap)
        assert rendered.names[-1] == "complete"
        first.stop()
        fleet.redis.stop()
        _empty(fleet.redis.directory)
        fleet.redis.start()
        again = fleet.instance(role="web")
        started = time.monotonic()
        cached = run_stream(again.port, recap)
        took = time.monotonic() - started
        assert cached.names == ["complete"]
        # The same video and the same share link, each client's on its own instance's address.
        share = rendered.events[-1].data["assets"]["share"].replace(first.base_url, again.base_url)
        assets = {**rendered.events[-1].data["assets"], "share": share}
        assert set(assets) == {"poster", "card", "share"}
        assert cached.events[0].data == {**rendered.events[-1].data, "assets": assets}
        assert took < 2  # generous: the bench measures the 150 ms target
        assert value(scrape(again), "renders_started_total") == 0
        assert len(render_runs(fleet.jobs_dir)) == 1
        assert len(fleet.objects()) == 1
        observed["cache_after_restart"] = {
            "seconds_request_to_complete": round(took, 3),
            "renders_started_after_restart": value(scrape(again), "renders_started_total"),
            "objects_stored": len(fleet.objects()),
        }


class TestRedisTrouble:
    def test_a_short_outage_is_ridden_out(self, fleet: Fleet, observed: Observed) -> None:
        """Redis stops for 5 s mid-render: the render completes and the stream gets every event exactly once."""
        worker = fleet.instance()
        recap = distinct_recap("one-book", "Outage")
        stream = open_stream(worker.port, stream_url(recap), timeout=60)
        read_events(stream, count=10)
        fleet.redis.stop()
        fleet.gate.open("Outage")
        time.sleep(5)  # the outage itself: five seconds without Redis
        fleet.redis.start()
        back = time.monotonic()
        read_events(stream)
        observed["redis_out_5s"] = {
            "seconds_back_to_complete": round(time.monotonic() - back, 2),
            "events": len(stream.events),
            "progress_events": len(stream.progress),
            "repeated": len(stream.events) - len({event.id for event in stream.events}),
            "objects_stored": len(fleet.objects()),
        }
        assert stream.progress == list(range(101))
        assert stream.names[-1] == "complete"
        assert len({event.id for event in stream.events}) == len(stream.events)
        assert len(fleet.objects()) == 1

    def test_a_long_outage_is_reported_then_recovered(self, fleet: Fleet, observed: Observed) -> None:
        """Redis stops for 30 s: open streams get "job store unavailable", new requests 503 with Retry-After,
        /health 503; when Redis is back, the same instance renders again without a restart."""
        worker = fleet.instance()
        stream = open_stream(worker.port, stream_url(distinct_recap("one-book", "LongOutage")), timeout=60)
        read_events(stream, count=3)
        fleet.redis.stop()
        stopped = time.monotonic()
        read_events(stream)
        error_after = time.monotonic() - stopped
        assert stream.events[-1].name == "error"
        assert stream.events[-1].data["message"] == "Render failed: job store unavailable"
        status, headers, body = worker.request("GET", stream_url(distinct_recap("one-book", "During")), timeout=60)
        assert status == 503
        assert int(headers["retry-after"]) > 0
        assert json.loads(body)["error"] == "The job store is unavailable; try again later"
        status, _, body = worker.request("GET", "/health")
        assert (status, json.loads(body)["store"], json.loads(body)["ok"]) == (503, "redis", False)
        time.sleep(max(0.0, 30 - (time.monotonic() - stopped)))  # the rest of the 30-second outage
        fleet.redis.start()
        back = time.monotonic()
        fleet.gate.open("LongOutage")
        fleet.gate.open("After")
        assert worker.get_json("/health")[0] == 200
        after = run_stream(worker.port, distinct_recap("one-book", "After"), timeout=60)
        assert after.names[-1] == "complete"
        observed["redis_out_30s"] = {
            "seconds_stop_to_error_event": round(error_after, 2),
            "retry_after_of_503": int(headers["retry-after"]),
            "seconds_back_to_next_complete": round(time.monotonic() - back, 2),
        }


# one-book is 420 frames: three chunks of 140, the first rendered by its coordinator.
CHUNKED = {"CHUNK_FRAMES": "140", "CHUNK_MIN_FRAMES": "0", "CHUNK_FLEET": "on", "MAX_CONCURRENT_RENDERS": "1"}


def assert_one_complete_after_contiguous_progress(stream: Stream) -> None:
    """Progress 0, 1, ..., 100, each once, in order, then one `complete`, the last event."""
    assert stream.names.count("complete") == 1
    assert stream.names[-1] == "complete"
    assert stream.progress == list(range(101))


class TestChunksOverTheFleet:
    """CHUNK_FLEET: a render's chunks are jobs of the fleet's queue (fleet_chunks.py), joined by its coordinator."""

    def stored_video(self, fleet: Fleet, tmp_path: Path) -> VideoInfo:
        (key,) = fleet.objects()  # one video (its poster and card beside it), and nothing left under chunks/
        fleet.moto.client().download_file(BUCKET, key, str(tmp_path / "joined.mp4"))
        return probe(tmp_path / "joined.mp4")

    def second_worker(self, fleet: Fleet, coordinator: ServerProcess, **env: str) -> ServerProcess:
        """A worker started once `coordinator` has taken the whole job and queued its chunks (started before, it
        could take the whole job itself); its one slot takes chunk 2 at once."""
        coordinator.wait_for_log("chunks_queued")
        return fleet.instance(role="worker", **CHUNKED, **env)

    def test_another_worker_renders_a_chunk_and_the_coordinator_joins_it(
        self, fleet: Fleet, tmp_path: Path, observed: Observed
    ) -> None:
        """Worker B renders chunk 2 of 3 while the coordinator A renders chunk 1; chunk 3 goes to whichever of
        them is free first (A takes it back from the queue, or B takes it next): each chunk rendered once, one
        video of the whole length, progress every integer 0..100 once, one `complete`."""
        coordinator = fleet.instance(USER_MAX_JOBS="2", **CHUNKED)
        stream = open_stream(coordinator.port, stream_url(distinct_recap("one-book", "Spread")))
        helper = self.second_worker(fleet, coordinator)
        taken = helper.wait_for_log("render_started")
        # The render's chunks are not the reader's jobs: with three of them in flight, a second request still fits.
        second = open_stream(coordinator.port, stream_url(distinct_recap("one-book", "Second")))
        assert second.status == 200
        fleet.gate.open("Spread")
        read_events(stream)
        assert_one_complete_after_contiguous_progress(stream)
        # What Spread's render did, read before Second's renders (held by the gate until now) can add to it.
        runs = [job for job in render_runs(fleet.jobs_dir) if job["inputProps"]["meta"]["monthName"] == "Spread"]
        chunks = sorted(job["chunk"]["index"] for job in runs)
        assert chunks == [0, 1, 2]  # each chunk rendered once, and never the whole video
        stored_by_helper = [line["chunk"] for line in helper.logs("chunk_stored")]
        taken_back = [line["chunk"] for line in coordinator.logs("chunk_taken_back")]
        assert stored_by_helper[0] == 1
        assert sorted(stored_by_helper + taken_back) == [1, 2]
        video = self.stored_video(fleet, tmp_path)
        assert video.frames == 420
        fleet.gate.open("Second")
        assert read_events(second).names[-1] == "complete"
        observed["chunks_over_the_fleet"] = {
            "helper_took": taken["job_id"],
            "chunk_runs": chunks,
            "stored_by_helper": stored_by_helper,
            "taken_back": taken_back,
            "joined_frames": video.frames,
            "progress_events": len(stream.progress),
        }

    def test_a_worker_killed_mid_chunk_loses_nothing(self, fleet: Fleet, tmp_path: Path, observed: Observed) -> None:
        """B is SIGKILLed holding chunk 2: its lease runs out, the chunk goes back to the queue and is taken over
        (here by the coordinator, once its own chunks are done); one video of the whole length is stored, and the
        reader's progress is every integer 0..100 once, in order."""
        lease = {"WORKER_LEASE_SECONDS": "2"}
        coordinator = fleet.instance(**CHUNKED, **lease)
        stream = open_stream(coordinator.port, stream_url(distinct_recap("one-book", "Doomed")))
        doomed = self.second_worker(fleet, coordinator, **lease)
        doomed.wait_for_log("render_started")
        doomed.process.send_signal(signal.SIGKILL)
        killed = time.monotonic()
        doomed.process.wait(10)
        requeued = coordinator.wait_for_log("lease_expired_requeued", timeout=30)
        fleet.gate.open("Doomed")
        read_events(stream)
        assert_one_complete_after_contiguous_progress(stream)
        taken_back = sorted(line["chunk"] for line in coordinator.logs("chunk_taken_back"))
        assert taken_back == [1, 2]
        video = self.stored_video(fleet, tmp_path)
        assert video.frames == 420
        observed["killed_mid_chunk"] = {
            "requeued_job": requeued["job_id"],
            "seconds_kill_to_complete": round(time.monotonic() - killed, 2),
            "taken_back": taken_back,
            "joined_frames": video.frames,
        }


def wait_until(condition: Callable[[], bool], timeout: float = 10) -> bool:
    """Whether `condition` holds within `timeout` (a killed process takes a moment to go)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)  # polling /proc: a process's end is not an event this test can wait on
    return True


def _empty(directory: Path) -> None:
    """Forget everything Redis kept (its append-only files): a fleet restarted from nothing."""
    for path in sorted(directory.rglob("*"), reverse=True):
        if path.is_file():
            path.unlink()


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (scripts/setup --with-test-browsers)")
class TestThroughNginx:
    def test_two_web_instances_and_a_worker_behind_the_shipped_config(self, fleet: Fleet, tmp_path: Path) -> None:
        """scripts/nginx/tornado-render-fleet.conf over two web instances and a worker: two clients of one recap
        share one render, a reconnect resumes wherever nginx sends it, and POST /render answers."""
        webs = [fleet.instance(role="web"), fleet.instance(role="web")]
        fleet.instance(role="worker")
        nginx = start_nginx(tmp_path / "nginx", [web.port for web in webs], FLEET_CONF)
        try:
            recap = distinct_recap("one-book", "Balanced")
            clients = [open_stream(nginx.port, stream_url(recap)) for _ in range(2)]
            for client in clients:
                read_events(client, count=3)
            clients[0].close()
            fleet.gate.open("Balanced")
            resumed = run_stream(nginx.port, recap, headers={"Last-Event-ID": clients[0].events[-1].id or ""})
            read_events(clients[1])
            assert [e.id for e in [*clients[0].events, *resumed.events]] == [e.id for e in clients[1].events]
            assert clients[1].names[-1] == "complete"
            assert len(render_runs(fleet.jobs_dir)) == 1
            fleet.gate.open("Posted")
            status, _, body = nginx.request("POST", "/render", distinct_recap("one-book", "Posted"))
            assert status == 200
            assert json.loads(body)["success"] is True
            assert sum(1 for web in webs if web.logs("request")) == 2  # least_conn spread the requests
        finally:
            nginx.stop()

    def test_the_fleet_config_balances_without_hashing(self) -> None:
        """The fleet's upstream is least_conn (any instance serves any client); the in-memory one hashes."""
        fleet_conf, single = FLEET_CONF.read_text(), SHIPPED_CONF.read_text()
        assert re.search(r"^\s*least_conn;", fleet_conf, re.M)
        assert not re.search(r"^\s*hash ", fleet_conf, re.M)
        assert re.search(r"^\s*hash \$request_uri\$request_body consistent;", single, re.M)


class TestIssue21Fleet:
    """The second adversarial review (issue 21), on a fleet: the findings whose fix has a Redis half (the rest are
    in test_hostile_strangers.py)."""

    def test_finding2_user_max_streams_counts_fleet_wide(self, fleet: Fleet) -> None:
        """USER_MAX_STREAMS=2 with one stream of a reader on each of two instances: a third on either is a 429."""
        a = fleet.instance(USER_MAX_STREAMS="2")
        b = fleet.instance(role="web", USER_MAX_STREAMS="2")
        recap = distinct_recap("one-book", "Everywhere")
        held = [open_stream(a.port, stream_url(recap)), open_stream(b.port, stream_url(recap))]
        for stream in held:
            read_events(stream, count=1)
        for instance in (a, b):
            third = open_stream(instance.port, stream_url(recap))
            assert third.status == 429
            assert int(third.headers["retry-after"]) > 0
        fleet.gate.open("Everywhere")
        for stream in held:
            assert read_events(stream).names[-1] == "complete"

    def test_finding4_a_recurring_failure_is_remembered_by_the_fleet(self, fleet: Fleet) -> None:
        """A render that failed answers the same request on another instance with the same `error`, at once."""
        a = fleet.instance(fake="error")
        b = fleet.instance(role="web")
        recap = distinct_recap("one-book", "FailsForAll")
        first = run_stream(a.port, recap)
        again = run_stream(b.port, recap)
        assert first.names[-1] == again.names[-1] == "error"
        assert again.events[-1].id == first.events[-1].id
        assert len(render_runs(fleet.jobs_dir)) == 1

    def test_finding5_dead_workers_are_pruned(self, fleet: Fleet) -> None:
        """3,000 dead entries in tr:workers (restarts): the first request drops them, and the stream completes."""
        import redis as sync_redis

        client = sync_redis.Redis.from_url(fleet.redis.url)
        client.hset("tr:workers", mapping={f"worker-dead{index:05d}": 1 for index in range(3000)})
        a = fleet.instance()
        fleet.gate.open("Pruned")
        stream = run_stream(a.port, distinct_recap("one-book", "Pruned"))
        assert stream.names[-1] == "complete"
        # Pruned by the first request (the old code kept them forever and checked each twice per request: 1.1-1.95 s
        # to the first byte); how fast the first byte comes is the bench's to say, not a test's on a shared machine.
        assert client.hlen("tr:workers") == 1
        client.close()

    def test_finding6_a_worker_refuses_a_request_tampered_with_in_redis(
        self, redis: RedisServer, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> None:
        """A queued job whose request in Redis got the userId `../../../x`: the worker that takes it fails it with
        "the request is not valid" and a log line, and stores nothing (outside LOCAL_STORAGE_DIR or in it)."""
        import redis as sync_redis

        shared = {"REDIS_URL": redis.url, "LOCAL_STORAGE_DIR": str(tmp_path / "storage"), "VIDEO_KEY_SECRET": "k" * 40}
        web = server_factory("ok", ROLE="web", **shared)
        stream = open_stream(web.port, stream_url(distinct_recap("one-book", "Tampered")))
        client = sync_redis.Redis.from_url(redis.url)
        [job_id] = [raw.decode() for raw in client.lrange("tr:queue", 0, -1)]
        request = json.loads(client.hget(f"tr:job:{job_id}", "request"))
        client.hset(f"tr:job:{job_id}", "request", json.dumps({**request, "userId": "../../../x"}))
        client.close()
        worker = server_factory("ok", ROLE="worker", **shared)
        read_events(stream)
        assert stream.events[-1].data == {"message": "Render failed: the request is not valid", "jobId": job_id}
        assert "userId" in worker.wait_for_log("invalid_job_request")["reason"]
        assert [path for path in tmp_path.rglob("*.mp4")] == []
