"""The server's templates against the composition's one definition (remotion/src/template/template.ts, colors.ts,
and the timing rule of timeline.ts), asked through remotion/scripts/template-rules.mjs: the same constants, the same
color grammar, the same field checks, the same resolver and the same video length, on the same inputs."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from marshmallow import ValidationError

from tests.support.recaps import RECAP_NAMES, load_recap
from tests.support.server import ROOT
from tests.support.typescript import calculate_durations, template_rules
from tornado_render import templates
from tornado_render.jobs.model import job_key
from tornado_render.recap import RenderRequest
from tornado_render.storage.naming import video_token
from tornado_render.templates import TemplateCatalog, duration_frames
from tornado_render.validation.css_colors import is_css_color
from tornado_render.validation.template_schema import TEMPLATE_SHAPE, TemplateError, TemplateSchema, load_template

CATALOG = TemplateCatalog.for_remotion_dir(ROOT / "remotion")


@pytest.fixture(scope="module")
def constants() -> dict[str, Any]:
    """template.ts's constants and defaults, read once for this module."""
    answer: dict[str, Any] = template_rules(constants=True)["constants"]
    return answer


class TestConstants:
    def test_keys_and_choices_mirror_template_ts(self, constants: dict[str, Any]) -> None:
        """Every key list, choice list, range and limit of templates.py is template.ts's."""
        assert list(templates.COLOR_KEYS) == constants["COLOR_KEYS"]
        assert list(templates.FONT_ROLES) == constants["FONT_ROLES"]
        assert {
            scene: {"parts": list(parts), "total": total} for scene, (parts, total) in templates.SCENE_TIMING.items()
        } == (constants["SCENE_TIMING"])
        assert list(templates.TIMING_KEYS) == constants["TIMING_KEYS"]
        assert (constants["TIMING_RANGE"]["min"], constants["TIMING_RANGE"]["max"]) == templates.TIMING_RANGE
        assert (constants["OVERLAP_RANGE"]["min"], constants["OVERLAP_RANGE"]["max"]) == templates.OVERLAP_RANGE
        assert {section: list(choices) for section, choices in templates.LAYOUTS.items()} == constants["LAYOUTS"]
        assert list(templates.COVER_SIZES) == constants["COVER_SIZES"]
        assert list(templates.ANIMATION_STYLES) == constants["ANIMATION_STYLES"]
        assert {
            name: {"min": low, "max": high, "integer": integer}
            for name, (low, high, integer) in templates.NUMBER_RANGES.items()
        } == (constants["NUMBER_RANGES"])
        assert constants["MAX_CUSTOM_TEXT"] == templates.MAX_CUSTOM_TEXT
        assert list(templates.FONT_FAMILIES) == constants["TEMPLATE_FONT_FAMILIES"]
        assert list(CATALOG.tracks) == constants["AUDIO_TRACKS"]
        assert constants["MAX_AUDIO_URL"] == templates.MAX_AUDIO_URL
        assert (constants["BPM_RANGE"]["min"], constants["BPM_RANGE"]["max"]) == templates.BPM_RANGE
        assert (constants["VOLUME_RANGE"]["min"], constants["VOLUME_RANGE"]["max"]) == templates.VOLUME_RANGE
        assert sorted(constants["FIELDS"]["audio"]) == sorted(templates.AUDIO_KEYS)

    def test_schema_has_exactly_the_fields_of_template_ts(self, constants: dict[str, Any]) -> None:
        """The marshmallow schema knows the same sections and fields as TEMPLATE_FIELDS (so no field is refused or
        warned about on one side and drawn on the other)."""
        fields = constants["FIELDS"]
        assert set(TEMPLATE_SHAPE) == set(fields)
        for section, known in fields.items():
            assert set(TEMPLATE_SHAPE[section]) == set(known), section
            for name, keys in known.items():
                shape = TEMPLATE_SHAPE[section][name]
                assert (None if shape is None else sorted(shape)) == (None if keys is None else sorted(keys)), name

    def test_defaults_are_default_json(self, constants: dict[str, Any]) -> None:
        """The server's defaults are the composition's DEFAULT_TEMPLATE (presets/default.json)."""
        assert CATALOG.defaults == constants["DEFAULT_TEMPLATE"]

    def test_presets_are_valid_templates(self) -> None:
        """Every preset file passes the server's validation with nothing ignored: it means what it says."""
        assert CATALOG.ids[0] == "default"
        assert len(CATALOG.ids) >= 4
        for preset in CATALOG.presets.values():
            loaded = load_template(json.loads(json.dumps(preset.template)), None, CATALOG)
            assert loaded.warnings == [], preset.id
            assert loaded.resolved == preset.resolved, preset.id


