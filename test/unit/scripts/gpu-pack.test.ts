/**
 * `npm run gpu:pack` and the pack's run.sh, as a GPU machine would run it: the pack copied to a folder with
 * no node_modules above it, run with a PATH that holds no Node (only the few tools run.sh uses), here on
 * SwiftShader (Debian chromium's software Vulkan) in --quick mode. The first training losses must equal
 * the wasm backend's from the same seed (same data, weights, shuffle and dropout streams; only float
 * arithmetic differs), as test/browser/train-webgpu-wasm.test.ts holds for the browser.
 */
import { execFile, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  cpSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD } from '../../../src/nn/node/index.ts';
import { TRAIN_QUICK } from '../../../bench/gpu-pack/configs.ts';
import { LAVAPIPE_ICD, lavapipeEnv } from '../../../scripts/lavapipe.mjs';
import { useWasm } from '../nn/helpers.ts';

const run = promisify(execFile);
const PACK = 'gpu-pack';
/** What run.sh calls; `gunzip` is a script around `gzip`. python3 only where the torch part should run. */
const TOOLS = [
  'bash',
  'sh',
  'gzip',
  'gunzip',
  'mktemp',
  'cp',
  'rm',
  'mkdir',
  'mv',
  'chmod',
  'date',
  'timeout',
  'sed',
  'tr',
  'tail',
  'cat',
  'cut',
  'grep',
  'ls',
  'basename',
  'dirname',
  'env',
  'ldconfig',
];
const canBuild = existsSync('/usr/bin/apt-get') && existsSync('/usr/bin/dpkg') && process.arch === 'x64';

let work = '';
/** A folder of links to `tools` only: no node, no npm. */
function pathWith(tools: string[]): string {
  const bin = mkdtempSync(path.join(work, 'bin-'));
  for (const t of tools) {
    const where = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'].map((d) => path.join(d, t)).find((p) => existsSync(p));
    if (where !== undefined) symlinkSync(where, path.join(bin, t));
  }
  return bin;
}

async function runPack(
  args: string[],
  tools: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ json: Record<string, unknown>; stderr: string; out: string }> {
  const dir = mkdtempSync(path.join(work, 'run-'));
  cpSync(PACK, path.join(dir, PACK), { recursive: true });
  const out = path.join(dir, 'out');
  const env = { PATH: pathWith(tools), HOME: dir, OUT: out, TMPDIR: dir, ...extraEnv };
  const noNode = spawnSync('bash', ['-c', 'command -v node npm npx'], { env, encoding: 'utf8' });
  expect(noNode.stdout).toBe('');
  const r = await run('bash', [path.join(dir, PACK, 'run.sh'), ...args], {
    cwd: dir,
    env,
    maxBuffer: 1 << 24,
    timeout: 400_000,
  });
  const json = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  return { json, stderr: r.stderr, out };
}

/** The parts of a --quick run on software Vulkan, each complete; returns them. */
function checkQuickRun(json: Record<string, unknown>): Record<string, Record<string, unknown>> {
  expect(json['error']).toBeNull();
  const parts = json['parts'] as Record<string, Record<string, unknown>>;
  for (const name of ['adapter', 'step-b4-n16-e8-f32', 'step-b4-n16-e8-f16', 'train', 'draws']) {
    expect(parts[name], name).toMatchObject({ complete: true, status: expect.stringMatching(/^ok in/) });
  }
  const [f32, f16] = [parts['step-b4-n16-e8-f32']!, parts['step-b4-n16-e8-f16']!];
  for (const p of [f32, f16]) {
    expect(p['backend']).toBe('webgpu');
    expect((p['profile'] as { dispatchesPerStep: number }).dispatchesPerStep).toBeGreaterThan(50);
    expect(p['time']).toMatchObject({ timedSteps: 3, msMedian: expect.any(Number) });
  }
  // binary16 operands, float32 sums: the same losses to about f16's precision.
  const [l32, l16] = [f32['firstLosses'] as number[], f16['firstLosses'] as number[]];
  expect(l16).toHaveLength(4);
  for (let i = 0; i < 4; i++) expect(Math.abs(l16[i]! - l32[i]!) / Math.abs(l32[i]!)).toBeLessThan(2e-2);
  expect(parts['draws']).toMatchObject({ finite: true, drawsPerSecond: expect.any(Number) });
  expect(parts['train']!['reachedTarget']).toBe(true);
  return parts;
}

