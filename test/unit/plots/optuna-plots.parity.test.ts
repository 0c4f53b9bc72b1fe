/**
 * The rank plot, the multi-study optimization history (with and without error bars) and the
 * multi-study EDF against Optuna 5.0.0's own plot data: the studies below are written to one journal,
 * test/interop/optuna_plots.py loads it in the project's .venv and prints what Optuna's
 * `_get_rank_info` / `_get_tick_info`, `_get_optimization_history_info_list` and `_get_edf_info`
 * return, in one Python call; our `rankInfo`, `historyInfo` and `edfInfo` must give the same points,
 * ranks, colours, ranges and values. Without the .venv the test is skipped on a developer's machine
 * and fails under CI=true.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETUP_COMMAND, VENV_PYTHON } from '../../../scripts/python-env.mjs';
import {
  createStudy,
  type Distribution,
  type FrozenTrial,
  type JsonValue,
  JournalStorage,
  type ParamValue,
  type TrialTemplate,
  TrialState,
} from '../../../src/engine/index.ts';
import { JournalFileBackend } from '../../../src/persistence/node/index.ts';
import { edfInfo, linspace } from '../../../src/plots/edf.ts';
import { historyInfo, type StudyTrials } from '../../../src/plots/history.ts';
import { rankInfo } from '../../../src/plots/rank.ts';
import { rankRgb } from '../../../src/plots/rank-colors.ts';

const SCRIPT = path.resolve('test/interop/optuna_plots.py');
const probe = spawnSync(VENV_PYTHON, ['-c', 'import optuna; print(optuna.__version__)'], { encoding: 'utf8' });
const live = probe.status === 0 || process.env.CI === 'true';

const D = {
  x: { type: 'float', low: 0, high: 1, log: false, step: null },
  lr: { type: 'float', low: 1e-4, high: 1e-1, log: true, step: null },
  n: { type: 'int', low: 1, high: 8, log: false, step: 1 },
  act: { type: 'categorical', choices: ['relu', 'tanh', 'gelu'] },
  batch: { type: 'categorical', choices: [16, 32, 64] },
  flag: { type: 'categorical', choices: [true, false] },
} as const satisfies Record<string, Distribution>;

interface Spec {
  state?: TrialState;
  value?: number;
  params: Partial<Record<keyof typeof D, ParamValue>>;
  system?: Record<string, JsonValue>;
}

function template(s: Spec): TrialTemplate {
  const internal: Record<string, number> = {};
  const dists: Record<string, Distribution> = {};
  for (const [k, v] of Object.entries(s.params)) {
    const d = D[k as keyof typeof D];
    dists[k] = d;
    internal[k] = d.type === 'categorical' ? (d.choices as readonly ParamValue[]).indexOf(v!) : (v as number);
  }
  const state = s.state ?? TrialState.COMPLETE;
  return {
    state,
    values: state === TrialState.COMPLETE ? [s.value!] : null,
    paramsInternal: internal,
    distributions: dists,
    systemAttrs: s.system ?? {},
  };
}

/** Trial 5 violates a 5.0-style constraint, 6 satisfies one, 9 violates an old-style list. */
const CONSTRAINTS: Record<number, Record<string, JsonValue>> = {
  5: { 'constraints:mem': 2 },
  6: { 'constraints:mem': -1 },
  9: { constraints: [0.5] },
};

/** Twelve COMPLETE trials with tied values, a conditional parameter, infeasible trials, PRUNED and FAIL. */
function mixed(): Spec[] {
  const values = [0.8, 0.35, 1.25, 0.5, 2.0, 0.5, 1.25, 0.9, 0.12, 1.6, 0.7, 3.1];
  const out: Spec[] = values.map((value, k) => ({
    value,
    params: {
      x: ((k * 37) % 100) / 100,
      lr: 1e-4 * 10 ** (((k * 7) % 12) / 4),
      n: 1 + ((k * 5) % 8),
      ...(k === 3 || k === 7 ? {} : { act: D.act.choices[k % 3]! }),
      batch: D.batch.choices[(k * 2) % 3]!,
      flag: k % 4 === 0,
    },
    system: CONSTRAINTS[k] ?? {},
  }));
  out.splice(4, 0, {
    state: TrialState.PRUNED,
    params: { x: 0.99, lr: 0.05, n: 8, act: 'tanh', batch: 16, flag: true },
  });
  out.splice(8, 0, { state: TrialState.FAIL, params: { x: 0.01 } });
  return out;
}

