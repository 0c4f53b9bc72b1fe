/**
 * The Setup view's editable study configuration. The form binds straight to a deep
 * `$state` copy of a StudyConfig; the few fields whose editing shape differs from the JSON (num_obs
 * mode, contamination on/off, timeout on/off, categorical choices typed as text) are kept beside it.
 * Every edit re-validates the whole configuration, and each error is shown at the field its path names.
 */
import {
  defaultStudyConfig,
  decodeStudyLink,
  describeEstimate,
  estimateStudy,
  formatIssues,
  HYPERPARAMETER_NAMES,
  parseStudyConfig,
  PRESETS,
  studyLinkUrl,
  StudyLinkError,
  validateStudyConfig,
  OBJECTIVE_METRICS,
  type BackendPreference,
  type BudgetSpec,
  type ConfigIssue,
  type ObjectiveMetric,
  type SamplerType,
  type HyperparameterName,
  type PresetName,
  type PrunerSpec,
  type SearchDistribution,
  type StudyConfig,
} from '../study-config/index.ts';
import { planBackend, type BackendName, type BackendPlan, type BackendProbe } from './adapters/backend-probe.ts';
import { readStudyMeta, type LibraryStorage } from './study-meta.ts';
import { errorMessage } from '../shared/index.ts';

/**
 * The backend a study with this preference would train on: the detected plan for "auto" (confirmed by
 * tfjs once the training worker answered), else the preferred one where this browser offers it.
 * Null while the backends are still being probed.
 */
export function estimateBackend(
  plan: BackendPlan | null,
  probes: readonly BackendProbe[] | null,
  preference: BackendPreference,
): BackendName | null {
  if (preference !== 'auto' && probes !== null) return planBackend(probes, preference).backend;
  return plan?.backend ?? null;
}

type ChoiceTexts = Record<HyperparameterName, string>;

function choiceTexts(c: StudyConfig): ChoiceTexts {
  const out = {} as ChoiceTexts;
  for (const h of HYPERPARAMETER_NAMES) {
    const d = c.searchSpace[h];
    out[h] = d.type === 'categorical' ? d.choices.join(', ') : '';
  }
  return out;
}

const NUMBER_TOKEN = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

function choiceTokens(text: string): string[] {
  return text.split(/[\s,;]+/).filter((s) => s !== '');
}

/** "16, 32, 64" → [16, 32, 64]; a token that is not a number stays NaN so the validator flags it there. */
export function parseChoices(text: string): number[] {
  return choiceTokens(text).map((s) => (NUMBER_TOKEN.test(s) ? Number(s) : Number.NaN));
}

/** How the text of a number field reads: a value, or not a value (flagged, the text kept as typed). */
export type NumberRead = { ok: true; value: number | null | 'auto' } | { ok: false };

/**
 * Reads what was typed into a number field. `nullable`: empty means "none" (a float step); `keyword`:
 * that word is a value too (a pruner's "auto"). Anything else that is not a plain number is not a value.
 */
export function readNumberText(text: string, opts: { nullable?: boolean; keyword?: 'auto' } = {}): NumberRead {
  const t = text.trim();
  if (t === '' && opts.nullable === true) return { ok: true, value: null };
  if (opts.keyword !== undefined && t === opts.keyword) return { ok: true, value: opts.keyword };
  return NUMBER_TOKEN.test(t) ? { ok: true, value: Number(t) } : { ok: false };
}

/** What was last typed into one number field, and the value it read as (undefined: not a value). */
interface Typed {
  text: string;
  value: number | null | 'auto' | undefined;
  keyword: 'auto' | undefined;
}

/**
 * Puts `text` at a dotted path of a configuration snapshot so the validator sees what was typed (and
 * flags it there) instead of the last good value; only where the snapshot has that field now, so the
 * options of a pruner no longer chosen or of N's other mode stay out of it.
 */
function putText(root: StudyConfig, path: string, text: string): void {
  const keys = path.split('.');
  let o: unknown = root;
  for (const k of keys.slice(0, -1)) {
    o = typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined;
    if (typeof o !== 'object' || o === null) return;
  }
  const rec = o as Record<string, unknown>;
  const last = keys[keys.length - 1]!;
  if (last in rec) rec[last] = text;
}

/**
 * The first of `name-2`, `name-3`, … that no study has; a name already ending in `-k` counts on from
 * k ("demo-2" taken → "demo-3", not "demo-2-2").
 */
