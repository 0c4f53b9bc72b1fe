/**
 * `npm run bench -- memory [--backend wasm|webgpu]`: the peak memory of single training passes over a grid
 * of sizes, and the least-squares fit of the planner's per-set terms to them (src/nn/training/batches.ts,
 * `trainingPassBytes`: bytes per trial·embed unit, per trial and per set over the fixed part). This is
 * how WASM_FIT and WEBGPU_FIT are measured; rerun it after a change to what a pass keeps alive.
 *
 * Each pass runs in its own process (bench/nn-step.ts, the whole batch as one micro-batch, the first
 * optimizer step counted): wasm reports tfjs's peak tensor bytes (executed), webgpu the GPU buffer bytes
 * tfjs's buffer manager allocated (compile-only on SwiftShader, where executing takes minutes; buffers
 * are created the same way).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

interface Size {
  obs: number;
  embed: number;
  sets: number;
}

const GRID: Record<'wasm' | 'webgpu', Size[]> = {
  wasm: [
    { obs: 50, embed: 64, sets: 96 },
    { obs: 100, embed: 64, sets: 64 },
    { obs: 200, embed: 64, sets: 32 },
    { obs: 500, embed: 64, sets: 12 },
    { obs: 1000, embed: 64, sets: 3 },
    { obs: 100, embed: 64, sets: 8 },
    { obs: 50, embed: 128, sets: 64 },
    { obs: 100, embed: 128, sets: 32 },
    { obs: 200, embed: 128, sets: 16 },
    { obs: 500, embed: 128, sets: 6 },
    { obs: 1000, embed: 128, sets: 2 },
    { obs: 500, embed: 128, sets: 2 },
  ],
  webgpu: [
    { obs: 100, embed: 64, sets: 64 },
    { obs: 500, embed: 64, sets: 64 },
    { obs: 1000, embed: 64, sets: 16 },
    { obs: 200, embed: 64, sets: 32 },
    { obs: 100, embed: 128, sets: 64 },
    { obs: 500, embed: 128, sets: 16 },
    { obs: 1000, embed: 128, sets: 4 },
  ],
};

/** The network of the fit: the notebook family at the top of the dropout range. */
const NETWORK = ['--seeds', '8', '--summary-dim', '32', '--dropout', '0.28'];
/** Parts of `trainingPassBytes` that are not fitted (weights, gradients and Adam moments). */
const fixedBytes = (embed: number): number => 10.7e6 + 158e3 * embed;

export interface Measured extends Size {
  peak: number;
  seconds: number;
}

function measure(backend: 'wasm' | 'webgpu', s: Size): Measured {
  const script = fileURLToPath(new URL('./nn-step.ts', import.meta.url));
  const counts = backend === 'webgpu' ? 'compile-only' : 'execute';
  const args = [
    '--import',
    'tsx',
    script,
    '--backend',
    backend,
    '--batch',
    `${s.sets}`,
    '--micro-batch',
    `${s.sets}`,
    '--obs',
    `${s.obs}`,
    '--embed',
    `${s.embed}`,
    ...NETWORK,
    '--counts',
    counts,
    '--warmup',
    '0',
    '--time-steps',
    '0',
  ];
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  let out: { counts?: { error: string | null; profile: { peakBytes: number; gpuBufferBytesAllocated?: number } } };
  try {
    out = JSON.parse(line) as typeof out;
  } catch {
    throw new Error(
      `memory bench: nn-step ${args.slice(3).join(' ')} printed no result (status ${r.status}): ${r.stderr.slice(-800)}`,
    );
  }
  const c = out.counts;
  if (c === undefined || c.error !== null)
    throw new Error(`memory bench: the pass ${JSON.stringify(s)} failed: ${c?.error}`);
  const peak = backend === 'webgpu' ? c.profile.gpuBufferBytesAllocated! : c.profile.peakBytes;
  return { ...s, peak, seconds: (performance.now() - t0) / 1000 };
}

/** Solves the normal equations of rows·β ≈ y by Gauss–Jordan elimination with partial pivoting. */
function leastSquares(rows: number[][], y: number[]): number[] {
  const k = rows[0]!.length;
  const a = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k + 1 }, (_, j) => rows.reduce((s, r, n) => s + r[i]! * (j < k ? r[j]! : y[n]!), 0)),
  );
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let j = c; j <= k; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  return a.map((row, i) => row[k]! / row[i]!);
}

/**
 * Per set: perTrialEmbed·N·e + perTrial·N + perSet (the notebook family: 2 attention blocks, 4 heads,
 * MLP widths 128 + 128, so the scale factors of trainingPassBytes are 1), plus on wasm perScore per
 * attention score entry (h·N·N, unfused). Rows are divided by the peak: the fit minimizes relative error.
 */
export function fitTerms(backend: 'wasm' | 'webgpu', m: readonly Measured[]): PassTerms & { maxRelError: number } {
  const heads = 4;
  const columns = (x: Measured): number[] => {
    const c = [x.sets * x.obs * x.embed, x.sets * x.obs, x.sets];
    return backend === 'wasm' ? [...c, x.sets * heads * x.obs * x.obs] : c;
  };
  const beta = leastSquares(
    m.map((x) => columns(x).map((v) => v / x.peak)),
    m.map((x) => (x.peak - fixedBytes(x.embed)) / x.peak),
  );
  const terms: PassTerms = { perTrialEmbed: beta[0]!, perTrial: beta[1]!, perSet: beta[2]!, perScore: beta[3] ?? 0 };
  let maxRelError = 0;
  for (const x of m) {
    const est = fixedBytes(x.embed) + columns(x).reduce((s, v, i) => s + v * beta[i]!, 0);
    maxRelError = Math.max(maxRelError, Math.abs(est - x.peak) / x.peak);
  }
  return { ...terms, maxRelError };
}

interface PassTerms {
  perTrialEmbed: number;
  perTrial: number;
  perSet: number;
  perScore: number;
}

export async function run(args: readonly string[]): Promise<Record<string, unknown>> {
  const at = args.indexOf('--backend');
  const wanted = at >= 0 ? [args[at + 1]] : ['wasm', 'webgpu'];
  const out: Record<string, unknown> = {};
  for (const backend of ['wasm', 'webgpu'] as const) {
    if (!wanted.includes(backend)) continue;
    const measured: Measured[] = [];
    for (const s of GRID[backend]) {
      const m = measure(backend, s);
      process.stderr.write(
        `memory ${backend}: N ${s.obs} × e ${s.embed} × ${s.sets} sets: ${(m.peak / 1e6).toFixed(0)} MB (${m.seconds.toFixed(0)} s)\n`,
      );
      measured.push(m);
    }
    out[backend] = { measured, fit: fitTerms(backend, measured) };
  }
  return out;
}
