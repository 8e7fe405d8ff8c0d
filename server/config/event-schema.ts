/** One event's definition: when it runs, how fast it admits, what can be booked. */
import { z } from 'zod';

/**
 * Cross-field checks run even when some field failed its type check, so that
 * every problem is reported at once; they must therefore expect malformed input.
 */
export const ALWAYS = { when: () => true };

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and dashes, starting with a letter or digit');
const instant = z.union(
  [z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)), z.number().int().positive()],
  { error: 'an ISO 8601 instant with its offset (e.g. 2026-11-24T20:00:00+09:00) or milliseconds since the epoch' },
);

export const SlotConfig = z
  .object({ id, label: z.string().min(1).max(64), capacity: z.number().int().min(1, 'a slot needs a capacity of at least 1') })
  .strict();

export const CenterConfig = z
  .object({ id, name: z.string().min(1).max(200), slots: z.array(SlotConfig).min(1, 'a center needs at least one slot') })
  .strict()
  .superRefine((center, ctx) => reportDuplicates(center.slots, 'slots', ctx), ALWAYS);

export const EventConfig = z
  .object({
    id,
    title: z.string().min(1).max(200),
    /** When joining opens and admission starts (ISO instant or ms). */
    opensAt: instant,
    /** When joining and booking end. */
    closesAt: instant,
    /** Admitted people whose grant is neither used nor expired, at most. */
    maxActive: z.number().int().min(1),
    /** Admissions per minute, at most. */
    admitsPerMinute: z.number().positive().max(1_000_000),
    grantTtlSeconds: z.number().int().min(10).max(3600).default(600),
    /** How long a disconnected waiter keeps counting as ahead of others. */
    graceSeconds: z.number().int().min(0).max(3600).default(30),
    ticketTtlSeconds: z.number().int().min(60).max(30 * 86400).default(2 * 86400),
    centers: z.array(CenterConfig).min(1, 'an event needs at least one center'),
  })
  .strict()
  .superRefine((event, ctx) => {
    if (typeof event.opensAt === 'number' && typeof event.closesAt === 'number' && event.closesAt <= event.opensAt) {
      ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'closesAt must be after opensAt' });
    }
    reportDuplicates(event.centers, 'centers', ctx);
  }, ALWAYS);
export type EventConfig = z.infer<typeof EventConfig>;
export type CenterConfig = z.infer<typeof CenterConfig>;

export function reportDuplicates(items: unknown, path: string, ctx: z.RefinementCtx): void {
  if (!Array.isArray(items)) return;
  const seen = new Set<string>();
  items.forEach((item: { id?: unknown } | null, index) => {
    if (typeof item?.id !== 'string') return;
    if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [path, index, 'id'], message: `duplicate id "${item.id}"` });
    seen.add(item.id);
  });
}
