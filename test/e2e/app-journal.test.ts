/**
 * Journal round trip through the UI: a journal written by Python Optuna 3.1 is imported by file
 * picker, opens as a study whose plots render; its export is re-imported and exports the same journal
 * again (identical up to the study name the library gave the copy). A journal with failed trials
 * shows every FAIL reason, and the library names its counts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, screenshot, SCREENSHOTS, type App } from './harness.ts';

const FIXTURE = path.resolve('test/fixtures/journal/optuna31-demo.log');
/**
 * Hand-written in the journal format of a dmc-tune export (its configuration as a study attribute,
 * weights 1, 0.5, 2): two wasm crashes, one Cancel, a pruned and two complete trials, no networks.
 */
const FAILURES = path.resolve('test/fixtures/journal/failures.log');

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp({ route: '', downloads: true });
  page = app.page;
  await page.getByTestId('library-empty').waitFor({ timeout: 60_000 });
});
afterAll(() => app?.close());

async function exportJournal(): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-journal').click()]);
  return readFileSync((await dl.path())!, 'utf8');
}

let firstExport = '';

it('imports an Optuna 3.1 journal and shows its plots', async () => {
  await page.getByTestId('file-input').setInputFiles(FIXTURE);
  await page.waitForURL(/#\/results\/\d+$/, { timeout: 30_000 });
  await page.getByTestId('best-trial').waitFor();
  expect(await page.locator('[data-testid="trials-table"] tbody tr[data-number]').count()).toBe(3);
  // Optuna 3.1's sample journal: trial 0 = 0.669 is the best of the two completed trials (docs/design/study-engine.md#journal-storage).
  expect(await page.getByTestId('best-value').textContent()).toBe('0.669');
  const charts = page.locator('[data-testid="plot"][data-title="Optimization History Plot"] canvas');
  await charts.waitFor();
  for (const t of [
    'Optimization History Plot',
    'Parallel Coordinate Plot',
    'Intermediate Values Plot',
    'Timeline Plot',
    'Slice Plot',
  ]) {
    expect(await page.locator(`[data-testid="plot"][data-title="${t}"]`).count()).toBe(1);
  }
  // Networks and draws exist only for trials trained here: no diagnostics buttons or empty panels, one note.
  expect(await page.getByTestId('no-diagnostics').textContent()).toMatch(/imported from an Optuna journal/);
  expect(await page.getByTestId('show-diagnostics').count()).toBe(0);
  expect(
    await page.locator('[data-title="Parameter Recovery"], [data-title="Posterior z-Score vs Contraction"]').count(),
  ).toBe(0);
  // The legend: an imported study has no weights, so the formula names them.
  const legend = page.getByTestId('objective-legend');
  expect(await legend.textContent()).toMatch(/lower is better/);
  expect(await page.getByTestId('objective-formula').textContent()).toBe(
    'L = w_recovery · mean NRMSE + w_pc · mean (1 − contraction) + w_sbc · mean calibration error',
  );
  await page.waitForTimeout(400);
  await screenshot(page, 'results-imported');
  firstExport = await exportJournal();
  const lines = firstExport
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l.replace(/\bNaN\b/g, 'null')));
  expect(lines[0]).toMatchObject({ op_code: 0, study_name: 'demo', directions: [1] });
  expect(lines.filter((o) => o.op_code === 4)).toHaveLength(3);
});

it('re-imports its own export and exports the identical journal', async () => {
  const file = path.resolve('test-output/e2e-demo-export.log');
  const { writeFileSync, mkdirSync } = await import('node:fs');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, firstExport);
  await page.goto(app.url + '#/', { waitUntil: 'commit' });
  await page.getByTestId('library-table').waitFor();
  await page.getByTestId('file-input').setInputFiles(file);
  await page.waitForURL(/#\/results\/\d+$/, { timeout: 30_000 });
  await page.getByTestId('best-trial').waitFor();
  const second = await exportJournal();
  expect(second.replace('"study_name":"demo (2)"', '"study_name":"demo"')).toBe(firstExport);
});

