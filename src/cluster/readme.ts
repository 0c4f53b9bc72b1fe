/** README.md and the Slurm batch script of a cluster export. */
import { objectiveMetrics, type StudyConfig } from '../study-config/index.ts';
import { failoverReadme } from './study-py-failover.ts';
import type { ClusterOptions } from './types.ts';

export const SLURM_SCRIPT = 'slurm-array.sbatch';

export function slurmScript(c: StudyConfig): string {
  return `#!/bin/bash
# Slurm array job: one Optuna worker per array task, one GPU per task, all on one shared storage.
# Submit from this folder:  sbatch ${SLURM_SCRIPT}
# Edit the array size, the time limit and the storage to suit the cluster.
#SBATCH --job-name=${c.name.replace(/[^A-Za-z0-9_-]+/g, '-')}
#SBATCH --array=0-7
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --gpus-per-task=1
#SBATCH --time=24:00:00
#SBATCH --output=worker-%A_%a.out

set -euo pipefail
# A journal on the shared file system; an RDB URL (postgresql+psycopg2://…) works the same way.
STORAGE="journal:$SLURM_SUBMIT_DIR/journal.log"
srun python3 study.py --storage "$STORAGE"
`;
}

export function readme(c: StudyConfig, opts: ClusterOptions, carried: number): string {
  const simulator =
    opts.simulator === 'numpy'
      ? "`dmc_simulator.py`, the NumPy port of dmc-tune's simulator (it agrees with the app's statistically)"
      : 'the `DMC` class of simschaefer/amortized-dmc (clone it and extend `PYTHONPATH` so that `from dmc import DMC` works)';
  const network =
    opts.network === 'project'
      ? 'dropout and embed_dim applied as the study tunes them (`subnet_kwargs=dict(dropout=…)`, `embed_dims=(e, e)`)'
      : "the reference notebook's effective networks (FlowMatching dropout 0.05, embed_dims (64, 64); dropout reaches only the SetTransformer), which reproduce the notebook with bayesflow 2.0.5 only";
  const online = c.data.mode === 'online';
  const dataRows = online
    ? "| `validation.npz` | the study's validation sets, exactly as the browser simulated them (seed and simulator settings inside); training batches are simulated fresh |\n"
    : "| `training.npz`, `validation.npz` | the study's training and validation sets, exactly as the browser simulated them (seeds and simulator settings inside) |\n";
  return `# Study "${c.name}" on a cluster

Exported by dmc-tune with ${carried} finished trial(s) from the browser. Optuna workers continue the same study
(the browser's trials are not repeated: the sampler sees them), and the grown study goes back into the app.

| file | what |
|---|---|
| \`study.py\` | the objective with optuna and BayesFlow 2.0.5: search space, ${c.sampler.type === 'tpe' ? 'TPE (constant_liar=True for parallel workers)' : 'random sampling'}, pruner on each epoch's validation loss, ${c.epochs} epochs, ${c.data.mode === 'online' ? `online training (BayesFlow's fit_online: ${c.data.batchesPerEpoch ?? 100} fresh batches per epoch), ${c.data.validationSets} validation sets` : `${c.data.trainingSets} / ${c.data.validationSets} training / validation sets`}, weights ${c.weights.recovery} / ${c.weights.pc} / ${c.weights.sbc} |
${opts.simulator === 'numpy' ? '| `dmc_simulator.py` | the DMC simulator of the data sets |\n' : ''}| \`dmc_network.py\` | saves each COMPLETE trial's trained network in dmc-tune's format to \`networks/\` |
| \`journal.log\` | the study so far, an Optuna journal |
${dataRows}| \`requirements.txt\` | the exact Python package versions dmc-tune tests with |
| \`${SLURM_SCRIPT}\` | a Slurm array job |

Simulator: ${simulator}. Networks: ${network}.

Data: \`study.py\` trains and scores on the exported sets, so a configuration scores the same here as in the browser up
to training noise. \`--simulate\` draws fresh ${online ? 'validation sets' : 'training and validation sets'} with the simulator above instead (for larger budgets;
values then differ from the browser's by validation-set noise).${online ? ' Online training simulates its batches here either way.' : ''}

Training: Adam with gradient clipping (clipnorm 1.5) and the browser's learning-rate schedule (5 % linear warm-up from
0.1 lr, then cosine to 0), set explicitly. L is computed in \`study.py\` with BayesFlow 2.0.5's formulas for NRMSE,
posterior contraction and calibration error from \`workflow.sample()\` draws; a parameter whose metric is undefined
makes L NaN and the trial FAIL with the reason. Each trial records the Python, bayesflow, keras and backend versions
as user attributes.${objectiveNote(c)}

## Install

\`\`\`sh
python3 -m pip install -r requirements.txt torch
\`\`\`

\`requirements.txt\` holds the exact versions dmc-tune tests with: bayesflow 2.0.5, which needs Python 3.10 to 3.12
and numpy < 2, with a Keras below 3.13 (which broke parts of it). The Keras backend is yours to pick: torch by
default (\`KERAS_BACKEND\`), in the build that fits the cluster's CUDA drivers.

\`study.py\` checks its imports and prints the real import error and what to install. It refuses a bayesflow other
than 2.0.5 (later versions build different networks, train with AdamW and compute NRMSE differently) unless you pass
\`--allow-bayesflow-version\`. \`--dry-run\` needs only optuna and numpy.

## Run

Test the wiring first, on a copy of the journal (no simulation, no training; values are a synthetic function of the
parameters and say so). \`--dry-run\` refuses the exported \`journal.log\` itself: real workers would learn from its
synthetic trials.

\`\`\`sh
cp journal.log dry-run.log && python3 study.py --dry-run --n-trials 3 --storage journal:dry-run.log
\`\`\`

One worker, on the exported journal in this folder:

\`\`\`sh
python3 study.py
\`\`\`

Many workers on one node, one GPU each, sharing the journal:

\`\`\`sh
for gpu in 0 1 2 3; do CUDA_VISIBLE_DEVICES=$gpu python3 study.py > worker-$gpu.out 2>&1 & done; wait
\`\`\`

A Slurm array job, one worker per task with one GPU per task (\`#SBATCH --array=0-7\`, \`--gpus-per-task=1\`):

\`\`\`sh
sbatch ${SLURM_SCRIPT}
\`\`\`

Storage for many workers: PostgreSQL (\`--storage postgresql+psycopg2://user:password@host/db\`) or a journal file on a shared
file system (\`--storage journal:PATH\`). SQLite suits a few workers on one machine's local disk only: its locking is
unsafe on a network file system (NFS, Lustre, GPFS), where concurrent workers can corrupt the database.

Options: \`--storage journal:PATH\` (a journal file on a shared file system; Optuna's JournalFileStorage in 3.x,
JournalFileBackend in 4.x) or \`--storage URL\` (any RDB URL such as \`sqlite:///study.db\` or
\`postgresql+psycopg2://USER@HOST/DB\` — SQLAlchemy 2.1 reads a bare \`postgresql://\` as psycopg 3, which
\`requirements.txt\` does not install; the first worker copies the exported trials into it once, the others wait for the copy;
SQLite connections wait up to 300 s for a lock instead of failing); \`--n-trials K\` (trials per worker);
\`--total-trials T\` (stop when the study holds T trials, default ${c.nTrials}, the browser's included);
\`--study-name\`; \`--seed\` (the sampler seed; by default derived from the study's, the Slurm task id or process
id, and the trials so far, so workers draw different startup trials); \`--dry-run\`; \`--simulate\`;
\`--allow-bayesflow-version\`; \`--heartbeat-interval\`, \`--grace-period\`, \`--max-retry\` (below).${c.timeout === null ? '' : ` The study's time limit (${c.timeout} s) counts from the first worker's start, for all workers together: a worker started after it has passed runs no trial.`}

A trial that raises (a CUDA out-of-memory, a BayesFlow error) ends FAIL with the reason (its \`fail_reason\`
attribute) and the worker goes on to the next trial; memory is freed between trials.

${failoverReadme()}
## Bring it back

A journal storage is already the file to import. From an RDB, copy the study into a new journal with Optuna's
\`copy_study\`:

\`\`\`sh
python3 study.py --storage sqlite:///study.db --export-journal grown.log
\`\`\`

In dmc-tune open the study's Results, choose **Run on a cluster… → Import the grown journal (+ networks)** and
pick the journal, together with the \`.json\` files of \`networks/\` (one per COMPLETE trial, written next to
\`study.py\` as \`networks/<study>-trial-<n>.json\`): the new trials appear with their states, parameters, values
and validation losses, each network is linked to its trial (marked "cluster" in the trials table) and is offered
in Infer; trials already in the app are not duplicated; a journal of another study is refused. A network file
also works on its own: \`npm run cli -- infer --model FILE --data DATA\` and \`cli evaluate --model FILE\`.
`;
}

/** A Pareto study's and a budget's paragraph of the README (empty for a weighted-sum study without one). */
function objectiveNote(c: StudyConfig): string {
  const parts: string[] = [];
  const m = objectiveMetrics(c);
  if (m !== null)
    parts.push(
      `This is a Pareto study: each trial returns ${m.join(', ')} (each minimised; \`OBJECTIVES\`), records L as the user ` +
        'attribute "L", reports no validation loss (Optuna cannot prune several objectives), and a worker prints the ' +
        "study's best trials (Optuna's `best_trials`) when it ends.",
    );
  if (c.budget !== undefined)
    parts.push(
      'A configuration over the budget (`MAX_PARAMS`, `MAX_MEMORY_MB`) is not trained: `check_budget` records it as a ' +
        'PRUNED trial with the constraints `params` / `memory` and the reason in "over_budget", exactly as the browser ' +
        'does, and it does not count towards `--total-trials`.',
    );
  return parts.length === 0 ? '' : `\n\n${parts.join(' ')}`;
}
