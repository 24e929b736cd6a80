"""POST /validate: what POST /render would answer about a request, without a render (fake driver)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.recaps import load_recap
from tests.support.server import ServerProcess
from tornado_render.web.signing import sign_target

KEY = "k" * 40


def jobs_received(jobs_dir: Path) -> list[Path]:
    return sorted(jobs_dir.iterdir())


class TestValidate:
    def test_valid_request(self, server_factory: Callable[..., ServerProcess], jobs_dir: Path) -> None:
        """A valid request: 200 with the duration POST /render would report (one book: 14 s) and no render."""
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs_dir))
        status, headers, body = server.request("POST", "/validate", load_recap("one-book"))
        assert status == 200
        assert headers["content-type"].startswith("application/json")
        assert json.loads(body) == {"valid": True, "duration": 14.0, "frames": 420, "warnings": []}
        assert jobs_received(jobs_dir) == []

    @pytest.mark.parametrize(
        "body",
        [
            b"{oops",
            json.dumps({"userId": "u", "data": {"books": [{"title": "x" * 501}]}}).encode(),
            json.dumps(load_recap("one-book")["data"]).encode(),
        ],
        ids=["not-json", "bad-fields", "no-wrapper"],
    )
    def test_same_400_as_render(self, fake_server: ServerProcess, body: bytes) -> None:
        """An invalid request gets exactly POST /render's 400."""
        validated = fake_server.request("POST", "/validate", body)
        rendered = fake_server.request("POST", "/render", body)
        assert validated[0] == rendered[0] == 400
        assert json.loads(validated[2]) == json.loads(rendered[2])

    def test_json_only_like_render(self, fake_server: ServerProcess) -> None:
        """A text/plain POST (one a page of another site may send without a preflight) is a 415, as for /render."""
        body = json.dumps(load_recap("one-book")).encode()
        status, _, answer = fake_server.request("POST", "/validate", body, headers={"Content-Type": "text/plain"})
        assert (status, json.loads(answer)["error"]) == (415, "POST /validate takes Content-Type: application/json")

    def test_template_warnings(self, fake_server: ServerProcess) -> None:
        """What the template had that is ignored is in `warnings`, as POST /render says it."""
        request = {**load_recap("one-book"), "template": {"global": {"sparkle": 1}}}
        status, _, body = fake_server.request("POST", "/validate", request)
        rendered = json.loads(fake_server.request("POST", "/render", request)[2])
        assert status == 200
        assert json.loads(body)["warnings"] == rendered["warnings"] != []

    def test_signed_like_render(self, server_factory: Callable[..., ServerProcess]) -> None:
        """With signing on, an unsigned POST /validate is a 401 and a signed one is answered."""
        server = server_factory("ok", RENDER_SIGNING_KEYS=KEY)
        body = json.dumps(load_recap("one-book")).encode()
        assert server.request("POST", "/validate", body)[0] == 401
        target = sign_target(KEY.encode(), "POST", "/validate", body)
        assert server.request("POST", target, body)[0] == 200
