"""Shared fixtures: servers of tornado-render, moto's S3 server, a cover server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol, TypeVar

import pytest

from tests.support.cover_server import CoverServer, start_cover_server
from tests.support.fake_renders import Gate
from tests.support.moto_server import MotoServer, start_moto
from tests.support.recaps import distinct_recap, load_recap
from tests.support.redis_server import RedisServer, redis_installed, start_redis
from tests.support.server import ServerProcess, start_server
from tests.support.stills import build_bundle

__all__ = ["distinct_recap", "load_recap"]


class Stoppable(Protocol):
    def stop(self) -> object: ...


T = TypeVar("T", bound=Stoppable)


class Started(list[T]):
    """Things a test started, each stopped at teardown by `stop_all`."""

    def add(self, thing: T) -> T:
        self.append(thing)
        return thing

    def stop_all(self) -> None:
        for thing in self:
            thing.stop()


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    """Start real tornado-render processes for this test; all of them are stopped afterwards."""
    started: Started[ServerProcess] = Started()

    def start(fake_driver: str | None = "ok", **env: str) -> ServerProcess:
        return started.add(start_server(tmp_path / f"server{len(started)}", fake_driver=fake_driver, **env))

    yield start
    started.stop_all()


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A real redis-server on a free loopback port for this test, stopped afterwards."""
    if not redis_installed():
        pytest.skip("redis-server is not installed (scripts/setup --with-test-browsers installs it as root)")
    server = start_redis(tmp_path / "redis")
    yield server
    server.stop()


@pytest.fixture
def fake_server(server_factory: Callable[..., ServerProcess]) -> ServerProcess:
    """A server whose render driver is the fake one, in mode "ok"."""
    return server_factory("ok")


@pytest.fixture
def moto_factory() -> Iterator[Callable[[], MotoServer]]:
    """Start moto S3 servers on loopback for this test (each on its own port); all stopped afterwards."""
    started: Started[MotoServer] = Started()
    yield lambda: started.add(start_moto())
    started.stop_all()


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


@pytest.fixture(scope="session")
def remotion_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real Remotion bundle of remotion/, built once for the whole session (for stills and driver renders)."""
    return build_bundle(tmp_path_factory.mktemp("remotion-bundle") / "bundle")


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    """A gate for the fake driver: each render finishes when the test opens its recap's monthName."""
    return Gate(tmp_path / "gate")


@pytest.fixture
def jobs_dir(tmp_path: Path) -> Path:
    """Where the fake driver records every job it receives."""
    directory = tmp_path / "jobs"
    directory.mkdir(exist_ok=True)
    return directory
