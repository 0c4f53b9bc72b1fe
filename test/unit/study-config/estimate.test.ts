import { describe, expect, it } from 'vitest';
import {
  cpuStudyConfig,
  CPU_SLOWDOWN,
  earliestPrune,
  defaultStudyConfig,
  describeEstimate,
  estimateStudy,
  formatDuration,
  formatRange,
  samplingSeconds,
  summaryFlops,
  trainingStepSeconds,
  velocityFlops,
  wasmTrialSeconds,
  type StudyConfig,
  type StudyEstimate,
} from '../../../src/study-config/index.ts';

const bench = (embedDim: number) => ({ numObs: 500, embedDim, numSeeds: 1, summaryDim: 16, paramDim: 6 });
const within = (x: number, target: number, rel: number) => expect(Math.abs(x / target - 1)).toBeLessThanOrEqual(rel);

function perTrial(e: StudyEstimate): { low: number; high: number } {
  if (e.kind !== 'estimate') throw new Error(`expected an estimate, got ${e.reason}`);
  return e.perTrial;
}

function edited(edit: (c: StudyConfig) => void): StudyConfig {
  const c = defaultStudyConfig();
  edit(c);
  return c;
}

describe('FLOP counts match docs/design/networks.md#cost', () => {
  it('SetTransformer at N = 500, num_seeds 7: ≈ 0.84 G (e = 64) and 1.74 G (e = 128); velocity ≈ 1.08 M', () => {
    within(summaryFlops({ ...bench(64), numSeeds: 7, summaryDim: 22 }), 0.84e9, 0.02);
    within(summaryFlops({ ...bench(128), numSeeds: 7, summaryDim: 22 }), 1.74e9, 0.02);
    within(summaryFlops({ ...bench(64), numSeeds: 7, summaryDim: 22, numObs: 1000 }), 2.7e9, 0.05);
    within(velocityFlops({ summaryDim: 22, paramDim: 6 }), 1.08e6, 0.01);
  });
});

describe('calibration against the README Performance table (wasm)', () => {
  it('training step, batch 64, N = 500: 9.1 s at embed 64 and 17.3 s at embed 128, within 10 %', () => {
    within(trainingStepSeconds(bench(64), 64), 9.1, 0.1);
    within(trainingStepSeconds(bench(128), 64), 17.3, 0.1);
  });

  it('training step per data set at N = 50 (cli train, 600 sets × 3 epochs): 11.2 ms at embed 64, 22.6 ms at 128, within 10 %', () => {
    const small = (e: number) => ({ numObs: 50, embedDim: e, numSeeds: 8, summaryDim: 32, paramDim: 6 });
    within(trainingStepSeconds(small(64), 1), 11.2e-3, 0.1);
    within(trainingStepSeconds(small(128), 1), 22.6e-3, 0.1);
  });

  it('posterior sampling, N = 500, 100 Euler steps: 213 draws per second, within 10 %', () => {
    const drawsPerSecond = 250 / samplingSeconds(bench(64), 250, 100, 'euler');
    within(drawsPerSecond, 213, 0.1);
    // RK4 evaluates the velocity four times per step.
    within(samplingSeconds(bench(64), 250, 100, 'rk4') / samplingSeconds(bench(64), 250, 100, 'euler'), 4, 0.05);
  });

  it('the cpu backend is ≈ 30× wasm (README: 290 s / 504 s against 9.1 s / 17.3 s)', () => {
    const c = defaultStudyConfig();
    const wasm = perTrial(estimateStudy(c, 'wasm'));
    const cpu = perTrial(estimateStudy(c, 'cpu'));
    expect(cpu.low / wasm.low).toBeCloseTo(CPU_SLOWDOWN, 9);
    within(290 / 9.1, CPU_SLOWDOWN, 0.1);
    within(504 / 17.3, CPU_SLOWDOWN, 0.1);
  });

  it('one trial of a configuration made of the bench step is its steps plus validation and diagnostics', () => {
    const c = edited((x) => {
      x.data = { trainingSets: 640, validationSets: 2 };
      x.epochs = 1;
      x.diagnostics = { posteriorDraws: 250, integrationSteps: 100, integrator: 'euler' };
      x.searchSpace.embed_dim = { type: 'categorical', choices: [64] };
      x.searchSpace.num_seeds = { type: 'int', low: 1, high: 1, log: false, step: 1 };
      x.searchSpace.summary_dim = { type: 'int', low: 16, high: 16, log: false, step: 1 };
    });
    const t = perTrial(estimateStudy(c, 'wasm'));
    // 10 steps of 64 sets, validation of 2 sets (a third of a step each), 2 × 250 draws at 213 per second.
    within(t.low, 10 * 9.1 + (2 * 9.1) / 64 / 3 + 500 / 213, 0.01);
    expect(t.high).toBeCloseTo(t.low, 9);
  });
});

