/**
 * Two pages (same origin, so one IndexedDB and one Web Locks manager) appending to one study at the
 * same time: nothing lost, nothing duplicated, every WAITING trial popped exactly once, and both pages
 * replay the identical study afterwards (test page test/e2e/pages/idb.html).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { serveAndLaunch, watch, type ServedBrowser } from './harness.ts';
import type { IdbPageApi } from './pages/idb-page.ts';

let env: ServedBrowser;
beforeAll(async () => {
  env = await serveAndLaunch();
});
afterAll(() => env?.close());

type Api = { idbApi: IdbPageApi };

async function open(page: Page, db: string): Promise<void> {
  await page.goto(`${env.url}test/e2e/pages/idb.html`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, {
    timeout: 120_000,
  });
  await page.evaluate((db) => (window as unknown as Api).idbApi.open(db), db);
}

it('two pages append to one study concurrently and replay identical state', async () => {
  const context = await env.browser.newContext();
  const { errors } = watch(context, env.url.replace(/\/$/, ''));
  const [a, b] = [await context.newPage(), await context.newPage()];
  const db = `e2e-two-pages-${Date.now()}`;
  await open(a, db);
  await open(b, db);
  await a.evaluate(async () => {
    const api = (window as unknown as Api).idbApi;
    await api.createStudy('shared');
    await api.enqueue('shared', 6);
  });

  // Phase 1: each page appends its own trials while both race to pop the enqueued ones (a page may
  // pop a trial the other has already popped and finished: Study.ask's pop must skip it, not fail).
  const work = (page: Page, tag: number) =>
    page.evaluate(async (tag) => {
      const api = (window as unknown as Api).idbApi;
      const [ids, won] = await Promise.all([api.runTrials('shared', 12, tag), api.popWaiting('shared')]);
      return { ids, won };
    }, tag);
  const [ra, rb] = await Promise.all([work(a, 1), work(b, 2)]);
  // Phase 2 (after the queue is empty, so the engine's ask cannot take an enqueued trial): both optimize.
  await Promise.all(
    [a, b].map((p, i) => p.evaluate((seed) => (window as unknown as Api).idbApi.optimize('shared', 4, seed), i + 1)),
  );

  const [ca, cb] = await Promise.all(
    [a, b].map((p) => p.evaluate(() => (window as unknown as Api).idbApi.content('shared'))),
  );
  expect(ca).toEqual(cb);
  const trials = ca!.trials;
  expect(trials).toHaveLength(6 + 2 * 12 + 2 * 4);
  expect(trials.map((t) => t.number)).toEqual([...Array(trials.length).keys()]);
  expect(new Set(trials.map((t) => t.trialId)).size).toBe(trials.length);
  expect(trials.every((t) => t.state === 1)).toBe(true);
  // Each page's 12 trials are all there, once, with their own values.
  for (const [tag, r] of [
    [1, ra],
    [2, rb],
  ] as const) {
    const mine = trials.filter((t) => t.userAttrs.page === tag);
    expect(mine.map((t) => t.trialId).sort((x, y) => x - y)).toEqual([...r.ids].sort((x, y) => x - y));
    expect(mine.map((t) => t.values![0] as number).sort((x, y) => x - y)).toEqual(
      [...Array(12).keys()].map((i) => tag * 1000 + i),
    );
  }
  // Every enqueued trial was popped by exactly one page.
  expect([...ra.won, ...rb.won].sort((x, y) => x - y)).toEqual(trials.slice(0, 6).map((t) => t.trialId));
  expect(errors).toEqual([]);
  await context.close();
});
