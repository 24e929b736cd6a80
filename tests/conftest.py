"""Shared fixtures: recap fixtures (copied from the product's shared set into tests/fixtures), servers."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.moto_server import MotoServer, start_moto
from tests.support.server import ServerProcess, start_server

FIXTURES = Path(__file__).parent / "fixtures"
RECAPS = FIXTURES / "recaps"
COVERS = FIXTURES / "covers"
RECAP_NAMES = sorted(path.stem for path in RECAPS.glob("*.json"))


def load_recap(name: str) -> dict[str, Any]:
    """A fresh copy of a fixture RenderRequest ({"userId", "data"})."""
    return copy.deepcopy(json.loads((RECAPS / f"{name}.json").read_text()))


def distinct_recap(name: str, tag: str) -> dict[str, Any]:
    """A fixture made unique (a different monthName), so it becomes a job of its own."""
    recap = load_recap(name)
    recap["data"]["meta"]["monthName"] = tag
    return recap


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
