/**
 * A trained approximator into a network file (../model/network-file.ts) and back: the tfjs side of the
 * format, apart from the format itself so that the page can read files without loading tfjs.
 */
import {
  base64ToFloat32,
  float32ToBase64,
  NETWORK_FILE_FORMAT,
  NETWORK_FILE_VERSION,
  NetworkFileError,
  parseNetworkFile,
  type NetworkFile,
  type NetworkMetadata,
} from '../model/network-file.ts';
import { Approximator } from './approximator.ts';

/**
 * Snapshot of a trained approximator (weights read with `await data()`, safe on webgpu). The
 * approximator must have a standardization (set by `fit`). `metadata` is merged over the required keys.
 */
export async function serializeNetwork(
  approx: Approximator,
  paramNames: readonly string[],
  metadata: Partial<NetworkMetadata> = {},
): Promise<NetworkFile> {
  const s = approx.standardization;
  if (s === null)
    throw new NetworkFileError('serializeNetwork: the approximator has no standardization (train it first)');
  if (paramNames.length !== approx.config.paramDim) {
    throw new NetworkFileError(
      `serializeNetwork: ${paramNames.length} parameter names for paramDim ${approx.config.paramDim}`,
    );
  }
  const weights = (await approx.getWeights()).map((w) => ({
    name: w.name,
    shape: [...w.shape],
    dtype: 'float32' as const,
    data: float32ToBase64(w.data),
  }));
  const file: NetworkFile = {
    format: NETWORK_FILE_FORMAT,
    version: NETWORK_FILE_VERSION,
    config: { ...approx.config, mlpWidths: [...approx.config.mlpWidths], flowWidths: [...approx.config.flowWidths] },
    standardization: {
      mean: Array.from(s.mean),
      std: Array.from(s.std),
      ...(s.condition === undefined ? {} : { condition: { mean: s.condition.mean, std: s.condition.std } }),
      ...(s.trials === undefined ? {} : { trials: { mean: [...s.trials.mean], std: [...s.trials.std] } }),
    },
    weights,
    metadata: {
      ...metadata,
      createdAt: metadata.createdAt ?? new Date().toISOString(),
      paramNames: [...paramNames],
      seed: approx.seed,
    },
  };
  return file;
}

/**
 * Rebuilds the approximator of a (validated) network file on the active tfjs backend: same config, the
 * stored weights and standardization. Weight names and shapes must match the architecture exactly
 * (`Approximator.setWeights` throws a WeightShapeError naming the weight otherwise).
 */
export async function restoreNetwork(fileOrText: NetworkFile | string): Promise<Approximator> {
  const file = parseNetworkFile(fileOrText);
  const approx = new Approximator(file.config, {
    seed: file.metadata.seed,
    standardization: {
      mean: Float64Array.from(file.standardization.mean),
      std: Float64Array.from(file.standardization.std),
      ...(file.standardization.condition === undefined ? {} : { condition: { ...file.standardization.condition } }),
      ...(file.standardization.trials === undefined
        ? {}
        : { trials: { mean: [...file.standardization.trials.mean], std: [...file.standardization.trials.std] } }),
    },
  });
  try {
    approx.setWeights(
      file.weights.map((w) => ({ name: w.name, shape: w.shape, data: base64ToFloat32(w.data, `weight ${w.name}`) })),
    );
  } catch (e) {
    approx.dispose();
    throw e instanceof Error ? new NetworkFileError(`network file does not fit its architecture: ${e.message}`) : e;
  }
  return approx;
}
