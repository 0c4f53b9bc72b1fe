/**
 * `cli train --online` as a real process: a fresh simulated batch for every step from the worker-thread
 * pool, the same run with 1 or 2 simulation workers, a range of trial counts, --save recording the
 * online setting; and the usage errors that belong to it.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../../src/cli/commands/train.ts';
import { parseNetworkFile } from '../../../../src/nn/model/network-file.ts';
import { cli } from '../cli-process.ts';

const TINY = [
  '--val-sets',
  '8',
  '--epochs',
  '2',
  '--seed',
  '5',
  '--batch-size',
  '8',
  '--embed-dim',
  '8',
  '--summary-dim',
  '4',
  '--samples',
  '8',
  '--steps',
  '2',
  '--json',
];

interface Out {
  data: { mode: string; batchesPerEpoch: number; onlineBatches: number; dataWaitMs: number };
  epochs: { loss: number; valLoss: number }[];
  L: number;
}

describe('cli train --online', () => {
  it(
    'trains on fresh batches, the same with 1 or 2 simulation workers, and --save records it',
    { timeout: 120_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'train-online-'));
      const file = join(dir, 'model.json');
      const args = ['train', '--online', '--batches-per-epoch', '3', '--obs', '20-40', ...TINY];
      const [one, two] = await Promise.all([
        cli([...args, '--workers', '1', '--save', file]),
        cli([...args, '--workers', '2']),
      ]);
      for (const r of [one, two]) expect(r.code, r.stderr).toBe(0);
      expect(one.stderr).toMatch(/training online \(3 fresh batches of 8 per epoch\)/);
      const a = JSON.parse(one.stdout.trim().split('\n').at(-1)!) as Out;
      const b = JSON.parse(two.stdout.trim().split('\n').at(-1)!) as Out;
      expect(a.data).toMatchObject({ mode: 'online', batchesPerEpoch: 3, onlineBatches: 6 });
      expect(a.data.dataWaitMs).toBeGreaterThanOrEqual(0);
      expect(a.epochs).toHaveLength(2);
      expect(b.epochs).toEqual(a.epochs);
      expect(b.L).toBe(a.L);
      const saved = parseNetworkFile(await readFile(file, 'utf8'));
      expect(saved.metadata['online']).toEqual({ batchesPerEpoch: 3 });
      expect(saved.metadata['simulator']).toMatchObject({ fixedNumObs: null, minNumObs: 20, maxNumObs: 40 });
    },
  );

  it('refuses what does not fit online training, naming the option', async () => {
    await expect(run(['--batches-per-epoch', '5'])).rejects.toThrow(
      'option --batches-per-epoch: only for online training (add --online)',
    );
    await expect(run(['--obs', '50-20'])).rejects.toThrow(
      "option --obs: expected trials per data set (100) or a range (50-1000), got '50-20'",
    );
    await expect(run(['--obs', '20-40', '--val-sets', '4', '--train-sets', '8'])).rejects.toThrow(
      "option --obs: a range of trial counts (--obs MIN-MAX, or the study's) needs --online",
    );
  });
});
