"""GET /videos lists the finished videos wherever they are: kept in the output directory, and stored (local storage
or the S3 bucket's videos/ prefix), a page at a time, each with its URL (fake driver; moto's S3 server)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

from tests.support.moto_server import MotoServer
from tests.support.recaps import distinct_recap
from tests.support.server import ServerProcess
from tornado_render.web.signing import sign_target

KEY = "f" * 40


def render(server: ServerProcess, name: str) -> dict[str, Any]:
    status, _, body = server.request("POST", "/render", distinct_recap("one-book", name))
    assert status == 200, body
    answer: dict[str, Any] = json.loads(body)
    return answer


def listing(server: ServerProcess, target: str = "/videos") -> dict[str, Any]:
    status, _, body = server.request("GET", target)
    assert status == 200, body
    answer: dict[str, Any] = json.loads(body)
    return answer


class TestStoredVideos:
    def test_local_storage_paged(self, fake_server: ServerProcess) -> None:
        """Rendered videos are listed from the local storage with their URLs, paged by `limit` and `after`."""
        rendered = sorted(render(fake_server, name)["s3Url"] for name in ("Alpha", "Beta", "Gamma"))
        videos = listing(fake_server)["videos"]
        assert sorted(video["url"] for video in videos) == rendered
        assert {video["location"] for video in videos} == {"storage"}
        assert all(video["size"] > 0 and video["created"].endswith("Z") for video in videos)
        first = listing(fake_server, "/videos?limit=2")
        second = listing(fake_server, f"/videos?limit=2&after={first['next']}")
        assert len(first["videos"]) == 2
        assert "next" not in second
        assert [video["key"] for video in first["videos"] + second["videos"]] == [video["key"] for video in videos]
        with urllib.request.urlopen(videos[0]["url"], timeout=30) as response:
            assert response.headers["Content-Type"] == "video/mp4"

    def test_s3_prefix(self, moto: MotoServer, server_factory: Callable[..., ServerProcess]) -> None:
        """With S3, the bucket's story videos are listed (not their posters, cards or other shapes)."""
        server = server_factory("ok", **moto.server_env("recaps"))
        answer = render(server, "S3Listed")
        videos = listing(server)["videos"]
        assert [video["url"] for video in videos] == [answer["s3Url"]]
        assert videos[0]["filename"] == answer["filename"]

    def test_bad_limit(self, fake_server: ServerProcess) -> None:
        """A limit that is not 1-1000 is a 400 in plain words."""
        status, _, body = fake_server.request("GET", "/videos?limit=0")
        assert status == 400
        assert json.loads(body)["messages"] == ["The limit must be a whole number from 1 to 1000"]


class TestKeptVideos:
    def test_signed_download_url(self, moto: MotoServer, server_factory: Callable[..., ServerProcess]) -> None:
        """A video kept in the output directory (its upload failed) is listed with a signed /download URL that works,
        when signing is on."""
        server = server_factory("ok", RENDER_SIGNING_KEYS=KEY, **moto.server_env("recaps"))
        moto.stop()
        body = json.dumps(distinct_recap("one-book", "Kept")).encode()
        status, _, _ = server.request("POST", sign_target(KEY.encode(), "POST", "/render", body), body)
        assert status == 500
        listed = json.loads(server.request("GET", sign_target(KEY.encode(), "GET", "/videos"))[2])
        [kept] = listed["videos"]
        assert kept["location"] == "output"
        assert "cannot be listed now" in listed["storageError"]
        assert "&sig=" in kept["url"]
        status, headers, _ = server.request("GET", kept["url"].removeprefix(server.base_url))
        assert status == 200
        assert headers["content-type"] == "video/mp4"
