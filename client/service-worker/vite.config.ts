/**
 * The service worker (./sw.ts) as one classic script, built after the pages
 * (client/vite.config.ts) into dist/client/sw.js: at the root, so its scope
 * covers the waiting page (/) and the booking page (/book/), and at a stable
 * URL (no hash), which browsers check for updates on every visit.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  build: {
    outDir: resolve(root, '../../dist/client'),
    emptyOutDir: false,
    target: 'es2022',
    lib: { entry: resolve(root, 'sw.ts'), name: 'WaitroomServiceWorker', formats: ['iife'], fileName: () => 'sw.js' },
  },
});
