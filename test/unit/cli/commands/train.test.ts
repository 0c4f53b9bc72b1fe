import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../../../src/cli/commands/train.ts';
import { parseNetworkFile } from '../../../../src/nn/model/network-file.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('train CLI', () => {
  it('prints {backend, epochs, metrics, L, msPerStep} and --save writes a loadable network file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'train-cli-'));
    const file = join(dir, 'model.json');
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      out += String(c);
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await run([
      '--train-sets',
      '16',
      '--val-sets',
      '4',
      '--obs',
      '10',
      '--epochs',
      '2',
      '--seed',
      '4',
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
      '--save',
      file,
      '--json',
    ]);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
      backend: string;
      epochs: { loss: number; valLoss: number }[];
      metrics: Record<string, Record<string, number>>;
      L: number;
      msPerStep: number;
    };
    expect(r.backend).toBe('wasm');
    expect(r.epochs).toHaveLength(2);
    for (const e of r.epochs) expect(Number.isFinite(e.loss) && Number.isFinite(e.valLoss)).toBe(true);
    expect(Object.keys(r.metrics)).toEqual(['NRMSE', 'Posterior Contraction', 'Calibration Error']);
    expect(Object.keys(r.metrics['NRMSE']!)).toEqual(['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r']);
    expect(Number.isFinite(r.L)).toBe(true);
    expect(r.msPerStep).toBeGreaterThan(0);
    const saved = parseNetworkFile(await readFile(file, 'utf8'));
    expect(saved.config.embedDim).toBe(8);
    expect(saved.metadata['L']).toBe(r.L);
    expect((saved.metadata['simulator'] as { fixedNumObs: number }).fixedNumObs).toBe(10);
  });

  it('rejects bad options with the option name and value', async () => {
    await expect(run(['--obs', '0'])).rejects.toThrow(
      "option --obs: expected trials per data set (100) or a range (50-1000), got '0'",
    );
    await expect(run(['--val-sets', '1'])).rejects.toThrow(/--val-sets: the diagnostics need at least 2/);
    await expect(run(['--dropout', '1.5'])).rejects.toThrow('hyperparameter dropout must be in [0, 1), got 1.5');
    await expect(run(['--integrator', 'rk45'])).rejects.toThrow(
      "option --integrator: expected euler or rk4, got 'rk45'",
    );
    await expect(run(['--backend', 'metal'])).rejects.toThrow(/Node offers wasm, cpu or webgpu/);
    await expect(run(['--epoch', '3'])).rejects.toThrow(/unknown option --epoch/);
    await expect(run(['--matmul-f16'])).rejects.toThrow(
      "option --matmul-f16: needs --backend webgpu (the mixed-precision kernel exists only there), got 'wasm'",
    );
    await expect(run(['--matmul-f16', '--backend', 'cpu'])).rejects.toThrow(/--matmul-f16: needs --backend webgpu/);
  });
});
