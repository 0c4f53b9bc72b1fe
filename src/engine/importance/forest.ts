/**
 * Random forest regression as scikit-learn's `RandomForestRegressor` with the settings Optuna's
 * fANOVA evaluator uses (optuna/importance/_fanova/_fanova.py: n_estimators = n_trees, max_depth,
 * min_samples_split 2, min_samples_leaf 1, all features at every split, bootstrap on):
 *
 * - each tree is grown on a bootstrap sample, carried as integer weights (how often each row was
 *   drawn), so node means and impurities are weighted as scikit-learn does with sample_weight;
 * - every node tries all features in a random order and takes the split with the largest reduction
 *   of weighted squared error (ties keep the first found, so the order breaks them at random);
 * - thresholds lie midway between consecutive distinct values (values closer than 1e-7 count as
 *   equal, scikit-learn's FEATURE_THRESHOLD); a node is a leaf at max_depth, with fewer than
 *   min_samples_split distinct rows, or with zero impurity.
 *
 * Breiman (2001), Random Forests, Machine Learning 45:5–32. Seeded: tree t draws from
 * `Rng.stream(seed, t)`, so the forest depends only on the data and the seed.
 */
import { Rng } from '../../shared/index.ts';

/** Arrays of one fitted tree; node 0 is the root, `feature[k] = -1` marks a leaf. */
export interface RegressionTree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Weighted mean of the training targets in the node. */
  readonly value: Float64Array;
}

export interface ForestOptions {
  readonly nTrees: number;
  readonly maxDepth: number;
  readonly minSamplesSplit?: number;
  readonly minSamplesLeaf?: number;
  readonly seed: number;
  /** Grow on all rows with weight 1 instead of bootstrap samples (used by tests). */
  readonly bootstrap?: boolean;
}

/** Training data: `x` is n × d row-major. */
export interface Dataset {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  readonly d: number;
}

const FEATURE_THRESHOLD = 1e-7;
const EPSILON = 2.220446049250313e-16;

export function fitForest(data: Dataset, opts: ForestOptions): RegressionTree[] {
  const { n, d } = data;
  if (data.x.length !== n * d) throw new Error(`fitForest: x has length ${data.x.length}, expected n·d = ${n * d}`);
  if (data.y.length !== n) throw new Error(`fitForest: y has length ${data.y.length}, expected n = ${n}`);
  if (n < 1) throw new Error(`fitForest: need at least one row, got n = ${n}`);
  const trees: RegressionTree[] = [];
  for (let t = 0; t < opts.nTrees; t++) {
    const rng = Rng.stream(opts.seed, t);
    const w = new Float64Array(n);
    if (opts.bootstrap === false) w.fill(1);
    else for (let k = 0; k < n; k++) w[rng.int(0, n - 1)]! += 1;
    trees.push(fitTree(data, w, rng, opts));
  }
  return trees;
}

interface Split {
  feature: number;
  threshold: number;
}

export function fitTree(data: Dataset, w: Float64Array, rng: Rng, opts: ForestOptions): RegressionTree {
  const { x, y, d } = data;
  const minSplit = opts.minSamplesSplit ?? 2;
  const minLeaf = opts.minSamplesLeaf ?? 1;
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const order = Array.from({ length: d }, (_, k) => k);

  const rows: number[] = [];
  for (let i = 0; i < data.n; i++) if (w[i]! > 0) rows.push(i);

  // Depth-first with an explicit stack; children are linked to their parent once created.
  const stack: { rows: number[]; depth: number; parent: number; isLeft: boolean }[] = [
    { rows, depth: 0, parent: -1, isLeft: false },
  ];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const id = value.length;
    if (node.parent >= 0) (node.isLeft ? left : right)[node.parent] = id;
    let W = 0;
    let S = 0;
    for (const i of node.rows) {
      W += w[i]!;
      S += w[i]! * y[i]!;
    }
    const mean = S / W;
    let impurity = 0;
    for (const i of node.rows) impurity += w[i]! * (y[i]! - mean) ** 2;
    impurity /= W;
    value.push(mean);
    feature.push(-1);
    threshold.push(Number.NaN);
    left.push(-1);
    right.push(-1);
    const m = node.rows.length;
    if (node.depth >= opts.maxDepth || m < minSplit || m < 2 * minLeaf || impurity <= EPSILON) continue;

    const split = bestSplit(node.rows, x, y, w, d, W, S, minLeaf, rng.shuffle(order));
    if (!split) continue;
    feature[id] = split.feature;
    threshold[id] = split.threshold;
    const l: number[] = [];
    const r: number[] = [];
    for (const i of node.rows) (x[i * d + split.feature]! <= split.threshold ? l : r).push(i);
    // Right pushed first so the left subtree gets the lower node ids, as scikit-learn numbers them.
    stack.push({ rows: r, depth: node.depth + 1, parent: id, isLeft: false });
    stack.push({ rows: l, depth: node.depth + 1, parent: id, isLeft: true });
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

/**
 * Best split of a node: maximises the impurity-reduction proxy Σ_L²/W_L + Σ_R²/W_R, which ranks
 * splits exactly as the weighted squared-error reduction does (the parent's terms are constant).
 */
function bestSplit(
  rows: readonly number[],
  x: Float64Array,
  y: Float64Array,
  w: Float64Array,
  d: number,
  W: number,
  S: number,
  minLeaf: number,
  features: readonly number[],
): Split | null {
  const m = rows.length;
  let best: Split | null = null;
  let bestProxy = -Infinity;
  const sorted = rows.slice();
  for (const f of features) {
    sorted.sort((a, b) => x[a * d + f]! - x[b * d + f]!);
    const xf = (k: number): number => x[sorted[k]! * d + f]!;
    if (xf(m - 1) <= xf(0) + FEATURE_THRESHOLD) continue;
    let wl = 0;
    let sl = 0;
    for (let p = 1; p < m; p++) {
      const i = sorted[p - 1]!;
      wl += w[i]!;
      sl += w[i]! * y[i]!;
      if (xf(p) <= xf(p - 1) + FEATURE_THRESHOLD) continue;
      if (p < minLeaf || m - p < minLeaf) continue;
      const wr = W - wl;
      const sr = S - sl;
      const proxy = (sl * sl) / wl + (sr * sr) / wr;
      if (proxy > bestProxy) {
        bestProxy = proxy;
        let t = xf(p - 1) / 2 + xf(p) / 2;
        // Rounding can put the midpoint onto the upper value, which would send it left.
        if (t === xf(p) || !Number.isFinite(t)) t = xf(p - 1);
        best = { feature: f, threshold: t };
      }
    }
  }
  return best;
}

/** Prediction of one tree for a point (length d). */
export function predictTree(tree: RegressionTree, point: ArrayLike<number>): number {
  let k = 0;
  while (tree.feature[k]! >= 0) {
    k = point[tree.feature[k]!]! <= tree.threshold[k]! ? tree.left[k]! : tree.right[k]!;
  }
  return tree.value[k]!;
}
