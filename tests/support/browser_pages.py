"""Real Chromium for the page tests (playwright): a browser launched from a given executable, and pages on which
an uncaught JavaScript exception fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
PAGE_TIMEOUT_MS = 30_000


@contextmanager
def launched_browser(executable: str, extra_args: tuple[str, ...] = ()) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=[*LAUNCH_ARGS, *extra_args])
        yield browser
        browser.close()


@contextmanager
def checked_page(browser: Browser, **context_options: Any) -> Iterator[Page]:
    """A fresh page in a context of its own; an uncaught JavaScript exception on it fails the test."""
    context = browser.new_context(**context_options)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors
