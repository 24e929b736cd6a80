"""The soundtrack (render/soundtrack.py, audio_source.py, ffmpeg.py) with the real ffmpeg and real HTTP servers on
127.0.0.1: each bundled bed and tracks of every accepted format, prepared for a 20 s video and muxed onto a silent
one, then measured as a listener's tools measure them (Debian's ffmpeg ebur128 for loudness and true peak, ffprobe
for the streams); tracks that must be refused; and the warnings as clients get them from a server.

The preparations run once per module, side by side (two cores), so the whole module takes seconds."""

from __future__ import annotations

import asyncio
import json
import math
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import structlog
from structlog.testing import capture_logs

from tests.support.audio import (
    CORRECT_VIDEO,
    loudness,
    make_tracks,
    mono_samples,
    need_system_ffmpeg,
    silent_video,
    stream_of,
)
from tests.support.cover_server import CoverServer, start_cover_server
from tests.support.media import top_level_boxes
from tests.support.recaps import load_recap
from tests.support.server import ROOT, ServerProcess
from tests.support.sse_client import run_stream
from tornado_render.render.audio_source import AudioPolicy
from tornado_render.render.soundtrack import PreparedAudio, Soundtrack, fade_loss_db
from tornado_render.setting_values import parse_networks
from tornado_render.settings import settings_from_env
from tornado_render.templates import TemplateCatalog

REMOTION = ROOT / "remotion"
CATALOG = TemplateCatalog.for_remotion_dir(REMOTION)
FRAMES = 600  # 20 s
SECONDS = FRAMES / 30
URL_TRACKS = ["tone.mp3", "tone.ogg", "tone.wav", "tone.flac", "tone.m4a", "loud.wav", "quiet.flac"]
DEFAULT_MAX_BYTES = settings_from_env({}).audio_max_bytes


def soundtrack(max_bytes: int = DEFAULT_MAX_BYTES, allowed: str = "127.0.0.1/32") -> Soundtrack:
    """The server's soundtrack maker; the tests' track server is on loopback, which the cover rules refuse unless
    allowed (as COVER_ALLOWED_NETWORKS does)."""
    return Soundtrack.for_remotion_dir(REMOTION, CATALOG.tracks, AudioPolicy(max_bytes, parse_networks(allowed)))


@dataclass(frozen=True)
class Made:
    prepared: PreparedAudio
    muxed: Path | None
    logs: list[dict[str, Any]]


async def prepare_and_mux(maker: Soundtrack, audio: dict[str, Any] | None, video: Path, workdir: Path) -> Made:
    """Prepare `audio` for a FRAMES-long video in `workdir` and, when there is a track, mux it onto `video`; its log
    lines carry `case` (the workdir's name: preparations run side by side, each in a task of its own)."""
    workdir.mkdir(parents=True, exist_ok=True)
    structlog.contextvars.bind_contextvars(case=workdir.name)
    prepared = await maker.prepare(audio, FRAMES, workdir, "video")
    if prepared.path is None:
        return Made(prepared, None, [])
    muxed = workdir / "muxed.mp4"
    await maker.mux(video, prepared.path, muxed)
    return Made(prepared, muxed, [])


@pytest.fixture(scope="module")
def tracks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test tracks (tests/support/audio.py TRACKS), made once."""
    need_system_ffmpeg()
    return make_tracks(tmp_path_factory.mktemp("tracks"))


@pytest.fixture(scope="module")
def track_server(tracks: Path) -> Iterator[CoverServer]:
    """The test tracks over HTTP on 127.0.0.1 (missing files are 404s; /redirect?to=...)."""
    server = start_cover_server(tracks)
    yield server
    server.close()


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A silent 20 s H.264 video flagged as the renders are (High, yuv420p, TV range, BT.709)."""
    return silent_video(tmp_path_factory.mktemp("video") / "silent.mp4", SECONDS)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, track_server: CoverServer, video: Path) -> dict[str, Made]:
    """Every bed and every URL track, and a bed at half volume, prepared and muxed side by side."""
    root = tmp_path_factory.mktemp("made")
    cases: dict[str, dict[str, Any]] = {bed: {"track": bed, "volume": 1} for bed in CATALOG.tracks}
    cases["half"] = {"track": "daybreak", "volume": 0.5}
    cases |= {name: {"url": f"{track_server.url}/{name}", "bpm": None, "volume": 1} for name in URL_TRACKS}

    async def all_of_them() -> dict[str, Made]:
        maker = soundtrack()
        results = await asyncio.gather(
            *(prepare_and_mux(maker, audio, video, root / name) for name, audio in cases.items())
        )
        return dict(zip(cases, results, strict=True))

    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as lines:
        made = asyncio.run(all_of_them())
    return {name: replace(one, logs=[line for line in lines if line.get("case") == name]) for name, one in made.items()}


