import { describe, expect, it } from 'vitest';
import {
  cpuStudyConfig,
  CPU_DEMO_FIRST_TRIAL,
  demoPresetFor,
  gpuStudyConfig,
  PRESET_NOTES,
  defaultStudyConfig,
  formatIssues,
  parseStudyConfig,
  PRESETS,
  smokeStudyConfig,
  validateStudyConfig,
  type ConfigIssue,
  type StudyConfig,
} from '../../../src/study-config/index.ts';

function errorsOf(x: unknown): ConfigIssue[] {
  const r = validateStudyConfig(x);
  if ('config' in r) throw new Error('expected errors, got a valid config');
  return r.errors;
}

function paths(x: unknown): string[] {
  return errorsOf(x).map((e) => e.path);
}

/** A deep copy of the default config, edited by `edit`; the edit may write anything (it is untyped input). */
function mutated(edit: (c: Record<string, any>) => void): unknown {
  const c = structuredClone(defaultStudyConfig()) as unknown as Record<string, any>;
  edit(c);
  return c;
}

describe('defaults and presets', () => {
  it('the notebook configuration matches docs/design/study-engine.md#the-reference-study and docs/design/simulator.md#prior', () => {
    const c = defaultStudyConfig();
    expect(c.nTrials).toBe(10);
    expect(c.epochs).toBe(10);
    expect(c.data).toEqual({ trainingSets: 100, validationSets: 100 });
    expect(c.simulator.numObs).toEqual({ fixed: 500 });
    expect(c.simulator.tmax).toBe(1500);
    expect(c.simulator.sdr).toBe('estimated');
    expect(c.simulator.prior.A).toEqual({ mean: 70.8, sd: 19.42 });
    expect(c.simulator.prior.sd_r).toEqual({ mean: 43.36, sd: 9.19 });
    expect(c.searchSpace.summary_dim).toMatchObject({ type: 'int', low: 4, high: 32 });
    expect(c.searchSpace.lr).toMatchObject({ type: 'float', low: 1e-4, high: 1e-3, log: false });
    expect(c.searchSpace.batch_size).toEqual({ type: 'categorical', choices: [16, 32, 64, 128] });
    expect(c.weights).toEqual({ recovery: 1, pc: 1, sbc: 1 });
    expect(c.diagnostics).toEqual({ posteriorDraws: 1000, integrationSteps: 100, integrator: 'euler' });
  });

  it.each(Object.keys(PRESETS))('preset %s validates and round-trips through JSON unchanged', (name) => {
    const c = PRESETS[name as keyof typeof PRESETS]();
    const r = parseStudyConfig(JSON.stringify(c));
    expect(r).toEqual({ config: c });
  });

  it('returns a fresh object on every call', () => {
    const a = defaultStudyConfig();
    a.simulator.prior.A.mean = -1;
    expect(defaultStudyConfig().simulator.prior.A.mean).toBe(70.8);
  });

  it('smoke and cpu presets shrink the notebook and keep its search space', () => {
    const s = smokeStudyConfig();
    expect([s.nTrials, s.epochs]).toEqual([3, 2]);
    expect(s.data.trainingSets).toBeLessThan(cpuStudyConfig().data.trainingSets);
    expect(cpuStudyConfig().searchSpace).toEqual(defaultStudyConfig().searchSpace);
  });

  it('every preset validates; the demos keep the notebook search space, start from a trial inside it and standardize the inputs', () => {
    for (const [name, make] of Object.entries(PRESETS)) {
      const r = validateStudyConfig(make());
      expect('config' in r, `${name}: ${'errors' in r ? JSON.stringify(r.errors) : ''}`).toBe(true);
      expect(PRESET_NOTES[name as keyof typeof PRESETS].length).toBeGreaterThan(20);
    }
    for (const c of [cpuStudyConfig(), gpuStudyConfig()]) {
      expect(c.searchSpace).toEqual(defaultStudyConfig().searchSpace);
      expect(c.enqueueTrials).toEqual([CPU_DEMO_FIRST_TRIAL]);
      expect(c.network).toMatchObject({ standardizeTrials: true, standardizeCondition: true });
      expect(c.pruner.type).toBe('median');
    }
    expect(demoPresetFor({ available: true }).preset).toBe('gpu');
    expect(demoPresetFor({ available: false, reason: 'software adapter' })).toMatchObject({
      preset: 'cpu',
      reason: expect.stringMatching(/^CPU demo \(software adapter\)/),
    });
    expect(PRESET_NOTES.notebook).toMatch(/barely learn/);
  });
});

