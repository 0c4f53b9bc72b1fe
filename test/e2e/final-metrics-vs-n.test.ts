/**
 * Results → Final network → diagnostics in headless Chromium with the real workers: a tiny final network
 * is trained on N 20–60; its diagnostics show the calibration ECDF per parameter (band and rank ECDF);
 * "Metrics vs N" offers five N over the trained range, runs in the inference worker with progress, can be
 * cancelled, and then draws NRMSE, contraction and calibration error over N; Infer's network card offers
 * the same for the network chosen there.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createStudy, RandomSampler } from '../../src/engine/index.ts';
import { exportStudyJournal, JournalStorage, MemoryJournalBackend } from '../../src/engine/storages/journal/index.ts';
import { CONFIG_ATTR } from '../../src/state/study-meta.ts';
import { smokeStudyConfig, suggestAll, type StudyConfig } from '../../src/study-config/index.ts';
import { openApp, screenshot, type App } from './harness.ts';

let app: App;
let page: Page;
let dir: string;

/** A study whose one complete trial trains a tiny network (embed 8, summary 4, batch 8; 20 draws, 4 steps). */
async function journalFile(): Promise<string> {
  const smoke = smokeStudyConfig();
  const config: StudyConfig = {
    ...smoke,
    name: 'metrics-vs-n-e2e',
    searchSpace: {
      ...smoke.searchSpace,
      embed_dim: { type: 'categorical', choices: [8] },
      summary_dim: { type: 'categorical', choices: [4] },
      batch_size: { type: 'categorical', choices: [8] },
      num_seeds: { type: 'int', low: 1, high: 1 },
    },
    diagnostics: { posteriorDraws: 20, integrationSteps: 4, integrator: 'euler' },
  };
  const storage = new JournalStorage(new MemoryJournalBackend());
  const study = await createStudy({ studyName: config.name, storage, sampler: new RandomSampler({ seed: 1 }) });
  await storage.setStudyUserAttr(study.studyId, CONFIG_ATTR, config as never);
  const trial = await study.ask();
  await suggestAll(trial, config);
  await trial.setUserAttr('seed', 12345);
  await study.tell(trial, 1.25);
  const file = path.join(dir, 'metrics-vs-n-e2e.log');
  writeFileSync(file, await exportStudyJournal(storage, study.studyId));
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-e2e-mvn-'));
  const file = await journalFile();
  app = await openApp({ route: '' });
  page = app.page;
  await page.getByTestId('library-empty').waitFor({ timeout: 60_000 });
  await page.getByTestId('file-input').setInputFiles(file);
  await page.waitForURL(/#\/results\/\d+$/, { timeout: 30_000 });
  await page.getByTestId('final-network').waitFor();
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('shows the calibration ECDF and the metrics vs N of a final network', { timeout: 600_000 }, async () => {
  await page.getByTestId('final-epochs').fill('2');
  await page.getByTestId('final-batches').fill('2');
  await page.getByTestId('final-min').fill('20');
  await page.getByTestId('final-max').fill('60');
  await page.getByTestId('final-val').fill('24');
  await page.getByTestId('final-start').click();
  await page.getByTestId('final-done').waitFor({ timeout: 300_000 });

  const diagnostics = page.getByTestId('final-diagnostics');
  // Calibration, contraction, recovery (6) and the calibration ECDF (6): 14 charts.
  await diagnostics.locator('canvas').nth(13).waitFor({ timeout: 30_000 });
  const ecdf = diagnostics.getByRole('img', { name: /^A — rank ECDF/ });
  expect(await ecdf.count()).toBeGreaterThan(0);

  const list = page.getByTestId('metrics-vs-n-list');
  expect(await list.inputValue()).toBe('20, 30, 40, 50, 60');
  await list.fill('20, x');
  expect(await page.getByTestId('metrics-vs-n-error').innerText()).toMatch(/“x” is not a trial count/);
  expect(await page.getByTestId('metrics-vs-n-run').isDisabled()).toBe(true);

  // Started and cancelled at once: nothing is drawn, the worker is stopped.
  await list.fill('20, 40, 60, 120');
  await page.getByLabel('Validation sets per N').fill('24');
  await page.getByTestId('metrics-vs-n-run').click();
  await page.getByTestId('metrics-vs-n-cancel').click();
  await page.getByText('Cancelled.').waitFor();
  expect(await page.getByTestId('metrics-vs-n-plots').count()).toBe(0);

  await page.getByTestId('metrics-vs-n-run').click();
  const plots = page.getByTestId('metrics-vs-n-plots');
  await plots.waitFor({ timeout: 300_000 });
  await plots.locator('canvas').nth(2).waitFor();
  expect(await plots.getAttribute('data-backend')).toMatch(/^(wasm|webgpu)$/);
  await page.getByTestId('metrics-vs-n').scrollIntoViewIfNeeded();
  await screenshot(page, 'final-metrics-vs-n');

  // Infer's network card offers the same for the chosen network, with its own trained range.
  await page.goto(app.url + '#/infer', { waitUntil: 'commit' });
  const select = page.getByTestId('network-select');
  const option = select.locator('option', { hasText: 'final network from trial 0' });
  await option.waitFor({ state: 'attached', timeout: 30_000 });
  await select.selectOption((await option.getAttribute('value'))!);
  const inferList = page.getByTestId('metrics-vs-n-list');
  await inferList.waitFor({ timeout: 30_000 });
  expect(await inferList.inputValue()).toBe('20, 30, 40, 50, 60');
  expect(app.seen.errors).toEqual([]);
});
