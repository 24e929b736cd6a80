"""The composition resolved in Node (remotion/driver/metadata.mjs) is the one selectComposition resolves in a tab.

A render takes its composition (length, size, the props with their static spans) from the metadata the bundle job
compiles beside the bundle, instead of opening a tab that loads the bundle to ask. If the two ever differed, a video
would be cut short, sized wrong or hold the wrong frames: so each case here is resolved both ways, in one browser.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.recaps import load_recap
from tests.support.stills import browser_executable

REMOTION = Path(__file__).resolve().parent.parent / "remotion"
PRESETS = REMOTION / "src" / "template" / "presets"

# Both ways for each props (a JSON list on stdin): {"node": ..., "tab": ...} per case, one line.
BOTH_WAYS = """
import {readFileSync} from 'node:fs';
import {openBrowser, selectComposition} from '@remotion/renderer';
import {resolveInNode} from './driver/metadata.mjs';
const {serveUrl, browserExecutable, cases} = JSON.parse(readFileSync(0, 'utf8'));
const browser = await openBrowser('chrome', {browserExecutable, logLevel: 'error'});
const pick = (c) => c && {id: c.id, width: c.width, height: c.height, fps: c.fps,
  durationInFrames: c.durationInFrames, props: c.props};
const out = [];
for (const inputProps of cases) {
  const node = await resolveInNode(serveUrl, 'MonthlyRecap', inputProps);
  const tab = await selectComposition({serveUrl, id: 'MonthlyRecap', inputProps, puppeteerInstance: browser,
    browserExecutable, logLevel: 'error'});
  out.push({node: pick(node), tab: pick(tab)});
}
await browser.close({silent: true});
process.stdout.write(JSON.stringify(out));
"""


def preset(name: str) -> dict[str, Any]:
    template: dict[str, Any] = json.loads((PRESETS / f"{name}.json").read_text())["template"]
    return template


def cases() -> dict[str, dict[str, Any]]:
    three = load_recap("three-books")["data"]
    return {
        "one-book": load_recap("one-book")["data"],
        "empty-month": load_recap("empty-month")["data"],
        "three-books, bold template": {**three, "template": preset("bold")},
        "three-books, minimal template, square": {**three, "template": preset("minimal"), "format": "square"},
        "five-books, landscape": {**load_recap("five-books")["data"], "format": "landscape"},
    }


@pytest.fixture(scope="module")
def resolved(remotion_bundle: Path) -> dict[str, dict[str, Any]]:
    named = cases()
    result = subprocess.run(
        ["node", "--input-type=module", "-e", BOTH_WAYS],
        input=json.dumps(
            {"serveUrl": str(remotion_bundle), "browserExecutable": browser_executable(), "cases": list(named.values())}
        ),
        capture_output=True,
        text=True,
        cwd=REMOTION,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(zip(named, json.loads(result.stdout), strict=True))


def test_the_bundle_job_compiles_the_metadata_beside_the_bundle(remotion_bundle: Path) -> None:
    assert (remotion_bundle / "recap-metadata.mjs").is_file()


@pytest.mark.parametrize("case", list(cases()))
def test_node_resolves_what_a_tab_selects(resolved: dict[str, dict[str, Any]], case: str) -> None:
    """Length, frame size, fps and the resolved props (with the static spans) are the same both ways."""
    both = resolved[case]
    assert both["node"] is not None, "resolved in a tab only: no compiled metadata"
    assert both["node"] == both["tab"]
    assert both["node"]["props"]["staticSpans"], "the spans the driver holds are part of what is compared"
