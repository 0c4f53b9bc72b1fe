import { describe, expect, it } from 'vitest';
import type { BackendChoice, BackendProbe } from '../../../src/nn/runtime/backend.ts';
import { BackendStatus, fallbackReason, fromTfProbe } from '../../../src/state/backends.svelte.ts';

const SWIFTSHADER: BackendProbe = {
  backend: 'webgpu',
  available: true,
  software: true,
  reason: 'available, software emulation (fallback adapter)',
  adapter: { vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true },
};
const PROBES: BackendProbe[] = [
  SWIFTSHADER,
  { backend: 'webgl', available: true, software: true, reason: 'available, software emulation (SwiftShader)' },
  { backend: 'wasm', available: true, software: false, reason: 'available' },
  { backend: 'cpu', available: true, software: false, reason: 'available' },
];
const WASM_CHOICE: BackendChoice = {
  backend: 'wasm',
  fallbacks: [
    {
      backend: 'webgpu',
      reason: "WebGPU adapter is a software fallback (vendor 'google', architecture 'swiftshader'): skipped",
    },
    { backend: 'webgl', reason: 'WebGL renders in software (SwiftShader): skipped' },
  ],
};

describe('backend wording', () => {
  it('maps tfjs probes: WebGPU hardware only when not software', () => {
    expect(fromTfProbe(SWIFTSHADER)).toEqual({
      backend: 'webgpu',
      available: true,
      hardware: false,
      detail: 'software emulation (google swiftshader), no hardware GPU',
    });
    expect(
      fromTfProbe({
        ...SWIFTSHADER,
        software: false,
        adapter: { vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: false },
      }).hardware,
    ).toBe(true);
    expect(
      fromTfProbe({ backend: 'webgpu', available: false, software: false, reason: 'navigator.gpu is undefined' }),
    ).toMatchObject({ available: false, detail: 'navigator.gpu is undefined' });
    expect(fromTfProbe(PROBES[2]!)).toEqual({ backend: 'wasm', available: true, detail: 'initialized' });
  });

  it("says whether the WebGPU adapter offers shader-f16 (the f16 matmul's native variant)", () => {
    const adapter = { vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: false };
    expect(fromTfProbe({ ...SWIFTSHADER, adapter: { ...adapter, shaderF16: true } }).f16).toMatch(
      /^shader-f16 offered: the opt-in f16 matmul \(Setup → Network\) runs native f16 tiles$/,
    );
    expect(fromTfProbe({ ...SWIFTSHADER, adapter: { ...adapter, shaderF16: false } }).f16).toMatch(
      /^this adapter does not offer shader-f16: .*packs its halves/,
    );
    // A probe from before the field (or without an adapter) says nothing rather than guessing.
    expect(fromTfProbe(SWIFTSHADER).f16).toBeUndefined();
  });

  it('explains a fallback from what the WebGPU probe found', () => {
    expect(fallbackReason(WASM_CHOICE, SWIFTSHADER)).toBe(
      'this browser offers only a software WebGPU adapter (google swiftshader), no hardware GPU',
    );
    expect(
      fallbackReason(WASM_CHOICE, {
        backend: 'webgpu',
        available: false,
        software: false,
        reason: 'requestAdapter() returned null',
      }),
    ).toBe('WebGPU is unavailable here: requestAdapter() returned null');
    expect(fallbackReason(WASM_CHOICE)).toMatch(/^WebGPU: WebGPU adapter is a software fallback/);
    expect(fallbackReason({ backend: 'webgpu', fallbacks: [] }, SWIFTSHADER)).toBeNull();
  });
});

describe('BackendStatus', () => {
  it('asks the training worker and reports the confirmed backend', async () => {
    const s = new BackendStatus({ probeBackends: async () => PROBES, selectBackend: async () => WASM_CHOICE });
    expect(s.plan).toBeNull();
    await s.load();
    expect(s.source).toBe('tfjs');
    expect(s.probes?.map((p) => p.backend)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    expect(s.probes?.[2]?.detail).toBe('initialized: WebAssembly with SIMD'); // Node 20 validates SIMD
    expect(s.hasGpu).toBe(false);
    expect(s.plan).toEqual({
      backend: 'wasm',
      confirmed: true,
      fallbackReason: 'this browser offers only a software WebGPU adapter (google swiftshader), no hardware GPU',
    });
  });

  it('recognises a hardware GPU', async () => {
    const gpu = { ...SWIFTSHADER, software: false };
    const s = new BackendStatus({
      probeBackends: async () => [gpu, ...PROBES.slice(1)],
      selectBackend: async () => ({ backend: 'webgpu', fallbacks: [] }),
    });
    await s.load();
    expect(s.hasGpu).toBe(true);
    expect(s.plan).toEqual({ backend: 'webgpu', fallbackReason: null, confirmed: true });
  });

  it('says so when the worker cannot probe, and probes once', async () => {
    let calls = 0;
    const s = new BackendStatus({
      probeBackends: async () => {
        calls++;
        throw new Error('could not load the worker script');
      },
      selectBackend: async () => WASM_CHOICE,
    });
    await Promise.all([s.load(), s.load()]);
    expect(calls).toBe(1);
    expect(s.error).toMatch(/could not load the worker script/);
  });
});

describe('training threads', () => {
  const threaded = { count: 2, reason: '3 cores less one for the page' };
  it("carries tfjs's thread count from the wasm probe and the choice", async () => {
    const probes = PROBES.map((p) => (p.backend === 'wasm' ? { ...p, threads: threaded } : p));
    const s = new BackendStatus({
      probeBackends: async () => probes,
      selectBackend: async () => ({ ...WASM_CHOICE, threads: threaded }),
    });
    await s.load();
    expect(s.threads).toEqual(threaded);
    expect(s.probes?.find((p) => p.backend === 'wasm')?.threads).toEqual(threaded);
    s.reportChoice({ ...WASM_CHOICE, threads: { count: 1, reason: 'the page is not cross-origin isolated' } });
    expect(s.threads?.count).toBe(1);
  });
});
