"""Signed requests: the signature scheme, the server's checks on every reader-facing endpoint, and the signers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.fake_renders import render_runs
from tests.support.recaps import distinct_recap, load_recap
from tests.support.server import ROOT, ServerProcess, start_server
from tests.support.sse_client import open_stream, read_events, stream_url
from tornado_render.cli.serve import reachable_from_elsewhere
from tornado_render.setting_values import parse_keys
from tornado_render.settings import settings_from_env
from tornado_render.web.signing import SignatureRejected, sign_target, signature, verify

KEY = "k" * 40
OLD_KEY = "o" * 40
KEYS = (KEY.encode(), OLD_KEY.encode())
PROTECTED = ("/render-stream", "/videos", "/download/recap-2026-10-" + "0" * 32 + ".mp4")
ESBUILD = ROOT / "remotion" / "node_modules" / "esbuild"


def rejected(target: str, body: bytes = b"", method: str = "GET", keys: tuple[bytes, ...] = KEYS) -> tuple[int, str]:
    with pytest.raises(SignatureRejected) as caught:
        verify(keys, method, target.encode("utf-8"), body)
    return caught.value.status, caught.value.message


class TestSignature:
    def test_a_signed_target_verifies(self) -> None:
        """sign_target appends exp and sig; the result verifies with the same key."""
        signed = sign_target(KEY.encode(), "GET", "/render-stream?data=%7B%7D")
        assert re.fullmatch(r"/render-stream\?data=%7B%7D&exp=\d+&sig=[A-Za-z0-9_-]{43}", signed)
        verify(KEYS, "GET", signed.encode())

    def test_the_signature_is_hmac_sha256_base64url_of_method_target_and_body(self) -> None:
        """The documented formula, written out independently."""
        import base64
        import hashlib
        import hmac

        message = b"POST\n/render?exp=2000000000\n{}"
        expected = base64.urlsafe_b64encode(hmac.new(KEY.encode(), message, hashlib.sha256).digest()).rstrip(b"=")
        assert signature(KEY.encode(), "post", "/render?exp=2000000000", b"{}") == expected.decode()

    @pytest.mark.parametrize(
        "target",
        ["/videos", "/videos?exp=2000000000", "/videos?sig=abc", "/videos?exp=abc&sig=abc", "/videos?x=1&sig=a"],
    )
    def test_missing_signature_or_expiry_is_401(self, target: str) -> None:
        """No sig, or no usable exp: 401 "signature required"."""
        assert rejected(target) == (401, "signature required")

    def test_sig_must_be_the_last_parameter(self) -> None:
        """A valid signature followed by another parameter is not accepted (nothing may be appended)."""
        signed = sign_target(KEY.encode(), "GET", "/videos")
        assert rejected(signed + "&extra=1") == (401, "signature required")

    @pytest.mark.parametrize(
        ("method", "target", "body"),
        [
            ("GET", "/videoz", b""),  # tampered path
            ("GET", "/videos?a=2", b""),  # tampered query
            ("POST", "/render", b'{"userId": "mallory"}'),  # tampered body
            ("POST", "/videos", b""),  # another method
        ],
    )
    def test_tampering_is_403(self, method: str, target: str, body: bytes) -> None:
        """Changing the path, the query, the body or the method breaks the signature: 403."""
        original = sign_target(KEY.encode(), "GET" if target != "/render" else "POST", "/videos?a=1", b"{}")
        unsigned, sig = original.rsplit("&sig=", 1)
        exp = unsigned.rsplit("exp=", 1)[1]
        forged = f"{target}{'&' if '?' in target else '?'}exp={exp}&sig={sig}"
        assert rejected(forged, body, method) == (403, "signature does not match")

    def test_a_changed_expiry_breaks_the_signature(self) -> None:
        """exp is signed: extending it is a tampering like any other."""
        signed = sign_target(KEY.encode(), "GET", "/videos", expires_in=60)
        exp = int(re.search(r"exp=(\d+)", signed).group(1))  # type: ignore[union-attr]
        assert rejected(signed.replace(f"exp={exp}", f"exp={exp + 86400}")) == (403, "signature does not match")

    def test_expired_is_403(self) -> None:
        """A correct signature past its exp: 403 "signature expired"."""
        signed = sign_target(KEY.encode(), "GET", "/videos", expires_in=-1)
        assert rejected(signed) == (403, "signature expired")

    def test_rotated_keys(self) -> None:
        """The old key still verifies while it is listed; once removed, its signatures are refused."""
        by_old = sign_target(OLD_KEY.encode(), "GET", "/videos")
        verify(KEYS, "GET", by_old.encode())
        assert rejected(by_old, keys=(KEY.encode(),)) == (403, "signature does not match")

    def test_non_ascii_target_is_signed_as_utf8(self) -> None:
        """A target with raw UTF-8 verifies from the bytes on the wire."""
        signed = sign_target(KEY.encode(), "GET", "/render-stream?userId=Zoë")
        verify(KEYS, "GET", signed.encode("utf-8"))

    @pytest.mark.parametrize("value", ["short", "a,b", " " * 40])
    def test_keys_must_be_long(self, value: str) -> None:
        """RENDER_SIGNING_KEYS refuses keys under 32 characters."""
        if not value.strip():
            assert parse_keys(value) == ()
            return
        with pytest.raises(ValueError, match="at least 32"):
            parse_keys(value)


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A server with RENDER_SIGNING_KEYS (two keys) and the fake driver."""
    server = start_server(
        tmp_path_factory.mktemp("signed"), fake_driver="ok", RENDER_SIGNING_KEYS=f"{KEY},{OLD_KEY}", USER_MAX_JOBS="50"
    )
    kept = server.output_dir / PROTECTED[2].rsplit("/", 1)[1]
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 100)
    yield server
    server.stop()


