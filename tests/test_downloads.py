"""GET /download/<filename> and GET /videos: serving kept videos, and nothing outside the output directory."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.support.server import ServerProcess

VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40


@pytest.fixture
def kept_video(fake_server: ServerProcess) -> Path:
    path = fake_server.output_dir / "recap-2026-10-1795583391595.mp4"
    path.write_bytes(VIDEO)
    return path


class TestDownload:
    def test_serves_a_kept_video(self, fake_server: ServerProcess, kept_video: Path) -> None:
        """A file in the output directory is served whole, as video/mp4, with ranges advertised."""
        status, headers, body = fake_server.request("GET", f"/download/{kept_video.name}")
        assert status == 200
        assert headers["content-type"] == "video/mp4"
        assert headers["accept-ranges"] == "bytes"
        assert body == VIDEO

    def test_range_request(self, fake_server: ServerProcess, kept_video: Path) -> None:
        """A player's seek (Range) gets 206 and exactly those bytes."""
        status, headers, body = fake_server.request(
            "GET", f"/download/{kept_video.name}", headers={"Range": "bytes=100-199"}
        )
        assert status == 206
        assert headers["content-range"] == f"bytes 100-199/{len(VIDEO)}"
        assert body == VIDEO[100:200]

    def test_missing_file_is_json_404(self, fake_server: ServerProcess) -> None:
        """An unknown file is a JSON 404."""
        status, headers, body = fake_server.request("GET", "/download/recap-2026-10-1.mp4")
        assert status == 404
        assert headers["content-type"].startswith("application/json")
        assert json.loads(body) == {"error": "Not Found"}

    @pytest.mark.parametrize(
        "path",
        [
            "/download/../server0.log",
            "/download/..%2Fserver0.log",
            "/download/%2E%2E%2Fserver0.log",
            "/download/..%5Cserver0.log",
            "/download/%2Fetc%2Fpasswd",
            "/download//etc/passwd",
            "/download/sub/../../server0.log",
            "/download/outside.mp4",
            "/download/.hidden.mp4",
            "/download/secret.txt",
            "/download/",
        ],
    )
    def test_path_escapes_are_404(self, fake_server: ServerProcess, path: str) -> None:
        """No spelling of a path reaches a file outside the output directory, or a non-video inside it."""
        (fake_server.output_dir / "secret.txt").write_text("no")
        (fake_server.output_dir / ".hidden.mp4").write_bytes(b"no")
        (fake_server.workdir / "outside.mp4").write_bytes(b"outside")
        status, _, body = fake_server.request("GET", path)
        assert status == 404, body
        assert b"outside" not in body
        assert b"root:" not in body

    def test_symlink_leaving_the_directory_is_404(self, fake_server: ServerProcess, tmp_path: Path) -> None:
        """A symlink inside the output directory that points outside it is not followed."""
        target = tmp_path / "elsewhere.mp4"
        target.write_bytes(b"outside")
        os.symlink(target, fake_server.output_dir / "recap-2026-10-5.mp4")
        status, _, body = fake_server.request("GET", "/download/recap-2026-10-5.mp4")
        assert status == 404
        assert b"outside" not in body


class TestVideos:
    def test_lists_mp4s(self, fake_server: ServerProcess, kept_video: Path) -> None:
        """Each MP4 with its size and creation time; other files are not listed."""
        (fake_server.output_dir / "notes.txt").write_text("x")
        status, listing = fake_server.get_json("/videos")
        assert status == 200
        [video] = listing["videos"]
        assert video["filename"] == kept_video.name
        assert video["size"] == len(VIDEO)
        assert video["created"].endswith("Z")


class TestInfo:
    def test_health(self, fake_server: ServerProcess) -> None:
        """/health answers ok with a timestamp."""
        status, body = fake_server.get_json("/health")
        assert status == 200
        assert body["status"] == "ok"
        assert body["timestamp"].startswith("20")

    def test_unknown_path_is_json_404(self, fake_server: ServerProcess) -> None:
        """Unknown paths get JSON, not an HTML page."""
        status, body = fake_server.get_json("/nope")
        assert status == 404
        assert body == {"error": "Not found"}
