/**
 * A gateway never shares its port: on both transports a second gateway started
 * on a port in use fails at once with an error naming the port, and the first keeps serving.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

describe.each(['uws', 'ws'] as const)('listening on a port in use: %s transport', (transport) => {
  let first: TestSystem | undefined;
  afterEach(async () => {
    await first?.stop();
  });

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
