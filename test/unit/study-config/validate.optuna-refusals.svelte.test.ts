/**
 * A configuration Optuna would refuse is refused before it leaves the app: SuccessiveHalvingPruner with
 * min_resource "auto" and bootstrap_count > 0 raises in Optuna (checked here with the real pruner of the
 * pinned .venv's Optuna 5.0 and Debian's 3.1), so the shared validation refuses it with one message that
 * Setup shows at the field and the CLI prints.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../scripts/python-env.mjs';
import { run as exportCluster } from '../../../src/cli/commands/export-cluster.ts';
import { SetupDraft } from '../../../src/state/setup-draft.svelte.ts';
import { SH_BOOTSTRAP_NEEDS_MIN_RESOURCE } from '../../../src/study-config/validate.ts';
import { smokeStudyConfig, validateStudyConfig } from '../../../src/study-config/index.ts';

const PRUNER = `
import optuna
for min_resource, bootstrap in (("auto", 1), (2, 1), ("auto", 0)):
    try:
        optuna.pruners.SuccessiveHalvingPruner(min_resource=min_resource, bootstrap_count=bootstrap)
        print("accepted")
    except ValueError as error:
        print("refused:", error)
`;

const halving = (minResource: 'auto' | number, bootstrapCount: number) =>
  ({ type: 'successive-halving', minResource, reductionFactor: 4, minEarlyStoppingRate: 0, bootstrapCount }) as const;

describe("Optuna's SuccessiveHalvingPruner refusal", () => {
  it('Optuna 5.0 (.venv) and 3.1 (Debian) refuse min_resource "auto" with bootstrap_count > 0, and accept the others', () => {
    if (!existsSync(VENV_PYTHON)) throw new Error(`${VENV_PYTHON} is missing: run ${SETUP_COMMAND}`);
    for (const python of [VENV_PYTHON, '/usr/bin/python3']) {
      const r = spawnSync(python, ['-c', PRUNER], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim().split('\n')).toEqual([
        "refused: bootstrap_count > 0 and min_resource == 'auto' are mutually incompatible, bootstrap_count is 1",
        'accepted',
        'accepted',
      ]);
    }
  });

  it('is refused by the shared validation, in Setup at the field and by the CLI, with one message', async () => {
    const refused = validateStudyConfig({ ...smokeStudyConfig(), pruner: halving('auto', 1) });
    expect(refused).toEqual({ errors: [{ path: 'pruner.bootstrapCount', message: SH_BOOTSTRAP_NEEDS_MIN_RESOURCE }] });
    expect('config' in validateStudyConfig({ ...smokeStudyConfig(), pruner: halving(2, 1) })).toBe(true);
    expect('config' in validateStudyConfig({ ...smokeStudyConfig(), pruner: halving('auto', 0) })).toBe(true);

    const draft = new SetupDraft();
    draft.config.pruner = halving('auto', 1);
    expect(draft.valid).toBe(false);
    expect(draft.error('pruner.bootstrapCount')).toBe(SH_BOOTSTRAP_NEEDS_MIN_RESOURCE);

    const dir = mkdtempSync(path.join(tmpdir(), 'dmc-optuna-refusals-'));
    try {
      const file = path.join(dir, 'study.json');
      writeFileSync(file, JSON.stringify({ ...smokeStudyConfig(), pruner: halving('auto', 1) }));
      await expect(exportCluster(['--config', file, '--out', path.join(dir, 'out')])).rejects.toThrow(
        SH_BOOTSTRAP_NEEDS_MIN_RESOURCE,
      );
      expect(existsSync(path.join(dir, 'out'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
