"""A RenderRequest's `template` and `templateId` through a real server (fake driver): both endpoints and both stream
forms, every kind of refusal naming its field path before any work, unknown keys as warnings, hostile templates,
the template as part of the job and the video's identity, and the one duration rule in the answers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from tests.support.recaps import distinct_recap, load_recap
from tests.support.server import ROOT, ServerProcess, start_server
from tests.support.sse_client import open_stream, read_events, run_stream, stream_url
from tests.support.typescript import calculate_durations
from tornado_render.templates import TemplateCatalog, duration_frames

CATALOG = TemplateCatalog.for_remotion_dir(ROOT / "remotion")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One fake-driver server for the refusals of this module (they never create a job)."""
    process = start_server(tmp_path_factory.mktemp("templates"), fake_driver="ok")
    yield process
    process.stop()


def with_template(name: str = "one-book", template: Any = None, template_id: Any = None) -> dict[str, Any]:
    request = load_recap(name)
    if template is not None:
        request["template"] = template
    if template_id is not None:
        request["templateId"] = template_id
    return request


def post(server: ServerProcess, payload: Any) -> tuple[int, dict[str, str], Any]:
    status, headers, body = server.request("POST", "/render", payload)
    return status, headers, json.loads(body)


def refusal(server: ServerProcess, payload: Any) -> dict[str, list[str]]:
    """The fields a 400 names, the same for POST /render and GET /render-stream (JSON in `data`)."""
    status, headers, body = post(server, payload)
    assert status == 400, body
    assert headers["content-type"].startswith("application/json")
    stream = open_stream(server.port, stream_url(payload))
    assert stream.status == 400
    assert stream.json()["fields"] == body["fields"]
    fields: dict[str, list[str]] = body["fields"]
    return fields


def query_form(request: dict[str, Any], **extra: str) -> str:
    """The stream URL of the form where userId (and template, templateId) are query parameters of their own."""
    query = f"userId={quote(request['userId'])}&data={quote(json.dumps(request['data']), safe='')}"
    return "/render-stream?" + query + "".join(f"&{name}={quote(value, safe='')}" for name, value in extra.items())


