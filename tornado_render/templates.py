"""Templates on the server: the presets, resolving a request's `templateId` and `template` over the defaults, and
how long the video of a recap is with a template.

The template's one definition is remotion/src/template/template.ts; its keys, ranges and scenes reach the server
as JSON Schema (template_shape.py). This module holds what a schema cannot say, the resolver and the timing rule
of remotion/src/timing/timeline.ts, and tests/test_templates.py runs both sides on the same inputs. The presets
are the JSON files the composition reads too (remotion/src/template/presets/*.json, `{"name", "template"}`);
`default.json` is complete and is the defaults. Validating what a client sends is the job of
validation/template_schema.py (with the same JSON Schema): what reaches `resolve` here is known to be well formed.

`audio`, the soundtrack, is not merged field by field like the sections (template.ts resolveAudio): `null`
silences, a `track` or `url` replaces the source, `volume` alone changes the current source's volume. The track ids
are the bundled beds' (remotion/src/audio/beds.json).
"""

from __future__ import annotations

import copy
import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .template_shape import (
    ANIMATION_STYLES,
    AUDIO_KEYS,
    BPM_RANGE,
    COLOR_KEYS,
    COVER_SIZES,
    FONT_FAMILIES,
    FONT_ROLES,
    LAYOUTS,
    MAX_AUDIO_URL,
    MAX_CUSTOM_TEXT,
    NUMBER_RANGES,
    OVERLAP_RANGE,
    SCENE_SECTIONS,
    SCENE_TIMING,
    TIMING_KEYS,
    TIMING_RANGE,
    VOLUME_RANGE,
)

FPS = 30
DEFAULT_PRESET = "default"
# This repository's Remotion project (REMOTION_DIR's default), for the beds' tempos when no catalog says otherwise.
DEFAULT_REMOTION_DIR = Path(__file__).resolve().parent.parent / "remotion"


def presets_dir(remotion_dir: Path) -> Path:
    return remotion_dir / "src" / "template" / "presets"


def beds_manifest_path(remotion_dir: Path) -> Path:
    """The bundled soundtrack beds (ids, tempos, files under public/, measured loudness)."""
    return remotion_dir / "src" / "audio" / "beds.json"


def sample_recap_path(remotion_dir: Path) -> Path:
    """The recap the thumbnails show (the Remotion Studio's default props too)."""
    return remotion_dir / "src" / "sampleRecap.json"


@dataclass(frozen=True)
class Preset:
    id: str
    name: str
    # As written in its file (a partial template), and laid over the defaults.
    template: Mapping[str, Any]
    resolved: Mapping[str, Any]