def refusal(audio: dict[str, Any] | None, tmp_path: Path, **policy: Any) -> PreparedAudio:
    """What preparing `audio` gives (expected: no track and a warning)."""

    async def prepare() -> PreparedAudio:
        return await soundtrack(**policy).prepare(audio, FRAMES, tmp_path, "video")

    return asyncio.run(prepare())


class TestLoudness:
    @pytest.mark.parametrize("name", [*CATALOG.tracks, *URL_TRACKS])
    def test_minus_14_lufs_under_minus_1_dbtp(self, made: dict[str, Made], name: str) -> None:
        """Each bed, and tracks of every accepted format (a clipped one and a far too quiet one among them), muxed
        into a 20 s video: -14 LUFS integrated within 1 LU, true peak at most -1.0 dBTP (ebur128)."""
        result = made[name]
        assert result.prepared.warnings == ()
        assert result.muxed is not None
        measured = loudness(result.muxed)
        assert measured.integrated == pytest.approx(-14, abs=1), measured
        assert measured.true_peak <= -1.0, measured

    def test_volume_scales_after_normalising(self, made: dict[str, Made]) -> None:
        """volume 0.5 is 6 dB under the normalised level."""
        full, half = loudness(made["daybreak"].muxed or Path()), loudness(made["half"].muxed or Path())
        assert full.integrated - half.integrated == pytest.approx(20 * math.log10(2), abs=0.3)

    def test_volume_zero_and_null_are_silence(self, tmp_path: Path) -> None:
        """volume 0 and `audio: null` make no track and no warning."""
        assert refusal({"track": "neon", "volume": 0}, tmp_path) == PreparedAudio(None)
        assert refusal(None, tmp_path) == PreparedAudio(None)

    def test_loudness_figures_are_logged(self, made: dict[str, Made]) -> None:
        """`audio_prepared` says where the time went and, for a URL track, loudnorm's figures before and after."""
        [line] = [line for line in made["tone.mp3"].logs if line["event"] == "audio_prepared"]
        assert line["source"] == "url"
        assert line["format"] == "mp3"
        assert line["output_lufs"] == pytest.approx(-14, abs=1)
        assert line["normalization"] == "linear"
        assert line["prepare_seconds"] > 0
        [bed] = [line for line in made["neon"].logs if line["event"] == "audio_prepared"]
        assert bed["source"] == "track:neon"
        assert bed["gain_db"] == pytest.approx(fade_loss_db(SECONDS), abs=0.01)


class TestStreams:
    def test_aac_lc_48k_stereo_as_long_as_the_video(self, made: dict[str, Made]) -> None:
        """AAC-LC, 48 kHz, two channels; the audio lasts as long as the video within a frame; faststart."""
        for name in ("daybreak", "tone.wav", "quiet.flac"):
            muxed = made[name].muxed
            assert muxed is not None
            audio, picture = stream_of(muxed, "audio"), stream_of(muxed, "video")
            assert audio is not None
            assert picture is not None
            assert (audio["codec_name"], audio["profile"], audio["sample_rate"], audio["channels"]) == (
                "aac",
                "LC",
                "48000",
                2,
            )
            assert float(audio["duration"]) == pytest.approx(float(picture["duration"]), abs=1 / 30)
            assert float(picture["duration"]) == pytest.approx(SECONDS, abs=1 / 30)
            boxes = top_level_boxes(muxed)
            assert boxes.index("moov") < boxes.index("mdat"), boxes

    def test_the_mux_keeps_the_video_as_it_was(self, made: dict[str, Made], video: Path) -> None:
        """The picture is copied, not re-encoded: High profile, yuv420p, TV range, BT.709 flags, same bytes' size."""
        picture = stream_of(made["neon"].muxed or Path(), "video")
        original = stream_of(video, "video")
        assert picture is not None
        assert original is not None
        assert {key: picture[key] for key in CORRECT_VIDEO} == CORRECT_VIDEO
        assert picture["bit_rate"] == original["bit_rate"]


