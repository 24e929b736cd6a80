#!/usr/bin/env node
/**
 * Makes the bundled soundtrack beds: synthesised instrumental loops whose licence is this project's own (nothing is
 * sampled or downloaded). `node scripts/make-beds.mjs` writes every bed of src/audio/beds.json to
 * public/audio/<id>.wav (48 kHz, 16-bit, stereo; a whole number of bars) in about a second; scripts/setup runs it
 * whenever this file or the manifest changes. `--update-manifest` also writes what it measured into the manifest.
 *
 * Why it is made this way:
 * - Deterministic: one seeded PRNG per bed (mulberry32), no clock, no randomness of the machine's, so every machine
 *   makes the same files (the bundle's hash covers them).
 * - Seamless: every note, echo and tail is written into a circular buffer (a tail that runs past the loop's end
 *   continues at its start), so the last sample leads into the first exactly as any sample leads into the next.
 * - On the beat: every attack (kick, bass, plucks, keys, claps) starts on a beat; what sounds between beats
 *   swells in slowly (pads) or is far quieter than the beat (the hats), so an onset detector finds the beat grid
 *   k * 60 / bpm and nothing else (tests/test_beds.py does exactly that).
 * - Loud enough and not peaky: a gentle tanh saturator on the mix keeps the peak-to-loudness ratio near 10 dB, and
 *   each bed is scaled to -14 LUFS integrated (ITU-R BS.1770-4, measured here over the looped signal) so that its
 *   true peak stays under -1 dBTP at that loudness. The manifest records the result: `lufs`, `truePeakDb` (4x
 *   oversampled), `gainDb` (what reaches -14 LUFS: the browser preview applies it, the server's soundtrack too),
 *   `bars` and `seconds`.
 *
 * Adding a bed: add its entry to src/audio/beds.json (id, name, mood, bpm, beatsPerBar 4, file audio/<id>.wav),
 * write its arrangement in ARRANGEMENTS below, run `node scripts/make-beds.mjs --update-manifest`, and listen.
 */
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MANIFEST = path.join(root, 'src', 'audio', 'beds.json');
const PUBLIC_DIR = path.join(root, 'public');

export const SAMPLE_RATE = 48000;
export const TARGET_LUFS = -14;
/** The most a bed's true peak may be at TARGET_LUFS: the server's limit (-1 dBTP) with room for AAC's overshoot. */
const MAX_TRUE_PEAK = -2;
const BARS = 8;
const TWO_PI = 2 * Math.PI;

/**
 * @typedef {{id: string, name: string, mood: string, bpm: number, beatsPerBar: number, file: string,
 *            bars?: number, seconds?: number, lufs?: number, truePeakDb?: number, gainDb?: number}} Bed
 */

/**
 * A small, fast, seeded PRNG (mulberry32): numbers in [0, 1).
 * @param {number} seed
 * @returns {() => number}
 */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {string} text */
function seedOf(text) {
  let hash = 2166136261;
  for (const char of text) {
    hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  }
  return hash >>> 0;
}

const NOTE_NAMES = {C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11};
/**
 * A note name as a frequency: 'A4' is 440 Hz, 'F#3', 'Bb2'.
 * @param {string} name
 */
