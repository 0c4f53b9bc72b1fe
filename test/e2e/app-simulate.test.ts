/**
 * Simulate view in headless Chromium: the backend table, a simulated data set drawn
 * through the real worker pool (charts + summary table), field-level validation that blocks the run,
 * and cancel of a long simulation.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, screenshot, type App } from './harness.ts';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp({ route: '#/simulate' });
  page = app.page;
});
afterAll(() => app?.close());

it('lists the four backends with availability and reasons', async () => {
  const table = page.getByTestId('backend-table');
  await table.waitFor({ timeout: 60_000 });
  for (const b of ['webgpu', 'webgl', 'wasm', 'cpu']) {
    expect(await table.locator(`tr[data-backend="${b}"]`).count()).toBe(1);
  }
  expect(await table.locator('tr[data-backend="webgpu"]').textContent()).toMatch(/software/);
  expect(await table.locator('tr[data-backend="wasm"]').textContent()).toMatch(/SIMD/);
});

it('simulates a data set in the workers and shows charts and the summary', async () => {
  await page.getByTestId('simulate-button').click();
  const result = page.getByTestId('simulation-result');
  await result.waitFor({ timeout: 60_000 });
  expect(await result.locator('canvas').count()).toBe(3);
  const summary = page.getByTestId('summary-table');
  const row = await summary.locator('tr', { hasText: 'Mean RT, correct' }).locator('td').allTextContents();
  // DMCfun tau = 30 defaults, 10,000 trials per condition: ≈ 436 / 451 ms (docs/design/simulator.md#reference-numbers).
  const [cong, incong] = row.map(Number);
  expect(cong).toBeGreaterThan(425);
  expect(cong).toBeLessThan(447);
  expect(incong).toBeGreaterThan(440);
  expect(incong).toBeLessThan(462);
  expect(await summary.locator('tr', { hasText: 'Trials' }).first().locator('td').first().textContent()).toBe('10,000');
  await page.waitForTimeout(300); // let chart.js finish its first paint
  await screenshot(page, 'simulate');
});

it('flags an invalid field at the field and blocks Simulate', async () => {
  const tau = page.locator('#f-tau');
  await tau.fill('-5');
  expect(await tau.getAttribute('aria-invalid')).toBe('true');
  expect(await page.getByTestId('field-error').first().textContent()).toContain('-5 must be greater than 0');
  expect(await page.getByTestId('simulate-button').isDisabled()).toBe(true);
  await page.locator('#f-trials').fill('2.5');
  expect(await page.getByTestId('field-error').count()).toBe(2);
  await screenshot(page, 'simulate-invalid');
  await tau.fill('30');
  await page.locator('#f-trials').fill('10000');
  expect(await page.getByTestId('simulate-button').isDisabled()).toBe(false);
});

it('cancels a long simulation', async () => {
  await page.locator('#f-trials').fill('1000000');
  await page.locator('#f-tmax').fill('100000');
  await page.locator('#f-mu_c').fill('0.01'); // almost no controlled drift and wide bounds: slow trials
  await page.locator('#f-b').fill('300');
  await page.getByTestId('simulate-button').click();
  const cancel = page.getByTestId('cancel-button');
  await cancel.waitFor({ timeout: 10_000 });
  await cancel.click();
  await page.getByText('Simulation cancelled.').waitFor({ timeout: 10_000 });
  expect(await page.getByTestId('simulate-button').isDisabled()).toBe(false);
  expect(await page.getByTestId('cancel-button').count()).toBe(0);
});

it('the live explorer redraws every chart as a slider moves, and hands its values to the form', async () => {
  const explorer = page.getByTestId('explorer');
  await explorer.scrollIntoViewIfNeeded();
  expect(await explorer.locator('canvas').count()).toBe(4);
  const stats = page.getByTestId('explorer-stats');
  const before = (await stats.textContent())!;
  expect(before).toMatch(/4,000 trials, seed 1, simulated in \d+ ms/);
  const charts = explorer.locator('canvas');
  const shots = async (): Promise<Buffer[]> => Promise.all([0, 1, 2, 3].map((i) => charts.nth(i).screenshot()));
  const pictures = await shots();
  // tau 30 → 150 (Simon-like to flanker-like): the value, the statistics and all four charts change.
  await page.getByTestId('slider-tau').fill('150');
  expect(await page.getByTestId('value-tau').textContent()).toBe('150');
  await page.waitForFunction(
    (b) => document.querySelector('[data-testid="explorer-stats"]')?.textContent !== b,
    before,
  );
  const after = await shots();
  for (let i = 0; i < 4; i++) expect(after[i]!.equals(pictures[i]!), `chart ${i} was not redrawn`).toBe(false);
  // An update (simulation, statistics and four charts) stays interactive: timed from the input event to the next frame.
  const ms = await page.evaluate(async () => {
    const slider = document.querySelector('[data-testid="slider-A"]') as HTMLInputElement;
    const t0 = performance.now();
    slider.value = '60';
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return performance.now() - t0;
  });
  expect(await page.getByTestId('value-A').textContent()).toBe('60');
  console.log(`explorer update: ${ms.toFixed(0)} ms from input to the next frame`);
  await screenshot(page, 'simulate-explorer');
  await explorer.getByRole('button', { name: 'Use in the form' }).click();
  expect(await page.locator('#f-tau').inputValue()).toBe('150');
  expect(await page.locator('#f-A').inputValue()).toBe('60');
});

it('logged no page errors and made no foreign requests', () => {
  expect(app.seen.errors).toEqual([]);
  expect(app.seen.foreign).toEqual([]);
});
