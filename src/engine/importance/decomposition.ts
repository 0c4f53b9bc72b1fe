/**
 * Functional ANOVA of one regression tree (Hutter, Hoos & Leyton-Brown 2014, "An Efficient Approach
 * for Assessing Hyperparameter Importance", ICML, §3–4).
 *
 * A tree is constant on each leaf's box, so over the search space Θ = Π_k [L_k, U_k] with the uniform
 * measure everything is a finite sum over leaves l with value v_l and volume share
 * vol_l = Π_k |I_{l,k}| / |Θ_k|:
 *   mean        f̂∅   = Σ_l vol_l v_l
 *   variance    V    = Σ_l vol_l (v_l − f̂∅)²
 *   marginal    a_j(x) = Σ_{l : x ∈ I_{l,j}} v_l · Π_{k≠j} |I_{l,k}| / |Θ_k|   (mean over all other dims)
 *   main effect V_j  = (1/|Θ_j|) ∫ (a_j(x) − f̂∅)² dx
 * a_j is constant between consecutive split thresholds on j (Theorem 2 of the paper), so the integral
 * is a sum over those intervals; each leaf adds its term to the run of intervals its box covers
 * (a difference array), which keeps the work linear in leaves + intervals.
 *
 * A group G of features (a one-hot encoded categorical) has the joint main effect
 *   V_G = (1/|Θ_G|) ∫ (a_G(x_G) − f̂∅)² dx_G,   a_G(x_G) − f̂∅ = Σ_{l : x_G ∈ I_{l,G}} c_l,
 *   c_l = (v_l − f̂∅) · Π_{k∉G} |I_{l,k}| / |Θ_k|
 * (the leaves partition Θ, so their weights at any x_G sum to 1 and centring each term is exact). Then
 * V_G = Σ_{l,l'} c_l c_l' · Π_{k∈G} |I_{l,k} ∩ I_{l',k}| / |Θ_k|: what Optuna's
 * `_FanovaTree.get_marginal_variance` sums over the grid of the group's split cells, in time
 * quadratic in the leaves instead of exponential in the group's size.
 */
import type { RegressionTree } from './forest.ts';

export interface TreeVariance {
  /** Variance V of the tree's prediction over the whole space. */
  readonly total: number;
  /** Main-effect variance V_j per feature or group of features (clipped at 0 against rounding). */
  readonly marginal: Float64Array;
}

interface Leaf {
  readonly value: number;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

function leaves(tree: RegressionTree, lower: Float64Array, upper: Float64Array): Leaf[] {
  const out: Leaf[] = [];
  const stack: Leaf[] = [{ value: 0, lo: lower.slice(), hi: upper.slice() }];
  const nodes: number[] = [0];
  while (nodes.length > 0) {
    const k = nodes.pop()!;
    const box = stack.pop()!;
    const f = tree.feature[k]!;
    if (f < 0) {
      out.push({ value: tree.value[k]!, lo: box.lo, hi: box.hi });
      continue;
    }
    // Thresholds lie between observed values, which lie inside the bounds; clamp against rounding.
    const t = Math.min(upper[f]!, Math.max(lower[f]!, tree.threshold[k]!));
    const lHi = box.hi.slice();
    lHi[f] = Math.min(lHi[f]!, t);
    const rLo = box.lo.slice();
    rLo[f] = Math.max(rLo[f]!, t);
    nodes.push(tree.left[k]!, tree.right[k]!);
    stack.push({ value: 0, lo: box.lo, hi: lHi }, { value: 0, lo: rLo, hi: box.hi });
  }
  return out;
}

/**
 * Main-effect and total variances of one tree over the box [lower, upper] (every upper > lower), per
 * feature, or per group of features when `groups` is given (`marginal[g]` belongs to `groups[g]`).
 */
export function decomposeTree(
  tree: RegressionTree,
  lower: Float64Array,
  upper: Float64Array,
  groups?: readonly (readonly number[])[],
): TreeVariance {
  const d = lower.length;
  const width = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    width[k] = upper[k]! - lower[k]!;
    if (!(width[k]! > 0)) throw new Error(`decomposeTree: feature ${k} has empty range [${lower[k]}, ${upper[k]}]`);
  }
  const ls = leaves(tree, lower, upper);
  // share[l·d + k] = |I_{l,k}| / |Θ_k|
  const share = new Float64Array(ls.length * d);
  const vol = new Float64Array(ls.length);
  let volSum = 0;
  ls.forEach((leaf, l) => {
    let v = 1;
    for (let k = 0; k < d; k++) {
      const s = Math.max(0, leaf.hi[k]! - leaf.lo[k]!) / width[k]!;
      share[l * d + k] = s;
      v *= s;
    }
    vol[l] = v;
    volSum += v;
  });
  let mean = 0;
  ls.forEach((leaf, l) => (mean += (vol[l]! / volSum) * leaf.value));
  let total = 0;
  ls.forEach((leaf, l) => (total += (vol[l]! / volSum) * (leaf.value - mean) ** 2));

  const single = (j: number): number => {
    const cuts = new Set<number>([lower[j]!, upper[j]!]);
    for (let k = 0; k < tree.feature.length; k++) {
      if (tree.feature[k] === j) cuts.add(Math.min(upper[j]!, Math.max(lower[j]!, tree.threshold[k]!)));
    }
    const edges = [...cuts].sort((a, b) => a - b);
    const index = new Map(edges.map((e, i) => [e, i]));
    const diff = new Float64Array(edges.length);
    ls.forEach((leaf, l) => {
      if (share[l * d + j] === 0) return;
      let others = 1;
      for (let k = 0; k < d; k++) if (k !== j) others *= share[l * d + k]!;
      const c = (leaf.value * others) / volSum;
      const from = index.get(leaf.lo[j]!)!;
      const to = index.get(leaf.hi[j]!)!;
      diff[from] = diff[from]! + c;
      diff[to] = diff[to]! - c;
    });
    let a = 0;
    let vj = 0;
    for (let i = 0; i + 1 < edges.length; i++) {
      a += diff[i]!;
      vj += ((edges[i + 1]! - edges[i]!) / width[j]!) * (a - mean) ** 2;
    }
    return Math.max(0, vj);
  };

  const joint = (group: readonly number[]): number => {
    const inGroup = new Uint8Array(d);
    for (const k of group) inGroup[k] = 1;
    const c = new Float64Array(ls.length);
    ls.forEach((leaf, l) => {
      let others = 1;
      for (let k = 0; k < d; k++) if (inGroup[k] === 0) others *= share[l * d + k]!;
      c[l] = ((leaf.value - mean) * others) / volSum;
    });
    let vg = 0;
    for (let l = 0; l < ls.length; l++) {
      if (c[l] === 0) continue;
      const a = ls[l]!;
      for (let m = l; m < ls.length; m++) {
        if (c[m] === 0) continue;
        const b = ls[m]!;
        let overlap = 1;
        for (const k of group) {
          overlap *= Math.max(0, Math.min(a.hi[k]!, b.hi[k]!) - Math.max(a.lo[k]!, b.lo[k]!)) / width[k]!;
          if (overlap === 0) break;
        }
        if (overlap !== 0) vg += (m === l ? 1 : 2) * c[l]! * c[m]! * overlap;
      }
    }
    return Math.max(0, vg);
  };

  const all = groups ?? Array.from({ length: d }, (_, j) => [j]);
  const marginal = Float64Array.from(all, (g) => (g.length === 1 ? single(g[0]!) : joint(g)));
  return { total, marginal };
}
