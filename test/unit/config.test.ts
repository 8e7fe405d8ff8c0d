import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeys, grantPublicKeys, grantSigningKey, ticketKeyRing } from '../../server/config/keys.js';
import { loadConfig, parseConfig } from '../../server/config/load.js';
import { signGrant, verifyGrant } from '../../shared/tokens/grant.js';
import { signTicket, verifyTicket } from '../../shared/tokens/ticket.js';
import { problemsOf } from '../support/config-problems.js';

const dir = mkdtempSync(join(tmpdir(), 'waitroom-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const slot = (id: string, capacity = 5) => ({ id, label: id, capacity });
function event(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    title: `Event ${id}`,
    opensAt: '2021-07-19T20:00:00+09:00',
    closesAt: '2021-07-20T18:00:00+09:00',
    maxActive: 100,
    admitsPerMinute: 600,
    centers: [{ id: 'seoul', name: 'Seoul', slots: [slot('0900')] }],
    ...overrides,
  };
}
const valid = () => ({ keys: generateKeys(), events: [event('vaccine-53')] });

describe('parseConfig', () => {
  it('parses a valid config with defaults and ISO instants', () => {
    const config = parseConfig(valid());
    expect(config.gateway).toMatchObject({ host: '127.0.0.1', port: 8080, transport: 'auto', tickMs: 1000 });
    expect(config.store.kind).toBe('memory');
    expect(config.events[0]!.opensAt).toBe(Date.UTC(2021, 6, 19, 11));
    expect(config.events[0]!.grantTtlSeconds).toBe(600);
  });

  it('returns a deeply frozen object', () => {
    const config = parseConfig(valid());
    for (const part of [config, config.gateway, config.keys.grant.privateKeys, config.events, config.events[0]!.centers[0]!.slots[0]!]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (config.gateway as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('reports every problem of one config at once, each with its path', () => {
    const centers = [{ id: 'c', name: 'C', slots: [slot('a', 0), slot('b'), slot('b')] }];
    const problems = problemsOf(() =>
      parseConfig({ ...valid(), events: [event('a', { closesAt: '2021-07-19T19:00:00+09:00' }), event('a'), event('b', { centers })] }),
    );
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^events\.0\.closesAt: closesAt must be after opensAt/),
        expect.stringMatching(/^events\.1\.id: duplicate id "a"/),
        expect.stringMatching(/^events\.2\.centers\.0\.slots\.0\.capacity: /),
        expect.stringMatching(/^events\.2\.centers\.0\.slots\.2\.id: duplicate id "b"/),
      ]),
    );
  });

  it('throttles operator sign-ins by default, and refuses a lockout that would outlive its count', () => {
    expect(parseConfig(valid()).admin.signInThrottle).toEqual({
      accountFreeFailures: 5,
      addressFreeFailures: 20,
      firstLockoutSeconds: 30,
      maxLockoutSeconds: 900,
      forgetAfterSeconds: 86_400,
    });
    const problems = problemsOf(() =>
      parseConfig({ ...valid(), admin: { signInThrottle: { firstLockoutSeconds: 60, maxLockoutSeconds: 30, forgetAfterSeconds: 60 } } }),
    );
    expect(problems).toEqual([expect.stringMatching(/^admin\.signInThrottle\.maxLockoutSeconds: must be at least firstLockoutSeconds/)]);
    const outliving = problemsOf(() => parseConfig({ ...valid(), admin: { signInThrottle: { maxLockoutSeconds: 7200, forgetAfterSeconds: 3600 } } }));
    expect(outliving).toEqual([expect.stringMatching(/^admin\.signInThrottle\.forgetAfterSeconds: must be at least maxLockoutSeconds/)]);
  });

  it('reports a bad transport together with problems inside events', () => {
    const centers = [{ id: 'c', name: 'C', slots: [slot('a', 0), slot('a')] }];
    const problems = problemsOf(() => parseConfig({ ...valid(), gateway: { transport: 'tcp' }, events: [event('a', { closesAt: 1, centers })] }));
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['gateway.transport', 'events.0.closesAt', 'events.0.centers.0.slots.0.capacity', 'events.0.centers.0.slots.1.id']),
    );
  });

  it('still runs the cross-field checks when a field has the wrong type', () => {
    const centers = [{ id: 'c', name: 'C', slots: [{ id: 's', label: 's', capacity: 'x' }] }];
    const keys = { ...generateKeys('k1'), ticket: { current: 'k2', secrets: { k1: randomBytes(32).toString('base64') } } };
    const problems = problemsOf(() =>
      parseConfig({ ...valid(), keys, logLevel: 'loud', events: [event('a', { closesAt: 1, centers }), event('a'), event('b', { opensAt: 'tomorrow' })] }),
    );
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(
      ['events.0.centers.0.slots.0.capacity', 'events.0.closesAt', 'events.1.id', 'events.2.opensAt', 'keys.ticket.current', 'logLevel'].sort(),
    );
  });

  it('rejects a ticket key ring without a secret for its current id, and no events', () => {
    const keys = { ...generateKeys('k1'), ticket: { current: 'k2', secrets: { k1: randomBytes(32).toString('base64') } } };
    expect(problemsOf(() => parseConfig({ keys, events: [event('a')] }))).toEqual([expect.stringMatching(/^keys\.ticket\.current: /)]);
    expect(problemsOf(() => parseConfig({ keys: generateKeys(), events: [] }))).toEqual([expect.stringMatching(/^events: /)]);
  });

  it('rejects a reservation header timeout longer than the request timeout it is part of', () => {
    expect(parseConfig(valid()).reservations).toMatchObject({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 10_000,
    });
    const reservations = { headersTimeoutMs: 20_000, requestTimeoutMs: 10_000 };
    expect(problemsOf(() => parseConfig({ ...valid(), reservations }))).toEqual([expect.stringMatching(/^reservations\.headersTimeoutMs: /)]);
  });
});

