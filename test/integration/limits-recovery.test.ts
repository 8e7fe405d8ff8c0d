/**
 * Guessing recovery codes (decision 030), over real sockets: each address has a small budget of codes tried per
 * gateway, and each event a budget of wrong codes per minute in the store, shared by every gateway and address;
 * at that limit even a right code waits. Keeping a code needs the ticket the connection holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../server/clock.js';
import type { ServerMessage } from '../../shared/protocol/index.js';
import { newRecoveryCode } from '../../shared/recovery/code.js';
import { openSecret, recoveryId, sealSecret } from '../../shared/recovery/sealed-secret.js';
import { newClientSecret } from '../../shared/tokens/secret.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const PER_ADDRESS = 3;
const PER_EVENT = 5;

/** Frozen a second into a minute: the event's minute of misses does not turn unless the test turns it. */
const clock = new FakeClock(Math.floor(Date.now() / 60_000) * 60_000 + 1000);
let system: TestSystem;
const clients: TestClient[] = [];
let rid = 100;

async function connect(address: string, secret?: string): Promise<TestClient> {
  const client = await TestClient.connect(system.wsUrl, secret, address);
  clients.push(client);
  return client;
}

/** Sends a recovery request and resolves with its reply or error. */
async function ask(
  client: TestClient,
  message: { type: 'recovery'; ticket: string; id: string; box: string } | { type: 'recover'; eventId: string; id: string },
): Promise<ServerMessage> {
  const own = rid++;
  const reply = client.waitFor('recovery-kept', (m) => m.rid === own, 10_000, false);
  const recovered = client.waitFor('recovered', (m) => m.rid === own, 10_000, false);
  const error = client.waitFor('error', (m) => m.rid === own, 10_000, false);
  client.send({ ...message, rid: own });
  return Promise.race([reply, recovered, error]);
}

const codeOf = (reply: ServerMessage): string => (reply.type === 'error' ? reply.code : reply.type);
const randomId = async (): Promise<string> => recoveryId('ev', newRecoveryCode());

beforeAll(async () => {
  system = await startTestSystem({
    clock,
    events: [testEvent(), testEvent({ id: 'other' })],
    gateway: { perIp: { recoveriesPerMinute: PER_ADDRESS }, recoveryMissesPerEventPerMinute: PER_EVENT },
  });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await system.stop();
});

describe('recovery codes', () => {
  it('are kept only for the ticket the connection holds, and given back once with the sealed secret', async () => {
    const holder = await connect('127.0.0.20');
    const code = newRecoveryCode();
    const [id, box] = await Promise.all([recoveryId('ev', code), sealSecret('ev', code, holder.secret)]);
    expect(codeOf(await ask(holder, { type: 'recovery', ticket: 'wt1.a.b.c', id, box }))).toBe('NOT_JOINED');
    await holder.join('ev');
    const stranger = await connect('127.0.0.21');
    await stranger.join('ev');
    expect(codeOf(await ask(holder, { type: 'recovery', ticket: stranger.ticket, id, box }))).toBe('TICKET_INVALID');
    expect(await ask(holder, { type: 'recovery', ticket: holder.ticket, id, box })).toMatchObject({ type: 'recovery-kept' });

    const other = await connect('127.0.0.22');
    const recovered = await ask(other, { type: 'recover', eventId: 'ev', id });
    expect(recovered).toMatchObject({ type: 'recovered', ticket: holder.ticket, ticketNo: holder.ticketNo });
    expect(await openSecret('ev', code, (recovered as { box: string }).box)).toBe(holder.secret);
    expect(codeOf(await ask(other, { type: 'recover', eventId: 'ev', id }))).toBe('RECOVERY_CODE_UNKNOWN');
    // The old device showing the used code again gets told, and makes a new one.
    expect(codeOf(await ask(holder, { type: 'recovery', ticket: holder.ticket, id, box }))).toBe('RECOVERY_CODE_USED');
    // With the secret, the new connection resumes the place (the holder is superseded).
    const device = await connect('127.0.0.22', holder.secret);
    expect((await device.resume(holder.ticket, 'ev')).ticketNo).toBe(holder.ticketNo);
  });

  it('from one address: a few tries a minute, then RECOVERY_RATE_LIMITED with retryAt; another address is not held back', async () => {
    const guesser = await connect('127.0.0.30');
    for (let k = 0; k < PER_ADDRESS; k++)
      expect(codeOf(await ask(guesser, { type: 'recover', eventId: 'other', id: await randomId() }))).toBe('RECOVERY_CODE_UNKNOWN');
    const refused = await ask(guesser, { type: 'recover', eventId: 'other', id: await randomId() });
    expect(refused).toMatchObject({ type: 'error', code: 'RECOVERY_RATE_LIMITED', retryable: true });
    expect((refused as { retryAt: number }).retryAt).toBeGreaterThan(clock.now());
    const neighbour = await connect('127.0.0.31');
    expect(codeOf(await ask(neighbour, { type: 'recover', eventId: 'other', id: await randomId() }))).toBe('RECOVERY_CODE_UNKNOWN');
  });

  it("for one event, wrong codes from many addresses reach the event's limit; then even a right code waits, other events do not", async () => {
    const holder = await connect('127.0.0.40');
    await holder.join('ev');
    const code = newRecoveryCode();
    const [id, box] = await Promise.all([recoveryId('ev', code), sealSecret('ev', code, newClientSecret())]);
    expect(await ask(holder, { type: 'recovery', ticket: holder.ticket, id, box })).toMatchObject({ type: 'recovery-kept' });
    // The first test's wrong try counts too: PER_EVENT - 1 are left this minute, one guess per address.
    const outcomes: string[] = [];
    for (let k = 0; k < PER_EVENT; k++) {
      const guesser = await connect(`127.0.1.${k + 1}`);
      outcomes.push(codeOf(await ask(guesser, { type: 'recover', eventId: 'ev', id: await randomId() })));
    }
    expect(outcomes).toEqual([...Array<string>(PER_EVENT - 1).fill('RECOVERY_CODE_UNKNOWN'), 'RECOVERY_RATE_LIMITED']);
    const owner = await connect('127.0.0.41');
    const waiting = await ask(owner, { type: 'recover', eventId: 'ev', id });
    expect(waiting).toMatchObject({ type: 'error', code: 'RECOVERY_RATE_LIMITED', retryAt: Math.ceil(clock.now() / 60_000) * 60_000 });
    expect(codeOf(await ask(owner, { type: 'recover', eventId: 'other', id: await randomId() }))).toBe('RECOVERY_CODE_UNKNOWN');
    // The next minute, the right code works.
    clock.advance(60_000);
    expect(await ask(owner, { type: 'recover', eventId: 'ev', id })).toMatchObject({ type: 'recovered', ticketNo: holder.ticketNo });
    // Operators see the guessing: outcomes by event.
    const counted = (await system.gateway!.context.registry.getSingleMetric('waitroom_recoveries_total')!.get()).values;
    const of = (outcome: string) => counted.find((v) => v.labels.event === 'ev' && v.labels.outcome === outcome)?.value;
    expect([of('unknown'), of('limited'), of('restored'), of('kept'), of('used')]).toEqual([PER_EVENT, 2, 2, 2, 1]);
  });
});