export function hz(name) {
  const match = /^([A-G])([#b]?)(-?\d)$/.exec(name);
  if (!match) {
    throw new Error(`not a note: ${name}`);
  }
  const semitone = NOTE_NAMES[/** @type {keyof typeof NOTE_NAMES} */ (match[1])] + (match[2] === '#' ? 1 : match[2] === 'b' ? -1 : 0);
  const midi = 12 * (Number(match[3]) + 1) + semitone;
  return 440 * 2 ** ((midi - 69) / 12);
}

/** A stereo loop: every write wraps around its end, which is what makes the loop seamless. */
class Loop {
  /** @param {number} length samples */
  constructor(length) {
    this.length = length;
    this.left = new Float64Array(length);
    this.right = new Float64Array(length);
  }

  /**
   * Add a mono sound at `start` (samples), panned (-1 left .. 1 right, constant power) and scaled by `gain`.
   * @param {number} start
   * @param {Float64Array} sound
   * @param {number} gain
   * @param {number} [pan]
   */
  add(start, sound, gain, pan = 0) {
    const angle = ((pan + 1) * Math.PI) / 4;
    const left = Math.cos(angle) * Math.SQRT2 * gain;
    const right = Math.sin(angle) * Math.SQRT2 * gain;
    for (let i = 0; i < sound.length; i++) {
      const at = (start + i) % this.length;
      this.left[at] += sound[i] * left;
      this.right[at] += sound[i] * right;
    }
  }
}

/** A one-pole low-pass filter's coefficient for a cutoff in Hz. @param {number} cutoff */
const onePole = (cutoff) => 1 - Math.exp((-TWO_PI * Math.min(cutoff, SAMPLE_RATE * 0.45)) / SAMPLE_RATE);

/**
 * A band-limited sawtooth step (polyBLEP), phase in [0, 1).
 * @param {number} phase
 * @param {number} increment
 */
function saw(phase, increment) {
  let value = 2 * phase - 1;
  if (phase < increment) {
    const t = phase / increment;
    value -= t + t - t * t - 1;
  } else if (phase > 1 - increment) {
    const t = (phase - 1) / increment;
    value -= t * t + t + t + 1;
  }
  return value;
}

/**
 * An envelope with a linear attack and an exponential decay towards a sustain level, then a release to silence.
 * @param {{attack: number, decay: number, sustain: number, hold: number, release: number}} shape seconds (hold:
 *   how long the note is held before its release starts)
 * @returns {{length: number, at: (i: number) => number}}
 */
function envelope({attack, decay, sustain, hold, release}) {
  const attackN = Math.max(1, Math.round(attack * SAMPLE_RATE));
  const holdN = Math.round(hold * SAMPLE_RATE);
  const releaseN = Math.round(release * SAMPLE_RATE);
  const level = (/** @type {number} */ i) =>
    i < attackN ? i / attackN : sustain + (1 - sustain) * Math.exp(-(i - attackN) / (decay * SAMPLE_RATE));
  const atRelease = level(holdN);
  return {
    length: holdN + releaseN,
    at: (i) => (i < holdN ? level(i) : atRelease * Math.max(0, 1 - (i - holdN) / releaseN) ** 2),
  };
}

/**
 * The bar's root as the kick's resting pitch: moved by octaves into 40..80 Hz, so that the kick's tail and the bass
 * (the same note, an octave or two up) never beat against each other (two low notes a little apart swell and fade
 * several times a second, which an onset detector, and an ear, take for rhythm that is not there).
 * @param {string} root
 */
function kickPitch(root) {
  let frequency = hz(root);
  while (frequency >= 80) {
    frequency /= 2;
  }
  while (frequency < 40) {
    frequency *= 2;
  }
  return frequency;
}

/**
 * A kick drum: a sine whose pitch falls from `high` to `low` Hz, a short click for its edge.
 * @param {{high: number, low: number, decay: number, click: number}} shape
 * @param {() => number} random
 */
function kick({high, low, decay, click}, random) {
  const length = Math.round(0.5 * SAMPLE_RATE);
  const sound = new Float64Array(length);
  let phase = 0;
  let noise = 0;
  for (let i = 0; i < length; i++) {
    const t = i / SAMPLE_RATE;
    const frequency = low + (high - low) * Math.exp(-t / 0.03);
    phase += frequency / SAMPLE_RATE;
    const body = Math.sin(TWO_PI * phase) * Math.min(1, i / 48) * Math.exp(-t / decay);
    noise += 0.5 * (random() * 2 - 1 - noise);
    sound[i] = body + click * noise * Math.min(1, i / 24) * Math.exp(-t / 0.004);
  }
  return sound;
}

/**
 * Noise through a band (two one-pole filters): claps, hats, shakers.
 * @param {{low: number, high: number, attack: number, decay: number, bursts?: number}} shape cutoffs in Hz,
 *   times in seconds; `bursts` repeats the start a few milliseconds apart (a clap)
 * @param {() => number} random
 */
function noiseHit({low, high, attack, decay, bursts = 1}, random) {
  const length = Math.round((attack + decay * 6) * SAMPLE_RATE);
  const sound = new Float64Array(length);
  const lowA = onePole(high);
  const highA = onePole(low);
  let lowpassed = 0;
  let floor = 0;
  for (let i = 0; i < length; i++) {
    const t = i / SAMPLE_RATE;
    lowpassed += lowA * (random() * 2 - 1 - lowpassed);
    floor += highA * (lowpassed - floor);
    let amp = Math.min(1, t / attack) * Math.exp(-Math.max(0, t - attack) / decay);
    if (bursts > 1 && t < 0.012 * bursts) {
      amp *= 0.55 + 0.45 * Math.exp(-(t % 0.012) / 0.003);
    }
    sound[i] = (lowpassed - floor) * amp;
  }
  return sound;
}

/**
 * Detuned sawtooth voices of one note through a low-pass filter: pads and stabs.
 * @param {number} frequency
 * @param {{voices: number, detune: number, cutoff: number, envelope: ReturnType<typeof envelope>, random: () => number}} shape
 *   detune in cents between the outermost voices
 */
function sawNote(frequency, {voices, detune, cutoff, envelope: env, random}) {
  const sound = new Float64Array(env.length);
  const a = onePole(cutoff);
  for (let v = 0; v < voices; v++) {
    const cents = voices === 1 ? 0 : detune * (v / (voices - 1) - 0.5);
    const increment = (frequency * 2 ** (cents / 1200)) / SAMPLE_RATE;
    let phase = random();
    let y1 = 0;
    let y2 = 0;
    for (let i = 0; i < env.length; i++) {
      phase += increment;
      phase -= Math.floor(phase);
      y1 += a * (saw(phase, increment) - y1);
      y2 += a * (y1 - y2);
      sound[i] += y2 / voices;
    }
  }
  for (let i = 0; i < env.length; i++) {
    sound[i] *= env.at(i);
  }
  return sound;
}

/**
 * A plucked string: a sawtooth whose low-pass filter closes quickly after the attack.
 * @param {number} frequency
 * @param {{decay: number, bright: number}} shape
 */
function pluck(frequency, {decay, bright}) {
  const length = Math.round(decay * 5 * SAMPLE_RATE);
  const sound = new Float64Array(length);
  const increment = frequency / SAMPLE_RATE;
  let phase = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < length; i++) {
    const t = i / SAMPLE_RATE;
    const a = onePole(frequency * 1.5 + bright * Math.exp(-t / 0.09));
    phase += increment;
    phase -= Math.floor(phase);
    y1 += a * (saw(phase, increment) - y1);
    y2 += a * (y1 - y2);
    sound[i] = y2 * Math.min(1, i / 96) * Math.exp(-t / decay);
  }
  return sound;
}

/**
 * An electric piano (two-operator FM): a bell-like attack that mellows into a sine.
 * @param {number} frequency
 * @param {{decay: number, index: number}} shape
 */
function keys(frequency, {decay, index}) {
  const length = Math.round(decay * 4 * SAMPLE_RATE);
  const sound = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const t = i / SAMPLE_RATE;
    const modulation = index * Math.exp(-t / 0.25) * Math.sin(TWO_PI * frequency * t);
    const tine = 0.12 * Math.exp(-t / 0.05) * Math.sin(TWO_PI * frequency * 7 * t);
    sound[i] = (Math.sin(TWO_PI * frequency * t + modulation) + tine) * Math.min(1, i / 120) * Math.exp(-t / decay);
  }
  return sound;
}

