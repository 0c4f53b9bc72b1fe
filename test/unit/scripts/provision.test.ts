/**
 * The provisioning decisions of scripts/provision.mjs, from given facts (root or not, apt-get or not,
 * what exists): nothing is installed here.
 */
import { describe, expect, it } from 'vitest';
import {
  aptSteps,
  DEBIAN_CHROMIUM,
  planChromium,
  planPostgres,
  planPython,
  type ChromiumFacts,
  type PythonFacts,
} from '../../../scripts/provision.mjs';
import {
  LOCK_FILE,
  lockHash,
  planVenv,
  VENV_DIR,
  VENV_PYTHON,
  venvSteps,
  type VenvFacts,
} from '../../../scripts/python-env.mjs';
import {
  BACKPORTS_PACKAGES,
  LAVAPIPE_ICD,
  LAVAPIPE_LIB_DIR,
  lavapipeEnv,
  planLavapipe,
  type LavapipeFacts,
} from '../../../scripts/lavapipe.mjs';

const PW = '/root/.cache/ms-playwright/chromium-1200/chrome-linux/chrome';

function chromium(over: Partial<ChromiumFacts> & { present?: string[] } = {}): ReturnType<typeof planChromium> {
  const present = new Set(over.present ?? []);
  return planChromium({
    envPath: undefined,
    exists: (p) => present.has(p),
    playwrightPath: PW,
    isRoot: false,
    hasAptGet: true,
    noProvision: false,
    ...over,
  });
}

function python(over: Partial<PythonFacts> = {}): ReturnType<typeof planPython> {
  return planPython({ hasOptuna: false, isRoot: false, hasAptGet: true, noProvision: false, ...over });
}

describe('planChromium', () => {
  it("uses Debian's chromium, then an earlier Playwright download, before installing anything", () => {
    expect(chromium({ present: [DEBIAN_CHROMIUM, PW], isRoot: true })).toEqual({
      kind: 'found',
      path: DEBIAN_CHROMIUM,
    });
    expect(chromium({ present: [PW], isRoot: true })).toEqual({ kind: 'found', path: PW });
  });

  it('honours an existing CHROMIUM_PATH over both', () => {
    expect(chromium({ envPath: '/opt/c', present: ['/opt/c', DEBIAN_CHROMIUM] })).toEqual({
      kind: 'found',
      path: '/opt/c',
    });
  });

  it('installs with apt-get as root where apt-get exists', () => {
    expect(chromium({ isRoot: true })).toEqual({ kind: 'apt', packages: ['chromium'], path: DEBIAN_CHROMIUM });
  });

  it("downloads Playwright's build when not root, or as root without apt-get", () => {
    const pw = { kind: 'playwright', command: 'npx playwright install chromium', path: PW };
    expect(chromium({ isRoot: false })).toEqual(pw);
    expect(chromium({ isRoot: true, hasAptGet: false })).toEqual(pw);
  });

  it('stops with both install commands when told not to provision', () => {
    const plan = chromium({ isRoot: true, noProvision: true });
    expect(plan.kind).toBe('missing');
    const msg = plan.kind === 'missing' ? plan.message : '';
    expect(msg).toMatch(/^Chromium not found at \/usr\/bin\/chromium/);
    expect(msg).toContain('DMC_NO_PROVISION=1');
    expect(msg).toContain('apt-get install chromium');
    expect(msg).toContain('npx playwright install chromium');
    // Not root: the apt command needs sudo.
    const user = chromium({ noProvision: true });
    expect(user.kind === 'missing' ? user.message : '').toContain('sudo apt-get install chromium');
  });

  it('never replaces a CHROMIUM_PATH that does not exist with another Chromium', () => {
    const plan = chromium({ envPath: '/nonexistent', isRoot: true, present: [DEBIAN_CHROMIUM] });
    expect(plan.kind).toBe('missing');
    expect(plan.kind === 'missing' ? plan.message : '').toMatch(
      /CHROMIUM_PATH=\/nonexistent does not exist.*npx playwright install chromium/,
    );
  });

  it('without playwright-core and without root there is nothing to run but to tell', () => {
    const plan = chromium({ playwrightPath: undefined, hasAptGet: false });
    expect(plan.kind).toBe('missing');
    expect(plan.kind === 'missing' ? plan.message : '').not.toContain('apt-get');
  });
});

