/**
 * tfjs's `Identity` on the wasm backend, replaced: an alias of the input's data (reference-counted, as
 * `Reshape` is and as tfjs's cpu backend implements Identity) instead of a copy. tfjs's engine clones
 * (Identity) every tensor a kernel saves for its gradient and every tensor a custom gradient saves, so on
 * wasm each of them was a full copy: 577 copies, 11 % of the kernel time of a training step at batch 64 ×
 * N 50 (4680 at N 500; tf.profile on the 2-core machine). Tensors are immutable and no kernel writes
 * into an input, so sharing the bytes is safe; strings keep tfjs's own path.
 */
import { tensor } from '@tensorflow/tfjs';
import { defineKernel } from '../define.ts';
import { IDENTITY } from '../signatures.ts';

interface Backend {
  incRef(dataId: object): void;
  readSync(dataId: object): unknown;
}

export const identityWasm = defineKernel(IDENTITY, {
  backend: 'wasm',
  dtypes: ['float32', 'int32', 'bool', 'complex64', 'string'],
  run: ({ x }, _attrs, b: Backend) => {
    if (x.dtype === 'string') return tensor(b.readSync(x.dataId) as string[], x.shape, x.dtype);
    b.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  },
});
