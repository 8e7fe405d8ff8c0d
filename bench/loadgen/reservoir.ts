/**
 * A uniform sample of an unbounded stream in fixed memory (Vitter's
 * algorithm R), with the exact count, sum and maximum beside it.
 */
export class Reservoir {
  count = 0;
  sum = 0;
  max = 0;
  private readonly samples: Float64Array;

  constructor(readonly capacity: number) {
    this.samples = new Float64Array(capacity);
  }

  add(value: number): void {
    const seen = this.count++;
    this.sum += value;
    if (value > this.max || seen === 0) this.max = value;
    if (seen < this.capacity) this.samples[seen] = value;
    else {
      const slot = Math.floor(Math.random() * (seen + 1));
      if (slot < this.capacity) this.samples[slot] = value;
    }
  }

  /** The kept samples, rounded to 0.01 (they travel as JSON). */
  values(): number[] {
    const kept = Math.min(this.count, this.capacity);
    const out = new Array<number>(kept);
    for (let i = 0; i < kept; i++) out[i] = Math.round(this.samples[i]! * 100) / 100;
    return out;
  }

  clear(): void {
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }
}