def _overlay(base: dict[str, Any], layer: Mapping[str, Any], shape: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with the fields of `layer` that `shape` (the defaults) has laid over it, section by section."""
    result = dict(base)
    for key, value in layer.items():
        if key not in shape:
            continue
        if isinstance(shape[key], dict):
            if isinstance(value, Mapping):
                result[key] = _overlay(result[key], value, shape[key])
        else:
            result[key] = value
    return result


def resolve_audio(current: Mapping[str, Any] | None, layer: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The soundtrack after one (valid) layer: null silences, a track or url replaces the source (volume 1 unless
    given), volume alone changes the current source's volume and leaves silence silent (template.ts resolveAudio)."""
    if layer is None:
        return None
    volume = layer.get("volume", 1)
    if "track" in layer:
        return {"track": layer["track"], "volume": volume}
    if "url" in layer:
        return {"url": layer["url"], "bpm": layer.get("bpm"), "volume": volume}
    if "volume" in layer and current is not None:
        return {**current, "volume": volume}
    return None if current is None else dict(current)


def scene_length(timing: Mapping[str, int], scene: str) -> int:
    """How long a scene lasts: its total, or the sum of its parts when that is longer."""
    parts, total = SCENE_TIMING[scene]
    return max(int(timing[total]), sum(int(timing[part]) for part in parts))


class TemplateCatalog:
    """The presets of a Remotion project, read once, and the resolver over its defaults."""

    def __init__(self, directory: Path, beds_manifest: Path | None = None) -> None:
        beds = json.loads((beds_manifest or directory.parent.parent / "audio" / "beds.json").read_text())["beds"]
        self.tracks: dict[str, dict[str, Any]] = {str(bed["id"]): bed for bed in beds}
        files = sorted(directory.glob("*.json"), key=lambda path: (path.stem != DEFAULT_PRESET, path.stem))
        if not files or files[0].stem != DEFAULT_PRESET:
            raise FileNotFoundError(f"no {DEFAULT_PRESET}.json preset in {directory}")
        self.defaults: dict[str, Any] = json.loads(files[0].read_text())["template"]
        self.presets: dict[str, Preset] = {}
        for path in files:
            data = json.loads(path.read_text())
            self.presets[path.stem] = Preset(
                path.stem, str(data["name"]), data["template"], self.resolve(data["template"])
            )

    @classmethod
    def for_remotion_dir(cls, remotion_dir: Path) -> TemplateCatalog:
        return cls(presets_dir(remotion_dir), beds_manifest_path(remotion_dir))

    @property
    def ids(self) -> list[str]:
        return list(self.presets)

    def resolve(self, *layers: Mapping[str, Any]) -> dict[str, Any]:
        """A complete template: the defaults, then each layer (a preset, the reader's template) field by field; each
        scene's total becomes the length it lasts (template.ts resolveTemplate)."""
        result = copy.deepcopy(self.defaults)
        for layer in layers:
            result = _overlay(result, {key: value for key, value in layer.items() if key != "audio"}, self.defaults)
            if "audio" in layer:
                result["audio"] = resolve_audio(result["audio"], layer["audio"])
        timing = dict(result["global"]["timing"])
        for scene, (_, total) in SCENE_TIMING.items():
            timing[total] = scene_length(timing, scene)
        result["global"] = {**result["global"], "timing": timing}
        return result


def options(template: Mapping[str, Any], scene: str) -> Mapping[str, Any]:
    """A scene's options in a template: the section that holds them (SCENE_SECTIONS: `book` is `bookReveal`)."""
    section: Mapping[str, Any] = template[SCENE_SECTIONS[scene]]
    return section


def scenes(recap: Mapping[str, Any], template: Mapping[str, Any]) -> list[str]:
    """The timing scene of each scene of the video, in order (timeline.ts buildTimeline)."""
    books = len(recap.get("books") or [])
    book_scenes = (1 if books else 0) if options(template, "book")["layout"] == "grid" else books
    reading = len(recap.get("currentlyReading") or []) > 0 and options(template, "comingSoon")["maxBooks"] > 0
    return ["intro", *["book"] * book_scenes, "stats", *(["comingSoon"] if reading else []), "outro"]


def scene_lengths(recap: Mapping[str, Any], template: Mapping[str, Any]) -> list[int]:
    timing = template["global"]["timing"]
    return [int(timing[SCENE_TIMING[scene][1]]) for scene in scenes(recap, template)]


@functools.cache
def bed_tempos(remotion_dir: Path = DEFAULT_REMOTION_DIR) -> dict[str, float]:
    """Beats per minute of each bundled bed, by id."""
    beds = json.loads(beds_manifest_path(remotion_dir).read_text())["beds"]
    return {str(bed["id"]): float(bed["bpm"]) for bed in beds}


def tempo_of(audio: Any, tempos: Mapping[str, float]) -> float | None:
    """Beats per minute a template's `audio` plays at, or None: silence, a track of unknown tempo, volume 0
    (audio/soundtrack.ts soundtrackTempo)."""
    if not isinstance(audio, Mapping):
        return None
    volume = audio.get("volume")
    if isinstance(volume, int | float) and not isinstance(volume, bool) and volume <= 0:
        return None
    track, url, bpm = audio.get("track"), audio.get("url"), audio.get("bpm")
    if isinstance(track, str):
        return tempos.get(track)
    if isinstance(url, str) and isinstance(bpm, int | float) and not isinstance(bpm, bool) and bpm > 0:
        return float(bpm)
    return None


def next_beat(frame: int, beat: float) -> int:
    """The first frame at or after `frame` that a beat falls on, rounded half up (audio/soundtrack.ts nextBeat)."""
    index = math.ceil(frame / beat - 1e-9)
    return math.floor(index * beat + 0.5)


def duration_frames(
    recap: Mapping[str, Any], template: Mapping[str, Any], tempos: Mapping[str, float] | None = None
) -> int:
    """Frames of the video: each scene after the first starts `transitionOverlap` frames before the previous one
    ends (never before it starts), and the video ends where the last scene ends; with a soundtrack of known tempo,
    each scene's start and the video's end move to the next beat (timeline.ts calculateDuration). `tempos`: the
    beds' tempos by id (default: this repository's beds)."""
    overlap = int(template["global"]["timing"]["transitionOverlap"])
    bpm = tempo_of(template.get("audio"), bed_tempos() if tempos is None else tempos)
    beat = None if bpm is None else 60 * FPS / bpm

    def on_beat(frame: int) -> int:
        return frame if beat is None else next_beat(frame, beat)

    lengths = scene_lengths(recap, template)
    start = 0
    for length in lengths[:-1]:
        start = on_beat(start + max(1, length - overlap))
    return on_beat(start + lengths[-1])


# The template's keys, choices and ranges are template_shape's (read from the one definition), re-exported here.
__all__ = [
    "ANIMATION_STYLES",
    "AUDIO_KEYS",
    "BPM_RANGE",
    "COLOR_KEYS",
    "COVER_SIZES",
    "DEFAULT_PRESET",
    "DEFAULT_REMOTION_DIR",
    "FONT_FAMILIES",
    "FONT_ROLES",
    "FPS",
    "LAYOUTS",
    "MAX_AUDIO_URL",
    "MAX_CUSTOM_TEXT",
    "NUMBER_RANGES",
    "OVERLAP_RANGE",
    "SCENE_SECTIONS",
    "SCENE_TIMING",
    "TIMING_KEYS",
    "TIMING_RANGE",
    "VOLUME_RANGE",
    "Preset",
    "TemplateCatalog",
    "bed_tempos",
    "beds_manifest_path",
    "duration_frames",
    "next_beat",
    "options",
    "presets_dir",
    "resolve_audio",
    "sample_recap_path",
    "scene_length",
    "scene_lengths",
    "scenes",
    "tempo_of",
]