/**
 * A bass note: a sine with a little filtered saw on top for definition.
 * @param {number} frequency
 * @param {{hold: number, grit: number}} shape seconds held, the saw's share
 */
function bass(frequency, {hold, grit}) {
  const env = envelope({attack: 0.006, decay: 0.25, sustain: 0.7, hold, release: 0.08});
  const sound = new Float64Array(env.length);
  const increment = frequency / SAMPLE_RATE;
  const a = onePole(frequency * 4);
  let phase = 0;
  let y = 0;
  for (let i = 0; i < env.length; i++) {
    phase += increment;
    phase -= Math.floor(phase);
    y += a * (saw(phase, increment) - y);
    sound[i] = (Math.sin(TWO_PI * phase) + grit * y) * env.at(i);
  }
  return sound;
}

/**
 * What a bed plays, bar by bar (8 bars, one chord each: the progression twice or a pair of chords a bar).
 * @typedef {object} Arrangement
 * @property {string[][]} chords  eight chords, each the pad's notes, low to high
 * @property {string[]} roots     the bass note of each chord
 * @property {(loop: Loop, ctx: Context) => void} play
 */

/**
 * @typedef {object} Context
 * @property {number} beat       samples per beat
 * @property {number} beats      beats in the loop
 * @property {number} beatsPerBar
 * @property {() => number} random
 * @property {(bar: number) => string[]} chord
 * @property {(bar: number) => string} root
 */

