"""The sample recaps and covers in tests/fixtures (copied from the product's shared fixture set)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RECAPS = FIXTURES / "recaps"
COVERS = FIXTURES / "covers"
RECAP_NAMES = sorted(path.stem for path in RECAPS.glob("*.json"))


def load_recap(name: str) -> dict[str, Any]:
    """A fresh copy of a fixture RenderRequest ({"userId", "data"})."""
    return copy.deepcopy(json.loads((RECAPS / f"{name}.json").read_text()))


def distinct_recap(name: str, tag: str) -> dict[str, Any]:
    """A fixture made unique (a different monthName), so it becomes a job of its own."""
    recap = load_recap(name)
    recap["data"]["meta"]["monthName"] = tag
    return recap
