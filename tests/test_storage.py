"""Storage: public URLs, uploads to a real S3 API (moto's server on loopback), local storage, start-up checks."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.moto_server import MotoServer
from tests.support.recaps import load_recap
from tests.support.server import ROOT, ServerProcess, server_env
from tests.support.sse_client import run_stream
from tornado_render.errors import StorageUnavailable, UploadFailed
from tornado_render.settings import settings_from_env
from tornado_render.storage.local import LocalStorage
from tornado_render.storage.s3 import S3Storage, generate_public_url


class TestPublicUrl:
    def test_aws(self) -> None:
        """On AWS: https://{bucket}.s3.{region}.amazonaws.com/{key}."""
        assert (
            generate_public_url("recaps", "eu-west-1", "videos/u/2026/10/a.mp4")
            == "https://recaps.s3.eu-west-1.amazonaws.com/videos/u/2026/10/a.mp4"
        )

    def test_custom_endpoint(self) -> None:
        """With a custom endpoint: {endpoint}/{bucket}/{key}."""
        url = generate_public_url("recaps", "us-east-1", "videos/a.mp4", endpoint_url="http://127.0.0.1:9000/")
        assert url == "http://127.0.0.1:9000/recaps/videos/a.mp4"

    def test_public_base_url_wins(self) -> None:
        """A configured public base (a CDN) replaces both."""
        url = generate_public_url(
            "recaps", "us-east-1", "videos/a.mp4", endpoint_url="http://x", public_base_url="https://cdn.example/v"
        )
        assert url == "https://cdn.example/v/videos/a.mp4"

    def test_key_is_url_quoted(self) -> None:
        """A userId with spaces or non-ASCII gives a valid URL."""
        assert generate_public_url("b", "r", "videos/ana maría/x.mp4").endswith("/videos/ana%20mar%C3%ADa/x.mp4")


def s3_settings(moto: MotoServer, bucket: str = "recaps", **overrides: str | None):  # type: ignore[no-untyped-def]
    env = {**moto.server_env(bucket), **{k: v for k, v in overrides.items() if v is not None}}
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
    return settings_from_env(env)


class TestS3Storage:
    def test_upload_sets_key_and_content_type(self, moto: MotoServer, tmp_path: Path) -> None:
        """upload_file puts the object under its key with Content-Type video/mp4 and returns its public URL."""
        video = tmp_path / "v.mp4"
        video.write_bytes(b"video" * 1000)
        storage = S3Storage(s3_settings(moto))
        storage.check()
        url = storage.upload(video, "videos/u/2026/10/recap.mp4", 11.5)
        assert url == f"{moto.endpoint}/recaps/videos/u/2026/10/recap.mp4"
        head = moto.client().head_object(Bucket="recaps", Key="videos/u/2026/10/recap.mp4")
        assert head["ContentType"] == "video/mp4"
        assert head["ContentLength"] == 5000

    def test_warnings_are_kept_with_the_video(self, moto: MotoServer, tmp_path: Path) -> None:
        """The warnings a video was stored with (a soundtrack that could not be used) come back with it from locate,
        non-ASCII included (S3 metadata is ASCII: they travel as escaped JSON)."""
        video = tmp_path / "v.mp4"
        video.write_bytes(b"video")
        storage = S3Storage(s3_settings(moto))
        warnings = ("template.audio.url: the track could not be used (HTTP 404); the video is silent", "é ✓")
        storage.upload(video, "videos/u/2026/10/warned.mp4", 11.5, warnings)
        storage.upload(video, "videos/u/2026/10/quiet.mp4", 11.5)
        warned, quiet = storage.locate("videos/u/2026/10/warned.mp4"), storage.locate("videos/u/2026/10/quiet.mp4")
        assert warned is not None
        assert quiet is not None
        assert (warned.duration, warned.warnings, quiet.warnings) == (11.5, warnings, ())

    def test_presigned_urls_for_private_buckets(self, moto: MotoServer, tmp_path: Path) -> None:
        """S3_URL_MODE=presigned: the URL is a presigned GET valid S3_URL_EXPIRES seconds, and it fetches the video."""
        video = tmp_path / "v.mp4"
        video.write_bytes(b"private video")
        storage = S3Storage(s3_settings(moto, S3_URL_MODE="presigned", S3_URL_EXPIRES="900"))
        url = storage.upload(video, "videos/u/2026/10/private.mp4", 11.5)
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{moto.endpoint}/recaps/videos/u/2026/10/private.mp4"
        assert query["X-Amz-Expires"] == ["900"]
        assert query["X-Amz-Signature"]
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.read() == b"private video"

    def test_incomplete_settings_are_named(self, moto: MotoServer) -> None:
        """With a bucket but no region or keys, the check names every missing setting."""
        storage = S3Storage(s3_settings(moto, AWS_REGION=None, AWS_SECRET_ACCESS_KEY=None))
        with pytest.raises(StorageUnavailable, match="AWS_REGION, AWS_SECRET_ACCESS_KEY not set"):
            storage.check()

    def test_missing_bucket(self, moto: MotoServer) -> None:
        """A bucket that does not exist fails the check."""
        with pytest.raises(StorageUnavailable, match="'nope' is not reachable"):
            S3Storage(s3_settings(moto, bucket="nope")).check()

    def test_unreachable_endpoint_is_an_upload_failure(self, moto: MotoServer, tmp_path: Path) -> None:
        """With the endpoint gone, upload raises UploadFailed and keeps the file."""
        video = tmp_path / "v.mp4"
        video.write_bytes(b"x")
        storage = S3Storage(s3_settings(moto))
        moto.stop()
        with pytest.raises(UploadFailed) as caught:
            storage.upload(video, "k.mp4", 11.5)
        assert caught.value.summary == "S3 upload failed: could not connect to the S3 endpoint"
        assert video.exists()


