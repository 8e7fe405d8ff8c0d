/**
 * The nginx config the peers bench runs Nchan with (bench/peers/nchan.ts),
 * checked by Debian's nginx itself (`nginx -t`). Needs nginx and
 * libnginx-mod-nchan installed (.ci/run installs them).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NCHAN_MODULE, NGINX, renderNginxConfig, testNginxConfig, writeNginxConfig } from '../../bench/peers/nchan.js';

let prefix = '';
beforeAll(async () => {
  if (!existsSync(NGINX) || !existsSync(NCHAN_MODULE)) throw new Error(`${NGINX} and ${NCHAN_MODULE} are needed: apt-get install nginx libnginx-mod-nchan`);
  prefix = await mkdtemp(join(tmpdir(), 'waitroom-nginx-test-'));
});
afterAll(async () => {
  if (prefix) await rm(prefix, { recursive: true, force: true });
});

describe('the Nchan nginx config', () => {
  it('passes nginx -t with the Nchan module loaded', async () => {
    const file = await writeNginxConfig({ prefix, port: 18_081, workers: 3, openFiles: 20_000 });
    const result = testNginxConfig(prefix, file);
    expect(result.output).toMatch(/syntax is ok/);
    expect(result.ok).toBe(true);
  });

  it('sizes the workers: their count, open files, and connections less a reserve', () => {
    const text = renderNginxConfig({ prefix, port: 18_081, workers: 6, openFiles: 20_000 });
    expect(text).toMatch(/^worker_processes 6;$/m);
    expect(text).toMatch(/^worker_rlimit_nofile 20000;$/m);
    expect(text).toMatch(/^\s+worker_connections 19900;$/m);
    expect(text).toMatch(/^\s+listen 127\.0\.0\.1:18081 reuseport;$/m);
    expect(text).not.toContain('/etc/nginx');
  });

  it('is refused by nginx when a directive is wrong (the check is real)', async () => {
    const file = await writeNginxConfig({ prefix, port: 18_082, workers: 1, openFiles: 1000 });
    const { writeFile, readFile } = await import('node:fs/promises');
    await writeFile(file, (await readFile(file, 'utf8')).replace('nchan_subscriber websocket;', 'nchan_subscriber carrier-pigeon;'));
    const result = testNginxConfig(prefix, file);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/carrier-pigeon/);
  });

  it('refuses impossible sizes before nginx sees them', () => {
    expect(() => renderNginxConfig({ prefix, port: 1, workers: 0, openFiles: 20_000 })).toThrow(/workers/);
    expect(() => renderNginxConfig({ prefix, port: 70_000, workers: 1, openFiles: 20_000 })).toThrow(/port/);
    expect(() => renderNginxConfig({ prefix, port: 1, workers: 1, openFiles: 50 })).toThrow(/openFiles/);
  });
});
