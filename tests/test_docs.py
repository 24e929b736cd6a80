"""The docs stay true: every relative link in README.md and docs/ resolves, the README's shell examples run against a
real server (curl, the command line, sign), ARCHITECTURE.md's settings table is the declarations (defaults and
readers included), and the benchmark's results table is one table (a note inside it used to cut it in two)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scripts.benchlib.main import render_report
from tests.support.server import ROOT, ServerProcess, fake_driver_argv
from tornado_render.settings import CPU_CORES, PROJECT_ROOT, SETTINGS, Setting, Settings, default_text

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)|<img src=\"([^\"]+)\"")
MAX_README_LINES = 250
KEY = "c" * 40


def readme_examples(kind: str) -> str:
    """The shell block of the README marked `<!-- example:KIND -->`."""
    readme = (ROOT / "README.md").read_text()
    found = re.search(rf"<!-- example:{kind} -->\n```sh\n(.*?)```\n<!-- example:end -->", readme, re.S)
    assert found is not None, kind
    return found.group(1)


def json_values(text: str) -> list[object]:
    """The JSON documents printed one after another (curl adds no newline)."""
    decoder = json.JSONDecoder()
    values, index = [], 0
    while index < len(text):
        if text[index].isspace():
            index += 1
            continue
        value, index = decoder.raw_decode(text, index)
        values.append(value)
    return values


def run_shell(script: str, server: ServerProcess, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The README's lines as bash runs them from the project, against `server` instead of the default address."""
    script = script.replace("http://127.0.0.1:3001", server.base_url).replace("/tmp/", f"{tmp_path}/")
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=300,
    )


class TestLinks:
    @pytest.mark.parametrize("page", DOCS, ids=[page.name for page in DOCS])
    def test_relative_links_resolve(self, page: Path) -> None:
        """Every relative link (and image) of the page names a file or folder that exists."""
        text = page.read_text()
        broken = []
        for match in LINK.finditer(text):
            target = (match.group(1) or match.group(2)).split("#", 1)[0]
            if not target or re.match(r"^[a-z]+:", target):
                continue
            if not (page.parent / target).exists():
                broken.append(target)
        assert broken == []

    def test_readme_fits_and_links_every_doc(self) -> None:
        """The README is at most 250 lines and links every page of docs/."""
        readme = (ROOT / "README.md").read_text()
        assert len(readme.splitlines()) <= MAX_README_LINES
        for page in DOCS[1:]:
            if page.name != "performance-notes.md":
                assert f"(docs/{page.name})" in readme, page.name


class TestReadmeExamples:
    def test_curl_examples(self, fake_server: ServerProcess, tmp_path: Path) -> None:
        """The README's curl lines (validate, render, videos) succeed against a real server, and /videos lists the
        video the render made."""
        result = run_shell(readme_examples("open"), fake_server, tmp_path)
        assert result.returncode == 0, result.stderr
        answers: list[Any] = json_values(result.stdout)
        assert answers[0]["valid"] is True
        assert answers[1]["success"] is True
        assert [video["url"] for video in answers[2]["videos"]] == [answers[1]["s3Url"]]

    def test_cli_example(self, tmp_path: Path) -> None:
        """The README's `tornado-render render` line renders to its file (with the fake driver)."""
        env = {
            "DRIVER_COMMAND": " ".join(fake_driver_argv(tmp_path / "driver", "ok", {})),
            "OUTPUT_DIR": str(tmp_path / "output"),
            "BUNDLE_DIR": str(tmp_path / "bundles"),
        }
        script = readme_examples("cli").replace("/tmp/", f"{tmp_path}/")
        result = subprocess.run(
            ["bash", "-e", "-c", script],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, **env},
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        assert (tmp_path / "one-book.mp4").is_file()

    def test_signed_examples(self, server_factory: Callable[..., ServerProcess], tmp_path: Path) -> None:
        """The README's signing lines, with the server's key: the signed /videos is answered, and the stream link is
        one whole signed URL of this server."""
        server = server_factory("ok", RENDER_SIGNING_KEYS=KEY)
        result = run_shell(readme_examples("signed"), server, tmp_path, RENDER_SIGNING_KEYS=KEY)
        assert result.returncode == 0, result.stderr
        end = result.stdout.index("}") + 1
        listing, link = json.loads(result.stdout[:end]), result.stdout[end:].strip()
        assert listing == {"videos": []}
        assert link.startswith(f"{server.base_url}/render-stream?data=")
        assert "&exp=" in link
        assert "&sig=" in link


