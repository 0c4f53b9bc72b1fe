/**
 * `npm run bench -- peak`: the ceiling a wasm training step runs into on this CPU, against what PyTorch reaches.
 *
 * A training step at N = 500 is mostly matrix products. This bench measures, on one core, in one run:
 * - the most multiply-adds per second that 128-bit wasm SIMD can issue at all in this V8 — a hand-assembled
 *   module whose loop does nothing but independent `f32x4.mul` + `f32x4.add` on registers (no loads, no stores,
 *   twelve accumulators so the multiply and add latencies are hidden), and the same with relaxed SIMD's fused
 *   `f32x4.relaxed_madd` where V8 accepts it (Chromium does; Node 20 behind --experimental-wasm-relaxed-simd);
 * - what tfjs's wasm backend (XNNPACK, the prebuilt SIMD build) reaches on the step's own product shapes;
 * - what PyTorch (Debian python3-torch, one thread) reaches on the same shapes.
 * If PyTorch's achieved rate exceeds the wasm ceiling, no wasm kernel — ours, XNNPACK's, a rebuilt tfjs — can
 * make a product-bound step as fast as PyTorch's on this CPU; the gap is the hardware's vector width (wasm SIMD
 * is 4 float lanes, the CPU's AVX2/AVX-512 FMA 8/16), not our code.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PYTHON = process.env['PYTHON'] ?? '/usr/bin/python3';
const ACCUMULATORS = 12;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

const V128 = 0x7b;
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const F32X4_SPLAT = 0x13;
const F32X4_EXTRACT_LANE = 0x1f;
const F32X4_ADD = 0xe4;
const F32X4_MUL = 0xe6;
const F32X4_RELAXED_MADD = 0x105;

/**
 * A module exporting `peak(iterations: i32, seed: f32) -> f32`: each iteration updates every accumulator
 * acc = acc * x + y (fused or as mul then add), i.e. ACCUMULATORS × 4 multiply-adds per iteration.
 */
export function peakModule(fused: boolean): Uint8Array<ArrayBuffer> {
  // locals: 0 = iterations (param), 1 = seed (param), 2 = x, 3 = y, 4.. = accumulators
  const X = 2;
  const Y = 3;
  const acc = (k: number): number => 4 + k;
  const body: number[] = [];
  body.push(0x20, 1, ...simd(F32X4_SPLAT), 0x21, X); // x = splat(seed)
  body.push(0x20, 1, ...simd(F32X4_SPLAT), 0x21, Y); // y = splat(seed)
  for (let k = 0; k < ACCUMULATORS; k++) body.push(0x20, 1, ...simd(F32X4_SPLAT), 0x21, acc(k));
  body.push(0x03, 0x40); // loop
  for (let k = 0; k < ACCUMULATORS; k++) {
    if (fused) body.push(0x20, acc(k), 0x20, X, 0x20, Y, ...simd(F32X4_RELAXED_MADD), 0x21, acc(k));
    else body.push(0x20, acc(k), 0x20, X, ...simd(F32X4_MUL), 0x20, Y, ...simd(F32X4_ADD), 0x21, acc(k));
  }
  body.push(0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0); // iterations -= 1; br_if loop (iterations != 0)
  body.push(0x0b); // end loop
  // Sum the accumulators' first lanes so nothing is dead code.
  body.push(0x43, 0, 0, 0, 0); // f32.const 0
  for (let k = 0; k < ACCUMULATORS; k++) body.push(0x20, acc(k), ...simd(F32X4_EXTRACT_LANE), 0, 0x92); // f32.add
  body.push(0x0b);
  const locals = [1, 2 + ACCUMULATORS, V128]; // one group of v128 locals: x, y and the accumulators
  const func = [...locals, ...body];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, [1, 0x60, 2, 0x7f, 0x7d, 1, 0x7d]), // type: (i32, f32) -> f32
    ...section(3, [1, 0]), // one function of type 0
    ...section(7, [1, ...uleb(4), ...[...'peak'].map((c) => c.charCodeAt(0)), 0x00, 0]), // export "peak"
    ...section(10, [1, ...uleb(func.length), ...func]),
  ];
  return new Uint8Array(bytes);
}

