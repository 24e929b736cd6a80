"""The soundtrack of a video: the template's `audio` made into an AAC track of exactly the video's length, then muxed
into the rendered MP4.

Preparing starts with the render (the video's length is known from the timing rule before a frame is drawn) and
runs beside it; the mux, a stream copy, runs once the driver's video is complete. What a reader hears:

- the source looped as often as needed and cut at the video's last sample (48 kHz), faded in over 0.5 s and out
  over 1.0 s to silence at the last frame;
- at -14 LUFS integrated with a true peak at most -1.5 dBTP (a margin under -1 dBTP for the AAC encoder's
  overshoot), then scaled by `volume` (1: as normalised; 0: no audio track at all);
- AAC-LC (libfdk_aac: a 20 s track encodes in 0.3 s, ffmpeg's own AAC encoder takes 1.2 s), 48 kHz, stereo, muxed
  without re-encoding the video (its colour flags stay), index in front
  (`+faststart`).

Two ways to the loudness. A bundled bed is a steady loop made at -14 LUFS with its loudness and true peak measured
when it was made (beds.json `gainDb`, `truePeakDb`), so its gain is known: the manifest's, plus what the fades take
from the integrated loudness of a video this long (the browser preview applies the same gain). A track from a URL
is unknown: two passes of ffmpeg's `loudnorm`, one to measure (after the fades), one to apply the measured gain
linearly (loudnorm falls back to its dynamic mode, with a true-peak limiter, only when a linear gain would break the
peak limit).

Remotion's ffmpeg has neither afade nor a per-sample envelope: the fades are a `volume` expression evaluated per
audio frame, and the frames are cut to FRAME_SAMPLES (5.3 ms) by merging the music with a silent source of that
frame size (`amerge`) and dropping the silent channel again (`pan`), so a fade moves in steps too small to hear.

Nothing here fails a render: a track that cannot be fetched, read or processed becomes a warning in the reader's
words (`template.audio.url: the track could not be used (larger than 10 MB); the video is silent`) and no audio.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import MediaToolFailed
from ..logs import get_logger
from ..templates import FPS
from .audio_source import INPUT_OPTIONS, AudioPolicy, TrackFetcher, TrackRefused
from .ffmpeg import MediaTools, run_tool

log = get_logger()  # a job's lines carry its id and userId: the runner binds them (logs.py)

SAMPLE_RATE = 48000
TARGET_LUFS = -14.0
TARGET_TRUE_PEAK = -1.5
# loudnorm's loudness-range target: wide, so that a linear gain is used for any ordinary music.
LOUDNORM_LRA = 20.0
FADE_IN_SECONDS = 0.5
FADE_OUT_SECONDS = 1.0
FRAME_SAMPLES = 256
AAC_BITRATE = "192k"
# Each ffmpeg run may take this long, plus this much per second of audio (loudnorm upsamples to 192 kHz).
TOOL_TIMEOUT_SECONDS = 60.0
TOOL_SECONDS_PER_AUDIO_SECOND = 1.0
SILENT_LUFS = -70.0


@dataclass(frozen=True)
class PreparedAudio:
    """What `prepare` made: the AAC file (None: the video stays silent), the warnings for the reader, and the
    figures for the log."""

    path: Path | None
    warnings: tuple[str, ...] = ()
    figures: Mapping[str, Any] = field(default_factory=dict)


def fade_expression(seconds: float) -> str:
    """The gain of the fades at time `t` (s) of a track `seconds` long: a linear rise over FADE_IN_SECONDS, a linear
    fall over FADE_OUT_SECONDS ending at 0 on the last sample (both shortened in proportion for very short videos)."""
    fade_in = min(FADE_IN_SECONDS, seconds / 3)
    fade_out = min(FADE_OUT_SECONDS, 2 * seconds / 3)
    return f"min(1,t/{fade_in:.6f})*min(1,max(0,({seconds:.6f}-t)/{fade_out:.6f}))"


def fade_loss_db(seconds: float) -> float:
    """How much the fades lower the integrated loudness of a steady source this long (a linear fade keeps a third
    of its power): what a bed's gain adds back so that the whole video measures -14 LUFS."""
    faded = min(FADE_IN_SECONDS, seconds / 3) + min(FADE_OUT_SECONDS, 2 * seconds / 3)
    kept = (seconds - faded + faded / 3) / seconds
    return -10 * math.log10(kept)


