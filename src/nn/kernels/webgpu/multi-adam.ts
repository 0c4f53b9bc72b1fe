/**
 * `MultiAdam` (see ../names.ts) on the tfjs webgpu backend: the parameters and gradients are gathered
 * into flat buffers by buffer-to-buffer copies, two programs (multi-adam-webgpu.ts) compute the clip
 * factors and the update, and the new parameters are copied out of the new state into fresh tensors.
 *
 * A shader cannot bind one buffer per variable (≈ 8 storage buffers per stage), hence the copies; they
 * are commands on tfjs's own encoder, outside any compute pass, so they run in queue order with the
 * dispatches around them. The kernel never writes a buffer it did not allocate: a variable's buffer may be
 * shared with reshape outputs (tfjs counts references per buffer) or cached on the CPU after a read, so
 * the new values go to new tensors that the caller assigns. Every buffer a copy reads or writes is marked
 * as owned by the pending command buffer, as tfjs marks a program's bindings, so a tensor disposed before
 * the submit keeps its buffer out of the pool until then.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import { defineKernel } from '../define.ts';
import { MULTI_ADAM } from '../signatures.ts';
import type { WebGPUBackendInternals } from './backend-internals.ts';
import { ClipScaleProgram, MultiAdamProgram } from './multi-adam-webgpu.ts';

/** The further parts of tfjs-backend-webgpu 4.22's WebGPUBackend (backend_webgpu.ts) this kernel uses. */
interface MultiAdamBackend extends WebGPUBackendInternals {
  tensorMap: { get(dataId: object): { resource: unknown } | undefined };
  commandEncoder: GPUCommandEncoder | null;
  commandQueueOwnedIds: WeakSet<object>;
  makeTensorInfo(shape: number[], dtype: 'float32'): TensorInfo;
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  disposeData(dataId: object): boolean;
}

const sizeOf = (t: TensorInfo): number => t.shape.reduce((p, d) => p * d, 1);

function bufferOf(b: MultiAdamBackend, t: TensorInfo): GPUBuffer {
  b.uploadToGPU(t.dataId);
  const resource = b.tensorMap.get(t.dataId)?.resource;
  if (resource === null || resource === undefined || !('size' in (resource as object))) {
    throw new Error('MultiAdam: tensor is not backed by a GPU buffer');
  }
  return resource as GPUBuffer;
}

/** Records copies on tfjs's encoder; each entry copies `bytes` from src at srcOffset to dst at dstOffset. */
function copy(
  b: MultiAdamBackend,
  moves: { src: GPUBuffer; srcOffset: number; dst: GPUBuffer; dstOffset: number; bytes: number }[],
): void {
  b.endComputePassEncoder();
  b.ensureCommandEncoderReady();
  const enc = b.commandEncoder!;
  for (const m of moves) if (m.bytes > 0) enc.copyBufferToBuffer(m.src, m.srcOffset, m.dst, m.dstOffset, m.bytes);
}

/** A new float32 (P,) tensor holding the given tensors' values back to back. */
function gather(b: MultiAdamBackend, parts: readonly TensorInfo[], total: number): TensorInfo {
  const out = b.makeTensorInfo([total], 'float32');
  const dst = bufferOf(b, out);
  // Uploading a part may itself record a copy (values still on the CPU); do all uploads first.
  const srcs = parts.map((t) => bufferOf(b, t));
  let offset = 0;
  const moves = parts.map((t, k) => {
    const bytes = 4 * sizeOf(t);
    const m = { src: srcs[k]!, srcOffset: 0, dst, dstOffset: offset, bytes };
    offset += bytes;
    return m;
  });
  copy(b, moves);
  for (const t of parts) b.commandQueueOwnedIds.add(t.dataId);
  b.commandQueueOwnedIds.add(out.dataId);
  return out;
}

/** New tensors of `shapes` from consecutive ranges of `flat`, starting at element 0. */
function split(b: MultiAdamBackend, flat: TensorInfo, shapes: readonly number[][]): TensorInfo[] {
  const src = bufferOf(b, flat);
  const outs = shapes.map((s) => b.makeTensorInfo([...s], 'float32'));
  const dsts = outs.map((t) => bufferOf(b, t));
  let offset = 0;
  const moves = outs.map((t, k) => {
    const bytes = 4 * sizeOf(t);
    const m = { src, srcOffset: offset, dst: dsts[k]!, dstOffset: 0, bytes };
    offset += bytes;
    return m;
  });
  copy(b, moves);
  b.commandQueueOwnedIds.add(flat.dataId);
  for (const t of outs) b.commandQueueOwnedIds.add(t.dataId);
  return outs;
}

export const multiAdamWebgpu = defineKernel(MULTI_ADAM, {
  backend: 'webgpu',
  dtypes: ['float32'],
  run: (x, a, b: MultiAdamBackend) => {
    const n = x.params.length;
    const P = x.params.reduce((p, t) => p + sizeOf(t), 0);
    const theta = gather(b, x.params, P);
    const grad = gather(b, x.grads, P);
    const scales = b.runWebGPUProgram(new ClipScaleProgram(n), [grad, x.segments], 'float32', [
      { type: 'float32', data: [a.clipNorm] },
      { type: 'int32', data: [n] },
    ]);
    const state = b.runWebGPUProgram(
      new MultiAdamProgram(P),
      [theta, x.state, grad, scales, x.segments, x.loss],
      'float32',
      [
        { type: 'float32', data: [a.alpha] },
        { type: 'float32', data: [1 - a.beta1] },
        { type: 'float32', data: [1 - a.beta2] },
        { type: 'float32', data: [a.epsilon] },
        { type: 'int32', data: [P] },
        { type: 'int32', data: [n] },
      ],
    );
    const params = split(
      b,
      state,
      x.params.map((p) => p.shape),
    );
    for (const t of [theta, grad, scales]) b.disposeData(t.dataId);
    return [state, ...params];
  },
});
