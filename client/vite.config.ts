/**
 * Builds the browser pages into dist/client, where the gateway serves them.
 * `npx vite --config client/vite.config.ts` serves them for development,
 * proxying /api and /ws to a gateway (WAITROOM_GATEWAY, default 127.0.0.1:8080).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const gateway = process.env.WAITROOM_GATEWAY ?? 'http://127.0.0.1:8080';

/** One entry per page, served at / , /book/, /kiosk/ and /console/. */
const pages = {
  index: resolve(root, 'index.html'),
  book: resolve(root, 'book/index.html'),
  kiosk: resolve(root, 'kiosk/index.html'),
  console: resolve(root, 'console/index.html'),
};

export default defineConfig({
  root,
  base: '/',
  build: {
    outDir: resolve(root, '../dist/client'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: pages,
      onwarn(warning, warn) {
        // zod ships comments Rollup cannot place; harmless, and not ours to fix.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/zod/')) return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: {
      '/api': gateway,
      '/admin': gateway,
      '/ws': { target: gateway, ws: true },
    },
  },
});