# Strings the grammar must get right: near misses of every rule, JavaScript's idea of space and digits, case.
COLOR_CASES = [
    "#fff",
    "#FFFF",
    "#a1b2c3",
    "#A1B2C3D4",
    "#ff",
    "#fffff",
    "#ggg",
    "#a1b2c3d",
    " #fff ",
    "#fff;",
    "red",
    "ReD",
    "REBECCAPURPLE",
    "transparent",
    "currentcolor",
    "inherit",
    "none",
    "blac\u212a",
    "\ufeffred",
    "\u2003red\u3000",
    "\u0085red",
    "re d",
    "rgb(1,2,3)",
    "rgb(1, 2, 3)",
    "rgba(1,2,3,0.5)",
    "rgba(1,2,3,50%)",
    "rgb(1 2 3)",
    "rgb(1 2 3 / 0.5)",
    "rgb(1 2 3 / 50%)",
    "rgb(255,255,255)",
    "rgb(256,0,0)",
    "rgb(-1,0,0)",
    "rgb(1,2)",
    "rgb(1,2,3,4,5)",
    "rgb(1,2,3,)",
    "rgb(100%,0%,0%)",
    "rgb(100%,0,0)",
    "rgb(101%,0%,0%)",
    "rgb(1.5,2.5,3.5)",
    "rgb(.5,1,1)",
    "rgb(1.,2,3)",
    "rgb(1e2,0,0)",
    "rgb(+1,0,0)",
    "rgb(1,2,3,1.1)",
    "rgb(1,2,3,-0)",
    "RGB(1,2,3)",
    "rgb(1\u00a02\u00a03)",
    "rgb(\u0661,2,3)",
    "rgb(1 2 3 / 0.5 / 1)",
    "rgb(1 2,3)",
    "rgb((1,2,3))",
    "rgb(1, 2, 3) ",
    "rgb (1,2,3)",
    "rgb(1 2 3 /)",
    "rgb(1 2 3/0.5)",
    "rgb( 1 , 2 , 3 )",
    "hsl(120,50%,50%)",
    "hsl(120deg,50%,50%)",
    "hsl(120 50% 50%)",
    "hsla(120,50%,50%,0.3)",
    "hsl(361,50%,50%)",
    "hsl(120,50,50)",
    "hsl(120,101%,50%)",
    "hsl(120deg 50% 50% / 20%)",
    "hsl(120rad,50%,50%)",
    "hsl(0,0%,0%)",
    "url(x)",
    "var(--a)",
    "calc(1px)",
    "expression(alert(1))",
    "red;background:url(x)",
    "",
    " ",
    "#",
    "#" + "f" * 63,
    "rgb(" + "0" * 60 + ",0,0)",
    "rgb(" + "0" * 56 + ",0,0)",
    "\ud800",
    "rgb(1,2,3)\n",
]


def random_colors(count: int, seed: int) -> list[str]:
    """Functional colors built from the grammar's pieces (edge numbers, units, separators, spaces), a third of them
    then damaged by one random edit, and hex strings of every length: mostly near misses, many valid."""
    generator = random.Random(seed)
    numbers = ["0", "1", "50", "100", "100.0", ".5", "0.5", "1.5", "255", "256", "360", "361", "-1", "1e2", "01"]
    units = ["", "", "", "%", "deg"]
    spaces = ["", " ", "  ", "\u00a0", "\t"]

    def component() -> str:
        return generator.choice(numbers) + generator.choice(units)

    def functional() -> str:
        name = generator.choice(["rgb", "rgba", "hsl", "hsla", "RGB", "hsv"])
        pad = generator.choice(spaces)
        values = [component() for _ in range(generator.choice([2, 3, 3, 3, 4]))]
        if generator.random() < 0.5:
            body = f"{pad},{pad}".join(values + ([component()] if generator.random() < 0.4 else []))
        else:
            body = " ".join(values) + (f"{pad}/{pad}{component()}" if generator.random() < 0.5 else "")
        return f"{name}({pad}{body}{pad})"

    def damaged(text: str) -> str:
        at = generator.randrange(len(text) + 1)
        edit = generator.choice(["drop", "insert"])
        if edit == "drop" and text:
            return text[:at] + text[at + 1 :]
        return text[:at] + generator.choice(list("(),/% .#0a")) + text[at:]

    cases = []
    for _ in range(count):
        kind = generator.random()
        if kind < 0.2:
            text = "#" + "".join(generator.choice("0123456789abcdefABCDEFg") for _ in range(generator.randint(0, 9)))
        else:
            text = functional()
        cases.append(damaged(text) if generator.random() < 0.3 else text)
    return cases


