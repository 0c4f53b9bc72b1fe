/**
 * Results → Final network → diagnostics in headless Chromium with the real workers: a tiny final network
 * is trained on N 20–60; its diagnostics show the calibration ECDF per parameter (band and rank ECDF);
 * "Metrics vs N" offers five N over the trained range, runs in the inference worker with progress, can be
 * cancelled, and then draws NRMSE, contraction and calibration error over N; Infer's network card offers
 * the same for the network chosen there.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openFinalNetworkStudy, type FinalNetworkPage } from './final-network-fixture.ts';
import { screenshot, type App } from './harness.ts';

let study: FinalNetworkPage;
let app: App;
let page: Page;

beforeAll(async () => {
  study = await openFinalNetworkStudy('metrics-vs-n-e2e');
  ({ app, page } = study);
});
afterAll(() => study?.close());

it('shows the calibration ECDF and the metrics vs N of a final network', { timeout: 600_000 }, async () => {
  await page.getByTestId('final-epochs').fill('2');
  await page.getByTestId('final-batches').fill('2');
  await page.getByTestId('final-min').fill('20');
  await page.getByTestId('final-max').fill('60');
  await page.getByTestId('final-val').fill('24');
  await page.getByTestId('final-start').click();
  await page.getByTestId('final-done').waitFor({ timeout: 300_000 });

  const diagnostics = page.getByTestId('final-diagnostics');
  // Calibration, contraction, recovery (6) and the calibration ECDF (6): 14 charts.
  await diagnostics.locator('canvas').nth(13).waitFor({ timeout: 30_000 });
  const ecdf = diagnostics.getByRole('img', { name: /^A — rank ECDF/ });
  expect(await ecdf.count()).toBeGreaterThan(0);

  const list = page.getByTestId('metrics-vs-n-list');
  expect(await list.inputValue()).toBe('20, 30, 40, 50, 60');
  await list.fill('20, x');
  expect(await page.getByTestId('metrics-vs-n-error').innerText()).toMatch(/“x” is not a trial count/);
  expect(await page.getByTestId('metrics-vs-n-run').isDisabled()).toBe(true);

  // Started and cancelled at once: nothing is drawn, the worker is stopped.
  await list.fill('20, 40, 60, 120');
  await page.getByLabel('Validation sets per N').fill('24');
  await page.getByTestId('metrics-vs-n-run').click();
  await page.getByTestId('metrics-vs-n-cancel').click();
  await page.getByText('Cancelled.').waitFor();
  expect(await page.getByTestId('metrics-vs-n-plots').count()).toBe(0);

  await page.getByTestId('metrics-vs-n-run').click();
  const plots = page.getByTestId('metrics-vs-n-plots');
  await plots.waitFor({ timeout: 300_000 });
  await plots.locator('canvas').nth(2).waitFor();
  expect(await plots.getAttribute('data-backend')).toMatch(/^(wasm|webgpu)$/);
  await page.getByTestId('metrics-vs-n').scrollIntoViewIfNeeded();
  await screenshot(page, 'final-metrics-vs-n');

  // Infer's network card offers the same for the chosen network, with its own trained range.
  await page.goto(app.url + '#/infer', { waitUntil: 'commit' });
  const select = page.getByTestId('network-select');
  const option = select.locator('option', { hasText: 'final network from trial 0' });
  await option.waitFor({ state: 'attached', timeout: 30_000 });
  await select.selectOption((await option.getAttribute('value'))!);
  const inferList = page.getByTestId('metrics-vs-n-list');
  await inferList.waitFor({ timeout: 30_000 });
  expect(await inferList.inputValue()).toBe('20, 30, 40, 50, 60');
  expect(app.seen.errors).toEqual([]);
});