/** The quick training run on wasm, here: its per-step losses equal `gpu` to 1e-3 (relative). */
async function sameLossesAsWasm(gpu: number[]): Promise<void> {
  expect(gpu).toHaveLength(TRAIN_QUICK.trainSets / TRAIN_QUICK.hparams.batchSize);
  await useWasm();
  const nn = await import('../../../src/nn/index.ts');
  const sim = await import('../../../src/sim/index.ts');
  const c = TRAIN_QUICK;
  const cfg = { ...sim.NOTEBOOK_CONFIG, fixedNumObs: c.obs };
  const wasm: number[] = [];
  const overrides = { ...c.network!, mlpWidths: [...c.network!.mlpWidths], flowWidths: [...c.network!.flowWidths] };
  const spec = nn.trialSpec(c.hparams, { seed: c.seed, network: { overrides } });
  const r = await nn.runObjective(
    spec,
    sim.simulateBatch(cfg, c.seed, c.trainSets),
    sim.simulateBatch(cfg, c.valSeed, c.valSets),
    {
      onBatch: (p) => wasm.push(p.loss),
    },
  );
  expect(r.status).toBe('complete');
  expect(wasm).toHaveLength(gpu.length);
  for (let i = 0; i < gpu.length; i++)
    expect(Math.abs(gpu[i]! - wasm[i]!) / Math.abs(wasm[i]!), `step ${i}: ${gpu[i]} vs ${wasm[i]}`).toBeLessThan(1e-3);
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'gpu-pack-test-'));
  // No node_modules above the copies: a temporary folder is outside the repository.
  for (let d = work; d !== path.dirname(d); d = path.dirname(d))
    expect(existsSync(path.join(d, 'node_modules'))).toBe(false);
  if (canBuild) await run(process.execPath, ['scripts/gpu-pack.mjs'], { maxBuffer: 1 << 24, timeout: 240_000 });
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!canBuild)('gpu:pack', () => {
  it('holds Node, the bundle, Dawn and the Vulkan loader as plain files, at most 60 MiB', () => {
    const files = (d: string): string[] =>
      readdirSync(d).flatMap((f) =>
        lstatSync(path.join(d, f)).isDirectory() ? files(path.join(d, f)) : [path.join(d, f)],
      );
    const all = files(PACK);
    expect(all.every((f) => lstatSync(f).isFile())).toBe(true); // links do not travel to the device machine
    const rel = all.map((f) => path.relative(PACK, f)).sort();
    for (const f of [
      'node.gz',
      'dawn.node.gz',
      'dawn/index.mjs',
      'measure.mjs',
      'lib/libvulkan.so.1',
      'run.sh',
      'torch_reference.py',
      'manifest.json',
      'wasm/tfjs-backend-wasm-simd.wasm',
    ]) {
      expect(rel).toContain(f);
    }
    const bytes = all.reduce((s, f) => s + statSync(f).size, 0);
    expect(bytes).toBeLessThanOrEqual(60 * 2 ** 20);
    const manifest = JSON.parse(readFileSync(path.join(PACK, 'manifest.json'), 'utf8')) as {
      node: { version: string; glibc: string };
      libvulkan: string;
    };
    expect(manifest.node.version).toBe(process.version);
    expect(manifest.libvulkan).toMatch(/^libvulkan1_/);
  });

  it(
    'says plainly that no NVIDIA driver was found, and still prints one JSON object',
    { timeout: 120_000 },
    async () => {
      const { json, out } = await runPack([], TOOLS);
      expect(json['error']).toMatch(/^no NVIDIA Vulkan driver was found/);
      expect(json['vulkanDriver']).toBeNull();
      expect(JSON.parse(readFileSync(path.join(out, 'gpu-pack.json'), 'utf8'))).toEqual(json);
    },
  );

  it.skipIf(!existsSync(SWIFTSHADER_ICD))(
    'keeps each part to its limit and the whole run to its budget, and says so per part',
    { timeout: 120_000 },
    async () => {
      // The full sizes on SwiftShader with a 20 s budget: the first step cannot finish its warm-up.
      const { json } = await runPack(['--driver', 'swiftshader'], TOOLS, { GPU_PACK_BUDGET_S: '20' });
      const parts = json['parts'] as Record<string, Record<string, unknown>>;
      expect(parts['adapter']).toMatchObject({ complete: true, status: expect.stringMatching(/^ok in/) });
      expect(parts['step-b64-n500-e64-f32']).toMatchObject({
        complete: false,
        size: { batch: 64, obs: 500, embed: 64 },
        status: expect.stringMatching(/^stopped at its \d+ s limit/),
      });
      expect(parts['torch']!['status']).toMatch(/^skipped: python3 cannot import torch/);
      for (const name of ['train', 'draws', 'step-b64-n500-e64-f16', 'step-b128-n1000-e128-f16'])
        expect(parts[name]!['status'], name).toBe('skipped: the 8-minute budget was spent');
      expect(json['projection']).toEqual({ skipped: expect.stringMatching(/nothing can be projected/) });
      expect(json['seconds']).toBeLessThan(40);
    },
  );

  it.skipIf(!existsSync(SWIFTSHADER_ICD))(
    "runs on SwiftShader without Node on the PATH; its first losses equal the wasm backend's",
    { timeout: 480_000 },
    async () => {
      const { json, stderr } = await runPack(['--quick', '--driver', 'swiftshader'], TOOLS);
      expect(stderr).toMatch(/node v[\d.]+ from the pack/);
      expect(json['adapter']).toMatchObject({ architecture: 'swiftshader', isFallbackAdapter: true });
      const parts = checkQuickRun(json);
      expect(parts['adapter']!['shaderF16']).toBe(false);
      await sameLossesAsWasm(parts['train']!['firstLosses'] as number[]);
    },
  );

  // lavapipe offers shader-f16: the f16 step runs MatMulF16's native-f16 variant, which SwiftShader lacks.
  it.skipIf(!existsSync(LAVAPIPE_ICD))(
    "runs on lavapipe too, the f16 step on native f16; the first losses equal the wasm backend's",
    { timeout: 300_000 },
    async () => {
      const { LD_LIBRARY_PATH } = lavapipeEnv({});
      const { json } = await runPack(['--quick', '--driver', LAVAPIPE_ICD], TOOLS, { LD_LIBRARY_PATH });
      expect(json['adapter']).toMatchObject({ vendor: 'mesa', isFallbackAdapter: true });
      const parts = checkQuickRun(json);
      expect(parts['adapter']!['shaderF16']).toBe(true);
      await sameLossesAsWasm(parts['train']!['firstLosses'] as number[]);
    },
  );
});
