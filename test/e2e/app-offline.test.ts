/**
 * Offline on the production build served by `vite preview`: the service worker
 * precaches every file of the build on the first visit; with the network cut, a reload still loads the
 * app, simulates a data set and runs the smoke study to completion (workers and tfjs wasm from the
 * cache). Nothing is requested from another origin and the CSP reports no violation.
 */
import path from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, screenshot, type App } from './harness.ts';

let app: App;
let page: Page;
const csp: string[] = [];

beforeAll(async () => {
  await build({ configFile: path.resolve('vite.config.ts'), logLevel: 'warn' });
  app = await openApp({ preview: true });
  page = app.page;
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) csp.push(m.text());
  });
}, 900_000);
afterAll(() => app?.close());

it('precaches the whole build on the first visit', async () => {
  await page.goto(app.url, { waitUntil: 'commit' });
  await page.getByTestId('backend-name').waitFor({ timeout: 120_000 });
  const cached = await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    const manifest = (await (await fetch('precache-manifest.json')).json()) as { version: string; files: string[] };
    for (let i = 0; i < 600; i++) {
      const cache = await caches.open(`dmc-tune-${manifest.version}`);
      const keys = (await cache.keys()).map((k) => new URL(k.url).pathname);
      // The worker also caches what the page fetches at run time (this very manifest, for one), so
      // the cache may hold more than the manifest: wait until it holds at least all of it.
      const want = manifest.files.map((f) => new URL(f, location.href).pathname);
      if (want.every((f) => keys.includes(f)) && navigator.serviceWorker.controller !== null) {
        return { files: manifest.files, want, keys };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the service worker did not finish precaching');
  });
  expect(cached.files.some((f) => /train\.worker-.*\.js$/.test(f))).toBe(true);
  expect(cached.files.filter((f) => f.endsWith('.wasm'))).toHaveLength(3);
  expect(cached.keys).toEqual(expect.arrayContaining(cached.want));
  // Anything else cached at run time would be a file the build needs but the manifest misses.
  expect(cached.keys.filter((k) => !cached.want.includes(k) && !k.endsWith('/precache-manifest.json'))).toEqual([]);
});

it('reloads and simulates with the network cut', async () => {
  await app.context.setOffline(true);
  await page.reload({ waitUntil: 'commit' });
  await page.getByTestId('run-demo').waitFor({ timeout: 120_000 });
  await page.getByTestId('backend-name').waitFor({ timeout: 120_000 });
  await page.goto(app.url + '#/simulate', { waitUntil: 'commit' });
  await page.getByTestId('simulate-button').click();
  await page.getByTestId('simulation-result').waitFor({ timeout: 120_000 });
});

it('runs the smoke study to completion offline', { timeout: 900_000 }, async () => {
  await page.goto(app.url + '#/setup', { waitUntil: 'commit' });
  await page.getByTestId('preset-smoke').click();
  await page.locator('#cfg-name').fill('offline-smoke');
  await page.getByTestId('start-study').click();
  await page
    .locator('[data-testid="run-status"][data-phase="finished"], [data-testid="run-status"][data-phase="failed"]')
    .waitFor({ timeout: 800_000 });
  await screenshot(page, 'run-offline');
  expect(await page.getByTestId('run-status').getAttribute('data-phase')).toBe('finished');
  expect(await page.getByTestId('run-backend').textContent()).toBe('wasm');
  await app.context.setOffline(false);
});

it('sent nothing to another origin and broke no CSP rule', () => {
  expect(app.seen.foreign).toEqual([]);
  expect(app.seen.errors).toEqual([]);
  expect(csp).toEqual([]);
});
