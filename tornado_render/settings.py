"""Settings, each declared once: its name, environment variable, option, type, default and help are one field of
`Settings`. The environment, the command line and `--help` come from these declarations; docs/OPERATIONS.md's table
is written by hand, and tests/test_config.py checks that it names every variable and option; docs/ARCHITECTURE.md's
table of where each setting is read is checked against these declarations, defaults included (tests/test_docs.py).

The environment names are the ones existing deployments already use (AWS_*, S3_BUCKET_NAME); every other setting
has a name of its own and a default that works on a laptop with nothing configured. Values are held parsed
(origins as a set, networks as networks, keys as bytes: the parsers of setting_values.py), so nothing downstream
parses a setting again or restates its default.

A secret has no command-line option (the command line of a process is visible to every user in `ps`); it comes
from its environment variable or from a file named by `<VARIABLE>_FILE` (systemd credentials, mounted secrets),
and never appears in `repr(settings)`.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .setting_values import IPNetwork, parse_keys, parse_networks, parse_origins

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MAX_URL_BYTES = 512 * 1024
MAX_BODY_BYTES = 1024 * 1024
# POST /batches: at most this many RenderRequests a call, in a body of at most this many bytes (read as it arrives,
# never held whole; each item at most MAX_BODY_BYTES).
MAX_BATCH_ITEMS = 1000
MAX_BATCH_BODY_BYTES = 16 * 1024 * 1024
# SIGNATURE_MAX_SECONDS: a week (web/signing.py).
DEFAULT_SIGNATURE_MAX_SECONDS = 7 * 24 * 3600
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")
CPU_CORES = os.cpu_count() or 1


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it."""


@dataclass(frozen=True)
class Setting:
    """How one field of Settings is set: its variable, how its text is parsed, its help, whether it is secret."""

    field: str
    env: str
    parse: Callable[[str], Any]
    help: str
    secret: bool = False
    shown_default: str | None = None

    @property
    def option(self) -> str:
        return "--" + self.field.replace("_", "-")


def setting(
    default: Any,
    env: str,
    help: str,
    parse: Callable[[str], Any] = str,
    *,
    secret: bool = False,
    shown: str | None = None,
) -> Any:
    """A field of Settings with its declaration (see `Setting`); `shown` is how --help prints the default."""
    return field(default=default, metadata={"setting": (env, parse, help, secret, shown)})


