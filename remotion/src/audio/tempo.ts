/**
 * The soundtrack's tempo, as the timeline needs it: how many video frames one beat lasts. Scene changes are cut on
 * the beat (timeline.ts moves each one to the next beat), so the template's `audio` decides where they fall: a
 * bundled bed has the tempo its manifest (beds.json) gives it, a tracker's own track the `bpm` it was sent with,
 * and silence, or a track of unknown tempo, none. Nothing here imports React or Remotion (Node scripts use it).
 */
import BEDS from './beds.json';

export interface Bed {
  id: string;
  name: string;
  mood: string;
  bpm: number;
  beatsPerBar: number;
  file: string;
}

export const BEDS_BY_ID: ReadonlyMap<string, Bed> = new Map(BEDS.beds.map((bed) => [bed.id, bed as Bed]));

/** Beats per minute a template's `audio` plays at, or null (silence, or a track whose tempo is unknown). */
export function tempoOf(audio: unknown): number | null {
  if (audio === null || typeof audio !== 'object') {
    return null;
  }
  const {track, url, bpm, volume} = audio as {track?: unknown; url?: unknown; bpm?: unknown; volume?: unknown};
  if (typeof volume === 'number' && volume <= 0) {
    return null;
  }
  if (typeof track === 'string') {
    return BEDS_BY_ID.get(track)?.bpm ?? null;
  }
  if (typeof url === 'string' && typeof bpm === 'number' && Number.isFinite(bpm) && bpm > 0) {
    return bpm;
  }
  return null;
}

/** Frames of one beat at `bpm` (not a whole number in general: 128 BPM at 30 fps is 14.0625 frames). */
export function beatFrames(bpm: number, fps: number): number {
  return (60 * fps) / bpm;
}

/**
 * The first frame at or after `frame` that a beat falls on, the beat's time rounded to the nearest frame (so a
 * boundary is within half a frame of its beat). Rounding is half up, as the server's mirror rounds.
 */
export function nextBeat(frame: number, beat: number): number {
  const index = Math.ceil(frame / beat - 1e-9);
  return Math.floor(index * beat + 0.5);
}