const STUDIES: { name: string; direction?: 'maximize'; trials: Spec[] }[] = [
  { name: 'rank-mixed', trials: mixed() },
  {
    name: 'rank-inf',
    trials: [3, Infinity, 1, 2, -Infinity].map((value, k) => ({ value, params: { x: k / 4, n: 1 + k } })),
  },
  { name: 'rank-one', trials: [{ value: 4, params: { x: 0.3, lr: 1e-3 } }] },
  {
    name: 'h-a',
    trials: [
      { value: 5, params: { x: 0.1 } },
      { state: TrialState.PRUNED, params: { x: 0.2 } },
      { value: 3, params: { x: 0.3 }, system: { 'constraints:c': 1 } },
      { value: 4, params: { x: 0.4 } },
      { value: 2.5, params: { x: 0.5 } },
      { state: TrialState.FAIL, params: {} },
      { value: 2.75, params: { x: 0.7 } },
      { state: TrialState.RUNNING, params: { x: 0.8 } },
    ],
  },
  {
    name: 'h-b',
    trials: [
      { value: 6, params: { x: 0.5 }, system: { 'constraints:c': 0.5 } },
      { value: 3.5, params: { x: 0.6 } },
      { value: 4.5, params: { x: 0.7 } },
      { value: 1.5, params: { x: 0.8 } },
      { state: TrialState.PRUNED, params: { x: 0.9 } },
    ],
  },
  { name: 'h-c', trials: [{ state: TrialState.FAIL, params: {} }] },
  {
    name: 'h-max',
    direction: 'maximize',
    trials: [1, 4, 2, 8, 8].map((value, k) => ({ value, params: { x: k / 10 } })),
  },
];

const RANK_REQUESTS: { study: string; params: string[] | null }[] = [
  { study: 'rank-mixed', params: null },
  { study: 'rank-mixed', params: ['x', 'lr'] },
  { study: 'rank-mixed', params: ['act', 'batch'] },
  { study: 'rank-mixed', params: ['flag'] },
  { study: 'rank-inf', params: null },
  { study: 'rank-one', params: null },
];
const HISTORY_REQUESTS = [
  { studies: ['h-a', 'h-b'], error_bar: false },
  { studies: ['h-a', 'h-b'], error_bar: true },
  { studies: ['h-a', 'h-b', 'h-c'], error_bar: true },
  { studies: ['h-a'], error_bar: false },
  { studies: ['h-max'], error_bar: false },
  { studies: ['h-c'], error_bar: false },
];
const EDF_REQUESTS = [['h-a', 'h-b', 'h-c'], ['h-a'], ['rank-mixed', 'h-b']];