describe('planPostgres', () => {
  const facts = { bin: undefined, isRoot: false, hasAptGet: true, noProvision: false };
  it("uses Debian's server binaries where initdb is", () => {
    expect(planPostgres({ ...facts, bin: '/usr/lib/postgresql/15/bin', noProvision: true })).toEqual({
      kind: 'found',
      path: '/usr/lib/postgresql/15/bin',
    });
  });

  it('installs postgresql as root with apt-get', () => {
    expect(planPostgres({ ...facts, isRoot: true })).toEqual({
      kind: 'apt',
      packages: ['postgresql'],
      path: '/usr/lib/postgresql',
    });
  });

  it('stops with the install command otherwise', () => {
    const notRoot = planPostgres(facts);
    expect(notRoot.kind === 'missing' && notRoot.message).toContain('sudo apt-get install postgresql');
    const told = planPostgres({ ...facts, isRoot: true, noProvision: true });
    expect(told.kind === 'missing' && told.message).toContain('DMC_NO_PROVISION=1');
    const noApt = planPostgres({ ...facts, isRoot: true, hasAptGet: false });
    expect(noApt.kind).toBe('missing');
  });
});

describe('planPython', () => {
  it('needs nothing when /usr/bin/python3 imports optuna', () => {
    expect(python({ hasOptuna: true, noProvision: true })).toEqual({ kind: 'found', path: '/usr/bin/python3' });
  });

  it('installs python3-optuna as root with apt-get', () => {
    expect(python({ isRoot: true })).toEqual({ kind: 'apt', packages: ['python3-optuna'], path: '/usr/bin/python3' });
  });

  it('otherwise stops with the exact command', () => {
    const msg = (p: ReturnType<typeof planPython>): string =>
      p.kind === 'missing' ? p.message : `not missing: ${p.kind}`;
    expect(msg(python())).toMatch(/cannot import optuna.*sudo apt-get install python3-optuna\.$/);
    expect(msg(python({ isRoot: true, noProvision: true }))).toMatch(
      /DMC_NO_PROVISION=1.* apt-get install python3-optuna\.$/,
    );
    expect(msg(python({ hasAptGet: false }))).toContain("/usr/bin/python3 -m pip install 'optuna>=3.1'");
  });
});

function venv(over: Partial<VenvFacts> = {}): ReturnType<typeof planVenv> {
  return planVenv({
    venvPython: true,
    stamp: 'aaa',
    lockHash: 'aaa',
    basePython: true,
    hasVenvModule: true,
    isRoot: false,
    hasAptGet: true,
    noProvision: false,
    ...over,
  });
}

