/**
 * Network configuration: one plain object that fully describes the architecture of the approximator
 * (SetTransformer summary network + FlowMatching inference network), so a saved network can be rebuilt
 * from `{ config, weights, standardization }` alone.
 *
 * Defaults follow BayesFlow 2.0.x (docs/design/networks.md#flow-matching, docs/design/networks.md#set-transformer); the study's hyperparameters are applied as the
 * notebook intended (docs/design/networks.md#hyperparameters-the-notebook-meant): `embedDim` sets both attention blocks (and the PMA seed
 * width), and `dropout` reaches the SetTransformer *and*, unless `flowDropout` is given, the FlowMatching MLP.
 */

export interface NetworkConfig {
  /** Number of inference variables D (5 or 6 DMC parameters). */
  readonly paramDim: number;
  /** Width of the learned summary (final Dense of the SetTransformer). */
  readonly summaryDim: number;
  /** PMA seeds; the summary before the final Dense is num_seeds · embedDim wide. */
  readonly numSeeds: number;
  /** Embedding width e of every attention block (BayesFlow `embed_dims = (e, e)`). */
  readonly embedDim: number;
  /** Heads per multi-head attention; key_dim = value_dim = embedDim per head (Keras convention). */
  readonly numHeads: number;
  /** Widths of the residual MLP inside every MAB and of the PMA's MLP_ff (BayesFlow (128, 128)). */
  readonly mlpWidths: readonly number[];
  /** Number of SAB (or ISAB) blocks before pooling (BayesFlow: len(embed_dims) = 2). */
  readonly numAttentionBlocks: number;
  /** SetTransformer dropout: attention probabilities and MLP blocks. */
  readonly dropout: number;
  /** null ⇒ SAB (full O(N²) attention); m ⇒ ISAB with m learned inducing points. */
  readonly numInducingPoints: number | null;
  /** Widths of the FlowMatching velocity MLP (BayesFlow 5 × 256). */
  readonly flowWidths: readonly number[];
  /** FlowMatching MLP dropout. */
  readonly flowDropout: number;
}

/**
 * Which network a trial trains. "as-tuned": the hyperparameters as the notebook intended (dropout
 * reaches the FlowMatching MLP, embed_dim both attention blocks). "reference": what BayesFlow 2.0.5
 * actually built from the notebook's arguments (docs/design/networks.md): the FlowMatching MLP keeps dropout 0.05 and the SetTransformer embed_dims (64, 64), whatever
 * the trial suggests, so trial values can be set beside the published study's.
 */
export type NetworkVariant = 'as-tuned' | 'reference';
export const NETWORK_VARIANTS: readonly NetworkVariant[] = ['as-tuned', 'reference'];

/** The settings BayesFlow 2.0.5 used in place of the two arguments it dropped. */
export const REFERENCE_NETWORK = Object.freeze({ flowDropout: 0.05, embedDim: 64 });

/** Summary variables per trial: rt, accuracy, condition (docs/design/networks.md#data-flow). */
export const SUMMARY_INPUT_DIM = 3;
/** Direct (non-learned) condition: sqrt(num_obs). */
export const DIRECT_CONDITION_DIM = 1;

export class NetworkConfigError extends Error {
  override readonly name = 'NetworkConfigError';
}

const DEFAULTS: Omit<NetworkConfig, 'flowDropout'> = {
  paramDim: 6,
  summaryDim: 16,
  numSeeds: 1,
  embedDim: 64,
  numHeads: 4,
  mlpWidths: [128, 128],
  numAttentionBlocks: 2,
  dropout: 0.05,
  numInducingPoints: null,
  flowWidths: [256, 256, 256, 256, 256],
};

/** BayesFlow defaults merged with `partial`; `flowDropout` follows `dropout` unless given. Validated. */
export function defaultNetworkConfig(partial: Partial<NetworkConfig> = {}): NetworkConfig {
  const merged = { ...DEFAULTS, ...stripUndefined(partial) };
  const flowDropout = partial.flowDropout ?? merged.dropout;
  return validateNetworkConfig({ ...merged, flowDropout });
}

/** Checks every field; the error names the field and the value received. Returns a frozen copy. */
export function validateNetworkConfig(c: unknown): NetworkConfig {
  if (typeof c !== 'object' || c === null)
    throw new NetworkConfigError(`network config must be an object, got ${String(c)}`);
  const o = c as Record<string, unknown>;
  const int = (k: string, min: number): number => {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new NetworkConfigError(`network config: ${k} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const rate = (k: string): number => {
    const v = o[k];
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
      throw new NetworkConfigError(`network config: ${k} must be a number in [0, 1), got ${JSON.stringify(v)}`);
    }
    return v;
  };
  const widths = (k: string): readonly number[] => {
    const v = o[k];
    if (
      !Array.isArray(v) ||
      v.length === 0 ||
      !v.every((w) => typeof w === 'number' && Number.isInteger(w) && w >= 1)
    ) {
      throw new NetworkConfigError(
        `network config: ${k} must be a non-empty array of positive integers, got ${JSON.stringify(v)}`,
      );
    }
    return Object.freeze([...(v as number[])]);
  };
  const ip = o['numInducingPoints'];
  if (ip !== null && (typeof ip !== 'number' || !Number.isInteger(ip) || ip < 1)) {
    throw new NetworkConfigError(
      `network config: numInducingPoints must be null or an integer >= 1, got ${JSON.stringify(ip)}`,
    );
  }
  return Object.freeze({
    paramDim: int('paramDim', 1),
    summaryDim: int('summaryDim', 1),
    numSeeds: int('numSeeds', 1),
    embedDim: int('embedDim', 1),
    numHeads: int('numHeads', 1),
    mlpWidths: widths('mlpWidths'),
    numAttentionBlocks: int('numAttentionBlocks', 1),
    dropout: rate('dropout'),
    numInducingPoints: ip,
    flowWidths: widths('flowWidths'),
    flowDropout: rate('flowDropout'),
  });
}

function stripUndefined<T extends object>(p: T): Partial<T> {
  return Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as Partial<T>;
}
