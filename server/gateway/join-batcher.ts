/**
 * Joins that reach a node within `windowMs` of each other share one store
 * round trip: the batch takes consecutive ticket numbers, in arrival order.
 */
export type IssueBatch = (eventId: string, count: number) => Promise<number>;

interface Pending {
  resolve: (ticketNo: number) => void;
  reject: (error: unknown) => void;
}

export class JoinBatcher {
  private readonly pending = new Map<string, Pending[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly issue: IssueBatch,
    private readonly windowMs: number,
  ) {}

  /** Resolves with this join's ticket number. */
  join(eventId: string): Promise<number> {
    return new Promise((resolve, reject) => {
      let queue = this.pending.get(eventId);
      if (!queue) this.pending.set(eventId, (queue = []));
      queue.push({ resolve, reject });
      this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    });
  }

  /** Sends every pending batch now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [eventId, queue] of this.pending) {
      this.pending.delete(eventId);
      this.issue(eventId, queue.length).then(
        (first) => queue.forEach((p, k) => p.resolve(first + k)),
        (error: unknown) => queue.forEach((p) => p.reject(error)),
      );
    }
  }
}