class TestRefusals:
    @pytest.mark.parametrize(
        ("template", "path", "words"),
        [
            ({"global": {"colors": {"accent": "url(evil)"}}}, "template.global.colors.accent", "CSS color"),
            ({"global": {"colors": {"background": "red; color: blue"}}}, "template.global.colors.background", "CSS"),
            ({"global": {"colors": {"grain": 255}}}, "template.global.colors.grain", "CSS color"),
            ({"global": {"timing": {"introHold": 0}}}, "template.global.timing.introHold", "between 1 and 600"),
            ({"global": {"timing": {"bookExit": 601}}}, "template.global.timing.bookExit", "between 1 and 600"),
            ({"global": {"timing": {"bookHold": 2.5}}}, "template.global.timing.bookHold", "integer"),
            ({"global": {"timing": {"transitionOverlap": -1}}}, "template.global.timing.transitionOverlap", "0 and"),
            ({"global": {"timing": {"introTotal": 59}}}, "template.global.timing.introTotal", "sum of its parts"),
            ({"intro": {"titleFontSize": 401}}, "template.intro.titleFontSize", "between 24 and 400"),
            ({"intro": {"subtitleFontSize": "big"}}, "template.intro.subtitleFontSize", "number"),
            ({"comingSoon": {"maxBooks": 7}}, "template.comingSoon.maxBooks", "between 0 and 6"),
            ({"bookReveal": {"layout": "spiral"}}, "template.bookReveal.layout", "sequential, grid, carousel"),
            ({"bookReveal": {"showAuthors": "yes"}}, "template.bookReveal.showAuthors", "boolean"),
            ({"outro": {"customText": "x" * 201}}, "template.outro.customText", "at most 200"),
            ({"outro": {"customText": "\U0001f4da" * 101}}, "template.outro.customText", "at most 200"),
            ({"audio": "daybreak"}, "template.audio", "Invalid input type"),
            ({"audio": ["neon"]}, "template.audio", "Invalid input type"),
            ({"audio": {"track": 5}}, "template.audio.track", "string"),
            ({"audio": {"track": "thunder"}}, "template.audio.track", "known: daybreak, lamplight, neon"),
            ({"audio": {"url": "javascript:alert(1)"}}, "template.audio.url", "http or https"),
            ({"audio": {"url": "file:///etc/passwd"}}, "template.audio.url", "http or https"),
            ({"audio": {"url": "https://example.org/" + "a" * 2030}}, "template.audio.url", "at most 2048"),
            ({"audio": {"url": "https://example.org/a\r\nX-Evil: 1"}}, "template.audio.url", "control characters"),
            ({"audio": {"url": 42}}, "template.audio.url", "string"),
            ({"audio": {"url": "https://example.org/a.mp3", "bpm": 39}}, "template.audio.bpm", "between 40 and 240"),
            ({"audio": {"url": "https://example.org/a.mp3", "bpm": 241}}, "template.audio.bpm", "between 40 and 240"),
            ({"audio": {"url": "https://example.org/a.mp3", "bpm": "120"}}, "template.audio.bpm", "number"),
            ({"audio": {"bpm": 120}}, "template.audio.bpm", "with url"),
            ({"audio": {"track": "neon", "url": "https://example.org/a.mp3"}}, "template.audio.url", "not both"),
            ({"audio": {"volume": 2}}, "template.audio.volume", "between 0 and 1"),
            ({"audio": {"volume": -0.5}}, "template.audio.volume", "between 0 and 1"),
            ({"audio": {"volume": True}}, "template.audio.volume", "number"),
        ],
    )
    def test_bad_field_is_named_by_its_path(self, server: ServerProcess, template: Any, path: str, words: str) -> None:
        """Each kind of bad value is a 400 on both endpoints naming the field's path, with words saying why."""
        fields = refusal(server, with_template(template=template))
        assert list(fields) == [path]
        assert words in " ".join(fields[path])

    def test_font_not_bundled_lists_the_available_families(self, server: ServerProcess) -> None:
        """A font family that is not bundled is a 400 that lists the families available offline."""
        fields = refusal(server, with_template(template={"global": {"fonts": {"heading": "Comic Sans MS"}}}))
        assert fields == {
            "template.global.fonts.heading": [
                "must be one of the font families available offline: Fraunces, Inter, JetBrains Mono"
            ]
        }

    def test_unknown_template_id_lists_the_known_ones(self, server: ServerProcess) -> None:
        """An unknown templateId is a 400 listing the presets."""
        fields = refusal(server, with_template(template_id="neon"))
        assert fields == {"templateId": ["unknown template 'neon'; known: default, bold, light, minimal"]}

    def test_total_of_a_preset_is_checked_against_the_requests_parts(self, server: ServerProcess) -> None:
        """A total given with a preset must cover the preset's parts (bold's book parts sum to 105 frames)."""
        fields = refusal(server, with_template(template={"global": {"timing": {"bookTotal": 104}}}, template_id="bold"))
        assert fields == {
            "template.global.timing.bookTotal": [
                "must be at least the sum of its parts (bookSlideIn + bookTitleType + bookRatingCount + bookHold"
                " + bookExit = 105 frames)"
            ]
        }

    def test_template_errors_come_with_the_recaps(self, server: ServerProcess) -> None:
        """Every bad field of the request is in one answer, the recap's and the template's."""
        request = with_template(template={"intro": {"layout": "diagonal"}}, template_id="nope")
        request["data"]["meta"]["month"] = 13
        fields = refusal(server, request)
        assert set(fields) == {"data.meta.month", "template.intro.layout", "templateId"}

    def test_no_work_is_done_for_a_refused_template(self, server: ServerProcess) -> None:
        """After all the refusals above nothing was validated as a job and no render started."""
        refusal(server, with_template(template={"global": {"colors": {"accent": "nope"}}}))
        assert server.logs("validated") == []
        assert server.logs("driver_started") == []


class TestLengthLimit:
    def test_a_video_over_max_video_seconds_is_refused_by_its_timing(
        self, server_factory: Callable[..., ServerProcess]
    ) -> None:
        """MAX_VIDEO_SECONDS is checked with the template's timing (one-book: 14 s by default, 32 s with a
        600-frame book hold); the answer names the timing, and the same recap in default timing renders."""
        server = server_factory("ok", MAX_VIDEO_SECONDS="20")
        slow = with_template(template={"global": {"timing": {"bookHold": 600}}})
        status, _, body = post(server, slow)
        assert status == 400
        assert body["fields"] == {
            "template.global.timing": ["the video would last 32.0 s; at most 20 s (MAX_VIDEO_SECONDS)"]
        }
        assert server.logs("driver_started") == []
        assert post(server, load_recap("one-book"))[0] == 200

    def test_without_a_template_the_limit_names_the_books(self, server_factory: Callable[..., ServerProcess]) -> None:
        """A recap too long for MAX_VIDEO_SECONDS in the default timing is refused naming data.books."""
        server = server_factory("ok", MAX_VIDEO_SECONDS="15")
        status, _, body = post(server, load_recap("three-books"))
        assert status == 400
        assert list(body["fields"]) == ["data.books"]


