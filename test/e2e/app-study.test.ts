/**
 * A whole study through the real UI in headless Chromium (real IndexedDB, simulation pool, training
 * worker on wasm): the smoke preset from Setup runs to completion, Results shows the best trial,
 * the trials table and the plots; the CSV and a PNG download; the Home library lists the study.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, screenshot, type App } from './harness.ts';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp({ route: '#/setup', downloads: true });
  page = app.page;
});
afterAll(() => app?.close());

it('runs the smoke preset from Setup to completion', { timeout: 900_000 }, async () => {
  await page.getByTestId('preset-smoke').click();
  await page.locator('#cfg-name').fill('e2e-smoke');
  const start = page.getByTestId('start-study');
  expect(await start.isDisabled()).toBe(false);
  await start.click();
  await page.waitForURL(/#\/run\/\d+$/);
  await page.getByTestId('run-status').waitFor();
  await page.locator('[data-testid="run-status"][data-phase="training"]').waitFor({ timeout: 120_000 });
  await page
    .getByText(/Epoch \d of 2/)
    .first()
    .waitFor({ timeout: 120_000 });
  await screenshot(page, 'run');
  await page.locator('[data-testid="run-status"][data-phase="finished"]').waitFor({ timeout: 600_000 });
  expect(await page.getByTestId('run-backend').textContent()).toBe('wasm');
  const states = await page
    .locator('[data-testid="trial-state-table"] tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
  expect(states).toEqual(['COMPLETE', 'COMPLETE', 'COMPLETE']);
});

it('shows the results: best trial, sortable table, plots and diagnostics', async () => {
  await page.getByTestId('to-results').click();
  await page.waitForURL(/#\/results\/\d+$/);
  await page.getByTestId('best-trial').waitFor();
  const best = Number(await page.getByTestId('best-value').textContent());
  expect(Number.isFinite(best)).toBe(true);
  const rows = page.locator('[data-testid="trials-table"] tbody tr[data-number]');
  expect(await rows.count()).toBe(3);
  // The legend carries the smoke preset's weights; the table names the clipped contraction.
  expect(await page.getByTestId('objective-formula').textContent()).toBe(
    'L = 1 · mean NRMSE + 1 · mean (1 − contraction) + 1 · mean calibration error',
  );
  expect(await page.getByTestId('sort-mean_contraction').textContent()).toMatch(/Contraction \[0, 1\]/);
  expect(await page.getByTestId('show-diagnostics').count()).toBe(3);
  expect(await page.getByTestId('fail-reason').count()).toBe(0);
  expect(await page.getByTestId('best-duration').textContent()).toMatch(/^(\d+\.\d s|\d+ min( \d+ s)?)$/);
  await page.getByTestId('sort-value').click();
  const firstValue = Number(await rows.first().locator('td').nth(2).textContent());
  expect(firstValue).toBeCloseTo(best, 3);
  // History, parallel coordinate, contour, intermediate values, EDF, timeline, importance, slice, diagnostics.
  await page.locator('[data-testid="plot"][data-title="Parameter Recovery"]').waitFor({ timeout: 30_000 });
  const titles = await page
    .locator('[data-testid="plot"], [data-testid="plot-empty"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-title')));
  for (const t of [
    'Optimization History Plot',
    'Parallel Coordinate Plot',
    'Intermediate Values Plot',
    'Empirical Distribution Function Plot',
    'Timeline Plot',
    'Slice Plot',
    'Calibration: Coverage vs Nominal Level',
    'Posterior z-Score vs Contraction',
  ]) {
    expect(titles).toContain(t);
  }
  expect(await page.locator('[data-testid="plot"] canvas').count()).toBeGreaterThan(8);
  // Importances: PED-ANOVA (Optuna 5's default) first, fANOVA on request (from its worker).
  const evaluator = page.getByTestId('importance-evaluator');
  expect(await evaluator.inputValue()).toBe('ped-anova');
  const importances = page.locator('[data-testid="plot"][data-title="Hyperparameter Importances"]');
  await importances.waitFor();
  await evaluator.selectOption('fanova');
  await importances.waitFor({ timeout: 60_000 });
  expect(await page.getByText(/fANOVA failed/).count()).toBe(0);
  await evaluator.selectOption('ped-anova');
  await importances.waitFor();
  await page.waitForTimeout(500);
  await screenshot(page, 'results');
});

it('downloads the trials as CSV and a plot as PNG', async () => {
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
  const text = readFileSync((await csv.path())!, 'utf8');
  const lines = text.trim().split('\n');
  expect(lines[0]).toMatch(/^number,value,datetime_start,datetime_complete,duration,params_batch_size,/);
  expect(lines).toHaveLength(4);
  const [png] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('[data-testid="plot"][data-title="Optimization History Plot"] button.download').click(),
  ]);
  const bytes = readFileSync((await png.path())!);
  expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  expect(png.suggestedFilename()).toBe('optimization-history-plot.png');
});

it('lists the study in the Home library', async () => {
  await page.goto(app.url + '#/', { waitUntil: 'commit' });
  const row = page.locator('[data-testid="study-row"][data-study="e2e-smoke"]');
  await row.waitFor();
  expect(await row.textContent()).toMatch(/3\s*\/\s*3 trials/);
  expect(await row.getByTestId('study-counts').textContent()).toBe('3 complete');
  await screenshot(page, 'home-library');
});

it('had no page errors and no foreign requests', () => {
  expect(app.seen.errors).toEqual([]);
  expect(app.seen.foreign).toEqual([]);
});
