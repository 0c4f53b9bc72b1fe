/**
 * The configuration that aborted the wasm backend in the CPU demo's second trial (batch 64, embed 128,
 * N 200: 52 sets per pass asked for 6.6 GB of a 4 GiB heap), run as a user runs it: the real CLI process.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

it('cli train at batch 64 × embed 128 × N 200 trains and scores on wasm', async () => {
  const args = [
    '--import',
    'tsx',
    'src/cli/main.ts',
    'train',
    '--train-sets',
    '64',
    '--val-sets',
    '32',
    '--obs',
    '200',
    '--epochs',
    '2',
    '--batch-size',
    '64',
    '--lr',
    '2.596e-4',
    '--dropout',
    '0.28',
    '--num-seeds',
    '2',
    '--embed-dim',
    '128',
    '--summary-dim',
    '18',
    '--samples',
    '200',
    '--steps',
    '50',
    '--json',
  ];
  const { stdout, stderr } = await run(process.execPath, args, { maxBuffer: 1 << 24 });
  expect(stderr).not.toMatch(/Aborted|out of bounds/);
  const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    backend: string;
    L: number;
    epochs: { loss: number }[];
  };
  expect(out.backend).toBe('wasm');
  expect(out.epochs).toHaveLength(2);
  expect(out.epochs.every((e) => Number.isFinite(e.loss))).toBe(true);
  expect(Number.isFinite(out.L)).toBe(true);
}, 300_000);