def volume_db(volume: float) -> float:
    return 20 * math.log10(volume)


def shaped(samples: int) -> str:
    """A filter graph: the source (`[0:a:0]`) as 48 kHz stereo of exactly `samples` samples,
    in frames of FRAME_SAMPLES, with the fades applied; its output is `[faded]`."""
    seconds = samples / SAMPLE_RATE
    return (
        f"[0:a:0]aresample={SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,"
        f"atrim=end_sample={samples},asetpts=N/SR/TB[music];"
        f"anullsrc=r={SAMPLE_RATE}:cl=mono:nb_samples={FRAME_SAMPLES}[frames];"
        "[music][frames]amerge=inputs=2,pan=stereo|c0=c0|c1=c1,"
        f"volume='{fade_expression(seconds)}':eval=frame[faded]"
    )


def loudnorm_figures(stderr: str) -> dict[str, str]:
    """The JSON block loudnorm prints (print_format=json) at the end of a run."""
    start = stderr.rfind("[Parsed_loudnorm")
    match = re.search(r"\{.*?\}", stderr[start:], re.DOTALL) if start >= 0 else None
    if match is None:
        raise MediaToolFailed("loudnorm printed no measurement", stderr_tail=stderr)
    figures: dict[str, str] = json.loads(match.group(0))
    return figures


def aac_output(path: Path) -> list[str]:
    return [
        "-c:a",
        "libfdk_aac",
        "-b:a",
        AAC_BITRATE,
        "-ar",
        str(SAMPLE_RATE),
        "-ac",
        "2",
        "-f",
        "mp4",
        "-y",
        str(path),
    ]