class TestLocalStorage:
    def test_copies_under_the_key(self, tmp_path: Path) -> None:
        """The embedded storage copies the video under its key and answers a /storage/ URL."""
        settings = settings_from_env({"LOCAL_STORAGE_DIR": str(tmp_path / "store")})
        storage = LocalStorage(settings)
        storage.check()
        video = tmp_path / "v.mp4"
        video.write_bytes(b"abc")
        assert storage.upload(video, "videos/u 1/x.mp4", 11.5) == "/storage/videos/u%201/x.mp4"
        assert (tmp_path / "store" / "videos" / "u 1" / "x.mp4").read_bytes() == b"abc"

    def test_warnings_are_kept_with_the_video(self, tmp_path: Path) -> None:
        """The warnings a video was stored with come back with it from locate (the JSON beside it)."""
        storage = LocalStorage(settings_from_env({"LOCAL_STORAGE_DIR": str(tmp_path / "store")}))
        video = tmp_path / "v.mp4"
        video.write_bytes(b"abc")
        warnings = ("template.audio.url: the track could not be used (HTTP 404); the video is silent",)
        storage.upload(video, "videos/u/x.mp4", 8.5, warnings)
        stored = storage.locate("videos/u/x.mp4")
        assert stored is not None
        assert (stored.duration, stored.warnings) == (8.5, warnings)


class TestServerWithS3:
    def test_stream_uploads_then_deletes(self, moto: MotoServer, server_factory: Callable[..., ServerProcess]) -> None:
        """complete carries the object's URL; the object exists with its key and type; the local file is gone."""
        server = server_factory("ok", **moto.server_env("recaps"))
        stream = run_stream(server.port, load_recap("one-book"))
        assert stream.names[-1] == "complete"
        complete = stream.events[-1].data
        prefix = f"{moto.endpoint}/recaps/"
        assert complete["s3Url"].startswith(prefix + "videos/user-789/2026/10/recap-2026-10-")
        key = complete["s3Url"].removeprefix(prefix)
        assert moto.client().head_object(Bucket="recaps", Key=key)["ContentType"] == "video/mp4"
        assert not (server.output_dir / complete["filename"]).exists()
        uploaded = server.wait_for_log("uploaded")
        assert uploaded["key"] == key

    def test_failed_upload_keeps_the_file(self, moto: MotoServer, server_factory: Callable[..., ServerProcess]) -> None:
        """With S3 gone, the stream ends in "S3 upload failed: ..." and the video stays downloadable."""
        server = server_factory("ok", **moto.server_env("recaps"))
        moto.stop()
        stream = run_stream(server.port, load_recap("one-book"))
        assert stream.progress == list(range(101))
        assert stream.events[-1].name == "error"
        assert stream.events[-1].data["message"] == "S3 upload failed: the video could not be stored"
        assert server.wait_for_log("error")["reason"] == "S3 upload failed: could not connect to the S3 endpoint"
        kept = list(server.output_dir.glob("*.mp4"))
        assert len(kept) == 1
        status, headers, body = server.request("GET", f"/download/{kept[0].name}")
        assert status == 200
        assert headers["content-type"] == "video/mp4"
        assert body == kept[0].read_bytes()
        status, listing = server.get_json("/videos")
        assert [video["filename"] for video in listing["videos"]] == [kept[0].name]


class TestStartupChecks:
    def run_server(self, tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        full_env = server_env(tmp_path, 0, "ok", **env)
        return subprocess.run(
            [sys.executable, "-m", "tornado_render"],
            env=full_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def test_refuses_incomplete_s3_settings(self, tmp_path: Path) -> None:
        """S3_BUCKET_NAME without the rest: exit 1 and a message naming what is missing."""
        result = self.run_server(tmp_path, {"S3_BUCKET_NAME": "recaps", "AWS_REGION": "", "AWS_ACCESS_KEY_ID": ""})
        assert result.returncode == 1
        assert "cannot start" in result.stderr
        assert "AWS_REGION" in result.stderr
        assert "AWS_ACCESS_KEY_ID" in result.stderr

    def test_refuses_unreachable_bucket(self, moto: MotoServer, tmp_path: Path) -> None:
        """A bucket that cannot be reached: exit 1 and a message saying so."""
        result = self.run_server(tmp_path, moto.server_env("missing-bucket"))
        assert result.returncode == 1
        assert "S3 bucket 'missing-bucket' is not reachable" in result.stderr
