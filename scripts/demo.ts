/**
 * `npm run demo -- --json [--preset smoke|cpu|notebook] [--skip-build] [--timeout MINUTES]` — the headless
 * main job: builds the app, serves the build with `vite preview`, drives headless Chromium through the real
 * UI and prints the study as read back from the page's IndexedDB: the journal ops are read from the
 * `dmc-tune-studies` database and replayed by the study engine here, so the output is what Optuna would
 * load from an export.
 *
 * Without --preset it does what a user does: opens Home and clicks "Run demo study", so the app picks the
 * preset for the backend it detects. With --preset it loads that preset in Setup and starts it there.
 *
 * Output with --json, one line: {"backend", "preset", "trials": [{"number", "state", "value", "params"}],
 * "best": {"number", "value", "params", "contraction": {parameter: contraction}} | null, "seconds"} (seconds: the click to the end of the run;
 * preset: the one whose configuration the study has, null for none). Progress goes to stderr. Exit code 1
 * when a trial failed, the study did not finish, or the demo could not run (no Chromium, a failed build, a
 * crashed page, the watchdog): those end it at once with a message that names the cause.
 */
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { InMemoryStorage, TRIAL_STATE_NAMES, TrialState, type FrozenTrial, type Storage } from '../src/engine/index.ts';
import { importJournal, serializeJournal, type JournalOp } from '../src/engine/storages/journal/index.ts';
import { CONFIG_ATTR } from '../src/state/study-meta.ts';
import { PRESETS, isPresetName, type PresetName } from '../src/study-config/index.ts';
import { servePreview, type Served } from '../test/e2e/harness.ts';
import { provision } from './provision.mjs';

interface Args {
  json: boolean;
  preset: PresetName | null;
  skipBuild: boolean;
  timeoutMinutes: number | null;
  /** Study and sampler seed typed into Setup (with --preset): repeat the demo over seeds. */
  seed: number | null;
}

const USAGE =
  'usage: npm run demo -- --json [--preset smoke|cpu|notebook] [--seed S] [--skip-build] [--timeout MINUTES]';

/**
 * Watchdog per preset, in minutes: several times what a run takes where the preset is meant to run (smoke
 * and cpu on 2 CPU cores, gpu and notebook on a GPU), so only a stuck run reaches it.
 */
const WATCHDOG_MINUTES: Record<PresetName, number> = { smoke: 15, cpu: 60, gpu: 360, notebook: 360 };
/** Until the preset is known (building, loading, starting): those take a minute or two. */
const STARTUP_MINUTES = 10;

function parse(argv: readonly string[]): Args {
  const out: Args = { json: false, preset: null, skipBuild: false, timeoutMinutes: null, seed: null };
  const value = (i: number, a: string): [string | undefined, number] =>
    a.includes('=') ? [a.slice(a.indexOf('=') + 1), i] : [argv[i + 1], i + 1];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') out.json = true;
    else if (a === '--skip-build') out.skipBuild = true;
    else if (a === '--preset' || a.startsWith('--preset=')) {
      const [v, j] = value(i, a);
      i = j;
      if (v === undefined || !isPresetName(v))
        throw new Error(`--preset must be smoke, cpu or notebook, got ${JSON.stringify(v)} (${USAGE})`);
      out.preset = v;
    } else if (a === '--timeout' || a.startsWith('--timeout=')) {
      const [v, j] = value(i, a);
      i = j;
      const m = Number(v);
      if (!(m > 0)) throw new Error(`--timeout takes minutes > 0, got ${JSON.stringify(v)} (${USAGE})`);
      out.timeoutMinutes = m;
    } else if (a === '--seed' || a.startsWith('--seed=')) {
      const [v, j] = value(i, a);
      i = j;
      const seed = Number(v);
      if (!Number.isInteger(seed) || seed < 0)
        throw new Error(`--seed takes a whole number ≥ 0, got ${JSON.stringify(v)} (${USAGE})`);
      out.seed = seed;
    } else throw new Error(`unknown argument ${a} (${USAGE})`);
  }
  if (out.seed !== null && out.preset === null)
    throw new Error(`--seed is typed into Setup, so it needs --preset (${USAGE})`);
  return out;
}

function log(msg: string): void {
  process.stderr.write(`[demo] ${msg}\n`);
}

function summarize(t: FrozenTrial): {
  number: number;
  state: string;
  value: number | null;
  params: FrozenTrial['params'];
} {
  return { number: t.number, state: TRIAL_STATE_NAMES[t.state], value: t.values?.[0] ?? null, params: t.params };
}

