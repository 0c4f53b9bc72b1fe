/** `enqueueTrials`: parameter sets tried first (Optuna's enqueue_trial), validated against the search space. */
import { describe, expect, it } from 'vitest';
import { defaultStudyConfig, validateStudyConfig } from '../../../src/study-config/index.ts';

const good = { dropout: 0.05, lr: 0.001, num_seeds: 1, batch_size: 64, embed_dim: 64, summary_dim: 16 };

describe('enqueueTrials', () => {
  it('is optional, kept in order when valid, and dropped when empty', () => {
    const none = validateStudyConfig(defaultStudyConfig());
    expect('config' in none && none.config.enqueueTrials).toBeUndefined();
    const two = validateStudyConfig({
      ...defaultStudyConfig(),
      enqueueTrials: [good, { ...good, lr: 0.0001, embed_dim: 128 }],
    });
    expect('config' in two && two.config.enqueueTrials).toEqual([good, { ...good, lr: 0.0001, embed_dim: 128 }]);
    const empty = validateStudyConfig({ ...defaultStudyConfig(), enqueueTrials: [] });
    expect('config' in empty && empty.config.enqueueTrials).toBeUndefined();
  });

  it('names the trial and the field of every value outside the search space, a missing or unknown name, a non-list', () => {
    const r = validateStudyConfig({
      ...defaultStudyConfig(),
      enqueueTrials: [
        { ...good, lr: 0.5 },
        { ...good, batch_size: 48 },
        { ...good, num_seeds: 2.5 },
        { dropout: 0.1 },
        { ...good, heads: 4 },
        { ...good, dropout: 'x' },
      ],
    });
    const issues = 'errors' in r ? r.errors.map((e) => `${e.path}: ${e.message}`) : [];
    expect(issues).toEqual([
      'enqueueTrials.0.lr: Enter a number between 0.0001 and 0.001, the search space of lr (got 0.5)',
      'enqueueTrials.1.batch_size: Enter one of the choices 16, 32, 64, 128 (got 48)',
      'enqueueTrials.2.num_seeds: Enter a whole number between 1 and 8, the search space of num_seeds (got 2.5)',
      'enqueueTrials.3.lr: This setting is missing',
      'enqueueTrials.3.num_seeds: This setting is missing',
      'enqueueTrials.3.batch_size: This setting is missing',
      'enqueueTrials.3.embed_dim: This setting is missing',
      'enqueueTrials.3.summary_dim: This setting is missing',
      "enqueueTrials.4.heads: Unknown setting 'heads' (allowed here: dropout, lr, num_seeds, batch_size, embed_dim, summary_dim)",
      'enqueueTrials.5.dropout: Enter a number (got "x")',
    ]);
    const notList = validateStudyConfig({ ...defaultStudyConfig(), enqueueTrials: good });
    expect('errors' in notList && notList.errors[0]!.path).toBe('enqueueTrials');
  });
});
