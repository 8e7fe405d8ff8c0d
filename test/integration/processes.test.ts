/**
 * The multi-process test support itself: two Redis-backed gateways and a
 * reservation handler as real processes; SIGKILL the gateway a client waits
 * on, and the client resumes on the other one with the same ticket number.
 */
import { afterAll, expect, it } from 'vitest';
import { cleanUpProcesses, startNode, stopAll, writeClusterConfig } from '../support/processes.js';
import { RoamingClient } from '../support/roaming-client.js';
import { testEvent } from '../support/system.js';

afterAll(() => cleanUpProcesses());

it('a client on a SIGKILLed gateway resumes on the next one with the same ticket number', async () => {
  // No controller runs, so nobody is admitted and the client keeps waiting.
  const config = await writeClusterConfig({ events: [testEvent()] });
  const reservations = await startNode({ role: 'reservations', name: 'reservations', configFile: config.path });
  const env = { RESERVATIONS_URL: reservations.url };
  const gateways = await Promise.all([1, 2].map((k) => startNode({ role: 'gateway', name: `gateway-${k}`, configFile: config.path, env, noController: true })));
  const client = await RoamingClient.join({ urls: gateways.map((g) => g.wsUrl), eventId: 'ev' });
  expect(client.ticketNo).toBe(1);
  await client.until((c) => c.ahead.length > 0, 5000, 'a tick');
  expect(client.ahead.at(-1)).toMatchObject({ node: 0, ahead: 0 });

  const killedAt = Date.now();
  expect(gateways[0]!.kill('SIGKILL')).toBe(true);
  expect(await gateways[0]!.exited).toBe('SIGKILL');
  await client.whenResumed(1, 10_000);

  expect(client.drops).toHaveLength(1);
  expect(client.drops[0]).toBeGreaterThanOrEqual(killedAt);
  expect(client.node).toBe(1);
  expect(client.ticketNos).toEqual([1, 1]);
  const ticksBefore = client.ahead.length;
  await client.until((c) => c.ahead.length > ticksBefore, 5000, 'a tick from gateway-2');
  expect(client.ahead.at(-1)).toMatchObject({ node: 1, ahead: 0 });
  expect(client.failure).toBeNull();

  await client.stop();
  await stopAll([reservations, ...gateways]);
  expect(await gateways[1]!.exited).toBe(0);
  expect(await reservations.exited).toBe(0);
}, 20_000);
