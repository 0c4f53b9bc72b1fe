// Mesa's lavapipe, the tests' second software Vulkan driver beside SwiftShader (an assumption that holds on
// one driver only shows up here, not on a user's GPU). Debian 12's own lavapipe (mesa-vulkan-drivers
// 22.3.6) is refused by Dawn ("Vulkan shaderUniform*ArrayDynamicIndexing required"), so the driver comes
// from bookworm-backports (Mesa 25), downloaded with apt-get through a private package list and unpacked
// with dpkg -x into node_modules/.cache/lavapipe: the system's apt sources and libraries are left as they
// are. Its other libraries (LLVM 15, X and Wayland client libraries) are Debian 12's, installed with
// Debian's mesa-vulkan-drivers. The plan is decided from facts passed in, so it is unit-tested.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const LAVAPIPE_DIR = path.join(ROOT, 'node_modules', '.cache', 'lavapipe');
/** The manifest the tests name in VK_DRIVER_FILES (its library path is absolute). */
export const LAVAPIPE_ICD = path.join(LAVAPIPE_DIR, 'lvp_icd.json');
/** Must be on LD_LIBRARY_PATH: the driver needs libdrm ≥ 2.4.121, newer than Debian 12's. */
export const LAVAPIPE_LIB_DIR = path.join(LAVAPIPE_DIR, 'root', 'usr', 'lib', 'x86_64-linux-gnu');
export const BACKPORTS_SOURCE = 'deb http://deb.debian.org/debian bookworm-backports main';
export const BACKPORTS_PACKAGES = ['mesa-vulkan-drivers', 'libdrm2', 'libdrm-amdgpu1'];

/** The environment that points Dawn (through the system's Vulkan loader) at this lavapipe. */
export function lavapipeEnv(env = process.env) {
  return {
    VK_DRIVER_FILES: LAVAPIPE_ICD,
    LD_LIBRARY_PATH: [LAVAPIPE_LIB_DIR, ...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '')].join(':'),
  };
}

/**
 * @param {import('./lavapipe.d.mts').LavapipeFacts} f
 * @returns {import('./lavapipe.d.mts').LavapipePlan}
 */
export function planLavapipe(f) {
  if (f.installed) return { kind: 'found' };
  const skip = (/** @type {string} */ why) => ({
    kind: /** @type {const} */ ('skip'),
    message: `lavapipe not set up (${why}): the webgpu tests run on SwiftShader only`,
  });
  if (f.noProvision) return skip('DMC_NO_PROVISION=1');
  if (f.arch !== 'x64') return skip(`this is ${f.arch}; the backports driver is fetched for amd64`);
  if (!f.debian12) return skip('not Debian 12 (bookworm), whose backports it comes from');
  if (!f.hasAptGet || !f.hasDpkg) return skip('apt-get and dpkg are needed to fetch and unpack it');
  if (!f.systemMesa && !f.isRoot)
    return skip(
      "Debian's mesa-vulkan-drivers (for the driver's libraries) is missing and installing it needs root: sudo apt-get install mesa-vulkan-drivers",
    );
  return { kind: 'fetch', installSystemMesa: !f.systemMesa };
}

/** @param {string[]} argv @param {string} cwd @param {(m: string) => void} log */
function sh(argv, cwd, log) {
  log(`$ ${argv.join(' ')}`);
  const r = spawnSync(/** @type {string} */ (argv[0]), argv.slice(1), {
    cwd,
    stdio: ['ignore', 2, 2],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return r.status === 0;
}

/**
 * Sets up lavapipe where it can; never fails `npm test` (SwiftShader remains), says why when it skips.
 * @param {{ isRoot: boolean; hasAptGet: boolean; noProvision: boolean; log: (m: string) => void; aptInstall: (pkgs: string[]) => boolean }} o
 */
export function provisionLavapipe(o) {
  const debianVersion = (() => {
    try {
      return readFileSync('/etc/debian_version', 'utf8').trim();
    } catch {
      return '';
    }
  })();
  const plan = planLavapipe({
    installed: existsSync(LAVAPIPE_ICD),
    noProvision: o.noProvision,
    arch: process.arch,
    debian12: /^12(\.|$)|bookworm/.test(debianVersion),
    hasAptGet: o.hasAptGet,
    hasDpkg: existsSync('/usr/bin/dpkg'),
    systemMesa: existsSync('/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'),
    isRoot: o.isRoot,
  });
  if (plan.kind === 'found') return true;
  if (plan.kind === 'skip') {
    o.log(plan.message);
    return false;
  }
  if (plan.installSystemMesa && !o.aptInstall(['mesa-vulkan-drivers'])) {
    o.log(
      "lavapipe not set up: apt-get could not install Debian's mesa-vulkan-drivers; the webgpu tests run on SwiftShader only",
    );
    return false;
  }
  rmSync(LAVAPIPE_DIR, { recursive: true, force: true });
  const lists = path.join(LAVAPIPE_DIR, 'lists');
  const debs = path.join(LAVAPIPE_DIR, 'debs');
  mkdirSync(path.join(lists, 'partial'), { recursive: true });
  mkdirSync(debs, { recursive: true });
  writeFileSync(path.join(LAVAPIPE_DIR, 'sources.list'), `${BACKPORTS_SOURCE}\n`);
  const apt = [
    '-o',
    'APT::Sandbox::User=root',
    '-o',
    `Dir::Etc::SourceList=${path.join(LAVAPIPE_DIR, 'sources.list')}`,
    '-o',
    'Dir::Etc::SourceParts=/dev/null',
    '-o',
    `Dir::State::Lists=${lists}`,
    '-qq',
  ];
  const ok =
    sh(['apt-get', ...apt, 'update'], debs, o.log) &&
    sh(
      ['apt-get', ...apt, 'download', ...BACKPORTS_PACKAGES.map((p) => `${p}:amd64/bookworm-backports`)],
      debs,
      o.log,
    ) &&
    readdirSync(debs)
      .filter((f) => f.endsWith('.deb'))
      .every((f) => sh(['dpkg', '-x', path.join(debs, f), path.join(LAVAPIPE_DIR, 'root')], debs, o.log));
  const lib = path.join(LAVAPIPE_LIB_DIR, 'libvulkan_lvp.so');
  if (!ok || !existsSync(lib)) {
    o.log(
      'lavapipe not set up: fetching Mesa from bookworm-backports failed (no network?); the webgpu tests run on SwiftShader only',
    );
    return false;
  }
  writeFileSync(
    LAVAPIPE_ICD,
    JSON.stringify({ file_format_version: '1.0.1', ICD: { library_path: lib, api_version: '1.3.0' } }) + '\n',
  );
  rmSync(debs, { recursive: true });
  rmSync(lists, { recursive: true });
  o.log(`lavapipe (Mesa from bookworm-backports): ${LAVAPIPE_ICD}`);
  return true;
}
