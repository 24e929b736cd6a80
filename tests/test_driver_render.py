"""The Node render driver with real Remotion renders: the video, its length, covers, and the stdout protocol."""

from __future__ import annotations

import functools
import http.server
import json
import os
import selectors
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.media import distinct_levels, gray_frame, probe
from tests.support.recaps import COVERS, load_recap
from tests.support.remotion import timeline
from tests.support.server import ROOT
from tornado_render.render import processes
from tornado_render.render.browser import find_browser
from tornado_render.render.driver import TERMINATE_GRACE_SECONDS
from tornado_render.render.processes import pids_with_marker
from tornado_render.settings import settings_from_env

REMOTION = ROOT / "remotion"
DRIVER = REMOTION / "driver" / "render.mjs"
pytestmark = pytest.mark.render


@dataclass
class DriverRun:
    returncode: int
    messages: list[dict[str, Any]]
    stdout_lines: list[str]
    stderr: str
    output: Path


def browser() -> str:
    return find_browser(settings_from_env())


def run_driver(job: dict[str, Any], timeout: float = 600) -> DriverRun:
    result = subprocess.run(
        ["node", str(DRIVER)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=REMOTION,
        timeout=timeout,
    )
    lines = [line for line in result.stdout.split("\n") if line]
    messages = [json.loads(line) for line in lines]
    return DriverRun(result.returncode, messages, lines, result.stderr, Path(job.get("outputPath", "")))


def expected_frames(props: dict[str, Any]) -> int:
    """calculateDuration from the TypeScript source, independently of the render."""
    return int(timeline(props)["frames"])


@pytest.fixture(scope="module")
def one_book_run(tmp_path_factory: pytest.TempPathFactory) -> DriverRun:
    """one-book.json, bundled and rendered by the driver in one run (the bundle is kept for the other tests)."""
    workdir = tmp_path_factory.mktemp("driver")
    job = {
        "inputProps": load_recap("one-book")["data"],
        "outputPath": str(workdir / "one-book.mp4"),
        "bundleOutDir": str(workdir / "bundle"),
        "browserExecutable": browser(),
    }
    return run_driver(job)


@pytest.fixture(scope="module")
def bundle_dir(one_book_run: DriverRun) -> str:
    bundled = [m for m in one_book_run.messages if m["type"] == "bundled"]
    assert bundled, one_book_run.stderr[-2000:]
    return str(bundled[0]["serveUrl"])


def render_with_bundle(bundle: str, props: dict[str, Any], output: Path) -> DriverRun:
    return run_driver(
        {"inputProps": props, "outputPath": str(output), "serveUrl": bundle, "browserExecutable": browser()}
    )


def assert_valid_video(path: Path, props: dict[str, Any]) -> None:
    info = probe(path)
    assert info.codec == "h264"
    assert (info.width, info.height) == (1080, 1920)
    assert info.fps == 30
    assert info.frames == expected_frames(props)
    middle = gray_frame(path, info.duration / 2)
    assert len(middle) == 108 * 192
    assert distinct_levels(middle) > 8, "the middle frame is a flat colour"


class TestRealRenders:
    def test_one_book(self, one_book_run: DriverRun) -> None:
        """one-book.json renders to H.264 1080x1920 at 30 fps with exactly calculateDuration frames."""
        assert one_book_run.returncode == 0, one_book_run.stderr[-3000:]
        assert_valid_video(one_book_run.output, load_recap("one-book")["data"])

    def test_empty_month(self, bundle_dir: str, tmp_path: Path) -> None:
        """A month with no books still renders a valid video (intro, stats, outro)."""
        props = load_recap("empty-month")["data"]
        run = render_with_bundle(bundle_dir, props, tmp_path / "empty.mp4")
        assert run.returncode == 0, run.stderr[-3000:]
        assert_valid_video(run.output, props)
        done = run.messages[-1]
        assert done["frameCount"] == expected_frames(props)
        assert done["durationInSeconds"] == pytest.approx(expected_frames(props) / 30)

    def test_broken_covers_still_render(self, bundle_dir: str, tmp_path: Path, cover_server: str) -> None:
        """Covers that are truncated, not images, or missing become placeholders; the render succeeds."""
        props = load_recap("three-books")["data"]
        props["books"][0]["coverUrl"] = f"{cover_server}/truncated.jpg"
        props["books"][1]["coverUrl"] = f"{cover_server}/not-an-image.jpg"
        props["books"][2]["coverUrl"] = f"{cover_server}/piranesi.jpg"
        props["currentlyReading"][0]["coverUrl"] = f"{cover_server}/missing.jpg"
        run = render_with_bundle(bundle_dir, props, tmp_path / "covers.mp4")
        assert run.returncode == 0, run.stderr[-3000:]
        assert_valid_video(run.output, props)


class TestProtocol:
    def test_stdout_is_only_json_lines_in_order(self, one_book_run: DriverRun) -> None:
        """Every stdout line is a JSON message; bundle then render progress never decrease; the last is done."""
        assert all(isinstance(m, dict) and "type" in m for m in one_book_run.messages)
        types = [m["type"] for m in one_book_run.messages]
        assert types[-1] == "done"
        bundle = [m["progress"] for m in one_book_run.messages if m["type"] == "bundle-progress"]
        render = [m["progress"] for m in one_book_run.messages if m["type"] == "render-progress"]
        assert bundle[0] == 0
        assert bundle[-1] == 100
        assert bundle == sorted(bundle)
        assert render == sorted(render)
        assert render[-1] == 1
        assert types.index("bundled") > types.index("bundle-progress")
        assert max(i for i, t in enumerate(types) if t == "bundle-progress") < types.index("render-progress")
        done = one_book_run.messages[-1]
        assert done["outputPath"] == str(one_book_run.output)
        assert done["frameCount"] == expected_frames(load_recap("one-book")["data"])

    def test_bad_job_is_an_error_line(self) -> None:
        """A job that is not JSON gets one error line on stdout and a non-zero exit."""
        result = subprocess.run(
            ["node", str(DRIVER)], input="{nope", capture_output=True, text=True, cwd=REMOTION, timeout=60
        )
        assert result.returncode == 1
        [line] = result.stdout.splitlines()
        message = json.loads(line)
        assert message["type"] == "error"
        assert "not valid JSON" in message["message"]

    def test_missing_browser_is_an_error_line(self, bundle_dir: str, tmp_path: Path) -> None:
        """The driver never downloads a browser: without one it fails with a readable error."""
        run = run_driver(
            {
                "inputProps": load_recap("one-book")["data"],
                "outputPath": str(tmp_path / "x.mp4"),
                "serveUrl": bundle_dir,
            }
        )
        assert run.returncode == 1
        assert run.messages[-1] == {
            "type": "error",
            "message": 'the job needs "browserExecutable": this driver never downloads a browser',
        }


def read_message(proc: subprocess.Popen[str], deadline: float) -> dict[str, Any] | None:
    """The driver's next stdout message, or None when stdout closed (or `deadline`, a monotonic time, passed)."""
    assert proc.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        if not selector.select(max(0.0, deadline - time.monotonic())):
            return None
    line = proc.stdout.readline()
    return json.loads(line) if line else None


def describe_process(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:150]
    except OSError:
        return "gone"


class TestCancellation:
    """SIGTERM cancels the driver's render through Remotion's cancel signal (driver/cancel.mjs)."""

    def test_sigterm_while_waiting_for_the_job(self) -> None:
        """A driver still reading its job dies by SIGTERM at once: no handler waits behind the synchronous read."""
        proc = subprocess.Popen(["node", str(DRIVER)], stdin=subprocess.PIPE, cwd=REMOTION, stderr=subprocess.PIPE)
        time.sleep(1)  # node started and blocked in reading stdin
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(5) == -signal.SIGTERM
        assert proc.stdin is not None
        proc.stdin.close()
        assert proc.stderr is not None
        proc.stderr.close()

    @pytest.mark.parametrize("static_spans", [True, False], ids=["distinct-frames", "render-media"])
    def test_sigterm_mid_render(self, bundle_dir: str, tmp_path: Path, static_spans: bool) -> None:
        """SIGTERM to the driver alone mid-capture: the render is cancelled, its browser and ffmpeg end, no file or
        temporary directory of its own is left, and it dies by SIGTERM without a final line, within the server's
        grace and without the driver's own fallback."""
        token = processes.new_marker()
        temporary = tmp_path / "tmp"
        temporary.mkdir()
        output = tmp_path / "cancelled.mp4"
        job = {
            "inputProps": load_recap("five-books")["data"],
            "outputPath": str(output),
            "serveUrl": bundle_dir,
            "browserExecutable": browser(),
            "staticSpans": static_spans,
        }
        env = {**processes.render_environment(os.environ, token), "TMPDIR": str(temporary)}
        (tmp_path / "job.json").write_text(json.dumps(job))
        with (tmp_path / "job.json").open() as stdin, (tmp_path / "stderr").open("w") as stderr_file:
            proc = subprocess.Popen(
                ["node", str(DRIVER)],
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=stderr_file,
                text=True,
                cwd=REMOTION,
                env=env,
            )
        deadline = time.monotonic() + 300
        while (message := read_message(proc, deadline)) is not None:
            if message["type"] == "render-progress" and message["renderedFrames"] >= 10:
                break
        assert message is not None, "the render never got under way"
        assert pids_with_marker(token), "the render's processes were not found"
        signalled = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=30)
        stopped = time.monotonic() - signalled
        stderr = (tmp_path / "stderr").read_text()
        assert proc.returncode == -signal.SIGTERM, stderr[-3000:]
        assert {json.loads(line)["type"] for line in rest.splitlines()} <= {"render-progress"}
        assert "cancelling the render" in stderr
        assert "did not stop within" not in stderr, stderr[-3000:]
        assert stopped < TERMINATE_GRACE_SECONDS
        left = {pid: describe_process(pid) for pid in pids_with_marker(token)}
        assert left == {}, "the driver died before what it started ended"
        assert not output.exists()
        assert list(temporary.glob("tornado-render-encode-*")) == []
        print(f"cancelled in {stopped:.2f} s; left in TMPDIR: {sorted(p.name for p in temporary.iterdir())}")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def cover_server() -> Iterator[str]:
    """The fixture covers over HTTP on 127.0.0.1 (missing files are 404s)."""
    handler = functools.partial(_QuietHandler, directory=os.fspath(COVERS))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
