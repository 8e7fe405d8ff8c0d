/**
 * What `npm start` prints once it listens: where every page and endpoint is,
 * for the events it actually runs. With an events file (EVENTS_FILE) those are
 * the file's, not the demo event, so the kiosk and availability addresses name
 * the first of them (its first centre) and the banner says where they came from.
 */
import type { EventConfig } from '../config/event-schema.js';

export interface DemoBannerInput {
  gatewayUrl: string;
  reservationsUrl: string;
  /** The operator account's password, drawn at this start. */
  password: string;
  events: readonly EventConfig[];
  /** The events file the events were read from; undefined: the built-in demo event. */
  eventsFile: string | undefined;
}

function eventLine(event: EventConfig): string {
  return `  event ${event.id}: admits ${event.admitsPerMinute} a minute, at most ${event.maxActive} unused grants at once, a grant lasts ${event.grantTtlSeconds} s`;
}

export function demoBanner({ gatewayUrl: url, reservationsUrl, password, events, eventsFile }: DemoBannerInput): string {
  const first = events[0];
  const center = first?.centers[0];
  const source = eventsFile === undefined ? 'demo event open now' : `events from ${eventsFile}`;
  return [
    '',
    `Waitroom demo is running (in-memory store, ${source}).`,
    ...events.map(eventLine),
    `  waiting page         ${url}/`,
    `  booking page         ${url}/book/  (the waiting page moves there when the turn comes)`,
    ...(first && center ? [`  kiosk display        ${url}/kiosk/?event=${first.id}&center=${center.id}`] : []),
    `  operator console     ${url}/console/  (sign in as "operator", password ${password})`,
    `  SDK for other sites  ${url}/sdk/waitroom.js`,
    `  WebSocket            ${url.replace(/^http/, 'ws')}/ws`,
    `  probes               ${url}/livez  ${url}/readyz`,
    `  metrics              ${url}/metrics`,
    ...(first ? [`  reservation handler  ${reservationsUrl}/api/events/${first.id}/availability`] : []),
    'Open the waiting page in a few tabs to watch them queue. Ctrl-C stops.',
    '',
  ].join('\n');
}
