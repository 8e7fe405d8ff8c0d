/**
 * The automatic proof-of-work raise (proofOfWork.autoRaise), over real
 * sockets with a fake clock: an event without proof of work lets joins in
 * until a burst passes joinsPerSecond on this gateway; from then on joins
 * need a challenge at autoRaise.difficulty (a solved one joins); after
 * calmSeconds without a burst, joins need none again.
 */
import { afterEach, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/protocol/codes.js';
import { challengeDifficulty, solveChallenge } from '../../shared/pow/solve.js';
import { FakeClock, startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

const AUTO_RAISE = { joinsPerSecond: 3, difficulty: 6, calmSeconds: 5 };

let system: TestSystem;
const clients: TestClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await system?.stop();
});

/** A join's answer: its ticket number, or the refusal's code and challenge. */
async function join(pow?: { c: string; n: string }): Promise<{ ticketNo?: number; code?: string; challenge?: string }> {
  const client = await TestClient.connect(system.wsUrl);
  clients.push(client);
  return client.joinWith('ev', pow ? { pow } : {}).then(
    (ticket: { ticketNo: number }) => ({ ticketNo: ticket.ticketNo }),
    (error: Error & { code: string; challenge?: string }) => ({ code: error.code, ...(error.challenge ? { challenge: error.challenge } : {}) }),
  );
}

it('asks for proof of work once a burst passes joinsPerSecond, and stops asking after calmSeconds of calm', async () => {
  const clock = new FakeClock();
  system = await startTestSystem({
    clock,
    events: [testEvent({ proofOfWork: { difficulty: 0, challengeTtlSeconds: 60, autoRaise: AUTO_RAISE } }, clock.now())],
  });
  await system.stores.queue.setPaused('ev', true);

  for (let k = 1; k <= AUTO_RAISE.joinsPerSecond; k++) expect(await join()).toEqual({ ticketNo: k });
  const raised = await join();
  expect(raised.code).toBe(ErrorCode.POW_REQUIRED);
  expect(challengeDifficulty(raised.challenge!)).toBe(AUTO_RAISE.difficulty);

  clock.advance(2_000); // calm, but not for calmSeconds yet
  const still = await join();
  expect(still.code).toBe(ErrorCode.POW_REQUIRED);
  expect(await join({ c: still.challenge!, n: await solveChallenge(still.challenge!) })).toEqual({ ticketNo: AUTO_RAISE.joinsPerSecond + 1 });

  clock.advance(AUTO_RAISE.calmSeconds * 1000);
  expect(await join()).toEqual({ ticketNo: AUTO_RAISE.joinsPerSecond + 2 });
});
