"""POST /batches, GET /batches/<id>, GET /batches/<id>/stream and `tornado-render batch`, against real servers with
the fake driver (and a two-instance fleet on a real Redis)."""

from __future__ import annotations

import fcntl
import http.client
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis as redis_client
from jsonschema import Draft202012Validator

from tests.support.recaps import distinct_recap, load_recap
from tests.support.redis_server import RedisServer
from tests.support.server import ROOT, ServerProcess
from tests.support.sse_client import Stream, open_stream, read_events, run_stream
from tornado_render.web.signing import sign_target

KEY = "b" * 40
SECRET = "batch-secret-for-tests-0123456789abcdef"
NDJSON = {"Content-Type": "application/x-ndjson"}


def recaps(count: int, tag: str) -> list[dict[str, Any]]:
    return [distinct_recap("one-book", f"{tag}{index}") for index in range(count)]


def ndjson(items: list[Any]) -> bytes:
    return b"".join(json.dumps(item).encode() + b"\n" for item in items)


def local(server: ServerProcess, url: str) -> str:
    """A link the server gave, as a target on it."""
    assert url.startswith(server.base_url), url
    return url.removeprefix(server.base_url)


def post_batch(server: ServerProcess, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    status, _, answer = server.request("POST", "/batches", body, headers)
    return status, json.loads(answer)


def follow(server: ServerProcess, accepted: dict[str, Any]) -> Stream:
    """The batch's whole stream."""
    stream = open_stream(server.port, local(server, accepted["links"]["stream"]), timeout=60)
    assert stream.status == 200, stream.body
    return read_events(stream)


def all_items(server: ServerProcess, first: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page: str | None = first
    while page:
        status, answer = server.get_json(local(server, page))
        assert status == 200, answer
        items += answer["items"]
        page = answer["next"]
    return items


class TestPrecompute:
    def test_twenty_items_done_and_each_cached(self, server_factory: Callable[..., ServerProcess]) -> None:
        """A batch of 20 ends with 20 done items, each with its video; another instance sharing the storage (whose
        driver would fail) answers a reader's stream of one of them with `complete` from the result cache."""
        shared = {"VIDEO_KEY_SECRET": SECRET, "USER_MAX_JOBS": "50"}
        server = server_factory("ok", **shared)
        items = recaps(20, "Batch")
        status, accepted = post_batch(server, json.dumps(items).encode())
        assert status == 202, accepted
        assert accepted["total"] == 20
        stream = follow(server, accepted)
        assert stream.names[-1] == "complete"
        assert set(stream.names[:-1]) <= {"progress"}
        final = stream.events[-1]
        assert final.id == f"{accepted['batchId']}.end"
        assert final.data == {"batchId": accepted["batchId"], "total": 20, "queued": 0, "running": 0, "done": 20,
                              "failed": 0, "finished": True}  # fmt: skip
        results = all_items(server, accepted["links"]["self"])
        assert [item["index"] for item in results] == list(range(20))
        assert all(item["status"] == "done" and item["s3Url"].startswith(server.base_url) for item in results)
        reader = server_factory("error", LOCAL_STORAGE_DIR=server.env["LOCAL_STORAGE_DIR"], **shared)
        started = time.monotonic()
        cached = run_stream(reader.port, items[7])
        elapsed = time.monotonic() - started
        assert cached.names == ["complete"], cached.names
        assert cached.events[0].data["s3Url"].removeprefix(reader.base_url) == results[7]["s3Url"].removeprefix(
            server.base_url
        )
        assert reader.wait_for_log("cached")
        print(f"cached stream after the batch: {elapsed * 1000:.0f} ms")

    def test_ndjson_and_paging(self, fake_server: ServerProcess) -> None:
        """NDJSON is one item a line; items come a page at a time, `next` naming the page after, null at the end."""
        items = recaps(5, "Lines")
        status, accepted = post_batch(fake_server, ndjson(items), NDJSON)
        assert status == 202, accepted
        follow(fake_server, accepted)
        batch = local(fake_server, accepted["links"]["self"])
        status, first = fake_server.get_json(batch + "?limit=2")
        assert [item["index"] for item in first["items"]] == [0, 1]
        assert local(fake_server, first["next"]) == f"/batches/{accepted['batchId']}?after=1&limit=2"
        status, last = fake_server.get_json(f"{batch}?after=3&limit=2")
        assert [item["index"] for item in last["items"]] == [4]
        assert last["next"] is None
        assert (last["done"], last["finished"]) == (5, True)

    def test_paging_refuses_bad_numbers(self, fake_server: ServerProcess) -> None:
        """A limit outside 1..1000 or an after that is not a number is a 400 naming it."""
        status, accepted = post_batch(fake_server, json.dumps(recaps(1, "Page")).encode())
        batch = local(fake_server, accepted["links"]["self"])
        for query, name in (("limit=0", "limit"), ("limit=1001", "limit"), ("after=x", "after")):
            status, _, body = fake_server.request("GET", f"{batch}?{query}")
            assert status == 400, (query, body)
            answer = json.loads(body)
            assert list(answer["fields"]) == [name]

    def test_failed_items_are_named(self, server_factory: Callable[..., ServerProcess]) -> None:
        """Items whose render fails are `failed` with their `error` event's message."""
        server = server_factory("error")
        _, accepted = post_batch(server, json.dumps(recaps(2, "Fails")).encode())
        stream = follow(server, accepted)
        assert stream.events[-1].data["failed"] == 2
        results = all_items(server, accepted["links"]["self"])
        assert [item["error"] for item in results] == ["Render failed: the video could not be rendered"] * 2

    def test_stream_of_a_finished_batch(self, fake_server: ServerProcess) -> None:
        """A finished batch's stream is its `complete` alone; its terminal id as Last-Event-ID gets 204."""
        _, accepted = post_batch(fake_server, json.dumps(recaps(1, "Done")).encode())
        follow(fake_server, accepted)
        again = follow(fake_server, accepted)
        assert again.names == ["complete"]
        assert again.retry == 3000
        ended = open_stream(
            fake_server.port,
            local(fake_server, accepted["links"]["stream"]),
            headers={"Last-Event-ID": f"{accepted['batchId']}.end"},
        )
        assert ended.status == 204

    def test_unknown_batch(self, fake_server: ServerProcess) -> None:
        """A batch id nobody made is a JSON 404, for the batch and its stream."""
        assert fake_server.get_json("/batches/" + "0" * 32)[0] == 404
        assert open_stream(fake_server.port, "/batches/" + "0" * 32 + "/stream").status == 404


class TestFairShare:
    def test_a_later_batch_starts_while_an_earlier_large_one_runs(
        self, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> None:
        """With two batch places and BATCH_FAIR_SHARE 50, a batch of three holds one place: a batch posted after it
        has its item rendered next, before the big batch's second item; both then end done."""
        gate = tmp_path / "gate"
        gate.mkdir()
        server = server_factory("ok", FAKE_DRIVER_GATE=str(gate), MAX_CONCURRENT_RENDERS="2", USER_MAX_JOBS="10")
        big_status, big = post_batch(server, json.dumps(recaps(3, "Big")).encode())
        assert big_status == 202, big
        assert server.wait_for_log("render_started")["month"] == "Big0"
        late_status, late = post_batch(server, json.dumps(recaps(1, "Late")).encode())
        assert late_status == 202, late
        assert server.wait_for_logs("render_started", 2)[1]["month"] == "Late0"
        for month in ("Big0", "Big1", "Big2", "Late0"):
            (gate / month).touch()
        assert follow(server, big).events[-1].data["done"] == 3
        assert follow(server, late).events[-1].data["done"] == 1


class TestDocument:
    def test_answers_and_events_match_the_document(self, fake_server: ServerProcess) -> None:
        """The 202, a page of results and every stream event are what /openapi.json says (Draft 2020-12)."""
        status, document = fake_server.get_json("/openapi.json")
        assert status == 200

        def errors(reference: str, instance: Any) -> list[str]:
            schema = {"$ref": f"#/components/schemas/{reference}", "components": document["components"]}
            return [error.message for error in Draft202012Validator(schema).iter_errors(instance)]

        status, accepted = post_batch(fake_server, json.dumps(recaps(2, "Documented")).encode())
        assert status == 202
        assert errors("BatchAccepted", accepted) == []
        stream = follow(fake_server, accepted)
        for event in stream.events:
            envelope = {"event": event.name, "id": event.id, "data": json.dumps(event.data)}
            assert errors("BatchStreamEvent", envelope) == []
            assert errors("BatchCounts", event.data) == []
        status, page = fake_server.get_json(local(fake_server, accepted["links"]["self"]) + "?limit=1")
        assert status == 200
        assert errors("Batch", page) == []
        assert page["items"][0]["status"] == "done"


class TestRefusals:
    def test_bad_items_named_and_nothing_created(self, fake_server: ServerProcess) -> None:
        """Items 1 and 3 invalid: a 400 naming them by index with their fields in plain words; no batch, no job."""
        items: list[Any] = recaps(5, "Bad")
        items[1]["data"]["books"][0]["status"] = "READING"
        items[3] = {"data": {}}
        status, answer = post_batch(fake_server, json.dumps(items).encode())
        assert status == 400
        assert answer["error"] == "Invalid batch: items 1, 3 are not valid; nothing was created"
        assert [item["index"] for item in answer["items"]] == [1, 3]
        assert list(answer["items"][0]["fields"]) == ["data.books.0.status"]
        assert answer["items"][0]["messages"]
        status, _ = fake_server.get_json("/health")
        assert not fake_server.logs("batch_accepted")
        assert not fake_server.logs("queued")

    def test_a_line_that_is_not_json(self, fake_server: ServerProcess) -> None:
        """An NDJSON line that is not JSON is named by its index."""
        status, answer = post_batch(fake_server, ndjson(recaps(2, "Ok")) + b"{oops\n", NDJSON)
        assert status == 400
        assert [item["index"] for item in answer["items"]] == [2]
        assert "not valid JSON" in answer["items"][0]["error"]

    def test_not_an_array(self, fake_server: ServerProcess) -> None:
        """A JSON body that is not an array is a 400 saying so."""
        status, answer = post_batch(fake_server, json.dumps(load_recap("one-book")).encode())
        assert status == 400
        assert answer["error"] == "Item 0: the body is not a JSON array: it must start with ["

    def test_more_than_a_thousand_items(self, fake_server: ServerProcess) -> None:
        """1,001 valid items: a 413 before any work (no batch, no job)."""
        status, answer = post_batch(fake_server, ndjson([load_recap("one-book")] * 1001), NDJSON)
        assert status == 413
        assert answer["error"] == "The batch has more than 1000 items; split it"
        assert not fake_server.logs("batch_accepted")
        assert not fake_server.logs("queued")

    def test_declared_size_over_the_limit(self, fake_server: ServerProcess) -> None:
        """A Content-Length over 16 MiB is refused from the head, before a byte of the body is sent."""
        connection = http.client.HTTPConnection("127.0.0.1", fake_server.port, timeout=10)
        try:
            connection.putrequest("POST", "/batches")
            connection.putheader("Content-Type", "application/json")
            connection.putheader("Content-Length", str(17 * 1024 * 1024))
            connection.endheaders()
            response = connection.getresponse()
            assert response.status == 413
            assert json.loads(response.read()) == {"error": "The batch is larger than 16 MiB"}
        finally:
            connection.close()

    def test_two_bodies_at_once(self, fake_server: ServerProcess) -> None:
        """While two batch bodies are being read, a third batch is refused (503, Retry-After) before its body; once
        they are done, batches are read again."""
        half = json.dumps(recaps(2, "Slow")).encode()
        senders = []
        for _ in range(2):
            connection = http.client.HTTPConnection("127.0.0.1", fake_server.port, timeout=30)
            connection.putrequest("POST", "/batches")
            connection.putheader("Content-Type", "application/json")
            connection.putheader("Content-Length", str(len(half)))
            connection.endheaders()
            connection.send(half[:10])
            senders.append(connection)
        deadline = time.monotonic() + 20
        while True:  # the two heads reach the server in their own time: ask until it counts them
            status, headers, body = fake_server.request("POST", "/batches", b"[]")
            if status == 503 or time.monotonic() > deadline:
                break
        assert (status, json.loads(body)) == (503, {"error": "Other batches are being posted; try again shortly"})
        assert headers["retry-after"] == "10"
        for connection in senders:
            connection.send(half[10:])
            assert connection.getresponse().status == 202
            connection.close()
        assert post_batch(fake_server, b"[]") == (400, {"error": "The batch is empty"})

    def test_other_content_types(self, fake_server: ServerProcess) -> None:
        """Neither JSON nor NDJSON: 415."""
        status, _ = post_batch(fake_server, b"[]", {"Content-Type": "text/plain"})
        assert status == 415

    def test_empty_batch(self, fake_server: ServerProcess) -> None:
        """`[]` is a 400: there is nothing to run."""
        assert post_batch(fake_server, b"[]") == (400, {"error": "The batch is empty"})


class TestSigned:
    def test_unsigned_refused_signed_accepted(self, server_factory: Callable[..., ServerProcess]) -> None:
        """With RENDER_SIGNING_KEYS: unsigned 401, a signature of another body 403, nothing created; a signed batch
        is accepted and its links come signed (the batch and its stream answer them)."""
        server = server_factory("ok", RENDER_SIGNING_KEYS=KEY)
        body = json.dumps(recaps(2, "Signed")).encode()
        status, answer = post_batch(server, body)
        assert (status, answer) == (401, {"error": "signature required"})
        other = sign_target(KEY.encode(), "POST", "/batches", b"[]")
        status, _, answer = server.request("POST", other, body)
        assert (status, json.loads(answer)) == (403, {"error": "signature does not match"})
        assert not server.logs("batch_accepted")
        status, _, answer = server.request("POST", sign_target(KEY.encode(), "POST", "/batches", body), body)
        assert status == 202, answer
        accepted = json.loads(answer)
        assert "&sig=" in accepted["links"]["self"]
        assert follow(server, accepted).names[-1] == "complete"
        assert server.get_json(local(server, accepted["links"]["self"]))[0] == 200
        assert server.get_json(f"/batches/{accepted['batchId']}")[0] == 401


def run_batch_cli(path: Path, url: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tornado_render", "batch", str(path), "--url", url],
        capture_output=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=300,
    )


class TestCommandLine:
    def test_batch_against_a_live_server(self, fake_server: ServerProcess, tmp_path: Path) -> None:
        """`tornado-render batch FILE.ndjson --url`: plain progress lines (no terminal), each item's URL on stdout,
        exit 0."""
        path = tmp_path / "requests.ndjson"
        path.write_bytes(ndjson(recaps(3, "Cli")))
        done = run_batch_cli(path, fake_server.base_url)
        assert done.returncode == 0, done.stderr
        urls = done.stdout.decode().split()
        assert len(urls) == 3
        assert all(url.startswith(f"{fake_server.base_url}/storage/videos/") for url in urls)
        stderr = done.stderr.decode()
        assert "3/3 finished: 3 done, 0 failed, 0 running" in stderr
        assert stderr.rstrip().endswith("3 done, 0 failed")

    def test_progress_bar_on_a_terminal(self, fake_server: ServerProcess, tmp_path: Path) -> None:
        """With stderr on a terminal, the progress is a bar (tqdm's), not lines."""
        path = tmp_path / "requests.ndjson"
        path.write_bytes(ndjson(recaps(2, "Tty")))
        primary, secondary = pty.openpty()
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))  # a new pty is 0 columns wide
        try:
            done = subprocess.run(
                [sys.executable, "-m", "tornado_render", "batch", str(path), "--url", fake_server.base_url],
                stdout=subprocess.PIPE,
                stderr=secondary,
                env=os.environ,
                cwd=ROOT,
                timeout=300,
            )
            os.close(secondary)
            shown = b""
            while select.select([primary], [], [], 0)[0]:
                try:
                    chunk = os.read(primary, 65536)
                except OSError:  # the terminal's other end is closed: everything has been read
                    break
                if not chunk:
                    break
                shown += chunk
        finally:
            os.close(primary)
        assert done.returncode == 0
        text = shown.decode(errors="replace")
        assert "100 %|" in text
        assert "2/2" in text
        assert "finished:" not in text

    def test_signed_batch_with_a_failure(self, server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
        """Signed with RENDER_SIGNING_KEYS from the environment; an item that failed makes the exit status 1."""
        server = server_factory("error", RENDER_SIGNING_KEYS=KEY)
        path = tmp_path / "requests.json"
        path.write_text(json.dumps(recaps(1, "CliFail")))
        done = run_batch_cli(path, server.base_url, RENDER_SIGNING_KEYS=KEY)
        assert done.returncode == 1, done.stderr
        assert "item 0: Render failed: the video could not be rendered" in done.stderr.decode()

    def test_refused_batch(self, fake_server: ServerProcess, tmp_path: Path) -> None:
        """A batch the server refuses: its reason and each bad item on stderr, exit 2."""
        path = tmp_path / "requests.ndjson"
        path.write_bytes(ndjson([load_recap("one-book"), {"userId": "u"}]))
        done = run_batch_cli(path, fake_server.base_url)
        assert done.returncode == 2
        assert "item 1:" in done.stderr.decode()


class TestFleet:
    def test_batch_on_two_instances(
        self, redis: RedisServer, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> None:
        """A batch posted to A is followed on B (state in Redis): B's stream ends with `complete`, B pages its items,
        and a reader on B gets `complete` for an item."""
        shared = {"REDIS_URL": redis.url, "LOCAL_STORAGE_DIR": str(tmp_path / "shared-storage"), "USER_MAX_JOBS": "50"}
        first, second = server_factory("ok", **shared), server_factory("ok", **shared)
        items = recaps(6, "Fleet")
        status, accepted = post_batch(first, json.dumps(items).encode())
        assert status == 202, accepted
        on_second = {
            "batchId": accepted["batchId"],
            "links": {name: second.base_url + local(first, url) for name, url in accepted["links"].items()},
        }
        stream = follow(second, on_second)
        assert stream.events[-1].name == "complete"
        assert stream.events[-1].data["done"] == 6
        results = all_items(second, on_second["links"]["self"])
        assert [item["status"] for item in results] == ["done"] * 6
        assert run_stream(second.port, items[2]).names[-1] == "complete"
        client = redis_client.Redis.from_url(redis.url)
        try:
            keys = sorted(key.decode() for key in client.keys("tr:batch:*"))
        finally:
            client.close()
        assert keys == [f"tr:batch:{accepted['batchId']}", f"tr:batch:{accepted['batchId']}:items"]