export function nextFreeName(name: string, taken: ReadonlySet<string>): string {
  const m = /^(.*\S)-(\d+)$/.exec(name);
  const base = m === null ? name : m[1]!;
  for (let k = m === null ? 2 : Number(m[2]) + 1; ; k++) {
    const candidate = `${base}-${k}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export const PRUNER_DEFAULTS: Record<PrunerSpec['type'], PrunerSpec> = {
  none: { type: 'none' },
  median: { type: 'median', nStartupTrials: 5, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1 },
  'successive-halving': {
    type: 'successive-halving',
    minResource: 'auto',
    reductionFactor: 4,
    minEarlyStoppingRate: 0,
    bootstrapCount: 0,
  },
};

export class SetupDraft {
  config = $state<StudyConfig>(defaultStudyConfig());
  numObsMode = $state<'fixed' | 'range'>('fixed');
  numObs = $state({ fixed: 500, min: 50, max: 1000 });
  contaminationOn = $state(false);
  contamination = $state(0.05);
  timeoutOn = $state(false);
  timeout = $state(3600);
  choices = $state<ChoiceTexts>(choiceTexts(defaultStudyConfig()));
  /** Set when the draft came from an existing study (Setup opened from the library). */
  fromStudy = $state<{ studyId: number; name: string; hasConfig: boolean } | null>(null);
  // Keyed by configuration path; kept even when valid so "1." or "1e" survive while being typed.
  #typed = $state<Record<string, Typed>>({});
  #loadError = $state<string | null>(null);
  /**
   * Set when the route carried a study link: the setup it filled in ('loaded'), or why the link was refused
   * (the draft is then unchanged). Cleared by the next preset, file or study that replaces the draft.
   */
  link = $state<{ kind: 'loaded'; name: string } | { kind: 'refused'; message: string } | null>(null);
  #linkOpened: string | null = null;
  /** The preset loaded last, until another configuration replaces it (Setup shows what it is for). */
  preset = $state<PresetName | null>(null);
  // One validation per edit, shared by every field's error lookup.
  readonly #validation = $derived.by(() => validateStudyConfig(this.raw));

  readonly #storage: LibraryStorage | null;

  constructor(storage: LibraryStorage | null = null) {
    this.#storage = storage;
    this.replace(defaultStudyConfig());
  }

  /**
   * Follows the route: `#/setup/<id>` prefills from that study; `#/setup?study=…` from a study link (only
   * fills in the form: nothing starts until the user presses Start); plain `#/setup` keeps the draft.
   */
  async show(fromStudy: number | null, link?: string): Promise<void> {
    if (link !== undefined) {
      await this.openLink(link);
      return;
    }
    if (fromStudy === null) {
      this.startFresh();
      return;
    }
    if (this.fromStudy?.studyId === fromStudy || this.#storage === null) return;
    try {
      const meta = await readStudyMeta(this.#storage, fromStudy);
      this.openStudy(fromStudy, meta.name, meta.config);
    } catch (e) {
      this.#loadError = `Could not open study ${fromStudy}: ${errorMessage(e)}`;
    }
  }

  get loadError(): string | null {
    return this.#loadError;
  }

  /** The configuration the form describes, before validation. */
  get raw(): StudyConfig {
    const c = $state.snapshot(this.config) as StudyConfig;
    c.simulator.numObs =
      this.numObsMode === 'fixed' ? { fixed: this.numObs.fixed } : { min: this.numObs.min, max: this.numObs.max };
    c.simulator.contamination = this.contaminationOn ? this.contamination : null;
    c.timeout = this.timeoutOn ? this.timeout : null;
    for (const h of HYPERPARAMETER_NAMES) {
      const d = c.searchSpace[h];
      if (d.type === 'categorical') c.searchSpace[h] = { type: 'categorical', choices: parseChoices(this.choices[h]) };
    }
    for (const [path, t] of Object.entries(this.#typed)) {
      // A switched-off field is disabled on screen: what it holds must not block the start.
      if ((path === 'simulator.contamination' && !this.contaminationOn) || (path === 'timeout' && !this.timeoutOn))
        continue;
      if (t.value === undefined) putText(c, path, t.text);
    }
    return c;
  }

  /** The text the number field at `path` shows: what was typed while it is not `value`, else `value`. */
  numberText(path: string, value: number | null | string): string {
    const t = this.#typed[path];
    if (t !== undefined && (t.value === undefined || t.value === value)) return t.text;
    return value === null ? '' : String(value);
  }

  /** Remembers what was typed at `path` and how it read; text that is no value is flagged at the field. */
  keepTyped(path: string, text: string, read: NumberRead, keyword?: 'auto'): void {
    this.#typed[path] = { text, value: read.ok ? read.value : undefined, keyword };
  }

  #forgetTyped(prefix: string): void {
    for (const k of Object.keys(this.#typed)) if (k.startsWith(prefix)) delete this.#typed[k];
  }

  get validation(): { config: StudyConfig } | { errors: ConfigIssue[] } {
    return this.#validation;
  }

  get issues(): ConfigIssue[] {
    return this.#issues;
  }

  readonly #issues = $derived.by((): ConfigIssue[] => {
    const v = this.#validation;
    if (!('errors' in v)) return [];
    // A typed choice that is not a number reaches the validator as NaN: name what was typed instead.
    return v.errors.map((i) => {
      const typed = this.#typed[i.path];
      if (typed !== undefined && typed.value === undefined) {
        const t = typed.text.trim();
        const message =
          t === ''
            ? 'Enter a number'
            : typed.keyword !== undefined
              ? `'${t}' is neither ${typed.keyword} nor a number`
              : `'${t}' is not a number`;
        return { ...i, message };
      }
      const m = /^searchSpace\.(\w+)\.choices\.(\d+)$/.exec(i.path);
      const token = m === null ? undefined : choiceTokens(this.choices[m[1] as keyof ChoiceTexts] ?? '')[Number(m[2])];
      return token !== undefined && !NUMBER_TOKEN.test(token) ? { ...i, message: `'${token}' is not a number` } : i;
    });
  });

  /** The first error at `path` or inside it (e.g. `searchSpace.lr` also catches `searchSpace.lr.low`). */
  error(path: string, deep = false): string | null {
    for (const i of this.issues) {
      if (i.path === path || (deep && i.path.startsWith(path + '.'))) return i.message;
    }
    return null;
  }

  get valid(): boolean {
    return 'config' in this.validation;
  }

  /**
   * When the name is already a study's in `takenNames` (the library), the message and the next free
   * name to offer; null otherwise, and for an imported study kept under its own name to continue it.
   */
  nameClash(takenNames: readonly string[] | null): { message: string; suggestion: string } | null {
    const name = this.config.name;
    if (takenNames === null || !takenNames.includes(name)) return null;
    if (this.fromStudy !== null && !this.fromStudy.hasConfig && name === this.fromStudy.name) return null;
    // A throwaway lookup table, not state: nothing renders it.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const suggestion = nextFreeName(name, new Set(takenNames));
    return { message: `A study named '${name}' exists — use '${suggestion}'?`, suggestion };
  }

  /** What the Setup view says about the time the configuration will take on `backend`. */
  estimate(backend: BackendName | null): string {
    const v = this.validation;
    if (!('config' in v)) return 'The time estimate appears when every field is valid.';
    if (backend === null) return 'Time estimate: waiting for the backend check…';
    const text = describeEstimate(estimateStudy(v.config, backend));
    return v.config.pruner.type === 'none'
      ? text
      : `${text} (the low end if the pruner stops every trial it may at its first chance)`;
  }

  replace(c: StudyConfig): void {
    this.preset = null;
    const copy = structuredClone(c);
    const n = copy.simulator.numObs;
    this.numObsMode = 'fixed' in n ? 'fixed' : 'range';
    this.numObs = 'fixed' in n ? { fixed: n.fixed, min: 50, max: 1000 } : { fixed: 500, min: n.min, max: n.max };
    this.contaminationOn = copy.simulator.contamination !== null;
    this.contamination = copy.simulator.contamination ?? 0.05;
    this.timeoutOn = copy.timeout !== null;
    this.timeout = copy.timeout ?? 3600;
    this.choices = choiceTexts(copy);
    this.#typed = {};
    this.config = copy;
  }

  loadPreset(name: PresetName): void {
    this.link = null;
    const keep = this.config.name;
    this.replace(PRESETS[name]());
    this.preset = name;
    if (this.fromStudy !== null) this.config.name = keep;
    this.#loadError = null;
  }

  /** Replaces the draft with a configuration file's content, or explains why it cannot. */
  loadJson(text: string, fileName: string): boolean {
    const r = parseStudyConfig(text);
    if ('errors' in r) {
      this.#loadError = `${fileName} is not a valid study configuration (nothing was changed):\n${formatIssues(r.errors)}`;
      return false;
    }
    this.replace(r.config);
    this.#loadError = null;
    this.link = null;
    return true;
  }

  /** The configuration as a file (the validated form when valid, else the draft as typed). */
  toJson(): string {
    const v = this.validation;
    return JSON.stringify('config' in v ? v.config : this.raw, null, 2) + '\n';
  }

  setType(h: HyperparameterName, type: SearchDistribution['type']): void {
    const d = this.config.searchSpace[h];
    if (d.type === type) return;
    this.#forgetTyped(`searchSpace.${h}.`);
    if (type === 'categorical') {
      const seed = d.type === 'categorical' ? d.choices : [d.low, d.high];
      this.choices[h] = seed.join(', ');
      this.config.searchSpace[h] = { type: 'categorical', choices: seed };
      return;
    }
    const nums = d.type === 'categorical' ? parseChoices(this.choices[h]).filter(Number.isFinite) : [d.low, d.high];
    const low = nums.length > 0 ? Math.min(...nums) : 1;
    const high = nums.length > 0 ? Math.max(...nums) : 1;
    this.config.searchSpace[h] =
      type === 'float'
        ? { type: 'float', low, high, log: false, step: null }
        : { type: 'int', low: Math.ceil(low), high: Math.floor(high), log: false, step: 1 };
  }

  setPruner(type: PrunerSpec['type']): void {
    if (this.config.pruner.type === type) return;
    this.#forgetTyped('pruner.');
    this.config.pruner = structuredClone(PRUNER_DEFAULTS[type]);
  }

  /**
   * The objective. Choosing Pareto sets the pruner to none: Optuna cannot prune a multi-objective trial,
   * and the validation refuses the pair (so a configuration file or the CLI is told the same).
   */
  setObjective(type: 'weighted-sum' | 'pareto'): void {
    const was = this.config.objective?.type ?? 'weighted-sum';
    if (type === was) return;
    // TPE's multivariate follows Optuna 5.0's default for the objective count: joint for one, independent for several.
    this.config.sampler.multivariate = type === 'weighted-sum';
    if (type === 'weighted-sum') {
      delete this.config.objective;
      return;
    }
    this.config.objective = { type: 'pareto', metrics: [...OBJECTIVE_METRICS] };
    this.setPruner('none');
  }

  /** Adds or removes one Pareto objective, keeping the order of OBJECTIVE_METRICS. */
  setMetric(metric: ObjectiveMetric, on: boolean): void {
    const o = this.config.objective;
    if (o?.type !== 'pareto') return;
    o.metrics = OBJECTIVE_METRICS.filter((m) => (m === metric ? on : o.metrics.includes(m)));
  }

  /** The sampler; NSGA-II brings Optuna's population size 50, the others have none. */
  setSampler(type: SamplerType): void {
    this.config.sampler.type = type;
    if (type === 'nsga2') this.config.sampler.populationSize ??= 50;
    else delete this.config.sampler.populationSize;
  }

  /** Turns one budget limit on (with a value) or off (null); no limit left removes the budget. */
  setBudget(key: keyof BudgetSpec, value: number | null): void {
    const b = this.config.budget ?? { maxParams: null, maxMemoryMB: null };
    b[key] = value;
    if (b.maxParams === null && b.maxMemoryMB === null) delete this.config.budget;
    else this.config.budget = b;
  }

  /** Prefills from a library study: its configuration, or the notebook's for a study imported from Optuna. */
  openStudy(studyId: number, name: string, config: StudyConfig | null): void {
    this.replace(config ?? { ...defaultStudyConfig(), name });
    this.fromStudy = { studyId, name, hasConfig: config !== null };
    this.link = null;
    if (config !== null) this.config.name = `${name} (new)`;
    this.#loadError = null;
  }

  startFresh(): void {
    this.fromStudy = null;
  }

  /** Fills the draft from a study link's fragment value, once per link; a bad link leaves the draft as it was. */
  async openLink(payload: string): Promise<void> {
    if (this.#linkOpened === payload) return;
    this.#linkOpened = payload;
    try {
      const config = await decodeStudyLink(payload);
      this.replace(config);
      this.fromStudy = null;
      this.#loadError = null;
      this.link = { kind: 'loaded', name: config.name };
    } catch (err) {
      const message = err instanceof StudyLinkError ? err.message : `The link could not be read: ${errorMessage(err)}`;
      this.link = { kind: 'refused', message };
    }
  }

  /** A link that opens this setup in Setup (`base`: the app's address), or null while the draft has problems. */
  async shareLink(base: string): Promise<string | null> {
    const v = this.validation;
    return 'config' in v ? studyLinkUrl(base, v.config) : null;
  }
}
