"""Issue 20, the sharing side: `formats` in requests, `assets` in the answers (stream, POST, the job state, a cache
hit; local storage and S3), the share page (its token, its record in the storage, its tags read by metadata_parser,
its media and download, in a real Chromium), SHARE_PAGES=off, and the command line's asset paths.

The poster and the card are the pipeline's to make; until a job's outcome names them, the page tests store images
themselves and publish the share through ShareLinks (tests/support/shares.py), as a completing job does.
"""

from __future__ import annotations

import json
import secrets
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from PIL import Image

from tests.support.artifacts import artifacts_dir
from tests.support.moto_server import MotoServer
from tests.support.recaps import distinct_recap, load_recap
from tests.support.server import ROOT, ServerProcess
from tests.support.shares import PublishedShare, publish_share, solid_jpeg, unfurl
from tests.support.sse_client import open_stream, run_stream, stream_url
from tornado_render.cli.render import build_parser, output_storage, report_lines, with_formats
from tornado_render.recap import RenderRequest
from tornado_render.render.pipeline import Outcome
from tornado_render.settings import Settings
from tornado_render.shares import ShareRecord, is_token, share_token
from tornado_render.storage.local import LocalStorage
from tornado_render.storage.s3 import S3Storage
from tornado_render.validation.request_parsing import parse_json_body, parse_stream_query
from tornado_render.validation.schemas import InvalidRequest, RequestLimits
from tornado_render.web.disposition import content_disposition
from tornado_render.web.share_page import SharePage, content_security_policy, render_share_page

CONTENT_TYPES = {
    "poster": "image/jpeg",
    "card": "image/jpeg",
    "square": "video/mp4",
    "landscape": "video/mp4",
    "share": "text/html",
}
SECRET = "s" * 64


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes, str]:
    """GET `url` following redirects (as a crawler or a browser does): status, headers, body and the final URL."""
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read(), response.url


def no_redirect(server: ServerProcess, path: str) -> tuple[int, dict[str, str], bytes]:
    return server.request("GET", path)


def local_storage(server: ServerProcess) -> LocalStorage:
    return LocalStorage(Settings(storage_dir=Path(server.env["LOCAL_STORAGE_DIR"])))


def images(tmp_path: Path) -> dict[str, Path]:
    """A poster and a card of the right sizes, in the default preset's colours."""
    return {
        "poster": solid_jpeg(tmp_path / "poster.jpg", (1080, 1920), (14, 15, 19)),
        "card": solid_jpeg(tmp_path / "card.jpg", (1200, 630), (245, 184, 61)),
    }


