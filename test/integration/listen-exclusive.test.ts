/**
 * No listening part shares its port: a second gateway (either transport) or
 * reservation handler started on a port in use fails at once with an error
 * naming the port, and the first keeps serving. (The standalone controller
 * listens on nothing.)
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ChildNode } from '../../server/main/child-node.js';
import { cleanUpProcesses, startNode, writeClusterConfig } from '../support/processes.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { TRANSPORTS_HERE } from '../support/transports.js';

let first: TestSystem | undefined;
afterEach(async () => {
  await first?.stop();
  first = undefined;
});
afterAll(() => cleanUpProcesses());

describe.each(TRANSPORTS_HERE)('listening on a port in use: %s transport', (transport) => {
  it('the second gateway fails with an error naming the port; the first keeps serving', async () => {
    first = await startTestSystem({ transport });
    const port = Number(new URL(first.wsUrl).port);
    const started = Date.now();
    await expect(startTestSystem({ transport, gateway: { port } })).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    expect(Date.now() - started).toBeLessThan(5000);
    const client = await TestClient.connect(first.wsUrl);
    expect(await client.join('ev')).toMatchObject({ ticketNo: 1 });
    await client.close();
  });
});

describe('listening on a port in use: reservation handler', () => {
  it('the second handler fails with an error naming the port; the first keeps serving', async () => {
    first = await startTestSystem();
    const port = Number(new URL(first.reservationsUrl).port);
    const started = Date.now();
    await expect(startTestSystem({ config: { reservations: { port } } })).rejects.toThrow(
      `the reservation handler: port ${port} on 127.0.0.1 is already in use`,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await fetch(`${first.reservationsUrl}/api/events/ev/availability`)).status).toBe(200);
  });

  it('`npm run reservations` on a taken port exits 1 naming the port and how to pick another', async () => {
    const config = await writeClusterConfig();
    const holder = await startNode({ role: 'reservations', name: 'first-handler', configFile: config.path });
    const second = ChildNode.spawn({
      role: 'reservations',
      name: 'second-handler',
      args: ['--port', String(holder.port)],
      env: { ...process.env, WAITROOM_CONFIG: config.path },
    });
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`the reservation handler: port ${holder.port} on 127.0.0.1 is already in use by another listener`);
    expect(second.output()).toContain('set PORT / RESERVATIONS_PORT to free ports');
    expect((await fetch(`${holder.url}/healthz`)).status).toBe(200);
  }, 60_000);
});
