/**
 * Recovery codes on the client's side (docs/decisions/030-recovery-code.md): making and showing the code for the
 * stored ticket, and using a code typed on another device. The code never leaves the device: the gateway gets
 * its id and the secret sealed under it, and gives them back to whoever has the id, once.
 */
import type { ClientMessage, ErrorCode, ServerMessage } from '../../shared/protocol/index.js';
import { groupCode, newRecoveryCode, parseRecoveryCode } from '../../shared/recovery/code.js';
import { openSecret, recoveryId, sealSecret } from '../../shared/recovery/sealed-secret.js';
import type { StoredTicket, TicketStore } from './storage.js';

/**
 * Why a recovery request failed: the gateway's codes, and the client's own for a code that cannot be right
 * (`RECOVERY_CODE_MALFORMED`: not 13 symbols of the alphabet; `RECOVERY_CODE_MISTYPED`: the check symbol does not
 * match, so one symbol is wrong or two are swapped), for a reply that does not open (`RECOVERY_CODE_INVALID`),
 * and for no connection (`NOT_CONNECTED`) or no place to keep a code for (`NOT_JOINED`).
 */
export type RecoveryErrorCode = ErrorCode | 'RECOVERY_CODE_MALFORMED' | 'RECOVERY_CODE_MISTYPED' | 'RECOVERY_CODE_INVALID' | 'NOT_CONNECTED';

export type RecoveryResult<T> = ({ ok: true } & T) | { ok: false; code: RecoveryErrorCode; retryAt?: number };

type Request = ClientMessage extends infer M ? (M extends { rid?: number } ? Omit<M, 'rid'> : never) : never;

/** What the client lends these functions. */
export interface RecoveryPort {
  eventId: string;
  store: TicketStore;
  /** Sends a request and resolves with its reply or error (null when the connection is not ready or was lost). */
  ask(request: Request): Promise<ServerMessage | null>;
  /** Replaces the stored place with `entry` and resumes it (giving up the place held now, if another). */
  adopt(entry: StoredTicket): void;
  serverOffsetMs(): number;
}

function failure(reply: ServerMessage | null): { ok: false; code: RecoveryErrorCode; retryAt?: number } {
  if (!reply) return { ok: false, code: 'NOT_CONNECTED' };
  if (reply.type !== 'error') return { ok: false, code: 'INTERNAL' };
  return { ok: false, code: reply.code, ...(reply.retryAt !== undefined ? { retryAt: reply.retryAt } : {}) };
}

/** The code for the stored ticket (made once on this device, a new one after a used one), kept by the gateway; `shown`: grouped for the screen. */
export async function showRecoveryCode(port: RecoveryPort): Promise<RecoveryResult<{ code: string; shown: string }>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const saved = port.store.load();
    if (!saved?.ticket) return { ok: false, code: 'NOT_JOINED' };
    const code = saved.recoveryCode ?? newRecoveryCode();
    if (code !== saved.recoveryCode) port.store.update({ recoveryCode: code });
    const [id, box] = await Promise.all([recoveryId(port.eventId, code), sealSecret(port.eventId, code, saved.secret)]);
    const reply = await port.ask({ type: 'recovery', ticket: saved.ticket, id, box });
    if (reply?.type === 'recovery-kept') return { ok: true, code, shown: groupCode(code) };
    // Used on another device meanwhile: this device makes a new one, so the used one never works again.
    if (reply?.type === 'error' && reply.code === 'RECOVERY_CODE_USED') port.store.update({ recoveryCode: undefined });
    else return failure(reply);
  }
  return { ok: false, code: 'RECOVERY_CODE_USED' };
}

/** Uses a typed code: the place it names becomes this client's (same ticket, same secret, so the same grant). */
export async function useRecoveryCode(port: RecoveryPort, typed: string): Promise<RecoveryResult<{ ticketNo: number }>> {
  const parsed = parseRecoveryCode(typed);
  if (!parsed.ok) return { ok: false, code: parsed.problem === 'check' ? 'RECOVERY_CODE_MISTYPED' : 'RECOVERY_CODE_MALFORMED' };
  const id = await recoveryId(port.eventId, parsed.code);
  const reply = await port.ask({ type: 'recover', eventId: port.eventId, id });
  if (reply?.type !== 'recovered') return failure(reply);
  // AES-GCM authenticates: a box that opens was sealed by a holder of this code. The resume then proves the secret.
  const secret = await openSecret(port.eventId, parsed.code, reply.box);
  if (!secret) return { ok: false, code: 'RECOVERY_CODE_INVALID' };
  port.adopt({ eventId: port.eventId, ticket: reply.ticket, ticketNo: reply.ticketNo, secret, joinedAhead: null, serverOffsetMs: port.serverOffsetMs() });
  return { ok: true, ticketNo: reply.ticketNo };
}
