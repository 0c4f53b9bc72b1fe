// Which Vulkan driver Dawn gets in Node, from files and environment only: machines are described as
// maps of file → content, so every branch runs without a GPU or Dawn.
import { describe, expect, it } from 'vitest';
import {
  NO_WEBGPU_MESSAGE,
  REEXEC_FLAG,
  SWIFTSHADER_ICD,
  planVulkan,
  probeVulkan,
  type FileProbe,
} from '../../../../src/nn/node/index.ts';

function machine(files: Record<string, string>): FileProbe {
  return {
    exists: (p) => p in files,
    list: (d) =>
      Object.keys(files)
        .filter((f) => f.startsWith(`${d}/`) && !f.slice(d.length + 1).includes('/'))
        .map((f) => f.slice(d.length + 1)),
    read: (p) => files[p] ?? null,
  };
}

const icd = (lib: string): string =>
  JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: lib, api_version: '1.3.0' } });
const LOADER = { '/usr/lib/x86_64-linux-gnu/libvulkan.so.1': '' };
const NVIDIA = { '/usr/share/vulkan/icd.d/nvidia_icd.json': icd('libGLX_nvidia.so.0') };
const LAVAPIPE = { '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json': icd('/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so') };
const CHROMIUM = {
  [SWIFTSHADER_ICD]: icd('./libvk_swiftshader.so'),
  '/usr/lib/chromium/libvk_swiftshader.so': '',
  '/usr/lib/chromium/libvulkan.so.1': '',
};
const ENV = { HOME: '/root', LD_LIBRARY_PATH: '/opt/lib' };

function plan(files: Record<string, string>, env: Record<string, string> = ENV, adapterFailed = false) {
  return planVulkan(probeVulkan(machine(files), env, 'x64'), env, adapterFailed);
}

describe('planVulkan', () => {
  it('uses the system loader when a GPU driver is installed, even with SwiftShader present', () => {
    const p = plan({ ...LOADER, ...NVIDIA, ...CHROMIUM });
    expect(p).toMatchObject({ action: 'use', driver: 'gpu' });
    expect(p.action === 'use' && p.detail).toContain('libGLX_nvidia.so.0');
  });

  it('restarts with chromium SwiftShader when the system has no GPU driver (loader alone or a software one)', () => {
    for (const files of [{ ...CHROMIUM }, { ...LOADER, ...CHROMIUM }, { ...LOADER, ...LAVAPIPE, ...CHROMIUM }]) {
      const p = plan(files);
      expect(p.action).toBe('reexec');
      if (p.action !== 'reexec') continue;
      expect(p.env).toEqual({
        LD_LIBRARY_PATH: '/usr/lib/chromium:/opt/lib',
        VK_ICD_FILENAMES: SWIFTSHADER_ICD,
        [REEXEC_FLAG]: '1',
      });
    }
  });

  it('a GPU manifest without a loader to read it is no GPU driver', () => {
    expect(plan({ ...NVIDIA, ...CHROMIUM }).action).toBe('reexec');
    expect(plan({ ...NVIDIA })).toEqual({ action: 'fail', message: NO_WEBGPU_MESSAGE });
  });

  it('falls back to SwiftShader when the GPU driver offers no adapter, and fails plainly without it', () => {
    expect(plan({ ...LOADER, ...NVIDIA, ...CHROMIUM }, ENV, true).action).toBe('reexec');
    const p = plan({ ...LOADER, ...NVIDIA }, ENV, true);
    expect(p.action === 'fail' && p.message.startsWith(NO_WEBGPU_MESSAGE)).toBe(true);
  });

  it('says plainly when neither is there', () => {
    expect(plan({})).toEqual({ action: 'fail', message: NO_WEBGPU_MESSAGE });
    expect(plan({ ...LOADER, ...LAVAPIPE })).toEqual({ action: 'fail', message: NO_WEBGPU_MESSAGE });
    // SwiftShader's manifest without its library or chromium's loader does not count.
    expect(plan({ [SWIFTSHADER_ICD]: icd('./libvk_swiftshader.so') })).toEqual({
      action: 'fail',
      message: NO_WEBGPU_MESSAGE,
    });
  });

  it('the restarted process uses SwiftShader and never restarts again', () => {
    const env = {
      ...ENV,
      LD_LIBRARY_PATH: '/usr/lib/chromium:/opt/lib',
      VK_ICD_FILENAMES: SWIFTSHADER_ICD,
      [REEXEC_FLAG]: '1',
    };
    expect(plan({ ...CHROMIUM }, env)).toMatchObject({ action: 'use', driver: 'swiftshader' });
    expect(plan({ ...CHROMIUM }, env, true).action).toBe('fail');
    // Set by hand as docs/ describe, without the flag: used as is, no restart.
    const byHand = { LD_LIBRARY_PATH: '/usr/lib/chromium', VK_ICD_FILENAMES: SWIFTSHADER_ICD };
    expect(plan({ ...CHROMIUM }, byHand)).toMatchObject({ action: 'use', driver: 'swiftshader' });
  });

  it('a software driver named by VK_DRIVER_FILES or VK_ICD_FILENAMES is used as named, and fails plainly', () => {
    for (const name of ['VK_DRIVER_FILES', 'VK_ICD_FILENAMES']) {
      const env = { ...ENV, [name]: '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json' };
      const p = plan({ ...LOADER, ...NVIDIA, ...LAVAPIPE, ...CHROMIUM }, env);
      expect(p).toMatchObject({ action: 'use', driver: 'software' });
      expect(p.action === 'use' && p.detail).toContain('libvulkan_lvp.so');
      // No adapter from it: the message names the manifest; SwiftShader is not swapped in.
      const f = plan({ ...LOADER, ...LAVAPIPE, ...CHROMIUM }, env, true);
      expect(f.action === 'fail' && f.message).toContain('lvp_icd.x86_64.json');
      // Without a loader to read it, the old rule: SwiftShader from chromium.
      expect(plan({ ...LAVAPIPE, ...CHROMIUM }, env).action).toBe('reexec');
    }
    // SwiftShader's manifest through another loader (the GPU pack's own libvulkan): SwiftShader.
    const swift = { ...ENV, VK_DRIVER_FILES: SWIFTSHADER_ICD };
    expect(plan({ ...LOADER, ...CHROMIUM }, swift)).toMatchObject({ action: 'use', driver: 'swiftshader' });
  });

  it('reads only the manifests VK_ICD_FILENAMES names, as the loader does', () => {
    const env = { ...ENV, VK_ICD_FILENAMES: '/usr/share/vulkan/icd.d/nvidia_icd.json' };
    expect(plan({ ...LOADER, ...NVIDIA, ...LAVAPIPE, ...CHROMIUM }, env)).toMatchObject({
      action: 'use',
      driver: 'gpu',
    });
    expect(probeVulkan(machine({ ...LOADER, ...NVIDIA, ...LAVAPIPE }), env, 'x64').icds).toHaveLength(1);
    const probe = probeVulkan(machine({ ...LOADER, ...NVIDIA, ...LAVAPIPE }), ENV, 'x64');
    expect(probe.icds.map((i) => [i.library, i.software])).toEqual([
      ['libGLX_nvidia.so.0', false],
      ['/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so', true],
    ]);
    expect(probe.systemLoader).toBe('/usr/lib/x86_64-linux-gnu/libvulkan.so.1');
  });
});