class TestColors:
    def test_grammar_agrees_with_colors_ts(self) -> None:
        """For hand-picked near misses and 2,000 generated strings, the server takes a color exactly when
        colors.ts parseCssColor does."""
        cases = COLOR_CASES + random_colors(2000, seed=12)
        typescript = template_rules(colors=cases)["colors"]
        disagreements = [case for case, ts in zip(cases, typescript, strict=True) if is_css_color(case) != ts]
        assert disagreements == []
        assert sum(typescript) > 100  # the generated strings are not all trivially invalid


# Values to try in each kind of field: right and wrong types, the edges of every range.
NUMBERS = [0, 1, 2, 6, 7, 15.9, 16, 23.9, 24, 30, 30.0, 30.5, 220, 300, 300.5, 400, 400.1, 599, 600, 601, -1, 1e9]
OTHERS = [None, True, False, "5", "", [], {}, "split", "grid", "list", "single", "small", "pop", "branded"]
TEXTS = ["", "Keep reading", "x" * 200, "x" * 201, "\U0001f4da" * 100, "\U0001f4da" * 101, "\u00e9" * 200]


def field_paths(constants: dict[str, Any]) -> list[str]:
    """Every field of the sections (audio's fields depend on each other: TestAudioChecks)."""
    return [
        f"{section}.{name}.{key}" if keys else f"{section}.{name}"
        for section, fields in constants["FIELDS"].items()
        if section != "audio"
        for name, keys in fields.items()
        for key in (keys or [None])
    ]


def accepts(path: str, value: Any) -> bool:
    """Whether the server's schema takes `value` for the field at `path` (field by field, before the totals)."""
    template: dict[str, Any] = {}
    node = template
    *sections, name = path.split(".")
    for section in sections:
        node = node.setdefault(section, {})
    node[name] = value
    try:
        TemplateSchema().load(template)
    except ValidationError:
        return False
    return True


class TestFieldChecks:
    def test_each_field_takes_what_template_ts_takes(self, constants: dict[str, Any]) -> None:
        """Every field of the schema accepts a value exactly when TEMPLATE_FIELDS' check does, for numbers at the
        edges of the ranges, wrong types, enum values of other fields and text at the length limit; except that
        the server also refuses control characters in customText (tested in test_template_requests)."""
        questions = []
        for path in field_paths(constants):
            values = [*TEXTS, None, 5, True] if path == "outro.customText" else NUMBERS + OTHERS
            if path.startswith("global.colors."):
                values = ["red", "#123456", "rgb(1,2,3)", "nope", 5, None, ""]
            elif path.startswith("global.fonts."):
                values = ["Inter", "Fraunces", "JetBrains Mono", "Comic Sans MS", "inter", "", None, 5]
            questions += [[path, value] for value in values]
        typescript = template_rules(checks=questions)["checks"]
        disagreements = [
            (path, value, ts)
            for (path, value), ts in zip(questions, typescript, strict=True)
            if accepts(path, value) != ts
        ]
        assert disagreements == []


AUDIO_URLS = [
    "https://example.org/track.mp3",
    "http://example.org/a.ogg?x=1#y",
    "HTTPS://EXAMPLE.ORG/A.WAV",
    "https://example.org/" + "x" * (2048 - 20),
    "https://example.org/" + "x" * (2049 - 20),
    "https://example.org/" + "x" * 2000 + "\U0001f3b5" * 14,  # 2,048 UTF-16 code units, 2,034 code points
    "https://example.org/" + "x" * 2000 + "\U0001f3b5" * 15,
    "javascript:alert(1)",
    "data:audio/wav;base64,AAAA",
    "ftp://example.org/a.mp3",
    "file:///etc/passwd",
    "//example.org/a.mp3",
    "https://",
    "https:///a.mp3",
    "https:// example.org",
    " https://example.org/a.mp3",
    "https://example.org/a\nb.mp3",
    "https://example.org/a\u0085b.mp3",
    "https://example.org/a\u00a0b.mp3",
    "https://exämple.org/ä.flac",
    "",
    5,
    None,
]


def audio_accepted(layer: dict[str, Any]) -> bool:
    """Whether the server takes this `audio` (schema and catalog), before anything is fetched."""
    try:
        load_template({"audio": layer}, None, CATALOG)
    except TemplateError:
        return False
    return True


