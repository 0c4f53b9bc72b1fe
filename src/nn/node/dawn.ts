/**
 * WebGPU in Node through Dawn (npm `webgpu`), for the CLI and the benchmarks: finds a Vulkan driver
 * (vulkan.ts), installs Dawn's `navigator.gpu` and checks that it offers an adapter.
 *
 * Must run before anything imports @tensorflow/tfjs-backend-webgpu: that package registers its backend
 * at import time, and only where `navigator.gpu` already exists. Hence this folder imports no tfjs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { planVulkan, probeVulkan, type FileProbe, type VulkanPlan } from './vulkan.ts';

export interface NodeWebgpu {
  driver: 'gpu' | 'swiftshader' | 'software';
  /** Which loader and driver, in words (for stderr and benchmark output). */
  detail: string;
}

export class NoWebgpuError extends Error {
  override readonly name = 'NoWebgpuError';
}

export const NODE_FILES: FileProbe = {
  exists: (p) => existsSync(p),
  list: (d) => {
    try {
      return readdirSync(d);
    } catch {
      return [];
    }
  },
  read: (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return null;
    }
  },
};

interface DawnModule {
  create(options: string[]): { requestAdapter(o?: object): Promise<object | null> };
  globals: object;
}

let installed: NodeWebgpu | null = null;

/** Dawn's globals and navigator.gpu on globalThis; true when an adapter is offered. */
async function installDawn(spec: string): Promise<boolean> {
  // Mesa's implicit Vulkan layer VK_LAYER_MESA_device_select (Debian's mesa-vulkan-drivers, which the tests'
  // provisioning installs for lavapipe) looks for a Wayland display and prints "error: XDG_RUNTIME_DIR is
  // invalid…" into the CLI's stderr on a headless machine. Dawn picks its adapter itself, so it is not needed.
  process.env['NODEVICE_SELECT'] ??= '1';
  const { create, globals } = (await import(/* @vite-ignore */ spec)) as DawnModule;
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const nav = (globalThis as { navigator?: object }).navigator;
  // Node 21+ has a navigator of its own (userAgent, hardwareConcurrency): extend it rather than replace it.
  if (nav !== undefined) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return (await gpu.requestAdapter({ powerPreference: 'high-performance' })) !== null;
}

/** Runs this same command again with `env` added and exits with its status; never returns. */
function restartWith(env: Record<string, string>): never {
  const r = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (r.error !== undefined) throw r.error;
  process.exit(r.status ?? 1);
}

/** A plan that does not use this process: start again with SwiftShader, or fail. */
function settle(plan: Exclude<VulkanPlan, { action: 'use' }>): never {
  if (plan.action === 'fail') throw new NoWebgpuError(plan.message);
  process.stderr.write(`webgpu: ${plan.detail}\n`);
  return restartWith(plan.env);
}

/**
 * Makes `navigator.gpu` available with a working adapter, or throws NoWebgpuError with the plain reason.
 * Without a GPU driver but with Debian chromium's SwiftShader, the process is started again with its
 * variables and this call does not return (the parent exits with the child's status). `dawnModule`: where
 * the npm `webgpu` module is when it is not resolvable by name (the GPU pack carries a copy of it).
 */
export async function ensureNodeWebgpu(opts: { dawnModule?: string } = {}): Promise<NodeWebgpu> {
  if (installed !== null) return installed;
  const probe = probeVulkan(NODE_FILES, process.env, process.arch);
  const first = planVulkan(probe, process.env);
  if (first.action !== 'use') return settle(first);
  if (await installDawn(opts.dawnModule ?? 'webgpu')) {
    installed = { driver: first.driver, detail: first.detail };
    return installed;
  }
  const second = planVulkan(probe, process.env, true);
  if (second.action === 'use') throw new NoWebgpuError(`${first.detail}: no adapter`);
  return settle(second);
}
