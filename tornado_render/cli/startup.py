"""What every command checks before it works, each failure a StartupError that says what to fix: a browser for
Remotion, a writable output directory, a storage that answers."""

from __future__ import annotations

from ..errors import BrowserNotFound, StorageUnavailable
from ..render.browser import find_browser
from ..settings import Settings
from ..storage import Storage, make_storage


class StartupError(Exception):
    """The setup could only fail later; the message is actionable."""


def browser_for(settings: Settings) -> str:
    """The headless Chromium renders use ("" with a replacement driver, which brings its own rendering)."""
    try:
        return find_browser(settings)
    except BrowserNotFound as error:
        if settings.driver_command:
            return ""
        raise StartupError(str(error)) from None


def ready_storage(settings: Settings) -> Storage:
    """The output directory created and the configured storage checked."""
    try:
        settings.output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StartupError(f"cannot create OUTPUT_DIR {settings.output_dir}: {error.strerror}") from None
    storage = make_storage(settings)
    try:
        storage.check()
    except StorageUnavailable as error:
        raise StartupError(str(error)) from None
    return storage
