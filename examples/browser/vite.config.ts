/**
 * Vite configuration of the browser demo. Dev server: `npx vite examples/browser`; build:
 * `npx vite build examples/browser` (writes examples/browser/dist, servable from any path).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative asset URLs, so dist/ works from any folder (GitHub Pages, a file server's subpath).
  base: './',
  resolve: {
    // The demo imports the package by name, as a user would; resolve it to the source.
    alias: { seqgrad: fileURLToPath(new URL('../../src/index.ts', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  worker: { format: 'es' },
  plugins: [
    {
      // The dev server's client talks to the server over a WebSocket (live reload); the built
      // page opens no connection, so only the dev server's copy of index.html's CSP allows one.
      name: 'seqgrad-demo:dev-csp',
      apply: 'serve',
      transformIndexHtml: (html) =>
        html.replace("default-src 'none';", "default-src 'none'; connect-src 'self';"),
    },
  ],
});
