// Types for provision.mjs (plain JavaScript so that it runs before `npm ci` has installed tsx).

export declare const DEBIAN_CHROMIUM: string;
export declare const PYTHON: string;
export declare const PLAYWRIGHT_INSTALL: string;
export declare const NO_PROVISION_ENV: string;

export interface ChromiumFacts {
  /** CHROMIUM_PATH, when set. */
  envPath: string | undefined;
  exists(path: string): boolean;
  /** Where Playwright's own Chromium is or would be installed; undefined without playwright-core. */
  playwrightPath: string | undefined;
  isRoot: boolean;
  hasAptGet: boolean;
  noProvision: boolean;
}

export interface PythonFacts {
  /** /usr/bin/python3 imports optuna. */
  hasOptuna: boolean;
  isRoot: boolean;
  hasAptGet: boolean;
  noProvision: boolean;
}

export interface PostgresFacts {
  /** The newest POSTGRES_DIR/VERSION/bin holding initdb, if any. */
  bin: string | undefined;
  isRoot: boolean;
  hasAptGet: boolean;
  noProvision: boolean;
}

export declare const POSTGRES_DIR: string;
export declare function findPostgresBin(): string | undefined;
export declare function planPostgres(facts: PostgresFacts): Plan;

export type Plan =
  | { kind: 'found'; path: string }
  | { kind: 'apt'; packages: string[]; path: string }
  | { kind: 'playwright'; command: string; path: string }
  | { kind: 'missing'; message: string };

export declare function planChromium(facts: ChromiumFacts): Plan;
export declare function planPython(facts: PythonFacts): Plan;
export declare function aptSteps(packages: readonly string[], known: (pkg: string) => boolean): string[][];

export interface ProvisionOptions {
  /** Also make /usr/bin/python3 import optuna (npm test; the demo needs only Chromium). */
  python?: boolean;
  /** Also install Debian's PostgreSQL server (the cluster test starts a throw-away one). */
  postgres?: boolean;
  /** Also make the pinned .venv from python/requirements.lock when missing or stale (scripts/python-env.mjs). */
  venv?: boolean;
  /** Also set up lavapipe, the webgpu tests' second Vulkan driver (scripts/lavapipe.mjs; best effort). */
  lavapipe?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (msg: string) => void;
}

export declare function provision(
  opts: ProvisionOptions,
): Promise<{ ok: true; chromiumPath: string } | { ok: false; message: string }>;

/** `npm run setup:python`: .venv made when missing or stale, or rebuilt with force. */
export declare function provisionVenv(opts?: {
  force?: boolean;
  log?: (msg: string) => void;
}): { ok: true } | { ok: false; message: string };
