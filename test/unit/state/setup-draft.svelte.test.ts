import { describe, expect, it } from 'vitest';
import { defaultStudyConfig, smokeStudyConfig } from '../../../src/study-config/index.ts';
import {
  estimateBackend,
  nextFreeName,
  parseChoices,
  readNumberText,
  SetupDraft,
} from '../../../src/state/setup-draft.svelte.ts';

describe('SetupDraft', () => {
  it('starts valid with the notebook configuration', () => {
    const d = new SetupDraft();
    expect(d.valid).toBe(true);
    expect(d.issues).toEqual([]);
    expect(d.validation).toEqual({ config: defaultStudyConfig() });
  });

  it('re-validates on every edit and reports errors at their path', () => {
    const d = new SetupDraft();
    d.config.simulator.prior.tau.sd = -1;
    d.config.epochs = 0;
    expect(d.valid).toBe(false);
    expect(d.error('simulator.prior.tau.sd')).toBe('Enter a number greater than 0 (got -1)');
    expect(d.error('simulator.prior.tau', true)).toBe('Enter a number greater than 0 (got -1)');
    expect(d.error('simulator.prior.tau')).toBeNull();
    expect(d.error('epochs')).toBe('Enter a whole number of at least 1 (got 0)');
    d.config.simulator.prior.tau.sd = 40;
    d.config.epochs = 3;
    expect(d.valid).toBe(true);
  });

  it('builds num_obs, contamination and timeout from their editing controls', () => {
    const d = new SetupDraft();
    d.numObsMode = 'range';
    d.numObs.min = 900;
    d.numObs.max = 100;
    d.contaminationOn = true;
    d.contamination = 0.1;
    d.timeoutOn = true;
    d.timeout = 60;
    expect(d.raw.simulator.numObs).toEqual({ min: 900, max: 100 });
    expect(d.error('simulator.numObs.min')).toBe('Min must not exceed max (900 > 100)');
    d.numObs.max = 1000;
    expect(d.valid).toBe(true);
    const c = 'config' in d.validation ? d.validation.config : null;
    expect(c?.simulator.contamination).toBe(0.1);
    expect(c?.timeout).toBe(60);
  });

  it('parses categorical choices typed as text and flags what is not a number', () => {
    expect(parseChoices('16, 32;64  128')).toEqual([16, 32, 64, 128]);
    expect(parseChoices('1e-3, .5')).toEqual([0.001, 0.5]);
    expect(parseChoices('16, big')[1]).toBeNaN();
    const d = new SetupDraft();
    d.choices.batch_size = '16, 32, 32';
    expect(d.error('searchSpace.batch_size', true)).toBe('32 is listed twice');
    d.choices.batch_size = '';
    expect(d.error('searchSpace.batch_size.choices')).toBe('Enter at least one choice');
    // What was typed is named, not the NaN it parses to.
    d.choices.batch_size = '16; 32, big';
    expect(d.error('searchSpace.batch_size', true)).toBe("'big' is not a number");
    expect(d.issues.map((i) => i.path)).toEqual(['searchSpace.batch_size.choices.2']);
  });

  it('keeps text typed into a number field and flags it there instead of storing NaN', () => {
    const d = new SetupDraft();
    const type = (path: string, text: string, opts: { nullable?: boolean; keyword?: 'auto' } = {}) =>
      d.keepTyped(path, text, readNumberText(text, opts), opts.keyword);
    type('epochs', 'abc');
    expect(d.numberText('epochs', d.config.epochs)).toBe('abc');
    expect(d.config.epochs).toBe(10); // the last good value stays in the configuration
    expect(d.error('epochs')).toBe("'abc' is not a number");
    expect(d.valid).toBe(false);
    type('epochs', '');
    expect(d.error('epochs')).toBe('Enter a number');
    // A number being typed keeps its text ("1." is not rewritten to "1").
    type('searchSpace.lr.low', '1.');
    const lr = d.config.searchSpace.lr;
    if (lr.type === 'categorical') throw new Error('lr is a float range');
    lr.low = 1;
    expect(d.numberText('searchSpace.lr.low', 1)).toBe('1.');
    expect(d.error('searchSpace.lr.low')).toBe('Low must not exceed high (1 > 0.001)');
    lr.low = 1e-4;
    expect(d.numberText('searchSpace.lr.low', 1e-4)).toBe('0.0001'); // changed elsewhere: the value wins
    // A switched-off field does not block the start; an empty float step means "none".
    type('epochs', '12');
    d.config.epochs = 12;
    type('simulator.contamination', 'lots');
    expect(d.valid).toBe(true);
    d.contaminationOn = true;
    expect(d.error('simulator.contamination')).toBe("'lots' is not a number");
    d.contaminationOn = false;
    expect(readNumberText(' ', { nullable: true })).toEqual({ ok: true, value: null });
    expect(readNumberText('auto', { keyword: 'auto' })).toEqual({ ok: true, value: 'auto' });
    d.setPruner('successive-halving');
    type('pruner.minResource', 'soon', { keyword: 'auto' });
    expect(d.error('pruner.minResource')).toBe("'soon' is neither auto nor a number");
    d.setPruner('median');
    expect(d.valid).toBe(true);
    // Loading a preset replaces what was typed.
    type('seed', 'x');
    d.loadPreset('smoke');
    expect(d.numberText('seed', d.config.seed)).toBe(String(d.config.seed));
    expect(d.valid).toBe(true);
  });

  it('offers the next free name when the name is a study of the library', () => {
    expect(nextFreeName('demo', new Set(['demo']))).toBe('demo-2');
    expect(nextFreeName('demo', new Set(['demo', 'demo-2', 'demo-3']))).toBe('demo-4');
    expect(nextFreeName('demo-2', new Set(['demo', 'demo-2']))).toBe('demo-3');
    const d = new SetupDraft();
    d.config.name = 'demo';
    expect(d.nameClash(null)).toBeNull(); // library not read yet
    expect(d.nameClash(['other'])).toBeNull();
    expect(d.nameClash(['demo', 'other'])).toEqual({
      message: "A study named 'demo' exists — use 'demo-2'?",
      suggestion: 'demo-2',
    });
    // Keeping an imported study's own name continues that study: no clash.
    d.openStudy(3, 'demo', null);
    expect(d.nameClash(['demo'])).toBeNull();
  });

  it('estimates the time on the backend the study would use, once the backends are known', () => {
    const probes = [
      { backend: 'webgpu' as const, available: false, detail: 'no adapter' },
      { backend: 'wasm' as const, available: true, detail: 'SIMD' },
      { backend: 'cpu' as const, available: true, detail: '' },
    ];
    expect(estimateBackend(null, null, 'auto')).toBeNull();
    expect(estimateBackend({ backend: 'wasm', fallbackReason: 'x' }, probes, 'auto')).toBe('wasm');
    expect(estimateBackend({ backend: 'wasm', fallbackReason: 'x' }, probes, 'cpu')).toBe('cpu');
    const d = new SetupDraft();
    expect(d.estimate(null)).toBe('Time estimate: waiting for the backend check…');
    expect(d.estimate('wasm')).toMatch(/^≈ [\d.]+–[\d.]+ min per trial on wasm, ≈ [\d.]+–[\d.]+ h for the study$/);
    expect(d.estimate('webgpu')).toMatch(/^webgpu: no estimate for GPUs yet/);
    d.config.epochs = 0;
    expect(d.estimate('wasm')).toBe('The time estimate appears when every field is valid.');
  });

  it('switches a hyperparameter between distribution types keeping its range', () => {
    const d = new SetupDraft();
    d.setType('summary_dim', 'categorical');
    expect(d.config.searchSpace.summary_dim).toEqual({ type: 'categorical', choices: [4, 32] });
    expect(d.choices.summary_dim).toBe('4, 32');
    d.setType('summary_dim', 'int');
    expect(d.config.searchSpace.summary_dim).toEqual({ type: 'int', low: 4, high: 32, log: false, step: 1 });
    d.setType('batch_size', 'int');
    expect(d.config.searchSpace.batch_size).toEqual({ type: 'int', low: 16, high: 128, log: false, step: 1 });
    d.setType('num_seeds', 'float');
    expect(d.error('searchSpace.num_seeds.type')).toBe(
      'This hyperparameter takes whole numbers: choose int or categorical, not float',
    );
  });

  it('switches pruners with their Optuna defaults', () => {
    const d = new SetupDraft();
    d.setPruner('median');
    expect(d.config.pruner).toEqual({
      type: 'median',
      nStartupTrials: 5,
      nWarmupSteps: 0,
      intervalSteps: 1,
      nMinTrials: 1,
    });
    d.setPruner('successive-halving');
    expect(d.config.pruner).toMatchObject({ type: 'successive-halving', minResource: 'auto', reductionFactor: 4 });
    expect(d.valid).toBe(true);
  });

  it('loads a configuration file only when it is valid, and saves what it loaded', () => {
    const d = new SetupDraft();
    const smoke = smokeStudyConfig();
    expect(d.loadJson('{"version": 1', 'x.json')).toBe(false);
    expect(d.loadError).toMatch(
      /^x\.json is not a valid study configuration \(nothing was changed\):\n\(root\): This is not valid JSON: /,
    );
    expect(d.loadJson(JSON.stringify({ ...smoke, epochs: -2 }), 'bad.json')).toBe(false);
    expect(d.loadError).toContain('epochs: Enter a whole number of at least 1 (got -2)');
    expect(d.config.nTrials).toBe(10);
    expect(d.loadJson(JSON.stringify(smoke), 'smoke.json')).toBe(true);
    expect(d.loadError).toBeNull();
    expect(JSON.parse(d.toJson())).toEqual(smoke);
  });

  it('prefills from a library study, keeping an imported study’s name so it can be continued', () => {
    const d = new SetupDraft();
    d.openStudy(4, 'from-optuna', null);
    expect(d.fromStudy).toEqual({ studyId: 4, name: 'from-optuna', hasConfig: false });
    expect(d.config.name).toBe('from-optuna');
    d.openStudy(5, 'mine', smokeStudyConfig());
    expect(d.config.name).toBe('mine (new)');
    expect(d.config.nTrials).toBe(3);
    d.loadPreset('notebook');
    expect(d.config.name).toBe('mine (new)');
    expect(d.config.nTrials).toBe(10);
  });
});
