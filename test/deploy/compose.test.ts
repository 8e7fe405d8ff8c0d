/**
 * deploy/compose.yaml checked against the code, since no container runtime runs it here: every service
 * runs a real npm script with real configuration variables, the health checks probe /livez on the port
 * the config gives each role, gateways get longer to stop than their drain, HAProxy's servers are the
 * gateway services and its address is in gateway.trustProxy, the Redis command passes the reservation
 * handler's durability check (a real redis-server started with it), the key files deploy/make-keys.sh
 * writes are the secrets the config names and load as keys, and the config file is valid.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createClient } from 'redis';
import { afterAll, describe, expect, it } from 'vitest';
import { grantPublicKeys, grantSigningKey, ticketKeyRing } from '../../server/config/keys.js';
import { parseConfig } from '../../server/config/load.js';
import { durabilityProblem, readDurability } from '../../server/store/redis/durability.js';
import { CONFIG_VARIABLES, npmScriptOf, parseYamlDocuments } from '../support/deploy-files.js';
import { freePort } from '../support/processes.js';

type Service = Record<string, any>;

const compose = parseYamlDocuments(readFileSync('deploy/compose.yaml', 'utf8'))[0] as {
  services: Record<string, Service>;
  secrets: Record<string, { file: string }>;
};
const services = compose.services;
const rawConfig = JSON.parse(readFileSync('deploy/compose/waitroom.json', 'utf8')) as Record<string, any>;
const dir = mkdtempSync(join(tmpdir(), 'waitroom-compose-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const GATEWAYS = ['gateway-1', 'gateway-2', 'gateway-3'];
const CONTROLLERS = ['controller-1', 'controller-2'];
/** Every service that runs Waitroom itself, its npm script and the port its health check must probe. */
const ROLES: { service: string; script: string; port?: () => number }[] = [
  ...GATEWAYS.map((service) => ({ service, script: 'gateway', port: () => rawConfig.gateway.port })),
  ...CONTROLLERS.map((service) => ({ service, script: 'controller', port: () => rawConfig.controller.port })),
  { service: 'reservations', script: 'reservations', port: () => rawConfig.reservations.port },
  { service: 'migrate', script: 'migrate' },
];

