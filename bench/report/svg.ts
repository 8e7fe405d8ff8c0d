/**
 * The benchmark's chart, as one self-contained SVG (no scripts, no fonts to
 * fetch): four time series of the run (connections, gateway RSS, update lag,
 * admissions) and ratio bars against the baselines measured in the same run.
 *
 *   node --import tsx bench/report/svg.ts bench/results/latest.json   # rewrites latest.svg next to it
 */
import { readFile, writeFile } from 'node:fs/promises';

interface Series {
  title: string;
  unit: string;
  points: [number, number][];
  second?: { label: string; points: [number, number][] };
  firstLabel?: string;
}

interface Bar {
  label: string;
  value: number;
  baseline: number;
  target: string;
}

const WIDTH = 960;
/** Samples further apart than this many times a series' usual spacing are not joined by a line. */
const GAP_FACTOR = 2.5;
const PANEL_W = 440;
const PANEL_H = 180;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= value)!;
}

function format(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(1)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(value >= 1e4 ? 0 : 1)}k`;
  return `${Math.round(value * 10) / 10}`;
}

function panel(series: Series, x: number, y: number): string {
  const all = [...series.points, ...(series.second?.points ?? [])];
  const maxT = Math.max(1, ...all.map(([t]) => t));
  const maxV = niceMax(Math.max(0, ...all.map(([, v]) => v)));
  const px = (t: number) => x + 50 + (t / maxT) * (PANEL_W - 60);
  const py = (v: number) => y + PANEL_H - 25 - (v / maxV) * (PANEL_H - 50);
  // A pause in sampling (no system up, e.g. between parts of the run) breaks the line instead of bridging it.
  const path = (points: [number, number][]) => {
    const spacing = points
      .slice(1)
      .map(([t], k) => t - points[k]![0])
      .sort((a, b) => a - b);
    const gap = GAP_FACTOR * (spacing[Math.floor(spacing.length / 2)] ?? Infinity);
    return points.map(([t, v], k) => `${k === 0 || t - points[k - 1]![0] > gap ? 'M' : 'L'}${px(t).toFixed(1)},${py(v).toFixed(1)}`).join(' ');
  };
  const parts = [
    `<text x="${x + 50}" y="${y + 14}" class="title">${escape(series.title)} (${escape(series.unit)})</text>`,
    `<line x1="${x + 50}" y1="${py(0)}" x2="${x + PANEL_W - 10}" y2="${py(0)}" class="axis"/>`,
    `<line x1="${x + 50}" y1="${py(0)}" x2="${x + 50}" y2="${py(maxV)}" class="axis"/>`,
    `<text x="${x + 45}" y="${py(maxV) + 4}" class="tick" text-anchor="end">${format(maxV)}</text>`,
    `<text x="${x + 45}" y="${py(0) + 4}" class="tick" text-anchor="end">0</text>`,
    `<text x="${x + PANEL_W - 10}" y="${py(0) + 16}" class="tick" text-anchor="end">${format(maxT)} s</text>`,
  ];
  if (series.points.length > 0) parts.push(`<path d="${path(series.points)}" class="line one"/>`);
  if (series.second && series.second.points.length > 0) {
    parts.push(`<path d="${path(series.second.points)}" class="line two"/>`);
    parts.push(`<text x="${x + PANEL_W - 10}" y="${y + 14}" class="legend two" text-anchor="end">${escape(series.second.label)}</text>`);
    parts.push(`<text x="${x + PANEL_W - 70}" y="${y + 14}" class="legend one" text-anchor="end">${escape(series.firstLabel ?? '')}</text>`);
  }
  if (series.points.length === 0) parts.push(`<text x="${x + 60}" y="${y + PANEL_H / 2}" class="tick">not measured in this run</text>`);
  return parts.join('\n');
}

function bars(items: Bar[], x: number, y: number): string {
  const rowH = 34;
  // Bars are drawn up to 4× (the targets live between 1 and 3); a longer one is cut and says so.
  const maxRatio = 4;
  const scale = (PANEL_W * 2 - 420) / maxRatio;
  const parts = [`<text x="${x}" y="${y + 14}" class="title">Ratios against the baselines measured in the same run (1 = the baseline)</text>`];
  items.forEach((item, k) => {
    const ratio = item.value / item.baseline;
    const top = y + 26 + k * rowH;
    parts.push(`<text x="${x}" y="${top + 16}" class="tick">${escape(item.label)}</text>`);
    if (!Number.isFinite(ratio)) {
      parts.push(`<text x="${x + 300}" y="${top + 16}" class="tick">not measured</text>`);
      return;
    }
    const shown = Math.min(ratio, maxRatio);
    parts.push(`<rect x="${x + 300}" y="${top + 4}" width="${(shown * scale).toFixed(1)}" height="18" class="bar"/>`);
    parts.push(`<line x1="${x + 300 + scale}" y1="${top}" x2="${x + 300 + scale}" y2="${top + 26}" class="one-line"/>`);
    const cut = ratio > maxRatio ? ', bar cut' : '';
    parts.push(`<text x="${x + 306 + shown * scale}" y="${top + 17}" class="tick">${ratio.toFixed(2)}× (${escape(item.target)}${cut})</text>`);
  });
  return parts.join('\n');
}

// The JSON's shape is bench/run.ts's; read loosely, as an older file may lack parts.
type Results = Record<string, any>;

function perConnection(fanout: Results | undefined): number | undefined {
  return fanout?.tickMs?.p50 !== undefined && fanout.connectionsPerNode ? fanout.tickMs.p50 / fanout.connectionsPerNode : undefined;
}

export function renderSvg(results: Results): string {
  const timeline: { t: number; connections: number; gatewayRssBytes: number; admitted: number }[] = results.timeline ?? [];
  const lag: [number, number, number][] = results.hold?.lagOverTime ?? [];
  const series: Series[] = [
    { title: 'Open connections, all gateways', unit: 'count', points: timeline.map((s) => [s.t, s.connections]) },
    { title: 'Gateway RSS, all gateways', unit: 'bytes', points: timeline.map((s) => [s.t, s.gatewayRssBytes]) },
    {
      title: 'Update lag during the hold window',
      unit: 'ms',
      firstLabel: 'p50',
      points: lag.map(([t, p50]) => [t, p50]),
      second: { label: 'p99', points: lag.map(([t, , p99]) => [t, p99]) },
    },
    { title: 'Admitted in the drain', unit: 'people', points: timeline.map((s) => [s.t, s.admitted]) },
  ];
  const ratioBars: Bar[] = [
    { label: 'fan-out CPU per tick / bare uWS', value: results.fanout?.tickMs?.p50, baseline: results.fanout?.floorMs?.p50, target: '≤ 1.3' },
    { label: 'ws RSS per connection / uWS', value: results.ws?.hold?.rssBytesPerConn, baseline: results.hold?.rssBytesPerConn, target: '≥ 3' },
    // Per connection: the ws comparison holds fewer clients (bench/run.ts WS_CLIENTS).
    {
      label: 'ws fan-out CPU per tick per connection / uWS',
      value: perConnection(results.ws?.fanout),
      baseline: perConnection(results.fanout),
      target: 'report',
    },
    { label: 'drain time / ideal', value: results.drain?.seconds, baseline: results.drain?.idealSeconds, target: '≤ 1.05' },
  ];
  const height = 2 * (PANEL_H + 10) + 40 + 26 + ratioBars.length * 34 + 30;
  const subtitle = `${results.options?.clients ?? '?'} clients, ${results.options?.nodes ?? '?'} gateways, ${results.machine?.cores ?? '?'} cores, ${results.machine?.date ?? ''}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">
<style>
.title { font-size: 13px; font-weight: bold; fill: #222 } .tick { font-size: 11px; fill: #444 } .legend { font-size: 11px }
.axis { stroke: #888; stroke-width: 1 } .line { fill: none; stroke-width: 1.8 } .one { stroke: #1f6fb2; fill: #1f6fb2 } .two { stroke: #c4501b; fill: #c4501b }
path.one, path.two { fill: none } .bar { fill: #1f6fb2 } .one-line { stroke: #222; stroke-dasharray: 3 2 }
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="20" y="22" class="title">Waitroom load benchmark: ${escape(subtitle)}</text>
${panel(series[0]!, 10, 30)}
${panel(series[1]!, 10 + PANEL_W + 40, 30)}
${panel(series[2]!, 10, 30 + PANEL_H + 10)}
${panel(series[3]!, 10 + PANEL_W + 40, 30 + PANEL_H + 10)}
${bars(ratioBars, 20, 30 + 2 * (PANEL_H + 10) + 10)}
</svg>
`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2] ?? 'bench/results/latest.json';
  const svg = renderSvg(JSON.parse(await readFile(file, 'utf8')) as Results);
  await writeFile(file.replace(/\.json$/, '.svg'), svg);
}
