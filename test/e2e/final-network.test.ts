/**
 * Results → Final network in headless Chromium with the real workers and IndexedDB (issue 18's "must
 * show"): a study with one finished trial is imported, its hyperparameters are trained online on a range
 * of trial counts; the page is reloaded in the middle of the run; the panel offers to continue from the
 * last stored epoch, and continuing shows the same loss history up to that epoch and goes on from there
 * to the end; the finished network is offered in Infer.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openFinalNetworkStudy, type FinalNetworkPage } from './final-network-fixture.ts';
import { screenshot, type App } from './harness.ts';

let study: FinalNetworkPage;
let app: App;
let page: Page;

beforeAll(async () => {
  study = await openFinalNetworkStudy('final-e2e');
  ({ app, page } = study);
});
afterAll(() => study?.close());

/**
 * Waits until the live progress shows at least `epoch` finished epochs. The check runs in the page on every
 * animation frame and asks for "at least": a tiny network finishes an epoch in well under a second, so a
 * wait for one exact count (`[data-epoch="2"]`, polled from here every few hundred ms) could miss it and then
 * wait for a run that had long finished. A run that fails, is reported stuck by the watchdog, or ends
 * before the count is seen ends the wait at once with the page's own words.
 */
async function reachEpoch(epoch: number, timeout: number): Promise<void> {
  let outcome: string;
  try {
    const handle = await page.waitForFunction(
      (want) => {
        const trouble = document.querySelector(
          '[data-testid="final-error"], [data-testid="final-start-error"], [data-testid="final-stalled"]',
        );
        if (trouble !== null) return trouble.textContent ?? 'trouble';
        const live = document.querySelector('[data-testid="final-progress"]');
        if (live !== null && Number(live.getAttribute('data-epoch')) >= want) return 'reached';
        if (document.querySelector('[data-testid="final-done"]') !== null)
          return 'the run finished before the test saw it';
        return false;
      },
      epoch,
      { timeout },
    );
    outcome = (await handle.jsonValue()) as string;
  } catch (e) {
    const stage = await page
      .getByTestId('final-progress')
      .getAttribute('data-stage', { timeout: 1000 })
      .catch(() => null);
    throw new Error(
      `the final run did not reach epoch ${epoch} in ${timeout / 1000} s (stage: ${stage ?? 'no run shown'})`,
      { cause: e },
    );
  }
  if (outcome !== 'reached') throw new Error(`the final run did not reach epoch ${epoch}: ${outcome.trim()}`);
}

/**
 * Enough epochs that the run cannot end between the moment the test sees epoch 2 and the reload (a
 * screenshot and a reload take a second or two; an epoch of this tiny network about half a second).
 */
const EPOCHS = 30;

const lossOf = async (): Promise<number[]> =>
  JSON.parse((await page.getByTestId('final-progress').getAttribute('data-loss')) ?? '[]') as number[];

it(
  'continues a final-network run after a reload from the last epoch, with the same loss history',
  { timeout: 900_000 },
  async () => {
    const resultsUrl = page.url();
    await page.getByTestId('final-epochs').fill(String(EPOCHS));
    await page.getByTestId('final-batches').fill('3');
    await page.getByTestId('final-min').fill('20');
    await page.getByTestId('final-max').fill('60');
    await page.getByTestId('final-val').fill('16');
    expect(await page.getByTestId('final-trial').innerText()).toMatch(/trial 0 \(best\), L = 1\.25/);
    expect(await page.getByTestId('final-estimate').innerText()).toMatch(
      /^On wasm \(this computer's CPU\) about [\d.]+ (s|min)/,
    );
    await page.getByTestId('final-start').click();
    await reachEpoch(2, 300_000);
    await screenshot(page, 'final-network-running');
    const before = await lossOf();
    expect(before.length).toBeGreaterThanOrEqual(2);

    await page.reload({ waitUntil: 'commit' });
    await page.waitForURL(resultsUrl);
    const offer = page.getByTestId('final-resume');
    await offer.waitFor({ timeout: 60_000 });
    const stored = Number(await offer.getAttribute('data-epoch'));
    expect(stored).toBeGreaterThanOrEqual(before.length);
    expect(await offer.innerText()).toMatch(
      new RegExp(
        `The final network of trial 0 stopped after epoch ${stored} of ${EPOCHS} \\(the page was closed or reloaded\\)\\.`,
      ),
    );
    expect(await page.getByTestId('final-progress').count()).toBe(0); // nothing continues on its own
    await screenshot(page, 'final-network-continue-offer');

    await page.getByTestId('final-continue').click();
    await page.getByTestId('final-progress').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('final-progress').innerText()).toMatch(
      new RegExp(`Continued from epoch ${stored}\\.`),
    );
    const continued = await lossOf();
    // The history up to the stored epoch is the one from before the reload.
    expect(continued.slice(0, before.length)).toEqual(before);
    await reachEpoch(stored + 1, 300_000);
    const after = await lossOf();
    expect(after.slice(0, before.length)).toEqual(before);
    await screenshot(page, 'final-network-continued');

    const done = page.getByTestId('final-done');
    await done.waitFor({ timeout: 600_000 });
    expect(await done.innerText()).toMatch(/Final network of trial 0: L = \d/);
    // The full diagnostics: the metrics behind L per parameter, and the plots of the posterior draws.
    const diagnostics = page.getByTestId('final-diagnostics');
    expect(await diagnostics.innerText()).toMatch(/NRMSE[\s\S]*Posterior Contraction[\s\S]*Calibration Error/);
    await diagnostics.locator('canvas').nth(2).waitFor({ timeout: 30_000 });
    await screenshot(page, 'final-network-done');

    await page.goto(app.url + '#/infer', { waitUntil: 'commit' });
    const select = page.getByTestId('network-select');
    await select.waitFor();
    // The view reads the stores when it opens (studies, networks, runs): the option comes once that has answered.
    await select
      .locator('option', { hasText: 'final network from trial 0' })
      .waitFor({ state: 'attached', timeout: 30_000 });
    expect(await select.innerText()).toMatch(/final network from trial 0/);
    expect(app.seen.errors).toEqual([]);
  },
);
