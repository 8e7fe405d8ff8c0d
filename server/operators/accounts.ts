/**
 * Operator accounts (top-level `operators` in the config) and what each role
 * may do. The admin HTTP API and the operator console (docs/console.md) check
 * these on the server for every request, whatever the console's buttons show.
 */
import { z } from 'zod';
import { OperatorRole } from '../../shared/http/console.js';
import { passwordHashProblem } from './passwords.js';

/** The roles are part of the operators' API (shared/http/console.ts). */
export { OperatorRole };

export const OperatorAccount = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'operator names are 1–64 characters of A–Z, a–z, 0–9, . _ @ and -')
      .describe("The account's name, typed at sign-in; unique among operators."),
    role: OperatorRole.describe('"viewer" watches the queues; "operator" also steers them and changes the events.'),
    passwordHash: z
      .string()
      .superRefine((hash, ctx) => {
        const problem = passwordHashProblem(hash);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('`scrypt$N$r$p$saltB64$hashB64`, from `npm run hash-password`. Never the password itself.'),
  })
  .strict();
export type OperatorAccount = z.infer<typeof OperatorAccount>;

/** Everything an operator can be allowed to do, and the roles allowed to do it. */
export const PERMISSIONS = {
  /** Read the live events and their version. */
  'events.view': ['viewer', 'operator'],
  /** Replace the live events (reload), or change one event's limits or window from the console. */
  'events.change': ['operator'],
  /** Watch the queues: the overview, the history, the audit log. */
  'queue.view': ['viewer', 'operator'],
  /** Steer a queue: pause, resume, broadcast a notice, revoke a ticket. */
  'queue.control': ['operator'],
} as const satisfies Record<string, readonly OperatorRole[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(role: OperatorRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly OperatorRole[]).includes(role);
}

/** An authenticated operator, as the rest of the code sees it (no hash). */
export interface Operator {
  name: string;
  role: OperatorRole;
}
