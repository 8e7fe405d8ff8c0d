/**
 * The "notify me" button, asking for what will really work on this browser:
 * Web Push through the service worker when the browser and the gateway can
 * (a notice reaches the person after the page is closed), else notifications
 * while the page stays open, else nothing; each said plainly. Pressing it also
 * unlocks the chime. The subscription goes to the gateway with the ticket's
 * turn contact (./turn-contact.ts).
 */
import { el, setText, show } from '../common/dom.js';
import type { Dictionary } from '../i18n/index.js';
import { unlockChime } from './turn-alert.js';

/** What the person can count on: push (page closed too), local (page open), or why nothing. */
export type NotifyState = 'unsupported' | 'default' | 'denied' | 'push' | 'local';

export interface NotifyOptions {
  texts(): Dictionary;
  /** The gateway's VAPID public key (GET /api/info), when it sends push notices. */
  vapidPublicKey: string | undefined;
  /** Hands the browser's subscription on (to the gateway, with the ticket's contact); resolves when it was taken. */
  subscribed(subscription: PushSubscriptionJSON): Promise<boolean>;
}

const STATUS: Record<NotifyState, keyof Dictionary | null> = {
  unsupported: 'notifyUnsupported',
  default: null,
  denied: 'notifyDenied',
  push: 'notifyOn',
  local: 'notifyWhileOpen',
};

function canPush(options: NotifyOptions): boolean {
  return options.vapidPublicKey !== undefined && 'serviceWorker' in navigator && 'PushManager' in globalThis;
}

/** Subscribes (or takes the existing subscription) and hands it on; `local` when push cannot be had. */
async function subscribe(options: NotifyOptions): Promise<NotifyState> {
  if (!canPush(options)) return 'local';
  try {
    const registration = await navigator.serviceWorker.ready;
    const subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: options.vapidPublicKey }));
    return (await options.subscribed(subscription.toJSON())) ? 'push' : 'local';
  } catch (error) {
    console.warn('waitroom: no push subscription', error);
    return 'local';
  }
}

/** Binds the button; returns a refresh for a language change. */
export function bindNotifyButton(options: NotifyOptions): () => void {
  const button = el('notify', HTMLButtonElement);
  const status = el('notify-status', HTMLElement);
  const supported = 'Notification' in globalThis && 'serviceWorker' in navigator;
  let state: NotifyState = supported ? (Notification.permission === 'granted' ? 'local' : Notification.permission) : 'unsupported';
  const update = (next: NotifyState): void => {
    state = next;
    show(button, state === 'default');
    const key = STATUS[state];
    setText(status, key ? (options.texts()[key] as string) : '');
    status.dataset.state = state;
  };
  // The service worker is registered only once notifications are allowed: a page that never asks fetches no /sw.js
  // (nor fails to, while its gateway restarts).
  const register = (): void => void navigator.serviceWorker.register('/sw.js').catch((error: unknown) => console.warn('waitroom: no service worker', error));
  // Allowed on an earlier visit: subscribe again for this ticket without asking.
  if (state === 'local') {
    register();
    void subscribe(options).then(update);
  }
  button.onclick = async () => {
    unlockChime();
    let permission: NotificationPermission;
    try {
      permission = await Notification.requestPermission();
    } catch {
      permission = Notification.permission;
    }
    if (permission === 'granted') register();
    update(permission === 'granted' ? await subscribe(options) : permission);
  };
  const refresh = (): void => update(state);
  refresh();
  return refresh;
}
