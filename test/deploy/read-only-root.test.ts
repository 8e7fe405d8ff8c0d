/**
 * What the manifests' read-only root needs, shown with a real gateway: run as an unprivileged user (as in
 * the image, uid 1000 there, 65534 here) that cannot write to the repository, it starts, serves the built
 * pages and the SDK when /tmp is writable, and does not start at all when it is not (tsx, the TypeScript
 * loader, keeps its cache there). Hence the emptyDir on /tmp in deploy/k8s and the tmpfs in compose.yaml.
 * It also runs the containers' health check, deploy/probe.mjs, against it. Needs root here to switch users (setpriv); it fails loudly otherwise.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeys } from '../../server/config/keys.js';
import { freePort } from '../support/processes.js';
import { testEvent } from '../support/system.js';

const NOBODY = 65534;
const dir = mkdtempSync(join(tmpdir(), 'waitroom-readonly-'));
chmodSync(dir, 0o755);
const configFile = join(dir, 'waitroom.json');
writeFileSync(configFile, JSON.stringify({ store: { kind: 'memory' }, keys: generateKeys('ro'), events: [testEvent()] }));
chmodSync(configFile, 0o644);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function asNobody(tmp: string, port: number) {
  return spawn(
    'setpriv',
    [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'node', '--import', 'tsx', 'server/main/start-gateway.ts', '--no-controller'],
    { env: { ...process.env, TMPDIR: tmp, WAITROOM_CONFIG: configFile, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

describe('a gateway on a read-only root', () => {
  it('cannot write to the repository as that user (the premise)', () => {
    const probe = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'touch', 'dist/client/.write-test'], { encoding: 'utf8' });
    expect(probe.error).toBeUndefined();
    expect(probe.status).not.toBe(0);
  });

  it('does not start without a writable /tmp', async () => {
    const readOnly = join(dir, 'ro-tmp');
    mkdirSync(readOnly, { mode: 0o555 });
    const child = asNobody(readOnly, await freePort());
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(output).toMatch(/EACCES: permission denied, mkdir '.*ro-tmp\/tsx-65534'/);
  });

  it('starts and serves the built pages and the SDK with only /tmp writable', async () => {
    const writable = join(dir, 'tmp');
    mkdirSync(writable, { mode: 0o700 });
    chownSync(writable, NOBODY, NOBODY);
    const port = await freePort();
    const child = asNobody(writable, port);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 20_000;
      while (!output.includes('gateway listening') && Date.now() < deadline && child.exitCode === null)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(output).toContain('gateway listening');
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/sdk/waitroom.js`)).status).toBe(200);
      // The containers' health check (deploy/probe.mjs): 0 on a 200, 1 on anything else or no answer.
      const probe = (url: string) => spawnSync('node', ['deploy/probe.mjs', url], { encoding: 'utf8' }).status;
      expect(probe(`http://127.0.0.1:${port}/`)).toBe(0);
      expect(probe(`http://127.0.0.1:${port}/no-such-page`)).toBe(1);
      expect(probe(`http://127.0.0.1:${await freePort()}/livez`)).toBe(1);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(null)));
    }
  });
});