describe('monotone in what makes a trial longer', () => {
  const base = defaultStudyConfig();
  const at = (c: StudyConfig) => perTrial(estimateStudy(c, 'wasm'));

  it.each([
    ['training sets', (c: StudyConfig) => (c.data.trainingSets *= 2)],
    ['validation sets', (c: StudyConfig) => (c.data.validationSets *= 2)],
    ['N', (c: StudyConfig) => (c.simulator.numObs = { fixed: 1000 })],
    ['epochs', (c: StudyConfig) => (c.epochs += 5)],
    ['posterior draws', (c: StudyConfig) => (c.diagnostics.posteriorDraws *= 2)],
    ['integration steps', (c: StudyConfig) => (c.diagnostics.integrationSteps *= 2)],
    ['the RK4 integrator', (c: StudyConfig) => (c.diagnostics.integrator = 'rk4')],
    [
      'a wider embed choice',
      (c: StudyConfig) => (c.searchSpace.embed_dim = { type: 'categorical', choices: [64, 128, 256] }),
    ],
  ])('more %s: longer trials', (_what, edit) => {
    const before = at(base);
    const after = at(edited(edit));
    expect(after.high).toBeGreaterThan(before.high);
    expect(after.low).toBeGreaterThanOrEqual(before.low);
  });

  it('grows with every training-set size and epoch count on a grid', () => {
    let last = 0;
    for (const sets of [10, 100, 1000, 10_000]) {
      const t = at(edited((c) => (c.data.trainingSets = sets))).high;
      expect(t).toBeGreaterThan(last);
      last = t;
    }
    last = 0;
    for (const epochs of [1, 2, 5, 50]) {
      const t = at(edited((c) => (c.epochs = epochs))).high;
      expect(t).toBeGreaterThan(last);
      last = t;
    }
  });

  it('the search space gives a range: cheapest network ≤ dearest; the study is trials × trial', () => {
    const e = estimateStudy(base, 'wasm');
    const t = perTrial(e);
    expect(t.low).toBeLessThan(t.high);
    if (e.kind !== 'estimate') throw new Error('unreachable');
    expect(e.study.high).toBeGreaterThan(base.nTrials * t.high);
    within(e.study.high, base.nTrials * t.high, 0.01);
  });

  it('an N range costs what its expectation implies, between its ends', () => {
    const lo = at(edited((c) => (c.simulator.numObs = { fixed: 100 }))).high;
    const hi = at(edited((c) => (c.simulator.numObs = { fixed: 900 }))).high;
    const range = at(edited((c) => (c.simulator.numObs = { min: 100, max: 900 }))).high;
    expect(range).toBeGreaterThan(lo);
    expect(range).toBeLessThan(hi);
    // Attention is quadratic in N: the mean cost is above the cost at the mean N.
    expect(range).toBeGreaterThan(at(edited((c) => (c.simulator.numObs = { fixed: 500 }))).high);
  });

  it('a timeout caps the study at the timeout plus one trial', () => {
    const e = estimateStudy(
      edited((c) => (c.timeout = 60)),
      'wasm',
    );
    if (e.kind !== 'estimate') throw new Error('unreachable');
    expect(e.study.high).toBeLessThan(60 + e.perTrial.high + 1);
  });
});

