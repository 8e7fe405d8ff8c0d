import type { Transport, TransportOptions } from './types.js';
import { createUwsTransport } from './uws.js';
import { createWsTransport } from './ws.js';

export function createTransport(kind: 'uws' | 'ws', options: TransportOptions): Transport {
  return kind === 'uws' ? createUwsTransport(options) : createWsTransport(options);
}
