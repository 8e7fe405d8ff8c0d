/**
 * `POST /admin/events/:id/pow` over real sockets: an operator raises the
 * difficulty and the next challenge asks for it (audited); a viewer, a
 * foreign Origin and an out-of-range body are refused and change nothing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { challengeDifficulty } from '../../shared/pow/solve.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { ConsoleApi, testOperators } from './console-api.js';

let system: TestSystem;
const clients: TestClient[] = [];

beforeAll(async () => {
  system = await startTestSystem({
    events: [testEvent({ proofOfWork: { difficulty: 8, challengeTtlSeconds: 60 } })],
    config: { operators: await testOperators() },
  });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await system?.stop();
});

/** The difficulty of the challenge a join without a solution is refused with now. */
async function challengedDifficulty(): Promise<number> {
  const client = await TestClient.connect(system.wsUrl);
  clients.push(client);
  const refusal = await client.joinWith('ev', {}).then(
    () => null,
    (error: Error & { code: string; challenge?: string }) => error,
  );
  expect(refusal?.code).toBe(ErrorCode.POW_REQUIRED);
  return challengeDifficulty(refusal!.challenge!);
}

it('an operator raises the difficulty and new challenges carry it; a viewer, a foreign Origin and a bad body are refused', async () => {
  expect(await challengedDifficulty()).toBe(8);
  const operator = new ConsoleApi(system.gatewayUrl!);
  expect((await operator.signIn('ana')).status).toBe(200);
  const viewer = new ConsoleApi(system.gatewayUrl!);
  expect((await viewer.signIn('vic')).status).toBe(200);

  expect(await viewer.call('POST', '/admin/events/ev/pow', { body: { difficulty: 20 } })).toMatchObject({ status: 403 });
  expect(await operator.call('POST', '/admin/events/ev/pow', { body: { difficulty: 20 }, origin: 'https://evil.example' })).toMatchObject({ status: 403 });
  expect(await operator.call('POST', '/admin/events/ev/pow', { body: { difficulty: 25 } })).toMatchObject({ status: 400 });
  expect(await operator.call('POST', '/admin/events/ev/pow', { body: { difficulty: 12.5 } })).toMatchObject({ status: 400 });
  expect(await challengedDifficulty()).toBe(8);

  expect(await operator.call('POST', '/admin/events/ev/pow', { body: { difficulty: 12 } })).toMatchObject({ status: 200 });
  expect(await challengedDifficulty()).toBe(12);
  const audit = await operator.call('GET', '/admin/audit');
  expect(JSON.stringify(audit.body)).toContain('event.pow');
});
