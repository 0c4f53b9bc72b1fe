/**
 * Results' trial filters and notes in the app (issue 22 item 3). A journal of 14 trials (COMPLETE,
 * PRUNED, FAIL; lr, dropout and a categorical activation; epochs) is imported. Filters set in the
 * filter bar narrow the table and redraw every plot (each chart's pixels change), go into the address,
 * and come back on reload and on back/forward; a malformed address is read with a plain notice. A study
 * note and a trial note full of XSS and remote-content payloads are written in the app: nothing runs and
 * nothing is requested; the study's journal is exported and re-imported, and both notes are there.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { categoricalDistribution, floatDistribution, TrialState, type TrialTemplate } from '../../src/engine/index.ts';
import { exportJournal, JournalStorage, MemoryJournalBackend } from '../../src/engine/storages/journal/index.ts';
import { openApp, screenshot, SCREENSHOTS, type App } from './harness.ts';

const JOURNAL = path.resolve('test-output/e2e-filters.log');
const N = 14;

/** Trial i: COMPLETE unless i % 5 is 1 (PRUNED) or 3 (FAIL); value falls with i, rises with dropout. */
async function writeJournal(): Promise<void> {
  const storage = new JournalStorage(new MemoryJournalBackend());
  const id = await storage.createNewStudy([1], 'filters');
  const acts = ['relu', 'gelu', 'silu'];
  for (let i = 0; i < N; i++) {
    const state = i % 5 === 1 ? TrialState.PRUNED : i % 5 === 3 ? TrialState.FAIL : TrialState.COMPLETE;
    const lr = 1e-4 * 10 ** (((i * 7) % 13) / 6);
    const dropout = ((i * 5) % 11) / 20;
    const value = 1 - i / 30 + dropout / 2 + Math.log10(lr) / 20;
    const t: TrialTemplate = {
      state,
      values: state === TrialState.COMPLETE ? [value] : null,
      datetimeStart: `2026-12-07T09:${String(i * 2).padStart(2, '0')}:00.000000`,
      datetimeComplete: `2026-12-07T09:${String(i * 2 + 1).padStart(2, '0')}:30.000000`,
      paramsInternal: { lr, dropout, act: i % 3 },
      distributions: {
        lr: floatDistribution(1e-4, 1e-2, { log: true }),
        dropout: floatDistribution(0, 0.5),
        act: categoricalDistribution(acts),
      },
      intermediateValues:
        state === TrialState.FAIL ? new Map() : new Map([0, 1, 2].map((e) => [e, value + 0.5 / (e + 1)] as const)),
    };
    await storage.createNewTrial(id, t);
  }
  mkdirSync(path.dirname(JOURNAL), { recursive: true });
  writeFileSync(JOURNAL, await exportJournal(storage));
}

let app: App;
let page: Page;
let base = '';
const requests: string[] = [];

