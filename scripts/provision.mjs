// What `npm test` and `npm run demo` need outside node_modules — a Chromium for Playwright and Vitest's
// browser mode, /usr/bin/python3 with Optuna for the interoperability tests, PostgreSQL's server for the cluster test —
// found, installed, or refused at once with the command that installs it. The plan* functions decide from facts
// passed in, so that the decisions are unit-tested without installing anything; provision() gathers the facts and acts.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { provisionLavapipe } from './lavapipe.mjs';
import { createVenv, LOCK_FILE, lockHash, planVenv, venvFacts, VENV_DIR } from './python-env.mjs';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
export const PYTHON = '/usr/bin/python3';
export const PLAYWRIGHT_INSTALL = 'npx playwright install chromium';
/** Set to 1 to only look for what is there; nothing is installed (tests, machines without network). */
export const NO_PROVISION_ENV = 'DMC_NO_PROVISION';

/** @param {boolean} isRoot @param {readonly string[]} packages */
function aptCommand(isRoot, packages) {
  return `${isRoot ? '' : 'sudo '}apt-get install ${packages.join(' ')}`;
}

/**
 * @param {import('./provision.d.mts').ChromiumFacts} f
 * @returns {import('./provision.d.mts').Plan}
 */
export function planChromium(f) {
  const install = [
    ...(f.hasAptGet ? [`${aptCommand(f.isRoot, ['chromium'])} (Debian)`] : []),
    `${PLAYWRIGHT_INSTALL} (Playwright's own build)`,
  ].join(' or ');
  if (f.envPath !== undefined && f.envPath !== '') {
    if (f.exists(f.envPath)) return { kind: 'found', path: f.envPath };
    // Installing some other Chromium would silently ignore the path the user chose.
    return {
      kind: 'missing',
      message: `Chromium not found: CHROMIUM_PATH=${f.envPath} does not exist. Point CHROMIUM_PATH at a Chromium binary, or unset it and install Chromium: ${install}.`,
    };
  }
  if (f.exists(DEBIAN_CHROMIUM)) return { kind: 'found', path: DEBIAN_CHROMIUM };
  if (f.playwrightPath !== undefined && f.exists(f.playwrightPath)) return { kind: 'found', path: f.playwrightPath };
  const missing = `Chromium not found at ${DEBIAN_CHROMIUM}${f.playwrightPath !== undefined ? ` or ${f.playwrightPath}` : ''}`;
  if (f.noProvision) {
    return {
      kind: 'missing',
      message: `${missing}, and ${NO_PROVISION_ENV}=1 says not to install it. Install it: ${install}; or set CHROMIUM_PATH.`,
    };
  }
  if (f.isRoot && f.hasAptGet) return { kind: 'apt', packages: ['chromium'], path: DEBIAN_CHROMIUM };
  if (f.playwrightPath !== undefined)
    return { kind: 'playwright', command: PLAYWRIGHT_INSTALL, path: f.playwrightPath };
  return { kind: 'missing', message: `${missing}. Install it: ${install}; or set CHROMIUM_PATH.` };
}

/**
 * @param {import('./provision.d.mts').PythonFacts} f
 * @returns {import('./provision.d.mts').Plan}
 */
export function planPython(f) {
  if (f.hasOptuna) return { kind: 'found', path: PYTHON };
  const why = `${PYTHON} cannot import optuna (the Python Optuna interoperability tests run it)`;
  if (f.noProvision)
    return {
      kind: 'missing',
      message: `${why}, and ${NO_PROVISION_ENV}=1 says not to install it. Install it: ${aptCommand(f.isRoot, ['python3-optuna'])}.`,
    };
  if (f.isRoot && f.hasAptGet) return { kind: 'apt', packages: ['python3-optuna'], path: PYTHON };
  if (f.hasAptGet) return { kind: 'missing', message: `${why}. Install it: ${aptCommand(false, ['python3-optuna'])}.` };
  // Debian's package is what the tests were written against (Optuna 3.1); elsewhere pip is the way.
  return { kind: 'missing', message: `${why}. Install Optuna for ${PYTHON}: ${PYTHON} -m pip install 'optuna>=3.1'.` };
}

/** Where Debian's PostgreSQL server packages put initdb and pg_ctl: POSTGRES_DIR/<major>/bin. */
export const POSTGRES_DIR = '/usr/lib/postgresql';

