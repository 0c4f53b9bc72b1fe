/**
 * Projected study times from the GPU pack's measured parts (pure: numbers in, numbers out).
 *
 * Model: a trial trains epochs × ⌈sets / batch⌉ optimizer steps and samples draws for every validation set
 * once (the diagnostics); validation losses, simulation and fixed per-trial costs are left out (they are
 * small beside these on a GPU and were not measured by the pack). The cost of a step is taken as
 * proportional to its sets, so each measured configuration at N = 500 gives one ms-per-set rate; the
 * search space's batch_size {16 … 128} and embed_dim {64, 128} fall between the measured corners
 * (batch 64 × embed 64, batch 16 × embed 128), which give the low and high figures.
 */

export type PartFiles = Record<string, Record<string, unknown>>;

export interface StudyShape {
  trials: number;
  epochs: number;
  trainingSets: number;
  validationSets: number;
  drawsPerSet: number;
}

/** The notebook's demo (src/study-config/presets.ts `notebook`) and the published study (docs/design/study-engine.md#the-reference-study). */
export const STUDIES: Record<'demo' | 'published', StudyShape> = {
  demo: { trials: 10, epochs: 10, trainingSets: 100, validationSets: 100, drawsPerSet: 1000 },
  published: { trials: 50, epochs: 50, trainingSets: 50_000, validationSets: 1000, drawsPerSet: 1000 },
};

interface Rate {
  part: string;
  batch: number;
  msPerStep: number;
}

/** Measured N = 500 f32 step parts with a median time: their ms per step and batch. */
function rates(parts: PartFiles): Rate[] {
  const out: Rate[] = [];
  for (const [name, p] of Object.entries(parts)) {
    const size = p['size'] as { batch?: number; obs?: number; matmulPrecision?: string } | undefined;
    const ms = (p['time'] as { msMedian?: number | null } | undefined)?.msMedian;
    if (!name.startsWith('step-') || size?.obs !== 500 || size.matmulPrecision !== 'f32' || typeof ms !== 'number') continue;
    out.push({ part: name, batch: size.batch!, msPerStep: ms });
  }
  return out;
}

/** Seconds of one study at one measured rate: training steps (sets × ms per set) and diagnostics draws. */
export function studySeconds(s: StudyShape, msPerSet: number, drawsPerSecond: number | null): { training: number; diagnostics: number | null; total: number | null } {
  const training = (s.trials * s.epochs * s.trainingSets * msPerSet) / 1000;
  const diagnostics = drawsPerSecond === null ? null : (s.trials * s.validationSets * s.drawsPerSet) / drawsPerSecond;
  return { training, diagnostics, total: diagnostics === null ? null : training + diagnostics };
}

export function project(parts: PartFiles): Record<string, unknown> {
  const measured = rates(parts);
  const dps = parts['draws']?.['drawsPerSecond'];
  const drawsPerSecond = typeof dps === 'number' ? dps : null;
  if (measured.length === 0) return { skipped: 'no training step at N = 500 (f32) was timed, so nothing can be projected' };
  const perSet = measured.map((r) => ({ ...r, msPerSet: r.msPerStep / r.batch }));
  const low = perSet.reduce((x, y) => (y.msPerSet < x.msPerSet ? y : x));
  const high = perSet.reduce((x, y) => (y.msPerSet > x.msPerSet ? y : x));
  const hours = (x: number | null): number | null => (x === null ? null : x / 3600);
  const study = (s: StudyShape) => {
    const [l, h] = [studySeconds(s, low.msPerSet, drawsPerSecond), studySeconds(s, high.msPerSet, drawsPerSecond)];
    return { ...s, low: { from: low.part, ...l, hours: hours(l.total) }, high: { from: high.part, ...h, hours: hours(h.total) } };
  };
  return {
    model: 'trials × epochs × training sets × (ms per step ÷ batch) + trials × validation sets × draws ÷ draws per second; N = 500, f32; validation losses, simulation and per-trial set-up left out',
    drawsPerSecond,
    demo: study(STUDIES.demo),
    published: study(STUDIES.published),
  };
}

/**
 * webgpu against PyTorch at the first configuration (batch 64 × N 500 × embed 64, f32): the ratio of the
 * median webgpu step to PyTorch's mean step on the same card.
 */
export function compare(parts: PartFiles): Record<string, unknown> | null {
  const ms = (parts['step-b64-n500-e64-f32']?.['time'] as { msMedian?: number | null } | undefined)?.msMedian;
  const rows = parts['torch']?.['trainingStep'] as { embedDim: number; measured: { batchSize: number; msPerStep: number }[] }[] | undefined;
  const torch = rows?.find((r) => r.embedDim === 64)?.measured.find((m) => m.batchSize === 64)?.msPerStep;
  if (typeof ms !== 'number' || typeof torch !== 'number') return null;
  return { config: 'batch 64 × N 500 × embed 64, f32', webgpuMs: ms, torchMs: torch, webgpuOverTorch: ms / torch };
}