beforeAll(async () => {
  await writeJournal();
  app = await openApp({ route: '', downloads: true });
  page = app.page;
  page.on('request', (r) => requests.push(r.url()));
  await page.getByTestId('library-empty').waitFor({ timeout: 60_000 });
  await page.getByTestId('file-input').setInputFiles(JOURNAL);
  await page.waitForURL(/#\/results\/\d+$/, { timeout: 30_000 });
  await page.getByTestId('trials-table').waitFor();
  base = new URL(page.url()).hash;
});
afterAll(() => app?.close());

const rows = (): Promise<number[]> =>
  page
    .locator('[data-testid="trials-table"] tbody tr[data-number]')
    .evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-number'))).sort((a, b) => a - b));
const count = (): Promise<string | null> => page.getByTestId('filter-count').textContent();
/** Every chart of the study plots (slice panels included), as PNG data URLs by plot title and panel. */
const charts = (): Promise<Record<string, string>> =>
  page
    .locator('[data-testid="plot"]')
    .evaluateAll((plots) =>
      Object.fromEntries(
        plots.flatMap((p) =>
          [...p.querySelectorAll('canvas')].map((c, i) => [`${p.getAttribute('data-title')} #${i}`, c.toDataURL()]),
        ),
      ),
    );

it('filters the table and every plot at once, from the filter bar into the address', async () => {
  expect(await count()).toBe(`${N} of ${N} trials shown`);
  expect(await rows()).toEqual([...Array(N).keys()]);
  await page.locator('[data-title="Slice Plot"] canvas').first().waitFor();
  const before = await charts();
  const titles = [...new Set(Object.keys(before).map((k) => k.replace(/ #\d+$/, '')))].sort();
  expect(titles).toEqual([
    'Contour Plot: lr × dropout',
    'Empirical Distribution Function Plot',
    'Hyperparameter Importances',
    'Intermediate Values Plot',
    'Optimization History Plot',
    'Parallel Coordinate Plot',
    'Rank Plot',
    'Slice Plot',
    'Timeline Plot',
  ]);

  await page.getByTestId('filter-state-COMPLETE').check();
  await page.waitForURL(/\?state=COMPLETE$/);
  await page.getByTestId('filter-state-PRUNED').check();
  await page.waitForURL(/\?state=COMPLETE,PRUNED$/);
  const lr = page.locator('[data-testid="filter-param"][data-name="lr"]');
  await lr.getByTestId('filter-max').fill('0.003');
  await lr.getByTestId('filter-max').press('Enter');
  await page.waitForURL(/\?state=COMPLETE,PRUNED&p\.lr=\.\.0\.003$/);
  const expected = [0, 1, 2, 4, 5, 6, 7, 9, 10, 11, 12].filter((i) => 1e-4 * 10 ** (((i * 7) % 13) / 6) <= 0.003);
  expect(await rows()).toEqual(expected);
  expect(await count()).toBe(`${expected.length} of ${N} trials shown`);
  const after = await charts();
  expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
  for (const k of Object.keys(before)) expect(after[k], `${k} did not follow the filter`).not.toBe(before[k]);
  await page.waitForTimeout(300);
  await screenshot(page, 'results-filters-page');
  // The filter bar and the table it narrowed, for the README.
  const top = (await page.getByTestId('trial-filters').boundingBox())!;
  const table = (await page.getByTestId('trials-table').boundingBox())!;
  await page.screenshot({
    path: path.join(SCREENSHOTS, 'results-filters.png'),
    fullPage: true,
    clip: { x: 0, y: top.y - 8, width: 1280, height: table.y + table.height - top.y + 24 },
  });
});

it('keeps the filter over a reload and moves with back and forward', async () => {
  const filtered = await rows();
  await page.reload({ waitUntil: 'commit' });
  await page.getByTestId('trials-table').waitFor();
  await expect.poll(rows).toEqual(filtered);
  expect(await page.getByTestId('filter-state-PRUNED').isChecked()).toBe(true);
  expect(await page.locator('[data-name="lr"] [data-testid="filter-max"]').inputValue()).toBe('0.003');

  await page.getByTestId('filter-rank').selectOption('best');
  await page.waitForURL(/&top=best$/);
  const completeShown = filtered.filter((i) => i % 5 !== 1);
  await expect.poll(rows).toHaveLength(1);
  expect(completeShown).toContain((await rows())[0]);
  await page.goBack();
  await expect.poll(rows).toEqual(filtered);
  await page.goForward();
  await expect.poll(rows).toHaveLength(1);
  // Categorical values: the chosen activations.
  await page.getByTestId('filter-rank').selectOption('all');
  await page.locator('[data-name="act"] [data-value="gelu"]').check();
  await page.waitForURL(/&p\.act=gelu&/);
  await expect.poll(rows).toEqual(filtered.filter((i) => i % 3 === 1));

  await page.getByTestId('filter-clear').click();
  await page.waitForURL((u) => u.hash === base);
  await expect.poll(rows).toEqual([...Array(N).keys()]);
});

it('reads a malformed address with plain notices, never a crash', async () => {
  const errors = app.seen.errors.length;
  await page.goto(`${app.url}${base}?state=DONE&p.lr=3..1&top=many&p.nope=1..2&state=FAIL`, { waitUntil: 'commit' });
  await page.getByTestId('trials-table').waitFor();
  const notices = await page.getByTestId('filter-notice').allTextContents();
  expect(notices).toEqual([
    expect.stringMatching(/^Ignored “state=DONE” in the address: trial states are/),
    expect.stringMatching(/^Ignored “p\.lr=3\.\.1” in the address: the range's minimum 3 is above its maximum 1\.$/),
    expect.stringMatching(/^Ignored “top=many” in the address/),
    'Ignored the filter on “nope”: no trial of this study has that parameter.',
  ]);
  await expect.poll(rows).toEqual([3, 8, 13]);
  expect(app.seen.errors.slice(errors)).toEqual([]);
  await page.getByTestId('filter-clear').click();
  await expect.poll(rows).toHaveLength(N);
});

const PROBE = '/__note_probe.png';
const STUDY_NOTE = [
  '## What we learned',
  '',
  'Weights **1/1/1**; *lr* matters most. See [Optuna](https://optuna.org).',
  '',
  '<script>window.__xss = 1</script>',
  '',
  `<img src="${PROBE}" onerror="window.__xss = 2">`,
  '',
  '[run me](javascript:window.__xss=3) and ![remote](https://example.com/remote.png)',
  '',
  '<iframe src="https://example.com"></iframe><style>body{display:none}</style>',
].join('\n');

it('saves a study note and a trial note, rendered safely: nothing runs, nothing loads', async () => {
  const seen = requests.length;
  await page.getByTestId('study-note-edit').click();
  await page.getByTestId('study-note-text').fill(STUDY_NOTE);
  await expect.poll(() => page.getByTestId('study-note-preview').locator('h2').textContent()).toBe('What we learned');
  await page.getByTestId('study-note').screenshot({ path: path.join(SCREENSHOTS, 'results-note-editor.png') });
  await page.getByTestId('study-note-save').click();
  const body = page.getByTestId('study-note-body');
  await body.waitFor();
  expect(await body.locator('strong').textContent()).toBe('1/1/1');
  expect(await body.textContent()).toContain('<script>window.__xss = 1</script>');
  expect(await body.textContent()).toContain('[image: remote — https://example.com/remote.png]');
  expect(await body.locator('a').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href')]))).toEqual([
    ['Optuna', 'https://optuna.org'],
    ['run me', null],
  ]);
  expect(await body.locator('script, img, iframe, style').count()).toBe(0);
  await body.getByText('run me').click();

  await page.locator('tr[data-number="4"] [data-testid="open-trial-note"]').click();
  await page.getByTestId('trial-note-edit').click();
  await page.getByTestId('trial-note-text').fill('Trial 4: *dropout 0.5* hurt. <img src=x onerror=window.__xss=4>');
  await page.getByTestId('trial-note-save').click();
  await page.getByTestId('trial-note-body').waitFor();
  expect(await page.locator('tr[data-number="4"] [data-testid="open-trial-note"]').textContent()).toBe('Note');
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  const loaded = requests.slice(seen).filter((u) => u.includes('__note_probe') || !u.startsWith(app.url));
  expect(loaded).toEqual([]);
  expect(app.seen.errors).toEqual([]);
  await page.getByTestId('study-note').scrollIntoViewIfNeeded();
  await screenshot(page, 'results-notes');
});

it('exports the journal with both notes under optuna-dashboard keys; re-imported, the notes are shown', async () => {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-journal').click()]);
  const text = readFileSync((await dl.path())!, 'utf8');
  expect(text).toContain('"dashboard:note_ver"');
  expect(text).toMatch(/"dashboard:\d+:note_str:0"/);
  const file = path.resolve('test-output/e2e-filters-notes-export.log');
  writeFileSync(file, text);
  await page.goto(app.url + '#/', { waitUntil: 'commit' });
  await page.getByTestId('library-table').waitFor();
  await page.getByTestId('file-input').setInputFiles(file);
  await page.waitForURL((u) => /#\/results\/\d+$/.test(u.hash) && u.hash !== base, { timeout: 30_000 });
  const body = page.getByTestId('study-note-body');
  await body.waitFor();
  expect(await body.locator('h2').textContent()).toBe('What we learned');
  expect(await page.locator('tr[data-number="4"] [data-testid="open-trial-note"]').textContent()).toBe('Note');
  await page.locator('tr[data-number="4"] [data-testid="open-trial-note"]').click();
  expect(await page.getByTestId('trial-note-body').locator('em').textContent()).toBe('dropout 0.5');
});
