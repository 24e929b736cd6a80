"""Shared fixtures: servers of tornado-render, moto's S3 server, a cover server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.cover_server import CoverServer, start_cover_server
from tests.support.moto_server import MotoServer, start_moto
from tests.support.recaps import distinct_recap, load_recap
from tests.support.server import ServerProcess, start_server

__all__ = ["distinct_recap", "load_recap"]


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start real tornado-render processes for this test; all of them are stopped afterwards."""
    started: list[ServerProcess] = []

    def start(fake_driver: str | None = "ok", **env: str) -> ServerProcess:
        server = start_server(tmp_path / f"server{len(started)}", fake_driver=fake_driver, **env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def fake_server(server_factory: Callable[..., ServerProcess]) -> ServerProcess:
    """A server whose render driver is the fake one, in mode "ok"."""
    return server_factory("ok")


@pytest.fixture
def moto_factory() -> Iterator[Callable[[], MotoServer]]:
    """Start moto S3 servers on loopback for this test (each on its own port); all stopped afterwards."""
    started: list[MotoServer] = []

    def start() -> MotoServer:
        server = start_moto()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def moto(moto_factory: Callable[[], MotoServer]) -> MotoServer:
    server = moto_factory()
    server.create_bucket("recaps")
    return server


@pytest.fixture
def covers() -> Iterator[CoverServer]:
    """The fixture covers (and hostile variants) over HTTP on 127.0.0.1."""
    server = start_cover_server()
    yield server
    server.close()
