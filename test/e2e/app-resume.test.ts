/**
 * Closing the tab mid-study and cancelling, in headless Chromium with the real workers and IndexedDB:
 * a reload in the middle of a trial offers to continue (Continue / Not now); continuing marks the
 * interrupted trial, re-runs it with the same parameters (failed_trial set) without costing the budget
 * and keeps every completed trial; Cancel says so at once, ends the running trial as FAIL and leaves a
 * study that the library can continue.
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

it(
  'offers to continue after a reload in the middle of a trial, and re-runs the interrupted trial',
  { timeout: 900_000 },
  async () => {
    // 6 epochs instead of 2: a trial lasts long enough that the reload below lands inside trial 1.
    await startSmoke('resume-me', 6);
    const runUrl = page.url();
    await page
      .locator('[data-testid="trial-state-table"] tr[data-state="COMPLETE"]')
      .first()
      .waitFor({ timeout: 400_000 });
    await page.getByRole('heading', { name: 'Trial 1' }).waitFor({ timeout: 60_000 });
    const completed = await rows().first().innerText();
    await page.reload({ waitUntil: 'commit' });
    // The tab comes back to the same study and asks before going on.
    await page.waitForURL(runUrl);
    const prompt = page.getByTestId('resume-prompt');
    await prompt.waitFor({ timeout: 60_000 });
    expect(await prompt.innerText()).toMatch(
      /“resume-me” was running when this tab closed\.[\s\S]*Trial 1 was interrupted; continuing re-runs it with the same parameters/,
    );
    await screenshot(page, 'run-continue-prompt');
    expect(await page.locator('[data-testid="run-status"]').count()).toBe(0); // nothing started on its own
    await page.getByTestId('resume-continue').click();
    await prompt.waitFor({ state: 'detached' });
    const notice = page.getByTestId('interrupted-notice');
    await notice.waitFor({ timeout: 180_000 });
    expect(await notice.innerText()).toMatch(/trial 1 was interrupted and marked as failed/);
    await page.locator('[data-testid="run-status"][data-phase="training"]').waitFor({ timeout: 120_000 });
    await page.getByRole('heading', { name: 'Trial 2' }).waitFor({ timeout: 120_000 });
    await screenshot(page, 'run-resumed');
    await page.locator('[data-testid="run-status"][data-phase="finished"]').waitFor({ timeout: 400_000 });
    // Budget 3: trial 1's interruption does not count; its retry (trial 2) and trial 3 do.
    expect(await states()).toEqual(['COMPLETE', 'FAIL', 'COMPLETE', 'COMPLETE']);
    expect(await rows().nth(1).innerText()).toMatch(/interrupted \(tab closed\)/);
    expect(await rows().first().innerText()).toBe(completed);
    expect(await rows().nth(2).getAttribute('data-failed-trial')).toBe('1');
    expect(await rows().nth(2).innerText()).toMatch(/re-run of trial 1/);
    const params = (i: number) => rows().nth(i).locator('td').nth(3).innerText();
    expect(await params(2)).toBe(await params(1));
    expect(await rows().nth(3).getAttribute('data-failed-trial')).toBeNull();
    // the smoke preset's trials learn little or nothing: the message says which
    expect(await page.getByTestId('run-summary').innerText()).toMatch(
      /^Finished: 3 complete — the best trial \(#\d\) (has not learned|has barely learned|learned)[^—]*\.$/,
    );
  },
);

it(
  'cancel ends the running trial as failed and leaves a study the library can continue',
  { timeout: 600_000 },
  async () => {
    // 50 epochs: the trial is surely still training when Cancel is clicked, however fast this machine is.
    await startSmoke('cancel-me', 50);
    await page
      .getByText(/Epoch \d+ of 50/)
      .first()
      .waitFor({ timeout: 300_000 });
    // Feedback before the worker has even heard of it: read right after Svelte's microtask flush.
    const feedback = await page.getByTestId('cancel-run').evaluate(async (b: HTMLButtonElement) => {
      b.click();
      for (let i = 0; i < 5; i++) await Promise.resolve();
      return {
        text: b.textContent?.trim(),
        disabled: b.disabled,
        phase: document.querySelector('[data-testid="run-phase"]')?.textContent,
      };
    });
    expect(feedback).toEqual({ text: 'Cancelling…', disabled: true, phase: 'cancelling…' });
    await page.locator('[data-testid="run-status"][data-phase="cancelled"]').waitFor({ timeout: 60_000 });
    expect(await states()).toEqual(['FAIL']);
    expect(await rows().first().innerText()).toMatch(/cancelled/);
    await page.goto(app.url + '#/', { waitUntil: 'commit' });
    const row = page.locator('[data-testid="study-row"][data-study="cancel-me"]');
    await row.waitFor();
    expect(await row.getByRole('button', { name: 'Continue' }).count()).toBe(1);
    expect(await row.textContent()).toMatch(/1\s*\/\s*3/);
  },
);

it('Run demo study starts the preset this browser gets, stating why', { timeout: 300_000 }, async () => {
  await page.goto(app.url + '#/', { waitUntil: 'commit' });
  const reason = page.getByTestId('demo-reason');
  await reason.waitFor({ timeout: 120_000 });
  // No hardware GPU here: the smaller CPU preset, with the reason on screen.
  expect(await reason.innerText()).toMatch(/^CPU demo \(.*software.*\): up to 4 trials on 1024 data sets of 50 trials/);
  await page.getByTestId('run-demo').click();
  await page.waitForURL(/#\/run\/\d+$/);
  await page.getByRole('heading', { name: 'Running “demo-cpu”' }).waitFor();
  await page.getByText('0 of 4 finished').waitFor();
  await page.getByTestId('cancel-run').click();
  await page.locator('[data-testid="run-status"][data-phase="cancelled"]').waitFor({ timeout: 120_000 });
});

it('had no page errors and no foreign requests', () => {
  expect(app.seen.errors).toEqual([]);
  expect(app.seen.foreign).toEqual([]);
});
