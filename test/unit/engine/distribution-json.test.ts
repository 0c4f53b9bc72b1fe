import { describe, expect, it } from 'vitest';
import { distributionToJson, jsonToDistribution } from '../../../src/engine/distribution-json.ts';
import { categoricalDistribution, floatDistribution, intDistribution } from '../../../src/engine/distributions.ts';
import { EngineError } from '../../../src/engine/types.ts';

// Strings as Python Optuna writes them (docs/design/study-engine.md#journal-storage and the 3.1 sample journal).
describe('distributionToJson', () => {
  it('reproduces Python byte for byte', () => {
    expect(distributionToJson(floatDistribution(1e-5, 0.1, { log: true }))).toBe(
      '{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}',
    );
    expect(distributionToJson(intDistribution(1, 4))).toBe(
      '{"name": "IntDistribution", "attributes": {"log": false, "step": 1, "low": 1, "high": 4}}',
    );
    expect(distributionToJson(categoricalDistribution(['adam', 'sgd']))).toBe(
      '{"name": "CategoricalDistribution", "attributes": {"choices": ["adam", "sgd"]}}',
    );
    expect(distributionToJson(floatDistribution(0.0001, 1))).toBe(
      '{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0001, "high": 1.0, "log": false}}',
    );
    expect(distributionToJson(floatDistribution(0, 1, { step: 0.25 }))).toBe(
      '{"name": "FloatDistribution", "attributes": {"step": 0.25, "low": 0.0, "high": 1.0, "log": false}}',
    );
    expect(distributionToJson(categoricalDistribution([16, 0.5, true, null, 'é', NaN]))).toBe(
      '{"name": "CategoricalDistribution", "attributes": {"choices": [16, 0.5, true, null, "\\u00e9", NaN]}}',
    );
  });

  it('round-trips every kind', () => {
    for (const d of [
      floatDistribution(-3.5, 1e20),
      floatDistribution(1e-12, 1, { log: true }),
      floatDistribution(0, 0.9, { step: 0.3 }),
      intDistribution(-4, 12, { step: 4 }),
      intDistribution(1, 1024, { log: true }),
      categoricalDistribution([null, false, 3, 'x"y']),
    ]) {
      expect(jsonToDistribution(distributionToJson(d))).toEqual(d);
    }
  });
});

describe('jsonToDistribution', () => {
  it('reads legacy class names', () => {
    expect(jsonToDistribution('{"name": "UniformDistribution", "attributes": {"low": 0.0, "high": 2.0}}')).toEqual(
      floatDistribution(0, 2),
    );
    expect(jsonToDistribution('{"name": "LogUniformDistribution", "attributes": {"low": 0.01, "high": 1.0}}')).toEqual(
      floatDistribution(0.01, 1, { log: true }),
    );
    expect(
      jsonToDistribution('{"name": "DiscreteUniformDistribution", "attributes": {"low": 0.0, "high": 1.0, "q": 0.5}}'),
    ).toEqual(floatDistribution(0, 1, { step: 0.5 }));
    expect(
      jsonToDistribution('{"name": "IntUniformDistribution", "attributes": {"low": 1, "high": 9, "step": 2}}'),
    ).toEqual(intDistribution(1, 9, { step: 2 }));
    expect(
      jsonToDistribution('{"name": "IntLogUniformDistribution", "attributes": {"low": 1, "high": 8, "step": 1}}'),
    ).toEqual(intDistribution(1, 8, { log: true }));
  });

  it('reads the abbreviated form and compact separators, int values written as floats', () => {
    expect(jsonToDistribution('{"type":"float","low":0,"high":1,"log":false}')).toEqual(floatDistribution(0, 1));
    expect(jsonToDistribution('{"type": "int", "low": 1, "high": 8}')).toEqual(intDistribution(1, 8));
    expect(jsonToDistribution('{"type": "int", "low": 1.0, "high": 8.0, "step": 2}')).toEqual(
      intDistribution(1, 7, { step: 2 }),
    );
    expect(jsonToDistribution('{"type": "categorical", "choices": [16, 32]}')).toEqual(
      categoricalDistribution([16, 32]),
    );
  });

  it('applies constructor validation and names bad input', () => {
    const err = (s: string): string => {
      try {
        jsonToDistribution(s);
      } catch (e) {
        expect(e).toBeInstanceOf(EngineError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    expect(
      err('{"name": "FloatDistribution", "attributes": {"step": null, "low": 2.0, "high": 1.0, "log": false}}'),
    ).toBe('`low <= high` must hold, but got (low=2, high=1).');
    expect(err('{"name": "BetaDistribution", "attributes": {}}')).toBe('Unknown distribution class: BetaDistribution');
    expect(err('{"type": "beta"}')).toBe("Unknown distribution type: 'beta'");
    expect(err('{"name": "IntDistribution", "attributes": {"low": 1, "high": 2, "q": 1}}')).toContain(
      'unexpected attribute "q"',
    );
    expect(err('{"type": "float", "low": "a", "high": 1}')).toContain('attribute "low" must be a number');
    expect(err('{"type": "float", "low": 0')).toContain('Invalid distribution JSON');
  });
});
