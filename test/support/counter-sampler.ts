/**
 * Samples one Prometheus counter on running processes every `everyMs` (their /metrics), for a test that
 * measures a rate where it happens: the count each process reports, over the time between two samples as
 * this process measured it (a stall here lengthens the interval, it does not bunch the count).
 */
export interface CounterSample {
  at: number;
  value: number;
}

export class CounterSampler {
  /** Samples by process label. */
  readonly samples = new Map<string, CounterSample[]>();
  private timer: NodeJS.Timeout | undefined;

  /** `targets()` is read at each sample: processes come and go. `line` matches the counter's sample line. */
  constructor(
    private readonly targets: () => { label: string; url: string }[],
    private readonly line: RegExp,
    private readonly everyMs = 500,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), this.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The highest rate a second over any span of at least `windowMs` between two samples of one process, by label. */
  peakRates(windowMs: number): Record<string, number> {
    const peaks: Record<string, number> = {};
    for (const [label, samples] of this.samples) {
      let peak = 0;
      for (let end = 1, start = 0; end < samples.length; end++) {
        while (start + 1 < end && samples[end]!.at - samples[start + 1]!.at >= windowMs) start++;
        const span = samples[end]!.at - samples[start]!.at;
        if (span >= windowMs) peak = Math.max(peak, ((samples[end]!.value - samples[start]!.value) * 1000) / span);
      }
      peaks[label] = Math.round(peak);
    }
    return peaks;
  }

  private async sample(): Promise<void> {
    await Promise.all(
      this.targets().map(async ({ label, url }) => {
        const text = await fetch(`${url}/metrics`)
          .then((response) => response.text())
          .catch(() => null);
        const at = Date.now();
        // A process that is gone (or not yet counting) gives no sample.
        const match = text === null ? null : this.line.exec(text);
        if (!match) return;
        const list = this.samples.get(label) ?? [];
        this.samples.set(label, list);
        list.push({ at, value: Number(match[1]) });
      }),
    );
  }
}
