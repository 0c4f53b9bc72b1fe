/**
 * Forward-pass parity of the cluster's networks (issue 19, item 4): BayesFlow 2.0.5 networks built by the
 * generated study.py's build_networks (both variants), mapped onto dmc-tune's network file by the generated
 * dmc_network.py, give in the project the same summary statistics, flow conditions, velocity at given
 * (x, t, c) and posterior draws from the same base noise (fixed-step Euler) as in BayesFlow, to 1e-4
 * relative (max |project − BayesFlow| / max |BayesFlow| per quantity). The BayesFlow side is
 * network_parity.py on the .venv (JAX on CPU); weights are perturbed there so biases and layer norms are
 * not at their initial 0/1, and every standardization is non-trivial.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../scripts/python-env.mjs';
import { clusterExport, trialNetworkFile, type ClusterOptions } from '../../../src/cluster/index.ts';
import { simulatorSettings } from '../../../src/inference/checks.ts';
import {
  buildHostInputs,
  DataSets,
  disposeInputs,
  unstandardize,
  uploadInputs,
} from '../../../src/nn/model/adapter.ts';
import {
  Approximator,
  defaultNetworkConfig,
  parseNetworkFile,
  restoreNetwork,
  serializeNetwork,
  type NetworkFile,
} from '../../../src/nn/index.ts';
import { integrate } from '../../../src/nn/networks/integrate.ts';
import { smokeStudyConfig } from '../../../src/study-config/index.ts';
import { useWasm } from '../nn/helpers.ts';

const run = promisify(execFile);
const TOLERANCE = 1e-4;
const ALL = ['inference_variables', 'inference_conditions', 'summary_variables'];

interface Case {
  name: string;
  network: ClusterOptions['network'];
  num_seeds: number;
  embed_dim: number;
  summary_dim: number;
  standardize: string | string[] | null;
  num_obs: number;
  /** The other direction: the project's initial weights (this seed) loaded into BayesFlow by load_weights. */
  fromProject?: number;
}

/** Both variants; num_seeds 1 and 8; embed 64 and 128 (the reference keeps 64 whatever is asked, networks.md §3). */
const CASES: Case[] = [
  {
    name: 'as-tuned, 1 seed, embed 64, all standardized',
    network: 'project',
    num_seeds: 1,
    embed_dim: 64,
    summary_dim: 8,
    standardize: ALL,
    num_obs: 20,
  },
  {
    name: 'as-tuned, 8 seeds, embed 128',
    network: 'project',
    num_seeds: 8,
    embed_dim: 128,
    summary_dim: 8,
    standardize: 'inference_variables',
    num_obs: 20,
  },
  {
    name: 'reference, 8 seeds, embed 128 asked (64 built)',
    network: 'reference',
    num_seeds: 8,
    embed_dim: 128,
    summary_dim: 8,
    standardize: ALL,
    num_obs: 20,
  },
  {
    name: 'reference, 1 seed',
    network: 'reference',
    num_seeds: 1,
    embed_dim: 64,
    summary_dim: 8,
    standardize: 'inference_variables',
    num_obs: 20,
  },
  {
    name: "the project's initial weights in BayesFlow (as-tuned, 8 seeds, embed 128)",
    network: 'project',
    num_seeds: 8,
    embed_dim: 128,
    summary_dim: 8,
    standardize: null,
    num_obs: 20,
    fromProject: 5,
  },
];
const STEPS = 10;
const DRAWS = 4;

interface PyResult {
  name: string;
  file: NetworkFile;
  data: { rt: number[]; accuracy: number[]; conditions: number[] };
  numObs: number;
  sets: number;
  summary: number[];
  conditions: number[];
  x: number[];
  t: number[];
  velocity: number[];
  z: number[];
  draws: number[];
  saved: string | null;
  roundTrip: boolean;
  seconds: number;
}

let dir: string;
let results: PyResult[] = [];
let versions: Record<string, string> = {};

