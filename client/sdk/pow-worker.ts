/**
 * The proof-of-work solver's Web Worker (client/sdk/pow-solver.ts starts it):
 * receives a challenge, answers with its nonce, so the hashing never blocks the page.
 */
import { solveChallenge } from '../../shared/pow/solve.js';

interface WorkerScope {
  onmessage: ((event: MessageEvent<string>) => void) | null;
  postMessage(message: { nonce: string } | { error: string }): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (event) => {
  solveChallenge(event.data).then(
    (nonce) => scope.postMessage({ nonce }),
    (error: unknown) => scope.postMessage({ error: String(error) }),
  );
};
