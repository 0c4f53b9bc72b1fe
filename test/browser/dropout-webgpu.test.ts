/**
 * The Philox dropout kernel in WGSL (SwiftShader here): Random123's known answers reproduced by the
 * shader's Philox itself (raw WebGPU), and the tfjs webgpu kernel's masks and gradients bit-identical to
 * the TypeScript reference that wasm and cpu run.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, expect, it } from 'vitest';
import { dropoutMaskReference, PHILOX_WGSL, registerKernels, type DropoutAttrs } from '../../src/nn/kernels/index.ts';
import { dropoutOp } from '../../src/nn/ops/index.ts';

beforeAll(async () => {
  registerKernels();
  expect(await tf.setBackend('webgpu')).toBe(true);
});

it('Philox4x32-10 in WGSL gives Random123 known answers', async () => {
  const adapter = await navigator.gpu.requestAdapter();
  const device = await adapter!.requestDevice();
  const code = `${PHILOX_WGSL}
@group(0) @binding(0) var<storage, read_write> out : array<u32>;
@compute @workgroup_size(1) fn main() {
  let a = dmcPhilox4x32(vec4<u32>(0u, 0u, 0u, 0u), vec2<u32>(0u, 0u));
  let b = dmcPhilox4x32(vec4<u32>(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu), vec2<u32>(0xffffffffu, 0xffffffffu));
  let c = dmcPhilox4x32(vec4<u32>(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u), vec2<u32>(0xa4093822u, 0x299f31d0u));
  for (var i = 0; i < 4; i++) { out[i] = a[i]; out[4 + i] = b[i]; out[8 + i] = c[i]; }
}`;
  const pipeline = device.createComputePipeline({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
  });
  const buf = device.createBuffer({ size: 48, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: 48, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(
    0,
    device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: { buffer: buf } }],
    }),
  );
  pass.dispatchWorkgroups(1);
  pass.end();
  enc.copyBufferToBuffer(buf, 0, read, 0, 48);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const words = Array.from(new Uint32Array(read.getMappedRange()), (w) => w.toString(16).padStart(8, '0'));
  expect(words).toEqual([
    '6627e8d5',
    'e169c58d',
    'bc57ac4c',
    '9b00dbd8',
    '408f276d',
    '41c83b0e',
    'a20bc7c6',
    '6d5451fd',
    'd16cfe09',
    '94fdcceb',
    '5001e420',
    '24126ea1',
  ]);
  device.destroy();
});

it('webgpu dropout masks and gradients equal the reference bit for bit', async () => {
  expect(tf.getBackend()).toBe('webgpu');
  for (const [shape, attrs] of [
    [[3, 5, 7], { rate: 0.3, key0: 0xdeadbeef, key1: 7, site: 2, rowOffset: 0 }],
    [[4, 2, 50, 50], { rate: 0.171, key0: 12345, key1: 99, site: 5, rowOffset: 3 }],
    [[2, 256], { rate: 0.05, key0: 0xffffffff, key1: 0xffffffff, site: 0, rowOffset: 0 }],
  ] as [number[], DropoutAttrs][]) {
    const ones = tf.ones(shape);
    const mask = await dropoutOp(ones, attrs.rate, attrs, attrs.site).data();
    const ref = dropoutMaskReference(shape, attrs);
    expect(Array.from(mask)).toEqual(Array.from(ref));
    const g = tf.grad((t: tf.Tensor) => dropoutOp(t, attrs.rate, attrs, attrs.site))(ones, tf.fill(shape, 2));
    const gv = await g.data();
    expect(Array.from(gv)).toEqual(Array.from(ref, (m) => (m === 0 ? 0 : Math.fround(2 * m))));
    tf.dispose([ones, g]);
  }
});