beforeAll(async () => {
  if (!existsSync(VENV_PYTHON))
    throw new Error(`${VENV_PYTHON} is missing: run ${SETUP_COMMAND} (npm test makes it on its own).`);
  await useWasm();
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-net-parity-'));
  for (const network of ['project', 'reference'] as const) {
    mkdirSync(path.join(dir, network));
    for (const f of clusterExport({ ...smokeStudyConfig(), name: 'parity' }, null, { simulator: 'numpy', network })
      .files) {
      writeFileSync(path.join(dir, network, f.path), f.content);
    }
  }
  const projectFiles = await Promise.all(
    CASES.map(async (c, i) => {
      if (c.fromProject === undefined) return null;
      const config = defaultNetworkConfig({
        summaryDim: c.summary_dim,
        numSeeds: c.num_seeds,
        embedDim: c.embed_dim,
        dropout: 0.1,
      });
      const approx = new Approximator(config, {
        seed: c.fromProject,
        standardization: { mean: new Float64Array(6), std: new Float64Array(6).fill(1) },
      });
      const file = await serializeNetwork(approx, ['A', 'tau', 'mu_c', 'mu_r', 'b', 'sd_r']);
      approx.dispose();
      const where = path.join(dir, `project-${i}.json`);
      writeFileSync(where, JSON.stringify(file));
      return where;
    }),
  );
  const cases = CASES.map((c, i) => ({
    ...c,
    folder: path.join(dir, c.network),
    seed: 11 + i,
    dropout: 0.1,
    draws: DRAWS,
    steps: STEPS,
    ...(i === 0 ? { save_to: path.join(dir, 'saved') } : {}),
    ...(projectFiles[i] ? { project_file: projectFiles[i] } : {}),
  }));
  writeFileSync(path.join(dir, 'cases.json'), JSON.stringify(cases));
  const script = path.join(import.meta.dirname, 'network_parity.py');
  const r = spawnSync(VENV_PYTHON, [script, path.join(dir, 'cases.json'), path.join(dir, 'out.json')], {
    encoding: 'utf8',
    env: { ...process.env, KERAS_BACKEND: 'jax', JAX_PLATFORMS: 'cpu' },
    timeout: 540_000,
  });
  if (r.status !== 0) throw new Error(`network_parity.py failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  const out = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8')) as {
    versions: Record<string, string>;
    results: PyResult[];
  };
  results = out.results;
  versions = out.versions;
}, 600_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function relError(got: ArrayLike<number>, want: readonly number[]): number {
  expect(got.length).toBe(want.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return diff / scale;
}

describe('BayesFlow 2.0.5 networks mapped by dmc_network.py run the same in the project', () => {
  it('ran on the pinned versions', () => {
    expect(versions).toMatchObject({ bayesflow: '2.0.5', backend: 'jax' });
  });

  it("save_trial_network (study.py's hook) writes networks/<study>-trial-<n>.json with the study's settings", () => {
    const py = results[0]!;
    expect(py.saved).toBe(trialNetworkFile('parity study', 7));
    expect(py.saved).toBe('networks/parity_study-trial-7.json');
    const file = parseNetworkFile(readFileSync(path.join(dir, 'saved', py.saved!), 'utf8'));
    expect(file.weights.map((w) => [w.name, w.data])).toEqual(py.file.weights.map((w) => [w.name, w.data]));
    expect(file.standardization).toEqual(py.file.standardization);
    const m = file.metadata;
    expect(m).toMatchObject({
      study: 'parity study',
      trialNumber: 7,
      source: 'cluster',
      network: 'as-tuned',
      L: 0.5,
      standardizeCondition: true,
      standardizeTrials: true,
    });
    expect(m['trainedOn']).toMatchObject({ bayesflow: '2.0.5', backend: 'jax' });
    expect((m['metrics'] as Record<string, Record<string, number>>)['Posterior Contraction']?.['b']).toBe(0.8);
    expect(m['studyConfig']).toEqual({ ...smokeStudyConfig(), name: 'parity' });
    // Infer and `cli infer` find the simulator settings in the file.
    expect(simulatorSettings(m)?.source).toBe('simulator');
  });

  it('cli infer and cli evaluate run on the file study.py saved', async () => {
    const model = path.join(dir, 'saved', results[0]!.saved!);
    const cli = (args: string[]) =>
      run('npx', ['tsx', 'src/cli/main.ts', ...args, '--model', model, '--steps', '5', '--json'], {
        maxBuffer: 1 << 24,
      });
    const [infer, evaluate] = await Promise.all([
      cli(['infer', '--data', 'test/fixtures/inference/flanker-dmcfun.txt', '--draws', '20']),
      cli(['evaluate', '--val-sets', '8', '--draws', '20']),
    ]);
    const participants = (
      JSON.parse(infer.stdout.trim().split('\n').at(-1)!) as {
        participants: Record<string, Record<string, { mean: number }>>;
      }
    ).participants;
    expect(Object.keys(participants)).toHaveLength(4);
    expect(Number.isFinite(participants['1']!['b']!.mean)).toBe(true);
    const score = JSON.parse(evaluate.stdout.trim().split('\n').at(-1)!) as {
      L: number;
      valSets: number;
      recordedL: number;
    };
    expect(score).toMatchObject({ valSets: 8, recordedL: 0.5 });
    expect(Number.isFinite(score.L)).toBe(true);
  }, 120_000);

  CASES.forEach((c, i) => {
    it(c.name, async () => {
      const py = results[i]!;
      expect(py.roundTrip, 'load_weights(export(weights)) exports the same file').toBe(true);
      const file = parseNetworkFile(JSON.parse(JSON.stringify(py.file)));
      expect(file.config.numSeeds).toBe(c.num_seeds);
      expect(file.config.embedDim).toBe(c.network === 'reference' ? 64 : c.embed_dim);
      expect(file.config.flowDropout).toBe(c.network === 'reference' ? 0.05 : 0.1);
      expect(file.standardization.condition !== undefined).toBe(c.standardize === ALL);
      expect(file.standardization.trials !== undefined).toBe(c.standardize === ALL);
      const approx = await restoreNetwork(file);
      const p = file.config.paramDim;
      const names = file.metadata.paramNames;
      const n = py.numObs;
      const sets = DataSets.from({
        n: py.sets,
        numObs: n,
        paramNames: names,
        params: new Float64Array(py.sets * p),
        rt: Float32Array.from(py.data.rt),
        accuracy: Float32Array.from(py.data.accuracy),
        conditions: Float32Array.from(py.data.conditions),
      });
      const s = approx.standardization!;
      const inputs = uploadInputs(
        buildHostInputs(
          sets,
          Int32Array.from({ length: py.sets }, (_, k) => k),
          s,
          false,
        ),
        p,
      );
      const summary = approx.summarize(inputs.summary, inputs.mask);
      const cond = approx.conditions(inputs.summary, inputs.mask, inputs.sqrtNumObs);
      disposeInputs(inputs);
      const width = cond.shape[1];
      const k = py.x.length / p / py.sets;
      const velocity = tf.tidy(() => {
        const cRep = tf.reshape(tf.tile(tf.expandDims(cond, 1), [1, k, 1]), [py.sets * k, width]) as tf.Tensor2D;
        return approx.inferenceNetwork.velocity(
          tf.tensor2d(py.x, [py.sets * k, p]),
          tf.tensor2d(py.t, [py.sets * k, 1]),
          cRep,
          approx.inference,
        );
      });
      const m = py.sets * DRAWS;
      const draws = tf.tidy(() => {
        const cDraws = tf.reshape(tf.tile(tf.expandDims(cond, 1), [1, DRAWS, 1]), [m, width]) as tf.Tensor2D;
        return integrate(
          (x, t) => approx.inferenceNetwork.velocity(x, tf.fill([m, 1], t) as tf.Tensor2D, cDraws, approx.inference),
          tf.tensor2d(py.z, [m, p]),
          'euler',
          STEPS,
        );
      });
      const errors = {
        summary: relError(await summary.data(), py.summary),
        conditions: relError(await cond.data(), py.conditions),
        velocity: relError(await velocity.data(), py.velocity),
        draws: relError(unstandardize(await draws.data(), s), py.draws),
      };
      tf.dispose([summary, cond, velocity, draws]);
      approx.dispose();
      console.log(
        `[network parity] ${c.name}: ${Object.entries(errors)
          .map(([key, v]) => `${key} ${v.toExponential(1)}`)
          .join(', ')} (BayesFlow side ${py.seconds.toFixed(1)} s)`,
      );
      for (const [key, v] of Object.entries(errors)) expect(v, key).toBeLessThanOrEqual(TOLERANCE);
    });
  });
});