def rms(samples: list[float]) -> float:
    return math.sqrt(sum(value * value for value in samples) / len(samples)) if samples else 0.0


class TestFades:
    def test_in_over_half_a_second_out_over_one(self, made: dict[str, Made]) -> None:
        """A steady tone: its level rises linearly over the first 0.5 s, stays, and falls linearly over the last
        1.0 s to near silence at the end (level measured in 50 ms windows)."""
        samples = mono_samples(made["quiet.flac"].muxed or Path())  # one sine: a steady level
        rate, window = 48000, 2400

        def level(t: float) -> float:
            start = max(0, round(t * rate) - window // 2)
            return rms(samples[start : start + window])

        steady = level(SECONDS / 2)
        assert steady > 0.05
        for t in (0.1, 0.2, 0.3, 0.4):
            assert level(t) / steady == pytest.approx(t / 0.5, abs=0.06), t
        assert level(0.7) / steady == pytest.approx(1, abs=0.05)
        for before_end in (0.8, 0.6, 0.4, 0.2):
            assert level(SECONDS - before_end) / steady == pytest.approx(before_end / 1.0, abs=0.06), before_end
        assert rms(samples[-240:]) / steady < 0.01  # the last 5 ms: near silence (under -40 dB)

    def test_a_bed_fades_too(self, made: dict[str, Made]) -> None:
        """A bed's first 100 ms are far quieter than its first steady second, its last 50 ms nearly silent."""
        samples = mono_samples(made["daybreak"].muxed or Path())
        steady = rms(samples[48000:96000])
        assert rms(samples[:4800]) < steady / 3
        assert rms(samples[-2400:]) < steady / 30


class TestRefusals:
    @pytest.mark.parametrize(
        ("path", "reason"),
        [
            ("/missing.mp3", "the server answered HTTP 404"),
            ("/opus.mka", "its format is not MP3, AAC, OGG, WAV or FLAC"),
            ("/text.mp3", "not an audio file"),
            ("/video.mp4", "it has no audio"),
            ("/long.flac", "longer than 10 minutes"),
        ],
    )
    def test_unusable_track_is_a_warning(
        self, track_server: CoverServer, tmp_path: Path, path: str, reason: str
    ) -> None:
        """A track that is missing, of the wrong type, not audio or too long: no track, one warning in plain words,
        and nothing left behind in the working directory."""
        prepared = refusal({"url": track_server.url + path, "bpm": None, "volume": 1}, tmp_path)
        assert prepared.path is None
        assert prepared.warnings == (
            f"template.audio.url: the track could not be used ({reason}); the video is silent",
        )
        assert list(tmp_path.iterdir()) == []

    def test_too_big(self, track_server: CoverServer, tracks: Path, tmp_path: Path) -> None:
        """A file over AUDIO_MAX_BYTES (default 10 MiB) is refused as it arrives."""
        (tracks / "huge.wav").write_bytes((tracks / "tone.wav").read_bytes()[:44] + bytes(DEFAULT_MAX_BYTES))
        prepared = refusal({"url": f"{track_server.url}/huge.wav", "bpm": None, "volume": 1}, tmp_path)
        assert prepared.warnings == (
            "template.audio.url: the track could not be used (larger than 10 MB); the video is silent",
        )

    def test_private_address(self, track_server: CoverServer, tmp_path: Path) -> None:
        """Loopback is refused unless COVER_ALLOWED_NETWORKS allows it, as for covers."""
        url = f"{track_server.url}/tone.mp3"
        refused = refusal({"url": url, "bpm": None, "volume": 1}, tmp_path, allowed="")
        assert refused.warnings == (
            "template.audio.url: the track could not be used (its address is not allowed); the video is silent",
        )

    def test_a_missing_bed_is_a_warning(self, tmp_path: Path) -> None:
        """A bed whose file is not on this server (setup did not run) leaves the video silent with a warning."""
        maker = soundtrack()
        maker.public_dir = tmp_path / "nowhere"

        async def prepare() -> PreparedAudio:
            return await maker.prepare({"track": "neon", "volume": 1}, FRAMES, tmp_path, "v")

        prepared = asyncio.run(prepare())
        assert prepared.warnings == (
            "template.audio.track: the track could not be used (the bundled track is missing on this server);"
            " the video is silent",
        )


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line mentions `text` (ours: it is a path of this test's own)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


class TestCancellation:
    def test_cancelling_kills_ffmpeg_and_removes_the_track(self, tmp_path: Path) -> None:
        """A preparation cancelled while ffmpeg runs (a 300 s video) leaves no ffmpeg and no file behind."""
        workdir = tmp_path / "cancelled"
        workdir.mkdir()

        async def scenario() -> list[int]:
            task = asyncio.ensure_future(soundtrack().prepare({"track": "lamplight", "volume": 1}, 9000, workdir, "v"))
            while not processes_mentioning(str(workdir)):  # until its ffmpeg runs
                await asyncio.sleep(0.01)
            running = processes_mentioning(str(workdir))
            task.cancel()
            await asyncio.wait([task])
            return running

        running = asyncio.run(scenario())
        assert running
        assert processes_mentioning(str(workdir)) == []
        assert not any(os.path.exists(f"/proc/{pid}") and _alive(pid) for pid in running)
        assert list(workdir.iterdir()) == []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return not state[state.rfind(")") + 2 :].startswith("Z")


def with_audio(audio: dict[str, Any] | None, month: str) -> dict[str, Any]:
    """A RenderRequest of one-book (a month of its own, so each test renders) with this soundtrack."""
    recap = load_recap("one-book")
    recap["data"]["meta"]["monthName"] = month
    return {**recap, "template": {"audio": audio}}


class TestThroughTheServer:
    def test_refused_track_warns_in_the_answer_the_event_and_after_a_cache_hit(
        self, server_factory: Callable[..., ServerProcess], track_server: CoverServer, tmp_path: Path
    ) -> None:
        """POST /render with a track the cover rules refuse: 200, the warning in `warnings`, a video with no audio
        stream; the same request again is a cache hit whose `complete` event still carries the warning."""
        server = server_factory("ok", JOB_RETENTION_SECONDS="0.2")
        request = with_audio({"url": f"{track_server.url}/tone.mp3"}, "Loopback")
        status, _, body = server.request("POST", "/render", request)
        assert status == 200, body
        answer = json.loads(body)
        warning = "template.audio.url: the track could not be used (its address is not allowed); the video is silent"
        assert answer["warnings"] == [warning]
        stored = tmp_path / "stored.mp4"
        stored.write_bytes(server.request("GET", answer["s3Url"].removeprefix(server.base_url))[2])
        assert stream_of(stored, "video") is not None
        assert stream_of(stored, "audio") is None
        server.wait_for_log("job_forgotten")
        stream = run_stream(server.port, request)
        assert stream.names == ["complete"]
        assert stream.events[-1].data["warnings"] == [warning]

    def test_too_big_track_and_a_bed(
        self, server_factory: Callable[..., ServerProcess], track_server: CoverServer, tracks: Path, tmp_path: Path
    ) -> None:
        """With AUDIO_MAX_BYTES 1 MiB and loopback allowed, a 2 MiB track warns in the `complete` event; the
        default bed is muxed in (AAC), with `audio_prepared` and `audio_muxed` logged."""
        (tracks / "two-megabytes.wav").write_bytes((tracks / "tone.wav").read_bytes()[:44] + bytes(2 * 1024 * 1024))
        server = server_factory("ok", AUDIO_MAX_BYTES=str(1024 * 1024), COVER_ALLOWED_NETWORKS="127.0.0.1/32")
        stream = run_stream(server.port, with_audio({"url": f"{track_server.url}/two-megabytes.wav"}, "Big"))
        assert stream.events[-1].data["warnings"] == [
            "template.audio.url: the track could not be used (larger than 1 MB); the video is silent"
        ]
        status, _, body = server.request("POST", "/render", load_recap("one-book"))
        assert status == 200
        assert json.loads(body)["warnings"] == []
        stored = tmp_path / "bed.mp4"
        stored.write_bytes(server.request("GET", json.loads(body)["s3Url"].removeprefix(server.base_url))[2])
        audio = stream_of(stored, "audio")
        assert audio is not None
        assert audio["codec_name"] == "aac"
        assert server.wait_for_log("audio_muxed")["source"] == "track:daybreak"
        assert server.logs("audio_prepared")[-1]["prepare_seconds"] > 0