describe('GPUs and wording', () => {
  it('webgpu and webgl get no estimate, with the wasm figure only as a labelled reference', () => {
    for (const b of ['webgpu', 'webgl'] as const) {
      const e = estimateStudy(defaultStudyConfig(), b);
      expect(e.kind).toBe('none');
      expect(describeEstimate(e)).toMatch(
        new RegExp(`^${b}: no estimate for GPUs yet .*For reference, on wasm \\(CPU\\) a trial would take ≈ `),
      );
    }
  });

  it('formats durations and ranges for people', () => {
    expect(formatDuration(0.3)).toBe('< 1 s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(4.2)).toBe('4.2 s');
    expect(formatDuration(240)).toBe('4 min');
    expect(formatDuration(5400)).toBe('1.5 h');
    expect(formatDuration(3 * 86400)).toBe('3 days');
    expect(formatRange({ low: 45, high: 45.2 })).toBe('≈ 45 s');
    expect(formatRange({ low: 660, high: 840 })).toBe('≈ 11–14 min');
    expect(formatRange({ low: 40, high: 100 })).toBe('≈ 40 s – 1.7 min');
    expect(
      describeEstimate({
        kind: 'estimate',
        backend: 'wasm',
        perTrial: { low: 45, high: 45 },
        study: { low: 240, high: 240 },
      }),
    ).toBe('≈ 45 s per trial on wasm, ≈ 4 min for the study');
  });
});

describe('study estimate with a pruner and a timeout', () => {
  it('low end: the first trials in full, later ones stopped at the pruner’s first chance; none starts after the timeout', () => {
    const c = cpuStudyConfig();
    const t = wasmTrialSeconds(c);
    const e = estimateStudy(c, 'wasm');
    if (e.kind !== 'estimate') throw new Error('expected an estimate');
    expect(earliestPrune(c)).toEqual({ afterTrials: 1, epochs: 2 });
    // The first trial in full, then pruned ones (2 of 16 epochs) while a trial may still start (< 200 s).
    let trials = t.low;
    for (let k = 1; k < c.nTrials && trials < 200; k++) trials += (t.low * 2) / c.epochs;
    const sim = e.study.low - trials;
    expect(sim).toBeGreaterThanOrEqual(0);
    expect(sim).toBeLessThan(2); // 1124 sets of 50 trials at 0.4 ms per 500 trials
    // The dearest trial takes longer than the 200 s timeout: the high end is one trial.
    expect(t.high).toBeGreaterThan(200);
    expect(e.study.high).toBeCloseTo(sim + t.high, 6);
    // With a timeout shorter than the first trial, only that trial runs.
    const short = estimateStudy({ ...c, timeout: 10 }, 'wasm');
    if (short.kind !== 'estimate') throw new Error('expected an estimate');
    expect(short.study.low).toBeCloseTo(sim + t.low, 6);
    // Without a pruner and a timeout: nTrials full trials.
    const plain = estimateStudy({ ...c, timeout: null, pruner: { type: 'none' } }, 'wasm');
    if (plain.kind !== 'estimate') throw new Error('expected an estimate');
    expect(plain.study.low).toBeCloseTo(sim + 4 * t.low, 6);
    expect(
      earliestPrune({
        ...c,
        pruner: {
          type: 'successive-halving',
          minResource: 'auto',
          reductionFactor: 3,
          minEarlyStoppingRate: 0,
          bootstrapCount: 0,
        },
      }),
    ).toEqual({ afterTrials: 1, epochs: 1 });
  });
});
