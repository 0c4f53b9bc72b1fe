/**
 * A Pareto study through the real UI in headless Chromium (real IndexedDB, simulation pool, wasm training
 * worker): the smoke preset with 2 trials, the three-objective Pareto objective and a parameter budget
 * that embed_dim 128 networks exceed. The Run view names the rejected configurations and does not count
 * them; Results shows the Pareto set (table and tags), the Pareto-front panels and the hypervolume
 * history, and the CSV carries the three values and the pareto_front column.
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

it('runs a two-trial Pareto study with a parameter budget', { timeout: 600_000 }, async () => {
  const t0 = Date.now();
  await page.getByTestId('preset-smoke').click();
  await page.locator('#cfg-name').fill('e2e-pareto');
  await page.locator('#cfg-nTrials').fill('2');
  await page.getByTestId('objective-type').selectOption('pareto');
  expect(await page.getByTestId('pareto-note').textContent()).toContain('cannot prune');
  await page.getByTestId('budget-maxParams-on').check();
  await page.locator('[id="cfg-budget.maxParams"]').fill('1100000');
  await screenshot(page, 'setup-pareto');
  const start = page.getByTestId('start-study');
  expect(await start.isDisabled()).toBe(false);
  await start.click();
  await page.waitForURL(/#\/run\/\d+$/);
  await page.locator('[data-testid="run-status"][data-phase="finished"]').waitFor({ timeout: 540_000 });
  const rows = page.locator('[data-testid="trial-state-table"] tbody tr');
  const states = await rows.evaluateAll((rs) =>
    rs.map((r) => `${r.getAttribute('data-state')}${r.hasAttribute('data-over-budget') ? ' over' : ''}`),
  );
  expect(states.filter((s) => s === 'COMPLETE')).toHaveLength(2);
  const over = states.filter((s) => s === 'PRUNED over').length;
  expect(states).toHaveLength(2 + over);
  // The sampler seed is fixed: its first proposals include embed_dim 128 networks, which the budget rejects.
  expect(over).toBeGreaterThan(0);
  expect(await page.locator('[data-over-budget]').first().textContent()).toMatch(
    /not trained, over budget: 1\.\d M parameters > 1\.1 M \(not counted\)/,
  );
  expect(await page.getByTestId('run-summary').textContent()).toMatch(/^Finished: 2 complete/);
  console.log(`e2e-pareto: 2 trials (${over} rejected over budget) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
});

it('shows the Pareto set, the front and the hypervolume history in Results', async () => {
  await page.getByTestId('to-results').click();
  await page.waitForURL(/#\/results\/\d+$/);
  await page.getByTestId('pareto-set').waitFor();
  const front = await page
    .locator('[data-testid="pareto-table"] tbody tr')
    .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-number'))));
  expect(front.length).toBeGreaterThanOrEqual(1);
  const tagged = await page
    .locator('[data-testid="trials-table"] tbody tr.on-front')
    .evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('data-number'))));
  expect(tagged.sort((a, b) => a - b)).toEqual(front);
  expect(await page.locator('#best-title').textContent()).toMatch(/^Weighted-sum best \(lowest L\): #\d+$/);
  const titles = await page
    .locator('[data-testid="pareto-plots"] [data-testid="plot"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-title')));
  expect(titles).toEqual(['Pareto-front Plot', 'Hypervolume History Plot']);
  expect(await page.locator('[data-testid="pareto-plots"] canvas').count()).toBe(4);
  await screenshot(page, 'results-pareto-study');

  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
  const lines = readFileSync((await csv.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(lines[0]).toMatch(/^number,values_0,values_1,values_2,datetime_start,/);
  expect(lines[0]).toMatch(/,user_attrs_L,.*,state,pareto_front$/);
});

it('had no page errors and no foreign requests', () => {
  expect(app.seen.errors).toEqual([]);
  expect(app.seen.foreign).toEqual([]);
});