def complete_of(server: ServerProcess, payload: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    stream = run_stream(server.port, payload, headers=headers)
    assert stream.names[-1] == "complete", stream.events[-1:]
    return dict(stream.events[-1].data)


def assert_assets_answer(assets: dict[str, str], base_url: str) -> None:
    """Every asset URL is absolute and answers 200 with its content type (redirects followed, as a browser does)."""
    assert set(assets) <= set(CONTENT_TYPES)
    assert assets["share"].startswith(f"{base_url}/share/")
    for name, url in assets.items():
        status, headers, _, _ = fetch(url)
        assert status == 200, name
        assert headers["content-type"].startswith(CONTENT_TYPES[name]), (name, headers["content-type"])


# -- requests ----------------------------------------------------------------------------------------------------


class TestFormatsInRequests:
    @pytest.mark.parametrize(
        ("formats", "expected"),
        [
            (None, ("story",)),
            ([], ("story",)),
            (["square"], ("story", "square")),
            (["landscape", "story", "square"], ("story", "square", "landscape")),
        ],
    )
    def test_body_formats_become_the_requests(self, formats: Any, expected: tuple[str, ...]) -> None:
        """`formats` in a POST body: the story first, then the other shapes asked for, in a fixed order."""
        body = {**load_recap("one-book"), "formats": formats}
        assert parse_json_body(json.dumps(body).encode(), RequestLimits()).formats == expected

    def test_formats_in_data_or_as_a_parameter(self) -> None:
        """The stream takes `formats` inside `data` or as a parameter of its own (URL-encoded JSON), in both forms."""
        recap = load_recap("one-book")
        inside = {"data": [json.dumps({**recap, "formats": ["square"]}).encode()]}
        alone = {"data": [json.dumps(recap).encode()], "formats": [b'["landscape"]']}
        split = {
            "userId": [recap["userId"].encode()],
            "data": [json.dumps(recap["data"]).encode()],
            "formats": [b'["square", "landscape"]'],
        }
        limits = RequestLimits()
        assert parse_stream_query(inside, limits).formats == ("story", "square")
        assert parse_stream_query(alone, limits).formats == ("story", "landscape")
        assert parse_stream_query(split, limits).formats == ("story", "square", "landscape")

    def test_formats_both_ways_is_refused(self) -> None:
        """`formats` in `data` and as a parameter too is a 400 naming `formats`, as for the template."""
        recap = {**load_recap("one-book"), "formats": ["square"]}
        query = {"data": [json.dumps(recap).encode()], "formats": [b'["square"]']}
        with pytest.raises(InvalidRequest) as refused:
            parse_stream_query(query, RequestLimits())
        assert refused.value.fields == {"formats": ["given both in data and as a query parameter"]}

    @pytest.mark.parametrize(
        ("formats", "field", "message"),
        [
            ("square", "formats", 'must be a list of formats, e.g. ["story", "square"]'),
            ({"square": True}, "formats", 'must be a list of formats, e.g. ["story", "square"]'),
            (["cube"], "formats.0", "must be one of: story, square, landscape"),
            (["SQUARE"], "formats.0", "must be one of: story, square, landscape"),
            ([7], "formats.0", "Not a valid string."),
            ([["square"]], "formats.0", "Not a valid string."),
            (["square", "square"], "formats", "must name each format once"),
            (["story", "square", "landscape", "story"], "formats", "at most 3 formats"),
            (["square"] * 100_000, "formats", "at most 3 formats"),
        ],
    )
    def test_hostile_formats_are_a_400_naming_formats(self, formats: Any, field: str, message: str) -> None:
        """Anything but a list of at most 3 distinct known shapes is refused, naming the field and why."""
        body = json.dumps({**load_recap("one-book"), "formats": formats}).encode()
        with pytest.raises(InvalidRequest) as refused:
            parse_json_body(body, RequestLimits())
        assert refused.value.fields == {field: [message]}

    def test_a_bad_formats_parameter_is_a_json_400(self, fake_server: ServerProcess) -> None:
        """Over HTTP: a stream whose `formats` parameter is not JSON is a JSON 400 naming `formats`, and no stream."""
        path = stream_url(load_recap("one-book")) + "&formats=" + quote("[square", safe="")
        stream = open_stream(fake_server.port, path)
        assert stream.status == 400
        assert list(stream.json()["fields"]) == ["formats"]


# -- answers -----------------------------------------------------------------------------------------------------


class TestAssetsInAnswers:
    def test_local_storage_stream_post_and_cache_hit(self, server_factory: Callable[..., ServerProcess]) -> None:
        """With local storage: `complete` names its assets (the share page at least), POST answers the same ones,
        and after the job is forgotten a cache hit (no render) names them again: every URL absolute and answering."""
        server = server_factory("ok", JOB_RETENTION_SECONDS="1")
        recap = distinct_recap("one-book", "Cachember")
        complete = complete_of(server, recap)
        assert set(complete) == {"filename", "s3Url", "warnings", "assets"}
        assert_assets_answer(complete["assets"], server.base_url)
        server.wait_for_log("job_forgotten")
        status, _, body = server.request("POST", "/render", recap)
        assert status == 200
        answer = json.loads(body)
        assert answer["assets"] == complete["assets"]
        server.wait_for_logs("job_forgotten", 2)
        cached = run_stream(server.port, recap)
        assert cached.names == ["complete"]
        assert cached.events[0].data == complete
        assert len(server.wait_for_logs("cached", 2)) == 2
        assert len(server.logs("render_started")) == 1

    def test_s3_stream_and_post(self, moto: MotoServer, server_factory: Callable[..., ServerProcess]) -> None:
        """With S3 (moto, presigned URLs): the assets are named in `complete` and in the POST answer, the share page
        is this server's, and it answers; the share's record is in the bucket, under shares/."""
        server = server_factory("ok", S3_URL_MODE="presigned", **moto.server_env("recaps"))
        recap = distinct_recap("one-book", "Bucketober")
        complete = complete_of(server, recap)
        assert_assets_answer(complete["assets"], server.base_url)
        status, _, body = server.request("POST", "/render", recap)
        assert status == 200
        assert json.loads(body)["assets"]["share"] == complete["assets"]["share"]
        token = complete["assets"]["share"].rsplit("/", 1)[-1]
        keys = [item["Key"] for item in moto.client().list_objects_v2(Bucket="recaps")["Contents"]]
        assert f"shares/{token}.json" in keys

    def test_each_client_gets_its_own_host(self, fake_server: ServerProcess) -> None:
        """Without PUBLIC_URL, two clients of one job with different Host headers each get asset URLs on their own
        host (the stored state keeps paths only)."""
        recap = distinct_recap("one-book", "Hostober")
        first = complete_of(fake_server, recap, headers={"Host": "first.example"})
        second = complete_of(fake_server, recap, headers={"Host": "second.example:8080"})
        assert first["assets"]["share"].startswith("http://first.example/share/")
        assert second["assets"]["share"].startswith("http://second.example:8080/share/")
        assert urlsplit(first["assets"]["share"]).path == urlsplit(second["assets"]["share"]).path

    def test_public_url_names_every_asset(self, server_factory: Callable[..., ServerProcess]) -> None:
        """With PUBLIC_URL, the share page is named on that address whatever the client's Host."""
        server = server_factory("ok", PUBLIC_URL="https://render.example.com")
        complete = complete_of(server, load_recap("one-book"), headers={"Host": "elsewhere.example"})
        assert complete["assets"]["share"].startswith("https://render.example.com/share/")

    def test_poster_and_card_are_named(self, fake_server: ServerProcess) -> None:
        """Every render names its poster and its card, and asked shapes their videos (the pipeline's part)."""
        complete = complete_of(fake_server, {**distinct_recap("one-book", "Shapes"), "formats": ["square"]})
        assert {"poster", "card", "square", "share"} <= set(complete["assets"])
        assert_assets_answer(complete["assets"], fake_server.base_url)


# -- the share page ----------------------------------------------------------------------------------------------


class TestShareToken:
    def test_tokens_are_128_bit_keyed_digests(self) -> None:
        """A token is 22 base64url characters (128 bits), the same for the same video and secret, another for
        another video or another secret."""
        token = share_token(b"k" * 32, "videos/u/2026/10/recap-2026-10-aa.mp4")
        assert is_token(token)
        assert len(token) == 22
        assert token == share_token(b"k" * 32, "videos/u/2026/10/recap-2026-10-aa.mp4")
        assert token != share_token(b"k" * 32, "videos/u/2026/10/recap-2026-10-ab.mp4")
        assert token != share_token(b"j" * 32, "videos/u/2026/10/recap-2026-10-aa.mp4")

    @pytest.mark.parametrize("text", ["", "short", "a" * 23, "a" * 21 + "/", "a" * 21 + "=", "../" * 7 + "a", "é" * 22])
    def test_malformed_tokens(self, text: str) -> None:
        """Anything but 22 base64url characters is not a token (never looked up)."""
        assert not is_token(text)

    def test_a_record_merges_assets(self) -> None:
        """A later record of the same video keeps the assets an earlier one had (a link never loses a file)."""
        base = ShareRecord("videos/v.mp4", 10, "October", 2026, 1, 272, 14.0, "October 2026 reading recap")
        earlier = ShareRecord.from_json({**base.as_json(), "assets": {"square": "videos/v-square.mp4"}})
        later = ShareRecord.from_json({**base.as_json(), "assets": {"poster": "videos/v-poster.jpg"}})
        assert earlier is not None
        assert later is not None
        assert later.merged(earlier).assets == {"square": "videos/v-square.mp4", "poster": "videos/v-poster.jpg"}
        assert ShareRecord.from_json({**base.as_json(), "version": 2}) is None
        assert ShareRecord.from_json({"video": "x"}) is None


class TestContentDisposition:
    @pytest.mark.parametrize(
        ("name", "header"),
        [
            ("October 2026 reading recap.mp4", 'attachment; filename="October 2026 reading recap.mp4"'),
            (
                "Décembre 2026 reading recap.mp4",
                "attachment; filename=\"Decembre 2026 reading recap.mp4\"; filename*=UTF-8''D%C3%A9cembre%202026%20"
                "reading%20recap.mp4",
            ),
            (
                "Октябрь 2026 reading recap.mp4",
                "attachment; filename=\"2026-10 reading recap.mp4\"; filename*=UTF-8''%D0%9E%D0%BA%D1%82%D1%8F%D0%B1"
                "%D1%80%D1%8C%202026%20reading%20recap.mp4",
            ),
            ('Oct"ober\r\nX: y/../ 2026.mp4', 'attachment; filename="Oct-ober X- y-..- 2026.mp4"'),
        ],
    )
    def test_header(self, name: str, header: str) -> None:
        """ASCII names as they are; accents dropped in `filename` with the exact name in RFC 5987 `filename*`;
        other scripts fall back to the caller's ASCII name; quotes, slashes and control characters never pass."""
        assert content_disposition(name, "2026-10 reading recap.mp4") == header


class TestSharePageMarkup:
    PAGE = SharePage(
        page_url="https://r.example/share/t",
        title='<script>alert("x")</script> 2026 reading recap',
        month_name='<script>alert("x")</script>',
        year=2026,
        books=3,
        pages=1024,
        duration=26.0,
        video_url="https://r.example/share/t/story.mp4",
        download_url="https://r.example/share/t/download/story.mp4",
        download_name='<script>alert("x")</script> 2026 reading recap.mp4',
        poster_url="https://r.example/share/t/poster.jpg",
        card_url="https://r.example/share/t/card.jpg",
    )

    def test_reader_text_is_escaped(self) -> None:
        """A month name with markup is text on the page and in its tags, never markup; the page has no script."""
        html = render_share_page(self.PAGE)
        assert "<script" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        tags = unfurl(html, self.PAGE.page_url)
        assert tags["og"]["title"] == self.PAGE.title

    def test_policy_allows_no_script(self) -> None:
        """The policy: nothing by default, the inline style by its hash, media from here and the storage's origin."""
        policy = dict(part.split(" ", 1) for part in content_security_policy(("https://b.s3.example",)).split("; "))
        assert policy["default-src"] == "'none'"
        assert "script-src" not in policy
        assert policy["style-src"].startswith("'sha256-")
        assert policy["media-src"] == policy["img-src"] == "'self' https://b.s3.example"
        assert policy["frame-ancestors"] == "'none'"

    def test_https_urls_get_secure_urls(self) -> None:
        """With https URLs, og:image and og:video also carry their secure_url."""
        og = unfurl(render_share_page(self.PAGE), self.PAGE.page_url)["og"]
        assert og["image:secure_url"] == self.PAGE.card_url
        assert og["video:secure_url"] == self.PAGE.video_url


class TestSharePage:
    def test_tags_and_the_urls_they_name(self, fake_server: ServerProcess, tmp_path: Path) -> None:
        """The page's Open Graph and Twitter tags, read by metadata_parser: title, description, type, url, the card
        (1200x630 JPEG) as image, the video (1080x1920 MP4) as video, a large-image Twitter card; every URL absolute
        and answering 200 with its content type."""
        share = publish_share(local_storage(fake_server), SECRET.encode(), images=images(tmp_path))
        page_url = f"{fake_server.base_url}/share/{share.token}"
        status, headers, body, _ = fetch(page_url)
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert "script-src" not in headers["content-security-policy"]
        tags = unfurl(body.decode(), page_url)
        og, twitter = tags["og"], tags["twitter"]
        assert og["title"] == tags["page"]["title"] == "October 2026 reading recap"
        assert og["description"] == "1 book and 272 pages in October 2026: a 2-second video recap."
        assert (og["type"], og["url"]) == ("video.other", page_url)
        assert (og["image"], og["image:width"], og["image:height"]) == (f"{page_url}/card.jpg", "1200", "630")
        assert og["image:type"] == "image/jpeg"
        assert (og["video"], og["video:type"]) == (f"{page_url}/story.mp4", "video/mp4")
        assert (og["video:width"], og["video:height"]) == ("1080", "1920")
        assert (twitter["card"], twitter["image"]) == ("summary_large_image", og["image"])
        for url, content_type in ((og["url"], "text/html"), (og["image"], "image/jpeg"), (og["video"], "video/mp4")):
            status, headers, _, _ = fetch(url)
            assert (status, headers["content-type"].split(";")[0]) == (200, content_type), url
        assert "user-789" not in body.decode()

    def test_download_has_the_readers_file_name(self, fake_server: ServerProcess) -> None:
        """The download route answers the story video as an attachment named "October 2026 reading recap.mp4", with
        ranges; a month in another script gets an ASCII name and RFC 5987's filename*."""
        storage = local_storage(fake_server)
        share = publish_share(storage, SECRET.encode())
        status, headers, body = fake_server.request("GET", f"/share/{share.token}/download/story.mp4")
        assert status == 200
        assert headers["content-disposition"] == 'attachment; filename="October 2026 reading recap.mp4"'
        assert headers["content-type"] == "video/mp4"
        assert body == (storage.root / share.video_key).read_bytes()
        status, headers, _ = fake_server.request(
            "GET", f"/share/{share.token}/download/story.mp4", headers={"Range": "bytes=0-15"}
        )
        assert (status, headers["content-range"].split("/")[0]) == (206, "bytes 0-15")
        russian = publish_share(storage, SECRET.encode(), month_name="Октябрь")
        _, headers, _ = fake_server.request("GET", f"/share/{russian.token}/download/story.mp4")
        assert headers["content-disposition"] == (
            "attachment; filename=\"2026-10 reading recap.mp4\"; filename*=UTF-8''%D0%9E%D0%BA%D1%82%D1%8F%D0%B1%D1%80"
            "%D1%8C%202026%20reading%20recap.mp4"
        )

    def test_a_hostile_month_name_is_text(self, fake_server: ServerProcess) -> None:
        """A recap whose month name is markup renders, and its share page shows the name as text."""
        recap = distinct_recap("one-book", '<img src=x onerror="alert(1)">')
        share_url = complete_of(fake_server, recap)["assets"]["share"]
        _, _, body, _ = fetch(share_url)
        html = body.decode()
        assert "<img" not in html
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html

    def test_unknown_and_malformed_tokens_are_404(self, fake_server: ServerProcess) -> None:
        """Unknown or malformed tokens, unknown files of a share, and the records themselves (never served by
        /storage) are the JSON 404 of a missing file."""
        share = publish_share(local_storage(fake_server), SECRET.encode())
        _, _, missing = fake_server.request("GET", "/storage/videos/nobody/2026/10/recap-2026-10-0.mp4")
        paths = [
            f"/share/{secrets.token_urlsafe(16)}",
            "/share/not-a-token",
            "/share/" + quote("../../etc/passwd", safe=""),
            "/share/%00",
            f"/share/{share.token}x",
            f"/share/{share.token}/card.jpg",  # this share has no card
            f"/share/{share.token}/secret.txt",
            f"/share/{share.token}/download/poster.jpg",
            f"/share/{share.token}/" + quote("../../" + share.video_key, safe=""),
            f"/storage/shares/{share.token}.json",
        ]
        for path in paths:
            status, headers, body = fake_server.request("GET", path)
            assert (status, body) == (404, missing), path
            assert headers["content-type"] == "application/json; charset=utf-8"

    def test_a_share_of_another_instance_resolves(self, server_factory: Callable[..., ServerProcess]) -> None:
        """Two instances on one storage directory (separate processes, job stores and secrets): a link the first
        mints is served by the second, its page and its video."""
        first = server_factory("ok")
        second = server_factory("ok", LOCAL_STORAGE_DIR=first.env["LOCAL_STORAGE_DIR"])
        share_url = complete_of(first, distinct_recap("one-book", "Fleetember"))["assets"]["share"]
        path = urlsplit(share_url).path
        status, _, body = second.request("GET", path)
        assert status == 200
        assert "Fleetember" in body.decode()
        status, headers, _ = second.request("GET", f"{path}/story.mp4")
        assert (status, headers["content-type"]) == (200, "video/mp4")

    def test_s3_media_are_fresh_presigned_redirects(
        self, moto: MotoServer, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> None:
        """With a private bucket, the page's media redirect to URLs presigned on each request, which S3 answers
        with the right types; the download's presigned URL makes S3 send the reader's file name."""
        server = server_factory("ok", S3_URL_MODE="presigned", **moto.server_env("recaps"))
        storage = S3Storage(_s3_settings(moto))
        share = publish_share(storage, SECRET.encode(), images=images(tmp_path))
        base = f"/share/{share.token}"
        status, headers, _ = server.request("GET", base)
        assert status == 200
        assert moto.endpoint in headers["content-security-policy"]
        for name, content_type in (("story.mp4", "video/mp4"), ("card.jpg", "image/jpeg")):
            status, headers, _ = no_redirect(server, f"{base}/{name}")
            assert status == 302
            assert headers["location"].startswith(f"{moto.endpoint}/recaps/")
            assert "X-Amz-Signature=" in headers["location"]
            status, headers, _, _ = fetch(f"{server.base_url}{base}/{name}")
            assert (status, headers["content-type"]) == (200, content_type)
        _, headers, _ = no_redirect(server, f"{base}/download/story.mp4")
        status, headers, _, _ = fetch(headers["location"])
        assert status == 200
        assert headers["content-disposition"] == 'attachment; filename="October 2026 reading recap.mp4"'


def _s3_settings(moto: MotoServer) -> Settings:
    env = moto.server_env("recaps")
    return Settings(
        s3_bucket_name=env["S3_BUCKET_NAME"],
        aws_region=env["AWS_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        aws_endpoint_url_s3=env["AWS_ENDPOINT_URL_S3"],
        s3_url_mode="presigned",
    )


class TestSharePagesOff:
    def test_off_means_no_link_no_record_no_route(self, server_factory: Callable[..., ServerProcess]) -> None:
        """SHARE_PAGES=off: no `share` asset, no record in the storage, and /share/... is a 404 even for a record
        that exists."""
        server = server_factory("ok", SHARE_PAGES="off")
        complete = complete_of(server, load_recap("one-book"))
        assert "share" not in complete["assets"]
        storage = local_storage(server)
        assert not (storage.root / "shares").exists()
        share = publish_share(storage, SECRET.encode())
        for path in (f"/share/{share.token}", f"/share/{share.token}/story.mp4"):
            assert server.request("GET", path)[0] == 404


# -- the command line ----------------------------------------------------------------------------------------------


class TestCommandLine:
    def outcome(self, assets: dict[str, str]) -> Outcome:
        return Outcome("recap.mp4", "/out/recap.mp4", "videos/u/2026/10/recap-2026-10-ab.mp4", 14.0, 1, 0, (), assets)

    def test_format_options_add_shapes(self) -> None:
        """`--format square` (repeatable) adds shapes to the request's own, the story always first."""
        args = build_parser().parse_args(["r.json", "--format", "landscape", "--format", "square"])
        request = RenderRequest(user_id="u", recap={}, formats=("story", "square"))
        assert with_formats(request, args.formats).formats == ("story", "square", "landscape")
        assert with_formats(request, []).formats == ("story", "square")

    def test_assets_go_beside_the_output_or_where_asked(self, tmp_path: Path) -> None:
        """With -o OUT.mp4 the poster and card are OUT-poster.jpg and OUT-card.jpg, other shapes OUT-square.mp4,
        unless --poster/--card name a path; the command prints the video's path, then each asset's."""
        out = tmp_path / "out" / "october.mp4"
        elsewhere = tmp_path / "cards" / "mine.jpg"
        args = build_parser().parse_args(["r.json", "-o", str(out), "--card", str(elsewhere)])
        storage = output_storage(args)
        key = "videos/u/2026/10/recap-2026-10-ab.mp4"
        stored = {}
        for name, suffix in (("poster", "jpg"), ("card", "jpg"), ("square", "mp4")):
            made = tmp_path / f"made-{name}.{suffix}"
            made.write_bytes(name.encode())
            stored[name] = storage.put_file(made, f"{key.removesuffix('.mp4')}-{name}.{suffix}", "x")
        assert stored == {
            "poster": str((tmp_path / "out" / "october-poster.jpg").resolve()),
            "card": str(elsewhere.resolve()),
            "square": str((tmp_path / "out" / "october-square.mp4").resolve()),
        }
        assert elsewhere.read_bytes() == b"card"
        lines = report_lines(self.outcome({"square": stored["square"], **stored, "share": "/share/x"}), storage)
        assert lines == ["/out/recap.mp4", stored["poster"], stored["card"], stored["square"]]

    def test_poster_without_output_is_refused(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--poster and --card need -o: exit 2 saying so."""
        from tornado_render.cli.render import main

        with pytest.raises(SystemExit) as exited:
            main(["r.json", "--poster", "p.jpg"])
        assert exited.value.code == 2
        assert "--poster and --card need -o" in capsys.readouterr().err


# -- in a browser --------------------------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (scripts/setup --with-test-browsers)")
    from tests.support.browser_pages import launched_browser

    with launched_browser(str(CHROMIUM), ("--autoplay-policy=no-user-gesture-required",)) as browser:
        yield browser


@pytest.mark.browser
class TestSharePageInABrowser:
    def test_plays_downloads_and_looks_right(
        self, browser: Any, fake_server: ServerProcess, tmp_path: Path, poster_still: Path
    ) -> None:
        """In Chromium: the video plays (currentTime advances), the download link's answer names the reader's file
        ("October 2026 reading recap.mp4"), nothing breaks the policy; screenshots at 390 and 1280 px wide."""
        from tests.support.browser_pages import checked_page

        pictures = {**images(tmp_path), "poster": poster_still}
        share: PublishedShare = publish_share(local_storage(fake_server), SECRET.encode(), images=pictures)
        url = f"{fake_server.base_url}/share/{share.token}"
        artifacts = artifacts_dir()
        console: list[str] = []
        for width, height in ((390, 844), (1280, 800)):
            with checked_page(browser, viewport={"width": width, "height": height}) as page:
                page.on("console", lambda message: console.append(message.text))
                page.goto(url)
                page.wait_for_function("() => document.fonts.status === 'loaded'")
                page.wait_for_function("() => document.querySelector('video').readyState >= 1")
                page.screenshot(path=artifacts / f"share-page-{width}.png", full_page=True)
                assert page.evaluate("document.fonts.check('600 40px Fraunces')")
                if width == 390:
                    with page.expect_download() as download:
                        page.click("a.download")
                    assert download.value.suggested_filename == "October 2026 reading recap.mp4"
                    answer = page.request.get(page.get_attribute("a.download", "href") or "")
                    assert answer.headers["content-disposition"] == (
                        'attachment; filename="October 2026 reading recap.mp4"'
                    )
                    page.evaluate("() => { const v = document.querySelector('video'); v.muted = true; v.play(); }")
                    page.wait_for_function("() => document.querySelector('video').currentTime > 0.3")
        assert [text for text in console if "Content Security Policy" in text] == []


@pytest.fixture
def poster_still(tmp_path: Path) -> Path:
    """A real poster for the screenshots (the fake driver's is grey): the intro's frame from docs/design/default.jpg
    (the first of its nine scenes, a real render's frame 0, scaled up to 1080x1920)."""
    with Image.open(ROOT / "docs" / "design" / "default.jpg") as sheet:
        intro = sheet.crop((0, 0, sheet.width * 236 // 2224, sheet.height)).convert("RGB")
    path = tmp_path / "poster-still.jpg"
    intro.resize((1080, 1920), Image.Resampling.LANCZOS).save(path, "JPEG", quality=90)
    return path
