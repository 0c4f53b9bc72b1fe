/**
 * Dawn's null backend (npm `webgpu`, `backend=null`) offers 'shader-f16' and validates every shader and
 * pipeline like a real device (Tint's WGSL checks), but executes nothing. So the native-f16 MatMulF16
 * programs, which no adapter on this machine can run, are at least built here the way tfjs builds them
 * on a device with the feature: through this project's webgpu factory, tfjs's shader prelude and the
 * `enable` hoisting. Prints one JSON line for matmul-f16-native.test.ts.
 */
import type * as TF from '@tensorflow/tfjs';

const { create, globals } = (await import('webgpu')) as unknown as { create(o: string[]): unknown; globals: object };
Object.assign(globalThis, globals);
const gpu = create(['backend=null']);
const nav = (globalThis as { navigator?: object }).navigator;
if (nav !== undefined) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });

const tf = await import('@tensorflow/tfjs');
await import('@tensorflow/tfjs-backend-webgpu');
const { registerKernels } = await import('../../../../src/nn/kernels/index.ts');
const { linearF16 } = await import('../../../../src/nn/ops/index.ts');
registerKernels();
// What reaches Dawn, after the factory's device has hoisted the directives.
const modules: string[] = [];
const proto = (globals as { GPUDevice: { prototype: GPUDevice } }).GPUDevice.prototype;
const original = proto.createShaderModule;
proto.createShaderModule = function (this: GPUDevice, d: GPUShaderModuleDescriptor) {
  modules.push(d.code);
  return original.call(this, d);
};
if (!(await tf.setBackend('webgpu'))) throw new Error('webgpu on the null backend did not initialize');
const device = (tf.backend() as unknown as { device: GPUDevice }).device;
const errors: string[] = [];
device.addEventListener('uncapturederror', (e) => errors.push((e as GPUUncapturedErrorEvent).error.message));
device.pushErrorScope('validation');
// Shapes that do and do not divide the 64 × 64 tile, both transposes of the backward pass.
for (const [m, k, n] of [
  [17, 33, 19],
  [128, 64, 128],
  [1, 1, 1],
] as const) {
  const x = tf.randomNormal([m, k]) as TF.Tensor2D;
  const w = tf.variable(tf.randomNormal([k, n]) as TF.Tensor2D) as TF.Variable<TF.Rank.R2>;
  const { value, grads } = tf.variableGrads(() => tf.sum(linearF16(x, w as unknown as TF.Tensor2D)) as TF.Scalar, [w]);
  const g = tf.grad((xi: TF.Tensor) => tf.sum(linearF16(xi as TF.Tensor2D, w as unknown as TF.Tensor2D)))(x);
  await Promise.all([value.data(), g.data(), ...Object.values(grads).map((t) => t.data())]);
  tf.dispose([x, w, value, g, ...Object.values(grads)]);
}
const scoped = await device.popErrorScope();
// The control: a shader with an f16/f32 type error must be refused, or "no error" above proves nothing.
device.pushErrorScope('validation');
device.createShaderModule({
  code: 'enable f16;\n@compute @workgroup_size(1) fn main() { var x : f16 = 1.0h; let y : f32 = x; }',
});
const control = await device.popErrorScope();
const f16Modules = modules.filter((c) => /^\s*enable f16;/.test(c));
process.stdout.write(
  JSON.stringify({
    shaderF16: device.features.has('shader-f16'),
    modules: modules.length,
    f16Modules: f16Modules.length,
    enableFirst: f16Modules.every((c) => c.trimStart().startsWith('enable f16;')),
    enableElsewhere: modules.filter((c) => /enable f16;/.test(c) && !/^\s*enable f16;/.test(c)).length,
    validation: scoped?.message ?? null,
    control: control?.message ?? null,
    uncaptured: errors,
  }) + '\n',
);
