/**
 * Which transport a real gateway process runs on, under the Node running the tests. Where the uWS package ships
 * a native binary for this Node (Node 20), the default `auto` runs on it and says so. Where it ships none (Node 22
 * and 24: .ci/node-versions runs this file there), `auto` falls back to ws with a warning naming the reason and
 * the fix and serves WebSocket clients over ws, and an explicit TRANSPORT=uws refuses to start (exit 2, the reason,
 * no stack trace). The real mechanism in both cases: the binary for process.versions.modules is there or is not.
 */
import { execFile } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { cleanUpProcesses, startNode, writeClusterConfig } from '../support/processes.js';
import { nativeUwsShipped } from '../support/transports.js';
import { TestClient } from '../support/ws-client.js';

afterAll(() => cleanUpProcesses());

/** The start-up line about the transport, parsed from the gateway's JSON log. */
function transportLine(output: string): { level: number; msg: string; transport: string; reason?: string } {
  const line = output.split('\n').find((l) => l.includes('"gateway transport: '));
  expect(line, output).toBeDefined();
  return JSON.parse(line!) as { level: number; msg: string; transport: string; reason?: string };
}

it(`the default transport (auto) on Node ${process.version}: ${nativeUwsShipped ? 'native uWS' : 'ws, with a warning at start-up'}, and a client queues over it`, async () => {
  const config = await writeClusterConfig();
  const gateway = await startNode({ role: 'gateway', name: 'auto-transport', configFile: config.path, noController: true });
  const line = transportLine(gateway.output());
  if (nativeUwsShipped) {
    expect(line).toMatchObject({ level: 30, transport: 'uws', msg: 'gateway transport: uWebSockets.js (native binary)' });
  } else {
    expect(line).toMatchObject({ level: 40, transport: 'ws' });
    expect(line.reason).toContain(`uws_linux_x64_${process.versions.modules}.node does not load on Node ${process.version}`);
    expect(line.msg).toContain('FALLING BACK to ws');
    expect(line.msg).toContain('docs/operations.md, "Node versions and the native transport"');
  }
  const health = (await (await fetch(`${gateway.url}/healthz`)).json()) as { transport: string };
  expect(health.transport).toBe(nativeUwsShipped ? 'uws' : 'ws');
  const client = await TestClient.connect(gateway.wsUrl);
  const ticket = await client.join('ev');
  expect(ticket.eventId).toBe('ev');
  await client.close();
}, 60_000);

it(`TRANSPORT=uws on Node ${process.version}: ${nativeUwsShipped ? 'starts on the native binary' : 'refuses to start, exit 2, naming the binary and the way out'}`, async () => {
  const config = await writeClusterConfig();
  if (nativeUwsShipped) {
    const gateway = await startNode({ role: 'gateway', name: 'uws-transport', configFile: config.path, noController: true, env: { TRANSPORT: 'uws' } });
    expect(transportLine(gateway.output())).toMatchObject({ level: 30, transport: 'uws' });
    return;
  }
  const env = { PATH: process.env.PATH, WAITROOM_CONFIG: config.path, TRANSPORT: 'uws', PORT: '0' };
  const { code, err } = await new Promise<{ code: unknown; err: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'server/main/start-gateway.ts', '--no-controller'], { env, timeout: 50_000 }, (error, _out, err) =>
      resolve({ code: error ? (error.code ?? error.signal) : 0, err }),
    );
  });
  expect(code, err).toBe(2);
  expect(err).toContain(
    `waitroom-gateway: the native uWebSockets.js binary uws_linux_x64_${process.versions.modules}.node does not load on Node ${process.version}`,
  );
  expect(err).toContain('Set TRANSPORT=auto (the default) or ws');
  expect(err).not.toMatch(/^\s+at /m);
}, 60_000);
