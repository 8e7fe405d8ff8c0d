/**
 * Malformed, oversized and unknown frames get an error reply or a close with a
 * documented code, and the gateway keeps serving everyone else. Both transports.
 */
import { Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode } from '../../shared/protocol/codes.js';
import { encode } from '../../shared/protocol/codec.js';
import { startTestSystem, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { TRANSPORTS_HERE } from '../support/transports.js';

const raw = new Packr({ useRecords: false });

describe.each(TRANSPORTS_HERE)('%s transport', (transport) => {
  let system: TestSystem;
  let bystander: TestClient;

  beforeAll(async () => {
    system = await startTestSystem({ transport });
    await system.stores.queue.setPaused('ev', true);
    bystander = await TestClient.connect(system.wsUrl);
    await bystander.join('ev');
  });
  afterAll(async () => {
    await bystander.close();
    await system.stop();
  });

  async function errorFor(frame: Uint8Array | string): Promise<{ code: string; rid?: number | undefined }> {
    const client = await TestClient.connect(system.wsUrl);
    client.socket.send(frame);
    const error = await client.waitFor('error');
    await client.close();
    return error;
  }

  it('answers each malformed frame with its error code, echoing the request id when readable', async () => {
    expect(await errorFor(new Uint8Array([0xc1, 0xff, 0x00]))).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    expect(await errorFor('{"type":"join"}')).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    expect(await errorFor(encode({ type: 'teleport', rid: 7 }))).toMatchObject({ code: ErrorCode.UNKNOWN_TYPE, rid: 7 });
    expect(await errorFor(encode({ type: 'join', rid: 8, eventId: 'ev' }))).toMatchObject({ code: ErrorCode.INVALID_MESSAGE, rid: 8 });
    expect(await errorFor(encode({ type: 'join', eventId: 42, secretHash: [] }))).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    expect(await errorFor(raw.pack({ type: 'ping', rid: 2n ** 63n, t: 1 }))).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    const deep = Array.from({ length: 40 }).reduce<unknown>((inner) => [inner], 1);
    expect(await errorFor(encode(deep))).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    expect(await errorFor(encode({ type: 'join', eventId: 'ev', secretHash: 'a'.repeat(43) }))).toMatchObject({ code: ErrorCode.INVALID_MESSAGE });
    expect(await errorFor(encode({ type: 'join', eventId: 'nope', secretHash: 'a'.repeat(43), pk: 'k'.repeat(43) }))).toMatchObject({
      code: ErrorCode.UNKNOWN_EVENT,
    });
    expect(await errorFor(encode({ type: 'leave', rid: 3 }))).toMatchObject({ code: ErrorCode.NOT_JOINED, rid: 3 });
  });

  it('closes a connection that keeps sending invalid frames with 4100', async () => {
    const client = await TestClient.connect(system.wsUrl);
    for (let k = 0; k < 10; k++) client.socket.send(new Uint8Array([0xc1]));
    expect(await client.whenClosed()).toBe(CloseCode.PROTOCOL_VIOLATION);
  });

  it('closes a connection that sends a frame over the size limit (1009; uWS drops it without a close frame: 1006)', async () => {
    const client = await TestClient.connect(system.wsUrl);
    client.socket.send(new Uint8Array(system.config.gateway.maxFrameBytes + 1));
    expect(await client.whenClosed()).toBe(transport === 'uws' ? 1006 : CloseCode.MESSAGE_TOO_BIG);
  });

  it('refuses a second join on the same connection', async () => {
    const client = await TestClient.connect(system.wsUrl);
    await client.join('ev');
    await expect(client.join('ev')).rejects.toMatchObject({ code: ErrorCode.ALREADY_JOINED });
    await client.close();
  });

  it('counts the errors by code in /metrics', async () => {
    const metrics = await (await fetch(`${system.gatewayUrl}/metrics`)).text();
    for (const code of [ErrorCode.INVALID_MESSAGE, ErrorCode.UNKNOWN_TYPE, ErrorCode.ALREADY_JOINED]) {
      expect(metrics).toMatch(new RegExp(`waitroom_errors_total\\{[^}]*code="${code}"[^}]*\\} [1-9]`));
    }
  });

  it('keeps serving everyone else throughout', async () => {
    const ticks = bystander.messages.filter((m) => m.type === 'tick').length;
    await bystander.waitFor('tick', () => true, 2000, false);
    expect(bystander.messages.filter((m) => m.type === 'tick').length).toBeGreaterThan(ticks);
    expect(bystander.closeCode).toBeNull();
    const newcomer = await TestClient.connect(system.wsUrl);
    expect((await newcomer.join('ev')).ticketNo).toBeGreaterThan(bystander.ticketNo);
    await newcomer.close();
  });
});