/**
 * Pads: each chord's notes as detuned saws that swell in over `attack` seconds and cross-fade into the next bar.
 * @param {Loop} loop
 * @param {Context} ctx
 * @param {{gain: number, cutoff: number, attack: number, voices: number, detune: number, octave?: number}} shape
 */
function pads(loop, ctx, {gain, cutoff, attack, voices, detune}) {
  const bar = ctx.beat * ctx.beatsPerBar;
  for (let b = 0; b < ctx.beats / ctx.beatsPerBar; b++) {
    const env = envelope({attack, decay: 1, sustain: 1, hold: bar / SAMPLE_RATE, release: attack});
    ctx.chord(b).forEach((note, n) => {
      const sound = sawNote(hz(note), {voices, detune, cutoff, envelope: env, random: ctx.random});
      loop.add(b * bar, sound, gain, (n % 2 === 0 ? -1 : 1) * 0.35);
    });
  }
}

/**
 * A sidechain-like pump: the loop's level dips at each beat and recovers before the next one (the beat's kick
 * fills the dip). Applied to a layer before it is mixed.
 * @param {Loop} layer
 * @param {Context} ctx
 * @param {number} depth
 */
function pump(layer, ctx, depth) {
  for (let i = 0; i < layer.length; i++) {
    const sinceBeat = (i % ctx.beat) / ctx.beat;
    const gain = 1 - depth * Math.exp(-sinceBeat / 0.22) * Math.min(1, sinceBeat * 40 + 0.0);
    layer.left[i] *= gain;
    layer.right[i] *= gain;
  }
}

/**
 * @param {Loop} into
 * @param {Loop} layer
 */
function mix(into, layer) {
  for (let i = 0; i < into.length; i++) {
    into.left[i] += layer.left[i];
    into.right[i] += layer.right[i];
  }
}

/**
 * Each bed's arrangement. Every attack starts on a beat; see the module comment.
 * @type {Record<string, Arrangement>}
 */
