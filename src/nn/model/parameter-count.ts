/**
 * The approximator's trainable parameter count as a function of its configuration alone, so a study can
 * refuse a configuration over its parameter budget before anything is built or trained. It mirrors the
 * layers of src/nn/blocks and src/nn/networks (checked against Approximator.parameterCounts in
 * test/unit/nn/parameter-count.test.ts). Pure: no tfjs.
 */
import { DIRECT_CONDITION_DIM, SUMMARY_INPUT_DIM, type NetworkConfig } from './config.ts';

const dense = (inDim: number, outDim: number): number => inDim * outDim + outDim;

/** ResidualMlp: per block a Dense and a full projector from the block's input to its width. */
function residualMlp(inDim: number, widths: readonly number[]): number {
  let n = 0;
  let d = inDim;
  for (const w of widths) {
    n += 2 * dense(d, w);
    d = w;
  }
  return n;
}

/** MultiheadAttentionBlock(query width q, key width k): dense_in, MHA, two LayerNorms, MLP, dense_out. */
function mab(c: NetworkConfig, q: number, k: number): number {
  const e = c.embedDim;
  const he = c.numHeads * e;
  const mha = dense(q, he) + 2 * dense(k, he) + dense(he, e);
  return dense(q, e) + mha + 2 * 2 * e + residualMlp(e, c.mlpWidths) + dense(c.mlpWidths.at(-1)!, e);
}

export interface ParameterCount {
  summary: number;
  inference: number;
  total: number;
}

export function networkParameterCount(c: NetworkConfig): ParameterCount {
  const e = c.embedDim;
  let summary = 0;
  let inDim = SUMMARY_INPUT_DIM;
  for (let i = 0; i < c.numAttentionBlocks; i++) {
    summary +=
      c.numInducingPoints === null
        ? mab(c, inDim, inDim)
        : c.numInducingPoints * e + mab(c, e, inDim) + mab(c, inDim, e);
    inDim = e;
  }
  // PMA: seeds, MLP_ff over the set, then MAB(seeds, MLP_ff(X)); then the summary Dense.
  summary += c.numSeeds * e + residualMlp(inDim, c.mlpWidths) + mab(c, e, c.mlpWidths.at(-1)!);
  summary += dense(c.numSeeds * e, c.summaryDim);
  const flowIn = c.paramDim + 1 + c.summaryDim + DIRECT_CONDITION_DIM;
  const inference = residualMlp(flowIn, c.flowWidths) + dense(c.flowWidths.at(-1)!, c.paramDim);
  return { summary, inference, total: summary + inference };
}
