"""The log is one JSON object per line, whoever writes it: two threads at once, warnings, exceptions in threads."""

from __future__ import annotations

import json
import logging
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from tornado_render.logs import configure_logging, get_logger

LONG = "x" * 2000  # five of these make a line longer than a text stream's 8 KiB buffer


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """configure_logging onto a file; the interpreter's hooks and the logging configuration restored after."""
    hooks = (sys.unraisablehook, threading.excepthook, logging.root.handlers[:], logging.root.level)
    path = tmp_path / "server.log"
    with open(path, "w") as stream:
        configure_logging("json", stream=stream)
        yield path
    sys.unraisablehook, threading.excepthook, logging.root.handlers[:], level = hooks
    logging.root.setLevel(level)
    logging.captureWarnings(False)
    structlog.reset_defaults()


def lines_of(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.strip()]


def not_json(lines: list[str]) -> list[str]:
    bad = []
    for line in lines:
        try:
            json.loads(line)
        except ValueError:
            bad.append(line[:80])
    return bad


def test_long_lines_from_two_threads_never_interleave(log_file: Path) -> None:
    """structlog's lines (the IOLoop) and the standard library's (Tornado, an upload thread) at the same time."""

    def structlog_lines() -> None:
        for _ in range(400):
            get_logger().info("long", a=LONG, b=LONG, c=LONG, d=LONG, e=LONG)

    def stdlib_lines() -> None:
        for _ in range(400):
            logging.getLogger("tornado.general").warning("%s %s %s", LONG, LONG, LONG)

    threads = [threading.Thread(target=structlog_lines), threading.Thread(target=stdlib_lines)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    lines = lines_of(log_file)
    assert len(lines) == 800
    assert not_json(lines) == []


def test_a_thread_ended_by_an_exception_is_a_json_line(log_file: Path) -> None:
    def fail() -> None:
        raise RuntimeError("the upload thread broke")

    thread = threading.Thread(target=fail)
    thread.start()
    thread.join(timeout=10)
    lines = lines_of(log_file)
    assert not_json(lines) == []
    [line] = [json.loads(line) for line in lines]
    assert line["event"] == "thread ended by an exception"
    assert "the upload thread broke" in line["exception"]


def test_warnings_and_ignored_exceptions_are_json_lines(log_file: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.warn("a deprecated call", DeprecationWarning, stacklevel=1)

    class BrokenFinalizer:
        def __del__(self) -> None:
            raise ValueError("broken in __del__")

    BrokenFinalizer()  # collected at once: its exception is "ignored", printed by the unraisable hook
    lines = lines_of(log_file)
    assert not_json(lines) == []
    events = [json.loads(line) for line in lines]
    assert "a deprecated call" in events[0]["event"]
    assert events[1]["event"].startswith("exception ignored")
    assert "broken in __del__" in events[1]["exception"]
