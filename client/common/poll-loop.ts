/**
 * Runs a refresh forever: every `intervalMs` while it succeeds; after a
 * failure, again after a full-jitter exponential backoff (shared with every
 * other reconnecting part), so many displays that lost the same server do not
 * return in step. One timer at a time and never two runs at once: a page that
 * stays open for days holds the same few objects on day three as on day one.
 */
import { Backoff, type BackoffOptions } from '../../shared/reconnect/backoff.js';

export interface PollLoopOptions {
  /** Wait between the end of one successful run and the next, ms. */
  intervalMs: number;
  backoff: BackoffOptions;
  run(): Promise<void>;
  /** After a failed run; the next one starts in `retryInMs`. */
  onFailure(error: unknown, retryInMs: number): void;
}

export interface PollLoop {
  /** Run as soon as the current run (if any) ends, e.g. right after an operator's action. */
  refreshNow(): void;
  stop(): void;
}

export function startPollLoop({ intervalMs, backoff: options, run, onFailure }: PollLoopOptions): PollLoop {
  const backoff = new Backoff(options);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let stopped = false;

  function schedule(delayMs: number): void {
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(tick, delayMs);
  }

  async function tick(): Promise<void> {
    timer = undefined;
    running = true;
    let delay = intervalMs;
    try {
      await run();
      backoff.reset();
    } catch (error) {
      delay = backoff.next();
      onFailure(error, delay);
    }
    running = false;
    if (again) {
      again = false;
      delay = 0;
    }
    schedule(delay);
  }

  schedule(0);
  return {
    refreshNow() {
      if (running) again = true;
      else schedule(0);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
