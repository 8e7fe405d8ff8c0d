/** Open connections per key (client address); a key is forgotten when its count drops to zero. */
export class ConnectionCounts {
  private readonly counts = new Map<string, number>();

  get size(): number {
    return this.counts.size;
  }

  of(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  opened(key: string): void {
    this.counts.set(key, this.of(key) + 1);
  }

  closed(key: string): void {
    const count = this.of(key) - 1;
    if (count > 0) this.counts.set(key, count);
    else this.counts.delete(key);
  }
}
