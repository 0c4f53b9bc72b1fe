/**
 * A study's budget (types.ts BudgetSpec) applied to one sampled configuration before it trains: its
 * trainable parameter count (src/nn/model/parameter-count.ts, exact) and the micro-batch planner's
 * estimate of one training pass of a full batch (src/nn/training/pass-bytes.ts; wasm figures with
 * unfused attention, the larger of the backends' so the verdict does not depend on the machine), as
 * bayesflow-hpo rejects configurations over its max_param_count / max_memory_mb. Pure.
 */
import {
  defaultNetworkConfig,
  FIXED_BYTES,
  networkParameterCount,
  passBytes,
  REFERENCE_NETWORK,
  WASM_FIT,
} from '../nn/pure.ts';
import { toDmcConfig, type SuggestedHyperparameters } from './convert.ts';
import type { StudyConfig } from './types.ts';

export interface BudgetCheck {
  parameters: number;
  /** Estimated MB (10^6 bytes) of one training pass of a full batch at the largest trial count. */
  memoryMB: number;
  /**
   * Optuna 5 constraints (≤ 0 feasible): `params` = count − max, `memory` = MB − max, only for the
   * limits the configuration sets.
   */
  constraints: Record<string, number>;
  /** Plain words for every exceeded limit ("2.1 M parameters > 1.5 M"), empty when within budget. */
  over: string[];
}

const mega = (x: number): string => `${(x / 1e6).toPrecision(x >= 1e7 ? 3 : 2)} M`;

export function checkBudget(config: StudyConfig, h: SuggestedHyperparameters): BudgetCheck {
  const dmc = toDmcConfig(config);
  const reference = config.network?.variant === 'reference';
  const net = defaultNetworkConfig({
    paramDim: dmc.paramNames.length,
    summaryDim: h.summary_dim,
    numSeeds: h.num_seeds,
    embedDim: reference ? REFERENCE_NETWORK.embedDim : h.embed_dim,
    dropout: h.dropout,
  });
  const parameters = networkParameterCount(net).total;
  const numObs = dmc.fixedNumObs ?? dmc.maxNumObs;
  const { perSet, fixed } = passBytes(net, numObs, { fused: false, webgpu: false });
  const memoryMB = (fixed + perSet * h.batch_size) / 1e6;
  const constraints: Record<string, number> = {};
  const over: string[] = [];
  const b = config.budget;
  if (b?.maxParams != null) {
    constraints['params'] = parameters - b.maxParams;
    if (parameters > b.maxParams) over.push(`${mega(parameters)} parameters > ${mega(b.maxParams)}`);
  }
  if (b?.maxMemoryMB != null) {
    constraints['memory'] = memoryMB - b.maxMemoryMB;
    if (memoryMB > b.maxMemoryMB)
      over.push(`about ${Math.round(memoryMB)} MB per training pass > ${Math.round(b.maxMemoryMB)} MB`);
  }
  return { parameters, memoryMB, constraints, over };
}

/** "over budget: 2.1 M parameters > 1.5 M", or null within budget. */
export function overBudgetText(c: BudgetCheck): string | null {
  return c.over.length === 0 ? null : `over budget: ${c.over.join('; ')}`;
}

/**
 * What the budget judges by, as plain numbers for study.py (src/cluster/study-py-budget.ts): the network
 * family's fixed sizes, the reference variant's embedding width, and the planner's wasm memory fit.
 */
export function budgetModel(): {
  heads: number;
  mlp: number[];
  blocks: number;
  flow: number[];
  referenceEmbed: number;
  fit: { perScore: number; perTrialEmbed: number; perTrial: number; perSet: number };
  fixed: { base: number; perEmbed: number };
} {
  const n = defaultNetworkConfig();
  return {
    heads: n.numHeads,
    mlp: [...n.mlpWidths],
    blocks: n.numAttentionBlocks,
    flow: [...n.flowWidths],
    referenceEmbed: REFERENCE_NETWORK.embedDim,
    fit: { ...WASM_FIT },
    fixed: { ...FIXED_BYTES },
  };
}
