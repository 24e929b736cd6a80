"""Attacks on a running server, one per finding of the second adversarial review (issue 21), each fixed.

Each test class is named after the finding it replays (the fleet's own findings, 2, 4, 5 and 6 across instances,
are in test_fleet.py); the docstrings say what used to happen. All of them use the fake driver; the memory probe at
full size (300 connections) is in `scripts/bench --only hostile`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tornado.iostream import IOStream

from tests.support.fake_renders import Gate, render_runs
from tests.support.moto_server import MotoServer
from tests.support.recaps import RECAP_NAMES, distinct_recap, load_recap
from tests.support.server import ROOT, ServerProcess
from tests.support.sse_client import open_stream, read_events, run_stream, stream_url
from tornado_render.errors import UploadFailed
from tornado_render.settings import Settings
from tornado_render.storage.local import LocalStorage
from tornado_render.storage.single_file import SingleFileStorage
from tornado_render.templates import SCENE_TIMING
from tornado_render.validation.request_parsing import parse_json_body, revalidate
from tornado_render.validation.schemas import RequestLimits
from tornado_render.web import preauth
from tornado_render.web.signing import sign_target

ServerFactory = Callable[..., ServerProcess]
KEY = "s" * 40
JSON = {"Content-Type": "application/json"}


def sign(method: str, target: str, body: bytes = b"", **kwargs: float) -> str:
    return sign_target(KEY.encode(), method, target, body, **kwargs)


def answers(sockets: list[socket.socket], wanted: int, timeout: float = 10) -> dict[socket.socket, bytes]:
    """The first bytes each socket received, once `wanted` of them have answered (or `timeout` passed)."""
    received: dict[socket.socket, bytes] = {}
    deadline = time.monotonic() + timeout
    while len(received) < wanted and time.monotonic() < deadline:
        readable, _, _ = select.select([s for s in sockets if s not in received], [], [], deadline - time.monotonic())
        for sock in readable:
            try:
                received[sock] = sock.recv(4096)
            except OSError:
                received[sock] = b""
    return received


def send_quietly(sock: socket.socket, data: bytes) -> None:
    """Send what the server takes; a server that refused and closed stops it."""
    with contextlib.suppress(OSError):
        sock.sendall(data)


def health_seconds(server: ServerProcess) -> float:
    started = time.monotonic()
    status, _, _ = server.request("GET", "/health", timeout=10)
    assert status == 200
    return time.monotonic() - started


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


class TestFinding1PreAuthMemory:
    """300 unsigned 1 MiB bodies grew the server from 53 to 357 MB, 300 unfinished 1 MB heads to 290 MB: every byte
    was held before any key was checked."""

    def test_unfinished_heads_beyond_the_budget_are_refused(self, server_factory: ServerFactory) -> None:
        """PRE_AUTH_MEMORY_MIB=1: of eight 400 KB heads that never end, those past the budget get a 503 with
        Retry-After at once (their bytes dropped); /health answers meanwhile and the server's RSS barely moves."""
        server = server_factory("ok", PRE_AUTH_MEMORY_MIB="1")
        before = rss_kb(server.process.pid)
        sockets = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(8)]
        try:
            for sock in sockets:
                send_quietly(sock, b"GET /health?pad=" + b"a" * 400_000)
            refused = answers(sockets, wanted=5)
            assert len(refused) >= 5
            assert all(answer.startswith(b"HTTP/1.1 503 ") for answer in refused.values())
            assert all(b"Retry-After: 10" in answer for answer in refused.values())
            assert health_seconds(server) < 1.0
            assert rss_kb(server.process.pid) - before < 8 * 1024
        finally:
            for sock in sockets:
                sock.close()

    def test_a_head_over_the_limit_is_431(self, fake_server: ServerProcess) -> None:
        """A head longer than the server reads for one (about 1.1 MB) is a 431, not a silently closed connection."""
        with socket.create_connection(("127.0.0.1", fake_server.port), timeout=10) as sock:
            send_quietly(sock, b"GET /health?pad=" + b"a" * 1_200_000)
            assert sock.recv(4096).startswith(b"HTTP/1.1 431 ")

    def test_an_unsigned_body_is_refused_before_it_is_read(self, server_factory: ServerFactory) -> None:
        """With signing on, a POST whose target carries no signature is a 401 as soon as its head is in."""
        server = server_factory("ok", RENDER_SIGNING_KEYS=KEY)
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"POST /render HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
            sock.sendall(b"Content-Length: 1048575\r\n\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 401 ")

    def test_bodies_beyond_the_budget_are_refused_before_they_are_read(self, server_factory: ServerFactory) -> None:
        """PRE_AUTH_MEMORY_MIB=2: two POSTs declaring 1 MiB hold the budget; a third is a 503 before its body."""
        server = server_factory("ok", PRE_AUTH_MEMORY_MIB="2")
        head = b"POST /render HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1048576\r\n\r\n"
        sockets = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(3)]
        try:
            for sock in sockets:
                sock.sendall(head)
            refused = answers(sockets, wanted=1)
            assert list(refused) == [sockets[2]]
            assert refused[sockets[2]].startswith(b"HTTP/1.1 503 ")
            # A body that arrives gives its share back once it is in: the first POST completes, then a new one fits.
            body = json.dumps(distinct_recap("one-book", "WithinBudget")).encode()
            sockets[0].sendall(body + b" " * (1048576 - len(body)))
            assert answers(sockets[:1], wanted=1, timeout=60)[sockets[0]].startswith(b"HTTP/1.1 200 ")
            status, _, _ = server.request("POST", "/render", body=distinct_recap("one-book", "AfterBudget"))
            assert status == 200
        finally:
            for sock in sockets:
                sock.close()

    def test_connections_together_read_at_most_read_per_turn_in_one_turn(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Tornado read a ready socket until it was empty: 128 connections accepted together, each with a megabyte
        of head waiting, held the IOLoop 40-60 ms a turn, and /health waited up to 134 ms behind two such turns
        (bench `hostile`). Four connections with 150 KB waiting each, a turn allowance of 100 KB: the first turn
        reads about the allowance (at most one read past it), the next turns read the rest."""
        monkeypatch.setattr(preauth, "READ_PER_TURN", 100_000)

        async def scenario() -> tuple[int, int]:
            budget = preauth.PreAuthBudget(64 * 1024 * 1024)
            pairs = [socket.socketpair() for _ in range(4)]
            streams = []
            for ours, theirs in pairs:
                theirs.sendall(b"GET /health?pad=" + b"a" * 150_000)
                stream = IOStream(ours)
                stream.__class__ = preauth.BudgetedIOStream
                assert isinstance(stream, preauth.BudgetedIOStream)
                stream.budget, stream.head_limit = budget, 1_200_000
                streams.append(stream)
            for stream in streams:  # as Tornado's HTTP1Connection does for a new connection: reads inline
                stream.read_until_regex(preauth.HEAD_END, max_bytes=1_200_000)
            first_turn = sum(stream._read_buffer_size for stream in streams)
            for _ in range(50):
                await asyncio.sleep(0)
            later = sum(stream._read_buffer_size for stream in streams)
            for (_, theirs), stream in zip(pairs, streams, strict=True):
                stream.close()
                theirs.close()
            return first_turn, later

        first_turn, later = asyncio.run(scenario())
        assert first_turn <= 100_000 + 64 * 1024
        assert later == 4 * (len(b"GET /health?pad=") + 150_000)


class TestFinding2StreamsPerUser:
    """One holder of one signed URL opened 200 streams in 2.2 s: every other reader got 503 until they closed."""

    def test_a_user_may_hold_user_max_streams(self, server_factory: ServerFactory, gate: Gate) -> None:
        """USER_MAX_STREAMS=2: a third stream of the same reader (however spelt) is a 429 with Retry-After; another
        reader still streams."""
        server = server_factory("ok", FAKE_DRIVER_GATE=str(gate.directory), USER_MAX_STREAMS="2")
        recap = distinct_recap("one-book", "Held")
        held = [open_stream(server.port, stream_url(recap)) for _ in range(2)]
        for stream in held:
            read_events(stream, count=1)
        third = open_stream(server.port, stream_url(recap))
        assert third.status == 429
        assert int(third.headers["retry-after"]) > 0
        assert "2 streams" in third.json()["error"]
        shouting = distinct_recap("one-book", "Held")
        shouting["userId"] = recap["userId"].upper()
        assert open_stream(server.port, stream_url(shouting)).status == 429
        other = distinct_recap("one-book", "Held")
        other["userId"] = "another-reader"
        gate.open("Held")
        assert run_stream(server.port, other).names[-1] == "complete"
        for stream in held:
            assert read_events(stream).names[-1] == "complete"


class TestFinding3Replays:
    """`Last-Event-ID: bogus.1` skipped the result cache: 101 progress events and a full render, every time."""

    def test_a_last_event_id_of_no_live_job_gets_the_stored_video(
        self, server_factory: ServerFactory, jobs_dir: Path
    ) -> None:
        """After a render, a bogus id gets the retained job's events at once, and once the job is forgotten its own
        id gets just `complete` from the stored video; nothing renders again."""
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs_dir), JOB_RETENTION_SECONDS="0.5")
        recap = distinct_recap("one-book", "Replayed")
        first = run_stream(server.port, recap)
        assert first.names[-1] == "complete"
        bogus = run_stream(server.port, recap, headers={"Last-Event-ID": "bogus.1"})
        assert bogus.names[-1] == "complete"
        assert bogus.events[-1].at - bogus.started < 2.0
        assert bogus.events[-1].data["filename"] == first.events[-1].data["filename"]
        server.wait_for_log(lambda line: line.get("event") == "job_forgotten")
        late = run_stream(server.port, recap, headers={"Last-Event-ID": first.events[3].id or ""})
        assert late.names == ["complete"]
        assert len(render_runs(jobs_dir)) == 1


class TestFinding4CostAndFailures:
    """The most expensive accepted request (300 s, 9,000 frames) projected past the 900 s timeout, and a failed
    job was never remembered: each replay of its URL paid again."""

    def test_the_most_expensive_request_of_before_is_refused(self, fake_server: ServerProcess) -> None:
        """Three books of 500-character titles, every timing part 330 frames (297 s of video): a plain 400 naming
        the length and MAX_VIDEO_SECONDS (210 s: see docs/PERFORMANCE.md, bench `worst`)."""
        request = load_recap("three-books")
        for book in request["data"]["books"]:
            book["title"] = ("A Title Anyone Would Give Up Reading " * 20)[:500]
        parts = [
            "introFadeIn", "introHold", "introFadeOut", "bookSlideIn", "bookTitleType", "bookRatingCount", "bookHold",
            "bookExit", "statsCountUp", "statsHold", "statsFadeOut", "comingSoonFadeIn", "comingSoonHold",
            "comingSoonFadeOut", "outroFadeIn", "outroHold", "outroFadeOut",
        ]  # fmt: skip
        request["template"] = {"global": {"timing": {**dict.fromkeys(parts, 330), "transitionOverlap": 0}}}
        status, _, body = fake_server.request("POST", "/render", body=request)
        assert status == 400
        assert json.loads(body)["fields"]["template.global.timing"] == [
            "the video would last 297.0 s; at most 210 s (MAX_VIDEO_SECONDS)"
        ]
        assert Settings().max_video_seconds * 30 * 0.050 < 0.6 * Settings().render_timeout_seconds  # 50 ms a frame

    def test_every_shape_counts_toward_the_length(self, fake_server: ServerProcess) -> None:
        """Each shape is a video of its own in the same job: a recap whose story fits MAX_VIDEO_SECONDS but whose
        three shapes together do not is a 400 naming `formats` (three shapes of the longest story were 3 x 210 s,
        about 900 s to render: the whole timeout)."""
        request = load_recap("three-books")
        request["template"] = {"global": {"timing": {"bookHold": 600}}}
        status, _, body = fake_server.request("POST", "/render", body=request)
        assert status != 400, body
        request["formats"] = ["story", "square", "landscape"]
        status, _, body = fake_server.request("POST", "/render", body=request)
        assert status == 400
        (message,) = json.loads(body)["fields"]["formats"]
        assert message.startswith("3 shapes of a ")
        assert message.endswith("ask for fewer shapes")

    def test_a_failure_that_recurs_is_remembered_and_one_that_may_not_is_not(
        self, server_factory: ServerFactory, moto: MotoServer, tmp_path: Path
    ) -> None:
        """A failed render answers the same request with the same `error` at once for FAILED_JOB_SECONDS (no second
        render, the same job id); a failed upload does not: the next request renders again."""
        failing_jobs, upload_jobs = tmp_path / "failing", tmp_path / "upload"
        failing_jobs.mkdir()
        upload_jobs.mkdir()
        failing = server_factory("error", FAKE_DRIVER_JOBS=str(failing_jobs))
        recap = distinct_recap("one-book", "FailsOnce")
        first = run_stream(failing.port, recap)
        again = run_stream(failing.port, recap)
        assert first.names[-1] == again.names[-1] == "error"
        assert again.events[-1].data == first.events[-1].data
        assert again.events[-1].id == first.events[-1].id
        status, _, body = failing.request("POST", "/render", body=recap)
        assert (status, json.loads(body)["jobId"]) == (500, first.events[-1].data["jobId"])
        assert len(render_runs(failing_jobs)) == 1
        uploading = server_factory("ok", FAKE_DRIVER_JOBS=str(upload_jobs), **moto.server_env("recaps"))
        moto.stop()
        recap = distinct_recap("one-book", "UploadFails")
        assert run_stream(uploading.port, recap).names[-1] == "error"
        assert run_stream(uploading.port, recap).names[-1] == "error"
        assert len(render_runs(upload_jobs)) == 2


class TestFinding6StoragesKeepToTheirRoot:
    """Local storage did not check that a key stays inside its root: a userId `../../../x` wrote outside it (the
    worker half of this finding, a request tampered with in Redis, is in test_fleet.py)."""

    @pytest.mark.parametrize("key", ["videos/../../../x/2026/01/a.mp4", "/etc/a.mp4", "videos//a.mp4", "a\\..\\b"])
    def test_every_backend_refuses_a_key_leaving_its_root(self, tmp_path: Path, key: str) -> None:
        """Local and single-file storage refuse it as an upload failure; nothing is written outside the root."""
        video = tmp_path / "video.mp4"
        video.write_bytes(b"not really a video")
        local = LocalStorage(Settings(storage_dir=tmp_path / "root"))
        with pytest.raises(UploadFailed, match="leaves the storage"):
            local.upload(video, key, 1.0)
        with pytest.raises(UploadFailed, match="leaves the storage"):
            local.put_file(video, key, "image/jpeg")
        assert local.locate(key) is None
        assert local.file_url(key) is None
        with pytest.raises(UploadFailed):
            SingleFileStorage(tmp_path / "out.mp4").put_file(video, key, "image/jpeg")
        assert sorted(path.name for path in tmp_path.rglob("*") if path.is_file()) == ["video.mp4"]

    @pytest.mark.parametrize("name", RECAP_NAMES)
    def test_a_worker_takes_every_request_the_web_side_takes(self, name: str) -> None:
        """What a worker checks again passes for every valid request: each fixture in each preset, with a soundtrack,
        and with every timing value at its longest (scene totals beyond 600 frames, which only resolving makes)."""
        limits = RequestLimits(max_video_seconds=10**6)
        parts = [part for scene_parts, _ in SCENE_TIMING.values() for part in scene_parts]
        longest = {"global": {"timing": dict.fromkeys(parts, 600)}}
        variants: list[dict[str, Any]] = [
            *({"templateId": preset} for preset in limits.templates.ids),
            {"template": {**longest, "audio": {"track": "neon", "volume": 0.5}}},
            {"templateId": "bold", "template": {"global": {"timing": {"transitionOverlap": 0}}}},
        ]
        for variant in variants:
            request = parse_json_body(json.dumps({**load_recap(name), **variant}).encode(), limits)
            revalidate(request, limits)

    def test_s3_refuses_a_key_leaving_its_root(self, moto: MotoServer, tmp_path: Path) -> None:
        """S3 refuses `..` segments too (a CDN or a client may resolve them)."""
        from tornado_render.settings import settings_from_env
        from tornado_render.storage.s3 import S3Storage

        video = tmp_path / "video.mp4"
        video.write_bytes(b"not really a video")
        storage = S3Storage(settings_from_env(moto.server_env("recaps")))
        with pytest.raises(UploadFailed, match="leaves the storage"):
            storage.upload(video, "videos/../x.mp4", 1.0)
        assert moto.client().list_objects_v2(Bucket="recaps").get("KeyCount") == 0


class TestFinding7SignatureLifetime:
    """`exp=999999999999` (year 33658) was accepted, and `tornado-render sign --expires-in` had no cap."""

    def test_an_expiry_beyond_signature_max_seconds_is_403(self, server_factory: ServerFactory) -> None:
        """SIGNATURE_MAX_SECONDS (7 days): a correctly signed URL expiring later is a 403 saying so; a week is fine."""
        server = server_factory("ok", RENDER_SIGNING_KEYS=KEY)
        status, _, body = server.request("GET", sign("GET", "/videos", expires_in=10**9))
        assert status == 403
        assert json.loads(body)["error"].startswith("signature expires too late: at most 604800 s from now")
        assert server.request("GET", sign("GET", "/videos", expires_in=7 * 24 * 3600 - 60))[0] == 200

    def test_the_signer_refuses_a_longer_lifetime(self) -> None:
        """`tornado-render sign --expires-in` beyond SIGNATURE_MAX_SECONDS exits 2 and says why."""
        env = {"RENDER_SIGNING_KEYS": KEY, "PATH": "/usr/bin:/bin"}
        result = subprocess.run(
            [sys.executable, "-m", "tornado_render", "sign", "GET", "/videos", "--expires-in", "999999999"],
            env=env,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert result.returncode == 2
        assert "SIGNATURE_MAX_SECONDS" in result.stderr
        assert result.stdout == ""


class TestFinding8PlainMessages:
    """`Render failed: bundling failed: ModuleNotFoundError: No module named '...'` reached the browser."""

    def test_error_events_and_500s_carry_a_fixed_message_and_the_job_id(self, server_factory: ServerFactory) -> None:
        """A driver that crashes with stderr: the event and the POST answer say "Render failed: the video could not
        be rendered" with the job's id; the stderr is in the log under that id, and nowhere in what clients got."""
        server = server_factory("crash")
        stream = run_stream(server.port, distinct_recap("one-book", "Crashes"))
        status, _, body = server.request("POST", "/render", body=distinct_recap("one-book", "CrashesToo"))
        event = stream.events[-1].data
        assert event == {"message": "Render failed: the video could not be rendered", "jobId": event["jobId"]}
        assert status == 500
        assert json.loads(body)["message"] == "Render failed: the video could not be rendered"
        assert "browser crashed" not in json.dumps(event) + body.decode()
        logged = server.wait_for_log(lambda line: line.get("event") == "error" and line["job_id"] == event["jobId"])
        assert "the browser crashed" in logged["reason"]


class TestFinding9OneUserOneQuota:
    """After `alice` hit 429, `Alice`, `alice` + U+200B and fullwidth `ａｌｉｃｅ` each got 200."""  # noqa: RUF002

    def test_user_ids_are_counted_after_nfkc_and_case_folding(self, server_factory: ServerFactory, gate: Gate) -> None:
        """USER_MAX_JOBS=1: every spelling of the reader shares its quota; invisible characters are a 400."""
        server = server_factory("ok", FAKE_DRIVER_GATE=str(gate.directory), USER_MAX_JOBS="1")
        held = distinct_recap("one-book", "Quota")
        held["userId"] = "alice"
        stream = open_stream(server.port, stream_url(held))
        read_events(stream, count=1)
        for spelling in ("Alice", "ＡＬＩＣＥ", "ａｌｉｃｅ"):  # noqa: RUF001 - the point of the test
            other = distinct_recap("one-book", f"Quota{len(spelling)}{spelling.isupper()}")
            other["userId"] = spelling
            assert open_stream(server.port, stream_url(other)).status == 429, spelling
        hidden = distinct_recap("one-book", "Hidden")
        hidden["userId"] = "alice\u200b"
        status, _, body = server.request("POST", "/render", body=hidden)
        assert status == 400
        assert json.loads(body)["fields"] == {"userId": ["must not contain invisible characters (U+200B)"]}
        gate.open("Quota")
        assert read_events(stream).names[-1] == "complete"


class TestFinding10JsonOnly:
    """POST /render took `Content-Type: text/plain`: a cross-origin page could post without a preflight."""

    @pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
    def test_a_post_that_is_not_json_is_415(self, fake_server: ServerProcess, content_type: str | None) -> None:
        """A body sent as anything but application/json is refused before it is read; JSON with a charset is fine."""
        body = json.dumps(distinct_recap("one-book", "NotJson")).encode()
        headers = {"Content-Type": content_type} if content_type else {"Content-Type": ""}
        status, _, answer = fake_server.request("POST", "/render", body=body, headers=headers)
        assert status == 415
        assert json.loads(answer) == {"error": "POST /render takes Content-Type: application/json"}
        ok = fake_server.request(
            "POST", "/render", body=body, headers={"Content-Type": "Application/JSON; charset=utf-8"}
        )
        assert ok[0] == 200


class TestFinding11DownloadStatus:
    """A wrong signature on /download/<name> answered 404, not the documented 403."""

    def test_download_answers_the_documented_statuses(self, server_factory: ServerFactory) -> None:
        """Wrong signature: 403; expired: 403; unsigned: 401; a valid signature for a missing file: 404."""
        server = server_factory("ok", RENDER_SIGNING_KEYS=KEY)
        name = "recap-2026-10-" + "0" * 32 + ".mp4"
        kept = server.output_dir / name
        kept.parent.mkdir(parents=True, exist_ok=True)
        kept.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
        target = f"/download/{name}"
        wrong = sign_target(b"w" * 40, "GET", target)
        assert (server.request("GET", wrong)[0], json.loads(server.request("GET", wrong)[2])) == (
            403,
            {"error": "signature does not match"},
        )
        assert server.request("GET", sign("GET", target, expires_in=-10))[0] == 403
        assert server.request("GET", target)[0] == 401
        assert server.request("GET", sign("GET", target))[0] == 200
        assert server.request("GET", sign("GET", target.replace("0" * 32, "1" * 32)))[0] == 404
