/**
 * One entry of the audit trail of operator actions (docs/console.md, the
 * audit log): who, when, what, with what result, and the details of the
 * action. Written by server/operators/audit-log.ts, listed by `GET /admin/audit`.
 */
import { z } from 'zod';

export const AuditEntry = z
  .object({
    /** ISO 8601 instant (UTC). */
    at: z.string(),
    /** Operator name, or the trigger when no person acted (e.g. `SIGHUP`). */
    actor: z.string(),
    /** How the action arrived: `http`, `signal`, `console`, … */
    via: z.string(),
    /** What was attempted, e.g. `events.reload`. */
    action: z.string(),
    /** `applied`, `unchanged`, `refused`, `invalid`, `denied`, `failed`, … */
    result: z.string(),
  })
  /** Everything else worth keeping: changes with before/after, problems, refusals, forced. */
  .catchall(z.unknown());
export type AuditEntry = z.infer<typeof AuditEntry>;
