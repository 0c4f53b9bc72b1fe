// A study on webgpu (Dawn on SwiftShader) goes on after a trial the GPU refused: trial 0 is forced over
// the 1 GiB buffer limit and fails with the GPU's message as its reason; trial 1, on the same device,
// completes with a finite L; neither leaves a tensor behind. The study runs in its own process
// (gpu-error-study.script.ts) started with SwiftShader's variables; then again on lavapipe where
// scripts/lavapipe.mjs set it up, whose storage-binding limit (128 MiB) is below its buffer limit, so Dawn
// refuses the same step with a binding message instead (its plain-language reading was missing until this
// run showed it).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { TrialState } from '../../../../src/engine/index.ts';
import { REEXEC_FLAG, SWIFTSHADER_ICD } from '../../../../src/nn/node/index.ts';
import { LAVAPIPE_ICD, lavapipeEnv } from '../../../../scripts/lavapipe.mjs';

const run = promisify(execFile);

interface Report {
  trials: { state: TrialState; value: number | null; reason: string | null }[];
  tensorsBefore: number;
  tensorsAfter: number[];
  ms: number[];
  maxRss: number;
}

async function study(env: Record<string, string | undefined>): Promise<Report> {
  const r = await run(process.execPath, ['--import', 'tsx', 'test/unit/nn/runtime/device.gpu-error-study.script.ts'], {
    env,
    maxBuffer: 1 << 24,
  });
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Report;
  process.stderr.write(
    `gpu-error study: trials ${out.ms.map((m) => `${(m / 1000).toFixed(1)} s`).join(', ')}, max RSS ${(out.maxRss / 1e9).toFixed(2)} GB\n`,
  );
  expect(out.trials.map((t) => t.state)).toEqual([TrialState.FAIL, TrialState.COMPLETE]);
  expect(Number.isFinite(out.trials[1]!.value)).toBe(true);
  expect(out.tensorsAfter).toEqual([out.tensorsBefore, out.tensorsBefore]);
  expect(out.maxRss).toBeLessThan(1.6e9);
  return out;
}

it.skipIf(!existsSync(SWIFTSHADER_ICD))(
  'a trial over the GPU limit is FAIL with the GPU message, the next one COMPLETE',
  { timeout: 300_000 },
  async () => {
    const env = {
      ...process.env,
      LD_LIBRARY_PATH: `${dirname(SWIFTSHADER_ICD)}:${process.env['LD_LIBRARY_PATH'] ?? ''}`,
      VK_ICD_FILENAMES: SWIFTSHADER_ICD,
      [REEXEC_FLAG]: '1',
    };
    const out = await study(env);
    expect(out.trials[0]!.reason).toMatch(
      /^the GPU refused a buffer of 1\.13 GB \(its limit is 1\.07 GB\): use a smaller batch/,
    );
    expect(out.trials[0]!.reason).toContain(
      'GPU error (GPUValidationError): Buffer size (1128960000) exceeds the max buffer size limit (1073741824)',
    );
  },
);

it.skipIf(!existsSync(LAVAPIPE_ICD))(
  'on lavapipe the same trial fails at its binding limit, with the same plain reading',
  { timeout: 300_000 },
  async () => {
    const out = await study({ ...process.env, ...lavapipeEnv() });
    expect(out.trials[0]!.reason).toMatch(
      /^the GPU refused a buffer of 1\.13 GB \(its limit is 0\.13 GB\): use a smaller batch/,
    );
    expect(out.trials[0]!.reason).toContain(
      'Binding size (1128960000) of [Buffer (unlabeled)] is larger than the maximum storage buffer binding size (134217728)',
    );
  },
);