class TestHostileTemplates:
    @pytest.mark.parametrize("template", [[], "dark", 5, True, [{"global": {}}]])
    def test_a_template_that_is_not_an_object(self, server: ServerProcess, template: Any) -> None:
        """A template that is not a JSON object is a 400 naming `template`."""
        assert refusal(server, with_template(template=template)) == {"template": ["must be a JSON object"]}

    def test_a_deep_template(self, server: ServerProcess) -> None:
        """A template nested 500 levels deep is refused by its depth before any field is looked at."""
        deep: dict[str, Any] = {}
        node = deep
        for _ in range(500):
            node["global"] = {}
            node = node["global"]
        assert refusal(server, with_template(template=deep)) == {"template": ["is nested deeper than 4 levels"]}

    def test_a_huge_template(self, server: ServerProcess) -> None:
        """A template of 50,000 unknown keys (about 1 MB... of which 8 KiB would do) is refused by its size."""
        huge = {f"key{index}": index for index in range(50_000)}
        status, _, body = post(server, with_template(template=huge))
        assert status == 400
        assert body["fields"] == {"template": ["is larger than 8 KiB of JSON"]}

    def test_control_characters_and_lone_surrogates_in_custom_text(self, server: ServerProcess) -> None:
        """customText is one line of text: a newline or NUL is refused, and a lone surrogate (valid JSON, not text)
        is refused as the request's own, here and in a title, never a 5xx."""
        for text in ("line one\nline two", "nul\x00", "bell\x07", "c1\x85"):
            fields = refusal(server, with_template(template={"outro": {"customText": text}}))
            assert fields == {"template.outro.customText": ["must be one line without control characters"]}
        for where in ("template", "title"):
            request = with_template(template={"outro": {"customText": "PLACEHOLDER"}})
            if where == "title":
                request["data"]["books"][0]["title"] = "PLACEHOLDER"
            body = json.dumps(request).replace("PLACEHOLDER", "a\\ud800b").encode()
            status, _, answer = server.request("POST", "/render", body)
            assert status == 400, answer
            assert "lone UTF-16 surrogate" in json.loads(answer)["fields"]["body"][0]
            stream = open_stream(server.port, "/render-stream?data=" + quote(body, safe=""))
            assert stream.status == 400

    def test_hostile_keys_become_short_escaped_warnings(self, fake_server: ServerProcess) -> None:
        """Unknown keys with control characters or great length are named escaped and shortened; more than 20
        are counted, not listed."""
        template: dict[str, Any] = {"intro": {"\x00\x1b[31m": 1, "k" * 5000: 1}}
        template.update({f"extra{index}": index for index in range(30)})
        status, _, body = post(fake_server, with_template(template=template))
        assert status == 200, body
        warnings = body["warnings"]
        assert warnings[0] == "template.intro.\\u0000\\u001b[31m: unknown key, ignored"
        assert warnings[1].startswith("template.intro.kkk")
        assert len(warnings[1]) < 120
        assert len(warnings) == 21
        assert warnings[-1] == "and 12 more unknown keys, ignored"


class TestWarnings:
    def test_unknown_keys_are_ignored_and_named(self, fake_server: ServerProcess) -> None:
        """Unknown keys at every level are ignored (the render goes on) and named in the POST answer's warnings;
        the same request's warnings are logged."""
        template = {"global": {"colors": {"accent": "#ff0066", "glow": "red"}, "sound": "on"}, "theme": "neon"}
        status, _, body = post(fake_server, with_template(template=template))
        assert status == 200
        assert body["warnings"] == [
            "template.global.colors.glow: unknown key, ignored",
            "template.global.sound: unknown key, ignored",
            "template.theme: unknown key, ignored",
        ]
        logged = fake_server.wait_for_log("template_warnings")
        assert logged["warnings"] == body["warnings"]
        assert logged["path"] == "/render"

    def test_no_warnings_is_an_empty_list(self, fake_server: ServerProcess) -> None:
        """A request without a template answers `warnings: []`."""
        status, _, body = post(fake_server, load_recap("one-book"))
        assert (status, body["warnings"]) == (200, [])

    def test_the_stream_logs_its_warnings(self, fake_server: ServerProcess) -> None:
        """A stream has no answer to carry warnings: they are logged with its path."""
        stream = run_stream(fake_server.port, with_template(template={"outro": {"confetti": True}}))
        assert stream.names[-1] == "complete"
        logged = fake_server.wait_for_log("template_warnings")
        assert logged["warnings"] == ["template.outro.confetti: unknown key, ignored"]
        assert logged["path"] == "/render-stream"


def rendered_templates(jobs_dir: Path) -> list[dict[str, Any]]:
    """The template the driver received with each render, in order of the runs."""
    jobs = [json.loads(path.read_text()) for path in sorted(jobs_dir.glob("*.json"), key=lambda p: p.stat().st_mtime)]
    return [job["inputProps"]["template"] for job in jobs if "outputPath" in job]


