/**
 * Which Vulkan driver Dawn (npm `webgpu`) should use in this Node process, decided from files and
 * environment only, so the choice is testable without a GPU.
 *
 * Dawn dlopens `libvulkan.so.1` when the first adapter is requested, and glibc reads LD_LIBRARY_PATH once
 * at process start: a driver outside the system's library path (Debian chromium's SwiftShader in
 * /usr/lib/chromium) is only reachable by starting the process again with the variables set. The plan
 * therefore names one of: use what this process can load, start again with SwiftShader (once: the child
 * carries REEXEC_FLAG), or give up with a message.
 */

export const SWIFTSHADER_DIR = '/usr/lib/chromium';
export const SWIFTSHADER_ICD = `${SWIFTSHADER_DIR}/vk_swiftshader_icd.json`;
/** Set in the environment of the process started again with SwiftShader, so it never loops. */
export const REEXEC_FLAG = 'DMC_DAWN_SWIFTSHADER';

export const NO_WEBGPU_MESSAGE =
  "No WebGPU in Node: neither a GPU Vulkan driver nor SwiftShader (/usr/lib/chromium/vk_swiftshader_icd.json, from Debian's chromium package) was found";

/** What the probe reads: an injected file system, so tests describe machines as plain maps. */
export interface FileProbe {
  exists(path: string): boolean;
  /** Entries of a directory, [] when it does not exist. */
  list(dir: string): string[];
  /** File text, null when unreadable. */
  read(path: string): string | null;
}

export interface IcdManifest {
  path: string;
  library: string;
  /** CPU emulation (SwiftShader, lavapipe, the mock driver): not a GPU. */
  software: boolean;
}

export interface VulkanProbe {
  /** Where the system's loader `libvulkan.so.1` was found, or null. */
  systemLoader: string | null;
  /** ICD manifests the system loader would read (VK_ICD_FILENAMES / VK_DRIVER_FILES when set). */
  icds: IcdManifest[];
  /** The manifests were named by VK_DRIVER_FILES / VK_ICD_FILENAMES: the caller chose the driver. */
  explicit: boolean;
  /** Debian chromium ships its own loader and SwiftShader's manifest + library side by side. */
  swiftshader: boolean;
  /**
   * This process already runs with SwiftShader's variables: started again by the plan (REEXEC_FLAG), or
   * by a caller who set LD_LIBRARY_PATH and VK_ICD_FILENAMES as browser-runtime docs describe.
   */
  onSwiftshader: boolean;
}

export type VulkanPlan =
  | { action: 'use'; driver: 'gpu' | 'swiftshader' | 'software'; detail: string }
  | { action: 'reexec'; driver: 'swiftshader'; env: Record<string, string>; detail: string }
  | { action: 'fail'; message: string };

type Env = Readonly<Record<string, string | undefined>>;

function splitPath(v: string | undefined): string[] {
  return (v ?? '').split(':').filter((s) => s !== '');
}

function libDirs(env: Env, arch: string): string[] {
  const triplet = arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';
  return [
    ...splitPath(env['LD_LIBRARY_PATH']).filter((d) => d !== SWIFTSHADER_DIR),
    `/lib/${triplet}`,
    `/usr/lib/${triplet}`,
    '/lib64',
    '/usr/lib64',
    '/lib',
    '/usr/lib',
    '/usr/local/lib',
  ];
}

/** Manifest directories in the order the Vulkan loader searches them (Linux). */
function icdDirs(env: Env): string[] {
  const config = splitPath(env['XDG_CONFIG_DIRS'] ?? '/etc/xdg');
  const data = splitPath(env['XDG_DATA_DIRS'] ?? '/usr/local/share:/usr/share');
  const home = env['HOME'] !== undefined ? [`${env['HOME']}/.local/share`] : [];
  return [
    ...config.map((d) => `${d}/vulkan/icd.d`),
    '/etc/vulkan/icd.d',
    ...[...data, ...home].map((d) => `${d}/vulkan/icd.d`),
  ];
}

const SOFTWARE_DRIVER = /swiftshader|lvp|lavapipe|mock_icd/i;

function readManifest(files: FileProbe, path: string): IcdManifest | null {
  const text = files.read(path);
  if (text === null) return null;
  let library: unknown;
  try {
    library = (JSON.parse(text) as { ICD?: { library_path?: unknown } }).ICD?.library_path;
  } catch {
    return null;
  }
  if (typeof library !== 'string') return null;
  return { path, library, software: SOFTWARE_DRIVER.test(library) || SOFTWARE_DRIVER.test(path) };
}

