/**
 * The transports the transport-parameterised tests run on under this Node.
 * Both where the installed uWebSockets.js package ships a native binary for
 * this Node's ABI (Node 20 with the npm build in package.json): there it must
 * load, and a failure is loud. ws alone where the package ships none (Node 22
 * and 24 with that build): nothing here could run uws, and the default
 * `auto` runs ws (docs/operations.md, "Node versions and the native transport").
 */
import { existsSync } from 'node:fs';
import { nativeUwsBinaryPath } from '../../server/gateway/transport/uws.js';

export const nativeUwsShipped = existsSync(nativeUwsBinaryPath());

export const TRANSPORTS_HERE: readonly ('uws' | 'ws')[] = nativeUwsShipped ? ['uws', 'ws'] : ['ws'];
