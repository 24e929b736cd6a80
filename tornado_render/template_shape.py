"""The template's shape as the server reads it: template.schema.json, the JSON Schema that
remotion/scripts/export-template-schema.mjs writes from the one definition (TEMPLATE_INPUT in
remotion/src/template/template.ts). Nothing here is written by hand: the keys, choices and ranges below are read
from that file, so a change to template.ts reaches the server by re-running the script (tests/test_template_schema.py
fails until it is).

The vocabulary: a scene has one name (`intro`, `book`, `stats`, `comingSoon`, `outro`), used by the timing keys
(`bookHold`), the composition's timeline and this server. The template section holding a scene's options keeps
the reading tracker's key (`bookReveal`, `statsReveal`): it is the wire format of requests and of GET /templates.
Each section says which scene it is (`x-scene`) and that scene's timing (`x-timing`), so the one table of
template.ts (SCENES) is the only place the two are paired.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parent / "template.schema.json"
TEMPLATE_SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
DEFINITIONS: dict[str, Any] = TEMPLATE_SCHEMA["$defs"]


def resolved(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema with its `$ref` (to a definition of this file) followed, and a nullable one's non-null branch."""
    if "$ref" in schema:
        return resolved(DEFINITIONS[schema["$ref"].rsplit("/", 1)[-1]])
    branches = [branch for branch in schema.get("anyOf", []) if branch != {"type": "null"}]
    if len(branches) == 1:
        return {**resolved(branches[0]), **{key: value for key, value in schema.items() if key != "anyOf"}}
    return schema


def is_nullable(schema: dict[str, Any]) -> bool:
    return {"type": "null"} in schema.get("anyOf", [])


def properties(schema: dict[str, Any]) -> dict[str, Any]:
    """The fields an object schema knows, by name, in the order template.ts declares them."""
    props: dict[str, Any] = resolved(schema).get("properties", {})
    return props


TEMPLATE = resolved(TEMPLATE_SCHEMA)
SECTIONS = properties(TEMPLATE)
_GLOBAL = properties(SECTIONS["global"])
_TIMING = properties(_GLOBAL["timing"])


def _range(field: dict[str, Any]) -> tuple[int, int]:
    schema = resolved(field)
    return schema["minimum"], schema["maximum"]


def field(section: str, name: str) -> dict[str, Any]:
    return resolved(properties(SECTIONS[section])[name])


# Each scene (by its one name) and the template section that holds its options (the tracker's key).
SCENE_SECTIONS: dict[str, str] = {
    resolved(schema)["x-scene"]: section for section, schema in SECTIONS.items() if "x-scene" in resolved(schema)
}
# Each scene's timing parts, laid end to end, and its total.
SCENE_TIMING: dict[str, tuple[tuple[str, ...], str]] = {
    scene: (tuple(timing["parts"]), timing["total"])
    for scene, timing in ((scene, resolved(SECTIONS[section])["x-timing"]) for scene, section in SCENE_SECTIONS.items())
}
TIMING_KEYS = tuple(_TIMING)
TIMING_RANGE = _range(_TIMING["introHold"])
OVERLAP_RANGE = _range(_TIMING["transitionOverlap"])
COLOR_KEYS = tuple(properties(_GLOBAL["colors"]))
FONT_ROLES = tuple(properties(_GLOBAL["fonts"]))
FONT_FAMILIES = tuple(resolved(properties(_GLOBAL["fonts"])["heading"])["enum"])
LAYOUTS = {section: tuple(field(section, "layout")["enum"]) for section in SCENE_SECTIONS.values()}
COVER_SIZES = tuple(field("bookReveal", "coverSize")["enum"])
ANIMATION_STYLES = tuple(field("bookReveal", "animationStyle")["enum"])
# (min, max, integer) of the numeric options besides timing.
NUMBER_RANGES = {
    name: (*_range(field(section, name)), field(section, name)["type"] == "integer")
    for section, name in (("intro", "titleFontSize"), ("intro", "subtitleFontSize"), ("comingSoon", "maxBooks"))
}
MAX_CUSTOM_TEXT: int = field("outro", "customText")["maxLength"]
AUDIO_KEYS = tuple(properties(SECTIONS["audio"]))
MAX_AUDIO_URL: int = field("audio", "url")["maxLength"]
BPM_RANGE = _range(field("audio", "bpm"))
VOLUME_RANGE = _range(field("audio", "volume"))
