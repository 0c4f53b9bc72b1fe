/**
 * `npm run --silent cli -- metrics --input FILE.json [--weights 1,1,1] [--json]`
 *
 * FILE = {"draws": [N][S][P], "truths": [N][P], "names": [P]} → the BayesFlow diagnostics
 * (docs/design/networks.md#diagnostics) and the weighted metric sum L (docs/design/simulator.md#objective); weights in the order
 * recovery, pc, sbc. With --json prints {"NRMSE": {name: v}, "Posterior Contraction": {…},
 * "Calibration Error": {…}, "L": v}.
 */
import { readFile } from 'node:fs/promises';
import { UsageError, optFlag, optString, printJson } from '../args.ts';
import { parseWithSpec, type CommandUsage } from '../usage.ts';
import { computeDiagnostics, tableToRecord, weightedMetricSum, type MetricWeights } from '../../metrics/index.ts';
import { errorMessage } from '../../shared/index.ts';

export const USAGE: CommandUsage = {
  name: 'metrics',
  summary: 'BayesFlow diagnostics and the weighted metric sum L from posterior draws',
  synopsis: ['--input FILE.json [options]'],
  options: [
    { name: 'input', value: 'FILE.json', help: '{"draws": [N][S][P], "truths": [N][P], "names": [P]} (required)' },
    { name: 'weights', value: 'R,P,S', help: 'weights of recovery, posterior contraction, calibration in L (1,1,1)' },
    { name: 'json', help: 'print the table and L as one JSON object on the last line' },
  ],
};

export interface MetricsInput {
  draws: Float64Array;
  truths: Float64Array;
  n: number;
  S: number;
  P: number;
  names: string[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return 'null';
  return typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `${typeof v} ${String(v)}`;
}

function finiteAt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`${path}: expected a finite number, got ${describe(v)}`);
  return v;
}

function arrayAt(v: unknown, path: string, length?: number, what = 'values'): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${path}: expected an array, got ${describe(v)}`);
  if (length !== undefined && v.length !== length) {
    throw new Error(`${path}: expected ${length} ${what}, got ${v.length} (arrays must not be ragged)`);
  }
  return v;
}

/** Validates and flattens the metrics input file; every error names the offending path. */
export function parseMetricsInput(json: unknown): MetricsInput {
  if (!isObject(json)) throw new Error(`input: expected an object {draws, truths, names}, got ${describe(json)}`);
  for (const k of Object.keys(json)) {
    if (!['draws', 'truths', 'names'].includes(k))
      throw new Error(`input: unknown key '${k}' (known: draws, truths, names)`);
  }
  const names = arrayAt(json.names, 'names').map((x, j) => {
    if (typeof x !== 'string' || x === '')
      throw new Error(`names[${j}]: expected a non-empty string, got ${describe(x)}`);
    return x;
  });
  const P = names.length;
  if (P === 0) throw new Error('names: expected at least one parameter name, got an empty array');
  const drawsN = arrayAt(json.draws, 'draws');
  const n = drawsN.length;
  if (n === 0) throw new Error('draws: expected at least one data set, got an empty array');
  const truthsN = arrayAt(json.truths, 'truths', n, 'data sets (one per data set in draws)');
  const S = arrayAt(drawsN[0], 'draws[0]').length;
  if (S === 0) throw new Error('draws[0]: expected at least one draw, got an empty array');
  const draws = new Float64Array(n * S * P);
  const truths = new Float64Array(n * P);
  for (let i = 0; i < n; i++) {
    const sets = arrayAt(drawsN[i], `draws[${i}]`, S, 'draws (as many as draws[0])');
    for (let s = 0; s < S; s++) {
      const row = arrayAt(sets[s], `draws[${i}][${s}]`, P, 'values (one per name)');
      for (let j = 0; j < P; j++) draws[(i * S + s) * P + j] = finiteAt(row[j], `draws[${i}][${s}][${j}]`);
    }
    const t = arrayAt(truthsN[i], `truths[${i}]`, P, 'values (one per name)');
    for (let j = 0; j < P; j++) truths[i * P + j] = finiteAt(t[j], `truths[${i}][${j}]`);
  }
  return { draws, truths, n, S, P, names };
}

export function parseWeights(text: string | undefined): MetricWeights {
  if (text === undefined) return { recovery: 1, pc: 1, sbc: 1 };
  const parts = text.split(',');
  if (parts.length !== 3)
    throw new UsageError(`option --weights: expected 3 comma-separated numbers (recovery,pc,sbc), got '${text}'`);
  const [recovery, pc, sbc] = parts.map((p) => {
    const x = Number(p);
    if (p.trim() === '' || !Number.isFinite(x))
      throw new UsageError(`option --weights: '${p}' is not a finite number (in '${text}')`);
    return x;
  }) as [number, number, number];
  return { recovery, pc, sbc };
}

export async function run(args: string[]): Promise<number> {
  const p = parseWithSpec(args, USAGE.options);
  const file = optString(p, 'input');
  if (file === undefined) throw new UsageError('option --input FILE.json is required');
  const weights = parseWeights(optString(p, 'weights'));
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`--input ${file}: cannot read (${errorMessage(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    // JSON has no NaN/Infinity literals; a file containing them fails here, which is the intended check.
    throw new Error(`--input ${file}: not valid JSON (${errorMessage(e)})`);
  }
  const input = parseMetricsInput(json);
  const table = computeDiagnostics(input.draws, input.truths, input.n, input.S, input.P, input.names);
  const L = weightedMetricSum(table, weights);
  const record = tableToRecord(table);
  if (optFlag(p, 'json')) {
    printJson({ ...record, L });
  } else {
    const w = Math.max(10, ...input.names.map((s) => s.length + 2));
    const head = ''.padEnd(24) + input.names.map((s) => s.padStart(w)).join('');
    const lines = Object.entries(record).map(
      ([row, vals]) => row.padEnd(24) + input.names.map((s) => (vals[s] ?? Number.NaN).toFixed(4).padStart(w)).join(''),
    );
    process.stdout.write(`${head}\n${lines.join('\n')}\nL = ${L}  (n = ${input.n} data sets, S = ${input.S} draws)\n`);
  }
  return 0;
}