const ARRANGEMENTS = {
  // Bright: D major, I - V - vi - IV, plucked arpeggios over warm pads, four-on-the-floor, claps on 2 and 4.
  daybreak: {
    chords: [
      ['D3', 'A3', 'D4', 'F#4'],
      ['D3', 'A3', 'D4', 'F#4'],
      ['C#3', 'A3', 'C#4', 'E4'],
      ['C#3', 'A3', 'C#4', 'E4'],
      ['D3', 'F#3', 'B3', 'D4'],
      ['D3', 'F#3', 'B3', 'D4'],
      ['D3', 'G3', 'B3', 'D4'],
      ['E3', 'G3', 'B3', 'E4'],
    ],
    roots: ['D2', 'D2', 'A2', 'A2', 'B2', 'B2', 'G2', 'G2'],
    play(loop, ctx) {
      const layer = new Loop(loop.length);
      pads(layer, ctx, {gain: 0.16, cutoff: 2400, attack: 0.35, voices: 3, detune: 14});
      pump(layer, ctx, 0.35);
      mix(loop, layer);
      const arp = [0, 2, 3, 1];
      for (let beat = 0; beat < ctx.beats; beat++) {
        const bar = Math.floor(beat / ctx.beatsPerBar);
        const start = beat * ctx.beat;
        loop.add(start, kick({high: 150, low: kickPitch(ctx.root(bar)), decay: 0.12, click: 0.25}, ctx.random), 0.55);
        if (beat % 2 === 1) {
          loop.add(start, noiseHit({low: 900, high: 6000, attack: 0.001, decay: 0.05, bursts: 3}, ctx.random), 0.4, 0.1);
        }
        loop.add(start, bass(hz(ctx.root(bar)), {hold: (ctx.beat * 0.8) / SAMPLE_RATE, grit: 0.35}), 0.3);
        const chord = ctx.chord(bar);
        const note = chord[arp[beat % arp.length] % chord.length];
        const octave = hz(note) * 2;
        const sound = pluck(octave, {decay: 0.28, bright: 3500});
        const pan = beat % 2 === 0 ? -0.4 : 0.4;
        loop.add(start, sound, 0.22, pan);
        loop.add(start + ctx.beat, sound, 0.07, -pan); // an echo one beat later, on the next beat
        // A soft shaker between beats: far below the beat, it adds air without an onset of its own.
        loop.add(start + ctx.beat / 2, noiseHit({low: 5000, high: 12000, attack: 0.012, decay: 0.02}, ctx.random), 0.05, 0.3);
      }
    },
  },
  // Calm: C major seventh chords, a soft electric piano, a round bass, a muffled kick on every beat.
  lamplight: {
    chords: [
      ['F3', 'A3', 'C4', 'E4'],
      ['F3', 'A3', 'C4', 'E4'],
      ['E3', 'G3', 'B3', 'D4'],
      ['E3', 'G3', 'B3', 'D4'],
      ['D3', 'F3', 'A3', 'C4'],
      ['D3', 'F3', 'A3', 'C4'],
      ['C3', 'E3', 'G3', 'B3'],
      ['C3', 'E3', 'G3', 'D4'],
    ],
    roots: ['F2', 'F2', 'E2', 'E2', 'D2', 'D2', 'C2', 'C2'],
    play(loop, ctx) {
      pads(loop, ctx, {gain: 0.12, cutoff: 1100, attack: 0.8, voices: 3, detune: 10});
      for (let beat = 0; beat < ctx.beats; beat++) {
        const bar = Math.floor(beat / ctx.beatsPerBar);
        const inBar = beat % ctx.beatsPerBar;
        const start = beat * ctx.beat;
        loop.add(start, kick({high: 110, low: kickPitch(ctx.root(bar)), decay: 0.14, click: 0.12}, ctx.random), 0.6);
        if (inBar === 0 || inBar === 2) {
          loop.add(start, bass(hz(ctx.root(bar)), {hold: (ctx.beat * 1.7) / SAMPLE_RATE, grit: 0.12}), 0.34);
        }
        const chord = ctx.chord(bar);
        if (inBar === 0) {
          chord.forEach((note, n) => loop.add(start, keys(hz(note) * 2, {decay: 0.9, index: 1.4}), 0.07, n % 2 ? 0.3 : -0.3));
        } else {
          const note = chord[(inBar * 2 + bar) % chord.length];
          loop.add(start, keys(hz(note) * 2, {decay: 0.6, index: 1.1}), 0.1, inBar % 2 ? 0.35 : -0.35);
        }
        if (inBar === 1 || inBar === 3) {
          loop.add(start, noiseHit({low: 1500, high: 5000, attack: 0.002, decay: 0.06}, ctx.random), 0.13, 0.15);
        }
      }
    },
  },
  // Energetic: A minor, i - VI - III - VII, a pumping supersaw, octave bass and a pulse arpeggio, off-beat hats.
  neon: {
    chords: [
      ['A3', 'C4', 'E4', 'A4'],
      ['A3', 'C4', 'E4', 'A4'],
      ['F3', 'A3', 'C4', 'F4'],
      ['F3', 'A3', 'C4', 'F4'],
      ['E3', 'G3', 'C4', 'E4'],
      ['E3', 'G3', 'C4', 'E4'],
      ['D3', 'G3', 'B3', 'D4'],
      ['E3', 'G3', 'B3', 'E4'],
    ],
    roots: ['A2', 'A2', 'F2', 'F2', 'C2', 'C2', 'G2', 'G2'],
    play(loop, ctx) {
      const layer = new Loop(loop.length);
      pads(layer, ctx, {gain: 0.17, cutoff: 3200, attack: 0.25, voices: 5, detune: 22});
      pump(layer, ctx, 0.55);
      mix(loop, layer);
      for (let beat = 0; beat < ctx.beats; beat++) {
        const bar = Math.floor(beat / ctx.beatsPerBar);
        const inBar = beat % ctx.beatsPerBar;
        const start = beat * ctx.beat;
        loop.add(start, kick({high: 170, low: kickPitch(ctx.root(bar)), decay: 0.11, click: 0.35}, ctx.random), 0.6);
        if (inBar === 1 || inBar === 3) {
          loop.add(start, noiseHit({low: 1200, high: 7000, attack: 0.001, decay: 0.07, bursts: 3}, ctx.random), 0.42, -0.1);
        }
        const root = hz(ctx.root(bar)) * (inBar % 2 === 0 ? 1 : 2);
        loop.add(start, bass(root, {hold: (ctx.beat * 0.7) / SAMPLE_RATE, grit: 0.6}), 0.28);
        const chord = ctx.chord(bar);
        const note = hz(chord[(inBar + 1) % chord.length]) * 2;
        const sound = pluck(note, {decay: 0.18, bright: 5000});
        loop.add(start, sound, 0.16, inBar % 2 ? 0.45 : -0.45);
        loop.add(start + ctx.beat, sound, 0.05, inBar % 2 ? -0.45 : 0.45);
        loop.add(start + ctx.beat / 2, noiseHit({low: 6000, high: 14000, attack: 0.006, decay: 0.03}, ctx.random), 0.07, 0.25);
      }
    },
  },
};