export function probeVulkan(files: FileProbe, env: Env, arch: string): VulkanProbe {
  const systemLoader =
    libDirs(env, arch)
      .map((d) => `${d}/libvulkan.so.1`)
      .find((p) => files.exists(p)) ?? null;
  const explicit = splitPath(env['VK_DRIVER_FILES'] ?? env['VK_ICD_FILENAMES']);
  const manifests =
    explicit.length > 0
      ? explicit
      : [...new Set(icdDirs(env))].flatMap((d) =>
          files
            .list(d)
            .filter((f) => f.endsWith('.json'))
            .map((f) => `${d}/${f}`),
        );
  const icds = manifests.map((m) => readManifest(files, m)).filter((m): m is IcdManifest => m !== null);
  const swiftshader =
    files.exists(SWIFTSHADER_ICD) &&
    files.exists(`${SWIFTSHADER_DIR}/libvk_swiftshader.so`) &&
    files.exists(`${SWIFTSHADER_DIR}/libvulkan.so.1`);
  const onSwiftshader =
    env[REEXEC_FLAG] === '1' ||
    (env['VK_ICD_FILENAMES'] === SWIFTSHADER_ICD && splitPath(env['LD_LIBRARY_PATH']).includes(SWIFTSHADER_DIR));
  return { systemLoader, icds, explicit: explicit.length > 0, swiftshader, onSwiftshader };
}

function swiftshaderEnv(env: Env): Record<string, string> {
  const ld = [SWIFTSHADER_DIR, ...splitPath(env['LD_LIBRARY_PATH']).filter((d) => d !== SWIFTSHADER_DIR)].join(':');
  return { LD_LIBRARY_PATH: ld, VK_ICD_FILENAMES: SWIFTSHADER_ICD, [REEXEC_FLAG]: '1' };
}

/**
 * The first choice: a GPU driver through the system loader, else SwiftShader (this process if it was
 * started for it, otherwise a new one), else the message. `adapterFailed` is set on the second call,
 * after this process got no adapter from the driver the first call chose.
 */
export function planVulkan(probe: VulkanProbe, env: Env, adapterFailed = false): VulkanPlan {
  if (probe.onSwiftshader) {
    return adapterFailed
      ? { action: 'fail', message: `${NO_WEBGPU_MESSAGE}: SwiftShader from ${SWIFTSHADER_DIR} offered no adapter` }
      : { action: 'use', driver: 'swiftshader', detail: `SwiftShader (${SWIFTSHADER_ICD})` };
  }
  const gpus = probe.icds.filter((i) => !i.software);
  if (!adapterFailed && probe.systemLoader !== null && gpus.length > 0) {
    return {
      action: 'use',
      driver: 'gpu',
      detail: `system Vulkan loader ${probe.systemLoader}, driver ${gpus.map((g) => g.library).join(', ')}`,
    };
  }
  // A software driver the caller named (lavapipe for the tests' second implementation, SwiftShader through
  // another loader): used as named, never swapped for chromium's SwiftShader behind the caller's back.
  if (!adapterFailed && probe.systemLoader !== null && probe.explicit && probe.icds.length > 0) {
    const swift = probe.icds.every((i) => /swiftshader/i.test(i.library) || /swiftshader/i.test(i.path));
    const detail = `system Vulkan loader ${probe.systemLoader}, software driver ${probe.icds.map((i) => i.library).join(', ')} (named by VK_DRIVER_FILES / VK_ICD_FILENAMES)`;
    return { action: 'use', driver: swift ? 'swiftshader' : 'software', detail };
  }
  if (adapterFailed && probe.explicit && probe.systemLoader !== null && gpus.length === 0 && probe.icds.length > 0) {
    return {
      action: 'fail',
      message: `${NO_WEBGPU_MESSAGE} (the driver named by VK_DRIVER_FILES / VK_ICD_FILENAMES offered no adapter: ${probe.icds.map((i) => i.path).join(', ')})`,
    };
  }
  if (probe.swiftshader) {
    const why = adapterFailed ? 'the GPU driver offered no adapter' : 'no GPU Vulkan driver';
    return {
      action: 'reexec',
      driver: 'swiftshader',
      env: swiftshaderEnv(env),
      detail: `${why}; restarting with SwiftShader (${SWIFTSHADER_ICD})`,
    };
  }
  return {
    action: 'fail',
    message: adapterFailed
      ? `${NO_WEBGPU_MESSAGE} (the GPU driver that was found offered no adapter)`
      : NO_WEBGPU_MESSAGE,
  };
}
