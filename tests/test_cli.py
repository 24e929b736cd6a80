"""The `tornado-render` command explains itself: its help, and each way it exits on bad input, in one line and
never a traceback (real child processes, as a newcomer runs them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.recaps import RECAPS, load_recap
from tests.support.server import ROOT, ServerProcess, fake_driver_argv, start_server
from tests.support.sse_client import open_stream, read_events
from tornado_render.validation.plain_words import WRAPPER_HINT

KEY = "e" * 40


def tornado_render(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tornado_render", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=120,
    )


def fake(tmp_path: Path) -> dict[str, str]:
    return {
        "DRIVER_COMMAND": " ".join(fake_driver_argv(tmp_path / "driver", "ok", {})),
        "OUTPUT_DIR": str(tmp_path / "output"),
        "LOCAL_STORAGE_DIR": str(tmp_path / "storage"),
        "BUNDLE_DIR": str(tmp_path / "bundles"),
    }


def one_line(stderr: str) -> str:
    """The single line the command printed; fails on a traceback or more lines."""
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


class TestHelp:
    def test_lists_the_commands(self) -> None:
        """`tornado-render --help` names serve, render and sign, a line each, and is short."""
        result = tornado_render("--help")
        assert result.returncode == 0
        for command in ("serve", "render", "sign"):
            assert any(line.strip().startswith(command + " ") for line in result.stdout.splitlines()), command
        assert len(result.stdout.splitlines()) <= 20

    def test_render_help_fits(self) -> None:
        """`render --help` is at most 40 lines and names -o, but not the server's options."""
        result = tornado_render("render", "--help")
        assert result.returncode == 0
        assert len(result.stdout.splitlines()) <= 40
        assert "-o" in result.stdout
        for option in ("--host", "--port", "--cors-origins", "--max-streams"):
            assert option not in result.stdout

    def test_unknown_command(self) -> None:
        """A word that is not a command is refused with the list of commands, exit 2."""
        result = tornado_render("rneder")
        assert result.returncode == 2
        assert "unknown command 'rneder'; the commands are serve, render, sign" in result.stderr


class TestRenderExits:
    def test_no_arguments(self) -> None:
        """`render` alone: a short usage and exit 2."""
        result = tornado_render("render")
        assert result.returncode == 2
        assert "Traceback" not in result.stderr
        assert len(result.stderr.splitlines()) <= 3
        assert result.stderr.startswith("usage: tornado-render render RECAP.json")

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that does not exist: one line, exit 2."""
        result = run_cli(str(tmp_path / "missing.json"), **fake(tmp_path))
        assert result.returncode == 2
        assert one_line(result.stderr.decode()) == f"tornado-render render: {tmp_path / 'missing.json'}: no such file"

    def test_directory(self, tmp_path: Path) -> None:
        """A directory instead of a file: one line, exit 2."""
        result = run_cli(str(tmp_path), **fake(tmp_path))
        assert result.returncode == 2
        assert "is a directory" in one_line(result.stderr.decode())

    def test_bad_json(self, tmp_path: Path) -> None:
        """A file that is not JSON: one line naming it, exit 2."""
        (tmp_path / "bad.json").write_text("{oops")
        result = run_cli(str(tmp_path / "bad.json"), **fake(tmp_path))
        assert result.returncode == 2
        line = one_line(result.stderr.decode())
        assert line.startswith(f"tornado-render render: {tmp_path / 'bad.json'} is not a valid RenderRequest: ")
        assert "is not valid JSON" in line

    def test_bare_recap(self, tmp_path: Path) -> None:
        """A recap without its wrapper: one line with the hint and the fields in plain words, exit 2."""
        result = run_cli("-", stdin=json.dumps(load_recap("one-book")["data"]).encode(), **fake(tmp_path))
        assert result.returncode == 2
        line = one_line(result.stderr.decode())
        assert WRAPPER_HINT in line
        assert "The userId is missing (userId)" in line

    def test_progress_bar_words(self, tmp_path: Path) -> None:
        """The bar says what happens and shows percent and times, never a rate in %/s or s/%."""
        result = run_cli(str(RECAPS / "one-book.json"), "-o", str(tmp_path / "x.mp4"), **fake(tmp_path))
        assert result.returncode == 0, result.stderr.decode()[-3000:]
        progress = result.stderr.decode()
        assert "Rendering" in progress
        assert " 100 %|" in progress
        assert "elapsed" in progress
        assert "%/s" not in progress
        assert "s/%" not in progress


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = start_server(tmp_path_factory.mktemp("signed-cli"), fake_driver="ok", RENDER_SIGNING_KEYS=KEY)
    yield server
    server.stop()


class TestSign:
    def test_a_full_url(self, signed_server: ServerProcess) -> None:
        """A full URL is signed over its target and printed as a URL the server accepts."""
        result = tornado_render("sign", "GET", f"{signed_server.base_url}/videos", RENDER_SIGNING_KEYS=KEY)
        assert result.returncode == 0, result.stderr
        url = result.stdout.strip()
        assert url.startswith(f"{signed_server.base_url}/videos?exp=")
        assert signed_server.request("GET", url.removeprefix(signed_server.base_url))[0] == 200

    def test_an_origin_form_target(self, signed_server: ServerProcess) -> None:
        """A target starting with / is printed signed, and accepted."""
        result = tornado_render("sign", "GET", "/videos", RENDER_SIGNING_KEYS=KEY)
        assert result.returncode == 0, result.stderr
        assert signed_server.request("GET", result.stdout.strip())[0] == 200

    @pytest.mark.parametrize("target", ["videos", "127.0.0.1:3400/videos", "/videos?exp=1&sig=x", "/vidéos"])
    def test_anything_else_is_refused(self, target: str) -> None:
        """What the server would never see as given is refused with one line, exit 2, nothing printed."""
        result = tornado_render("sign", "GET", target, RENDER_SIGNING_KEYS=KEY)
        assert result.returncode == 2
        assert result.stdout == ""
        assert one_line(result.stderr).startswith("tornado-render sign: ")

    def test_a_stream_link(self, signed_server: ServerProcess, tmp_path: Path) -> None:
        """--stream REQUEST.json --url prints the whole signed /render-stream link (the demo page's), accepted."""
        (tmp_path / "request.json").write_text(json.dumps(load_recap("one-book")))
        result = tornado_render(
            "sign", "--stream", str(tmp_path / "request.json"), "--url", signed_server.base_url, RENDER_SIGNING_KEYS=KEY
        )
        assert result.returncode == 0, result.stderr
        link = result.stdout.strip()
        assert link.startswith(f"{signed_server.base_url}/render-stream?data=")
        stream = open_stream(signed_server.port, link.removeprefix(signed_server.base_url))
        try:
            assert stream.status == 200
            assert read_events(stream, until="complete").names[-1] == "complete"
        finally:
            stream.close()