/**
 * One bed, rendered: its samples (floats, before scaling) and its shape.
 * @param {Bed} bed
 */
export function renderBed(bed) {
  const arrangement = ARRANGEMENTS[bed.id];
  if (!arrangement) {
    throw new Error(`no arrangement for the bed ${bed.id}: add one to ARRANGEMENTS`);
  }
  const beat = (SAMPLE_RATE * 60) / bed.bpm;
  if (!Number.isInteger(beat)) {
    throw new Error(`${bed.id}: ${bed.bpm} BPM is not a whole number of samples per beat at ${SAMPLE_RATE} Hz`);
  }
  const beats = BARS * bed.beatsPerBar;
  const loop = new Loop(beat * beats);
  arrangement.play(loop, {
    beat,
    beats,
    beatsPerBar: bed.beatsPerBar,
    random: mulberry32(seedOf(bed.id)),
    chord: (bar) => arrangement.chords[bar % arrangement.chords.length],
    root: (bar) => arrangement.roots[bar % arrangement.roots.length],
  });
  // Gentle saturation: rounds the kicks' peaks, so the bed is loud without being peaky.
  for (let i = 0; i < loop.length; i++) {
    loop.left[i] = Math.tanh(loop.left[i] * 1.3) / 1.3;
    loop.right[i] = Math.tanh(loop.right[i] * 1.3) / 1.3;
  }
  return {loop, bars: BARS, seconds: loop.length / SAMPLE_RATE};
}

/**
 * One biquad section over a whole channel, its state carried in `state` (so a loop can be run twice).
 * @param {ArrayLike<number>} input
 * @param {number[]} b
 * @param {number[]} a
 * @param {number[]} state [x1, x2, y1, y2]
 */