describe('loadConfig', () => {
  it('applies environment overrides, coercing numbers and ignoring empty values', () => {
    const config = loadConfig(valid(), { PORT: '9090', STORE: 'redis', TRANSPORT: 'ws', HOST: '', TICK_MS: '250' });
    expect(config.gateway).toMatchObject({ port: 9090, transport: 'ws', host: '127.0.0.1', tickMs: 250 });
    expect(config.store.kind).toBe('redis');
  });

  it('allows unsafe booking durability only when asked: off by default, WAITROOM_ALLOW_UNSAFE_DURABILITY=1 or the file', () => {
    expect(loadConfig(valid(), {}).bookings.allowUnsafeDurability).toBe(false);
    expect(loadConfig(valid(), { WAITROOM_ALLOW_UNSAFE_DURABILITY: '1' }).bookings.allowUnsafeDurability).toBe(true);
    expect(parseConfig({ ...valid(), bookings: { allowUnsafeDurability: true } }).bookings.allowUnsafeDurability).toBe(true);
    expect(problemsOf(() => loadConfig(valid(), { WAITROOM_ALLOW_UNSAFE_DURABILITY: 'yes' }))).toEqual([
      expect.stringMatching(/^bookings\.allowUnsafeDurability \(from WAITROOM_ALLOW_UNSAFE_DURABILITY\): /),
    ]);
  });

  it('waits for booking replicas only where bookings are in Redis: WAITROOM_BOOKING_REPLICAS, 0 by default', () => {
    expect(loadConfig(valid(), {}).store).toMatchObject({ bookingReplicas: 0, bookingReplicaTimeoutMs: 1000 });
    const redis = { STORE: 'redis', WAITROOM_BOOKING_REPLICAS: '1', WAITROOM_BOOKING_REPLICA_TIMEOUT_MS: '500' };
    expect(loadConfig(valid(), redis).store).toMatchObject({ bookingReplicas: 1, bookingReplicaTimeoutMs: 500 });
    const elsewhere = /^store\.bookingReplicas \(from WAITROOM_BOOKING_REPLICAS\): bookingReplicas applies to bookings kept in Redis/;
    expect(problemsOf(() => loadConfig(valid(), { WAITROOM_BOOKING_REPLICAS: '1' }))).toEqual([expect.stringMatching(elsewhere)]);
    expect(problemsOf(() => loadConfig(valid(), { ...redis, BOOKINGS_URL: 'postgres://db/waitroom' }))).toEqual([expect.stringMatching(elsewhere)]);
  });

  it('keeps bookings with the queue store unless BOOKINGS_URL names a PostgreSQL database', () => {
    expect(loadConfig(valid(), {}).store.bookingsUrl).toBeUndefined();
    expect(loadConfig(valid(), { BOOKINGS_URL: 'postgres://app@db:5432/waitroom' }).store).toMatchObject({
      kind: 'memory',
      bookingsUrl: 'postgres://app@db:5432/waitroom',
    });
    expect(problemsOf(() => loadConfig(valid(), { BOOKINGS_URL: 'mysql://db/waitroom' }))).toEqual([
      expect.stringMatching(/^store\.bookingsUrl \(from BOOKINGS_URL\): .*postgres:\/\//),
    ]);
  });

  it('takes the keys from WAITROOM_KEYS as JSON, and names it when the JSON is bad', () => {
    const keys = generateKeys('from-env');
    const { keys: _fileKeys, ...rest } = valid();
    expect(loadConfig(rest, { WAITROOM_KEYS: JSON.stringify(keys) }).keys.grant.current).toBe('from-env');
    expect(problemsOf(() => loadConfig(rest, { WAITROOM_KEYS: '{' }))).toEqual([expect.stringMatching(/^WAITROOM_KEYS: not valid JSON/)]);
  });

  it('reports a bad environment value by its config path and the variable that set it', () => {
    expect(
      problemsOf(() => loadConfig(valid(), { TRANSPORT: 'tcp', PORT: '70000' }))
        .map((p) => p.split(':')[0])
        .sort(),
    ).toEqual(['gateway.port (from PORT)', 'gateway.transport (from TRANSPORT)']);
    // The same bad value from the file is named by its path alone.
    const path = join(dir, 'bad-port.json');
    writeFileSync(path, JSON.stringify({ gateway: { port: 70000 } }));
    expect(problemsOf(() => loadConfig(valid(), { WAITROOM_CONFIG: path })).map((p) => p.split(':')[0])).toEqual(['gateway.port']);
    // A problem inside keys given as WAITROOM_KEYS names that variable.
    const { keys: _fileKeys, ...rest } = valid();
    const keys = { ...generateKeys(), grant: { current: 'bad id!', privateKeys: {} } };
    expect(problemsOf(() => loadConfig(rest, { WAITROOM_KEYS: JSON.stringify(keys) }))).toEqual([
      expect.stringMatching(/^keys\.grant\.current \(from WAITROOM_KEYS\): key ids are/),
    ]);
  });

  it('merges the WAITROOM_CONFIG file over the base, and the environment over both', () => {
    const base = { ...valid(), gateway: { port: 1000, tickMs: 500 } };
    const path = join(dir, 'waitroom.json');
    writeFileSync(path, JSON.stringify({ gateway: { port: 7000, host: '0.0.0.0' }, events: [event('from-file')] }));
    const fromFile = loadConfig(base, { WAITROOM_CONFIG: path });
    expect(fromFile.gateway).toMatchObject({ port: 7000, host: '0.0.0.0', tickMs: 500 });
    expect(fromFile.events.map((e) => e.id)).toEqual(['from-file']);
    expect(loadConfig(base, { WAITROOM_CONFIG: path, PORT: '9090' }).gateway.port).toBe(9090);
    expect(base.gateway.port).toBe(1000);
  });

  it('reports a missing file, invalid JSON and a non-object top level', () => {
    expect(problemsOf(() => loadConfig(valid(), { WAITROOM_CONFIG: join(dir, 'missing.json') }))).toEqual([
      expect.stringMatching(/^WAITROOM_CONFIG: cannot read /),
    ]);
    for (const [name, text] of [
      ['broken.json', '{"gateway": '],
      ['array.json', '[1, 2]'],
    ] as const) {
      writeFileSync(join(dir, name), text);
      expect(problemsOf(() => loadConfig(valid(), { WAITROOM_CONFIG: join(dir, name) }))).toEqual([expect.stringContaining('not valid JSON')]);
    }
  });
});

describe('keys', () => {
  it('give a signing key whose grants verify with the derived public keys', async () => {
    const { keys } = parseConfig(valid());
    const signing = grantSigningKey(keys);
    expect(signing.kid).toBe('demo');
    const claims = { e: 'demo', n: 1, sh: 'x'.repeat(43), iat: 0, exp: 2000, gid: 'g' };
    expect(await verifyGrant(signGrant(signing, claims), grantPublicKeys(keys), 1000)).toMatchObject({ ok: true, kid: 'demo' });
  });

  it('read configured public keys and file: references', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const path = join(dir, 'grant.pub.pem');
    writeFileSync(path, publicKey.export({ type: 'spki', format: 'pem' }));
    const keys = { grant: { current: 'k2', privateKeys: {}, publicKeys: { k2: `file:${path}` } } };
    expect([...grantPublicKeys(keys).keys()]).toEqual(['k2']);
    expect(problemsOf(() => grantPublicKeys({ grant: { current: 'k', privateKeys: {}, publicKeys: {} } }))).toHaveLength(1);
  });

  it('refuse a missing current private key, a non-Ed25519 key and an unparsable key', () => {
    const keys = generateKeys('k1');
    expect(problemsOf(() => grantSigningKey({ ...keys, grant: { ...keys.grant, current: 'k2' } }))).toEqual([
      expect.stringMatching(/^keys\.grant\.privateKeys\.k2: /),
    ]);
    const x25519 = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(problemsOf(() => grantSigningKey({ ...keys, grant: { ...keys.grant, privateKeys: { k1: x25519 } } }))).toEqual([
      'keys.grant.privateKeys.k1: must be an Ed25519 key',
    ]);
    expect(problemsOf(() => grantPublicKeys({ ...keys, grant: { ...keys.grant, privateKeys: { k1: 'not a pem' } } }))).toEqual([
      expect.stringMatching(/^keys\.grant\.privateKeys\.k1: not a usable key/),
    ]);
  });

  it('build a ticket key ring that signs and verifies, refusing short or missing secrets', () => {
    const keys = generateKeys('t1');
    const ring = ticketKeyRing(keys);
    expect(ring.current).toBe('t1');
    const claims = { e: 'demo', n: 1, sh: 'x'.repeat(43), pk: 'k'.repeat(43), iat: 0, exp: 2000 };
    expect(verifyTicket(signTicket(ring, claims), ring, 1000).ok).toBe(true);
    const short = { ...keys, ticket: { current: 't1', secrets: { t1: randomBytes(31).toString('base64') } } };
    expect(problemsOf(() => ticketKeyRing(short))).toEqual([expect.stringMatching(/^keys\.ticket\.secrets\.t1: needs at least 32 bytes/)]);
    expect(problemsOf(() => ticketKeyRing({ grant: keys.grant }))).toEqual([expect.stringMatching(/^keys\.ticket: /)]);
  });

  it('generate distinct keys on every call', () => {
    const [a, b] = [generateKeys(), generateKeys()];
    expect(a.grant.privateKeys.demo).not.toBe(b.grant.privateKeys.demo);
    expect(a.ticket!.secrets.demo).not.toBe(b.ticket!.secrets.demo);
    expect(Buffer.from(a.ticket!.secrets.demo!, 'base64')).toHaveLength(32);
  });
});
