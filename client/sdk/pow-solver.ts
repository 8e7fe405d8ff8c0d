/**
 * Solving proof-of-work challenges (docs/protocol.md §3.1.2): in a Web Worker
 * where the platform has one (browsers: the page stays responsive), else in
 * this process (Node; WebCrypto hashes are asynchronous, so the event loop
 * still turns between them).
 */
import { solveChallenge } from '../../shared/pow/solve.js';

/** Finds the nonce of a challenge; `signal` abandons the search. */
export type ChallengeSolver = (challenge: string, signal: AbortSignal) => Promise<string>;

function solveInWorker(challenge: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./pow-worker.ts', import.meta.url), { type: 'module' });
    } catch {
      resolve(solveChallenge(challenge)); // no worker allowed here (e.g. a strict CSP): hash on the page
      return;
    }
    const done = (): void => {
      worker.terminate();
      signal.removeEventListener('abort', abort);
    };
    const abort = (): void => {
      done();
      reject(new Error('proof of work abandoned'));
    };
    signal.addEventListener('abort', abort);
    worker.onmessage = (event: MessageEvent<{ nonce?: string; error?: string }>) => {
      done();
      if (event.data.nonce !== undefined) resolve(event.data.nonce);
      else reject(new Error(event.data.error ?? 'the proof-of-work worker failed'));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      done();
      resolve(solveChallenge(challenge)); // the worker script did not load: hash on the page
    };
    worker.postMessage(challenge);
  });
}

function solveHere(challenge: string, signal: AbortSignal): Promise<string> {
  // shared/pow/solve.ts has no abort; an abandoned result is simply not used.
  return signal.aborted ? Promise.reject(new Error('proof of work abandoned')) : solveChallenge(challenge);
}

export function defaultSolver(): ChallengeSolver {
  return typeof Worker === 'function' ? solveInWorker : solveHere;
}
