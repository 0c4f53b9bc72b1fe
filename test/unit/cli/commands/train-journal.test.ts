/**
 * `cli train --from-journal FILE --trial N --save MODEL.json` as a real process: a trial of a journal the
 * app exported (carrying its dmc-tune configuration) is trained with its own hyperparameters, seed,
 * simulator and diagnostics settings; the network file records them. And the usage errors around it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../../src/cli/commands/train.ts';
import { CONFIG_ATTR } from '../../../../src/cluster/index.ts';
import { createStudy, RandomSampler } from '../../../../src/engine/index.ts';
import {
  exportStudyJournal,
  JournalStorage,
  MemoryJournalBackend,
} from '../../../../src/engine/storages/journal/index.ts';
import { parseNetworkFile } from '../../../../src/nn/model/network-file.ts';
import { smokeStudyConfig, suggestAll, type StudyConfig } from '../../../../src/study-config/index.ts';
import { cli } from '../cli-process.ts';

let dir: string;
let journal: string;
const params: Record<string, number>[] = [];

const config: StudyConfig = {
  ...smokeStudyConfig(),
  name: 'from-journal',
  simulator: { ...smokeStudyConfig().simulator, numObs: { fixed: 24 } },
  searchSpace: {
    ...smokeStudyConfig().searchSpace,
    embed_dim: { type: 'categorical', choices: [8, 16] },
    summary_dim: { type: 'categorical', choices: [4] },
    batch_size: { type: 'categorical', choices: [8] },
    num_seeds: { type: 'int', low: 1, high: 2 },
  },
  data: { trainingSets: 16, validationSets: 6 },
  diagnostics: { posteriorDraws: 12, integrationSteps: 3, integrator: 'euler' },
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'train-journal-'));
  const storage = new JournalStorage(new MemoryJournalBackend());
  const study = await createStudy({ studyName: config.name, storage, sampler: new RandomSampler({ seed: 4 }) });
  await storage.setStudyUserAttr(study.studyId, CONFIG_ATTR, config as never);
  for (let i = 0; i < 2; i++) {
    const t = await study.ask();
    params.push(await suggestAll(t, config));
    await t.setUserAttr('seed', 1000 + i);
    await study.tell(t, 1 + i);
  }
  journal = path.join(dir, 'journal.log');
  writeFileSync(journal, await exportStudyJournal(storage, study.studyId));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('cli train --from-journal', () => {
  it(
    "trains trial N's hyperparameters with its seed and the study's settings, and --save records them",
    { timeout: 120_000 },
    async () => {
      const model = path.join(dir, 'final.json');
      const r = await cli([
        'train',
        '--from-journal',
        journal,
        '--trial',
        '1',
        '--epochs',
        '2',
        '--save',
        model,
        '--json',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('trial 1 of "from-journal"');
      const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
        seed: number;
        hyperparameters: Record<string, unknown>;
        fromJournal: unknown;
        epochs: unknown[];
      };
      const p = params[1]!;
      expect(out.fromJournal).toEqual({ study: 'from-journal', trial: 1 });
      expect(out.seed).toBe(1001);
      expect(out.hyperparameters).toEqual({
        epochs: 2,
        batchSize: p['batch_size'],
        lr: p['lr'],
        dropout: p['dropout'],
        numSeeds: p['num_seeds'],
        embedDim: p['embed_dim'],
        summaryDim: p['summary_dim'],
        posteriorDraws: 12,
        integrationSteps: 3,
        integrator: 'euler',
      });
      expect(out.epochs).toHaveLength(2);
      const file = parseNetworkFile(readFileSync(model, 'utf8'));
      expect(file.config.embedDim).toBe(p['embed_dim']);
      expect(file.metadata.seed).toBe(1001);
      expect(file.metadata['trialNumber']).toBe(1);
      expect((file.metadata['simulator'] as { fixedNumObs: number }).fixedNumObs).toBe(24);
    },
  );

  it('refuses what does not fit, naming the option', async () => {
    await expect(run(['--trial', '1'])).rejects.toThrow('option --trial: needs --from-journal FILE');
    await expect(run(['--from-journal', journal])).rejects.toThrow(
      'option --from-journal: give the trial with --trial N',
    );
    await expect(run(['--from-journal', journal, '--trial', '0', '--lr', '0.1'])).rejects.toThrow(
      "option --lr: the hyperparameters come from the journal's trial (--from-journal); drop --lr or --from-journal",
    );
    await expect(run(['--from-journal', journal, '--trial', '7'])).rejects.toThrow(
      'study "from-journal" has no trial 7',
    );
    await expect(run(['--from-journal', path.join(dir, 'none.log'), '--trial', '0'])).rejects.toThrow(
      /cannot read .*none\.log/,
    );
  });
});
