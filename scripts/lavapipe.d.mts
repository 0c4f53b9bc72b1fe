// Types for lavapipe.mjs (plain JavaScript, run by provision.mjs before tsx may be installed).

export declare const LAVAPIPE_DIR: string;
export declare const LAVAPIPE_ICD: string;
export declare const LAVAPIPE_LIB_DIR: string;
export declare const BACKPORTS_SOURCE: string;
export declare const BACKPORTS_PACKAGES: string[];

export interface LavapipeFacts {
  /** The private manifest exists (set up earlier). */
  installed: boolean;
  noProvision: boolean;
  /** process.arch */
  arch: string;
  /** /etc/debian_version says 12 (bookworm). */
  debian12: boolean;
  hasAptGet: boolean;
  hasDpkg: boolean;
  /** Debian's own mesa-vulkan-drivers is installed (it brings the driver's libraries). */
  systemMesa: boolean;
  isRoot: boolean;
}

export type LavapipePlan = { kind: 'found' } | { kind: 'skip'; message: string } | { kind: 'fetch'; installSystemMesa: boolean };

export declare function planLavapipe(facts: LavapipeFacts): LavapipePlan;
export declare function lavapipeEnv(env?: NodeJS.ProcessEnv): { VK_DRIVER_FILES: string; LD_LIBRARY_PATH: string };
export declare function provisionLavapipe(o: {
  isRoot: boolean;
  hasAptGet: boolean;
  noProvision: boolean;
  log: (m: string) => void;
  aptInstall: (pkgs: string[]) => boolean;
}): boolean;
