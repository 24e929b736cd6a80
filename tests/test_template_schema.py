"""The template's one definition reaching the server: template.schema.json is what
remotion/scripts/export-template-schema.mjs makes of template.ts today, and the validator reads it as JavaScript
reads template.ts (lengths in UTF-16 code units, finite numbers, the color grammar as a format)."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from tests.support.remotion import REMOTION
from tornado_render.template_shape import SCENE_SECTIONS, SCENE_TIMING, SCHEMA_PATH
from tornado_render.templates import TemplateCatalog
from tornado_render.validation.template_schema import TemplateError, TemplateSchema, load_template
from tornado_render.validation.template_validator import TEMPLATE_VALIDATOR

CATALOG = TemplateCatalog.for_remotion_dir(REMOTION)


class TestExport:
    def test_committed_schema_is_a_fresh_export(self) -> None:
        """tornado_render/template.schema.json is byte for byte what the script exports from template.ts now (run
        `node remotion/scripts/export-template-schema.mjs` after changing the template)."""
        fresh = subprocess.run(
            ["node", str(REMOTION / "scripts" / "export-template-schema.mjs"), "--stdout"],
            capture_output=True,
            text=True,
            cwd=REMOTION,
            check=True,
            timeout=120,
        ).stdout
        assert fresh == SCHEMA_PATH.read_text()

    def test_scenes_have_one_name_and_say_their_section(self) -> None:
        """Each scene's name is its timing prefix, and the schema pairs it with the section of its options once."""
        assert SCENE_SECTIONS == {
            "intro": "intro",
            "book": "bookReveal",
            "stats": "statsReveal",
            "comingSoon": "comingSoon",
            "outro": "outro",
        }
        for scene, (parts, total) in SCENE_TIMING.items():
            assert total == f"{scene}Total"
            assert all(part.startswith(scene) for part in parts)


def valid(template: dict[str, Any]) -> bool:
    return TEMPLATE_VALIDATOR.is_valid(template)


class TestValidatorReadsTheSchemaAsJavaScript:
    @pytest.mark.parametrize(
        ("text", "accepted"),
        [("\U0001f4da" * 100, True), ("\U0001f4da" * 101, False), ("x" * 200, True), ("x" * 201, False)],
    )
    def test_max_length_counts_utf16_code_units(self, text: str, accepted: bool) -> None:
        """`maxLength` is a JavaScript string's length: an emoji is two code units."""
        assert valid({"outro": {"customText": text}}) is accepted

    @pytest.mark.parametrize("number", [float("nan"), float("inf"), True])
    def test_numbers_are_finite_and_not_booleans(self, number: Any) -> None:
        """NaN, Infinity (which Python's json reads) and true are not numbers, as zod says."""
        assert not valid({"intro": {"titleFontSize": number}})
        assert not valid({"global": {"timing": {"introHold": number}}})

    def test_integral_floats_are_integers_and_huge_integers_are_out_of_range(self) -> None:
        """30.0 is the integer 30; an integer too large for a float is refused by its range, not a crash."""
        assert valid({"global": {"timing": {"introHold": 30.0}}})
        assert not valid({"global": {"timing": {"introHold": 10**400}}})

    def test_lone_surrogates_and_newlines_are_refused_in_text(self) -> None:
        """A lone surrogate, or a final newline (which Python's `$` would let through), is not one line of text."""
        assert not valid({"outro": {"customText": "a\ud800"}})
        assert not valid({"outro": {"customText": "Bye\n"}})
        assert not valid({"audio": {"url": "https://example.org/a.mp3\n"}})

    def test_colors_follow_the_grammar(self) -> None:
        """`format: css-color` is colors.ts's grammar, checked."""
        assert valid({"global": {"colors": {"accent": "rgb(1 2 3 / 50%)"}}})
        assert not valid({"global": {"colors": {"accent": "url(x)"}}})


class TestMessages:
    def test_numbers_load_as_javascript_holds_them(self) -> None:
        """A loaded template keeps its known fields only, 220.0 as 220, in the schema's order."""
        loaded = TemplateSchema().load({"intro": {"showYear": False, "titleFontSize": 220.0, "x": 1}, "y": 2})
        assert loaded == {"intro": {"titleFontSize": 220, "showYear": False}}
        assert isinstance(loaded["intro"]["titleFontSize"], int)

    def test_each_bad_field_has_one_message(self) -> None:
        """Several keywords failing on one field give the first message a reader needs (control characters before
        length); the audio rules wait for the audio fields."""
        with pytest.raises(TemplateError) as refused:
            load_template(
                {"audio": {"url": "x\n" * 2000, "track": "neon"}, "outro": {"customText": None, "layout": 5}},
                None,
                CATALOG,
            )
        assert refused.value.fields == {
            "template.outro.layout": ["Not a valid string."],
            "template.audio.url": ["must not contain control characters"],
        }