/** Rejects with the cause when the browser or page dies, or when the watchdog fires; never resolves. */
class Abort {
  readonly promise: Promise<never>;
  #reject!: (e: Error) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor() {
    this.promise = new Promise<never>((_, reject) => (this.#reject = reject));
    // A race that nobody awaits yet must not count as an unhandled rejection.
    this.promise.catch(() => undefined);
  }
  fail(message: string): void {
    this.#reject(new Error(message));
  }
  watchdog(minutes: number, what: string): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () =>
        this.fail(
          `watchdog: ${what} did not end within ${minutes} min (--timeout MINUTES sets another limit for the study)`,
        ),
      minutes * 60_000,
    );
    this.#timer.unref();
  }
  race<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.promise]);
  }
}

/** The study as the page stored it, replayed into an in-memory storage. */
async function readStudy(page: Page, id: number): Promise<{ storage: Storage; studyId: number }> {
  const ops = await page.evaluate(async (id: number) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open('dmc-tune-studies');
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const records = await new Promise<{ op: unknown }[]>((resolve, reject) => {
      const r = db
        .transaction('ops')
        .objectStore('ops')
        .getAll(IDBKeyRange.bound([id, 0], [id, Infinity]));
      r.onsuccess = () => resolve(r.result as { op: unknown }[]);
      r.onerror = () => reject(r.error);
    });
    db.close();
    return records.map((x) => x.op);
  }, id);
  const storage = new InMemoryStorage();
  const { studyIds } = await importJournal(serializeJournal(ops as JournalOp[]), storage);
  return { storage, studyId: studyIds[0]! };
}

/** Posterior contraction per parameter of a COMPLETE trial (its user attribute `metrics`), or null. */
function contractionOf(t: FrozenTrial): Record<string, number> | null {
  const metrics = t.userAttrs['metrics'] as Record<string, Record<string, unknown>> | undefined;
  const row = metrics?.['Posterior Contraction'];
  if (row === undefined) return null;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'number' ? v : NaN]));
}

/** The preset whose configuration the study has (its name aside: the app makes names unique). */
async function presetOf(storage: Storage, studyId: number): Promise<PresetName | null> {
  const config = (await storage.getStudyUserAttrs(studyId))[CONFIG_ATTR];
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return null;
  // The name and the seeds are the user's choice; the preset is everything else.
  const key = (c: object): string => {
    const { name: _n, seed: _s, sampler, ...rest } = c as { name: unknown; seed: unknown; sampler: object };
    return JSON.stringify({ ...rest, sampler: { ...sampler, seed: null } });
  };
  const names = Object.keys(PRESETS) as PresetName[];
  return names.find((n) => key(PRESETS[n]()) === key(config)) ?? null;
}

