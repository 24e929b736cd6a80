"""Running a coroutine in a test's own event loop when it starts child processes.

Tornado's Subprocess watches SIGCHLD from the loop that first used it (the server has one loop for its life). A test
that runs its own loop must detach the watcher when that loop ends, or the next test's children never report their
exit and it waits forever (a test_chunks fixture hung 600 s behind a test that did not).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from tornado.process import Subprocess

T = TypeVar("T")


def run_in_own_loop(work: Awaitable[T]) -> T:
    """`work` run to its end in a new event loop, then Tornado's child watcher detached from that loop."""

    async def main() -> T:
        try:
            return await work
        finally:
            Subprocess.uninitialize()

    return asyncio.run(main())
