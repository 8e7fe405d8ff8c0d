/**
 * A reconnect storm: one ticket resumed from many connections within a second
 * is capped per ticket (RECONNECT_RATE_LIMITED with retryAt); the refused
 * resumes change nothing (the holding connection is not superseded), and the
 * ticket keeps its place for the resume at retryAt. Resumes that do not prove
 * possession (the ticket alone) spend nothing of that budget. Both transports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { TRANSPORTS_HERE } from '../support/transports.js';

const PER_MINUTE = 30;
const STORM = 45;

describe.each(TRANSPORTS_HERE)('reconnect storm on %s', (transport) => {
  let system: TestSystem;
  const clients: TestClient[] = [];
  const connect = async (secret?: string) => {
    const client = await TestClient.connect(system.wsUrl, secret);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    // Admission as good as stopped: the tickets below keep waiting.
    system = await startTestSystem({
      transport,
      events: [testEvent({ admitsPerMinute: 1, maxActive: 1 })],
      gateway: { resumesPerTicketPerMinute: PER_MINUTE },
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.drop()));
    await system.stop();
  });

  it('caps resumes of one ticket with RECONNECT_RATE_LIMITED and the ticket keeps its place', async () => {
    await (await connect()).join('ev'); // admitted at once: the ones below wait
    await (await connect()).join('ev');
    const holder = await connect();
    const { ticketNo, ticket } = await holder.join('ev');
    const behind = await connect();
    await behind.join('ev');

    // Someone with the ticket alone tries first: refused, and the holder's budget is untouched.
    const thieves = await Promise.all(Array.from({ length: STORM }, () => connect()));
    const stolen = await Promise.all(
      thieves.map((thief) =>
        thief.resume(ticket, 'ev').then(
          () => 'resumed',
          (error: { code: string }) => error.code,
        ),
      ),
    );
    expect(new Set(stolen)).toEqual(new Set(['TICKET_PROOF_INVALID']));
    expect(holder.closeCode).toBeNull();

    const storm = await Promise.all(Array.from({ length: STORM }, () => connect(holder.secret)));
    const sentAt = Date.now();
    const outcomes = await Promise.all(
      storm.map((client) =>
        client.resume(ticket, 'ev').then(
          (reply) => ({ ticketNo: reply.ticketNo }),
          async (error: { code: string }) => ({ code: error.code, retryAt: (await client.waitFor('error', (m) => m.rid === 2)).retryAt }),
        ),
      ),
    );
    const resumed = outcomes.filter((outcome) => 'ticketNo' in outcome);
    const limited = outcomes.filter((outcome) => 'code' in outcome);
    expect(resumed).toHaveLength(PER_MINUTE);
    for (const outcome of resumed) expect(outcome).toEqual({ ticketNo });
    expect(limited).toHaveLength(STORM - PER_MINUTE);
    for (const refusal of limited) {
      expect(refusal.code).toBe('RECONNECT_RATE_LIMITED');
      expect(refusal.retryAt).toBeGreaterThan(sentAt);
      expect(refusal.retryAt).toBeLessThanOrEqual(Date.now() + 60_000 / PER_MINUTE);
    }
    const refused = storm.filter((_, i) => 'code' in outcomes[i]!);
    // Of the connections that resumed, one holds the ticket; the refused ones were never holders.
    for (const client of refused) expect(client.messages.some((m) => m.type === 'ticket')).toBe(false);

    // At retryAt the same ticket resumes from a refused connection, at the same place, and others keep ticking.
    const retry = refused[0]!;
    const retryAt = Math.max(...limited.map((refusal) => refusal.retryAt!));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, retryAt - Date.now())));
    expect(await retry.resume(ticket, 'ev')).toMatchObject({ ticketNo, resumed: true });
    // Still right ahead of the one who joined after it: nobody passed it, it passed nobody.
    const frame = await behind.waitFor('tick', () => true, 5_000, false);
    await retry.waitFor('tick', (tick) => tick.t === frame.t, 5_000);
    expect(retry.aheadSeen.at(-1)).toBeGreaterThan(0);
    expect(retry.aheadSeen.at(-1)).toBe(behind.aheadSeen.at(-1)! - 1);
  });
});
