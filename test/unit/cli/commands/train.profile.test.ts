// `cli train --profile` through the real process: on webgpu the CLI finds a Vulkan driver by itself
// (SwiftShader from Debian's chromium on a machine without a GPU, by restarting itself once) and reports
// what the second optimizer step sent to the device; on wasm the same fields, counted as kernel records.
// Where scripts/lavapipe.mjs set up Mesa's lavapipe, the webgpu run is repeated on it: the same dispatches,
// uploads and losses as on SwiftShader, so an assumption that holds on one driver only shows up here.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../../../../src/nn/node/index.ts';
import { LAVAPIPE_ICD, lavapipeEnv } from '../../../../scripts/lavapipe.mjs';

const run = promisify(execFile);
const B = 2;
const N = 10;
const P = 6;
// Smallest run with two optimizer steps (one warm-up, one measured).
const ARGS = [
  '--train-sets',
  String(2 * B),
  '--val-sets',
  '2',
  '--obs',
  String(N),
  '--epochs',
  '1',
  '--batch-size',
  String(B),
  '--embed-dim',
  '4',
  '--summary-dim',
  '2',
  '--samples',
  '2',
  '--steps',
  '1',
  '--profile',
  '--json',
];

interface Profile {
  backend: string;
  dispatchesPerStep: number;
  dispatchesCountedAs: string;
  kernelRecordsPerStep: number;
  uploadBytesPerStep: number;
  uploadsPerStep: number;
  jsRandomPerStep: number;
  peakBytes: number;
  programsRun: number | null;
  topNoDispatchKernels: { name: string; count: number }[];
  topPrograms: { name: string; count: number }[];
}

interface Trained {
  profile: Profile;
  parameterCount: number;
  epochs: { loss: number; valLoss: number }[];
  stderr: string;
}

async function train(backend: string, env: Record<string, string> = {}): Promise<Trained> {
  const r = await run(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'train', ...ARGS, '--backend', backend],
    {
      maxBuffer: 1 << 24,
      env: { ...process.env, ...env },
    },
  );
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Omit<Trained, 'stderr'>;
  return { ...out, stderr: r.stderr };
}

/** The SwiftShader run, shared by its own test and the lavapipe comparison. */
let onSwiftshader: Promise<Trained> | null = null;
const swiftshader = (): Promise<Trained> => (onSwiftshader ??= train('webgpu'));

/** Bytes of the batch's own inputs: summary inputs (N × 3), x1 (P) and sqrt(N) per set (x0 and t are made on the device). */
const DATA_BYTES = 4 * B * (3 * N + P + 1);

function checkCommon(p: Profile, parameterCount: number): void {
  expect(p.dispatchesPerStep).toBeGreaterThan(0);
  expect(p.dispatchesPerStep).toBeLessThanOrEqual(p.kernelRecordsPerStep);
  // Base noise, times and dropout masks all come from Philox in kernels: no step draws in JavaScript.
  expect(p.jsRandomPerStep).toBe(0);
  // Weights and both Adam moments are alive during the step.
  expect(p.peakBytes).toBeGreaterThanOrEqual(3 * 4 * parameterCount);
}

describe('cli train --profile', () => {
  it.skipIf(!existsSync(SWIFTSHADER_ICD))(
    'webgpu (Dawn): dispatches and uploads of one step after warm-up',
    { timeout: 180_000 },
    async () => {
      const { profile: p, parameterCount, stderr } = await swiftshader();
      expect(stderr).toMatch(/webgpu: Dawn on /);
      expect(p.backend).toBe('webgpu');
      checkCommon(p, parameterCount);
      expect(p.dispatchesCountedAs).toMatch(/dispatchWorkgroups/);
      // Every dispatch came through tfjs's program path, and kernels that only relabel a buffer sent none.
      expect(p.programsRun).toBe(p.dispatchesPerStep);
      expect(p.dispatchesPerStep).toBeLessThan(p.kernelRecordsPerStep);
      expect(p.topNoDispatchKernels.map((k) => k.name)).toEqual(expect.arrayContaining(['Reshape', 'Identity']));
      // The batch's data has to get there; masks made in JS (B·N·width floats per dropout site) would not fit the bound.
      expect(p.uploadBytesPerStep).toBeGreaterThanOrEqual(DATA_BYTES);
      expect(p.uploadBytesPerStep).toBeLessThan(32 * DATA_BYTES);
      expect(p.uploadsPerStep).toBeGreaterThan(0);
    },
  );

  it.skipIf(!existsSync(SWIFTSHADER_ICD) || !existsSync(LAVAPIPE_ICD))(
    'webgpu on lavapipe: the same dispatches, uploads and losses as on SwiftShader',
    { timeout: 240_000 },
    async () => {
      const [lvp, swift] = await Promise.all([train('webgpu', lavapipeEnv()), swiftshader()]);
      expect(lvp.stderr).toMatch(/software driver .*libvulkan_lvp\.so/);
      const counts = (p: Profile) => ({
        dispatches: p.dispatchesPerStep,
        uploads: p.uploadsPerStep,
        uploadBytes: p.uploadBytesPerStep,
        records: p.kernelRecordsPerStep,
        programs: p.topPrograms,
      });
      expect(counts(lvp.profile)).toEqual(counts(swift.profile));
      for (const [i, e] of lvp.epochs.entries()) {
        const s = swift.epochs[i]!;
        expect(Math.abs(e.loss - s.loss) / Math.abs(s.loss)).toBeLessThan(1e-3);
        expect(Math.abs(e.valLoss - s.valLoss) / Math.abs(s.valLoss)).toBeLessThan(1e-3);
      }
    },
  );

  it('wasm: the same fields, dispatches counted as kernel records and no uploads', { timeout: 120_000 }, async () => {
    const { profile: p, parameterCount } = await train('wasm');
    expect(p.backend).toBe('wasm');
    checkCommon(p, parameterCount);
    expect(p.dispatchesCountedAs).toMatch(/kernel records/);
    expect(p.dispatchesPerStep).toBe(p.kernelRecordsPerStep);
    expect(p.uploadBytesPerStep).toBe(0);
    expect(p.programsRun).toBeNull();
  });
});
