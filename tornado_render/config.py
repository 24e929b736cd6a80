"""Settings: each one is declared once here, read from the environment, and overridable on the command line.

The environment names are the ones existing deployments already use (AWS_*, S3_BUCKET_NAME); every other setting
has a name of its own and a default that works on a laptop with nothing configured.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cors import parse_origins
from .covers import parse_networks

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PORT = 3001
DEFAULT_KEEPALIVE_SECONDS = 15.0
MAX_URL_BYTES = 512 * 1024


def _optional_str(value: str) -> str | None:
    return value or None


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError(f"must be > 0, got {value!r}")
    return number


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError(f"must be > 0, got {value!r}")
    return number


def _optional_positive_int(value: str) -> int | None:
    return _positive_int(value) if value else None


def _networks(value: str) -> str:
    parse_networks(value)
    return value


def _origins(value: str) -> str:
    parse_origins(value)
    return value


X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")


def _x264_preset(value: str) -> str:
    if value not in X264_PRESETS:
        raise ValueError(f"must be one of {', '.join(X264_PRESETS)}")
    return value


def _image_format(value: str) -> str:
    if value not in ("jpeg", "png"):
        raise ValueError("must be jpeg or png")
    return value


def _on_off(value: str) -> bool:
    if value not in ("on", "off"):
        raise ValueError(f"must be on or off, got {value!r}")
    return value == "on"


def _percent(value: str) -> int:
    number = int(value)
    if not 1 <= number <= 100:
        raise ValueError("must be between 1 and 100")
    return number


def _log_format(value: str) -> str:
    if value not in ("auto", "json", "console"):
        raise ValueError(f"must be auto, json or console, got {value!r}")
    return value


@dataclass(frozen=True)
class Setting:
    """One setting: its field in Settings, its environment variable, how to parse it, and its help text."""

    field: str
    env: str
    parse: Callable[[str], Any]
    help: str


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    public_url: str | None = None
    cors_origins: str = ""
    output_dir: Path = PROJECT_ROOT / "var" / "output"
    storage_dir: Path = PROJECT_ROOT / "var" / "storage"
    bundle_dir: Path = PROJECT_ROOT / "var" / "bundles"
    remotion_dir: Path = PROJECT_ROOT / "remotion"
    node_executable: str = "node"
    browser_executable: str | None = None
    driver_command: str | None = None
    render_concurrency: int | None = None
    render_image_format: str = "jpeg"
    render_jpeg_quality: int = 80
    render_x264_preset: str = "veryfast"
    render_static_spans: bool = True
    remotion_license_key: str | None = None
    keepalive_seconds: float = DEFAULT_KEEPALIVE_SECONDS
    max_concurrent_renders: int = max(1, (os.cpu_count() or 1) // 2)
    max_queued_renders: int = 50
    render_timeout_seconds: float = 900.0
    job_retention_seconds: float = 600.0
    orphan_timeout_seconds: float = 120.0
    shutdown_grace_seconds: float = 60.0
    max_books: int = 50
    cover_timeout_seconds: float = 5.0
    cover_max_bytes: int = 5 * 1024 * 1024
    cover_allowed_networks: str = ""
    s3_bucket_name: str | None = None
    aws_region: str | None = None
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = None
    aws_endpoint_url_s3: str | None = None
    s3_public_base_url: str | None = None
    log_format: str = "auto"

    @property
    def uses_s3(self) -> bool:
        return self.s3_bucket_name is not None


SETTINGS: tuple[Setting, ...] = (
    Setting("host", "HOST", str, "address to listen on"),
    Setting("port", "PORT", int, "port to listen on"),
    Setting(
        "public_url",
        "PUBLIC_URL",
        _optional_str,
        "base URL clients reach this server at, used in video URLs of the local storage "
        "(default: the URL of the request that started the render)",
    ),
    Setting(
        "cors_origins",
        "CORS_ORIGINS",
        _origins,
        "comma-separated origins whose pages may use this server from the browser (e.g. https://example.com), "
        "or *; empty: no CORS headers",
    ),
    Setting("output_dir", "OUTPUT_DIR", Path, "where rendered videos are written (and served by /download)"),
    Setting("storage_dir", "LOCAL_STORAGE_DIR", Path, "the embedded storage used when S3_BUCKET_NAME is not set"),
    Setting("bundle_dir", "BUNDLE_DIR", Path, "where the Remotion bundle is built and cached"),
    Setting("remotion_dir", "REMOTION_DIR", Path, "the Remotion project (with node_modules)"),
    Setting("node_executable", "NODE_EXECUTABLE", str, "the node binary that runs the render driver"),
    Setting(
        "browser_executable",
        "BROWSER_EXECUTABLE",
        _optional_str,
        "headless Chromium for Remotion (default: Debian's /usr/lib/chromium/chromium-headless-shell, "
        "else a browser Remotion downloaded into remotion/node_modules/.remotion)",
    ),
    Setting(
        "driver_command",
        "DRIVER_COMMAND",
        _optional_str,
        "replace the render driver with another program speaking its protocol (tests use a fake one)",
    ),
    Setting(
        "render_concurrency",
        "RENDER_CONCURRENCY",
        _optional_positive_int,
        "browser tabs per render (default: CPU cores + 1; renderMedia, with RENDER_STATIC_SPANS=off, takes at most "
        "the number of cores)",
    ),
    Setting("render_image_format", "RENDER_IMAGE_FORMAT", _image_format, "frame format, jpeg or png"),
    Setting("render_jpeg_quality", "RENDER_JPEG_QUALITY", _percent, "JPEG quality of frames, 1-100"),
    Setting(
        "render_x264_preset",
        "RENDER_X264_PRESET",
        _x264_preset,
        "x264 speed preset (ultrafast ... veryslow): faster presets encode faster into bigger files",
    ),
    Setting(
        "render_static_spans",
        "RENDER_STATIC_SPANS",
        _on_off,
        "on: capture each distinct frame once where the composition declares static spans, and repeat it; "
        "off: capture every frame with renderMedia",
    ),
    Setting(
        "remotion_license_key",
        "REMOTION_LICENSE_KEY",
        _optional_str,
        "Remotion licence key passed to renderMedia (when set, Remotion reports usage over the network)",
    ),
    Setting("keepalive_seconds", "KEEPALIVE_SECONDS", _positive_float, "interval of SSE keepalive comments"),
    Setting(
        "max_concurrent_renders",
        "MAX_CONCURRENT_RENDERS",
        _positive_int,
        "renders running at once; more wait in a FIFO queue (default: one per two CPU cores, at least 1)",
    ),
    Setting("max_queued_renders", "MAX_QUEUED_RENDERS", _positive_int, "waiting renders before new ones get 503"),
    Setting("render_timeout_seconds", "RENDER_TIMEOUT_SECONDS", _positive_float, "a render longer than this fails"),
    Setting(
        "job_retention_seconds",
        "JOB_RETENTION_SECONDS",
        _positive_float,
        "how long a finished job answers identical requests and reconnects with its outcome",
    ),
    Setting(
        "orphan_timeout_seconds",
        "ORPHAN_TIMEOUT_SECONDS",
        _positive_float,
        "a render with no client attached for this long is cancelled",
    ),
    Setting(
        "shutdown_grace_seconds",
        "SHUTDOWN_GRACE_SECONDS",
        _positive_float,
        "on SIGTERM/SIGINT, running renders get this long to finish before they are cancelled",
    ),
    Setting("max_books", "MAX_BOOKS", _positive_int, "books per recap; more is a 400"),
    Setting("cover_timeout_seconds", "COVER_TIMEOUT_SECONDS", _positive_float, "time limit for fetching one cover"),
    Setting("cover_max_bytes", "COVER_MAX_BYTES", _positive_int, "size limit of one cover image"),
    Setting(
        "cover_allowed_networks",
        "COVER_ALLOWED_NETWORKS",
        _networks,
        "comma-separated CIDRs that covers may be fetched from although private or loopback (e.g. 10.0.0.0/8)",
    ),
    Setting("s3_bucket_name", "S3_BUCKET_NAME", _optional_str, "upload to this S3 bucket (unset: local storage)"),
    Setting("aws_region", "AWS_REGION", _optional_str, "the bucket's region (required with S3_BUCKET_NAME)"),
    Setting("aws_access_key_id", "AWS_ACCESS_KEY_ID", _optional_str, "S3 credentials (required with S3)"),
    Setting("aws_secret_access_key", "AWS_SECRET_ACCESS_KEY", _optional_str, "S3 credentials (required with S3)"),
    Setting(
        "aws_endpoint_url_s3",
        "AWS_ENDPOINT_URL_S3",
        _optional_str,
        "a custom S3 endpoint (MinIO, moto...); public URLs become {endpoint}/{bucket}/{key}",
    ),
    Setting(
        "s3_public_base_url",
        "S3_PUBLIC_BASE_URL",
        _optional_str,
        "public URLs become {base}/{key} (a CDN in front of the bucket)",
    ),
    Setting("log_format", "LOG_FORMAT", _log_format, "json, console, or auto (console on a terminal)"),
)


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it."""