class TestAudioChecks:
    def test_each_audio_field_takes_what_template_ts_takes(self) -> None:
        """Each field of `audio` accepts a value exactly when AUDIO_FIELDS' check does (track names, URLs at the
        length limit in UTF-16 code units, schemes, control characters, bpm and volume at their edges, wrong
        types); bpm is asked with a url beside it, the only way the server takes it."""
        cases: list[tuple[str, Any, dict[str, Any]]] = []
        for track in ["daybreak", "lamplight", "neon", "Neon", "", "nope", 5, None, True]:
            cases.append(("audio.track", track, {"track": track}))
        for url in AUDIO_URLS:
            cases.append(("audio.url", url, {"url": url}))
        for bpm in [None, 39.9, 40, 40.0, 120, 128.5, 240, 240.1, 0, -120, "120", True, [], {}]:
            cases.append(("audio.bpm", bpm, {"url": "https://example.org/a.mp3", "bpm": bpm}))
        for volume in [0, 0.0, 0.25, 1, 1.0, 1.01, -0.1, 2, None, True, "1", []]:
            cases.append(("audio.volume", volume, {"volume": volume}))
        typescript = template_rules(checks=[[path, value] for path, value, _ in cases])["checks"]
        disagreements = [
            (path, value, ts)
            for (path, value, layer), ts in zip(cases, typescript, strict=True)
            if audio_accepted(layer) != ts
        ]
        assert disagreements == []

    def test_combinations_that_mean_nothing_are_refused(self) -> None:
        """A track and a url together, or a bpm without a url, is a 400 naming the field; null is silence."""
        for layer, path in [
            ({"track": "neon", "url": "https://example.org/a.mp3"}, "template.audio.url"),
            ({"bpm": 120}, "template.audio.bpm"),
            ({"track": "neon", "bpm": 120}, "template.audio.bpm"),
        ]:
            with pytest.raises(TemplateError) as refused:
                load_template({"audio": layer}, None, CATALOG)
            assert list(refused.value.fields) == [path], layer
        assert load_template({"audio": None}, None, CATALOG).resolved["audio"] is None


# Layers a reader might send: partial, timing parts or totals only, every layout, unknown keys.
LAYERS: list[dict[str, Any]] = [
    {},
    {"global": {"colors": {"accent": "hotpink"}}},
    {"global": {"timing": {"introHold": 100}}},
    {"global": {"timing": {"introTotal": 200, "bookTotal": 150}}},
    {"global": {"timing": {"bookSlideIn": 60, "bookTotal": 200, "transitionOverlap": 12}}},
    {"intro": {"layout": "minimal", "showYear": False}, "outro": {"customText": "Bye", "layout": "branded"}},
    {"bookReveal": {"layout": "grid", "coverSize": "large"}, "comingSoon": {"maxBooks": 0}},
    {"comingSoon": {"maxBooks": 2, "layout": "single"}, "statsReveal": {"layout": "minimal", "showTopBook": False}},
    {"global": {"fonts": {"heading": "JetBrains Mono"}, "future": 1}, "newScene": {"x": 1}},
    {"intro": {"titleFontSize": 300.0, "subtitleFontSize": 16}},
    {"audio": None},
    {"audio": {"volume": 0.3}},
    {"audio": {"volume": 0}},
    {"audio": {"track": "neon"}},
    {"audio": {"track": "lamplight", "volume": 0.5, "fade": "slow"}},
    {"audio": {"url": "https://example.org/a.mp3", "bpm": 96}},
    {"audio": {"url": "https://example.org/b.ogg", "volume": 0.5, "bpm": None}},
    {"audio": {}},
]
# Several layers in a row: silence stays silent under a volume, a source replaced keeps nothing of the last one.
AUDIO_SEQUENCES: list[list[dict[str, Any]]] = [
    [{"audio": None}, {"audio": {"volume": 0.5}}],
    [{"audio": None}, {"audio": {"track": "daybreak"}}],
    [{"audio": {"url": "https://example.org/a.mp3", "bpm": 96, "volume": 0.2}}, {"audio": {"track": "neon"}}],
    [{"audio": {"track": "neon", "volume": 0.2}}, {"audio": {"url": "https://example.org/a.mp3"}}],
    [{"audio": {"url": "https://example.org/a.mp3", "bpm": 96}}, {"audio": {"volume": 0.7}}],
]


