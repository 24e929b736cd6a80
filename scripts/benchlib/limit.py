"""The limit: Remotion's own CLI on a prebuilt bundle, with its defaults and with the project's tuned settings."""

from __future__ import annotations

import json
import os
from typing import Any

from scripts.benchlib.common import DRIVER, REMOTION, WORK, browser, median, props_file, timed, tuned

CLI_FLAGS = {
    "concurrency": "--concurrency",
    "jpegQuality": "--jpeg-quality",
    "x264Preset": "--x264-preset",
    "imageFormat": "--image-format",
}


def cli_render(bundle: str, recap: str, output: str, extra: dict[str, Any]) -> float:
    args = [
        "npx",
        "--no-install",
        "remotion",
        "render",
        bundle,
        "MonthlyRecap",
        output,
        f"--props={props_file(recap)}",
        f"--browser-executable={browser()}",
        "--log=error",
    ]
    if "concurrency" in extra:  # the CLI refuses more tabs than cores; the driver's default is one more
        extra = {**extra, "concurrency": min(int(extra["concurrency"]), os.cpu_count() or 1)}
    args += [f"{CLI_FLAGS[key]}={value}" for key, value in extra.items() if key in CLI_FLAGS]
    return timed(args, cwd=REMOTION)


def driver_render(bundle: str, recap: str, output: str) -> float:
    job = {
        "inputProps": json.loads(props_file(recap).read_text()),
        "outputPath": output,
        "serveUrl": bundle,
        "browserExecutable": browser(),
        **tuned(),
    }
    return timed(["node", str(DRIVER)], cwd=REMOTION, stdin=json.dumps(job))


def measure(bundle: str, recap: str, runs: int) -> dict[str, Any]:
    default = [cli_render(bundle, recap, str(WORK / f"cli-default-{i}.mp4"), {}) for i in range(runs)]
    settings = tuned()
    fast = [cli_render(bundle, recap, str(WORK / f"cli-tuned-{i}.mp4"), settings) for i in range(runs)]
    driver = [driver_render(bundle, recap, str(WORK / f"driver-{i}.mp4")) for i in range(runs)]
    return {
        "recap": recap,
        "cli_default": default,
        "cli_tuned": fast,
        "driver_tuned": driver,
        "cli_default_median": median(default),
        "cli_tuned_median": median(fast),
        "driver_tuned_median": median(driver),
        "speedup": median(default) / median(fast),
        "tuned_settings": settings,
    }
