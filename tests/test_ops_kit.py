"""The ops kit (ops/): Prometheus alert rules checked and unit-tested by promtool, the Grafana dashboard's JSON
validated and its every query parsed by promtool and asked only of metrics a real fleet instance exports, and the S3
lifecycle rule for chunks left behind taken by moto's S3."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.support.metrics import scrape
from tests.support.moto_server import MotoServer
from tests.support.redis_server import RedisServer
from tests.support.server import ServerProcess
from tornado_render.render.chunks import chunk_key
from tornado_render.storage.naming import VIDEOS_PREFIX

OPS = Path(__file__).resolve().parent.parent / "ops"
RULES = OPS / "prometheus" / "tornado-render.rules.yml"
RULES_TESTS = OPS / "prometheus" / "tornado-render.rules.test.yml"
DASHBOARD = OPS / "grafana" / "tornado-render-fleet.json"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
# Series the service does not export: Prometheus' own, and the recording rules' results (level:metric:operation).
NOT_EXPORTED = re.compile(r"^(up|tornado_render:\w+)$")
METRIC_NAME = re.compile(r"\b(tornado_render_[a-z_]+|up)\b(?![(:])")
# What the dashboard is for (issue 23's ops kit): each of these is on a panel.
WATCHED = (
    "tornado_render_fleet_queue_length_by_lane",
    "tornado_render_fleet_queue_oldest_seconds",
    "tornado_render_jobs_finished_total",
    "tornado_render_renders_completed_total",
    "tornado_render_render_duration_seconds_bucket",
    "tornado_render_renders_failed_total",
    "tornado_render_lease_takeovers_total",
    "tornado_render_redis_up",
)
# The part of Grafana's dashboard model the kit uses, strictly: a panel without a query or a query without a
# datasource would load but draw nothing.
DASHBOARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title", "uid", "schemaVersion", "panels", "templating"],
    "properties": {
        "uid": {"type": "string", "pattern": "^[a-zA-Z0-9_-]{1,40}$"},
        "schemaVersion": {"type": "integer", "minimum": 36},
        "templating": {
            "type": "object",
            "properties": {
                "list": {
                    "type": "array",
                    "contains": {
                        "type": "object",
                        "properties": {"name": {"const": "datasource"}, "query": {"const": "prometheus"}},
                        "required": ["name", "type", "query"],
                    },
                }
            },
        },
        "panels": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "type", "title", "description", "gridPos", "datasource", "targets"],
                "properties": {
                    "type": {"enum": ["timeseries", "stat", "gauge", "bargauge", "table"]},
                    "datasource": {"const": {"type": "prometheus", "uid": "${datasource}"}},
                    "gridPos": {
                        "type": "object",
                        "required": ["x", "y", "w", "h"],
                        "properties": {"x": {"minimum": 0, "maximum": 23}, "w": {"minimum": 1, "maximum": 24}},
                    },
                    "targets": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["refId", "expr"],
                            "properties": {"expr": {"type": "string", "minLength": 1}},
                        },
                    },
                },
            },
        },
    },
}


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def dashboard_queries() -> list[str]:
    return [target["expr"] for panel in dashboard()["panels"] for target in panel["targets"]]


def rule_queries() -> list[str]:
    return [rule["expr"] for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]]


def metric_names(queries: list[str]) -> set[str]:
    return {name for query in queries for name in METRIC_NAME.findall(query)}


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PROMTOOL, *args], capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def needs_promtool() -> None:
    if not Path(PROMTOOL).exists():
        pytest.skip("promtool is not installed (scripts/setup --with-test-browsers installs Debian's prometheus)")


@pytest.mark.usefixtures("needs_promtool")
class TestAlertRules:
    def test_promtool_checks_the_rules(self) -> None:
        """promtool parses every rule, expression and template of the rules file."""
        checked = promtool("check", "rules", str(RULES))
        assert checked.returncode == 0, checked.stdout + checked.stderr
        assert "SUCCESS" in checked.stdout

    def test_each_alert_fires_when_it_should_and_only_then(self) -> None:
        """promtool's unit tests of the rules (each alert on series that raise it, quiet before) pass."""
        tested = promtool("test", "rules", str(RULES_TESTS))
        assert tested.returncode == 0, tested.stdout + tested.stderr

    def test_every_alert_is_unit_tested(self) -> None:
        """No alert in the rules file goes without a promtool test."""
        alerts = {
            rule["alert"]
            for group in yaml.safe_load(RULES.read_text())["groups"]
            for rule in group["rules"]
            if "alert" in rule
        }
        tested = {
            case["alertname"]
            for test in yaml.safe_load(RULES_TESTS.read_text())["tests"]
            for case in test["alert_rule_test"]
            if case["exp_alerts"]
        }
        assert alerts
        assert alerts == tested


