/**
 * Saying when a network has not learned, and when it is used outside what it learned (issue 18,
 * item 7), through the real UI: a tiny study (smoke preset: 2 epochs on 16 data sets of 50 trials)
 * finishes with a warning that its best trial has not learned; Results gives each trial its verdict;
 * its network applied in Infer to DMCfun-format data of 336 trials per participant, written in text
 * order (1, 10, 11, 12, 2, …) as R writes factor levels, shows one warning above the posteriors with
 * the fix for each cause, lists the participants in numeric order and names the study, not "study-N".
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { simulateTrials } from '../../src/sim/index.ts';
import { openApp, screenshot, type App } from './harness.ts';

const STUDY = 'e2e-verdicts';
let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp({ route: '#/setup', viewport: { width: 1400, height: 900 }, downloads: true });
  page = app.page;
});
afterAll(() => app?.close());

it('a study whose best trial has not learned ends with a warning that says so', { timeout: 900_000 }, async () => {
  await page.getByTestId('preset-smoke').click();
  await page.locator('#cfg-name').fill(STUDY);
  await page.getByTestId('start-study').click();
  await page.waitForURL(/#\/run\/\d+$/);
  await page.locator('[data-testid="run-status"][data-phase="finished"]').waitFor({ timeout: 600_000 });
  const summary = page.getByTestId('run-summary');
  expect(await summary.getAttribute('data-kind')).toBe('warn');
  expect(await summary.textContent()).toMatch(
    /^Finished: 3 complete — the best trial \(#\d\) has (not|barely) learned: posteriors (about as wide as|only a little narrower than) the prior/,
  );
  expect(await page.getByTestId('run-summary-advice').textContent()).toContain('Train longer');
  await screenshot(page, 'run-not-learned');
});

it('Results gives every trial a verdict beside L, and the best-trial card says it has not learned', async () => {
  await page.getByTestId('to-results').click();
  await page.waitForURL(/#\/results\/\d+$/);
  const verdict = page.getByTestId('best-verdict');
  await verdict.waitFor();
  expect(['none', 'weak']).toContain(await verdict.getAttribute('data-kind'));
  expect(await verdict.textContent()).toMatch(/Has (not|barely) learned:/);
  const cells = await page.getByTestId('trial-verdict').allTextContents();
  expect(cells).toHaveLength(3);
  for (const c of cells) expect(['not learned', 'barely learned']).toContain(c);
  // the column sits right after L
  const heads = await page.locator('[data-testid="trials-table"] thead th').allTextContents();
  expect(heads.indexOf('Learned')).toBe(heads.findIndex((h) => h.startsWith('Value (L)')) + 1);
  await page.waitForTimeout(500);
  await unstickHeader();
  await page
    .getByTestId('best-trial')
    .screenshot({ path: path.resolve('test-output/screenshots/results-verdict-best.png') });
  await page
    .getByTestId('trials-table')
    .screenshot({ path: path.resolve('test-output/screenshots/results-verdict-table.png') });
});

/** Element screenshots scroll the element under the sticky header, which would cover its top: unstick it. */
async function unstickHeader(): Promise<void> {
  await page.addStyleTag({ content: 'header { position: static !important; }' });
}

/** DMCfun's layout (Subject, Comp, RT in ms, Error) with subjects written in text order. */
function dmcfunFile(subjects: number, trials: number): string {
  const ids = Array.from({ length: subjects }, (_, i) => String(i + 1)).sort();
  const lines = ['Subject\tComp\tRT\tError'];
  for (const id of ids) {
    const t = simulateTrials({ A: 20, tau: 30, mu_c: 0.5, mu_r: 300, b: 75, sd_r: 30 }, trials, Number(id));
    for (let k = 0; k < t.numObs; k++) {
      if (t.accuracy[k] === -1) continue;
      lines.push(
        `${id}\t${t.conditions[k] === 0 ? 'comp' : 'incomp'}\t${(t.rt[k]! * 1000).toFixed(3)}\t${1 - t.accuracy[k]!}`,
      );
    }
  }
  return lines.join('\n');
}

it(
  'Infer: a network that has not learned, on data of another trial count, gets one warning with the fixes',
  { timeout: 300_000 },
  async () => {
    await page.goto(`${app.url}#/infer`);
    await page.getByRole('heading', { name: 'Infer: posteriors for your participants' }).waitFor({ timeout: 60_000 });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'verdicts-')), 'flanker-336.txt');
    writeFileSync(file, dmcfunFile(12, 336));
    await page.getByTestId('file-input').nth(0).setInputFiles(file);
    await page.getByTestId('import-ok').waitFor();
    // the study's name, not its key in the model store
    const group = page.getByTestId('network-select').locator('optgroup');
    expect(await group.getAttribute('label')).toBe(STUDY);
    const best = group.locator('option', { hasText: '(best)' });
    await page.getByTestId('network-select').selectOption((await best.getAttribute('value'))!);
    await page.getByTestId('network-info').waitFor();
    expect(await page.getByTestId('network-info').textContent()).toMatch(new RegExp(`${STUDY} · trial \\d \\(best\\)`));
    await page.locator('#inf-draws').fill('300');
    await page.locator('#inf-steps').fill('10');
    await page.getByTestId('infer-button').click();
    await page.getByTestId('infer-results').waitFor({ timeout: 240_000 });

    const warning = page.getByTestId('network-warning');
    await warning.waitFor();
    const learned = await warning.locator('li[data-kind="not-learned"]').textContent();
    expect(learned).toMatch(/The network has (not|barely) learned\./);
    expect(learned).toContain('Fix: Train longer');
    const counts = await warning.locator('li[data-kind="num-obs"]').textContent();
    expect(counts).toMatch(
      /All 12 participants have 3\d\d(–3\d\d)? trials, but the network was trained on data sets of 50 trials only/,
    );
    expect(counts).toMatch(/Fix: Train a network on a range of trial counts that (includes|covers) 3\d\d/);
    // the per-participant rows do not repeat the trial-count warning the banner gives once
    const listed = page.getByTestId('warning-list');
    if ((await listed.count()) > 0) expect(await listed.textContent()).not.toContain('trained on data sets of');
    // numeric order, not the file's text order
    const ids = await page.getByTestId('posterior-table').locator('tbody tr td:first-child').allTextContents();
    expect(ids.map((s) => s.trim())).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
    // three significant digits in the table: no cell number with more
    const cells = (await page.getByTestId('posterior-table').locator('tbody td.mono').allTextContents()).slice(0, 30);
    for (const c of cells)
      for (const n of c.match(/\d[\d.]*/g) ?? [])
        expect(n.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length, `${n} in "${c}"`).toBeLessThanOrEqual(
          3,
        );
    // the table fits the 1400-px window: its card does not scroll sideways
    const overflow = await page
      .getByTestId('posterior-table')
      .evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // the JSON download carries the same warnings
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    const exported = JSON.parse(readFileSync((await json.path())!, 'utf8')) as {
      network_warnings?: { kind: string; fix: string }[];
    };
    expect(exported.network_warnings?.map((w) => w.kind).slice(0, 2)).toEqual(['not-learned', 'num-obs']);
    await page.waitForTimeout(400);
    await unstickHeader();
    await page
      .getByTestId('infer-results')
      .screenshot({ path: path.resolve('test-output/screenshots/infer-network-warning.png') });
    await screenshot(page, 'infer-network-warning-page');
  },
);

it('logged no page errors', () => {
  expect(app.seen.errors).toEqual([]);
});