async function run(args: Args, abort: Abort, page: Page, url: string): Promise<number> {
  if (args.preset === null) {
    log(`serving ${url}; Home → Run demo study`);
    await page.goto(url, { waitUntil: 'commit' });
    const demo = page.getByTestId('run-demo');
    // Enabled once the app has probed the backends and chosen the preset.
    try {
      await page.waitForFunction(
        () => {
          const b = document.querySelector('[data-testid="run-demo"]');
          return b instanceof HTMLButtonElement && !b.disabled;
        },
        undefined,
        { timeout: 120_000 },
      );
    } catch {
      throw new Error(
        '"Run demo study" did not become clickable within 2 min (the app never finished probing its backends)',
      );
    }
    log(`the app says: ${(await page.getByTestId('demo-reason').innerText()).trim()}`);
    await demo.click();
  } else {
    log(`serving ${url}; Setup → preset ${args.preset} → Start`);
    await page.goto(url + '#/setup', { waitUntil: 'commit' });
    await page.getByTestId(`preset-${args.preset}`).click();
    await page.locator('#cfg-name').fill(`demo-${args.preset}${args.seed === null ? '' : `-seed-${args.seed}`}`);
    if (args.seed !== null) {
      await page.locator('#cfg-seed').fill(String(args.seed));
      await page.locator('[id="cfg-sampler.seed"]').fill(String(args.seed));
    }
    const start = page.getByTestId('start-study');
    await start.waitFor();
    if (await start.isDisabled()) throw new Error('the Start button is disabled: the preset did not validate');
    await start.click();
  }
  const t0 = performance.now();
  try {
    await page.waitForURL(/#\/run\/\d+$/, { timeout: 60_000 });
  } catch {
    const alerts = (await page.locator('[role="alert"]').allInnerTexts()).join(' ').trim();
    throw new Error(`the study did not start within a minute${alerts === '' ? '' : `: ${alerts}`}`);
  }
  const studyId = Number(/#\/run\/(\d+)$/.exec(page.url())![1]);
  const created = await readStudy(page, studyId);
  const preset = await presetOf(created.storage, created.studyId);
  const minutes = args.timeoutMinutes ?? WATCHDOG_MINUTES[preset ?? 'notebook'];
  abort.watchdog(minutes, `the ${preset ?? 'custom'} study`);
  log(`study ${studyId}, preset ${preset ?? '(none)'}; watchdog ${minutes} min`);

  let last = '';
  let shotTaken = false;
  for (;;) {
    const phase = (await page.getByTestId('run-status').getAttribute('data-phase')) ?? '';
    if (phase === 'finished' || phase === 'failed' || phase === 'cancelled') break;
    const status = (await page.getByTestId('run-status').innerText()).replace(/\s+/g, ' ').slice(0, 160);
    if (status !== last) log(status);
    last = status;
    // DEMO_SCREENSHOT=FILE.png: the Run view once the first trial's live recovery has a few epochs behind it.
    const shot = process.env['DEMO_SCREENSHOT'];
    if (
      shot !== undefined &&
      !shotTaken &&
      /Trial 0/.test(status) &&
      /Epoch [5-9] of/.test(await page.getByTestId('run-status').innerText())
    ) {
      shotTaken = true;
      await page.setViewportSize({ width: 1400, height: 1000 });
      await page.waitForTimeout(500);
      await page.screenshot({ path: shot, fullPage: true });
      log(`screenshot: ${shot}`);
    }
    await page.waitForTimeout(2000);
  }
  const seconds = (performance.now() - t0) / 1000;
  const phase = await page.getByTestId('run-status').getAttribute('data-phase');
  const backend = (await page.getByTestId('run-backend').textContent())?.trim() ?? null;

  const { storage, studyId: replayed } = await readStudy(page, studyId);
  const trials = await storage.getAllTrials(replayed);
  const complete = trials.filter((t) => t.state === TrialState.COMPLETE && t.values !== null);
  const best = complete.reduce<FrozenTrial | null>(
    (b, t) => (b === null || t.values![0]! < b.values![0]! ? t : b),
    null,
  );
  const result = {
    backend,
    preset,
    trials: trials.map(summarize),
    best:
      best === null
        ? null
        : { number: best.number, value: best.values![0]!, params: best.params, contraction: contractionOf(best) },
    seconds: Math.round(seconds * 10) / 10,
  };
  if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
  else {
    process.stdout.write(
      `study ${studyId} (${phase}, preset ${preset ?? 'none'}) on ${backend}: ${trials.length} trials in ${result.seconds} s\n`,
    );
    for (const t of result.trials) process.stdout.write(`  #${t.number} ${t.state} ${t.value ?? '–'}\n`);
    if (result.best) process.stdout.write(`best: #${result.best.number} L = ${result.best.value}\n`);
  }
  let code = 0;
  if (phase !== 'finished') {
    log(`the study ended ${phase}: ${(await page.locator('[role="alert"]').allInnerTexts()).join(' ')}`);
    code = 1;
  }
  const failed = trials.filter((t) => t.state === TrialState.FAIL).map((t) => `#${t.number}`);
  if (failed.length > 0) {
    log(`failed trials: ${failed.join(', ')}`);
    code = 1;
  }
  return code;
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  const abort = new Abort();
  abort.watchdog(STARTUP_MINUTES, 'starting the study');

  // First, so that a machine without Chromium learns it in seconds rather than after the build.
  const found = await provision({});
  if (!found.ok) throw new Error(found.message);

  if (!args.skipBuild) {
    log('building the app (vite build)…');
    try {
      await abort.race(build({ configFile: path.resolve('vite.config.ts'), logLevel: 'warn' }));
    } catch (e) {
      throw new Error(`the build failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  let served: Served | undefined;
  let browser: Browser | undefined;
  try {
    served = await abort.race(servePreview());
    try {
      browser = await abort.race(
        chromium.launch({
          executablePath: found.chromiumPath,
          headless: true,
          args: ['--enable-unsafe-webgpu'],
          timeout: 45_000,
        }),
      );
    } catch (e) {
      throw new Error(
        `Chromium (${found.chromiumPath}) did not start: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      );
    }
    browser.on('disconnected', () => abort.fail(`Chromium (${found.chromiumPath}) exited`));
    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`page error: ${String(e)}`));
    page.on('crash', () => abort.fail('the page crashed (out of memory, or a GPU process failure)'));
    // The page closes first when Chromium itself dies; wait a moment to tell which of the two it was.
    page.on('close', () => {
      const b = browser;
      setTimeout(
        () =>
          abort.fail(
            b?.isConnected() === false
              ? `Chromium (${found.chromiumPath}) exited`
              : 'the page was closed (target closed)',
          ),
        250,
      ).unref();
    });
    return await abort.race(run(args, abort, page, served.url));
  } finally {
    // A dead browser can leave close() waiting: give the clean-up a few seconds, not the exit.
    const closing = Promise.allSettled([browser?.close(), served?.close()]);
    await Promise.race([closing, new Promise((r) => setTimeout(r, 5000).unref())]);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    // Exit even while a build, server or browser is still running: the cause is reported.
    process.exit(1);
  },
);