type Py = unknown;
const dir = mkdtempSync(path.join(tmpdir(), 'dmc-plots-optuna-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const trialsOf = new Map<string, StudyTrials>();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let py: any;

/** The strings "inf", "-inf", "nan" back to numbers, everywhere in Python's answer. */
function revive(v: Py): Py {
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  if (v === 'nan') return Number.NaN;
  if (Array.isArray(v)) return v.map(revive);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  return v;
}

/** Python's str() of a parameter value, as Plotly's category axis shows it. */
function pyStr(v: Py): string {
  return v === true ? 'True' : v === false ? 'False' : v === null ? 'None' : String(v);
}

beforeAll(async () => {
  if (!live) return;
  const file = path.join(dir, 'plots.log');
  const storage = new JournalStorage(await JournalFileBackend.open(file));
  try {
    for (const s of STUDIES) {
      const study = await createStudy({ studyName: s.name, storage, direction: s.direction ?? 'minimize' });
      for (const t of s.trials) await study.addTrial(template(t));
      const trials: FrozenTrial[] = await study.getTrials();
      trialsOf.set(s.name, { name: s.name, direction: s.direction ?? 'minimize', trials });
    }
  } finally {
    await storage.close();
  }
  const request = JSON.stringify({ rank: RANK_REQUESTS, history: HISTORY_REQUESTS, edf: EDF_REQUESTS });
  const r = spawnSync(VENV_PYTHON, [SCRIPT, file, request], {
    encoding: 'utf8',
    cwd: path.dirname(SCRIPT),
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`optuna_plots.py failed (${SETUP_COMMAND} made the .venv?):\n${r.stderr}`);
  py = revive(JSON.parse(r.stdout));
}, 60_000);

const expectClose = (ours: number, theirs: number, what: string): void => {
  if (!Number.isFinite(theirs)) expect(ours, what).toBe(theirs);
  else
    expect(Math.abs(ours - theirs), `${what}: ours ${ours}, Optuna ${theirs}`).toBeLessThanOrEqual(
      1e-12 * Math.max(1, Math.abs(theirs)),
    );
};

describe.skipIf(!live)('plot data parity with Optuna 5.0.0', () => {
  it('runs Optuna 5.0.0', () => {
    expect(py.optuna).toBe('5.0.0');
  });

  it('the rank colour scale is Optuna’s RdYlBu_r, integer for integer', () => {
    const ts = linspace(0, 1, 1001);
    expect(ts.map((t) => rankRgb(t))).toEqual(py.colormap);
  });

  it.each(RANK_REQUESTS.map((r, k) => [`${r.study} ${JSON.stringify(r.params)}`, k] as const))(
    'rank plot %s: same panels, points, ranks, colours, ranges and ticks',
    (_, k) => {
      const req = RANK_REQUESTS[k]!;
      const theirs = py.rank[k];
      const ours = rankInfo(trialsOf.get(req.study)!.trials, req.params === null ? {} : { params: req.params });
      expect(ours.params).toEqual(theirs.params);
      expect(ours.values).toEqual(theirs.zs);
      expect(ours.ticks.map((t) => t.text)).toEqual(theirs.ticks.text);
      expect(ours.ticks.map((t) => t.at)).toEqual(theirs.ticks.at);
      expect(ours.panels.length).toBe(theirs.panels.length);
      ours.panels.forEach((row, i) => {
        expect(row.length).toBe(theirs.panels[i].length);
        row.forEach((p, j) => {
          const t = theirs.panels[i][j];
          const where = `panel ${i},${j} (${p.yaxis.name} vs ${p.xaxis.name})`;
          for (const [a, b] of [
            [p.xaxis, t.xaxis],
            [p.yaxis, t.yaxis],
          ] as const) {
            expect({ name: a.name, isLog: a.isLog, isCat: a.isCat }, where).toEqual({
              name: b.name,
              isLog: b.is_log,
              isCat: b.is_cat,
            });
            expectClose(a.range[0], b.range[0], `${where} ${a.name} low`);
            expectClose(a.range[1], b.range[1], `${where} ${a.name} high`);
          }
          expect(
            p.points.map((q) => q.trial),
            where,
          ).toEqual(t.numbers);
          expect(
            p.points.map((q) => q.value),
            where,
          ).toEqual(t.zs);
          expect(
            p.points.map((q) => [...q.rgb]),
            where,
          ).toEqual(t.colors);
          expect(
            p.points.map((q) => q.x),
            where,
          ).toEqual(t.xs.map((v: Py) => (p.xaxis.isCat ? pyStr(v) : v)));
          expect(
            p.points.map((q) => q.y),
            where,
          ).toEqual(t.ys.map((v: Py) => (p.yaxis.isCat ? pyStr(v) : v)));
        });
      });
    },
  );

  it('the rank fixture covers what it claims: ties, grey infeasible trials, a missing parameter, a category axis', () => {
    const mixedInfo = py.rank[0];
    const flat = mixedInfo.panels.flat();
    expect(flat).toHaveLength(36);
    expect(flat.some((p: { colors: number[][] }) => p.colors.some((c) => c.join() === '204,204,204'))).toBe(true);
    expect(new Set(mixedInfo.zs).size).toBeLessThan(mixedInfo.zs.length);
    expect(flat.some((p: { xaxis: { is_cat: boolean } }) => p.xaxis.is_cat)).toBe(true);
    expect(flat.some((p: { xaxis: { is_log: boolean } }) => p.xaxis.is_log)).toBe(true);
    expect(flat.some((p: { numbers: number[] }) => p.numbers.length < 12)).toBe(true);
  });

  it.each(HISTORY_REQUESTS.map((h, k) => [`${h.studies.join('+')}${h.error_bar ? ' error bar' : ''}`, k] as const))(
    'optimization history %s: same trial numbers, values, best values, SDs, labels and states',
    (_, k) => {
      const req = HISTORY_REQUESTS[k]!;
      const ours = historyInfo(
        req.studies.map((n) => trialsOf.get(n)!),
        { errorBar: req.error_bar },
      );
      const theirs = py.history[k];
      expect(ours.length).toBe(theirs.length);
      ours.forEach((info, i) => {
        const t = theirs[i];
        expect(info.trialNumbers).toEqual(t.trial_numbers);
        for (const [a, b] of [
          [info.values, t.values],
          [info.best, t.best],
        ] as const) {
          expect(a.label).toBe(b.label);
          expect(a.states.map((s) => s.toUpperCase())).toEqual(b.states.map((s: string) => s.toUpperCase()));
          expect(a.values.length).toBe(b.values.length);
          a.values.forEach((v, j) => expectClose(v, b.values[j], `${a.label} value ${j}`));
          if (b.stds === null) expect(a.stds).toBeNull();
          else a.stds!.forEach((v, j) => expectClose(v, b.stds[j], `${a.label} sd ${j}`));
        }
      });
    },
  );

  it.each(EDF_REQUESTS.map((names, k) => [names.join('+'), k] as const))(
    'EDF %s: same x and y for every study',
    (_, k) => {
      const theirs = py.edf[k];
      const ours = edfInfo(EDF_REQUESTS[k]!.map((n) => trialsOf.get(n)!));
      expect(ours).not.toBeNull();
      expect(ours!.xs).toEqual(theirs.x);
      expect(ours!.lines.map((l) => l.name)).toEqual(theirs.lines.map((l: { name: string }) => l.name));
      ours!.lines.forEach((l, i) => expect(l.ys).toEqual(theirs.lines[i].y));
    },
  );
});
