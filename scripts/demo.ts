/**
 * `npm run demo -- --json [--preset smoke|notebook] [--skip-build]` — the headless main job (issue 5
 * item 8): builds the app, serves the build with `vite preview`, drives headless Chromium through the
 * real UI (Setup → preset → Start → Run view until the study ends) and prints the study as read back
 * from the page's IndexedDB: the journal ops are read from the `dmc-tune-studies` database and replayed
 * by the study engine here, so the output is what Optuna would load from an export.
 *
 * Output with --json, one line: {"backend", "trials": [{"number", "state", "value", "params"}],
 * "best": {"number", "value", "params"} | null, "seconds"} (seconds: Start click to the end of the run).
 * Progress goes to stderr. Exit code 1 when the study fails.
 */
import path from 'node:path';
import { build } from 'vite';
import { InMemoryStorage, TRIAL_STATE_NAMES, TrialState, type FrozenTrial } from '../src/engine/index.ts';
import { importJournal, serializeJournal, type JournalOp } from '../src/engine/storages/journal/index.ts';
import { launch, servePreview } from '../test/e2e/harness.ts';

interface Args {
  json: boolean;
  preset: 'smoke' | 'notebook';
  skipBuild: boolean;
}

function parse(argv: readonly string[]): Args {
  const out: Args = { json: false, preset: 'smoke', skipBuild: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') out.json = true;
    else if (a === '--skip-build') out.skipBuild = true;
    else if (a === '--preset' || a.startsWith('--preset=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v !== 'smoke' && v !== 'notebook') throw new Error(`--preset must be smoke or notebook, got ${JSON.stringify(v)}`);
      out.preset = v;
    } else throw new Error(`unknown argument ${a} (usage: npm run demo -- --json [--preset smoke|notebook] [--skip-build])`);
  }
  return out;
}

function log(msg: string): void {
  process.stderr.write(`[demo] ${msg}\n`);
}

function summarize(t: FrozenTrial): { number: number; state: string; value: number | null; params: FrozenTrial['params'] } {
  return { number: t.number, state: TRIAL_STATE_NAMES[t.state], value: t.values?.[0] ?? null, params: t.params };
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (!args.skipBuild) {
    log('building the app (vite build)…');
    await build({ configFile: path.resolve('vite.config.ts'), logLevel: 'warn' });
  }
  const served = await servePreview();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`page error: ${String(e)}`));
    log(`serving ${served.url}; preset ${args.preset}`);
    await page.goto(served.url + '#/setup', { waitUntil: 'commit' });
    await page.getByTestId(`preset-${args.preset}`).click();
    await page.locator('#cfg-name').fill(`demo-${args.preset}`);
    const start = page.getByTestId('start-study');
    await start.waitFor();
    if (await start.isDisabled()) throw new Error('the Start button is disabled: the preset did not validate');
    const t0 = performance.now();
    await start.click();
    await page.waitForURL(/#\/run\/\d+$/, { timeout: 60_000 });
    const studyId = Number(/#\/run\/(\d+)$/.exec(page.url())![1]);
    let last = '';
    for (;;) {
      const phase = (await page.getByTestId('run-status').getAttribute('data-phase')) ?? '';
      if (phase === 'finished' || phase === 'failed' || phase === 'cancelled') break;
      const status = (await page.getByTestId('run-status').innerText()).replace(/\s+/g, ' ').slice(0, 160);
      if (status !== last) log(status);
      last = status;
      await page.waitForTimeout(2000);
    }
    const seconds = (performance.now() - t0) / 1000;
    const phase = await page.getByTestId('run-status').getAttribute('data-phase');
    const backend = (await page.getByTestId('run-backend').textContent())?.trim() ?? null;

    const ops = await page.evaluate(async (id: number) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('dmc-tune-studies');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const records = await new Promise<{ op: unknown }[]>((resolve, reject) => {
        const r = db.transaction('ops').objectStore('ops').getAll(IDBKeyRange.bound([id, 0], [id, Infinity]));
        r.onsuccess = () => resolve(r.result as { op: unknown }[]);
        r.onerror = () => reject(r.error);
      });
      db.close();
      return records.map((x) => x.op);
    }, studyId);
    const storage = new InMemoryStorage();
    const { studyIds } = await importJournal(serializeJournal(ops as JournalOp[]), storage);
    const trials = await storage.getAllTrials(studyIds[0]!);
    const complete = trials.filter((t) => t.state === TrialState.COMPLETE && t.values !== null);
    const best = complete.reduce<FrozenTrial | null>((b, t) => (b === null || t.values![0]! < b.values![0]! ? t : b), null);
    const result = {
      backend,
      trials: trials.map(summarize),
      best: best === null ? null : { number: best.number, value: best.values![0]!, params: best.params },
      seconds: Math.round(seconds * 10) / 10,
    };
    if (args.json) process.stdout.write(JSON.stringify(result) + '\n');
    else {
      process.stdout.write(`study ${studyId} (${phase}) on ${backend}: ${trials.length} trials in ${result.seconds} s\n`);
      for (const t of result.trials) process.stdout.write(`  #${t.number} ${t.state} ${t.value ?? '–'}\n`);
      if (result.best) process.stdout.write(`best: #${result.best.number} L = ${result.best.value}\n`);
    }
    if (phase !== 'finished') {
      log(`the study ended ${phase}: ${(await page.locator('[role="alert"]').allInnerTexts()).join(' ')}`);
      return 1;
    }
    return 0;
  } finally {
    await browser.close();
    await served.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