describe('deploy/compose.yaml', () => {
  it('runs Redis, PostgreSQL, the migration, HAProxy, 3 gateways, 2 controllers and the reservation handler', () => {
    expect(Object.keys(services).sort()).toEqual(['haproxy', 'migrate', 'postgres', 'redis', 'reservations', ...GATEWAYS, ...CONTROLLERS].sort());
  });

  it.each(ROLES)('$service runs `npm run $script` with real configuration variables', ({ service, script }) => {
    expect(npmScriptOf(services[service]!.command)).toBe(script);
    for (const variable of Object.keys(services[service]!.environment)) expect(CONFIG_VARIABLES).toContain(variable);
    expect(services[service]!.read_only).toBe(true);
    expect(services[service]!.tmpfs).toContain('/tmp');
  });

  it('runs the gateways without a controller inside, and gives every process its own NODE_ID', () => {
    for (const gateway of GATEWAYS) expect(services[gateway]!.command).toContain('--no-controller');
    const ids = ROLES.filter((role) => role.port).map((role) => services[role.service]!.environment.NODE_ID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(ROLES.filter((role) => role.port))('$service is health-checked on /livez at its port', ({ service, port }) => {
    const test = services[service]!.healthcheck.test as string[];
    expect(test.slice(0, 3)).toEqual(['CMD', 'node', 'deploy/probe.mjs']);
    expect(test[3]).toBe(`http://127.0.0.1:${port!()}/livez`);
  });

  it('gives gateways longer to stop than the drain window (+10 s)', () => {
    const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)![1]);
    for (const gateway of GATEWAYS) expect(seconds(services[gateway]!.stop_grace_period)).toBeGreaterThanOrEqual(rawConfig.gateway.drainSeconds + 10);
    expect(seconds(services.reservations!.stop_grace_period)).toBeGreaterThanOrEqual(30 + 10);
  });

  it('starts the roles after Redis is healthy and the migration has run, the migration after PostgreSQL', () => {
    for (const { service } of ROLES.filter((role) => role.port)) {
      expect(services[service]!.depends_on).toEqual({ redis: { condition: 'service_healthy' }, migrate: { condition: 'service_completed_successfully' } });
    }
    expect(services.migrate!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.migrate!.environment.BOOKINGS_URL).toBe(rawConfig.store.bookingsUrl);
  });

  it("puts HAProxy's fixed address in gateway.trustProxy and the gateway services behind it", () => {
    expect(rawConfig.gateway.trustProxy).toContain(services.haproxy!.networks.waitroom.ipv4_address);
    const shared = readFileSync('deploy/haproxy/haproxy.cfg', 'utf8');
    const servers = (backend: string) =>
      [
        ...shared
          .split(`backend ${backend}\n`)[1]!
          .split('\nbackend ')[0]!
          .matchAll(/^\s*server \S+ (\S+)$/gm),
      ].map((match) => match[1]);
    const gatewayAddresses = GATEWAYS.map((gateway) => `${gateway}:${rawConfig.gateway.port}`);
    expect(servers('gateways')).toEqual(gatewayAddresses);
    expect(servers('gateways_live')).toEqual(gatewayAddresses);
    expect(servers('reservations')).toEqual([`reservations:${rawConfig.reservations.port}`]);
  });

  it('runs Redis so that the reservation handler accepts its durability', async () => {
    const command = services.redis!.command as string[];
    expect(command[0]).toBe('redis-server');
    const port = await freePort();
    const redis = spawn('redis-server', [...command.slice(1), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''], { stdio: 'ignore' });
    try {
      const client = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: (retries) => (retries > 50 ? false : 100) } });
      client.on('error', () => {});
      await client.connect();
      expect(durabilityProblem('compose redis', await readDurability(client))).toBeNull();
      await client.quit();
    } finally {
      redis.kill('SIGTERM');
    }
  });

  it('names as secrets the key files deploy/make-keys.sh writes, which load as keys', () => {
    const keysDir = join(dir, 'keys');
    execFileSync('sh', ['deploy/make-keys.sh', keysDir], { stdio: 'pipe' });
    expect(() => execFileSync('sh', ['deploy/make-keys.sh', keysDir], { stdio: 'pipe' })).toThrow(/not overwriting/);
    const secretFiles = Object.fromEntries(Object.entries(compose.secrets).map(([name, { file }]) => [name, file]));
    for (const [name, file] of Object.entries(secretFiles)) expect(file).toBe(`./compose/keys/${name}`);
    // The config's file: paths are these secrets, mounted at /run/secrets/<name> in every Waitroom service.
    const local = (value: string) => value.replace(/^file:\/run\/secrets\//, `file:${keysDir}/`);
    const keys = rawConfig.keys;
    for (const value of [keys.grant.privateKeys.g1, keys.grant.publicKeys.g1, keys.ticket.secrets.t1]) {
      expect(Object.keys(secretFiles)).toContain(value.replace('file:/run/secrets/', ''));
    }
    for (const { service } of ROLES.filter((role) => role.port)) expect(services[service]!.secrets.sort()).toEqual(Object.keys(secretFiles).sort());
    const localKeys = {
      grant: { current: 'g1', privateKeys: { g1: local(keys.grant.privateKeys.g1) }, publicKeys: { g1: local(keys.grant.publicKeys.g1) } },
      ticket: { current: 't1', secrets: { t1: local(keys.ticket.secrets.t1) } },
    };
    expect(grantSigningKey(localKeys).privateKey.asymmetricKeyType).toBe('ed25519');
    expect(grantPublicKeys({ ...localKeys, grant: { ...localKeys.grant, privateKeys: {} } }).get('g1')?.asymmetricKeyType).toBe('ed25519');
    expect(ticketKeyRing(localKeys).keys.get('t1')?.length).toBe(32);
  });

  it('mounts a configuration the schema accepts', () => {
    const config = parseConfig({ ...rawConfig, eventsFile: 'deploy/compose/events.json' });
    expect(config.store.redisUrl).toBe('redis://redis:6379');
    expect(config.gateway.host).toBe('0.0.0.0');
  });
});
