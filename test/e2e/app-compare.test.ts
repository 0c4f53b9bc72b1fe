/**
 * Compare through the UI: a journal with four studies (written here by the engine) is imported on
 * Home; ticking two and pressing Compare opens #/compare?studies=… with both studies' optimization
 * histories and EDFs (one legend entry per study), the error-bar view, and a plain sentence for
 * studies that cannot be compared (a maximizing one beside minimizing ones). The rank plot shows in
 * Results. Screenshots: compare-library.png, compare-studies.png, compare-error-bar.png, compare-refused.png,
 * results-rank.png (the rank panel alone).
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStudy, JournalStorage, TrialState } from '../../src/engine/index.ts';
import { JournalFileBackend } from '../../src/persistence/node/index.ts';
import { openApp, screenshot, type App } from './harness.ts';

const FILE = path.resolve('test-output/e2e-compare.journal.log');
const DIST = {
  lr: { type: 'float', low: 1e-4, high: 1e-2, log: true, step: null },
  dropout: { type: 'float', low: 0, high: 0.3, log: false, step: null },
} as const;

/** Four studies: two minimizing ones that learn at different speeds, a maximizing one, an empty one. */
async function writeJournal(): Promise<void> {
  mkdirSync(path.dirname(FILE), { recursive: true });
  rmSync(FILE, { force: true });
  const storage = new JournalStorage(await JournalFileBackend.open(FILE));
  try {
    const specs = [
      {
        name: 'adam',
        direction: 'minimize',
        n: 24,
        f: (k: number) => 1.2 + 1.5 / (1 + k / 3) + 0.3 * Math.sin(k * 2.1),
      },
      {
        name: 'sgd',
        direction: 'minimize',
        n: 18,
        f: (k: number) => 1.5 + 1.8 / (1 + k / 6) + 0.35 * Math.cos(k * 1.7),
      },
      { name: 'accuracy', direction: 'maximize', n: 5, f: (k: number) => 0.5 + k / 20 },
      { name: 'nothing yet', direction: 'minimize', n: 0, f: () => 0 },
    ] as const;
    for (const s of specs) {
      const study = await createStudy({ storage, studyName: s.name, direction: s.direction });
      for (let k = 0; k < s.n; k++)
        await study.addTrial({
          state: k % 7 === 5 ? TrialState.PRUNED : TrialState.COMPLETE,
          values: k % 7 === 5 ? null : [s.f(k)],
          paramsInternal: { lr: 1e-4 * 100 ** ((k * 0.37) % 1), dropout: ((k * 0.61) % 1) * 0.3 },
          distributions: DIST,
        });
      if (s.n === 0) await study.addTrial({ state: TrialState.FAIL, paramsInternal: {}, distributions: {} });
    }
  } finally {
    await storage.close();
  }
}

let app: App;
let page: Page;

beforeAll(async () => {
  await writeJournal();
  app = await openApp({ route: '' });
  page = app.page;
  await page.getByTestId('library-empty').waitFor({ timeout: 60_000 });
  await page.getByTestId('file-input').setInputFiles(FILE);
  await page.locator('[data-testid="study-row"]').nth(3).waitFor({ timeout: 30_000 });
});
afterAll(() => app?.close());

const row = (name: string) => page.locator(`[data-testid="study-row"][data-study="${name}"]`);

it('ticking two studies and pressing Compare draws both in the history and the EDF', async () => {
  const button = page.getByTestId('compare-studies');
  expect(await button.isDisabled()).toBe(true);
  await row('adam').getByTestId('compare-select').check();
  expect(await page.getByTestId('compare-studies').isDisabled()).toBe(true);
  await row('sgd').getByTestId('compare-select').check();
  expect(await page.getByTestId('compare-studies').textContent()).toBe('Compare 2 studies');
  await screenshot(page, 'compare-library');
  await page.getByTestId('compare-studies').click();
  await page.waitForURL(/#\/compare\?studies=\d+,\d+$/);
  const history = page.locator('[data-testid="plot"][data-title="Optimization History Plot"] canvas');
  const edf = page.locator('[data-testid="plot"][data-title="Empirical Distribution Function Plot"] canvas');
  await history.waitFor();
  await edf.waitFor();
  expect(await page.getByTestId('compare-names').textContent()).toMatch(/adam.*sgd.*minimize/s);
  // The legends are drawn on the canvas (the screenshot shows them); the dataset labels are unit-tested.
  await page.waitForTimeout(400);
  await screenshot(page, 'compare-studies');

  await page.getByTestId('compare-error-bar').check();
  await page.waitForTimeout(400);
  await screenshot(page, 'compare-error-bar');
});

it('a maximizing study beside minimizing ones gets a sentence, not a plot', async () => {
  await page.goto(`${app.url}#/`);
  await row('accuracy').getByTestId('compare-select').check();
  // adam and sgd are still ticked from the first test: three studies now.
  expect(await page.getByTestId('compare-studies').textContent()).toBe('Compare 3 studies');
  await page.getByTestId('compare-studies').click();
  await page.getByTestId('compare-refused').waitFor();
  expect(await page.getByTestId('compare-refused').textContent()).toBe(
    'These studies optimize in different directions (“adam”, “sgd” minimize, “accuracy” maximize): their best values cannot be compared.',
  );
  expect(await page.locator('[data-testid="plot"]').count()).toBe(0);
  await screenshot(page, 'compare-refused');
});

it('a study without a completed trial is left out with a note', async () => {
  await page.goto(`${app.url}#/`);
  await row('accuracy').getByTestId('compare-select').uncheck();
  await row('nothing yet').getByTestId('compare-select').check();
  await page.getByTestId('compare-studies').click();
  await page.getByTestId('compare-note').waitFor();
  expect(await page.getByTestId('compare-note').textContent()).toBe(
    '“nothing yet” has no completed trial yet and is left out.',
  );
  expect(await page.locator('[data-testid="plot"]').count()).toBe(2);
});

it('Results shows the rank plot of the chosen pair', async () => {
  await page.goto(`${app.url}#/`);
  await row('adam').getByRole('link', { name: 'adam' }).click();
  await page.locator('[data-testid="plot"][data-title="Rank Plot"] canvas').waitFor({ timeout: 30_000 });
  const rank = page.locator('[data-testid="plot"][data-title="Rank Plot"]');
  await rank.scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await rank.screenshot({ path: path.resolve('test-output/screenshots/results-rank.png') });
  expect(await page.getByTestId('plot-empty').filter({ hasText: 'Rank' }).count()).toBe(0);
});

it('no page errors, nothing fetched from elsewhere', () => {
  expect(app.seen.errors).toEqual([]);
  expect(app.seen.foreign).toEqual([]);
});
