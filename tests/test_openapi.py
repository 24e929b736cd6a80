"""GET /openapi.json: a valid OpenAPI 3 document that describes every route, and that a real server lives up to.

The last class runs schemathesis against a real server with the fake driver: generated requests (valid and
invalid RenderRequests, odd file names, Last-Event-ID headers, ...) must never get a 5xx nor an answer the document
does not describe (status, Content-Type, headers, body and every SSE event).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from marshmallow import ValidationError
from openapi_spec_validator import validate as validate_openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.recaps import RECAP_NAMES, distinct_recap, load_recap
from tests.support.server import ServerProcess, start_server
from tests.support.sse_client import Event, open_stream, read_events, run_stream, stream_url
from tornado_render.assembly import build_state
from tornado_render.settings import Settings
from tornado_render.validation.schemas import MAX_USER_ID, MAX_USER_ID_BYTES, check_user_id
from tornado_render.web.app import make_app, routes
from tornado_render.web.openapi import USER_ID_PATTERN, build_openapi
from tornado_render.web.responses import SSE_EVENTS

# Every status code each operation can answer with.
EXPECTED_RESPONSES = {
    ("get", "/render-stream"): {"200", "204", "400", "414", "429", "503"},
    ("post", "/render"): {"200", "400", "413", "414", "415", "429", "500", "503"},
    ("get", "/download/{filename}"): {"200", "206", "404", "414", "416"},
    ("get", "/storage/{key}"): {"200", "206", "404", "414", "416"},
    ("get", "/videos"): {"200", "400", "414"},
    ("post", "/validate"): {"200", "400", "413", "414", "415", "503"},
    ("post", "/batches"): {"202", "400", "413", "414", "415", "503"},
    ("get", "/batches/{batch_id}"): {"200", "400", "404", "414", "503"},
    ("get", "/batches/{batch_id}/stream"): {"200", "204", "404", "414", "503"},
    ("get", "/health"): {"200", "414", "503"},
    ("get", "/metrics"): {"200", "414"},
    ("get", "/openapi.json"): {"200", "414"},
    ("get", "/"): {"200", "414"},
    ("get", "/static/{path}"): {"200", "404", "414"},
    ("get", "/templates"): {"200", "414"},
    ("get", "/templates/{filename}"): {"200", "404", "414", "503"},
    ("get", "/preview/{path}"): {"200", "404", "414", "503"},
    ("get", "/share/{token}"): {"200", "404", "414"},
    ("get", "/share/{token}/{name}"): {"200", "206", "302", "404", "414", "416"},
    ("get", "/share/{token}/download/{name}"): {"200", "206", "302", "404", "414", "416"},
}

# Any text, and the userIds check_user_id cares most about.
USER_IDS = st.text(max_size=MAX_USER_ID + 2) | st.sampled_from([".", " . ", "a..b", "a/b", "a\\b", " \t", "\u00a0"])


def resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """`item`, or what its $ref points to inside `document`."""
    reference = item.get("$ref")
    if reference is None:
        return item
    target: Any = document
    for part in reference.removeprefix("#/").split("/"):
        target = target[part]
    return dict(target)


def validator(document: dict[str, Any], reference: str) -> Draft202012Validator:
    """A JSON Schema validator for one of the document's schemas, its $refs resolved inside the document."""
    return Draft202012Validator({"$ref": reference, "components": document["components"]})


