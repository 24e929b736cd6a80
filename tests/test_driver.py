"""The two sides of the driver protocol agree: the messages the Node driver may write are the ones the server reads,
and the driver's own cancellation ends before the server's SIGKILL."""

from __future__ import annotations

import json
import subprocess

from tests.support.server import ROOT
from tornado_render.render.driver import MESSAGE_TYPES, TERMINATE_GRACE_SECONDS

REMOTION = ROOT / "remotion"


def driver_constant(module: str, name: str) -> object:
    """An exported constant of a driver module, as Node sees it (printed on stderr: protocol.mjs owns stdout)."""
    script = f"import {{{name}}} from './driver/{module}'; process.stderr.write(JSON.stringify({name}));"
    result = subprocess.run(
        ["node", "--input-type=module", "-e", script], capture_output=True, text=True, cwd=REMOTION, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    return json.loads(result.stderr)


class TestProtocolModule:
    def test_message_types_match(self) -> None:
        """driver/protocol.mjs MESSAGE_TYPES is exactly the set driver.py accepts."""
        assert set(driver_constant("protocol.mjs", "MESSAGE_TYPES")) == MESSAGE_TYPES

    def test_cancellation_ends_before_the_kill(self) -> None:
        """driver/cancel.mjs gives up on a slow cancellation before driver.py's grace ends in SIGKILL."""
        grace_ms = driver_constant("cancel.mjs", "CANCEL_GRACE_MS")
        assert isinstance(grace_ms, int)
        assert grace_ms / 1000 < TERMINATE_GRACE_SECONDS