describe('validateStudyConfig collects every problem with its path', () => {
  it('rejects non-objects at the root', () => {
    expect(errorsOf(null)).toEqual([{ path: '', message: 'Expected a group of settings {…} here (got null)' }]);
    expect(paths([])).toEqual(['']);
  });

  it('flags missing and unknown keys at every level', () => {
    const p = paths(
      mutated((c) => {
        delete c.epochs;
        c.extra = 1;
        c.simulator.prior.A.median = 3;
        c.sampler.sed = 1;
      }),
    );
    expect(p).toEqual(expect.arrayContaining(['epochs', 'extra', 'simulator.prior.A.median', 'sampler.sed']));
  });

  it('reports several independent errors in one pass', () => {
    const e = errorsOf(
      mutated((c) => {
        c.simulator.prior.tau.sd = -3;
        c.simulator.numObs = { min: 800, max: 50 };
        c.searchSpace.dropout.low = 0.5;
        c.searchSpace.dropout.high = 0.1;
        c.epochs = Number.NaN;
        c.weights.pc = 'one';
      }),
    );
    expect(e.map((x) => x.path).sort()).toEqual(
      ['epochs', 'searchSpace.dropout.low', 'simulator.numObs.min', 'simulator.prior.tau.sd', 'weights.pc'].sort(),
    );
    expect(e.find((x) => x.path === 'simulator.prior.tau.sd')?.message).toBe('Enter a number greater than 0 (got -3)');
    expect(e.find((x) => x.path === 'epochs')?.message).toBe('Enter a whole number of at least 1 (got NaN)');
    expect(e.find((x) => x.path === 'searchSpace.dropout.low')?.message).toBe('Low must not exceed high (0.5 > 0.1)');
    expect(e.find((x) => x.path === 'simulator.numObs.min')?.message).toBe('Min must not exceed max (800 > 50)');
    expect(e.find((x) => x.path === 'weights.pc')?.message).toBe('Enter a number of at least 0 (got "one")');
  });

  it.each([
    ['seed', (c: any) => (c.seed = 1.5)],
    ['seed', (c: any) => (c.seed = 2 ** 32)],
    ['name', (c: any) => (c.name = '')],
    ['version', (c: any) => (c.version = 3)],
    ['simulator.tmax', (c: any) => (c.simulator.tmax = 0)],
    ['simulator.sdr', (c: any) => (c.simulator.sdr = 'free')],
    ['simulator.contamination', (c: any) => (c.simulator.contamination = 1.01)],
    ['simulator.numObs.fixed', (c: any) => (c.simulator.numObs = { fixed: 0 })],
    ['simulator.numObs', (c: any) => (c.simulator.numObs = 500)],
    ['simulator.prior.b.sd', (c: any) => (c.simulator.prior.b.sd = 0)],
    ['simulator.prior.b.mean', (c: any) => (c.simulator.prior.b.mean = Infinity)],
    ['simulator.prior.mu_c.mean', (c: any) => (c.simulator.prior.mu_c.mean = -10)],
    ['data.trainingSets', (c: any) => (c.data.trainingSets = 0)],
    ['data.validationSets', (c: any) => (c.data.validationSets = 1)],
    ['nTrials', (c: any) => (c.nTrials = -1)],
    ['timeout', (c: any) => (c.timeout = 0)],
    ['sampler.type', (c: any) => (c.sampler.type = 'cmaes')],
    ['sampler.multivariate', (c: any) => (c.sampler.multivariate = 'yes')],
    ['pruner.type', (c: any) => (c.pruner = { type: 'hyperband' })],
    ['pruner.reductionFactor', (c: any) => (c.pruner = { type: 'successive-halving', reductionFactor: 1 })],
    ['pruner.minResource', (c: any) => (c.pruner = { type: 'successive-halving', minResource: 'soon' })],
    ['pruner.nWarmupSteps', (c: any) => (c.pruner = { type: 'median', nWarmupSteps: -1 })],
    ['pruner.nStartupTrials', (c: any) => (c.pruner = { type: 'none', nStartupTrials: 1 })],
    ['weights.recovery', (c: any) => (c.weights = { recovery: 0, pc: 0, sbc: 0 })],
    ['weights.sbc', (c: any) => (c.weights.sbc = -1)],
    ['diagnostics.posteriorDraws', (c: any) => (c.diagnostics.posteriorDraws = 1)],
    ['diagnostics.integrator', (c: any) => (c.diagnostics.integrator = 'rk45')],
    ['backend', (c: any) => (c.backend = 'webgl2')],
  ])('flags %s', (path, edit) => {
    expect(paths(mutated(edit))).toEqual([path]);
  });
});

