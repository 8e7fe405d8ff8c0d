/**
 * A stopped gateway stops answering: its WebSocket clients get the shutting-down
 * close, and HTTP connections kept alive from before are closed too (a kiosk
 * polling over keep-alive must see the gateway go). Both transports.
 */
import { Agent, get } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/protocol/codes.js';
import { startTestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { TRANSPORTS_HERE } from '../support/transports.js';

function getStatus(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', reject);
  });
}

describe.each(TRANSPORTS_HERE)('%s transport', (transport) => {
  it('closes WebSockets with SHUTTING_DOWN and kept-alive HTTP connections when it stops', async () => {
    const system = await startTestSystem({ transport });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const client = await TestClient.connect(system.wsUrl);
      expect(await getStatus(`${system.gatewayUrl}/healthz`, agent)).toBe(200);
      const closed: string[] = [];
      for (const socket of Object.values(agent.freeSockets).flat()) socket!.once('close', () => closed.push('closed'));
      expect(closed).toEqual([]);
      await system.stop();
      expect(await client.whenClosed()).toBe(CloseCode.SHUTTING_DOWN);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(closed).toEqual(['closed']);
      await expect(getStatus(`${system.gatewayUrl}/healthz`, agent)).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });
});
