"""The bundled soundtrack beds (remotion/public/audio/, made by remotion/scripts/make-beds.mjs from
src/audio/beds.json): their format and length, their beat, their seam, their loudness, and that they are made the
same way every time.

The beat is found the way an editor's beat detector finds it, from the sound alone: an energy-flux onset detector
(the energy of the next 40 ms against the previous 40 ms, every 2.5 ms, wrapping around the loop; peaks that rise
by at least ONSET_RISE_DB and are the highest within 100 ms)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.audio import loudness, onsets, read_wav
from tests.support.server import ROOT

REMOTION = ROOT / "remotion"
MANIFEST: list[dict[str, Any]] = json.loads((REMOTION / "src" / "audio" / "beds.json").read_text())["beds"]
BED_IDS = [bed["id"] for bed in MANIFEST]
FRAME_SECONDS = 1 / 30


def bed_file(bed: dict[str, Any]) -> Path:
    return REMOTION / "public" / bed["file"]


def mono(samples: Any) -> list[float]:
    return [(samples[i] + samples[i + 1]) / 65536 for i in range(0, len(samples), 2)]


@pytest.fixture(scope="module", params=BED_IDS)
def bed(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Each bed of the manifest (the test is skipped with a reason when setup has not made the files)."""
    entry = next(bed for bed in MANIFEST if bed["id"] == request.param)
    if not bed_file(entry).is_file():
        pytest.skip(f"{entry['file']} is missing: scripts/setup makes it (node remotion/scripts/make-beds.mjs)")
    return entry


class TestBedFiles:
    def test_format_and_length(self, bed: dict[str, Any]) -> None:
        """48 kHz, 16-bit, stereo, and a whole number of bars at the manifest's tempo, as the manifest says."""
        params, _ = read_wav(bed_file(bed))
        assert (params.framerate, params.sampwidth, params.nchannels) == (48000, 2, 2)
        beats = bed["bars"] * bed["beatsPerBar"]
        assert params.nframes == beats * 60 * 48000 / bed["bpm"]
        assert bed["seconds"] == pytest.approx(params.nframes / 48000, abs=0.01)

    def test_every_beat_has_an_onset_and_every_onset_is_on_a_beat(self, bed: dict[str, Any]) -> None:
        """The onsets found in the sound fall on the beat grid k * 60 / bpm within one video frame, and no beat is
        without one: the beat can be cut to."""
        params, samples = read_wav(bed_file(bed))
        found = onsets(mono(samples), params.framerate)
        period = 60 / bed["bpm"]
        beats = bed["bars"] * bed["beatsPerBar"]
        off_grid = [
            (round(t, 3), round(rise, 1)) for t, rise in found if abs(t - round(t / period) * period) > FRAME_SECONDS
        ]
        assert off_grid == []
        hit = {round(t / period) % beats for t, _ in found}
        assert sorted(set(range(beats)) - hit) == []

    def test_the_loop_point_is_seamless(self, bed: dict[str, Any]) -> None:
        """The jump from the last sample to the first is an ordinary step (below the 99th percentile of all steps),
        in both channels: no click when the bed loops."""
        _, samples = read_wav(bed_file(bed))
        for channel in (samples[0::2], samples[1::2]):
            steps = sorted(abs(channel[i + 1] - channel[i]) for i in range(len(channel) - 1))
            seam = abs(channel[0] - channel[-1])
            assert seam <= steps[int(len(steps) * 0.99)], (seam, steps[len(steps) // 2])

    def test_loudness_is_the_manifests(self, bed: dict[str, Any]) -> None:
        """ffmpeg's ebur128 measures the manifest's loudness (-14 LUFS) and a true peak no higher than it says, and
        the peak-to-loudness ratio is well under 13 dB (so -14 LUFS fits under -1 dBTP)."""
        measured = loudness(bed_file(bed))
        assert measured.integrated == pytest.approx(bed["lufs"], abs=0.2)
        assert measured.integrated + bed["gainDb"] == pytest.approx(-14, abs=0.2)
        assert measured.true_peak <= bed["truePeakDb"] + 0.2
        assert measured.true_peak - measured.integrated < 12


class TestGenerator:
    def test_a_bed_is_made_the_same_every_time(self, tmp_path: Path) -> None:
        """make-beds.mjs is deterministic: the smallest bed, made again elsewhere, is the same file byte for byte,
        with the manifest's measurements."""
        entry = min(MANIFEST, key=lambda bed: bed["seconds"])
        if not bed_file(entry).is_file():
            pytest.skip(f"{entry['file']} is missing: scripts/setup makes it")
        script = (
            "import {makeBed} from './scripts/make-beds.mjs';"
            f"process.stdout.write(JSON.stringify(makeBed({json.dumps(entry)}, {json.dumps(str(tmp_path))})));"
        )
        result = subprocess.run(
            ["node", "--input-type=module", "-e", script], cwd=REMOTION, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        measured = json.loads(result.stdout)
        assert (tmp_path / entry["file"]).read_bytes() == bed_file(entry).read_bytes()
        assert measured == {key: entry[key] for key in measured}
