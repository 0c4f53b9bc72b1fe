// `cli train` on webgpu (Dawn on SwiftShader, 1 GiB per buffer) with a configuration forced over the
// limit, through the real process: 1 set × 64 heads × N 2100² attention scores in one pass is a
// 1.13 GB tensor (--micro-batch 1 skips the planner, --attention composite writes the scores, which
// the fused kernel never does; many heads rather than a long set keep the rest of the step small). Everything else is small, and the refused buffer is invalid, so it
// takes no memory. The run must stop in its first step with the GPU's message and exit 1, and its
// memory stay bounded — once, tfjs ran on with invalid buffers until the OS killed it at 24 GB.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dirname } from 'node:path';
import { REEXEC_FLAG, SWIFTSHADER_ICD } from '../../../../src/nn/node/index.ts';

const B = 1;
const HEADS = 64;
const N = 2100;
const SCORE_BYTES = B * HEADS * N * N * 4;
const ARGS = [
  'train',
  '--backend',
  'webgpu',
  '--train-sets',
  '2',
  '--heads',
  String(HEADS),
  '--val-sets',
  '2',
  '--obs',
  String(N),
  '--epochs',
  '1',
  '--batch-size',
  String(B),
  '--micro-batch',
  String(B),
  '--attention',
  'composite',
  '--embed-dim',
  '4',
  '--summary-dim',
  '2',
  '--samples',
  '2',
  '--steps',
  '1',
];
/**
 * Peak resident memory allowed. A run on SwiftShader peaks near 1 GB (Node, tfjs, Dawn, SwiftShader's
 * compiled shaders); a refused buffer that took memory would add its 1.13 GB on top of that.
 */
const PEAK_LIMIT = 1.6e9;

/** Peak resident set (VmHWM) of a live process, in bytes; 0 once it is gone. */
function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Number(m[1]) * 1024;
  } catch {
    return 0;
  }
}

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
  peak: number;
  ms: number;
}

/** Runs the CLI with SwiftShader's variables already set, so it does not restart itself and its pid is the one to watch. */
function cli(args: string[]): Promise<Run> {
  const env = {
    ...process.env,
    LD_LIBRARY_PATH: `${dirname(SWIFTSHADER_ICD)}:${process.env['LD_LIBRARY_PATH'] ?? ''}`,
    VK_ICD_FILENAMES: SWIFTSHADER_ICD,
    [REEXEC_FLAG]: '1',
  };
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env });
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const sampler = setInterval(() => (peak = Math.max(peak, peakRss(child.pid!))), 100);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(sampler);
      resolve({ code, stdout, stderr, peak, ms: performance.now() - t0 });
    });
  });
}

describe('cli train over the GPU buffer limit', () => {
  it.skipIf(!existsSync(SWIFTSHADER_ICD))(
    'fails its first step with the GPU message, exit 1, memory bounded',
    { timeout: 300_000 },
    async () => {
      expect(SCORE_BYTES).toBeGreaterThan(2 ** 30);
      const r = await cli(ARGS);
      process.stderr.write(
        `over-limit cli train: exit ${r.code}, peak RSS ${(r.peak / 1e9).toFixed(2)} GB, ${(r.ms / 1000).toFixed(1)} s\n`,
      );
      expect(r.stderr).toMatch(/webgpu: Dawn on SwiftShader/);
      expect(r.code).toBe(1);
      const error = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
      expect(error).toHaveLength(1);
      expect(error[0]).toMatch(
        /^error: the GPU refused a buffer of 1\.13 GB \(its limit is 1\.07 GB\): use a smaller batch/,
      );
      expect(error[0]).toContain(
        `GPU error (GPUValidationError): Buffer size (${SCORE_BYTES}) exceeds the max buffer size limit (${2 ** 30})`,
      );
      // Stopped in the first epoch's steps: no epoch was reported, nothing printed on stdout.
      expect(r.stderr).not.toMatch(/^epoch /m);
      expect(r.stdout).toBe('');
      expect(r.peak).toBeGreaterThan(0);
      expect(r.peak).toBeLessThan(PEAK_LIMIT);
    },
  );

  it('refuses a bad --micro-batch or --attention as a usage error (exit 2)', { timeout: 60_000 }, async () => {
    const bad = await cli(['train', '--micro-batch', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--micro-batch/);
    const att = await cli(['train', '--attention', 'flash']);
    expect(att.code).toBe(2);
    expect(att.stderr).toMatch(/option --attention: expected auto, fused or composite, got 'flash'/);
  });
});