class Soundtrack:
    """Prepares soundtracks and muxes them; one per pipeline."""

    def __init__(
        self, tools: MediaTools, beds: Mapping[str, Mapping[str, Any]], public_dir: Path, fetcher: TrackFetcher
    ) -> None:
        self.tools = tools
        self.beds = beds
        self.public_dir = public_dir
        self.fetcher = fetcher

    @classmethod
    def for_remotion_dir(
        cls, remotion_dir: Path, beds: Mapping[str, Mapping[str, Any]], policy: AudioPolicy
    ) -> Soundtrack:
        """Remotion's ffmpeg, the beds of the manifest (their files under public/), and a fetcher for URL tracks."""
        tools = MediaTools.for_remotion_dir(remotion_dir)
        return cls(tools, beds, remotion_dir / "public", TrackFetcher(policy, tools))

    async def prepare(self, audio: Mapping[str, Any] | None, frames: int, workdir: Path, stem: str) -> PreparedAudio:
        """The soundtrack for a video of `frames` frames, as `workdir/<stem>.m4a`, or no audio with a warning. The
        files it makes besides are removed; so is the AAC file if this is cancelled."""
        volume = float(audio.get("volume", 1)) if audio else 0.0
        if audio is None or volume <= 0:
            return PreparedAudio(None)
        started = time.monotonic()
        output = workdir / f"{stem}.m4a"
        samples = frames * SAMPLE_RATE // FPS
        timeout = TOOL_TIMEOUT_SECONDS + TOOL_SECONDS_PER_AUDIO_SECOND * samples / SAMPLE_RATE
        field_name = "track" if "track" in audio else "url"
        try:
            if "track" in audio:
                figures = await self._bed(str(audio["track"]), volume, samples, output, timeout)
            else:
                figures = await self._url(
                    str(audio["url"]), volume, samples, workdir / f"{stem}.source", output, timeout
                )
        except TrackRefused as refused:
            return self._silent(output, field_name, str(refused))
        except MediaToolFailed as error:
            log.warning("audio_failed", reason=error.reason, stderr=error.stderr_tail[-2000:])
            return self._silent(output, field_name, "it could not be processed")
        except Exception as error:  # noqa: BLE001 - whatever goes wrong with a soundtrack, the video is silent
            log.warning("audio_failed", reason=f"{type(error).__name__}: {error}"[:300])
            return self._silent(output, field_name, "it could not be processed")
        except BaseException:
            output.unlink(missing_ok=True)
            raise
        seconds = round(time.monotonic() - started, 3)
        log.info("audio_prepared", prepare_seconds=seconds, audio_seconds=samples / SAMPLE_RATE, **figures)
        return PreparedAudio(output, (), {**figures, "prepare_seconds": seconds})

    def _silent(self, output: Path, field_name: str, reason: str) -> PreparedAudio:
        output.unlink(missing_ok=True)
        warning = f"template.audio.{field_name}: the track could not be used ({reason}); the video is silent"
        log.info("audio_refused", reason=reason)
        return PreparedAudio(None, (warning,))

    async def _bed(self, track: str, volume: float, samples: int, output: Path, timeout: float) -> dict[str, Any]:
        """A bundled bed: looped, cut, faded, and brought to -14 LUFS by its measured gain (see the module comment)."""
        bed = self.beds.get(track)
        source = self.public_dir / str(bed["file"]) if bed else None
        if bed is None or source is None or not source.is_file():
            raise TrackRefused("the bundled track is missing on this server")
        gain = float(bed.get("gainDb", 0)) + fade_loss_db(samples / SAMPLE_RATE) + volume_db(volume)
        graph = shaped(samples) + f";[faded]volume={gain:.3f}dB[out]"
        args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-stream_loop", "-1", "-i", str(source)]
        await self._ffmpeg([*args, "-filter_complex", graph, "-map", "[out]", *aac_output(output)], timeout)
        return {"source": f"track:{track}", "gain_db": round(gain, 2), "bed_lufs": bed.get("lufs")}

    async def _url(
        self, url: str, volume: float, samples: int, download: Path, output: Path, timeout: float
    ) -> dict[str, Any]:
        """A URL track: fetched and probed, looped, cut, faded, then loudnorm twice (measure, apply)."""
        try:
            track = await self.fetcher.fetch(url, download)
            source = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "info"]
            source += [*INPUT_OPTIONS, "-stream_loop", "-1", "-i", str(download)]
            target = f"I={TARGET_LUFS}:TP={TARGET_TRUE_PEAK}:LRA={LOUDNORM_LRA}"
            measure_graph = shaped(samples) + f";[faded]loudnorm={target}:print_format=json[out]"
            _, stderr = await self._ffmpeg(
                [*source, "-filter_complex", measure_graph, "-map", "[out]", "-f", "null", "-"], timeout
            )
            measured = loudnorm_figures(stderr)
            if float(measured["input_i"]) < SILENT_LUFS:
                raise TrackRefused("it is silent")
            known = (
                f"measured_I={measured['input_i']}:measured_TP={measured['input_tp']}:"
                f"measured_LRA={measured['input_lra']}:measured_thresh={measured['input_thresh']}:"
                f"offset={measured['target_offset']}"
            )
            apply_graph = (
                shaped(samples) + f";[faded]loudnorm={target}:linear=true:{known}:print_format=json,"
                f"aresample={SAMPLE_RATE},volume={volume_db(volume):.3f}dB[out]"
            )
            _, stderr = await self._ffmpeg(
                [*source, "-filter_complex", apply_graph, "-map", "[out]", *aac_output(output)], timeout
            )
            applied = loudnorm_figures(stderr)
        finally:
            download.unlink(missing_ok=True)
        return {
            "source": "url",
            "format": track.format_name.split(",")[0],
            "codec": track.codec,
            "track_seconds": round(track.seconds, 3),
            "input_lufs": float(measured["input_i"]),
            "input_true_peak": float(measured["input_tp"]),
            "output_lufs": float(applied["output_i"]),
            "output_true_peak": float(applied["output_tp"]),
            "normalization": applied.get("normalization_type"),
        }

    async def _ffmpeg(self, args: list[str], timeout: float) -> tuple[bytes, str]:
        return await run_tool(self.tools.ffmpeg, args, self.tools.environment(), timeout)

    async def mux(self, video: Path, audio: Path, output: Path) -> None:
        """`video`'s picture and `audio`'s sound in one MP4 at `output`, both copied as they are, index in front."""
        args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(video), "-i", str(audio)]
        args += [
            "-map",
            "0:v:0",
            "-map",
            "1:a:0",
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            "-f",
            "mp4",
            "-y",
            str(output),
        ]
        try:
            await self._ffmpeg(args, TOOL_TIMEOUT_SECONDS)
        except BaseException:
            output.unlink(missing_ok=True)
            raise
