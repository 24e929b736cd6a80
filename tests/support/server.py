"""Running the real `tornado-render` as a child process on a free loopback port, as production runs it.

The server's JSON log is read as it is written, so tests wait on the server's own events ("listening", "bundled",
...) instead of sleeping.
"""

from __future__ import annotations

import http.client
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FAKE_DRIVER = ROOT / "tests" / "support" / "fake_driver.py"
LogLine = dict[str, Any]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    port: int
    process: subprocess.Popen[bytes]
    workdir: Path
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    log_lines: list[LogLine] = field(default_factory=list)
    log_changed: threading.Condition = field(default_factory=threading.Condition)
    log_closed: bool = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def output_dir(self) -> Path:
        return Path(self.env["OUTPUT_DIR"])

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, timeout: float = 120
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            payload = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
            headers = dict(headers or {})
            if payload is not None and not any(name.lower() == "content-type" for name in headers):
                headers["Content-Type"] = "application/json"  # POST /render takes JSON only (issue 21)
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def get_json(self, path: str) -> tuple[int, Any]:
        status, _, body = self.request("GET", path)
        return status, json.loads(body)

    def logs(self, event: str | None = None) -> list[LogLine]:
        with self.log_changed:
            return [line for line in self.log_lines if event is None or line.get("event") == event]

    def wait_for_log(self, predicate: Callable[[LogLine], bool] | str, timeout: float = 60) -> LogLine:
        """The first log line matching (an event name or a predicate), waiting for it if needed."""
        match = (lambda line: line.get("event") == predicate) if isinstance(predicate, str) else predicate
        found: list[LogLine] = []

        def ready() -> bool:
            found[:] = [line for line in self.log_lines if match(line)]
            return bool(found) or self.log_closed

        with self.log_changed:
            if not self.log_changed.wait_for(ready, timeout) or not found:
                raise AssertionError(f"no log line {predicate!r} within {timeout} s:\n{self.log_path.read_text()}")
            return found[0]

    def wait_for_logs(self, event: str, count: int, timeout: float = 60) -> list[LogLine]:
        """The log lines of `event` once there are at least `count` of them (the server's stderr is read by a thread
        of its own, so a line can arrive after the client has already seen what followed it)."""
        found: list[LogLine] = []

        def ready() -> bool:
            found[:] = [line for line in self.log_lines if line.get("event") == event]
            return len(found) >= count or self.log_closed

        with self.log_changed:
            if not self.log_changed.wait_for(ready, timeout) or len(found) < count:
                raise AssertionError(f"{len(found)} of {count} log lines {event!r} within {timeout} s")
            return list(found)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                return self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                return self.process.wait(10)
        return self.process.returncode

    def _follow_output(self) -> None:
        assert self.process.stdout is not None
        with open(self.log_path, "wb") as log:
            for raw in self.process.stdout:
                log.write(raw)
                log.flush()
                try:
                    line = json.loads(raw) if raw.startswith(b"{") else {"text": raw.decode(errors="replace")}
                except ValueError:
                    line = {"text": raw.decode(errors="replace")}
                with self.log_changed:
                    self.log_lines.append(line)
                    self.log_changed.notify_all()
        self.process.stdout.close()
        with self.log_changed:
            self.log_closed = True
            self.log_changed.notify_all()


def server_env(workdir: Path, port: int, fake_driver: str | None, **env: str) -> dict[str, str]:
    full_env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "OUTPUT_DIR": str(workdir / "output"),
        "LOCAL_STORAGE_DIR": str(workdir / "storage"),
        "BUNDLE_DIR": str(workdir / "bundles"),
        "LOG_FORMAT": "json",
        "PYTHONUNBUFFERED": "1",
    }
    for name in ("S3_BUCKET_NAME", "AWS_ENDPOINT_URL_S3", "PUBLIC_URL", "DRIVER_COMMAND"):
        full_env.pop(name, None)
    full_env.update(env)
    if fake_driver is not None:
        full_env["DRIVER_COMMAND"] = fake_driver_command(workdir, fake_driver, full_env)
    return full_env


def fake_driver_argv(workdir: Path, mode: str, options: dict[str, str]) -> list[str]:
    """The fake driver in `mode`, its FAKE_DRIVER_* options in a config file named on its command line (the server
    hands its driver an allow-listed environment, so they cannot travel there)."""
    chosen = {name: value for name, value in options.items() if name.startswith("FAKE_DRIVER_")}
    chosen["FAKE_DRIVER_MODE"] = mode
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "fake-driver.json"
    config.write_text(json.dumps(chosen))
    return [sys.executable, str(FAKE_DRIVER), "--config", str(config)]


def fake_driver_command(workdir: Path, mode: str, env: dict[str, str]) -> str:
    """DRIVER_COMMAND for the fake driver (see fake_driver_argv)."""
    return shlex.join(fake_driver_argv(workdir, mode, env))


def start_server(workdir: Path, *, fake_driver: str | None = None, wait: float = 30, **env: str) -> ServerProcess:
    """Start tornado-render with its state under `workdir`; `fake_driver` picks the fake driver's mode."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    full_env = server_env(workdir, port, fake_driver, **env)
    process = subprocess.Popen(
        [sys.executable, "-m", "tornado_render"],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    server = ServerProcess(port, process, workdir, workdir / f"server-{port}.log", full_env)
    threading.Thread(target=server._follow_output, daemon=True).start()
    try:
        server.wait_for_log("listening", timeout=wait)
    except AssertionError:
        server.stop(signal.SIGKILL)
        raise
    return server