class TestTheTemplateReachesTheRender:
    def test_both_stream_forms_and_post_carry_the_template(
        self, server_factory: Callable[..., ServerProcess], jobs_dir: Path
    ) -> None:
        """The template in the POST body, in the stream's `data`, and as `template`/`templateId` query parameters
        beside `userId` all reach the driver as the same complete template: the preset's fields with the request's
        over them."""
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs_dir))
        template = {"global": {"colors": {"accent": "#00ff88"}}, "bookReveal": {"layout": "grid"}}
        expected = CATALOG.resolve(CATALOG.presets["light"].template, template)
        assert post(server, with_template("one-book", template, "light"))[0] == 200
        request = with_template("three-books", template, "light")
        assert run_stream(server.port, request).names[-1] == "complete"
        request = distinct_recap("five-books", "Query form")
        url = query_form(request, template=json.dumps(template), templateId="light")
        assert read_events(open_stream(server.port, url)).names[-1] == "complete"
        assert rendered_templates(jobs_dir) == [expected] * 3
        assert expected["global"]["colors"]["background"] == "#FAF7F0"  # light's own, under the request's accent

    def test_query_parameters_beside_a_request_that_has_them_are_refused(self, server: ServerProcess) -> None:
        """A template both in `data` and as a query parameter is a 400 rather than a guess between the two; a bad
        `template` parameter is named `template`."""
        request = with_template(template={"intro": {"layout": "minimal"}})
        url = stream_url(request) + "&template=" + quote(json.dumps({"intro": {"layout": "split"}}))
        stream = open_stream(server.port, url)
        assert (stream.status, stream.json()["fields"]) == (
            400,
            {"template": ["given both in data and as a query parameter"]},
        )
        plain = load_recap("one-book")
        stream = open_stream(server.port, query_form(plain, template="{not json"))
        assert stream.status == 400
        assert list(stream.json()["fields"]) == ["template"]
        stream = open_stream(server.port, query_form(plain, templateId="neon"))
        assert stream.status == 400
        assert list(stream.json()["fields"]) == ["templateId"]


class TestIdentity:
    def test_another_template_is_another_job_and_video(
        self, server_factory: Callable[..., ServerProcess], jobs_dir: Path
    ) -> None:
        """The same recap with another template renders again into another file; the same template again is the
        cached video (no render)."""
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs_dir))
        plain = post(server, load_recap("one-book"))[2]
        bold = post(server, with_template(template_id="bold"))[2]
        again = post(server, with_template(template_id="bold"))[2]
        assert plain["filename"] != bold["filename"]
        assert again["filename"] == bold["filename"]
        assert len(rendered_templates(jobs_dir)) == 2

    def test_a_preset_and_its_fields_spelled_out_are_the_same_video(
        self, server_factory: Callable[..., ServerProcess], jobs_dir: Path
    ) -> None:
        """Identity is the complete template the video is drawn with: `templateId: "bold"`, the same fields sent as
        `template` (numbers spelled 105.0), and the resolved template from GET /templates are one job and one video,
        rendered once."""
        server = server_factory("ok", FAKE_DRIVER_JOBS=str(jobs_dir))
        by_id = post(server, with_template(template_id="bold"))[2]
        spelled = json.loads(
            json.dumps(CATALOG.presets["bold"].template).replace('"bookTotal": 105', '"bookTotal": 105.0')
        )
        assert "105.0" in json.dumps(spelled)
        by_fields = post(server, with_template(template=spelled))[2]
        listed = {entry["id"]: entry["template"] for entry in server.get_json("/templates")[1]["templates"]}
        by_listing = post(server, with_template(template=listed["bold"], template_id="default"))[2]
        assert by_id["filename"] == by_fields["filename"] == by_listing["filename"]
        assert len(rendered_templates(jobs_dir)) == 1


class TestDuration:
    def test_answers_follow_the_one_duration_rule(self, fake_server: ServerProcess) -> None:
        """POST /render's duration is the rule's for the request's template (grid: one book scene; maxBooks 0: no
        currently-reading scene; overlap), and it is timeline.ts calculateDuration's too."""
        cases = [
            ("five-books", None, None),
            ("five-books", {"bookReveal": {"layout": "grid"}}, None),
            ("three-books", {"comingSoon": {"maxBooks": 0}}, "bold"),
            ("three-books", {"global": {"timing": {"transitionOverlap": 20, "statsHold": 200}}}, "minimal"),
        ]
        answers, props = [], []
        for name, template, template_id in cases:
            status, _, body = post(fake_server, with_template(name, template, template_id))
            assert status == 200, body
            answers.append(body["duration"])
            resolved = CATALOG.resolve(CATALOG.presets[template_id or "default"].template, template or {})
            props.append({**load_recap(name)["data"], "template": resolved})
        frames = calculate_durations(props)
        assert answers == [count / 30 for count in frames]
        assert [duration_frames(p, p["template"]) for p in props] == frames
        assert len(set(answers)) == len(answers)
        assert fake_server.logs("duration_mismatch") == []
