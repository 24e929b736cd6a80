"""The sample recaps and covers in tests/fixtures (the recaps copied from the product's shared fixture set; the designed
covers drawn by scripts/make-test-covers)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RECAPS = FIXTURES / "recaps"
COVERS = FIXTURES / "covers"
RECAP_NAMES = sorted(path.stem for path in RECAPS.glob("*.json"))

# The designed covers (drawn by scripts/make-test-covers) of the fixture recaps' books, by title.
BOOK_COVERS = {
    "The Left Hand of Darkness": "left-hand-of-darkness-ice.png",
    "Frankenstein; or, The Modern Prometheus": "frankenstein-storm.jpg",
    "Piranesi": "piranesi-tides.jpg",
    "The Three-Body Problem": "three-body-problem.jpg",
    "Good Omens": "good-omens.png",
    "Middlemarch": "middlemarch.png",
}
# Every designed cover: those of the recaps' books, and two no recap holds (forest green; orange and wide).
DESIGNED_COVERS = sorted([*BOOK_COVERS.values(), "the-overstory.jpg", "dune.jpg"])


def load_recap(name: str) -> dict[str, Any]:
    """A fresh copy of a fixture RenderRequest ({"userId", "data"})."""
    return copy.deepcopy(json.loads((RECAPS / f"{name}.json").read_text()))


def distinct_recap(name: str, tag: str) -> dict[str, Any]:
    """A fixture made unique (a different monthName), so it becomes a job of its own."""
    recap = load_recap(name)
    recap["data"]["meta"]["monthName"] = tag
    return recap


def with_covers(request: dict[str, Any], covers_url: str) -> dict[str, Any]:
    """A copy of a RenderRequest whose books, currently-reading books and top- and lowest-rated books carry the URL
    of their designed cover on the cover server at `covers_url` (tests/support/cover_server.py); a title without
    one keeps its null."""
    copied = copy.deepcopy(request)
    data = copied["data"]
    stats = data.get("stats") or {}
    entries = [
        *data["books"],
        *data.get("currentlyReading", []),
        stats.get("topRatedBook"),
        stats.get("lowestRatedBook"),
    ]
    for entry in entries:
        if entry and entry["title"] in BOOK_COVERS:
            entry["coverUrl"] = f"{covers_url}/{BOOK_COVERS[entry['title']]}"
    return copied
