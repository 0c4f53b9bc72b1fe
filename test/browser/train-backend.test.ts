import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import wasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { configureWasm, probeBackends, selectBackend } from '../../src/nn/runtime/backend.ts';

configureWasm({
  'tfjs-backend-wasm.wasm': wasm,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

describe('backend selection in headless Chromium (SwiftShader, no GPU)', () => {
  it('automatic choice skips the software WebGPU adapter and software WebGL for wasm, saying why', async () => {
    const choice = await selectBackend();
    expect(choice.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(choice.fallbacks.map((f) => f.backend)).toEqual(['webgpu', 'webgl']);
    expect(choice.fallbacks[0]!.reason).toMatch(/software fallback.*architecture 'swiftshader'.*wasm/);
    expect(choice.fallbacks[1]!.reason).toMatch(/SwiftShader/);
  });

  it('an explicit preference gets webgpu even on the software adapter, and it computes', async () => {
    const choice = await selectBackend('webgpu', { strict: true });
    expect(choice).toEqual({ backend: 'webgpu', fallbacks: [] });
    const y = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(await y.data())).toEqual([11]);
    y.dispose();
  });

  it('probeBackends lists all four with availability and reasons, restoring the active backend', async () => {
    await selectBackend('cpu');
    const probes = await probeBackends();
    expect(probes.map((p) => p.backend)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu']);
    for (const p of probes) expect(p.available).toBe(true);
    expect(probes[0]!.software).toBe(true);
    expect(probes[0]!.adapter?.isFallbackAdapter).toBe(true);
    // SwiftShader offers subgroups but not shader-f16: the f16 products run their packed variant there.
    expect(probes[0]!.adapter?.shaderF16).toBe((await navigator.gpu.requestAdapter())!.features.has('shader-f16'));
    expect(probes[1]!.software).toBe(true);
    expect(probes[2]!.software).toBe(false);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('unknown backend names are rejected', async () => {
    await expect(selectBackend('metal' as never)).rejects.toThrow("unknown backend 'metal'");
  });
});
