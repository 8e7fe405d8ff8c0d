/**
 * The waiting page's service worker, served at /sw.js (scope /: the waiting
 * and booking pages). It shows the turn notices the gateway pushes (Web Push,
 * decision 029) even when no page of the site is open, and a click on one
 * brings the person back: to an open page of the event if there is one, else
 * a new window on the URL the notice carries (the waiting page, which resumes
 * the place and moves on to booking). The page also shows its own turn
 * notification through this worker's registration (Android Chrome allows
 * notifications from service workers only).
 */
import { noticeFor } from './notice-text.js';

/** The few service worker types used here (the DOM lib has no WebWorker scope). */
interface Extendable extends Event {
  waitUntil(work: Promise<unknown>): void;
}
interface WindowClientLike {
  url: string;
  focused: boolean;
  visibilityState: string;
  focus(): Promise<unknown>;
}
interface WorkerScope {
  addEventListener(type: 'install' | 'activate', listener: (event: Extendable) => void): void;
  addEventListener(type: 'push', listener: (event: Extendable & { data: { text(): string } | null }) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: Extendable & { notification: Notification }) => void): void;
  skipWaiting(): Promise<void>;
  location: Location;
  registration: ServiceWorkerRegistration;
  clients: {
    claim(): Promise<void>;
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClientLike[]>;
    openWindow(url: string): Promise<unknown>;
  };
}

const worker = self as unknown as WorkerScope;

worker.addEventListener('install', (event) => event.waitUntil(worker.skipWaiting()));
worker.addEventListener('activate', (event) => event.waitUntil(worker.clients.claim()));

worker.addEventListener('push', (event) => {
  const notice = noticeFor(event.data?.text());
  if (!notice) return;
  event.waitUntil(
    worker.registration.showNotification(notice.title, {
      body: notice.body,
      tag: notice.tag,
      lang: notice.lang,
      requireInteraction: notice.requireInteraction,
      data: { url: new URL(notice.url, worker.location.origin).href },
    }),
  );
});

worker.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = (event.notification.data as { url?: string } | null)?.url ?? worker.location.origin;
  event.waitUntil(bringBack(url));
});

/** Focuses an open waiting or booking page of the notice's event, else opens `url`. */
async function bringBack(url: string): Promise<unknown> {
  const wanted = new URL(url);
  const eventId = wanted.searchParams.get('event');
  const windows = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => {
    const at = new URL(client.url);
    return at.origin === wanted.origin && (at.pathname === '/' || at.pathname === '/book/') && at.searchParams.get('event') === eventId;
  });
  return open ? open.focus() : worker.clients.openWindow(wanted.href);
}