/** Multiply-adds per second of the peak loop (best of `repeats`), or why it could not run. */
export async function measurePeak(
  fused: boolean,
  repeats = 5,
): Promise<{ gmacPerS: number } | { unavailable: string }> {
  const bytes = peakModule(fused);
  if (!WebAssembly.validate(bytes))
    return { unavailable: fused ? 'this V8 rejects relaxed SIMD (f32x4.relaxed_madd)' : 'this V8 rejects wasm SIMD' };
  const { instance } = await WebAssembly.instantiate(bytes);
  const peak = instance.exports['peak'] as (iterations: number, seed: number) => number;
  const iterations = 20_000_000;
  peak(100_000, 0.5); // tier-up
  let best = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = process.cpuUsage();
    peak(iterations, 0.999);
    const dt = process.cpuUsage(t0);
    const seconds = (dt.user + dt.system) / 1e6;
    best = Math.max(best, (iterations * ACCUMULATORS * 4) / seconds / 1e9);
  }
  return { gmacPerS: best };
}

const SHAPES: [number, number, number][] = [
  [3200, 64, 128], // a 64 × 50 batch's trial rows through a 64 → 128 dense layer
  [32000, 64, 128], // the same at N = 500
  [512, 512, 512], // a square product, near BLAS's best
];

async function tfjsWasmGmac(): Promise<Record<string, number>> {
  const { selectBackend } = await import('../src/nn/runtime/backend.ts');
  const tf = await import('@tensorflow/tfjs');
  await selectBackend('wasm', { strict: true });
  const out: Record<string, number> = {};
  for (const [m, k, n] of SHAPES) {
    const a = tf.randomNormal([m, k]);
    const b = tf.randomNormal([k, n]);
    tf.matMul(a, b).dispose();
    let best = 0;
    for (let r = 0; r < 10; r++) {
      const t0 = process.cpuUsage();
      const c = tf.matMul(a, b);
      c.dataSync();
      const dt = process.cpuUsage(t0);
      c.dispose();
      best = Math.max(best, (m * k * n) / ((dt.user + dt.system) / 1e6) / 1e9);
    }
    a.dispose();
    b.dispose();
    out[`${m}x${k}x${n}`] = best;
  }
  return out;
}

const TORCH_SCRIPT = `
import json, time, torch
torch.set_num_threads(1)
out = {"torch": torch.__version__, "capability": torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, "cpu") else None}
for m, k, n in ${JSON.stringify(SHAPES)}:
    a = torch.randn(m, k); b = torch.randn(k, n)
    a @ b
    best = 0.0
    for _ in range(10):
        t0 = time.process_time(); a @ b; dt = time.process_time() - t0
        if dt > 0: best = max(best, m * k * n / dt / 1e9)
    out[f"{m}x{k}x{n}"] = best
print(json.dumps(out))
`;

function torchGmac(): Record<string, unknown> {
  const res = spawnSync(PYTHON, ['-c', TORCH_SCRIPT], { encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0)
    return { unavailable: `PyTorch via ${PYTHON}: ${(res.stderr || String(res.error)).trim().split('\n').at(-1)}` };
  return JSON.parse(res.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

/** Relaxed SIMD needs a flag in Node 20's V8: measure it in a child node that has it. */
function relaxedInChild(): unknown {
  const res = spawnSync(
    process.execPath,
    ['--experimental-wasm-relaxed-simd', '--import', 'tsx', fileURLToPath(import.meta.url), '--child-relaxed'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (res.status !== 0) return { unavailable: (res.stderr || String(res.error)).trim().split('\n').at(-1) };
  return JSON.parse(res.stdout.trim().split('\n').at(-1)!) as unknown;
}

export async function run(): Promise<Record<string, unknown>> {
  const mulAdd = await measurePeak(false);
  let relaxed: unknown = await measurePeak(true);
  if ('unavailable' in (relaxed as object)) relaxed = relaxedInChild();
  const torch = torchGmac();
  const xnnpack = await tfjsWasmGmac();
  return {
    note:
      'GMAC/s on one core, CPU time, best of several: the wasm SIMD ceiling (a register-only loop of 4-lane multiply-adds) against ' +
      "tfjs wasm's XNNPACK and PyTorch (1 thread) on the step's product shapes. PyTorch above the ceiling means no wasm kernel can match it.",
    wasmSimdCeiling: { mulThenAdd: mulAdd, relaxedMadd: relaxed },
    tfjsWasmXnnpack: xnnpack,
    pytorchOneThread: torch,
  };
}

if (process.argv.includes('--child-relaxed')) {
  process.stdout.write(JSON.stringify(await measurePeak(true)) + '\n');
}
