"""Which headless Chromium Remotion uses. Remotion would download its own, which this server never lets it do
(many hosts cannot reach the download, and a render must not stall on one): the browser is found before any
render, in the same order scripts/setup installs one."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import BrowserNotFound
from ..settings import Settings

DEBIAN_HEADLESS_SHELL = Path("/usr/lib/chromium/chromium-headless-shell")
REMOTION_DOWNLOAD = Path(
    "node_modules/.remotion/chrome-headless-shell/linux64/chrome-headless-shell-linux64/chrome-headless-shell"
)


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_browser(settings: Settings) -> str:
    """BROWSER_EXECUTABLE, else Debian's chromium-headless-shell, else a browser Remotion downloaded earlier."""
    if settings.browser_executable:
        configured = Path(settings.browser_executable)
        if not _executable(configured):
            raise BrowserNotFound(f"BROWSER_EXECUTABLE={configured} is not an executable file")
        return str(configured)
    for candidate in (DEBIAN_HEADLESS_SHELL, settings.remotion_dir / REMOTION_DOWNLOAD):
        if _executable(candidate):
            return str(candidate)
    raise BrowserNotFound(
        "no headless Chromium found. Run scripts/setup (it installs Debian's chromium-headless-shell when run as "
        "root), or install it yourself (apt-get install chromium-headless-shell), or set BROWSER_EXECUTABLE."
    )
