/**
 * Key rotation in real processes: a gateway and a reservation handler on
 * Redis, each re-reading its config file on SIGHUP, with clients connected throughout.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import { bookingBody, postBooking } from '../support/booking.js';
import { cleanUpProcesses, startNode, writeClusterConfig, type ServingNode } from '../support/processes.js';
import { testEvent } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { keyRing, kidOf, type Keys } from './key-rotation-keys.js';

async function rewriteKeys(path: string, keys: Keys): Promise<void> {
  const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  await writeFile(path, JSON.stringify({ ...config, keys }));
}

/** Sends SIGHUP and waits for the process to log `line` for the n-th time. */
async function hangUp(node: ServingNode, line: string, n: number): Promise<void> {
  node.kill('SIGHUP');
  const deadline = Date.now() + 10_000;
  while (node.output().split(line).length - 1 < n) {
    if (Date.now() > deadline) throw new Error(`${node.name} did not log "${line}" after SIGHUP:\n${node.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SIGHUP re-reads the keys of each process', () => {
  const clients: TestClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await cleanUpProcesses();
  });

  it('switches a gateway and a reservation handler to a new key with clients connected; refuses to drop the old key too early', async () => {
    const [a, b] = [generateKeys('a'), generateKeys('b')];
    const config = await writeClusterConfig({ keys: keyRing('a', a), events: [testEvent({ maxActive: 1, grantTtlSeconds: 60, ticketTtlSeconds: 600 })] });
    const [gateway, reservations] = await Promise.all([
      startNode({ role: 'gateway', name: 'rotating-gateway', configFile: config.path }),
      startNode({ role: 'reservations', name: 'rotating-reservations', configFile: config.path }),
    ]);
    const join = async () => {
      const client = await TestClient.connect(gateway.wsUrl);
      clients.push(client);
      await client.join('ev');
      return client;
    };
    const [first, second, waiting] = [await join(), await join(), await join()];
    const oldGrant = (await first.waitFor('admitted')).grant;
    expect([kidOf(first.ticket), kidOf(oldGrant)]).toEqual(['a', 'a']);

    await rewriteKeys(config.path, keyRing('a', a, b));
    await Promise.all([hangUp(gateway, 'keys reloaded', 1), hangUp(reservations, 'keys reloaded', 1)]);
    await rewriteKeys(config.path, keyRing('b', a, b));
    await Promise.all([hangUp(gateway, 'keys reloaded', 2), hangUp(reservations, 'keys reloaded', 2)]);

    const third = await join();
    expect(kidOf(third.ticket)).toBe('b');
    expect((await postBooking(reservations.url, 'ev', bookingBody(oldGrant, first.secret))).status).toBe(201);
    const newGrant = (await second.waitFor('admitted')).grant;
    expect(kidOf(newGrant)).toBe('b');
    expect((await postBooking(reservations.url, 'ev', bookingBody(newGrant, second.secret))).status).toBe(201);
    expect([first.closeCode, second.closeCode, waiting.closeCode, third.closeCode]).toEqual([null, null, null, null]);

    await rewriteKeys(config.path, keyRing('b', b));
    await hangUp(gateway, 'the new keys are refused', 1);
    expect(gateway.output()).toMatch(/keys\.ticket: key id \\"a\\" is still needed/);
    // The old key still works: a ticket signed with it resumes its place.
    const back = await TestClient.connect(gateway.wsUrl, waiting.secret);
    clients.push(back);
    expect(kidOf(waiting.ticket)).toBe('a');
    expect(await back.resume(waiting.ticket, 'ev')).toMatchObject({ ticketNo: 3, resumed: true });
  });
});
