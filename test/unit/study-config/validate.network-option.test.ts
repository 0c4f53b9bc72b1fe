/** The study's network option: as-tuned (default) or reference, and the standardized condition; shown in Results, honoured by `train`. */
import { describe, expect, it } from 'vitest';
import { run as trainRun } from '../../../src/cli/commands/train.ts';
import { networkText } from '../../../src/ui/results-text.ts';
import { DEFAULT_NETWORK_SPEC, defaultStudyConfig, validateStudyConfig } from '../../../src/study-config/index.ts';

describe('network option', () => {
  it('is optional (older configurations), defaults to as-tuned with the raw condition', () => {
    const r = validateStudyConfig(defaultStudyConfig());
    expect('config' in r && r.config.network).toBeUndefined();
    expect(DEFAULT_NETWORK_SPEC).toEqual({ variant: 'as-tuned', standardizeCondition: false });
    expect(networkText(undefined)).toMatch(/^Network as tuned: .*condition raw, as in the notebook\.$/);
  });

  it('is recorded as given and validated', () => {
    const r = validateStudyConfig({
      ...defaultStudyConfig(),
      network: { variant: 'reference', standardizeCondition: true },
    });
    expect('config' in r && r.config.network).toEqual({ variant: 'reference', standardizeCondition: true });
    if ('config' in r)
      expect(networkText(r.config.network)).toMatch(
        /^Network reference: what BayesFlow 2\.0\.5 ran .*condition standardized\.$/,
      );
    const bad = validateStudyConfig({
      ...defaultStudyConfig(),
      network: { variant: 'paper', standardizeCondition: 'yes' },
    });
    expect('errors' in bad && bad.errors.map((e) => e.path)).toEqual([
      'network.variant',
      'network.standardizeCondition',
    ]);
  });

  it('takes the opt-in f16 matmul, recorded only when on, mentioned in Results', () => {
    const on = validateStudyConfig({
      ...defaultStudyConfig(),
      network: { variant: 'as-tuned', standardizeCondition: false, matmulF16: true },
    });
    expect('config' in on && on.config.network).toEqual({
      variant: 'as-tuned',
      standardizeCondition: false,
      matmulF16: true,
    });
    if ('config' in on)
      expect(networkText(on.config.network)).toMatch(
        /Dense products in f16 \(binary16 operands, float32 sums\) where training ran on webgpu\.$/,
      );
    const off = validateStudyConfig({
      ...defaultStudyConfig(),
      network: { variant: 'as-tuned', standardizeCondition: false, matmulF16: false },
    });
    expect('config' in off && off.config.network).toEqual({ variant: 'as-tuned', standardizeCondition: false });
    if ('config' in off) expect(networkText(off.config.network)).not.toMatch(/f16/);
    const bad = validateStudyConfig({
      ...defaultStudyConfig(),
      network: { variant: 'as-tuned', standardizeCondition: false, matmulF16: 'yes' },
    });
    expect('errors' in bad && bad.errors.map((e) => e.path)).toEqual(['network.matmulF16']);
  });

  it('takes flow-matching draws per set (1–64), recorded only when not 1, mentioned in Results', () => {
    const on = validateStudyConfig({
      ...defaultStudyConfig(),
      network: { variant: 'as-tuned', standardizeCondition: false, flowDraws: 8 },
    });
    expect('config' in on && on.config.network).toEqual({
      variant: 'as-tuned',
      standardizeCondition: false,
      flowDraws: 8,
    });
    if ('config' in on) expect(networkText(on.config.network)).toMatch(/8 flow-matching draws per data set and step/);
    const one = validateStudyConfig({
      ...defaultStudyConfig(),
      network: { variant: 'as-tuned', standardizeCondition: false, flowDraws: 1 },
    });
    expect('config' in one && one.config.network).toEqual({ variant: 'as-tuned', standardizeCondition: false });
    for (const v of [0, 65, 2.5, '4']) {
      const bad = validateStudyConfig({
        ...defaultStudyConfig(),
        network: { variant: 'as-tuned', standardizeCondition: false, flowDraws: v },
      });
      expect('errors' in bad && bad.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
        `network.flowDraws: Enter a whole number between 1 and 64 (got ${JSON.stringify(v)})`,
      ]);
    }
  });

  it('takes standardized per-trial inputs, recorded only when on, said in Results', () => {
    const on = validateStudyConfig({
      ...defaultStudyConfig(),
      network: { variant: 'as-tuned', standardizeCondition: true, standardizeTrials: true },
    });
    expect('config' in on && on.config.network).toEqual({
      variant: 'as-tuned',
      standardizeCondition: true,
      standardizeTrials: true,
    });
    if ('config' in on)
      expect(networkText(on.config.network)).toMatch(/per-trial inputs \(rt, accuracy, condition\) standardized/);
    const bad = validateStudyConfig({
      ...defaultStudyConfig(),
      network: { variant: 'as-tuned', standardizeCondition: false, standardizeTrials: 1 },
    });
    expect('errors' in bad && bad.errors.map((e) => e.path)).toEqual(['network.standardizeTrials']);
  });

  it('is an option of train, whose bad value is refused before anything runs', async () => {
    await expect(trainRun(['--flow-draws', '65'])).rejects.toThrow(/option --flow-draws: expected 1 to 64, got 65/);
    await expect(trainRun(['--network', 'paper'])).rejects.toThrow(
      /option --network: expected as-tuned or reference, got 'paper'/,
    );
  });
});
