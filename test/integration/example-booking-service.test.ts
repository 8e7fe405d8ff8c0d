/**
 * examples/booking-service behind a real gateway: the example runs as its own child process
 * (plain `node`, importing '@waitroom/grant' by package name from the package's dist, built here
 * with tsc exactly as `npm run build -w @waitroom/grant` does), on a PostgreSQL database of its own,
 * with nothing but the gateway's JWKS URL. A person joins, is admitted, books once.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../server/main/child-node.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { cleanUpProcesses, freePort, startNode, writeClusterConfig, type ServingNode } from '../support/processes.js';
import { testEvent } from '../support/system.js';
import { TestClient } from '../support/ws-client.js';

interface Reply {
  status: number;
  code: string | undefined;
}

/** Starts the example; resolves once it logs that it listens (its output is kept for failure messages). */
async function startExample(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, ['examples/booking-service/server.mjs'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the example did not start:\n${output}`)), 15_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('booking service listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`the example exited (${code}):\n${output}`)));
  });
  await ready;
  return { child, output: () => output };
}

describe('examples/booking-service: a booking service of its own, protected by @waitroom/grant', () => {
  let db: TestDatabase;
  let gateway: ServingNode;
  let example: { child: ChildProcess; output: () => string };
  let bookUrl: string;
  let sql: pg.Client;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    // The package as an integrator gets it: dist/*.js and *.d.ts, not the TypeScript sources.
    await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'packages/grant/tsconfig.json'], { cwd: REPO_ROOT });
    db = await createTestDatabase();
    const config = await writeClusterConfig({ events: [testEvent({ maxActive: 10 })] });
    gateway = await startNode({ role: 'gateway', name: 'example-gateway', configFile: config.path });
    const port = await freePort();
    example = await startExample({
      DATABASE_URL: db.url,
      WAITROOM_JWKS_URL: `${gateway.url}/.well-known/jwks.json`,
      WAITROOM_EVENT_ID: 'ev',
      PORT: String(port),
    });
    bookUrl = `http://127.0.0.1:${port}/book`;
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await sql?.end();
    if (example && example.child.exitCode === null) {
      const exited = new Promise((resolve) => example.child.once('exit', resolve));
      example.child.kill('SIGTERM');
      const timer = setTimeout(() => example.child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await cleanUpProcesses();
    await db?.drop();
  });

  /** A person who joined at the real gateway and was admitted: their grant and client secret. */
  async function admittedPerson(): Promise<{ grant: string; secret: string }> {
    const client = await TestClient.connect(gateway.wsUrl);
    clients.push(client);
    await client.join('ev');
    return { grant: (await client.waitFor('admitted')).grant, secret: client.secret };
  }

  async function book(grant: string, secret: string): Promise<Reply> {
    const response = await fetch(bookUrl, { method: 'POST', body: JSON.stringify({ grant, secret, name: 'Kim Minji', slot: '2026-07-26T09:00' }) });
    const body = (await response.json()) as { error?: { code: string } };
    return { status: response.status, code: body.error?.code };
  }

  const bookingsOf = async (gid: string) => Number((await sql.query('SELECT count(*) FROM bookings WHERE grant_id = $1', [gid])).rows[0].count);
  const gidOf = (grant: string) => JSON.parse(Buffer.from(grant.split('.')[1]!, 'base64url').toString()).gid as string;

  it('books once with a real grant (201 and one row); the same grant again is 409 GRANT_USED and still one row', async () => {
    const { grant, secret } = await admittedPerson();
    expect(await book(grant, secret)).toEqual({ status: 201, code: undefined });
    expect(await bookingsOf(gidOf(grant))).toBe(1);
    expect(await book(grant, secret)).toEqual({ status: 409, code: 'GRANT_USED' });
    expect(await bookingsOf(gidOf(grant))).toBe(1);
    const consumed = await sql.query('SELECT event_id, grant_id FROM waitroom_consumed_grants');
    expect(consumed.rows).toEqual([{ event_id: 'ev', grant_id: gidOf(grant) }]);
  });

  it('refuses a tampered grant, a wrong secret and garbage with their codes, and books nothing', async () => {
    const { grant, secret } = await admittedPerson();
    const [header, payload, signature] = grant.split('.') as [string, string, string];
    const flipped = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { n: number };
    const otherTicket = `${header}.${Buffer.from(JSON.stringify({ ...claims, n: claims.n + 1 })).toString('base64url')}.${signature}`;
    expect(await book(flipped, secret)).toEqual({ status: 401, code: 'GRANT_INVALID_SIGNATURE' });
    expect(await book(otherTicket, secret)).toEqual({ status: 401, code: 'GRANT_INVALID_SIGNATURE' });
    expect(await book(grant, `${secret}x`)).toEqual({ status: 403, code: 'GRANT_WRONG_SECRET' });
    expect(await book('not.a.grant', secret)).toEqual({ status: 401, code: 'GRANT_MALFORMED' });
    expect(await bookingsOf(gidOf(grant))).toBe(0);
    // Refusals consumed nothing: the genuine request still books.
    expect((await book(grant, secret)).status).toBe(201);
  });

  it('50 concurrent redemptions of one grant give exactly one booking', async () => {
    const { grant, secret } = await admittedPerson();
    const replies = await Promise.all(Array.from({ length: 50 }, () => book(grant, secret)));
    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(replies.filter((reply) => reply.status === 409 && reply.code === 'GRANT_USED')).toHaveLength(49);
    expect(await bookingsOf(gidOf(grant))).toBe(1);
    expect(example.output()).not.toMatch(/booking failed/);
  });
});