def _optional(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda text: parse(text) if text else None


def _positive(kind: type[int] | type[float]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        number = kind(text)
        if number <= 0:
            raise ValueError(f"must be > 0, got {text!r}")
        return number

    return parse


def _non_negative_int(text: str) -> int:
    number = int(text)
    if number < 0:
        raise ValueError(f"must be >= 0, got {text!r}")
    return number


def _one_of(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, got {text!r}")
        return text

    return parse


def _percent(text: str) -> int:
    number = int(text)
    if not 1 <= number <= 100:
        raise ValueError("must be between 1 and 100")
    return number


def _on_off(text: str) -> bool:
    if text.lower() not in ("on", "off"):
        raise ValueError(f"must be on or off, got {text!r}")
    return text.lower() == "on"


_optional_text = _optional(str)
_positive_int = _positive(int)
_positive_float = _positive(float)


@dataclass(frozen=True)
class Settings:
    host: str = setting("127.0.0.1", "HOST", "address to listen on")
    port: int = setting(3001, "PORT", "port to listen on", int)
    public_url: str | None = setting(
        None,
        "PUBLIC_URL",
        "base URL clients reach this server at, used in video URLs of the local storage "
        "(default: each client's own request URL)",
        _optional_text,
    )
    cors_origins: frozenset[str] = setting(
        frozenset(),
        "CORS_ORIGINS",
        "comma-separated origins whose pages may use this server from the browser (e.g. https://example.com), "
        "or *; empty: no CORS headers",
        parse_origins,
        shown="empty",
    )
    output_dir: Path = setting(
        PROJECT_ROOT / "var" / "output",
        "OUTPUT_DIR",
        "where rendered videos are written (and served by /download)",
        Path,
    )
    storage_dir: Path = setting(
        PROJECT_ROOT / "var" / "storage",
        "LOCAL_STORAGE_DIR",
        "the embedded storage used when S3_BUCKET_NAME is not set",
        Path,
    )
    bundle_dir: Path = setting(
        PROJECT_ROOT / "var" / "bundles", "BUNDLE_DIR", "where the Remotion bundle is built and cached", Path
    )
    remotion_dir: Path = setting(
        PROJECT_ROOT / "remotion", "REMOTION_DIR", "the Remotion project (with node_modules)", Path
    )
    node_executable: str = setting("node", "NODE_EXECUTABLE", "the node binary that runs the render driver")
    browser_executable: str | None = setting(
        None,
        "BROWSER_EXECUTABLE",
        "headless Chromium for Remotion (default: Debian's /usr/lib/chromium/chromium-headless-shell, "
        "else a browser Remotion downloaded into remotion/node_modules/.remotion)",
        _optional_text,
    )
    driver_command: str | None = setting(
        None,
        "DRIVER_COMMAND",
        "replace the render driver with another program speaking its protocol (tests use a fake one)",
        _optional_text,
    )
    render_concurrency: int = setting(
        # One tab more than cores: a tab spends part of each frame waiting on the browser's shared threads (see
        # docs/PERFORMANCE.md); renderMedia, used with RENDER_STATIC_SPANS=off, takes at most the cores.
        CPU_CORES + 1,
        "RENDER_CONCURRENCY",
        "browser tabs per render (default: CPU cores + 1; renderMedia, with RENDER_STATIC_SPANS=off, takes at most "
        "the number of cores)",
        _positive_int,
    )
    render_image_format: str = setting(
        "jpeg", "RENDER_IMAGE_FORMAT", "frame format, jpeg or png", _one_of("jpeg", "png")
    )
    render_jpeg_quality: int = setting(80, "RENDER_JPEG_QUALITY", "JPEG quality of frames, 1-100", _percent)
    render_x264_preset: str = setting(
        "veryfast",
        "RENDER_X264_PRESET",
        "x264 speed preset (ultrafast ... veryslow): faster presets encode faster into bigger files",
        _one_of(*X264_PRESETS),
    )
    render_static_spans: bool = setting(
        True,
        "RENDER_STATIC_SPANS",
        "on: capture each distinct frame once where the composition declares static spans, and repeat it; "
        "off: capture every frame with renderMedia",
        _on_off,
        shown="on",
    )
    warm_renders: int = setting(
        0,
        "WARM_RENDERS",
        "renders one warm driver (node and its open Chromium, one per render slot) does before it is recycled (and "
        "after any failure); 0: a new driver and browser for every render",
        _non_negative_int,
    )
    chunk_frames: int = setting(
        0,
        "CHUNK_FRAMES",
        "frames per chunk of a render split over several drivers of this instance at once (CHUNK_DRIVERS), joined "
        "into one video; 0: every render whole",
        _non_negative_int,
    )
    chunk_min_frames: int = setting(
        1800,
        "CHUNK_MIN_FRAMES",
        "a video of at most this many frames renders whole even with CHUNK_FRAMES set (each chunk pays a render's "
        "fixed cost again)",
        _non_negative_int,
    )
    chunk_drivers: int = setting(
        2, "CHUNK_DRIVERS", "drivers one chunked render runs at once (its chunks wait for a place)", _positive_int
    )
    chunk_fleet: bool = setting(
        False,
        "CHUNK_FLEET",
        "on (with REDIS_URL): a chunked render's chunks are jobs of the fleet's queue, rendered by any worker and "
        "joined by the render's own worker (which renders chunks itself while it waits); off: this instance's drivers",
        _on_off,
        shown="off",
    )
    remotion_license_key: str | None = setting(
        None,
        "REMOTION_LICENSE_KEY",
        "Remotion licence key passed to renderMedia (when set, Remotion reports usage over the network)",
        _optional_text,
        secret=True,
    )
    keepalive_seconds: float = setting(15.0, "KEEPALIVE_SECONDS", "interval of SSE keepalive comments", _positive_float)
    max_concurrent_renders: int = setting(
        max(1, CPU_CORES // 2),
        "MAX_CONCURRENT_RENDERS",
        "renders running at once; more wait in a FIFO queue (default: one per two CPU cores, at least 1)",
        _positive_int,
    )
    max_queued_renders: int = setting(
        50, "MAX_QUEUED_RENDERS", "waiting renders before new ones get 503", _positive_int
    )
    batch_fair_share: int = setting(
        50,
        "BATCH_FAIR_SHARE",
        "percent of an instance's batch slots (MAX_CONCURRENT_RENDERS) one batch may hold, at least one, 1-100: a "
        "later batch's items start while an earlier large one still runs",
        _percent,
    )
    render_timeout_seconds: float = setting(
        900.0, "RENDER_TIMEOUT_SECONDS", "a render longer than this fails", _positive_float
    )
    job_retention_seconds: float = setting(
        600.0,
        "JOB_RETENTION_SECONDS",
        "how long a finished job answers identical requests and reconnects with its outcome",
        _positive_float,
    )
    orphan_timeout_seconds: float = setting(
        120.0,
        "ORPHAN_TIMEOUT_SECONDS",
        "a render with no client attached for this long is cancelled",
        _positive_float,
    )
    shutdown_grace_seconds: float = setting(
        60.0,
        "SHUTDOWN_GRACE_SECONDS",
        "on SIGTERM/SIGINT, running renders get this long to finish before they are cancelled",
        _positive_float,
    )
    max_books: int = setting(50, "MAX_BOOKS", "books per recap; more is a 400", _positive_int)
    max_video_seconds: float = setting(
        # What MAX_BOOKS books last in the default timing (210 s), and no more: the most expensive request this lets
        # through (3 books of 500-character titles, every timing part stretched: 6,300 frames that all move) renders
        # in 302 s, 48 ms a frame, on a 2-core machine shared with other work (docs/PERFORMANCE.md, bench `worst`;
        # 60 ms in a busier run): a third of the default RENDER_TIMEOUT_SECONDS, room for a machine twice as slow.
        # 300 s (the default before) was 9,000 such frames, 450-540 s, too near the timeout.
        210.0,
        "MAX_VIDEO_SECONDS",
        "longest video a request may ask for (its recap with its template's timing); longer is a 400",
        _positive_float,
    )
    failed_job_seconds: float = setting(
        300.0,
        "FAILED_JOB_SECONDS",
        "a render that failed in a way it would again (timed out, the composition failed) answers the same request "
        "with its error for this long instead of rendering again",
        _positive_float,
    )
    user_max_jobs: int = setting(
        2,
        "USER_MAX_JOBS",
        "queued and running renders one userId may have at once; more get 429 with Retry-After",
        _positive_int,
    )
    max_streams: int = setting(10_000, "MAX_STREAMS", "open /render-stream connections; more get 503", _positive_int)
    user_max_streams: int = setting(
        8,
        "USER_MAX_STREAMS",
        "open /render-stream connections per userId (across the fleet with REDIS_URL); more get 429 with Retry-After",
        _positive_int,
    )
    signing_keys: tuple[bytes, ...] = setting(
        (),
        "RENDER_SIGNING_KEYS",
        "comma-separated secrets (32+ characters each): when set, /render-stream, /render, /batches, /download and "
        "/videos need a signature made with the first (any of them verifies); empty: open to anyone who reaches the "
        "server",
        parse_keys,
        secret=True,
    )
    signature_max_seconds: float = setting(
        float(DEFAULT_SIGNATURE_MAX_SECONDS),
        "SIGNATURE_MAX_SECONDS",
        "a signature whose exp is further away than this is refused (403); `tornado-render sign` makes none",
        _positive_float,
    )
    pre_auth_memory_mib: int = setting(
        64,
        "PRE_AUTH_MEMORY_MIB",
        "MiB the server holds at most, all connections together, for requests not yet verified (heads being read, "
        "bodies before their signature is checked); past it new ones get 503 with Retry-After",
        _positive_int,
    )
    idle_connection_timeout_seconds: float = setting(
        30.0,
        "IDLE_CONNECTION_TIMEOUT_SECONDS",
        "a connection that sends no complete request head for this long is closed",
        _positive_float,
    )
    body_timeout_seconds: float = setting(
        60.0, "BODY_TIMEOUT_SECONDS", "a request body that takes longer than this to arrive is refused", _positive_float
    )
    cover_timeout_seconds: float = setting(
        5.0, "COVER_TIMEOUT_SECONDS", "time limit for fetching one cover", _positive_float
    )
    cover_max_bytes: int = setting(5 * 1024 * 1024, "COVER_MAX_BYTES", "size limit of one cover image", _positive_int)
    cover_allowed_networks: tuple[IPNetwork, ...] = setting(
        (),
        "COVER_ALLOWED_NETWORKS",
        "comma-separated CIDRs that covers may be fetched from although private or loopback (e.g. 10.0.0.0/8)",
        parse_networks,
        shown="empty",
    )
    audio_max_bytes: int = setting(
        10 * 1024 * 1024,
        "AUDIO_MAX_BYTES",
        "size limit of a soundtrack fetched from a template's audio URL (fetched under the cover rules)",
        _positive_int,
    )
    s3_bucket_name: str | None = setting(
        None, "S3_BUCKET_NAME", "upload to this S3 bucket (unset: local storage)", _optional_text
    )
    aws_region: str | None = setting(
        None, "AWS_REGION", "the bucket's region (required with S3_BUCKET_NAME)", _optional_text
    )
    aws_access_key_id: str | None = setting(
        None, "AWS_ACCESS_KEY_ID", "S3 credentials (required with S3)", _optional_text
    )
    aws_secret_access_key: str | None = setting(
        None, "AWS_SECRET_ACCESS_KEY", "S3 credentials (required with S3)", _optional_text, secret=True
    )
    aws_endpoint_url_s3: str | None = setting(
        None,
        "AWS_ENDPOINT_URL_S3",
        "a custom S3 endpoint (MinIO, moto...); public URLs become {endpoint}/{bucket}/{key}",
        _optional_text,
    )
    s3_public_base_url: str | None = setting(
        None,
        "S3_PUBLIC_BASE_URL",
        "public URLs become {base}/{key} (a CDN in front of the bucket)",
        _optional_text,
    )
    s3_url_mode: str = setting(
        "public",
        "S3_URL_MODE",
        "public: s3Url is the object's public URL; presigned: a presigned GET URL (for private buckets)",
        _one_of("public", "presigned"),
    )
    s3_url_expires: int = setting(3600, "S3_URL_EXPIRES", "seconds a presigned s3Url stays valid", _positive_int)
    video_key_secret: str | None = setting(
        None,
        "VIDEO_KEY_SECRET",
        "secret that makes video names unguessable keyed digests of their recap (unset: generated once and kept "
        "in OUTPUT_DIR, or in Redis for a fleet)",
        _optional_text,
        secret=True,
    )
    redis_url: str | None = setting(
        None,
        "REDIS_URL",
        "keep jobs, their events and the queue in this Redis (redis://[:password@]host:port/db) so instances form "
        "a fleet; unset: in this process (a secret: it may hold Redis's password)",
        _optional_text,
        secret=True,
    )
    role: str = setting(
        "all",
        "ROLE",
        "all: take requests and render; web: take requests and stream (with REDIS_URL); worker: render queued jobs "
        "(with REDIS_URL)",
        _one_of("all", "web", "worker"),
    )
    worker_lease_seconds: float = setting(
        15.0,
        "WORKER_LEASE_SECONDS",
        "a worker that stops renewing its job's lease for this long has lost the job; another worker renders it",
        _positive_float,
    )
    share_pages: bool = setting(
        True,
        "SHARE_PAGES",
        "on: every finished video gets a public share page (GET /share/<token>, named `share` in its assets); "
        "off: no share pages, links or records",
        _on_off,
        shown="on",
    )
    log_format: str = setting(
        "auto", "LOG_FORMAT", "json, console, or auto (console on a terminal)", _one_of("auto", "json", "console")
    )

    @property
    def uses_s3(self) -> bool:
        return self.s3_bucket_name is not None

    def __repr__(self) -> str:
        """Secrets never reach a log line or a traceback through the settings object."""
        shown = {
            setting.field: "<secret>"
            if setting.secret and getattr(self, setting.field)
            else getattr(self, setting.field)
            for setting in SETTINGS
        }
        return f"Settings({shown})"


def _declarations() -> tuple[Setting, ...]:
    declared = []
    for item in dataclasses.fields(Settings):
        env, parse, help_text, secret, shown = item.metadata["setting"]
        declared.append(Setting(item.name, env, parse, help_text, secret, shown))
    return tuple(declared)


SETTINGS: tuple[Setting, ...] = _declarations()


def default_text(setting: Setting) -> str:
    """The default as --help and docs/OPERATIONS.md show it."""
    if setting.shown_default is not None:
        return setting.shown_default
    value = getattr(Settings(), setting.field)
    return "unset" if value is None else str(value)


def _raw_value(setting: Setting, env: Mapping[str, str]) -> str | None:
    """The setting's text from its variable, or for a secret from the file `<VARIABLE>_FILE` names."""
    raw = env.get(setting.env)
    if raw or not setting.secret or not env.get(setting.env + "_FILE"):
        return raw
    path = Path(env[setting.env + "_FILE"])
    try:
        return path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{setting.env}_FILE={path}: cannot read it ({error})") from None


def settings_from_env(env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Settings from environment variables (unset or empty means the default), then explicit overrides."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = _raw_value(setting, env)
        if raw is None or raw == "":
            continue
        try:
            values[setting.field] = setting.parse(raw)
        except ValueError as error:
            shown = "<secret>" if setting.secret else repr(raw)
            raise SettingsError(f"{setting.env}={shown}: {error}") from None
    values.update(overrides)
    return Settings(**values)


def build_argument_parser(prog: str = "tornado-render serve") -> argparse.ArgumentParser:
    secrets = ", ".join(setting.env for setting in SETTINGS if setting.secret)
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Render monthly reading recaps as videos; stream progress over SSE. "
        "Every option can also be set through the environment variable shown.",
        epilog=f"Secrets have no option (a command line is visible in ps): set {secrets} in the environment, "
        "or name a file holding the value in <VARIABLE>_FILE.",
    )
    add_setting_options(parser)
    return parser


def add_setting_options(parser: argparse.ArgumentParser, *, listed: bool = True) -> None:
    """One option per setting that is not a secret, each naming its variable and default; not `listed`, they are
    accepted but left out of --help (a command that only needs a few says where they are documented)."""
    for setting in SETTINGS:
        if setting.secret:
            continue
        parser.add_argument(
            setting.option,
            dest=setting.field,
            metavar=setting.env,
            default=None,
            help=f"{setting.help} [env {setting.env}; default: {default_text(setting)}]"
            if listed
            else argparse.SUPPRESS,
        )


def settings_from_namespace(args: argparse.Namespace, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment, overridden by the options parsed into `args`."""
    merged = dict(os.environ if env is None else env)
    for setting in SETTINGS:
        value = getattr(args, setting.field, None)
        if value is not None:
            merged[setting.env] = value
    return settings_from_env(merged)


def settings_from_args(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment, overridden by command-line options."""
    return settings_from_namespace(build_argument_parser().parse_args(argv), env)
