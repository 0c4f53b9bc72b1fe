/**
 * What the tfjs webgpu backend (4.22, dist/backend_webgpu.js) sends to the device during a window,
 * counted where it leaves JavaScript:
 *
 * - dispatches: `GPUComputePassEncoder.dispatchWorkgroups` (every program tfjs records, and any a custom
 *   kernel records itself); also programs entering `runWebGPUProgram` with a non-empty output, which is
 *   the count in compile-only mode, where nothing is recorded. Kernels that only relabel a buffer
 *   (Reshape, Identity, a same-dtype Cast) reach neither and so count as no dispatch.
 * - tensor uploads: `uploadToGPU` of a tensor whose values are still on the host (tfjs copies them into a
 *   buffer mapped at creation, or into a fresh staging buffer plus copyBufferToBuffer); plus every
 *   `GPUQueue.writeBuffer`, split by the destination's usage into uniforms (tfjs writes one uniform buffer
 *   per dispatch: shapes, strides, program scalars) and data.
 * - copies (`copyBufferToBuffer`: staging uploads and read-backs), new buffers (`createBuffer`: the
 *   buffer pool's misses) and the pool's peak bytes in use.
 */
import { patchMethod, gpuPrototype, type Undo } from './patch.ts';

export interface GpuCounters {
  /** dispatchWorkgroups calls. */
  encoderDispatches: number;
  /** runWebGPUProgram calls that reach the pipeline (non-empty output). */
  programsRun: number;
  /** Dispatches by the innermost tfjs kernel running (encoder-level, or program-level in compile-only). */
  dispatchesByKernel: Map<string, number>;
  programsByKernel: Map<string, number>;
  programsByClass: Map<string, number>;
  tensorUploads: number;
  tensorUploadBytes: number;
  /** Tensor uploads by dtype and shape, to tell what is uploaded (data, constants, tfjs's own ones). */
  uploadsByShape: Map<string, { count: number; bytes: number }>;
  dataWrites: number;
  dataWriteBytes: number;
  uniformWrites: number;
  uniformBytes: number;
  copies: number;
  copyBytes: number;
  buffersCreated: number;
  bytesCreated: number;
  peakBytesInUse: number;
}

export function newGpuCounters(): GpuCounters {
  return {
    encoderDispatches: 0,
    programsRun: 0,
    dispatchesByKernel: new Map(),
    programsByKernel: new Map(),
    programsByClass: new Map(),
    tensorUploads: 0,
    tensorUploadBytes: 0,
    uploadsByShape: new Map(),
    dataWrites: 0,
    dataWriteBytes: 0,
    uniformWrites: 0,
    uniformBytes: 0,
    copies: 0,
    copyBytes: 0,
    buffersCreated: 0,
    bytesCreated: 0,
    peakBytesInUse: 0,
  };
}

interface TensorData {
  dtype: string;
  shape: number[];
  values: ArrayLike<number> | null;
  resource: unknown;
}

/** The parts of tfjs-backend-webgpu's WebGPUBackend this file reads or wraps. */
export interface WebGPUBackendInternals {
  tensorMap: { get(dataId: object): TensorData | undefined };
  bufferManager: { numBytesUsed: number; numBytesAllocated: number };
  checkCompileCompletionAsync(): Promise<void>;
}

const UNIFORM_USAGE = 0x40; // GPUBufferUsage.UNIFORM