class TestDashboard:
    def test_the_json_is_a_dashboard(self) -> None:
        """The dashboard's JSON has what Grafana needs to draw every panel from the chosen Prometheus."""
        jsonschema.validate(dashboard(), DASHBOARD_SCHEMA)
        panels = dashboard()["panels"]
        assert len({panel["id"] for panel in panels}) == len(panels)
        for panel in panels:
            assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24, panel["title"]
            assert len({target["refId"] for target in panel["targets"]}) == len(panel["targets"]), panel["title"]

    def test_it_watches_what_the_fleet_needs(self) -> None:
        """Queue depth and age per lane, batch throughput, render times, failures, takeovers, Redis: each on a panel."""
        assert set(WATCHED) <= metric_names(dashboard_queries())

    @pytest.mark.usefixtures("needs_promtool")
    def test_promtool_parses_every_query(self, tmp_path: Path) -> None:
        """Each panel's query is valid PromQL (written as recording rules and checked by promtool)."""
        rules = {
            "groups": [
                {
                    "name": "dashboard",
                    "rules": [
                        {"record": f"dashboard:query_{index}", "expr": expr}
                        for index, expr in enumerate(dashboard_queries())
                    ],
                }
            ]
        }
        path = tmp_path / "dashboard.rules.yml"
        path.write_text(yaml.safe_dump(rules))
        checked = promtool("check", "rules", str(path))
        assert checked.returncode == 0, checked.stdout + checked.stderr


class TestAgainstTheService:
    def test_every_metric_asked_for_is_exported(
        self, redis: RedisServer, server_factory: Callable[..., ServerProcess]
    ) -> None:
        """Every metric the dashboard and the rules query is one a fleet instance (with Redis) exports."""
        server = server_factory("ok", REDIS_URL=redis.url)
        exported = {name for name, _ in scrape(server)}
        asked = {name for name in metric_names(dashboard_queries() + rule_queries()) if not NOT_EXPORTED.match(name)}
        assert asked, "no metric found in the queries"
        assert asked <= exported, sorted(asked - exported)


class TestChunksLifecycle:
    def test_the_rule_is_taken_by_s3_and_covers_the_chunks(self, moto_factory: Callable[[], MotoServer]) -> None:
        """ops/s3/chunks-lifecycle.json is a lifecycle configuration S3 takes (moto's server validates it), and it
        expires exactly where chunks are stored (chunk_key's prefix) and nothing of the videos."""
        rule_file = OPS / "s3" / "chunks-lifecycle.json"
        configuration = json.loads(rule_file.read_text(encoding="utf-8"))
        s3 = moto_factory()
        s3.create_bucket("lifecycle")
        client = s3.client()
        client.put_bucket_lifecycle_configuration(Bucket="lifecycle", LifecycleConfiguration=configuration)
        [rule] = client.get_bucket_lifecycle_configuration(Bucket="lifecycle")["Rules"]
        prefix = rule["Filter"]["Prefix"]
        assert rule["Status"] == "Enabled"
        assert rule["Expiration"]["Days"] == 1
        assert chunk_key("videos/u/recap-2026-10-abc.mp4", 1, "done.json").startswith(prefix)
        assert not f"{VIDEOS_PREFIX}u/recap-2026-10-abc.mp4".startswith(prefix)
