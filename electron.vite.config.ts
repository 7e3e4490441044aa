// electron-vite build of the three Electron entries: shell (main), preload, renderer.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      // better-sqlite3 is native and stays external (it is a runtime dependency).
      externalizeDeps: true,
      // The service worker, the matching worker and the parse worker are entries of their own so they land next to
      // index.js (out/main/serviceWorker.js, outcomeWorker.js, parseWorker.js), where the code that starts them looks.
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/shell/index.ts'),
          serviceWorker: resolve(import.meta.dirname, 'src/main/api/serviceWorker.ts'),
          // The worker a large full reconcile computes in (matching/parallelOutcome.ts finds it beside the bundle).
          outcomeWorker: resolve(import.meta.dirname, 'src/main/matching/engine/outcomeWorker.ts'),
          // The worker an XLSX import reads its workbook in (import/xlsx/xlsxWorkbook.ts finds it beside the bundle).
          xlsxWorker: resolve(import.meta.dirname, 'src/main/import/xlsx/xlsxWorker.ts'),
          // The worker a large import reads and parses its file on (import/workerPass.ts finds it beside the bundle).
          parseWorker: resolve(import.meta.dirname, 'src/main/import/parseWorker.ts'),
          // The worker an audit pack is built on (close/pack/packRunner.ts finds it beside the bundle).
          packWorker: resolve(import.meta.dirname, 'src/main/close/pack/packWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // One self-contained CommonJS file: a sandboxed preload cannot load ES modules or require() our code.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    build: { rollupOptions: { input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') } } },
    // No HMR in `electron-vite dev`: React fast refresh injects an inline <script>, which the app's CSP (no
    // inline scripts, enforced by the meta tag and the shell's header) refuses. Dev runs under the shipped
    // policy; View ▸ Reload picks up changes.
    server: { hmr: false },
    plugins: [react()],
  },
});
