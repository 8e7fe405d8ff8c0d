/**
 * The last hour of one event as five small uPlot charts: waiting, admitted
 * per minute, booking now, bookings per minute and connections per gateway
 * node. Charts are made once and fed new data; only the per-node chart is
 * made again, when the set of nodes changes (its series are the nodes).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { HistoryPoint, HistoryResponse } from '../../shared/http/console.js';
import { formatClock, formatDateTime } from './format.js';

interface Figure {
  title: string;
  ko: string;
  color: string;
  value(sample: HistoryPoint): number;
}

const FIGURES: Figure[] = [
  { title: 'Waiting', ko: '대기', color: '#2563eb', value: (s) => s.waiting },
  { title: 'Admitted per minute', ko: '분당 입장', color: '#16a34a', value: (s) => s.admittedPerMinute },
  { title: 'Booking now', ko: '예약 진행', color: '#d97706', value: (s) => s.active },
  { title: 'Bookings per minute', ko: '분당 예약', color: '#9333ea', value: (s) => s.bookingsPerMinute },
];
const NODE_COLORS = ['#0f766e', '#dc2626', '#4f46e5', '#ca8a04', '#db2777', '#0891b2', '#65a30d', '#7c3aed'];
const HEIGHT = 170;

function box(parent: HTMLElement, title: string, ko: string): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  figure.dataset.testid = 'chart';
  const caption = document.createElement('figcaption');
  caption.innerHTML = `<span></span> <span class="ko" lang="ko"></span>`;
  caption.children[0]!.textContent = title;
  caption.children[1]!.textContent = ko;
  const plot = document.createElement('div');
  figure.append(caption, plot);
  parent.append(figure);
  return plot;
}

function options(width: number, series: uPlot.Series[], legend: boolean): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    legend: { show: legend },
    cursor: { points: { size: 6 } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.15))] } },
    axes: [
      {
        stroke: '#475569',
        grid: { stroke: '#e2e8f0', width: 1 },
        ticks: { stroke: '#cbd5e1' },
        values: (_u, splits) => splits.map((seconds) => formatClock(seconds * 1000)),
      },
      { stroke: '#475569', grid: { stroke: '#e2e8f0', width: 1 }, ticks: { stroke: '#cbd5e1' }, size: 56 },
    ],
    // The cursor's time in the legend as the rest of the console writes times ("2026-11-25 14:03:22"), not uPlot's US form.
    series: [{ value: (_u, seconds) => (seconds == null ? '' : formatDateTime(seconds * 1000)) }, ...series],
  };
}

function line(label: string, color: string): uPlot.Series {
  return { label, stroke: color, width: 2, fill: `${color}1f`, points: { show: false } };
}

export class Charts {
  private readonly plots: uPlot[] = [];
  private readonly nodesTarget: HTMLElement;
  private nodesPlot: uPlot | null = null;
  private nodes: string[] = [];

  constructor(private readonly container: HTMLElement) {
    for (const figure of FIGURES) {
      const target = box(container, figure.title, figure.ko);
      this.plots.push(new uPlot(options(this.width(), [line(figure.title, figure.color)], false), [[], []], target));
    }
    this.nodesTarget = box(container, 'Connections per node', '노드별 연결');
    window.addEventListener('resize', this.resize);
  }

  destroy(): void {
    window.removeEventListener('resize', this.resize);
    for (const plot of this.plots) plot.destroy();
    this.nodesPlot?.destroy();
    this.container.replaceChildren();
  }

  render({ samples }: HistoryResponse): void {
    const xs = samples.map((s) => s.t / 1000);
    FIGURES.forEach((figure, k) => this.plots[k]!.setData([xs, samples.map(figure.value)]));
    const nodes = [...new Set(samples.flatMap((s) => Object.keys(s.connections)))].sort();
    const perNode = nodes.map((node) => samples.map((s) => s.connections[node] ?? null));
    if (!this.nodesPlot || nodes.join('\n') !== this.nodes.join('\n')) {
      this.nodesPlot?.destroy();
      this.nodes = nodes;
      const series = nodes.map((node, k) => ({ ...line(node, NODE_COLORS[k % NODE_COLORS.length]!), fill: undefined }));
      this.nodesPlot = new uPlot(options(this.width(), series, true), [xs, ...perNode], this.nodesTarget);
    } else {
      this.nodesPlot.setData([xs, ...perNode]);
    }
  }

  /** Two charts a row: half the column less the 16 px gap, less each box's padding and border (18 px). */
  private width(): number {
    return Math.max(240, Math.floor((this.container.clientWidth - 16) / 2) - 18);
  }

  private readonly resize = (): void => {
    const size = { width: this.width(), height: HEIGHT };
    for (const plot of [...this.plots, ...(this.nodesPlot ? [this.nodesPlot] : [])]) plot.setSize(size);
  };
}
