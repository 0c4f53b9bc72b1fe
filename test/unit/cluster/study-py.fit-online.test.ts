/**
 * The cluster script of an online study trains with BayesFlow's fit_online(epochs, num_batches_per_epoch,
 * batch_size, validation_data, callbacks) (BayesFlow 2.0.5, bayesflow/workflows/basic_workflow.py) and
 * hands BasicWorkflow a simulator whose sample((batch_size,)) gives fresh data sets on every call; an
 * offline study keeps fit_offline. Run for real with Debian's python3 (numpy, optuna): study.py's
 * Objective is called on a FixedTrial with stand-ins for bayesflow and keras that record the calls (the
 * real libraries train in cluster-train.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterData, clusterExport } from '../../../src/cluster/index.ts';
import { simulateBatch } from '../../../src/sim/index.ts';
import { smokeStudyConfig, validateStudyConfig, type StudyConfig } from '../../../src/study-config/index.ts';

const PYTHON = '/usr/bin/python3';
let dir: string;

const BAYESFLOW_STUB = `
import json, os
__version__ = "2.0.5"
RECORD = os.environ["RECORD"]

def _record(entry):
    with open(RECORD, "a") as f:
        f.write(json.dumps(entry) + "\\n")

class _Any:
    def __init__(self, *args, **kwargs):
        pass
    def __getattr__(self, name):
        return lambda *args, **kwargs: self

class simulators:
    Simulator = object

class adapters:
    Adapter = _Any

class networks:
    SetTransformer = _Any
    FlowMatching = _Any

class Stop(Exception):
    pass

class BasicWorkflow:
    def __init__(self, simulator=None, **kwargs):
        self.simulator = simulator

    def fit_online(self, epochs=100, num_batches_per_epoch=100, batch_size=32, keep_optimizer=False, validation_data=None, **kwargs):
        a = self.simulator.sample((batch_size,))
        b = self.simulator.sample((batch_size,))
        _record({
            "call": "fit_online", "epochs": epochs, "num_batches_per_epoch": num_batches_per_epoch, "batch_size": batch_size,
            "validation_sets": int(validation_data["rt"].shape[0]), "callbacks": len(kwargs.get("callbacks", [])),
            "validation_rt_sum": float(validation_data["rt"].sum()),
            "batch_rt_shape": list(a["rt"].shape), "fresh": bool((a["rt"] != b["rt"]).any() if a["rt"].shape == b["rt"].shape else True),
        })
        raise Stop()

    def fit_offline(self, data, epochs=100, batch_size=32, validation_data=None, **kwargs):
        _record({"call": "fit_offline", "epochs": epochs, "batch_size": batch_size, "training_sets": int(data["rt"].shape[0]),
                 "training_rt_sum": float(data["rt"].sum())})
        raise Stop()
`;

const KERAS_STUB = `
__version__ = "3.10.0"

class backend:
    @staticmethod
    def backend():
        return "stub"

    @staticmethod
    def clear_session():
        pass

class optimizers:
    class schedules:
        class CosineDecay:
            def __init__(self, **kwargs):
                pass

    class Adam:
        def __init__(self, *args, **kwargs):
            pass

class utils:
    @staticmethod
    def set_random_seed(seed):
        pass

class callbacks:
    class LambdaCallback:
        def __init__(self, **kwargs):
            self.kwargs = kwargs
`;

const DRIVER = `
import json, sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import optuna, bayesflow, study
params = json.loads(sys.argv[3])
trial = optuna.trial.FixedTrial(params)
try:
    study.Objective(simulate_fresh=sys.argv[4] == "simulate")(trial)
except bayesflow.Stop:
    pass
`;

beforeAll(() => {
  const probe = spawnSync(PYTHON, ['-c', 'import optuna, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0)
    throw new Error(`${PYTHON} cannot import optuna and numpy (apt-get install python3-optuna): ${probe.stderr}`);
  dir = mkdtempSync(path.join(tmpdir(), 'dmc-fit-online-'));
  mkdirSync(path.join(dir, 'stubs', 'bayesflow'), { recursive: true });
  mkdirSync(path.join(dir, 'stubs', 'keras'), { recursive: true });
  writeFileSync(path.join(dir, 'stubs', 'bayesflow', '__init__.py'), BAYESFLOW_STUB);
  writeFileSync(path.join(dir, 'stubs', 'keras', '__init__.py'), KERAS_STUB);
  writeFileSync(path.join(dir, 'driver.py'), DRIVER);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function objectiveCall(
  config: StudyConfig,
  name: string,
  sets: 'exported' | 'simulate' = 'exported',
): Promise<Record<string, unknown>> {
  const folder = path.join(dir, name);
  mkdirSync(folder);
  const data = await clusterData(config, simulateBatch);
  for (const f of clusterExport(config, null, undefined, data).files)
    writeFileSync(path.join(folder, f.path), f.content);
  const record = path.join(folder, 'record.jsonl');
  // Each hyperparameter at its lowest value; batch_size 16.
  const params = Object.fromEntries(
    Object.entries(config.searchSpace).map(([k, d]) => [
      k,
      k === 'batch_size' ? 16 : d.type === 'categorical' ? d.choices[0] : d.low,
    ]),
  );
  const r = spawnSync(
    PYTHON,
    [path.join(dir, 'driver.py'), path.join(dir, 'stubs'), folder, JSON.stringify(params), sets],
    {
      encoding: 'utf8',
      env: { ...process.env, RECORD: record },
    },
  );
  if (r.status !== 0) throw new Error(`study.py failed: ${r.stderr}`);
  return JSON.parse(spawnSync('cat', [record], { encoding: 'utf8' }).stdout.trim()) as Record<string, unknown>;
}

describe('cluster export of online training', () => {
  const smoke = smokeStudyConfig();
  const base: StudyConfig = {
    ...smoke,
    epochs: 7,
    data: { trainingSets: 40, validationSets: 12 },
    searchSpace: { ...smoke.searchSpace, batch_size: { type: 'categorical', choices: [16, 32] } },
  };

  it('an online study calls fit_online(epochs, num_batches_per_epoch, batch_size) with fresh batches from the simulator and the exported validation sets', async () => {
    const online = validateStudyConfig({ ...base, data: { ...base.data, mode: 'online', batchesPerEpoch: 25 } });
    if (!('config' in online)) throw new Error(JSON.stringify(online.errors));
    const call = await objectiveCall(online.config, 'online');
    expect(call).toMatchObject({
      call: 'fit_online',
      epochs: 7,
      num_batches_per_epoch: 25,
      batch_size: 16,
      validation_sets: 12,
      callbacks: 1,
      fresh: true,
    });
    // The validation sets are the browser's (validation.npz), not simulated on the cluster.
    const browserValidation = (await clusterData(online.config, simulateBatch)).validation;
    const browserSum = browserValidation.rt.reduce((a, b) => a + b, 0);
    expect(Math.abs((call['validation_rt_sum'] as number) - browserSum) / browserSum).toBeLessThan(1e-6);
    expect((call['batch_rt_shape'] as number[])[0]).toBe(16);
    const readme = clusterExport(online.config, null).files.find((f) => f.path === 'README.md')!.content;
    expect(readme).toContain("online training (BayesFlow's fit_online: 25 fresh batches per epoch)");
  });

  it('an offline study trains with fit_offline on the exported training sets, or on fresh ones with --simulate', async () => {
    const exported = await objectiveCall(base, 'offline');
    const browser = (await clusterData(base, simulateBatch)).training!;
    const browserSum = browser.rt.reduce((a, b) => a + b, 0);
    expect(Math.abs((exported['training_rt_sum'] as number) - browserSum) / browserSum).toBeLessThan(1e-6);
    const fresh = await objectiveCall(base, 'offline-simulate', 'simulate');
    expect(fresh).toMatchObject({ call: 'fit_offline', training_sets: 40 });
    expect(Math.abs((fresh['training_rt_sum'] as number) - browserSum) / browserSum).toBeGreaterThan(1e-3);
    delete exported['training_rt_sum'];
    expect(exported).toEqual({ call: 'fit_offline', epochs: 7, batch_size: 16, training_sets: 40 });
  });
});
