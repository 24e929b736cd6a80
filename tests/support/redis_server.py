"""A real redis-server (Debian's package) on a free loopback port, started and stopped by the test that needs it.

It can be stopped and started again on the same port, with its data (an outage, not a new Redis): the tests of
Redis trouble do that.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.server import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@dataclass
class RedisServer:
    port: int
    directory: Path
    process: subprocess.Popen[bytes] | None = field(default=None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> RedisServer:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--save",
                "",
                # Durable, so that stopping it is an outage and not a loss of every job: the tests of Redis trouble
                # stop it and start it again.
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
            time.sleep(0.05)  # polling the port a server binds: there is no event to wait on

    def stop(self) -> None:
        """Stop it (SIGTERM); its append-only file keeps the data for `start` on the same port."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


def redis_installed() -> bool:
    return Path(REDIS_SERVER).exists()


def start_redis(directory: Path) -> RedisServer:
    if not redis_installed():
        raise RuntimeError("redis-server is not installed (scripts/setup --with-test-browsers installs it as root)")
    directory.mkdir(parents=True, exist_ok=True)
    return RedisServer(free_port(), directory).start()
