"""The systemd unit and its example env file (scripts/systemd/): valid for systemd, and true to the server's stop.

`systemd-analyze verify` checks the unit the way systemd would load it, on a copy whose /opt/tornado-render is a
temporary directory holding a stand-in executable (verify insists that ExecStart exists). The stop tests run the
real server and show what each KillMode would do to a running render.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.fake_renders import Gate
from tests.support.recaps import distinct_recap
from tests.support.server import ROOT, ServerProcess
from tests.support.sse_client import open_stream, read_events, stream_url
from tornado_render.settings import SETTINGS, Settings, settings_from_env

UNIT = ROOT / "scripts" / "systemd" / "tornado-render.service"
ENV_EXAMPLE = ROOT / "scripts" / "systemd" / "tornado-render.env.example"
INSTALL_DIR = "/opt/tornado-render"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
ENV_LINE = re.compile(r"^#?([A-Z][A-Z0-9_]*)=(.*)$", re.MULTILINE)


def unit_entries(text: str) -> dict[str, list[tuple[str, str]]]:
    """Sections of a unit file as lists of (key, value); keys may repeat (Environment=), so no configparser."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def service_values(key: str) -> list[str]:
    return [value for name, value in unit_entries(UNIT.read_text())["Service"] if name == key]


def service_value(key: str) -> str:
    values = service_values(key)
    assert len(values) == 1, f"{key}= appears {len(values)} times in {UNIT.name}"
    return values[0]


def service_environment() -> dict[str, str]:
    return dict(value.partition("=")[::2] for value in service_values("Environment"))


def seconds(value: str) -> float:
    """A systemd time span of the forms this unit uses: `90`, `90s`, `1min 30s`."""
    units = {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600}
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", value)
    assert parts, value
    return sum(float(number) * units[unit] for number, unit in parts)


def example_env() -> dict[str, str]:
    """Every variable the example names, set or commented out, with its example value."""
    return dict(ENV_LINE.findall(ENV_EXAMPLE.read_text()))


def verify(unit_text: str, directory: Path, name: str = UNIT.name) -> str:
    """systemd-analyze's complaints about the unit (a template: one instance of it, `name`), installed under
    `directory` instead of /opt/tornado-render."""
    assert SYSTEMD_ANALYZE is not None
    install = directory / "opt" / "tornado-render"
    executable = install / ".venv" / "bin" / "tornado-render"
    executable.parent.mkdir(parents=True)
    executable.write_text("#!/bin/sh\nexit 0\n")
    executable.chmod(0o755)
    unit = directory / name
    unit.write_text(unit_text.replace(INSTALL_DIR, str(install)))
    result = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
    )
    stem = name.partition("@")[0] if "@" in name else Path(name).stem
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if stem in line]
    assert result.returncode == 0 or complaints, result.stdout + result.stderr
    return "\n".join(complaints)


needs_systemd_analyze = pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")


class TestSystemdUnit:
    @needs_systemd_analyze
    def test_systemd_analyze_finds_nothing_to_report(self, tmp_path: Path) -> None:
        """`systemd-analyze verify` accepts every directive of the unit and reports no error or warning."""
        assert verify(UNIT.read_text(), tmp_path) == ""

    @needs_systemd_analyze
    def test_verify_would_notice_a_bad_directive(self, tmp_path: Path) -> None:
        """The check above is not vacuous: a misspelt directive in the same unit is reported."""
        broken = UNIT.read_text().replace("KillSignal=SIGTERM", "KillSignl=SIGTERM")
        assert "KillSignl" in verify(broken, tmp_path)

    def test_installed_layout(self) -> None:
        """The unit runs the /opt install as its own user, with settings from /etc/tornado-render/env."""
        assert service_value("ExecStart") == f"{INSTALL_DIR}/.venv/bin/tornado-render"
        assert service_value("WorkingDirectory") == INSTALL_DIR
        assert service_value("User") == service_value("Group") == "tornado-render"
        assert service_value("EnvironmentFile") == "/etc/tornado-render/env"
        assert service_value("Restart") == "on-failure"

    def test_stop_waits_for_the_grace_period(self) -> None:
        """SIGTERM to the server alone, and systemd waits well beyond SHUTDOWN_GRACE_SECONDS before SIGKILL."""
        assert service_value("KillSignal") == "SIGTERM"
        assert service_value("KillMode") == "mixed"  # see TestKillModes for why not control-group
        timeout = seconds(service_value("TimeoutStopSec"))
        assert timeout >= Settings().shutdown_grace_seconds + 20
        example_grace = example_env().get("SHUTDOWN_GRACE_SECONDS")
        if example_grace:
            assert timeout >= float(example_grace) + 20

    def test_state_is_writable_under_protect_system_strict(self) -> None:
        """Every directory the server writes to is one systemd makes writable; the code itself stays read-only."""
        assert service_value("ProtectSystem") == "strict"
        writable = [f"/var/lib/{name}" for name in service_values("StateDirectory")]
        writable += [f"/var/cache/{name}" for name in service_values("CacheDirectory")]
        writable += [path for value in service_values("ReadWritePaths") for path in value.split()]
        environment = service_environment()
        for name in ("OUTPUT_DIR", "LOCAL_STORAGE_DIR", "BUNDLE_DIR", "HOME"):
            path = environment[name]
            assert any(path == root or path.startswith(root + "/") for root in writable), (name, path, writable)
            assert not path.startswith(INSTALL_DIR)

    def test_hardening_leaves_node_and_chromium_working(self) -> None:
        """No option that breaks V8's JIT or Chromium's sandbox; the usual protections are on."""
        for option in ("MemoryDenyWriteExecute", "RestrictNamespaces", "PrivateUsers", "SystemCallFilter"):
            assert not service_values(option), f"{option}= breaks node or Chromium"
        for option in ("NoNewPrivileges", "PrivateTmp", "ProtectHome"):
            assert service_value(option) == "yes"


