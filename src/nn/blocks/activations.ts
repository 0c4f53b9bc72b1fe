/** The networks' activations; defined with the ops that fuse them with a bias (../ops/activations.ts). */
export { activate, gelu, mish, type Activation } from '../ops/index.ts';
