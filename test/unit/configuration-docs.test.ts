/**
 * docs/configuration.md is made from the schema (tools/config-reference/): it fails here when it is stale or a
 * field has no description. deploy/waitroom.example.json parses with the real schema, and its `file:` keys load
 * once the paths point at generated keys.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeys, grantPublicKeys, grantSigningKey, ticketKeyRing } from '../../server/config/keys.js';
import { ENV_PATHS, loadConfig } from '../../server/config/load.js';
import { configFields, configReference, undescribedFields } from '../../tools/config-reference/reference.js';

const dir = mkdtempSync(join(tmpdir(), 'waitroom-config-docs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('docs/configuration.md', () => {
  it('is what npm run config-reference writes now', () => {
    expect(readFileSync('docs/configuration.md', 'utf8'), 'stale: run npm run config-reference').toBe(configReference());
  });

  it('describes every field of the schema', () => {
    expect(configFields().length).toBeGreaterThan(100);
    expect(undescribedFields()).toEqual([]);
  });

  it('names the variable of every field one sets, and every variable sets a field of the schema', () => {
    const fields = new Map(configFields().map((field) => [field.path, field]));
    for (const [name, path] of Object.entries(ENV_PATHS)) expect(fields.get(path.join('.'))?.variable, name).toBe(name);
    expect(readFileSync('docs/configuration.md', 'utf8')).toMatch(/\| `store\.bookingsUrl` \| string \|[^\n]*\| `BOOKINGS_URL` \|/);
  });
});

describe('deploy/waitroom.example.json', () => {
  it('parses with the real schema, and its file: keys load', () => {
    const example = readFileSync('deploy/waitroom.example.json', 'utf8');
    const keys = generateKeys('k');
    const files: Record<string, string> = {
      '/etc/waitroom/keys/grant-g1.pem': keys.grant.privateKeys.k!,
      '/etc/waitroom/keys/grant-g1.pub.pem': createPublicKey(createPrivateKey(keys.grant.privateKeys.k!)).export({ type: 'spki', format: 'pem' }).toString(),
      '/etc/waitroom/keys/ticket-t1.secret': keys.ticket!.secrets.k!,
      '/etc/waitroom/events.json': readFileSync('test/fixtures/events/incident-both.json', 'utf8'),
    };
    let text = example;
    for (const [path, content] of Object.entries(files)) {
      const local = join(dir, path.replaceAll('/', '_'));
      writeFileSync(local, content);
      expect(text, path).toContain(path);
      text = text.replaceAll(path, local);
    }
    const file = join(dir, 'waitroom.json');
    writeFileSync(file, text);
    const config = loadConfig({}, { WAITROOM_CONFIG: file });
    expect(config.gateway.host).toBe('0.0.0.0');
    expect(config.gateway.trustProxy).toEqual(['10.0.0.0/8']);
    expect(config.store).toMatchObject({ kind: 'redis', bookingsUrl: expect.stringMatching(/^postgres:\/\//) });
    expect(config.events.length).toBeGreaterThan(0);
    expect(grantSigningKey(config.keys).kid).toBe('g1');
    expect([...grantPublicKeys(config.keys).keys()]).toEqual(['g1']);
    expect(ticketKeyRing(config.keys).current).toBe('t1');
  });
});
