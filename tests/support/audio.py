"""Listening to soundtracks: loudness and true peak by Debian's ffmpeg (`ebur128=peak=true`: Remotion's ffmpeg has
no ebur128), decoded samples and stream parameters by Remotion's ffmpeg/ffprobe, test tracks and a silent test
video made with ffmpeg's own sources."""

from __future__ import annotations

import array
import json
import math
import re
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.media import COMPOSITOR, FFMPEG, FFPROBE

SYSTEM_FFMPEG = shutil.which("ffmpeg")
SYSTEM_FFPROBE = shutil.which("ffprobe")
REMOTION_ENV = {"LD_LIBRARY_PATH": str(COMPOSITOR)}


def need_system_ffmpeg() -> str:
    """Debian's ffmpeg (scripts/setup installs it for the tests), or skip."""
    if SYSTEM_FFMPEG is None:
        pytest.skip("Debian's ffmpeg is not installed (scripts/setup --with-test-browsers installs it)")
    return SYSTEM_FFMPEG


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP


def loudness(path: Path) -> Loudness:
    """Integrated loudness and true peak of a file's first audio stream (ITU-R BS.1770 by ffmpeg's ebur128)."""
    ffmpeg = need_system_ffmpeg()
    args = [ffmpeg, "-hide_banner", "-nostats", "-i", str(path), "-map", "0:a:0", "-af", "ebur128=peak=true"]
    result = subprocess.run([*args, "-f", "null", "-"], capture_output=True, text=True, timeout=120, check=True)
    summary = result.stderr[result.stderr.rindex("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated, summary
    assert peak, summary
    return Loudness(float(integrated.group(1)), float(peak.group(1)))


def streams(path: Path) -> list[dict[str, Any]]:
    """ffprobe's streams of a file: Debian's ffprobe when there is one (Remotion's, built small, says profiles as
    numbers: 1 for AAC-LC, 100 for High)."""
    need_system_ffmpeg()
    ffprobe = SYSTEM_FFPROBE or str(FFPROBE)
    out = subprocess.run(
        [ffprobe, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
        capture_output=True,
        env=REMOTION_ENV,
        timeout=60,
        check=True,
    ).stdout
    found: list[dict[str, Any]] = json.loads(out)["streams"]
    return found


def stream_of(path: Path, kind: str) -> dict[str, Any] | None:
    return next((stream for stream in streams(path) if stream["codec_type"] == kind), None)


# What the issue asks of every video stream: H.264 High, 4:2:0, TV range, BT.709 primaries, transfer and matrix.
CORRECT_VIDEO = {
    "codec_name": "h264",
    "profile": "High",
    "pix_fmt": "yuv420p",
    "color_range": "tv",
    "color_space": "bt709",
    "color_transfer": "bt709",
    "color_primaries": "bt709",
}


def video_flags(path: Path) -> dict[str, Any]:
    """The video stream's fields that CORRECT_VIDEO names."""
    stream = stream_of(path, "video") or {}
    return {key: stream.get(key) for key in CORRECT_VIDEO}


WAV_OUT = ["-c:a", "pcm_s16le", "-f", "wav", "-"]


def mono_samples(path: Path, rate: int = 48000) -> list[float]:
    """The first audio stream decoded to mono floats (-1..1) at `rate` Hz."""
    out = subprocess.run(
        [str(FFMPEG), "-v", "error", "-i", str(path), "-map", "0:a:0", "-ac", "1", "-ar", str(rate), *WAV_OUT],
        capture_output=True,
        env=REMOTION_ENV,
        timeout=60,
        check=True,
    ).stdout
    pcm = array.array("h")
    pcm.frombytes(out[out.index(b"data") + 8 :])
    return [value / 32768 for value in pcm]


def read_wav(path: Path) -> tuple[wave._wave_params, array.array[int]]:
    """A PCM WAV file's parameters and its interleaved 16-bit samples."""
    with wave.open(str(path)) as handle:
        params = handle.getparams()
        samples = array.array("h")
        samples.frombytes(handle.readframes(params.nframes))
    return params, samples


def silent_video(path: Path, seconds: float) -> Path:
    """A small H.264 video of `seconds` at 30 fps, no audio, flagged BT.709 TV range as the renders are."""
    bt709 = "matrixin=709:rangein=limited:primariesin=709:transferin=709:m=709:r=limited:p=709:t=709"
    graph = f"nullsrc=s=64x112:r=30,zscale={bt709},format=yuv420p"
    args = [str(FFMPEG), "-v", "error", "-filter_complex", graph, "-frames:v", str(round(seconds * 30))]
    args += ["-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-colorspace", "bt709"]
    args += ["-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv", "-y", str(path)]
    subprocess.run(args, env=REMOTION_ENV, timeout=60, check=True)
    return path


# Test tracks (ffmpeg's sine source): what each is made of, and its encoder arguments.
CHORD = "sine=f=220:d={d},volume=0.12[a];sine=f=277.18:d={d},volume=0.1[b];sine=f=329.63:d={d},volume=0.08[c];"
TRACKS: dict[str, tuple[str, list[str]]] = {
    "tone.mp3": (CHORD + "[a][b][c]amix=inputs=3:normalize=0,aformat=channel_layouts=stereo", ["-c:a", "libmp3lame"]),
    "tone.ogg": (CHORD + "[a][b][c]amix=inputs=3:normalize=0", ["-c:a", "libvorbis"]),
    "tone.wav": (CHORD + "[a][b][c]amix=inputs=3:normalize=0,aresample=22050", ["-c:a", "pcm_s16le"]),
    "tone.flac": (CHORD + "[a][b][c]amix=inputs=3:normalize=0,aformat=channel_layouts=stereo", ["-c:a", "flac"]),
    "tone.m4a": (CHORD + "[a][b][c]amix=inputs=3:normalize=0,aresample=44100", ["-c:a", "aac", "-f", "mp4"]),
    # A square wave at full scale: what a clipped master looks like (its true peak is above 0 dBTP).
    "loud.wav": ("sine=f=110:d={d},volume=20", ["-c:a", "pcm_s16le"]),
    # Far too quiet: -48 LUFS.
    "quiet.flac": ("sine=f=330:d={d},volume=0.005", ["-c:a", "flac"]),
    # Not usable: Matroska (a format ffprobe knows but may not open), 11 minutes, no audio, not media at all.
    "opus.mka": ("sine=f=440:d={d}", ["-c:a", "libopus"]),
    "long.flac": ("anullsrc=r=8000:cl=mono,atrim=duration=660", ["-c:a", "flac"]),
}


def make_tracks(directory: Path, seconds: float = 7.0) -> Path:
    """Every test track of TRACKS in `directory` (Debian's ffmpeg), plus `video.mp4` (no audio) and `text.mp3` (not
    media)."""
    ffmpeg = need_system_ffmpeg()
    directory.mkdir(parents=True, exist_ok=True)
    for name, (graph, codec) in TRACKS.items():
        source = graph.format(d=seconds)
        args = [ffmpeg, "-v", "error", "-filter_complex", source, *codec, "-y", str(directory / name)]
        subprocess.run(args, timeout=120, check=True)
    silent_video(directory / "video.mp4", 2)
    (directory / "text.mp3").write_text("this is not a sound\n" * 100)
    return directory


ONSET_RISE_DB = 3.0
HOP = 120  # 2.5 ms at 48 kHz


def onsets(signal: list[float], rate: int, circular: bool = True) -> list[tuple[float, float]]:
    """(time in s, rise in dB) of each onset of a mono signal, found the way an editor's beat detector finds them:
    the energy of the next 40 ms against the previous 40 ms, every 2.5 ms, and the peaks that rise by at least
    ONSET_RISE_DB and are the highest within 100 ms. A loop (`circular`) wraps around; a track does not look past its
    ends."""
    energy = [sum(value * value for value in signal[i : i + HOP]) for i in range(0, len(signal), HOP)]
    count, side = len(energy), round(0.04 * rate / HOP)

    def at(k: int) -> float:
        return energy[k % count] if circular or 0 <= k < count else 0.0

    rises = []
    for k in range(count):
        before = sum(at(k - j - 1) for j in range(side)) + 1e-12
        after = sum(at(k + j) for j in range(side)) + 1e-12
        rises.append(10 * math.log10(after / before))
    reach = round(0.1 * rate / HOP)

    def rise(k: int) -> float:
        return rises[k % count] if circular or 0 <= k < count else -math.inf

    return [
        (k * HOP / rate, rises[k])
        for k in range(count)
        if rises[k] >= ONSET_RISE_DB and rises[k] == max(rise(k + j) for j in range(-reach, reach + 1))
    ]