SETTINGS_TABLE_HEAD = "| setting | default | read in |\n| --- | --- | --- |\n"
# Settings' properties, by the field each reads: a module that reads the property reads the setting.
SETTINGS_PROPERTIES = {"uses_s3": "s3_bucket_name"}


def documented_default(setting: Setting) -> str:
    """A setting's default as ARCHITECTURE.md writes it: as --help shows it (`default_text`), but the same on every
    machine (paths relative to the project, the processor count by its rule) and whole seconds without `.0`."""
    value = getattr(Settings(), setting.field)
    if setting.field == "render_concurrency":
        assert value == CPU_CORES + 1
        return "CPU cores + 1"
    if isinstance(value, Path):
        return f"`{value.relative_to(PROJECT_ROOT).as_posix()}`"
    if setting.secret and not value:
        return "unset"
    if isinstance(value, float) and value.is_integer() and setting.shown_default is None:
        return str(int(value))
    return default_text(setting)


def modules_reading(setting: Setting) -> list[str]:
    """The package's modules (relative to tornado_render/) whose code reads the setting: `settings.<field>`."""
    names = [setting.field, *(name for name, field in SETTINGS_PROPERTIES.items() if field == setting.field)]
    reading = re.compile(rf"settings\.({'|'.join(names)})\b")
    package = ROOT / "tornado_render"
    return sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if path.name != "settings.py" and reading.search(path.read_text())
    )


def test_settings_properties_are_known() -> None:
    """Every property of Settings is in SETTINGS_PROPERTIES, so a module reading a setting through one is found."""
    properties = {name for name, value in vars(Settings).items() if isinstance(value, property)}
    assert properties == set(SETTINGS_PROPERTIES)


def test_architecture_settings_table_is_the_declarations() -> None:
    """docs/ARCHITECTURE.md's settings table has one row per declared setting, in order, each with its default and
    exactly the modules that read it (a parenthesis after a module is a note, not a module)."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    table = text[text.index(SETTINGS_TABLE_HEAD) + len(SETTINGS_TABLE_HEAD) :].split("\n\n", 1)[0]
    rows = [line.strip("|").split(" | ") for line in table.splitlines()]
    documented = [
        (variable.strip(), default.strip(), re.findall(r"`([\w/]+\.py)`", re.sub(r"\([^()]*\)", "", modules)))
        for variable, default, modules in rows
    ]
    declared = [(f"`{setting.env}`", documented_default(setting), modules_reading(setting)) for setting in SETTINGS]
    assert documented == declared


def test_performance_results_are_one_table() -> None:
    """The generated results table has no paragraph between its rows (the tuned settings come after it)."""
    results = json.loads((ROOT / "docs" / "performance-results.json").read_text())
    info = {
        "date": "today",
        "cpu": "cpu",
        "memory": "m",
        "os": "os",
        "python": "py",
        "node": "n",
        "remotion": "r",
        "chromium": "c",
    }
    report = render_report(info, results).splitlines()
    start = report.index("## Results")
    section = report[start + 1 : next(i for i in range(start + 1, len(report)) if report[i].startswith("## "))]
    rows = [index for index, line in enumerate(section) if line.startswith("|")]
    assert rows == list(range(rows[0], rows[-1] + 1)), "a line that is not a row sits inside the table"
    assert any(line.startswith("Tuned settings:") for line in section[rows[-1] :])