def _defaults() -> dict[str, Any]:
    return {f.name: f.default for f in dataclasses.fields(Settings)}


def settings_from_env(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from environment variables (unset or empty means the default), then explicit overrides."""
    env = os.environ if env is None else env
    values = _defaults()
    for setting in SETTINGS:
        raw = env.get(setting.env)
        if raw is None or raw == "":
            continue
        try:
            values[setting.field] = setting.parse(raw)
        except ValueError as error:
            raise SettingsError(f"{setting.env}={raw!r}: {error}") from None
    values.update(overrides)
    return Settings(**values)


def build_argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tornado-render",
        description="Render monthly reading recaps as videos; stream progress over SSE. "
        "Every option can also be set through the environment variable shown.",
    )
    defaults = _defaults()
    for setting in SETTINGS:
        default = defaults[setting.field]
        if isinstance(default, bool):
            default = "on" if default else "off"
        parser.add_argument(
            "--" + setting.field.replace("_", "-"),
            dest=setting.field,
            metavar=setting.env,
            default=None,
            help=f"{setting.help} [env {setting.env}; default: {default if default is not None else 'unset'}]",
        )
    return parser


def settings_from_args(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment, overridden by command-line options."""
    args = build_argument_parser().parse_args(argv)
    merged = dict(os.environ if env is None else env)
    for setting in SETTINGS:
        value = getattr(args, setting.field)
        if value is not None:
            merged[setting.env] = value
    return settings_from_env(merged)