/** The newest Debian PostgreSQL's bin folder, or undefined. @returns {string | undefined} */
export function findPostgresBin() {
  const versions = existsSync(POSTGRES_DIR)
    ? readdirSync(POSTGRES_DIR).filter((v) => executable(path.join(POSTGRES_DIR, v, 'bin', 'initdb')))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : path.join(POSTGRES_DIR, newest, 'bin');
}

/**
 * @param {import('./provision.d.mts').PostgresFacts} f
 * @returns {import('./provision.d.mts').Plan}
 */
export function planPostgres(f) {
  if (f.bin !== undefined) return { kind: 'found', path: f.bin };
  const why = `PostgreSQL's server (initdb and pg_ctl in ${POSTGRES_DIR}/VERSION/bin) is missing (the cluster test starts a throw-away server)`;
  if (f.noProvision)
    return {
      kind: 'missing',
      message: `${why}, and ${NO_PROVISION_ENV}=1 says not to install it. Install it: ${aptCommand(f.isRoot, ['postgresql'])}.`,
    };
  if (f.isRoot && f.hasAptGet) return { kind: 'apt', packages: ['postgresql'], path: POSTGRES_DIR };
  if (f.hasAptGet) return { kind: 'missing', message: `${why}. Install it: ${aptCommand(false, ['postgresql'])}.` };
  return {
    kind: 'missing',
    message: `${why}. Install Debian's postgresql package, or PostgreSQL's server binaries under ${POSTGRES_DIR}/VERSION/bin.`,
  };
}

/**
 * The apt-get commands for `packages`; `apt-get update` first only when the index does not know one of
 * them (a fresh container has no index at all), because an update costs far more than the install.
 * @param {readonly string[]} packages
 * @param {(pkg: string) => boolean} known
 * @returns {string[][]}
 */
export function aptSteps(packages, known) {
  if (packages.length === 0) return [];
  const install = ['apt-get', 'install', '-y', '-qq', ...packages];
  return packages.every(known) ? [install] : [['apt-get', 'update', '-qq'], install];
}

