/**
 * Setup → Training data: choosing online training asks for the batches per epoch (BayesFlow's
 * num_batches_per_epoch) instead of the training-set count, flags a bad value at its field, and the
 * study's configuration carries data.mode and data.batchesPerEpoch.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, screenshot, type App } from './harness.ts';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp({ route: '#/setup' });
  page = app.page;
  await page.getByTestId('data-mode').waitFor({ timeout: 60_000 });
});
afterAll(() => app?.close());

const errorAt = (p: string) => page.locator(`[data-testid="config-error"][data-path="${p}"]`);

it('online training replaces the training sets by batches per epoch, validated at the field', async () => {
  expect(await page.locator('[id="cfg-data.trainingSets"]').count()).toBe(1);
  await page.getByTestId('data-mode').selectOption('online');
  const batches = page.locator('[id="cfg-data.batchesPerEpoch"]');
  await batches.waitFor();
  expect(await batches.inputValue()).toBe('100');
  expect(await page.locator('[id="cfg-data.trainingSets"]').count()).toBe(0);
  await batches.fill('0');
  expect(await errorAt('data.batchesPerEpoch').textContent()).toBe('Enter a whole number of at least 1 (got 0)');
  expect(await page.getByTestId('start-study').isDisabled()).toBe(true);
  await batches.fill('250');
  await expect.poll(() => page.getByTestId('start-study').isDisabled()).toBe(false);
  expect(await errorAt('data.batchesPerEpoch').count()).toBe(0);
  await screenshot(page, 'setup-online');
  expect(app.seen.errors).toEqual([]);
});
