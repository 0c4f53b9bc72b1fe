/**
 * IndexedDB study library across real page reloads (test page test/e2e/pages/idb.html): every trial
 * survives a reload, a trial left RUNNING by the reloaded page is reported stale and can be failed,
 * and a QuotaExceededError (quota lowered through the DevTools protocol) is a clear storage error
 * that leaves the stored study intact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM, serveAndLaunch, watch, type ServedBrowser } from './harness.ts';
import type { IdbPageApi } from './pages/idb-page.ts';

let env: ServedBrowser;
beforeAll(async () => {
  env = await serveAndLaunch();
});
afterAll(() => env?.close());

type Api = { idbApi: IdbPageApi };

async function load(page: Page): Promise<void> {
  await page.goto(`${env.url}test/e2e/pages/idb.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, {
    timeout: 120_000,
  });
}

it("keeps every trial across a reload; the reloaded page's RUNNING trial is stale and can be failed", async () => {
  const context = await env.browser.newContext();
  const { errors } = watch(context, env.url.replace(/\/$/, ''));
  const page = await context.newPage();
  await load(page);
  const db = `e2e-reload-${Date.now()}`;
  await page.evaluate(async (db) => {
    const api = (window as unknown as Api).idbApi;
    await api.open(db);
    await api.createStudy('survives');
    await api.runTrials('survives', 5, 1);
    await api.optimize('survives', 4, 42);
    await api.leaveRunning('survives');
  }, db);
  const before = await page.evaluate(() => (window as unknown as Api).idbApi.content('survives'));
  expect(before.trials.map((t) => t.state)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);

  await page.reload(); // the old page dies without closing its storage
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  const after = await page.evaluate(async (db) => {
    const api = (window as unknown as Api).idbApi;
    await api.open(db);
    const content = await api.content('survives');
    const stale = await api.staleTrials('survives');
    const failed = await api.failStale('survives');
    const final = await api.content('survives');
    return { content, stale, failed, final };
  }, db);
  expect(after.content).toEqual(before);
  expect(after.stale).toEqual([before.trials[9]!.trialId]);
  expect(after.failed).toEqual([9]);
  expect(after.final.trials.map((t) => t.state)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 3]);
  expect(after.final.trials.slice(0, 9)).toEqual(before.trials.slice(0, 9));
  expect(errors).toEqual([]);
  await context.close();
});

it('reports a QuotaExceededError clearly and keeps the stored study intact', async () => {
  // Quota overrides apply to on-disk profiles only, so this page gets a persistent context.
  const profile = mkdtempSync(path.join(tmpdir(), 'dmc-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true });
  const page = context.pages()[0] ?? (await context.newPage());
  await load(page);
  // Chromium applies a quota override to storage created after it, so lower it before the first write.
  const cdp = await context.newCDPSession(page);
  const origin = new URL(env.url).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 64 * 1024 });
  const db = `e2e-quota-${Date.now()}`;
  await page.evaluate(async (db) => {
    const api = (window as unknown as Api).idbApi;
    await api.open(db);
    await api.createStudy('full-disk');
    await api.runTrials('full-disk', 3, 7);
  }, db);
  const before = await page.evaluate(() => (window as unknown as Api).idbApi.content('full-disk'));
  const failure = await page.evaluate(() => {
    // Random text: Chromium compresses IndexedDB values, so a repeated character would fit.
    const bytes = crypto.getRandomValues(new Uint8Array(1 << 16));
    const chunk = Array.from(bytes, (b) => b.toString(36)).join('');
    return (window as unknown as Api).idbApi.setStudyAttr('full-disk', 'blob', chunk.repeat(4));
  });
  expect(failure).not.toBeNull();
  expect(failure!.code).toBe('storage');
  expect(failure!.message).toMatch(/IndexedDB quota exceeded .*stored studies are intact/);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await page.reload();
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready');
  const after = await page.evaluate(async (db) => {
    const api = (window as unknown as Api).idbApi;
    await api.open(db);
    const content = await api.content('full-disk');
    await api.runTrials('full-disk', 1, 8); // writes work again
    return content;
  }, db);
  expect(after).toEqual(before);
  await context.close();
  rmSync(profile, { recursive: true, force: true });
});
