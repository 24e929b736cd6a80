"""Settings: environment names, command-line overrides, --help, and refusals of unusable values."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.server import ROOT
from tornado_render.settings import SETTINGS, SettingsError, settings_from_args, settings_from_env


class TestSettings:
    def test_defaults_need_nothing(self) -> None:
        """With an empty environment the server listens on 127.0.0.1:3001 with local storage."""
        settings = settings_from_env({})
        assert (settings.host, settings.port) == ("127.0.0.1", 3001)
        assert settings.keepalive_seconds == 15
        assert not settings.uses_s3
        assert settings.max_concurrent_renders >= 1

    def test_existing_deployment_names(self) -> None:
        """AWS_* and S3_BUCKET_NAME are read under the names deployments already use."""
        settings = settings_from_env(
            {"S3_BUCKET_NAME": "b", "AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "k", "AWS_SECRET_ACCESS_KEY": "s"}
        )
        assert settings.uses_s3
        assert (settings.s3_bucket_name, settings.aws_region) == ("b", "eu-west-1")
        assert (settings.aws_access_key_id, settings.aws_secret_access_key) == ("k", "s")

    def test_command_line_overrides_environment(self) -> None:
        """--host and --port win over HOST and PORT."""
        settings = settings_from_args(["--host", "0.0.0.0", "--port", "8080"], env={"PORT": "9999"})
        assert (settings.host, settings.port) == ("0.0.0.0", 8080)

    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("PORT", "http"),
            ("KEEPALIVE_SECONDS", "0"),
            ("MAX_BOOKS", "-1"),
            ("LOG_FORMAT", "xml"),
            ("RENDER_STATIC_SPANS", "yes"),
        ],
    )
    def test_bad_values_name_the_variable(self, name: str, value: str) -> None:
        """An unusable value is refused with the variable's name and value."""
        with pytest.raises(SettingsError, match=f"{name}="):
            settings_from_env({name: value})

    def test_output_dir_is_a_path(self, tmp_path: Path) -> None:
        """Directory settings become paths."""
        assert settings_from_env({"OUTPUT_DIR": str(tmp_path)}).output_dir == tmp_path


class TestHelp:
    def test_help_lists_every_setting(self) -> None:
        """tornado-render serve --help names every option and its environment variable."""
        result = subprocess.run(
            [sys.executable, "-m", "tornado_render", "serve", "--help"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        text = " ".join(result.stdout.split())
        for setting in SETTINGS:
            if setting.secret:
                assert "--" + setting.field.replace("_", "-") not in text
                assert setting.env in text
            else:
                assert "--" + setting.field.replace("_", "-") in text
                assert f"env {setting.env};" in text

    def test_bad_setting_exits_2(self) -> None:
        """A bad value stops the program before it starts, with status 2."""
        result = subprocess.run(
            [sys.executable, "-m", "tornado_render", "--port", "nope"], capture_output=True, text=True, cwd=ROOT
        )
        assert result.returncode == 2
        assert "PORT='nope'" in result.stderr


class TestReadme:
    def test_readme_documents_every_setting(self) -> None:
        """docs/OPERATIONS.md's settings table names every environment variable and option."""
        readme = (ROOT / "docs" / "OPERATIONS.md").read_text()
        for setting in SETTINGS:
            option = "environment only" if setting.secret else f"`--{setting.field.replace('_', '-')}`"
            assert f"| `{setting.env}` | {option} |" in readme