function bump(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes `queue.writeBuffer(buffer, offset, data, dataOffset?, size?)` writes (offsets in elements for typed arrays). */
function writeBytes(data: ArrayBufferView | ArrayBuffer, dataOffset = 0, count?: number): number {
  if (data instanceof ArrayBuffer) return count ?? data.byteLength - dataOffset;
  const per = (data as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  return (count ?? data.byteLength / per - dataOffset) * per;
}

/**
 * Starts counting into `c` on `backend` (the active webgpu backend) and the global WebGPU prototypes;
 * `kernel()` names the tfjs kernel running. Returns the undo.
 */
export function instrumentWebgpu(
  backend: WebGPUBackendInternals,
  kernel: () => string,
  c: GpuCounters,
  compileOnly: boolean,
): Undo {
  const undo: Undo[] = [];
  const b = backend;
  undo.push(
    patchMethod(
      b,
      'runWebGPUProgram',
      (orig) =>
        function (this: unknown, ...args: never[]) {
          const [program, , , , output] = args as unknown as [
            { outputShape: number[] },
            unknown,
            unknown,
            unknown,
            { shape: number[] } | undefined,
          ];
          if (size(output?.shape ?? program.outputShape) > 0) {
            c.programsRun++;
            bump(c.programsByClass, program.constructor.name);
            bump(c.programsByKernel, kernel());
            if (compileOnly) bump(c.dispatchesByKernel, kernel());
          }
          return orig.apply(this, args);
        },
    ),
    patchMethod(
      b,
      'uploadToGPU',
      (orig) =>
        function (this: unknown, ...args: never[]) {
          const td = b.tensorMap.get(args[0] as unknown as object);
          if (td !== undefined && td.resource == null && td.values != null) {
            const bytes = 4 * size(td.shape); // float32, int32 and bool all take 4 bytes on the GPU
            c.tensorUploads++;
            c.tensorUploadBytes += bytes;
            const key = `${td.dtype}[${td.shape.join(',')}]`;
            const e = c.uploadsByShape.get(key) ?? { count: 0, bytes: 0 };
            c.uploadsByShape.set(key, { count: e.count + 1, bytes: e.bytes + bytes });
          }
          return orig.apply(this, args);
        },
    ),
    patchMethod(
      b.bufferManager,
      'acquireBuffer',
      (orig) =>
        function (this: unknown, ...args: never[]) {
          const r = orig.apply(this, args);
          c.peakBytesInUse = Math.max(c.peakBytesInUse, b.bufferManager.numBytesUsed);
          return r;
        },
    ),
  );
  const pass = gpuPrototype('GPUComputePassEncoder');
  if (pass !== null && !compileOnly) {
    undo.push(
      patchMethod(
        pass,
        'dispatchWorkgroups',
        (orig) =>
          function (this: unknown, ...args: never[]) {
            c.encoderDispatches++;
            bump(c.dispatchesByKernel, kernel());
            return orig.apply(this, args);
          },
      ),
    );
  }
  const queue = gpuPrototype('GPUQueue');
  if (queue !== null) {
    undo.push(
      patchMethod(
        queue,
        'writeBuffer',
        (orig) =>
          function (this: unknown, ...args: never[]) {
            const [buffer, , data, dataOffset, count] = args as unknown as [
              { usage: number },
              number,
              ArrayBuffer,
              number?,
              number?,
            ];
            const bytes = writeBytes(data, dataOffset, count);
            if ((buffer.usage & UNIFORM_USAGE) !== 0) {
              c.uniformWrites++;
              c.uniformBytes += bytes;
            } else {
              c.dataWrites++;
              c.dataWriteBytes += bytes;
            }
            return orig.apply(this, args);
          },
      ),
    );
  }
  const encoder = gpuPrototype('GPUCommandEncoder');
  if (encoder !== null) {
    undo.push(
      patchMethod(
        encoder,
        'copyBufferToBuffer',
        (orig) =>
          function (this: unknown, ...args: never[]) {
            c.copies++;
            const n = args.at(-1) as unknown;
            if (typeof n === 'number') c.copyBytes += n;
            return orig.apply(this, args);
          },
      ),
    );
  }
  const device = gpuPrototype('GPUDevice');
  if (device !== null) {
    undo.push(
      patchMethod(
        device,
        'createBuffer',
        (orig) =>
          function (this: unknown, ...args: never[]) {
            c.buffersCreated++;
            c.bytesCreated += (args[0] as unknown as { size: number }).size;
            return orig.apply(this, args);
          },
      ),
    );
  }
  if (compileOnly) {
    // Reads return nothing in compile-only mode, and a step reads its loss before Adam: zeros of the
    // right length let the step's control flow go on (the values are meaningless, the counts are not).
    undo.push(
      patchMethod(
        b,
        'read',
        () =>
          async function (...args: never[]) {
            const td = b.tensorMap.get(args[0] as unknown as object);
            if (td === undefined) throw new Error('profile: read of an unknown tensor');
            if (td.values != null) return td.values;
            return td.dtype === 'float32' ? new Float32Array(size(td.shape)) : new Int32Array(size(td.shape));
          },
      ),
    );
  }
  return () => {
    for (const u of undo.reverse()) u();
  };
}