describe('messages a researcher understands, at the field they are about', () => {
  it.each([
    ['seed', (c: any) => (c.seed = 1.5), 'Enter a whole number between 0 and 4,294,967,295 (got 1.5)'],
    ['name', (c: any) => (c.name = ''), 'Enter a name of 1 to 100 characters (got "")'],
    ['name', (c: any) => (c.name = ' demo'), 'Remove the spaces at the start or end (got " demo")'],
    ['version', (c: any) => (c.version = 3), 'Unknown format version 3: this app reads versions 1 to 2'],
    [
      'sampler.bandwidth',
      (c: any) => (c.sampler.bandwidth = 'silverman'),
      'Choose one of "neighbor", "scott" (got "silverman")',
    ],
    ['simulator.tmax', (c: any) => (c.simulator.tmax = 0), 'Enter a whole number between 1 and 1,000,000 (got 0)'],
    ['simulator.sdr', (c: any) => (c.simulator.sdr = 'free'), 'Choose one of "estimated", "fixed" (got "free")'],
    [
      'simulator.contamination',
      (c: any) => (c.simulator.contamination = 1.01),
      'Enter a number between 0 and 1 (got 1.01)',
    ],
    [
      'simulator.numObs.fixed',
      (c: any) => (c.simulator.numObs = { fixed: 0 }),
      'Enter a whole number of at least 1 (got 0)',
    ],
    [
      'simulator.numObs',
      (c: any) => (c.simulator.numObs = 500),
      'Enter a fixed N as {"fixed": N} or a range as {"min": N1, "max": N2} (got 500)',
    ],
    [
      'simulator.prior.mu_c.mean',
      (c: any) => (c.simulator.prior.mu_c = { mean: -10, sd: 1 }),
      'Mean -10 lies more than 5 SDs below 0, so the prior (cut off at 0) has almost no mass left: enter a mean of at least -5 (5 SDs below 0)',
    ],
    ['data.validationSets', (c: any) => (c.data.validationSets = 1), 'Enter a whole number of at least 2 (got 1)'],
    ['timeout', (c: any) => (c.timeout = 0), 'Enter a number greater than 0 (got 0)'],
    ['sampler.multivariate', (c: any) => (c.sampler.multivariate = 'yes'), 'Enter true or false (got "yes")'],
    [
      'pruner.minResource',
      (c: any) => (c.pruner = { type: 'successive-halving', minResource: 'soon' }),
      'Enter auto or a whole number of epochs of at least 1 (got "soon")',
    ],
    [
      'pruner.reductionFactor',
      (c: any) => (c.pruner = { type: 'successive-halving', reductionFactor: 1 }),
      'Enter a whole number of at least 2 (got 1)',
    ],
    ['pruner.type', (c: any) => (c.pruner = {}), 'This setting is missing'],
    [
      'weights.recovery',
      (c: any) => (c.weights = { recovery: 0, pc: 0, sbc: 0 }),
      'Give at least one weight a value above 0: with all three at 0 every trial would score 0',
    ],
    [
      'extra',
      (c: any) => (c.extra = 1),
      "Unknown setting 'extra' (allowed here: version, name, seed, simulator, data, searchSpace, epochs, nTrials, timeout, sampler, pruner, weights, diagnostics, backend, network, enqueueTrials, objective, budget)",
    ],
    [
      'searchSpace.dropout.high',
      (c: any) => (c.searchSpace.dropout.high = 1),
      'Enter a number of at least 0 and below 1 (got 1)',
    ],
    ['searchSpace.lr.low', (c: any) => (c.searchSpace.lr.low = 0), 'Enter a number greater than 0 (got 0)'],
    [
      'searchSpace.embed_dim.choices.1',
      (c: any) => (c.searchSpace.embed_dim.choices = [64, 0.5]),
      'Enter a whole number of at least 1 for each choice (got 0.5)',
    ],
    [
      'searchSpace.batch_size.choices.1',
      (c: any) => (c.searchSpace.batch_size.choices = [16, 16]),
      '16 is listed twice',
    ],
    [
      'searchSpace.lr',
      (c: any) => (c.searchSpace.lr = 0.01),
      'Expected a distribution such as {"type": "float", "low": 0, "high": 1} (got 0.01)',
    ],
  ])('%s: %s', (path, edit, message) => {
    expect(errorsOf(mutated(edit))).toEqual([{ path, message }]);
  });

  it('no message uses symbols or code a researcher would have to decode', () => {
    const e = errorsOf(
      mutated((c) => {
        c.searchSpace.dropout = { type: 'float', low: 0.5, high: 0.1 };
        c.searchSpace.lr = { type: 'float', low: 1e-4, high: 1e-3, log: true, step: 1e-4 };
        c.simulator.numObs = { min: 9, max: 1 };
        c.epochs = 0;
      }),
    );
    for (const { message } of e) expect(message).not.toMatch(/[`≤≥]|must hold|=True/);
  });
});

describe('search space (Optuna short form)', () => {
  it.each([
    [
      'searchSpace.lr.step',
      (c: any) => (c.searchSpace.lr = { type: 'float', low: 1e-4, high: 1e-3, log: true, step: 1e-4 }),
      'A step cannot be combined with a log scale: clear the step or untick Log',
    ],
    [
      'searchSpace.lr.low',
      (c: any) => (c.searchSpace.lr = { type: 'float', low: 0, high: 1e-3, log: true }),
      'On a log scale low must be greater than 0 (got 0)',
    ],
    [
      'searchSpace.num_seeds.step',
      (c: any) => (c.searchSpace.num_seeds = { type: 'int', low: 1, high: 8, log: true, step: 2 }),
      'On a log scale the step must be 1 (got 2)',
    ],
    [
      'searchSpace.num_seeds.step',
      (c: any) => (c.searchSpace.num_seeds = { type: 'int', low: 1, high: 8, step: 0 }),
      'Step must be greater than 0 (got 0)',
    ],
    [
      'searchSpace.batch_size.choices',
      (c: any) => (c.searchSpace.batch_size = { type: 'categorical', choices: [] }),
      'Enter at least one choice',
    ],
    [
      'searchSpace.summary_dim.low',
      (c: any) => (c.searchSpace.summary_dim = { type: 'int', low: 0, high: 10, log: true }),
      'On a log scale low must be at least 1 (got 0)',
    ],
    [
      'searchSpace.num_seeds.type',
      (c: any) => (c.searchSpace.num_seeds = { type: 'float', low: 1, high: 8 }),
      'This hyperparameter takes whole numbers: choose int or categorical, not float',
    ],
  ])("%s: Optuna's check, in plain words", (path, edit, message) => {
    expect(errorsOf(mutated(edit))).toEqual([{ path, message }]);
  });

  it('flags a range that is not a multiple of its step instead of silently moving high', () => {
    const e = errorsOf(mutated((c) => (c.searchSpace.dropout = { type: 'float', low: 0, high: 0.25, step: 0.1 })));
    expect(e).toHaveLength(1);
    expect(e[0]!.path).toBe('searchSpace.dropout.high');
    expect(e[0]!.message).toBe(
      'High − low must be a whole number of steps (0.25 − 0 is not a multiple of 0.1): the last value reached is 0.2, use it as high',
    );
    expect(paths(mutated((c) => (c.searchSpace.summary_dim = { type: 'int', low: 4, high: 31, step: 2 })))).toEqual([
      'searchSpace.summary_dim.high',
    ]);
  });

  it('accepts steps that are exact in decimal but not in binary', () => {
    const r = validateStudyConfig(
      mutated((c) => (c.searchSpace.dropout = { type: 'float', low: 0, high: 0.9, step: 0.3 })),
    );
    expect('config' in r).toBe(true);
  });

  it('enforces each hyperparameter domain', () => {
    expect(paths(mutated((c) => (c.searchSpace.dropout.high = 1)))).toEqual(['searchSpace.dropout.high']);
    expect(paths(mutated((c) => (c.searchSpace.lr.low = 0)))).toEqual(['searchSpace.lr.low']);
    expect(paths(mutated((c) => (c.searchSpace.num_seeds = { type: 'float', low: 1, high: 8 })))).toEqual([
      'searchSpace.num_seeds.type',
    ]);
    expect(paths(mutated((c) => (c.searchSpace.embed_dim.choices = [64, 0.5])))).toEqual([
      'searchSpace.embed_dim.choices.1',
    ]);
    expect(paths(mutated((c) => (c.searchSpace.batch_size.choices = [16, 16])))).toEqual([
      'searchSpace.batch_size.choices.1',
    ]);
    expect(paths(mutated((c) => (c.searchSpace.summary_dim.low = 0)))).toEqual(['searchSpace.summary_dim.low']);
  });

  it('rejects unknown or missing hyperparameters and keys that do not belong to the type', () => {
    expect(paths(mutated((c) => (c.searchSpace.momentum = { type: 'float', low: 0, high: 1 })))).toEqual([
      'searchSpace.momentum',
    ]);
    expect(paths(mutated((c) => delete c.searchSpace.lr))).toEqual(['searchSpace.lr']);
    expect(paths(mutated((c) => (c.searchSpace.batch_size.log = true)))).toEqual(['searchSpace.batch_size.log']);
    expect(paths(mutated((c) => (c.searchSpace.lr.type = 'loguniform')))).toEqual(['searchSpace.lr.type']);
  });

  it('fills Optuna defaults for optional keys (log false, step null / 1)', () => {
    const r = validateStudyConfig(
      mutated((c) => {
        c.searchSpace.lr = { type: 'float', low: 1e-4, high: 1e-2, log: true };
        c.searchSpace.num_seeds = { type: 'int', low: 1, high: 8 };
        c.pruner = { type: 'successive-halving' };
        c.sampler = { type: 'random', seed: 3 };
      }),
    );
    if (!('config' in r)) throw new Error(formatIssues(r.errors));
    const c: StudyConfig = r.config;
    expect(c.searchSpace.lr).toEqual({ type: 'float', low: 1e-4, high: 1e-2, log: true, step: null });
    expect(c.searchSpace.num_seeds).toEqual({ type: 'int', low: 1, high: 8, log: false, step: 1 });
    expect(c.pruner).toEqual({
      type: 'successive-halving',
      minResource: 'auto',
      reductionFactor: 4,
      minEarlyStoppingRate: 0,
      bootstrapCount: 0,
    });
    expect(c.sampler).toEqual({
      type: 'random',
      seed: 3,
      multivariate: true,
      nStartupTrials: 10,
      constantLiar: true,
      bandwidth: 'neighbor',
    });
  });
});

describe('parseStudyConfig and formatIssues', () => {
  it('reports JSON syntax errors at the root', () => {
    const r = parseStudyConfig('{"version": 1,');
    expect('errors' in r && r.errors[0]!.path).toBe('');
    expect('errors' in r && r.errors[0]!.message).toMatch(/^This is not valid JSON: /);
  });

  it('formats one path per line', () => {
    expect(
      formatIssues([
        { path: '', message: 'a' },
        { path: 'x.y', message: 'b' },
      ]),
    ).toBe('(root): a\nx.y: b');
  });

  it('does not alias the input: the returned config is a fresh object', () => {
    const input = defaultStudyConfig();
    const r = validateStudyConfig(input);
    if (!('config' in r)) throw new Error('invalid');
    r.config.simulator.numObs = { fixed: 1 };
    expect(r.config).not.toBe(input);
    expect(input.simulator.numObs).toEqual({ fixed: 500 });
  });
});

describe('version 1 → 2: Optuna 5.0 defaults for new configurations, the old ones kept for old configurations', () => {
  /** A configuration as version 1 saved it: no bandwidth, multivariate written or left out. */
  function v1(sampler: Record<string, unknown>): unknown {
    return mutated((c) => {
      c.version = 1;
      c.sampler = { type: 'tpe', seed: 7, nStartupTrials: 10, ...sampler };
    });
  }
  const configOf = (x: unknown): StudyConfig => {
    const r = validateStudyConfig(x);
    if (!('config' in r)) throw new Error(formatIssues(r.errors));
    return r.config;
  };

  it('a version-1 configuration comes back as version 2 with its Optuna 4.x TPE written out', () => {
    const c = configOf(v1({}));
    expect(c.version).toBe(2);
    expect(c.sampler).toEqual({
      type: 'tpe',
      seed: 7,
      nStartupTrials: 10,
      multivariate: false,
      constantLiar: true,
      bandwidth: 'scott',
    });
    // What it said explicitly stays; the multivariate bandwidth it ran with (4.x's) is written out.
    expect(configOf(v1({ multivariate: true, constantLiar: false })).sampler).toMatchObject({
      multivariate: true,
      constantLiar: false,
      bandwidth: 'scott',
    });
    // Read again, the written-out settings are explicit: nothing depends on the version any more.
    expect(configOf(c)).toEqual(c);
  });

  it("a version-2 configuration without TPE settings gets Optuna 5.0's defaults", () => {
    const c = configOf(mutated((x) => (x.sampler = { type: 'tpe', seed: 7 })));
    expect(c.sampler).toEqual({
      type: 'tpe',
      seed: 7,
      nStartupTrials: 10,
      multivariate: true,
      constantLiar: true,
      bandwidth: 'neighbor',
    });
  });

  it("presets: the notebook keeps the TPE it ran with (Optuna 4.x); the demos use Optuna 5.0's", () => {
    expect(defaultStudyConfig().sampler).toMatchObject({ multivariate: false, bandwidth: 'scott' });
    for (const c of [cpuStudyConfig(), gpuStudyConfig(), smokeStudyConfig()])
      expect(c.sampler).toMatchObject({ multivariate: true, constantLiar: true, bandwidth: 'neighbor' });
  });
});
