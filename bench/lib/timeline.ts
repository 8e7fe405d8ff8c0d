/**
 * The run over time, sampled every SAMPLE_MS from whatever deployment is up:
 * open connections (the gateways' own gauge), the gateways' summed RSS, and
 * people admitted in the drain (from the store). Update lag over time comes
 * from the hold window itself (HoldResult.hold.lagOverTime).
 */
import { rssOf, type Deployment } from './deployment.js';
import { DRAIN_EVENT } from '../scenarios/drain.js';

const SAMPLE_MS = 2000;

export interface TimelineSample {
  /** Seconds since the run started. */
  t: number;
  connections: number;
  gatewayRssBytes: number;
  admitted: number;
}

async function connectionsOf(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('waitroom_connections'));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

export class Timeline {
  readonly samples: TimelineSample[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly startedAt: number,
    private readonly current: () => Deployment | null,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample().catch(() => {}), SAMPLE_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async sample(): Promise<void> {
    const deployment = this.current();
    if (!deployment) return;
    const gateways = deployment.gateways;
    const [connections, rss, figures] = await Promise.all([
      Promise.all(gateways.map((g) => connectionsOf(g.url))),
      Promise.all(gateways.map((g) => rssOf(g.pid))),
      deployment.stores.queue.figures(DRAIN_EVENT.id, Date.now(), 1),
    ]);
    this.samples.push({
      t: Math.round((Date.now() - this.startedAt) / 100) / 10,
      connections: connections.reduce((a, b) => a + b, 0),
      gatewayRssBytes: rss.reduce((a, b) => a + b, 0),
      admitted: figures.admittedTotal,
    });
  }
}
