"""nginx run by a test: a shipped config file (upstreams and listen address substituted) included into a minimal
main config whose logs, pid file and temporary files live in the test's directory. This nginx is a child of the
test (never the system service) and is stopped by its pid."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.server import ROOT, free_port

SHIPPED_CONF = ROOT / "scripts" / "nginx" / "tornado-render.conf"
FLEET_CONF = ROOT / "scripts" / "nginx" / "tornado-render-fleet.conf"
NGINX = shutil.which("nginx", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
UPSTREAM_SERVER = re.compile(r"^([ \t]*)server[ \t]+\S+:\d+[^;\n]*;[ \t]*$", re.MULTILINE)
LISTEN = re.compile(r"^([ \t]*)listen[ \t]+[^;\n]+;[ \t]*$", re.MULTILINE)


def render_shipped_conf(upstreams: list[int], port: int, shipped: Path = SHIPPED_CONF) -> str:
    """The shipped file with its upstream servers and its listen address replaced; every other line as shipped."""
    text = shipped.read_text()
    servers = UPSTREAM_SERVER.findall(text)
    assert servers, f"{shipped} has no `server host:port;` line in its upstream"
    indent = servers[0]
    lines = "".join(f"{indent}server 127.0.0.1:{upstream};\n" for upstream in upstreams)
    text = UPSTREAM_SERVER.sub("", text, count=len(servers) - 1)  # keep the last one's place for the new lines
    text = UPSTREAM_SERVER.sub(lambda _: lines.rstrip("\n"), text, count=1)
    listens = LISTEN.findall(text)
    assert len(listens) == 1, f"{shipped} should have exactly one `listen` line, found {len(listens)}"
    return LISTEN.sub(lambda m: f"{m.group(1)}listen 127.0.0.1:{port};", text)


def main_conf(directory: Path, include: Path) -> str:
    """A main config around the shipped file: everything nginx writes goes under `directory`."""
    temp = {name: directory / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    return "\n".join(
        [
            # As root, workers would otherwise run as nobody, who cannot enter pytest's 0700 directories.
            "user root;" if os.geteuid() == 0 else "",
            "worker_processes 1;",
            f"pid {directory / 'nginx.pid'};",
            f"error_log {directory / 'error.log'} notice;",
            "error_log stderr notice;",  # read by the test: "start worker process" means ready
            "events { worker_connections 256; }",
            "http {",
            f"    access_log {directory / 'access.log'};",
            *(f"    {name}_temp_path {path};" for name, path in temp.items()),
            f"    include {include};",
            "}",
            "",
        ]
    )


@dataclass
class Nginx:
    port: int
    process: subprocess.Popen[bytes]
    directory: Path
    lines: list[str] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)
    closed: bool = False

    def _follow(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            with self.changed:
                self.lines.append(raw.decode(errors="replace"))
                self.changed.notify_all()
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def wait_for(self, text: str, timeout: float = 30) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.closed or any(text in line for line in self.lines), timeout)
            if not any(text in line for line in self.lines):
                raise AssertionError(f"nginx did not log {text!r} within {timeout} s:\n{''.join(self.lines)}")

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            connection.request(method, path, body=payload, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            # Fast shutdown (the master stops its own workers); a graceful one would wait for open streams.
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_nginx(directory: Path, upstreams: list[int], shipped: Path = SHIPPED_CONF) -> Nginx:
    assert NGINX is not None
    directory.mkdir()
    port = free_port()
    include = directory / "tornado-render.conf"
    include.write_text(render_shipped_conf(upstreams, port, shipped))
    conf = directory / "nginx.conf"
    conf.write_text(main_conf(directory, include))
    command = [NGINX, "-p", str(directory), "-c", str(conf), "-e", str(directory / "error.log")]
    process = subprocess.Popen([*command, "-g", "daemon off;"], stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    nginx = Nginx(port, process, directory)
    threading.Thread(target=nginx._follow, daemon=True).start()
    try:
        nginx.wait_for("start worker process")
    except AssertionError:
        nginx.stop()
        raise
    return nginx