def event_errors(document: dict[str, Any], event: Event) -> list[str]:
    """Why a received SSE event does not match the document (the stream's event schema and its data's schema)."""
    envelope = {"event": event.name, "id": event.id, "data": json.dumps(event.data)}
    errors = [error.message for error in validator(document, "#/components/schemas/StreamEvent").iter_errors(envelope)]
    if event.name in SSE_EVENTS:
        data_schema = f"#/components/schemas/{SSE_EVENTS[event.name]}"
        errors += [error.message for error in validator(document, data_schema).iter_errors(event.data)]
    return errors


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for this module (fake driver, mode "ok": a valid request renders in well under a second).

    Covers are fetched from whatever URLs schemathesis puts in its recaps; a short time limit keeps that bounded.
    /storage stays in the run: its keys contain "/", which schemathesis sends percent-encoded and Tornado decodes.
    """
    server = start_server(tmp_path_factory.mktemp("api"), fake_driver="ok", COVER_TIMEOUT_SECONDS="1")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def document(api_server: ServerProcess) -> dict[str, Any]:
    """The document as the server serves it."""
    status, body = api_server.get_json("/openapi.json")
    assert status == 200
    return dict(body)


class ElsewhereStorage:
    """A storage that is not the local one (as S3 is), for the routes of an app without /storage."""

    description = "elsewhere"

    def check(self) -> None:
        """Always usable."""

    def upload(self, path: Path, key: str) -> str:
        return f"https://elsewhere.example/{key}"


class TestDocument:
    def test_is_valid_openapi_3(self, document: dict[str, Any]) -> None:
        """The served document passes openapi-spec-validator as OpenAPI 3.1."""
        assert document["openapi"].startswith("3.1")
        validate_openapi(document)

    def test_describes_every_route(self, tmp_path: Path, document: dict[str, Any]) -> None:
        """Each route of the application is a path of the document, and each path a route."""
        settings = Settings(output_dir=tmp_path / "out", storage_dir=tmp_path / "storage", bundle_dir=tmp_path / "b")
        app = make_app(build_state(settings, browser_executable=""))
        routes = {rule.matcher.regex.pattern.removesuffix("$") for rule in app.wildcard_router.rules}
        as_routes = {re.sub(r"\{[^}]+\}", "(.*)", path) for path in document["paths"]}
        assert as_routes == routes

    def test_response_codes(self, document: dict[str, Any]) -> None:
        """Every operation lists the status codes it can answer with, and no other operation exists."""
        found = {
            (method, path): set(operation["responses"])
            for path, operations in document["paths"].items()
            for method, operation in operations.items()
        }
        assert found == EXPECTED_RESPONSES

    def test_refusals_name_retry_after(self, document: dict[str, Any]) -> None:
        """A 503 (queue full, shutting down) documents its required Retry-After header; errors are JSON."""
        for method, path in (("get", "/render-stream"), ("post", "/render")):
            responses = document["paths"][path][method]["responses"]
            unavailable = resolve(document, responses["503"])
            assert unavailable["headers"]["Retry-After"]["required"] is True
            assert unavailable["headers"]["Retry-After"]["schema"]["type"] == "integer"
            for code in ("400", "503"):
                assert resolve(document, responses[code])["content"] == {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                }

    def test_stream_is_event_stream_with_named_event_schemas(self, document: dict[str, Any]) -> None:
        """The stream answers text/event-stream; its description and schema tie each event name to its schema."""
        ok = document["paths"]["/render-stream"]["get"]["responses"]["200"]
        assert ok["content"] == {"text/event-stream": {"schema": {"$ref": "#/components/schemas/StreamEvent"}}}
        schemas = document["components"]["schemas"]
        variants = {
            variant["properties"]["event"]["const"]: variant["properties"]["data"]["contentSchema"]["$ref"]
            for variant in schemas["StreamEvent"]["oneOf"]
        }
        assert variants == {
            "queued": "#/components/schemas/QueuedEvent",
            "progress": "#/components/schemas/ProgressEvent",
            "complete": "#/components/schemas/CompleteEvent",
            "error": "#/components/schemas/ErrorEvent",
        }
        for name, schema in SSE_EVENTS.items():
            assert f"`{name}`: {schema}" in ok["description"]
        assert schemas["ProgressEvent"]["properties"]["phase"]["enum"] == ["bundling", "rendering"]

    @pytest.mark.parametrize("name", RECAP_NAMES)
    def test_fixtures_are_valid_render_requests(self, document: dict[str, Any], name: str) -> None:
        """Every sample recap is valid against the document's RenderRequest: it is not stricter than real data."""
        errors = validator(document, "#/components/schemas/RenderRequest").iter_errors(load_recap(name))
        assert [error.message for error in errors] == []

    def test_describes_templates(self, document: dict[str, Any]) -> None:
        """The document describes `template` (the Template schema, every section), `templateId` (this server's
        presets), the POST answer's `warnings`, GET /templates, the thumbnails and the preview, and the stream's
        `template` and `templateId` query parameters."""
        schemas = document["components"]["schemas"]
        request = schemas["RenderRequest"]["properties"]
        assert {"$ref": "#/components/schemas/Template"} in request["template"]["anyOf"]
        assert request["templateId"] == {"$ref": "#/components/schemas/TemplateId"}
        assert schemas["TemplateId"]["enum"] == ["default", "bold", "light", "minimal", None]
        assert set(schemas["Template"]["properties"]) == {
            "global",
            "intro",
            "bookReveal",
            "statsReveal",
            "comingSoon",
            "outro",
            "audio",
        }
        assert schemas["TemplateTiming"]["properties"]["introHold"] | {"description": ""} == {
            "type": "integer",
            "minimum": 1,
            "maximum": 600,
            "description": "",
        }
        assert schemas["TemplateFonts"]["properties"]["heading"]["enum"] == ["Fraunces", "Inter", "JetBrains Mono"]
        assert "warnings" in schemas["RenderResult"]["required"]
        listing = document["paths"]["/templates"]["get"]["responses"]["200"]
        assert listing["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Templates"}
        entry = schemas["TemplateEntry"]["properties"]
        assert entry["template"]["$ref"] == "#/components/schemas/Template"
        thumbnail = document["paths"]["/templates/{filename}"]["get"]["responses"]
        assert list(thumbnail["200"]["content"]) == ["image/png"]
        assert resolve(document, thumbnail["503"])["headers"]["Retry-After"]["required"] is True
        assert "/preview/{path}" in document["paths"]
        stream = {
            parameter["name"]: parameter for parameter in document["paths"]["/render-stream"]["get"]["parameters"]
        }
        assert stream["template"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Template"}
        assert stream["templateId"]["schema"] == {"$ref": "#/components/schemas/TemplateId"}

    def test_listed_templates_match_the_documents_template(
        self, api_server: ServerProcess, document: dict[str, Any]
    ) -> None:
        """Every preset GET /templates lists is valid against the document's Template, and so is a request
        carrying it."""
        status, body = api_server.get_json("/templates")
        assert status == 200
        for entry in body["templates"]:
            errors = validator(document, "#/components/schemas/Template").iter_errors(entry["template"])
            assert [error.message for error in errors] == [], entry["id"]
            request = {**load_recap("one-book"), "template": entry["template"], "templateId": entry["id"]}
            errors = validator(document, "#/components/schemas/RenderRequest").iter_errors(request)
            assert [error.message for error in errors] == [], entry["id"]

    def test_limits_follow_the_server(self, tmp_path: Path) -> None:
        """MAX_BOOKS becomes books.maxItems; /storage is described only with local storage."""
        settings = Settings(output_dir=tmp_path / "out", storage_dir=tmp_path / "storage", bundle_dir=tmp_path / "b")
        state = build_state(settings, browser_executable="", storage=ElsewhereStorage())
        document = build_openapi(routes(state), max_books=3, signed=False)
        assert document["components"]["schemas"]["MonthlyRecapExport"]["properties"]["books"]["maxItems"] == 3
        assert "/storage/{key}" not in document["paths"]

    @hypothesis.given(USER_IDS)
    def test_user_id_pattern_is_check_user_id(self, user_id: str) -> None:
        """The userId pattern and length limits accept exactly what schemas.check_user_id accepts."""
        try:
            check_user_id(user_id)
            accepted = True
        except ValidationError:
            accepted = False
        # JSON Schema cannot count UTF-8 bytes; the pattern is compared on userIds within the byte limit.
        hypothesis.assume(len(user_id.encode("utf-8", errors="surrogatepass")) <= MAX_USER_ID_BYTES)
        matches = 1 <= len(user_id) <= MAX_USER_ID and re.fullmatch(USER_ID_PATTERN, user_id) is not None
        assert matches == accepted


class TestEventsMatchTheDocument:
    def test_successful_stream(self, api_server: ServerProcess, document: dict[str, Any]) -> None:
        """Every progress event and the complete event of a real stream match their documented schemas."""
        stream = run_stream(api_server.port, load_recap("one-book"))
        assert stream.names[-1] == "complete"
        mismatches = {event.id: errors for event in stream.events if (errors := event_errors(document, event))}
        assert mismatches == {}

    def test_error_and_queued_events(
        self, server_factory: Callable[..., ServerProcess], document: dict[str, Any], tmp_path: Path
    ) -> None:
        """A queued event (one render slot, busy) and an error event (the driver fails) match their schemas."""
        gate = tmp_path / "gate"
        gate.mkdir()
        server = server_factory("error", FAKE_DRIVER_GATE=str(gate), MAX_CONCURRENT_RENDERS="1")
        first = open_stream(server.port, stream_url(distinct_recap("one-book", "Alpha")))
        read_events(first, until="progress")
        second = run_stream(server.port, distinct_recap("one-book", "Beta"))  # waits behind the first, then fails
        events = [*read_events(first).events, *second.events]
        assert {"queued", "progress", "error"} <= {event.name for event in events}
        mismatches = {event.id: errors for event in events if (errors := event_errors(document, event))}
        assert mismatches == {}


# -- schemathesis against a real server ---------------------------------------------------------------------------

# A fixed seed: the same requests on every run, so a failure is reproducible and CI is not flaky.
SCHEMATHESIS_SEED = 20261125
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema(api_server: ServerProcess) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "seed": SCHEMATHESIS_SEED,
            # Read every stream to its end (schemathesis stops after 20 events by default, all of them `bundling`).
            "max-stream-events": 500,
            # The coverage phase precomputes boundary cases of the RenderRequest schema for ~45 s before sending any.
            "phases": {"coverage": {"enabled": False}},
        }
    )
    return schemathesis.openapi.from_url(f"{api_server.base_url}/openapi.json", config=config)


fuzzed = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def schemathesis_node_id(request: pytest.FixtureRequest) -> None:
    """schemathesis 4.32.5's lazy schema reads `node._nodeid`, which pytest 9 no longer has: give it one to use.

    (It only renames the node for its reports; pytest's own node id is untouched.)
    """
    request.node._nodeid = request.node.nodeid


@pytest.mark.usefixtures("schemathesis_node_id")
class TestSchemathesis:
    @fuzzed.parametrize()
    @hypothesis.settings(
        max_examples=50,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
        database=None,
    )
    def test_api_conforms(self, case: Any) -> None:
        """No generated request gets a 5xx, or an answer (status, type, headers, body, events) the document lacks."""
        case.call_and_validate(checks=CHECKS, timeout=60)
