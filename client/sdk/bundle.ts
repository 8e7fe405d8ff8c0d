/**
 * The standalone SDK bundle (client/sdk/vite.config.ts): `Waitroom.protect(…)`
 * from a <script> tag, or `import { protect } from '…/sdk/waitroom.mjs'`.
 */
export { protect, type ProtectOptions, type Protection } from './protect.js';
export * from './index.js';
