/**
 * Getting a person's attention when the turn comes, with what browsers really
 * allow: a short chime (WebAudio, generated) only once the person has touched
 * or typed on the page (phone browsers refuse sound before a gesture), and,
 * when the tab is hidden and the person allowed it, a notification shown
 * through the service worker's registration (Android Chrome refuses
 * `new Notification()` outside a service worker). Permission is asked only
 * from a button press, never on load.
 */

let audio: AudioContext | null = null;

/** From a gesture: makes the audio context the chime plays in later (a context made later would stay silent). */
export function unlockChime(): void {
  const Context = globalThis.AudioContext;
  if (!Context) return;
  try {
    audio ??= new Context();
    void audio.resume().catch(() => undefined);
  } catch (error) {
    console.warn('waitroom: no chime', error);
  }
}

/** Unlocks the chime at the person's first touch, click or key on the page. */
export function unlockChimeOnGesture(): void {
  for (const type of ['pointerdown', 'keydown'] as const) document.addEventListener(type, unlockChime, { once: true, capture: true });
}

/** Two soft tones, about half a second in all; silent until a gesture unlocked sound. */
export function playChime(): void {
  if (audio?.state !== 'running') return;
  const start = audio.currentTime + 0.05;
  for (const [offset, frequency] of [
    [0, 660],
    [0.22, 880],
  ] as const) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.type = 'sine';
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + offset);
    gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.3);
    tone.connect(gain).connect(audio.destination);
    tone.start(start + offset);
    tone.stop(start + offset + 0.32);
  }
}

/** A notification through the service worker, only when the page is not in view and the person allowed it. */
export async function notifyIfHidden(title: string, body: string, tag: string): Promise<void> {
  if (!document.hidden || !('Notification' in globalThis) || Notification.permission !== 'granted') return;
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    await registration?.showNotification(title, { body, tag, requireInteraction: true, data: { url: location.href } });
  } catch (error) {
    console.warn('waitroom: no notification', error);
  }
}