/** @param {string} cmd */
function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(path.join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** @param {string} p */
function executable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** @param {string} pkg */
function aptKnows(pkg) {
  const r = spawnSync('apt-cache', ['policy', pkg], { encoding: 'utf8' });
  return r.status === 0 && /Candidate: (?!\(none\))/.test(r.stdout);
}

/**
 * Runs a command with its output on stderr (the demo's stdout carries only its JSON).
 * @param {readonly string[]} argv
 * @param {(msg: string) => void} log
 */
function sh(argv, log) {
  log(`$ ${argv.join(' ')}`);
  const r = spawnSync(/** @type {string} */ (argv[0]), argv.slice(1), {
    stdio: ['ignore', 2, 2],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
}

/**
 * Builds .venv from python/requirements.lock (the plan said it is missing or stale).
 * @param {string} why @param {(msg: string) => void} log
 * @returns {{ ok: true } | { ok: false, message: string }}
 */
function makeVenv(why, log) {
  log(
    `${why}: creating ${VENV_DIR} from python/requirements.lock (about 200 MB of wheels, 940 MB installed; ~30 s on a fast network)…`,
  );
  const t0 = Date.now();
  if (!createVenv((argv) => sh(argv, log), lockHash(readFileSync(LOCK_FILE, 'utf8')))) {
    return {
      ok: false,
      message: `Could not create ${VENV_DIR}: see pip's output above (no network to PyPI? a Python other than 3.10–3.12?). Try again with npm run setup:python.`,
    };
  }
  log(`.venv ready in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return { ok: true };
}

/**
 * `npm run setup:python`: the pinned environment alone, made when missing or stale (asked for by name, so
 * DMC_NO_PROVISION does not apply); `force` rebuilds it anyway.
 * @type {import('./provision.d.mts').provisionVenv}
 */
export function provisionVenv(opts = {}) {
  const log = opts.log ?? ((m) => process.stderr.write(`[setup:python] ${m}\n`));
  const isRoot = process.getuid?.() === 0;
  const hasAptGet = onPath('apt-get');
  const facts = venvFacts({ isRoot, hasAptGet, noProvision: false });
  const plan = planVenv(opts.force === true ? { ...facts, stamp: undefined } : facts);
  if (plan.kind === 'found') {
    log(`${VENV_DIR} is up to date with python/requirements.lock`);
    return { ok: true };
  }
  if (plan.kind === 'missing') return { ok: false, message: plan.message };
  if (plan.apt.length > 0 && !aptSteps(plan.apt, aptKnows).every((s) => sh(s, log))) {
    return {
      ok: false,
      message: `apt-get could not install ${plan.apt.join(' ')}: see its output above. Run it yourself: ${aptCommand(true, plan.apt)}.`,
    };
  }
  return makeVenv(opts.force === true ? 'rebuild asked for' : plan.why, log);
}

/** Where `npx playwright install chromium` puts its Chromium, or undefined without playwright-core. */
async function playwrightChromium() {
  try {
    const { chromium } = await import('playwright-core');
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

/** @type {import('./provision.d.mts').provision} */
export async function provision(opts) {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((m) => process.stderr.write(`[provision] ${m}\n`));
  const isRoot = process.getuid?.() === 0;
  const hasAptGet = onPath('apt-get');
  const noProvision = env[NO_PROVISION_ENV] === '1';

  const chromium = planChromium({
    envPath: env.CHROMIUM_PATH,
    exists: executable,
    playwrightPath: await playwrightChromium(),
    isRoot,
    hasAptGet,
    noProvision,
  });
  const python = opts.python
    ? planPython({ hasOptuna: spawnSync(PYTHON, ['-c', 'import optuna']).status === 0, isRoot, hasAptGet, noProvision })
    : null;

  const venv = opts.venv ? planVenv(venvFacts({ isRoot, hasAptGet, noProvision })) : null;
  const postgres = opts.postgres ? planPostgres({ bin: findPostgresBin(), isRoot, hasAptGet, noProvision }) : null;

  const problems = [chromium, python, venv, postgres].flatMap((p) => (p?.kind === 'missing' ? [p.message] : []));
  if (problems.length > 0) return { ok: false, message: problems.join('\n') };

  const apt = [
    ...[chromium, python, postgres].flatMap((p) => (p?.kind === 'apt' ? p.packages : [])),
    ...(venv?.kind === 'create' ? venv.apt : []),
  ];
  if (apt.length > 0) {
    log(`installing ${apt.join(' ')} with apt-get (running as root)…`);
    const steps = aptSteps(apt, aptKnows);
    let ok = steps.every((s) => sh(s, log));
    // A stale index names versions the mirror no longer has: refresh it once and try again.
    if (!ok && steps.length === 1) ok = sh(['apt-get', 'update', '-qq'], log) && sh(steps[0], log);
    if (!ok)
      return {
        ok: false,
        message: `apt-get could not install ${apt.join(' ')}: see its output above. Run it yourself: apt-get update && ${aptCommand(true, apt)}.`,
      };
  }
  if (chromium.kind === 'playwright') {
    log(`Chromium is missing; downloading Playwright's (${chromium.command})…`);
    if (!sh(['npx', 'playwright', 'install', 'chromium'], log) || !executable(chromium.path)) {
      return {
        ok: false,
        message: `Chromium not found, and "${chromium.command}" failed (no network?). Install Chromium (${hasAptGet ? 'sudo apt-get install chromium, or ' : ''}${chromium.command} where the network allows), or set CHROMIUM_PATH.`,
      };
    }
  }
  for (const p of [chromium, python]) {
    if (
      p?.kind === 'apt' &&
      !(p.path === PYTHON ? spawnSync(PYTHON, ['-c', 'import optuna']).status === 0 : executable(p.path))
    ) {
      return { ok: false, message: `apt-get installed ${p.packages.join(' ')}, but ${p.path} is still not usable.` };
    }
  }
  if (postgres?.kind === 'apt' && findPostgresBin() === undefined) {
    return { ok: false, message: `apt-get installed postgresql, but no initdb is under ${POSTGRES_DIR}/VERSION/bin.` };
  }
  if (venv?.kind === 'create') {
    const made = makeVenv(venv.why, log);
    if (!made.ok) return made;
  }
  if (chromium.kind !== 'found') log(`Chromium: ${chromium.path}`);
  // The second software Vulkan driver for the webgpu tests: best effort, it never stops `npm test`.
  if (opts.lavapipe === true) {
    provisionLavapipe({
      isRoot,
      hasAptGet,
      noProvision,
      log,
      aptInstall: (pkgs) => aptSteps(pkgs, aptKnows).every((s) => sh(s, log)),
    });
  }
  return { ok: true, chromiumPath: /** @type {string} */ (chromium.path) };
}
