import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** Identifies a build: names the service worker's cache and its registration URL (src/main.ts). */
const BUILD_ID = Date.now().toString(36);

/**
 * Writes dist/precache-manifest.json: every file of the build (workers and the tfjs wasm binaries
 * included), which public/sw.js caches on install so the app runs offline after one visit.
 */
function precacheManifest(): Plugin {
  return {
    name: 'dmc-tune-precache-manifest',
    // Service worker only in builds: a dev server's modules change under a cache. (Not
    // import.meta.env.PROD: that follows NODE_ENV, which Vitest sets to "test" for builds it starts.)
    config: (_config, { command }) => ({ define: { __REGISTER_SW__: JSON.stringify(command === 'build') } }),
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => !f.endsWith('.map'));
      const source = JSON.stringify({ version: BUILD_ID, files: ['./', ...files, 'favicon.svg'] }, null, 1);
      this.emitFile({ type: 'asset', fileName: 'precache-manifest.json', source });
    },
  };
}

/**
 * Cross-origin isolation: with these two headers on every response the page gets SharedArrayBuffer, so
 * tfjs loads its threaded SIMD wasm build (src/nn/runtime/threads.ts). Everything the app loads is same-origin,
 * so `require-corp` blocks nothing. The same pair is in public/_headers (Netlify, Cloudflare Pages), in
 * README's snippets for other hosts, and added by public/sw.js where a host sends neither.
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
} as const;

/**
 * Sends ISOLATION_HEADERS from the dev server (`npm start`, `npm run dev`) and `vite preview`, but not
 * from Vitest's browser-mode server (mode 'test'), whose unit-level tests keep the single-threaded build.
 */
function crossOriginIsolation(): Plugin {
  return {
    name: 'dmc-tune-cross-origin-isolation',
    config: (_config, { mode }) =>
      mode === 'test' ? {} : { server: { headers: ISOLATION_HEADERS }, preview: { headers: ISOLATION_HEADERS } },
  };
}

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  // No dependency ships .svelte files, so there is nothing for the plugin to pre-bundle; left on, it forces
  // Vite to re-optimize all dependencies whenever its metadata file is new or was written by another kind
  // of server (a fresh clone's first `npm start`, or after the Vitest browser run), and Vite says so.
  plugins: [svelte({ prebundleSvelteLibraries: false }), precacheManifest(), crossOriginIsolation()],
  define: { __BUILD_ID__: JSON.stringify(BUILD_ID) },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173 },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  optimizeDeps: {
    // Pre-bundle what the workers import, the wasm backend included (its binaries are wired through
    // `?url` imports and setWasmPaths, so bundling it is safe): otherwise the training worker loads
    // tfjs-core and tfjs-backend-cpu as ~2,000 separate dev-server modules, and a dependency first
    // discovered inside a worker makes the server re-optimize and fail the worker's requests.
    include: [
      '@tensorflow/tfjs',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-backend-wasm',
      'comlink',
      'idb',
      'chart.js',
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/conformance/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            provider: 'playwright',
            headless: true,
            screenshotFailures: false,
            instances: [
              {
                browser: 'chromium',
                launch: { executablePath: chromium, args: ['--enable-unsafe-webgpu'] },
              },
            ],
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