FLEET_UNITS = {
    "web": ROOT / "scripts" / "systemd" / "tornado-render-web@.service",
    "worker": ROOT / "scripts" / "systemd" / "tornado-render-worker@.service",
}


class TestFleetUnits:
    @needs_systemd_analyze
    @pytest.mark.parametrize("role", sorted(FLEET_UNITS))
    def test_systemd_analyze_finds_nothing_to_report(self, tmp_path: Path, role: str) -> None:
        """`systemd-analyze verify` accepts an instance of each fleet template (web@3001, worker@9101)."""
        instance = FLEET_UNITS[role].name.replace("@", "@3001" if role == "web" else "@9101")
        assert verify(FLEET_UNITS[role].read_text(), tmp_path, instance) == ""

    @needs_systemd_analyze
    def test_verify_would_notice_a_bad_directive(self, tmp_path: Path) -> None:
        """The template check is not vacuous either."""
        broken = FLEET_UNITS["web"].read_text().replace("KillMode=mixed", "KillMod=mixed")
        assert "KillMod" in verify(broken, tmp_path, "tornado-render-web@3001.service")

    @pytest.mark.parametrize("role", sorted(FLEET_UNITS))
    def test_role_port_and_state_of_each_instance(self, role: str) -> None:
        """Each template runs its role on the port of its instance name, with state of its own."""
        entries = dict(unit_entries(FLEET_UNITS[role].read_text())["Service"])
        assert entries["ExecStart"] == f"{INSTALL_DIR}/.venv/bin/tornado-render --role {role} --port %i"
        assert entries["StateDirectory"] == f"tornado-render/{role}-%i"

    @pytest.mark.parametrize("role", sorted(FLEET_UNITS))
    def test_same_stop_and_hardening_as_the_single_unit(self, role: str) -> None:
        """The fleet units stop and are hardened exactly as the one-VM unit (KillMode=mixed, the same protections)."""
        single = dict(unit_entries(UNIT.read_text())["Service"])
        fleet = dict(unit_entries(FLEET_UNITS[role].read_text())["Service"])
        for option in ("KillMode", "TimeoutStopSec", "NoNewPrivileges", "ProtectSystem", "ProtectHome", "User"):
            assert fleet[option] == single[option]


class TestEnvExample:
    def test_names_only_real_settings(self) -> None:
        """Every variable in the example is a setting tornado-render reads."""
        known = {setting.env for setting in SETTINGS}
        assert set(example_env()) <= known, set(example_env()) - known

    def test_example_values_are_accepted(self) -> None:
        """The example's values, commented ones included, pass the server's own setting checks."""
        settings = settings_from_env(example_env())
        assert settings.uses_s3
        assert settings.host == "127.0.0.1"

    def test_names_what_an_operator_must_set(self) -> None:
        """Listening, the public URL and the S3 settings are in the example."""
        for name in ("HOST", "PORT", "PUBLIC_URL", "S3_BUCKET_NAME", "AWS_REGION", "AWS_ACCESS_KEY_ID"):
            assert name in example_env()
        assert "AWS_SECRET_ACCESS_KEY" in example_env()


def pids_in(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()]


class TestKillModes:
    """What `systemctl stop` does to a running render, by KillMode, acted out on the real server."""

    def start_render(
        self, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> tuple[ServerProcess, Gate, Path]:
        gate = Gate(tmp_path / "gate")
        pids = tmp_path / "pids"
        env = {"FAKE_DRIVER_GATE": str(gate.directory), "FAKE_DRIVER_PIDS": str(pids)}
        server = server_factory("ok", SHUTDOWN_GRACE_SECONDS="10", **env)  # a failed test is not held for 60 s
        return server, gate, pids

    def test_mixed_lets_the_running_render_finish(
        self, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> None:
        """KillMode=mixed: SIGTERM reaches the server only, and a render in progress completes."""
        server, gate, _ = self.start_render(server_factory, tmp_path)
        stream = open_stream(server.port, stream_url(distinct_recap("one-book", "Mixed")))
        read_events(stream, count=41)
        server.process.send_signal(signal.SIGTERM)
        server.wait_for_log("shutting_down")
        gate.open("Mixed")
        read_events(stream)
        assert stream.names[-1] == "complete"
        assert server.process.wait(30) == 0

    def test_control_group_would_kill_the_running_render(
        self, server_factory: Callable[..., ServerProcess], tmp_path: Path
    ) -> None:
        """KillMode=control-group: SIGTERM to the driver as well ends the render the server meant to finish."""
        server, gate, pids = self.start_render(server_factory, tmp_path)
        stream = open_stream(server.port, stream_url(distinct_recap("one-book", "Group")))
        read_events(stream, count=41)
        driver = server.wait_for_log("driver_started")["pid"]
        assert driver in pids_in(pids)
        server.process.send_signal(signal.SIGTERM)
        os.kill(driver, signal.SIGTERM)  # the driver this test's server started, as systemd would signal it
        read_events(stream)
        assert stream.names[-1] == "error"
        assert "killed by SIGTERM" in server.wait_for_log("error")["reason"]
        assert "complete" not in stream.names
        gate.open("Group")
        assert server.process.wait(30) == 0
