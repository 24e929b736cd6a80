"""POST /render: the blocking API for older clients (fake driver)."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.support.moto_server import MotoServer
from tests.support.recaps import load_recap
from tests.support.server import ServerProcess


class TestPostRender:
    def test_success_body(self, fake_server: ServerProcess) -> None:
        """success, filename, s3Url, duration (video seconds: one book is 14 s) and renderTime (seconds)."""
        status, headers, body = fake_server.request("POST", "/render", load_recap("one-book"))
        assert status == 200
        assert headers["content-type"].startswith("application/json")
        answer = json.loads(body)
        assert answer["success"] is True
        assert answer["filename"].startswith("recap-2026-10-")
        assert answer["s3Url"].startswith(f"{fake_server.base_url}/storage/videos/user-789/2026/10/")
        assert answer["duration"] == 14.0
        assert 0 < answer["renderTime"] < 60
        assert not (fake_server.output_dir / answer["filename"]).exists()

    def test_bad_json(self, fake_server: ServerProcess) -> None:
        """A body that is not JSON is a 400 naming the body."""
        status, _, body = fake_server.request("POST", "/render", b"{oops")
        assert status == 400
        assert "body" in json.loads(body)["fields"]

    def test_invalid_request(self, fake_server: ServerProcess) -> None:
        """Schema errors are a 400 naming each field."""
        recap = load_recap("one-book")
        recap["data"]["books"][0]["status"] = "READING"
        status, _, body = fake_server.request("POST", "/render", recap)
        assert status == 400
        assert list(json.loads(body)["fields"]) == ["data.books.0.status"]

    def test_render_failure(self, server_factory: Callable[..., ServerProcess]) -> None:
        """A failed render is a 500 with error "Render failed", the fixed message and the job's id; what the driver
        said is in the log only."""
        server = server_factory("error")
        status, _, body = server.request("POST", "/render", load_recap("one-book"))
        assert status == 500
        answer = json.loads(body)
        assert answer == {
            "error": "Render failed",
            "message": "Render failed: the video could not be rendered",
            "jobId": answer["jobId"],
        }
        assert server.wait_for_log("error")["job_id"] == answer["jobId"]
        assert server.wait_for_log("error")["reason"] == "Render failed: out of memory"

    def test_upload_failure(self, moto: MotoServer, server_factory: Callable[..., ServerProcess]) -> None:
        """A failed upload is a 500 "S3 upload failed" naming the kept file and where to download it."""
        server = server_factory("ok", **moto.server_env("recaps"))
        moto.stop()
        status, _, body = server.request("POST", "/render", load_recap("one-book"))
        assert status == 500
        answer = json.loads(body)
        assert answer["error"] == "S3 upload failed"
        assert answer["message"] == "S3 upload failed: the video could not be stored"
        assert server.wait_for_log("error")["reason"] == "S3 upload failed: could not connect to the S3 endpoint"
        assert (server.output_dir / answer["filename"]).is_file()
        assert answer["downloadUrl"] == f"{server.base_url}/download/{answer['filename']}"