class TestResolve:
    def test_resolvers_agree(self) -> None:
        """For every preset (and none) under every layer, the server's complete template is resolveTemplate's."""
        cases = [(preset_id, layer) for preset_id in [None, *CATALOG.ids] for layer in LAYERS]
        typescript = template_rules(
            resolve=[[CATALOG.presets[preset_id].template if preset_id else {}, layer] for preset_id, layer in cases]
        )["resolve"]
        for (preset_id, layer), expected in zip(cases, typescript, strict=True):
            assert load_template(layer, preset_id, CATALOG).resolved == expected, (preset_id, layer)

    def test_audio_layers_resolve_alike(self) -> None:
        """Layers of audio laid one over another (over every preset) resolve to what resolveTemplate makes."""
        cases = [
            [CATALOG.presets[preset_id].template, *layers] for preset_id in CATALOG.ids for layers in AUDIO_SEQUENCES
        ]
        typescript = template_rules(resolve=cases)["resolve"]
        for layers, expected in zip(cases, typescript, strict=True):
            assert CATALOG.resolve(*layers) == expected, layers
        assert [expected["audio"] for expected in typescript[: len(AUDIO_SEQUENCES)]] == [
            None,
            {"track": "daybreak", "volume": 1},
            {"track": "neon", "volume": 1},
            {"url": "https://example.org/a.mp3", "bpm": None, "volume": 1},
            {"url": "https://example.org/a.mp3", "bpm": 96, "volume": 0.7},
        ]

    def test_resolving_a_complete_template_changes_nothing(self) -> None:
        """A resolved template resolves to itself (the composition resolves what the server sends again)."""
        for preset in CATALOG.presets.values():
            assert CATALOG.resolve(preset.resolved) == preset.resolved


DURATION_TEMPLATES: list[tuple[str | None, dict[str, Any]]] = [
    (None, {}),
    *[(preset_id, {}) for preset_id in CATALOG.ids],
    (None, {"bookReveal": {"layout": "grid"}}),
    ("bold", {"bookReveal": {"layout": "grid"}, "global": {"timing": {"transitionOverlap": 20}}}),
    (None, {"comingSoon": {"maxBooks": 0}}),
    (None, {"comingSoon": {"maxBooks": 1}}),
    (None, {"global": {"timing": {"bookHold": 300, "introTotal": 400, "outroFadeOut": 1}}}),
    (None, {"global": {"timing": {"transitionOverlap": 0}}}),
    (None, {"global": {"timing": {"transitionOverlap": 7}}}),
    (None, {"global": {"timing": {"transitionOverlap": 89}}}),
    (None, {"global": {"timing": {"transitionOverlap": 600}}}),
    ("minimal", {"global": {"timing": {"statsTotal": 600, "comingSoonHold": 1}}}),
]


class TestDuration:
    def test_duration_rule_agrees_with_calculate_duration(self) -> None:
        """For every fixture recap in presets, grid, maxBooks 0 and 1, long and short timing and overlaps from 0
        to 600 frames, templates.duration_frames is timeline.ts calculateDuration."""
        cases = []
        for name in RECAP_NAMES:
            for preset_id, layer in DURATION_TEMPLATES:
                resolved = load_template(layer, preset_id, CATALOG).resolved
                cases.append((name, preset_id, layer, {**load_recap(name)["data"], "template": resolved}))
        typescript = calculate_durations([props for *_, props in cases])
        mismatches = [
            (name, preset_id, layer, duration_frames(props, props["template"]), frames)
            for (name, preset_id, layer, props), frames in zip(cases, typescript, strict=True)
            if duration_frames(props, props["template"]) != frames
        ]
        assert mismatches == []
        # The cases are not all the same length: the rule is exercised, not only agreed on.
        assert len(set(typescript)) > 20


class TestAudioIdentity:
    def test_another_track_is_another_video(self) -> None:
        """The soundtrack is part of the job key and the video's name: another track, a URL, another volume or
        silence is another job; the same track however it is asked for is the same one."""
        recap = load_recap("one-book")["data"]

        def request(layer: dict[str, Any], preset: str | None = None) -> RenderRequest:
            return RenderRequest("user-1", recap, load_template(layer, preset, CATALOG).resolved)

        variants = [
            request({}),
            request({"audio": {"track": "neon"}}),
            request({"audio": {"volume": 0.5}}),
            request({"audio": None}),
            request({"audio": {"url": "https://example.org/a.mp3"}}),
            request({"audio": {"url": "https://example.org/a.mp3", "bpm": 120}}),
        ]
        assert len({job_key(variant) for variant in variants}) == len(variants)
        assert len({video_token(b"secret", variant.canonical(), "bundle") for variant in variants}) == len(variants)
        same = [
            request({"audio": {"track": "neon"}}),
            request({"audio": {"track": "neon", "volume": 1.0}}),
            request(CATALOG.resolve({"audio": {"track": "neon"}})),  # the complete template sent back
        ]
        assert len({job_key(variant) for variant in same}) == 1
