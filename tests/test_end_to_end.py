"""Every endpoint with a real Remotion render through a running server, storage on moto's S3 server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.audio import CORRECT_VIDEO, loudness, stream_of, video_flags
from tests.support.media import probe
from tests.support.moto_server import MotoServer, start_moto
from tests.support.recaps import distinct_recap
from tests.support.server import ServerProcess, start_server
from tests.support.sse_client import run_stream
from tests.test_driver_render import expected_frames

pytestmark = pytest.mark.render
BUCKET = "recaps"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="module")
def s3() -> Iterator[MotoServer]:
    server = start_moto()
    server.create_bucket(BUCKET)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def real_server(workdir: Path, s3: MotoServer) -> Iterator[ServerProcess]:
    server = start_server(workdir / "a", BUNDLE_DIR=str(workdir / "bundles"), **s3.server_env(BUCKET))
    yield server
    server.stop()


def assert_playable(path: Path, props: dict) -> None:
    info = probe(path)
    assert (info.codec, info.width, info.height, info.fps) == ("h264", 1080, 1920, 30)
    assert info.frames == expected_frames(props)


def assert_sound_and_stream(path: Path, props: dict) -> None:
    """The stored video as a reader gets it: the picture stream correct (High, yuv420p, TV range, BT.709, kept
    through the mux), the default bed as AAC-LC 48 kHz stereo as long as the video, at -14 LUFS under -1 dBTP."""
    assert video_flags(path) == CORRECT_VIDEO
    audio = stream_of(path, "audio")
    assert audio is not None
    assert (audio["codec_name"], audio["profile"], audio["sample_rate"], audio["channels"]) == ("aac", "LC", "48000", 2)
    assert float(audio["duration"]) == pytest.approx(expected_frames(props) / 30, abs=1 / 30)
    measured = loudness(path)
    assert measured.integrated == pytest.approx(-14, abs=1)
    assert measured.true_peak <= -1.0


def fetch_object(s3: MotoServer, url: str, target: Path) -> dict:
    key = url.removeprefix(f"{s3.endpoint}/{BUCKET}/")
    head = s3.client().head_object(Bucket=BUCKET, Key=key)
    s3.client().download_file(BUCKET, key, str(target))
    return head


class TestRealRenders:
    def test_stream(self, real_server: ServerProcess, s3: MotoServer, tmp_path: Path) -> None:
        """GET /render-stream: progress 0..100 through a real bundle and render, then the MP4 in S3."""
        recap = distinct_recap("one-book", "October")
        stream = run_stream(real_server.port, recap, timeout=300)
        assert stream.names == ["progress"] * 101 + ["complete"], stream.events[-1]
        assert stream.progress == list(range(101))
        head = fetch_object(s3, stream.events[-1].data["s3Url"], tmp_path / "v.mp4")
        assert head["ContentType"] == "video/mp4"
        assert_playable(tmp_path / "v.mp4", recap["data"])
        assert list(real_server.output_dir.glob("*.mp4")) == []
        assert stream.events[-1].data["warnings"] == []
        assert_sound_and_stream(tmp_path / "v.mp4", recap["data"])

    def test_post(self, real_server: ServerProcess, s3: MotoServer, tmp_path: Path) -> None:
        """POST /render: a real render answered with its URL, duration and render time."""
        recap = distinct_recap("one-book", "Octobre")
        status, _, body = real_server.request("POST", "/render", recap, timeout=300)
        assert status == 200, body
        answer = json.loads(body)
        frames = expected_frames(recap["data"])
        assert answer["duration"] == pytest.approx(frames / 30)
        assert answer["renderTime"] > 1
        fetch_object(s3, answer["s3Url"], tmp_path / "v.mp4")
        assert_playable(tmp_path / "v.mp4", recap["data"])

    def test_download_after_failed_upload(self, workdir: Path, tmp_path: Path) -> None:
        """GET /download and /videos: a real video whose upload failed is kept, listed, and served with ranges."""
        gone = start_moto()
        gone.create_bucket(BUCKET)
        server = start_server(workdir / "b", BUNDLE_DIR=str(workdir / "bundles"), **gone.server_env(BUCKET))
        try:
            gone.stop()
            recap = distinct_recap("one-book", "Oktober")
            stream = run_stream(server.port, recap, timeout=300)
            assert stream.events[-1].name == "error"
            assert stream.events[-1].data["message"].startswith("S3 upload failed: ")
            status, listing = server.get_json("/videos")
            [video] = listing["videos"]
            status, headers, body = server.request("GET", f"/download/{video['filename']}")
            assert status == 200
            assert headers["content-type"] == "video/mp4"
            assert len(body) == video["size"]
            (tmp_path / "kept.mp4").write_bytes(body)
            assert_playable(tmp_path / "kept.mp4", recap["data"])
            status, headers, part = server.request(
                "GET", f"/download/{video['filename']}", headers={"Range": "bytes=0-1023"}
            )
            assert status == 206
            assert part == body[:1024]
        finally:
            server.stop()
