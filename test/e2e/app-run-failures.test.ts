/**
 * A trial whose backend dies, through the real UI in headless Chromium: the training worker's test
 * hook (exposed on the dev server only) makes trial 0 fail as a wasm abort does; the worker is
 * replaced, the other trials complete, and the Run view ends with a warning that counts the failure
 * and quotes its reason instead of a green "finished". Screenshots of the live and the finished run.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, screenshot, type App } from './harness.ts';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp({ route: '#/setup' });
  page = app.page;
});
afterAll(() => app?.close());

const rows = () => page.locator('[data-testid="trial-state-table"] tbody tr');

it(
  'a fatal backend error fails one trial, the next ones complete, and the end says so',
  { timeout: 900_000 },
  async () => {
    await page.waitForFunction(
      () => 'injectFatalError' in ((globalThis as { __dmcTuneTest?: object }).__dmcTuneTest ?? {}),
    );
    await page.evaluate(() =>
      (
        globalThis as unknown as { __dmcTuneTest: { injectFatalError(f: string): Promise<void> } }
      ).__dmcTuneTest.injectFatalError('wasm-abort'),
    );
    await page.getByTestId('preset-smoke').click();
    await page.locator('#cfg-name').fill('fails-once');
    // 4 epochs: trial 2 is visibly mid-training for the screenshot, with trial 1's curve behind it.
    await page.locator('#cfg-epochs').fill('4');
    await page.getByTestId('start-study').click();
    await page.waitForURL(/#\/run\/\d+$/);
    await page.locator('[data-testid="trial-state-table"] tr[data-state="FAIL"]').first().waitFor({ timeout: 300_000 });
    expect(await rows().first().innerText()).toMatch(/Aborted\(\)\. injected fault: wasm backend abort/);
    expect(await rows().first().innerText()).not.toMatch(/cancelled/);

    await page.getByRole('heading', { name: 'Trial 2' }).waitFor({ timeout: 400_000 });
    await page
      .getByText(/Epoch [2-4] of 4/)
      .first()
      .waitFor({ timeout: 120_000 });
    // Beside the loss, the live recovery scatter of b and mu_r, redrawn after every epoch.
    await page.getByTestId('live-recovery').first().waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('live-recovery').count()).toBe(2);
    expect(await page.getByText(/^Live recovery: after each epoch/).count()).toBe(1);
    await page.waitForTimeout(300);
    await screenshot(page, 'run-live');

    await page.locator('[data-testid="run-status"][data-phase="finished"]').waitFor({ timeout: 400_000 });
    const states = await rows().evaluateAll((r) => r.map((x) => x.getAttribute('data-state')));
    expect(states).toEqual(['FAIL', 'COMPLETE', 'COMPLETE']);
    const summary = page.getByTestId('run-summary');
    expect(await summary.getAttribute('data-kind')).toBe('warn');
    expect(await summary.innerText()).toMatch(
      /^Finished: 2 complete, 1 failed — the best trial \(#\d\) (has not learned|has barely learned|learned)[^—]* — first error: Aborted\(\)\. injected fault: wasm backend abort$/,
    );
    await screenshot(page, 'run-failures');
  },
);

it('had no page errors and no foreign requests', () => {
  expect(app.seen.errors).toEqual([]);
  expect(app.seen.foreign).toEqual([]);
});
