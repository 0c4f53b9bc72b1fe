/**
 * The study the final-network e2e tests start from: one COMPLETE trial whose hyperparameters train a tiny
 * network (embed 8, summary 4, batch 8, one seed; 20 posterior draws, 4 integration steps), written as an
 * Optuna journal carrying the dmc-tune configuration, imported into a fresh app page so that Results shows
 * its Final network panel.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createStudy, RandomSampler } from '../../src/engine/index.ts';
import { exportStudyJournal, JournalStorage, MemoryJournalBackend } from '../../src/engine/storages/journal/index.ts';
import { CONFIG_ATTR } from '../../src/state/study-meta.ts';
import { smokeStudyConfig, suggestAll, type StudyConfig } from '../../src/study-config/index.ts';
import { openApp, type App } from './harness.ts';

async function writeJournal(dir: string, name: string): Promise<string> {
  const smoke = smokeStudyConfig();
  const config: StudyConfig = {
    ...smoke,
    name,
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
  const file = path.join(dir, `${name}.log`);
  writeFileSync(file, await exportStudyJournal(storage, study.studyId));
  return file;
}

export interface FinalNetworkPage {
  app: App;
  page: Page;
  close(): Promise<void>;
}

/** Opens the app, imports the one-trial study named `name` and waits for its Final network panel. */
export async function openFinalNetworkStudy(name: string): Promise<FinalNetworkPage> {
  const dir = mkdtempSync(path.join(tmpdir(), `dmc-e2e-${name}-`));
  const file = await writeJournal(dir, name);
  const app = await openApp({ route: '' });
  const page = app.page;
  await page.getByTestId('library-empty').waitFor({ timeout: 60_000 });
  await page.getByTestId('file-input').setInputFiles(file);
  await page.waitForURL(/#\/results\/\d+$/, { timeout: 30_000 });
  await page.getByTestId('final-network').waitFor();
  return {
    app,
    page,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