function biquad(input, b, a, state) {
  const out = new Float64Array(input.length);
  let [x1, x2, y1, y2] = state;
  for (let i = 0; i < input.length; i++) {
    const x = input[i];
    const y = b[0] * x + b[1] * x1 + b[2] * x2 - a[1] * y1 - a[2] * y2;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    out[i] = y;
  }
  state.splice(0, 4, x1, x2, y1, y2);
  return out;
}

/**
 * Integrated loudness (ITU-R BS.1770-4, LUFS) of a stereo loop as it sounds looped: the K-weighting filters run
 * over the loop once to settle, then measure a second pass; 400 ms blocks every 100 ms (wrapping around), an
 * absolute gate at -70 LUFS and a relative gate 10 LU below.
 * @param {ArrayLike<number>} left
 * @param {ArrayLike<number>} right
 */
export function loopLoudness(left, right) {
  const shelf = {b: [1.53512485958697, -2.69169618940638, 1.19839281085285], a: [1, -1.69065929318241, 0.73248077421585]};
  const highpass = {b: [1, -2, 1], a: [1, -1.99004745483398, 0.99007225036621]};
  const weigh = (/** @type {ArrayLike<number>} */ channel) => {
    const s1 = [0, 0, 0, 0];
    const s2 = [0, 0, 0, 0];
    biquad(biquad(channel, shelf.b, shelf.a, s1), highpass.b, highpass.a, s2);
    return biquad(biquad(channel, shelf.b, shelf.a, s1), highpass.b, highpass.a, s2);
  };
  const squares = [weigh(left), weigh(right)].map((channel) => {
    const cumulative = new Float64Array(channel.length + 1);
    for (let i = 0; i < channel.length; i++) {
      cumulative[i + 1] = cumulative[i] + channel[i] * channel[i];
    }
    return cumulative;
  });
  const length = left.length;
  const block = Math.round(0.4 * SAMPLE_RATE);
  const step = Math.round(0.1 * SAMPLE_RATE);
  /** @param {Float64Array} cumulative @param {number} start */
  const energy = (cumulative, start) => {
    const end = start + block;
    if (end <= length) {
      return cumulative[end] - cumulative[start];
    }
    return cumulative[length] - cumulative[start] + cumulative[end - length];
  };
  const blocks = [];
  for (let start = 0; start < length; start += step) {
    blocks.push(squares.reduce((sum, cumulative) => sum + energy(cumulative, start) / block, 0));
  }
  const loudness = (/** @type {number} */ power) => -0.691 + 10 * Math.log10(power);
  const mean = (/** @type {number[]} */ values) => values.reduce((a, b) => a + b, 0) / values.length;
  const absolute = blocks.filter((power) => loudness(power) > -70);
  const threshold = loudness(mean(absolute)) - 10;
  return loudness(mean(absolute.filter((power) => loudness(power) > threshold)));
}

/**
 * True peak (dBTP) of a loop: 4x oversampled with a windowed-sinc interpolator (BS.1770-4 Annex 2), wrapping around.
 * @param {ArrayLike<number>[]} channels
 */
export function loopTruePeak(channels) {
  const taps = 12;
  const phases = 4;
  /** @type {number[][]} */
  const kernel = [];
  for (let p = 0; p < phases; p++) {
    const row = [];
    for (let k = -taps; k < taps; k++) {
      const x = k - p / phases;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const window = 0.5 + 0.5 * Math.cos((Math.PI * x) / taps);
      row.push(sinc * window);
    }
    kernel.push(row);
  }
  let peak = 0;
  for (const channel of channels) {
    const n = channel.length;
    // The channel with `taps` samples of wrap-around on each side, so the inner loop needs no modulo.
    const padded = new Float64Array(n + 2 * taps);
    for (let i = 0; i < padded.length; i++) {
      padded[i] = channel[(i - taps + n) % n];
    }
    for (let i = 0; i < n; i++) {
      peak = Math.max(peak, Math.abs(channel[i]));
      for (let p = 1; p < phases; p++) {
        let sum = 0;
        const row = kernel[p];
        for (let k = 0; k < 2 * taps; k++) {
          sum += row[k] * padded[i + 2 * taps - k];
        }
        peak = Math.max(peak, Math.abs(sum));
      }
    }
  }
  return 20 * Math.log10(peak);
}

