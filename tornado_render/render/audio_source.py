"""A soundtrack from a template's `audio.url`: fetched under the cover rules and probed before any of it is used.

The URL comes from a reader's client, so it is fetched as a cover URL is (fetching.py: http or https only, public
addresses checked on the addresses the client connects to, redirects included; COVER_ALLOWED_NETWORKS opens
private ranges for both), with a time limit and a size cap (AUDIO_MAX_BYTES, counted as the bytes arrive).

Then Remotion's ffprobe says what the file is, and only MP3, AAC (ADTS or in an M4A), Ogg (Vorbis, Opus, FLAC),
WAV (PCM) and FLAC pass, with at least one audio stream and at most MAX_SECONDS. ffprobe, and ffmpeg later, read
the file with `-protocol_whitelist file` and `-format_whitelist` of those demuxers: a file that is really a
playlist (HLS), a concat script or anything else that names other files or URLs is never opened as one.

Every refusal is a TrackRefused whose message is plain words for the reader ("larger than 10 MB"); the soundtrack
makes it a warning and the video silent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import MediaToolFailed
from ..setting_values import IPNetwork
from .fetching import FetchRefused, UrlFetcher
from .ffmpeg import MediaTools, run_tool

MAX_SECONDS = 600
FETCH_TIMEOUT_SECONDS = 30.0
PROBE_TIMEOUT_SECONDS = 15.0
USER_AGENT = "tornado-render soundtrack fetcher"
# ffprobe's format name -> the audio codecs accepted in it.
ACCEPTED: dict[str, frozenset[str]] = {
    "mp3": frozenset({"mp3"}),
    "aac": frozenset({"aac"}),
    "mov,mp4,m4a,3gp,3g2,mj2": frozenset({"aac"}),
    "ogg": frozenset({"vorbis", "opus", "flac"}),
    "wav": frozenset({"pcm_u8", "pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_f64le"}),
    "flac": frozenset({"flac"}),
}
ACCEPTED_NAMES = "MP3, AAC, OGG, WAV or FLAC"
# The only demuxers ffprobe and ffmpeg may open a fetched file with (`-format_whitelist`).
DEMUXERS = "mp3,aac,mov,ogg,wav,flac"
INPUT_OPTIONS = ["-protocol_whitelist", "file", "-format_whitelist", DEMUXERS]


class TrackRefused(Exception):
    """This track is not used; the message says why in plain words (it ends up in the reader's warning)."""


@dataclass(frozen=True)
class AudioPolicy:
    """AUDIO_MAX_BYTES, and the cover rules' COVER_ALLOWED_NETWORKS."""

    max_bytes: int
    allowed_networks: tuple[IPNetwork, ...]
    timeout_seconds: float = FETCH_TIMEOUT_SECONDS


@dataclass(frozen=True)
class ProbedTrack:
    """A fetched file ffprobe accepted: where it is, what it is, how long it lasts."""

    path: Path
    format_name: str
    codec: str
    seconds: float


def accepted_track(probe: dict[str, Any], path: Path) -> ProbedTrack:
    """The verdict on ffprobe's JSON (`-show_format -show_streams`): the track, or TrackRefused saying why."""
    format_name = str((probe.get("format") or {}).get("format_name", ""))
    if format_name not in ACCEPTED:
        raise TrackRefused(f"its format ({format_name or 'unknown'}) is not {ACCEPTED_NAMES}")
    audio = [stream for stream in probe.get("streams") or [] if stream.get("codec_type") == "audio"]
    if not audio:
        raise TrackRefused("it has no audio")
    codec = str(audio[0].get("codec_name", ""))
    if codec not in ACCEPTED[format_name]:
        raise TrackRefused(f"its audio ({codec or 'unknown'}) is not a codec accepted in {format_name.split(',')[0]}")
    try:
        seconds = float((probe.get("format") or {}).get("duration") or audio[0].get("duration"))
    except (TypeError, ValueError):
        raise TrackRefused("its length cannot be told") from None
    if not 0 < seconds <= MAX_SECONDS:
        raise TrackRefused(f"longer than {MAX_SECONDS // 60} minutes" if seconds > 0 else "it is empty")
    return ProbedTrack(path, format_name, codec, seconds)


class TrackFetcher:
    """Fetches and probes URL tracks; one per pipeline (its HTTP client resolves public addresses only)."""

    def __init__(self, policy: AudioPolicy, tools: MediaTools) -> None:
        self.policy = policy
        self.tools = tools
        self.fetcher = UrlFetcher(policy.allowed_networks, USER_AGENT)

    async def fetch(self, url: str, destination: Path) -> ProbedTrack:
        """Download `url` into `destination` and probe it; TrackRefused says why it cannot be used."""
        destination.write_bytes(await self._download(url))
        return await self.probe(destination)

    async def probe(self, path: Path) -> ProbedTrack:
        args = [*INPUT_OPTIONS, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)]
        try:
            stdout, _ = await run_tool(self.tools.ffprobe, args, self.tools.environment(), PROBE_TIMEOUT_SECONDS)
            probe = json.loads(stdout)
        except MediaToolFailed as error:
            if error.timed_out:
                raise TrackRefused("probing it took too long") from None
            if "whitelist" in error.stderr_tail:  # a format ffprobe knows but may not open here (Matroska, ...)
                raise TrackRefused(f"its format is not {ACCEPTED_NAMES}") from None
            raise TrackRefused("not an audio file") from None
        except ValueError:
            raise TrackRefused("not an audio file") from None
        return accepted_track(probe if isinstance(probe, dict) else {}, path)

    async def _download(self, url: str) -> bytes:
        try:
            return await self.fetcher.fetch(
                url, max_bytes=self.policy.max_bytes, timeout_seconds=self.policy.timeout_seconds
            )
        except FetchRefused as refused:
            raise TrackRefused(str(refused)) from None
