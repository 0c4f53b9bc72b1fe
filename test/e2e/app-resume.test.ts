/**
 * Closing the tab mid-study and cancelling (issue 5 item 3), in headless Chromium with the real
 * workers and IndexedDB: a reload in the middle of a trial continues the study from the next trial,
 * marks the interrupted one and keeps every completed trial; Cancel ends the running trial as FAIL and
 * leaves a study that the library can continue.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, screenshot, type App } from './harness.ts';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp({});
  page = app.page;
});
afterAll(() => app?.close());

const rows = () => page.locator('[data-testid="trial-state-table"] tbody tr');
const states = () => rows().evaluateAll((r) => r.map((x) => x.getAttribute('data-state')));

async function startSmoke(name: string, epochs?: number): Promise<void> {
  await page.goto(app.url + '#/setup', { waitUntil: 'commit' });
  await page.getByTestId('preset-smoke').click();
  await page.locator('#cfg-name').fill(name);
  if (epochs !== undefined) await page.locator('#cfg-epochs').fill(String(epochs));
  await page.getByTestId('start-study').click();
  await page.waitForURL(/#\/run\/\d+$/);
}

it('continues after a reload in the middle of a trial, with the interrupted trial marked', { timeout: 900_000 }, async () => {
  // 6 epochs instead of 2: a trial lasts long enough that the reload below lands inside trial 1.
  await startSmoke('resume-me', 6);
  const runUrl = page.url();
  await page.locator('[data-testid="trial-state-table"] tr[data-state="COMPLETE"]').first().waitFor({ timeout: 400_000 });
  await page.getByRole('heading', { name: 'Trial 1' }).waitFor({ timeout: 60_000 });
  const completed = await rows().first().innerText();
  await page.reload({ waitUntil: 'commit' });
  // The tab comes back to the same study and continues it on its own.
  await page.waitForURL(runUrl);
  const notice = page.getByTestId('interrupted-notice');
  await notice.waitFor({ timeout: 180_000 });
  expect(await notice.innerText()).toMatch(/trial 1 was interrupted and marked as failed/);
  await page.locator('[data-testid="run-status"][data-phase="training"]').waitFor({ timeout: 120_000 });
  await page.getByRole('heading', { name: 'Trial 2' }).waitFor({ timeout: 120_000 });
  await screenshot(page, 'run-resumed');
  await page.locator('[data-testid="run-status"][data-phase="finished"]').waitFor({ timeout: 400_000 });
  expect(await states()).toEqual(['COMPLETE', 'FAIL', 'COMPLETE']);
  expect(await rows().nth(1).innerText()).toMatch(/interrupted \(tab closed\)/);
  expect(await rows().first().innerText()).toBe(completed);
});

it('cancel ends the running trial as failed and leaves a study the library can continue', { timeout: 600_000 }, async () => {
  // 50 epochs: the trial is surely still training when Cancel is clicked, however fast this machine is.
  await startSmoke('cancel-me', 50);
  await page.getByText(/Epoch \d+ of 50/).first().waitFor({ timeout: 300_000 });
  await page.getByTestId('cancel-run').click();
  await page.locator('[data-testid="run-status"][data-phase="cancelled"]').waitFor({ timeout: 60_000 });
  expect(await states()).toEqual(['FAIL']);
  expect(await rows().first().innerText()).toMatch(/cancelled/);
  await page.goto(app.url + '#/', { waitUntil: 'commit' });
  const row = page.locator('[data-testid="study-row"][data-study="cancel-me"]');
  await row.waitFor();
  expect(await row.getByRole('button', { name: 'Continue' }).count()).toBe(1);
  expect(await row.textContent()).toMatch(/1\s*\/\s*3/);
});

it('Run demo study starts the preset this browser gets, stating why', { timeout: 300_000 }, async () => {
  await page.goto(app.url + '#/', { waitUntil: 'commit' });
  const reason = page.getByTestId('demo-reason');
  await reason.waitFor({ timeout: 120_000 });
  // No hardware GPU here: the smaller CPU preset, with the reason on screen.
  expect(await reason.innerText()).toMatch(/^Smaller CPU preset \(5 trials × 5 epochs.*software/);
  await page.getByTestId('run-demo').click();
  await page.waitForURL(/#\/run\/\d+$/);
  await page.getByRole('heading', { name: 'Running “demo-cpu”' }).waitFor();
  await page.getByText('0 of 5 finished').waitFor();
  await page.getByTestId('cancel-run').click();
  await page.locator('[data-testid="run-status"][data-phase="cancelled"]').waitFor({ timeout: 120_000 });
});

it('had no page errors and no foreign requests', () => {
  expect(app.seen.errors).toEqual([]);
  expect(app.seen.foreign).toEqual([]);
});
