/**
 * The soundtrack as the video has it, for the browser side: which file a template's `audio` plays, how loud, with
 * which fades, and at which tempo. The server makes the video's track (tornado_render/render/soundtrack.py); the
 * browser preview plays the same source through this, with the same fades and the bed's measured gain, so what a
 * reader hears before rendering is what the video will sound like. The composition itself stays silent (the
 * render's distinct-frames path refuses audio): the preview adds the sound beside it.
 */
import BEDS_MANIFEST from './beds.json';
import type {TemplateAudio} from '../template/template';

/** One bundled bed (beds.json, written by scripts/make-beds.mjs). */
export interface Bed {
  id: string;
  name: string;
  mood: string;
  bpm: number;
  beatsPerBar: number;
  /** Relative to public/ (and to the preview's folder): `audio/<id>.wav`. */
  file: string;
  bars: number;
  seconds: number;
  /** Integrated loudness (LUFS) and true peak (dBTP) as made; gainDb brings it to -14 LUFS. */
  lufs: number;
  truePeakDb: number;
  gainDb: number;
}

export const BEDS: readonly Bed[] = BEDS_MANIFEST.beds;
export const FADE_IN_SECONDS = 0.5;
export const FADE_OUT_SECONDS = 1.0;

export function bedOf(audio: TemplateAudio | null): Bed | null {
  return audio !== null && 'track' in audio ? (BEDS.find((bed) => bed.id === audio.track) ?? null) : null;
}

/**
 * The soundtrack's tempo in beats per minute: its bed's, or what the template says of its URL; null for silence
 * (no audio, or volume 0) and a track of unknown tempo. The timeline cuts scenes on its beat (timeline.ts).
 */
export function soundtrackTempo(audio: TemplateAudio | null): number | null {
  if (audio === null || audio.volume <= 0) {
    return null;
  }
  return 'track' in audio ? (bedOf(audio)?.bpm ?? null) : audio.bpm;
}

/** Frames of one beat at `bpm` (not a whole number in general: 128 BPM at 30 fps is 14.0625 frames). */
export function beatFrames(bpm: number, fps: number): number {
  return (60 * fps) / bpm;
}

/**
 * The first frame at or after `frame` that a beat falls on, the beat's time rounded to the nearest frame (so a
 * boundary is within half a frame of its beat). Rounding is half up, as the server's mirror rounds
 * (tornado_render/templates.py next_beat).
 */
export function nextBeat(frame: number, beat: number): number {
  const index = Math.ceil(frame / beat - 1e-9);
  return Math.floor(index * beat + 0.5);
}

/** The fades' lengths for a video of `duration` seconds (shortened in proportion for very short videos). */
function fades(duration: number): {fadeIn: number; fadeOut: number} {
  return {fadeIn: Math.min(FADE_IN_SECONDS, duration / 3), fadeOut: Math.min(FADE_OUT_SECONDS, (2 * duration) / 3)};
}

/** The fades' gain at `t` seconds of a video `duration` seconds long: up over 0.5 s, down to 0 over the last 1 s. */
export function fadeGain(t: number, duration: number): number {
  const {fadeIn, fadeOut} = fades(duration);
  return Math.min(1, t / fadeIn) * Math.min(1, Math.max(0, (duration - t) / fadeOut));
}

/** What the fades take from a steady source's integrated loudness (dB): a linear fade keeps a third of its power. */
export function fadeLossDb(duration: number): number {
  const {fadeIn, fadeOut} = fades(duration);
  const faded = fadeIn + fadeOut;
  return -10 * Math.log10((duration - faded + faded / 3) / duration);
}

/**
 * The volume (0..1) to play the soundtrack at on `frame`: the template's volume, the fades, and for a bed its gain
 * to -14 LUFS (a URL track plays as it is: the browser cannot measure it before playing). Capped at 1, which is all
 * a browser's media element allows.
 */
export function previewVolume(audio: TemplateAudio | null, frame: number, durationInFrames: number, fps: number): number {
  if (audio === null) {
    return 0;
  }
  const bed = bedOf(audio);
  const duration = durationInFrames / fps;
  const gainDb = bed ? bed.gainDb + fadeLossDb(duration) : 0;
  return Math.min(1, audio.volume * 10 ** (gainDb / 20) * fadeGain(frame / fps, duration));
}
