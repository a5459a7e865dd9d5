/** Length of the knock tone, in seconds. */
const TONE_SECONDS = 0.9;

let context: AudioContext | null = null;

/**
 * Plays a short two-note chime generated with WebAudio: no audio file is loaded. Browsers start
 * an AudioContext only after the page had a click, and "Go online" is that click. A context that
 * stays suspended plays nothing; the tab title and the notification still alert.
 */
export function playKnockTone(): void {
  const AudioContextClass = globalThis.AudioContext;
  if (typeof AudioContextClass !== 'function') return;
  try {
    context ??= new AudioContextClass();
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    const start = context.currentTime;
    for (const [offset, frequency] of [
      [0, 660],
      [0.3, 880],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      // A quick attack and an exponential fade keep the chime soft and free of clicks.
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + TONE_SECONDS / 2);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + TONE_SECONDS / 2);
    }
  } catch {
    // Audio output is a courtesy; the title and notification still tell the therapist.
  }
}
