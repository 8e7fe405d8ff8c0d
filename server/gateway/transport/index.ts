/**
 * Picks the transport a gateway listens with. `auto` (the default) takes the
 * native uWS where its binary loads for this Node and platform, and ws
 * otherwise, saying why so the process can warn at start-up; `uws` refuses to
 * run without the native binary (NativeUwsUnavailableError).
 */
import type { Transport, TransportOptions } from './types.js';
import { createUwsTransport, NativeUwsUnavailableError } from './uws.js';
import { createWsTransport } from './ws.js';

export type TransportChoice = 'auto' | Transport['name'];

export interface ChosenTransport {
  transport: Transport;
  /** Why `auto` fell back to ws (undefined when it did not): the native binary's load error. */
  fallbackReason?: string;
}

export function createTransport(choice: TransportChoice, options: TransportOptions): ChosenTransport {
  if (choice === 'ws') return { transport: createWsTransport(options) };
  if (choice === 'uws') return { transport: createUwsTransport(options) };
  try {
    return { transport: createUwsTransport(options) };
  } catch (error) {
    if (!(error instanceof NativeUwsUnavailableError)) throw error;
    return { transport: createWsTransport(options), fallbackReason: error.reason };
  }
}
