// The GPU pack's projections (bench/gpu-pack/project.ts) from measured parts: the arithmetic by hand.
import { describe, expect, it } from 'vitest';
import { compare, project, STUDIES, studySeconds, type PartFiles } from '../../../../bench/gpu-pack/project.ts';

const step = (batch: number, obs: number, embed: number, ms: number | null, matmulPrecision = 'f32') => ({
  size: { batch, obs, embed, matmulPrecision },
  time: { msMedian: ms },
});

describe('GPU pack projections', () => {
  it('a study: trials × epochs × sets × ms per set, plus trials × validation sets × draws ÷ draws per second', () => {
    // Demo: 10 × 10 × 100 sets at 1 ms per set = 10 s; 10 × 100 × 1000 draws at 10^4 per second = 100 s.
    expect(studySeconds(STUDIES.demo, 1, 1e4)).toEqual({ training: 10, diagnostics: 100, total: 110 });
    expect(studySeconds(STUDIES.published, 0.5, null)).toEqual({ training: 50 * 50 * 50_000 * 0.5 / 1000, diagnostics: null, total: null });
  });

  it('uses the N = 500 f32 steps only, the cheapest and dearest per set as low and high', () => {
    const parts: PartFiles = {
      'step-b64-n500-e64-f32': step(64, 500, 64, 64), // 1 ms per set
      'step-b16-n500-e128-f32': step(16, 500, 128, 48), // 3 ms per set
      'step-b64-n500-e64-f16': step(64, 500, 64, 6.4, 'f16'), // ignored: f16
      'step-b128-n1000-e128-f32': step(128, 1000, 128, 12.8), // ignored: N = 1000
      'step-b16-n500-e128-f16': step(16, 500, 128, null, 'f16'),
      draws: { drawsPerSecond: 1e4 },
    };
    const p = project(parts) as { demo: { low: { from: string; training: number; total: number; hours: number }; high: { from: string; training: number } } };
    expect(p.demo.low).toMatchObject({ from: 'step-b64-n500-e64-f32', training: 10, total: 110 });
    expect(p.demo.low.hours).toBeCloseTo(110 / 3600, 12);
    expect(p.demo.high).toMatchObject({ from: 'step-b16-n500-e128-f32', training: 30 });
  });

  it('says why when nothing was timed, and compares with PyTorch at the first size only when both ran', () => {
    expect(project({ adapter: {} })).toEqual({ skipped: expect.stringMatching(/no training step at N = 500/) });
    const torch = { trainingStep: [{ embedDim: 64, measured: [{ batchSize: 64, msPerStep: 20 }] }] };
    expect(compare({ 'step-b64-n500-e64-f32': step(64, 500, 64, 50), torch })).toMatchObject({ webgpuMs: 50, torchMs: 20, webgpuOverTorch: 2.5 });
    expect(compare({ 'step-b64-n500-e64-f32': step(64, 500, 64, 50) })).toBeNull();
    expect(compare({ torch })).toBeNull();
  });
});
