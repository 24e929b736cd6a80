"""Stopping: SIGTERM (systemd's stop) and SIGINT let running renders finish within the grace period."""

from __future__ import annotations

import signal
import socket
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.fake_renders import Gate, assert_all_dead
from tests.support.recaps import distinct_recap
from tests.support.server import ServerProcess
from tests.support.sse_client import open_stream, read_events, stream_url


class TestGracefulStop:
    def test_running_render_finishes_and_queued_ones_are_cancelled(
        self, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> None:
        """After SIGTERM no connection is accepted, the waiting job ends in error, the running one completes."""
        gate = Gate(tmp_path / "gate")
        server = server_factory(
            "ok", FAKE_DRIVER_GATE=str(gate.directory), MAX_CONCURRENT_RENDERS="1", SHUTDOWN_GRACE_SECONDS="60"
        )
        running = open_stream(server.port, stream_url(distinct_recap("one-book", "A")))
        read_events(running, count=41)
        waiting = open_stream(server.port, stream_url(distinct_recap("one-book", "B")))
        read_events(waiting, count=1)
        server.process.send_signal(signal.SIGTERM)
        server.wait_for_log("shutting_down")
        read_events(waiting)
        assert waiting.events[-1].data["message"] == "Render failed: server is shutting down"
        with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", server.port), timeout=5):
            pass
        gate.open("A")
        read_events(running)
        assert running.names[-1] == "complete"
        assert running.progress == list(range(101))
        assert server.process.wait(30) == 0
        assert len(list((server.workdir / "storage").rglob("*.mp4"))) == 1

    @pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
    def test_grace_period_ends_in_cancellation(
        self, server_factory: Callable[..., ServerProcess], tmp_path: Path, signum: int
    ) -> None:
        """A render still running when the grace period ends is cancelled, killed, and the server exits 0."""
        pids = tmp_path / "pids"
        server = server_factory("hang", SHUTDOWN_GRACE_SECONDS="0.5", FAKE_DRIVER_PIDS=str(pids))
        stream = open_stream(server.port, stream_url(distinct_recap("one-book", "A")))
        read_events(stream, count=41)
        started = server.wait_for_log("driver_started")
        server.process.send_signal(signum)
        read_events(stream)
        assert stream.events[-1].data["message"] == "Render failed: server is shutting down"
        assert server.process.wait(30) == 0
        assert_all_dead(pids)
        assert server.wait_for_log("driver_stopped")["processes_left"] == 0
        assert started["marker"]
        assert server.logs("stopped")
