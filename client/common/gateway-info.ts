/** The gateway's `GET /api/info`: which events exist, their windows and cohorts, and where the reservation handler is. */
import { z } from 'zod';
import { EventState } from '../../shared/protocol/index.js';

const instant = z.union([z.number(), z.string()]).transform((value) => (typeof value === 'number' ? value : Date.parse(value)));
const text = z.union([z.string(), z.object({ ko: z.string(), en: z.string() })]).transform((value) => (typeof value === 'string' ? { ko: value, en: value } : value));

export const CohortInfo = z.object({
  id: z.string(),
  label: text,
  born: z.object({ from: z.string(), to: z.string() }),
  opensAt: instant,
  closesAt: instant,
});
export type CohortInfo = z.infer<typeof CohortInfo>;

export const EventInfo = z.object({
  id: z.string(),
  title: text,
  state: EventState,
  timeZone: z.string().default('Asia/Seoul'),
  prequeueOpensAt: instant.nullable().default(null),
  opensAt: instant,
  closesAt: instant,
  /** Empty: anyone may join, no birth date asked. */
  cohorts: z.array(CohortInfo).default([]),
});
export type EventInfo = z.infer<typeof EventInfo>;

export const GatewayInfo = z.object({
  node: z.string(),
  reservationsUrl: z.string(),
  events: z.array(EventInfo),
});
export type GatewayInfo = z.infer<typeof GatewayInfo>;

/** Fetches /api/info, retrying with jittered backoff until it answers. */
export async function loadInfo(onRetry: (reason: string) => void): Promise<GatewayInfo> {
  for (let attempt = 0; ; attempt++) {
    let reason: string;
    try {
      const response = await fetch('/api/info', { cache: 'no-store' });
      const parsed = response.ok ? GatewayInfo.safeParse(await response.json()) : null;
      if (parsed?.success) return parsed.data;
      reason = response.ok ? 'unexpected answer' : `HTTP ${response.status}`;
    } catch (error) {
      reason = error instanceof SyntaxError ? 'unexpected answer' : 'no network';
    }
    onRetry(reason);
    const ceiling = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 10));
    await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * ceiling));
  }
}

/** The event named by `?event=`, else the first one; null when the named one does not exist. */
export function pickEvent(info: GatewayInfo, wanted: string | null): EventInfo | null {
  if (wanted) return info.events.find((event) => event.id === wanted) ?? null;
  return info.events[0] ?? null;
}
