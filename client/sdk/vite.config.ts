/**
 * The SDK as a standalone bundle for sites that embed Waitroom, built after
 * the pages (client/vite.config.ts) into dist/client/sdk/, so the gateway
 * serves it at /sdk/waitroom.js (a <script> tag: global `Waitroom`) and
 * /sdk/waitroom.mjs (an ES module).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  build: {
    outDir: resolve(root, '../../dist/client/sdk'),
    emptyOutDir: true,
    target: 'es2022',
    lib: {
      entry: resolve(root, 'bundle.ts'),
      name: 'Waitroom',
      formats: ['iife', 'es'],
      fileName: (format) => (format === 'es' ? 'waitroom.mjs' : 'waitroom.js'),
    },
    rollupOptions: {
      // One file per format: the client's lazy imports (its recovery code) are inlined here.
      output: { inlineDynamicImports: true },
      onwarn(warning, warn) {
        // zod ships comments Rollup cannot place; harmless, and not ours to fix.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('/node_modules/zod/')) return;
        warn(warning);
      },
    },
  },
});