describe('planVenv', () => {
  const msg = (p: ReturnType<typeof planVenv>): string => (p.kind === 'missing' ? p.message : `not missing: ${p.kind}`);

  it('keeps a .venv made from the current lock, even with DMC_NO_PROVISION=1', () => {
    expect(venv({ noProvision: true })).toEqual({ kind: 'found' });
  });

  it('rebuilds it when missing, never completed, or made from another lock', () => {
    expect(venv({ venvPython: false, stamp: undefined })).toEqual({ kind: 'create', why: '.venv is missing', apt: [] });
    expect(venv({ stamp: undefined })).toEqual({ kind: 'create', why: '.venv was never completed', apt: [] });
    expect(venv({ lockHash: 'bbb' })).toEqual({
      kind: 'create',
      why: 'python/requirements.lock changed since .venv was made',
      apt: [],
    });
  });

  it("installs Debian's python3-venv first as root when /usr/bin/python3 cannot make one", () => {
    expect(venv({ venvPython: false, hasVenvModule: false, isRoot: true })).toEqual({
      kind: 'create',
      why: '.venv is missing',
      apt: ['python3-venv'],
    });
    expect(msg(venv({ venvPython: false, hasVenvModule: false }))).toMatch(
      /cannot make virtual environments.*sudo apt-get install python3-venv; then npm run setup:python\.$/,
    );
  });

  it('installs nothing under DMC_NO_PROVISION=1 or without /usr/bin/python3, and says how', () => {
    expect(msg(venv({ lockHash: 'bbb', noProvision: true }))).toMatch(
      /lock changed.*DMC_NO_PROVISION=1.*npm run setup:python\.$/,
    );
    expect(msg(venv({ venvPython: false, basePython: false, isRoot: true }))).toMatch(
      /Python 3\.10–3\.12.* apt-get install python3 python3-venv/,
    );
  });

  it('installs exactly the hashed lock, nothing resolved beside it', () => {
    const steps = venvSteps();
    expect(steps[0]).toEqual(['/usr/bin/python3', '-m', 'venv', VENV_DIR]);
    expect(steps[1]?.[0]).toBe(VENV_PYTHON);
    expect(steps[1]).toEqual(expect.arrayContaining(['--require-hashes', '--no-deps', '-r', LOCK_FILE]));
    expect(lockHash('a')).not.toBe(lockHash('b'));
    expect(lockHash('a')).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('aptSteps', () => {
  it('updates the index only when it does not know a package', () => {
    const install = ['apt-get', 'install', '-y', '-qq', 'chromium', 'python3-optuna'];
    expect(aptSteps(['chromium', 'python3-optuna'], () => true)).toEqual([install]);
    expect(aptSteps(['chromium', 'python3-optuna'], (p) => p !== 'chromium')).toEqual([
      ['apt-get', 'update', '-qq'],
      install,
    ]);
    expect(aptSteps([], () => false)).toEqual([]);
  });
});

describe('planLavapipe', () => {
  const facts = (over: Partial<LavapipeFacts> = {}): LavapipeFacts => ({
    installed: false,
    noProvision: false,
    arch: 'x64',
    debian12: true,
    hasAptGet: true,
    hasDpkg: true,
    systemMesa: true,
    isRoot: false,
    ...over,
  });

  it('uses a lavapipe set up earlier, and fetches the backports driver otherwise (no root needed for that)', () => {
    expect(planLavapipe(facts({ installed: true, noProvision: true, debian12: false }))).toEqual({ kind: 'found' });
    expect(planLavapipe(facts())).toEqual({ kind: 'fetch', installSystemMesa: false });
  });

  it("installs Debian's mesa-vulkan-drivers first (for the driver's libraries) only as root", () => {
    expect(planLavapipe(facts({ systemMesa: false, isRoot: true }))).toEqual({
      kind: 'fetch',
      installSystemMesa: true,
    });
    const p = planLavapipe(facts({ systemMesa: false }));
    expect(p.kind === 'skip' && p.message).toContain('sudo apt-get install mesa-vulkan-drivers');
  });

  it('skips with the reason, never failing: DMC_NO_PROVISION, another architecture or system, no apt-get or dpkg', () => {
    const cases: [Partial<LavapipeFacts>, RegExp][] = [
      [{ noProvision: true }, /DMC_NO_PROVISION=1/],
      [{ arch: 'arm64' }, /arm64/],
      [{ debian12: false }, /not Debian 12/],
      [{ hasAptGet: false }, /apt-get and dpkg/],
      [{ hasDpkg: false }, /apt-get and dpkg/],
    ];
    for (const [over, why] of cases) {
      const p = planLavapipe(facts(over));
      expect(p.kind).toBe('skip');
      expect(p.kind === 'skip' && p.message).toMatch(why);
      expect(p.kind === 'skip' && p.message).toMatch(/run on SwiftShader only/);
    }
  });

  it('points Dawn at the private manifest, its libdrm first on the library path', () => {
    const env = lavapipeEnv({ LD_LIBRARY_PATH: '/opt/lib' });
    expect(env.VK_DRIVER_FILES).toBe(LAVAPIPE_ICD);
    expect(env.LD_LIBRARY_PATH).toBe(`${LAVAPIPE_LIB_DIR}:/opt/lib`);
    expect(BACKPORTS_PACKAGES).toContain('mesa-vulkan-drivers');
  });
});
