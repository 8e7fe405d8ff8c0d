/**
 * An operator's notice on two gateways sharing a Redis store: sent on one, it
 * reaches every waiting client of both (the other gateway reads it with its
 * tick figures); a client joining later gets it right after its ticket; an
 * empty text clears it; a text past the limit is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NOTICE_LENGTH } from '../../shared/protocol/messages.js';
import { generateKeys } from '../../server/config/keys.js';
import type { Stores } from '../../server/store/types.js';
import { storeFactories } from '../support/stores.js';
import { startTestSystem, testEvent, type TestSystem } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';
import { ConsoleApi, testOperators } from './console-api.js';

const redis = storeFactories.find((factory) => factory.name === 'redis')!;
const PER_GATEWAY = 20;

describe('notices on two gateways sharing a Redis store', () => {
  let stores: Stores;
  let a: TestSystem;
  let b: TestSystem;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    stores = await redis.create();
    // Nobody is admitted (admitted clients get no more broadcasts): everyone keeps waiting.
    await stores.queue.setPaused('ev', true);
    const keys = generateKeys('test');
    const options = { store: 'redis' as const, stores, keys, events: [testEvent({ id: 'ev' })], config: { operators: await testOperators() } };
    a = await startTestSystem(options);
    b = await startTestSystem(options);
    for (const system of [a, b]) {
      const joined = await Promise.all(Array.from({ length: PER_GATEWAY }, () => TestClient.connect(system.wsUrl)));
      await Promise.all(joined.map((client) => client.join('ev')));
      clients.push(...joined);
    }
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await a?.stop();
    await b?.stop();
    await stores?.close();
  });

  it('reaches every waiting client on both gateways, and a later joiner right after its ticket', async () => {
    const api = new ConsoleApi(a.gatewayUrl!);
    await api.signIn('ana');
    const sent = await api.call('POST', '/admin/events/ev/notice', { body: { text: '잠시 후 재개합니다 / Resuming shortly' } });
    expect(sent.status).toBe(200);
    expect(sent.body.notice).toMatchObject({ id: 1, text: '잠시 후 재개합니다 / Resuming shortly' });
    const notices = await Promise.all(clients.map((client) => client.waitFor('notice', (n) => n.id === 1, 3000)));
    for (const notice of notices) expect(notice).toEqual({ type: 'notice', e: 'ev', id: 1, text: sent.body.notice.text, at: sent.body.notice.at });
    expect(sent.body.notice.en).toBeNull();
    // One broadcast per change: nobody gets the same notice twice.
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const client of clients) expect(client.messages.filter((m) => m.type === 'notice')).toHaveLength(1);

    const late = await TestClient.connect(b.wsUrl);
    clients.push(late);
    await late.join('ev');
    expect(late.messages.map((m) => m.type).slice(0, 4)).toEqual(['hello', 'ticket', 'tick', 'notice']);

    const row = (await api.call('GET', '/admin/overview')).body.events[0];
    expect(row.notice).toMatchObject({ id: 1, text: sent.body.notice.text });
  });

  it('clears with an empty text; a newcomer then gets none; a text past the limit is refused', async () => {
    const api = new ConsoleApi(b.gatewayUrl!);
    await api.signIn('ana');
    expect((await api.call('POST', '/admin/events/ev/notice', { body: { text: '' } })).body.notice).toMatchObject({ id: 2, text: '' });
    await Promise.all(clients.map((client) => client.waitFor('notice', (n) => n.id === 2 && n.text === '', 3000)));
    const late = await TestClient.connect(a.wsUrl);
    clients.push(late);
    await late.join('ev');
    await late.waitFor('tick');
    expect(late.messages.some((m) => m.type === 'notice')).toBe(false);
    expect((await api.call('GET', '/admin/overview')).body.events[0].notice).toBeNull();

    const long = await api.call('POST', '/admin/events/ev/notice', { body: { text: 'x'.repeat(MAX_NOTICE_LENGTH + 1) } });
    expect([long.status, long.body.error.code]).toEqual([400, 'VALIDATION']);
    const notText = await api.call('POST', '/admin/events/ev/notice', { body: { text: 42 } });
    expect([notText.status, notText.body.error.code]).toEqual([400, 'VALIDATION']);
  });

  it('carries an English text beside the Korean one to both gateways; an English text past the limit is refused', async () => {
    const api = new ConsoleApi(a.gatewayUrl!);
    await api.signIn('ana');
    const sent = await api.call('POST', '/admin/events/ev/notice', { body: { text: '잠시 후 재개합니다', en: 'Resuming shortly' } });
    expect(sent.body.notice).toMatchObject({ id: 3, text: '잠시 후 재개합니다', en: 'Resuming shortly' });
    const notices = await Promise.all(clients.map((client) => client.waitFor('notice', (n) => n.id === 3, 3000)));
    for (const notice of notices)
      expect(notice).toEqual({ type: 'notice', e: 'ev', id: 3, text: '잠시 후 재개합니다', en: 'Resuming shortly', at: sent.body.notice.at });
    expect((await api.call('GET', '/admin/overview')).body.events[0].notice).toMatchObject({ text: '잠시 후 재개합니다', en: 'Resuming shortly' });

    const long = await api.call('POST', '/admin/events/ev/notice', { body: { text: '공지', en: 'x'.repeat(MAX_NOTICE_LENGTH + 1) } });
    expect([long.status, long.body.error.code]).toEqual([400, 'VALIDATION']);
  });
});
