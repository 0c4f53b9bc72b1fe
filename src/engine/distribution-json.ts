/**
 * Optuna's distribution JSON codec (`distribution_to_json` / `json_to_distribution`, v4.9), which
 * the journal stores as nested strings. Writing reproduces Python byte for byte: attributes in
 * constructor order, `", "` / `": "` separators, floats as `repr(float)`, ensure_ascii strings, e.g.
 * `{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}`.
 * Reading accepts the current names, the legacy ones (Uniform, LogUniform, DiscreteUniform with "q",
 * IntUniform, IntLogUniform) and the abbreviated `{"type": "float"|"int"|"categorical", ...}` form.
 * See docs/design/study-engine.md#journal-storage.
 */
import { categoricalDistribution, floatDistribution, intDistribution } from './distributions.ts';
import { pyFloatRepr, pyJsonDumps, pyJsonLoads, pyRepr } from './py-format.ts';
import { EngineError, type CategoricalChoice, type Distribution, type JsonValue } from './types.ts';

export function distributionToJson(d: Distribution): string {
  switch (d.type) {
    case 'float': {
      const step = d.step === null ? 'null' : pyFloatRepr(d.step);
      return (
        `{"name": "FloatDistribution", "attributes": {"step": ${step}, "low": ${pyFloatRepr(d.low)}, ` +
        `"high": ${pyFloatRepr(d.high)}, "log": ${d.log}}}`
      );
    }
    case 'int':
      return (
        `{"name": "IntDistribution", "attributes": {"log": ${d.log}, "step": ${d.step}, "low": ${d.low}, ` +
        `"high": ${d.high}}}`
      );
    case 'categorical':
      return `{"name": "CategoricalDistribution", "attributes": {"choices": ${pyJsonDumps(d.choices as JsonValue[])}}}`;
  }
}

function bad(message: string): never {
  throw new EngineError('invalid-distribution', message);
}

type Obj = Record<string, JsonValue>;

const isObj = (v: JsonValue | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function num(attrs: Obj, key: string, where: string): number {
  const v = attrs[key];
  if (typeof v !== 'number') bad(`${where}: attribute "${key}" must be a number, but got ${pyRepr(v)}.`);
  return v;
}

function optNum(attrs: Obj, key: string, where: string): number | null {
  const v = attrs[key];
  if (v === undefined || v === null) return null;
  return num(attrs, key, where);
}

function optBool(attrs: Obj, key: string, where: string): boolean {
  const v = attrs[key];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') bad(`${where}: attribute "${key}" must be a boolean, but got ${pyRepr(v)}.`);
  return v;
}

function choicesOf(attrs: Obj, where: string): CategoricalChoice[] {
  const v = attrs['choices'];
  if (!Array.isArray(v)) bad(`${where}: attribute "choices" must be a list, but got ${pyRepr(v)}.`);
  return v.map((c) => {
    if (c !== null && typeof c === 'object') bad(`${where}: choice ${pyRepr(c)} is not None, bool, int, float or str.`);
    return c;
  });
}

/**
 * Only the keyword arguments each Python constructor takes are accepted; anything else is the
 * TypeError Python would raise on `cls(**attributes)`.
 */
function checkKeys(attrs: Obj, allowed: readonly string[], where: string): void {
  for (const k of Object.keys(attrs)) {
    if (!allowed.includes(k)) bad(`${where}: unexpected attribute "${k}".`);
  }
}

function fromNamed(name: string, attrs: Obj): Distribution {
  const where = name;
  switch (name) {
    case 'FloatDistribution':
      checkKeys(attrs, ['low', 'high', 'log', 'step'], where);
      return floatDistribution(num(attrs, 'low', where), num(attrs, 'high', where), {
        log: optBool(attrs, 'log', where),
        step: optNum(attrs, 'step', where),
      });
    case 'IntDistribution':
      checkKeys(attrs, ['low', 'high', 'log', 'step'], where);
      return intDistribution(num(attrs, 'low', where), num(attrs, 'high', where), {
        log: optBool(attrs, 'log', where),
        step: optNum(attrs, 'step', where) ?? 1,
      });
    case 'CategoricalDistribution':
      checkKeys(attrs, ['choices'], where);
      return categoricalDistribution(choicesOf(attrs, where));
    case 'UniformDistribution':
      checkKeys(attrs, ['low', 'high'], where);
      return floatDistribution(num(attrs, 'low', where), num(attrs, 'high', where));
    case 'LogUniformDistribution':
      checkKeys(attrs, ['low', 'high'], where);
      return floatDistribution(num(attrs, 'low', where), num(attrs, 'high', where), { log: true });
    case 'DiscreteUniformDistribution':
      checkKeys(attrs, ['low', 'high', 'q'], where);
      return floatDistribution(num(attrs, 'low', where), num(attrs, 'high', where), { step: num(attrs, 'q', where) });
    case 'IntUniformDistribution':
      checkKeys(attrs, ['low', 'high', 'step'], where);
      return intDistribution(num(attrs, 'low', where), num(attrs, 'high', where), {
        step: optNum(attrs, 'step', where) ?? 1,
      });
    case 'IntLogUniformDistribution':
      checkKeys(attrs, ['low', 'high', 'step'], where);
      // Optuna converts it to IntDistribution(log=True); a step other than 1 was deprecated and ignored.
      return intDistribution(num(attrs, 'low', where), num(attrs, 'high', where), { log: true });
    default:
      return bad(`Unknown distribution class: ${name}`);
  }
}

/** A distribution from an already parsed JSON value (named or abbreviated form). */
export function distributionFromJsonValue(v: JsonValue): Distribution {
  if (!isObj(v)) bad(`A distribution must be a JSON object, but got ${pyRepr(v)}.`);
  if ('name' in v) {
    const name = v['name'];
    const attrs = v['attributes'];
    if (typeof name !== 'string') bad(`Distribution "name" must be a string, but got ${pyRepr(name)}.`);
    if (!isObj(attrs)) bad(`${name}: "attributes" must be an object, but got ${pyRepr(attrs)}.`);
    return fromNamed(name, attrs);
  }
  const type = v['type'];
  if (type === 'categorical') return categoricalDistribution(choicesOf(v, 'categorical'));
  if (type === 'float' || type === 'int') {
    const low = num(v, 'low', type);
    const high = num(v, 'high', type);
    const step = optNum(v, 'step', type);
    const log = optBool(v, 'log', type);
    return type === 'float'
      ? floatDistribution(low, high, { log, step })
      : intDistribution(low, high, { log, step: step ?? 1 });
  }
  return bad(`Unknown distribution type: ${pyRepr(type ?? null)}`);
}

/** `json_to_distribution(text)`; NaN/Infinity tokens are accepted as Python's json does. */
export function jsonToDistribution(text: string): Distribution {
  let parsed: JsonValue;
  try {
    parsed = pyJsonLoads(text);
  } catch (e) {
    return bad(`Invalid distribution JSON ${JSON.stringify(text)}: ${(e as Error).message}`);
  }
  return distributionFromJsonValue(parsed);
}
