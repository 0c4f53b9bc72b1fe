/**
 * One Dense-sized product through `MatMulF16` against tfjs's float32 `tf.matMul`, on webgpu in Node
 * (Dawn: a GPU Vulkan driver, or SwiftShader): the forward product x·W and the two gradient products
 * dY·Wᵀ and Xᵀ·dY. Prints one JSON object: per product and path, the median ms of --reps runs after a
 * warm-up (from the first kernel to the result on the host) and the dispatches of one run (StepProfiler).
 *
 *   node --import tsx bench/matmul-f16.ts [--m 32000 --k 64 --n 128 --reps 3]
 *
 * On SwiftShader the numbers say how the CPU emulation runs each shader, not what a GPU would do.
 */
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';

const { values: a } = parseArgs({
  options: {
    m: { type: 'string', default: '32000' },
    k: { type: 'string', default: '64' },
    n: { type: 'string', default: '128' },
    reps: { type: 'string', default: '3' },
  },
});
const [m, k, n, reps] = [Number(a.m), Number(a.k), Number(a.n), Number(a.reps)];

const { ensureNodeWebgpu } = await import('../src/nn/node/index.ts');
const driver = (await ensureNodeWebgpu()).detail;
const tf = await import('@tensorflow/tfjs');
const nn = await import('../src/nn/index.ts');
const { matMulF16 } = await import('../src/nn/ops/index.ts');
const { webgpuFeatures } = await import('../src/nn/kernels/index.ts');
await nn.selectBackend('webgpu', { strict: true });

const rand = (shape: [number, number]): TF.Tensor2D => tf.randomNormal(shape, 0, 1, 'float32', 1) as TF.Tensor2D;
const x = rand([m, k]);
const w = rand([k, n]);
const dy = rand([m, n]);

type Product = [string, () => TF.Tensor, () => TF.Tensor];
const products: Product[] = [
  [`x·W (${m}×${k} · ${k}×${n})`, () => tf.matMul(x, w), () => matMulF16(x, w)],
  [`dY·Wᵀ (${m}×${n} · (${k}×${n})ᵀ)`, () => tf.matMul(dy, w, false, true), () => matMulF16(dy, w, false, true)],
  [`Xᵀ·dY ((${m}×${k})ᵀ · ${m}×${n})`, () => tf.matMul(x, dy, true, false), () => matMulF16(x, dy, true, false)],
];

async function measure(
  run: () => TF.Tensor,
): Promise<{ msMedian: number; warmupMs: number; dispatches: number; programs: string[] }> {
  const once = async (): Promise<number> => {
    const t = performance.now();
    const c = run();
    await c.data();
    c.dispose();
    return performance.now() - t;
  };
  const warmupMs = await once();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(await once());
  const profiler = nn.StepProfiler.begin();
  const c = run();
  await c.data();
  c.dispose();
  const p = await profiler.end();
  times.sort((s, t) => s - t);
  return {
    msMedian: times[Math.floor(times.length / 2)]!,
    warmupMs,
    dispatches: p.dispatchesPerStep,
    programs: p.topPrograms.map((e) => `${e.name} ×${e.count}`),
  };
}

const out: Record<string, unknown> = {
  backend: tf.getBackend(),
  driver,
  device: webgpuFeatures(),
  m,
  k,
  n,
  reps,
  products: [] as unknown[],
};
for (const [name, f32, f16] of products) {
  let maxRelDiff = 0;
  {
    const [c32, c16] = [f32(), f16()];
    const [v32, v16] = [await c32.data(), await c16.data()];
    let scale = 0;
    for (let i = 0; i < v32.length; i++) scale = Math.max(scale, Math.abs(v32[i]!));
    for (let i = 0; i < v32.length; i++) maxRelDiff = Math.max(maxRelDiff, Math.abs(v32[i]! - v16[i]!) / scale);
    tf.dispose([c32, c16]);
  }
  (out['products'] as unknown[]).push({
    name,
    f32: await measure(f32),
    f16: await measure(f16),
    maxDiffOverMaxAbs: maxRelDiff,
  });
}
tf.dispose([x, w, dy]);
process.stdout.write(JSON.stringify(out) + '\n');
