"""Covers are fetched by the server, checked, downscaled and inlined; anything wrong becomes a placeholder."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.support.cover_server import CoverServer
from tests.support.recaps import COVERS, load_recap
from tests.support.server import ServerProcess
from tests.support.sse_client import run_stream
from tornado_render.render.addresses import address_allowed
from tornado_render.render.covers import USER_AGENT, CoverRefused, prepare_cover
from tornado_render.setting_values import parse_networks


def rendered_props(jobs_dir: Path) -> dict[str, Any]:
    [job] = [json.loads(p.read_text()) for p in jobs_dir.glob("*.json") if "inputProps" in p.read_text()]
    return job["inputProps"]


def decode_data_uri(uri: str) -> Image.Image:
    assert uri.startswith("data:image/jpeg;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def recap_with_covers(urls: list[str | None]) -> dict[str, Any]:
    """five-books with the given coverUrls on its five books."""
    recap = load_recap("five-books")
    for book, url in zip(recap["data"]["books"], urls, strict=True):
        book["coverUrl"] = url
    return recap


@pytest.fixture
def jobs_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "jobs"
    directory.mkdir()
    return directory


class TestAddressPolicy:
    @pytest.mark.parametrize(
        "address",
        [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ],
    )
    def test_private_ranges_are_refused(self, address: str) -> None:
        """Loopback, private, link-local (metadata), shared, unspecified and multicast addresses are refused."""
        assert not address_allowed(address, ())

    @pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1"])
    def test_public_addresses_are_allowed(self, address: str) -> None:
        """Global unicast addresses are fetched."""
        assert address_allowed(address, ())

    def test_configured_networks_are_allowed(self) -> None:
        """COVER_ALLOWED_NETWORKS lets a private range through, and only that range."""
        allowed = parse_networks("127.0.0.1/32, 10.0.0.0/8")
        assert address_allowed("127.0.0.1", allowed)
        assert address_allowed("10.9.9.9", allowed)
        assert not address_allowed("127.0.0.2", allowed)


class TestImages:
    def test_valid_cover_is_downscaled_jpeg(self) -> None:
        """A valid JPEG becomes a JPEG data URI no larger than 540x810."""
        image = decode_data_uri(prepare_cover((COVERS / "piranesi.jpg").read_bytes()).data_uri)
        assert image.format == "JPEG"
        assert image.size == (400, 600)

    def test_large_image_is_downscaled(self) -> None:
        """A 2000x3000 PNG is scaled down into the cover box."""
        out = io.BytesIO()
        Image.new("RGB", (2000, 3000), (200, 30, 30)).save(out, "PNG")
        assert decode_data_uri(prepare_cover(out.getvalue()).data_uri).size == (540, 810)

    @pytest.mark.parametrize("name", ["truncated.jpg", "not-an-image.jpg"])
    def test_broken_images_are_refused(self, name: str) -> None:
        """A truncated JPEG and an HTML file are not images."""
        with pytest.raises(CoverRefused, match="not a usable image"):
            prepare_cover((COVERS / name).read_bytes())


class TestFetching:
    def test_every_kind_of_cover(
        self, server_factory: Callable[..., ServerProcess], covers: CoverServer, jobs_dir: Path
    ) -> None:
        """Valid covers are inlined; broken, missing, slow, huge, private and non-HTTP ones become null."""
        server = server_factory(
            "ok",
            FAKE_DRIVER_JOBS=str(jobs_dir),
            COVER_ALLOWED_NETWORKS="127.0.0.1/32",
            COVER_TIMEOUT_SECONDS="1",
            COVER_MAX_BYTES="1000000",
        )
        recap = recap_with_covers(
            [
                f"{covers.url}/piranesi.jpg",
                f"{covers.url}/truncated.jpg",
                f"{covers.url}/not-an-image.jpg",
                f"{covers.url}/missing.jpg",
                f"{covers.url}/slow",
            ]
        )
        recap["data"]["currentlyReading"][0]["coverUrl"] = f"{covers.url}/big"
        recap["data"]["stats"]["topRatedBook"]["coverUrl"] = f"{covers.url}/piranesi.jpg"
        recap["data"]["stats"]["lowestRatedBook"]["coverUrl"] = "file:///etc/passwd"
        stream = run_stream(server.port, recap)
        assert stream.names[-1] == "complete"
        props = rendered_props(jobs_dir)
        books = props["books"]
        assert decode_data_uri(books[0]["coverUrl"]).size == (400, 600)
        assert [book["coverUrl"] for book in books[1:]] == [None, None, None, None]
        assert props["currentlyReading"][0]["coverUrl"] is None
        assert props["stats"]["topRatedBook"]["coverUrl"] == books[0]["coverUrl"]
        assert props["stats"]["lowestRatedBook"]["coverUrl"] is None
        paths = [path for path, _ in covers.requests]
        assert paths.count("/piranesi.jpg") == 1, "the same URL is fetched once"
        assert {agent for _, agent in covers.requests} == {USER_AGENT}

    def test_loopback_is_refused_without_configuration(
        self, server_factory: Callable[..., ServerProcess], covers: CoverServer, jobs_dir: Path
    ) -> None:
        """Without COVER_ALLOWED_NETWORKS, a cover on 127.0.0.1 is never even requested."""
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs_dir))
        recap = recap_with_covers([f"{covers.url}/piranesi.jpg", None, None, None, None])
        recap["data"]["books"][1]["coverUrl"] = "http://169.254.169.254/latest/meta-data/"
        recap["data"]["books"][2]["coverUrl"] = "http://10.255.255.1/cover.jpg"
        assert run_stream(server.port, recap).names[-1] == "complete"
        assert [book["coverUrl"] for book in rendered_props(jobs_dir)["books"]] == [None] * 5
        assert covers.requests == []

    def test_redirect_to_a_private_address_is_refused(
        self, server_factory: Callable[..., ServerProcess], covers: CoverServer, jobs_dir: Path
    ) -> None:
        """Following a redirect re-checks the address: an allowed host cannot bounce the fetch inward."""
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs_dir), COVER_ALLOWED_NETWORKS="127.0.0.1/32")
        redirect = f"{covers.url}/redirect?to=http://10.255.255.1/cover.jpg"
        followed = f"{covers.url}/redirect?to={covers.url}/frankenstein.jpg"
        recap = recap_with_covers([redirect, followed, None, None, None])
        assert run_stream(server.port, recap).names[-1] == "complete"
        books = rendered_props(jobs_dir)["books"]
        assert books[0]["coverUrl"] is None
        assert decode_data_uri(books[1]["coverUrl"]).size == (400, 600)