it('reports a broken journal at the import, naming the line', async () => {
  const bad = path.resolve('test-output/e2e-broken.log');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(bad, readFileSync(FIXTURE, 'utf8').replace('"op_code": 5', '"op_code": "five"'));
  await page.goto(app.url + '#/', { waitUntil: 'commit' });
  await page.getByTestId('library-table').waitFor();
  await page.getByTestId('file-input').setInputFiles(bad);
  const msg = page.getByText(/Could not import e2e-broken\.log/);
  await msg.waitFor();
  expect(await msg.textContent()).toMatch(/line 4/);
  expect(await page.locator('[data-testid="study-row"]').count()).toBe(2);
});

it('offers the valid prefix of a journal damaged in the middle, and opens it when accepted', async () => {
  await page.goto(app.url + '#/', { waitUntil: 'commit' });
  await page.getByTestId('library-table').waitFor();
  await page.getByTestId('file-input').setInputFiles(path.resolve('test/fixtures/journal/damaged/damaged-middle.log'));
  const msg = page.getByTestId('import-damaged');
  await msg.waitFor();
  expect(await msg.textContent()).toMatch(/^Could not import damaged-middle\.log: journal line 11: invalid JSON/);
  const accept = page.getByTestId('import-valid-prefix');
  expect(await accept.textContent()).toBe('Open the first 10 operations');
  await accept.click();
  await page.waitForURL(/#\/results\/\d+$/, { timeout: 30_000 });
  await page.getByTestId('trials-table').waitFor();
});

it('shows every FAIL reason of an imported journal, and its counts in the library', async () => {
  await page.goto(app.url + '#/', { waitUntil: 'commit' });
  await page.getByTestId('library-table').waitFor();
  await page.getByTestId('file-input').setInputFiles(FAILURES);
  await page.waitForURL(/#\/results\/\d+$/, { timeout: 30_000 });
  await page.getByTestId('best-trial').waitFor();
  expect(await page.getByTestId('best-value').textContent()).toBe('0.655');
  expect(await page.getByTestId('best-duration').textContent()).toBe('2 min 3 s');
  const reasons = await page
    .getByTestId('fail-reason')
    .evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-for'), r.textContent?.trim()]));
  expect(reasons).toEqual([
    ['1', 'Failed: Aborted()'],
    ['2', 'Failed: RuntimeError: memory access out of bounds'],
    ['3', 'Cancelled from the Run view.'],
  ]);
  for (const n of [1, 2, 3]) {
    const row = page.locator(`[data-testid="trials-table"] tr[data-number="${n}"]`);
    expect(await row.getAttribute('data-state')).toBe('FAIL');
    expect(await row.getByTestId('show-diagnostics').count()).toBe(0);
  }
  const durationOf = (n: number) =>
    page.locator(`[data-testid="trials-table"] tr[data-number="${n}"] td`).nth(3).textContent();
  expect(await durationOf(0)).toBe('5.1 s');
  expect(await durationOf(5)).toBe('2 min 3 s');
  expect(await page.getByTestId('no-diagnostics').textContent()).toMatch(/no trial of this study has a stored network/);
  expect(await page.getByTestId('objective-formula').textContent()).toBe(
    'L = 1 · mean NRMSE + 0.5 · mean (1 − contraction) + 2 · mean calibration error',
  );
  await page.waitForTimeout(400);
  await screenshot(page, 'results-failures');
  await page.getByTestId('objective-legend').screenshot({ path: path.join(SCREENSHOTS, 'results-legend.png') });

  await page.goto(app.url + '#/', { waitUntil: 'commit' });
  const row = page.locator('[data-testid="study-row"][data-study="failures"]');
  await row.waitFor();
  expect(await row.getByTestId('study-counts').textContent()).toBe('2 complete · 1 pruned · 3 failed');
  expect(await row.getByTestId('study-time').textContent()).toBe('3 min 10 s');
  await screenshot(page, 'home-library-failures');
});

it('had no page errors and no foreign requests', () => {
  expect(app.seen.errors).toEqual([]);
  expect(app.seen.foreign).toEqual([]);
});