/**
 * A 16-bit stereo PCM WAV file of the samples.
 * @param {Int16Array} left
 * @param {Int16Array} right
 */
export function wavFile(left, right) {
  const data = left.length * 4;
  const buffer = Buffer.alloc(44 + data);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + data, 4);
  buffer.write('WAVE', 8, 'ascii');
  buffer.write('fmt ', 12, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20); // PCM
  buffer.writeUInt16LE(2, 22);
  buffer.writeUInt32LE(SAMPLE_RATE, 24);
  buffer.writeUInt32LE(SAMPLE_RATE * 4, 28);
  buffer.writeUInt16LE(4, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(data, 40);
  for (let i = 0; i < left.length; i++) {
    buffer.writeInt16LE(left[i], 44 + i * 4);
    buffer.writeInt16LE(right[i], 46 + i * 4);
  }
  return buffer;
}

/**
 * Render, scale to TARGET_LUFS, measure and write one bed; its measured fields.
 * @param {Bed} bed
 * @param {string} publicDir
 */
export function makeBed(bed, publicDir) {
  const {loop, bars, seconds} = renderBed(bed);
  const scale = 10 ** ((TARGET_LUFS - loopLoudness(loop.left, loop.right)) / 20);
  const quantise = (/** @type {Float64Array} */ channel) =>
    Int16Array.from(channel, (value) => Math.max(-32768, Math.min(32767, Math.round(value * scale * 32767))));
  const left = quantise(loop.left);
  const right = quantise(loop.right);
  const asFloat = (/** @type {Int16Array} */ channel) => Float64Array.from(channel, (value) => value / 32768);
  const lufs = loopLoudness(asFloat(left), asFloat(right));
  const truePeakDb = loopTruePeak([asFloat(left), asFloat(right)]);
  if (truePeakDb > MAX_TRUE_PEAK) {
    throw new Error(`${bed.id}: true peak ${truePeakDb.toFixed(2)} dBTP at ${lufs.toFixed(2)} LUFS is above ${MAX_TRUE_PEAK}`);
  }
  const target = path.join(publicDir, bed.file);
  mkdirSync(path.dirname(target), {recursive: true});
  writeFileSync(target, wavFile(left, right));
  const round = (/** @type {number} */ value) => Math.round(value * 100) / 100;
  return {bars, seconds: round(seconds), lufs: round(lufs), truePeakDb: round(truePeakDb), gainDb: round(TARGET_LUFS - lufs)};
}

/**
 * The manifest as committed: one bed a line.
 * @param {Bed[]} beds
 */
function manifestText(beds) {
  return `{\n  "beds": [\n${beds.map((bed) => `    ${JSON.stringify(bed).replaceAll('":', '": ').replaceAll(',"', ', "')}`).join(',\n')}\n  ]\n}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  /** @type {{beds: Bed[]}} */
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  const update = process.argv.includes('--update-manifest');
  const measured = manifest.beds.map((bed) => {
    const started = performance.now();
    const fields = makeBed(bed, PUBLIC_DIR);
    process.stderr.write(
      `make-beds: ${bed.id}: ${fields.bars} bars, ${fields.seconds} s, ${fields.lufs} LUFS, ${fields.truePeakDb} dBTP ` +
        `(${Math.round(performance.now() - started)} ms)\n`,
    );
    const stale = Object.entries(fields).filter(([key, value]) => bed[/** @type {keyof Bed} */ (key)] !== value);
    if (stale.length > 0 && !update) {
      process.stderr.write(`make-beds: warning: ${bed.id}: the manifest says otherwise for ${stale.map(([key]) => key).join(', ')}; run with --update-manifest\n`);
    }
    return {...bed, ...fields};
  });
  if (update) {
    writeFileSync(MANIFEST, manifestText(measured));
  }
}