def sign(method: str, target: str, body: bytes = b"", **kwargs: float) -> str:
    return sign_target(KEY.encode(), method, target, body, **kwargs)


class TestSignedServer:
    @pytest.mark.parametrize("path", PROTECTED)
    def test_unsigned_requests_are_401(self, signed_server: ServerProcess, path: str) -> None:
        """Every reader-facing GET without a signature: 401 JSON, and no work."""
        target = stream_url(load_recap("one-book")) if path == "/render-stream" else path
        status, headers, body = signed_server.request("GET", target)
        assert status == 401
        assert json.loads(body) == {"error": "signature required"}
        assert "signed-url" in headers["www-authenticate"].lower()

    def test_unsigned_post_is_401_and_starts_nothing(self, tmp_path: Path) -> None:
        """POST /render without a signature is refused before validation: not even an invalid body is looked at, and
        a valid recap sent unsigned starts no render (the fake driver records every job it is given) and is no job
        (only the signed render that follows reaches the driver)."""
        jobs = tmp_path / "driver-jobs"
        jobs.mkdir()
        server = start_server(
            tmp_path / "server", fake_driver="ok", RENDER_SIGNING_KEYS=KEY, FAKE_DRIVER_JOBS=str(jobs)
        )
        try:
            status, _, body = server.request("POST", "/render", body=b"not json")
            assert (status, json.loads(body)) == (401, {"error": "signature required"})
            status, _, body = server.request("POST", "/render", body=distinct_recap("one-book", "Unsigned"))
            assert (status, json.loads(body)) == (401, {"error": "signature required"})
            # A signed render after it: when it is complete, the driver has been given every job it will be given.
            signed = json.dumps(distinct_recap("one-book", "SignedAfter")).encode()
            status, _, body = server.request("POST", sign("POST", "/render", signed), body=signed)
            assert status == 200, body
            assert [run["inputProps"]["meta"]["monthName"] for run in render_runs(jobs)] == ["SignedAfter"]
        finally:
            server.stop()

    def test_signed_stream_renders(self, signed_server: ServerProcess) -> None:
        """A signed stream URL renders to `complete`."""
        stream = open_stream(signed_server.port, sign("GET", stream_url(distinct_recap("one-book", "Signed"))))
        assert stream.status == 200
        assert read_events(stream).names[-1] == "complete"

    def test_signed_post_renders_and_a_tampered_body_is_403(self, signed_server: ServerProcess) -> None:
        """POST /render signs its body: the signed body renders, another body with the same signature is refused."""
        body = json.dumps(distinct_recap("one-book", "SignedPost")).encode()
        target = sign("POST", "/render", body)
        status, _, answer = signed_server.request("POST", target, body=body)
        assert status == 200
        assert json.loads(answer)["success"] is True
        other = json.dumps(distinct_recap("one-book", "Forged")).encode()
        status, _, answer = signed_server.request("POST", target, body=other)
        assert (status, json.loads(answer)) == (403, {"error": "signature does not match"})

    def test_expired_and_wrong_signatures(self, signed_server: ServerProcess) -> None:
        """/videos: expired is 403 "signature expired", a wrong key 403 "signature does not match", valid 200."""
        expired = sign("GET", "/videos", expires_in=-5)
        assert signed_server.request("GET", expired)[0] == 403
        assert json.loads(signed_server.request("GET", expired)[2]) == {"error": "signature expired"}
        wrong = sign_target(b"w" * 40, "GET", "/videos")
        assert json.loads(signed_server.request("GET", wrong)[2]) == {"error": "signature does not match"}
        status, _, body = signed_server.request("GET", sign("GET", "/videos"))
        assert status == 200
        assert "videos" in json.loads(body)

    def test_old_key_still_verifies(self, signed_server: ServerProcess) -> None:
        """A target signed with the second listed key is accepted (rotation without downtime)."""
        target = sign_target(OLD_KEY.encode(), "GET", PROTECTED[2])
        status, headers, _ = signed_server.request("GET", target)
        assert status == 200
        assert headers["content-type"] == "video/mp4"

    @pytest.mark.parametrize("path", ["/health", "/metrics", "/openapi.json", "/static/render-progress.js", "/"])
    def test_operational_endpoints_need_no_signature(self, signed_server: ServerProcess, path: str) -> None:
        """Health, metrics, the OpenAPI document and static files stay open (firewall /metrics yourself)."""
        assert signed_server.request("GET", path)[0] == 200

    def test_preflight_needs_no_signature(self, signed_server: ServerProcess) -> None:
        """OPTIONS (a CORS preflight, which carries no signature) is answered."""
        assert signed_server.request("OPTIONS", "/render")[0] == 204

    def test_openapi_describes_the_signature(self, signed_server: ServerProcess) -> None:
        """With signing on, the document lists exp and sig and the 401/403 answers on the protected operations."""
        document = json.loads(signed_server.request("GET", "/openapi.json")[2])
        operation = document["paths"]["/videos"]["get"]
        assert {p["name"] for p in operation["parameters"]} >= {"exp", "sig"}
        assert {"401", "403"} <= set(operation["responses"])
        assert "401" not in document["paths"]["/health"]["get"]["responses"]

    def test_command_line_signer(self, signed_server: ServerProcess, tmp_path: Path) -> None:
        """`tornado-render sign` prints a target the server accepts, for GET and for a POST body."""
        env = {**os.environ, "RENDER_SIGNING_KEYS": f"{KEY},{OLD_KEY}"}
        command = [sys.executable, "-m", "tornado_render", "sign"]
        target = subprocess.run(
            [*command, "GET", "/videos", "--expires-in", "60"], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        assert signed_server.request("GET", target)[0] == 200
        body = json.dumps(distinct_recap("one-book", "CliSigned")).encode()
        (tmp_path / "body.json").write_bytes(body)
        target = subprocess.run(
            [*command, "POST", "/render", "--body-file", str(tmp_path / "body.json")],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        assert signed_server.request("POST", target, body=body)[0] == 200

    def test_readme_typescript_signer(self, signed_server: ServerProcess) -> None:
        """docs/SECURITY.md's TypeScript snippet, compiled with esbuild and run with node, signs what the server
        accepts."""
        readme = (ROOT / "docs" / "SECURITY.md").read_text()
        snippet = re.search(r"<!-- signer:start -->\n```ts\n(.*?)```\n<!-- signer:end -->", readme, re.S)
        assert snippet is not None
        assert len(snippet.group(1).strip().splitlines()) <= 10
        stream_target = stream_url(distinct_recap("one-book", "NodeSigned"))
        post_body = json.dumps(distinct_recap("one-book", "NodeSignedPost"))
        program = f"""
            import {{transformSync}} from {json.dumps(str(ESBUILD / "lib" / "main.js"))};
            const code = transformSync({json.dumps(snippet.group(1))}, {{loader: 'ts', format: 'esm'}}).code;
            const {{signTarget}} = await import('data:text/javascript;base64,' + Buffer.from(code).toString('base64'));
            console.log(JSON.stringify([
              signTarget({json.dumps(KEY)}, 'GET', {json.dumps(stream_target)}),
              signTarget({json.dumps(KEY)}, 'POST', '/render', {json.dumps(post_body)}),
            ]));
        """
        out = subprocess.run(
            ["node", "--input-type=module", "-e", program], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        get_target, post_target = json.loads(out)
        stream = open_stream(signed_server.port, get_target)
        assert stream.status == 200
        assert read_events(stream).names[-1] == "complete"
        assert signed_server.request("POST", post_target, body=post_body.encode())[0] == 200


# Targets built from pieces an attacker controls: signed or not, mangled or not.
PIECES = st.sampled_from(["/render-stream", "/render", "/videos", "/download/x.mp4", "/download/recap.mp4"])
QUERIES = st.lists(
    st.tuples(st.sampled_from(["data", "exp", "sig", "userId", "x"]), st.text(max_size=30)), max_size=4
).map(lambda pairs: "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in pairs))


class TestFuzz:
    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        path=PIECES,
        query=QUERIES,
        method=st.sampled_from(["GET", "POST"]),
        body=st.binary(max_size=64),
        mode=st.sampled_from(["unsigned", "signed", "mangled", "expired"]),
    )
    def test_signed_endpoints_never_answer_5xx(
        self, signed_server: ServerProcess, path: str, query: str, method: str, body: bytes, mode: str
    ) -> None:
        """Whatever the target, method, body and signature, the answer is never a 5xx and always JSON."""
        target = f"{path}?{query}" if query else path
        if mode != "unsigned":
            target = sign(method, target, body, expires_in=-5 if mode == "expired" else 60)
        if mode == "mangled":
            target = target[:-3] + "AAA"
        status, headers, answer = signed_server.request(method, target, body=body if method == "POST" else None)
        assert status < 500
        if status >= 400:
            assert headers["content-type"].startswith("application/json")
            json.loads(answer)


class TestStartupWarning:
    @pytest.mark.parametrize(
        ("env", "reachable"),
        [
            ({}, False),
            ({"HOST": "::1"}, False),
            ({"HOST": "0.0.0.0"}, True),
            ({"HOST": "10.1.2.3"}, True),
            ({"PUBLIC_URL": "http://127.0.0.1:3001"}, False),
            ({"PUBLIC_URL": "https://recaps.example.com"}, True),
        ],
    )
    def test_reachable_from_elsewhere(self, env: dict[str, str], reachable: bool) -> None:
        """A non-loopback HOST, or a PUBLIC_URL on another host, makes the server reachable from elsewhere."""
        assert reachable_from_elsewhere(settings_from_env(env)) == reachable

    @pytest.mark.parametrize(("keys", "warned"), [("", True), (KEY, False)])
    def test_an_open_server_behind_a_public_url_warns(self, tmp_path: Path, keys: str, warned: bool) -> None:
        """Without signing keys, a server published at a public URL says so in its log at start."""
        server = start_server(
            tmp_path, fake_driver="ok", PUBLIC_URL="https://recaps.example.com", RENDER_SIGNING_KEYS=keys
        )
        try:
            server.wait_for_log("bundling")  # logged after the warning would be
            assert bool(server.logs("unsigned_requests_accepted")) == warned
        finally:
            server.stop()
