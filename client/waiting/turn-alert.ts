/**
 * Getting a person's attention when the turn comes: a short chime (WebAudio,
 * generated, nothing downloaded) and, when the tab is hidden and the person
 * allowed it, a browser notification. Permission is asked only from a button
 * press, never on load (browsers penalise pages that ask unprompted).
 */

/** Two soft tones, about half a second in all. Browsers may refuse audio before any user gesture: then silence. */
export function playChime(): void {
  const Context = globalThis.AudioContext;
  if (!Context) return;
  try {
    const audio = new Context();
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
    setTimeout(() => void audio.close().catch(() => undefined), 1_000);
  } catch (error) {
    console.warn('waitroom: no chime', error);
  }
}

export type NotifyPermission = 'unsupported' | NotificationPermission;

export function notifyPermission(): NotifyPermission {
  return 'Notification' in globalThis ? Notification.permission : 'unsupported';
}

/** Asks for permission (call from a click); resolves with the answer. */
export async function askNotifyPermission(): Promise<NotifyPermission> {
  if (!('Notification' in globalThis)) return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** A notification, only when the page is not in view and the person allowed it. */
export function notifyIfHidden(title: string, body: string): void {
  if (!document.hidden || notifyPermission() !== 'granted') return;
  try {
    const notification = new Notification(title, { body, tag: 'waitroom-turn', requireInteraction: true });
    notification.onclick = () => {
      window.focus();
      notification.close();
    };
  } catch (error) {
    console.warn('waitroom: no notification', error); // e.g. Android Chrome allows them from a service worker only
  }
}
