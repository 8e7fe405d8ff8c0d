/**
 * The peers scenario's table (bench/scenarios/peers.ts) in Markdown, as the
 * README shows it; `npm run bench -- --scenario peers` prints it at the end.
 *
 *   node --import tsx bench/report/peers-table.ts bench/results/2026-12-04-peers.json
 */
import { readFile } from 'node:fs/promises';
import type { PeerRow, PeersResult } from '../scenarios/peers.js';

const NAMES: Record<PeerRow['peer'], string> = { waitroom: 'Waitroom gateway', uws: 'bare uWS (floor)', soketi: 'Soketi', nchan: 'Nchan (nginx)' };

function bytes(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function peersTable(result: PeersResult): string {
  const floor = result.rows.find((row) => row.peer === 'uws');
  const lines = [
    `${result.scale.clients.toLocaleString('en-US')} connections on ${result.scale.processes} server process(es) each, ${result.frameBytes}-byte frames once a second, ${result.scale.windowSeconds}-s window.`,
    '',
    '| server | held (failed) | Rss B/conn | Pss B/conn | kernel TCP mem B/conn | CPU µs/frame | × floor | frames/conn/s | lag p50 / p99 ms | load avg |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of result.rows) {
    const ratio = floor ? fixed(row.cpu.usPerFrame / floor.cpu.usPerFrame, 2) : 'n/a';
    lines.push(
      `| ${NAMES[row.peer]} | ${row.connections.held.toLocaleString('en-US')} (${row.connections.failed}) | ${bytes(row.memory.rssBytesPerConn)} | ${bytes(row.memory.pssBytesPerConn)} | ` +
        `${bytes(row.kernel.tcpMemBytesPerConn)} | ${fixed(row.cpu.usPerFrame, 1)} | ${ratio} | ${fixed(row.frames.perClientPerSecond, 2)} | ` +
        `${fixed(row.lagMs.p50, 0)} / ${fixed(row.lagMs.p99, 0)} | ${row.loadAverage ? row.loadAverage.join('→') : 'n/a'} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? 'bench/results/latest.json';
  const results = JSON.parse(await readFile(file, 'utf8')) as { peers?: PeersResult };
  if (!results.peers) {
    console.error(`${file} has no peers results (run npm run bench -- --scenario peers)`);
    process.exit(1);
  }
  console.log(peersTable(results.peers));
}
